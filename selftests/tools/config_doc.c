// SPDX-License-Identifier: GPL-2.0
/*
 * config_doc.c - the settings tables of docs/xmip6d.conf.md from the
 * configuration schema (user/config/schema.c).
 *
 *	config_doc FILE		FILE with every table regenerated, on stdout
 *	config_doc -i FILE	the same, written back to FILE
 *
 * A table is the run of "|" lines right after a line
 * "<!-- schema: SECTION -->"; everything else is copied as it is. Exits 1
 * when a marker names no section, a section has no marker, or a setting
 * has no line of documentation in the schema, so that a setting cannot be
 * added without being documented. selftests/test_config.sh checks that the
 * committed file is its own output.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/schema.h"

#define MARKER	   "<!-- schema: "
#define MARKER_END " -->"

static const struct config_section *section_named(const char *name, size_t len)
{
	const struct config_section *const *sec;

	for (sec = schema_sections; *sec; sec++)
		if (strlen((*sec)->name) == len && !strncmp((*sec)->name, name, len))
			return *sec;
	return NULL;
}

/* The section a marker line names, NULL (and a message) for none. */
static const struct config_section *marker(const char *line, const char *file, int lineno)
{
	const char *name = line + strlen(MARKER), *end = strstr(name, MARKER_END);
	const struct config_section *sec = end ? section_named(name, end - name) : NULL;

	if (!sec)
		fprintf(stderr, "%s:%d: no schema section of that name\n", file, lineno);
	return sec;
}

/* @in to @out with the tables regenerated; 0, or -EINVAL after a message. */
static int regenerate(FILE *in, FILE *out, const char *file)
{
	const struct config_section *const *sec;
	unsigned long long done = 0; /* bit N: schema_sections[N] has its table */
	bool in_table = false;
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, err = 0;

	while (!err && getline(&line, &cap, in) >= 0) {
		const struct config_section *s;

		lineno++;
		if (in_table && line[0] == '|')
			continue; /* the old table */
		in_table = false;
		fputs(line, out);
		if (strncmp(line, MARKER, strlen(MARKER)))
			continue;
		s = marker(line, file, lineno);
		if (!s)
			err = -EINVAL;
		else
			err = schema_doc_table(out, s);
		for (sec = schema_sections; s && *sec; sec++)
			if (*sec == s)
				done |= 1ULL << (sec - schema_sections);
		in_table = true;
	}
	free(line);
	for (sec = schema_sections; !err && *sec; sec++) {
		if (done & 1ULL << (sec - schema_sections))
			continue;
		fprintf(stderr, "%s: no \"%s%s%s\" line for its settings table\n", file, MARKER,
			(*sec)->name, MARKER_END);
		err = -EINVAL;
	}
	return err;
}

int main(int argc, char **argv)
{
	bool in_place = argc == 3 && !strcmp(argv[1], "-i");
	const char *file = argv[argc - 1];
	char *text = NULL;
	size_t len = 0;
	FILE *in, *out;
	int err;

	if (argc != 2 && !in_place) {
		fprintf(stderr, "usage: config_doc [-i] docs/xmip6d.conf.md\n");
		return 2;
	}
	in = fopen(file, "re");
	if (!in) {
		perror(file);
		return 1;
	}
	out = in_place ? open_memstream(&text, &len) : stdout;
	if (!out) {
		perror("open_memstream");
		fclose(in);
		return 1;
	}
	err = regenerate(in, out, file);
	fclose(in);
	if (!in_place)
		return err ? 1 : 0;
	fclose(out);
	if (!err) {
		out = fopen(file, "we");
		if (!out || fwrite(text, 1, len, out) != len || fclose(out)) {
			perror(file);
			err = -EIO;
		}
	}
	free(text);
	return err ? 1 : 0;
}
