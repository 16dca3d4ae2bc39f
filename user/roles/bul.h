/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bul.h - one entry of the mobile node's Binding Update List (RFC 6275
 * section 11.1): its registration with one peer, the home agent (mn.c) or a
 * correspondent node (ro.c). The entry builds, authorises and sends the
 * Binding Update (sections 11.7.1, 11.7.2), retransmits it with
 * exponential back-off (section 11.8), paces it to MAX_UPDATE_RATE
 * (sections 11.8, 12), numbers every copy, and says what a Binding
 * Acknowledgement means for it (section 11.7.3). When to register, and
 * what a refusal leads to, stay with the owner.
 *
 * The kind says which registration it is; what the kind's Binding Update
 * carries is in its options, so that other kinds (mobile network prefixes,
 * several care-of addresses) can be added as options of their own.
 */
#ifndef XMIP6_BUL_H
#define XMIP6_BUL_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>
#include <linux/types.h>

#include "daemon/ratelimit.h"
#include "wire/auth.h"

struct daemon;
struct mh_ba_fields;
struct mh_mnp;

#define BUL_INITIAL_BINDACK_TIMEOUT_MS 1000 /* INITIAL_BINDACK_TIMEOUT, section 13 */

enum bul_kind {
	BUL_HOME,	   /* with the home agent: H set, RFC 4285 MN-HA authentication */
	BUL_CORRESPONDENT, /* with a correspondent: authorised by return routability */
};

/* What the kind's Binding Update carries besides the fixed fields. */
struct bul_bu_opts {
	__u16 flags; /* XMIP6_BU_F_*: A, H, L; R from a mobile router */
	/* BUL_HOME: with a key, a Replay Protection timestamp and the MN-HA
	 * authenticator (RFC 4285); without, nothing. */
	__u32 spi;
	const __u8 *key;
	size_t key_len;
	/* BUL_HOME from a mobile router in explicit mode: one Mobile Network
	 * Prefix option each (RFC 3963 section 4.3). */
	const struct mh_mnp *mnp;
	unsigned int n_mnp;
	/* BUL_CORRESPONDENT: the Nonce Indices option and the Binding
	 * Authorization Data made with Kbm (section 11.7.2). */
	__u16 home_nonce_index, care_of_nonce_index;
	__u8 kbm[AUTH_RR_KBM_LEN];
};

struct bul_entry {
	enum bul_kind kind;
	struct in6_addr peer; /* the home agent (:: until DHAAD finds it) or correspondent */
	struct in6_addr home_addr;
	struct bul_bu_opts opts;

	/* The Binding Update in flight. */
	__u16 seq;		      /* of the last copy */
	struct in6_addr care_of_addr; /* the home address itself when deregistering from home */
	__u32 lifetime_s;	      /* requested; 0 deregisters */
	unsigned long long first_ns;  /* when this BU started */
	unsigned long long next_send_ns;
	__u32 timeout_ms;	      /* from a copy to the next */
	unsigned int retransmissions; /* copies after the first, those the rate held back aside */
	bool paced;		      /* the next copy waits for the rate, not a timeout */
	struct rate_window rate;      /* MAX_UPDATE_RATE to this peer */

	/* The binding the peer accepted last. */
	struct in6_addr reg_coa;
	__u32 granted_s;
	unsigned long long reg_ns, expires_ns, refresh_ns;
	int last_status; /* of the last BA the owner took; -1: none yet */
};

/* An entry with no Binding Update yet and no binding. */
void bul_init(struct bul_entry *e, enum bul_kind kind, const struct in6_addr *peer,
	      const struct in6_addr *home_addr);

/*
 * A new Binding Update for @care_of_addr and @lifetime_s, the first
 * retransmission @timeout_ms after its first copy. The owner sends the
 * first copy (bul_transmit) once its options are set.
 */
void bul_start(struct bul_entry *e, const struct in6_addr *care_of_addr, __u32 lifetime_s,
	       __u32 timeout_ms, unsigned long long now_ns);

#define BUL_PACED 1

/*
 * A copy of the Binding Update, if MAX_UPDATE_RATE lets one go to the peer
 * at @now_ns: BUL_PACED when not (it is due when the window opens,
 * next_send_ns, and nothing else changed). Else every copy has a new
 * sequence number (section 11.8); it goes out unless the peer is not known
 * yet (a home registration waiting for DHAAD), and the next one is due
 * timeout_ms later. 0, or -errno when it could not be built or sent.
 */
int bul_transmit(struct daemon *d, struct bul_entry *e, unsigned long long now_ns);

/* Whether the next copy is due (the BA did not come in time, or the rate opened). */
static inline bool bul_due(const struct bul_entry *e, unsigned long long now_ns)
{
	return now_ns >= e->next_send_ns;
}

/*
 * Before a retransmission: the timeout doubles, up to @max_timeout_ms
 * (MAX_BINDACK_TIMEOUT), and the copy counts, unless the last one was only
 * held back by the rate.
 */
void bul_backoff(struct bul_entry *e, __u32 max_timeout_ms);

enum bul_ba {
	BUL_BA_ACCEPTED,
	BUL_BA_REFUSED,	  /* status 128 or above, for the last copy */
	BUL_BA_SEQ_RESET, /* 135: the entry goes on from the peer's number; send again */
	BUL_BA_OTHER_SEQ, /* for no copy but the last: ignore it */
};

/* Section 11.7.3: what an authentic BA means for the BU in flight. */
enum bul_ba bul_ba_check(struct bul_entry *e, const struct mh_ba_fields *ba);

/* The lifetime the BA grants: never more than requested. */
__u32 bul_granted_s(const struct bul_entry *e, const struct mh_ba_fields *ba);

/*
 * The peer accepted the BU in flight for @granted_s: the binding's care-of
 * address, expiry, and refresh at 3/4 of the lifetime or at @refresh_by_ns
 * when that is sooner.
 */
void bul_bound(struct bul_entry *e, __u32 granted_s, unsigned long long refresh_by_ns,
	       unsigned long long now_ns);

#endif /* XMIP6_BUL_H */
