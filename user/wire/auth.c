// SPDX-License-Identifier: GPL-2.0
/*
 * auth.c - RFC 4285 MN-HA authentication, RFC 4285 timestamps and RFC 6275
 * return routability keys and authenticators (see auth.h).
 */
#include <errno.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "wire/auth.h"
#include "wire/mh.h"

#define NTP_UNIX_EPOCH_OFFSET 2208988800ULL /* seconds from 1900-01-01 to 1970-01-01 */
#define NSEC_PER_SEC	      1000000000ULL

/*
 * One HMAC-SHA1 context, keyed anew for every message. Fetching the
 * algorithms and building a context per call (OpenSSL 3 provider lookups)
 * cost more than the HMAC itself and halved the rate at which a home agent
 * refuses a flood of forged Binding Updates. The daemon is single-threaded;
 * __thread keeps any other user (tests, fuzzers) safe. The context lives
 * until exit.
 */
static EVP_MAC_CTX *hmac_sha1_ctx(void)
{
	static __thread EVP_MAC_CTX *ctx;
	static char digest[] = "SHA1";
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC *mac;

	if (ctx)
		return ctx;
	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!mac)
		return NULL;
	ctx = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac); /* the context holds its own reference */
	if (ctx && !EVP_MAC_CTX_set_params(ctx, params)) {
		EVP_MAC_CTX_free(ctx);
		ctx = NULL;
	}
	return ctx;
}

int auth_hmac_sha1(const void *key, size_t key_len, const struct auth_piece *pieces, size_t n,
		   __u8 out[AUTH_SHA1_LEN])
{
	EVP_MAC_CTX *ctx;
	size_t out_len = 0;
	size_t i;

	if (!key || !key_len)
		return -EINVAL;
	ctx = hmac_sha1_ctx();
	if (!ctx || !EVP_MAC_init(ctx, key, key_len, NULL))
		return -EIO;
	for (i = 0; i < n; i++) {
		if (pieces[i].len && !EVP_MAC_update(ctx, pieces[i].data, pieces[i].len))
			return -EIO;
	}
	if (!EVP_MAC_final(ctx, out, &out_len, AUTH_SHA1_LEN) || out_len != AUTH_SHA1_LEN)
		return -EIO;
	return 0;
}

static const __u8 zero_checksum[2];

/*
 * First(96, HMAC_SHA1(@key, @addr1 | @addr2 | @mh[0, @end))) with the MH
 * Checksum field taken as zero.
 */
static int mh_authenticator(const void *key, size_t key_len, const struct in6_addr *addr1,
			    const struct in6_addr *addr2, const __u8 *mh, size_t end,
			    __u8 out[AUTH_AUTHENTICATOR_LEN])
{
	const size_t cksum = offsetof(struct mh_hdr, checksum);
	const struct auth_piece pieces[] = {
		{addr1, sizeof(*addr1)},
		{addr2, sizeof(*addr2)},
		{mh, cksum},
		{zero_checksum, sizeof(zero_checksum)},
		{mh + cksum + 2, end - cksum - 2},
	};
	__u8 digest[AUTH_SHA1_LEN];
	int err;

	if (!addr1 || !addr2 || end < sizeof(struct mh_hdr))
		return -EINVAL;
	err = auth_hmac_sha1(key, key_len, pieces, sizeof(pieces) / sizeof(pieces[0]), digest);
	if (err)
		return err;
	memcpy(out, digest, AUTH_AUTHENTICATOR_LEN);
	OPENSSL_cleanse(digest, sizeof(digest));
	return 0;
}

/* Offset of the MN-HA AUTH option, which must be the last option, or -errno. */
static int find_mnha(const void *mh, size_t len)
{
	const struct mh_opt_auth *auth;
	struct mh_msg msg;

	if (mh_parse(mh, len, NULL, NULL, &msg) != MH_PARSE_OK)
		return -EBADMSG;
	if (!msg.auth)
		return -ENOENT;
	auth = (const struct mh_opt_auth *)msg.last_opt;
	if (!msg.auth_last || auth->subtype != MH_AUTH_SUBTYPE_MN_HA ||
	    auth->opt.len != MH_OPT_AUTH_MNHA_LEN)
		return -EBADMSG;
	return (const __u8 *)auth - (const __u8 *)mh;
}

int auth_mnha_compute(const void *mh, size_t len, const struct in6_addr *coa,
		      const struct in6_addr *hoa, const void *key, size_t key_len,
		      __u8 out[AUTH_AUTHENTICATOR_LEN])
{
	int off = find_mnha(mh, len);

	if (off < 0)
		return off;
	return mh_authenticator(key, key_len, coa, hoa, mh,
				off + offsetof(struct mh_opt_auth, auth_data), out);
}

int auth_mnha_sign(void *mh, size_t len, const struct in6_addr *coa, const struct in6_addr *hoa,
		   const void *key, size_t key_len)
{
	__u8 authenticator[AUTH_AUTHENTICATOR_LEN];
	int off = find_mnha(mh, len);
	int err;

	if (off < 0)
		return off;
	err = mh_authenticator(key, key_len, coa, hoa, mh,
			       off + offsetof(struct mh_opt_auth, auth_data), authenticator);
	if (err)
		return err;
	memcpy((__u8 *)mh + off + offsetof(struct mh_opt_auth, auth_data), authenticator,
	       sizeof(authenticator));
	return 0;
}

int auth_mnha_verify(const void *mh, size_t len, const struct in6_addr *coa,
		     const struct in6_addr *hoa, const void *key, size_t key_len)
{
	__u8 expected[AUTH_AUTHENTICATOR_LEN];
	const __u8 *received;
	int off = find_mnha(mh, len);
	int err;

	if (off < 0)
		return off;
	received = (const __u8 *)mh + off + offsetof(struct mh_opt_auth, auth_data);
	err = mh_authenticator(key, key_len, coa, hoa, mh, received - (const __u8 *)mh, expected);
	if (err)
		return err;
	return CRYPTO_memcmp(expected, received, sizeof(expected)) ? -EACCES : 0;
}

__u64 auth_ntp_from_timespec(const struct timespec *ts)
{
	__u64 seconds = ((__u64)ts->tv_sec + NTP_UNIX_EPOCH_OFFSET) & 0xffffffff;
	__u64 fraction = ((__u64)ts->tv_nsec << 32) / NSEC_PER_SEC;

	return seconds << 32 | fraction;
}

__u64 auth_ntp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return auth_ntp_from_timespec(&ts);
}

bool auth_timestamp_fresh(__u64 timestamp, __u64 now, unsigned int window_s)
{
	__u64 diff = timestamp - now;

	if (diff >> 63)
		diff = now - timestamp;
	return diff <= (__u64)window_s << 32;
}

int auth_rr_keygen_token(const __u8 kcn[AUTH_RR_KCN_LEN], const struct in6_addr *addr,
			 const __u8 nonce[AUTH_RR_NONCE_LEN], bool care_of,
			 __u8 token[AUTH_RR_TOKEN_LEN])
{
	const __u8 which = care_of ? 1 : 0;
	const struct auth_piece pieces[] = {
		{addr, sizeof(*addr)},
		{nonce, AUTH_RR_NONCE_LEN},
		{&which, 1},
	};
	__u8 digest[AUTH_SHA1_LEN];
	int err;

	err = auth_hmac_sha1(kcn, AUTH_RR_KCN_LEN, pieces, sizeof(pieces) / sizeof(pieces[0]),
			     digest);
	if (err)
		return err;
	memcpy(token, digest, AUTH_RR_TOKEN_LEN);
	OPENSSL_cleanse(digest, sizeof(digest));
	return 0;
}

int auth_rr_kbm(const __u8 home_token[AUTH_RR_TOKEN_LEN], const __u8 *care_of_token,
		__u8 kbm[AUTH_RR_KBM_LEN])
{
	__u8 tokens[2 * AUTH_RR_TOKEN_LEN];
	size_t len = AUTH_RR_TOKEN_LEN;
	unsigned int out_len = 0;
	int ok;

	memcpy(tokens, home_token, AUTH_RR_TOKEN_LEN);
	if (care_of_token) {
		memcpy(tokens + AUTH_RR_TOKEN_LEN, care_of_token, AUTH_RR_TOKEN_LEN);
		len += AUTH_RR_TOKEN_LEN;
	}
	ok = EVP_Digest(tokens, len, kbm, &out_len, EVP_sha1(), NULL);
	OPENSSL_cleanse(tokens, sizeof(tokens));
	return ok && out_len == AUTH_RR_KBM_LEN ? 0 : -EIO;
}

/* Offset of the BAD option, which must end the message, or -errno. */
static int find_bad(const void *mh, size_t len)
{
	struct mh_msg msg;

	if (mh_parse(mh, len, NULL, NULL, &msg) != MH_PARSE_OK)
		return -EBADMSG;
	if (!msg.bad)
		return -ENOENT;
	if (!msg.bad_last || (const void *)msg.last_opt != (const void *)msg.bad)
		return -EBADMSG; /* not last, or a second BAD */
	return (const __u8 *)msg.bad - (const __u8 *)mh;
}

int auth_rr_compute(const void *mh, size_t len, const struct in6_addr *coa,
		    const struct in6_addr *cn, const __u8 kbm[AUTH_RR_KBM_LEN],
		    __u8 out[AUTH_AUTHENTICATOR_LEN])
{
	int off = find_bad(mh, len);

	if (off < 0)
		return off;
	return mh_authenticator(kbm, AUTH_RR_KBM_LEN, coa, cn, mh,
				off + offsetof(struct mh_opt_bad, authenticator), out);
}

int auth_rr_sign(void *mh, size_t len, const struct in6_addr *coa, const struct in6_addr *cn,
		 const __u8 kbm[AUTH_RR_KBM_LEN])
{
	struct mh_opt_bad *bad;
	__u8 authenticator[AUTH_AUTHENTICATOR_LEN];
	int off = find_bad(mh, len);
	int err;

	if (off < 0)
		return off;
	bad = (struct mh_opt_bad *)((__u8 *)mh + off);
	err = mh_authenticator(kbm, AUTH_RR_KBM_LEN, coa, cn, mh,
			       off + offsetof(struct mh_opt_bad, authenticator), authenticator);
	if (err)
		return err;
	memcpy(bad->authenticator, authenticator, sizeof(authenticator));
	return 0;
}

int auth_rr_verify(const void *mh, size_t len, const struct in6_addr *coa,
		   const struct in6_addr *cn, const __u8 kbm[AUTH_RR_KBM_LEN])
{
	__u8 expected[AUTH_AUTHENTICATOR_LEN];
	const struct mh_opt_bad *bad;
	int off = find_bad(mh, len);
	int err;

	if (off < 0)
		return off;
	bad = (const struct mh_opt_bad *)((const __u8 *)mh + off);
	err = mh_authenticator(kbm, AUTH_RR_KBM_LEN, coa, cn, mh,
			       off + offsetof(struct mh_opt_bad, authenticator), expected);
	if (err)
		return err;
	return CRYPTO_memcmp(expected, bad->authenticator, sizeof(expected)) ? -EACCES : 0;
}
