// SPDX-License-Identifier: GPL-2.0
/*
 * ctl_server - TEST FIXTURE, not a daemon: a stand-in for xmip6d's control
 * socket that exercises only the transport (user/daemon/ctl.c) and xmip6ctl's
 * printers. It serves canned replies read from a JSON file:
 *
 *   {"binding-show": {"result": {"bindings": [...]}},
 *    "binding-del":  {"status": -2, "error": "no binding for 2001:db8::1"}, ...}
 *
 * A command of docs/control-protocol.md missing from the file gets
 * -EOPNOTSUPP. Extra command "sleep" {"ms": N} stalls the server N ms (a busy
 * daemon) and answers {"slept_ms": N}.
 *
 * Usage: ctl_server [-n N] [-t SECONDS] [-l LOG] [-r READY] SOCKET CANNED.json
 *   -n N        exit after serving N connections
 *   -t SECONDS  exit after this long anyway (default 120: a leaked fixture dies)
 *   -l LOG      append every request that reached a command as one JSON line
 *               {"command": ..., "args": ...}
 *   -r READY    create this file once the socket listens
 * SIGTERM/SIGINT: close and remove the socket, exit 0.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "daemon/ctl.h"
#include "common/util.h"

#define SLEEP_MAX_MS 60000

struct fixture {
	struct json_object *canned;
	FILE *log;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void log_request(struct fixture *f, const char *name, struct json_object *args)
{
	struct json_object *line;

	if (!f->log)
		return;
	line = json_object_new_object();
	json_object_object_add(line, "command", json_object_new_string(name));
	json_object_object_add(line, "args", json_object_get(args));
	fprintf(f->log, "%s\n", json_object_to_json_string_ext(line, JSON_C_TO_STRING_PLAIN));
	fflush(f->log);
	json_object_put(line);
}

/* The canned reply for @name: its "result", or its "status" and "error". */
static int canned(const char *name, struct json_object *args, struct json_object **result,
		  char *err, size_t errlen, void *ctx)
{
	struct fixture *f = ctx;
	struct json_object *entry, *val;
	int status;

	log_request(f, name, args);
	if (!json_object_object_get_ex(f->canned, name, &entry)) {
		snprintf(err, errlen, "ctl_server: no canned reply for \"%s\"", name);
		return -EOPNOTSUPP;
	}
	if (json_object_object_get_ex(entry, "status", &val) &&
	    (status = json_object_get_int(val)) < 0) {
		if (json_object_object_get_ex(entry, "error", &val))
			snprintf(err, errlen, "%s", json_object_get_string(val));
		return status;
	}
	if (json_object_object_get_ex(entry, "result", &val))
		*result = json_object_get(val);
	return 0;
}

static int cmd_sleep(struct json_object *args, struct json_object **result, char *err,
		     size_t errlen, void *ctx)
{
	struct json_object *ms;
	struct timespec ts;
	int v;

	log_request(ctx, "sleep", args);
	if (!json_object_object_get_ex(args, "ms", &ms) ||
	    !json_object_is_type(ms, json_type_int) || (v = json_object_get_int(ms)) < 0 ||
	    v > SLEEP_MAX_MS) {
		snprintf(err, errlen, "sleep: \"ms\" 0..%d expected", SLEEP_MAX_MS);
		return -EINVAL;
	}
	ts.tv_sec = v / 1000;
	ts.tv_nsec = (v % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) && errno == EINTR && !stop)
		;
	*result = json_object_new_object();
	json_object_object_add(*result, "slept_ms", json_object_new_int(v));
	return 0;
}

/* ctl.h hands a handler no command name: one small wrapper per command. */
#define CANNED(fn, name)                                                                \
	static int fn(struct json_object *args, struct json_object **result, char *err, \
		      size_t errlen, void *ctx)                                         \
	{                                                                               \
		return canned(name, args, result, err, errlen, ctx);                    \
	}

CANNED(cmd_binding_show, "binding-show")
CANNED(cmd_binding_add, "binding-add")
CANNED(cmd_binding_del, "binding-del")
CANNED(cmd_binding_flush, "binding-flush")
CANNED(cmd_bul_show, "bul-show")
CANNED(cmd_stats_show, "stats-show")
CANNED(cmd_stats_clear, "stats-clear")
CANNED(cmd_home_agents_show, "home-agents-show")

static const struct ctl_command commands[] = {
	{"binding-show", cmd_binding_show, NULL},
	{"binding-add", cmd_binding_add, NULL},
	{"binding-del", cmd_binding_del, NULL},
	{"binding-flush", cmd_binding_flush, NULL},
	{"bul-show", cmd_bul_show, NULL},
	{"stats-show", cmd_stats_show, NULL},
	{"stats-clear", cmd_stats_clear, NULL},
	{"home-agents-show", cmd_home_agents_show, NULL},
	{"sleep", cmd_sleep, NULL},
	{},
};

static int usage(void)
{
	fprintf(stderr, "Usage: ctl_server [-n N] [-t SECONDS] [-l LOG] [-r READY] SOCKET "
			"CANNED.json\n");
	return 2;
}

static int serve(struct ctl_server *s, long max_conns, long long end_ns)
{
	struct pollfd p = {.fd = s->fd, .events = POLLIN};
	long long left_ms;
	long served = 0;

	while (!stop && (!max_conns || served < max_conns)) {
		left_ms = (end_ns - (long long)mono_now_ns()) / 1000000;
		if (left_ms <= 0) {
			fprintf(stderr, "ctl_server: time limit reached\n");
			return 1;
		}
		/* Every 50 ms at least, as xmip6d's tick: the clients' deadlines. */
		poll(&p, 1, left_ms > 50 ? 50 : (int)left_ms);
		served += ctl_server_serve(s);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART: poll wakes up */
	const char *log_path = NULL, *ready = NULL;
	struct fixture f = {};
	struct ctl_server s;
	long max_conns = 0, limit_s = 120;
	int opt, ret;
	FILE *r;

	while ((opt = getopt(argc, argv, "n:t:l:r:v")) != -1) {
		switch (opt) {
		case 'n':
			max_conns = strtol(optarg, NULL, 10);
			break;
		case 't':
			limit_s = strtol(optarg, NULL, 10);
			break;
		case 'l':
			log_path = optarg;
			break;
		case 'r':
			ready = optarg;
			break;
		case 'v':
			log_set_level(LOG_DEBUG);
			break;
		default:
			return usage();
		}
	}
	if (argc - optind != 2 || max_conns < 0 || limit_s <= 0)
		return usage();

	f.canned = json_object_from_file(argv[optind + 1]);
	if (!json_object_is_type(f.canned, json_type_object)) {
		fprintf(stderr, "ctl_server: %s: not a JSON object (%s)\n", argv[optind + 1],
			json_util_get_last_err() ?: "wrong type");
		return 1;
	}
	if (log_path && !(f.log = fopen(log_path, "a"))) {
		fprintf(stderr, "ctl_server: %s: %s\n", log_path, strerror(errno));
		json_object_put(f.canned);
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	ret = ctl_server_open(&s, argv[optind], commands, &f);
	if (ret) {
		fprintf(stderr, "ctl_server: cannot serve %s: %s\n", argv[optind], strerror(-ret));
		ret = 1;
	} else {
		if (ready && (r = fopen(ready, "w")))
			fclose(r);
		ret = serve(&s, max_conns, (long long)mono_now_ns() + limit_s * 1000000000LL);
		ctl_server_close(&s);
	}
	json_object_put(f.canned);
	if (f.log)
		fclose(f.log);
	return ret;
}
