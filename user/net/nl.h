/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nl.h - the rtnetlink xmip6d needs, on libmnl: proxy NDP entries and
 * neighbour entries for home addresses (HA), addresses (MN: home address on
 * lo or the home link), and a monitor of address and link events.
 *
 * Requests are synchronous (send, wait for the ACK) and return 0 or -errno
 * from the kernel's NLMSG_ERROR. Nothing is logged here: callers log once.
 */
#ifndef XMIP6_NL_H
#define XMIP6_NL_H

#include <stdbool.h>
#include <netinet/in.h>
#include <linux/types.h>

struct mnl_socket;

struct nl {
	struct mnl_socket *req; /* requests and dumps */
	struct mnl_socket *mon; /* NULL until nl_monitor_open() */
	__u32 seq;
	__u32 portid;
};

int nl_open(struct nl *nl);
void nl_close(struct nl *nl);

/* Proxy NDP entry (ip -6 neigh add proxy ADDR dev IF); add replaces. */
int nl_proxy_add(struct nl *nl, int ifindex, const struct in6_addr *addr);
int nl_proxy_del(struct nl *nl, int ifindex, const struct in6_addr *addr); /* -ENOENT if none */
/* Every proxy NDP entry of @ifindex (all when 0): @cb per address, stops on non-zero. */
typedef int (*nl_proxy_cb)(const struct in6_addr *addr, void *ctx);
int nl_proxy_dump(struct nl *nl, int ifindex, nl_proxy_cb cb, void *ctx);

/*
 * Permanent neighbour entry ADDR -> @lladdr (6 octets) on @ifindex, replacing
 * any entry; nl_neigh_del removes it (-ENOENT if none).
 */
int nl_neigh_set_permanent(struct nl *nl, int ifindex, const struct in6_addr *addr,
			   const __u8 lladdr[6]);
/*
 * Reachable neighbour entry ADDR -> @lladdr on @ifindex, replacing any
 * entry: what an answered Neighbor Solicitation of our own told us; the
 * kernel's NUD takes over from there (stale after its reachable time).
 */
int nl_neigh_set_reachable(struct nl *nl, int ifindex, const struct in6_addr *addr,
			   const __u8 lladdr[6]);
int nl_neigh_del(struct nl *nl, int ifindex, const struct in6_addr *addr);

/* Link-layer address of @ifindex (6 octets); -EOPNOTSUPP when not Ethernet-like. */
int nl_link_lladdr(struct nl *nl, int ifindex, __u8 lladdr[6]);

/* Address flags for nl_addr_add */
#define NL_ADDR_F_NODAD	   0x1 /* IFA_F_NODAD */
#define NL_ADDR_F_NOPREFIX 0x2 /* IFA_F_NOPREFIXROUTE */

/* ip -6 addr replace ADDR/PLEN dev IF [nodad] [noprefixroute]; del: -EADDRNOTAVAIL if absent */
int nl_addr_add(struct nl *nl, int ifindex, const struct in6_addr *addr, __u8 plen, __u32 flags);
int nl_addr_del(struct nl *nl, int ifindex, const struct in6_addr *addr, __u8 plen);

struct nl_addr {
	int ifindex;
	struct in6_addr addr;
	__u8 plen;
	__u8 scope;		    /* RT_SCOPE_* */
	__u32 flags;		    /* IFA_F_* (tentative, deprecated, dadfailed, ...) */
	__u32 preferred_s, valid_s; /* NL_INFINITY_LIFE_TIME: forever */
};

#define NL_INFINITY_LIFE_TIME 0xffffffffU /* the kernel's INFINITY_LIFE_TIME */

/* Every IPv6 address (of @ifindex, or all when 0): @cb per address, stops on non-zero. */
typedef int (*nl_addr_cb)(const struct nl_addr *a, void *ctx);
int nl_addr_dump(struct nl *nl, int ifindex, nl_addr_cb cb, void *ctx);

/*
 * Monitor: RTMGRP_LINK and RTMGRP_IPV6_IFADDR events on a second socket,
 * non-blocking. nl_monitor_fd() is for poll/epoll; nl_monitor_read() reads
 * what is queued and calls the callbacks (either may be NULL). On ENOBUFS
 * (events lost) it calls @resync so the caller re-dumps its state.
 */
struct nl_monitor_ops {
	void (*addr)(bool added, const struct nl_addr *a, void *ctx);
	void (*link)(int ifindex, bool up, bool carrier, void *ctx);
	void (*resync)(void *ctx);
};

int nl_monitor_open(struct nl *nl);
int nl_monitor_fd(const struct nl *nl);
int nl_monitor_read(struct nl *nl, const struct nl_monitor_ops *ops, void *ctx);

#endif /* XMIP6_NL_H */
