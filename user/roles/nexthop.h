/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nexthop.h - the daemon's side of the data plane's next-hop cache
 * (headers/xmip6.h "nexthops"): while xmip6d runs it follows the kernel's
 * routes, neighbours and links (net/nexthop.c) and starts a new cache
 * generation on every change that may move a next hop, so that the next
 * packet of every flow looks its route up again; the change reaches the
 * data plane in the event loop's next turn, one map write. Without it
 * (no daemon, or the daemon stopped) the cache is off and every packet
 * looks its route up. Every role whose data plane forwards starts it.
 */
#ifndef XMIP6_ROLES_NEXTHOP_H
#define XMIP6_ROLES_NEXTHOP_H

struct daemon;

/* Starts following, once however many roles ask: 0 or -errno (logged). */
int nexthop_follow_start(struct daemon *d);

#endif /* XMIP6_ROLES_NEXTHOP_H */
