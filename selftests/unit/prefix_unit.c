// SPDX-License-Identifier: GPL-2.0
/*
 * prefix_unit.c - user/dp/prefix.c's copies of a mobile router's binding in
 * its "prefixes" entries (NEMO), on real kernel hash maps (root needed).
 *
 * An update of a BPF hash map element puts the new element at the head of
 * its bucket. A walk with bpf_map_get_next_key() that writes each entry as
 * it meets it therefore meets two entries of one bucket in turn forever:
 * dp_prefix_follow() did, and a flush or a router's new binding spun the
 * daemon. Here two entries share a bucket for sure: a 2-entry map has 2
 * buckets, and maps are made until the pair shares one, which an update
 * shows (the updated entry then comes first in the walk). Each call must
 * return within 5 s and leave every entry with the copy it asked for.
 *
 * Prints TAP lines, exits 1 on any failure.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/uio.h>
#include <bpf/bpf.h>

#include "xmip6.h"
#include "dp/dataplane.h"
#include "dp/internal.h"
#include "unit.h"

#define TRIES 64 /* maps made to find a shared bucket: each is one with odds 1/2 */

static const char *running = "";

/* Async-signal-safe: one writev() of the TAP line, then out. */
static void on_alarm(int sig)
{
	static const char head[] = "not ok - did not return within 5 s: ";
	struct iovec line[] = {
		{(void *)head, sizeof(head) - 1}, {(void *)running, strlen(running)}, {"\n", 1}};

	(void)sig;
	(void)!writev(1, line, 3);
	_exit(1);
}

static struct xmip6_prefix_key pkey(const char *prefix, __u32 len)
{
	return (struct xmip6_prefix_key){.prefixlen = len, .prefix = a6(prefix)};
}

/* The first key of a walk of @fd. */
static int first_key(int fd, struct xmip6_prefix_key *k)
{
	return bpf_map_get_next_key(fd, NULL, k);
}

/* A 2-entry prefixes map holding @a and @b (router @hoa) in one bucket, or -1. */
static int shared_bucket_map(const struct xmip6_prefix_key *a, const struct xmip6_prefix_key *b,
			     const struct in6_addr *hoa)
{
	struct bpf_map_create_opts opts = {.sz = sizeof(opts), .map_flags = BPF_F_NO_PREALLOC};
	struct xmip6_prefix val = {.home_addr = *hoa};
	struct xmip6_prefix_key first, again;
	int fd;

	fd = bpf_map_create(BPF_MAP_TYPE_HASH, "prefixes", sizeof(*a), sizeof(val), 2, &opts);
	if (fd < 0)
		return -1;
	if (bpf_map_update_elem(fd, a, &val, BPF_NOEXIST) ||
	    bpf_map_update_elem(fd, b, &val, BPF_NOEXIST) || first_key(fd, &first))
		goto no;
	/* Rewrite the one the walk meets second: in another bucket it stays
	 * second, in the same bucket it now comes first. */
	if (bpf_map_update_elem(fd, memcmp(&first, a, sizeof(first)) ? a : b, &val, BPF_EXIST) ||
	    first_key(fd, &again))
		goto no;
	if (memcmp(&first, &again, sizeof(first)))
		return fd;
no:
	close(fd);
	return -1;
}

static bool copies_are(int fd, const struct xmip6_prefix_key *k, size_t n,
		       const struct xmip6_binding_fwd *want)
{
	struct xmip6_prefix val;
	size_t i;

	for (i = 0; i < n; i++)
		if (bpf_map_lookup_elem(fd, &k[i], &val) || memcmp(&val.fwd, want, sizeof(*want)))
			return false;
	return true;
}

int main(void)
{
	const struct in6_addr hoa = a6("2001:db8:1::100");
	const struct xmip6_prefix_key keys[2] = {pkey("2001:db8:100::", 56),
						 pkey("2001:db8:200::", 56)};
	struct xmip6_binding_fwd fwd = {.care_of_addr = a6("2001:db8:2::100"),
					.ha_addr = a6("2001:db8:1::1")};
	const struct xmip6_binding_fwd none = {};
	struct xmip6_dp dp;
	int fd = -1, i;

	signal(SIGALRM, on_alarm);
	for (i = 0; fd < 0 && i < TRIES; i++)
		fd = shared_bucket_map(&keys[0], &keys[1], &hoa);
	if (!check(fd >= 0,
		   "two prefixes of one router in one bucket of a 2-entry hash map "
		   "(%d maps made)",
		   i)) {
		perror("bpf_map_create");
		return unit_finish("prefix_unit");
	}

	memset(&dp, -1, sizeof(dp));
	dp.prefixes_fd = fd;

	running = "dp_prefix_follow(router, binding)";
	alarm(5);
	dp_prefix_follow(&dp, &hoa, &fwd);
	alarm(0);
	check(copies_are(fd, keys, 2, &fwd),
	      "a router's new binding: both entries of the shared bucket carry it, the walk ends");

	fwd.care_of_addr = a6("2001:db8:3::100");
	alarm(5);
	dp_prefix_follow(&dp, &hoa, &fwd);
	alarm(0);
	check(copies_are(fd, keys, 2, &fwd), "its next care-of address: both entries follow");

	running = "dp_prefix_follow(every router, none) (a flush)";
	alarm(5);
	dp_prefix_follow(&dp, NULL, NULL);
	alarm(0);
	check(copies_are(fd, keys, 2, &none), "a flush: both entries emptied, the walk ends");

	close(fd);
	return unit_finish("prefix_unit");
}
