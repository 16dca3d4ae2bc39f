/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ha_store.h - the home agent following the cluster's store (ha_store.c):
 * the binding cache as etcd holds it, for ha.c. Registrations go the other
 * way in ha.c ("the shared binding cache").
 */
#ifndef XMIP6_HA_STORE_H
#define XMIP6_HA_STORE_H

#include "cluster/cluster.h"

struct daemon;
struct ha_cache;

/*
 * The cluster of d->cfg.ha.cluster started (cluster_start()), its bindings
 * written into @cache (and the replay map @replay_fd) as they change.
 * 0 or -errno.
 */
int ha_store_start(struct daemon *d, struct ha_cache *cache, int replay_fd, struct cluster **out);

#endif /* XMIP6_HA_STORE_H */
