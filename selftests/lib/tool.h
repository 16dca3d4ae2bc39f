/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tool.h - argument helpers shared by the selftests' command-line drivers
 * (mh_tool, sig_tool). Bad input exits with status 2 and one line naming
 * the program (program_invocation_short_name) and what was wrong.
 */
#ifndef XMIP6_SELFTESTS_TOOL_H
#define XMIP6_SELFTESTS_TOOL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <linux/types.h>

static inline void die(const char *what)
{
	fprintf(stderr, "%s: bad %s\n", program_invocation_short_name, what);
	exit(2);
}

/* Hex digits into @out (at most @size octets); dies on anything else. */
static inline size_t unhex(const char *hex, __u8 *out, size_t size)
{
	size_t n = 0;
	unsigned int byte;

	for (; hex[0] && hex[1]; hex += 2) {
		if (n >= size || sscanf(hex, "%2x", &byte) != 1)
			die("hex");
		out[n++] = byte;
	}
	if (*hex)
		die("hex");
	return n;
}

static inline void print_hex(const void *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		printf("%02x", ((const __u8 *)data)[i]);
	putchar('\n');
}

static inline struct in6_addr addr(const char *s)
{
	struct in6_addr a;

	if (!s || inet_pton(AF_INET6, s, &a) != 1)
		die("address");
	return a;
}

#endif /* XMIP6_SELFTESTS_TOOL_H */
