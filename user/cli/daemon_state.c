// SPDX-License-Identifier: GPL-2.0
/*
 * daemon_state.c - "bul show" and "home-agents show": state that only
 * xmip6d has (its Binding Update List, the home agents it knows), so
 * without a daemon there is nothing to show.
 */
#include "cli/cli.h"

#define USAGE_BUL	  "bul show"
#define USAGE_HOME_AGENTS "home-agents show"

static const struct column bul_cols[] = {
	{.title = "Home Address", .key = "home_addr"},
	{.title = "Care-of Address", .key = "care_of_addr"},
	{.title = "Home Agent", .key = "ha_addr"},
	{.title = "Correspondent", .key = "peer"},
	{.title = "State", .key = "state"},
	{.title = "Seq", .key = "sequence"},
	{.title = "Requested", .key = "lifetime_requested"},
	{.title = "Granted", .key = "lifetime_granted"},
	{.title = "Remaining", .key = "remaining"},
	{.title = "Retrans", .key = "retransmissions"},
	{.title = "Next Send", .key = "next_send"},
	{.title = "Last Status", .key = "last_status", .format = cell_status},
	{},
};

static const struct column home_agent_cols[] = {
	{.title = "Address", .key = "address"},
	{.title = "Preference", .key = "preference"},
	{.title = "Lifetime", .key = "lifetime", .null_text = "infinite"},
	{.title = "Interface", .key = "interface"},
	{.title = "Source", .key = "source"},
	{},
};

/* The daemon's @command, its result[@key] as a table of @cols. */
static int daemon_show(struct ctl *ctl, struct args *a, const char *command, const char *key,
		       const struct column *cols, const char *empty)
{
	struct json_object *result;
	int fd;

	if (no_more_args(a))
		return 1;
	fd = route(ctl, true);
	if (fd < 0)
		return 1;
	if (daemon_call(fd, command, NULL, &result))
		return 1;
	return result_output(ctl, result, key, cols, empty);
}

static int cmd_bul_show(struct ctl *ctl, struct args *a)
{
	a->usage = USAGE_BUL;
	return daemon_show(ctl, a, "bul-show", "bul", bul_cols, "no Binding Update List entries");
}

static int cmd_home_agents_show(struct ctl *ctl, struct args *a)
{
	a->usage = USAGE_HOME_AGENTS;
	return daemon_show(ctl, a, "home-agents-show", "home_agents", home_agent_cols,
			   "no home agents known");
}

const struct cli_object cli_bul = {
	.name = "bul",
	.verbs = (const struct cli_verb[]){{"show", "list", cmd_bul_show}, {}},
	.verbs_usage = USAGE_BUL,
	.help = (const char *const[]){USAGE_BUL, NULL},
};

const struct cli_object cli_home_agents = {
	.name = "home-agents",
	.verbs = (const struct cli_verb[]){{"show", "list", cmd_home_agents_show}, {}},
	.verbs_usage = USAGE_HOME_AGENTS,
	.help = (const char *const[]){USAGE_HOME_AGENTS, NULL},
};
