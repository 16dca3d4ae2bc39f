/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ro_rr.h - one test of return routability from the mobile node's side
 * (RFC 6275 sections 5.2.5, 11.6): the home test (HoTI, answered by a HoT
 * through the home agent) or the care-of test (CoTI, CoT straight to the
 * care-of address) with one correspondent, and the keygen token and nonce
 * index it yields. ro.c runs two per correspondent.
 */
#ifndef XMIP6_RO_RR_H
#define XMIP6_RO_RR_H

#include <stdbool.h>
#include <netinet/in.h>
#include <linux/types.h>

#include "roles/mn.h"
#include "wire/auth.h"

struct daemon;
struct mh_test;

#define RR_COOKIE_LEN		 8
#define RR_MAX_TOKEN_LIFETIME_NS (210 * 1000000000ULL) /* MAX_TOKEN_LIFETIME, section 12 */

struct rr_test {
	bool pending; /* HoTI/CoTI sent, HoT/CoT awaited */
	__u8 cookie[RR_COOKIE_LEN];
	struct in6_addr addr; /* the address tested: home or care-of */
	unsigned long long next_ns;
	__u32 timeout_ms;
	unsigned int sends;
	bool have_token;
	__u8 token[AUTH_RR_TOKEN_LEN];
	__u16 nonce_index;
	unsigned long long token_ns; /* when the HoT/CoT came */
};

/* The token may still sign (MAX_TOKEN_LIFETIME). */
bool rr_token_fresh(const struct rr_test *t, unsigned long long now_ns);
/* Young enough to start another registration with (its BU retries included). */
bool rr_token_reusable(const struct rr_test *t, unsigned long long now_ns);

/*
 * Start the @home (else care-of) test of @addr with @peer: the first HoTI
 * or CoTI goes now, from @addr; away from home (@w registered) the HoTI
 * goes through the reverse tunnel to the home agent.
 */
void rr_arm(struct daemon *d, struct rr_test *t, bool home, const struct in6_addr *peer,
	    const struct in6_addr *addr, const struct mn_where *w, unsigned long long now_ns);

/* Whether the HoTI/CoTI in flight went unanswered for its timeout. */
static inline bool rr_due(const struct rr_test *t, unsigned long long now_ns)
{
	return t->pending && now_ns >= t->next_ns;
}

/* Again, with a new cookie, after twice the timeout (at most @max_timeout_ms). */
void rr_retransmit(struct daemon *d, struct rr_test *t, bool home, const struct in6_addr *peer,
		   const struct mn_where *w, __u32 max_timeout_ms, unsigned long long now_ns);

/* Whether the HoT/CoT @m, to @dst, answers the test in flight (cookie, address). */
bool rr_answers(const struct rr_test *t, const struct mh_test *m, const struct in6_addr *dst);
/* Take its keygen token and nonce index: the test is done. */
void rr_take_token(struct rr_test *t, const struct mh_test *m, unsigned long long now_ns);

#endif /* XMIP6_RO_RR_H */
