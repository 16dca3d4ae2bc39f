// SPDX-License-Identifier: GPL-2.0
/*
 * dataplane.c - load, attach and drive the xmip6 BPF data plane.
 *
 * See dataplane.h for the layout of an instance's pin directory. All state
 * lives in the kernel (pinned maps and links), so every call here starts
 * from the pin directory and any number of processes can use it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/if_link.h>
#include <linux/magic.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp/dataplane.h"
#include "common/util.h"
#include "xmip6.skel.h"

/*
 * Debian 12 ships 6.1 uapi headers; tcx (kernel 6.6) is newer. These are
 * enum values there, so the defines must come after the includes.
 */
#ifndef BPF_TCX_INGRESS
#define BPF_TCX_INGRESS 46
#endif
#ifndef BPF_TCX_EGRESS
#define BPF_TCX_EGRESS 47
#endif
#ifndef BPF_LINK_TYPE_TCX
#define BPF_LINK_TYPE_TCX 11
#endif

#define BPFFS_MOUNT_POINT "/sys/fs/bpf"

/*
 * Legacy clsact filter for kernels without tcx. A fixed handle/priority
 * pair lets detach find it again; both spell "m6" to stay out of the way
 * of filters added by hand (usually handle 1, pref 1..49152).
 */
#define DP_TC_HANDLE   0x6d36
#define DP_TC_PRIORITY 0x6d36

/* Set to force the legacy clsact path on a tcx kernel (to test it). */
#define DP_ENV_FORCE_LEGACY_TC "XMIP6_FORCE_LEGACY_TC"

#define XMIP6_STAT_DESC(name, desc) {#name, desc},
const struct dp_stat_desc dp_stat_descs[XMIP6_STAT_COUNT] = {XMIP6_STATS(XMIP6_STAT_DESC)};
#undef XMIP6_STAT_DESC

/*
 * libbpf option structs are spelled out rather than made with LIBBPF_OPTS():
 * the same zero-filled struct with .sz set, but visible to cppcheck.
 */

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

static int path_join(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int path_join(char *buf, size_t size, const char *fmt, ...)
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

static const char *hook_suffix(enum dp_hook hook)
{
	return hook == DP_HOOK_XDP ? DP_LINK_SUFFIX_XDP : DP_LINK_SUFFIX_TC;
}

/* bpffs forbids '.' in names; interface names never contain ':'. */
#define IFNAME_DOT_ESCAPE ':'

int dp_link_pin_path(char *buf, size_t size, const char *pin_dir, const char *ifname,
		     enum dp_hook hook)
{
	char name[IF_NAMESIZE];
	char *p;

	snprintf(name, sizeof(name), "%s", ifname);
	for (p = name; (p = strchr(p, '.')); p++)
		*p = IFNAME_DOT_ESCAPE;
	return path_join(buf, size, "%s/%s/%s%s", pin_dir, XMIP6_LINK_DIR, name, hook_suffix(hook));
}

static int check_ifname(const char *ifname)
{
	if (!ifname || !*ifname || strlen(ifname) >= IF_NAMESIZE || strchr(ifname, '/')) {
		pr_err("invalid interface name \"%s\"", ifname ? ifname : "");
		return -EINVAL;
	}
	return 0;
}

/* bpffs reserves '.' in names: say so, EPERM alone would puzzle. */
static const char *bpffs_hint(int err, const char *path)
{
	return err == -EPERM && strchr(path, '.') ? " (bpffs forbids '.' in names)" : "";
}

/* ---- bpffs --------------------------------------------------------------------------------- */

/* Filesystem type of @path, or of its closest existing ancestor. */
static int closest_fs_type(const char *path, long *fs_type)
{
	char buf[PATH_MAX];
	struct statfs st;
	char *slash;

	if (path_join(buf, sizeof(buf), "%s", path))
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

	if (path_join(buf, sizeof(buf), "%s", dir))
		return -ENAMETOOLONG;

	for (p = buf + 1;; p++) {
		bool last = *p == '\0';

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) && errno != EEXIST) {
			int err = -errno;

			pr_err("mkdir %s: %s%s", buf, strerror(-err), bpffs_hint(err, buf));
			return err;
		}
		if (last)
			return 0;
		*p = '/';
	}
}

/* Make sure @pin_dir and its links/ exist on bpffs. */
static int prepare_pin_dir(const char *pin_dir)
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
		pr_err("%s: %s%s", pin_dir, strerror(-err), bpffs_hint(err, pin_dir));
		return err;
	}
	if (fs_type != BPF_FS_MAGIC) {
		pr_err("%s is not on a bpf filesystem", pin_dir);
		return -EINVAL;
	}

	err = path_join(links, sizeof(links), "%s/%s", pin_dir, XMIP6_LINK_DIR);
	return err ?: mkdir_p(links);
}

/* ---- pinned maps --------------------------------------------------------------------------- */

enum dp_map {
	DP_MAP_BINDINGS,
	DP_MAP_STATS,
	DP_MAP_CONFIG,
	DP_MAP_SIGNAL, /* optional: instances of older xmip6 versions have none */
	DP_MAP_RO,     /* optional, likewise */
	DP_MAP_PEERS,  /* optional, likewise */
	DP_MAP_ADMIT,  /* optional, likewise */
	DP_MAP_COUNT,
};

struct map_spec {
	const char *name;
	__u32 type;
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries; /* 0: any */
	bool optional;	   /* dp_open() does without it */
};

_Static_assert(sizeof(((struct xmip6_dp *)0)->map_ids) == DP_MAP_COUNT * sizeof(__u32),
	       "struct xmip6_dp has one map id per pinned map");

static const struct map_spec map_specs[DP_MAP_COUNT] = {
	[DP_MAP_BINDINGS] = {XMIP6_MAP_BINDINGS, BPF_MAP_TYPE_HASH, sizeof(struct in6_addr),
			     sizeof(struct xmip6_binding), 0},
	[DP_MAP_STATS] = {XMIP6_MAP_STATS, BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32),
			  sizeof(struct xmip6_stats), 1},
	[DP_MAP_CONFIG] = {XMIP6_MAP_CONFIG, BPF_MAP_TYPE_ARRAY, sizeof(__u32),
			   sizeof(struct xmip6_config), 1},
	/* A ring buffer has neither key nor value; its size is in bytes. */
	[DP_MAP_SIGNAL] = {XMIP6_MAP_SIGNAL, BPF_MAP_TYPE_RINGBUF, 0, 0, XMIP6_SIGNAL_RING_SIZE,
			   true},
	[DP_MAP_RO] = {XMIP6_MAP_RO, BPF_MAP_TYPE_HASH, sizeof(struct xmip6_ro_key),
		       sizeof(struct xmip6_ro), XMIP6_RO_DEFAULT, true},
	[DP_MAP_PEERS] = {XMIP6_MAP_PEERS, BPF_MAP_TYPE_LRU_HASH, sizeof(struct xmip6_ro_key),
			  sizeof(struct xmip6_peer), XMIP6_PEERS_DEFAULT, true},
	[DP_MAP_ADMIT] = {XMIP6_MAP_ADMIT, BPF_MAP_TYPE_HASH, sizeof(struct in6_addr), sizeof(__u8),
			  XMIP6_ADMIT_DEFAULT, true},
};

static int map_info_get(int fd, struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return bpf_obj_get_info_by_fd(fd, info, &len) ? -errno : 0;
}

/*
 * Open PIN_DIR/<map>. Returns the fd, -ENOENT silently when it is not
 * pinned, or another logged -errno, e.g. when an older or newer xmip6 left
 * a map of another layout there (libbpf would only say "mismatch").
 */
static int pinned_map_open(const char *pin_dir, enum dp_map map, struct bpf_map_info *info)
{
	const struct map_spec *spec = &map_specs[map];
	char path[PATH_MAX];
	int fd, err;

	err = path_join(path, sizeof(path), "%s/%s", pin_dir, spec->name);
	if (err)
		return err;

	fd = bpf_obj_get(path);
	if (fd < 0) {
		err = -errno;
		if (err != -ENOENT)
			pr_err("%s: %s%s", path, strerror(-err), bpffs_hint(err, path));
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

static int config_read_fd(int fd, struct xmip6_config *cfg)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(fd, &zero, cfg)) {
		int err = -errno;

		pr_err("reading the config map: %s", strerror(-err));
		return err;
	}
	return 0;
}

static int config_write_fd(int fd, const struct xmip6_config *cfg)
{
	__u32 zero = 0;

	if (bpf_map_update_elem(fd, &zero, cfg, BPF_ANY)) {
		int err = -errno;

		pr_err("writing the config map: %s", strerror(-err));
		return err;
	}
	return 0;
}

/*
 * Ids of the instance's maps (0 when not pinned). A program that uses one
 * of them belongs to the instance: that is how legacy tc filters, which
 * have no pin, are recognised.
 */
static int instance_map_ids(const char *pin_dir, __u32 ids[DP_MAP_COUNT])
{
	struct bpf_map_info info;
	int i, fd, found = 0;

	for (i = 0; i < DP_MAP_COUNT; i++) {
		ids[i] = 0;
		fd = pinned_map_open(pin_dir, i, &info);
		if (fd < 0)
			continue;
		close(fd);
		ids[i] = info.id;
		found++;
	}
	return found ? 0 : -ENOENT;
}

const char *dp_role_name(__u32 role)
{
	switch (role) {
	case XMIP6_ROLE_NONE:
		return "none";
	case XMIP6_ROLE_HA:
		return "ha";
	case XMIP6_ROLE_MN:
		return "mn";
	case XMIP6_ROLE_CN:
		return "cn";
	}
	return "unknown";
}

/* ---- programs and links ---------------------------------------------------------------------- */

/* Name of program @prog_id, and whether it uses one of the maps @owner_ids. */
static int prog_describe(__u32 prog_id, const __u32 owner_ids[DP_MAP_COUNT],
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

static int link_info_get(int link_fd, struct bpf_link_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return bpf_obj_get_info_by_fd(link_fd, info, &len) ? -errno : 0;
}

/*
 * Interface of an XDP or tcx link, 0 once the interface is gone. tcx links
 * report { ifindex, attach_type } where XDP links report { ifindex }: the
 * 6.1 uapi struct has no tcx member, but the offset is the same.
 */
static __u32 link_ifindex(const struct bpf_link_info *info)
{
	return info->xdp.ifindex;
}

static bool prog_on_xdp(unsigned int ifindex, __u32 prog_id)
{
	struct bpf_xdp_query_opts q = {.sz = sizeof(q)};

	if (bpf_xdp_query(ifindex, 0, &q))
		return false;
	return prog_id == q.prog_id || prog_id == q.drv_prog_id || prog_id == q.skb_prog_id ||
	       prog_id == q.hw_prog_id;
}

static bool prog_on_tcx_egress(unsigned int ifindex, __u32 prog_id)
{
	__u32 ids[64] = {}, i;
	struct bpf_prog_query_opts q = {
		.sz = sizeof(q),
		.prog_ids = ids,
		.prog_cnt = 64,
	};

	/* ENOSPC still fills the array; anything else means nothing there. */
	if (bpf_prog_query_opts(ifindex, BPF_TCX_EGRESS, &q) && errno != ENOSPC)
		return false;
	for (i = 0; i < q.prog_cnt && i < 64; i++)
		if (ids[i] == prog_id)
			return true;
	return false;
}

/* Is @prog_id attached at @hook of @ifindex in the caller's network namespace? */
static bool prog_on_hook(enum dp_hook hook, unsigned int ifindex, __u32 prog_id)
{
	if (hook == DP_HOOK_XDP)
		return prog_on_xdp(ifindex, prog_id);
	return prog_on_tcx_egress(ifindex, prog_id);
}

static const char *const xdp_mode_names[] = {
	[DP_XDP_AUTO] = "auto",
	[DP_XDP_NATIVE] = "native",
	[DP_XDP_GENERIC] = "generic",
};

int dp_xdp_mode_parse(const char *word, enum dp_xdp_mode *mode)
{
	if (!strcmp(word, xdp_mode_names[DP_XDP_NATIVE]))
		*mode = DP_XDP_NATIVE;
	else if (!strcmp(word, xdp_mode_names[DP_XDP_GENERIC]))
		*mode = DP_XDP_GENERIC;
	else
		return -EINVAL;
	return 0;
}

const char *dp_xdp_mode_name(enum dp_xdp_mode mode)
{
	return mode <= DP_XDP_GENERIC ? xdp_mode_names[mode] : "auto";
}

static enum dp_xdp_mode xdp_mode_attached(unsigned int ifindex, __u32 prog_id)
{
	struct bpf_xdp_query_opts q = {.sz = sizeof(q)};

	if (bpf_xdp_query(ifindex, 0, &q))
		return DP_XDP_AUTO;
	if (q.drv_prog_id == prog_id)
		return DP_XDP_NATIVE;
	if (q.skb_prog_id == prog_id)
		return DP_XDP_GENERIC;
	return DP_XDP_AUTO;
}

enum link_state {
	LINK_HERE,	/* on @ifindex of the caller's network namespace */
	LINK_DEFUNCT,	/* its interface was deleted */
	LINK_ELSEWHERE, /* alive on another interface, maybe in another netns */
};

/* Where is the pinned link @link_fd? Ifindexes repeat across netns: ask the hook too. */
static int link_state_of(int link_fd, const char *path, enum dp_hook hook, unsigned int ifindex,
			 struct bpf_link_info *info)
{
	__u32 type = hook == DP_HOOK_XDP ? BPF_LINK_TYPE_XDP : BPF_LINK_TYPE_TCX;
	__u32 link_if;
	int err;

	err = link_info_get(link_fd, info);
	if (err) {
		pr_err("%s: %s", path, strerror(-err));
		return err;
	}
	if (info->type != type) {
		pr_err("%s: not an %s link (type %u)", path, hook == DP_HOOK_XDP ? "XDP" : "tcx",
		       info->type);
		return -EINVAL;
	}

	link_if = link_ifindex(info);
	if (!link_if)
		return LINK_DEFUNCT;
	if (link_if != ifindex || !prog_on_hook(hook, link_if, info->prog_id))
		return LINK_ELSEWHERE;
	return LINK_HERE;
}

static int unlink_pin(const char *path)
{
	if (unlink(path) && errno != ENOENT) {
		int err = -errno;

		pr_err("unlink %s: %s", path, strerror(-err));
		return err;
	}
	return 0;
}

/* Detach and unpin; the pin alone would keep the link, and whoever holds an fd too. */
static int link_destroy(int link_fd, const char *path)
{
	if (bpf_link_detach(link_fd) && errno != ENOLINK && errno != ENOENT)
		pr_debug("%s: detach: %s", path, strerror(errno));
	return unlink_pin(path);
}

/* The fd of the link pinned at @path, -ENOENT if none, or a logged -errno. */
static int pinned_link_get(const char *path)
{
	int link_fd = bpf_obj_get(path);
	int err;

	if (link_fd >= 0)
		return link_fd;
	err = -errno;
	if (err != -ENOENT)
		pr_err("%s: %s%s", path, strerror(-err), bpffs_hint(err, path));
	return err;
}

/*
 * Replace the program of the pinned link at @path, atomically for traffic.
 * Returns 1 when done, 0 when there is no usable pin (a defunct one is
 * removed), or a logged -errno.
 */
static int pinned_link_update(const char *path, enum dp_hook hook, const char *ifname,
			      unsigned int ifindex, int prog_fd, enum dp_xdp_mode mode)
{
	struct bpf_link_info info;
	int link_fd, state, err;

	link_fd = pinned_link_get(path);
	if (link_fd < 0)
		return link_fd == -ENOENT ? 0 : link_fd;

	state = link_state_of(link_fd, path, hook, ifindex, &info);
	switch (state) {
	case LINK_DEFUNCT:
		pr_info("%s: removing the pin of a link whose interface is gone", path);
		err = link_destroy(link_fd, path);
		break;
	case LINK_ELSEWHERE:
		pr_err("%s: the link is on another interface (ifindex %u), maybe in another "
		       "network namespace: detach it there first",
		       path, link_ifindex(&info));
		err = -EBUSY;
		break;
	case LINK_HERE:
		if (hook == DP_HOOK_XDP && mode != DP_XDP_AUTO &&
		    xdp_mode_attached(ifindex, info.prog_id) != mode) {
			/* A link cannot change mode: this one upgrade is not hitless. */
			pr_notice("%s: changing the XDP mode, re-attaching", ifname);
			err = link_destroy(link_fd, path);
			break;
		}
		if (bpf_link_update(link_fd, prog_fd, NULL)) {
			err = -errno;
			pr_err("%s: replacing the program of %s failed: %s", ifname, path,
			       strerror(-err));
			break;
		}
		pr_info("%s: replaced the program of %s", ifname, path);
		err = 1;
		break;
	default:
		err = state;
		break;
	}
	close(link_fd);
	return err;
}

/* Pin a new link so that it outlives us; on failure the link goes (it has no other holder). */
static int pin_new_link(int link_fd, const char *path)
{
	int err = 0;

	if (bpf_obj_pin(link_fd, path)) {
		err = -errno;
		pr_err("pinning %s failed: %s", path, strerror(-err));
		bpf_link_detach(link_fd);
	}
	close(link_fd);
	return err;
}

/* New link at @hook of @ifindex: its fd, or -errno unlogged (the caller knows what it means). */
static int link_create(unsigned int ifindex, int prog_fd, enum bpf_attach_type type, __u32 flags)
{
	struct bpf_link_create_opts opts = {
		.sz = sizeof(opts),
		.flags = flags,
	};

	int fd = bpf_link_create(prog_fd, ifindex, type, &opts);

	return fd < 0 ? -errno : fd;
}

static __u32 xdp_flags_of(enum dp_xdp_mode mode)
{
	switch (mode) {
	case DP_XDP_NATIVE:
		return XDP_FLAGS_DRV_MODE;
	case DP_XDP_GENERIC:
		return XDP_FLAGS_SKB_MODE;
	default:
		return 0;
	}
}

/* Returns 1 when a new link was made (to roll back), 0 when one was updated, or -errno. */
static int attach_xdp(const char *pin_dir, const char *ifname, unsigned int ifindex, int prog_fd,
		      enum dp_xdp_mode mode)
{
	char path[PATH_MAX];
	int link_fd, err;

	err = dp_link_pin_path(path, sizeof(path), pin_dir, ifname, DP_HOOK_XDP);
	if (err)
		return err;
	err = pinned_link_update(path, DP_HOOK_XDP, ifname, ifindex, prog_fd, mode);
	if (err)
		return err < 0 ? err : 0;

	link_fd = link_create(ifindex, prog_fd, BPF_XDP, xdp_flags_of(mode));
	if (link_fd >= 0)
		return pin_new_link(link_fd, path) ?: 1;

	err = link_fd;
	if (err == -EBUSY || err == -EEXIST)
		pr_err("%s: another XDP program is attached, not by this instance; remove it first "
		       "(ip link set dev %s xdp off)",
		       ifname, ifname);
	else if (err == -EOPNOTSUPP && mode == DP_XDP_NATIVE)
		pr_err("%s: the driver has no native XDP; use generic mode", ifname);
	else
		pr_err("%s: attaching XDP failed: %s", ifname, strerror(-err));
	return err;
}

/* The legacy clsact egress filter of this instance on @ifindex: its prog id, or 0. */
static __u32 legacy_tc_find(unsigned int ifindex, const __u32 owner_ids[DP_MAP_COUNT])
{
	struct bpf_tc_hook hook = {
		.sz = sizeof(hook),
		.ifindex = ifindex,
		.attach_point = BPF_TC_EGRESS,
	};
	struct bpf_tc_opts opts = {
		.sz = sizeof(opts),
		.handle = DP_TC_HANDLE,
		.priority = DP_TC_PRIORITY,
	};
	bool ours = false;

	if (bpf_tc_query(&hook, &opts))
		return 0;
	if (prog_describe(opts.prog_id, owner_ids, NULL, &ours) || !ours)
		return 0;
	return opts.prog_id;
}

static int legacy_tc_detach(const char *ifname, unsigned int ifindex)
{
	struct bpf_tc_hook hook = {
		.sz = sizeof(hook),
		.ifindex = ifindex,
		.attach_point = BPF_TC_EGRESS,
	};
	struct bpf_tc_opts opts = {
		.sz = sizeof(opts),
		.handle = DP_TC_HANDLE,
		.priority = DP_TC_PRIORITY,
	};
	int err;

	/* The clsact qdisc stays: other filters may hang off it. */
	err = bpf_tc_detach(&hook, &opts);
	if (err && err != -ENOENT) {
		pr_err("%s: removing the legacy tc egress filter failed: %s", ifname,
		       strerror(-err));
		return err;
	}
	return 0;
}

static int legacy_tc_attach(const char *ifname, unsigned int ifindex, int prog_fd)
{
	struct bpf_tc_hook hook = {
		.sz = sizeof(hook),
		.ifindex = ifindex,
		.attach_point = BPF_TC_EGRESS,
	};
	struct bpf_tc_opts opts = {
		.sz = sizeof(opts),
		.handle = DP_TC_HANDLE,
		.priority = DP_TC_PRIORITY,
		.prog_fd = prog_fd,
		.flags = BPF_TC_F_REPLACE,
	};
	int err;

	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST) {
		pr_err("%s: creating the clsact qdisc failed: %s", ifname, strerror(-err));
		return err;
	}
	err = bpf_tc_attach(&hook, &opts);
	if (err) {
		pr_err("%s: attaching the tc egress filter failed: %s", ifname, strerror(-err));
		return err;
	}
	pr_notice("%s: kernel without tcx: tc egress attached as a legacy clsact filter "
		  "(handle 0x%x pref %u), which has no link to pin",
		  ifname, DP_TC_HANDLE, DP_TC_PRIORITY);
	return 0;
}

/* Returns 1 when a new link was made (to roll back), 0 otherwise, or -errno. */
static int attach_tc(const char *pin_dir, const char *ifname, unsigned int ifindex, int prog_fd,
		     const __u32 owner_ids[DP_MAP_COUNT])
{
	char path[PATH_MAX];
	int link_fd, err;

	err = dp_link_pin_path(path, sizeof(path), pin_dir, ifname, DP_HOOK_TC);
	if (err)
		return err;
	err = pinned_link_update(path, DP_HOOK_TC, ifname, ifindex, prog_fd, DP_XDP_AUTO);
	if (err)
		return err < 0 ? err : 0;

	if (!getenv(DP_ENV_FORCE_LEGACY_TC)) {
		link_fd = link_create(ifindex, prog_fd, BPF_TCX_EGRESS, 0);
		if (link_fd >= 0) {
			err = pin_new_link(link_fd, path);
			if (err)
				return err;
			/* Left over from a run on an older kernel, it would run twice. */
			if (legacy_tc_find(ifindex, owner_ids))
				legacy_tc_detach(ifname, ifindex);
			return 1;
		}
		err = link_fd;
		if (err != -EINVAL && err != -EOPNOTSUPP) {
			pr_err("%s: attaching tc egress (tcx) failed: %s", ifname, strerror(-err));
			return err;
		}
	}
	return legacy_tc_attach(ifname, ifindex, prog_fd);
}

/* ---- attach ---------------------------------------------------------------------------------- */

static int check_attach_opts(const struct dp_attach_opts *opts)
{
	struct addr6_buf b;
	const char *why;

	if (opts->role != XMIP6_ROLE_HA && opts->role != XMIP6_ROLE_MN &&
	    opts->role != XMIP6_ROLE_CN) {
		pr_err("role %s cannot be attached (ha, mn or cn)", dp_role_name(opts->role));
		return -EINVAL;
	}
	/* A correspondent node has no home agent: ha_addr stays unspecified. */
	why = opts->role == XMIP6_ROLE_CN ? NULL : addr6_unusable_reason(&opts->ha_addr);
	if (why) {
		pr_err("home agent address %s is %s", addr6_str(&opts->ha_addr, &b), why);
		return -EINVAL;
	}
	if (opts->max_bindings > DP_BINDINGS_MAX) {
		pr_err("max-bindings %u is above %u", opts->max_bindings, DP_BINDINGS_MAX);
		return -EINVAL;
	}
	return 0;
}

/*
 * What is already pinned decides: a pin directory serves one role, and its
 * bindings map keeps its size (libbpf refuses to reuse a map whose size
 * differs, and resizing would lose the bindings).
 */
static int check_pinned_instance(const char *pin_dir, const struct dp_attach_opts *opts,
				 __u32 *max_entries, bool *fresh)
{
	struct xmip6_config cfg;
	struct bpf_map_info info;
	struct addr6_buf b1, b2;
	int fd, err;

	*max_entries = opts->max_bindings ?: XMIP6_BINDINGS_DEFAULT;
	*fresh = true;

	fd = pinned_map_open(pin_dir, DP_MAP_BINDINGS, &info);
	if (fd >= 0) {
		close(fd);
		*fresh = false;
		if (opts->max_bindings && opts->max_bindings != info.max_entries) {
			pr_err("%s/%s exists with max-bindings %u: it cannot be resized to %u "
			       "without unloading the instance",
			       pin_dir, XMIP6_MAP_BINDINGS, info.max_entries, opts->max_bindings);
			return -EEXIST;
		}
		*max_entries = info.max_entries;
	} else if (fd != -ENOENT) {
		return fd;
	}

	fd = pinned_map_open(pin_dir, DP_MAP_STATS, &info);
	if (fd >= 0) {
		close(fd);
		*fresh = false;
	} else if (fd != -ENOENT) {
		return fd;
	}

	/* libbpf would refuse a ring of another size with a bare "mismatch". */
	fd = pinned_map_open(pin_dir, DP_MAP_SIGNAL, &info);
	if (fd >= 0) {
		close(fd);
		*fresh = false;
	} else if (fd != -ENOENT) {
		return fd;
	}

	fd = pinned_map_open(pin_dir, DP_MAP_CONFIG, &info);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	*fresh = false;
	err = config_read_fd(fd, &cfg);
	close(fd);
	if (err)
		return err;

	if (cfg.role != XMIP6_ROLE_NONE && cfg.role != opts->role) {
		pr_err("%s serves role %s, not %s: use another pin directory, or unload it first",
		       pin_dir, dp_role_name(cfg.role), dp_role_name(opts->role));
		return -EEXIST;
	}
	if (cfg.role == opts->role && memcmp(&cfg.ha_addr, &opts->ha_addr, sizeof(cfg.ha_addr)))
		pr_notice("%s: home agent address changes from %s to %s", pin_dir,
			  addr6_str(&cfg.ha_addr, &b1), addr6_str(&opts->ha_addr, &b2));
	return 0;
}

static struct xmip6 *load_object(const char *pin_dir, enum xmip6_role role, __u32 max_entries)
{
	struct bpf_object_open_opts open_opts = {
		.sz = sizeof(open_opts),
		.pin_root_path = pin_dir,
	};
	bool ha = role == XMIP6_ROLE_HA, mn = role == XMIP6_ROLE_MN, cn = role == XMIP6_ROLE_CN;
	struct xmip6 *skel;
	int err;

	skel = xmip6__open_opts(&open_opts);
	if (!skel) {
		err = -errno;
		pr_err("opening the BPF object failed: %s", strerror(-err));
		errno = -err;
		return NULL;
	}

	/* Only the role's programs: the other role's need not even verify. */
	bpf_program__set_autoload(skel->progs.xdp_ha, ha);
	bpf_program__set_autoload(skel->progs.tc_ha_egress, ha);
	bpf_program__set_autoload(skel->progs.xdp_mn, mn);
	bpf_program__set_autoload(skel->progs.tc_mn_egress, mn);
	bpf_program__set_autoload(skel->progs.xdp_cn, cn);
	bpf_program__set_autoload(skel->progs.tc_cn_egress, cn);

	err = bpf_map__set_max_entries(skel->maps.bindings, max_entries);
	if (!err)
		err = xmip6__load(skel);
	if (err) {
		pr_err("loading the BPF programs failed: %s%s", strerror(-err),
		       log_enabled(LOG_DEBUG) ? "" : " (verbose mode shows libbpf's log)");
		xmip6__destroy(skel);
		errno = -err;
		return NULL;
	}
	return skel;
}

/* Undo a failed first attach so that the pin directory is as before. */
static void unpin_fresh_instance(const char *pin_dir)
{
	char path[PATH_MAX];
	int i;

	for (i = 0; i < DP_MAP_COUNT; i++)
		if (!path_join(path, sizeof(path), "%s/%s", pin_dir, map_specs[i].name))
			unlink(path);
	if (!path_join(path, sizeof(path), "%s/%s", pin_dir, XMIP6_LINK_DIR))
		rmdir(path);
	rmdir(pin_dir);
}

static void detach_new_link(const char *pin_dir, const char *ifname, enum dp_hook hook)
{
	char path[PATH_MAX];
	int fd;

	if (dp_link_pin_path(path, sizeof(path), pin_dir, ifname, hook))
		return;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return;
	link_destroy(fd, path);
	close(fd);
}

int dp_attach(const char *pin_dir, const char *ifname, const struct dp_attach_opts *opts)
{
	struct xmip6_config cfg = {
		.role = opts->role,
		.flags = opts->flags,
		.ha_addr = opts->ha_addr,
	};
	struct bpf_program *xdp_prog, *tc_prog;
	__u32 owner_ids[DP_MAP_COUNT];
	int xdp_new, tc_new, err;
	struct xmip6 *skel;
	unsigned int ifindex;
	__u32 max_entries;
	bool fresh;

	dp_libbpf_quiet();
	err = check_ifname(ifname) ?: check_attach_opts(opts);
	if (err)
		return err;

	/* if_nametoindex looks in our netns only: no attaching in another one. */
	ifindex = if_nametoindex(ifname);
	if (!ifindex) {
		pr_err("%s: no such interface in this network namespace", ifname);
		return -ENODEV;
	}

	err = prepare_pin_dir(pin_dir)
		      ?: check_pinned_instance(pin_dir, opts, &max_entries, &fresh);
	if (err)
		return err;

	skel = load_object(pin_dir, opts->role, max_entries);
	if (!skel) {
		err = -errno;
		goto out_unpin;
	}

	if (!fresh) {
		/* A re-attach (xmip6ctl attach while xmip6d runs) must not take
		 * the signalling away from the daemon: flags only accumulate
		 * here; dp_config_set_flags() clears them. */
		struct xmip6_config old;
		__u32 zero = 0;

		if (!bpf_map_lookup_elem(bpf_map__fd(skel->maps.config), &zero, &old))
			cfg.flags |= old.flags;
	}
	err = config_write_fd(bpf_map__fd(skel->maps.config), &cfg)
		      ?: instance_map_ids(pin_dir, owner_ids);
	if (err)
		goto out_destroy;

	if (opts->role == XMIP6_ROLE_HA) {
		xdp_prog = skel->progs.xdp_ha;
		tc_prog = skel->progs.tc_ha_egress;
	} else if (opts->role == XMIP6_ROLE_CN) {
		xdp_prog = skel->progs.xdp_cn;
		tc_prog = skel->progs.tc_cn_egress;
	} else {
		xdp_prog = skel->progs.xdp_mn;
		tc_prog = skel->progs.tc_mn_egress;
	}

	xdp_new = attach_xdp(pin_dir, ifname, ifindex, bpf_program__fd(xdp_prog), opts->xdp_mode);
	if (xdp_new < 0) {
		err = xdp_new;
		goto out_destroy;
	}
	tc_new = attach_tc(pin_dir, ifname, ifindex, bpf_program__fd(tc_prog), owner_ids);
	if (tc_new < 0) {
		err = tc_new;
		if (xdp_new)
			detach_new_link(pin_dir, ifname, DP_HOOK_XDP);
		goto out_destroy;
	}
	pr_info("%s: attached %s and %s (%s)", ifname, bpf_program__name(xdp_prog),
		bpf_program__name(tc_prog), pin_dir);

	/* The links and maps are pinned: they outlive the skeleton and us. */
	xmip6__destroy(skel);
	return 0;

out_destroy:
	xmip6__destroy(skel);
out_unpin:
	if (fresh)
		unpin_fresh_instance(pin_dir);
	return err;
}

/* ---- detach, unload ----------------------------------------------------------------------------- */

/* Returns 1 when a pinned link was removed, 0 when there was none, or -errno. */
static int detach_hook(const char *pin_dir, const char *ifname, unsigned int ifindex,
		       enum dp_hook hook)
{
	struct bpf_link_info info;
	char path[PATH_MAX];
	int link_fd, state, err;

	err = dp_link_pin_path(path, sizeof(path), pin_dir, ifname, hook);
	if (err)
		return err;
	link_fd = pinned_link_get(path);
	if (link_fd < 0)
		return link_fd == -ENOENT ? 0 : link_fd;

	state = link_state_of(link_fd, path, hook, ifindex, &info);
	if (state == LINK_ELSEWHERE) {
		pr_err("%s: the link is on an interface of another network namespace "
		       "(ifindex %u): detach it there, or unload the instance",
		       path, link_ifindex(&info));
		err = -EBUSY;
	} else if (state < 0) {
		err = state;
	} else {
		if (state == LINK_DEFUNCT)
			pr_info("%s: the interface was already gone", path);
		err = link_destroy(link_fd, path) ?: 1;
	}
	close(link_fd);
	return err;
}

int dp_detach(const char *pin_dir, const char *ifname)
{
	unsigned int ifindex;
	__u32 owner_ids[DP_MAP_COUNT];
	struct stat st;
	int found = 0, err;

	dp_libbpf_quiet();
	err = check_ifname(ifname);
	if (err)
		return err;
	if (stat(pin_dir, &st)) {
		pr_err("nothing loaded at %s", pin_dir);
		return -ENOENT;
	}

	/* 0 when the interface is gone: its defunct links still get unpinned. */
	ifindex = if_nametoindex(ifname);

	err = detach_hook(pin_dir, ifname, ifindex, DP_HOOK_TC);
	if (err < 0)
		return err;
	found += err;
	err = detach_hook(pin_dir, ifname, ifindex, DP_HOOK_XDP);
	if (err < 0)
		return err;
	found += err;

	if (ifindex && !instance_map_ids(pin_dir, owner_ids) &&
	    legacy_tc_find(ifindex, owner_ids)) {
		err = legacy_tc_detach(ifname, ifindex);
		if (err)
			return err;
		found++;
	}

	if (found)
		return 0;
	if (!ifindex) {
		pr_err("%s: no such interface in this network namespace, and no link pinned "
		       "for it in %s",
		       ifname, pin_dir);
		return -ENODEV;
	}
	pr_err("%s: not attached by the instance at %s", ifname, pin_dir);
	return -ENOENT;
}

static bool is_dot_entry(const char *name)
{
	return !strcmp(name, ".") || !strcmp(name, "..");
}

/* Detach and unpin every link under PIN_DIR/links, whatever netns it is in. */
static int unload_links(const char *pin_dir)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	int fd, ret, err = 0;
	DIR *d;

	if (path_join(dir, sizeof(dir), "%s/%s", pin_dir, XMIP6_LINK_DIR))
		return -ENAMETOOLONG;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;

	while ((de = readdir(d))) {
		if (is_dot_entry(de->d_name) ||
		    path_join(path, sizeof(path), "%s/%s", dir, de->d_name))
			continue;
		fd = bpf_obj_get(path);
		if (fd >= 0) {
			bpf_link_detach(fd);
			close(fd);
		}
		ret = unlink_pin(path);
		err = err ?: ret;
	}
	closedir(d);
	if (rmdir(dir) && errno != ENOENT)
		err = err ?: -errno;
	return err;
}

/* Legacy filters have no pin: look for the instance's programs on every interface. */
static void unload_legacy_tc(const __u32 owner_ids[DP_MAP_COUNT])
{
	struct if_nameindex *ifs, *i;

	ifs = if_nameindex();
	if (!ifs)
		return;
	for (i = ifs; i->if_index; i++)
		if (legacy_tc_find(i->if_index, owner_ids))
			legacy_tc_detach(i->if_name, i->if_index);
	if_freenameindex(ifs);
}

/* Does @pin_dir hold anything of an instance? Never unpin in a directory that does not. */
static bool looks_like_instance(const char *pin_dir)
{
	char path[PATH_MAX];
	int i;

	for (i = 0; i < DP_MAP_COUNT; i++)
		if (!path_join(path, sizeof(path), "%s/%s", pin_dir, map_specs[i].name) &&
		    !access(path, F_OK))
			return true;
	return !path_join(path, sizeof(path), "%s/%s", pin_dir, XMIP6_LINK_DIR) &&
	       !access(path, F_OK);
}

int dp_unload(const char *pin_dir)
{
	char path[PATH_MAX];
	__u32 owner_ids[DP_MAP_COUNT];
	int i, err;

	dp_libbpf_quiet();
	if (!looks_like_instance(pin_dir)) {
		pr_err("nothing loaded at %s", pin_dir);
		return -ENOENT;
	}

	if (!instance_map_ids(pin_dir, owner_ids))
		unload_legacy_tc(owner_ids);

	err = unload_links(pin_dir);
	if (err) {
		pr_err("%s/%s: %s", pin_dir, XMIP6_LINK_DIR, strerror(-err));
		return err;
	}

	for (i = 0; i < DP_MAP_COUNT; i++) {
		err = path_join(path, sizeof(path), "%s/%s", pin_dir, map_specs[i].name);
		if (err)
			return err;
		err = unlink_pin(path);
		if (err)
			return err;
	}

	if (rmdir(pin_dir)) {
		err = -errno;
		if (err == -ENOTEMPTY || err == -EEXIST)
			pr_err("%s: unpinned xmip6's maps and links, but the directory holds "
			       "other entries: left in place",
			       pin_dir);
		else
			pr_err("rmdir %s: %s", pin_dir, strerror(-err));
		return err;
	}
	return 0;
}

/* ---- open instance ----------------------------------------------------------------------------- */

int dp_open(const char *pin_dir, struct xmip6_dp *dp)
{
	int *fds[DP_MAP_COUNT] = {&dp->bindings_fd, &dp->stats_fd, &dp->config_fd, &dp->signal_fd,
				  &dp->ro_fd,	    &dp->peers_fd, &dp->admit_fd};
	struct bpf_map_info info;
	int i, fd;

	dp_libbpf_quiet();
	memset(dp, 0, sizeof(*dp));
	dp->bindings_fd = dp->stats_fd = dp->config_fd = dp->signal_fd = -1;
	dp->ro_fd = dp->peers_fd = dp->admit_fd = -1;
	if (path_join(dp->pin_dir, sizeof(dp->pin_dir), "%s", pin_dir))
		return -ENAMETOOLONG;

	for (i = 0; i < DP_MAP_COUNT; i++) {
		fd = pinned_map_open(pin_dir, i, &info);
		if (fd == -ENOENT && map_specs[i].optional) {
			pr_debug("%s: no pinned %s map", pin_dir, map_specs[i].name);
			continue;
		}
		if (fd == -ENOENT)
			pr_err("nothing loaded at %s (no pinned %s map): attach first", pin_dir,
			       map_specs[i].name);
		if (fd < 0) {
			dp_close(dp);
			return fd;
		}
		*fds[i] = fd;
		dp->map_ids[i] = info.id;
		if (i == DP_MAP_BINDINGS)
			dp->bindings_max = info.max_entries;
	}
	return 0;
}

void dp_close(struct xmip6_dp *dp)
{
	if (dp->bindings_fd >= 0)
		close(dp->bindings_fd);
	if (dp->stats_fd >= 0)
		close(dp->stats_fd);
	if (dp->config_fd >= 0)
		close(dp->config_fd);
	if (dp->signal_fd >= 0)
		close(dp->signal_fd);
	if (dp->ro_fd >= 0)
		close(dp->ro_fd);
	if (dp->peers_fd >= 0)
		close(dp->peers_fd);
	if (dp->admit_fd >= 0)
		close(dp->admit_fd);
	dp->bindings_fd = dp->stats_fd = dp->config_fd = dp->signal_fd = -1;
	dp->ro_fd = dp->peers_fd = dp->admit_fd = -1;
}

int dp_config_read(const struct xmip6_dp *dp, struct xmip6_config *cfg)
{
	return config_read_fd(dp->config_fd, cfg);
}

int dp_config_set_flags(const struct xmip6_dp *dp, __u32 flags)
{
	struct xmip6_config cfg;
	int err;

	/* Only dp_attach() writes the entry too, and it sets all of it. */
	err = config_read_fd(dp->config_fd, &cfg);
	if (err)
		return err;
	cfg.flags = flags;
	return config_write_fd(dp->config_fd, &cfg);
}

/* ---- bindings -------------------------------------------------------------------------------- */

static int check_binding_addr(const char *what, const struct in6_addr *addr)
{
	const char *why = addr6_unusable_reason(addr);
	struct addr6_buf b;

	if (!why)
		return 0;
	pr_err("%s %s is %s", what, addr6_str(addr, &b), why);
	return -EINVAL;
}

int dp_binding_update(const struct xmip6_dp *dp, const struct in6_addr *hoa,
		      const struct xmip6_binding *b)
{
	struct addr6_buf buf;
	int err;

	err = check_binding_addr("home address", hoa) ?:
	      check_binding_addr("care-of address", &b->care_of_addr) ?:
	      check_binding_addr("home agent address", &b->ha_addr);
	if (err)
		return err;

	if (bpf_map_update_elem(dp->bindings_fd, hoa, b, BPF_ANY)) {
		err = -errno;
		if (err == -E2BIG)
			pr_err("binding for %s: the table is full (%u bindings)",
			       addr6_str(hoa, &buf), dp->bindings_max);
		else
			pr_err("binding for %s: %s", addr6_str(hoa, &buf), strerror(-err));
		return err;
	}
	return 0;
}

int dp_binding_delete(const struct xmip6_dp *dp, const struct in6_addr *hoa)
{
	struct addr6_buf buf;
	int err;

	if (bpf_map_delete_elem(dp->bindings_fd, hoa)) {
		err = -errno;
		if (err == -ENOENT)
			pr_err("no binding for %s", addr6_str(hoa, &buf));
		else
			pr_err("deleting the binding for %s: %s", addr6_str(hoa, &buf),
			       strerror(-err));
		return err;
	}
	return 0;
}

int dp_binding_lookup(const struct xmip6_dp *dp, const struct in6_addr *hoa,
		      struct xmip6_binding *b)
{
	struct addr6_buf buf;
	int err;

	if (bpf_map_lookup_elem(dp->bindings_fd, hoa, b)) {
		err = -errno;
		if (err != -ENOENT)
			pr_err("looking up the binding for %s: %s", addr6_str(hoa, &buf),
			       strerror(-err));
		return err;
	}
	return 0;
}

/* Next home address after @prev (NULL: the first); 1 at the end, or -errno. */
static int binding_next_key(const struct xmip6_dp *dp, const struct in6_addr *prev,
			    struct in6_addr *next)
{
	int err;

	if (!bpf_map_get_next_key(dp->bindings_fd, prev, next))
		return 0;
	err = -errno;
	if (err == -ENOENT)
		return 1;
	pr_err("walking the bindings map: %s", strerror(-err));
	return err;
}

int dp_binding_foreach(const struct xmip6_dp *dp, dp_binding_cb cb, void *ctx)
{
	struct in6_addr key, *prev = NULL;
	struct xmip6_binding b;
	int err;

	while (!(err = binding_next_key(dp, prev, &key))) {
		prev = &key;
		err = dp_binding_lookup(dp, &key, &b);
		if (err == -ENOENT) /* deleted meanwhile */
			continue;
		if (err)
			return err;
		err = cb(&key, &b, ctx);
		if (err)
			return err;
	}
	return err < 0 ? err : 0;
}

int dp_binding_count(const struct xmip6_dp *dp)
{
	struct in6_addr key, *prev = NULL;
	int n = 0, err;

	while (!(err = binding_next_key(dp, prev, &key))) {
		prev = &key;
		n++;
	}
	return err < 0 ? err : n;
}

int dp_binding_flush(const struct xmip6_dp *dp)
{
	struct in6_addr key;
	int n = 0, err;

	/* Always restart from the first key: deleting invalidates the cursor. */
	while (!(err = binding_next_key(dp, NULL, &key))) {
		if (bpf_map_delete_elem(dp->bindings_fd, &key) && errno != ENOENT) {
			err = -errno;
			pr_err("flushing the bindings: %s", strerror(-err));
			return err;
		}
		n++;
	}
	return err < 0 ? err : n;
}

/* ---- route optimisation ------------------------------------------------------------------- */

static int ro_map_check(int fd, const char *what)
{
	if (fd >= 0)
		return 0;
	pr_err("this instance has no %s map (attached by an older xmip6?): re-attach it", what);
	return -EOPNOTSUPP;
}

int dp_ro_update(const struct xmip6_dp *dp, const struct xmip6_ro_key *key,
		 const struct xmip6_ro *ro)
{
	struct addr6_buf b1, b2;
	int err;

	err = ro_map_check(dp->ro_fd, XMIP6_MAP_RO) ?:
	      check_binding_addr("home address", &key->home_addr) ?:
	      check_binding_addr("correspondent address", &key->peer_addr) ?:
	      check_binding_addr("care-of address", &ro->care_of_addr);
	if (err)
		return err;
	if (bpf_map_update_elem(dp->ro_fd, key, ro, BPF_ANY)) {
		err = -errno;
		pr_err("route optimisation entry %s -> %s: %s%s", addr6_str(&key->home_addr, &b1),
		       addr6_str(&key->peer_addr, &b2), strerror(-err),
		       err == -E2BIG ? " (the table is full)" : "");
		return err;
	}
	return 0;
}

int dp_ro_delete(const struct xmip6_dp *dp, const struct xmip6_ro_key *key)
{
	struct addr6_buf b1, b2;
	int err;

	err = ro_map_check(dp->ro_fd, XMIP6_MAP_RO);
	if (err)
		return err;
	if (bpf_map_delete_elem(dp->ro_fd, key)) {
		err = -errno;
		pr_err("%s route optimisation entry %s -> %s%s%s",
		       err == -ENOENT ? "no" : "deleting the", addr6_str(&key->home_addr, &b1),
		       addr6_str(&key->peer_addr, &b2), err == -ENOENT ? "" : ": ",
		       err == -ENOENT ? "" : strerror(-err));
		return err;
	}
	return 0;
}

int dp_ro_lookup(const struct xmip6_dp *dp, const struct xmip6_ro_key *key, struct xmip6_ro *ro)
{
	int err;

	err = ro_map_check(dp->ro_fd, XMIP6_MAP_RO);
	if (err)
		return err;
	if (bpf_map_lookup_elem(dp->ro_fd, key, ro)) {
		err = -errno;
		if (err != -ENOENT)
			pr_err("looking up a route optimisation entry: %s", strerror(-err));
		return err;
	}
	return 0;
}

/*
 * Walks a map keyed by struct xmip6_ro_key, handing each value (of
 * @value_size, at most 64 octets) to @cb; stops at @cb's first non-zero
 * return and returns it. Entries deleted meanwhile are skipped.
 */
static int ro_key_foreach(int fd, const char *what, size_t value_size,
			  int (*cb)(const struct xmip6_ro_key *key, const void *value, void *ctx),
			  void *ctx)
{
	struct xmip6_ro_key key, *prev = NULL;
	__u64 value[8];
	int err;

	if (value_size > sizeof(value))
		return -EINVAL;
	while (!bpf_map_get_next_key(fd, prev, &key)) {
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, value)) {
			if (errno == ENOENT)
				continue;
			err = -errno;
			pr_err("reading the %s map: %s", what, strerror(-err));
			return err;
		}
		err = cb(&key, value, ctx);
		if (err)
			return err;
	}
	if (errno != ENOENT) {
		err = -errno;
		pr_err("walking the %s map: %s", what, strerror(-err));
		return err;
	}
	return 0;
}

struct ro_walk {
	dp_ro_cb ro_cb;
	dp_peer_cb peer_cb;
	void *ctx;
};

static int ro_walk_ro(const struct xmip6_ro_key *key, const void *value, void *ctx)
{
	const struct ro_walk *w = ctx;

	return w->ro_cb(key, value, w->ctx);
}

static int ro_walk_peer(const struct xmip6_ro_key *key, const void *value, void *ctx)
{
	const struct ro_walk *w = ctx;

	return w->peer_cb(key, value, w->ctx);
}

int dp_ro_foreach(const struct xmip6_dp *dp, dp_ro_cb cb, void *ctx)
{
	struct ro_walk w = {.ro_cb = cb, .ctx = ctx};
	int err;

	err = ro_map_check(dp->ro_fd, XMIP6_MAP_RO);
	if (err)
		return err;
	return ro_key_foreach(dp->ro_fd, XMIP6_MAP_RO, sizeof(struct xmip6_ro), ro_walk_ro, &w);
}

int dp_peer_foreach(const struct xmip6_dp *dp, dp_peer_cb cb, void *ctx)
{
	struct ro_walk w = {.peer_cb = cb, .ctx = ctx};
	int err;

	err = ro_map_check(dp->peers_fd, XMIP6_MAP_PEERS);
	if (err)
		return err;
	return ro_key_foreach(dp->peers_fd, XMIP6_MAP_PEERS, sizeof(struct xmip6_peer),
			      ro_walk_peer, &w);
}

int dp_peer_delete(const struct xmip6_dp *dp, const struct xmip6_ro_key *key)
{
	struct addr6_buf b1, b2;
	int err;

	err = ro_map_check(dp->peers_fd, XMIP6_MAP_PEERS);
	if (err)
		return err;
	if (bpf_map_delete_elem(dp->peers_fd, key)) {
		err = -errno;
		if (err != -ENOENT) /* the LRU may have evicted it: fine */
			pr_err("deleting peer %s -> %s: %s", addr6_str(&key->home_addr, &b1),
			       addr6_str(&key->peer_addr, &b2), strerror(-err));
		return err;
	}
	return 0;
}

/* ---- stats -------------------------------------------------------------------------------- */

static struct xmip6_stats *percpu_stats_alloc(int *ncpus)
{
	struct xmip6_stats *v;

	*ncpus = libbpf_num_possible_cpus();
	if (*ncpus <= 0) {
		pr_err("cannot count the possible CPUs: %s", strerror(-*ncpus));
		errno = *ncpus ? -*ncpus : EINVAL;
		return NULL;
	}
	/* All fields are __u64: the per-CPU stride (8-byte rounded) is the size. */
	v = calloc(*ncpus, sizeof(*v));
	if (!v)
		pr_err("out of memory");
	return v;
}

int dp_stats_read(const struct xmip6_dp *dp, struct xmip6_stats *sum)
{
	__u64 *out = (__u64 *)sum;
	struct xmip6_stats *v;
	__u32 zero = 0;
	int ncpus, cpu, err = 0;
	size_t i;

	v = percpu_stats_alloc(&ncpus);
	if (!v)
		return -errno;

	memset(sum, 0, sizeof(*sum));
	if (bpf_map_lookup_elem(dp->stats_fd, &zero, v)) {
		err = -errno;
		pr_err("reading the stats map: %s", strerror(-err));
	} else {
		for (cpu = 0; cpu < ncpus; cpu++)
			for (i = 0; i < XMIP6_STAT_COUNT; i++)
				out[i] += dp_stat_value(&v[cpu], i);
	}
	free(v);
	return err;
}

int dp_stats_clear(const struct xmip6_dp *dp)
{
	struct xmip6_stats *v;
	__u32 zero = 0;
	int ncpus, err = 0;

	v = percpu_stats_alloc(&ncpus);
	if (!v)
		return -errno;
	if (bpf_map_update_elem(dp->stats_fd, &zero, v, BPF_ANY)) {
		err = -errno;
		pr_err("clearing the stats map: %s", strerror(-err));
	}
	free(v);
	return err;
}

/* ---- links ------------------------------------------------------------------------------- */

static bool has_suffix(const char *name, const char *suffix, size_t *stem_len)
{
	size_t n = strlen(name), s = strlen(suffix);

	if (n <= s || strcmp(name + n - s, suffix))
		return false;
	*stem_len = n - s;
	return true;
}

static int describe_pinned_link(const char *dir, const char *name, struct dp_link_info *li)
{
	struct bpf_link_info info;
	char path[PATH_MAX];
	size_t stem;
	int fd, err;
	char *p;

	memset(li, 0, sizeof(*li));
	snprintf(li->name, sizeof(li->name), "%s", name);
	if (has_suffix(name, DP_LINK_SUFFIX_XDP, &stem))
		li->hook = DP_HOOK_XDP;
	else if (has_suffix(name, DP_LINK_SUFFIX_TC, &stem))
		li->hook = DP_HOOK_TC;
	else
		return -EINVAL;
	snprintf(li->ifname, sizeof(li->ifname), "%.*s", (int)stem, name);
	for (p = li->ifname; (p = strchr(p, IFNAME_DOT_ESCAPE)); p++)
		*p = '.';

	err = path_join(path, sizeof(path), "%s/%s", dir, name);
	if (err)
		return err;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	err = link_info_get(fd, &info);
	close(fd);
	if (err)
		return err;

	li->link_id = info.id;
	li->prog_id = info.prog_id;
	li->ifindex = link_ifindex(&info);
	prog_describe(info.prog_id, NULL, li->prog_name, NULL);
	return 0;
}

static int foreach_pinned_link(const struct xmip6_dp *dp, dp_link_cb cb, void *ctx)
{
	struct dp_link_info li;
	struct dirent **names;
	char dir[PATH_MAX];
	int n, i, err = 0;

	if (path_join(dir, sizeof(dir), "%s/%s", dp->pin_dir, XMIP6_LINK_DIR))
		return -ENAMETOOLONG;
	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0)
		return errno == ENOENT ? 0 : -errno;

	for (i = 0; i < n; i++) {
		if (!err && !is_dot_entry(names[i]->d_name)) {
			if (describe_pinned_link(dir, names[i]->d_name, &li))
				pr_debug("%s/%s: not a link, skipped", dir, names[i]->d_name);
			else
				err = cb(&li, ctx);
		}
		free(names[i]);
	}
	free(names);
	return err;
}

static int foreach_legacy_tc(const struct xmip6_dp *dp, dp_link_cb cb, void *ctx)
{
	struct if_nameindex *ifs, *i;
	struct dp_link_info li;
	int err = 0;

	ifs = if_nameindex();
	if (!ifs)
		return 0;
	for (i = ifs; i->if_index && !err; i++) {
		memset(&li, 0, sizeof(li));
		li.prog_id = legacy_tc_find(i->if_index, dp->map_ids);
		if (!li.prog_id)
			continue;
		li.hook = DP_HOOK_TC;
		li.legacy_tc = true;
		li.ifindex = i->if_index;
		snprintf(li.ifname, sizeof(li.ifname), "%s", i->if_name);
		prog_describe(li.prog_id, NULL, li.prog_name, NULL);
		err = cb(&li, ctx);
	}
	if_freenameindex(ifs);
	return err;
}

int dp_link_foreach(const struct xmip6_dp *dp, dp_link_cb cb, void *ctx)
{
	int err = foreach_pinned_link(dp, cb, ctx);

	if (err < 0 && err != -ENOENT)
		pr_err("%s/%s: %s", dp->pin_dir, XMIP6_LINK_DIR, strerror(-err));
	return err ?: foreach_legacy_tc(dp, cb, ctx);
}

/* ---- HA signalling admission ("admit") ---------------------------------------------------- */

static int addr_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct in6_addr));
}

int dp_admit_set(const struct xmip6_dp *dp, const struct in6_addr *addrs, size_t n)
{
	struct in6_addr key, next, *sorted = NULL;
	bool more;
	__u8 one = 1;
	size_t i;
	int err;

	err = ro_map_check(dp->admit_fd, XMIP6_MAP_ADMIT);
	if (err)
		return err;
	if (n > XMIP6_ADMIT_DEFAULT) {
		pr_err("%zu mobile nodes: the %s map holds %u", n, XMIP6_MAP_ADMIT,
		       XMIP6_ADMIT_DEFAULT);
		return -E2BIG;
	}
	/* The new entries first, then the stale ones out: a listed node is
	 * admitted all along. */
	for (i = 0; i < n; i++) {
		if (bpf_map_update_elem(dp->admit_fd, &addrs[i], &one, BPF_ANY)) {
			err = -errno;
			pr_err("writing the %s map: %s", XMIP6_MAP_ADMIT, strerror(-err));
			return err;
		}
	}
	if (n) {
		sorted = malloc(n * sizeof(*sorted));
		if (!sorted)
			return -ENOMEM;
		memcpy(sorted, addrs, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), addr_cmp);
	}
	/* The key after a deleted one cannot be asked for: find it first. */
	more = !bpf_map_get_next_key(dp->admit_fd, NULL, &key);
	while (more) {
		more = !bpf_map_get_next_key(dp->admit_fd, &key, &next);
		if ((!n || !bsearch(&key, sorted, n, sizeof(*sorted), addr_cmp)) &&
		    bpf_map_delete_elem(dp->admit_fd, &key) && errno != ENOENT) {
			err = -errno;
			pr_err("deleting from the %s map: %s", XMIP6_MAP_ADMIT, strerror(-err));
			break;
		}
		key = next;
	}
	free(sorted);
	return err;
}
