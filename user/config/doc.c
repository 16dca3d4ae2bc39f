// SPDX-License-Identifier: GPL-2.0
/*
 * doc.c - the settings tables of docs/xmip6d.conf.md, written from the
 * schema (schema.h): one Markdown table per section, one line per row, so
 * that the documentation names exactly the settings the loader takes, with
 * their real ranges and defaults.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "config/schema.h"

#define CELL_MAX 512

static const char *type_doc(const struct config_row *row)
{
	if (row->doc_type)
		return row->doc_type;
	switch (row->type) {
	case CT_INT:
		return "integer";
	case CT_BOOL:
		return "boolean";
	case CT_IFACES:
		return "array of strings";
	case CT_SECTION:
		return "group";
	default:
		return "string";
	}
}

static void default_doc(const struct config_row *row, char *buf, size_t len)
{
	if (row->doc_default)
		snprintf(buf, len, "%s", row->doc_default);
	else if (row->required)
		snprintf(buf, len, "required");
	else if (row->type == CT_INT)
		snprintf(buf, len, "`%lld`", row->def);
	else if (row->type == CT_BOOL)
		snprintf(buf, len, "`%s`", row->def ? "true" : "false");
	else if (row->type == CT_WORD)
		snprintf(buf, len, "`\"%s\"`", row->word(row->def));
	else if (row->type == CT_PATH)
		snprintf(buf, len, "`\"%s\"`", row->def_str);
	else
		snprintf(buf, len, "—");
}

/* What the type allows, then the row's own words after ", ". */
static void allowed_doc(const struct config_row *row, char *buf, size_t len)
{
	size_t n;
	long long i;

	buf[0] = '\0';
	switch (row->type) {
	case CT_INT:
		snprintf(buf, len, "%lld..%lld", row->min, row->max);
		break;
	case CT_WORD:
		for (i = row->min; i <= row->max; i++) {
			n = strlen(buf);
			snprintf(buf + n, len - n, "%s`\"%s\"`", i > row->min ? ", " : "",
				 row->word(i));
		}
		break;
	case CT_PATH:
		snprintf(buf, len, "absolute path");
		break;
	case CT_ADDR:
		snprintf(buf, len, "a node address (see Syntax)");
		break;
	case CT_PREFIX:
		snprintf(buf, len, "prefix, length %lld..128", row->min);
		break;
	case CT_IFACES:
		snprintf(buf, len,
			 "1..%d interface names of 1..%d characters, no `/`, `:` or spaces, no "
			 "repeats",
			 CONFIG_MAX_IFACES, IF_NAMESIZE - 1);
		break;
	case CT_SECTION:
		snprintf(buf, len, "see below");
		break;
	case CT_BOOL:
	case CT_CUSTOM:
		break;
	}
	if (row->doc_allowed) {
		n = strlen(buf);
		snprintf(buf + n, len - n, "%s%s", n ? ", " : "", row->doc_allowed);
	}
}

/* A cell must stay on its line and in its column. */
static bool cell_ok(const char *s)
{
	return !strchr(s, '\n') && !strchr(s, '|');
}

/* "| a | b |": an empty cell is "| |". */
static void print_cells(FILE *out, const char *const *cells, int n)
{
	int i;

	for (i = 0; i < n; i++)
		fprintf(out, "| %s%s", cells[i], cells[i][0] ? " " : "");
	fputs("|\n", out);
}

int schema_doc_table(FILE *out, const struct config_section *sec)
{
	char name[64], def[CELL_MAX], allowed[CELL_MAX];
	const char *cells[5];
	size_t i;
	int c;

	fputs("| Setting | Type | Default | Allowed | What it does |\n|---|---|---|---|---|\n",
	      out);
	for (i = 0; i < sec->n_rows; i++) {
		const struct config_row *row = &sec->rows[i];

		snprintf(name, sizeof(name), "`%s`", row->name);
		default_doc(row, def, sizeof(def));
		allowed_doc(row, allowed, sizeof(allowed));
		cells[0] = name;
		cells[1] = type_doc(row);
		cells[2] = def;
		cells[3] = allowed;
		cells[4] = row->doc ? row->doc : "";
		if (!cells[4][0]) {
			fprintf(stderr, "%s.%s: no doc line in the schema\n", sec->name, row->name);
			return -EINVAL;
		}
		for (c = 0; c < 5; c++) {
			if (!cell_ok(cells[c])) {
				fprintf(stderr, "%s.%s: a newline or | in its table cell\n",
					sec->name, row->name);
				return -EINVAL;
			}
		}
		print_cells(out, cells, 5);
	}
	return 0;
}
