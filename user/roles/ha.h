/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ha.h - the home agent role (ha.c): home registrations (RFC 6275 section
 * 10.3) with RFC 4285 authentication, proxy DAD and proxy Neighbor
 * Discovery on the home link, binding expiry, and the operator's binding
 * commands. It registers everything else with the daemon as it starts.
 */
#ifndef XMIP6_HA_H
#define XMIP6_HA_H

struct daemon;

/* 0 or -errno, logged. */
int ha_start(struct daemon *d);

#endif /* XMIP6_HA_H */
