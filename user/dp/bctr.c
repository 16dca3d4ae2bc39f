// SPDX-License-Identifier: GPL-2.0
/*
 * bctr.c - the per-binding counters ("binding_ctr", headers/xmip6.h): read
 * summed over the CPUs, and forgotten with their binding (maps.c calls
 * dp_bctr_forget() wherever a binding goes or a new one comes).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp/internal.h"
#include "common/util.h"

static void ctr_sum(const struct xmip6_binding_ctr *v, int ncpus, struct xmip6_binding_ctr *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for (cpu = 0; cpu < ncpus; cpu++) {
		sum->to_mn_packets += v[cpu].to_mn_packets;
		sum->to_mn_bytes += v[cpu].to_mn_bytes;
		sum->from_mn_packets += v[cpu].from_mn_packets;
		sum->from_mn_bytes += v[cpu].from_mn_bytes;
	}
}

int dp_bctr_read(const struct xmip6_dp *dp, const struct in6_addr *hoa,
		 struct xmip6_binding_ctr *sum)
{
	struct xmip6_binding_ctr *v;
	struct addr6_buf buf;
	int ncpus, err = 0;

	memset(sum, 0, sizeof(*sum));
	if (dp->binding_ctr_fd < 0) /* an instance of an older xmip6: nothing counted */
		return 0;
	v = dp_percpu_alloc(sizeof(*v), &ncpus);
	if (!v)
		return -errno;
	if (!bpf_map_lookup_elem(dp->binding_ctr_fd, hoa, v))
		ctr_sum(v, ncpus, sum);
	else if (errno != ENOENT) { /* ENOENT: no packet yet */
		err = -errno;
		pr_err("reading the counters of %s: %s", addr6_str(hoa, &buf), strerror(-err));
	}
	free(v);
	return err;
}

int dp_bctr_foreach(const struct xmip6_dp *dp, dp_bctr_cb cb, void *ctx)
{
	struct in6_addr key, *prev = NULL;
	struct xmip6_binding_ctr *v, sum;
	int ncpus, err = 0;

	if (dp->binding_ctr_fd < 0)
		return 0;
	v = dp_percpu_alloc(sizeof(*v), &ncpus);
	if (!v)
		return -errno;
	while (!bpf_map_get_next_key(dp->binding_ctr_fd, prev, &key)) {
		prev = &key;
		if (bpf_map_lookup_elem(dp->binding_ctr_fd, &key, v))
			continue; /* deleted meanwhile */
		ctr_sum(v, ncpus, &sum);
		err = cb(&key, &sum, ctx);
		if (err)
			break;
	}
	if (!err && errno != ENOENT) {
		err = -errno;
		pr_err("walking the %s map: %s", XMIP6_MAP_BINDING_CTR, strerror(-err));
	}
	free(v);
	return err;
}

void dp_bctr_forget(const struct xmip6_dp *dp, const struct in6_addr *hoa)
{
	struct addr6_buf buf;

	if (dp->binding_ctr_fd >= 0 && bpf_map_delete_elem(dp->binding_ctr_fd, hoa) &&
	    errno != ENOENT)
		pr_warn("forgetting the counters of %s: %s", addr6_str(hoa, &buf), strerror(errno));
}

void dp_bctr_flush(const struct xmip6_dp *dp)
{
	struct in6_addr key;

	if (dp->binding_ctr_fd < 0)
		return;
	/* From the first key each time: deleting invalidates the cursor. */
	while (!bpf_map_get_next_key(dp->binding_ctr_fd, NULL, &key))
		if (bpf_map_delete_elem(dp->binding_ctr_fd, &key) && errno != ENOENT)
			break;
}
