// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xmip6.bpf.c - the Mobile IPv6 data plane (RFC 6275 sections 9.3, 10.4 and
 * 11.3) in XDP and TC, for kernels without MIP6 or ip6_tunnel support.
 *
 *   xdp_ha        home agent ingress: tunnel packets for registered home
 *                 addresses to their care-of address; decapsulate reverse-
 *                 tunnelled packets from the registered care-of address.
 *   tc_ha_egress  home agent egress: tunnel packets the HA itself sends (or
 *                 the stack forwards) to a registered home address or
 *                 mobile network prefix.
 *   xdp_mn        mobile node ingress: decapsulate packets from its HA (for
 *                 a mobile router, those for its mobile networks too).
 *   tc_mn_egress  mobile node egress: reverse-tunnel packets sourced from
 *                 the home address to the HA while away from home, or, for
 *                 a route-optimised correspondent, send them from the CoA
 *                 with a Home Address option (RFC 6275 section 11.3.1).
 *   xdp_cn        correspondent node ingress: restore the home address of
 *                 packets with a Home Address option (section 9.3.1).
 *   tc_cn_egress  correspondent node egress: send packets to a bound home
 *                 address to its CoA with a type 2 Routing header (9.3.2).
 *
 * All three XDP programs also hand Mobility Header packets meant for this
 * node to the daemon through the "signal" ring buffer (see headers/xmip6.h),
 * and all three TC programs let the daemon's own signalling
 * (XMIP6_MARK_SIGNAL) out untouched.
 *
 * Every verdict, pass-through included, is counted in the per-CPU "stats".
 *
 * This file is the pipeline: each program's prologue and its stages, top to
 * bottom. The stages live with their concern:
 *
 *   maps.h      pinned maps, load-time configuration, lookups
 *   stats.h     the "stats" map, STAT_INC() and VERDICT()
 *   parse.h     cursor, bounds-checked header walk, address predicates
 *   l2.h        frames for another host's link-layer address (if_macs)
 *   exthdr.h    Home Address option and type 2 Routing header: find,
 *               insert (TC), strip (XDP)
 *   encap.h     IPv6-in-IPv6 encapsulation (XDP, TC) and decapsulation
 *   fib.h       next-hop lookup and redirect (XDP, TC)
 *   pmtu.h      tunnel path MTU learnt from Packet Too Big
 *   icmp6.h     Packet Too Big sent (XDP) or looped to the stack (TC)
 *   ratelimit.h per-CPU token buckets
 *   signal.h    Mobility Header packets to the daemon, HA admission
 *   hao.h       Home Address options without a binding, to the daemon
 *   nemo.h      HA: mobile routers' Mobile Network Prefixes (RFC 3963)
 *   ha.h, mn.h, cn.h  the role-specific stages
 *   mr.h        a mobile router's networks through the mobile node's tunnel
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xmip6.h"
#include "maps.h"
#include "stats.h"
#include "parse.h"
#include "l2.h"
#include "exthdr.h"
#include "encap.h"
#include "signal.h"
#include "hao.h"
#include "pmtu.h"
#include "ha.h"
#include "mn.h"
#include "mr.h"
#include "cn.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* ------------------------------------------------------------------ XDP */

/*
 * The Ethernet + IPv6 prologue of the XDP programs. Returns -1 with @eth and
 * @ip6 set and @c behind the IPv6 header, or the (counted) verdict for a
 * frame that is not ours to look at.
 */
static __always_inline int xdp_pull_ipv6(struct xdp_md *ctx, struct cursor *c, struct ethhdr **eth,
					 struct ipv6hdr **ip6)
{
	cursor_init(c, (void *)(long)ctx->data, (void *)(long)ctx->data_end);
	*eth = pull_eth(c);
	if (!*eth)
		return VERDICT(XDP_DROP, rx_malformed);
	if ((*eth)->h_proto != bpf_htons(ETH_P_IPV6))
		return VERDICT(XDP_PASS, rx_not_ipv6);
	/* Another host's frame: the stack drops it before IPv6 (bpf/l2.h),
	 * malformed or not; it is neither tunnelled nor signalled here. */
	if (xdp_other_host(ctx))
		return VERDICT(XDP_PASS, rx_other_host);
	*ip6 = pull_ipv6(c);
	if (!*ip6)
		return VERDICT(XDP_DROP, rx_malformed);
	/* A jumbogram (RFC 2675 section 2: payload length 0 and a Hop-by-Hop
	 * header for the Jumbo Payload option) is not ours to parse. Payload
	 * length 0 with another Next Header is an empty packet (No Next Header,
	 * RFC 8200 section 4.7), handled like any other. */
	if (!(*ip6)->payload_len && (*ip6)->nexthdr == IPPROTO_HOPOPTS)
		return VERDICT(XDP_PASS, rx_jumbo);
	return -1;
}

SEC("xdp")
int xdp_ha(struct xdp_md *ctx)
{
	struct xmip6_binding_fwd *b;
	struct ipv6hdr *ip6;
	struct ethhdr *eth;
	struct cursor c;
	int verdict;

	verdict = xdp_pull_ipv6(ctx, &c, &eth, &ip6);
	if (verdict >= 0)
		return verdict;
	if (eth->h_dest[0] & 1 || !addr_is_global_unicast(&ip6->daddr))
		return VERDICT(XDP_PASS, rx_not_unicast);

	/* Only ICMPv6 pays for the call (bpf/pmtu.h). */
	if (ip6->nexthdr == IPPROTO_ICMPV6 && xdp_ha_learn_tunnel_mtu(ctx))
		return VERDICT(XDP_PASS, tunnel_pmtu_learned);
	if (ip6->nexthdr == IPPROTO_IPV6)
		return xdp_ha_reverse(ctx, ip6, &c);
	verdict = xdp_ha_signal(ctx, c, ip6);
	if (verdict >= 0)
		return verdict;
	verdict = xdp_ha_hao(ctx, c, ip6);
	if (verdict >= 0)
		return verdict;

	b = binding_lookup(&ip6->daddr);
	if (!b)
		return xdp_ha_prefix(ctx, ip6);
	/* A unicast probe of a home address is the proxy's to answer (RFC 6275
	 * section 10.4.1), never the tunnel's. */
	if (ipv6_is_nd(c, ip6))
		return VERDICT(XDP_PASS, rx_nd_pass);
	return xdp_ha_encap(ctx, b);
}

/*
 * MN: IPv6-in-IPv6 from our HA to our care-of address carrying a packet for
 * our home address (RFC 6275 section 11.3.1) is decapsulated for the stack.
 * If the inner packet is a Mobility Header (a correspondent's Home Test
 * comes this way, section 5.2.5) the daemon gets the inner packet, marked
 * XMIP6_SIGNAL_F_TUNNELLED, once the outer header has proved it came from
 * our HA: the tunnel is what vouches for the home address.
 */
SEC("xdp")
int xdp_mn(struct xdp_md *ctx)
{
	struct ipv6hdr *outer, *inner;
	struct xmip6_binding_ctr *ctr;
	struct xmip6_binding_fwd *b;
	struct ethhdr *eth;
	struct cursor c;
	int verdict, mh;
	__u16 inner_len;

	verdict = xdp_pull_ipv6(ctx, &c, &eth, &outer);
	if (verdict >= 0)
		return verdict;
	if (outer->nexthdr == IPPROTO_ICMPV6 && xdp_mn_learn_tunnel_mtu(ctx))
		return VERDICT(XDP_PASS, tunnel_pmtu_learned);
	if (outer->nexthdr != IPPROTO_IPV6)
		return xdp_mn_direct(ctx, c, outer);

	inner = pull_ipv6_inner(&c, outer);
	if (!inner)
		return VERDICT(XDP_DROP, rx_malformed);
	b = binding_lookup(&inner->daddr);
	if (!b)
		return xdp_mr_decap(ctx, outer, inner);
	if (!addr_equal(&outer->saddr, &b->ha_addr) || !addr_equal(&outer->daddr, &b->care_of_addr))
		return VERDICT(XDP_DROP, mn_tunnel_bad_src);

	mh = is_mh(c, inner);
	if (mh < 0)
		return VERDICT(XDP_DROP, rx_malformed);
	if (mh) {
		/* Copied from behind the outer header: no decapsulation needed. */
		verdict = xdp_signal(ctx, sizeof(*eth) + sizeof(*outer),
				     sizeof(*inner) + bpf_ntohs(inner->payload_len),
				     XMIP6_SIGNAL_F_TUNNELLED);
		if (verdict >= 0)
			return verdict;
	}
	/* The home registration's traffic in (bctr.h); not the signalling. */
	ctr = mh ? NULL : bctr_get(b);
	inner_len = sizeof(*inner) + bpf_ntohs(inner->payload_len);
	if (xdp_decap(ctx))
		return VERDICT(XDP_DROP, internal_error);
	if (mh)
		return VERDICT(XDP_PASS, sig_no_daemon);
	bctr_add(ctr, BCTR_TO_MN, 1, inner_len);
	return VERDICT(XDP_PASS, mn_decap);
}

/*
 * Correspondent node ingress (RFC 6275 sections 9.3.1, 9.3.2). Mobility
 * Header packets to any of our unicast addresses go to the daemon as on a
 * mobile node (a BU carries a HAO, HoTI/CoTI do not); of the rest, those
 * with a Home Address option are restored or dropped, and those with a
 * type 2 Routing header dropped: its one address is a home address of the
 * receiving mobile node (section 6.4), which a correspondent is not.
 * Everything else passes.
 */
SEC("xdp")
int xdp_cn(struct xdp_md *ctx)
{
	struct ext_info e = {};
	struct ipv6hdr *ip6;
	struct ethhdr *eth;
	struct cursor c;
	int verdict;

	verdict = xdp_pull_ipv6(ctx, &c, &eth, &ip6);
	if (verdict >= 0)
		return verdict;
	if (eth->h_dest[0] & 1 || !addr_is_global_unicast(&ip6->daddr))
		return VERDICT(XDP_PASS, rx_not_unicast);
	if (!may_carry_mh(ip6->nexthdr))
		return VERDICT(XDP_PASS, rx_no_binding);
	verdict = xdp_signal_mh(ctx, c, ip6);
	if (verdict >= 0)
		return verdict;
	verdict = xdp_ext_find(ctx, &e);
	if (verdict == EXT_BAD_CHAIN)
		return VERDICT(XDP_DROP, rx_malformed);
	if (e.rh2)
		return VERDICT(XDP_DROP, cn_rh2_drop);
	if (verdict == EXT_BAD_OPTIONS)
		return VERDICT(XDP_DROP, rx_malformed);
	if (!e.hao_off)
		return VERDICT(XDP_PASS, rx_no_binding);
	return xdp_cn_hao(ctx, &e);
}

/* ------------------------------------------------------------------- TC */

/*
 * The daemon marks its own Mobility Header packets (SO_MARK
 * XMIP6_MARK_SIGNAL): they carry their own addressing (Home Address option,
 * type 2 Routing header) and must leave as built. A deregistration BU sent
 * from the home address, or a BA to a home address whose binding is still
 * in the map, would otherwise be tunnelled (RFC 6275 sections 10.3.1, 11.5.4).
 * Checked before anything else: one load per packet.
 */
static __always_inline bool tc_is_daemon_signal(const struct __sk_buff *skb)
{
	return skb->mark == XMIP6_MARK_SIGNAL;
}

/*
 * Neighbor Discovery (RFC 4861: ICMPv6 133-137, hop limit 255) is
 * link-scoped: tunnelled, it is lost. While a binding still stands, the HA
 * answers a returning MN's solicitation sent from the home address, and the
 * MN back home answers the HA's solicitation for its home address (RFC 6275
 * section 11.5.4): both must stay on the home link.
 */
static __always_inline bool tc_is_nd(struct __sk_buff *skb)
{
	const __u32 need = sizeof(struct ethhdr) + sizeof(struct ipv6hdr) + 1;
	struct ipv6hdr *ip6;
	struct cursor c;

	/* Called once tc_ipv6() found an IPv6 header: one more octet to pull. */
	if ((void *)(long)skb->data + need > (void *)(long)skb->data_end &&
	    bpf_skb_pull_data(skb, need))
		return false;
	ip6 = (void *)(long)skb->data + sizeof(struct ethhdr);
	if ((void *)(ip6 + 1) > (void *)(long)skb->data_end)
		return false;
	cursor_init(&c, ip6 + 1, (void *)(long)skb->data_end);
	return ipv6_is_nd(c, ip6);
}

/* Returns the IPv6 header of an skb, or NULL for anything else. */
static __always_inline struct ipv6hdr *tc_ipv6(struct __sk_buff *skb)
{
	const __u32 need = sizeof(struct ethhdr) + sizeof(struct ipv6hdr);
	struct ipv6hdr *ip6;

	if (skb->protocol != bpf_htons(ETH_P_IPV6))
		return NULL;
	if ((void *)(long)skb->data + need > (void *)(long)skb->data_end &&
	    bpf_skb_pull_data(skb, need))
		return NULL;
	ip6 = (void *)(long)skb->data + sizeof(struct ethhdr);
	if ((void *)(ip6 + 1) > (void *)(long)skb->data_end || ip6->version != 6)
		return NULL;
	return ip6;
}

/*
 * The prologue the TC egress programs share: the daemon's signalling, non-
 * IPv6 and non-global destinations, packets without a binding and Neighbor
 * Discovery leave untouched (counted). Of what would be rewritten, a packet
 * whose payload length runs past the skb (a packet socket can send
 * anything) is dropped rather than tunnelled on; a jumbogram (RFC 2675)
 * cannot be tunnelled or extended within a 16-bit payload length and
 * leaves as it is, as XDP leaves it to the stack; one from a source that is
 * not global unicast leaves as it is too (RFC 4291 section 2.5.6: a link-
 * local source never leaves its link; 2.7: no multicast source).
 * Returns that verdict, or -1 with *@bp the live binding of the packet's
 * source (@by_src: MN) or destination. With @mr (MN), a source in a mobile
 * network of ours has the binding that carries it (mr.h), and @mr says so.
 * With @prefix (HA), a destination no binding holds but a mobile network
 * prefix does has its router's binding (nemo.h, as xdp_ha asks it).
 */
static __always_inline int tc_bound(struct __sk_buff *skb, bool by_src,
				    struct xmip6_binding_fwd **bp, struct mr_hit *mr, bool prefix)
{
	struct ipv6hdr *ip6;
	bool global_src;
	__u32 plen;
	__u8 nh;

	if (tc_is_daemon_signal(skb))
		return VERDICT(TC_ACT_OK, tc_signal_bypass);
	ip6 = tc_ipv6(skb);
	if (!ip6 || !addr_is_global_unicast(&ip6->daddr))
		return VERDICT(TC_ACT_OK, tc_pass);
	*bp = binding_lookup(by_src ? &ip6->saddr : &ip6->daddr);
	if (!*bp && mr)
		*bp = mr_binding(&ip6->saddr, mr);
	if (!*bp && prefix) {
		*bp = nemo_binding(&ip6->daddr);
		if (*bp)
			STAT_INC(ha_prefix_encap);
	}
	if (!*bp)
		return VERDICT(TC_ACT_OK, tc_pass);
	/* Read now: tc_is_nd() may pull data, which invalidates ip6. */
	plen = bpf_ntohs(ip6->payload_len);
	nh = ip6->nexthdr;
	global_src = addr_is_global_unicast(&ip6->saddr);
	/* Only what would be rewritten pays for these checks. */
	if (nh == IPPROTO_ICMPV6 && tc_is_nd(skb))
		return VERDICT(TC_ACT_OK, tc_nd_pass);
	if (!plen && nh == IPPROTO_HOPOPTS)
		return VERDICT(TC_ACT_OK, rx_jumbo);
	if (sizeof(struct ethhdr) + sizeof(struct ipv6hdr) + plen > skb->len)
		return VERDICT(TC_ACT_SHOT, rx_malformed);
	if (!global_src)
		return VERDICT(TC_ACT_OK, rx_bad_src);
	return -1;
}

SEC("tc")
int tc_ha_egress(struct __sk_buff *skb)
{
	struct xmip6_binding_fwd *b = NULL;
	int verdict;

	/* The HA's own packets to a mobile network (its ICMPv6 errors, what
	 * it originates) go through the router's tunnel as forwarded ones do
	 * (RFC 3963 section 6.5). */
	verdict = tc_bound(skb, false, &b, NULL, true);
	if (verdict >= 0 || !b)
		return verdict;
	return tc_encap(skb, b, TC_DIR_HA);
}

SEC("tc")
int tc_mn_egress(struct __sk_buff *skb)
{
	struct xmip6_binding_fwd *b = NULL;
	struct mr_hit mr = {};
	struct xmip6_config *cfg;
	int verdict;

	verdict = tc_bound(skb, true, &b, &mr, false);
	if (verdict >= 0 || !b)
		return verdict;
	if (mr.hit) {
		/* RFC 3963 section 5.6: a mobile network's packet, always
		 * reverse-tunnelled (no route optimisation for its hosts). */
		STAT_INC(mr_encap);
		return tc_encap(skb, b, TC_DIR_MN);
	}
	/* Route optimisation only when the daemon's policy turned it on:
	 * otherwise not even a lookup more per packet. */
	cfg = config_get();
	if (cfg && (cfg->flags & XMIP6_CFG_F_RO)) {
		verdict = tc_mn_ro(skb);
		if (verdict >= 0)
			return verdict;
	}
	return tc_encap(skb, b, TC_DIR_MN);
}

SEC("tc")
int tc_cn_egress(struct __sk_buff *skb)
{
	struct xmip6_binding_fwd *b = NULL;
	int verdict;

	verdict = tc_bound(skb, false, &b, NULL, false);
	if (verdict >= 0 || !b)
		return verdict;
	return tc_cn_rh2(skb, b);
}
