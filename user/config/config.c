// SPDX-License-Identifier: GPL-2.0
/*
 * config.c - the configuration's public entry points (config.h): load a
 * file (libconfig reads it, parse.c walks it against the schema's root
 * section), free it, print the effective settings.
 *
 * Only this file names the root of the schema: the walker (parse.c), the
 * printer (print.c) and the hooks (rules.c, keys.c) get their tables handed
 * down, so nothing below the tables calls back up into them.
 */
#include <errno.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/util.h"
#include "config/parse.h"
#include "config/print.h"

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

/*
 * Keys and policy must come from files only root (or the daemon's user)
 * can change, keys from files only they can read: refused, or with
 * allow-insecure-files one warning. 0 or -EPERM with the message set.
 */
static int unsafe_files(struct parse_ctx *c)
{
	if (c->cfg->allow_insecure_files) {
		pr_warn("%s (allowed by allow-insecure-files)", c->unsafe);
		return 0;
	}
	snprintf(c->err, c->errlen,
		 "%s; refused: use mode 0600 owned by root, or allow-insecure-files = true",
		 c->unsafe);
	return -EPERM;
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
	perms_note_file(&c, path);
	ret = read_and_parse(&c);
	if (!ret && c.unsafe[0])
		ret = unsafe_files(&c);
	literals_free(&c);
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

	for (i = 0; i < cfg->ha.n_mobile_nodes; i++) {
		free(cfg->ha.mobile_nodes[i].key_file);
		free(cfg->ha.mobile_nodes[i].coa_filter);
	}
	if (cfg->ha.mobile_nodes)
		explicit_bzero(cfg->ha.mobile_nodes,
			       cfg->ha.n_mobile_nodes * sizeof(*cfg->ha.mobile_nodes));
	free(cfg->ha.mobile_nodes);
	mn_index_free(&cfg->ha);
	free(cfg->ha.cluster.ca_file);
	free(cfg->ha.cluster.cert_file);
	free(cfg->ha.cluster.key_file);
	free(cfg->mn.key_file);
	free(cfg->path);
	free(cfg->pin_dir);
	free(cfg->control_socket);
	explicit_bzero(cfg, sizeof(*cfg));
}

void config_print(FILE *out, const struct xmip6d_config *cfg)
{
	fputs("# xmip6d effective configuration: defaults filled in, keys shown by length only.\n",
	      out);
	print_rows(out, "", &schema_root, cfg);
}
