// SPDX-License-Identifier: GPL-2.0
/*
 * ndisc.c - unsolicited Neighbor Advertisements and proxy Duplicate Address
 * Detection for the home agent (RFC 6275 10.4.1), see ndisc.h.
 *
 * The ICMPv6 socket sends the NAs and receives NS and NA from every
 * interface of the namespace; the DAD NS goes out of a second socket that
 * includes its own IPv6 header, the only way to send from :: (the kernel
 * replaces an unspecified IPV6_PKTINFO source with one of its addresses).
 *
 * Multicast loopback is off on both: we never receive our own NS or NA, so
 * a DAD NS for a probed target is always another node's (RFC 4862 5.4.3),
 * and the local stack never answers our probe (through a proxy entry the
 * home agent may already hold for the target).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/ip6.h>
#include <sys/socket.h>

#include "common/inet.h"
#include "net/ndisc.h"

#define RETRANS_TIMER_MS  1000 /* RFC 4861 10: RETRANS_TIMER */
#define NDISC_READ_BUDGET 256  /* packets per ndisc_read() call */
#define ND_OPT_LEN_UNITS  8

static const struct in6_addr all_nodes = {{{0xff, 0x02, [15] = 0x01}}};

static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

int ndisc_open(struct ndisc *nd)
{
	/* Arrival interface, and the hop limit of RFC 4861 7.1.1/7.1.2. */
	static const int pass[] = {ND_NEIGHBOR_SOLICIT, ND_NEIGHBOR_ADVERT, -1};
	static const struct inet_icmp6_opts icmp_opts = {
		.pass = pass,
		.nonblock = true,
		.nd_hop_limit = true,
		.recv_info = true,
	};
	int err;

	memset(nd, 0, sizeof(*nd));
	nd->raw_fd = -1;
	nd->fd = inet_icmp6_socket(&icmp_opts);
	if (nd->fd < 0)
		return nd->fd;

	/* IPPROTO_RAW implies IPV6_HDRINCL; it receives nothing. */
	nd->raw_fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_RAW);
	if (nd->raw_fd < 0) {
		err = neg_errno();
		goto fail;
	}
	err = inet_set_int(nd->raw_fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0);
	if (err)
		goto fail;
	return 0;
fail:
	ndisc_close(nd);
	return err;
}

/* ff02::1:ffXX:XXXX, RFC 4291 2.7.1 */
static void solicited_node(const struct in6_addr *target, struct in6_addr *group)
{
	memset(group, 0, sizeof(*group));
	group->s6_addr[0] = 0xff;
	group->s6_addr[1] = 0x02;
	group->s6_addr[11] = 0x01;
	group->s6_addr[12] = 0xff;
	memcpy(&group->s6_addr[13], &target->s6_addr[13], 3);
}

static int group_membership(struct ndisc *nd, int ifindex, const struct in6_addr *group, bool join)
{
	struct ipv6_mreq mreq = {.ipv6mr_multiaddr = *group, .ipv6mr_interface = ifindex};

	if (setsockopt(nd->fd, IPPROTO_IPV6, join ? IPV6_ADD_MEMBERSHIP : IPV6_DROP_MEMBERSHIP,
		       &mreq, sizeof(mreq)))
		return neg_errno();
	return 0;
}

/* Active probes on @ifindex whose target has solicited-node group @group. */
static int group_users(const struct ndisc *nd, int ifindex, const struct in6_addr *group)
{
	struct in6_addr g;
	int n = 0;

	for (int i = 0; i < nd->n_dad; i++) {
		const struct ndisc_dad *d = &nd->dad[i];

		if (!d->active || d->ifindex != ifindex)
			continue;
		solicited_node(&d->target, &g);
		if (IN6_ARE_ADDR_EQUAL(&g, group))
			n++;
	}
	return n;
}

void ndisc_close(struct ndisc *nd)
{
	/* Closing the socket leaves its groups. */
	if (nd->fd >= 0)
		close(nd->fd);
	if (nd->raw_fd >= 0)
		close(nd->raw_fd);
	nd->fd = -1;
	nd->raw_fd = -1;
	memset(nd->dad, 0, sizeof(nd->dad));
	nd->n_dad = 0;
}

static bool target_ok(int ifindex, const struct in6_addr *target)
{
	return ifindex > 0 && !IN6_IS_ADDR_MULTICAST(target) && !IN6_IS_ADDR_UNSPECIFIED(target);
}

/* -- unsolicited NA (RFC 4861 7.2.6) --------------------------------------- */

int ndisc_send_unsolicited_na(struct ndisc *nd, int ifindex, const struct in6_addr *target,
			      const __u8 lladdr[6], bool router)
{
	__u8 pkt[sizeof(struct nd_neighbor_advert) + ND_OPT_LEN_UNITS] __attribute__((aligned(4)));
	struct nd_neighbor_advert *na = (struct nd_neighbor_advert *)pkt;
	struct nd_opt_hdr *opt = (struct nd_opt_hdr *)(na + 1);
	struct sockaddr_in6 dst = {
		.sin6_family = AF_INET6,
		.sin6_addr = all_nodes,
		.sin6_scope_id = ifindex,
	};
	/* ipi6_addr :: lets the kernel pick the source, the link-local. */
	struct in6_pktinfo pi = {.ipi6_ifindex = ifindex};
	union {
		char buf[CMSG_SPACE(sizeof(pi))];
		struct cmsghdr align;
	} cbuf = {0};
	struct iovec iov = {.iov_base = pkt, .iov_len = sizeof(pkt)};
	struct msghdr msg = {
		.msg_name = &dst,
		.msg_namelen = sizeof(dst),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf.buf,
		.msg_controllen = sizeof(cbuf.buf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	ssize_t n;

	if (nd->fd < 0)
		return -EBADF;
	if (!target_ok(ifindex, target) || !lladdr)
		return -EINVAL;

	memset(pkt, 0, sizeof(pkt));
	na->nd_na_type = ND_NEIGHBOR_ADVERT;
	/* Solicited clear: nobody asked (RFC 4861 7.2.6); the kernel sums. */
	na->nd_na_flags_reserved = ND_NA_FLAG_OVERRIDE | (router ? ND_NA_FLAG_ROUTER : 0);
	na->nd_na_target = *target;
	opt->nd_opt_type = ND_OPT_TARGET_LINKADDR;
	opt->nd_opt_len = 1;
	memcpy(opt + 1, lladdr, 6);

	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));

	n = sendmsg(nd->fd, &msg, 0);
	if (n < 0)
		return neg_errno();
	return n == (ssize_t)sizeof(pkt) ? 0 : -EIO;
}

/* -- DAD probe (RFC 4862 5.4.2) -------------------------------------------- */

struct dad_ns_pkt {
	struct ip6_hdr ip6;
	struct nd_neighbor_solicit ns;
};

_Static_assert(sizeof(struct dad_ns_pkt) == 40 + 24, "DAD NS layout");

/* NS from ::, hop limit 255, no options: a DAD probe of @target. */
static int send_dad_ns(struct ndisc *nd, int ifindex, const struct in6_addr *target)
{
	struct dad_ns_pkt pkt;
	struct sockaddr_in6 dst = {.sin6_family = AF_INET6, .sin6_scope_id = ifindex};
	ssize_t n;

	memset(&pkt, 0, sizeof(pkt));
	solicited_node(target, &dst.sin6_addr);
	pkt.ip6.ip6_flow = htonl(6U << 28);
	pkt.ip6.ip6_plen = htons(sizeof(pkt.ns));
	pkt.ip6.ip6_nxt = IPPROTO_ICMPV6;
	pkt.ip6.ip6_hlim = INET_ND_HOP_LIMIT;
	pkt.ip6.ip6_dst = dst.sin6_addr; /* ip6_src stays :: */
	pkt.ns.nd_ns_type = ND_NEIGHBOR_SOLICIT;
	pkt.ns.nd_ns_target = *target;
	pkt.ns.nd_ns_cksum = htons(inet_checksum(&pkt.ip6.ip6_src, &pkt.ip6.ip6_dst, IPPROTO_ICMPV6,
						 &pkt.ns, sizeof(pkt.ns)));

	n = sendto(nd->raw_fd, &pkt, sizeof(pkt), 0, (struct sockaddr *)&dst, sizeof(dst));
	if (n < 0)
		return neg_errno();
	return n == (ssize_t)sizeof(pkt) ? 0 : -EIO;
}

static int dad_index(const struct ndisc *nd, int ifindex, const struct in6_addr *target)
{
	for (int i = 0; i < nd->n_dad; i++) {
		const struct ndisc_dad *d = &nd->dad[i];

		if (d->active && d->ifindex == ifindex && IN6_ARE_ADDR_EQUAL(&d->target, target))
			return i;
	}
	return -1;
}

static struct ndisc_dad *dad_find(struct ndisc *nd, int ifindex, const struct in6_addr *target)
{
	int i = dad_index(nd, ifindex, target);

	return i < 0 ? NULL : &nd->dad[i];
}

int ndisc_dad_start(struct ndisc *nd, int ifindex, const struct in6_addr *target)
{
	struct ndisc_dad *d;
	struct in6_addr group;
	int err;

	if (nd->fd < 0 || nd->raw_fd < 0)
		return -EBADF;
	if (!target_ok(ifindex, target))
		return -EINVAL;
	if (dad_find(nd, ifindex, target))
		return -EALREADY;
	if (nd->n_dad == NDISC_MAX_DAD)
		return -EBUSY;
	d = &nd->dad[nd->n_dad];

	/*
	 * Another node's DAD NS for the target goes to its solicited-node
	 * group: without the membership the stack drops it (RFC 4862 5.4.2).
	 * Probes of targets sharing the group share one membership.
	 */
	solicited_node(target, &group);
	if (!group_users(nd, ifindex, &group)) {
		err = group_membership(nd, ifindex, &group, true);
		if (err)
			return err;
	}
	err = send_dad_ns(nd, ifindex, target);
	if (err) {
		if (!group_users(nd, ifindex, &group))
			group_membership(nd, ifindex, &group, false);
		return err;
	}
	*d = (struct ndisc_dad){.active = true, .ifindex = ifindex, .target = *target};
	nd->n_dad++;
	return 0;
}

int ndisc_dad_finish(struct ndisc *nd, int ifindex, const struct in6_addr *target)
{
	struct ndisc_dad *d = dad_find(nd, ifindex, target);
	struct in6_addr group;
	bool in_use;

	if (!d)
		return -ENOENT;
	in_use = d->in_use;
	/* The last probe takes its place: the running ones stay in front. */
	*d = nd->dad[--nd->n_dad];
	memset(&nd->dad[nd->n_dad], 0, sizeof(*d));
	solicited_node(target, &group);
	/* May fail when the interface went away: the group went with it. */
	if (!group_users(nd, ifindex, &group))
		group_membership(nd, ifindex, &group, false);
	return in_use ? 1 : 0;
}

int ndisc_dad_lladdr(const struct ndisc *nd, int ifindex, const struct in6_addr *target,
		     __u8 lladdr[6])
{
	int i = dad_index(nd, ifindex, target);

	if (i < 0 || !nd->dad[i].has_lladdr)
		return -ENOENT;
	memcpy(lladdr, nd->dad[i].lladdr, sizeof(nd->dad[i].lladdr));
	return 0;
}

/* -- receive ---------------------------------------------------------------- */

static bool is_solicited_node(const struct in6_addr *a)
{
	struct in6_addr g;

	solicited_node(a, &g);
	return IN6_ARE_ADDR_EQUAL(a, &g);
}

/*
 * Options are whole 8-octet units, none of length 0 (RFC 4861 7.1.1/7.1.2);
 * keeps the first Source and Target Link-Layer Address options.
 */
static bool options_ok(const __u8 *opt, size_t len, struct ndisc_msg *msg)
{
	while (len) {
		size_t olen;

		if (len < 2 || !opt[1])
			return false;
		olen = (size_t)opt[1] * ND_OPT_LEN_UNITS;
		if (olen > len)
			return false;
		if (opt[0] == ND_OPT_SOURCE_LINKADDR && !msg->has_slla) {
			msg->has_slla = true;
			memcpy(msg->slla, opt + 2, sizeof(msg->slla));
		} else if (opt[0] == ND_OPT_TARGET_LINKADDR && !msg->has_tlla) {
			msg->has_tlla = true;
			memcpy(msg->tlla, opt + 2, sizeof(msg->tlla));
		}
		opt += olen;
		len -= olen;
	}
	return true;
}

int ndisc_parse(const void *icmp, size_t len, const struct ndisc_rx_meta *meta,
		struct ndisc_msg *msg)
{
	const __u8 *p = icmp;
	/* NS and NA alike: type, code, checksum, 4 octets, the target. */
	const size_t hdr_len = sizeof(struct nd_neighbor_solicit);

	_Static_assert(sizeof(struct nd_neighbor_solicit) == sizeof(struct nd_neighbor_advert),
		       "NS and NA headers");
	memset(msg, 0, sizeof(*msg));
	if (len < 1 || (p[0] != ND_NEIGHBOR_SOLICIT && p[0] != ND_NEIGHBOR_ADVERT))
		return -ENOMSG;
	if (len < hdr_len || p[1] != 0)
		return -EBADMSG;
	msg->type = p[0];
	if (msg->type == ND_NEIGHBOR_ADVERT)
		msg->flags = p[4];
	memcpy(&msg->target, p + 8, sizeof(msg->target));
	if (!options_ok(p + hdr_len, len - hdr_len, msg))
		return -EBADMSG;
	/* A router between us and the sender would have lowered it. */
	if (meta->hlim != INET_ND_HOP_LIMIT || IN6_IS_ADDR_MULTICAST(&msg->target))
		return -EINVAL;
	/* An NA to a multicast group answers nobody in particular. */
	if (msg->type == ND_NEIGHBOR_ADVERT && IN6_IS_ADDR_MULTICAST(&meta->dst) &&
	    (msg->flags & NDISC_NA_F_SOLICITED))
		return -EINVAL;
	/* A DAD NS goes to the solicited-node group and carries no SLLA. */
	if (msg->type == ND_NEIGHBOR_SOLICIT && IN6_IS_ADDR_UNSPECIFIED(&meta->src) &&
	    (!is_solicited_node(&meta->dst) || msg->has_slla))
		return -EINVAL;
	return 0;
}

/* Mark the probe this valid NS or NA answers for: 1 when newly marked. */
static int nd_match(struct ndisc *nd, const struct ndisc_rx_meta *meta, const struct ndisc_msg *msg)
{
	struct ndisc_dad *d = dad_find(nd, meta->ifindex, &msg->target);

	if (!d)
		return 0;
	/* The latest answer's link-layer address (an NA with Override set
	 * replaces a cached one, RFC 4861 7.2.5). */
	if (msg->type == ND_NEIGHBOR_ADVERT && msg->has_tlla) {
		d->has_lladdr = true;
		memcpy(d->lladdr, msg->tlla, sizeof(d->lladdr));
	}
	if (d->in_use)
		return 0;
	/*
	 * Any NA for the target means a node has it (RFC 4862 5.4.4); an NS
	 * for it counts only from :: - another node's DAD (5.4.3) - since
	 * address resolution of the target says nothing about its owner.
	 * Our own NS never comes back: multicast loopback is off.
	 */
	if (msg->type == ND_NEIGHBOR_SOLICIT && !IN6_IS_ADDR_UNSPECIFIED(&meta->src))
		return 0;
	d->in_use = true;
	return 1;
}

int ndisc_take(struct ndisc *nd, const void *icmp, size_t len, const struct ndisc_rx_meta *meta)
{
	struct ndisc_msg msg;
	int err;

	err = ndisc_parse(icmp, len, meta, &msg);
	return err ? err : nd_match(nd, meta, &msg);
}

static void rx_cmsgs(struct msghdr *msg, struct ndisc_rx_meta *rx)
{
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level != IPPROTO_IPV6)
			continue;
		if (cm->cmsg_type == IPV6_PKTINFO &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			rx->ifindex = pi.ipi6_ifindex;
			rx->dst = pi.ipi6_addr;
		} else if (cm->cmsg_type == IPV6_HOPLIMIT &&
			   cm->cmsg_len >= CMSG_LEN(sizeof(int))) {
			memcpy(&rx->hlim, CMSG_DATA(cm), sizeof(int));
		}
	}
}

int ndisc_read(struct ndisc *nd)
{
	__u8 buf[2048];
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cbuf;
	int marked = 0;

	if (nd->fd < 0)
		return -EBADF;
	for (int i = 0; i < NDISC_READ_BUDGET; i++) {
		struct sockaddr_in6 src;
		struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
		struct msghdr msg = {
			.msg_name = &src,
			.msg_namelen = sizeof(src),
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = cbuf.buf,
			.msg_controllen = sizeof(cbuf.buf),
		};
		struct ndisc_rx_meta rx = {.hlim = -1};
		ssize_t n;

		n = recvmsg(nd->fd, &msg, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return neg_errno();
		}
		/* ND messages fit easily; a truncated one is not one. */
		if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC) || msg.msg_namelen < sizeof(src))
			continue;
		rx.src = src.sin6_addr;
		rx_cmsgs(&msg, &rx);
		if (rx.ifindex > 0 && ndisc_take(nd, buf, n, &rx) > 0)
			marked++;
	}
	return marked;
}

/* -- RetransTimer ------------------------------------------------------------ */

unsigned int ndisc_retrans_time_ms(int ifindex)
{
	char name[IF_NAMESIZE], path[128];
	unsigned int ms;
	FILE *f;

	if (ifindex <= 0 || !if_indextoname(ifindex, name))
		return RETRANS_TIMER_MS;
	/* /proc/sys/net shows the network namespace of the reader: ours. */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/neigh/%s/retrans_time_ms", name);
	f = fopen(path, "re");
	if (!f)
		return RETRANS_TIMER_MS;
	if (fscanf(f, "%u", &ms) != 1 || !ms)
		ms = RETRANS_TIMER_MS;
	fclose(f);
	return ms;
}

/* -- net.ipv6.conf settings ------------------------------------------------ */

int ndisc_conf_set(const char *ifname, const char *name, int value, int *old)
{
	char path[128];
	int cur, err = 0;
	FILE *f;

	/* /proc/sys/net shows the network namespace of the reader: ours. */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", ifname, name);
	f = fopen(path, "r+e");
	if (!f)
		return -errno;
	if (fscanf(f, "%d", &cur) != 1)
		err = -EIO;
	else if (cur != value && (fseek(f, 0, SEEK_SET) || fprintf(f, "%d\n", value) < 0))
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && old)
		*old = cur;
	return err;
}

int ndisc_proxy_ndp_set(const char *ifname, int value, int *old)
{
	return ndisc_conf_set(ifname, "proxy_ndp", value, old);
}
