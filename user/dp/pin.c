// SPDX-License-Identifier: GPL-2.0
/*
 * pin.c - an instance's pin directory: paths under it, bpffs (mounted when
 * missing), its pinned maps checked against the layout this xmip6 expects,
 * dp_open()/dp_close(), and what a loaded program is (dp_prog_describe).
 *
 * See dataplane.h for the layout of the pin directory. All state lives in
 * the kernel (pinned maps and links), so every call starts from the pin
 * directory and any number of processes can use it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp/internal.h"
#include "common/util.h"

#define BPFFS_MOUNT_POINT "/sys/fs/bpf"

/* ---- libbpf messages ------------------------------------------------------------------ */

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/* libbpf is chatty about probes and failures we report ourselves. */
	if (!log_enabled(LOG_DEBUG) || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void dp_libbpf_quiet(void)
{
	libbpf_set_print(libbpf_print);
}

/* ---- paths ------------------------------------------------------------------------------ */

int dp_path_join(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size) {
		pr_err("path too long: %s...", buf);
		return -ENAMETOOLONG;
	}
	return 0;
}

/* bpffs reserves '.' in names: say so, EPERM alone would puzzle. */
const char *dp_bpffs_hint(int err, const char *path)
{
	return err == -EPERM && strchr(path, '.') ? " (bpffs forbids '.' in names)" : "";
}

bool dp_is_dot_entry(const char *name)
{
	return !strcmp(name, ".") || !strcmp(name, "..");
}

int dp_unlink_pin(const char *path)
{
	if (unlink(path) && errno != ENOENT) {
		int err = -errno;

		pr_err("unlink %s: %s", path, strerror(-err));
		return err;
	}
	return 0;
}

/* ---- bpffs --------------------------------------------------------------------------------- */

/* Filesystem type of @path, or of its closest existing ancestor. */
static int closest_fs_type(const char *path, long *fs_type)
{
	char buf[PATH_MAX];
	struct statfs st;
	char *slash;

	if (dp_path_join(buf, sizeof(buf), "%s", path))
		return -ENAMETOOLONG;

	while (statfs(buf, &st)) {
		if (errno != ENOENT || !strcmp(buf, "/") || !strcmp(buf, "."))
			return -errno;
		slash = strrchr(buf, '/');
		if (!slash)
			strcpy(buf, ".");
		else if (slash == buf)
			buf[1] = '\0';
		else
			*slash = '\0';
	}
	*fs_type = st.f_type;
	return 0;
}

static bool path_is_under(const char *path, const char *dir)
{
	size_t len = strlen(dir);

	return !strncmp(path, dir, len) && (path[len] == '/' || path[len] == '\0');
}

/* Many systems boot without bpffs on /sys/fs/bpf: mount it as bpftool does. */
static int mount_bpffs_if_missing(const char *pin_dir)
{
	struct statfs st;

	if (!path_is_under(pin_dir, BPFFS_MOUNT_POINT) || statfs(BPFFS_MOUNT_POINT, &st) ||
	    st.f_type == BPF_FS_MAGIC)
		return 0;

	if (mount("bpf", BPFFS_MOUNT_POINT, "bpf", 0, "mode=0700")) {
		int err = -errno;

		pr_err("mounting bpffs on %s failed: %s", BPFFS_MOUNT_POINT, strerror(-err));
		return err;
	}
	pr_info("mounted bpffs on %s", BPFFS_MOUNT_POINT);
	return 0;
}

static int mkdir_p(const char *dir)
{
	char buf[PATH_MAX];
	char *p;

	if (dp_path_join(buf, sizeof(buf), "%s", dir))
		return -ENAMETOOLONG;

	for (p = buf + 1;; p++) {
		bool last = *p == '\0';

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) && errno != EEXIST) {
			int err = -errno;

			pr_err("mkdir %s: %s%s", buf, strerror(-err), dp_bpffs_hint(err, buf));
			return err;
		}
		if (last)
			return 0;
		*p = '/';
	}
}

int dp_pin_dir_prepare(const char *pin_dir)
{
	char links[PATH_MAX];
	long fs_type;
	int err;

	err = closest_fs_type(pin_dir, &fs_type);
	if (!err && fs_type != BPF_FS_MAGIC) {
		err = mount_bpffs_if_missing(pin_dir);
		if (err)
			return err;
		err = closest_fs_type(pin_dir, &fs_type);
	}
	if (err) {
		pr_err("%s: %s%s", pin_dir, strerror(-err), dp_bpffs_hint(err, pin_dir));
		return err;
	}
	if (fs_type != BPF_FS_MAGIC) {
		pr_err("%s is not on a bpf filesystem", pin_dir);
		return -EINVAL;
	}

	err = dp_path_join(links, sizeof(links), "%s/%s", pin_dir, XMIP6_LINK_DIR);
	return err ?: mkdir_p(links);
}

/* ---- pinned maps --------------------------------------------------------------------------- */

_Static_assert(sizeof(((struct xmip6_dp *)0)->map_ids) == DP_MAP_COUNT * sizeof(__u32),
	       "struct xmip6_dp has one map id per pinned map");

const struct dp_map_spec dp_map_specs[DP_MAP_COUNT] = {
	[DP_MAP_BINDINGS] = {XMIP6_MAP_BINDINGS, BPF_MAP_TYPE_HASH, sizeof(struct in6_addr),
			     sizeof(struct xmip6_binding_fwd), 0},
	[DP_MAP_STATS] = {XMIP6_MAP_STATS, BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32),
			  sizeof(struct xmip6_stats), 1},
	[DP_MAP_CONFIG] = {XMIP6_MAP_CONFIG, BPF_MAP_TYPE_ARRAY, sizeof(__u32),
			   sizeof(struct xmip6_config), 1},
	/* A ring buffer has neither key nor value; its size is in bytes, from
	 * max-bindings (dp_signal_ring_size()): any size is this layout. */
	[DP_MAP_SIGNAL] = {XMIP6_MAP_SIGNAL, BPF_MAP_TYPE_RINGBUF, 0, 0, 0, true},
	[DP_MAP_RO] = {XMIP6_MAP_RO, BPF_MAP_TYPE_HASH, sizeof(struct xmip6_ro_key),
		       sizeof(struct xmip6_ro), XMIP6_RO_DEFAULT, true},
	[DP_MAP_PEERS] = {XMIP6_MAP_PEERS, BPF_MAP_TYPE_LRU_HASH, sizeof(struct xmip6_ro_key),
			  sizeof(struct xmip6_peer), XMIP6_PEERS_DEFAULT, true},
	[DP_MAP_ADMIT] = {XMIP6_MAP_ADMIT, BPF_MAP_TYPE_HASH, sizeof(struct in6_addr), sizeof(__u8),
			  XMIP6_ADMIT_DEFAULT, true},
	[DP_MAP_NEXTHOPS] = {XMIP6_MAP_NEXTHOPS, BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32),
			     sizeof(struct xmip6_nh), XMIP6_NH_SLOTS, true},
	[DP_MAP_NH_STATE] = {XMIP6_MAP_NH_STATE, BPF_MAP_TYPE_ARRAY, sizeof(__u32),
			     sizeof(struct xmip6_nh_state), 1, true},
	[DP_MAP_BINDING_CTL] = {XMIP6_MAP_BINDING_CTL, BPF_MAP_TYPE_HASH, sizeof(struct in6_addr),
				sizeof(struct xmip6_binding_ctl), 0},
	[DP_MAP_BINDING_CTR] = {XMIP6_MAP_BINDING_CTR, BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32),
				sizeof(struct xmip6_binding_ctr), 0, true},
	[DP_MAP_BINDING_SLOT] = {XMIP6_MAP_BINDING_SLOT, BPF_MAP_TYPE_HASH, sizeof(__u32),
				 sizeof(struct in6_addr), 0, true},
	[DP_MAP_MR_PREFIXES] = {XMIP6_MAP_MR_PREFIXES, BPF_MAP_TYPE_LPM_TRIE,
				sizeof(struct xmip6_mr_prefix_key), sizeof(struct in6_addr),
				XMIP6_MR_PREFIXES_MAX, true},
	[DP_MAP_PREFIXES] = {XMIP6_MAP_PREFIXES, BPF_MAP_TYPE_HASH, sizeof(struct xmip6_prefix_key),
			     sizeof(struct xmip6_prefix), XMIP6_PREFIXES_DEFAULT, true},
	[DP_MAP_PREFIX_LENS] = {XMIP6_MAP_PREFIX_LENS, BPF_MAP_TYPE_ARRAY, sizeof(__u32),
				sizeof(struct xmip6_prefix_lens), 1, true},
	[DP_MAP_IF_MACS] = {XMIP6_MAP_IF_MACS, BPF_MAP_TYPE_ARRAY, sizeof(__u32),
			    sizeof(struct xmip6_if_mac), XMIP6_IF_MACS_MAX, true},
};

static int map_info_get(int fd, struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return bpf_obj_get_info_by_fd(fd, info, &len) ? -errno : 0;
}

int dp_pinned_map_open(const char *pin_dir, enum dp_map map, struct bpf_map_info *info)
{
	const struct dp_map_spec *spec = &dp_map_specs[map];
	char path[PATH_MAX];
	int fd, err;

	err = dp_path_join(path, sizeof(path), "%s/%s", pin_dir, spec->name);
	if (err)
		return err;

	fd = bpf_obj_get(path);
	if (fd < 0) {
		err = -errno;
		if (err != -ENOENT)
			pr_err("%s: %s%s", path, strerror(-err), dp_bpffs_hint(err, path));
		return err;
	}

	err = map_info_get(fd, info);
	if (err) {
		pr_err("%s: %s", path, strerror(-err));
		close(fd);
		return err;
	}
	if (info->type != spec->type || info->key_size != spec->key_size ||
	    info->value_size != spec->value_size ||
	    (spec->max_entries && info->max_entries != spec->max_entries)) {
		pr_err("%s: pinned map has another layout (left by another xmip6 version?); "
		       "unload the instance first",
		       path);
		close(fd);
		return -EPROTO;
	}
	return fd;
}

int dp_config_read_fd(int fd, struct xmip6_config *cfg)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(fd, &zero, cfg)) {
		int err = -errno;

		pr_err("reading the config map: %s", strerror(-err));
		return err;
	}
	return 0;
}

int dp_config_write_fd(int fd, const struct xmip6_config *cfg)
{
	__u32 zero = 0;

	if (bpf_map_update_elem(fd, &zero, cfg, BPF_ANY)) {
		int err = -errno;

		pr_err("writing the config map: %s", strerror(-err));
		return err;
	}
	return 0;
}

void *dp_percpu_alloc(size_t size, int *ncpus)
{
	void *v;

	*ncpus = libbpf_num_possible_cpus();
	if (*ncpus <= 0) {
		pr_err("cannot count the possible CPUs: %s", strerror(-*ncpus));
		errno = *ncpus ? -*ncpus : EINVAL;
		return NULL;
	}
	/* The callers' values are all __u64: the per-CPU stride (8-byte
	 * rounded) is the size. */
	v = calloc(*ncpus, size);
	if (!v)
		pr_err("out of memory");
	return v;
}

int dp_instance_map_ids(const char *pin_dir, __u32 ids[DP_MAP_COUNT])
{
	struct bpf_map_info info;
	int i, fd, found = 0;

	for (i = 0; i < DP_MAP_COUNT; i++) {
		ids[i] = 0;
		fd = dp_pinned_map_open(pin_dir, i, &info);
		if (fd < 0)
			continue;
		close(fd);
		ids[i] = info.id;
		found++;
	}
	return found ? 0 : -ENOENT;
}

/* ---- open instance ----------------------------------------------------------------------------- */

/* The fd members of @dp, in enum dp_map order. */
static void map_fds(struct xmip6_dp *dp, int *fds[DP_MAP_COUNT])
{
	fds[DP_MAP_BINDINGS] = &dp->bindings_fd;
	fds[DP_MAP_STATS] = &dp->stats_fd;
	fds[DP_MAP_CONFIG] = &dp->config_fd;
	fds[DP_MAP_SIGNAL] = &dp->signal_fd;
	fds[DP_MAP_RO] = &dp->ro_fd;
	fds[DP_MAP_PEERS] = &dp->peers_fd;
	fds[DP_MAP_ADMIT] = &dp->admit_fd;
	fds[DP_MAP_NEXTHOPS] = &dp->nexthops_fd;
	fds[DP_MAP_NH_STATE] = &dp->nh_state_fd;
	fds[DP_MAP_BINDING_CTL] = &dp->binding_ctl_fd;
	fds[DP_MAP_BINDING_CTR] = &dp->binding_ctr_fd;
	fds[DP_MAP_BINDING_SLOT] = &dp->binding_slot_fd;
	fds[DP_MAP_MR_PREFIXES] = &dp->mr_prefixes_fd;
	fds[DP_MAP_PREFIXES] = &dp->prefixes_fd;
	fds[DP_MAP_PREFIX_LENS] = &dp->prefix_lens_fd;
	fds[DP_MAP_IF_MACS] = &dp->if_macs_fd;
}

int dp_open(const char *pin_dir, struct xmip6_dp *dp)
{
	int *fds[DP_MAP_COUNT];
	struct xmip6_config cfg;
	struct bpf_map_info info;
	int i, fd;

	dp_libbpf_quiet();
	memset(dp, 0, sizeof(*dp));
	map_fds(dp, fds);
	for (i = 0; i < DP_MAP_COUNT; i++)
		*fds[i] = -1;
	if (dp_path_join(dp->pin_dir, sizeof(dp->pin_dir), "%s", pin_dir))
		return -ENAMETOOLONG;

	for (i = 0; i < DP_MAP_COUNT; i++) {
		fd = dp_pinned_map_open(pin_dir, i, &info);
		if (fd == -ENOENT && dp_map_specs[i].optional) {
			pr_debug("%s: no pinned %s map", pin_dir, dp_map_specs[i].name);
			continue;
		}
		if (fd == -ENOENT)
			pr_err("nothing loaded at %s (no pinned %s map): attach first", pin_dir,
			       dp_map_specs[i].name);
		if (fd < 0) {
			dp_close(dp);
			return fd;
		}
		*fds[i] = fd;
		dp->map_ids[i] = info.id;
		if (i == DP_MAP_BINDINGS)
			dp->bindings_max = info.max_entries;
		if (i == DP_MAP_BINDING_CTR)
			dp->ctr_slots = info.max_entries;
	}
	/* Counted per binding only with both maps, and as loaded
	 * (XMIP6_CFG_F_NO_BCTR); a config that cannot be read leaves it on. */
	dp->bctr_on = dp->binding_ctr_fd >= 0 && dp->binding_slot_fd >= 0;
	if (dp->bctr_on && !dp_config_read_fd(dp->config_fd, &cfg))
		dp->bctr_on = !(cfg.flags & XMIP6_CFG_F_NO_BCTR);
	return 0;
}

void dp_close(struct xmip6_dp *dp)
{
	int *fds[DP_MAP_COUNT];
	int i;

	map_fds(dp, fds);
	for (i = 0; i < DP_MAP_COUNT; i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

/* ---- programs ---------------------------------------------------------------------------- */

int dp_prog_describe(__u32 prog_id, const __u32 owner_ids[DP_MAP_COUNT],
		     char name[BPF_OBJ_NAME_LEN], bool *owned)
{
	__u32 map_ids[16] = {};
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd, err = 0;
	__u32 i, j;

	info.nr_map_ids = sizeof(map_ids) / sizeof(map_ids[0]);
	info.map_ids = (__u64)(unsigned long)map_ids;

	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		err = -errno;
	close(fd);
	if (err)
		return err;

	if (name)
		snprintf(name, BPF_OBJ_NAME_LEN, "%s", info.name);
	if (owned) {
		*owned = false;
		for (i = 0; i < info.nr_map_ids && i < sizeof(map_ids) / sizeof(map_ids[0]); i++)
			for (j = 0; j < DP_MAP_COUNT; j++)
				*owned |= map_ids[i] && map_ids[i] == owner_ids[j];
	}
	return 0;
}
