// SPDX-License-Identifier: GPL-2.0
/*
 * lookup.c - the home agent's mobile-nodes entries by home address:
 * config_find_mn(), asked on every Binding Update, and the duplicate checks
 * of the loader (two entries for one home address, two keys under one
 * SPI), each one pass over the entries with an open-addressing hash of
 * entry indices.
 *
 * The index is built once by config_load() (mn_index_build(), from the
 * duplicate check) and belongs to its configuration, so it is freed with
 * it and a reloaded configuration has its own. With a million entries, a
 * sort for the duplicates and an index built on the first Binding Update
 * each cost as much again as reading the file (issue 18).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/parse.h"

struct config_mn_index {
	size_t mask;
	__u32 slot[]; /* entry index + 1; 0 = empty */
};

/* splitmix64's finaliser over the address's two halves. */
static size_t addr_hash(const struct in6_addr *a)
{
	__u64 x, y;

	memcpy(&x, &a->s6_addr[0], 8);
	memcpy(&y, &a->s6_addr[8], 8);
	x ^= y * 0x9e3779b97f4a7c15ULL;
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ULL;
	return (size_t)(x ^ (x >> 32));
}

static size_t spi_hash(__u32 spi)
{
	__u64 x = spi * 0x9e3779b97f4a7c15ULL;

	return (size_t)(x ^ (x >> 32));
}

/* A table of at least twice @n slots (a power of two): short probes. */
static struct config_mn_index *index_alloc(int n)
{
	struct config_mn_index *ix;
	size_t size = 16;

	while (size < (size_t)n * 2)
		size <<= 1;
	ix = calloc(1, sizeof(*ix) + size * sizeof(ix->slot[0]));
	if (ix)
		ix->mask = size - 1;
	return ix;
}

int mn_index_build(struct config_ha *ha, int *dup, int *first)
{
	struct config_mn_index *ix = index_alloc(ha->n_mobile_nodes);
	const struct in6_addr *a;
	size_t h;
	int i;

	if (!ix)
		return -ENOMEM;
	for (i = 0; i < ha->n_mobile_nodes; i++) {
		a = &ha->mobile_nodes[i].home_addr;
		for (h = addr_hash(a) & ix->mask; ix->slot[h]; h = (h + 1) & ix->mask) {
			if (IN6_ARE_ADDR_EQUAL(&ha->mobile_nodes[ix->slot[h] - 1].home_addr, a)) {
				*dup = i;
				*first = ix->slot[h] - 1;
				free(ix);
				return -EEXIST;
			}
		}
		ix->slot[h] = i + 1;
	}
	mn_index_free(ha);
	ha->mn_index = ix;
	return 0;
}

int mn_spi_duplicate(const struct config_ha *ha, int *dup, int *first)
{
	struct config_mn_index *ix = index_alloc(ha->n_mobile_nodes);
	const struct config_mn_entry *e;
	int i, ret = 0;
	size_t h;

	if (!ix)
		return -ENOMEM;
	for (i = 0; i < ha->n_mobile_nodes && !ret; i++) {
		e = &ha->mobile_nodes[i];
		if (!e->key_len) /* no key, no SPI: nothing to confuse */
			continue;
		for (h = spi_hash(e->spi) & ix->mask; ix->slot[h]; h = (h + 1) & ix->mask) {
			if (ha->mobile_nodes[ix->slot[h] - 1].spi == e->spi) {
				*dup = i;
				*first = ix->slot[h] - 1;
				ret = -EEXIST;
				break;
			}
		}
		ix->slot[h] = i + 1;
	}
	free(ix);
	return ret;
}

void mn_index_free(struct config_ha *ha)
{
	free(ha->mn_index);
	ha->mn_index = NULL;
}

const struct config_mn_entry *config_find_mn(const struct config_ha *ha,
					     const struct in6_addr *home_addr)
{
	const struct config_mn_index *ix = ha->mn_index;
	int i;
	size_t h;

	if (ix) {
		for (h = addr_hash(home_addr) & ix->mask; ix->slot[h]; h = (h + 1) & ix->mask)
			if (IN6_ARE_ADDR_EQUAL(&ha->mobile_nodes[ix->slot[h] - 1].home_addr,
					       home_addr))
				return &ha->mobile_nodes[ix->slot[h] - 1];
		return NULL;
	}
	/* A configuration config_load() did not make: no index. */
	for (i = 0; i < ha->n_mobile_nodes; i++)
		if (IN6_ARE_ADDR_EQUAL(&ha->mobile_nodes[i].home_addr, home_addr))
			return &ha->mobile_nodes[i];
	return NULL;
}
