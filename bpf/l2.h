/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * l2.h - the link-layer check every XDP program makes before looking at a
 * frame's IPv6 packet: is it addressed to this interface?
 *
 * XDP sees every frame the device receives, the kernel's filtering of the
 * destination address has not happened yet: on a bridge port or a veth, a
 * promiscuous NIC (packet capture, bridge member) or behind a switch
 * flooding unknown unicast, a unicast frame for another host arrives too.
 * The stack marks it PACKET_OTHERHOST (eth_type_trans()) and ip6_rcv_core()
 * drops it; an XDP program that tunnelled it would duplicate the packet, and
 * a backup home agent would forward a binding's traffic it does not own.
 */
#ifndef XMIP6_L2_H
#define XMIP6_L2_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

#include "xmip6.h"
#include "maps.h"
#include "stats.h"

static __always_inline bool mac_equal(const __u8 *a, const __u8 *b)
{
	return !((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]) | (a[4] ^ b[4]) |
		 (a[5] ^ b[5]));
}

/*
 * 1 for a unicast frame (group bit of the destination clear, IEEE 802
 * section 8.2) not addressed to the ingress interface's link-layer address
 * in "if_macs" (headers/xmip6.h): the caller passes it untouched. Group
 * frames are the callers' (rx_not_unicast and the signalling paths); an
 * interface without an entry is not filtered but counted (rx_mac_unknown),
 * so that a missing entry never black-holes traffic. A frame through a veth
 * carries the receiving end's address: it matches. VLAN sub-interfaces: the
 * XDP programs run on the lower device and pass tagged frames (rx_not_ipv6).
 *
 * A global function, verified once on its own: inlined, its branches
 * multiply the states of every program after it (xdp_cn's Destination
 * Options walk then exceeds the verifier's 1M instructions), and the call
 * costs a few instructions (docs/benchmarks.md).
 */
__noinline int xdp_other_host(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	const struct xmip6_if_mac *m;
	const struct ethhdr *eth = data;
	__u32 ifindex = ctx->ingress_ifindex;

	if ((void *)(eth + 1) > data_end || eth->h_dest[0] & 1)
		return 0;
	m = bpf_map_lookup_elem(&if_macs, &ifindex);
	if (!m || !m->set) {
		STAT_INC(rx_mac_unknown);
		return 0;
	}
	return !mac_equal(eth->h_dest, m->addr);
}

#endif /* XMIP6_L2_H */
