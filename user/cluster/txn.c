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

struct cluster_reg {
	struct cluster *c;
	LIST_ENTRY(cluster_reg) link;
	struct cluster_binding want; /* lifetime_s 0: delete */
	struct cluster_kv cur;	     /* as cached, or as the failed compare read */
	bool have_cur;
	bool from_cache; /* @cur not read from the store: a refusal is confirmed */
	int verdict;	 /* the rules' answer on @cur: 0 to write */
	long long lease; /* the shared one @want goes under */
	int tries;
	cluster_done_fn done;
	size_t ctx_len;
	unsigned char ctx[]; /* the caller's */
};

static struct json_object *b64_string(const char *s, size_t len)
{
	char out[4 * 1024 / 3 + 8];

	etcd_b64(s, len, out);
	return json_object_new_string(out);
}

static void reg_free(struct cluster_reg *r)
{
	LIST_REMOVE(r, link);
	free(r);
}

void txn_drop_all(struct cluster *c)
{
	while (!LIST_EMPTY(&c->regs))
		reg_free(LIST_FIRST(&c->regs));
}

static void finish(struct cluster_reg *r, int status)
{
	if (status == MH_BA_REASON_UNSPECIFIED)
		r->c->stats.refused_down++;
	r->done(r->ctx, status, r->have_cur ? &r->cur.b : NULL);
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

static void add_op(struct json_object *body, const char *list, const char *type,
		   struct json_object *req)
{
	struct json_object *op = json_object_new_object();

	json_object_object_add(op, type, req);
	json_object_array_add(json_object_object_get(body, list), op);
}

static void send_txn(struct cluster_reg *r)
{
	struct cluster *c = r->c;
	struct json_object *body = json_object_new_object(), *cmp = json_object_new_object();
	struct json_object *req;
	char key[CLUSTER_KEY_MAX], value[512];
	int n, err;

	cluster_key(c->cfg, &r->want.hoa, key, sizeof(key));
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
	json_object_object_add(body, "compare", json_object_new_array());
	json_object_array_add(json_object_object_get(body, "compare"), cmp);
	json_object_object_add(body, "success", json_object_new_array());
	json_object_object_add(body, "failure", json_object_new_array());
	/* A refusal writes nothing: the compare alone confirms it. */
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
	err = etcd_call(c->etcd, "/v3/kv/txn", body, on_txn, r);
	if (err)
		store_failed(r, err);
}

static void on_lease(void *arg, int err, long long id)
{
	struct cluster_reg *r = arg;

	if (err) {
		store_failed(r, err);
		return;
	}
	r->lease = id;
	send_txn(r);
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
	if (r->verdict || !r->want.lifetime_s || r->lease) {
		send_txn(r);
		return;
	}
	err = lease_get(r->c, r->want.lifetime_s, on_lease, r);
	if (err)
		store_failed(r, err);
}

static void on_txn(void *arg, int err, struct json_object *resp)
{
	struct cluster_reg *r = arg;
	struct cluster *c = r->c;
	struct json_object *v, *res, *range, *kvs, *hdr;
	struct cluster_kv now = {0};
	long long rev = 0;

	if (err) {
		store_failed(r, err);
		return;
	}
	if (json_object_object_get_ex(resp, "header", &hdr) &&
	    json_object_object_get_ex(hdr, "revision", &v))
		rev = json_object_get_int64(v);
	if (json_object_object_get_ex(resp, "succeeded", &v) && json_object_get_boolean(v)) {
		if (r->verdict) {
			finish(r, r->verdict); /* the refusal, confirmed */
			return;
		}
		/* The map takes it now; older events still on their way must
		 * not undo it (fence.c). */
		fence_note(c, &r->want.hoa, rev);
		if (r->want.lifetime_s) {
			now.b = r->want;
			now.mod_revision = rev;
			now.create_revision = r->have_cur ? r->cur.create_revision : rev;
			now.lease = r->lease;
			cache_put(c, &now);
		} else {
			cache_del(c, &r->want.hoa, rev);
		}
		finish(r, 0);
		return;
	}
	/* Another home agent wrote the key since the cache saw it. */
	c->stats.conflicts++;
	if (++r->tries >= TXN_TRIES || !json_object_object_get_ex(resp, "responses", &res) ||
	    !json_object_array_length(res) ||
	    !json_object_object_get_ex(json_object_array_get_idx(res, 0), "response_range",
				       &range)) {
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
	if (cached)
		r->cur = *cached;
	r->from_cache = true;
	decide(r);
	return 0;
}
