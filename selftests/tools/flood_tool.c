// SPDX-License-Identifier: GPL-2.0
/*
 * flood_tool.c - send prepared Ethernet frames out of an interface as fast
 * as one core can (a flood of forged Binding Updates). The frames
 * come from a file made by selftests/peers/flood_frames.py (Scapy); this tool only
 * replays them, round robin, through an AF_PACKET socket with sendmmsg(),
 * bypassing the qdisc.
 *
 *   flood_tool IFNAME FRAMES_FILE SECONDS MAX_PACKETS
 *
 * Stops after SECONDS or MAX_PACKETS, whichever comes first (both bound the
 * loop), or on SIGTERM or SIGINT, and prints one JSON object: frames sent,
 * seconds, packets/s, and the sends the kernel refused (ENOBUFS: the peer's
 * queue was full).
 *
 * Frames file: for each frame, its length (2 octets, big endian), then it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/socket.h>

#define MAX_FRAMES 65536
#define FRAME_MAX  2048
#define BATCH	   64

struct frames {
	unsigned char (*data)[FRAME_MAX];
	unsigned int *len;
	unsigned int n;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int load_frames(const char *path, struct frames *f)
{
	unsigned char hdr[2];
	FILE *fp = fopen(path, "rb");

	if (!fp) {
		perror(path);
		return -1;
	}
	f->data = calloc(MAX_FRAMES, FRAME_MAX);
	f->len = calloc(MAX_FRAMES, sizeof(*f->len));
	if (!f->data || !f->len) {
		fclose(fp);
		return -1;
	}
	while (f->n < MAX_FRAMES && fread(hdr, 1, 2, fp) == 2) {
		unsigned int len = hdr[0] << 8 | hdr[1];

		if (len < ETH_ZLEN - 4 || len > FRAME_MAX ||
		    fread(f->data[f->n], 1, len, fp) != len) {
			fprintf(stderr, "%s: frame %u truncated or of length %u\n", path, f->n,
				len);
			fclose(fp);
			return -1;
		}
		f->len[f->n++] = len;
	}
	fclose(fp);
	if (!f->n) {
		fprintf(stderr, "%s: no frames\n", path);
		return -1;
	}
	return 0;
}

static int open_socket(const char *ifname)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IPV6),
		.sll_ifindex = (int)if_nametoindex(ifname),
	};
	int one = 1, fd;

	if (!sll.sll_ifindex) {
		fprintf(stderr, "%s: no such interface\n", ifname);
		return -1;
	}
	fd = socket(AF_PACKET, SOCK_RAW, 0); /* protocol 0: receive nothing */
	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) ||
	    setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one))) {
		perror("packet socket");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* SIGTERM or SIGINT ends the flood early; the summary is printed as at the end. */
static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = on_stop};
	unsigned long long sent = 0, refused = 0, max_packets;
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct frames f = {};
	double seconds, start, elapsed;
	unsigned int next = 0;
	int fd, i;

	if (argc != 5) {
		fprintf(stderr, "usage: %s IFNAME FRAMES_FILE SECONDS MAX_PACKETS\n", argv[0]);
		return 2;
	}
	seconds = atof(argv[3]);
	max_packets = strtoull(argv[4], NULL, 10);
	if (seconds <= 0 || seconds > 600 || !max_packets || load_frames(argv[2], &f))
		return 2;
	fd = open_socket(argv[1]);
	if (fd < 0)
		return 1;

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	memset(msgs, 0, sizeof(msgs));
	start = now_s();
	elapsed = 0;
	while (!stop && sent < max_packets && elapsed < seconds) {
		unsigned long long want = max_packets - sent;
		int n = want < BATCH ? (int)want : BATCH, got;

		for (i = 0; i < n; i++) {
			iov[i].iov_base = f.data[(next + i) % f.n];
			iov[i].iov_len = f.len[(next + i) % f.n];
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		got = sendmmsg(fd, msgs, n, 0);
		if (got < 0) {
			if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR) {
				perror("sendmmsg");
				break;
			}
			refused++;
			got = 0;
		}
		sent += got;
		next = (next + got) % f.n;
		/* The clock only every batch: it is not free either. */
		elapsed = now_s() - start;
	}
	close(fd);
	printf("{\"sent\": %llu, \"seconds\": %.3f, \"pps\": %.0f, \"frames\": %u, "
	       "\"refused_batches\": %llu}\n",
	       sent, elapsed, elapsed > 0 ? sent / elapsed : 0.0, f.n, refused);
	free(f.data);
	free(f.len);
	return 0;
}
