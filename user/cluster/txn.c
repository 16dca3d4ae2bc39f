// SPDX-License-Identifier: GPL-2.0
/*
 * txn.c - a registration as one etcd transaction. The home agent's rules
 * (cluster_decide: the sequence number newer modulo 2^16, the RFC 4285
 * timestamp newer) are applied to the binding its cache holds (cache.c:
 * what the watch, full reads and its own writes last showed), and one
 * transaction writes the binding under a shared lease (lease.c) or deletes
 * it if the key's mod_revision is still the cached one (create_revision 0:
 * still absent). A failed compare returns the key as it is now (the
 * failure branch is a range of it), in the same round trip: the rules are
 * applied again to that, at most TXN_TRIES times. A refusal decided from
 * the cache is confirmed the same way (a compare with no write, which
 * etcd serves as a read): what the home agent answers was true of the
 * store at one revision. So a BU replayed to another home agent, or two
 * home agents racing on one home address, never moves a binding
 * backwards, and a stale cache costs a round trip, not a wrong answer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/queue.h>

#include <json-c/json.h>

#include "cluster/internal.h"
#include "common/util.h"
#include "wire/mh.h"

#define TXN_TRIES 4
/* etcd's --max-txn-ops default: compares, and each branch's ops. */
#define TXN_BATCH_MAX 128
/* Batches in flight: more registrations wait for one of them to answer
 * and go in the next (group commit): none waits while the store is idle. */
#define TXN_BATCH_INFLIGHT 2

struct cluster_reg {
	struct cluster *c;
	LIST_ENTRY(cluster_reg) link;
	struct cluster_binding want; /* lifetime_s 0: delete */
	struct cluster_kv cur;	     /* as cached, or as the failed compare read */
	bool have_cur;
	bool from_cache; /* @cur not read from the store: a refusal is confirmed */
	bool solo;	 /* a batch of it failed its compare: alone from now on */
	bool queued;	 /* waiting for a batch (c->queue) */
	bool followed;	 /* stored, and the maps show it or newer already */
	TAILQ_ENTRY(cluster_reg) qlink;
	int verdict;	 /* the rules' answer on @cur: 0 to write */
	long long lease; /* the shared one @want goes under */
	int tries;
	cluster_done_fn done;
	size_t ctx_len;
	unsigned char ctx[]; /* the caller's */
};

static struct json_object *b64_string(const char *s, size_t len)
{
	char out[4 * CLUSTER_VALUE_MAX / 3 + 8]; /* a value or a key, base64 */

	etcd_b64(s, len, out);
	return json_object_new_string(out);
}

/* A transaction of up to TXN_BATCH_MAX registrations of distinct keys. */
struct txn_batch {
	struct cluster *c;
	LIST_ENTRY(txn_batch) link;
	int n;
	struct cluster_reg *regs[TXN_BATCH_MAX];
};

static void reg_free(struct cluster_reg *r)
{
	if (r->queued)
		TAILQ_REMOVE(&r->c->queue, r, qlink);
	LIST_REMOVE(r, link);
	free(r);
}

void txn_drop_all(struct cluster *c)
{
	struct txn_batch *b;

	while (!LIST_EMPTY(&c->batches)) {
		b = LIST_FIRST(&c->batches);
		LIST_REMOVE(b, link);
		free(b);
	}
	c->n_batches = 0;
	while (!LIST_EMPTY(&c->regs))
		reg_free(LIST_FIRST(&c->regs));
}

static void finish(struct cluster_reg *r, int status)
{
	if (status == MH_BA_REASON_UNSPECIFIED)
		r->c->stats.refused_down++;
	r->done(r->ctx, status, r->have_cur ? &r->cur.b : NULL, r->followed);
	reg_free(r);
}

/* The store failed the request: down until a probe says otherwise. */
static void store_failed(struct cluster_reg *r, int err)
{
	/* An error answer may be a lease etcd no longer has: grant anew. */
	if (err == -EIO)
		lease_forget(r->c);
	cluster_set_up(r->c, false, err == -EIO ? "error answer" : strerror(-err));
	r->c->need_sync = true;
	finish(r, MH_BA_REASON_UNSPECIFIED);
}

static void on_txn(void *arg, int err, struct json_object *resp);
static void decide(struct cluster_reg *r);

static void add_op(struct json_object *body, const char *list, const char *type,
		   struct json_object *req)
{
	struct json_object *op = json_object_new_object();

	json_object_object_add(op, type, req);
	json_object_array_add(json_object_object_get(body, list), op);
}

static struct json_object *txn_body(void)
{
	struct json_object *body = json_object_new_object();

	json_object_object_add(body, "compare", json_object_new_array());
	json_object_object_add(body, "success", json_object_new_array());
	json_object_object_add(body, "failure", json_object_new_array());
	return body;
}

/* @r's compare, its write (none for a refusal: the compare alone confirms
 * it) and, on failure, a range of its key. */
static void txn_add(struct json_object *body, struct cluster_reg *r)
{
	struct json_object *cmp = json_object_new_object(), *req;
	char key[CLUSTER_KEY_MAX], value[CLUSTER_VALUE_MAX];
	int n;

	cluster_key(r->c->cfg, &r->want.hoa, key, sizeof(key));
	n = strlen(key);
	json_object_object_add(cmp, "key", b64_string(key, n));
	json_object_object_add(cmp, "result", json_object_new_string("EQUAL"));
	if (r->have_cur) {
		json_object_object_add(cmp, "target", json_object_new_string("MOD"));
		json_object_object_add(cmp, "mod_revision",
				       json_object_new_int64(r->cur.mod_revision));
	} else {
		json_object_object_add(cmp, "target", json_object_new_string("CREATE"));
		json_object_object_add(cmp, "create_revision", json_object_new_int64(0));
	}
	json_object_array_add(json_object_object_get(body, "compare"), cmp);
	if (!r->verdict) {
		req = json_object_new_object();
		json_object_object_add(req, "key", b64_string(key, n));
		if (r->want.lifetime_s) {
			cluster_value_encode(&r->want, value, sizeof(value));
			json_object_object_add(req, "value", b64_string(value, strlen(value)));
			json_object_object_add(req, "lease", json_object_new_int64(r->lease));
		}
		add_op(body, "success", r->want.lifetime_s ? "request_put" : "request_delete_range",
		       req);
	}
	req = json_object_new_object();
	json_object_object_add(req, "key", b64_string(key, n));
	add_op(body, "failure", "request_range", req);
}

static void send_txn(struct cluster_reg *r)
{
	struct json_object *body = txn_body();
	int err;

	txn_add(body, r);
	err = etcd_call(r->c->etcd, "/v3/kv/txn", body, on_txn, r);
	if (err)
		store_failed(r, err);
}

/* The write is in the store at @rev: the cache and the fence know it. */
static void stored(struct cluster_reg *r, long long rev)
{
	struct cluster *c = r->c;
	struct cluster_kv now = {0};

	if (r->verdict) {
		finish(r, r->verdict); /* the refusal, confirmed */
		return;
	}
	/* The map takes it now, and older events still on their way must not
	 * undo it; unless the watch is past it already, and a newer write of
	 * the key may be in the map, which ours must not undo (fence.c). */
	r->followed = !fence_own_write(c, &r->want.hoa, rev);
	if (r->followed) {
		/* The cache has the key from the same events as the map. */
	} else if (r->want.lifetime_s) {
		now.b = r->want;
		now.mod_revision = rev;
		now.create_revision = r->have_cur ? r->cur.create_revision : rev;
		now.lease = r->lease;
		cache_put(c, &now);
	} else {
		cache_del(c, &r->want.hoa, rev);
	}
	finish(r, 0);
}

/*
 * A failed compare's range of @r's key (@range NULL: none came back), read
 * at @rev: decided again on it. @conflict: the key moved since @r's read
 * (another home agent wrote it), counted, at most TXN_TRIES times.
 */
static void reread(struct cluster_reg *r, struct json_object *range, long long rev, bool conflict)
{
	struct cluster *c = r->c;
	struct json_object *kvs;

	if (conflict) {
		c->stats.conflicts++;
		r->tries++;
	}
	if (!range || r->tries >= TXN_TRIES) {
		finish(r, MH_BA_REASON_UNSPECIFIED);
		return;
	}
	r->have_cur = json_object_object_get_ex(range, "kvs", &kvs) &&
		      json_object_array_length(kvs) > 0 &&
		      !cluster_kv_decode(c->dir, json_object_array_get_idx(kvs, 0), &r->cur);
	if (r->have_cur)
		cache_put(c, &r->cur);
	else
		cache_del(c, &r->want.hoa, rev);
	r->from_cache = false;
	decide(r);
}

static long long txn_rev(struct json_object *resp)
{
	struct json_object *hdr, *v;

	return json_object_object_get_ex(resp, "header", &hdr) &&
			       json_object_object_get_ex(hdr, "revision", &v)
		       ? json_object_get_int64(v)
		       : 0;
}

static bool txn_succeeded(struct json_object *resp)
{
	struct json_object *v;

	return json_object_object_get_ex(resp, "succeeded", &v) && json_object_get_boolean(v);
}

/* The failure branch's range at @i (the order of the compares), or NULL. */
static struct json_object *txn_range(struct json_object *resp, size_t i)
{
	struct json_object *res, *range;

	if (!json_object_object_get_ex(resp, "responses", &res) ||
	    i >= json_object_array_length(res) ||
	    !json_object_object_get_ex(json_object_array_get_idx(res, i), "response_range", &range))
		return NULL;
	return range;
}

static void on_txn(void *arg, int err, struct json_object *resp)
{
	struct cluster_reg *r = arg;

	if (err)
		store_failed(r, err);
	else if (txn_succeeded(resp))
		stored(r, txn_rev(resp));
	else
		reread(r, txn_range(resp, 0), txn_rev(resp), true);
}

/* ---- batches ------------------------------------------------------------------------------- */

static bool in_batch(const struct txn_batch *b, const struct in6_addr *hoa)
{
	int i;

	for (i = 0; i < b->n; i++)
		if (IN6_ARE_ADDR_EQUAL(&b->regs[i]->want.hoa, hoa))
			return true;
	return false;
}

/* Whether the key @range shows moved since @r read it. */
static bool moved(const struct cluster_reg *r, struct json_object *range)
{
	struct json_object *kvs;
	struct cluster_kv kv;

	if (!range || !json_object_object_get_ex(range, "kvs", &kvs) ||
	    !json_object_array_length(kvs) ||
	    cluster_kv_decode(r->c->dir, json_object_array_get_idx(kvs, 0), &kv))
		return r->have_cur;
	return !r->have_cur || kv.mod_revision != r->cur.mod_revision;
}

static void on_batch(void *arg, int err, struct json_object *resp)
{
	struct txn_batch *b = arg;
	struct cluster *c = b->c;
	struct json_object *range;
	long long rev = err ? 0 : txn_rev(resp);
	bool ok = !err && txn_succeeded(resp);
	int i;

	LIST_REMOVE(b, link);
	c->n_batches--;
	for (i = 0; i < b->n; i++) {
		if (err) {
			store_failed(b->regs[i], err);
		} else if (ok) {
			stored(b->regs[i], rev);
		} else {
			/* One compare failed, all writes were dropped: each
			 * key on its own from now on, decided on what its
			 * range shows (unmoved keys are no conflict). */
			range = txn_range(resp, i);
			b->regs[i]->solo = true;
			reread(b->regs[i], range, rev, moved(b->regs[i], range));
		}
	}
	free(b);
	txn_pump(c);
}

static void send_batch(struct cluster *c, struct txn_batch *b)
{
	struct json_object *body = txn_body();
	int i, err;

	for (i = 0; i < b->n; i++)
		txn_add(body, b->regs[i]);
	LIST_INSERT_HEAD(&c->batches, b, link);
	c->n_batches++;
	err = etcd_call(c->etcd, "/v3/kv/txn", body, on_batch, b);
	if (err)
		on_batch(b, err, NULL);
}

void txn_pump(struct cluster *c)
{
	struct cluster_reg *r, *next;
	struct txn_batch *b;

	while (!TAILQ_EMPTY(&c->queue) && c->n_batches < TXN_BATCH_INFLIGHT) {
		b = calloc(1, sizeof(*b));
		if (!b) {
			r = TAILQ_FIRST(&c->queue);
			TAILQ_REMOVE(&c->queue, r, qlink);
			r->queued = false;
			store_failed(r, -ENOMEM);
			continue;
		}
		b->c = c;
		/* One write per key in a transaction (etcd refuses two). */
		for (r = TAILQ_FIRST(&c->queue); r && b->n < TXN_BATCH_MAX; r = next) {
			next = TAILQ_NEXT(r, qlink);
			if (in_batch(b, &r->want.hoa))
				continue;
			TAILQ_REMOVE(&c->queue, r, qlink);
			r->queued = false;
			b->regs[b->n++] = r;
		}
		send_batch(c, b);
	}
}

/* @r's write: with the others waiting (a batch), or alone after a batch of
 * it failed its compare. */
static void write_out(struct cluster_reg *r)
{
	if (r->solo) {
		send_txn(r);
		return;
	}
	TAILQ_INSERT_TAIL(&r->c->queue, r, qlink);
	r->queued = true;
	txn_pump(r->c);
}

static void on_lease(void *arg, int err, long long id)
{
	struct cluster_reg *r = arg;

	if (err) {
		store_failed(r, err);
		return;
	}
	r->lease = id;
	write_out(r);
}

/* The rules on @cur, then the transaction that writes (or confirms) it. */
static void decide(struct cluster_reg *r)
{
	int err;

	if (!r->have_cur)
		r->verdict = r->want.lifetime_s ? 0 : MH_BA_NOT_HOME_AGENT;
	else
		r->verdict = cluster_decide(&r->cur.b, r->want.seq, r->want.timestamp);
	/* Read from the store in this round trip: true at its revision. */
	if (r->verdict && !r->from_cache) {
		finish(r, r->verdict);
		return;
	}
	if (r->verdict) {
		send_txn(r);
		return;
	}
	if (!r->want.lifetime_s || r->lease) {
		write_out(r);
		return;
	}
	err = lease_get(r->c, r->want.lifetime_s, on_lease, r);
	if (err)
		store_failed(r, err);
}

int cluster_register(struct cluster *c, const struct cluster_binding *b, cluster_done_fn done,
		     const void *ctx, size_t ctx_len)
{
	const struct cluster_kv *cached;
	struct cluster_reg *r;

	if (!c->up) {
		c->stats.refused_down++;
		return -EAGAIN;
	}
	r = calloc(1, sizeof(*r) + ctx_len);
	if (!r)
		return -ENOMEM;
	r->c = c;
	r->want = *b;
	r->want.registered = (__u64)time(NULL);
	r->done = done;
	r->ctx_len = ctx_len;
	memcpy(r->ctx, ctx, ctx_len);
	LIST_INSERT_HEAD(&c->regs, r, link);
	cached = cache_get(c, &b->hoa);
	r->have_cur = cached != NULL;
	if (cached) /* the cache's part of a kv: the prefixes stay zero */
		memcpy(&r->cur, cached, CLUSTER_KV_CACHED);
	r->from_cache = true;
	decide(r);
	return 0;
}
