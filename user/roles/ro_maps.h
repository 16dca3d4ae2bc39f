/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ro_maps.h - route optimisation's side of the data plane (headers/xmip6.h)
 * for ro.c: the XMIP6_CFG_F_RO flag with which TC egress records in the
 * "peers" map every correspondent the home address reaches through the
 * reverse tunnel, which of those the policy lets the mobile node register
 * with, and the "ro" map entries with which TC egress sends to a
 * correspondent from the care-of address instead.
 */
#ifndef XMIP6_RO_MAPS_H
#define XMIP6_RO_MAPS_H

#include <stdbool.h>
#include <netinet/in.h>
#include <linux/types.h>

#include "config/config.h"
#include "roles/mn.h"

struct xmip6_dp;

#define RO_MAPS_PEER_BATCH 64 /* peers taken per scan */

/* The flag on (and signalling with it) or off. 0 or -errno. */
int ro_maps_flag(struct xmip6_dp *dp, bool on);

/*
 * A previous run's "ro" entries: we hold neither their tokens nor their
 * sequence numbers, so their traffic goes back to the tunnel, where TC
 * records the correspondents again and RR starts afresh.
 */
void ro_maps_flush_stale(struct xmip6_dp *dp);

/*
 * Whether the route-optimization policy of @cfg lets the MN register with
 * @peer: never with "none", never for a link-local, site-local, multicast
 * or otherwise unusable address, nor the HA, the home or care-of address
 * themselves; "all", or inside a listed prefix (an address is a /128).
 */
bool ro_policy_allows(const struct config_mn *cfg, const struct in6_addr *peer,
		      const struct in6_addr *ha, const struct in6_addr *hoa,
		      const struct in6_addr *coa);

/*
 * Up to RO_MAPS_PEER_BATCH of the correspondents TC egress recorded for the
 * home address of @w (registered) that @cfg's policy allows, taken out of
 * the "peers" map (they come back only with new tunnelled traffic): how
 * many went into @peers, or -errno when the map cannot be read.
 */
int ro_maps_take_peers(struct xmip6_dp *dp, const struct config_mn *cfg, const struct mn_where *w,
		       struct in6_addr *peers);

/* The "ro" entry for @hoa and @peer: @coa for @granted_s from @now_ns, BU @seq. */
int ro_maps_write(struct xmip6_dp *dp, const struct in6_addr *hoa, const struct in6_addr *peer,
		  const struct in6_addr *coa, __u32 granted_s, __u16 seq,
		  unsigned long long now_ns);
int ro_maps_delete(struct xmip6_dp *dp, const struct in6_addr *hoa, const struct in6_addr *peer);

#endif /* XMIP6_RO_MAPS_H */
