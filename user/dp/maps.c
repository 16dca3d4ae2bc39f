// SPDX-License-Identifier: GPL-2.0
/*
 * maps.c - the maps of an open instance (dp_open()): config, bindings,
 * route optimisation and peers, counters, and the HA's admission list.
 * Every call works on the pinned maps themselves, so xmip6d and xmip6ctl
 * see and change the same state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp/internal.h"
#include "common/util.h"
#include "mip6.h"

#define XMIP6_STAT_DESC(name, desc) {#name, desc},
const struct dp_stat_desc dp_stat_descs[XMIP6_STAT_COUNT] = {XMIP6_STATS(XMIP6_STAT_DESC)};
#undef XMIP6_STAT_DESC

/* ---- config ---------------------------------------------------------------------------------- */

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

int dp_config_read(const struct xmip6_dp *dp, struct xmip6_config *cfg)
{
	return dp_config_read_fd(dp->config_fd, cfg);
}

int dp_config_set_flags(const struct xmip6_dp *dp, __u32 flags)
{
	struct xmip6_config cfg;
	int err;

	/* Only dp_attach() writes the entry too, and it sets all of it. */
	err = dp_config_read_fd(dp->config_fd, &cfg);
	if (err)
		return err;
	cfg.flags = flags;
	return dp_config_write_fd(dp->config_fd, &cfg);
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

int dp_binding_addrs_check(const struct in6_addr *hoa, const struct xmip6_binding *b)
{
	return check_binding_addr("home address", hoa) ?:
	       check_binding_addr("care-of address", &b->care_of_addr) ?:
	       check_binding_addr("home agent address", &b->ha_addr);
}

/* The two halves of @b (headers/xmip6.h), and @b from them. */
void dp_binding_split(const struct xmip6_binding *b, struct xmip6_binding_fwd *fwd,
		      struct xmip6_binding_ctl *ctl)
{
	*fwd = (struct xmip6_binding_fwd){
		.care_of_addr = b->care_of_addr,
		.ha_addr = b->ha_addr,
		.expires_ns = b->expires_ns,
		.tunnel_mtu_expires_ns = b->tunnel_mtu_expires_ns,
		.tunnel_mtu = b->tunnel_mtu,
		.coa_ifindex = b->coa_ifindex,
		.flags = b->flags,
		.ctr_slot = b->ctr_slot,
	};
	*ctl = (struct xmip6_binding_ctl){
		.registered_ns = b->registered_ns,
		.created_ns = b->created_ns,
		.auth_timestamp = b->auth_timestamp,
		.lifetime_s = b->lifetime_s,
		.sequence = b->sequence,
	};
}

void dp_binding_join(const struct xmip6_binding_fwd *fwd, const struct xmip6_binding_ctl *ctl,
		     struct xmip6_binding *b)
{
	*b = (struct xmip6_binding){
		.care_of_addr = fwd->care_of_addr,
		.ha_addr = fwd->ha_addr,
		.expires_ns = fwd->expires_ns,
		.registered_ns = ctl->registered_ns,
		.lifetime_s = ctl->lifetime_s,
		.sequence = ctl->sequence,
		.flags = fwd->flags,
		.tunnel_mtu = fwd->tunnel_mtu,
		.coa_ifindex = fwd->coa_ifindex,
		.tunnel_mtu_expires_ns = fwd->tunnel_mtu_expires_ns,
		.auth_timestamp = ctl->auth_timestamp,
		.created_ns = ctl->created_ns,
		.ctr_slot = fwd->ctr_slot,
	};
}

/*
 * The counter slot of @hoa's binding as it is about to be written: the one
 * it has (zeroed again for a new registration: created now), else a fresh
 * one (bctr.c). *@claimed says that a failed write must give it back.
 */
static int binding_slot(const struct xmip6_dp *dp, const struct in6_addr *hoa,
			const struct xmip6_binding *b, __u32 *slot, bool *claimed)
{
	struct xmip6_binding_fwd old;

	*claimed = false;
	*slot = 0;
	if (!dp->bctr_on)
		return 0;
	if (!bpf_map_lookup_elem(dp->bindings_fd, hoa, &old) && old.ctr_slot) {
		*slot = old.ctr_slot;
		/* A new binding counts from 0, whatever the one before it
		 * (or a packet racing with its delete) left. */
		return b->created_ns == b->registered_ns ? dp_bctr_zero(dp, *slot) : 0;
	}
	/* No free slot found (logged): the binding is made, uncounted
	 * (binding show says off for it), rather than refused. */
	*claimed = !dp_bctr_claim(dp, hoa, slot);
	return 0;
}

static int binding_write(const struct xmip6_dp *dp, const struct in6_addr *hoa,
			 const struct xmip6_binding *b)
{
	struct xmip6_binding_fwd fwd;
	struct xmip6_binding_ctl ctl;
	struct addr6_buf buf;
	bool claimed;
	__u32 slot;
	int err;

	err = dp_binding_addrs_check(hoa, b);
	if (err)
		return err;

	dp_binding_split(b, &fwd, &ctl);
	/* The slot is user space's to give (headers/xmip6.h): what the
	 * caller passes in b->ctr_slot is ignored. */
	err = binding_slot(dp, hoa, b, &slot, &claimed);
	if (err)
		return err;
	fwd.ctr_slot = slot;
	/* The control half first: a binding the data plane forwards with
	 * always has one (both maps have room for max-bindings). */
	if (bpf_map_update_elem(dp->binding_ctl_fd, hoa, &ctl, BPF_ANY) ||
	    bpf_map_update_elem(dp->bindings_fd, hoa, &fwd, BPF_ANY)) {
		err = -errno;
		if (err == -E2BIG)
			pr_err("binding for %s: the table is full (%u bindings)",
			       addr6_str(hoa, &buf), dp->bindings_max);
		else
			pr_err("binding for %s: %s", addr6_str(hoa, &buf), strerror(-err));
		/* A new binding's control half without its forwarding half
		 * would be found by no walk: take it back. */
		if (bpf_map_lookup_elem(dp->bindings_fd, hoa, &fwd))
			bpf_map_delete_elem(dp->binding_ctl_fd, hoa);
		if (claimed)
			dp_bctr_release(dp, hoa, slot);
		return err;
	}
	/* A mobile router's prefixes carry its forwarding half (headers/
	 * xmip6.h "prefixes"): in step with it from here on. */
	if (fwd.flags & XMIP6_BU_F_ROUTER)
		dp_prefix_follow(dp, hoa, &fwd);
	return 0;
}

/* Every write and delete noted once done, whatever became of it (wlog.c). */
int dp_binding_update(const struct xmip6_dp *dp, const struct in6_addr *hoa,
		      const struct xmip6_binding *b)
{
	int err = binding_write(dp, hoa, b);

	dp_wlog_note(hoa);
	return err;
}

static int binding_remove(const struct xmip6_dp *dp, const struct in6_addr *hoa)
{
	struct xmip6_binding_fwd fwd;
	struct addr6_buf buf;
	int err;

	/* The forwarding half first: no packet uses a half-deleted binding;
	 * read as it goes, for its counter slot. */
	if (bpf_map_lookup_and_delete_elem(dp->bindings_fd, hoa, &fwd)) {
		err = -errno;
		if (err == -ENOENT)
			pr_err("no binding for %s", addr6_str(hoa, &buf));
		else
			pr_err("deleting the binding for %s: %s", addr6_str(hoa, &buf),
			       strerror(-err));
		return err;
	}
	if (bpf_map_delete_elem(dp->binding_ctl_fd, hoa) && errno != ENOENT) {
		err = -errno;
		pr_err("deleting the binding for %s: %s", addr6_str(hoa, &buf), strerror(-err));
		return err;
	}
	/* Every way a binding goes (deregistration, expiry, revocation,
	 * xmip6ctl) comes here: its counter slot goes with it (zeroed when
	 * the next binding claims it), and a router's prefixes no longer
	 * carry it (its role removes them next). */
	dp_bctr_release(dp, hoa, fwd.ctr_slot);
	if (fwd.flags & XMIP6_BU_F_ROUTER)
		dp_prefix_follow(dp, hoa, NULL);
	return 0;
}

int dp_binding_delete(const struct xmip6_dp *dp, const struct in6_addr *hoa)
{
	int err = binding_remove(dp, hoa);

	dp_wlog_note(hoa);
	return err;
}

int dp_binding_lookup(const struct xmip6_dp *dp, const struct in6_addr *hoa,
		      struct xmip6_binding *b)
{
	struct xmip6_binding_ctl ctl = {0};
	struct xmip6_binding_fwd fwd;
	struct addr6_buf buf;
	int err;

	if (bpf_map_lookup_elem(dp->bindings_fd, hoa, &fwd)) {
		err = -errno;
		if (err != -ENOENT)
			pr_err("looking up the binding for %s: %s", addr6_str(hoa, &buf),
			       strerror(-err));
		return err;
	}
	/* No control half (written into "bindings" by hand, with bpftool):
	 * a binding nobody registered, all zero. */
	if (bpf_map_lookup_elem(dp->binding_ctl_fd, hoa, &ctl) && errno != ENOENT) {
		err = -errno;
		pr_err("looking up the binding for %s: %s", addr6_str(hoa, &buf), strerror(-err));
		return err;
	}
	dp_binding_join(&fwd, &ctl, b);
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

int dp_binding_walk(const struct xmip6_dp *dp, struct dp_binding_cursor *cur, unsigned int max,
		    dp_binding_cb cb, void *ctx)
{
	static const struct xmip6_binding_ctl no_ctl;
	struct bpf_map_batch_opts opts = {.sz = sizeof(opts)};
	struct in6_addr keys[DP_WALK_MAX];
	struct xmip6_binding_fwd fwd[DP_WALK_MAX];
	struct xmip6_binding b;
	__u32 count, next, i;
	bool end;
	int err;

	if (!cur->started)
		cur->restarted = true;
	count = max < DP_WALK_MAX ? max : DP_WALK_MAX;
	/* Whole buckets a call: -ENOSPC only when one holds more than count. */
	err = bpf_map_lookup_batch(dp->bindings_fd, cur->started ? &cur->batch : NULL, &next, keys,
				   fwd, &count, &opts);
	end = err && errno == ENOENT; /* the last ones came with it */
	if (err && !end) {
		err = -errno;
		pr_err("walking the bindings map: %s", strerror(-err));
		return err;
	}
	for (i = 0; i < count; i++) {
		dp_binding_join(&fwd[i], &no_ctl, &b);
		err = cb(&keys[i], &b, ctx);
		if (err && err != DP_WALK_TAKEN)
			return err; /* the cursor stays: this batch again */
	}
	cur->batch = next;
	cur->started = !end;
	return end ? 1 : 0;
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

static int bindings_flush(const struct xmip6_dp *dp)
{
	struct in6_addr key;
	int n = 0, err;

	/* Always restart from the first key: deleting invalidates the cursor. */
	while (!(err = binding_next_key(dp, NULL, &key))) {
		if ((bpf_map_delete_elem(dp->bindings_fd, &key) && errno != ENOENT) ||
		    (bpf_map_delete_elem(dp->binding_ctl_fd, &key) && errno != ENOENT)) {
			err = -errno;
			pr_err("flushing the bindings: %s", strerror(-err));
			return err;
		}
		n++;
	}
	if (err < 0)
		return err;
	/* Control halves whose forwarding half went behind our back. */
	while (!bpf_map_get_next_key(dp->binding_ctl_fd, NULL, &key))
		if (bpf_map_delete_elem(dp->binding_ctl_fd, &key) && errno != ENOENT)
			break;
	dp_bctr_flush(dp);
	dp_prefix_follow(dp, NULL, NULL);
	return n;
}

int dp_binding_flush(const struct xmip6_dp *dp)
{
	int n = bindings_flush(dp);

	dp_wlog_note_all();
	return n;
}

/* ---- route optimisation ------------------------------------------------------------------- */

static int optional_map_check(int fd, const char *what)
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

	err = optional_map_check(dp->ro_fd, XMIP6_MAP_RO) ?:
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

	err = optional_map_check(dp->ro_fd, XMIP6_MAP_RO);
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

/*
 * Walks a map keyed by struct xmip6_ro_key (-EOPNOTSUPP when the instance
 * has none), handing each value (of @value_size, at most 64 octets) to @cb;
 * stops at @cb's first non-zero return and returns it. Entries deleted
 * meanwhile are skipped.
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
	err = optional_map_check(fd, what);
	if (err)
		return err;
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

	return ro_key_foreach(dp->ro_fd, XMIP6_MAP_RO, sizeof(struct xmip6_ro), ro_walk_ro, &w);
}

int dp_peer_foreach(const struct xmip6_dp *dp, dp_peer_cb cb, void *ctx)
{
	struct ro_walk w = {.peer_cb = cb, .ctx = ctx};

	return ro_key_foreach(dp->peers_fd, XMIP6_MAP_PEERS, sizeof(struct xmip6_peer),
			      ro_walk_peer, &w);
}

int dp_peer_delete(const struct xmip6_dp *dp, const struct xmip6_ro_key *key)
{
	struct addr6_buf b1, b2;
	int err;

	err = optional_map_check(dp->peers_fd, XMIP6_MAP_PEERS);
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

int dp_stats_read(const struct xmip6_dp *dp, struct xmip6_stats *sum)
{
	__u64 *out = (__u64 *)sum;
	struct xmip6_stats *v;
	__u32 zero = 0;
	int ncpus, cpu, err = 0;
	size_t i;

	v = dp_percpu_alloc(sizeof(*v), &ncpus);
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

	v = dp_percpu_alloc(sizeof(*v), &ncpus);
	if (!v)
		return -errno;
	if (bpf_map_update_elem(dp->stats_fd, &zero, v, BPF_ANY)) {
		err = -errno;
		pr_err("clearing the stats map: %s", strerror(-err));
	}
	free(v);
	return err;
}

/* ---- HA signalling admission ("admit") ---------------------------------------------------- */

static int addr_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct in6_addr));
}

/*
 * A million listed nodes (issue 18): written ADMIT_BATCH at a time
 * (BPF_MAP_UPDATE_BATCH), read back the same way; one syscall an element
 * where the kernel has no batches for the map.
 */
#define ADMIT_BATCH 8192

static int admit_write(int fd, const struct in6_addr *addrs, size_t n)
{
	static __u8 ones[ADMIT_BATCH];
	struct bpf_map_batch_opts opts = {.sz = sizeof(opts), .elem_flags = BPF_ANY};
	bool batch = true;
	size_t i = 0;
	__u32 cnt;

	if (!ones[0])
		memset(ones, 1, sizeof(ones));
	while (i < n) {
		cnt = n - i < ADMIT_BATCH ? n - i : ADMIT_BATCH;
		if (batch && !bpf_map_update_batch(fd, &addrs[i], ones, &cnt, &opts)) {
			i += cnt;
			continue;
		}
		if (batch && (errno == EINVAL || errno == ENOTSUP || errno == EOPNOTSUPP)) {
			batch = false;
			continue;
		}
		if (batch || bpf_map_update_elem(fd, &addrs[i], ones, BPF_ANY))
			return -errno;
		i++;
	}
	return 0;
}

/* The keys of the map, into a malloc'ed array (*n of them). */
static int admit_read(int fd, struct in6_addr **out, size_t *n)
{
	struct bpf_map_batch_opts opts = {.sz = sizeof(opts)};
	struct in6_addr *keys = NULL, *grown, key;
	__u8 vals[ADMIT_BATCH];
	size_t cap = 0, len = 0;
	__u32 token, cnt;
	void *in = NULL;
	bool more = true, batch = true;
	int err = 0;

	while (more) {
		if (len + ADMIT_BATCH > cap) {
			cap = cap ? 2 * cap : ADMIT_BATCH;
			grown = realloc(keys, cap * sizeof(*keys));
			if (!grown) {
				err = -ENOMEM;
				break;
			}
			keys = grown;
		}
		if (batch) {
			cnt = ADMIT_BATCH;
			if (bpf_map_lookup_batch(fd, in, &token, keys + len, vals, &cnt, &opts)) {
				if (errno != ENOENT && !len && !in) {
					batch = false; /* no batches for this map here */
					continue;
				}
				if (errno != ENOENT) {
					err = -errno;
					break;
				}
				more = false;
			}
			len += cnt;
			in = &token;
			continue;
		}
		/* One key a call, the first one first. */
		more = !bpf_map_get_next_key(fd, len ? &keys[len - 1] : NULL, &key);
		if (more)
			keys[len++] = key;
	}
	*out = keys;
	*n = len;
	return err;
}

int dp_admit_set(const struct xmip6_dp *dp, const struct in6_addr *addrs, size_t n)
{
	struct in6_addr *sorted = NULL, *keys = NULL, first;
	size_t i, n_keys = 0;
	bool was_empty;
	int err;

	err = optional_map_check(dp->admit_fd, XMIP6_MAP_ADMIT);
	if (err)
		return err;
	if (n > XMIP6_ADMIT_DEFAULT) {
		pr_err("%zu mobile nodes: the %s map holds %u", n, XMIP6_MAP_ADMIT,
		       XMIP6_ADMIT_DEFAULT);
		return -E2BIG;
	}
	/* The new entries first, then the stale ones out: a listed node is
	 * admitted all along. A new instance has none stale. */
	was_empty = bpf_map_get_next_key(dp->admit_fd, NULL, &first) && errno == ENOENT;
	err = admit_write(dp->admit_fd, addrs, n);
	if (err) {
		pr_err("writing the %s map: %s", XMIP6_MAP_ADMIT, strerror(-err));
		return err;
	}
	if (was_empty)
		return 0;
	err = admit_read(dp->admit_fd, &keys, &n_keys);
	if (err) {
		pr_err("reading the %s map: %s", XMIP6_MAP_ADMIT, strerror(-err));
		goto out;
	}
	/* Every listed address is in, and config/ refused duplicates: as many
	 * keys as addresses means none is stale. */
	if (n_keys == n)
		goto out;
	if (n) {
		sorted = malloc(n * sizeof(*sorted));
		if (!sorted) {
			err = -ENOMEM;
			goto out;
		}
		memcpy(sorted, addrs, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), addr_cmp);
	}
	for (i = 0; i < n_keys; i++) {
		if ((!n || !bsearch(&keys[i], sorted, n, sizeof(*sorted), addr_cmp)) &&
		    bpf_map_delete_elem(dp->admit_fd, &keys[i]) && errno != ENOENT) {
			err = -errno;
			pr_err("deleting from the %s map: %s", XMIP6_MAP_ADMIT, strerror(-err));
			break;
		}
	}
out:
	free(sorted);
	free(keys);
	return err;
}

/* ---- next-hop cache generation ("nh_state") ----------------------------------------------- */

int dp_nh_state_read(const struct xmip6_dp *dp, struct xmip6_nh_state *st)
{
	__u32 key = 0;
	int err;

	err = optional_map_check(dp->nh_state_fd, XMIP6_MAP_NH_STATE);
	if (err)
		return err;
	if (bpf_map_lookup_elem(dp->nh_state_fd, &key, st)) {
		err = -errno;
		pr_err("reading the %s map: %s", XMIP6_MAP_NH_STATE, strerror(-err));
	}
	return err;
}

static int nh_state_write(const struct xmip6_dp *dp, const struct xmip6_nh_state *st)
{
	__u32 key = 0;
	int err = 0;

	/* One writer (the daemon); the programs read gen, 4 aligned octets. */
	if (bpf_map_update_elem(dp->nh_state_fd, &key, st, BPF_ANY)) {
		err = -errno;
		pr_err("writing the %s map: %s", XMIP6_MAP_NH_STATE, strerror(-err));
	}
	return err;
}

int dp_nh_bump(const struct xmip6_dp *dp, __u32 flags)
{
	struct xmip6_nh_state st;
	__u32 last;
	int err;

	err = dp_nh_state_read(dp, &st);
	if (err)
		return err;
	/* Never 0, which means off, and never one a slot may still hold: the
	 * slots keep their generation while the cache is off. */
	last = st.gen ?: st.last_gen;
	st.gen = last + 1 ?: 1;
	st.gen_ns = mono_now_ns();
	st.lease_ns = st.gen_ns + XMIP6_NH_LEASE_MS * 1000000ULL;
	st.bumps++;
	st.flags = flags;
	return nh_state_write(dp, &st);
}

int dp_nh_renew(const struct xmip6_dp *dp, unsigned long long now_ns)
{
	struct xmip6_nh_state st;
	int err;

	err = dp_nh_state_read(dp, &st);
	if (err || !st.gen)
		return err;
	/* Pushed forward once half of it has gone: a write every 250 ms. */
	if (st.lease_ns > now_ns + XMIP6_NH_LEASE_MS * 1000000ULL / 2)
		return 0;
	st.lease_ns = now_ns + XMIP6_NH_LEASE_MS * 1000000ULL;
	return nh_state_write(dp, &st);
}

int dp_nh_off(const struct xmip6_dp *dp)
{
	struct xmip6_nh_state st;
	int err;

	err = dp_nh_state_read(dp, &st);
	if (err || !st.gen)
		return err;
	st.last_gen = st.gen;
	st.gen = 0;
	st.lease_ns = 0;
	st.gen_ns = mono_now_ns();
	return nh_state_write(dp, &st);
}
