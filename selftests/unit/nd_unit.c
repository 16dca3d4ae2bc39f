// SPDX-License-Identifier: GPL-2.0
/*
 * nd_unit.c - unit tests of the receive side of user/net/ndisc.c: Neighbor
 * Solicitation and Advertisement validity (RFC 4861 7.1.1, 7.1.2), the
 * options walk, and the proxy DAD matching of RFC 4862 5.4.3/5.4.4 on
 * probes set up by hand (no socket), and the link-layer address an NA
 * leaves on a probe (RFC 6275 11.5.4's resolution from ::). Messages are written out octet by
 * octet from the RFC 4861 4.3/4.4 layouts.
 *
 * Prints TAP lines ("ok N - ...", "not ok N - ..."), exits 1 on any failure.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "net/ndisc.h"
#include "unit.h"

static bool addr_eq(const struct in6_addr *a, const char *s)
{
	struct in6_addr b = a6(s);

	return !memcmp(a, &b, sizeof(b));
}

static const __u8 mac[6] = {0x02, 0, 0, 0, 0, 0x42};

/* NS (135) or NA (136) with @flags and @target, then @opt (an LLA option of type @opt). */
static size_t make(__u8 *p, __u8 type, __u8 flags, const char *target, __u8 opt)
{
	memset(p, 0, 32);
	p[0] = type;
	p[4] = flags;
	*(struct in6_addr *)(p + 8) = a6(target);
	if (!opt)
		return 24;
	p[24] = opt;
	p[25] = 1;
	memcpy(p + 26, mac, 6);
	return 32;
}

static struct ndisc_rx_meta meta(const char *src, const char *dst, int hlim)
{
	return (struct ndisc_rx_meta){.src = a6(src), .dst = a6(dst), .ifindex = 2, .hlim = hlim};
}

#define HOA   "2001:db8:1::100"
#define SNODE "ff02::1:ff00:100"

static void test_valid(void)
{
	struct ndisc_rx_meta dad = meta("::", SNODE, 255), ll = meta("fe80::1", SNODE, 255);
	struct ndisc_rx_meta uni = meta("fe80::1", "fe80::a", 255);
	struct ndisc_rx_meta all = meta("fe80::1", "ff02::1", 255);
	struct ndisc_msg m;
	__u8 p[64];
	size_t len;

	len = make(p, 135, 0, HOA, 0);
	check(!ndisc_parse(p, len, &dad, &m) && m.type == 135 && m.flags == 0 &&
		      addr_eq(&m.target, HOA) && !m.has_slla && !m.has_tlla,
	      "DAD NS from :: to the solicited-node group: target, no options");
	len = make(p, 135, 0xff, HOA, 1);
	check(!ndisc_parse(p, len, &ll, &m) && m.type == 135 && m.flags == 0 && m.has_slla &&
		      !memcmp(m.slla, mac, 6) && !m.has_tlla,
	      "address resolution NS: source link-layer address, reserved bits ignored");
	len = make(p, 136, 0x60, HOA, 2);
	check(!ndisc_parse(p, len, &uni, &m) && m.type == 136 &&
		      m.flags == (NDISC_NA_F_SOLICITED | NDISC_NA_F_OVERRIDE) &&
		      addr_eq(&m.target, HOA) && m.has_tlla && !memcmp(m.tlla, mac, 6) &&
		      !m.has_slla,
	      "solicited NA to unicast: S O, target link-layer address");
	len = make(p, 136, 0xa0, HOA, 2);
	check(!ndisc_parse(p, len, &all, &m) &&
		      m.flags == (NDISC_NA_F_ROUTER | NDISC_NA_F_OVERRIDE) && m.has_tlla,
	      "unsolicited NA to all-nodes: R O");
	/* An unknown option of 16 octets before the TLLA; a second TLLA is not kept. */
	memmove(p + 40, p + 24, 8);
	memset(p + 24, 0, 16);
	p[24] = 200;
	p[25] = 2;
	memcpy(p + 48, p + 40, 8);
	p[50] = 0x77;
	check(!ndisc_parse(p, 56, &all, &m) && m.has_tlla && !memcmp(m.tlla, mac, 6),
	      "NA: unknown option skipped, the first TLLA kept");
}

static void test_refused(void)
{
	struct ndisc_rx_meta dad = meta("::", SNODE, 255), ll = meta("fe80::1", SNODE, 255);
	struct ndisc_rx_meta all = meta("fe80::1", "ff02::1", 255);
	struct ndisc_msg m;
	__u8 p[64];
	size_t len;

	len = make(p, 135, 0, HOA, 1);
	check(ndisc_parse(p, len, &dad, &m) == -EINVAL, "DAD NS with an SLLA option: -EINVAL");
	len = make(p, 135, 0, HOA, 0);
	check(ndisc_parse(p, len, &(struct ndisc_rx_meta){.dst = a6("fe80::a"), .hlim = 255}, &m) ==
		      -EINVAL,
	      "NS from :: to a unicast address: -EINVAL");
	ll.hlim = 64;
	check(ndisc_parse(p, len, &ll, &m) == -EINVAL, "hop limit 64: -EINVAL");
	ll.hlim = -1;
	check(ndisc_parse(p, len, &ll, &m) == -EINVAL, "hop limit unknown: -EINVAL");
	ll.hlim = 255;
	check(ndisc_parse(p, 23, &ll, &m) == -EBADMSG, "NS of 23 octets: -EBADMSG");
	p[1] = 1;
	check(ndisc_parse(p, len, &ll, &m) == -EBADMSG, "code 1: -EBADMSG");
	len = make(p, 135, 0, "ff02::1", 0);
	check(ndisc_parse(p, len, &ll, &m) == -EINVAL, "multicast target: -EINVAL");
	len = make(p, 136, 0x40, HOA, 2);
	check(ndisc_parse(p, len, &all, &m) == -EINVAL, "solicited NA to all-nodes: -EINVAL");
	check(ndisc_parse(p, len - 1, &all, &m) == -EBADMSG, "TLLA cut by one octet: -EBADMSG");
	check(ndisc_parse(p, 28, &all, &m) == -EBADMSG, "4 octets of an option: -EBADMSG");
	check(ndisc_parse(p, 25, &all, &m) == -EBADMSG, "1 octet after the target: -EBADMSG");
	p[25] = 0;
	check(ndisc_parse(p, len, &all, &m) == -EBADMSG, "option of length 0: -EBADMSG");
	p[25] = 2;
	check(ndisc_parse(p, len, &all, &m) == -EBADMSG, "option running past the end: -EBADMSG");
	p[0] = 134;
	check(ndisc_parse(p, len, &all, &m) == -ENOMSG, "an RA is neither: -ENOMSG");
	check(ndisc_parse(p, 0, &all, &m) == -ENOMSG, "nothing: -ENOMSG");
}

static void test_take(void)
{
	struct ndisc nd = {.fd = -1, .raw_fd = -1};
	struct ndisc_rx_meta dad = meta("::", SNODE, 255), ll = meta("fe80::1", SNODE, 255);
	struct ndisc_rx_meta all = meta("fe80::1", "ff02::1", 255);
	__u8 p[64], lla[6];
	size_t len;

	nd.dad[0] = (struct ndisc_dad){.active = true, .ifindex = 2, .target = a6(HOA)};
	nd.dad[1] = (struct ndisc_dad){.active = true, .ifindex = 2, .target = a6("2001:db8:1::a")};
	nd.n_dad = 2;
	len = make(p, 135, 0, HOA, 1);
	check(ndisc_take(&nd, p, len, &ll) == 0 && !nd.dad[0].in_use,
	      "address resolution NS for a probed target marks nothing (5.4.3)");
	len = make(p, 135, 0, HOA, 0);
	dad.ifindex = 3;
	check(ndisc_take(&nd, p, len, &dad) == 0 && !nd.dad[0].in_use,
	      "DAD NS on another interface marks nothing");
	dad.ifindex = 2;
	check(ndisc_take(&nd, p, len, &dad) == 1 && nd.dad[0].in_use && !nd.dad[1].in_use,
	      "another node's DAD NS for the target marks its probe (5.4.3)");
	check(ndisc_take(&nd, p, len, &dad) == 0, "a second one marks nothing new");
	len = make(p, 136, 0x20, "2001:db8:1::a", 2);
	check(ndisc_dad_lladdr(&nd, 2, &nd.dad[1].target, lla) == -ENOENT,
	      "no link-layer address before an NA");
	check(ndisc_take(&nd, p, len, &all) == 1 && nd.dad[1].in_use,
	      "an NA for the target marks its probe (5.4.4)");
	check(ndisc_dad_lladdr(&nd, 2, &nd.dad[1].target, lla) == 0 && !memcmp(lla, mac, 6),
	      "... and its Target Link-Layer Address option is kept");
	check(ndisc_dad_lladdr(&nd, 2, &nd.dad[0].target, lla) == -ENOENT,
	      "a DAD NS gives no link-layer address");
	len = make(p, 136, 0x20, HOA, 0);
	check(ndisc_take(&nd, p, len, &all) == 0 &&
		      ndisc_dad_lladdr(&nd, 2, &nd.dad[0].target, lla) == -ENOENT,
	      "an NA without the option gives none either");
	len = make(p, 136, 0x20, "2001:db8:1::b", 2);
	check(ndisc_take(&nd, p, len, &all) == 0, "an NA for a target nobody probes: 0");
	len = make(p, 136, 0x40, "2001:db8:1::b", 2);
	check(ndisc_take(&nd, p, len, &all) == -EINVAL, "an invalid NA: ndisc_parse()'s -EINVAL");
}

/* The running probes stay in front (dad[0, n_dad)): a finished one's slot is the last one's. */
static void test_finish_compacts(void)
{
	struct ndisc nd = {.fd = -1, .raw_fd = -1};
	struct ndisc_rx_meta all = meta("fe80::1", "ff02::1", 255);
	const struct in6_addr t[3] = {a6("2001:db8:1::a"), a6("2001:db8:1::b"),
				      a6("2001:db8:1::c")};
	__u8 p[64], lla[6];
	size_t len;
	int i;

	for (i = 0; i < 3; i++)
		nd.dad[i] = (struct ndisc_dad){.active = true, .ifindex = 2, .target = t[i]};
	nd.n_dad = 3;
	nd.dad[2].in_use = true;
	check(ndisc_dad_finish(&nd, 2, &t[1]) == 0 && nd.n_dad == 2 &&
		      IN6_ARE_ADDR_EQUAL(&nd.dad[1].target, &t[2]) && nd.dad[1].in_use &&
		      !nd.dad[2].active,
	      "a finished probe's slot takes the last one, its state with it");
	len = make(p, 136, 0x20, "2001:db8:1::a", 2);
	check(ndisc_take(&nd, p, len, &all) == 1 && ndisc_dad_lladdr(&nd, 2, &t[0], lla) == 0,
	      "the probes left are still matched");
	check(ndisc_dad_finish(&nd, 2, &t[1]) == -ENOENT, "the finished one is gone");
	check(ndisc_dad_finish(&nd, 2, &t[2]) == 1 && ndisc_dad_finish(&nd, 2, &t[0]) == 1 &&
		      nd.n_dad == 0,
	      "the others finish with their answers (in use), none left");
}

int main(void)
{
	test_valid();
	test_refused();
	test_take();
	test_finish_compacts();
	return unit_finish("nd_unit");
}
