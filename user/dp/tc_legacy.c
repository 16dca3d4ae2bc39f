// SPDX-License-Identifier: GPL-2.0
/*
 * tc_legacy.c - TC egress on kernels without tcx (< 6.6): a clsact egress
 * filter, which has no link to pin. A fixed handle/priority pair lets
 * detach find it again; its program using one of the instance's maps says
 * whose it is (dp_instance_map_ids()).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>

#include <bpf/libbpf.h>

#include "dp/internal.h"
#include "common/util.h"

/*
 * Both spell "m6", to stay out of the way of filters added by hand
 * (usually handle 1, pref 1..49152).
 */
#define DP_TC_HANDLE   0x6d36
#define DP_TC_PRIORITY 0x6d36

/* The instance's filter on @ifindex: clsact egress, our handle and priority. */
static void filter_spec(unsigned int ifindex, struct bpf_tc_hook *hook, struct bpf_tc_opts *opts)
{
	memset(hook, 0, sizeof(*hook));
	hook->sz = sizeof(*hook);
	hook->ifindex = ifindex;
	hook->attach_point = BPF_TC_EGRESS;
	memset(opts, 0, sizeof(*opts));
	opts->sz = sizeof(*opts);
	opts->handle = DP_TC_HANDLE;
	opts->priority = DP_TC_PRIORITY;
}

__u32 dp_legacy_tc_find(unsigned int ifindex, const __u32 owner_ids[DP_MAP_COUNT])
{
	struct bpf_tc_hook hook;
	struct bpf_tc_opts opts;
	bool ours = false;

	filter_spec(ifindex, &hook, &opts);
	if (bpf_tc_query(&hook, &opts))
		return 0;
	if (dp_prog_describe(opts.prog_id, owner_ids, NULL, &ours) || !ours)
		return 0;
	return opts.prog_id;
}

int dp_legacy_tc_detach(const char *ifname, unsigned int ifindex)
{
	struct bpf_tc_hook hook;
	struct bpf_tc_opts opts;
	int err;

	filter_spec(ifindex, &hook, &opts);
	/* The clsact qdisc stays: other filters may hang off it. */
	err = bpf_tc_detach(&hook, &opts);
	if (err && err != -ENOENT) {
		pr_err("%s: removing the legacy tc egress filter failed: %s", ifname,
		       strerror(-err));
		return err;
	}
	return 0;
}

int dp_legacy_tc_attach(const char *ifname, unsigned int ifindex, int prog_fd)
{
	struct bpf_tc_hook hook;
	struct bpf_tc_opts opts;
	int err;

	filter_spec(ifindex, &hook, &opts);
	opts.prog_fd = prog_fd;
	opts.flags = BPF_TC_F_REPLACE;
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

void dp_legacy_tc_unload(const __u32 owner_ids[DP_MAP_COUNT])
{
	struct if_nameindex *ifs, *i;

	ifs = if_nameindex();
	if (!ifs)
		return;
	for (i = ifs; i->if_index; i++)
		if (dp_legacy_tc_find(i->if_index, owner_ids))
			dp_legacy_tc_detach(i->if_name, i->if_index);
	if_freenameindex(ifs);
}

int dp_legacy_tc_foreach(const struct xmip6_dp *dp, dp_link_cb cb, void *ctx)
{
	struct if_nameindex *ifs, *i;
	struct dp_link_info li;
	int err = 0;

	ifs = if_nameindex();
	if (!ifs)
		return 0;
	for (i = ifs; i->if_index && !err; i++) {
		memset(&li, 0, sizeof(li));
		li.prog_id = dp_legacy_tc_find(i->if_index, dp->map_ids);
		if (!li.prog_id)
			continue;
		li.hook = DP_HOOK_TC;
		li.legacy_tc = true;
		li.ifindex = i->if_index;
		snprintf(li.ifname, sizeof(li.ifname), "%s", i->if_name);
		dp_prog_describe(li.prog_id, NULL, li.prog_name, NULL);
		err = cb(&li, ctx);
	}
	if_freenameindex(ifs);
	return err;
}
