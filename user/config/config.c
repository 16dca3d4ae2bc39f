// SPDX-License-Identifier: GPL-2.0
/*
 * config.c - load, validate and print the xmip6d configuration file
 * (libconfig syntax, documented in docs/xmip6d.conf.md).
 *
 * The whole file is checked before anything is handed back: every group is
 * walked and a name it does not know is refused (a typo must not leave a
 * default silently in force), every value is checked for type and range,
 * and the first problem becomes one message "FILE:LINE: setting: what is
 * wrong; what is allowed". Key octets never appear in a message or in
 * config_print() output.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "xmip6.h"
#include "config/config.h"
#include "common/util.h"

#define KEY_FILE_MAX	     4096 /* octets: a hex key of 64 octets with any whitespace fits */
#define TIMESTAMP_WINDOW_MAX 3600
#define MAX_TIMEOUT_MAX	     3600
#define INIT_TIMEOUT_MIN_MS  100
#define INIT_TIMEOUT_MAX_MS  3600000

/* RFC 6275 section 6.1.7: the lifetime is 16 bits of 4-second units. */
#define LIFETIME_HINT \
	"seconds; the Binding Update lifetime is 65535 units of 4 s, RFC 6275 section 6.1.7"

struct ctx {
	const char *path; /* the file, as given */
	char *dir;	  /* its directory: relative key-file names and @include */
	char *err;
	size_t errlen;
	struct xmip6d_config *cfg;
	const char *open_key_file; /* a key file readable by everyone, warned about on success */
	bool inline_keys;	   /* some key is written in the file itself */
};

static const char *const log_level_names[] = {"err", "warning", "notice", "info", "debug", NULL};
static const int log_level_values[] = {LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG};
static const char *const log_names[] = {"stderr", "syslog", NULL};
static const char *const xdp_mode_names[] = {"native", "generic", NULL};

static const char *const root_keys[] = {
	"log-level",	      "log", "pin-dir", "control-socket", "home-agent", "mobile-node",
	"correspondent-node", NULL,
};

static const char *const ha_keys[] = {
	"address",	   "home-prefix",      "interfaces", "home-link",    "max-lifetime",
	"max-bindings",	   "refresh-interval", "dad",	     "require-auth", "timestamp-window",
	"accept-unlisted", "preference",       "xdp-mode",   "mobile-nodes", NULL,
};

static const char *const mn_entry_keys[] = {
	"home-address",	  "spi",	  "key", "key-file", "key-length", "enabled",
	"care-of-filter", "max-lifetime", NULL,
};

static const char *const mn_keys[] = {
	"home-address",
	"home-prefix-length",
	"home-prefix",
	"home-agent",
	"interfaces",
	"lifetime",
	"spi",
	"key",
	"key-file",
	"key-length",
	"link-local-compat",
	"initial-timeout-ms",
	"max-timeout",
	"xdp-mode",
	"route-optimization",
	"route-optimization-lifetime",
	NULL,
};

static const char *const cn_keys[] = {
	"interfaces",	"max-lifetime",	   "max-bindings",   "nonce-interval", "nonce-lifetime",
	"kcn-interval", "refresh-request", "refresh-before", "xdp-mode",       NULL,
};

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

/* Sets the error "FILE:LINE: SETTING: message" (or "FILE: message" for the
 * whole file, @s NULL or the root) and returns -EINVAL. */
static int fail(struct ctx *c, const config_setting_t *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct ctx *c, const config_setting_t *s, const char *fmt, ...)
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

/* A required setting is absent: reported at the line of its group. */
static int fail_missing(struct ctx *c, const config_setting_t *grp, const char *name,
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

static int wrong_type(struct ctx *c, const config_setting_t *s, const char *want)
{
	return fail(c, s, "expected %s, got %s", want, type_name(config_setting_type(s)));
}

/* ---- unknown names ----------------------------------------------------- */

static bool in_list(const char *const *names, const char *name)
{
	for (; *names; names++)
		if (!strcmp(*names, name))
			return true;
	return false;
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

/* Refuse any member of @grp not in @names, naming the closest known one. */
static int check_names(struct ctx *c, const config_setting_t *grp, const char *const *names)
{
	int i, n = config_setting_length(grp);

	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(grp, i);
		const char *name = config_setting_name(s), *best = NULL;
		const char *const *k;
		char allowed[512] = "";
		int best_d = 3;

		if (in_list(names, name))
			continue;
		for (k = names; *k; k++) {
			int d = edit_distance(name, *k);

			if (d < best_d) {
				best_d = d;
				best = *k;
			}
			snprintf(allowed + strlen(allowed), sizeof(allowed) - strlen(allowed),
				 "%s%s", k == names ? "" : ", ", *k);
		}
		if (best)
			return fail(c, s, "unknown setting; did you mean %s?", best);
		return fail(c, s, "unknown setting; allowed here: %s", allowed);
	}
	return 0;
}

/* ---- scalars ----------------------------------------------------------- */

/*
 * Find "name = LITERAL" (or "name: LITERAL") on @line and parse LITERAL as
 * libconfig writes integers: decimal, or hexadecimal after 0x.
 */
static bool find_int_literal(const char *line, const char *name, long long *out, char *text,
			     size_t textlen)
{
	size_t nlen = strlen(name);
	const char *p = line;

	while ((p = strstr(p, name))) {
		const char *q = p + nlen, *digits;
		bool start = p == line || strchr(" \t{(,;", p[-1]);
		char *end;
		int base = 10;

		p = q;
		if (!start)
			continue;
		q += strspn(q, " \t");
		if (*q != '=' && *q != ':')
			continue;
		q++;
		q += strspn(q, " \t");
		digits = q + (*q == '-' || *q == '+');
		if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
			base = 16;
		errno = 0;
		*out = strtoll(q, &end, base);
		if (end == q)
			return false;
		snprintf(text, textlen, "%.*s", (int)(end - q), q);
		return true;
	}
	return false;
}

/*
 * libconfig 1.5 keeps an integer literal without the L suffix in 32 bits and
 * wraps it silently ("spi = 3000000000;" reads as -1294967296,
 * "max-bindings = 4294967297;" as 1). Re-read the literal from its source
 * line to catch that; when it cannot be found there (value on another line)
 * the range check alone remains.
 */
static int check_int32_literal(struct ctx *c, const config_setting_t *s, long long value)
{
	const char *file = config_setting_source_file(s), *name = config_setting_name(s);
	unsigned int line = config_setting_source_line(s), n = 0;
	char *buf = NULL, text[48];
	size_t cap = 0;
	long long lit;
	bool found = false;
	FILE *f;

	if (!file || !name || !line)
		return 0;
	f = fopen(file, "re");
	if (!f)
		return 0;
	while (getline(&buf, &cap, f) >= 0) {
		if (++n == line) {
			found = find_int_literal(buf, name, &lit, text, sizeof(text));
			break;
		}
	}
	free(buf);
	fclose(f);
	if (found && lit != value)
		return fail(c, s,
			    "%s does not fit in 32 bits (libconfig reads it as %lld); "
			    "write %sL for a 64-bit integer",
			    text, value, text);
	return 0;
}

/*
 * Integer member @name of @grp within [min, max]: 1 and *out when present,
 * 0 when absent, -EINVAL otherwise. @hint says what the number means.
 */
static int get_int(struct ctx *c, const config_setting_t *grp, const char *name, long long min,
		   long long max, const char *hint, long long *out)
{
	const config_setting_t *s = config_setting_get_member(grp, name);
	long long v;
	int err;

	if (!s)
		return 0;
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT64:
		v = config_setting_get_int64(s);
		break;
	case CONFIG_TYPE_INT:
		v = config_setting_get_int(s);
		err = check_int32_literal(c, s, v);
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
	return 1;
}

static int get_u32(struct ctx *c, const config_setting_t *grp, const char *name, long long min,
		   long long max, const char *hint, __u32 *out)
{
	long long v;
	int r = get_int(c, grp, name, min, max, hint, &v);

	if (r == 1)
		*out = v;
	return r;
}

static int get_bool(struct ctx *c, const config_setting_t *grp, const char *name, bool *out)
{
	const config_setting_t *s = config_setting_get_member(grp, name);

	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return wrong_type(c, s, "true or false");
	*out = config_setting_get_bool(s);
	return 1;
}

/* String member: 1 and *out (owned by libconfig) when present. */
static int get_str(struct ctx *c, const config_setting_t *grp, const char *name, const char **out,
		   const config_setting_t **where)
{
	const config_setting_t *s = config_setting_get_member(grp, name);

	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return wrong_type(c, s, "a string");
	*out = config_setting_get_string(s);
	if (where)
		*where = s;
	return 1;
}

/* String member that must be one of @choices: 1 and *idx when present. */
static int get_choice(struct ctx *c, const config_setting_t *grp, const char *name,
		      const char *const *choices, int *idx)
{
	const config_setting_t *s = NULL;
	const char *v = NULL;
	char allowed[128] = "";
	int i, r = get_str(c, grp, name, &v, &s);

	if (r <= 0)
		return r;
	for (i = 0; choices[i]; i++) {
		if (!strcmp(v, choices[i])) {
			*idx = i;
			return 1;
		}
		snprintf(allowed + strlen(allowed), sizeof(allowed) - strlen(allowed), "%s%s",
			 i ? ", " : "", choices[i]);
	}
	return fail(c, s, "\"%s\" is not allowed; use one of %s", v, allowed);
}

/* A group member: 1 and *out when present. */
static int get_group(struct ctx *c, config_setting_t *grp, const char *name, config_setting_t **out)
{
	config_setting_t *s = config_setting_get_member(grp, name);

	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return wrong_type(c, s, "a group { ... }");
	*out = s;
	return 1;
}

/* An absolute path that fits in @max octets (NUL included); strdup'ed. */
static int get_path(struct ctx *c, const config_setting_t *grp, const char *name, size_t max,
		    const char *def, char **out)
{
	const config_setting_t *s = NULL;
	const char *v = def;
	int r = get_str(c, grp, name, &v, &s);

	if (r < 0)
		return r;
	if (r && v[0] != '/')
		return fail(c, s, "\"%s\" is not an absolute path; it must start with /", v);
	if (r && strlen(v) >= max)
		return fail(c, s, "%zu characters is too long; at most %zu", strlen(v), max - 1);
	*out = strdup(v);
	return *out ? 0 : -ENOMEM;
}

/* ---- addresses, prefixes, interfaces ------------------------------------ */

/* A unicast address another node can reach: home agent or home address. */
static int node_addr(struct ctx *c, const config_setting_t *s, struct in6_addr *out)
{
	const char *str = config_setting_get_string(s), *why;

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

/* Required address member @name of @grp. */
static int get_node_addr(struct ctx *c, const config_setting_t *grp, const char *name,
			 const char *what, struct in6_addr *out, const config_setting_t **where)
{
	const config_setting_t *s = NULL;
	const char *v = NULL;
	int r = get_str(c, grp, name, &v, &s);

	if (r < 0)
		return r;
	if (!r)
		return fail_missing(c, grp, name, what);
	if (where)
		*where = s;
	return node_addr(c, s, out);
}

static void prefix_mask(struct in6_addr *a, unsigned int len)
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

/* "ADDRESS/LENGTH" with LENGTH in [minlen, 128] and no host bits set. */
static int parse_prefix(struct ctx *c, const config_setting_t *s, const char *str,
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

/* Element @i of array or list @s, which must be a string. */
static int elem_str(struct ctx *c, const config_setting_t *s, int i, const char **out,
		    const config_setting_t **where)
{
	const config_setting_t *e = config_setting_get_elem(s, i);

	if (config_setting_type(e) != CONFIG_TYPE_STRING)
		return wrong_type(c, e, "a string");
	*out = config_setting_get_string(e);
	*where = e;
	return 0;
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

/* Required list of 1..CONFIG_MAX_IFACES interface names. They need not
 * exist yet: the daemon checks them when it starts. */
static int get_ifaces(struct ctx *c, const config_setting_t *grp, const char *name,
		      char (*out)[IF_NAMESIZE], int *n_out, const char *what)
{
	const config_setting_t *s = config_setting_get_member(grp, name);
	int i, j, n, err;

	if (!s)
		return fail_missing(c, grp, name, what);
	if (config_setting_type(s) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(s) != CONFIG_TYPE_LIST)
		return wrong_type(c, s, "an array of interface names [ \"eth0\", ... ]");
	n = config_setting_length(s);
	if (n < 1 || n > CONFIG_MAX_IFACES)
		return fail(c, s, "%d interfaces; give 1..%d", n, CONFIG_MAX_IFACES);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = NULL;
		const char *v = NULL;

		err = elem_str(c, s, i, &v, &e);
		if (err)
			return err;
		if (!v[0] || strlen(v) > IF_NAMESIZE - 1)
			return fail(c, e, "\"%s\" is not an interface name; 1..%d characters", v,
				    IF_NAMESIZE - 1);
		if (!ifname_valid(v))
			return fail(c, e, "\"%s\" is not an interface name; no /, : or spaces", v);
		for (j = 0; j < i; j++)
			if (!strcmp(out[j], v))
				return fail(c, e, "\"%s\" is listed twice", v);
		snprintf(out[i], IF_NAMESIZE, "%s", v);
	}
	*n_out = n;
	return 0;
}

/* The Subnet-Router anycast address (RFC 4291 section 2.6.1): the prefix
 * with all host bits zero. No node may use it as its own address. */
static bool is_subnet_router_anycast(const struct in6_addr *a, unsigned int plen)
{
	struct in6_addr m = *a;

	if (plen >= 127)
		return false;
	prefix_mask(&m, plen);
	return !memcmp(&m, a, sizeof(m));
}

/* ---- keys -------------------------------------------------------------- */

static int hex_val(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower(ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/*
 * Length check shared by every key source (RFC 4285: 16 octets or more).
 * @file names the key file, "" for a key written in the configuration.
 */
static int key_len_ok(struct ctx *c, const config_setting_t *s, const char *file, size_t octets,
		      const char *unit)
{
	const char *sep = file[0] ? ": " : "";

	if (octets < CONFIG_KEY_MIN)
		return fail(c, s,
			    "%s%s%zu octets%s is too short; RFC 4285 MN-HA keys are at least %d",
			    file, sep, octets, unit, CONFIG_KEY_MIN);
	if (octets > CONFIG_KEY_MAX)
		return fail(c, s, "%s%s%zu octets%s is too long; at most %d", file, sep, octets,
			    unit, CONFIG_KEY_MAX);
	return 0;
}

/* @hex (@n characters) into @key. Messages never quote key material. */
static int hex_key(struct ctx *c, const config_setting_t *s, const char *file, const char *hex,
		   size_t n, __u8 *key, size_t *key_len)
{
	const char *sep = file[0] ? ": " : "";
	size_t i;
	int err;

	for (i = 0; i < n; i++)
		if (hex_val((unsigned char)hex[i]) < 0)
			return fail(
				c, s,
				"%s%scharacter %zu is not a hex digit; a key is %d..%d hex digits "
				"(%d..%d octets)",
				file, sep, i + 1, 2 * CONFIG_KEY_MIN, 2 * CONFIG_KEY_MAX,
				CONFIG_KEY_MIN, CONFIG_KEY_MAX);
	if (n % 2)
		return fail(c, s, "%s%sodd number of hex digits (%zu); two per octet", file, sep,
			    n);
	err = key_len_ok(c, s, file, n / 2, " of hex");
	if (err)
		return err;
	for (i = 0; i < n / 2; i++)
		key[i] = hex_val((unsigned char)hex[2 * i]) << 4 |
			 hex_val((unsigned char)hex[2 * i + 1]);
	*key_len = n / 2;
	return 0;
}

/* Whole content of @path into @buf (at most @size octets); -errno. */
static ssize_t read_small_file(const char *path, char *buf, size_t size, struct stat *st)
{
	ssize_t n, total = 0;
	/* O_NONBLOCK: a FIFO must not hang the daemon; it is refused below. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), err;

	if (fd < 0)
		return -errno;
	if (fstat(fd, st)) {
		err = -errno;
		goto out;
	}
	if (!S_ISREG(st->st_mode)) {
		err = S_ISDIR(st->st_mode) ? -EISDIR : -EINVAL;
		goto out;
	}
	if (st->st_size > (off_t)size) {
		err = -EFBIG;
		goto out;
	}
	while ((size_t)total < size) {
		n = read(fd, buf + total, size - total);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			goto out;
		}
		if (n == 0)
			break;
		total += n;
	}
	err = total;
out:
	close(fd);
	return err;
}

/*
 * key-file: hex digits (white space among them ignored) or, when the file
 * holds anything else, its exact octets. A relative name is taken from the
 * configuration file's directory.
 */
static int read_key_file(struct ctx *c, const config_setting_t *s, const char *name, __u8 *key,
			 size_t *key_len, char **resolved)
{
	char buf[KEY_FILE_MAX + 1], hex[KEY_FILE_MAX];
	struct stat st;
	size_t i, m;
	ssize_t n;
	int err;

	if (!name[0])
		return fail(c, s, "empty file name");
	if (name[0] == '/')
		*resolved = strdup(name);
	else if (asprintf(resolved, "%s/%s", c->dir, name) < 0)
		*resolved = NULL;
	if (!*resolved)
		return -ENOMEM;

	n = read_small_file(*resolved, buf, sizeof(buf) - 1, &st);
	if (n == -EFBIG)
		return fail(
			c, s,
			"%s: larger than %d octets; a key file holds %d..%d octets or their hex",
			*resolved, KEY_FILE_MAX, CONFIG_KEY_MIN, CONFIG_KEY_MAX);
	if (n == -EINVAL)
		return fail(c, s, "%s: not a regular file", *resolved);
	if (n < 0)
		return fail(c, s, "%s: %s", *resolved, strerror((int)-n));

	/* Hex when the file holds only hex digits and white space (xxd -p
	 * wraps its lines), raw octets otherwise. */
	for (i = 0, m = 0; i < (size_t)n; i++) {
		if (isspace((unsigned char)buf[i]))
			continue;
		if (hex_val((unsigned char)buf[i]) < 0)
			break;
		hex[m++] = buf[i];
	}
	if (i == (size_t)n && m) {
		err = hex_key(c, s, *resolved, hex, m, key, key_len);
	} else {
		err = key_len_ok(c, s, *resolved, n, "");
		if (!err) {
			memcpy(key, buf, n);
			*key_len = n;
		}
	}
	explicit_bzero(hex, sizeof(hex));
	explicit_bzero(buf, sizeof(buf));
	if (!err && (st.st_mode & S_IROTH) && !c->open_key_file)
		c->open_key_file = *resolved;
	return err;
}

/*
 * The security association members shared by mobile-nodes entries and the
 * mobile-node section: spi, and the key as key (hex), key-file or
 * key-length alone (config_print()'s stand-in: the octets stay zero and
 * the configuration is marked redacted). @need_key says why a key is
 * required, NULL when it is optional.
 */
static int get_sa(struct ctx *c, const config_setting_t *grp, const char *need_key, __u32 *spi,
		  __u8 *key, size_t *key_len, char **key_file)
{
	const config_setting_t *s_key = config_setting_get_member(grp, "key");
	const config_setting_t *s_file = config_setting_get_member(grp, "key-file");
	const config_setting_t *s_len = config_setting_get_member(grp, "key-length");
	const char *v = NULL;
	long long want_len;
	int r;

	*key_len = 0;
	if (s_key && s_file) {
		const config_setting_t *later =
			config_setting_source_line(s_file) >= config_setting_source_line(s_key)
				? s_file
				: s_key;

		return fail(c, later, "give key or key-file, not both");
	}
	if (s_key) {
		r = get_str(c, grp, "key", &v, NULL);
		if (r < 0)
			return r;
		r = hex_key(c, s_key, "", v, strlen(v), key, key_len);
		/* libconfig frees its strings without clearing them. */
		explicit_bzero((char *)v, strlen(v));
		if (r)
			return r;
		c->inline_keys = true;
	} else if (s_file) {
		r = get_str(c, grp, "key-file", &v, NULL);
		if (r < 0)
			return r;
		r = read_key_file(c, s_file, v, key, key_len, key_file);
		if (r)
			return r;
	}
	r = get_int(c, grp, "key-length", CONFIG_KEY_MIN, CONFIG_KEY_MAX,
		    "octets; RFC 4285 MN-HA keys are at least 16", &want_len);
	if (r < 0)
		return r;
	if (r && *key_len && (size_t)want_len != *key_len)
		return fail(c, s_len, "%lld, but the key has %zu octets", want_len, *key_len);
	if (r && !*key_len) {
		*key_len = want_len; /* a printed configuration: no key octets */
		c->cfg->keys_redacted = true;
	}

	if (!*key_len && need_key)
		return fail_missing(c, grp, "key", need_key);
	r = get_u32(c, grp, "spi", 256, 0xffffffffLL, "RFC 4285 reserves SPIs 0-255", spi);
	if (r < 0)
		return r;
	if (!r && *key_len)
		return fail_missing(c, grp, "spi",
				    "the RFC 4285 Mobility SPI of this key, 256 or more");
	if (r && !*key_len)
		return fail(c, config_setting_get_member(grp, "spi"),
			    "an SPI without a key; add key or key-file");
	return 0;
}

/* ---- home-agent -------------------------------------------------------- */

static int get_coa_filter(struct ctx *c, const config_setting_t *grp, struct config_mn_entry *e)
{
	const config_setting_t *s = config_setting_get_member(grp, "care-of-filter");
	int i, n, err;

	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(s) != CONFIG_TYPE_LIST)
		return wrong_type(c, s, "an array of prefixes [ \"2001:db8:20::/48\", ... ]");
	n = config_setting_length(s);
	if (n > CONFIG_MAX_COA_FILTERS)
		return fail(c, s, "%d prefixes; at most %d", n, CONFIG_MAX_COA_FILTERS);
	for (i = 0; i < n; i++) {
		const config_setting_t *es = NULL;
		const char *v = NULL;

		err = elem_str(c, s, i, &v, &es);
		if (err)
			return err;
		err = parse_prefix(c, es, v, 0, &e->coa_filter[i]);
		if (err)
			return err;
	}
	e->n_coa_filter = n;
	return 0;
}

static int parse_mn_entry(struct ctx *c, const config_setting_t *grp, const struct config_ha *ha,
			  struct config_mn_entry *e)
{
	const config_setting_t *s_hoa = NULL;
	struct addr6_buf b1, b2;
	int err;

	if (config_setting_type(grp) != CONFIG_TYPE_GROUP)
		return wrong_type(c, grp, "a group { home-address = ...; ... }");
	err = check_names(c, grp, mn_entry_keys);
	if (err)
		return err;
	e->line = config_setting_source_line(grp);
	e->enabled = true;

	err = get_node_addr(c, grp, "home-address", "the mobile node's home address", &e->home_addr,
			    &s_hoa);
	if (err)
		return err;
	if (!config_prefix_match(&ha->home_prefix, &e->home_addr))
		return fail(c, s_hoa, "%s is outside home-prefix %s/%u",
			    addr6_str(&e->home_addr, &b1), addr6_str(&ha->home_prefix.addr, &b2),
			    ha->home_prefix.len);
	if (IN6_ARE_ADDR_EQUAL(&e->home_addr, &ha->address))
		return fail(c, s_hoa, "%s is the home agent's own address",
			    addr6_str(&e->home_addr, &b1));
	if (is_subnet_router_anycast(&e->home_addr, ha->home_prefix.len))
		return fail(c, s_hoa, "%s is the Subnet-Router anycast address of the home prefix",
			    addr6_str(&e->home_addr, &b1));

	err = get_sa(c, grp,
		     ha->require_auth ? "key or key-file: home-agent require-auth is true" : NULL,
		     &e->spi, e->key, &e->key_len, &e->key_file);
	if (err)
		return err;
	err = get_bool(c, grp, "enabled", &e->enabled);
	if (err < 0)
		return err;
	err = get_coa_filter(c, grp, e);
	if (err)
		return err;
	err = get_u32(c, grp, "max-lifetime", 1, ha->max_lifetime_s,
		      "seconds, at most the home agent's max-lifetime; omit to use it",
		      &e->max_lifetime_s);
	return err < 0 ? err : 0;
}

static int cmp_entry_addr(const void *a, const void *b)
{
	const struct config_mn_entry *x = *(const struct config_mn_entry *const *)a;
	const struct config_mn_entry *y = *(const struct config_mn_entry *const *)b;
	int d = memcmp(&x->home_addr, &y->home_addr, sizeof(x->home_addr));

	return d ? d : (x < y ? -1 : x > y);
}

static int cmp_entry_spi(const void *a, const void *b)
{
	const struct config_mn_entry *x = *(const struct config_mn_entry *const *)a;
	const struct config_mn_entry *y = *(const struct config_mn_entry *const *)b;

	if (x->spi != y->spi)
		return x->spi < y->spi ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * Two entries for one home address, or two keys under one SPI, would make
 * the security association ambiguous. Sorting keeps this O(n log n) for
 * large deployments; the later entry in the file is the one reported.
 */
static int check_duplicates(struct ctx *c, const config_setting_t *list, struct config_ha *ha)
{
	struct config_mn_entry **v;
	struct addr6_buf b;
	int i, n = ha->n_mobile_nodes, err = 0;

	if (n < 2)
		return 0;
	v = calloc(n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		v[i] = &ha->mobile_nodes[i];

	qsort(v, n, sizeof(*v), cmp_entry_addr);
	for (i = 1; i < n && !err; i++) {
		if (!IN6_ARE_ADDR_EQUAL(&v[i]->home_addr, &v[i - 1]->home_addr))
			continue;
		err = fail(c,
			   config_setting_get_member(
				   config_setting_get_elem(list, v[i] - ha->mobile_nodes),
				   "home-address"),
			   "duplicate: %s is also mobile-nodes[%td] (line %d)",
			   addr6_str(&v[i]->home_addr, &b), v[i - 1] - ha->mobile_nodes,
			   v[i - 1]->line);
	}

	qsort(v, n, sizeof(*v), cmp_entry_spi);
	for (i = 1; i < n && !err; i++) {
		if (!v[i]->key_len || !v[i - 1]->key_len || v[i]->spi != v[i - 1]->spi)
			continue;
		err = fail(c,
			   config_setting_get_member(
				   config_setting_get_elem(list, v[i] - ha->mobile_nodes), "spi"),
			   "duplicate: SPI %u is also used by mobile-nodes[%td] (line %d)",
			   v[i]->spi, v[i - 1] - ha->mobile_nodes, v[i - 1]->line);
	}
	free(v);
	return err;
}

static int parse_mobile_nodes(struct ctx *c, const config_setting_t *grp, struct config_ha *ha)
{
	const config_setting_t *list = config_setting_get_member(grp, "mobile-nodes");
	int i, n, err;

	if (!list)
		return 0;
	if (config_setting_type(list) != CONFIG_TYPE_LIST)
		return wrong_type(c, list, "a list ( { home-address = ...; ... }, ... )");
	n = config_setting_length(list);
	if (!n)
		return 0;
	ha->mobile_nodes = calloc(n, sizeof(*ha->mobile_nodes));
	if (!ha->mobile_nodes)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		/* Counted before parsing so config_free() sees a key_file. */
		ha->n_mobile_nodes = i + 1;
		err = parse_mn_entry(c, config_setting_get_elem(list, i), ha, &ha->mobile_nodes[i]);
		if (err)
			return err;
	}
	return check_duplicates(c, list, ha);
}

static int parse_ha(struct ctx *c, const config_setting_t *grp, struct config_ha *ha)
{
	const config_setting_t *s_addr = NULL, *s = NULL;
	const char *v = NULL;
	long long pref = 0;
	int i, err, mode = 0;
	struct addr6_buf b;

	err = check_names(c, grp, ha_keys);
	if (err)
		return err;

	err = get_node_addr(c, grp, "address", "the home agent's IPv6 address", &ha->address,
			    &s_addr);
	if (err)
		return err;

	err = get_str(c, grp, "home-prefix", &v, &s);
	if (err < 0)
		return err;
	if (!err)
		return fail_missing(c, grp, "home-prefix",
				    "the home subnet prefix, e.g. 2001:db8:1::/64");
	err = parse_prefix(c, s, v, 1, &ha->home_prefix);
	if (err)
		return err;
	if (addr6_unusable_reason(&ha->home_prefix.addr) ||
	    IN6_IS_ADDR_LINKLOCAL(&ha->home_prefix.addr))
		return fail(c, s, "%s is not a unicast prefix; use a global or unique-local one",
			    v);
	if (is_subnet_router_anycast(&ha->address, ha->home_prefix.len) &&
	    config_prefix_match(&ha->home_prefix, &ha->address))
		return fail(c, s_addr, "%s is the Subnet-Router anycast address of home-prefix",
			    addr6_str(&ha->address, &b));

	err = get_ifaces(c, grp, "interfaces", ha->interfaces, &ha->n_interfaces,
			 "where XDP and TC attach, e.g. [ \"eth0\" ]");
	if (err)
		return err;

	err = get_str(c, grp, "home-link", &v, &s);
	if (err < 0)
		return err;
	if (err == 1 && v[0]) {
		for (i = 0; i < ha->n_interfaces && strcmp(ha->interfaces[i], v); i++)
			;
		if (i == ha->n_interfaces)
			return fail(c, s,
				    "\"%s\" is not one of interfaces; omit it or give \"\" for a "
				    "virtual home network",
				    v);
		snprintf(ha->home_link, sizeof(ha->home_link), "%s", v);
	}

	ha->max_lifetime_s = 3600;
	ha->max_bindings = XMIP6_BINDINGS_DEFAULT;
	ha->dad = true;
	ha->require_auth = true;
	ha->timestamp_window_s = 7;
	ha->xdp_mode = xdp_mode_names[0];
	if ((err = get_u32(c, grp, "max-lifetime", 1, CONFIG_MAX_LIFETIME_S, LIFETIME_HINT,
			   &ha->max_lifetime_s)) < 0 ||
	    (err = get_u32(c, grp, "max-bindings", 1, CONFIG_MAX_BINDINGS,
			   "entries of the binding cache map", &ha->max_bindings)) < 0 ||
	    (err = get_u32(c, grp, "refresh-interval", 0, CONFIG_MAX_LIFETIME_S,
			   "seconds, 0 = no Binding Refresh Advice", &ha->refresh_interval_s)) <
		    0 ||
	    (err = get_bool(c, grp, "dad", &ha->dad)) < 0 ||
	    (err = get_bool(c, grp, "require-auth", &ha->require_auth)) < 0 ||
	    (err = get_u32(c, grp, "timestamp-window", 1, TIMESTAMP_WINDOW_MAX,
			   "seconds; RFC 4285 suggests 7", &ha->timestamp_window_s)) < 0 ||
	    (err = get_bool(c, grp, "accept-unlisted", &ha->accept_unlisted)) < 0 ||
	    (err = get_int(c, grp, "preference", -32768, 32767,
			   "16-bit signed, higher is preferred, RFC 6275 section 7.4", &pref)) <
		    0 ||
	    (err = get_choice(c, grp, "xdp-mode", xdp_mode_names, &mode)) < 0)
		return err;
	ha->preference = pref;
	ha->xdp_mode = xdp_mode_names[mode];

	/* RFC 6275 section 6.2.4: the refresh interval is below the lifetime. */
	if (ha->refresh_interval_s && ha->refresh_interval_s >= ha->max_lifetime_s)
		return fail(c, config_setting_get_member(grp, "refresh-interval"),
			    "%u is not below max-lifetime (%u); the advice must come before expiry "
			    "(RFC 6275 section 6.2.4), or 0 for none",
			    ha->refresh_interval_s, ha->max_lifetime_s);
	/* An unlisted mobile node has no security association to check. */
	if (ha->accept_unlisted && ha->require_auth)
		return fail(c, config_setting_get_member(grp, "accept-unlisted"),
			    "true needs require-auth = false: an unlisted mobile node has no key");

	return parse_mobile_nodes(c, grp, ha);
}

/* ---- mobile-node ------------------------------------------------------- */

/*
 * The home address, prefix and agent. Either home-address (with
 * home-prefix-length) or home-prefix is needed: with home-prefix alone the
 * daemon forms the home address itself (mn.c); without home-agent it finds
 * one by Dynamic Home Agent Address Discovery (RFC 6275 section 11.4.1).
 */
static int parse_mn_home(struct ctx *c, const config_setting_t *grp, struct config_mn *mn)
{
	const config_setting_t *s_hoa = NULL, *s_ha = NULL, *s_pfx = NULL, *s_plen;
	const char *v = NULL;
	struct addr6_buf b;
	long long plen = 64;
	int err, r;

	r = get_str(c, grp, "home-prefix", &v, &s_pfx);
	if (r < 0)
		return r;
	s_plen = config_setting_get_member(grp, "home-prefix-length");
	if (r) {
		err = parse_prefix(c, s_pfx, v, 1, &mn->home_prefix);
		if (err)
			return err;
		if (s_plen)
			return fail(c, s_plen, "not with home-prefix, which gives the length");
		plen = mn->home_prefix.len;
	}
	err = get_int(c, grp, "home-prefix-length", 1, 128, "bits", &plen);
	if (err < 0)
		return err;
	mn->home_prefix_len = plen;
	if (config_setting_get_member(grp, "home-address")) {
		err = get_node_addr(c, grp, "home-address", "our home address", &mn->home_addr,
				    &s_hoa);
		if (err)
			return err;
		mn->has_home_addr = true;
		if (is_subnet_router_anycast(&mn->home_addr, plen))
			return fail(c, s_hoa,
				    "%s is the Subnet-Router anycast address of its /%lld prefix",
				    addr6_str(&mn->home_addr, &b), plen);
		if (s_pfx && !config_prefix_match(&mn->home_prefix, &mn->home_addr))
			return fail(c, s_hoa, "%s is not in home-prefix",
				    addr6_str(&mn->home_addr, &b));
		if (!s_pfx) {
			mn->home_prefix.addr = mn->home_addr;
			mn->home_prefix.len = plen;
			prefix_mask(&mn->home_prefix.addr, plen);
		}
	} else if (!s_pfx) {
		return fail_missing(c, grp, "home-address",
				    "or home-prefix: the home address is formed from it");
	} else if (plen > 64) {
		return fail(c, s_pfx,
			    "/%lld leaves no room for a 64-bit interface identifier; give "
			    "home-address",
			    plen);
	}
	if (!config_setting_get_member(grp, "home-agent"))
		return 0; /* found by DHAAD */
	err = get_node_addr(c, grp, "home-agent", "the home agent's address", &mn->home_agent,
			    &s_ha);
	if (err)
		return err;
	mn->has_home_agent = true;
	if (mn->has_home_addr && IN6_ARE_ADDR_EQUAL(&mn->home_addr, &mn->home_agent))
		return fail(c, s_ha, "%s is our own home-address; the home agent is another node",
			    addr6_str(&mn->home_agent, &b));
	return 0;
}

/*
 * route-optimization (RFC 6275 section 11.7.2): "none", "all", or a list of
 * correspondents, each a prefix or an address (a /128).
 */
static int get_ro_peers(struct ctx *c, const config_setting_t *grp, struct config_mn *mn)
{
	const config_setting_t *s = config_setting_get_member(grp, "route-optimization");
	const char *v = NULL;
	char buf[INET6_ADDRSTRLEN + 8];
	int i, n, err;

	mn->ro_mode = CONFIG_RO_NONE;
	if (!s)
		return 0;
	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		v = config_setting_get_string(s);
		if (!strcmp(v, "none"))
			return 0;
		if (!strcmp(v, "all")) {
			mn->ro_mode = CONFIG_RO_ALL;
			return 0;
		}
		return fail(c, s,
			    "\"%s\" is not allowed; use \"none\", \"all\" or a list of "
			    "prefixes and addresses",
			    v);
	}
	if (config_setting_type(s) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(s) != CONFIG_TYPE_LIST)
		return wrong_type(c, s, "\"none\", \"all\" or [ \"2001:db8:c::/48\", ... ]");
	n = config_setting_length(s);
	if (n < 1 || n > CONFIG_MAX_RO_PEERS)
		return fail(c, s, "%d entries; give 1..%d (or \"none\")", n, CONFIG_MAX_RO_PEERS);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = NULL;

		err = elem_str(c, s, i, &v, &e);
		if (err)
			return err;
		/* An address alone is the /128 of that correspondent. */
		if (!strchr(v, '/') && strlen(v) < INET6_ADDRSTRLEN) {
			snprintf(buf, sizeof(buf), "%s/128", v);
			err = parse_prefix(c, e, buf, 0, &mn->ro_peers[i]);
		} else {
			err = parse_prefix(c, e, v, 0, &mn->ro_peers[i]);
		}
		if (err)
			return err;
	}
	mn->n_ro_peers = n;
	mn->ro_mode = CONFIG_RO_LISTED;
	return 0;
}

static int parse_mn(struct ctx *c, const config_setting_t *grp, struct config_mn *mn)
{
	int err, mode = 0;

	err = check_names(c, grp, mn_keys);
	if (err)
		return err;
	err = parse_mn_home(c, grp, mn);
	if (err)
		return err;
	err = get_ifaces(c, grp, "interfaces", mn->interfaces, &mn->n_interfaces,
			 "the interfaces to roam on, in order of preference");
	if (err)
		return err;
	err = get_sa(c, grp, NULL, &mn->spi, mn->key, &mn->key_len, &mn->key_file);
	if (err)
		return err;

	mn->lifetime_s = 600;
	mn->initial_timeout_ms = 1500;
	mn->max_timeout_s = 32;
	if ((err = get_u32(c, grp, "lifetime", 1, CONFIG_MAX_LIFETIME_S, LIFETIME_HINT,
			   &mn->lifetime_s)) < 0 ||
	    (err = get_bool(c, grp, "link-local-compat", &mn->link_local_compat)) < 0 ||
	    (err = get_u32(c, grp, "max-timeout", 1, MAX_TIMEOUT_MAX,
			   "seconds; MAX_BINDACK_TIMEOUT, RFC 6275 section 12",
			   &mn->max_timeout_s)) < 0 ||
	    (err = get_u32(c, grp, "initial-timeout-ms", INIT_TIMEOUT_MIN_MS, INIT_TIMEOUT_MAX_MS,
			   "milliseconds; InitialBindackTimeoutFirstReg, RFC 6275 section 13",
			   &mn->initial_timeout_ms)) < 0 ||
	    (err = get_choice(c, grp, "xdp-mode", xdp_mode_names, &mode)) < 0)
		return err;
	mn->xdp_mode = xdp_mode_names[mode];
	mn->ro_lifetime_s = CONFIG_RR_MAX_LIFETIME_S;
	if ((err = get_ro_peers(c, grp, mn)) < 0 ||
	    (err = get_u32(c, grp, "route-optimization-lifetime", 1, CONFIG_RR_MAX_LIFETIME_S,
			   "seconds; MAX_RR_BINDING_LIFETIME, RFC 6275 section 12",
			   &mn->ro_lifetime_s)) < 0)
		return err;
	/* RFC 6275 section 11.8: the timeout doubles up to MAX_BINDACK_TIMEOUT. */
	if (mn->initial_timeout_ms > mn->max_timeout_s * 1000ULL)
		return fail(c, config_setting_get_member(grp, "initial-timeout-ms"),
			    "%u ms exceeds max-timeout (%u s)", mn->initial_timeout_ms,
			    mn->max_timeout_s);
	return 0;
}

/* ---- correspondent-node ------------------------------------------------ */

static int parse_cn(struct ctx *c, const config_setting_t *grp, struct config_cn *cn)
{
	int err, mode = 0;

	err = check_names(c, grp, cn_keys);
	if (err)
		return err;
	err = get_ifaces(c, grp, "interfaces", cn->interfaces, &cn->n_interfaces,
			 "where XDP and TC attach, e.g. [ \"eth0\" ]");
	if (err)
		return err;
	cn->max_lifetime_s = CONFIG_RR_MAX_LIFETIME_S;
	cn->max_bindings = XMIP6_BINDINGS_DEFAULT;
	cn->nonce_interval_s = 30;
	cn->nonce_lifetime_s = 240;
	cn->kcn_interval_s = 3600;
	cn->refresh_request = true;
	cn->refresh_before_s = 30;
	if ((err = get_u32(c, grp, "max-lifetime", 4, CONFIG_RR_MAX_LIFETIME_S,
			   "seconds; MAX_RR_BINDING_LIFETIME, RFC 6275 section 12",
			   &cn->max_lifetime_s)) < 0 ||
	    (err = get_u32(c, grp, "max-bindings", 1, CONFIG_MAX_BINDINGS,
			   "entries of the binding cache map", &cn->max_bindings)) < 0 ||
	    (err = get_u32(c, grp, "nonce-interval", 1, 3600,
			   "seconds between new nonces, RFC 6275 section 5.2.7",
			   &cn->nonce_interval_s)) < 0 ||
	    (err = get_u32(c, grp, "nonce-lifetime", 1, 3600,
			   "seconds; MAX_NONCE_LIFETIME is 240, RFC 6275 section 12",
			   &cn->nonce_lifetime_s)) < 0 ||
	    (err = get_u32(c, grp, "kcn-interval", 0, 604800, "seconds between new Kcn, 0 = never",
			   &cn->kcn_interval_s)) < 0 ||
	    (err = get_bool(c, grp, "refresh-request", &cn->refresh_request)) < 0 ||
	    (err = get_u32(c, grp, "refresh-before", 1, CONFIG_RR_MAX_LIFETIME_S,
			   "seconds before expiry", &cn->refresh_before_s)) < 0 ||
	    (err = get_choice(c, grp, "xdp-mode", xdp_mode_names, &mode)) < 0)
		return err;
	cn->xdp_mode = xdp_mode_names[mode];
	/* A nonce must outlive the interval, or there is a gap with none. */
	if (cn->nonce_lifetime_s < cn->nonce_interval_s)
		return fail(c, config_setting_get_member(grp, "nonce-lifetime"),
			    "%u is below nonce-interval (%u)", cn->nonce_lifetime_s,
			    cn->nonce_interval_s);
	if (cn->refresh_before_s >= cn->max_lifetime_s &&
	    config_setting_get_member(grp, "refresh-before"))
		return fail(c, config_setting_get_member(grp, "refresh-before"),
			    "%u is not below max-lifetime (%u)", cn->refresh_before_s,
			    cn->max_lifetime_s);
	return 0;
}

/* ---- top level --------------------------------------------------------- */

/* When two role sections are present, the one that starts later, else NULL. */
static config_setting_t *later_role(config_setting_t *a, config_setting_t *b, config_setting_t *c)
{
	config_setting_t *v[] = {a, b, c}, *first = NULL, *second = NULL;
	size_t i;

	for (i = 0; i < 3; i++) {
		if (!v[i])
			continue;
		if (!first) {
			first = v[i];
		} else if (!second) {
			second = v[i];
			if (config_setting_source_line(first) > config_setting_source_line(second))
				second = first;
		}
	}
	return second;
}

static int parse_root(struct ctx *c, config_setting_t *root)
{
	struct xmip6d_config *cfg = c->cfg;
	config_setting_t *ha = NULL, *mn = NULL, *cn = NULL, *second;
	int err, level = 3, log = 0;

	err = check_names(c, root, root_keys);
	if (err)
		return err;

	if ((err = get_choice(c, root, "log-level", log_level_names, &level)) < 0 ||
	    (err = get_choice(c, root, "log", log_names, &log)) < 0)
		return err;
	cfg->log_level = log_level_values[level];
	cfg->log_syslog = log == 1;
	err = get_path(c, root, "pin-dir", PATH_MAX, XMIP6_PIN_DIR_DEFAULT, &cfg->pin_dir);
	if (err)
		return err;
	err = get_path(c, root, "control-socket", sizeof(((struct sockaddr_un *)0)->sun_path),
		       CONFIG_CTL_SOCKET_DEFAULT, &cfg->control_socket);
	if (err)
		return err;

	if ((err = get_group(c, root, "home-agent", &ha)) < 0 ||
	    (err = get_group(c, root, "mobile-node", &mn)) < 0 ||
	    (err = get_group(c, root, "correspondent-node", &cn)) < 0)
		return err;
	second = later_role(ha, mn, cn);
	if (second)
		return fail(c, second,
			    "a file configures one role: home-agent, mobile-node or "
			    "correspondent-node, not two "
			    "(run two daemons with different pin-dir and control-socket)");
	if (!ha && !mn && !cn)
		return fail(c, NULL, "no home-agent or mobile-node section; one is required");
	cfg->has_ha = ha != NULL;
	cfg->has_mn = mn != NULL;
	cfg->has_cn = cn != NULL;
	if (cn)
		return parse_cn(c, cn, &cfg->cn);
	return ha ? parse_ha(c, ha, &cfg->ha) : parse_mn(c, mn, &cfg->mn);
}

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

int config_load(const char *path, struct xmip6d_config *cfg, char *err, size_t errlen)
{
	struct xmip6d_config tmp = {};
	struct ctx c = {.path = path, .err = err, .errlen = errlen, .cfg = &tmp};
	struct stat st;
	config_t lc;
	FILE *f;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	if (errlen)
		err[0] = '\0';
	/* libconfig reports every I/O error alike: open first for errno. */
	f = fopen(path, "re");
	if (!f)
		ret = -errno;
	else if (fstat(fileno(f), &st))
		ret = -errno;
	else
		ret = S_ISDIR(st.st_mode) ? -EISDIR : 0;
	if (f)
		fclose(f);
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
	config_init(&lc);
	config_set_include_dir(&lc, c.dir);
	if (!config_read_file(&lc, path)) {
		if (config_error_type(&lc) == CONFIG_ERR_FILE_IO)
			snprintf(err, errlen, "%s: cannot read the file", path);
		else
			snprintf(err, errlen, "%s:%d: %s",
				 config_error_file(&lc) ? config_error_file(&lc) : path,
				 config_error_line(&lc), config_error_text(&lc));
		ret = -EINVAL;
	} else {
		ret = parse_root(&c, config_root_setting(&lc));
		if (ret == -ENOMEM)
			snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
	}
	if (!ret && c.inline_keys && (st.st_mode & S_IROTH))
		pr_warn("%s: holds keys and is readable by everyone; use mode 0600 or key-file",
			path);
	if (!ret && c.open_key_file)
		pr_warn("%s: key file %s is readable by everyone; use mode 0600", path,
			c.open_key_file);
	config_destroy(&lc);
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

/* ---- lookups ----------------------------------------------------------- */

bool config_prefix_match(const struct config_prefix *prefix, const struct in6_addr *addr)
{
	struct in6_addr a = *addr;

	if (prefix->len > 128)
		return false;
	prefix_mask(&a, prefix->len);
	return IN6_ARE_ADDR_EQUAL(&a, &prefix->addr);
}

/*
 * The home agent looks its mobile node up on every Binding Update: with
 * thousands of entries a linear walk was a quarter of the daemon's time at
 * 20,000 registrations/s (docs/benchmarks.md). An open-addressing hash of
 * entry indices, built on first use for the array it was given (config.h
 * has no room for it, so it lives here, one per process), answers instead.
 * A hit is checked against the entry itself; a miss falls back to the walk,
 * so a stale index (a reloaded configuration whose array landed at the same
 * address with as many entries) can only cost time, never give a wrong
 * answer, and is rebuilt when the walk finds what the index did not.
 */
static struct {
	const struct config_mn_entry *base;
	int n;
	size_t mask;
	__u32 *slot; /* entry index + 1; 0 = empty */
} mn_index;

static size_t mn_hash(const struct in6_addr *a)
{
	__u64 x, y;

	memcpy(&x, &a->s6_addr[0], 8);
	memcpy(&y, &a->s6_addr[8], 8);
	x ^= y * 0x9e3779b97f4a7c15ULL;
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ULL;
	return (size_t)(x ^ (x >> 32));
}

static bool mn_index_build(const struct config_ha *ha)
{
	size_t size = 16, h;
	__u32 *slot;
	int i;

	while (size < (size_t)ha->n_mobile_nodes * 2)
		size <<= 1;
	slot = calloc(size, sizeof(*slot));
	if (!slot)
		return false;
	for (i = 0; i < ha->n_mobile_nodes; i++) {
		for (h = mn_hash(&ha->mobile_nodes[i].home_addr) & (size - 1); slot[h];
		     h = (h + 1) & (size - 1))
			;
		slot[h] = i + 1;
	}
	free(mn_index.slot);
	mn_index.slot = slot;
	mn_index.mask = size - 1;
	mn_index.base = ha->mobile_nodes;
	mn_index.n = ha->n_mobile_nodes;
	return true;
}

static const struct config_mn_entry *mn_index_find(const struct config_ha *ha,
						   const struct in6_addr *home_addr)
{
	const struct config_mn_entry *e;
	size_t h;

	for (h = mn_hash(home_addr) & mn_index.mask; mn_index.slot[h];
	     h = (h + 1) & mn_index.mask) {
		e = &ha->mobile_nodes[mn_index.slot[h] - 1];
		if (IN6_ARE_ADDR_EQUAL(&e->home_addr, home_addr))
			return e;
	}
	return NULL;
}

/* Below this many entries the walk is as fast as the hash. */
#define MN_INDEX_MIN 32

const struct config_mn_entry *config_find_mn(const struct config_ha *ha,
					     const struct in6_addr *home_addr)
{
	const struct config_mn_entry *e;
	bool indexed;
	int i;

	indexed = ha->n_mobile_nodes >= MN_INDEX_MIN &&
		  ((mn_index.base == ha->mobile_nodes && mn_index.n == ha->n_mobile_nodes &&
		    mn_index.slot) ||
		   mn_index_build(ha));
	if (indexed) {
		e = mn_index_find(ha, home_addr);
		if (e)
			return e;
	}
	for (i = 0; i < ha->n_mobile_nodes; i++)
		if (IN6_ARE_ADDR_EQUAL(&ha->mobile_nodes[i].home_addr, home_addr)) {
			if (indexed)
				mn_index_build(ha); /* stale: see above */
			return &ha->mobile_nodes[i];
		}
	return NULL;
}

/* ---- printing ---------------------------------------------------------- */

/* A libconfig string literal: \" \\ and control characters escaped. */
static void print_str(FILE *out, const char *s)
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

static void print_kv_str(FILE *out, const char *indent, const char *key, const char *v)
{
	fprintf(out, "%s%s = ", indent, key);
	print_str(out, v);
	fputs(";\n", out);
}

static void print_kv_addr(FILE *out, const char *indent, const char *key, const struct in6_addr *a)
{
	struct addr6_buf b;

	fprintf(out, "%s%s = \"%s\";\n", indent, key, addr6_str(a, &b));
}

static void print_kv_bool(FILE *out, const char *indent, const char *key, bool v)
{
	fprintf(out, "%s%s = %s;\n", indent, key, v ? "true" : "false");
}

static void print_ifaces(FILE *out, const char *indent, const char (*ifs)[IF_NAMESIZE], int n)
{
	int i;

	fprintf(out, "%sinterfaces = [ ", indent);
	for (i = 0; i < n; i++) {
		fputs(i ? ", " : "", out);
		print_str(out, ifs[i]);
	}
	fputs(" ];\n", out);
}

/* spi and the key, never its octets: key-file (read again on load) and
 * key-length, which alone loads as a redacted key. */
static void print_sa(FILE *out, const char *indent, __u32 spi, size_t key_len, const char *key_file,
		     const char *no_key)
{
	if (!key_len) {
		fprintf(out, "%s# no key: %s\n", indent, no_key);
		return;
	}
	/* libconfig 1.5 needs the L suffix beyond 32-bit signed. */
	fprintf(out, "%sspi = %u%s;\n", indent, spi, spi > INT32_MAX ? "L" : "");
	if (key_file)
		print_kv_str(out, indent, "key-file", key_file);
	fprintf(out, "%skey-length = %zu;\n", indent, key_len);
}

static const char *level_name(int level)
{
	int i;

	for (i = 0; i < 4; i++)
		if (level <= log_level_values[i])
			return log_level_names[i];
	return log_level_names[4];
}

static void print_mn_entry(FILE *out, const struct config_mn_entry *e, bool last)
{
	const char *in = "\t\t\t";
	struct addr6_buf b;
	int i;

	fputs("\t\t{\n", out);
	print_kv_addr(out, in, "home-address", &e->home_addr);
	print_sa(out, in, e->spi, e->key_len, e->key_file,
		 "Binding Updates from it are not authenticated");
	print_kv_bool(out, in, "enabled", e->enabled);
	fprintf(out, "%scare-of-filter = [ ", in);
	for (i = 0; i < e->n_coa_filter; i++)
		fprintf(out, "%s\"%s/%u\"", i ? ", " : "", addr6_str(&e->coa_filter[i].addr, &b),
			e->coa_filter[i].len);
	fputs(e->n_coa_filter ? " ];\n" : "];  # any care-of address\n", out);
	if (e->max_lifetime_s)
		fprintf(out, "%smax-lifetime = %u;\n", in, e->max_lifetime_s);
	else
		fprintf(out, "%s# max-lifetime: the home agent's\n", in);
	fprintf(out, "\t\t}%s\n", last ? "" : ",");
}

static void print_ha(FILE *out, const struct config_ha *ha)
{
	const char *in = "\t";
	struct addr6_buf b;
	int i;

	fputs("home-agent = {\n", out);
	print_kv_addr(out, in, "address", &ha->address);
	fprintf(out, "\thome-prefix = \"%s/%u\";\n", addr6_str(&ha->home_prefix.addr, &b),
		ha->home_prefix.len);
	print_ifaces(out, in, ha->interfaces, ha->n_interfaces);
	fprintf(out, "\thome-link = ");
	print_str(out, ha->home_link);
	fputs(ha->home_link[0] ? ";\n" : ";  # virtual home network\n", out);
	fprintf(out, "\tmax-lifetime = %u;\n", ha->max_lifetime_s);
	fprintf(out, "\tmax-bindings = %u;\n", ha->max_bindings);
	fprintf(out, "\trefresh-interval = %u;\n", ha->refresh_interval_s);
	print_kv_bool(out, in, "dad", ha->dad);
	print_kv_bool(out, in, "require-auth", ha->require_auth);
	fprintf(out, "\ttimestamp-window = %u;\n", ha->timestamp_window_s);
	print_kv_bool(out, in, "accept-unlisted", ha->accept_unlisted);
	fprintf(out, "\tpreference = %d;\n", ha->preference);
	print_kv_str(out, in, "xdp-mode", ha->xdp_mode ? ha->xdp_mode : "native");
	fputs("\tmobile-nodes = (\n", out);
	for (i = 0; i < ha->n_mobile_nodes; i++)
		print_mn_entry(out, &ha->mobile_nodes[i], i == ha->n_mobile_nodes - 1);
	fputs("\t);\n};\n", out);
}

static void print_ro(FILE *out, const struct config_mn *mn)
{
	struct addr6_buf b;
	int i;

	if (mn->ro_mode != CONFIG_RO_LISTED) {
		fprintf(out, "\troute-optimization = \"%s\";\n",
			mn->ro_mode == CONFIG_RO_ALL ? "all" : "none");
		return;
	}
	fputs("\troute-optimization = [ ", out);
	for (i = 0; i < mn->n_ro_peers; i++) {
		fprintf(out, "%s\"%s", i ? ", " : "", addr6_str(&mn->ro_peers[i].addr, &b));
		if (mn->ro_peers[i].len != 128)
			fprintf(out, "/%u", mn->ro_peers[i].len);
		fputc('"', out);
	}
	fputs(" ];\n", out);
}

static void print_mn(FILE *out, const struct config_mn *mn)
{
	const char *in = "\t";
	struct addr6_buf b;

	fputs("mobile-node = {\n", out);

	if (mn->has_home_addr) {
		print_kv_addr(out, in, "home-address", &mn->home_addr);
		fprintf(out, "\thome-prefix-length = %u;\n", mn->home_prefix_len);
	} else {
		fprintf(out, "\thome-prefix = \"%s/%u\";  # home address formed by xmip6d\n",
			addr6_str(&mn->home_prefix.addr, &b), mn->home_prefix.len);
	}
	if (mn->has_home_agent)
		print_kv_addr(out, in, "home-agent", &mn->home_agent);
	else
		fputs("\t# home-agent: found by Dynamic Home Agent Address Discovery\n", out);
	print_ifaces(out, in, mn->interfaces, mn->n_interfaces);
	fprintf(out, "\tlifetime = %u;\n", mn->lifetime_s);
	print_sa(out, in, mn->spi, mn->key_len, mn->key_file,
		 "Binding Updates are sent without authentication");
	print_kv_bool(out, in, "link-local-compat", mn->link_local_compat);
	fprintf(out, "\tinitial-timeout-ms = %u;\n", mn->initial_timeout_ms);
	fprintf(out, "\tmax-timeout = %u;\n", mn->max_timeout_s);
	print_kv_str(out, in, "xdp-mode", mn->xdp_mode ? mn->xdp_mode : "native");
	print_ro(out, mn);
	fprintf(out, "\troute-optimization-lifetime = %u;\n", mn->ro_lifetime_s);
	fputs("};\n", out);
}

static void print_cn(FILE *out, const struct config_cn *cn)
{
	fputs("correspondent-node = {\n", out);
	print_ifaces(out, "\t", cn->interfaces, cn->n_interfaces);
	fprintf(out, "\tmax-lifetime = %u;\n", cn->max_lifetime_s);
	fprintf(out, "\tmax-bindings = %u;\n", cn->max_bindings);
	fprintf(out, "\tnonce-interval = %u;\n", cn->nonce_interval_s);
	fprintf(out, "\tnonce-lifetime = %u;\n", cn->nonce_lifetime_s);
	fprintf(out, "\tkcn-interval = %u;\n", cn->kcn_interval_s);
	print_kv_bool(out, "\t", "refresh-request", cn->refresh_request);
	fprintf(out, "\trefresh-before = %u;\n", cn->refresh_before_s);
	print_kv_str(out, "\t", "xdp-mode", cn->xdp_mode ? cn->xdp_mode : "native");
	fputs("};\n", out);
}

void config_print(FILE *out, const struct xmip6d_config *cfg)
{
	fputs("# xmip6d effective configuration: defaults filled in, keys shown by length only.\n",
	      out);
	print_kv_str(out, "", "log-level", level_name(cfg->log_level));
	print_kv_str(out, "", "log", cfg->log_syslog ? "syslog" : "stderr");
	print_kv_str(out, "", "pin-dir", cfg->pin_dir ? cfg->pin_dir : XMIP6_PIN_DIR_DEFAULT);
	print_kv_str(out, "", "control-socket",
		     cfg->control_socket ? cfg->control_socket : CONFIG_CTL_SOCKET_DEFAULT);
	fputc('\n', out);
	if (cfg->has_ha)
		print_ha(out, &cfg->ha);
	if (cfg->has_mn)
		print_mn(out, &cfg->mn);
	if (cfg->has_cn)
		print_cn(out, &cfg->cn);
}
