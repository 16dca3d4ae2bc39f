// SPDX-License-Identifier: GPL-2.0
/*
 * mr.c - the mobile router (RFC 3963): a mobile node (mn.c: movement,
 * care-of addresses, its Binding Update List entry) whose Binding Updates
 * carry R and, in explicit mode, its Mobile Network Prefixes (section 5.1),
 * and which forwards between the mobile networks on its ingress links and
 * the bi-directional tunnel (section 5.6).
 *
 * What this file adds to the mobile node (struct mn_router):
 *  - the Mobile Network Prefix options, one per configured mobile network;
 *  - the data plane's "mr_prefixes" (bpf/mr.h): each prefix to the home
 *    address whose binding carries it, written once at start; the
 *    programs use it only while that binding lives (away from home);
 *  - the kernel's forwarding, which it turns on while it runs, restoring
 *    what it found when it stops: net.ipv6.conf.all.forwarding = 1, and
 *    accept_ra = 2 on each roaming interface, where the router still
 *    learns its care-of address and default route from Router
 *    Advertisements as a host would (with forwarding on, the kernel
 *    ignores RAs unless accept_ra is 2).
 * Router Advertisements of the prefixes on the ingress links are radvd's
 * (docs/nemo.md): hosts there see the same prefix wherever the router is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon.h"
#include "roles/mn.h"
#include "roles/mr.h"
#include "wire/mh.h"
#include "common/util.h"

/* A setting changed while we run, and the value it had. */
struct mr_sysctl {
	char ifname[IF_NAMESIZE]; /* "all" or an interface */
	const char *name;
	int old;
};

struct mr {
	struct mn_router router;
	struct mh_mnp mnp[CONFIG_MAX_MOBILE_NETS];
	struct mr_sysctl set[CONFIG_MAX_IFACES + 1];
	int n_set;
	bool attached; /* stop() is due, and frees it */
};

static void sysctl_set(struct mr *mr, const char *ifname, const char *name, int value)
{
	struct mr_sysctl *s = &mr->set[mr->n_set];
	int err;

	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	s->name = name;
	err = ndisc_conf_set(ifname, name, value, &s->old);
	if (err) {
		pr_err("net.ipv6.conf.%s.%s not set to %d: %s", ifname, name, value,
		       strerror(-err));
		return;
	}
	if (s->old != value) {
		pr_info("net.ipv6.conf.%s.%s = %d (was %d)", ifname, name, value, s->old);
		mr->n_set++;
	}
}

/* The kernel forwards between the mobile networks and the roaming links. */
static void forwarding_on(struct mr *mr, const struct config_mn *cfg)
{
	int i;

	/* Before forwarding: with it on, a roaming link with accept_ra 1
	 * would drop its default route at the next RA. */
	for (i = 0; i < cfg->n_interfaces; i++)
		sysctl_set(mr, cfg->interfaces[i], "accept_ra", 2);
	sysctl_set(mr, "all", "forwarding", 1);
}

static int attached(void *ctx, struct daemon *d, const struct in6_addr *home_addr)
{
	const struct config_mn *cfg = &d->cfg.mn;
	struct dp_mr_prefix p[CONFIG_MAX_MOBILE_NETS];
	struct mr *mr = ctx;
	struct addr6_buf a;
	int i, err;

	mr->attached = true;
	for (i = 0; i < cfg->n_mr_nets; i++) {
		p[i].prefix = cfg->mr_nets[i].prefix.addr;
		p[i].len = cfg->mr_nets[i].prefix.len;
	}
	err = dp_mr_prefixes_set(&d->dp, p, cfg->n_mr_nets, home_addr);
	if (err)
		return err;
	forwarding_on(mr, cfg);
	for (i = 0; i < cfg->n_mr_nets; i++)
		pr_notice("mobile network %s/%u on %s (%s mode)", addr6_str(&p[i].prefix, &a),
			  p[i].len, cfg->mr_nets[i].interface,
			  cfg->mr_mode == CONFIG_MR_IMPLICIT ? "implicit" : "explicit");
	return 0;
}

/*
 * What it set goes back, last first. The binding and "mr_prefixes" stay,
 * as the mobile node's binding does: a restarted daemon takes over. Until
 * then the mobile networks are not forwarded.
 */
static void stop(void *ctx, struct daemon *d)
{
	struct mr *mr = ctx;
	int err;

	(void)d;
	while (mr->n_set > 0) {
		const struct mr_sysctl *s = &mr->set[--mr->n_set];

		err = ndisc_conf_set(s->ifname, s->name, s->old, NULL);
		if (err)
			pr_err("net.ipv6.conf.%s.%s not restored to %d: %s", s->ifname, s->name,
			       s->old, strerror(-err));
	}
	free(mr);
}

int mr_start(struct daemon *d)
{
	const struct config_mn *cfg = &d->cfg.mn;
	struct mr *mr = calloc(1, sizeof(*mr));
	int i, err;

	if (!mr)
		return -ENOMEM;
	for (i = 0; i < cfg->n_mr_nets; i++) {
		mr->mnp[i].prefix = cfg->mr_nets[i].prefix.addr;
		mr->mnp[i].prefix_len = cfg->mr_nets[i].prefix.len;
	}
	/* RFC 3963 section 5.1: implicit mode sends no prefix; the home
	 * agent has them from its own configuration. */
	if (cfg->mr_mode == CONFIG_MR_EXPLICIT) {
		mr->router.mnp = mr->mnp;
		mr->router.n_mnp = cfg->n_mr_nets;
	}
	mr->router.attached = attached;
	mr->router.stop = stop;
	mr->router.ctx = mr;
	err = mn_start_router(d, &mr->router);
	/* Once attached() ran, stop() frees it. */
	if (err && !mr->attached)
		free(mr);
	return err;
}
