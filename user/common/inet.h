/* SPDX-License-Identifier: GPL-2.0 */
/*
 * inet.h - what every user of raw IPv6 sockets here shares: the Internet
 * checksum over the IPv6 pseudo-header (RFC 8200 section 8.1), and the
 * set-up of a raw ICMPv6 socket (filter, hop limits, ancillary data).
 *
 * The Mobility Header (wire/mh.c), Neighbor Discovery (net/ndisc.c),
 * DHAAD/MPD (wire/disc.c, roles/disc_io.c) and movement detection
 * (roles/movement.c) all use these, so a checksum or socket option is
 * written once.
 */
#ifndef XMIP6_INET_H
#define XMIP6_INET_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>
#include <linux/types.h>

/* One's complement sum of @len octets, 16 bits at a time in network order,
 * added to @sum and not yet folded (so sums can be chained). */
__u64 inet_csum_add(__u64 sum, const void *data, size_t len);

/* @sum folded to 16 bits; not complemented. */
__u16 inet_csum_fold(__u64 sum);

/* The pseudo-header of RFC 8200 section 8.1: source, final destination,
 * 32-bit upper-layer length and next header, summed but not folded. */
__u64 inet_pseudo_sum(const struct in6_addr *src, const struct in6_addr *dst, __u32 len,
		      __u8 next_header);

/*
 * The upper-layer checksum of @data (host order): the complement of the
 * folded sum over the pseudo-header and @data. Computed over a message whose
 * checksum field is zero it is the value to put there; over a received
 * message with its checksum in place it is 0 when the checksum is right.
 */
__u16 inet_checksum(const struct in6_addr *src, const struct in6_addr *dst, __u8 next_header,
		    const void *data, size_t len);

/* RFC 4861 sections 6.1, 7.1.1: Neighbor Discovery messages are sent with
 * hop limit 255 and accepted only with it (proof of an on-link sender). */
#define INET_ND_HOP_LIMIT 255

/* setsockopt() of an int: 0 or -errno. */
int inet_set_int(int fd, int level, int name, int val);

/* How inet_icmp6_socket() sets the socket up. */
struct inet_icmp6_opts {
	const int *pass; /* ICMPv6 types let through, -1 terminated; NULL: none */
	bool nonblock;
	/* RFC 4861: hop limit 255 on unicast and multicast, no multicast loop. */
	bool nd_hop_limit;
	/* IPV6_RECVPKTINFO and IPV6_RECVHOPLIMIT: the arrival interface and the
	 * hop limit every Neighbor Discovery receiver must check. */
	bool recv_info;
};

/* A raw ICMPv6 socket set up per @opts: its fd, or -errno (nothing logged). */
int inet_icmp6_socket(const struct inet_icmp6_opts *opts);

#endif /* XMIP6_INET_H */
