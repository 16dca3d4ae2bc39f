// SPDX-License-Identifier: GPL-2.0
/*
 * disc_unit.c - unit tests of user/disc.c: the home-agents anycast address
 * (RFC 2526), the ICMPv6 144-147 layouts, Router Advertisement parsing and
 * the Home Agents List (RFC 6275 sections 7.4, 10.5.1). The expected octets
 * are written out here from the RFC layouts (fact sheet sections 8 and 9).
 *
 * Prints TAP lines ("ok N - ...", "not ok N - ..."), exits 1 on any failure.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "disc.h"

#define NS 1000000000ULL

static int tests, failed;

static bool check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", ok ? "ok" : "not ok", ++tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	failed += !ok;
	return ok;
}

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	return a;
}

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

	len = disc_build_dhaad_request(buf, sizeof(buf), 0x1234);
	check(len == 8 && !memcmp(buf, req, 8), "DHAAD Request: type 144, Identifier, Reserved");
	len = disc_build_mps(buf, sizeof(buf), 0x1234);
	check(len == 8 && buf[0] == 146 && buf[4] == 0x12 && buf[5] == 0x34, "MPS: type 146");
	addrs[0] = a6("2001:db8:1::a");
	addrs[1] = a6("2001:db8:1::b");
	len = disc_build_dhaad_reply(buf, sizeof(buf), 7, addrs, 2);
	check(len == 40 && buf[0] == 145 && buf[5] == 7 && !memcmp(buf + 8, &addrs[0], 16) &&
		      !memcmp(buf + 24, &addrs[1], 16),
	      "DHAAD Reply: type 145, addresses after 8 octets");
	check(!disc_parse_dhaad_reply(buf, len, &id, back, 4, &n) && id == 7 && n == 2 &&
		      addr_eq(&back[1], "2001:db8:1::b"),
	      "DHAAD Reply parsed back");
	check(disc_parse_dhaad_reply(buf, len - 1, &id, back, 4, &n) == -EBADMSG,
	      "DHAAD Reply of a length not 8 + 16n refused");
	check(disc_build_dhaad_reply(buf, sizeof(buf), 7, addrs, DISC_REPLY_MAX_ADDRS + 1) < 0 &&
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
		__u16 c = disc_icmp6_checksum(&s, &d, buf, len);

		buf[2] = c >> 8;
		buf[3] = c & 0xff;
		check(c && disc_icmp6_checksum(&s, &d, buf, len) == 0, "ICMPv6 checksum verifies");
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
	n = disc_ha_list_sorted(&l, &self, 5, out, 8);
	check(n == 3 && addr_eq(&out[0], "2001:db8:1::a") && addr_eq(&out[1], "2001:db8:1::1") &&
		      addr_eq(&out[2], "2001:db8:1::2"),
	      "sorted by decreasing preference: self 5, 0, -7");
	check(disc_ha_list_sorted(&l, &self, 5, out, 2) == 2, "at most the caller's maximum");
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

int main(void)
{
	test_anycast();
	test_messages();
	test_list();
	printf("1..%d\n# %d passed, %d failed\n", tests, tests - failed, failed);
	return failed ? 1 : 0;
}
