// SPDX-License-Identifier: GPL-2.0
/*
 * values.c - the value types of the configuration schema (schema.h): check
 * one setting's type and range, store it where its row says, or its
 * default when it is absent; and the parsers of integers, strings,
 * addresses, prefixes and interface names that the hooks use as well.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/parse.h"
#include "common/util.h"

/* ---- where values live ------------------------------------------------- */

/* Integers and words are stored in a field of the row's size; a row whose
 * range reaches below zero is signed. */
const struct config_row *section_row(const struct config_section *sec, const char *name)
{
	size_t i;

	for (i = 0; i < sec->n_rows; i++)
		if (!strcmp(sec->rows[i].name, name))
			return &sec->rows[i];
	return NULL;
}

long long row_get_int(const struct config_row *row, const void *obj)
{
	const char *p = (const char *)obj + row->offset;
	__u8 u8;
	__u16 u16;
	__u32 u32;
	__s64 s64;

	switch (row->size) {
	case 1:
		memcpy(&u8, p, 1);
		return row->min < 0 ? (long long)(__s8)u8 : (long long)u8;
	case 2:
		memcpy(&u16, p, 2);
		return row->min < 0 ? (long long)(__s16)u16 : (long long)u16;
	case 4:
		memcpy(&u32, p, 4);
		return row->min < 0 ? (long long)(__s32)u32 : (long long)u32;
	default:
		memcpy(&s64, p, 8);
		return s64;
	}
}

void row_set_int(const struct config_row *row, void *obj, long long value)
{
	char *p = (char *)obj + row->offset;
	__u8 u8 = value;
	__u16 u16 = value;
	__u32 u32 = value;
	__s64 s64 = value;

	switch (row->size) {
	case 1:
		memcpy(p, &u8, 1);
		break;
	case 2:
		memcpy(p, &u16, 2);
		break;
	case 4:
		memcpy(p, &u32, 4);
		break;
	default:
		memcpy(p, &s64, 8);
		break;
	}
}

/* ---- integers ---------------------------------------------------------- */

long long setting_int(const config_setting_t *s)
{
	if (config_setting_type(s) == CONFIG_TYPE_INT64)
		return config_setting_get_int64(s);
	return config_setting_get_int(s);
}

int value_int(struct parse_ctx *c, const config_setting_t *s, long long min, long long max,
	      const char *hint, long long *out)
{
	long long v;
	int err;

	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT64:
		v = config_setting_get_int64(s);
		break;
	case CONFIG_TYPE_INT:
		v = config_setting_get_int(s);
		err = literal_check_int32(c, s, v);
		if (err)
			return err;
		break;
	default:
		return wrong_type(c, s, "an integer");
	}
	if (v < min || v > max)
		return fail(c, s, "%lld is out of range; allowed %lld..%lld%s%s%s", v, min, max,
			    hint ? " (" : "", hint ? hint : "", hint ? ")" : "");
	*out = v;
	return 0;
}

/* ---- strings ----------------------------------------------------------- */

int value_str(struct parse_ctx *c, const config_setting_t *s, const char **out)
{
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return wrong_type(c, s, "a string");
	*out = config_setting_get_string(s);
	return 0;
}

/* One of the row's words, stored as its number. */
static int value_word(struct parse_ctx *c, const config_setting_t *s, const struct config_row *row,
		      void *obj)
{
	char allowed[128] = "";
	const char *v = NULL;
	long long i;
	int err = value_str(c, s, &v);

	if (err)
		return err;
	for (i = row->min; i <= row->max; i++) {
		if (!strcmp(v, row->word(i))) {
			row_set_int(row, obj, i);
			return 0;
		}
		snprintf(allowed + strlen(allowed), sizeof(allowed) - strlen(allowed), "%s%s",
			 i > row->min ? ", " : "", row->word(i));
	}
	return fail(c, s, "\"%s\" is not allowed; use one of %s", v, allowed);
}

/* An absolute path shorter than row->max octets, strdup'ed. */
static int value_path(struct parse_ctx *c, const config_setting_t *s, const struct config_row *row,
		      char **out)
{
	const char *v = NULL;
	int err = value_str(c, s, &v);

	if (err)
		return err;
	if (v[0] != '/')
		return fail(c, s, "\"%s\" is not an absolute path; it must start with /", v);
	if (strlen(v) >= (size_t)row->max)
		return fail(c, s, "%zu characters is too long; at most %lld", strlen(v),
			    row->max - 1);
	*out = strdup(v);
	return *out ? 0 : -ENOMEM;
}

int value_str_list(struct parse_ctx *c, const config_setting_t *s, const char *want, int *n)
{
	*n = 0;
	if (config_setting_type(s) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(s) != CONFIG_TYPE_LIST)
		return wrong_type(c, s, want);
	*n = config_setting_length(s);
	return 0;
}

int value_each_str(struct parse_ctx *c, const config_setting_t *s, value_elem_fn fn, void *arg)
{
	int i, err = 0, n = config_setting_length(s);

	for (i = 0; !err && i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);
		const char *v = NULL;

		err = value_str(c, e, &v);
		if (!err)
			err = fn(c, e, v, i, arg);
	}
	return err;
}

/* ---- addresses, prefixes, interfaces ------------------------------------ */

/* A unicast address another node can reach: home agent or home address. */
static int value_node_addr(struct parse_ctx *c, const config_setting_t *s, struct in6_addr *out)
{
	const char *str = NULL, *why;
	int err = value_str(c, s, &str);

	if (err)
		return err;
	if (addr6_parse(str, out))
		return fail(c, s, "\"%s\" is not an IPv6 address", str);
	why = addr6_unusable_reason(out);
	if (!why && IN6_IS_ADDR_LINKLOCAL(out))
		why = "link-local";
	if (!why && IN6_IS_ADDR_V4MAPPED(out))
		why = "IPv4-mapped";
	if (why)
		return fail(c, s, "%s is %s; use a global or unique-local unicast address", str,
			    why);
	return 0;
}

void prefix_mask(struct in6_addr *a, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < 16; i++) {
		if (len >= 8)
			len -= 8;
		else {
			a->s6_addr[i] &= (__u8)(0xff00 >> len);
			len = 0;
		}
	}
}

int value_prefix(struct parse_ctx *c, const config_setting_t *s, const char *str,
		 unsigned int minlen, struct config_prefix *out)
{
	const char *slash = strchr(str, '/');
	char addr[INET6_ADDRSTRLEN], *end;
	struct addr6_buf b;
	unsigned long len;
	struct in6_addr masked;

	if (!slash || (size_t)(slash - str) >= sizeof(addr))
		return fail(c, s,
			    "\"%s\" is not a prefix; write ADDRESS/LENGTH, e.g. 2001:db8:1::/64",
			    str);
	memcpy(addr, str, slash - str);
	addr[slash - str] = '\0';
	if (addr6_parse(addr, &out->addr))
		return fail(c, s, "\"%s\": %s is not an IPv6 address", str, addr);
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (!isdigit((unsigned char)slash[1]) || *end || errno || len < minlen || len > 128)
		return fail(c, s, "\"%s\": prefix length must be %u..128", str, minlen);
	out->len = len;
	masked = out->addr;
	prefix_mask(&masked, len);
	if (memcmp(&masked, &out->addr, sizeof(masked)))
		return fail(c, s, "\"%s\" has host bits set; the prefix is %s/%lu", str,
			    addr6_str(&masked, &b), len);
	return 0;
}

struct prefix_list_arg {
	struct config_prefix *p;
	unsigned int minlen;
};

static int prefix_list_elem(struct parse_ctx *c, const config_setting_t *e, const char *v, int i,
			    void *arg)
{
	const struct prefix_list_arg *a = arg;

	return value_prefix(c, e, v, a->minlen, &a->p[i]);
}

int value_prefix_list(struct parse_ctx *c, const config_setting_t *s, unsigned int minlen, int max,
		      const char *want, struct config_prefix **out, int *n)
{
	struct prefix_list_arg a = {.minlen = minlen};
	int len, err;

	err = value_str_list(c, s, want, &len);
	if (err)
		return err;
	if (len > max)
		return fail(c, s, "%d prefixes; at most %d", len, max);
	if (!len)
		return 0;
	a.p = *out = calloc(len, sizeof(**out));
	if (!a.p)
		return -ENOMEM;
	err = value_each_str(c, s, prefix_list_elem, &a);
	if (!err)
		*n = len;
	return err;
}

bool config_prefix_match(const struct config_prefix *prefix, const struct in6_addr *addr)
{
	struct in6_addr a = *addr;

	if (prefix->len > 128)
		return false;
	prefix_mask(&a, prefix->len);
	return IN6_ARE_ADDR_EQUAL(&a, &prefix->addr);
}

/* The Subnet-Router anycast address (RFC 4291 section 2.6.1): the prefix
 * with all host bits zero. No node may use it as its own address. */
bool is_subnet_router_anycast(const struct in6_addr *a, unsigned int plen)
{
	struct in6_addr m = *a;

	if (plen >= 127)
		return false;
	prefix_mask(&m, plen);
	return !memcmp(&m, a, sizeof(m));
}

/* The kernel's dev_valid_name(): no "/", ":" or white space, not "." or "..". */
static bool ifname_valid(const char *name)
{
	const char *p;

	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (p = name; *p; p++)
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
			return false;
	return true;
}

/* Element @i of interfaces, into the array @arg after the @i before it. */
static int iface_elem(struct parse_ctx *c, const config_setting_t *e, const char *v, int i,
		      void *arg)
{
	char(*out)[IF_NAMESIZE] = arg;
	int j;

	if (!v[0] || strlen(v) > IF_NAMESIZE - 1)
		return fail(c, e, "\"%s\" is not an interface name; 1..%d characters", v,
			    IF_NAMESIZE - 1);
	if (!ifname_valid(v))
		return fail(c, e, "\"%s\" is not an interface name; no /, : or spaces", v);
	for (j = 0; j < i; j++)
		if (!strcmp(out[j], v))
			return fail(c, e, "\"%s\" is listed twice", v);
	snprintf(out[i], IF_NAMESIZE, "%s", v);
	return 0;
}

/* 1..CONFIG_MAX_IFACES interface names. They need not exist yet: the
 * daemon checks them when it starts. */
static int value_ifaces(struct parse_ctx *c, const config_setting_t *s, char (*out)[IF_NAMESIZE],
			int *n_out)
{
	int n, err;

	err = value_str_list(c, s, "an array of interface names [ \"eth0\", ... ]", &n);
	if (err)
		return err;
	if (n < 1 || n > CONFIG_MAX_IFACES)
		return fail(c, s, "%d interfaces; give 1..%d", n, CONFIG_MAX_IFACES);
	err = value_each_str(c, s, iface_elem, out);
	if (!err)
		*n_out = n;
	return err;
}

/* ---- a row's value ----------------------------------------------------- */

int value_parse(struct parse_ctx *c, const config_setting_t *s, const struct config_row *row,
		void *obj)
{
	void *field = (char *)obj + row->offset;
	const char *str = NULL;
	long long v;
	int err = 0;

	switch (row->type) {
	case CT_INT:
		err = value_int(c, s, row->min, row->max, row->hint, &v);
		if (!err)
			row_set_int(row, obj, v);
		return err;
	case CT_BOOL:
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			return wrong_type(c, s, "true or false");
		*(bool *)field = config_setting_get_bool(s);
		return 0;
	case CT_WORD:
		return value_word(c, s, row, obj);
	case CT_PATH:
		return value_path(c, s, row, field);
	case CT_ADDR:
		return value_node_addr(c, s, field);
	case CT_PREFIX:
		err = value_str(c, s, &str);
		return err ? err : value_prefix(c, s, str, row->min, field);
	case CT_IFACES:
		return value_ifaces(c, s, field, (int *)((char *)obj + row->aux));
	case CT_SECTION:
		/* Walked by the parent's check(), after the parent's own rules. */
		if (config_setting_type(s) != CONFIG_TYPE_GROUP)
			return wrong_type(c, s, "a group { ... }");
		return 0;
	case CT_CUSTOM:
		return 0;
	}
	return 0;
}

int value_default(const struct config_row *row, void *obj)
{
	void *field = (char *)obj + row->offset;

	switch (row->type) {
	case CT_INT:
	case CT_WORD:
		row_set_int(row, obj, row->def);
		break;
	case CT_BOOL:
		*(bool *)field = row->def;
		break;
	case CT_PATH:
		*(char **)field = strdup(row->def_str);
		return *(char **)field ? 0 : -ENOMEM;
	default:
		break; /* zero, or the section's check() derives it */
	}
	return 0;
}
