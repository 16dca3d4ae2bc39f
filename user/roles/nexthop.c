// SPDX-License-Identifier: GPL-2.0
/*
 * nexthop.c - keeps the data plane's next-hop cache current. See nexthop.h.
 */
#include <errno.h>
#include <string.h>

#include "common/util.h"
#include "daemon/daemon.h"
#include "net/nexthop.h"
#include "roles/nexthop.h"

struct nexthop_part {
	struct nh_follow follow;
};

/* One follower per daemon, whichever roles asked for it. */
static struct nexthop_part *running;

/* What the data plane may assume of this generation's tables. */
static __u32 nh_flags(const struct nh_follow *f)
{
	return f->src_free ? XMIP6_NH_F_SRC_FREE : 0;
}

static void on_events(struct daemon *d, void *arg, unsigned long long now_ns)
{
	struct nexthop_part *p = arg;
	int changes;

	(void)now_ns;
	changes = nh_follow_read(&p->follow);
	if (changes < 0)
		pr_err("following routes and neighbours: %s", strerror(-changes));
	/* A read error may have lost events too: stale rather than wrong. */
	if (changes)
		dp_nh_bump(&d->dp, nh_flags(&p->follow));
}

/* The lease on the generation: the data plane's proof that we still run. */
static void tick(struct daemon *d, void *arg, unsigned long long now_ns)
{
	(void)arg;
	dp_nh_renew(&d->dp, now_ns);
}

static void stop(struct daemon *d, void *arg)
{
	struct nexthop_part *p = arg;

	/* Nobody follows the kernel's tables now: every packet looks its
	 * route up again until the next daemon turns the cache back on. */
	dp_nh_off(&d->dp);
	nh_follow_close(&p->follow);
	running = NULL;
}

static const struct daemon_role_hooks hooks = {
	.stop = stop,
};

int nexthop_follow_start(struct daemon *d)
{
	struct nexthop_part *p;
	int err;

	if (running)
		return 0;
	if (d->dp.nh_state_fd < 0) {
		pr_info("%s: no next-hop cache in this instance (attached by an older xmip6?): "
			"every packet looks its route up",
			d->dp.pin_dir);
		return 0;
	}
	p = daemon_role_new(d, &hooks, sizeof(*p));
	if (!p)
		return -ENOMEM;
	err = nh_follow_open(&p->follow);
	if (err) {
		pr_err("following routes and neighbours (rtnetlink): %s", strerror(-err));
		return err;
	}
	running = p;
	/* Subscribed first, then on: no change can fall in between. */
	return daemon_watch(d, nh_follow_fd(&p->follow), on_events, p) ?:
		       daemon_on_tick(d, tick, p) ?: dp_nh_bump(&d->dp, nh_flags(&p->follow));
}
