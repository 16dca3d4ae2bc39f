// SPDX-License-Identifier: GPL-2.0
/*
 * mh.c - build and parse Mobility Header messages and the Home Address /
 * type 2 routing extension headers in caller buffers (see mh.h).
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "common/inet.h"
#include "wire/mh.h"

/* Pseudo-header (RFC 8200 section 8.1) with the Mobility Header's next header. */
static __u64 pseudo_sum(const struct in6_addr *src, const struct in6_addr *dst, size_t len)
{
	return inet_pseudo_sum(src, dst, (__u32)len, XMIP6_IPPROTO_MH);
}

__u16 mh_checksum(const struct in6_addr *src, const struct in6_addr *dst, const void *mh,
		  size_t len)
{
	const size_t field = offsetof(struct mh_hdr, checksum);
	const __u8 *p = mh;
	__u64 sum = pseudo_sum(src, dst, len);

	/* Skip the two checksum octets: they count as zero. */
	if (len <= field)
		return ~inet_csum_fold(inet_csum_add(sum, p, len)) & 0xffff;
	sum = inet_csum_add(sum, p, field);
	if (len > field + 2)
		sum = inet_csum_add(sum, p + field + 2, len - field - 2);
	return ~inet_csum_fold(sum) & 0xffff;
}

void mh_set_checksum(const struct in6_addr *src, const struct in6_addr *dst, void *mh, size_t len)
{
	struct mh_hdr *hdr = mh;

	if (len < sizeof(*hdr))
		return;
	hdr->checksum = htons(mh_checksum(src, dst, mh, len));
}

bool mh_checksum_valid(const struct in6_addr *src, const struct in6_addr *dst, const void *mh,
		       size_t len)
{
	return inet_csum_fold(inet_csum_add(pseudo_sum(src, dst, len), mh, len)) == 0xffff;
}

/* ---- building ---- */

struct mh_writer {
	__u8 *buf;
	size_t size;
	size_t pos;
	int err;
};

/* Room for @len more octets, zeroed, or NULL (and w->err set). */
static void *put(struct mh_writer *w, size_t len)
{
	void *p;

	if (w->err)
		return NULL;
	if (len > w->size - w->pos || w->pos + len > MH_MAX_LEN) {
		w->err = w->pos + len > MH_MAX_LEN ? -EMSGSIZE : -ENOSPC;
		return NULL;
	}
	p = w->buf + w->pos;
	memset(p, 0, len);
	w->pos += len;
	return p;
}

/* Pad1 or PadN covering exactly @n octets. */
static void put_pad(struct mh_writer *w, size_t n)
{
	__u8 *p;

	if (!n)
		return;
	p = put(w, n);
	if (!p)
		return;
	if (n == 1) {
		p[0] = MH_OPT_PAD1;
	} else {
		p[0] = MH_OPT_PADN;
		p[1] = n - 2;
	}
}

/* Pad so that the next option starts at an offset of the form @x n + @y. */
static void align(struct mh_writer *w, size_t x, size_t y)
{
	put_pad(w, (y + x - w->pos % x) % x);
}

static void *put_opt(struct mh_writer *w, __u8 type, __u8 len)
{
	struct mh_opt *opt = put(w, sizeof(*opt) + len);

	if (opt) {
		opt->type = type;
		opt->len = len;
	}
	return opt;
}

/*
 * RFC 3963 section 4.3: one Mobile Network Prefix option per prefix, each
 * at 8n+4, so that the prefix itself starts on an 8-octet boundary (the
 * option is Type, Length, Reserved, Prefix Length, then the 16 octets).
 * Kept apart from the parsers of the option (the home agent's): the
 * builder only writes what the mobile router was configured with.
 */
static void put_mnp_opts(struct mh_writer *w, const struct mh_mnp *mnp, unsigned int n)
{
	struct mh_opt_mnp *opt;
	unsigned int i;

	for (i = 0; i < n; i++) {
		align(w, 8, 4);
		opt = put_opt(w, MH_OPT_MNP, sizeof(*opt) - sizeof(struct mh_opt));
		if (!opt)
			return;
		opt->prefix_len = mnp[i].prefix_len;
		memcpy(&opt->prefix, &mnp[i].prefix, sizeof(opt->prefix));
	}
}

static void put_opts(struct mh_writer *w, const struct mh_opts *o)
{
	if (o->alt_coa) {
		struct mh_opt_alt_coa *acoa;

		align(w, 8, 6);
		acoa = put_opt(w, MH_OPT_ALT_COA, sizeof(*acoa) - sizeof(struct mh_opt));
		if (acoa)
			memcpy(&acoa->care_of_addr, o->alt_coa, sizeof(acoa->care_of_addr));
	}
	if (o->has_nonce_indices) {
		struct mh_opt_nonce_indices *ni;

		align(w, 2, 0);
		ni = put_opt(w, MH_OPT_NONCE_INDICES, sizeof(*ni) - sizeof(struct mh_opt));
		if (ni) {
			ni->home_nonce_index = htons(o->home_nonce_index);
			ni->care_of_nonce_index = htons(o->care_of_nonce_index);
		}
	}
	if (o->has_refresh_advice) {
		struct mh_opt_bra *bra;

		align(w, 2, 0);
		bra = put_opt(w, MH_OPT_BRA, sizeof(*bra) - sizeof(struct mh_opt));
		if (bra)
			bra->refresh_interval = htons(o->refresh_interval);
	}
	put_mnp_opts(w, o->mnp, o->n_mnp);
	if (o->has_timestamp) {
		struct mh_opt_mesg_id *mid;

		align(w, 8, 2);
		mid = put_opt(w, MH_OPT_MESG_ID, sizeof(*mid) - sizeof(struct mh_opt));
		if (mid) {
			mid->ntp_seconds = htonl(o->timestamp >> 32);
			mid->ntp_fraction = htonl(o->timestamp & 0xffffffff);
		}
	}
	if (o->has_bad) {
		align(w, 8, 2);
		put_opt(w, MH_OPT_BAD, MH_BAD_AUTHENTICATOR_LEN);
	}
	if (o->has_mnha_auth) {
		struct mh_opt_auth *auth;

		/* 4n+1 is the rule; 8n+5 also ends the option on an 8-octet boundary. */
		align(w, 8, 5);
		auth = put_opt(w, MH_OPT_AUTH, MH_OPT_AUTH_MNHA_LEN);
		if (auth) {
			auth->subtype = MH_AUTH_SUBTYPE_MN_HA;
			auth->spi = htonl(o->mnha_spi);
		}
	}
}

static int check_opts(const struct mh_opts *o)
{
	unsigned int i;

	if (!o)
		return 0;
	if (o->has_bad && o->has_mnha_auth)
		return -EINVAL; /* both want to be last */
	if (o->has_mnha_auth && o->mnha_spi < MH_AUTH_SPI_MIN)
		return -EINVAL;
	if (o->n_mnp > MH_MNP_MAX || (o->n_mnp && !o->mnp))
		return -EINVAL;
	for (i = 0; i < o->n_mnp; i++)
		if (!o->mnp[i].prefix_len || o->mnp[i].prefix_len > 128)
			return -EINVAL; /* RFC 3963 section 4.3: a prefix, 1..128 bits */
	return 0;
}

/*
 * Common tail of every builder, once the fixed part of the message is in w:
 * append the options, pad to a multiple of 8 octets, fill in the header.
 */
static int finish(struct mh_writer *w, __u8 type, const struct mh_opts *opts)
{
	struct mh_hdr *hdr = (struct mh_hdr *)w->buf;

	if (opts)
		put_opts(w, opts);
	align(w, 8, 0);
	if (w->err)
		return w->err;
	hdr->payload_proto = MH_PAYLOAD_PROTO_NONE;
	hdr->hdr_len = w->pos / MH_HDR_LEN_UNIT - 1;
	hdr->type = type;
	hdr->reserved = 0;
	hdr->checksum = 0;
	return w->pos;
}

static void *start(struct mh_writer *w, void *buf, size_t size, size_t body_len)
{
	w->buf = buf;
	w->size = buf ? size : 0;
	w->pos = 0;
	w->err = 0;
	return put(w, body_len);
}

int mh_build_bu(void *buf, size_t size, const struct mh_bu_fields *bu, const struct mh_opts *opts)
{
	struct mh_writer w;
	struct mh_bu *m;
	int err = check_opts(opts);

	if (err)
		return err;
	m = start(&w, buf, size, sizeof(*m));
	if (!m)
		return w.err;
	m->sequence = htons(bu->sequence);
	m->flags = htons(bu->flags);
	m->lifetime = htons(bu->lifetime);
	return finish(&w, MH_TYPE_BU, opts);
}

int mh_build_ba(void *buf, size_t size, const struct mh_ba_fields *ba, const struct mh_opts *opts)
{
	struct mh_writer w;
	struct mh_ba *m;
	int err = check_opts(opts);

	if (err)
		return err;
	m = start(&w, buf, size, sizeof(*m));
	if (!m)
		return w.err;
	m->status = ba->status;
	m->flags = ba->flags;
	m->sequence = htons(ba->sequence);
	m->lifetime = htons(ba->lifetime);
	return finish(&w, MH_TYPE_BA, opts);
}

int mh_build_be(void *buf, size_t size, const struct mh_be_fields *be, const struct mh_opts *opts)
{
	struct mh_writer w;
	struct mh_be *m;
	int err = check_opts(opts);

	if (err)
		return err;
	m = start(&w, buf, size, sizeof(*m));
	if (!m)
		return w.err;
	m->status = be->status;
	memcpy(&m->home_addr, &be->home_addr, sizeof(m->home_addr));
	return finish(&w, MH_TYPE_BE, opts);
}

int mh_build_brr(void *buf, size_t size, const struct mh_opts *opts)
{
	struct mh_writer w;
	int err = check_opts(opts);

	if (err)
		return err;
	if (!start(&w, buf, size, sizeof(struct mh_brr)))
		return w.err;
	return finish(&w, MH_TYPE_BRR, opts);
}

int mh_build_test_init(void *buf, size_t size, __u8 type, const __u8 init_cookie[8])
{
	struct mh_writer w;
	struct mh_test_init *m;

	if (type != MH_TYPE_HOTI && type != MH_TYPE_COTI)
		return -EINVAL;
	m = start(&w, buf, size, sizeof(*m));
	if (!m)
		return w.err;
	memcpy(m->init_cookie, init_cookie, sizeof(m->init_cookie));
	return finish(&w, type, NULL);
}

int mh_build_test(void *buf, size_t size, __u8 type, __u16 nonce_index, const __u8 init_cookie[8],
		  const __u8 keygen_token[8])
{
	struct mh_writer w;
	struct mh_test *m;

	if (type != MH_TYPE_HOT && type != MH_TYPE_COT)
		return -EINVAL;
	m = start(&w, buf, size, sizeof(*m));
	if (!m)
		return w.err;
	m->nonce_index = htons(nonce_index);
	memcpy(m->init_cookie, init_cookie, sizeof(m->init_cookie));
	memcpy(m->keygen_token, keygen_token, sizeof(m->keygen_token));
	return finish(&w, type, NULL);
}

/* ---- extension headers ---- */

int mh_build_hao_dstopts(void *buf, size_t size, __u8 nexthdr, const struct in6_addr *home_addr)
{
	struct mip6_dstopts_hao *h = buf;

	if (!buf || size < sizeof(*h))
		return -ENOSPC;
	memset(h, 0, sizeof(*h));
	h->nexthdr = nexthdr;
	h->hdrlen = sizeof(*h) / 8 - 1;
	h->padn_type = MIP6_DSTOPT_PADN;
	h->padn_len = sizeof(h->padn_data);
	h->hao.type = MIP6_OPT_HOME_ADDR;
	h->hao.len = MIP6_OPT_HOME_ADDR_LEN;
	memcpy(&h->hao.home_addr, home_addr, sizeof(h->hao.home_addr));
	return sizeof(*h);
}

int mh_build_rt2(void *buf, size_t size, __u8 nexthdr, const struct in6_addr *home_addr)
{
	struct mip6_rt2_hdr *rt = buf;

	if (!buf || size < sizeof(*rt))
		return -ENOSPC;
	memset(rt, 0, sizeof(*rt));
	rt->nexthdr = nexthdr;
	rt->hdrlen = MIP6_RT2_HDRLEN;
	rt->type = MIP6_RT_TYPE2;
	rt->segments_left = MIP6_RT2_SEGMENTS_LEFT;
	memcpy(&rt->home_addr, home_addr, sizeof(rt->home_addr));
	return sizeof(*rt);
}

int mh_find_hao(const void *dstopts, size_t len, struct in6_addr *home_addr)
{
	const __u8 *p = dstopts;
	size_t end, pos = 2;

	if (!p || len < 8)
		return -EBADMSG;
	end = ((size_t)p[1] + 1) * 8;
	if (end > len)
		return -EBADMSG;
	while (pos < end) {
		__u8 type = p[pos];
		size_t opt_len;

		if (type == MIP6_DSTOPT_PAD1) {
			pos++;
			continue;
		}
		if (end - pos < 2 || (size_t)p[pos + 1] > end - pos - 2)
			return -EBADMSG;
		opt_len = p[pos + 1];
		if (type == MIP6_OPT_HOME_ADDR) {
			if (opt_len != MIP6_OPT_HOME_ADDR_LEN)
				return -EBADMSG;
			memcpy(home_addr, p + pos + 2, sizeof(*home_addr));
			return 0;
		}
		pos += 2 + opt_len;
	}
	return -ENOENT;
}

int mh_parse_rt2(const void *rthdr, size_t len, struct in6_addr *home_addr)
{
	const struct mip6_rt2_hdr *rt = rthdr;

	if (!rt || len < sizeof(*rt))
		return -EBADMSG;
	if (rt->type != MIP6_RT_TYPE2 || rt->hdrlen != MIP6_RT2_HDRLEN ||
	    rt->segments_left != MIP6_RT2_SEGMENTS_LEFT)
		return -EBADMSG;
	memcpy(home_addr, &rt->home_addr, sizeof(*home_addr));
	return 0;
}

/* ---- options walk ---- */

void mh_opt_iter_init(struct mh_opt_iter *it, const void *mh, size_t len, size_t offset)
{
	it->mh = mh;
	it->end = len;
	it->pos = offset < len ? offset : len;
}

/* Whether @len is a legal Option Length for @type; unknown types take any. */
static bool opt_len_ok(__u8 type, __u8 len)
{
	switch (type) {
	case MH_OPT_BRA:
		return len == sizeof(struct mh_opt_bra) - sizeof(struct mh_opt);
	case MH_OPT_ALT_COA:
		return len == sizeof(struct mh_opt_alt_coa) - sizeof(struct mh_opt);
	case MH_OPT_NONCE_INDICES:
		return len == sizeof(struct mh_opt_nonce_indices) - sizeof(struct mh_opt);
	case MH_OPT_BAD:
		return len == MH_BAD_AUTHENTICATOR_LEN;
	case MH_OPT_MN_ID:
		return len >= 1;
	case MH_OPT_AUTH:
		return len >= sizeof(struct mh_opt_auth) - sizeof(struct mh_opt);
	case MH_OPT_MESG_ID:
		return len == sizeof(struct mh_opt_mesg_id) - sizeof(struct mh_opt);
	case MH_OPT_BID:
		return len == 4 || len == 8 || len == 20;
	default:
		return true;
	}
}

int mh_opt_next(struct mh_opt_iter *it, struct mh_opt_view *opt)
{
	const __u8 *p;
	size_t room;

	if (it->pos >= it->end)
		return it->pos == it->end ? 0 : -EBADMSG;
	p = it->mh + it->pos;
	room = it->end - it->pos;
	opt->offset = it->pos;
	opt->opt = p;
	opt->type = p[0];
	if (p[0] == MH_OPT_PAD1) {
		opt->len = 0;
		it->pos++;
		return 1;
	}
	if (room < 2 || p[1] > room - 2 || !opt_len_ok(p[0], p[1])) {
		it->pos = it->end + 1; /* stuck: every later call fails too */
		return -EBADMSG;
	}
	opt->len = p[1];
	it->pos += 2 + (size_t)p[1];
	return 1;
}

bool mh_opt_aligned(__u8 type, size_t offset)
{
	switch (type) {
	case MH_OPT_BRA:
	case MH_OPT_NONCE_INDICES:
		return offset % 2 == 0;
	case MH_OPT_ALT_COA:
		return offset % 8 == 6;
	case MH_OPT_BAD:
	case MH_OPT_MESG_ID:
		return offset % 8 == 2;
	case MH_OPT_MNP:
		return offset % 8 == 4;
	case MH_OPT_AUTH:
		return offset % 4 == 1;
	default:
		return true;
	}
}

/* ---- parsing ---- */

const char *mh_parse_result_str(enum mh_parse_result res)
{
	switch (res) {
	case MH_PARSE_OK:
		return "ok";
	case MH_PARSE_BAD_CHECKSUM:
		return "bad checksum";
	case MH_PARSE_BAD_PAYLOAD_PROTO:
		return "payload proto not 59";
	case MH_PARSE_BAD_HDR_LEN:
		return "bad header length";
	case MH_PARSE_UNKNOWN_TYPE:
		return "unknown MH type";
	case MH_PARSE_BAD_OPTION:
		return "malformed mobility option";
	}
	return "unknown";
}

int mh_param_problem_offset(enum mh_parse_result res)
{
	switch (res) {
	case MH_PARSE_BAD_PAYLOAD_PROTO:
		return offsetof(struct mh_hdr, payload_proto);
	case MH_PARSE_BAD_HDR_LEN:
		return offsetof(struct mh_hdr, hdr_len);
	default:
		return -1;
	}
}

static void decode_fields(struct mh_msg *msg)
{
	const void *d = msg->data;

	switch (msg->type) {
	case MH_TYPE_BU: {
		const struct mh_bu *m = d;

		msg->bu.sequence = ntohs(m->sequence);
		msg->bu.flags = ntohs(m->flags);
		msg->bu.lifetime = ntohs(m->lifetime);
		break;
	}
	case MH_TYPE_BA: {
		const struct mh_ba *m = d;

		msg->ba.status = m->status;
		msg->ba.flags = m->flags;
		msg->ba.sequence = ntohs(m->sequence);
		msg->ba.lifetime = ntohs(m->lifetime);
		break;
	}
	case MH_TYPE_BE: {
		const struct mh_be *m = d;

		msg->be.status = m->status;
		memcpy(&msg->be.home_addr, &m->home_addr, sizeof(msg->be.home_addr));
		break;
	}
	default:
		break;
	}
}

/*
 * A Mobile Network Prefix option (RFC 3963 section 4.3): every one is kept,
 * up to MH_MNP_MAX, for the home agent to judge (roles/ha_nemo.c). One of
 * the wrong length is a malformed prefix, not a malformed message.
 */
static void note_mnp(struct mh_msg *msg, const struct mh_opt_view *v)
{
	const struct mh_opt_mnp *o = (const void *)v->opt;
	struct mh_mnp *m;

	if (v->len != sizeof(*o) - sizeof(struct mh_opt)) {
		msg->mnp_bad_len = true;
		return;
	}
	if (msg->n_mnp++ >= MH_MNP_MAX)
		return;
	m = &msg->mnp[msg->n_mnp - 1];
	m->prefix_len = o->prefix_len;
	memcpy(&m->prefix, &o->prefix, sizeof(m->prefix));
}

/* Remember the first option of a known type; flag repeats. */
#define NOTE_OPT(msg, field, view)                               \
	do {                                                     \
		if ((msg)->field)                                \
			(msg)->duplicate = true;                 \
		else                                             \
			(msg)->field = (const void *)(view).opt; \
	} while (0)

static enum mh_parse_result parse_opts(struct mh_msg *msg)
{
	struct mh_opt_iter it;
	struct mh_opt_view v;
	size_t last_end = 0;
	int ret;

	mh_opt_iter_init(&it, msg->data, msg->len, msg->opts_offset);
	while ((ret = mh_opt_next(&it, &v)) > 0) {
		if (v.type == MH_OPT_PAD1 || v.type == MH_OPT_PADN)
			continue;
		if (!mh_opt_aligned(v.type, v.offset))
			msg->misaligned = true;
		msg->last_opt = (const struct mh_opt *)v.opt;
		last_end = v.offset + 2 + v.len;
		switch (v.type) {
		case MH_OPT_BRA:
			NOTE_OPT(msg, bra, v);
			break;
		case MH_OPT_ALT_COA:
			NOTE_OPT(msg, alt_coa, v);
			break;
		case MH_OPT_NONCE_INDICES:
			NOTE_OPT(msg, nonce_indices, v);
			break;
		case MH_OPT_BAD:
			NOTE_OPT(msg, bad, v);
			break;
		case MH_OPT_AUTH:
			NOTE_OPT(msg, auth, v);
			break;
		case MH_OPT_MESG_ID:
			NOTE_OPT(msg, mesg_id, v);
			break;
		case MH_OPT_MNP:
			note_mnp(msg, &v);
			break;
		default:
			break;
		}
	}
	if (ret < 0)
		return MH_PARSE_BAD_OPTION;
	if (msg->last_opt) {
		__u8 type = msg->last_opt->type;

		msg->bad_last = type == MH_OPT_BAD && last_end == msg->len;
		msg->auth_last = type == MH_OPT_AUTH;
	}
	return MH_PARSE_OK;
}

enum mh_parse_result mh_parse(const void *buf, size_t len, const struct in6_addr *src,
			      const struct in6_addr *dst, struct mh_msg *msg)
{
	const struct mh_hdr *hdr = buf;
	int min_len;

	memset(msg, 0, sizeof(*msg));
	msg->data = buf;
	if (!buf || len < sizeof(*hdr)) {
		if (buf && len > offsetof(struct mh_hdr, type))
			msg->type = hdr->type;
		return MH_PARSE_BAD_HDR_LEN;
	}
	msg->type = hdr->type;
	msg->len = MH_LEN((size_t)hdr->hdr_len);
	if (msg->len != len)
		return MH_PARSE_BAD_HDR_LEN;
	if (src && dst && !mh_checksum_valid(src, dst, buf, len))
		return MH_PARSE_BAD_CHECKSUM;
	min_len = mh_hdr_len_min(hdr->type);
	if (min_len < 0)
		return MH_PARSE_UNKNOWN_TYPE;
	if (hdr->payload_proto != MH_PAYLOAD_PROTO_NONE)
		return MH_PARSE_BAD_PAYLOAD_PROTO;
	if (hdr->hdr_len < min_len)
		return MH_PARSE_BAD_HDR_LEN;
	msg->opts_offset = mh_opts_offset(hdr->type);
	decode_fields(msg);
	return parse_opts(msg);
}

/* ---- names ---- */

const char *mh_type_str(__u8 type)
{
	static const char *const names[] = {
		[MH_TYPE_BRR] = "BRR", [MH_TYPE_HOTI] = "HoTI", [MH_TYPE_COTI] = "CoTI",
		[MH_TYPE_HOT] = "HoT", [MH_TYPE_COT] = "CoT",	[MH_TYPE_BU] = "BU",
		[MH_TYPE_BA] = "BA",   [MH_TYPE_BE] = "BE",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "unknown";
}

const char *mh_opt_type_str(__u8 type)
{
	switch (type) {
	case MH_OPT_PAD1:
		return "Pad1";
	case MH_OPT_PADN:
		return "PadN";
	case MH_OPT_BRA:
		return "Binding Refresh Advice";
	case MH_OPT_ALT_COA:
		return "Alternate Care-of Address";
	case MH_OPT_NONCE_INDICES:
		return "Nonce Indices";
	case MH_OPT_BAD:
		return "Binding Authorization Data";
	case MH_OPT_MNP:
		return "Mobile Network Prefix";
	case MH_OPT_LLA:
		return "Link-Layer Address";
	case MH_OPT_MN_ID:
		return "Mobile Node Identifier";
	case MH_OPT_AUTH:
		return "Mobility Message Authentication";
	case MH_OPT_MESG_ID:
		return "Mobility Message Replay Protection";
	case MH_OPT_BID:
		return "Binding Identifier";
	default:
		return "unknown";
	}
}

const char *mh_ba_status_str(__u8 status)
{
#define MH_BA_STATUS_CASE(name, value, desc) \
	case value:                          \
		return desc;
	switch (status) {
		MH_BA_STATUS(MH_BA_STATUS_CASE)
	default:
		return status < MH_BA_REJECTED_MIN ? "unknown (accepted)" : "unknown (rejected)";
	}
#undef MH_BA_STATUS_CASE
}

const char *mh_be_status_str(__u8 status)
{
	switch (status) {
	case MH_BE_UNKNOWN_HAO_BINDING:
		return "Unknown binding for Home Address destination option";
	case MH_BE_UNKNOWN_MH_TYPE:
		return "Unrecognized MH Type value";
	default:
		return "unknown";
	}
}
