// SPDX-License-Identifier: GPL-2.0
/*
 * mr.c - a mobile router's Mobile Network Prefixes in the data plane
 * ("mr_prefixes", an LPM trie: headers/xmip6.h, bpf/mr.h). See
 * dataplane.h.
 */
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>

#include "dp/internal.h"
#include "common/util.h"

/* Every entry out: the prefixes are the configuration's, written whole. */
static int mr_prefixes_clear(int fd)
{
	struct xmip6_mr_prefix_key key;
	int err;

	while (!bpf_map_get_next_key(fd, NULL, &key)) {
		if (bpf_map_delete_elem(fd, &key)) {
			err = -errno;
			pr_err("%s: deleting an entry: %s", XMIP6_MAP_MR_PREFIXES, strerror(-err));
			return err;
		}
	}
	return 0;
}

int dp_mr_prefixes_set(const struct xmip6_dp *dp, const struct dp_mr_prefix *p, int n,
		       const struct in6_addr *hoa)
{
	struct xmip6_mr_prefix_key key;
	struct addr6_buf b;
	int i, err;

	if (dp->mr_prefixes_fd < 0) {
		pr_err("this instance has no %s map (attached by an older xmip6?): re-attach it",
		       XMIP6_MAP_MR_PREFIXES);
		return -EOPNOTSUPP;
	}
	if (n < 0 || n > XMIP6_MR_PREFIXES_MAX)
		return -EINVAL;
	err = mr_prefixes_clear(dp->mr_prefixes_fd);
	for (i = 0; !err && i < n; i++) {
		memset(&key, 0, sizeof(key));
		key.prefixlen = p[i].len;
		key.prefix = p[i].prefix;
		if (bpf_map_update_elem(dp->mr_prefixes_fd, &key, hoa, BPF_ANY)) {
			err = -errno;
			pr_err("%s: %s/%u: %s", XMIP6_MAP_MR_PREFIXES, addr6_str(&p[i].prefix, &b),
			       p[i].len, strerror(-err));
		}
	}
	return err;
}
