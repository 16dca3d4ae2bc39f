/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ha.h - the home agent's XDP stages (RFC 6275 section 10.4): packets to a
 * registered home address tunnelled to its care-of address (10.4.2), packets
 * reverse-tunnelled from it taken out and forwarded (10.4.5), and Mobility
 * Header packets to the HA handed to the daemon (10.3.1). Its TC egress is
 * tc_encap() (encap.h) alone.
 */
#ifndef XMIP6_HA_H
#define XMIP6_HA_H

#include <linux/bpf.h>
#include <linux/icmpv6.h>
#include <bpf/bpf_helpers.h>

#include "xmip6.h"
#include "bctr.h"
#include "encap.h"
#include "fib.h"
#include "hao.h"
#include "icmp6.h"
#include "maps.h"
#include "nemo.h"
#include "parse.h"
#include "pmtu.h"
#include "ratelimit.h"
#include "signal.h"
#include "stats.h"

/*
 * HA: encapsulate a packet to @b's home address and send it to the CoA.
 * A BPF-to-BPF call, not inlined: xdp_ha reaches it from three places (a
 * packet to a home address, another's tunnel, the reverse tunnel of another
 * mobile node), and three copies of it would grow the program by a third.
 * The binding's counters are found by its slot, whether the packet is to
 * the home address itself or to a mobile router's prefix (nemo.h).
 */
static __noinline int xdp_ha_encap(struct xdp_md *ctx, const struct xmip6_binding_fwd *b)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct bpf_fib_lookup fib = {};
	const struct xmip6_nh *nh = NULL;
	struct ethhdr *eth = data;
	struct ipv6hdr *inner = (void *)(eth + 1);
	__u16 inner_len;
	__u32 mtu;
	int rc;

	if ((void *)(inner + 1) > data_end)
		return VERDICT(XDP_DROP, internal_error);
	/* A router forwards no packet from a multicast, unspecified or loopback
	 * source, nor one from a link-local source off its link (RFC 4291
	 * sections 2.5.2, 2.5.3, 2.5.6, 2.7): the stack drops those or answers
	 * Destination Unreachable (beyond scope), and answers a neighbour's
	 * link-local unicast NUD probe for a home address itself. */
	if (!addr_is_global_unicast(&inner->saddr))
		return VERDICT(XDP_PASS, rx_bad_src);
	/* A router decrements the hop limit before the tunnel entry point
	 * (RFC 2473 section 3.1); at 1 the stack owes the sender Time Exceeded. */
	if (inner->hop_limit <= 1)
		return VERDICT(XDP_PASS, ha_hop_limit);
	inner_len = sizeof(*inner) + bpf_ntohs(inner->payload_len);

	rc = nh_resolve(ctx, &fib, ctx->ingress_ifindex, &b->ha_addr, &b->care_of_addr,
			IPPROTO_IPV6, inner_len + XMIP6_TUNNEL_OVERHEAD, &nh);
	if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED)
		return xdp_send_ptb(ctx, &b->ha_addr, ptb_mtu_for(fib.mtu_result));
	if (!fib_has_route(rc))
		return VERDICT(XDP_DROP, ha_no_route);
	mtu = tunnel_mtu_of(b);
	if (mtu && inner_len + XMIP6_TUNNEL_OVERHEAD > mtu)
		return xdp_send_ptb(ctx, &b->ha_addr, ptb_mtu_for(mtu));

	inner->hop_limit--;
	eth = xdp_encap(ctx, eth, inner, &b->ha_addr, &b->care_of_addr);
	if (!eth)
		return VERDICT(XDP_DROP, internal_error);
	bctr_count(b, BCTR_TO_MN, 1, inner_len);
	/* No neighbour entry yet: the stack forwards the tunnelled packet and
	 * resolves the next hop, so the first packets are not lost. */
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH || !nh)
		return VERDICT(XDP_PASS, ha_encap_stack);
	return VERDICT(xdp_forward(ctx, eth, nh), ha_encap_fwd);
}

/*
 * HA: forward a packet just taken out of the reverse tunnel. One to another
 * bound home address (mobile node to mobile node) is intercepted like any
 * packet to it and tunnelled to that binding's care-of address (RFC 6275
 * sections 10.4.2, 10.4.5): the home link would only hand it back to us,
 * the proxy of that address.
 */
static __always_inline int xdp_ha_forward_decapped(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct bpf_fib_lookup fib = {};
	const struct xmip6_nh *nh = NULL;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	struct xmip6_binding_fwd *b;
	int rc;

	if ((void *)(ip6 + 1) > data_end)
		return VERDICT(XDP_DROP, internal_error);
	b = binding_lookup(&ip6->daddr);
	if (b) {
		STAT_INC(ha_decap_reencap);
		return xdp_ha_encap(ctx, b);
	}
	/* To a mobile network: its router's tunnel (RFC 3963 section 6.5). */
	b = nemo_binding(&ip6->daddr);
	if (b) {
		STAT_INC(ha_decap_reencap);
		STAT_INC(ha_prefix_encap);
		return xdp_ha_encap(ctx, b);
	}
	if (ip6->hop_limit <= 1)
		return VERDICT(XDP_PASS, ha_decap_stack);

	rc = nh_resolve(ctx, &fib, ctx->ingress_ifindex, &ip6->saddr, &ip6->daddr, ip6->nexthdr,
			sizeof(*ip6) + bpf_ntohs(ip6->payload_len), &nh);
	/* Anything but a plain forward (local destination, no neighbour,
	 * too big, unreachable) is the stack's job, ICMPv6 errors included;
	 * its errors to the home address come back through tc_ha_egress. */
	if (rc != BPF_FIB_LKUP_RET_SUCCESS || !nh)
		return VERDICT(XDP_PASS, ha_decap_stack);

	ip6->hop_limit--;
	return VERDICT(xdp_forward(ctx, eth, nh), ha_decap_fwd);
}

/*
 * Someone else's tunnel packet: a packet like any other. To a home address
 * it is tunnelled on (RFC 2473 section 4 nests tunnels); else not ours.
 */
static __always_inline int xdp_ha_other_tunnel(struct xdp_md *ctx, const struct ipv6hdr *outer)
{
	struct xmip6_binding_fwd *b = binding_lookup(&outer->daddr);

	if (!b)
		return VERDICT(XDP_PASS, rx_no_binding);
	return xdp_ha_encap(ctx, b);
}

/*
 * HA: a packet to an address no binding holds. In a mobile network prefix
 * it goes to the tunnel of the router that registered the prefix, as a
 * packet to the router's home address would (RFC 3963 section 6.5); else
 * it is not ours.
 */
static __always_inline int xdp_ha_prefix(struct xdp_md *ctx, const struct ipv6hdr *ip6)
{
	struct xmip6_binding_fwd *b;

	b = nemo_binding(&ip6->daddr);
	if (!b)
		return VERDICT(XDP_PASS, rx_no_binding);
	STAT_INC(ha_prefix_encap);
	return xdp_ha_encap(ctx, b);
}

/*
 * HA: IPv6-in-IPv6 whose inner source is a home address. Accepted only from
 * the registered care-of address to our tunnel endpoint (RFC 6275 section
 * 10.4.5): anything else could be anyone spoofing the home address.
 */
static __always_inline int xdp_ha_reverse(struct xdp_md *ctx, struct ipv6hdr *outer,
					  struct cursor *c)
{
	struct xmip6_binding_fwd *b;
	struct xmip6_config *cfg;
	struct ipv6hdr *inner;
	bool mnp = false;
	__u16 inner_len;

	inner = pull_ipv6_inner(c, outer);
	if (!inner)
		return VERDICT(XDP_DROP, rx_malformed);
	b = binding_lookup(&inner->saddr);
	if (!b) {
		/* A host of a mobile network behind its router (RFC 3963
		 * section 6.4): the router of the prefix that holds it. */
		b = nemo_binding(&inner->saddr);
		mnp = b;
	}
	if (!b) {
		cfg = config_get();
		if (cfg && addr_equal(&outer->daddr, &cfg->ha_addr))
			return VERDICT(XDP_DROP, ha_tunnel_no_binding);
		return xdp_ha_other_tunnel(ctx, outer);
	}
	if (!addr_equal(&outer->daddr, &b->ha_addr))
		return xdp_ha_other_tunnel(ctx, outer);
	/* Ingress filtering (RFC 3963 sections 6.4, 9): a source in a prefix
	 * is accepted only from the tunnel of the router that registered it. */
	if (!addr_equal(&outer->saddr, &b->care_of_addr))
		return mnp ? VERDICT(XDP_DROP, ha_prefix_spoofed)
			   : VERDICT(XDP_DROP, ha_spoofed_coa);

	inner_len = sizeof(*inner) + bpf_ntohs(inner->payload_len);
	if (mnp)
		STAT_INC(ha_prefix_decap);
	if (xdp_decap(ctx))
		return VERDICT(XDP_DROP, internal_error);
	/* Out of the reverse tunnel: forwarded from here on, whichever way. */
	bctr_count(b, BCTR_FROM_MN, 1, inner_len);
	return xdp_ha_forward_decapped(ctx);
}

/*
 * HA: a Mobile Prefix Solicitation from a mobile node away from home (RFC
 * 6275 section 11.4.3), @ip6 to our address from the binding's care-of
 * address with its home address in a Home Address option (xdp_ha_hao()
 * checked both). The stack, without MIP6, would answer the option with
 * Parameter Problem; the daemon's prefix discovery (user/roles/disc_ha.c)
 * answers the MPS. Handed up whole, flagged XMIP6_SIGNAL_F_MPS
 * (ha_mps_daemon accompanies xdp_signal()'s verdict), and dropped. Returns
 * -1 for any other upper layer, or without a daemon.
 */
static __always_inline int xdp_ha_mps(struct xdp_md *ctx, struct cursor c,
				      const struct ipv6hdr *ip6)
{
	__u32 plen = bpf_ntohs(ip6->payload_len);
	void *payload = c.pos;
	__u8 *type;
	int verdict;

	if (ipv6_skip_ext(&c, ip6) != IPPROTO_ICMPV6)
		return -1;
	/* Its type octet must lie in the payload, not in link padding. */
	if ((__u32)(c.pos - payload) >= plen)
		return -1;
	type = cursor_pull(&c, 1);
	if (!type || *type != ICMPV6_MOBILE_PREFIX_SOL)
		return -1;
	verdict = xdp_signal(ctx, sizeof(struct ethhdr), sizeof(*ip6) + plen, XMIP6_SIGNAL_F_MPS);
	if (verdict >= 0)
		STAT_INC(ha_mps_daemon);
	return verdict;
}

/*
 * HA: a packet to our own address with a Home Address option and no binding
 * for it from its source (RFC 6275 section 9.3.1): dropped, and handed to
 * the daemon for its Binding Error; with one, a Mobile Prefix Solicitation
 * goes to the daemon (xdp_ha_mps). Returns -1 for anything else.
 */
static __always_inline int xdp_ha_hao(struct xdp_md *ctx, struct cursor c,
				      const struct ipv6hdr *ip6)
{
	struct xmip6_config *cfg;
	int check;

	if (!may_carry_hao(ip6->nexthdr))
		return -1;
	cfg = config_get();
	if (!cfg || !addr_equal(&ip6->daddr, &cfg->ha_addr))
		return -1;
	check = xdp_hao_unbound(ctx, ip6);
	if (check == HAO_BOUND)
		return xdp_ha_mps(ctx, c, ip6);
	return xdp_hao_verdict(ctx, ip6, check, true);
}

/*
 * HA: Mobility Header packets to our own address, the Binding Updates of
 * home registration first of all (RFC 6275 section 10.3.1). One to a home
 * address is someone else's signalling (a correspondent's HoT, say) and is
 * tunnelled like any packet. Returns -1 when not ours.
 */
static __always_inline int xdp_ha_signal(struct xdp_md *ctx, struct cursor c,
					 const struct ipv6hdr *ip6)
{
	struct xmip6_config *cfg;
	struct in6_addr hoa;
	int mh;

	if (!may_carry_mh(ip6->nexthdr))
		return -1;
	cfg = config_get();
	if (!cfg || !addr_equal(&ip6->daddr, &cfg->ha_addr))
		return -1;
	mh = is_mh(c, ip6);
	if (mh < 0)
		return VERDICT(XDP_DROP, rx_malformed);
	if (!mh)
		return -1;
	if (!(cfg->flags & XMIP6_CFG_F_ADMIT))
		return xdp_signal_outer(ctx, ip6, NULL);
	if (sig_admitted(ctx, ip6, &hoa))
		return xdp_signal_outer(ctx, ip6, &hoa); /* with its binding */
	if (!bucket_take(BUCKET_SIG_UNLISTED, XMIP6_SIG_UNLISTED_PPS, XMIP6_SIG_UNLISTED_BURST))
		return VERDICT(XDP_DROP, sig_unlisted_drop);
	return xdp_signal_outer(ctx, ip6, NULL);
}

#endif /* XMIP6_HA_H */
