// SPDX-License-Identifier: GPL-2.0
/*
 * ro.c - "ro" and "peers": the mobile node's route optimisation maps
 * (headers/xmip6.h "ro" and "peers"), shown and edited on the pinned maps,
 * never through the daemon. "ro enable|disable" is XMIP6_CFG_F_RO: whether
 * the mobile node's TC egress uses "ro" and records "peers".
 */
#include <string.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "dp/dataplane.h"
#include "dp/view.h"
#include "common/util.h"

#define USAGE_RO_SHOW	 "ro show"
#define USAGE_RO_ADD	 "ro add home HOA peer CN_ADDR coa COA [lifetime SECONDS]"
#define USAGE_RO_DEL	 "ro del home HOA peer CN_ADDR"
#define USAGE_RO_POLICY	 "ro { enable | disable }"
#define USAGE_PEERS_SHOW "peers show"

static const struct column ro_cols[] = {
	{.title = "Home Address", .key = "home_addr"},
	{.title = "Correspondent", .key = "peer_addr"},
	{.title = "Care-of Address", .key = "care_of_addr"},
	REGISTRATION_COLUMNS,
	{},
};

static const struct column peer_cols[] = {
	{.title = "Home Address", .key = "home_addr"},
	{.title = "Correspondent", .key = "peer_addr"},
	{.title = "First Seen", .key = "first_seen"},
	{.title = "Last Seen", .key = "last_seen"},
	{.title = "Packets", .key = "packets"},
	{},
};

static int cmd_ro_show(struct ctl *ctl, struct args *a)
{
	return map_rows_show(ctl, a, USAGE_RO_SHOW, dp_ro_json, ro_cols,
			     "no route-optimised correspondents");
}

static int cmd_peers_show(struct ctl *ctl, struct args *a)
{
	return map_rows_show(ctl, a, USAGE_PEERS_SHOW, dp_peers_json, peer_cols, "no peers");
}

/* "home HOA peer CN_ADDR" and, for add, "coa COA [lifetime S]", in any order. */
static int parse_ro(struct args *a, struct xmip6_ro_key *key, struct xmip6_ro *ro, bool add)
{
	bool have_home = false, have_peer = false, have_coa = false;
	const char *kw, *val;
	int err = 0, more = 0;

	while (!err && (more = args_pair(a, &kw, &val)) > 0) {
		if (!strcmp(kw, "home")) {
			err = parse_addr(a, "home address", val, &key->home_addr);
			have_home = true;
		} else if (!strcmp(kw, "peer")) {
			err = parse_addr(a, "correspondent address", val, &key->peer_addr);
			have_peer = true;
		} else if (add && !strcmp(kw, "coa")) {
			err = parse_addr(a, "care-of address", val, &ro->care_of_addr);
			have_coa = true;
		} else if (add && !strcmp(kw, "lifetime")) {
			err = parse_uint(a, "lifetime", val, 1, LIFETIME_MAX_S, &ro->lifetime_s);
		} else {
			return bad_input(a->usage, "unknown keyword \"%s\"", kw);
		}
	}
	if (err || more < 0)
		return 1;
	if (!have_home || !have_peer || (add && !have_coa))
		return bad_input(a->usage, "missing \"%s\"",
				 !have_home   ? "home HOA"
				 : !have_peer ? "peer CN_ADDR"
					      : "coa COA");
	return 0;
}

static int cmd_ro_add(struct ctl *ctl, struct args *a)
{
	struct xmip6_ro_key key = {};
	struct xmip6_ro ro = {};
	struct xmip6_dp dp;
	int err;

	a->usage = USAGE_RO_ADD;
	if (parse_ro(a, &key, &ro, true) || dp_open(ctl->pin_dir, &dp))
		return 1;
	ro.registered_ns = mono_now_ns();
	if (ro.lifetime_s)
		ro.expires_ns = ro.registered_ns + ro.lifetime_s * NSEC_PER_SEC;
	err = dp_ro_update(&dp, &key, &ro);
	dp_close(&dp);
	return exit_status(err);
}

static int cmd_ro_del(struct ctl *ctl, struct args *a)
{
	struct xmip6_ro_key key = {};
	struct xmip6_dp dp;
	int err;

	a->usage = USAGE_RO_DEL;
	if (parse_ro(a, &key, NULL, false) || dp_open(ctl->pin_dir, &dp))
		return 1;
	err = dp_ro_delete(&dp, &key);
	dp_close(&dp);
	return exit_status(err);
}

static int ro_policy(struct ctl *ctl, struct args *a, bool on)
{
	struct xmip6_config cfg;
	struct xmip6_dp dp;
	int err;

	a->usage = USAGE_RO_POLICY;
	if (no_more_args(a) || dp_open(ctl->pin_dir, &dp))
		return 1;
	err = dp_config_read(&dp, &cfg);
	if (!err)
		err = dp_config_set_flags(&dp, on ? cfg.flags | XMIP6_CFG_F_RO
						  : cfg.flags & ~XMIP6_CFG_F_RO);
	dp_close(&dp);
	return exit_status(err);
}

static int cmd_ro_enable(struct ctl *ctl, struct args *a)
{
	return ro_policy(ctl, a, true);
}

static int cmd_ro_disable(struct ctl *ctl, struct args *a)
{
	return ro_policy(ctl, a, false);
}

const struct cli_object cli_ro = {
	.name = "ro",
	.verbs =
		(const struct cli_verb[]){
			{"add", "replace", cmd_ro_add},
			{"del", "delete", cmd_ro_del},
			{"show", "list", cmd_ro_show},
			{"enable", NULL, cmd_ro_enable},
			{"disable", NULL, cmd_ro_disable},
			{},
		},
	.verbs_usage = "ro { add | del | show | enable | disable } ...",
	.help = (const char *const[]){USAGE_RO_SHOW, USAGE_RO_ADD, USAGE_RO_DEL, USAGE_RO_POLICY,
				      NULL},
};

const struct cli_object cli_peers = {
	.name = "peers",
	.verbs = (const struct cli_verb[]){{"show", "list", cmd_peers_show}, {}},
	.verbs_usage = USAGE_PEERS_SHOW,
	.help = (const char *const[]){USAGE_PEERS_SHOW, NULL},
};
