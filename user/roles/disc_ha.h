/* SPDX-License-Identifier: GPL-2.0 */
/*
 * disc_ha.h - the home agent's side of home agent and prefix discovery
 * (RFC 6275 sections 10.5, 10.6): the Home Agents List learnt from the
 * home link's Router Advertisements with the H bit (sections 7.4, 10.5.1),
 * DHAAD Replies to Requests sent to the home-agents anycast address
 * (joined on the home link, or on every interface for a virtual home
 * network), and Mobile Prefix Advertisements to registered mobile nodes:
 * for an MPS reverse-tunnelled from a home address (the ICMPv6 socket), or
 * sent the RFC way from the care-of address with a Home Address option (a
 * packet socket: the kernel has no MIP6 and discards the option).
 */
#ifndef XMIP6_DISC_HA_H
#define XMIP6_DISC_HA_H

#include <netinet/in.h>
#include <linux/types.h>

#include "config/config.h"
#include "wire/disc.h"

struct daemon;
struct disc_ha;
struct json_object;

/*
 * Home Agents List entries learnt from RAs. Anyone on the home link can send
 * RAs from as many link-local addresses as it likes: a bound list keeps
 * memory and the DHAAD Reply small; entries beyond it are refused while the
 * earlier ones (the legitimate home agents, there before) stay.
 */
#define DISC_MAX_HOME_AGENTS 16

/* ---- the Home Agents List (section 10.5.1) -------------------------------------------- */

struct disc_ha_entry {
	struct in6_addr lladdr; /* the RA's source: what identifies the entry */
	struct in6_addr addr;	/* global address (PIO with R), :: when none was given */
	int preference;
	bool router; /* its Home Agent Information option had R (RFC 3963 7.3) */
	__u32 lifetime_s;
	unsigned long long expires_ns;
};

struct disc_ha_list {
	struct disc_ha_entry e[DISC_MAX_HOME_AGENTS];
	int n;
};

/*
 * Section 10.5.1: an RA from @lladdr updates, adds or (H clear, or lifetime
 * 0) removes its entry. Returns 1 when it added or updated one, 0 when it
 * removed or ignored, -ENOSPC when the list is full.
 */
int disc_ha_list_update(struct disc_ha_list *l, const struct in6_addr *lladdr,
			const struct disc_ra *ra, const struct config_prefix *home,
			unsigned long long now_ns);
void disc_ha_list_expire(struct disc_ha_list *l, unsigned long long now_ns);

/*
 * The addresses a DHAAD Reply lists: @self (our address, @self_pref) and
 * every entry with a global address, by decreasing preference (equal ones
 * in random order, section 10.5.1), at most @max; with @routers only those
 * that advertise mobile router support (RFC 3963 section 7.2). Returns how
 * many.
 */
int disc_ha_list_sorted(const struct disc_ha_list *l, const struct in6_addr *self, int self_pref,
			bool routers, struct in6_addr *out, int max);

/* ---- the home agent's side ----------------------------------------------------------- */

/* Open the sockets, join the anycast address, hook into the loop. 0 or -errno, logged. */
int disc_ha_start(struct daemon *d, struct disc_ha **h);
/* After SIGHUP: whether DHAAD Requests with R are answered (mobile routers configured). */
void disc_ha_reload(struct disc_ha *h);
void disc_ha_stop(struct disc_ha *h);
/*
 * The home link came back (up again, or re-created as @ifindex): join the
 * home-agents anycast address on it afresh, the kernel having dropped its
 * route with the link (section 10.5). 0 or -errno, logged.
 */
int disc_ha_home_link(struct disc_ha *h, int ifindex);
/* Append the Home Agents List learnt from RAs to @arr (`home-agents show`). */
void disc_ha_list_json_add(const struct disc_ha *h, struct json_object *arr);

#endif /* XMIP6_DISC_HA_H */
