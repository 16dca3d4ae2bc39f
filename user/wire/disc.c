// SPDX-License-Identifier: GPL-2.0
/*
 * disc.c - the messages of home agent address and mobile prefix discovery
 * (RFC 6275 sections 6.5-6.8) and the Router Advertisement options of
 * sections 7.1-7.4, built and parsed. See disc.h.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/icmp6.h>
#include <netinet/ip6.h>

#include "common/inet.h"
#include "common/util.h"
#include "wire/disc.h"
#include "wire/mh.h"

#define IPV6_HDR_LEN ((size_t)sizeof(struct ip6_hdr))
#define ANYCAST_ID   0x7e /* RFC 2526: Mobile IPv6 Home-Agents anycast */
#define PIO_LEN	     32	  /* Prefix Information option, RFC 4861 4.6.2 */
#define ND_OPT_PIO   3
#define RA_HDR_LEN   16

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

int disc_build_dhaad_request(void *buf, size_t size, __u16 id, bool router)
{
	int err = build_hdr(buf, size, DISC_ICMP_HDR_LEN, DISC_ICMP_DHAAD_REQUEST, id);

	if (err)
		return err;
	if (router)
		((__u8 *)buf)[6] = DISC_DHAAD_F_ROUTER;
	return DISC_ICMP_HDR_LEN;
}

bool disc_dhaad_router(const void *icmp, size_t len)
{
	return len >= DISC_ICMP_HDR_LEN && (((const __u8 *)icmp)[6] & DISC_DHAAD_F_ROUTER);
}

int disc_build_mps(void *buf, size_t size, __u16 id)
{
	return build_hdr(buf, size, DISC_ICMP_HDR_LEN, DISC_ICMP_MPS, id) ?: DISC_ICMP_HDR_LEN;
}

int disc_build_dhaad_reply(void *buf, size_t size, __u16 id, const struct in6_addr *addrs, int n,
			   bool router)
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
	if (router)
		((__u8 *)buf)[6] = DISC_DHAAD_F_ROUTER;
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

/*
 * IPv6 from @src to @dst, one extension header holding @hoa, an ICMPv6
 * message: with @pi an MPA behind a type 2 routing header, its checksum
 * over the home address as final destination (RFC 8200 section 8.1); else
 * an MPS behind a Home Address option, its checksum over the home address
 * as source (section 6.3). The packet's length, or -ENOSPC.
 */
static int build_mp_pkt(__u8 *buf, size_t size, const struct in6_addr *src,
			const struct in6_addr *dst, const struct in6_addr *hoa, __u16 id,
			const struct disc_prefix_info *pi)
{
	struct ip6_hdr *ip6 = (struct ip6_hdr *)buf;
	int off, len;
	__u16 sum;

	if (size < IPV6_HDR_LEN)
		return -ENOSPC;
	memset(ip6, 0, IPV6_HDR_LEN);
	ip6->ip6_flow = htonl(6U << 28);
	ip6->ip6_hlim = 64;
	ip6->ip6_nxt = pi ? IPPROTO_ROUTING : IPPROTO_DSTOPTS;
	ip6->ip6_src = *src;
	ip6->ip6_dst = *dst;
	off = pi ? mh_build_rt2(buf + IPV6_HDR_LEN, size - IPV6_HDR_LEN, IPPROTO_ICMPV6, hoa)
		 : mh_build_hao_dstopts(buf + IPV6_HDR_LEN, size - IPV6_HDR_LEN, IPPROTO_ICMPV6,
					hoa);
	if (off < 0)
		return off;
	off += IPV6_HDR_LEN;
	len = pi ? disc_build_mpa(buf + off, size - off, id, pi)
		 : disc_build_mps(buf + off, size - off, id);
	if (len < 0)
		return len;
	sum = pi ? inet_checksum(src, hoa, IPPROTO_ICMPV6, buf + off, len)
		 : inet_checksum(hoa, dst, IPPROTO_ICMPV6, buf + off, len);
	buf[off + 2] = sum >> 8;
	buf[off + 3] = sum & 0xff;
	ip6->ip6_plen = htons(off + len - IPV6_HDR_LEN);
	return off + len;
}

int disc_build_mps_pkt(void *buf, size_t size, const struct in6_addr *coa,
		       const struct in6_addr *ha, const struct in6_addr *hoa, __u16 id)
{
	return build_mp_pkt(buf, size, coa, ha, hoa, id, NULL);
}

int disc_build_mpa_pkt(void *buf, size_t size, const struct in6_addr *ha,
		       const struct in6_addr *coa, const struct in6_addr *hoa, __u16 id,
		       const struct disc_prefix_info *pi)
{
	return build_mp_pkt(buf, size, ha, coa, hoa, id, pi);
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
			ra->mr_support = p[pos + 2] & DISC_HAI_F_ROUTER;
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
