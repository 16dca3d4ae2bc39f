// SPDX-License-Identifier: GPL-2.0
/*
 * print.c - config_print(), what `xmip6d --check` shows: every row of the
 * schema in table order, defaults written out, in the file's own syntax,
 * so that the output loads again to the same settings. Keys are never
 * printed: only their SPI, length and key-file (keys.c).
 */
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "config/print.h"
#include "common/util.h"

/*
 * `xmip6d --check` writes a line per setting of every mobile node: a
 * million nodes are ten million lines. fputs() and a hand-made decimal keep
 * that a fraction of what fprintf() costs.
 */
static void put_int(FILE *out, long long v)
{
	char buf[24], *p = buf + sizeof(buf);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	*--p = '\0';
	do {
		*--p = '0' + u % 10;
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	fputs(p, out);
}

/* "INDENT KEY = " */
static void put_key(FILE *out, const char *indent, const char *key)
{
	fputs(indent, out);
	fputs(key, out);
	fputs(" = ", out);
}

void print_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char ch = *s;

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(out, "\\x%02x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

void print_kv_str(FILE *out, const char *indent, const char *key, const char *v)
{
	put_key(out, indent, key);
	print_str(out, v);
	fputs(";\n", out);
}

void print_kv_addr(FILE *out, const char *indent, const char *key, const struct in6_addr *a)
{
	struct addr6_buf b;

	put_key(out, indent, key);
	fputc('"', out);
	fputs(addr6_str(a, &b), out);
	fputs("\";\n", out);
}

/* libconfig 1.5 needs the L suffix beyond 32-bit signed. */
void print_kv_int(FILE *out, const char *indent, const char *key, long long v)
{
	put_key(out, indent, key);
	put_int(out, v);
	fputs(v > INT32_MAX || v < INT32_MIN ? "L;\n" : ";\n", out);
}

void print_kv_prefixes(FILE *out, const char *indent, const char *key,
		       const struct config_prefix *p, int n, bool bare_128)
{
	struct addr6_buf b;
	int i;

	fprintf(out, "%s%s = [ ", indent, key);
	for (i = 0; i < n; i++) {
		fprintf(out, "%s\"%s", i ? ", " : "", addr6_str(&p[i].addr, &b));
		if (!bare_128 || p[i].len != 128)
			fprintf(out, "/%u", p[i].len);
		fputc('"', out);
	}
	fputs(" ];\n", out);
}

void print_kv_prefix_list(FILE *out, const char *indent, const char *key,
			  const struct config_prefix *p, int n, const char *empty_note)
{
	if (n)
		print_kv_prefixes(out, indent, key, p, n, false);
	else
		fprintf(out, "%s%s = [ ];%s\n", indent, key, empty_note);
}

static void print_ifaces(FILE *out, const char *indent, const char *key,
			 const char (*ifs)[IF_NAMESIZE], int n)
{
	int i;

	fprintf(out, "%s%s = [ ", indent, key);
	for (i = 0; i < n; i++) {
		fputs(i ? ", " : "", out);
		print_str(out, ifs[i]);
	}
	fputs(" ];\n", out);
}

/* A role section: a blank line, then the group. */
static void print_section(FILE *out, const char *indent, const struct config_row *row,
			  const void *obj)
{
	char inner[16];

	if (!*(const bool *)((const char *)obj + row->aux))
		return;
	snprintf(inner, sizeof(inner), "%s\t", indent);
	fprintf(out, "\n%s%s = {\n", indent, row->name);
	print_rows(out, inner, row->section, (const char *)obj + row->offset);
	fprintf(out, "%s};\n", indent);
}

static void print_value(FILE *out, const char *indent, const struct config_row *row,
			const void *obj)
{
	const void *field = (const char *)obj + row->offset;
	const struct config_prefix *p = field;
	struct addr6_buf b;

	switch (row->type) {
	case CT_INT:
		print_kv_int(out, indent, row->name, row_get_int(row, obj));
		break;
	case CT_BOOL:
		put_key(out, indent, row->name);
		fputs(*(const bool *)field ? "true;\n" : "false;\n", out);
		break;
	case CT_WORD:
		print_kv_str(out, indent, row->name, row->word(row_get_int(row, obj)));
		break;
	case CT_PATH:
		print_kv_str(out, indent, row->name,
			     *(char *const *)field ? *(char *const *)field : row->def_str);
		break;
	case CT_ADDR:
		print_kv_addr(out, indent, row->name, field);
		break;
	case CT_PREFIX:
		fprintf(out, "%s%s = \"%s/%u\";\n", indent, row->name, addr6_str(&p->addr, &b),
			p->len);
		break;
	case CT_IFACES:
		print_ifaces(out, indent, row->name, field,
			     *(const int *)((const char *)obj + row->aux));
		break;
	case CT_SECTION:
		print_section(out, indent, row, obj);
		break;
	case CT_CUSTOM:
		break;
	}
}

void print_rows(FILE *out, const char *indent, const struct config_section *sec, const void *obj)
{
	size_t i;

	for (i = 0; i < sec->n_rows; i++) {
		const struct config_row *row = &sec->rows[i];

		if (row->print)
			row->print(out, indent, row, obj);
		else
			print_value(out, indent, row, obj);
	}
}

void print_group_list(FILE *out, const char *indent, const struct config_row *row,
		      const void *elems, int n, size_t size)
{
	char inner[16];
	int i;

	snprintf(inner, sizeof(inner), "%s\t\t", indent);
	fprintf(out, "%s%s = (\n", indent, row->name);
	for (i = 0; i < n; i++) {
		fputs(indent, out);
		fputs("\t{\n", out);
		print_rows(out, inner, row->section, (const char *)elems + i * size);
		fputs(indent, out);
		fputs(i == n - 1 ? "\t}\n" : "\t},\n", out);
	}
	fprintf(out, "%s);\n", indent);
}
