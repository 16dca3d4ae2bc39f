/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mh.h - build and parse Mobility Header messages (RFC 6275 section 6.1,
 * RFC 4285) and the IPv6 extension headers Mobile IPv6 adds, in caller
 * buffers: nothing here allocates, and nothing reads outside the buffer it
 * is given.
 *
 * Sending a message: mh_build_*() writes it with a zero checksum and zero
 * authenticators; auth_mnha_sign() or auth_rr_sign() (auth.h) fill the
 * authenticator; mh_set_checksum() comes last.
 *
 * Receiving one: mh_parse() applies RFC 6275 section 9.2 and says what to do
 * with a bad message; struct mh_msg then points at the fields and options.
 *
 * Conventions: builders return the length written or -errno (-ENOSPC when
 * the buffer is too small, -EINVAL for bad arguments). Addresses are struct
 * in6_addr; numbers are in host order unless a wire struct holds them.
 * The wire structs live in headers/mip6.h, which this file includes.
 */
#ifndef XMIP6_USER_MH_H
#define XMIP6_USER_MH_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>
#include <linux/types.h>

/* Not "mh.h": from user/ that name would find this file, not the wire header. */
#include "mip6.h"

/*
 * Checksum (section 6.1.1): one's complement sum over the IPv6 pseudo-header
 * (src, dst, length @len, next header 135) and the @len octets of the MH.
 * Away from home, @src is the home address from the HAO and @dst the home
 * address from a type 2 routing header, not the packet's header addresses.
 *
 * mh_checksum() returns the value for the Checksum field in host order,
 * summing the field as zero whatever it holds; mh_set_checksum() stores it;
 * mh_checksum_valid() checks a received message as it is.
 */
__u16 mh_checksum(const struct in6_addr *src, const struct in6_addr *dst, const void *mh,
		  size_t len);
void mh_set_checksum(const struct in6_addr *src, const struct in6_addr *dst, void *mh, size_t len);
bool mh_checksum_valid(const struct in6_addr *src, const struct in6_addr *dst, const void *mh,
		       size_t len);

/*
 * BU sequence numbers compare modulo 2^16 (section 9.5.1): @a is newer than
 * @b when it is one of the 32767 numbers after @b. A difference of exactly
 * 32768 is not newer, in either direction.
 */
static inline bool seq_newer(__u16 a, __u16 b)
{
	return (__s16)(__u16)(a - b) > 0;
}

/* Message fields in host order: lifetimes and intervals in 4 s units. */
struct mh_bu_fields {
	__u16 sequence;
	__u16 flags; /* XMIP6_BU_F_* */
	__u16 lifetime;
};

struct mh_ba_fields {
	__u8 status; /* enum mh_ba_status */
	__u8 flags;  /* MH_BA_F_* */
	__u16 sequence;
	__u16 lifetime;
};

struct mh_be_fields {
	__u8 status; /* enum mh_be_status */
	struct in6_addr home_addr;
};

/*
 * Options the builders append. Zero means absent. They go out in this
 * order, each padded to its alignment: Alternate CoA, Nonce Indices, Binding
 * Refresh Advice, Mobile Network Prefixes (mh_put_mnp_opts(): one each, at
 * 8n+4, RFC 3963 section 4.3), Replay Protection, then Binding
 * Authorization Data or the
 * MN-HA AUTH option, which must be last (at most one of the two). AUTH is
 * put at 8n+5 (which satisfies its 4n+1 rule) so it ends the message with no
 * padding after it; BAD at 8n+2 ends it too. The authenticators are written
 * as zeros, for auth_rr_sign() / auth_mnha_sign() to fill.
 * The builders do not check which message may carry which option.
 */
struct mh_mnp;

struct mh_opts {
	const struct in6_addr *alt_coa; /* Alternate Care-of Address (BU) */
	bool has_nonce_indices;		/* Nonce Indices (BU to a CN) */
	__u16 home_nonce_index;
	__u16 care_of_nonce_index;
	bool has_refresh_advice; /* Binding Refresh Advice (BA from the HA) */
	__u16 refresh_interval;
	bool has_timestamp; /* RFC 4285 Replay Protection */
	__u64 timestamp;    /* NTP format: seconds since 1900 << 32 | fraction */
	bool has_bad;	    /* Binding Authorization Data (return routability) */
	bool has_mnha_auth; /* RFC 4285 AUTH, subtype MN-HA */
	__u32 mnha_spi;	    /* >= MH_AUTH_SPI_MIN */
	/* Mobile Network Prefixes (BU of a mobile router), at most MH_MNP_MAX:
	 * struct mh_mnp below, prefix_len 1..128, host bits sent as given. */
	const struct mh_mnp *mnp;
	unsigned int n_mnp;
};

int mh_build_bu(void *buf, size_t size, const struct mh_bu_fields *bu, const struct mh_opts *opts);
int mh_build_ba(void *buf, size_t size, const struct mh_ba_fields *ba, const struct mh_opts *opts);
int mh_build_be(void *buf, size_t size, const struct mh_be_fields *be, const struct mh_opts *opts);
int mh_build_brr(void *buf, size_t size, const struct mh_opts *opts);
/* HoTI/CoTI (@type MH_TYPE_HOTI or MH_TYPE_COTI) and HoT/CoT (MH_TYPE_HOT or MH_TYPE_COT). */
int mh_build_test_init(void *buf, size_t size, __u8 type, const __u8 init_cookie[8]);
int mh_build_test(void *buf, size_t size, __u8 type, __u16 nonce_index, const __u8 init_cookie[8],
		  const __u8 keygen_token[8]);

/*
 * The extension headers a mobile node or home agent must emit itself (the
 * kernel has no MIP6): a Destination Options header holding PadN(2) and the
 * Home Address option, and a type 2 routing header. Both are 24 octets.
 * @nexthdr is the header that follows (IPPROTO_MH, ...).
 */
int mh_build_hao_dstopts(void *buf, size_t size, __u8 nexthdr, const struct in6_addr *home_addr);
int mh_build_rt2(void *buf, size_t size, __u8 nexthdr, const struct in6_addr *home_addr);

/*
 * Receive side of the same headers. mh_find_hao() walks a Destination
 * Options header (all of it, @len octets) for the HAO; mh_parse_rt2() checks
 * a type 2 routing header (Hdr Ext Len 2, Segments Left 1). Both return 0
 * and copy the home address, -ENOENT when there is no HAO, or -EBADMSG.
 */
int mh_find_hao(const void *dstopts, size_t len, struct in6_addr *home_addr);
int mh_parse_rt2(const void *rthdr, size_t len, struct in6_addr *home_addr);

/* Options walk: the region [offset, end) of a message, one option at a time. */
struct mh_opt_iter {
	const __u8 *mh;
	size_t pos;
	size_t end;
};

struct mh_opt_view {
	__u8 type;	 /* enum mh_opt_type */
	__u8 len;	 /* data octets; 0 for Pad1 */
	size_t offset;	 /* of the Type octet, from the start of the MH */
	const __u8 *opt; /* the option itself (Type octet) */
};

/*
 * Start a walk over the options of the @len-octet message @mh, from @offset
 * (mh_opts_offset() of its type).
 */
void mh_opt_iter_init(struct mh_opt_iter *it, const void *mh, size_t len, size_t offset);

/*
 * Next option, Pad1 and PadN included: 1 and *@opt filled, 0 at the end,
 * -EBADMSG (and every later call too) when the option overruns the region
 * or a known option has the wrong length: BRA 2, Alternate CoA 16, Nonce
 * Indices 4, BAD 12, AUTH >= 5, Replay Protection 8, BID 4/8/20,
 * MN-ID >= 1. Unknown types are returned for the caller to skip. A Mobile
 * Network Prefix option of another length than 18 is returned too: RFC
 * 3963 section 6.6 answers it with Invalid Prefix (mh_parse() flags it).
 */
int mh_opt_next(struct mh_opt_iter *it, struct mh_opt_view *opt);

/* True when an option of @type at MH offset @offset meets its alignment rule. */
bool mh_opt_aligned(__u8 type, size_t offset);

/*
 * What section 9.2 tells the receiver to do with the message. Everything but
 * MH_PARSE_OK means: drop it.
 */
enum mh_parse_result {
	MH_PARSE_OK = 0,
	/* Bad checksum: drop silently. */
	MH_PARSE_BAD_CHECKSUM,
	/* Payload Proto not 59: ICMPv6 Parameter Problem code 0 at the Payload Proto. */
	MH_PARSE_BAD_PAYLOAD_PROTO,
	/*
	 * Header Len below the type's minimum, or not the length of the buffer:
	 * Parameter Problem code 0 at the Header Len.
	 */
	MH_PARSE_BAD_HDR_LEN,
	/* Unknown MH Type: Binding Error status 2 (MH_BE_UNKNOWN_MH_TYPE). */
	MH_PARSE_UNKNOWN_TYPE,
	/* An option overruns the message or has a wrong length: drop. */
	MH_PARSE_BAD_OPTION,
};

const char *mh_parse_result_str(enum mh_parse_result res);

/*
 * For the ICMPv6 Parameter Problem the result asks for: the offset within
 * the MH of the field its Pointer must name (add the MH's offset in the
 * invoking packet), or -1 when no Parameter Problem is due.
 */
int mh_param_problem_offset(enum mh_parse_result res);

/*
 * Mobile Network Prefix options (RFC 3963 section 4.3) of a BU, in wire
 * order, the Reserved octet ignored. A home agent takes at most MH_MNP_MAX
 * of them (prefixes of one mobile router, as in its configuration: config/).
 */
#define MH_MNP_MAX 16

struct mh_mnp {
	__u8 prefix_len; /* as on the wire: 0 and > 128 are the receiver's to refuse */
	struct in6_addr prefix;
};

/* A parsed message; the pointers point into the caller's buffer. */
struct mh_msg {
	const __u8 *data; /* the MH */
	size_t len;	  /* (Header Len + 1) * 8 */
	__u8 type;	  /* enum mh_type */
	size_t opts_offset;
	union {
		struct mh_bu_fields bu; /* MH_TYPE_BU */
		struct mh_ba_fields ba; /* MH_TYPE_BA */
		struct mh_be_fields be; /* MH_TYPE_BE */
	};
	/* First occurrence of each option, NULL when absent (wire order fields). */
	const struct mh_opt_bra *bra;
	const struct mh_opt_alt_coa *alt_coa;
	const struct mh_opt_nonce_indices *nonce_indices;
	const struct mh_opt_bad *bad;
	const struct mh_opt_auth *auth; /* any subtype */
	const struct mh_opt_mesg_id *mesg_id;
	const struct mh_opt *last_opt; /* last option that is not padding, or NULL */
	bool bad_last;	 /* BAD is the last option and nothing follows it (section 9.5.1) */
	bool auth_last;	 /* AUTH is the last option, padding aside (RFC 4285 section 5) */
	bool misaligned; /* some option breaks its alignment rule */
	bool duplicate;	 /* some known option appears twice */
	/* Its Mobile Network Prefix options: the first MH_MNP_MAX in mnp[];
	 * n_mnp counts them all (more than MH_MNP_MAX: too many); mnp_bad_len
	 * when one had another Option Length than 18 (not stored). */
	int n_mnp;
	bool mnp_bad_len;
	struct mh_mnp mnp[MH_MNP_MAX];
};

/*
 * Check and decode the MH received in @buf (@len octets: exactly the MH,
 * from Payload Proto to the end of the packet). With @src and @dst (the
 * pseudo-header addresses, see mh_checksum()) the checksum is verified;
 * pass NULL for both to skip that. @msg is filled for MH_PARSE_OK; for the
 * other results only its data, len and type are meaningful (type once the
 * buffer holds it).
 *
 * Order: length against the buffer, checksum, MH Type, Payload Proto,
 * Header Len against the type's minimum, options.
 */
enum mh_parse_result mh_parse(const void *buf, size_t len, const struct in6_addr *src,
			      const struct in6_addr *dst, struct mh_msg *msg);

static inline __u64 mh_mesg_id_timestamp(const struct mh_opt_mesg_id *opt)
{
	return (__u64)ntohl(opt->ntp_seconds) << 32 | ntohl(opt->ntp_fraction);
}

/* Names for logs; "unknown" for values this file does not know. */
const char *mh_type_str(__u8 type);
const char *mh_opt_type_str(__u8 type);
const char *mh_ba_status_str(__u8 status);
const char *mh_be_status_str(__u8 status);

#endif /* XMIP6_USER_MH_H */
