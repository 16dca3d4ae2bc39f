/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ndisc.h - the Neighbor Discovery (RFC 4861/4862) messages a home agent
 * sends and watches on behalf of its mobile nodes (RFC 6275 section 10.4.1),
 * on one raw ICMPv6 socket (hop limit 255, filtered to NS and NA).
 *
 *  - unsolicited NA: after accepting a home registration the HA multicasts
 *    a Neighbor Advertisement for the home address to all-nodes, Override
 *    set, Router and Solicited clear, with its own link-layer address, so
 *    that nodes on the home link re-point their caches at the HA;
 *  - proxy DAD: before the first registration of an address, the HA sends
 *    a DAD Neighbor Solicitation (source ::, to the solicited-node group of
 *    the address, no source link-layer option) and watches for an NA for
 *    that target (or a DAD NS for it from another node) until the caller's
 *    timeout; seeing one means the address is in use (BA status 134).
 *
 * The mobile node uses the unsolicited NA too, when it is back home
 * (section 11.5.4).
 */
#ifndef XMIP6_NDISC_H
#define XMIP6_NDISC_H

#include <stdbool.h>
#include <netinet/in.h>
#include <linux/types.h>

#define NDISC_MAX_DAD 64 /* concurrent proxy DAD probes */

struct ndisc_dad {
	bool active;
	int ifindex;
	struct in6_addr target;
	bool in_use; /* an answer was seen */
};

struct ndisc {
	int fd; /* raw ICMPv6, non-blocking */
	/*
	 * Raw IPv6 with the header included, for the DAD NS only: with an
	 * unspecified ipi6_addr the kernel picks a source address, so an NS
	 * from :: (RFC 4862 5.4.2) must carry its own IPv6 header.
	 */
	int raw_fd;
	struct ndisc_dad dad[NDISC_MAX_DAD];
};

int ndisc_open(struct ndisc *nd);
void ndisc_close(struct ndisc *nd);

/* Unsolicited NA for @target from @ifindex with @lladdr (6 octets). */
int ndisc_send_unsolicited_na(struct ndisc *nd, int ifindex, const struct in6_addr *target,
			      const __u8 lladdr[6], bool router);

/*
 * Start a proxy DAD probe for @target on @ifindex: join the solicited-node
 * group (so NS from a simultaneous DAD is seen) and send the NS.
 * -EBUSY when NDISC_MAX_DAD probes are running, -EALREADY when one for
 * the same (ifindex, target) is.
 */
int ndisc_dad_start(struct ndisc *nd, int ifindex, const struct in6_addr *target);

/*
 * Read what is queued on the socket (call when nd->fd is readable) and mark
 * probes whose target was answered for. Returns how many probes it newly
 * marked in use, or -errno.
 */
int ndisc_read(struct ndisc *nd);

/*
 * End a probe (the caller's timeout ran out, normally the interface's
 * RetransTimer): 1 when the address is in use, 0 when free, -ENOENT when no
 * such probe. Leaves the solicited-node group.
 */
int ndisc_dad_finish(struct ndisc *nd, int ifindex, const struct in6_addr *target);

/* The interface's RetransTimer in ms (/proc/sys/net/ipv6/neigh/IF/retrans_time_ms), 1000 if unreadable. */
unsigned int ndisc_retrans_time_ms(int ifindex);

#endif /* XMIP6_NDISC_H */
