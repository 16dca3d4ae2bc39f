// SPDX-License-Identifier: GPL-2.0
/*
 * args.c - the words of an xmip6ctl command, iproute2-like: keywords and
 * their values, addresses and numbers checked as they are read, and bad
 * input reported with the command's usage line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/util.h"

int bad_input(const char *usage_line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nUsage: xmip6ctl %s\n", usage_line);
	return 1;
}

bool args_left(const struct args *a)
{
	return a->argc > 0;
}

const char *args_next(struct args *a)
{
	const char *word = a->argv[0];

	a->argc--;
	a->argv++;
	return word;
}

int args_pair(struct args *a, const char **keyword, const char **value)
{
	if (!args_left(a))
		return 0;
	*keyword = args_next(a);
	if (!args_left(a)) {
		bad_input(a->usage, "missing argument after \"%s\"", *keyword);
		return -1;
	}
	*value = args_next(a);
	return 1;
}

int parse_addr(const struct args *a, const char *what, const char *word, struct in6_addr *addr)
{
	const char *why;

	if (addr6_parse(word, addr))
		return bad_input(a->usage, "invalid %s \"%s\": not an IPv6 address", what, word);
	why = addr6_unusable_reason(addr);
	if (why)
		return bad_input(a->usage, "invalid %s \"%s\": %s", what, word, why);
	return 0;
}

int parse_uint(const struct args *a, const char *what, const char *word, unsigned long min,
	       unsigned long max, unsigned int *val)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(word, &end, 10);
	if (word[0] < '0' || word[0] > '9' || *end || errno || v < min || v > max)
		return bad_input(a->usage, "invalid %s \"%s\": %lu..%lu expected", what, word, min,
				 max);
	*val = v;
	return 0;
}

int no_more_args(struct args *a)
{
	if (args_left(a))
		return bad_input(a->usage, "unknown argument \"%s\"", a->argv[0]);
	return 0;
}
