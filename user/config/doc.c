// SPDX-License-Identifier: GPL-2.0
/*
 * doc.c - the settings tables of docs/xmip6d.conf.md and of the man page
 * xmip6d.conf(5) (docs/man/xmip6d.conf.5), written from the schema
 * (schema.h): one Markdown table, or one roff tagged list, per section, so
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

/* A row's five cells (Markdown inline text); -EINVAL after a message when one is missing or
 * would break its line or column. */
static int row_cells(const struct config_section *sec, const struct config_row *row, char name[64],
		     char def[CELL_MAX], char allowed[CELL_MAX], const char *cells[5])
{
	int c;

	snprintf(name, 64, "`%s`", row->name);
	default_doc(row, def, CELL_MAX);
	allowed_doc(row, allowed, CELL_MAX);
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
			fprintf(stderr, "%s.%s: a newline or | in its table cell\n", sec->name,
				row->name);
			return -EINVAL;
		}
	}
	return 0;
}

int schema_doc_table(FILE *out, const struct config_section *sec)
{
	char name[64], def[CELL_MAX], allowed[CELL_MAX];
	const char *cells[5];
	size_t i;

	fputs("| Setting | Type | Default | Allowed | What it does |\n|---|---|---|---|---|\n",
	      out);
	for (i = 0; i < sec->n_rows; i++) {
		if (row_cells(sec, &sec->rows[i], name, def, allowed, cells))
			return -EINVAL;
		print_cells(out, cells, 5);
	}
	return 0;
}

/* One UTF-8 sequence at @s as groff's \[uXXXX]; the bytes it took. */
static int roff_utf8(FILE *out, const unsigned char *s)
{
	unsigned int cp = 0;
	int n, i;

	n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 1;
	cp = n == 1 ? '?' : s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			fputc('?', out);
			return i;
		}
		cp = cp << 6 | (s[i] & 0x3f);
	}
	fprintf(out, "\\[u%04X]", cp);
	return n;
}

/*
 * Markdown inline text as roff: `code` bold, *words* italic, [text](#anchor)
 * its text, backslashes and non-ASCII escaped, "-" as \- inside code (a
 * name to type). The caller starts the line: a leading "." or "'" is
 * guarded with \&.
 */
static void roff_text(FILE *out, const char *s)
{
	bool code = false, italic = false;
	const char *close;

	if (*s == '.' || *s == '\'')
		fputs("\\&", out);
	while (*s) {
		if (*s == '`') {
			fputs((code = !code) ? "\\fB" : "\\fR", out);
			s++;
		} else if (*s == '*' && !code) {
			fputs((italic = !italic) ? "\\fI" : "\\fR", out);
			s++;
		} else if (*s == '[' && !code && (close = strstr(s, "](")) && strchr(close, ')')) {
			fprintf(out, "%.*s", (int)(close - s - 1), s + 1);
			s = strchr(close, ')') + 1;
		} else if (*s == '\\') {
			fputs("\\e", out);
			s++;
		} else if (*s == '-' && code) {
			fputs("\\-", out);
			s++;
		} else if ((unsigned char)*s >= 0x80) {
			s += roff_utf8(out, (const unsigned char *)s);
		} else {
			fputc(*s++, out);
		}
	}
}

int schema_doc_man(FILE *out, const struct config_section *sec)
{
	char name[64], def[CELL_MAX], allowed[CELL_MAX];
	const char *cells[5];
	size_t i;

	for (i = 0; i < sec->n_rows; i++) {
		if (row_cells(sec, &sec->rows[i], name, def, allowed, cells))
			return -EINVAL;
		fputs(".TP\n", out);
		roff_text(out, name);
		fputs("\n", out);
		fputs("Type: ", out);
		roff_text(out, cells[1]);
		fputs(". Default: ", out);
		roff_text(out, strcmp(def, "—") ? def : "none");
		if (allowed[0]) {
			fputs(". Allowed: ", out);
			roff_text(out, allowed);
		}
		fputs(".\n.br\n", out);
		roff_text(out, cells[4]);
		fputs("\n", out);
	}
	return 0;
}
