// SPDX-License-Identifier: GPL-2.0
/*
 * route.c - one RTM_GETROUTE request over a netlink socket of its own. See
 * route.h.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "net/route.h"

#define ROUTE_BUF_LEN 4096

struct route_req {
	struct nlmsghdr nh;
	struct rtmsg rt;
	struct rtattr dst_attr;
	struct in6_addr dst;
};

/* RTA_OIF of the RTM_NEWROUTE answer @nh, or -errno. */
static int answer_oif(const struct nlmsghdr *nh, size_t len)
{
	const struct rtmsg *rt;
	const struct rtattr *a;
	int alen, oif;

	if (!NLMSG_OK(nh, len))
		return -EBADMSG;
	if (nh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(nh);

		return e->error ? e->error : -ENOENT;
	}
	if (nh->nlmsg_type != RTM_NEWROUTE || nh->nlmsg_len < NLMSG_LENGTH(sizeof(*rt)))
		return -EBADMSG;
	rt = NLMSG_DATA(nh);
	alen = nh->nlmsg_len - NLMSG_LENGTH(sizeof(*rt));
	for (a = RTM_RTA(rt); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		if (a->rta_type == RTA_OIF && RTA_PAYLOAD(a) >= sizeof(int)) {
			memcpy(&oif, RTA_DATA(a), sizeof(oif));
			return oif > 0 ? oif : -ENODEV;
		}
	}
	return -ENODEV;
}

int route_oif6(const struct in6_addr *dst)
{
	struct route_req req = {
		.nh = {.nlmsg_len = sizeof(req),
		       .nlmsg_type = RTM_GETROUTE,
		       .nlmsg_flags = NLM_F_REQUEST,
		       .nlmsg_seq = 1},
		.rt = {.rtm_family = AF_INET6, .rtm_dst_len = 128},
		.dst_attr = {.rta_len = RTA_LENGTH(sizeof(*dst)), .rta_type = RTA_DST},
		.dst = *dst,
	};
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	char buf[ROUTE_BUF_LEN] __attribute__((aligned(4)));
	ssize_t n;
	int fd, ret;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		ret = -errno;
	} else {
		n = recv(fd, buf, sizeof(buf), 0);
		ret = n < 0 ? -errno : answer_oif((const struct nlmsghdr *)buf, n);
	}
	close(fd);
	return ret;
}

unsigned int route_oif6_hint(const struct in6_addr *dst)
{
	int oif = route_oif6(dst);

	return oif > 0 ? (unsigned int)oif : 0;
}
