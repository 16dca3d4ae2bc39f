/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ha_cache.h - the home agent's binding cache, for ha.c: the pinned
 * "bindings" map itself (what the data plane forwards with is what the
 * daemon accepted, and a restarted daemon, even after SIGKILL, finds every
 * binding, its sequence number and its last replay timestamp where it left
 * them), proxy Neighbor Discovery for its home addresses on a physical
 * home link (section 10.4.1), expiry, and the operator's binding-add,
 * binding-del and binding-flush commands.
 */
#ifndef XMIP6_HA_CACHE_H
#define XMIP6_HA_CACHE_H

#include <stdbool.h>
#include <netinet/in.h>
#include <linux/types.h>

#include "config/config.h"
#include "dp/dataplane.h"

struct daemon;
struct mh_bu_fields;
struct xmip6_binding;

struct ha_cache {
	struct daemon *d;
	int home_ifindex; /* 0: virtual home network */
	__u8 home_lladdr[6];
	long n_bindings;
	unsigned long long next_scan_ns;
	/* Earliest expiry among the bindings (0: unknown, scan). Walking the
	 * map costs two bpf() calls per binding, so it is walked only when a
	 * binding is due: a walk every tick stalled a 10,000-binding HA for
	 * 30 ms at a time (docs/benchmarks.md). */
	unsigned long long next_expiry_ns;
	unsigned long long next_full_scan_ns;
	/* The expiry walk in progress, a share each tick (ha_cache.c). */
	bool sweeping;
	struct dp_binding_cursor cursor;
	unsigned int sweep_calls;
	size_t sweep_seen, sweep_taken;
	unsigned long long sweep_next;
};

/* fe80::/64 with the interface identifier of @addr (section 10.4.1, L flag). */
void ha_link_local_of(const struct in6_addr *addr, struct in6_addr *ll);

/* A care-of address a binding may have: global unicast off the home prefix. */
bool ha_coa_valid(const struct config_ha *cfg, const struct in6_addr *coa);

/* Count the bindings a previous run left, make sure the kernel still proxies
 * them, and remove proxy entries whose binding is gone. */
void ha_cache_restore(struct ha_cache *c);
/*
 * Proxy ND again for every binding, announced: after the home link came
 * back up (the kernel flushes proxy and neighbour entries with it) or was
 * re-created (home_ifindex and home_lladdr updated first).
 */
void ha_cache_nd_restore(struct ha_cache *c);

/*
 * The binding for @hoa accepted from @bu (replacing @old, or NULL): the
 * map, proxy ND for a new one. 0 or -errno (-E2BIG, -ENOSPC: map full).
 */
int ha_cache_store(struct ha_cache *c, const struct in6_addr *hoa, const struct in6_addr *coa,
		   const struct xmip6_binding *old, const struct mh_bu_fields *bu, __u32 granted_s,
		   __u64 timestamp);
/*
 * ha_cache_store() for a refresh of the existing host binding @old (on the
 * event loop or a registration worker: daemon/workers.h), the map alone,
 * queued in @refreshes (the thread's: written at once when it is closed) with the replay state of
 * (@hoa, @spi) when @timestamp. The count does not change, the proxy entry
 * made at the first registration stays (the home link's follower restores
 * it after link events), the counter slot is @old's, and the later expiry
 * needs no note: the walk finds it, and a binding about to expire is not
 * refreshed on a worker. Reads only the configuration and the maps. 0 or
 * -errno (logged).
 */
int ha_cache_refresh(const struct ha_cache *c, struct dp_refresh_batch *refreshes,
		     const struct in6_addr *hoa, const struct in6_addr *coa,
		     const struct xmip6_binding *old, const struct mh_bu_fields *bu,
		     __u32 granted_s, __u32 spi, __u64 timestamp);
/* The binding @b of @hoa, and its proxy ND. 0 (also when it was gone) or -errno. */
int ha_cache_remove(struct ha_cache *c, const struct in6_addr *hoa, const struct xmip6_binding *b);

/* No room for a new binding: max-bindings reached, counted again in the
 * map first (xmip6ctl -p may have deleted some behind the daemon). */
bool ha_cache_full(struct ha_cache *c);

/* Expire what is due (checked every quarter second), and follow the map's
 * count (and remove proxy entries left without a binding) on each walk. */
void ha_cache_tick(struct ha_cache *c, unsigned long long now_ns);

/* The operator's binding-add, binding-del and binding-flush on it. 0 or -errno. */
int ha_cache_ctl_reg(struct ha_cache *c);

#endif /* XMIP6_HA_CACHE_H */
