// SPDX-License-Identifier: GPL-2.0
/*
 * inet.c - the Internet checksum over the IPv6 pseudo-header and raw ICMPv6
 * socket set-up, shared by every part that sends or checks ICMPv6 or
 * Mobility Header packets itself.
 */
#include <errno.h>
#include <unistd.h>
#include <netinet/icmp6.h>
#include <sys/socket.h>

#include "common/inet.h"

__u64 inet_csum_add(__u64 sum, const void *data, size_t len)
{
	const __u8 *p = data;

	for (; len > 1; p += 2, len -= 2)
		sum += (__u32)p[0] << 8 | p[1];
	if (len)
		sum += (__u32)p[0] << 8;
	return sum;
}

__u16 inet_csum_fold(__u64 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

__u64 inet_pseudo_sum(const struct in6_addr *src, const struct in6_addr *dst, __u32 len,
		      __u8 next_header)
{
	__u64 sum = inet_csum_add(0, src, sizeof(*src));

	sum = inet_csum_add(sum, dst, sizeof(*dst));
	sum += (len >> 16) + (len & 0xffff); /* the 32-bit length as two halves */
	return sum + next_header;	     /* three zero octets, then next header */
}

__u16 inet_checksum(const struct in6_addr *src, const struct in6_addr *dst, __u8 next_header,
		    const void *data, size_t len)
{
	__u64 sum = inet_pseudo_sum(src, dst, (__u32)len, next_header);

	return (__u16)~inet_csum_fold(inet_csum_add(sum, data, len));
}

int inet_set_int(int fd, int level, int name, int val)
{
	return setsockopt(fd, level, name, &val, sizeof(val)) ? -errno : 0;
}

int inet_icmp6_socket(const struct inet_icmp6_opts *opts)
{
	int type = SOCK_RAW | SOCK_CLOEXEC | (opts->nonblock ? SOCK_NONBLOCK : 0);
	struct icmp6_filter filter;
	const int *t;
	int fd, err;

	fd = socket(AF_INET6, type, IPPROTO_ICMPV6);
	if (fd < 0)
		return -errno;
	ICMP6_FILTER_SETBLOCKALL(&filter);
	for (t = opts->pass; t && *t >= 0; t++)
		ICMP6_FILTER_SETPASS(*t, &filter);
	err = setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter)) ? -errno : 0;
	if (!err && opts->nd_hop_limit) {
		err = inet_set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, INET_ND_HOP_LIMIT);
		err = err ?: inet_set_int(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, INET_ND_HOP_LIMIT);
		err = err ?: inet_set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0);
	}
	if (!err && opts->recv_info) {
		err = inet_set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
		err = err ?: inet_set_int(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1);
	}
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}
