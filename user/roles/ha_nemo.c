// SPDX-License-Identifier: GPL-2.0
/*
 * ha_nemo.c - NEMO Basic Support (RFC 3963) at the home agent: the Mobile
 * Router flag and Mobile Network Prefix options of a home registration
 * judged against the node's mobile-nodes entry (mobile-router, prefixes),
 * and the accepted router's prefixes kept in the data plane's "prefixes"
 * map, which bpf/nemo.h reads on every packet no binding holds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon.h"
#include "roles/ha_nemo.h"
#include "common/util.h"

/* @p/@len lies within one of the prefixes @sa may claim. */
static bool authorised(const struct config_mn_entry *sa, const struct in6_addr *p, unsigned int len)
{
	int i;

	for (i = 0; i < sa->n_mnp; i++)
		if (sa->mnp[i].len <= len && config_prefix_match(&sa->mnp[i], p))
			return true;
	return false;
}

static bool reg_has(const struct nemo_reg *reg, const struct xmip6_prefix_key *k)
{
	size_t i;

	for (i = 0; i < reg->n; i++)
		if (reg->p[i].prefixlen == k->prefixlen &&
		    !memcmp(&reg->p[i].prefix, &k->prefix, sizeof(k->prefix)))
			return true;
	return false;
}

/* Implicit mode (section 6.2): the configured prefixes, 143 without any. */
static int decide_implicit(const struct config_mn_entry *sa, struct nemo_reg *reg)
{
	int i;

	if (!sa->n_mnp)
		return MH_BA_FORWARDING_SETUP_FAILED;
	reg->flags = XMIP6_PREFIX_F_IMPLICIT;
	for (i = 0; i < sa->n_mnp && reg->n < MH_MNP_MAX; i++) {
		reg->p[reg->n].prefixlen = sa->mnp[i].len;
		reg->p[reg->n].prefix = sa->mnp[i].addr;
		reg->n++;
	}
	return 0;
}

int ha_nemo_decide(const struct config_mn_entry *sa, const struct mh_msg *msg, struct nemo_reg *reg)
{
	struct xmip6_prefix_key k;
	int i;

	memset(reg, 0, sizeof(*reg));
	if (!(msg->bu.flags & XMIP6_BU_F_ROUTER))
		return 0;
	/* Section 6.2: only a node the home agent knows as a router. */
	if (!sa || !sa->mobile_router)
		return MH_BA_MR_NOT_PERMITTED;
	reg->router = true;
	/* A malformed option, or more than one router may hold (config/'s
	 * limit too): Invalid Prefix (section 6.6). */
	if (msg->mnp_bad_len || msg->n_mnp > MH_MNP_MAX)
		return MH_BA_INVALID_PREFIX;
	if (!msg->n_mnp)
		return decide_implicit(sa, reg);
	/* Explicit mode: every prefix valid and the router's to claim. */
	for (i = 0; i < msg->n_mnp; i++) {
		const struct mh_mnp *m = &msg->mnp[i];

		if (!m->prefix_len || m->prefix_len > 128)
			return MH_BA_INVALID_PREFIX;
		k.prefixlen = m->prefix_len;
		k.prefix = m->prefix;
		prefix_mask(&k.prefix, k.prefixlen); /* its host part ignored */
		if (!authorised(sa, &k.prefix, k.prefixlen))
			return MH_BA_PREFIX_NOT_AUTHORIZED;
		if (!reg_has(reg, &k))
			reg->p[reg->n++] = k;
	}
	return 0;
}

int ha_nemo_install(struct daemon *d, const struct in6_addr *hoa, const struct nemo_reg *reg)
{
	return dp_prefix_set(&d->dp, hoa, reg->p, reg->n, reg->flags);
}

int ha_nemo_follow(struct daemon *d, const struct in6_addr *hoa, const struct nemo_reg *reg)
{
	const struct config_mn_entry *sa = config_find_mn(&d->cfg.ha, hoa);
	size_t i;

	/* Section 6.2 as at the home agent that took the BU: the prefixes
	 * must be the router's to claim by this one's configuration too. */
	if (!sa || !sa->mobile_router)
		return -EPERM;
	for (i = 0; i < reg->n; i++)
		if (!authorised(sa, &reg->p[i].prefix, reg->p[i].prefixlen))
			return -EPERM;
	return ha_nemo_install(d, hoa, reg);
}

void ha_nemo_forget(struct daemon *d, const struct in6_addr *hoa)
{
	dp_prefix_forget(&d->dp, hoa); /* logged there */
}

/*
 * Prefixes to take out of the map: every entry @keep refuses, collected in
 * one walk, then deleted (deleting during the walk would lose its place).
 */
typedef bool (*prefix_keep_fn)(struct daemon *d, const struct xmip6_prefix_key *key,
			       const struct xmip6_prefix *val);

struct prefix_sweep {
	struct daemon *d;
	prefix_keep_fn keep;
	size_t n, cap;
	struct xmip6_prefix_key *key;
};

static int sweep_collect(const struct xmip6_prefix_key *key, const struct xmip6_prefix *val,
			 void *ctx)
{
	struct prefix_sweep *w = ctx;
	struct xmip6_prefix_key *grown;

	if (w->keep(w->d, key, val))
		return 0;
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 8;
		grown = realloc(w->key, w->cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		w->key = grown;
	}
	w->key[w->n++] = *key;
	return 0;
}

/* Remove what @keep refuses; logged, @why says what it was. */
static void prefix_sweep(struct daemon *d, prefix_keep_fn keep, const char *why)
{
	struct prefix_sweep w = {.d = d, .keep = keep};
	size_t i;
	int err;

	err = dp_prefix_foreach(&d->dp, sweep_collect, &w);
	for (i = 0; !err && i < w.n; i++)
		err = dp_prefix_delete(&d->dp, &w.key[i]);
	if (err)
		pr_err("mobile network prefixes %s: %s", why, strerror(-err));
	else if (w.n)
		pr_notice("%zu mobile network prefix(es) %s: removed", w.n, why);
	free(w.key);
	/* Lengths no prefix uses any more cost a lookup per packet: gone. */
	dp_prefix_lens_rebuild(&d->dp);
}

/* Its router still has a router's binding. */
static bool router_bound(struct daemon *d, const struct xmip6_prefix_key *key,
			 const struct xmip6_prefix *val)
{
	struct xmip6_binding b;

	(void)key;
	return !dp_binding_lookup(&d->dp, &val->home_addr, &b) && (b.flags & XMIP6_BU_F_ROUTER);
}

void ha_nemo_restore(struct daemon *d)
{
	prefix_sweep(d, router_bound, "without their router's binding");
}

/* The configuration still lets its router claim it. */
static bool still_authorised(struct daemon *d, const struct xmip6_prefix_key *key,
			     const struct xmip6_prefix *val)
{
	const struct config_mn_entry *sa = config_find_mn(&d->cfg.ha, &val->home_addr);

	return sa && sa->mobile_router && authorised(sa, &key->prefix, key->prefixlen);
}

void ha_nemo_reload(struct daemon *d)
{
	prefix_sweep(d, still_authorised, "no longer authorised");
}
