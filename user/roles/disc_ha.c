// SPDX-License-Identifier: GPL-2.0
/*
 * disc_ha.c - the home agent's side of home agent and prefix discovery,
 * and its Home Agents List (RFC 6275 sections 7.4, 10.5, 10.6). See
 * disc_ha.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/ip6.h>

#include <json-c/json.h>

#include "common/inet.h"
#include "common/util.h"
#include "daemon/daemon.h"
#include "roles/disc_ha.h"
#include "roles/disc_io.h"
#include "wire/disc.h"
#include "wire/mh.h"

#define NSEC_PER_SEC   1000000000ULL
#define EXPIRY_SCAN_NS NSEC_PER_SEC
/* The home prefix in an MPA when no RA on the home link told better (RFC 4861 6.2.1). */
#define DEFAULT_VALID_S	    2592000
#define DEFAULT_PREFERRED_S 604800
/* IPv6 header, type 2 routing header, MPA with one Prefix Information option. */
#define MPA_PKT_LEN (40 + sizeof(struct mip6_rt2_hdr) + DISC_ICMP_HDR_LEN + 32)
/*
 * Anyone can send a DHAAD Request from any source: the replies must not make
 * us an amplifier (RFC 6275 section 15.1, RFC 4443 section 2.4 (f) in
 * spirit). At most REPLY_ADDRS addresses a reply (176 octets with the IPv6
 * header: section 10.5.1 lets the home agent list fewer than it knows, the
 * mobile node takes the first, 11.4.1), at most REPLY_RATE DHAAD Replies and
 * MPAs a second in all, and MIP6_MAX_UPDATE_RATE a second to one address: a
 * mobile node asks again after 3 s (section 12).
 */
#define REPLY_ADDRS 8
#define REPLY_RATE  10

/* ---- the Home Agents List (section 10.5.1) --------------------------------------- */

static int ha_list_find(const struct disc_ha_list *l, const struct in6_addr *lladdr)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (IN6_ARE_ADDR_EQUAL(&l->e[i].lladdr, lladdr))
			return i;
	return -1;
}

static void ha_list_remove(struct disc_ha_list *l, int i)
{
	struct addr6_buf a;

	pr_packet(LOG_INFO, "home agent %s left the Home Agents List",
		  addr6_str(&l->e[i].addr, &a));
	l->e[i] = l->e[--l->n];
}

/* The router address to list: one on the home prefix when there is one. */
static const struct in6_addr *pick_addr(const struct disc_ra *ra, const struct config_prefix *home)
{
	int i;

	for (i = 0; i < ra->n_addrs; i++)
		if (home && config_prefix_match(home, &ra->addrs[i]))
			return &ra->addrs[i];
	return ra->n_addrs ? &ra->addrs[0] : NULL;
}

int disc_ha_list_update(struct disc_ha_list *l, const struct in6_addr *lladdr,
			const struct disc_ra *ra, const struct config_prefix *home,
			unsigned long long now_ns)
{
	const struct in6_addr *addr = pick_addr(ra, home);
	int i = ha_list_find(l, lladdr);
	struct disc_ha_entry *e;
	struct addr6_buf a;

	/* No longer a home agent, or a lifetime of 0: it goes. */
	if (!ra->home_agent || !ra->ha_lifetime) {
		if (i >= 0)
			ha_list_remove(l, i);
		return 0;
	}
	if (i < 0) {
		if (l->n == DISC_MAX_HOME_AGENTS)
			return -ENOSPC;
		i = l->n++;
		memset(&l->e[i], 0, sizeof(l->e[i]));
		l->e[i].lladdr = *lladdr;
		pr_packet(LOG_INFO, "home agent %s (%s) joined the Home Agents List, preference %d",
			  addr ? addr6_str(addr, &a) : "without global address",
			  addr6_str(lladdr, &(struct addr6_buf){}), ra->preference);
	}
	e = &l->e[i];
	if (addr)
		e->addr = *addr;
	e->preference = ra->preference;
	e->router = ra->mr_support;
	e->lifetime_s = ra->ha_lifetime;
	e->expires_ns = now_ns + (unsigned long long)ra->ha_lifetime * NSEC_PER_SEC;
	return 1;
}

void disc_ha_list_expire(struct disc_ha_list *l, unsigned long long now_ns)
{
	int i;

	for (i = l->n - 1; i >= 0; i--)
		if (now_ns >= l->e[i].expires_ns)
			ha_list_remove(l, i);
}

struct ranked {
	struct in6_addr addr;
	int preference;
	__u32 tie; /* random: equal preferences in random order */
};

static int ranked_cmp(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->preference != y->preference)
		return x->preference > y->preference ? -1 : 1;
	return x->tie < y->tie ? -1 : x->tie > y->tie;
}

int disc_ha_list_sorted(const struct disc_ha_list *l, const struct in6_addr *self, int self_pref,
			bool routers, struct in6_addr *out, int max)
{
	struct ranked r[DISC_MAX_HOME_AGENTS + 1];
	int i, n = 0;

	if (self) {
		r[n].addr = *self;
		r[n].preference = self_pref;
		r[n++].tie = random();
	}
	for (i = 0; i < l->n; i++) {
		const struct disc_ha_entry *e = &l->e[i];

		if (IN6_IS_ADDR_UNSPECIFIED(&e->addr) || (routers && !e->router) ||
		    (self && IN6_ARE_ADDR_EQUAL(&e->addr, self)))
			continue;
		r[n].addr = e->addr;
		r[n].preference = e->preference;
		r[n++].tie = random();
	}
	qsort(r, n, sizeof(r[0]), ranked_cmp);
	if (n > max)
		n = max;
	for (i = 0; i < n; i++)
		out[i] = r[i].addr;
	return n;
}

/* ---- answering discovery ------------------------------------------------------------ */

struct disc_ha {
	struct daemon *d;
	int home_ifindex; /* 0: virtual home network */
	/* ICMPv6: RAs, DHAAD Requests, tunnelled MPS; packet socket: MPS with
	 * a Home Address option. */
	struct disc_socks socks;
	struct in6_addr anycast;
	struct disc_ha_list list;
	bool have_pio; /* the home prefix as the home link's RAs advertise it */
	struct disc_prefix_info pio;
	unsigned long long next_scan_ns;
	struct token_bucket replies;  /* DHAAD Replies and MPAs, REPLY_RATE */
	struct update_rate reply_dst; /* the same, per destination */
	bool routers;		      /* supports mobile routers: disc_ha_reload() */
	__u8 pkt[DISC_PKT_BUF_LEN];
};

/* Whether a DHAAD Reply or MPA about @to (its source or home address) may go now. */
static bool reply_allowed(struct disc_ha *h, const struct in6_addr *to)
{
	unsigned long long now = mono_now_ns();

	if (update_rate_allow(&h->reply_dst, to, now) &&
	    token_bucket_take(&h->replies, REPLY_RATE, now))
		return true;
	h->d->stats.replies_ratelimited++;
	return false;
}

static void answer_dhaad(struct disc_ha *h, const struct disc_icmp_rx *rx)
{
	const struct config_ha *cfg = &h->d->cfg.ha;
	struct in6_addr addrs[REPLY_ADDRS];
	__u8 reply[DISC_ICMP_HDR_LEN + sizeof(addrs)];
	__u16 id = (rx->data[4] << 8) | rx->data[5];
	struct addr6_buf a;
	bool r;
	int n, len, err;

	/* Section 10.5: only requests to the home-agents anycast address, from
	 * a unicast source (the care-of address) that can take the reply. */
	if (rx->len < DISC_ICMP_HDR_LEN || rx->data[1] != 0 ||
	    !IN6_ARE_ADDR_EQUAL(&rx->dst, &h->anycast) || addr6_unusable_reason(&rx->src) ||
	    IN6_IS_ADDR_LINKLOCAL(&rx->src))
		return;
	/* RFC 3963 section 7.1: a mobile router asks for home agents that
	 * support mobile routers; one that does not stays silent, so the
	 * router does not register where it would get BA 140. */
	r = disc_dhaad_router(rx->data, rx->len);
	if (r && !h->routers) {
		pr_packet(LOG_INFO,
			  "DHAAD Request id %u from %s with R not answered: no mobile router "
			  "configured",
			  id, addr6_str(&rx->src, &a));
		return;
	}
	if (!reply_allowed(h, &rx->src)) {
		pr_packet(LOG_INFO, "DHAAD Request id %u from %s not answered: reply rate", id,
			  addr6_str(&rx->src, &a));
		return;
	}
	n = disc_ha_list_sorted(&h->list, &cfg->address, cfg->preference, r, addrs, REPLY_ADDRS);
	len = disc_build_dhaad_reply(reply, sizeof(reply), id, addrs, n, r);
	if (len < 0)
		return;
	err = disc_icmp_send(h->socks.icmp_fd, reply, len, &cfg->address, &rx->src);
	if (err)
		pr_packet(LOG_WARNING, "DHAAD Reply to %s: %s", addr6_str(&rx->src, &a),
			  strerror(-err));
	else
		pr_packet(LOG_INFO, "DHAAD Reply id %u to %s: %d home agent(s)%s", id,
			  addr6_str(&rx->src, &a), n, r ? ", R" : "");
}

/*
 * The MPA of section 10.6.2 to @coa, with a type 2 routing header holding
 * @hoa (section 6.4): the packet is built whole, like sigio.c builds its MH
 * packets, and goes out of the marked IPPROTO_RAW socket.
 */
static int send_mpa(struct disc_ha *h, __u16 id, const struct in6_addr *coa,
		    const struct in6_addr *hoa)
{
	const struct config_ha *cfg = &h->d->cfg.ha;
	struct disc_prefix_info pi = {
		.prefix = cfg->home_prefix,
		.flags = ND_OPT_PI_FLAG_ONLINK | ND_OPT_PI_FLAG_AUTO,
		.valid_s = DEFAULT_VALID_S,
		.preferred_s = DEFAULT_PREFERRED_S,
	};
	__u8 buf[MPA_PKT_LEN];
	int len;

	if (h->have_pio)
		pi = h->pio;
	len = disc_build_mpa_pkt(buf, sizeof(buf), &cfg->address, coa, hoa, id, &pi);
	if (len < 0)
		return len;
	return disc_raw_send(h->d->socks.raw_fd, buf, len, coa);
}

/*
 * An MPS from home address @hoa at care-of address @coa (or, tunnelled,
 * with @coa NULL). Without IPsec between MN and HA (RFC 4285 covers BU/BA
 * only) the answer goes only to a registered mobile node, at the care-of
 * address of its binding.
 */
static void answer_mps(struct disc_ha *h, const __u8 *icmp, size_t len, const struct in6_addr *hoa,
		       const struct in6_addr *coa)
{
	struct daemon *d = h->d;
	struct xmip6_binding b;
	struct addr6_buf a, c;
	__u16 id;
	int err;

	if (disc_parse_mps(icmp, len, &id))
		return;
	if (!config_prefix_match(&d->cfg.ha.home_prefix, hoa) ||
	    dp_binding_lookup(&d->dp, hoa, &b)) {
		pr_packet(LOG_INFO, "MPS from %s ignored: no binding", addr6_str(hoa, &a));
		return;
	}
	if (coa && !IN6_ARE_ADDR_EQUAL(coa, &b.care_of_addr)) {
		pr_packet(LOG_INFO, "MPS from %s ignored: care-of address %s is not the binding's",
			  addr6_str(hoa, &a), addr6_str(coa, &c));
		return;
	}
	if (!reply_allowed(h, hoa)) {
		pr_packet(LOG_INFO, "MPS from %s not answered: reply rate", addr6_str(hoa, &a));
		return;
	}
	err = send_mpa(h, id, &b.care_of_addr, hoa);
	if (err)
		pr_packet(LOG_WARNING, "MPA to %s: %s", addr6_str(&b.care_of_addr, &c),
			  strerror(-err));
	else
		pr_packet(LOG_INFO, "MPA id %u to %s for %s", id, addr6_str(&b.care_of_addr, &c),
			  addr6_str(hoa, &a));
}

static void take_ra(struct disc_ha *h, const struct disc_icmp_rx *rx, unsigned long long now)
{
	const struct config_prefix *home = &h->d->cfg.ha.home_prefix;
	struct disc_ra ra;

	/* RFC 4861 6.1.2: from a link-local source with hop limit 255; and only
	 * the home link's routers are home agents for our prefix (10.5.1). */
	if (!h->home_ifindex || rx->ifindex != h->home_ifindex ||
	    rx->hoplimit != INET_ND_HOP_LIMIT || !IN6_IS_ADDR_LINKLOCAL(&rx->src))
		return;
	if (disc_parse_ra(rx->data, rx->len, home, &ra))
		return;
	if (ra.has_pio && ra.pio.valid_s) {
		h->have_pio = true;
		h->pio = ra.pio;
		h->pio.flags &= ND_OPT_PI_FLAG_ONLINK | ND_OPT_PI_FLAG_AUTO;
	}
	if (disc_ha_list_update(&h->list, &rx->src, &ra, home, now) == -ENOSPC)
		pr_packet(LOG_WARNING, "Home Agents List full (%d entries): RA from %s ignored",
			  DISC_MAX_HOME_AGENTS, addr6_str(&rx->src, &(struct addr6_buf){}));
}

static void icmp_readable(struct daemon *d, void *arg, unsigned long long now)
{
	struct disc_ha *h = arg;
	static struct disc_icmp_rx rx;
	int i;

	for (i = 0; i < DISC_READ_BUDGET && disc_icmp_recv(h->socks.icmp_fd, &rx) > 0; i++) {
		if (rx.len < DISC_ICMP_HDR_LEN)
			continue;
		switch (rx.data[0]) {
		case ND_ROUTER_ADVERT:
			take_ra(h, &rx, now);
			break;
		case DISC_ICMP_DHAAD_REQUEST:
			answer_dhaad(h, &rx);
			break;
		case DISC_ICMP_MPS:
			/* Reverse-tunnelled from the home address, to our address. */
			if (IN6_ARE_ADDR_EQUAL(&rx.dst, &d->cfg.ha.address))
				answer_mps(h, rx.data, rx.len, &rx.src, NULL);
			break;
		}
	}
}

/*
 * An MPS as section 11.4.3 sends it: from the care-of address, with the
 * home address in a Home Address option, to our address. The ICMPv6
 * checksum covers the home address (RFC 6275 section 6.3).
 */
static void take_mps(void *arg, const struct disc_mp_pkt *mp, bool csum_ok, unsigned long long now)
{
	struct disc_ha *h = arg;

	(void)now;
	if (!IN6_ARE_ADDR_EQUAL(&mp->dst, &h->d->cfg.ha.address))
		return;
	if (!csum_ok) {
		pr_packet(LOG_DEBUG, "MPS with a bad checksum dropped");
		return;
	}
	answer_mps(h, mp->icmp, mp->icmp_len, &mp->home_addr, &mp->src);
}

/* The same MPS as the data plane hands it up (XMIP6_SIGNAL_F_MPS): XDP consumed it. */
static void take_mps_record(struct daemon *d, void *arg, const void *packet, size_t len,
			    int ifindex)
{
	(void)d;
	(void)ifindex;
	disc_mp_take(packet, len, disc_parse_mps_pkt, take_mps, arg, mono_now_ns());
}

static void pkt_readable(struct daemon *d, void *arg, unsigned long long now)
{
	struct disc_ha *h = arg;

	(void)d;
	disc_mp_read(h->socks.pkt_fd, h->pkt, sizeof(h->pkt), disc_parse_mps_pkt, take_mps, h, now);
}

static void list_tick(struct daemon *d, void *arg, unsigned long long now)
{
	struct disc_ha *h = arg;

	(void)d;
	if (now < h->next_scan_ns)
		return;
	h->next_scan_ns = now + EXPIRY_SCAN_NS;
	disc_ha_list_expire(&h->list, now);
}

static int join_anycast(int fd, const struct in6_addr *addr, int ifindex, const char *ifname)
{
	struct ipv6_mreq mreq = {.ipv6mr_multiaddr = *addr, .ipv6mr_interface = ifindex};
	struct addr6_buf a;

	if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_ANYCAST, &mreq, sizeof(mreq))) {
		int err = -errno;

		pr_err("joining the home-agents anycast address %s on %s: %s", addr6_str(addr, &a),
		       ifname, strerror(-err));
		return err;
	}
	return 0;
}

int disc_ha_home_link(struct disc_ha *h, int ifindex)
{
	struct ipv6_mreq mreq = {0};
	char ifname[IF_NAMESIZE];

	if (!h || !h->home_ifindex)
		return 0;
	mreq.ipv6mr_multiaddr = h->anycast;
	mreq.ipv6mr_interface = h->home_ifindex;
	/* Gone with a deleted interface; left so it can be joined again. */
	(void)setsockopt(h->socks.icmp_fd, IPPROTO_IPV6, IPV6_LEAVE_ANYCAST, &mreq, sizeof(mreq));
	h->home_ifindex = ifindex;
	return join_anycast(h->socks.icmp_fd, &h->anycast, ifindex,
			    if_indextoname(ifindex, ifname) ?: "?");
}

static void ha_free(struct disc_ha *h)
{
	daemon_mps_reg(h->d, NULL, NULL);
	disc_socks_close(&h->socks);
	free(h);
}

/*
 * Whether this home agent supports mobile routers (RFC 3963 section 7): it
 * does when a mobile-nodes entry may register as one (mobile-router =
 * true); unlisted nodes, accepted or not, never may (roles/ha_nemo.c). Asked
 * at start and after SIGHUP, not per request: the list may be long.
 */
void disc_ha_reload(struct disc_ha *h)
{
	const struct config_ha *cfg;
	int i;

	if (!h)
		return;
	cfg = &h->d->cfg.ha;
	for (i = 0; i < cfg->n_mobile_nodes && !cfg->mobile_nodes[i].mobile_router; i++)
		;
	h->routers = i < cfg->n_mobile_nodes;
}

int disc_ha_start(struct daemon *d, struct disc_ha **out)
{
	static const int types[] = {ND_ROUTER_ADVERT, DISC_ICMP_DHAAD_REQUEST, DISC_ICMP_MPS, -1};
	const struct config_ha *cfg = &d->cfg.ha;
	struct disc_ha *h;
	struct addr6_buf a;
	int i, err;

	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->d = d;
	disc_ha_reload(h);
	update_rate_init(&h->reply_dst, 0);
	disc_home_agents_anycast(&cfg->home_prefix, &h->anycast);
	err = disc_socks_open(&h->socks, types, IPPROTO_DSTOPTS, "Mobile Prefix Solicitation");
	if (err) {
		free(h);
		return err;
	}
	/* The home link, or every interface for a virtual home network: the
	 * prefix, and so its anycast address, is routed to us. */
	if (cfg->home_link[0]) {
		h->home_ifindex = if_nametoindex(cfg->home_link);
		err = join_anycast(h->socks.icmp_fd, &h->anycast, h->home_ifindex, cfg->home_link);
	} else {
		for (i = 0, err = 0; i < cfg->n_interfaces && !err; i++)
			err = join_anycast(h->socks.icmp_fd, &h->anycast,
					   if_nametoindex(cfg->interfaces[i]), cfg->interfaces[i]);
	}
	if (!err)
		err = disc_socks_hook(d, &h->socks, icmp_readable, pkt_readable, list_tick, h)
			      ?: daemon_mps_reg(d, take_mps_record, h);
	if (err) {
		/* Hooks registered before a failure stay only when the daemon
		 * goes on, which it does not: the home agent fails to start. */
		ha_free(h);
		return err;
	}
	pr_info("answering DHAAD at %s, preference %d%s", addr6_str(&h->anycast, &a),
		cfg->preference, h->routers ? ", mobile routers too" : "");
	*out = h;
	return 0;
}

void disc_ha_stop(struct disc_ha *h)
{
	if (h)
		ha_free(h);
}

void disc_ha_list_json_add(const struct disc_ha *h, struct json_object *arr)
{
	unsigned long long now = mono_now_ns();
	struct addr6_buf a;
	char ifname[IF_NAMESIZE];
	int i;

	if (!h)
		return;
	for (i = 0; i < h->list.n; i++) {
		const struct disc_ha_entry *e = &h->list.e[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "address",
				       IN6_IS_ADDR_UNSPECIFIED(&e->addr)
					       ? NULL
					       : json_object_new_string(addr6_str(&e->addr, &a)));
		json_object_object_add(o, "link_local",
				       json_object_new_string(addr6_str(&e->lladdr, &a)));
		json_object_object_add(o, "preference", json_object_new_int64(e->preference));
		json_object_object_add(o, "lifetime", json_object_new_int64(e->lifetime_s));
		json_object_object_add(
			o, "remaining",
			json_object_new_int64(
				e->expires_ns > now ? (e->expires_ns - now) / NSEC_PER_SEC : 0));
		json_object_object_add(o, "interface",
				       if_indextoname(h->home_ifindex, ifname)
					       ? json_object_new_string(ifname)
					       : NULL);
		json_object_object_add(o, "source", json_object_new_string("ra"));
		json_object_array_add(arr, o);
	}
}
