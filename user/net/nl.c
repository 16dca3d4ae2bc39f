// SPDX-License-Identifier: GPL-2.0
/*
 * nl.c - rtnetlink on libmnl: proxy NDP and permanent neighbour entries,
 * IPv6 addresses, link-layer addresses, and a monitor of link and address
 * events. See nl.h. Nothing is logged here: callers log once.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <linux/if.h> /* IFF_LOWER_UP; after net/if.h */
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "net/nl.h"

/*
 * Receive buffer. The kernel sizes dump messages after the largest buffer
 * recvmsg() was given (up to 32 KiB), so one of that size takes any.
 */
#define NL_RECV_SIZE 32768

/* -errno after a failed libc or libmnl call; never 0. */
static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

static int sock_open(struct mnl_socket **out, unsigned int groups, int flags)
{
	struct mnl_socket *s;
	int err;

	s = mnl_socket_open2(NETLINK_ROUTE, flags | SOCK_CLOEXEC);
	if (!s)
		return neg_errno();
	if (mnl_socket_bind(s, groups, MNL_SOCKET_AUTOPID) < 0) {
		err = neg_errno();
		mnl_socket_close(s);
		return err;
	}
	*out = s;
	return 0;
}

int nl_open(struct nl *nl)
{
	int err;

	memset(nl, 0, sizeof(*nl));
	err = sock_open(&nl->req, 0, 0);
	if (err)
		return err;
	nl->portid = mnl_socket_get_portid(nl->req);
	nl->seq = (__u32)time(NULL);
	return 0;
}

void nl_close(struct nl *nl)
{
	if (nl->mon)
		mnl_socket_close(nl->mon);
	if (nl->req)
		mnl_socket_close(nl->req);
	nl->mon = NULL;
	nl->req = NULL;
}

/*
 * Callback state of one request. A dump is always read to its end (even
 * after the user callback asked to stop) so that no reply of it is left
 * queued to be mistaken for the answer to the next request.
 */
struct req_ctx {
	mnl_cb_t cb; /* per data message, may be NULL; non-zero stops */
	void *data;
	int stop; /* first non-zero result of the user callback */
};

static int req_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct req_ctx *rc = data;

	if (rc->cb && !rc->stop)
		rc->stop = rc->cb(nlh, rc->data);
	return MNL_CB_OK;
}

/* True when @buf (@n octets read) holds the end of request @seq's replies. */
static bool replies_end(const char *buf, ssize_t n, __u32 seq)
{
	const struct nlmsghdr *h = (const void *)buf;
	int len = (int)n;

	for (; mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len))
		if (h->nlmsg_seq == seq &&
		    (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR))
			return true;
	return false;
}

/*
 * A dump the kernel flagged NLM_F_DUMP_INTR (the table changed while it
 * was read: libmnl stops at the first such message with EINTR) is still read
 * to its end, so that its tail is not taken for the next request's answer
 * (which libmnl would then refuse for its sequence number).
 */
static void drain_replies(struct nl *nl, char *buf, size_t size, ssize_t n, __u32 seq)
{
	while (!replies_end(buf, n, seq)) {
		n = mnl_socket_recvfrom(nl->req, buf, size);
		if (n < 0 && errno != EINTR)
			return;
		if (n < 0)
			n = 0;
	}
}

/*
 * Send @nlh and read replies until the ACK (or NLMSG_DONE of a dump):
 * 0 on success, the kernel's -errno from NLMSG_ERROR, -errno of the
 * socket, or the first non-zero result of @cb (called per data message).
 * -EINTR: the dump was interrupted (@cb saw part of it only); ask again.
 */
static int nl_talk(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	struct req_ctx rc = {.cb = cb, .data = data};
	char buf[NL_RECV_SIZE];
	ssize_t n;
	int ret;

	if (!nl->req)
		return -EBADF;
	nlh->nlmsg_seq = ++nl->seq;
	if (mnl_socket_sendto(nl->req, nlh, nlh->nlmsg_len) < 0)
		return neg_errno();

	do {
		n = mnl_socket_recvfrom(nl->req, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return neg_errno();
		}
		errno = 0;
		ret = mnl_cb_run(buf, n, nlh->nlmsg_seq, nl->portid, req_data_cb, &rc);
	} while (ret > MNL_CB_STOP);

	if (ret < 0) {
		ret = neg_errno();
		if (ret == -EINTR)
			drain_replies(nl, buf, sizeof(buf), n, nlh->nlmsg_seq);
		return ret;
	}
	return rc.stop;
}

static struct nlmsghdr *msg_start(char *buf, __u16 type, __u16 flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	/*
	 * Every request wants its ACK; a dump ends with NLMSG_DONE instead
	 * (the kernel never acks a dump, so the flag does no harm there).
	 */
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	return nlh;
}

/* -- neighbours ------------------------------------------------------------ */

static int neigh_req(struct nl *nl, __u16 type, __u16 flags, int ifindex,
		     const struct in6_addr *addr, __u16 state, __u8 ndm_flags, const __u8 *lladdr)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;

	/*
	 * Zeroed: libmnl 1.0.4's mnl_attr_put() leaves the alignment padding
	 * after the 6-octet NDA_LLADDR as it finds it, and it is sent.
	 */
	memset(buf, 0, sizeof(buf));
	nlh = msg_start(buf, type, flags);
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_INET6;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = state;
	ndm->ndm_flags = ndm_flags;
	mnl_attr_put(nlh, NDA_DST, sizeof(*addr), addr);
	if (lladdr)
		mnl_attr_put(nlh, NDA_LLADDR, 6, lladdr);
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_proxy_add(struct nl *nl, int ifindex, const struct in6_addr *addr)
{
	return neigh_req(nl, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, ifindex, addr,
			 NUD_PERMANENT, NTF_PROXY, NULL);
}

int nl_proxy_del(struct nl *nl, int ifindex, const struct in6_addr *addr)
{
	return neigh_req(nl, RTM_DELNEIGH, 0, ifindex, addr, 0, NTF_PROXY, NULL);
}

int nl_neigh_set_permanent(struct nl *nl, int ifindex, const struct in6_addr *addr,
			   const __u8 lladdr[6])
{
	return neigh_req(nl, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, ifindex, addr,
			 NUD_PERMANENT, 0, lladdr);
}

int nl_neigh_set_reachable(struct nl *nl, int ifindex, const struct in6_addr *addr,
			   const __u8 lladdr[6])
{
	return neigh_req(nl, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, ifindex, addr,
			 NUD_REACHABLE, 0, lladdr);
}

int nl_neigh_del(struct nl *nl, int ifindex, const struct in6_addr *addr)
{
	return neigh_req(nl, RTM_DELNEIGH, 0, ifindex, addr, 0, 0, NULL);
}

struct proxy_dump_ctx {
	int ifindex;
	nl_proxy_cb cb;
	void *ctx;
};

static int proxy_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **dst = data;

	if (mnl_attr_get_type(attr) == NDA_DST &&
	    mnl_attr_get_payload_len(attr) == sizeof(struct in6_addr))
		*dst = attr;
	return MNL_CB_OK;
}

static int proxy_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	struct proxy_dump_ctx *pc = data;
	const struct nlattr *dst = NULL;
	struct in6_addr addr;

	if (nlh->nlmsg_type != RTM_NEWNEIGH || ndm->ndm_family != AF_INET6 ||
	    !(ndm->ndm_flags & NTF_PROXY) || (pc->ifindex && ndm->ndm_ifindex != pc->ifindex))
		return 0;
	if (mnl_attr_parse(nlh, sizeof(*ndm), proxy_attr_cb, &dst) < 0 || !dst)
		return 0;
	memcpy(&addr, mnl_attr_get_payload(dst), sizeof(addr));
	return pc->cb(&addr, pc->ctx);
}

int nl_proxy_dump(struct nl *nl, int ifindex, nl_proxy_cb cb, void *ctx)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg_start(buf, RTM_GETNEIGH, NLM_F_DUMP);
	struct proxy_dump_ctx pc = {.ifindex = ifindex, .cb = cb, .ctx = ctx};
	struct ndmsg *ndm;

	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_INET6;
	ndm->ndm_flags = NTF_PROXY; /* the proxy table, not the neighbours */
	return nl_talk(nl, nlh, proxy_msg_cb, &pc);
}

/* -- links ------------------------------------------------------------------ */

struct lladdr_ctx {
	__u8 *lladdr;
	int err; /* -EOPNOTSUPP until an Ethernet address is seen */
};

static int lladdr_attr_cb(const struct nlattr *attr, void *data)
{
	struct lladdr_ctx *lc = data;

	if (mnl_attr_get_type(attr) == IFLA_ADDRESS && mnl_attr_get_payload_len(attr) == 6) {
		memcpy(lc->lladdr, mnl_attr_get_payload(attr), 6);
		lc->err = 0;
	}
	return MNL_CB_OK;
}

static int lladdr_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWLINK || ifi->ifi_type != ARPHRD_ETHER)
		return 0;
	return mnl_attr_parse(nlh, sizeof(*ifi), lladdr_attr_cb, data) < 0 ? -EPROTO : 0;
}

int nl_link_lladdr(struct nl *nl, int ifindex, __u8 lladdr[6])
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg_start(buf, RTM_GETLINK, 0);
	struct lladdr_ctx lc = {.lladdr = lladdr, .err = -EOPNOTSUPP};
	struct ifinfomsg *ifi;
	int err;

	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	/* Statistics are of no use here and make up most of the reply. */
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	err = nl_talk(nl, nlh, lladdr_msg_cb, &lc);
	return err ? err : lc.err;
}

/* -- addresses -------------------------------------------------------------- */

static int addr_req(struct nl *nl, __u16 type, __u16 flags, int ifindex,
		    const struct in6_addr *addr, __u8 plen, __u32 ifa_flags)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg_start(buf, type, flags);
	struct ifaddrmsg *ifa;

	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET6;
	ifa->ifa_prefixlen = plen;
	ifa->ifa_flags = ifa_flags & 0xff;
	ifa->ifa_index = ifindex;
	/* Without a peer, IPv6 takes the address from IFA_LOCAL or IFA_ADDRESS. */
	mnl_attr_put(nlh, IFA_LOCAL, sizeof(*addr), addr);
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(*addr), addr);
	/* IFA_F_NOPREFIXROUTE does not fit the 8-bit ifa_flags. */
	if (type == RTM_NEWADDR)
		mnl_attr_put_u32(nlh, IFA_FLAGS, ifa_flags);
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_addr_add(struct nl *nl, int ifindex, const struct in6_addr *addr, __u8 plen, __u32 flags)
{
	__u32 ifa_flags = 0;

	if (plen > 128)
		return -EINVAL;
	if (flags & NL_ADDR_F_NODAD)
		ifa_flags |= IFA_F_NODAD;
	if (flags & NL_ADDR_F_NOPREFIX)
		ifa_flags |= IFA_F_NOPREFIXROUTE;
	return addr_req(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, ifindex, addr, plen,
			ifa_flags);
}

int nl_addr_del(struct nl *nl, int ifindex, const struct in6_addr *addr, __u8 plen)
{
	if (plen > 128)
		return -EINVAL;
	return addr_req(nl, RTM_DELADDR, 0, ifindex, addr, plen, 0);
}

struct addr_attrs {
	const struct nlattr *tb[IFA_MAX + 1];
};

static int addr_attr_cb(const struct nlattr *attr, void *data)
{
	struct addr_attrs *at = data;
	__u16 type = mnl_attr_get_type(attr);

	if (type > IFA_MAX)
		return MNL_CB_OK;
	switch (type) {
	case IFA_ADDRESS:
	case IFA_LOCAL:
		if (mnl_attr_get_payload_len(attr) != sizeof(struct in6_addr))
			return MNL_CB_OK;
		break;
	case IFA_FLAGS:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_OK;
		break;
	case IFA_CACHEINFO:
		if (mnl_attr_validate2(attr, MNL_TYPE_BINARY, sizeof(struct ifa_cacheinfo)) < 0)
			return MNL_CB_OK;
		break;
	default:
		break;
	}
	at->tb[type] = attr;
	return MNL_CB_OK;
}

/*
 * An RTM_NEWADDR/RTM_DELADDR message as struct nl_addr: 0, or -EAGAIN
 * when it is not an IPv6 address.
 */
static int addr_parse(const struct nlmsghdr *nlh, struct nl_addr *a)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct addr_attrs at = {0};
	const struct nlattr *addr;

	if (ifa->ifa_family != AF_INET6 || mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, &at) < 0)
		return -EAGAIN;
	/* With a peer, IFA_LOCAL is ours and IFA_ADDRESS the peer's. */
	addr = at.tb[IFA_LOCAL] ? at.tb[IFA_LOCAL] : at.tb[IFA_ADDRESS];
	if (!addr)
		return -EAGAIN;

	memset(a, 0, sizeof(*a));
	a->ifindex = ifa->ifa_index;
	memcpy(&a->addr, mnl_attr_get_payload(addr), sizeof(a->addr));
	a->plen = ifa->ifa_prefixlen;
	a->scope = ifa->ifa_scope;
	a->flags = at.tb[IFA_FLAGS] ? mnl_attr_get_u32(at.tb[IFA_FLAGS]) : ifa->ifa_flags;
	a->preferred_s = NL_INFINITY_LIFE_TIME;
	a->valid_s = NL_INFINITY_LIFE_TIME;
	if (at.tb[IFA_CACHEINFO]) {
		const struct ifa_cacheinfo *ci = mnl_attr_get_payload(at.tb[IFA_CACHEINFO]);

		a->preferred_s = ci->ifa_prefered;
		a->valid_s = ci->ifa_valid;
	}
	return 0;
}

struct dump_ctx {
	int ifindex;
	nl_addr_cb cb;
	void *ctx;
};

static int dump_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *dc = data;
	struct nl_addr a;

	if (nlh->nlmsg_type != RTM_NEWADDR || addr_parse(nlh, &a))
		return 0;
	if (dc->ifindex && a.ifindex != dc->ifindex)
		return 0;
	return dc->cb(&a, dc->ctx);
}

int nl_addr_dump(struct nl *nl, int ifindex, nl_addr_cb cb, void *ctx)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg_start(buf, RTM_GETADDR, NLM_F_DUMP);
	struct dump_ctx dc = {.ifindex = ifindex, .cb = cb, .ctx = ctx};
	struct ifaddrmsg *ifa;

	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET6;
	/* Filtered here: the kernel honours ifa_index only with strict checking. */
	return nl_talk(nl, nlh, dump_msg_cb, &dc);
}

/* -- monitor ---------------------------------------------------------------- */

int nl_monitor_open(struct nl *nl)
{
	if (nl->mon)
		return -EALREADY;
	return sock_open(&nl->mon, RTMGRP_LINK | RTMGRP_IPV6_IFADDR, SOCK_NONBLOCK);
}

int nl_monitor_fd(const struct nl *nl)
{
	return nl->mon ? mnl_socket_get_fd(nl->mon) : -EBADF;
}

struct mon_ctx {
	const struct nl_monitor_ops *ops;
	void *ctx;
	int events;
};

static int mon_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct mon_ctx *mc = data;
	const struct ifinfomsg *ifi;
	struct nl_addr a;

	switch (nlh->nlmsg_type) {
	case RTM_NEWADDR:
	case RTM_DELADDR:
		if (addr_parse(nlh, &a))
			break;
		mc->events++;
		if (mc->ops->addr)
			mc->ops->addr(nlh->nlmsg_type == RTM_NEWADDR, &a, mc->ctx);
		break;
	case RTM_NEWLINK:
	case RTM_DELLINK:
		if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
			break;
		ifi = mnl_nlmsg_get_payload(nlh);
		/* AF_BRIDGE copies describe bridge ports, not the link. */
		if (ifi->ifi_family != AF_UNSPEC)
			break;
		mc->events++;
		if (mc->ops->link) {
			bool gone = nlh->nlmsg_type == RTM_DELLINK;

			mc->ops->link(ifi->ifi_index, !gone && (ifi->ifi_flags & IFF_UP),
				      !gone && (ifi->ifi_flags & IFF_LOWER_UP), mc->ctx);
		}
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

int nl_monitor_read(struct nl *nl, const struct nl_monitor_ops *ops, void *ctx)
{
	struct mon_ctx mc = {.ops = ops, .ctx = ctx};
	char buf[NL_RECV_SIZE];
	ssize_t n;

	if (!nl->mon)
		return -EBADF;
	for (;;) {
		n = mnl_socket_recvfrom(nl->mon, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return mc.events;
			if (errno != ENOBUFS)
				return neg_errno();
			/*
			 * The socket overflowed and events were dropped: the
			 * caller's view is stale. The socket stays usable.
			 */
			mc.events++;
			if (ops->resync)
				ops->resync(ctx);
			continue;
		}
		/*
		 * Events are multicast: seq and portid 0 skip libmnl's checks.
		 * A malformed message ends only the parsing of its datagram.
		 */
		(void)mnl_cb_run(buf, n, 0, 0, mon_msg_cb, &mc);
	}
}
