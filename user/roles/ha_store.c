// SPDX-License-Identifier: GPL-2.0
/*
 * ha_store.c - the home agent's side of following the cluster's store
 * (user/cluster/, docs/cluster.md): what another home agent registered,
 * renewed, deregistered or let expire goes into this one's binding cache
 * as a local registration would (the map, proxy ND on a home link, the
 * replay state, a mobile router's prefixes). See ha_store.h.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "daemon/daemon.h"
#include "dp/replay.h"
#include "roles/ha_cache.h"
#include "roles/ha_nemo.h"
#include "roles/ha_store.h"
#include "wire/mh.h"

struct ha_store {
	struct daemon *d;
	struct ha_cache *cache;
	int replay_fd;
};

_Static_assert(CLUSTER_MNP_MAX == MH_MNP_MAX, "a stored router's prefixes fit a nemo_reg");

/*
 * A mobile router's stored prefixes (RFC 3963) into the prefixes map, as
 * the home agent that took the BU installed them: false when this home
 * agent's configuration does not authorise them (or the map refuses),
 * logged and counted; the binding is then a host's here.
 */
static bool store_nemo(struct ha_store *ha, const struct cluster_binding *b)
{
	struct nemo_reg reg = {
		.router = true,
		.flags = b->implicit ? XMIP6_PREFIX_F_IMPLICIT : 0,
		.n = b->n_mnp,
	};
	struct addr6_buf h;
	int err;

	memcpy(reg.p, b->mnp, reg.n * sizeof(reg.p[0]));
	err = ha_nemo_follow(ha->d, &b->hoa, &reg);
	if (!err)
		return true;
	ha->d->stats.nemo_store_refused++;
	pr_packet(LOG_WARNING,
		  "mobile router %s (cluster): its %u prefix(es) %s: not forwarded here",
		  addr6_str(&b->hoa, &h), b->n_mnp,
		  err == -EPERM ? "not authorised by this home agent's mobile-nodes"
				: strerror(-err));
	return false;
}

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
	bool was_router = have_old && (old.flags & XMIP6_BU_F_ROUTER);
	bool router = b->flags & XMIP6_BU_F_ROUTER;

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
	/* RFC 3963 section 6.2: the prefixes before the binding that makes
	 * them forward, exactly the stored set. */
	if (router && !store_nemo(ha, b)) {
		bu.flags &= ~XMIP6_BU_F_ROUTER;
		router = false;
	}
	if (ha_cache_store(ha->cache, &b->hoa, &b->coa, have_old ? &old : NULL, &bu, left,
			   b->timestamp)) {
		if (router && !was_router)
			ha_nemo_forget(ha->d, &b->hoa);
		return;
	}
	if (was_router && !router)
		ha_nemo_forget(ha->d, &b->hoa); /* a router's, a host's binding now */
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
