// SPDX-License-Identifier: GPL-2.0
/*
 * state.c - whether the store answers, as the probe, the full reads and
 * the transactions find it (internal.h); its changes are logged once.
 */
#include "cluster/internal.h"
#include "common/util.h"

void cluster_set_up(struct cluster *c, bool up, const char *why)
{
	if (c->up == up)
		return;
	c->up = up;
	if (up)
		pr_notice("cluster %s: store reachable, revision %lld", c->cfg->name, c->rev);
	else
		pr_warn("cluster %s: store down (%s): bindings kept, registrations refused (128)",
			c->cfg->name, why);
}

bool cluster_up(const struct cluster *c)
{
	return c->up;
}
