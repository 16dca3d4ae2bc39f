// SPDX-License-Identifier: GPL-2.0
/*
 * ro_maps.c - route optimisation's flag, "peers" and "ro" maps, and the
 * policy of which correspondents. See ro_maps.h.
 */
#include <string.h>

#include "common/util.h"
#include "dp/dataplane.h"
#include "roles/ro_maps.h"

#define NSEC_PER_SEC 1000000000ULL

int ro_maps_flag(struct xmip6_dp *dp, bool on)
{
	struct xmip6_config c;
	__u32 flags;
	int err;

	err = dp_config_read(dp, &c);
	if (err)
		return err;
	flags = on ? c.flags | XMIP6_CFG_F_SIGNAL | XMIP6_CFG_F_RO : c.flags & ~XMIP6_CFG_F_RO;
	if (flags == c.flags)
		return 0;
	return dp_config_set_flags(dp, flags);
}

/* ---- the "ro" map ------------------------------------------------------------------------ */

int ro_maps_write(struct xmip6_dp *dp, const struct in6_addr *hoa, const struct in6_addr *peer,
		  const struct in6_addr *coa, __u32 granted_s, __u16 seq, unsigned long long now)
{
	struct xmip6_ro_key key = {.home_addr = *hoa, .peer_addr = *peer};
	struct xmip6_ro v = {
		.care_of_addr = *coa,
		.expires_ns = now + (unsigned long long)granted_s * NSEC_PER_SEC,
		.registered_ns = now,
		.lifetime_s = granted_s,
		.sequence = seq,
		.flags = XMIP6_BU_F_ACK,
	};

	return dp_ro_update(dp, &key, &v);
}

int ro_maps_delete(struct xmip6_dp *dp, const struct in6_addr *hoa, const struct in6_addr *peer)
{
	struct xmip6_ro_key key = {.home_addr = *hoa, .peer_addr = *peer};

	return dp_ro_delete(dp, &key);
}

/* A batch of map keys: walking a map while deleting from it is not safe. */
struct key_batch {
	struct xmip6_ro_key keys[RO_MAPS_PEER_BATCH];
	int n;
};

/* 1 (stop the walk) once the batch is full. */
static int batch_add(struct key_batch *b, const struct xmip6_ro_key *key)
{
	if (b->n == RO_MAPS_PEER_BATCH)
		return 1;
	b->keys[b->n++] = *key;
	return 0;
}

static int collect_ro(const struct xmip6_ro_key *key, const struct xmip6_ro *v, void *arg)
{
	(void)v;
	return batch_add(arg, key);
}

void ro_maps_flush_stale(struct xmip6_dp *dp)
{
	struct key_batch f;
	int i, rounds, total = 0;

	for (rounds = 0; rounds <= XMIP6_RO_DEFAULT / RO_MAPS_PEER_BATCH; rounds++) {
		f.n = 0;
		if (dp_ro_foreach(dp, collect_ro, &f) < 0 || !f.n)
			break;
		for (i = 0; i < f.n; i++)
			if (!dp_ro_delete(dp, &f.keys[i]))
				total++;
	}
	if (total)
		pr_info("route optimisation: %d entries of a previous run removed", total);
}

/* ---- which correspondents ----------------------------------------------------------------- */

bool ro_policy_allows(const struct config_mn *cfg, const struct in6_addr *peer,
		      const struct in6_addr *ha, const struct in6_addr *hoa,
		      const struct in6_addr *coa)
{
	int i;

	if (cfg->ro_mode == CONFIG_RO_NONE || addr6_unusable_reason(peer) ||
	    IN6_IS_ADDR_LINKLOCAL(peer) || IN6_IS_ADDR_SITELOCAL(peer) ||
	    IN6_ARE_ADDR_EQUAL(peer, ha) || IN6_ARE_ADDR_EQUAL(peer, hoa) ||
	    IN6_ARE_ADDR_EQUAL(peer, coa))
		return false;
	if (cfg->ro_mode == CONFIG_RO_ALL)
		return true;
	for (i = 0; i < cfg->n_ro_peers; i++)
		if (config_prefix_match(&cfg->ro_peers[i], peer))
			return true;
	return false;
}

static int collect_peer(const struct xmip6_ro_key *key, const struct xmip6_peer *peer, void *arg)
{
	(void)peer;
	return batch_add(arg, key);
}

int ro_maps_take_peers(struct xmip6_dp *dp, const struct config_mn *cfg, const struct mn_where *w,
		       struct in6_addr *peers)
{
	struct key_batch s = {.n = 0};
	int i, n = 0, err;

	err = dp_peer_foreach(dp, collect_peer, &s);
	if (err < 0)
		return err;
	for (i = 0; i < s.n; i++) {
		if (!IN6_ARE_ADDR_EQUAL(&s.keys[i].home_addr, &w->home_addr) ||
		    !ro_policy_allows(cfg, &s.keys[i].peer_addr, &w->home_agent, &w->home_addr,
				      &w->care_of_addr))
			continue;
		peers[n++] = s.keys[i].peer_addr;
		dp_peer_delete(dp, &s.keys[i]);
	}
	return n;
}
