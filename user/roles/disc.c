// SPDX-License-Identifier: GPL-2.0
/*
 * disc.c - Dynamic Home Agent Address Discovery, Mobile Prefix
 * Solicitation/Advertisement and the Home Agents List (RFC 6275 sections
 * 6.5-6.8, 7.4, 10.5, 10.6, 11.4). See disc.h.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <netinet/icmp6.h>
#include <netinet/ip6.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include <json-c/json.h>

#include "daemon/daemon.h"
#include "common/inet.h"
#include "roles/disc.h"
#include "wire/mh.h"
#include "common/util.h"

#define NSEC_PER_SEC	1000000000ULL
#define NSEC_PER_MSEC	1000000ULL
#define IPV6_HDR_LEN	((size_t)sizeof(struct ip6_hdr))
#define ANYCAST_ID	0x7e /* RFC 2526: Mobile IPv6 Home-Agents anycast */
#define PIO_LEN		32   /* Prefix Information option, RFC 4861 4.6.2 */
#define ND_OPT_PIO	3
#define RA_HDR_LEN	16
#define READ_BUDGET	64
#define EXPIRY_SCAN_NS	NSEC_PER_SEC
#define DHAAD_HOLDOFF_S 32 /* after DHAAD_RETRIES went unanswered: MAX_BINDACK_TIMEOUT */
/* The home prefix in an MPA when no RA on the home link told better (RFC 4861 6.2.1). */
#define DEFAULT_VALID_S	    2592000
#define DEFAULT_PREFERRED_S 604800
#define PKT_BUF_LEN	    2048

/* ---- addresses and messages -------------------------------------------------------- */

void disc_home_agents_anycast(const struct config_prefix *prefix, struct in6_addr *out)
{
	unsigned int i;

	*out = prefix->addr;
	for (i = prefix->len; i < 128; i++)
		out->s6_addr[i / 8] |= 0x80 >> (i % 8);
	/* RFC 2526 section 2: a 64-bit interface identifier in EUI-64 format has
	 * the universal/local bit clear; the low 7 bits are the anycast ID. */
	if (prefix->len <= 64)
		out->s6_addr[8] &= ~0x02;
	out->s6_addr[15] = (out->s6_addr[15] & 0x80) | ANYCAST_ID;
}

/* Type, code 0, checksum 0, Identifier, Reserved: the 8 octets all four share. */
static int build_hdr(void *buf, size_t size, size_t len, __u8 type, __u16 id)
{
	__u8 *p = buf;

	if (!buf || size < len)
		return -ENOSPC;
	memset(p, 0, len);
	p[0] = type;
	p[4] = id >> 8;
	p[5] = id & 0xff;
	return 0;
}

int disc_build_dhaad_request(void *buf, size_t size, __u16 id)
{
	return build_hdr(buf, size, DISC_ICMP_HDR_LEN, DISC_ICMP_DHAAD_REQUEST, id)
		       ?: DISC_ICMP_HDR_LEN;
}

int disc_build_mps(void *buf, size_t size, __u16 id)
{
	return build_hdr(buf, size, DISC_ICMP_HDR_LEN, DISC_ICMP_MPS, id) ?: DISC_ICMP_HDR_LEN;
}

int disc_build_dhaad_reply(void *buf, size_t size, __u16 id, const struct in6_addr *addrs, int n)
{
	size_t len;
	int err;

	if (n < 0 || n > DISC_REPLY_MAX_ADDRS)
		return -EINVAL;
	len = DISC_ICMP_HDR_LEN + (size_t)n * 16;
	err = build_hdr(buf, size, len, DISC_ICMP_DHAAD_REPLY, id);
	if (err)
		return err;
	memcpy((__u8 *)buf + DISC_ICMP_HDR_LEN, addrs, (size_t)n * 16);
	return len;
}

int disc_parse_dhaad_reply(const void *icmp, size_t len, __u16 *id, struct in6_addr *addrs, int max,
			   int *n)
{
	const __u8 *p = icmp;
	size_t i, count;

	if (len < DISC_ICMP_HDR_LEN || p[0] != DISC_ICMP_DHAAD_REPLY || p[1] != 0 ||
	    (len - DISC_ICMP_HDR_LEN) % 16)
		return -EBADMSG;
	*id = (p[4] << 8) | p[5];
	count = (len - DISC_ICMP_HDR_LEN) / 16;
	*n = 0;
	for (i = 0; i < count && *n < max; i++)
		memcpy(&addrs[(*n)++], p + DISC_ICMP_HDR_LEN + i * 16, 16);
	return 0;
}

static void put32(__u8 *p, __u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static __u32 get32(const __u8 *p)
{
	return ((__u32)p[0] << 24) | ((__u32)p[1] << 16) | ((__u32)p[2] << 8) | p[3];
}

int disc_build_mpa(void *buf, size_t size, __u16 id, const struct disc_prefix_info *pi)
{
	size_t len = DISC_ICMP_HDR_LEN + PIO_LEN;
	__u8 *o = (__u8 *)buf + DISC_ICMP_HDR_LEN;
	int err;

	err = build_hdr(buf, size, len, DISC_ICMP_MPA, id);
	if (err)
		return err;
	/* M and O clear: no managed configuration on the home link (6.8). */
	o[0] = ND_OPT_PIO;
	o[1] = PIO_LEN / 8;
	o[2] = pi->prefix.len;
	o[3] = pi->flags;
	put32(o + 4, pi->valid_s);
	put32(o + 8, pi->preferred_s);
	memcpy(o + 16, &pi->prefix.addr, 16);
	return len;
}

/* ---- Mobile Prefix Solicitation / Advertisement, receive side -------------------- */

int disc_parse_mps(const void *icmp, size_t len, __u16 *id)
{
	const __u8 *p = icmp;

	if (len < DISC_ICMP_HDR_LEN || p[0] != DISC_ICMP_MPS || p[1] != 0)
		return -EBADMSG;
	*id = (p[4] << 8) | p[5];
	return 0;
}

/* A Prefix Information option (RFC 4861 4.6.2) of 32 octets at @o: false when unusable. */
static bool mpa_pio(const __u8 *o, struct disc_prefix_info *pi)
{
	unsigned int i;

	if (o[2] > 128)
		return false;
	memset(pi, 0, sizeof(*pi));
	pi->prefix.len = o[2];
	pi->flags = o[3];
	pi->valid_s = get32(o + 4);
	pi->preferred_s = get32(o + 8);
	memcpy(&pi->prefix.addr, o + 16, 16);
	for (i = pi->prefix.len; i < 128; i++)
		pi->prefix.addr.s6_addr[i / 8] &= ~(0x80 >> (i % 8));
	return true;
}

int disc_parse_mpa(const void *icmp, size_t len, const struct config_prefix *home,
		   struct disc_mpa *mpa)
{
	const __u8 *p = icmp;
	size_t pos = DISC_ICMP_HDR_LEN;

	memset(mpa, 0, sizeof(*mpa));
	if (len < DISC_ICMP_HDR_LEN || p[0] != DISC_ICMP_MPA || p[1] != 0)
		return -EBADMSG;
	mpa->id = (p[4] << 8) | p[5];
	mpa->flags = p[6] & (DISC_MPA_F_MANAGED | DISC_MPA_F_OTHER);
	while (pos < len) {
		struct disc_prefix_info pi;
		size_t olen;

		if (len - pos < 2 || !p[pos + 1])
			return -EBADMSG;
		olen = (size_t)p[pos + 1] * 8;
		if (olen > len - pos)
			return -EBADMSG;
		/* The home prefix when listed (section 11.4.3), else the first. */
		if (p[pos] == ND_OPT_PIO && olen == PIO_LEN && mpa_pio(p + pos, &pi)) {
			if (!mpa->n_prefixes++ ||
			    (home && pi.prefix.len == home->len &&
			     IN6_ARE_ADDR_EQUAL(&pi.prefix.addr, &home->addr)))
				mpa->prefix = pi;
		}
		pos += olen;
	}
	mpa->has_prefix = mpa->n_prefixes > 0;
	return 0;
}

/*
 * IPv6 header, one extension header of type @nexthdr, ICMPv6 of @type: the
 * layout both the MPS and the MPA packets share. Fills all of @out but the
 * home address.
 */
static int mp_pkt_locate(const __u8 *pkt, size_t n, __u8 nexthdr, __u8 type,
			 struct disc_mp_pkt *out, size_t *ext_len)
{
	const struct ip6_hdr *ip6 = (const struct ip6_hdr *)pkt;
	size_t len, hlen;

	memset(out, 0, sizeof(*out));
	if (n < IPV6_HDR_LEN + 8)
		return -EBADMSG;
	if (pkt[offsetof(struct ip6_hdr, ip6_nxt)] != nexthdr)
		return -ENOMSG;
	len = IPV6_HDR_LEN + ntohs(ip6->ip6_plen);
	hlen = ((size_t)pkt[IPV6_HDR_LEN + 1] + 1) * 8;
	if (len > n || IPV6_HDR_LEN + hlen + DISC_ICMP_HDR_LEN > len)
		return -EBADMSG;
	if (pkt[IPV6_HDR_LEN] != IPPROTO_ICMPV6 || pkt[IPV6_HDR_LEN + hlen] != type)
		return -ENOMSG;
	memcpy(&out->src, &ip6->ip6_src, 16);
	memcpy(&out->dst, &ip6->ip6_dst, 16);
	out->icmp = pkt + IPV6_HDR_LEN + hlen;
	out->icmp_len = len - IPV6_HDR_LEN - hlen;
	*ext_len = hlen;
	return 0;
}

int disc_parse_mps_pkt(const void *pkt, size_t len, struct disc_mp_pkt *out)
{
	size_t hlen;
	int err;

	err = mp_pkt_locate(pkt, len, IPPROTO_DSTOPTS, DISC_ICMP_MPS, out, &hlen);
	if (err)
		return err;
	err = mh_find_hao((const __u8 *)pkt + IPV6_HDR_LEN, hlen, &out->home_addr);
	if (err)
		return err == -ENOENT ? -ENOMSG : -EBADMSG;
	/* Section 6.3: the checksum's source is the home address. */
	if (inet_checksum(&out->home_addr, &out->dst, IPPROTO_ICMPV6, out->icmp, out->icmp_len))
		return -EPROTO;
	return 0;
}

int disc_parse_mpa_pkt(const void *pkt, size_t len, struct disc_mp_pkt *out)
{
	size_t hlen;
	int err;

	err = mp_pkt_locate(pkt, len, IPPROTO_ROUTING, DISC_ICMP_MPA, out, &hlen);
	if (err)
		return err;
	if (mh_parse_rt2((const __u8 *)pkt + IPV6_HDR_LEN, hlen, &out->home_addr))
		return -EBADMSG;
	/* RFC 8200 8.1: the final destination, the RH2's home address. */
	if (inet_checksum(&out->src, &out->home_addr, IPPROTO_ICMPV6, out->icmp, out->icmp_len))
		return -EPROTO;
	return 0;
}

/* ---- Router Advertisements -------------------------------------------------------- */

static void ra_pio(const __u8 *o, const struct config_prefix *home, struct disc_ra *ra)
{
	struct config_prefix p = {.len = o[2]};
	struct in6_addr addr;
	unsigned int i;

	memcpy(&addr, o + 16, 16);
	/* Section 7.2: with R the field holds the router's whole address. */
	if ((o[3] & DISC_PIO_F_ROUTER_ADDR) && ra->n_addrs < DISC_RA_MAX_ADDRS &&
	    !addr6_unusable_reason(&addr) && !IN6_IS_ADDR_LINKLOCAL(&addr))
		ra->addrs[ra->n_addrs++] = addr;
	if (!home || p.len != home->len)
		return;
	p.addr = addr;
	for (i = p.len; i < 128; i++)
		p.addr.s6_addr[i / 8] &= ~(0x80 >> (i % 8));
	if (memcmp(&p.addr, &home->addr, 16))
		return;
	ra->has_pio = true;
	ra->pio.prefix = p;
	ra->pio.flags = o[3];
	ra->pio.valid_s = get32(o + 4);
	ra->pio.preferred_s = get32(o + 8);
}

int disc_parse_ra(const void *icmp, size_t len, const struct config_prefix *home,
		  struct disc_ra *ra)
{
	const __u8 *p = icmp;
	size_t pos = RA_HDR_LEN;

	memset(ra, 0, sizeof(*ra));
	if (len < RA_HDR_LEN || p[0] != ND_ROUTER_ADVERT || p[1] != 0)
		return -EBADMSG;
	ra->home_agent = p[5] & DISC_RA_F_HOME_AGENT;
	ra->router_lifetime = (p[6] << 8) | p[7];
	while (pos < len) {
		size_t olen;

		if (len - pos < 2 || !p[pos + 1])
			return -EBADMSG; /* RFC 4861 6.1.2: length 0 is invalid */
		olen = p[pos + 1] * 8;
		if (olen > len - pos)
			return -EBADMSG;
		if (p[pos] == DISC_ND_OPT_HA_INFO && olen == 8) {
			ra->has_ha_info = true;
			ra->preference = (__s16)((p[pos + 4] << 8) | p[pos + 5]);
			ra->ha_lifetime = (p[pos + 6] << 8) | p[pos + 7];
		} else if (p[pos] == ND_OPT_PIO && olen == PIO_LEN) {
			ra_pio(p + pos, home, ra);
		}
		pos += olen;
	}
	/* Section 7.4: without the option, preference 0 and the router lifetime. */
	if (!ra->has_ha_info)
		ra->ha_lifetime = ra->router_lifetime;
	return 0;
}

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

	pr_info("home agent %s left the Home Agents List", addr6_str(&l->e[i].addr, &a));
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
		pr_info("home agent %s (%s) joined the Home Agents List, preference %d",
			addr ? addr6_str(addr, &a) : "without global address",
			addr6_str(lladdr, &(struct addr6_buf){}), ra->preference);
	}
	e = &l->e[i];
	if (addr)
		e->addr = *addr;
	e->preference = ra->preference;
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
			struct in6_addr *out, int max)
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

		if (IN6_IS_ADDR_UNSPECIFIED(&e->addr) ||
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

/* ---- sockets ---------------------------------------------------------------------- */

/* A raw ICMPv6 socket passing @types (-1 terminated), with arrival interface
 * and hop limit (RFC 4861 6.1.2 for the RAs the home agent reads). */
static int open_icmp(const int *types)
{
	const struct inet_icmp6_opts opts = {.pass = types, .nonblock = true, .recv_info = true};

	return inet_icmp6_socket(&opts);
}

struct icmp_rx {
	struct in6_addr src, dst;
	int ifindex, hoplimit;
	__u8 data[PKT_BUF_LEN];
	size_t len;
};

/* One message from @fd: 1, 0 when none is queued, -errno. */
static int icmp_recv(int fd, struct icmp_rx *rx)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int))];
	} control;
	struct sockaddr_in6 from;
	struct iovec iov = {.iov_base = rx->data, .iov_len = sizeof(rx->data)};
	struct msghdr msg = {
		.msg_name = &from,
		.msg_namelen = sizeof(from),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cm;
	ssize_t n;

	n = recvmsg(fd, &msg, MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	rx->len = n;
	rx->src = from.sin6_addr;
	rx->ifindex = 0;
	rx->hoplimit = -1;
	memset(&rx->dst, 0, sizeof(rx->dst));
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level != IPPROTO_IPV6)
			continue;
		if (cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			rx->dst = pi.ipi6_addr;
			rx->ifindex = pi.ipi6_ifindex;
		} else if (cm->cmsg_type == IPV6_HOPLIMIT) {
			memcpy(&rx->hoplimit, CMSG_DATA(cm), sizeof(int));
		}
	}
	return 1;
}

/* An ICMPv6 message from @src to @dst; the kernel sets the checksum. */
static int icmp_send(int fd, const void *msg, size_t len, const struct in6_addr *src,
		     const struct in6_addr *dst)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} control;
	struct sockaddr_in6 to = {.sin6_family = AF_INET6, .sin6_addr = *dst};
	struct iovec iov = {.iov_base = (void *)msg, .iov_len = len};
	struct msghdr m = {
		.msg_name = &to,
		.msg_namelen = sizeof(to),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	struct in6_pktinfo pi = {.ipi6_addr = *src};
	struct cmsghdr *cm;

	memset(&control, 0, sizeof(control));
	cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	return sendmsg(fd, &m, 0) < 0 ? -errno : 0;
}

static __u16 random_id(void)
{
	__u16 id;

	if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != sizeof(id))
		id = random();
	return id;
}

/* ---- home agent ------------------------------------------------------------------- */

struct disc_ha {
	int home_ifindex; /* 0: virtual home network */
	int fd;		  /* ICMPv6: RAs, DHAAD Requests, tunnelled MPS */
	int pkt_fd;	  /* packet socket: MPS with a Home Address option */
	struct in6_addr anycast;
	struct disc_ha_list list;
	bool have_pio; /* the home prefix as the home link's RAs advertise it */
	struct disc_prefix_info pio;
	unsigned long long next_scan_ns;
	__u8 pkt[PKT_BUF_LEN];
};

static struct disc_ha *the_ha; /* one home agent per daemon */

static void ha_answer_dhaad(struct daemon *d, struct disc_ha *h, const struct icmp_rx *rx)
{
	const struct config_ha *cfg = &d->cfg.ha;
	struct in6_addr addrs[DISC_REPLY_MAX_ADDRS];
	__u8 reply[DISC_ICMP_HDR_LEN + sizeof(addrs)];
	__u16 id = (rx->data[4] << 8) | rx->data[5];
	struct addr6_buf a;
	int n, len, err;

	/* Section 10.5: only requests to the home-agents anycast address, from
	 * a unicast source (the care-of address) that can take the reply. */
	if (rx->len < DISC_ICMP_HDR_LEN || rx->data[1] != 0 ||
	    !IN6_ARE_ADDR_EQUAL(&rx->dst, &h->anycast) || addr6_unusable_reason(&rx->src) ||
	    IN6_IS_ADDR_LINKLOCAL(&rx->src))
		return;
	n = disc_ha_list_sorted(&h->list, &cfg->address, cfg->preference, addrs,
				DISC_REPLY_MAX_ADDRS);
	len = disc_build_dhaad_reply(reply, sizeof(reply), id, addrs, n);
	if (len < 0)
		return;
	err = icmp_send(h->fd, reply, len, &cfg->address, &rx->src);
	if (err)
		pr_warn("DHAAD Reply to %s: %s", addr6_str(&rx->src, &a), strerror(-err));
	else
		pr_info("DHAAD Reply id %u to %s: %d home agent(s)", id, addr6_str(&rx->src, &a),
			n);
}

/*
 * The MPA of section 10.6.2 to @coa, with a type 2 routing header holding
 * @hoa (section 6.4): the packet is built here, like sigio.c builds its MH
 * packets, and goes out of the marked IPPROTO_RAW socket. The ICMPv6
 * checksum's destination is the final one, the home address (RFC 8200 8.1).
 */
static int ha_send_mpa(struct daemon *d, struct disc_ha *h, __u16 id, const struct in6_addr *coa,
		       const struct in6_addr *hoa)
{
	const struct config_ha *cfg = &d->cfg.ha;
	struct disc_prefix_info pi = {
		.prefix = cfg->home_prefix,
		.flags = ND_OPT_PI_FLAG_ONLINK | ND_OPT_PI_FLAG_AUTO,
		.valid_s = DEFAULT_VALID_S,
		.preferred_s = DEFAULT_PREFERRED_S,
	};
	__u8 buf[IPV6_HDR_LEN + sizeof(struct mip6_rt2_hdr) + DISC_ICMP_HDR_LEN + PIO_LEN];
	struct ip6_hdr *ip6 = (struct ip6_hdr *)buf;
	struct sockaddr_in6 to = {.sin6_family = AF_INET6, .sin6_addr = *coa};
	size_t off = IPV6_HDR_LEN;
	__u16 sum;
	int n;

	if (h->have_pio)
		pi = h->pio;
	memset(ip6, 0, IPV6_HDR_LEN);
	ip6->ip6_flow = htonl(6U << 28);
	ip6->ip6_hlim = 64;
	ip6->ip6_nxt = IPPROTO_ROUTING;
	ip6->ip6_src = cfg->address;
	ip6->ip6_dst = *coa;
	n = mh_build_rt2(buf + off, sizeof(buf) - off, IPPROTO_ICMPV6, hoa);
	if (n < 0)
		return n;
	off += n;
	n = disc_build_mpa(buf + off, sizeof(buf) - off, id, &pi);
	if (n < 0)
		return n;
	sum = inet_checksum(&cfg->address, hoa, IPPROTO_ICMPV6, buf + off, n);
	buf[off + 2] = sum >> 8;
	buf[off + 3] = sum & 0xff;
	off += n;
	ip6->ip6_plen = htons(off - IPV6_HDR_LEN);
	if (sendto(d->socks.raw_fd, buf, off, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	return 0;
}

/*
 * An MPS from home address @hoa at care-of address @coa (or, tunnelled,
 * with @coa NULL). Without IPsec between MN and HA (RFC 4285 covers BU/BA
 * only) the answer goes only to a registered mobile node, at the care-of
 * address of its binding.
 */
static void ha_answer_mps(struct daemon *d, struct disc_ha *h, const __u8 *icmp, size_t len,
			  const struct in6_addr *hoa, const struct in6_addr *coa)
{
	struct xmip6_binding b;
	struct addr6_buf a, c;
	__u16 id;
	int err;

	if (disc_parse_mps(icmp, len, &id))
		return;
	if (!config_prefix_match(&d->cfg.ha.home_prefix, hoa) ||
	    dp_binding_lookup(&d->dp, hoa, &b)) {
		pr_info("MPS from %s ignored: no binding", addr6_str(hoa, &a));
		return;
	}
	if (coa && !IN6_ARE_ADDR_EQUAL(coa, &b.care_of_addr)) {
		pr_info("MPS from %s ignored: care-of address %s is not the binding's",
			addr6_str(hoa, &a), addr6_str(coa, &c));
		return;
	}
	err = ha_send_mpa(d, h, id, &b.care_of_addr, hoa);
	if (err)
		pr_warn("MPA to %s: %s", addr6_str(&b.care_of_addr, &c), strerror(-err));
	else
		pr_info("MPA id %u to %s for %s", id, addr6_str(&b.care_of_addr, &c),
			addr6_str(hoa, &a));
}

static void ha_take_ra(struct daemon *d, struct disc_ha *h, const struct icmp_rx *rx,
		       unsigned long long now)
{
	struct disc_ra ra;

	/* RFC 4861 6.1.2: from a link-local source with hop limit 255; and only
	 * the home link's routers are home agents for our prefix (10.5.1). */
	if (!h->home_ifindex || rx->ifindex != h->home_ifindex ||
	    rx->hoplimit != INET_ND_HOP_LIMIT || !IN6_IS_ADDR_LINKLOCAL(&rx->src))
		return;
	if (disc_parse_ra(rx->data, rx->len, &d->cfg.ha.home_prefix, &ra))
		return;
	if (ra.has_pio && ra.pio.valid_s) {
		h->have_pio = true;
		h->pio = ra.pio;
		h->pio.flags &= ND_OPT_PI_FLAG_ONLINK | ND_OPT_PI_FLAG_AUTO;
	}
	if (disc_ha_list_update(&h->list, &rx->src, &ra, &d->cfg.ha.home_prefix, now) == -ENOSPC)
		pr_warn("Home Agents List full (%d entries)", DISC_MAX_HOME_AGENTS);
}

static void ha_icmp_readable(struct daemon *d, void *arg, unsigned long long now)
{
	struct disc_ha *h = arg;
	static struct icmp_rx rx;
	int i;

	for (i = 0; i < READ_BUDGET && icmp_recv(h->fd, &rx) > 0; i++) {
		if (rx.len < DISC_ICMP_HDR_LEN)
			continue;
		switch (rx.data[0]) {
		case ND_ROUTER_ADVERT:
			ha_take_ra(d, h, &rx, now);
			break;
		case DISC_ICMP_DHAAD_REQUEST:
			ha_answer_dhaad(d, h, &rx);
			break;
		case DISC_ICMP_MPS:
			/* Reverse-tunnelled from the home address, to our address. */
			if (IN6_ARE_ADDR_EQUAL(&rx.dst, &d->cfg.ha.address))
				ha_answer_mps(d, h, rx.data, rx.len, &rx.src, NULL);
			break;
		}
	}
}

/*
 * An MPS as section 11.4.3 sends it: from the care-of address, with the
 * home address in a Home Address option, to our address. The ICMPv6
 * checksum covers the home address (RFC 6275 section 6.3).
 */
static void ha_pkt_readable(struct daemon *d, void *arg, unsigned long long now)
{
	struct disc_ha *h = arg;
	struct sockaddr_ll from;
	socklen_t flen;
	int i;

	(void)now;
	for (i = 0; i < READ_BUDGET; i++) {
		struct disc_mp_pkt mp;
		ssize_t n;
		int err;

		flen = sizeof(from);
		n = recvfrom(h->pkt_fd, h->pkt, sizeof(h->pkt), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &flen);
		if (n < 0)
			return;
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		err = disc_parse_mps_pkt(h->pkt, n, &mp);
		if ((err && err != -EPROTO) || !IN6_ARE_ADDR_EQUAL(&mp.dst, &d->cfg.ha.address))
			continue;
		if (err) {
			pr_debug("MPS with a bad checksum dropped");
			continue;
		}
		ha_answer_mps(d, h, mp.icmp, mp.icmp_len, &mp.home_addr, &mp.src);
	}
}

static void ha_list_tick(struct daemon *d, void *arg, unsigned long long now)
{
	struct disc_ha *h = arg;

	(void)d;
	if (now < h->next_scan_ns)
		return;
	h->next_scan_ns = now + EXPIRY_SCAN_NS;
	disc_ha_list_expire(&h->list, now);
}

/* A packet socket taking only IPv6 packets whose Next Header is @nexthdr. */
static int open_pkt(__u8 nexthdr)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, offsetof(struct ip6_hdr, ip6_nxt)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nexthdr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, PKT_BUF_LEN),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = {.len = sizeof(code) / sizeof(code[0]), .filter = code};
	int fd;

	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_IPV6));
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
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

static void ha_free(struct disc_ha *h)
{
	if (h->fd >= 0)
		close(h->fd);
	if (h->pkt_fd >= 0)
		close(h->pkt_fd);
	free(h);
}

int disc_ha_start(struct daemon *d)
{
	static const int types[] = {ND_ROUTER_ADVERT, DISC_ICMP_DHAAD_REQUEST, DISC_ICMP_MPS, -1};
	const struct config_ha *cfg = &d->cfg.ha;
	struct disc_ha *h;
	struct addr6_buf a;
	int i, err;

	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->fd = h->pkt_fd = -1;
	disc_home_agents_anycast(&cfg->home_prefix, &h->anycast);
	h->fd = open_icmp(types);
	if (h->fd < 0) {
		err = h->fd;
		pr_err("DHAAD socket: %s", strerror(-err));
		goto fail;
	}
	h->pkt_fd = open_pkt(IPPROTO_DSTOPTS);
	if (h->pkt_fd < 0) {
		err = h->pkt_fd;
		pr_err("Mobile Prefix Solicitation packet socket: %s", strerror(-err));
		goto fail;
	}
	/* The home link, or every interface for a virtual home network: the
	 * prefix, and so its anycast address, is routed to us. */
	if (cfg->home_link[0]) {
		h->home_ifindex = if_nametoindex(cfg->home_link);
		err = join_anycast(h->fd, &h->anycast, h->home_ifindex, cfg->home_link);
	} else {
		for (i = 0, err = 0; i < cfg->n_interfaces && !err; i++)
			err = join_anycast(h->fd, &h->anycast, if_nametoindex(cfg->interfaces[i]),
					   cfg->interfaces[i]);
	}
	if (!err)
		err = daemon_watch(d, h->fd, ha_icmp_readable, h);
	if (!err)
		err = daemon_watch(d, h->pkt_fd, ha_pkt_readable, h);
	if (!err)
		err = daemon_on_tick(d, ha_list_tick, h);
	if (err)
		goto fail;
	the_ha = h;
	pr_info("answering DHAAD at %s, preference %d", addr6_str(&h->anycast, &a),
		cfg->preference);
	return 0;
fail:
	/* Hooks registered before a failure stay only when the daemon goes on,
	 * which it does not: ha_start fails and the daemon exits. */
	ha_free(h);
	return err;
}

void disc_ha_stop(struct daemon *d)
{
	(void)d;
	if (!the_ha)
		return;
	ha_free(the_ha);
	the_ha = NULL;
}

void disc_ha_list_json_add(const struct daemon *d, struct json_object *arr)
{
	unsigned long long now = mono_now_ns();
	struct addr6_buf a;
	char ifname[IF_NAMESIZE];
	int i;

	(void)d;
	if (!the_ha)
		return;
	for (i = 0; i < the_ha->list.n; i++) {
		const struct disc_ha_entry *e = &the_ha->list.e[i];
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
				       if_indextoname(the_ha->home_ifindex, ifname)
					       ? json_object_new_string(ifname)
					       : NULL);
		json_object_object_add(o, "source", json_object_new_string("ra"));
		json_object_array_add(arr, o);
	}
}

/* ---- mobile node ------------------------------------------------------------------ */

struct disc_mn {
	struct disc_mn_ops ops;
	int fd; /* ICMPv6: DHAAD Replies */
	bool active;
	struct in6_addr coa;
	__u16 ids[DISC_DHAAD_RETRIES + 1]; /* one per transmission of this round */
	int sent;
	__u32 timeout_ms;
	unsigned long long next_ns;
	unsigned long long holdoff_ns; /* no new round before */
	struct in6_addr anycast;

	/* Mobile prefix discovery (section 11.4.2), once registered. */
	int pkt_fd; /* packet socket: MPAs carry a type 2 routing header */
	bool mps_active;
	__u16 mps_id;
	int mps_sent;
	__u32 mps_timeout_ms;
	unsigned long long mps_next_ns;	   /* retransmission */
	unsigned long long mps_refresh_ns; /* next solicitation; 0: after registering */
	struct in6_addr mps_coa;
	bool have_prefix;
	struct disc_prefix_info prefix; /* the home prefix as the HA last advertised it */
	__u8 pkt[PKT_BUF_LEN];
};

static struct disc_mn *the_mn;

static void mn_send_request(struct daemon *d, struct disc_mn *m, unsigned long long now)
{
	__u8 req[DISC_ICMP_HDR_LEN];
	struct addr6_buf a, c;
	__u16 id = random_id();
	int err;

	(void)d;
	/* A new Identifier per transmission: a late reply to any of them is good. */
	m->ids[m->sent++] = id;
	disc_build_dhaad_request(req, sizeof(req), id);
	err = icmp_send(m->fd, req, sizeof(req), &m->coa, &m->anycast);
	if (err)
		pr_warn("DHAAD Request to %s: %s", addr6_str(&m->anycast, &a), strerror(-err));
	else
		pr_info("DHAAD Request id %u from %s to %s (%d of %d)", id, addr6_str(&m->coa, &c),
			addr6_str(&m->anycast, &a), m->sent, DISC_DHAAD_RETRIES + 1);
	m->next_ns = now + (unsigned long long)m->timeout_ms * NSEC_PER_MSEC;
}

void disc_mn_need_home_agent(struct daemon *d, const struct in6_addr *coa)
{
	struct disc_mn *m = the_mn;
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
	m->timeout_ms = DISC_INITIAL_DHAAD_TIMEOUT_MS;
	mn_send_request(d, m, now);
}

static void mn_mps_tick(struct daemon *d, struct disc_mn *m, unsigned long long now);

static void mn_tick_disc(struct daemon *d, void *arg, unsigned long long now)
{
	struct disc_mn *m = arg;

	mn_mps_tick(d, m, now);
	if (!m->active || now < m->next_ns)
		return;
	if (m->sent > DISC_DHAAD_RETRIES) {
		pr_warn("no home agent answered %d DHAAD Requests; trying again in %d s", m->sent,
			DHAAD_HOLDOFF_S);
		m->active = false;
		m->holdoff_ns = now + DHAAD_HOLDOFF_S * NSEC_PER_SEC;
		return;
	}
	m->timeout_ms *= 2; /* section 11.4.1: exponential backoff */
	mn_send_request(d, m, now);
}

static void mn_take_reply(struct daemon *d, struct disc_mn *m, const struct icmp_rx *rx)
{
	struct in6_addr addrs[DISC_REPLY_MAX_ADDRS];
	struct addr6_buf a;
	__u16 id;
	int i, n;

	(void)d;
	if (!m->active || !IN6_ARE_ADDR_EQUAL(&rx->dst, &m->coa))
		return;
	if (disc_parse_dhaad_reply(rx->data, rx->len, &id, addrs, DISC_REPLY_MAX_ADDRS, &n))
		return;
	for (i = 0; i < m->sent && m->ids[i] != id; i++)
		;
	if (i == m->sent) {
		pr_info("DHAAD Reply id %u from %s matches no request", id,
			addr6_str(&rx->src, &a));
		return;
	}
	/* The first usable address is the most preferred home agent (11.4.1). */
	for (i = 0; i < n && (addr6_unusable_reason(&addrs[i]) || IN6_IS_ADDR_LINKLOCAL(&addrs[i]));
	     i++)
		;
	if (i == n) {
		pr_warn("DHAAD Reply from %s lists no home agent", addr6_str(&rx->src, &a));
		return;
	}
	m->active = false;
	pr_notice("DHAAD: home agent %s (%d listed)", addr6_str(&addrs[i], &a), n);
	m->ops.home_agent_found(m->ops.ctx, &addrs[i]);
}

static void mn_icmp_readable(struct daemon *d, void *arg, unsigned long long now)
{
	struct disc_mn *m = arg;
	static struct icmp_rx rx;
	int i;

	(void)now;
	for (i = 0; i < READ_BUDGET && icmp_recv(m->fd, &rx) > 0; i++)
		if (rx.len >= DISC_ICMP_HDR_LEN && rx.data[0] == DISC_ICMP_DHAAD_REPLY)
			mn_take_reply(d, m, &rx);
}

/*
 * MPS (section 11.4.2) from the care-of address to the home agent, with the
 * home address in a Home Address option, which the ICMPv6 checksum covers
 * instead of the care-of address (section 6.3). Built whole and sent on the
 * marked IPPROTO_RAW socket: the kernel cannot add a HAO without MIP6.
 */
static int mn_send_mps(struct daemon *d, struct disc_mn *m, const struct in6_addr *coa,
		       const struct in6_addr *hoa, const struct in6_addr *ha)
{
	__u8 buf[IPV6_HDR_LEN + sizeof(struct mip6_dstopts_hao) + DISC_ICMP_HDR_LEN];
	struct ip6_hdr *ip6 = (struct ip6_hdr *)buf;
	struct sockaddr_in6 to = {.sin6_family = AF_INET6, .sin6_addr = *ha};
	size_t off = IPV6_HDR_LEN;
	__u16 sum;
	int n;

	memset(ip6, 0, IPV6_HDR_LEN);
	ip6->ip6_flow = htonl(6U << 28);
	ip6->ip6_hlim = 64;
	ip6->ip6_nxt = IPPROTO_DSTOPTS;
	ip6->ip6_src = *coa;
	ip6->ip6_dst = *ha;
	n = mh_build_hao_dstopts(buf + off, sizeof(buf) - off, IPPROTO_ICMPV6, hoa);
	if (n < 0)
		return n;
	off += n;
	n = disc_build_mps(buf + off, sizeof(buf) - off, m->mps_id);
	if (n < 0)
		return n;
	sum = inet_checksum(hoa, ha, IPPROTO_ICMPV6, buf + off, n);
	buf[off + 2] = sum >> 8;
	buf[off + 3] = sum & 0xff;
	off += n;
	ip6->ip6_plen = htons(off - IPV6_HDR_LEN);
	if (sendto(d->socks.raw_fd, buf, off, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	return 0;
}

static void mn_mps_transmit(struct daemon *d, struct disc_mn *m, unsigned long long now)
{
	struct mn_where w;
	struct addr6_buf a;
	int err;

	m->ops.where(m->ops.ctx, &w);
	if (!w.registered) {
		m->mps_active = false; /* solicited again once registered */
		m->mps_refresh_ns = 0;
		return;
	}
	m->mps_id = random_id();
	m->mps_coa = w.care_of_addr;
	m->mps_sent++;
	err = mn_send_mps(d, m, &w.care_of_addr, &w.home_addr, &w.home_agent);
	if (err)
		pr_warn("MPS to %s: %s", addr6_str(&w.home_agent, &a), strerror(-err));
	else
		pr_info("MPS id %u to %s", m->mps_id, addr6_str(&w.home_agent, &a));
	m->mps_next_ns = now + (unsigned long long)m->mps_timeout_ms * NSEC_PER_MSEC;
}

static void mn_mps_tick(struct daemon *d, struct disc_mn *m, unsigned long long now)
{
	struct mn_where w;

	if (!m->mps_active) {
		/* After the registration, and again when the prefix's preferred
		 * lifetime is over (section 11.4.2). */
		if (now < m->mps_refresh_ns)
			return;
		m->ops.where(m->ops.ctx, &w);
		if (!w.registered)
			return;
		m->mps_active = true;
		m->mps_sent = 0;
		m->mps_timeout_ms = DISC_INITIAL_SOLICIT_TIMER_MS;
		mn_mps_transmit(d, m, now);
		return;
	}
	if (now < m->mps_next_ns)
		return;
	if (m->mps_sent > DISC_MPS_RETRIES) {
		pr_warn("no Mobile Prefix Advertisement after %d solicitations", m->mps_sent);
		m->mps_active = false;
		m->mps_refresh_ns = now + DHAAD_HOLDOFF_S * NSEC_PER_SEC;
		return;
	}
	m->mps_timeout_ms *= 2;
	mn_mps_transmit(d, m, now);
}

static void mn_take_mpa(struct daemon *d, struct disc_mn *m, const __u8 *icmp, size_t len,
			unsigned long long now)
{
	const struct config_prefix *home = &d->cfg.mn.home_prefix;
	struct disc_prefix_info pi;
	struct disc_mpa mpa;
	struct addr6_buf a;
	__u32 refresh_s;

	if (disc_parse_mpa(icmp, len, home, &mpa)) {
		pr_info("malformed MPA dropped");
		return;
	}
	if (!m->mps_active || mpa.id != m->mps_id) {
		pr_info("MPA matching no solicitation ignored");
		return;
	}
	m->mps_active = false;
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
	m->have_prefix = true;
	m->prefix = pi;
	refresh_s = pi.preferred_s && pi.preferred_s < pi.valid_s ? pi.preferred_s : pi.valid_s;
	if (refresh_s < DISC_MIN_PREFIX_REFRESH_S)
		refresh_s = DISC_MIN_PREFIX_REFRESH_S;
	m->mps_refresh_ns = now + (unsigned long long)refresh_s * NSEC_PER_SEC;
}

/*
 * An MPA as section 11.4.3 expects it: from our home agent to the care-of
 * address with a type 2 routing header holding the home address. The
 * kernel, without MIP6, drops it; the packet socket sees it first.
 */
static void mn_pkt_readable(struct daemon *d, void *arg, unsigned long long now)
{
	struct disc_mn *m = arg;
	struct sockaddr_ll from;
	struct mn_where w;
	socklen_t flen;
	int i;

	for (i = 0; i < READ_BUDGET; i++) {
		struct disc_mp_pkt mp;
		ssize_t n;
		int err;

		flen = sizeof(from);
		n = recvfrom(m->pkt_fd, m->pkt, sizeof(m->pkt), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &flen);
		if (n < 0)
			return;
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		err = disc_parse_mpa_pkt(m->pkt, n, &mp);
		if (err && err != -EPROTO)
			continue;
		m->ops.where(m->ops.ctx, &w);
		if (!w.registered || !IN6_ARE_ADDR_EQUAL(&mp.home_addr, &w.home_addr) ||
		    !IN6_ARE_ADDR_EQUAL(&mp.src, &w.home_agent) ||
		    !IN6_ARE_ADDR_EQUAL(&mp.dst, &w.care_of_addr))
			continue;
		if (err) {
			pr_debug("MPA with a bad checksum dropped");
			continue;
		}
		mn_take_mpa(d, m, mp.icmp, mp.icmp_len, now);
	}
}

static void mn_free(struct disc_mn *m)
{
	if (m->fd >= 0)
		close(m->fd);
	if (m->pkt_fd >= 0)
		close(m->pkt_fd);
	free(m);
}

int disc_mn_start(struct daemon *d, const struct disc_mn_ops *ops)
{
	static const int types[] = {DISC_ICMP_DHAAD_REPLY, -1};
	struct disc_mn *m;
	int err;

	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->ops = *ops;
	m->fd = m->pkt_fd = -1;
	disc_home_agents_anycast(&d->cfg.mn.home_prefix, &m->anycast);
	m->fd = open_icmp(types);
	if (m->fd < 0) {
		err = m->fd;
		pr_err("DHAAD socket: %s", strerror(-err));
		goto fail;
	}
	m->pkt_fd = open_pkt(IPPROTO_ROUTING);
	if (m->pkt_fd < 0) {
		err = m->pkt_fd;
		pr_err("Mobile Prefix Advertisement packet socket: %s", strerror(-err));
		goto fail;
	}
	err = daemon_watch(d, m->fd, mn_icmp_readable, m);
	if (!err)
		err = daemon_watch(d, m->pkt_fd, mn_pkt_readable, m);
	if (!err)
		err = daemon_on_tick(d, mn_tick_disc, m);
	if (err)
		goto fail;
	the_mn = m;
	return 0;
fail:
	mn_free(m);
	return err;
}

void disc_mn_stop(struct daemon *d)
{
	(void)d;
	if (!the_mn)
		return;
	mn_free(the_mn);
	the_mn = NULL;
}
