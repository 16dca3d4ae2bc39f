// SPDX-License-Identifier: GPL-2.0
/*
 * listen.c - the settings that name a TCP listening address,
 * "[ADDRESS]:PORT" (RFC 3986 section 3.2.2's brackets, so that the port
 * cannot be read as part of an IPv6 address): metrics-listen, the
 * Prometheus endpoint (user/daemon/metrics.c). "" or absent: off.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "config/parse.h"
#include "config/print.h"
#include "common/util.h"

#define LISTEN_FORM "\"[ADDRESS]:PORT\", e.g. \"[::1]:9617\", or \"\" (off)"

int listen_parse(struct parse_ctx *c, const config_setting_t *s, const struct config_row *row,
		 void *obj)
{
	struct config_listen *l = (struct config_listen *)((char *)obj + row->offset);
	const char *v, *close;
	char addr[INET6_ADDRSTRLEN];
	unsigned long port;
	char *end;
	int err = value_str(c, s, &v);

	if (err)
		return err;
	memset(l, 0, sizeof(*l));
	if (!*v)
		return 0;
	close = strchr(v, ']');
	if (v[0] != '[' || !close || (size_t)(close - v - 1) >= sizeof(addr) || close[1] != ':')
		return fail(c, s, "\"%s\" is not %s", v, LISTEN_FORM);
	memcpy(addr, v + 1, close - v - 1);
	addr[close - v - 1] = '\0';
	if (inet_pton(AF_INET6, addr, &l->addr) != 1)
		return fail(c, s,
			    "\"%s\" is not an IPv6 address (a scope such as %%eth0 is not taken)",
			    addr);
	errno = 0;
	port = strtoul(close + 2, &end, 10);
	if (errno || *end || end == close + 2 || close[2] == '-' || close[2] == '+' || port < 1 ||
	    port > 65535)
		return fail(c, s, "port \"%s\" is not 1..65535", close + 2);
	l->port = port;
	l->set = true;
	return 0;
}

void listen_print(FILE *out, const char *indent, const struct config_row *row, const void *obj)
{
	const struct config_listen *l =
		(const struct config_listen *)((const char *)obj + row->offset);
	struct addr6_buf a;

	if (!l->set) {
		fprintf(out, "%s%s = \"\";  # off\n", indent, row->name);
		return;
	}
	fprintf(out, "%s%s = \"[%s]:%u\";\n", indent, row->name, addr6_str(&l->addr, &a), l->port);
}
