/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ratelimit.h - token buckets for what the data plane sends or hands up at
 * a bounded rate: ICMPv6 errors and the HA's signalling for unlisted home
 * addresses. Per CPU: no lock, each CPU gets the rate. The map is private
 * to the programs (not pinned): a reload starts with empty buckets.
 */
#ifndef XMIP6_RATELIMIT_H
#define XMIP6_RATELIMIT_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct token_bucket {
	__u64 last_ns;
	__u64 tokens;
};

enum bucket_id {
	BUCKET_ICMP_ERROR,   /* ICMPv6 errors we send (RFC 4443 section 2.4 (f)) */
	BUCKET_SIG_UNLISTED, /* HA: signalling for unlisted home addresses */
	BUCKET_COUNT,
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BUCKET_COUNT);
	__type(key, __u32);
	__type(value, struct token_bucket);
} buckets SEC(".maps");

/* One token from bucket @id, refilled at @pps up to @burst; false when empty. */
static __always_inline bool bucket_take(__u32 id, __u32 pps, __u32 burst)
{
	struct token_bucket *tb;
	__u64 now, elapsed;

	tb = bpf_map_lookup_elem(&buckets, &id);
	if (!tb)
		return false;
	now = bpf_ktime_get_coarse_ns();
	elapsed = now - tb->last_ns;
	if (elapsed > 1000000000ULL)
		elapsed = 1000000000ULL; /* caps the product below */
	tb->tokens += elapsed * pps / 1000000000ULL;
	if (tb->tokens > burst)
		tb->tokens = burst;
	/* Advance the clock only by what was turned into tokens. */
	if (elapsed * pps >= 1000000000ULL || !tb->last_ns)
		tb->last_ns = now;
	if (!tb->tokens)
		return false;
	tb->tokens--;
	return true;
}

#endif /* XMIP6_RATELIMIT_H */
