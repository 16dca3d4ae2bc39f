// SPDX-License-Identifier: GPL-2.0
/*
 * keys.c - the RFC 4285 mobility security association of a mobile-nodes
 * entry (home agent) and of the mobile node: spi, and the MN-HA key as key
 * (hex in the file), key-file, or key-length alone, which is how
 * config_print() writes a key: the octets stay zero and the configuration
 * is marked redacted, for the daemon to refuse.
 *
 * Key octets never appear in a message or in config_print() output, and
 * the buffers that held them are cleared.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/parse.h"
#include "config/print.h"

#define KEY_FILE_MAX 4096 /* octets: a hex key of 64 octets with any whitespace fits */

const struct sa_layout sa_of_mn_entry = {
	.spi = offsetof(struct config_mn_entry, spi),
	.key = offsetof(struct config_mn_entry, key),
	.key_len = offsetof(struct config_mn_entry, key_len),
	.key_file = offsetof(struct config_mn_entry, key_file),
	.no_key = "Binding Updates from it are not authenticated",
};

const struct sa_layout sa_of_mn = {
	.spi = offsetof(struct config_mn, spi),
	.key = offsetof(struct config_mn, key),
	.key_len = offsetof(struct config_mn, key_len),
	.key_file = offsetof(struct config_mn, key_file),
	.no_key = "Binding Updates are sent without authentication",
};

/* The fields of the association in @obj, as the row's layout places them. */
struct sa_fields {
	__u32 *spi;
	__u8 *key;
	size_t *key_len;
	char **key_file;
};

static struct sa_fields sa_fields(const struct sa_layout *sa, const void *obj)
{
	char *base = (char *)obj;

	return (struct sa_fields){
		.spi = (__u32 *)(base + sa->spi),
		.key = (__u8 *)(base + sa->key),
		.key_len = (size_t *)(base + sa->key_len),
		.key_file = (char **)(base + sa->key_file),
	};
}

/* ---- key octets -------------------------------------------------------- */

static int hex_val(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch |= 0x20; /* A-F to a-f; nothing else lands there */
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/*
 * Length check shared by every key source (RFC 4285: 16 octets or more).
 * @file names the key file, "" for a key written in the configuration.
 */
static int key_len_ok(struct parse_ctx *c, const config_setting_t *s, const char *file,
		      size_t octets, const char *unit)
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
static int hex_key(struct parse_ctx *c, const config_setting_t *s, const char *file,
		   const char *hex, size_t n, __u8 *key, size_t *key_len)
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
static int read_key_file(struct parse_ctx *c, const config_setting_t *s, const char *name,
			 __u8 *key, size_t *key_len, char **resolved)
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
	if (!err)
		perms_note_key_file(c, s, *resolved, &st);
	return err;
}

/* ---- the rows ---------------------------------------------------------- */

int sa_key_parse(struct parse_ctx *c, const config_setting_t *s, const struct config_row *row,
		 void *obj)
{
	struct sa_fields f = sa_fields(row->hook_data, obj);
	const char *v = NULL;
	int err = value_str(c, s, &v);

	if (err)
		return err;
	err = hex_key(c, s, "", v, strlen(v), f.key, f.key_len);
	/* libconfig frees its strings without clearing them. */
	explicit_bzero((char *)v, strlen(v));
	if (!err)
		perms_note_inline_key(c, s);
	return err;
}

int sa_key_file_parse(struct parse_ctx *c, const config_setting_t *s, const struct config_row *row,
		      void *obj)
{
	struct sa_fields f = sa_fields(row->hook_data, obj);
	const char *v = NULL;
	int err = value_str(c, s, &v);

	return err ? err : read_key_file(c, s, v, f.key, f.key_len, f.key_file);
}

/* Checked here, applied by sa_check() once the key is known. */
int sa_key_length_parse(struct parse_ctx *c, const config_setting_t *s,
			const struct config_row *row, void *obj)
{
	long long len;

	(void)obj;
	return value_int(c, s, CONFIG_KEY_MIN, CONFIG_KEY_MAX, row->hint, &len);
}

/* spi and the key, never its octets: key-file (read again on load) and
 * key-length, which alone loads as a redacted key. */
void sa_spi_print(FILE *out, const char *indent, const struct config_row *row, const void *obj)
{
	const struct sa_layout *sa = row->hook_data;
	struct sa_fields f = sa_fields(sa, obj);

	if (*f.key_len)
		print_kv_int(out, indent, row->name, *f.spi);
	else
		fprintf(out, "%s# no key: %s\n", indent, sa->no_key);
}

void sa_key_file_print(FILE *out, const char *indent, const struct config_row *row, const void *obj)
{
	struct sa_fields f = sa_fields(row->hook_data, obj);

	if (*f.key_len && *f.key_file)
		print_kv_str(out, indent, row->name, *f.key_file);
}

void sa_key_length_print(FILE *out, const char *indent, const struct config_row *row,
			 const void *obj)
{
	struct sa_fields f = sa_fields(row->hook_data, obj);

	if (*f.key_len)
		print_kv_int(out, indent, row->name, *f.key_len);
}

/* ---- the rules --------------------------------------------------------- */

int sa_check(struct parse_ctx *c, const config_setting_t *grp, const struct sa_layout *sa,
	     void *obj, const char *need_key)
{
	const config_setting_t *s_key = config_setting_get_member(grp, "key");
	const config_setting_t *s_file = config_setting_get_member(grp, "key-file");
	const config_setting_t *s_len = config_setting_get_member(grp, "key-length");
	const config_setting_t *s_spi = config_setting_get_member(grp, "spi");
	struct sa_fields f = sa_fields(sa, obj);
	long long want_len;

	if (s_key && s_file) {
		const config_setting_t *later =
			config_setting_source_line(s_file) >= config_setting_source_line(s_key)
				? s_file
				: s_key;

		return fail(c, later, "give key or key-file, not both");
	}
	if (s_len) {
		want_len = setting_int(s_len);
		if (*f.key_len && (size_t)want_len != *f.key_len)
			return fail(c, s_len, "%lld, but the key has %zu octets", want_len,
				    *f.key_len);
		if (!*f.key_len) {
			*f.key_len = want_len; /* a printed configuration: no key octets */
			c->cfg->keys_redacted = true;
		}
	}
	if (!*f.key_len && need_key)
		return fail_missing(c, grp, "key", need_key);
	if (!s_spi && *f.key_len)
		return fail_missing(c, grp, "spi",
				    "the RFC 4285 Mobility SPI of this key, 256 or more");
	if (s_spi && !*f.key_len)
		return fail(c, s_spi, "an SPI without a key; add key or key-file");
	return 0;
}
