// SPDX-License-Identifier: GPL-2.0
/*
 * view.c - the maps' entries as JSON (view.h): bindings, route optimisation
 * entries, peers and counters, for xmip6d and xmip6ctl alike.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "mip6.h"
#include "dp/view.h"
#include "common/util.h"

#define NSEC_PER_SEC 1000000000ULL

/* ---- what every registration shows ------------------------------------------------------------ */

/* An entry's times at @now, in whole seconds. */
struct entry_times {
	bool infinite; /* never expires (expires_ns 0): a static binding */
	bool expired;
	unsigned long long remaining_s; /* rounded up: a fresh 60 s binding shows 60 */
	unsigned long long age_s;	/* since @since_ns, rounded down */
};

static void entry_times(__u64 expires_ns, __u64 since_ns, unsigned long long now,
			struct entry_times *t)
{
	t->infinite = !expires_ns;
	t->expired = !t->infinite && now >= expires_ns;
	t->remaining_s = 0;
	if (!t->infinite && !t->expired)
		t->remaining_s = (expires_ns - now + NSEC_PER_SEC - 1) / NSEC_PER_SEC;
	t->age_s = since_ns && now > since_ns ? (now - since_ns) / NSEC_PER_SEC : 0;
}

/* The BU flags of RFC 6275 section 6.1.7 (and RFC 3963's R) as letters, "-" for none. */
static void bu_flags_str(__u16 flags, char buf[6])
{
	static const struct {
		__u16 bit;
		char letter;
	} letters[] = {
		{XMIP6_BU_F_ACK, 'A'},	  {XMIP6_BU_F_HOME, 'H'},   {XMIP6_BU_F_LLADDR, 'L'},
		{XMIP6_BU_F_KEYMGM, 'K'}, {XMIP6_BU_F_ROUTER, 'R'},
	};
	size_t i, n = 0;

	for (i = 0; i < sizeof(letters) / sizeof(letters[0]); i++)
		if (flags & letters[i].bit)
			buf[n++] = letters[i].letter;
	if (!n)
		buf[n++] = '-';
	buf[n] = '\0';
}

/* What a registration accepted by a Binding Update says, the same for a binding and an "ro" entry. */
struct registration {
	__u32 lifetime_s; /* 0: infinite */
	__u64 expires_ns; /* 0: never */
	__u64 since_ns;	  /* what "age" counts from */
	__u16 sequence;
	__u16 flags;
};

static void registration_json(struct json_object *o, const struct registration *r,
			      unsigned long long now)
{
	struct entry_times t;
	char flags[6];

	entry_times(r->expires_ns, r->since_ns, now, &t);
	bu_flags_str(r->flags, flags);
	json_object_object_add(o, "lifetime",
			       r->lifetime_s ? json_object_new_int64(r->lifetime_s) : NULL);
	json_object_object_add(o, "remaining",
			       t.infinite ? NULL : json_object_new_uint64(t.remaining_s));
	json_object_object_add(o, "expired", json_object_new_boolean(t.expired));
	json_object_object_add(o, "sequence", json_object_new_int64(r->sequence));
	json_object_object_add(o, "flags", json_object_new_string(flags));
	json_object_object_add(o, "age", json_object_new_uint64(t.age_s));
}

/* ---- bindings --------------------------------------------------------------------------------- */

static const char *binding_state(const struct xmip6_binding *b, unsigned long long now)
{
	if (!b->expires_ns)
		return "static";
	if (b->expires_ns <= now)
		return "expired";
	return "registered";
}

static int prefix_cmp(const void *x, const void *y)
{
	return strcmp(json_object_get_string(*(struct json_object *const *)x),
		      json_object_get_string(*(struct json_object *const *)y));
}

/*
 * NEMO (headers/xmip6.h "prefixes"): the Mobile Network Prefixes of each
 * mobile router, "PREFIX/LEN" strings, gathered in one walk of the map.
 */
struct router_prefixes {
	struct json_object *by_hoa; /* home address -> array */
};

static int prefix_collect(const struct xmip6_prefix_key *key, const struct xmip6_prefix *val,
			  void *ctx)
{
	struct router_prefixes *rp = ctx;
	struct json_object *arr;
	struct addr6_buf h, p;
	char text[INET6_ADDRSTRLEN + 5];

	addr6_str(&val->home_addr, &h);
	if (!json_object_object_get_ex(rp->by_hoa, h.s, &arr)) {
		arr = json_object_new_array();
		json_object_object_add(rp->by_hoa, h.s, arr);
	}
	snprintf(text, sizeof(text), "%s/%u", addr6_str(&key->prefix, &p), key->prefixlen);
	json_object_array_add(arr, json_object_new_string(text));
	return 0;
}

/* A router's row gets "prefixes" (sorted), a host's none. */
static void prefixes_add(struct json_object *o, const struct in6_addr *hoa,
			 const struct xmip6_binding *b, const struct router_prefixes *rp)
{
	struct json_object *arr = NULL;
	struct addr6_buf h;

	if (!(b->flags & XMIP6_BU_F_ROUTER))
		return;
	if (rp->by_hoa && json_object_object_get_ex(rp->by_hoa, addr6_str(hoa, &h), &arr)) {
		json_object_array_sort(arr, prefix_cmp);
		arr = json_object_get(arr);
	}
	json_object_object_add(o, "prefixes", arr ?: json_object_new_array());
}

/* Age counts from the first registration: refreshes and moves do not reset it.
 * @ctr NULL: the binding has no counters (off, docs/control-protocol.md). */
static struct json_object *binding_json(const struct in6_addr *hoa, const struct xmip6_binding *b,
					const struct xmip6_binding_ctr *ctr, unsigned long long now)
{
	struct json_object *o = json_object_new_object();
	struct registration r = {
		.lifetime_s = b->lifetime_s,
		.expires_ns = b->expires_ns,
		.since_ns = b->created_ns ?: b->registered_ns,
		.sequence = b->sequence,
		.flags = b->flags,
	};

	json_object_object_add(o, "home_addr", addr6_json(hoa));
	json_object_object_add(o, "care_of_addr", addr6_json(&b->care_of_addr));
	json_object_object_add(o, "ha_addr", addr6_json(&b->ha_addr));
	registration_json(o, &r, now);
	json_object_object_add(o, "state", json_object_new_string(binding_state(b, now)));
	/* Its traffic (headers/xmip6.h "binding_ctr"): to and from the mobile
	 * node; null when nothing counts it, not a 0 that would look measured. */
	json_object_object_add(o, "to_mn_packets",
			       ctr ? json_object_new_uint64(ctr->to_mn_packets) : NULL);
	json_object_object_add(o, "to_mn_bytes",
			       ctr ? json_object_new_uint64(ctr->to_mn_bytes) : NULL);
	json_object_object_add(o, "from_mn_packets",
			       ctr ? json_object_new_uint64(ctr->from_mn_packets) : NULL);
	json_object_object_add(o, "from_mn_bytes",
			       ctr ? json_object_new_uint64(ctr->from_mn_bytes) : NULL);
	return o;
}

struct binding_row {
	struct in6_addr hoa;
	struct xmip6_binding b;
};

struct binding_rows {
	struct binding_row *rows;
	size_t n, cap;
	const struct in6_addr *coa; /* NULL: any */
};

static int binding_collect(const struct in6_addr *hoa, const struct xmip6_binding *b, void *ctx)
{
	struct binding_rows *t = ctx;
	struct binding_row *rows;

	if (t->coa && memcmp(t->coa, &b->care_of_addr, sizeof(*t->coa)))
		return 0;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		rows = realloc(t->rows, t->cap * sizeof(*rows));
		if (!rows) {
			pr_err("out of memory");
			return -ENOMEM;
		}
		t->rows = rows;
	}
	t->rows[t->n].hoa = *hoa;
	t->rows[t->n].b = *b;
	t->n++;
	return 0;
}

static int binding_row_cmp(const void *x, const void *y)
{
	const struct binding_row *a = x, *b = y;

	return memcmp(&a->hoa, &b->hoa, sizeof(a->hoa));
}

/* The one binding of @hoa (a lookup, not a walk), or all of them. */
static int binding_rows_fill(const struct xmip6_dp *dp, const struct in6_addr *hoa,
			     struct binding_rows *t)
{
	struct xmip6_binding b;
	int err;

	if (!hoa)
		return dp_binding_foreach(dp, binding_collect, t);
	err = dp_binding_lookup(dp, hoa, &b);
	if (err == -ENOENT)
		return 0;
	return err ?: binding_collect(hoa, &b, t);
}

int dp_bindings_json(const struct xmip6_dp *dp, const struct in6_addr *hoa,
		     const struct in6_addr *coa, struct json_object **result)
{
	struct binding_rows t = {.coa = coa};
	struct router_prefixes rp = {0};
	unsigned long long now = mono_now_ns();
	struct xmip6_binding_ctr ctr;
	struct json_object *arr;
	size_t i;
	int err;

	err = binding_rows_fill(dp, hoa, &t);
	for (i = 0; !err && i < t.n; i++)
		if (t.rows[i].b.flags & XMIP6_BU_F_ROUTER) {
			rp.by_hoa = json_object_new_object();
			err = dp_prefix_foreach(dp, prefix_collect, &rp);
			break;
		}
	if (!err) {
		if (t.n) /* rows is NULL when there are none: qsort() wants an array */
			qsort(t.rows, t.n, sizeof(*t.rows), binding_row_cmp);
		arr = json_object_new_array();
		for (i = 0; i < t.n && !err; i++) {
			err = dp_bctr_read(dp, &t.rows[i].b, &ctr);
			if (err >= 0) {
				struct json_object *o = binding_json(&t.rows[i].hoa, &t.rows[i].b,
								     err ? NULL : &ctr, now);

				prefixes_add(o, &t.rows[i].hoa, &t.rows[i].b, &rp);
				json_object_array_add(arr, o);
			}
			err = err < 0 ? err : 0;
		}
		if (err) {
			json_object_put(arr);
		} else {
			*result = json_object_new_object();
			json_object_object_add(*result, "bindings", arr);
		}
	}
	json_object_put(rp.by_hoa);
	free(t.rows);
	return err;
}

/* ---- route optimisation ----------------------------------------------------------------------- */

struct rows_ctx {
	struct json_object *rows;
	unsigned long long now;
};

static int ro_row(const struct xmip6_ro_key *key, const struct xmip6_ro *ro, void *ctx)
{
	const struct rows_ctx *c = ctx;
	struct json_object *o = json_object_new_object();
	struct registration r = {
		.lifetime_s = ro->lifetime_s,
		.expires_ns = ro->expires_ns,
		.since_ns = ro->registered_ns,
		.sequence = ro->sequence,
		.flags = ro->flags,
	};

	json_object_object_add(o, "home_addr", addr6_json(&key->home_addr));
	json_object_object_add(o, "peer_addr", addr6_json(&key->peer_addr));
	json_object_object_add(o, "care_of_addr", addr6_json(&ro->care_of_addr));
	registration_json(o, &r, c->now);
	json_object_array_add(c->rows, o);
	return 0;
}

/* Seconds from @ns (CLOCK_MONOTONIC) to @now, 0 for the future. */
static unsigned long long seconds_ago(unsigned long long ns, unsigned long long now)
{
	return now > ns ? (now - ns) / NSEC_PER_SEC : 0;
}

static int peer_row(const struct xmip6_ro_key *key, const struct xmip6_peer *p, void *ctx)
{
	const struct rows_ctx *c = ctx;
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "home_addr", addr6_json(&key->home_addr));
	json_object_object_add(o, "peer_addr", addr6_json(&key->peer_addr));
	json_object_object_add(o, "first_seen",
			       json_object_new_uint64(seconds_ago(p->first_seen_ns, c->now)));
	json_object_object_add(o, "last_seen",
			       json_object_new_uint64(seconds_ago(p->last_seen_ns, c->now)));
	json_object_object_add(o, "packets", json_object_new_uint64(p->packets));
	json_object_array_add(c->rows, o);
	return 0;
}

/* A walk's rows in *@rows, or its error and no array. */
static int rows_done(int err, struct rows_ctx *c, struct json_object **rows)
{
	if (err) {
		json_object_put(c->rows);
		return err;
	}
	*rows = c->rows;
	return 0;
}

int dp_ro_json(const struct xmip6_dp *dp, struct json_object **rows)
{
	struct rows_ctx c = {.rows = json_object_new_array(), .now = mono_now_ns()};

	return rows_done(dp_ro_foreach(dp, ro_row, &c), &c, rows);
}

int dp_peers_json(const struct xmip6_dp *dp, struct json_object **rows)
{
	struct rows_ctx c = {.rows = json_object_new_array(), .now = mono_now_ns()};

	return rows_done(dp_peer_foreach(dp, peer_row, &c), &c, rows);
}

/* The HA's "prefixes" (NEMO, headers/xmip6.h): a row a prefix. */
static int prefix_row(const struct xmip6_prefix_key *key, const struct xmip6_prefix *val, void *ctx)
{
	const struct rows_ctx *c = ctx;
	struct json_object *o = json_object_new_object();
	struct addr6_buf p;
	char text[INET6_ADDRSTRLEN + 5];

	snprintf(text, sizeof(text), "%s/%u", addr6_str(&key->prefix, &p), key->prefixlen);
	json_object_object_add(o, "prefix", json_object_new_string(text));
	json_object_object_add(o, "home_addr", addr6_json(&val->home_addr));
	/* RFC 3963 section 6.2: from the router's BU (explicit) or from the
	 * HA's configuration (implicit). */
	json_object_object_add(o, "mode",
			       json_object_new_string(val->flags & XMIP6_PREFIX_F_IMPLICIT
							      ? "implicit"
							      : "explicit"));
	json_object_array_add(c->rows, o);
	return 0;
}

static int prefix_row_cmp(const void *x, const void *y)
{
	struct json_object *a, *b;

	json_object_object_get_ex(*(struct json_object *const *)x, "prefix", &a);
	json_object_object_get_ex(*(struct json_object *const *)y, "prefix", &b);
	return strcmp(json_object_get_string(a), json_object_get_string(b));
}

int dp_prefixes_json(const struct xmip6_dp *dp, struct json_object **rows)
{
	struct rows_ctx c = {.rows = json_object_new_array(), .now = mono_now_ns()};
	int err = rows_done(dp_prefix_foreach(dp, prefix_row, &c), &c, rows);

	if (!err)
		json_object_array_sort(*rows, prefix_row_cmp);
	return err;
}

/* ---- counters --------------------------------------------------------------------------------- */

struct json_object *dp_stats_json(const struct xmip6_stats *stats)
{
	struct json_object *o = json_object_new_object();
	size_t i;

	for (i = 0; i < XMIP6_STAT_COUNT; i++)
		json_object_object_add(o, dp_stat_descs[i].name,
				       json_object_new_uint64(dp_stat_value(stats, i)));
	return o;
}
