/* SPDX-License-Identifier: GPL-2.0 */
/*
 * internal.h - what the files of user/dp/ share among themselves: paths
 * under the pin directory, the specs of the pinned maps, and the pieces of
 * attaching that attach.c puts together. The API for the rest of xmip6 is
 * dataplane.h; nothing outside user/dp/ includes this file.
 *
 *	pin.c        the pin directory: paths, bpffs, the pinned maps, dp_open()
 *	link.c       pinned BPF links (XDP, tcx): create, update, detach, list
 *	tc_legacy.c  the clsact filter that stands in for tcx on older kernels
 *	attach.c     dp_attach(), dp_detach(), dp_unload(): an instance as a whole
 *	maps.c       reading and writing the maps of an open instance
 *	refresh.c    binding refreshes written in batches (dp_refresh_queue)
 *	wlog.c       when this process last wrote each binding (dp_wlog_note)
 *	mr.c         a mobile router's prefixes ("mr_prefixes")
 *	prefix.c     the home agent's Mobile Network Prefixes (NEMO)
 *	view.c       the maps' entries as JSON (view.h; dataplane.h alone)
 *
 * Conventions as in dataplane.h: 0 or -errno, failures logged once where
 * they happen. libbpf option structs are spelled out rather than made with
 * LIBBPF_OPTS(): the same zero-filled struct with .sz set, but visible to
 * cppcheck.
 */
#ifndef XMIP6_DP_INTERNAL_H
#define XMIP6_DP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/bpf.h>

#include "dp/dataplane.h"

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

/* ---- pin.c ---------------------------------------------------------------------------------- */

/* snprintf() into @buf; -ENAMETOOLONG (logged) when it does not fit. */
int dp_path_join(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A hint to append to the message of an error on @path ("" when none). */
const char *dp_bpffs_hint(int err, const char *path);
bool dp_is_dot_entry(const char *name);
/* unlink(), a missing file being fine; other failures logged. */
int dp_unlink_pin(const char *path);
/* Make sure @pin_dir and its links/ exist on bpffs (mounting it when missing). */
int dp_pin_dir_prepare(const char *pin_dir);

enum dp_map {
	DP_MAP_BINDINGS,
	DP_MAP_STATS,
	DP_MAP_CONFIG,
	DP_MAP_SIGNAL,	 /* optional: instances of older xmip6 versions have none */
	DP_MAP_RO,	 /* optional, likewise */
	DP_MAP_PEERS,	 /* optional, likewise */
	DP_MAP_ADMIT,	 /* optional, likewise */
	DP_MAP_NEXTHOPS, /* optional, likewise */
	DP_MAP_NH_STATE, /* optional, likewise */
	DP_MAP_BINDING_CTL,
	DP_MAP_BINDING_CTR,  /* optional, likewise */
	DP_MAP_BINDING_SLOT, /* optional, likewise */
	DP_MAP_PREFIXES,     /* optional, likewise */
	DP_MAP_PREFIX_LENS,  /* optional, likewise */
	DP_MAP_MR_PREFIXES,  /* optional, likewise */
	DP_MAP_IF_MACS,	     /* optional, likewise */
	DP_MAP_COUNT,
};

struct dp_map_spec {
	const char *name;
	__u32 type;
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries; /* 0: any */
	bool optional;	   /* dp_open() does without it */
};

extern const struct dp_map_spec dp_map_specs[DP_MAP_COUNT];

/* pin.c: zeroed room for one value of @size octets per possible CPU
 * (*@ncpus), or NULL with errno set (logged). */
void *dp_percpu_alloc(size_t size, int *ncpus);

/*
 * bctr.c: the per-binding counter slots (headers/xmip6.h "binding_ctr",
 * "binding_slots"). dp_bctr_claim() gives @hoa a free slot with its
 * counters at zero (0 when the instance counts nothing, or -errno, logged:
 * none free among the candidates it tries);
 * dp_bctr_zero() zeroes a slot's counters; dp_bctr_release() frees @slot
 * if @hoa holds it; dp_bctr_flush() frees them all.
 */
int dp_bctr_claim(const struct xmip6_dp *dp, const struct in6_addr *hoa, __u32 *slot);
int dp_bctr_zero(const struct xmip6_dp *dp, __u32 slot);
void dp_bctr_release(const struct xmip6_dp *dp, const struct in6_addr *hoa, __u32 slot);
void dp_bctr_flush(const struct xmip6_dp *dp);

/*
 * maps.c: a binding's two halves (headers/xmip6.h) from the whole (the way
 * back is dataplane.h's dp_binding_join()), and the check of its addresses
 * that every write makes (-EINVAL, logged).
 */
void dp_binding_split(const struct xmip6_binding *b, struct xmip6_binding_fwd *fwd,
		      struct xmip6_binding_ctl *ctl);
int dp_binding_addrs_check(const struct in6_addr *hoa, const struct xmip6_binding *b);

/*
 * prefix.c: the copy of mobile router @hoa's forwarding half that each of
 * its "prefixes" entries carries (headers/xmip6.h), rewritten as @fwd
 * (NULL: emptied, the binding gone) by every write and delete of the
 * binding (maps.c); @hoa NULL: every router's (a flush). The matching keys
 * are read first, then written; a failure to read them is logged and leaves
 * the copies as they were.
 */
void dp_prefix_follow(const struct xmip6_dp *dp, const struct in6_addr *hoa,
		      const struct xmip6_binding_fwd *fwd);

/*
 * Open PIN_DIR/<map>. Returns the fd, -ENOENT silently when it is not
 * pinned, or another logged -errno, e.g. when an older or newer xmip6 left
 * a map of another layout there (libbpf would only say "mismatch").
 */
int dp_pinned_map_open(const char *pin_dir, enum dp_map map, struct bpf_map_info *info);
int dp_config_read_fd(int fd, struct xmip6_config *cfg);
int dp_config_write_fd(int fd, const struct xmip6_config *cfg);
/*
 * Ids of the instance's maps (0 when not pinned); -ENOENT when none is. A
 * program that uses one of them belongs to the instance: that is how legacy
 * tc filters, which have no pin, are recognised.
 */
int dp_instance_map_ids(const char *pin_dir, __u32 ids[DP_MAP_COUNT]);

/* Name of program @prog_id (@name may be NULL), and whether it uses one of the maps @owner_ids. */
int dp_prog_describe(__u32 prog_id, const __u32 owner_ids[DP_MAP_COUNT],
		     char name[BPF_OBJ_NAME_LEN], bool *owned);

/* ---- link.c --------------------------------------------------------------------------------- */
/*
 * XDP and TC egress of @ifname: the pinned link's program is replaced when
 * there is one, else a new link is made and pinned. Return 1 when a new
 * link was made (to roll back with dp_link_detach_new()), 0 when one was
 * updated, or -errno.
 */
int dp_link_attach_xdp(const char *pin_dir, const char *ifname, unsigned int ifindex, int prog_fd,
		       enum dp_xdp_mode mode);
int dp_link_attach_tc(const char *pin_dir, const char *ifname, unsigned int ifindex, int prog_fd,
		      const __u32 owner_ids[DP_MAP_COUNT]);
void dp_link_detach_new(const char *pin_dir, const char *ifname, enum dp_hook hook);
/* Returns 1 when a pinned link was removed, 0 when there was none, or -errno. */
int dp_link_detach(const char *pin_dir, const char *ifname, unsigned int ifindex,
		   enum dp_hook hook);
/* Detach and unpin every link under PIN_DIR/links, whatever netns it is in. */
int dp_links_unload(const char *pin_dir);

/* ---- tc_legacy.c ---------------------------------------------------------------------------- */

/* The legacy clsact egress filter of this instance on @ifindex: its prog id, or 0. */
__u32 dp_legacy_tc_find(unsigned int ifindex, const __u32 owner_ids[DP_MAP_COUNT]);
int dp_legacy_tc_attach(const char *ifname, unsigned int ifindex, int prog_fd);
int dp_legacy_tc_detach(const char *ifname, unsigned int ifindex);
/* Legacy filters have no pin: look for the instance's programs on every interface. */
void dp_legacy_tc_unload(const __u32 owner_ids[DP_MAP_COUNT]);
/* dp_link_foreach() for the legacy filters of @dp's programs. */
int dp_legacy_tc_foreach(const struct xmip6_dp *dp, dp_link_cb cb, void *ctx);

#endif /* XMIP6_DP_INTERNAL_H */
