// SPDX-License-Identifier: GPL-2.0
/*
 * fence.c - this home agent's own writes to the store that the watch has not
 * delivered yet. A registration's transaction answers before the watch
 * brings the events before it: an older put or delete of the same key,
 * still on its way, must not undo in the map what the transaction just put
 * there. Each own write is noted with its revision; an event or a full read
 * older than it leaves the key alone; the note goes once the watch has
 * passed its revision. The list is as long as the writes the watch lags
 * behind: a few, or the transactions in flight under load.
 *
 * The other way round, the watch can be ahead of the transaction's answer:
 * the member sends the watch's events and the answer on streams of their
 * own, in no set order, so our write's event and another home agent's
 * newer write of the same key (or its delete) may both have reached the
 * maps when the answer comes. The watch delivers every event in revision
 * order (etcd v3: a watch from a revision sees each later event once, in
 * order), so once it, or a full read, has passed our write's revision the
 * maps show the key as it was at that revision or later: the answer must
 * then write nothing (fence_own_write()).
 */
#include <stdlib.h>
#include <string.h>

#include "cluster/internal.h"

void fence_note(struct cluster *c, const struct in6_addr *hoa, long long rev)
{
	struct cluster_fence *grown;
	size_t i;

	for (i = 0; i < c->n_fences; i++)
		if (!memcmp(&c->fences[i].hoa, hoa, sizeof(*hoa))) {
			if (rev > c->fences[i].rev)
				c->fences[i].rev = rev;
			return;
		}
	if (c->n_fences == c->cap_fences) {
		grown = realloc(c->fences,
				(c->cap_fences ? 2 * c->cap_fences : 16) * sizeof(*grown));
		if (!grown)
			return; /* at worst the map goes back for as long as the watch lags */
		c->fences = grown;
		c->cap_fences = c->cap_fences ? 2 * c->cap_fences : 16;
	}
	c->fences[c->n_fences++] = (struct cluster_fence){.hoa = *hoa, .rev = rev};
}

bool fence_newer(const struct cluster *c, const struct in6_addr *hoa, long long rev)
{
	size_t i;

	for (i = 0; i < c->n_fences; i++)
		if (!memcmp(&c->fences[i].hoa, hoa, sizeof(*hoa)))
			return c->fences[i].rev > rev;
	return false;
}

void fence_trim(struct cluster *c)
{
	size_t i = 0;

	while (i < c->n_fences) {
		if (c->fences[i].rev <= c->rev)
			c->fences[i] = c->fences[--c->n_fences];
		else
			i++;
	}
}

bool fence_own_write(struct cluster *c, const struct in6_addr *hoa, long long rev)
{
	/* c->rev: every event up to it is in the maps, ours at @rev too. */
	if (rev <= c->rev)
		return false;
	fence_note(c, hoa, rev);
	return true;
}
