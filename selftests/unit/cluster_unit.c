// SPDX-License-Identifier: GPL-2.0
/*
 * cluster_unit.c - unit tests of the cluster's schema and rules
 * (user/cluster/codec.c, docs/cluster.md): a kv as etcd's JSON gateway
 * writes it (key and value base64, revisions as strings; the literals
 * were made with Python's base64 and json, not with the code under test)
 * decodes to the binding; what we encode decodes back; keys outside the
 * directory are refused; a mobile router's value carries R, its mode and
 * prefixes (host parts cleared), all 16 at their longest fit, a malformed
 * prefix is refused, a value without them (older) is a host's; and the rules a stored binding applies to a new
 * BU: the sequence number newer modulo 2^16 (RFC 6275 section 9.5.1), the
 * RFC 4285 timestamp newer. And the shared lease's rule (lease.c): a
 * lease never ends before registered + lifetime, at most 5 s after.
 *
 * And the order in which a home agent hears of one key's writes
 * (watch.c, fence.c, reconcile.c), on a simulated map: the answer to its
 * own transaction and the watch's events come on streams of their own, in
 * either order. A watch message as the gateway sends it (several events,
 * a delete with the key alone, a compaction) goes through watch_message();
 * the answer through fence_own_write(), as txn.c's stored() takes it. In
 * every order the map ends at the newest revision: our write never undoes
 * a newer one the watch brought first (another home agent's put, or its
 * delete), an older event never undoes our write, and a full read past our
 * write counts as the watch.
 *
 * Prints TAP lines, exits 1 on any failure.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <json-c/json.h>

#include "cluster/codec.h"
#include "cluster/etcd.h"
#include "cluster/internal.h"
#include "wire/mh.h"
#include "unit.h"

#define DIR "/xmip6/home/bindings/"

static const char kv_json[] =
	"{\"key\":\"L3htaXA2L2hvbWUvYmluZGluZ3MvMjAwMTpkYjg6MTo6MjAx\","
	"\"create_revision\":\"7\",\"mod_revision\":\"12\",\"version\":\"3\","
	"\"lease\":\"7587879546573461508\",\"value\":"
	"\"eyJjYXJlX29mX2FkZHIiOiIyMDAxOmRiODpjOjoxMDAiLCJzZXEiOjY1NTM1LCJ0aW1lc3RhbXAiOiIxNzIwMzky"
	"ODI0NjgwNjk2MTE1MiIsImxpZmV0aW1lIjo0MDAsImZsYWdzIjo0OTE1Miwic3BpIjoyNTcsImhhIjoiMjAwMTpk"
	"Yjg6Zjo6MSIsInJlZ2lzdGVyZWQiOjE3OTY2MTI4ODd9\"}";

/* A router's value as Python's json wrote it: R (0x0400) with A and H, two
 * explicit prefixes, the second with host bits set. */
static const char kv_router_json[] =
	"{\"key\":\"L3htaXA2L2hvbWUvYmluZGluZ3MvMjAwMTpkYjg6MTo6MzAx\",\"mod_revision\":\"3\","
	"\"value\":"
	"\"eyJjYXJlX29mX2FkZHIiOiIyMDAxOmRiODpjOjoxMDAiLCJzZXEiOjksInRpbWVzdGFtcCI6IjAiLCJsaWZldGlt"
	"ZSI6NDAwLCJmbGFncyI6NTAxNzYsInNwaSI6MCwiaGEiOiIyMDAxOmRiODpmOjoxIiwicmVnaXN0ZXJlZCI6MTc5"
	"NjYxMjg4NywibW9kZSI6ImV4cGxpY2l0IiwicHJlZml4ZXMiOlsiMjAwMTpkYjg6MTAwOjovNTYiLCIyMDAxOmRi"
	"ODoyMDA6MTo6NS82NCJdfQ==\"}";

static bool same_addr(struct in6_addr a, const char *s)
{
	struct in6_addr b = a6(s);

	return !memcmp(&a, &b, sizeof(a));
}

static void decode_gateway_kv(void)
{
	struct json_object *kv = json_tokener_parse(kv_json);
	struct cluster_kv k;
	int err = cluster_kv_decode(DIR, kv, &k);

	check(!err, "a gateway kv decodes (%d)", err);
	check(same_addr(k.b.hoa, "2001:db8:1::201"), "home address from the key");
	check(same_addr(k.b.coa, "2001:db8:c::100") && same_addr(k.b.ha, "2001:db8:f::1"),
	      "care_of_addr and ha");
	check(k.b.seq == 65535 && k.b.lifetime_s == 400 && k.b.flags == 0xc000 && k.b.spi == 257,
	      "seq %u lifetime %u flags %#x spi %u", k.b.seq, k.b.lifetime_s, k.b.flags, k.b.spi);
	check(k.b.timestamp == 17203928246806961152ULL, "a 64-bit timestamp beyond 2^63 (%llu)",
	      (unsigned long long)k.b.timestamp);
	check(k.mod_revision == 12 && k.create_revision == 7 && k.lease == 7587879546573461508LL,
	      "revisions and lease from strings (%lld %lld %lld)", k.mod_revision,
	      k.create_revision, k.lease);
	check(cluster_kv_decode("/xmip6/other/bindings/", kv, &k) == -EINVAL,
	      "a key of another cluster's directory is refused");
	json_object_put(kv);
}

static void decode_router_kv(void)
{
	struct json_object *kv = json_tokener_parse(kv_router_json);
	struct cluster_kv k;
	int err = cluster_kv_decode(DIR, kv, &k);

	check(!err && k.b.flags == 0xc400 && !k.b.implicit && k.b.n_mnp == 2,
	      "a router's kv: R, explicit, 2 prefixes (%d %#x %u)", err, k.b.flags, k.b.n_mnp);
	check(k.b.mnp[0].prefixlen == 56 && same_addr(k.b.mnp[0].prefix, "2001:db8:100::") &&
		      k.b.mnp[1].prefixlen == 64 &&
		      same_addr(k.b.mnp[1].prefix, "2001:db8:200:1::"),
	      "its prefixes, host bits cleared");
	json_object_put(kv);
	kv = json_tokener_parse(kv_json);
	cluster_kv_decode(DIR, kv, &k);
	check(!k.b.n_mnp && !(k.b.flags & 0x0400), "a value without them: a host's");
	json_object_put(kv);
}

/* @b encoded, base64'd into a gateway kv, decoded into @k. */
static int via_gateway(const struct cluster_binding *b, struct cluster_kv *k, char *value)
{
	char key[CLUSTER_KEY_MAX], kb[4 * CLUSTER_KEY_MAX / 3 + 8],
		vb[4 * CLUSTER_VALUE_MAX / 3 + 8];
	struct json_object *kv = json_object_new_object();
	char a[INET6_ADDRSTRLEN];
	int err = cluster_value_encode(b, value, CLUSTER_VALUE_MAX);

	inet_ntop(AF_INET6, &b->hoa, a, sizeof(a));
	snprintf(key, sizeof(key), DIR "%s", a);
	etcd_b64(key, strlen(key), kb);
	etcd_b64(value, strlen(value), vb);
	json_object_object_add(kv, "key", json_object_new_string(kb));
	json_object_object_add(kv, "value", json_object_new_string(vb));
	err = err ?: cluster_kv_decode(DIR, kv, k);
	json_object_put(kv);
	return err;
}

static void router_round_trip(void)
{
	struct cluster_binding b;
	char value[CLUSTER_VALUE_MAX];
	struct cluster_kv k;
	int i, same = 0, err;

	/* Every field at its widest: all-ones addresses and numbers. */
	memset(&b, 0xff, sizeof(b));
	b.implicit = 1;
	b.n_mnp = CLUSTER_MNP_MAX;
	for (i = 0; i < CLUSTER_MNP_MAX; i++) {
		b.mnp[i].prefixlen = 128;
		b.mnp[i].prefix = a6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00");
		b.mnp[i].prefix.s6_addr[15] = i;
	}
	err = via_gateway(&b, &k, value);
	for (i = 0; i < CLUSTER_MNP_MAX; i++)
		same += k.b.mnp[i].prefixlen == 128 &&
			!memcmp(&k.b.mnp[i].prefix, &b.mnp[i].prefix, 16);
	check(!err && k.b.implicit && k.b.n_mnp == CLUSTER_MNP_MAX && same == CLUSTER_MNP_MAX,
	      "16 prefixes at their longest fit and come back (%d, %zu octets)", err,
	      strlen(value));
	b.n_mnp = 1;
	b.implicit = 0;
	b.flags &= ~0x0400;
	err = via_gateway(&b, &k, value);
	check(!err && !k.b.n_mnp && !strstr(value, "prefixes"),
	      "a host's value carries no prefixes: %s", value);
}

static void bad_prefix(void)
{
	static const char *const bad[] = {"2001:db8::/0", "2001:db8::/129",
					  "2001:db8::", "2001:db8::/5x", "x/56"};
	char text[CLUSTER_VALUE_MAX], b64[4 * CLUSTER_VALUE_MAX / 3 + 8];
	struct json_object *kv;
	struct cluster_kv k;
	size_t i, refused = 0;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			 "{\"care_of_addr\":\"2001:db8:c::1\",\"ha\":\"2001:db8:f::1\","
			 "\"flags\":50176,\"prefixes\":[\"%s\"]}",
			 bad[i]);
		etcd_b64(text, strlen(text), b64);
		kv = json_object_new_object();
		json_object_object_add(
			kv, "key",
			json_object_new_string("L3htaXA2L2hvbWUvYmluZGluZ3MvMjAwMTpkYjg6MTo6MzAx"));
		json_object_object_add(kv, "value", json_object_new_string(b64));
		refused += cluster_kv_decode(DIR, kv, &k) == -EINVAL;
		json_object_put(kv);
	}
	check(refused == i, "malformed prefixes refused (%zu of %zu)", refused, i);
}

static void round_trip(void)
{
	struct cluster_binding b = {
		.hoa = a6("2001:db8:1::202"),
		.coa = a6("2001:db8:c::101"),
		.seq = 7,
		.timestamp = 0xec00000000000001ULL,
		.lifetime_s = 262140,
		.flags = 0xe000,
		.spi = 4294967295U,
		.ha = a6("2001:db8:f::3"),
		.registered = 1796612887,
	};
	char value[512], key[CLUSTER_KEY_MAX], kb[4 * CLUSTER_KEY_MAX / 3 + 8], vb[700];
	struct json_object *kv = json_object_new_object();
	struct cluster_kv k;
	int err;

	check(!cluster_value_encode(&b, value, sizeof(value)), "encoded: %s", value);
	check(cluster_value_encode(&b, value, 40) == -ENOSPC, "too small a buffer: -ENOSPC");
	cluster_value_encode(&b, value, sizeof(value));
	snprintf(key, sizeof(key), DIR "2001:db8:1::202");
	etcd_b64(key, strlen(key), kb);
	etcd_b64(value, strlen(value), vb);
	json_object_object_add(kv, "key", json_object_new_string(kb));
	json_object_object_add(kv, "value", json_object_new_string(vb));
	err = cluster_kv_decode(DIR, kv, &k);
	check(!err && !memcmp(&k.b.hoa, &b.hoa, 16) && !memcmp(&k.b.coa, &b.coa, 16) &&
		      !memcmp(&k.b.ha, &b.ha, 16) && k.b.seq == b.seq &&
		      k.b.timestamp == b.timestamp && k.b.lifetime_s == b.lifetime_s &&
		      k.b.flags == b.flags && k.b.spi == b.spi && k.b.registered == b.registered,
	      "what we encode decodes to the same binding (%d)", err);
	json_object_put(kv);
}

static void rules(void)
{
	struct cluster_binding cur = {.seq = 65535, .timestamp = 1000};

	check(!cluster_decide(&cur, 0, 1001), "seq 0 after 65535 is newer (modulo 2^16)");
	check(cluster_decide(&cur, 65535, 1001) == MH_BA_SEQ_OUT_OF_WINDOW, "the same seq: 135");
	check(cluster_decide(&cur, 65534, 1001) == MH_BA_SEQ_OUT_OF_WINDOW, "an older seq: 135");
	check(cluster_decide(&cur, 32767 - 1, 1001) == 0, "32766 after 65535: newer");
	check(cluster_decide(&cur, 32767, 1001) == MH_BA_SEQ_OUT_OF_WINDOW,
	      "32767 after 65535 (a difference of 32768): not newer");
	check(cluster_decide(&cur, 1, 1000) == MH_BA_ID_MISMATCH,
	      "a newer seq with the stored timestamp: 144 (RFC 4285 replay)");
	check(cluster_decide(&cur, 1, 999) == MH_BA_ID_MISMATCH, "an older timestamp: 144");
	check(!cluster_decide(&cur, 1, 0), "no timestamp (authentication off): the seq decides");
	cur.timestamp = 0xffffffffffffff00ULL;
	check(!cluster_decide(&cur, 1, 0x10), "timestamps compare by difference across the wrap");
}

/*
 * For registrations at many instants and lifetimes: the lease granted at
 * the registration's instant (or any later one: etcd starts the TTL when it
 * handles the grant) ends at or after t + l, and before t + l + 5 s when
 * the grant is handled at once. Checked with the definitions, in ns.
 */
static void lease_rule(void)
{
	static const __u32 lifetimes[] = {1, 4, 5, 8, 400, 262140};
	const unsigned long long s = 1000000000ULL, base = 12345ULL * s + 678;
	unsigned long long now, end, expiry, d, worst_late = 0, early = 0, n = 0, same = 0;
	long long ttl;
	size_t i;

	for (i = 0; i < sizeof(lifetimes) / sizeof(lifetimes[0]); i++) {
		for (now = base; now < base + 12 * s; now += 37000001ULL) {
			d = lease_deadline_s(now, lifetimes[i]);
			ttl = lease_ttl_s(d, now);
			end = now + lifetimes[i] * s;
			expiry = now + (unsigned long long)ttl * s; /* the earliest grant */
			early += expiry < end || d * s < end;
			if (expiry - end > worst_late)
				worst_late = expiry - end;
			/* Registered 1 s later, one bucket or the next. */
			same += lease_deadline_s(now + s, lifetimes[i]) - d <= 4;
			n++;
		}
	}
	check(!early, "shared lease: never ends before registered + lifetime (%llu of %llu)", early,
	      n);
	check(worst_late < 5 * s, "shared lease: at most 5 s after it (worst %llu ms)",
	      worst_late / 1000000);
	check(same == n, "a registration 1 s later takes the same bucket or the next");
}

/* ---- one key's writes in every order (watch.c, fence.c) ----------------------------------- */

/* The simulated home agent's map: one home address. */
static struct {
	bool present;
	struct in6_addr coa;
	__u16 seq;
} map;

static void map_apply(void *arg, const struct cluster_binding *b)
{
	(void)arg;
	map.present = true;
	map.coa = b->coa;
	map.seq = b->seq;
}

static void map_remove(void *arg, const struct in6_addr *hoa)
{
	(void)arg;
	(void)hoa;
	map.present = false;
}

static int map_each(void *arg, int (*fn)(const struct in6_addr *hoa, void *ctx), void *ctx)
{
	struct in6_addr hoa = a6("2001:db8:1::202");

	(void)arg;
	return map.present ? fn(&hoa, ctx) : 0;
}

static const struct cluster_ops map_ops = {
	.apply = map_apply, .remove = map_remove, .each_local = map_each};

/* "COA SEQ" or "absent", as test_cluster.sh's cl_map says it. */
static const char *map_str(void)
{
	static char out[INET6_ADDRSTRLEN + 8];
	char a[INET6_ADDRSTRLEN];

	if (!map.present)
		return "absent";
	inet_ntop(AF_INET6, &map.coa, a, sizeof(a));
	snprintf(out, sizeof(out), "%s %u", a, map.seq);
	return out;
}

/* A kv as the gateway writes it: base64 key and value, string revisions. */
static struct json_object *gw_kv(const char *coa, __u16 seq, long long rev)
{
	struct cluster_binding b = {
		.hoa = a6("2001:db8:1::202"),
		.coa = a6(coa),
		.seq = seq,
		.lifetime_s = 400,
		.flags = 0xc000,
		.ha = a6("2001:db8:f::1"),
		.registered = 1796612887,
	};
	static const char key[] = DIR "2001:db8:1::202";
	char value[CLUSTER_VALUE_MAX], kb[4 * CLUSTER_KEY_MAX / 3 + 8],
		vb[4 * CLUSTER_VALUE_MAX / 3 + 8], r[24];
	struct json_object *kv = json_object_new_object();

	etcd_b64(key, strlen(key), kb);
	json_object_object_add(kv, "key", json_object_new_string(kb));
	snprintf(r, sizeof(r), "%lld", rev);
	json_object_object_add(kv, "mod_revision", json_object_new_string(r));
	if (!seq)
		return kv; /* a delete: the key alone */
	json_object_object_add(kv, "create_revision", json_object_new_string("3"));
	cluster_value_encode(&b, value, sizeof(value));
	etcd_b64(value, strlen(value), vb);
	json_object_object_add(kv, "value", json_object_new_string(vb));
	return kv;
}

/* A watch message of @n events: {coa, seq, rev}, seq 0 a delete. */
struct gw_event {
	const char *coa;
	__u16 seq;
	long long rev;
};

static void watch_events(struct cluster *c, const struct gw_event *ev, int n)
{
	struct json_object *msg = json_object_new_object(), *res = json_object_new_object(),
			   *events = json_object_new_array(), *e;
	int i;

	for (i = 0; i < n; i++) {
		e = json_object_new_object();
		if (!ev[i].seq)
			json_object_object_add(e, "type", json_object_new_string("DELETE"));
		json_object_object_add(e, "kv", gw_kv(ev[i].coa, ev[i].seq, ev[i].rev));
		json_object_array_add(events, e);
	}
	json_object_object_add(res, "events", events);
	json_object_object_add(msg, "result", res);
	watch_message(c, msg);
	json_object_put(msg);
}

/* Our transaction's answer: stored at @rev; the map written as ha.c's
 * store_done() does, unless followed. */
static bool answer(struct cluster *c, const char *coa, __u16 seq, long long rev)
{
	struct cluster_binding b = {.hoa = a6("2001:db8:1::202"), .coa = a6(coa), .seq = seq};
	struct cluster_kv now = {.b = b, .mod_revision = rev};
	bool write = fence_own_write(c, &b.hoa, rev);

	if (write) {
		map_apply(NULL, &b);
		cache_put(c, &now);
	}
	return write;
}

static long long cached_rev(const struct cluster *c)
{
	struct in6_addr hoa = a6("2001:db8:1::202");
	const struct cluster_kv *kv = cache_get(c, &hoa);

	return kv ? kv->mod_revision : 0;
}

#define COA1 "2001:db8:c::100"
#define COA2 "2001:db8:c::101"

static void write_orders(void)
{
	struct config_cluster cfg = {.name = "home"};
	struct cluster c = {.cfg = &cfg, .ops = &map_ops, .dir = DIR};
	struct json_object *range;
	bool wrote;

	/* Where test_cluster.sh's race starts: seq 101 in the map, at rev 10. */
	watch_events(&c, (struct gw_event[]){{COA2, 101, 10}}, 1);
	check(!strcmp(map_str(), COA2 " 101") && c.rev == 10, "the watch's put: %s, rev %lld",
	      map_str(), c.rev);

	/* test_cluster.sh #16: ours (seq 200) stored at 11, the other home
	 * agent's 201 at 12; both events (one message) before our answer. */
	watch_events(&c, (struct gw_event[]){{COA1, 200, 11}, {COA2, 201, 12}}, 2);
	wrote = answer(&c, COA1, 200, 11);
	check(!wrote && !strcmp(map_str(), COA2 " 201") && cached_rev(&c) == 12,
	      "the watch first (ours at 11, another's at 12), then our answer at 11: the map "
	      "keeps the newer %s (written: %d), cache at %lld",
	      map_str(), wrote, cached_rev(&c));

	/* The same in two messages, the newer alone after the first. */
	watch_events(&c, (struct gw_event[]){{COA1, 300, 13}}, 1);
	watch_events(&c, (struct gw_event[]){{COA2, 301, 14}}, 1);
	wrote = answer(&c, COA1, 300, 13);
	check(!wrote && !strcmp(map_str(), COA2 " 301"),
	      "two messages, then our answer: %s (written: %d)", map_str(), wrote);

	/* Only our own event before the answer: nothing newer, nothing lost. */
	watch_events(&c, (struct gw_event[]){{COA1, 302, 15}}, 1);
	wrote = answer(&c, COA1, 302, 15);
	check(!wrote && !strcmp(map_str(), COA1 " 302"),
	      "our own event first, then the answer: the map has ours, %s (written: %d)", map_str(),
	      wrote);

	/* The usual order: the answer first, then the events. */
	wrote = answer(&c, COA2, 400, 21);
	check(wrote && !strcmp(map_str(), COA2 " 400"), "the answer first: written, %s", map_str());
	watch_events(&c, (struct gw_event[]){{COA1, 302, 16}}, 1);
	check(!strcmp(map_str(), COA2 " 400"),
	      "an older event after our answer (rev 16 < 21): skipped, %s", map_str());
	watch_events(&c, (struct gw_event[]){{COA2, 400, 21}, {COA1, 401, 22}}, 2);
	check(!strcmp(map_str(), COA1 " 401") && c.n_fences == 0 && cached_rev(&c) == 22,
	      "then ours and a newer one: %s, fence gone (%zu), cache at %lld", map_str(),
	      c.n_fences, cached_rev(&c));

	/* A delete: ours put at 31, the other's deregistration at 32 seen
	 * first; the answer must not bring the binding back. */
	watch_events(&c, (struct gw_event[]){{COA2, 500, 31}, {COA2, 0, 32}}, 2);
	wrote = answer(&c, COA2, 500, 31);
	check(!wrote && !strcmp(map_str(), "absent") && cached_rev(&c) == 0,
	      "a delete seen first: no resurrection (%s, written: %d, cached rev %lld)", map_str(),
	      wrote, cached_rev(&c));

	/* A full read past our write (after a fault) counts as the watch. */
	range = json_object_new_object();
	json_object_object_add(range, "header", json_object_new_object());
	json_object_object_add(json_object_object_get(range, "header"), "revision",
			       json_object_new_string("42"));
	json_object_object_add(range, "kvs", json_object_new_array());
	json_object_array_add(json_object_object_get(range, "kvs"), gw_kv(COA1, 601, 42));
	wrote = !reconcile(&c, range);
	check(wrote && !strcmp(map_str(), COA1 " 601"),
	      "a full read at 42 (seq 601 by another): %s", map_str());
	json_object_put(range);
	wrote = answer(&c, COA2, 600, 41);
	check(!wrote && !strcmp(map_str(), COA1 " 601"),
	      "then our answer at 41: the map keeps %s (written: %d)", map_str(), wrote);

	/* A compaction ends the watch: read the store whole (watch.c). */
	range = json_tokener_parse("{\"result\":{\"header\":{\"revision\":\"90\"},"
				   "\"compact_revision\":\"60\",\"canceled\":true}}");
	watch_message(&c, range);
	json_object_put(range);
	check(c.need_sync && !c.watch && c.rev == 42,
	      "a compacted watch: a full read due (%d), revision kept (%lld)", c.need_sync, c.rev);
	cache_free(&c);
	free(c.fences);
}

int main(void)
{
	lease_rule();
	decode_gateway_kv();
	round_trip();
	decode_router_kv();
	router_round_trip();
	bad_prefix();
	rules();
	write_orders();
	return unit_finish("cluster_unit");
}
