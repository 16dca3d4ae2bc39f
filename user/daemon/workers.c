// SPDX-License-Identifier: GPL-2.0
/*
 * workers.c - registration workers: threads with their own queue, raw
 * sockets, send batch, counters and MAX_UPDATE_RATE table. See workers.h.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include <json-c/json.h>

#include "daemon/workers.h"

/* Records a worker's queue holds, each way: two drains of the ring. */
#define QUEUE_LEN 2048U
/* How long the event loop waits for room in a worker's queue. */
#define ROOM_WAIT_NS 1000000000ULL
#define ROOM_POLL_NS 100000L

struct queued_record {
	unsigned long long rx_ns;
	__u32 len;
	int ifindex;
	bool tunnelled;
	bool has_snap;
	struct xmip6_signal_snap snap; /* sig_rx.snap's copy */
	__u8 packet[XMIP6_SIGNAL_MAX_LEN];
};

/* One producer, one consumer: head is the consumer's, tail the producer's. */
struct record_queue {
	__u32 head __attribute__((aligned(64)));
	__u32 tail __attribute__((aligned(64)));
	struct queued_record *rec;
};

struct daemon_worker {
	struct daemon_workers *pool;
	pthread_t thread;
	bool started;
	int efd;		  /* wakes the worker */
	struct record_queue in;	  /* event loop -> worker */
	struct record_queue back; /* worker -> event loop */
	__u32 handed_back;	  /* the worker's count of records it handed back */
	__u32 taken_back;	  /* the event loop's count of those it ran (atomic) */
	bool sleeping;		  /* blocked on efd, its queue seen empty (atomic) */
	bool kick;		  /* the loop queued records since the last kick */
	struct sig_socks socks;
	struct daemon_stats stats; /* the worker's own (daemon_ctr_add()), */
	struct daemon_latency bu_ba;
	struct daemon_stats stats_folded; /* and what the loop already added */
	struct daemon_latency bu_ba_folded;
	struct daemon_lane lane;
	struct dp_refresh_batch refreshes; /* the lane's */
	struct update_rate update_rate;
	struct token_bucket errors;
	unsigned int error_rate;
	struct log_class log;
};

struct daemon_workers {
	struct daemon *d;
	daemon_worker_fn fn;
	void *arg;
	unsigned int n;
	int back_efd;	/* wakes the event loop: something was handed back */
	bool stopping;	/* atomic */
	bool replaying; /* the loop runs a handed-back record: not queued again */
	struct daemon_worker *w;
};

/* RFC 4443 section 2.4 (f)'s budget, daemon.c's ERROR_RATE, split between the workers. */
#define ERROR_RATE 10

/* ---- the queues ------------------------------------------------------------------------------ */

static __u32 queue_used(const struct record_queue *q)
{
	return __atomic_load_n(&q->tail, __ATOMIC_ACQUIRE) -
	       __atomic_load_n(&q->head, __ATOMIC_ACQUIRE);
}

/* The producer's next free record, or NULL when full. */
static struct queued_record *queue_slot(struct record_queue *q)
{
	__u32 tail = q->tail, head = __atomic_load_n(&q->head, __ATOMIC_ACQUIRE);

	return tail - head < QUEUE_LEN ? &q->rec[tail % QUEUE_LEN] : NULL;
}

static void queue_push(struct record_queue *q)
{
	__atomic_store_n(&q->tail, q->tail + 1, __ATOMIC_RELEASE);
}

/* The consumer's oldest record, or NULL when empty. */
static const struct queued_record *queue_peek(struct record_queue *q)
{
	__u32 head = q->head, tail = __atomic_load_n(&q->tail, __ATOMIC_ACQUIRE);

	return head != tail ? &q->rec[head % QUEUE_LEN] : NULL;
}

static void queue_pop(struct record_queue *q)
{
	__atomic_store_n(&q->head, q->head + 1, __ATOMIC_RELEASE);
}

static void record_fill(struct queued_record *r, const void *packet, size_t len, int ifindex,
			bool tunnelled, unsigned long long rx_ns,
			const struct xmip6_signal_snap *snap)
{
	r->has_snap = snap;
	if (snap)
		r->snap = *snap;
	r->rx_ns = rx_ns;
	r->len = len;
	r->ifindex = ifindex;
	r->tunnelled = tunnelled;
	memcpy(r->packet, packet, len);
}

/* ---- counters -------------------------------------------------------------------------------- */

/* Adds @pub - @folded to @sum, and @folded becomes @pub. */
static void counters_fold(__u64 *sum, const __u64 *pub, __u64 *folded, size_t n)
{
	__u64 v;
	size_t i;

	for (i = 0; i < n; i++) {
		v = __atomic_load_n(&pub[i], __ATOMIC_RELAXED);
		sum[i] += v - folded[i];
		folded[i] = v;
	}
}

#define N_U64(x) (sizeof(x) / sizeof(__u64))

void daemon_workers_fold(struct daemon *d)
{
	struct daemon_workers *p = d->workers;
	struct daemon_worker *w;
	unsigned int i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++) {
		w = &p->w[i];
		counters_fold((__u64 *)&d->stats, (const __u64 *)&w->stats,
			      (__u64 *)&w->stats_folded, N_U64(d->stats));
		counters_fold((__u64 *)&d->bu_ba, (const __u64 *)&w->bu_ba,
			      (__u64 *)&w->bu_ba_folded, N_U64(d->bu_ba));
	}
}

struct json_object *daemon_workers_json(const struct daemon *d)
{
	const struct daemon_workers *p = d->workers;
	struct json_object *arr = json_object_new_array(), *o;
	const struct daemon_worker *w;
	__u64 ba;
	unsigned int i, s;

	for (i = 0; p && i < p->n; i++) {
		w = &p->w[i];
		for (s = 0, ba = 0; s < 256; s++)
			ba += __atomic_load_n(&w->stats.ba_sent[s], __ATOMIC_RELAXED);
		o = json_object_new_object();
		json_object_object_add(o, "ba_sent", json_object_new_uint64(ba));
		json_object_object_add(o, "bindings_refreshed",
				       json_object_new_uint64(__atomic_load_n(
					       &w->stats.bindings_refreshed, __ATOMIC_RELAXED)));
		json_object_object_add(
			o, "handed_back",
			json_object_new_uint64(__atomic_load_n(&w->taken_back, __ATOMIC_RELAXED)));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* ---- the worker ------------------------------------------------------------------------------ */

const struct daemon_lane *daemon_worker_lane(struct daemon_worker *w)
{
	return &w->lane;
}

bool daemon_worker_rate_ok(struct daemon_worker *w, const struct in6_addr *hoa, __u16 sequence)
{
	struct addr6_buf h;

	if (update_rate_allow(&w->update_rate, hoa, mono_now_ns()))
		return true;
	daemon_ctr_add(&w->stats.drops[DROP_update_rate], 1);
	if (log_class_allowed(&w->log, __func__, LOG_NOTICE))
		log_msg(LOG_NOTICE,
			"BU seq %u for %s discarded: more than %d a second (MAX_UPDATE_RATE)",
			sequence, addr6_str(hoa, &h), MIP6_MAX_UPDATE_RATE);
	return false;
}

bool daemon_worker_error_allowed(struct daemon_worker *w)
{
	if (token_bucket_take(&w->errors, w->error_rate, mono_now_ns()))
		return true;
	daemon_ctr_add(&w->stats.errors_ratelimited, 1);
	return false;
}

struct log_class *daemon_worker_log_class(struct daemon_worker *w)
{
	return &w->log;
}

static void hand_back(struct daemon_worker *w, const struct queued_record *r)
{
	struct queued_record *b;
	struct timespec pause = {.tv_nsec = ROOM_POLL_NS};
	__u64 one = 1;

	/* What this worker answered before goes out before the loop answers
	 * this one: a node's BAs leave in the order of its BUs. */
	sig_flush(&w->socks);
	/* The event loop empties this queue as it takes from the ring
	 * (daemon_workers_room()): waiting is the back-pressure. */
	while (!(b = queue_slot(&w->back))) {
		if (__atomic_load_n(&w->pool->stopping, __ATOMIC_ACQUIRE))
			return;
		nanosleep(&pause, NULL);
	}
	*b = *r;
	queue_push(&w->back);
	w->handed_back++;
	/* Fails only when the counter is full: the loop will look anyway. */
	(void)!write(w->pool->back_efd, &one, sizeof(one));
}

/*
 * One record: parsed again, to the role's handler. The loop verified its
 * checksum (receive()): not again here.
 */
static void worker_take(struct daemon_worker *w, const struct queued_record *r)
{
	struct daemon_workers *p = w->pool;
	struct mh_msg msg;
	struct sig_rx rx;

	/* Behind a record still waiting on the loop: after it, in order. */
	if (w->handed_back != __atomic_load_n(&w->taken_back, __ATOMIC_ACQUIRE)) {
		hand_back(w, r);
		return;
	}
	if (sig_parse_packet(r->packet, r->len, r->ifindex, r->tunnelled, &rx) ||
	    mh_parse(rx.mh, rx.mh_len, NULL, NULL, &msg) != MH_PARSE_OK) {
		hand_back(w, r);
		return;
	}
	rx.rx_ns = r->rx_ns;
	rx.snap = r->has_snap ? &r->snap : NULL;
	if (!p->fn(w, p->arg, &rx, &msg))
		hand_back(w, r);
}

static void *worker_main(void *arg)
{
	struct daemon_worker *w = arg;
	const struct queued_record *r;
	__u64 n;

	for (;;) {
		dp_refresh_open(&w->refreshes, true);
		if (sig_batch_start(&w->socks, daemon_lane_send_failed, daemon_lane_before_send,
				    &w->lane))
			log_msg(LOG_WARNING, "worker send batch: out of memory; one at a time");
		/* Popped once answered, so that quiesce sees it until then. */
		while ((r = queue_peek(&w->in))) {
			worker_take(w, r);
			queue_pop(&w->in);
		}
		sig_batch_stop(&w->socks);
		dp_refresh_open(&w->refreshes, false);
		/* Asleep, then the queue looked at again: the loop queues, then
		 * looks whether we sleep (daemon_workers_kick()); one of the two
		 * sees the other (both fenced). */
		__atomic_store_n(&w->sleeping, true, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (!queue_peek(&w->in) && !__atomic_load_n(&w->pool->stopping, __ATOMIC_ACQUIRE)) {
			while (read(w->efd, &n, sizeof(n)) < 0 && errno == EINTR)
				;
		}
		__atomic_store_n(&w->sleeping, false, __ATOMIC_RELAXED);
		if (__atomic_load_n(&w->pool->stopping, __ATOMIC_ACQUIRE))
			break;
	}
	return NULL;
}

/* ---- the event loop's side ------------------------------------------------------------------- */

/* Run what the workers handed back, in each one's order. */
static void run_handed_back(struct daemon_workers *p)
{
	const struct queued_record *r;
	struct daemon_worker *w;
	unsigned int i;
	__u32 ran;

	p->replaying = true;
	for (i = 0; i < p->n; i++) {
		w = &p->w[i];
		for (ran = 0; (r = queue_peek(&w->back)); ran++) {
			daemon_receive_again(p->d, r->packet, r->len, r->ifindex, r->tunnelled,
					     r->rx_ns);
			queue_pop(&w->back);
		}
		if (!ran)
			continue;
		/* Their answers out before the worker answers what follows. */
		sig_flush(&p->d->socks);
		__atomic_store_n(&w->taken_back, w->taken_back + ran, __ATOMIC_RELEASE);
	}
	p->replaying = false;
}

/* The event loop's hook on back_efd. */
static void back_readable(struct daemon *d, void *arg, unsigned long long now)
{
	struct daemon_workers *p = arg;
	__u64 n;

	(void)now;
	if (read(p->back_efd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		pr_debug("workers: %s", strerror(errno));
	daemon_batch_begin(d);
	run_handed_back(p);
	daemon_batch_end(d);
	daemon_workers_kick(d);
}

/* A home address's worker: the same one for all its BUs. */
static unsigned int worker_of(const struct daemon_workers *p, const struct in6_addr *key)
{
	__u32 h = key->s6_addr32[0] ^ key->s6_addr32[1] ^ key->s6_addr32[2] ^ key->s6_addr32[3];

	h ^= h >> 16;
	h *= 0x45d9f3bU;
	h ^= h >> 16;
	return h % p->n;
}

bool daemon_workers_take(struct daemon *d, const struct in6_addr *key, const struct sig_rx *rx)
{
	struct daemon_workers *p = d->workers;
	struct queued_record *r;
	struct daemon_worker *w;

	if (!p || p->replaying || rx->packet_len > XMIP6_SIGNAL_MAX_LEN)
		return false;
	w = &p->w[worker_of(p, key)];
	r = queue_slot(&w->in);
	if (!r) {
		/* daemon_workers_room() waited a second for room: dropped, the
		 * mobile node retransmits (RFC 6275 section 11.8). */
		daemon_count_drop(d, DROP_worker_queue_full);
		return true;
	}
	record_fill(r, rx->packet, rx->packet_len, rx->ifindex, rx->tunnelled, rx->rx_ns, rx->snap);
	queue_push(&w->in);
	w->kick = true;
	return true;
}

void daemon_workers_kick(struct daemon *d)
{
	struct daemon_workers *p = d->workers;
	__u64 one = 1;
	unsigned int i;

	if (!p)
		return;
	/* The records queued before whether it sleeps is read (worker_main()). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (i = 0; i < p->n; i++) {
		if (!p->w[i].kick)
			continue;
		p->w[i].kick = false;
		/* Awake, it sees them before it sleeps again: no system call. */
		if (!__atomic_load_n(&p->w[i].sleeping, __ATOMIC_RELAXED))
			continue;
		if (write(p->w[i].efd, &one, sizeof(one)) < 0)
			pr_debug("worker %u: wake-up: %s", i, strerror(errno));
	}
}

static __u32 least_room(const struct daemon_workers *p)
{
	__u32 room = QUEUE_LEN, r;
	unsigned int i;

	for (i = 0; i < p->n; i++) {
		r = QUEUE_LEN - queue_used(&p->w[i].in);
		if (r < room)
			room = r;
	}
	return room;
}

unsigned int daemon_workers_room(struct daemon *d, unsigned int budget)
{
	struct daemon_workers *p = d->workers;
	struct timespec pause = {.tv_nsec = ROOM_POLL_NS};
	unsigned long long until = 0;
	__u32 room;

	if (!p)
		return budget;
	/* Every record may hash to one worker: room for all of them there. */
	for (;;) {
		run_handed_back(p);
		room = least_room(p);
		if (room >= budget)
			return budget;
		if (room >= budget / 4 && room)
			return room;
		if (!until)
			until = mono_now_ns() + ROOM_WAIT_NS;
		else if (mono_now_ns() > until)
			return room ?: budget; /* a stuck worker: what finds no room is dropped */
		daemon_workers_kick(d);
		nanosleep(&pause, NULL);
	}
}

void daemon_workers_quiesce(struct daemon *d)
{
	struct daemon_workers *p = d->workers;
	struct timespec pause = {.tv_nsec = ROOM_POLL_NS};
	unsigned int i;
	bool idle;

	if (!p)
		return;
	daemon_workers_kick(d);
	do {
		run_handed_back(p);
		idle = true;
		for (i = 0; i < p->n && idle; i++)
			idle = !queue_used(&p->w[i].in) &&
			       __atomic_load_n(&p->w[i].sleeping, __ATOMIC_SEQ_CST);
		if (!idle)
			nanosleep(&pause, NULL);
	} while (!idle);
	run_handed_back(p);
	daemon_workers_fold(d);
}

/* ---- start and stop -------------------------------------------------------------------------- */

static int worker_init(struct daemon_workers *p, struct daemon_worker *w)
{
	int err;

	w->pool = p;
	w->efd = eventfd(0, EFD_CLOEXEC);
	w->in.rec = calloc(QUEUE_LEN, sizeof(*w->in.rec));
	w->back.rec = calloc(QUEUE_LEN, sizeof(*w->back.rec));
	if (w->efd < 0 || !w->in.rec || !w->back.rec)
		return w->efd < 0 ? -errno : -ENOMEM;
	err = sig_open(&w->socks);
	if (err)
		return err;
	dp_refresh_init(&w->refreshes, p->d->refreshes.dp, p->d->refreshes.replay_fd);
	w->lane = (struct daemon_lane){.socks = &w->socks,
				       .stats = &w->stats,
				       .bu_ba = &w->bu_ba,
				       .refreshes = &w->refreshes};
	update_rate_init(&w->update_rate, 0);
	w->error_rate = ERROR_RATE / p->n ?: 1;
	return 0;
}

int daemon_workers_start(struct daemon *d, unsigned int n, daemon_worker_fn fn, void *arg)
{
	struct daemon_workers *p;
	sigset_t all, old;
	unsigned int i;
	int err;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->d = d;
	p->fn = fn;
	p->arg = arg;
	p->w = calloc(n, sizeof(*p->w));
	p->back_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	d->workers = p;
	if (!p->w || p->back_efd < 0) {
		err = p->w ? -errno : -ENOMEM;
		goto fail;
	}
	for (i = 0; i < n; i++) {
		p->w[i].efd = -1;
		p->w[i].socks.raw_fd = p->w[i].socks.icmp_fd = -1;
	}
	p->n = n;
	for (i = 0; i < n; i++) {
		err = worker_init(p, &p->w[i]);
		if (err)
			goto fail;
	}
	err = daemon_watch(d, p->back_efd, back_readable, p);
	if (err)
		goto fail;
	/* Signals are the event loop's (signalfd): none for the workers. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 0; i < n; i++) {
		err = -pthread_create(&p->w[i].thread, NULL, worker_main, &p->w[i]);
		if (err)
			break;
		p->w[i].started = true;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		goto fail;
	pr_notice("%u registration workers", n);
	return 0;
fail:
	pr_err("registration workers: %s", strerror(-err));
	daemon_workers_stop(d);
	return err;
}

void daemon_workers_stop(struct daemon *d)
{
	struct daemon_workers *p = d->workers;
	struct daemon_worker *w;
	__u64 one = 1;
	unsigned int i;

	if (!p)
		return;
	__atomic_store_n(&p->stopping, true, __ATOMIC_RELEASE);
	for (i = 0; i < p->n; i++) {
		w = &p->w[i];
		if (!w->started)
			continue;
		if (write(w->efd, &one, sizeof(one)) < 0)
			pr_debug("worker %u: wake-up: %s", i, strerror(errno));
		pthread_join(w->thread, NULL);
	}
	daemon_workers_fold(d);
	for (i = 0; p->w && i < p->n; i++) {
		w = &p->w[i];
		sig_close(&w->socks);
		if (w->efd >= 0)
			close(w->efd);
		free(w->in.rec);
		free(w->back.rec);
	}
	if (p->back_efd >= 0)
		close(p->back_efd);
	free(p->w);
	free(p);
	d->workers = NULL;
}
