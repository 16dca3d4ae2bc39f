// SPDX-License-Identifier: GPL-2.0
/*
 * summary.c - at log level info, one line a second of what signalling did
 * (see daemon.h, daemon_summary_tick()).
 *
 * Under load a line per registration is a log sink: 100,000 registrations
 * a second would write megabytes a second and cost the daemon more than
 * the registrations themselves. So single refreshes are logged at debug,
 * new and removed bindings rate-limited (pr_packet), and this line counts
 * everything: the operator sees the rate, the BA statuses (refusals by
 * reason) and the drops, in O(1) lines a second whatever the load.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "daemon/daemon.h"

#define SUMMARY_NS   1000000000ULL
#define SUMMARY_LINE 2048

/* What a counter grew by since the last line; a cleared one (stats-clear) from 0. */
static __u64 delta(__u64 now, __u64 *seen)
{
	__u64 d = now >= *seen ? now - *seen : now;

	*seen = now;
	return d;
}

struct line {
	char s[SUMMARY_LINE];
	size_t len;
};

static void __attribute__((format(printf, 2, 3))) add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len >= sizeof(l->s) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->s + l->len, sizeof(l->s) - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len = l->len + n < sizeof(l->s) ? l->len + n : sizeof(l->s) - 1;
}

/* " (accepted 500, sequence_number_out_of_window 2)": the BA statuses that moved. */
static __u64 add_statuses(struct line *l, const __u64 *now, __u64 *seen)
{
	const char *key;
	__u64 total = 0, n;
	unsigned int s;
	bool first = true;

	for (s = 0; s < 256; s++) {
		n = delta(now[s], &seen[s]);
		if (!n)
			continue;
		key = daemon_ba_status_key(s);
		if (key)
			add(l, "%s%s %llu", first ? " (" : ", ", key, (unsigned long long)n);
		else
			add(l, "%sstatus_%u %llu", first ? " (" : ", ", s, (unsigned long long)n);
		first = false;
		total += n;
	}
	if (!first)
		add(l, ")");
	return total;
}

void daemon_summary_tick(struct daemon *d, unsigned long long now)
{
	const struct daemon_stats *st = &d->stats;
	struct daemon_stats *seen = &d->summary.seen;
	struct line l = {.len = 0}, statuses = {.len = 0};
	__u64 bu, ba, n, any;
	unsigned int i;

	if (d->summary.start_ns && now - d->summary.start_ns < SUMMARY_NS)
		return;
	if (!d->summary.start_ns || !log_enabled(LOG_INFO)) {
		d->summary.start_ns = now;
		*seen = *st;
		return;
	}
	statuses.s[0] = '\0';
	bu = delta(st->rx[MH_TYPE_BU], &seen->rx[MH_TYPE_BU]);
	ba = add_statuses(&statuses, st->ba_sent, seen->ba_sent);
	add(&l, "last %.1f s: %llu BU received, %llu BA sent%s", (now - d->summary.start_ns) / 1e9,
	    (unsigned long long)bu, (unsigned long long)ba, statuses.s);
	any = bu + ba;
	n = delta(st->bindings_new, &seen->bindings_new);
	add(&l, "; bindings %llu new", (unsigned long long)n);
	any += n;
	n = delta(st->bindings_refreshed, &seen->bindings_refreshed);
	add(&l, ", %llu refreshed", (unsigned long long)n);
	any += n;
	n = delta(st->bindings_removed, &seen->bindings_removed);
	add(&l, ", %llu removed", (unsigned long long)n);
	any += n;
	for (i = 0; i < DROP_COUNT; i++) {
		n = delta(st->drops[i], &seen->drops[i]);
		if (n)
			add(&l, "; dropped %s %llu", daemon_drop_name(i), (unsigned long long)n);
		any += n;
	}
	n = delta(st->nemo_store_refused, &seen->nemo_store_refused);
	if (n)
		add(&l, "; %llu stored mobile-router prefix sets not authorised here",
		    (unsigned long long)n);
	any += n;
	n = delta(st->errors_ratelimited, &seen->errors_ratelimited);
	if (n)
		add(&l, "; %llu refusals and errors not sent (error rate limit)",
		    (unsigned long long)n);
	any += n;
	/* The counters this line does not print, kept in step all the same. */
	*seen = *st;
	d->summary.start_ns = now;
	if (any)
		pr_info("%s", l.s);
}
