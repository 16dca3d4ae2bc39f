// SPDX-License-Identifier: GPL-2.0
/*
 * literals.c - integer literals that libconfig 1.5 wraps to 32 bits.
 *
 * libconfig 1.5 keeps an integer written without the L suffix in 32 bits
 * and wraps it silently ("spi = 3000000000;" reads as -1294967296,
 * "max-bindings = 4294967297;" as 1): only the file's text shows what was
 * meant. Each source file is scanned once, the first time one of its
 * integers is checked, for "NAME = LITERAL" (or "NAME: LITERAL") outside
 * strings and comments whose LITERAL does not fit in 32 bits; each such
 * literal is kept with its line and which "NAME =" of that line it is (the
 * first, the second...). A setting is then checked by a binary search on
 * its line: no re-reading of the file per setting, which made loading
 * quadratic in the number of mobile nodes (issue 18). Several settings of
 * one name on one line (mobile-nodes entries written on one line) are told
 * apart by their order, counted in the file and in libconfig's tree alike
 * (resolve()), so the message names the setting whose literal it quotes.
 *
 * A file that cannot be read again leaves the range checks alone.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/parse.h"

#define NAME_MAX_LEN  63 /* longer names are no setting of the schema */
#define TEXT_MAX_LEN  47 /* of a literal, as quoted in the message */
#define LINE_NAMES    32 /* distinct names counted on one line */
#define SCAN_BUF_SIZE 65536

/* One literal that does not fit in 32 bits. */
struct wide_literal {
	unsigned int line;
	unsigned int nth; /* 0: the first "NAME =" of its line */
	char name[NAME_MAX_LEN + 1];
	char text[TEXT_MAX_LEN + 1];
	long long value;
	/* The setting it belongs to, once resolve() has looked: NULL when no
	 * setting of libconfig's has that rank (the file changed). */
	const config_setting_t *setting;
	bool resolved;
};

struct literal_file {
	struct literal_file *next;
	const char *file; /* libconfig's name of it (one pointer per file) */
	bool scanned;	  /* false: could not be read, nothing known */
	struct wide_literal *lit;
	size_t n, cap;
};

/* ---- scanning a file ---------------------------------------------------- */

enum scan_state {
	S_NORMAL,
	S_NAME,		 /* a name being read */
	S_AFTER_NAME,	 /* white space after a name: = or : makes it a setting */
	S_AFTER_EQ,	 /* white space after = */
	S_NUMBER,	 /* an integer (or float) literal being read */
	S_STRING,	 /* inside "..." */
	S_STRING_ESC,	 /* after \ inside "..." */
	S_SLASH,	 /* a / that may start a comment */
	S_LINE_COMMENT,	 /* # or // up to the end of the line */
	S_BLOCK_COMMENT, /* inside a C comment */
	S_BLOCK_STAR,	 /* a * inside it */
};

struct scanner {
	struct literal_file *lf;
	enum scan_state state, resume; /* resume: where a comment returns to */
	unsigned int line, name_line;
	bool prev_word; /* the previous character continues a word: no name starts */
	char name[NAME_MAX_LEN + 1];
	size_t name_len;
	bool name_long;
	unsigned int nth; /* which "NAME =" of its line the current one is */
	char text[TEXT_MAX_LEN + 1];
	size_t text_len;
	/* How many times each name was set on line counts_line so far. */
	unsigned int counts_line;
	struct {
		char name[NAME_MAX_LEN + 1];
		unsigned int count;
	} counts[LINE_NAMES];
	size_t n_counts;
	bool oom;
};

/* libconfig 1.5's names: [A-Za-z*][-A-Za-z0-9_*]* */
static bool name_start(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '*';
}

static bool name_char(int ch)
{
	return name_start(ch) || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
}

static bool space(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\f';
}

/* The setting just named (sc->name at sc->name_line): its rank on the line. */
static unsigned int count_setting(struct scanner *sc)
{
	size_t i;

	if (sc->counts_line != sc->name_line) {
		sc->counts_line = sc->name_line;
		sc->n_counts = 0;
	}
	for (i = 0; i < sc->n_counts; i++)
		if (!strcmp(sc->counts[i].name, sc->name))
			return sc->counts[i].count++;
	if (sc->n_counts < LINE_NAMES) {
		memcpy(sc->counts[i].name, sc->name, sc->name_len + 1);
		sc->counts[i].count = 1;
		sc->n_counts++;
	}
	return 0;
}

/* The literal in sc->text ended: kept when it is an integer beyond 32 bits. */
static void number_end(struct scanner *sc)
{
	const char *t = sc->text, *digits = t + (t[0] == '-' || t[0] == '+');
	struct literal_file *lf = sc->lf;
	struct wide_literal *w;
	long long v;
	char *end;
	int base = 10;

	if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
		base = 16;
	errno = 0;
	v = strtoll(t, &end, base);
	/* The L suffix (64 bits), a float, or something else: not ours. */
	if (end == t || *end)
		return;
	if (errno != ERANGE && v >= INT32_MIN && v <= INT32_MAX)
		return;
	if (lf->n == lf->cap) {
		size_t cap = lf->cap ? 2 * lf->cap : 16;
		void *p = realloc(lf->lit, cap * sizeof(*lf->lit));

		if (!p) {
			sc->oom = true;
			return;
		}
		lf->lit = p;
		lf->cap = cap;
	}
	w = &lf->lit[lf->n++];
	w->line = sc->name_line;
	w->nth = sc->nth;
	w->value = v;
	memcpy(w->name, sc->name, sc->name_len + 1);
	memcpy(w->text, sc->text, sc->text_len + 1);
	w->setting = NULL;
	w->resolved = false;
}

/* One character; false when it must be seen again in the new state. */
static bool scan_char(struct scanner *sc, int ch)
{
	switch (sc->state) {
	case S_NORMAL:
		if (ch == '"') {
			sc->state = S_STRING;
		} else if (ch == '#') {
			sc->resume = S_NORMAL;
			sc->state = S_LINE_COMMENT;
		} else if (ch == '/') {
			sc->resume = S_NORMAL;
			sc->state = S_SLASH;
		} else if (name_start(ch) && !sc->prev_word) {
			sc->state = S_NAME;
			sc->name[0] = ch;
			sc->name_len = 1;
			sc->name_long = false;
			sc->name_line = sc->line;
		}
		sc->prev_word = name_char(ch) || ch == '.';
		return true;
	case S_NAME:
		if (name_char(ch)) {
			if (sc->name_len < NAME_MAX_LEN)
				sc->name[sc->name_len++] = ch;
			else
				sc->name_long = true;
			return true;
		}
		sc->name[sc->name_len] = '\0';
		sc->prev_word = false;
		sc->state = S_AFTER_NAME;
		return false;
	case S_AFTER_NAME:
	case S_AFTER_EQ:
		if (space(ch))
			return true;
		if (ch == '#' || ch == '/') {
			sc->resume = sc->state;
			sc->state = ch == '#' ? S_LINE_COMMENT : S_SLASH;
			return true;
		}
		if (sc->state == S_AFTER_NAME && (ch == '=' || ch == ':')) {
			if (sc->name_long)
				sc->name[0] = '\0'; /* counted as no name */
			sc->nth = count_setting(sc);
			sc->state = S_AFTER_EQ;
			return true;
		}
		if (sc->state == S_AFTER_EQ &&
		    ((ch >= '0' && ch <= '9') || ch == '-' || ch == '+')) {
			sc->state = S_NUMBER;
			sc->text_len = 0;
			return false;
		}
		sc->state = S_NORMAL;
		return false;
	case S_NUMBER:
		if (name_char(ch) || ch == '.' || ch == '+') {
			if (sc->text_len < TEXT_MAX_LEN)
				sc->text[sc->text_len++] = ch;
			return true;
		}
		sc->text[sc->text_len] = '\0';
		if (sc->text_len < TEXT_MAX_LEN && sc->name[0])
			number_end(sc);
		sc->prev_word = false;
		sc->state = S_NORMAL;
		return false;
	case S_STRING:
		if (ch == '\\')
			sc->state = S_STRING_ESC;
		else if (ch == '"')
			sc->state = S_NORMAL;
		return true;
	case S_STRING_ESC:
		sc->state = S_STRING;
		return true;
	case S_SLASH:
		if (ch == '/') {
			sc->state = S_LINE_COMMENT;
			return true;
		}
		if (ch == '*') {
			sc->state = S_BLOCK_COMMENT;
			return true;
		}
		sc->state = S_NORMAL; /* a lone / is no syntax of libconfig's */
		sc->prev_word = false;
		return false;
	case S_LINE_COMMENT:
		if (ch == '\n')
			sc->state = sc->resume;
		return true;
	case S_BLOCK_COMMENT:
		if (ch == '*')
			sc->state = S_BLOCK_STAR;
		return true;
	case S_BLOCK_STAR:
		if (ch == '/')
			sc->state = sc->resume;
		else if (ch != '*')
			sc->state = S_BLOCK_COMMENT;
		return true;
	}
	return true;
}

static void scan_feed(struct scanner *sc, const char *buf, size_t n)
{
	const char *p = buf, *end = buf + n, *nl;

	while (p < end) {
		/* Strings (addresses, keys) are most of a large file: to their end
		 * in a tight loop. Comments: to the end of the line. */
		if (sc->state == S_STRING) {
			while (p < end && *p != '"' && *p != '\\' && *p != '\n')
				p++;
			if (p == end)
				break;
		} else if (sc->state == S_LINE_COMMENT) {
			nl = memchr(p, '\n', end - p);
			if (!nl)
				break;
			p = nl;
		}
		while (!scan_char(sc, (unsigned char)*p))
			;
		if (*p == '\n')
			sc->line++;
		p++;
	}
}

/*
 * The wide literals of @lf->file. A file libconfig read has whole lines, but
 * it may have changed since: this is a second reading, for the message only.
 */
static int scan_file(const struct parse_ctx *c, struct literal_file *lf)
{
	struct scanner *sc;
	char path_buf[PATH_MAX], *buf;
	const char *path = lf->file;
	FILE *f;
	size_t n;
	int err = 0;

	/* libconfig names an @include file as written, from the main file's
	 * directory (config_set_include_dir). */
	if (path[0] != '/' && strcmp(path, c->path) && c->dir) {
		snprintf(path_buf, sizeof(path_buf), "%s/%s", c->dir, path);
		path = path_buf;
	}
	f = fopen(path, "re");
	if (!f)
		return 0;
	sc = calloc(1, sizeof(*sc));
	buf = malloc(SCAN_BUF_SIZE);
	if (!sc || !buf) {
		err = -ENOMEM;
		goto out;
	}
	sc->lf = lf;
	sc->line = 1;
	while ((n = fread(buf, 1, SCAN_BUF_SIZE, f)) > 0)
		scan_feed(sc, buf, n);
	scan_feed(sc, "\n", 1); /* ends a literal at the end of the file */
	if (sc->oom)
		err = -ENOMEM;
	else
		lf->scanned = !ferror(f);
out:
	free(buf);
	free(sc);
	fclose(f);
	return err;
}

static struct literal_file *literal_file(struct parse_ctx *c, const char *file, int *err)
{
	struct literal_file *lf;

	*err = 0;
	for (lf = c->literals; lf; lf = lf->next)
		if (lf->file == file || !strcmp(lf->file, file))
			return lf;
	lf = calloc(1, sizeof(*lf));
	if (!lf) {
		*err = -ENOMEM;
		return NULL;
	}
	lf->file = file;
	lf->next = c->literals;
	c->literals = lf;
	*err = scan_file(c, lf);
	return lf;
}

/* ---- which setting a literal belongs to ---------------------------------- */

/* The place of a literal: its file, line and setting name. */
struct place {
	const char *file, *name;
	unsigned int line;
};

static bool at_place(const config_setting_t *s, const struct place *p)
{
	const char *name = config_setting_name(s), *file = config_setting_source_file(s);

	return name && config_setting_source_line(s) == p->line && !strcmp(name, p->name) && file &&
	       (file == p->file || !strcmp(file, p->file));
}

/*
 * Walk the tree under @s in file order (libconfig keeps the members of a
 * group and the elements of a list in the order written) and give each
 * wide literal at @p the setting of its rank there.
 */
static void resolve_walk(const config_setting_t *s, const struct place *p, struct literal_file *lf,
			 size_t first, unsigned int *rank)
{
	size_t i;
	int j, len;

	if (at_place(s, p)) {
		for (i = first; i < lf->n && lf->lit[i].line == p->line; i++)
			if (lf->lit[i].nth == *rank && !strcmp(lf->lit[i].name, p->name))
				lf->lit[i].setting = s;
		++*rank;
	}
	if (!config_setting_is_aggregate(s))
		return;
	len = config_setting_length(s);
	for (j = 0; j < len; j++)
		resolve_walk(config_setting_get_elem(s, j), p, lf, first, rank);
}

/*
 * Once per place that has a wide literal: one walk of the whole tree, so
 * that a line of many entries costs one walk, not one per entry.
 */
static void resolve(const config_setting_t *s, const struct place *p, struct literal_file *lf,
		    size_t first)
{
	const config_setting_t *root = s, *up;
	unsigned int rank = 0;
	size_t i;

	while ((up = config_setting_parent(root)))
		root = up;
	resolve_walk(root, p, lf, first, &rank);
	for (i = first; i < lf->n && lf->lit[i].line == p->line; i++)
		if (!strcmp(lf->lit[i].name, p->name))
			lf->lit[i].resolved = true;
}

/* ---- the check ---------------------------------------------------------- */

int literal_check_int32(struct parse_ctx *c, const config_setting_t *s, long long value)
{
	struct place p = {
		.file = config_setting_source_file(s),
		.name = config_setting_name(s),
		.line = config_setting_source_line(s),
	};
	struct literal_file *lf;
	const struct wide_literal *w;
	size_t lo, hi, mid, i;
	int err;

	if (!p.file || !p.name || !p.line)
		return 0;
	lf = literal_file(c, p.file, &err);
	if (!lf || !lf->scanned || !lf->n)
		return err;
	/* The first literal at or after the line: they are in file order. */
	for (lo = 0, hi = lf->n; lo < hi;) {
		mid = lo + (hi - lo) / 2;
		if (lf->lit[mid].line < p.line)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < lf->n && lf->lit[i].line == p.line; i++) {
		w = &lf->lit[i];
		if (strcmp(w->name, p.name))
			continue;
		if (!w->resolved)
			resolve(s, &p, lf, lo);
		if (w->setting == s && w->value != value)
			return fail(c, s,
				    "%s does not fit in 32 bits (libconfig reads it as %lld); "
				    "write %sL for a 64-bit integer",
				    w->text, value, w->text);
	}
	return 0;
}

void literals_free(struct parse_ctx *c)
{
	struct literal_file *lf, *next;

	for (lf = c->literals; lf; lf = next) {
		next = lf->next;
		free(lf->lit);
		free(lf);
	}
	c->literals = NULL;
}
