/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bctr.h - per-binding packet and byte counters ("binding_ctr", headers/
 * xmip6.h): what each binding forwarded, each way. Per CPU, so a count is
 * a plain add; called on the forwarding verdicts only, once the packet is
 * known to leave (after the route and MTU checks).
 */
#ifndef XMIP6_BCTR_H
#define XMIP6_BCTR_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xmip6.h"
#include "maps.h"
#include "stats.h"

/*
 * Indexed by the binding's ctr_slot; user space sizes it to the bindings
 * map's max_entries + 1 (user/dp/attach.c) and zeroes a slot before a new
 * binding names it. An array, not a hash keyed by home address: the
 * binding entry the path already holds gives the index, so a count is one
 * inlined array access (the verifier turns a per-CPU array lookup into
 * address arithmetic) instead of a second hash lookup and its cache misses
 * (docs/benchmarks.md "Per-binding counters by slot").
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XMIP6_BINDINGS_DEFAULT + 1);
	__type(key, __u32);
	__type(value, struct xmip6_binding_ctr);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} binding_ctr SEC(".maps");

/* Which home address holds which slot (headers/xmip6.h): user space's
 * allocator, created and pinned with the rest; no program reads it. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XMIP6_BINDINGS_DEFAULT + 1);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct in6_addr);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} binding_slots SEC(".maps");

/*
 * Load-time switch (the skeleton's rodata, user/dp/attach.c from the
 * daemon's binding-counters setting): 0 removes every counter update at
 * load, the verifier dropping the dead branch, so that a home agent that
 * does not want per-binding figures pays nothing for them.
 */
const volatile __u8 cfg_binding_counters = 1;

enum bctr_dir {
	BCTR_TO_MN,
	BCTR_FROM_MN,
};

/*
 * This CPU's counters of binding @b: its slot's entry. NULL when the
 * counters are off (cfg_binding_counters), when the binding has no slot
 * (0: written without one, by hand or with the counters off), and,
 * counted, when the slot lies beyond the array (a binding written for a
 * larger instance).
 */
static __always_inline struct xmip6_binding_ctr *bctr_get(const struct xmip6_binding_fwd *b)
{
	struct xmip6_binding_ctr *c;
	__u32 slot;

	if (!cfg_binding_counters)
		return NULL;
	slot = b->ctr_slot;
	if (!slot)
		return NULL;
	c = bpf_map_lookup_elem(&binding_ctr, &slot);
	if (!c)
		STAT_INC(binding_ctr_full);
	return c;
}

/* Count @packets packets of @bytes octets in all on @c (may be NULL). */
static __always_inline void bctr_add(struct xmip6_binding_ctr *c, enum bctr_dir dir, __u32 packets,
				     __u32 bytes)
{
	if (!c)
		return;
	if (dir == BCTR_TO_MN) {
		c->to_mn_packets += packets;
		c->to_mn_bytes += bytes;
	} else {
		c->from_mn_packets += packets;
		c->from_mn_bytes += bytes;
	}
}

/* The two together. */
static __always_inline void bctr_count(const struct xmip6_binding_fwd *b, enum bctr_dir dir,
				       __u32 packets, __u32 bytes)
{
	bctr_add(bctr_get(b), dir, packets, bytes);
}

#endif /* XMIP6_BCTR_H */
