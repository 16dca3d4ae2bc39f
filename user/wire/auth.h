/* SPDX-License-Identifier: GPL-2.0 */
/*
 * auth.h - authentication of Mobility Header messages, on OpenSSL libcrypto:
 *
 *  - RFC 4285 MN-HA: the AUTH option (subtype 1) carries
 *      First(96, HMAC_SHA1(key, care-of address | home address | MH data))
 *    where MH data runs from Payload Proto up to and including the option's
 *    Mobility SPI, with the Checksum field taken as zero; and the Replay
 *    Protection option carries an NTP-format timestamp that must fall
 *    within a window (default 7 s) of the receiver's clock.
 *  - RFC 6275 return routability (section 5.2): keygen tokens, Kbm, and the
 *    Binding Authorization Data authenticator
 *      First(96, HMAC_SHA1(Kbm, care-of address | correspondent | MH data))
 *    where MH data is the whole MH without the authenticator, Checksum zero.
 *
 * Signing writes the authenticator into a message built by mh_build_*()
 * (the checksum is set afterwards); verifying compares in constant time.
 * Functions return 0 or -errno: -ENOENT when the message has no such
 * option, -EBADMSG when it is malformed or not last, -EACCES when the
 * authenticator does not match, -EINVAL for bad arguments, -EIO when
 * libcrypto fails.
 */
#ifndef XMIP6_AUTH_H
#define XMIP6_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <netinet/in.h>
#include <linux/types.h>

#define AUTH_SHA1_LEN	       20
#define AUTH_MNHA_KEY_LEN      16 /* RFC 4285: the MN-HA shared key is 16 octets */
#define AUTH_RR_KCN_LEN	       20 /* Kcn, an HMAC-SHA1 key */
#define AUTH_RR_NONCE_LEN      8
#define AUTH_RR_TOKEN_LEN      8 /* keygen token, First(64, ...) */
#define AUTH_RR_KBM_LEN	       20
#define AUTH_AUTHENTICATOR_LEN 12 /* First(96, ...): MH_AUTH_DATA_LEN, MH_BAD_AUTHENTICATOR_LEN */

/* HMAC-SHA1 of the concatenation of @n pieces; @out gets AUTH_SHA1_LEN octets. */
struct auth_piece {
	const void *data;
	size_t len;
};

int auth_hmac_sha1(const void *key, size_t key_len, const struct auth_piece *pieces, size_t n,
		   __u8 out[AUTH_SHA1_LEN]);

/*
 * RFC 4285 MN-HA. @mh (@len octets, as built or received) must hold an AUTH
 * option of subtype MN-HA with 12 octets of authentication data, as its last
 * option. @coa is the care-of address, @hoa the home address.
 * auth_mnha_compute() puts the authenticator in @out without touching @mh.
 */
int auth_mnha_compute(const void *mh, size_t len, const struct in6_addr *coa,
		      const struct in6_addr *hoa, const void *key, size_t key_len,
		      __u8 out[AUTH_AUTHENTICATOR_LEN]);
int auth_mnha_sign(void *mh, size_t len, const struct in6_addr *coa, const struct in6_addr *hoa,
		   const void *key, size_t key_len);
int auth_mnha_verify(const void *mh, size_t len, const struct in6_addr *coa,
		     const struct in6_addr *hoa, const void *key, size_t key_len);

/*
 * RFC 4285 timestamps: 64-bit NTP format, seconds since 1900-01-01 in the
 * high 32 bits and the binary fraction in the low 32 (NTP era 0 wraps in
 * 2036; comparisons are modulo 2^64 and so survive the wrap).
 */
__u64 auth_ntp_from_timespec(const struct timespec *ts);
__u64 auth_ntp_now(void); /* CLOCK_REALTIME */

/* Whether @timestamp is within @window_s seconds of @now, either way. */
bool auth_timestamp_fresh(__u64 timestamp, __u64 now, unsigned int window_s);

/*
 * Return routability (RFC 6275 section 5.2.5).
 * Keygen token = First(64, HMAC_SHA1(Kcn, address | nonce | 0 or 1)): the
 * home address and 0 for the home token, the care-of address and 1 for the
 * care-of token (@care_of).
 */
int auth_rr_keygen_token(const __u8 kcn[AUTH_RR_KCN_LEN], const struct in6_addr *addr,
			 const __u8 nonce[AUTH_RR_NONCE_LEN], bool care_of,
			 __u8 token[AUTH_RR_TOKEN_LEN]);

/*
 * Kbm = SHA1(home token | care-of token), or SHA1(home token) when
 * de-registering (@care_of_token NULL).
 */
int auth_rr_kbm(const __u8 home_token[AUTH_RR_TOKEN_LEN], const __u8 *care_of_token,
		__u8 kbm[AUTH_RR_KBM_LEN]);

/*
 * Binding Authorization Data over @mh, which must end with a BAD option of
 * 12 octets (the last option, nothing after it). @coa is the care-of
 * address being registered (the Alternate CoA if present; the home address
 * when de-registering), @cn the correspondent's address.
 */
int auth_rr_compute(const void *mh, size_t len, const struct in6_addr *coa,
		    const struct in6_addr *cn, const __u8 kbm[AUTH_RR_KBM_LEN],
		    __u8 out[AUTH_AUTHENTICATOR_LEN]);
int auth_rr_sign(void *mh, size_t len, const struct in6_addr *coa, const struct in6_addr *cn,
		 const __u8 kbm[AUTH_RR_KBM_LEN]);
int auth_rr_verify(const void *mh, size_t len, const struct in6_addr *coa,
		   const struct in6_addr *cn, const __u8 kbm[AUTH_RR_KBM_LEN]);

#endif /* XMIP6_AUTH_H */
