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

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>
#include <linux/types.h>

#include "daemon/daemon.h"
#include "wire/disc.h"

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
/* Into the daemon's loop: @icmp_readable, @pkt_readable for the sockets, @tick. */
int disc_socks_hook(struct daemon *d, const struct disc_socks *s, daemon_hook_fn icmp_readable,
		    daemon_hook_fn pkt_readable, daemon_hook_fn tick, void *arg);

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

/* What takes an MPS or MPA read off the packet socket (disc_mp_read). */
typedef void (*disc_mp_fn)(void *arg, const struct disc_mp_pkt *mp, bool csum_ok,
			   unsigned long long now_ns);

/*
 * One IPv6 packet @pkt of @len octets (off the packet socket, or handed up
 * by the data plane) parsed by @parse: an MPS or MPA to @take(@arg), with
 * whether its checksum is right; anything else is ignored.
 */
void disc_mp_take(const void *pkt, size_t len,
		  int (*parse)(const void *pkt, size_t len, struct disc_mp_pkt *out),
		  disc_mp_fn take, void *arg, unsigned long long now_ns);

/*
 * Every packet queued on the packet socket @fd (up to DISC_READ_BUDGET),
 * read into @buf and parsed by @parse (disc_parse_mps_pkt or
 * disc_parse_mpa_pkt): each MPS or MPA to @take(@arg), with whether its
 * checksum is right. Our own packets and others are skipped.
 */
void disc_mp_read(int fd, void *buf, size_t size,
		  int (*parse)(const void *pkt, size_t len, struct disc_mp_pkt *out),
		  disc_mp_fn take, void *arg, unsigned long long now_ns);

/* A whole IPv6 packet (disc_build_mps_pkt, disc_build_mpa_pkt) out of the raw socket @raw_fd. */
int disc_raw_send(int raw_fd, const void *pkt, size_t len, const struct in6_addr *dst);

/* A fresh Identifier for a request or solicitation. */
__u16 disc_random_id(void);

#endif /* XMIP6_DISC_IO_H */
