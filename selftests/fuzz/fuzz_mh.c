// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_mh.c - libFuzzer target: a Mobility Header message as received
 * (RFC 6275 section 9.2 checks, the options walk, both authenticators) and
 * the two extension headers Mobile IPv6 adds (HAO, type 2 routing header).
 */
#include <stddef.h>
#include <stdint.h>

#include "wire/auth.h"
#include "wire/mh.h"

static const struct in6_addr addr_a = {{{0x20, 0x01, 0x0d, 0xb8, [15] = 1}}};
static const struct in6_addr addr_b = {{{0x20, 0x01, 0x0d, 0xb8, 0xaa, [15] = 2}}};
static const __u8 key[AUTH_RR_KBM_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mh_opt_view opt;
	struct mh_opt_iter it;
	struct in6_addr home;
	struct mh_msg msg;

	/* Without the checksum first, so the fuzzer reaches the options. */
	if (mh_parse(data, size, NULL, NULL, &msg) == MH_PARSE_OK) {
		mh_opt_iter_init(&it, msg.data, msg.len, msg.opts_offset);
		while (mh_opt_next(&it, &opt) > 0)
			(void)mh_opt_aligned(opt.type, opt.offset);
		(void)auth_rr_verify(data, size, &addr_a, &addr_b, key);
		(void)auth_mnha_verify(data, size, &addr_a, &addr_b, key, AUTH_MNHA_KEY_LEN);
		(void)mh_ba_status_str(msg.ba.status);
	}
	(void)mh_parse(data, size, &addr_a, &addr_b, &msg);
	(void)mh_find_hao(data, size, &home);
	(void)mh_parse_rt2(data, size, &home);
	return 0;
}
