// SPDX-License-Identifier: GPL-2.0
/*
 * codec.c - bindings to and from the store's keys and JSON values, and the
 * acceptance rules against a stored binding. See codec.h and
 * docs/cluster.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <json-c/json.h>

#include "cluster/codec.h"
#include "cluster/etcd.h"
#include "common/util.h"
#include "mip6.h"
#include "wire/mh.h"

void cluster_key_dir(const struct config_cluster *cfg, char *out, size_t len)
{
	snprintf(out, len, "%s/%s/bindings/", cfg->key_prefix, cfg->name);
}

void cluster_key(const struct config_cluster *cfg, const struct in6_addr *hoa, char *out,
		 size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, hoa, a, sizeof(a));
	snprintf(out, len, "%s/%s/bindings/%s", cfg->key_prefix, cfg->name, a);
}

int cluster_key_hoa(const char *dir, const char *key, size_t key_len, struct in6_addr *hoa)
{
	size_t n = strlen(dir);
	char a[INET6_ADDRSTRLEN];

	if (key_len <= n || key_len - n >= sizeof(a) || memcmp(key, dir, n))
		return -EINVAL;
	memcpy(a, key + n, key_len - n);
	a[key_len - n] = 0;
	return inet_pton(AF_INET6, a, hoa) == 1 ? 0 : -EINVAL;
}

/* A mobile router's part: ,"mode":"explicit","prefixes":["P/L",...]. */
static int mnp_encode(const struct cluster_binding *b, char *out, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	size_t off;
	int n, i;

	n = snprintf(out, len, ",\"mode\":\"%s\",\"prefixes\":[",
		     b->implicit ? "implicit" : "explicit");
	for (i = 0; n >= 0 && (size_t)n < len && i < b->n_mnp && i < CLUSTER_MNP_MAX; i++) {
		off = n;
		inet_ntop(AF_INET6, &b->mnp[i].prefix, a, sizeof(a));
		n = snprintf(out + off, len - off, "%s\"%s/%u\"", i ? "," : "", a,
			     b->mnp[i].prefixlen);
		n = n < 0 ? n : n + (int)off;
	}
	if (n >= 0 && (size_t)n < len) {
		off = n;
		n = snprintf(out + off, len - off, "]");
		n = n < 0 ? n : n + (int)off;
	}
	return n < 0 || (size_t)n >= len ? -ENOSPC : n;
}

int cluster_value_encode(const struct cluster_binding *b, char *out, size_t len)
{
	char coa[INET6_ADDRSTRLEN], ha[INET6_ADDRSTRLEN];
	size_t off;
	int n;

	inet_ntop(AF_INET6, &b->coa, coa, sizeof(coa));
	inet_ntop(AF_INET6, &b->ha, ha, sizeof(ha));
	/* The 64-bit NTP timestamp as a decimal string: JSON numbers are
	 * doubles to most readers, and json-c's integers are signed. */
	n = snprintf(out, len,
		     "{\"care_of_addr\":\"%s\",\"seq\":%u,\"timestamp\":\"%llu\",\"lifetime\":%u,"
		     "\"flags\":%u,\"spi\":%u,\"ha\":\"%s\",\"registered\":%llu",
		     coa, b->seq, (unsigned long long)b->timestamp, b->lifetime_s, b->flags, b->spi,
		     ha, (unsigned long long)b->registered);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	off = n;
	/* A mobile router (RFC 3963): the prefixes every home agent forwards. */
	if (b->flags & XMIP6_BU_F_ROUTER) {
		n = mnp_encode(b, out + off, len - off);
		if (n < 0)
			return n;
		off += n;
	}
	n = snprintf(out + off, len - off, "}");
	return n < 0 || (size_t)n >= len - off ? -ENOSPC : 0;
}

static long long get_ll(struct json_object *o, const char *name)
{
	struct json_object *v;

	/* The gateway writes int64s as strings and leaves zeros out. */
	return json_object_object_get_ex(o, name, &v) ? json_object_get_int64(v) : 0;
}

static int get_addr(struct json_object *o, const char *name, struct in6_addr *a)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, name, &v) || !json_object_is_type(v, json_type_string))
		return -EINVAL;
	return inet_pton(AF_INET6, json_object_get_string(v), a) == 1 ? 0 : -EINVAL;
}

/* "P/L", its host part cleared as the prefixes map keys it. */
static int prefix_decode(struct json_object *v, struct xmip6_prefix_key *k)
{
	char a[INET6_ADDRSTRLEN + 4], *slash, *end;
	const char *s;
	unsigned long len;

	if (!json_object_is_type(v, json_type_string))
		return -EINVAL;
	s = json_object_get_string(v);
	if (strlen(s) >= sizeof(a))
		return -EINVAL;
	strcpy(a, s);
	slash = strchr(a, '/');
	if (!slash)
		return -EINVAL;
	*slash = 0;
	len = strtoul(slash + 1, &end, 10);
	if (*end || end == slash + 1 || !len || len > 128 ||
	    inet_pton(AF_INET6, a, &k->prefix) != 1)
		return -EINVAL;
	k->prefixlen = len;
	prefix_mask(&k->prefix, k->prefixlen);
	return 0;
}

/* A router's mode and prefixes; none in a host's value or an older one. */
static int mnp_decode(struct json_object *o, struct cluster_binding *b)
{
	struct json_object *v;
	size_t i, n;

	if (json_object_object_get_ex(o, "mode", &v))
		b->implicit = !strcmp(json_object_get_string(v), "implicit");
	if (!json_object_object_get_ex(o, "prefixes", &v))
		return 0;
	if (!json_object_is_type(v, json_type_array))
		return -EINVAL;
	n = json_object_array_length(v);
	if (n > CLUSTER_MNP_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (prefix_decode(json_object_array_get_idx(v, i), &b->mnp[i]))
			return -EINVAL;
	b->n_mnp = n;
	return 0;
}

static int value_decode(const char *text, struct cluster_binding *b)
{
	struct json_object *o = json_tokener_parse(text), *v;
	long long seq, life, flags, spi;
	int err = -EINVAL;

	if (!o || !json_object_is_type(o, json_type_object))
		goto out;
	seq = get_ll(o, "seq");
	life = get_ll(o, "lifetime");
	flags = get_ll(o, "flags");
	spi = get_ll(o, "spi");
	if (seq < 0 || seq > 0xffff || life < 0 || life > 0xffffffffLL || flags < 0 ||
	    flags > 0xffff || spi < 0 || spi > 0xffffffffLL)
		goto out;
	if (get_addr(o, "care_of_addr", &b->coa) || get_addr(o, "ha", &b->ha))
		goto out;
	b->seq = seq;
	b->lifetime_s = life;
	b->flags = flags;
	b->spi = spi;
	b->timestamp = json_object_object_get_ex(o, "timestamp", &v)
			       ? strtoull(json_object_get_string(v), NULL, 10)
			       : 0;
	b->registered = get_ll(o, "registered");
	err = mnp_decode(o, b);
out:
	json_object_put(o);
	return err;
}

int cluster_kv_decode(const char *dir, struct json_object *kv, struct cluster_kv *out)
{
	char key[CLUSTER_KEY_MAX], value[CLUSTER_VALUE_MAX];
	struct json_object *k, *v;
	int n;

	memset(out, 0, sizeof(*out));
	if (!json_object_object_get_ex(kv, "key", &k))
		return -EINVAL;
	n = etcd_unb64(json_object_get_string(k), key, sizeof(key) - 1);
	if (n < 0 || cluster_key_hoa(dir, key, n, &out->b.hoa))
		return -EINVAL;
	out->mod_revision = get_ll(kv, "mod_revision");
	out->create_revision = get_ll(kv, "create_revision");
	out->lease = get_ll(kv, "lease");
	/* A delete event carries the key alone. */
	if (!json_object_object_get_ex(kv, "value", &v))
		return 0;
	n = etcd_unb64(json_object_get_string(v), value, sizeof(value) - 1);
	if (n < 0)
		return -EINVAL;
	value[n] = 0;
	return value_decode(value, &out->b);
}

int cluster_decide(const struct cluster_binding *cur, __u16 seq, __u64 timestamp)
{
	if (!seq_newer(seq, cur->seq))
		return MH_BA_SEQ_OUT_OF_WINDOW;
	/* RFC 4285 section 6: NTP timestamps compare by their difference. */
	if (timestamp && cur->timestamp && (__s64)(timestamp - cur->timestamp) <= 0)
		return MH_BA_ID_MISMATCH;
	return 0;
}
