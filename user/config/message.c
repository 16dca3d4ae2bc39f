// SPDX-License-Identifier: GPL-2.0
/*
 * message.c - the one error message of the configuration loader:
 * "FILE:LINE: SETTING: what is wrong; what is allowed", written into the
 * loader's context by whichever part finds the problem (the walker, the
 * value parsers, the rules) and handed back by config_load().
 */
#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config/parse.h"

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
