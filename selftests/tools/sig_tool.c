// SPDX-License-Identifier: GPL-2.0
/*
 * sig_tool.c - command-line access to user/wire/sigio.c for selftests/netns/test_sigio.py.
 *
 *   sig_tool parse HEX [ifindex N] [tunnelled]
 *	JSON: {"ret": 0 or -errno, "error", and for 0 the struct sig_rx fields}
 *   sig_tool build SRC DST [hao A] [rt2 A] [hlim N] [size N] MHHEX
 *	the packet in hex; "error: ..." and exit 1 on failure. size N: the
 *	buffer size given to sig_build_packet() (default: large enough)
 *   sig_tool send SRC DST [hao A] [rt2 A] [hlim N] MHHEX
 *	sig_open() + sig_send() once; JSON {"ret", "len", "mark"} where mark is
 *	the raw socket's SO_MARK as read back
 *   sig_tool param-problem PACKETHEX CODE POINTER [ifindex N]
 *	sig_parse_packet() then sig_send_param_problem(); JSON {"ret", ...}
 *
 * Exit status: 0 when ret is 0, 1 otherwise, 2 for bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <json-c/json.h>

#include "wire/mh.h"
#include "wire/sigio.h"
#include "tool.h"

#define PACKET_MAX 65575 /* IPv6 header + the largest payload */

static unsigned long number(const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	if (!s)
		die("number");
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || end == s || v > max)
		die("number");
	return v;
}

static json_object *json_addr(const struct in6_addr *a)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, a, s, sizeof(s));
	return json_object_new_string(s);
}

static json_object *json_hex(const __u8 *data, size_t len)
{
	char *s = malloc(2 * len + 1);
	json_object *o;

	if (!s)
		die("memory");
	for (size_t i = 0; i < len; i++)
		sprintf(s + 2 * i, "%02x", data[i]);
	s[2 * len] = '\0';
	o = json_object_new_string(s);
	free(s);
	return o;
}

/* Print @o (which holds "ret") and exit 0 for ret 0, else 1. */
static int finish(json_object *o, int ret)
{
	json_object_object_add(o, "ret", json_object_new_int(ret));
	if (ret)
		json_object_object_add(o, "error", json_object_new_string(strerror(-ret)));
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return ret ? 1 : 0;
}

static void rx_to_json(json_object *o, const struct sig_rx *rx)
{
	json_object_object_add(o, "ifindex", json_object_new_int(rx->ifindex));
	json_object_object_add(o, "tunnelled", json_object_new_boolean(rx->tunnelled));
	json_object_object_add(o, "src", json_addr(&rx->src));
	json_object_object_add(o, "dst", json_addr(&rx->dst));
	json_object_object_add(o, "has_hao", json_object_new_boolean(rx->has_hao));
	if (rx->has_hao)
		json_object_object_add(o, "hao", json_addr(&rx->hao));
	json_object_object_add(o, "has_rt2", json_object_new_boolean(rx->has_rt2));
	if (rx->has_rt2)
		json_object_object_add(o, "rt2", json_addr(&rx->rt2));
	json_object_object_add(o, "mh_src", json_addr(&rx->mh_src));
	json_object_object_add(o, "mh_dst", json_addr(&rx->mh_dst));
	json_object_object_add(o, "hop_limit", json_object_new_int(rx->hop_limit));
	json_object_object_add(o, "packet_len", json_object_new_int64(rx->packet_len));
	json_object_object_add(o, "mh_offset", json_object_new_int64(rx->mh_offset));
	json_object_object_add(o, "mh_len", json_object_new_int64(rx->mh_len));
	json_object_object_add(o, "mh", json_hex(rx->mh, rx->mh_len));
}

/* Trailing [ifindex N] [tunnelled] of parse and param-problem. */
static void rx_opts(int argc, char **argv, int *ifindex, bool *tunnelled)
{
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "ifindex") && i + 1 < argc)
			*ifindex = number(argv[++i], 0x7fffffff);
		else if (!strcmp(argv[i], "tunnelled"))
			*tunnelled = true;
		else
			die("parse option");
	}
}

static int cmd_parse(int argc, char **argv)
{
	static __u8 pkt[PACKET_MAX];
	json_object *o = json_object_new_object();
	bool tunnelled = false;
	struct sig_rx rx;
	int ifindex = 0, ret;
	size_t len;

	if (argc < 1)
		die("usage");
	len = unhex(argv[0], pkt, sizeof(pkt));
	rx_opts(argc - 1, argv + 1, &ifindex, &tunnelled);
	ret = sig_parse_packet(pkt, len, ifindex, tunnelled, &rx);
	if (!ret)
		rx_to_json(o, &rx);
	return finish(o, ret);
}

/* SRC DST [hao A] [rt2 A] [hlim N] [size N] MHHEX; the MH goes to @mh. */
static size_t tx_args(int argc, char **argv, struct sig_tx *tx, struct in6_addr *hao,
		      struct in6_addr *rt2, __u8 *mh, size_t *size)
{
	int i;

	if (argc < 3)
		die("usage");
	memset(tx, 0, sizeof(*tx));
	tx->src = addr(argv[0]);
	tx->dst = addr(argv[1]);
	for (i = 2; i + 1 < argc - 1; i += 2) {
		if (!strcmp(argv[i], "hao")) {
			*hao = addr(argv[i + 1]);
			tx->hao = hao;
		} else if (!strcmp(argv[i], "rt2")) {
			*rt2 = addr(argv[i + 1]);
			tx->rt2 = rt2;
		} else if (!strcmp(argv[i], "hlim")) {
			tx->hop_limit = number(argv[i + 1], 255);
		} else if (!strcmp(argv[i], "size") && size) {
			*size = number(argv[i + 1], PACKET_MAX);
		} else {
			die("build option");
		}
	}
	if (i != argc - 1)
		die("usage");
	tx->mh = mh;
	tx->mh_len = unhex(argv[argc - 1], mh, MH_MAX_LEN + 1);
	return tx->mh_len;
}

static int cmd_build(int argc, char **argv)
{
	static __u8 mh[MH_MAX_LEN + 1], pkt[PACKET_MAX];
	struct in6_addr hao, rt2;
	size_t size = sizeof(pkt);
	struct sig_tx tx;
	int len;

	tx_args(argc, argv, &tx, &hao, &rt2, mh, &size);
	len = sig_build_packet(pkt, size, &tx);
	if (len < 0) {
		printf("error: %s\n", strerror(-len));
		return 1;
	}
	print_hex(pkt, len);
	return 0;
}

static int cmd_send(int argc, char **argv)
{
	static __u8 mh[MH_MAX_LEN + 1];
	json_object *o = json_object_new_object();
	struct in6_addr hao, rt2;
	struct sig_socks s;
	struct sig_tx tx;
	socklen_t optlen;
	int ret, mark = 0;

	tx_args(argc, argv, &tx, &hao, &rt2, mh, NULL);
	ret = sig_open(&s);
	if (ret)
		return finish(o, ret);
	optlen = sizeof(mark);
	if (getsockopt(s.raw_fd, SOL_SOCKET, SO_MARK, &mark, &optlen) == 0)
		json_object_object_add(o, "mark", json_object_new_int64((unsigned int)mark));
	ret = sig_send(&s, &tx);
	sig_close(&s);
	return finish(o, ret);
}

static int cmd_param_problem(int argc, char **argv)
{
	static __u8 pkt[PACKET_MAX];
	json_object *o = json_object_new_object();
	bool tunnelled = false;
	struct sig_socks s;
	struct sig_rx rx;
	int ifindex = 0, ret;
	size_t len;

	if (argc < 3)
		die("usage");
	len = unhex(argv[0], pkt, sizeof(pkt));
	rx_opts(argc - 3, argv + 3, &ifindex, &tunnelled);
	ret = sig_parse_packet(pkt, len, ifindex, tunnelled, &rx);
	if (ret) {
		json_object_object_add(o, "stage", json_object_new_string("parse"));
		return finish(o, ret);
	}
	ret = sig_open(&s);
	if (ret)
		return finish(o, ret);
	ret = sig_send_param_problem(&s, &rx, number(argv[1], 255), number(argv[2], 0xffffffff));
	sig_close(&s);
	return finish(o, ret);
}

int main(int argc, char **argv)
{
	if (argc < 3)
		die("usage, see the source");
	if (!strcmp(argv[1], "parse"))
		return cmd_parse(argc - 2, argv + 2);
	if (!strcmp(argv[1], "build"))
		return cmd_build(argc - 2, argv + 2);
	if (!strcmp(argv[1], "send"))
		return cmd_send(argc - 2, argv + 2);
	if (!strcmp(argv[1], "param-problem"))
		return cmd_param_problem(argc - 2, argv + 2);
	die("command");
	return 2;
}
