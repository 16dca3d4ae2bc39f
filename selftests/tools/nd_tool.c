// SPDX-License-Identifier: GPL-2.0
/*
 * nd_tool.c - command-line access to user/net/nl.c and user/net/ndisc.c for
 * selftests/netns/test_nl_ndisc.sh. IF is an interface name or index.
 *
 *   nd_tool proxy-add|proxy-del IF ADDR
 *   nd_tool neigh-perm IF ADDR [MAC]	(default MAC: the interface's own)
 *   nd_tool neigh-del IF ADDR
 *   nd_tool addr-add IF ADDR/PLEN [nodad] [noprefixroute]
 *   nd_tool addr-del IF ADDR/PLEN
 *   nd_tool addr-dump [IF]		IF ADDR/PLEN scope=S flags=F,.. valid=V preferred=P
 *   nd_tool lladdr IF
 *   nd_tool una IF TARGET [router]
 *   nd_tool dad IF TARGET... [hold MS]	one "in-use" or "free" line per target;
 *					"hold": keep the socket MS ms longer (to
 *					see that the probe left its group)
 *   nd_tool retrans IF
 *   nd_tool monitor SECONDS [small]	"ready", then one line per event; "small":
 *					tiny receive buffer, 2 s before the first
 *					read, to provoke ENOBUFS
 *
 * Errors: one line "nd_tool: CMD: strerror" and exit 1; usage errors exit 2.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/if_addr.h>
#include <sys/socket.h>

#include "net/nl.h"
#include "net/ndisc.h"
#include "common/util.h"

static const char *cmd = "nd_tool";

static void usage(void)
{
	fprintf(stderr, "usage: nd_tool proxy-add|proxy-del|neigh-perm|neigh-del|addr-add|addr-del|"
			"addr-dump|lladdr|una|dad|retrans|monitor ARGS (see nd_tool.c)\n");
	exit(2);
}

static void bad(const char *what, const char *arg)
{
	fprintf(stderr, "nd_tool: %s: bad %s '%s'\n", cmd, what, arg ? arg : "");
	exit(2);
}

static int check(int err)
{
	if (err < 0) {
		fprintf(stderr, "nd_tool: %s: %s\n", cmd, strerror(-err));
		exit(1);
	}
	return err;
}

static int ifindex_of(const char *s)
{
	char *end;
	unsigned long idx;
	unsigned int i;

	if (!s)
		bad("interface", s);
	idx = strtoul(s, &end, 10);
	if (*s && !*end && idx > 0 && idx < 1U << 31)
		return (int)idx;
	i = if_nametoindex(s);
	if (!i)
		bad("interface", s);
	return (int)i;
}

static struct in6_addr addr_of(const char *s)
{
	struct in6_addr a;

	if (addr6_parse(s, &a))
		bad("address", s);
	return a;
}

static __u8 prefix_of(const char *s, struct in6_addr *a)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash, *end;
	unsigned long plen;

	if (!s || strlen(s) >= sizeof(buf))
		bad("prefix", s);
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash)
		bad("prefix", s);
	*slash = '\0';
	plen = strtoul(slash + 1, &end, 10);
	if (!slash[1] || *end || plen > 128)
		bad("prefix", s);
	*a = addr_of(buf);
	return (__u8)plen;
}

static void mac_of(const char *s, __u8 mac[6])
{
	unsigned int b[6];
	char extra;

	if (!s ||
	    sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &extra) != 6)
		bad("MAC", s);
	for (int i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			bad("MAC", s);
		mac[i] = b[i];
	}
}

static void print_mac(const __u8 mac[6])
{
	printf("%02x:%02x:%02x:%02x:%02x:%02x\n", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

static const char *ifname(int ifindex, char buf[IF_NAMESIZE])
{
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "%d", ifindex);
	return buf;
}

/* -- addresses -------------------------------------------------------------- */

static const struct {
	__u32 flag;
	const char *name;
} addr_flags[] = {
	{IFA_F_SECONDARY, "secondary"},	      {IFA_F_NODAD, "nodad"},
	{IFA_F_OPTIMISTIC, "optimistic"},     {IFA_F_DADFAILED, "dadfailed"},
	{IFA_F_HOMEADDRESS, "homeaddress"},   {IFA_F_DEPRECATED, "deprecated"},
	{IFA_F_TENTATIVE, "tentative"},	      {IFA_F_PERMANENT, "permanent"},
	{IFA_F_MANAGETEMPADDR, "mngtmpaddr"}, {IFA_F_NOPREFIXROUTE, "noprefixroute"},
	{IFA_F_MCAUTOJOIN, "autojoin"},	      {IFA_F_STABLE_PRIVACY, "stable-privacy"},
};

static const char *scope_name(__u8 scope)
{
	switch (scope) {
	case 0:
		return "global";
	case 200:
		return "site";
	case 253:
		return "link";
	case 254:
		return "host";
	default:
		return "other";
	}
}

static void print_lifetime(const char *name, __u32 s)
{
	if (s == NL_INFINITY_LIFE_TIME)
		printf(" %s=forever", name);
	else
		printf(" %s=%u", name, s);
}

static void print_addr(const char *prefix, const struct nl_addr *a)
{
	char name[IF_NAMESIZE];
	struct addr6_buf b;
	const char *sep = "";

	printf("%s%s %s/%u scope=%s flags=", prefix, ifname(a->ifindex, name),
	       addr6_str(&a->addr, &b), a->plen, scope_name(a->scope));
	for (size_t i = 0; i < sizeof(addr_flags) / sizeof(addr_flags[0]); i++) {
		if (a->flags & addr_flags[i].flag) {
			printf("%s%s", sep, addr_flags[i].name);
			sep = ",";
		}
	}
	if (!*sep)
		printf("-");
	print_lifetime("valid", a->valid_s);
	print_lifetime("preferred", a->preferred_s);
	putchar('\n');
}

static int dump_cb(const struct nl_addr *a, void *ctx)
{
	(void)ctx;
	print_addr("", a);
	return 0;
}

/* -- monitor ---------------------------------------------------------------- */

static void mon_addr(bool added, const struct nl_addr *a, void *ctx)
{
	(void)ctx;
	print_addr(added ? "addr add " : "addr del ", a);
}

static void mon_link(int ifindex, bool up, bool carrier, void *ctx)
{
	char name[IF_NAMESIZE];

	(void)ctx;
	printf("link %s %s %s\n", ifname(ifindex, name), up ? "up" : "down",
	       carrier ? "carrier" : "no-carrier");
}

static void mon_resync(void *ctx)
{
	(void)ctx;
	printf("resync\n");
}

static long long now_ms(void)
{
	return (long long)(mono_now_ns() / 1000000ULL);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static int do_monitor(struct nl *nl, int argc, char **argv)
{
	static const struct nl_monitor_ops ops = {
		.addr = mon_addr, .link = mon_link, .resync = mon_resync};
	char *end;
	long secs = argc > 0 ? strtol(argv[0], &end, 10) : -1;
	bool small = argc > 1 && !strcmp(argv[1], "small");
	long long deadline;

	if (argc < 1 || *end || secs < 0 || secs > 600 || (argc > 1 && !small))
		usage();
	check(nl_monitor_open(nl));
	if (small) {
		int one = 1;

		/* The kernel rounds it up to its minimum, a few messages. */
		check(setsockopt(nl_monitor_fd(nl), SOL_SOCKET, SO_RCVBUF, &one, sizeof(one))
			      ? -errno
			      : 0);
	}
	printf("ready\n");
	if (small)
		sleep_ms(2000);
	deadline = now_ms() + secs * 1000;
	for (long long left; (left = deadline - now_ms()) > 0;) {
		struct pollfd pfd = {.fd = nl_monitor_fd(nl), .events = POLLIN};
		int n = poll(&pfd, 1, (int)left);

		if (n < 0 && errno != EINTR)
			check(-errno);
		if (n > 0)
			check(nl_monitor_read(nl, &ops, NULL));
	}
	return 0;
}

/* -- neighbor discovery ----------------------------------------------------- */

static int do_dad(int ifindex, int argc, char **argv)
{
	struct in6_addr targets[NDISC_MAX_DAD];
	struct ndisc nd;
	long long deadline;
	long hold = 0;
	int n = argc;

	if (n > 2 && !strcmp(argv[n - 2], "hold")) {
		char *end;

		hold = strtol(argv[n - 1], &end, 10);
		if (*end || hold < 0 || hold > 60000)
			bad("hold", argv[n - 1]);
		n -= 2;
	}
	if (n < 1 || n > NDISC_MAX_DAD)
		usage();
	for (int i = 0; i < n; i++)
		targets[i] = addr_of(argv[i]);
	check(ndisc_open(&nd));
	for (int i = 0; i < n; i++)
		check(ndisc_dad_start(&nd, ifindex, &targets[i]));

	/* The node itself would wait RetransTimer after its one NS (RFC 4862 5.4). */
	deadline = now_ms() + ndisc_retrans_time_ms(ifindex);
	for (long long left; (left = deadline - now_ms()) > 0;) {
		struct pollfd pfd = {.fd = nd.fd, .events = POLLIN};
		int r = poll(&pfd, 1, (int)left);

		if (r < 0 && errno != EINTR)
			check(-errno);
		if (r > 0)
			check(ndisc_read(&nd));
	}
	for (int i = 0; i < n; i++)
		puts(check(ndisc_dad_finish(&nd, ifindex, &targets[i])) ? "in-use" : "free");
	sleep_ms(hold);
	ndisc_close(&nd);
	return 0;
}

static int do_una(struct nl *nl, int ifindex, int argc, char **argv)
{
	struct in6_addr target;
	struct ndisc nd;
	__u8 mac[6];
	bool router = argc > 1 && !strcmp(argv[1], "router");

	if (argc < 1 || argc > 2 || (argc > 1 && !router))
		usage();
	target = addr_of(argv[0]);
	check(nl_link_lladdr(nl, ifindex, mac));
	check(ndisc_open(&nd));
	check(ndisc_send_unsolicited_na(&nd, ifindex, &target, mac, router));
	ndisc_close(&nd);
	return 0;
}

/* -- main ------------------------------------------------------------------- */

static int do_addr(struct nl *nl, bool add, int ifindex, int argc, char **argv)
{
	struct in6_addr a;
	__u32 flags = 0;
	__u8 plen;

	if (argc < 1)
		usage();
	plen = prefix_of(argv[0], &a);
	if (!add) {
		if (argc != 1)
			usage();
		return check(nl_addr_del(nl, ifindex, &a, plen));
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "nodad"))
			flags |= NL_ADDR_F_NODAD;
		else if (!strcmp(argv[i], "noprefixroute"))
			flags |= NL_ADDR_F_NOPREFIX;
		else
			usage();
	}
	return check(nl_addr_add(nl, ifindex, &a, plen, flags));
}

static int do_neigh(struct nl *nl, const char *op, int ifindex, int argc, char **argv)
{
	struct in6_addr a;
	__u8 mac[6];

	if (argc < 1)
		usage();
	a = addr_of(argv[0]);
	if (!strcmp(op, "proxy-add") && argc == 1)
		return check(nl_proxy_add(nl, ifindex, &a));
	if (!strcmp(op, "proxy-del") && argc == 1)
		return check(nl_proxy_del(nl, ifindex, &a));
	if (!strcmp(op, "neigh-del") && argc == 1)
		return check(nl_neigh_del(nl, ifindex, &a));
	if (!strcmp(op, "neigh-perm") && argc <= 2) {
		if (argc == 2)
			mac_of(argv[1], mac);
		else
			check(nl_link_lladdr(nl, ifindex, mac));
		return check(nl_neigh_set_permanent(nl, ifindex, &a, mac));
	}
	usage();
	return 0;
}

static struct nl nl_main;

/* Every exit path closes the netlink socket (LeakSanitizer builds check). */
static void close_nl(void)
{
	nl_close(&nl_main);
}

int main(int argc, char **argv)
{
	__u8 mac[6];
	int ifindex;

	if (argc < 2)
		usage();
	cmd = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	check(nl_open(&nl_main));
	atexit(close_nl);

	if (!strcmp(cmd, "monitor"))
		return do_monitor(&nl_main, argc - 2, argv + 2);
	if (!strcmp(cmd, "addr-dump")) {
		if (argc > 3)
			usage();
		return check(
			nl_addr_dump(&nl_main, argc == 3 ? ifindex_of(argv[2]) : 0, dump_cb, NULL));
	}

	if (argc < 3)
		usage();
	ifindex = ifindex_of(argv[2]);
	argc -= 3;
	argv += 3;
	if (!strcmp(cmd, "lladdr") && !argc) {
		check(nl_link_lladdr(&nl_main, ifindex, mac));
		print_mac(mac);
		return 0;
	}
	if (!strcmp(cmd, "retrans") && !argc) {
		printf("%u\n", ndisc_retrans_time_ms(ifindex));
		return 0;
	}
	if (!strcmp(cmd, "una"))
		return do_una(&nl_main, ifindex, argc, argv);
	if (!strcmp(cmd, "dad"))
		return do_dad(ifindex, argc, argv);
	if (!strcmp(cmd, "addr-add") || !strcmp(cmd, "addr-del"))
		return do_addr(&nl_main, !strcmp(cmd, "addr-add"), ifindex, argc, argv);
	if (!strncmp(cmd, "proxy-", 6) || !strncmp(cmd, "neigh-", 6))
		return do_neigh(&nl_main, cmd, ifindex, argc, argv);
	usage();
	return 2;
}
