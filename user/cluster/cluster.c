// SPDX-License-Identifier: GPL-2.0
/*
 * cluster.c - the cluster's life: the client, the first full read before
 * the home agent serves, the follower's tick, the store's state and what
 * the metrics endpoint shows of it. See cluster.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cluster/internal.h"
#include "common/util.h"
#include "daemon/daemon.h"

static bool str_differs(const char *a, const char *b)
{
	return !a != !b || (a && strcmp(a, b));
}

bool cluster_cfg_changed(bool had, const struct config_cluster *cur, bool has,
			 const struct config_cluster *next)
{
	if (had != has)
		return true;
	if (!has)
		return false;
	/* The client and the keys were set up from them at start. */
	return cur->n_endpoints != next->n_endpoints ||
	       memcmp(cur->endpoints, next->endpoints, sizeof(cur->endpoints)) ||
	       strcmp(cur->key_prefix, next->key_prefix) || strcmp(cur->name, next->name) ||
	       str_differs(cur->ca_file, next->ca_file) ||
	       str_differs(cur->cert_file, next->cert_file) ||
	       str_differs(cur->key_file, next->key_file) || cur->timeout_ms != next->timeout_ms ||
	       cur->probe_interval_ms != next->probe_interval_ms ||
	       cur->store_down != next->store_down;
}

static void tick(struct daemon *d, void *arg, unsigned long long now)
{
	(void)d;
	watch_tick(arg, now);
}

static __u64 gauge_up(void *arg)
{
	return ((struct cluster *)arg)->up;
}

static __u64 gauge_refused(void *arg)
{
	return ((struct cluster *)arg)->stats.refused_down;
}

static __u64 gauge_conflicts(void *arg)
{
	return ((struct cluster *)arg)->stats.conflicts;
}

static int register_parts(struct daemon *d, struct cluster *c)
{
	return daemon_on_tick(d, tick, c)
		       ?: daemon_gauge_reg(d, "xmip6_cluster_store_up", "", "1 while etcd answers",
					   gauge_up, c)
		       ?: daemon_gauge_reg(d, "xmip6_cluster_refused_store_down", "",
					   "Registrations answered 128 because etcd was down "
					   "(since start)",
					   gauge_refused, c)
		       ?: daemon_gauge_reg(d, "xmip6_cluster_txn_conflicts", "",
					   "Registration transactions re-decided after another "
					   "home agent's write (since start)",
					   gauge_conflicts, c);
}

/* Before serving: the store read whole into the maps, then followed. */
static void first_sync(struct cluster *c)
{
	struct json_object *resp = NULL;
	int err;

	err = etcd_call_sync(c->etcd, "/v3/kv/range", watch_range_body(c), &resp);
	if (!err)
		err = watch_synced(c, resp);
	json_object_put(resp);
	if (err) {
		c->need_sync = true;
		pr_warn("cluster %s: store not read at start (%s): serving with the %s, "
			"registrations refused until it answers",
			c->cfg->name, strerror(-err), "bindings the maps hold");
	}
}

int cluster_start(struct daemon *d, const struct config_cluster *cfg, const struct cluster_ops *ops,
		  void *arg, struct cluster **out)
{
	struct cluster *c = calloc(1, sizeof(*c));
	int err;

	if (!c)
		return -ENOMEM;
	c->d = d;
	c->cfg = cfg;
	c->ops = ops;
	c->arg = arg;
	LIST_INIT(&c->regs);
	LIST_INIT(&c->leases);
	TAILQ_INIT(&c->queue);
	LIST_INIT(&c->batches);
	cluster_key_dir(cfg, c->dir, sizeof(c->dir));
	err = etcd_open(d, cfg, &c->etcd);
	if (!err)
		err = register_parts(d, c);
	if (err) {
		pr_err("cluster %s: %s", cfg->name, strerror(-err));
		cluster_stop(c);
		return err;
	}
	*out = c;
	first_sync(c);
	pr_notice("cluster %s: %d endpoint(s), keys %s, %s", cfg->name, cfg->n_endpoints, c->dir,
		  c->up ? "in step" : "store down");
	return 0;
}

void cluster_stop(struct cluster *c)
{
	if (!c)
		return;
	etcd_close(c->etcd);
	txn_drop_all(c);
	lease_free_all(c);
	cache_free(c);
	free(c->fences);
	free(c);
}
