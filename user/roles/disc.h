/* SPDX-License-Identifier: GPL-2.0 */
/*
 * disc.h - Dynamic Home Agent Address Discovery and Mobile Prefix
 * Solicitation/Advertisement (RFC 6275 sections 6.5-6.8, 10.5, 10.6, 11.4),
 * the ICMPv6 messages 144-147, and the home agent's Home Agents List learnt
 * from Router Advertisements with the H bit (sections 7.4, 10.5.1).
 *
 * Home agent: a raw ICMPv6 socket takes Router Advertisements from the home
 * link (the Home Agents List), DHAAD Requests sent to the home-agents
 * anycast address (joined with IPV6_JOIN_ANYCAST on the home link, or on
 * every interface for a virtual home network) and Mobile Prefix
 * Solicitations reverse-tunnelled from a home address. An MPS sent the RFC
 * way, from the care-of address with a Home Address option, never reaches
 * an ICMPv6 socket (the kernel has no MIP6 and discards the option), so a
 * packet socket filtered to Destination Options headers takes those.
 *
 * Mobile node: without a configured home agent, a DHAAD Request goes from
 * the care-of address to the home-agents anycast address of the home
 * prefix, retransmitted after 3 s, 6 s, ... (INITIAL_DHAAD_TIMEOUT doubling,
 * at most DHAAD_RETRIES retransmissions); the first address of the reply
 * (the most preferred home agent) is handed to mn.c.
 */
#ifndef XMIP6_DISC_H
#define XMIP6_DISC_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>
#include <linux/types.h>

#include "config/config.h"
#include "roles/mn.h"

struct daemon;
struct json_object;

#define DISC_ICMP_DHAAD_REQUEST 144
#define DISC_ICMP_DHAAD_REPLY	145
#define DISC_ICMP_MPS		146
#define DISC_ICMP_MPA		147
#define DISC_ND_OPT_HA_INFO	8    /* Home Agent Information option, section 7.4 */
#define DISC_RA_F_HOME_AGENT	0x20 /* RA flags octet, section 7.1 */
#define DISC_PIO_F_ROUTER_ADDR	0x20 /* Prefix Information R flag, section 7.2 */

#define DISC_INITIAL_DHAAD_TIMEOUT_MS 3000 /* section 12 */
#define DISC_INITIAL_SOLICIT_TIMER_MS 3000 /* section 12: MPS */
#define DISC_MPS_RETRIES	      4	   /* then a new round after 32 s */
#define DISC_MIN_PREFIX_REFRESH_S     60   /* floor on the MPS refresh interval */
#define DISC_DHAAD_RETRIES	      4	   /* retransmissions, section 12 */
#define DISC_MAX_HOME_AGENTS	      64   /* Home Agents List entries learnt from RAs */
#define DISC_ICMP_HDR_LEN	      8
/* A reply must fit the IPv6 minimum MTU (section 10.5): 77 addresses. */
#define DISC_REPLY_MAX_ADDRS ((1280 - 40 - DISC_ICMP_HDR_LEN) / 16)

/* The home-agents anycast address of a prefix (RFC 2526, anycast ID 126). */
void disc_home_agents_anycast(const struct config_prefix *prefix, struct in6_addr *out);

/* ---- messages (ICMPv6 header included; checksum 0: the sender fills it) ---------- */

int disc_build_dhaad_request(void *buf, size_t size, __u16 id);
int disc_build_dhaad_reply(void *buf, size_t size, __u16 id, const struct in6_addr *addrs, int n);
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
	struct in6_addr addrs[DISC_RA_MAX_ADDRS]; /* PIO with R: router addresses */
	int n_addrs;
	bool has_pio; /* a PIO for the prefix given to disc_parse_ra() */
	struct disc_prefix_info pio;
};

/* Parse an RA (from its ICMPv6 header); @home picks the PIO kept in ra->pio. */
int disc_parse_ra(const void *icmp, size_t len, const struct config_prefix *home,
		  struct disc_ra *ra);

struct disc_ha_entry {
	struct in6_addr lladdr; /* the RA's source: what identifies the entry */
	struct in6_addr addr;	/* global address (PIO with R), :: when none was given */
	int preference;
	__u32 lifetime_s;
	unsigned long long expires_ns;
};

struct disc_ha_list {
	struct disc_ha_entry e[DISC_MAX_HOME_AGENTS];
	int n;
};

/*
 * Section 10.5.1: an RA from @lladdr updates, adds or (H clear, or lifetime
 * 0) removes its entry. Returns 1 when it added or updated one, 0 when it
 * removed or ignored, -ENOSPC when the list is full.
 */
int disc_ha_list_update(struct disc_ha_list *l, const struct in6_addr *lladdr,
			const struct disc_ra *ra, const struct config_prefix *home,
			unsigned long long now_ns);
void disc_ha_list_expire(struct disc_ha_list *l, unsigned long long now_ns);

/*
 * The addresses a DHAAD Reply lists: @self (our address, @self_pref) and
 * every entry with a global address, by decreasing preference (equal ones
 * in random order, section 10.5.1), at most @max. Returns how many.
 */
int disc_ha_list_sorted(const struct disc_ha_list *l, const struct in6_addr *self, int self_pref,
			struct in6_addr *out, int max);

/* ---- the daemon's parts -------------------------------------------------------------- */

/* Home agent: open the sockets, join the anycast address, hook into the loop. */
int disc_ha_start(struct daemon *d);
void disc_ha_stop(struct daemon *d);
/* Append the Home Agents List learnt from RAs to @arr (`home-agents show`). */
void disc_ha_list_json_add(const struct daemon *d, struct json_object *arr);

/*
 * Mobile node: open the sockets and hook into the loop. Once registered it
 * solicits the home prefix (MPS with a HAO, section 11.4.2: 3 s doubling,
 * DISC_MPS_RETRIES retransmissions) and again when the advertised preferred
 * lifetime ends; an MPA (RH2 with our home address, from our home agent,
 * matching Identifier) gives the prefix's lifetimes, and a prefix other
 * than the configured one is reported.
 */
struct disc_mn_ops {
	/* DHAAD found @ha, the most preferred home agent. */
	void (*home_agent_found)(void *ctx, const struct in6_addr *ha);
	/* Where the mobile node stands with its home agent now. */
	void (*where)(void *ctx, struct mn_where *w);
	void *ctx;
};

int disc_mn_start(struct daemon *d, const struct disc_mn_ops *ops);
void disc_mn_stop(struct daemon *d);
/*
 * The MN needs a home agent and has care-of address @coa: start DHAAD from
 * it (nothing when one is running from the same address, or while the
 * previous round's hold-off lasts).
 */
void disc_mn_need_home_agent(struct daemon *d, const struct in6_addr *coa);

#endif /* XMIP6_DISC_H */
