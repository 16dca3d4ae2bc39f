// SPDX-License-Identifier: GPL-2.0
/*
 * mn.c - the mobile node: its Binding Update List entry for the home agent
 * (RFC 6275 sections 11.7.1, 11.7.3, 11.8; bul.c sends and paces the BU),
 * driven by where its addresses say it is.
 *
 * Location: the first configured interface (in preference order) that has
 * a usable global address decides. An address on the home prefix means the
 * MN is home; any other is the care-of address. Address and link events
 * come from rtnetlink; movement detection (movement.c) says which addresses
 * live routers still advertise, and calls back when that changes.
 * Discovery (disc_mn.c) finds the home agent when none is configured, route
 * optimisation (ro.c) registers with correspondents; both are the MN's
 * parts and learn where it stands from it (struct mn_where).
 *
 * The data plane follows the home agent's answer only: the MN's entry in the
 * "bindings" map (tunnel on) is written on an accepting BA and deleted on an
 * accepting deregistration BA, never on a mere BU.
 */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <json-c/json.h>

#include "wire/auth.h"
#include "daemon/daemon.h"
#include "roles/bul.h"
#include "roles/disc_mn.h"
#include "roles/hao_unbound.h"
#include "roles/mn.h"
#include "roles/movement.h"
#include "roles/ro.h"
#include "wire/disc.h"
#include "common/util.h"

#define NSEC_PER_SEC  1000000000ULL
#define NSEC_PER_MSEC 1000000ULL

enum mn_state {
	MN_DETACHED,	  /* no usable address yet */
	MN_REGISTERING,	  /* BU in flight to register (or refresh) a CoA */
	MN_REGISTERED,	  /* the HA accepted the current CoA */
	MN_DEREGISTERING, /* home again, deregistration BU in flight */
	MN_HOME,
};

static const char *const state_names[] = {
	[MN_DETACHED] = "detached",
	[MN_REGISTERING] = "registering",
	[MN_REGISTERED] = "registered",
	[MN_DEREGISTERING] = "deregistering",
	[MN_HOME] = "home",
};

struct mn {
	struct daemon *d;
	enum mn_state state;
	int ifindex[CONFIG_MAX_IFACES];
	int lo_ifindex;
	struct config_prefix home_prefix; /* host bits clear */

	/* Where the addresses say we are. */
	bool at_home;
	int home_ifindex;
	bool have_coa;
	struct in6_addr coa;

	/*
	 * The Binding Update List entry for the home agent: its peer is the
	 * home agent (configured, or found by DHAAD: no BU goes out before),
	 * its home address configured or formed from the prefix.
	 */
	struct bul_entry bu;
	bool bu_active;	 /* a BU is in flight */
	bool registered; /* the home agent holds a binding (bu.reg_coa ...) */

	/*
	 * Back home, the home agent's link-layer address, asked from :: before
	 * the deregistration BU goes out (solicit_ha): whether a probe is
	 * running, whether an answer came since the move home, and when to
	 * ask again without one (every RetransTimer, doubling).
	 */
	bool ha_probe;
	bool ha_resolved;
	unsigned long long ha_solicit_ns;
	unsigned int ha_solicit_ms;

	struct ro *ro;	      /* route optimisation (ro.c), NULL for policy "none" */
	struct disc_mn *disc; /* DHAAD and MPS (disc_mn.c), NULL when all is configured */

	const struct mn_router *router;	   /* a mobile router's additions (mr.c), or NULL */
	bool router_attached;		   /* its attached() ran: stop() is due */
	const char *who;		   /* "mobile node" or "mobile router", for the log */
	struct dp_attach_opts attach_opts; /* as at start: a re-created interface gets them */
};

static void set_state(struct mn *mn, enum mn_state state)
{
	if (mn->state != state)
		pr_info("%s: %s -> %s", mn->who, state_names[mn->state], state_names[state]);
	mn->state = state;
}

/* ---- the home address on lo while away ---------------------------------------------------- */

static void hoa_on_lo(struct mn *mn, bool on)
{
	struct nl *nl = &mn->d->nl;
	struct addr6_buf a;
	int err;

	if (on)
		err = nl_addr_add(nl, mn->lo_ifindex, &mn->bu.home_addr, 128,
				  NL_ADDR_F_NODAD | NL_ADDR_F_NOPREFIX);
	else
		err = nl_addr_del(nl, mn->lo_ifindex, &mn->bu.home_addr, 128);
	if (err && !(!on && (err == -EADDRNOTAVAIL || err == -ENOENT)))
		pr_err("%s home address %s on lo: %s", on ? "adding" : "removing",
		       addr6_str(&mn->bu.home_addr, &a), strerror(-err));
}

/*
 * Away from home the home prefix is not on-link (sections 11.5.1, 11.7.1):
 * the on-link route SLAAC left on our interfaces while we were home would
 * send the BU to the home agent by Neighbor Solicitation on the foreign
 * link. Back home, the home router's next RA puts it back.
 */
static void home_prefix_off_link(struct mn *mn)
{
	const struct config_mn *cfg = &mn->d->cfg.mn;
	struct addr6_buf a;
	int i, n;

	for (i = 0; i < cfg->n_interfaces; i++) {
		if (!mn->ifindex[i])
			continue;
		n = movement_home_off_link(mn->d, mn->ifindex[i], &mn->home_prefix.addr,
					   cfg->home_prefix_len);
		if (n > 0)
			pr_info("home prefix %s/%u off-link on %s",
				addr6_str(&mn->home_prefix.addr, &a), cfg->home_prefix_len,
				cfg->interfaces[i]);
		else if (n < 0)
			pr_warn("removing the home prefix's route on %s: %s", cfg->interfaces[i],
				strerror(-n));
	}
}

/* ---- sending BUs --------------------------------------------------------------------------- */

static bool deregistering(const struct mn *mn)
{
	return mn->state == MN_DEREGISTERING;
}

static bool ha_known(const struct mn *mn)
{
	return !IN6_IS_ADDR_UNSPECIFIED(&mn->bu.peer);
}

struct valid_ctx {
	const struct in6_addr *addr;
	__u32 valid_s;
};

static int valid_of(const struct nl_addr *a, void *arg)
{
	struct valid_ctx *v = arg;

	if (memcmp(&a->addr, v->addr, sizeof(a->addr)))
		return 0;
	if (a->valid_s != NL_INFINITY_LIFE_TIME)
		v->valid_s = a->valid_s;
	return 1;
}

/*
 * Section 11.7.1: the lifetime SHOULD be no longer than the remaining valid
 * lifetime of the care-of address (the kernel's, from the prefix's RAs);
 * non-zero. The configured lifetime when the address has no limit.
 */
static __u32 bu_lifetime_s(struct mn *mn)
{
	__u32 want = mn->d->cfg.mn.lifetime_s;
	struct valid_ctx v = {.addr = &mn->bu.care_of_addr, .valid_s = want};

	nl_addr_dump(&mn->d->nl, 0, valid_of, &v);
	if (v.valid_s >= want)
		return want;
	/* Non-zero on the wire: at least one unit of 4 s (section 6.1.7). */
	return v.valid_s < 4 ? 4 : v.valid_s;
}

/*
 * Section 11.7.1: H and A (L when the HA is to defend our link-local
 * address too), the RFC 4285 authenticator when we have a key; a lifetime
 * of 0 when deregistering. Taken from the configuration for every copy, as
 * a reload left it.
 */
static void home_bu_opts(struct mn *mn)
{
	const struct config_mn *cfg = &mn->d->cfg.mn;
	struct bul_bu_opts *o = &mn->bu.opts;

	o->flags = XMIP6_BU_F_ACK | XMIP6_BU_F_HOME;
	if (cfg->link_local_compat)
		o->flags |= XMIP6_BU_F_LLADDR;
	o->spi = cfg->spi;
	o->key = cfg->key;
	o->key_len = cfg->key_len;
	mn->bu.lifetime_s = deregistering(mn) ? 0 : bu_lifetime_s(mn);
	if (!mn->router)
		return;
	/* RFC 3963 sections 5.1, 5.5: R in every BU of a mobile router; its
	 * prefixes when registering in explicit mode, none to deregister. */
	o->flags |= XMIP6_BU_F_ROUTER;
	o->mnp = deregistering(mn) ? NULL : mn->router->mnp;
	o->n_mnp = deregistering(mn) ? 0 : mn->router->n_mnp;
}

/*
 * Section 11.5.4: back home, the HA defends the home address and tunnels
 * what is sent there until it accepts the deregistration, so the MN MUST NOT
 * solicit its link-layer address from the home address: the answer would go
 * into the tunnel. The kernel would, for the BU's next hop, unless it already
 * knows the HA. So the MN asks from the unspecified address (the HA answers
 * to all-nodes, RFC 4861 7.2.4), writes the answer into the kernel's
 * neighbour cache (ha_answered), and only then sends the BU.
 */
static void solicit_ha(struct mn *mn, unsigned long long now)
{
	struct daemon *d = mn->d;
	int err;

	ndisc_dad_finish(&d->nd, mn->home_ifindex, &mn->bu.peer);
	err = ndisc_dad_start(&d->nd, mn->home_ifindex, &mn->bu.peer);
	if (err)
		pr_packet(LOG_WARNING, "Neighbor Solicitation for the home agent not sent: %s",
			  strerror(-err));
	mn->ha_probe = !err;
	mn->ha_solicit_ns = now + (unsigned long long)mn->ha_solicit_ms * NSEC_PER_MSEC;
}

static void ha_probe_end(struct mn *mn)
{
	if (mn->ha_probe)
		ndisc_dad_finish(&mn->d->nd, mn->home_ifindex, &mn->bu.peer);
	mn->ha_probe = false;
}

/* The HA answered the probe: its link-layer address into the kernel's cache. */
static bool ha_answered(struct mn *mn)
{
	struct daemon *d = mn->d;
	struct addr6_buf a;
	__u8 lladdr[6];
	int err;

	if (!mn->ha_probe || ndisc_dad_lladdr(&d->nd, mn->home_ifindex, &mn->bu.peer, lladdr))
		return false;
	ha_probe_end(mn);
	pr_debug("home agent %s at %02x:%02x:%02x:%02x:%02x:%02x", addr6_str(&mn->bu.peer, &a),
		 lladdr[0], lladdr[1], lladdr[2], lladdr[3], lladdr[4], lladdr[5]);
	err = nl_neigh_set_reachable(&d->nl, mn->home_ifindex, &mn->bu.peer, lladdr);
	if (err)
		pr_warn("neighbour entry for the home agent %s: %s", addr6_str(&mn->bu.peer, &a),
			strerror(-err));
	return true;
}

/*
 * Per tick while deregistering: true while the BU waits for the HA's answer
 * (asked again every RetransTimer, doubling up to MAX_BINDACK_TIMEOUT).
 */
static bool ha_unresolved(struct mn *mn, unsigned long long now)
{
	unsigned int max_ms = mn->d->cfg.mn.max_timeout_s * 1000;

	if (ha_answered(mn) && !mn->ha_resolved) {
		mn->ha_resolved = true;
		return false;
	}
	if (mn->ha_resolved)
		return false;
	if (now >= mn->ha_solicit_ns) {
		mn->ha_solicit_ms = mn->ha_solicit_ms * 2 > max_ms ? max_ms : mn->ha_solicit_ms * 2;
		pr_packet(LOG_NOTICE,
			  "home agent %s did not answer a Neighbor Solicitation from ::, "
			  "deregistration waits; asking again",
			  addr6_str(&mn->bu.peer, &(struct addr6_buf){}));
		solicit_ha(mn, now);
	}
	return true;
}

/* Send the BU in flight again, or for the first time (bul_transmit). */
static void transmit(struct mn *mn, unsigned long long now)
{
	struct addr6_buf a;
	int ret;

	home_bu_opts(mn);
	if (deregistering(mn) && mn->d->nd_open) {
		/* The first copy waits for the HA's answer (tick); each
		 * retransmission asks again, keeping the kernel's entry
		 * confirmed from :: rather than by its own probe. */
		if (!mn->ha_resolved) {
			if (!mn->ha_probe)
				solicit_ha(mn, now);
			return;
		}
		if (mn->bu.retransmissions)
			solicit_ha(mn, now);
	}
	ret = bul_transmit(mn->d, &mn->bu, now);
	if (ret == BUL_PACED)
		return; /* tick() sends it when the rate lets it */
	if (ret)
		pr_warn("BU seq %u for care-of address %s not sent", mn->bu.seq,
			addr6_str(&mn->bu.care_of_addr, &a));
	if (!deregistering(mn) && !ha_known(mn))
		/* Section 11.4.1: find the home agent first; the BU goes out
		 * when it answers (home_agent_found). */
		disc_mn_need_home_agent(mn->disc, &mn->bu.care_of_addr);
}

static void start_bu(struct mn *mn, enum mn_state state, const struct in6_addr *coa)
{
	const struct config_mn *cfg = &mn->d->cfg.mn;
	unsigned long long now = mono_now_ns();
	bool dereg = state == MN_DEREGISTERING;

	set_state(mn, state);
	mn->bu_active = true;
	ha_probe_end(mn);
	mn->ha_resolved = false;
	mn->ha_solicit_ms = dereg ? ndisc_retrans_time_ms(mn->home_ifindex) : 0;
	/* The first home registration waits for the HA's proxy DAD. */
	bul_start(&mn->bu, coa, dereg ? 0 : cfg->lifetime_s,
		  mn->registered || dereg ? BUL_INITIAL_BINDACK_TIMEOUT_MS
					  : cfg->initial_timeout_ms,
		  now);
	transmit(mn, now);
}

/* ---- location ------------------------------------------------------------------------------ */

struct locate_ctx {
	const struct mn *mn;
	int ifindex;
	bool found, home;
	struct in6_addr addr;
	int score;
};

static int locate_addr(const struct nl_addr *a, void *arg)
{
	struct locate_ctx *l = arg;
	const struct mn *mn = l->mn;
	int rank, score;

	if (a->ifindex != l->ifindex || a->scope != RT_SCOPE_UNIVERSE)
		return 0;
	if (a->flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED))
		return 0;
	/* Heard RAs on this link: only prefixes of routers still there count,
	 * those of a router being checked (link flapped) less. */
	rank = movement_addr_rank(mn->d, a);
	if (!rank)
		return 0;
	/* Then a preferred address over a deprecated one, and on a tie the
	 * care-of address we have (no flip-flop between two routers). */
	score = rank * 4 + (a->flags & IFA_F_DEPRECATED ? 0 : 2) +
		(mn->have_coa && !memcmp(&mn->coa, &a->addr, sizeof(a->addr)));
	if (l->found && score <= l->score)
		return 0;
	l->found = true;
	l->home = config_prefix_match(&mn->home_prefix, &a->addr);
	l->addr = a->addr;
	l->score = score;
	return 0;
}

/*
 * Interface @i under its configured name: gone, or there again with a new
 * ifindex (a USB modem re-plugged, a driver reloaded). The programs and
 * the link-layer address went with the old device: attach them to the new
 * one, with the home agent we have now, and let movement detection start
 * afresh on it.
 */
static void iface_follow(struct mn *mn, int i)
{
	struct dp_attach_opts opts = mn->attach_opts;
	int old = mn->ifindex[i];

	if (ha_known(mn))
		opts.ha_addr = mn->bu.peer;
	if (dp_iface_follow(mn->d->cfg.pin_dir, mn->d->cfg.mn.interfaces[i], &mn->ifindex[i],
			    &opts))
		movement_iface_replaced(mn->d, old, mn->ifindex[i]);
}

static void evaluate(struct mn *mn)
{
	struct daemon *d = mn->d;
	const struct config_mn *cfg = &d->cfg.mn;
	struct locate_ctx l = {.mn = mn};
	struct addr6_buf a;
	int i, err;

	for (i = 0; i < cfg->n_interfaces; i++) {
		iface_follow(mn, i);
		if (!mn->ifindex[i])
			continue;
		l.ifindex = mn->ifindex[i];
		err = nl_addr_dump(&d->nl, l.ifindex, locate_addr, &l);
		if (err) {
			/* A dump that failed (interrupted by an address change,
			 * whose own event calls us again) shows no absence of
			 * addresses: forgetting the care-of address here would
			 * register the same one again. */
			pr_debug("addresses of %s: %s", cfg->interfaces[i], strerror(-err));
			return;
		}
		if (l.found)
			break;
	}

	if (!l.found) {
		if (mn->state != MN_DETACHED && !mn->registered)
			set_state(mn, MN_DETACHED);
		mn->have_coa = false;
		return;
	}
	if (l.home) {
		mn->at_home = true;
		mn->have_coa = false;
		mn->home_ifindex = l.ifindex;
		movement_at_home(d, l.ifindex, &mn->bu.home_addr, cfg->home_prefix_len);
		movement_set_source(d, l.ifindex, &mn->bu.home_addr);
		if (mn->state == MN_HOME || mn->state == MN_DEREGISTERING)
			return;
		hoa_on_lo(mn, false);
		if (mn->registered || mn->state == MN_REGISTERING) {
			pr_notice("home again on %s: deregistering (movement detected in %llu ms)",
				  cfg->interfaces[i], movement_since_hint_ms(d));
			/* No more HAO packets from a CoA we left; the
			 * correspondents hear of it once the HA let go (ro_home). */
			ro_moved(mn->ro);
			start_bu(mn, MN_DEREGISTERING, &mn->bu.home_addr);
		} else {
			pr_notice("at home on %s", cfg->interfaces[i]);
			mn->bu_active = false;
			set_state(mn, MN_HOME);
			ro_home(mn->ro);
		}
		return;
	}

	mn->at_home = false;
	movement_at_home(d, 0, NULL, 0);
	if (mn->have_coa && !memcmp(&mn->coa, &l.addr, sizeof(l.addr)) && mn->state != MN_HOME &&
	    mn->state != MN_DEREGISTERING && mn->state != MN_DETACHED) {
		/* Same CoA, maybe another router: the route follows. */
		movement_set_source(d, l.ifindex, &mn->bu.home_addr);
		return;
	}
	mn->have_coa = true;
	mn->coa = l.addr;
	hoa_on_lo(mn, true);
	home_prefix_off_link(mn);
	movement_set_source(d, l.ifindex, &mn->bu.home_addr);
	if (mn->registered && mn->state == MN_REGISTERED &&
	    !memcmp(&mn->bu.reg_coa, &l.addr, sizeof(l.addr)))
		return;
	/* Correspondents would send to the old CoA: back to the tunnel now,
	 * route optimisation again once the HA has the new one. */
	ro_moved(mn->ro);
	pr_notice("care-of address %s on %s: registering with %s (movement detected in %llu ms)",
		  addr6_str(&l.addr, &a), cfg->interfaces[i],
		  addr6_str(&mn->bu.peer, &(struct addr6_buf){}), movement_since_hint_ms(d));
	start_bu(mn, MN_REGISTERING, &l.addr);
}

static void on_link(int ifindex, bool up, bool carrier, void *ctx)
{
	struct mn *mn = ctx;
	int i;

	for (i = 0; i < mn->d->cfg.mn.n_interfaces; i++) {
		iface_follow(mn, i);
		/* Its address may have changed (a randomised MAC on a new
		 * network): the XDP program tells our frames from another
		 * host's by it (bpf/l2.h). */
		if (ifindex == mn->ifindex[i])
			dp_if_mac_update(mn->d->cfg.pin_dir, mn->d->cfg.mn.interfaces[i],
					 (unsigned int)ifindex);
	}
	/* Link-up: solicit a router, check the old one (movement.c). */
	movement_link_event(mn->d, ifindex, up, carrier);
}

static void monitor_readable(struct daemon *d, void *arg, unsigned long long now)
{
	static const struct nl_monitor_ops ops = {.link = on_link};

	(void)now;
	/* Any address or link change (or lost events) may move us: look again
	 * at the addresses themselves. */
	nl_monitor_read(&d->nl, &ops, arg);
	evaluate(arg);
}

/* Movement detection saw routers come or go: look at the addresses again. */
static void location_changed(void *ctx)
{
	evaluate(ctx);
}

/* ---- receiving ----------------------------------------------------------------------------- */

static void drop_ba(struct daemon *d, enum daemon_drop why, const struct mh_msg *msg,
		    const char *what)
{
	daemon_count_drop(d, why);
	pr_packet(LOG_INFO, "BA seq %u status %u ignored: %s", msg->ba.sequence, msg->ba.status,
		  what);
}

static void store_binding(struct mn *mn, __u32 granted_s, unsigned long long now)
{
	struct daemon *d = mn->d;
	struct xmip6_binding b = {
		.care_of_addr = mn->bu.care_of_addr,
		.ha_addr = mn->bu.peer,
		.expires_ns = now + (unsigned long long)granted_s * NSEC_PER_SEC,
		.registered_ns = now,
		.created_ns = now,
		.lifetime_s = granted_s,
		.sequence = mn->bu.seq,
		.flags = XMIP6_BU_F_ACK | XMIP6_BU_F_HOME,
	};
	struct xmip6_binding old;
	struct addr6_buf a;
	int err;

	if (!dp_binding_lookup(&d->dp, &mn->bu.home_addr, &old))
		b.created_ns = old.created_ns ?: old.registered_ns;
	err = dp_binding_update(&d->dp, &mn->bu.home_addr, &b);
	if (err)
		pr_err("binding map for %s: %s", addr6_str(&mn->bu.home_addr, &a), strerror(-err));
}

static int start_discovery(struct mn *mn, bool solicit_on_register);

/* Section 11.7.3: status 1, the home agent wants us to learn the prefix. */
static void prefix_discovery_needed(struct mn *mn)
{
	if (!mn->disc && start_discovery(mn, false))
		return;
	pr_notice("home agent asks for prefix discovery: soliciting the home prefix");
	disc_mn_solicit_prefix(mn->disc);
}

static void ba_accepted(struct mn *mn, const struct mh_msg *msg, unsigned long long now)
{
	struct daemon *d = mn->d;
	unsigned long long advised_ns = ULLONG_MAX;
	struct addr6_buf a, h;
	__u32 granted;
	int err;

	mn->bu_active = false;
	if (mn->state == MN_DEREGISTERING) {
		ha_probe_end(mn);
		mn->registered = false;
		err = dp_binding_delete(&d->dp, &mn->bu.home_addr);
		if (err && err != -ENOENT)
			pr_err("binding map: %s", strerror(-err));
		set_state(mn, MN_HOME);
		/* Section 11.5.4: take the home address back from the HA's proxy. */
		if (d->nd_open) {
			__u8 lladdr[6];

			if (!nl_link_lladdr(&d->nl, mn->home_ifindex, lladdr))
				ndisc_send_unsolicited_na(&d->nd, mn->home_ifindex,
							  &mn->bu.home_addr, lladdr, false);
		}
		movement_registered(d, NULL);
		pr_notice("deregistered from %s in %llu ms: at home", addr6_str(&mn->bu.peer, &a),
			  (now - mn->bu.first_ns) / NSEC_PER_MSEC);
		/* Section 11.5.4: now the correspondents, from the home address. */
		ro_home(mn->ro);
		return;
	}

	granted = bul_granted_s(&mn->bu, &msg->ba);
	if (!granted) {
		pr_warn("home agent granted lifetime 0: not registered");
		set_state(mn, MN_DETACHED);
		return;
	}
	store_binding(mn, granted, now);
	mn->registered = true;
	/* Refresh at 3/4 of the lifetime, or sooner when the HA advises. */
	if (msg->bra)
		advised_ns = now + ((ntohs(msg->bra->refresh_interval) * 4ULL) ?: 1) * NSEC_PER_SEC;
	bul_bound(&mn->bu, granted, advised_ns, now);
	set_state(mn, MN_REGISTERED);
	pr_notice("registered %s via %s with %s: lifetime %u s, seq %u, in %llu ms",
		  addr6_str(&mn->bu.home_addr, &h), addr6_str(&mn->bu.care_of_addr, &a),
		  addr6_str(&mn->bu.peer, &(struct addr6_buf){}), granted, mn->bu.seq,
		  (now - mn->bu.first_ns) / NSEC_PER_MSEC);
	/* Smooth handoff (section 11.5.3): the previous CoA received until now. */
	movement_registered(d, &mn->bu.care_of_addr);
	if (msg->ba.status == MH_BA_ACCEPTED_PREFIX_DISCOVERY)
		prefix_discovery_needed(mn);
}

/*
 * RFC 3963 section 5.3, for a mobile router: a BA without R is from a home
 * agent that did not register us as a router, which is a failure for our
 * networks; statuses 140-143 say the home agent will not forward them as
 * configured. Neither gets better by asking again at once: the BU in
 * flight goes on at MAX_BINDACK_TIMEOUT (no busy retry) while the
 * operator fixes one side. True when the BA was taken so.
 */
static bool router_refused(struct mn *mn, const struct mh_msg *msg, enum bul_ba verdict,
			   unsigned long long now)
{
	__u32 max_ms = mn->d->cfg.mn.max_timeout_s * 1000;
	__u8 status = msg->ba.status;

	if (!mn->router)
		return false;
	if (verdict == BUL_BA_REFUSED &&
	    (status < MH_BA_MR_NOT_PERMITTED || status > MH_BA_FORWARDING_SETUP_FAILED))
		return false;
	if (verdict == BUL_BA_ACCEPTED && (msg->ba.flags & MH_BA_F_ROUTER || deregistering(mn)))
		return false;
	if (verdict == BUL_BA_REFUSED)
		pr_packet(LOG_ERR, "home agent refused BU seq %u: %u %s; trying again in %u s",
			  mn->bu.seq, status, mh_ba_status_str(status), max_ms / 1000);
	else
		pr_packet(LOG_ERR,
			  "home agent accepted BU seq %u without the R flag: no forwarding for "
			  "the mobile networks (RFC 3963 section 5.3); trying again in %u s",
			  mn->bu.seq, max_ms / 1000);
	mn->bu.timeout_ms = max_ms;
	mn->bu.next_send_ns = now + (unsigned long long)max_ms * NSEC_PER_MSEC;
	return true;
}

static void receive_ba(struct mn *mn, const struct sig_rx *rx, const struct mh_msg *msg)
{
	struct daemon *d = mn->d;
	const struct config_mn *cfg = &d->cfg.mn;
	unsigned long long now = mono_now_ns();
	const struct in6_addr *coa = &mn->bu.care_of_addr;
	enum bul_ba verdict;
	int err;

	if (memcmp(&rx->mh_src, &mn->bu.peer, sizeof(rx->mh_src)))
		return drop_ba(d, DROP_ba_unexpected, msg, "not from our home agent");
	if (memcmp(&rx->mh_dst, &mn->bu.home_addr, sizeof(rx->mh_dst)))
		return drop_ba(d, DROP_ba_unexpected, msg, "not for our home address");
	/* The care-of address it answers: the one in flight, else the registered one. */
	if (!mn->bu_active)
		coa = mn->at_home ? &mn->bu.home_addr : &mn->bu.reg_coa;

	if (cfg->key_len) {
		/* RFC 4285: the HA signs its BA over the same addresses. */
		if (!msg->auth || msg->auth->subtype != MH_AUTH_SUBTYPE_MN_HA ||
		    ntohl(msg->auth->spi) != cfg->spi)
			return drop_ba(d, DROP_ba_auth_failed, msg, "no MN-HA authenticator");
		err = auth_mnha_verify(msg->data, msg->len, coa, &mn->bu.home_addr, cfg->key,
				       cfg->key_len);
		if (err)
			return drop_ba(d, DROP_ba_auth_failed, msg, "MN-HA authenticator wrong");
	}
	if (!mn->bu_active)
		return drop_ba(d, DROP_ba_unexpected, msg, "no Binding Update in flight");

	verdict = bul_ba_check(&mn->bu, &msg->ba);
	if (verdict == BUL_BA_SEQ_RESET) {
		/* Section 11.7.3: go on from the HA's number at once. */
		mn->bu.last_status = msg->ba.status;
		pr_notice("home agent expects a sequence number after %u: resending",
			  msg->ba.sequence);
		transmit(mn, now);
		return;
	}
	if (verdict == BUL_BA_OTHER_SEQ)
		return drop_ba(d, DROP_ba_unexpected, msg, "sequence number of no BU in flight");

	mn->bu.last_status = msg->ba.status;
	if (mn->state == MN_DEREGISTERING && msg->ba.status == MH_BA_NOT_HOME_AGENT) {
		/* The HA holds no binding for us (it took an earlier copy, or
		 * lost it): what deregistration wanted. */
		pr_notice("home agent has no binding for us: deregistered");
		ba_accepted(mn, msg, now);
		return;
	}
	if (router_refused(mn, msg, verdict, now))
		return;
	if (verdict == BUL_BA_REFUSED) {
		/* Keep trying with the backoff already armed (section 11.8). */
		pr_packet(LOG_NOTICE, "home agent refused BU seq %u: %u %s; retrying in %u ms",
			  mn->bu.seq, msg->ba.status, mh_ba_status_str(msg->ba.status),
			  mn->bu.timeout_ms);
		return;
	}
	ba_accepted(mn, msg, now);
}

/* Where we stand with the home agent, for route optimisation and prefix discovery. */
static void where(const struct mn *mn, struct mn_where *w)
{
	w->registered = mn->registered && mn->state == MN_REGISTERED;
	if (!w->registered)
		return;
	w->care_of_addr = mn->bu.reg_coa;
	w->home_addr = mn->bu.home_addr;
	w->home_agent = mn->bu.peer;
}

/* BA, BRR, BE, HoT and CoT: from the home agent, or a correspondent (ro.c). */
static void receive(struct daemon *d, void *arg, const struct sig_rx *rx, const struct mh_msg *msg)
{
	struct mn *mn = arg;
	struct mn_where w;
	struct addr6_buf a;

	if (msg->type == MH_TYPE_HOT || msg->type == MH_TYPE_COT ||
	    ((msg->type == MH_TYPE_BA || msg->type == MH_TYPE_BRR || msg->type == MH_TYPE_BE) &&
	     ro_is_correspondent(mn->ro, &rx->src))) {
		if (!mn->ro) {
			daemon_count_drop(d, DROP_unexpected_type);
			return;
		}
		where(mn, &w);
		ro_receive(mn->ro, rx, msg, &w);
		return;
	}
	switch (msg->type) {
	case MH_TYPE_BA:
		receive_ba(mn, rx, msg);
		break;
	case MH_TYPE_BRR:
		/* Section 11.7.4: the HA asks us to refresh. */
		if (mn->state == MN_REGISTERED && mn->have_coa &&
		    !memcmp(&rx->mh_src, &mn->bu.peer, sizeof(rx->mh_src)))
			start_bu(mn, MN_REGISTERING, &mn->coa);
		break;
	case MH_TYPE_BE:
		/* Anyone can send one: a line, but not one per packet. */
		pr_packet(LOG_WARNING, "Binding Error status %u from %s", msg->be.status,
			  addr6_str(&rx->src, &a));
		break;
	default:
		daemon_count_drop(d, DROP_unexpected_type);
		break;
	}
}

/* ---- timers -------------------------------------------------------------------------------- */

static void tick(struct daemon *d, void *arg, unsigned long long now)
{
	const struct config_mn *cfg = &d->cfg.mn;
	struct mn *mn = arg;
	struct mn_where w;
	struct addr6_buf a;

	if (mn->ro) {
		where(mn, &w);
		ro_tick(mn->ro, &w, now);
	}
	if (mn->registered && now >= mn->bu.expires_ns) {
		pr_warn("binding with %s expired", addr6_str(&mn->bu.peer, &a));
		mn->registered = false;
		dp_binding_delete(&d->dp, &mn->bu.home_addr);
		ro_moved(mn->ro);
		if (mn->state == MN_REGISTERED && mn->have_coa)
			start_bu(mn, MN_REGISTERING, &mn->coa);
	}
	if (mn->state == MN_REGISTERED && now >= mn->bu.refresh_ns && mn->have_coa) {
		pr_info("refreshing the binding with %s", addr6_str(&mn->bu.peer, &a));
		start_bu(mn, MN_REGISTERING, &mn->coa);
		return;
	}
	if (mn->bu_active && deregistering(mn) && d->nd_open) {
		bool held = !mn->ha_resolved;

		if (ha_unresolved(mn, now))
			return;
		if (held) {
			transmit(mn, now); /* the first copy, held for the answer */
			return;
		}
	}
	if (mn->bu_active && bul_due(&mn->bu, now)) {
		bul_backoff(&mn->bu, cfg->max_timeout_s * 1000);
		transmit(mn, now);
	}
}

/* ---- operator view ------------------------------------------------------------------------- */

/* A mobile router's home entry also says so, with the prefixes its BUs carry
 * (explicit mode; implicit: none, the home agent's list). */
static void router_json(const struct mn *mn, struct json_object *e)
{
	const struct config_mn *cfg = &mn->d->cfg.mn;
	struct json_object *p = json_object_new_array();
	struct addr6_buf a;
	char buf[sizeof(a) + 5];
	int i;

	for (i = 0; i < cfg->n_mr_nets; i++) {
		snprintf(buf, sizeof(buf), "%s/%u", addr6_str(&cfg->mr_nets[i].prefix.addr, &a),
			 cfg->mr_nets[i].prefix.len);
		json_object_array_add(p, json_object_new_string(buf));
	}
	json_object_object_add(e, "mobile_router", json_object_new_boolean(true));
	json_object_object_add(e, "mode",
			       json_object_new_string(mn->router->n_mnp ? "explicit" : "implicit"));
	json_object_object_add(e, "mobile_network_prefixes", p);
}

/* `xmip6ctl bul show`: the home registration, then one entry per correspondent. */
static int cmd_bul_show(struct json_object *args, struct json_object **result, char *err,
			size_t errlen, void *ctx)
{
	const struct mn *mn = ctx;
	const struct config_mn *cfg = &mn->d->cfg.mn;
	struct json_object *arr = json_object_new_array();
	struct json_object *e = json_object_new_object();
	unsigned long long now = mono_now_ns();
	const struct in6_addr *coa = mn->bu_active ? &mn->bu.care_of_addr : &mn->bu.reg_coa;

	(void)args;
	(void)err;
	(void)errlen;
	json_object_object_add(e, "home_addr", addr6_json(&mn->bu.home_addr));
	json_object_object_add(e, "care_of_addr",
			       mn->bu_active || mn->registered ? addr6_json(coa) : NULL);
	json_object_object_add(e, "ha_addr", addr6_json(&mn->bu.peer));
	json_object_object_add(e, "state", json_object_new_string(state_names[mn->state]));
	json_object_object_add(e, "sequence", json_object_new_int64(mn->bu.seq));
	json_object_object_add(e, "lifetime_requested", json_object_new_int64(cfg->lifetime_s));
	json_object_object_add(e, "lifetime_granted",
			       mn->registered ? json_object_new_int64(mn->bu.granted_s) : NULL);
	json_object_object_add(
		e, "remaining",
		mn->registered && mn->bu.expires_ns > now
			? json_object_new_int64((mn->bu.expires_ns - now) / NSEC_PER_SEC)
			: NULL);
	json_object_object_add(e, "retransmissions", json_object_new_int64(mn->bu.retransmissions));
	json_object_object_add(e, "next_send",
			       mn->bu_active && mn->bu.next_send_ns > now
				       ? json_object_new_double((mn->bu.next_send_ns - now) / 1e9)
				       : NULL);
	json_object_object_add(e, "last_status",
			       mn->bu.last_status >= 0 ? json_object_new_int64(mn->bu.last_status)
						       : NULL);
	json_object_object_add(e, "last_status_text",
			       mn->bu.last_status >= 0 ? json_object_new_string(mh_ba_status_str(
								 mn->bu.last_status))
						       : NULL);
	if (mn->router)
		router_json(mn, e);
	json_object_array_add(arr, e);
	ro_bul_json(mn->ro, arr);
	*result = json_object_new_object();
	json_object_object_add(*result, "bul", arr);
	return 0;
}

static int cmd_home_agents_show(struct json_object *args, struct json_object **result, char *err,
				size_t errlen, void *ctx)
{
	const struct mn *mn = ctx;
	struct json_object *arr = json_object_new_array();
	struct json_object *ha = json_object_new_object();

	(void)args;
	(void)err;
	(void)errlen;
	json_object_object_add(ha, "address", ha_known(mn) ? addr6_json(&mn->bu.peer) : NULL);
	json_object_object_add(ha, "preference", NULL);
	json_object_object_add(ha, "lifetime", NULL);
	json_object_object_add(ha, "interface", NULL);
	json_object_object_add(
		ha, "source",
		json_object_new_string(mn->d->cfg.mn.has_home_agent ? "config" : "dhaad"));
	json_object_array_add(arr, ha);
	*result = json_object_new_object();
	json_object_object_add(*result, "home_agents", arr);
	return 0;
}

/* ---- discovery's reports ------------------------------------------------------------------- */

/* DHAAD found @ha, the most preferred home agent. */
static void home_agent_found(void *ctx, const struct in6_addr *ha)
{
	struct mn *mn = ctx;

	if (ha_known(mn))
		return;
	mn->bu.peer = *ha;
	/* The BU that waited for DHAAD goes out now, with a fresh backoff. */
	if (mn->bu_active && mn->state == MN_REGISTERING) {
		mn->bu.retransmissions = 0;
		mn->bu.timeout_ms = mn->d->cfg.mn.initial_timeout_ms;
		transmit(mn, mono_now_ns());
	}
}

static void where_cb(void *ctx, struct mn_where *w)
{
	where(ctx, w);
}

/* DHAAD and MPS/MPA (disc_mn.c): at start, or at the first BA status 1. */
static int start_discovery(struct mn *mn, bool solicit_on_register)
{
	struct disc_mn_ops ops = {
		.home_agent_found = home_agent_found,
		.where = where_cb,
		.ctx = mn,
		.solicit_on_register = solicit_on_register,
	};

	return disc_mn_start(mn->d, &ops, &mn->disc);
}

/* ---- start and stop ------------------------------------------------------------------------ */

/*
 * Without home-address: the home prefix and the interface identifier of
 * the first configured interface, the modified EUI-64 of its MAC address
 * (RFC 4291 appendix A), which does not change as the MN moves.
 */
static int form_home_addr(struct mn *mn, struct in6_addr *hoa)
{
	const struct config_mn *cfg = &mn->d->cfg.mn;
	__u8 mac[6];
	int err;

	err = nl_link_lladdr(&mn->d->nl, mn->ifindex[0], mac);
	if (err) {
		pr_err("%s: no MAC address to form the home address from: %s", cfg->interfaces[0],
		       strerror(-err));
		return err;
	}
	*hoa = cfg->home_prefix.addr;
	hoa->s6_addr[8] = mac[0] ^ 0x02;
	hoa->s6_addr[9] = mac[1];
	hoa->s6_addr[10] = mac[2];
	hoa->s6_addr[11] = 0xff;
	hoa->s6_addr[12] = 0xfe;
	hoa->s6_addr[13] = mac[3];
	hoa->s6_addr[14] = mac[4];
	hoa->s6_addr[15] = mac[5];
	return 0;
}

/* A restarted daemon goes on with the binding it left (and its sequence
 * number, which the HA would otherwise refuse). */
static void restore_binding(struct mn *mn, unsigned long long now)
{
	struct xmip6_binding b;

	if (dp_binding_lookup(&mn->d->dp, &mn->bu.home_addr, &b) || b.expires_ns <= now ||
	    (ha_known(mn) && !IN6_ARE_ADDR_EQUAL(&b.ha_addr, &mn->bu.peer)))
		return;
	/* ... with the home agent DHAAD found last time. */
	mn->bu.peer = b.ha_addr;
	mn->registered = true;
	mn->bu.reg_coa = b.care_of_addr;
	mn->coa = b.care_of_addr;
	mn->have_coa = true;
	mn->bu.seq = b.sequence;
	mn->bu.granted_s = b.lifetime_s;
	mn->bu.reg_ns = b.registered_ns;
	mn->bu.expires_ns = b.expires_ns;
	mn->bu.refresh_ns = b.registered_ns + (b.lifetime_s - b.lifetime_s / 4) * NSEC_PER_SEC;
	mn->state = MN_REGISTERED;
}

static const char *reload_refused(const struct daemon *d, void *arg,
				  const struct xmip6d_config *next)
{
	const struct config_mn *cur = &d->cfg.mn, *new = &next->mn;

	(void)arg;
	if (memcmp(&new->home_addr, &cur->home_addr, sizeof(new->home_addr)) ||
	    memcmp(&new->home_agent, &cur->home_agent, sizeof(new->home_agent)) ||
	    new->has_home_addr != cur->has_home_addr ||
	    new->has_home_agent != cur->has_home_agent ||
	    memcmp(&new->home_prefix, &cur->home_prefix, sizeof(new->home_prefix)) ||
	    new->home_prefix_len != cur->home_prefix_len ||
	    memcmp(new->interfaces, cur->interfaces, sizeof(new->interfaces)))
		return "mobile-node home address or prefix, home agent or interfaces changed; "
		       "restart needed";
	if (next->has_mr != d->cfg.has_mr || new->mr_mode != cur->mr_mode ||
	    new->n_mr_nets != cur->n_mr_nets ||
	    memcmp(new->mr_nets, cur->mr_nets, sizeof(new->mr_nets)))
		return "mobile-router mobile-networks or mode changed; restart needed";
	return NULL;
}

static void stop(struct daemon *d, void *arg)
{
	struct mn *mn = arg;

	/* The binding and the home address on lo stay: traffic keeps flowing
	 * until the lifetime ends, and a restarted daemon takes over. */
	ro_stop(mn->ro);
	movement_stop(d);
	disc_mn_stop(mn->disc);
	if (mn->router_attached)
		mn->router->stop(mn->router->ctx, d);
	free(mn);
}

static const struct daemon_role_hooks role_hooks = {
	.reload_refused = reload_refused,
	.stop = stop,
};

/* The metrics endpoint's xmip6_bindings{role="mn"}: 1 while the HA holds ours. */
static __u64 bindings_gauge(void *arg)
{
	const struct mn *mn = arg;

	return mn->registered;
}

/*
 * What the mobile node takes: BA, BRR, BE, HoT, CoT, unbound HAO packets,
 * its commands, a tick, and its home registration for the metrics.
 */
static int register_parts(struct daemon *d, struct mn *mn)
{
	static const __u8 types[] = {MH_TYPE_BA, MH_TYPE_BRR, MH_TYPE_BE, MH_TYPE_HOT, MH_TYPE_COT};
	size_t i;
	int err = 0;

	for (i = 0; i < sizeof(types) && !err; i++)
		err = daemon_mh_handler_reg(d, types[i], receive, mn);
	return err ?: hao_unbound_reg(d) ?: daemon_on_tick(d, tick, mn)
			     ?: daemon_ctl_reg(d, "bul-show", cmd_bul_show, mn)
			     ?: daemon_ctl_reg(d, "home-agents-show", cmd_home_agents_show, mn)
			     ?: daemon_gauge_reg(d, "xmip6_bindings", "role=\"mn\"",
						 BINDINGS_GAUGE_HELP, bindings_gauge, mn);
}

int mn_start(struct daemon *d)
{
	return mn_start_router(d, NULL);
}

int mn_start_router(struct daemon *d, const struct mn_router *router)
{
	const struct config_mn *cfg = &d->cfg.mn;
	struct dp_attach_opts opts = {
		.role = XMIP6_ROLE_MN,
		.ha_addr = cfg->home_agent,
		.xdp_mode = cfg->xdp_mode,
		.flags = XMIP6_CFG_F_SIGNAL | (router ? XMIP6_CFG_F_MR : 0),
		.binding_counters_off = !d->cfg.binding_counters,
	};
	struct mn *mn;
	int i, err;

	err = daemon_check_interfaces(d, cfg->interfaces, cfg->n_interfaces);
	if (err)
		return err;
	mn = daemon_role_new(d, &role_hooks, sizeof(*mn));
	if (!mn)
		return -ENOMEM;
	mn->d = d;
	mn->router = router;
	mn->who = router ? "mobile router" : "mobile node";
	err = register_parts(d, mn);
	if (err) {
		pr_err("mobile node: %s", strerror(-err));
		return err;
	}
	/* Without home-agent in the file, the peer is :: until DHAAD. */
	bul_init(&mn->bu, BUL_HOME, &cfg->home_agent, &cfg->home_addr);
	mn->home_prefix = cfg->home_prefix;
	mn->lo_ifindex = if_nametoindex("lo");
	for (i = 0; i < cfg->n_interfaces; i++)
		mn->ifindex[i] = if_nametoindex(cfg->interfaces[i]);
	if (!cfg->has_home_addr) {
		err = form_home_addr(mn, &mn->bu.home_addr);
		if (err)
			return err;
	}
	/* The MN's tunnel follows its binding's home agent; until DHAAD finds
	 * one, the data plane's config names the home-agents anycast address. */
	if (!ha_known(mn))
		disc_home_agents_anycast(&cfg->home_prefix, &opts.ha_addr);
	mn->attach_opts = opts;
	err = daemon_attach(d, cfg->interfaces, cfg->n_interfaces, &opts);
	if (err)
		return err;
	if (router) {
		err = router->attached(router->ctx, d, &mn->bu.home_addr);
		mn->router_attached = true;
		if (err)
			return err;
	}
	err = ro_start(d, &mn->ro);
	if (err)
		return err;
	err = nl_monitor_open(&d->nl)
		      ?: daemon_watch(d, nl_monitor_fd(&d->nl), monitor_readable, mn);
	if (err) {
		pr_err("rtnetlink monitor: %s", strerror(-err));
		return err;
	}
	/* Without it the MN still works; only the NA and NS of 11.5.4 are lost. */
	if (daemon_open_nd(d))
		pr_warn("neighbour discovery socket: returning home will not announce the home "
			"address");
	restore_binding(mn, mono_now_ns());
	/* DHAAD, and MPS/MPA for a home address formed from the prefix. */
	if (!cfg->has_home_agent || !cfg->has_home_addr) {
		err = start_discovery(mn, true);
		if (err)
			return err;
	}
	pr_notice("%s %s, home agent %s, %d interface(s)", mn->who,
		  addr6_str(&mn->bu.home_addr, &(struct addr6_buf){}),
		  ha_known(mn) ? addr6_str(&mn->bu.peer, &(struct addr6_buf){})
			       : "to be found by DHAAD",
		  cfg->n_interfaces);
	/* RA-driven detection; without it, the addresses alone (logged). */
	movement_start(d, location_changed, mn);
	evaluate(mn);
	return 0;
}
