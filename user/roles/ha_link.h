/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ha_link.h - the home agent's interfaces as the network changes under it,
 * for ha.c: net.ipv6.conf.HOME-LINK.proxy_ndp and net.ipv6.conf.all.proxy_ndp
 * set while it runs (the kernel answers for its proxy entries only then,
 * section 10.4.1) and put back as they were when it stops, and
 * rtnetlink link events followed: when the home link comes back up, the
 * proxy and neighbour entries the kernel flushed with it and the
 * home-agents anycast address are restored; when an interface is deleted
 * it is logged, and when one of the same name appears again the data plane
 * is attached to it and the home link's state restored. Bindings stay in
 * the map throughout.
 */
#ifndef XMIP6_HA_LINK_H
#define XMIP6_HA_LINK_H

#include "dp/dataplane.h"

struct daemon;
struct ha_cache;
struct disc_ha;
struct ha_link;

/*
 * Follow the interfaces of d->cfg.ha, attached with @opts; @cache and
 * @disc get the home link's changes. 0 or -errno, logged.
 */
int ha_link_start(struct daemon *d, struct ha_cache *cache, struct disc_ha *disc,
		  const struct dp_attach_opts *opts, struct ha_link **out);
/* Put proxy_ndp back as it was and let go. */
void ha_link_stop(struct ha_link *l);

#endif /* XMIP6_HA_LINK_H */
