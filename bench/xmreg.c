// SPDX-License-Identifier: GPL-2.0
/*
 * xmreg.c - registration load generator for `make bench`.
 *
 * Simulates N mobile nodes, each with its own home address, SPI and
 * MN-HA key, all behind one care-of address, and sends authenticated home
 * registrations (RFC 6275 section 11.7.1 BU with H and A, RFC 4285
 * Replay Protection timestamp and MN-HA AUTH, Home Address option) to a
 * home agent on a packet socket. The BAs come back with a type 2 routing
 * header, which this kernel (no MIP6) would drop: they are read on the same
 * AF_PACKET socket, before the IPv6 stack sees them.
 *
 * The BU is built with the project's own builders (user/wire/mh.c, user/wire/auth.c,
 * user/wire/sigio.c): a benchmark, not a conformance test. What comes back is
 * checked, though: every BA's status and sequence number, and for one BA
 * in VERIFY_EVERY its MH checksum and MN-HA authenticator.
 *
 *   xmreg conf N                 the mobile-nodes list of the HA config
 *   xmreg run IF HA_MAC HA COA N SECONDS WINDOW RATE_PCTS
 *        1. every node registers once (closed loop, window WINDOW);
 *        2. closed loop, WINDOW outstanding, SECONDS: the sustained rate;
 *        3. open loop at each of RATE_PCTS (comma-separated percentages of
 *           that rate), SECONDS each: BU -> BA latency.
 *   xmreg paced IF HA_MAC HA COA N RATE COUNTS
 *        COUNTS (comma-separated) BUs at RATE a second, a pause after each.
 *   xmreg forge IF HA_MAC HA COA N RATE SECONDS
 *        forged BUs (the nodes' own, authenticator altered) at RATE a second
 *        for SECONDS or until SIGTERM: the flood a second generator adds to
 *        `run`. Counts the answers to them (sequence numbers from
 *        FORGED_SEQ, which `run` and `paced` never reach) and how many of
 *        those carry a valid authenticator (none may).
 * One JSON object per phase on stdout ("item": "register").
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "wire/auth.h"
#include "wire/mh.h"
#include "wire/sigio.h"

#define KEY_LEN	      16
#define SPI_BASE      MH_AUTH_SPI_MIN
#define SEQ_SLOTS     8	  /* send times remembered per node (by sequence number) */
#define LIFETIME_UNIT 150 /* 600 s */
#define STALL_NS      200000000ULL
#define DRAIN_NS      300000000ULL
#define BA_STATUS_OFF 6
#define BA_SEQ_OFF    8
#define MAX_SAMPLES   (1 << 22)
#define FRAME_MAX     256
#define FORGED_SEQ    30000 /* forged BUs' sequence numbers, and their answers' */
#define FORGED_FRAMES 4096  /* distinct forged frames, built once, sent round robin */
#define FORGE_BATCH   64    /* forged frames a sendmmsg() */
#define TX_BATCH      32    /* BUs a sendmmsg(), at most */
#define RX_BATCH      64    /* BAs a recvmmsg(), at most */
#define RX_FRAME      512   /* a BA frame is under 200 octets */

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

struct node {
	__u16 seq;
	unsigned long long sent_ns[SEQ_SLOTS];
	__u16 sent_seq[SEQ_SLOTS];
};

struct gen {
	int fd, ifindex;
	__u8 ha_mac[ETH_ALEN], my_mac[ETH_ALEN];
	struct in6_addr ha, coa;
	unsigned int n;
	struct node *nodes;
	unsigned int next; /* round robin over the nodes */
	unsigned int verify_every;
	bool forge; /* answers to forged BUs are ours, and the rest not */
	bool spin;  /* XMREG_SPIN: the closed loop never sleeps (see main()) */
	/* per phase */
	unsigned long long sent, rcvd, accepted, refused, unmatched, verified, verify_bad;
	unsigned long long valid_mac; /* answers whose authenticator verified */
	unsigned long long statuses[256];
	unsigned int *lat_us;
	size_t n_lat;
	double cpu0; /* the generator's own CPU seconds at the phase's start */
	/* BUs built and not yet sent, for one sendmmsg() */
	unsigned int tx_n;
	unsigned int tx_node[TX_BATCH];
	__u16 tx_seq[TX_BATCH];
	struct mmsghdr tx_msgs[TX_BATCH];
	struct iovec tx_iov[TX_BATCH];
	__u8 tx_frames[TX_BATCH][FRAME_MAX];
	/* one recvmmsg()'s buffers, each BA with its kernel receive time */
	struct mmsghdr rx_msgs[RX_BATCH];
	struct iovec rx_iov[RX_BATCH];
	__u8 rx_frames[RX_BATCH][RX_FRAME];
	char rx_ctl[RX_BATCH][CMSG_SPACE(sizeof(struct timespec))];
};

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * The clock of the latency samples: the kernel stamps a received BA
 * (SO_TIMESTAMPNS) in CLOCK_REALTIME, so the send times are taken in it too.
 * A BA is timed when it reached the link, not when the generator, busy
 * building BUs on its core, got round to reading it.
 */
static unsigned long long stamp_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static __u64 splitmix64(__u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/*
 * XMREG_FIRST=K in the environment: this generator's node i is node K + i
 * of the HA's list, so that several generators (one per home agent of a
 * cluster, bench/cluster.sh) register disjoint nodes. 0 when unset.
 */
static unsigned int first;

/* Node i: home address 2001:db8:100::/64 + first + i + 1, SPI 256 + first + i, its own key. */
static void node_hoa(unsigned int i, struct in6_addr *a)
{
	__u32 id = htonl(first + i + 1);

	inet_pton(AF_INET6, "2001:db8:100::", a);
	memcpy(&a->s6_addr[12], &id, 4);
}

static void node_key(unsigned int i, __u8 key[KEY_LEN])
{
	__u64 a, b;

	i += first;
	a = splitmix64(i);
	b = splitmix64(a ^ i);

	memcpy(key, &a, 8);
	memcpy(key + 8, &b, 8);
}

static int node_of(const struct gen *g, const struct in6_addr *hoa)
{
	struct in6_addr base;
	__u32 id;

	node_hoa(0, &base);
	if (memcmp(&base, hoa, 12))
		return -1;
	memcpy(&id, &hoa->s6_addr[12], 4);
	id = ntohl(id) - first;
	return id >= 1 && id <= g->n ? (int)id - 1 : -1;
}

static int cmd_conf(unsigned int n)
{
	char buf[INET6_ADDRSTRLEN];
	struct in6_addr a;
	__u8 key[KEY_LEN];
	unsigned int i, k;

	printf("mobile-nodes = (\n");
	for (i = 0; i < n; i++) {
		node_hoa(i, &a);
		node_key(i, key);
		printf("  { home-address = \"%s\"; spi = %u; key = \"",
		       inet_ntop(AF_INET6, &a, buf, sizeof(buf)), SPI_BASE + first + i);
		for (k = 0; k < KEY_LEN; k++)
			printf("%02x", key[k]);
		printf("\"; }%s\n", i + 1 < n ? "," : "");
	}
	printf(");\n");
	return 0;
}

/* ---- the packet socket ---------------------------------------------------------------- */

static int parse_mac(const char *s, __u8 mac[ETH_ALEN])
{
	unsigned int m[ETH_ALEN];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6)
		return -EINVAL;
	for (i = 0; i < ETH_ALEN; i++)
		mac[i] = m[i];
	return 0;
}

static int open_sock(struct gen *g, const char *ifname)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IPV6)};
	int one = 1, bufsz = 8 << 20;
	char path[64];
	FILE *f;

	g->ifindex = if_nametoindex(ifname);
	if (!g->ifindex)
		return -errno;
	snprintf(path, sizeof(path), "/sys/class/net/%s/address", ifname);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	if (!fgets(path, sizeof(path), f) || parse_mac(path, g->my_mac)) {
		fclose(f);
		return -EINVAL;
	}
	fclose(f);
	g->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_IPV6));
	if (g->fd < 0)
		return -errno;
	/* Our own BUs are not answers. */
	setsockopt(g->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	setsockopt(g->fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufsz, sizeof(bufsz));
	setsockopt(g->fd, SOL_SOCKET, SO_SNDBUFFORCE, &bufsz, sizeof(bufsz));
	setsockopt(g->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	sll.sll_ifindex = g->ifindex;
	if (bind(g->fd, (struct sockaddr *)&sll, sizeof(sll)))
		return -errno;
	return 0;
}

/* ---- BU out ----------------------------------------------------------------------------- */

/* Node @i's BU of @seq as an Ethernet frame in @frame (FRAME_MAX): its length or -errno. */
static int build_bu(const struct gen *g, unsigned int i, __u16 seq, __u8 *frame)
{
	struct mh_bu_fields bu = {
		.sequence = seq,
		.flags = XMIP6_BU_F_ACK | XMIP6_BU_F_HOME,
		.lifetime = LIFETIME_UNIT,
	};
	struct mh_opts opts = {
		.has_timestamp = true,
		.timestamp = auth_ntp_now(),
		.has_mnha_auth = true,
		.mnha_spi = SPI_BASE + first + i,
	};
	__u8 mh[128], key[KEY_LEN];
	struct in6_addr hoa;
	struct sig_tx tx = {.src = g->coa, .dst = g->ha, .hao = &hoa, .mh = mh};
	struct ether_header *eth = (struct ether_header *)frame;
	int len;

	node_hoa(i, &hoa);
	node_key(i, key);
	len = mh_build_bu(mh, sizeof(mh), &bu, &opts);
	if (len < 0)
		return len;
	tx.mh_len = len;
	if (auth_mnha_sign(mh, len, &g->coa, &hoa, key, KEY_LEN))
		return -EINVAL;
	/* The authenticator ends the message: one bit of it wrong. */
	if (g->forge)
		mh[len - 1] ^= 1;
	memcpy(eth->ether_dhost, g->ha_mac, ETH_ALEN);
	memcpy(eth->ether_shost, g->my_mac, ETH_ALEN);
	eth->ether_type = htons(ETHERTYPE_IPV6);
	len = sig_build_packet(frame + sizeof(*eth), FRAME_MAX - sizeof(*eth), &tx);
	return len < 0 ? len : (int)(sizeof(*eth) + len);
}

/* The next node's next BU into the batch: 1, 0 when the batch is full, or -errno. */
static int queue_bu(struct gen *g)
{
	unsigned int i = g->next, b = g->tx_n;
	int len;

	if (b == TX_BATCH)
		return 0;
	len = build_bu(g, i, ++g->nodes[i].seq, g->tx_frames[b]);
	if (len < 0)
		return len;
	g->next = (i + 1) % g->n;
	g->tx_node[b] = i;
	g->tx_seq[b] = g->nodes[i].seq;
	g->tx_iov[b] = (struct iovec){.iov_base = g->tx_frames[b], .iov_len = len};
	g->tx_msgs[b] = (struct mmsghdr){.msg_hdr = {.msg_iov = &g->tx_iov[b], .msg_iovlen = 1}};
	g->tx_n++;
	return 1;
}

/*
 * Send the batch in one sendmmsg(), each BU timed as it leaves. A BU the
 * socket had no room for is dropped (its node's sequence number stays
 * used: a gap the home agent accepts). Returns how many went, or -errno.
 */
static int flush_bus(struct gen *g)
{
	unsigned long long t = stamp_ns();
	unsigned int b, n = g->tx_n;
	struct node *nd;
	int sent;

	if (!n)
		return 0;
	for (b = 0; b < n; b++) {
		nd = &g->nodes[g->tx_node[b]];
		nd->sent_seq[g->tx_seq[b] % SEQ_SLOTS] = g->tx_seq[b];
		nd->sent_ns[g->tx_seq[b] % SEQ_SLOTS] = t;
	}
	g->tx_n = 0;
	sent = sendmmsg(g->fd, g->tx_msgs, n, 0);
	if (sent < 0) {
		if (errno != EAGAIN && errno != ENOBUFS)
			return -errno;
		sent = 0;
	}
	for (b = sent; b < n; b++)
		g->nodes[g->tx_node[b]].sent_ns[g->tx_seq[b] % SEQ_SLOTS] = 0;
	g->sent += sent;
	return sent;
}

/* ---- BA in ------------------------------------------------------------------------------- */

static void verify_ba(struct gen *g, const struct sig_rx *rx, unsigned int i)
{
	__u8 key[KEY_LEN];
	bool ok;

	node_key(i, key);
	ok = mh_checksum_valid(&rx->mh_src, &rx->mh_dst, rx->mh, rx->mh_len) &&
	     !auth_mnha_verify(rx->mh, rx->mh_len, &rx->dst, &rx->rt2, key, KEY_LEN);
	g->verified++;
	if (!ok)
		g->verify_bad++;
	else
		g->valid_mac++;
}

static void handle_ba(struct gen *g, const __u8 *pkt, size_t len, unsigned long long t)
{
	struct sig_rx rx;
	struct node *nd;
	__u16 seq;
	__u8 status;
	int i;

	if (len < sizeof(struct ether_header) ||
	    sig_parse_packet(pkt + sizeof(struct ether_header), len - sizeof(struct ether_header),
			     g->ifindex, false, &rx) ||
	    !rx.has_rt2 || rx.mh_len < BA_SEQ_OFF + 2 || rx.mh[2] != MH_TYPE_BA)
		return;
	i = node_of(g, &rx.rt2);
	if (i < 0) {
		g->unmatched++;
		return;
	}
	g->rcvd++;
	status = rx.mh[BA_STATUS_OFF];
	seq = rx.mh[BA_SEQ_OFF] << 8 | rx.mh[BA_SEQ_OFF + 1];
	/* Two generators on one link: each counts the answers to its own. */
	if ((seq >= FORGED_SEQ) != g->forge) {
		g->rcvd--;
		return;
	}
	g->statuses[status]++;
	if (status)
		g->refused++;
	else
		g->accepted++;
	nd = &g->nodes[i];
	if (nd->sent_seq[seq % SEQ_SLOTS] == seq && nd->sent_ns[seq % SEQ_SLOTS]) {
		if (g->n_lat < MAX_SAMPLES)
			g->lat_us[g->n_lat++] = (t - nd->sent_ns[seq % SEQ_SLOTS]) / 1000;
		nd->sent_ns[seq % SEQ_SLOTS] = 0;
	} else {
		g->unmatched++;
	}
	if (g->verify_every && (g->rcvd - 1) % g->verify_every == 0)
		verify_ba(g, &rx, i);
}

/* The kernel's receive time of message @m, or now when it gave none. */
static unsigned long long rx_stamp(const struct msghdr *m)
{
	const struct cmsghdr *c;
	struct timespec ts;

	for (c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR((struct msghdr *)m, (struct cmsghdr *)c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
		}
	return stamp_ns();
}

/* Read every BA waiting, RX_BATCH a recvmmsg(); returns how many. */
static unsigned int drain(struct gen *g)
{
	unsigned int n = 0, b;
	int got;

	do {
		got = recvmmsg(g->fd, g->rx_msgs, RX_BATCH, MSG_DONTWAIT, NULL);
		for (b = 0; got > 0 && b < (unsigned int)got; b++) {
			handle_ba(g, g->rx_frames[b], g->rx_msgs[b].msg_len,
				  rx_stamp(&g->rx_msgs[b].msg_hdr));
			/* What the kernel wrote back, for the next call. */
			g->rx_msgs[b].msg_hdr.msg_controllen = sizeof(g->rx_ctl[b]);
		}
		n += got > 0 ? got : 0;
	} while (got == RX_BATCH);
	return n;
}

static void rx_init(struct gen *g)
{
	unsigned int b;

	for (b = 0; b < RX_BATCH; b++) {
		g->rx_iov[b] = (struct iovec){.iov_base = g->rx_frames[b], .iov_len = RX_FRAME};
		g->rx_msgs[b] = (struct mmsghdr){.msg_hdr = {
							 .msg_iov = &g->rx_iov[b],
							 .msg_iovlen = 1,
							 .msg_control = g->rx_ctl[b],
							 .msg_controllen = sizeof(g->rx_ctl[b]),
						 }};
	}
}

/* ---- phases ------------------------------------------------------------------------------ */

static void phase_reset(struct gen *g)
{
	unsigned int i;

	g->sent = g->rcvd = g->accepted = g->refused = g->unmatched = 0;
	g->verified = g->verify_bad = 0;
	memset(g->statuses, 0, sizeof(g->statuses));
	g->n_lat = 0;
	g->cpu0 = cpu_s();
	for (i = 0; i < g->n; i++)
		memset(g->nodes[i].sent_ns, 0, sizeof(g->nodes[i].sent_ns));
}

static int cmp_u32(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

static double pct(const struct gen *g, double p)
{
	size_t k;

	if (!g->n_lat)
		return -1;
	k = (size_t)(p / 100.0 * (g->n_lat - 1) + 0.5);
	return g->lat_us[k] / 1000.0;
}

static void phase_print(struct gen *g, const char *phase, double offered, double secs)
{
	unsigned int s;

	qsort(g->lat_us, g->n_lat, sizeof(*g->lat_us), cmp_u32);
	printf("{\"item\":\"register\",\"phase\":\"%s\",\"nodes\":%u,\"offered_per_s\":%.0f,"
	       "\"seconds\":%.3f,\"sent\":%llu,\"ba\":%llu,\"accepted\":%llu,\"refused\":%llu,"
	       "\"unmatched\":%llu,\"rate_per_s\":%.0f,\"lat_ms\":{\"p50\":%.3f,\"p90\":%.3f,"
	       "\"p99\":%.3f,\"max\":%.3f,\"n\":%zu},\"verified\":%llu,\"verify_bad\":%llu,"
	       "\"gen_cpu_s\":%.3f,\"statuses\":{",
	       phase, g->n, offered, secs, g->sent, g->rcvd, g->accepted, g->refused, g->unmatched,
	       g->rcvd / secs, pct(g, 50), pct(g, 90), pct(g, 99), pct(g, 100), g->n_lat,
	       g->verified, g->verify_bad, cpu_s() - g->cpu0);
	for (s = 0, offered = 0; s < 256; s++)
		if (g->statuses[s])
			printf("%s\"%u\":%llu", offered++ ? "," : "", s, g->statuses[s]);
	printf("}}\n");
	fflush(stdout);
}

/*
 * Closed loop: keep @window BUs unanswered, for @secs (or until @count BUs
 * when not 0). Returns the BA rate over the sending interval.
 */
static double closed_loop(struct gen *g, unsigned int window, double secs, unsigned long long count,
			  const char *phase)
{
	unsigned long long t0 = now_ns(), end = t0 + secs * 1e9, last_rx = t0, t, outstanding;
	unsigned long long forgot = 0;
	struct pollfd pfd = {.fd = g->fd, .events = POLLIN};
	double dur;
	int sent;

	phase_reset(g);
	for (;;) {
		t = now_ns();
		if (count ? g->sent >= count : t >= end)
			break;
		if (drain(g))
			last_rx = t;
		outstanding = g->sent - g->rcvd - forgot;
		if (t - last_rx > STALL_NS) {
			/* Lost BUs (or BAs): forget them, go on. */
			forgot += outstanding;
			outstanding = 0;
			last_rx = t;
		}
		while (outstanding < window) {
			while (outstanding + g->tx_n < window && queue_bu(g) > 0)
				;
			sent = flush_bus(g);
			if (sent <= 0)
				break;
			outstanding += sent;
		}
		if (!g->spin)
			poll(&pfd, 1, 1);
		if (count && t - t0 > 60e9)
			break;
	}
	dur = (now_ns() - t0) / 1e9;
	t = now_ns();
	while (now_ns() - t < DRAIN_NS)
		if (!drain(g))
			poll(&pfd, 1, 10);
	phase_print(g, phase, 0, dur);
	return g->rcvd / dur;
}

/*
 * Read BAs until every BU sent has its BA, or none came for @quiet_ns: a
 * home agent on a loaded machine answers its backlog late, and a BA that
 * comes late is not a BU lost.
 */
static void settle(struct gen *g, unsigned long long quiet_ns)
{
	struct pollfd pfd = {.fd = g->fd, .events = POLLIN};
	unsigned long long last = now_ns();

	while (g->rcvd < g->sent && now_ns() - last < quiet_ns) {
		if (drain(g))
			last = now_ns();
		else
			poll(&pfd, 1, 10);
	}
}

/*
 * Open loop: BUs at @rate per second, evenly spaced, for @secs (or @count
 * BUs when not 0); then BAs read for DRAIN_NS, and with @quiet_ns on until
 * all are in (settle()).
 */
static void open_loop(struct gen *g, double rate, double secs, unsigned long long count,
		      unsigned long long quiet_ns, const char *phase)
{
	unsigned long long t0 = now_ns(), end = t0 + secs * 1e9, t, due, k = 0;
	double gap = 1e9 / rate;

	phase_reset(g);
	for (;;) {
		t = now_ns();
		if (t >= end || (count && g->sent >= count))
			break;
		due = t0 + (unsigned long long)(k * gap);
		/* What is due goes in one sendmmsg(): batches grow only when
		 * the generator falls behind its schedule. */
		while (due <= t && (!count || g->sent + g->tx_n < count) && queue_bu(g) > 0) {
			k++;
			due = t0 + (unsigned long long)(k * gap);
		}
		if (flush_bus(g) < 0)
			break;
		drain(g);
	}
	t = now_ns();
	while (now_ns() - t < DRAIN_NS)
		drain(g);
	if (quiet_ns)
		settle(g, quiet_ns);
	phase_print(g, phase, rate, secs);
}

/* IF HA_MAC HA COA N from @argv: the nodes, the socket. 0, 2 (bad arguments) or 1. */
static int gen_open(struct gen *g, char **argv)
{
	int err;

	g->n = atoi(argv[4]);
	if (!g->n || parse_mac(argv[1], g->ha_mac) || inet_pton(AF_INET6, argv[2], &g->ha) != 1 ||
	    inet_pton(AF_INET6, argv[3], &g->coa) != 1)
		return fprintf(stderr, "xmreg: bad arguments\n"), 2;
	g->nodes = calloc(g->n, sizeof(*g->nodes));
	g->lat_us = calloc(MAX_SAMPLES, sizeof(*g->lat_us));
	if (!g->nodes || !g->lat_us)
		return fprintf(stderr, "xmreg: out of memory\n"), 1;
	rx_init(g);
	err = open_sock(g, argv[0]);
	if (err)
		return fprintf(stderr, "xmreg: %s: %s\n", argv[0], strerror(-err)), 1;
	return 0;
}

static int gen_close(struct gen *g, int ret)
{
	if (g->fd >= 0)
		close(g->fd);
	free(g->nodes);
	free(g->lat_us);
	return ret;
}

static int cmd_run(char **argv)
{
	struct gen g = {.fd = -1, .verify_every = 16, .spin = getenv("XMREG_SPIN") != NULL};
	unsigned int window = atoi(argv[6]);
	double secs = atof(argv[5]), max;
	char *p, *save = NULL, name[32];
	int ret;

	if (!window || secs <= 0)
		return fprintf(stderr, "xmreg: bad arguments\n"), 2;
	ret = gen_open(&g, argv);
	if (ret)
		return gen_close(&g, ret);
	/* First registrations of every node (and the HA's caches warm). */
	closed_loop(&g, window, 0, g.n, "initial");
	max = closed_loop(&g, window, secs, 0, "closed");
	/* XMREG_RATE: the percentages are of that rate (a target's), not of
	 * the closed loop's (the home agent's own at that window). */
	if (getenv("XMREG_RATE"))
		max = atof(getenv("XMREG_RATE"));
	for (p = strtok_r(argv[7], ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		snprintf(name, sizeof(name), "open%s", p);
		open_loop(&g, max * atof(p) / 100.0, secs, 0, 0, name);
	}
	return gen_close(&g, 0);
}

/*
 * xmreg paced IF HA_MAC HA COA N RATE COUNTS: for each of the comma-separated
 * COUNTS, that many BUs at RATE a second (round robin over the N nodes),
 * then PACED_PAUSE_S without any: a known number of registrations, each
 * node below MAX_UPDATE_RATE when RATE < 3 N, for the tests. Every BA's
 * MH checksum and authenticator are checked. A phase ends when every BU
 * has its BA or none came for PACED_QUIET_NS: what the tests count is the
 * home agent's answers, not how fast a loaded machine lets it give them.
 */
#define PACED_PAUSE_S  2
#define PACED_QUIET_NS 2000000000ULL

static int cmd_paced(char **argv)
{
	struct gen g = {.fd = -1, .verify_every = 1};
	double rate = atof(argv[5]);
	char *p, *save = NULL, name[32];
	unsigned long long count;
	int ret, phase = 0;

	if (rate <= 0)
		return fprintf(stderr, "xmreg: bad arguments\n"), 2;
	ret = gen_open(&g, argv);
	if (ret)
		return gen_close(&g, ret);
	for (p = strtok_r(argv[6], ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		count = strtoull(p, NULL, 10);
		snprintf(name, sizeof(name), "paced%d", phase++);
		/* Bounded: twice the time the count takes at the rate, and a second. */
		open_loop(&g, rate, 2.0 * count / rate + 1, count, PACED_QUIET_NS, name);
		sleep(PACED_PAUSE_S);
	}
	return gen_close(&g, 0);
}

static volatile sig_atomic_t forge_stop;

static void on_term(int sig)
{
	(void)sig;
	forge_stop = 1;
}

/*
 * Forged BUs at @rate for @secs (or until SIGTERM/SIGINT), FORGE_BATCH a
 * sendmmsg(), from frames built once: the generator's cost per BU stays a
 * copy, so that it offers what one core can send.
 */
static int forge_loop(struct gen *g, double rate, double secs)
{
	unsigned int nframes = g->n < FORGED_FRAMES ? g->n : FORGED_FRAMES, i, k, b;
	unsigned long long t0, end, due_k = 0, t;
	struct pollfd pfd = {.fd = g->fd, .events = POLLIN};
	struct mmsghdr msgs[FORGE_BATCH];
	struct iovec iov[FORGE_BATCH];
	__u8(*frames)[FRAME_MAX];
	int *lens, n, sent;
	double dur;

	frames = calloc(nframes, sizeof(*frames));
	lens = calloc(nframes, sizeof(*lens));
	if (!frames || !lens)
		return 1;
	for (i = 0; i < nframes; i++) {
		lens[i] = build_bu(g, i, FORGED_SEQ + 1, frames[i]);
		g->nodes[i].sent_seq[(FORGED_SEQ + 1) % SEQ_SLOTS] = FORGED_SEQ + 1;
		if (lens[i] < 0)
			return 1;
	}
	phase_reset(g);
	t0 = now_ns();
	end = t0 + secs * 1e9;
	for (k = 0; !forge_stop && (t = now_ns()) < end;) {
		due_k = (unsigned long long)((t - t0) / 1e9 * rate);
		if (due_k <= g->sent) {
			/* Ahead of the schedule: wait for it (or a BA), not spin. */
			if (!drain(g))
				poll(&pfd, 1, 1);
			continue;
		}
		n = due_k - g->sent < FORGE_BATCH ? (int)(due_k - g->sent) : FORGE_BATCH;
		for (b = 0; b < (unsigned int)n; b++, k = (k + 1) % nframes) {
			iov[b] = (struct iovec){.iov_base = frames[k], .iov_len = lens[k]};
			msgs[b] =
				(struct mmsghdr){.msg_hdr = {.msg_iov = &iov[b], .msg_iovlen = 1}};
		}
		sent = sendmmsg(g->fd, msgs, n, 0);
		if (sent > 0)
			g->sent += sent;
		drain(g);
	}
	dur = (now_ns() - t0) / 1e9;
	t = now_ns();
	while (now_ns() - t < DRAIN_NS)
		drain(g);
	printf("{\"item\":\"forge\",\"nodes\":%u,\"offered_per_s\":%.0f,\"seconds\":%.3f,"
	       "\"sent\":%llu,\"sent_per_s\":%.0f,\"answered\":%llu,\"answered_valid_mac\":%llu,"
	       "\"accepted\":%llu}\n",
	       g->n, rate, dur, g->sent, g->sent / dur, g->rcvd, g->valid_mac, g->accepted);
	fflush(stdout);
	free(frames);
	free(lens);
	return 0;
}

static int cmd_forge(char **argv)
{
	struct gen g = {.fd = -1, .verify_every = 1, .forge = true};
	double rate = atof(argv[5]), secs = atof(argv[6]);
	int ret;

	if (rate <= 0 || secs <= 0)
		return fprintf(stderr, "xmreg: bad arguments\n"), 2;
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	ret = gen_open(&g, argv);
	if (ret)
		return gen_close(&g, ret);
	return gen_close(&g, forge_loop(&g, rate, secs));
}

int main(int argc, char **argv)
{
	const char *k = getenv("XMREG_FIRST");

	first = k ? (unsigned int)strtoul(k, NULL, 10) : 0;
	if (argc == 3 && !strcmp(argv[1], "conf"))
		return cmd_conf(atoi(argv[2]));
	if (argc == 10 && !strcmp(argv[1], "run"))
		return cmd_run(argv + 2);
	if (argc == 9 && !strcmp(argv[1], "paced"))
		return cmd_paced(argv + 2);
	if (argc == 9 && !strcmp(argv[1], "forge"))
		return cmd_forge(argv + 2);
	fprintf(stderr, "usage: xmreg conf N\n"
			"       xmreg run IF HA_MAC HA COA N SECONDS WINDOW RATE_PCTS\n"
			"       xmreg paced IF HA_MAC HA COA N RATE COUNTS\n"
			"       xmreg forge IF HA_MAC HA COA N RATE SECONDS\n");
	return 2;
}
