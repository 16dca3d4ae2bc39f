// SPDX-License-Identifier: GPL-2.0
/*
 * link.c - the instance's programs on interfaces as pinned BPF links: XDP
 * links and tcx egress links under PIN_DIR/links/ (dataplane.h), created,
 * updated in place (bpf_link_update: an upgrade drops no packet), detached
 * and listed. Kernels without tcx get the clsact filter of tc_legacy.c.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp/internal.h"
#include "common/util.h"

/* Set to force the legacy clsact path on a tcx kernel (to test it). */
#define DP_ENV_FORCE_LEGACY_TC "XMIP6_FORCE_LEGACY_TC"

/* ---- pin paths --------------------------------------------------------------------------------- */

static const char *hook_suffix(enum dp_hook hook)
{
	return hook == DP_HOOK_XDP ? DP_LINK_SUFFIX_XDP : DP_LINK_SUFFIX_TC;
}

/* bpffs forbids '.' in names; interface names never contain ':'. */
#define DP_IFNAME_DOT_ESCAPE ':'

int dp_link_pin_path(char *buf, size_t size, const char *pin_dir, const char *ifname,
		     enum dp_hook hook)
{
	char name[IF_NAMESIZE];
	char *p;

	snprintf(name, sizeof(name), "%s", ifname);
	for (p = name; (p = strchr(p, '.')); p++)
		*p = DP_IFNAME_DOT_ESCAPE;
	return dp_path_join(buf, size, "%s/%s/%s%s", pin_dir, XMIP6_LINK_DIR, name,
			    hook_suffix(hook));
}

/* ---- programs and links ---------------------------------------------------------------------- */

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

/* Detach and unpin; the pin alone would keep the link, and whoever holds an fd too. */
static int link_destroy(int link_fd, const char *path)
{
	if (bpf_link_detach(link_fd) && errno != ENOLINK && errno != ENOENT)
		pr_debug("%s: detach: %s", path, strerror(errno));
	return dp_unlink_pin(path);
}

/*
 * The fd of the link pinned for @hook of @ifname (its pin path into @path),
 * -ENOENT if none, or a logged -errno.
 */
static int pinned_link_get(const char *pin_dir, const char *ifname, enum dp_hook hook,
			   char path[PATH_MAX])
{
	int link_fd, err;

	err = dp_link_pin_path(path, PATH_MAX, pin_dir, ifname, hook);
	if (err)
		return err;
	link_fd = bpf_obj_get(path);
	if (link_fd >= 0)
		return link_fd;
	err = -errno;
	if (err != -ENOENT)
		pr_err("%s: %s%s", path, strerror(-err), dp_bpffs_hint(err, path));
	return err;
}

/*
 * Replace the program of the link pinned for @hook of @ifname (its pin path
 * into @path), atomically for traffic. Returns 1 when done, 0 when there is
 * no usable pin (a defunct one is removed), or a logged -errno.
 */
static int pinned_link_update(const char *pin_dir, const char *ifname, unsigned int ifindex,
			      enum dp_hook hook, int prog_fd, enum dp_xdp_mode mode,
			      char path[PATH_MAX])
{
	struct bpf_link_info info;
	int link_fd, state, err;

	link_fd = pinned_link_get(pin_dir, ifname, hook, path);
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

int dp_link_attach_xdp(const char *pin_dir, const char *ifname, unsigned int ifindex, int prog_fd,
		       enum dp_xdp_mode mode)
{
	char path[PATH_MAX];
	int link_fd, err;

	err = pinned_link_update(pin_dir, ifname, ifindex, DP_HOOK_XDP, prog_fd, mode, path);
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

int dp_link_attach_tc(const char *pin_dir, const char *ifname, unsigned int ifindex, int prog_fd,
		      const __u32 owner_ids[DP_MAP_COUNT])
{
	char path[PATH_MAX];
	int link_fd, err;

	err = pinned_link_update(pin_dir, ifname, ifindex, DP_HOOK_TC, prog_fd, DP_XDP_AUTO, path);
	if (err)
		return err < 0 ? err : 0;

	if (!getenv(DP_ENV_FORCE_LEGACY_TC)) {
		link_fd = link_create(ifindex, prog_fd, BPF_TCX_EGRESS, 0);
		if (link_fd >= 0) {
			err = pin_new_link(link_fd, path);
			if (err)
				return err;
			/* Left over from a run on an older kernel, it would run twice. */
			if (dp_legacy_tc_find(ifindex, owner_ids))
				dp_legacy_tc_detach(ifname, ifindex);
			return 1;
		}
		err = link_fd;
		if (err != -EINVAL && err != -EOPNOTSUPP) {
			pr_err("%s: attaching tc egress (tcx) failed: %s", ifname, strerror(-err));
			return err;
		}
	}
	return dp_legacy_tc_attach(ifname, ifindex, prog_fd);
}

void dp_link_detach_new(const char *pin_dir, const char *ifname, enum dp_hook hook)
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

int dp_link_detach(const char *pin_dir, const char *ifname, unsigned int ifindex, enum dp_hook hook)
{
	struct bpf_link_info info;
	char path[PATH_MAX];
	int link_fd, state, err;

	link_fd = pinned_link_get(pin_dir, ifname, hook, path);
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

int dp_links_unload(const char *pin_dir)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	int fd, ret, err = 0;
	DIR *d;

	if (dp_path_join(dir, sizeof(dir), "%s/%s", pin_dir, XMIP6_LINK_DIR))
		return -ENAMETOOLONG;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;

	while ((de = readdir(d))) {
		if (dp_is_dot_entry(de->d_name) ||
		    dp_path_join(path, sizeof(path), "%s/%s", dir, de->d_name))
			continue;
		fd = bpf_obj_get(path);
		if (fd >= 0) {
			bpf_link_detach(fd);
			close(fd);
		}
		ret = dp_unlink_pin(path);
		err = err ?: ret;
	}
	closedir(d);
	if (rmdir(dir) && errno != ENOENT)
		err = err ?: -errno;
	return err;
}

/* ---- what is attached ------------------------------------------------------------------------------- */

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
	for (p = li->ifname; (p = strchr(p, DP_IFNAME_DOT_ESCAPE)); p++)
		*p = '.';

	err = dp_path_join(path, sizeof(path), "%s/%s", dir, name);
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
	dp_prog_describe(info.prog_id, NULL, li->prog_name, NULL);
	return 0;
}

static int foreach_pinned_link(const struct xmip6_dp *dp, dp_link_cb cb, void *ctx)
{
	struct dp_link_info li;
	struct dirent **names;
	char dir[PATH_MAX];
	int n, i, err = 0;

	if (dp_path_join(dir, sizeof(dir), "%s/%s", dp->pin_dir, XMIP6_LINK_DIR))
		return -ENAMETOOLONG;
	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0)
		return errno == ENOENT ? 0 : -errno;

	for (i = 0; i < n; i++) {
		if (!err && !dp_is_dot_entry(names[i]->d_name)) {
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

int dp_link_foreach(const struct xmip6_dp *dp, dp_link_cb cb, void *ctx)
{
	int err = foreach_pinned_link(dp, cb, ctx);

	if (err < 0 && err != -ENOENT)
		pr_err("%s/%s: %s", dp->pin_dir, XMIP6_LINK_DIR, strerror(-err));
	return err ?: dp_legacy_tc_foreach(dp, cb, ctx);
}
