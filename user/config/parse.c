// SPDX-License-Identifier: GPL-2.0
/*
 * parse.c - load the xmip6d configuration file (libconfig syntax,
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

/* ---- messages ---------------------------------------------------------- */

/* "home-agent.mobile-nodes[1].spi": where a setting sits in the file. */
static void setting_path(const config_setting_t *s, char *buf, size_t len)
{
	const config_setting_t *parent = config_setting_parent(s);
	size_t n;

	buf[0] = '\0';
	if (!parent)
		return;
	setting_path(parent, buf, len);
	n = strlen(buf);
	if (n >= len)
		return;
	if (config_setting_name(s))
		snprintf(buf + n, len - n, "%s%s", n ? "." : "", config_setting_name(s));
	else
		snprintf(buf + n, len - n, "[%d]", config_setting_index(s));
}

int fail(struct parse_ctx *c, const config_setting_t *s, const char *fmt, ...)
{
	char msg[512], where[256];
	const char *file;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	if (!s || !config_setting_parent(s)) {
		snprintf(c->err, c->errlen, "%s: %s", c->path, msg);
		return -EINVAL;
	}
	setting_path(s, where, sizeof(where));
	file = config_setting_source_file(s) ? config_setting_source_file(s) : c->path;
	snprintf(c->err, c->errlen, "%s:%u: %s: %s", file, config_setting_source_line(s), where,
		 msg);
	return -EINVAL;
}

int fail_missing(struct parse_ctx *c, const config_setting_t *grp, const char *name,
		 const char *what)
{
	char where[256];

	setting_path(grp, where, sizeof(where));
	snprintf(c->err, c->errlen, "%s:%u: %s.%s: missing; required (%s)",
		 config_setting_source_file(grp) ? config_setting_source_file(grp) : c->path,
		 config_setting_source_line(grp), where, name, what);
	return -EINVAL;
}

static const char *type_name(int type)
{
	switch (type) {
	case CONFIG_TYPE_GROUP:
		return "a group { ... }";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a floating-point number";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array [ ... ]";
	case CONFIG_TYPE_LIST:
		return "a list ( ... )";
	}
	return "nothing";
}

int wrong_type(struct parse_ctx *c, const config_setting_t *s, const char *want)
{
	return fail(c, s, "expected %s, got %s", want, type_name(config_setting_type(s)));
}

/* ---- unknown names ----------------------------------------------------- */

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

/* Refuse any member of @grp that is not a row of @sec. */
static int check_names(struct parse_ctx *c, const config_setting_t *grp,
		       const struct config_section *sec)
{
	int i, n = config_setting_length(grp);

	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(grp, i);

		if (!find_row(sec, config_setting_name(s)))
			return unknown_name(c, s, sec);
	}
	return 0;
}

/* ---- the walk ---------------------------------------------------------- */

static int parse_row(struct parse_ctx *c, const config_setting_t *grp, const struct config_row *row,
		     void *obj)
{
	const config_setting_t *s = config_setting_get_member(grp, row->name);
	int err;

	if (!s)
		return row->required ? fail_missing(c, grp, row->name, row->required)
				     : value_default(row, obj);
	err = value_parse(c, s, row, obj);
	if (!err && row->parse)
		err = row->parse(c, s, row, obj);
	return err;
}

int parse_section(struct parse_ctx *c, const config_setting_t *grp,
		  const struct config_section *sec, void *obj)
{
	size_t i;
	int err = check_names(c, grp, sec);

	for (i = 0; !err && i < sec->n_rows; i++)
		err = parse_row(c, grp, &sec->rows[i], obj);
	if (!err && sec->check)
		err = sec->check(c, grp, obj);
	return err;
}

/* ---- the file ---------------------------------------------------------- */

/* The absolute directory of @path: key-file names stay valid after chdir. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir, *abs;

	if (!slash)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, slash - path);
	abs = dir ? realpath(dir, NULL) : NULL;
	if (abs) {
		free(dir);
		dir = abs;
	}
	return dir;
}

/* libconfig reports every I/O error alike: open first for errno. */
static int check_readable(const char *path, struct stat *st)
{
	FILE *f = fopen(path, "re");
	int ret;

	if (!f)
		return -errno;
	if (fstat(fileno(f), st))
		ret = -errno;
	else
		ret = S_ISDIR(st->st_mode) ? -EISDIR : 0;
	fclose(f);
	return ret;
}

/* libconfig's reading of @c->path, then the schema's walk of it. */
static int read_and_parse(struct parse_ctx *c)
{
	config_t lc;
	int ret;

	config_init(&lc);
	config_set_include_dir(&lc, c->dir);
	if (!config_read_file(&lc, c->path)) {
		if (config_error_type(&lc) == CONFIG_ERR_FILE_IO)
			snprintf(c->err, c->errlen, "%s: cannot read the file", c->path);
		else
			snprintf(c->err, c->errlen, "%s:%d: %s",
				 config_error_file(&lc) ? config_error_file(&lc) : c->path,
				 config_error_line(&lc), config_error_text(&lc));
		ret = -EINVAL;
	} else {
		ret = parse_section(c, config_root_setting(&lc), &schema_root, c->cfg);
		if (ret == -ENOMEM)
			snprintf(c->err, c->errlen, "%s: %s", c->path, strerror(ENOMEM));
	}
	config_destroy(&lc);
	return ret;
}

int config_load(const char *path, struct xmip6d_config *cfg, char *err, size_t errlen)
{
	struct xmip6d_config tmp = {};
	struct parse_ctx c = {.path = path, .err = err, .errlen = errlen, .cfg = &tmp};
	struct stat st;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	if (errlen)
		err[0] = '\0';
	ret = check_readable(path, &st);
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}

	tmp.path = strdup(path);
	c.dir = dir_of(path);
	if (!tmp.path || !c.dir) {
		free(c.dir);
		free(tmp.path);
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return -ENOMEM;
	}
	ret = read_and_parse(&c);
	if (!ret && c.inline_keys && (st.st_mode & S_IROTH))
		pr_warn("%s: holds keys and is readable by everyone; use mode 0600 or key-file",
			path);
	if (!ret && c.open_key_file)
		pr_warn("%s: key file %s is readable by everyone; use mode 0600", path,
			c.open_key_file);
	free(c.dir);
	if (ret) {
		config_free(&tmp);
		return ret;
	}
	*cfg = tmp;
	return 0;
}

void config_free(struct xmip6d_config *cfg)
{
	int i;

	for (i = 0; i < cfg->ha.n_mobile_nodes; i++)
		free(cfg->ha.mobile_nodes[i].key_file);
	if (cfg->ha.mobile_nodes)
		explicit_bzero(cfg->ha.mobile_nodes,
			       cfg->ha.n_mobile_nodes * sizeof(*cfg->ha.mobile_nodes));
	free(cfg->ha.mobile_nodes);
	free(cfg->mn.key_file);
	free(cfg->path);
	free(cfg->pin_dir);
	free(cfg->control_socket);
	explicit_bzero(cfg, sizeof(*cfg));
}
