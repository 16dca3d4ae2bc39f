// SPDX-License-Identifier: GPL-2.0
/*
 * replay.c - the pinned map of the home agent's replay state (replay.h).
 */
#include <errno.h>
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

static int create_pinned(const char *path)
{
	struct bpf_map_create_opts opts = {.sz = sizeof(opts), .map_flags = BPF_F_NO_PREALLOC};
	int fd, err;

	fd = bpf_map_create(BPF_MAP_TYPE_HASH, DP_MAP_REPLAY_NAME, sizeof(struct replay_key),
			    sizeof(__u64), DP_REPLAY_MAX_ENTRIES, &opts);
	if (fd < 0)
		return -errno;
	if (bpf_obj_pin(fd, path)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int dp_replay_open(const char *pin_dir)
{
	char path[PATH_MAX];
	int fd, err;

	err = dp_path_join(path, sizeof(path), "%s/%s", pin_dir, DP_MAP_REPLAY_NAME);
	if (err)
		return err;
	fd = bpf_obj_get(path);
	if (fd < 0 && errno == ENOENT)
		fd = create_pinned(path);
	else if (fd < 0)
		fd = -errno;
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
	unsigned int i, count;

	if (n > DP_REPLAY_BATCH_MAX)
		return -E2BIG;
	for (i = 0; i < n; i++)
		keys[i] = key_of(&hoa[i], spi[i]);
	count = n;
	/* On a failure, count says how many went before it. */
	if (bpf_map_update_batch(fd, keys, ts, &count, &opts))
		return count ? (int)count : -errno;
	return count;
}

int dp_replay_unpin(const char *pin_dir)
{
	char path[PATH_MAX];
	int err = dp_path_join(path, sizeof(path), "%s/%s", pin_dir, DP_MAP_REPLAY_NAME);

	return err ?: dp_unlink_pin(path);
}
