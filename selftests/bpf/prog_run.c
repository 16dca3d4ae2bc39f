// SPDX-License-Identifier: GPL-2.0
/*
 * prog_run.c - runs the xmip6 BPF programs on test frames with
 * BPF_PROG_TEST_RUN, for selftests/bpf/test_dataplane.py and test_ro_dataplane.py.
 *
 * The skeleton is loaded once, without pinning (nothing of an installed
 * instance is touched). Fixtures come as a JSON array on stdin:
 *
 *   [{"name": "what",
 *     "prog": "xdp_ha" | "xdp_mn" | "xdp_cn" | "tc_ha_egress" | "tc_mn_egress" |
 *             "tc_cn_egress",
 *     "ifname": "veth0",        XDP ingress_ifindex / TC skb ifindex
 *     "data": "hex",            the frame, from the Ethernet header
 *     "meta": 16,               XDP only, optional: bytes of metadata put in
 *                               front of the frame, so that frames shorter
 *                               than ETH_HLEN (the test-run minimum) fit
 *     "gso_size": 1000,         TC only, optional: __sk_buff gso_size (the
 *                               test run cannot set gso_type: it stays 0)
 *     "mark": 1835626550,       TC only, optional: __sk_buff mark (SO_MARK)
 *     "repeat": 1000000,        optional: BPF_PROG_TEST_RUN repeat count (the
 *                               result then has "duration_ns", the mean)
 *     "runs": 3,                optional: test runs, each on the frame as
 *                               given, all on one CPU (the result is the
 *                               last run's; counters sum them all)
 *     "config": {"role": 1, "ha_addr": "2001:db8::1", "flags": 1},  optional
 *     "nh_gen": 7,              optional: the next-hop cache's generation
 *                               ("nh_state"; 0, the default: cache off)
 *     "nh_flags": 1,            optional: nh_state.flags (XMIP6_NH_F_*)
 *     "nh_keep": true,          optional: keep the slots the fixture before
 *                               left (with the same nh_gen: its next hops)
 *     "bindings": [{"home": "..", "coa": "..", "ha": "..",
 *                   "expires_ns": 0,       absolute CLOCK_MONOTONIC, or
 *                   "expires_in_ms": -1000, relative to now (optional),
 *                   "lifetime_s": 0, "sequence": 0, "flags": 0,
 *                   "auth_timestamp": 0, "created_ns": 0,
 *                   "tunnel_mtu": 1400,    learnt tunnel MTU (optional)
 *                   "tunnel_mtu_expires_ns": 0,          absolute, or
 *                   "tunnel_mtu_expires_in_ms": 300000}]},  relative
 *     "ro": [{"home": "..", "peer": "..", "coa": "..",   optional: "ro" entries
 *             "expires_ns": 0, "expires_in_ms": -1000,
 *             "lifetime_s": 0, "sequence": 0, "flags": 0}],
 *     "peers": [{"home": "..", "peer": "..",           optional: "peers" entries
 *                "first_seen_ago_ms": 5000, "last_seen_ago_ms": 100, "packets": 3}],
 *     "prefixes": [{"prefix": "2001:db8:100::/56", "home": ".."}],  optional (NEMO)
 *     "prefix_by_home": true,   optional: no copy of the router's binding in them
 *     "mr_prefixes": [{"prefix": "2001:db8:50::/64", "home": ".."}],  optional (NEMO, MR)
 *     "if_mac": "02:00:5e:00:0a:00",  optional: the ifname's "if_macs" entry;
 *                               null: none; absent: the interface's own address
 *     ...]
 *
 * Before each fixture the bindings, config, stats, next-hop cache and ICMP
 * rate-limit maps are reset and the signal ring buffer is emptied, then the program runs
 * ("repeat" times). One JSON object per fixture is printed on its own line:
 *
 *   {"name": "what", "err": 0, "retval": 2, "data_out": "hex",
 *    "stats": {"rx_not_ipv6": 0, ...},     counters summed over all CPUs
 *    "bindings_before": [B, ...],          the bindings map just before the run
 *    "bindings_after": [B, ...],           ... and just after it
 *    "signals": [S, ...],                  the signal ring's records, in order
 *    "peers_after": [P, ...],              the "peers" map after the run
 *    "binding_ctr_after": [C, ...]}        the bindings' counters after the run (non-zero ones)
 *
 * where each B holds every field of a binding, both halves ("home", "coa",
 * "ha", "expires_ns", "registered_ns", "lifetime_s", "sequence", "flags",
 * "tunnel_mtu", "coa_ifindex", "tunnel_mtu_expires_ns", "auth_timestamp",
 * "created_ns"; times absolute CLOCK_MONOTONIC ns) plus
 * "tunnel_mtu_expires_in_ns": tunnel_mtu_expires_ns minus CLOCK_MONOTONIC
 * when the map was read (0 if tunnel_mtu_expires_ns is 0), and each S is one
 * struct xmip6_signal: {"ifindex", "len", "flags", "rx_ns", "rx_ns_ago"
 * (CLOCK_MONOTONIC minus rx_ns when drained), "packet": hex of len bytes,
 * "snap_flags", and with them set "snap_home", "snap_coa", "snap_seq",
 * "snap_at_ns_ago" (the binding the program put in the record)},
 * and each P {"home", "peer", "first_seen_ago_ns", "last_seen_ago_ns",
 * "packets"} (ages: CLOCK_MONOTONIC minus the stamps when read), and each C
 * {"home", "to_mn_packets", "to_mn_bytes", "from_mn_packets",
 * "from_mn_bytes"} summed over the CPUs.
 * The "ro" and "peers" maps are emptied before each fixture too, and each
 * binding gets counter slot i + 1 ("ctr_slot" in B: another), zeroed.
 *
 * "err" is the test run's -errno (then the other fields are meaningless).
 * Usage: prog_run [--list-stats] < fixtures.json
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <linux/bpf.h>
#include <linux/if_packet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "xmip6.h"
#include "xmip6.skel.h"
#include "dp/dataplane.h"

#define DATA_OUT_MAX 16384
#define META_MAX     32

#define STAT_NAME(name, desc) #name,
static const char *const stat_names[XMIP6_STAT_COUNT] = {XMIP6_STATS(STAT_NAME)};
#undef STAT_NAME

static int ncpus;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static unsigned long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int hex_decode(const char *hex, unsigned char **out, size_t *len)
{
	size_t n = strlen(hex), i;
	unsigned char *buf;

	if (n % 2)
		return -EINVAL;
	buf = malloc(n / 2 + 1);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < n / 2; i++) {
		unsigned int byte;

		if (sscanf(hex + 2 * i, "%2x", &byte) != 1) {
			free(buf);
			return -EINVAL;
		}
		buf[i] = byte;
	}
	*out = buf;
	*len = n / 2;
	return 0;
}

static char *hex_encode(const unsigned char *buf, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char *s = malloc(2 * len + 1);
	size_t i;

	if (!s)
		return NULL;
	for (i = 0; i < len; i++) {
		s[2 * i] = digits[buf[i] >> 4];
		s[2 * i + 1] = digits[buf[i] & 0xf];
	}
	s[2 * len] = '\0';
	return s;
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	return json_object_get_string(v);
}

static long long jint(json_object *o, const char *key, long long dflt)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return dflt;
	return json_object_get_int64(v);
}

static int jaddr(json_object *o, const char *key, struct in6_addr *addr)
{
	const char *s = jstr(o, key);

	memset(addr, 0, sizeof(*addr));
	if (!s)
		return 0;
	if (inet_pton(AF_INET6, s, addr) != 1) {
		fprintf(stderr, "prog_run: bad address %s: %s\n", key, s);
		return -EINVAL;
	}
	return 0;
}

/* Zeroes every entry of a per-CPU array. */
static int percpu_zero(struct bpf_map *map)
{
	size_t sz = (size_t)ncpus * ((bpf_map__value_size(map) + 7) & ~7U);
	void *zero = calloc(1, sz);
	__u32 key;
	int err = 0;

	if (!zero)
		return -ENOMEM;
	for (key = 0; !err && key < bpf_map__max_entries(map); key++)
		err = bpf_map_update_elem(bpf_map__fd(map), &key, zero, BPF_ANY);
	free(zero);
	return err;
}

/* Zeroes one slot of the per-CPU "binding_ctr" array. */
static int ctr_slot_zero(struct xmip6 *skel, __u32 slot)
{
	struct xmip6_binding_ctr *zero = calloc(ncpus, sizeof(*zero));
	int err = 0;

	if (!zero)
		return -ENOMEM;
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.binding_ctr), &slot, zero, BPF_ANY))
		err = -errno;
	free(zero);
	return err;
}

/* Empties a hash map whose keys are at most 64 bytes. */
static int map_clear(struct bpf_map *map)
{
	unsigned char key[64];
	int fd = bpf_map__fd(map);

	if (bpf_map__key_size(map) > sizeof(key))
		return -EINVAL;
	while (!bpf_map_get_next_key(fd, NULL, key))
		if (bpf_map_delete_elem(fd, key))
			return -errno;
	return 0;
}

/*
 * Loads only the programs some fixture runs: the verifier takes about 2 s of
 * CPU for all six and most runs need one or two of them.
 */
static int autoload_named(struct xmip6 *skel, json_object *fixtures)
{
	struct bpf_program *prog;
	size_t i;

	bpf_object__for_each_program(prog, skel->obj)
	{
		bool named = false;

		for (i = 0; !named && i < json_object_array_length(fixtures); i++) {
			const char *name = jstr(json_object_array_get_idx(fixtures, i), "prog");

			named = name && !strcmp(name, bpf_program__name(prog));
		}
		if (bpf_program__set_autoload(prog, named)) {
			fprintf(stderr, "prog_run: cannot set autoload of %s\n",
				bpf_program__name(prog));
			return -1;
		}
	}
	return 0;
}

static int ro_setup(struct xmip6 *skel, json_object *fx)
{
	json_object *arr, *rel;
	size_t i;

	if (!json_object_object_get_ex(fx, "ro", &arr))
		return 0;
	for (i = 0; i < json_object_array_length(arr); i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		struct xmip6_ro_key key;
		struct xmip6_ro ro = {};

		if (jaddr(o, "home", &key.home_addr) || jaddr(o, "peer", &key.peer_addr) ||
		    jaddr(o, "coa", &ro.care_of_addr))
			return -EINVAL;
		ro.expires_ns = jint(o, "expires_ns", 0);
		if (json_object_object_get_ex(o, "expires_in_ms", &rel))
			ro.expires_ns = mono_ns() + json_object_get_int64(rel) * 1000000LL;
		ro.registered_ns = mono_ns();
		ro.lifetime_s = jint(o, "lifetime_s", 0);
		ro.sequence = jint(o, "sequence", 0);
		ro.flags = jint(o, "flags", 0);
		if (bpf_map_update_elem(bpf_map__fd(skel->maps.ro), &key, &ro, BPF_ANY))
			return -errno;
	}
	return 0;
}

static int peers_setup(struct xmip6 *skel, json_object *fx)
{
	json_object *arr;
	size_t i;

	if (!json_object_object_get_ex(fx, "peers", &arr))
		return 0;
	for (i = 0; i < json_object_array_length(arr); i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		struct xmip6_ro_key key;
		struct xmip6_peer p = {};

		if (jaddr(o, "home", &key.home_addr) || jaddr(o, "peer", &key.peer_addr))
			return -EINVAL;
		p.first_seen_ns = mono_ns() - jint(o, "first_seen_ago_ms", 0) * 1000000LL;
		p.last_seen_ns = mono_ns() - jint(o, "last_seen_ago_ms", 0) * 1000000LL;
		p.packets = jint(o, "packets", 0);
		if (bpf_map_update_elem(bpf_map__fd(skel->maps.peers), &key, &p, BPF_ANY))
			return -errno;
	}
	return 0;
}

/* The "peers" map as a JSON array (see the header comment). */
static json_object *peers_dump(struct bpf_map *map)
{
	json_object *arr = json_object_new_array();
	struct xmip6_ro_key key, *prev = NULL;
	int fd = bpf_map__fd(map);
	char buf[INET6_ADDRSTRLEN];

	while (!bpf_map_get_next_key(fd, prev, &key)) {
		struct xmip6_peer p;
		json_object *o;

		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &p))
			continue;
		o = json_object_new_object();
		inet_ntop(AF_INET6, &key.home_addr, buf, sizeof(buf));
		json_object_object_add(o, "home", json_object_new_string(buf));
		inet_ntop(AF_INET6, &key.peer_addr, buf, sizeof(buf));
		json_object_object_add(o, "peer", json_object_new_string(buf));
		json_object_object_add(
			o, "first_seen_ago_ns",
			json_object_new_int64((long long)(mono_ns() - p.first_seen_ns)));
		json_object_object_add(
			o, "last_seen_ago_ns",
			json_object_new_int64((long long)(mono_ns() - p.last_seen_ns)));
		json_object_object_add(o, "packets", json_object_new_int64((long long)p.packets));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* "admit": the home addresses of the HA's mobile-nodes list. */
static int admit_setup(struct xmip6 *skel, json_object *fx)
{
	json_object *ja;
	__u8 one = 1;
	size_t i;

	if (!json_object_object_get_ex(fx, "admit", &ja))
		return 0;
	for (i = 0; i < json_object_array_length(ja); i++) {
		struct in6_addr a;

		if (inet_pton(AF_INET6, json_object_get_string(json_object_array_get_idx(ja, i)),
			      &a) != 1)
			return -EINVAL;
		if (bpf_map_update_elem(bpf_map__fd(skel->maps.admit), &a, &one, BPF_ANY))
			return -errno;
	}
	return 0;
}

/* "prefix_lens": @len in, unique, longest first. */
static void lens_add(struct xmip6_prefix_lens *l, __u32 len)
{
	__u32 i, j;

	for (i = 0; i < l->n && l->len[i] >= len; i++)
		if (l->len[i] == len)
			return;
	for (j = l->n; j > i; j--)
		l->len[j] = l->len[j - 1];
	l->len[i] = len;
	l->n++;
}

/* One {"prefix": "ADDR/LEN", "home": ADDR} of "prefixes" or "mr_prefixes". */
static int prefix_entry(json_object *o, struct xmip6_prefix_key *key, struct in6_addr *home)
{
	char buf[INET6_ADDRSTRLEN + 4], *slash;
	json_object *jp;

	if (!json_object_object_get_ex(o, "prefix", &jp) || jaddr(o, "home", home))
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s", json_object_get_string(jp));
	slash = strchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	key->prefixlen = atoi(slash + 1);
	return inet_pton(AF_INET6, buf, &key->prefix) == 1 ? 0 : -EINVAL;
}

/* "mr_prefixes" (a mobile router's, bpf/mr.h): the same list, an LPM trie. */
static int mr_prefixes_setup(struct xmip6 *skel, json_object *fx)
{
	json_object *arr;
	size_t i;

	if (!json_object_object_get_ex(fx, "mr_prefixes", &arr))
		return 0;
	for (i = 0; i < json_object_array_length(arr); i++) {
		struct xmip6_mr_prefix_key key = {};
		struct xmip6_prefix_key pk = {};
		struct in6_addr home;

		if (prefix_entry(json_object_array_get_idx(arr, i), &pk, &home))
			return -EINVAL;
		key.prefixlen = pk.prefixlen;
		key.prefix = pk.prefix;
		if (bpf_map_update_elem(bpf_map__fd(skel->maps.mr_prefixes), &key, &home, BPF_ANY))
			return -errno;
	}
	return 0;
}

/* "prefixes" (NEMO): [{"prefix": "ADDR/LEN", "home": ADDR}, ...], and the
 * lengths they use in "prefix_lens" (none without). */
static int prefixes_setup(struct xmip6 *skel, json_object *fx)
{
	struct xmip6_prefix_lens lens = {};
	json_object *arr;
	__u32 zero = 0;
	size_t i;

	if (!json_object_object_get_ex(fx, "prefixes", &arr))
		return bpf_map_update_elem(bpf_map__fd(skel->maps.prefix_lens), &zero, &lens,
					   BPF_ANY)
			       ? -errno
			       : 0;
	for (i = 0; i < json_object_array_length(arr); i++) {
		struct xmip6_prefix_key key = {};
		struct xmip6_prefix val = {};

		if (prefix_entry(json_object_array_get_idx(arr, i), &key, &val.home_addr))
			return -EINVAL;
		if (bpf_map_update_elem(bpf_map__fd(skel->maps.prefixes), &key, &val, BPF_ANY))
			return -errno;
		lens_add(&lens, key.prefixlen);
	}
	return bpf_map_update_elem(bpf_map__fd(skel->maps.prefix_lens), &zero, &lens, BPF_ANY)
		       ? -errno
		       : 0;
}

/*
 * The hash maps at a rig's size, as xmip6d's max-bindings sizes them
 * (user/dp/attach.c): map_clear() before each fixture visits every bucket,
 * and at the defaults (65,536 bindings, 1,048,576 admitted home addresses
 * and prefixes) that walk was most of the runner's time. No fixture holds
 * more than a few entries; a counter slot "beyond the array" is 0x7ffffff0.
 */
#define PROG_RUN_ENTRIES 256

static int maps_size(struct xmip6 *skel)
{
	int err = dp_bindings_size(skel, PROG_RUN_ENTRIES) ?:
		  bpf_map__set_max_entries(skel->maps.admit, PROG_RUN_ENTRIES) ?:
		  bpf_map__set_max_entries(skel->maps.prefixes, PROG_RUN_ENTRIES);

	if (err)
		fprintf(stderr, "prog_run: cannot size the maps: %s\n", strerror(-err));
	return err;
}

/* Each "prefixes" entry with a copy of its router's forwarding half, as
 * user/dp/prefix.c keeps them; not with "prefix_by_home": true (entries
 * written by hand, the binding looked up by home address per packet). */
static int prefix_copies(struct xmip6 *skel, json_object *fx)
{
	int fd = bpf_map__fd(skel->maps.prefixes);
	struct xmip6_prefix_key keys[PROG_RUN_ENTRIES], *prev = NULL;
	struct xmip6_prefix val;
	size_t n = 0, i;
	json_object *o;

	if (json_object_object_get_ex(fx, "prefix_by_home", &o) && json_object_get_boolean(o))
		return 0;
	/* The keys first, then the writes: an update puts the new element at
	 * the head of its hash bucket, so a walk that writes as it goes meets
	 * two entries of one bucket again and again (user/dp/prefix.c). */
	while (n < PROG_RUN_ENTRIES && !bpf_map_get_next_key(fd, prev, &keys[n]))
		prev = &keys[n++];
	for (i = 0; i < n; i++) {
		if (bpf_map_lookup_elem(fd, &keys[i], &val) ||
		    bpf_map_lookup_elem(bpf_map__fd(skel->maps.bindings), &val.home_addr, &val.fwd))
			continue; /* no binding: no copy */
		if (bpf_map_update_elem(fd, &keys[i], &val, BPF_EXIST))
			return -errno;
	}
	return 0;
}

/*
 * The next-hop cache's generation; with one set, every slot emptied first
 * (16,384 writes: only the fixtures that turn the cache on pay for them),
 * unless the fixture keeps them.
 */
static int nh_setup(struct xmip6 *skel, json_object *fx)
{
	struct xmip6_nh_state st = {
		.gen = jint(fx, "nh_gen", 0),
		.lease_ns = ~0ULL,
		.flags = jint(fx, "nh_flags", 0),
	};
	__u32 key = 0;
	int err;

	json_object *keep;
	bool kept =
		json_object_object_get_ex(fx, "nh_keep", &keep) && json_object_get_boolean(keep);

	err = st.gen && !kept ? percpu_zero(skel->maps.nexthops) : 0;
	if (!err && bpf_map_update_elem(bpf_map__fd(skel->maps.nh_state), &key, &st, BPF_ANY))
		err = -errno;
	return err;
}

/*
 * "if_macs" for the fixture's interface: "if_mac" absent, its own address
 * (what dp_attach() writes); a string, that address; null, no entry.
 */
static int mac_parse(const char *s, __u8 mac[6])
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3],
		      &mac[4], &mac[5]) == 6
		       ? 0
		       : -EINVAL;
}

static int if_mac_setup(struct xmip6 *skel, json_object *fx)
{
	const char *ifname = jstr(fx, "ifname");
	struct xmip6_if_mac m = {0};
	struct ifaddrs *ifa, *i;
	bool found = false;
	json_object *jm;
	__u32 key;

	if (!ifname)
		return 0;
	key = if_nametoindex(ifname);
	if (!key || key >= XMIP6_IF_MACS_MAX)
		return -ENODEV;
	if (json_object_object_get_ex(fx, "if_mac", &jm)) {
		if (jm && mac_parse(json_object_get_string(jm), m.addr))
			return -EINVAL;
		m.set = !!jm;
	} else {
		/* The kernel's word (rtnetlink, through getifaddrs), not the
		 * code under test's. */
		if (getifaddrs(&ifa))
			return -errno;
		for (i = ifa; i; i = i->ifa_next)
			if (i->ifa_addr && i->ifa_addr->sa_family == AF_PACKET &&
			    !strcmp(i->ifa_name, ifname)) {
				memcpy(m.addr, ((struct sockaddr_ll *)i->ifa_addr)->sll_addr, 6);
				found = true;
			}
		freeifaddrs(ifa);
		if (!found)
			return -ENODEV;
		m.set = 1;
	}
	return bpf_map_update_elem(bpf_map__fd(skel->maps.if_macs), &key, &m, BPF_ANY) ? -errno : 0;
}

static int maps_setup(struct xmip6 *skel, json_object *fx)
{
	struct xmip6_config cfg = {};
	json_object *jcfg, *jb;
	__u32 key = 0;
	size_t i;
	int err;

	err = map_clear(skel->maps.bindings) ?: map_clear(skel->maps.binding_ctl) ?:
	      map_clear(skel->maps.ro) ?:
	      map_clear(skel->maps.peers) ?: map_clear(skel->maps.admit) ?:
	      map_clear(skel->maps.prefixes) ?: map_clear(skel->maps.mr_prefixes) ?:
	      ro_setup(skel, fx) ?: peers_setup(skel, fx) ?: admit_setup(skel, fx) ?:
	      prefixes_setup(skel, fx) ?: mr_prefixes_setup(skel, fx) ?: if_mac_setup(skel, fx);
	if (!err)
		err = percpu_zero(skel->maps.stats);
	if (!err)
		err = percpu_zero(skel->maps.buckets);
	if (!err)
		err = nh_setup(skel, fx);
	if (err)
		return err;

	if (json_object_object_get_ex(fx, "config", &jcfg)) {
		cfg.role = jint(jcfg, "role", 0);
		cfg.flags = jint(jcfg, "flags", 0);
		if (jaddr(jcfg, "ha_addr", &cfg.ha_addr))
			return -EINVAL;
	}
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.config), &key, &cfg, BPF_ANY))
		return -errno;

	if (!json_object_object_get_ex(fx, "bindings", &jb))
		return 0;
	for (i = 0; i < json_object_array_length(jb); i++) {
		json_object *o = json_object_array_get_idx(jb, i);
		struct xmip6_binding_fwd b = {};
		struct xmip6_binding_ctl ctl = {};
		struct in6_addr home;
		json_object *rel;

		if (jaddr(o, "home", &home) || jaddr(o, "coa", &b.care_of_addr) ||
		    jaddr(o, "ha", &b.ha_addr))
			return -EINVAL;
		b.expires_ns = jint(o, "expires_ns", 0);
		if (json_object_object_get_ex(o, "expires_in_ms", &rel))
			b.expires_ns = mono_ns() + json_object_get_int64(rel) * 1000000LL;
		ctl.registered_ns = mono_ns();
		ctl.lifetime_s = jint(o, "lifetime_s", 0);
		ctl.sequence = jint(o, "sequence", 0);
		b.flags = jint(o, "flags", 0);
		ctl.auth_timestamp = jint(o, "auth_timestamp", 0);
		ctl.created_ns = jint(o, "created_ns", 0);
		b.tunnel_mtu = jint(o, "tunnel_mtu", 0);
		b.tunnel_mtu_expires_ns = jint(o, "tunnel_mtu_expires_ns", 0);
		if (json_object_object_get_ex(o, "tunnel_mtu_expires_in_ms", &rel))
			b.tunnel_mtu_expires_ns =
				mono_ns() + json_object_get_int64(rel) * 1000000LL;
		/* Counter slot i + 1 (headers/xmip6.h), zeroed, as user/dp/maps.c
		 * gives a new binding one ("ctr_slot": another, 0 none). */
		b.ctr_slot = jint(o, "ctr_slot", i + 1);
		if (b.ctr_slot && b.ctr_slot < bpf_map__max_entries(skel->maps.binding_ctr))
			err = ctr_slot_zero(skel, b.ctr_slot);
		if (err)
			return err;
		if (bpf_map_update_elem(bpf_map__fd(skel->maps.binding_ctl), &home, &ctl,
					BPF_ANY) ||
		    bpf_map_update_elem(bpf_map__fd(skel->maps.bindings), &home, &b, BPF_ANY))
			return -errno;
	}
	return prefix_copies(skel, fx);
}

/* The whole bindings map as a JSON array (see the header comment). */
static json_object *bindings_dump(struct xmip6 *skel)
{
	json_object *arr = json_object_new_array();
	int fd = bpf_map__fd(skel->maps.bindings);
	struct in6_addr key, *prev = NULL;
	char buf[INET6_ADDRSTRLEN];

	while (!bpf_map_get_next_key(fd, prev, &key)) {
		struct xmip6_binding_ctl ctl = {};
		struct xmip6_binding_fwd b;
		long long in_ns = 0;
		json_object *o;

		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &b))
			continue; /* deleted meanwhile: nothing runs concurrently */
		bpf_map_lookup_elem(bpf_map__fd(skel->maps.binding_ctl), &key, &ctl);
		if (b.tunnel_mtu_expires_ns)
			in_ns = (long long)(b.tunnel_mtu_expires_ns - mono_ns());
		o = json_object_new_object();
		inet_ntop(AF_INET6, &key, buf, sizeof(buf));
		json_object_object_add(o, "home", json_object_new_string(buf));
		inet_ntop(AF_INET6, &b.care_of_addr, buf, sizeof(buf));
		json_object_object_add(o, "coa", json_object_new_string(buf));
		inet_ntop(AF_INET6, &b.ha_addr, buf, sizeof(buf));
		json_object_object_add(o, "ha", json_object_new_string(buf));
		json_object_object_add(o, "expires_ns", json_object_new_uint64(b.expires_ns));
		json_object_object_add(o, "registered_ns",
				       json_object_new_uint64(ctl.registered_ns));
		json_object_object_add(o, "lifetime_s", json_object_new_int64(ctl.lifetime_s));
		json_object_object_add(o, "sequence", json_object_new_int64(ctl.sequence));
		json_object_object_add(o, "flags", json_object_new_int64(b.flags));
		json_object_object_add(o, "tunnel_mtu", json_object_new_int64(b.tunnel_mtu));
		json_object_object_add(o, "coa_ifindex", json_object_new_int64(b.coa_ifindex));
		json_object_object_add(o, "tunnel_mtu_expires_ns",
				       json_object_new_uint64(b.tunnel_mtu_expires_ns));
		json_object_object_add(o, "tunnel_mtu_expires_in_ns", json_object_new_int64(in_ns));
		json_object_object_add(o, "auth_timestamp",
				       json_object_new_uint64(ctl.auth_timestamp));
		json_object_object_add(o, "created_ns", json_object_new_uint64(ctl.created_ns));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* The per-binding counters of the bindings, by their slots, summed over
 * the CPUs; only those that counted something (see the header comment). */
static json_object *binding_ctr_dump(struct xmip6 *skel)
{
	json_object *arr = json_object_new_array();
	int fd = bpf_map__fd(skel->maps.binding_ctr);
	int bfd = bpf_map__fd(skel->maps.bindings);
	struct in6_addr key, *prev = NULL;
	struct xmip6_binding_ctr *v = calloc(ncpus, sizeof(*v));
	char buf[INET6_ADDRSTRLEN];

	while (v && !bpf_map_get_next_key(bfd, prev, &key)) {
		struct xmip6_binding_ctr s = {};
		struct xmip6_binding_fwd b;
		json_object *o;
		int cpu;

		prev = &key;
		if (bpf_map_lookup_elem(bfd, &key, &b) || !b.ctr_slot ||
		    bpf_map_lookup_elem(fd, &b.ctr_slot, v))
			continue;
		for (cpu = 0; cpu < ncpus; cpu++) {
			s.to_mn_packets += v[cpu].to_mn_packets;
			s.to_mn_bytes += v[cpu].to_mn_bytes;
			s.from_mn_packets += v[cpu].from_mn_packets;
			s.from_mn_bytes += v[cpu].from_mn_bytes;
		}
		if (!(s.to_mn_packets | s.to_mn_bytes | s.from_mn_packets | s.from_mn_bytes))
			continue;
		o = json_object_new_object();
		inet_ntop(AF_INET6, &key, buf, sizeof(buf));
		json_object_object_add(o, "home", json_object_new_string(buf));
		json_object_object_add(o, "to_mn_packets", json_object_new_uint64(s.to_mn_packets));
		json_object_object_add(o, "to_mn_bytes", json_object_new_uint64(s.to_mn_bytes));
		json_object_object_add(o, "from_mn_packets",
				       json_object_new_uint64(s.from_mn_packets));
		json_object_object_add(o, "from_mn_bytes", json_object_new_uint64(s.from_mn_bytes));
		json_object_array_add(arr, o);
	}
	free(v);
	return arr;
}

/* One record of the signal ring buffer, appended to the JSON array @ctx. */
static int signal_record(void *ctx, void *data, size_t size)
{
	const struct xmip6_signal *sig = data;
	json_object *o, *arr = ctx;
	char buf[INET6_ADDRSTRLEN];
	size_t len;
	char *hex;

	if (size < sizeof(*sig)) {
		fprintf(stderr, "prog_run: signal record of %zu bytes\n", size);
		return -EINVAL;
	}
	/* Out-of-range lengths show up as such; only the copy is clamped. */
	len = sig->len < sizeof(sig->packet) ? sig->len : sizeof(sig->packet);
	hex = hex_encode(sig->packet, len);
	if (!hex)
		return -ENOMEM;
	o = json_object_new_object();
	json_object_object_add(o, "ifindex", json_object_new_int64(sig->ifindex));
	json_object_object_add(o, "len", json_object_new_int64(sig->len));
	json_object_object_add(o, "flags", json_object_new_int64(sig->flags));
	json_object_object_add(o, "rx_ns", json_object_new_uint64(sig->rx_ns));
	json_object_object_add(o, "rx_ns_ago",
			       json_object_new_int64((long long)(mono_ns() - sig->rx_ns)));
	json_object_object_add(o, "packet", json_object_new_string(hex));
	/* The binding the program read with it (HA), as it read it. */
	json_object_object_add(o, "snap_flags", json_object_new_int64(sig->snap.flags));
	if (sig->snap.flags) {
		inet_ntop(AF_INET6, &sig->snap.home_addr, buf, sizeof(buf));
		json_object_object_add(o, "snap_home", json_object_new_string(buf));
		inet_ntop(AF_INET6, &sig->snap.fwd.care_of_addr, buf, sizeof(buf));
		json_object_object_add(o, "snap_coa", json_object_new_string(buf));
		json_object_object_add(o, "snap_seq",
				       json_object_new_int64(sig->snap.ctl.sequence));
		json_object_object_add(
			o, "snap_at_ns_ago",
			json_object_new_int64((long long)(mono_ns() - sig->snap.at_ns)));
	}
	json_object_array_add(arr, o);
	free(hex);
	return 0;
}

/* The signal ring's records as a JSON array; the ring is empty afterwards. */
static int signals_drain(struct bpf_map *map, json_object **out)
{
	json_object *arr = json_object_new_array();
	struct ring_buffer *rb;
	int n;

	rb = ring_buffer__new(bpf_map__fd(map), signal_record, arr, NULL);
	if (!rb) {
		json_object_put(arr);
		return -errno;
	}
	n = ring_buffer__consume(rb);
	ring_buffer__free(rb);
	if (n < 0) {
		json_object_put(arr);
		return n;
	}
	*out = arr;
	return 0;
}

static int stats_read(struct xmip6 *skel, struct xmip6_stats *sum)
{
	size_t stride = (sizeof(struct xmip6_stats) + 7) & ~7UL;
	unsigned char *vals = calloc(ncpus, stride);
	__u32 key = 0;
	size_t i;
	int cpu;

	if (!vals)
		return -ENOMEM;
	memset(sum, 0, sizeof(*sum));
	if (bpf_map_lookup_elem(bpf_map__fd(skel->maps.stats), &key, vals)) {
		free(vals);
		return -errno;
	}
	for (cpu = 0; cpu < ncpus; cpu++) {
		const __u64 *v = (const __u64 *)(vals + cpu * stride);

		for (i = 0; i < XMIP6_STAT_COUNT; i++)
			((__u64 *)sum)[i] += v[i];
	}
	free(vals);
	return 0;
}

/*
 * @runs test runs of @opts, each on the input as given (a repeat runs the
 * program again on what the previous run left, an encapsulated frame): the
 * result is the last one's. main() pinned us to one CPU, so that all runs
 * share the per-CPU maps (the next-hop cache).
 */
static int test_runs(const struct bpf_program *prog, struct bpf_test_run_opts *opts,
		     unsigned int runs)
{
	__u32 out_size = opts->data_size_out;
	int err = 0;

	while (runs-- && !err) {
		opts->data_size_out = out_size;
		err = bpf_prog_test_run_opts(bpf_program__fd(prog), opts);
	}
	return err;
}

static int run_one(struct xmip6 *skel, json_object *fx, json_object *res)
{
	const char *prog_name = jstr(fx, "prog"), *ifname = jstr(fx, "ifname");
	const char *hex = jstr(fx, "data");
	unsigned char *frame = NULL, *in = NULL, *out = NULL;
	char *hex_out = NULL;
	struct bpf_program *prog;
	struct xmip6_stats sum;
	size_t len = 0, meta = jint(fx, "meta", 0), skip = 0, i;
	unsigned int ifindex = 0, repeat, runs;
	json_object *jstats, *jsignals = NULL;
	bool xdp;
	int err;

	prog = prog_name ? bpf_object__find_program_by_name(skel->obj, prog_name) : NULL;
	if (!prog) {
		fprintf(stderr, "prog_run: no program %s\n", prog_name ? prog_name : "(none)");
		return -ENOENT;
	}
	xdp = bpf_program__type(prog) == BPF_PROG_TYPE_XDP;
	if (ifname) {
		ifindex = if_nametoindex(ifname);
		if (!ifindex) {
			fprintf(stderr, "prog_run: no interface %s\n", ifname);
			return -ENODEV;
		}
	}
	if (meta > META_MAX || meta % 4 || (meta && !xdp) || (xdp && jint(fx, "mark", 0)))
		return -EINVAL;
	err = hex_decode(hex ? hex : "", &frame, &len);
	if (err)
		return err;
	in = calloc(1, meta + len + 1);
	out = calloc(1, DATA_OUT_MAX);
	if (!in || !out) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(in + meta, frame, len);

	/* Records a failed fixture left behind must not show up in this one. */
	err = maps_setup(skel, fx) ?: signals_drain(skel->maps.signal, &jsignals);
	json_object_put(jsignals);
	jsignals = NULL;
	if (err)
		goto out;
	json_object_object_add(res, "bindings_before", bindings_dump(skel));
	repeat = jint(fx, "repeat", 1);
	runs = jint(fx, "runs", 1);

	if (xdp) {
		struct xdp_md ctx = {
			.data = meta,
			.data_end = meta + len,
			.ingress_ifindex = ifindex,
		};
		struct bpf_test_run_opts opts = {.sz = sizeof(opts),
						 .data_in = in,
						 .data_size_in = meta + len,
						 .data_out = out,
						 .data_size_out = DATA_OUT_MAX,
						 .ctx_in = &ctx,
						 .ctx_size_in = sizeof(ctx),
						 .repeat = repeat};

		err = test_runs(prog, &opts, runs);
		json_object_object_add(res, "retval", json_object_new_int64(opts.retval));
		json_object_object_add(res, "duration_ns", json_object_new_int64(opts.duration));
		len = opts.data_size_out;
		skip = meta;
	} else {
		struct __sk_buff ctx = {
			.ifindex = ifindex,
			.gso_size = jint(fx, "gso_size", 0),
			.mark = jint(fx, "mark", 0),
		};
		struct bpf_test_run_opts opts = {.sz = sizeof(opts),
						 .data_in = in,
						 .data_size_in = len,
						 .data_out = out,
						 .data_size_out = DATA_OUT_MAX,
						 .ctx_in = &ctx,
						 .ctx_size_in = sizeof(ctx),
						 .repeat = repeat};

		err = test_runs(prog, &opts, runs);
		json_object_object_add(res, "retval", json_object_new_int64(opts.retval));
		json_object_object_add(res, "duration_ns", json_object_new_int64(opts.duration));
		len = opts.data_size_out;
	}
	if (err)
		goto out;	/* libbpf returns -errno */
	if (len > DATA_OUT_MAX) /* cannot happen: the kernel returns -ENOSPC */
		len = DATA_OUT_MAX;
	if (skip > len)
		skip = len;
	hex_out = hex_encode(out + skip, len - skip);
	if (!hex_out) {
		err = -ENOMEM;
		goto out;
	}
	json_object_object_add(res, "data_out", json_object_new_string(hex_out));

	err = stats_read(skel, &sum);
	if (err)
		goto out;
	jstats = json_object_new_object();
	for (i = 0; i < XMIP6_STAT_COUNT; i++)
		json_object_object_add(jstats, stat_names[i],
				       json_object_new_int64(((const __u64 *)&sum)[i]));
	json_object_object_add(res, "stats", jstats);
	json_object_object_add(res, "bindings_after", bindings_dump(skel));
	err = signals_drain(skel->maps.signal, &jsignals);
	if (err)
		goto out;
	json_object_object_add(res, "signals", jsignals);
	json_object_object_add(res, "peers_after", peers_dump(skel->maps.peers));
	json_object_object_add(res, "binding_ctr_after", binding_ctr_dump(skel));
out:
	free(hex_out);
	free(frame);
	free(in);
	free(out);
	return err;
}

static json_object *read_stdin(void)
{
	json_tokener *tok = json_tokener_new_ex(JSON_TOKENER_DEFAULT_DEPTH);
	enum json_tokener_error jerr = json_tokener_continue;
	json_object *obj = NULL;
	char buf[65536];
	size_t n;

	if (!tok)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
		obj = json_tokener_parse_ex(tok, buf, n);
		jerr = json_tokener_get_error(tok);
		if (jerr != json_tokener_continue)
			break;
	}
	if (jerr != json_tokener_success) {
		fprintf(stderr, "prog_run: bad JSON on stdin: %s\n", json_tokener_error_desc(jerr));
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	return obj;
}

/* A fixture's runs share this CPU's slots of the per-CPU maps ("runs"). */
static void pin_to_this_cpu(void)
{
	int cpu = sched_getcpu();
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fprintf(stderr, "prog_run: cannot stay on CPU %d: %s\n", cpu, strerror(errno));
}

int main(int argc, char **argv)
{
	struct xmip6 *skel = NULL;
	json_object *fixtures;
	struct bpf_map *map;
	int err = 1;
	size_t i;

	if (argc > 1 && !strcmp(argv[1], "--list-stats")) {
		for (i = 0; i < XMIP6_STAT_COUNT; i++)
			printf("%s\n", stat_names[i]);
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "usage: %s [--list-stats] < fixtures.json\n", argv[0]);
		return 2;
	}

	libbpf_set_print(libbpf_print);
	pin_to_this_cpu();
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0) {
		fprintf(stderr, "prog_run: cannot count CPUs\n");
		return 1;
	}
	fixtures = read_stdin();
	if (!fixtures || !json_object_is_type(fixtures, json_type_array)) {
		fprintf(stderr, "prog_run: expected a JSON array of fixtures\n");
		goto out;
	}

	skel = xmip6__open();
	if (!skel) {
		fprintf(stderr, "prog_run: cannot open the skeleton: %s\n", strerror(errno));
		goto out;
	}
	/* PROG_RUN_BINDING_COUNTERS=0: loaded as binding-counters = false loads. */
	skel->rodata->cfg_binding_counters = !getenv("PROG_RUN_BINDING_COUNTERS") ||
					     strcmp(getenv("PROG_RUN_BINDING_COUNTERS"), "0");
	/* Private maps: never reuse or create pins of an installed instance. */
	bpf_object__for_each_map(map, skel->obj)
	{
		if (bpf_map__set_pin_path(map, NULL)) {
			fprintf(stderr, "prog_run: cannot unpin %s\n", bpf_map__name(map));
			goto out;
		}
	}
	if (autoload_named(skel, fixtures) || maps_size(skel))
		goto out;
	if (xmip6__load(skel)) {
		fprintf(stderr, "prog_run: cannot load the skeleton: %s\n", strerror(errno));
		goto out;
	}

	for (i = 0; i < json_object_array_length(fixtures); i++) {
		json_object *fx = json_object_array_get_idx(fixtures, i);
		json_object *res = json_object_new_object();
		const char *name = jstr(fx, "name");
		int rc;

		json_object_object_add(res, "name", json_object_new_string(name ? name : ""));
		rc = run_one(skel, fx, res);
		json_object_object_add(res, "err", json_object_new_int(rc));
		printf("%s\n", json_object_to_json_string_ext(res, JSON_C_TO_STRING_PLAIN));
		json_object_put(res);
	}
	fflush(stdout);
	err = 0;
out:
	xmip6__destroy(skel);
	json_object_put(fixtures);
	return err;
}
