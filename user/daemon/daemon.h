/* SPDX-License-Identifier: GPL-2.0 */
/*
 * daemon.h - the daemon context, its message counters, the common receive
 * and send paths for Mobility Header messages (daemon.c), and what a role
 * registers to take part (hooks.c): the Mobility Header types it takes,
 * descriptors to watch, tick hooks, reload and stop hooks, control-socket
 * commands. The daemon itself knows no role; the roles (user/roles/) start
 * from the role table the event loop walks (roles/roles.h).
 */
#ifndef XMIP6_DAEMON_H
#define XMIP6_DAEMON_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include "config/config.h"
#include "daemon/ctl.h"
#include "dp/dataplane.h"
#include "wire/mh.h"
#include "net/ndisc.h"
#include "net/nl.h"
#include "wire/sigio.h"
#include "wire/auth.h"
#include "daemon/ratelimit.h"

struct json_object;
struct daemon;

/* Why a received Mobility Header packet went no further (counted, logged). */
#define DAEMON_DROPS(X)                                                                    \
	X(bad_packet, "IPv6 extension headers malformed or not ending in an MH")           \
	X(fragmented, "fragmented Mobility Header packets")                                \
	X(bad_checksum, "MH checksum wrong (section 9.2: silent drop)")                    \
	X(bad_payload_proto, "Payload Proto not 59 (ICMPv6 Parameter Problem sent)")       \
	X(bad_hdr_len, "Header Len below the type's minimum (Parameter Problem sent)")     \
	X(unknown_type, "unknown MH type (Binding Error status 2 sent)")                   \
	X(bad_option, "mobility option malformed")                                         \
	X(unexpected_type, "MH type that no role here takes (HoTIs at an HA, BA at a CN)") \
	X(hao_not_bu, "Home Address option on a message other than a BU")                  \
	X(rt2_not_ba, "type 2 routing header on a message other than a BA or BRR")         \
	X(ba_unexpected, "BA matching no Binding Update List entry or sequence")           \
	X(ba_auth_failed, "BA with a missing or wrong MN-HA authenticator")                \
	X(dad_busy, "BU while the proxy DAD table was full (retransmission will retry)")   \
	X(bad_home_addr, "BU, HoTI or CoTI without a unicast routable home address")       \
	X(update_rate, "authentic BU beyond MAX_UPDATE_RATE (3/s) for its home address")   \
	X(rr_unauthorized, "BU to the CN without Nonce Indices or a last, valid BAD")      \
	X(home_nonce_indices, "home BU (H=1) with Nonce Indices (section 9.5.1: drop)")    \
	X(hao_unbound, "data packet with a Home Address option and no binding (BE 1)")     \
	X(send_failed, "outgoing message the kernel refused")                              \
	X(worker_queue_full, "BU whose registration worker's queue stayed full for 1 s")

#define DAEMON_DROP_ENUM(name, desc) DROP_##name,
enum daemon_drop { DAEMON_DROPS(DAEMON_DROP_ENUM) DROP_COUNT };
#undef DAEMON_DROP_ENUM

#define MH_TYPE_SLOTS (MH_TYPE_KNOWN_MAX + 2) /* + one slot for unknown types */

struct daemon_stats {
	__u64 rx[MH_TYPE_SLOTS];
	__u64 tx[MH_TYPE_SLOTS];
	__u64 ba_sent[256];
	__u64 ba_received[256];
	__u64 be_sent[256];
	__u64 be_received[256];
	__u64 drops[DROP_COUNT];
	__u64 param_problem_sent;  /* ICMPv6 Parameter Problem (section 9.2) */
	__u64 errors_ratelimited;  /* Parameter Problems / Binding Errors not sent */
	__u64 replies_ratelimited; /* DHAAD Replies / MPAs not sent */
	/* Bindings a role created, refreshed, removed (the summary line's). */
	__u64 bindings_new;
	__u64 bindings_refreshed;
	__u64 bindings_removed;
	/* A mobile router's stored prefixes this home agent's configuration
	 * does not authorise (roles/ha_store.c): its binding followed alone. */
	__u64 nemo_store_refused;
};

/* The once-a-second summary line (summary.c): the counters as last logged. */
struct daemon_summary {
	unsigned long long start_ns;
	struct daemon_stats seen;
};

/*
 * BU -> BA latency: from the daemon taking the BU from the signal ring to
 * its BA handed to the send path (a proxy DAD wait included), counted in
 * buckets whose upper bounds are daemon_latency_bounds_us (daemon.c; the
 * metrics endpoint writes them cumulative, as a Prometheus histogram). The
 * ring record's own time (bpf_ktime_get_coarse_ns()) ticks by the jiffy,
 * too coarse for these buckets.
 */
#define DAEMON_LATENCY_BUCKETS 13
extern const unsigned int daemon_latency_bounds_us[DAEMON_LATENCY_BUCKETS];

struct daemon_latency {
	__u64 bucket[DAEMON_LATENCY_BUCKETS + 1]; /* not cumulative; the last: beyond all */
	__u64 count;
	__u64 sum_ns;
};

/*
 * What a role exports to the metrics endpoint (metrics.c): one sample of
 * gauge @name, with @labels ("role=\"ha\"", static), read by @fn on the
 * event loop when a scrape asks, so @fn may read the role's state. Samples
 * of one name share the first one's @help.
 */
typedef __u64 (*daemon_gauge_fn)(void *arg);

struct daemon_gauge {
	const char *name;
	const char *labels;
	const char *help;
	daemon_gauge_fn fn;
	void *arg;
};

/*
 * A source of metrics run on the HTTP thread at each scrape, writing
 * Prometheus text lines to @out: it may read BPF maps by syscall (what the
 * kernel makes thread-safe) and nothing of the event loop's. Where
 * per-binding counters (bounded top N) plug in. 0 or -errno (the scrape
 * then answers 500).
 */
typedef int (*daemon_metrics_fn)(FILE *out, void *arg);

struct daemon_metrics_source {
	daemon_metrics_fn fn;
	void *arg;
};

/* The roles' xmip6_bindings samples share this help line. */
#define BINDINGS_GAUGE_HELP                                                                  \
	"Bindings the role holds: the home agent's and correspondent's binding caches, the " \
	"mobile node's home registration (1 while accepted)"

#define DAEMON_MAX_GAUGES  8
#define DAEMON_MAX_SOURCES 4

#define DAEMON_MAX_HOOKS 16 /* descriptors and tick hooks */
#define DAEMON_MAX_ROLES 4
#define DAEMON_MAX_CTL	 16 /* control-socket commands */

/* A callback the event loop runs when a descriptor is readable, or per tick. */
typedef void (*daemon_hook_fn)(struct daemon *d, void *arg, unsigned long long now_ns);

struct daemon_hook {
	int fd; /* -1 for a tick hook */
	daemon_hook_fn fn;
	void *arg;
};

/* A Mobility Header message that passed the checks of section 9.2. */
typedef void (*daemon_mh_fn)(struct daemon *d, void *arg, const struct sig_rx *rx,
			     const struct mh_msg *msg);

struct daemon_mh_handler {
	daemon_mh_fn fn; /* NULL: no role takes the type */
	void *arg;
};

/* A packet the data plane passed up whole, with the interface it came in on. */
typedef void (*daemon_packet_fn)(struct daemon *d, void *arg, const void *packet, size_t len,
				 int ifindex);

struct daemon_packet_handler {
	daemon_packet_fn fn; /* NULL: nobody takes such packets */
	void *arg;
};

/*
 * A role's part in the daemon's life, registered as the role starts with
 * its state as @arg. Any hook may be NULL.
 */
struct daemon_role_hooks {
	/* SIGHUP, before anything changes: why @next needs a restart, or NULL. */
	const char *(*reload_refused)(const struct daemon *d, void *arg,
				      const struct xmip6d_config *next);
	/* SIGHUP taken: before the configuration is swapped (nothing may point
	 * into the old one after it), and after (d->cfg is the new one). */
	void (*reload_before)(struct daemon *d, void *arg);
	void (*reload_after)(struct daemon *d, void *arg);
	/* The daemon stops: let go of the state; the data plane stays. */
	void (*stop)(struct daemon *d, void *arg);
};

struct daemon_role {
	const struct daemon_role_hooks *hooks;
	void *arg;
};

/*
 * A role's binding cache, as the operator edits it (`xmip6ctl binding
 * add/del/flush`): the role's own bookkeeping (counts, proxy ND) goes with
 * each change. Errors return -errno with a one-line reason in @err.
 */
struct daemon_bcache_ops {
	/* A binding set by hand, @lifetime_s 0: static. NULL: not taken. */
	int (*add)(void *arg, const struct in6_addr *hoa, const struct in6_addr *coa,
		   __u32 lifetime_s, char *err, size_t errlen);
	int (*del)(void *arg, const struct in6_addr *hoa, char *err, size_t errlen);
	/* Every binding: how many went. */
	int (*flush)(void *arg);
};

/*
 * Where a thread sends from and counts what it sent: the event loop's
 * sockets and counters (the daemon's own), or a registration worker's
 * (workers.c), which the event loop adds to the daemon's.
 */
struct daemon_lane {
	struct sig_socks *socks;
	struct daemon_stats *stats;
	struct daemon_latency *bu_ba;
	/* Binding refreshes written before the lane's answers leave (dataplane.h). */
	struct dp_refresh_batch *refreshes;
};

struct daemon_workers;

/*
 * One more on a lane's counter: a whole store, since the event loop reads
 * a worker's while it counts (one writer a lane; a plain move on x86).
 */
static inline void daemon_ctr_add(__u64 *c, __u64 n)
{
	__atomic_store_n(c, *c + n, __ATOMIC_RELAXED);
}

struct daemon {
	struct xmip6d_config cfg;
	struct xmip6_dp dp;
	struct sig_socks socks;
	struct nl nl;
	struct ndisc nd;
	bool nd_open;
	struct daemon_stats stats;
	struct daemon_summary summary;
	struct token_bucket errors; /* daemon_error_allowed()'s */
	int epfd;		    /* the event loop's epoll, created before the roles start */
	/* What the running roles registered (hooks.c, daemon_mh_handler_reg). */
	struct daemon_hook hooks[DAEMON_MAX_HOOKS];
	int n_hooks;
	struct daemon_mh_handler mh[MH_TYPE_KNOWN_MAX + 1];
	struct daemon_packet_handler hao_unbound;
	struct daemon_packet_handler mpa;
	struct daemon_packet_handler mps;
	struct daemon_role roles[DAEMON_MAX_ROLES];
	int n_roles;
	const struct daemon_bcache_ops *bcache; /* NULL: no role keeps one */
	void *bcache_arg;
	struct ctl_command ctl[DAEMON_MAX_CTL + 1]; /* ended by a NULL name */
	int n_ctl;
	/* For the metrics endpoint (metrics.c): what roles export, and the
	 * BU -> BA latency daemon_send_ba() measures. */
	struct daemon_gauge gauges[DAEMON_MAX_GAUGES];
	int n_gauges;
	struct daemon_metrics_source msources[DAEMON_MAX_SOURCES];
	int n_msources;
	struct daemon_latency bu_ba;
	struct daemon_lane lane; /* the event loop's, for its send batch's failures */
	/* The event loop's binding refreshes (the HA's: daemon_refreshes_init()). */
	struct dp_refresh_batch refreshes;
	/* The registration workers (workers.c, signal-workers), or NULL. */
	struct daemon_workers *workers;
};

/* ---- starting (daemon.c) ------------------------------------------------------------------- */

/* Every configured interface exists (-ENODEV, logged, when one does not). */
int daemon_check_interfaces(const struct daemon *d, const char (*ifnames)[IF_NAMESIZE], int n);

/* Attach the data plane (signalling on) to each interface and open it. */
int daemon_attach(struct daemon *d, const char (*ifnames)[IF_NAMESIZE], int n,
		  const struct dp_attach_opts *opts);

/* ---- what a role registers (hooks.c, daemon.c) ---------------------------------------------- */

/*
 * @fn takes the Mobility Header messages of @type (at most one taker a
 * type: -EEXIST). A BU no role takes is answered 131 (home registration
 * not supported) or, without H, 128; any other type is dropped as
 * unexpected_type.
 */
int daemon_mh_handler_reg(struct daemon *d, __u8 type, daemon_mh_fn fn, void *arg);
/* @fn takes the data plane's XMIP6_SIGNAL_F_HAO_UNBOUND packets (-EEXIST). */
int daemon_hao_unbound_reg(struct daemon *d, daemon_packet_fn fn, void *arg);
/* @fn takes the data plane's XMIP6_SIGNAL_F_MPA packets, RH2 included (-EEXIST); NULL: nobody. */
int daemon_mpa_reg(struct daemon *d, daemon_packet_fn fn, void *arg);
/* @fn takes the data plane's XMIP6_SIGNAL_F_MPS packets, HAO included (-EEXIST); NULL: nobody. */
int daemon_mps_reg(struct daemon *d, daemon_packet_fn fn, void *arg);

/*
 * Run @fn when @fd is readable (daemon_watch) or at every 50 ms tick
 * (daemon_on_tick), in the order registered, without touching the event
 * loop. -ENOSPC when DAEMON_MAX_HOOKS are taken.
 */
int daemon_watch(struct daemon *d, int fd, daemon_hook_fn fn, void *arg);
int daemon_on_tick(struct daemon *d, daemon_hook_fn fn, void *arg);
/* Open the Neighbor Discovery socket (d->nd) and read it from the loop. */
int daemon_open_nd(struct daemon *d);

/*
 * A role's state of @size octets, zeroed, with @hooks (static) on it until
 * the daemon stops, whatever the rest of the role's start does. NULL when
 * out of memory (or DAEMON_MAX_ROLES run).
 */
void *daemon_role_new(struct daemon *d, const struct daemon_role_hooks *hooks, size_t size);

/* The operator's commands edit the binding cache with @ops (static) on @arg. -EEXIST. */
int daemon_bcache_reg(struct daemon *d, const struct daemon_bcache_ops *ops, void *arg);

/* Control-socket command @name runs @fn with @arg. -EEXIST, -ENOSPC. */
int daemon_ctl_reg(struct daemon *d, const char *name, ctl_handler_fn fn, void *arg);

/* A gauge sample or a metrics source (see above) for the endpoint. -ENOSPC. */
int daemon_gauge_reg(struct daemon *d, const char *name, const char *labels, const char *help,
		     daemon_gauge_fn fn, void *arg);
int daemon_metrics_source_reg(struct daemon *d, daemon_metrics_fn fn, void *arg);

/* ---- the event loop's side (hooks.c) ------------------------------------------------------ */

bool daemon_run_hook(struct daemon *d, __u32 tag, unsigned long long now_ns);
void daemon_run_tick_hooks(struct daemon *d, unsigned long long now_ns);
/* The first role's reason to refuse @next (a restart is needed), or NULL. */
const char *daemon_reload_refused(const struct daemon *d, const struct xmip6d_config *next);
void daemon_reload_before(struct daemon *d);
void daemon_reload_after(struct daemon *d);
/* Stop the roles, the last one started first. */
void daemon_stop_roles(struct daemon *d);

/* ---- receiving and sending (daemon.c) ------------------------------------------------------ */

void daemon_count_drop(struct daemon *d, enum daemon_drop why);
/*
 * RFC 4443 section 2.4(f): whether one more ICMPv6 error or Binding Error
 * may go out now (a token bucket shared by every error the daemon sends);
 * counts the refusal in errors_ratelimited.
 */
bool daemon_error_allowed(struct daemon *d);
/*
 * MAX_UPDATE_RATE (RFC 6275 sections 11.8, 12) for an authentic Binding
 * Update about @hoa, on the role's table @t: false when it is one too many
 * this second, counted (update_rate) and logged (pr_packet): the
 * caller discards it unanswered and the mobile node retransmits after its
 * backoff. Callers check it after authentication, so forged BUs cannot use
 * up a node's allowance, and before anything that writes a map or sends.
 */
bool daemon_bu_rate_ok(struct daemon *d, struct update_rate *t, const struct in6_addr *hoa,
		       __u16 sequence);
struct json_object *daemon_stats_json(const struct daemon *d);

/*
 * At log level info, once a second when anything happened: BUs received,
 * BAs sent by status, bindings new/refreshed/removed, drops by reason,
 * refusals the error budget kept back (summary.c). From the event loop's
 * tick.
 */
void daemon_summary_tick(struct daemon *d, unsigned long long now);

/* The name of drop counter @why ("update_rate"), as stats-show prints it. */
const char *daemon_drop_name(enum daemon_drop why);
void daemon_stats_clear(struct daemon *d);

/*
 * One record of the data plane's signal ring buffer (the ring buffer
 * callback; @ctx is the daemon): a Mobility Header packet goes through the
 * checks of RFC 6275 section 9.2 to the role that takes its type, a packet
 * with a Home Address option and no binding to its registered taker.
 */
int daemon_signal_record(void *ctx, void *data, size_t size);

/*
 * Send @mh (built, authenticator filled) per @tx; counts it or the failure.
 * Between daemon_batch_begin() and daemon_batch_end() (the event loop,
 * around one drain of the signal ring) the message is queued and goes out
 * with the batch (sig_queue()): 0 then means queued, and a refusal by the
 * kernel is counted (send_failed) and taken off the sent counters when the
 * batch goes.
 */
int daemon_send(struct daemon *d, struct sig_tx *tx, __u8 mh_type);
void daemon_batch_begin(struct daemon *d);
void daemon_batch_end(struct daemon *d);

/*
 * Binding Acknowledgement answering the BU in @rx: to its source, with a
 * type 2 routing header holding the home address when the BU had a HAO
 * (section 6.4). With @sa (and its key) it carries the RFC 4285 MN-HA
 * authenticator over @coa: the care-of address the BU's authenticator
 * covered and the binding holds (its Alternate Care-of Address when it had
 * one, section 6.2.5); NULL = the BU's source. With @timestamp a Replay
 * Protection option; with @refresh_s a Binding Refresh Advice (section
 * 6.2.4) when the status accepts and the interval is shorter than the
 * granted lifetime.
 */
int daemon_send_ba(struct daemon *d, const struct sig_rx *rx, const struct mh_ba_fields *ba,
		   const struct config_mn_entry *sa, const struct in6_addr *coa, __u64 timestamp,
		   __u32 refresh_s);

/*
 * daemon_send_ba() from another lane (a registration worker's), and that
 * lane's send batch's report of a refusal by the kernel (sig_batch_start()'s
 * @failed, with the lane as @ctx).
 */
int daemon_lane_send_ba(const struct daemon_lane *l, const struct sig_rx *rx,
			const struct mh_ba_fields *ba, const struct config_mn_entry *sa,
			const struct in6_addr *coa, __u64 timestamp, __u32 refresh_s);
void daemon_lane_send_failed(void *ctx, __u32 tag, int err);
/* sig_batch_start()'s @before for a lane: its binding refreshes written. */
void daemon_lane_before_send(void *ctx);
/*
 * The refresh batches of the event loop and of the workers started after
 * this call write to the data plane and @replay_fd (-1: none); until it is
 * called nothing is queued in them.
 */
void daemon_refreshes_init(struct daemon *d, int replay_fd);

/*
 * A Mobility Header packet a registration worker handed back (workers.c),
 * through the checks and to its role again, from the event loop; its
 * receive counters are not counted twice, @rx_ns is when it left the ring.
 */
void daemon_receive_again(struct daemon *d, const void *packet, size_t len, int ifindex,
			  bool tunnelled, unsigned long long rx_ns);

/*
 * Binding Error (section 6.1.9) to the source of @rx: @status, and the home
 * address from its HAO when it had one.
 */
void daemon_send_be(struct daemon *d, const struct sig_rx *rx, __u8 status);

/* Names for the ctl protocol and logs: "accepted", "seq_out_of_window", ... */
const char *daemon_ba_status_key(__u8 status);

#endif /* XMIP6_DAEMON_H */
