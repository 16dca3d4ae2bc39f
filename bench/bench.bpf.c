// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench.bpf.c - helper programs for `make bench` (bench/bench.sh). Not part
 * of the xmip6 data plane.
 *
 *   xdp_wrap           per-packet cost: a non-live BPF_PROG_TEST_RUN with
 *                      repeat reuses one buffer, so a program that rewrites
 *                      the frame would see its own output from the second
 *                      iteration on. The wrapper puts the frame back (length
 *                      and bytes, from cfg.tmpl), writes the home address of
 *                      binding i (i = iteration mod cfg.spread_n) and tail
 *                      calls the program under test (jmp_xdp[0]): xmip6's,
 *                      or xdp_nop for the wrapper's own cost. (TC cannot be
 *                      wrapped so: see xmbench.c tc_interleaved().)
 *   xdp_nop, tc_nop    the baselines.
 *   xdp_fib            bpf_fib_lookup() alone, as xdp_ha does it for the CoA.
 *   xdp_gen            live-frame traffic generator: restores the Ethernet,
 *                      IPv6 and UDP headers of every frame (pages are
 *                      recycled after the receiver rewrote them), writes
 *                      the next of cfg.spread_n home addresses (and the UDP
 *                      checksum for it) and redirects to cfg.ifindex.
 *   xdp_count          sink: counts and drops; on a DUT's ingress, the drop
 *                      floor of the live section.
 *   xdp_redirect       the "no work" forwarder: new MACs, redirect.
 *   xdp_lookup         one lookup of the packet's destination in xmip6's own
 *                      "bindings" map (xmbench.c hands its fd over): what
 *                      the hash map alone costs per packet, at 1 binding
 *                      and at 1,000,000.
 *   xdp_touch          one read of a 128-octet entry of an array as large
 *                      as N bindings, picked by the destination (the
 *                      wrapper's spread): one cache line from anywhere in
 *                      that memory, what any table of N entries costs at
 *                      least per packet.
 *   xdp_naive_encap    the reference encapsulation: IPv6-in-IPv6 with a
 *                      fixed outer header, fixed MACs and output device; no
 *                      lookup of any kind (what xdp_ha's encap path would
 *                      cost with nothing to look up).
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <linux/if_ether.h>
#include <linux/ipv6.h>

#include "bench.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct bench_cfg cfg;
__u64 iter;

/* The program under test (xdp_wrap's tail call). */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} jmp_xdp SEC(".maps");

/* [0] packets, [1] octets (xdp_count), [0] successes (xdp_fib, xdp_lookup, xdp_touch). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} count SEC(".maps");

/* xmip6's "bindings" (bpf/maps.h), reused by fd before load: a key of 16
 * octets, the 64-octet forwarding half. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__uint(key_size, 16);
	__uint(value_size, 64);
} bindings SEC(".maps");

/* xdp_touch's table: max_entries set to N by xmbench.c. */
struct touch_entry {
	__u64 w[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct touch_entry);
} touch SEC(".maps");

/*
 * The low 64 bits of home address @i: splitmix64, so that the addresses look
 * random to the map (xmbench.c has the same function).
 */
static __always_inline __u64 hoa_low(__u32 seed, __u64 i)
{
	__u64 z = i + (__u64)seed * 0x9e3779b97f4a7c15ULL + 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Next home address index; @n >= 1. A plain counter: one CPU runs a test. */
static __always_inline __u64 next_index(__u32 n)
{
	__u64 i = iter++;

	return i % n;
}

/* Ones' complement sum of the four 16-bit words of @v (network order). */
static __always_inline __u32 csum_words(__u64 v)
{
	return (v >> 48) + ((v >> 32) & 0xffff) + ((v >> 16) & 0xffff) + (v & 0xffff);
}

static __always_inline __u16 csum_fold(__u32 s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return s;
}

SEC("xdp")
int xdp_wrap(struct xdp_md *ctx)
{
	__u32 len = cfg.len, off = cfg.spread_off;
	int cur = ctx->data_end - ctx->data;
	__u64 low;

	if (len < 14 || len > TMPL_MAX)
		return XDP_ABORTED;
	if (cur != (int)len && bpf_xdp_adjust_head(ctx, cur - (int)len))
		return XDP_ABORTED;
	if (bpf_xdp_store_bytes(ctx, 0, cfg.tmpl, len))
		return XDP_ABORTED;
	if (cfg.spread_n > 1 && off <= TMPL_MAX - 16) {
		low = bpf_cpu_to_be64(hoa_low(cfg.seed, next_index(cfg.spread_n)));
		if (bpf_xdp_store_bytes(ctx, off + 8, &low, sizeof(low)))
			return XDP_ABORTED;
	}
	bpf_tail_call(ctx, &jmp_xdp, 0);
	return XDP_ABORTED;
}

SEC("xdp")
int xdp_nop(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("tc")
int tc_nop(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}

SEC("xdp")
int xdp_gen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 off = cfg.spread_off, coff = cfg.csum_off;
	__u64 low;
	__u32 sum;
	__u16 *ck;

	/* Every frame: the page may hold what the receiver made of it. */
	if (data + 64 > data_end)
		return XDP_ABORTED;
	if (cfg.len < 64 || cfg.len > TMPL_MAX || data + cfg.len > data_end)
		return XDP_ABORTED;
	if (bpf_xdp_store_bytes(ctx, 0, cfg.tmpl, cfg.len))
		return XDP_ABORTED;
	/* Every frame, one home address or many: the same work in every case. */
	if (cfg.spread_n >= 1 && off <= TMPL_MAX - 16 && coff <= TMPL_MAX - 2) {
		low = hoa_low(cfg.seed, next_index(cfg.spread_n));
		/* The template's checksum covers a zero low half: add it in. */
		data = (void *)(long)ctx->data;
		data_end = (void *)(long)ctx->data_end;
		ck = data + coff;
		if ((void *)(ck + 1) > data_end)
			return XDP_ABORTED;
		sum = (__u16)~bpf_ntohs(*ck) + csum_words(low);
		*ck = bpf_htons(~csum_fold(sum) ?: 0xffff);
		low = bpf_cpu_to_be64(low);
		if (bpf_xdp_store_bytes(ctx, off + 8, &low, sizeof(low)))
			return XDP_ABORTED;
	}
	return bpf_redirect(cfg.ifindex, 0);
}

/* A reference program's success, counted in count[0]: XDP_PASS. */
static __always_inline int count_success(void)
{
	__u32 key = 0;
	__u64 *c = bpf_map_lookup_elem(&count, &key);

	if (c)
		(*c)++;
	return XDP_PASS;
}

/* One bpf_fib_lookup() as xdp_ha's encapsulation does it, counted when it succeeds. */
SEC("xdp")
int xdp_fib(struct xdp_md *ctx)
{
	struct bpf_fib_lookup fib = {};

	fib.family = 10; /* AF_INET6 */
	fib.l4_protocol = 41;
	fib.tot_len = cfg.len + 40 - 14;
	fib.ifindex = ctx->ingress_ifindex;
	__builtin_memcpy(fib.ipv6_src, cfg.fib_src, sizeof(fib.ipv6_src));
	__builtin_memcpy(fib.ipv6_dst, cfg.fib_dst, sizeof(fib.ipv6_dst));
	if (bpf_fib_lookup(ctx, &fib, sizeof(fib), 0) != BPF_FIB_LKUP_RET_SUCCESS)
		return XDP_DROP;
	return count_success();
}

/* The frame's IPv6 header, NULL when the frame is too short. */
static __always_inline struct ipv6hdr *frame_ipv6(struct xdp_md *ctx)
{
	struct ipv6hdr *ip6 = (void *)(long)ctx->data + ETH_HLEN;

	return (void *)(ip6 + 1) > (void *)(long)ctx->data_end ? NULL : ip6;
}

/* One "bindings" lookup of the destination, counted when it hits. */
SEC("xdp")
int xdp_lookup(struct xdp_md *ctx)
{
	struct ipv6hdr *ip6 = frame_ipv6(ctx);

	if (!ip6 || !bpf_map_lookup_elem(&bindings, &ip6->daddr))
		return XDP_DROP;
	return count_success();
}

/* One entry of "touch", the one the destination's last word picks, read. */
SEC("xdp")
int xdp_touch(struct xdp_md *ctx)
{
	struct ipv6hdr *ip6 = frame_ipv6(ctx);
	struct touch_entry *e;
	__u32 i;

	if (!ip6 || !cfg.spread_n)
		return XDP_DROP;
	i = bpf_ntohl(ip6->daddr.in6_u.u6_addr32[3]) % cfg.spread_n;
	e = bpf_map_lookup_elem(&touch, &i);
	if (!e || e->w[0] == 1) /* never 1: a read the compiler must keep */
		return XDP_DROP;
	return count_success();
}

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *c = bpf_map_lookup_elem(&count, &key);

	if (c)
		(*c)++;
	key = 1;
	c = bpf_map_lookup_elem(&count, &key);
	if (c)
		*c += ctx->data_end - ctx->data;
	return XDP_DROP;
}

SEC("xdp")
int xdp_redirect(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u8 *eth = data;

	if (data + ETH_HLEN > data_end)
		return XDP_DROP;
	__builtin_memcpy(eth, cfg.dmac, ETH_ALEN);
	__builtin_memcpy(eth + ETH_ALEN, cfg.smac, ETH_ALEN);
	return bpf_redirect(cfg.ifindex, 0);
}

/*
 * The least an XDP IPv6-in-IPv6 encapsulation can do (RFC 2473): room for
 * the outer header, Ethernet and outer IPv6 header from constants, the
 * inner hop limit decremented (as xdp_ha does), redirect. No map, no FIB.
 */
SEC("xdp")
int xdp_naive_encap(struct xdp_md *ctx)
{
	struct ipv6hdr *outer, *inner;
	struct ethhdr *eth;
	void *data, *data_end;

	if (bpf_xdp_adjust_head(ctx, -(int)sizeof(struct ipv6hdr)))
		return XDP_DROP;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	outer = (void *)(eth + 1);
	inner = outer + 1;
	if ((void *)(inner + 1) > data_end)
		return XDP_DROP;
	__builtin_memcpy(eth->h_dest, cfg.dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, cfg.smac, ETH_ALEN);
	eth->h_proto = bpf_htons(ETH_P_IPV6);
	*(__be32 *)outer = bpf_htonl(0x60000000);
	outer->payload_len = bpf_htons(sizeof(*inner) + bpf_ntohs(inner->payload_len));
	outer->nexthdr = 41; /* IPPROTO_IPV6 */
	outer->hop_limit = 64;
	__builtin_memcpy(&outer->saddr, cfg.outer_src, sizeof(outer->saddr));
	__builtin_memcpy(&outer->daddr, cfg.outer_dst, sizeof(outer->daddr));
	inner->hop_limit--;
	return bpf_redirect(cfg.ifindex, 0);
}
