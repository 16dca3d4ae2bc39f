/* SPDX-License-Identifier: GPL-2.0 */
/*
 * metrics_bindings.h - the per-binding counters on the metrics endpoint
 * (metrics_bindings.c), a source of metrics.c run on its HTTP thread.
 */
#ifndef XMIP6_METRICS_BINDINGS_H
#define XMIP6_METRICS_BINDINGS_H

#include <stdio.h>

struct metrics_bindings {
	int ctr_fd;		/* the HTTP thread's own descriptor of "binding_ctr"; -1: none */
	int slot_fd;		/* and of "binding_slots" */
	unsigned int ctr_slots; /* binding_ctr's max_entries */
	unsigned int top;	/* metrics-top-bindings */
};

/*
 * xmip6_binding_packets_total and xmip6_binding_bytes_total, labelled
 * home_address and direction (to_mn, from_mn), for the @arg->top bindings
 * with the most bytes (both directions), most first. Reads the map only.
 */
int metrics_bindings_write(FILE *f, void *arg);

#endif /* XMIP6_METRICS_BINDINGS_H */
