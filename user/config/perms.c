// SPDX-License-Identifier: GPL-2.0
/*
 * perms.c - who may change or read the files the configuration comes from:
 * the file itself, its @include files and its key files. A file anyone may
 * write, or one owned by another user, lets that user choose the daemon's
 * keys and policy; a key anyone may read gives away the RFC 4285 MN-HA
 * association. The first such file is remembered with its reason;
 * config_load() refuses it unless allow-insecure-files is set.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/parse.h"

/* Why a file with @st is unsafe to trust, or NULL. */
static const char *unsafe_reason(const struct stat *st, bool holds_keys)
{
	if (st->st_mode & S_IWOTH)
		return "writable by everyone";
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return "owned by another user than root or the daemon's";
	if (holds_keys && (st->st_mode & S_IROTH))
		return "holds keys and is readable by everyone";
	return NULL;
}

/* libconfig names an @include file as written: relative to the
 * configuration's directory (config_set_include_dir), not ours. */
static const char *resolve(const struct parse_ctx *c, const char *file, char *buf, size_t size)
{
	if (file[0] == '/' || !strcmp(file, c->path) || !c->dir)
		return file;
	snprintf(buf, size, "%s/%s", c->dir, file);
	return buf;
}

/* Remember "WHERE: FILE: reason" for the first unsafe file; @st is the
 * file's, or NULL for a stat() of it here. */
static void note(struct parse_ctx *c, const config_setting_t *s, const char *file,
		 const struct stat *st, bool holds_keys)
{
	const char *src = s ? config_setting_source_file(s) : NULL;
	char src_buf[PATH_MAX], file_buf[PATH_MAX];
	const char *why;
	struct stat st_buf;

	if (c->unsafe[0] || !file)
		return;
	file = resolve(c, file, file_buf, sizeof(file_buf));
	if (!st) {
		if (stat(file, &st_buf))
			return;
		st = &st_buf;
	}
	why = unsafe_reason(st, holds_keys);
	if (!why)
		return;
	if (src)
		src = resolve(c, src, src_buf, sizeof(src_buf));
	if (src && strcmp(src, file))
		snprintf(c->unsafe, sizeof(c->unsafe), "%s:%d: %s: %s: %s", src,
			 config_setting_source_line(s), config_setting_name(s), file, why);
	else if (src)
		snprintf(c->unsafe, sizeof(c->unsafe), "%s:%d: %s", file,
			 config_setting_source_line(s), why);
	else
		snprintf(c->unsafe, sizeof(c->unsafe), "%s: %s", file, why);
}

void perms_note_setting(struct parse_ctx *c, const config_setting_t *s)
{
	const char *src = config_setting_source_file(s);

	/* One stat per file: settings come in file order, mostly. */
	if (!src || src == c->perms_checked)
		return;
	c->perms_checked = src;
	note(c, s, src, NULL, false);
}

void perms_note_inline_key(struct parse_ctx *c, const config_setting_t *s)
{
	const char *src = config_setting_source_file(s);

	/* One stat per file, not per key: a million keys in one file. */
	if (!src || src == c->perms_keys_checked)
		return;
	c->perms_keys_checked = src;
	note(c, s, src, NULL, true);
}

void perms_note_key_file(struct parse_ctx *c, const config_setting_t *s, const char *path,
			 const struct stat *st)
{
	note(c, s, path, st, true);
}

void perms_note_file(struct parse_ctx *c, const char *path)
{
	note(c, NULL, path, NULL, false);
}
