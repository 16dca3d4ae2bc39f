// SPDX-License-Identifier: GPL-2.0
/*
 * nexthop.c - the rtnetlink events that may move a cached next hop. See
 * nexthop.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "net/nexthop.h"

#define NH_NEIGH_BUCKETS 4096 /* a power of 2 */
/* Neighbours remembered at most; one more is not remembered, and each of
 * its events then counts as a change: slower, never wrong. */
#define NH_NEIGH_MAX (1U << 20)

struct nh_neigh {
	struct nh_neigh *next;
	int ifindex;
	struct in6_addr addr;
	__u8 lladdr[6];
};

/* The kernel's NUD_VALID (include/net/neighbour.h), not in the UAPI. */
#define NH_NUD_VALID (NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | NUD_DELAY)
/* What one read takes at most: the kernel's largest notification batch. */
#define NH_RECV_SIZE (32 * 1024)

static unsigned int nh_groups[] = {
	RTNLGRP_LINK, RTNLGRP_NEIGH, RTNLGRP_IPV6_ROUTE, RTNLGRP_IPV6_RULE, RTNLGRP_NEXTHOP,
};

static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

static int scan_sources(struct nh_follow *f);

int nh_follow_open(struct nh_follow *f)
{
	unsigned int i;
	int err;

	memset(f, 0, sizeof(*f));
	f->buckets = calloc(NH_NEIGH_BUCKETS, sizeof(*f->buckets));
	if (!f->buckets)
		return -ENOMEM;
	f->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!f->sock) {
		err = neg_errno();
		goto fail;
	}
	if (mnl_socket_bind(f->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = neg_errno();
		goto fail;
	}
	/* Groups past 31 (RTNLGRP_NEXTHOP) exist only as memberships. */
	for (i = 0; i < sizeof(nh_groups) / sizeof(nh_groups[0]); i++) {
		if (mnl_socket_setsockopt(f->sock, NETLINK_ADD_MEMBERSHIP, &nh_groups[i],
					  sizeof(nh_groups[i])) < 0 &&
		    !(nh_groups[i] == RTNLGRP_NEXTHOP && errno == EINVAL)) {
			err = neg_errno();
			goto fail;
		}
	}
	/* Subscribed first: a change during the dump is read as an event. */
	err = scan_sources(f);
	if (err)
		goto fail;
	return 0;
fail:
	nh_follow_close(f);
	return err;
}

static void neigh_forget_all(struct nh_follow *f)
{
	struct nh_neigh *n, *next;
	unsigned int i;

	for (i = 0; f->buckets && i < NH_NEIGH_BUCKETS; i++) {
		for (n = f->buckets[i]; n; n = next) {
			next = n->next;
			free(n);
		}
		f->buckets[i] = NULL;
	}
	f->n_neigh = 0;
}

void nh_follow_close(struct nh_follow *f)
{
	if (f->sock)
		mnl_socket_close(f->sock);
	f->sock = NULL;
	neigh_forget_all(f);
	free(f->buckets);
	f->buckets = NULL;
	f->n_neigh = 0;
}

int nh_follow_fd(const struct nh_follow *f)
{
	return f->sock ? mnl_socket_get_fd(f->sock) : -EBADF;
}

/* ---- neighbours ---------------------------------------------------------------------------- */

static struct nh_neigh **neigh_slot(struct nh_follow *f, int ifindex, const struct in6_addr *addr)
{
	__u32 h = (__u32)ifindex * 0x9e3779b1U;
	struct nh_neigh **pp;
	int i;

	for (i = 0; i < 16; i++)
		h = (h ^ addr->s6_addr[i]) * 0x01000193U;
	pp = &f->buckets[h & (NH_NEIGH_BUCKETS - 1)];
	while (*pp && ((*pp)->ifindex != ifindex || memcmp(&(*pp)->addr, addr, sizeof(*addr))))
		pp = &(*pp)->next;
	return pp;
}

static void neigh_forget(struct nh_follow *f, struct nh_neigh **pp)
{
	struct nh_neigh *n = *pp;

	*pp = n->next;
	free(n);
	f->n_neigh--;
}

struct neigh_attrs {
	const struct in6_addr *dst;
	const __u8 *lladdr;
};

static int neigh_attr_cb(const struct nlattr *attr, void *data)
{
	struct neigh_attrs *na = data;

	switch (mnl_attr_get_type(attr)) {
	case NDA_DST:
		if (mnl_attr_get_payload_len(attr) == sizeof(struct in6_addr))
			na->dst = mnl_attr_get_payload(attr);
		break;
	case NDA_LLADDR:
		if (mnl_attr_get_payload_len(attr) == 6)
			na->lladdr = mnl_attr_get_payload(attr);
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

/*
 * A neighbour event moves a next hop when a usable neighbour (the only kind
 * a slot is filled from: bpf_fib_lookup() answers NO_NEIGH otherwise) gets
 * another link-layer address, stops being usable, or goes. A neighbour not
 * seen before counts too, once: it may have been in use before we looked.
 * Still being resolved (INCOMPLETE) moves nothing.
 */
static bool neigh_event(struct nh_follow *f, const struct nlmsghdr *nlh)
{
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	struct neigh_attrs na = {0};
	struct nh_neigh **pp, *n;
	bool usable;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ndm) || ndm->ndm_family != AF_INET6 ||
	    (ndm->ndm_flags & NTF_PROXY))
		return false;
	if (mnl_attr_parse(nlh, sizeof(*ndm), neigh_attr_cb, &na) < 0 || !na.dst)
		return true; /* cannot tell which: assume the worst */
	pp = neigh_slot(f, ndm->ndm_ifindex, na.dst);
	usable = nlh->nlmsg_type == RTM_NEWNEIGH && (ndm->ndm_state & NH_NUD_VALID) && na.lladdr;
	if (!usable) {
		if (*pp) {
			neigh_forget(f, pp);
			return true;
		}
		return nlh->nlmsg_type == RTM_DELNEIGH || (ndm->ndm_state & NUD_FAILED);
	}
	if (*pp) {
		if (!memcmp((*pp)->lladdr, na.lladdr, 6))
			return false;
		memcpy((*pp)->lladdr, na.lladdr, 6);
		return true;
	}
	if (f->n_neigh < NH_NEIGH_MAX) {
		n = calloc(1, sizeof(*n));
		if (n) {
			n->ifindex = ndm->ndm_ifindex;
			n->addr = *na.dst;
			memcpy(n->lladdr, na.lladdr, 6);
			*pp = n;
			f->n_neigh++;
		}
	}
	return true;
}

/* ---- do sources matter? -------------------------------------------------------------------- */

/*
 * The IPv6 rules the kernel installs itself (net/ipv6/fib6_rules.c
 * fib6_rules_net_init(): local at 0, main at 32766; default at 32767 as
 * IPv4 has it): a table and a priority, no selector.
 */
static bool rule_default(__u32 prio, __u32 table)
{
	return (prio == 0 && table == RT_TABLE_LOCAL) ||
	       (prio == 32766 && table == RT_TABLE_MAIN) ||
	       (prio == 32767 && table == RT_TABLE_DEFAULT);
}

struct rule_attrs {
	__u32 prio, table;
	bool other; /* an attribute a default rule does not carry: a selector */
};

static int rule_attr_cb(const struct nlattr *attr, void *data)
{
	struct rule_attrs *ra = data;

	switch (mnl_attr_get_type(attr)) {
	case FRA_PRIORITY:
		ra->prio = mnl_attr_get_payload_len(attr) == 4 ? mnl_attr_get_u32(attr) : ~0U;
		break;
	case FRA_TABLE:
		ra->table = mnl_attr_get_payload_len(attr) == 4 ? mnl_attr_get_u32(attr) : 0;
		break;
	case FRA_PROTOCOL: /* who added it, not what it matches */
		break;
	case FRA_SUPPRESS_PREFIXLEN: /* sent as -1 (unset) with every rule */
	case FRA_SUPPRESS_IFGROUP:
		if (mnl_attr_get_payload_len(attr) != 4 || mnl_attr_get_u32(attr) != ~0U)
			ra->other = true;
		break;
	default:
		ra->other = true;
		break;
	}
	return MNL_CB_OK;
}

/* Can this rule (RTM_NEWRULE) send two sources to different tables? */
static bool rule_looks_at_source(const struct nlmsghdr *nlh)
{
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
	struct rule_attrs ra = {0};

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*frh))
		return true;
	if (frh->family != AF_INET6)
		return false;
	ra.table = frh->table;
	if (mnl_attr_parse(nlh, sizeof(*frh), rule_attr_cb, &ra) < 0)
		return true;
	return ra.other || frh->src_len || frh->dst_len || frh->tos ||
	       frh->action != FR_ACT_TO_TBL || (frh->flags & FIB_RULE_INVERT) ||
	       !rule_default(ra.prio, ra.table);
}

/* A route with a source prefix (ip -6 route ... from PREFIX)? */
static bool route_has_source(const struct nlmsghdr *nlh)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return true;
	return rtm->rtm_family == AF_INET6 && rtm->rtm_src_len;
}

static int scan_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	bool *src_free = data;

	if ((nlh->nlmsg_type == RTM_NEWRULE && rule_looks_at_source(nlh)) ||
	    (nlh->nlmsg_type == RTM_NEWROUTE && route_has_source(nlh)))
		*src_free = false;
	return MNL_CB_OK;
}

/* Dumps @type (RTM_GETRULE, RTM_GETROUTE) of IPv6 through @sock. */
static int scan_dump(struct mnl_socket *sock, __u16 type, __u32 seq, bool *src_free)
{
	char buf[NH_RECV_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	ssize_t n;
	int ret;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	/* struct fib_rule_hdr starts as struct rtmsg does: family first. */
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET6;
	if (mnl_socket_sendto(sock, nlh, nlh->nlmsg_len) < 0)
		return neg_errno();
	do {
		n = mnl_socket_recvfrom(sock, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return neg_errno();
		}
		ret = mnl_cb_run(buf, n, seq, mnl_socket_get_portid(sock), scan_msg_cb, src_free);
	} while (ret > MNL_CB_STOP);
	return ret < 0 ? neg_errno() : 0;
}

/*
 * Reads the rules and routes again and sets f->src_free: whether the
 * source of a packet can change its route. Any doubt (a failed dump)
 * says it can.
 */
static int scan_sources(struct nh_follow *f)
{
	struct mnl_socket *sock;
	bool src_free = true;
	int err;

	f->rescan = false;
	f->src_free = false;
	sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!sock)
		return neg_errno();
	err = mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0 ? neg_errno() : 0;
	if (!err)
		err = scan_dump(sock, RTM_GETRULE, 1, &src_free);
	if (!err)
		err = scan_dump(sock, RTM_GETROUTE, 2, &src_free);
	mnl_socket_close(sock);
	if (!err)
		f->src_free = src_free;
	return err;
}

/* ---- the rest ------------------------------------------------------------------------------ */

static bool route_event(struct nh_follow *f, const struct nlmsghdr *nlh)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm)) {
		f->rescan = true;
		return true;
	}
	/* A source route came or went: whether sources matter may differ. */
	if (route_has_source(nlh))
		f->rescan = true;
	/* Cached clones (PMTU exceptions) are not routes of the FIB. */
	return rtm->rtm_family == AF_INET6 && !(rtm->rtm_flags & RTM_F_CLONED);
}

static int msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nh_follow *f = data;
	bool change = false;

	f->events++;
	switch (nlh->nlmsg_type) {
	case RTM_NEWNEIGH:
	case RTM_DELNEIGH:
		change = neigh_event(f, nlh);
		break;
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		change = route_event(f, nlh);
		break;
	case RTM_NEWRULE:
	case RTM_DELRULE:
		f->rescan = true;
		change = true;
		break;
	case RTM_NEWLINK: /* down, up, MTU, address: all of them */
	case RTM_DELLINK:
	case RTM_NEWNEXTHOP:
	case RTM_DELNEXTHOP:
		change = true;
		break;
	default:
		break;
	}
	if (change)
		f->changes++;
	return MNL_CB_OK;
}

int nh_follow_read(struct nh_follow *f)
{
	unsigned long long before = f->changes;
	char buf[NH_RECV_SIZE];
	ssize_t n;

	if (!f->sock)
		return -EBADF;
	for (;;) {
		n = mnl_socket_recvfrom(f->sock, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno != ENOBUFS)
				return neg_errno();
			/* Events were lost: any of them may have moved a next
			 * hop, and what we remember of neighbours is stale. */
			neigh_forget_all(f);
			f->changes++;
			f->rescan = true;
			continue;
		}
		/* Multicast events: seq and portid 0 skip libmnl's checks. */
		(void)mnl_cb_run(buf, n, 0, 0, msg_cb, f);
	}
	/* After the events it answers for: a rule or route that comes
	 * during the dump is an event of the next read, and rescans again. */
	if (f->rescan) {
		int err = scan_sources(f);

		if (err)
			return err;
	}
	return (int)(f->changes - before > 0x7fffffff ? 0x7fffffff : f->changes - before);
}
