/* SPDX-License-Identifier: GPL-2.0 */
/*
 * schema.h - the schema of the configuration file, shared by the files of
 * user/config/ (config.h is the API; this is not).
 *
 * Each section of the file (the top level, home-agent, its mobile-nodes
 * entries, mobile-node, correspondent-node) is one table, schema.c, with
 * one row per setting: name, type, range or words, default, where the value
 * is stored (offsetof into the section's struct) and a line of
 * documentation. Every setting has exactly one row, and the rows drive
 * everything that names settings: the loader's unknown-name check and its
 * "did you mean" (parse.c), parsing (values.c), `xmip6d --check` output
 * (print.c) and the settings tables of docs/xmip6d.conf.md (doc.c).
 *
 * A section loads in two passes. First every row on its own, in table
 * order: present or required, type, range, stored (a row's parse hook adds
 * what its type cannot say). Then the section's check(), once: the rules
 * between settings and the defaults that follow from other settings. The
 * rules judge the effective values, defaults included, not whether a value
 * was written, and config_print() writes every value out (in the form it
 * was given where there is a choice: mobile-node's home-address or
 * home-prefix, a key as key-length), so what it prints loads again to the
 * same settings.
 */
#ifndef XMIP6_CONFIG_SCHEMA_H
#define XMIP6_CONFIG_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <libconfig.h>

struct parse_ctx;
struct config_row;

enum config_type {
	CT_INT,	    /* integer in [min, max], in a field of 1, 2, 4 or 8 octets */
	CT_BOOL,    /* true or false, in a bool */
	CT_WORD,    /* one of word(min)..word(max), stored as its number */
	CT_PATH,    /* absolute path shorter than max octets, strdup'ed into a char * */
	CT_ADDR,    /* address of a node (values.c), in a struct in6_addr */
	CT_PREFIX,  /* ADDRESS/LENGTH, LENGTH in min..128, in a struct config_prefix */
	CT_IFACES,  /* 1..CONFIG_MAX_IFACES interface names; their count (int) at aux */
	CT_SECTION, /* a group with its own table (the roles); present flag (bool) at aux */
	CT_CUSTOM,  /* the row's hooks parse and print it */
};

/* After the type's own parsing (CT_CUSTOM: instead): 0 or -EINVAL, set by fail(). */
typedef int (*config_parse_fn)(struct parse_ctx *c, const config_setting_t *s,
			       const struct config_row *row, void *obj);
/* Instead of the type's own printing. */
typedef void (*config_print_fn)(FILE *out, const char *indent, const struct config_row *row,
				const void *obj);

struct config_row {
	const char *name;
	enum config_type type;
	size_t offset;	     /* of the value in the section's struct */
	size_t size;	     /* of the value: CT_INT, CT_WORD */
	size_t aux;	     /* CT_IFACES, CT_SECTION: see above */
	long long min, max;  /* CT_INT, CT_WORD: values; CT_PREFIX: min length; CT_PATH: max size */
	long long def;	     /* CT_INT, CT_BOOL, CT_WORD: the default */
	const char *def_str; /* CT_PATH: the default */
	const char *(*word)(int value); /* CT_WORD */
	const char *hint;		/* an integer: what it is, for range errors */
	const char *required;		/* absent: "missing; required (REQUIRED)" */
	config_parse_fn parse;
	config_print_fn print; /* CT_CUSTOM without one: never printed (key) */
	/* CT_SECTION: its table; CT_CUSTOM lists: the table of each element */
	const struct config_section *section;
	const void *hook_data; /* the hooks' own: keys.c's struct sa_layout */
	/*
	 * Its line in the settings table of docs/xmip6d.conf.md. doc_type and
	 * doc_default replace what the type gives; doc_allowed follows the
	 * type's own range after ", " (for CT_CUSTOM it is all of it).
	 */
	const char *doc_type, *doc_default, *doc_allowed;
	const char *doc;
};

struct config_section {
	const char *name; /* its docs/xmip6d.conf.md marker: <!-- schema: NAME --> */
	const struct config_row *rows;
	size_t n_rows;
	/* The rules between settings, after every row: 0 or -EINVAL. */
	int (*check)(struct parse_ctx *c, const config_setting_t *grp,
		     const struct config_section *sec, void *obj);
};

/* schema.c */
extern const struct config_section schema_root, schema_ha, schema_cluster, schema_mn_entry,
	schema_mn, schema_cn;
extern const struct config_section *const schema_sections[]; /* all of them, NULL-ended */

/* values.c: the row of @sec called @name (NULL: none), a row's integer
 * value in @obj, and storing one. */
const struct config_row *section_row(const struct config_section *sec, const char *name);
long long row_get_int(const struct config_row *row, const void *obj);
void row_set_int(const struct config_row *row, void *obj, long long value);

/* doc.c: the settings table of @sec in Markdown; -EINVAL for a row without doc. */
int schema_doc_table(FILE *out, const struct config_section *sec);
/* The same as a roff tagged list (.TP), for the man page xmip6d.conf(5). */
int schema_doc_man(FILE *out, const struct config_section *sec);

/*
 * Hooks and rules the tables name. rules.c: the sections' own; keys.c: the
 * security association (spi, key, key-file, key-length) of a mobile-nodes
 * entry and of the mobile node.
 */
const char *log_level_word(int level);
const char *log_word(int syslog);
const char *xdp_mode_word(int mode);
int root_check(struct parse_ctx *c, const config_setting_t *grp, const struct config_section *sec,
	       void *obj);

/* listen.c: "[ADDRESS]:PORT" or "" into the struct config_listen at the row's offset. */
int listen_parse(struct parse_ctx *c, const config_setting_t *s, const struct config_row *row,
		 void *obj);
void listen_print(FILE *out, const char *indent, const struct config_row *row, const void *obj);

int ha_home_prefix_parse(struct parse_ctx *c, const config_setting_t *s,
			 const struct config_row *row, void *obj);
int home_link_parse(struct parse_ctx *c, const config_setting_t *s, const struct config_row *row,
		    void *obj);
void home_link_print(FILE *out, const char *indent, const struct config_row *row, const void *obj);
int mobile_nodes_parse(struct parse_ctx *c, const config_setting_t *s, const struct config_row *row,
		       void *obj);
void mobile_nodes_print(FILE *out, const char *indent, const struct config_row *row,
			const void *obj);
int ha_check(struct parse_ctx *c, const config_setting_t *grp, const struct config_section *sec,
	     void *obj);

int entry_home_addr_parse(struct parse_ctx *c, const config_setting_t *s,
			  const struct config_row *row, void *obj);
int coa_filter_parse(struct parse_ctx *c, const config_setting_t *s, const struct config_row *row,
		     void *obj);
void coa_filter_print(FILE *out, const char *indent, const struct config_row *row, const void *obj);
int entry_max_lifetime_parse(struct parse_ctx *c, const config_setting_t *s,
			     const struct config_row *row, void *obj);
void entry_max_lifetime_print(FILE *out, const char *indent, const struct config_row *row,
			      const void *obj);
/* cluster.c: home-agent's cluster section. */
int cluster_endpoints_parse(struct parse_ctx *c, const config_setting_t *s,
			    const struct config_row *row, void *obj);
void cluster_endpoints_print(FILE *out, const char *indent, const struct config_row *row,
			     const void *obj);
int cluster_word_parse(struct parse_ctx *c, const config_setting_t *s, const struct config_row *row,
		       void *obj);
void cluster_word_print(FILE *out, const char *indent, const struct config_row *row,
			const void *obj);
int cluster_file_parse(struct parse_ctx *c, const config_setting_t *s, const struct config_row *row,
		       void *obj);
void cluster_file_print(FILE *out, const char *indent, const struct config_row *row,
			const void *obj);
const char *store_down_word(int policy);
int cluster_check(struct parse_ctx *c, const config_setting_t *grp,
		  const struct config_section *sec, void *obj);

int mn_entry_check(struct parse_ctx *c, const config_setting_t *grp,
		   const struct config_section *sec, void *obj);

void mn_home_addr_print(FILE *out, const char *indent, const struct config_row *row,
			const void *obj);
void mn_home_prefix_print(FILE *out, const char *indent, const struct config_row *row,
			  const void *obj);
void mn_home_prefix_len_print(FILE *out, const char *indent, const struct config_row *row,
			      const void *obj);
void mn_home_agent_print(FILE *out, const char *indent, const struct config_row *row,
			 const void *obj);
int ro_parse(struct parse_ctx *c, const config_setting_t *s, const struct config_row *row,
	     void *obj);
void ro_print(FILE *out, const char *indent, const struct config_row *row, const void *obj);
int mn_check(struct parse_ctx *c, const config_setting_t *grp, const struct config_section *sec,
	     void *obj);

int cn_check(struct parse_ctx *c, const config_setting_t *grp, const struct config_section *sec,
	     void *obj);

/* Where a section's struct keeps its security association (keys.c). */
struct sa_layout {
	size_t spi, key, key_len, key_file; /* offsets */
	const char *no_key;		    /* config_print()'s comment when there is none */
};
extern const struct sa_layout sa_of_mn_entry, sa_of_mn;

int sa_key_parse(struct parse_ctx *c, const config_setting_t *s, const struct config_row *row,
		 void *obj);
int sa_key_file_parse(struct parse_ctx *c, const config_setting_t *s, const struct config_row *row,
		      void *obj);
int sa_key_length_parse(struct parse_ctx *c, const config_setting_t *s,
			const struct config_row *row, void *obj);
void sa_spi_print(FILE *out, const char *indent, const struct config_row *row, const void *obj);
void sa_key_file_print(FILE *out, const char *indent, const struct config_row *row,
		       const void *obj);
void sa_key_length_print(FILE *out, const char *indent, const struct config_row *row,
			 const void *obj);
/*
 * The security association's rules, from a section's check(): key or
 * key-file, not both; key-length as the key's length, or alone for a
 * redacted key; a key when @need_key says why one is required; spi exactly
 * when there is a key.
 */
int sa_check(struct parse_ctx *c, const config_setting_t *grp, const struct sa_layout *sa,
	     void *obj, const char *need_key);

#endif /* XMIP6_CONFIG_SCHEMA_H */
