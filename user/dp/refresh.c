// SPDX-License-Identifier: GPL-2.0
/*
 * refresh.c - binding refreshes written in batches (dataplane.h,
 * dp_refresh_queue()). A refresh is a write of a binding that exists, so
 * the write cannot fail for room (the hash maps keep spare elements to
 * replace an entry) and needs no counter slot: what is left of
 * dp_binding_update() is two map updates, and the replay map's, which a
 * batch makes three calls for up to DP_REFRESH_BATCH refreshes.
 *
 * The kernel's batch update takes no BPF_EXIST (generic_map_update_batch()
 * allows BPF_F_LOCK alone in elem_flags): a refresh of a binding that
 * `xmip6ctl -p binding del` removed behind the daemon's back, between the
 * lookup and the flush (within one drain), brings it back with the
 * counter slot the delete released, as dp_binding_update() would have
 * brought it back a moment later (with a slot of its own).
 */
#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>

#include "common/util.h"
#include "dp/internal.h"
#include "dp/replay.h"

_Static_assert(DP_REFRESH_BATCH <= DP_REPLAY_BATCH_MAX, "a batch's replay state in one call");

void dp_refresh_init(struct dp_refresh_batch *rb, const struct xmip6_dp *dp, int replay_fd)
{
	memset(rb, 0, sizeof(*rb));
	rb->dp = dp;
	rb->replay_fd = replay_fd;
}

void dp_refresh_open(struct dp_refresh_batch *rb, bool open)
{
	if (!open)
		dp_refresh_flush(rb);
	rb->open = open;
}

/* One map's share of the batch; on a failure the rest one by one, each failure logged. */
static int update_all(int fd, const struct in6_addr *keys, const void *values, size_t value_size,
		      unsigned int n)
{
	struct bpf_map_batch_opts opts = {.sz = sizeof(opts), .elem_flags = BPF_ANY};
	const char *v = values;
	struct addr6_buf buf;
	unsigned int count = n, i;
	int err = 0;

	if (!bpf_map_update_batch(fd, keys, values, &count, &opts))
		return 0;
	/* count: how many went before the one that failed; all of them when
	 * the call was refused as a whole (the kernel left it as it was). */
	for (i = count < n ? count : 0; i < n; i++) {
		if (!bpf_map_update_elem(fd, &keys[i], v + i * value_size, BPF_ANY))
			continue;
		err = err ?: -errno;
		pr_packet(LOG_ERR, "refreshing the binding of %s: %s", addr6_str(&keys[i], &buf),
			  strerror(errno));
	}
	return err;
}

int dp_refresh_flush(struct dp_refresh_batch *rb)
{
	const struct xmip6_dp *dp = rb->dp;
	unsigned int i;
	int err, ret;

	if (!rb->n)
		return 0;
	/* The control half first, as dp_binding_update(): a binding the data
	 * plane forwards with always has one. */
	ret = update_all(dp->binding_ctl_fd, rb->hoa, rb->ctl, sizeof(rb->ctl[0]), rb->n);
	err = update_all(dp->bindings_fd, rb->hoa, rb->fwd, sizeof(rb->fwd[0]), rb->n);
	ret = ret ?: err;
	if (rb->replay_fd >= 0) {
		err = dp_replay_set_batch(rb->replay_fd, rb->hoa, rb->spi, rb->ts, rb->n);
		ret = ret ?: err;
	}
	for (i = 0; i < rb->n; i++)
		dp_wlog_note(&rb->hoa[i]);
	err = ret ?: (int)rb->n;
	rb->n = 0;
	return err;
}

int dp_refresh_queue(struct dp_refresh_batch *rb, const struct in6_addr *hoa,
		     const struct xmip6_binding *b, __u32 spi, __u64 timestamp)
{
	unsigned int k;
	int err;

	err = dp_binding_addrs_check(hoa, b);
	if (err)
		return err;
	if (rb->n == DP_REFRESH_BATCH)
		dp_refresh_flush(rb);
	k = rb->n++;
	rb->hoa[k] = *hoa;
	dp_binding_split(b, &rb->fwd[k], &rb->ctl[k]);
	rb->spi[k] = spi;
	rb->ts[k] = timestamp;
	if (!rb->open) {
		err = dp_refresh_flush(rb);
		return err < 0 ? err : 0;
	}
	return 0;
}

bool dp_refresh_pending(const struct dp_refresh_batch *rb, const struct in6_addr *hoa,
			struct xmip6_binding *b)
{
	unsigned int k;

	/* The newest first: a node refreshed twice in one drain. */
	for (k = rb->n; k--;)
		if (!memcmp(&rb->hoa[k], hoa, sizeof(*hoa))) {
			dp_binding_join(&rb->fwd[k], &rb->ctl[k], b);
			return true;
		}
	return false;
}
