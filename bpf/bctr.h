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

/* Sized like "bindings" (maps.h BINDING_MAP()); preallocated, so that
 * creating an entry from XDP or TC never allocates. */
BINDING_MAP(BPF_MAP_TYPE_PERCPU_HASH, struct xmip6_binding_ctr) binding_ctr SEC(".maps");

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
 * This CPU's counters of the binding of @hoa, created at 0 on its first
 * packet (BPF_NOEXIST: another CPU may have created it meanwhile, which is
 * as good). NULL when the counters are off (cfg_binding_counters), and,
 * counted, when the map is full: "binding_ctr" has room
 * for every binding, so only entries user space failed to delete fill it.
 */
static __always_inline struct xmip6_binding_ctr *bctr_get(const struct in6_addr *hoa)
{
	struct xmip6_binding_ctr zero = {}, *c;

	if (!cfg_binding_counters)
		return NULL;
	c = bpf_map_lookup_elem(&binding_ctr, hoa);
	if (c)
		return c;
	bpf_map_update_elem(&binding_ctr, hoa, &zero, BPF_NOEXIST);
	c = bpf_map_lookup_elem(&binding_ctr, hoa);
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

/* The two together, for a path that still has the home address at hand. */
static __always_inline void bctr_count(const struct in6_addr *hoa, enum bctr_dir dir, __u32 packets,
				       __u32 bytes)
{
	bctr_add(bctr_get(hoa), dir, packets, bytes);
}

#endif /* XMIP6_BCTR_H */
