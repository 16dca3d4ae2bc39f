// SPDX-License-Identifier: GPL-2.0
/*
 * status.c - "status": the instance's role, home agent address, how full
 * its binding cache is and what is attached where. From the maps and links
 * alone, never through the daemon.
 */
#include <stdio.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "dp/dataplane.h"
#include "common/util.h"

#define USAGE_STATUS "status"

static const char *link_hook_name(const struct dp_link_info *li)
{
	return li->hook == DP_HOOK_XDP ? "xdp" : "tc";
}

static int status_link_text(const struct dp_link_info *li, void *ctx)
{
	int *n = ctx;

	printf("%s", (*n)++ ? "              " : "Links:        ");
	if (li->legacy_tc)
		printf("%s tc egress (legacy clsact filter, no link)", li->ifname);
	else
		printf("%-20s link %u", li->name, li->link_id);
	printf("  prog %u (%s)", li->prog_id, li->prog_name[0] ? li->prog_name : "?");
	if (li->ifindex)
		printf("  ifindex %u\n", li->ifindex);
	else
		printf("  interface gone\n");
	return 0;
}

static int status_link_json(const struct dp_link_info *li, void *ctx)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", li->legacy_tc ? NULL : json_object_new_string(li->name));
	json_object_object_add(o, "ifname", json_object_new_string(li->ifname));
	json_object_object_add(o, "hook", json_object_new_string(link_hook_name(li)));
	json_object_object_add(o, "legacy_tc", json_object_new_boolean(li->legacy_tc));
	json_object_object_add(o, "link_id",
			       li->legacy_tc ? NULL : json_object_new_int64(li->link_id));
	json_object_object_add(o, "prog_id", json_object_new_int64(li->prog_id));
	json_object_object_add(o, "prog_name", json_object_new_string(li->prog_name));
	json_object_object_add(o, "ifindex", json_object_new_int64(li->ifindex));
	json_object_array_add(ctx, o);
	return 0;
}

static int status_json(const struct xmip6_dp *dp, const struct xmip6_config *cfg, int used)
{
	struct json_object *o = json_object_new_object();
	struct json_object *bindings = json_object_new_object();
	struct json_object *links = json_object_new_array();
	int err;

	json_object_object_add(o, "pin_dir", json_object_new_string(dp->pin_dir));
	json_object_object_add(o, "role", json_object_new_string(dp_role_name(cfg->role)));
	json_object_object_add(o, "ha_addr", addr6_json(&cfg->ha_addr));
	json_object_object_add(bindings, "used", json_object_new_int64(used));
	json_object_object_add(bindings, "max", json_object_new_int64(dp->bindings_max));
	json_object_object_add(o, "bindings", bindings);
	json_object_object_add(o, "links", links);

	err = dp_link_foreach(dp, status_link_json, links);
	if (err)
		json_object_put(o);
	else
		print_json(o);
	return err;
}

static int status_text(const struct xmip6_dp *dp, const struct xmip6_config *cfg, int used)
{
	struct addr6_buf buf;
	int n = 0, err;

	printf("Pin dir:      %s\n", dp->pin_dir);
	printf("Role:         %s\n", dp_role_name(cfg->role));
	printf("%s  %s\n", cfg->role == XMIP6_ROLE_MN ? "Home agent: " : "HA address: ",
	       addr6_str(&cfg->ha_addr, &buf));
	printf("Bindings:     %d used, %u max\n", used, dp->bindings_max);
	err = dp_link_foreach(dp, status_link_text, &n);
	if (!err && !n)
		printf("Links:        none\n");
	return err;
}

static int cmd_status(struct ctl *ctl, struct args *a)
{
	struct xmip6_config cfg;
	struct xmip6_dp dp;
	int used, err;

	a->usage = USAGE_STATUS;
	if (no_more_args(a) || dp_open(ctl->pin_dir, &dp))
		return 1;

	err = dp_config_read(&dp, &cfg);
	if (!err) {
		used = dp_binding_count(&dp);
		err = used < 0 ? used : 0;
	}
	if (!err && ctl->json)
		err = status_json(&dp, &cfg, used);
	else if (!err)
		err = status_text(&dp, &cfg, used);
	dp_close(&dp);
	return exit_status(err);
}

const struct cli_object cli_status = {
	.name = "status",
	.run = cmd_status,
	.help = (const char *const[]){USAGE_STATUS, NULL},
};
