// SPDX-License-Identifier: GPL-2.0
/*
 * binding.c - "binding add|del|flush|show": the binding cache, through
 * xmip6d or on the pinned map (route()). Either way "show" prints the rows
 * of dp/view.h with one set of columns, so the answer does not depend on
 * who gave it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "dp/dataplane.h"
#include "dp/view.h"
#include "net/route.h"
#include "common/util.h"

#define USAGE_BINDING_ADD   "binding add HOA COA [ha HA_ADDR] [lifetime SECONDS]"
#define USAGE_BINDING_DEL   "binding del HOA"
#define USAGE_BINDING_FLUSH "binding flush"
#define USAGE_BINDING_SHOW  "binding show [home-address HOA] [care-of-address COA]"

/* ---- add ------------------------------------------------------------------------------------- */

struct binding_add_args {
	struct in6_addr hoa;
	struct in6_addr coa;
	struct in6_addr ha;
	bool have_ha;
	unsigned int lifetime_s; /* 0: static */
};

static int parse_binding_add(struct args *a, struct binding_add_args *p)
{
	const char *kw, *val;
	int more;

	if (!args_left(a))
		return bad_input(a->usage, "missing HOA");
	if (parse_addr(a, "home address", args_next(a), &p->hoa))
		return 1;
	if (!args_left(a))
		return bad_input(a->usage, "missing COA");
	val = args_next(a);
	if (parse_addr(a, "care-of address", val, &p->coa))
		return 1;
	if (!memcmp(&p->hoa, &p->coa, sizeof(p->hoa)))
		return bad_input(a->usage,
				 "invalid care-of address \"%s\": equals the home address", val);

	while ((more = args_pair(a, &kw, &val)) > 0) {
		if (!strcmp(kw, "ha")) {
			if (parse_addr(a, "home agent address", val, &p->ha))
				return 1;
			p->have_ha = true;
		} else if (!strcmp(kw, "lifetime")) {
			if (parse_uint(a, "lifetime", val, 1, LIFETIME_MAX_S, &p->lifetime_s))
				return 1;
		} else {
			return bad_input(a->usage, "unknown keyword \"%s\"", kw);
		}
	}
	return more < 0;
}

/* On the map: without "ha", the instance's own home agent address. */
static int binding_add_maps(const struct xmip6_dp *dp, const struct binding_add_args *p)
{
	unsigned long long now = mono_now_ns();
	struct xmip6_binding b = {
		.care_of_addr = p->coa,
		.ha_addr = p->ha,
		.registered_ns = now,
		.lifetime_s = p->lifetime_s,
		/* Read by a correspondent's data plane only (tc_cn_egress). */
		.coa_ifindex = route_oif6_hint(&p->coa),
	};
	struct xmip6_binding old;
	struct xmip6_config cfg;

	/* As the daemon does (roles/ha_cache.c): age from the first
	 * registration; a new binding's counters start at 0 (dp/maps.c). */
	if (dp_binding_lookup(dp, &p->hoa, &old))
		b.created_ns = now;
	else
		b.created_ns = old.created_ns ?: old.registered_ns;
	if (!p->have_ha) {
		if (dp_config_read(dp, &cfg))
			return 1;
		if (addr6_unusable_reason(&cfg.ha_addr)) {
			fprintf(stderr,
				"%s: %s has no home agent address configured: give \"ha "
				"HA_ADDR\"\n",
				program_invocation_short_name, dp->pin_dir);
			return 1;
		}
		b.ha_addr = cfg.ha_addr;
	}
	if (p->lifetime_s)
		b.expires_ns = now + p->lifetime_s * NSEC_PER_SEC;
	return exit_status(dp_binding_update(dp, &p->hoa, &b));
}

/* docs/control-protocol.md "binding-add": the daemon picks the HA when none is given. */
static struct json_object *binding_add_request(const struct binding_add_args *p)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "home_addr", addr6_json(&p->hoa));
	json_object_object_add(o, "care_of_addr", addr6_json(&p->coa));
	if (p->have_ha)
		json_object_object_add(o, "ha_addr", addr6_json(&p->ha));
	if (p->lifetime_s)
		json_object_object_add(o, "lifetime", json_object_new_int64(p->lifetime_s));
	return o;
}

static int cmd_binding_add(struct ctl *ctl, struct args *a)
{
	struct binding_add_args p = {};
	struct xmip6_dp dp;
	int ret, fd;

	a->usage = USAGE_BINDING_ADD;
	if (parse_binding_add(a, &p))
		return 1;
	fd = route(ctl, false);
	if (fd == ROUTE_FAIL)
		return 1;
	if (fd != ROUTE_MAPS)
		return daemon_do(ctl, fd, "binding-add", binding_add_request(&p));
	if (dp_open(ctl->pin_dir, &dp))
		return 1;
	ret = binding_add_maps(&dp, &p);
	dp_close(&dp);
	return ret;
}

/* ---- del, flush ------------------------------------------------------------------------------ */

static int cmd_binding_del(struct ctl *ctl, struct args *a)
{
	struct json_object *req;
	struct in6_addr hoa;
	struct xmip6_dp dp;
	int ret, fd;

	a->usage = USAGE_BINDING_DEL;
	if (!args_left(a))
		return bad_input(a->usage, "missing HOA");
	if (parse_addr(a, "home address", args_next(a), &hoa) || no_more_args(a))
		return 1;
	fd = route(ctl, false);
	if (fd == ROUTE_FAIL)
		return 1;
	if (fd != ROUTE_MAPS) {
		req = json_object_new_object();
		json_object_object_add(req, "home_addr", addr6_json(&hoa));
		return daemon_do(ctl, fd, "binding-del", req);
	}
	if (dp_open(ctl->pin_dir, &dp))
		return 1;
	ret = exit_status(dp_binding_delete(&dp, &hoa));
	dp_close(&dp);
	return ret;
}

static int cmd_binding_flush(struct ctl *ctl, struct args *a)
{
	struct xmip6_dp dp;
	int ret, fd;

	a->usage = USAGE_BINDING_FLUSH;
	if (no_more_args(a))
		return 1;
	fd = route(ctl, false);
	if (fd == ROUTE_FAIL)
		return 1;
	if (fd != ROUTE_MAPS)
		return daemon_do(ctl, fd, "binding-flush", NULL);
	if (dp_open(ctl->pin_dir, &dp))
		return 1;
	ret = exit_status(dp_binding_flush(&dp));
	dp_close(&dp);
	return ret;
}

/* ---- show ------------------------------------------------------------------------------------ */

/* "PACKETS/BYTES" of a direction: @col->key is its "..._packets" member. */
static void cell_traffic(struct json_object *row, const struct column *col, char *buf, size_t size)
{
	const char *suffix = "_packets";
	size_t prefix = strlen(col->key) - strlen(suffix);
	struct json_object *pkts, *bytes;
	char key[32];

	snprintf(key, sizeof(key), "%.*s_bytes", (int)prefix, col->key);
	if (json_object_object_get_ex(row, col->key, &pkts) &&
	    json_object_object_get_ex(row, key, &bytes))
		snprintf(buf, size, "%" PRIu64 "/%" PRIu64, json_object_get_uint64(pkts),
			 json_object_get_uint64(bytes));
	else
		snprintf(buf, size, "-");
}

/* A mobile router's prefixes (NEMO), comma-separated. */
static void cell_prefixes(struct json_object *row, const struct column *col, char *buf, size_t size)
{
	struct json_object *arr;
	size_t i, n, used = 0;

	snprintf(buf, size, "-");
	if (!json_object_object_get_ex(row, col->key, &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return;
	n = json_object_array_length(arr);
	for (i = 0; i < n && used < size; i++)
		used += snprintf(buf + used, size - used, "%s%s", i ? "," : "",
				 json_object_get_string(json_object_array_get_idx(arr, i)));
	if (!n)
		snprintf(buf, size, "none");
}

static const struct column binding_cols[] = {
	{.title = "Home Address", .key = "home_addr"},
	{.title = "Care-of Address", .key = "care_of_addr"},
	{.title = "Home Agent", .key = "ha_addr"},
	REGISTRATION_COLUMNS,
	/* The state of the binding: a column only when the rows have it. */
	{.title = "State", .key = "state", .optional = true},
	/* Its traffic (headers/xmip6.h "binding_ctr"); absent from an older daemon's rows. */
	{.title = "To MN pkts/bytes",
	 .key = "to_mn_packets",
	 .format = cell_traffic,
	 .optional = true},
	{.title = "From MN pkts/bytes",
	 .key = "from_mn_packets",
	 .format = cell_traffic,
	 .optional = true},
	/* A mobile router's Mobile Network Prefixes: only when a row has them. */
	{.title = "Prefixes", .key = "prefixes", .format = cell_prefixes, .optional = true},
	{},
};

struct binding_filter {
	struct in6_addr hoa, coa;
	bool have_hoa, have_coa;
};

static int parse_binding_show(struct args *a, struct binding_filter *f)
{
	const char *kw, *val;
	int more;

	while ((more = args_pair(a, &kw, &val)) > 0) {
		if (!strcmp(kw, "home-address")) {
			if (parse_addr(a, "home address", val, &f->hoa))
				return 1;
			f->have_hoa = true;
		} else if (!strcmp(kw, "care-of-address")) {
			if (parse_addr(a, "care-of address", val, &f->coa))
				return 1;
			f->have_coa = true;
		} else {
			return bad_input(a->usage, "unknown keyword \"%s\"", kw);
		}
	}
	return more < 0;
}

/* docs/control-protocol.md "binding-show": the same filters, as members. */
static struct json_object *binding_show_request(const struct binding_filter *f)
{
	struct json_object *req = json_object_new_object();

	if (f->have_hoa)
		json_object_object_add(req, "home_addr", addr6_json(&f->hoa));
	if (f->have_coa)
		json_object_object_add(req, "care_of_addr", addr6_json(&f->coa));
	return req;
}

/* The same {"bindings": [...]} the daemon answers, read from the map here. */
static int binding_show_maps(const struct ctl *ctl, const struct binding_filter *f,
			     struct json_object **result)
{
	struct xmip6_dp dp;
	int err;

	if (dp_open(ctl->pin_dir, &dp))
		return 1;
	err = dp_bindings_json(&dp, f->have_hoa ? &f->hoa : NULL, f->have_coa ? &f->coa : NULL,
			       result);
	dp_close(&dp);
	return exit_status(err);
}

static int cmd_binding_show(struct ctl *ctl, struct args *a)
{
	struct binding_filter f = {};
	struct json_object *result;
	int fd, ret;

	a->usage = USAGE_BINDING_SHOW;
	if (parse_binding_show(a, &f))
		return 1;
	fd = route(ctl, false);
	if (fd == ROUTE_FAIL)
		return 1;
	if (fd == ROUTE_MAPS)
		ret = binding_show_maps(ctl, &f, &result);
	else
		ret = daemon_call(fd, "binding-show", binding_show_request(&f), &result);
	return ret ?: result_output(ctl, result, "bindings", binding_cols, "no bindings");
}

const struct cli_object cli_binding = {
	.name = "binding",
	.verbs =
		(const struct cli_verb[]){
			{"add", "replace", cmd_binding_add},
			{"del", "delete", cmd_binding_del},
			{"flush", NULL, cmd_binding_flush},
			{"show", "list", cmd_binding_show},
			{},
		},
	.verbs_usage = "binding { add | del | flush | show } ...",
	.help = (const char *const[]){USAGE_BINDING_ADD, USAGE_BINDING_DEL, USAGE_BINDING_FLUSH,
				      USAGE_BINDING_SHOW, NULL},
};
