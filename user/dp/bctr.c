// SPDX-License-Identifier: GPL-2.0
/*
 * bctr.c - the per-binding counters (headers/xmip6.h "binding_ctr", a
 * per-CPU array indexed by the binding's ctr_slot, and "binding_slots",
 * who holds each slot): slots claimed for new bindings and released with
 * them (maps.c), and the counters read summed over the CPUs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp/internal.h"
#include "common/util.h"

/*
 * Where this process looks for a free slot first: the slots it released
 * lately, else the one after the last it claimed, starting anywhere (a
 * restarted daemon does not walk the slots its bindings already hold). A
 * hint only: the claim itself is BPF_NOEXIST on "binding_slots", which no
 * two processes (xmip6d and xmip6ctl) win both. At most CLAIM_TRIES
 * candidates a claim: a binding is never held up long for its counters.
 */
#define FREED_MAX   1024
#define CLAIM_TRIES 65536
static __u32 freed[FREED_MAX];
static unsigned int n_freed;
static __u32 next_slot;

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

static bool ctr_zero(const struct xmip6_binding_ctr *c)
{
	return !(c->to_mn_packets | c->to_mn_bytes | c->from_mn_packets | c->from_mn_bytes);
}

int dp_bctr_zero(const struct xmip6_dp *dp, __u32 slot)
{
	struct xmip6_binding_ctr *v;
	int ncpus, err = 0;

	v = dp_percpu_alloc(sizeof(*v), &ncpus);
	if (!v)
		return -errno;
	if (bpf_map_update_elem(dp->binding_ctr_fd, &slot, v, BPF_ANY)) {
		err = -errno;
		pr_err("clearing counter slot %u: %s", slot, strerror(-err));
	}
	free(v);
	return err;
}

/* The next candidate slot, in 1 .. ctr_slots - 1. */
static __u32 slot_candidate(const struct xmip6_dp *dp)
{
	__u32 slot;

	if (n_freed)
		return freed[--n_freed];
	/* Not where the last process started: that is where its claims are. */
	if (!next_slot)
		next_slot = 1 + ((__u32)getpid() * 2654435761U ^ (__u32)time(NULL)) %
					(dp->ctr_slots - 1);
	slot = next_slot++;
	if (slot == 0 || slot >= dp->ctr_slots) {
		slot = 1;
		next_slot = 2;
	}
	return slot;
}

int dp_bctr_claim(const struct xmip6_dp *dp, const struct in6_addr *hoa, __u32 *slot)
{
	struct addr6_buf buf;
	__u32 tries, s;
	int err;

	*slot = 0;
	if (!dp->bctr_on || dp->ctr_slots < 2)
		return 0;
	for (tries = 0; tries < CLAIM_TRIES && tries < dp->ctr_slots + FREED_MAX; tries++) {
		s = slot_candidate(dp);
		if (!bpf_map_update_elem(dp->binding_slot_fd, &s, hoa, BPF_NOEXIST)) {
			err = dp_bctr_zero(dp, s);
			if (err) {
				bpf_map_delete_elem(dp->binding_slot_fd, &s);
				return err;
			}
			*slot = s;
			return 0;
		}
		if (errno != EEXIST)
			break;
	}
	err = errno == EEXIST ? -ENOSPC : -errno;
	pr_warn("no counter slot for %s (%s): its traffic is not counted", addr6_str(hoa, &buf),
		strerror(-err));
	return err;
}

void dp_bctr_release(const struct xmip6_dp *dp, const struct in6_addr *hoa, __u32 slot)
{
	struct in6_addr owner;

	if (!slot || dp->binding_slot_fd < 0)
		return;
	/* Only our own: a slot a racing writer took since is theirs. */
	if (bpf_map_lookup_elem(dp->binding_slot_fd, &slot, &owner) ||
	    memcmp(&owner, hoa, sizeof(owner)))
		return;
	if (bpf_map_delete_elem(dp->binding_slot_fd, &slot))
		return;
	if (n_freed < FREED_MAX)
		freed[n_freed++] = slot;
}

void dp_bctr_flush(const struct xmip6_dp *dp)
{
	__u32 key;

	if (dp->binding_slot_fd < 0)
		return;
	/* From the first key each time: deleting invalidates the cursor. */
	while (!bpf_map_get_next_key(dp->binding_slot_fd, NULL, &key))
		if (bpf_map_delete_elem(dp->binding_slot_fd, &key) && errno != ENOENT)
			break;
	n_freed = 0;
	next_slot = 1;
}

int dp_bctr_read(const struct xmip6_dp *dp, const struct xmip6_binding *b,
		 struct xmip6_binding_ctr *sum)
{
	struct xmip6_binding_ctr *v;
	__u32 slot = b->ctr_slot;
	int ncpus, err = 0;

	memset(sum, 0, sizeof(*sum));
	if (!dp->bctr_on || !slot)
		return 1;
	v = dp_percpu_alloc(sizeof(*v), &ncpus);
	if (!v)
		return -errno;
	if (!bpf_map_lookup_elem(dp->binding_ctr_fd, &slot, v)) {
		ctr_sum(v, ncpus, sum);
	} else {
		err = errno == ENOENT ? 1 : -errno; /* ENOENT: beyond the array */
		if (err < 0)
			pr_err("reading counter slot %u: %s", slot, strerror(-err));
	}
	free(v);
	return err;
}

/* The slots [@first, @first + *@n) into @vals (ncpus values each), by batch. */
static int ctr_batch(const struct xmip6_dp *dp, __u32 first, __u32 *n, __u32 *keys,
		     struct xmip6_binding_ctr *vals)
{
	DECLARE_LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u32 in = first, out;
	int err;

	/* in_batch is where the last batch stopped: the previous index. */
	err = bpf_map_lookup_batch(dp->binding_ctr_fd, first ? &in : NULL, &out, keys, vals, n,
				   &opts);
	if (err && errno != ENOENT)
		return -errno;
	return 0;
}

int dp_bctr_foreach(const struct xmip6_dp *dp, dp_bctr_cb cb, void *ctx)
{
	const __u32 chunk = 1024;
	struct xmip6_binding_ctr *vals = NULL, sum;
	__u32 *keys = NULL, first = 0, n, i;
	struct in6_addr hoa;
	int ncpus, err = 0;

	if (!dp->bctr_on)
		return 0;
	ncpus = libbpf_num_possible_cpus();
	if (ncpus < 0)
		return ncpus;
	keys = calloc(chunk, sizeof(*keys));
	vals = calloc((size_t)chunk * ncpus, sizeof(*vals));
	if (!keys || !vals) {
		err = -ENOMEM;
		goto out;
	}
	while (!err && first < dp->ctr_slots) {
		n = chunk;
		err = ctr_batch(dp, first, &n, keys, vals);
		if (err) {
			pr_err("reading the %s map: %s", XMIP6_MAP_BINDING_CTR, strerror(-err));
			break;
		}
		if (!n)
			break;
		for (i = 0; i < n && !err; i++) {
			ctr_sum(vals + (size_t)i * ncpus, ncpus, &sum);
			/* Traffic only; a slot nobody holds any more is no binding's. */
			if (ctr_zero(&sum) ||
			    bpf_map_lookup_elem(dp->binding_slot_fd, &keys[i], &hoa))
				continue;
			err = cb(&hoa, &sum, ctx);
		}
		first = keys[n - 1];
		if (n < chunk)
			break;
	}
out:
	free(keys);
	free(vals);
	return err;
}
