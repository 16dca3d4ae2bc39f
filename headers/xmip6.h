/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xmip6.h - the one contract between the BPF programs (bpf/) and user space
 * (user/, selftests/): map names, keys, values, counters and constants.
 *
 * Both sides include this file; nothing here may be copied elsewhere.
 */
#ifndef XMIP6_H
#define XMIP6_H

#include <linux/types.h>
#if defined(__bpf__)
#include <linux/in6.h>
#else
#include <netinet/in.h>
#endif

/* Names under the pin directory (default XMIP6_PIN_DIR_DEFAULT). */
#define XMIP6_PIN_DIR_DEFAULT  "/sys/fs/bpf/xmip6"
#define XMIP6_MAP_BINDINGS     "bindings"
#define XMIP6_MAP_BINDING_CTL  "binding_ctl"
#define XMIP6_MAP_STATS	       "stats"
#define XMIP6_MAP_CONFIG       "config"
#define XMIP6_MAP_SIGNAL       "signal"
#define XMIP6_MAP_RO	       "ro"
#define XMIP6_MAP_PEERS	       "peers"
#define XMIP6_MAP_ADMIT	       "admit"
#define XMIP6_MAP_NEXTHOPS     "nexthops"
#define XMIP6_MAP_NH_STATE     "nh_state"
#define XMIP6_MAP_BINDING_CTR  "binding_ctr"
#define XMIP6_MAP_MR_PREFIXES  "mr_prefixes"
#define XMIP6_MAP_PREFIXES     "prefixes"
#define XMIP6_MAP_PREFIX_LENS  "prefix_lens"
#define XMIP6_MAP_BINDING_SLOT "binding_slots"
#define XMIP6_MAP_IF_MACS      "if_macs"
#define XMIP6_LINK_DIR	       "links"
#define XMIP6_BINDINGS_DEFAULT 65536
/* A mobile node or router keeps one binding, its home address's (mn.c writes
 * it; xdp_mn_rh2 and mr.h look it up): its maps are made this small, not a
 * home agent's 65,536 preallocated entries. */
#define XMIP6_MN_BINDINGS      16
#define XMIP6_RO_DEFAULT       4096    /* MN: route-optimised (home address, correspondent) pairs */
#define XMIP6_PEERS_DEFAULT    1024    /* MN: correspondents recently talked with (LRU) */
#define XMIP6_ADMIT_DEFAULT    1048576 /* HA: home addresses of the mobile-nodes list */
#define XMIP6_PREFIXES_DEFAULT 1048576 /* HA: Mobile Network Prefixes (NEMO) */
#define XMIP6_NH_SLOTS	       16384   /* next-hop cache slots per CPU, a power of 2 */
#define XMIP6_NH_LEASE_MS      500     /* the follower's word on nh_state.gen */

/* IPv6-in-IPv6 (RFC 2473) and the Mobility Header (RFC 6275 section 6.1). */
#define XMIP6_IPPROTO_IPV6    41
#define XMIP6_IPPROTO_MH      135
#define XMIP6_TUNNEL_OVERHEAD 40 /* one outer IPv6 header */
#define XMIP6_IPV6_MIN_MTU    1280

enum xmip6_role {
	XMIP6_ROLE_NONE = 0,
	XMIP6_ROLE_HA = 1,
	XMIP6_ROLE_MN = 2,
	XMIP6_ROLE_CN = 3,
};

/* Binding Update flags as on the wire (RFC 6275 section 6.1.7), host order. */
#define XMIP6_BU_F_ACK	  0x8000 /* A */
#define XMIP6_BU_F_HOME	  0x4000 /* H */
#define XMIP6_BU_F_LLADDR 0x2000 /* L */
#define XMIP6_BU_F_KEYMGM 0x1000 /* K */

/*
 * One binding, keyed by the home address (struct in6_addr).
 *
 * The same value serves both ends of the bidirectional tunnel:
 *  - home agent (binding cache): packets to home_addr are tunnelled
 *    ha_addr -> care_of_addr; tunnelled packets are accepted only from
 *    care_of_addr to ha_addr (RFC 6275 sections 10.4.2, 10.4.5).
 *  - mobile node (its own registrations): packets from home_addr are
 *    reverse-tunnelled care_of_addr -> ha_addr; tunnelled packets are
 *    accepted only from ha_addr to care_of_addr (section 11.3.1).
 *
 * It lives in two maps with the same keys, so that what every packet reads
 * is one cache line and the control plane's bookkeeping is not dragged
 * through the CPU's caches with it (1,000,000 bindings: docs/benchmarks.md):
 *
 *   "bindings"     struct xmip6_binding_fwd, 64 octets: the forwarding
 *                  paths' (XDP and TC), and the data plane writes the
 *                  tunnel MTU it learns into it;
 *   "binding_ctl"  struct xmip6_binding_ctl: the daemon's (sequence,
 *                  lifetime, times, RFC 4285 replay state), never read
 *                  per forwarded packet (the HA program copies it into a
 *                  BU's signal record: struct xmip6_signal_snap).
 *
 * User space sees one struct xmip6_binding: user/dp/maps.c writes the
 * control half first and the forwarding half last (a binding the data
 * plane can use has its control half) and deletes in the other order.
 *
 * expires_ns is CLOCK_MONOTONIC (bpf_ktime_get_coarse_ns()); 0 means the
 * binding never expires (static). The data plane ignores an expired
 * binding, so a lifetime holds even when no user-space process runs.
 */
struct xmip6_binding_fwd {
	struct in6_addr care_of_addr;
	struct in6_addr ha_addr;
	__u64 expires_ns;
	/* Path MTU between the tunnel ends, learnt by the data plane from
	 * Packet Too Big errors about tunnel packets (RFC 2473 section 7.1,
	 * RFC 8201); 0 = unknown. Forgotten after XMIP6_TUNNEL_MTU_AGE_S. */
	__u64 tunnel_mtu_expires_ns;
	__u32 tunnel_mtu;
	/* CN: the device of the route to care_of_addr when the binding was
	 * written, 0 = unknown. A host's data plane cannot look routes up
	 * (bpf_fib_lookup() needs forwarding on), yet route-optimised packets
	 * must leave by that route (RFC 6275 sections 6.4, 9.3.2). */
	__u32 coa_ifindex;
	__u16 flags; /* XMIP6_BU_F_* of the accepted BU */
	__u16 reserved;
	/* The binding's entry in "binding_ctr" (below), given by user space
	 * (user/dp/maps.c); 0: none, the binding is not counted. */
	__u32 ctr_slot;
};

struct xmip6_binding_ctl {
	__u64 registered_ns; /* CLOCK_MONOTONIC when added or last refreshed */
	__u64 created_ns;    /* CLOCK_MONOTONIC of the first registration (age) */
	/* RFC 4285 replay protection: Timestamp (NTP format) of the last
	 * accepted Binding Update, 0 = none. Pinned, so that a restarted
	 * daemon still refuses replays. */
	__u64 auth_timestamp;
	__u32 lifetime_s; /* granted lifetime, 0 = infinite */
	__u16 sequence;	  /* last accepted BU sequence number */
	__u16 reserved;
};

#if !defined(__bpf__)
/* The whole binding, as user space reads and writes it (user/dp/maps.c). */
struct xmip6_binding {
	struct in6_addr care_of_addr;
	struct in6_addr ha_addr;
	__u64 expires_ns;
	__u64 registered_ns;
	__u32 lifetime_s;
	__u16 sequence;
	__u16 flags;
	__u32 tunnel_mtu;
	__u32 coa_ifindex;
	__u64 tunnel_mtu_expires_ns;
	__u64 auth_timestamp;
	__u64 created_ns;
	__u32 ctr_slot; /* "binding_ctr" entry, 0: none (user/dp/maps.c chooses it) */
};

_Static_assert(sizeof(struct xmip6_binding_fwd) == 64, "the forwarding half is one cache line");
#endif

/*
 * "binding_ctr": per-binding traffic, a per-CPU array indexed by the
 * binding's ctr_slot (struct xmip6_binding_fwd), with room for every
 * binding (max_entries = the bindings map's + 1: slot 0 is "none"), so
 * that the forwarding paths count with no lookup but the binding's own, no
 * lock and no atomic; user space sums the CPUs. "to_mn" is traffic to the
 * mobile node (HA: tunnelled to the CoA, in XDP or TC; CN: sent with a
 * type 2 Routing header; MN: taken out of its home agent's tunnel),
 * "from_mn" traffic from it (HA: taken out of the reverse tunnel; CN:
 * accepted with a Home Address option; MN: reverse-tunnelled). Counted on
 * the forwarding verdict only; bytes are those of the inner IPv6 packet,
 * header included (what the mobile node sent or receives, without tunnel
 * or link headers); a GSO packet counts as its gso_segs packets.
 *
 * "binding_slots" (hash, key __u32 slot, value struct in6_addr, allocated
 * as written) says which home address holds each slot: user/dp/maps.c
 * claims a free slot for a new binding with BPF_NOEXIST (so that xmip6d
 * and xmip6ctl never hand out one slot twice), zeroes its counters before
 * the binding names it, keeps it while the binding is refreshed or moves,
 * and releases it when the binding goes. No program reads it.
 *
 * With the counters off (XMIP6_CFG_F_NO_BCTR, from the daemon's
 * binding-counters setting) no binding gets a slot and nothing counts.
 */
struct xmip6_binding_ctr {
	__u64 to_mn_packets;
	__u64 to_mn_bytes;
	__u64 from_mn_packets;
	__u64 from_mn_bytes;
};

/*
 * HA, NEMO (RFC 3963): "prefixes" (hash, key struct xmip6_prefix_key with
 * the host bits of the prefix clear, value struct xmip6_prefix) maps each
 * registered Mobile Network Prefix to the home address of the mobile router
 * that registered it, whose binding in "bindings" (its flags with R:
 * mip6.h XMIP6_BU_F_ROUTER) holds the care-of address. "prefix_lens"
 * (array, one struct xmip6_prefix_lens) lists the prefix lengths in use,
 * longest first: the longest match for an address is the first length whose
 * masked key is in "prefixes" (bpf/nemo.h). A hash lookup per length in use
 * rather than an LPM trie: a trie walk grows with the number of prefixes
 * (docs/benchmarks.md), these lookups do not.
 * A packet to an address no binding holds takes the longest matching
 * prefix to that binding's tunnel (RFC 3963 section 6.5); a packet out of
 * the reverse tunnel whose inner source is no home address must lie in a
 * prefix of the router whose care-of address sent it (ingress filtering,
 * RFC 3963 section 6.4 and 9). Written by the daemon (user/dp/prefix.c)
 * on registration, emptied of a router's prefixes with its binding; a
 * length may stay listed after its last prefix went (a lookup more, no
 * harm) until the next full rebuild (start, reload).
 * Each entry carries a copy of its router's forwarding half ("fwd"), so
 * that a packet to the prefix takes one hash lookup, not two (docs/
 * benchmarks.md "NEMO"): user/dp/ rewrites the copies of a router's
 * prefixes with every write of its binding and empties them when it goes.
 * An entry whose copy is empty (care-of address ::, e.g. written by hand)
 * names its router's binding by home_addr, looked up per packet as before.
 * The data plane writes only the copy's tunnel MTU (bpf/pmtu.h).
 */
struct xmip6_prefix_key {
	__u32 prefixlen; /* 1..128; prefix: its host bits clear */
	struct in6_addr prefix;
};

struct xmip6_prefix {
	struct in6_addr home_addr; /* the mobile router's, a key of "bindings" */
	__u32 flags;		   /* XMIP6_PREFIX_F_* */
	__u32 reserved;
	struct xmip6_binding_fwd fwd; /* the router's, copied; empty: none */
};

#define XMIP6_PREFIX_F_IMPLICIT 0x1 /* from the configuration (implicit mode, RFC 3963 6.2) */

#define XMIP6_PREFIX_LENS_MAX 32 /* distinct prefix lengths in use at once */

struct xmip6_prefix_lens {
	__u32 n;			 /* lengths in len[] */
	__u8 len[XMIP6_PREFIX_LENS_MAX]; /* 1..128, longest first */
};

/*
 * "if_macs" (array, key ifindex, XMIP6_IF_MACS_MAX entries): the link-layer
 * address of each interface an XDP program is attached to, written by
 * dp_attach() and kept current by the daemon's link follower. A unicast
 * frame to another address (a bridge port flooding unknown unicast, a
 * promiscuous NIC) is the kernel's PACKET_OTHERHOST, dropped before IPv6
 * (eth_type_trans(), ip6_rcv_core()): the XDP programs pass it untouched
 * (rx_other_host) instead of tunnelling or signalling it. An array, not a
 * hash: a lookup is an inlined index (docs/benchmarks.md). An interface
 * without an entry (set 0, or an ifindex beyond the array) is not filtered
 * (rx_mac_unknown): a missing entry never black-holes traffic.
 */
#define XMIP6_IF_MACS_MAX 4096

struct xmip6_if_mac {
	__u8 addr[6]; /* ETH_ALEN */
	__u8 set;     /* 1: addr is the interface's; 0: no entry */
	__u8 reserved;
};

#define XMIP6_TUNNEL_MTU_AGE_S 600 /* RFC 8201 section 4: at least 5 minutes */

/*
 * Route optimisation (RFC 6275 sections 5.2, 6.3, 6.4, 9.3, 11.3.3).
 *
 * Correspondent node: its binding cache is the "bindings" map above, keyed
 * by home address, with care_of_addr the registered CoA (ha_addr unused,
 * flags without XMIP6_BU_F_HOME). Packets it sends to a bound home address
 * leave for the CoA with a type 2 routing header; packets from the CoA with
 * a Home Address option naming a bound home address are restored.
 *
 * Mobile node: one "ro" entry per correspondent it registered with through
 * return routability. Packets from home_addr to peer_addr leave from
 * care_of_addr with a Home Address option instead of the reverse tunnel,
 * while the entry lives and the home registration ("bindings") stands.
 */
struct xmip6_ro_key {
	struct in6_addr home_addr;
	struct in6_addr peer_addr; /* the correspondent node */
};

struct xmip6_ro {
	struct in6_addr care_of_addr; /* the CoA the correspondent holds */
	__u64 expires_ns;	      /* CLOCK_MONOTONIC, 0 = never */
	__u64 registered_ns;	      /* CLOCK_MONOTONIC of the accepting BA */
	__u32 lifetime_s;	      /* granted by the correspondent */
	__u16 sequence;		      /* of the accepted BU */
	__u16 flags;		      /* XMIP6_BU_F_* of the accepted BU */
};

/*
 * MN: "peers" (LRU hash, key struct xmip6_ro_key): correspondents the home
 * address sent packets to through the reverse tunnel, recorded by TC egress
 * when XMIP6_CFG_F_RO is set, so that the daemon can start return
 * routability with those its policy allows (RFC 6275 section 11.7.2).
 * last_seen_ns is refreshed at most once a second per peer.
 */
struct xmip6_peer {
	__u64 first_seen_ns;
	__u64 last_seen_ns;
	__u64 packets; /* counted at refresh granularity: approximate */
};

/*
 * The next-hop cache: what bpf_fib_lookup() answered for a (source,
 * destination, ingress device), kept so that the forwarding paths look no
 * route up per packet (a FIB lookup costs more than the rest of the HA
 * path: docs/benchmarks.md). "nexthops" is a per-CPU array of
 * XMIP6_NH_SLOTS slots, direct-mapped: the slot of a flow is
 * xmip6_nh_slot() of its addresses, and a slot holding other addresses is
 * a miss. Per CPU, so that a slot is never written while another CPU reads
 * it. The data plane fills a slot from its own FIB lookup on a miss (the
 * kernel's FIB stays the one authority: policy routes, nexthop objects and
 * ECMP are its business), and only while a daemon follows rtnetlink:
 *
 * "nh_state" (array, one entry) holds the generation. gen 0: nobody
 * follows the kernel's tables, the cache is not used (every packet looks
 * its route up, as without a cache). Otherwise a slot is live only while
 * its gen equals nh_state.gen: xmip6d bumps gen on every route, nexthop
 * object, link and neighbour change (net/nexthop.c decides which), so the
 * next packet of every flow looks its route up again. A generation holds
 * only until nh_state.lease_ns, which the daemon keeps pushing forward. The
 * data plane reads
 * gen before its FIB lookup and stores that value, so a lookup that raced
 * with a change is stored already stale.
 *
 * Keyed by addresses rather than by a next-hop id the daemon would write
 * into each binding: the reverse tunnel's inner packets go to any
 * correspondent, which no binding names, and the daemon would have to
 * redo the kernel's route selection (policy rules, source routes,
 * nexthop objects) for each one. Under ECMP a slot holds the path the FIB
 * chose for its addresses: the flows between two tunnel ends share it, as
 * they did with a lookup per packet (the lookup carries no ports).
 */
struct xmip6_nh {
	struct in6_addr dst; /* the key, checked: a slot is shared by hash */
	struct in6_addr src;
	__u32 iif;	/* ingress device the lookup was made for */
	__u32 gen;	/* nh_state.gen read before the lookup */
	__u32 ifindex;	/* egress device */
	__u16 mtu_fits; /* the longest packet the route took (0: length unchecked) */
	__u16 mtu;	/* the route's MTU once a longer one was refused, else 0 */
	__u8 smac[6];
	__u8 dmac[6];
};

struct xmip6_nh_state {
	__u32 gen;	/* 0: no follower, cache off */
	__u32 last_gen; /* the generation before the cache went off */
	__u64 gen_ns;	/* CLOCK_MONOTONIC of the last bump */
	__u64 bumps;	/* bumps since the follower started */
	/* CLOCK_MONOTONIC until which the follower vouches for gen: renewed
	 * while xmip6d runs, so that a killed daemon (no stop hook) leaves
	 * the cache on for XMIP6_NH_LEASE_MS at most. */
	__u64 lease_ns;
	/* XMIP6_NH_F_*, set with gen: what the follower saw of the tables
	 * in this generation. */
	__u32 flags;
	__u32 pad;
};

/*
 * No policy rule but the kernel's defaults (local 0, main 32766, default
 * 32767, no selector) and no route with a source prefix: the source of a
 * packet cannot change its route, so a slot is keyed without it (::) and
 * serves every home address behind one destination (bpf/fib.h
 * nh_resolve()). Recomputed by the follower with every rule and route
 * change, which also bumps gen.
 */
#define XMIP6_NH_F_SRC_FREE 0x1

/* The slot of a (source, destination, ingress device) in "nexthops". */
static inline __u32 xmip6_nh_slot(const struct in6_addr *src, const struct in6_addr *dst, __u32 iif)
{
	__u32 h = iif;
	int i;

	for (i = 0; i < 4; i++) {
		h = (h ^ dst->s6_addr32[i]) * 0x9e3779b1;
		h = (h ^ src->s6_addr32[i]) * 0x85ebca6b;
	}
	h ^= h >> 16;
	return h & (XMIP6_NH_SLOTS - 1);
}

/* xmip6_config.flags */
#define XMIP6_CFG_F_SIGNAL 0x1 /* a daemon reads the "signal" ring buffer */
#define XMIP6_CFG_F_RO	   0x2 /* MN: look up "ro" and record "peers" (RO policy on) */
#define XMIP6_CFG_F_ADMIT  0x4 /* HA: signalling admission through "admit" (below) */
/* The programs were loaded without per-binding counters (bpf/bctr.h
 * cfg_binding_counters 0): set or cleared by every attach, as loaded. */
#define XMIP6_CFG_F_NO_BCTR 0x8
#define XMIP6_CFG_F_MR	    0x80 /* MN: a mobile router, "mr_prefixes" (below) forwarded */

/*
 * MN as a mobile router (RFC 3963): "mr_prefixes" (LPM trie) maps each
 * Mobile Network Prefix behind it to the home address whose binding
 * carries it, written by the daemon at start (roles/mr.c). With
 * XMIP6_CFG_F_MR set, TC egress reverse-tunnels a forwarded packet whose
 * source lies in one of them (section 5.6), and XDP decapsulates a packet
 * from the home agent whose inner destination does (section 5.6), both
 * through that home address's binding, as for the router's own packets.
 */
#define XMIP6_MR_PREFIXES_MAX 64

struct xmip6_mr_prefix_key {
	__u32 prefixlen; /* LPM trie: bits of prefix that count */
	struct in6_addr prefix;
};

/*
 * HA: "admit" (hash, key struct in6_addr, value __u8, unused): the home
 * addresses of the daemon's mobile-nodes list. With XMIP6_CFG_F_ADMIT set
 * (accept-unlisted off) a Mobility Header packet to the HA whose home
 * address (the HAO's, else the source) is neither listed there nor bound
 * in "bindings" can only be refused (BA 133), and goes to the daemon at
 * XMIP6_SIG_UNLISTED_PPS a second per CPU at most; the rest is dropped in
 * XDP (sig_unlisted_drop). A flood of forged Binding Updates for random
 * home addresses then never fills the ring buffer the registrations of
 * listed mobile nodes go through (RFC 6275 section 15.1).
 */
#define XMIP6_SIG_UNLISTED_PPS	 200
#define XMIP6_SIG_UNLISTED_BURST 50

/* Single-entry array map "config": what the instance was attached as. */
struct xmip6_config {
	__u32 role;		 /* enum xmip6_role */
	__u32 flags;		 /* XMIP6_CFG_F_* */
	struct in6_addr ha_addr; /* HA: our tunnel endpoint; MN: our HA */
};

/*
 * Signalling hand-up. Without kernel MIP6 the stack drops a packet with a
 * Home Address option or a type 2 routing header (Parameter Problem) and has
 * no Mobility Header handler, so XDP hands every Mobility Header packet
 * meant for this node (HA: to ha_addr; MN: any unicast) to the daemon
 * through the BPF ring buffer "signal", when XMIP6_CFG_F_SIGNAL is set.
 * One record: struct xmip6_signal then the packet from its IPv6 header on.
 * A packet longer than XMIP6_SIGNAL_MAX_LEN, or one that finds the ring
 * full, is dropped and counted (sig_too_long, sig_ring_full): the sender
 * retransmits (RFC 6275 section 11.8).
 */
#define XMIP6_SIGNAL_MAX_LEN   1280
#define XMIP6_SIGNAL_RING_SIZE (256 * 1024)

/* xmip6_signal.flags */
#define XMIP6_SIGNAL_F_TUNNELLED 0x1 /* MN: came through the tunnel; packet is the inner one */
/*
 * CN, HA (to its own address), MN: not a Mobility Header packet but one
 * with a Home Address option that matches no binding (RFC 6275 section
 * 9.3.1): dropped by XDP, and handed up (at most XMIP6_SIGNAL_MAX_LEN
 * octets of it, len says how many) for the daemon's rate-limited Binding
 * Error status 1.
 */
#define XMIP6_SIGNAL_F_HAO_UNBOUND 0x2
/*
 * MN: not a Mobility Header packet but a Mobile Prefix Advertisement behind
 * a type 2 routing header for a bound home address (RFC 6275 section
 * 11.4.3), handed up whole with its RH2 and dropped by XDP: the stack would
 * answer the RH2 with Parameter Problem.
 */
#define XMIP6_SIGNAL_F_MPA 0x4
/*
 * HA: not a Mobility Header packet but a Mobile Prefix Solicitation to the
 * HA's address from a binding's care-of address, its home address in a Home
 * Address option (RFC 6275 section 11.4.3), handed up whole and dropped by
 * XDP: the stack would answer the option with Parameter Problem.
 */
#define XMIP6_SIGNAL_F_MPS 0x8

/*
 * HA: a Mobility Header packet to it for an admitted home address carries
 * the binding of that home address as the program found it, so that the
 * daemon need not look it up again (two bpf() calls a BU) unless it wrote
 * the binding since (user/dp/wlog.c). at_ns is bpf_ktime_get_ns() taken
 * before the lookups (CLOCK_MONOTONIC, as the daemon's clock).
 */
#define XMIP6_SNAP_TAKEN 0x1 /* looked up: home_addr, at_ns, and whether bound */
#define XMIP6_SNAP_BOUND 0x2 /* a binding, both halves: fwd and ctl */

struct xmip6_signal_snap {
	__u64 at_ns;
	struct in6_addr home_addr;
	__u32 flags; /* XMIP6_SNAP_*; 0: none taken */
	__u32 reserved;
	struct xmip6_binding_fwd fwd;
	struct xmip6_binding_ctl ctl;
};

struct xmip6_signal {
	__u32 ifindex; /* device the packet arrived on */
	__u16 len;     /* octets of packet that follow */
	__u16 flags;   /* XMIP6_SIGNAL_F_* */
	__u64 rx_ns;   /* CLOCK_MONOTONIC (coarse) at reception */
	struct xmip6_signal_snap snap;
	__u8 packet[XMIP6_SIGNAL_MAX_LEN];
};

/*
 * SO_MARK of the daemon's own signalling packets: the TC egress programs
 * pass them untouched (a deregistration BU from home must not be
 * reverse-tunnelled, nor a BA to a home address tunnelled).
 */
#define XMIP6_MARK_SIGNAL 0x6d697036 /* "mip6" */

/*
 * Per-CPU counters: every verdict and every drop reason. One X-macro makes
 * the BPF struct (named fields, so `bpftool map dump` prints names) and the
 * user-space name table.
 */
#define XMIP6_STATS(X)                                                                       \
	X(rx_not_ipv6, "non-IPv6 frames passed to the stack")                                \
	X(rx_malformed, "truncated or inconsistent IPv6 frames dropped")                     \
	X(rx_no_binding, "IPv6 packets without a binding passed untouched")                  \
	X(rx_not_unicast, "multicast/link-local/unspecified destinations passed")            \
	X(rx_other_host, "unicast frames to another host's MAC passed (the stack drops)")    \
	X(rx_mac_unknown, "frames on an interface without an if_macs entry: not checked")    \
	X(rx_jumbo, "jumbograms (payload length 0, Hop-by-Hop) passed to the stack")         \
	X(rx_bad_src, "non-global sources (multicast, link-local, ::, ::1): not rewritten")  \
	X(rx_nd_pass, "HA: Neighbor Discovery to a bound home address passed (proxy ND)")    \
	X(ha_encap_fwd, "HA: packets to a home address tunnelled and forwarded in XDP")      \
	X(ha_encap_stack, "HA: tunnelled, handed to the stack to resolve the neighbour")     \
	X(ha_hop_limit, "HA: hop limit <= 1, handed to the stack for Time Exceeded")         \
	X(ha_ptb_sent, "HA: too big for the tunnel, ICMPv6 Packet Too Big returned")         \
	X(ptb_ratelimited, "too big for the tunnel, PTB rate-limited, dropped")              \
	X(tunnel_pmtu_learned, "Packet Too Big about a tunnel packet: tunnel MTU lowered")   \
	X(ha_no_route, "HA: no route to the care-of address, dropped")                       \
	X(ha_decap_fwd, "HA: reverse-tunnelled packets decapsulated and forwarded")          \
	X(ha_decap_stack, "HA: decapsulated, handed to the stack")                           \
	X(ha_spoofed_coa, "HA: reverse tunnel not from the binding's CoA, dropped")          \
	X(ha_tunnel_no_binding, "HA: tunnelled packet from an unbound source, dropped")      \
	X(ha_local_encap, "HA: locally sent packets to a home address tunnelled (TC)")       \
	X(mn_decap, "MN: tunnelled packets from the home agent decapsulated")                \
	X(mn_tunnel_bad_src, "MN: tunnelled packets not from our HA to our CoA, dropped")    \
	X(mn_encap, "MN: packets from the home address reverse-tunnelled (TC)")              \
	X(mn_ptb_local, "MN: too big for the tunnel, PTB looped to the local stack")         \
	X(mn_no_route, "MN: no route to the home agent, dropped")                            \
	X(tc_pass, "TC egress: packets passed untouched")                                    \
	X(tc_signal_bypass, "TC egress: the daemon's signalling (SO_MARK) passed untouched") \
	X(tc_nd_pass, "TC egress: Neighbor Discovery (link-scoped) passed, never tunnelled") \
	X(sig_to_daemon, "Mobility Header packets handed to the daemon")                     \
	X(sig_no_daemon, "Mobility Header packets passed to the stack: no daemon")           \
	X(sig_too_long, "Mobility Header packets too long for the ring record, dropped")     \
	X(sig_ring_full, "Mobility Header packets dropped: daemon ring buffer full")         \
	X(sig_unlisted_drop, "HA: MH for unlisted, unbound home addresses over the rate")    \
	X(expired_binding, "packets that matched an expired binding (treated as none)")      \
	X(internal_error, "helper failures (adjust head/room, store), dropped")              \
	X(cn_hao_accept, "CN: Home Address option from the bound CoA: source restored")      \
	X(cn_hao_unbound, "CN: Home Address option without binding or from another CoA")     \
	X(cn_hao_invalid, "CN: Home Address option naming a non-global address, dropped")    \
	X(cn_rh2_drop, "CN: type 2 Routing header at a correspondent node, dropped")         \
	X(cn_rh2_insert, "CN: packets to a bound home address sent to the CoA with an RH2")  \
	X(cn_ptb_local, "CN: too big once the RH2 is added, PTB looped to the local stack")  \
	X(cn_no_route, "CN: no route to the care-of address, dropped")                       \
	X(ro_ext_pass, "RO: packets with a Hop-by-Hop or Routing header left as they were")  \
	X(ro_gso, "RO: GSO packets given an RH2 or a HAO (gso_size lowered by 24)")          \
	X(mn_hao_insert, "MN: route-optimised packets sent from the CoA with a HAO (TC)")    \
	X(mn_ro_expired, "MN: route optimisation entries found expired (treated as none)")   \
	X(mn_peer_new, "MN: correspondents newly recorded in the peers map")                 \
	X(mn_rh2_accept, "MN: type 2 Routing header for our home address consumed")          \
	X(rh2_bad, "MN: type 2 Routing header malformed or not for a home address, dropped") \
	X(mn_rh2_daemon, "MN: Mobile Prefix Advertisement with its RH2 handed up (+ sig_*)") \
	X(ha_mps_daemon, "HA: Mobile Prefix Solicitation with its HAO handed up (+ sig_*)")  \
	X(ha_hao_unbound, "HA: Home Address option to the HA without binding, dropped")      \
	X(mn_hao_unbound, "MN: Home Address option without binding, dropped (BE 1)")         \
	X(mr_encap, "MR: packets from a mobile network reverse-tunnelled to the HA")         \
	X(mr_decap, "MR: packets for a mobile network decapsulated, to the kernel")          \
	X(ha_decap_reencap, "HA: decapsulated for another bound home address, re-tunnelled") \
	X(nh_miss, "next-hop cache: missed or stale, the route looked up (bpf_fib_lookup)")  \
	X(nh_fill, "next-hop cache: slots filled from a route lookup")                       \
	X(ha_prefix_encap, "HA: to a mobile network prefix, via its router (+ its encap)")   \
	X(ha_prefix_decap, "HA: reverse tunnel from a router's prefix (+ ha_decap_*)")       \
	X(ha_prefix_spoofed, "HA: reverse tunnel, source in other router's prefix, dropped") \
	X(binding_ctr_full, "per-binding counters: no room for a binding's entry, uncounted")

#define XMIP6_STAT_FIELD(name, desc) __u64 name;
struct xmip6_stats {
	XMIP6_STATS(XMIP6_STAT_FIELD)
};
#undef XMIP6_STAT_FIELD

#define XMIP6_STAT_COUNT (sizeof(struct xmip6_stats) / sizeof(__u64))

#endif /* XMIP6_H */
