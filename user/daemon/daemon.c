// SPDX-License-Identifier: GPL-2.0
/*
 * daemon.c - the receive checks of RFC 6275 section 9.2, the hand-over of
 * what passes them to the role registered for its type, and the send paths
 * every xmip6d role shares, with their counters.
 */
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "common/util.h"
#include "daemon/daemon.h"
#include "dp/view.h"

#define DAEMON_DROP_DESC(name, desc) {#name, desc},
static const struct {
	const char *name;
	const char *desc;
} drop_descs[DROP_COUNT] = {DAEMON_DROPS(DAEMON_DROP_DESC)};
#undef DAEMON_DROP_DESC

const char *daemon_drop_name(enum daemon_drop why)
{
	return why < DROP_COUNT ? drop_descs[why].name : "unknown";
}

void daemon_count_drop(struct daemon *d, enum daemon_drop why)
{
	d->stats.drops[why]++;
}

static unsigned int type_slot(__u8 type)
{
	return type <= MH_TYPE_KNOWN_MAX ? type : MH_TYPE_KNOWN_MAX + 1;
}

const char *daemon_ba_status_key(__u8 status)
{
#define BA_KEY(name, value, desc) [value] = #name,
	static const char *const upper[256] = {MH_BA_STATUS(BA_KEY)};
#undef BA_KEY
	static char lower[256][32];
	size_t i;

	if (!upper[status])
		return NULL;
	if (!lower[status][0]) {
		for (i = 0; upper[status][i] && i < sizeof(lower[0]) - 1; i++)
			lower[status][i] = tolower((unsigned char)upper[status][i]);
		lower[status][i] = '\0';
	}
	return lower[status];
}

/* ---- start ------------------------------------------------------------------------------- */

int daemon_check_interfaces(const struct daemon *d, const char (*ifnames)[IF_NAMESIZE], int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (!if_nametoindex(ifnames[i])) {
			pr_err("%s: interface %s: no such device", d->cfg.path, ifnames[i]);
			return -ENODEV;
		}
	}
	return 0;
}

int daemon_attach(struct daemon *d, const char (*ifnames)[IF_NAMESIZE], int n,
		  const struct dp_attach_opts *opts)
{
	int i, err;

	for (i = 0; i < n; i++) {
		err = dp_attach(d->cfg.pin_dir, ifnames[i], opts);
		if (err)
			return err; /* logged */
	}
	return dp_open(d->cfg.pin_dir, &d->dp);
}

/* ---- sending ------------------------------------------------------------------------------- */

/*
 * A message's tag in the send batch (sig_queue()): its type, and the
 * status it was counted under when this file counted one (BA, BE), so
 * that a send the kernel refuses later is taken off the same counters.
 */
#define TAG_STATUS_COUNTED (1U << 16)
#define SEND_TAG(type, status, counted) \
	((__u32)(type) | (__u32)(status) << 8 | ((counted) ? TAG_STATUS_COUNTED : 0))

static void count_sent(struct daemon_stats *st, __u32 tag, int dir)
{
	__u8 type = tag & 0xff, status = (tag >> 8) & 0xff;

	daemon_ctr_add(&st->tx[type_slot(type)], dir);
	if (!(tag & TAG_STATUS_COUNTED))
		return;
	if (type == MH_TYPE_BA)
		daemon_ctr_add(&st->ba_sent[status], dir);
	else if (type == MH_TYPE_BE)
		daemon_ctr_add(&st->be_sent[status], dir);
}

static void send_failed(struct daemon_stats *st, __u8 mh_type, const struct sig_tx *tx, int err)
{
	struct addr6_buf a, b;

	daemon_ctr_add(&st->drops[DROP_send_failed], 1);
	if (tx)
		pr_packet(LOG_WARNING, "sending %s from %s to %s failed: %s", mh_type_str(mh_type),
			  addr6_str(&tx->src, &a), addr6_str(&tx->dst, &b), strerror(-err));
	else
		pr_packet(LOG_WARNING, "sending %s failed: %s", mh_type_str(mh_type),
			  strerror(-err));
}

/* sig_flush()'s report of a queued message the kernel refused. */
void daemon_lane_send_failed(void *ctx, __u32 tag, int err)
{
	const struct daemon_lane *l = ctx;

	count_sent(l->stats, tag, -1);
	send_failed(l->stats, tag & 0xff, NULL, err);
}

static int lane_send_tagged(const struct daemon_lane *l, struct sig_tx *tx, __u32 tag)
{
	int err = sig_queue(l->socks, tx, tag);

	if (err) {
		send_failed(l->stats, tag & 0xff, tx, err);
		return err;
	}
	count_sent(l->stats, tag, 1);
	return 0;
}

/* The event loop's own: the daemon's sockets and counters. */
static struct daemon_lane main_lane(struct daemon *d)
{
	return (struct daemon_lane){.socks = &d->socks,
				    .stats = &d->stats,
				    .bu_ba = &d->bu_ba,
				    .refreshes = &d->refreshes};
}

static int send_tagged(struct daemon *d, struct sig_tx *tx, __u32 tag)
{
	struct daemon_lane l = main_lane(d);

	return lane_send_tagged(&l, tx, tag);
}

int daemon_send(struct daemon *d, struct sig_tx *tx, __u8 mh_type)
{
	return send_tagged(d, tx, SEND_TAG(mh_type, 0, false));
}

void daemon_batch_begin(struct daemon *d)
{
	int err;

	d->lane = main_lane(d);
	dp_refresh_open(&d->refreshes, true);
	err = sig_batch_start(&d->socks, daemon_lane_send_failed, daemon_lane_before_send,
			      &d->lane);

	if (err)
		pr_packet(LOG_WARNING, "send batch: %s; sending one at a time", strerror(-err));
}

void daemon_batch_end(struct daemon *d)
{
	sig_batch_stop(&d->socks);
	dp_refresh_open(&d->refreshes, false);
}

void daemon_lane_before_send(void *ctx)
{
	const struct daemon_lane *l = ctx;

	dp_refresh_flush(l->refreshes);
}

void daemon_refreshes_init(struct daemon *d, int replay_fd)
{
	dp_refresh_init(&d->refreshes, &d->dp, replay_fd);
}

void daemon_send_be(struct daemon *d, const struct sig_rx *rx, __u8 status)
{
	struct mh_be_fields be = {.status = status};
	struct mh_opts opts = {};
	__u8 mh[64];
	struct sig_tx tx = {
		.src = rx->dst,
		.dst = rx->src,
		.mh = mh,
	};
	int len;

	/* Section 6.1.9: the home address from the HAO, else unspecified. */
	if (rx->has_hao)
		be.home_addr = rx->hao;
	len = mh_build_be(mh, sizeof(mh), &be, &opts);
	if (len < 0)
		return;
	tx.mh_len = len;
	send_tagged(d, &tx, SEND_TAG(MH_TYPE_BE, status, true));
}

/* ---- receiving ----------------------------------------------------------------------------- */

static void log_rx_drop(const struct sig_rx *rx, const char *what)
{
	struct addr6_buf a;

	pr_packet(LOG_INFO, "dropped Mobility Header from %s: %s", addr6_str(&rx->src, &a), what);
}

/*
 * RFC 4443 section 2.4(f): error messages are rate-limited (token bucket,
 * ERROR_RATE per second, bursts of as many), so that a flood of malformed
 * signalling cannot make us a reflector. Binding Errors answering malformed
 * input share the bucket. What the bucket refuses is counted.
 */
#define ERROR_RATE 10

bool daemon_error_allowed(struct daemon *d)
{
	if (token_bucket_take(&d->errors, ERROR_RATE, mono_now_ns()))
		return true;
	d->stats.errors_ratelimited++;
	return false;
}

bool daemon_bu_rate_ok(struct daemon *d, struct update_rate *t, const struct in6_addr *hoa,
		       __u16 sequence)
{
	struct addr6_buf h;

	if (update_rate_allow(t, hoa, mono_now_ns()))
		return true;
	daemon_count_drop(d, DROP_update_rate);
	pr_packet(LOG_NOTICE, "BU seq %u for %s discarded: more than %d a second (MAX_UPDATE_RATE)",
		  sequence, addr6_str(hoa, &h), MIP6_MAX_UPDATE_RATE);
	return false;
}

/* RFC 6275 section 9.2 for what mh_parse() found wrong. */
static void reject_malformed(struct daemon *d, const struct sig_rx *rx, enum mh_parse_result res)
{
	int field;

	switch (res) {
	case MH_PARSE_BAD_CHECKSUM:
		daemon_count_drop(d, DROP_bad_checksum);
		break;
	case MH_PARSE_BAD_PAYLOAD_PROTO:
	case MH_PARSE_BAD_HDR_LEN:
		daemon_count_drop(d, res == MH_PARSE_BAD_HDR_LEN ? DROP_bad_hdr_len
								 : DROP_bad_payload_proto);
		field = mh_param_problem_offset(res);
		if (field >= 0 && daemon_error_allowed(d) &&
		    sig_send_param_problem(&d->socks, rx, 0, rx->mh_offset + field) == 0)
			d->stats.param_problem_sent++;
		break;
	case MH_PARSE_UNKNOWN_TYPE:
		daemon_count_drop(d, DROP_unknown_type);
		if (daemon_error_allowed(d))
			daemon_send_be(d, rx, MH_BE_UNKNOWN_MH_TYPE);
		break;
	default:
		daemon_count_drop(d, DROP_bad_option);
		break;
	}
	log_rx_drop(rx, mh_parse_result_str(res));
}

/*
 * Section 9.2's checks, then the role that takes the type. @rx_ns: when
 * the record left the ring, 0 for now; a record a registration worker
 * handed back (@again) was counted when it first came.
 */
static void receive(struct daemon *d, const void *packet, size_t len, int ifindex, bool tunnelled,
		    unsigned long long rx_ns, const struct xmip6_signal_snap *snap, bool again)
{
	const struct daemon_mh_handler *handler;
	enum mh_parse_result res;
	struct mh_msg msg;
	struct sig_rx rx;
	int err;

	err = sig_parse_packet(packet, len, ifindex, tunnelled, &rx);
	if (err) {
		daemon_count_drop(d, err == -EPROTONOSUPPORT ? DROP_fragmented : DROP_bad_packet);
		pr_packet(LOG_INFO, "dropped a signalling packet (%zu octets): %s", len,
			  err == -EPROTONOSUPPORT ? "fragmented" : "malformed extension headers");
		return;
	}

	rx.rx_ns = rx_ns ?: mono_now_ns();
	rx.snap = snap;
	res = mh_parse(rx.mh, rx.mh_len, &rx.mh_src, &rx.mh_dst, &msg);
	if (res != MH_PARSE_OK) {
		reject_malformed(d, &rx, res);
		return;
	}
	if (!again) {
		d->stats.rx[type_slot(msg.type)]++;
		if (msg.type == MH_TYPE_BA)
			d->stats.ba_received[msg.ba.status]++;
		if (msg.type == MH_TYPE_BE)
			d->stats.be_received[msg.be.status]++;
	}

	/*
	 * Only a BU carries a HAO (section 6.3). A type 2 routing header comes
	 * on a BA, and on a Binding Refresh Request from a correspondent that
	 * holds a binding (it sends everything to the CoA that way, section
	 * 6.4); nothing else arrives with one.
	 */
	if (rx.has_hao && msg.type != MH_TYPE_BU) {
		daemon_count_drop(d, DROP_hao_not_bu);
		log_rx_drop(&rx, "Home Address option on a message other than a BU");
		return;
	}
	if (rx.has_rt2 && msg.type != MH_TYPE_BA && msg.type != MH_TYPE_BRR) {
		daemon_count_drop(d, DROP_rt2_not_ba);
		log_rx_drop(&rx, "type 2 routing header on a message other than a BA or BRR");
		return;
	}

	handler = &d->mh[msg.type];
	if (handler->fn) {
		handler->fn(d, handler->arg, &rx, &msg);
	} else if (msg.type == MH_TYPE_BU) {
		/* Not a home agent (section 10.3.1 does not apply): 131. */
		struct mh_ba_fields ba = {
			.status = MH_BA_HOME_REG_NOT_SUPPORTED,
			.sequence = msg.bu.sequence,
		};
		if (!(msg.bu.flags & XMIP6_BU_F_HOME))
			ba.status = MH_BA_REASON_UNSPECIFIED; /* not a correspondent here */
		/* An error reply to whatever source the BU claims (RFC 4443
		 * section 2.4 (f) in spirit): from the shared budget. */
		if (daemon_error_allowed(d))
			daemon_send_ba(d, &rx, &ba, NULL, NULL, 0, 0);
		log_rx_drop(&rx, "Binding Update, but this node is not a home agent");
	} else {
		daemon_count_drop(d, DROP_unexpected_type);
		log_rx_drop(&rx, mh_type_str(msg.type));
	}
}

/* A record that is not a Mobility Header packet, to whoever registered for its kind. */
static void hand_packet(struct daemon *d, const struct daemon_packet_handler *h,
			const struct xmip6_signal *sig)
{
	if (h->fn)
		h->fn(d, h->arg, sig->packet, sig->len, sig->ifindex);
}

int daemon_signal_record(void *ctx, void *data, size_t size)
{
	const struct xmip6_signal *sig = data;
	struct daemon *d = ctx;

	if (size < offsetof(struct xmip6_signal, packet) || sig->len > XMIP6_SIGNAL_MAX_LEN) {
		daemon_count_drop(d, DROP_bad_packet);
		return 0;
	}
	if (sig->flags & XMIP6_SIGNAL_F_HAO_UNBOUND) {
		hand_packet(d, &d->hao_unbound, sig);
		return 0;
	}
	if (sig->flags & XMIP6_SIGNAL_F_MPA) {
		hand_packet(d, &d->mpa, sig);
		return 0;
	}
	if (sig->flags & XMIP6_SIGNAL_F_MPS) {
		hand_packet(d, &d->mps, sig);
		return 0;
	}
	receive(d, sig->packet, sig->len, sig->ifindex, sig->flags & XMIP6_SIGNAL_F_TUNNELLED, 0,
		sig->snap.flags & XMIP6_SNAP_TAKEN ? &sig->snap : NULL, false);
	return 0;
}

void daemon_receive_again(struct daemon *d, const void *packet, size_t len, int ifindex,
			  bool tunnelled, unsigned long long rx_ns)
{
	receive(d, packet, len, ifindex, tunnelled, rx_ns, NULL, true);
}

int daemon_mh_handler_reg(struct daemon *d, __u8 type, daemon_mh_fn fn, void *arg)
{
	if (type > MH_TYPE_KNOWN_MAX)
		return -EINVAL;
	if (d->mh[type].fn)
		return -EEXIST;
	d->mh[type] = (struct daemon_mh_handler){.fn = fn, .arg = arg};
	return 0;
}

int daemon_hao_unbound_reg(struct daemon *d, daemon_packet_fn fn, void *arg)
{
	if (d->hao_unbound.fn)
		return -EEXIST;
	d->hao_unbound = (struct daemon_packet_handler){.fn = fn, .arg = arg};
	return 0;
}

int daemon_mpa_reg(struct daemon *d, daemon_packet_fn fn, void *arg)
{
	if (fn && d->mpa.fn)
		return -EEXIST;
	d->mpa = (struct daemon_packet_handler){.fn = fn, .arg = arg};
	return 0;
}

/* From 50 us (a BA from a warm cache) to 2.5 s (proxy DAD takes 1 s). */
const unsigned int daemon_latency_bounds_us[DAEMON_LATENCY_BUCKETS] = {
	50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 100000, 250000, 1000000, 2500000,
};

/* One BU answered after @ns: its bucket. */
static void latency_note(struct daemon_latency *h, unsigned long long ns)
{
	unsigned int i = 0;

	while (i < DAEMON_LATENCY_BUCKETS && ns > daemon_latency_bounds_us[i] * 1000ULL)
		i++;
	daemon_ctr_add(&h->bucket[i], 1);
	daemon_ctr_add(&h->count, 1);
	daemon_ctr_add(&h->sum_ns, ns);
}

int daemon_mps_reg(struct daemon *d, daemon_packet_fn fn, void *arg)
{
	if (fn && d->mps.fn)
		return -EEXIST;
	d->mps = (struct daemon_packet_handler){.fn = fn, .arg = arg};
	return 0;
}

int daemon_send_ba(struct daemon *d, const struct sig_rx *rx, const struct mh_ba_fields *ba,
		   const struct config_mn_entry *sa, const struct in6_addr *coa, __u64 timestamp,
		   __u32 refresh_s)
{
	struct daemon_lane l = main_lane(d);

	return daemon_lane_send_ba(&l, rx, ba, sa, coa, timestamp, refresh_s);
}

int daemon_lane_send_ba(const struct daemon_lane *l, const struct sig_rx *rx,
			const struct mh_ba_fields *ba, const struct config_mn_entry *sa,
			const struct in6_addr *coa, __u64 timestamp, __u32 refresh_s)
{
	struct mh_opts opts = {};
	struct in6_addr hoa;
	__u8 mh[128];
	struct sig_tx tx = {
		.src = rx->dst,
		.dst = rx->src,
		.mh = mh,
	};
	int len, err;

	/* Away from home the BU came from the CoA with a HAO: the BA goes back
	 * to the CoA with the home address in a type 2 routing header
	 * (section 6.4); from home it goes straight to the home address. */
	hoa = rx->has_hao ? rx->hao : rx->src;
	if (!coa)
		coa = &rx->src;
	if (rx->has_hao)
		tx.rt2 = &hoa;

	if (timestamp) {
		opts.has_timestamp = true;
		opts.timestamp = timestamp;
	}
	if (sa && sa->key_len) {
		opts.has_mnha_auth = true;
		opts.mnha_spi = sa->spi;
	}
	if (refresh_s && ba->status < MH_BA_REJECTED_MIN && ba->lifetime) {
		__u32 units = refresh_s / 4;

		if (units && units < ba->lifetime) {
			opts.has_refresh_advice = true;
			opts.refresh_interval = units;
		}
	}
	len = mh_build_ba(mh, sizeof(mh), ba, &opts);
	if (len < 0)
		return len;
	if (opts.has_mnha_auth) {
		/* RFC 4285 section 5: care-of address | home address | MH data. */
		err = auth_mnha_sign(mh, len, coa, &hoa, sa->key, sa->key_len);
		if (err)
			return err;
	}
	tx.mh_len = len;
	err = lane_send_tagged(l, &tx, SEND_TAG(MH_TYPE_BA, ba->status, true));
	if (!err && rx->rx_ns)
		latency_note(l->bu_ba, mono_now_ns() - rx->rx_ns);
	return err;
}

/* ---- counters ------------------------------------------------------------------------------ */

static struct json_object *type_counts_json(const __u64 *v)
{
	struct json_object *o = json_object_new_object();
	unsigned int t;

	for (t = 0; t <= MH_TYPE_KNOWN_MAX; t++)
		json_object_object_add(o, mh_type_str(t), json_object_new_uint64(v[t]));
	json_object_object_add(o, "unknown", json_object_new_uint64(v[MH_TYPE_KNOWN_MAX + 1]));
	return o;
}

static struct json_object *status_counts_json(const __u64 *v)
{
	struct json_object *o = json_object_new_object();
	__u64 other = 0;
	const char *key;
	unsigned int s;

	for (s = 0; s < 256; s++) {
		key = daemon_ba_status_key(s);
		if (key)
			json_object_object_add(o, key, json_object_new_uint64(v[s]));
		else
			other += v[s];
	}
	json_object_object_add(o, "other", json_object_new_uint64(other));
	return o;
}

static struct json_object *be_counts_json(const __u64 *v)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "unknown_hao_binding",
			       json_object_new_uint64(v[MH_BE_UNKNOWN_HAO_BINDING]));
	json_object_object_add(o, "unknown_mh_type",
			       json_object_new_uint64(v[MH_BE_UNKNOWN_MH_TYPE]));
	return o;
}

struct json_object *daemon_stats_json(const struct daemon *d)
{
	struct json_object *o = json_object_new_object();
	struct json_object *msgs = json_object_new_object();
	struct json_object *ba = json_object_new_object();
	struct json_object *be = json_object_new_object();
	struct json_object *drops = json_object_new_object();
	struct json_object *icmp = json_object_new_object();
	struct xmip6_stats s;
	size_t i;

	json_object_object_add(msgs, "rx", type_counts_json(d->stats.rx));
	json_object_object_add(msgs, "tx", type_counts_json(d->stats.tx));
	json_object_object_add(ba, "sent", status_counts_json(d->stats.ba_sent));
	json_object_object_add(ba, "received", status_counts_json(d->stats.ba_received));
	json_object_object_add(be, "sent", be_counts_json(d->stats.be_sent));
	json_object_object_add(be, "received", be_counts_json(d->stats.be_received));
	for (i = 0; i < DROP_COUNT; i++)
		json_object_object_add(drops, drop_descs[i].name,
				       json_object_new_uint64(d->stats.drops[i]));

	json_object_object_add(o, "messages", msgs);
	json_object_object_add(o, "ba_status", ba);
	json_object_object_add(o, "be_status", be);
	json_object_object_add(o, "drops", drops);
	json_object_object_add(icmp, "param_problem_sent",
			       json_object_new_uint64(d->stats.param_problem_sent));
	json_object_object_add(icmp, "errors_ratelimited",
			       json_object_new_uint64(d->stats.errors_ratelimited));
	json_object_object_add(icmp, "replies_ratelimited",
			       json_object_new_uint64(d->stats.replies_ratelimited));
	json_object_object_add(o, "icmpv6", icmp);
	/* The data plane's counters as xmip6ctl prints them from the map. */
	json_object_object_add(o, "dataplane",
			       dp_stats_read(&d->dp, &s) ? json_object_new_object()
							 : dp_stats_json(&s));
	return o;
}

void daemon_stats_clear(struct daemon *d)
{
	memset(&d->stats, 0, sizeof(d->stats));
	dp_stats_clear(&d->dp);
}
