/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * hao.h - a Home Address option at its receiver (RFC 6275 section 9.3.1):
 * packets whose option names no binding, or come from another care-of
 * address, MUST be dropped, and the sender gets a Binding Error status 1
 * (section 9.3.3) from the daemon, which rate-limits it. Without kernel
 * MIP6 the stack would answer Parameter Problem instead (option type
 * 11xxxxxx, RFC 8200 section 4.2). The CN restores what is bound (cn.h);
 * the HA and MN hand up only what is not.
 */
#ifndef XMIP6_HAO_H
#define XMIP6_HAO_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xmip6.h"
#include "exthdr.h"
#include "maps.h"
#include "parse.h"
#include "signal.h"
#include "stats.h"

/*
 * The first XMIP6_SIGNAL_MAX_LEN octets of @ip6's packet to the daemon,
 * flagged XMIP6_SIGNAL_F_HAO_UNBOUND. Returns true when the ring was full:
 * the caller counts that instead of its own verdict. Without a daemon the
 * packet is dropped all the same (section 9.3.1).
 */
static __always_inline bool xdp_hao_hand_up(struct xdp_md *ctx, const struct ipv6hdr *ip6)
{
	__u32 len = sizeof(*ip6) + bpf_ntohs(ip6->payload_len);

	if (len > XMIP6_SIGNAL_MAX_LEN)
		len = XMIP6_SIGNAL_MAX_LEN;
	return xdp_signal_put(ctx, sizeof(struct ethhdr), len, XMIP6_SIGNAL_F_HAO_UNBOUND, NULL) ==
	       SIG_PUT_RING_FULL;
}

/* Could a packet whose IPv6 Next Header is @nh carry a Home Address option? */
static __always_inline bool may_carry_hao(__u8 nh)
{
	return nh == IPPROTO_DSTOPTS || nh == IPPROTO_HOPOPTS;
}

/* What xdp_hao_unbound() found. */
enum hao_check {
	HAO_NONE = 0,	   /* no Home Address option */
	HAO_UNBOUND = 1,   /* one the receiver must drop (section 9.3.1) */
	HAO_BOUND = 2,	   /* one the binding vouches for, from its care-of address */
	HAO_MALFORMED = -1 /* a header or option running past its bounds */
};

/*
 * Does @ip6 (the packet behind the Ethernet header) carry a Home Address
 * option without a binding for its home address from the packet's source?
 * A non-global home address is unbound too: the daemon sends no error about
 * it.
 */
static __always_inline int xdp_hao_unbound(struct xdp_md *ctx, const struct ipv6hdr *ip6)
{
	struct xmip6_binding_fwd *b;
	struct ext_info e = {};
	struct in6_addr hoa;

	if (!may_carry_hao(ip6->nexthdr))
		return HAO_NONE;
	if (xdp_ext_find(ctx, &e))
		return HAO_MALFORMED;
	if (!e.hao_off)
		return HAO_NONE;
	/* doh_scan() checked the option against the header, not the frame
	 * against a fixed offset the verifier can see. */
	if (bpf_xdp_load_bytes(ctx, (e.hao_off & EXT_OFF_MASK) + HAO_ADDR_OFF, &hoa, sizeof(hoa)))
		return HAO_MALFORMED;
	b = binding_lookup(&hoa);
	if (b && addr_equal(&b->care_of_addr, &ip6->saddr))
		return HAO_BOUND;
	return HAO_UNBOUND;
}

/*
 * The HA's and MN's verdict (@at_ha: whose counter) on what xdp_hao_unbound()
 * found, @check: a packet with a Home Address option no binding vouches for
 * is dropped and handed up. Returns its counted verdict, a malformed
 * header's, or -1 for anything else.
 */
static __always_inline int xdp_hao_verdict(struct xdp_md *ctx, const struct ipv6hdr *ip6, int check,
					   bool at_ha)
{
	switch (check) {
	case HAO_NONE:
	case HAO_BOUND:
		return -1;
	case HAO_UNBOUND:
		break;
	default:
		return VERDICT(XDP_DROP, rx_malformed);
	}
	if (xdp_hao_hand_up(ctx, ip6))
		return VERDICT(XDP_DROP, sig_ring_full);
	if (at_ha)
		return VERDICT(XDP_DROP, ha_hao_unbound);
	return VERDICT(XDP_DROP, mn_hao_unbound);
}

/* xdp_hao_verdict() on the packet's own option: the whole stage. */
static __always_inline int xdp_hao_stage(struct xdp_md *ctx, const struct ipv6hdr *ip6, bool at_ha)
{
	return xdp_hao_verdict(ctx, ip6, xdp_hao_unbound(ctx, ip6), at_ha);
}

#endif /* XMIP6_HAO_H */
