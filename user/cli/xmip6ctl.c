// SPDX-License-Identifier: GPL-2.0
/*
 * xmip6ctl - attach the xmip6 data plane and inspect or edit its state.
 *
 * iproute2-like: "xmip6ctl [OPTIONS] OBJECT COMMAND [KEYWORD VALUE]...".
 * Every change goes through dataplane.h, which logs its own failures, so a
 * command only reports bad input itself. Errors: one "xmip6ctl: ..." line
 * on stderr (plus a usage line for bad input) and exit status 1.
 *
 * binding, stats, bul and home-agents can also be asked of xmip6d over its
 * control socket (ctl.h, docs/control-protocol.md); route() says which way a
 * command goes. Input is checked here either way, before anything is sent.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "config/config.h"
#include "daemon/ctl.h"
#include "dp/dataplane.h"
#include "dp/view.h"
#include "common/util.h"

#ifndef CONFIG_CTL_SOCKET_DEFAULT
#define CONFIG_CTL_SOCKET_DEFAULT "/run/xmip6/xmip6d.sock"
#endif

#ifndef XMIP6_VERSION
#define XMIP6_VERSION "0.1.0"
#endif

/* RFC 6275 section 6.1.7: the BU lifetime is 16 bits of 4-second units. */
#define LIFETIME_MAX_S (65535U * 4)
#define NSEC_PER_SEC   1000000000ULL

#define USAGE_ATTACH_HA \
	"attach DEV role ha address HA_ADDR [max-bindings N] [xdp-mode native|generic]"
#define USAGE_ATTACH_MN \
	"attach DEV role mn home-agent HA_ADDR [max-bindings N] [xdp-mode native|generic]"
#define USAGE_ATTACH_CN	    "attach DEV role cn [max-bindings N] [xdp-mode native|generic]"
#define USAGE_RO_SHOW	    "ro show"
#define USAGE_RO_ADD	    "ro add home HOA peer CN_ADDR coa COA [lifetime SECONDS]"
#define USAGE_RO_DEL	    "ro del home HOA peer CN_ADDR"
#define USAGE_RO_POLICY	    "ro { enable | disable }"
#define USAGE_PEERS_SHOW    "peers show"
#define USAGE_DETACH	    "detach DEV"
#define USAGE_UNLOAD	    "unload"
#define USAGE_BINDING_ADD   "binding add HOA COA [ha HA_ADDR] [lifetime SECONDS]"
#define USAGE_BINDING_DEL   "binding del HOA"
#define USAGE_BINDING_FLUSH "binding flush"
#define USAGE_BINDING_SHOW  "binding show [home-address HOA] [care-of-address COA]"
#define USAGE_STATS	    "stats { show | clear }"
#define USAGE_STATUS	    "status"
#define USAGE_BUL	    "bul show"
#define USAGE_HOME_AGENTS   "home-agents show"

struct ctl {
	char pin_dir[PATH_MAX];
	const char *socket; /* xmip6d's control socket */
	bool socket_given;  /* -s: binding and stats must use the daemon */
	bool pin_given;	    /* -p (and no -s): binding and stats use the maps */
	bool json;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: xmip6ctl [OPTIONS] COMMAND\n"
		"\n"
		"Commands:\n"
		"  " USAGE_ATTACH_HA "\n"
		"  " USAGE_ATTACH_MN "\n"
		"  " USAGE_ATTACH_CN "\n"
		"  " USAGE_DETACH "\n"
		"  " USAGE_UNLOAD "\n"
		"  " USAGE_BINDING_ADD "\n"
		"  " USAGE_BINDING_DEL "\n"
		"  " USAGE_BINDING_FLUSH "\n"
		"  " USAGE_BINDING_SHOW "\n"
		"  " USAGE_STATS "\n"
		"  " USAGE_STATUS "\n"
		"  " USAGE_BUL "\n"
		"  " USAGE_HOME_AGENTS "\n"
		"  " USAGE_RO_SHOW "\n"
		"  " USAGE_RO_ADD "\n"
		"  " USAGE_RO_DEL "\n"
		"  " USAGE_RO_POLICY "\n"
		"  " USAGE_PEERS_SHOW "\n"
		"\n"
		"Options:\n"
		"  -j, --json          print JSON\n"
		"  -p, --pin-dir DIR   instance pin directory (default: $XMIP6_PIN_DIR, else %s)\n"
		"  -s, --socket PATH   xmip6d's control socket (default: $XMIP6_SOCKET, else %s)\n"
		"  -v, --verbose       also print informational and libbpf messages\n"
		"  -h, --help          print this help\n"
		"  -V, --version       print the version\n"
		"\n"
		"binding and stats ask xmip6d when -s is given, or when neither -s nor -p is\n"
		"and the default socket answers; otherwise they use the pinned maps. bul and\n"
		"home-agents always ask xmip6d; attach, detach, unload, status, ro and peers\n"
		"never do (ro and peers are the mobile node's route optimisation maps).\n"
		"\n"
		"Lifetime: 1..%u seconds; without it a binding is static (never expires).\n",
		XMIP6_PIN_DIR_DEFAULT, CONFIG_CTL_SOCKET_DEFAULT, LIFETIME_MAX_S);
}

/* Report bad input: what is wrong with which word, then how to say it. */
static int bad_input(const char *usage_line, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int bad_input(const char *usage_line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nUsage: xmip6ctl %s\n", usage_line);
	return 1;
}

/* ---- argument parsing ------------------------------------------------------------------- */

struct args {
	int argc;
	char **argv;
	const char *usage;
};

static bool args_left(const struct args *a)
{
	return a->argc > 0;
}

static const char *args_next(struct args *a)
{
	const char *word = a->argv[0];

	a->argc--;
	a->argv++;
	return word;
}

/* The value after @keyword, or NULL (reported) when the line ends there. */
static const char *args_value(struct args *a, const char *keyword)
{
	if (!args_left(a)) {
		bad_input(a->usage, "missing argument after \"%s\"", keyword);
		return NULL;
	}
	return args_next(a);
}

static int parse_addr(const struct args *a, const char *what, const char *word,
		      struct in6_addr *addr)
{
	const char *why;

	if (addr6_parse(word, addr))
		return bad_input(a->usage, "invalid %s \"%s\": not an IPv6 address", what, word);
	why = addr6_unusable_reason(addr);
	if (why)
		return bad_input(a->usage, "invalid %s \"%s\": %s", what, word, why);
	return 0;
}

static int parse_uint(const struct args *a, const char *what, const char *word, unsigned long min,
		      unsigned long max, unsigned int *val)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(word, &end, 10);
	if (word[0] < '0' || word[0] > '9' || *end || errno || v < min || v > max)
		return bad_input(a->usage, "invalid %s \"%s\": %lu..%lu expected", what, word, min,
				 max);
	*val = v;
	return 0;
}

static int no_more_args(struct args *a)
{
	if (args_left(a))
		return bad_input(a->usage, "unknown argument \"%s\"", a->argv[0]);
	return 0;
}

static void print_json(struct json_object *obj)
{
	puts(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
}

/* dataplane.h logged the failure already: only the exit status is left. */
static int dp_status(int err)
{
	return err < 0 ? 1 : 0;
}

/* ---- the daemon or the maps ------------------------------------------------------------------ */

#define ROUTE_MAPS (-1) /* use the pinned maps */
#define ROUTE_FAIL (-2) /* reported: exit 1 */

/*
 * Where a command goes once its input is known to be good: a connected fd to
 * xmip6d, ROUTE_MAPS or ROUTE_FAIL. binding and stats ask the daemon when -s
 * names it, or when neither -s nor -p was given and the default socket
 * answers; @daemon_only commands (bul, home-agents) have nothing but the
 * daemon to ask.
 */
static int route(const struct ctl *ctl, bool daemon_only)
{
	char err[128];
	int fd;

	if (!daemon_only && ctl->pin_given && !ctl->socket_given)
		return ROUTE_MAPS;
	fd = ctl_connect(ctl->socket, err, sizeof(err));
	if (fd >= 0)
		return fd;
	if (daemon_only || ctl->socket_given) {
		fprintf(stderr, "%s: no xmip6d at %s (%s)\n", program_invocation_short_name,
			ctl->socket, err);
		return ROUTE_FAIL;
	}
	pr_debug("no xmip6d at %s (%s): using the maps in %s", ctl->socket, err, ctl->pin_dir);
	return ROUTE_MAPS;
}

/*
 * One exchange on @fd (closed here; @args consumed): 0 and *@result, or 1
 * after printing the daemon's reason as "xmip6ctl: REASON".
 */
static int daemon_call(int fd, const char *command, struct json_object *args,
		       struct json_object **result)
{
	char err[512];
	int ret;

	ret = ctl_exchange(fd, command, args, result, err, sizeof(err));
	close(fd);
	json_object_put(args);
	if (ret < 0) {
		fprintf(stderr, "%s: %s\n", program_invocation_short_name, err);
		return 1;
	}
	return 0;
}

/* A change: nothing to print but, with -j, the result as it came. */
static int daemon_do(const struct ctl *ctl, int fd, const char *command, struct json_object *args)
{
	struct json_object *result;

	if (daemon_call(fd, command, args, &result))
		return 1;
	if (ctl->json)
		print_json(result);
	else
		json_object_put(result);
	return 0;
}

/* ---- attach, detach, unload ------------------------------------------------------------------ */

static int parse_attach(struct args *a, struct dp_attach_opts *opts)
{
	bool have_address = false, have_home_agent = false;
	const char *kw, *val;

	while (args_left(a)) {
		kw = args_next(a);
		val = args_value(a, kw);
		if (!val)
			return 1;

		if (!strcmp(kw, "role")) {
			if (!strcmp(val, "ha"))
				opts->role = XMIP6_ROLE_HA;
			else if (!strcmp(val, "mn"))
				opts->role = XMIP6_ROLE_MN;
			else if (!strcmp(val, "cn"))
				opts->role = XMIP6_ROLE_CN;
			else
				return bad_input(a->usage, "invalid role \"%s\": ha, mn or cn",
						 val);
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

	switch (opts->role) {
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
	return dp_status(dp_attach(ctl->pin_dir, dev, &opts));
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
	return dp_status(dp_detach(ctl->pin_dir, dev));
}

static int cmd_unload(struct ctl *ctl, struct args *a)
{
	a->usage = USAGE_UNLOAD;
	if (no_more_args(a))
		return 1;
	return dp_status(dp_unload(ctl->pin_dir));
}

/* ---- binding add/del/flush ------------------------------------------------------------------- */

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

	while (args_left(a)) {
		kw = args_next(a);
		val = args_value(a, kw);
		if (!val)
			return 1;
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
	return 0;
}

static int binding_add(const struct xmip6_dp *dp, const struct binding_add_args *p)
{
	unsigned long long now = mono_now_ns();
	struct xmip6_binding b = {
		.care_of_addr = p->coa,
		.ha_addr = p->ha,
		.registered_ns = now,
		.lifetime_s = p->lifetime_s,
	};
	struct xmip6_config cfg;

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
	return dp_status(dp_binding_update(dp, &p->hoa, &b));
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
	ret = binding_add(&dp, &p);
	dp_close(&dp);
	return ret;
}

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
	ret = dp_status(dp_binding_delete(&dp, &hoa));
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
	ret = dp_status(dp_binding_flush(&dp));
	dp_close(&dp);
	return ret;
}

/* ---- tables: one printer for rows from the maps and rows from the daemon -------------------- */

#define CELL_MAX       64 /* a cell's text, truncated beyond */
#define TABLE_COLS_MAX 16

struct column {
	const char *title;
	const char *key;       /* the row's JSON member */
	const char *null_text; /* what JSON null means in this column; NULL: "-" */
	/* Special cases; NULL: cell_default(). */
	void (*format)(struct json_object *row, const struct column *col, char *buf, size_t size);
	bool optional; /* a column only when some row has the member */
};

/* Control characters from the daemon would break the layout: shown as '?'. */
static void cell_sanitize(char *buf)
{
	for (; *buf; buf++)
		if ((unsigned char)*buf < ' ' || *buf == 0x7f)
			*buf = '?';
}

/*
 * A JSON value as a cell: absent "-", null @null_text, integers exact (u64
 * counters too), other numbers to a tenth.
 */
static void cell_text(struct json_object *val, bool present, const char *null_text, char *buf,
		      size_t size)
{
	if (!present)
		snprintf(buf, size, "-");
	else if (!val)
		snprintf(buf, size, "%s", null_text ?: "-");
	else if (json_object_is_type(val, json_type_string))
		snprintf(buf, size, "%s", json_object_get_string(val));
	else if (json_object_is_type(val, json_type_boolean))
		snprintf(buf, size, "%s", json_object_get_boolean(val) ? "yes" : "no");
	else if (json_object_is_type(val, json_type_double))
		snprintf(buf, size, "%.1f", json_object_get_double(val));
	else
		snprintf(buf, size, "%s",
			 json_object_to_json_string_ext(
				 val, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	cell_sanitize(buf);
}

static void cell_default(struct json_object *row, const struct column *col, char *buf, size_t size)
{
	struct json_object *val = NULL;
	bool present = json_object_object_get_ex(row, col->key, &val);

	cell_text(val, present, col->null_text, buf, size);
}

/* Binding "Remaining": an expired binding says so rather than 0. */
static void cell_remaining(struct json_object *row, const struct column *col, char *buf,
			   size_t size)
{
	struct json_object *expired;

	if (json_object_object_get_ex(row, "expired", &expired) && json_object_get_boolean(expired))
		snprintf(buf, size, "expired");
	else
		cell_default(row, col, buf, size);
}

/* BUL "Last Status": the BA status code and, when the daemon names it, its meaning. */
static void cell_status(struct json_object *row, const struct column *col, char *buf, size_t size)
{
	struct json_object *text;
	char code[CELL_MAX];

	cell_default(row, col, code, sizeof(code));
	if (strcmp(code, "-") && json_object_object_get_ex(row, "last_status_text", &text) &&
	    json_object_is_type(text, json_type_string) && *json_object_get_string(text))
		snprintf(buf, size, "%s (%s)", code, json_object_get_string(text));
	else
		snprintf(buf, size, "%s", code);
	cell_sanitize(buf);
}

static bool column_shown(struct json_object *rows, const struct column *col)
{
	size_t r;

	if (!col->optional)
		return true;
	for (r = 0; r < json_object_array_length(rows); r++)
		if (json_object_object_get_ex(json_object_array_get_idx(rows, r), col->key, NULL))
			return true;
	return false;
}

static void table_line(const char *const cells[], const int width[], size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i++)
		printf("%-*s  ", width[i], cells[i]);
	printf("%s\n", n ? cells[n - 1] : "");
}

/* A title line, then one line per element of the JSON array @rows, columns aligned. */
static int table_print(struct json_object *rows, const struct column *cols)
{
	size_t nrows = json_object_array_length(rows), ncols = 0, r, c;
	const struct column *shown[TABLE_COLS_MAX];
	const char *line[TABLE_COLS_MAX] = {};
	int width[TABLE_COLS_MAX] = {};
	char(*cells)[CELL_MAX];
	char *cell;

	for (; cols->title && ncols < TABLE_COLS_MAX; cols++)
		if (column_shown(rows, cols))
			shown[ncols++] = cols;
	cells = calloc(nrows * ncols ?: 1, sizeof(*cells));
	if (!cells) {
		fprintf(stderr, "%s: out of memory\n", program_invocation_short_name);
		return 1;
	}
	for (c = 0; c < ncols; c++)
		width[c] = strlen(shown[c]->title);
	for (r = 0; r < nrows; r++) {
		for (c = 0; c < ncols; c++) {
			cell = cells[r * ncols + c];
			(shown[c]->format ?: cell_default)(json_object_array_get_idx(rows, r),
							   shown[c], cell, CELL_MAX);
			if ((int)strlen(cell) > width[c])
				width[c] = strlen(cell);
		}
	}

	for (c = 0; c < ncols; c++)
		line[c] = shown[c]->title;
	table_line(line, width, ncols);
	for (r = 0; r < nrows; r++) {
		for (c = 0; c < ncols; c++)
			line[c] = cells[r * ncols + c];
		table_line(line, width, ncols);
	}
	free(cells);
	return 0;
}

/*
 * A "show" result (consumed): -j prints it as it is, text a table of its
 * member @key.
 */
static int result_output(const struct ctl *ctl, struct json_object *result, const char *key,
			 const struct column *cols)
{
	struct json_object *rows;
	int ret;

	if (ctl->json) {
		print_json(result);
		return 0;
	}
	if (!json_object_object_get_ex(result, key, &rows) ||
	    !json_object_is_type(rows, json_type_array)) {
		fprintf(stderr, "%s: malformed reply from the daemon: no \"%s\" list\n",
			program_invocation_short_name, key);
		json_object_put(result);
		return 1;
	}
	ret = table_print(rows, cols);
	json_object_put(result);
	return ret;
}

/* A "show" of the daemon: result_output() of its result. */
static int daemon_show_table(const struct ctl *ctl, int fd, const char *command,
			     struct json_object *args, const char *key, const struct column *cols)
{
	struct json_object *result;

	if (daemon_call(fd, command, args, &result))
		return 1;
	return result_output(ctl, result, key, cols);
}

/* @rows (consumed) as JSON or as a table of @cols. */
static int rows_output(const struct ctl *ctl, struct json_object *rows, const struct column *cols)
{
	int err = 0;

	if (ctl->json) {
		print_json(rows);
		return 0;
	}
	if (table_print(rows, cols))
		err = -ENOMEM;
	json_object_put(rows);
	return err;
}

/* ---- binding show ------------------------------------------------------------------------------ */

static const struct column binding_cols[] = {
	{.title = "Home Address", .key = "home_addr"},
	{.title = "Care-of Address", .key = "care_of_addr"},
	{.title = "Home Agent", .key = "ha_addr"},
	{.title = "Lifetime", .key = "lifetime", .null_text = "infinite"},
	{.title = "Remaining",
	 .key = "remaining",
	 .null_text = "infinite",
	 .format = cell_remaining},
	{.title = "Seq", .key = "sequence"},
	{.title = "Flags", .key = "flags"},
	{.title = "Age", .key = "age"},
	/* The state of the binding: a column only when the rows have it. */
	{.title = "State", .key = "state", .optional = true},
	{},
};

static int parse_binding_show(struct args *a, struct in6_addr *hoa, bool *have_hoa,
			      struct in6_addr *coa, bool *have_coa)
{
	const char *kw, *val;

	while (args_left(a)) {
		kw = args_next(a);
		val = args_value(a, kw);
		if (!val)
			return 1;
		if (!strcmp(kw, "home-address")) {
			if (parse_addr(a, "home address", val, hoa))
				return 1;
			*have_hoa = true;
		} else if (!strcmp(kw, "care-of-address")) {
			if (parse_addr(a, "care-of address", val, coa))
				return 1;
			*have_coa = true;
		} else {
			return bad_input(a->usage, "unknown keyword \"%s\"", kw);
		}
	}
	return 0;
}

/* The same {"bindings": [...]} the daemon answers (dp/view.h), read from the map here. */
static int binding_show_maps(const struct ctl *ctl, const struct in6_addr *hoa,
			     const struct in6_addr *coa)
{
	struct json_object *result;
	struct xmip6_dp dp;
	int err;

	if (dp_open(ctl->pin_dir, &dp))
		return 1;
	err = dp_bindings_json(&dp, hoa, coa, &result);
	dp_close(&dp);
	if (err)
		return dp_status(err);
	return result_output(ctl, result, "bindings", binding_cols);
}

static int cmd_binding_show(struct ctl *ctl, struct args *a)
{
	bool have_hoa = false, have_coa = false;
	struct in6_addr hoa, coa;
	struct json_object *req;
	int fd;

	a->usage = USAGE_BINDING_SHOW;
	if (parse_binding_show(a, &hoa, &have_hoa, &coa, &have_coa))
		return 1;
	fd = route(ctl, false);
	if (fd == ROUTE_FAIL)
		return 1;
	if (fd == ROUTE_MAPS)
		return binding_show_maps(ctl, have_hoa ? &hoa : NULL, have_coa ? &coa : NULL);

	req = json_object_new_object();
	if (have_hoa)
		json_object_object_add(req, "home_addr", addr6_json(&hoa));
	if (have_coa)
		json_object_object_add(req, "care_of_addr", addr6_json(&coa));
	return daemon_show_table(ctl, fd, "binding-show", req, "bindings", binding_cols);
}

/* ---- stats ------------------------------------------------------------------------------------ */

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

/* Print a stats object: -j as it is, text with stats_print(). */
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
	return dp_status(err);
}

static int cmd_stats(struct ctl *ctl, struct args *a)
{
	const char *sub = args_left(a) ? args_next(a) : "show";
	struct json_object *result;
	bool show;
	int fd;

	a->usage = USAGE_STATS;
	show = !strcmp(sub, "show") || !strcmp(sub, "list");
	if (!show && strcmp(sub, "clear"))
		return bad_input(a->usage, "unknown command \"stats %s\"", sub);
	if (no_more_args(a))
		return 1;
	fd = route(ctl, false);
	if (fd == ROUTE_FAIL)
		return 1;
	if (fd == ROUTE_MAPS)
		return stats_maps(ctl, show);
	if (!show)
		return daemon_do(ctl, fd, "stats-clear", NULL);
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

/* ---- bul, home-agents: the daemon's alone --------------------------------------------------- */

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

/* "OBJECT show" (or list, or nothing) of a daemon-only table. */
static int daemon_only_show(struct ctl *ctl, struct args *a, const char *object,
			    const char *command, const char *key, const struct column *cols)
{
	const char *sub = args_left(a) ? args_next(a) : "show";
	int fd;

	if (strcmp(sub, "show") && strcmp(sub, "list"))
		return bad_input(a->usage, "unknown command \"%s %s\"", object, sub);
	if (no_more_args(a))
		return 1;
	fd = route(ctl, true);
	if (fd < 0)
		return 1;
	return daemon_show_table(ctl, fd, command, NULL, key, cols);
}

static int cmd_bul(struct ctl *ctl, struct args *a)
{
	a->usage = USAGE_BUL;
	return daemon_only_show(ctl, a, "bul", "bul-show", "bul", bul_cols);
}

static int cmd_home_agents(struct ctl *ctl, struct args *a)
{
	a->usage = USAGE_HOME_AGENTS;
	return daemon_only_show(ctl, a, "home-agents", "home-agents-show", "home_agents",
				home_agent_cols);
}

/* ---- status ---------------------------------------------------------------------------------- */

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
	return dp_status(err);
}

/* ---- ro, peers: the mobile node's route optimisation maps ------------------------------------ */

static const struct column ro_cols[] = {
	{.title = "Home Address", .key = "home_addr"},
	{.title = "Correspondent", .key = "peer_addr"},
	{.title = "Care-of Address", .key = "care_of_addr"},
	{.title = "Lifetime", .key = "lifetime", .null_text = "infinite"},
	{.title = "Remaining",
	 .key = "remaining",
	 .null_text = "infinite",
	 .format = cell_remaining},
	{.title = "Seq", .key = "sequence"},
	{.title = "Flags", .key = "flags"},
	{.title = "Age", .key = "age"},
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

/* A map's entries as rows: @fill (dp/view.h) walks it into an array. */
static int maps_show(struct ctl *ctl, struct args *a, const char *usage,
		     int (*fill)(const struct xmip6_dp *dp, struct json_object **rows),
		     const struct column *cols)
{
	struct json_object *rows;
	struct xmip6_dp dp;
	int err;

	a->usage = usage;
	if (no_more_args(a) || dp_open(ctl->pin_dir, &dp))
		return 1;
	err = fill(&dp, &rows);
	dp_close(&dp);
	if (err)
		return dp_status(err);
	return dp_status(rows_output(ctl, rows, cols));
}

static int cmd_ro_show(struct ctl *ctl, struct args *a)
{
	return maps_show(ctl, a, USAGE_RO_SHOW, dp_ro_json, ro_cols);
}

static int cmd_peers_show(struct ctl *ctl, struct args *a)
{
	return maps_show(ctl, a, USAGE_PEERS_SHOW, dp_peers_json, peer_cols);
}

/* "home HOA peer CN_ADDR" and, for add, "coa COA [lifetime S]", in any order. */
static int parse_ro(struct args *a, struct xmip6_ro_key *key, struct xmip6_ro *ro, bool add)
{
	bool have_home = false, have_peer = false, have_coa = false;
	const char *kw, *val;
	int err = 0;

	while (args_left(a) && !err) {
		kw = args_next(a);
		val = args_value(a, kw);
		if (!val)
			return 1;
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
	if (err)
		return err;
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
	return dp_status(err);
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
	return dp_status(err);
}

/* XMIP6_CFG_F_RO: the mobile node's TC egress uses "ro" and records "peers". */
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
	return dp_status(err);
}

static int cmd_ro_enable(struct ctl *ctl, struct args *a)
{
	return ro_policy(ctl, a, true);
}

static int cmd_ro_disable(struct ctl *ctl, struct args *a)
{
	return ro_policy(ctl, a, false);
}

/* ---- dispatch --------------------------------------------------------------------------------- */

struct command {
	const char *name;
	const char *alias;
	int (*run)(struct ctl *ctl, struct args *a);
};

static const struct command binding_commands[] = {
	{"add", "replace", cmd_binding_add},
	{"del", "delete", cmd_binding_del},
	{"flush", NULL, cmd_binding_flush},
	{"show", "list", cmd_binding_show},
	{},
};

static const struct command *command_find(const struct command *cmds, const char *name)
{
	for (; cmds->name; cmds++)
		if (!strcmp(name, cmds->name) || (cmds->alias && !strcmp(name, cmds->alias)))
			return cmds;
	return NULL;
}

static int cmd_binding(struct ctl *ctl, struct args *a)
{
	const char *sub = args_left(a) ? args_next(a) : "show";
	const struct command *cmd = command_find(binding_commands, sub);

	if (!cmd)
		return bad_input("binding { add | del | flush | show } ...",
				 "unknown command \"binding %s\"", sub);
	return cmd->run(ctl, a);
}

static const struct command ro_commands[] = {
	{"add", "replace", cmd_ro_add},	   {"del", "delete", cmd_ro_del},
	{"show", "list", cmd_ro_show},	   {"enable", NULL, cmd_ro_enable},
	{"disable", NULL, cmd_ro_disable}, {},
};

static int cmd_ro(struct ctl *ctl, struct args *a)
{
	const char *sub = args_left(a) ? args_next(a) : "show";
	const struct command *cmd = command_find(ro_commands, sub);

	if (!cmd)
		return bad_input("ro { add | del | show | enable | disable } ...",
				 "unknown command \"ro %s\"", sub);
	return cmd->run(ctl, a);
}

static int cmd_peers(struct ctl *ctl, struct args *a)
{
	const char *sub = args_left(a) ? args_next(a) : "show";

	if (strcmp(sub, "show") && strcmp(sub, "list"))
		return bad_input(USAGE_PEERS_SHOW, "unknown command \"peers %s\"", sub);
	return cmd_peers_show(ctl, a);
}

static const struct command top_commands[] = {
	{"attach", NULL, cmd_attach},
	{"detach", NULL, cmd_detach},
	{"unload", NULL, cmd_unload},
	{"binding", NULL, cmd_binding},
	{"stats", NULL, cmd_stats},
	{"status", NULL, cmd_status},
	{"bul", NULL, cmd_bul},
	{"home-agents", NULL, cmd_home_agents},
	{"ro", NULL, cmd_ro},
	{"peers", NULL, cmd_peers},
	{},
};

static int set_pin_dir(struct ctl *ctl, const char *dir)
{
	size_t len;

	if (!dir || !*dir) {
		fprintf(stderr, "%s: empty pin directory\n", program_invocation_short_name);
		return 1;
	}
	len = strlen(dir);
	if (len >= sizeof(ctl->pin_dir)) {
		fprintf(stderr, "%s: pin directory too long\n", program_invocation_short_name);
		return 1;
	}
	memcpy(ctl->pin_dir, dir, len + 1);
	/* "dir/" and "dir" are the same instance: keep the names of pins clean. */
	while (len > 1 && ctl->pin_dir[len - 1] == '/')
		ctl->pin_dir[--len] = '\0';
	return 0;
}

/* getopt_long found @word wrong: @opt is '?' (unknown) or ':' (missing argument). */
static int bad_option(int opt, const char *word)
{
	const char *what = opt == ':' ? "missing argument for option" : "unknown option";

	if (optopt && word[1] != '-')
		return bad_input("[OPTIONS] COMMAND ... (see xmip6ctl --help)", "%s \"-%c\"", what,
				 optopt);
	return bad_input("[OPTIONS] COMMAND ... (see xmip6ctl --help)", "%s \"%s\"", what, word);
}

static void print_version(void)
{
	printf("xmip6ctl %s (libbpf %u.%u)\n", XMIP6_VERSION, libbpf_major_version(),
	       libbpf_minor_version());
}

int main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"pin-dir", required_argument, NULL, 'p'},
		{"socket", required_argument, NULL, 's'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{},
	};
	const char *env_dir = getenv("XMIP6_PIN_DIR");
	const char *env_socket = getenv("XMIP6_SOCKET");
	const struct command *cmd;
	struct ctl ctl = {};
	struct args a;
	int opt;

	if (set_pin_dir(&ctl, env_dir && *env_dir ? env_dir : XMIP6_PIN_DIR_DEFAULT))
		return 1;
	ctl.socket = env_socket && *env_socket ? env_socket : CONFIG_CTL_SOCKET_DEFAULT;

	/*
	 * "+": options end at the command, whose words may start with '-'.
	 * ":" and opterr = 0: we word the errors, as "xmip6ctl: ...".
	 */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:jp:s:vhV", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			ctl.json = true;
			break;
		case 'p':
			if (set_pin_dir(&ctl, optarg))
				return 1;
			ctl.pin_given = true;
			break;
		case 's':
			if (!*optarg) {
				fprintf(stderr, "%s: empty socket path\n",
					program_invocation_short_name);
				return 1;
			}
			ctl.socket = optarg;
			ctl.socket_given = true;
			break;
		case 'v':
			log_set_level(LOG_DEBUG);
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			print_version();
			return 0;
		default:
			return bad_option(opt, argv[optind - 1]);
		}
	}

	a.argc = argc - optind;
	a.argv = argv + optind;
	a.usage = "[OPTIONS] COMMAND ... (see xmip6ctl --help)";
	if (!args_left(&a))
		return bad_input(a.usage, "missing command");
	if (!strcmp(a.argv[0], "help")) {
		usage(stdout);
		return 0;
	}
	cmd = command_find(top_commands, a.argv[0]);
	if (!cmd)
		return bad_input(a.usage, "unknown command \"%s\"", a.argv[0]);
	args_next(&a);

	dp_libbpf_quiet();
	return cmd->run(&ctl, &a);
}
