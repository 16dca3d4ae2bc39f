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
 * Prints TAP lines, exits 1 on any failure.
 */
#include <errno.h>
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

int main(void)
{
	lease_rule();
	decode_gateway_kv();
	round_trip();
	decode_router_kv();
	router_round_trip();
	bad_prefix();
	rules();
	return unit_finish("cluster_unit");
}
