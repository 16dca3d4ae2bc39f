// SPDX-License-Identifier: GPL-2.0
/*
 * cn.c - the correspondent node: return routability (RFC 6275 section 5.2,
 * 9.4), Binding Updates authorized by it (section 9.5), Binding Refresh
 * Requests before expiry (section 9.5.5) and Binding Errors for packets
 * with a Home Address option and no binding (section 9.3.1).
 *
 * The binding cache is the pinned "bindings" map, as at the home agent:
 * care_of_addr is the registered care-of address, ha_addr the address of
 * ours the mobile node registered with. Nothing is kept per mobile node
 * during return routability (section 5.2.4): the keygen tokens are
 * recomputed from Kcn and the nonces when the BU arrives. Kcn, nonces and
 * tokens are never logged.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "wire/auth.h"
#include "daemon/daemon.h"
#include "roles/cn.h"
#include "roles/hao_unbound.h"
#include "roles/nexthop.h"
#include "net/route.h"
#include "common/util.h"

#define NSEC_PER_SEC	1000000000ULL
#define CN_SCAN_NS	(NSEC_PER_SEC / 4)
#define CN_FULL_SCAN_NS (10 * NSEC_PER_SEC)
#define CN_MAX_BATCH	4096
/* Nonces are found by index modulo this: more than nonce-lifetime /
 * nonce-interval (at most 3600) so a live nonce is never overwritten. */
#define CN_NONCE_SLOTS	   4096
#define CN_BRR_SLOTS	   4096 /* registrations a BRR went to (lossy: a clash may repeat one) */
#define HOTI_COOKIE_OFFSET 8	/* MH header 6, Reserved 2 (section 6.1.3) */

struct cn_nonce {
	bool used;
	__u16 index;
	__u8 nonce[AUTH_RR_NONCE_LEN];
	__u8 kcn[AUTH_RR_KCN_LEN]; /* the Kcn current when the nonce was made */
	unsigned long long created_ns;
};

struct cn_brr_sent {
	struct in6_addr hoa;
	unsigned long long registered_ns;
};

struct cn {
	struct daemon *d;
	__u8 kcn[AUTH_RR_KCN_LEN];
	unsigned long long kcn_ns;
	struct cn_nonce nonces[CN_NONCE_SLOTS];
	__u16 cur_index; /* the nonce handed out in HoT/CoT now */
	unsigned long long next_nonce_ns;
	long n_bindings;
	unsigned long long next_scan_ns, next_due_ns, next_full_scan_ns;
	struct cn_brr_sent brr[CN_BRR_SLOTS];
	/* MAX_UPDATE_RATE per home address, for authentic BUs (ratelimit.h). */
	struct update_rate update_rate;
};

static bool routable_unicast(const struct in6_addr *a)
{
	return !addr6_unusable_reason(a) && !IN6_IS_ADDR_LINKLOCAL(a) && !IN6_IS_ADDR_V4MAPPED(a);
}

/* ---- Kcn and nonces (section 5.2.7) ------------------------------------------------------ */

static int new_kcn(struct cn *cn, unsigned long long now)
{
	if (RAND_bytes(cn->kcn, sizeof(cn->kcn)) != 1) {
		pr_err("correspondent node: no random octets for Kcn");
		return -EIO;
	}
	cn->kcn_ns = now;
	return 0;
}

static int new_nonce(struct cn *cn, unsigned long long now)
{
	__u16 index = cn->cur_index + 1;
	struct cn_nonce *n = &cn->nonces[index % CN_NONCE_SLOTS];

	if (RAND_bytes(n->nonce, sizeof(n->nonce)) != 1) {
		pr_err("correspondent node: no random octets for a nonce");
		return -EIO;
	}
	n->used = true;
	n->index = index;
	memcpy(n->kcn, cn->kcn, sizeof(n->kcn));
	n->created_ns = now;
	cn->cur_index = index;
	return 0;
}

/* The nonce named @index while it may still be used (MAX_NONCE_LIFETIME), or NULL. */
static const struct cn_nonce *nonce_find(const struct cn *cn, __u16 index)
{
	const struct cn_nonce *n = &cn->nonces[index % CN_NONCE_SLOTS];
	unsigned long long now = mono_now_ns();

	if (!n->used || n->index != index ||
	    now - n->created_ns > (unsigned long long)cn->d->cfg.cn.nonce_lifetime_s * NSEC_PER_SEC)
		return NULL;
	return n;
}

/* Forget expired nonces and the Kcn copies they hold. */
static void nonces_forget(struct cn *cn, unsigned long long now)
{
	unsigned long long life = (unsigned long long)cn->d->cfg.cn.nonce_lifetime_s * NSEC_PER_SEC;
	size_t i;

	for (i = 0; i < CN_NONCE_SLOTS; i++)
		if (cn->nonces[i].used && now - cn->nonces[i].created_ns > life)
			explicit_bzero(&cn->nonces[i], sizeof(cn->nonces[i]));
}

static void nonce_tick(struct cn *cn, unsigned long long now)
{
	const struct config_cn *cfg = &cn->d->cfg.cn;

	if (now < cn->next_nonce_ns)
		return;
	if (cfg->kcn_interval_s &&
	    now - cn->kcn_ns >= (unsigned long long)cfg->kcn_interval_s * NSEC_PER_SEC &&
	    !new_kcn(cn, now))
		pr_info("correspondent node: new Kcn");
	nonces_forget(cn, now);
	if (!new_nonce(cn, now))
		pr_debug("correspondent node: nonce index %u", cn->cur_index);
	cn->next_nonce_ns = now + (unsigned long long)cfg->nonce_interval_s * NSEC_PER_SEC;
}

/* ---- return routability (section 9.4) --------------------------------------------------- */

/* HoTI -> HoT to the home address, CoTI -> CoT to the care-of address. */
static void answer_test_init(struct cn *cn, const struct sig_rx *rx, const struct mh_msg *msg)
{
	struct daemon *d = cn->d;
	bool care_of = msg->type == MH_TYPE_COTI;
	const struct cn_nonce *n = nonce_find(cn, cn->cur_index);
	__u8 token[AUTH_RR_TOKEN_LEN], mh[64];
	struct sig_tx tx = {.src = rx->dst, .dst = rx->src, .mh = mh};
	struct addr6_buf a;
	int len;

	/* Section 9.4.1/9.4.2: the test goes back to the source, which must be
	 * an address the MN can be reached at. */
	if (!routable_unicast(&rx->src) || msg->len < HOTI_COOKIE_OFFSET + 8) {
		daemon_count_drop(d, DROP_bad_home_addr);
		pr_packet(LOG_INFO, "dropped %s from %s: source not unicast routable",
			  mh_type_str(msg->type), addr6_str(&rx->src, &a));
		return;
	}
	if (!n) /* cannot happen: nonce-lifetime >= nonce-interval */
		return;
	if (auth_rr_keygen_token(n->kcn, &rx->src, n->nonce, care_of, token))
		return;
	len = mh_build_test(mh, sizeof(mh), care_of ? MH_TYPE_COT : MH_TYPE_HOT, n->index,
			    msg->data + HOTI_COOKIE_OFFSET, token);
	explicit_bzero(token, sizeof(token));
	if (len < 0)
		return;
	tx.mh_len = len;
	daemon_send(d, &tx, care_of ? MH_TYPE_COT : MH_TYPE_HOT);
	explicit_bzero(mh, sizeof(mh));
}

/* ---- Binding Updates (section 9.5.1) ---------------------------------------------------- */

struct cn_bu {
	struct cn *cn;
	const struct sig_rx *rx;
	const struct mh_msg *msg;
	struct in6_addr hoa, coa;
	bool dereg;
	bool have_kbm;
	__u8 kbm[AUTH_RR_KBM_LEN];
	bool have_old;
	struct xmip6_binding old;
};

/*
 * The BA to the BU's source, with the home address in a type 2 routing
 * header when the BU came with a HAO (section 9.5.4). With Kbm it carries
 * the Binding Authorization Data over the BA (section 6.1.8).
 */
static void send_ba(struct daemon *d, const struct cn_bu *c, __u8 status, __u16 sequence,
		    __u32 granted_s)
{
	struct mh_ba_fields ba = {
		.status = status, .sequence = sequence, .lifetime = granted_s / 4};
	struct mh_opts opts = {.has_bad = c->have_kbm};
	struct sig_tx tx = {.src = c->rx->dst, .dst = c->rx->src};
	struct in6_addr hoa = c->hoa;
	struct addr6_buf h;
	__u8 mh[128];
	int len;

	/* A refusal goes to whatever source the BU claims: from the shared
	 * error budget (RFC 4443 section 2.4 (f) in spirit). */
	if (status >= MH_BA_REJECTED_MIN && !daemon_error_allowed(d))
		return;
	if (status >= MH_BA_REJECTED_MIN)
		pr_packet(LOG_NOTICE, "BU from %s for %s seq %u refused: %u %s",
			  addr6_str(&c->rx->src, &h), addr6_str(&c->hoa, &(struct addr6_buf){}),
			  c->msg->bu.sequence, status, mh_ba_status_str(status));
	len = mh_build_ba(mh, sizeof(mh), &ba, &opts);
	if (len < 0)
		return;
	/* The care-of address registered: the HoA when de-registering. */
	if (opts.has_bad &&
	    auth_rr_sign(mh, len, c->dereg ? &c->hoa : &c->coa, &c->rx->dst, c->kbm))
		return;
	if (c->rx->has_hao)
		tx.rt2 = &hoa;
	tx.mh = mh;
	tx.mh_len = len;
	if (!daemon_send(d, &tx, MH_TYPE_BA))
		d->stats.ba_sent[status]++;
}

static void unauthorized(struct daemon *d, const struct cn_bu *c, const char *why)
{
	struct addr6_buf a, h;

	daemon_count_drop(d, DROP_rr_unauthorized);
	pr_packet(LOG_INFO, "dropped BU from %s for %s seq %u: %s", addr6_str(&c->rx->src, &a),
		  addr6_str(&c->hoa, &h), c->msg->bu.sequence, why);
}

/*
 * Section 5.2.5: recompute the tokens from the nonce indices and check the
 * authenticator. 0 (Kbm kept in @c), a BA status for unknown nonce indices,
 * or -EACCES (silent discard: logged and counted here).
 */
static int authorize(struct daemon *d, struct cn_bu *c)
{
	const struct mh_msg *msg = c->msg;
	const struct cn_nonce *hn, *cn = NULL;
	__u8 htok[AUTH_RR_TOKEN_LEN], ctok[AUTH_RR_TOKEN_LEN];
	int err;

	if (!msg->nonce_indices) {
		unauthorized(d, c, "no Nonce Indices option");
		return -EACCES;
	}
	if (!msg->bad || !msg->bad_last) {
		unauthorized(d, c, "Binding Authorization Data missing or not last");
		return -EACCES;
	}
	hn = nonce_find(c->cn, ntohs(msg->nonce_indices->home_nonce_index));
	/* The care-of nonce index is ignored when de-registering. */
	if (!c->dereg)
		cn = nonce_find(c->cn, ntohs(msg->nonce_indices->care_of_nonce_index));
	if (!hn && !c->dereg && !cn)
		return MH_BA_EXPIRED_NONCES;
	if (!hn)
		return MH_BA_EXPIRED_HOME_NONCE;
	if (!c->dereg && !cn)
		return MH_BA_EXPIRED_CARE_OF_NONCE;

	err = auth_rr_keygen_token(hn->kcn, &c->hoa, hn->nonce, false, htok);
	if (!err && cn)
		err = auth_rr_keygen_token(cn->kcn, &c->coa, cn->nonce, true, ctok);
	if (!err)
		err = auth_rr_kbm(htok, cn ? ctok : NULL, c->kbm);
	explicit_bzero(htok, sizeof(htok));
	explicit_bzero(ctok, sizeof(ctok));
	if (!err)
		err = auth_rr_verify(msg->data, msg->len, c->dereg ? &c->hoa : &c->coa, &c->rx->dst,
				     c->kbm);
	if (err) {
		explicit_bzero(c->kbm, sizeof(c->kbm));
		unauthorized(d, c, "authenticator wrong");
		return -EACCES;
	}
	c->have_kbm = true;
	return 0;
}

static void deregister(struct daemon *d, struct cn_bu *c)
{
	const struct mh_bu_fields *bu = &c->msg->bu;
	struct addr6_buf h;
	int err;

	if (c->have_old) {
		err = dp_binding_delete(&d->dp, &c->hoa);
		if (err && err != -ENOENT) {
			pr_err("deleting the binding of %s: %s", addr6_str(&c->hoa, &h),
			       strerror(-err));
			send_ba(d, c, MH_BA_REASON_UNSPECIFIED, bu->sequence, 0);
			return;
		}
		if (!err && c->cn->n_bindings > 0)
			c->cn->n_bindings--;
		pr_notice("binding of %s removed (deregistration, seq %u)", addr6_str(&c->hoa, &h),
			  bu->sequence);
	}
	if (bu->flags & XMIP6_BU_F_ACK)
		send_ba(d, c, MH_BA_ACCEPTED, bu->sequence, 0);
}

static void note_due(struct cn *cn, unsigned long long due)
{
	if (due && due < cn->next_due_ns)
		cn->next_due_ns = due;
}

/* When the Binding Refresh Request for @b goes: refresh-before seconds
 * before expiry, or half way through a lifetime shorter than twice that. */
static unsigned long long brr_due(const struct daemon *d, const struct xmip6_binding *b)
{
	__u32 before = d->cfg.cn.refresh_before_s;

	if (!d->cfg.cn.refresh_request || !b->expires_ns)
		return 0;
	if (before > b->lifetime_s / 2)
		before = b->lifetime_s / 2;
	return b->expires_ns - (unsigned long long)before * NSEC_PER_SEC;
}

static void accept_binding(struct daemon *d, struct cn_bu *c)
{
	const struct mh_bu_fields *bu = &c->msg->bu;
	unsigned long long now = mono_now_ns();
	__u32 granted = (__u32)bu->lifetime * 4;
	struct xmip6_binding b = {
		.care_of_addr = c->coa,
		.ha_addr = c->rx->dst,
		.registered_ns = now,
		.created_ns = now,
		.sequence = bu->sequence,
		.flags = bu->flags & XMIP6_BU_F_ACK,
	};
	struct addr6_buf h, o;
	int err;

	if (!c->have_old && c->cn->n_bindings >= (long)d->cfg.cn.max_bindings) {
		send_ba(d, c, MH_BA_INSUFFICIENT_RESOURCES, bu->sequence, 0);
		return;
	}
	if (granted > d->cfg.cn.max_lifetime_s)
		granted = d->cfg.cn.max_lifetime_s / 4 * 4;
	b.lifetime_s = granted;
	b.expires_ns = now + (unsigned long long)granted * NSEC_PER_SEC;
	if (c->have_old)
		b.created_ns = c->old.created_ns ?: c->old.registered_ns;
	b.coa_ifindex = route_oif6_hint(&b.care_of_addr);
	err = dp_binding_update(&d->dp, &c->hoa, &b);
	if (err) {
		pr_err("storing the binding for %s: %s", addr6_str(&c->hoa, &h), strerror(-err));
		send_ba(d, c,
			err == -E2BIG || err == -ENOSPC ? MH_BA_INSUFFICIENT_RESOURCES
							: MH_BA_REASON_UNSPECIFIED,
			bu->sequence, 0);
		return;
	}
	if (!c->have_old)
		c->cn->n_bindings++;
	note_due(c->cn, brr_due(d, &b) ?: b.expires_ns);
	pr_notice("%s %s -> %s seq %u lifetime %u s",
		  c->have_old ? "binding refreshed:" : "binding:", addr6_str(&c->hoa, &h),
		  addr6_str(&c->coa, &o), bu->sequence, granted);
	if (bu->flags & XMIP6_BU_F_ACK)
		send_ba(d, c, MH_BA_ACCEPTED, bu->sequence, granted);
}

static void receive_bu(struct cn *cn, const struct sig_rx *rx, const struct mh_msg *msg)
{
	struct daemon *d = cn->d;
	const struct mh_bu_fields *bu = &msg->bu;
	struct cn_bu c = {.cn = cn, .rx = rx, .msg = msg};
	struct addr6_buf a;
	int status;

	/* Section 9.5.1: a unicast routable home address, from the HAO or the source. */
	c.hoa = rx->has_hao ? rx->hao : rx->src;
	c.coa = msg->alt_coa ? msg->alt_coa->care_of_addr : rx->src;
	if (!routable_unicast(&c.hoa) || !routable_unicast(&rx->src)) {
		daemon_count_drop(d, DROP_bad_home_addr);
		pr_packet(LOG_INFO, "dropped BU from %s: home address not unicast routable",
			  addr6_str(&rx->src, &a));
		return;
	}
	if (bu->flags & XMIP6_BU_F_HOME) {
		send_ba(d, &c, MH_BA_HOME_REG_NOT_SUPPORTED, bu->sequence, 0);
		return;
	}
	if (msg->misaligned || msg->duplicate) {
		unauthorized(d, &c, "mobility options misaligned or repeated");
		return;
	}
	c.dereg = !bu->lifetime || IN6_ARE_ADDR_EQUAL(&c.coa, &c.hoa);
	if (!c.dereg && !routable_unicast(&c.coa)) {
		unauthorized(d, &c, "care-of address not unicast routable");
		return;
	}
	status = authorize(d, &c);
	if (status < 0)
		return;
	if (status) {
		/* 136-138 go out even when A is clear (section 9.5.1), without BAD. */
		send_ba(d, &c, status, bu->sequence, 0);
		return;
	}
	if (!daemon_bu_rate_ok(d, &cn->update_rate, &c.hoa, bu->sequence))
		goto out;
	c.have_old = !dp_binding_lookup(&d->dp, &c.hoa, &c.old);
	if (c.have_old && (c.old.flags & XMIP6_BU_F_HOME)) {
		send_ba(d, &c, MH_BA_REG_TYPE_CHANGE, bu->sequence, 0);
		goto out;
	}
	/* Section 9.5.1: no binding, any sequence number; else it must be newer. */
	if (c.have_old && !seq_newer(bu->sequence, c.old.sequence)) {
		send_ba(d, &c, MH_BA_SEQ_OUT_OF_WINDOW, c.old.sequence, 0);
		goto out;
	}
	if (c.dereg)
		deregister(d, &c);
	else
		accept_binding(d, &c);
out:
	explicit_bzero(c.kbm, sizeof(c.kbm));
}

/* BU, HoTI and CoTI. */
static void receive(struct daemon *d, void *arg, const struct sig_rx *rx, const struct mh_msg *msg)
{
	(void)d;
	if (msg->type == MH_TYPE_BU)
		receive_bu(arg, rx, msg);
	else
		answer_test_init(arg, rx, msg);
}

/* ---- expiry and Binding Refresh Requests ------------------------------------------------ */

struct cn_walk {
	struct cn *cn;
	unsigned long long now, next;
	size_t n_expired, n_brr;
	struct in6_addr expired[CN_MAX_BATCH];
	struct in6_addr brr_hoa[CN_MAX_BATCH];
	struct xmip6_binding brr[CN_MAX_BATCH];
};

static struct cn_brr_sent *brr_slot(struct cn *cn, const struct in6_addr *hoa)
{
	__u32 h = 0;
	size_t i;

	for (i = 0; i < 16; i++)
		h = h * 31 + hoa->s6_addr[i];
	return &cn->brr[h % CN_BRR_SLOTS];
}

static bool brr_was_sent(struct cn *cn, const struct in6_addr *hoa, const struct xmip6_binding *b)
{
	const struct cn_brr_sent *s = brr_slot(cn, hoa);

	return IN6_ARE_ADDR_EQUAL(&s->hoa, hoa) && s->registered_ns == b->registered_ns;
}

static int walk_binding(const struct in6_addr *hoa, const struct xmip6_binding *b, void *ctx)
{
	struct cn_walk *w = ctx;
	unsigned long long brr = brr_due(w->cn->d, b);

	if (!b->expires_ns)
		return 0;
	if (b->expires_ns <= w->now) {
		if (w->n_expired < CN_MAX_BATCH)
			w->expired[w->n_expired++] = *hoa;
		else
			w->next = w->now;
		return 0;
	}
	if (brr && !brr_was_sent(w->cn, hoa, b)) {
		if (brr > w->now) {
			if (brr < w->next)
				w->next = brr;
		} else if (w->n_brr < CN_MAX_BATCH) {
			w->brr_hoa[w->n_brr] = *hoa;
			w->brr[w->n_brr++] = *b;
		}
	}
	if (b->expires_ns < w->next)
		w->next = b->expires_ns;
	return 0;
}

/* Section 9.5.5: a BRR to the care-of address, routed with a type 2 routing header. */
static void send_brr(struct cn *cn, const struct in6_addr *hoa, const struct xmip6_binding *b)
{
	struct mh_opts opts = {};
	struct cn_brr_sent *s;
	struct sig_tx tx = {.src = b->ha_addr, .dst = b->care_of_addr, .rt2 = hoa};
	struct addr6_buf h, o;
	__u8 mh[16];
	int len;

	len = mh_build_brr(mh, sizeof(mh), &opts);
	if (len < 0)
		return;
	tx.mh = mh;
	tx.mh_len = len;
	s = brr_slot(cn, hoa);
	s->hoa = *hoa;
	s->registered_ns = b->registered_ns;
	if (!daemon_send(cn->d, &tx, MH_TYPE_BRR))
		pr_info("Binding Refresh Request to %s for %s", addr6_str(&b->care_of_addr, &o),
			addr6_str(hoa, &h));
}

static void walk_bindings(struct cn *cn, unsigned long long now)
{
	static struct cn_walk w;
	struct daemon *d = cn->d;
	struct addr6_buf h;
	size_t i;

	w.cn = cn;
	w.now = now;
	w.next = ULLONG_MAX;
	w.n_expired = w.n_brr = 0;
	dp_binding_foreach(&d->dp, walk_binding, &w);
	cn->next_due_ns = w.next;
	for (i = 0; i < w.n_expired; i++) {
		if (dp_binding_delete(&d->dp, &w.expired[i]))
			continue;
		if (cn->n_bindings > 0)
			cn->n_bindings--;
		pr_notice("binding of %s expired", addr6_str(&w.expired[i], &h));
	}
	for (i = 0; i < w.n_brr; i++)
		send_brr(cn, &w.brr_hoa[i], &w.brr[i]);
}

static void tick(struct daemon *d, void *arg, unsigned long long now)
{
	struct cn *cn = arg;

	(void)d;
	nonce_tick(cn, now);
	if (now < cn->next_scan_ns)
		return;
	cn->next_scan_ns = now + CN_SCAN_NS;
	if (now >= cn->next_due_ns || now >= cn->next_full_scan_ns) {
		cn->next_full_scan_ns = now + CN_FULL_SCAN_NS;
		walk_bindings(cn, now);
	}
}

/* ---- operator commands ------------------------------------------------------------------ */

static int binding_del(void *arg, const struct in6_addr *hoa, char *err, size_t errlen)
{
	struct cn *cn = arg;
	int ret = dp_binding_delete(&cn->d->dp, hoa);

	if (ret == -ENOENT)
		snprintf(err, errlen, "no binding for that home address");
	else if (ret)
		snprintf(err, errlen, "binding map: %s", strerror(-ret));
	else if (cn->n_bindings > 0)
		cn->n_bindings--;
	return ret;
}

static int binding_flush(void *arg)
{
	struct cn *cn = arg;
	int total = dp_binding_flush(&cn->d->dp);

	cn->n_bindings = 0;
	return total < 0 ? 0 : total;
}

static const struct daemon_bcache_ops bcache_ops = {
	.del = binding_del,
	.flush = binding_flush,
};

/* ---- start and stop --------------------------------------------------------------------- */

static const char *reload_refused(const struct daemon *d, void *arg,
				  const struct xmip6d_config *next)
{
	(void)arg;
	if (memcmp(next->cn.interfaces, d->cfg.cn.interfaces, sizeof(next->cn.interfaces)))
		return "correspondent-node interfaces changed; restart needed";
	return NULL;
}

static void stop(struct daemon *d, void *arg)
{
	struct cn *cn = arg;

	(void)d;
	/* Bindings stay in the map; the keys go. */
	explicit_bzero(cn, sizeof(*cn));
	free(cn);
}

static const struct daemon_role_hooks role_hooks = {
	.reload_refused = reload_refused,
	.stop = stop,
};

/* The metrics endpoint's xmip6_bindings{role="cn"}. */
static __u64 bindings_gauge(void *arg)
{
	const struct cn *cn = arg;

	return cn->n_bindings > 0 ? cn->n_bindings : 0;
}

/*
 * What the correspondent takes: BU, HoTI, CoTI, unbound HAO packets, its
 * commands, a tick, and its binding count for the metrics.
 */
static int register_parts(struct daemon *d, struct cn *cn)
{
	return daemon_mh_handler_reg(d, MH_TYPE_BU, receive, cn)
		       ?: daemon_mh_handler_reg(d, MH_TYPE_HOTI, receive, cn)
		       ?: daemon_mh_handler_reg(d, MH_TYPE_COTI, receive, cn)
		       ?: hao_unbound_reg(d)
		       ?: daemon_on_tick(d, tick, cn) ?: daemon_bcache_reg(d, &bcache_ops, cn)
		       ?: daemon_gauge_reg(d, "xmip6_bindings", "role=\"cn\"", BINDINGS_GAUGE_HELP,
					   bindings_gauge, cn);
}

int cn_start(struct daemon *d)
{
	const struct config_cn *cfg = &d->cfg.cn;
	struct dp_attach_opts opts = {
		.role = XMIP6_ROLE_CN,
		.max_bindings = cfg->max_bindings,
		.xdp_mode = cfg->xdp_mode,
		.flags = XMIP6_CFG_F_SIGNAL,
		.binding_counters_off = !d->cfg.binding_counters,
	};
	unsigned long long now = mono_now_ns();
	struct cn *cn;
	__u16 first;
	int err;

	err = daemon_check_interfaces(d, cfg->interfaces, cfg->n_interfaces);
	if (err)
		return err;
	cn = daemon_role_new(d, &role_hooks, sizeof(*cn));
	if (!cn)
		return -ENOMEM;
	cn->d = d;
	err = register_parts(d, cn);
	if (err) {
		pr_err("correspondent node: %s", strerror(-err));
		return err;
	}
	update_rate_init(&cn->update_rate, 0);
	/* Indices start anywhere: a restarted CN does not reuse the old ones. */
	if (RAND_bytes((unsigned char *)&first, sizeof(first)) != 1)
		first = (__u16)now;
	cn->cur_index = first;
	err = new_kcn(cn, now) ?: new_nonce(cn, now);
	if (err)
		return err;
	cn->next_nonce_ns = now + (unsigned long long)cfg->nonce_interval_s * NSEC_PER_SEC;
	/* A correspondent that forwards (a router) takes the next hops of its RH2
	 * packets from the cache; a host's data plane routes through the
	 * stack (bpf_redirect_neigh()) and never fills it. */
	err = daemon_attach(d, cfg->interfaces, cfg->n_interfaces, &opts)
		      ?: nexthop_follow_start(d);
	if (err)
		return err;
	err = dp_binding_count(&d->dp);
	cn->n_bindings = err < 0 ? 0 : err;
	pr_notice("correspondent node on %d interface(s), %ld binding(s) kept, max lifetime %u s",
		  cfg->n_interfaces, cn->n_bindings, cfg->max_lifetime_s);
	return 0;
}
