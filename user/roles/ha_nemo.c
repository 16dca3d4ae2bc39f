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

void ha_nemo_forget(struct daemon *d, const struct in6_addr *hoa)
{
	dp_prefix_forget(&d->dp, hoa); /* logged there */
}

struct orphans {
	struct daemon *d;
	size_t n, cap;
	struct in6_addr *hoa;
};

/* Routers named by a prefix whose binding is gone or is a host's now. */
static int collect_orphan(const struct xmip6_prefix_key *key, const struct xmip6_prefix *val,
			  void *ctx)
{
	struct orphans *o = ctx;
	struct xmip6_binding b;
	struct in6_addr *grown;
	size_t i;

	(void)key;
	if (!dp_binding_lookup(&o->d->dp, &val->home_addr, &b) && (b.flags & XMIP6_BU_F_ROUTER))
		return 0;
	for (i = 0; i < o->n; i++)
		if (!memcmp(&o->hoa[i], &val->home_addr, sizeof(val->home_addr)))
			return 0;
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 8;
		grown = realloc(o->hoa, o->cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		o->hoa = grown;
	}
	o->hoa[o->n++] = val->home_addr;
	return 0;
}

void ha_nemo_restore(struct daemon *d)
{
	struct orphans o = {.d = d};
	size_t i;
	int err;

	err = dp_prefix_foreach(&d->dp, collect_orphan, &o);
	if (err)
		pr_err("checking the mobile network prefixes: %s", strerror(-err));
	for (i = 0; i < o.n; i++)
		ha_nemo_forget(d, &o.hoa[i]);
	if (o.n)
		pr_notice("%zu mobile router(s) without a binding: their prefixes removed", o.n);
	free(o.hoa);
}
