/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli.h - what the files of xmip6ctl share.
 *
 *	xmip6ctl.c     main(): global options, the table of objects, --help
 *	args.c         the words of a command: keywords, addresses, numbers
 *	route.c        the daemon or the pinned maps; one exchange with xmip6d
 *	table.c        rows as JSON or as an aligned table
 *	attach.c       attach, detach, unload
 *	binding.c      binding add/del/flush/show
 *	stats.c        stats show/clear
 *	status.c       status
 *	daemon_state.c bul and home-agents: what only xmip6d knows
 *	ro.c           ro and peers: the mobile node's route optimisation maps
 *	prefix.c       prefix show: the home agent's mobile network prefixes
 *
 * Errors: one "xmip6ctl: ..." line on stderr (plus a usage line for bad
 * input) and exit status 1. Everything done through dataplane.h logs its
 * own failures, so a command only reports bad input itself.
 */
#ifndef XMIP6_CLI_H
#define XMIP6_CLI_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>

struct json_object;

/* RFC 6275 section 6.1.7: the BU lifetime is 16 bits of 4-second units. */
#define LIFETIME_MAX_S (65535U * 4)
#define NSEC_PER_SEC   1000000000ULL

/* The global options. */
struct ctl {
	char pin_dir[PATH_MAX];
	const char *socket; /* xmip6d's control socket */
	bool socket_given;  /* -s: binding and stats must use the daemon */
	bool pin_given;	    /* -p (and no -s): binding and stats use the maps */
	bool json;
};

/* A command's words, taken from the front. */
struct args {
	int argc;
	char **argv;
	const char *usage; /* how to say it, for bad_input() */
};

typedef int (*cli_fn)(struct ctl *ctl, struct args *a);

struct cli_verb {
	const char *name;
	const char *alias;
	cli_fn run;
};

/*
 * An OBJECT of "xmip6ctl OBJECT [VERB] ...": a command by itself (@run:
 * attach, status), or one of @verbs, "show" when none is given.
 */
struct cli_object {
	const char *name;
	cli_fn run;
	const struct cli_verb *verbs; /* ended by {} */
	const char *verbs_usage;      /* the usage line for an unknown verb */
	const char *const *help;      /* its lines of --help, ended by NULL */
};

extern const struct cli_object cli_attach, cli_detach, cli_unload;
extern const struct cli_object cli_binding, cli_stats, cli_status;
extern const struct cli_object cli_bul, cli_home_agents, cli_ro, cli_peers, cli_prefix;

/* ---- args.c --------------------------------------------------------------------------------- */

/* Report bad input: what is wrong with which word, then a->usage. Returns 1. */
int bad_input(const char *usage_line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

bool args_left(const struct args *a);
const char *args_next(struct args *a);
/*
 * The next KEYWORD VALUE pair: 1 and both words, 0 at the end of the line,
 * -1 (reported) when the line ends after KEYWORD.
 */
int args_pair(struct args *a, const char **keyword, const char **value);
/* 0, or 1 after reporting why @word is not a usable IPv6 address. */
int parse_addr(const struct args *a, const char *what, const char *word, struct in6_addr *addr);
int parse_uint(const struct args *a, const char *what, const char *word, unsigned long min,
	       unsigned long max, unsigned int *val);
/* 0, or 1 after reporting the first word left over. */
int no_more_args(struct args *a);

/* dataplane.h logged the failure already: only the exit status is left. */
static inline int exit_status(int err)
{
	return err < 0 ? 1 : 0;
}

/* ---- route.c -------------------------------------------------------------------------------- */

#define ROUTE_MAPS (-1) /* use the pinned maps */
#define ROUTE_FAIL (-2) /* reported: exit 1 */

/*
 * Where a command goes once its input is known to be good: a connected fd to
 * xmip6d, ROUTE_MAPS or ROUTE_FAIL. binding and stats ask the daemon when -s
 * names it, or when neither -s nor -p was given and the default socket
 * answers; @daemon_only commands (bul, home-agents) have nothing but the
 * daemon to ask.
 */
int route(const struct ctl *ctl, bool daemon_only);
/*
 * One exchange on @fd (closed here; @args consumed): 0 and *@result, or 1
 * after printing the daemon's reason as "xmip6ctl: REASON".
 */
int daemon_call(int fd, const char *command, struct json_object *args, struct json_object **result);
/* A change: nothing to print but, with -j, the result as it came. */
int daemon_do(const struct ctl *ctl, int fd, const char *command, struct json_object *args);

/* ---- table.c -------------------------------------------------------------------------------- */

#define CELL_MAX 64 /* a cell's text, truncated beyond */

struct column {
	const char *title;
	const char *key;       /* the row's JSON member */
	const char *null_text; /* what JSON null means in this column; NULL: "-" */
	/* Special cases; NULL: the value as cell_text() writes it. */
	void (*format)(struct json_object *row, const struct column *col, char *buf, size_t size);
	bool optional; /* a column only when some row has the member */
};

/*
 * A JSON value as a cell: absent "-", null @null_text, integers exact (u64
 * counters too), other numbers to a tenth.
 */
void cell_text(struct json_object *val, bool present, const char *null_text, char *buf,
	       size_t size);
/* "Remaining": "expired" for an expired entry rather than 0. */
void cell_remaining(struct json_object *row, const struct column *col, char *buf, size_t size);

/*
 * The columns of what a binding and an "ro" entry both show (dp/view.c
 * registration_json()), one a line as in the arrays they go into.
 */
/* clang-format off */
#define REGISTRATION_COLUMNS							\
	{.title = "Lifetime", .key = "lifetime", .null_text = "infinite"},	\
	{.title = "Remaining", .key = "remaining", .null_text = "infinite",	\
	 .format = cell_remaining},						\
	{.title = "Seq", .key = "sequence"},					\
	{.title = "Flags", .key = "flags"},					\
	{.title = "Age", .key = "age"}
/* clang-format on */

/* BUL "Last Status": the BA status code and, when the daemon names it, its meaning. */
void cell_status(struct json_object *row, const struct column *col, char *buf, size_t size);

/* @obj (consumed) as compact JSON on a line. */
void print_json(struct json_object *obj);
/*
 * @rows (consumed), a JSON array, as JSON or as a table of @cols; a table
 * without rows is the line @empty ("no bindings"), not a bare title line.
 * -ENOMEM.
 */
int rows_output(const struct ctl *ctl, struct json_object *rows, const struct column *cols,
		const char *empty);
/*
 * A "show" result (consumed): -j prints it as it is, text a table of its
 * member @key (@empty when it has no row). 0, or 1 after saying what is
 * wrong with it.
 */
int result_output(const struct ctl *ctl, struct json_object *result, const char *key,
		  const struct column *cols, const char *empty);

struct xmip6_dp;
/*
 * "OBJECT show" of a pinned map (no more words after it): @fill (dp/view.h)
 * walks it into rows, printed as rows_output() does. The exit status.
 */
int map_rows_show(struct ctl *ctl, struct args *a, const char *usage,
		  int (*fill)(const struct xmip6_dp *dp, struct json_object **rows),
		  const struct column *cols, const char *empty);

#endif /* XMIP6_CLI_H */
