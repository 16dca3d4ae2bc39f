// SPDX-License-Identifier: GPL-2.0
/*
 * route.c - whether a command is answered by xmip6d over its control socket
 * (daemon/ctl.h, docs/control-protocol.md) or done on the pinned maps, and
 * the one exchange with the daemon. Input is checked before either.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "daemon/ctl.h"
#include "common/util.h"

int route(const struct ctl *ctl, bool daemon_only)
{
	char err[128];
	int fd;

	if (!daemon_only && ctl->pin_given && !ctl->socket_given)
		return ROUTE_MAPS;
	fd = ctl_connect(ctl->socket, err, sizeof(err));
	if (fd >= 0)
		return fd;
	if (daemon_only || ctl->socket_given) {
		fprintf(stderr, "%s: no xmip6d at %s (%s)\n", program_invocation_short_name,
			ctl->socket, err);
		return ROUTE_FAIL;
	}
	pr_debug("no xmip6d at %s (%s): using the maps in %s", ctl->socket, err, ctl->pin_dir);
	return ROUTE_MAPS;
}

int daemon_call(int fd, const char *command, struct json_object *args, struct json_object **result)
{
	char err[512];
	int ret;

	ret = ctl_exchange(fd, command, args, result, err, sizeof(err));
	close(fd);
	json_object_put(args);
	if (ret < 0) {
		fprintf(stderr, "%s: %s\n", program_invocation_short_name, err);
		return 1;
	}
	return 0;
}

int daemon_do(const struct ctl *ctl, int fd, const char *command, struct json_object *args)
{
	struct json_object *result;

	if (daemon_call(fd, command, args, &result))
		return 1;
	if (ctl->json)
		print_json(result);
	else
		json_object_put(result);
	return 0;
}
