// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - "stats show|clear": the data plane's counters from the maps
 * (one flat object), or the daemon's counters (objects nested by topic, the
 * data plane's among them), printed by one generic printer.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "dp/dataplane.h"
#include "dp/view.h"
#include "common/util.h"

#define USAGE_STATS "stats { show | clear }"

static const char *stat_desc(const char *name)
{
	size_t i;

	for (i = 0; i < XMIP6_STAT_COUNT; i++)
		if (!strcmp(dp_stat_descs[i].name, name))
			return dp_stat_descs[i].desc;
	return NULL;
}

/* Widths of the names and values of @o's counters (its members that are not sections). */
static void stats_widths(struct json_object *o, int *name_w, int *value_w)
{
	char val[CELL_MAX];
	int n;

	*name_w = *value_w = 0;
	json_object_object_foreach(o, key, v)
	{
		if (json_object_is_type(v, json_type_object))
			continue;
		n = strlen(key);
		*name_w = n > *name_w ? n : *name_w;
		cell_text(v, true, "-", val, sizeof(val));
		n = strlen(val);
		*value_w = n > *value_w ? n : *value_w;
	}
}

/*
 * Any nesting of objects of counters, so a new counter needs no change here:
 * a section (object) is a "name:" heading with its members indented by two,
 * the counters of a section are aligned name/value lines, zeros included, in
 * the order they came. @describe adds the data plane's description of the
 * counters it knows (the flat object of the maps; the daemon's "dataplane").
 */
static void stats_print(struct json_object *o, int indent, bool describe)
{
	int name_w, value_w, printed = 0;
	char val[CELL_MAX];
	const char *desc;

	stats_widths(o, &name_w, &value_w);
	json_object_object_foreach(o, key, v)
	{
		if (json_object_is_type(v, json_type_object)) {
			if (!indent && printed)
				putchar('\n'); /* top-level sections apart */
			printf("%*s%s:\n", indent, "", key);
			stats_print(v, indent + 2, !indent && !strcmp(key, "dataplane"));
		} else {
			cell_text(v, true, "-", val, sizeof(val));
			desc = describe ? stat_desc(key) : NULL;
			printf("%*s%-*s  %*s%s%s\n", indent, "", name_w, key, value_w, val,
			       desc ? "  " : "", desc ?: "");
		}
		printed++;
	}
}

/* Print a stats object (consumed): -j as it is, text with stats_print(). */
static void stats_output(const struct ctl *ctl, struct json_object *o)
{
	if (ctl->json) {
		print_json(o);
		return;
	}
	stats_print(o, 0, true);
	json_object_put(o);
}

static int stats_maps(const struct ctl *ctl, bool show)
{
	struct xmip6_stats s;
	struct xmip6_dp dp;
	int err;

	if (dp_open(ctl->pin_dir, &dp))
		return 1;
	if (show) {
		err = dp_stats_read(&dp, &s);
		if (!err)
			stats_output(ctl, dp_stats_json(&s));
	} else {
		err = dp_stats_clear(&dp);
	}
	dp_close(&dp);
	return exit_status(err);
}

static int stats_daemon_show(const struct ctl *ctl, int fd)
{
	struct json_object *result;

	if (daemon_call(fd, "stats-show", NULL, &result))
		return 1;
	if (!json_object_is_type(result, json_type_object)) {
		fprintf(stderr, "%s: malformed reply from the daemon: result is not an object\n",
			program_invocation_short_name);
		json_object_put(result);
		return 1;
	}
	stats_output(ctl, result);
	return 0;
}

static int stats_run(struct ctl *ctl, struct args *a, bool show)
{
	int fd;

	a->usage = USAGE_STATS;
	if (no_more_args(a))
		return 1;
	fd = route(ctl, false);
	if (fd == ROUTE_FAIL)
		return 1;
	if (fd == ROUTE_MAPS)
		return stats_maps(ctl, show);
	if (!show)
		return daemon_do(ctl, fd, "stats-clear", NULL);
	return stats_daemon_show(ctl, fd);
}

static int cmd_stats_show(struct ctl *ctl, struct args *a)
{
	return stats_run(ctl, a, true);
}

static int cmd_stats_clear(struct ctl *ctl, struct args *a)
{
	return stats_run(ctl, a, false);
}

const struct cli_object cli_stats = {
	.name = "stats",
	.verbs =
		(const struct cli_verb[]){
			{"show", "list", cmd_stats_show},
			{"clear", NULL, cmd_stats_clear},
			{},
		},
	.verbs_usage = USAGE_STATS,
	.help = (const char *const[]){USAGE_STATS, NULL},
};
