/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * fib.h - the next hop of a packet the data plane rewrote: the next-hop
 * cache (headers/xmip6.h "nexthops") in front of one FIB lookup
 * (bpf_fib_lookup()) for XDP and TC alike, and the redirect its answer asks
 * for in each.
 */
#ifndef XMIP6_FIB_H
#define XMIP6_FIB_H

#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#include "maps.h"
#include "parse.h"
#include "stats.h"

#ifndef AF_INET6
#define AF_INET6 10
#endif

/*
 * Looks up the route of an IPv6 packet of @tot_len octets (0: do not check
 * the MTU) and upper-layer @proto from @src to @dst, entering at @ifindex.
 * @ctx is the program's context, an xdp_md or an __sk_buff: the helper takes
 * either. Returns the BPF_FIB_LKUP_RET_* answer, with @fib filled in.
 */
static __always_inline int fib_lookup6(void *ctx, struct bpf_fib_lookup *fib, __u32 ifindex,
				       const struct in6_addr *src, const struct in6_addr *dst,
				       __u8 proto, __u16 tot_len)
{
	fib->family = AF_INET6;
	fib->l4_protocol = proto;
	fib->tot_len = tot_len;
	fib->ifindex = ifindex;
	__builtin_memcpy(fib->ipv6_src, src, sizeof(fib->ipv6_src));
	__builtin_memcpy(fib->ipv6_dst, dst, sizeof(fib->ipv6_dst));
	return bpf_fib_lookup(ctx, fib, sizeof(*fib), 0);
}

static __always_inline struct xmip6_nh_state *nh_state_get(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&nh_state, &key);
}

/*
 * The source a slot is keyed by: @any (::, the caller's) when the follower saw that no rule
 * or route of this generation looks at sources (headers/xmip6.h
 * XMIP6_NH_F_SRC_FREE), so that the reverse tunnel's packets from every
 * home address to one correspondent share a slot; else @src. The lookup
 * itself always gets the real source: a source route the flag missed
 * would still be taken, only cached under the wrong key until the bump
 * its change causes.
 */
static __always_inline const struct in6_addr *nh_key_src(const struct xmip6_nh_state *st, __u32 gen,
							 const struct in6_addr *src,
							 const struct in6_addr *any)
{
	return gen && st && (st->flags & XMIP6_NH_F_SRC_FREE) ? any : src;
}

/* A live slot: filled in this generation for these addresses and device. */
static __always_inline bool nh_slot_holds(const struct xmip6_nh *nh, __u32 gen, __u32 iif,
					  const struct in6_addr *src, const struct in6_addr *dst)
{
	return nh->gen == gen && nh->iif == iif && addr_equal(&nh->dst, dst) &&
	       addr_equal(&nh->src, src);
}

/*
 * Fills @nh from a SUCCESS answer in @fib for a packet of @tot_len octets,
 * for generation @gen (0: the cache is off, the slot only carries this
 * packet's answer). The route's MTU is not asked for (a second lookup
 * would double what a miss costs): the slot knows that @tot_len fits, and
 * learns more as longer packets come (nh_resolve()).
 */
static __always_inline void nh_fill(const struct bpf_fib_lookup *fib, struct xmip6_nh *nh,
				    __u32 gen, __u32 iif, const struct in6_addr *src,
				    const struct in6_addr *dst, __u16 tot_len)
{
	nh->ifindex = fib->ifindex;
	__builtin_memcpy(nh->smac, fib->smac, ETH_ALEN);
	__builtin_memcpy(nh->dmac, fib->dmac, ETH_ALEN);
	nh->gen = 0;
	if (!gen)
		return;
	nh->mtu_fits = tot_len;
	nh->mtu = 0;
	nh->dst = *dst;
	nh->src = *src;
	nh->iif = iif;
	nh->gen = gen;
	STAT_INC(nh_fill);
}

/*
 * A live slot and a packet of @tot_len octets longer than any it saw fit:
 * the route is asked (nh_miss), and the slot learns that this length fits
 * too, or the route's MTU when it does not. Same answers as without the
 * slot; the generation is unchanged, so the next hop is the slot's.
 */
static __always_inline int nh_longer(void *ctx, struct bpf_fib_lookup *fib, struct xmip6_nh *nh,
				     __u32 iif, const struct in6_addr *src,
				     const struct in6_addr *dst, __u8 proto, __u16 tot_len,
				     const struct xmip6_nh **nhp)
{
	int rc;

	STAT_INC(nh_miss);
	rc = fib_lookup6(ctx, fib, iif, src, dst, proto, tot_len);
	if (rc == BPF_FIB_LKUP_RET_SUCCESS) {
		nh->mtu_fits = tot_len;
		*nhp = nh;
	} else if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED) {
		nh->mtu = fib->mtu_result;
	}
	return rc;
}

/*
 * The next hop of a packet of @tot_len octets (0: no MTU check) and
 * upper-layer @proto from @src to @dst entering at @iif: from a live slot
 * of the next-hop cache, else from bpf_fib_lookup() (nh_miss), whose
 * SUCCESS fills the slot. Returns the BPF_FIB_LKUP_RET_* answer: on
 * SUCCESS *@nhp is the slot (egress device, MACs), on FRAG_NEEDED
 * fib->mtu_result is the MTU, and otherwise @fib is what the lookup left.
 * The source is no part of the key when no rule or route looks at it
 * (nh_key_src()). The protocol is no part of the key: xmip6 leaves routing by upper-layer
 * protocol (ip rule ipproto) to the stack, as it leaves marks. A miss
 * costs one lookup, as a packet cost without the cache.
 */
static __always_inline int nh_resolve(void *ctx, struct bpf_fib_lookup *fib, __u32 iif,
				      const struct in6_addr *src, const struct in6_addr *dst,
				      __u8 proto, __u16 tot_len, const struct xmip6_nh **nhp)
{
	struct xmip6_nh_state *st = nh_state_get();
	/* No follower, or one that stopped renewing (killed): cache off. */
	__u32 gen = st && bpf_ktime_get_coarse_ns() < st->lease_ns ? st->gen : 0;
	/* On the stack: a global :: would be a .rodata variable the
	 * kernel's BTF check refuses alongside the programs' own. */
	struct in6_addr any = {};
	const struct in6_addr *key_src = nh_key_src(st, gen, src, &any);
	__u32 slot = xmip6_nh_slot(key_src, dst, iif);
	struct xmip6_nh *nh = bpf_map_lookup_elem(&nexthops, &slot);
	int rc;

	if (!nh) /* cannot happen: the slot is masked into range */
		return BPF_FIB_LKUP_RET_NOT_FWDED;
	if (gen) {
		if (nh_slot_holds(nh, gen, iif, key_src, dst)) {
			if (tot_len <= nh->mtu_fits) {
				*nhp = nh;
				return BPF_FIB_LKUP_RET_SUCCESS;
			}
			if (nh->mtu && tot_len > nh->mtu) {
				fib->mtu_result = nh->mtu;
				return BPF_FIB_LKUP_RET_FRAG_NEEDED;
			}
			return nh_longer(ctx, fib, nh, iif, src, dst, proto, tot_len, nhp);
		}
		STAT_INC(nh_miss);
	}
	rc = fib_lookup6(ctx, fib, iif, src, dst, proto, tot_len);
	if (rc == BPF_FIB_LKUP_RET_SUCCESS) {
		nh_fill(fib, nh, gen, iif, key_src, dst, tot_len);
		*nhp = nh;
	}
	return rc;
}

/* The Ethernet addresses of the next hop @nh. */
static __always_inline void nh_set_macs(struct ethhdr *eth, const struct xmip6_nh *nh)
{
	__builtin_memcpy(eth->h_dest, nh->dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, nh->smac, ETH_ALEN);
}

/* XDP: sends the frame to the next hop @nh (a SUCCESS of nh_resolve()). */
static __always_inline int xdp_forward(struct xdp_md *ctx, struct ethhdr *eth,
				       const struct xmip6_nh *nh)
{
	nh_set_macs(eth, nh);
	if (nh->ifindex == ctx->ingress_ifindex)
		return XDP_TX;
	return bpf_redirect(nh->ifindex, 0);
}

/*
 * TC: routes a packet of @len octets that is about to grow by @grow octets
 * and leave from @src to @dst: the FIB answer, except that a host
 * (forwarding off: the helper answers only routers,
 * BPF_FIB_LKUP_RET_FWD_DISABLED) gets NO_NEIGH for @host_ifindex, the
 * device user space found for @dst, or else the device the stack chose,
 * which bpf_redirect_neigh() then routes, or FRAG_NEEDED with that
 * device's MTU standing in for the path MTU. GSO packets are checked per
 * segment: bpf_skb_adjust_room() shrinks their gso_size by @grow, so each
 * segment still fits (Cilium's dsr_set_ext6 does the same); only non-GSO
 * packets get a length. A router's answers come from the next-hop cache
 * when it holds them (nh_resolve(): *@nhp on SUCCESS).
 */
static __always_inline int tc_fib(struct __sk_buff *skb, struct bpf_fib_lookup *fib,
				  const struct xmip6_nh **nhp, const struct in6_addr *src,
				  const struct in6_addr *dst, __u8 proto, __u32 len, __u32 grow,
				  __u32 host_ifindex)
{
	int rc;

	rc = nh_resolve(skb, fib, skb->ifindex, src, dst, proto, skb->gso_size ? 0 : len + grow,
			nhp);
	if (rc == BPF_FIB_LKUP_RET_FWD_DISABLED) {
		__u32 dev_mtu = 0;

		fib->ifindex = host_ifindex ?: skb->ifindex;
		rc = BPF_FIB_LKUP_RET_NO_NEIGH;
		if (!skb->gso_size && bpf_check_mtu(skb, fib->ifindex, &dev_mtu, grow, 0) ==
					      BPF_MTU_CHK_RET_FRAG_NEEDED) {
			rc = BPF_FIB_LKUP_RET_FRAG_NEEDED;
			fib->mtu_result = dev_mtu;
		}
	}
	return rc;
}

/* A route, with (SUCCESS) or without (NO_NEIGH) a resolved next hop? */
static __always_inline bool fib_has_route(int rc)
{
	return rc == BPF_FIB_LKUP_RET_SUCCESS || rc == BPF_FIB_LKUP_RET_NO_NEIGH;
}

/*
 * TC: sends a rebuilt packet where tc_fib() said (@rc SUCCESS, to @nh, or
 * NO_NEIGH). The caller has counted the packet; only a failure here counts
 * again.
 */
static __always_inline int tc_forward(struct __sk_buff *skb, const struct bpf_fib_lookup *fib,
				      const struct xmip6_nh *nh, int rc)
{
	void *data, *data_end;
	struct ethhdr *eth;

	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH)
		return bpf_redirect_neigh(fib->ifindex, NULL, 0, 0);

	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	eth = data;
	if ((void *)(eth + 1) > data_end || !nh)
		return VERDICT(TC_ACT_SHOT, internal_error);
	nh_set_macs(eth, nh);
	if (nh->ifindex == skb->ifindex)
		return TC_ACT_OK;
	return bpf_redirect(nh->ifindex, 0);
}

#endif /* XMIP6_FIB_H */
