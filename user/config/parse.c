// SPDX-License-Identifier: GPL-2.0
/*
 * parse.c - walk the xmip6d configuration file (libconfig syntax,
 * documented in docs/xmip6d.conf.md): read it with libconfig, walk every
 * group against its section of the schema (schema.h), and turn the first
 * problem into one message "FILE:LINE: setting: what is wrong; what is
 * allowed".
 *
 * The whole file is checked before anything is handed back: every group is
 * walked and a name it does not know is refused (a typo must not leave a
 * default silently in force), every value is checked for type and range.
 */
#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/parse.h"
#include "common/util.h"

/* ---- unknown names ----------------------------------------------------- */

#define SECTION_ROWS_MAX 32 /* the largest table has 15 */

static const struct config_row *find_row(const struct config_section *sec, const char *name)
{
	size_t i;

	for (i = 0; i < sec->n_rows; i++)
		if (!strcmp(sec->rows[i].name, name))
			return &sec->rows[i];
	return NULL;
}

/* Levenshtein distance, for "did you mean"; long names are cut at 31. */
static int edit_distance(const char *a, const char *b)
{
	int la = strnlen(a, 31), lb = strnlen(b, 31), prev[32], cur[32], i, j;

	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			int sub = prev[j - 1] + (tolower(a[i - 1]) != tolower(b[j - 1]));
			int del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, sizeof(int) * (lb + 1));
	}
	return prev[lb];
}

/* @s names no row of @sec: refused, naming the closest row or all of them. */
static int unknown_name(struct parse_ctx *c, const config_setting_t *s,
			const struct config_section *sec)
{
	const char *name = config_setting_name(s), *best = NULL;
	char allowed[512] = "";
	int best_d = 3;
	size_t i;

	for (i = 0; i < sec->n_rows; i++) {
		const char *known = sec->rows[i].name;
		int d = edit_distance(name, known);

		if (d < best_d) {
			best_d = d;
			best = known;
		}
		snprintf(allowed + strlen(allowed), sizeof(allowed) - strlen(allowed), "%s%s",
			 i ? ", " : "", known);
	}
	if (best)
		return fail(c, s, "unknown setting; did you mean %s?", best);
	return fail(c, s, "unknown setting; allowed here: %s", allowed);
}

/*
 * Each member of @grp to its row of @sec, in @member (indexed like the
 * rows): one walk of the group by index, instead of a lookup by name per
 * row. A member that is not a row is refused.
 */
static int match_members(struct parse_ctx *c, const config_setting_t *grp,
			 const struct config_section *sec, const config_setting_t **member)
{
	int i, n = config_setting_length(grp);
	const struct config_row *row;

	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(grp, i);

		row = find_row(sec, config_setting_name(s));
		if (!row)
			return unknown_name(c, s, sec);
		member[row - sec->rows] = s; /* libconfig refuses a name twice */
	}
	return 0;
}

/* ---- the walk ---------------------------------------------------------- */

static int parse_row(struct parse_ctx *c, const config_setting_t *grp, const struct config_row *row,
		     const config_setting_t *s, void *obj)
{
	int err;

	if (!s)
		return row->required ? fail_missing(c, grp, row->name, row->required)
				     : value_default(row, obj);
	perms_note_setting(c, s);
	err = value_parse(c, s, row, obj);
	if (!err && row->parse)
		err = row->parse(c, s, row, obj);
	return err;
}

int parse_section(struct parse_ctx *c, const config_setting_t *grp,
		  const struct config_section *sec, void *obj)
{
	const config_setting_t *member[SECTION_ROWS_MAX] = {};
	size_t i;
	int err;

	if (sec->n_rows > SECTION_ROWS_MAX)
		return fail(c, grp, "internal: section %s has too many rows", sec->name);
	err = match_members(c, grp, sec, member);
	for (i = 0; !err && i < sec->n_rows; i++)
		err = parse_row(c, grp, &sec->rows[i], member[i], obj);
	if (!err && sec->check)
		err = sec->check(c, grp, sec, obj);
	return err;
}
