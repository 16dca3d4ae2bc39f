/* SPDX-License-Identifier: GPL-2.0 */
/*
 * disc_io.h - the sockets both sides of home agent and prefix discovery
 * use (disc_ha.c, disc_mn.c): a raw ICMPv6 socket for the messages the
 * kernel delivers, and a packet socket for those it would drop, an MPS
 * with a Home Address option or an MPA with a type 2 routing header (the
 * kernel has no MIP6).
 */
#ifndef XMIP6_DISC_IO_H
#define XMIP6_DISC_IO_H

#include <stddef.h>
#include <netinet/in.h>
#include <linux/types.h>

#define DISC_PKT_BUF_LEN 2048
#define DISC_READ_BUDGET 64 /* messages read per wake-up */

struct disc_socks {
	int icmp_fd; /* raw ICMPv6, with arrival interface and hop limit */
	int pkt_fd;  /* packet socket: IPv6 packets of one Next Header */
};

/*
 * Open both: ICMPv6 passing @icmp_types (-1 terminated), the packet socket
 * taking IPv6 packets whose Next Header is @nexthdr. 0 or -errno, logged
 * (@pkt_what names what the packet socket is for); nothing stays open.
 */
int disc_socks_open(struct disc_socks *s, const int *icmp_types, __u8 nexthdr,
		    const char *pkt_what);
void disc_socks_close(struct disc_socks *s);

struct disc_icmp_rx {
	struct in6_addr src, dst;
	int ifindex, hoplimit;
	__u8 data[DISC_PKT_BUF_LEN];
	size_t len;
};

/* One ICMPv6 message from @fd: 1, 0 when none is queued, -errno. */
int disc_icmp_recv(int fd, struct disc_icmp_rx *rx);
/* An ICMPv6 message from @src to @dst; the kernel sets the checksum. 0 or -errno. */
int disc_icmp_send(int fd, const void *msg, size_t len, const struct in6_addr *src,
		   const struct in6_addr *dst);

/*
 * One packet from the packet socket @fd into @buf (IPv6 header first): its
 * length; 0 for one we sent ourselves (skip it); -errno, -EAGAIN when none
 * is queued.
 */
int disc_pkt_recv(int fd, void *buf, size_t size);

/* A whole IPv6 packet (disc_build_mps_pkt, disc_build_mpa_pkt) out of the raw socket @raw_fd. */
int disc_raw_send(int raw_fd, const void *pkt, size_t len, const struct in6_addr *dst);

/* A fresh Identifier for a request or solicitation. */
__u16 disc_random_id(void);

#endif /* XMIP6_DISC_IO_H */
