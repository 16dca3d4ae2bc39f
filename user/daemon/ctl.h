/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ctl.h - the control socket between xmip6ctl and xmip6d.
 *
 * A UNIX stream socket (default CONFIG_CTL_SOCKET_DEFAULT, mode 0660, its
 * directory created 0755). One exchange per connection: the client writes
 * one JSON object and shuts down its write side; the daemon answers with one
 * JSON object and closes.
 *
 *   request:  {"command": "binding-show", "args": { ... }}
 *   reply:    {"status": 0, "result": { ... }}
 *             {"status": -errno, "error": "what went wrong"}
 *
 * Commands and their result objects are listed in docs/control-protocol.md.
 */
#ifndef XMIP6_CTL_H
#define XMIP6_CTL_H

#include <stddef.h>

struct json_object;

#define CTL_REQUEST_MAX	      (64 * 1024) /* octets; longer requests are refused */
#define CTL_IO_TIMEOUT_MS     2000	  /* server: to read a request; as long to write a reply */
#define CTL_CLIENTS_MAX	      32	  /* server: connections served at once; more get -EAGAIN */
#define CTL_REPLY_MAX	      (256 << 20) /* octets; the client's bound on a reply */
#define CTL_CLIENT_TIMEOUT_MS 10000	  /* client: longest wait for the daemon to make progress */

/*
 * A command handler. @args is the request's "args" (an object, possibly
 * empty, never NULL). On success return 0 and set *@result (the reply's
 * "result"; may stay NULL for an empty object); on failure return -errno and
 * write a one-line reason into @err.
 */
typedef int (*ctl_handler_fn)(struct json_object *args, struct json_object **result, char *err,
			      size_t errlen, void *ctx);

struct ctl_command {
	const char *name;
	ctl_handler_fn fn;
	void *ctx; /* the handler's @ctx; NULL: the server's */
};

struct ctl_client; /* one connection being served (ctl.c) */

struct ctl_server_stats {
	unsigned long long refused_busy; /* connections over CTL_CLIENTS_MAX */
	unsigned long long timed_out;	 /* requests not read, replies not taken in time */
};

struct ctl_server {
	int fd;	       /* what the event loop waits on (an epoll set); -1 when closed */
	int listen_fd; /* the listening socket, non-blocking */
	char path[108];
	const struct ctl_command *commands; /* terminated by a NULL name */
	void *ctx;
	struct ctl_client *clients;  /* CTL_CLIENTS_MAX slots */
	unsigned long long finished; /* connections served and closed */
	struct ctl_server_stats stats;
	unsigned long long refused_unlogged;
	long long refused_logged_ms;
};

/*
 * Bind and listen on @path. A stale socket file (nobody accepts on it) is
 * replaced; a live one is -EADDRINUSE (another daemon owns it); a file that
 * is not a socket is -EEXIST and left alone. Failures are logged here.
 */
int ctl_server_open(struct ctl_server *s, const char *path, const struct ctl_command *commands,
		    void *ctx);
/* Close and unlink the socket. */
void ctl_server_close(struct ctl_server *s);

/*
 * Do what can be done now without waiting: accept pending connections, read
 * and write what their sockets take, run the complete requests' commands,
 * and end the connections past their deadline. Call it when s->fd is
 * readable and at least every 50 ms or so (the deadlines). Never blocks: a
 * client that sends nothing, dribbles, or never reads holds only its own
 * slot, CTL_IO_TIMEOUT_MS to read its request (then an -ETIMEDOUT reply) and
 * as long to take the reply. Returns how many connections it finished.
 */
int ctl_server_serve(struct ctl_server *s);

/*
 * Client, in two steps so that the caller can tell "no daemon" from "the
 * daemon said no" (both can be -ENOENT): ctl_connect() returns a connected
 * fd to the daemon at @path, or -errno with "connect: REASON" in @err;
 * ctl_exchange() does the one exchange on it (the caller closes @fd): 0 and
 * *@result (owned by the caller; json_object_put() it) when the daemon
 * answered status 0, else the daemon's negative status and its error text
 * in @err. @args is not consumed; NULL sends an empty object. Every wait is
 * bounded by CTL_CLIENT_TIMEOUT_MS without progress (-ETIMEDOUT).
 */
int ctl_connect(const char *path, char *err, size_t errlen);
int ctl_exchange(int fd, const char *command, struct json_object *args, struct json_object **result,
		 char *err, size_t errlen);

#endif /* XMIP6_CTL_H */
