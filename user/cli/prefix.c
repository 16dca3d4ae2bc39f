// SPDX-License-Identifier: GPL-2.0
/*
 * prefix.c - "prefix show": the home agent's Mobile Network Prefixes (NEMO,
 * RFC 3963; headers/xmip6.h "prefixes"), read from the pinned map as
 * "binding show" reads "bindings" there: the prefix, the home address of
 * the mobile router that holds it, and whether it came from the router's
 * Binding Update (explicit) or from the HA's configuration (implicit).
 */
#include <json-c/json.h>

#include "cli/cli.h"
#include "dp/dataplane.h"
#include "dp/view.h"

#define USAGE_PREFIX_SHOW "prefix show"

static const struct column prefix_cols[] = {
	{.title = "Prefix", .key = "prefix"},
	{.title = "Router Home Address", .key = "home_addr"},
	{.title = "Mode", .key = "mode"},
	{},
};

static int cmd_prefix_show(struct ctl *ctl, struct args *a)
{
	return map_rows_show(ctl, a, USAGE_PREFIX_SHOW, dp_prefixes_json, prefix_cols,
			     "no prefixes");
}

const struct cli_object cli_prefix = {
	.name = "prefix",
	.verbs = (const struct cli_verb[]){{"show", "list", cmd_prefix_show}, {}},
	.verbs_usage = USAGE_PREFIX_SHOW,
	.help = (const char *const[]){USAGE_PREFIX_SHOW, NULL},
};
