// SPDX-License-Identifier: GPL-2.0
/*
 * mh_unit.c - unit tests of user/wire/mh.c and user/wire/auth.c: builders, every
 * mh_parse() result, the options walk, seq_newer(), timestamps and the test
 * known-answer vectors computed from RFC 6275 section 5.2 and RFC 4285.
 *
 * Prints TAP lines ("ok - ...", "not ok - ..."), exits 1 on any failure.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "wire/mh.h"
#include "wire/auth.h"
#include "unit.h"

static void diag_hex(const char *what, const void *data, size_t len)
{
	const __u8 *p = data;
	size_t i;

	printf("# %s: ", what);
	for (i = 0; i < len; i++)
		printf("%02x", p[i]);
	putchar('\n');
}

/* Decode @hex into @out; returns the length, or exits on a bad test literal. */
static size_t unhex(const char *hex, __u8 *out, size_t size)
{
	size_t n = 0;

	while (*hex) {
		unsigned int byte;

		if (*hex == ' ') {
			hex++;
			continue;
		}
		if (n >= size || sscanf(hex, "%2x", &byte) != 1) {
			fprintf(stderr, "bad hex literal\n");
			exit(2);
		}
		out[n++] = byte;
		hex += 2;
	}
	return n;
}

/* @data equals the hex literal @hex. */
static bool bytes_eq(const void *data, size_t len, const char *hex)
{
	__u8 want[MH_MAX_LEN];
	size_t n = unhex(hex, want, sizeof(want));

	if (n == len && !memcmp(data, want, n))
		return true;
	diag_hex("got ", data, len);
	diag_hex("want", want, n);
	return false;
}

static struct in6_addr addr(const char *s)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, s, &a) != 1) {
		fprintf(stderr, "bad address literal %s\n", s);
		exit(2);
	}
	return a;
}

static struct in6_addr hoa, coa, ha, cn;

/* ---- known-answer vectors ---- */

static void test_bu_vector(void)
{
	struct mh_bu_fields bu = {.sequence = 7, .lifetime = 100};
	struct mh_opts opts = {.alt_coa = &coa};
	__u8 buf[64];
	int len;

	bu.flags = XMIP6_BU_F_ACK | XMIP6_BU_F_HOME | XMIP6_BU_F_LLADDR | XMIP6_BU_F_KEYMGM;
	len = mh_build_bu(buf, sizeof(buf), &bu, &opts);
	check(len == 32 && bytes_eq(buf, len,
				    "3b030500 0000 0007 f000 0064 0100 0310"
				    "20010db8ffff0001000000000000abcd"),
	      "vector: BU A H L K with Alternate CoA, PadN(0) before it, checksum zero");
	check(mh_checksum(&hoa, &ha, buf, len) == 0x3f89,
	      "vector: BU checksum 0x3f89 with the HoA (from the HAO) as source");
	check(mh_checksum(&coa, &ha, buf, len) == 0x3f65,
	      "vector: BU checksum 0x3f65 over the CoA");
	mh_set_checksum(&hoa, &ha, buf, len);
	check(buf[4] == 0x3f && buf[5] == 0x89 && mh_checksum_valid(&hoa, &ha, buf, len) &&
		      !mh_checksum_valid(&coa, &ha, buf, len),
	      "vector: BU checksum stored in network order, valid only with the HoA");
	check(mh_checksum(&hoa, &ha, buf, len) == 0x3f89,
	      "mh_checksum() ignores what the checksum field holds");
}

static void test_ba_vector(void)
{
	struct mh_ba_fields ba = {.status = MH_BA_ACCEPTED, .flags = MH_BA_F_KEYMGM};
	struct mh_opts opts = {.has_refresh_advice = true, .refresh_interval = 90};
	struct mh_msg msg;
	__u8 buf[64];
	int len;

	ba.sequence = 7;
	ba.lifetime = 100;
	len = mh_build_ba(buf, sizeof(buf), &ba, &opts);
	check(len == 16 && bytes_eq(buf, len, "3b0106000000 00 80 0007 0064 0202005a"),
	      "vector: BA status 0 K seq 7 lifetime 100 BRA 90");
	check(mh_checksum(&ha, &hoa, buf, len) == 0x0958,
	      "vector: BA checksum 0x0958 with the HoA (from the RH2) as destination");
	check(mh_checksum(&ha, &coa, buf, len) == 0x0934,
	      "vector: BA checksum 0x0934 over the CoA");
	mh_set_checksum(&ha, &hoa, buf, len);
	check(mh_parse(buf, len, &ha, &hoa, &msg) == MH_PARSE_OK && msg.type == MH_TYPE_BA &&
		      msg.ba.status == 0 && msg.ba.flags == MH_BA_F_KEYMGM &&
		      msg.ba.sequence == 7 && msg.ba.lifetime == 100 && msg.bra &&
		      ntohs(msg.bra->refresh_interval) == 90,
	      "BA parses back: status, K, sequence, lifetime, BRA");
}

static void test_rr_vector(void)
{
	__u8 kcn[AUTH_RR_KCN_LEN], hnonce[8], cnonce[8], htoken[8], ctoken[8], kbm[20], kbm0[20];
	struct mh_bu_fields bu = {.sequence = 1000, .flags = XMIP6_BU_F_ACK, .lifetime = 100};
	struct mh_opts opts = {.has_nonce_indices = true, .home_nonce_index = 5};
	__u8 buf[64], auth[12];
	int len;

	unhex("000102030405060708090a0b0c0d0e0f10111213", kcn, sizeof(kcn));
	unhex("0102030405060708", hnonce, sizeof(hnonce));
	unhex("1112131415161718", cnonce, sizeof(cnonce));
	check(!auth_rr_keygen_token(kcn, &hoa, hnonce, false, htoken) &&
		      bytes_eq(htoken, 8, "dace4c163acadbe3"),
	      "vector: RR home keygen token");
	check(!auth_rr_keygen_token(kcn, &coa, cnonce, true, ctoken) &&
		      bytes_eq(ctoken, 8, "a202956cd090ee54"),
	      "vector: RR care-of keygen token");
	check(!auth_rr_kbm(htoken, ctoken, kbm) &&
		      bytes_eq(kbm, 20, "e083ce8e094d1dc8d6edb379297dd4499764231f"),
	      "vector: RR Kbm = SHA1(home token | care-of token)");
	check(!auth_rr_kbm(htoken, NULL, kbm0) &&
		      bytes_eq(kbm0, 20, "97c997fe19078de85bc076bf1e8db1d6aea7b82c"),
	      "vector: RR Kbm for de-registration = SHA1(home token)");

	opts.care_of_nonce_index = 6;
	opts.has_bad = true;
	len = mh_build_bu(buf, sizeof(buf), &bu, &opts);
	check(len == 32 && bytes_eq(buf, 20, "3b030500000003e880000064040400050006050c"),
	      "vector: RR BU with Nonce Indices at 12 and BAD at 18, no padding");
	check(!auth_rr_compute(buf, len, &coa, &cn, kbm, auth) &&
		      bytes_eq(auth, 12, "05aa1d4451a0d0e14b3e587d"),
	      "vector: RR BAD authenticator");
	check(!auth_rr_sign(buf, len, &coa, &cn, kbm), "auth_rr_sign() fills the BAD option");
	mh_set_checksum(&hoa, &cn, buf, len);
	check(bytes_eq(buf, len,
		       "3b03050074d703e880000064040400050006050c05aa1d4451a0d0e14b3e587d"),
	      "vector: RR BU final bytes, checksum 0x74d7 with the HoA as source");
	check(!auth_rr_verify(buf, len, &coa, &cn, kbm), "auth_rr_verify() accepts the vector");
	check(auth_rr_verify(buf, len, &hoa, &cn, kbm) == -EACCES,
	      "auth_rr_verify() rejects another care-of address");
	check(auth_rr_verify(buf, len, &coa, &cn, kbm0) == -EACCES,
	      "auth_rr_verify() rejects another Kbm");
	buf[9] ^= 1;
	check(auth_rr_verify(buf, len, &coa, &cn, kbm) == -EACCES,
	      "auth_rr_verify() rejects a changed BU flag");
	buf[9] ^= 1;
	buf[31] ^= 0x80;
	check(auth_rr_verify(buf, len, &coa, &cn, kbm) == -EACCES,
	      "auth_rr_verify() rejects a changed authenticator");
}

static void test_mnha_vector(void)
{
	struct mh_bu_fields bu = {.sequence = 7, .lifetime = 100};
	struct mh_opts opts = {.has_mnha_auth = true, .mnha_spi = 256};
	__u8 key[16], other_key[16], buf[64], auth[12];
	int len;

	unhex("404142434445464748494a4b4c4d4e4f", key, sizeof(key));
	memcpy(other_key, key, sizeof(key));
	other_key[15] ^= 1;
	bu.flags = XMIP6_BU_F_ACK | XMIP6_BU_F_HOME;
	len = mh_build_bu(buf, sizeof(buf), &bu, &opts);
	check(len == 32 && bytes_eq(buf, 20, "3b03050000000007c00000640009110100000100"),
	      "vector: RFC 4285 BU, Pad1 then AUTH at 13 (4n+1), ends at 32");
	check(!auth_mnha_compute(buf, len, &coa, &hoa, key, sizeof(key), auth) &&
		      bytes_eq(auth, 12, "469823deb1e61012f9da8f91"),
	      "vector: RFC 4285 MN-HA authenticator");
	check(!auth_mnha_sign(buf, len, &coa, &hoa, key, sizeof(key)) &&
		      !memcmp(buf + 20, auth, 12),
	      "auth_mnha_sign() writes the authenticator after the SPI");
	mh_set_checksum(&hoa, &ha, buf, len);
	check(!auth_mnha_verify(buf, len, &coa, &hoa, key, sizeof(key)),
	      "auth_mnha_verify() accepts it (checksum set after signing)");
	check(auth_mnha_verify(buf, len, &coa, &hoa, other_key, sizeof(key)) == -EACCES,
	      "auth_mnha_verify() rejects another key");
	check(auth_mnha_verify(buf, len, &hoa, &coa, key, sizeof(key)) == -EACCES,
	      "auth_mnha_verify() rejects swapped CoA and HoA");
	buf[7] ^= 1;
	check(auth_mnha_verify(buf, len, &coa, &hoa, key, sizeof(key)) == -EACCES,
	      "auth_mnha_verify() rejects a changed sequence number");
	buf[7] ^= 1;
	buf[17] ^= 1;
	check(auth_mnha_verify(buf, len, &coa, &hoa, key, sizeof(key)) == -EACCES,
	      "auth_mnha_verify() rejects a changed SPI");
	buf[17] ^= 1;
	buf[25] ^= 1;
	check(auth_mnha_verify(buf, len, &coa, &hoa, key, sizeof(key)) == -EACCES,
	      "auth_mnha_verify() rejects changed authentication data");
	buf[25] ^= 1;
	check(auth_mnha_verify(buf, len, &coa, &hoa, key, 0) == -EINVAL,
	      "auth_mnha_verify() refuses an empty key");
}

static void test_auth_errors(void)
{
	struct mh_bu_fields bu = {.sequence = 1, .flags = XMIP6_BU_F_ACK, .lifetime = 1};
	struct mh_opts opts = {.has_nonce_indices = true};
	__u8 key[16] = {1}, kbm[20] = {2}, buf[64];
	int len;

	len = mh_build_bu(buf, sizeof(buf), &bu, &opts);
	check(auth_mnha_verify(buf, len, &coa, &hoa, key, sizeof(key)) == -ENOENT &&
		      auth_mnha_sign(buf, len, &coa, &hoa, key, sizeof(key)) == -ENOENT,
	      "MN-HA sign/verify without an AUTH option: -ENOENT");
	check(auth_rr_verify(buf, len, &coa, &cn, kbm) == -ENOENT &&
		      auth_rr_sign(buf, len, &coa, &cn, kbm) == -ENOENT,
	      "RR sign/verify without a BAD option: -ENOENT");
	/* BAD followed by a PadN: not last. */
	memcpy(buf + 12, "\x05\x0c", 2);
	memset(buf + 14, 0, 12);
	memcpy(buf + 26, "\x01\x04\x00\x00\x00\x00", 6);
	buf[1] = 3;
	check(auth_rr_verify(buf, 32, &coa, &cn, kbm) == -EBADMSG,
	      "RR verify: BAD with padding after it is -EBADMSG");
	/* AUTH with 8 octets of data (len 13) is not an MN-HA HMAC-SHA1-96 option. */
	memset(buf + 12, 0, 20);
	memcpy(buf + 13, "\x09\x0d\x01\x00\x00\x01\x00", 7);
	buf[1] = 3;
	check(auth_mnha_verify(buf, 32, &coa, &hoa, key, sizeof(key)) == -EBADMSG,
	      "MN-HA verify: AUTH with 8 octets of data is -EBADMSG");
	buf[15] = MH_AUTH_SUBTYPE_MN_AAA;
	buf[14] = 17;
	buf[12] = MH_OPT_PAD1;
	check(auth_mnha_verify(buf, 36, &coa, &hoa, key, sizeof(key)) == -EBADMSG,
	      "MN-HA verify: a message that does not parse is -EBADMSG");
	buf[1] = 3;
	memset(buf + 12, 0, 20);
	memcpy(buf + 13, "\x09\x11\x02\x00\x00\x01\x00", 7);
	check(auth_mnha_verify(buf, 32, &coa, &hoa, key, sizeof(key)) == -EBADMSG,
	      "MN-HA verify: an MN-AAA AUTH option is -EBADMSG");
}

/* ---- builders ---- */

/* Walk @buf; every option aligned, padding zero, total a multiple of 8. */
static bool layout_ok(const __u8 *buf, int len, int *n_opts)
{
	struct mh_opt_iter it;
	struct mh_opt_view v;
	int ret;

	*n_opts = 0;
	if (len <= 0 || len % 8 || MH_LEN(buf[1]) != (size_t)len)
		return false;
	mh_opt_iter_init(&it, buf, len, mh_opts_offset(buf[2]));
	while ((ret = mh_opt_next(&it, &v)) > 0) {
		if (v.type == MH_OPT_PADN) {
			for (int i = 0; i < v.len; i++) {
				if (v.opt[2 + i])
					return false;
			}
			continue;
		}
		if (v.type == MH_OPT_PAD1)
			continue;
		if (!mh_opt_aligned(v.type, v.offset))
			return false;
		(*n_opts)++;
	}
	return ret == 0;
}

static void test_builder_combinations(void)
{
	struct mh_bu_fields bu = {.sequence = 65535, .flags = XMIP6_BU_F_ACK, .lifetime = 0};
	int combos = 0, bad_layout = 0, bad_parse = 0, bad_last = 0;

	/* Every subset of ACoA, NI, BRA, timestamp, with nothing, BAD or AUTH last. */
	for (unsigned int mask = 0; mask < 16; mask++) {
		for (int last = 0; last < 3; last++) {
			struct mh_opts o = {0};
			struct mh_msg msg;
			__u8 buf[128];
			int len, n;

			o.alt_coa = mask & 1 ? &coa : NULL;
			o.has_nonce_indices = mask & 2;
			o.home_nonce_index = 0x1234;
			o.care_of_nonce_index = 0x5678;
			o.has_refresh_advice = mask & 4;
			o.refresh_interval = 0xabcd;
			o.has_timestamp = mask & 8;
			o.timestamp = 0x0102030405060708ULL;
			o.has_bad = last == 1;
			o.has_mnha_auth = last == 2;
			o.mnha_spi = 0xdeadbeef;
			len = mh_build_bu(buf, sizeof(buf), &bu, &o);
			combos++;
			if (!layout_ok(buf, len, &n) ||
			    n != __builtin_popcount(mask) + (last ? 1 : 0)) {
				bad_layout++;
				continue;
			}
			if (mh_parse(buf, len, NULL, NULL, &msg) != MH_PARSE_OK || msg.misaligned ||
			    msg.duplicate || msg.bu.sequence != 65535 ||
			    (o.alt_coa && memcmp(&msg.alt_coa->care_of_addr, &coa, 16)) ||
			    (o.has_nonce_indices &&
			     (ntohs(msg.nonce_indices->home_nonce_index) != 0x1234 ||
			      ntohs(msg.nonce_indices->care_of_nonce_index) != 0x5678)) ||
			    (o.has_refresh_advice && ntohs(msg.bra->refresh_interval) != 0xabcd) ||
			    (o.has_timestamp &&
			     mh_mesg_id_timestamp(msg.mesg_id) != 0x0102030405060708ULL) ||
			    (o.has_mnha_auth && ntohl(msg.auth->spi) != 0xdeadbeef)) {
				bad_parse++;
				continue;
			}
			/* BAD and AUTH end the message exactly: no trailing padding. */
			if ((last == 1 &&
			     (!msg.bad_last || (const __u8 *)msg.bad + 14 != buf + len)) ||
			    (last == 2 &&
			     (!msg.auth_last || (const __u8 *)msg.auth + 19 != buf + len)))
				bad_last++;
		}
	}
	check(!bad_layout, "builders: %d option combinations aligned, zero-padded, 8n long",
	      combos);
	check(!bad_parse, "builders: every combination parses back to the same values");
	check(!bad_last, "builders: BAD / AUTH last, ending the message with no padding after");
}

/* RFC 3963 section 4.3: the mobile router's prefixes, one option each at 8n+4,
 * with the timestamp and AUTH after them; read back by the parser. */
static void test_mnp_builder(void)
{
	struct mh_bu_fields bu = {.sequence = 7, .flags = XMIP6_BU_F_ACK | XMIP6_BU_F_ROUTER};
	struct mh_mnp p[3] = {{.prefix_len = 64}, {.prefix_len = 49}, {.prefix_len = 128}};
	struct mh_opts o = {.mnp = p,
			    .n_mnp = 3,
			    .has_timestamp = true,
			    .has_mnha_auth = true,
			    .mnha_spi = 256};
	struct mh_msg msg;
	__u8 buf[256];
	int len, i, aligned = 1;

	p[0].prefix = addr("2001:db8:50::");
	p[1].prefix = addr("2001:db8:51:8000::");
	p[2].prefix = addr("2001:db8:52::1");
	len = mh_build_bu(buf, sizeof(buf), &bu, &o);
	check(len > 0 && mh_parse(buf, len, NULL, NULL, &msg) == MH_PARSE_OK && !msg.misaligned,
	      "MNP: three prefixes with timestamp and AUTH build and parse (%d octets)", len);
	if (len <= 0)
		return;
	check(msg.n_mnp == 3 && !msg.mnp_bad_len && msg.auth_last,
	      "MNP: three options read back, AUTH still last");
	for (i = 0; i < 3 && i < (int)msg.n_mnp; i++)
		aligned &= msg.mnp[i].prefix_len == p[i].prefix_len &&
			   !memcmp(&msg.mnp[i].prefix, &p[i].prefix, 16);
	check(aligned, "MNP: each prefix and length as given");
	for (i = 12, aligned = 1; i < len; i++)
		if (buf[i] == MH_OPT_MNP && buf[i + 1] == 18)
			aligned &= i % 8 == 4;
	check(aligned, "MNP: every option at 8n+4");
	p[1].prefix_len = 0;
	check(mh_build_bu(buf, sizeof(buf), &bu, &o) == -EINVAL, "MNP: length 0 refused");
	p[1].prefix_len = 129;
	check(mh_build_bu(buf, sizeof(buf), &bu, &o) == -EINVAL, "MNP: length 129 refused");
	p[1].prefix_len = 49;
	check(mh_build_bu(buf, 64, &bu, &o) == -ENOSPC, "MNP: a buffer too small is -ENOSPC");
}

static void test_builders(void)
{
	struct mh_bu_fields bu = {.sequence = 1, .flags = XMIP6_BU_F_ACK, .lifetime = 2};
	struct mh_be_fields be = {.status = MH_BE_UNKNOWN_HAO_BINDING, .home_addr = hoa};
	struct mh_opts both = {.has_bad = true, .has_mnha_auth = true, .mnha_spi = 300};
	struct mh_opts low_spi = {.has_mnha_auth = true, .mnha_spi = 255};
	const __u8 cookie[8] = {1, 2, 3, 4, 5, 6, 7, 8}, token[8] = {9, 9, 9, 9, 9, 9, 9, 9};
	__u8 buf[128], canary[128];
	struct mh_msg msg;
	int len, small;

	len = mh_build_brr(buf, sizeof(buf), NULL);
	check(len == 8 && bytes_eq(buf, len, "3b00000000000000"), "BRR: 8 octets, Header Len 0");
	len = mh_build_be(buf, sizeof(buf), &be, NULL);
	check(len == 24 && bytes_eq(buf, 8, "3b02070000000100") && !memcmp(buf + 8, &hoa, 16),
	      "BE: 24 octets, status 1, home address");
	check(mh_parse(buf, len, NULL, NULL, &msg) == MH_PARSE_OK && msg.be.status == 1 &&
		      !memcmp(&msg.be.home_addr, &hoa, 16),
	      "BE parses back");
	len = mh_build_test_init(buf, sizeof(buf), MH_TYPE_HOTI, cookie);
	check(len == 16 && bytes_eq(buf, len, "3b01010000000000 0102030405060708"),
	      "HoTI: 16 octets, cookie");
	len = mh_build_test_init(buf, sizeof(buf), MH_TYPE_COTI, cookie);
	check(len == 16 && buf[2] == MH_TYPE_COTI, "CoTI: 16 octets");
	len = mh_build_test(buf, sizeof(buf), MH_TYPE_HOT, 0x0102, cookie, token);
	check(len == 24 &&
		      bytes_eq(buf, len, "3b0203000000 0102 0102030405060708 0909090909090909"),
	      "HoT: 24 octets, nonce index, cookie, token");
	len = mh_build_test(buf, sizeof(buf), MH_TYPE_COT, 7, cookie, token);
	check(len == 24 && buf[2] == MH_TYPE_COT && mh_parse(buf, len, NULL, NULL, &msg) == 0,
	      "CoT: 24 octets, parses");
	check(mh_build_test(buf, sizeof(buf), MH_TYPE_HOTI, 7, cookie, token) == -EINVAL &&
		      mh_build_test_init(buf, sizeof(buf), MH_TYPE_BU, cookie) == -EINVAL,
	      "HoT/HoTI builders refuse other types");
	check(mh_build_bu(buf, sizeof(buf), &bu, &both) == -EINVAL,
	      "BU with both BAD and AUTH is -EINVAL (both must be last)");
	check(mh_build_bu(buf, sizeof(buf), &bu, &low_spi) == -EINVAL,
	      "AUTH with a reserved SPI (< 256) is -EINVAL");

	/* Too small buffers: -ENOSPC, and nothing written past the given size. */
	{
		struct mh_opts all = {.alt_coa = &coa,
				      .has_nonce_indices = true,
				      .has_timestamp = true,
				      .has_mnha_auth = true,
				      .mnha_spi = 1000};
		int full = mh_build_bu(buf, sizeof(buf), &bu, &all);
		int bad = 0;

		for (small = 0; small < full; small++) {
			memset(buf, 0xa5, sizeof(buf));
			memset(canary, 0xa5, sizeof(canary));
			if (mh_build_bu(buf, small, &bu, &all) != -ENOSPC ||
			    memcmp(buf + small, canary, sizeof(buf) - small))
				bad++;
		}
		check(full == 72 && !bad, "BU with ACoA, NI, timestamp, AUTH is 72 octets; each "
					  "smaller buffer gets -ENOSPC, no overrun");
		check(mh_build_bu(NULL, 100, &bu, NULL) == -ENOSPC &&
			      mh_build_brr(buf, 7, NULL) == -ENOSPC,
		      "NULL or 7-octet buffer: -ENOSPC");
	}
}

static void test_ext_headers(void)
{
	struct in6_addr got;
	__u8 buf[64];
	int len;

	len = mh_build_hao_dstopts(buf, sizeof(buf), IPPROTO_MH, &hoa);
	check(len == 24 && bytes_eq(buf, 8, "870201020000c910") && !memcmp(buf + 8, &hoa, 16),
	      "HAO Destination Options header: PadN(2), HAO at 6 (8n+6), 24 octets");
	check(!mh_find_hao(buf, len, &got) && !memcmp(&got, &hoa, 16), "mh_find_hao() finds it");
	check(mh_find_hao(buf, 23, &got) == -EBADMSG, "mh_find_hao(): truncated header -EBADMSG");
	buf[7] = 15;
	check(mh_find_hao(buf, len, &got) == -EBADMSG, "mh_find_hao(): HAO length 15 -EBADMSG");
	memcpy(buf, "\x3b\x00\x01\x04\x00\x00\x00\x00", 8);
	check(mh_find_hao(buf, 8, &got) == -ENOENT, "mh_find_hao(): only PadN -ENOENT");
	memcpy(buf, "\x3b\x00\x00\x01\x05\x00\x00\x00", 8);
	check(mh_find_hao(buf, 8, &got) == -EBADMSG, "mh_find_hao(): option overrunning -EBADMSG");
	check(mh_build_hao_dstopts(buf, 23, 0, &hoa) == -ENOSPC, "HAO builder: -ENOSPC");

	len = mh_build_rt2(buf, sizeof(buf), IPPROTO_MH, &hoa);
	check(len == 24 && bytes_eq(buf, 8, "8702020100000000") && !memcmp(buf + 8, &hoa, 16),
	      "type 2 routing header: Hdr Ext Len 2, type 2, Segments Left 1");
	check(!mh_parse_rt2(buf, len, &got) && !memcmp(&got, &hoa, 16), "mh_parse_rt2() reads it");
	buf[3] = 0;
	check(mh_parse_rt2(buf, len, &got) == -EBADMSG, "mh_parse_rt2(): Segments Left 0 -EBADMSG");
	buf[3] = 1;
	buf[1] = 4;
	check(mh_parse_rt2(buf, len, &got) == -EBADMSG, "mh_parse_rt2(): Hdr Ext Len 4 -EBADMSG");
	buf[1] = 2;
	buf[2] = 0;
	check(mh_parse_rt2(buf, len, &got) == -EBADMSG, "mh_parse_rt2(): routing type 0 -EBADMSG");
	check(mh_parse_rt2(buf, 20, &got) == -EBADMSG && mh_build_rt2(buf, 10, 0, &hoa) == -ENOSPC,
	      "type 2 routing header: short buffers refused");
}

/* ---- parser ---- */

/* A BU (16 octets, options from 12) with raw option bytes, checksummed. */
static int raw_bu(__u8 *buf, const char *opts_hex, size_t total)
{
	memset(buf, 0, total);
	unhex("3b0005000000 0001 8000 0001", buf, 12);
	unhex(opts_hex, buf + 12, total - 12);
	buf[1] = total / 8 - 1;
	mh_set_checksum(&hoa, &ha, buf, total);
	return total;
}

static enum mh_parse_result parse_bu_opts(const char *opts_hex, size_t total)
{
	struct mh_msg msg;
	__u8 buf[256];

	raw_bu(buf, opts_hex, total);
	return mh_parse(buf, total, &hoa, &ha, &msg);
}

/* RFC 3963 section 4.3: every Mobile Network Prefix option kept, in order. */
static void test_parse_mnp(void)
{
	struct mh_msg msg;
	char hex[2048];
	__u8 buf[512];
	int i, n;

	/* Options at 12: PadN(6) to 20 (8n+4), MNP /56, PadN(2) to 44, MNP /64. */
	raw_bu(buf,
	       "0104000000000612 ff38 20010db8010000000000000000000000 0100 0612 0040 "
	       "20010db8010200000000000000000000",
	       64);
	check(mh_parse(buf, 64, &hoa, &ha, &msg) == MH_PARSE_OK && msg.n_mnp == 2 &&
		      !msg.mnp_bad_len && msg.mnp[0].prefix_len == 56 &&
		      msg.mnp[0].prefix.s6_addr[5] == 0x00 &&
		      msg.mnp[0].prefix.s6_addr[4] == 0x01 && msg.mnp[1].prefix_len == 64 &&
		      msg.mnp[1].prefix.s6_addr[5] == 0x02,
	      "parse: two Mobile Network Prefix options, in order, Reserved ignored");
	check(parse_bu_opts("0100 0600 0000", 24) == MH_PARSE_OK,
	      "parse: Mobile Network Prefix of Option Length 0 is not a malformed message");
	raw_bu(buf, "0100 0600 0000", 24);
	check(mh_parse(buf, 24, &hoa, &ha, &msg) == MH_PARSE_OK && msg.mnp_bad_len && !msg.n_mnp,
	      "... it is flagged (Invalid Prefix for the home agent) and not kept");
	/* 20 options (PadN(0) + MNP: 22 octets each) after 8 octets of padding,
	 * 4 more to end at 8n: the first MH_MNP_MAX kept, all counted. */
	n = 0;
	n += snprintf(hex + n, sizeof(hex) - n, "01000000 00000000");
	for (i = 0; i < 20; i++)
		n += snprintf(hex + n, sizeof(hex) - n,
			      "0100 0612 0030 20010db8%04x00000000000000000000", i);
	n += snprintf(hex + n, sizeof(hex) - n, "01020000");
	raw_bu(buf, hex, 12 + 8 + 20 * 22 + 4);
	check(mh_parse(buf, 12 + 8 + 20 * 22 + 4, &hoa, &ha, &msg) == MH_PARSE_OK &&
		      msg.n_mnp == 20 &&
		      msg.mnp[MH_MNP_MAX - 1].prefix.s6_addr[5] == MH_MNP_MAX - 1,
	      "parse: 20 Mobile Network Prefix options: 20 counted, the first 16 kept");
}

static void test_parse_errors(void)
{
	struct mh_bu_fields bu = {.sequence = 3, .flags = XMIP6_BU_F_ACK, .lifetime = 5};
	__u8 buf[256];
	struct mh_msg msg;
	int len;

	len = mh_build_bu(buf, sizeof(buf), &bu, NULL);
	mh_set_checksum(&hoa, &ha, buf, len);
	check(mh_parse(buf, len, &hoa, &ha, &msg) == MH_PARSE_OK && msg.bu.sequence == 3 &&
		      msg.bu.flags == XMIP6_BU_F_ACK && msg.bu.lifetime == 5 && !msg.last_opt,
	      "parse: plain BU is OK");
	check(mh_parse(buf, len, NULL, NULL, &msg) == MH_PARSE_OK,
	      "parse: NULL addresses skip the checksum");

	check(mh_parse(buf, len, &coa, &ha, &msg) == MH_PARSE_BAD_CHECKSUM,
	      "parse: checksum over the CoA instead of the HoA -> bad checksum");
	buf[5] ^= 0x40;
	check(mh_parse(buf, len, &hoa, &ha, &msg) == MH_PARSE_BAD_CHECKSUM &&
		      mh_param_problem_offset(MH_PARSE_BAD_CHECKSUM) == -1,
	      "parse: corrupted checksum -> bad checksum, silent (no Parameter Problem)");
	buf[5] ^= 0x40;

	buf[0] = 6;
	mh_set_checksum(&hoa, &ha, buf, len);
	check(mh_parse(buf, len, &hoa, &ha, &msg) == MH_PARSE_BAD_PAYLOAD_PROTO &&
		      mh_param_problem_offset(MH_PARSE_BAD_PAYLOAD_PROTO) == 0,
	      "parse: Payload Proto 6 -> Parameter Problem pointer at offset 0");
	buf[0] = MH_PAYLOAD_PROTO_NONE;

	/* Header Len below the type minimum, with a correct checksum. */
	buf[1] = 0;
	mh_set_checksum(&hoa, &ha, buf, 8);
	check(mh_parse(buf, 8, &hoa, &ha, &msg) == MH_PARSE_BAD_HDR_LEN &&
		      mh_param_problem_offset(MH_PARSE_BAD_HDR_LEN) == 1,
	      "parse: BU with Header Len 0 -> Parameter Problem pointer at offset 1");
	{
		static const struct {
			__u8 type, hdr_len;
		} below[] = {{MH_TYPE_HOTI, 0}, {MH_TYPE_COTI, 0}, {MH_TYPE_HOT, 1},
			     {MH_TYPE_COT, 1},	{MH_TYPE_BA, 0},   {MH_TYPE_BE, 1}};
		int wrong = 0;

		for (size_t i = 0; i < sizeof(below) / sizeof(below[0]); i++) {
			size_t l = MH_LEN(below[i].hdr_len);

			memset(buf, 0, l);
			buf[0] = MH_PAYLOAD_PROTO_NONE;
			buf[1] = below[i].hdr_len;
			buf[2] = below[i].type;
			mh_set_checksum(&hoa, &ha, buf, l);
			if (mh_parse(buf, l, &hoa, &ha, &msg) != MH_PARSE_BAD_HDR_LEN)
				wrong++;
			buf[1]++;
			l += 8;
			memset(buf + l - 8, 0, 8);
			mh_set_checksum(&hoa, &ha, buf, l);
			if (mh_parse(buf, l, &hoa, &ha, &msg) != MH_PARSE_OK)
				wrong++;
		}
		check(!wrong, "parse: HoTI/CoTI/HoT/CoT/BA/BE one unit below the minimum -> bad "
			      "header length, at the minimum -> OK");
	}

	/* Length not that of the buffer. */
	len = mh_build_bu(buf, sizeof(buf), &bu, NULL);
	mh_set_checksum(&hoa, &ha, buf, len);
	check(mh_parse(buf, len - 1, &hoa, &ha, &msg) == MH_PARSE_BAD_HDR_LEN,
	      "parse: buffer shorter than Header Len says -> bad header length");
	check(mh_parse(buf, len + 8, &hoa, &ha, &msg) == MH_PARSE_BAD_HDR_LEN,
	      "parse: buffer longer than Header Len says -> bad header length");
	check(mh_parse(buf, 5, NULL, NULL, &msg) == MH_PARSE_BAD_HDR_LEN &&
		      mh_parse(buf, 0, NULL, NULL, &msg) == MH_PARSE_BAD_HDR_LEN &&
		      mh_parse(NULL, 0, NULL, NULL, &msg) == MH_PARSE_BAD_HDR_LEN,
	      "parse: 5, 0 octets or NULL -> bad header length");
	buf[1] = 255;
	check(mh_parse(buf, len, NULL, NULL, &msg) == MH_PARSE_BAD_HDR_LEN,
	      "parse: Header Len 255 in a 16-octet buffer -> bad header length");

	/* Unknown MH Type. */
	len = mh_build_bu(buf, sizeof(buf), &bu, NULL);
	buf[2] = 8;
	mh_set_checksum(&hoa, &ha, buf, len);
	check(mh_parse(buf, len, &hoa, &ha, &msg) == MH_PARSE_UNKNOWN_TYPE && msg.type == 8 &&
		      mh_param_problem_offset(MH_PARSE_UNKNOWN_TYPE) == -1,
	      "parse: MH Type 8 -> unknown type (Binding Error status 2)");
	buf[2] = 255;
	buf[0] = 6; /* unknown type wins over the Payload Proto check */
	mh_set_checksum(&hoa, &ha, buf, len);
	check(mh_parse(buf, len, &hoa, &ha, &msg) == MH_PARSE_UNKNOWN_TYPE,
	      "parse: MH Type 255 -> unknown type");
	buf[4] ^= 1;
	check(mh_parse(buf, len, &hoa, &ha, &msg) == MH_PARSE_BAD_CHECKSUM,
	      "parse: unknown type with a bad checksum -> bad checksum first");

	/* Options. */
	check(parse_bu_opts("00 0100", 16) == MH_PARSE_OK, "parse: Pad1 + PadN(0) + Pad1 is OK");
	check(parse_bu_opts("0104 0000", 16) == MH_PARSE_BAD_OPTION,
	      "parse: PadN overrunning the message -> malformed option");
	check(parse_bu_opts("010000 02", 16) == MH_PARSE_BAD_OPTION,
	      "parse: option whose length octet is past the end -> malformed option");
	check(parse_bu_opts("0202 0001", 16) == MH_PARSE_OK, "parse: BRA length 2 is OK");
	check(parse_bu_opts("0203 000100", 24) == MH_PARSE_BAD_OPTION,
	      "parse: BRA length 3 -> malformed option");
	check(parse_bu_opts("0100 030f", 32) == MH_PARSE_BAD_OPTION,
	      "parse: Alternate CoA length 15 -> malformed option");
	check(parse_bu_opts("0402 0000", 16) == MH_PARSE_BAD_OPTION,
	      "parse: Nonce Indices length 2 -> malformed option");
	check(parse_bu_opts("0000 0510", 40) == MH_PARSE_BAD_OPTION,
	      "parse: BAD length 16 -> malformed option");
	check(parse_bu_opts("0000 0a04 00000000 01020000", 24) == MH_PARSE_BAD_OPTION,
	      "parse: Replay Protection length 4 -> malformed option");
	check(parse_bu_opts("00 0904 01000001 0000", 24) == MH_PARSE_BAD_OPTION,
	      "parse: AUTH length 4 (no room for subtype + SPI) -> malformed option");
	check(parse_bu_opts("2305 0001000000 00", 24) == MH_PARSE_BAD_OPTION,
	      "parse: Binding Identifier length 5 -> malformed option");
	check(parse_bu_opts("0612 0000", 16) == MH_PARSE_BAD_OPTION,
	      "parse: Mobile Network Prefix overrunning -> malformed option");
	check(parse_bu_opts("c802 abcd", 16) == MH_PARSE_OK,
	      "parse: unknown option type 200 is skipped by its length");

	raw_bu(buf, "0310 20010db8ffff0001000000000000abcd 0000", 32);
	check(mh_parse(buf, 32, &hoa, &ha, &msg) == MH_PARSE_OK && msg.misaligned && msg.alt_coa &&
		      (const __u8 *)msg.alt_coa == buf + 12,
	      "parse: Alternate CoA at 12 (not 8n+6) is reported as misaligned");
	raw_bu(buf, "0202 0001 0202 0002", 24);
	check(mh_parse(buf, 24, &hoa, &ha, &msg) == MH_PARSE_OK && msg.duplicate &&
		      ntohs(msg.bra->refresh_interval) == 1,
	      "parse: a repeated option is reported, the first one kept");
	raw_bu(buf, "0404 00050006 050c 000000000000000000000000", 32);
	check(mh_parse(buf, 32, &hoa, &ha, &msg) == MH_PARSE_OK && msg.bad_last &&
		      !msg.misaligned && msg.nonce_indices,
	      "parse: Nonce Indices + BAD ending the message: BAD is last");
	raw_bu(buf, "0000 050c 000000000000000000000000 01020000", 40);
	check(mh_parse(buf, 40, &hoa, &ha, &msg) == MH_PARSE_OK && msg.bad && !msg.bad_last,
	      "parse: BAD followed by a PadN is not last");
	raw_bu(buf, "00 0911 01 00000100 000000000000000000000000 01020000", 40);
	check(mh_parse(buf, 40, &hoa, &ha, &msg) == MH_PARSE_OK && msg.auth_last &&
		      (const __u8 *)msg.last_opt == buf + 13,
	      "parse: AUTH followed by padding is still the last option");
	raw_bu(buf, "00 0911 01 00000100 000000000000000000000000 0202 0000", 40);
	check(mh_parse(buf, 40, &hoa, &ha, &msg) == MH_PARSE_OK && msg.auth && !msg.auth_last,
	      "parse: AUTH followed by a BRA is not last");
}

/* The walk, on regions that end right where the options do. */
static void test_opt_walk(void)
{
	struct mh_opt_iter it;
	struct mh_opt_view v;
	__u8 *region;
	size_t n;
	int r1, r2, r3, r4;

	/* Pad1, PadN(1), unknown option 200 of length 2: exactly filling 8 octets. */
	region = malloc(8);
	if (!region)
		exit(2);
	memcpy(region, "\x00\x01\x01\x00\xc8\x02\xaa\xbb", 8);
	mh_opt_iter_init(&it, region, 8, 0);
	r1 = mh_opt_next(&it, &v);
	check(r1 == 1 && v.type == MH_OPT_PAD1 && v.offset == 0 && v.len == 0, "walk: Pad1");
	r1 = mh_opt_next(&it, &v);
	check(r1 == 1 && v.type == MH_OPT_PADN && v.offset == 1 && v.len == 1, "walk: PadN(1)");
	r1 = mh_opt_next(&it, &v);
	check(r1 == 1 && v.type == 200 && v.offset == 4 && v.len == 2 && v.opt[2] == 0xaa,
	      "walk: unknown option returned with its data");
	r1 = mh_opt_next(&it, &v);
	r2 = mh_opt_next(&it, &v);
	check(r1 == 0 && r2 == 0, "walk: end, and end again");

	/* Truncated: the same options in 7 octets (last option one octet short). */
	mh_opt_iter_init(&it, region, 7, 0);
	r1 = mh_opt_next(&it, &v);
	r2 = mh_opt_next(&it, &v);
	r3 = mh_opt_next(&it, &v);
	r4 = mh_opt_next(&it, &v);
	check(r1 == 1 && r2 == 1 && r3 == -EBADMSG && r4 == -EBADMSG,
	      "walk: truncated option -> -EBADMSG, and it stays failed");
	/* Only the type octet of an option left. */
	mh_opt_iter_init(&it, region, 5, 0);
	for (n = 0; (r1 = mh_opt_next(&it, &v)) > 0; n++)
		;
	check(n == 2 && r1 == -EBADMSG, "walk: type octet without its length octet -> -EBADMSG");
	/* Overlong: length 255 in a small region. */
	region[5] = 0xff;
	mh_opt_iter_init(&it, region, 8, 0);
	for (n = 0; (r1 = mh_opt_next(&it, &v)) > 0; n++)
		;
	check(n == 2 && r1 == -EBADMSG, "walk: option length 255 overrunning -> -EBADMSG");
	free(region);

	/* A region of Pad1 only, and an empty one; an offset past the end. */
	region = calloc(1, 16);
	if (!region)
		exit(2);
	mh_opt_iter_init(&it, region, 16, 12);
	for (n = 0; (r1 = mh_opt_next(&it, &v)) > 0; n++)
		;
	check(n == 4 && r1 == 0, "walk: four Pad1 at 12..15");
	mh_opt_iter_init(&it, region, 16, 16);
	check(mh_opt_next(&it, &v) == 0, "walk: empty region");
	mh_opt_iter_init(&it, region, 16, 40);
	check(mh_opt_next(&it, &v) == 0, "walk: start offset past the end is an empty region");
	free(region);

	/* The largest message: 2048 octets, one PadN of 255 after another. */
	region = calloc(1, MH_MAX_LEN);
	if (!region)
		exit(2);
	for (n = 0; n + 257 <= MH_MAX_LEN; n += 257) {
		region[n] = MH_OPT_PADN;
		region[n + 1] = 255;
	}
	mh_opt_iter_init(&it, region, MH_MAX_LEN, 0);
	for (n = 0; (r1 = mh_opt_next(&it, &v)) > 0; n++)
		;
	check(n == 7 + 249 && r1 == 0, "walk: 2048 octets of PadN(255) and Pad1");
	free(region);

	check(mh_opt_aligned(MH_OPT_ALT_COA, 14) && !mh_opt_aligned(MH_OPT_ALT_COA, 12) &&
		      mh_opt_aligned(MH_OPT_AUTH, 13) && mh_opt_aligned(MH_OPT_AUTH, 17) &&
		      !mh_opt_aligned(MH_OPT_AUTH, 12) && mh_opt_aligned(MH_OPT_BAD, 18) &&
		      !mh_opt_aligned(MH_OPT_NONCE_INDICES, 13) && mh_opt_aligned(MH_OPT_MNP, 20) &&
		      mh_opt_aligned(MH_OPT_MESG_ID, 26) && mh_opt_aligned(200, 3),
	      "mh_opt_aligned(): 8n+6, 4n+1, 8n+2, 2n, 8n+4, none");
}

static void test_seq(void)
{
	check(seq_newer(16, 15) && seq_newer(32782, 15), "seq_newer: last 15, 16 and 32782 newer");
	check(!seq_newer(32783, 15) && !seq_newer(15, 15),
	      "seq_newer: last 15, 32783 (difference 32768) and 15 not newer");
	check(!seq_newer(0, 15) && !seq_newer(65535, 15),
	      "seq_newer: last 15, 0 and 65535 not newer");
	check(seq_newer(0, 65535) && seq_newer(32766, 65535) && !seq_newer(32767, 65535),
	      "seq_newer: across the wrap, 65535 -> 0 newer, 32767 not");
	check(!seq_newer(32768, 0) && !seq_newer(0, 32768),
	      "seq_newer: 32768 apart, neither newer");
}

static void test_timestamps(void)
{
	struct timespec epoch = {0, 0}, y2024 = {1704067200, 500000000};
	__u64 now = 0xe93c7f0080000000ULL, t;

	check(auth_ntp_from_timespec(&epoch) == 2208988800ULL << 32,
	      "NTP: Unix epoch is 2208988800 s after 1900");
	t = auth_ntp_from_timespec(&y2024);
	check(t == now, "NTP: 2024-01-01T00:00:00.5Z is 0x%llx", (unsigned long long)t);
	t = auth_ntp_now();
	check((t >> 32) - 2208988800ULL - (__u64)time(NULL) + 1 <= 2,
	      "NTP: auth_ntp_now() agrees with time()");
	check(auth_timestamp_fresh(now, now, 7) &&
		      auth_timestamp_fresh(now + (7ULL << 32), now, 7) &&
		      auth_timestamp_fresh(now - (7ULL << 32), now, 7),
	      "timestamp: equal and exactly 7 s either way are fresh");
	check(!auth_timestamp_fresh(now + (7ULL << 32) + 1, now, 7) &&
		      !auth_timestamp_fresh(now - (7ULL << 32) - 1, now, 7) &&
		      !auth_timestamp_fresh(0, now, 7),
	      "timestamp: beyond 7 s either way, or zero, is stale");
	check(auth_timestamp_fresh(2ULL << 32, 0xffffffffULL << 32, 7) &&
		      auth_timestamp_fresh(0xfffffffeULL << 32, 1ULL << 32, 7),
	      "timestamp: window works across the 2036 NTP era wrap");
	check(MIP6_AUTH_TIMESTAMP_WINDOW_S == 7, "timestamp: default window 7 s");
}

static void test_names(void)
{
	check(!strcmp(mh_ba_status_str(MH_BA_AUTH_FAIL),
		      "MIPV6-AUTH-FAIL: authentication failed") &&
		      MH_BA_ID_MISMATCH == 144 && MH_BA_MESG_ID_REQUIRED == 145 &&
		      MH_BA_AUTH_FAIL == 146 && MH_BA_INVALID_COA == 174 &&
		      MH_BA_SEQ_OUT_OF_WINDOW == 135,
	      "BA status values and names (144/145/146/135/174)");
	check(!strcmp(mh_ba_status_str(200), "unknown (rejected)") &&
		      !strcmp(mh_ba_status_str(7), "unknown (accepted)"),
	      "unknown BA status names say accepted/rejected");
	check(!strcmp(mh_type_str(MH_TYPE_BA), "BA") && !strcmp(mh_type_str(8), "unknown") &&
		      !strcmp(mh_opt_type_str(MH_OPT_AUTH), "Mobility Message Authentication") &&
		      !strcmp(mh_be_status_str(2), "Unrecognized MH Type value"),
	      "MH type, option type and BE status names");
	check(sizeof(struct mh_hdr) == 6 && sizeof(struct mh_bu) == 12 &&
		      sizeof(struct mh_ba) == 12 && sizeof(struct mh_be) == 24 &&
		      sizeof(struct mh_brr) == 8 && sizeof(struct mh_test_init) == 16 &&
		      sizeof(struct mh_test) == 24 && sizeof(struct mh_opt_auth) == 7 &&
		      sizeof(struct mh_opt_mesg_id) == 10 && sizeof(struct mh_opt_alt_coa) == 18 &&
		      sizeof(struct mip6_dstopts_hao) == 24 && sizeof(struct mip6_rt2_hdr) == 24,
	      "wire struct sizes");
	check(mh_hdr_len_min(MH_TYPE_BRR) == 0 && mh_hdr_len_min(MH_TYPE_HOT) == 2 &&
		      mh_hdr_len_min(MH_TYPE_BU) == 1 && mh_hdr_len_min(MH_TYPE_BE) == 2 &&
		      mh_hdr_len_min(8) == -1 && mh_opts_offset(MH_TYPE_BE) == 24 &&
		      mh_opts_offset(MH_TYPE_COTI) == 16 && mh_opts_offset(9) == -1,
	      "minimum Header Len and option offsets per type");
}

int main(void)
{
	hoa = addr("2001:db8:aaaa::100");
	coa = addr("2001:db8:ffff:1::abcd");
	ha = addr("2001:db8:aaaa::1");
	cn = addr("2001:db8:cccc::1");

	test_bu_vector();
	test_ba_vector();
	test_rr_vector();
	test_mnha_vector();
	test_auth_errors();
	test_builders();
	test_builder_combinations();
	test_mnp_builder();
	test_ext_headers();
	test_parse_errors();
	test_parse_mnp();
	test_opt_walk();
	test_seq();
	test_timestamps();
	test_names();

	return unit_finish("mh_unit");
}
