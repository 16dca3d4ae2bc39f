// SPDX-License-Identifier: GPL-2.0
/*
 * xmbench.c - the measuring half of `make bench` (bench/bench.sh). Every
 * command prints one JSON object per measurement on its own line.
 *
 *   xmbench cost PATH BINDINGS REPEAT RUNS
 *	Per-packet cost of one xmip6 program path with BPF_PROG_TEST_RUN.
 *	The xmip6 skeleton is loaded with private maps (no pins) and a
 *	bindings map of max(BINDINGS, 65536) entries holding BINDINGS
 *	pseudo-random home addresses. XDP programs run behind bench.bpf.c's
 *	xdp_wrap, which restores the input frame on every iteration and
 *	spreads the home address over the bindings; the wrapper's own cost
 *	(tail call to xdp_nop) is measured in the same run and subtracted.
 *	TC programs run REPEAT times with repeat 1 instead, alternated with
 *	tc_nop run by run: the median run of each, the difference
 *	(tc_interleaved()). A run counts only when the path's counter grew by
 *	exactly REPEAT, no other counter moved and the verdict is the
 *	expected one. Must run in the namespace bench/bench.sh sets up for
 *	it (the FIB lookups need its routes and neighbours).
 *	PATH: ha_encap ha_decap mn_decap mn_encap ha_local_encap pass
 *	      fib_lookup (bench.bpf.c's xdp_fib: one bpf_fib_lookup())
 *	      lookup (bench.bpf.c's xdp_lookup: one lookup in the bindings
 *	      map, the N home addresses in turn as ha_encap takes them)
 *	      touch (bench.bpf.c's xdp_touch: one random 128-octet entry
 *	      of an array of N, the least any table of N costs)
 *	      naive_encap (bench.bpf.c's xdp_naive_encap, the live section's
 *	      reference encapsulation, on ha_encap's frame)
 *	      ha_prefix_encap, ha_prefix_encap_100k: xdp_ha to a host of a
 *	      mobile router's prefix (NEMO, bpf/nemo.h), the "prefixes" map
 *	      holding 1 or 100,000 /64s, each naming one of the bindings
 *	      mr_encap, mr_decap: a mobile router (NEMO, bpf/mr.h) with one
 *	      Mobile Network Prefix ("mr_prefixes") through the binding of
 *	      the first home address: a host's forwarded packet reverse-
 *	      tunnelled (tc_mn_egress), one from the HA decapsulated for a
 *	      host (xdp_mn); beside mn_encap and mn_decap
 *
 *   xmbench fill MAP_PIN BINDINGS COA HA_ADDR
 *	Fill a pinned bindings map with the same home addresses.
 *
 *   xmbench live CASE KIND GEN_NS GEN_DEV DST_MAC SINK_NS SINK_DEV BINDINGS SECONDS [ACTIVE]
 *	Traffic generator: frames of BENCH_FRAME_LEN octets (default 78) to
 *	DST_MAC sent into GEN_DEV in GEN_NS; xdp_count on SINK_DEV in SINK_NS
 *	counts (and drops) what arrives. KIND "udp": IPv6/UDP from
 *	2001:db8:c::2 to the home addresses; "tunnel": the same packet from
 *	the home addresses to the CN inside IPv6-in-IPv6 from the CoA to the
 *	HA (40 octets more). Every frame gets the next of ACTIVE home
 *	addresses (default BINDINGS; one address when 1), round robin, and its
 *	UDP checksum, in every case alike: ACTIVE below BINDINGS is a working
 *	set, the first ACTIVE of the BINDINGS addresses "fill" installed.
 *	CASE is a label for the output only. BENCH_GEN picks the generator: "live" (default), live frames
 *	(BPF_PROG_TEST_RUN with BPF_F_TEST_XDP_LIVE_FRAMES) redirected into
 *	GEN_DEV by xdp_gen, batches of 256; or "packet", for kernels that
 *	refuse live frames: an AF_PACKET socket on GEN_DEV with
 *	PACKET_QDISC_BYPASS and sendmmsg, batches of 256. Prints frames sent
 *	and delivered, pps, and the frame length at the sink.
 *
 *   xmbench attach PROG NS DEV [OUT_DEV DST_MAC]
 *	Attach a bench.bpf.c program to DEV in NS (native XDP; it stays after
 *	exit: `ip link set DEV xdpdrv off`). PROG: drop (xdp_count on the
 *	DUT's ingress: the floor), redirect (xdp_redirect: new MACs, redirect
 *	to OUT_DEV), naive_encap (xdp_naive_encap: IPv6-in-IPv6 from HA_ADDR to
 *	COA, new MACs, redirect to OUT_DEV; no lookup at all).
 *
 *   xmbench hoa I
 *	Print home address I (0-based) of those above.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <sys/socket.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xmip6.h"
#include "xmip6.skel.h"
#include "bench.h"
#include "bench.skel.h"

#define SEED	   1
#define ETH_LEN	   14
#define IP6_LEN	   40
#define UDP_LEN	   8
#define LIVE_BATCH 256

/* Addresses: 2001:db8::/32 only (bench/bench.sh routes them). */
#define HOA_PREFIX "2001:db8:40::"
#define HA_ADDR	   "2001:db8:1::1"
#define COA	   "2001:db8:c0a::100"
#define CN	   "2001:db8:cafe::1"
#define NOBODY	   "2001:db8:99::1"
#define MN_COA	   "2001:db8:1::1"
#define MN_HA	   "2001:db8:a::1"
#define LIVE_SRC   "2001:db8:c::2"
#define MR_PREFIX  "2001:db8:50::" /* the mobile router's network, /64 */
#define MR_HOST	   "2001:db8:50::7"

static int ncpus;

/* Same as bench.bpf.c's hoa_low(): splitmix64. */
static __u64 hoa_low(__u32 seed, __u64 i)
{
	__u64 z = i + (__u64)seed * 0x9e3779b97f4a7c15ULL + 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void hoa(__u64 i, struct in6_addr *a)
{
	__u64 low = hoa_low(SEED, i);
	int k;

	inet_pton(AF_INET6, HOA_PREFIX, a);
	for (k = 0; k < 8; k++)
		a->s6_addr[15 - k] = low >> (8 * k);
}

static void addr(const char *s, struct in6_addr *a)
{
	if (inet_pton(AF_INET6, s, a) != 1) {
		fprintf(stderr, "xmbench: bad address %s\n", s);
		exit(2);
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The number that @fmt reads from the first line of /proc file @path_fmt
 * (with @n in it) that it matches; -1 if none.
 */
static long long proc_value(const char *fmt, const char *path_fmt, int n)
{
	char path[64], line[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), path_fmt, n);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, fmt, &v) == 1)
			break;
	fclose(f);
	return v;
}

/*
 * CPU time spent for the live runs, in ns: this process's and that of
 * ksoftirqd on its CPU (/proc/PID/schedstat, run time in ns). A live run is
 * pinned to one CPU; the softirq work its sends raise (the veth NAPI polls,
 * the DUT, the sink) runs either in its own context, charged to it (no
 * CONFIG_IRQ_TIME_ACCOUNTING here), or in that ksoftirqd. Time the CPU
 * spends on other tasks of a shared machine is in neither.
 */
static long long sched_ns(int pid)
{
	return proc_value("%lld", "/proc/%d/schedstat", pid);
}

/* The pid of ksoftirqd/@cpu, 0 when not found. */
static int ksoftirqd_pid(int cpu)
{
	char want[32], path[300], comm[32];
	struct dirent *e;
	int pid = 0;
	DIR *d;
	FILE *f;

	snprintf(want, sizeof(want), "ksoftirqd/%d\n", cpu);
	d = opendir("/proc");
	while (d && !pid && (e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strcmp(comm, want))
			pid = atoi(e->d_name);
		fclose(f);
	}
	if (d)
		closedir(d);
	return pid;
}

static long long busy_ns(int softirqd)
{
	long long self = sched_ns(getpid()), soft = softirqd ? sched_ns(softirqd) : 0;

	return self < 0 || soft < 0 ? -1 : self + soft;
}

/* ------------------------------------------------------------- frames */

struct frame {
	unsigned char b[256];
	unsigned int len;
};

static void put_eth(struct frame *f, const unsigned char *dst, const unsigned char *src)
{
	memcpy(f->b, dst, 6);
	memcpy(f->b + 6, src, 6);
	f->b[12] = 0x86;
	f->b[13] = 0xdd;
	f->len = ETH_LEN;
}

static void put_ip6(struct frame *f, __u8 nh, __u16 payload, const struct in6_addr *s,
		    const struct in6_addr *d)
{
	unsigned char *p = f->b + f->len;

	memset(p, 0, IP6_LEN);
	p[0] = 0x60;
	p[4] = payload >> 8;
	p[5] = payload & 0xff;
	p[6] = nh;
	p[7] = 64;
	memcpy(p + 8, s, 16);
	memcpy(p + 24, d, 16);
	f->len += IP6_LEN;
}

static __u32 sum16(const unsigned char *p, unsigned int n)
{
	__u32 s = 0;
	unsigned int i;

	for (i = 0; i + 1 < n; i += 2)
		s += (p[i] << 8) | p[i + 1];
	if (n & 1)
		s += p[n - 1] << 8;
	return s;
}

/* UDP header and @payload zero octets behind the IPv6 header at @ip6_off. */
static void put_udp(struct frame *f, unsigned int ip6_off, unsigned int payload)
{
	unsigned char *u = f->b + f->len;
	unsigned int ulen = UDP_LEN + payload;
	__u32 s;

	memset(u, 0, ulen);
	u[1] = 9; /* discard */
	u[3] = 9;
	u[4] = ulen >> 8;
	u[5] = ulen & 0xff;
	/* RFC 8200 section 8.1 pseudo-header. */
	s = sum16(f->b + ip6_off + 8, 32) + ulen + 17 + sum16(u, ulen);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	s = ~s & 0xffff;
	if (!s)
		s = 0xffff;
	u[6] = s >> 8;
	u[7] = s & 0xff;
	f->len += ulen;
}

/* An IPv6/UDP packet of @len octets (Ethernet header included) from @s to @d. */
static void udp_frame(struct frame *f, const unsigned char *mac, const struct in6_addr *s,
		      const struct in6_addr *d, unsigned int len)
{
	unsigned int payload = len - ETH_LEN - IP6_LEN - UDP_LEN;

	put_eth(f, mac, mac);
	put_ip6(f, 17, UDP_LEN + payload, s, d);
	put_udp(f, ETH_LEN, payload);
}

/* The same inside IPv6-in-IPv6 from @os to @od. */
static void tunnel_frame(struct frame *f, const unsigned char *mac, const struct in6_addr *os,
			 const struct in6_addr *od, const struct in6_addr *s,
			 const struct in6_addr *d, unsigned int len)
{
	unsigned int payload = len - ETH_LEN - 2 * IP6_LEN - UDP_LEN;

	put_eth(f, mac, mac);
	put_ip6(f, XMIP6_IPPROTO_IPV6, 2 * IP6_LEN + UDP_LEN + payload - IP6_LEN, os, od);
	put_ip6(f, 17, UDP_LEN + payload, s, d);
	put_udp(f, ETH_LEN + IP6_LEN, payload);
}

/*
 * An IPv6/UDP packet with one 24-octet route optimisation header behind the
 * IPv6 header (RFC 6275): a Destination Options header with PadN(2) and the
 * Home Address option (@rh2 false), or a type 2 Routing header (true), both
 * holding @home. At least the headers, whatever @len says.
 */
static void ro_frame(struct frame *f, const unsigned char *mac, const struct in6_addr *s,
		     const struct in6_addr *d, const struct in6_addr *home, bool rh2,
		     unsigned int len)
{
	const unsigned int hdrs = ETH_LEN + IP6_LEN + 24 + UDP_LEN;
	unsigned int payload = len > hdrs ? len - hdrs : 0;
	unsigned char *x;

	put_eth(f, mac, mac);
	put_ip6(f, rh2 ? 43 : 60, 24 + UDP_LEN + payload, s, d);
	x = f->b + f->len;
	memset(x, 0, 8);
	x[0] = 17; /* UDP follows */
	x[1] = 2;  /* 24 octets */
	if (rh2) {
		x[2] = 2; /* Routing Type 2 */
		x[3] = 1; /* Segments Left */
	} else {
		x[2] = 1; /* PadN, 2 octets */
		x[3] = 2;
		x[6] = 0xc9; /* Home Address option */
		x[7] = 16;
	}
	memcpy(x + 8, home, 16);
	f->len += 24;
	put_udp(f, ETH_LEN, payload);
}

/* ------------------------------------------------------------- cost */

/* bench.bpf.c's per-CPU "count" [@key], summed; and cleared. */
static __u64 count_key(struct bench *b, __u32 key)
{
	__u64 *vals = calloc(ncpus, sizeof(__u64)), sum = 0;
	int cpu;

	if (vals && !bpf_map_lookup_elem(bpf_map__fd(b->maps.count), &key, vals))
		for (cpu = 0; cpu < ncpus; cpu++)
			sum += vals[cpu];
	free(vals);
	return sum;
}

static __u64 count_read(struct bench *b)
{
	return count_key(b, 0);
}

static void count_reset(struct bench *b)
{
	__u64 *zero = calloc(ncpus, sizeof(__u64));
	__u32 key = 0;

	if (zero)
		bpf_map_update_elem(bpf_map__fd(b->maps.count), &key, zero, BPF_ANY);
	free(zero);
}

struct path {
	const char *name;
	const char *prog; /* xmip6 program (bench.bpf.c's when counter is NULL) */
	int role;
	const char *counter; /* the counter every iteration must bump */
	unsigned int spread_off;
	bool tc;
	int retval;	  /* expected verdict */
	const char *also; /* a second counter that must grow as much, or NULL */
};

static const struct path paths[] = {
	{"ha_encap", "xdp_ha", XMIP6_ROLE_HA, "ha_encap_fwd", ETH_LEN + 24, false, XDP_TX, NULL},
	{"ha_decap", "xdp_ha", XMIP6_ROLE_HA, "ha_decap_fwd", ETH_LEN + IP6_LEN + 8, false, XDP_TX,
	 NULL},
	{"mn_decap", "xdp_mn", XMIP6_ROLE_MN, "mn_decap", ETH_LEN + IP6_LEN + 24, false, XDP_PASS,
	 NULL},
	{"mn_encap", "tc_mn_egress", XMIP6_ROLE_MN, "mn_encap", ETH_LEN + 8, true, 0, NULL},
	{"ha_local_encap", "tc_ha_egress", XMIP6_ROLE_HA, "ha_local_encap", ETH_LEN + 24, true, 0,
	 NULL},
	{"pass", "xdp_ha", XMIP6_ROLE_HA, "rx_no_binding", 0, false, XDP_PASS, NULL},
	/* Route optimisation: RH2 in, HAO out at the CN; RH2 off at the MN. */
	{"cn_rh2_insert", "tc_cn_egress", XMIP6_ROLE_CN, "cn_rh2_insert", ETH_LEN + 24, true, 0,
	 NULL},
	{"cn_hao_accept", "xdp_cn", XMIP6_ROLE_CN, "cn_hao_accept", ETH_LEN + IP6_LEN + 8, false,
	 XDP_PASS, NULL},
	{"mn_rh2_accept", "xdp_mn", XMIP6_ROLE_MN, "mn_rh2_accept", ETH_LEN + IP6_LEN + 8, false,
	 XDP_PASS, NULL},
	/* NEMO: to a host of a mobile network, the router's binding found
	 * through the "prefixes" map on a host-binding miss (prefix_count()). */
	{"ha_prefix_encap", "xdp_ha", XMIP6_ROLE_HA, "ha_encap_fwd", 0, false, XDP_TX,
	 "ha_prefix_encap"},
	{"ha_prefix_encap_100k", "xdp_ha", XMIP6_ROLE_HA, "ha_encap_fwd", 0, false, XDP_TX,
	 "ha_prefix_encap"},
	/* NEMO at the mobile router (bpf/mr.h): one network, its router's
	 * binding found through "mr_prefixes" (mr_fill()). */
	{"mr_encap", "tc_mn_egress", XMIP6_ROLE_MN, "mr_encap", 0, true, 0, "mn_encap"},
	{"mr_decap", "xdp_mn", XMIP6_ROLE_MN, "mr_decap", 0, false, XDP_PASS, NULL},
	/* Not xmip6: bench.bpf.c's xdp_fib, what one FIB lookup costs; its
	 * xdp_lookup, one lookup in the bindings map (as ha_encap spreads). */
	{"fib_lookup", "xdp_fib", XMIP6_ROLE_HA, NULL, 0, false, XDP_PASS, NULL},
	{"lookup", "xdp_lookup", XMIP6_ROLE_HA, NULL, ETH_LEN + 24, false, XDP_PASS, NULL},
	/* The live section's reference encapsulation (no lookup, no counter:
	 * its verdict is the check), beside ha_encap in one cost table. */
	{"touch", "xdp_touch", XMIP6_ROLE_HA, NULL, ETH_LEN + 24, false, XDP_PASS, NULL},
	{"naive_encap", "xdp_naive_encap", XMIP6_ROLE_HA, NULL, 0, false, XDP_REDIRECT, NULL},
};

#define STAT_NAME(name, desc) #name,
static const char *const stat_names[XMIP6_STAT_COUNT] = {XMIP6_STATS(STAT_NAME)};
#undef STAT_NAME

static int stats_sum(int fd, __u64 *sum)
{
	size_t stride = (sizeof(struct xmip6_stats) + 7) & ~7UL;
	unsigned char *vals = calloc(ncpus, stride), *zero = calloc(ncpus, stride);
	__u32 key = 0, i;
	int cpu, err = 0;

	if (!vals || !zero) {
		err = -ENOMEM;
		goto out;
	}
	memset(sum, 0, XMIP6_STAT_COUNT * sizeof(*sum));
	if (bpf_map_lookup_elem(fd, &key, vals) || bpf_map_update_elem(fd, &key, zero, BPF_ANY)) {
		err = -errno;
		goto out;
	}
	for (cpu = 0; cpu < ncpus; cpu++)
		for (i = 0; i < XMIP6_STAT_COUNT; i++)
			sum[i] += ((const __u64 *)(vals + cpu * stride))[i];
out:
	free(vals);
	free(zero);
	return err;
}

static int bindings_fill(int fd, __u64 n, const struct in6_addr *coa, const struct in6_addr *ha)
{
	const __u32 chunk = 8192;
	struct in6_addr *keys = calloc(chunk, sizeof(*keys));
	struct xmip6_binding_fwd *vals = calloc(chunk, sizeof(*vals));
	__u64 i = 0;
	int err = 0;

	if (!keys || !vals) {
		err = -ENOMEM;
		goto out;
	}
	while (i < n) {
		__u32 k, cnt = n - i < chunk ? n - i : chunk;
		struct bpf_map_batch_opts opts = {.sz = sizeof(opts)};

		for (k = 0; k < cnt; k++) {
			hoa(i + k, &keys[k]);
			vals[k].care_of_addr = *coa;
			vals[k].ha_addr = *ha;
			/* Counter slot i + 1 (headers/xmip6.h; 0 is none): the
			 * slots user/dp/maps.c would give a fresh instance,
			 * without its allocator's "binding_slots" entries. */
			vals[k].ctr_slot = i + k + 1;
		}
		if (bpf_map_update_batch(fd, keys, vals, &cnt, &opts)) {
			err = -errno;
			fprintf(stderr, "xmbench: map update: %s\n", strerror(errno));
			goto out;
		}
		i += cnt;
	}
out:
	free(keys);
	free(vals);
	return err;
}

/* The prefixes a NEMO path loads into "prefixes"; 0 for the others. */
static unsigned int prefix_count(const struct path *p)
{
	if (!strcmp(p->name, "ha_prefix_encap"))
		return 1;
	if (!strcmp(p->name, "ha_prefix_encap_100k"))
		return 100000;
	return 0;
}

/* Prefix k: 2001:db8:XXXX:XXXX::/64 with bits 32-63 = 0x80000000 + k. */
static void mnp(__u32 k, struct in6_addr *a)
{
	__u32 v = htonl(0x80000000u + k);

	addr("2001:db8::", a);
	memcpy(&a->s6_addr[4], &v, sizeof(v));
}

/* @n prefixes, prefix k naming home address k mod @bindings (a router each)
 * and carrying a copy of its binding from @bindings_fd, as user/dp/prefix.c
 * writes them (BENCH_PREFIX_BY_HOME=1: without, as written by hand); one
 * length in use, /64. */
static int prefixes_fill(int fd, int lens_fd, __u32 n, __u64 bindings, int bindings_fd)
{
	struct xmip6_prefix_lens lens = {.n = 1, .len = {64}};
	__u32 zero = 0;

	struct xmip6_prefix_key key = {.prefixlen = 64};
	bool by_home =
		getenv("BENCH_PREFIX_BY_HOME") && strcmp(getenv("BENCH_PREFIX_BY_HOME"), "0");
	struct xmip6_prefix val = {};
	__u32 k;

	for (k = 0; k < n; k++) {
		mnp(k, &key.prefix);
		hoa(k % bindings, &val.home_addr);
		if (!by_home && bpf_map_lookup_elem(bindings_fd, &val.home_addr, &val.fwd)) {
			fprintf(stderr, "xmbench: prefixes: no binding: %s\n", strerror(errno));
			return -errno;
		}
		if (bpf_map_update_elem(fd, &key, &val, BPF_ANY)) {
			fprintf(stderr, "xmbench: prefixes: %s\n", strerror(errno));
			return -errno;
		}
	}
	return bpf_map_update_elem(lens_fd, &zero, &lens, BPF_ANY) ? -errno : 0;
}

static bool is_mr(const struct path *p)
{
	return !strncmp(p->name, "mr_", 3);
}

/* A mobile router's: MR_PREFIX/64 behind home address 0, XMIP6_CFG_F_MR on. */
static int mr_fill(struct xmip6 *x, struct xmip6_config *cfg)
{
	struct xmip6_mr_prefix_key key = {.prefixlen = 64};
	struct in6_addr home;
	__u32 zero = 0;

	addr(MR_PREFIX, &key.prefix);
	hoa(0, &home);
	cfg->flags |= XMIP6_CFG_F_MR;
	if (bpf_map_update_elem(bpf_map__fd(x->maps.mr_prefixes), &key, &home, BPF_ANY) ||
	    bpf_map_update_elem(bpf_map__fd(x->maps.config), &zero, cfg, BPF_ANY)) {
		fprintf(stderr, "xmbench: mr_prefixes: %s\n", strerror(errno));
		return -errno;
	}
	return 0;
}

/* memlock of a map from /proc/self/fdinfo (what bpftool shows). */
static long long map_memlock(int fd)
{
	return proc_value("memlock: %lld", "/proc/self/fdinfo/%d", fd);
}

static void cost_frame(const struct path *p, struct frame *f, unsigned int len)
{
	static const unsigned char mac[6] = {0x02, 0x00, 0x5e, 0x00, 0x0a, 0x99};
	struct in6_addr h, ha, coa, cn, nobody, mn_coa, mn_ha, mr_host;

	hoa(0, &h);
	addr(HA_ADDR, &ha);
	addr(COA, &coa);
	addr(CN, &cn);
	addr(NOBODY, &nobody);
	addr(MN_COA, &mn_coa);
	addr(MN_HA, &mn_ha);
	addr(MR_HOST, &mr_host);
	if (!strcmp(p->name, "ha_encap") || !strcmp(p->name, "lookup") ||
	    !strcmp(p->name, "touch") || !strcmp(p->name, "naive_encap"))
		udp_frame(f, mac, &cn, &h, len);
	else if (prefix_count(p)) {
		mnp(0, &nobody); /* a host of the first prefix */
		nobody.s6_addr[15] = 7;
		udp_frame(f, mac, &cn, &nobody, len);
	} else if (!strcmp(p->name, "ha_decap"))
		tunnel_frame(f, mac, &coa, &ha, &h, &cn, len + IP6_LEN);
	else if (!strcmp(p->name, "mn_decap"))
		tunnel_frame(f, mac, &mn_ha, &mn_coa, &cn, &h, len + IP6_LEN);
	else if (!strcmp(p->name, "mn_encap"))
		udp_frame(f, mac, &h, &cn, len);
	else if (!strcmp(p->name, "mr_encap"))
		udp_frame(f, mac, &mr_host, &cn, len);
	else if (!strcmp(p->name, "mr_decap"))
		tunnel_frame(f, mac, &mn_ha, &mn_coa, &cn, &mr_host, len + IP6_LEN);
	else if (!strcmp(p->name, "ha_local_encap"))
		udp_frame(f, mac, &ha, &h, len);
	else if (!strcmp(p->name, "cn_rh2_insert"))
		udp_frame(f, mac, &cn, &h, len);
	else if (!strcmp(p->name, "cn_hao_accept"))
		ro_frame(f, mac, &coa, &cn, &h, false, len);
	else if (!strcmp(p->name, "mn_rh2_accept"))
		ro_frame(f, mac, &cn, &mn_coa, &h, true, len);
	else
		udp_frame(f, mac, &cn, &nobody, len);
}

/* One BPF_PROG_TEST_RUN of @prog_fd on @f; returns the mean ns per run or -errno. */
static long long test_run(int prog_fd, bool tc, const struct frame *f, unsigned int ifindex,
			  unsigned int repeat, int *retval)
{
	unsigned char out[512];
	struct xdp_md xctx = {.data = 0, .data_end = f->len, .ingress_ifindex = ifindex};
	struct __sk_buff sctx = {.ifindex = ifindex};
	struct bpf_test_run_opts opts = {.sz = sizeof(opts),
					 .data_in = f->b,
					 .data_size_in = f->len,
					 .data_out = out,
					 .data_size_out = sizeof(out),
					 .repeat = repeat};

	if (tc) {
		opts.ctx_in = &sctx;
		opts.ctx_size_in = sizeof(sctx);
	} else {
		opts.ctx_in = &xctx;
		opts.ctx_size_in = sizeof(xctx);
	}
	if (bpf_prog_test_run_opts(prog_fd, &opts))
		return -errno;
	*retval = opts.retval;
	return opts.duration;
}

/*
 * TC: the skb test run keeps skb->encapsulation from one iteration to the
 * next, so a second bpf_skb_adjust_room(ENCAP) fails (-EALREADY) whatever
 * the wrapper does. Instead test runs of one iteration each, every one on
 * a fresh skb; the kernel times each run itself (no syscall in it).
 *
 * A series holds each run's duration, 1 ns a bucket. Its median, not its
 * mean, is the figure: on a shared machine a few runs in a million last
 * milliseconds (the vCPU taken away, an interrupt storm), which moves a
 * mean of 1,000,000 runs by tens of ns and a median not at all.
 */
#define TC_HIST_NS 8192 /* longer runs fall in the last bucket */

struct tc_series {
	unsigned int hist[TC_HIST_NS];
	unsigned long long sum; /* for the mean, reported beside */
	unsigned int n;
};

static long long tc_series_median(const struct tc_series *s)
{
	unsigned long long seen = 0;
	unsigned int i;

	for (i = 0; i < TC_HIST_NS; i++) {
		seen += s->hist[i];
		if (2 * seen >= s->n)
			return i;
	}
	return TC_HIST_NS - 1;
}

static int tc_series_add(struct tc_series *s, int prog_fd, const struct frame *f,
			 unsigned int ifindex, int *retval)
{
	long long d = test_run(prog_fd, true, f, ifindex, 1, retval);

	if (d < 0)
		return (int)d;
	s->hist[d < TC_HIST_NS ? d : TC_HIST_NS - 1]++;
	s->sum += d;
	s->n++;
	return 0;
}

/*
 * @calls runs of tc_nop and of the program under test, alternated run by
 * run, so that a change of load hits both series alike (the XDP rows time
 * both in the same run too).
 */
static int tc_interleaved(int nop_fd, int prog_fd, const struct frame *f, unsigned int ifindex,
			  unsigned int calls, struct tc_series *base, struct tc_series *prog,
			  int *rv_base, int *rv)
{
	unsigned int i;
	int err;

	memset(base, 0, sizeof(*base));
	memset(prog, 0, sizeof(*prog));
	for (i = 0; i < calls; i++) {
		err = tc_series_add(base, nop_fd, f, ifindex, rv_base);
		if (!err)
			err = tc_series_add(prog, prog_fd, f, ifindex, rv);
		if (err)
			return err;
	}
	return 0;
}

static int set_jmp(struct bench *b, int fd)
{
	__u32 key = 0;

	return bpf_map_update_elem(bpf_map__fd(b->maps.jmp_xdp), &key, &fd, BPF_ANY) ? -errno : 0;
}

/*
 * A generation in "nh_state": the cache is on, as with xmip6d running; in
 * tables without source rules or routes, as xmip6d finds them here
 * (XMIP6_NH_F_SRC_FREE), unless BENCH_NH_SRC_FREE=0.
 */
static int nh_cache_on(struct xmip6 *x)
{
	const char *env = getenv("BENCH_NH_CACHE"), *sf = getenv("BENCH_NH_SRC_FREE");
	struct xmip6_nh_state st = {
		.gen = 1,
		.lease_ns = ~0ULL,
		.flags = sf && !strcmp(sf, "0") ? 0 : XMIP6_NH_F_SRC_FREE,
	};
	__u32 key = 0;

	if (env && !strcmp(env, "0"))
		return 0;
	return bpf_map_update_elem(bpf_map__fd(x->maps.nh_state), &key, &st, BPF_ANY);
}

/* The cache's own counters move on a miss (the first packet), never a verdict. */
static bool is_nh_counter(unsigned int i)
{
	return i == offsetof(struct xmip6_stats, nh_miss) / sizeof(__u64) ||
	       i == offsetof(struct xmip6_stats, nh_fill) / sizeof(__u64);
}

static int cmd_cost(int argc, char **argv)
{
	const struct path *p = NULL;
	struct xmip6 *x = NULL;
	struct bench *b = NULL;
	struct xmip6_config xcfg = {};
	struct in6_addr coa;
	struct frame f = {};
	struct bpf_map *m;
	unsigned int i, n, repeat, runs, run, ifindex, want = 0, also = XMIP6_STAT_COUNT, flen = 78;
	__u32 key = 0;
	int err = 1, target_fd, wrap_fd, nop_fd;

	if (argc != 5)
		return 2;
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (!strcmp(paths[i].name, argv[1]))
			p = &paths[i];
	n = strtoul(argv[2], NULL, 0);
	repeat = strtoul(argv[3], NULL, 0);
	runs = strtoul(argv[4], NULL, 0);
	ifindex = if_nametoindex("c0");
	if (!p || !n || !repeat || !runs || !ifindex) {
		fprintf(stderr, "xmbench cost: bad path/numbers, or no device c0\n");
		return 2;
	}
	for (i = 0; i < XMIP6_STAT_COUNT; i++)
		if (p->counter && !strcmp(stat_names[i], p->counter))
			want = i;
		else if (p->also && !strcmp(stat_names[i], p->also))
			also = i;

	x = xmip6__open();
	if (!x)
		goto out;
	bpf_object__for_each_map(m, x->obj)
	{
		bpf_map__set_pin_path(m, NULL);
	}
	/* BENCH_BINDING_COUNTERS=0: loaded as with binding-counters = false. */
	x->rodata->cfg_binding_counters =
		!getenv("BENCH_BINDING_COUNTERS") || strcmp(getenv("BENCH_BINDING_COUNTERS"), "0");
	bpf_map__set_max_entries(x->maps.bindings,
				 n > XMIP6_BINDINGS_DEFAULT ? n : XMIP6_BINDINGS_DEFAULT);
	/* BENCH_MAP_FLAGS: the bindings map's flags (an experiment, e.g. 1:
	 * BPF_F_NO_PREALLOC), instead of the object's. */
	if (getenv("BENCH_MAP_FLAGS"))
		bpf_map__set_map_flags(x->maps.bindings,
				       strtoul(getenv("BENCH_MAP_FLAGS"), NULL, 0));
	/* Sized like the bindings + slot 0, as user/dp/attach.c sizes it. */
	bpf_map__set_max_entries(x->maps.binding_ctr,
				 (n > XMIP6_BINDINGS_DEFAULT ? n : XMIP6_BINDINGS_DEFAULT) + 1);
	/* xmip6's first: bench.bpf.c's xdp_lookup uses its "bindings" map. */
	if (xmip6__load(x)) {
		fprintf(stderr, "xmbench: cannot load: %s\n", strerror(errno));
		goto out;
	}
	b = bench__open();
	/* xdp_touch's table: as many entries as bindings. */
	if (b && bpf_map__set_max_entries(b->maps.touch, n))
		goto out;
	if (!b || bpf_map__reuse_fd(b->maps.bindings, bpf_map__fd(x->maps.bindings)) ||
	    bench__load(b)) {
		fprintf(stderr, "xmbench: cannot load: %s\n", strerror(errno));
		goto out;
	}
	xcfg.role = p->role;
	addr(p->role == XMIP6_ROLE_HA ? HA_ADDR : MN_HA, &xcfg.ha_addr);
	if (bpf_map_update_elem(bpf_map__fd(x->maps.config), &key, &xcfg, BPF_ANY))
		goto out;
	addr(p->role == XMIP6_ROLE_MN ? MN_COA : COA, &coa);
	if (bindings_fill(bpf_map__fd(x->maps.bindings), n, &coa, &xcfg.ha_addr))
		goto out;
	if (prefix_count(p) &&
	    prefixes_fill(bpf_map__fd(x->maps.prefixes), bpf_map__fd(x->maps.prefix_lens),
			  prefix_count(p), n, bpf_map__fd(x->maps.bindings)))
		goto out;
	if (is_mr(p) && mr_fill(x, &xcfg))
		goto out;
	/* The next-hop cache on, as xmip6d turns it on (BENCH_NH_CACHE=0: off). */
	if (nh_cache_on(x))
		goto out;

	cost_frame(p, &f, flen);
	/* The frame is addressed to c0, as dp_attach() records it in
	 * "if_macs" (bpf/l2.h); BENCH_IF_MAC=0: no entry (not filtered). */
	if (!getenv("BENCH_IF_MAC") || strcmp(getenv("BENCH_IF_MAC"), "0")) {
		struct xmip6_if_mac im = {.set = 1};

		memcpy(im.addr, f.b, sizeof(im.addr));
		if (bpf_map_update_elem(bpf_map__fd(x->maps.if_macs), &ifindex, &im, BPF_ANY))
			goto out;
	}
	b->bss->cfg.len = f.len;
	memcpy(b->bss->cfg.tmpl, f.b, f.len);
	b->bss->cfg.spread_n = p->spread_off ? n : 1;
	b->bss->cfg.spread_off = p->spread_off;
	b->bss->cfg.seed = SEED;
	addr(HA_ADDR, (struct in6_addr *)b->bss->cfg.fib_src);
	addr(COA, (struct in6_addr *)b->bss->cfg.fib_dst);
	/* xdp_naive_encap: the tunnel and the frame's way out as live. */
	addr(HA_ADDR, (struct in6_addr *)b->bss->cfg.outer_src);
	addr(COA, (struct in6_addr *)b->bss->cfg.outer_dst);
	b->bss->cfg.ifindex = ifindex;
	memcpy(b->bss->cfg.dmac, f.b, 6);
	memcpy(b->bss->cfg.smac, f.b + 6, 6);
	target_fd = bpf_program__fd(
		bpf_object__find_program_by_name(p->counter ? x->obj : b->obj, p->prog));
	wrap_fd = bpf_program__fd(b->progs.xdp_wrap); /* TC: see tc_interleaved() */
	nop_fd = bpf_program__fd(p->tc ? b->progs.tc_nop : b->progs.xdp_nop);

	for (run = 0; run < runs; run++) {
		long long base, wrap = 0, direct = -1, base_mean = -1, wrap_mean = -1;
		__u64 sum[XMIP6_STAT_COUNT], other = 0;
		int rv_base, rv, rv_direct = 0;
		bool ok;

		if (stats_sum(bpf_map__fd(x->maps.stats), sum))
			goto out;
		if (p->tc) {
			static struct tc_series tc_base, tc_prog;

			base = tc_interleaved(nop_fd, target_fd, &f, ifindex, repeat, &tc_base,
					      &tc_prog, &rv_base, &rv);
			if (!base) {
				base = tc_series_median(&tc_base);
				wrap = tc_series_median(&tc_prog);
				base_mean = (tc_base.sum + repeat / 2) / repeat;
				wrap_mean = (tc_prog.sum + repeat / 2) / repeat;
			}
		} else {
			if (set_jmp(b, nop_fd))
				goto out;
			base = test_run(wrap_fd, p->tc, &f, ifindex, repeat, &rv_base);
			if (set_jmp(b, target_fd))
				goto out;
			wrap = test_run(wrap_fd, p->tc, &f, ifindex, repeat, &rv);
		}
		if (base < 0 || wrap < 0 || stats_sum(bpf_map__fd(x->maps.stats), sum))
			goto out;
		for (i = 0; i < XMIP6_STAT_COUNT; i++)
			if (i != want && i != also && !is_nh_counter(i))
				other += sum[i];
		if (!p->counter) { /* bench.bpf.c's count their successes in "count" */
			other += sum[want];
			sum[want] = count_read(b);
			count_reset(b);
			if (p->retval == XDP_REDIRECT) /* xdp_naive_encap counts nothing */
				sum[want] = rv == p->retval ? repeat : 0;
		}
		ok = sum[want] == repeat && !other && rv == p->retval &&
		     (also == XMIP6_STAT_COUNT || sum[also] == repeat);
		if (!strcmp(p->name, "pass")) {
			/* No rewrite: the plain repeat is valid here, a check of the method. */
			direct = test_run(target_fd, false, &f, ifindex, repeat, &rv_direct);
			if (direct < 0 || stats_sum(bpf_map__fd(x->maps.stats), sum))
				goto out;
			ok = ok && sum[want] == repeat && rv_direct == p->retval;
		}
		printf("{\"item\":\"cost\",\"path\":\"%s\",\"prog\":\"%s\",\"bindings\":%u,"
		       "\"repeat\":%u,\"run\":%u,\"frame_len\":%u,\"wrap_ns\":%lld,"
		       "\"base_ns\":%lld,\"net_ns\":%lld,\"direct_ns\":%lld,\"counter\":\"%s\","
		       "\"counter_delta\":%llu,\"other_delta\":%llu,\"retval\":%d,"
		       "\"verified\":%s,\"memlock\":%lld,\"max_entries\":%u,\"bctr\":%s,"
		       "\"series\":\"%s\",\"wrap_mean_ns\":%lld,\"base_mean_ns\":%lld}\n",
		       p->name, p->prog, n, repeat, run, f.len, wrap, base, wrap - base, direct,
		       p->counter		    ? p->counter
		       : p->retval == XDP_REDIRECT  ? "verdict"
		       : strcmp(p->prog, "xdp_fib") ? "lookup_hit"
						    : "fib_success",
		       (unsigned long long)sum[want], (unsigned long long)other, rv,
		       ok ? "true" : "false", map_memlock(bpf_map__fd(x->maps.bindings)),
		       bpf_map__max_entries(x->maps.bindings),
		       x->rodata->cfg_binding_counters ? "true" : "false",
		       getenv("BENCH_SERIES") ?: "", wrap_mean, base_mean);
		fflush(stdout);
	}
	err = 0;
out:
	if (err)
		fprintf(stderr, "xmbench cost %s: failed: %s\n", p->name, strerror(errno));
	bench__destroy(b);
	xmip6__destroy(x);
	return err;
}

/* ------------------------------------------------------------- fill */

static int cmd_fill(int argc, char **argv)
{
	struct in6_addr coa, ha;
	int fd;

	if (argc != 5)
		return 2;
	addr(argv[3], &coa);
	addr(argv[4], &ha);
	fd = bpf_obj_get(argv[1]);
	if (fd < 0) {
		fprintf(stderr, "xmbench: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (bindings_fill(fd, strtoull(argv[2], NULL, 0), &coa, &ha))
		return 1;
	printf("{\"item\":\"fill\",\"bindings\":%s,\"memlock\":%lld}\n", argv[2], map_memlock(fd));
	close(fd);
	return 0;
}

/* ------------------------------------------------------------- live */

static int enter_ns(const char *name)
{
	char path[256];
	int fd, err;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "xmbench: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	err = setns(fd, CLONE_NEWNET) ? -errno : 0;
	close(fd);
	return err;
}

static int parse_mac(const char *s, unsigned char *mac)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3],
		      &mac[4], &mac[5]) == 6
		       ? 0
		       : -EINVAL;
}

/*
 * The frames of one live run: a template whose home address has a zero low
 * half and whose UDP checksum covers that zero; frame i gets home address
 * i mod n and the checksum adjusted for it (RFC 1624), the same in user
 * space (AF_PACKET) and in xdp_gen (live frames).
 */
struct traffic {
	struct frame tmpl;
	unsigned int addr_off; /* the home address in the frame */
	unsigned int csum_off; /* the UDP checksum */
	__u64 n, next;
};

static __u16 csum_fold(__u32 s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* Writes the next home address and its checksum into @f (a copy of the template). */
static void traffic_next(struct traffic *t, struct frame *f)
{
	__u64 low = hoa_low(SEED, t->next++ % t->n);
	unsigned char *ck = f->b + t->csum_off;
	__u32 sum = (__u16) ~((t->tmpl.b[t->csum_off] << 8) | t->tmpl.b[t->csum_off + 1]);
	__u16 res;
	int k;

	sum += (low >> 48) + ((low >> 32) & 0xffff) + ((low >> 16) & 0xffff) + (low & 0xffff);
	res = ~csum_fold(sum) ?: 0xffff;
	ck[0] = res >> 8;
	ck[1] = res & 0xff;
	for (k = 0; k < 8; k++)
		f->b[t->addr_off + 15 - k] = low >> (8 * k);
}

/* Live frames: xdp_gen for @secs seconds; returns frames handed to the test run. */
static long long live_send(struct bench *b, const struct frame *f, unsigned int ifindex,
			   double secs)
{
	struct xdp_md ctx = {.data = 0, .data_end = f->len, .ingress_ifindex = ifindex};
	const unsigned int chunk = 1 << 16;
	double end = now_s() + secs;
	long long sent = 0;

	do {
		struct bpf_test_run_opts opts = {.sz = sizeof(opts),
						 .data_in = f->b,
						 .data_size_in = f->len,
						 .ctx_in = &ctx,
						 .ctx_size_in = sizeof(ctx),
						 .repeat = chunk,
						 .flags = BPF_F_TEST_XDP_LIVE_FRAMES,
						 .batch_size = LIVE_BATCH};

		if (bpf_prog_test_run_opts(bpf_program__fd(b->progs.xdp_gen), &opts)) {
			fprintf(stderr, "xmbench: live test run: %s\n", strerror(errno));
			return -errno;
		}
		sent += chunk;
	} while (now_s() < end);
	return sent;
}

/*
 * AF_PACKET: an Ethernet frame socket on @ifindex that hands each frame
 * straight to the driver (PACKET_QDISC_BYPASS: no qdisc, as the live frames
 * have none). Protocol 0: it receives nothing.
 */
static int packet_open(unsigned int ifindex)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_ifindex = ifindex};
	int one = 1, fd;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* AF_PACKET: sendmmsg batches for @secs seconds; returns frames the socket took. */
static long long packet_send(int fd, struct traffic *t, double secs)
{
	static struct frame batch[LIVE_BATCH];
	struct mmsghdr msgs[LIVE_BATCH] = {};
	struct iovec iov[LIVE_BATCH];
	double end = now_s() + secs;
	long long sent = 0;
	int i, r;

	for (i = 0; i < LIVE_BATCH; i++) {
		batch[i] = t->tmpl;
		iov[i].iov_base = batch[i].b;
		iov[i].iov_len = batch[i].len;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	do {
		for (i = 0; i < LIVE_BATCH; i++)
			traffic_next(t, &batch[i]);
		r = sendmmsg(fd, msgs, LIVE_BATCH, 0);
		if (r < 0 && errno != ENOBUFS && errno != EAGAIN && errno != EINTR) {
			fprintf(stderr, "xmbench: sendmmsg: %s\n", strerror(errno));
			return -errno;
		}
		if (r > 0)
			sent += r;
	} while (now_s() < end);
	return sent;
}

/* The template of KIND @kind ("udp" or "tunnel"), @flen octets of inner packet. */
static int traffic_init(struct traffic *t, const char *kind, const unsigned char *dmac,
			unsigned int flen, __u64 n)
{
	static const unsigned char smac[6] = {0x02, 0x00, 0x5e, 0x00, 0x0c, 0x02};
	struct in6_addr src, home, cn, coa, ha;

	memset(t, 0, sizeof(*t));
	hoa(0, &home);
	memset(home.s6_addr + 8, 0, 8); /* traffic_next() writes the low half */
	if (!strcmp(kind, "udp")) {
		addr(LIVE_SRC, &src);
		udp_frame(&t->tmpl, dmac, &src, &home, flen);
		t->addr_off = ETH_LEN + 24;
		t->csum_off = ETH_LEN + IP6_LEN + 6;
	} else if (!strcmp(kind, "tunnel")) {
		addr(CN, &cn);
		addr(COA, &coa);
		addr(HA_ADDR, &ha);
		tunnel_frame(&t->tmpl, dmac, &coa, &ha, &home, &cn, flen + IP6_LEN);
		t->addr_off = ETH_LEN + IP6_LEN + 8;
		t->csum_off = ETH_LEN + 2 * IP6_LEN + 6;
	} else {
		return -EINVAL;
	}
	memcpy(t->tmpl.b + 6, smac, 6);
	t->n = n;
	return 0;
}

static int cmd_live(int argc, char **argv)
{
	unsigned int n, active, gen_if, sink_if = 0, flen = 78;
	unsigned char dmac[6];
	struct bench *b = NULL;
	struct traffic t;
	double secs, t0, t1;
	long long cpu0, cpu1;
	int softirqd = ksoftirqd_pid(sched_getcpu());
	long long sent;
	__u64 c0, c1, o0, o1;
	int err = 1, home, pfd = -1;
	const char *env = getenv("BENCH_FRAME_LEN"), *gen = getenv("BENCH_GEN");

	if (argc != 10 && argc != 11)
		return 2;
	if (env)
		flen = strtoul(env, NULL, 0);
	n = strtoul(argv[8], NULL, 0);
	active = argc == 11 ? strtoul(argv[10], NULL, 0) : n;
	secs = strtod(argv[9], NULL);
	if (parse_mac(argv[5], dmac) || !n || !active || active > n || secs <= 0 || secs > 30 ||
	    flen < 64 || flen > 128 || traffic_init(&t, argv[2], dmac, flen, active)) {
		fprintf(stderr, "xmbench live: bad arguments\n");
		return 2;
	}
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	b = bench__open_and_load();
	if (!b || home < 0)
		goto out;
	if (!gen || strcmp(gen, "packet"))
		gen = "live";

	/* The sink first: redirects into its peer need its XDP. */
	if (enter_ns(argv[6]))
		goto out;
	sink_if = if_nametoindex(argv[7]);
	if (!sink_if || bpf_xdp_attach(sink_if, bpf_program__fd(b->progs.xdp_count),
				       XDP_FLAGS_DRV_MODE, NULL)) {
		fprintf(stderr, "xmbench: sink %s: %s\n", argv[7], strerror(errno));
		goto out;
	}

	if (enter_ns(argv[3]))
		goto detach;
	gen_if = if_nametoindex(argv[4]);
	if (!gen_if)
		goto detach;
	if (!strcmp(gen, "packet")) {
		pfd = packet_open(gen_if);
		if (pfd < 0) {
			fprintf(stderr, "xmbench: AF_PACKET on %s: %s\n", argv[4], strerror(-pfd));
			goto detach;
		}
	} else {
		b->bss->cfg.len = t.tmpl.len;
		memcpy(b->bss->cfg.tmpl, t.tmpl.b, t.tmpl.len);
		b->bss->cfg.spread_n = active;
		b->bss->cfg.spread_off = t.addr_off;
		b->bss->cfg.csum_off = t.csum_off;
		b->bss->cfg.seed = SEED;
		b->bss->cfg.ifindex = gen_if;
	}

	/* Warm up (neighbour entries, caches), then measure. */
	sent = pfd >= 0 ? packet_send(pfd, &t, 0.3) : live_send(b, &t.tmpl, gen_if, 0.3);
	if (sent < 0)
		goto detach;
	usleep(20000);
	c0 = count_read(b);
	o0 = count_key(b, 1);
	t0 = now_s();
	cpu0 = busy_ns(softirqd);
	sent = pfd >= 0 ? packet_send(pfd, &t, secs) : live_send(b, &t.tmpl, gen_if, secs);
	cpu1 = busy_ns(softirqd);
	t1 = now_s();
	usleep(20000); /* what is still in the rings */
	c1 = count_read(b);
	o1 = count_key(b, 1);
	if (sent < 0)
		goto detach;
	printf("{\"item\":\"live\",\"case\":\"%s\",\"kind\":\"%s\",\"gen\":\"%s\",\"pid\":%d,"
	       "\"bindings\":%u,\"active\":%u,\"frame_len\":%u,\"sent_len\":%u,\"seconds\":%.3f,"
	       "\"sent\":%lld,"
	       "\"cpu_ns\":%lld,\"delivered\":%llu,\"pps\":%.0f,\"sent_pps\":%.0f,"
	       "\"delivered_len\":%.1f}\n",
	       argv[1], argv[2], gen, (int)getpid(), n, active, flen, t.tmpl.len, t1 - t0, sent,
	       cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0, (unsigned long long)(c1 - c0),
	       (c1 - c0) / (t1 - t0), sent / (t1 - t0),
	       c1 > c0 ? (double)(o1 - o0) / (c1 - c0) : 0.0);
	fflush(stdout);
	err = 0;
detach:
	if (pfd >= 0)
		close(pfd);
	if (!enter_ns(argv[6]))
		bpf_xdp_detach(sink_if, XDP_FLAGS_DRV_MODE, NULL);
out:
	if (home >= 0) {
		if (setns(home, CLONE_NEWNET))
			err = 1;
		close(home);
	}
	bench__destroy(b);
	return err;
}

/* ------------------------------------------------------------- attach */

static int cmd_attach(int argc, char **argv)
{
	struct bpf_program *prog;
	unsigned int dev;
	struct bench *b;
	int err = 1;

	if (argc != 4 && argc != 6)
		return 2;
	b = bench__open_and_load();
	if (!b || enter_ns(argv[2]))
		goto out;
	dev = if_nametoindex(argv[3]);
	if (!strcmp(argv[1], "drop")) {
		prog = b->progs.xdp_count;
	} else if (argc == 6 && (!strcmp(argv[1], "redirect") || !strcmp(argv[1], "naive_encap"))) {
		prog = !strcmp(argv[1], "redirect") ? b->progs.xdp_redirect
						    : b->progs.xdp_naive_encap;
		b->bss->cfg.ifindex = if_nametoindex(argv[4]);
		if (!b->bss->cfg.ifindex || parse_mac(argv[5], b->bss->cfg.dmac))
			goto out;
		/* Source MAC: the sink does not look at it. */
		memcpy(b->bss->cfg.smac, b->bss->cfg.dmac, 6);
		b->bss->cfg.smac[5] ^= 1;
		addr(HA_ADDR, (struct in6_addr *)b->bss->cfg.outer_src);
		addr(COA, (struct in6_addr *)b->bss->cfg.outer_dst);
	} else {
		err = 2;
		goto out;
	}
	if (!dev || bpf_xdp_attach(dev, bpf_program__fd(prog), XDP_FLAGS_DRV_MODE, NULL)) {
		fprintf(stderr, "xmbench: attach %s to %s: %s\n", argv[1], argv[3],
			strerror(errno));
		goto out;
	}
	err = 0;
out:
	bench__destroy(b);
	return err;
}

/* Prints home address @i (the bindings of `fill` and the generator's). */
static int cmd_hoa(const char *i)
{
	char buf[INET6_ADDRSTRLEN];
	struct in6_addr a;

	hoa(strtoull(i, NULL, 0), &a);
	printf("%s\n", inet_ntop(AF_INET6, &a, buf, sizeof(buf)));
	return 0;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	int rc = 2;

	libbpf_set_print(libbpf_print);
	ncpus = libbpf_num_possible_cpus();
	if (argc >= 2 && ncpus > 0) {
		if (!strcmp(argv[1], "cost"))
			rc = cmd_cost(argc - 1, argv + 1);
		else if (!strcmp(argv[1], "fill"))
			rc = cmd_fill(argc - 1, argv + 1);
		else if (!strcmp(argv[1], "live"))
			rc = cmd_live(argc - 1, argv + 1);
		else if (!strcmp(argv[1], "attach"))
			rc = cmd_attach(argc - 1, argv + 1);

		else if (!strcmp(argv[1], "hoa") && argc == 3)
			rc = cmd_hoa(argv[2]);
	}
	if (rc == 2)
		fprintf(stderr, "usage: see the comment at the top of bench/xmbench.c\n");
	return rc;
}
