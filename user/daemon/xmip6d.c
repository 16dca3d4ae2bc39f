// SPDX-License-Identifier: GPL-2.0
/*
 * xmip6d - the Mobile IPv6 daemon: home agent, mobile node or correspondent node, per its
 * configuration file (docs/xmip6d.conf.md).
 *
 * One thread, one epoll loop over: the "signal" ring buffer (Mobility
 * Header packets from XDP), signals (TERM/INT stop, HUP reloads), a 50 ms
 * tick (retransmissions, DAD deadlines, expiry, the control socket's
 * deadlines), the control socket (its clients served without blocking, so
 * that signalling never waits on one), and the role's netlink / neighbour
 * discovery sockets.
 *
 * Stopping leaves the data plane attached and every binding in place: the
 * tunnel keeps forwarding, and a restarted daemon takes over from the
 * pinned maps.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <json-c/json.h>
#include <systemd/sd-daemon.h>

#include "daemon/ctl.h"
#include "daemon/daemon.h"
#include "daemon/metrics.h"
#include "daemon/workers.h"
#include "dp/view.h"
#include "roles/roles.h"
#include "common/util.h"
#include "version.h" /* written by the Makefile: XMIP6_VERSION, XMIP6_GIT_REV */

#define TICK_NS	     (50 * 1000000L)
#define NSEC_PER_SEC 1000000000ULL
#define MAX_EVENTS   16
/*
 * Records one wake-up takes from the signal ring before the loop serves
 * its other sources (ticks, the control socket, signals): about 10 ms of
 * work at 100,000 BUs a second. The ring's descriptor stays readable while
 * records are left (level-triggered), so the next epoll_wait() returns at
 * once and the drain goes on.
 */
#define RING_BUDGET 1024
#define ERR_LEN	    256

enum ev_source { EV_RING = 1, EV_SIGNAL, EV_TICK, EV_CTL };

static struct daemon daemon_ctx;

/* One drain of the signal ring, bounded by RING_BUDGET. */
struct ring_drain {
	struct daemon *d;
	unsigned int left;
};

static int ring_record(void *ctx, void *data, size_t size)
{
	struct ring_drain *r = ctx;

	daemon_signal_record(r->d, data, size);
	/* A negative return stops ring_buffer__consume() after this record,
	 * which stays consumed. */
	return --r->left ? 0 : -EAGAIN;
}

/* Up to RING_BUDGET records, their answers sent as one batch (sendmmsg). */
static void ring_drain(struct ring_buffer *rb, struct ring_drain *r)
{
	daemon_batch_begin(r->d);
	/* With registration workers, no more than their queues take. */
	r->left = daemon_workers_room(r->d, RING_BUDGET);
	ring_buffer__consume(rb);
	daemon_batch_end(r->d);
	daemon_workers_kick(r->d); /* what the drain queued for them */
}
static struct ctl_server ctl_srv = {.fd = -1, .listen_fd = -1};

static void usage(FILE *f)
{
	fprintf(f, "Usage: xmip6d -c FILE [--check] [-d]\n"
		   "\n"
		   "  -c, --config FILE   configuration (see docs/xmip6d.conf.md)\n"
		   "      --check         validate FILE, print the effective settings, exit\n"
		   "  -d, --debug         log at debug level whatever the file says\n"
		   "  -h, --help          print this help\n"
		   "  -V, --version       print the version\n");
}

/* ---- control socket commands --------------------------------------------------------------- */

static int json_get_addr(struct json_object *args, const char *key, struct in6_addr *addr,
			 bool required, char *err, size_t errlen)
{
	struct json_object *v;

	if (!json_object_object_get_ex(args, key, &v) || json_object_is_type(v, json_type_null)) {
		if (required)
			snprintf(err, errlen, "missing %s", key);
		return required ? -EINVAL : 1;
	}
	if (!json_object_is_type(v, json_type_string) ||
	    addr6_parse(json_object_get_string(v), addr)) {
		snprintf(err, errlen, "%s is not an IPv6 address", key);
		return -EINVAL;
	}
	return 0;
}

/* docs/control-protocol.md "binding-show": dp/view.h's rows, as xmip6ctl shows the maps. */
static int cmd_binding_show(struct json_object *args, struct json_object **result, char *err,
			    size_t errlen, void *ctx)
{
	struct daemon *d = ctx;
	struct in6_addr hoa, coa;
	int no_hoa, no_coa, ret;

	/* json_get_addr(): 1 when the member is absent, a filter not asked for. */
	no_coa = json_get_addr(args, "care_of_addr", &coa, false, err, errlen);
	if (no_coa < 0)
		return no_coa;
	no_hoa = json_get_addr(args, "home_addr", &hoa, false, err, errlen);
	if (no_hoa < 0)
		return no_hoa;
	ret = dp_bindings_json(&d->dp, no_hoa ? NULL : &hoa, no_coa ? NULL : &coa, result);
	if (ret)
		snprintf(err, errlen, "binding map: %s", strerror(-ret));
	return ret;
}

static int cmd_binding_add(struct json_object *args, struct json_object **result, char *err,
			   size_t errlen, void *ctx)
{
	struct daemon *d = ctx;
	struct in6_addr hoa, coa;
	struct json_object *v;
	__s64 lifetime = 0;
	int ret;

	ret = json_get_addr(args, "home_addr", &hoa, true, err, errlen)
		      ?: json_get_addr(args, "care_of_addr", &coa, true, err, errlen);
	if (ret)
		return ret;
	if (json_object_object_get_ex(args, "lifetime", &v) &&
	    !json_object_is_type(v, json_type_null)) {
		lifetime = json_object_get_int64(v);
		if (!json_object_is_type(v, json_type_int) || lifetime < 1 ||
		    lifetime > CONFIG_MAX_LIFETIME_S) {
			snprintf(err, errlen, "lifetime must be 1..%d seconds",
				 CONFIG_MAX_LIFETIME_S);
			return -EINVAL;
		}
	}
	(void)result;
	return d->bcache->add(d->bcache_arg, &hoa, &coa, lifetime, err, errlen);
}

static int cmd_binding_del(struct json_object *args, struct json_object **result, char *err,
			   size_t errlen, void *ctx)
{
	struct daemon *d = ctx;
	struct in6_addr hoa;
	int ret;

	(void)result;
	ret = json_get_addr(args, "home_addr", &hoa, true, err, errlen);
	return ret ?: d->bcache->del(d->bcache_arg, &hoa, err, errlen);
}

static int cmd_binding_flush(struct json_object *args, struct json_object **result, char *err,
			     size_t errlen, void *ctx)
{
	struct daemon *d = ctx;

	(void)args;
	(void)err;
	(void)errlen;
	*result = json_object_new_object();
	json_object_object_add(*result, "deleted",
			       json_object_new_int64(d->bcache->flush(d->bcache_arg)));
	return 0;
}

/* The control socket's own counters: what it refused and cut off. */
static struct json_object *ctl_stats_json(const struct ctl_server_stats *st)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "clients_refused_busy", json_object_new_uint64(st->refused_busy));
	json_object_object_add(o, "clients_timed_out", json_object_new_uint64(st->timed_out));
	return o;
}

static int cmd_stats_show(struct json_object *args, struct json_object **result, char *err,
			  size_t errlen, void *ctx)
{
	(void)args;
	(void)err;
	(void)errlen;
	daemon_workers_fold(ctx);
	*result = daemon_stats_json(ctx);
	json_object_object_add(*result, "workers", daemon_workers_json(ctx));
	json_object_object_add(*result, "control_socket", ctl_stats_json(&ctl_srv.stats));
	return 0;
}

static int cmd_stats_clear(struct json_object *args, struct json_object **result, char *err,
			   size_t errlen, void *ctx)
{
	(void)args;
	(void)result;
	(void)err;
	(void)errlen;
	daemon_workers_fold(ctx); /* what the workers counted so far goes too */
	daemon_stats_clear(ctx);
	memset(&ctl_srv.stats, 0, sizeof(ctl_srv.stats));
	return 0;
}

/*
 * The daemon's own commands, those on a binding cache when a role keeps
 * one; the roles registered theirs as they started, and what no running
 * role answers gets its refusal (roles.c).
 */
static int ctl_commands_reg(struct daemon *d)
{
	int err = daemon_ctl_reg(d, "binding-show", cmd_binding_show, d)
			  ?: daemon_ctl_reg(d, "stats-show", cmd_stats_show, d)
			  ?: daemon_ctl_reg(d, "stats-clear", cmd_stats_clear, d);

	if (!err && d->bcache)
		err = daemon_ctl_reg(d, "binding-del", cmd_binding_del, d)
			      ?: daemon_ctl_reg(d, "binding-flush", cmd_binding_flush, d);
	if (!err && d->bcache && d->bcache->add)
		err = daemon_ctl_reg(d, "binding-add", cmd_binding_add, d);
	return err ?: roles_ctl_absent_reg(d);
}

/* ---- the loop ------------------------------------------------------------------------------ */

static int epoll_add(int epfd, int fd, enum ev_source src)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = src};

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

static int make_tick(void)
{
	struct itimerspec its = {
		.it_interval = {.tv_nsec = TICK_NS},
		.it_value = {.tv_nsec = TICK_NS},
	};
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);

	if (fd < 0 || timerfd_settime(fd, 0, &its, NULL)) {
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	return fd;
}

static int make_signalfd(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGPIPE);
	if (sigprocmask(SIG_BLOCK, &mask, NULL))
		return -errno;
	return signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
}

static void apply_logging(const struct xmip6d_config *cfg, bool debug)
{
	log_set_level(debug ? LOG_DEBUG : cfg->log_level);
	if (cfg->log_syslog)
		log_use_syslog("xmip6d");
}

static bool roles_changed(const struct xmip6d_config *cur, const struct xmip6d_config *next)
{
	const struct role *r;

	for (r = roles; r->name; r++)
		if (r->enabled(cur) != r->enabled(next))
			return true;
	return false;
}

/*
 * SIGHUP: load the file again. What can change at run time (log level,
 * HA policy: mobile nodes, keys, ACLs, lifetimes, limits) takes effect for
 * the next message; a changed role, address, interface set or pin dir needs
 * a restart and is refused, keeping the running configuration.
 */
static void reload_config(struct daemon *d, bool debug)
{
	struct xmip6d_config next;
	char err[ERR_LEN];
	const char *why = NULL;

	if (config_load(d->cfg.path, &next, err, sizeof(err))) {
		pr_err("reload refused, keeping the running configuration: %s", err);
		return;
	}
	if (next.keys_redacted)
		why = "keys are redacted (key-length without key)";
	else if (roles_changed(&d->cfg, &next))
		why = "the roles changed; restart needed";
	else if (strcmp(next.pin_dir, d->cfg.pin_dir) ||
		 strcmp(next.control_socket, d->cfg.control_socket) ||
		 memcmp(&next.metrics_listen, &d->cfg.metrics_listen,
			sizeof(next.metrics_listen)) ||
		 next.metrics_top_bindings != d->cfg.metrics_top_bindings ||
		 next.binding_counters != d->cfg.binding_counters)
		why = "pin-dir, control-socket, binding-counters or a metrics- setting changed; "
		      "restart needed";
	else
		why = daemon_reload_refused(d, &next);
	if (why) {
		pr_err("reload refused (%s): keeping the running configuration", why);
		config_free(&next);
		return;
	}
	daemon_reload_before(d);
	config_free(&d->cfg);
	d->cfg = next;
	apply_logging(&d->cfg, debug);
	daemon_reload_after(d);
	pr_notice("configuration reloaded from %s", d->cfg.path);
}

/*
 * systemd (Type=notify, dist/xmip6d.service.in) sees the reload begin and
 * end, refused or not; sd_notify() does nothing outside systemd.
 */
static void reload(struct daemon *d, bool debug)
{
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu", mono_now_ns() / 1000);
	reload_config(d, debug);
	sd_notify(0, "READY=1");
}

static int run(struct daemon *d, bool debug)
{
	struct epoll_event events[MAX_EVENTS];
	struct ring_buffer *rb = NULL;
	struct ctl_server *ctl = &ctl_srv;
	struct metrics *metrics = NULL;
	struct ring_drain drain = {.d = d};
	int epfd = -1, sfd = -1, tfd = -1, n, i, err;
	bool stop = false;

	epfd = d->epfd;
	sfd = make_signalfd();
	tfd = make_tick();
	if (epfd < 0 || sfd < 0 || tfd < 0) {
		err = -errno;
		pr_err("event loop: %s", strerror(errno));
		goto out;
	}
	if (d->dp.signal_fd < 0) {
		err = -ENOENT;
		pr_err("%s/%s: no signalling ring buffer", d->cfg.pin_dir, XMIP6_MAP_SIGNAL);
		goto out;
	}
	rb = ring_buffer__new(d->dp.signal_fd, ring_record, &drain, NULL);
	if (!rb) {
		err = -errno;
		pr_err("ring buffer: %s", strerror(errno));
		goto out;
	}
	err = ctl_commands_reg(d);
	if (err) {
		pr_err("control commands: %s", strerror(-err));
		goto out;
	}
	err = ctl_server_open(ctl, d->cfg.control_socket, d->ctl, d);
	if (err)
		goto out; /* logged */
	/* After make_signalfd(): its thread inherits the blocked signals. */
	err = metrics_start(d, &metrics);
	if (err)
		goto out; /* logged */
	err = epoll_add(epfd, ring_buffer__epoll_fd(rb), EV_RING) ?:
	      epoll_add(epfd, sfd, EV_SIGNAL) ?: epoll_add(epfd, tfd, EV_TICK) ?:
	      epoll_add(epfd, ctl->fd, EV_CTL);
	if (err) {
		pr_err("epoll: %s", strerror(-err));
		goto out;
	}
	pr_notice("running; control socket %s", d->cfg.control_socket);
	log_copy_to_stderr(false); /* started: syslog alone from here on */
	sd_notify(0, "READY=1");

	while (!stop) {
		n = epoll_wait(epfd, events, MAX_EVENTS, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			pr_err("epoll_wait: %s", strerror(errno));
			break;
		}
		for (i = 0; i < n; i++) {
			switch (events[i].data.u32) {
			case EV_RING:
				ring_drain(rb, &drain);
				break;
			case EV_SIGNAL: {
				struct signalfd_siginfo si;

				while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
					if (si.ssi_signo == SIGHUP)
						reload(d, debug);
					else if (si.ssi_signo != SIGPIPE)
						stop = true;
				}
				break;
			}
			case EV_TICK: {
				__u64 ticks;
				unsigned long long now = mono_now_ns();

				if (read(tfd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
					pr_debug("tick: %s", strerror(errno));
				daemon_run_tick_hooks(d, now);
				daemon_workers_fold(d);
				daemon_summary_tick(d, now);
				ctl_server_serve(ctl); /* the clients' deadlines */
				break;
			}
			case EV_CTL:
				ctl_server_serve(ctl);
				break;
			default:
				daemon_run_hook(d, events[i].data.u32, mono_now_ns());
				break;
			}
		}
	}
	sd_notify(0, "STOPPING=1");
	pr_notice("stopping; the data plane and its bindings stay in place");
out:
	metrics_stop(metrics);
	ctl_server_close(ctl);
	ring_buffer__free(rb);
	if (tfd >= 0)
		close(tfd);
	if (sfd >= 0)
		close(sfd);

	return err;
}

/* Every role the configuration enables (one a file, as it is). */
static int start_roles(struct daemon *d)
{
	const struct role *r;
	int err;

	for (r = roles; r->name; r++) {
		if (!r->enabled(&d->cfg))
			continue;
		err = r->start(d);
		if (err)
			return err; /* logged */
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{"config", required_argument, NULL, 'c'}, {"check", no_argument, NULL, 'C'},
		{"debug", no_argument, NULL, 'd'},	  {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},	  {},
	};
	struct daemon *d = &daemon_ctx;
	const char *path = NULL;
	bool check = false, debug = false;
	char err[ERR_LEN];
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "c:dhV", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			path = optarg;
			break;
		case 'C':
			check = true;
			break;
		case 'd':
			debug = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("xmip6d %s%s%s%s\n", XMIP6_VERSION, *XMIP6_GIT_REV ? " (git " : "",
			       XMIP6_GIT_REV, *XMIP6_GIT_REV ? ")" : "");
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (!path || optind != argc) {
		usage(stderr);
		return 1;
	}
	ret = config_load(path, &d->cfg, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "xmip6d: %s\n", err);
		return 1;
	}
	if (!check && d->cfg.keys_redacted) {
		/* `--check` output names key lengths, never keys: such a file
		 * would run with all-zero keys. */
		fprintf(stderr,
			"xmip6d: %s: keys are redacted (key-length without key); "
			"give the keys or key-file\n",
			path);
		config_free(&d->cfg);
		return 1;
	}
	if (check) {
		config_print(stdout, &d->cfg);
		config_free(&d->cfg);
		return 0;
	}

	apply_logging(&d->cfg, debug);
	log_copy_to_stderr(true); /* until running: a failed start is seen on the terminal */
	if (!log_enabled(LOG_DEBUG))
		dp_libbpf_quiet();
	d->dp.signal_fd = -1;
	/* Before the roles start: they hook their own sockets into it. */
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epfd < 0) {
		pr_err("epoll: %s", strerror(errno));
		return 1;
	}

	ret = sig_open(&d->socks);
	if (ret) {
		pr_err("signalling sockets: %s", strerror(-ret));
		return 1;
	}
	ret = nl_open(&d->nl);
	if (ret) {
		pr_err("rtnetlink: %s", strerror(-ret));
		return 1;
	}
	ret = start_roles(d);
	if (!ret)
		ret = run(d, debug);

	daemon_stop_roles(d);
	if (d->nd_open)
		ndisc_close(&d->nd);
	nl_close(&d->nl);
	sig_close(&d->socks);
	close(d->epfd);
	dp_close(&d->dp);
	config_free(&d->cfg);
	return ret ? 1 : 0;
}
