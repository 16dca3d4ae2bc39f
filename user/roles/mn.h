/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mn.h - the mobile node role (mn.c): its home registration (RFC 6275
 * sections 11.7.1, 11.7.3, 11.8) driven by where its addresses say it is,
 * with movement detection (movement.c), home agent and prefix discovery
 * (disc_mn.c) and route optimisation (ro.c) as its parts. It registers
 * everything with the daemon as it starts.
 */
#ifndef XMIP6_MN_H
#define XMIP6_MN_H

#include <stdbool.h>
#include <netinet/in.h>

struct daemon;

/* Where the mobile node stands with its home agent, for its parts. */
struct mn_where {
	bool registered; /* the home agent holds our binding; then the rest: */
	struct in6_addr care_of_addr;
	struct in6_addr home_addr;
	struct in6_addr home_agent;
};

/* 0 or -errno, logged. */
int mn_start(struct daemon *d);

struct mh_mnp;

/*
 * A mobile router (mr.c, RFC 3963) is a mobile node with these: its BUs
 * carry R (section 4.1) and, in explicit mode, one Mobile Network Prefix
 * option per prefix (section 5.1); a BA must carry R and 140-143 are
 * final (section 5.3); the data plane forwards its networks
 * (XMIP6_CFG_F_MR). The rest (movement, care-of addresses, the BUL
 * entry, discovery) is the mobile node's.
 */
struct mn_router {
	const struct mh_mnp *mnp; /* NULL, 0 in implicit mode */
	unsigned int n_mnp;
	/* Once the data plane is attached and the home address known: the
	 * router's own set-up. 0 or -errno, logged. */
	int (*attached)(void *ctx, struct daemon *d, const struct in6_addr *home_addr);
	/* The daemon stops (after attached() only). */
	void (*stop)(void *ctx, struct daemon *d);
	void *ctx;
};

/* mn_start() as a mobile router; @router outlives the daemon's run. */
int mn_start_router(struct daemon *d, const struct mn_router *router);

#endif /* XMIP6_MN_H */
