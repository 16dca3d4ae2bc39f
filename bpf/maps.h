/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * maps.h - the state the programs share with user space: the load-time
 * configuration and the maps pinned by name, with their lookup helpers.
 *
 * Thirteen maps are pinned under the pin directory (headers/xmip6.h names
 * them and documents their keys and values): "stats" (stats.h, next to the
 * macros that count into it), "binding_ctr" (bctr.h, likewise) and the
 * eleven below. One more map, the per-CPU
 * token buckets of ratelimit.h, is private to the programs and not pinned.
 * Operators read the pinned maps with bpftool and user space opens them by
 * name: names, pinning and layouts are part of the contract.
 */
#ifndef XMIP6_MAPS_H
#define XMIP6_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xmip6.h"
#include "stats.h"

/* Load-time configuration: the skeleton's rodata, set by user space before load. */
const volatile __u8 tunnel_hop_limit = 64;
/* ICMPv6 errors per second and CPU (RFC 4443 section 2.4 (f)), and burst. */
const volatile __u32 icmp_ratelimit_pps = 1000;
const volatile __u32 icmp_ratelimit_burst = 100;

/*
 * HA: the binding cache; MN: its own registrations; CN: its binding cache.
 * What the forwarding paths read of each binding, one cache line; a hash
 * map with every element preallocated (the default), so that a lookup at
 * 1,000,000 bindings touches the bucket and one element, and an update
 * never allocates. The control plane's half of each binding is in
 * "binding_ctl" (same keys and size), which no packet's forwarding reads:
 * the HA program copies it, with the forwarding half, into the signal
 * record of a BU (signal.h), for the daemon to skip its own lookup.
 *
 * BINDING_MAP() declares a map keyed by home address with room for every
 * binding (user space sizes them all alike: user/dp/attach.c), pinned.
 */
#define BINDING_MAP(map_type, value_type)                    \
	struct {                                             \
		__uint(type, map_type);                      \
		__uint(max_entries, XMIP6_BINDINGS_DEFAULT); \
		__type(key, struct in6_addr);                \
		__type(value, value_type);                   \
		__uint(pinning, LIBBPF_PIN_BY_NAME);         \
	}

BINDING_MAP(BPF_MAP_TYPE_HASH, struct xmip6_binding_fwd) bindings SEC(".maps");
BINDING_MAP(BPF_MAP_TYPE_HASH, struct xmip6_binding_ctl) binding_ctl SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xmip6_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} config SEC(".maps");

/*
 * Mobility Header packets for the daemon, one struct xmip6_signal each. A
 * record has a fixed size: bpf_ringbuf_reserve() takes a constant only.
 */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, XMIP6_SIGNAL_RING_SIZE);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} signal SEC(".maps");

/* MN: route-optimised (home address, correspondent) pairs, written by the daemon. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XMIP6_RO_DEFAULT);
	__type(key, struct xmip6_ro_key);
	__type(value, struct xmip6_ro);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ro SEC(".maps");

/* MN: correspondents seen on the reverse tunnel, for the daemon's RO policy. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XMIP6_PEERS_DEFAULT);
	__type(key, struct xmip6_ro_key);
	__type(value, struct xmip6_peer);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} peers SEC(".maps");

/* HA: the mobile-nodes list's home addresses (headers/xmip6.h), written by the daemon.
 * Room for a million, allocated as written: a small list costs little. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XMIP6_ADMIT_DEFAULT);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct in6_addr);
	__type(value, __u8);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} admit SEC(".maps");

/* HA: the mobile routers' Mobile Network Prefixes (headers/xmip6.h, RFC 3963),
 * written by the daemon, looked up by nemo.h: allocated as written, a
 * home agent without mobile routers pays nothing; and the lengths in use. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XMIP6_PREFIXES_DEFAULT);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xmip6_prefix_key);
	__type(value, struct xmip6_prefix);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} prefixes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xmip6_prefix_lens);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} prefix_lens SEC(".maps");

/* MN as a mobile router: its Mobile Network Prefixes (headers/xmip6.h),
 * written once by the daemon (user/dp/mr.c), read by mr.h in XDP and TC:
 * no preallocation needed for a few prefixes. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, XMIP6_MR_PREFIXES_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xmip6_mr_prefix_key);
	__type(value, struct in6_addr);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mr_prefixes SEC(".maps");

/* The next-hop cache (headers/xmip6.h): slots per CPU, and its generation. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XMIP6_NH_SLOTS);
	__type(key, __u32);
	__type(value, struct xmip6_nh);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} nexthops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xmip6_nh_state);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} nh_state SEC(".maps");

/* The link-layer address of each attached interface (headers/xmip6.h). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XMIP6_IF_MACS_MAX);
	__type(key, __u32);
	__type(value, struct xmip6_if_mac);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} if_macs SEC(".maps");

static __always_inline struct xmip6_config *config_get(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&config, &key);
}

/* @b, or NULL when it is NULL or expired. An expired binding is no
 * binding (RFC 6275 section 9.1), even if no daemon is around to delete
 * it; the coarse clock costs a load. */
static __always_inline struct xmip6_binding_fwd *binding_live(struct xmip6_binding_fwd *b)
{
	if (b && b->expires_ns && bpf_ktime_get_coarse_ns() >= b->expires_ns) {
		STAT_INC(expired_binding);
		return NULL;
	}
	return b;
}

static __always_inline struct xmip6_binding_fwd *binding_lookup(const struct in6_addr *home_addr)
{
	return binding_live(bpf_map_lookup_elem(&bindings, home_addr));
}

/*
 * MN: the live "ro" entry of (home address, correspondent) @key, or NULL.
 * An expired entry is none, as an expired binding is.
 */
static __always_inline struct xmip6_ro *ro_lookup(const struct xmip6_ro_key *key)
{
	struct xmip6_ro *ent = bpf_map_lookup_elem(&ro, key);

	if (ent && ent->expires_ns && bpf_ktime_get_coarse_ns() >= ent->expires_ns) {
		STAT_INC(mn_ro_expired);
		return NULL;
	}
	return ent;
}

#endif /* XMIP6_MAPS_H */
