// SPDX-License-Identifier: GPL-2.0
/*
 * ha_revoke.c - SIGHUP revocation (ha_revoke.h). The old configuration is
 * freed before the new one is applied, so the association each binding was
 * accepted under is copied first: home address, SPI and key, the key
 * cleared again when done.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "daemon/daemon.h"
#include "roles/ha_cache.h"
#include "roles/ha_revoke.h"

struct revoke_entry {
	struct in6_addr hoa;
	bool listed; /* in mobile-nodes; else accepted as unlisted */
	__u32 spi;
	size_t key_len;
	__u8 key[CONFIG_KEY_MAX];
};

struct ha_revoke {
	const struct config_ha *old;
	size_t n, cap;
	struct revoke_entry *e;
	bool failed;
};

static int snapshot_one(const struct in6_addr *hoa, const struct xmip6_binding *b, void *ctx)
{
	struct ha_revoke *r = ctx;
	const struct config_mn_entry *sa = config_find_mn(r->old, hoa);
	struct revoke_entry *grown, *e;

	(void)b;
	if (r->n == r->cap) {
		grown = realloc(r->e, (r->cap ? 2 * r->cap : 64) * sizeof(*grown));
		if (!grown) {
			r->failed = true;
			return 1;
		}
		r->e = grown;
		r->cap = r->cap ? 2 * r->cap : 64;
	}
	e = &r->e[r->n++];
	memset(e, 0, sizeof(*e));
	e->hoa = *hoa;
	if (sa) {
		e->listed = true;
		e->spi = sa->spi;
		e->key_len = sa->key_len;
		memcpy(e->key, sa->key, sa->key_len);
	}
	return 0;
}

static void revoke_free(struct ha_revoke *r)
{
	if (r->e)
		explicit_bzero(r->e, r->cap * sizeof(*r->e));
	free(r->e);
	free(r);
}

struct ha_revoke *ha_revoke_snapshot(struct ha_cache *c, const struct config_ha *old)
{
	struct ha_revoke *r = calloc(1, sizeof(*r));

	if (r) {
		r->old = old;
		dp_binding_foreach(&c->d->dp, snapshot_one, r);
		r->old = NULL; /* freed by the reload */
		if (!r->failed)
			return r;
		revoke_free(r);
	}
	pr_err("reload: no memory to check the bindings against the new mobile-nodes list");
	return NULL;
}

/* Why @new no longer authorises the binding of @e, or NULL. */
static const char *revoked_why(const struct revoke_entry *e, const struct config_ha *new)
{
	const struct config_mn_entry *sa = config_find_mn(new, &e->hoa);

	if (!e->listed)
		return sa || new->accept_unlisted ? NULL : "unlisted nodes no longer accepted";
	if (!sa)
		return "removed from mobile-nodes";
	if (sa->spi != e->spi || sa->key_len != e->key_len || memcmp(sa->key, e->key, e->key_len))
		return "its SPI or key changed";
	return NULL;
}

void ha_revoke_apply(struct ha_revoke *r, struct ha_cache *c, const struct config_ha *new)
{
	struct xmip6_binding b;
	struct addr6_buf h;
	const char *why;
	size_t i;
	int err;

	if (!r)
		return;
	for (i = 0; i < r->n; i++) {
		why = revoked_why(&r->e[i], new);
		if (!why || dp_binding_lookup(&c->d->dp, &r->e[i].hoa, &b))
			continue;
		err = ha_cache_remove(c, &r->e[i].hoa, &b);
		if (err)
			pr_err("revoking the binding of %s: %s", addr6_str(&r->e[i].hoa, &h),
			       strerror(-err));
		else
			pr_notice("binding of %s revoked: %s", addr6_str(&r->e[i].hoa, &h), why);
	}
	revoke_free(r);
}
