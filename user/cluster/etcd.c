// SPDX-License-Identifier: GPL-2.0
/*
 * etcd.c - the etcd client on the event loop: libcurl's multi interface
 * driven by curl_multi_socket_action() from an epoll set of our own and a
 * timerfd, JSON by json-c, base64 (the gateway's keys and values) by
 * OpenSSL. See etcd.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/queue.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>
#include <openssl/evp.h>

#include "cluster/etcd.h"
#include "common/util.h"
#include "config/config.h"
#include "daemon/daemon.h"

#define ETCD_MAX_EVENTS 64
#define ETCD_HOST_CONNS 64	     /* connections a member: beyond, curl queues */
#define ETCD_MAX_BODY	(256u << 20) /* a range of a million bindings fits */
#define ETCD_CONNECT_MS 500

struct etcd_req {
	struct etcd *e;
	CURL *easy;
	LIST_ENTRY(etcd_req) link;
	char path[48];
	char *body;
	char *buf; /* the answer so far (a call) */
	size_t len, cap;
	json_tokener *tok; /* a stream: messages as they come */
	etcd_msg_fn msg;
	etcd_done_fn done;
	void *arg;
	int tries;
	bool stream;
	bool in_cb; /* in @msg: a cancel only marks it */
	char errbuf[CURL_ERROR_SIZE];
};

LIST_HEAD(etcd_reqs, etcd_req);

struct etcd {
	const struct config_cluster *cfg;
	CURLM *multi;
	int epfd, tfd;
	int cur; /* the member the next request goes to */
	struct curl_slist *hdrs;
	struct etcd_reqs reqs; /* in flight */
	int n_reqs;
};

static bool curl_ready;

void etcd_b64(const void *data, size_t len, char *out)
{
	EVP_EncodeBlock((unsigned char *)out, data, (int)len);
}

int etcd_unb64(const char *in, void *out, size_t cap)
{
	size_t n = strlen(in);
	unsigned char tmp[2048]; /* a value (codec.h CLUSTER_VALUE_MAX) or a key */
	int len;

	if (!n || n % 4 || n / 4 * 3 > sizeof(tmp))
		return n ? -1 : 0;
	len = EVP_DecodeBlock(tmp, (const unsigned char *)in, (int)n);
	if (len < 0)
		return -1;
	/* EVP_DecodeBlock() counts the padding as octets. */
	len -= (in[n - 1] == '=') + (in[n - 2] == '=');
	if ((size_t)len > cap)
		return -1;
	memcpy(out, tmp, len);
	return len;
}

/* ---- curl's sockets and timer on our epoll set ------------------------------------------- */

static int on_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct etcd *e = userp;
	struct epoll_event ev = {.data.fd = s};

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		epoll_ctl(e->epfd, EPOLL_CTL_DEL, s, NULL);
		return 0;
	}
	ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0) | (what & CURL_POLL_OUT ? EPOLLOUT : 0);
	/* socketp is set once the socket is in the set; a descriptor number
	 * curl reuses may be there (EEXIST) or gone (ENOENT) all the same. */
	if (epoll_ctl(e->epfd, socketp ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, s, &ev))
		epoll_ctl(e->epfd, errno == EEXIST ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, s, &ev);
	curl_multi_assign(e->multi, s, e); /* socketp non-NULL: added */
	return 0;
}

static int on_timer(CURLM *multi, long timeout_ms, void *userp)
{
	struct etcd *e = userp;
	struct itimerspec its = {0};

	(void)multi;
	if (timeout_ms >= 0) {
		/* 0 means now: the timerfd needs a non-zero value to fire. */
		its.it_value.tv_sec = timeout_ms / 1000;
		its.it_value.tv_nsec = (timeout_ms % 1000) * 1000000L ?: 1;
	}
	timerfd_settime(e->tfd, 0, &its, NULL);
	return 0;
}

/* ---- requests ------------------------------------------------------------------------------ */

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	struct etcd_req *r = arg;
	size_t len = size * n, off = 0;
	struct json_object *obj;
	char *grown;

	if (!r->stream) {
		if (r->len + len + 1 > r->cap) {
			size_t cap = (r->len + len + 1) * 2;

			if (cap > ETCD_MAX_BODY || !(grown = realloc(r->buf, cap)))
				return 0; /* curl ends the transfer: CURLE_WRITE_ERROR */
			r->buf = grown;
			r->cap = cap;
		}
		memcpy(r->buf + r->len, p, len);
		r->len += len;
		r->buf[r->len] = 0;
		return len;
	}
	/* The gateway writes one JSON object per message: parse as they come. */
	while (off < len) {
		obj = json_tokener_parse_ex(r->tok, p + off, (int)(len - off));
		if (json_tokener_get_error(r->tok) == json_tokener_continue)
			break;
		if (!obj)
			return 0;
		off += json_tokener_get_parse_end(r->tok);
		json_tokener_reset(r->tok);
		r->in_cb = true;
		r->msg(r->arg, obj);
		r->in_cb = false;
		json_object_put(obj);
		/* The callback may have cancelled us: the stream's end is ours. */
		if (!r->msg)
			return 0;
	}
	return len;
}

static void req_free(struct etcd_req *r)
{
	struct etcd *e = r->e;

	LIST_REMOVE(r, link);
	e->n_reqs--;
	if (r->easy) {
		curl_multi_remove_handle(e->multi, r->easy);
		curl_easy_cleanup(r->easy);
	}
	if (r->tok)
		json_tokener_free(r->tok);
	free(r->body);
	free(r->buf);
	free(r);
}

static int req_start(struct etcd_req *r)
{
	struct etcd *e = r->e;
	const struct config_cluster *cfg = e->cfg;
	char url[CONFIG_ENDPOINT_MAX + 64];
	CURL *h;

	if (r->easy) {
		curl_multi_remove_handle(e->multi, r->easy);
		curl_easy_cleanup(r->easy);
	}
	r->easy = h = curl_easy_init();
	if (!h)
		return -ENOMEM;
	r->len = 0;
	snprintf(url, sizeof(url), "%s%s", cfg->endpoints[e->cur], r->path);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, r->body);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, e->hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_PRIVATE, r);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(
		h, CURLOPT_CONNECTTIMEOUT_MS,
		(long)(cfg->timeout_ms < ETCD_CONNECT_MS ? cfg->timeout_ms : ETCD_CONNECT_MS));
	if (!r->stream)
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)cfg->timeout_ms);
	if (cfg->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, cfg->ca_file);
	if (cfg->cert_file) {
		curl_easy_setopt(h, CURLOPT_SSLCERT, cfg->cert_file);
		curl_easy_setopt(h, CURLOPT_SSLKEY, cfg->key_file);
	}
	r->errbuf[0] = 0;
	return curl_multi_add_handle(e->multi, h) == CURLM_OK ? 0 : -ENOMEM;
}

static struct etcd_req *req_new(struct etcd *e, const char *path, struct json_object *body,
				etcd_done_fn done, void *arg)
{
	struct etcd_req *r = calloc(1, sizeof(*r));

	if (r) {
		r->body = strdup(json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN));
		if (!r->body) {
			free(r);
			r = NULL;
		}
	}
	json_object_put(body);
	if (!r)
		return NULL;
	r->e = e;
	snprintf(r->path, sizeof(r->path), "%s", path);
	r->done = done;
	r->arg = arg;
	LIST_INSERT_HEAD(&e->reqs, r, link);
	e->n_reqs++;
	return r;
}

int etcd_call(struct etcd *e, const char *path, struct json_object *body, etcd_done_fn done,
	      void *arg)
{
	struct etcd_req *r = req_new(e, path, body, done, arg);
	int err;

	if (!r)
		return -ENOMEM;
	err = req_start(r);
	if (err)
		req_free(r);
	return err;
}

struct etcd_req *etcd_stream(struct etcd *e, const char *path, struct json_object *body,
			     etcd_msg_fn msg, etcd_done_fn done, void *arg)
{
	struct etcd_req *r = req_new(e, path, body, done, arg);

	if (!r)
		return NULL;
	r->stream = true;
	r->msg = msg;
	r->tok = json_tokener_new();
	if (!r->tok || req_start(r)) {
		req_free(r);
		return NULL;
	}
	return r;
}

void etcd_cancel(struct etcd *e, struct etcd_req *r)
{
	(void)e;
	if (!r)
		return;
	if (r->in_cb) {
		/* curl's own callback is running: the transfer ends when it returns. */
		r->msg = NULL;
		r->done = NULL;
		return;
	}
	req_free(r);
}

int etcd_inflight(const struct etcd *e)
{
	return e->n_reqs;
}

static bool unreachable(CURLcode rc)
{
	return rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
	       rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_GOT_NOTHING || rc == CURLE_SEND_ERROR ||
	       rc == CURLE_RECV_ERROR;
}

static int req_result(struct etcd_req *r, CURLcode rc, struct json_object **resp)
{
	long code = 0;

	*resp = NULL;
	if (rc == CURLE_OPERATION_TIMEDOUT)
		return -ETIMEDOUT;
	if (rc != CURLE_OK)
		return unreachable(rc) ? -ECONNREFUSED : -EIO;
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
	if (!r->stream && r->buf)
		*resp = json_tokener_parse(r->buf);
	if (code != 200)
		return -EIO;
	return r->stream || *resp ? 0 : -EPROTO;
}

/* What curl finished: retried at the next member, or handed to its caller. */
static void reap(struct etcd *e)
{
	const struct config_cluster *cfg = e->cfg;
	struct json_object *resp;
	struct etcd_req *r;
	CURLMsg *m;
	int left, err;

	while ((m = curl_multi_info_read(e->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
		err = req_result(r, m->data.result, &resp);
		if (err == -ECONNREFUSED || err == -ETIMEDOUT)
			e->cur = (e->cur + 1) % cfg->n_endpoints;
		if (err == -ECONNREFUSED && ++r->tries < cfg->n_endpoints && !req_start(r))
			continue;
		if (err && err != -EIO)
			pr_debug("etcd %s: %s", r->path,
				 r->errbuf[0] ? r->errbuf : curl_easy_strerror(m->data.result));
		if (r->done)
			r->done(r->arg, err, resp);
		json_object_put(resp);
		req_free(r);
	}
}

static void on_readable(struct daemon *d, void *arg, unsigned long long now)
{
	struct epoll_event ev[ETCD_MAX_EVENTS];
	struct etcd *e = arg;
	__u64 expirations;
	int i, n, running, flags;

	(void)d;
	(void)now;
	n = epoll_wait(e->epfd, ev, ETCD_MAX_EVENTS, 0);
	for (i = 0; i < n; i++) {
		if (ev[i].data.fd == e->tfd) {
			if (read(e->tfd, &expirations, sizeof(expirations)) < 0)
				continue;
			curl_multi_socket_action(e->multi, CURL_SOCKET_TIMEOUT, 0, &running);
			continue;
		}
		flags = (ev[i].events & EPOLLIN ? CURL_CSELECT_IN : 0) |
			(ev[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
			(ev[i].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
		curl_multi_socket_action(e->multi, ev[i].data.fd, flags, &running);
	}
	reap(e);
}

int etcd_open(struct daemon *d, const struct config_cluster *cfg, struct etcd **out)
{
	struct epoll_event ev = {.events = EPOLLIN};
	struct etcd *e;
	int err;

	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT))
			return -ENOMEM;
		curl_ready = true;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->cfg = cfg;
	LIST_INIT(&e->reqs);
	e->epfd = epoll_create1(EPOLL_CLOEXEC);
	e->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	e->multi = curl_multi_init();
	e->hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	if (e->epfd < 0 || e->tfd < 0 || !e->multi || !e->hdrs) {
		err = -ENOMEM;
		goto fail;
	}
	ev.data.fd = e->tfd;
	if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, e->tfd, &ev)) {
		err = -errno;
		goto fail;
	}
	curl_multi_setopt(e->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(e->multi, CURLMOPT_SOCKETDATA, e);
	curl_multi_setopt(e->multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(e->multi, CURLMOPT_TIMERDATA, e);
	curl_multi_setopt(e->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)ETCD_HOST_CONNS);
	err = daemon_watch(d, e->epfd, on_readable, e);
	if (err)
		goto fail;
	*out = e;
	return 0;
fail:
	pr_err("etcd client: %s", strerror(-err));
	etcd_close(e);
	return err;
}

void etcd_close(struct etcd *e)
{
	if (!e)
		return;
	while (!LIST_EMPTY(&e->reqs))
		req_free(LIST_FIRST(&e->reqs));
	if (e->multi)
		curl_multi_cleanup(e->multi);
	curl_slist_free_all(e->hdrs);
	if (e->tfd >= 0)
		close(e->tfd);
	if (e->epfd >= 0)
		close(e->epfd);
	free(e);
}

int etcd_call_sync(struct etcd *e, const char *path, struct json_object *body,
		   struct json_object **resp)
{
	struct etcd_req *r = req_new(e, path, body, NULL, NULL);
	CURLcode rc = CURLE_COULDNT_CONNECT;
	int err = -ECONNREFUSED;

	*resp = NULL;
	if (!r)
		return -ENOMEM;
	/* Not on the multi handle: each member in turn, blocking. */
	for (r->tries = 0; r->tries < e->cfg->n_endpoints; r->tries++) {
		if (req_start(r))
			break;
		curl_multi_remove_handle(e->multi, r->easy);
		rc = curl_easy_perform(r->easy);
		err = req_result(r, rc, resp);
		if (err != -ECONNREFUSED && err != -ETIMEDOUT)
			break;
		e->cur = (e->cur + 1) % e->cfg->n_endpoints;
	}
	if (err && err != -EIO)
		pr_debug("etcd %s: %s", r->path, r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc));
	curl_easy_cleanup(r->easy);
	r->easy = NULL;
	req_free(r);
	return err;
}
