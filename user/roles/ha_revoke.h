/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ha_revoke.h - SIGHUP revocation for ha.c: a binding whose mobile node left
 * the mobile-nodes list, or whose SPI or key changed, was authorised by an
 * association that no longer exists; it is removed with its proxy entries
 * when the new configuration takes over, not left to run out its lifetime.
 */
#ifndef XMIP6_HA_REVOKE_H
#define XMIP6_HA_REVOKE_H

#include "config/config.h"

struct ha_cache;
struct ha_revoke;

/* Before the reload: each binding's association under @old. NULL on -ENOMEM (logged). */
struct ha_revoke *ha_revoke_snapshot(struct ha_cache *c, const struct config_ha *old);
/* After it: remove the bindings @new no longer authorises; frees @r (NULL: nothing). */
void ha_revoke_apply(struct ha_revoke *r, struct ha_cache *c, const struct config_ha *new);

#endif /* XMIP6_HA_REVOKE_H */
