// SPDX-License-Identifier: GPL-2.0
/*
 * attach.c - "attach", "detach" and "unload": an instance's programs on an
 * interface, and the instance itself (dp_attach(), dp_detach(),
 * dp_unload()). Never through the daemon.
 */
#include <string.h>

#include "cli/cli.h"
#include "dp/dataplane.h"

#define USAGE_ATTACH_HA \
	"attach DEV role ha address HA_ADDR [max-bindings N] [xdp-mode native|generic]"
#define USAGE_ATTACH_MN \
	"attach DEV role mn home-agent HA_ADDR [max-bindings N] [xdp-mode native|generic]"
#define USAGE_ATTACH_CN "attach DEV role cn [max-bindings N] [xdp-mode native|generic]"
#define USAGE_DETACH	"detach DEV"
#define USAGE_UNLOAD	"unload"

static int parse_role(struct args *a, const char *val, struct dp_attach_opts *opts)
{
	if (!strcmp(val, "ha"))
		opts->role = XMIP6_ROLE_HA;
	else if (!strcmp(val, "mn"))
		opts->role = XMIP6_ROLE_MN;
	else if (!strcmp(val, "cn"))
		opts->role = XMIP6_ROLE_CN;
	else
		return bad_input(a->usage, "invalid role \"%s\": ha, mn or cn", val);
	return 0;
}

/* The role decides which of "address" and "home-agent" it takes, and the usage line. */
static int check_role_addr(struct args *a, enum xmip6_role role, bool have_address,
			   bool have_home_agent)
{
	switch (role) {
	case XMIP6_ROLE_HA:
		a->usage = USAGE_ATTACH_HA;
		if (have_home_agent)
			return bad_input(a->usage,
					 "\"home-agent\" is for role mn; use \"address\"");
		if (!have_address)
			return bad_input(a->usage, "missing \"address HA_ADDR\"");
		return 0;
	case XMIP6_ROLE_MN:
		a->usage = USAGE_ATTACH_MN;
		if (have_address)
			return bad_input(a->usage,
					 "\"address\" is for role ha; use \"home-agent\"");
		if (!have_home_agent)
			return bad_input(a->usage, "missing \"home-agent HA_ADDR\"");
		return 0;
	case XMIP6_ROLE_CN:
		/* A correspondent node has no home agent (RFC 6275 section 9). */
		a->usage = USAGE_ATTACH_CN;
		if (have_address || have_home_agent)
			return bad_input(a->usage, "role cn takes no home agent address");
		return 0;
	default:
		return bad_input(a->usage, "missing \"role ha\", \"role mn\" or \"role cn\"");
	}
}

static int parse_attach(struct args *a, struct dp_attach_opts *opts)
{
	bool have_address = false, have_home_agent = false;
	const char *kw, *val;
	int more;

	while ((more = args_pair(a, &kw, &val)) > 0) {
		if (!strcmp(kw, "role")) {
			if (parse_role(a, val, opts))
				return 1;
		} else if (!strcmp(kw, "address") || !strcmp(kw, "home-agent")) {
			if (parse_addr(a, "home agent address", val, &opts->ha_addr))
				return 1;
			have_address |= kw[0] == 'a';
			have_home_agent |= kw[0] == 'h';
		} else if (!strcmp(kw, "max-bindings")) {
			if (parse_uint(a, "max-bindings", val, 1, DP_BINDINGS_MAX,
				       &opts->max_bindings))
				return 1;
		} else if (!strcmp(kw, "xdp-mode")) {
			if (dp_xdp_mode_parse(val, &opts->xdp_mode))
				return bad_input(a->usage,
						 "invalid xdp-mode \"%s\": native or generic", val);
		} else {
			return bad_input(a->usage, "unknown keyword \"%s\"", kw);
		}
	}
	if (more < 0)
		return 1;
	return check_role_addr(a, opts->role, have_address, have_home_agent);
}

static int cmd_attach(struct ctl *ctl, struct args *a)
{
	struct dp_attach_opts opts = {};
	const char *dev;

	a->usage = USAGE_ATTACH_HA "\n       xmip6ctl " USAGE_ATTACH_MN
				   "\n       xmip6ctl " USAGE_ATTACH_CN;
	if (!args_left(a))
		return bad_input(a->usage, "missing DEV");
	dev = args_next(a);
	if (parse_attach(a, &opts))
		return 1;
	return exit_status(dp_attach(ctl->pin_dir, dev, &opts));
}

static int cmd_detach(struct ctl *ctl, struct args *a)
{
	const char *dev;

	a->usage = USAGE_DETACH;
	if (!args_left(a))
		return bad_input(a->usage, "missing DEV");
	dev = args_next(a);
	if (no_more_args(a))
		return 1;
	return exit_status(dp_detach(ctl->pin_dir, dev));
}

static int cmd_unload(struct ctl *ctl, struct args *a)
{
	a->usage = USAGE_UNLOAD;
	if (no_more_args(a))
		return 1;
	return exit_status(dp_unload(ctl->pin_dir));
}

const struct cli_object cli_attach = {
	.name = "attach",
	.run = cmd_attach,
	.help = (const char *const[]){USAGE_ATTACH_HA, USAGE_ATTACH_MN, USAGE_ATTACH_CN, NULL},
};

const struct cli_object cli_detach = {
	.name = "detach",
	.run = cmd_detach,
	.help = (const char *const[]){USAGE_DETACH, NULL},
};

const struct cli_object cli_unload = {
	.name = "unload",
	.run = cmd_unload,
	.help = (const char *const[]){USAGE_UNLOAD, NULL},
};
