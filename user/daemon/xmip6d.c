// SPDX-License-Identifier: GPL-2.0
/*
 * xmip6d - the Mobile IPv6 daemon: home agent, mobile node or correspondent node, per its
 * configuration file (docs/xmip6d.conf.md).
 *
 * One thread, one epoll loop over: the "signal" ring buffer (Mobility
 * Header packets from XDP), signals (TERM/INT stop, HUP reloads), a 50 ms
 * tick (retransmissions, DAD deadlines, expiry), the control socket, and
 * the role's netlink / neighbour discovery sockets.
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

#include "daemon/ctl.h"
#include "daemon/daemon.h"
#include "dp/view.h"
#include "common/util.h"

#ifndef XMIP6_VERSION
#define XMIP6_VERSION "0.1.0"
#endif

#define TICK_NS	     (50 * 1000000L)
#define NSEC_PER_SEC 1000000000ULL
#define MAX_EVENTS   16
#define ERR_LEN	     256

enum ev_source { EV_RING = 1, EV_SIGNAL, EV_TICK, EV_CTL };

static struct daemon daemon_ctx;

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

	if (!d->ha) {
		snprintf(err, errlen, "binding add: only a home agent keeps a binding cache");
		return -EOPNOTSUPP;
	}
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
	return ha_binding_add(d, &hoa, &coa, lifetime, err, errlen);
}

static int cmd_binding_del(struct json_object *args, struct json_object **result, char *err,
			   size_t errlen, void *ctx)
{
	struct daemon *d = ctx;
	struct in6_addr hoa;
	int ret;

	(void)result;
	if (!d->ha && !d->cn) {
		snprintf(err, errlen,
			 "binding del: only a home agent or correspondent node keeps a "
			 "binding cache");
		return -EOPNOTSUPP;
	}
	ret = json_get_addr(args, "home_addr", &hoa, true, err, errlen);
	if (!ret && d->cn)
		return cn_binding_del(d, &hoa, err, errlen);
	return ret ?: ha_binding_del(d, &hoa, err, errlen);
}

static int cmd_binding_flush(struct json_object *args, struct json_object **result, char *err,
			     size_t errlen, void *ctx)
{
	struct daemon *d = ctx;

	(void)args;
	if (!d->ha && !d->cn) {
		snprintf(err, errlen,
			 "binding flush: only a home agent or correspondent node keeps "
			 "a binding cache");
		return -EOPNOTSUPP;
	}
	*result = json_object_new_object();
	json_object_object_add(
		*result, "deleted",
		json_object_new_int64(d->cn ? cn_binding_flush(d) : ha_binding_flush(d)));
	return 0;
}

static int cmd_bul_show(struct json_object *args, struct json_object **result, char *err,
			size_t errlen, void *ctx)
{
	struct daemon *d = ctx;

	(void)args;
	if (!d->mn) {
		snprintf(err, errlen, "bul show: only a mobile node has a Binding Update List");
		return -EOPNOTSUPP;
	}
	*result = mn_bul_json(d);
	return 0;
}

static int cmd_stats_show(struct json_object *args, struct json_object **result, char *err,
			  size_t errlen, void *ctx)
{
	(void)args;
	(void)err;
	(void)errlen;
	*result = daemon_stats_json(ctx);
	return 0;
}

static int cmd_stats_clear(struct json_object *args, struct json_object **result, char *err,
			   size_t errlen, void *ctx)
{
	(void)args;
	(void)result;
	(void)err;
	(void)errlen;
	daemon_stats_clear(ctx);
	return 0;
}

static int cmd_home_agents_show(struct json_object *args, struct json_object **result, char *err,
				size_t errlen, void *ctx)
{
	struct daemon *d = ctx;

	(void)args;
	if (d->cn) {
		snprintf(err, errlen, "home-agents show: not on a correspondent node");
		return -EOPNOTSUPP;
	}
	*result = d->ha ? ha_home_agents_json(d) : mn_home_agents_json(d);
	return 0;
}

static const struct ctl_command ctl_commands[] = {
	{"binding-show", cmd_binding_show},
	{"binding-add", cmd_binding_add},
	{"binding-del", cmd_binding_del},
	{"binding-flush", cmd_binding_flush},
	{"bul-show", cmd_bul_show},
	{"stats-show", cmd_stats_show},
	{"stats-clear", cmd_stats_clear},
	{"home-agents-show", cmd_home_agents_show},
	{NULL, NULL},
};

/* ---- the loop ------------------------------------------------------------------------------ */

static int on_signal_record(void *ctx, void *data, size_t size)
{
	const struct xmip6_signal *sig = data;

	if (size < offsetof(struct xmip6_signal, packet) || sig->len > XMIP6_SIGNAL_MAX_LEN) {
		daemon_count_drop(ctx, DROP_bad_packet);
		return 0;
	}
	if (sig->flags & XMIP6_SIGNAL_F_HAO_UNBOUND) {
		struct daemon *d = ctx;

		if (d->cn)
			cn_hao_unbound(d, sig->packet, sig->len, sig->ifindex);
		return 0;
	}
	daemon_receive(ctx, sig->packet, sig->len, sig->ifindex,
		       sig->flags & XMIP6_SIGNAL_F_TUNNELLED);
	return 0;
}

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

/*
 * SIGHUP: load the file again. What can change at run time (log level,
 * HA policy: mobile nodes, keys, ACLs, lifetimes, limits) takes effect for
 * the next message; a changed role, address, interface set or pin dir needs
 * a restart and is refused, keeping the running configuration.
 */
static void reload(struct daemon *d, bool debug)
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
	else if (next.has_ha != d->cfg.has_ha || next.has_mn != d->cfg.has_mn ||
		 next.has_cn != d->cfg.has_cn)
		why = "the roles changed; restart needed";
	else if (strcmp(next.pin_dir, d->cfg.pin_dir) ||
		 strcmp(next.control_socket, d->cfg.control_socket))
		why = "pin-dir or control-socket changed; restart needed";
	else if (next.has_ha &&
		 (memcmp(&next.ha.address, &d->cfg.ha.address, sizeof(next.ha.address)) ||
		  memcmp(next.ha.interfaces, d->cfg.ha.interfaces, sizeof(next.ha.interfaces)) ||
		  strcmp(next.ha.home_link, d->cfg.ha.home_link)))
		why = "home-agent address, interfaces or home-link changed; restart needed";
	else if (next.has_cn &&
		 memcmp(next.cn.interfaces, d->cfg.cn.interfaces, sizeof(next.cn.interfaces)))
		why = "correspondent-node interfaces changed; restart needed";
	else if (next.has_mn &&
		 (memcmp(&next.mn.home_addr, &d->cfg.mn.home_addr, sizeof(next.mn.home_addr)) ||
		  memcmp(&next.mn.home_agent, &d->cfg.mn.home_agent, sizeof(next.mn.home_agent)) ||
		  next.mn.has_home_addr != d->cfg.mn.has_home_addr ||
		  next.mn.has_home_agent != d->cfg.mn.has_home_agent ||
		  memcmp(&next.mn.home_prefix, &d->cfg.mn.home_prefix,
			 sizeof(next.mn.home_prefix)) ||
		  next.mn.home_prefix_len != d->cfg.mn.home_prefix_len ||
		  memcmp(next.mn.interfaces, d->cfg.mn.interfaces, sizeof(next.mn.interfaces))))
		why = "mobile-node home address or prefix, home agent or interfaces changed; "
		      "restart needed";
	if (why) {
		pr_err("reload refused (%s): keeping the running configuration", why);
		config_free(&next);
		return;
	}
	/* Pending DAD entries point into the old mobile-node table: none
	 * survive a reload (the MN retransmits). */
	if (d->ha)
		ha_cancel_pending(d);
	config_free(&d->cfg);
	d->cfg = next;
	apply_logging(&d->cfg, debug);
	if (d->ha && ha_admit_sync(d))
		pr_err("signalling admission not updated: the data plane keeps the old list");
	pr_notice("configuration reloaded from %s", d->cfg.path);
}

static int run(struct daemon *d, bool debug)
{
	struct epoll_event events[MAX_EVENTS];
	struct ring_buffer *rb = NULL;
	struct ctl_server ctl = {.fd = -1};
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
	rb = ring_buffer__new(d->dp.signal_fd, on_signal_record, d, NULL);
	if (!rb) {
		err = -errno;
		pr_err("ring buffer: %s", strerror(errno));
		goto out;
	}
	err = ctl_server_open(&ctl, d->cfg.control_socket, ctl_commands, d);
	if (err)
		goto out; /* logged */
	err = epoll_add(epfd, ring_buffer__epoll_fd(rb), EV_RING) ?:
	      epoll_add(epfd, sfd, EV_SIGNAL) ?: epoll_add(epfd, tfd, EV_TICK) ?:
	      epoll_add(epfd, ctl.fd, EV_CTL);
	if (err) {
		pr_err("epoll: %s", strerror(-err));
		goto out;
	}
	pr_notice("running; control socket %s", d->cfg.control_socket);

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
				ring_buffer__consume(rb);
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
				if (d->ha)
					ha_tick(d, now);
				if (d->mn)
					mn_tick(d, now);
				if (d->cn)
					cn_tick(d, now);
				daemon_run_tick_hooks(d, now);
				break;
			}
			case EV_CTL:
				ctl_server_serve(&ctl);
				break;
			default:
				daemon_run_hook(d, events[i].data.u32, mono_now_ns());
				break;
			}
		}
	}
	pr_notice("stopping; the data plane and its bindings stay in place");
out:
	ctl_server_close(&ctl);
	ring_buffer__free(rb);
	if (tfd >= 0)
		close(tfd);
	if (sfd >= 0)
		close(sfd);

	return err;
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
			printf("xmip6d %s\n", XMIP6_VERSION);
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
	ret = d->cfg.has_cn ? cn_start(d) : d->cfg.has_ha ? ha_start(d) : mn_start(d);
	if (!ret)
		ret = run(d, debug);

	if (d->ha)
		ha_stop(d);
	if (d->mn)
		mn_stop(d);
	if (d->cn)
		cn_stop(d);
	if (d->nd_open)
		ndisc_close(&d->nd);
	nl_close(&d->nl);
	sig_close(&d->socks);
	close(d->epfd);
	dp_close(&d->dp);
	config_free(&d->cfg);
	return ret ? 1 : 0;
}
