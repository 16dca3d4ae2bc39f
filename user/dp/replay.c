// SPDX-License-Identifier: GPL-2.0
/*
 * replay.c - the pinned map of the home agent's replay state (replay.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "common/util.h"
#include "dp/internal.h"
#include "dp/replay.h"

struct replay_key {
	struct in6_addr hoa;
	__u32 spi;
};

static struct replay_key key_of(const struct in6_addr *hoa, __u32 spi)
{
	struct replay_key k;

	memset(&k, 0, sizeof(k));
	k.hoa = *hoa;
	k.spi = spi;
	return k;
}

static int create_map(__u32 max_entries)
{
	struct bpf_map_create_opts opts = {.sz = sizeof(opts), .map_flags = BPF_F_NO_PREALLOC};
	int fd;

	fd = bpf_map_create(BPF_MAP_TYPE_HASH, DP_MAP_REPLAY_NAME, sizeof(struct replay_key),
			    sizeof(__u64), max_entries, &opts);
	return fd < 0 ? -errno : fd;
}

static int create_pinned(const char *path, __u32 max_entries)
{
	int fd = create_map(max_entries), err;

	if (fd < 0)
		return fd;
	if (bpf_obj_pin(fd, path)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* Every entry of @from into @to: 0 or -errno. */
static int copy_entries(int from, int to)
{
	struct bpf_map_batch_opts opts = {.sz = sizeof(opts)};
	struct replay_key keys[DP_REPLAY_BATCH_MAX];
	__u64 ts[DP_REPLAY_BATCH_MAX];
	__u32 batch, count;
	bool more = true, started = false;
	int err;

	while (more) {
		count = DP_REPLAY_BATCH_MAX;
		err = bpf_map_lookup_batch(from, started ? &batch : NULL, &batch, keys, ts, &count,
					   &opts);
		more = !err;
		if (err && errno != ENOENT)
			return -errno;
		started = true;
		if (count && bpf_map_update_batch(to, keys, ts, &count, &opts))
			return -errno;
	}
	return 0;
}

/*
 * A pinned map of fewer than @want entries (an older xmip6's 65,536, or
 * fewer mobile nodes before a restart) is replaced by a larger one holding
 * what it held: pinned beside it, then renamed over it, so that the pin
 * always names a map with every timestamp in it.
 */
static int grown(int fd, const char *path, __u32 want)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char tmp[PATH_MAX];
	int nfd, err;

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	if (info.max_entries >= want)
		return fd;
	/* bpffs refuses names with a dot. */
	err = dp_path_join(tmp, sizeof(tmp), "%s_new", path);
	if (err)
		return err;
	unlink(tmp);
	nfd = create_pinned(tmp, want);
	if (nfd < 0)
		return nfd;
	err = copy_entries(fd, nfd);
	if (!err && rename(tmp, path))
		err = -errno;
	if (err) {
		unlink(tmp);
		close(nfd);
		return err;
	}
	pr_info("%s: room for %u entries (was %u)", path, want, info.max_entries);
	close(fd);
	return nfd;
}

int dp_replay_open(const char *pin_dir, __u32 min_entries)
{
	__u32 want = min_entries > DP_REPLAY_MAX_ENTRIES ? min_entries : DP_REPLAY_MAX_ENTRIES;
	char path[PATH_MAX];
	int fd, err;

	err = dp_path_join(path, sizeof(path), "%s/%s", pin_dir, DP_MAP_REPLAY_NAME);
	if (err)
		return err;
	fd = bpf_obj_get(path);
	if (fd < 0 && errno == ENOENT)
		fd = create_pinned(path, want);
	else if (fd < 0)
		fd = -errno;
	else
		fd = grown(fd, path, want);
	if (fd < 0)
		pr_err("%s: %s%s", path, strerror(-fd), dp_bpffs_hint(fd, path));
	return fd;
}

int dp_replay_get(int fd, const struct in6_addr *hoa, __u32 spi, __u64 *ts)
{
	struct replay_key k = key_of(hoa, spi);

	return bpf_map_lookup_elem(fd, &k, ts) ? -errno : 0;
}

int dp_replay_set(int fd, const struct in6_addr *hoa, __u32 spi, __u64 ts)
{
	struct replay_key k = key_of(hoa, spi);

	return bpf_map_update_elem(fd, &k, &ts, BPF_ANY) ? -errno : 0;
}

int dp_replay_set_batch(int fd, const struct in6_addr *hoa, const __u32 *spi, const __u64 *ts,
			unsigned int n)
{
	struct bpf_map_batch_opts opts = {.sz = sizeof(opts), .elem_flags = BPF_ANY};
	struct replay_key keys[DP_REPLAY_BATCH_MAX];
	__u64 vals[DP_REPLAY_BATCH_MAX];
	unsigned int i, k = 0, count;
	struct addr6_buf buf;
	int err = 0;

	if (n > DP_REPLAY_BATCH_MAX)
		return -E2BIG;
	for (i = 0; i < n; i++)
		if (ts[i]) {
			keys[k] = key_of(&hoa[i], spi[i]);
			vals[k++] = ts[i];
		}
	count = k;
	if (!k || !bpf_map_update_batch(fd, keys, vals, &count, &opts))
		return 0;
	/* As refresh.c's: from the one that failed, or all over again. */
	for (i = count < k ? count : 0; i < k; i++) {
		if (!bpf_map_update_elem(fd, &keys[i], &vals[i], BPF_ANY))
			continue;
		err = err ?: -errno;
		pr_packet(LOG_ERR, "replay state for %s not kept: %s",
			  addr6_str(&keys[i].hoa, &buf), strerror(errno));
	}
	return err;
}

int dp_replay_unpin(const char *pin_dir)
{
	char path[PATH_MAX];
	int err = dp_path_join(path, sizeof(path), "%s/%s", pin_dir, DP_MAP_REPLAY_NAME);

	return err ?: dp_unlink_pin(path);
}
