// SPDX-License-Identifier: GPL-2.0
/*
 * ha.c - the home agent: home registrations (RFC 6275 section 10.3) with
 * RFC 4285 MN-HA authentication, and proxy DAD on a physical home link
 * before a first registration (section 10.4.1). The binding cache, with
 * proxy Neighbor Discovery and expiry, is ha_cache.c; only first
 * registrations that wait for proxy DAD live in memory here.
 */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "wire/auth.h"
#include "cluster/cluster.h"
#include "daemon/daemon.h"
#include "daemon/workers.h"
#include "dp/replay.h"
#include "roles/disc_ha.h"
#include "roles/ha.h"
#include "roles/ha_cache.h"
#include "roles/ha_link.h"
#include "roles/ha_nemo.h"
#include "roles/ha_revoke.h"
#include "roles/ha_store.h"
#include "roles/hao_unbound.h"
#include "roles/nexthop.h"
#include "common/util.h"

#define NSEC_PER_MSEC 1000000ULL

/* A first registration waiting for proxy DAD (section 10.4.1). */
struct ha_pending {
	bool active;
	struct sig_rx rx; /* addresses only: packet pointers cleared */
	struct in6_addr hoa, coa;
	struct mh_bu_fields bu;
	__u32 granted_s;
	__u64 timestamp;
	const struct config_mn_entry *sa;
	struct nemo_reg nemo; /* what it registers (RFC 3963): ha_nemo.h */
	bool ll_too;	      /* L=1: the link-local address is probed too */
	struct in6_addr ll;
	unsigned long long deadline_ns;
};

struct ha {
	struct daemon *d;
	struct ha_cache cache;
	struct ha_pending pending[NDISC_MAX_DAD / 2];
	/* MAX_UPDATE_RATE per home address, for authentic BUs (ratelimit.h). */
	struct update_rate update_rate;
	struct disc_ha *disc;	  /* DHAAD and mobile prefixes (disc_ha.c) */
	int replay_fd;		  /* newest accepted timestamp per HoA and SPI (dp/replay.h) */
	struct ha_revoke *revoke; /* during a reload: the bindings' old associations */
	struct ha_link *link;	  /* the interfaces as they change (ha_link.c) */
	struct cluster *cluster;  /* the binding cache shared through etcd, or NULL */
};

/* ---- BU processing (section 10.3.1, RFC 4285) ------------------------------------------- */

struct bu_ctx {
	const struct sig_rx *rx;
	const struct mh_msg *msg;
	struct in6_addr hoa, coa;
	const struct config_mn_entry *sa;
	__u64 timestamp; /* of the BU's Replay Protection option, 0 = none */
	bool have_old;
	struct xmip6_binding old;
	struct nemo_reg nemo; /* a host, or a mobile router and its prefixes */
	__u8 ba_flags;	      /* MH_BA_F_ROUTER for a mobile router's (RFC 3963 6.6) */
	bool stored;	      /* the cluster's store took it (store_done) */
	/* The thread's batch of refreshes (dataplane.h); NULL: write at once. */
	struct dp_refresh_batch *refreshes;
};

static void to_store(struct ha *ha, const struct bu_ctx *c, __u32 granted_s);

static struct mh_ba_fields ba_fields(const struct bu_ctx *c, __u8 status, __u16 sequence,
				     __u32 granted_s)
{
	return (struct mh_ba_fields){
		.status = status,
		.flags = status < MH_BA_REJECTED_MIN ? c->ba_flags : 0,
		.sequence = sequence,
		.lifetime = granted_s / 4,
	};
}

static void reply(struct ha *ha, const struct bu_ctx *c, __u8 status, __u16 sequence,
		  __u32 granted_s, bool sign)
{
	struct mh_ba_fields ba = ba_fields(c, status, sequence, granted_s);
	struct daemon *d = ha->d;
	struct addr6_buf h, o;
	__u64 ts = c->timestamp;

	/* A refusal sent unauthenticated (the BU failed authentication or was
	 * refused before it) goes to whatever source the packet claims: with
	 * forged BUs it would reflect a flood at someone else; a signed one
	 * answers every replayed copy of a captured BU (144). All share the
	 * ICMPv6 error budget (RFC 4443 section 2.4 (f), RFC 6275 section 15). */
	if (status >= MH_BA_REJECTED_MIN && !daemon_error_allowed(d))
		return;
	if (status >= MH_BA_REJECTED_MIN)
		pr_packet(LOG_NOTICE, "BU from %s for %s seq %u refused: %u %s",
			  addr6_str(&c->coa, &o), addr6_str(&c->hoa, &h), c->msg->bu.sequence,
			  status, mh_ba_status_str(status));
	/* RFC 4285 section 6: a timestamp out of the window is answered with
	 * ours, so that the MN can see how far off its clock is. */
	if (status == MH_BA_ID_MISMATCH)
		ts = auth_ntp_now();
	/* Acceptance is acknowledged when asked (A); refusals always are. */
	if (status < MH_BA_REJECTED_MIN && !(c->msg->bu.flags & XMIP6_BU_F_ACK))
		return;
	/* RFC 4285 section 5: over the care-of address the BU's authenticator
	 * covered and the binding holds, its Alternate CoA when it had one. */
	daemon_send_ba(d, c->rx, &ba, sign ? c->sa : NULL, &c->coa, ts,
		       d->cfg.ha.refresh_interval_s);
}

/*
 * The binding as the XDP program found it (headers/xmip6.h, struct
 * xmip6_signal_snap), when it can stand for the map's: read for this home
 * address and not written by this process since (dp/wlog.c). True with
 * c->have_old and c->old set.
 */
static bool old_from_record(struct bu_ctx *c)
{
	const struct xmip6_signal_snap *s = c->rx->snap;

	if (!s || !(s->flags & XMIP6_SNAP_TAKEN) ||
	    memcmp(&s->home_addr, &c->hoa, sizeof(c->hoa)) ||
	    !dp_wlog_unchanged_since(&c->hoa, s->at_ns))
		return false;
	c->have_old = s->flags & XMIP6_SNAP_BOUND;
	if (c->have_old)
		dp_binding_join(&s->fwd, &s->ctl, &c->old);
	return true;
}

/*
 * The binding the BU would change, if any: a refresh of it this drain still
 * held in the thread's batch, else the one the record brought, else the
 * map's (two bpf() calls).
 */
static void lookup_old(struct ha *ha, struct bu_ctx *c)
{
	if (c->refreshes && dp_refresh_pending(c->refreshes, &c->hoa, &c->old)) {
		c->have_old = true;
		return;
	}
	if (old_from_record(c))
		return;
	c->have_old = !dp_binding_lookup(&ha->d->dp, &c->hoa, &c->old);
}

/*
 * Any write of a binding but a batched refresh comes after the refreshes
 * the thread holds: one of them may be this home address's.
 */
static void settle_refreshes(const struct bu_ctx *c)
{
	if (c->refreshes)
		dp_refresh_flush(c->refreshes);
}

/*
 * An authentic refresh of a host binding (@c->old): the map and the replay
 * state through the thread's batch, written before the BA leaves. 0 or
 * -errno (logged).
 */
static int refresh_binding(const struct ha *ha, const struct bu_ctx *c,
			   const struct mh_bu_fields *bu, __u32 granted_s)
{
	return ha_cache_refresh(&ha->cache, c->refreshes, &c->hoa, &c->coa, &c->old, bu, granted_s,
				c->sa ? c->sa->spi : 0, c->sa ? c->timestamp : 0);
}

/*
 * A replay carries a timestamp we already accepted (or an older one). The
 * binding holds the newest; the replay map too, once the binding is gone
 * (deregistered, deleted, expired) or the daemon restarted (RFC 4285
 * section 6: the timestamp protects the association, not the binding).
 */
static bool replayed(const struct ha *ha, const struct bu_ctx *c)
{
	__u64 last = c->have_old ? c->old.auth_timestamp : 0, kept;

	/*
	 * Every accepted BU writes its timestamp to the binding and the replay
	 * map together (accept_binding, replay_note): while a binding holds
	 * one, the map holds no newer, and the lookup is saved (one bpf() call
	 * per refresh).
	 */
	if (last)
		return (__s64)(c->timestamp - last) <= 0;
	/* NTP timestamps (RFC 5905) compare by their difference: they wrap. */
	if (ha->replay_fd >= 0 && !dp_replay_get(ha->replay_fd, &c->hoa, c->sa->spi, &kept) &&
	    (!last || (__s64)(kept - last) > 0))
		last = kept;
	return last && (__s64)(c->timestamp - last) <= 0;
}

/* Remember the timestamp of an accepted BU beyond its binding. */
static void replay_note(struct ha *ha, const struct bu_ctx *c)
{
	struct addr6_buf h;
	int err;

	if (!c->timestamp || !c->sa || ha->replay_fd < 0)
		return;
	err = dp_replay_set(ha->replay_fd, &c->hoa, c->sa->spi, c->timestamp);
	if (err)
		pr_packet(LOG_ERR, "replay state for %s not kept: %s", addr6_str(&c->hoa, &h),
			  strerror(-err));
}

/*
 * RFC 4285: 0 when the BU is authentic and fresh, else the BA status. The
 * binding is looked up (lookup_old) only once the authenticator verified:
 * a forged BU costs one HMAC and no system call.
 */
static int check_auth(struct ha *ha, struct bu_ctx *c)
{
	const struct mh_msg *msg = c->msg;
	const struct config_ha *cfg = &ha->d->cfg.ha;
	int err;

	if (!cfg->require_auth && !msg->auth) {
		lookup_old(ha, c);
		return 0;
	}
	if (!c->sa || !c->sa->key_len || !msg->auth || msg->auth->subtype != MH_AUTH_SUBTYPE_MN_HA)
		return MH_BA_AUTH_FAIL;
	if (ntohl(msg->auth->spi) != c->sa->spi || !msg->auth_last)
		return MH_BA_AUTH_FAIL;
	err = auth_mnha_verify(msg->data, msg->len, &c->coa, &c->hoa, c->sa->key, c->sa->key_len);
	if (err)
		return MH_BA_AUTH_FAIL;
	if (!msg->mesg_id)
		return MH_BA_MESG_ID_REQUIRED;
	if (!auth_timestamp_fresh(c->timestamp, auth_ntp_now(), cfg->timestamp_window_s))
		return MH_BA_ID_MISMATCH;
	lookup_old(ha, c);
	if (replayed(ha, c))
		return MH_BA_ID_MISMATCH;
	return 0;
}

static bool coa_allowed(const struct config_mn_entry *sa, const struct in6_addr *coa)
{
	int i;

	if (!sa || !sa->n_coa_filter)
		return true;
	for (i = 0; i < sa->n_coa_filter; i++)
		if (config_prefix_match(&sa->coa_filter[i], coa))
			return true;
	return false;
}

static __u32 grant_lifetime(const struct ha *ha, const struct bu_ctx *c)
{
	__u32 granted = (__u32)c->msg->bu.lifetime * 4;
	__u32 cap = ha->d->cfg.ha.max_lifetime_s;

	if (c->sa && c->sa->max_lifetime_s && c->sa->max_lifetime_s < cap)
		cap = c->sa->max_lifetime_s;
	if (granted > cap)
		granted = cap;
	return granted / 4 * 4; /* what the BA can say */
}

static void deregister(struct ha *ha, struct bu_ctx *c)
{
	const struct mh_bu_fields *bu = &c->msg->bu;
	struct addr6_buf h;
	int err;

	if (!c->stored && (!c->have_old || !(c->old.flags & XMIP6_BU_F_HOME))) {
		reply(ha, c, MH_BA_NOT_HOME_AGENT, bu->sequence, 0, true);
		return;
	}
	if (!c->stored && !seq_newer(bu->sequence, c->old.sequence)) {
		reply(ha, c, MH_BA_SEQ_OUT_OF_WINDOW, c->old.sequence, 0, true);
		return;
	}
	if (ha->cluster && !c->stored) {
		to_store(ha, c, 0);
		return;
	}
	settle_refreshes(c);
	/* The store's delete may have reached the map first (watch.c). */
	err = c->have_old ? ha_cache_remove(&ha->cache, &c->hoa, &c->old) : 0;
	if (err) {
		pr_err("deregistering %s: %s", addr6_str(&c->hoa, &h), strerror(-err));
		reply(ha, c, MH_BA_REASON_UNSPECIFIED, bu->sequence, 0, true);
		return;
	}
	replay_note(ha, c);
	if (c->old.flags & XMIP6_BU_F_ROUTER)
		c->ba_flags = MH_BA_F_ROUTER;
	ha->d->stats.bindings_removed++;
	/* An event, but bounded: a mass deregistration is one summary line. */
	pr_packet(LOG_NOTICE, "home registration of %s removed (deregistration, seq %u)",
		  addr6_str(&c->hoa, &h), bu->sequence);
	reply(ha, c, MH_BA_ACCEPTED, bu->sequence, 0, true);
}

/*
 * Writes the binding accept_binding() accepted: a host's refresh through the
 * thread's batch (the common case under load), anything else (a new
 * binding, a mobile router's) at once, after the refreshes held. 0, or the
 * BA status of the failure.
 */
static int store_binding(struct ha *ha, struct bu_ctx *c, struct mh_bu_fields *bu, __u32 granted_s)
{
	bool was_router = c->have_old && (c->old.flags & XMIP6_BU_F_ROUTER);
	struct addr6_buf h;
	int err;

	if (!c->nemo.router)
		bu->flags &= ~XMIP6_BU_F_ROUTER;
	if (c->have_old && !was_router && !c->nemo.router && c->refreshes)
		return refresh_binding(ha, c, bu, granted_s) ? MH_BA_REASON_UNSPECIFIED : 0;
	settle_refreshes(c);
	/* RFC 3963 section 6.2: the prefixes before the binding that makes
	 * them forward; what cannot be set up is status 143. */
	if (c->nemo.router && ha_nemo_install(ha->d, &c->hoa, &c->nemo))
		return MH_BA_FORWARDING_SETUP_FAILED;
	err = ha_cache_store(&ha->cache, &c->hoa, &c->coa, c->have_old ? &c->old : NULL, bu,
			     granted_s, c->timestamp);
	if (!err && was_router && !c->nemo.router)
		ha_nemo_forget(ha->d, &c->hoa); /* a router's, a host's binding now */
	if (err && c->nemo.router && !was_router)
		ha_nemo_forget(ha->d, &c->hoa);
	if (err) {
		pr_err("storing the binding for %s: %s", addr6_str(&c->hoa, &h), strerror(-err));
		return err == -E2BIG || err == -ENOSPC ? MH_BA_INSUFFICIENT_RESOURCES
						       : MH_BA_REASON_UNSPECIFIED;
	}
	replay_note(ha, c);
	return 0;
}

static void accept_binding(struct ha *ha, struct bu_ctx *c, __u32 granted_s)
{
	struct mh_bu_fields bu_as = c->msg->bu, *bu = &bu_as;
	struct addr6_buf h, o;
	int status;

	if (ha->cluster && !c->stored) {
		to_store(ha, c, granted_s);
		return;
	}
	status = store_binding(ha, c, bu, granted_s);
	if (status) {
		reply(ha, c, status, bu->sequence, 0, true);
		return;
	}
	/*
	 * A new binding is an event the operator sees (bounded: a home agent
	 * starting with 1M nodes behind it logs 20 a second and how many more);
	 * a refresh is not: debug, and counted in the summary (summary.c).
	 */
	if (c->have_old) {
		ha->d->stats.bindings_refreshed++;
		if (log_enabled(LOG_DEBUG)) /* not even the addresses formatted */
			pr_debug("home registration refreshed: %s -> %s seq %u lifetime %u s",
				 addr6_str(&c->hoa, &h), addr6_str(&c->coa, &o), bu->sequence,
				 granted_s);
	} else {
		ha->d->stats.bindings_new++;
		pr_packet(LOG_NOTICE, "home registration: %s -> %s seq %u lifetime %u s%s",
			  addr6_str(&c->hoa, &h), addr6_str(&c->coa, &o), bu->sequence, granted_s,
			  c->nemo.router ? " (mobile router)" : "");
	}
	if (c->nemo.router)
		c->ba_flags = MH_BA_F_ROUTER;
	reply(ha, c, MH_BA_ACCEPTED, bu->sequence, granted_s, true);
}

static struct ha_pending *pending_find(struct ha *ha, const struct in6_addr *hoa)
{
	size_t i;

	for (i = 0; i < sizeof(ha->pending) / sizeof(ha->pending[0]); i++)
		if (ha->pending[i].active && !memcmp(&ha->pending[i].hoa, hoa, sizeof(*hoa)))
			return &ha->pending[i];
	return NULL;
}

/* Section 10.4.1: probe the home address (and its link-local twin) first. */
static void start_dad(struct ha *ha, struct bu_ctx *c, __u32 granted_s)
{
	struct daemon *d = ha->d;
	struct ha_pending *p = pending_find(ha, &c->hoa);
	unsigned long long now = mono_now_ns();
	struct addr6_buf h;
	size_t i;
	int err;

	if (p) {
		/* A retransmission while the probe runs: answer it when it ends. */
		if (seq_newer(c->msg->bu.sequence, p->bu.sequence)) {
			p->bu = c->msg->bu;
			p->coa = c->coa;
			p->granted_s = granted_s;
			p->timestamp = c->timestamp;
			p->nemo = c->nemo;
			p->rx.src = c->rx->src;
		}
		return;
	}
	for (i = 0; i < sizeof(ha->pending) / sizeof(ha->pending[0]); i++)
		if (!ha->pending[i].active)
			break;
	if (i == sizeof(ha->pending) / sizeof(ha->pending[0])) {
		daemon_count_drop(d, DROP_dad_busy);
		return;
	}
	p = &ha->pending[i];
	memset(p, 0, sizeof(*p));
	p->rx = *c->rx;
	p->rx.packet = p->rx.mh = NULL;
	p->rx.snap = NULL;
	p->rx.packet_len = p->rx.mh_len = 0;
	p->hoa = c->hoa;
	p->coa = c->coa;
	p->bu = c->msg->bu;
	p->granted_s = granted_s;
	p->timestamp = c->timestamp;
	p->sa = c->sa;
	p->nemo = c->nemo;
	p->ll_too = c->msg->bu.flags & XMIP6_BU_F_LLADDR;
	ha_link_local_of(&c->hoa, &p->ll);

	err = ndisc_dad_start(&d->nd, ha->cache.home_ifindex, &p->hoa);
	if (!err && p->ll_too)
		err = ndisc_dad_start(&d->nd, ha->cache.home_ifindex, &p->ll);
	if (err && err != -EALREADY) {
		/* Per BU: bounded (a burst of first registrations past the
		 * kernel's group memberships, ENOBUFS). */
		pr_packet(LOG_ERR, "proxy DAD for %s: %s", addr6_str(&c->hoa, &h), strerror(-err));
		ndisc_dad_finish(&d->nd, ha->cache.home_ifindex, &p->hoa);
		daemon_count_drop(d, DROP_dad_busy);
		return;
	}
	p->active = true;
	p->deadline_ns = now + ndisc_retrans_time_ms(ha->cache.home_ifindex) * NSEC_PER_MSEC;
	pr_debug("proxy DAD for %s started", addr6_str(&c->hoa, &h));
}

/* The context of a BU kept past its packet (@rx: addresses only). */
static void bu_ctx_again(struct bu_ctx *c, struct mh_msg *msg, const struct sig_rx *rx,
			 const struct mh_bu_fields *bu, const struct in6_addr *hoa,
			 const struct in6_addr *coa, __u64 timestamp)
{
	*msg = (struct mh_msg){.type = MH_TYPE_BU, .bu = *bu};
	*c = (struct bu_ctx){
		.rx = rx, .msg = msg, .hoa = *hoa, .coa = *coa, .timestamp = timestamp};
}

static void finish_dad(struct ha *ha, struct ha_pending *p)
{
	struct daemon *d = ha->d;
	struct mh_msg msg;
	struct bu_ctx c;
	bool in_use;

	bu_ctx_again(&c, &msg, &p->rx, &p->bu, &p->hoa, &p->coa, p->timestamp);
	c.sa = p->sa;
	c.nemo = p->nemo;
	in_use = ndisc_dad_finish(&d->nd, ha->cache.home_ifindex, &p->hoa) == 1;
	if (p->ll_too && ndisc_dad_finish(&d->nd, ha->cache.home_ifindex, &p->ll) == 1)
		in_use = true;
	p->active = false;

	c.have_old = !dp_binding_lookup(&d->dp, &p->hoa, &c.old);
	if (in_use) {
		reply(ha, &c, MH_BA_DAD_FAILED, p->bu.sequence, 0, true);
		return;
	}
	if (c.have_old && !seq_newer(p->bu.sequence, c.old.sequence)) {
		reply(ha, &c, MH_BA_SEQ_OUT_OF_WINDOW, c.old.sequence, 0, true);
		return;
	}
	accept_binding(ha, &c, p->granted_s);
}

/*
 * Section 9.5.1: a home registration carries no Nonce Indices option;
 * one that does is silently discarded (no BA), counted and logged.
 */
static void drop_home_nonce_indices(struct daemon *d, const struct bu_ctx *c)
{
	struct addr6_buf h, o;

	daemon_count_drop(d, DROP_home_nonce_indices);
	pr_packet(LOG_INFO, "BU from %s for %s seq %u dropped: Nonce Indices with H set",
		  addr6_str(&c->rx->src, &o), addr6_str(&c->hoa, &h), c->msg->bu.sequence);
}

/* What a BU says about itself, before anything is looked up but its association. */
static void bu_ctx_init(struct bu_ctx *c, const struct config_ha *cfg, const struct sig_rx *rx,
			const struct mh_msg *msg, struct dp_refresh_batch *refreshes)
{
	*c = (struct bu_ctx){.rx = rx, .msg = msg, .refreshes = refreshes};
	/* Away from home the home address is in the HAO and the source is the
	 * CoA; from home (deregistration) both are the source (section 11.5.4). */
	c->hoa = rx->has_hao ? rx->hao : rx->src;
	c->coa = msg->alt_coa ? msg->alt_coa->care_of_addr : rx->src;
	c->timestamp = msg->mesg_id ? mh_mesg_id_timestamp(msg->mesg_id) : 0;
	c->sa = config_find_mn(cfg, &c->hoa);
}

static void receive_bu(struct daemon *d, void *arg, const struct sig_rx *rx,
		       const struct mh_msg *msg)
{
	const struct mh_bu_fields *bu = &msg->bu;
	const struct config_ha *cfg = &d->cfg.ha;
	const struct in6_addr *hoa = rx->has_hao ? &rx->hao : &rx->src;
	struct ha *ha = arg;
	struct bu_ctx c;
	__u32 granted;
	int status;

	/* With signal-workers, to the home address's worker (receive_bu_on_worker). */
	if (daemon_workers_take(d, hoa, rx))
		return;
	bu_ctx_init(&c, cfg, rx, msg, &d->refreshes);

	if (!(bu->flags & XMIP6_BU_F_HOME)) {
		lookup_old(ha, &c);
		/* A correspondent registration is not the home agent's to take;
		 * one over a home registration changes its type (139). */
		status = c.have_old && (c.old.flags & XMIP6_BU_F_HOME) ? MH_BA_REG_TYPE_CHANGE
								       : MH_BA_REASON_UNSPECIFIED;
		reply(ha, &c, status, bu->sequence, 0, false);
		return;
	}
	if (msg->nonce_indices) {
		drop_home_nonce_indices(d, &c);
		return;
	}
	/* Section 10.3.1: a home address outside the home subnet is refused
	 * before anything else is looked at. */
	if (!config_prefix_match(&cfg->home_prefix, &c.hoa)) {
		reply(ha, &c, MH_BA_NOT_HOME_SUBNET, bu->sequence, 0, false);
		return;
	}
	if (!c.sa && !cfg->accept_unlisted) {
		reply(ha, &c, MH_BA_NOT_HOME_AGENT, bu->sequence, 0, false);
		return;
	}
	status = check_auth(ha, &c);
	if (status) {
		reply(ha, &c, status, bu->sequence, 0, status != MH_BA_AUTH_FAIL);
		return;
	}
	/* After authentication: forged BUs cannot use up the node's allowance. */
	if (!daemon_bu_rate_ok(d, &ha->update_rate, &c.hoa, bu->sequence))
		return;
	if (c.sa && !c.sa->enabled) {
		reply(ha, &c, MH_BA_ADMIN_PROHIBITED, bu->sequence, 0, true);
		return;
	}
	if (!bu->lifetime || !memcmp(&c.hoa, &c.coa, sizeof(c.coa))) {
		deregister(ha, &c);
		return;
	}
	if (!ha_coa_valid(&ha->d->cfg.ha, &c.coa)) {
		reply(ha, &c, MH_BA_INVALID_COA, bu->sequence, 0, true);
		return;
	}
	if (!coa_allowed(c.sa, &c.coa)) {
		reply(ha, &c, MH_BA_ADMIN_PROHIBITED, bu->sequence, 0, true);
		return;
	}
	if (c.have_old && !seq_newer(bu->sequence, c.old.sequence)) {
		reply(ha, &c, MH_BA_SEQ_OUT_OF_WINDOW, c.old.sequence, 0, true);
		return;
	}
	/* NEMO (RFC 3963 section 6.2): the R flag and the prefixes. */
	status = ha_nemo_decide(c.sa, msg, &c.nemo);
	if (status) {
		reply(ha, &c, status, bu->sequence, 0, true);
		return;
	}
	if (!c.have_old && ha_cache_full(&ha->cache)) {
		reply(ha, &c, MH_BA_INSUFFICIENT_RESOURCES, bu->sequence, 0, true);
		return;
	}
	granted = grant_lifetime(ha, &c);
	if (!granted) {
		deregister(ha, &c);
		return;
	}
	if (!c.have_old && ha->cache.home_ifindex && cfg->dad && d->nd_open) {
		start_dad(ha, &c, granted);
		return;
	}
	accept_binding(ha, &c, granted);
}

/* ---- on a registration worker (daemon/workers.h) ------------------------------------------- */

/* A bound host refreshing its binding for longer than this leaves expiry to the loop's. */
#define WORKER_EXPIRY_MARGIN_NS (2 * 1000000000ULL)

/* A BU whose authenticator failed: refused unsigned, from the worker's error budget. */
static void refuse_forged(struct daemon_worker *w, const struct ha *ha, const struct bu_ctx *c)
{
	struct mh_ba_fields ba = ba_fields(c, MH_BA_AUTH_FAIL, c->msg->bu.sequence, 0);
	struct addr6_buf h, o;

	if (!daemon_worker_error_allowed(w))
		return;
	if (log_class_allowed(daemon_worker_log_class(w), __func__, LOG_NOTICE))
		log_msg(LOG_NOTICE, "BU from %s for %s seq %u refused: %u %s",
			addr6_str(&c->coa, &o), addr6_str(&c->hoa, &h), c->msg->bu.sequence,
			MH_BA_AUTH_FAIL, mh_ba_status_str(MH_BA_AUTH_FAIL));
	daemon_lane_send_ba(daemon_worker_lane(w), c->rx, &ba, NULL, &c->coa, c->timestamp,
			    ha->d->cfg.ha.refresh_interval_s);
}

/*
 * receive_bu() on a worker, for what it can finish alone: an authentic
 * refresh of a host binding (the map written, the BA sent from the worker's
 * socket) and a forged BU. Everything else goes back to the event loop
 * (false) before any state changes, so that receive_bu() there decides as
 * it always did: first registrations (proxy DAD, the binding count),
 * deregistrations, mobile routers, refusals, and bindings about to expire
 * (the loop's expiry walk must not race a refresh).
 */
static bool receive_bu_on_worker(struct daemon_worker *w, void *arg, const struct sig_rx *rx,
				 const struct mh_msg *msg)
{
	struct mh_bu_fields bu_as = msg->bu, *bu = &bu_as;
	struct ha *ha = arg;
	const struct config_ha *cfg = &ha->d->cfg.ha;
	struct mh_ba_fields ba;
	struct bu_ctx c;
	__u32 granted;
	int status;

	bu_ctx_init(&c, cfg, rx, msg, daemon_worker_lane(w)->refreshes);
	if (!(bu->flags & XMIP6_BU_F_HOME) || msg->nonce_indices ||
	    !config_prefix_match(&cfg->home_prefix, &c.hoa) || !c.sa)
		return false;
	status = check_auth(ha, &c);
	if (status == MH_BA_AUTH_FAIL) {
		refuse_forged(w, ha, &c);
		return true;
	}
	if (status || !c.have_old ||
	    (c.old.flags & (XMIP6_BU_F_ROUTER | XMIP6_BU_F_HOME)) != XMIP6_BU_F_HOME)
		return false;
	if (!c.old.expires_ns || c.old.expires_ns < mono_now_ns() + WORKER_EXPIRY_MARGIN_NS)
		return false;
	if (!c.sa->enabled || !bu->lifetime || !memcmp(&c.hoa, &c.coa, sizeof(c.coa)) ||
	    !ha_coa_valid(cfg, &c.coa) || !coa_allowed(c.sa, &c.coa) ||
	    !seq_newer(bu->sequence, c.old.sequence))
		return false;
	if (ha_nemo_decide(c.sa, msg, &c.nemo) || c.nemo.router)
		return false;
	granted = grant_lifetime(ha, &c);
	if (!granted)
		return false;
	bu->flags &= ~XMIP6_BU_F_ROUTER; /* a host's binding, as accept_binding() */
	/* After authentication, as receive_bu(): on the worker's own table. */
	if (!daemon_worker_rate_ok(w, &c.hoa, bu->sequence))
		return true;
	if (refresh_binding(ha, &c, bu, granted))
		return false; /* logged; the loop answers it (and counts its limit again) */
	daemon_ctr_add(&daemon_worker_lane(w)->stats->bindings_refreshed, 1);
	if (!(bu->flags & XMIP6_BU_F_ACK))
		return true;
	ba = ba_fields(&c, MH_BA_ACCEPTED, bu->sequence, granted);
	daemon_lane_send_ba(daemon_worker_lane(w), rx, &ba, c.sa, &c.coa, c.timestamp,
			    cfg->refresh_interval_s);
	return true;
}

/* signal-workers: 0 is one per online CPU; with a cluster, the loop alone (its store is the loop's). */
static unsigned int workers_wanted(const struct config_ha *cfg)
{
	long cpus;

	if (cfg->has_cluster)
		return 1;
	if (cfg->signal_workers)
		return cfg->signal_workers;
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	return cpus > 1 ? (unsigned int)cpus : 1;
}

/* ---- the shared binding cache (user/cluster/, docs/cluster.md) ----------------------------- */

/* A registration the home agent accepted, waiting for the store. */
struct store_wait {
	struct ha *ha;
	struct sig_rx rx; /* addresses only: packet pointers cleared */
	struct mh_bu_fields bu;
	struct in6_addr hoa, coa;
	__u64 timestamp;
	__u32 granted_s;      /* 0: a deregistration */
	struct nemo_reg nemo; /* a mobile router's prefixes, installed here once stored */
};

/* The store answered: write the map and answer as a lone home agent would. */
static void store_done(void *ctx, int status, const struct cluster_binding *stored, bool followed)
{
	const struct store_wait *w = ctx;
	struct ha *ha = w->ha;
	struct mh_msg msg;
	struct bu_ctx c;

	bu_ctx_again(&c, &msg, &w->rx, &w->bu, &w->hoa, &w->coa, w->timestamp);
	c.stored = true;
	c.nemo = w->nemo;
	/* Looked up again: a reload may have replaced the mobile-node table. */
	c.sa = config_find_mn(&ha->d->cfg.ha, &c.hoa);
	if (status) {
		reply(ha, &c, status,
		      status == MH_BA_SEQ_OUT_OF_WINDOW && stored ? stored->seq : w->bu.sequence, 0,
		      true);
		return;
	}
	if (followed) {
		/* The map follows this write or a newer one of the key already
		 * (the watch was first): writing it again would take it back. */
		if (w->nemo.router)
			c.ba_flags = MH_BA_F_ROUTER;
		reply(ha, &c, MH_BA_ACCEPTED, w->bu.sequence, w->granted_s, true);
		return;
	}
	lookup_old(ha, &c);
	if (w->granted_s)
		accept_binding(ha, &c, w->granted_s);
	else
		deregister(ha, &c);
}

static void to_store(struct ha *ha, const struct bu_ctx *c, __u32 granted_s)
{
	struct store_wait w = {
		.ha = ha,
		.rx = *c->rx,
		.bu = c->msg->bu,
		.hoa = c->hoa,
		.coa = c->coa,
		.timestamp = c->timestamp,
		.granted_s = granted_s,
		.nemo = c->nemo,
	};
	struct cluster_binding b = {
		.hoa = c->hoa,
		.coa = c->coa,
		.seq = c->msg->bu.sequence,
		.timestamp = c->timestamp,
		.lifetime_s = granted_s,
		.flags = c->msg->bu.flags & (XMIP6_BU_F_ACK | XMIP6_BU_F_HOME | XMIP6_BU_F_LLADDR),
		.spi = c->sa ? c->sa->spi : 0,
		.ha = ha->d->cfg.ha.address,
	};

	/* A mobile router (RFC 3963): R and the prefixes it registers, for
	 * every home agent to forward (ha_store.c). */
	if (c->nemo.router) {
		b.flags |= XMIP6_BU_F_ROUTER;
		b.implicit = !!(c->nemo.flags & XMIP6_PREFIX_F_IMPLICIT);
		b.n_mnp = c->nemo.n;
		memcpy(b.mnp, c->nemo.p, c->nemo.n * sizeof(b.mnp[0]));
	}

	w.rx.packet = w.rx.mh = NULL;
	w.rx.packet_len = w.rx.mh_len = 0;
	w.rx.snap = NULL;
	/* Store down (docs/cluster.md): refused, nothing written anywhere. */
	if (cluster_register(ha->cluster, &b, store_done, &w, sizeof(w)))
		reply(ha, c, MH_BA_REASON_UNSPECIFIED, c->msg->bu.sequence, 0, true);
}

/* ---- timers -------------------------------------------------------------------------------- */

static void tick(struct daemon *d, void *arg, unsigned long long now)
{
	struct ha *ha = arg;
	size_t i;

	(void)d;
	for (i = 0; i < sizeof(ha->pending) / sizeof(ha->pending[0]); i++)
		if (ha->pending[i].active && now >= ha->pending[i].deadline_ns)
			finish_dad(ha, &ha->pending[i]);
	ha_cache_tick(&ha->cache, now);
}

/* `xmip6ctl home-agents show`: ourselves, then those the home link's RAs name. */
static int cmd_home_agents_show(struct json_object *args, struct json_object **result, char *err,
				size_t errlen, void *ctx)
{
	const struct ha *ha = ctx;
	const struct config_ha *cfg = &ha->d->cfg.ha;
	struct json_object *arr = json_object_new_array();
	struct json_object *self = json_object_new_object();
	char ifname[IF_NAMESIZE];
	struct addr6_buf a;

	(void)args;
	(void)err;
	(void)errlen;
	json_object_object_add(self, "address",
			       json_object_new_string(addr6_str(&cfg->address, &a)));
	json_object_object_add(self, "preference", json_object_new_int64(cfg->preference));
	json_object_object_add(self, "lifetime", NULL);
	json_object_object_add(self, "interface",
			       ha->cache.home_ifindex &&
					       if_indextoname(ha->cache.home_ifindex, ifname)
				       ? json_object_new_string(ifname)
				       : NULL);
	json_object_object_add(self, "source", json_object_new_string("self"));
	json_object_array_add(arr, self);
	disc_ha_list_json_add(ha->disc, arr); /* learnt from Router Advertisements */
	*result = json_object_new_object();
	json_object_object_add(*result, "home_agents", arr);
	return 0;
}

/* ---- start, reload and stop ---------------------------------------------------------------- */

/*
 * XDP admission of signalling (XMIP6_CFG_F_ADMIT, headers/xmip6.h): the
 * mobile-nodes list into "admit", the flag on unless accept-unlisted, where
 * every home address may register and none can be told apart. At start and
 * after a reload.
 */
static int admit_sync(struct daemon *d)
{
	const struct config_ha *cfg = &d->cfg.ha;
	struct in6_addr *addrs = NULL;
	struct xmip6_config c;
	__u32 flags;
	int i, err;

	if (cfg->n_mobile_nodes) {
		addrs = calloc(cfg->n_mobile_nodes, sizeof(*addrs));
		if (!addrs)
			return -ENOMEM;
	}
	for (i = 0; i < cfg->n_mobile_nodes; i++)
		addrs[i] = cfg->mobile_nodes[i].home_addr;
	err = dp_admit_set(&d->dp, addrs, cfg->n_mobile_nodes) ?: dp_config_read(&d->dp, &c);
	free(addrs);
	if (err)
		return err;
	flags = cfg->accept_unlisted ? c.flags & ~XMIP6_CFG_F_ADMIT : c.flags | XMIP6_CFG_F_ADMIT;
	return flags == c.flags ? 0 : dp_config_set_flags(&d->dp, flags);
}

/* Registrations waiting for DAD are simply not answered: the MN retransmits. */
static void cancel_pending(struct ha *ha)
{
	struct daemon *d = ha->d;
	size_t i;

	for (i = 0; i < sizeof(ha->pending) / sizeof(ha->pending[0]); i++) {
		if (!ha->pending[i].active)
			continue;
		ndisc_dad_finish(&d->nd, ha->cache.home_ifindex, &ha->pending[i].hoa);
		if (ha->pending[i].ll_too)
			ndisc_dad_finish(&d->nd, ha->cache.home_ifindex, &ha->pending[i].ll);
		ha->pending[i].active = false;
	}
}

static const char *reload_refused(const struct daemon *d, void *arg,
				  const struct xmip6d_config *next)
{
	const struct config_ha *cur = &d->cfg.ha, *new = &next->ha;
	static char why[PATH_MAX + 160];

	(void)arg;
	if (memcmp(&new->address, &cur->address, sizeof(new->address)) ||
	    memcmp(new->interfaces, cur->interfaces, sizeof(new->interfaces)) ||
	    strcmp(new->home_link, cur->home_link))
		return "home-agent address, interfaces or home-link changed; restart needed";
	if (cluster_cfg_changed(cur->has_cluster, &cur->cluster, new->has_cluster, &new->cluster))
		return "home-agent cluster section changed; restart needed";
	if (new->signal_workers != cur->signal_workers)
		return "home-agent signal-workers changed; restart needed";
	/* The bindings map has its size for good: what a restart would say. */
	if (new->max_bindings != cur->max_bindings) {
		dp_bindings_resize_refusal(why, sizeof(why), d->dp.pin_dir, cur->max_bindings,
					   new->max_bindings);
		return why;
	}
	return NULL;
}

/* Pending DAD entries point into the old mobile-node table: none survive.
 * The bindings' associations are kept for revocation (ha_revoke.h). */
static void reload_before(struct daemon *d, void *arg)
{
	struct ha *ha = arg;

	/* The workers read the configuration: idle before it goes. */
	daemon_workers_quiesce(d);
	cancel_pending(ha);
	ha->revoke = ha_revoke_snapshot(&ha->cache, &d->cfg.ha);
}

static void reload_after(struct daemon *d, void *arg)
{
	struct ha *ha = arg;

	ha_revoke_apply(ha->revoke, &ha->cache, &d->cfg.ha);
	ha->revoke = NULL;
	ha_nemo_reload(d);
	disc_ha_reload(ha->disc);
	if (admit_sync(d))
		pr_err("signalling admission not updated: the data plane keeps the old list");
}

static void stop(struct daemon *d, void *arg)
{
	struct ha *ha = arg;

	/* Bindings stay in the map, proxy ND entries in the kernel. */
	daemon_workers_stop(d);
	cancel_pending(ha);
	cluster_stop(ha->cluster);
	ha_link_stop(ha->link);
	disc_ha_stop(ha->disc);
	daemon_refreshes_init(d, -1);
	if (ha->replay_fd >= 0)
		close(ha->replay_fd);
	free(ha);
}

static const struct daemon_role_hooks role_hooks = {
	.reload_refused = reload_refused,
	.reload_before = reload_before,
	.reload_after = reload_after,
	.stop = stop,
};

/* The metrics endpoint's xmip6_bindings{role="ha"}: the cache's count. */
static __u64 bindings_gauge(void *arg)
{
	const struct ha *ha = arg;

	return ha->cache.n_bindings > 0 ? ha->cache.n_bindings : 0;
}

/*
 * What the home agent takes: BUs, unbound HAO packets, its commands, a
 * tick for DAD and expiry, and its binding count for the metrics.
 */
static int register_parts(struct daemon *d, struct ha *ha)
{
	return daemon_mh_handler_reg(d, MH_TYPE_BU, receive_bu, ha) ?: hao_unbound_reg(d)
		       ?: daemon_on_tick(d, tick, ha) ?: ha_cache_ctl_reg(&ha->cache)
		       ?: daemon_ctl_reg(d, "home-agents-show", cmd_home_agents_show, ha)
		       ?: daemon_gauge_reg(d, "xmip6_bindings", "role=\"ha\"", BINDINGS_GAUGE_HELP,
					   bindings_gauge, ha);
}

int ha_start(struct daemon *d)
{
	const struct config_ha *cfg = &d->cfg.ha;
	struct dp_attach_opts opts = {
		.role = XMIP6_ROLE_HA,
		.ha_addr = cfg->address,
		.max_bindings = cfg->max_bindings,
		.xdp_mode = cfg->xdp_mode,
		.flags = XMIP6_CFG_F_SIGNAL,
		.binding_counters_off = !d->cfg.binding_counters,
	};
	__u32 replay_room;
	struct ha *ha;
	int err;

	err = daemon_check_interfaces(d, cfg->interfaces, cfg->n_interfaces);
	if (err)
		return err;
	ha = daemon_role_new(d, &role_hooks, sizeof(*ha));
	if (!ha)
		return -ENOMEM;
	ha->d = ha->cache.d = d;
	ha->replay_fd = -1;
	err = register_parts(d, ha);
	if (err) {
		pr_err("home agent: %s", strerror(-err));
		return err;
	}
	update_rate_init(&ha->update_rate, 0);
	if (cfg->home_link[0]) {
		ha->cache.home_ifindex = if_nametoindex(cfg->home_link);
		err = nl_link_lladdr(&d->nl, ha->cache.home_ifindex, ha->cache.home_lladdr);
		if (err) {
			pr_err("home link %s: no link-layer address: %s", cfg->home_link,
			       strerror(-err));
			return err;
		}
		err = daemon_open_nd(d);
		if (err) {
			pr_err("neighbour discovery socket: %s", strerror(-err));
			return err;
		}
	}
	err = daemon_attach(d, cfg->interfaces, cfg->n_interfaces, &opts)
		      ?: nexthop_follow_start(d);
	if (err)
		return err;
	err = admit_sync(d);
	if (err)
		return err;
	/* One entry per (home address, SPI) accepted: room for every node
	 * listed, up to the next power of two (the map's buckets are that
	 * many anyway) for keys replaced by a reload. */
	for (replay_room = 1; replay_room < (__u32)cfg->n_mobile_nodes && replay_room < 1u << 31;)
		replay_room <<= 1;
	ha->replay_fd = dp_replay_open(d->dp.pin_dir, replay_room);
	if (ha->replay_fd < 0)
		return ha->replay_fd;
	daemon_refreshes_init(d, ha->replay_fd);
	ha_cache_restore(&ha->cache);
	ha_nemo_restore(d);
	if (cfg->has_cluster) {
		/* The store read whole before the home agent serves. */
		err = ha_store_start(d, &ha->cache, ha->replay_fd, &ha->cluster);
		if (err)
			return err;
	}
	err = disc_ha_start(d, &ha->disc)
		      ?: ha_link_start(d, &ha->cache, ha->disc, &opts, &ha->link);
	if (err)
		return err;
	if (workers_wanted(cfg) > 1) {
		err = daemon_workers_start(d, workers_wanted(cfg), receive_bu_on_worker, ha);
		if (err)
			return err;
	}
	pr_notice("home agent %s for %s/%u on %d interface(s), %s home link, %ld binding(s) kept",
		  addr6_str(&cfg->address, &(struct addr6_buf){}),
		  addr6_str(&cfg->home_prefix.addr, &(struct addr6_buf){}), cfg->home_prefix.len,
		  cfg->n_interfaces, ha->cache.home_ifindex ? cfg->home_link : "virtual",
		  ha->cache.n_bindings);
	return 0;
}
