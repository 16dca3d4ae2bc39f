// SPDX-License-Identifier: GPL-2.0
/*
 * ro_rr.c - the mobile node's home and care-of tests of return
 * routability (RFC 6275 sections 5.2.5, 11.6). See ro_rr.h.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include <openssl/rand.h>

#include "common/util.h"
#include "daemon/daemon.h"
#include "roles/bul.h"
#include "roles/ro_rr.h"
#include "wire/mh.h"

#define NSEC_PER_SEC	      1000000000ULL
#define NSEC_PER_MSEC	      1000000ULL
#define TOKEN_REUSE_MARGIN_NS (60 * NSEC_PER_SEC)

bool rr_token_fresh(const struct rr_test *t, unsigned long long now)
{
	return t->have_token && now - t->token_ns < RR_MAX_TOKEN_LIFETIME_NS;
}

bool rr_token_reusable(const struct rr_test *t, unsigned long long now)
{
	return t->have_token &&
	       now - t->token_ns < RR_MAX_TOKEN_LIFETIME_NS - TOKEN_REUSE_MARGIN_NS;
}

/*
 * HoTI (@home) or CoTI, with a fresh random cookie every time (section 6.1.3).
 * Away from home the HoTI goes from the home address through the reverse
 * tunnel, built whole here (outer CoA -> HA): TC egress must not turn it
 * into a HAO packet. Back home it goes straight from the home address.
 */
static void send_init(struct daemon *d, struct rr_test *t, bool home, const struct in6_addr *peer,
		      const struct mn_where *w)
{
	__u8 type = home ? MH_TYPE_HOTI : MH_TYPE_COTI;
	__u8 mh[32];
	struct sig_tx tx = {.src = t->addr, .dst = *peer, .mh = mh};
	int len = -EIO;

	if (RAND_bytes(t->cookie, sizeof(t->cookie)) == 1)
		len = mh_build_test_init(mh, sizeof(mh), type, t->cookie);
	if (len >= 0) {
		tx.mh_len = len;
		if (home && w->registered) {
			tx.tunnel_src = &w->care_of_addr;
			tx.tunnel_dst = &w->home_agent;
		}
		len = daemon_send(d, &tx, type);
	}
	if (len < 0)
		pr_debug("%s not sent", home ? "HoTI" : "CoTI");
}

void rr_arm(struct daemon *d, struct rr_test *t, bool home, const struct in6_addr *peer,
	    const struct in6_addr *addr, const struct mn_where *w, unsigned long long now)
{
	t->pending = true;
	/* A token of the same address still signs while its successor is
	 * fetched (section 5.2.7: MAX_TOKEN_LIFETIME): a move during a
	 * refresh then needs the care-of test alone (section 11.6.1). */
	if (!IN6_ARE_ADDR_EQUAL(&t->addr, addr))
		t->have_token = false;
	t->addr = *addr;
	t->sends = 1;
	/* INITIAL_BINDACK_TIMEOUT for the tests too. */
	t->timeout_ms = BUL_INITIAL_BINDACK_TIMEOUT_MS;
	t->next_ns = now + BUL_INITIAL_BINDACK_TIMEOUT_MS * NSEC_PER_MSEC;
	send_init(d, t, home, peer, w);
}

void rr_retransmit(struct daemon *d, struct rr_test *t, bool home, const struct in6_addr *peer,
		   const struct mn_where *w, __u32 max_timeout_ms, unsigned long long now)
{
	t->sends++;
	t->timeout_ms = t->timeout_ms * 2 > max_timeout_ms ? max_timeout_ms : t->timeout_ms * 2;
	t->next_ns = now + (unsigned long long)t->timeout_ms * NSEC_PER_MSEC;
	send_init(d, t, home, peer, w);
}

bool rr_answers(const struct rr_test *t, const struct mh_test *m, const struct in6_addr *dst)
{
	return t->pending && !memcmp(m->init_cookie, t->cookie, sizeof(t->cookie)) &&
	       IN6_ARE_ADDR_EQUAL(dst, &t->addr);
}

void rr_take_token(struct rr_test *t, const struct mh_test *m, unsigned long long now)
{
	t->pending = false;
	t->have_token = true;
	memcpy(t->token, m->keygen_token, sizeof(t->token));
	t->nonce_index = ntohs(m->nonce_index);
	t->token_ns = now;
}
