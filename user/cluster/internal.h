/* SPDX-License-Identifier: GPL-2.0 */
/*
 * internal.h - what the files of user/cluster/ share: the cluster's state
 * (cluster.c starts it, state.c says whether the store answers), the
 * follower (watch.c), the registration transaction (txn.c),
 * reconciliation (reconcile.c) and our writes the watch has yet to bring
 * (fence.c).
 */
#ifndef XMIP6_CLUSTER_INTERNAL_H
#define XMIP6_CLUSTER_INTERNAL_H

#include <sys/queue.h>

#include "cluster/cluster.h"
#include "cluster/etcd.h"

struct json_object;
struct cluster_reg;
struct cluster_lease;

struct txn_batch;

LIST_HEAD(cluster_regs, cluster_reg);
TAILQ_HEAD(cluster_queue, cluster_reg);
LIST_HEAD(txn_batches, txn_batch);
LIST_HEAD(cluster_leases, cluster_lease);

/* One of our writes the watch has not delivered (fence.c). */
struct cluster_fence {
	struct in6_addr hoa;
	long long rev;
};

struct cluster_stats {
	__u64 refused_down; /* registrations answered 128: the store was down */
	__u64 conflicts;    /* transactions whose compare failed, re-decided */
	__u64 reconciles;   /* full reads of the store */
	__u64 applied;	    /* bindings written to the maps from the store */
	__u64 removed;	    /* bindings removed from the maps by the store */
};

struct cluster {
	struct daemon *d;
	const struct config_cluster *cfg;
	const struct cluster_ops *ops;
	void *arg;
	struct etcd *etcd;
	char dir[CLUSTER_KEY_MAX]; /* "PREFIX/NAME/bindings/" */
	bool up;		   /* the store answered the last probe */
	bool need_sync;		   /* read it whole, then watch */
	bool syncing, probing;
	struct etcd_req *watch;
	long long rev; /* the store's revision the maps reflect */
	unsigned long long next_probe_ns, next_sync_ns;
	struct cluster_regs regs;   /* transactions in flight */
	struct cluster_queue queue; /* registrations waiting for a batch */
	struct txn_batches batches; /* batched transactions in flight */
	int n_batches;
	struct cluster_leases leases; /* shared by deadline (lease.c) */
	void *cache;		      /* the store's bindings (cache.c) */
	struct cluster_fence *fences;
	size_t n_fences, cap_fences;
	struct cluster_stats stats;
};

/* state.c: the store is down (@why logged once) or answers again. */
void cluster_set_up(struct cluster *c, bool up, const char *why);

/* fence.c: our write of @hoa at @rev; whether one newer than @rev is
 * waiting for the watch; the notes the watch has passed (c->rev) gone. */
void fence_note(struct cluster *c, const struct in6_addr *hoa, long long rev);
bool fence_newer(const struct cluster *c, const struct in6_addr *hoa, long long rev);
void fence_trim(struct cluster *c);
/* Our write of @hoa answered at @rev: true when the maps are to take it
 * (noted, as fence_note()); false when the watch or a full read has
 * passed @rev already, so that the maps show our write or a newer one of
 * the key, which writing ours would undo. */
bool fence_own_write(struct cluster *c, const struct in6_addr *hoa, long long rev);

/* cache.c: the store's bindings as last seen, by home address. A put
 * replaces an older entry only; a delete at @rev removes one not newer;
 * cache_keep() removes those not in @held (sorted) and not newer than
 * @rev (a full read's). An entry holds the first CLUSTER_KV_CACHED octets
 * of a kv only (codec.h): read it field by field, never copy it whole. */
const struct cluster_kv *cache_get(const struct cluster *c, const struct in6_addr *hoa);
void cache_put(struct cluster *c, const struct cluster_kv *kv);
void cache_del(struct cluster *c, const struct in6_addr *hoa, long long rev);
void cache_keep(struct cluster *c, const struct in6_addr *held, size_t n_held, long long rev);
void cache_free(struct cluster *c);

/* lease.c: the shared lease a binding of @lifetime_s registered now goes
 * under, to @fn (at once when granted already). 0 or -errno (@fn not run).
 * lease_forget(): granted ones dropped (an error answer may mean etcd
 * lost one); lease_free_all(): at stop, no callback. */
typedef void (*lease_fn)(void *arg, int err, long long id);
/* The rule: the deadline (monotonic seconds) of a binding registered at
 * @now_ns for @lifetime_s, and the TTL its lease is granted with at @now_ns. */
unsigned long long lease_deadline_s(unsigned long long now_ns, __u32 lifetime_s);
long long lease_ttl_s(unsigned long long deadline_s, unsigned long long now_ns);
int lease_get(struct cluster *c, __u32 lifetime_s, lease_fn fn, void *arg);
void lease_forget(struct cluster *c);
void lease_free_all(struct cluster *c);

/* watch.c */
int watch_start(struct cluster *c);
/* One message of the watch's stream (the gateway's JSON): its events, in
 * their order, into the maps and the cache. */
void watch_message(void *arg, struct json_object *msg);
void watch_tick(struct cluster *c, unsigned long long now_ns);
/* A range of the whole directory: the body to POST to /v3/kv/range. */
struct json_object *watch_range_body(const struct cluster *c);
/* Take a range answer: reconcile, remember its revision, watch after it. */
int watch_synced(struct cluster *c, struct json_object *resp);

/* reconcile.c: the maps made the store's answer @resp (a range). */
int reconcile(struct cluster *c, struct json_object *resp);

/* txn.c: every registration dropped (at stop, no callback); the waiting
 * ones sent in batches while fewer than TXN_BATCH_INFLIGHT are in flight. */
void txn_drop_all(struct cluster *c);
void txn_pump(struct cluster *c);

#endif /* XMIP6_CLUSTER_INTERNAL_H */
