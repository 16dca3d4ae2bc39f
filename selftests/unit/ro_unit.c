// SPDX-License-Identifier: GPL-2.0
/*
 * ro_unit.c - unit tests of what mobile node route optimisation adds to
 * user/wire/sigio.c: the tunnelled sig_tx (a HoTI reverse-tunnelled CoA -> HA
 * around HoA -> CN, RFC 6275 section 5.2.5), and the RR key the BU is
 * signed with.
 *
 * Prints TAP lines, exits 1 on any failure.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/ip6.h>

#include "wire/mh.h"
#include "wire/auth.h"
#include "roles/ro_maps.h"
#include "wire/sigio.h"
#include "unit.h"

/* One's complement sum for the MH checksum, written out here independently of mh.c. */
static __u16 sum_mh(const struct in6_addr *src, const struct in6_addr *dst, const __u8 *mh,
		    size_t len)
{
	__u32 sum = 0;
	size_t i;

	for (i = 0; i < 16; i += 2) {
		sum += src->s6_addr[i] << 8 | src->s6_addr[i + 1];
		sum += dst->s6_addr[i] << 8 | dst->s6_addr[i + 1];
	}
	sum += (__u32)len + 135;
	for (i = 0; i + 1 < len; i += 2)
		sum += mh[i] << 8 | mh[i + 1];
	if (len & 1)
		sum += mh[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

static void test_tunnelled_hoti(void)
{
	const struct in6_addr coa = a6("2001:db8:20::100"), ha = a6("2001:db8:1::a"),
			      hoa = a6("2001:db8:1::100"), cn = a6("2001:db8:c::2");
	const __u8 cookie[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	__u8 mh[32], pkt[256];
	struct sig_tx tx = {.src = hoa, .dst = cn, .mh = mh};
	const struct ip6_hdr *outer = (const void *)pkt, *inner = (const void *)(pkt + 40);
	struct sig_rx rx;
	int len, mlen;

	mlen = mh_build_test_init(mh, sizeof(mh), MH_TYPE_HOTI, cookie);
	check(mlen == 16, "HoTI is 16 octets (got %d)", mlen);
	tx.mh_len = mlen;
	tx.tunnel_src = &coa;
	tx.tunnel_dst = &ha;
	len = sig_build_packet(pkt, sizeof(pkt), &tx);
	check(len == 40 + 40 + 16, "tunnelled HoTI: outer + inner header + MH (got %d)", len);
	if (len != 96)
		return;
	check(pkt[0] >> 4 == 6 && outer->ip6_nxt == 41 && outer->ip6_hlim == 64,
	      "outer header: version 6, next header 41, hop limit 64");
	check(ntohs(outer->ip6_plen) == 56, "outer payload length is the inner packet (56)");
	check(!memcmp(&outer->ip6_src, &coa, 16) && !memcmp(&outer->ip6_dst, &ha, 16),
	      "outer addresses CoA -> HA");
	check(inner->ip6_nxt == 135 && ntohs(inner->ip6_plen) == 16,
	      "inner header: next header 135 (no HAO), payload 16");
	check(!memcmp(&inner->ip6_src, &hoa, 16) && !memcmp(&inner->ip6_dst, &cn, 16),
	      "inner addresses HoA -> CN");
	check(pkt[80 + 2] == MH_TYPE_HOTI && !memcmp(pkt + 80 + 8, cookie, 8),
	      "MH type 1 with the init cookie");
	check(sum_mh(&hoa, &cn, pkt + 80, 16) == 0xffff,
	      "MH checksum over the inner pseudo-header HoA -> CN");
	check(sig_parse_packet(pkt + 40, len - 40, 3, true, &rx) == 0 && !rx.has_hao &&
		      !memcmp(&rx.mh_src, &hoa, 16) && rx.tunnelled,
	      "the inner packet parses as a HoTI from the home address");

	/* Half a tunnel is a caller bug. */
	tx.tunnel_dst = NULL;
	check(sig_build_packet(pkt, sizeof(pkt), &tx) == -EINVAL, "tunnel_src alone: -EINVAL");
	tx.tunnel_dst = &ha;
	check(sig_build_packet(pkt, 95, &tx) == -ENOSPC, "one octet short: -ENOSPC");
	tx.tunnel_src = tx.tunnel_dst = NULL;
	len = sig_build_packet(pkt, sizeof(pkt), &tx);
	check(len == 56 && pkt[6] == 135, "no tunnel fields: the plain packet as before");
}

/* A BU to a correspondent as ro.c builds it, checked against its own BAD. */
static void test_bu_bad(void)
{
	const struct in6_addr coa = a6("2001:db8:20::100"), cn = a6("2001:db8:c::2");
	const __u8 home_token[8] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
	const __u8 coa_token[8] = {0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00};
	struct mh_bu_fields bu = {.sequence = 7, .flags = XMIP6_BU_F_ACK, .lifetime = 105};
	struct mh_opts opts = {
		.has_nonce_indices = true,
		.home_nonce_index = 3,
		.care_of_nonce_index = 4,
		.has_bad = true,
	};
	__u8 kbm[AUTH_RR_KBM_LEN], kbm_home[AUTH_RR_KBM_LEN], mh[64];
	struct mh_msg msg;
	int len;

	check(auth_rr_kbm(home_token, coa_token, kbm) == 0 &&
		      auth_rr_kbm(home_token, NULL, kbm_home) == 0 && memcmp(kbm, kbm_home, 20),
	      "Kbm with both tokens differs from the deregistration Kbm");
	len = mh_build_bu(mh, sizeof(mh), &bu, &opts);
	check(len > 0 && auth_rr_sign(mh, len, &coa, &cn, kbm) == 0, "BU built and signed");
	if (len <= 0)
		return;
	check(mh_parse(mh, len, NULL, NULL, &msg) == MH_PARSE_OK && msg.nonce_indices && msg.bad &&
		      msg.bad_last && ntohs(msg.nonce_indices->home_nonce_index) == 3,
	      "BU parses with Nonce Indices and a last BAD");
	check(auth_rr_verify(mh, len, &coa, &cn, kbm) == 0, "BAD verifies with Kbm");
	check(auth_rr_verify(mh, len, &cn, &cn, kbm) == -EACCES,
	      "BAD does not verify for another care-of address");
}

/* The route-optimization policy: with which correspondents the MN registers. */
static void test_policy(void)
{
	struct in6_addr ha = a6("2001:db8:1::a"), hoa = a6("2001:db8:1::100");
	struct in6_addr coa = a6("2001:db8:20::5"), cn = a6("2001:db8:c::2");
	struct in6_addr cn2 = a6("2001:db8:c2::2"), cn3 = a6("2001:db8:d::1");
	struct in6_addr cn3_next = a6("2001:db8:d::2");
	struct config_mn cfg = {.ro_mode = CONFIG_RO_NONE};

	check(!ro_policy_allows(&cfg, &cn, &ha, &hoa, &coa), "policy none: nobody");
	cfg.ro_mode = CONFIG_RO_ALL;
	check(ro_policy_allows(&cfg, &cn, &ha, &hoa, &coa), "policy all: a global correspondent");
	check(!ro_policy_allows(&cfg, &ha, &ha, &hoa, &coa) &&
		      !ro_policy_allows(&cfg, &hoa, &ha, &hoa, &coa) &&
		      !ro_policy_allows(&cfg, &coa, &ha, &hoa, &coa),
	      "policy all: never the HA, the home or the care-of address");
	check(!ro_policy_allows(&cfg, &(struct in6_addr){{{0xfe, 0x80, [15] = 1}}}, &ha, &hoa,
				&coa) &&
		      !ro_policy_allows(&cfg, &(struct in6_addr){{{0xff, 0x0e, [15] = 1}}}, &ha,
					&hoa, &coa),
	      "policy all: never link-local or multicast");
	cfg.ro_mode = CONFIG_RO_LISTED;
	cfg.ro_peers[0] = (struct config_prefix){.addr = a6("2001:db8:c::"), .len = 48};
	cfg.ro_peers[1] = (struct config_prefix){.addr = cn3, .len = 128};
	cfg.n_ro_peers = 2;
	check(ro_policy_allows(&cfg, &cn, &ha, &hoa, &coa), "listed: inside 2001:db8:c::/48");
	check(ro_policy_allows(&cfg, &cn3, &ha, &hoa, &coa), "listed: the address itself (/128)");
	check(!ro_policy_allows(&cfg, &cn2, &ha, &hoa, &coa) &&
		      !ro_policy_allows(&cfg, &cn3_next, &ha, &hoa, &coa),
	      "listed: outside every entry (2001:db8:c2::2, the /128's neighbour)");
}

int main(void)
{
	test_tunnelled_hoti();
	test_bu_bad();
	test_policy();
	return unit_finish("ro_unit");
}
