/* SPDX-License-Identifier: GPL-2.0 */
/*
 * metrics.h - the Prometheus endpoint (metrics-listen, metrics.c), for the
 * event loop (xmip6d.c): started once the roles have registered what they
 * export, stopped before they stop.
 */
#ifndef XMIP6_METRICS_H
#define XMIP6_METRICS_H

struct daemon;
struct metrics;

/*
 * Serve GET /metrics on d->cfg.metrics_listen from libmicrohttpd's own
 * thread. Call it with the signals the loop takes blocked: the thread
 * inherits the mask. *m stays NULL when the setting is off. 0 or -errno
 * (logged).
 */
int metrics_start(struct daemon *d, struct metrics **m);
void metrics_stop(struct metrics *m);

#endif /* XMIP6_METRICS_H */
