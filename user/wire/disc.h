/* SPDX-License-Identifier: GPL-2.0 */
/*
 * disc.h - the ICMPv6 messages of Dynamic Home Agent Address Discovery and
 * Mobile Prefix Solicitation/Advertisement (RFC 6275 sections 6.5-6.8,
 * types 144-147), and the Router Advertisement options a home agent reads
 * (sections 7.1-7.4): building and parsing, no sockets and no daemon. The
 * home agent's side is roles/disc_ha.c, the mobile node's roles/disc_mn.c.
 */
#ifndef XMIP6_WIRE_DISC_H
#define XMIP6_WIRE_DISC_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>
#include <linux/types.h>

#include "config/config.h"

#define DISC_ICMP_DHAAD_REQUEST 144
#define DISC_ICMP_DHAAD_REPLY	145
#define DISC_ICMP_MPS		146
#define DISC_ICMP_MPA		147
#define DISC_ND_OPT_HA_INFO	8    /* Home Agent Information option, section 7.4 */
#define DISC_RA_F_HOME_AGENT	0x20 /* RA flags octet, section 7.1 */
#define DISC_PIO_F_ROUTER_ADDR	0x20 /* Prefix Information R flag, section 7.2 */
/* NEMO (RFC 3963 sections 7.1-7.3): the Mobile Router Support flag R, the
 * first bit of the Reserved field, octet 6 of a DHAAD Request or Reply
 * (asked for; the home agents listed support mobile routers) and octet 2
 * of the Home Agent Information option (this home agent supports them). */
#define DISC_DHAAD_F_ROUTER 0x80
#define DISC_HAI_F_ROUTER   0x80

#define DISC_ICMP_HDR_LEN 8
/* A reply must fit the IPv6 minimum MTU (section 10.5): 77 addresses. */
#define DISC_REPLY_MAX_ADDRS ((1280 - 40 - DISC_ICMP_HDR_LEN) / 16)

/* The home-agents anycast address of a prefix (RFC 2526, anycast ID 126). */
void disc_home_agents_anycast(const struct config_prefix *prefix, struct in6_addr *out);

/* ---- messages (ICMPv6 header included; checksum 0: the sender fills it) ---------- */

/* @router: the R flag (RFC 3963 sections 7.1, 7.2). */
int disc_build_dhaad_request(void *buf, size_t size, __u16 id, bool router);
int disc_build_dhaad_reply(void *buf, size_t size, __u16 id, const struct in6_addr *addrs, int n,
			   bool router);
/* The R flag of a DHAAD Request or Reply (from its type octet); false when too short. */
bool disc_dhaad_router(const void *icmp, size_t len);
/* 0 and *@id, @addrs (at most @max, *@n of them); -EBADMSG when malformed. */
int disc_parse_dhaad_reply(const void *icmp, size_t len, __u16 *id, struct in6_addr *addrs, int max,
			   int *n);
int disc_build_mps(void *buf, size_t size, __u16 id);

struct disc_prefix_info {
	struct config_prefix prefix;
	__u8 flags; /* L 0x80, A 0x40, R 0x20 */
	__u32 valid_s, preferred_s;
};

int disc_build_mpa(void *buf, size_t size, __u16 id, const struct disc_prefix_info *pi);

/*
 * The whole packets of sections 11.4.3 and 10.6.2, for a raw socket: an MPS
 * from care-of address @coa to home agent @ha with @hoa in a Home Address
 * option, its ICMPv6 checksum over the home address as source (section
 * 6.3); an MPA from @ha to @coa with @hoa in a type 2 routing header, its
 * checksum over the home address as destination (RFC 8200 section 8.1).
 * The length, or -ENOSPC.
 */
int disc_build_mps_pkt(void *buf, size_t size, const struct in6_addr *coa,
		       const struct in6_addr *ha, const struct in6_addr *hoa, __u16 id);
int disc_build_mpa_pkt(void *buf, size_t size, const struct in6_addr *ha,
		       const struct in6_addr *coa, const struct in6_addr *hoa, __u16 id,
		       const struct disc_prefix_info *pi);

/* ---- Mobile Prefix Solicitation / Advertisement, receive side (fuzzed, unit-tested) -- */

/*
 * An MPS or MPA as the packet socket delivers it (IPv6 header first): the
 * IPv6 addresses, the home address the extension header carries and where
 * the ICMPv6 message is (inside the caller's buffer).
 */
struct disc_mp_pkt {
	struct in6_addr src, dst;
	struct in6_addr home_addr; /* from the Home Address option (MPS) or the RH2 (MPA) */
	const __u8 *icmp;
	size_t icmp_len;
};

/*
 * An MPS sent as section 11.4.3 says: IPv6, a Destination Options header
 * with a Home Address option, an ICMPv6 type 146 whose checksum covers the
 * home address instead of the source (section 6.3). disc_parse_mpa_pkt():
 * an MPA as section 10.6.2 sends it, IPv6, a type 2 routing header, an
 * ICMPv6 type 147 whose checksum covers the home address as destination
 * (RFC 8200 section 8.1). Both: 0 and @out; -ENOMSG when the packet is not
 * such a message (other Next Header, ICMPv6 type, no Home Address option);
 * -EBADMSG when truncated (payload length past @len, extension header past
 * the payload, less than an ICMPv6 header behind it) or the HAO or RH2 is
 * malformed; -EPROTO when only the checksum is wrong (@out filled in).
 * Extra octets after the payload (link-layer padding) are ignored.
 */
int disc_parse_mps_pkt(const void *pkt, size_t len, struct disc_mp_pkt *out);
int disc_parse_mpa_pkt(const void *pkt, size_t len, struct disc_mp_pkt *out);

/* An MPS (section 6.7) from its type octet: 0 and *@id, -EBADMSG when not one. */
int disc_parse_mps(const void *icmp, size_t len, __u16 *id);

#define DISC_MPA_F_MANAGED 0x80 /* M, section 6.8 */
#define DISC_MPA_F_OTHER   0x40 /* O */

struct disc_mpa {
	__u16 id;
	__u8 flags;	 /* DISC_MPA_F_* */
	int n_prefixes;	 /* well-formed Prefix Information options */
	bool has_prefix; /* n_prefixes > 0 */
	/* The PIO for the home prefix given to disc_parse_mpa(), else the first
	 * one (host bits cleared). */
	struct disc_prefix_info prefix;
};

/*
 * An MPA (section 6.8) from its type octet, its options as RFC 4861 4.6
 * lays them out: 0 and @mpa; -EBADMSG when it is not type 147 code 0, is
 * shorter than 8 octets, or has an option of length 0 or running past the
 * end (RFC 4861 6.1.2's rule). A Prefix Information option not 32 octets
 * long or with a prefix length over 128, and options of other types, are
 * skipped.
 */
int disc_parse_mpa(const void *icmp, size_t len, const struct config_prefix *home,
		   struct disc_mpa *mpa);

/* ---- Router Advertisements and the Home Agents List ---------------------------------- */

#define DISC_RA_MAX_ADDRS 4

struct disc_ra {
	bool home_agent; /* H bit */
	__u16 router_lifetime;
	bool has_ha_info;
	__s16 preference;  /* Home Agent Information option, else 0 */
	__u16 ha_lifetime; /* the option's, else the router lifetime (section 7.4) */
	bool mr_support;   /* the option's R flag: supports mobile routers (RFC 3963 7.3) */
	struct in6_addr addrs[DISC_RA_MAX_ADDRS]; /* PIO with R: router addresses */
	int n_addrs;
	bool has_pio; /* a PIO for the prefix given to disc_parse_ra() */
	struct disc_prefix_info pio;
};

/* Parse an RA (from its ICMPv6 header); @home picks the PIO kept in ra->pio. */
int disc_parse_ra(const void *icmp, size_t len, const struct config_prefix *home,
		  struct disc_ra *ra);

#endif /* XMIP6_WIRE_DISC_H */
