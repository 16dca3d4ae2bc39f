/* SPDX-License-Identifier: GPL-2.0 */
/*
 * replay.h - the home agent's RFC 4285 replay state: the newest timestamp
 * accepted per home address and SPI, in a pinned map of its own beside the
 * data plane's. It outlives the binding (a deregistration or an operator's
 * binding del would otherwise let a captured BU rebuild it) and the daemon
 * (a restart finds it where it was). No BPF program reads it.
 */
#ifndef XMIP6_DP_REPLAY_H
#define XMIP6_DP_REPLAY_H

#include <netinet/in.h>
#include <linux/types.h>

#define DP_MAP_REPLAY_NAME    "ha_replay"
#define DP_REPLAY_MAX_ENTRIES 65536 /* at least; dp_replay_open() makes room for more */
#define DP_REPLAY_BATCH_MAX   64    /* dp_replay_set_batch()'s most at once */

/*
 * The pinned map at @pin_dir, created and pinned when absent, with room for
 * @min_entries (a pinned one with less is replaced by a larger copy): fd or
 * -errno. No element is allocated before it is written.
 */
int dp_replay_open(const char *pin_dir, __u32 min_entries);
/* The newest timestamp accepted for @hoa and @spi: 0 or -ENOENT. */
int dp_replay_get(int fd, const struct in6_addr *hoa, __u32 spi, __u64 *ts);
/* Record @ts as the newest. 0 or -errno (-E2BIG: full). */
int dp_replay_set(int fd, const struct in6_addr *hoa, __u32 spi, __u64 ts);
/*
 * dp_replay_set() of the @n with a timestamp (@ts[i] 0: none) at once (one
 * BPF_MAP_UPDATE_BATCH); what the batch could not write one by one. 0 or
 * the first -errno, each failure logged (rate-limited).
 */
int dp_replay_set_batch(int fd, const struct in6_addr *hoa, const __u32 *spi, const __u64 *ts,
			unsigned int n);
/* Unpin it (dp_unload). 0 when it was not there either. */
int dp_replay_unpin(const char *pin_dir);

#endif /* XMIP6_DP_REPLAY_H */
