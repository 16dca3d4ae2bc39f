// SPDX-License-Identifier: GPL-2.0
/*
 * mh_tool.c - command-line access to user/wire/mh.c and user/wire/auth.c for
 * selftests/unit/test_mh_wire.py. Output is hex or "key=value" lines.
 *
 *   mh_tool build bu|ba|be|brr|hoti|coti|hot|cot [KEY=VALUE...]
 *	seq= flags= lifetime= status= home_addr= cookie=HEX token=HEX nonce_index=
 *	acoa= ni=HOME,CAREOF bra= ts= bad auth=SPI
 *	key=HEX coa= hoa=	sign the AUTH option (MN-HA, over coa | hoa)
 *	kbm=HEX coa= cn=	sign the BAD option (over coa | cn)
 *	src= dst=		set the checksum (else it stays 0)
 *   mh_tool parse HEX [src= dst=]
 *   mh_tool verify HEX key=HEX|kbm=HEX coa= hoa=|cn=
 *   mh_tool hao|rt2 NEXTHDR ADDR
 *   mh_tool token KCN ADDR NONCE home|careof
 *   mh_tool kbm HOME_TOKEN [CAREOF_TOKEN]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "wire/mh.h"
#include "wire/auth.h"
#include "tool.h"

/* Value of KEY= among @argv, or NULL; a bare "KEY" gives "". */
static const char *arg(int argc, char **argv, const char *key)
{
	size_t n = strlen(key);

	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], key, n) && argv[i][n] == '=')
			return argv[i] + n + 1;
		if (!strcmp(argv[i], key))
			return "";
	}
	return NULL;
}

static unsigned long long num(int argc, char **argv, const char *key)
{
	const char *v = arg(argc, argv, key);

	return v ? strtoull(v, NULL, 0) : 0;
}

static int build(int argc, char **argv, __u8 *buf, size_t size)
{
	const char *type = argv[0];
	struct mh_opts o = {0};
	struct in6_addr acoa;
	__u8 cookie[8] = {0}, token[8] = {0};
	const char *v;

	if ((v = arg(argc, argv, "acoa"))) {
		acoa = addr(v);
		o.alt_coa = &acoa;
	}
	if ((v = arg(argc, argv, "ni"))) {
		o.has_nonce_indices = true;
		if (sscanf(v, "%hu,%hu", &o.home_nonce_index, &o.care_of_nonce_index) != 2)
			die("ni");
	}
	o.has_refresh_advice = arg(argc, argv, "bra");
	o.refresh_interval = num(argc, argv, "bra");
	o.has_timestamp = arg(argc, argv, "ts");
	o.timestamp = num(argc, argv, "ts");
	o.has_bad = arg(argc, argv, "bad");
	o.has_mnha_auth = arg(argc, argv, "auth");
	o.mnha_spi = num(argc, argv, "auth");
	if ((v = arg(argc, argv, "cookie")))
		unhex(v, cookie, sizeof(cookie));
	if ((v = arg(argc, argv, "token")))
		unhex(v, token, sizeof(token));

	if (!strcmp(type, "bu")) {
		struct mh_bu_fields bu = {num(argc, argv, "seq"), num(argc, argv, "flags"),
					  num(argc, argv, "lifetime")};

		return mh_build_bu(buf, size, &bu, &o);
	}
	if (!strcmp(type, "ba")) {
		struct mh_ba_fields ba = {num(argc, argv, "status"), num(argc, argv, "flags"),
					  num(argc, argv, "seq"), num(argc, argv, "lifetime")};

		return mh_build_ba(buf, size, &ba, &o);
	}
	if (!strcmp(type, "be")) {
		struct mh_be_fields be = {.status = num(argc, argv, "status")};

		if (arg(argc, argv, "home_addr"))
			be.home_addr = addr(arg(argc, argv, "home_addr"));
		return mh_build_be(buf, size, &be, &o);
	}
	if (!strcmp(type, "brr"))
		return mh_build_brr(buf, size, &o);
	if (!strcmp(type, "hoti") || !strcmp(type, "coti"))
		return mh_build_test_init(buf, size, type[0] == 'h' ? MH_TYPE_HOTI : MH_TYPE_COTI,
					  cookie);
	if (!strcmp(type, "hot") || !strcmp(type, "cot"))
		return mh_build_test(buf, size, type[0] == 'h' ? MH_TYPE_HOT : MH_TYPE_COT,
				     num(argc, argv, "nonce_index"), cookie, token);
	die("message type");
	return -EINVAL;
}

/* Sign (@verify false) or verify per key=/kbm=; returns 0 or -errno. */
static int authenticate(int argc, char **argv, __u8 *mh, size_t len, bool verify)
{
	const char *key = arg(argc, argv, "key"), *kbm = arg(argc, argv, "kbm");
	struct in6_addr coa, peer;
	__u8 k[64];
	size_t n;

	if (key) {
		n = unhex(key, k, sizeof(k));
		coa = addr(arg(argc, argv, "coa"));
		peer = addr(arg(argc, argv, "hoa"));
		return verify ? auth_mnha_verify(mh, len, &coa, &peer, k, n)
			      : auth_mnha_sign(mh, len, &coa, &peer, k, n);
	}
	if (kbm) {
		if (unhex(kbm, k, sizeof(k)) != AUTH_RR_KBM_LEN)
			die("kbm");
		coa = addr(arg(argc, argv, "coa"));
		peer = addr(arg(argc, argv, "cn"));
		return verify ? auth_rr_verify(mh, len, &coa, &peer, k)
			      : auth_rr_sign(mh, len, &coa, &peer, k);
	}
	return 0;
}

static void parse(int argc, char **argv, const __u8 *mh, size_t len)
{
	struct in6_addr src, dst;
	enum mh_parse_result res;
	struct mh_opt_iter it;
	struct mh_opt_view v;
	struct mh_msg msg;
	int ret;

	if (arg(argc, argv, "src")) {
		src = addr(arg(argc, argv, "src"));
		dst = addr(arg(argc, argv, "dst"));
		res = mh_parse(mh, len, &src, &dst, &msg);
	} else {
		res = mh_parse(mh, len, NULL, NULL, &msg);
	}
	printf("result=%d pointer=%d type=%u name=%s\n", res, mh_param_problem_offset(res),
	       msg.type, mh_parse_result_str(res));
	if (res != MH_PARSE_OK)
		return;
	if (msg.type == MH_TYPE_BU)
		printf("seq=%u flags=0x%04x lifetime=%u\n", msg.bu.sequence, msg.bu.flags,
		       msg.bu.lifetime);
	if (msg.type == MH_TYPE_BA)
		printf("status=%u flags=0x%02x seq=%u lifetime=%u\n", msg.ba.status, msg.ba.flags,
		       msg.ba.sequence, msg.ba.lifetime);
	printf("misaligned=%d bad_last=%d auth_last=%d\n", msg.misaligned, msg.bad_last,
	       msg.auth_last);
	mh_opt_iter_init(&it, msg.data, msg.len, msg.opts_offset);
	while ((ret = mh_opt_next(&it, &v)) > 0)
		printf("opt type=%u len=%u offset=%zu\n", v.type, v.len, v.offset);
}

int main(int argc, char **argv)
{
	__u8 buf[MH_MAX_LEN], b[64];
	struct in6_addr a;
	int len, err;

	if (argc < 3)
		die("usage, see the source");
	if (!strcmp(argv[1], "build")) {
		len = build(argc - 2, argv + 2, buf, sizeof(buf));
		if (len < 0)
			die(strerror(-len));
		err = authenticate(argc - 2, argv + 2, buf, len, false);
		if (err)
			die(strerror(-err));
		if (arg(argc, argv, "src")) {
			struct in6_addr src = addr(arg(argc, argv, "src"));
			struct in6_addr dst = addr(arg(argc, argv, "dst"));

			mh_set_checksum(&src, &dst, buf, len);
		}
		print_hex(buf, len);
	} else if (!strcmp(argv[1], "parse")) {
		parse(argc - 3, argv + 3, buf, unhex(argv[2], buf, sizeof(buf)));
	} else if (!strcmp(argv[1], "verify")) {
		len = unhex(argv[2], buf, sizeof(buf));
		printf("%d\n", authenticate(argc - 3, argv + 3, buf, len, true));
	} else if (!strcmp(argv[1], "hao") || !strcmp(argv[1], "rt2")) {
		if (argc < 4)
			die("usage");
		a = addr(argv[3]);
		len = argv[1][0] == 'h' ? mh_build_hao_dstopts(b, sizeof(b), atoi(argv[2]), &a)
					: mh_build_rt2(b, sizeof(b), atoi(argv[2]), &a);
		print_hex(b, len);
	} else if (!strcmp(argv[1], "token") && argc == 6) {
		__u8 kcn[AUTH_RR_KCN_LEN], nonce[AUTH_RR_NONCE_LEN];

		if (unhex(argv[2], kcn, sizeof(kcn)) != sizeof(kcn) ||
		    unhex(argv[4], nonce, sizeof(nonce)) != sizeof(nonce))
			die("token arguments");
		a = addr(argv[3]);
		if (auth_rr_keygen_token(kcn, &a, nonce, !strcmp(argv[5], "careof"), b))
			die("token");
		print_hex(b, AUTH_RR_TOKEN_LEN);
	} else if (!strcmp(argv[1], "kbm")) {
		__u8 home[AUTH_RR_TOKEN_LEN], care_of[AUTH_RR_TOKEN_LEN] = {0};

		unhex(argv[2], home, sizeof(home));
		if (argc > 3)
			unhex(argv[3], care_of, sizeof(care_of));
		if (auth_rr_kbm(home, argc > 3 ? care_of : NULL, b))
			die("kbm");
		print_hex(b, AUTH_RR_KBM_LEN);
	} else {
		die("command");
	}
	return 0;
}
