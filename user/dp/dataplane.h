/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dataplane.h - load, attach and drive the xmip6 BPF data plane.
 *
 * One xmip6 instance is one pin directory on bpffs (XMIP6_PIN_DIR_DEFAULT
 * unless told otherwise). It holds the four maps of headers/xmip6.h, pinned
 * by name, and one pinned BPF link per attached hook under links/:
 *
 *	PIN_DIR/bindings  PIN_DIR/stats  PIN_DIR/config  PIN_DIR/signal
 *	PIN_DIR/ro  PIN_DIR/peers  (route optimisation; absent in older instances)
 *	PIN_DIR/links/IFNAME_xdp   XDP program (xdp_ha, xdp_mn or xdp_cn)
 *	PIN_DIR/links/IFNAME_tc    TC egress program (tcx link)
 *
 * bpffs refuses '.' in names (EPERM: "reserved for future extensions", see
 * bpf_lookup() in kernel/bpf/inode.c), so a '.' of IFNAME ("eth0.100", a
 * VLAN) is written ':', which interface names never contain.
 *
 * Everything keeps working after the process that attached it exits; an
 * instance serves one role (HA, MN or CN) on any number of interfaces.
 *
 * Conventions: functions return 0 (or a count) on success and -errno on
 * failure, and log the failure once through util.h's log_msg() so callers
 * only need to propagate the code. The exception is dp_binding_lookup(),
 * which returns -ENOENT silently, a miss being an answer, not an error.
 */
#ifndef XMIP6_DATAPLANE_H
#define XMIP6_DATAPLANE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <net/if.h>
#include <linux/bpf.h>

#include "xmip6.h"

#define DP_LINK_SUFFIX_XDP "_xdp"
#define DP_LINK_SUFFIX_TC  "_tc"

/* Largest bindings map dp_attach() creates. */
#define DP_BINDINGS_MAX (1U << 24)

enum dp_xdp_mode {
	DP_XDP_AUTO = 0, /* the kernel's choice: native when the driver has it */
	DP_XDP_NATIVE,	 /* driver mode or fail (XDP_FLAGS_DRV_MODE) */
	DP_XDP_GENERIC,	 /* skb mode (XDP_FLAGS_SKB_MODE) */
};

/*
 * The xdp-mode words of the configuration file and `xmip6ctl attach`:
 * "native" and "generic". dp_xdp_mode_parse() returns 0, or -EINVAL for any
 * other word; dp_xdp_mode_name() gives "auto" for DP_XDP_AUTO.
 */
int dp_xdp_mode_parse(const char *word, enum dp_xdp_mode *mode);
const char *dp_xdp_mode_name(enum dp_xdp_mode mode);

enum dp_hook {
	DP_HOOK_XDP,
	DP_HOOK_TC,
};

/* PIN_DIR/links/IFNAME_xdp or _tc, with IFNAME escaped as described above. */
int dp_link_pin_path(char *buf, size_t size, const char *pin_dir, const char *ifname,
		     enum dp_hook hook);

struct dp_attach_opts {
	enum xmip6_role role;	   /* XMIP6_ROLE_HA, XMIP6_ROLE_MN or XMIP6_ROLE_CN */
	struct in6_addr ha_addr;   /* HA: our tunnel endpoint; MN: our home agent */
	unsigned int max_bindings; /* 0: the pinned map's size, else the role's default
				    * (XMIP6_MN_BINDINGS, XMIP6_BINDINGS_DEFAULT) */
	enum dp_xdp_mode xdp_mode;
	__u32 flags; /* XMIP6_CFG_F_*, written to the config map */
	/* No per-binding counters (bpf/bctr.h cfg_binding_counters 0): set at
	 * load, so it takes a new load; false, the default, counts. */
	bool binding_counters_off;
};

/*
 * Load the programs for opts->role (reusing the instance's pinned maps, or
 * creating and pinning them), write the config map (role, ha_addr and flags:
 * a re-attach keeps the flags already set), and attach XDP and TC
 * egress to @ifname, resolved in the caller's network namespace. When the
 * interface already has this instance's links, their programs are replaced
 * atomically (bpf_link_update): an upgrade drops no packet.
 * Kernels without tcx (< 6.6) get a legacy clsact filter instead of a link;
 * XMIP6_FORCE_LEGACY_TC=1 in the environment forces that path (for tests).
 */
int dp_attach(const char *pin_dir, const char *ifname, const struct dp_attach_opts *opts);

/*
 * Size the binding maps of an opened, not yet loaded skeleton for
 * @max_entries bindings (bindings, binding_ctl, and a slot more in
 * binding_ctr and binding_slots). 0 or -errno.
 */
struct xmip6;
int dp_bindings_size(struct xmip6 *skel, __u32 max_entries);

/*
 * Follow @ifname, last seen as *@ifindex (0: absent): unchanged -> 0; gone
 * -> *@ifindex = 0, -ENODEV; there again under a new ifindex (deleted and
 * created again: the programs went with the old device) -> dp_attach() to
 * it with @opts, *@ifindex updated, 1 (even if the attach failed: logged).
 */
int dp_iface_follow(const char *pin_dir, const char *ifname, int *ifindex,
		    const struct dp_attach_opts *opts);
/* Why the bindings map at @pin_dir (@have entries) cannot take max-bindings
 * @want: the words dp_attach() logs, for a reload to refuse with. */
void dp_bindings_resize_refusal(char *buf, size_t size, const char *pin_dir, __u32 have,
				__u32 want);

/* Detach the instance's programs from @ifname; links whose interface is gone count too. */
int dp_detach(const char *pin_dir, const char *ifname);

/* Detach every link of the instance, unpin its maps and remove @pin_dir. */
int dp_unload(const char *pin_dir);

/* An open instance: fds of its pinned maps. */
struct xmip6_dp {
	char pin_dir[PATH_MAX];
	int bindings_fd;     /* the forwarding half of each binding */
	int binding_ctl_fd;  /* the control half, same keys */
	int binding_ctr_fd;  /* per-binding counters by slot; -1 if not pinned */
	int binding_slot_fd; /* who holds each slot; -1 if not pinned */
	int stats_fd;
	int config_fd;
	int signal_fd;	    /* ring buffer of struct xmip6_signal; -1 if not pinned */
	int ro_fd;	    /* MN route optimisation "ro"; -1 if not pinned */
	int peers_fd;	    /* MN "peers" LRU; -1 if not pinned */
	int admit_fd;	    /* HA "admit"; -1 if not pinned */
	int nexthops_fd;    /* next-hop cache slots; -1 if not pinned */
	int nh_state_fd;    /* its generation; -1 if not pinned */
	int mr_prefixes_fd; /* MN as a mobile router: "mr_prefixes"; -1 if not pinned */
	int prefixes_fd;    /* HA "prefixes" (NEMO); -1 if not pinned */
	int prefix_lens_fd; /* HA "prefix_lens": the lengths in use; -1 if not pinned */
	int if_macs_fd;	    /* "if_macs": attached interfaces' MACs; -1 if not pinned */
	__u32 bindings_max; /* max_entries of the bindings map */
	__u32 ctr_slots;    /* max_entries of binding_ctr: slots 1 .. ctr_slots - 1 */
	bool bctr_on;	    /* bindings get counter slots (dp_open() reads it) */
	__u32 map_ids[16];  /* in enum dp_map order: who uses them is ours */
};

/*
 * Open the pinned maps; fails (-ENOENT) if nothing is loaded at @pin_dir.
 * The signal ring buffer is optional (an instance attached by an older
 * xmip6 has none): signal_fd is then -1. Hand it to ring_buffer__new().
 */
int dp_open(const char *pin_dir, struct xmip6_dp *dp);
void dp_close(struct xmip6_dp *dp);

int dp_config_read(const struct xmip6_dp *dp, struct xmip6_config *cfg);

/*
 * Replace the XMIP6_CFG_F_* flags of the config map, keeping role and
 * ha_addr: a daemon sets XMIP6_CFG_F_SIGNAL once it reads the signal ring,
 * and clears it when it stops, so that the XDP programs pass Mobility
 * Header packets to the stack again instead of filling a ring nobody reads.
 */
int dp_config_set_flags(const struct xmip6_dp *dp, __u32 flags);
const char *dp_role_name(__u32 role);

/*
 * Bindings, keyed by home address. dp_binding_update() adds or replaces
 * (it refuses unusable addresses); dp_binding_foreach() stops at the first
 * non-zero return of @cb and returns it; dp_binding_flush() and
 * dp_binding_count() return how many bindings there were.
 */
typedef int (*dp_binding_cb)(const struct in6_addr *hoa, const struct xmip6_binding *b, void *ctx);

int dp_binding_update(const struct xmip6_dp *dp, const struct in6_addr *hoa,
		      const struct xmip6_binding *b);
int dp_binding_delete(const struct xmip6_dp *dp, const struct in6_addr *hoa);
int dp_binding_lookup(const struct xmip6_dp *dp, const struct in6_addr *hoa,
		      struct xmip6_binding *b);
/* The whole binding from its halves (as the maps and a signal record hold them). */
void dp_binding_join(const struct xmip6_binding_fwd *fwd, const struct xmip6_binding_ctl *ctl,
		     struct xmip6_binding *b);
int dp_binding_foreach(const struct xmip6_dp *dp, dp_binding_cb cb, void *ctx);
/*
 * A walk of the bindings spread over calls, up to @max (at most
 * DP_WALK_MAX) bindings a call, each call one BPF_MAP_LOOKUP_BATCH of the
 * forwarding halves: the control half is not read (its fields are 0 in
 * what @cb gets; a callback that needs it looks the binding up). The
 * cursor is the map's own (a bucket), so that deletions, the walk's or
 * anyone's, do not start it over. @cb's return: 0, the binding stays;
 * DP_WALK_TAKEN, the caller deletes it before the next call; anything else
 * stops the call and is returned, and the next call reads the same
 * bindings again. 1 when the walk reached the end (the cursor starts
 * over), 0 when there is more, or -errno. restarted is set when a call
 * began from the first binding: counts start again.
 */
#define DP_WALK_TAKEN 0x7fffffff
#define DP_WALK_MAX   512

struct dp_binding_cursor {
	bool started;
	bool restarted;
	__u32 batch; /* BPF_MAP_LOOKUP_BATCH's token: the next bucket */
};

int dp_binding_walk(const struct xmip6_dp *dp, struct dp_binding_cursor *cur, unsigned int max,
		    dp_binding_cb cb, void *ctx);
int dp_binding_count(const struct xmip6_dp *dp);
int dp_binding_flush(const struct xmip6_dp *dp);

/*
 * The writes of bindings this process made (wlog.c): every write and
 * delete of a binding notes its home address once done (maps.c, refresh.c),
 * a flush all of them; dp_wlog_unchanged_since() says whether none was
 * noted for @hoa from @at_ns (CLOCK_MONOTONIC) on, so that a binding read
 * at @at_ns (the XDP program's, in a signal record) is still the map's.
 */
void dp_wlog_note(const struct in6_addr *hoa);
void dp_wlog_note_all(void);
bool dp_wlog_unchanged_since(const struct in6_addr *hoa, __u64 at_ns);

/*
 * Refreshes of existing bindings, held back and written as one
 * BPF_MAP_UPDATE_BATCH a map (each half, and the replay map when
 * @replay_fd >= 0: replay.h) instead of three bpf() calls each: a thread's
 * own batch (the event loop's, a registration worker's), opened while it
 * answers a drain of BUs and flushed before the answers leave, so that a BA
 * never reports a binding the map does not hold yet.
 *
 * dp_refresh_queue() holds @b (its ctr_slot is the binding's own, as the
 * caller looked it up: a refresh keeps its counters) and, when @timestamp,
 * the replay state of (@hoa, @spi); a closed batch or a full one is written
 * at once. dp_refresh_pending() is the newest held for @hoa (true), for the
 * lookup before the next BU of that node in the same drain. Any other write
 * of a held binding must come after dp_refresh_flush(), which returns how
 * many were written or the first -errno (each failure logged; the rest
 * written one by one).
 */
#define DP_REFRESH_BATCH 64

struct dp_refresh_batch {
	const struct xmip6_dp *dp;
	int replay_fd;
	bool open;
	unsigned int n;
	struct in6_addr hoa[DP_REFRESH_BATCH];
	struct xmip6_binding_fwd fwd[DP_REFRESH_BATCH];
	struct xmip6_binding_ctl ctl[DP_REFRESH_BATCH];
	__u32 spi[DP_REFRESH_BATCH]; /* the replay state of each, */
	__u64 ts[DP_REFRESH_BATCH];  /* 0: none */
};

void dp_refresh_init(struct dp_refresh_batch *rb, const struct xmip6_dp *dp, int replay_fd);
/* Open: queue from now on; closed: dp_refresh_flush() first, then write at once. */
void dp_refresh_open(struct dp_refresh_batch *rb, bool open);
int dp_refresh_queue(struct dp_refresh_batch *rb, const struct in6_addr *hoa,
		     const struct xmip6_binding *b, __u32 spi, __u64 timestamp);
bool dp_refresh_pending(const struct dp_refresh_batch *rb, const struct in6_addr *hoa,
			struct xmip6_binding *b);
int dp_refresh_flush(struct dp_refresh_batch *rb);

/*
 * Per-binding counters (headers/xmip6.h "binding_ctr"), summed over the
 * CPUs. dp_bctr_read() reads binding @b's (by its ctr_slot): 0 with the
 * sums, 1 when it has none (the instance counts nothing:
 * binding-counters = false, or an older instance; or the binding has no
 * slot), or -errno. dp_bctr_foreach() visits the home addresses whose
 * counters are not all zero, in slot order, and stops at the first
 * non-zero return of @cb (returned).
 */
typedef int (*dp_bctr_cb)(const struct in6_addr *hoa, const struct xmip6_binding_ctr *ctr,
			  void *ctx);

int dp_bctr_read(const struct xmip6_dp *dp, const struct xmip6_binding *b,
		 struct xmip6_binding_ctr *sum);
int dp_bctr_foreach(const struct xmip6_dp *dp, dp_bctr_cb cb, void *ctx);

/*
 * Mobile node route optimisation (headers/xmip6.h "ro"): one entry per
 * (home address, correspondent) registered through return routability.
 * -EOPNOTSUPP (logged) when the instance has no "ro" map.
 */
typedef int (*dp_ro_cb)(const struct xmip6_ro_key *key, const struct xmip6_ro *ro, void *ctx);

int dp_ro_update(const struct xmip6_dp *dp, const struct xmip6_ro_key *key,
		 const struct xmip6_ro *ro);
int dp_ro_delete(const struct xmip6_dp *dp, const struct xmip6_ro_key *key);
int dp_ro_foreach(const struct xmip6_dp *dp, dp_ro_cb cb, void *ctx);

/*
 * A mobile router's Mobile Network Prefixes ("mr_prefixes", headers/
 * xmip6.h), each carried by the binding of @hoa (mr.c): replaced as a
 * whole, @n of them (at most XMIP6_MR_PREFIXES_MAX); n = 0 empties the map.
 * -EOPNOTSUPP (logged) when the instance has no such map.
 */
struct dp_mr_prefix {
	struct in6_addr prefix; /* host bits clear */
	__u8 len;
};

int dp_mr_prefixes_set(const struct xmip6_dp *dp, const struct dp_mr_prefix *p, int n,
		       const struct in6_addr *hoa);

/* Correspondents seen by TC egress ("peers"); the daemon may delete what it handled. */
typedef int (*dp_peer_cb)(const struct xmip6_ro_key *key, const struct xmip6_peer *peer, void *ctx);

int dp_peer_foreach(const struct xmip6_dp *dp, dp_peer_cb cb, void *ctx);
int dp_peer_delete(const struct xmip6_dp *dp, const struct xmip6_ro_key *key);

/*
 * HA: make the "admit" map hold exactly @addrs (the mobile-nodes list's home
 * addresses; headers/xmip6.h says what XDP does with it). New entries go in
 * before stale ones leave, so a listed node is never refused on the way.
 */
int dp_admit_set(const struct xmip6_dp *dp, const struct in6_addr *addrs, size_t n);

/*
 * HA, NEMO (headers/xmip6.h "prefixes" and "prefix_lens", user/dp/prefix.c):
 * the Mobile Network Prefixes of the mobile router @hoa, host bits clear.
 * dp_prefix_set() makes them exactly @p[0..n) (new ones and their lengths
 * in before stale ones leave; on a failure the ones it added are taken back
 * and the old set stays; -E2BIG beyond XMIP6_PREFIX_LENS_MAX lengths),
 * dp_prefix_forget() removes them all; both walk the map, a mobile
 * router's registration only. dp_prefix_delete() removes one (gone already
 * is fine). dp_prefix_lens_rebuild() lists exactly the lengths in use. dp_prefix_foreach() visits every entry, in map order, and stops at
 * the first non-zero return of @cb (returned). -EOPNOTSUPP (logged) when
 * the instance has no "prefixes" map; dp_prefix_foreach() visits nothing.
 */
typedef int (*dp_prefix_cb)(const struct xmip6_prefix_key *key, const struct xmip6_prefix *val,
			    void *ctx);

int dp_prefix_set(const struct xmip6_dp *dp, const struct in6_addr *hoa,
		  const struct xmip6_prefix_key *p, size_t n, __u32 flags);
int dp_prefix_forget(const struct xmip6_dp *dp, const struct in6_addr *hoa);
int dp_prefix_delete(const struct xmip6_dp *dp, const struct xmip6_prefix_key *key);
int dp_prefix_lens_rebuild(const struct xmip6_dp *dp);
int dp_prefix_foreach(const struct xmip6_dp *dp, dp_prefix_cb cb, void *ctx);

/*
 * The next-hop cache's generation (headers/xmip6.h "nh_state"), for the
 * one who follows the kernel's routes, neighbours and links.
 * dp_nh_bump() starts a new generation (every cached next hop goes stale;
 * the first call turns the cache on) with the XMIP6_NH_F_* @flags that
 * hold for it, dp_nh_renew() keeps its lease
 * (XMIP6_NH_LEASE_MS) running, to be called more often than that,
 * dp_nh_off() turns it off: nobody follows any more, every packet looks
 * its route up. dp_nh_state_read() is for the views. -EOPNOTSUPP (logged)
 * when the instance has no cache.
 */
int dp_nh_bump(const struct xmip6_dp *dp, __u32 flags);
int dp_nh_renew(const struct xmip6_dp *dp, unsigned long long now_ns);
int dp_nh_off(const struct xmip6_dp *dp);
int dp_nh_state_read(const struct xmip6_dp *dp, struct xmip6_nh_state *st);

/* Counters: summed over all possible CPUs; cleared on all of them. */
int dp_stats_read(const struct xmip6_dp *dp, struct xmip6_stats *sum);
int dp_stats_clear(const struct xmip6_dp *dp);

struct dp_stat_desc {
	const char *name;
	const char *desc;
};

/* Name and description of counter i, in struct xmip6_stats order. */
extern const struct dp_stat_desc dp_stat_descs[XMIP6_STAT_COUNT];

static inline __u64 dp_stat_value(const struct xmip6_stats *s, size_t i)
{
	return ((const __u64 *)s)[i];
}

/* What is attached: one entry per pinned link, and one per legacy tc filter. */
struct dp_link_info {
	char name[NAME_MAX + 1];  /* pin name under links/, e.g. "eth0_xdp" */
	char ifname[IF_NAMESIZE]; /* from the pin name (or the interface if legacy) */
	enum dp_hook hook;
	bool legacy_tc; /* a clsact filter, not a link (kernel without tcx) */
	__u32 link_id;	/* 0 for legacy_tc */
	__u32 prog_id;
	char prog_name[BPF_OBJ_NAME_LEN];
	__u32 ifindex; /* 0: the interface is gone, the link is defunct */
};

typedef int (*dp_link_cb)(const struct dp_link_info *link, void *ctx);

int dp_link_foreach(const struct xmip6_dp *dp, dp_link_cb cb, void *ctx);

/*
 * Write @ifname's (@ifindex's) Ethernet address into the instance's
 * "if_macs" map (user/dp/ifmac.c), or clear its entry when it has none, so
 * that the XDP programs pass frames for other hosts (bpf/l2.h). dp_attach()
 * calls it; a daemon calls it again on a link change (address changed,
 * interface re-created). An instance without the map, or an ifindex beyond
 * it (a warning), is not filtered: 0.
 */
int dp_if_mac_update(const char *pin_dir, const char *ifname, unsigned int ifindex);

/* libbpf's own messages are shown only when LOG_DEBUG is enabled. */
void dp_libbpf_quiet(void);

#endif /* XMIP6_DATAPLANE_H */
