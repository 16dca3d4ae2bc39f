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
 * (section 11.5.4), and the probe's NS from :: to learn its home agent's
 * link-layer address before the deregistration's BA (the answer's Target
 * Link-Layer Address option is kept).
 */
#ifndef XMIP6_NDISC_H
#define XMIP6_NDISC_H

#include <stdbool.h>
#include <netinet/in.h>
#include <linux/types.h>

/*
 * Concurrent proxy DAD probes. Each first registration on a home link waits
 * a RetransTimer for its probe (two with L: the link-local twin too), so
 * this bounds first registrations to NDISC_MAX_DAD / 2 a RetransTimer; the
 * rest are dropped (dad_busy) and retransmitted by the mobile node. Each
 * probe's solicited-node group is one membership of the ND socket, which
 * the kernel charges to net.core.optmem_max (20 KiB up to Linux 6.8, about
 * 300 groups; 128 KiB since): a join it refuses is dad_busy too.
 */
#define NDISC_MAX_DAD 1024

struct ndisc_dad {
	bool active;
	int ifindex;
	struct in6_addr target;
	bool in_use; /* an answer was seen */
	/* The Target Link-Layer Address option of the last NA for the
	 * target: a probe doubles as address resolution from :: (the
	 * mobile node's for its home agent, RFC 6275 section 11.5.4). */
	bool has_lladdr;
	__u8 lladdr[6];
};

struct ndisc {
	int fd; /* raw ICMPv6, non-blocking */
	/*
	 * Raw IPv6 with the header included, for the DAD NS only: with an
	 * unspecified ipi6_addr the kernel picks a source address, so an NS
	 * from :: (RFC 4862 5.4.2) must carry its own IPv6 header.
	 */
	int raw_fd;
	/* The probes running: dad[0, n_dad), so that a home link's ND
	 * traffic is matched against those alone. */
	int n_dad;
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

/*
 * The link-layer address the last NA for a running probe's target carried
 * (its Target Link-Layer Address option): 0 and @lladdr filled, -ENOENT when
 * there is no such probe or no such NA yet.
 */
int ndisc_dad_lladdr(const struct ndisc *nd, int ifindex, const struct in6_addr *target,
		     __u8 lladdr[6]);

/* ---- receive side: the parse, separate from the socket (fuzzed, unit-tested) ---- */

/* What the socket tells about a received NS or NA (ancillary data, sender). */
struct ndisc_rx_meta {
	struct in6_addr src, dst;
	int ifindex;
	int hlim; /* the IPv6 Hop Limit; -1 when the kernel did not say */
};

/* A Neighbor Solicitation or Advertisement that passed RFC 4861 7.1.1/7.1.2. */
struct ndisc_msg {
	__u8 type;  /* ND_NEIGHBOR_SOLICIT (135) or ND_NEIGHBOR_ADVERT (136) */
	__u8 flags; /* NA: the R 0x80, S 0x40, O 0x20 octet; NS: 0 */
	struct in6_addr target;
	/* Whether a Source / Target Link-Layer Address option is present, and
	 * the first 6 octets of the first one's address (Ethernet, RFC 2464
	 * section 6; an option is at least 8 octets, so they always exist). */
	bool has_slla, has_tlla;
	__u8 slla[6], tlla[6];
};

#define NDISC_NA_F_ROUTER    0x80
#define NDISC_NA_F_SOLICITED 0x40
#define NDISC_NA_F_OVERRIDE  0x20

/*
 * Validate and parse the ICMPv6 message @icmp (@len octets, from its type
 * octet; the kernel has checked the checksum) received as @meta says, with
 * the checks of RFC 4861 7.1.1 (NS) and 7.1.2 (NA) the kernel does not make.
 * Returns 0 and fills @msg, -ENOMSG when it is neither NS nor NA, -EBADMSG
 * when it is truncated, has a code other than 0 or an option of length 0
 * or running past the end, -EINVAL when it is well formed but invalid: hop
 * limit not 255, multicast target, a Solicited NA to a multicast group, an
 * NS from :: not to a solicited-node group or with a source link-layer
 * address option.
 */
int ndisc_parse(const void *icmp, size_t len, const struct ndisc_rx_meta *meta,
		struct ndisc_msg *msg);

/*
 * One received message through ndisc_parse() and onto the probes (what
 * ndisc_read() does with each packet; needs no socket): 1 when it newly
 * marked a probe in use (RFC 4862 5.4.3/5.4.4), 0 when it answered for no
 * probe, or the -errno of ndisc_parse().
 */
int ndisc_take(struct ndisc *nd, const void *icmp, size_t len, const struct ndisc_rx_meta *meta);

/* The interface's RetransTimer in ms (/proc/sys/net/ipv6/neigh/IF/retrans_time_ms), 1000 if unreadable. */
unsigned int ndisc_retrans_time_ms(int ifindex);

/*
 * net.ipv6.conf.IFNAME.proxy_ndp: the kernel answers Neighbor Solicitations
 * for its proxy entries on IFNAME only when it is set (or "all" is). Writes
 * @value and gives the value it replaced in @old (may be NULL). 0 or -errno.
 */
int ndisc_proxy_ndp_set(const char *ifname, int value, int *old);

/* Any net.ipv6.conf.IFNAME.NAME (IFNAME "all" too), as ndisc_proxy_ndp_set(). */
int ndisc_conf_set(const char *ifname, const char *name, int value, int *old);

#endif /* XMIP6_NDISC_H */
