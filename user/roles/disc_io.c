// SPDX-License-Identifier: GPL-2.0
/*
 * disc_io.c - the sockets of home agent and prefix discovery. See disc_io.h.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/ip6.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include "common/inet.h"
#include "common/util.h"
#include "roles/disc_io.h"

/* A packet socket taking only IPv6 packets whose Next Header is @nexthdr. */
static int open_pkt(__u8 nexthdr)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, offsetof(struct ip6_hdr, ip6_nxt)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nexthdr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, DISC_PKT_BUF_LEN),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = {.len = sizeof(code) / sizeof(code[0]), .filter = code};
	int fd;

	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_IPV6));
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int disc_socks_open(struct disc_socks *s, const int *icmp_types, __u8 nexthdr, const char *pkt_what)
{
	/* With arrival interface and hop limit (RFC 4861 6.1.2 for the RAs
	 * the home agent reads). */
	const struct inet_icmp6_opts opts = {
		.pass = icmp_types,
		.nonblock = true,
		.recv_info = true,
	};
	int err;

	s->pkt_fd = -1;
	s->icmp_fd = inet_icmp6_socket(&opts);
	if (s->icmp_fd < 0) {
		err = s->icmp_fd;
		pr_err("DHAAD socket: %s", strerror(-err));
		return err;
	}
	s->pkt_fd = open_pkt(nexthdr);
	if (s->pkt_fd < 0) {
		err = s->pkt_fd;
		pr_err("%s packet socket: %s", pkt_what, strerror(-err));
		disc_socks_close(s);
		return err;
	}
	return 0;
}

void disc_socks_close(struct disc_socks *s)
{
	if (s->icmp_fd >= 0)
		close(s->icmp_fd);
	if (s->pkt_fd >= 0)
		close(s->pkt_fd);
	s->icmp_fd = s->pkt_fd = -1;
}

int disc_icmp_recv(int fd, struct disc_icmp_rx *rx)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int))];
	} control;
	struct sockaddr_in6 from;
	struct iovec iov = {.iov_base = rx->data, .iov_len = sizeof(rx->data)};
	struct msghdr msg = {
		.msg_name = &from,
		.msg_namelen = sizeof(from),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cm;
	ssize_t n;

	n = recvmsg(fd, &msg, MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	rx->len = n;
	rx->src = from.sin6_addr;
	rx->ifindex = 0;
	rx->hoplimit = -1;
	memset(&rx->dst, 0, sizeof(rx->dst));
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level != IPPROTO_IPV6)
			continue;
		if (cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			rx->dst = pi.ipi6_addr;
			rx->ifindex = pi.ipi6_ifindex;
		} else if (cm->cmsg_type == IPV6_HOPLIMIT) {
			memcpy(&rx->hoplimit, CMSG_DATA(cm), sizeof(int));
		}
	}
	return 1;
}

int disc_icmp_send(int fd, const void *msg, size_t len, const struct in6_addr *src,
		   const struct in6_addr *dst)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} control;
	struct sockaddr_in6 to = {.sin6_family = AF_INET6, .sin6_addr = *dst};
	struct iovec iov = {.iov_base = (void *)msg, .iov_len = len};
	struct msghdr m = {
		.msg_name = &to,
		.msg_namelen = sizeof(to),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	struct in6_pktinfo pi = {.ipi6_addr = *src};
	struct cmsghdr *cm;

	memset(&control, 0, sizeof(control));
	cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	return sendmsg(fd, &m, 0) < 0 ? -errno : 0;
}

int disc_socks_hook(struct daemon *d, const struct disc_socks *s, daemon_hook_fn icmp_readable,
		    daemon_hook_fn pkt_readable, daemon_hook_fn tick, void *arg)
{
	return daemon_watch(d, s->icmp_fd, icmp_readable, arg)
		       ?: daemon_watch(d, s->pkt_fd, pkt_readable, arg)
		       ?: daemon_on_tick(d, tick, arg);
}

/* One packet: its length; 0 for one we sent ourselves; -errno, -EAGAIN when none is queued. */
static int pkt_recv(int fd, void *buf, size_t size)
{
	struct sockaddr_ll from;
	socklen_t flen = sizeof(from);
	ssize_t n;

	n = recvfrom(fd, buf, size, MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
	if (n < 0)
		return -errno;
	return from.sll_pkttype == PACKET_OUTGOING ? 0 : (int)n;
}

void disc_mp_take(const void *pkt, size_t len,
		  int (*parse)(const void *pkt, size_t len, struct disc_mp_pkt *out),
		  disc_mp_fn take, void *arg, unsigned long long now)
{
	struct disc_mp_pkt mp;
	int err;

	/* -EPROTO: only the checksum is wrong, the rest is there. */
	err = parse(pkt, len, &mp);
	if (!err || err == -EPROTO)
		take(arg, &mp, !err, now);
}

void disc_mp_read(int fd, void *buf, size_t size,
		  int (*parse)(const void *pkt, size_t len, struct disc_mp_pkt *out),
		  disc_mp_fn take, void *arg, unsigned long long now)
{
	int i, n;

	for (i = 0; i < DISC_READ_BUDGET; i++) {
		n = pkt_recv(fd, buf, size);
		if (n < 0)
			return;
		if (n)
			disc_mp_take(buf, n, parse, take, arg, now);
	}
}

int disc_raw_send(int raw_fd, const void *pkt, size_t len, const struct in6_addr *dst)
{
	struct sockaddr_in6 to = {.sin6_family = AF_INET6, .sin6_addr = *dst};

	if (sendto(raw_fd, pkt, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	return 0;
}

__u16 disc_random_id(void)
{
	__u16 id;

	if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != sizeof(id))
		id = random();
	return id;
}
