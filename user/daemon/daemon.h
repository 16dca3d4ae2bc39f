/* SPDX-License-Identifier: GPL-2.0 */
/*
 * daemon.h - what the parts of xmip6d share: the daemon context, its
 * message counters, and the common receive and send paths for Mobility
 * Header messages (daemon.c). The home agent (ha.c) and mobile node (mn.c)
 * roles plug into it.
 */
#ifndef XMIP6_DAEMON_H
#define XMIP6_DAEMON_H

#include <stdbool.h>
#include <linux/types.h>

#include "config/config.h"
#include "dp/dataplane.h"
#include "wire/mh.h"
#include "net/ndisc.h"
#include "net/nl.h"
#include "wire/sigio.h"
#include "wire/auth.h"
#include "daemon/ratelimit.h"

struct json_object;
struct daemon;
struct ha;
struct mn;
struct cn;
struct ro;

/* Why a received Mobility Header packet went no further (counted, logged). */
#define DAEMON_DROPS(X)                                                                    \
	X(bad_packet, "IPv6 extension headers malformed or not ending in an MH")           \
	X(fragmented, "fragmented Mobility Header packets")                                \
	X(bad_checksum, "MH checksum wrong (section 9.2: silent drop)")                    \
	X(bad_payload_proto, "Payload Proto not 59 (ICMPv6 Parameter Problem sent)")       \
	X(bad_hdr_len, "Header Len below the type's minimum (Parameter Problem sent)")     \
	X(unknown_type, "unknown MH type (Binding Error status 2 sent)")                   \
	X(bad_option, "mobility option malformed")                                         \
	X(unexpected_type, "MH type this role does not take (HoTI at an HA, BU at an MN)") \
	X(hao_not_bu, "Home Address option on a message other than a BU")                  \
	X(rt2_not_ba, "type 2 routing header on a message other than a BA or BRR")         \
	X(ba_unexpected, "BA matching no Binding Update List entry or sequence")           \
	X(ba_auth_failed, "BA with a missing or wrong MN-HA authenticator")                \
	X(dad_busy, "BU while the proxy DAD table was full (retransmission will retry)")   \
	X(bad_home_addr, "BU, HoTI or CoTI without a unicast routable home address")       \
	X(update_rate, "authentic BU beyond MAX_UPDATE_RATE (3/s) for its home address")   \
	X(rr_unauthorized, "BU to the CN without Nonce Indices or a last, valid BAD")      \
	X(hao_unbound, "data packet with a Home Address option and no binding (BE 1)")     \
	X(send_failed, "outgoing message the kernel refused")

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
	__u64 param_problem_sent; /* ICMPv6 Parameter Problem (section 9.2) */
	__u64 errors_ratelimited; /* Parameter Problems / Binding Errors not sent */
};

#define DAEMON_MAX_HOOKS 16

/* A callback the event loop runs when a descriptor is readable, or per tick. */
typedef void (*daemon_hook_fn)(struct daemon *d, void *arg, unsigned long long now_ns);

struct daemon_hook {
	int fd; /* -1 for a tick hook */
	daemon_hook_fn fn;
	void *arg;
};

struct daemon {
	struct xmip6d_config cfg;
	struct xmip6_dp dp;
	struct sig_socks socks;
	struct nl nl;
	struct ndisc nd;
	bool nd_open;
	struct daemon_stats stats;
	unsigned int err_tokens; /* error_allowed()'s bucket */
	unsigned long long err_last_ns;
	int epfd; /* the event loop's epoll, created before the roles start */
	struct daemon_hook hooks[DAEMON_MAX_HOOKS];
	int n_hooks;
	struct ha *ha; /* NULL unless the home-agent role runs */
	struct mn *mn; /* NULL unless the mobile-node role runs */
	struct cn *cn; /* NULL unless the correspondent-node role runs */
	struct ro *ro; /* MN: route optimisation (ro.c), NULL when the policy is "none" */
};

/* Every configured interface exists (-ENODEV, logged, when one does not). */
int daemon_check_interfaces(const struct daemon *d, const char (*ifnames)[IF_NAMESIZE], int n);

/* Attach the data plane (signalling on) to each interface and open it. */
int daemon_attach(struct daemon *d, const char (*ifnames)[IF_NAMESIZE], int n,
		  const struct dp_attach_opts *opts);

/*
 * Let a part of the daemon (discovery, movement detection, ...) run @fn when
 * @fd is readable (daemon_watch) or at every 50 ms tick (daemon_on_tick),
 * without touching the event loop. -ENOSPC when DAEMON_MAX_HOOKS are taken.
 */
int daemon_watch(struct daemon *d, int fd, daemon_hook_fn fn, void *arg);
int daemon_on_tick(struct daemon *d, daemon_hook_fn fn, void *arg);
/* Open the Neighbor Discovery socket (d->nd) and read it from the loop. */
int daemon_open_nd(struct daemon *d);
/* For the event loop (xmip6d.c). */
bool daemon_run_hook(struct daemon *d, __u32 tag, unsigned long long now_ns);
void daemon_run_tick_hooks(struct daemon *d, unsigned long long now_ns);

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
void daemon_stats_clear(struct daemon *d);

/*
 * Hand one packet from the signal ring buffer to the checks of RFC 6275
 * section 9.2 and then to the role that takes its type.
 */
void daemon_receive(struct daemon *d, const void *packet, size_t len, int ifindex, bool tunnelled);

/* Send @mh (built, authenticator filled) per @tx; counts it or the failure. */
int daemon_send(struct daemon *d, struct sig_tx *tx, __u8 mh_type);

/*
 * Binding Acknowledgement answering the BU in @rx: to its source, with a
 * type 2 routing header holding the home address when the BU had a HAO
 * (section 6.4). With @sa (and its key) it carries the RFC 4285 MN-HA
 * authenticator; with @timestamp a Replay Protection option; the HA's
 * Binding Refresh Advice when configured and the status accepts.
 */
int daemon_send_ba(struct daemon *d, const struct sig_rx *rx, const struct mh_ba_fields *ba,
		   const struct config_mn_entry *sa, __u64 timestamp);

/*
 * Binding Error (section 6.1.9) to the source of @rx: @status, and the home
 * address from its HAO when it had one.
 */
void daemon_send_be(struct daemon *d, const struct sig_rx *rx, __u8 status);

/* Names for the ctl protocol and logs: "accepted", "seq_out_of_window", ... */
const char *daemon_ba_status_key(__u8 status);

/* Roles (ha.c, mn.c). Each returns 0 or -errno, logged. */
int ha_start(struct daemon *d);
void ha_stop(struct daemon *d);
/* Before the configuration is swapped (SIGHUP): forget DAD-pending BUs. */
void ha_cancel_pending(struct daemon *d);
/*
 * The data plane's signalling admission from the configuration: the
 * mobile-nodes list into the "admit" map, XMIP6_CFG_F_ADMIT unless
 * accept-unlisted. At start and after a reload. 0 or -errno, logged.
 */
int ha_admit_sync(struct daemon *d);
void ha_receive(struct daemon *d, const struct sig_rx *rx, const struct mh_msg *msg);
void ha_tick(struct daemon *d, unsigned long long now_ns);
int ha_binding_add(struct daemon *d, const struct in6_addr *hoa, const struct in6_addr *coa,
		   __u32 lifetime_s, char *err, size_t errlen);
int ha_binding_del(struct daemon *d, const struct in6_addr *hoa, char *err, size_t errlen);
int ha_binding_flush(struct daemon *d);
struct json_object *ha_home_agents_json(const struct daemon *d);

int mn_start(struct daemon *d);
void mn_stop(struct daemon *d);
void mn_receive(struct daemon *d, const struct sig_rx *rx, const struct mh_msg *msg);
void mn_tick(struct daemon *d, unsigned long long now_ns);
struct json_object *mn_bul_json(const struct daemon *d);
struct json_object *mn_home_agents_json(const struct daemon *d);

/*
 * Correspondent node (cn.c): return routability (HoTI/CoTI -> HoT/CoT),
 * Binding Updates with the Nonce Indices and Binding Authorization Data
 * options (section 9.5), Binding Refresh Requests before expiry.
 * cn_receive() takes HoTI, CoTI and BU; cn_hao_unbound() takes the data
 * plane's XMIP6_SIGNAL_F_HAO_UNBOUND records (Binding Error status 1).
 */
int cn_start(struct daemon *d);
void cn_stop(struct daemon *d);
void cn_receive(struct daemon *d, const struct sig_rx *rx, const struct mh_msg *msg);
void cn_hao_unbound(struct daemon *d, const void *packet, size_t len, int ifindex);
void cn_tick(struct daemon *d, unsigned long long now_ns);
/* Operator commands (`xmip6ctl binding del/flush`) on the CN's binding cache. */
int cn_binding_del(struct daemon *d, const struct in6_addr *hoa, char *err, size_t errlen);
int cn_binding_flush(struct daemon *d);

/*
 * Mobile node route optimisation (ro.c): the per-correspondent Binding
 * Update List, return routability and the "ro" map. mn.c calls these:
 * ro_start() after mn_start() has attached (no-op for policy "none"),
 * ro_receive() for HoT, CoT, and BA/BRR/BE from a correspondent,
 * ro_moved() when the home registration changes care-of address or is
 * lost, ro_home() when back home; ro_bul_json() appends to `bul show`.
 */
int ro_start(struct daemon *d);
void ro_stop(struct daemon *d);
void ro_receive(struct daemon *d, const struct sig_rx *rx, const struct mh_msg *msg);
void ro_tick(struct daemon *d, unsigned long long now_ns);
void ro_moved(struct daemon *d);
void ro_home(struct daemon *d);
/*
 * Whether the route-optimization policy of @cfg lets the MN register with
 * @peer: never with "none", never for a link-local, site-local, multicast
 * or otherwise unusable address, nor the HA, the home or care-of address
 * themselves; "all", or inside a listed prefix (an address is a /128).
 */
bool ro_policy_allows(const struct config_mn *cfg, const struct in6_addr *peer,
		      const struct in6_addr *ha, const struct in6_addr *hoa,
		      const struct in6_addr *coa);
/* True when @addr (a BA's, BRR's or BE's source) is a correspondent in the BUL. */
bool ro_is_correspondent(const struct daemon *d, const struct in6_addr *addr);
void ro_bul_json(const struct daemon *d, struct json_object *arr);

#endif /* XMIP6_DAEMON_H */
