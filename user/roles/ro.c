// SPDX-License-Identifier: GPL-2.0
/*
 * ro.c - mobile node route optimisation (RFC 6275 sections 5.2, 11.6,
 * 11.7.2, 11.8): the Binding Update List entries for correspondent nodes.
 *
 * Which correspondents: TC egress records in the "peers" map every
 * correspondent the home address talks to through the reverse tunnel
 * (XMIP6_CFG_F_RO). Once a second those the policy allows become entries
 * here; while the home agent holds our binding each entry runs return
 * routability (HoTI reverse-tunnelled from the home address, CoTI straight
 * from the care-of address), then a Binding Update authorised by Kbm
 * (Nonce Indices and Binding Authorization Data options). The correspondent's
 * accepting BA writes the "ro" map entry with which TC egress sends from the
 * care-of address with a Home Address option instead of the tunnel.
 *
 * Traffic never waits for any of this: without a live "ro" entry it stays in
 * the tunnel. A correspondent that does not answer (no Mobile IPv6), or
 * refuses, is held down for a while: its traffic just stays tunnelled.
 *
 * Every entry has one state: waiting (for a home registration), rr (tests
 * in flight, also while refreshing a binding the map still holds), bu-sent,
 * bound, held-down, deregistering (back home: HoTI and a lifetime 0 BU from
 * the home address, section 11.5.4).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/rand.h>

#include "wire/auth.h"
#include "daemon/daemon.h"
#include "roles/bul.h"
#include "roles/ro.h"
#include "roles/ro_maps.h"
#include "roles/ro_rr.h"
#include "daemon/ratelimit.h"
#include "common/util.h"

#define NSEC_PER_SEC  1000000000ULL
#define NSEC_PER_MSEC 1000000ULL

#define RO_MAX_ENTRIES	      256	   /* Binding Update List entries for correspondents */
#define RO_SCAN_NS	      NSEC_PER_SEC /* how often the "peers" map is read */
#define RR_MAX_SENDS	      4		   /* HoTI/CoTI copies before giving up: 1+2+4+8 s */
#define BU_MAX_SENDS	      5		   /* BU copies before giving up */
#define DEREG_MAX_SENDS	      3		   /* best effort when back home */
#define RO_HOLD_DOWN_NS	      (300 * NSEC_PER_SEC)
#define RO_REFUSED_LOG_NS     (60 * NSEC_PER_SEC)
#define RO_MAX_NONCE_RESTARTS 3 /* BAs 136-138 in a row before giving up */

enum ro_state {
	RO_WAITING,	  /* for an accepted home registration */
	RO_RR,		  /* HoTI and/or CoTI in flight */
	RO_BU_SENT,	  /* BU in flight */
	RO_BOUND,	  /* the correspondent accepted; "ro" entry written */
	RO_HELD_DOWN,	  /* failed: traffic stays in the tunnel until hold_until_ns */
	RO_DEREGISTERING, /* home again: deregistering with the correspondent */
};

static const char *const state_names[] = {
	[RO_WAITING] = "waiting",     [RO_RR] = "rr",
	[RO_BU_SENT] = "bu-sent",     [RO_BOUND] = "bound",
	[RO_HELD_DOWN] = "held-down", [RO_DEREGISTERING] = "deregistering",
};

struct ro_entry {
	/* The BU (the care-of address is the home address when deregistering
	 * from home) and the binding the correspondent accepted. */
	struct bul_entry bu;
	enum ro_state state;
	struct rr_test home, care_of;  /* return routability */
	bool have_kbm;		       /* bu.opts.kbm is made: a BU can go */
	unsigned long long started_ns; /* RR start, for the log */
	bool in_map;		       /* "ro" entry written */
	bool cn_bound;		       /* the correspondent accepted some BU of ours */
	unsigned long long hold_until_ns;
	unsigned int retries;
	unsigned int nonce_restarts; /* 136-138 since the last accepted BU */
};

struct ro {
	struct daemon *d;
	struct ro_entry e[RO_MAX_ENTRIES];
	int n;
	struct in6_addr hoa; /* from the last accepted home registration */
	bool have_hoa;
	unsigned long long next_scan_ns;
	__u64 refused; /* peers not taken: the list was full */
	unsigned long long refused_log_ns;
	bool scan_failed_logged;
};

/* The home address of the last accepted home registration: the "ro" map's key. */
static void note_home_addr(struct ro *ro, const struct mn_where *w)
{
	if (!w->registered)
		return;
	ro->hoa = w->home_addr;
	ro->have_hoa = true;
}

static const char *peer_str(const struct ro_entry *e, struct addr6_buf *b)
{
	return addr6_str(&e->bu.peer, b);
}

static void set_state(struct ro_entry *e, enum ro_state state)
{
	struct addr6_buf p;

	if (e->state != state)
		pr_debug("route optimisation with %s: %s -> %s", peer_str(e, &p),
			 state_names[e->state], state_names[state]);
	e->state = state;
}

static struct ro_entry *find(const struct ro *ro, const struct in6_addr *peer)
{
	int i;

	for (i = 0; i < ro->n; i++)
		if (IN6_ARE_ADDR_EQUAL(&ro->e[i].bu.peer, peer))
			return (struct ro_entry *)&ro->e[i];
	return NULL;
}

static void remove_entry(struct ro *ro, struct ro_entry *e)
{
	int i = (int)(e - ro->e);

	ro->e[i] = ro->e[--ro->n];
}

/* ---- the "ro" map ------------------------------------------------------------------------ */

static void map_delete(struct ro *ro, struct ro_entry *e)
{
	struct addr6_buf p;
	int err;

	if (!e->in_map)
		return;
	e->in_map = false;
	err = ro_maps_delete(&ro->d->dp, &ro->hoa, &e->bu.peer);
	if (err && err != -ENOENT)
		pr_err("ro map entry for %s: %s", peer_str(e, &p), strerror(-err));
}

/* The BU in flight was accepted for @granted_s: TC egress may use it. */
static int map_write(struct ro *ro, struct ro_entry *e, __u32 granted_s, unsigned long long now)
{
	struct addr6_buf p;
	int err;

	err = ro_maps_write(&ro->d->dp, &ro->hoa, &e->bu.peer, &e->bu.care_of_addr, granted_s,
			    e->bu.seq, now);
	if (err) {
		pr_err("ro map entry for %s: %s", peer_str(e, &p), strerror(-err));
		return err;
	}
	e->in_map = true;
	return 0;
}

/* ---- failing softly ---------------------------------------------------------------------- */

/* The traffic stays in the tunnel; try again after RO_HOLD_DOWN_NS of it. */
static void hold_down(struct ro *ro, struct ro_entry *e, unsigned long long now, const char *why)
{
	struct addr6_buf p;

	map_delete(ro, e);
	e->home.pending = e->care_of.pending = false;
	e->hold_until_ns = now + RO_HOLD_DOWN_NS;
	set_state(e, RO_HELD_DOWN);
	pr_notice("route optimisation with %s: fell back to the tunnel: %s (held down %llu s)",
		  peer_str(e, &p), why, RO_HOLD_DOWN_NS / NSEC_PER_SEC);
}

/* ---- return routability ------------------------------------------------------------------ */

/* Run the home and/or the care-of test (away from home, registered). */
static void start_rr(struct ro *ro, struct ro_entry *e, bool home, bool care_of,
		     const struct mn_where *w, unsigned long long now, const char *why)
{
	struct addr6_buf p, c;

	set_state(e, RO_RR);
	e->retries = 0;
	e->started_ns = now;
	pr_info("route optimisation with %s: return routability (%s%s%s) from %s: %s",
		peer_str(e, &p), home ? "home" : "", home && care_of ? " and " : "",
		care_of ? "care-of" : "", addr6_str(&w->care_of_addr, &c), why);
	if (home)
		rr_arm(ro->d, &e->home, true, &e->bu.peer, &w->home_addr, w, now);
	if (care_of)
		rr_arm(ro->d, &e->care_of, false, &e->bu.peer, &w->care_of_addr, w, now);
}

/* ---- Binding Updates to the correspondent ------------------------------------------------- */

/* A copy of the BU (bul.c builds, signs and paces it). */
static void transmit_bu(struct ro *ro, struct ro_entry *e, unsigned long long now)
{
	struct addr6_buf p;

	/* Paced (BUL_PACED): bu_tick() sends it when the rate lets it. */
	if (bul_transmit(ro->d, &e->bu, now) < 0)
		pr_warn("BU seq %u to %s not sent", e->bu.seq, peer_str(e, &p));
}

/*
 * Section 11.7.2: the BU carries the nonce indices of the tokens and is
 * authorised with Kbm made from them (@care_of_token NULL: the home token
 * alone, when deregistering from home). False when Kbm cannot be made.
 */
static bool make_kbm(struct ro_entry *e, const __u8 *care_of_token)
{
	struct bul_bu_opts *o = &e->bu.opts;

	if (auth_rr_kbm(e->home.token, care_of_token, o->kbm))
		return false;
	o->home_nonce_index = e->home.nonce_index;
	o->care_of_nonce_index = care_of_token ? e->care_of.nonce_index : 0;
	e->have_kbm = true;
	return true;
}

/* Both tokens are in (the care-of one for @w's CoA): Kbm, then the BU. */
static void start_bu(struct ro *ro, struct ro_entry *e, const struct mn_where *w,
		     unsigned long long now)
{
	struct addr6_buf p;

	if (!make_kbm(e, e->care_of.token)) {
		hold_down(ro, e, now, "Kbm could not be computed");
		return;
	}
	bul_start(&e->bu, &w->care_of_addr, ro->d->cfg.mn.ro_lifetime_s,
		  BUL_INITIAL_BINDACK_TIMEOUT_MS, now);
	set_state(e, RO_BU_SENT);
	pr_debug("route optimisation with %s: tokens in after %llu ms, sending BU", peer_str(e, &p),
		 (now - e->started_ns) / NSEC_PER_MSEC);
	transmit_bu(ro, e, now);
}

/* Deregistration from home (section 11.5.4): the home address as care-of address. */
static void start_dereg_bu(struct ro *ro, struct ro_entry *e, unsigned long long now)
{
	if (!make_kbm(e, NULL)) {
		remove_entry(ro, e);
		return;
	}
	bul_start(&e->bu, &ro->hoa, 0, BUL_INITIAL_BINDACK_TIMEOUT_MS, now);
	transmit_bu(ro, e, now);
}

/* What to do now that a test ended: the BU when both tokens are good. */
static void tests_done(struct ro *ro, struct ro_entry *e, const struct mn_where *w,
		       unsigned long long now)
{
	if (e->state == RO_DEREGISTERING) {
		if (e->home.have_token && !e->home.pending && !e->have_kbm)
			start_dereg_bu(ro, e, now);
		return;
	}
	if (e->state != RO_RR || e->home.pending || e->care_of.pending || !w->registered)
		return;
	/* A token too old (a long wait for the other one) is fetched again. */
	if (!rr_token_fresh(&e->home, now) || !rr_token_fresh(&e->care_of, now) ||
	    !IN6_ARE_ADDR_EQUAL(&e->care_of.addr, &w->care_of_addr)) {
		start_rr(ro, e, !rr_token_fresh(&e->home, now),
			 !rr_token_fresh(&e->care_of, now) ||
				 !IN6_ARE_ADDR_EQUAL(&e->care_of.addr, &w->care_of_addr),
			 w, now, "token expired");
		return;
	}
	start_bu(ro, e, w, now);
}

/* ---- receiving ----------------------------------------------------------------------------- */

static void receive_test(struct ro *ro, const struct sig_rx *rx, const struct mh_msg *msg,
			 const struct mn_where *w)
{
	const struct mh_test *m = (const struct mh_test *)msg->data;
	bool home = msg->type == MH_TYPE_HOT;
	unsigned long long now = mono_now_ns();
	struct ro_entry *e = find(ro, &rx->src);
	struct rr_test *t;
	struct addr6_buf p;

	if (!e || msg->len < sizeof(*m)) {
		daemon_count_drop(ro->d, DROP_unexpected_type);
		return;
	}
	t = home ? &e->home : &e->care_of;
	if (!rr_answers(t, m, &rx->dst)) {
		pr_packet(LOG_DEBUG, "%s from %s: no matching %s in flight", home ? "HoT" : "CoT",
			  peer_str(e, &p), home ? "HoTI" : "CoTI");
		daemon_count_drop(ro->d, DROP_unexpected_type);
		return;
	}
	/* Away, the HoT must come through our home agent's tunnel: that is what
	 * proves the home address (section 5.2.5). */
	if (home && e->state != RO_DEREGISTERING && !rx->tunnelled) {
		pr_packet(LOG_INFO, "HoT from %s not through the tunnel: ignored", peer_str(e, &p));
		daemon_count_drop(ro->d, DROP_unexpected_type);
		return;
	}
	rr_take_token(t, m, now);
	tests_done(ro, e, w, now);
}

static void bound(struct ro *ro, struct ro_entry *e, const struct mh_msg *msg,
		  unsigned long long now)
{
	const struct rr_test *h = &e->home, *c = &e->care_of;
	unsigned long long token_limit;
	struct addr6_buf p, a;
	__u32 granted;

	granted = bul_granted_s(&e->bu, &msg->ba);
	if (!granted) {
		hold_down(ro, e, now, "correspondent granted lifetime 0");
		return;
	}
	if (map_write(ro, e, granted, now)) {
		hold_down(ro, e, now, "ro map not writable");
		return;
	}
	e->cn_bound = true;
	/* Refresh at 3/4 of the lifetime, and before the tokens that made
	 * this binding turn MAX_TOKEN_LIFETIME old (section 5.2.7). */
	token_limit =
		(h->token_ns < c->token_ns ? h->token_ns : c->token_ns) + RR_MAX_TOKEN_LIFETIME_NS;
	bul_bound(&e->bu, granted, token_limit, now);
	e->retries = 0;
	e->nonce_restarts = 0;
	set_state(e, RO_BOUND);
	pr_notice("route optimisation with %s: bound via %s, lifetime %u s, seq %u, in %llu ms",
		  peer_str(e, &p), addr6_str(&e->bu.care_of_addr, &a), granted, e->bu.seq,
		  (now - e->started_ns) / NSEC_PER_MSEC);
}

static void receive_ba(struct ro *ro, const struct sig_rx *rx, const struct mh_msg *msg,
		       struct ro_entry *e, const struct mn_where *w)
{
	unsigned long long now = mono_now_ns();
	__u8 status = msg->ba.status;
	bool dereg = e->state == RO_DEREGISTERING;
	enum bul_ba verdict;
	struct addr6_buf p;

	if ((e->state != RO_BU_SENT && !(dereg && e->have_kbm)) ||
	    !IN6_ARE_ADDR_EQUAL(&rx->mh_dst, &ro->hoa)) {
		daemon_count_drop(ro->d, DROP_ba_unexpected);
		pr_packet(LOG_INFO, "BA from %s ignored: no Binding Update in flight",
			  peer_str(e, &p));
		return;
	}
	/* The correspondent signs its BA with the same Kbm (section 6.1.8);
	 * only a rejection may come without (it may not know the nonces). */
	if (msg->bad ? auth_rr_verify(msg->data, msg->len, &e->bu.care_of_addr, &e->bu.peer,
				      e->bu.opts.kbm) != 0
		     : status < MH_BA_REJECTED_MIN) {
		daemon_count_drop(ro->d, DROP_ba_auth_failed);
		pr_packet(LOG_INFO, "BA status %u from %s ignored: Binding Authorization Data %s",
			  status, peer_str(e, &p), msg->bad ? "wrong" : "missing");
		return;
	}
	e->bu.last_status = status;
	verdict = bul_ba_check(&e->bu, &msg->ba);
	if (verdict == BUL_BA_SEQ_RESET) {
		/* Section 11.7.3: go on after the number it last accepted. */
		pr_info("route optimisation with %s: correspondent expects a sequence number "
			"after %u",
			peer_str(e, &p), msg->ba.sequence);
		/* Counts as a copy: a correspondent answering 135 forever
		 * gets no more BUs than one that never answers. */
		if (++e->bu.retransmissions >= BU_MAX_SENDS) {
			hold_down(ro, e, now, "sequence number never in window");
			return;
		}
		transmit_bu(ro, e, now);
		return;
	}
	if (verdict == BUL_BA_OTHER_SEQ) {
		daemon_count_drop(ro->d, DROP_ba_unexpected);
		pr_packet(LOG_INFO, "BA seq %u from %s ignored: BU in flight has seq %u",
			  msg->ba.sequence, peer_str(e, &p), e->bu.seq);
		return;
	}
	if (dereg) {
		pr_notice("route optimisation with %s: deregistered (status %u)", peer_str(e, &p),
			  status);
		remove_entry(ro, e);
		return;
	}
	switch (status) {
	case MH_BA_EXPIRED_HOME_NONCE:
	case MH_BA_EXPIRED_CARE_OF_NONCE:
	case MH_BA_EXPIRED_NONCES:
		if (++e->nonce_restarts > RO_MAX_NONCE_RESTARTS) {
			hold_down(ro, e, now, "nonce indices refused again and again");
			return;
		}
		/* The refused token is not used again (section 9.5.1). */
		if (status != MH_BA_EXPIRED_CARE_OF_NONCE)
			e->home.have_token = false;
		if (status != MH_BA_EXPIRED_HOME_NONCE)
			e->care_of.have_token = false;
		if (!w->registered) {
			set_state(e, RO_WAITING);
			return;
		}
		start_rr(ro, e, status != MH_BA_EXPIRED_CARE_OF_NONCE,
			 status != MH_BA_EXPIRED_HOME_NONCE, w, now, mh_ba_status_str(status));
		return;
	default:
		break;
	}
	if (verdict == BUL_BA_REFUSED) {
		char why[96];

		snprintf(why, sizeof(why), "correspondent refused: %u %s", status,
			 mh_ba_status_str(status));
		hold_down(ro, e, now, why);
		return;
	}
	bound(ro, e, msg, now);
}

void ro_receive(struct ro *ro, const struct sig_rx *rx, const struct mh_msg *msg,
		const struct mn_where *w)
{
	unsigned long long now = mono_now_ns();
	struct ro_entry *e;
	struct addr6_buf p;

	note_home_addr(ro, w);
	if (msg->type == MH_TYPE_HOT || msg->type == MH_TYPE_COT) {
		receive_test(ro, rx, msg, w);
		return;
	}
	e = find(ro, &rx->src);
	if (!e) {
		daemon_count_drop(ro->d, DROP_unexpected_type);
		return;
	}
	switch (msg->type) {
	case MH_TYPE_BA:
		receive_ba(ro, rx, msg, e, w);
		break;
	case MH_TYPE_BRR:
		/* Section 11.7.4: the correspondent wants the binding refreshed. */
		if (e->state == RO_BOUND && w->registered)
			start_rr(ro, e, true, true, w, now, "Binding Refresh Request");
		break;
	case MH_TYPE_BE:
		pr_packet(LOG_INFO, "Binding Error status %u from correspondent %s", msg->be.status,
			  peer_str(e, &p));
		if (e->state == RO_HELD_DOWN || e->state == RO_DEREGISTERING)
			break;
		if (msg->be.status == MH_BE_UNKNOWN_MH_TYPE) {
			hold_down(ro, e, now, "correspondent does not know the Mobility Header");
			break;
		}
		/* Status 1: it has no binding for our HAO packets (it lost it). */
		map_delete(ro, e);
		if (w->registered)
			start_rr(ro, e, true, true, w, now, "Binding Error: no binding");
		else
			set_state(e, RO_WAITING);
		break;
	default:
		daemon_count_drop(ro->d, DROP_unexpected_type);
		break;
	}
}

/* ---- which correspondents ----------------------------------------------------------------- */

static void add_peer(struct ro *ro, const struct in6_addr *peer, const struct mn_where *w,
		     unsigned long long now)
{
	struct ro_entry *e;
	__u16 seq;

	if (find(ro, peer))
		return;
	if (ro->n == RO_MAX_ENTRIES) {
		ro->refused++;
		if (now >= ro->refused_log_ns) {
			pr_warn("route optimisation: Binding Update List full (%d), %llu "
				"correspondents left in the tunnel",
				RO_MAX_ENTRIES, (unsigned long long)ro->refused);
			ro->refused_log_ns = now + RO_REFUSED_LOG_NS;
		}
		return;
	}
	e = &ro->e[ro->n++];
	memset(e, 0, sizeof(*e));
	bul_init(&e->bu, BUL_CORRESPONDENT, peer, &ro->hoa);
	e->bu.opts.flags = XMIP6_BU_F_ACK;
	/* A random first sequence number: a correspondent may still hold a
	 * binding from before a restart. */
	if (RAND_bytes((unsigned char *)&seq, sizeof(seq)) != 1)
		seq = (__u16)now;
	e->bu.seq = seq;
	e->state = RO_WAITING;
	start_rr(ro, e, true, true, w, now, "new correspondent");
}

/* The correspondents TC egress saw our home address talk to through the tunnel. */
static void scan_peers(struct ro *ro, const struct mn_where *w, unsigned long long now)
{
	struct in6_addr peers[RO_MAPS_PEER_BATCH];
	int i, n;

	n = ro_maps_take_peers(&ro->d->dp, &ro->d->cfg.mn, w, peers);
	if (n < 0) {
		if (!ro->scan_failed_logged)
			pr_warn("route optimisation: peers map not readable: %s", strerror(-n));
		ro->scan_failed_logged = true;
		return;
	}
	for (i = 0; i < n; i++)
		add_peer(ro, &peers[i], w, now);
}

/* ---- timers -------------------------------------------------------------------------------- */

/* MAX_BINDACK_TIMEOUT (section 13): the longest wait between copies, of BUs and tests. */
static __u32 max_timeout_ms(const struct ro *ro)
{
	return ro->d->cfg.mn.max_timeout_s * 1000;
}

/* A HoTI/CoTI unanswered: again with a new cookie, or give up (false). */
static bool test_tick(struct ro *ro, struct ro_entry *e, bool home, const struct mn_where *w,
		      unsigned long long now)
{
	struct rr_test *t = home ? &e->home : &e->care_of;
	unsigned int max = e->state == RO_DEREGISTERING ? DEREG_MAX_SENDS : RR_MAX_SENDS;

	if (!rr_due(t, now))
		return true;
	if (t->sends >= max)
		return false;
	e->retries++;
	rr_retransmit(ro->d, t, home, &e->bu.peer, w, max_timeout_ms(ro), now);
	return true;
}

/* A BU unanswered: again with a new sequence number, or give up. False when @e was removed. */
static bool bu_tick(struct ro *ro, struct ro_entry *e, const struct mn_where *w,
		    unsigned long long now)
{
	unsigned int max = e->state == RO_DEREGISTERING ? DEREG_MAX_SENDS : BU_MAX_SENDS;
	struct addr6_buf p;

	if (!bul_due(&e->bu, now))
		return true;
	if (e->bu.paced) {
		/* Only held back by the rate: it goes now. */
		transmit_bu(ro, e, now);
		return true;
	}
	if (e->bu.retransmissions + 1 >= max) {
		if (e->state != RO_DEREGISTERING) {
			hold_down(ro, e, now, "no Binding Acknowledgement");
			return true;
		}
		pr_notice("route optimisation with %s: no answer to the deregistration",
			  peer_str(e, &p));
		remove_entry(ro, e);
		return false;
	}
	/* The tokens may not sign for longer than MAX_TOKEN_LIFETIME. */
	if (e->state == RO_BU_SENT &&
	    (!rr_token_fresh(&e->home, now) || !rr_token_fresh(&e->care_of, now))) {
		start_rr(ro, e, !rr_token_fresh(&e->home, now), !rr_token_fresh(&e->care_of, now),
			 w, now, "tokens too old for another BU");
		return true;
	}
	e->retries++;
	bul_backoff(&e->bu, max_timeout_ms(ro));
	transmit_bu(ro, e, now);
	return true;
}

/* The timers of @e. Returns false when @e was removed. */
static bool entry_tick(struct ro *ro, struct ro_entry *e, const struct mn_where *w,
		       unsigned long long now)
{
	struct addr6_buf p;

	if (e->in_map && now >= e->bu.expires_ns) {
		/* The data plane stopped using it already; the map forgets it too. */
		pr_notice("route optimisation with %s: binding expired, back to the tunnel",
			  peer_str(e, &p));
		map_delete(ro, e);
		if (e->state == RO_BOUND && w->registered)
			start_rr(ro, e, true, true, w, now, "binding expired");
		else if (e->state == RO_BOUND)
			set_state(e, RO_WAITING);
	}
	switch (e->state) {
	case RO_WAITING:
		/* After a move the home token (of the home address, not the
		 * CoA) may still do: then the CoTI alone (section 11.6.1). */
		if (w->registered)
			start_rr(ro, e, !rr_token_reusable(&e->home, now), true, w, now,
				 "registered with the home agent");
		break;
	case RO_RR:
		if (!w->registered)
			break;
		if (!test_tick(ro, e, true, w, now) || !test_tick(ro, e, false, w, now))
			hold_down(ro, e, now, "no answer to return routability (no Mobile IPv6?)");
		else if (!e->home.pending && !e->care_of.pending)
			tests_done(ro, e, w, now); /* they ended while unregistered */
		break;
	case RO_BU_SENT:
		if (w->registered)
			return bu_tick(ro, e, w, now);
		break;
	case RO_BOUND:
		if (now >= e->bu.refresh_ns && w->registered)
			start_rr(ro, e, true, true, w, now, "refreshing the binding");
		break;
	case RO_HELD_DOWN:
		if (now >= e->hold_until_ns) {
			pr_info("route optimisation with %s: hold-down over", peer_str(e, &p));
			remove_entry(ro, e);
			return false;
		}
		break;
	case RO_DEREGISTERING:
		if (e->have_kbm)
			return bu_tick(ro, e, w, now);
		if (!test_tick(ro, e, true, w, now)) {
			pr_notice("route optimisation with %s: no HoT for the deregistration",
				  peer_str(e, &p));
			remove_entry(ro, e);
			return false;
		}
		break;
	}
	return true;
}

void ro_tick(struct ro *ro, const struct mn_where *w, unsigned long long now)
{
	int i;

	if (!ro)
		return;
	note_home_addr(ro, w);
	if (w->registered && now >= ro->next_scan_ns) {
		ro->next_scan_ns = now + RO_SCAN_NS;
		scan_peers(ro, w, now);
	}
	/* Backwards: remove_entry() moves the last entry, already seen, into the hole. */
	for (i = ro->n - 1; i >= 0; i--)
		entry_tick(ro, &ro->e[i], w, now);
}

/* ---- movement ------------------------------------------------------------------------------ */

void ro_moved(struct ro *ro)
{
	int i;

	if (!ro)
		return;
	/*
	 * The correspondents would send to the old care-of address: back to
	 * the tunnel at once, then RR and BU again once the home agent has
	 * the new one (ro_tick sees the registration).
	 */
	for (i = 0; i < ro->n; i++) {
		struct ro_entry *e = &ro->e[i];

		map_delete(ro, e);
		if (e->state == RO_HELD_DOWN)
			continue;
		e->home.pending = e->care_of.pending = false;
		e->care_of.have_token = false;
		e->have_kbm = false;
		set_state(e, RO_WAITING);
	}
	if (ro->n)
		pr_info("route optimisation: care-of address changed or home registration lost: "
			"%d correspondent(s) back to the tunnel",
			ro->n);
}

void ro_home(struct ro *ro)
{
	unsigned long long now = mono_now_ns();
	struct mn_where w = {.registered = false};
	struct addr6_buf p;
	int i;

	if (!ro)
		return;
	for (i = ro->n - 1; i >= 0; i--) {
		struct ro_entry *e = &ro->e[i];

		map_delete(ro, e);
		if (!e->cn_bound || !ro->have_hoa) {
			remove_entry(ro, e);
			continue;
		}
		/* Section 11.5.4: a HoTI straight from home, then a lifetime 0
		 * BU from the home address. */
		set_state(e, RO_DEREGISTERING);
		e->cn_bound = false;
		e->have_kbm = false;
		e->care_of.pending = false;
		e->retries = 0;
		e->started_ns = now;
		pr_info("route optimisation with %s: home again, deregistering", peer_str(e, &p));
		rr_arm(ro->d, &e->home, true, &e->bu.peer, &ro->hoa, &w, now);
	}
}

/* ---- start, stop, operator view ------------------------------------------------------------ */

bool ro_is_correspondent(const struct ro *ro, const struct in6_addr *addr)
{
	return ro && find(ro, addr);
}

int ro_start(struct daemon *d, struct ro **out)
{
	const struct config_mn *cfg = &d->cfg.mn;
	struct ro *ro;
	int err;

	*out = NULL;
	if (cfg->ro_mode == CONFIG_RO_NONE) {
		/* A previous run's flag would keep TC recording peers for nobody. */
		if (ro_maps_flag(&d->dp, false))
			pr_debug("route optimisation flag not cleared");
		return 0;
	}
	ro = calloc(1, sizeof(*ro));
	if (!ro)
		return -ENOMEM;
	ro->d = d;
	err = ro_maps_flag(&d->dp, true);
	if (err) {
		pr_err("route optimisation: config map: %s", strerror(-err));
		free(ro);
		return err;
	}
	ro_maps_flush_stale(&d->dp);
	pr_notice("route optimisation with %s correspondents, lifetime %u s",
		  cfg->ro_mode == CONFIG_RO_ALL ? "all" : "listed", cfg->ro_lifetime_s);
	*out = ro;
	return 0;
}

void ro_stop(struct ro *ro)
{
	if (!ro)
		return;
	/* The "ro" entries stay: the data plane expires them by itself. */
	if (ro_maps_flag(&ro->d->dp, false))
		pr_warn("route optimisation flag not cleared");
	free(ro);
}

static struct json_object *secs_or_null(unsigned long long until, unsigned long long now)
{
	return until > now ? json_object_new_int64((until - now) / NSEC_PER_SEC) : NULL;
}

void ro_bul_json(const struct ro *ro, struct json_object *arr)
{
	unsigned long long now = mono_now_ns();
	int i;

	if (!ro)
		return;
	for (i = 0; i < ro->n; i++) {
		const struct ro_entry *e = &ro->e[i];
		struct json_object *o = json_object_new_object();
		bool live = e->in_map && e->bu.expires_ns > now;

		json_object_object_add(o, "peer", addr6_json(&e->bu.peer));
		json_object_object_add(o, "home_addr", ro->have_hoa ? addr6_json(&ro->hoa) : NULL);
		json_object_object_add(o, "care_of_addr",
				       live			? addr6_json(&e->bu.reg_coa)
				       : e->state == RO_BU_SENT ? addr6_json(&e->bu.care_of_addr)
								: NULL);
		json_object_object_add(o, "state", json_object_new_string(state_names[e->state]));
		json_object_object_add(o, "sequence", json_object_new_int64(e->bu.seq));
		json_object_object_add(o, "lifetime_requested",
				       json_object_new_int64(ro->d->cfg.mn.ro_lifetime_s));
		json_object_object_add(o, "lifetime",
				       live ? json_object_new_int64(e->bu.granted_s) : NULL);
		json_object_object_add(o, "expires_in",
				       live ? secs_or_null(e->bu.expires_ns, now) : NULL);
		json_object_object_add(
			o, "held_down_for",
			e->state == RO_HELD_DOWN ? secs_or_null(e->hold_until_ns, now) : NULL);
		json_object_object_add(
			o, "last_status",
			e->bu.last_status >= 0 ? json_object_new_int64(e->bu.last_status) : NULL);
		json_object_object_add(o, "retries", json_object_new_int64(e->retries));
		/* The home agent entry's names too, for `bul show`'s table. */
		json_object_object_add(o, "lifetime_granted",
				       live ? json_object_new_int64(e->bu.granted_s) : NULL);
		json_object_object_add(o, "remaining",
				       live ? secs_or_null(e->bu.expires_ns, now) : NULL);
		json_object_object_add(o, "retransmissions", json_object_new_int64(e->retries));
		json_object_object_add(
			o, "home_nonce_index",
			e->home.have_token ? json_object_new_int64(e->home.nonce_index) : NULL);
		json_object_object_add(o, "care_of_nonce_index",
				       e->care_of.have_token
					       ? json_object_new_int64(e->care_of.nonce_index)
					       : NULL);
		json_object_array_add(arr, o);
	}
}
