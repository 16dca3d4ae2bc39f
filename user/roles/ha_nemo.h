/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ha_nemo.h - the home agent's side of NEMO Basic Support (RFC 3963) for
 * ha.c: what a home registration with the Mobile Router flag may register
 * (section 6.2, the statuses of 6.6), and the router's Mobile Network
 * Prefixes in the data plane's "prefixes" map (dp/dataplane.h), written
 * with its binding and removed with it (ha_cache.c removes them wherever a
 * router's binding goes).
 */
#ifndef XMIP6_HA_NEMO_H
#define XMIP6_HA_NEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>

#include "xmip6.h"
#include "config/config.h"
#include "wire/mh.h"

struct daemon;

/* What an accepted BU registers: a host, or a router with its prefixes. */
struct nemo_reg {
	bool router; /* R in the binding and in the BA */
	__u32 flags; /* XMIP6_PREFIX_F_IMPLICIT: the configured prefixes */
	size_t n;
	struct xmip6_prefix_key p[MH_MNP_MAX];
};

/*
 * Section 6.2: 0 with @reg filled, or the BA status that refuses the BU
 * (140 not a router, 141 invalid prefix, 142 prefix not authorised, 143
 * implicit mode without configured prefixes). @sa: the node's entry, NULL
 * for an unlisted one. A BU without R registers a host (section 6.2: the
 * home agent then acts as for a mobile node), a router's included.
 */
int ha_nemo_decide(const struct config_mn_entry *sa, const struct mh_msg *msg,
		   struct nemo_reg *reg);

/*
 * Before the binding of @hoa is stored: a router's prefixes become exactly
 * @reg's (a re-registration drops what it no longer claims). 0 or -errno:
 * the BU then gets status 143 and the old set stays.
 */
int ha_nemo_install(struct daemon *d, const struct in6_addr *hoa, const struct nemo_reg *reg);

/*
 * A router's binding another home agent stored (ha_store.c): its prefixes
 * installed as ha_nemo_install() would, when this home agent's own
 * configuration lets @hoa claim every one of them (a router's entry, each
 * prefix within its list). 0, -EPERM (not authorised here: nothing
 * changed), or -errno of the map.
 */
int ha_nemo_follow(struct daemon *d, const struct in6_addr *hoa, const struct nemo_reg *reg);

/* The prefixes of the router @hoa, gone: its binding went or became a host's. */
void ha_nemo_forget(struct daemon *d, const struct in6_addr *hoa);

/* At start: prefixes left without their router's binding (deleted while no
 * daemon ran) are removed. */
void ha_nemo_restore(struct daemon *d);

/* After a reload: prefixes the new configuration no longer authorises for
 * their router (not a router any more, prefix not listed) are removed; the
 * binding stays, as a router's until its next registration. */
void ha_nemo_reload(struct daemon *d);

#endif /* XMIP6_HA_NEMO_H */
