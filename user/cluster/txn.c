// SPDX-License-Identifier: GPL-2.0
/*
 * txn.c - a registration as an etcd transaction. The stored binding is
 * read, the home agent's rules are applied to it (cluster_decide: the
 * sequence number newer modulo 2^16, the RFC 4285 timestamp newer), then
 * one transaction writes the binding under a lease of its lifetime (or
 * deletes it) if the key's mod_revision is still the one read
 * (create_revision 0: still absent). A failed compare returns the key as
 * it is now: the rules are applied again to that, at most TXN_TRIES
 * times. So a BU replayed to another home agent, or two home agents
 * racing on one home address, never moves a binding backwards.
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
	struct cluster_kv cur;	     /* as read */
	bool have_cur;
	long long lease; /* granted for @want */
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

static void lease_revoke(struct cluster *c, long long id)
{
	struct json_object *body = json_object_new_object();

	json_object_object_add(body, "ID", json_object_new_int64(id));
	etcd_call(c->etcd, "/v3/lease/revoke", body, NULL, NULL);
}

static void finish(struct cluster_reg *r, int status)
{
	struct cluster *c = r->c;

	if (status == MH_BA_REASON_UNSPECIFIED) {
		c->stats.refused_down++;
		if (r->lease)
			lease_revoke(c, r->lease);
	}
	r->done(r->ctx, status, r->have_cur ? &r->cur.b : NULL);
	reg_free(r);
}

/* The store failed the request: down until a probe says otherwise. */
static void store_failed(struct cluster_reg *r, int err)
{
	cluster_set_up(r->c, false, err == -EIO ? "error answer" : strerror(-err));
	r->c->need_sync = true;
	finish(r, MH_BA_REASON_UNSPECIFIED);
}

static void on_txn(void *arg, int err, struct json_object *resp);

static void send_txn(struct cluster_reg *r)
{
	struct cluster *c = r->c;
	struct json_object *body = json_object_new_object(), *cmp = json_object_new_object();
	struct json_object *op = json_object_new_object(), *req = json_object_new_object();
	struct json_object *fail = json_object_new_object(), *rng = json_object_new_object();
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
	json_object_object_add(req, "key", b64_string(key, n));
	if (r->want.lifetime_s) {
		cluster_value_encode(&r->want, value, sizeof(value));
		json_object_object_add(req, "value", b64_string(value, strlen(value)));
		json_object_object_add(req, "lease", json_object_new_int64(r->lease));
		json_object_object_add(op, "request_put", req);
	} else {
		json_object_object_add(op, "request_delete_range", req);
	}
	json_object_object_add(rng, "key", b64_string(key, n));
	json_object_object_add(fail, "request_range", rng);
	json_object_object_add(body, "compare", json_object_new_array());
	json_object_array_add(json_object_object_get(body, "compare"), cmp);
	json_object_object_add(body, "success", json_object_new_array());
	json_object_array_add(json_object_object_get(body, "success"), op);
	json_object_object_add(body, "failure", json_object_new_array());
	json_object_array_add(json_object_object_get(body, "failure"), fail);
	err = etcd_call(c->etcd, "/v3/kv/txn", body, on_txn, r);
	if (err)
		store_failed(r, err);
}

/* The key as read (a range answer, or a failed compare's) judged by the
 * rules: false when the registration was refused (finished). */
static bool judge(struct cluster_reg *r, struct json_object *range)
{
	struct json_object *kvs;
	int status;

	r->have_cur = json_object_object_get_ex(range, "kvs", &kvs) &&
		      json_object_array_length(kvs) > 0 &&
		      !cluster_kv_decode(r->c->dir, json_object_array_get_idx(kvs, 0), &r->cur);
	if (!r->have_cur && !r->want.lifetime_s) {
		finish(r, MH_BA_NOT_HOME_AGENT);
		return false;
	}
	status = r->have_cur ? cluster_decide(&r->cur.b, r->want.seq, r->want.timestamp) : 0;
	if (status)
		finish(r, status);
	return !status;
}

static void on_txn(void *arg, int err, struct json_object *resp)
{
	struct cluster_reg *r = arg;
	struct json_object *v, *res, *range, *hdr;

	if (err) {
		store_failed(r, err);
		return;
	}
	if (json_object_object_get_ex(resp, "succeeded", &v) && json_object_get_boolean(v)) {
		/* The map takes it now; older events still on their way must
		 * not undo it (fence.c). */
		if (json_object_object_get_ex(resp, "header", &hdr) &&
		    json_object_object_get_ex(hdr, "revision", &v))
			fence_note(r->c, &r->want.hoa, json_object_get_int64(v));
		/* The replaced binding's lease has nothing left to expire. */
		if (r->have_cur && r->cur.lease && r->cur.lease != r->lease)
			lease_revoke(r->c, r->cur.lease);
		r->lease = 0;
		finish(r, 0);
		return;
	}
	/* Another home agent wrote the key since we read it. */
	r->c->stats.conflicts++;
	if (++r->tries >= TXN_TRIES || !json_object_object_get_ex(resp, "responses", &res) ||
	    !json_object_array_length(res) ||
	    !json_object_object_get_ex(json_object_array_get_idx(res, 0), "response_range",
				       &range)) {
		finish(r, MH_BA_REASON_UNSPECIFIED);
		return;
	}
	if (judge(r, range))
		send_txn(r); /* the lease granted serves again */
}

static void on_lease(void *arg, int err, struct json_object *resp)
{
	struct cluster_reg *r = arg;
	struct json_object *id;

	if (err || !json_object_object_get_ex(resp, "ID", &id)) {
		store_failed(r, err ?: -EPROTO);
		return;
	}
	r->lease = json_object_get_int64(id);
	send_txn(r);
}

static void on_range(void *arg, int err, struct json_object *resp)
{
	struct cluster_reg *r = arg;
	struct json_object *body;

	if (err) {
		store_failed(r, err);
		return;
	}
	/* Decided before a lease is asked for: a refusal costs one read. */
	if (!judge(r, resp))
		return;
	if (!r->want.lifetime_s) {
		send_txn(r);
		return;
	}
	body = json_object_new_object();
	json_object_object_add(body, "TTL", json_object_new_int64(r->want.lifetime_s));
	err = etcd_call(r->c->etcd, "/v3/lease/grant", body, on_lease, r);
	if (err)
		store_failed(r, err);
}

int cluster_register(struct cluster *c, const struct cluster_binding *b, cluster_done_fn done,
		     const void *ctx, size_t ctx_len)
{
	struct json_object *body;
	char key[CLUSTER_KEY_MAX];
	struct cluster_reg *r;
	int err;

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
	cluster_key(c->cfg, &b->hoa, key, sizeof(key));
	body = json_object_new_object();
	json_object_object_add(body, "key", b64_string(key, strlen(key)));
	err = etcd_call(c->etcd, "/v3/kv/range", body, on_range, r);
	if (err) {
		reg_free(r);
		cluster_set_up(c, false, strerror(-err));
		c->stats.refused_down++;
	}
	return err;
}
