// SPDX-License-Identifier: GPL-2.0
/*
 * hao_unbound.c - a Binding Error status 1 (RFC 6275 sections 9.3.1, 9.3.3)
 * for a data packet with a Home Address option and no binding, whichever
 * role's data plane dropped it: a correspondent's, the home agent's (to its
 * own address) or the mobile node's. Through the daemon's rate-limited
 * error path; never about or to an address no error may concern.
 */
#include <errno.h>
#include <string.h>

#include "daemon/daemon.h"
#include "roles/hao_unbound.h"
#include "common/util.h"

static bool routable_unicast(const struct in6_addr *a)
{
	return !addr6_unusable_reason(a) && !IN6_IS_ADDR_LINKLOCAL(a) && !IN6_IS_ADDR_V4MAPPED(a);
}

/* The HAO of the IPv6 packet @p, walking its extension headers. */
static int packet_hao(const __u8 *p, size_t len, struct in6_addr *hoa)
{
	size_t off = 40, hlen;
	__u8 nh;
	int i;

	if (len < 40)
		return -EBADMSG;
	nh = p[6];
	for (i = 0; i < SIG_MAX_EXT_HDRS; i++) {
		if (nh != IPPROTO_HOPOPTS && nh != IPPROTO_ROUTING && nh != IPPROTO_DSTOPTS)
			return -ENOENT;
		if (off + 2 > len)
			return -EBADMSG;
		hlen = ((size_t)p[off + 1] + 1) * 8;
		if (off + hlen > len)
			return -EBADMSG;
		if (nh == IPPROTO_DSTOPTS && !mh_find_hao(p + off, hlen, hoa))
			return 0;
		nh = p[off];
		off += hlen;
	}
	return -ENOENT;
}

/* A daemon_packet_fn: @packet is the IPv6 packet (at most @len octets of it). */
static void answer(struct daemon *d, void *arg, const void *packet, size_t len, int ifindex)
{
	struct sig_rx rx = {.ifindex = ifindex, .has_hao = true};
	struct addr6_buf a, h;

	(void)arg;
	daemon_count_drop(d, DROP_hao_unbound);
	if (len < 40 || packet_hao(packet, len, &rx.hao))
		return;
	memcpy(&rx.src, (const __u8 *)packet + 8, 16);
	memcpy(&rx.dst, (const __u8 *)packet + 24, 16);
	/* No error to or about a multicast or unspecified address (RFC 4443 2.4(e)). */
	if (!routable_unicast(&rx.src) || !routable_unicast(&rx.hao) ||
	    IN6_IS_ADDR_MULTICAST(&rx.dst))
		return;
	if (!daemon_error_allowed(d))
		return;
	pr_packet(LOG_INFO, "packet from %s with home address %s and no binding: Binding Error 1",
		  addr6_str(&rx.src, &a), addr6_str(&rx.hao, &h));
	daemon_send_be(d, &rx, MH_BE_UNKNOWN_HAO_BINDING);
}

int hao_unbound_reg(struct daemon *d)
{
	int err = daemon_hao_unbound_reg(d, answer, NULL);

	return err == -EEXIST ? 0 : err;
}
