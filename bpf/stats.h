/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * stats.h - the per-CPU "stats" map and the macros that count into it.
 *
 * Every packet is counted by its verdict: an exit returns through
 * VERDICT(), or, when a helper's return value is the action (a redirect),
 * counts it with STAT_INC() just before. STAT_INC() also counts events that
 * accompany a verdict (a GSO packet extended, an expired binding met). The
 * counters are the named fields of struct xmip6_stats (headers/xmip6.h), so
 * `bpftool map dump` prints them by name.
 */
#ifndef XMIP6_STATS_H
#define XMIP6_STATS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xmip6.h"

/* Per CPU: a counter is a plain increment, no atomics; user space sums. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xmip6_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} stats SEC(".maps");

static __always_inline struct xmip6_stats *stats_get(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&stats, &key);
}

#define STAT_INC(field)                                \
	do {                                           \
		struct xmip6_stats *__s = stats_get(); \
		if (__s)                               \
			__s->field++;                  \
	} while (0)

/* Count a verdict and return it. */
#define VERDICT(action, field)   \
	({                       \
		STAT_INC(field); \
		(action);        \
	})

/*
 * Whose counters a TC path that grows packets bumps: the encapsulation,
 * Packet Too Big and extension-header code is shared by HA, MN and CN.
 */
enum tc_dir {
	TC_DIR_HA, /* ha_addr -> care_of_addr */
	TC_DIR_MN, /* care_of_addr -> ha_addr, or MN route optimisation */
	TC_DIR_CN, /* CN route optimisation: to the care-of address */
};

#endif /* XMIP6_STATS_H */
