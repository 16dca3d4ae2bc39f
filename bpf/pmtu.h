/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * pmtu.h - the path MTU between the tunnel ends (RFC 2473 section 7.1,
 * RFC 8201): learnt from Packet Too Big errors about our own tunnel
 * packets, remembered in the binding, and turned into the MTU a sender is
 * told when its packet does not fit once encapsulated or extended.
 */
#ifndef XMIP6_PMTU_H
#define XMIP6_PMTU_H

#include <linux/icmpv6.h>

#include "maps.h"
#include "nemo.h"
#include "parse.h"

/* The tunnel path MTU learnt from Packet Too Big errors, 0 when unknown or aged out. */
static __always_inline __u32 tunnel_mtu_of(const struct xmip6_binding_fwd *b)
{
	if (!b->tunnel_mtu || bpf_ktime_get_coarse_ns() >= b->tunnel_mtu_expires_ns)
		return 0;
	return b->tunnel_mtu;
}

/* MTU to report to a sender whose packet grows by @grow on a path of @path_mtu. */
static __always_inline __u32 ptb_mtu_grow(__u32 path_mtu, __u32 grow)
{
	__u32 mtu = path_mtu - grow;

	/* Below 1320 the tunnel ought to fragment (RFC 2473 section 7.1);
	 * xmip6 does not, and never asks a sender for less than 1280 (RFC
	 * 8200 section 5: every link carries 1280). */
	return path_mtu < grow + XMIP6_IPV6_MIN_MTU ? XMIP6_IPV6_MIN_MTU : mtu;
}

/* MTU to report to a sender whose packet must fit in a tunnel over @path_mtu. */
static __always_inline __u32 ptb_mtu_for(__u32 path_mtu)
{
	return ptb_mtu_grow(path_mtu, XMIP6_TUNNEL_OVERHEAD);
}

/*
 * A Packet Too Big about one of our own tunnel packets: the quote starts
 * with the outer header we built and then the inner one, whose home address
 * names the binding. The kernel has no tunnel to tell (RFC 2473 section
 * 7.1), so the binding remembers the tunnel MTU for RFC 8201's lifetime and
 * the encapsulation paths answer later senders with Packet Too Big.
 * @c sits just behind @ip6; @ha selects which end of the tunnel we are.
 */
static __always_inline bool learn_tunnel_mtu(struct cursor c, const struct ipv6hdr *ip6, bool ha)
{
	const struct in6_addr *local, *remote;
	struct ipv6hdr *quoted_outer, *quoted_inner;
	struct xmip6_binding_fwd *b;
	struct icmp6hdr *icmp;
	__u32 mtu, known;

	/* The quote must hold both headers within the payload, not the frame. */
	if (ip6->nexthdr != IPPROTO_ICMPV6 ||
	    bpf_ntohs(ip6->payload_len) < sizeof(*icmp) + 2 * sizeof(struct ipv6hdr))
		return false;
	icmp = cursor_pull(&c, sizeof(*icmp));
	quoted_outer = cursor_pull(&c, sizeof(*quoted_outer));
	quoted_inner = cursor_pull(&c, sizeof(*quoted_inner));
	if (!icmp || !quoted_outer || !quoted_inner)
		return false;
	if (icmp->icmp6_type != ICMPV6_PKT_TOOBIG || icmp->icmp6_code != 0 ||
	    quoted_outer->nexthdr != IPPROTO_IPV6)
		return false;
	b = binding_lookup(ha ? &quoted_inner->daddr : &quoted_inner->saddr);
	/* HA: a packet to a mobile network went through its router's tunnel,
	 * the forwarding half its prefix entry carries (nemo.h): the MTU is
	 * learnt there, where that prefix's packets read it. */
	if (!b && ha)
		b = nemo_binding(&quoted_inner->daddr);
	if (!b)
		return false;
	local = ha ? &b->ha_addr : &b->care_of_addr;
	remote = ha ? &b->care_of_addr : &b->ha_addr;
	if (!addr_equal(&ip6->daddr, local) || !addr_equal(&quoted_outer->saddr, local) ||
	    !addr_equal(&quoted_outer->daddr, remote))
		return false;

	mtu = bpf_ntohl(icmp->icmp6_mtu);
	if (mtu < XMIP6_IPV6_MIN_MTU) /* RFC 8201 section 4 */
		mtu = XMIP6_IPV6_MIN_MTU;
	known = tunnel_mtu_of(b);
	if (known && mtu >= known) /* only ever lowered until it ages out */
		return true;
	b->tunnel_mtu = mtu;
	b->tunnel_mtu_expires_ns =
		bpf_ktime_get_coarse_ns() + XMIP6_TUNNEL_MTU_AGE_S * 1000000000ULL;
	return true;
}

/*
 * learn_tunnel_mtu() on the frame's IPv6 packet (behind the Ethernet
 * header), one global function per end of the tunnel: each is verified once
 * on its own, and its program goes on with a scalar, not with the states of
 * every check in it. Inlined, those multiplied the states of the rest of
 * xdp_ha (265,176 instructions processed, 149,600 with this one). The
 * programs call it for ICMPv6 only: other packets pay no call.
 */
static __always_inline bool xdp_learn_tunnel_mtu(struct xdp_md *ctx, bool ha)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6;
	struct cursor c;

	cursor_init(&c, data + sizeof(struct ethhdr), data_end);
	ip6 = pull_ipv6(&c);
	return ip6 && learn_tunnel_mtu(c, ip6, ha);
}

__noinline int xdp_ha_learn_tunnel_mtu(struct xdp_md *ctx)
{
	return xdp_learn_tunnel_mtu(ctx, true);
}

__noinline int xdp_mn_learn_tunnel_mtu(struct xdp_md *ctx)
{
	return xdp_learn_tunnel_mtu(ctx, false);
}

#endif /* XMIP6_PMTU_H */
