/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * mip6.h - Mobile IPv6 wire formats shared by the BPF programs and user space:
 * the Mobility Header (RFC 6275 section 6.1) and its messages, the mobility
 * options (section 6.2, RFC 3963, RFC 4285, RFC 5648), the Home Address
 * destination option (section 6.3) and the type 2 routing header (section
 * 6.4), with the status codes and the protocol constants of section 12.
 *
 * Every struct is packed and exactly as on the wire: multi-byte fields are in
 * network byte order. Offsets in comments count from the start of the MH.
 * Flags are given in host order for the field they live in.
 */
#ifndef XMIP6_MIP6_H
#define XMIP6_MIP6_H

#include <linux/types.h>

#include "xmip6.h"

#define MH_PAYLOAD_PROTO_NONE 59   /* Payload Proto must be IPPROTO_NONE */
#define MH_HDR_LEN_UNIT	      8	   /* Header Len counts 8-octet units after the first 8 */
#define MH_MIN_LEN	      8	   /* a BRR without options */
#define MH_MAX_LEN	      2048 /* Header Len 255 */

/* Length in octets of an MH whose Header Len field is @hdr_len. */
#define MH_LEN(hdr_len) (((__u32)(hdr_len) + 1) * MH_HDR_LEN_UNIT)

enum mh_type {
	MH_TYPE_BRR = 0,		/* Binding Refresh Request */
	MH_TYPE_HOTI = 1,		/* Home Test Init */
	MH_TYPE_COTI = 2,		/* Care-of Test Init */
	MH_TYPE_HOT = 3,		/* Home Test */
	MH_TYPE_COT = 4,		/* Care-of Test */
	MH_TYPE_BU = 5,			/* Binding Update */
	MH_TYPE_BA = 6,			/* Binding Acknowledgement */
	MH_TYPE_BE = 7,			/* Binding Error */
	MH_TYPE_KNOWN_MAX = MH_TYPE_BE, /* types above are not RFC 6275 (FMIPv6, ...) */
};

/* The 6-octet prefix of every Mobility Header. */
struct mh_hdr {
	__u8 payload_proto; /* MH_PAYLOAD_PROTO_NONE */
	__u8 hdr_len;	    /* 8-octet units, not counting the first 8 octets */
	__u8 type;	    /* enum mh_type */
	__u8 reserved;
	__be16 checksum; /* section 6.1.1, over the pseudo-header and the whole MH */
} __attribute__((packed));

/* Binding Refresh Request (type 0): options at offset 8. */
struct mh_brr {
	struct mh_hdr hdr;
	__be16 reserved;
} __attribute__((packed));

/* Home Test Init (1) and Care-of Test Init (2): options at offset 16. */
struct mh_test_init {
	struct mh_hdr hdr;
	__be16 reserved;
	__u8 init_cookie[8];
} __attribute__((packed));

/* Home Test (3) and Care-of Test (4): options at offset 24. */
struct mh_test {
	struct mh_hdr hdr;
	__be16 nonce_index;
	__u8 init_cookie[8];
	__u8 keygen_token[8];
} __attribute__((packed));

/* Binding Update (type 5): options at offset 12. */
struct mh_bu {
	struct mh_hdr hdr;
	__be16 sequence;
	__be16 flags;	 /* XMIP6_BU_F_* */
	__be16 lifetime; /* units of MIP6_LIFETIME_UNIT_S; 0 = delete the binding */
} __attribute__((packed));

/*
 * Binding Update flags beyond RFC 6275's A, H, L and K, which are
 * XMIP6_BU_F_ACK, XMIP6_BU_F_HOME, XMIP6_BU_F_LLADDR and XMIP6_BU_F_KEYMGM in
 * xmip6.h. The low 6 bits are reserved.
 */
#define XMIP6_BU_F_MAP	  0x0800 /* M: HMIPv6 MAP registration (RFC 5380) */
#define XMIP6_BU_F_ROUTER 0x0400 /* R: sent by a mobile router (NEMO, RFC 3963) */
#define XMIP6_BU_F_PROXY  0x0200 /* P: proxy registration (PMIPv6, RFC 5213) */
#define XMIP6_BU_F_UDP	  0x0100 /* F: force UDP encapsulation (DSMIPv6, RFC 5555) */
#define XMIP6_BU_F_TLV	  0x0080 /* T: TLV-header format (RFC 5845) */
#define XMIP6_BU_F_BULK	  0x0040 /* B: bulk binding update (RFC 6602) */

/* Binding Acknowledgement (type 6): options at offset 12. */
struct mh_ba {
	struct mh_hdr hdr;
	__u8 status;	 /* enum mh_ba_status; >= MH_BA_REJECTED_MIN is a rejection */
	__u8 flags;	 /* MH_BA_F_* */
	__be16 sequence; /* copied from the BU (the last accepted one for status 135) */
	__be16 lifetime; /* granted, units of MIP6_LIFETIME_UNIT_S */
} __attribute__((packed));

#define MH_BA_F_KEYMGM 0x80 /* K: the HA's IKE SA survives movement; CNs send 0 */
#define MH_BA_F_ROUTER 0x40 /* R: the HA supports mobile routers (RFC 3963) */
#define MH_BA_F_PROXY  0x20 /* P: proxy registration (RFC 5213) */
#define MH_BA_F_TLV    0x10 /* T: TLV-header format (RFC 5845) */
#define MH_BA_F_BULK   0x08 /* B: bulk binding update (RFC 6602) */

/* Binding Error (type 7): options at offset 24. */
struct mh_be {
	struct mh_hdr hdr;
	__u8 status; /* enum mh_be_status */
	__u8 reserved;
	struct in6_addr home_addr; /* from the offending packet's HAO */
} __attribute__((packed));

/*
 * Binding Acknowledgement status codes: RFC 6275, RFC 3963 (140-143) and
 * RFC 4285 (144-146). X(name, value, description); the enum constant is
 * MH_BA_<name>. Values below MH_BA_REJECTED_MIN mean the BU was accepted.
 */
#define MH_BA_STATUS(X)                                                                   \
	X(ACCEPTED, 0, "Binding Update accepted")                                         \
	X(ACCEPTED_PREFIX_DISCOVERY, 1, "Accepted but prefix discovery necessary")        \
	X(REASON_UNSPECIFIED, 128, "Reason unspecified")                                  \
	X(ADMIN_PROHIBITED, 129, "Administratively prohibited")                           \
	X(INSUFFICIENT_RESOURCES, 130, "Insufficient resources")                          \
	X(HOME_REG_NOT_SUPPORTED, 131, "Home registration not supported")                 \
	X(NOT_HOME_SUBNET, 132, "Not home subnet")                                        \
	X(NOT_HOME_AGENT, 133, "Not home agent for this mobile node")                     \
	X(DAD_FAILED, 134, "Duplicate Address Detection failed")                          \
	X(SEQ_OUT_OF_WINDOW, 135, "Sequence number out of window")                        \
	X(EXPIRED_HOME_NONCE, 136, "Expired home nonce index")                            \
	X(EXPIRED_CARE_OF_NONCE, 137, "Expired care-of nonce index")                      \
	X(EXPIRED_NONCES, 138, "Expired nonces")                                          \
	X(REG_TYPE_CHANGE, 139, "Registration type change disallowed")                    \
	X(MR_NOT_PERMITTED, 140, "Mobile Router Operation not permitted")                 \
	X(INVALID_PREFIX, 141, "Invalid Prefix")                                          \
	X(PREFIX_NOT_AUTHORIZED, 142, "Not Authorized for Prefix")                        \
	X(FORWARDING_SETUP_FAILED, 143, "Forwarding Setup failed (prefixes missing)")     \
	X(ID_MISMATCH, 144, "MIPV6-ID-MISMATCH: replay protection timestamp mismatch")    \
	X(MESG_ID_REQUIRED, 145, "MIPV6-MESG-ID-REQD: replay protection option required") \
	X(AUTH_FAIL, 146, "MIPV6-AUTH-FAIL: authentication failed")                       \
	X(INVALID_COA, 174, "Invalid Care-of Address")

#define MH_BA_STATUS_ENUM(name, value, desc) MH_BA_##name = value,
enum mh_ba_status { MH_BA_STATUS(MH_BA_STATUS_ENUM) };
#undef MH_BA_STATUS_ENUM

#define MH_BA_REJECTED_MIN 128

enum mh_be_status {
	MH_BE_UNKNOWN_HAO_BINDING = 1, /* Unknown binding for Home Address destination option */
	MH_BE_UNKNOWN_MH_TYPE = 2,     /* Unrecognized MH Type value */
};

/*
 * Smallest legal Header Len of each RFC 6275 message (section 9.2; the
 * fixed part rounded up to 8 octets), -1 for a type this header does not
 * know.
 */
static inline int mh_hdr_len_min(__u8 type)
{
	switch (type) {
	case MH_TYPE_BRR:
		return 0;
	case MH_TYPE_HOTI:
	case MH_TYPE_COTI:
	case MH_TYPE_BU:
	case MH_TYPE_BA:
		return 1;
	case MH_TYPE_HOT:
	case MH_TYPE_COT:
	case MH_TYPE_BE:
		return 2;
	default:
		return -1;
	}
}

/* Offset of the first mobility option of each message, -1 if unknown. */
static inline int mh_opts_offset(__u8 type)
{
	switch (type) {
	case MH_TYPE_BRR:
		return sizeof(struct mh_brr);
	case MH_TYPE_HOTI:
	case MH_TYPE_COTI:
		return sizeof(struct mh_test_init);
	case MH_TYPE_HOT:
	case MH_TYPE_COT:
		return sizeof(struct mh_test);
	case MH_TYPE_BU:
		return sizeof(struct mh_bu);
	case MH_TYPE_BA:
		return sizeof(struct mh_ba);
	case MH_TYPE_BE:
		return sizeof(struct mh_be);
	default:
		return -1;
	}
}

/*
 * Mobility options: Type, Length (not counting these two octets), data;
 * Pad1 is a single zero octet. "Align xn+y" is measured from the start of
 * the MH; senders meet it with Pad1/PadN.
 */
enum mh_opt_type {
	MH_OPT_PAD1 = 0,	  /* no length byte */
	MH_OPT_PADN = 1,	  /* any length, zero data */
	MH_OPT_BRA = 2,		  /* Binding Refresh Advice, len 2, align 2n */
	MH_OPT_ALT_COA = 3,	  /* Alternate Care-of Address, len 16, align 8n+6 */
	MH_OPT_NONCE_INDICES = 4, /* len 4, align 2n */
	MH_OPT_BAD = 5,		  /* Binding Authorization Data, len 12 (RR), align 8n+2, last */
	MH_OPT_MNP = 6,		  /* Mobile Network Prefix (RFC 3963), len 18, align 8n+4 */
	MH_OPT_LLA = 7,		  /* Link-Layer Address (RFC 5568) */
	MH_OPT_MN_ID = 8,	  /* Mobile Node Identifier (RFC 4283), len >= 1 */
	MH_OPT_AUTH = 9,     /* Mobility Message Authentication (RFC 4285), len >= 5, align 4n+1 */
	MH_OPT_MESG_ID = 10, /* Mobility Message Replay Protection (RFC 4285), len 8, 8n+2 */
	MH_OPT_BID = 35,     /* Binding Identifier (RFC 5648), len 4, 8 or 20 */
};

struct mh_opt {
	__u8 type; /* enum mh_opt_type */
	__u8 len;  /* octets of data after this header */
} __attribute__((packed));

struct mh_opt_bra {
	struct mh_opt opt;	 /* MH_OPT_BRA, 2 */
	__be16 refresh_interval; /* units of MIP6_LIFETIME_UNIT_S, < the BA lifetime */
} __attribute__((packed));

struct mh_opt_alt_coa {
	struct mh_opt opt; /* MH_OPT_ALT_COA, 16 */
	struct in6_addr care_of_addr;
} __attribute__((packed));

struct mh_opt_nonce_indices {
	struct mh_opt opt; /* MH_OPT_NONCE_INDICES, 4 */
	__be16 home_nonce_index;
	__be16 care_of_nonce_index; /* ignored when de-registering */
} __attribute__((packed));

#define MH_BAD_AUTHENTICATOR_LEN 12 /* First(96, HMAC_SHA1(Kbm, ...)) */

struct mh_opt_bad {
	struct mh_opt opt; /* MH_OPT_BAD, 12 */
	__u8 authenticator[MH_BAD_AUTHENTICATOR_LEN];
} __attribute__((packed));

struct mh_opt_mnp {
	struct mh_opt opt; /* MH_OPT_MNP, 18 */
	__u8 reserved;
	__u8 prefix_len;
	struct in6_addr prefix;
} __attribute__((packed));

/* RFC 4285 AUTH option subtypes, and the HMAC-SHA1-96 authenticator length. */
#define MH_AUTH_SUBTYPE_MN_HA  1
#define MH_AUTH_SUBTYPE_MN_AAA 2
#define MH_AUTH_SPI_MIN	       256 /* Mobility SPIs 0-255 are reserved */
#define MH_AUTH_DATA_LEN       12

struct mh_opt_auth {
	struct mh_opt opt; /* MH_OPT_AUTH, 5 + authentication data length */
	__u8 subtype;	   /* MH_AUTH_SUBTYPE_* */
	__be32 spi;	   /* Mobility SPI */
	__u8 auth_data[];  /* MH_AUTH_DATA_LEN octets for MN-HA HMAC-SHA1 */
} __attribute__((packed));

#define MH_OPT_AUTH_MNHA_LEN (5 + MH_AUTH_DATA_LEN) /* Option Length of an MN-HA AUTH */

/* Timestamp in NTP format: seconds since 1900 and a binary fraction. */
struct mh_opt_mesg_id {
	struct mh_opt opt; /* MH_OPT_MESG_ID, 8 */
	__be32 ntp_seconds;
	__be32 ntp_fraction;
} __attribute__((packed));

struct mh_opt_bid {
	struct mh_opt opt; /* MH_OPT_BID, 4, 8 (+ IPv4 CoA) or 20 (+ IPv6 CoA) */
	__be16 bid;	   /* 0 is reserved */
	__u8 status;
	__u8 flags; /* 0x80 H: simultaneous home and foreign binding */
} __attribute__((packed));

/*
 * Home Address destination option (RFC 6275 section 6.3), option type 201:
 * the top bits 11 make a node without MIPv6 discard the packet and send an
 * ICMPv6 Parameter Problem code 2. Alignment 8n+6.
 */
#define MIP6_OPT_HOME_ADDR     201
#define MIP6_OPT_HOME_ADDR_LEN 16

struct mip6_opt_home_addr {
	__u8 type; /* MIP6_OPT_HOME_ADDR */
	__u8 len;  /* MIP6_OPT_HOME_ADDR_LEN */
	struct in6_addr home_addr;
} __attribute__((packed));

/*
 * The Destination Options header a mobile node sends from its care-of
 * address: PadN(2) puts the HAO at offset 6 (8n+6). 24 octets, Hdr Ext Len 2.
 */
#define MIP6_DSTOPT_PAD1 0
#define MIP6_DSTOPT_PADN 1

struct mip6_dstopts_hao {
	__u8 nexthdr;
	__u8 hdrlen;	/* 2: 8-octet units after the first 8 */
	__u8 padn_type; /* MIP6_DSTOPT_PADN */
	__u8 padn_len;	/* 2 */
	__u8 padn_data[2];
	struct mip6_opt_home_addr hao;
} __attribute__((packed));

/* Type 2 routing header (RFC 6275 section 6.4): one address, never forwarded. */
#define MIP6_RT_TYPE2	       2
#define MIP6_RT2_HDRLEN	       2
#define MIP6_RT2_SEGMENTS_LEFT 1

struct mip6_rt2_hdr {
	__u8 nexthdr;
	__u8 hdrlen;	    /* MIP6_RT2_HDRLEN */
	__u8 type;	    /* MIP6_RT_TYPE2 */
	__u8 segments_left; /* MIP6_RT2_SEGMENTS_LEFT */
	__be32 reserved;
	struct in6_addr home_addr;
} __attribute__((packed));

/*
 * Protocol constants (RFC 6275 section 12) and defaults of configuration
 * variables, in the units their names end with.
 */
#define MIP6_LIFETIME_UNIT_S			 4 /* BU/BA lifetime and BRA interval */
#define MIP6_DHAAD_RETRIES			 4 /* retransmissions */
#define MIP6_INITIAL_BINDACK_TIMEOUT_MS		 1000
#define MIP6_INITIAL_BINDACK_TIMEOUT_FIRSTREG_MS 1500 /* InitialBindackTimeoutFirstReg */
#define MIP6_INITIAL_DHAAD_TIMEOUT_MS		 3000
#define MIP6_INITIAL_SOLICIT_TIMER_MS		 3000
#define MIP6_MAX_BINDACK_TIMEOUT_MS		 32000
#define MIP6_MAX_DELETE_BCE_TIMEOUT_MS		 10000
#define MIP6_MAX_NONCE_LIFETIME_S		 240
#define MIP6_MAX_TOKEN_LIFETIME_S		 210
#define MIP6_MAX_RR_BINDING_LIFETIME_S		 420
#define MIP6_MAX_UPDATE_RATE			 3 /* MH messages of one type per second */
#define MIP6_PREFIX_ADV_RETRIES			 3 /* retransmissions */
#define MIP6_PREFIX_ADV_TIMEOUT_MS		 3000
#define MIP6_MIN_DELAY_BETWEEN_RAS_MS		 3000 /* default; may go down to 30 ms */
#define MIP6_MAX_MOB_PFX_ADV_INTERVAL_S		 86400
#define MIP6_MIN_MOB_PFX_ADV_INTERVAL_S		 600
#define MIP6_AUTH_TIMESTAMP_WINDOW_S		 7 /* RFC 4285 "close enough" default, > 3 s */

#endif /* XMIP6_MIP6_H */
