/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * signal.h - Mobility Header packets handed up to the daemon through the
 * "signal" ring buffer (headers/xmip6.h), and the HA's admission check that
 * keeps unlisted home addresses from filling it.
 *
 * Without kernel MIP6 the stack answers a Home Address option or a type 2
 * Routing header with Parameter Problem and has no Mobility Header handler
 * at all (RFC 6275 section 6.1), so XDP hands every Mobility Header packet
 * meant for this node to the daemon, which does the receive checks of
 * section 9.2 (checksum, Payload Proto, Header Len: a truncated Mobility
 * Header still goes up, for its Parameter Problem).
 */
#ifndef XMIP6_SIGNAL_H
#define XMIP6_SIGNAL_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xmip6.h"
#include "exthdr.h"
#include "maps.h"
#include "parse.h"
#include "stats.h"

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

/* What xdp_signal_put() did. */
enum sig_put {
	SIG_PUT_OK = 0,
	SIG_PUT_NO_DAEMON = -1,
	SIG_PUT_TOO_LONG = -2,
	SIG_PUT_RING_FULL = -3,
	SIG_PUT_ERROR = -4,
};

/*
 * Copies the IPv6 packet of @len octets at @off of the frame into a
 * "signal" record for the daemon, uncounted: the callers count their own
 * verdicts.
 */
static __always_inline int xdp_signal_put(struct xdp_md *ctx, __u32 off, __u32 len, __u16 flags,
					  const struct in6_addr *snap_hoa)
{
	struct xmip6_config *cfg = config_get();
	struct xmip6_binding_fwd *fwd;
	struct xmip6_binding_ctl *ctl;
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
	rec->snap.flags = 0;
	if (snap_hoa) {
		/* The time first: a write the lookups miss ends after it
		 * (headers/xmip6.h, struct xmip6_signal_snap). */
		rec->snap.at_ns = bpf_ktime_get_ns();
		rec->snap.home_addr = *snap_hoa;
		/* The map's entry as it is, expired or not: the daemon's own
		 * lookup would find it so (binding_lookup() would not). */
		fwd = bpf_map_lookup_elem(&bindings, snap_hoa);
		ctl = bpf_map_lookup_elem(&binding_ctl, snap_hoa);
		if (fwd && ctl) {
			rec->snap.fwd = *fwd;
			rec->snap.ctl = *ctl;
			rec->snap.flags = XMIP6_SNAP_TAKEN | XMIP6_SNAP_BOUND;
		} else if (!fwd) {
			rec->snap.flags = XMIP6_SNAP_TAKEN;
		}
	}
	/* A copy of a run-time length needs a helper; this one also copes
	 * with frames in fragments, should the program ever take them. */
	if (bpf_xdp_load_bytes(ctx, off, rec->packet, len)) {
		bpf_ringbuf_discard(rec, 0);
		return SIG_PUT_ERROR;
	}
	bpf_ringbuf_submit(rec, 0);
	return SIG_PUT_OK;
}

/*
 * xdp_signal_put(), and the frame dropped. Returns the counted verdict, or
 * -1 when no daemon reads the ring (XMIP6_CFG_F_SIGNAL clear): the caller
 * then passes the packet on as it would without signalling support.
 *
 * A packet that does not fit a record, or finds the ring full, is dropped:
 * the sender retransmits (RFC 6275 section 11.8), and a daemon that cannot
 * keep up gains nothing from a partial copy.
 */
static __always_inline int xdp_signal_snap(struct xdp_md *ctx, __u32 off, __u32 len, __u16 flags,
					   const struct in6_addr *snap_hoa)
{
	switch (xdp_signal_put(ctx, off, len, flags, snap_hoa)) {
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

static __always_inline int xdp_signal(struct xdp_md *ctx, __u32 off, __u32 len, __u16 flags)
{
	return xdp_signal_snap(ctx, off, len, flags, NULL);
}

/*
 * The IPv6 packet behind the Ethernet header, as a signal record; with
 * @snap_hoa (may be NULL) the binding of that home address with it.
 */
static __always_inline int xdp_signal_outer(struct xdp_md *ctx, const struct ipv6hdr *ip6,
					    const struct in6_addr *snap_hoa)
{
	__u32 len = sizeof(*ip6) + bpf_ntohs(ip6->payload_len);
	int verdict;

	verdict = xdp_signal_snap(ctx, sizeof(struct ethhdr), len, 0, snap_hoa);
	if (verdict < 0)
		return VERDICT(XDP_PASS, sig_no_daemon);
	return verdict;
}

/*
 * A Mobility Header packet to this node (@c behind @ip6) goes to the daemon.
 * Returns its counted verdict, a truncated header chain's, or -1 when the
 * packet carries no Mobility Header.
 */
static __always_inline int xdp_signal_mh(struct xdp_md *ctx, struct cursor c,
					 const struct ipv6hdr *ip6)
{
	int mh = is_mh(c, ip6);

	if (mh < 0)
		return VERDICT(XDP_DROP, rx_malformed);
	if (!mh)
		return -1;
	return xdp_signal_outer(ctx, ip6, NULL);
}

/*
 * HA admission (XMIP6_CFG_F_ADMIT, headers/xmip6.h): is the home address of
 * this Mobility Header packet one we serve, listed in "admit" or bound? The
 * home address is in the Home Address option away from home, the source
 * from home (RFC 6275 sections 6.3, 11.5.4), and it is left in @hoa (for
 * the record's snapshot). A malformed option area counts as not admitted:
 * the daemon would drop it anyway.
 */
static __always_inline bool sig_admitted(struct xdp_md *ctx, const struct ipv6hdr *ip6,
					 struct in6_addr *hoa)
{
	struct ext_info e = {};

	*hoa = ip6->saddr;
	if (xdp_ext_find(ctx, &e))
		return false;
	/* doh_scan() checked the option against the header, not the frame
	 * against a fixed offset the verifier can see. */
	if (e.hao_off &&
	    bpf_xdp_load_bytes(ctx, (e.hao_off & EXT_OFF_MASK) + HAO_ADDR_OFF, hoa, sizeof(*hoa)))
		return false;
	return bpf_map_lookup_elem(&admit, hoa) || binding_lookup(hoa);
}

#endif /* XMIP6_SIGNAL_H */
