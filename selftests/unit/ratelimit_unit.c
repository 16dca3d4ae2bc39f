// SPDX-License-Identifier: GPL-2.0
/*
 * ratelimit_unit.c - unit tests of MAX_UPDATE_RATE (RFC 6275 sections 11.8
 * and 12: three Binding Updates a second) in user/daemon/ratelimit.c: the sender's
 * window and the receiver's per-home-address table; and the token bucket of
 * error replies and DHAAD Replies.
 *
 * Prints TAP lines, exits 1 on any failure.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>

#include "daemon/ratelimit.h"
#include "unit.h"

#define MS 1000000ULL
#define T0 (5000 * MS) /* an arbitrary monotonic time */

static void sender_window(void)
{
	struct rate_window w = {};
	unsigned long long wait;
	int i;

	for (i = 0; i < 3; i++) {
		wait = rate_window_wait(&w, T0 + i * 10 * MS, RATE_WINDOW_NS);
		check(!wait, "sender: BU %d of a burst goes at once (wait %llu ns)", i + 1, wait);
		rate_window_note(&w, T0 + i * 10 * MS);
	}
	wait = rate_window_wait(&w, T0 + 30 * MS, RATE_WINDOW_NS);
	check(wait == 970 * MS,
	      "sender: the 4th BU 30 ms in waits 970 ms for the first to age (%llu)", wait);
	wait = rate_window_wait(&w, T0 + 1000 * MS, RATE_WINDOW_NS);
	check(!wait, "sender: it may go exactly one second after the first (%llu)", wait);
	rate_window_note(&w, T0 + 1000 * MS);
	wait = rate_window_wait(&w, T0 + 1000 * MS, RATE_WINDOW_NS);
	check(wait == 10 * MS, "sender: the 5th then waits for the 2nd to age: 10 ms (%llu)", wait);

	/* A message recorded at time 0 still counts (0 marks an unused slot). */
	w = (struct rate_window){};
	for (i = 0; i < 3; i++)
		rate_window_note(&w, 0);
	wait = rate_window_wait(&w, 0, RATE_WINDOW_NS);
	check(wait == RATE_WINDOW_NS + 1,
	      "sender: three BUs at time 0 fill the window too (wait a window + 1 ns: %llu)", wait);
}

static void receiver_table(void)
{
	struct update_rate *t = malloc(sizeof(*t));
	struct in6_addr mn1 = a6("2001:db8:1::100"), mn2 = a6("2001:db8:1::200");
	int i, allowed = 0;

	if (!t) {
		check(false, "receiver: table allocated");
		return;
	}
	update_rate_init(t, 0);
	check(t->window_ns == 900 * MS, "receiver: default window 900 ms (10 %% for jitter): %llu",
	      t->window_ns);
	for (i = 0; i < 10; i++)
		allowed += update_rate_allow(t, &mn1, T0 + i * MS);
	check(allowed == 3, "receiver: 10 BUs for one home address within 10 ms: 3 allowed (%d)",
	      allowed);
	check(update_rate_allow(t, &mn2, T0 + 10 * MS),
	      "receiver: another home address has its own allowance");
	check(!update_rate_allow(t, &mn1, T0 + 899 * MS),
	      "receiver: 899 ms after the first, still refused");
	check(update_rate_allow(t, &mn1, T0 + 900 * MS),
	      "receiver: 900 ms after the first, allowed");

	/* A sender pacing at exactly 3/s, with up to 45 ms of jitter either way,
	 * is never refused. */
	update_rate_init(t, 0);
	allowed = 0;
	for (i = 0; i < 30; i++) {
		unsigned long long sent = T0 + i * (1000 * MS / 3);
		long long jitter = (i % 2 ? 45 : -45) * (long long)MS;

		allowed += update_rate_allow(t, &mn1, sent + jitter);
	}
	check(allowed == 30, "receiver: 30 BUs paced at 3/s with +-45 ms jitter: all allowed (%d)",
	      allowed);

	/* Collisions can only let more through: 4096 slots, 5000 addresses,
	 * each sending 3 BUs at once, then a 4th: no first three refused. */
	update_rate_init(t, 0);
	allowed = 0;
	for (i = 0; i < 5000; i++) {
		struct in6_addr a = mn1;
		int k;

		a.s6_addr[14] = i >> 8;
		a.s6_addr[15] = i;
		for (k = 0; k < 3; k++)
			allowed += update_rate_allow(t, &a, T0 + k);
	}
	check(allowed == 15000, "receiver: 5000 home addresses x 3 BUs, all allowed (%d)", allowed);
	free(t);
}

static void bucket(void)
{
	struct token_bucket b = {0};
	int i, allowed = 0;

	for (i = 0; i < 1000; i++)
		allowed += token_bucket_take(&b, 10, T0 + i * MS);
	/* A full bucket (10) at first, then one every 100 ms of the second. */
	check(allowed == 19, "bucket: 1000 in 1 s at 10/s: 10 at once and 9 more (%d)", allowed);
	allowed = 0;
	for (i = 0; i < 100; i++)
		allowed += token_bucket_take(&b, 10, T0 + 60000 * MS + i);
	check(allowed == 10, "bucket: after a quiet minute at most 10 at once (%d)", allowed);
}

int main(void)
{
	sender_window();
	receiver_table();
	bucket();
	return unit_finish("ratelimit_unit");
}
