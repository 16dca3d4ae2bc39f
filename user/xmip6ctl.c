// SPDX-License-Identifier: GPL-2.0
/*
 * xmip6ctl - attach the xmip6 data plane and inspect or edit its state.
 *
 * iproute2-like: "xmip6ctl [OPTIONS] OBJECT COMMAND [KEYWORD VALUE]...".
 * Every change goes through dataplane.h, which logs its own failures, so a
 * command only reports bad input itself. Errors: one "xmip6ctl: ..." line
 * on stderr (plus a usage line for bad input) and exit status 1.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "dataplane.h"
#include "util.h"

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
#define USAGE_DETACH	    "detach DEV"
#define USAGE_UNLOAD	    "unload"
#define USAGE_BINDING_ADD   "binding add HOA COA [ha HA_ADDR] [lifetime SECONDS]"
#define USAGE_BINDING_DEL   "binding del HOA"
#define USAGE_BINDING_FLUSH "binding flush"
#define USAGE_BINDING_SHOW  "binding show [home-address HOA] [care-of-address COA]"
#define USAGE_STATS	    "stats { show | clear }"
#define USAGE_STATUS	    "status"

struct ctl {
	char pin_dir[PATH_MAX];
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
		"  " USAGE_DETACH "\n"
		"  " USAGE_UNLOAD "\n"
		"  " USAGE_BINDING_ADD "\n"
		"  " USAGE_BINDING_DEL "\n"
		"  " USAGE_BINDING_FLUSH "\n"
		"  " USAGE_BINDING_SHOW "\n"
		"  " USAGE_STATS "\n"
		"  " USAGE_STATUS "\n"
		"\n"
		"Options:\n"
		"  -j, --json          print JSON\n"
		"  -p, --pin-dir DIR   instance pin directory (default: $XMIP6_PIN_DIR, else %s)\n"
		"  -v, --verbose       also print informational and libbpf messages\n"
		"  -h, --help          print this help\n"
		"  -V, --version       print the version\n"
		"\n"
		"Lifetime: 1..%u seconds; without it a binding is static (never expires).\n",
		XMIP6_PIN_DIR_DEFAULT, LIFETIME_MAX_S);
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
			else
				return bad_input(a->usage, "invalid role \"%s\": ha or mn", val);
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
			if (!strcmp(val, "native"))
				opts->xdp_mode = DP_XDP_NATIVE;
			else if (!strcmp(val, "generic"))
				opts->xdp_mode = DP_XDP_GENERIC;
			else
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
	default:
		return bad_input(a->usage, "missing \"role ha\" or \"role mn\"");
	}
}

static int cmd_attach(struct ctl *ctl, struct args *a)
{
	struct dp_attach_opts opts = {};
	const char *dev;

	a->usage = USAGE_ATTACH_HA "\n       xmip6ctl " USAGE_ATTACH_MN;
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

static int cmd_binding_add(struct ctl *ctl, struct args *a)
{
	struct binding_add_args p = {};
	struct xmip6_dp dp;
	int ret;

	a->usage = USAGE_BINDING_ADD;
	if (parse_binding_add(a, &p))
		return 1;
	if (dp_open(ctl->pin_dir, &dp))
		return 1;
	ret = binding_add(&dp, &p);
	dp_close(&dp);
	return ret;
}

static int cmd_binding_del(struct ctl *ctl, struct args *a)
{
	struct in6_addr hoa;
	struct xmip6_dp dp;
	int ret;

	a->usage = USAGE_BINDING_DEL;
	if (!args_left(a))
		return bad_input(a->usage, "missing HOA");
	if (parse_addr(a, "home address", args_next(a), &hoa) || no_more_args(a))
		return 1;
	if (dp_open(ctl->pin_dir, &dp))
		return 1;
	ret = dp_status(dp_binding_delete(&dp, &hoa));
	dp_close(&dp);
	return ret;
}

static int cmd_binding_flush(struct ctl *ctl, struct args *a)
{
	struct xmip6_dp dp;
	int ret;

	a->usage = USAGE_BINDING_FLUSH;
	if (no_more_args(a))
		return 1;
	if (dp_open(ctl->pin_dir, &dp))
		return 1;
	ret = dp_status(dp_binding_flush(&dp));
	dp_close(&dp);
	return ret;
}

/* ---- binding show ------------------------------------------------------------------------------ */

struct binding_row {
	struct in6_addr hoa;
	struct xmip6_binding b;
};

struct binding_table {
	struct binding_row *rows;
	size_t n, cap;
	const struct in6_addr *coa_filter;
};

static int binding_collect(const struct in6_addr *hoa, const struct xmip6_binding *b, void *ctx)
{
	struct binding_table *t = ctx;
	struct binding_row *rows;

	if (t->coa_filter && memcmp(t->coa_filter, &b->care_of_addr, sizeof(*t->coa_filter)))
		return 0;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		rows = realloc(t->rows, t->cap * sizeof(*rows));
		if (!rows) {
			fprintf(stderr, "%s: out of memory\n", program_invocation_short_name);
			return -ENOMEM;
		}
		t->rows = rows;
	}
	t->rows[t->n].hoa = *hoa;
	t->rows[t->n].b = *b;
	t->n++;
	return 0;
}

static int binding_row_cmp(const void *x, const void *y)
{
	const struct binding_row *a = x, *b = y;

	return memcmp(&a->hoa, &b->hoa, sizeof(a->hoa));
}

/* What a row says about time, in whole seconds. */
struct binding_times {
	bool infinite;
	bool expired;
	unsigned long long remaining_s; /* rounded up: a fresh 60 s binding shows 60 */
	unsigned long long age_s;
};

static void binding_times(const struct xmip6_binding *b, unsigned long long now,
			  struct binding_times *t)
{
	t->infinite = !b->expires_ns;
	t->expired = !t->infinite && now >= b->expires_ns;
	t->remaining_s = 0;
	if (!t->infinite && !t->expired)
		t->remaining_s = (b->expires_ns - now + NSEC_PER_SEC - 1) / NSEC_PER_SEC;
	t->age_s = b->registered_ns && now > b->registered_ns
			   ? (now - b->registered_ns) / NSEC_PER_SEC
			   : 0;
}

static void binding_flags_str(__u16 flags, char buf[5])
{
	static const struct {
		__u16 bit;
		char letter;
	} letters[] = {
		{XMIP6_BU_F_ACK, 'A'},
		{XMIP6_BU_F_HOME, 'H'},
		{XMIP6_BU_F_LLADDR, 'L'},
		{XMIP6_BU_F_KEYMGM, 'K'},
	};
	size_t i, n = 0;

	for (i = 0; i < sizeof(letters) / sizeof(letters[0]); i++)
		if (flags & letters[i].bit)
			buf[n++] = letters[i].letter;
	if (!n)
		buf[n++] = '-';
	buf[n] = '\0';
}

enum binding_col {
	COL_HOA,
	COL_COA,
	COL_HA,
	COL_LIFETIME,
	COL_REMAINING,
	COL_SEQ,
	COL_FLAGS,
	COL_AGE,
	COL_COUNT,
};

static const char *const binding_col_titles[COL_COUNT] = {
	"Home Address", "Care-of Address", "Home Agent", "Lifetime", "Remaining",
	"Seq",		"Flags",	   "Age",
};

struct binding_cells {
	char s[COL_COUNT][INET6_ADDRSTRLEN];
};

static void binding_format(const struct binding_row *r, unsigned long long now,
			   struct binding_cells *c)
{
	struct binding_times t;
	struct addr6_buf buf;

	binding_times(&r->b, now, &t);
	snprintf(c->s[COL_HOA], sizeof(c->s[0]), "%s", addr6_str(&r->hoa, &buf));
	snprintf(c->s[COL_COA], sizeof(c->s[0]), "%s", addr6_str(&r->b.care_of_addr, &buf));
	snprintf(c->s[COL_HA], sizeof(c->s[0]), "%s", addr6_str(&r->b.ha_addr, &buf));
	if (r->b.lifetime_s)
		snprintf(c->s[COL_LIFETIME], sizeof(c->s[0]), "%u", r->b.lifetime_s);
	else
		snprintf(c->s[COL_LIFETIME], sizeof(c->s[0]), "infinite");
	if (t.infinite || t.expired)
		snprintf(c->s[COL_REMAINING], sizeof(c->s[0]), "%s",
			 t.infinite ? "infinite" : "expired");
	else
		snprintf(c->s[COL_REMAINING], sizeof(c->s[0]), "%llu", t.remaining_s);
	snprintf(c->s[COL_SEQ], sizeof(c->s[0]), "%u", r->b.sequence);
	binding_flags_str(r->b.flags, c->s[COL_FLAGS]);
	snprintf(c->s[COL_AGE], sizeof(c->s[0]), "%llu", t.age_s);
}

static void binding_print_line(const char *const cells[COL_COUNT], const int width[COL_COUNT])
{
	int i;

	for (i = 0; i < COL_COUNT - 1; i++)
		printf("%-*s  ", width[i], cells[i]);
	printf("%s\n", cells[COL_COUNT - 1]);
}

static void binding_print_text(const struct binding_table *t, unsigned long long now)
{
	struct binding_cells *cells = calloc(t->n ?: 1, sizeof(*cells));
	const char *line[COL_COUNT];
	int width[COL_COUNT];
	size_t r;
	int i;

	if (!cells) {
		fprintf(stderr, "%s: out of memory\n", program_invocation_short_name);
		return;
	}
	for (i = 0; i < COL_COUNT; i++)
		width[i] = strlen(binding_col_titles[i]);
	for (r = 0; r < t->n; r++) {
		binding_format(&t->rows[r], now, &cells[r]);
		for (i = 0; i < COL_COUNT; i++)
			if ((int)strlen(cells[r].s[i]) > width[i])
				width[i] = strlen(cells[r].s[i]);
	}

	binding_print_line(binding_col_titles, width);
	for (r = 0; r < t->n; r++) {
		for (i = 0; i < COL_COUNT; i++)
			line[i] = cells[r].s[i];
		binding_print_line(line, width);
	}
	free(cells);
}

static struct json_object *json_addr(const struct in6_addr *addr)
{
	struct addr6_buf buf;

	return json_object_new_string(addr6_str(addr, &buf));
}

static struct json_object *binding_json(const struct binding_row *r, unsigned long long now)
{
	struct json_object *o = json_object_new_object();
	struct binding_times t;
	char flags[5];

	binding_times(&r->b, now, &t);
	binding_flags_str(r->b.flags, flags);
	json_object_object_add(o, "home_addr", json_addr(&r->hoa));
	json_object_object_add(o, "care_of_addr", json_addr(&r->b.care_of_addr));
	json_object_object_add(o, "ha_addr", json_addr(&r->b.ha_addr));
	json_object_object_add(o, "lifetime",
			       r->b.lifetime_s ? json_object_new_int64(r->b.lifetime_s) : NULL);
	json_object_object_add(o, "remaining",
			       t.infinite ? NULL : json_object_new_uint64(t.remaining_s));
	json_object_object_add(o, "expired", json_object_new_boolean(t.expired));
	json_object_object_add(o, "sequence", json_object_new_int64(r->b.sequence));
	json_object_object_add(o, "flags", json_object_new_string(flags));
	json_object_object_add(o, "age", json_object_new_uint64(t.age_s));
	return o;
}

static void binding_print_json(const struct binding_table *t, unsigned long long now)
{
	struct json_object *arr = json_object_new_array();
	size_t r;

	for (r = 0; r < t->n; r++)
		json_object_array_add(arr, binding_json(&t->rows[r], now));
	print_json(arr);
}

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

static int binding_fill(const struct xmip6_dp *dp, const struct in6_addr *hoa,
			struct binding_table *t)
{
	struct xmip6_binding b;
	int err;

	if (!hoa)
		return dp_binding_foreach(dp, binding_collect, t);
	err = dp_binding_lookup(dp, hoa, &b);
	if (err == -ENOENT)
		return 0;
	return err ?: binding_collect(hoa, &b, t);
}

static int cmd_binding_show(struct ctl *ctl, struct args *a)
{
	bool have_hoa = false, have_coa = false;
	struct binding_table t = {};
	struct in6_addr hoa, coa;
	unsigned long long now;
	struct xmip6_dp dp;
	int err;

	a->usage = USAGE_BINDING_SHOW;
	if (parse_binding_show(a, &hoa, &have_hoa, &coa, &have_coa))
		return 1;
	if (dp_open(ctl->pin_dir, &dp))
		return 1;

	t.coa_filter = have_coa ? &coa : NULL;
	err = binding_fill(&dp, have_hoa ? &hoa : NULL, &t);
	dp_close(&dp);
	if (!err) {
		now = mono_now_ns();
		qsort(t.rows, t.n, sizeof(*t.rows), binding_row_cmp);
		if (ctl->json)
			binding_print_json(&t, now);
		else
			binding_print_text(&t, now);
	}
	free(t.rows);
	return dp_status(err);
}

/* ---- stats ------------------------------------------------------------------------------------ */

static void stats_print_text(const struct xmip6_stats *s)
{
	int name_w = 0, value_w = 0, n;
	char num[24];
	size_t i;

	for (i = 0; i < XMIP6_STAT_COUNT; i++) {
		n = strlen(dp_stat_descs[i].name);
		name_w = n > name_w ? n : name_w;
		n = snprintf(num, sizeof(num), "%llu", (unsigned long long)dp_stat_value(s, i));
		value_w = n > value_w ? n : value_w;
	}
	for (i = 0; i < XMIP6_STAT_COUNT; i++)
		printf("%-*s  %*llu  %s\n", name_w, dp_stat_descs[i].name, value_w,
		       (unsigned long long)dp_stat_value(s, i), dp_stat_descs[i].desc);
}

static void stats_print_json(const struct xmip6_stats *s)
{
	struct json_object *o = json_object_new_object();
	size_t i;

	for (i = 0; i < XMIP6_STAT_COUNT; i++)
		json_object_object_add(o, dp_stat_descs[i].name,
				       json_object_new_uint64(dp_stat_value(s, i)));
	print_json(o);
}

static int cmd_stats(struct ctl *ctl, struct args *a)
{
	const char *sub = args_left(a) ? args_next(a) : "show";
	struct xmip6_stats s;
	struct xmip6_dp dp;
	bool show;
	int err;

	a->usage = USAGE_STATS;
	show = !strcmp(sub, "show") || !strcmp(sub, "list");
	if (!show && strcmp(sub, "clear"))
		return bad_input(a->usage, "unknown command \"stats %s\"", sub);
	if (no_more_args(a) || dp_open(ctl->pin_dir, &dp))
		return 1;

	if (show) {
		err = dp_stats_read(&dp, &s);
		if (!err && ctl->json)
			stats_print_json(&s);
		else if (!err)
			stats_print_text(&s);
	} else {
		err = dp_stats_clear(&dp);
	}
	dp_close(&dp);
	return dp_status(err);
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
	json_object_object_add(o, "ha_addr", json_addr(&cfg->ha_addr));
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

static const struct command top_commands[] = {
	{"attach", NULL, cmd_attach},
	{"detach", NULL, cmd_detach},
	{"unload", NULL, cmd_unload},
	{"binding", NULL, cmd_binding},
	{"stats", NULL, cmd_stats},
	{"status", NULL, cmd_status},
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
		{"json", no_argument, NULL, 'j'},    {"pin-dir", required_argument, NULL, 'p'},
		{"verbose", no_argument, NULL, 'v'}, {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'}, {},
	};
	const char *env_dir = getenv("XMIP6_PIN_DIR");
	const struct command *cmd;
	struct ctl ctl = {};
	struct args a;
	int opt;

	if (set_pin_dir(&ctl, env_dir && *env_dir ? env_dir : XMIP6_PIN_DIR_DEFAULT))
		return 1;

	/*
	 * "+": options end at the command, whose words may start with '-'.
	 * ":" and opterr = 0: we word the errors, as "xmip6ctl: ...".
	 */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:jp:vhV", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			ctl.json = true;
			break;
		case 'p':
			if (set_pin_dir(&ctl, optarg))
				return 1;
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
