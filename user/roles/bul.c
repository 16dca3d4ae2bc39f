// SPDX-License-Identifier: GPL-2.0
/*
 * bul.c - a Binding Update List entry: the Binding Update of one
 * registration, its copies, and what its Binding Acknowledgement means
 * (RFC 6275 sections 11.1, 11.7, 11.8). See bul.h.
 */
#include <errno.h>
#include <string.h>

#include "daemon/daemon.h"
#include "roles/bul.h"
#include "wire/auth.h"
#include "wire/mh.h"

#define NSEC_PER_SEC  1000000000ULL
#define NSEC_PER_MSEC 1000000ULL

void bul_init(struct bul_entry *e, enum bul_kind kind, const struct in6_addr *peer,
	      const struct in6_addr *home_addr)
{
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->peer = *peer;
	e->home_addr = *home_addr;
	e->last_status = -1;
}

void bul_start(struct bul_entry *e, const struct in6_addr *care_of_addr, __u32 lifetime_s,
	       __u32 timeout_ms, unsigned long long now)
{
	e->care_of_addr = *care_of_addr;
	e->lifetime_s = lifetime_s;
	e->first_ns = now;
	e->timeout_ms = timeout_ms;
	e->retransmissions = 0;
}

/* The Mobility Header of the BU, authorised as the kind wants: its length or -errno. */
static int build_bu(const struct bul_entry *e, __u8 *mh, size_t size)
{
	const struct bul_bu_opts *o = &e->opts;
	struct mh_bu_fields bu = {
		.sequence = e->seq,
		.flags = o->flags,
		.lifetime = e->lifetime_s / 4,
	};
	struct mh_opts opts = {};
	int len;

	if (e->kind == BUL_CORRESPONDENT) {
		opts.has_nonce_indices = true;
		opts.home_nonce_index = o->home_nonce_index;
		opts.care_of_nonce_index = o->care_of_nonce_index;
		opts.has_bad = true;
	} else {
		opts.mnp = o->mnp;
		opts.n_mnp = o->n_mnp;
	}
	if (e->kind == BUL_HOME && o->key_len) {
		opts.has_timestamp = true;
		opts.timestamp = auth_ntp_now();
		opts.has_mnha_auth = true;
		opts.mnha_spi = o->spi;
	}
	len = mh_build_bu(mh, size, &bu, &opts);
	if (len < 0)
		return len;
	/* Section 6.2.7: the BAD covers care-of address | correspondent | MH;
	 * RFC 4285 section 5: care-of address | home address | MH. */
	if (opts.has_bad)
		return auth_rr_sign(mh, len, &e->care_of_addr, &e->peer, o->kbm) ?: len;
	if (opts.has_mnha_auth)
		return auth_mnha_sign(mh, len, &e->care_of_addr, &e->home_addr, o->key, o->key_len)
			       ?: len;
	return len;
}

/*
 * From the care-of address with the home address in a Home Address option
 * (section 11.7.1); from home, the home address is the source and there is
 * no option (section 11.5.4).
 */
static int send_bu(struct daemon *d, const struct bul_entry *e)
{
	__u8 mh[512]; /* a mobile router's BU: 24 octets more per prefix */
	struct sig_tx tx = {.src = e->care_of_addr, .dst = e->peer, .mh = mh};
	int len;

	len = build_bu(e, mh, sizeof(mh));
	if (len < 0)
		return len;
	tx.mh_len = len;
	if (!IN6_ARE_ADDR_EQUAL(&e->care_of_addr, &e->home_addr))
		tx.hao = &e->home_addr;
	return daemon_send(d, &tx, MH_TYPE_BU);
}

int bul_transmit(struct daemon *d, struct bul_entry *e, unsigned long long now)
{
	unsigned long long wait = rate_window_take(&e->rate, now, RATE_WINDOW_NS);
	int err = 0;

	/* Sections 11.8, 12: at most MAX_UPDATE_RATE BUs a second to one peer,
	 * however fast the moves come. */
	e->paced = wait != 0;
	if (wait) {
		e->next_send_ns = now + wait;
		return BUL_PACED;
	}
	e->seq++;
	if (!IN6_IS_ADDR_UNSPECIFIED(&e->peer))
		err = send_bu(d, e);
	e->next_send_ns = now + (unsigned long long)e->timeout_ms * NSEC_PER_MSEC;
	return err;
}

void bul_backoff(struct bul_entry *e, __u32 max_timeout_ms)
{
	if (e->paced)
		return;
	e->timeout_ms = e->timeout_ms * 2 > max_timeout_ms ? max_timeout_ms : e->timeout_ms * 2;
	e->retransmissions++;
}

enum bul_ba bul_ba_check(struct bul_entry *e, const struct mh_ba_fields *ba)
{
	/* The BA holds the last sequence number the peer accepted: go on
	 * from there. */
	if (ba->status == MH_BA_SEQ_OUT_OF_WINDOW) {
		e->seq = ba->sequence;
		return BUL_BA_SEQ_RESET;
	}
	if (ba->sequence != e->seq)
		return BUL_BA_OTHER_SEQ;
	return ba->status >= MH_BA_REJECTED_MIN ? BUL_BA_REFUSED : BUL_BA_ACCEPTED;
}

__u32 bul_granted_s(const struct bul_entry *e, const struct mh_ba_fields *ba)
{
	__u32 granted = (__u32)ba->lifetime * 4;

	return granted > e->lifetime_s ? e->lifetime_s : granted;
}

void bul_bound(struct bul_entry *e, __u32 granted_s, unsigned long long refresh_by_ns,
	       unsigned long long now)
{
	unsigned long long refresh_ns =
		now + (unsigned long long)(granted_s - granted_s / 4) * NSEC_PER_SEC;

	e->reg_coa = e->care_of_addr;
	e->granted_s = granted_s;
	e->reg_ns = now;
	e->expires_ns = now + (unsigned long long)granted_s * NSEC_PER_SEC;
	e->refresh_ns = refresh_ns < refresh_by_ns ? refresh_ns : refresh_by_ns;
}
