// SPDX-License-Identifier: GPL-2.0
/*
 * movement.c - movement detection for the mobile node (RFC 6275 section
 * 11.5.1; RFC 6059 ideas).
 *
 * One raw ICMPv6 socket, filtered to Router Advertisements and Neighbor
 * Advertisements, keeps a table of the routers heard on each of the MN's
 * interfaces: link-local address, router lifetime, the Advertisement
 * Interval option (section 7.3: the router's MaxRtrAdvInterval, used to
 * notice a silent router quickly), and the prefixes it advertises.
 *
 * A router is declared lost, and its prefixes stop being usable for a
 * care-of address, when its router lifetime runs out, or when neighbour
 * unreachability detection of it fails. NUD (our own unicast Neighbor
 * Solicitations, RFC 4861 section 7.3) starts when the router misses three
 * advertisement intervals, when the link went down or came back up (RFC
 * 6059: the MN may be back on a link it knows; a flap on the same link then
 * changes nothing), and when another router appears on the link (a new
 * router alone is no proof of movement: section 11.5.1).
 *
 * On link-up the MN solicits a router at once (RFC 6275 section 11.5.1
 * allows skipping the RFC 4861 random delay). A router whose own link came
 * up with ours may drop that first RS: radvd ignores an RS on an interface
 * not yet running ("received RS ... but ... is not ready") and sets itself
 * up again, first advertising, a second later. So while no RA answers, the
 * MN solicits again after 100, 200, 400 and 800 ms, and then every 4 s
 * (RFC 4861 RTR_SOLICITATION_INTERVAL): at most 7 RS a link-up, none once
 * an RA came.
 *
 * The kernel does SLAAC; mn.c picks the care-of address among the
 * addresses whose prefix a live router advertises. Addresses on the
 * prefixes of a lost router (the previous care-of address) stay until the
 * new binding is acknowledged (smooth handoff, section 11.5.3), then go.
 *
 * The MN's own traffic takes the home address as source: a default route
 * through the current router with the home address as preferred source
 * (the kernel's RFC 6724 rule 4 needs kernel MIP6), at a lower metric than
 * the kernel's RA route.
 */
#include <errno.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>

#include "daemon/daemon.h"
#include "common/inet.h"
#include "roles/movement.h"
#include "common/util.h"

#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_SEC  1000000000ULL

#define MV_MAX_ROUTERS	16
#define MV_MAX_PREFIXES 4

/*
 * Settings the configuration does not carry: NUD probes and their spacing
 * for a router that went quiet (RFC 4861 uses 3 x RetransTimer 1 s; a
 * mobile node wants it faster), how many advertisement intervals may be
 * missed, the RS pace.
 */
#define MV_NUD_PROBES	    3
#define MV_NUD_RETRANS_MS   100
#define MV_MISSED_INTERVALS 3
#define MV_RS_INTERVAL_MS   4000 /* RTR_SOLICITATION_INTERVAL */
#define MV_MAX_RS	    3	 /* MAX_RTR_SOLICITATIONS */
#define MV_RS_RETRY_MS	    100	 /* the first retry; doubles */
#define MV_RS_FAST	    4	 /* retries before the RFC 4861 pace */
#define MV_ROUTE_METRIC	    512	 /* below the kernel's RA routes (1024) */
#define MV_KERNEL_RA_METRIC 1024

struct mv_prefix {
	struct in6_addr addr;
	__u8 len;
	unsigned long long expires_ns;
};

struct mv_router {
	bool used;
	bool lost;
	int ifindex;
	struct in6_addr lladdr;
	__u16 lifetime_s;
	__u32 adv_interval_ms; /* 0: no Advertisement Interval option */
	bool home_agent;       /* H flag */
	unsigned long long last_ra_ns, expires_ns;
	struct mv_prefix pfx[MV_MAX_PREFIXES];
	int n_pfx;
	/* NUD in progress */
	bool probing;
	int probes;
	unsigned long long next_probe_ns;
};

struct mv_iface {
	int ifindex;
	bool ra_seen; /* tracked from the first RA on */
	bool carrier;
	int rs_sent;
	unsigned long long next_rs_ns; /* 0: no RS pending */
};

struct movement {
	bool started;
	movement_changed_fn changed; /* the user's: routers came or went */
	void *ctx;
	int fd;
	struct mnl_socket *nl;
	__u32 nl_seq;
	struct mv_iface ifaces[CONFIG_MAX_IFACES];
	int n_ifaces;
	struct mv_router routers[MV_MAX_ROUTERS];
	/* Our default route with the home address as preferred source. */
	bool route_set;
	int route_ifindex;
	struct in6_addr route_gw, route_src;
	/* The home address on a home interface (RA-driven home). */
	bool have_reg; /* a binding was acknowledged for reg_coa */
	struct in6_addr reg_coa;
	int hoa_ifindex;
	struct in6_addr hoa;
	__u8 hoa_plen;
	unsigned long long hint_ns;
};

static struct movement mv = {.fd = -1};

static bool addr_eq(const struct in6_addr *a, const struct in6_addr *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static bool prefix_match(const struct in6_addr *p, __u8 len, const struct in6_addr *a)
{
	int bytes = len / 8, bits = len % 8;

	if (memcmp(p, a, bytes))
		return false;
	if (!bits)
		return true;
	return !((p->s6_addr[bytes] ^ a->s6_addr[bytes]) & (0xff << (8 - bits)));
}

static struct mv_iface *iface_of(int ifindex)
{
	int i;

	for (i = 0; i < mv.n_ifaces; i++)
		if (mv.ifaces[i].ifindex == ifindex)
			return &mv.ifaces[i];
	return NULL;
}

static const char *ifname(int ifindex, char *buf)
{
	return if_indextoname(ifindex, buf) ?: "?";
}

/* ---- rtnetlink: routes and addresses ------------------------------------------------------- */

static int nl_request(struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n;
	int ret;

	nlh->nlmsg_seq = ++mv.nl_seq;
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (mnl_socket_sendto(mv.nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	n = mnl_socket_recvfrom(mv.nl, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	ret = mnl_cb_run(buf, n, nlh->nlmsg_seq, mnl_socket_get_portid(mv.nl), NULL, NULL);
	return ret < 0 ? -errno : 0;
}

/*
 * Route @dst/@plen (default when @dst is NULL) [via @gw] [dev @ifindex]
 * metric @metric [src @src] [proto @proto]: add/replace or delete. For a
 * delete, metric and proto 0 match any.
 */
static int route_request(__u16 type, const struct in6_addr *dst, __u8 plen, int ifindex,
			 const struct in6_addr *gw, const struct in6_addr *src, __u32 metric,
			 __u8 proto)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = type;
	if (type == RTM_NEWROUTE)
		nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET6;
	rtm->rtm_dst_len = dst ? plen : 0;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = proto;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	if (dst)
		mnl_attr_put(nlh, RTA_DST, sizeof(*dst), dst);
	if (gw)
		mnl_attr_put(nlh, RTA_GATEWAY, sizeof(*gw), gw);
	if (ifindex)
		mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	if (src)
		mnl_attr_put(nlh, RTA_PREFSRC, sizeof(*src), src);
	if (metric)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, metric);
	return nl_request(nlh);
}

/* ---- sending RS and NS --------------------------------------------------------------------- */

static int send_nd(int ifindex, const struct in6_addr *dst, const void *msg, size_t len)
{
	struct sockaddr_in6 to = {.sin6_family = AF_INET6, .sin6_addr = *dst};
	char cbuf[CMSG_SPACE(sizeof(struct in6_pktinfo))] = {};
	struct iovec iov = {.iov_base = (void *)msg, .iov_len = len};
	struct msghdr mh = {
		.msg_name = &to,
		.msg_namelen = sizeof(to),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	struct in6_pktinfo *pi;

	/* Link-local destinations: the interface picks the link and source. */
	to.sin6_scope_id = ifindex;
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(*pi));
	pi = (struct in6_pktinfo *)CMSG_DATA(c);
	pi->ipi6_ifindex = ifindex;
	return sendmsg(mv.fd, &mh, 0) < 0 ? -errno : 0;
}

/* Source link-layer address option (RFC 4861 section 4.6.1) at @p; its length or 0. */
static size_t put_sllao(struct daemon *d, int ifindex, __u8 *p)
{
	__u8 mac[6];

	if (nl_link_lladdr(&d->nl, ifindex, mac))
		return 0;
	p[0] = ND_OPT_SOURCE_LINKADDR;
	p[1] = 1;
	memcpy(p + 2, mac, 6);
	return 8;
}

static void send_rs(struct daemon *d, int ifindex)
{
	static const struct in6_addr all_routers = {
		.s6_addr = {0xff, 0x02, [15] = 0x02},
	};
	__u8 msg[sizeof(struct nd_router_solicit) + 8] = {ND_ROUTER_SOLICIT};
	size_t len = sizeof(struct nd_router_solicit);
	char n[IF_NAMESIZE];
	int err;

	len += put_sllao(d, ifindex, msg + len);
	err = send_nd(ifindex, &all_routers, msg, len);
	if (err)
		pr_debug("movement: Router Solicitation on %s: %s", ifname(ifindex, n),
			 strerror(-err));
	else
		pr_debug("movement: Router Solicitation on %s", ifname(ifindex, n));
}

/* NUD probe (RFC 4861 section 7.3.3): unicast NS for the router's own address. */
static void send_probe(struct daemon *d, const struct mv_router *r)
{
	__u8 msg[sizeof(struct nd_neighbor_solicit) + 8] = {ND_NEIGHBOR_SOLICIT};
	struct nd_neighbor_solicit *ns = (struct nd_neighbor_solicit *)msg;
	size_t len = sizeof(*ns);
	int err;

	ns->nd_ns_target = r->lladdr;
	len += put_sllao(d, r->ifindex, msg + len);
	err = send_nd(r->ifindex, &r->lladdr, msg, len);
	if (err)
		pr_debug("movement: NUD probe: %s", strerror(-err));
}

/* ---- the router table ---------------------------------------------------------------------- */

static struct mv_router *router_find(int ifindex, const struct in6_addr *lladdr)
{
	int i;

	for (i = 0; i < MV_MAX_ROUTERS; i++)
		if (mv.routers[i].used && mv.routers[i].ifindex == ifindex &&
		    addr_eq(&mv.routers[i].lladdr, lladdr))
			return &mv.routers[i];
	return NULL;
}

static struct mv_router *router_new(int ifindex, const struct in6_addr *lladdr)
{
	struct mv_router *r, *victim = NULL;
	int i;

	for (i = 0; i < MV_MAX_ROUTERS; i++) {
		r = &mv.routers[i];
		if (!r->used) {
			victim = r;
			break;
		}
		/* Full: reuse the lost router heard from longest ago. */
		if (r->lost && (!victim || r->last_ra_ns < victim->last_ra_ns))
			victim = r;
	}
	if (!victim)
		return NULL;
	memset(victim, 0, sizeof(*victim));
	victim->used = true;
	victim->ifindex = ifindex;
	victim->lladdr = *lladdr;
	return victim;
}

static void start_nud(struct mv_router *r, unsigned long long now, const char *why)
{
	struct addr6_buf a;
	char n[IF_NAMESIZE];

	if (r->lost || r->probing)
		return;
	pr_info("movement: checking router %s on %s (%s)", addr6_str(&r->lladdr, &a),
		ifname(r->ifindex, n), why);
	r->probing = true;
	r->probes = 0;
	r->next_probe_ns = now;
}

static void router_lost(struct mv_router *r, unsigned long long now, const char *why)
{
	struct addr6_buf a;
	char n[IF_NAMESIZE];
	int err;

	r->lost = true;
	r->probing = false;
	mv.hint_ns = mv.hint_ns ?: now;
	pr_notice("movement: router %s on %s lost (%s)", addr6_str(&r->lladdr, &a),
		  ifname(r->ifindex, n), why);
	/* The kernel would keep routing through it until its lifetime ends. */
	err = route_request(RTM_DELROUTE, NULL, 0, r->ifindex, &r->lladdr, NULL,
			    MV_KERNEL_RA_METRIC, RTPROT_RA);
	if (err && err != -ESRCH && err != -ENOENT)
		pr_debug("movement: removing the route through it: %s", strerror(-err));
}

static bool router_alive(const struct mv_router *r)
{
	return r->used && !r->lost;
}

/* ---- receiving RAs and NAs ----------------------------------------------------------------- */

struct ra_info {
	__u8 flags;
	__u16 lifetime_s;
	__u32 adv_interval_ms;
	struct mv_prefix pfx[MV_MAX_PREFIXES];
	int n_pfx;
};

/* Options of an RA (RFC 4861 section 4.2, RFC 6275 section 7.3). -EBADMSG when malformed. */
static int parse_ra(const __u8 *p, size_t len, struct ra_info *ra, unsigned long long now)
{
	const struct nd_router_advert *h = (const void *)p;
	size_t off = sizeof(*h);

	if (len < sizeof(*h) || h->nd_ra_code)
		return -EBADMSG;
	ra->flags = h->nd_ra_flags_reserved;
	ra->lifetime_s = ntohs(h->nd_ra_router_lifetime);
	while (off + 2 <= len) {
		size_t olen = p[off + 1] * 8;
		const __u8 *o = p + off;

		if (!olen || off + olen > len)
			return -EBADMSG;
		if (o[0] == ND_OPT_PREFIX_INFORMATION && olen == 32 &&
		    ra->n_pfx < MV_MAX_PREFIXES) {
			const struct nd_opt_prefix_info *pi = (const void *)o;
			__u32 valid = ntohl(pi->nd_opt_pi_valid_time);

			/* Only prefixes for stateless autoconfiguration make care-of addresses. */
			if ((pi->nd_opt_pi_flags_reserved & ND_OPT_PI_FLAG_AUTO) && valid &&
			    pi->nd_opt_pi_prefix_len <= 128) {
				struct mv_prefix *x = &ra->pfx[ra->n_pfx++];

				x->addr = pi->nd_opt_pi_prefix;
				x->len = pi->nd_opt_pi_prefix_len;
				x->expires_ns =
					valid == 0xffffffffU
						? ~0ULL
						: now + (unsigned long long)valid * NSEC_PER_SEC;
			}
		} else if (o[0] == 7 && olen == 8) {
			/* Advertisement Interval option (section 7.3), in ms. */
			__u32 v;

			memcpy(&v, o + 4, 4);
			ra->adv_interval_ms = ntohl(v);
		}
		off += olen;
	}
	return 0;
}

static bool prefixes_differ(const struct mv_router *r, const struct ra_info *ra)
{
	int i, j;

	if (r->n_pfx != ra->n_pfx)
		return true;
	for (i = 0; i < ra->n_pfx; i++) {
		for (j = 0; j < r->n_pfx; j++)
			if (r->pfx[j].len == ra->pfx[i].len &&
			    addr_eq(&r->pfx[j].addr, &ra->pfx[i].addr))
				break;
		if (j == r->n_pfx)
			return true;
	}
	return false;
}

/*
 * RFC 4861 section 6.3.4: a Router Lifetime of 0 takes the router off the
 * Default Router List at once, not after missed advertisements and NUD
 * (it still answers NUD). A default router we used is lost now (section
 * 11.5.1: movement); one already lost stays lost rather than back. True
 * when this RA is done with; @changed when the router was lost now.
 */
static bool default_router_gone(struct mv_router *r, unsigned long long now, bool *changed)
{
	if (r->lost)
		return true;
	if (!r->lifetime_s)
		return false;
	router_lost(r, now, "router lifetime 0");
	*changed = true;
	return true;
}

/* An RA from @src on @ifindex. True when the usable prefixes changed. */
static bool receive_ra(const struct in6_addr *src, int ifindex, const __u8 *p, size_t len,
		       unsigned long long now)
{
	struct mv_iface *ifc = iface_of(ifindex);
	struct ra_info ra = {};
	struct mv_router *r;
	struct addr6_buf a;
	char n[IF_NAMESIZE];
	bool changed = false;
	int i;

	if (!ifc || parse_ra(p, len, &ra, now))
		return false;
	ifc->ra_seen = true;
	ifc->next_rs_ns = 0; /* answered: stop soliciting */
	r = router_find(ifindex, src);
	if (r && ra.lifetime_s == 0 && default_router_gone(r, now, &changed))
		return changed;
	if (!r) {
		r = router_new(ifindex, src);
		if (!r)
			return false;
		pr_notice("movement: new router %s on %s", addr6_str(src, &a), ifname(ifindex, n));
		/* Is the router we had still there? (section 11.5.1) */
		for (i = 0; i < MV_MAX_ROUTERS; i++)
			if (&mv.routers[i] != r && router_alive(&mv.routers[i]) &&
			    mv.routers[i].ifindex == ifindex)
				start_nud(&mv.routers[i], now, "another router appeared");
		changed = true;
	} else if (r->lost) {
		pr_notice("movement: router %s on %s is back", addr6_str(src, &a),
			  ifname(ifindex, n));
		r->lost = false;
		changed = true;
	}
	if (r->probing) {
		pr_info("movement: router %s answered", addr6_str(src, &a));
		changed = true;
	}
	r->probing = false;
	changed |= prefixes_differ(r, &ra);
	r->lifetime_s = ra.lifetime_s;
	r->adv_interval_ms = ra.adv_interval_ms;
	r->home_agent = ra.flags & ND_RA_FLAG_HOME_AGENT;
	r->last_ra_ns = now;
	r->expires_ns = now + (unsigned long long)ra.lifetime_s * NSEC_PER_SEC;
	memcpy(r->pfx, ra.pfx, sizeof(ra.pfx));
	r->n_pfx = ra.n_pfx;
	return changed;
}

/* A solicited NA for a router we probe: it is reachable (true). */
static bool receive_na(int ifindex, const __u8 *p, size_t len)
{
	const struct nd_neighbor_advert *na = (const void *)p;
	struct mv_router *r;
	struct addr6_buf a;

	if (len < sizeof(*na) || !(na->nd_na_flags_reserved & ND_NA_FLAG_SOLICITED))
		return false;
	r = router_find(ifindex, &na->nd_na_target);
	if (!r || !r->probing)
		return false;
	r->probing = false;
	pr_info("movement: router %s reachable", addr6_str(&r->lladdr, &a));
	return true;
}

static void readable(struct daemon *d, void *arg, unsigned long long now)
{
	__u8 buf[1500];
	char cbuf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int))];
	struct sockaddr_in6 from;
	struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
	bool changed = false;

	(void)d;
	(void)arg;
	for (;;) {
		struct msghdr mh = {
			.msg_name = &from,
			.msg_namelen = sizeof(from),
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = cbuf,
			.msg_controllen = sizeof(cbuf),
		};
		struct cmsghdr *c;
		int ifindex = 0, hlim = -1;
		ssize_t n = recvmsg(mv.fd, &mh, MSG_DONTWAIT);

		if (n < 0)
			break;
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level != IPPROTO_IPV6)
				continue;
			if (c->cmsg_type == IPV6_PKTINFO)
				ifindex = ((struct in6_pktinfo *)CMSG_DATA(c))->ipi6_ifindex;
			else if (c->cmsg_type == IPV6_HOPLIMIT)
				memcpy(&hlim, CMSG_DATA(c), sizeof(hlim));
		}
		/* RFC 4861 sections 6.1.2 and 7.1.2: hop limit 255; RAs from link-local. */
		if (hlim != INET_ND_HOP_LIMIT || n < 4)
			continue;
		if (buf[0] == ND_ROUTER_ADVERT && IN6_IS_ADDR_LINKLOCAL(&from.sin6_addr))
			changed |= receive_ra(&from.sin6_addr, ifindex, buf, n, now);
		else if (buf[0] == ND_NEIGHBOR_ADVERT)
			changed |= receive_na(ifindex, buf, n);
	}
	if (changed)
		mv.changed(mv.ctx);
}

/* ---- timers -------------------------------------------------------------------------------- */

struct stale_ctx {
	struct daemon *d;
	const struct in6_addr *keep;
};

static int remove_stale(const struct nl_addr *a, void *arg);

static bool router_tick(struct daemon *d, struct mv_router *r, unsigned long long now)
{
	unsigned long long quiet_ns;

	if (!router_alive(r))
		return false;
	if (r->lifetime_s && now >= r->expires_ns) {
		router_lost(r, now, "router lifetime expired");
		return true;
	}
	quiet_ns = (unsigned long long)r->adv_interval_ms * MV_MISSED_INTERVALS * NSEC_PER_MSEC;
	if (r->adv_interval_ms && now - r->last_ra_ns > quiet_ns)
		start_nud(r, now, "advertisements missed");
	if (!r->probing || now < r->next_probe_ns)
		return false;
	if (r->probes >= MV_NUD_PROBES) {
		router_lost(r, now, "no answer to neighbour unreachability detection");
		return true;
	}
	send_probe(d, r);
	r->probes++;
	r->next_probe_ns = now + MV_NUD_RETRANS_MS * NSEC_PER_MSEC;
	return false;
}

/*
 * When the next RS goes, @sent having gone since the link came up (or the
 * MN started): MV_RS_FAST quick retries, doubling from MV_RS_RETRY_MS (the
 * router may have dropped the first, see the head of this file), then
 * MV_MAX_RS - 1 more at RTR_SOLICITATION_INTERVAL; 0 when done.
 */
static unsigned long long next_rs(int sent, unsigned long long now)
{
	if (sent <= MV_RS_FAST)
		return now + (MV_RS_RETRY_MS << (sent - 1)) * NSEC_PER_MSEC;
	if (sent < MV_RS_FAST + MV_MAX_RS)
		return now + MV_RS_INTERVAL_MS * NSEC_PER_MSEC;
	return 0;
}

static void tick(struct daemon *d, void *arg, unsigned long long now)
{
	bool changed = false;
	int i;

	(void)arg;
	for (i = 0; i < mv.n_ifaces; i++) {
		struct mv_iface *ifc = &mv.ifaces[i];

		if (!ifc->next_rs_ns || now < ifc->next_rs_ns)
			continue;
		send_rs(d, ifc->ifindex);
		ifc->next_rs_ns = next_rs(++ifc->rs_sent, now);
	}
	for (i = 0; i < MV_MAX_ROUTERS; i++)
		changed |= router_tick(d, &mv.routers[i], now);
	if (!changed)
		return;
	mv.changed(mv.ctx);
	/* Lost after the new binding was acknowledged: its addresses go now. */
	if (mv.have_reg) {
		struct stale_ctx s = {.d = d, .keep = &mv.reg_coa};

		nl_addr_dump(&d->nl, 0, remove_stale, &s);
	}
}

/* ---- the interface to mn.c ----------------------------------------------------------------- */

void movement_iface_replaced(struct daemon *d, int old_ifindex, int new_ifindex)
{
	struct mv_iface *ifc = old_ifindex ? iface_of(old_ifindex) : NULL;
	unsigned long long now = mono_now_ns();
	int i;

	(void)d;
	if (!mv.started)
		return;
	for (i = 0; old_ifindex && i < MV_MAX_ROUTERS; i++)
		if (router_alive(&mv.routers[i]) && mv.routers[i].ifindex == old_ifindex)
			router_lost(&mv.routers[i], now, "interface gone");
	if (!ifc && new_ifindex && mv.n_ifaces < CONFIG_MAX_IFACES)
		ifc = &mv.ifaces[mv.n_ifaces++]; /* absent when we started */
	if (!ifc)
		return;
	/* Nothing heard on the new device yet: untracked until its first RA;
	 * its link-up (movement_link_event) solicits one. */
	*ifc = (struct mv_iface){.ifindex = new_ifindex};
}

void movement_link_event(struct daemon *d, int ifindex, bool up, bool carrier)
{
	struct mv_iface *ifc = iface_of(ifindex);
	unsigned long long now = mono_now_ns();
	bool on = up && carrier;
	char n[IF_NAMESIZE];
	int i;

	if (!ifc || ifc->carrier == on)
		return;
	ifc->carrier = on;
	pr_info("movement: %s link %s", ifname(ifindex, n), on ? "up" : "down");
	if (on) {
		/* Section 11.5.1: solicit at once rather than wait for an RA. */
		mv.hint_ns = now;
		send_rs(d, ifindex);
		ifc->rs_sent = 1;
		ifc->next_rs_ns = next_rs(ifc->rs_sent, now);
	}
	/* Down or up again, we may be somewhere else: is our router there? */
	for (i = 0; i < MV_MAX_ROUTERS; i++)
		if (router_alive(&mv.routers[i]) && mv.routers[i].ifindex == ifindex)
			start_nud(&mv.routers[i], now, on ? "link up" : "link down");
}

/* True once an RA was heard on @ifindex. */
static bool iface_tracked(int ifindex)
{
	const struct mv_iface *ifc = iface_of(ifindex);

	return ifc && ifc->ra_seen;
}

int movement_addr_rank(const struct daemon *d, const struct nl_addr *a)
{
	unsigned long long now = mono_now_ns();
	int i, j, rank = 0;

	(void)d;
	if (!iface_tracked(a->ifindex))
		return MV_RANK_CONFIRMED;
	for (i = 0; i < MV_MAX_ROUTERS; i++) {
		const struct mv_router *r = &mv.routers[i];

		if (!router_alive(r) || r->ifindex != a->ifindex)
			continue;
		for (j = 0; j < r->n_pfx; j++) {
			if (r->pfx[j].expires_ns <= now ||
			    !prefix_match(&r->pfx[j].addr, r->pfx[j].len, &a->addr))
				continue;
			if (!r->probing)
				return MV_RANK_CONFIRMED;
			rank = MV_RANK_UNCONFIRMED;
		}
	}
	return rank;
}

/* May @a serve as care-of (or home) address? */
static bool addr_usable(const struct daemon *d, const struct nl_addr *a)
{
	return movement_addr_rank(d, a) > 0;
}

/* The live default router of @ifindex heard from last; NULL when none. */
static const struct mv_router *current_router(int ifindex)
{
	const struct mv_router *best = NULL;
	int i;

	for (i = 0; i < MV_MAX_ROUTERS; i++) {
		const struct mv_router *r = &mv.routers[i];

		if (router_alive(r) && r->ifindex == ifindex && r->lifetime_s &&
		    (!best || r->last_ra_ns > best->last_ra_ns))
			best = r;
	}
	return best;
}

void movement_set_source(struct daemon *d, int ifindex, const struct in6_addr *src)
{
	const struct mv_router *r = ifindex ? current_router(ifindex) : NULL;
	struct addr6_buf a, b;
	int err;

	(void)d;
	if (!mv.started)
		return;
	if (!r || !src) {
		if (mv.route_set)
			route_request(RTM_DELROUTE, NULL, 0, 0, NULL, NULL, MV_ROUTE_METRIC,
				      RTPROT_STATIC);
		mv.route_set = false;
		return;
	}
	if (mv.route_set && mv.route_ifindex == ifindex && addr_eq(&mv.route_gw, &r->lladdr) &&
	    addr_eq(&mv.route_src, src))
		return;
	err = route_request(RTM_NEWROUTE, NULL, 0, ifindex, &r->lladdr, src, MV_ROUTE_METRIC,
			    RTPROT_STATIC);
	if (err) {
		pr_warn("movement: default route via %s with source %s: %s",
			addr6_str(&r->lladdr, &a), addr6_str(src, &b), strerror(-err));
		mv.route_set = false;
		return;
	}
	mv.route_set = true;
	mv.route_ifindex = ifindex;
	mv.route_gw = r->lladdr;
	mv.route_src = *src;
	pr_info("movement: default route via %s, preferred source %s", addr6_str(&r->lladdr, &a),
		addr6_str(src, &b));
}

void movement_at_home(struct daemon *d, int ifindex, const struct in6_addr *hoa, __u8 plen)
{
	struct addr6_buf a;
	int err;

	if (mv.hoa_ifindex && mv.hoa_ifindex != ifindex) {
		err = nl_addr_del(&d->nl, mv.hoa_ifindex, &mv.hoa, mv.hoa_plen);
		if (err && err != -EADDRNOTAVAIL)
			pr_warn("movement: removing home address %s: %s", addr6_str(&mv.hoa, &a),
				strerror(-err));
		mv.hoa_ifindex = 0;
	}
	if (!ifindex || !iface_tracked(ifindex) || mv.hoa_ifindex == ifindex)
		return;
	/* Section 11.5.4: back home the MN uses its home address on the link;
	 * no DAD, the home agent defends it until the deregistration. */
	err = nl_addr_add(&d->nl, ifindex, hoa, plen, NL_ADDR_F_NODAD | NL_ADDR_F_NOPREFIX);
	if (err) {
		pr_warn("movement: home address %s on the home link: %s", addr6_str(hoa, &a),
			strerror(-err));
		return;
	}
	mv.hoa_ifindex = ifindex;
	mv.hoa = *hoa;
	mv.hoa_plen = plen;
}

int movement_home_off_link(struct daemon *d, int ifindex, const struct in6_addr *prefix, __u8 plen)
{
	int n, err;

	(void)d;
	if (!mv.started)
		return 0;
	/* One route a request (kernel, RA, static); a few at most. */
	for (n = 0; n < 4; n++) {
		err = route_request(RTM_DELROUTE, prefix, plen, ifindex, NULL, NULL, 0, 0);
		if (err)
			return err == -ESRCH || err == -ENOENT ? n : err;
	}
	return n;
}

/* An address on a lost router's prefix (and no live router's): remove it. */
static int remove_stale(const struct nl_addr *a, void *arg)
{
	struct stale_ctx *s = arg;
	struct addr6_buf b;
	int i, j, err;

	if (!iface_of(a->ifindex) || a->scope != RT_SCOPE_UNIVERSE)
		return 0;
	if (s->keep && addr_eq(s->keep, &a->addr))
		return 0;
	if (addr_usable(s->d, a))
		return 0;
	for (i = 0; i < MV_MAX_ROUTERS; i++) {
		const struct mv_router *r = &mv.routers[i];

		if (!r->used || !r->lost || r->ifindex != a->ifindex)
			continue;
		for (j = 0; j < r->n_pfx; j++) {
			if (!prefix_match(&r->pfx[j].addr, r->pfx[j].len, &a->addr))
				continue;
			err = nl_addr_del(&s->d->nl, a->ifindex, &a->addr, a->plen);
			if (err && err != -EADDRNOTAVAIL)
				pr_debug("movement: removing %s: %s", addr6_str(&a->addr, &b),
					 strerror(-err));
			else
				pr_info("movement: previous care-of address %s removed",
					addr6_str(&a->addr, &b));
			return 0;
		}
	}
	return 0;
}

void movement_registered(struct daemon *d, const struct in6_addr *coa)
{
	struct stale_ctx s = {.d = d, .keep = coa};

	if (!mv.started)
		return;
	mv.hint_ns = 0;
	mv.have_reg = coa;
	if (coa)
		mv.reg_coa = *coa;
	/* Section 11.5.3: the previous care-of address received until now. */
	nl_addr_dump(&d->nl, 0, remove_stale, &s);
}

unsigned long long movement_since_hint_ms(const struct daemon *d)
{
	(void)d;
	return mv.hint_ns ? (mono_now_ns() - mv.hint_ns) / NSEC_PER_MSEC : 0;
}

/* ---- start and stop ------------------------------------------------------------------------ */

/* Router Advertisements (RFC 6275 11.5.1) and the Neighbor Advertisements
 * that answer our reachability probes, with arrival interface and hop limit. */
static int open_socket(void)
{
	static const int pass[] = {ND_ROUTER_ADVERT, ND_NEIGHBOR_ADVERT, -1};
	static const struct inet_icmp6_opts opts = {
		.pass = pass,
		.nonblock = true,
		.nd_hop_limit = true,
		.recv_info = true,
	};

	return inet_icmp6_socket(&opts);
}

int movement_start(struct daemon *d, movement_changed_fn changed, void *ctx)
{
	const struct config_mn *cfg = &d->cfg.mn;
	unsigned long long now = mono_now_ns();
	int i, err;

	mv.changed = changed;
	mv.ctx = ctx;
	mv.fd = open_socket();
	if (mv.fd < 0) {
		err = mv.fd;
		pr_err("movement detection: ICMPv6 socket: %s", strerror(-err));
		return err;
	}
	mv.nl = mnl_socket_open(NETLINK_ROUTE);
	if (!mv.nl || mnl_socket_bind(mv.nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		pr_err("movement detection: rtnetlink: %s", strerror(-err));
		goto fail;
	}
	err = daemon_watch(d, mv.fd, readable, NULL) ?: daemon_on_tick(d, tick, NULL);
	if (err) {
		pr_err("movement detection: event loop: %s", strerror(-err));
		goto fail;
	}
	mv.started = true;
	for (i = 0; i < cfg->n_interfaces && i < CONFIG_MAX_IFACES; i++) {
		struct mv_iface *ifc = &mv.ifaces[mv.n_ifaces];
		struct ifreq ifr = {};

		ifc->ifindex = if_nametoindex(cfg->interfaces[i]);
		if (!ifc->ifindex)
			continue;
		/* /sys may be another namespace's (nsenter --net): ask the socket. */
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", cfg->interfaces[i]);
		if (!ioctl(mv.fd, SIOCGIFFLAGS, &ifr))
			ifc->carrier = (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
		/* Starting up is like arriving: ask the routers now. */
		if (ifc->carrier)
			ifc->next_rs_ns = now;
		mv.n_ifaces++;
	}
	return 0;
fail:
	if (mv.nl)
		mnl_socket_close(mv.nl);
	mv.nl = NULL;
	close(mv.fd);
	mv.fd = -1;
	return err;
}

void movement_stop(struct daemon *d)
{
	(void)d;
	if (!mv.started)
		return;
	/* The route stays with the home address, as the binding does. */
	mnl_socket_close(mv.nl);
	close(mv.fd);
	memset(&mv, 0, sizeof(mv));
	mv.fd = -1;
}
