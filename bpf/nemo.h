/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * nemo.h - the home agent's side of NEMO Basic Support (RFC 3963): the
 * Mobile Network Prefixes registered by mobile routers ("prefixes" and
 * "prefix_lens": maps.h, headers/xmip6.h). Asked only when no binding holds the
 * address itself, so the host-binding path (ha.h) costs nothing more; a
 * home address always wins over a prefix that covers it.
 */
#ifndef XMIP6_NEMO_H
#define XMIP6_NEMO_H

#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "xmip6.h"
#include "maps.h"

/* @a with the bits beyond @plen cleared (a prefix key). */
static __always_inline void nemo_mask(struct in6_addr *a, __u32 plen)
{
	__s32 bits;
	__u32 m;
	int w;

#pragma unroll
	for (w = 0; w < 4; w++) {
		bits = (__s32)plen - 32 * w;
		m = bits >= 32 ? 0xffffffff : bits <= 0 ? 0 : 0xffffffff << (32 - bits);
		a->in6_u.u6_addr32[w] &= bpf_htonl(m);
	}
}

/*
 * The router's forwarding half for prefix entry @p: the copy the entry
 * carries (headers/xmip6.h; user/dp/ rewrites it with every write of the
 * binding), which spares the packet a second hash lookup; without one
 * (care-of address ::, an entry written by hand) the binding named by its
 * home address. A copy's care-of address is global unicast (user/dp/
 * maps.c refuses others), so its first word tells a copy from none.
 */
static __always_inline struct xmip6_binding_fwd *nemo_router(struct xmip6_prefix *p)
{
	if (!p->fwd.care_of_addr.in6_u.u6_addr32[0])
		return binding_lookup(&p->home_addr);
	return binding_live(&p->fwd);
}

/*
 * The live forwarding half of the mobile router whose registered prefix
 * holds @addr, the longest match (RFC 3963 section 6.5: the prefix table
 * picks the router): the lengths in use, longest first, each one hash
 * lookup of @addr masked to it. NULL when no prefix holds @addr, or its
 * router's binding is gone or expired.
 */
static __always_inline struct xmip6_binding_fwd *nemo_binding(const struct in6_addr *addr)
{
	struct xmip6_prefix_lens *lens;
	struct xmip6_prefix_key key;
	struct xmip6_prefix *p;
	__u32 zero = 0, i;

	lens = bpf_map_lookup_elem(&prefix_lens, &zero);
	if (!lens)
		return NULL;
	for (i = 0; i < XMIP6_PREFIX_LENS_MAX; i++) {
		if (i >= lens->n)
			return NULL;
		key.prefixlen = lens->len[i];
		key.prefix = *addr;
		nemo_mask(&key.prefix, key.prefixlen);
		p = bpf_map_lookup_elem(&prefixes, &key);
		if (p)
			return nemo_router(p);
	}
	return NULL;
}

#endif /* XMIP6_NEMO_H */
