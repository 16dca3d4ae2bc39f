/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * parse.h - bounds-checked access to Ethernet and IPv6 headers, the walk
 * over IPv6 extension headers, and the address and header predicates the
 * programs branch on.
 *
 * Every helper takes a cursor (current position, end of data) and checks
 * the whole access once before it returns a pointer, so callers never
 * dereference an unchecked packet pointer. After any helper that moves
 * packet data (bpf_xdp_adjust_head/tail, bpf_skb_adjust_room, ...) callers
 * must build a new cursor: the verifier invalidates every packet pointer.
 */
#ifndef XMIP6_PARSE_H
#define XMIP6_PARSE_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct cursor {
	void *pos;
	void *end;
};

static __always_inline void cursor_init(struct cursor *c, void *data, void *data_end)
{
	c->pos = data;
	c->end = data_end;
}

/* Returns a pointer to the next @len bytes and advances, or NULL. */
static __always_inline void *cursor_pull(struct cursor *c, __u32 len)
{
	void *p = c->pos;

	if (p + len > c->end)
		return NULL;
	c->pos = p + len;
	return p;
}

static __always_inline struct ethhdr *pull_eth(struct cursor *c)
{
	return cursor_pull(c, sizeof(struct ethhdr));
}

/*
 * An IPv6 header whose version is 6 and whose payload fits in the frame.
 * Trailing bytes beyond the payload (link padding) are allowed.
 */
static __always_inline struct ipv6hdr *pull_ipv6(struct cursor *c)
{
	struct ipv6hdr *ip6 = cursor_pull(c, sizeof(struct ipv6hdr));

	if (!ip6 || ip6->version != 6)
		return NULL;
	if (c->pos + bpf_ntohs(ip6->payload_len) > c->end)
		return NULL;
	return ip6;
}

/*
 * The inner header of IPv6-in-IPv6 (RFC 2473 section 3), @c just behind
 * @outer. The inner packet is the outer payload: it must end within it,
 * not in the link padding or garbage behind it, or a truncated inner packet
 * would be completed from those bytes and forwarded.
 */
static __always_inline struct ipv6hdr *pull_ipv6_inner(struct cursor *c,
						       const struct ipv6hdr *outer)
{
	struct ipv6hdr *inner = pull_ipv6(c);

	if (!inner ||
	    sizeof(*inner) + bpf_ntohs(inner->payload_len) > bpf_ntohs(outer->payload_len))
		return NULL;
	return inner;
}

/*
 * Extension headers that may stand between the IPv6 header and a Mobility
 * Header. RFC 8200 section 4.1 orders them Hop-by-Hop, Destination Options,
 * Routing, (Fragment, AH, ESP), Destination Options, and RFC 6275 puts the
 * Home Address option in that last one (section 6.3) and the home address in
 * a type 2 Routing header (section 6.4): a Mobility Header packet needs four
 * at most. Bounding the walk also bounds the verifier's work.
 */
#define IPV6_EXT_MAX 4

/*
 * Can @nh be skipped as the @i-th extension header (from 0) on the way to an
 * upper-layer header? Hop-by-Hop only comes first (RFC 8200 section 4.3);
 * Fragment, AH, ESP and anything else end the walk: a fragment's Mobility
 * Header is the stack's to reassemble, and ESP hides it.
 */
static __always_inline bool ipv6_ext_skippable(__u8 nh, int i)
{
	return nh == IPPROTO_DSTOPTS || nh == IPPROTO_ROUTING || (nh == IPPROTO_HOPOPTS && !i);
}

/*
 * Walks the extension headers of @ip6 from @c (just behind the IPv6 header)
 * and returns the type of the first header it does not skip, with @c on it:
 * the upper-layer protocol, or the extension header that ended the walk (a
 * Fragment header, a fifth extension header, a Routing header in transit).
 * Returns -1 when an extension header runs past the IPv6 payload, which
 * ends at the payload length, not at the frame (link padding is no header).
 *
 * A Routing header with Segments Left > 0 names another node as the final
 * destination (RFC 8200 section 4.4), so the walk stops there, except for
 * type 2, whose only address is one of our own home addresses (RFC 6275
 * section 6.4).
 */
static __always_inline int ipv6_skip_ext(struct cursor *c, const struct ipv6hdr *ip6)
{
	__u32 left = bpf_ntohs(ip6->payload_len);
	__u8 nh = ip6->nexthdr;
	int i;

#pragma unroll
	for (i = 0; i < IPV6_EXT_MAX; i++) {
		struct ipv6_rt_hdr *h; /* the first two bytes are alike in all three */
		__u32 len;

		if (!ipv6_ext_skippable(nh, i))
			return nh;
		/* Every extension header is a multiple of 8 bytes, 8 at least. */
		if (left < 8)
			return -1;
		h = c->pos;
		if ((void *)h + 8 > c->end) /* cannot happen: the payload is in the frame */
			return -1;
		if (nh == IPPROTO_ROUTING && h->segments_left && h->type != 2)
			return nh;
		len = ((__u32)h->hdrlen + 1) * 8;
		if (len > left)
			return -1;
		left -= len;
		nh = h->nexthdr;
		c->pos += len;
	}
	return nh;
}

static __always_inline bool addr_equal(const struct in6_addr *a, const struct in6_addr *b)
{
	return ((a->in6_u.u6_addr32[0] ^ b->in6_u.u6_addr32[0]) |
		(a->in6_u.u6_addr32[1] ^ b->in6_u.u6_addr32[1]) |
		(a->in6_u.u6_addr32[2] ^ b->in6_u.u6_addr32[2]) |
		(a->in6_u.u6_addr32[3] ^ b->in6_u.u6_addr32[3])) == 0;
}

/*
 * Only global-scope unicast destinations can be home addresses (RFC 6275
 * section 10.3.1 rejects link-local and multicast ones); skipping the rest
 * keeps ND, MLD and link-local traffic off the binding lookup.
 */
static __always_inline bool addr_is_global_unicast(const struct in6_addr *a)
{
	__u8 b0 = a->in6_u.u6_addr8[0];
	__u8 b1 = a->in6_u.u6_addr8[1];

	if (b0 == 0xff) /* ff00::/8 multicast */
		return false;
	if (b0 == 0xfe && (b1 & 0xc0) == 0x80) /* fe80::/10 link-local */
		return false;
	if ((a->in6_u.u6_addr32[0] | a->in6_u.u6_addr32[1] | a->in6_u.u6_addr32[2]) == 0)
		return false; /* ::/96: unspecified, loopback, v4-compatible */
	return true;
}

/* First 32 bits of an IPv6 header: version(4) traffic class(8) flow label(20). */
static __always_inline __u32 ipv6_word0(const struct ipv6hdr *ip6)
{
	return bpf_ntohl(*(const __be32 *)ip6);
}

static __always_inline __u8 ipv6_tclass(const struct ipv6hdr *ip6)
{
	return (ipv6_word0(ip6) >> 20) & 0xff;
}

/*
 * Neighbor Discovery (ICMPv6 133-137 with hop limit 255, RFC 4861) is
 * link-scoped: never tunnelled, never rewritten. @c is behind the IPv6
 * header.
 */
static __always_inline bool ipv6_is_nd(struct cursor c, const struct ipv6hdr *ip6)
{
	__u8 *type;

	if (ip6->nexthdr != IPPROTO_ICMPV6 || ip6->hop_limit != 255)
		return false;
	type = cursor_pull(&c, 1);
	return type && *type >= 133 && *type <= 137;
}

/*
 * TC: writes the @len octets at @from behind the Ethernet header of @skb,
 * straight into the packet when its linear part holds them (always, just
 * after bpf_skb_adjust_room() made room there), else through
 * bpf_skb_store_bytes(): a helper call less per rewritten packet. A macro:
 * the copy needs its constant size. 0 or the helper's error.
 */
#define tc_store_l3(skb, from, len)                                                                \
	({                                                                                         \
		void *data_ = (void *)(long)(skb)->data;                                           \
		void *to_ = data_ + sizeof(struct ethhdr);                                         \
		long rc_ = 0;                                                                      \
                                                                                                   \
		if (to_ + (len) <= (void *)(long)(skb)->data_end)                                  \
			__builtin_memcpy(to_, (from), (len));                                      \
		else                                                                               \
			rc_ = bpf_skb_store_bytes((skb), sizeof(struct ethhdr), (from), (len), 0); \
		rc_;                                                                               \
	})

#endif /* XMIP6_PARSE_H */
