// SPDX-License-Identifier: GPL-2.0
/*
 * attach.c - an instance as a whole: dp_attach() loads the role's programs
 * against the pinned maps (creating and pinning them the first time),
 * writes the config map and attaches XDP and TC egress to an interface;
 * dp_detach() takes them off one interface; dp_unload() removes the
 * instance. The pieces are in pin.c, link.c and tc_legacy.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <net/if.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp/internal.h"
#include "dp/replay.h"
#include "common/util.h"
#include "xmip6.skel.h"

/* ---- attach ---------------------------------------------------------------------------------- */

static int check_ifname(const char *ifname)
{
	if (!ifname || !*ifname || strlen(ifname) >= IF_NAMESIZE || strchr(ifname, '/')) {
		pr_err("invalid interface name \"%s\"", ifname ? ifname : "");
		return -EINVAL;
	}
	return 0;
}

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

void dp_bindings_resize_refusal(char *buf, size_t size, const char *pin_dir, __u32 have, __u32 want)
{
	snprintf(buf, size,
		 "%s/%s exists with max-bindings %u: it cannot be resized to %u without "
		 "unloading the instance",
		 pin_dir, XMIP6_MAP_BINDINGS, have, want);
}

/*
 * The signal ring from the number of bindings (XMIP6_SIGNAL_RING_SIZE at
 * the least, a power of two as the kernel requires): a home agent of N
 * mobile nodes, each allowed 3 BUs a second (MAX_UPDATE_RATE), may be
 * handed N/4 records at once when a burst meets a busy daemon; what does
 * not fit is dropped and counted (sig_ring_full) and retransmitted by the
 * node. Capped at SIGNAL_RING_MAX (about 50,000 records, half a second of
 * 100,000 BUs a second).
 */
#define SIGNAL_RING_MAX (64U << 20)

static __u32 signal_ring_size(__u32 max_bindings)
{
	const __u64 record = sizeof(struct xmip6_signal) + 8; /* + the ring's record header */
	__u64 want = (__u64)max_bindings / 4 * record;
	__u32 size = XMIP6_SIGNAL_RING_SIZE;

	while (size < want && size < SIGNAL_RING_MAX)
		size <<= 1;
	return size;
}

/*
 * What is already pinned decides: a pin directory serves one role, and its
 * bindings map keeps its size (libbpf refuses to reuse a map whose size
 * differs, and resizing would lose the bindings).
 */
static int check_pinned_instance(const char *pin_dir, const struct dp_attach_opts *opts,
				 __u32 *max_entries, __u32 *ring_size, bool *fresh)
{
	struct xmip6_config cfg;
	struct bpf_map_info info;
	struct addr6_buf b1, b2;
	int fd, err;

	*max_entries = opts->max_bindings
			       ?: (opts->role == XMIP6_ROLE_MN ? XMIP6_MN_BINDINGS
							       : XMIP6_BINDINGS_DEFAULT);
	*fresh = true;

	fd = dp_pinned_map_open(pin_dir, DP_MAP_BINDINGS, &info);
	if (fd >= 0) {
		close(fd);
		*fresh = false;
		if (opts->max_bindings && opts->max_bindings != info.max_entries) {
			char why[PATH_MAX + 160];

			dp_bindings_resize_refusal(why, sizeof(why), pin_dir, info.max_entries,
						   opts->max_bindings);
			pr_err("%s", why);
			return -EEXIST;
		}
		*max_entries = info.max_entries;
	} else if (fd != -ENOENT) {
		return fd;
	}

	/* The counters of an older xmip6 (a hash by home address): libbpf
	 * would say "mismatch" alone; this says what to do. */
	fd = dp_pinned_map_open(pin_dir, DP_MAP_BINDING_CTR, &info);
	if (fd >= 0)
		close(fd);
	else if (fd != -ENOENT)
		return fd;

	fd = dp_pinned_map_open(pin_dir, DP_MAP_STATS, &info);
	if (fd >= 0) {
		close(fd);
		*fresh = false;
	} else if (fd != -ENOENT) {
		return fd;
	}

	/* libbpf would refuse a ring of another size with a bare "mismatch":
	 * a pinned ring keeps its size (one pinned by an older xmip6 too). */
	*ring_size = signal_ring_size(*max_entries);
	fd = dp_pinned_map_open(pin_dir, DP_MAP_SIGNAL, &info);
	if (fd >= 0) {
		close(fd);
		*fresh = false;
		*ring_size = info.max_entries;
	} else if (fd != -ENOENT) {
		return fd;
	}

	fd = dp_pinned_map_open(pin_dir, DP_MAP_CONFIG, &info);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	*fresh = false;
	err = dp_config_read_fd(fd, &cfg);
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

int dp_bindings_size(struct xmip6 *skel, __u32 max_entries)
{
	return bpf_map__set_max_entries(skel->maps.bindings, max_entries)
		       ?: bpf_map__set_max_entries(skel->maps.binding_ctl, max_entries)
		       /* Slot 0 is "none" (headers/xmip6.h): one more. */
		       ?: bpf_map__set_max_entries(skel->maps.binding_ctr, max_entries + 1)
		       ?: bpf_map__set_max_entries(skel->maps.binding_slots, max_entries + 1);
}

static struct xmip6 *load_object(const char *pin_dir, const struct dp_attach_opts *opts,
				 __u32 max_entries, __u32 ring_size)
{
	enum xmip6_role role = opts->role;
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

	skel->rodata->cfg_binding_counters = !opts->binding_counters_off;
	/* Only the role's programs: the other role's need not even verify. */
	bpf_program__set_autoload(skel->progs.xdp_ha, ha);
	bpf_program__set_autoload(skel->progs.tc_ha_egress, ha);
	bpf_program__set_autoload(skel->progs.xdp_mn, mn);
	bpf_program__set_autoload(skel->progs.tc_mn_egress, mn);
	bpf_program__set_autoload(skel->progs.xdp_cn, cn);
	bpf_program__set_autoload(skel->progs.tc_cn_egress, cn);

	err = dp_bindings_size(skel, max_entries)
		      ?: bpf_map__set_max_entries(skel->maps.signal, ring_size);
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
		if (!dp_path_join(path, sizeof(path), "%s/%s", pin_dir, dp_map_specs[i].name))
			unlink(path);
	if (!dp_path_join(path, sizeof(path), "%s/%s", pin_dir, XMIP6_LINK_DIR))
		rmdir(path);
	rmdir(pin_dir);
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
	__u32 max_entries, ring_size;
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

	err = dp_pin_dir_prepare(pin_dir)
		      ?: check_pinned_instance(pin_dir, opts, &max_entries, &ring_size, &fresh);
	if (err)
		return err;

	skel = load_object(pin_dir, opts, max_entries, ring_size);
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
	/* Except this one, which says what was just loaded. */
	cfg.flags &= ~XMIP6_CFG_F_NO_BCTR;
	if (opts->binding_counters_off)
		cfg.flags |= XMIP6_CFG_F_NO_BCTR;
	err = dp_config_write_fd(bpf_map__fd(skel->maps.config), &cfg)
		      ?: dp_instance_map_ids(pin_dir, owner_ids)
		      ?: dp_if_mac_update(pin_dir, ifname, ifindex);
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

	xdp_new = dp_link_attach_xdp(pin_dir, ifname, ifindex, bpf_program__fd(xdp_prog),
				     opts->xdp_mode);
	if (xdp_new < 0) {
		err = xdp_new;
		goto out_destroy;
	}
	tc_new = dp_link_attach_tc(pin_dir, ifname, ifindex, bpf_program__fd(tc_prog), owner_ids);
	if (tc_new < 0) {
		err = tc_new;
		if (xdp_new)
			dp_link_detach_new(pin_dir, ifname, DP_HOOK_XDP);
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

int dp_iface_follow(const char *pin_dir, const char *ifname, int *ifindex,
		    const struct dp_attach_opts *opts)
{
	int now = (int)if_nametoindex(ifname);

	if (now == *ifindex)
		return 0;
	if (!now) {
		pr_warn("%s: interface gone (ifindex %d): waiting for it to come back", ifname,
			*ifindex);
		*ifindex = 0;
		return -ENODEV;
	}
	pr_notice("%s: interface (re-)created as ifindex %d: attaching the data plane", ifname,
		  now);
	*ifindex = now;
	if (dp_attach(pin_dir, ifname, opts))
		pr_err("%s: data plane not attached: no service on it", ifname); /* cause logged */
	return 1;
}

/* ---- detach, unload ----------------------------------------------------------------------------- */

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

	err = dp_link_detach(pin_dir, ifname, ifindex, DP_HOOK_TC);
	if (err < 0)
		return err;
	found += err;
	err = dp_link_detach(pin_dir, ifname, ifindex, DP_HOOK_XDP);
	if (err < 0)
		return err;
	found += err;

	if (ifindex && !dp_instance_map_ids(pin_dir, owner_ids) &&
	    dp_legacy_tc_find(ifindex, owner_ids)) {
		err = dp_legacy_tc_detach(ifname, ifindex);
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

/* Does @pin_dir hold anything of an instance? Never unpin in a directory that does not. */
static bool looks_like_instance(const char *pin_dir)
{
	char path[PATH_MAX];
	int i;

	for (i = 0; i < DP_MAP_COUNT; i++)
		if (!dp_path_join(path, sizeof(path), "%s/%s", pin_dir, dp_map_specs[i].name) &&
		    !access(path, F_OK))
			return true;
	return !dp_path_join(path, sizeof(path), "%s/%s", pin_dir, XMIP6_LINK_DIR) &&
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

	if (!dp_instance_map_ids(pin_dir, owner_ids))
		dp_legacy_tc_unload(owner_ids);

	err = dp_links_unload(pin_dir);
	if (err) {
		pr_err("%s/%s: %s", pin_dir, XMIP6_LINK_DIR, strerror(-err));
		return err;
	}

	for (i = 0; i < DP_MAP_COUNT; i++) {
		err = dp_path_join(path, sizeof(path), "%s/%s", pin_dir, dp_map_specs[i].name);
		if (err)
			return err;
		err = dp_unlink_pin(path);
		if (err)
			return err;
	}
	err = dp_replay_unpin(pin_dir);
	if (err)
		return err;

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
