/* SPDX-License-Identifier: GPL-2.0 */
/*
 * etcd.h - an etcd v3 client for the daemon's event loop: JSON requests to
 * the members' gRPC gateway (/v3/kv/range, /v3/kv/txn, /v3/lease/grant,
 * /v3/watch, ...) through libcurl's multi interface, bodies built and read
 * with json-c. Many requests are in flight at once; none blocks the loop:
 * curl's sockets and its timer sit in an epoll set of our own, which the
 * daemon watches as one descriptor (daemon_watch()).
 *
 * The endpoints are tried in turn: a request that cannot connect moves to
 * the next member and is retried there (each member once); one that timed
 * out is reported, and the next request starts at the next member.
 */
#ifndef XMIP6_CLUSTER_ETCD_H
#define XMIP6_CLUSTER_ETCD_H

#include <stddef.h>

struct daemon;
struct etcd;
struct etcd_req;
struct json_object;
struct config_cluster;

/*
 * A request ended: @err 0 with the answer's JSON in @resp (HTTP 200; owned
 * by the client, valid during the call), or -errno: -ETIMEDOUT (no answer
 * within the timeout), -ECONNREFUSED (no member could be reached), -EIO
 * (the member answered an error: no quorum, compacted, ...; @resp holds
 * its JSON when it sent one), -EPROTO (not JSON).
 */
typedef void (*etcd_done_fn)(void *arg, int err, struct json_object *resp);
/* One message of a streaming answer (/v3/watch); owned by the client. */
typedef void (*etcd_msg_fn)(void *arg, struct json_object *msg);

/* A client for @cfg's endpoints on @d's event loop. 0 or -errno (logged). */
int etcd_open(struct daemon *d, const struct config_cluster *cfg, struct etcd **out);
/* Every request dropped without its callback. */
void etcd_close(struct etcd *e);

/*
 * POST @body (taken: put after) to @path ("/v3/kv/range"); @done runs
 * from the event loop when it ends. 0 or -errno (then @done never runs).
 */
int etcd_call(struct etcd *e, const char *path, struct json_object *body, etcd_done_fn done,
	      void *arg);
/* The same with a streaming answer: @msg per message, @done at the end
 * (the stream has no timeout: the caller's probe watches the member). */
struct etcd_req *etcd_stream(struct etcd *e, const char *path, struct json_object *body,
			     etcd_msg_fn msg, etcd_done_fn done, void *arg);
/* Stop @r (a stream, or a call) now; its callbacks do not run. */
void etcd_cancel(struct etcd *e, struct etcd_req *r);
/* Requests in flight. */
int etcd_inflight(const struct etcd *e);

/* Blocking, bounded by the timeout (start-up only): 0 with *@resp to put. */
int etcd_call_sync(struct etcd *e, const char *path, struct json_object *body,
		   struct json_object **resp);

/* base64 of @len octets into @out (4 * ((len + 2) / 3) + 1 octets). */
void etcd_b64(const void *data, size_t len, char *out);
/* The octets of base64 @in into @out (at most @cap): their number, or -1. */
int etcd_unb64(const char *in, void *out, size_t cap);

#endif /* XMIP6_CLUSTER_ETCD_H */
