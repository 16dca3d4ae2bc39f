/* SPDX-License-Identifier: GPL-2.0 */
/*
 * workers.h - registration workers (signal-workers > 1): threads that take
 * Mobility Header packets the event loop queued for them and answer them
 * with their own raw sockets, send batches, counters and MAX_UPDATE_RATE
 * table, so that registrations use more than one CPU.
 *
 * The event loop drains the signal ring as before and queues a packet for
 * worker hash(@key) % n (the home address: one node's Binding Updates stay
 * in order on one worker); each worker has a single-producer,
 * single-consumer queue, and nothing is locked. A worker hands back to
 * the event loop what needs the loop's state (proxy DAD, the cluster's
 * store, the binding count): while something it handed back waits, it
 * hands back everything after it too, so the order holds across the
 * hand-over. Its counters (daemon_ctr_add(), whole stores) are added to
 * the daemon's (d->stats, d->bu_ba) by daemon_workers_fold(), on the loop.
 *
 * The configuration is read by the workers while they run: a reload waits
 * for them to be idle (daemon_workers_quiesce()) before it swaps it.
 */
#ifndef XMIP6_WORKERS_H
#define XMIP6_WORKERS_H

#include <stdbool.h>
#include <netinet/in.h>

#include "common/util.h"
#include "daemon/daemon.h"

struct daemon_worker;

/*
 * A worker's handler: true when it took @msg (answered, refused or dropped
 * it, counted in its lane), false to hand it back to the event loop, which
 * then runs it through daemon_receive_again(). It may read the daemon's
 * configuration and maps, nothing else of the event loop's.
 */
typedef bool (*daemon_worker_fn)(struct daemon_worker *w, void *arg, const struct sig_rx *rx,
				 const struct mh_msg *msg);

/* Start @n workers (2 or more) running @fn with @arg. 0 or -errno (logged). */
int daemon_workers_start(struct daemon *d, unsigned int n, daemon_worker_fn fn, void *arg);
/* Stop and join them; their counters folded in last. NULL-safe. */
void daemon_workers_stop(struct daemon *d);

/*
 * Queue the packet of @rx (a BU about @key) for its worker. False when the
 * event loop is to handle it itself: no workers, a packet handed back
 * being run again, or (counted as worker_queue_full) its queue is full.
 */
bool daemon_workers_take(struct daemon *d, const struct in6_addr *key, const struct sig_rx *rx);
/* Wake the workers something was queued for (after one drain of the ring). */
void daemon_workers_kick(struct daemon *d);
/*
 * Records the event loop may take from the ring now, at most @budget: it
 * waits (running what the workers hand back) while a worker's queue has
 * less room than that, for one second at most.
 */
unsigned int daemon_workers_room(struct daemon *d, unsigned int budget);
/* Wait until no worker holds or runs anything (before a reload). */
void daemon_workers_quiesce(struct daemon *d);
/* Add what the workers counted since the last fold to d->stats and d->bu_ba. */
void daemon_workers_fold(struct daemon *d);
/*
 * stats-show's "workers": each one's BAs sent, bindings refreshed and
 * records handed back to the loop (counted since it started, not cleared),
 * [] without workers.
 */
struct json_object *daemon_workers_json(const struct daemon *d);

/* ---- the worker's side ---------------------------------------------------------------------- */

/* Its lane: raw sockets in a send batch, its counters (daemon_lane_send_ba()). */
const struct daemon_lane *daemon_worker_lane(struct daemon_worker *w);
/* daemon_bu_rate_ok() on the worker's own MAX_UPDATE_RATE table. */
bool daemon_worker_rate_ok(struct daemon_worker *w, const struct in6_addr *hoa, __u16 sequence);
/* daemon_error_allowed() from the worker's share of the error budget. */
bool daemon_worker_error_allowed(struct daemon_worker *w);
/* The worker's log class for lines about single packets (pr_packet's). */
struct log_class *daemon_worker_log_class(struct daemon_worker *w);

#endif /* XMIP6_WORKERS_H */
