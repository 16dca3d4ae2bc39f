// SPDX-License-Identifier: GPL-2.0
/*
 * ha_cache.c - the home agent's binding cache: the "bindings" map, proxy
 * Neighbor Discovery on the home link, expiry, operator commands. See
 * ha_cache.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "daemon/daemon.h"
#include "daemon/workers.h"
#include "roles/ha_cache.h"

#define NSEC_PER_SEC	  1000000000ULL
#define HA_EXPIRY_SCAN_NS (NSEC_PER_SEC / 4)
/* Bindings written straight into the map (xmip6ctl -p) are not seen by
 * next_expiry_ns: a full scan this often catches them. */
#define HA_FULL_SCAN_NS	     (10 * NSEC_PER_SEC)
#define HA_MAX_EXPIRED_BATCH 4096

static void note_expiry(struct ha_cache *c, unsigned long long expires_ns)
{
	if (expires_ns && expires_ns < c->next_expiry_ns)
		c->next_expiry_ns = expires_ns;
}

void ha_link_local_of(const struct in6_addr *addr, struct in6_addr *ll)
{
	memset(ll, 0, sizeof(*ll));
	ll->s6_addr[0] = 0xfe;
	ll->s6_addr[1] = 0x80;
	memcpy(&ll->s6_addr[8], &addr->s6_addr[8], 8);
}

bool ha_coa_valid(const struct config_ha *cfg, const struct in6_addr *coa)
{
	if (addr6_unusable_reason(coa) || IN6_IS_ADDR_LINKLOCAL(coa) || IN6_IS_ADDR_SITELOCAL(coa))
		return false;
	/* A CoA on the home prefix other than the home address itself. */
	return !config_prefix_match(&cfg->home_prefix, coa);
}

/* ---- proxy Neighbor Discovery on the home link ------------------------------------------- */

static void proxy_nd_add(struct ha_cache *c, const struct in6_addr *addr, bool announce)
{
	struct daemon *d = c->d;
	struct addr6_buf a;
	int err;

	err = nl_proxy_add(&d->nl, c->home_ifindex, addr);
	if (!err)
		/* Our own packets to the address (ICMPv6 errors, pings) must reach
		 * tc_ha_egress instead of waiting for an NA nobody sends. */
		err = nl_neigh_set_permanent(&d->nl, c->home_ifindex, addr, c->home_lladdr);
	if (err)
		pr_err("proxy ND for %s: %s", addr6_str(addr, &a), strerror(-err));
	if (announce && d->nd_open &&
	    ndisc_send_unsolicited_na(&d->nd, c->home_ifindex, addr, c->home_lladdr, false))
		pr_warn("unsolicited NA for %s not sent", addr6_str(addr, &a));
}

static void proxy_nd_del(struct ha_cache *c, const struct in6_addr *addr)
{
	struct daemon *d = c->d;
	struct addr6_buf a;
	int err;

	err = nl_proxy_del(&d->nl, c->home_ifindex, addr);
	if (err && err != -ENOENT)
		pr_err("removing proxy ND for %s: %s", addr6_str(addr, &a), strerror(-err));
	err = nl_neigh_del(&d->nl, c->home_ifindex, addr);
	if (err && err != -ENOENT)
		pr_err("removing neighbour entry for %s: %s", addr6_str(addr, &a), strerror(-err));
}

static void binding_nd(struct ha_cache *c, const struct in6_addr *hoa, __u16 flags, bool add,
		       bool announce)
{
	struct in6_addr ll;

	/* A virtual home network has no link to defend the addresses on. */
	if (!c->home_ifindex)
		return;
	ha_link_local_of(hoa, &ll);
	if (add) {
		proxy_nd_add(c, hoa, announce);
		if (flags & XMIP6_BU_F_LLADDR)
			proxy_nd_add(c, &ll, announce);
	} else {
		proxy_nd_del(c, hoa);
		if (flags & XMIP6_BU_F_LLADDR)
			proxy_nd_del(c, &ll);
	}
}

/* ---- the binding cache ------------------------------------------------------------------- */

int ha_cache_remove(struct ha_cache *c, const struct in6_addr *hoa, const struct xmip6_binding *b)
{
	int err = dp_binding_delete(&c->d->dp, hoa);

	if (err && err != -ENOENT)
		return err;
	if (!err && c->n_bindings > 0)
		c->n_bindings--;
	/* Every way a router's binding goes: its prefixes with it (RFC 3963
	 * section 6.7). */
	if (b->flags & XMIP6_BU_F_ROUTER)
		dp_prefix_forget(&c->d->dp, hoa);
	binding_nd(c, hoa, b->flags, false, false);
	return 0;
}

/* The binding @bu makes, after @old (or NULL). */
static void binding_of(const struct ha_cache *c, const struct in6_addr *coa,
		       const struct xmip6_binding *old, const struct mh_bu_fields *bu,
		       __u32 granted_s, __u64 timestamp, struct xmip6_binding *out)
{
	struct daemon *d = c->d;
	unsigned long long now = mono_now_ns();
	struct xmip6_binding b = {
		.care_of_addr = *coa,
		.ha_addr = d->cfg.ha.address,
		.registered_ns = now,
		.created_ns = now,
		.lifetime_s = granted_s,
		.sequence = bu->sequence,
		.flags = bu->flags &
			 (XMIP6_BU_F_ACK | XMIP6_BU_F_HOME | XMIP6_BU_F_LLADDR | XMIP6_BU_F_ROUTER),
		.auth_timestamp = timestamp,
		.expires_ns = now + (unsigned long long)granted_s * NSEC_PER_SEC,
	};

	if (old) {
		b.created_ns = old->created_ns ?: old->registered_ns;
		/* The learnt tunnel MTU belongs to the path to that CoA. */
		if (!memcmp(&old->care_of_addr, coa, sizeof(*coa))) {
			b.tunnel_mtu = old->tunnel_mtu;
			b.tunnel_mtu_expires_ns = old->tunnel_mtu_expires_ns;
		}
	}
	*out = b;
}

int ha_cache_store(struct ha_cache *c, const struct in6_addr *hoa, const struct in6_addr *coa,
		   const struct xmip6_binding *old, const struct mh_bu_fields *bu, __u32 granted_s,
		   __u64 timestamp)
{
	struct xmip6_binding b;
	int err;

	binding_of(c, coa, old, bu, granted_s, timestamp, &b);
	err = dp_binding_update(&c->d->dp, hoa, &b);
	if (err)
		return err;
	note_expiry(c, b.expires_ns);
	if (!old)
		c->n_bindings++;
	/* Announce on every first registration and CoA change is not needed:
	 * the home link only cares that the HA answers for the home address. */
	binding_nd(c, hoa, b.flags, true, !old);
	return 0;
}

int ha_cache_refresh(const struct ha_cache *c, struct dp_refresh_batch *refreshes,
		     const struct in6_addr *hoa, const struct in6_addr *coa,
		     const struct xmip6_binding *old, const struct mh_bu_fields *bu,
		     __u32 granted_s, __u32 spi, __u64 timestamp)
{
	struct xmip6_binding b;

	binding_of(c, coa, old, bu, granted_s, timestamp, &b);
	b.ctr_slot = old->ctr_slot;
	return dp_refresh_queue(refreshes, hoa, &b, spi, timestamp);
}

/* ---- following the map ---------------------------------------------------------------------- */

/*
 * `xmip6ctl -p PIN binding del|flush` changes the map without the daemon,
 * even while none runs: proxy entries of home addresses without a binding
 * are removed at start and whenever the count changed behind our back, so
 * that nobody's Neighbor Solicitation is answered for a node that is gone
 * (section 10.4.1 defends only registered home addresses).
 */
struct proxy_list {
	size_t n, cap;
	struct in6_addr *addr;
};

static int collect_proxy(const struct in6_addr *addr, void *ctx)
{
	struct proxy_list *l = ctx;
	struct in6_addr *grown;

	if (l->n == l->cap) {
		grown = realloc(l->addr, (l->cap ? 2 * l->cap : 64) * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		l->addr = grown;
		l->cap = l->cap ? 2 * l->cap : 64;
	}
	l->addr[l->n++] = *addr;
	return 0;
}

/* A proxy entry binding_nd() would have made for a binding in the map. */
static bool proxy_wanted(const struct ha_cache *c, const struct in6_addr *addr)
{
	const struct config_prefix *home = &c->d->cfg.ha.home_prefix;
	struct xmip6_binding b;
	struct in6_addr hoa;

	if (IN6_IS_ADDR_LINKLOCAL(addr)) {
		/* fe80::IID stands for the home address with that IID, L flag set;
		 * only a /64 home prefix tells which one it is. */
		if (home->len != 64)
			return true;
		hoa = home->addr;
		memcpy(&hoa.s6_addr[8], &addr->s6_addr[8], 8);
		return !dp_binding_lookup(&c->d->dp, &hoa, &b) && (b.flags & XMIP6_BU_F_LLADDR);
	}
	/* Off the home prefix: not one of ours. */
	return !config_prefix_match(home, addr) || !dp_binding_lookup(&c->d->dp, addr, &b);
}

static void remove_stale_proxies(struct ha_cache *c)
{
	struct proxy_list l = {0};
	struct addr6_buf a;
	size_t i;
	int err;

	if (!c->home_ifindex)
		return;
	err = nl_proxy_dump(&c->d->nl, c->home_ifindex, collect_proxy, &l);
	if (err < 0)
		pr_err("listing proxy ND entries: %s", strerror(-err));
	for (i = 0; !err && i < l.n; i++) {
		if (proxy_wanted(c, &l.addr[i]))
			continue;
		proxy_nd_del(c, &l.addr[i]);
		pr_notice("proxy ND for %s removed: no binding", addr6_str(&l.addr[i], &a));
	}
	free(l.addr);
}

/* @in_map bindings are in the map: take the count, and the proxies after it. */
static void follow_map(struct ha_cache *c, long in_map)
{
	if (in_map == c->n_bindings)
		return;
	pr_notice("binding cache: %ld binding(s) in the map, %ld counted; following the map",
		  in_map, c->n_bindings);
	c->n_bindings = in_map;
	remove_stale_proxies(c);
}

bool ha_cache_full(struct ha_cache *c)
{
	long max = (long)c->d->cfg.ha.max_bindings;
	int n;

	if (c->n_bindings < max)
		return false;
	/* Before refusing, the map's own count: deletions behind our back. */
	n = dp_binding_count(&c->d->dp);
	if (n >= 0)
		follow_map(c, n);
	return c->n_bindings >= max;
}

/* ---- expiry --------------------------------------------------------------------------------- */

/*
 * The expiry walk is spread over ticks, HA_WALK_BATCH bindings a tick (one
 * bpf() call for all of them, and one more for each binding due), so that
 * no tick holds the BUs waiting in the signal ring: a whole walk at once
 * stalled a 40,000-binding HA for 265 ms every 10 s, and 512 bindings read
 * one by one (three calls each) held a tick for 1-2 ms, the p99 of BUs at
 * half load (docs/benchmarks.md). A binding is removed at most one walk's
 * duration after it is due: N / HA_WALK_BATCH ticks of 50 ms (4 s for
 * 40,000 bindings, 100 s for 1,000,000).
 */
#define HA_WALK_BATCH DP_WALK_MAX

struct expired_list {
	const struct xmip6_dp *dp;
	unsigned long long now;
	unsigned long long next; /* earliest expiry not yet due */
	size_t seen;		 /* bindings walked */
	size_t n;
	struct in6_addr hoa[HA_WALK_BATCH];
	struct xmip6_binding b[HA_WALK_BATCH];
};

static int collect_expired(const struct in6_addr *hoa, const struct xmip6_binding *b, void *ctx)
{
	struct expired_list *l = ctx;

	if (l->n == HA_WALK_BATCH)
		return 1; /* visited again on the next call */
	l->seen++;
	if (!b->expires_ns)
		return 0;
	if (b->expires_ns > l->now) {
		if (b->expires_ns < l->next)
			l->next = b->expires_ns;
		return 0;
	}
	/* Due: the whole binding (the walk reads the forwarding half alone),
	 * unless it went or was refreshed meanwhile. */
	if (dp_binding_lookup(l->dp, hoa, &l->b[l->n]) || !l->b[l->n].expires_ns)
		return 0;
	if (l->b[l->n].expires_ns > l->now) {
		if (l->b[l->n].expires_ns < l->next)
			l->next = l->b[l->n].expires_ns;
		return 0;
	}
	l->hoa[l->n] = *hoa;
	l->n++;
	return DP_WALK_TAKEN;
}

static void sweep_start(struct ha_cache *c)
{
	c->sweeping = true;
	c->sweep_calls = 0;
	c->sweep_seen = 0;
	c->sweep_taken = 0;
	c->sweep_next = ULLONG_MAX;
	c->cursor.started = false;
	/* Bindings stored during the walk lower it (note_expiry). */
	c->next_expiry_ns = ULLONG_MAX;
}

/* One tick's share of the walk. */
static void expire_some(struct ha_cache *c, unsigned long long now)
{
	static struct expired_list l;
	struct addr6_buf h, o;
	size_t i;
	int ret;

	l.dp = &c->d->dp;
	l.now = now;
	l.next = c->sweep_next;
	l.n = l.seen = 0;
	c->cursor.restarted = false;
	ret = dp_binding_walk(&c->d->dp, &c->cursor, HA_WALK_BATCH, collect_expired, &l);
	if (c->cursor.restarted && c->sweep_calls) {
		/* Begun from the first binding again: counted from there. */
		c->sweep_seen = c->sweep_taken = 0;
		c->sweep_calls = 0;
	}
	c->sweep_calls++;
	c->sweep_seen += l.seen;
	c->sweep_next = l.next;
	for (i = 0; i < l.n; i++) {
		if (ha_cache_remove(c, &l.hoa[i], &l.b[i]))
			continue;
		c->sweep_taken++;
		c->d->stats.bindings_removed++;
		pr_packet(LOG_NOTICE, "binding %s -> %s expired (lifetime %u s)",
			  addr6_str(&l.hoa[i], &h), addr6_str(&l.b[i].care_of_addr, &o),
			  l.b[i].lifetime_s);
	}
	if (ret == 0)
		return; /* more at the next tick */
	c->sweeping = false;
	if (ret < 0) {
		c->next_expiry_ns = 0; /* walk again */
		return;
	}
	if (c->sweep_next < c->next_expiry_ns)
		c->next_expiry_ns = c->sweep_next;
	/* A walk in one call counted the map as it is: follow what was changed
	 * behind us. One spread over ticks raced our own stores and removals
	 * (ha_cache_full() counts the map itself before it refuses). */
	if (c->sweep_calls == 1)
		follow_map(c, (long)(c->sweep_seen - c->sweep_taken));
}

/* ---- operator commands --------------------------------------------------------------------- */

static int binding_add(void *arg, const struct in6_addr *hoa, const struct in6_addr *coa,
		       __u32 lifetime_s, char *err, size_t errlen)
{
	struct ha_cache *c = arg;
	struct daemon *d = c->d;
	struct xmip6_binding old, b = {
					  .care_of_addr = *coa,
					  .ha_addr = d->cfg.ha.address,
					  .lifetime_s = lifetime_s,
				  };
	unsigned long long now = mono_now_ns();
	bool have_old;
	int ret;

	if (!config_prefix_match(&d->cfg.ha.home_prefix, hoa)) {
		snprintf(err, errlen, "home address not on the home prefix");
		return -EINVAL;
	}
	if (!ha_coa_valid(&d->cfg.ha, coa)) {
		snprintf(err, errlen,
			 "care-of address not usable (global unicast off the home prefix)");
		return -EINVAL;
	}
	/* No registration worker between its lookup and its write (ha.c). */
	daemon_workers_quiesce(d);
	have_old = !dp_binding_lookup(&d->dp, hoa, &old);
	if (!have_old && ha_cache_full(c)) {
		snprintf(err, errlen, "max-bindings (%u) reached", d->cfg.ha.max_bindings);
		return -ENOSPC;
	}
	b.registered_ns = b.created_ns = now;
	if (have_old) {
		b.sequence = old.sequence;
		b.created_ns = old.created_ns ?: old.registered_ns;
	}
	b.expires_ns = lifetime_s ? now + (unsigned long long)lifetime_s * NSEC_PER_SEC : 0;
	ret = dp_binding_update(&d->dp, hoa, &b);
	if (ret) {
		snprintf(err, errlen, "binding map: %s", strerror(-ret));
		return ret;
	}
	note_expiry(c, b.expires_ns);
	if (!have_old)
		c->n_bindings++;
	binding_nd(c, hoa, 0, true, !have_old);
	return 0;
}

static int binding_del(void *arg, const struct in6_addr *hoa, char *err, size_t errlen)
{
	struct ha_cache *c = arg;
	struct xmip6_binding b;
	int ret;

	/* A worker's refresh must not bring the binding back (ha.c). */
	daemon_workers_quiesce(c->d);
	ret = dp_binding_lookup(&c->d->dp, hoa, &b);
	if (ret) {
		snprintf(err, errlen, "no binding for that home address");
		return ret;
	}
	ret = ha_cache_remove(c, hoa, &b);
	if (ret)
		snprintf(err, errlen, "binding map: %s", strerror(-ret));
	return ret;
}

static int collect_all(const struct in6_addr *hoa, const struct xmip6_binding *b, void *ctx)
{
	struct expired_list *l = ctx;

	l->hoa[l->n] = *hoa;
	l->b[l->n] = *b;
	return ++l->n == HA_MAX_EXPIRED_BATCH;
}

static int binding_flush(void *arg)
{
	static struct expired_list l;
	struct ha_cache *c = arg;
	int total = 0;
	size_t i;

	daemon_workers_quiesce(c->d); /* as binding_del() */
	do {
		l.n = 0;
		if (dp_binding_foreach(&c->d->dp, collect_all, &l) < 0)
			break;
		for (i = 0; i < l.n; i++)
			if (!ha_cache_remove(c, &l.hoa[i], &l.b[i]))
				total++;
	} while (l.n == HA_MAX_EXPIRED_BATCH);
	return total;
}

/* ---- start and tick ----------------------------------------------------------------------- */

static int restore_nd(const struct in6_addr *hoa, const struct xmip6_binding *b, void *ctx)
{
	struct ha_cache *c = ctx;

	c->n_bindings++;
	/* Bindings outlive the daemon; make sure the kernel still proxies. */
	binding_nd(c, hoa, b->flags, true, false);
	return 0;
}

void ha_cache_restore(struct ha_cache *c)
{
	dp_binding_foreach(&c->d->dp, restore_nd, c);
	/* Deleted from the map while no daemon ran: their entries linger. */
	remove_stale_proxies(c);
}

static int reannounce_nd(const struct in6_addr *hoa, const struct xmip6_binding *b, void *ctx)
{
	/* The entries the kernel flushed with the link, and the unsolicited NA
	 * of section 10.4.1 so that the home link's caches point at us again. */
	binding_nd(ctx, hoa, b->flags, true, true);
	return 0;
}

void ha_cache_nd_restore(struct ha_cache *c)
{
	dp_binding_foreach(&c->d->dp, reannounce_nd, c);
}

void ha_cache_tick(struct ha_cache *c, unsigned long long now)
{
	if (!c->sweeping) {
		if (now < c->next_scan_ns)
			return;
		c->next_scan_ns = now + HA_EXPIRY_SCAN_NS;
		if (now < c->next_expiry_ns && now < c->next_full_scan_ns)
			return;
		c->next_full_scan_ns = now + HA_FULL_SCAN_NS;
		sweep_start(c);
	}
	expire_some(c, now);
}

int ha_cache_ctl_reg(struct ha_cache *c)
{
	static const struct daemon_bcache_ops ops = {
		.add = binding_add,
		.del = binding_del,
		.flush = binding_flush,
	};

	return daemon_bcache_reg(c->d, &ops, c);
}
