// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xmip6.bpf.c - the Mobile IPv6 tunnel data plane (RFC 6275 sections
 * 10.4.2-10.4.5 and 11.3.1) in XDP and TC, for kernels without MIP6 or
 * ip6_tunnel support.
 *
 *   xdp_ha        home agent ingress: tunnel packets for registered home
 *                 addresses to their care-of address; decapsulate reverse-
 *                 tunnelled packets from the registered care-of address.
 *   tc_ha_egress  home agent egress: tunnel packets the HA itself sends (or
 *                 the stack forwards) to a registered home address.
 *   xdp_mn        mobile node ingress: decapsulate packets from its HA.
 *   tc_mn_egress  mobile node egress: reverse-tunnel packets sourced from
 *                 the home address to the HA while away from home, or, for
 *                 a route-optimised correspondent, send them from the CoA
 *                 with a Home Address option (RFC 6275 section 11.3.1).
 *   xdp_cn        correspondent node ingress: restore the home address of
 *                 packets with a Home Address option (section 9.3.1).
 *   tc_cn_egress  correspondent node egress: send packets to a bound home
 *                 address to its CoA with a type 2 Routing header (9.3.2).
 *
 * Both XDP programs also hand Mobility Header packets meant for this node to
 * the daemon through the "signal" ring buffer (see headers/xmip6.h), and
 * both TC programs let the daemon's own signalling (XMIP6_MARK_SIGNAL) out
 * untouched.
 *
 * Every verdict, pass-through included, is counted in the per-CPU "stats".
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include <linux/tcp.h>
#include <linux/udp.h>

#include "xmip6.h"
#include "parse.h"
#include "icmp6.h"
#include "ro.h"

#ifndef AF_INET6
#define AF_INET6 10
#endif

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Load-time configuration (set through the skeleton's rodata before load). */
const volatile __u8 tunnel_hop_limit = 64;
/* ICMPv6 errors per second and CPU (RFC 4443 section 2.4 (f)), and burst. */
const volatile __u32 icmp_ratelimit_pps = 1000;
const volatile __u32 icmp_ratelimit_burst = 100;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XMIP6_BINDINGS_DEFAULT);
	__type(key, struct in6_addr);
	__type(value, struct xmip6_binding);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} bindings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xmip6_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xmip6_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} config SEC(".maps");

/*
 * Mobility Header packets for the daemon, one struct xmip6_signal each. A
 * record has a fixed size: bpf_ringbuf_reserve() takes a constant only.
 */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, XMIP6_SIGNAL_RING_SIZE);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} signal SEC(".maps");

/* MN: route-optimised (home address, correspondent) pairs, written by the daemon. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XMIP6_RO_DEFAULT);
	__type(key, struct xmip6_ro_key);
	__type(value, struct xmip6_ro);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ro SEC(".maps");

/* MN: correspondents seen on the reverse tunnel, for the daemon's RO policy. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XMIP6_PEERS_DEFAULT);
	__type(key, struct xmip6_ro_key);
	__type(value, struct xmip6_peer);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} peers SEC(".maps");

/* HA: the mobile-nodes list's home addresses (headers/xmip6.h), written by the daemon. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XMIP6_ADMIT_DEFAULT);
	__type(key, struct in6_addr);
	__type(value, __u8);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} admit SEC(".maps");

struct token_bucket {
	__u64 last_ns;
	__u64 tokens;
};

/* Token buckets, per CPU: no lock, each CPU gets the rate. */
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

/* Count a verdict and return it: every exit of every program goes through here. */
#define VERDICT(action, field)   \
	({                       \
		STAT_INC(field); \
		(action);        \
	})

static __always_inline struct xmip6_config *config_get(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&config, &key);
}

static __always_inline struct xmip6_binding *binding_lookup(const struct in6_addr *home_addr)
{
	struct xmip6_binding *b = bpf_map_lookup_elem(&bindings, home_addr);

	/* An expired binding is no binding (RFC 6275 section 9.1), even if no
	 * daemon is around to delete it; the coarse clock costs a load. */
	if (b && b->expires_ns && bpf_ktime_get_coarse_ns() >= b->expires_ns) {
		STAT_INC(expired_binding);
		return NULL;
	}
	return b;
}

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

static __always_inline bool icmp_error_allowed(void)
{
	return bucket_take(BUCKET_ICMP_ERROR, icmp_ratelimit_pps, icmp_ratelimit_burst);
}

/* The tunnel path MTU learnt from Packet Too Big errors, 0 when unknown or aged out. */
static __always_inline __u32 tunnel_mtu_of(const struct xmip6_binding *b)
{
	if (!b->tunnel_mtu || bpf_ktime_get_coarse_ns() >= b->tunnel_mtu_expires_ns)
		return 0;
	return b->tunnel_mtu;
}

/* MTU to report to a sender whose packet grows by @grow on a path of @path_mtu. */
static __always_inline __u32 ptb_mtu_grow(__u32 path_mtu, __u32 grow)
{
	__u32 mtu = path_mtu - grow;

	/* Below 1320 the tunnel ought to fragment (RFC 2473 section 7.1);
	 * xmip6 does not, and never asks a sender for less than 1280 (RFC
	 * 8200 section 5: every link carries 1280). */
	return path_mtu < grow + XMIP6_IPV6_MIN_MTU ? XMIP6_IPV6_MIN_MTU : mtu;
}

/* MTU to report to a sender whose packet must fit in a tunnel over @path_mtu. */
static __always_inline __u32 ptb_mtu_for(__u32 path_mtu)
{
	return ptb_mtu_grow(path_mtu, XMIP6_TUNNEL_OVERHEAD);
}

/*
 * A Packet Too Big about one of our own tunnel packets: the quote starts
 * with the outer header we built and then the inner one, whose home address
 * names the binding. The kernel has no tunnel to tell (RFC 2473 section
 * 7.1), so the binding remembers the tunnel MTU for RFC 8201's lifetime and
 * the encapsulation paths answer later senders with Packet Too Big.
 * @c sits just behind @ip6; @ha selects which end of the tunnel we are.
 */
static __always_inline bool learn_tunnel_mtu(struct cursor c, const struct ipv6hdr *ip6, bool ha)
{
	const struct in6_addr *local, *remote;
	struct ipv6hdr *quoted_outer, *quoted_inner;
	struct xmip6_binding *b;
	struct icmp6hdr *icmp;
	__u32 mtu, known;

	/* The quote must hold both headers within the payload, not the frame. */
	if (ip6->nexthdr != IPPROTO_ICMPV6 ||
	    bpf_ntohs(ip6->payload_len) < sizeof(*icmp) + 2 * sizeof(struct ipv6hdr))
		return false;
	icmp = cursor_pull(&c, sizeof(*icmp));
	quoted_outer = cursor_pull(&c, sizeof(*quoted_outer));
	quoted_inner = cursor_pull(&c, sizeof(*quoted_inner));
	if (!icmp || !quoted_outer || !quoted_inner)
		return false;
	if (icmp->icmp6_type != ICMPV6_PKT_TOOBIG || icmp->icmp6_code != 0 ||
	    quoted_outer->nexthdr != IPPROTO_IPV6)
		return false;
	b = binding_lookup(ha ? &quoted_inner->daddr : &quoted_inner->saddr);
	if (!b)
		return false;
	local = ha ? &b->ha_addr : &b->care_of_addr;
	remote = ha ? &b->care_of_addr : &b->ha_addr;
	if (!addr_equal(&ip6->daddr, local) || !addr_equal(&quoted_outer->saddr, local) ||
	    !addr_equal(&quoted_outer->daddr, remote))
		return false;

	mtu = bpf_ntohl(icmp->icmp6_mtu);
	if (mtu < XMIP6_IPV6_MIN_MTU) /* RFC 8201 section 4 */
		mtu = XMIP6_IPV6_MIN_MTU;
	known = tunnel_mtu_of(b);
	if (known && mtu >= known) /* only ever lowered until it ages out */
		return true;
	b->tunnel_mtu = mtu;
	b->tunnel_mtu_expires_ns =
		bpf_ktime_get_coarse_ns() + XMIP6_TUNNEL_MTU_AGE_S * 1000000000ULL;
	return true;
}

/*
 * Mobility Header signalling (RFC 6275 section 6.1). Without kernel MIP6 the
 * stack answers a Home Address option or a type 2 Routing header with
 * Parameter Problem and has no Mobility Header handler at all, so XDP hands
 * every Mobility Header packet meant for this node to the daemon, which does
 * the receive checks of section 9.2 (checksum, Payload Proto, Header Len:
 * a truncated Mobility Header still goes up, for its Parameter Problem).
 */

/* Could a packet whose IPv6 Next Header is @nh carry a Mobility Header? */
static __always_inline bool may_carry_mh(__u8 nh)
{
	return nh == IPPROTO_MH || nh == IPPROTO_HOPOPTS || nh == IPPROTO_DSTOPTS ||
	       nh == IPPROTO_ROUTING;
}

/* 1 when @ip6's header chain from @c ends in a Mobility Header, 0 if not, -1 if truncated. */
static __always_inline int is_mh(struct cursor c, const struct ipv6hdr *ip6)
{
	int nh;

	if (!may_carry_mh(ip6->nexthdr))
		return 0;
	nh = ipv6_skip_ext(&c, ip6);
	if (nh < 0)
		return -1;
	return nh == IPPROTO_MH;
}

/*
 * Copies the IPv6 packet of @len bytes at @off of the frame into a "signal"
 * record for the daemon and drops the frame. Returns the counted verdict, or
 * -1 when no daemon reads the ring (XMIP6_CFG_F_SIGNAL clear): the caller
 * then passes the packet on as it would without signalling support.
 *
 * A packet that does not fit a record, or finds the ring full, is dropped:
 * the sender retransmits (RFC 6275 section 11.8), and a daemon that cannot
 * keep up gains nothing from a partial copy.
 */
enum sig_put {
	SIG_PUT_OK = 0,
	SIG_PUT_NO_DAEMON = -1,
	SIG_PUT_TOO_LONG = -2,
	SIG_PUT_RING_FULL = -3,
	SIG_PUT_ERROR = -4,
};

/* The copy into a "signal" record, uncounted: the callers count their verdict. */
static __always_inline int xdp_signal_put(struct xdp_md *ctx, __u32 off, __u32 len, __u16 flags)
{
	struct xmip6_config *cfg = config_get();
	struct xmip6_signal *rec;

	if (!cfg || !(cfg->flags & XMIP6_CFG_F_SIGNAL))
		return SIG_PUT_NO_DAEMON;
	/* Both bounds: the verifier refuses a copy it cannot prove non-empty
	 * and within the record. Clang 14 ringbuf copies need -mcpu=v3, which
	 * BPF_CFLAGS has (on 6.18 this shape happens to verify with v2 too). */
	if (len > XMIP6_SIGNAL_MAX_LEN)
		return SIG_PUT_TOO_LONG;
	if (len < sizeof(struct ipv6hdr))
		return SIG_PUT_ERROR;

	rec = bpf_ringbuf_reserve(&signal, sizeof(*rec), 0);
	if (!rec)
		return SIG_PUT_RING_FULL;
	rec->ifindex = ctx->ingress_ifindex;
	rec->len = len;
	rec->flags = flags;
	rec->rx_ns = bpf_ktime_get_coarse_ns();
	/* A copy of a run-time length needs a helper; this one also copes
	 * with frames in fragments, should the program ever take them. */
	if (bpf_xdp_load_bytes(ctx, off, rec->packet, len)) {
		bpf_ringbuf_discard(rec, 0);
		return SIG_PUT_ERROR;
	}
	bpf_ringbuf_submit(rec, 0);
	return SIG_PUT_OK;
}

static __always_inline int xdp_signal(struct xdp_md *ctx, __u32 off, __u32 len, __u16 flags)
{
	switch (xdp_signal_put(ctx, off, len, flags)) {
	case SIG_PUT_OK:
		return VERDICT(XDP_DROP, sig_to_daemon);
	case SIG_PUT_NO_DAEMON:
		return -1;
	case SIG_PUT_TOO_LONG:
		return VERDICT(XDP_DROP, sig_too_long);
	case SIG_PUT_RING_FULL:
		return VERDICT(XDP_DROP, sig_ring_full);
	}
	return VERDICT(XDP_DROP, internal_error);
}

/* The IPv6 packet behind the Ethernet header, as a signal record. */
static __always_inline int xdp_signal_outer(struct xdp_md *ctx, const struct ipv6hdr *ip6)
{
	__u32 len = sizeof(*ip6) + bpf_ntohs(ip6->payload_len);
	int verdict;

	verdict = xdp_signal(ctx, sizeof(struct ethhdr), len, 0);
	if (verdict < 0)
		return VERDICT(XDP_PASS, sig_no_daemon);
	return verdict;
}

/* ------------------------------------------------------------------ XDP */

/*
 * Looks up the route of an IPv6 packet of @tot_len octets (0: do not check
 * the MTU) and upper-layer @proto from @src to @dst, entering at @ifindex.
 * @ctx is the program's context, an xdp_md or an __sk_buff: the helper takes
 * either. Returns the BPF_FIB_LKUP_RET_* answer, with @fib filled in.
 */
static __always_inline int fib_lookup6(void *ctx, struct bpf_fib_lookup *fib, __u32 ifindex,
				       const struct in6_addr *src, const struct in6_addr *dst,
				       __u8 proto, __u16 tot_len)
{
	fib->family = AF_INET6;
	fib->l4_protocol = proto;
	fib->tot_len = tot_len;
	fib->ifindex = ifindex;
	__builtin_memcpy(fib->ipv6_src, src, sizeof(fib->ipv6_src));
	__builtin_memcpy(fib->ipv6_dst, dst, sizeof(fib->ipv6_dst));
	return bpf_fib_lookup(ctx, fib, sizeof(*fib), 0);
}

/* A route, with (SUCCESS) or without (NO_NEIGH) a resolved next hop? */
static __always_inline bool fib_has_route(int rc)
{
	return rc == BPF_FIB_LKUP_RET_SUCCESS || rc == BPF_FIB_LKUP_RET_NO_NEIGH;
}

/* The Ethernet addresses of the next hop bpf_fib_lookup() answered with. */
static __always_inline void fib_set_macs(struct ethhdr *eth, const struct bpf_fib_lookup *fib)
{
	__builtin_memcpy(eth->h_dest, fib->dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, fib->smac, ETH_ALEN);
}

/* XDP: sends the frame to the next hop of a BPF_FIB_LKUP_RET_SUCCESS answer. */
static __always_inline int xdp_forward(struct xdp_md *ctx, struct ethhdr *eth,
				       const struct bpf_fib_lookup *fib)
{
	fib_set_macs(eth, fib);
	if (fib->ifindex == ctx->ingress_ifindex)
		return XDP_TX;
	return bpf_redirect(fib->ifindex, 0);
}

/* Strips the outer IPv6 header of IPv6-in-IPv6, keeping the Ethernet header. */
static __always_inline int xdp_decap(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data, eth_copy;

	if (data + sizeof(*eth) > data_end)
		return -1;
	eth_copy = *eth;
	if (bpf_xdp_adjust_head(ctx, XMIP6_TUNNEL_OVERHEAD))
		return -1;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	if (data + sizeof(*eth) > data_end)
		return -1;
	*eth = eth_copy;
	return 0;
}

/*
 * Answers a packet too big for the tunnel with ICMPv6 Packet Too Big
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
	if (delta > 0) /* cannot happen: see icmp6.h */
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

/* HA: encapsulate a packet to @b's home address and send it to the CoA. */
static __always_inline int xdp_ha_encap(struct xdp_md *ctx, const struct xmip6_binding *b)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct bpf_fib_lookup fib = {};
	struct ethhdr *eth = data, eth_copy;
	struct ipv6hdr *inner = (void *)(eth + 1), *outer;
	__u32 label, mtu;
	__u16 inner_len;
	__u8 tclass;
	int rc;

	if ((void *)(inner + 1) > data_end)
		return VERDICT(XDP_DROP, internal_error);
	/* A router forwards no packet from a multicast, unspecified or loopback
	 * source, nor one from a link-local source off its link (RFC 4291
	 * sections 2.5.2, 2.5.3, 2.5.6, 2.7): the stack drops those or answers
	 * Destination Unreachable (beyond scope), and answers a neighbour's
	 * link-local unicast NUD probe for a home address itself. */
	if (!addr_is_global_unicast(&inner->saddr))
		return VERDICT(XDP_PASS, rx_bad_src);
	/* A router decrements the hop limit before the tunnel entry point
	 * (RFC 2473 section 3.1); at 1 the stack owes the sender Time Exceeded. */
	if (inner->hop_limit <= 1)
		return VERDICT(XDP_PASS, ha_hop_limit);
	inner_len = sizeof(*inner) + bpf_ntohs(inner->payload_len);

	rc = fib_lookup6(ctx, &fib, ctx->ingress_ifindex, &b->ha_addr, &b->care_of_addr,
			 IPPROTO_IPV6, inner_len + XMIP6_TUNNEL_OVERHEAD);
	if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED)
		return xdp_send_ptb(ctx, &b->ha_addr, ptb_mtu_for(fib.mtu_result));
	if (!fib_has_route(rc))
		return VERDICT(XDP_DROP, ha_no_route);
	mtu = tunnel_mtu_of(b);
	if (mtu && inner_len + XMIP6_TUNNEL_OVERHEAD > mtu)
		return xdp_send_ptb(ctx, &b->ha_addr, ptb_mtu_for(mtu));

	inner->hop_limit--;
	tclass = ipv6_tclass(inner);
	label = tunnel_flow_label(inner, data_end);
	eth_copy = *eth;

	if (bpf_xdp_adjust_head(ctx, -XMIP6_TUNNEL_OVERHEAD))
		return VERDICT(XDP_DROP, internal_error);
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	outer = (void *)(eth + 1);
	if ((void *)(outer + 1) > data_end)
		return VERDICT(XDP_DROP, internal_error);
	*eth = eth_copy;
	tunnel_fill_outer(outer, tclass, label, inner_len, tunnel_hop_limit, &b->ha_addr,
			  &b->care_of_addr);

	/* No neighbour entry yet: the stack forwards the tunnelled packet and
	 * resolves the next hop, so the first packets are not lost. */
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH)
		return VERDICT(XDP_PASS, ha_encap_stack);
	return VERDICT(xdp_forward(ctx, eth, &fib), ha_encap_fwd);
}

/* HA: forward a packet just taken out of the reverse tunnel. */
static __always_inline int xdp_ha_forward_decapped(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct bpf_fib_lookup fib = {};
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	int rc;

	if ((void *)(ip6 + 1) > data_end)
		return VERDICT(XDP_DROP, internal_error);
	if (ip6->hop_limit <= 1)
		return VERDICT(XDP_PASS, ha_decap_stack);

	rc = fib_lookup6(ctx, &fib, ctx->ingress_ifindex, &ip6->saddr, &ip6->daddr, ip6->nexthdr,
			 sizeof(*ip6) + bpf_ntohs(ip6->payload_len));
	/* Anything but a plain forward (local destination, no neighbour,
	 * too big, unreachable) is the stack's job, ICMPv6 errors included;
	 * its errors to the home address come back through tc_ha_egress. */
	if (rc != BPF_FIB_LKUP_RET_SUCCESS)
		return VERDICT(XDP_PASS, ha_decap_stack);

	ip6->hop_limit--;
	return VERDICT(xdp_forward(ctx, eth, &fib), ha_decap_fwd);
}

/*
 * HA: IPv6-in-IPv6 whose inner source is a home address. Accepted only from
 * the registered care-of address to our tunnel endpoint (RFC 6275 section
 * 10.4.5): anything else could be anyone spoofing the home address.
 */
/*
 * Someone else's tunnel packet: a packet like any other. To a home address
 * it is tunnelled on (RFC 2473 section 4 nests tunnels); else not ours.
 */
static __always_inline int xdp_ha_other_tunnel(struct xdp_md *ctx, const struct ipv6hdr *outer)
{
	struct xmip6_binding *b = binding_lookup(&outer->daddr);

	if (!b)
		return VERDICT(XDP_PASS, rx_no_binding);
	return xdp_ha_encap(ctx, b);
}

static __always_inline int xdp_ha_reverse(struct xdp_md *ctx, struct ipv6hdr *outer,
					  struct cursor *c)
{
	struct xmip6_binding *b;
	struct xmip6_config *cfg;
	struct ipv6hdr *inner;

	inner = pull_ipv6_inner(c, outer);
	if (!inner)
		return VERDICT(XDP_DROP, rx_malformed);
	b = binding_lookup(&inner->saddr);
	if (!b) {
		cfg = config_get();
		if (cfg && addr_equal(&outer->daddr, &cfg->ha_addr))
			return VERDICT(XDP_DROP, ha_tunnel_no_binding);
		return xdp_ha_other_tunnel(ctx, outer);
	}
	if (!addr_equal(&outer->daddr, &b->ha_addr))
		return xdp_ha_other_tunnel(ctx, outer);
	if (!addr_equal(&outer->saddr, &b->care_of_addr))
		return VERDICT(XDP_DROP, ha_spoofed_coa);

	if (xdp_decap(ctx))
		return VERDICT(XDP_DROP, internal_error);
	return xdp_ha_forward_decapped(ctx);
}

/*
 * The Ethernet + IPv6 prologue of the XDP programs. Returns -1 with @eth and
 * @ip6 set and @c behind the IPv6 header, or the (counted) verdict for a
 * frame that is not ours to look at.
 */
static __always_inline int xdp_pull_ipv6(struct xdp_md *ctx, struct cursor *c, struct ethhdr **eth,
					 struct ipv6hdr **ip6)
{
	cursor_init(c, (void *)(long)ctx->data, (void *)(long)ctx->data_end);
	*eth = pull_eth(c);
	if (!*eth)
		return VERDICT(XDP_DROP, rx_malformed);
	if ((*eth)->h_proto != bpf_htons(ETH_P_IPV6))
		return VERDICT(XDP_PASS, rx_not_ipv6);
	*ip6 = pull_ipv6(c);
	if (!*ip6)
		return VERDICT(XDP_DROP, rx_malformed);
	/* A jumbogram (RFC 2675 section 2: payload length 0 and a Hop-by-Hop
	 * header for the Jumbo Payload option) is not ours to parse. Payload
	 * length 0 with another Next Header is an empty packet (No Next Header,
	 * RFC 8200 section 4.7), handled like any other. */
	if (!(*ip6)->payload_len && (*ip6)->nexthdr == IPPROTO_HOPOPTS)
		return VERDICT(XDP_PASS, rx_jumbo);
	return -1;
}

/*
 * Neighbor Discovery (ICMPv6 133-137 with hop limit 255, RFC 4861) is link-
 * scoped: a unicast probe of a home address is the proxy's to answer (RFC
 * 6275 section 10.4.1), never the tunnel's. @c is behind the IPv6 header.
 */
static __always_inline bool xdp_is_nd(struct cursor c, const struct ipv6hdr *ip6)
{
	__u8 *type;

	if (ip6->nexthdr != IPPROTO_ICMPV6 || ip6->hop_limit != 255)
		return false;
	type = cursor_pull(&c, 1);
	return type && *type >= 133 && *type <= 137;
}

/*
 * HA admission (XMIP6_CFG_F_ADMIT, headers/xmip6.h): is the home address of
 * this Mobility Header packet one we serve, listed in "admit" or bound? The
 * home address is in the Home Address option away from home, the source
 * from home (RFC 6275 sections 6.3, 11.5.4). A malformed option area counts
 * as not admitted: the daemon would drop it anyway.
 */
static __always_inline bool sig_admitted(struct xdp_md *ctx, struct cursor c,
					 const struct ipv6hdr *ip6)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	const struct in6_addr *home_addr = &ip6->saddr;
	struct ext_info e = {};
	struct in6_addr hoa;

	if (ext_scan(c, ip6, data, &e) || (e.doh_off && doh_scan(data, data_end, &e)))
		return false;
	if (e.hao_off) {
		/* doh_scan() checked the option against the header, not the frame
		 * against a fixed offset the verifier can see. */
		if (bpf_xdp_load_bytes(ctx, (e.hao_off & EXT_OFF_MASK) + HAO_ADDR_OFF, &hoa,
				       sizeof(hoa)))
			return false;
		home_addr = &hoa;
	}
	return bpf_map_lookup_elem(&admit, home_addr) || binding_lookup(home_addr);
}

/*
 * HA: Mobility Header packets to our own address, the Binding Updates of
 * home registration first of all (RFC 6275 section 10.3.1). One to a home
 * address is someone else's signalling (a correspondent's HoT, say) and is
 * tunnelled like any packet. Returns -1 when not ours.
 */
static __always_inline int xdp_ha_signal(struct xdp_md *ctx, struct cursor c,
					 const struct ipv6hdr *ip6)
{
	struct xmip6_config *cfg;
	int mh;

	if (!may_carry_mh(ip6->nexthdr))
		return -1;
	cfg = config_get();
	if (!cfg || !addr_equal(&ip6->daddr, &cfg->ha_addr))
		return -1;
	mh = is_mh(c, ip6);
	if (mh < 0)
		return VERDICT(XDP_DROP, rx_malformed);
	if (!mh)
		return -1;
	if ((cfg->flags & XMIP6_CFG_F_ADMIT) && !sig_admitted(ctx, c, ip6) &&
	    !bucket_take(BUCKET_SIG_UNLISTED, XMIP6_SIG_UNLISTED_PPS, XMIP6_SIG_UNLISTED_BURST))
		return VERDICT(XDP_DROP, sig_unlisted_drop);
	return xdp_signal_outer(ctx, ip6);
}

SEC("xdp")
int xdp_ha(struct xdp_md *ctx)
{
	struct xmip6_binding *b;
	struct ipv6hdr *ip6;
	struct ethhdr *eth;
	struct cursor c;
	int verdict;

	verdict = xdp_pull_ipv6(ctx, &c, &eth, &ip6);
	if (verdict >= 0)
		return verdict;
	if (eth->h_dest[0] & 1 || !addr_is_global_unicast(&ip6->daddr))
		return VERDICT(XDP_PASS, rx_not_unicast);

	if (learn_tunnel_mtu(c, ip6, true))
		return VERDICT(XDP_PASS, tunnel_pmtu_learned);
	if (ip6->nexthdr == IPPROTO_IPV6)
		return xdp_ha_reverse(ctx, ip6, &c);
	verdict = xdp_ha_signal(ctx, c, ip6);
	if (verdict >= 0)
		return verdict;

	b = binding_lookup(&ip6->daddr);
	if (!b)
		return VERDICT(XDP_PASS, rx_no_binding);
	if (xdp_is_nd(c, ip6))
		return VERDICT(XDP_PASS, rx_nd_pass);
	return xdp_ha_encap(ctx, b);
}

/*
 * Removes the extension header of @len octets that directly follows the
 * IPv6 header: the Ethernet and IPv6 headers move up by @len, the IPv6 Next
 * Header becomes the removed header's and the payload length shrinks. The
 * upper-layer checksum stays: it was computed over the addresses the IPv6
 * header now holds (RFC 6275 sections 6.3, 6.4; RFC 8200 section 8.1).
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
 * MN: a type 2 Routing header first behind the IPv6 header (@c on it). Its
 * one address must be a home address of ours with a live binding, with Hdr
 * Ext Len 2 and Segments Left 1 (RFC 6275 sections 6.4, 11.3.3; fact sheet
 * 3.2); then the header is consumed here: the kernel has no RH2 support and
 * would answer Parameter Problem. Anything else is dropped, never forwarded.
 * A Routing header of another type is the stack's.
 */
static __always_inline int xdp_mn_rh2(struct xdp_md *ctx, struct cursor c, __u32 plen)
{
	struct in6_addr home_addr;
	struct ipv6hdr *ip6;
	struct mip6_rt2_hdr *rh;

	rh = cursor_pull(&c, 8);
	if (!rh)
		return VERDICT(XDP_DROP, rx_malformed); /* is_mh() proved 8: cannot happen */
	if (rh->type != MIP6_RT_TYPE2)
		return VERDICT(XDP_PASS, rx_no_binding);
	if (rh->hdrlen != MIP6_RT2_HDRLEN || rh->segments_left != MIP6_RT2_SEGMENTS_LEFT)
		return VERDICT(XDP_DROP, rh2_bad);
	/* The walk in is_mh() proved the 24 octets are in the payload. */
	if (!cursor_pull(&c, sizeof(*rh) - 8))
		return VERDICT(XDP_DROP, rx_malformed);
	home_addr = rt2_home_addr(rh);
	if (!binding_lookup(&home_addr))
		return VERDICT(XDP_DROP, rh2_bad);
	/* A Mobile Prefix Advertisement is the daemon's, which checks the RH2
	 * itself (section 11.4.3) on a packet socket: left as it came. Its
	 * ICMPv6 type must lie in the payload, not in link padding. */
	if (rh->nexthdr == IPPROTO_ICMPV6 && plen > sizeof(*rh)) {
		__u8 *type = cursor_pull(&c, 1);

		if (type && *type == ICMPV6_MOBILE_PREFIX_ADV)
			return VERDICT(XDP_PASS, mn_rh2_daemon);
	}

	ip6 = (void *)(long)ctx->data + sizeof(struct ethhdr);
	if ((void *)(ip6 + 1) > (void *)(long)ctx->data_end)
		return VERDICT(XDP_DROP, internal_error);
	ip6->daddr = home_addr;
	if (xdp_strip_first_ext(ctx, RO_EXT_LEN))
		return VERDICT(XDP_DROP, internal_error);
	return VERDICT(XDP_PASS, mn_rh2_accept);
}

/*
 * MN: a Mobility Header packet sent straight to us, whatever the unicast
 * destination (care-of or home address): a BA with a type 2 Routing header
 * (RFC 6275 section 11.7.3), a CoT, a BRR, a Binding Error.
 */
static __always_inline int xdp_mn_direct(struct xdp_md *ctx, struct cursor c,
					 const struct ipv6hdr *ip6)
{
	int mh;

	if (ip6->daddr.in6_u.u6_addr8[0] == 0xff) /* no Mobility Header goes to a group */
		return VERDICT(XDP_PASS, rx_no_binding);
	mh = is_mh(c, ip6);
	if (mh < 0)
		return VERDICT(XDP_DROP, rx_malformed);
	if (mh)
		return xdp_signal_outer(ctx, ip6);
	if (ip6->nexthdr == IPPROTO_ROUTING)
		return xdp_mn_rh2(ctx, c, bpf_ntohs(ip6->payload_len));
	return VERDICT(XDP_PASS, rx_no_binding);
}

/*
 * MN: IPv6-in-IPv6 from our HA to our care-of address carrying a packet for
 * our home address (RFC 6275 section 11.3.1) is decapsulated for the stack.
 * If the inner packet is a Mobility Header (a correspondent's Home Test
 * comes this way, section 5.2.5) the daemon gets the inner packet, marked
 * XMIP6_SIGNAL_F_TUNNELLED, once the outer header has proved it came from
 * our HA: the tunnel is what vouches for the home address.
 */
SEC("xdp")
int xdp_mn(struct xdp_md *ctx)
{
	struct ipv6hdr *outer, *inner;
	struct xmip6_binding *b;
	struct ethhdr *eth;
	struct cursor c;
	int verdict, mh;

	verdict = xdp_pull_ipv6(ctx, &c, &eth, &outer);
	if (verdict >= 0)
		return verdict;
	if (learn_tunnel_mtu(c, outer, false))
		return VERDICT(XDP_PASS, tunnel_pmtu_learned);
	if (outer->nexthdr != IPPROTO_IPV6)
		return xdp_mn_direct(ctx, c, outer);

	inner = pull_ipv6_inner(&c, outer);
	if (!inner)
		return VERDICT(XDP_DROP, rx_malformed);
	b = binding_lookup(&inner->daddr);
	if (!b)
		return VERDICT(XDP_PASS, rx_no_binding);
	if (!addr_equal(&outer->saddr, &b->ha_addr) || !addr_equal(&outer->daddr, &b->care_of_addr))
		return VERDICT(XDP_DROP, mn_tunnel_bad_src);

	mh = is_mh(c, inner);
	if (mh < 0)
		return VERDICT(XDP_DROP, rx_malformed);
	if (mh) {
		/* Copied from behind the outer header: no decapsulation needed. */
		verdict = xdp_signal(ctx, sizeof(*eth) + sizeof(*outer),
				     sizeof(*inner) + bpf_ntohs(inner->payload_len),
				     XMIP6_SIGNAL_F_TUNNELLED);
		if (verdict >= 0)
			return verdict;
	}
	if (xdp_decap(ctx))
		return VERDICT(XDP_DROP, internal_error);
	if (mh)
		return VERDICT(XDP_PASS, sig_no_daemon);
	return VERDICT(XDP_PASS, mn_decap);
}

/*
 * CN: a packet with a Home Address option and no binding for it, or one
 * from another CoA, is dropped (RFC 6275 section 9.3.1) and its first
 * XMIP6_SIGNAL_MAX_LEN octets go to the daemon, which answers with a
 * rate-limited Binding Error status 1 (section 9.3.3). One verdict counter
 * (cn_hao_unbound) either way; a full ring is counted as such.
 */
static __always_inline int xdp_cn_unbound(struct xdp_md *ctx, const struct ipv6hdr *ip6)
{
	__u32 len = sizeof(*ip6) + bpf_ntohs(ip6->payload_len);

	if (len > XMIP6_SIGNAL_MAX_LEN)
		len = XMIP6_SIGNAL_MAX_LEN;
	if (xdp_signal_put(ctx, sizeof(struct ethhdr), len, XMIP6_SIGNAL_F_HAO_UNBOUND) ==
	    SIG_PUT_RING_FULL)
		return VERDICT(XDP_DROP, sig_ring_full);
	return VERDICT(XDP_DROP, cn_hao_unbound);
}

/*
 * CN: a Home Address option found by ext_scan(). From the CoA of the
 * binding for its home address, the packet becomes one from the home
 * address (section 9.3.1): the source is swapped in and the option goes,
 * with its whole Destination Options header when that holds nothing else
 * and comes first (the usual 24-octet form), else overwritten with PadN so
 * that the stack, which knows no HAO (option type 11xxxxxx), accepts it.
 * No checksum changes: the sender used the home address (section 6.3).
 */
static __always_inline int xdp_cn_hao(struct xdp_md *ctx, const struct ext_info *e)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	struct in6_addr home_addr;
	struct xmip6_binding *b;
	struct mip6_opt_home_addr *hao;

	if ((void *)(ip6 + 1) > data_end)
		return VERDICT(XDP_DROP, internal_error);
	hao = data + (e->hao_off & EXT_OFF_MASK);
	if ((void *)(hao + 1) > data_end)
		return VERDICT(XDP_DROP, internal_error);
	home_addr = hao->home_addr;
	/* Fact sheet 3.1: a multicast, link-local or loopback home address is
	 * invalid; silently discarded, no Binding Error. */
	if (!addr_is_global_unicast(&home_addr))
		return VERDICT(XDP_DROP, cn_hao_invalid);
	b = binding_lookup(&home_addr);
	if (!b || !addr_equal(&b->care_of_addr, &ip6->saddr))
		return xdp_cn_unbound(ctx, ip6);

	ip6->saddr = home_addr;
	if (e->doh_first && !e->doh_other) {
		if (xdp_strip_first_ext(ctx, e->doh_len & EXT_OFF_MASK))
			return VERDICT(XDP_DROP, internal_error);
		return VERDICT(XDP_PASS, cn_hao_accept);
	}
	hao->type = MIP6_DSTOPT_PADN;
	hao->len = MIP6_OPT_HOME_ADDR_LEN;
	__builtin_memset(&hao->home_addr, 0, sizeof(hao->home_addr));
	return VERDICT(XDP_PASS, cn_hao_accept);
}

/*
 * Correspondent node ingress (RFC 6275 sections 9.3.1, 9.3.2). Mobility
 * Header packets to any of our unicast addresses go to the daemon as on a
 * mobile node (a BU carries a HAO, HoTI/CoTI do not); of the rest, those
 * with a Home Address option are restored or dropped, and those with a
 * type 2 Routing header dropped: a node that is not a mobile node discards
 * them (fact sheet 3.2). Everything else passes.
 */
SEC("xdp")
int xdp_cn(struct xdp_md *ctx)
{
	struct ext_info e = {};
	struct ipv6hdr *ip6;
	struct ethhdr *eth;
	struct cursor c;
	int verdict, mh;

	verdict = xdp_pull_ipv6(ctx, &c, &eth, &ip6);
	if (verdict >= 0)
		return verdict;
	if (eth->h_dest[0] & 1 || !addr_is_global_unicast(&ip6->daddr))
		return VERDICT(XDP_PASS, rx_not_unicast);
	if (!may_carry_mh(ip6->nexthdr))
		return VERDICT(XDP_PASS, rx_no_binding);
	mh = is_mh(c, ip6);
	if (mh < 0)
		return VERDICT(XDP_DROP, rx_malformed);
	if (mh) {
		verdict = xdp_signal_outer(ctx, ip6);
		return verdict;
	}
	if (ext_scan(c, ip6, (void *)(long)ctx->data, &e))
		return VERDICT(XDP_DROP, rx_malformed);
	if (e.rh2)
		return VERDICT(XDP_DROP, cn_rh2_drop);
	if (!e.doh_off)
		return VERDICT(XDP_PASS, rx_no_binding);
	if (doh_scan((void *)(long)ctx->data, (void *)(long)ctx->data_end, &e))
		return VERDICT(XDP_DROP, rx_malformed);
	if (!e.hao_off)
		return VERDICT(XDP_PASS, rx_no_binding);
	return xdp_cn_hao(ctx, &e);
}

/* ------------------------------------------------------------------- TC */

/* Which counters a TC path that grows packets bumps: HA, MN and CN share the code. */
enum tc_dir {
	TC_DIR_HA, /* ha_addr -> care_of_addr */
	TC_DIR_MN, /* care_of_addr -> ha_addr, or MN route optimisation */
	TC_DIR_CN, /* CN route optimisation: to the care-of address */
};

/*
 * Too big for the tunnel, sent by this host: loop an ICMPv6 Packet Too Big
 * back into our own stack, which lowers the path MTU for the socket.
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

/*
 * Size of the largest IPv6 packet this skb becomes on the wire: itself, or
 * for GSO one segment (IPv6 header, TCP header with options or UDP header,
 * gso_size bytes of payload).
 */
static __always_inline __u32 tc_l3_segment_len(struct __sk_buff *skb, struct ipv6hdr *ip6,
					       void *data_end)
{
	struct tcphdr *th = (void *)(ip6 + 1);
	__u32 l4_len = sizeof(struct udphdr);

	if (!skb->gso_size)
		return skb->len - sizeof(struct ethhdr);
	if (ip6->nexthdr == IPPROTO_TCP && (void *)(th + 1) <= data_end)
		l4_len = th->doff * 4;
	return sizeof(*ip6) + l4_len + skb->gso_size;
}

/*
 * TC: routes a packet of @len octets that is about to grow by @grow octets
 * and leave from @src to @dst: the FIB answer, except that a host
 * (forwarding off: the helper answers only routers,
 * BPF_FIB_LKUP_RET_FWD_DISABLED) gets NO_NEIGH for the device the stack
 * chose, which bpf_redirect_neigh() then routes, or FRAG_NEEDED with the
 * device MTU standing in for the path MTU. GSO packets are checked per
 * segment: bpf_skb_adjust_room() shrinks their gso_size by @grow, so each
 * segment still fits (Cilium's dsr_set_ext6 does the same); only non-GSO
 * packets get a length.
 */
static __always_inline int tc_fib(struct __sk_buff *skb, struct bpf_fib_lookup *fib,
				  const struct in6_addr *src, const struct in6_addr *dst,
				  __u8 proto, __u32 len, __u32 grow)
{
	int rc;

	rc = fib_lookup6(skb, fib, skb->ifindex, src, dst, proto, skb->gso_size ? 0 : len + grow);
	if (rc == BPF_FIB_LKUP_RET_FWD_DISABLED) {
		__u32 dev_mtu = 0;

		fib->ifindex = skb->ifindex;
		rc = BPF_FIB_LKUP_RET_NO_NEIGH;
		if (!skb->gso_size &&
		    bpf_check_mtu(skb, 0, &dev_mtu, grow, 0) == BPF_MTU_CHK_RET_FRAG_NEEDED) {
			rc = BPF_FIB_LKUP_RET_FRAG_NEEDED;
			fib->mtu_result = dev_mtu;
		}
	}
	return rc;
}

/*
 * TC: sends a rebuilt packet where tc_fib() said (@rc SUCCESS or NO_NEIGH).
 * The caller has counted the packet; only a failure here counts again.
 */
static __always_inline int tc_forward(struct __sk_buff *skb, const struct bpf_fib_lookup *fib,
				      int rc)
{
	void *data, *data_end;
	struct ethhdr *eth;

	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH)
		return bpf_redirect_neigh(fib->ifindex, NULL, 0, 0);

	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	eth = data;
	if ((void *)(eth + 1) > data_end)
		return VERDICT(TC_ACT_SHOT, internal_error);
	fib_set_macs(eth, fib);
	if (fib->ifindex == skb->ifindex)
		return TC_ACT_OK;
	return bpf_redirect(fib->ifindex, 0);
}

/* Encapsulates towards the other end of @b's tunnel; @dir says which end we are. */
static __always_inline int tc_encap(struct __sk_buff *skb, const struct xmip6_binding *b,
				    enum tc_dir dir)
{
	const struct in6_addr *src = dir == TC_DIR_HA ? &b->ha_addr : &b->care_of_addr;
	const struct in6_addr *dst = dir == TC_DIR_HA ? &b->care_of_addr : &b->ha_addr;
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct bpf_fib_lookup fib = {};
	struct ipv6hdr *inner = data + sizeof(struct ethhdr), outer;
	__u16 inner_len;
	__u32 label, mtu;
	__u8 tclass;
	int rc;

	if ((void *)(inner + 1) > data_end)
		return VERDICT(TC_ACT_SHOT, internal_error);
	inner_len = skb->len - sizeof(struct ethhdr);
	tclass = ipv6_tclass(inner);
	label = tunnel_flow_label(inner, data_end);

	rc = tc_fib(skb, &fib, src, dst, IPPROTO_IPV6, inner_len, XMIP6_TUNNEL_OVERHEAD);
	if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED)
		return tc_ptb_local(skb, dst, ptb_mtu_for(fib.mtu_result), dir);
	mtu = tunnel_mtu_of(b);
	if (mtu && tc_l3_segment_len(skb, inner, data_end) + XMIP6_TUNNEL_OVERHEAD > mtu)
		return tc_ptb_local(skb, dst, ptb_mtu_for(mtu), dir);
	if (!fib_has_route(rc)) {
		if (dir == TC_DIR_MN)
			return VERDICT(TC_ACT_SHOT, mn_no_route);
		return VERDICT(TC_ACT_SHOT, ha_no_route);
	}

	tunnel_fill_outer(&outer, tclass, label, inner_len, tunnel_hop_limit, src, dst);
	if (bpf_skb_adjust_room(skb, XMIP6_TUNNEL_OVERHEAD, BPF_ADJ_ROOM_MAC,
				BPF_F_ADJ_ROOM_ENCAP_L3_IPV6) ||
	    bpf_skb_store_bytes(skb, sizeof(struct ethhdr), &outer, sizeof(outer), 0))
		return VERDICT(TC_ACT_SHOT, internal_error);

	if (dir == TC_DIR_MN)
		STAT_INC(mn_encap);
	else
		STAT_INC(ha_local_encap);
	return tc_forward(skb, &fib, rc);
}

/*
 * Inserts the 24-octet extension header @ext (its Next Header already the
 * IPv6 header's) right after the IPv6 header @ip6 (a copy): Next Header
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
	    bpf_skb_store_bytes(skb, sizeof(struct ethhdr), &hdrs, sizeof(hdrs), 0))
		return -1;
	/* Accompanies the verdict: shows that GSO packets take this path. */
	if (skb->gso_size)
		STAT_INC(ro_gso);
	return 0;
}

/*
 * The daemon marks its own Mobility Header packets (SO_MARK
 * XMIP6_MARK_SIGNAL): they carry their own addressing (Home Address option,
 * type 2 Routing header) and must leave as built. A deregistration BU sent
 * from the home address, or a BA to a home address whose binding is still
 * in the map, would otherwise be tunnelled (RFC 6275 sections 10.3.1, 11.5.4).
 * Checked before anything else: one load per packet.
 */
static __always_inline bool tc_is_daemon_signal(const struct __sk_buff *skb)
{
	return skb->mark == XMIP6_MARK_SIGNAL;
}

/*
 * Neighbor Discovery (RFC 4861: ICMPv6 133-137, hop limit 255) is
 * link-scoped: tunnelled, it is lost. While a binding still stands, the HA
 * answers a returning MN's solicitation sent from the home address, and the
 * MN back home answers the HA's solicitation for its home address (RFC 6275
 * section 11.5.4): both must stay on the home link.
 */
static __always_inline bool tc_is_nd(struct __sk_buff *skb)
{
	const __u32 need = sizeof(struct ethhdr) + sizeof(struct ipv6hdr) + 1;
	struct ipv6hdr *ip6;
	__u8 *type;

	/* Called once tc_ipv6() found an IPv6 header: one more octet to pull. */
	if ((void *)(long)skb->data + need > (void *)(long)skb->data_end &&
	    bpf_skb_pull_data(skb, need))
		return false;
	ip6 = (void *)(long)skb->data + sizeof(struct ethhdr);
	type = (__u8 *)(ip6 + 1);
	if ((void *)(type + 1) > (void *)(long)skb->data_end)
		return false;
	return ip6->nexthdr == IPPROTO_ICMPV6 && ip6->hop_limit == 255 && *type >= 133 &&
	       *type <= 137;
}

/* Returns the IPv6 header of an skb, or NULL for anything else. */
static __always_inline struct ipv6hdr *tc_ipv6(struct __sk_buff *skb)
{
	const __u32 need = sizeof(struct ethhdr) + sizeof(struct ipv6hdr);
	struct ipv6hdr *ip6;

	if (skb->protocol != bpf_htons(ETH_P_IPV6))
		return NULL;
	if ((void *)(long)skb->data + need > (void *)(long)skb->data_end &&
	    bpf_skb_pull_data(skb, need))
		return NULL;
	ip6 = (void *)(long)skb->data + sizeof(struct ethhdr);
	if ((void *)(ip6 + 1) > (void *)(long)skb->data_end || ip6->version != 6)
		return NULL;
	return ip6;
}

/*
 * The prologue the TC egress programs share: the daemon's signalling, non-
 * IPv6 and non-global destinations, packets without a binding and Neighbor
 * Discovery leave untouched (counted). Of what would be rewritten, a packet
 * whose payload length runs past the skb (a packet socket can send
 * anything) is dropped rather than tunnelled on; a jumbogram (RFC 2675)
 * cannot be tunnelled or extended within a 16-bit payload length and
 * leaves as it is, as XDP leaves it to the stack; one from a source that is
 * not global unicast leaves as it is too (RFC 4291 section 2.5.6: a link-
 * local source never leaves its link; 2.7: no multicast source).
 * Returns that verdict, or -1 with *@bp the live binding of the packet's
 * source (@by_src: MN) or destination.
 */
static __always_inline int tc_bound(struct __sk_buff *skb, bool by_src, struct xmip6_binding **bp)
{
	struct ipv6hdr *ip6;
	bool global_src;
	__u32 plen;
	__u8 nh;

	if (tc_is_daemon_signal(skb))
		return VERDICT(TC_ACT_OK, tc_signal_bypass);
	ip6 = tc_ipv6(skb);
	if (!ip6 || !addr_is_global_unicast(&ip6->daddr))
		return VERDICT(TC_ACT_OK, tc_pass);
	*bp = binding_lookup(by_src ? &ip6->saddr : &ip6->daddr);
	if (!*bp)
		return VERDICT(TC_ACT_OK, tc_pass);
	/* Read now: tc_is_nd() may pull data, which invalidates ip6. */
	plen = bpf_ntohs(ip6->payload_len);
	nh = ip6->nexthdr;
	global_src = addr_is_global_unicast(&ip6->saddr);
	/* Only what would be rewritten pays for these checks. */
	if (nh == IPPROTO_ICMPV6 && tc_is_nd(skb))
		return VERDICT(TC_ACT_OK, tc_nd_pass);
	if (!plen && nh == IPPROTO_HOPOPTS)
		return VERDICT(TC_ACT_OK, rx_jumbo);
	if (sizeof(struct ethhdr) + sizeof(struct ipv6hdr) + plen > skb->len)
		return VERDICT(TC_ACT_SHOT, rx_malformed);
	if (!global_src)
		return VERDICT(TC_ACT_OK, rx_bad_src);
	return -1;
}

SEC("tc")
int tc_ha_egress(struct __sk_buff *skb)
{
	struct xmip6_binding *b = NULL;
	int verdict;

	verdict = tc_bound(skb, false, &b);
	if (verdict >= 0 || !b)
		return verdict;
	return tc_encap(skb, b, TC_DIR_HA);
}

/* A Hop-by-Hop or Routing header would have to come before ours: not handled, left as is. */
static __always_inline bool ro_ext_in_the_way(const struct ipv6hdr *ip6)
{
	return ip6->nexthdr == IPPROTO_HOPOPTS || ip6->nexthdr == IPPROTO_ROUTING;
}

/*
 * MN: note that the home address talks with @key->peer_addr through the
 * tunnel, for the daemon's route optimisation policy (RFC 6275 section
 * 11.7.2). An insert for a new peer, then a refresh at most once a second:
 * not a map write per packet.
 */
static __always_inline void peer_record(const struct xmip6_ro_key *key)
{
	__u64 now = bpf_ktime_get_coarse_ns();
	struct xmip6_peer *p, fresh = {};

	p = bpf_map_lookup_elem(&peers, key);
	if (!p) {
		fresh.first_seen_ns = now;
		fresh.last_seen_ns = now;
		fresh.packets = 1;
		if (!bpf_map_update_elem(&peers, key, &fresh, BPF_NOEXIST))
			STAT_INC(mn_peer_new);
		return;
	}
	if (now - p->last_seen_ns >= 1000000000ULL) {
		p->last_seen_ns = now;
		p->packets++;
	}
}

/*
 * MN with XMIP6_CFG_F_RO: a packet from a home address to a correspondent
 * with a live "ro" entry leaves from the CoA that correspondent holds, with
 * a Home Address option (RFC 6275 sections 6.3, 11.3.1) instead of through
 * the tunnel. Returns the verdict, or -1 to reverse-tunnel it as before.
 */
static __always_inline int tc_mn_ro(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ipv6hdr *p = data + sizeof(struct ethhdr), ip6;
	struct bpf_fib_lookup fib = {};
	struct xmip6_ro_key key;
	struct in6_addr coa;
	struct xmip6_ro *ent;
	struct mip6_dstopts_hao doh;
	int rc;

	if ((void *)(p + 1) > data_end)
		return -1;
	ip6 = *p;
	key.home_addr = ip6.saddr;
	key.peer_addr = ip6.daddr;
	ent = bpf_map_lookup_elem(&ro, &key);
	if (ent && ent->expires_ns && bpf_ktime_get_coarse_ns() >= ent->expires_ns) {
		STAT_INC(mn_ro_expired);
		ent = NULL;
	}
	if (!ent) {
		peer_record(&key);
		return -1;
	}
	/* A Home Test Init must come through the home agent (section 5.2.5):
	 * Mobility Header packets the daemon left unmarked take the tunnel. */
	if (ip6.nexthdr == IPPROTO_MH)
		return -1;
	if (ro_ext_in_the_way(&ip6)) {
		STAT_INC(ro_ext_pass);
		return -1;
	}
	coa = ent->care_of_addr;

	rc = tc_fib(skb, &fib, &coa, &key.peer_addr, IPPROTO_DSTOPTS,
		    skb->len - sizeof(struct ethhdr), RO_EXT_LEN);
	if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED)
		return tc_ptb_local(skb, &key.peer_addr, ptb_mtu_grow(fib.mtu_result, RO_EXT_LEN),
				    TC_DIR_MN);
	if (!fib_has_route(rc))
		return VERDICT(TC_ACT_SHOT, mn_no_route);

	dstopts_hao_fill(&doh, ip6.nexthdr, &key.home_addr);
	if (tc_push_ext(skb, &ip6, &doh, IPPROTO_DSTOPTS, &coa, &key.peer_addr))
		return VERDICT(TC_ACT_SHOT, internal_error);
	STAT_INC(mn_hao_insert);
	return tc_forward(skb, &fib, rc);
}

SEC("tc")
int tc_mn_egress(struct __sk_buff *skb)
{
	struct xmip6_binding *b = NULL;
	struct xmip6_config *cfg;
	int verdict;

	verdict = tc_bound(skb, true, &b);
	if (verdict >= 0 || !b)
		return verdict;
	/* Route optimisation only when the daemon's policy turned it on:
	 * otherwise not even a lookup more per packet. */
	cfg = config_get();
	if (cfg && (cfg->flags & XMIP6_CFG_F_RO)) {
		verdict = tc_mn_ro(skb);
		if (verdict >= 0)
			return verdict;
	}
	return tc_encap(skb, b, TC_DIR_MN);
}

/*
 * CN: a packet to a home address with a live binding goes to the care-of
 * address with a type 2 Routing header holding the home address (RFC 6275
 * sections 6.4, 9.3.2). The upper-layer checksum stays: its pseudo-header
 * uses the final destination, the home address (RFC 8200 section 8.1).
 */
static __always_inline int tc_cn_rh2(struct __sk_buff *skb, const struct xmip6_binding *b)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ipv6hdr *p = data + sizeof(struct ethhdr), ip6;
	struct bpf_fib_lookup fib = {};
	struct in6_addr coa = b->care_of_addr;
	struct mip6_rt2_hdr rh;
	int rc;

	if ((void *)(p + 1) > data_end)
		return VERDICT(TC_ACT_SHOT, internal_error);
	ip6 = *p;
	/* A Home Test goes to the home address, through the home agent
	 * (section 5.2.5), never along the binding it is to refresh. */
	if (ip6.nexthdr == IPPROTO_MH)
		return VERDICT(TC_ACT_OK, tc_pass);
	if (ro_ext_in_the_way(&ip6))
		return VERDICT(TC_ACT_OK, ro_ext_pass);

	rc = tc_fib(skb, &fib, &ip6.saddr, &coa, IPPROTO_ROUTING, skb->len - sizeof(struct ethhdr),
		    RO_EXT_LEN);
	if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED)
		return tc_ptb_local(skb, &coa, ptb_mtu_grow(fib.mtu_result, RO_EXT_LEN), TC_DIR_CN);
	if (!fib_has_route(rc))
		return VERDICT(TC_ACT_SHOT, cn_no_route);

	rt2_fill(&rh, ip6.nexthdr, &ip6.daddr);
	if (tc_push_ext(skb, &ip6, &rh, IPPROTO_ROUTING, &ip6.saddr, &coa))
		return VERDICT(TC_ACT_SHOT, internal_error);
	STAT_INC(cn_rh2_insert);
	return tc_forward(skb, &fib, rc);
}

SEC("tc")
int tc_cn_egress(struct __sk_buff *skb)
{
	struct xmip6_binding *b = NULL;
	int verdict;

	verdict = tc_bound(skb, false, &b);
	if (verdict >= 0 || !b)
		return verdict;
	return tc_cn_rh2(skb, b);
}
