// SPDX-License-Identifier: GPL-2.0
/*
 * ctl.c - the control socket between xmip6ctl and xmip6d (ctl.h; the
 * protocol is docs/control-protocol.md).
 *
 * The daemon's side never waits on a client: the daemon's event loop runs
 * Mobility Header signalling too, and a Binding Acknowledgement must not
 * wait behind a client that sends nothing, dribbles, or never reads. Each
 * connection is a slot (struct ctl_client) served step by step as its socket
 * becomes ready, with its own deadline: CTL_IO_TIMEOUT_MS to read its
 * request, as long again to take the reply. At most CTL_CLIENTS_MAX at once;
 * more are answered -EAGAIN and closed. Sends use MSG_NOSIGNAL: a client
 * that hangs up early must not SIGPIPE the daemon. The client side
 * (ctl_connect(), ctl_exchange()) blocks, with deadlines (poll).
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include "daemon/ctl.h"
#include "common/util.h"

/*
 * Room in the kernel for a burst of clients the loop has not taken yet:
 * above CTL_CLIENTS_MAX, so that the daemon answers the excess -EAGAIN
 * itself (and counts it) rather than the kernel refusing a non-blocking
 * connect() (EAGAIN) whenever the loop runs a moment late.
 */
#define CTL_BACKLOG (4 * CTL_CLIENTS_MAX)
#define CTL_ERR_MAX 256 /* a server-side reason, as sent in "error" */

static long long now_ms(void)
{
	return (long long)(mono_now_ns() / 1000000ULL);
}

/* Wait until @fd is ready for @events; -ETIMEDOUT once @deadline (now_ms()) passed. */
static int wait_fd(int fd, short events, long long deadline)
{
	struct pollfd p = {.fd = fd, .events = events};
	long long left;
	int n;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n > 0)
			return 0; /* POLLHUP/POLLERR too: the next recv/send says what */
		if (n == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

static int send_all(int fd, const char *buf, size_t len, long long deadline)
{
	ssize_t n;
	int err;

	while (len) {
		n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			buf += n;
			len -= n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		err = wait_fd(fd, POLLOUT, deadline);
		if (err)
			return err;
	}
	return 0;
}

static bool all_space(const char *s, size_t len)
{
	for (; len; s++, len--)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

struct json_read {
	size_t max;	   /* octets */
	int timeout_ms;	   /* deadline for the whole read, or for each step when... */
	bool per_progress; /* ...set: the deadline moves on whenever data arrives */
	struct json_object *obj;
	size_t total;
};

/* Feed one chunk: 1 when more is needed, 0 with r->obj set, -errno (reason in @err). */
static int json_read_feed(struct json_tokener *tok, struct json_read *r, const char *buf, size_t n,
			  char *err, size_t errlen)
{
	enum json_tokener_error jerr;
	size_t end;

	r->obj = json_tokener_parse_ex(tok, buf, n);
	jerr = json_tokener_get_error(tok);
	if (jerr == json_tokener_continue)
		return 1;
	if (jerr != json_tokener_success) {
		snprintf(err, errlen, "malformed JSON: %s", json_tokener_error_desc(jerr));
		return -EINVAL;
	}
	end = json_tokener_get_parse_end(tok);
	if (end < n && !all_space(buf + end, n - end)) {
		json_object_put(r->obj);
		r->obj = NULL;
		snprintf(err, errlen, "malformed JSON: data after the object");
		return -EINVAL;
	}
	return 0;
}

/*
 * Read one JSON value from @fd: it ends at its own closing brace, so a peer
 * that forgets to shut down its write side is served too. EOF before the
 * value is complete is -ENODATA (nothing at all) or -EINVAL.
 */
static int json_read(int fd, struct json_read *r, char *err, size_t errlen)
{
	struct json_tokener *tok = json_tokener_new();
	long long deadline = now_ms() + r->timeout_ms;
	char buf[4096];
	ssize_t n;
	int ret;

	r->obj = NULL;
	r->total = 0;
	if (!tok) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (;;) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			ret = wait_fd(fd, POLLIN, deadline);
			if (ret == -ETIMEDOUT)
				snprintf(err, errlen, "no complete JSON object within %d ms",
					 r->timeout_ms);
			else if (ret)
				snprintf(err, errlen, "poll: %s", strerror(-ret));
			if (ret)
				break;
			continue;
		}
		if (n < 0) {
			ret = -errno;
			snprintf(err, errlen, "recv: %s", strerror(errno));
			break;
		}
		if (n == 0) {
			ret = r->total ? -EINVAL : -ENODATA;
			snprintf(err, errlen, "%s", r->total ? "incomplete JSON" : "empty");
			break;
		}
		r->total += n;
		if (r->total > r->max) {
			ret = -EMSGSIZE;
			snprintf(err, errlen, "longer than %zu octets", r->max);
			break;
		}
		if (r->per_progress)
			deadline = now_ms() + r->timeout_ms;
		ret = json_read_feed(tok, r, buf, n, err, errlen);
		if (ret <= 0)
			break;
	}
	json_tokener_free(tok);
	return ret;
}

/* ---- server ------------------------------------------------------------------------------- */

static const struct ctl_command *command_find(const struct ctl_command *cmds, const char *name)
{
	for (; cmds && cmds->name; cmds++)
		if (!strcmp(cmds->name, name))
			return cmds;
	return NULL;
}

/* Check the request's shape, find its command and run it. */
static int dispatch(const struct ctl_server *s, struct json_object *req,
		    struct json_object **result, char *err, size_t errlen)
{
	struct json_object *cmd, *args = NULL, *empty = NULL;
	const struct ctl_command *c;
	const char *name;
	int ret;

	if (!json_object_is_type(req, json_type_object)) {
		snprintf(err, errlen, "the request is not a JSON object");
		return -EINVAL;
	}
	if (!json_object_object_get_ex(req, "command", &cmd) ||
	    !json_object_is_type(cmd, json_type_string)) {
		snprintf(err, errlen, "missing \"command\" (a string)");
		return -EINVAL;
	}
	name = json_object_get_string(cmd);
	if (json_object_object_get_ex(req, "args", &args) && args &&
	    !json_object_is_type(args, json_type_object)) {
		snprintf(err, errlen, "\"args\" is not an object");
		return -EINVAL;
	}
	c = command_find(s->commands, name);
	if (!c) {
		snprintf(err, errlen, "unknown command \"%.64s\"", name);
		return -EINVAL;
	}
	if (!args) {
		args = empty = json_object_new_object();
		if (!args) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
	}

	err[0] = '\0';
	ret = c->fn(args, result, err, errlen, c->ctx ? c->ctx : s->ctx);
	json_object_put(empty);
	if (ret >= 0)
		return 0;
	json_object_put(*result);
	*result = NULL;
	if (!err[0])
		snprintf(err, errlen, "%s", strerror(-ret));
	return ret;
}

/*
 * {"status": 0, "result": @result} (consumed) or {"status": @status, "error": @err}, with a
 * trailing newline for people reading the socket with socat; malloc'ed, its length in *@len.
 */
static char *reply_text(int status, struct json_object *result, const char *err, size_t *len)
{
	struct json_object *reply = json_object_new_object();
	const char *str;
	char *out = NULL;

	if (!reply) {
		json_object_put(result);
		return NULL;
	}
	json_object_object_add(reply, "status", json_object_new_int(status));
	if (status)
		json_object_object_add(reply, "error", json_object_new_string(err));
	else
		json_object_object_add(reply, "result", result ?: json_object_new_object());

	str = json_object_to_json_string_length(
		reply, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, len);
	if (str)
		out = malloc(*len + 1);
	if (out) {
		memcpy(out, str, *len);
		out[(*len)++] = '\n';
	}
	json_object_put(reply);
	return out;
}

/*
 * One connection, from accept to close, served a step at a time as the
 * epoll loop finds its socket ready: reading while @tok is set, writing
 * while @out is, and each phase bounded by @deadline (CTL_IO_TIMEOUT_MS).
 */
struct ctl_client {
	int fd; /* -1: a free slot */
	struct json_tokener *tok;
	size_t got; /* octets of the request so far */
	char *out;  /* the reply */
	size_t out_len, out_off;
	long long deadline; /* now_ms() */
};

static int client_watch(struct ctl_server *s, struct ctl_client *c, int op, __u32 events)
{
	struct epoll_event ev = {.events = events, .data.ptr = c};

	return epoll_ctl(s->fd, op, c->fd, &ev) ? -errno : 0;
}

static void client_close(struct ctl_server *s, struct ctl_client *c)
{
	close(c->fd); /* and out of the epoll set */
	if (c->tok)
		json_tokener_free(c->tok);
	free(c->out);
	*c = (struct ctl_client){.fd = -1};
	s->finished++;
}

/* Send what the socket takes now; closes @c once the reply is out or cannot go. */
static void client_write(struct ctl_server *s, struct ctl_client *c)
{
	ssize_t n;

	while (c->out_off < c->out_len) {
		n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			c->out_off += n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return; /* EPOLLOUT brings us back */
		if (errno != EPIPE && errno != ECONNRESET)
			pr_info("control socket: reply not sent: %s", strerror(errno));
		break;
	}
	client_close(s, c);
}

/* The request is read (or failed): from here on, write the reply. */
static void client_reply(struct ctl_server *s, struct ctl_client *c, int status,
			 struct json_object *result, const char *err)
{
	int ret;

	json_tokener_free(c->tok);
	c->tok = NULL;
	c->out = reply_text(status, result, err, &c->out_len);
	c->out_off = 0;
	c->deadline = now_ms() + CTL_IO_TIMEOUT_MS;
	ret = c->out ? client_watch(s, c, EPOLL_CTL_MOD, EPOLLOUT) : -ENOMEM;
	if (ret) {
		pr_info("control socket: reply not sent: %s", strerror(-ret));
		client_close(s, c);
		return;
	}
	client_write(s, c);
}

/* @ret: 0 with @req the request, or what was wrong with the request itself (@why). */
static void client_request(struct ctl_server *s, struct ctl_client *c, int ret,
			   struct json_object *req, const char *why)
{
	struct json_object *result = NULL;
	char err[CTL_ERR_MAX];

	if (!ret)
		ret = dispatch(s, req, &result, err, sizeof(err));
	else
		snprintf(err, sizeof(err), "request: %s", why);
	json_object_put(req);

	if (ret == -ENODATA) {
		/* Connected and hung up without a word (a probe): nobody to answer. */
		pr_debug("control socket: a client sent nothing");
		client_close(s, c);
		return;
	}
	if (ret)
		pr_info("control socket: refused: %s", err);
	client_reply(s, c, ret, result, err);
}

/* Read what has arrived; a complete request (or a broken one) goes on to the reply. */
static void client_read(struct ctl_server *s, struct ctl_client *c)
{
	struct json_read r = {.max = CTL_REQUEST_MAX};
	char buf[4096], why[CTL_ERR_MAX / 2];
	ssize_t n;
	int ret;

	for (;;) {
		n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return; /* EPOLLIN brings us back */
		if (n < 0) {
			ret = -errno;
			snprintf(why, sizeof(why), "recv: %s", strerror(errno));
			break;
		}
		if (n == 0) {
			ret = c->got ? -EINVAL : -ENODATA;
			snprintf(why, sizeof(why), "%s", c->got ? "incomplete JSON" : "empty");
			break;
		}
		c->got += n;
		if (c->got > r.max) {
			ret = -EMSGSIZE;
			snprintf(why, sizeof(why), "longer than %zu octets", r.max);
			break;
		}
		ret = json_read_feed(c->tok, &r, buf, n, why, sizeof(why));
		if (ret <= 0)
			break;
	}
	client_request(s, c, ret, r.obj, why);
}

/* Past its deadline: a request not read in time is answered -ETIMEDOUT, a reply dropped. */
static void client_expire(struct ctl_server *s, struct ctl_client *c)
{
	char why[CTL_ERR_MAX / 2];

	s->stats.timed_out++;
	if (c->tok) {
		snprintf(why, sizeof(why), "no complete JSON object within %d ms",
			 CTL_IO_TIMEOUT_MS);
		client_request(s, c, -ETIMEDOUT, NULL, why);
		return;
	}
	pr_info("control socket: reply not sent: %s", strerror(ETIMEDOUT));
	client_close(s, c);
}

/*
 * Every slot taken: answer -EAGAIN at once (a fresh socket has the room) and
 * close. Counted; logged at most once a second (ctl_server_serve()).
 */
static void refuse_busy(struct ctl_server *s, int fd)
{
	char err[CTL_ERR_MAX];
	size_t len;
	char *out;

	snprintf(err, sizeof(err), "busy: %d clients connected; try again", CTL_CLIENTS_MAX);
	out = reply_text(-EAGAIN, NULL, err, &len);
	if (out && send(fd, out, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		pr_debug("control socket: busy reply not sent: %s", strerror(errno));
	free(out);
	close(fd);
	s->stats.refused_busy++;
	s->refused_unlogged++;
}

static struct ctl_client *client_slot(struct ctl_server *s)
{
	int i;

	for (i = 0; i < CTL_CLIENTS_MAX; i++)
		if (s->clients[i].fd < 0)
			return &s->clients[i];
	return NULL;
}

static void client_start(struct ctl_server *s, int fd)
{
	struct ctl_client *c = client_slot(s);

	if (!c) {
		refuse_busy(s, fd);
		return;
	}
	*c = (struct ctl_client){
		.fd = fd,
		.tok = json_tokener_new(),
		.deadline = now_ms() + CTL_IO_TIMEOUT_MS,
	};
	if (!c->tok || client_watch(s, c, EPOLL_CTL_ADD, EPOLLIN)) {
		pr_info("control socket: cannot serve a client: %s",
			c->tok ? strerror(errno) : "out of memory");
		client_close(s, c);
		return;
	}
	client_read(s, c); /* the request is often there already */
}

static void accept_pending(struct ctl_server *s)
{
	int fd;

	for (;;) {
		fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				pr_warn("control socket %s: accept: %s", s->path, strerror(errno));
			return;
		}
		client_start(s, fd);
	}
}

static void expire_clients(struct ctl_server *s, long long now)
{
	int i;

	for (i = 0; i < CTL_CLIENTS_MAX; i++)
		if (s->clients[i].fd >= 0 && now >= s->clients[i].deadline)
			client_expire(s, &s->clients[i]);
}

static void log_refused(struct ctl_server *s, long long now)
{
	if (!s->refused_unlogged || now - s->refused_logged_ms < 1000)
		return;
	pr_warn("control socket: %llu connection(s) refused, %d clients already connected",
		s->refused_unlogged, CTL_CLIENTS_MAX);
	s->refused_unlogged = 0;
	s->refused_logged_ms = now;
}

int ctl_server_serve(struct ctl_server *s)
{
	struct epoll_event ev[CTL_CLIENTS_MAX + 1];
	unsigned long long before = s->finished;
	struct ctl_client *c;
	long long now;
	int n, i;

	if (s->fd < 0)
		return 0;
	n = epoll_wait(s->fd, ev, CTL_CLIENTS_MAX + 1, 0);
	for (i = 0; i < n; i++) {
		c = ev[i].data.ptr;
		if (!c)
			accept_pending(s);
		else if (c->tok)
			client_read(s, c);
		else if (c->out)
			client_write(s, c);
	}
	now = now_ms();
	expire_clients(s, now);
	log_refused(s, now);
	return (int)(s->finished - before);
}

/* mkdir -p the directories above @path's last component, each 0755 when we create it. */
static int make_parent_dirs(const char *path)
{
	char dir[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	for (slash = strchr(dir + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (!mkdir(dir, 0755)) {
			/* mkdir's mode passed through the umask: set it exactly. */
			if (chmod(dir, 0755))
				pr_warn("chmod %s: %s", dir, strerror(errno));
		} else if (errno != EEXIST) {
			pr_err("control socket: mkdir %s: %s", dir, strerror(errno));
			return -errno;
		}
		*slash = '/';
	}
	return 0;
}

static int bind_0660(int fd, const struct sockaddr_un *sa)
{
	mode_t old = umask(0117); /* the socket file is born 0660: no window wider than that */
	int ret = bind(fd, (const struct sockaddr *)sa, sizeof(*sa));

	umask(old);
	return ret ? -errno : 0;
}

/*
 * Someone's file is at @path. A socket nobody accepts on (ECONNREFUSED) is
 * the leftover of a daemon that died: remove it. A listening one belongs to a
 * live daemon; anything else is not ours to delete.
 */
static int remove_stale(const struct sockaddr_un *sa)
{
	const char *path = sa->sun_path;
	struct stat st;
	int probe, err = 0;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -errno; /* gone meanwhile: bind again */
	if (!S_ISSOCK(st.st_mode)) {
		pr_err("control socket %s: exists and is not a socket", path);
		return -EEXIST;
	}
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (probe < 0)
		return -errno;
	if (connect(probe, (const struct sockaddr *)sa, sizeof(*sa)))
		err = errno;
	close(probe);
	if (!err || err == EAGAIN) { /* EAGAIN: alive, its backlog is full */
		pr_err("control socket %s: in use by another process", path);
		return -EADDRINUSE;
	}
	if (err != ECONNREFUSED) {
		pr_err("control socket %s: cannot tell whether it is in use: connect: %s", path,
		       strerror(err));
		return -err;
	}
	if (unlink(path) && errno != ENOENT) {
		pr_err("control socket %s: removing the stale socket: %s", path, strerror(errno));
		return -errno;
	}
	pr_info("control socket %s: replaced a stale socket", path);
	return 0;
}

static int server_bind(struct ctl_server *s, const struct sockaddr_un *sa)
{
	int ret;

	ret = make_parent_dirs(sa->sun_path);
	if (ret)
		return ret;
	ret = bind_0660(s->listen_fd, sa);
	if (ret == -EADDRINUSE) {
		ret = remove_stale(sa);
		if (ret)
			return ret;
		ret = bind_0660(s->listen_fd, sa);
	}
	if (ret) {
		pr_err("control socket %s: bind: %s", sa->sun_path, strerror(-ret));
		return ret;
	}
	/* From here on the file is ours: ctl_server_close() removes it. */
	snprintf(s->path, sizeof(s->path), "%s", sa->sun_path);
	if (chmod(s->path, 0660)) {
		ret = -errno;
		pr_err("control socket %s: chmod: %s", s->path, strerror(errno));
		return ret;
	}
	if (listen(s->listen_fd, CTL_BACKLOG)) {
		ret = -errno;
		pr_err("control socket %s: listen: %s", s->path, strerror(errno));
		return ret;
	}
	return 0;
}

/* The epoll set ctl_server_serve() waits on: the listening socket (data NULL), then clients. */
static int server_epoll(struct ctl_server *s)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
	int i;

	s->clients = calloc(CTL_CLIENTS_MAX, sizeof(*s->clients));
	if (!s->clients)
		return -ENOMEM;
	for (i = 0; i < CTL_CLIENTS_MAX; i++)
		s->clients[i].fd = -1;
	s->fd = epoll_create1(EPOLL_CLOEXEC);
	if (s->fd < 0 || epoll_ctl(s->fd, EPOLL_CTL_ADD, s->listen_fd, &ev))
		return -errno;
	return 0;
}

int ctl_server_open(struct ctl_server *s, const char *path, const struct ctl_command *commands,
		    void *ctx)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int ret;

	*s = (struct ctl_server){.fd = -1, .listen_fd = -1, .commands = commands, .ctx = ctx};
	if (!path || !*path || strlen(path) >= sizeof(sa.sun_path) ||
	    strlen(path) >= sizeof(s->path)) {
		pr_err("control socket \"%s\": empty or longer than %zu characters",
		       path ? path : "", sizeof(sa.sun_path) - 1);
		return -EINVAL;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);

	s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0) {
		ret = -errno;
		pr_err("control socket: socket: %s", strerror(errno));
		return ret;
	}
	ret = server_epoll(s);
	if (ret)
		pr_err("control socket: epoll: %s", strerror(-ret));
	else
		ret = server_bind(s, &sa);
	if (ret) {
		ctl_server_close(s);
		return ret;
	}
	pr_debug("control socket %s: listening", s->path);
	return 0;
}

void ctl_server_close(struct ctl_server *s)
{
	int i;

	for (i = 0; s->clients && i < CTL_CLIENTS_MAX; i++)
		if (s->clients[i].fd >= 0)
			client_close(s, &s->clients[i]);
	free(s->clients);
	s->clients = NULL;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	s->listen_fd = -1;
	if (s->path[0] && unlink(s->path) && errno != ENOENT)
		pr_warn("control socket %s: unlink: %s", s->path, strerror(errno));
	s->path[0] = '\0';
}

/* ---- client ------------------------------------------------------------------------------- */

int ctl_connect(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	/* Bounds connect() itself when the daemon's backlog is full. */
	struct timeval tv = {
		.tv_sec = CTL_CLIENT_TIMEOUT_MS / 1000,
		.tv_usec = (CTL_CLIENT_TIMEOUT_MS % 1000) * 1000,
	};
	int fd, ret;

	if (!path || strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "connect: %s", strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return ret;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) ||
	    connect(fd, (const struct sockaddr *)&sa, sizeof(sa))) {
		ret = -errno;
		snprintf(err, errlen, "connect: %s", strerror(errno));
		close(fd);
		return ret;
	}
	return fd;
}

static int request_send(int fd, const char *command, struct json_object *args, char *err,
			size_t errlen)
{
	struct json_object *req = json_object_new_object();
	const char *str;
	size_t len;
	int ret;

	if (!req) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	json_object_object_add(req, "command", json_object_new_string(command));
	json_object_object_add(req, "args",
			       args ? json_object_get(args) : json_object_new_object());
	str = json_object_to_json_string_length(
		req, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	ret = str ? send_all(fd, str, len, now_ms() + CTL_CLIENT_TIMEOUT_MS) : -ENOMEM;
	json_object_put(req);
	/* The end of the request, for a daemon that reads to EOF. */
	if (!ret && shutdown(fd, SHUT_WR))
		ret = -errno;
	if (ret)
		snprintf(err, errlen, "sending the request: %s", strerror(-ret));
	return ret;
}

/* Take the daemon's reply apart: its status, and the result or the error text. */
static int reply_parse(struct json_object *reply, struct json_object **result, char *err,
		       size_t errlen)
{
	struct json_object *status, *val;
	int64_t st;

	if (!json_object_is_type(reply, json_type_object) ||
	    !json_object_object_get_ex(reply, "status", &status) ||
	    !json_object_is_type(status, json_type_int)) {
		snprintf(err, errlen, "malformed reply from the daemon: no \"status\"");
		return -EPROTO;
	}
	st = json_object_get_int64(status);
	if (st > 0 || st < -4095) {
		snprintf(err, errlen, "malformed reply from the daemon: status %lld",
			 (long long)st);
		return -EPROTO;
	}
	if (st) {
		if (json_object_object_get_ex(reply, "error", &val) &&
		    json_object_is_type(val, json_type_string))
			snprintf(err, errlen, "%s", json_object_get_string(val));
		else
			snprintf(err, errlen, "%s", strerror((int)-st));
		return (int)st;
	}
	if (!json_object_object_get_ex(reply, "result", &val) || !val)
		*result = json_object_new_object();
	else
		*result = json_object_get(val);
	return *result ? 0 : -ENOMEM;
}

int ctl_exchange(int fd, const char *command, struct json_object *args, struct json_object **result,
		 char *err, size_t errlen)
{
	struct json_read r = {
		.max = CTL_REPLY_MAX,
		.timeout_ms = CTL_CLIENT_TIMEOUT_MS,
		.per_progress = true,
	};
	char why[CTL_ERR_MAX];
	int ret, sent;

	*result = NULL;
	/*
	 * A daemon that refuses the request early (too long) closes while we
	 * still write: its reply may be waiting anyway, so read before judging.
	 */
	sent = request_send(fd, command, args, err, errlen);
	if (sent == -ETIMEDOUT || sent == -ENOMEM)
		return sent; /* not even reading: do not wait for it twice */
	ret = json_read(fd, &r, why, sizeof(why));
	if (ret && sent)
		return sent;
	if (ret == -ETIMEDOUT) {
		snprintf(err, errlen, "no reply from the daemon within %d s",
			 CTL_CLIENT_TIMEOUT_MS / 1000);
		return ret;
	}
	if (ret == -ENODATA) {
		snprintf(err, errlen, "the daemon closed the connection without a reply");
		return -ECONNRESET;
	}
	if (ret) {
		snprintf(err, errlen, "malformed reply from the daemon: %s", why);
		return ret == -EINVAL ? -EPROTO : ret;
	}
	ret = reply_parse(r.obj, result, err, errlen);
	json_object_put(r.obj);
	return ret;
}
