/* SPDX-License-Identifier: GPL-2.0 */
/*
 * disc_mn.h - the mobile node's side of home agent and prefix discovery
 * (RFC 6275 sections 11.4.1-11.4.3), a part of the mobile node (mn.c).
 *
 * Without a configured home agent, a DHAAD Request goes from the care-of
 * address to the home-agents anycast address of the home prefix,
 * retransmitted after 3 s, 6 s, ... (INITIAL_DHAAD_TIMEOUT doubling, at
 * most DHAAD_RETRIES retransmissions); the first usable address of the
 * reply (the most preferred home agent) is reported to the MN. Once
 * registered it solicits the home prefix (MPS with a Home Address option,
 * 3 s doubling, then again when the advertised preferred lifetime ends);
 * an MPA (type 2 routing header with our home address, from our home
 * agent, matching Identifier) gives the prefix's lifetimes, and a prefix
 * other than the configured one is reported in the log.
 */
#ifndef XMIP6_DISC_MN_H
#define XMIP6_DISC_MN_H

#include <stdbool.h>
#include <netinet/in.h>

#include "roles/mn.h"

struct daemon;
struct disc_mn;

/* What discovery needs from the mobile node, and reports to it. */
struct disc_mn_ops {
	/* DHAAD found @ha, the most preferred home agent. */
	void (*home_agent_found)(void *ctx, const struct in6_addr *ha);
	/* Where the mobile node stands with its home agent now. */
	void (*where)(void *ctx, struct mn_where *w);
	void *ctx;
	/* Solicit the home prefix after every registration (a home address
	 * formed from the prefix); otherwise only on disc_mn_solicit_prefix. */
	bool solicit_on_register;
};

/* Open the sockets and hook into the loop. 0 or -errno, logged. */
int disc_mn_start(struct daemon *d, const struct disc_mn_ops *ops, struct disc_mn **m);
void disc_mn_stop(struct disc_mn *m);

/*
 * The MN needs a home agent and has care-of address @coa: start DHAAD from
 * it (nothing when one is running from the same address, while the
 * previous round's hold-off lasts, or when @m is NULL: discovery does not
 * run).
 */
void disc_mn_need_home_agent(struct disc_mn *m, const struct in6_addr *coa);

/*
 * Section 11.7.3: the home agent accepted the BU with status 1 ("prefix
 * discovery necessary"): solicit the home prefix now (MPS, its usual
 * retransmissions), until an MPA answers.
 */
void disc_mn_solicit_prefix(struct disc_mn *m);

#endif /* XMIP6_DISC_MN_H */
