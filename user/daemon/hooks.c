// SPDX-License-Identifier: GPL-2.0
/*
 * hooks.c - what the roles register with the daemon, and the daemon's side
 * of running it: descriptors and ticks for the event loop, reload and stop
 * hooks, control-socket commands. See daemon.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "daemon/daemon.h"

/* ---- descriptors and ticks ----------------------------------------------------------------- */

#define DAEMON_EV_HOOK_BASE 1000 /* epoll data of hook i: base + i */

static int add_hook(struct daemon *d, int fd, daemon_hook_fn fn, void *arg)
{
	struct epoll_event ev = {.events = EPOLLIN};
	int i = d->n_hooks;

	if (i == DAEMON_MAX_HOOKS)
		return -ENOSPC;
	if (fd >= 0) {
		ev.data.u32 = DAEMON_EV_HOOK_BASE + i;
		if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev))
			return -errno;
	}
	d->hooks[i] = (struct daemon_hook){.fd = fd, .fn = fn, .arg = arg};
	d->n_hooks++;
	return 0;
}

int daemon_watch(struct daemon *d, int fd, daemon_hook_fn fn, void *arg)
{
	return fd < 0 ? -EBADF : add_hook(d, fd, fn, arg);
}

int daemon_on_tick(struct daemon *d, daemon_hook_fn fn, void *arg)
{
	return add_hook(d, -1, fn, arg);
}

static void nd_readable(struct daemon *d, void *arg, unsigned long long now)
{
	(void)arg;
	(void)now;
	ndisc_read(&d->nd);
}

int daemon_open_nd(struct daemon *d)
{
	int err = ndisc_open(&d->nd);

	if (err)
		return err;
	d->nd_open = true;
	return daemon_watch(d, d->nd.fd, nd_readable, NULL);
}

/* The event loop's side: epoll data @tag was readable. False if not a hook. */
bool daemon_run_hook(struct daemon *d, __u32 tag, unsigned long long now)
{
	int i = (int)tag - DAEMON_EV_HOOK_BASE;

	if (tag < DAEMON_EV_HOOK_BASE || i >= d->n_hooks)
		return false;
	d->hooks[i].fn(d, d->hooks[i].arg, now);
	return true;
}

void daemon_run_tick_hooks(struct daemon *d, unsigned long long now)
{
	int i;

	for (i = 0; i < d->n_hooks; i++)
		if (d->hooks[i].fd < 0)
			d->hooks[i].fn(d, d->hooks[i].arg, now);
}

/* ---- reload and stop ----------------------------------------------------------------------- */

void *daemon_role_new(struct daemon *d, const struct daemon_role_hooks *hooks, size_t size)
{
	void *state;

	if (d->n_roles == DAEMON_MAX_ROLES)
		return NULL;
	state = calloc(1, size);
	if (state)
		d->roles[d->n_roles++] = (struct daemon_role){.hooks = hooks, .arg = state};
	return state;
}

const char *daemon_reload_refused(const struct daemon *d, const struct xmip6d_config *next)
{
	const char *why = NULL;
	int i;

	for (i = 0; i < d->n_roles && !why; i++)
		if (d->roles[i].hooks->reload_refused)
			why = d->roles[i].hooks->reload_refused(d, d->roles[i].arg, next);
	return why;
}

void daemon_reload_before(struct daemon *d)
{
	int i;

	for (i = 0; i < d->n_roles; i++)
		if (d->roles[i].hooks->reload_before)
			d->roles[i].hooks->reload_before(d, d->roles[i].arg);
}

void daemon_reload_after(struct daemon *d)
{
	int i;

	for (i = 0; i < d->n_roles; i++)
		if (d->roles[i].hooks->reload_after)
			d->roles[i].hooks->reload_after(d, d->roles[i].arg);
}

void daemon_stop_roles(struct daemon *d)
{
	while (d->n_roles > 0) {
		const struct daemon_role *r = &d->roles[--d->n_roles];

		if (r->hooks->stop)
			r->hooks->stop(d, r->arg);
	}
}

/* ---- control-socket commands --------------------------------------------------------------- */

int daemon_ctl_reg(struct daemon *d, const char *name, ctl_handler_fn fn, void *arg)
{
	int i;

	for (i = 0; i < d->n_ctl; i++)
		if (!strcmp(d->ctl[i].name, name))
			return -EEXIST;
	if (d->n_ctl == DAEMON_MAX_CTL)
		return -ENOSPC;
	d->ctl[d->n_ctl++] = (struct ctl_command){.name = name, .fn = fn, .ctx = arg};
	return 0;
}

int daemon_bcache_reg(struct daemon *d, const struct daemon_bcache_ops *ops, void *arg)
{
	if (d->bcache)
		return -EEXIST;
	d->bcache = ops;
	d->bcache_arg = arg;
	return 0;
}

/* ---- metrics ------------------------------------------------------------------------------- */

int daemon_gauge_reg(struct daemon *d, const char *name, const char *labels, const char *help,
		     daemon_gauge_fn fn, void *arg)
{
	if (d->n_gauges == DAEMON_MAX_GAUGES)
		return -ENOSPC;
	d->gauges[d->n_gauges++] = (struct daemon_gauge){
		.name = name, .labels = labels, .help = help, .fn = fn, .arg = arg};
	return 0;
}

int daemon_metrics_source_reg(struct daemon *d, daemon_metrics_fn fn, void *arg)
{
	if (d->n_msources == DAEMON_MAX_SOURCES)
		return -ENOSPC;
	d->msources[d->n_msources++] = (struct daemon_metrics_source){.fn = fn, .arg = arg};
	return 0;
}
