// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_nd.c - libFuzzer target: a Neighbor Solicitation or Advertisement as
 * the home agent's proxy DAD receives it (RFC 4861 7.1.1/7.1.2 validity,
 * the options walk, RFC 4862 5.4.3/5.4.4 matching against the probes).
 *
 * The first octet stands for what the socket reports beside the message:
 * bit 0 source :: (else fe80::1), bits 1-2 destination (unicast target,
 * all-nodes, the solicited-node group of 2001:db8:1::100, another unicast
 * address of ours), bit 3 a hop limit of 64 (else 255), bit 4 arrival on
 * another interface than the probes'. The rest is the ICMPv6 message.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <netinet/icmp6.h>

#include "net/ndisc.h"

#define PROBE_IFINDEX 2

static const struct in6_addr probed[] = {
	{{{0x20, 0x01, 0x0d, 0xb8, 0, 1, [14] = 0x01, [15] = 0x00}}}, /* 2001:db8:1::100 */
	{{{0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 0x0a}}},	      /* 2001:db8:1::a */
	{{{0xfe, 0x80, [8] = 0x02, [15] = 0x01}}},		      /* fe80::200:0:0:1 */
};

static const struct in6_addr dsts[] = {
	{{{0x20, 0x01, 0x0d, 0xb8, 0, 1, [14] = 0x01, [15] = 0x00}}},
	{{{0xff, 0x02, [15] = 0x01}}},
	{{{0xff, 0x02, [11] = 0x01, [12] = 0xff, [14] = 0x01, [15] = 0x00}}},
	{{{0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 0x0a}}},
};

/* Exactly one probe in use, the one for @msg's target. */
static bool in_use_is(const struct ndisc *nd, const struct ndisc_msg *msg)
{
	int n = 0;

	for (int i = 0; i < NDISC_MAX_DAD; i++)
		if (nd->dad[i].in_use)
			n += IN6_ARE_ADDR_EQUAL(&nd->dad[i].target, &msg->target) ? 1 : 100;
	return n == 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct in6_addr ll = {{{0xfe, 0x80, [15] = 0x01}}};
	struct ndisc nd = {.fd = -1, .raw_fd = -1};
	struct ndisc_rx_meta meta = {0};
	struct ndisc_msg msg;
	int ret, marked;

	if (!size)
		return 0;
	for (size_t i = 0; i < sizeof(probed) / sizeof(probed[0]); i++)
		nd.dad[nd.n_dad++] = (struct ndisc_dad){
			.active = true, .ifindex = PROBE_IFINDEX, .target = probed[i]};
	if (!(data[0] & 1))
		meta.src = ll;
	meta.dst = dsts[(data[0] >> 1) & 3];
	meta.hlim = data[0] & 8 ? 64 : 255;
	meta.ifindex = data[0] & 16 ? PROBE_IFINDEX + 1 : PROBE_IFINDEX;

	ret = ndisc_parse(data + 1, size - 1, &meta, &msg);
	if (ret != 0 && ret != -ENOMSG && ret != -EBADMSG && ret != -EINVAL)
		__builtin_trap();
	if (!ret && (IN6_IS_ADDR_MULTICAST(&msg.target) ||
		     (msg.type != ND_NEIGHBOR_SOLICIT && msg.type != ND_NEIGHBOR_ADVERT)))
		__builtin_trap();
	/* The receive path agrees, marks at most one probe, and that once. */
	marked = ndisc_take(&nd, data + 1, size - 1, &meta);
	if (ret ? marked != ret : marked < 0 || marked > 1)
		__builtin_trap();
	if (marked == 1 &&
	    (ndisc_take(&nd, data + 1, size - 1, &meta) != 0 || !in_use_is(&nd, &msg)))
		__builtin_trap();
	return 0;
}
