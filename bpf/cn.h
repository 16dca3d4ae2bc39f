/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * cn.h - the correspondent node's route optimisation stages (RFC 6275
 * section 9.3): a packet from a bound care-of address with a Home Address
 * option becomes one from the home address (XDP, 9.3.1), and a packet to a
 * bound home address leaves for its care-of address with a type 2 Routing
 * header (TC, 9.3.2).
 */
#ifndef XMIP6_CN_H
#define XMIP6_CN_H

#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#include "xmip6.h"
#include "bctr.h"
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
 * CN: a packet with a Home Address option and no binding for it, or one
 * from another CoA, is dropped (RFC 6275 section 9.3.1) and its first
 * XMIP6_SIGNAL_MAX_LEN octets go to the daemon, which answers with a
 * rate-limited Binding Error status 1 (section 9.3.3). One verdict counter
 * (cn_hao_unbound) either way; a full ring is counted as such.
 */
static __always_inline int xdp_cn_unbound(struct xdp_md *ctx, const struct ipv6hdr *ip6)
{
	if (xdp_hao_hand_up(ctx, ip6))
		return VERDICT(XDP_DROP, sig_ring_full);
	return VERDICT(XDP_DROP, cn_hao_unbound);
}

/*
 * CN: a Home Address option found by ext_scan(). From the CoA of the
 * binding for its home address, the packet becomes one from the home
 * address (section 9.3.1): the source is swapped in and the option goes,
 * with its whole Destination Options header when that holds nothing else
 * and comes first (the usual 24-octet form), else overwritten with PadN so
 * that the stack, which knows no HAO (option type 11xxxxxx), accepts it.
 * No checksum changes: the sender used the home address (section 6.3).
 */
static __always_inline int xdp_cn_hao(struct xdp_md *ctx, const struct ext_info *e)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	struct in6_addr home_addr;
	struct xmip6_binding_fwd *b;
	struct mip6_opt_home_addr *hao;
	__u16 len;

	if ((void *)(ip6 + 1) > data_end)
		return VERDICT(XDP_DROP, internal_error);
	hao = data + (e->hao_off & EXT_OFF_MASK);
	if ((void *)(hao + 1) > data_end)
		return VERDICT(XDP_DROP, internal_error);
	home_addr = hao->home_addr;
	/* A multicast, link-local or loopback home address is invalid (RFC
	 * 6275 section 6.3: a unicast routable address): silently discarded,
	 * no Binding Error. */
	if (!addr_is_global_unicast(&home_addr))
		return VERDICT(XDP_DROP, cn_hao_invalid);
	b = binding_lookup(&home_addr);
	if (!b || !addr_equal(&b->care_of_addr, &ip6->saddr))
		return xdp_cn_unbound(ctx, ip6);

	/* Counted as it arrived, with its Home Address option (bctr.h). */
	len = sizeof(*ip6) + bpf_ntohs(ip6->payload_len);
	bctr_count(b, BCTR_FROM_MN, 1, len);
	ip6->saddr = home_addr;
	if (e->doh_first && !e->doh_other) {
		if (xdp_strip_first_ext(ctx, e->doh_len & EXT_OFF_MASK))
			return VERDICT(XDP_DROP, internal_error);
		return VERDICT(XDP_PASS, cn_hao_accept);
	}
	hao->type = MIP6_DSTOPT_PADN;
	hao->len = MIP6_OPT_HOME_ADDR_LEN;
	__builtin_memset(&hao->home_addr, 0, sizeof(hao->home_addr));
	return VERDICT(XDP_PASS, cn_hao_accept);
}

/*
 * CN: a packet to a home address with a live binding goes to the care-of
 * address with a type 2 Routing header holding the home address (RFC 6275
 * sections 6.4, 9.3.2). The upper-layer checksum stays: its pseudo-header
 * uses the final destination, the home address (RFC 8200 section 8.1).
 */
static __always_inline int tc_cn_rh2(struct __sk_buff *skb, const struct xmip6_binding_fwd *b)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ipv6hdr *p = data + sizeof(struct ethhdr), ip6;
	struct bpf_fib_lookup fib = {};
	const struct xmip6_nh *nh = NULL;
	struct in6_addr coa = b->care_of_addr;
	struct xmip6_binding_ctr *ctr;
	struct mip6_rt2_hdr rh;
	int rc;

	if ((void *)(p + 1) > data_end)
		return VERDICT(TC_ACT_SHOT, internal_error);
	ip6 = *p;
	/* A Home Test goes to the home address, through the home agent
	 * (section 5.2.5), never along the binding it is to refresh. */
	if (ip6.nexthdr == IPPROTO_MH)
		return VERDICT(TC_ACT_OK, tc_pass);
	if (ro_ext_in_the_way(&ip6))
		return VERDICT(TC_ACT_OK, ro_ext_pass);

	/* The packet leaves by the route to the care-of address (sections 6.4,
	 * 9.3.2), not by the device the stack chose for the home address: a
	 * FIB lookup per packet, or on a host the device the binding holds. */
	rc = tc_fib(skb, &fib, &nh, &ip6.saddr, &coa, IPPROTO_ROUTING,
		    skb->len - sizeof(struct ethhdr), RO_EXT_LEN, b->coa_ifindex);
	if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED)
		return tc_ptb_local(skb, &coa, ptb_mtu_grow(fib.mtu_result, RO_EXT_LEN), TC_DIR_CN);
	if (!fib_has_route(rc))
		return VERDICT(TC_ACT_SHOT, cn_no_route);

	rt2_fill(&rh, ip6.nexthdr, &ip6.daddr);
	ctr = bctr_get(b);
	if (tc_push_ext(skb, &ip6, &rh, IPPROTO_ROUTING, &ip6.saddr, &coa))
		return VERDICT(TC_ACT_SHOT, internal_error);
	/* As it leaves, with its type 2 Routing header (bctr.h). */
	bctr_add(ctr, BCTR_TO_MN, skb->gso_segs ?: 1, skb->len - sizeof(struct ethhdr));
	STAT_INC(cn_rh2_insert);
	return tc_forward(skb, &fib, nh, rc);
}

#endif /* XMIP6_CN_H */
