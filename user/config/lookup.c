// SPDX-License-Identifier: GPL-2.0
/*
 * lookup.c - config_find_mn(): the home agent's mobile-nodes entry for a
 * home address, asked on every Binding Update.
 */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

/*
 * The home agent looks its mobile node up on every Binding Update: with
 * thousands of entries a linear walk was a quarter of the daemon's time at
 * 20,000 registrations/s (docs/benchmarks.md). An open-addressing hash of
 * entry indices, built on first use for the array it was given (config.h
 * has no room for it, so it lives here, one per process), answers instead.
 * A hit is checked against the entry itself; a miss falls back to the walk,
 * so a stale index (a reloaded configuration whose array landed at the same
 * address with as many entries) can only cost time, never give a wrong
 * answer, and is rebuilt when the walk finds what the index did not.
 */
static struct {
	const struct config_mn_entry *base;
	int n;
	size_t mask;
	__u32 *slot; /* entry index + 1; 0 = empty */
} mn_index;

static size_t mn_hash(const struct in6_addr *a)
{
	__u64 x, y;

	memcpy(&x, &a->s6_addr[0], 8);
	memcpy(&y, &a->s6_addr[8], 8);
	x ^= y * 0x9e3779b97f4a7c15ULL;
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ULL;
	return (size_t)(x ^ (x >> 32));
}

static bool mn_index_build(const struct config_ha *ha)
{
	size_t size = 16, h;
	__u32 *slot;
	int i;

	while (size < (size_t)ha->n_mobile_nodes * 2)
		size <<= 1;
	slot = calloc(size, sizeof(*slot));
	if (!slot)
		return false;
	for (i = 0; i < ha->n_mobile_nodes; i++) {
		for (h = mn_hash(&ha->mobile_nodes[i].home_addr) & (size - 1); slot[h];
		     h = (h + 1) & (size - 1))
			;
		slot[h] = i + 1;
	}
	free(mn_index.slot);
	mn_index.slot = slot;
	mn_index.mask = size - 1;
	mn_index.base = ha->mobile_nodes;
	mn_index.n = ha->n_mobile_nodes;
	return true;
}

static const struct config_mn_entry *mn_index_find(const struct config_ha *ha,
						   const struct in6_addr *home_addr)
{
	const struct config_mn_entry *e;
	size_t h;

	for (h = mn_hash(home_addr) & mn_index.mask; mn_index.slot[h];
	     h = (h + 1) & mn_index.mask) {
		e = &ha->mobile_nodes[mn_index.slot[h] - 1];
		if (IN6_ARE_ADDR_EQUAL(&e->home_addr, home_addr))
			return e;
	}
	return NULL;
}

/* Below this many entries the walk is as fast as the hash. */
#define MN_INDEX_MIN 32

const struct config_mn_entry *config_find_mn(const struct config_ha *ha,
					     const struct in6_addr *home_addr)
{
	const struct config_mn_entry *e;
	bool indexed;
	int i;

	indexed = ha->n_mobile_nodes >= MN_INDEX_MIN &&
		  ((mn_index.base == ha->mobile_nodes && mn_index.n == ha->n_mobile_nodes &&
		    mn_index.slot) ||
		   mn_index_build(ha));
	if (indexed) {
		e = mn_index_find(ha, home_addr);
		if (e)
			return e;
	}
	for (i = 0; i < ha->n_mobile_nodes; i++)
		if (IN6_ARE_ADDR_EQUAL(&ha->mobile_nodes[i].home_addr, home_addr)) {
			if (indexed)
				mn_index_build(ha); /* stale: see above */
			return &ha->mobile_nodes[i];
		}
	return NULL;
}
