// SPDX-License-Identifier: GPL-2.0
/*
 * reconcile.c - the maps made what a full read of the store says, without
 * flushing them: the store's bindings written (a no-op for those already
 * there, so nothing in step stops forwarding), then the map's home
 * addresses the store does not hold removed. At start, after the store was
 * down or the watch lost its place (docs/cluster.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cluster/internal.h"
#include "common/util.h"

struct stale {
	struct cluster *c;
	long long rev;	       /* the read's */
	struct in6_addr *held; /* the store's home addresses, sorted */
	size_t n_held;
	struct in6_addr *gone;
	size_t n_gone, cap;
};

static int cmp_addr(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct in6_addr));
}

static int note_local(const struct in6_addr *hoa, void *ctx)
{
	struct stale *s = ctx;
	struct in6_addr *grown;

	if (bsearch(hoa, s->held, s->n_held, sizeof(*hoa), cmp_addr) ||
	    fence_newer(s->c, hoa, s->rev))
		return 0;
	if (s->n_gone == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		grown = realloc(s->gone, s->cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		s->gone = grown;
	}
	s->gone[s->n_gone++] = *hoa;
	return 0;
}

int reconcile(struct cluster *c, struct json_object *resp)
{
	struct json_object *hdr, *rev, *kvs = NULL;
	struct stale s = {.c = c};
	struct cluster_kv kv;
	size_t i, n;
	int err;

	if (!json_object_object_get_ex(resp, "header", &hdr) ||
	    !json_object_object_get_ex(hdr, "revision", &rev))
		return -EPROTO;
	s.rev = json_object_get_int64(rev);
	json_object_object_get_ex(resp, "kvs", &kvs);
	n = kvs ? json_object_array_length(kvs) : 0;
	s.held = calloc(n + 1, sizeof(*s.held));
	if (!s.held)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (cluster_kv_decode(c->dir, json_object_array_get_idx(kvs, i), &kv))
			continue;
		s.held[s.n_held++] = kv.b.hoa;
		/* Our write after the read is in the map already (fence.c). */
		if (!fence_newer(c, &kv.b.hoa, s.rev)) {
			c->ops->apply(c->arg, &kv.b);
			cache_put(c, &kv);
		}
	}
	qsort(s.held, s.n_held, sizeof(*s.held), cmp_addr);
	cache_keep(c, s.held, s.n_held, s.rev);
	/* Collected first: removing while the map is walked loses the walk. */
	err = c->ops->each_local(c->arg, note_local, &s);
	for (i = 0; !err && i < s.n_gone; i++)
		c->ops->remove(c->arg, &s.gone[i]);
	c->rev = s.rev;
	fence_trim(c);
	pr_info("cluster %s: store read at revision %lld: %zu binding(s), %zu removed here",
		c->cfg->name, c->rev, s.n_held, err ? 0 : s.n_gone);
	free(s.held);
	free(s.gone);
	return err;
}
