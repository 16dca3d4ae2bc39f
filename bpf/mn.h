/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * mn.h - the mobile node's stages (RFC 6275 section 11): Mobility Header
 * packets sent straight to it and the type 2 Routing header of route-
 * optimised packets (XDP), and route optimisation on egress (TC): packets
 * to a correspondent it registered with leave from the care-of address with
 * a Home Address option (11.3.1), and the correspondents met on the reverse
 * tunnel are recorded for the daemon's policy (11.7.2).
 */
#ifndef XMIP6_MN_H
#define XMIP6_MN_H

#include <linux/bpf.h>
#include <linux/icmpv6.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#include "xmip6.h"
#include "exthdr.h"
#include "fib.h"
#include "hao.h"
#include "icmp6.h"
#include "maps.h"
#include "parse.h"
#include "pmtu.h"
#include "signal.h"
#include "stats.h"

/*
 * MN: a Mobile Prefix Advertisement behind a valid type 2 Routing header
 * (@plen octets of payload) is the daemon's, which checks the RH2 itself
 * (RFC 6275 section 11.4.3): handed up whole, flagged XMIP6_SIGNAL_F_MPA
 * (mn_rh2_daemon accompanies xdp_signal()'s verdict), and consumed here,
 * so that the stack, which has no RH2 support, never answers it with
 * Parameter Problem. Returns the counted verdict, or -1 without a daemon:
 * then the header is stripped like any other's.
 */
static __always_inline int xdp_mn_mpa(struct xdp_md *ctx, __u32 plen)
{
	int verdict = xdp_signal(ctx, sizeof(struct ethhdr), sizeof(struct ipv6hdr) + plen,
				 XMIP6_SIGNAL_F_MPA);

	if (verdict >= 0)
		STAT_INC(mn_rh2_daemon);
	return verdict;
}

/*
 * MN: a type 2 Routing header first behind the IPv6 header (@c on it). Its
 * one address must be a home address of ours with a live binding, with Hdr
 * Ext Len 2 and Segments Left 1 (RFC 6275 sections 6.4, 11.3.3); then the
 * header is consumed here, a Mobile Prefix Advertisement's included: the
 * kernel has no RH2 support and would answer Parameter Problem. Anything else is dropped, never forwarded. A Routing
 * header of another type is the stack's.
 */
static __always_inline int xdp_mn_rh2(struct xdp_md *ctx, struct cursor c, __u32 plen)
{
	struct in6_addr home_addr;
	struct ipv6hdr *ip6;
	struct mip6_rt2_hdr *rh;

	rh = cursor_pull(&c, 8);
	if (!rh)
		return VERDICT(XDP_DROP, rx_malformed); /* is_mh() proved 8: cannot happen */
	if (rh->type != MIP6_RT_TYPE2)
		return VERDICT(XDP_PASS, rx_no_binding);
	if (rh->hdrlen != MIP6_RT2_HDRLEN || rh->segments_left != MIP6_RT2_SEGMENTS_LEFT)
		return VERDICT(XDP_DROP, rh2_bad);
	/* The walk in is_mh() proved the 24 octets are in the payload. */
	if (!cursor_pull(&c, sizeof(*rh) - 8))
		return VERDICT(XDP_DROP, rx_malformed);
	home_addr = rt2_home_addr(rh);
	if (!binding_lookup(&home_addr))
		return VERDICT(XDP_DROP, rh2_bad);
	/* Its ICMPv6 type must lie in the payload, not in link padding. */
	if (rh->nexthdr == IPPROTO_ICMPV6 && plen > sizeof(*rh)) {
		__u8 *type = cursor_pull(&c, 1);
		int verdict;

		if (type && *type == ICMPV6_MOBILE_PREFIX_ADV) {
			verdict = xdp_mn_mpa(ctx, plen);
			if (verdict >= 0)
				return verdict;
		}
	}

	ip6 = (void *)(long)ctx->data + sizeof(struct ethhdr);
	if ((void *)(ip6 + 1) > (void *)(long)ctx->data_end)
		return VERDICT(XDP_DROP, internal_error);
	ip6->daddr = home_addr;
	if (xdp_strip_first_ext(ctx, RO_EXT_LEN))
		return VERDICT(XDP_DROP, internal_error);
	return VERDICT(XDP_PASS, mn_rh2_accept);
}

/*
 * MN: a Mobility Header packet sent straight to us, whatever the unicast
 * destination (care-of or home address): a BA with a type 2 Routing header
 * (RFC 6275 section 11.7.3), a CoT, a BRR, a Binding Error; then a Home
 * Address option without a binding.
 */
static __always_inline int xdp_mn_direct(struct xdp_md *ctx, struct cursor c,
					 const struct ipv6hdr *ip6)
{
	int verdict;

	if (ip6->daddr.in6_u.u6_addr8[0] == 0xff) /* no Mobility Header goes to a group */
		return VERDICT(XDP_PASS, rx_no_binding);
	verdict = xdp_signal_mh(ctx, c, ip6);
	if (verdict >= 0)
		return verdict;
	/* The MN keeps no binding cache for others (RFC 6275 section 9.3.1). */
	verdict = xdp_hao_stage(ctx, ip6, false);
	if (verdict >= 0)
		return verdict;
	if (ip6->nexthdr == IPPROTO_ROUTING)
		return xdp_mn_rh2(ctx, c, bpf_ntohs(ip6->payload_len));
	return VERDICT(XDP_PASS, rx_no_binding);
}

/*
 * MN: note that the home address talks with @key->peer_addr through the
 * tunnel, for the daemon's route optimisation policy (RFC 6275 section
 * 11.7.2). An insert for a new peer, then a refresh at most once a second:
 * not a map write per packet.
 */
static __always_inline void peer_record(const struct xmip6_ro_key *key)
{
	__u64 now = bpf_ktime_get_coarse_ns();
	struct xmip6_peer *p, fresh = {};

	p = bpf_map_lookup_elem(&peers, key);
	if (!p) {
		fresh.first_seen_ns = now;
		fresh.last_seen_ns = now;
		fresh.packets = 1;
		if (!bpf_map_update_elem(&peers, key, &fresh, BPF_NOEXIST))
			STAT_INC(mn_peer_new);
		return;
	}
	if (now - p->last_seen_ns >= 1000000000ULL) {
		p->last_seen_ns = now;
		p->packets++;
	}
}

/*
 * MN with XMIP6_CFG_F_RO: a packet from a home address to a correspondent
 * with a live "ro" entry leaves from the CoA that correspondent holds, with
 * a Home Address option (RFC 6275 sections 6.3, 11.3.1) instead of through
 * the tunnel. Returns the verdict, or -1 to reverse-tunnel it as before.
 */
static __always_inline int tc_mn_ro(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ipv6hdr *p = data + sizeof(struct ethhdr), ip6;
	struct bpf_fib_lookup fib = {};
	const struct xmip6_nh *nh = NULL;
	struct xmip6_ro_key key;
	struct in6_addr coa;
	struct xmip6_ro *ent;
	struct mip6_dstopts_hao doh;
	int rc;

	if ((void *)(p + 1) > data_end)
		return -1;
	ip6 = *p;
	key.home_addr = ip6.saddr;
	key.peer_addr = ip6.daddr;
	ent = ro_lookup(&key);
	if (!ent) {
		peer_record(&key);
		return -1;
	}
	/* A Home Test Init must come through the home agent (section 5.2.5):
	 * Mobility Header packets the daemon left unmarked take the tunnel. */
	if (ip6.nexthdr == IPPROTO_MH)
		return -1;
	if (ro_ext_in_the_way(&ip6)) {
		STAT_INC(ro_ext_pass);
		return -1;
	}
	coa = ent->care_of_addr;

	rc = tc_fib(skb, &fib, &nh, &coa, &key.peer_addr, IPPROTO_DSTOPTS,
		    skb->len - sizeof(struct ethhdr), RO_EXT_LEN, 0);
	if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED)
		return tc_ptb_local(skb, &key.peer_addr, ptb_mtu_grow(fib.mtu_result, RO_EXT_LEN),
				    TC_DIR_MN);
	if (!fib_has_route(rc))
		return VERDICT(TC_ACT_SHOT, mn_no_route);

	dstopts_hao_fill(&doh, ip6.nexthdr, &key.home_addr);
	if (tc_push_ext(skb, &ip6, &doh, IPPROTO_DSTOPTS, &coa, &key.peer_addr))
		return VERDICT(TC_ACT_SHOT, internal_error);
	STAT_INC(mn_hao_insert);
	return tc_forward(skb, &fib, nh, rc);
}

#endif /* XMIP6_MN_H */
