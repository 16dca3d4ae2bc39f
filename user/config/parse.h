/* SPDX-License-Identifier: GPL-2.0 */
/*
 * parse.h - loading the configuration file, shared by the files of
 * user/config/: the loader's context, its one error message (message.c) and
 * the value parsers the rows and hooks use (values.c).
 *
 * Every function that finds a problem returns -EINVAL after fail() has
 * written "FILE:LINE: SETTING: what is wrong; what is allowed" into the
 * context; the caller only propagates it. Key octets never appear in a
 * message.
 */
#ifndef XMIP6_CONFIG_PARSE_H
#define XMIP6_CONFIG_PARSE_H

#include <limits.h>
#include <stdbool.h>
#include <libconfig.h>
#include <sys/stat.h>

#include "config/config.h"
#include "config/schema.h"

struct literal_file;

struct parse_ctx {
	const char *path; /* the file, as given */
	char *dir;	  /* its directory: relative key-file names and @include */
	char *err;
	size_t errlen;
	struct xmip6d_config *cfg;
	/* The first file others may change or read keys from (perms.c):
	 * "WHERE: reason", refused unless allow-insecure-files. */
	char unsafe[2 * PATH_MAX + 256];
	const char *perms_checked;	/* the source file perms_note_setting() saw last */
	const char *perms_keys_checked; /* ... and perms_note_inline_key() */
	struct literal_file *literals;	/* literals.c: each source file scanned once */
};

/* message.c */

/* "FILE:LINE: SETTING: message", or "FILE: message" for @s NULL or the root. */
int fail(struct parse_ctx *c, const config_setting_t *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A required setting @name is absent: reported at the line of its group. */
int fail_missing(struct parse_ctx *c, const config_setting_t *grp, const char *name,
		 const char *what);
int wrong_type(struct parse_ctx *c, const config_setting_t *s, const char *want);

/* perms.c: the file of @s (its first setting from it), a key written in
 * it, a key file (@st: fstat() of the descriptor it was read from), the
 * configuration file itself. */
void perms_note_setting(struct parse_ctx *c, const config_setting_t *s);
void perms_note_inline_key(struct parse_ctx *c, const config_setting_t *s);
void perms_note_key_file(struct parse_ctx *c, const config_setting_t *s, const char *path,
			 const struct stat *st);
void perms_note_file(struct parse_ctx *c, const char *path);

/* literals.c: the integer @value libconfig read for @s is what its file
 * says, not a literal beyond 32 bits that libconfig 1.5 wrapped. */
int literal_check_int32(struct parse_ctx *c, const config_setting_t *s, long long value);
void literals_free(struct parse_ctx *c);

/* lookup.c: the index of config_find_mn(), built once the entries are
 * loaded; -EEXIST when entry *@dup has the home address of entry *@first,
 * an earlier one. mn_spi_duplicate(): likewise for two keys under one SPI. */
int mn_index_build(struct config_ha *ha, int *dup, int *first);
int mn_spi_duplicate(const struct config_ha *ha, int *dup, int *first);
void mn_index_free(struct config_ha *ha);

/* parse.c */

/* Group @grp as section @sec into @obj: its names, its rows, its check(). */
int parse_section(struct parse_ctx *c, const config_setting_t *grp,
		  const struct config_section *sec, void *obj);

/* values.c */

/* The value of @s as @row's type says, stored into @obj; its default when @s is NULL. */
int value_parse(struct parse_ctx *c, const config_setting_t *s, const struct config_row *row,
		void *obj);
int value_default(const struct config_row *row, void *obj);

/* An integer within [min, max]; @hint says what it means. */
int value_int(struct parse_ctx *c, const config_setting_t *s, long long min, long long max,
	      const char *hint, long long *out);
/* The number of @s, an integer value_int() has accepted. */
long long setting_int(const config_setting_t *s);
/* A string (owned by libconfig). */
int value_str(struct parse_ctx *c, const config_setting_t *s, const char **out);
/* An array or a list (of strings: see elem_str()); its length in *n. @want
 * says what it should be, for the message when it is neither. */
int value_str_list(struct parse_ctx *c, const config_setting_t *s, const char *want, int *n);
/* @fn on each element @e (number @i, string @v) of the array or list @s,
 * which must all be strings: 0 or the first error. */
typedef int (*value_elem_fn)(struct parse_ctx *c, const config_setting_t *e, const char *v, int i,
			     void *arg);
int value_each_str(struct parse_ctx *c, const config_setting_t *s, value_elem_fn fn, void *arg);
/* "ADDRESS/LENGTH" with LENGTH in [minlen, 128] and no host bits set. */
int value_prefix(struct parse_ctx *c, const config_setting_t *s, const char *str,
		 unsigned int minlen, struct config_prefix *out);
/* An array of at most @max such prefixes (@want: what, for the message),
 * allocated into *@out (NULL for none) and counted in *@n. */
int value_prefix_list(struct parse_ctx *c, const config_setting_t *s, unsigned int minlen, int max,
		      const char *want, struct config_prefix **out, int *n);

/* @a is the Subnet-Router anycast address of its /@plen (RFC 4291 section 2.6.1). */
bool is_subnet_router_anycast(const struct in6_addr *a, unsigned int plen);

#endif /* XMIP6_CONFIG_PARSE_H */
