// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_icmp6.c - libFuzzer target: the ICMPv6 messages xmip6d parses from
 * the network: Router Advertisements (movement detection, the Home Agents
 * List: RFC 4861 section 4.2, RFC 6275 sections 7.1-7.4) and Home Agent
 * Address Discovery Replies (section 6.6). The first octet picks which.
 */
#include <stddef.h>
#include <stdint.h>

#include "wire/disc.h"

static const struct config_prefix home = {
	.addr = {{{0x20, 0x01, 0x0d, 0xb8, 0, 1}}},
	.len = 64,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in6_addr addrs[8];
	struct disc_ra ra;
	__u16 id;
	int n;

	if (!size)
		return 0;
	if (data[0] & 1)
		(void)disc_parse_ra(data + 1, size - 1, &home, &ra);
	else
		(void)disc_parse_dhaad_reply(data + 1, size - 1, &id, addrs, 8, &n);
	return 0;
}
