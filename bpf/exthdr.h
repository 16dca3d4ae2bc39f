/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * exthdr.h - the two extension headers of route optimisation (RFC 6275
 * sections 6.3 and 6.4): a bounded walk that finds them, and their insertion
 * (TC) and removal (XDP) right behind the IPv6 header.
 *
 * Both headers xmip6 builds are the usual 24-octet forms of headers/mip6.h:
 *
 *   struct mip6_dstopts_hao: Destination Options with Next Header, Hdr Ext
 *   Len 2, PadN with 2 octets of data (01 02 00 00), then the Home Address
 *   option (C9 10 + 16 octets), which starts on the 8n+6 alignment section
 *   6.3 asks for.
 *
 *   struct mip6_rt2_hdr: type 2 Routing with Next Header, Hdr Ext Len 2,
 *   Routing Type 2, Segments Left 1, Reserved (4), Home Address (16).
 */
#ifndef XMIP6_EXTHDR_H
#define XMIP6_EXTHDR_H

#include <linux/pkt_cls.h>

#include "mip6.h"
#include "parse.h"
#include "stats.h"

#define RO_EXT_LEN   24	    /* both headers above: payload length and MTU grow by this */
#define DOH_OPT_MAX  8	    /* options looked at in one Destination Options header */
#define EXT_OFF_MASK 0x3fff /* offsets below are within a 9000-octet frame */
/* The home address within a Home Address option, behind its Type and Length. */
#define HAO_ADDR_OFF __builtin_offsetof(struct mip6_opt_home_addr, home_addr)

_Static_assert(sizeof(struct mip6_dstopts_hao) == RO_EXT_LEN,
	       "DOH with PadN(2) and HAO is 24 octets");
_Static_assert(sizeof(struct mip6_rt2_hdr) == RO_EXT_LEN, "type 2 Routing header is 24 octets");

static __always_inline void dstopts_hao_fill(struct mip6_dstopts_hao *d, __u8 nexthdr,
					     const struct in6_addr *home_addr)
{
	d->nexthdr = nexthdr;
	d->hdrlen = 2; /* (24 / 8) - 1 */
	d->padn_type = MIP6_DSTOPT_PADN;
	d->padn_len = 2;
	d->padn_data[0] = 0;
	d->padn_data[1] = 0;
	d->hao.type = MIP6_OPT_HOME_ADDR;
	d->hao.len = MIP6_OPT_HOME_ADDR_LEN;
	d->hao.home_addr = *home_addr;
}

static __always_inline void rt2_fill(struct mip6_rt2_hdr *r, __u8 nexthdr,
				     const struct in6_addr *home_addr)
{
	r->nexthdr = nexthdr;
	r->hdrlen = MIP6_RT2_HDRLEN;
	r->type = MIP6_RT_TYPE2;
	r->segments_left = MIP6_RT2_SEGMENTS_LEFT; /* section 6.4: always 1 */
	r->reserved = 0;
	r->home_addr = *home_addr;
}

/*
 * The home address of the type 2 Routing header @rh, read as an in6_addr:
 * through the packed wire struct clang would copy it octet by octet.
 */
static __always_inline struct in6_addr rt2_home_addr(const struct mip6_rt2_hdr *rh)
{
	return *(const struct in6_addr *)((const void *)rh +
					  __builtin_offsetof(struct mip6_rt2_hdr, home_addr));
}

/* A Hop-by-Hop or Routing header would have to come before ours: not handled, left as is. */
static __always_inline bool ro_ext_in_the_way(const struct ipv6hdr *ip6)
{
	return ip6->nexthdr == IPPROTO_HOPOPTS || ip6->nexthdr == IPPROTO_ROUTING;
}

/* What the walk found, as offsets from the start of the frame (0: none). */
struct ext_info {
	__u32 doh_off;	/* the first Destination Options header */
	__u32 doh_len;	/* its length */
	__u32 hao_off;	/* the Home Address option in it (its type octet) */
	bool doh_first; /* that header directly follows the IPv6 header */
	bool doh_other; /* it holds options besides Pad1, PadN and the HAO */
	bool rh2;	/* a type 2 Routing header was met */
};

/*
 * Walks the extension headers of @ip6 from @c (behind the IPv6 header) as
 * ipv6_skip_ext() does, noting where the first Destination Options header
 * is and whether a type 2 Routing header is present. The walk ends at a
 * Routing header with Segments Left > 0 of another type: what follows is
 * for another node. Returns 0, or -1 when a header runs past the payload.
 * The options are looked at afterwards, by doh_scan(): one option loop
 * inside the header loop is more paths than the verifier will walk.
 */
static __always_inline int ext_scan(struct cursor c, const struct ipv6hdr *ip6, void *data,
				    struct ext_info *e)
{
	__u32 left = bpf_ntohs(ip6->payload_len);
	__u8 nh = ip6->nexthdr;
	int i;

	for (i = 0; i < IPV6_EXT_MAX; i++) {
		struct ipv6_rt_hdr *h;
		__u32 len;

		if (!ipv6_ext_skippable(nh, i))
			return 0;
		if (left < 8)
			return -1;
		h = c.pos;
		if ((void *)h + 8 > c.end)
			return -1;
		len = ((__u32)h->hdrlen + 1) * 8;
		if (len > left)
			return -1;
		if (nh == IPPROTO_ROUTING) {
			if (h->type == MIP6_RT_TYPE2) {
				e->rh2 = true;
				return 0;
			}
			if (h->segments_left)
				return 0;
		} else if (nh == IPPROTO_DSTOPTS && !e->doh_off) {
			e->doh_off = c.pos - data;
			e->doh_len = len;
			e->doh_first = !i;
		}
		left -= len;
		nh = h->nexthdr;
		c.pos += len;
	}
	return 0;
}

/*
 * Looks for a Home Address option in the Destination Options header that
 * ext_scan() found (its whole length is known to be in the frame). Returns
 * 0, or -1 when an option runs past the header or a HAO has a length other
 * than 16 (section 6.3) or comes twice: malformed. Options past the first
 * DOH_OPT_MAX are not looked at; the header is then kept (doh_other).
 */
static __always_inline int doh_scan(void *data, void *data_end, struct ext_info *e)
{
	__u32 len = e->doh_len & 0xfff, base = e->doh_off & EXT_OFF_MASK, off = 2;
	int j;

	for (j = 0; j < DOH_OPT_MAX; j++) {
		__u8 *opt = data + base + (off & 0x7ff);
		__u8 type;

		if (off >= len)
			return 0;
		if ((void *)(opt + 1) > data_end)
			return -1;
		type = opt[0];
		if (type == MIP6_DSTOPT_PAD1) {
			off++;
			continue;
		}
		if ((void *)(opt + 2) > data_end)
			return -1;
		off += 2 + (__u32)opt[1];
		if (off > len)
			return -1;
		if (type == MIP6_OPT_HOME_ADDR) {
			if (opt[1] != MIP6_OPT_HOME_ADDR_LEN || e->hao_off)
				return -1;
			e->hao_off = base + off - sizeof(struct mip6_opt_home_addr);
		} else if (type != MIP6_DSTOPT_PADN) {
			e->doh_other = true;
		}
	}
	if (off < len) /* more options than looked at: keep the header */
		e->doh_other = true;
	return 0;
}

/* What xdp_ext_find() returns. */
enum ext_find {
	EXT_FOUND = 0,	      /* the walk ended well: @e says what it found */
	EXT_BAD_CHAIN = -1,   /* ext_scan(): a header runs past the payload */
	EXT_BAD_OPTIONS = -2, /* doh_scan(): an option runs past its header, or a bad HAO */
};

/*
 * ext_scan(), then doh_scan() when it found a Destination Options header, on
 * the IPv6 packet behind the Ethernet header of @ctx (the XDP programs look
 * at untagged frames only). @e must come zeroed.
 *
 * A global function, verified once on its own for any packet: inlined, its
 * two loops multiplied the states of each program around it (xdp_cn
 * processed 618,656 instructions of the verifier's 1M, 1.3 s of CPU at
 * every load; xdp_ha 349,826). A global function's pointer argument may be
 * NULL for all the verifier knows, hence the check.
 */
__noinline int xdp_ext_find(struct xdp_md *ctx, struct ext_info *e)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6;
	struct cursor c;

	if (!e)
		return EXT_BAD_CHAIN;
	cursor_init(&c, data + sizeof(struct ethhdr), data_end);
	ip6 = pull_ipv6(&c);
	if (!ip6 || ext_scan(c, ip6, data, e))
		return EXT_BAD_CHAIN;
	if (e->doh_off && doh_scan(data, data_end, e))
		return EXT_BAD_OPTIONS;
	return EXT_FOUND;
}

/*
 * XDP: removes the extension header of @len octets that directly follows
 * the IPv6 header: the Ethernet and IPv6 headers move up by @len, the IPv6
 * Next Header becomes the removed header's and the payload length shrinks.
 * The upper-layer checksum stays: it was computed over the addresses the
 * IPv6 header now holds (RFC 6275 sections 6.3, 6.4; RFC 8200 section 8.1).
 */
static __always_inline int xdp_strip_first_ext(struct xdp_md *ctx, __u32 len)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct {
		struct ethhdr eth;
		struct ipv6hdr ip6;
	} __attribute__((packed)) hdrs, *p = data;
	__u8 *ext = (void *)(p + 1);

	if ((void *)(ext + 1) > data_end)
		return -1;
	hdrs = *p;
	hdrs.ip6.nexthdr = ext[0];
	hdrs.ip6.payload_len = bpf_htons(bpf_ntohs(hdrs.ip6.payload_len) - len);
	if (bpf_xdp_adjust_head(ctx, len))
		return -1;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	p = data;
	if ((void *)(p + 1) > data_end)
		return -1;
	*p = hdrs;
	return 0;
}

/*
 * TC: inserts the 24-octet extension header @ext (its Next Header already
 * the IPv6 header's) right after the IPv6 header @ip6 (a copy): Next Header
 * becomes @nh, the payload length grows by 24, and the addresses become
 * @src and @dst. BPF_ADJ_ROOM_NET makes room behind the base IPv6 header and
 * lowers a GSO packet's gso_size by 24, so its segments grow by as much and
 * still fit; the upper-layer header and its checksum (partial or not) stay
 * where and what they were. Returns 0 or -1.
 */
static __always_inline int tc_push_ext(struct __sk_buff *skb, struct ipv6hdr *ip6, const void *ext,
				       __u8 nh, const struct in6_addr *src,
				       const struct in6_addr *dst)
{
	struct {
		struct ipv6hdr ip6;
		__u8 ext[RO_EXT_LEN];
	} hdrs;

	hdrs.ip6 = *ip6;
	hdrs.ip6.nexthdr = nh;
	hdrs.ip6.payload_len = bpf_htons(bpf_ntohs(ip6->payload_len) + RO_EXT_LEN);
	hdrs.ip6.saddr = *src;
	hdrs.ip6.daddr = *dst;
	__builtin_memcpy(hdrs.ext, ext, RO_EXT_LEN);
	/* One store for both headers: each helper call has its fixed cost. */
	if (bpf_skb_adjust_room(skb, RO_EXT_LEN, BPF_ADJ_ROOM_NET, 0) ||
	    tc_store_l3(skb, &hdrs, sizeof(hdrs)))
		return -1;
	/* Accompanies the verdict: shows that GSO packets take this path. */
	if (skb->gso_size)
		STAT_INC(ro_gso);
	return 0;
}

#endif /* XMIP6_EXTHDR_H */
