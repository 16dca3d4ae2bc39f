// SPDX-License-Identifier: GPL-2.0
/*
 * cache.c - the store's bindings as this home agent last saw them (the
 * watch's events, full reads, its own transactions and failed compares),
 * with their mod_revision: what a registration's transaction compares
 * against instead of reading the key first (txn.c). A stale entry costs
 * one more round trip, never a wrong answer: the compare fails and its
 * failure branch returns the key as it is (docs/cluster.md).
 *
 * A glibc search tree (tsearch) keyed on the home address: O(log n) per
 * BU, no table to size.
 */
#include <search.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/internal.h"

static int cmp_hoa(const void *a, const void *b)
{
	return memcmp(&((const struct cluster_kv *)a)->b.hoa,
		      &((const struct cluster_kv *)b)->b.hoa, sizeof(struct in6_addr));
}

const struct cluster_kv *cache_get(const struct cluster *c, const struct in6_addr *hoa)
{
	struct cluster_kv key = {.b.hoa = *hoa};
	void *const *n = tfind(&key, &c->cache, cmp_hoa);

	return n ? *n : NULL;
}

void cache_put(struct cluster *c, const struct cluster_kv *kv)
{
	/* All but a mobile router's prefixes (codec.h CLUSTER_KV_CACHED):
	 * the compare and the acceptance rules read none of them. */
	struct cluster_kv *copy = malloc(CLUSTER_KV_CACHED), **n;

	if (!copy)
		return; /* the next compare on this key fails once and reads it */
	memcpy(copy, kv, CLUSTER_KV_CACHED);
	n = tsearch(copy, &c->cache, cmp_hoa);
	if (!n) {
		free(copy);
		return;
	}
	if (*n != copy) {
		/* Newer wins: a lagging event never takes the entry back. */
		if ((*n)->mod_revision <= kv->mod_revision)
			memcpy(*n, kv, CLUSTER_KV_CACHED);
		free(copy);
	}
}

void cache_del(struct cluster *c, const struct in6_addr *hoa, long long rev)
{
	struct cluster_kv key = {.b.hoa = *hoa}, **n = tfind(&key, &c->cache, cmp_hoa), *kv;

	if (!n || (*n)->mod_revision > rev)
		return;
	kv = *n;
	tdelete(&key, &c->cache, cmp_hoa);
	free(kv);
}

struct keep_ctx {
	const struct in6_addr *held; /* sorted */
	size_t n_held;
	long long rev;
	struct in6_addr *gone;
	size_t n_gone, cap;
};

static int cmp_addr(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct in6_addr));
}

static void note_gone(const void *node, VISIT v, void *arg)
{
	const struct cluster_kv *kv = *(struct cluster_kv *const *)node;
	struct keep_ctx *k = arg;
	struct in6_addr *grown;

	if ((v != postorder && v != leaf) || kv->mod_revision > k->rev ||
	    bsearch(&kv->b.hoa, k->held, k->n_held, sizeof(*k->held), cmp_addr))
		return;
	if (k->n_gone == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 64;
		grown = realloc(k->gone, k->cap * sizeof(*grown));
		if (!grown) {
			k->cap = k->n_gone;
			return; /* kept: stale, so one failed compare later */
		}
		k->gone = grown;
	}
	k->gone[k->n_gone++] = kv->b.hoa;
}

void cache_keep(struct cluster *c, const struct in6_addr *held, size_t n_held, long long rev)
{
	struct keep_ctx k = {.held = held, .n_held = n_held, .rev = rev};
	size_t i;

	/* Collected first: deleting while the tree is walked loses the walk. */
	twalk_r(c->cache, note_gone, &k);
	for (i = 0; i < k.n_gone; i++)
		cache_del(c, &k.gone[i], rev);
	free(k.gone);
}

void cache_free(struct cluster *c)
{
	tdestroy(c->cache, free);
	c->cache = NULL;
}
