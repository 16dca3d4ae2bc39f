// SPDX-License-Identifier: GPL-2.0
/*
 * metrics.c - the Prometheus endpoint (metrics-listen): GET /metrics in the
 * text exposition format 0.0.4, served by libmicrohttpd from its own
 * thread, so that no HTTP client (slow, huge, many, wrong) ever runs on the
 * event loop that answers Binding Updates.
 *
 * The HTTP thread reads two kinds of data. BPF maps by syscall, which the
 * kernel makes safe from any thread: the data plane's per-CPU counters,
 * summed as `xmip6ctl stats show` sums them (dp_stats_read()), and any
 * source registered with daemon_metrics_source_reg(), and the top
 * bindings' counters (metrics_bindings.c). And the event loop's own state (its counters, the BU->BA
 * latency histogram, the roles' gauges), which only the loop may touch: a
 * scrape asks for a snapshot through an eventfd, the loop copies it at its
 * next turn and hands it over under a mutex that the loop only ever
 * trylocks (a busy lock waits for the next 50 ms tick): the loop never
 * waits on the HTTP thread. A snapshot younger than SNAPSHOT_REUSE_NS is
 * served again, so a flood of scrapes costs the loop at most ten copies a
 * second. A loop that does not answer within SNAPSHOT_WAIT_MS gets the
 * last snapshot served, its age in xmip6_metrics_snapshot_age_seconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/eventfd.h>

#include <microhttpd.h>

#include "common/util.h"
#include "daemon/daemon.h"
#include "daemon/metrics.h"
#include "daemon/metrics_bindings.h"
#include "daemon/workers.h"
#include "dp/dataplane.h"
#include "version.h" /* written by the Makefile: XMIP6_VERSION, XMIP6_GIT_REV */

#define METRICS_PATH  "/metrics"
#define CONTENT_TYPE  "text/plain; version=0.0.4; charset=utf-8"
#define NSEC_PER_SEC  1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
/*
 * What one client may take (docs/security.md): MAX_CLIENTS connections at
 * once (more are refused at accept), CLIENT_TIMEOUT_S of silence before a
 * connection is closed (slowloris), CLIENT_MEMORY octets for a request's
 * headers (more: 431 Request Header Fields Too Large).
 */
#define MAX_CLIENTS	  16
#define CLIENT_TIMEOUT_S  10
#define CLIENT_MEMORY	  (16 * 1024)
#define LISTEN_BACKLOG	  16
#define SNAPSHOT_WAIT_MS  1000
#define SNAPSHOT_REUSE_NS (100 * NSEC_PER_MSEC)

/* The event loop's state as one scrape shows it. */
struct metrics_snapshot {
	unsigned long long taken_ns; /* 0: none yet */
	struct daemon_stats stats;
	struct daemon_latency bu_ba;
	__u64 gauges[DAEMON_MAX_GAUGES];
};

struct metrics {
	struct daemon *d; /* the loop's side only */
	struct MHD_Daemon *mhd;
	int efd;      /* a scrape asks the loop for a snapshot */
	int stats_fd; /* the HTTP thread's own descriptor of the stats map */
	bool pending; /* the loop's: asked, not handed over yet */
	/* Copied at start, read by the HTTP thread: names, labels and help only. */
	struct daemon_gauge gauges[DAEMON_MAX_GAUGES];
	int n_gauges;
	/* The status names, looked up by the loop before the thread starts:
	 * daemon_ba_status_key() fills a cache as it goes. */
	const char *ba_keys[256];
	/* The top bindings' counters (metrics_bindings.c), read at start. */
	struct metrics_bindings bindings;
	/* The data plane's counters first, the top bindings' second, then
	 * what the roles registered. */
	struct daemon_metrics_source sources[2 + DAEMON_MAX_SOURCES];
	int n_sources;
	pthread_mutex_t lock;
	pthread_cond_t handed; /* answered moved */
	/* Under lock. */
	__u64 asked, answered;
	bool stopping;
	struct metrics_snapshot shared;
	/* Without lock: the loop's scratch, the HTTP thread's copy. */
	struct metrics_snapshot scratch;
	struct metrics_snapshot view;
};

/* ---- the event loop's side ----------------------------------------------------------------- */

static void snapshot_hand_over(struct metrics *m, unsigned long long now)
{
	struct daemon *d = m->d;
	int i;

	if (!m->pending)
		return;
	m->scratch.taken_ns = now;
	daemon_workers_fold(d);
	m->scratch.stats = d->stats;
	m->scratch.bu_ba = d->bu_ba;
	for (i = 0; i < m->n_gauges; i++)
		m->scratch.gauges[i] = d->gauges[i].fn(d->gauges[i].arg);
	if (pthread_mutex_trylock(&m->lock))
		return; /* the HTTP thread is copying: the next tick hands it over */
	m->shared = m->scratch;
	m->answered = m->asked;
	pthread_cond_broadcast(&m->handed);
	pthread_mutex_unlock(&m->lock);
	m->pending = false;
}

static void snapshot_asked(struct daemon *d, void *arg, unsigned long long now)
{
	struct metrics *m = arg;
	__u64 n;

	(void)d;
	if (read(m->efd, &n, sizeof(n)) == sizeof(n))
		m->pending = true;
	snapshot_hand_over(m, now);
}

static void snapshot_tick(struct daemon *d, void *arg, unsigned long long now)
{
	(void)d;
	snapshot_hand_over(arg, now);
}

/* ---- the HTTP thread's side ---------------------------------------------------------------- */

/* A fresh snapshot into m->view, or the last one when the loop is late. False: none yet. */
static bool snapshot_get(struct metrics *m)
{
	struct timespec deadline;
	__u64 one = 1, want;
	int err = 0;

	pthread_mutex_lock(&m->lock);
	if (!m->stopping &&
	    (!m->shared.taken_ns || mono_now_ns() - m->shared.taken_ns >= SNAPSHOT_REUSE_NS)) {
		want = ++m->asked;
		/* Only fails when 2^64 - 2 requests are unread: the loop is gone anyway. */
		if (write(m->efd, &one, sizeof(one)) != sizeof(one))
			err = errno;
		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_nsec += SNAPSHOT_WAIT_MS * NSEC_PER_MSEC;
		deadline.tv_sec += deadline.tv_nsec / NSEC_PER_SEC;
		deadline.tv_nsec %= NSEC_PER_SEC;
		while (!err && !m->stopping && m->answered < want)
			err = pthread_cond_timedwait(&m->handed, &m->lock, &deadline);
	}
	m->view = m->shared;
	pthread_mutex_unlock(&m->lock);
	return m->view.taken_ns != 0;
}

/* "# HELP" and "# TYPE" of a family; the help escaped as the format says (\\, \n). */
static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s ", name);
	for (; *help; help++) {
		if (*help == '\\')
			fputs("\\\\", f);
		else if (*help == '\n')
			fputs("\\n", f);
		else
			fputc(*help, f);
	}
	fprintf(f, "\n# TYPE %s %s\n", name, type);
}

static void counter(FILE *f, const char *name, const char *help, __u64 v)
{
	family(f, name, "counter", help);
	fprintf(f, "%s %llu\n", name, (unsigned long long)v);
}

struct sample {
	const char *labels; /* NULL ends a list */
	__u64 value;
};

/* A family whose samples differ by their labels. */
static void labelled(FILE *f, const char *name, const char *type, const char *help,
		     const struct sample *samples)
{
	family(f, name, type, help);
	/* A gauge registered without labels is written without braces. */
	for (; samples->labels; samples++)
		fprintf(f, samples->labels[0] ? "%s{%s} %llu\n" : "%s%s %llu\n", name,
			samples->labels, (unsigned long long)samples->value);
}

/* Every data-plane counter, summed over the CPUs: xmip6_dataplane_<name>_total. */
static int dataplane_write(FILE *f, void *arg)
{
	struct metrics *m = arg;
	const struct xmip6_dp dp = {.stats_fd = m->stats_fd};
	struct xmip6_stats s;
	char name[96];
	size_t i;
	int err = dp_stats_read(&dp, &s);

	if (err)
		return err;
	for (i = 0; i < XMIP6_STAT_COUNT; i++) {
		snprintf(name, sizeof(name), "xmip6_dataplane_%s_total", dp_stat_descs[i].name);
		counter(f, name, dp_stat_descs[i].desc, dp_stat_value(&s, i));
	}
	/* The drops operators alert on, under names of their own. */
	labelled(f, "xmip6_signal_ring_drops_total", "counter",
		 "Mobility Header packets the data plane could not hand to the daemon",
		 (const struct sample[]){
			 {"reason=\"ring_full\"", s.sig_ring_full},
			 {"reason=\"too_long\"", s.sig_too_long},
			 {},
		 });
	labelled(f, "xmip6_ratelimit_drops_total", "counter",
		 "Packets and replies a rate limit refused, by limit",
		 (const struct sample[]){
			 {"limit=\"packet_too_big\"", s.ptb_ratelimited},
			 {"limit=\"signalling_admission\"", s.sig_unlisted_drop},
			 {"limit=\"icmpv6_errors\"", m->view.stats.errors_ratelimited},
			 {"limit=\"replies\"", m->view.stats.replies_ratelimited},
			 {"limit=\"max_update_rate\"", m->view.stats.drops[DROP_update_rate]},
			 {},
		 });
	return 0;
}

static void by_type(FILE *f, const char *name, const char *help, const __u64 *v)
{
	unsigned int t;

	family(f, name, "counter", help);
	for (t = 0; t <= MH_TYPE_KNOWN_MAX; t++)
		fprintf(f, "%s{type=\"%s\"} %llu\n", name, mh_type_str(t),
			(unsigned long long)v[t]);
	fprintf(f, "%s{type=\"unknown\"} %llu\n", name,
		(unsigned long long)v[MH_TYPE_KNOWN_MAX + 1]);
}

/* Every status RFC 6275 and RFC 4285 name, zeros included, and "other". */
static void by_ba_status(FILE *f, const struct metrics *m, const char *name, const char *help,
			 const __u64 *v)
{
	unsigned long long other = 0;
	const char *key;
	unsigned int s;

	family(f, name, "counter", help);
	for (s = 0; s < 256; s++) {
		key = m->ba_keys[s];
		if (key)
			fprintf(f, "%s{status=\"%s\"} %llu\n", name, key, (unsigned long long)v[s]);
		else
			other += v[s];
	}
	fprintf(f, "%s{status=\"other\"} %llu\n", name, other);
}

static void by_be_status(FILE *f, const char *name, const char *help, const __u64 *v)
{
	labelled(f, name, "counter", help,
		 (const struct sample[]){
			 {"status=\"unknown_hao_binding\"", v[MH_BE_UNKNOWN_HAO_BINDING]},
			 {"status=\"unknown_mh_type\"", v[MH_BE_UNKNOWN_MH_TYPE]},
			 {},
		 });
}

static void latency_write(FILE *f, const struct daemon_latency *h)
{
	const char *name = "xmip6_bu_ba_latency_seconds";
	unsigned long long cum = 0;
	int i;

	family(f, name, "histogram",
	       "Binding Update to Binding Acknowledgement: from the daemon taking the BU off "
	       "the signal ring to its BA handed to the socket, proxy DAD included");
	for (i = 0; i < DAEMON_LATENCY_BUCKETS; i++) {
		cum += h->bucket[i];
		fprintf(f, "%s_bucket{le=\"%g\"} %llu\n", name, daemon_latency_bounds_us[i] / 1e6,
			cum);
	}
	fprintf(f, "%s_bucket{le=\"+Inf\"} %llu\n", name, (unsigned long long)h->count);
	fprintf(f, "%s_sum %.9f\n", name, h->sum_ns / 1e9);
	fprintf(f, "%s_count %llu\n", name, (unsigned long long)h->count);
}

/* The roles' gauges, grouped by name (a family's samples must be together). */
static void gauges_write(FILE *f, const struct metrics *m)
{
	int i, j, k;

	for (i = 0; i < m->n_gauges; i++) {
		for (k = 0; k < i && strcmp(m->gauges[k].name, m->gauges[i].name); k++)
			;
		if (k < i)
			continue; /* written with the first of its name */
		family(f, m->gauges[i].name, "gauge", m->gauges[i].help);
		for (j = i; j < m->n_gauges; j++)
			if (!strcmp(m->gauges[j].name, m->gauges[i].name))
				fprintf(f, "%s{%s} %llu\n", m->gauges[j].name,
					m->gauges[j].labels ?: "",
					(unsigned long long)m->view.gauges[j]);
	}
}

static void daemon_write(FILE *f, const struct metrics *m)
{
	const struct daemon_stats *st = &m->view.stats;
	char name[96];
	int i;

	by_type(f, "xmip6_mh_received_total", "Mobility Header messages received, by type", st->rx);
	by_type(f, "xmip6_mh_sent_total", "Mobility Header messages sent, by type", st->tx);
	by_ba_status(f, m, "xmip6_ba_sent_total",
		     "Binding Acknowledgements sent (registrations answered), by status",
		     st->ba_sent);
	by_ba_status(f, m, "xmip6_ba_received_total",
		     "Binding Acknowledgements received, by status", st->ba_received);
	by_be_status(f, "xmip6_be_sent_total", "Binding Errors sent, by status", st->be_sent);
	by_be_status(f, "xmip6_be_received_total", "Binding Errors received, by status",
		     st->be_received);
	family(f, "xmip6_signalling_drops_total", "counter",
	       "Mobility Header packets the daemon went no further with, by reason");
	for (i = 0; i < DROP_COUNT; i++)
		fprintf(f, "xmip6_signalling_drops_total{reason=\"%s\"} %llu\n",
			daemon_drop_name(i), (unsigned long long)st->drops[i]);
	counter(f, "xmip6_icmpv6_param_problem_sent_total",
		"ICMPv6 Parameter Problems sent about Mobility Headers", st->param_problem_sent);
	latency_write(f, &m->view.bu_ba);
	gauges_write(f, m);
	snprintf(name, sizeof(name), "%.3f",
		 (mono_now_ns() - m->view.taken_ns) / (double)NSEC_PER_SEC);
	family(f, "xmip6_metrics_snapshot_age_seconds", "gauge",
	       "Age of the daemon's counters in this scrape (the event loop's last answer)");
	fprintf(f, "xmip6_metrics_snapshot_age_seconds %s\n", name);
}

/* The whole page, malloc'ed into *@page. 0 or -errno. */
static int page_write(struct metrics *m, char **page, size_t *len)
{
	FILE *f = open_memstream(page, len);
	int i, err = 0;

	if (!f)
		return -errno;
	family(f, "xmip6_build_info", "gauge", "The running xmip6d's version, always 1");
	fprintf(f, "xmip6_build_info{version=\"%s\",revision=\"%s\"} 1\n", XMIP6_VERSION,
		XMIP6_GIT_REV);
	daemon_write(f, m);
	for (i = 0; !err && i < m->n_sources; i++)
		err = m->sources[i].fn(f, m->sources[i].arg);
	if (fclose(f) && !err)
		err = -errno;
	if (err) {
		free(*page);
		*page = NULL;
	}
	return err;
}

static enum MHD_Result answer_text(struct MHD_Connection *conn, unsigned int status,
				   const char *text)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result serve(void *cls, struct MHD_Connection *conn, const char *url,
			     const char *method, const char *version, const char *upload_data,
			     size_t *upload_data_size, void **req_cls)
{
	struct metrics *m = cls;
	struct MHD_Response *r;
	enum MHD_Result ret;
	char *page = NULL;
	size_t len = 0;

	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)req_cls;
	if (strcmp(url, METRICS_PATH))
		return answer_text(conn, MHD_HTTP_NOT_FOUND, "not found; try " METRICS_PATH "\n");
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return answer_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only\n");
	if (!snapshot_get(m))
		return answer_text(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				   "the event loop has not answered yet\n");
	if (page_write(m, &page, &len))
		return answer_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
				   "reading the counters failed\n");
	r = MHD_create_response_from_buffer(len, page, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(page);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, CONTENT_TYPE);
	ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---- start and stop ------------------------------------------------------------------------ */

static int metrics_init(struct metrics *m, struct daemon *d)
{
	pthread_condattr_t ca;
	int i, err;

	m->d = d;
	m->efd = m->stats_fd = m->bindings.ctr_fd = m->bindings.slot_fd = -1;
	for (i = 0; i < 256; i++)
		m->ba_keys[i] = daemon_ba_status_key(i);
	memcpy(m->gauges, d->gauges, sizeof(m->gauges));
	m->n_gauges = d->n_gauges;
	/* Through the same door as the roles' sources: it is always used. */
	m->sources[0] = (struct daemon_metrics_source){.fn = dataplane_write, .arg = m};
	m->sources[1] =
		(struct daemon_metrics_source){.fn = metrics_bindings_write, .arg = &m->bindings};
	memcpy(m->sources + 2, d->msources, sizeof(d->msources));
	m->n_sources = 2 + d->n_msources;
	m->bindings.top = d->cfg.metrics_top_bindings;
	pthread_mutex_init(&m->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	err = pthread_cond_init(&m->handed, &ca);
	pthread_condattr_destroy(&ca);
	if (err)
		return -err;
	m->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	m->stats_fd = fcntl(d->dp.stats_fd, F_DUPFD_CLOEXEC, 0);
	if (m->efd < 0 || m->stats_fd < 0)
		return -errno;
	/* An instance attached by an older xmip6, or binding-counters =
	 * false: no counters, none shown. */
	if (d->dp.bctr_on) {
		m->bindings.ctr_fd = fcntl(d->dp.binding_ctr_fd, F_DUPFD_CLOEXEC, 0);
		m->bindings.slot_fd = fcntl(d->dp.binding_slot_fd, F_DUPFD_CLOEXEC, 0);
		m->bindings.ctr_slots = d->dp.ctr_slots;
		if (m->bindings.ctr_fd < 0 || m->bindings.slot_fd < 0)
			return -errno;
	}
	return daemon_watch(d, m->efd, snapshot_asked, m) ?: daemon_on_tick(d, snapshot_tick, m);
}

int metrics_start(struct daemon *d, struct metrics **out)
{
	const struct config_listen *l = &d->cfg.metrics_listen;
	struct sockaddr_in6 sa = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(l->port),
		.sin6_addr = l->addr,
	};
	struct addr6_buf a;
	struct metrics *m;
	int err;

	*out = NULL;
	if (!l->set)
		return 0;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	err = metrics_init(m, d);
	if (err) {
		pr_err("metrics: %s", strerror(-err));
		metrics_stop(m);
		return err;
	}
	/* No MHD_USE_ERROR_LOG: what clients get wrong is theirs, not the log's. */
	m->mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_IPv6, 0,
				  NULL, NULL, serve, m, MHD_OPTION_SOCK_ADDR, &sa,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned int)MAX_CLIENTS,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)CLIENT_TIMEOUT_S,
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CLIENT_MEMORY,
				  MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)LISTEN_BACKLOG,
				  MHD_OPTION_END);
	if (!m->mhd) {
		err = errno ? -errno : -EADDRNOTAVAIL;
		pr_err("metrics: cannot listen on [%s]:%u: %s", addr6_str(&l->addr, &a), l->port,
		       strerror(-err));
		metrics_stop(m);
		return err;
	}
	pr_notice("metrics on http://[%s]:%u%s", addr6_str(&l->addr, &a), l->port, METRICS_PATH);
	*out = m;
	return 0;
}

void metrics_stop(struct metrics *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	m->stopping = true;
	pthread_cond_broadcast(&m->handed);
	pthread_mutex_unlock(&m->lock);
	if (m->mhd)
		MHD_stop_daemon(m->mhd);
	if (m->efd >= 0)
		close(m->efd);
	if (m->stats_fd >= 0)
		close(m->stats_fd);
	if (m->bindings.ctr_fd >= 0)
		close(m->bindings.ctr_fd);
	if (m->bindings.slot_fd >= 0)
		close(m->bindings.slot_fd);
	pthread_cond_destroy(&m->handed);
	pthread_mutex_destroy(&m->lock);
	free(m);
}
