// SPDX-License-Identifier: GPL-2.0
/*
 * ha_store.c - the home agent's side of following the cluster's store
 * (user/cluster/, docs/cluster.md): what another home agent registered,
 * renewed, deregistered or let expire goes into this one's binding cache
 * as a local registration would (the map, proxy ND on a home link, the
 * replay state). See ha_store.h.
 */
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "daemon/daemon.h"
#include "dp/replay.h"
#include "roles/ha_cache.h"
#include "roles/ha_store.h"
#include "wire/mh.h"

struct ha_store {
	struct daemon *d;
	struct ha_cache *cache;
	int replay_fd;
};

/* What another home agent registered, renewed or restored: into the map. */
static void store_apply(void *arg, const struct cluster_binding *b)
{
	struct ha_store *ha = arg;
	struct mh_bu_fields bu = {.sequence = b->seq, .flags = b->flags};
	long long left =
		(long long)b->lifetime_s - ((long long)time(NULL) - (long long)b->registered);
	struct xmip6_binding old;
	struct addr6_buf h, o;
	bool have_old = !dp_binding_lookup(&ha->d->dp, &b->hoa, &old);

	if (have_old && old.sequence == b->seq && old.auth_timestamp == b->timestamp &&
	    !memcmp(&old.care_of_addr, &b->coa, sizeof(b->coa)))
		return; /* ours, or already followed */
	if (!config_prefix_match(&ha->d->cfg.ha.home_prefix, &b->hoa) ||
	    (!have_old && ha_cache_full(ha->cache)))
		return;
	/* The lease ends the binding everywhere; the map's expiry is the
	 * fallback while the store is down, counted from the registration. */
	if (left < 1 || left > b->lifetime_s)
		left = left < 1 ? 1 : b->lifetime_s;
	if (ha_cache_store(ha->cache, &b->hoa, &b->coa, have_old ? &old : NULL, &bu, left,
			   b->timestamp))
		return;
	if (b->timestamp && b->spi && ha->replay_fd >= 0)
		dp_replay_set(ha->replay_fd, &b->hoa, b->spi, b->timestamp);
	if (have_old) {
		ha->d->stats.bindings_refreshed++;
		return;
	}
	ha->d->stats.bindings_new++;
	pr_packet(LOG_NOTICE, "home registration (cluster): %s -> %s seq %u",
		  addr6_str(&b->hoa, &h), addr6_str(&b->coa, &o), b->seq);
}

static void store_remove(void *arg, const struct in6_addr *hoa)
{
	struct ha_store *ha = arg;
	struct xmip6_binding old;
	struct addr6_buf h;

	if (dp_binding_lookup(&ha->d->dp, hoa, &old) || ha_cache_remove(ha->cache, hoa, &old))
		return;
	ha->d->stats.bindings_removed++;
	pr_packet(LOG_NOTICE, "home registration of %s removed (cluster)", addr6_str(hoa, &h));
}

struct each_local {
	int (*fn)(const struct in6_addr *hoa, void *ctx);
	void *ctx;
};

static int each_local_cb(const struct in6_addr *hoa, const struct xmip6_binding *b, void *ctx)
{
	const struct each_local *e = ctx;

	(void)b;
	return e->fn(hoa, e->ctx);
}

static int store_each_local(void *arg, int (*fn)(const struct in6_addr *hoa, void *ctx), void *ctx)
{
	struct ha_store *ha = arg;
	struct each_local e = {.fn = fn, .ctx = ctx};
	int ret = dp_binding_foreach(&ha->d->dp, each_local_cb, &e);

	return ret < 0 ? ret : 0;
}

static const struct cluster_ops store_ops = {
	.apply = store_apply,
	.remove = store_remove,
	.each_local = store_each_local,
};

int ha_store_start(struct daemon *d, struct ha_cache *cache, int replay_fd, struct cluster **out)
{
	/* One home agent a daemon. */
	static struct ha_store store;

	store = (struct ha_store){.d = d, .cache = cache, .replay_fd = replay_fd};
	return cluster_start(d, &d->cfg.ha.cluster, &store_ops, &store, out);
}
