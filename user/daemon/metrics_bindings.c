// SPDX-License-Identifier: GPL-2.0
/*
 * metrics_bindings.c - the top bindings by traffic as Prometheus series.
 * One walk of "binding_ctr" (headers/xmip6.h) keeps the top N in a
 * min-heap (N at most CONFIG_METRICS_TOP_MAX): the number of series, and
 * the memory, stay bounded whatever the binding cache holds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "daemon/metrics_bindings.h"
#include "dp/dataplane.h"

struct top_entry {
	struct in6_addr hoa;
	struct xmip6_binding_ctr ctr;
	__u64 bytes; /* both directions: what the order is by */
};

struct top {
	struct top_entry *e; /* a min-heap on bytes, e[0] the smallest kept */
	unsigned int n, max;
};

static void top_swap(struct top_entry *a, struct top_entry *b)
{
	struct top_entry t = *a;

	*a = *b;
	*b = t;
}

static void top_sift_down(struct top *t, unsigned int i)
{
	unsigned int l, r, least;

	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		least = i;
		if (l < t->n && t->e[l].bytes < t->e[least].bytes)
			least = l;
		if (r < t->n && t->e[r].bytes < t->e[least].bytes)
			least = r;
		if (least == i)
			return;
		top_swap(&t->e[i], &t->e[least]);
		i = least;
	}
}

static int top_offer(const struct in6_addr *hoa, const struct xmip6_binding_ctr *ctr, void *ctx)
{
	struct top_entry cand = {
		.hoa = *hoa, .ctr = *ctr, .bytes = ctr->to_mn_bytes + ctr->from_mn_bytes};
	struct top *t = ctx;
	unsigned int i;

	if (t->n < t->max) {
		i = t->n++;
		t->e[i] = cand;
		while (i && t->e[(i - 1) / 2].bytes > t->e[i].bytes) {
			top_swap(&t->e[i], &t->e[(i - 1) / 2]);
			i = (i - 1) / 2;
		}
	} else if (cand.bytes > t->e[0].bytes) {
		t->e[0] = cand;
		top_sift_down(t, 0);
	}
	return 0;
}

/* Most bytes first; equal bytes by address, so that a scrape's order is stable. */
static int top_cmp(const void *x, const void *y)
{
	const struct top_entry *a = x, *b = y;

	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	return memcmp(&a->hoa, &b->hoa, sizeof(a->hoa));
}

static void family_write(FILE *f, const struct top *t, const char *name, const char *help,
			 bool bytes)
{
	struct addr6_buf buf;
	unsigned int i;

	fprintf(f, "# HELP %s %s\n# TYPE %s counter\n", name, help, name);
	for (i = 0; i < t->n; i++) {
		const struct xmip6_binding_ctr *c = &t->e[i].ctr;
		const char *hoa = addr6_str(&t->e[i].hoa, &buf);

		fprintf(f, "%s{home_address=\"%s\",direction=\"to_mn\"} %llu\n", name, hoa,
			(unsigned long long)(bytes ? c->to_mn_bytes : c->to_mn_packets));
		fprintf(f, "%s{home_address=\"%s\",direction=\"from_mn\"} %llu\n", name, hoa,
			(unsigned long long)(bytes ? c->from_mn_bytes : c->from_mn_packets));
	}
}

int metrics_bindings_write(FILE *f, void *arg)
{
	const struct metrics_bindings *mb = arg;
	const struct xmip6_dp dp = {.binding_ctr_fd = mb->ctr_fd,
				    .binding_slot_fd = mb->slot_fd,
				    .ctr_slots = mb->ctr_slots,
				    .bctr_on = true};
	struct top t = {.max = mb->top};
	int err;

	if (!mb->top || mb->ctr_fd < 0 || mb->slot_fd < 0)
		return 0;
	t.e = calloc(t.max, sizeof(*t.e));
	if (!t.e)
		return -ENOMEM;
	err = dp_bctr_foreach(&dp, top_offer, &t);
	if (!err) {
		qsort(t.e, t.n, sizeof(*t.e), top_cmp);
		family_write(f, &t, "xmip6_binding_packets_total",
			     "Packets a binding forwarded, by direction (the bindings with the "
			     "most bytes, metrics-top-bindings of them)",
			     false);
		family_write(f, &t, "xmip6_binding_bytes_total",
			     "Octets of inner IPv6 packets a binding forwarded, by direction (the "
			     "bindings with the most bytes, metrics-top-bindings of them)",
			     true);
	}
	free(t.e);
	return err;
}
