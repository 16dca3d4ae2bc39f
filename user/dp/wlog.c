// SPDX-License-Identifier: GPL-2.0
/*
 * wlog.c - when this process last wrote each binding (dataplane.h,
 * dp_wlog_note()): what tells the home agent whether the binding the XDP
 * program put in a signal record (headers/xmip6.h, struct
 * xmip6_signal_snap) can stand for the map's.
 *
 * A record's binding was read at at_ns; a write whose effect it missed
 * ended after at_ns, and is noted after it ended: a slot noted at or after
 * at_ns means "look it up again". Home addresses share slots (a hash of
 * DP_WLOG_SLOTS): a neighbour's write costs a lookup, never a stale answer.
 * A flush of every binding is noted once, for all. The notes are atomic
 * (the event loop and the registration workers write bindings); a write by
 * another process (xmip6ctl -p) is not noted, as it was never seen by a
 * lookup made just before it either.
 */
#include <string.h>
#include <time.h>

#include "dp/dataplane.h"

#define DP_WLOG_SLOTS (1u << 16)

static __u64 noted[DP_WLOG_SLOTS];
static __u64 noted_all;

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static __u32 slot_of(const struct in6_addr *hoa)
{
	__u32 w[4];

	memcpy(w, hoa, sizeof(w));
	return ((w[0] ^ w[1] ^ w[2] ^ w[3]) * 2654435761U) >> 16;
}

static void note_max(__u64 *at, __u64 t)
{
	__u64 cur = __atomic_load_n(at, __ATOMIC_RELAXED);

	while (cur < t &&
	       !__atomic_compare_exchange_n(at, &cur, t, true, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		;
}

void dp_wlog_note(const struct in6_addr *hoa)
{
	note_max(&noted[slot_of(hoa)], mono_ns());
}

void dp_wlog_note_all(void)
{
	note_max(&noted_all, mono_ns());
}

bool dp_wlog_unchanged_since(const struct in6_addr *hoa, __u64 at_ns)
{
	return __atomic_load_n(&noted[slot_of(hoa)], __ATOMIC_ACQUIRE) < at_ns &&
	       __atomic_load_n(&noted_all, __ATOMIC_ACQUIRE) < at_ns;
}
