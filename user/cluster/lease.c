// SPDX-License-Identifier: GPL-2.0
/*
 * lease.c - leases shared by the bindings whose lifetimes end in the same
 * LEASE_BUCKET_S window, so that a registration grants no lease of its
 * own (docs/cluster.md, "Leases").
 *
 * A binding registered at t (this host's monotonic clock) for l seconds
 * goes under the lease of deadline D = t + l rounded up to a multiple of
 * LEASE_BUCKET_S. That lease is granted once, by the first registration
 * that needs it, with TTL D - floor(now): etcd starts the TTL when it
 * handles the grant, after now, so the lease ends at D or later, never
 * before t + l. It ends at most LEASE_BUCKET_S + 1 s plus the grant's
 * round trip after t + l (and etcd's own slack: its expiry check runs
 * every 500 ms, a new leader renews every lease). Nothing keeps it alive
 * and nothing revokes it: a lease whose keys were all replaced expires
 * bound to none. The data plane does not wait for it: a map entry expires
 * at registered + lifetime, exactly.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cluster/internal.h"
#include "common/util.h"

#define LEASE_BUCKET_S 4 /* the BU's lifetime unit (RFC 6275 section 6.1.7) */
#define NSEC_PER_SEC   1000000000ULL

struct lease_wait {
	lease_fn fn;
	void *arg;
	STAILQ_ENTRY(lease_wait) link;
};

STAILQ_HEAD(lease_waits, lease_wait);

struct cluster_lease {
	struct cluster *c;
	LIST_ENTRY(cluster_lease) link;
	unsigned long long deadline_s; /* monotonic */
	long long id;		       /* 0: being granted */
	struct lease_waits waits;      /* in the order they came */
};

/* Each waiter told (@err, the id), then the lease freed unless @keep. */
static void lease_release(struct cluster_lease *l, int err, bool keep)
{
	struct lease_wait *w;

	while ((w = STAILQ_FIRST(&l->waits))) {
		STAILQ_REMOVE_HEAD(&l->waits, link);
		w->fn(w->arg, err, l->id);
		free(w);
	}
	if (!keep)
		free(l);
}

static void lease_free(struct cluster_lease *l)
{
	struct lease_wait *w;

	LIST_REMOVE(l, link);
	while ((w = STAILQ_FIRST(&l->waits))) {
		STAILQ_REMOVE_HEAD(&l->waits, link);
		free(w);
	}
	free(l);
}

static int lease_wait(struct cluster_lease *l, lease_fn fn, void *arg)
{
	struct lease_wait *w = malloc(sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->fn = fn;
	w->arg = arg;
	STAILQ_INSERT_TAIL(&l->waits, w, link);
	return 0;
}

static void on_grant(void *arg, int err, struct json_object *resp)
{
	struct cluster_lease *l = arg;
	struct json_object *id;

	if (!err && !json_object_object_get_ex(resp, "ID", &id))
		err = -EPROTO;
	if (!err)
		l->id = json_object_get_int64(id);
	/* Out of the list first: a waiter's failure forgets the leases. */
	LIST_REMOVE(l, link);
	lease_release(l, err, !err);
	if (!err)
		LIST_INSERT_HEAD(&l->c->leases, l, link);
}

/* The lease of deadline @d (seconds), those ended dropped on the way. */
static struct cluster_lease *lease_find(struct cluster *c, unsigned long long d,
					unsigned long long now)
{
	struct cluster_lease *l, *next;

	for (l = LIST_FIRST(&c->leases); l; l = next) {
		next = LIST_NEXT(l, link);
		if (l->id && l->deadline_s * NSEC_PER_SEC <= now)
			lease_free(l); /* ended in etcd: bound to no key we write again */
		else if (l->deadline_s == d)
			return l;
	}
	return NULL;
}

/* A grant of deadline @d asked for (@fn waits for it when not NULL). */
static int lease_grant(struct cluster *c, unsigned long long d, unsigned long long now, lease_fn fn,
		       void *arg)
{
	struct cluster_lease *l = calloc(1, sizeof(*l));
	struct json_object *body;
	int err = 0;

	if (!l)
		return -ENOMEM;
	l->c = c;
	l->deadline_s = d;
	STAILQ_INIT(&l->waits);
	LIST_INSERT_HEAD(&c->leases, l, link);
	if (fn)
		err = lease_wait(l, fn, arg);
	if (!err) {
		body = json_object_new_object();
		json_object_object_add(body, "TTL", json_object_new_int64(lease_ttl_s(d, now)));
		err = etcd_call(c->etcd, "/v3/lease/grant", body, on_grant, l);
	}
	if (err)
		lease_free(l);
	return err;
}

unsigned long long lease_deadline_s(unsigned long long now_ns, __u32 lifetime_s)
{
	unsigned long long bucket = LEASE_BUCKET_S * NSEC_PER_SEC;

	return (now_ns + lifetime_s * NSEC_PER_SEC + bucket - 1) / bucket * LEASE_BUCKET_S;
}

long long lease_ttl_s(unsigned long long deadline_s, unsigned long long now_ns)
{
	return (long long)(deadline_s - now_ns / NSEC_PER_SEC);
}

int lease_get(struct cluster *c, __u32 lifetime_s, lease_fn fn, void *arg)
{
	unsigned long long now = mono_now_ns(), d = lease_deadline_s(now, lifetime_s);
	struct cluster_lease *l;

	l = lease_find(c, d, now);
	if (!l)
		return lease_grant(c, d, now, fn, arg);
	if (!l->id)
		return lease_wait(l, fn, arg);
	/* The next bucket's asked for ahead, while this one serves: a steady
	 * lifetime never waits for a grant (a failure here only loses that). */
	if (!lease_find(c, d + LEASE_BUCKET_S, now))
		lease_grant(c, d + LEASE_BUCKET_S, now, NULL, NULL);
	fn(arg, 0, l->id);
	return 0;
}

void lease_forget(struct cluster *c)
{
	struct cluster_lease *l, *next;

	/* Those being granted stay: their answers come to them. */
	for (l = LIST_FIRST(&c->leases); l; l = next) {
		next = LIST_NEXT(l, link);
		if (l->id)
			lease_free(l);
	}
}

void lease_free_all(struct cluster *c)
{
	while (!LIST_EMPTY(&c->leases))
		lease_free(LIST_FIRST(&c->leases));
}
