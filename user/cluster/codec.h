/* SPDX-License-Identifier: GPL-2.0 */
/*
 * codec.h - the binding schema in etcd (docs/cluster.md): a binding is
 * the key PREFIX/NAME/bindings/HOME-ADDRESS (the address as inet_ntop()
 * writes it) holding a JSON object, with a lease of the binding's
 * lifetime. What an operator reads with `etcdctl get --prefix`.
 */
#ifndef XMIP6_CLUSTER_CODEC_H
#define XMIP6_CLUSTER_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>
#include <linux/types.h>

#include "xmip6.h"
#include "config/config.h"

struct json_object;

/* A mobile router's prefixes a value carries at most (wire/mh.h's MH_MNP_MAX). */
#define CLUSTER_MNP_MAX 16

/* One binding as the store holds it. */
struct cluster_binding {
	struct in6_addr hoa;
	struct in6_addr coa; /* care_of_addr */
	__u16 seq;	     /* the BU's sequence number (RFC 6275 section 9.5.1) */
	__u64 timestamp;     /* RFC 4285 timestamp of the BU, 0: none */
	__u32 lifetime_s;    /* granted, the lease's TTL */
	__u16 flags;	     /* the BU's A, H, L flags, and R for a mobile router */
	__u32 spi;	     /* the MN-HA security association's, 0: none */
	struct in6_addr ha;  /* the home agent that accepted it */
	__u64 registered;    /* when, seconds since the Unix epoch */
	/* A mobile router's (R in flags, RFC 3963): its registered prefixes,
	 * host parts zero, and whether the configuration chose them (implicit
	 * mode, section 6.2). Last: the cache (cache.c) keeps what precedes. */
	__u8 implicit;
	__u8 n_mnp;
	struct xmip6_prefix_key mnp[CLUSTER_MNP_MAX];
};

/* A stored value: its key, its revisions and lease (int64 in etcd). */
struct cluster_kv {
	long long mod_revision, create_revision, lease;
	struct cluster_binding b; /* last: see CLUSTER_KV_CACHED */
};

/* What the cache (cache.c) keeps of a kv: all but the prefixes, which only
 * the home agents applying the binding read (1M cached bindings would
 * otherwise cost 320 octets each for prefixes hosts never have). */
#define CLUSTER_KV_CACHED offsetof(struct cluster_kv, b.implicit)

/* The longest value cluster_value_encode() writes, its NUL included. */
#define CLUSTER_VALUE_MAX 1536

#define CLUSTER_KEY_MAX (2 * CONFIG_CLUSTER_NAME_MAX + 64)

/* "PREFIX/NAME/bindings/" */
void cluster_key_dir(const struct config_cluster *cfg, char *out, size_t len);
/* "PREFIX/NAME/bindings/HOME-ADDRESS" */
void cluster_key(const struct config_cluster *cfg, const struct in6_addr *hoa, char *out,
		 size_t len);
/* The home address a key of the directory names: 0, or -EINVAL (not one). */
int cluster_key_hoa(const char *dir, const char *key, size_t key_len, struct in6_addr *hoa);

/* The value's JSON text (to put), in @out of @len octets: 0 or -ENOSPC. */
int cluster_value_encode(const struct cluster_binding *b, char *out, size_t len);
/* One kv of a range or a watch event (base64 key and value, string
 * revisions) into @kv: 0, or -EINVAL for anything else under the prefix. */
int cluster_kv_decode(const char *dir, struct json_object *kv, struct cluster_kv *out);

/*
 * The home agent's acceptance rules against the stored binding @cur, for
 * a BU carrying @seq and @timestamp: 0 when it may replace it, else the
 * BA status: 135 (sequence number out of window: not newer modulo 2^16,
 * RFC 6275 section 9.5.1) or 144 (RFC 4285 timestamp not newer than the
 * stored one: a replay).
 */
int cluster_decide(const struct cluster_binding *cur, __u16 seq, __u64 timestamp);

#endif /* XMIP6_CLUSTER_CODEC_H */
