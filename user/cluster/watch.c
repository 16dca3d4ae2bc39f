// SPDX-License-Identifier: GPL-2.0
/*
 * watch.c - following the store: a streaming watch of the bindings'
 * directory from the revision the maps reflect, events to the home
 * agent's maps; a linearizable read every probe-interval, which fails
 * without quorum, marks the store down; a full read (range, reconcile.c)
 * at start, after the store was down, after the watch ended and after a
 * compaction took the revision the watch wanted (docs/cluster.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cluster/internal.h"
#include "common/util.h"

#define NSEC_PER_MSEC 1000000ULL

static struct json_object *b64_string(const char *s, size_t len)
{
	char out[4 * CLUSTER_KEY_MAX / 3 + 8];

	etcd_b64(s, len, out);
	return json_object_new_string(out);
}

/* The directory as key and range_end (the prefix with its last octet + 1). */
static void add_dir_range(const struct cluster *c, struct json_object *o)
{
	char end[CLUSTER_KEY_MAX];
	size_t n = strlen(c->dir);

	memcpy(end, c->dir, n);
	end[n - 1]++; /* '/' + 1 */
	json_object_object_add(o, "key", b64_string(c->dir, n));
	json_object_object_add(o, "range_end", b64_string(end, n));
}

struct json_object *watch_range_body(const struct cluster *c)
{
	struct json_object *o = json_object_new_object();

	add_dir_range(c, o);
	return o;
}

/* ---- events ------------------------------------------------------------------------------- */

static void on_event(struct cluster *c, struct json_object *ev)
{
	struct json_object *kv, *type;
	struct cluster_kv k;
	bool del;

	if (!json_object_object_get_ex(ev, "kv", &kv) || cluster_kv_decode(c->dir, kv, &k))
		return;
	/* PUT is the enum's zero: the gateway leaves it out. */
	del = json_object_object_get_ex(ev, "type", &type) &&
	      !strcmp(json_object_get_string(type), "DELETE");
	if (fence_newer(c, &k.b.hoa, k.mod_revision)) {
		/* Our own later write is in the map already (fence.c). */
	} else if (del) {
		c->ops->remove(c->arg, &k.b.hoa);
		cache_del(c, &k.b.hoa, k.mod_revision);
		c->stats.removed++;
	} else {
		c->ops->apply(c->arg, &k.b);
		cache_put(c, &k);
		c->stats.applied++;
	}
	if (k.mod_revision > c->rev)
		c->rev = k.mod_revision;
}

void watch_message(void *arg, struct json_object *msg)
{
	struct cluster *c = arg;
	struct json_object *res, *events, *v;
	size_t i, n;

	if (!json_object_object_get_ex(msg, "result", &res))
		return;
	/* The revision we asked for was compacted away (or the member
	 * cancelled the watch): what happened meanwhile is only in a range. */
	if ((json_object_object_get_ex(res, "compact_revision", &v) && json_object_get_int64(v)) ||
	    (json_object_object_get_ex(res, "canceled", &v) && json_object_get_boolean(v))) {
		pr_notice("cluster %s: watch %s at revision %lld: reading the store again",
			  c->cfg->name,
			  json_object_object_get_ex(res, "compact_revision", &v) ? "compacted"
										 : "cancelled",
			  c->rev);
		etcd_cancel(c->etcd, c->watch);
		c->watch = NULL;
		c->need_sync = true;
		return;
	}
	if (!json_object_object_get_ex(res, "events", &events))
		return;
	n = json_object_array_length(events);
	for (i = 0; i < n; i++)
		on_event(c, json_object_array_get_idx(events, i));
	fence_trim(c);
}

static void on_watch_end(void *arg, int err, struct json_object *resp)
{
	struct cluster *c = arg;

	(void)resp;
	c->watch = NULL;
	c->need_sync = true;
	pr_info("cluster %s: watch ended (%s): reading the store again", c->cfg->name,
		err ? strerror(-err) : "closed by the member");
}

int watch_start(struct cluster *c)
{
	struct json_object *body = json_object_new_object();
	struct json_object *req = json_object_new_object();

	add_dir_range(c, req);
	json_object_object_add(req, "start_revision", json_object_new_int64(c->rev + 1));
	json_object_object_add(body, "create_request", req);
	c->watch = etcd_stream(c->etcd, "/v3/watch", body, watch_message, on_watch_end, c);
	return c->watch ? 0 : -ENOMEM;
}

/* ---- full reads and probes ----------------------------------------------------------------- */

int watch_synced(struct cluster *c, struct json_object *resp)
{
	int err = reconcile(c, resp);

	if (err)
		return err;
	if (c->watch) {
		etcd_cancel(c->etcd, c->watch);
		c->watch = NULL;
	}
	c->need_sync = false;
	c->stats.reconciles++;
	cluster_set_up(c, true, NULL);
	return watch_start(c);
}

static void on_sync(void *arg, int err, struct json_object *resp)
{
	struct cluster *c = arg;

	c->syncing = false;
	if (!err)
		err = watch_synced(c, resp);
	if (err) {
		c->next_sync_ns = mono_now_ns() + c->cfg->probe_interval_ms * NSEC_PER_MSEC;
		cluster_set_up(c, false, err == -EIO ? "error answer" : strerror(-err));
	}
}

static void on_probe(void *arg, int err, struct json_object *resp)
{
	struct cluster *c = arg;

	(void)resp;
	c->probing = false;
	if (!err)
		return;
	/* No quorum, or no member: whatever the watch says until then is
	 * not to be trusted to be complete; read it whole once it answers. */
	cluster_set_up(c, false, err == -EIO ? "no quorum" : strerror(-err));
	c->need_sync = true;
}

/* A linearizable read of one key: the member must reach its quorum. */
static void probe(struct cluster *c)
{
	struct json_object *body = json_object_new_object();
	char key[CLUSTER_KEY_MAX];
	int n = snprintf(key, sizeof(key), "%s/%s/probe", c->cfg->key_prefix, c->cfg->name);

	json_object_object_add(body, "key", b64_string(key, n));
	json_object_object_add(body, "count_only", json_object_new_boolean(true));
	if (!etcd_call(c->etcd, "/v3/kv/range", body, on_probe, c))
		c->probing = true;
}

void watch_tick(struct cluster *c, unsigned long long now)
{
	if (c->need_sync && !c->syncing && now >= c->next_sync_ns) {
		if (c->watch) {
			etcd_cancel(c->etcd, c->watch);
			c->watch = NULL;
		}
		if (!etcd_call(c->etcd, "/v3/kv/range", watch_range_body(c), on_sync, c))
			c->syncing = true;
	}
	if (c->probing || now < c->next_probe_ns || c->syncing)
		return;
	c->next_probe_ns = now + c->cfg->probe_interval_ms * NSEC_PER_MSEC;
	if (c->up)
		probe(c);
}
