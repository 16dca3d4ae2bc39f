/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * nemo.h - the home agent's side of NEMO Basic Support (RFC 3963): the
 * Mobile Network Prefixes registered by mobile routers ("prefixes", an LPM
 * trie: maps.h, headers/xmip6.h). Asked only when no binding holds the
 * address itself, so the host-binding path (ha.h) costs nothing more; a
 * home address always wins over a prefix that covers it.
 */
#ifndef XMIP6_NEMO_H
#define XMIP6_NEMO_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xmip6.h"
#include "maps.h"

/*
 * The live binding of the mobile router whose registered prefix holds
 * @addr, the longest match (RFC 3963 section 6.5: the prefix table picks
 * the router), with its home address copied to @hoa; NULL when no prefix
 * holds @addr or its router's binding is gone or expired.
 */
static __always_inline struct xmip6_binding_fwd *nemo_binding(const struct in6_addr *addr,
							      struct in6_addr *hoa)
{
	struct xmip6_prefix_key key = {.prefixlen = 128};
	struct xmip6_prefix *p;

	key.prefix = *addr;
	p = bpf_map_lookup_elem(&prefixes, &key);
	if (!p)
		return NULL;
	*hoa = p->home_addr;
	return binding_lookup(hoa);
}

#endif /* XMIP6_NEMO_H */
