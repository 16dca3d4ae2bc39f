// SPDX-License-Identifier: GPL-2.0
/*
 * refresh_unit.c - user/dp/refresh.c's batched binding refreshes and
 * user/dp/maps.c's batched walk, on real kernel hash maps (root needed).
 *
 * A refresh held in the batch is not in the maps until the flush, and is
 * what dp_refresh_pending() answers meanwhile (the newest of a node
 * refreshed twice); the flush writes both halves and the replay state in
 * the order queued; a closed batch writes at once, a full one before it
 * takes the next; a write the kernel refuses (a map full) is logged and
 * the others are written all the same. The walk visits every binding once
 * a round, also when bindings are deleted between its calls, and a call a
 * callback stops reads the same bindings again. The log of this process's
 * writes says a binding read before one of them changed. A pinned replay map with
 * less room than the home agent's nodes need is replaced by a larger one
 * holding the same timestamps.
 *
 * Prints TAP lines, exits 1 on any failure.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "xmip6.h"
#include "dp/dataplane.h"
#include "dp/internal.h"
#include "dp/replay.h"
#include "unit.h"

#define WALK_N 300

struct replay_key { /* replay.c's */
	struct in6_addr hoa;
	__u32 spi;
};

static int hash_map(const char *name, __u32 key_size, __u32 value_size, __u32 max, __u32 flags)
{
	struct bpf_map_create_opts opts = {.sz = sizeof(opts), .map_flags = flags};

	return bpf_map_create(BPF_MAP_TYPE_HASH, name, key_size, value_size, max, &opts);
}

/* Node @i's home address (::1000 + i: none is the subnet's anycast ::). */
static struct in6_addr hoa_of(unsigned int i)
{
	struct in6_addr a = a6("2001:db8:1::");

	a.s6_addr[13] = 1;
	a.s6_addr[14] = i >> 8;
	a.s6_addr[15] = i;
	return a;
}

static struct xmip6_binding binding(unsigned int coa, __u16 seq, __u64 ts)
{
	struct xmip6_binding b = {
		.care_of_addr = a6("2001:db8:2::"),
		.ha_addr = a6("2001:db8:1::1"),
		.lifetime_s = 600,
		.sequence = seq,
		.flags = XMIP6_BU_F_HOME | XMIP6_BU_F_ACK,
		.auth_timestamp = ts,
		.expires_ns = 1000000000000ULL + seq,
		.ctr_slot = 7,
	};

	b.care_of_addr.s6_addr[15] = coa;
	return b;
}

/* The map's binding of node @i has sequence @seq and care-of address ::@coa. */
static bool map_says(const struct xmip6_dp *dp, unsigned int i, __u16 seq, unsigned int coa)
{
	struct in6_addr hoa = hoa_of(i);
	struct xmip6_binding b;

	return !dp_binding_lookup(dp, &hoa, &b) && b.sequence == seq &&
	       b.care_of_addr.s6_addr[15] == coa && b.auth_timestamp == 1000u + seq &&
	       b.ctr_slot == (seq > 1 ? 7 : 0); /* a refresh's slot is the one it was given */
}

static bool replay_says(int fd, unsigned int i, __u32 spi, __u64 want)
{
	struct in6_addr hoa = hoa_of(i);
	__u64 ts;

	return !dp_replay_get(fd, &hoa, spi, &ts) && ts == want;
}

static int queue(struct dp_refresh_batch *rb, unsigned int i, unsigned int coa, __u16 seq)
{
	struct in6_addr hoa = hoa_of(i);
	struct xmip6_binding b = binding(coa, seq, 1000u + seq);

	return dp_refresh_queue(rb, &hoa, &b, 256 + i, 1000u + seq);
}

static void test_batch(struct xmip6_dp *dp, int replay_fd)
{
	struct dp_refresh_batch rb;
	struct xmip6_binding b;
	struct in6_addr hoa;
	unsigned int i;
	bool ok;
	int ret;

	for (i = 0; i < 3; i++) {
		hoa = hoa_of(i);
		b = binding(1, 1, 1001);
		dp_binding_update(dp, &hoa, &b);
	}
	dp_refresh_init(&rb, dp, replay_fd);
	dp_refresh_open(&rb, true);
	queue(&rb, 0, 2, 2);
	queue(&rb, 1, 2, 2);
	queue(&rb, 0, 3, 3);
	check(map_says(dp, 0, 1, 1) && map_says(dp, 1, 1, 1) &&
		      !replay_says(replay_fd, 0, 256, 1002),
	      "three refreshes held: the maps still hold the bindings as they were");
	hoa = hoa_of(0);
	ok = dp_refresh_pending(&rb, &hoa, &b) && b.sequence == 3 &&
	     b.care_of_addr.s6_addr[15] == 3 && b.auth_timestamp == 1003 && b.ctr_slot == 7;
	check(ok, "pending: node 0's newest refresh (sequence 3, care-of ::3), whole");
	hoa = hoa_of(2);
	check(!dp_refresh_pending(&rb, &hoa, &b), "pending: nothing held for node 2");
	ret = dp_refresh_flush(&rb);
	check(ret == 3, "flush: 3 written (%d)", ret);
	check(map_says(dp, 0, 3, 3) && map_says(dp, 1, 2, 2) && map_says(dp, 2, 1, 1),
	      "both halves written, node 0's second refresh last");
	check(replay_says(replay_fd, 0, 256, 1003) && replay_says(replay_fd, 1, 257, 1002),
	      "the replay state of each, node 0's newest");
	hoa = hoa_of(0);
	check(!dp_refresh_pending(&rb, &hoa, &b) && dp_refresh_flush(&rb) == 0,
	      "after the flush nothing is held, a second flush writes nothing");

	dp_refresh_open(&rb, false);
	check(!queue(&rb, 2, 4, 4) && map_says(dp, 2, 4, 4) && replay_says(replay_fd, 2, 258, 1004),
	      "a closed batch writes a refresh at once");

	dp_refresh_open(&rb, true);
	for (i = 0; i < DP_REFRESH_BATCH; i++)
		queue(&rb, 2, 5, 5 + i);
	check(map_says(dp, 2, 4, 4), "%d refreshes held: none written", DP_REFRESH_BATCH);
	queue(&rb, 1, 9, 100);
	check(map_says(dp, 2, 5 + DP_REFRESH_BATCH - 1, 5) && map_says(dp, 1, 2, 2),
	      "a full batch is written before it takes the next");
	dp_refresh_open(&rb, false);
	check(map_says(dp, 1, 100, 9), "closing the batch writes what it held");
}

/* A map with room for 4 holding 4; a refresh of a fifth cannot be written. */
static void test_full(struct xmip6_dp *dp)
{
	struct dp_refresh_batch rb;
	struct xmip6_binding b;
	struct in6_addr hoa;
	unsigned int i;
	int ret;

	for (i = 10; i < 14; i++) {
		hoa = hoa_of(i);
		b = binding(1, 1, 1001);
		dp_binding_update(dp, &hoa, &b);
	}
	dp_refresh_init(&rb, dp, -1);
	dp_refresh_open(&rb, true);
	queue(&rb, 10, 2, 2);
	queue(&rb, 11, 2, 2);
	queue(&rb, 20, 2, 2); /* none: deleted behind the batch's back */
	queue(&rb, 12, 2, 2);
	queue(&rb, 13, 2, 2);
	ret = dp_refresh_flush(&rb);
	check(ret == -E2BIG, "a map full: the flush says so (%d)", ret);
	check(map_says(dp, 10, 2, 2) && map_says(dp, 11, 2, 2) && map_says(dp, 12, 2, 2) &&
		      map_says(dp, 13, 2, 2),
	      "the refreshes before and after the one refused are written");
}

struct walk_seen {
	unsigned int visits[WALK_N];
	unsigned int calls, stop_at;
};

static int count_visit(const struct in6_addr *hoa, const struct xmip6_binding *b, void *ctx)
{
	struct walk_seen *s = ctx;
	unsigned int i = hoa->s6_addr[14] << 8 | hoa->s6_addr[15];

	if (s->stop_at && ++s->calls == s->stop_at)
		return 5;
	if (i < WALK_N && b->sequence == 0 && b->care_of_addr.s6_addr[15] == 1)
		s->visits[i]++;
	return 0;
}

static void test_walk(struct xmip6_dp *dp)
{
	struct dp_binding_cursor cur = {};
	struct xmip6_binding b;
	struct walk_seen s = {};
	struct in6_addr hoa;
	unsigned int i, calls = 0, once = 0, deleted = 0;
	int ret;

	for (i = 0; i < WALK_N; i++) {
		hoa = hoa_of(i);
		b = binding(1, 1, 1001);
		dp_binding_update(dp, &hoa, &b);
	}
	do {
		ret = dp_binding_walk(dp, &cur, 64, count_visit, &s);
		calls++;
		/* Between calls, every seventh node goes (visited or not). */
		for (i = calls; i < WALK_N; i += 7 * calls) {
			hoa = hoa_of(i);
			if (!dp_binding_delete(dp, &hoa))
				deleted++;
		}
	} while (ret == 0 && calls < 1000);
	for (i = 0; i < WALK_N; i++)
		once += s.visits[i] == 1;
	check(ret == 1 && calls > 1 && calls <= WALK_N / 64 + 1,
	      "the walk ends, spread over calls (returned %d after %u calls of 64)", ret, calls);
	for (i = 0; i < WALK_N && s.visits[i] <= 1; i++)
		;
	check(i == WALK_N, "no binding visited twice in a round");
	check(once >= WALK_N - deleted,
	      "every binding not deleted visited (%u visited, %u deleted)", once, deleted);
	check(cur.restarted && !cur.started, "the cursor starts over after the end");

	memset(&s, 0, sizeof(s));
	cur = (struct dp_binding_cursor){};
	dp_binding_walk(dp, &cur, 64, count_visit, &s);
	s.stop_at = 3;
	s.calls = 0;
	memset(s.visits, 0, sizeof(s.visits));
	ret = dp_binding_walk(dp, &cur, 64, count_visit, &s);
	check(ret == 5, "a callback's stop is returned (%d)", ret);
	s.stop_at = 0;
	ret = dp_binding_walk(dp, &cur, 64, count_visit, &s);
	for (i = 0, once = 0; i < WALK_N; i++)
		once += s.visits[i];
	check(ret >= 0 && once > 2, "the next call reads the same bindings again (%u seen)", once);
}

static __u32 max_entries_of(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.max_entries;
}

/* An older, smaller pinned replay map, grown by dp_replay_open() (bpffs needed). */
static void test_replay_grows(void)
{
	char dir[64], path[PATH_MAX], links[PATH_MAX + 8];
	struct in6_addr hoa = hoa_of(1);
	int fd, ret;
	__u64 ts;

	snprintf(dir, sizeof(dir), "/sys/fs/bpf/xmip6-refresh-unit-%d", (int)getpid());
	snprintf(path, sizeof(path), "%s/%s", dir, DP_MAP_REPLAY_NAME);
	snprintf(links, sizeof(links), "%s/links", dir);
	if (!check(!dp_pin_dir_prepare(dir), "a pin directory on bpffs"))
		return;
	fd = hash_map(DP_MAP_REPLAY_NAME, sizeof(struct replay_key), sizeof(__u64), 16,
		      BPF_F_NO_PREALLOC);
	ret = fd >= 0 && !bpf_obj_pin(fd, path) && !dp_replay_set(fd, &hoa, 257, 4242);
	check(ret, "an older replay map of 16 entries pinned, holding one timestamp");
	if (fd >= 0)
		close(fd);
	fd = dp_replay_open(dir, 200000);
	check(fd >= 0 && max_entries_of(fd) == 200000,
	      "opened for 200,000 nodes: room for 200,000 (%u)", fd >= 0 ? max_entries_of(fd) : 0);
	check(fd >= 0 && !dp_replay_get(fd, &hoa, 257, &ts) && ts == 4242,
	      "the timestamp it held is in the new one");
	if (fd >= 0)
		close(fd);
	fd = bpf_obj_get(path);
	check(fd >= 0 && max_entries_of(fd) == 200000 &&
		      access(strcat(strcpy(links, path), "_new"), F_OK),
	      "the pin names the new map, nothing left beside it");
	if (fd >= 0)
		close(fd);
	fd = dp_replay_open(dir, 1000);
	check(fd >= 0 && max_entries_of(fd) == 200000, "opened for fewer nodes: kept as it is");
	if (fd >= 0)
		close(fd);
	unlink(path);
	snprintf(links, sizeof(links), "%s/links", dir);
	rmdir(links);
	rmdir(dir);
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * The log of this process's writes (wlog.c): a binding read at t stands for
 * the map's until a write of it is noted; writes of others do not matter
 * (but for a shared slot), a flush of all does; every write and delete of
 * dp/ notes itself, a batch's flush each of its bindings.
 */
static void test_wlog(struct xmip6_dp *dp)
{
	struct in6_addr a = hoa_of(500), other = hoa_of(501);
	struct xmip6_binding b = binding(1, 1, 1001);
	struct dp_refresh_batch rb;
	__u64 t;

	t = now_ns();
	check(dp_wlog_unchanged_since(&a, t), "a binding read now: unchanged since");
	dp_wlog_note(&other);
	check(dp_wlog_unchanged_since(&a, t) ||
		      /* the two share a slot: then a lookup, never a stale answer */
		      !dp_wlog_unchanged_since(&other, t),
	      "another home address written: this one still unchanged");
	dp_binding_update(dp, &a, &b);
	check(!dp_wlog_unchanged_since(&a, t), "dp_binding_update() of it: changed since");
	t = now_ns();
	check(dp_wlog_unchanged_since(&a, t), "read again after the write: unchanged since");
	dp_refresh_init(&rb, dp, -1);
	dp_refresh_open(&rb, true);
	dp_refresh_queue(&rb, &a, &b, 0, 0);
	check(dp_wlog_unchanged_since(&a, t), "a refresh held in a batch: not a write yet");
	dp_refresh_flush(&rb);
	check(!dp_wlog_unchanged_since(&a, t), "the batch written: changed since");
	t = now_ns();
	dp_binding_delete(dp, &a);
	check(!dp_wlog_unchanged_since(&a, t), "dp_binding_delete(): changed since");
	t = now_ns();
	dp_binding_flush(dp);
	check(!dp_wlog_unchanged_since(&other, t) && !dp_wlog_unchanged_since(&a, t),
	      "dp_binding_flush(): every binding changed since");
}

/* Fresh kernel maps of @max bindings for both halves of @dp (closing the old). */
static bool binding_maps(struct xmip6_dp *dp, __u32 max)
{
	if (dp->bindings_fd >= 0)
		close(dp->bindings_fd);
	if (dp->binding_ctl_fd >= 0)
		close(dp->binding_ctl_fd);
	dp->bindings_fd = hash_map("bindings", sizeof(struct in6_addr),
				   sizeof(struct xmip6_binding_fwd), max, 0);
	dp->binding_ctl_fd = hash_map("binding_ctl", sizeof(struct in6_addr),
				      sizeof(struct xmip6_binding_ctl), max, 0);
	dp->bindings_max = max;
	return dp->bindings_fd >= 0 && dp->binding_ctl_fd >= 0;
}

int main(void)
{
	struct xmip6_dp dp;
	int replay_fd;

	memset(&dp, -1, sizeof(dp));
	dp.bctr_on = false;
	replay_fd = hash_map("ha_replay", sizeof(struct replay_key), sizeof(__u64), 1024,
			     BPF_F_NO_PREALLOC);
	if (!check(binding_maps(&dp, 1024) && replay_fd >= 0,
		   "kernel hash maps for both halves and the replay state")) {
		perror("bpf_map_create");
		return unit_finish("refresh_unit");
	}
	test_batch(&dp, replay_fd);
	if (binding_maps(&dp, 4))
		test_full(&dp);
	if (binding_maps(&dp, 1024))
		test_walk(&dp);
	test_wlog(&dp);
	test_replay_grows();
	return unit_finish("refresh_unit");
}
