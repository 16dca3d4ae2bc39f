// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_ctl.c - libFuzzer target: the control-socket protocol
 * (docs/control-protocol.md) on both ends. Odd first octet: the input is
 * what a client writes to xmip6d's socket (the server reads, parses and
 * dispatches it, then answers); even: the input is what a server answers
 * (the client side, ctl_exchange(), parses it).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <json-c/json.h>

#include "daemon/ctl.h"

static int cmd_echo(struct json_object *args, struct json_object **result, char *err, size_t errlen,
		    void *ctx)
{
	(void)err;
	(void)errlen;
	(void)ctx;
	*result = args ? json_object_get(args) : NULL;
	return 0;
}

static int cmd_fail(struct json_object *args, struct json_object **result, char *err, size_t errlen,
		    void *ctx)
{
	(void)args;
	(void)result;
	(void)ctx;
	snprintf(err, errlen, "refused");
	return -EINVAL;
}

static const struct ctl_command commands[] = {
	{"echo", cmd_echo},
	{"fail", cmd_fail},
	{NULL, NULL},
};

static struct ctl_server server;
static char sock_path[64];

static void feed(int fd, const uint8_t *data, size_t size)
{
	while (size) {
		ssize_t n = write(fd, data, size);

		if (n <= 0)
			return;
		data += n;
		size -= n;
	}
}

static void drain(int fd)
{
	char buf[4096];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static void as_server(const uint8_t *data, size_t size)
{
	char err[256];
	int fd;

	fd = ctl_connect(sock_path, err, sizeof(err));
	if (fd < 0)
		abort();
	feed(fd, data, size);
	shutdown(fd, SHUT_WR);
	ctl_server_serve(&server);
	drain(fd);
	close(fd);
}

static void as_client(const uint8_t *data, size_t size)
{
	struct json_object *result = NULL;
	char err[256];
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		abort();
	/* The reply is in the buffer before the request goes out: the
	 * client reads it after sending, as it would from a real server. */
	if (size > 65536)
		size = 65536;
	feed(sv[1], data, size);
	shutdown(sv[1], SHUT_WR);
	if (!ctl_exchange(sv[0], "echo", NULL, &result, err, sizeof(err)))
		json_object_put(result);
	close(sv[0]);
	close(sv[1]);
}

/* The socket goes when the run ends (ctl_server_close unlinks it). */
static void close_server(void)
{
	ctl_server_close(&server);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!sock_path[0]) {
		snprintf(sock_path, sizeof(sock_path), "/tmp/xmip6-fuzz-ctl.%d.sock",
			 (int)getpid());
		if (ctl_server_open(&server, sock_path, commands, NULL))
			abort();
		atexit(close_server);
	}
	if (!size)
		return 0;
	if (data[0] & 1)
		as_server(data + 1, size - 1);
	else
		as_client(data + 1, size - 1);
	return 0;
}
