// SPDX-License-Identifier: GPL-2.0
/*
 * config_doc.c - the settings tables of docs/xmip6d.conf.md and of the man
 * page docs/man/xmip6d.conf.5 from the configuration schema
 * (user/config/schema.c).
 *
 *	config_doc FILE		FILE with every table regenerated, on stdout
 *	config_doc -i FILE	the same, written back to FILE
 *
 * In Markdown a table is the run of "|" lines right after a line
 * "<!-- schema: SECTION -->"; in roff, the lines between
 * '.\" schema: SECTION' and '.\" end schema'. Everything else is copied as
 * it is. Exits 1 when a marker names no section, a section has no marker,
 * or a setting has no line of documentation in the schema, so that a
 * setting cannot be added without being documented. selftests/test_config.sh
 * and selftests/pkg/test_man.sh check that the committed files are their
 * own output.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/schema.h"

#define MARKER	       "<!-- schema: "
#define MARKER_END     " -->"
#define MAN_MARKER     ".\\\" schema: "
#define MAN_MARKER_END "\n"
#define MAN_TABLE_END  ".\\\" end schema\n"

static const struct config_section *section_named(const char *name, size_t len)
{
	const struct config_section *const *sec;

	for (sec = schema_sections; *sec; sec++)
		if (strlen((*sec)->name) == len && !strncmp((*sec)->name, name, len))
			return *sec;
	return NULL;
}

/* The section a marker line names, NULL (and a message) for none. */
static const struct config_section *marker(const char *line, bool man, const char *file, int lineno)
{
	const char *name = line + strlen(man ? MAN_MARKER : MARKER),
		   *end = strstr(name, man ? MAN_MARKER_END : MARKER_END);
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
	bool in_table = false, in_man_table = false, man, roff = false;
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, err = 0;

	while (!err && getline(&line, &cap, in) >= 0) {
		const struct config_section *s;

		lineno++;
		if (in_table && line[0] == '|')
			continue; /* the old table */
		if (in_man_table && strcmp(line, MAN_TABLE_END))
			continue;
		in_table = in_man_table = false;
		fputs(line, out);
		man = !strncmp(line, MAN_MARKER, strlen(MAN_MARKER));
		roff |= man || line[0] == '.';
		if (!man && strncmp(line, MARKER, strlen(MARKER)))
			continue;
		s = marker(line, man, file, lineno);
		if (!s)
			err = -EINVAL;
		else
			err = man ? schema_doc_man(out, s) : schema_doc_table(out, s);
		for (sec = schema_sections; s && *sec; sec++)
			if (*sec == s)
				done |= 1ULL << (sec - schema_sections);
		in_table = !man;
		in_man_table = man;
	}
	free(line);
	if (!err && in_man_table) {
		fprintf(stderr, "%s: no \"%.*s\" after the last table\n", file,
			(int)strlen(MAN_TABLE_END) - 1, MAN_TABLE_END);
		err = -EINVAL;
	}
	for (sec = schema_sections; !err && *sec; sec++) {
		if (done & 1ULL << (sec - schema_sections))
			continue;
		if (roff)
			fprintf(stderr, "%s: no '%s%s' line for its settings table\n", file,
				MAN_MARKER, (*sec)->name);
		else
			fprintf(stderr, "%s: no \"%s%s%s\" line for its settings table\n", file,
				MARKER, (*sec)->name, MARKER_END);
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
		fprintf(stderr,
			"usage: config_doc [-i] docs/xmip6d.conf.md|docs/man/xmip6d.conf.5\n");
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
