// SPDX-License-Identifier: GPL-2.0
/*
 * xmip6ctl - attach the xmip6 data plane and inspect or edit its state.
 *
 * iproute2-like: "xmip6ctl [OPTIONS] OBJECT [VERB] [KEYWORD VALUE]...". The
 * objects are in one table below, each with its verbs and its lines of
 * --help; their commands are in the other files of user/cli/ (cli.h).
 *
 * binding, stats, bul and home-agents can also be asked of xmip6d over its
 * control socket (ctl.h, docs/control-protocol.md); route() says which way a
 * command goes. Either way its input is checked before anything is sent.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "cli/cli.h"
#include "config/config.h"
#include "dp/dataplane.h"
#include "common/util.h"
#include "version.h" /* written by the Makefile: XMIP6_VERSION, XMIP6_GIT_REV */

#ifndef CONFIG_CTL_SOCKET_DEFAULT
#define CONFIG_CTL_SOCKET_DEFAULT "/run/xmip6/xmip6d.sock"
#endif

#define USAGE_TOP "[OPTIONS] COMMAND ... (see xmip6ctl --help)"

/* In the order --help lists them. */
static const struct cli_object *const objects[] = {
	&cli_attach, &cli_detach,      &cli_unload, &cli_binding, &cli_stats,  &cli_status,
	&cli_bul,    &cli_home_agents, &cli_ro,	    &cli_peers,	  &cli_prefix, NULL,
};

static void usage(FILE *f)
{
	const struct cli_object *const *obj;
	const char *const *line;

	fprintf(f, "Usage: xmip6ctl [OPTIONS] COMMAND\n"
		   "\n"
		   "Commands:\n");
	for (obj = objects; *obj; obj++)
		for (line = (*obj)->help; *line; line++)
			fprintf(f, "  %s\n", *line);
	fprintf(f,
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
		"home-agents always ask xmip6d; attach, detach, unload, status, ro, peers and\n"
		"prefix never do (ro and peers are the mobile node's route optimisation maps,\n"
		"prefix the home agent's mobile network prefixes).\n"
		"\n"
		"Lifetime: 1..%u seconds; without it a binding is static (never expires).\n",
		XMIP6_PIN_DIR_DEFAULT, CONFIG_CTL_SOCKET_DEFAULT, LIFETIME_MAX_S);
}

static const struct cli_object *object_find(const char *name)
{
	const struct cli_object *const *obj;

	for (obj = objects; *obj; obj++)
		if (!strcmp(name, (*obj)->name))
			return *obj;
	return NULL;
}

/* OBJECT's command: itself, or the verb that comes next ("show" when none does). */
static int object_run(const struct cli_object *obj, struct ctl *ctl, struct args *a)
{
	const struct cli_verb *v;
	const char *verb;

	if (obj->run)
		return obj->run(ctl, a);
	verb = args_left(a) ? args_next(a) : "show";
	for (v = obj->verbs; v->name; v++)
		if (!strcmp(verb, v->name) || (v->alias && !strcmp(verb, v->alias)))
			return v->run(ctl, a);
	return bad_input(obj->verbs_usage, "unknown command \"%s %s\"", obj->name, verb);
}

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
		return bad_input(USAGE_TOP, "%s \"-%c\"", what, optopt);
	return bad_input(USAGE_TOP, "%s \"%s\"", what, word);
}

static void print_version(void)
{
	printf("xmip6ctl %s (%s%s%slibbpf %u.%u)\n", XMIP6_VERSION, *XMIP6_GIT_REV ? "git " : "",
	       XMIP6_GIT_REV, *XMIP6_GIT_REV ? ", " : "", libbpf_major_version(),
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
	const struct cli_object *obj;
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
	a.usage = USAGE_TOP;
	if (!args_left(&a))
		return bad_input(a.usage, "missing command");
	if (!strcmp(a.argv[0], "help")) {
		usage(stdout);
		return 0;
	}
	obj = object_find(a.argv[0]);
	if (!obj)
		return bad_input(a.usage, "unknown command \"%s\"", a.argv[0]);
	args_next(&a);

	dp_libbpf_quiet();
	return object_run(obj, &ctl, &a);
}
