// SPDX-License-Identifier: GPL-2.0
/*
 * sigio.c - Mobility Header packets in and out of xmip6d without kernel MIP6.
 *
 * The kernel here has no MIP6: it neither parses a Home Address option or a
 * type 2 routing header nor builds them. So this file is the IPv6 stack for
 * signalling: it walks the extension headers of the packets XDP hands up,
 * and sends complete packets, IPv6 header included, on an IPPROTO_RAW
 * socket. See sigio.h for the contract.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/ip6.h>
#include <netinet/icmp6.h>

#include "common/inet.h"
#include "common/util.h"
#include "wire/mh.h"
#include "wire/sigio.h"

#ifndef IPV6_FREEBIND
#define IPV6_FREEBIND 78 /* linux/in6.h, since Linux 4.15 */
#endif

#define IPV6_HDR_LEN	  ((size_t)sizeof(struct ip6_hdr))
#define EXT_HDR_UNIT	  8
#define IPV6_VERSION	  6
#define DEFAULT_HOP_LIMIT 64
#define ICMP6_HDR_LEN	  8
/* RFC 8200 section 4.2: the two high bits of an option type say what to do when unknown. */
#define OPT_ACTION_MASK 0xc0
#define OPT_ACTION_SKIP 0x00
/* Routing Type and Segments Left: octets 2 and 3 of every routing header (RFC 8200 4.4). */
#define RTHDR_TYPE_OFF	  2
#define RTHDR_SEGLEFT_OFF 3
/* The MH must hold at least Payload Proto and Header Len, for a Parameter Problem's pointer. */
#define MH_HDR_LEN_END (offsetof(struct mh_hdr, hdr_len) + 1)

/* ---- receive ---------------------------------------------------------------------------- */

static int bad(const char *why)
{
	pr_debug("signalling packet dropped: %s", why);
	return -EBADMSG;
}

/* A home address must name one node anywhere: not multicast, loopback, link-local, ::. */
static bool home_addr_ok(const struct in6_addr *a)
{
	return !IN6_IS_ADDR_UNSPECIFIED(a) && !IN6_IS_ADDR_MULTICAST(a) &&
	       !IN6_IS_ADDR_LOOPBACK(a) && !IN6_IS_ADDR_LINKLOCAL(a);
}

/*
 * Walk the TLV options of a Hop-by-Hop or Destination Options header of
 * @len octets (RFC 8200 section 4.2): each must fit, and an unknown one must
 * be of action 00 ("skip"). The only option we know beyond padding is the
 * HAO, and only in Destination Options (@dstopts); count those in @haos.
 */
static int check_options(const __u8 *h, size_t len, bool dstopts, unsigned int *haos)
{
	size_t pos = 2;

	while (pos < len) {
		__u8 type = h[pos];

		if (type == MIP6_DSTOPT_PAD1) {
			pos++;
			continue;
		}
		if (len - pos < 2 || h[pos + 1] > len - pos - 2)
			return bad("option overruns its header");
		if (dstopts && type == MIP6_OPT_HOME_ADDR)
			(*haos)++;
		else if (type != MIP6_DSTOPT_PADN && (type & OPT_ACTION_MASK) != OPT_ACTION_SKIP)
			return bad("unrecognised option that asks for a discard");
		pos += 2 + h[pos + 1];
	}
	return 0;
}

static int parse_dstopts(const __u8 *h, size_t len, struct sig_rx *rx)
{
	unsigned int haos = 0;
	int err;

	err = check_options(h, len, true, &haos);
	if (err)
		return err;
	if (!haos)
		return 0;
	if (haos > 1 || rx->has_hao)
		return bad("more than one Home Address option");
	if (mh_find_hao(h, len, &rx->hao))
		return bad("malformed Home Address option");
	if (!home_addr_ok(&rx->hao))
		return bad("Home Address option with a non-unicast address");
	rx->has_hao = true;
	return 0;
}

static int parse_routing(const __u8 *h, size_t len, struct sig_rx *rx)
{
	if (h[RTHDR_TYPE_OFF] != MIP6_RT_TYPE2) {
		/* RFC 8200 section 4.4: an unknown type with Segments Left 0 is skipped. */
		if (h[RTHDR_SEGLEFT_OFF])
			return bad("routing header of an unknown type with Segments Left > 0");
		return 0;
	}
	if (rx->has_rt2)
		return bad("more than one type 2 routing header");
	if (mh_parse_rt2(h, len, &rx->rt2))
		return bad("malformed type 2 routing header");
	if (!home_addr_ok(&rx->rt2))
		return bad("type 2 routing header with a non-unicast address");
	rx->has_rt2 = true;
	return 0;
}

/* The extension header @nh of @len octets at @h, the @index-th one of the packet. */
static int parse_ext_hdr(__u8 nh, unsigned int index, const __u8 *h, size_t len, struct sig_rx *rx)
{
	unsigned int unused = 0;

	switch (nh) {
	case IPPROTO_HOPOPTS:
		/* RFC 8200 section 4.1: only right after the IPv6 header. */
		if (index)
			return bad("Hop-by-Hop Options header not first");
		return check_options(h, len, false, &unused);
	case IPPROTO_DSTOPTS:
		return parse_dstopts(h, len, rx);
	case IPPROTO_ROUTING:
		return parse_routing(h, len, rx);
	default:
		return bad("not a Mobility Header packet");
	}
}

/* Walk from the IPv6 header's Next Header to the MH; its offset in *@off. */
static int walk_to_mh(const __u8 *p, size_t len, struct sig_rx *rx, size_t *off)
{
	__u8 nh = p[offsetof(struct ip6_hdr, ip6_nxt)];
	unsigned int i;
	size_t hlen;
	int err;

	*off = IPV6_HDR_LEN;
	for (i = 0; nh != XMIP6_IPPROTO_MH; i++) {
		if (nh == IPPROTO_FRAGMENT) {
			pr_debug("signalling packet dropped: fragmented");
			return -EPROTONOSUPPORT;
		}
		if (i == SIG_MAX_EXT_HDRS)
			return bad("too many extension headers");
		if (len - *off < EXT_HDR_UNIT)
			return bad("truncated extension header");
		hlen = ((size_t)p[*off + 1] + 1) * EXT_HDR_UNIT;
		if (hlen > len - *off)
			return bad("extension header overruns the packet");
		err = parse_ext_hdr(nh, i, p + *off, hlen, rx);
		if (err)
			return err;
		nh = p[*off];
		*off += hlen;
	}
	return 0;
}

int sig_parse_packet(const void *packet, size_t len, int ifindex, bool tunnelled, struct sig_rx *rx)
{
	const struct ip6_hdr *ip6 = packet;
	const __u8 *p = packet;
	size_t off;
	int err;

	if (!rx)
		return -EINVAL;
	memset(rx, 0, sizeof(*rx));
	if (!packet || len < IPV6_HDR_LEN)
		return bad("truncated IPv6 header");
	if (p[0] >> 4 != IPV6_VERSION)
		return bad("not IPv6");
	/* A jumbogram (payload length 0) fails here too: an MH is at most 2 KiB. */
	if (ntohs(ip6->ip6_plen) != len - IPV6_HDR_LEN)
		return bad("payload length disagrees with the packet length");

	rx->ifindex = ifindex;
	rx->tunnelled = tunnelled;
	rx->src = ip6->ip6_src;
	rx->dst = ip6->ip6_dst;
	rx->hop_limit = ip6->ip6_hlim;
	rx->packet = p;
	rx->packet_len = len;

	err = walk_to_mh(p, len, rx, &off);
	if (err)
		return err;
	if (len - off < MH_HDR_LEN_END)
		return bad("truncated Mobility Header");
	rx->mh = p + off;
	rx->mh_len = len - off;
	rx->mh_offset = off;
	/* RFC 6275 section 6.1.1: the home addresses stand in for the CoAs. */
	rx->mh_src = rx->has_hao ? rx->hao : rx->src;
	rx->mh_dst = rx->has_rt2 ? rx->rt2 : rx->dst;
	return 0;
}

/* ---- send ------------------------------------------------------------------------------- */

/* The packet of @tx without any tunnel. */
static int build_inner(void *buf, size_t size, const struct sig_tx *tx)
{
	size_t need, off = IPV6_HDR_LEN;
	struct ip6_hdr *ip6 = buf;
	__u8 *p = buf;
	__u8 *nh;
	int n;

	if (!buf || !tx || !tx->mh || tx->mh_len < sizeof(struct mh_hdr) || tx->mh_len > MH_MAX_LEN)
		return -EINVAL;
	need = IPV6_HDR_LEN + tx->mh_len;
	if (tx->rt2)
		need += sizeof(struct mip6_rt2_hdr);
	if (tx->hao)
		need += sizeof(struct mip6_dstopts_hao);
	if (need > size)
		return -ENOSPC;

	memset(ip6, 0, IPV6_HDR_LEN);
	ip6->ip6_flow = htonl((__u32)IPV6_VERSION << 28); /* traffic class and flow label 0 */
	ip6->ip6_plen = htons(need - IPV6_HDR_LEN);
	ip6->ip6_hlim = tx->hop_limit ? tx->hop_limit : DEFAULT_HOP_LIMIT;
	ip6->ip6_src = tx->src;
	ip6->ip6_dst = tx->dst;
	nh = &ip6->ip6_nxt;

	/*
	 * RFC 8200 section 4.1 order: the Routing header, then the Destination
	 * Options for the final destination, which is where RFC 6275 section
	 * 6.3 puts the HAO.
	 */
	if (tx->rt2) {
		*nh = IPPROTO_ROUTING;
		nh = p + off;
		n = mh_build_rt2(p + off, size - off, XMIP6_IPPROTO_MH, tx->rt2);
		if (n < 0)
			return n;
		off += n;
	}
	if (tx->hao) {
		*nh = IPPROTO_DSTOPTS;
		nh = p + off;
		n = mh_build_hao_dstopts(p + off, size - off, XMIP6_IPPROTO_MH, tx->hao);
		if (n < 0)
			return n;
		off += n;
	}
	*nh = XMIP6_IPPROTO_MH;
	memcpy(p + off, tx->mh, tx->mh_len);
	/* RFC 6275 section 6.1.1: HAO's home address as source, RH2's as destination. */
	mh_set_checksum(tx->hao ? tx->hao : &tx->src, tx->rt2 ? tx->rt2 : &tx->dst, p + off,
			tx->mh_len);
	return off + tx->mh_len;
}

/* RFC 2473: an outer IPv6 header, next header 41, around the packet of @tx. */
static int build_tunnelled(void *buf, size_t size, const struct sig_tx *tx)
{
	struct ip6_hdr *outer = buf;
	int n;

	if (size < IPV6_HDR_LEN)
		return -ENOSPC;
	n = build_inner((__u8 *)buf + IPV6_HDR_LEN, size - IPV6_HDR_LEN, tx);
	if (n < 0)
		return n;
	memset(outer, 0, IPV6_HDR_LEN);
	outer->ip6_flow = htonl((__u32)IPV6_VERSION << 28);
	outer->ip6_plen = htons(n);
	outer->ip6_nxt = XMIP6_IPPROTO_IPV6;
	outer->ip6_hlim = DEFAULT_HOP_LIMIT;
	outer->ip6_src = *tx->tunnel_src;
	outer->ip6_dst = *tx->tunnel_dst;
	return IPV6_HDR_LEN + n;
}

int sig_build_packet(void *buf, size_t size, const struct sig_tx *tx)
{
	if (!buf || !tx || !tx->tunnel_src != !tx->tunnel_dst)
		return -EINVAL;
	if (tx->tunnel_src)
		return build_tunnelled(buf, size, tx);
	return build_inner(buf, size, tx);
}

static int set_int_opt(int fd, int level, int name, int val, const char *what)
{
	int err = inet_set_int(fd, level, name, val);

	if (err)
		pr_err("signalling socket: %s: %s", what, strerror(-err));
	return err;
}

static int open_raw(void)
{
	int fd, err;

	/* IPPROTO_RAW implies IPV6_HDRINCL on Linux: we write the IPv6 header. */
	fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0) {
		err = -errno;
		pr_err("signalling socket: socket(IPPROTO_RAW): %s", strerror(-err));
		return err;
	}
	err = set_int_opt(fd, SOL_SOCKET, SO_MARK, XMIP6_MARK_SIGNAL, "SO_MARK");
	if (!err)
		err = set_int_opt(fd, IPPROTO_IPV6, IPV6_FREEBIND, 1, "IPV6_FREEBIND");
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/* Send only (Parameter Problems): let no received ICMPv6 pile up in its queue. */
static int open_icmp(void)
{
	static const struct inet_icmp6_opts opts = {.pass = NULL};
	int fd = inet_icmp6_socket(&opts);

	if (fd < 0)
		pr_err("signalling socket: ICMPv6: %s", strerror(-fd));
	return fd;
}

int sig_open(struct sig_socks *s)
{
	s->batch = NULL;
	s->queueing = false;
	s->raw_fd = open_raw();
	s->icmp_fd = s->raw_fd < 0 ? -1 : open_icmp();
	if (s->raw_fd < 0 || s->icmp_fd < 0) {
		int err = s->raw_fd < 0 ? s->raw_fd : s->icmp_fd;

		sig_close(s);
		return err;
	}
	return 0;
}

void sig_close(struct sig_socks *s)
{
	free(s->batch);
	s->batch = NULL;
	s->queueing = false;
	if (s->raw_fd >= 0)
		close(s->raw_fd);
	if (s->icmp_fd >= 0)
		close(s->icmp_fd);
	s->raw_fd = -1;
	s->icmp_fd = -1;
}

/* Link-local peers are ambiguous without the interface. */
static __u32 scope_of(const struct in6_addr *a, int ifindex)
{
	return IN6_IS_ADDR_LINKLOCAL(a) || IN6_IS_ADDR_MC_LINKLOCAL(a) ? (__u32)ifindex : 0;
}

/* The IPV6_PKTINFO control message of one sendmsg(), aligned for CMSG_FIRSTHDR. */
union sig_control {
	struct cmsghdr align;
	char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
};

/* The largest packet sig_build_packet() lays out. */
#define SIG_PACKET_MAX                                                      \
	(SIG_TUNNEL_OVERHEAD + IPV6_HDR_LEN + sizeof(struct mip6_rt2_hdr) + \
	 sizeof(struct mip6_dstopts_hao) + MH_MAX_LEN)

/*
 * @msg for @iov to @dst (@to filled) with IPV6_PKTINFO naming @src (when
 * not ::) and @ifindex (when not 0), in @control.
 */
static void msg_pktinfo(struct msghdr *msg, struct sockaddr_in6 *to, union sig_control *control,
			const struct iovec *iov, size_t iovlen, const struct in6_addr *dst,
			const struct in6_addr *src, int ifindex)
{
	struct in6_pktinfo pi = {.ipi6_addr = *src, .ipi6_ifindex = ifindex};
	struct cmsghdr *cmsg;

	*to = (struct sockaddr_in6){
		.sin6_family = AF_INET6,
		.sin6_addr = *dst,
		.sin6_scope_id = scope_of(dst, ifindex),
	};
	*msg = (struct msghdr){
		.msg_name = to,
		.msg_namelen = sizeof(*to),
		.msg_iov = (struct iovec *)iov,
		.msg_iovlen = iovlen,
		.msg_control = control->buf,
		.msg_controllen = sizeof(control->buf),
	};
	memset(control, 0, sizeof(*control));
	cmsg = CMSG_FIRSTHDR(msg);
	cmsg->cmsg_level = IPPROTO_IPV6;
	cmsg->cmsg_type = IPV6_PKTINFO;
	cmsg->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(cmsg), &pi, sizeof(pi));
}

/* sendmsg() of @iov as msg_pktinfo() lays it out. 0 or -errno. */
static int send_pktinfo(int fd, const struct iovec *iov, size_t iovlen, const struct in6_addr *dst,
			const struct in6_addr *src, int ifindex)
{
	union sig_control control;
	struct sockaddr_in6 to;
	struct msghdr msg;

	msg_pktinfo(&msg, &to, &control, iov, iovlen, dst, src, ifindex);
	if (sendmsg(fd, &msg, 0) < 0)
		return -errno;
	return 0;
}

/*
 * With IPV6_HDRINCL the kernel sends the packet as built; the address only
 * routes it: to the IPv6 destination (the CoA, never the RH2's home
 * address; the tunnel's far end when tunnelled), from the source for "ip
 * rule from" to see.
 */
static const struct in6_addr *route_dst(const struct sig_tx *tx)
{
	return tx->tunnel_dst ? tx->tunnel_dst : &tx->dst;
}

static const struct in6_addr *route_src(const struct sig_tx *tx)
{
	return tx->tunnel_src ? tx->tunnel_src : &tx->src;
}

int sig_send(struct sig_socks *s, const struct sig_tx *tx)
{
	__u8 buf[SIG_PACKET_MAX];
	struct iovec iov;
	int len;

	len = sig_build_packet(buf, sizeof(buf), tx);
	if (len < 0)
		return len;
	iov.iov_base = buf;
	iov.iov_len = len;
	return send_pktinfo(s->raw_fd, &iov, 1, route_dst(tx), route_src(tx), 0);
}

/* ---- batched send ------------------------------------------------------------------------- */

/* What sig_queue() holds until sig_flush(): one sendmmsg()'s worth. */
struct sig_batch {
	unsigned int n;
	__u32 tag[SIG_BATCH_MAX];
	struct mmsghdr msgs[SIG_BATCH_MAX];
	struct iovec iov[SIG_BATCH_MAX];
	struct sockaddr_in6 to[SIG_BATCH_MAX];
	union sig_control control[SIG_BATCH_MAX];
	__u8 pkt[SIG_BATCH_MAX][SIG_PACKET_MAX];
};

int sig_batch_start(struct sig_socks *s, sig_failed_fn failed, sig_before_fn before, void *ctx)
{
	if (!s->batch) {
		s->batch = calloc(1, sizeof(*s->batch));
		if (!s->batch)
			return -ENOMEM;
	}
	s->failed = failed;
	s->before = before;
	s->failed_ctx = ctx;
	s->queueing = true;
	return 0;
}

/*
 * sendmmsg() stops at the first message the kernel refuses and says how
 * many went: that one is reported (its error is what a sendmsg() of it
 * alone returns) and the rest sent on.
 */
unsigned int sig_flush(struct sig_socks *s)
{
	struct sig_batch *b = s->batch;
	unsigned int i = 0, sent = 0;
	int r;

	if (!b)
		return 0;
	if (s->before)
		s->before(s->failed_ctx);
	while (i < b->n) {
		r = sendmmsg(s->raw_fd, &b->msgs[i], b->n - i, 0);
		if (r > 0) {
			i += r;
			sent += r;
			continue;
		}
		r = r < 0 ? -errno : -EIO;
		if (s->failed)
			s->failed(s->failed_ctx, b->tag[i], r);
		i++;
	}
	b->n = 0;
	return sent;
}

void sig_batch_stop(struct sig_socks *s)
{
	sig_flush(s);
	s->queueing = false;
}

int sig_queue(struct sig_socks *s, const struct sig_tx *tx, __u32 tag)
{
	struct sig_batch *b = s->batch;
	unsigned int k;
	int len;

	if (!s->queueing || !b)
		return sig_send(s, tx);
	if (b->n == SIG_BATCH_MAX)
		sig_flush(s);
	k = b->n;
	len = sig_build_packet(b->pkt[k], sizeof(b->pkt[k]), tx);
	if (len < 0)
		return len;
	b->iov[k] = (struct iovec){.iov_base = b->pkt[k], .iov_len = len};
	msg_pktinfo(&b->msgs[k].msg_hdr, &b->to[k], &b->control[k], &b->iov[k], 1, route_dst(tx),
		    route_src(tx), 0);
	b->msgs[k].msg_len = 0;
	b->tag[k] = tag;
	b->n++;
	return 0;
}

int sig_send_param_problem(struct sig_socks *s, const struct sig_rx *rx, __u8 code, __u32 pointer)
{
	struct icmp6_hdr icmp = {
		.icmp6_type = ICMP6_PARAM_PROB,
		.icmp6_code = code,
	};
	const struct in6_addr any = IN6ADDR_ANY_INIT;
	const struct in6_addr *src = &rx->dst;
	struct addr6_buf a;
	struct iovec iov[2];
	int err;

	if (!rx->packet)
		return -EINVAL;
	/* RFC 4443 section 2.4 (e): no error to a non-unique source, ... */
	if (IN6_IS_ADDR_UNSPECIFIED(&rx->src) || IN6_IS_ADDR_MULTICAST(&rx->src))
		return -EINVAL;
	/* ... nor about a multicast packet, but for an unrecognised option (code 2). */
	if (IN6_IS_ADDR_MULTICAST(&rx->dst)) {
		if (code != ICMP6_PARAMPROB_OPTION)
			return -EINVAL;
		src = &any; /* never from a multicast address: let the kernel choose */
	}
	icmp.icmp6_pptr = htonl(pointer);
	iov[0].iov_base = &icmp;
	iov[0].iov_len = ICMP6_HDR_LEN;
	iov[1].iov_base = (void *)rx->packet;
	iov[1].iov_len = rx->packet_len < SIG_PARAM_PROBLEM_QUOTE_MAX ? rx->packet_len
								      : SIG_PARAM_PROBLEM_QUOTE_MAX;
	err = send_pktinfo(s->icmp_fd, iov, 2, &rx->src, src,
			   scope_of(&rx->src, rx->ifindex) ? rx->ifindex : 0);
	if (err)
		pr_warn("ICMPv6 Parameter Problem to %s: %s", addr6_str(&rx->src, &a),
			strerror(-err));
	return err;
}
