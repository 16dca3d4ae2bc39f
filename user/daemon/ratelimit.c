// SPDX-License-Identifier: GPL-2.0
/*
 * ratelimit.c - MAX_UPDATE_RATE windows for senders and receivers of
 * Binding Updates (RFC 6275 sections 11.8 and 12). See ratelimit.h.
 */
#include <string.h>

#include "daemon/ratelimit.h"

unsigned long long rate_window_wait(const struct rate_window *w, unsigned long long now,
				    unsigned long long window_ns)
{
	unsigned long long oldest = w->sent_ns[w->next];

	/* Fewer than MAX_UPDATE_RATE sent so far, or the oldest of the last
	 * MAX_UPDATE_RATE is a whole window ago. */
	if (!oldest || now >= oldest + window_ns)
		return 0;
	return oldest + window_ns - now;
}

void rate_window_note(struct rate_window *w, unsigned long long now)
{
	/* 0 marks a slot never used: a message at time 0 counts as at 1 ns. */
	w->sent_ns[w->next] = now ?: 1;
	w->next = (w->next + 1) % MIP6_MAX_UPDATE_RATE;
}

unsigned long long rate_window_take(struct rate_window *w, unsigned long long now,
				    unsigned long long window_ns)
{
	unsigned long long wait = rate_window_wait(w, now, window_ns);

	if (!wait)
		rate_window_note(w, now);
	return wait;
}

void update_rate_init(struct update_rate *t, unsigned long long window_ns)
{
	memset(t->slot, 0, sizeof(t->slot));
	t->window_ns = window_ns ?: RATE_WINDOW_NS - RATE_WINDOW_NS / 10;
}

static struct update_rate_slot *slot_of(struct update_rate *t, const struct in6_addr *home_addr)
{
	__u32 h = 2166136261u; /* FNV-1a */
	size_t i;

	for (i = 0; i < sizeof(*home_addr); i++) {
		h ^= home_addr->s6_addr[i];
		h *= 16777619u;
	}
	return &t->slot[h % UPDATE_RATE_SLOTS];
}

bool update_rate_allow(struct update_rate *t, const struct in6_addr *home_addr,
		       unsigned long long now)
{
	struct update_rate_slot *s = slot_of(t, home_addr);

	if (memcmp(&s->home_addr, home_addr, sizeof(*home_addr))) {
		memset(s, 0, sizeof(*s));
		s->home_addr = *home_addr;
	}
	return !rate_window_take(&s->w, now, t->window_ns);
}

bool token_bucket_take(struct token_bucket *b, unsigned int rate, unsigned long long now)
{
	unsigned long long refill = (now - b->last_ns) * rate / RATE_WINDOW_NS;

	if (refill) {
		b->tokens = b->tokens + refill > rate ? rate : b->tokens + refill;
		b->last_ns = now;
	}
	if (!b->tokens)
		return false;
	b->tokens--;
	return true;
}
