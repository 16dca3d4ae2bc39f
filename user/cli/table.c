// SPDX-License-Identifier: GPL-2.0
/*
 * table.c - rows as JSON or as a table: one printer for the rows of the
 * maps (dp/view.h) and of the daemon, so the two cannot drift apart.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "dp/dataplane.h"

#define TABLE_COLS_MAX 16

/* Control characters from the daemon would break the layout: shown as '?'. */
static void cell_sanitize(char *buf)
{
	for (; *buf; buf++)
		if ((unsigned char)*buf < ' ' || *buf == 0x7f)
			*buf = '?';
}

void cell_text(struct json_object *val, bool present, const char *null_text, char *buf, size_t size)
{
	if (!present)
		snprintf(buf, size, "-");
	else if (!val)
		snprintf(buf, size, "%s", null_text ?: "-");
	else if (json_object_is_type(val, json_type_string))
		snprintf(buf, size, "%s", json_object_get_string(val));
	else if (json_object_is_type(val, json_type_boolean))
		snprintf(buf, size, "%s", json_object_get_boolean(val) ? "yes" : "no");
	else if (json_object_is_type(val, json_type_double))
		snprintf(buf, size, "%.1f", json_object_get_double(val));
	else
		snprintf(buf, size, "%s",
			 json_object_to_json_string_ext(
				 val, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	cell_sanitize(buf);
}

static void cell_default(struct json_object *row, const struct column *col, char *buf, size_t size)
{
	struct json_object *val = NULL;
	bool present = json_object_object_get_ex(row, col->key, &val);

	cell_text(val, present, col->null_text, buf, size);
}

void cell_remaining(struct json_object *row, const struct column *col, char *buf, size_t size)
{
	struct json_object *expired;

	if (json_object_object_get_ex(row, "expired", &expired) && json_object_get_boolean(expired))
		snprintf(buf, size, "expired");
	else
		cell_default(row, col, buf, size);
}

void cell_status(struct json_object *row, const struct column *col, char *buf, size_t size)
{
	struct json_object *text;
	char code[CELL_MAX];

	cell_default(row, col, code, sizeof(code));
	if (strcmp(code, "-") && json_object_object_get_ex(row, "last_status_text", &text) &&
	    json_object_is_type(text, json_type_string) && *json_object_get_string(text))
		snprintf(buf, size, "%s (%s)", code, json_object_get_string(text));
	else
		snprintf(buf, size, "%s", code);
	cell_sanitize(buf);
}

static bool column_shown(struct json_object *rows, const struct column *col)
{
	size_t r;

	if (!col->optional)
		return true;
	for (r = 0; r < json_object_array_length(rows); r++)
		if (json_object_object_get_ex(json_object_array_get_idx(rows, r), col->key, NULL))
			return true;
	return false;
}

static void table_line(const char *const cells[], const int width[], size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i++)
		printf("%-*s  ", width[i], cells[i]);
	printf("%s\n", n ? cells[n - 1] : "");
}

/*
 * A title line, then one line per element of the JSON array @rows, columns
 * aligned; no rows: the line @empty ("no bindings") rather than a bare title.
 */
static int table_print(struct json_object *rows, const struct column *cols, const char *empty)
{
	size_t nrows = json_object_array_length(rows), ncols = 0, r, c;
	const struct column *shown[TABLE_COLS_MAX];
	const char *line[TABLE_COLS_MAX] = {};
	int width[TABLE_COLS_MAX] = {};
	char(*cells)[CELL_MAX];
	char *cell;

	if (!nrows) {
		puts(empty);
		return 0;
	}
	for (; cols->title && ncols < TABLE_COLS_MAX; cols++)
		if (column_shown(rows, cols))
			shown[ncols++] = cols;
	cells = calloc(nrows * ncols ?: 1, sizeof(*cells));
	if (!cells) {
		fprintf(stderr, "%s: out of memory\n", program_invocation_short_name);
		return 1;
	}
	for (c = 0; c < ncols; c++)
		width[c] = strlen(shown[c]->title);
	for (r = 0; r < nrows; r++) {
		for (c = 0; c < ncols; c++) {
			cell = cells[r * ncols + c];
			(shown[c]->format ?: cell_default)(json_object_array_get_idx(rows, r),
							   shown[c], cell, CELL_MAX);
			if ((int)strlen(cell) > width[c])
				width[c] = strlen(cell);
		}
	}

	for (c = 0; c < ncols; c++)
		line[c] = shown[c]->title;
	table_line(line, width, ncols);
	for (r = 0; r < nrows; r++) {
		for (c = 0; c < ncols; c++)
			line[c] = cells[r * ncols + c];
		table_line(line, width, ncols);
	}
	free(cells);
	return 0;
}

void print_json(struct json_object *obj)
{
	puts(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
}

int rows_output(const struct ctl *ctl, struct json_object *rows, const struct column *cols,
		const char *empty)
{
	int err = 0;

	if (ctl->json) {
		print_json(rows);
		return 0;
	}
	if (table_print(rows, cols, empty))
		err = -ENOMEM;
	json_object_put(rows);
	return err;
}

int result_output(const struct ctl *ctl, struct json_object *result, const char *key,
		  const struct column *cols, const char *empty)
{
	struct json_object *rows;
	int ret;

	if (ctl->json) {
		print_json(result);
		return 0;
	}
	if (!json_object_object_get_ex(result, key, &rows) ||
	    !json_object_is_type(rows, json_type_array)) {
		fprintf(stderr, "%s: malformed reply from the daemon: no \"%s\" list\n",
			program_invocation_short_name, key);
		json_object_put(result);
		return 1;
	}
	ret = table_print(rows, cols, empty);
	json_object_put(result);
	return ret;
}

/* A map's entries as rows: @fill (dp/view.h) walks it into an array. */
int map_rows_show(struct ctl *ctl, struct args *a, const char *usage,
		  int (*fill)(const struct xmip6_dp *dp, struct json_object **rows),
		  const struct column *cols, const char *empty)
{
	struct json_object *rows;
	struct xmip6_dp dp;
	int err;

	a->usage = usage;
	if (no_more_args(a) || dp_open(ctl->pin_dir, &dp))
		return 1;
	err = fill(&dp, &rows);
	dp_close(&dp);
	if (err)
		return exit_status(err);
	return exit_status(rows_output(ctl, rows, cols, empty));
}
