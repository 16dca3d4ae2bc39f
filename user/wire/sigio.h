/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sigio.h - Mobility Header packets in and out of xmip6d, without kernel MIP6.
 *
 * In: the XDP programs hand each Mobility Header packet up through the
 * "signal" ring buffer (headers/xmip6.h). sig_parse_packet() walks its IPv6
 * extension headers (Hop-by-Hop, Destination Options, type 2 Routing) to the
 * MH, collecting the Home Address option and the type 2 routing header, and
 * works out the addresses RFC 6275 section 6.1.1 puts in the MH checksum
 * pseudo-header.
 *
 * Out: sig_build_packet() lays out IPv6 header [+ type 2 routing header]
 * [+ Destination Options with the HAO] + MH (RFC 8200 section 4.1 order; RFC
 * 6275 section 6.3 puts the HAO after any routing header) and sets the MH
 * checksum over the right pseudo-header (HAO's home address as source, RH2's
 * home address as destination). sig_send() sends such a packet on an
 * IPPROTO_RAW socket (IPV6_HDRINCL: the kernel cannot build a HAO or RH2
 * without MIP6) marked XMIP6_MARK_SIGNAL, so xmip6's TC programs let it
 * pass. ICMPv6 Parameter Problem goes out through a raw ICMPv6 socket.
 */
#ifndef XMIP6_SIGIO_H
#define XMIP6_SIGIO_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>
#include <linux/types.h>

#include "xmip6.h"

struct sig_rx {
	int ifindex;
	bool tunnelled;	     /* XMIP6_SIGNAL_F_TUNNELLED */
	struct in6_addr src; /* IPv6 header: the CoA when a HAO is present */
	struct in6_addr dst; /* IPv6 header */
	bool has_hao;
	struct in6_addr hao; /* home address from the HAO */
	bool has_rt2;
	struct in6_addr rt2; /* home address from the type 2 routing header */
	/* Pseudo-header of the MH checksum (section 6.1.1). */
	struct in6_addr mh_src; /* hao if present, else src */
	struct in6_addr mh_dst; /* rt2 if present, else dst */
	__u8 hop_limit;
	const __u8 *packet; /* the whole packet, from the IPv6 header */
	size_t packet_len;
	const __u8 *mh; /* the MH, to the end of the packet */
	size_t mh_len;
	size_t mh_offset; /* of the MH within the packet (ICMPv6 pointers) */
	/* mono_now_ns() when the daemon took the packet from the ring; 0: not
	 * from the ring. The BU->BA latency histogram starts from it. */
	unsigned long long rx_ns;
	/* The binding of the home address as the XDP program found it (HA,
	 * headers/xmip6.h), or NULL: valid while the packet is. */
	const struct xmip6_signal_snap *snap;
};

/* Extension headers sig_parse_packet() walks before it gives up on the MH. */
#define SIG_MAX_EXT_HDRS 8

/*
 * Parse @len octets of packet. 0 and @rx filled; -EBADMSG when it is
 * truncated, its payload length disagrees with @len, an extension header
 * overruns, the HAO or RH2 is malformed (mh_find_hao/mh_parse_rt2), there
 * is more than one of either, or the chain does not reach an MH within 8
 * headers; -EPROTONOSUPPORT for a Fragment header (MH is never fragmented
 * by a conforming sender; dropped).
 *
 * Also -EBADMSG, as this is the only IPv6 stack these packets meet:
 *  - a Hop-by-Hop header anywhere but right after the IPv6 header, or any
 *    header other than Hop-by-Hop, Destination Options and Routing before
 *    the MH (RFC 8200 section 4.1: the packet is not an MH packet);
 *  - an option whose type's two high bits ask to discard the packet when it
 *    is not understood (RFC 8200 section 4.2), i.e. anything but Pad1, PadN
 *    and options of action 00, except the HAO in Destination Options. No
 *    ICMPv6 is sent for it;
 *  - a routing header of a type other than 2 with Segments Left > 0 (one
 *    with Segments Left 0 is skipped, RFC 8200 section 4.4);
 *  - a HAO or RH2 home address that is multicast, loopback, link-local or
 *    unspecified (a home address is a routable unicast address);
 *  - an MH too short to hold its Header Len field. Otherwise mh_len is the
 *    rest of the packet, whatever the MH's Header Len says: mh_parse()
 *    checks the two agree.
 * Failures are logged at debug level only (the caller decides what to say).
 * @rx points into @packet, which must outlive it.
 */
int sig_parse_packet(const void *packet, size_t len, int ifindex, bool tunnelled,
		     struct sig_rx *rx);

struct sig_tx {
	struct in6_addr src;	    /* IPv6 header source (MN: the CoA) */
	struct in6_addr dst;	    /* IPv6 header destination (HA -> MN: the CoA) */
	const struct in6_addr *hao; /* NULL: no Destination Options header */
	const struct in6_addr *rt2; /* NULL: no type 2 routing header */
	__u8 hop_limit;		    /* 0: 64 */
	const void *mh;		    /* a built MH, checksum field anything */
	size_t mh_len;
	/*
	 * Both set: the packet above goes IPv6-in-IPv6 (RFC 2473) inside an
	 * outer header tunnel_src -> tunnel_dst, next header 41, hop limit 64.
	 * A mobile node's HoTI is reverse-tunnelled so, CoA -> HA around HoA ->
	 * CN (RFC 6275 section 5.2.5), built whole here because it must not
	 * meet TC egress (a HoTI carries no HAO, RFC 6275 section 6.1.3).
	 */
	const struct in6_addr *tunnel_src;
	const struct in6_addr *tunnel_dst;
};

/* Octets the outer header of a tunnelled sig_tx adds. */
#define SIG_TUNNEL_OVERHEAD 40

/*
 * Lay the packet out in @buf (@size octets) and set the MH checksum in the
 * copy. Returns the packet length or -ENOSPC / -EINVAL (no @mh, or @mh_len
 * below 6 octets, where the Checksum field ends, or above MH_MAX_LEN, or
 * only one of tunnel_src and tunnel_dst). The MH itself is not checked, so
 * that tests can send malformed ones.
 */
int sig_build_packet(void *buf, size_t size, const struct sig_tx *tx);

/*
 * The ICMPv6 socket is not marked: a Parameter Problem from a home address
 * must be reverse-tunnelled like any other packet from it.
 */
/* Called by sig_flush() for each queued packet the kernel refused: its tag and -errno. */
typedef void (*sig_failed_fn)(void *ctx, __u32 tag, int err);
/* Called by sig_flush() before the batch leaves: the state its answers report goes first. */
typedef void (*sig_before_fn)(void *ctx);

struct sig_batch;

struct sig_socks {
	int raw_fd;  /* AF_INET6 SOCK_RAW IPPROTO_RAW, SO_MARK XMIP6_MARK_SIGNAL */
	int icmp_fd; /* AF_INET6 SOCK_RAW IPPROTO_ICMPV6, send only (ICMP6_FILTER blocks all) */
	/* sig_queue()'s packets, between sig_batch_start() and sig_batch_stop(). */
	struct sig_batch *batch;
	bool queueing;
	sig_failed_fn failed;
	sig_before_fn before;
	void *failed_ctx; /* and before's */
};

/* 0, or -errno (logged) with both descriptors -1. */
int sig_open(struct sig_socks *s);
/*
 * Closes what sig_open() opened; safe to call twice and after a failed
 * sig_open(), not on a struct sig_open() never saw (0 is a descriptor).
 */
void sig_close(struct sig_socks *s);

/*
 * Build and send @tx. 0 or -errno (sendmsg's; not logged: the caller knows
 * what it sent). The route is looked up for tx->dst (tx->tunnel_dst when
 * tunnelled) with the socket's mark and, through IPV6_PKTINFO, tx->src
 * (tx->tunnel_src) as source, so "ip rule from" and
 * "fwmark" rules apply (a multihomed MN sends from each CoA out of its own
 * interface). IPV6_FREEBIND: tx->src need not be configured (yet), as
 * IPV6_HDRINCL never required it.
 */
int sig_send(struct sig_socks *s, const struct sig_tx *tx);

/*
 * Batched sending: one sendmmsg() for up to SIG_BATCH_MAX packets, where a
 * burst of messages is answered at once (the daemon, per drain of the
 * signal ring). Between sig_batch_start() and sig_batch_stop(),
 * sig_queue() builds @tx into the batch (0, or sig_build_packet()'s error)
 * and sends the batch when it is full; sig_flush() sends what is queued
 * and returns how many the kernel took; each one it refused goes to
 * @failed with the @tag it was queued with; @before (may be NULL) is called
 * first, every time. Outside a batch sig_queue() is
 * sig_send(). sig_batch_start(): 0 or -ENOMEM (the batch is allocated once,
 * freed by sig_close()); sig_batch_stop() flushes.
 */
#define SIG_BATCH_MAX 64

int sig_batch_start(struct sig_socks *s, sig_failed_fn failed, sig_before_fn before, void *ctx);
int sig_queue(struct sig_socks *s, const struct sig_tx *tx, __u32 tag);
unsigned int sig_flush(struct sig_socks *s);
void sig_batch_stop(struct sig_socks *s);

/*
 * ICMPv6 Parameter Problem (@code, RFC 4443 section 3.4) about the received
 * @rx, @pointer octets into it, to rx->src (section 9.2: the source of the
 * offending packet), from rx->dst, quoting as much of the invoking packet
 * as fits in 1280 octets (RFC 4443 section 2.4 (c)): at most
 * SIG_PARAM_PROBLEM_QUOTE_MAX octets. The kernel sets the ICMPv6 checksum.
 * -EINVAL (nothing sent) when RFC 4443 section 2.4 (e) forbids the error:
 * rx->src unspecified or multicast, or rx->dst multicast and @code not 2
 * (then the kernel picks the source). Failures are logged (pr_warn), and the
 * caller rate-limits (section 2.4 (f)): raw sockets are not.
 */
#define SIG_PARAM_PROBLEM_QUOTE_MAX (XMIP6_IPV6_MIN_MTU - 40 - 8)

int sig_send_param_problem(struct sig_socks *s, const struct sig_rx *rx, __u8 code, __u32 pointer);

#endif /* XMIP6_SIGIO_H */
