/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * encap.h - IPv6-in-IPv6 (RFC 2473) between the home agent and the care-of
 * address (RFC 6275 sections 10.4.2, 11.3.1): the outer header, its
 * insertion (XDP and TC) and its removal (XDP).
 *
 * The outer header copies the inner Traffic Class, carries a flow label
 * derived from the inner flow (RFC 6438) and has the load-time
 * tunnel_hop_limit as its hop limit.
 */
#ifndef XMIP6_ENCAP_H
#define XMIP6_ENCAP_H

#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <linux/udp.h>

#include "xmip6.h"
#include "bctr.h"
#include "fib.h"
#include "icmp6.h"
#include "maps.h"
#include "parse.h"
#include "pmtu.h"
#include "stats.h"

static __always_inline __u32 hash_mix(__u32 h, __u32 v)
{
	h ^= v;
	h *= 0x9e3779b1;
	return h ^ (h >> 15);
}

/*
 * Flow label of the outer header (RFC 6438): the inner label when the sender
 * set one, else a hash of the inner addresses, next header and, for TCP and
 * UDP, the ports, so that ECMP between HA and care-of address keeps flows
 * in order. Never 0 (0 means "no label").
 */
static __always_inline __u32 tunnel_flow_label(const struct ipv6hdr *inner, void *data_end)
{
	__u32 label = ipv6_word0(inner) & 0xfffff;
	__u32 h = inner->nexthdr;
	const __u32 *ports = (const void *)(inner + 1);
	int i;

	if (label)
		return label;
#pragma unroll
	for (i = 0; i < 4; i++) {
		h = hash_mix(h, inner->saddr.in6_u.u6_addr32[i]);
		h = hash_mix(h, inner->daddr.in6_u.u6_addr32[i]);
	}
	if ((inner->nexthdr == IPPROTO_TCP || inner->nexthdr == IPPROTO_UDP) &&
	    (void *)(ports + 1) <= data_end)
		h = hash_mix(h, *ports);
	h = (h ^ (h >> 20)) & 0xfffff;
	return h ? h : 1;
}

/* Fills an outer IPv6 header for IPv6-in-IPv6 (RFC 2473). */
static __always_inline void tunnel_fill_outer(struct ipv6hdr *outer, __u8 tclass, __u32 label,
					      __u16 inner_len, __u8 hop_limit,
					      const struct in6_addr *src,
					      const struct in6_addr *dst)
{
	*(__be32 *)outer = bpf_htonl((6U << 28) | ((__u32)tclass << 20) | label);
	outer->payload_len = bpf_htons(inner_len);
	outer->nexthdr = IPPROTO_IPV6;
	outer->hop_limit = hop_limit;
	outer->saddr = *src;
	outer->daddr = *dst;
}

/*
 * XDP: pushes an outer IPv6 header from @src to @dst in front of @inner,
 * the IPv6 packet behind the Ethernet header @eth, which moves to the front.
 * Returns the Ethernet header at its new place, or NULL.
 */
static __always_inline struct ethhdr *xdp_encap(struct xdp_md *ctx, const struct ethhdr *eth,
						const struct ipv6hdr *inner,
						const struct in6_addr *src,
						const struct in6_addr *dst)
{
	__u16 inner_len = sizeof(*inner) + bpf_ntohs(inner->payload_len);
	__u8 tclass = ipv6_tclass(inner);
	__u32 label = tunnel_flow_label(inner, (void *)(long)ctx->data_end);
	struct ethhdr eth_copy = *eth, *new_eth;
	struct ipv6hdr *outer;
	void *data, *data_end;

	if (bpf_xdp_adjust_head(ctx, -XMIP6_TUNNEL_OVERHEAD))
		return NULL;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	new_eth = data;
	outer = (void *)(new_eth + 1);
	if ((void *)(outer + 1) > data_end)
		return NULL;
	*new_eth = eth_copy;
	tunnel_fill_outer(outer, tclass, label, inner_len, tunnel_hop_limit, src, dst);
	return new_eth;
}

/* XDP: strips the outer IPv6 header of IPv6-in-IPv6, keeping the Ethernet header. */
static __always_inline int xdp_decap(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data, eth_copy;

	if (data + sizeof(*eth) > data_end)
		return -1;
	eth_copy = *eth;
	if (bpf_xdp_adjust_head(ctx, XMIP6_TUNNEL_OVERHEAD))
		return -1;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	if (data + sizeof(*eth) > data_end)
		return -1;
	*eth = eth_copy;
	return 0;
}

/*
 * TC: size of the largest IPv6 packet this skb becomes on the wire: itself,
 * or for GSO one segment (IPv6 header, TCP header with options or UDP
 * header, gso_size bytes of payload).
 */
static __always_inline __u32 tc_l3_segment_len(struct __sk_buff *skb, struct ipv6hdr *ip6,
					       void *data_end)
{
	struct tcphdr *th = (void *)(ip6 + 1);
	__u32 l4_len = sizeof(struct udphdr);

	if (!skb->gso_size)
		return skb->len - sizeof(struct ethhdr);
	if (ip6->nexthdr == IPPROTO_TCP && (void *)(th + 1) <= data_end)
		l4_len = th->doff * 4;
	return sizeof(*ip6) + l4_len + skb->gso_size;
}

/*
 * TC: encapsulates towards the other end of @b's tunnel; @dir says which
 * end we are. A packet that will not fit the tunnel (the route's MTU, or
 * the tunnel MTU learnt from Packet Too Big) is answered with Packet Too
 * Big looped to the local sender instead. Counted in @b's per-binding
 * counters (its slot, bctr.h): a mobile router's network's packets in the
 * router's.
 */
static __always_inline int tc_encap(struct __sk_buff *skb, const struct xmip6_binding_fwd *b,
				    enum tc_dir dir)
{
	const struct in6_addr *src = dir == TC_DIR_HA ? &b->ha_addr : &b->care_of_addr;
	const struct in6_addr *dst = dir == TC_DIR_HA ? &b->care_of_addr : &b->ha_addr;
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct bpf_fib_lookup fib = {};
	const struct xmip6_nh *nh = NULL;
	struct ipv6hdr *inner = data + sizeof(struct ethhdr), outer;
	struct xmip6_binding_ctr *ctr;
	__u16 inner_len;
	__u32 label, mtu;
	__u8 tclass;
	int rc;

	if ((void *)(inner + 1) > data_end)
		return VERDICT(TC_ACT_SHOT, internal_error);
	inner_len = skb->len - sizeof(struct ethhdr);
	tclass = ipv6_tclass(inner);
	label = tunnel_flow_label(inner, data_end);

	rc = tc_fib(skb, &fib, &nh, src, dst, IPPROTO_IPV6, inner_len, XMIP6_TUNNEL_OVERHEAD, 0);
	if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED)
		return tc_ptb_local(skb, dst, ptb_mtu_for(fib.mtu_result), dir);
	mtu = tunnel_mtu_of(b);
	if (mtu && tc_l3_segment_len(skb, inner, data_end) + XMIP6_TUNNEL_OVERHEAD > mtu)
		return tc_ptb_local(skb, dst, ptb_mtu_for(mtu), dir);
	if (!fib_has_route(rc)) {
		if (dir == TC_DIR_MN)
			return VERDICT(TC_ACT_SHOT, mn_no_route);
		return VERDICT(TC_ACT_SHOT, ha_no_route);
	}
	/* HA: to the mobile node's home address; MN: from its own. */
	ctr = bctr_get(b);

	tunnel_fill_outer(&outer, tclass, label, inner_len, tunnel_hop_limit, src, dst);
	if (bpf_skb_adjust_room(skb, XMIP6_TUNNEL_OVERHEAD, BPF_ADJ_ROOM_MAC,
				BPF_F_ADJ_ROOM_ENCAP_L3_IPV6) ||
	    tc_store_l3(skb, &outer, sizeof(outer)))
		return VERDICT(TC_ACT_SHOT, internal_error);

	bctr_add(ctr, dir == TC_DIR_HA ? BCTR_TO_MN : BCTR_FROM_MN, skb->gso_segs ?: 1, inner_len);
	if (dir == TC_DIR_MN)
		STAT_INC(mn_encap);
	else
		STAT_INC(ha_local_encap);
	return tc_forward(skb, &fib, nh, rc);
}

#endif /* XMIP6_ENCAP_H */
