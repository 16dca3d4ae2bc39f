/* SPDX-License-Identifier: GPL-2.0 */
/*
 * movement.h - movement detection for the mobile node (RFC 6275 section
 * 11.5.1, RFC 6059 ideas): Router Advertisements, Router Solicitations,
 * neighbour unreachability detection of the current router, link events.
 *
 * The kernel does SLAAC (accept_ra on the MN's interfaces) and so owns the
 * addresses; this module owns the view of which routers and prefixes are
 * live on each interface. mn.c's location logic asks it how good an address
 * is (its prefix is advertised by a router still there) and it calls its
 * user back (movement_changed_fn) to look again when that view changes.
 *
 * An interface on which no RA was ever seen is not tracked: every global
 * address on it is usable (address-driven detection, accept_ra=0 rigs).
 */
#ifndef XMIP6_MOVEMENT_H
#define XMIP6_MOVEMENT_H

#include <stdbool.h>
#include <netinet/in.h>
#include <linux/types.h>

struct daemon;
struct nl_addr;

/* What movement detection reports: routers came or went, look again. */
typedef void (*movement_changed_fn)(void *ctx);

/*
 * Open the RA socket and hook it into the daemon's loop; @changed(@ctx)
 * whenever the view of routers changed. 0 or -errno (logged).
 */
int movement_start(struct daemon *d, movement_changed_fn changed, void *ctx);
void movement_stop(struct daemon *d);

/*
 * From mn.c: a configured interface was deleted (@new_ifindex 0) or
 * re-created (@old_ifindex's device gone, @new_ifindex its successor):
 * the routers heard on the old one are lost, the new one is watched.
 */
void movement_iface_replaced(struct daemon *d, int old_ifindex, int new_ifindex);

/* From mn.c's rtnetlink monitor: a link changed state. */
void movement_link_event(struct daemon *d, int ifindex, bool up, bool carrier);

/*
 * How good @a is as care-of (or home) address: 0 unusable, MV_RANK_UNCONFIRMED
 * when its router is being checked (link went down/up, RAs missed),
 * MV_RANK_CONFIRMED otherwise (or untracked interface). After a link-up, an
 * address from a router that just advertised beats one from the router we
 * had, which may be gone.
 */
#define MV_RANK_UNCONFIRMED 1
#define MV_RANK_CONFIRMED   2
int movement_addr_rank(const struct daemon *d, const struct nl_addr *a);

/*
 * Home on @ifindex, tracked by RAs: put the home address @hoa/@plen on that
 * interface (SLAAC gave it another one); @ifindex 0 (away) takes it off.
 */
void movement_at_home(struct daemon *d, int ifindex, const struct in6_addr *hoa, __u8 plen);

/*
 * Away from home (mn.c): no route of @prefix/@plen straight on @ifindex
 * (sections 11.5.1, 11.7.1: the home prefix is not on-link there; SLAAC
 * left one while home). How many were removed, or -errno.
 */
int movement_home_off_link(struct daemon *d, int ifindex, const struct in6_addr *prefix, __u8 plen);

/*
 * The location changed (mn.c): install the default route through the
 * current router of @ifindex with @src (the home address) as preferred
 * source; @ifindex 0 removes it.
 */
void movement_set_source(struct daemon *d, int ifindex, const struct in6_addr *src);

/*
 * A binding for @coa was acknowledged (or home: @coa NULL): addresses on
 * prefixes of lost routers, the previous care-of addresses kept until now
 * for a smooth handoff (section 11.5.3), are removed.
 */
void movement_registered(struct daemon *d, const struct in6_addr *coa);

/* Milliseconds from the last movement hint (link-up, lost router) to now; 0 if none. */
unsigned long long movement_since_hint_ms(const struct daemon *d);

#endif /* XMIP6_MOVEMENT_H */
