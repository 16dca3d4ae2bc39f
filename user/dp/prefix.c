// SPDX-License-Identifier: GPL-2.0
/*
 * prefix.c - the home agent's Mobile Network Prefixes ("prefixes" and
 * "prefix_lens": headers/xmip6.h), NEMO Basic Support (RFC 3963): what a
 * mobile router registered, keyed by prefix, naming the router's home
 * address, and the prefix lengths the data plane tries, longest first.
 *
 * A router has a handful of prefixes and the map has no index by router:
 * replacing or removing a router's set walks the map once. Only mobile
 * routers' registrations do it (user/roles/ha_nemo.c), never a host's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "dp/dataplane.h"
#include "dp/internal.h"
#include "common/util.h"

static int prefixes_check(const struct xmip6_dp *dp)
{
	if (dp->prefixes_fd >= 0 && dp->prefix_lens_fd >= 0)
		return 0;
	pr_err("this instance has no %s map (attached by an older xmip6?): re-attach it",
	       XMIP6_MAP_PREFIXES);
	return -EOPNOTSUPP;
}

/* @len into @l, kept unique and longest first; -E2BIG when it is full. */
static int lens_merge(struct xmip6_prefix_lens *l, __u32 len)
{
	__u32 i, j;

	for (i = 0; i < l->n && l->len[i] >= len; i++)
		if (l->len[i] == len)
			return 0;
	if (l->n == XMIP6_PREFIX_LENS_MAX)
		return -E2BIG;
	for (j = l->n; j > i; j--)
		l->len[j] = l->len[j - 1];
	l->len[i] = len;
	l->n++;
	return 0;
}

static int lens_write(const struct xmip6_dp *dp, const struct xmip6_prefix_lens *l)
{
	__u32 zero = 0;

	return bpf_map_update_elem(dp->prefix_lens_fd, &zero, l, BPF_ANY) ? -errno : 0;
}

/* The lengths listed now with those of @p[0..n) added, written first: a
 * new prefix is found as soon as its entry is in. */
static int lens_add(const struct xmip6_dp *dp, const struct xmip6_prefix_key *p, size_t n)
{
	struct xmip6_prefix_lens l = {0}, was;
	__u32 zero = 0;
	size_t i;
	int err = 0;

	if (bpf_map_lookup_elem(dp->prefix_lens_fd, &zero, &l))
		return -errno;
	was = l;
	for (i = 0; i < n && !err; i++)
		err = lens_merge(&l, p[i].prefixlen);
	if (err || !memcmp(&l, &was, sizeof(l)))
		return err;
	return lens_write(dp, &l);
}

int dp_prefix_lens_rebuild(const struct xmip6_dp *dp)
{
	struct xmip6_prefix_key key, *prev = NULL;
	struct xmip6_prefix_lens l = {0};
	int err = 0;

	if (dp->prefixes_fd < 0 || dp->prefix_lens_fd < 0)
		return 0;
	while (!err && !bpf_map_get_next_key(dp->prefixes_fd, prev, &key)) {
		prev = &key;
		err = lens_merge(&l, key.prefixlen);
	}
	if (!err && errno != ENOENT)
		err = -errno;
	err = err ?: lens_write(dp, &l);
	if (err)
		pr_err("the prefix lengths in use: %s", strerror(-err));
	return err;
}

static bool key_in(const struct xmip6_prefix_key *k, const struct xmip6_prefix_key *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i].prefixlen == k->prefixlen && !memcmp(&p[i].prefix, &k->prefix, 16))
			return true;
	return false;
}

/* The keys of @hoa's entries (NULL: every router's), keeping @keep[0..n_keep)
 * (allocated into *@out). */
static int keys_of(const struct xmip6_dp *dp, const struct in6_addr *hoa,
		   const struct xmip6_prefix_key *keep, size_t n_keep,
		   struct xmip6_prefix_key **out, size_t *n_out)
{
	struct xmip6_prefix_key key, *prev = NULL, *list = NULL, *grown;
	struct xmip6_prefix val;
	size_t n = 0, cap = 0;

	while (!bpf_map_get_next_key(dp->prefixes_fd, prev, &key)) {
		prev = &key;
		if (bpf_map_lookup_elem(dp->prefixes_fd, &key, &val) ||
		    (hoa && memcmp(&val.home_addr, hoa, sizeof(*hoa))) ||
		    key_in(&key, keep, n_keep))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			grown = realloc(list, cap * sizeof(*list));
			if (!grown) {
				free(list);
				return -ENOMEM;
			}
			list = grown;
		}
		list[n++] = key;
	}
	if (errno != ENOENT) {
		int err = -errno;

		free(list);
		return err;
	}
	*out = list;
	*n_out = n;
	return 0;
}

static int delete_keys(const struct xmip6_dp *dp, const struct xmip6_prefix_key *k, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (bpf_map_delete_elem(dp->prefixes_fd, &k[i]) && errno != ENOENT)
			return -errno;
	return 0;
}

int dp_prefix_set(const struct xmip6_dp *dp, const struct in6_addr *hoa,
		  const struct xmip6_prefix_key *p, size_t n, __u32 flags)
{
	struct xmip6_prefix val = {.home_addr = *hoa, .flags = flags}, old;
	struct xmip6_prefix_key *stale = NULL;
	struct addr6_buf b;
	size_t i, n_stale = 0;
	bool *added;
	int err;

	/* The router's binding as it stands, if it has one yet (a first
	 * registration writes it after its prefixes: dp_prefix_follow()). */
	if (bpf_map_lookup_elem(dp->bindings_fd, hoa, &val.fwd))
		memset(&val.fwd, 0, sizeof(val.fwd));

	err = prefixes_check(dp) ?: lens_add(dp, p, n);
	if (err) {
		pr_err("prefixes of %s: %s%s", addr6_str(hoa, &b), strerror(-err),
		       err == -E2BIG ? " (too many prefix lengths in use)" : "");
		return err;
	}
	added = calloc(n ? n : 1, sizeof(*added));
	if (!added)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		added[i] = bpf_map_lookup_elem(dp->prefixes_fd, &p[i], &old) != 0;
		if (bpf_map_update_elem(dp->prefixes_fd, &p[i], &val, BPF_ANY)) {
			err = -errno;
			pr_err("prefix %s/%u of %s: %s", addr6_str(&p[i].prefix, &b),
			       p[i].prefixlen, addr6_str(hoa, &(struct addr6_buf){}),
			       strerror(-err));
			break;
		}
	}
	if (err) {
		/* Take back what this call added; the old set stays. */
		while (i--)
			if (added[i])
				bpf_map_delete_elem(dp->prefixes_fd, &p[i]);
		free(added);
		return err;
	}
	free(added);
	err = keys_of(dp, hoa, p, n, &stale, &n_stale) ?: delete_keys(dp, stale, n_stale);
	free(stale);
	if (err)
		pr_err("removing stale prefixes of %s: %s", addr6_str(hoa, &b), strerror(-err));
	return err;
}

/*
 * @fwd for the copy of entry @key, whose copy is @was now: a tunnel MTU the
 * data plane learnt there (bpf/pmtu.h) stays while the care-of address
 * does and the binding brings no lower one.
 */
static void follow_one(const struct xmip6_dp *dp, const struct xmip6_prefix_key *key,
		       struct xmip6_prefix *was, const struct xmip6_binding_fwd *fwd)
{
	struct xmip6_binding_fwd mine = was->fwd;

	if (fwd) {
		was->fwd = *fwd;
		if (mine.tunnel_mtu && !memcmp(&mine.care_of_addr, &fwd->care_of_addr, 16) &&
		    (!fwd->tunnel_mtu || mine.tunnel_mtu < fwd->tunnel_mtu)) {
			was->fwd.tunnel_mtu = mine.tunnel_mtu;
			was->fwd.tunnel_mtu_expires_ns = mine.tunnel_mtu_expires_ns;
		}
	} else {
		memset(&was->fwd, 0, sizeof(was->fwd));
	}
	/* BPF_EXIST: an entry deleted meanwhile stays deleted. */
	if (bpf_map_update_elem(dp->prefixes_fd, key, was, BPF_EXIST) && errno != ENOENT)
		pr_err("prefix %s/%u: its router's binding: %s",
		       addr6_str(&key->prefix, &(struct addr6_buf){}), key->prefixlen,
		       strerror(errno));
}

void dp_prefix_follow(const struct xmip6_dp *dp, const struct in6_addr *hoa,
		      const struct xmip6_binding_fwd *fwd)
{
	struct xmip6_prefix_key *keys = NULL;
	struct xmip6_prefix val;
	size_t n = 0, i;
	int err;

	if (dp->prefixes_fd < 0)
		return; /* an older instance: no prefixes */
	/* The keys first, then the writes. An update puts the new element at
	 * the head of its hash bucket, ahead of the others there: a walk that
	 * wrote as it went met two entries of one bucket again and again,
	 * and the daemon spun (a flush, with thousands of prefixes). */
	err = keys_of(dp, hoa, NULL, 0, &keys, &n);
	if (err) {
		pr_err("the prefixes of a router's binding: %s", strerror(-err));
		return;
	}
	for (i = 0; i < n; i++)
		if (!bpf_map_lookup_elem(dp->prefixes_fd, &keys[i], &val))
			follow_one(dp, &keys[i], &val, fwd);
	free(keys);
}

int dp_prefix_forget(const struct xmip6_dp *dp, const struct in6_addr *hoa)
{
	struct xmip6_prefix_key *mine = NULL;
	struct addr6_buf b;
	size_t n = 0;
	int err;

	if (dp->prefixes_fd < 0)
		return 0; /* an older instance: nothing was registered */
	err = keys_of(dp, hoa, NULL, 0, &mine, &n) ?: delete_keys(dp, mine, n);
	free(mine);
	if (err)
		pr_err("removing the prefixes of %s: %s", addr6_str(hoa, &b), strerror(-err));
	return err;
}

int dp_prefix_delete(const struct xmip6_dp *dp, const struct xmip6_prefix_key *key)
{
	return delete_keys(dp, key, 1);
}

int dp_prefix_foreach(const struct xmip6_dp *dp, dp_prefix_cb cb, void *ctx)
{
	struct xmip6_prefix_key key, *prev = NULL;
	struct xmip6_prefix val;
	int ret;

	if (dp->prefixes_fd < 0)
		return 0;
	while (!bpf_map_get_next_key(dp->prefixes_fd, prev, &key)) {
		prev = &key;
		if (bpf_map_lookup_elem(dp->prefixes_fd, &key, &val))
			continue; /* deleted meanwhile */
		ret = cb(&key, &val, ctx);
		if (ret)
			return ret;
	}
	return errno == ENOENT ? 0 : -errno;
}
