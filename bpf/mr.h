/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * mr.h - what a mobile router adds to the mobile node's programs (RFC 3963
 * section 5.6): the mobile networks behind it use its bi-directional
 * tunnel. A packet from a Mobile Network Prefix that the kernel forwards
 * out of a roaming interface is reverse-tunnelled by tc_mn_egress (source
 * the care-of address, destination the home agent), and a packet the home
 * agent tunnels to the care-of address for a host in a Mobile Network
 * Prefix is decapsulated by xdp_mn for the kernel to forward to the
 * ingress link. Both use the binding of the router's own home address,
 * found through "mr_prefixes" (headers/xmip6.h), only when the daemon set
 * XMIP6_CFG_F_MR: a plain mobile node pays one array lookup on a miss.
 */
#ifndef XMIP6_MR_H
#define XMIP6_MR_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xmip6.h"
#include "bctr.h"
#include "encap.h"
#include "maps.h"
#include "parse.h"
#include "stats.h"

/* A mobile network's packet: the router's home address, whose binding carries it. */
struct mr_hit {
	bool hit;
	struct in6_addr hoa;
};

/*
 * The live binding that carries the mobile network of @addr (its home
 * address in @mr, the key of its counters, bctr.h), or NULL: not a mobile
 * router, not in a Mobile Network Prefix, or not registered (at home the
 * kernel routes the networks itself, RFC 3963 section 5.5).
 */
static __always_inline struct xmip6_binding_fwd *mr_binding(const struct in6_addr *addr,
							    struct mr_hit *mr)
{
	struct xmip6_mr_prefix_key key = {.prefixlen = 128};
	struct xmip6_config *cfg = config_get();
	struct xmip6_binding_fwd *b;
	struct in6_addr *home;

	if (!cfg || !(cfg->flags & XMIP6_CFG_F_MR))
		return NULL;
	__builtin_memcpy(&key.prefix, addr, sizeof(key.prefix));
	home = bpf_map_lookup_elem(&mr_prefixes, &key);
	if (!home)
		return NULL;
	mr->hoa = *home;
	b = binding_lookup(&mr->hoa);
	mr->hit = b != NULL;
	return b;
}

/*
 * xdp_mn, for an inner destination that is no home address of ours: a host
 * of a mobile network, tunnelled by the home agent (RFC 3963 section 5.6)
 * from the binding's home agent to its care-of address only; decapsulated
 * for the kernel, which forwards it to the ingress link (forwarding on,
 * roles/mr.c). Mobility Headers in it are the host's business, not ours.
 */
static __always_inline int xdp_mr_decap(struct xdp_md *ctx, const struct ipv6hdr *outer,
					const struct ipv6hdr *inner)
{
	struct xmip6_binding_fwd *b;
	struct mr_hit mr = {};
	__u16 inner_len;

	b = mr_binding(&inner->daddr, &mr);
	if (!b)
		return VERDICT(XDP_PASS, rx_no_binding);
	if (!addr_equal(&outer->saddr, &b->ha_addr) || !addr_equal(&outer->daddr, &b->care_of_addr))
		return VERDICT(XDP_DROP, mn_tunnel_bad_src);
	inner_len = sizeof(*inner) + bpf_ntohs(inner->payload_len);
	if (xdp_decap(ctx))
		return VERDICT(XDP_DROP, internal_error);
	/* In the router's binding's counters (its slot, bctr.h). */
	bctr_count(b, BCTR_TO_MN, 1, inner_len);
	return VERDICT(XDP_PASS, mr_decap);
}

#endif /* XMIP6_MR_H */
