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

/* ---- the rest ------------------------------------------------------------------------------ */

static bool route_event(const struct nlmsghdr *nlh)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return true;
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
		change = route_event(nlh);
		break;
	case RTM_NEWLINK: /* down, up, MTU, address: all of them */
	case RTM_DELLINK:
	case RTM_NEWRULE:
	case RTM_DELRULE:
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
			continue;
		}
		/* Multicast events: seq and portid 0 skip libmnl's checks. */
		(void)mnl_cb_run(buf, n, 0, 0, msg_cb, f);
	}
	return (int)(f->changes - before > 0x7fffffff ? 0x7fffffff : f->changes - before);
}
