/* SPDX-License-Identifier: GPL-2.0 */
/*
 * unit.h - the TAP plumbing the unit-test programs (selftests/NAME_unit.c) share: check()
 * prints one numbered "ok N - ..." or "not ok N - ..." line and returns the
 * verdict, a6() parses an address written in the test, and unit_finish()
 * prints the plan and a summary and gives main() its exit status.
 */
#ifndef XMIP6_SELFTESTS_UNIT_H
#define XMIP6_SELFTESTS_UNIT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <arpa/inet.h>

static int unit_tests, unit_failed;

static bool check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3), unused));
static bool check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", ok ? "ok" : "not ok", ++unit_tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	unit_failed += !ok;
	return ok;
}

/* A literal address of the test (a typo shows as ::). */
static __attribute__((unused)) struct in6_addr a6(const char *s)
{
	struct in6_addr a = {};

	inet_pton(AF_INET6, s, &a);
	return a;
}

/* The plan and the summary; main()'s exit status. */
static __attribute__((unused)) int unit_finish(const char *name)
{
	printf("1..%d\n# %s: %d passed, %d failed\n", unit_tests, name, unit_tests - unit_failed,
	       unit_failed);
	return unit_failed ? 1 : 0;
}

#endif /* XMIP6_SELFTESTS_UNIT_H */
