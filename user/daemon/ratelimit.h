/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ratelimit.h - MAX_UPDATE_RATE (RFC 6275 sections 11.8 and 12): a node
 * sends at most 3 Binding Updates a second to one peer about one home
 * address.
 *
 * The sender side (mn.c, ro.c) keeps a rate_window per destination and
 * waits when it is full. The receiver side (ha.c, cn.c) keeps a table of
 * windows keyed by home address and discards fresh, authentic Binding
 * Updates beyond the rate: a misbehaving or compromised mobile node cannot
 * make the home agent rewrite its maps and answer faster than the RFC lets
 * it send. Forged Binding Updates never reach the table (they fail
 * authentication first), so a flood of them cannot use up a legitimate
 * node's allowance.
 */
#ifndef XMIP6_RATELIMIT_H
#define XMIP6_RATELIMIT_H

#include <stdbool.h>
#include <netinet/in.h>

#include "wire/mh.h"

#define RATE_WINDOW_NS 1000000000ULL

/* The send times of the last MIP6_MAX_UPDATE_RATE messages (0: none). */
struct rate_window {
	unsigned long long sent_ns[MIP6_MAX_UPDATE_RATE];
	unsigned int next; /* the oldest slot, overwritten next */
};

/*
 * 0 when one more message may go at @now within @window_ns, else how many
 * nanoseconds until it may.
 */
unsigned long long rate_window_wait(const struct rate_window *w, unsigned long long now,
				    unsigned long long window_ns);
/* Record a message sent (or accepted) at @now. */
void rate_window_note(struct rate_window *w, unsigned long long now);
/*
 * Both: 0 when one more message may go at @now, and it is recorded; else
 * the nanoseconds to wait, nothing recorded.
 */
unsigned long long rate_window_take(struct rate_window *w, unsigned long long now,
				    unsigned long long window_ns);

/*
 * The receiver's table: a fixed number of windows, indexed by a hash of the
 * home address. A home address that finds its slot taken by another one
 * takes it over with an empty window, so the table can only ever let a node
 * through more often than the rate, never less: a collision never costs a
 * legitimate node a registration.
 */
#define UPDATE_RATE_SLOTS 4096

struct update_rate_slot {
	struct in6_addr home_addr;
	struct rate_window w;
};

struct update_rate {
	struct update_rate_slot slot[UPDATE_RATE_SLOTS];
	/* The receiver forgives this much network jitter between BUs that the
	 * sender paced at exactly MAX_UPDATE_RATE. */
	unsigned long long window_ns;
};

/* An empty table; @window_ns 0 means RATE_WINDOW_NS minus 10 %. */
void update_rate_init(struct update_rate *t, unsigned long long window_ns);
/*
 * Whether a Binding Update about @home_addr may be acted on at @now, and if
 * so it is recorded. A refusal is the caller's to count and log.
 */
bool update_rate_allow(struct update_rate *t, const struct in6_addr *home_addr,
		       unsigned long long now);

/*
 * A token bucket: @rate tokens a second, bursts of as many. What the
 * daemon sends unasked-for by a known peer (errors, DHAAD Replies) goes
 * through one, so that forged input cannot make it a reflector.
 */
struct token_bucket {
	unsigned int tokens;
	unsigned long long last_ns;
};

/* Whether one more message may go at @now (a token is taken if so). */
bool token_bucket_take(struct token_bucket *b, unsigned int rate, unsigned long long now);

#endif /* XMIP6_RATELIMIT_H */
