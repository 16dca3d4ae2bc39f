/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cluster.h - home agents sharing one binding cache through etcd
 * (docs/cluster.md), for roles/ha.c. A registration the home agent has
 * accepted by its own rules goes to the store as a transaction
 * (txn.c); the home agent writes its maps and answers when the store
 * does. Every home agent follows the store (watch.c): what the others
 * register, renew, deregister or let expire reaches its maps, and after a
 * fault or a restart a full read reconciles them (reconcile.c). While the
 * store is down the maps keep what they hold and registrations are
 * refused (status 128).
 */
#ifndef XMIP6_CLUSTER_H
#define XMIP6_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>
#include <linux/types.h>

#include "cluster/codec.h"

struct daemon;
struct cluster;

/* What following the store does to the home agent's maps. */
struct cluster_ops {
	/* @b is the store's binding: in the map (and proxy ND) as a local
	 * registration would put it; nothing when the map has it already. */
	void (*apply)(void *arg, const struct cluster_binding *b);
	/* @hoa's binding left the store (deregistered, lease expired). */
	void (*remove)(void *arg, const struct in6_addr *hoa);
	/* Each home address the map holds, to @fn (reconciliation). */
	int (*each_local)(void *arg, int (*fn)(const struct in6_addr *hoa, void *ctx), void *ctx);
};

/*
 * Connect to @cfg's store, read it whole into the maps (bounded by the
 * timeout: a home agent that cannot reach it starts with what its maps
 * hold, refusing registrations until it can) and follow it. 0 or -errno.
 */
int cluster_start(struct daemon *d, const struct config_cluster *cfg, const struct cluster_ops *ops,
		  void *arg, struct cluster **out);
void cluster_stop(struct cluster *c);

/*
 * The transaction's outcome: 0 (stored: the caller writes its map and
 * answers 0), a BA status from the stored binding's rules (cluster_decide;
 * @stored is that binding), 133 for a deregistration of a binding the
 * store does not hold, or 128 (reason unspecified) when the store could
 * not answer. @followed (status 0 only): stored, but the watch brought
 * this write and maybe a newer one of the key (another home agent's, or
 * its delete) into the maps before the answer came: the caller answers 0
 * and writes nothing, which would take the map back (fence.c). @ctx is
 * the caller's copy given to cluster_register().
 */
typedef void (*cluster_done_fn)(void *ctx, int status, const struct cluster_binding *stored,
				bool followed);

/*
 * Store @b (lifetime_s 0: delete it, a deregistration) if the stored
 * binding lets it; @done later, from the event loop, with a copy of
 * @ctx_len octets of @ctx. Refused at once (@done not run: -EAGAIN) while
 * the store is down. 0 or -errno.
 */
int cluster_register(struct cluster *c, const struct cluster_binding *b, cluster_done_fn done,
		     const void *ctx, size_t ctx_len);

/* The cluster sections differ (SIGHUP: a restart is needed). */
bool cluster_cfg_changed(bool had, const struct config_cluster *cur, bool has,
			 const struct config_cluster *next);

/* Whether the store answers (registrations go through). */
bool cluster_up(const struct cluster *c);

#endif /* XMIP6_CLUSTER_H */
