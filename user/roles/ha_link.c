// SPDX-License-Identifier: GPL-2.0
/*
 * ha_link.c - the home agent's interfaces as the network changes under it.
 * See ha_link.h.
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "daemon/daemon.h"
#include "roles/disc_ha.h"
#include "roles/ha_cache.h"
#include "roles/ha_link.h"

struct ha_link {
	struct daemon *d;
	struct ha_cache *cache;
	struct disc_ha *disc;
	struct dp_attach_opts opts;
	int ifindex[CONFIG_MAX_IFACES]; /* as last seen; 0: gone */
	int home;			/* index of the home link in ifindex[], -1: none */
	bool home_ready;		/* up, with carrier */
	int proxy_ndp_old[2];		/* of the home link and of "all"; -1: not changed */
};

/*
 * The home link's flag makes the kernel answer multicast solicitations for
 * our proxy entries (ndisc_recv_ns()). What is sent to a proxied address
 * goes through ip6_forward(), which looks at "all" only: with it, a unicast
 * solicitation (a neighbour's reachability probe, RFC 4861 7.3.1) is
 * answered, and a packet for a mobile node's link-local address is
 * discarded with a Destination Unreachable (section 10.4.2); without it
 * both are forwarded back onto the home link with a Redirect.
 */
static const char *proxy_ndp_conf(const struct ha_link *l, int i)
{
	return i ? "all" : l->d->cfg.ha.home_link;
}

static void proxy_ndp_enable(struct ha_link *l)
{
	int i, old, err;

	for (i = 0; i < 2; i++) {
		err = ndisc_proxy_ndp_set(proxy_ndp_conf(l, i), 1, &old);
		if (err) {
			pr_err("net.ipv6.conf.%s.proxy_ndp not set: %s", proxy_ndp_conf(l, i),
			       strerror(-err));
			continue;
		}
		/* The value the operator had: a re-created interface starts at 0. */
		if (l->proxy_ndp_old[i] < 0)
			l->proxy_ndp_old[i] = old;
	}
}

static void proxy_ndp_restore(struct ha_link *l)
{
	int i, err;

	for (i = 0; i < 2; i++) {
		if (l->proxy_ndp_old[i] < 0 || l->proxy_ndp_old[i] == 1)
			continue;
		err = ndisc_proxy_ndp_set(proxy_ndp_conf(l, i), l->proxy_ndp_old[i], NULL);
		if (err && err != -ENOENT)
			pr_warn("net.ipv6.conf.%s.proxy_ndp not restored: %s", proxy_ndp_conf(l, i),
				strerror(-err));
	}
}

/* The home link is up with carrier again, or anew: what the kernel dropped with it. */
static void home_link_restore(struct ha_link *l)
{
	pr_notice("%s: home link up: restoring proxy ND for %ld binding(s)", l->d->cfg.ha.home_link,
		  l->cache->n_bindings);
	ha_cache_nd_restore(l->cache);
	disc_ha_home_link(l->disc, l->ifindex[l->home]);
}

/* The home link re-created as @ifindex: a new link-layer address, maybe, and default sysctls. */
static void home_link_renew(struct ha_link *l, int ifindex)
{
	const char *ifname = l->d->cfg.ha.home_link;
	int err;

	l->cache->home_ifindex = ifindex;
	err = nl_link_lladdr(&l->d->nl, ifindex, l->cache->home_lladdr);
	if (err)
		pr_err("%s: no link-layer address: %s", ifname, strerror(-err));
	proxy_ndp_enable(l);
	l->home_ready = false;
}

/* Interface @i under its configured name: gone, or there again with a new ifindex. */
static void iface_check(struct ha_link *l, int i)
{
	int changed = dp_iface_follow(l->d->cfg.pin_dir, l->d->cfg.ha.interfaces[i], &l->ifindex[i],
				      &l->opts);

	if (!changed || i != l->home)
		return;
	if (changed < 0)
		l->home_ready = false;
	else
		home_link_renew(l, l->ifindex[i]);
}

static void on_link(int ifindex, bool up, bool carrier, void *ctx)
{
	struct ha_link *l = ctx;
	bool ready;
	int i;

	for (i = 0; i < l->d->cfg.ha.n_interfaces; i++) {
		iface_check(l, i);
		/* Its address may have changed (RTM_NEWLINK says so too): the
		 * XDP program tells our frames from another host's by it. */
		if (ifindex == l->ifindex[i])
			dp_if_mac_update(l->d->cfg.pin_dir, l->d->cfg.ha.interfaces[i],
					 (unsigned int)ifindex);
	}
	if (l->home < 0 || !l->ifindex[l->home] || ifindex != l->ifindex[l->home])
		return;
	ready = up && carrier;
	if (ready && !l->home_ready)
		home_link_restore(l);
	l->home_ready = ready;
}

/* Events were lost: look at every interface again and restore the home link's state. */
static void on_resync(void *ctx)
{
	struct ha_link *l = ctx;
	int i;

	for (i = 0; i < l->d->cfg.ha.n_interfaces; i++)
		iface_check(l, i);
	if (l->home >= 0 && l->ifindex[l->home])
		home_link_restore(l);
}

static void monitor_readable(struct daemon *d, void *arg, unsigned long long now)
{
	static const struct nl_monitor_ops ops = {.link = on_link, .resync = on_resync};
	int err;

	(void)now;
	err = nl_monitor_read(&d->nl, &ops, arg);
	if (err < 0)
		pr_packet(LOG_WARNING, "rtnetlink monitor: %s", strerror(-err));
}

int ha_link_start(struct daemon *d, struct ha_cache *cache, struct disc_ha *disc,
		  const struct dp_attach_opts *opts, struct ha_link **out)
{
	const struct config_ha *cfg = &d->cfg.ha;
	struct ha_link *l;
	int i, err;

	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->d = d;
	l->cache = cache;
	l->disc = disc;
	l->opts = *opts;
	l->home = -1;
	l->home_ready = true; /* as started: the entries are in place */
	l->proxy_ndp_old[0] = l->proxy_ndp_old[1] = -1;
	for (i = 0; i < cfg->n_interfaces; i++) {
		l->ifindex[i] = (int)if_nametoindex(cfg->interfaces[i]);
		if (cfg->home_link[0] && !strcmp(cfg->home_link, cfg->interfaces[i]))
			l->home = i;
	}
	if (l->home >= 0)
		proxy_ndp_enable(l);
	err = nl_monitor_open(&d->nl);
	if (!err)
		err = daemon_watch(d, nl_monitor_fd(&d->nl), monitor_readable, l);
	if (err) {
		pr_err("rtnetlink link events: %s", strerror(-err));
		ha_link_stop(l);
		return err;
	}
	*out = l;
	return 0;
}

void ha_link_stop(struct ha_link *l)
{
	if (!l)
		return;
	proxy_ndp_restore(l);
	free(l);
}
