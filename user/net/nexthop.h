/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nexthop.h - follows the kernel's routing state through rtnetlink (libmnl)
 * and says when a next hop the data plane cached may have moved: IPv6
 * routes and rules, nexthop objects, links (down, up, MTU, address) and
 * IPv6 neighbours whose link-layer address changed or that stopped being
 * usable. The data plane's cache (headers/xmip6.h "nexthops") is then made
 * stale as a whole; which slots a change touches is the kernel's FIB's to
 * say, on the next packet of each flow.
 *
 * Nothing is logged here: callers log once.
 */
#ifndef XMIP6_NET_NEXTHOP_H
#define XMIP6_NET_NEXTHOP_H

#include <stdbool.h>
#include <linux/types.h>

struct mnl_socket;
struct nh_neigh;

struct nh_follow {
	struct mnl_socket *sock; /* subscribed, non-blocking */
	/* The link-layer address of every usable neighbour seen, so that a
	 * neighbour only refreshed (REACHABLE, STALE, DELAY, PROBE: the same
	 * address) changes nothing. */
	struct nh_neigh **buckets;
	unsigned int n_neigh;
	unsigned long long events;  /* messages read */
	unsigned long long changes; /* of those, the ones that may move a next hop */
	/* No rule but the kernel's defaults and no route with a source
	 * prefix: a packet's source cannot change its route (headers/xmip6.h
	 * XMIP6_NH_F_SRC_FREE). Read again after every rule event, every
	 * event of a source route and every loss of events. */
	bool src_free;
	bool rescan;
};

/* Subscribe; 0 or -errno. From then on no change is missed (or lost ones
 * are reported as a change: ENOBUFS). */
int nh_follow_open(struct nh_follow *f);
void nh_follow_close(struct nh_follow *f);
int nh_follow_fd(const struct nh_follow *f);
/* Read what is queued: how many of the messages may move a cached next hop
 * (0: none did), or -errno (f->src_free is then false). */
int nh_follow_read(struct nh_follow *f);

#endif /* XMIP6_NET_NEXTHOP_H */
