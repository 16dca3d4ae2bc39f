/* SPDX-License-Identifier: GPL-2.0 */
/*
 * view.h - the data plane's maps as they are shown: JSON built here and
 * nowhere else, so that xmip6d's control socket and xmip6ctl reading the
 * pinned maps itself print the same thing. The keys and their meaning are
 * in docs/control-protocol.md; xmip6ctl's tables are made from these
 * objects.
 *
 * Times are whole seconds at the moment of the call: "age" rounded down,
 * "remaining" rounded up, so a live entry never shows 0 left.
 */
#ifndef XMIP6_DP_VIEW_H
#define XMIP6_DP_VIEW_H

#include "dp/dataplane.h"

struct json_object;

/*
 * {"bindings": [...]}: the bindings whose home address is @hoa and whose
 * care-of address is @coa (NULL: any), sorted by home address. 0 and
 * *@result (the caller's to put), or -errno (logged).
 */
int dp_bindings_json(const struct xmip6_dp *dp, const struct in6_addr *hoa,
		     const struct in6_addr *coa, struct json_object **result);

/* The mobile node's "ro" and "peers" maps as JSON arrays, in map order. */
int dp_ro_json(const struct xmip6_dp *dp, struct json_object **rows);
int dp_peers_json(const struct xmip6_dp *dp, struct json_object **rows);
int dp_prefixes_json(const struct xmip6_dp *dp, struct json_object **rows);

/* The counters as one flat object, name: value, in struct xmip6_stats order. */
struct json_object *dp_stats_json(const struct xmip6_stats *stats);

#endif /* XMIP6_DP_VIEW_H */
