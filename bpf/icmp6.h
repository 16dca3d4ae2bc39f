/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * icmp6.h - ICMPv6 Packet Too Big built in place and sent, rate-limited
 * (RFC 4443 section 2.4 (f)), from XDP back to the sender and from TC back
 * into the local stack.
 *
 * The error quotes as much of the invoking packet as fits in the IPv6
 * minimum MTU (RFC 4443 section 2.4 (c)): 1280 - 40 - 8 = 1232 bytes. A
 * packet that needs a PTB is always larger than that (the tunnel MTU is at
 * least 1280 - 40), so the frame is always trimmed to a fixed size and the
 * checksum runs over a fixed length, which keeps the verifier simple.
 */
#ifndef XMIP6_ICMP6_H
#define XMIP6_ICMP6_H

#include <linux/icmpv6.h>
#include <linux/pkt_cls.h>

#include "xmip6.h"
#include "maps.h"
#include "parse.h"
#include "ratelimit.h"
#include "stats.h"

#define PTB_HDRS_LEN  (sizeof(struct ipv6hdr) + sizeof(struct icmp6hdr))
#define PTB_QUOTE_LEN (XMIP6_IPV6_MIN_MTU - PTB_HDRS_LEN)
#define PTB_ICMP_LEN  (sizeof(struct icmp6hdr) + PTB_QUOTE_LEN)
#define PTB_FRAME_LEN (sizeof(struct ethhdr) + PTB_HDRS_LEN + PTB_QUOTE_LEN)
#define PTB_HOP_LIMIT 64

/* bpf_csum_diff() takes at most 512 bytes per call (struct bpf_scratchpad). */
#define CSUM_CHUNK 512

struct ipv6_pseudo_hdr {
	struct in6_addr saddr;
	struct in6_addr daddr;
	__be32 len;
	__be32 nexthdr;
};

static __always_inline __u16 csum_fold32(__u64 csum)
{
	csum = (csum & 0xffffffff) + (csum >> 32);
	csum = (csum & 0xffff) + (csum >> 16);
	csum = (csum & 0xffff) + (csum >> 16);
	return (__u16)~csum;
}

/*
 * Turns a frame of exactly PTB_FRAME_LEN bytes, laid out as
 * [Ethernet][48 bytes of room][first 1232 bytes of the invoking packet],
 * into an ICMPv6 Packet Too Big from @src to the invoking packet's source,
 * addressed back to the Ethernet source it came from. Returns 0 or -1.
 */
static __always_inline int ptb_build(void *data, void *data_end, const struct in6_addr *src,
				     __u32 mtu)
{
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	struct icmp6hdr *icmp = (void *)(ip6 + 1);
	struct ipv6hdr *quoted = (void *)(icmp + 1);
	struct ipv6_pseudo_hdr ph = {};
	unsigned char mac[ETH_ALEN];
	__s64 csum;

	if (data + PTB_FRAME_LEN > data_end)
		return -1;

	__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, ETH_ALEN);
	eth->h_proto = bpf_htons(ETH_P_IPV6);

	*(__be32 *)ip6 = bpf_htonl(6U << 28);
	ip6->payload_len = bpf_htons(PTB_ICMP_LEN);
	ip6->nexthdr = IPPROTO_ICMPV6;
	ip6->hop_limit = PTB_HOP_LIMIT;
	ip6->saddr = *src;
	ip6->daddr = quoted->saddr;

	icmp->icmp6_type = ICMPV6_PKT_TOOBIG;
	icmp->icmp6_code = 0;
	icmp->icmp6_cksum = 0;
	icmp->icmp6_mtu = bpf_htonl(mtu);

	ph.saddr = ip6->saddr;
	ph.daddr = ip6->daddr;
	ph.len = bpf_htonl(PTB_ICMP_LEN);
	ph.nexthdr = bpf_htonl(IPPROTO_ICMPV6);
	csum = bpf_csum_diff(NULL, 0, (__be32 *)&ph, sizeof(ph), 0);
	csum = bpf_csum_diff(NULL, 0, (void *)icmp, CSUM_CHUNK, csum);
	csum = bpf_csum_diff(NULL, 0, (void *)icmp + CSUM_CHUNK, CSUM_CHUNK, csum);
	csum = bpf_csum_diff(NULL, 0, (void *)icmp + 2 * CSUM_CHUNK, PTB_ICMP_LEN - 2 * CSUM_CHUNK,
			     csum);
	if (csum < 0)
		return -1;
	icmp->icmp6_cksum = csum_fold32(csum);
	return 0;
}

static __always_inline bool icmp_error_allowed(void)
{
	return bucket_take(BUCKET_ICMP_ERROR, icmp_ratelimit_pps, icmp_ratelimit_burst);
}

/*
 * XDP: answers a packet too big for the tunnel with ICMPv6 Packet Too Big
 * (RFC 2473 section 7.1, RFC 4443 section 3.2), sent back where it came from.
 */
static __always_inline int xdp_send_ptb(struct xdp_md *ctx, const struct in6_addr *src, __u32 mtu)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	int grow = PTB_HDRS_LEN;
	struct ethhdr eth;
	int delta;

	if (!icmp_error_allowed())
		return VERDICT(XDP_DROP, ptb_ratelimited);
	if (data + sizeof(eth) > data_end)
		return VERDICT(XDP_DROP, internal_error);
	eth = *(struct ethhdr *)data;
	delta = PTB_FRAME_LEN - (int)(data_end - data + grow);
	if (delta > 0) /* cannot happen: see the top of this file */
		return VERDICT(XDP_DROP, internal_error);
	if (bpf_xdp_adjust_head(ctx, -grow) || bpf_xdp_adjust_tail(ctx, delta))
		return VERDICT(XDP_DROP, internal_error);

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + sizeof(eth) > data_end)
		return VERDICT(XDP_DROP, internal_error);
	*(struct ethhdr *)data = eth;
	if (ptb_build(data, data_end, src, mtu))
		return VERDICT(XDP_DROP, internal_error);
	return VERDICT(XDP_TX, ha_ptb_sent);
}

/*
 * TC: too big for the tunnel (or for the extension header @dir adds), sent
 * by this host: loop an ICMPv6 Packet Too Big back into our own stack,
 * which lowers the path MTU for the socket.
 */
static __always_inline int tc_ptb_local(struct __sk_buff *skb, const struct in6_addr *src,
					__u32 mtu, enum tc_dir dir)
{
	void *data, *data_end;

	if (!icmp_error_allowed())
		return VERDICT(TC_ACT_SHOT, ptb_ratelimited);
	/* Trim first: that also ends GSO (skb_gso_reset), then make room. */
	if (bpf_skb_change_tail(skb, PTB_FRAME_LEN - PTB_HDRS_LEN, 0) ||
	    bpf_skb_adjust_room(skb, PTB_HDRS_LEN, BPF_ADJ_ROOM_MAC, 0) ||
	    bpf_skb_pull_data(skb, PTB_FRAME_LEN))
		return VERDICT(TC_ACT_SHOT, internal_error);
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	if (ptb_build(data, data_end, src, mtu))
		return VERDICT(TC_ACT_SHOT, internal_error);
	if (dir == TC_DIR_MN)
		STAT_INC(mn_ptb_local);
	else if (dir == TC_DIR_CN)
		STAT_INC(cn_ptb_local);
	else
		STAT_INC(ha_ptb_sent);
	return bpf_redirect(skb->ifindex, BPF_F_INGRESS);
}

#endif /* XMIP6_ICMP6_H */
