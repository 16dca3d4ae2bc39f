// SPDX-License-Identifier: GPL-2.0
/*
 * disc_mn.c - the mobile node's side of home agent and prefix discovery
 * (RFC 6275 sections 11.4.1-11.4.3). See disc_mn.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/ip6.h>

#include "common/util.h"
#include "daemon/daemon.h"
#include "roles/disc_io.h"
#include "roles/disc_mn.h"
#include "wire/disc.h"
#include "wire/mh.h"

#define NSEC_PER_SEC		 1000000000ULL
#define NSEC_PER_MSEC		 1000000ULL
#define INITIAL_DHAAD_TIMEOUT_MS 3000 /* section 12 */
#define DHAAD_RETRIES		 4    /* retransmissions, section 12 */
#define DHAAD_HOLDOFF_S		 32   /* after DHAAD_RETRIES went unanswered: MAX_BINDACK_TIMEOUT */
#define INITIAL_SOLICIT_TIMER_MS 3000 /* section 12: MPS */
#define MPS_RETRIES		 4    /* then a new round after DHAAD_HOLDOFF_S */
#define MIN_PREFIX_REFRESH_S	 60   /* floor on the MPS refresh interval */
/* IPv6 header, Destination Options with the Home Address option, MPS. */
#define MPS_PKT_LEN (40 + sizeof(struct mip6_dstopts_hao) + DISC_ICMP_HDR_LEN)

struct disc_mn {
	struct daemon *d;
	struct disc_mn_ops ops;
	/* ICMPv6: DHAAD Replies; packet socket: MPAs carry a type 2 routing header. */
	struct disc_socks socks;
	bool active; /* a DHAAD round runs */
	struct in6_addr coa;
	__u16 ids[DHAAD_RETRIES + 1]; /* one per transmission of this round */
	int sent;
	__u32 timeout_ms;
	unsigned long long next_ns;
	unsigned long long holdoff_ns; /* no new round before */
	struct in6_addr anycast;

	/* Mobile prefix discovery (section 11.4.2), once registered. */
	bool mps_active;
	bool mps_wanted; /* disc_mn_solicit_prefix until an MPA answers */
	__u16 mps_id;
	int mps_sent;
	__u32 mps_timeout_ms;
	unsigned long long mps_next_ns;	   /* retransmission */
	unsigned long long mps_refresh_ns; /* next solicitation; 0: after registering */
	__u8 pkt[DISC_PKT_BUF_LEN];
};

static void send_request(struct disc_mn *m, unsigned long long now)
{
	__u8 req[DISC_ICMP_HDR_LEN];
	struct addr6_buf a, c;
	__u16 id = disc_random_id();
	int err;

	/* A new Identifier per transmission: a late reply to any of them is good. */
	m->ids[m->sent++] = id;
	/* RFC 3963 section 7.1: a mobile router asks for a home agent that
	 * supports mobile routers. */
	disc_build_dhaad_request(req, sizeof(req), id, m->d->cfg.has_mr);
	err = disc_icmp_send(m->socks.icmp_fd, req, sizeof(req), &m->coa, &m->anycast);
	if (err)
		pr_warn("DHAAD Request to %s: %s", addr6_str(&m->anycast, &a), strerror(-err));
	else
		pr_info("DHAAD Request id %u from %s to %s (%d of %d)", id, addr6_str(&m->coa, &c),
			addr6_str(&m->anycast, &a), m->sent, DHAAD_RETRIES + 1);
	m->next_ns = now + (unsigned long long)m->timeout_ms * NSEC_PER_MSEC;
}

void disc_mn_need_home_agent(struct disc_mn *m, const struct in6_addr *coa)
{
	unsigned long long now = mono_now_ns();

	if (!m)
		return;
	if (m->active && IN6_ARE_ADDR_EQUAL(&m->coa, coa))
		return;
	if (!m->active && now < m->holdoff_ns)
		return;
	/* Section 11.4.1: from the care-of address, no Home Address option. */
	m->active = true;
	m->coa = *coa;
	m->sent = 0;
	m->timeout_ms = INITIAL_DHAAD_TIMEOUT_MS;
	send_request(m, now);
}

static void take_reply(struct disc_mn *m, const struct disc_icmp_rx *rx)
{
	struct in6_addr addrs[DISC_REPLY_MAX_ADDRS];
	struct addr6_buf a;
	__u16 id;
	int i, n;

	if (!m->active || !IN6_ARE_ADDR_EQUAL(&rx->dst, &m->coa))
		return;
	if (disc_parse_dhaad_reply(rx->data, rx->len, &id, addrs, DISC_REPLY_MAX_ADDRS, &n))
		return;
	for (i = 0; i < m->sent && m->ids[i] != id; i++)
		;
	if (i == m->sent) {
		pr_packet(LOG_INFO, "DHAAD Reply id %u from %s matches no request", id,
			  addr6_str(&rx->src, &a));
		return;
	}
	/* RFC 3963 section 7.2: only a Reply with R lists home agents that
	 * support mobile routers; one without (a home agent that ignores the
	 * flag) would send the router where it gets BA 140. */
	if (m->d->cfg.has_mr && !disc_dhaad_router(rx->data, rx->len)) {
		pr_packet(LOG_INFO, "DHAAD Reply id %u from %s without R: not for a mobile router",
			  id, addr6_str(&rx->src, &a));
		return;
	}
	/* The first usable address is the most preferred home agent (11.4.1). */
	for (i = 0; i < n && (addr6_unusable_reason(&addrs[i]) || IN6_IS_ADDR_LINKLOCAL(&addrs[i]));
	     i++)
		;
	if (i == n) {
		pr_packet(LOG_WARNING, "DHAAD Reply from %s lists no home agent",
			  addr6_str(&rx->src, &a));
		return;
	}
	m->active = false;
	pr_notice("DHAAD: home agent %s (%d listed)", addr6_str(&addrs[i], &a), n);
	m->ops.home_agent_found(m->ops.ctx, &addrs[i]);
}

static void icmp_readable(struct daemon *d, void *arg, unsigned long long now)
{
	struct disc_mn *m = arg;
	static struct disc_icmp_rx rx;
	int i;

	(void)d;
	(void)now;
	for (i = 0; i < DISC_READ_BUDGET && disc_icmp_recv(m->socks.icmp_fd, &rx) > 0; i++)
		if (rx.len >= DISC_ICMP_HDR_LEN && rx.data[0] == DISC_ICMP_DHAAD_REPLY)
			take_reply(m, &rx);
}

/*
 * MPS (section 11.4.2) from the care-of address to the home agent, with the
 * home address in a Home Address option, which the ICMPv6 checksum covers
 * instead of the care-of address (section 6.3). Built whole and sent on the
 * marked IPPROTO_RAW socket: the kernel cannot add a HAO without MIP6.
 */
static void mps_transmit(struct disc_mn *m, unsigned long long now)
{
	__u8 buf[MPS_PKT_LEN];
	struct mn_where w;
	struct addr6_buf a;
	int len;

	m->ops.where(m->ops.ctx, &w);
	if (!w.registered) {
		m->mps_active = false; /* solicited again once registered */
		m->mps_refresh_ns = 0;
		return;
	}
	m->mps_id = disc_random_id();
	m->mps_sent++;
	len = disc_build_mps_pkt(buf, sizeof(buf), &w.care_of_addr, &w.home_agent, &w.home_addr,
				 m->mps_id);
	if (len >= 0)
		len = disc_raw_send(m->d->socks.raw_fd, buf, len, &w.home_agent);
	if (len < 0)
		pr_warn("MPS to %s: %s", addr6_str(&w.home_agent, &a), strerror(-len));
	else
		pr_info("MPS id %u to %s", m->mps_id, addr6_str(&w.home_agent, &a));
	m->mps_next_ns = now + (unsigned long long)m->mps_timeout_ms * NSEC_PER_MSEC;
}

static void mps_tick(struct disc_mn *m, unsigned long long now)
{
	struct mn_where w;

	if (!m->mps_active) {
		/* After the registration, and again when the prefix's preferred
		 * lifetime is over (section 11.4.2). */
		if (!m->ops.solicit_on_register && !m->mps_wanted)
			return;
		if (now < m->mps_refresh_ns)
			return;
		m->ops.where(m->ops.ctx, &w);
		if (!w.registered)
			return;
		m->mps_active = true;
		m->mps_sent = 0;
		m->mps_timeout_ms = INITIAL_SOLICIT_TIMER_MS;
		mps_transmit(m, now);
		return;
	}
	if (now < m->mps_next_ns)
		return;
	if (m->mps_sent > MPS_RETRIES) {
		pr_warn("no Mobile Prefix Advertisement after %d solicitations", m->mps_sent);
		m->mps_active = false;
		m->mps_refresh_ns = now + DHAAD_HOLDOFF_S * NSEC_PER_SEC;
		return;
	}
	m->mps_timeout_ms *= 2;
	mps_transmit(m, now);
}

/* DHAAD retransmissions and the hold-off after a round; MPS timers. */
static void tick(struct daemon *d, void *arg, unsigned long long now)
{
	struct disc_mn *m = arg;

	(void)d;
	mps_tick(m, now);
	if (!m->active || now < m->next_ns)
		return;
	if (m->sent > DHAAD_RETRIES) {
		pr_warn("no home agent answered %d DHAAD Requests; trying again in %d s", m->sent,
			DHAAD_HOLDOFF_S);
		m->active = false;
		m->holdoff_ns = now + DHAAD_HOLDOFF_S * NSEC_PER_SEC;
		return;
	}
	m->timeout_ms *= 2; /* section 11.4.1: exponential backoff */
	send_request(m, now);
}

static void take_mpa(struct disc_mn *m, const __u8 *icmp, size_t len, unsigned long long now)
{
	const struct config_prefix *home = &m->d->cfg.mn.home_prefix;
	struct disc_prefix_info pi;
	struct disc_mpa mpa;
	struct addr6_buf a;
	__u32 refresh_s;

	if (disc_parse_mpa(icmp, len, home, &mpa)) {
		pr_packet(LOG_INFO, "malformed MPA dropped");
		return;
	}
	if (!m->mps_active || mpa.id != m->mps_id) {
		pr_packet(LOG_INFO, "MPA matching no solicitation ignored");
		return;
	}
	m->mps_active = false;
	m->mps_wanted = false;
	if (!mpa.has_prefix) {
		pr_warn("MPA without a prefix");
		m->mps_refresh_ns = now + DHAAD_HOLDOFF_S * NSEC_PER_SEC;
		return;
	}
	pi = mpa.prefix;
	if (pi.prefix.len != home->len || !IN6_ARE_ADDR_EQUAL(&pi.prefix.addr, &home->addr))
		pr_warn("home agent advertises home prefix %s/%u, not the configured one",
			addr6_str(&pi.prefix.addr, &a), pi.prefix.len);
	else
		pr_notice("MPA: home prefix %s/%u, valid %u s, preferred %u s",
			  addr6_str(&pi.prefix.addr, &a), pi.prefix.len, pi.valid_s,
			  pi.preferred_s);
	refresh_s = pi.preferred_s && pi.preferred_s < pi.valid_s ? pi.preferred_s : pi.valid_s;
	if (refresh_s < MIN_PREFIX_REFRESH_S)
		refresh_s = MIN_PREFIX_REFRESH_S;
	m->mps_refresh_ns = now + (unsigned long long)refresh_s * NSEC_PER_SEC;
}

/*
 * An MPA as section 11.4.3 expects it: from our home agent to the care-of
 * address with a type 2 routing header holding the home address. The data
 * plane hands it up (take_mpa_record) and consumes it, so that the kernel,
 * without MIP6, does not answer the RH2 with Parameter Problem; without the
 * data plane's hand-up the packet socket sees it before the kernel drops it.
 */
static void take_mpa_pkt(void *arg, const struct disc_mp_pkt *mp, bool csum_ok,
			 unsigned long long now)
{
	struct disc_mn *m = arg;
	struct mn_where w;

	m->ops.where(m->ops.ctx, &w);
	if (!w.registered || !IN6_ARE_ADDR_EQUAL(&mp->home_addr, &w.home_addr) ||
	    !IN6_ARE_ADDR_EQUAL(&mp->src, &w.home_agent) ||
	    !IN6_ARE_ADDR_EQUAL(&mp->dst, &w.care_of_addr))
		return;
	if (!csum_ok) {
		pr_packet(LOG_DEBUG, "MPA with a bad checksum dropped");
		return;
	}
	take_mpa(m, mp->icmp, mp->icmp_len, now);
}

/* The same MPA as the data plane hands it up (XMIP6_SIGNAL_F_MPA): XDP consumed it. */
static void take_mpa_record(struct daemon *d, void *arg, const void *packet, size_t len,
			    int ifindex)
{
	(void)d;
	(void)ifindex;
	disc_mp_take(packet, len, disc_parse_mpa_pkt, take_mpa_pkt, arg, mono_now_ns());
}

static void pkt_readable(struct daemon *d, void *arg, unsigned long long now)
{
	struct disc_mn *m = arg;

	(void)d;
	disc_mp_read(m->socks.pkt_fd, m->pkt, sizeof(m->pkt), disc_parse_mpa_pkt, take_mpa_pkt, m,
		     now);
}

int disc_mn_start(struct daemon *d, const struct disc_mn_ops *ops, struct disc_mn **out)
{
	static const int types[] = {DISC_ICMP_DHAAD_REPLY, -1};
	struct disc_mn *m;
	int err;

	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->d = d;
	m->ops = *ops;
	disc_home_agents_anycast(&d->cfg.mn.home_prefix, &m->anycast);
	err = disc_socks_open(&m->socks, types, IPPROTO_ROUTING, "Mobile Prefix Advertisement");
	if (err) {
		free(m);
		return err;
	}
	err = disc_socks_hook(d, &m->socks, icmp_readable, pkt_readable, tick, m)
		      ?: daemon_mpa_reg(d, take_mpa_record, m);
	if (err) {
		disc_mn_stop(m);
		return err;
	}
	*out = m;
	return 0;
}

void disc_mn_solicit_prefix(struct disc_mn *m)
{
	if (!m || m->mps_active)
		return;
	m->mps_wanted = true;
	m->mps_refresh_ns = 0; /* at the next tick */
}

void disc_mn_stop(struct disc_mn *m)
{
	if (!m)
		return;
	daemon_mpa_reg(m->d, NULL, NULL);
	disc_socks_close(&m->socks);
	free(m);
}
