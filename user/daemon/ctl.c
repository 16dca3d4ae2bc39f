// SPDX-License-Identifier: GPL-2.0
/*
 * ctl.c - the control socket between xmip6ctl and xmip6d (ctl.h; the
 * protocol is docs/control-protocol.md).
 *
 * The daemon serves one connection at a time from its main loop, so every
 * wait on a client is bounded by a deadline (poll): a client that sends
 * nothing, dribbles, or never reads costs the daemon at most
 * CTL_IO_TIMEOUT_MS reading its request and as much again writing the reply.
 * Sends use MSG_NOSIGNAL: a client that hangs up early must not SIGPIPE the
 * daemon.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include "daemon/ctl.h"
#include "common/util.h"

#define CTL_BACKLOG 16
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

/* {"status": 0, "result": @result} (consumed) or {"status": @status, "error": @err}. */
static int send_reply(int fd, int status, struct json_object *result, const char *err)
{
	struct json_object *reply = json_object_new_object();
	const char *str;
	size_t len;
	int ret;

	if (!reply) {
		json_object_put(result);
		return -ENOMEM;
	}
	json_object_object_add(reply, "status", json_object_new_int(status));
	if (status)
		json_object_object_add(reply, "error", json_object_new_string(err));
	else
		json_object_object_add(reply, "result", result ?: json_object_new_object());

	str = json_object_to_json_string_length(
		reply, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	ret = str ? send_all(fd, str, len, now_ms() + CTL_IO_TIMEOUT_MS) : -ENOMEM;
	/* A trailing newline for people reading the socket with socat. */
	if (!ret)
		ret = send_all(fd, "\n", 1, now_ms() + CTL_IO_TIMEOUT_MS);
	json_object_put(reply);
	return ret;
}

static void serve_conn(struct ctl_server *s, int fd)
{
	struct json_read r = {.max = CTL_REQUEST_MAX, .timeout_ms = CTL_IO_TIMEOUT_MS};
	struct json_object *result = NULL;
	char err[CTL_ERR_MAX], why[CTL_ERR_MAX / 2];
	int ret, sent = 0;

	ret = json_read(fd, &r, why, sizeof(why));
	if (!ret)
		ret = dispatch(s, r.obj, &result, err, sizeof(err));
	else /* what was wrong with the request itself */
		snprintf(err, sizeof(err), "request: %s", why);
	json_object_put(r.obj);

	if (ret == -ENODATA) {
		/* Connected and hung up without a word (a probe): nobody to answer. */
		pr_debug("control socket: a client sent nothing");
		close(fd);
		return;
	}
	if (ret)
		pr_info("control socket: refused: %s", err);
	sent = send_reply(fd, ret, result, err);
	if (sent && sent != -EPIPE && sent != -ECONNRESET)
		pr_info("control socket: reply not sent: %s", strerror(-sent));
	close(fd);
}

int ctl_server_serve(struct ctl_server *s)
{
	int fd, served = 0;

	while (s->fd >= 0) {
		fd = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				pr_warn("control socket %s: accept: %s", s->path, strerror(errno));
			break;
		}
		serve_conn(s, fd);
		served++;
	}
	return served;
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
	ret = bind_0660(s->fd, sa);
	if (ret == -EADDRINUSE) {
		ret = remove_stale(sa);
		if (ret)
			return ret;
		ret = bind_0660(s->fd, sa);
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
	if (listen(s->fd, CTL_BACKLOG)) {
		ret = -errno;
		pr_err("control socket %s: listen: %s", s->path, strerror(errno));
		return ret;
	}
	return 0;
}

int ctl_server_open(struct ctl_server *s, const char *path, const struct ctl_command *commands,
		    void *ctx)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int ret;

	s->fd = -1;
	s->path[0] = '\0';
	s->commands = commands;
	s->ctx = ctx;
	if (!path || !*path || strlen(path) >= sizeof(sa.sun_path) ||
	    strlen(path) >= sizeof(s->path)) {
		pr_err("control socket \"%s\": empty or longer than %zu characters",
		       path ? path : "", sizeof(sa.sun_path) - 1);
		return -EINVAL;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);

	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		ret = -errno;
		pr_err("control socket: socket: %s", strerror(errno));
		return ret;
	}
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
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
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
