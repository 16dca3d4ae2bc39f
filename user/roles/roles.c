// SPDX-License-Identifier: GPL-2.0
/*
 * roles.c - the role table and what a node without a role answers on the
 * control socket. See roles.h.
 */
#include <errno.h>
#include <stdio.h>

#include "daemon/daemon.h"
#include "roles/cn.h"
#include "roles/ha.h"
#include "roles/mn.h"
#include "roles/mr.h"
#include "roles/roles.h"

static bool cn_enabled(const struct xmip6d_config *cfg)
{
	return cfg->has_cn;
}

static bool ha_enabled(const struct xmip6d_config *cfg)
{
	return cfg->has_ha;
}

static bool mn_enabled(const struct xmip6d_config *cfg)
{
	return cfg->has_mn;
}

static bool mr_enabled(const struct xmip6d_config *cfg)
{
	return cfg->has_mr;
}

const struct role roles[] = {
	{"correspondent-node", cn_enabled, cn_start},
	{"home-agent", ha_enabled, ha_start},
	{"mobile-node", mn_enabled, mn_start},
	{"mobile-router", mr_enabled, mr_start},
	{NULL, NULL, NULL},
};

struct ctl_absent {
	const char *name;
	const char *error;
};

static struct ctl_absent ctl_absent[] = {
	{"binding-add", "binding add: only a home agent keeps a binding cache"},
	{"binding-del",
	 "binding del: only a home agent or correspondent node keeps a binding cache"},
	{"binding-flush",
	 "binding flush: only a home agent or correspondent node keeps a binding cache"},
	{"bul-show", "bul show: only a mobile node has a Binding Update List"},
	{"home-agents-show", "home-agents show: not on a correspondent node"},
};

static int cmd_absent(struct json_object *args, struct json_object **result, char *err,
		      size_t errlen, void *ctx)
{
	const struct ctl_absent *c = ctx;

	(void)args;
	(void)result;
	snprintf(err, errlen, "%s", c->error);
	return -EOPNOTSUPP;
}

int roles_ctl_absent_reg(struct daemon *d)
{
	size_t i;
	int err;

	for (i = 0; i < sizeof(ctl_absent) / sizeof(ctl_absent[0]); i++) {
		err = daemon_ctl_reg(d, ctl_absent[i].name, cmd_absent, &ctl_absent[i]);
		if (err && err != -EEXIST)
			return err;
	}
	return 0;
}
