/* SPDX-License-Identifier: GPL-2.0 */
/*
 * print.h - writing settings in the configuration file's own syntax
 * (print.c), for config_print() and the rows' print hooks.
 */
#ifndef XMIP6_CONFIG_PRINT_H
#define XMIP6_CONFIG_PRINT_H

#include <stdbool.h>
#include <stdio.h>
#include <netinet/in.h>

#include "config/config.h"
#include "config/schema.h"

/* A libconfig string literal: \" \\ and control characters escaped. */
void print_str(FILE *out, const char *s);
/* "INDENT KEY = VALUE;" lines. */
void print_kv_str(FILE *out, const char *indent, const char *key, const char *v);
void print_kv_addr(FILE *out, const char *indent, const char *key, const struct in6_addr *a);
void print_kv_int(FILE *out, const char *indent, const char *key, long long v);
/* "INDENT KEY = [ "ADDRESS/LENGTH", ... ];", a /128 as ADDRESS alone with @bare_128. */
void print_kv_prefixes(FILE *out, const char *indent, const char *key,
		       const struct config_prefix *p, int n, bool bare_128);
/* The same, or "INDENT KEY = [ ];@empty_note" for none. */
void print_kv_prefix_list(FILE *out, const char *indent, const char *key,
			  const struct config_prefix *p, int n, const char *empty_note);
/* "INDENT KEY = ( { ... }, ... );": @n groups of @size octets from @elems,
 * each printed as @row's section. */
void print_group_list(FILE *out, const char *indent, const struct config_row *row,
		      const void *elems, int n, size_t size);
/* The rows of @sec, in table order, each at @indent. */
void print_rows(FILE *out, const char *indent, const struct config_section *sec, const void *obj);

#endif /* XMIP6_CONFIG_PRINT_H */
