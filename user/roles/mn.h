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

#endif /* XMIP6_MN_H */
