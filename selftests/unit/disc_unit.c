// SPDX-License-Identifier: GPL-2.0
/*
 * disc_unit.c - unit tests of user/wire/disc.c and the Home Agents List of
 * user/roles/disc_ha.c: the home-agents anycast address (RFC 2526), the
 * ICMPv6 144-147 layouts, Router Advertisement parsing and the Home Agents
 * List (RFC 6275 sections 7.4, 10.5.1), and the receive side of Mobile
 * Prefix Discovery (sections 6.7, 6.8, 10.6, 11.4.3). The expected octets
 * are written out here from the RFC layouts (RFC 6275 sections 6.5 and
 * 9); the two packets' checksums are the ones Scapy computed.
 *
 * Prints TAP lines ("ok N - ...", "not ok N - ..."), exits 1 on any failure.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "common/inet.h"
#include "roles/disc_ha.h"
#include "wire/disc.h"
#include "unit.h"

#define NS 1000000000ULL

static bool addr_eq(const struct in6_addr *a, const char *s)
{
	struct in6_addr b = a6(s);

	return !memcmp(a, &b, sizeof(b));
}

static void test_anycast(void)
{
	struct config_prefix p64 = {.addr = a6("2001:db8:1::"), .len = 64};
	struct config_prefix p48 = {.addr = a6("2001:db8:1::"), .len = 48};
	struct config_prefix p120 = {.addr = a6("2001:db8:1::100"), .len = 120};
	struct in6_addr a;

	disc_home_agents_anycast(&p64, &a);
	check(addr_eq(&a, "2001:db8:1:0:fdff:ffff:ffff:fffe"), "anycast of a /64");
	disc_home_agents_anycast(&p48, &a);
	check(addr_eq(&a, "2001:db8:1:ffff:fdff:ffff:ffff:fffe"),
	      "anycast of a /48: EUI-64 format interface identifier");
	disc_home_agents_anycast(&p120, &a);
	check(addr_eq(&a, "2001:db8:1::1fe"), "anycast of a /120: all ones, ID 126");
}

static void test_messages(void)
{
	static const __u8 req[] = {144, 0, 0, 0, 0x12, 0x34, 0, 0};
	struct in6_addr addrs[DISC_REPLY_MAX_ADDRS + 1], back[4];
	struct disc_prefix_info pi = {
		.prefix = {.addr = a6("2001:db8:1::"), .len = 64},
		.flags = 0xc0,
		.valid_s = 86400,
		.preferred_s = 14400,
	};
	__u8 buf[1400];
	__u16 id;
	int n, len;

	len = disc_build_dhaad_request(buf, sizeof(buf), 0x1234, false);
	check(len == 8 && !memcmp(buf, req, 8), "DHAAD Request: type 144, Identifier, Reserved");
	check(!disc_dhaad_router(buf, len), "DHAAD Request of a mobile node: no R");
	len = disc_build_dhaad_request(buf, sizeof(buf), 0x1234, true);
	check(len == 8 && buf[6] == 0x80 && buf[7] == 0 && disc_dhaad_router(buf, len) &&
		      !disc_dhaad_router(buf, 7),
	      "DHAAD Request of a mobile router: R, the Reserved field's first bit (RFC 3963 7.1)");
	len = disc_build_mps(buf, sizeof(buf), 0x1234);
	check(len == 8 && buf[0] == 146 && buf[4] == 0x12 && buf[5] == 0x34, "MPS: type 146");
	addrs[0] = a6("2001:db8:1::a");
	addrs[1] = a6("2001:db8:1::b");
	len = disc_build_dhaad_reply(buf, sizeof(buf), 7, addrs, 2, false);
	check(len == 40 && buf[0] == 145 && buf[5] == 7 && !memcmp(buf + 8, &addrs[0], 16) &&
		      !memcmp(buf + 24, &addrs[1], 16),
	      "DHAAD Reply: type 145, addresses after 8 octets");
	check(!disc_parse_dhaad_reply(buf, len, &id, back, 4, &n) && id == 7 && n == 2 &&
		      addr_eq(&back[1], "2001:db8:1::b"),
	      "DHAAD Reply parsed back");
	check(!disc_dhaad_router(buf, len), "DHAAD Reply without R");
	len = disc_build_dhaad_reply(buf, sizeof(buf), 7, addrs, 2, true);
	check(len == 40 && buf[6] == 0x80 && buf[7] == 0 && disc_dhaad_router(buf, len) &&
		      !disc_parse_dhaad_reply(buf, len, &id, back, 4, &n) && n == 2,
	      "DHAAD Reply with R (RFC 3963 7.2), parsed back");
	check(disc_parse_dhaad_reply(buf, len - 1, &id, back, 4, &n) == -EBADMSG,
	      "DHAAD Reply of a length not 8 + 16n refused");
	check(disc_build_dhaad_reply(buf, sizeof(buf), 7, addrs, DISC_REPLY_MAX_ADDRS + 1, false) <
			      0 &&
		      40 + 8 + 16 * DISC_REPLY_MAX_ADDRS <= 1280,
	      "DHAAD Reply holds at most %d addresses (1280 octets)", DISC_REPLY_MAX_ADDRS);
	len = disc_build_mpa(buf, sizeof(buf), 9, &pi);
	check(len == 40 && buf[0] == 147 && buf[5] == 9 && buf[6] == 0 && buf[8] == 3 &&
		      buf[9] == 4 && buf[10] == 64 && buf[11] == 0xc0 && buf[14] == 0x51 &&
		      buf[15] == 0x80 && addr_eq((struct in6_addr *)(buf + 24), "2001:db8:1::"),
	      "MPA: M/O clear, Prefix Information option (len 4, /64, L A, valid 86400)");
	/* RFC 4443 2.3: a message carrying its checksum sums to zero. */
	{
		struct in6_addr s = a6("2001:db8:1::a"), d = a6("2001:db8:1::100");
		__u16 c = inet_checksum(&s, &d, IPPROTO_ICMPV6, buf, len);

		buf[2] = c >> 8;
		buf[3] = c & 0xff;
		check(c && inet_checksum(&s, &d, IPPROTO_ICMPV6, buf, len) == 0,
		      "ICMPv6 checksum verifies");
	}
}

/* An RA: H, router lifetime @rl, optional HA Info (@pref, @hl), a PIO with R. */
static int make_ra(__u8 *p, bool h, __u16 rl, bool info, __s16 pref, __u16 hl, const char *addr)
{
	int len = 16;

	memset(p, 0, 64);
	p[0] = 134;
	p[5] = h ? 0x20 : 0;
	p[6] = rl >> 8;
	p[7] = rl & 0xff;
	if (info) {
		p[len] = 8;
		p[len + 1] = 1;
		p[len + 4] = (__u16)pref >> 8;
		p[len + 5] = (__u16)pref & 0xff;
		p[len + 6] = hl >> 8;
		p[len + 7] = hl & 0xff;
		len += 8;
	}
	p[len] = 3;
	p[len + 1] = 4;
	p[len + 2] = 64;
	p[len + 3] = 0xa0; /* L, R */
	p[len + 7] = 100;  /* valid */
	p[len + 11] = 50;  /* preferred */
	*(struct in6_addr *)(p + len + 16) = a6(addr);
	return len + 32;
}

static void test_list(void)
{
	struct config_prefix home = {.addr = a6("2001:db8:1::"), .len = 64};
	struct in6_addr ll1 = a6("fe80::1"), ll2 = a6("fe80::2"), self = a6("2001:db8:1::a");
	struct in6_addr out[8];
	struct disc_ha_list l = {};
	struct disc_ra ra;
	__u8 p[64];
	int len, n;

	len = make_ra(p, true, 1800, false, 0, 0, "2001:db8:1::1");
	check(!disc_parse_ra(p, len, &home, &ra) && ra.home_agent && !ra.has_ha_info &&
		      ra.preference == 0 && ra.ha_lifetime == 1800 && ra.n_addrs == 1 &&
		      addr_eq(&ra.addrs[0], "2001:db8:1::1") && ra.has_pio &&
		      addr_eq(&ra.pio.prefix.addr, "2001:db8:1::") && ra.pio.valid_s == 100 &&
		      ra.pio.preferred_s == 50,
	      "RA without HA Information: preference 0, lifetime = router lifetime, R address");
	check(disc_ha_list_update(&l, &ll1, &ra, &home, 0) == 1 && l.n == 1, "entry added");
	len = make_ra(p, true, 1800, true, -7, 30, "2001:db8:1::2");
	check(!disc_parse_ra(p, len, &home, &ra) && ra.has_ha_info && ra.preference == -7 &&
		      ra.ha_lifetime == 30,
	      "HA Information: signed preference -7, lifetime 30");
	disc_ha_list_update(&l, &ll2, &ra, &home, 0);
	n = disc_ha_list_sorted(&l, &self, 5, false, out, 8);
	check(n == 3 && addr_eq(&out[0], "2001:db8:1::a") && addr_eq(&out[1], "2001:db8:1::1") &&
		      addr_eq(&out[2], "2001:db8:1::2"),
	      "sorted by decreasing preference: self 5, 0, -7");
	check(disc_ha_list_sorted(&l, &self, 5, false, out, 2) == 2,
	      "at most the caller's maximum");
	check(!ra.mr_support && disc_ha_list_sorted(&l, &self, 5, true, out, 8) == 1 &&
		      addr_eq(&out[0], "2001:db8:1::a"),
	      "for a mobile router: only self, no entry advertised R");
	p[(len - 32 - 8) + 2] = 0x80; /* the HA Information option's R (RFC 3963 7.3) */
	check(!disc_parse_ra(p, len, &home, &ra) && ra.mr_support && ra.preference == -7,
	      "HA Information option with R: supports mobile routers");
	disc_ha_list_update(&l, &ll2, &ra, &home, 0);
	n = disc_ha_list_sorted(&l, &self, 5, true, out, 8);
	check(n == 2 && addr_eq(&out[0], "2001:db8:1::a") && addr_eq(&out[1], "2001:db8:1::2"),
	      "for a mobile router: self and the entry that advertised R");
	disc_ha_list_expire(&l, 31 * NS);
	check(l.n == 1 && addr_eq(&l.e[0].addr, "2001:db8:1::1"), "expired entry removed");
	len = make_ra(p, true, 1800, true, 3, 0, "2001:db8:1::1");
	disc_parse_ra(p, len, &home, &ra);
	check(disc_ha_list_update(&l, &ll1, &ra, &home, 0) == 0 && l.n == 0,
	      "HA lifetime 0 removes the entry");
	disc_ha_list_update(&l, &ll1,
			    &(struct disc_ra){.home_agent = true,
					      .ha_lifetime = 9,
					      .n_addrs = 1,
					      .addrs = {a6("2001:db8:1::1")}},
			    &home, 0);
	len = make_ra(p, false, 1800, false, 0, 0, "2001:db8:1::1");
	disc_parse_ra(p, len, &home, &ra);
	check(disc_ha_list_update(&l, &ll1, &ra, &home, 0) == 0 && l.n == 0,
	      "an RA without the H bit removes the entry");
	p[17] = 0; /* option length 0 */
	check(disc_parse_ra(p, len, &home, &ra) == -EBADMSG, "option of length 0 refused");
}

/* The ICMPv6 part of an MPA: Identifier 0x0102, M and O, then @opts. */
static size_t make_mpa(__u8 *p, const __u8 *opts, size_t opts_len)
{
	static const __u8 hdr[] = {147, 0, 0, 0, 0x01, 0x02, 0xc0, 0};

	memcpy(p, hdr, sizeof(hdr));
	memcpy(p + sizeof(hdr), opts, opts_len);
	return sizeof(hdr) + opts_len;
}

/* A Prefix Information option at @o: @addr/@plen, L A, valid @valid, preferred 30. */
static void put_pio(__u8 *o, const char *addr, __u8 plen, __u8 valid)
{
	memset(o, 0, 32);
	o[0] = 3;
	o[1] = 4;
	o[2] = plen;
	o[3] = 0xc0;
	o[7] = valid;
	o[11] = 30;
	*(struct in6_addr *)(o + 16) = a6(addr);
}

static void test_mps_mpa(void)
{
	static const __u8 mps[] = {146, 0, 0xab, 0xcd, 0x12, 0x34, 0, 0};
	struct config_prefix home = {.addr = a6("2001:db8:1::"), .len = 64};
	__u8 opts[5 * 32], p[8 + sizeof(opts)];
	struct disc_mpa mpa;
	__u8 bad[8];
	size_t len;
	__u16 id = 0;

	check(!disc_parse_mps(mps, sizeof(mps), &id) && id == 0x1234, "MPS: Identifier 0x1234");
	check(disc_parse_mps(mps, 7, &id) == -EBADMSG, "MPS of 7 octets refused");
	memcpy(bad, mps, 8);
	bad[1] = 1;
	check(disc_parse_mps(bad, 8, &id) == -EBADMSG, "MPS with code 1 refused");
	bad[0] = 147;
	bad[1] = 0;
	check(disc_parse_mps(bad, 8, &id) == -EBADMSG, "an MPA is not an MPS");

	/* Another prefix first, then the home prefix with host bits set. */
	put_pio(opts, "2001:db8:99::", 48, 10);
	put_pio(opts + 32, "2001:db8:1::ff", 64, 20);
	len = make_mpa(p, opts, 64);
	check(!disc_parse_mpa(p, len, &home, &mpa) && mpa.id == 0x0102 &&
		      mpa.flags == (DISC_MPA_F_MANAGED | DISC_MPA_F_OTHER) && mpa.n_prefixes == 2 &&
		      mpa.has_prefix && mpa.prefix.prefix.len == 64 &&
		      addr_eq(&mpa.prefix.prefix.addr, "2001:db8:1::") &&
		      mpa.prefix.flags == 0xc0 && mpa.prefix.valid_s == 20 &&
		      mpa.prefix.preferred_s == 30,
	      "MPA: the home prefix's PIO chosen (host bits cleared), M O, 2 prefixes");
	check(!disc_parse_mpa(p, len, NULL, &mpa) && mpa.n_prefixes == 2 &&
		      mpa.prefix.prefix.len == 48 &&
		      addr_eq(&mpa.prefix.prefix.addr, "2001:db8:99::") && mpa.prefix.valid_s == 10,
	      "MPA without the home prefix: the first PIO");
	/* Odd options: PIO of 40 octets, prefix length 200, unknown type, MTU. */
	put_pio(opts, "2001:db8:1::", 64, 1);
	opts[1] = 5;
	memset(opts + 32, 0, 8);
	put_pio(opts + 40, "2001:db8:1::", 200, 2);
	memset(opts + 72, 0xff, 16);
	opts[72] = 250;
	opts[73] = 2;
	memset(opts + 88, 0, 8);
	opts[88] = 5; /* MTU */
	opts[89] = 1;
	put_pio(opts + 96, "2001:db8:2::", 64, 3);
	len = make_mpa(p, opts, 128);
	check(!disc_parse_mpa(p, len, &home, &mpa) && mpa.n_prefixes == 1 &&
		      addr_eq(&mpa.prefix.prefix.addr, "2001:db8:2::") && mpa.prefix.valid_s == 3,
	      "MPA: a 40-octet PIO, a /200 PIO, unknown and MTU options skipped");
	len = make_mpa(p, opts + 88, 8);
	check(!disc_parse_mpa(p, len, &home, &mpa) && mpa.n_prefixes == 0 && !mpa.has_prefix &&
		      mpa.id == 0x0102,
	      "MPA with no PIO parses, without a prefix");
	check(!disc_parse_mpa(p, 8, &home, &mpa) && !mpa.has_prefix, "MPA of 8 octets parses");
	check(disc_parse_mpa(p, 7, &home, &mpa) == -EBADMSG, "MPA of 7 octets refused");
	put_pio(opts, "2001:db8:1::", 64, 1);
	len = make_mpa(p, opts, 32);
	check(disc_parse_mpa(p, len - 1, &home, &mpa) == -EBADMSG,
	      "MPA with its PIO cut by one octet refused");
	check(disc_parse_mpa(p, len, &home, &mpa) == 0 && mpa.n_prefixes == 1, "whole PIO");
	p[len] = 5;
	p[len + 1] = 1;
	check(disc_parse_mpa(p, len + 4, &home, &mpa) == -EBADMSG,
	      "MPA with 4 octets of an option at the end refused");
	p[9] = 0;
	check(disc_parse_mpa(p, len, &home, &mpa) == -EBADMSG, "option of length 0 refused");
	p[9] = 5;
	check(disc_parse_mpa(p, len, &home, &mpa) == -EBADMSG,
	      "option running past the end refused");
	p[9] = 4;
	p[1] = 1;
	check(disc_parse_mpa(p, len, &home, &mpa) == -EBADMSG, "MPA with code 1 refused");
	p[1] = 0;
	p[0] = 146;
	check(disc_parse_mpa(p, len, &home, &mpa) == -EBADMSG, "an MPS is not an MPA");
}

/* IPv6 40 octets: payload length @plen, Next Header @nh, @src to @dst. */
static void put_ip6(__u8 *p, __u16 plen, __u8 nh, const char *src, const char *dst)
{
	memset(p, 0, 40);
	p[0] = 0x60;
	p[4] = plen >> 8;
	p[5] = plen & 0xff;
	p[6] = nh;
	p[7] = 64;
	*(struct in6_addr *)(p + 8) = a6(src);
	*(struct in6_addr *)(p + 24) = a6(dst);
}

static void test_mp_packets(void)
{
	/* Destination Options: PadN 2, HAO 2001:db8:1::100; MPS id 7, Scapy's checksum. */
	static const __u8 mps[] = {58, 2, 1, 2, 0, 0, 201, 16, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0,
				   0,  0, 0, 0, 0, 0, 1,   0,  146,  0,	   0x11, 0x38, 0, 7, 0, 0};
	/* RH2 with 2001:db8:1::100; MPA id 9, M, PIO 2001:db8:1::/64 L A 86400/14400. */
	static const __u8 mpa[] = {58,	 2,    2, 1,	0,    0, 0, 0, 0x20, 0x01, 0x0d, 0xb8, 0,
				   1,	 0,    0, 0,	0,    0, 0, 0, 0,    1,	   0,	 147,  0,
				   0x94, 0xd5, 0, 9,	0x80, 0, 3, 4, 64,   0xc0, 0,	 1,    0x51,
				   0x80, 0,    0, 0x38, 0x40, 0, 0, 0, 0,    0x20, 0x01, 0x0d, 0xb8,
				   0,	 1,    0, 0,	0,    0, 0, 0, 0,    0,	   0,	 0};
	struct config_prefix home = {.addr = a6("2001:db8:1::"), .len = 64};
	__u8 pkt[40 + sizeof(mpa) + 16];
	struct disc_mp_pkt mp;
	struct disc_mpa m;
	__u16 id = 0;

	put_ip6(pkt, sizeof(mps), 60, "2001:db8:20::abcd", "2001:db8:1::a");
	memcpy(pkt + 40, mps, sizeof(mps));
	check(!disc_parse_mps_pkt(pkt, 40 + sizeof(mps), &mp) &&
		      addr_eq(&mp.src, "2001:db8:20::abcd") && addr_eq(&mp.dst, "2001:db8:1::a") &&
		      addr_eq(&mp.home_addr, "2001:db8:1::100") && mp.icmp == pkt + 64 &&
		      mp.icmp_len == 8 && !disc_parse_mps(mp.icmp, mp.icmp_len, &id) && id == 7,
	      "MPS packet: HAO home address, checksum over it (section 6.3), id 7");
	check(!disc_parse_mps_pkt(pkt, 40 + sizeof(mps) + 6, &mp) && mp.icmp_len == 8,
	      "MPS packet with link-layer padding behind it");
	check(disc_parse_mps_pkt(pkt, 40 + sizeof(mps) - 1, &mp) == -EBADMSG,
	      "MPS packet shorter than its payload length refused");
	check(disc_parse_mpa_pkt(pkt, 40 + sizeof(mps), &mp) == -ENOMSG,
	      "an MPS packet is not an MPA packet");
	pkt[40 + 28] = 5;
	check(disc_parse_mps_pkt(pkt, 40 + sizeof(mps), &mp) == -EPROTO && mp.icmp == pkt + 64,
	      "MPS packet with a wrong checksum: -EPROTO");
	pkt[40 + 28] = 0;
	pkt[40 + 6] = 1; /* HAO becomes PadN: no HAO left */
	check(disc_parse_mps_pkt(pkt, 40 + sizeof(mps), &mp) == -ENOMSG,
	      "MPS packet without a Home Address option: -ENOMSG");
	pkt[40 + 6] = 201;
	pkt[40 + 7] = 15;
	check(disc_parse_mps_pkt(pkt, 40 + sizeof(mps), &mp) == -EBADMSG,
	      "HAO of length 15 refused");
	pkt[40 + 7] = 16;
	pkt[41] = 3; /* Hdr Ext Len past the payload */
	check(disc_parse_mps_pkt(pkt, 40 + sizeof(mps), &mp) == -EBADMSG,
	      "Destination Options header past the payload refused");
	pkt[41] = 2;
	pkt[5] = sizeof(mps) - 1;
	check(disc_parse_mps_pkt(pkt, 40 + sizeof(mps), &mp) == -EBADMSG,
	      "MPS of 7 octets in its packet refused");

	put_ip6(pkt, sizeof(mpa), 43, "2001:db8:1::a", "2001:db8:20::abcd");
	memcpy(pkt + 40, mpa, sizeof(mpa));
	check(!disc_parse_mpa_pkt(pkt, 40 + sizeof(mpa), &mp) &&
		      addr_eq(&mp.src, "2001:db8:1::a") && addr_eq(&mp.dst, "2001:db8:20::abcd") &&
		      addr_eq(&mp.home_addr, "2001:db8:1::100") && mp.icmp == pkt + 64 &&
		      mp.icmp_len == 40 && !disc_parse_mpa(mp.icmp, mp.icmp_len, &home, &m) &&
		      m.id == 9 && m.flags == DISC_MPA_F_MANAGED && m.n_prefixes == 1 &&
		      m.prefix.valid_s == 86400 && m.prefix.preferred_s == 14400,
	      "MPA packet: RH2 home address, checksum to it (RFC 8200 8.1), id 9, M, one PIO");
	check(disc_parse_mps_pkt(pkt, 40 + sizeof(mpa), &mp) == -ENOMSG,
	      "an MPA packet is not an MPS packet");
	pkt[40 + 3] = 0; /* Segments Left 0 */
	check(disc_parse_mpa_pkt(pkt, 40 + sizeof(mpa), &mp) == -EBADMSG,
	      "RH2 with Segments Left 0 refused");
	pkt[40 + 3] = 1;
	pkt[40] = 59;
	check(disc_parse_mpa_pkt(pkt, 40 + sizeof(mpa), &mp) == -ENOMSG,
	      "routing header followed by no ICMPv6: -ENOMSG");
	pkt[40] = 58;
	pkt[64 + 30] ^= 1;
	check(disc_parse_mpa_pkt(pkt, 40 + sizeof(mpa), &mp) == -EPROTO,
	      "MPA packet with a flipped bit: -EPROTO");
	check(disc_parse_mpa_pkt(pkt, 47, &mp) == -EBADMSG, "47 octets refused");
}

int main(void)
{
	test_anycast();
	test_messages();
	test_list();
	test_mps_mpa();
	test_mp_packets();
	return unit_finish("disc_unit");
}
