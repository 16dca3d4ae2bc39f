// SPDX-License-Identifier: GPL-2.0
/*
 * rules.c - what the sections of the configuration need beyond their rows'
 * types (schema.c): the words of log-level, log and xdp-mode, the hooks of
 * the settings with a form of their own (home-link, mobile-nodes,
 * care-of-filter, route-optimization, the mobile node's home address), and
 * each section's check(): its rules between settings, and the defaults
 * that follow from other settings, applied once after all its rows on the
 * effective values (schema.h says why).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config/parse.h"
#include "config/print.h"
#include "common/util.h"

/* ---- top level --------------------------------------------------------- */

/* Indexed from LOG_ERR: the levels below it print as "err". */
static const char *const log_level_words[] = {"err", "warning", "notice", "info", "debug"};

const char *log_level_word(int level)
{
	if (level < LOG_ERR)
		level = LOG_ERR;
	if (level > LOG_DEBUG)
		level = LOG_DEBUG;
	return log_level_words[level - LOG_ERR];
}

const char *log_word(int syslog)
{
	return syslog ? "syslog" : "stderr";
}

const char *xdp_mode_word(int mode)
{
	return dp_xdp_mode_name(mode);
}

/*
 * One role per file: the data plane under pin-dir has one role. The role
 * sections are walked here, after the top level's own settings.
 */
int root_check(struct parse_ctx *c, const config_setting_t *grp, const struct config_section *sec,
	       void *obj)
{
	const struct config_row *rows = sec->rows, *role = NULL;
	const config_setting_t *first = NULL, *s;
	size_t i;

	for (i = 0; i < sec->n_rows; i++) {
		if (rows[i].type != CT_SECTION)
			continue;
		s = config_setting_get_member(grp, rows[i].name);
		if (!s)
			continue;
		if (first) {
			/* Reported at the one that starts later. */
			if (config_setting_source_line(first) > config_setting_source_line(s))
				s = first;
			return fail(c, s,
				    "a file configures one role: home-agent, mobile-node or "
				    "correspondent-node, not two "
				    "(run two daemons with different pin-dir and control-socket)");
		}
		first = s;
		role = &rows[i];
	}
	if (!role)
		return fail(c, NULL, "no home-agent or mobile-node section; one is required");
	*(bool *)((char *)obj + role->aux) = true;
	return parse_section(c, first, role->section, (char *)obj + role->offset);
}

/* ---- home-agent -------------------------------------------------------- */

int ha_home_prefix_parse(struct parse_ctx *c, const config_setting_t *s,
			 const struct config_row *row, void *obj)
{
	const struct config_ha *ha = obj;

	(void)row;
	if (addr6_unusable_reason(&ha->home_prefix.addr) ||
	    IN6_IS_ADDR_LINKLOCAL(&ha->home_prefix.addr))
		return fail(c, s, "%s is not a unicast prefix; use a global or unique-local one",
			    config_setting_get_string(s));
	return 0;
}

/* A string; ha_check() finds it among interfaces and stores it. */
int home_link_parse(struct parse_ctx *c, const config_setting_t *s, const struct config_row *row,
		    void *obj)
{
	const char *v;

	(void)row;
	(void)obj;
	return value_str(c, s, &v);
}

void home_link_print(FILE *out, const char *indent, const struct config_row *row, const void *obj)
{
	const struct config_ha *ha = obj;

	fprintf(out, "%s%s = ", indent, row->name);
	print_str(out, ha->home_link);
	fputs(ha->home_link[0] ? ";\n" : ";  # virtual home network\n", out);
}

/* A list of groups; ha_check() walks them, after the home agent's rules. */
int mobile_nodes_parse(struct parse_ctx *c, const config_setting_t *s, const struct config_row *row,
		       void *obj)
{
	(void)row;
	(void)obj;
	if (config_setting_type(s) != CONFIG_TYPE_LIST)
		return wrong_type(c, s, "a list ( { home-address = ...; ... }, ... )");
	return 0;
}

void mobile_nodes_print(FILE *out, const char *indent, const struct config_row *row,
			const void *obj)
{
	const struct config_ha *ha = obj;
	char inner[16];
	int i;

	snprintf(inner, sizeof(inner), "%s\t\t", indent);
	fprintf(out, "%s%s = (\n", indent, row->name);
	for (i = 0; i < ha->n_mobile_nodes; i++) {
		fputs(indent, out);
		fputs("\t{\n", out);
		print_rows(out, inner, row->section, &ha->mobile_nodes[i]);
		fputs(indent, out);
		fputs(i == ha->n_mobile_nodes - 1 ? "\t}\n" : "\t},\n", out);
	}
	fprintf(out, "%s);\n", indent);
}

/*
 * Two entries for one home address, or two keys under one SPI, would make
 * the security association ambiguous: refused at the later entry, naming
 * the earlier one. One pass over the entries each (lookup.c), the first
 * builds config_find_mn()'s index.
 */
static int check_duplicates(struct parse_ctx *c, const config_setting_t *list, struct config_ha *ha)
{
	const struct config_mn_entry *e = ha->mobile_nodes;
	struct addr6_buf b;
	int dup, first, err;

	err = mn_index_build(ha, &dup, &first);
	if (err == -EEXIST)
		return fail(c,
			    config_setting_get_member(config_setting_get_elem(list, dup),
						      "home-address"),
			    "duplicate: %s is also mobile-nodes[%d] (line %d)",
			    addr6_str(&e[dup].home_addr, &b), first, e[first].line);
	if (!err)
		err = mn_spi_duplicate(ha, &dup, &first);
	if (err == -EEXIST)
		return fail(c, config_setting_get_member(config_setting_get_elem(list, dup), "spi"),
			    "duplicate: SPI %u is also used by mobile-nodes[%d] (line %d)",
			    e[dup].spi, first, e[first].line);
	return err;
}

static int parse_mobile_nodes(struct parse_ctx *c, const config_setting_t *list,
			      const struct config_section *entry, struct config_ha *ha)
{
	int i, n, err;

	n = list ? config_setting_length(list) : 0;
	if (!n)
		return 0;
	ha->mobile_nodes = calloc(n, sizeof(*ha->mobile_nodes));
	if (!ha->mobile_nodes)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const config_setting_t *grp = config_setting_get_elem(list, i);
		struct config_mn_entry *e = &ha->mobile_nodes[i];

		/* Counted before parsing so config_free() sees a key_file. */
		ha->n_mobile_nodes = i + 1;
		if (config_setting_type(grp) != CONFIG_TYPE_GROUP)
			return wrong_type(c, grp, "a group { home-address = ...; ... }");
		e->line = config_setting_source_line(grp);
		err = parse_section(c, grp, entry, e);
		if (err)
			return err;
	}
	return check_duplicates(c, list, ha);
}

/* home-link: "" (a virtual home network) or one of interfaces. */
static int home_link_check(struct parse_ctx *c, const config_setting_t *grp, struct config_ha *ha)
{
	const config_setting_t *s = config_setting_get_member(grp, "home-link");
	const char *v = s ? config_setting_get_string(s) : "";
	int i;

	if (!v[0])
		return 0;
	for (i = 0; i < ha->n_interfaces && strcmp(ha->interfaces[i], v); i++)
		;
	if (i == ha->n_interfaces)
		return fail(c, s,
			    "\"%s\" is not one of interfaces; omit it or give \"\" for a "
			    "virtual home network",
			    v);
	snprintf(ha->home_link, sizeof(ha->home_link), "%s", v);
	return 0;
}

int ha_check(struct parse_ctx *c, const config_setting_t *grp, const struct config_section *sec,
	     void *obj)
{
	struct config_ha *ha = obj;
	const config_setting_t *grp_cluster;
	struct addr6_buf b;
	int err;

	if (is_subnet_router_anycast(&ha->address, ha->home_prefix.len) &&
	    config_prefix_match(&ha->home_prefix, &ha->address))
		return fail(c, config_setting_get_member(grp, "address"),
			    "%s is the Subnet-Router anycast address of home-prefix",
			    addr6_str(&ha->address, &b));
	err = home_link_check(c, grp, ha);
	if (err)
		return err;
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
	grp_cluster = config_setting_get_member(grp, "cluster");
	if (grp_cluster) {
		ha->has_cluster = true;
		err = parse_section(c, grp_cluster, section_row(sec, "cluster")->section,
				    &ha->cluster);
		if (err)
			return err;
	}
	/* The entries' rules refer to the home agent's settings: they come last. */
	return parse_mobile_nodes(c, config_setting_get_member(grp, "mobile-nodes"),
				  section_row(sec, "mobile-nodes")->section, ha);
}

/* ---- mobile-nodes entries ---------------------------------------------- */

/* A care-of-filter prefix: any length, /0 included. */
static int coa_filter_elem(struct parse_ctx *c, const config_setting_t *e, const char *v, int i,
			   void *arg)
{
	struct config_prefix *filter = arg;

	return value_prefix(c, e, v, 0, &filter[i]);
}

int coa_filter_parse(struct parse_ctx *c, const config_setting_t *s, const struct config_row *row,
		     void *obj)
{
	struct config_mn_entry *e = obj;
	int n, err;

	(void)row;
	err = value_str_list(c, s, "an array of prefixes [ \"2001:db8:20::/48\", ... ]", &n);
	if (err)
		return err;
	if (n > CONFIG_MAX_COA_FILTERS)
		return fail(c, s, "%d prefixes; at most %d", n, CONFIG_MAX_COA_FILTERS);
	if (!n)
		return 0;
	e->coa_filter = calloc(n, sizeof(*e->coa_filter));
	if (!e->coa_filter)
		return -ENOMEM;
	err = value_each_str(c, s, coa_filter_elem, e->coa_filter);
	if (!err)
		e->n_coa_filter = n;
	return err;
}

void coa_filter_print(FILE *out, const char *indent, const struct config_row *row, const void *obj)
{
	const struct config_mn_entry *e = obj;

	if (!e->n_coa_filter) {
		fputs(indent, out);
		fputs(row->name, out);
		fputs(" = [ ];  # any care-of address\n", out);
		return;
	}
	print_kv_prefixes(out, indent, row->name, e->coa_filter, e->n_coa_filter, false);
}

/* At most the home agent's max-lifetime; 0 (absent) is the home agent's. */
int entry_max_lifetime_parse(struct parse_ctx *c, const config_setting_t *s,
			     const struct config_row *row, void *obj)
{
	struct config_mn_entry *e = obj;
	long long v;
	int err = value_int(c, s, 1, c->cfg->ha.max_lifetime_s, row->hint, &v);

	if (!err)
		e->max_lifetime_s = v;
	return err;
}

void entry_max_lifetime_print(FILE *out, const char *indent, const struct config_row *row,
			      const void *obj)
{
	const struct config_mn_entry *e = obj;

	if (e->max_lifetime_s)
		print_kv_int(out, indent, row->name, e->max_lifetime_s);
	else {
		fputs(indent, out);
		fputs("# ", out);
		fputs(row->name, out);
		fputs(": the home agent's\n", out);
	}
}

/*
 * Inside the home agent's home-prefix, not its own address nor the prefix's
 * Subnet-Router anycast address. The home agent's settings are complete
 * and checked before its entries are walked (ha_check()), so this is a
 * check of the value itself, as for the entry's max-lifetime.
 */
int entry_home_addr_parse(struct parse_ctx *c, const config_setting_t *s,
			  const struct config_row *row, void *obj)
{
	const struct config_ha *ha = &c->cfg->ha;
	const struct config_mn_entry *e = obj;
	struct addr6_buf b1, b2;

	(void)row;
	if (!config_prefix_match(&ha->home_prefix, &e->home_addr))
		return fail(c, s, "%s is outside home-prefix %s/%u", addr6_str(&e->home_addr, &b1),
			    addr6_str(&ha->home_prefix.addr, &b2), ha->home_prefix.len);
	if (IN6_ARE_ADDR_EQUAL(&e->home_addr, &ha->address))
		return fail(c, s, "%s is the home agent's own address",
			    addr6_str(&e->home_addr, &b1));
	if (is_subnet_router_anycast(&e->home_addr, ha->home_prefix.len))
		return fail(c, s, "%s is the Subnet-Router anycast address of the home prefix",
			    addr6_str(&e->home_addr, &b1));
	return 0;
}

int mn_entry_check(struct parse_ctx *c, const config_setting_t *grp,
		   const struct config_section *sec, void *obj)
{
	(void)sec;
	return sa_check(c, grp, &sa_of_mn_entry, obj,
			c->cfg->ha.require_auth ? "key or key-file: home-agent require-auth is true"
						: NULL);
}

/* ---- mobile-node ------------------------------------------------------- */

/*
 * The home address is written either as home-address (with
 * home-prefix-length) or, when xmip6d forms it (mn.c), as home-prefix.
 */
void mn_home_addr_print(FILE *out, const char *indent, const struct config_row *row,
			const void *obj)
{
	const struct config_mn *mn = obj;

	if (mn->has_home_addr)
		print_kv_addr(out, indent, row->name, &mn->home_addr);
}

void mn_home_prefix_print(FILE *out, const char *indent, const struct config_row *row,
			  const void *obj)
{
	const struct config_mn *mn = obj;
	struct addr6_buf b;

	if (!mn->has_home_addr)
		fprintf(out, "%s%s = \"%s/%u\";  # home address formed by xmip6d\n", indent,
			row->name, addr6_str(&mn->home_prefix.addr, &b), mn->home_prefix.len);
}

void mn_home_prefix_len_print(FILE *out, const char *indent, const struct config_row *row,
			      const void *obj)
{
	const struct config_mn *mn = obj;

	if (mn->has_home_addr)
		print_kv_int(out, indent, row->name, mn->home_prefix_len);
}

void mn_home_agent_print(FILE *out, const char *indent, const struct config_row *row,
			 const void *obj)
{
	const struct config_mn *mn = obj;

	if (mn->has_home_agent)
		print_kv_addr(out, indent, row->name, &mn->home_agent);
	else
		fprintf(out, "%s# %s: found by Dynamic Home Agent Address Discovery\n", indent,
			row->name);
}

/* A correspondent: a prefix, or an address alone for its /128. */
static int ro_peer_elem(struct parse_ctx *c, const config_setting_t *e, const char *v, int i,
			void *arg)
{
	struct config_prefix *peers = arg;
	char buf[INET6_ADDRSTRLEN + 8];

	if (strchr(v, '/') || strlen(v) >= INET6_ADDRSTRLEN)
		return value_prefix(c, e, v, 0, &peers[i]);
	snprintf(buf, sizeof(buf), "%s/128", v);
	return value_prefix(c, e, buf, 0, &peers[i]);
}

/*
 * route-optimization (RFC 6275 section 11.7.2): "none", "all", or a list of
 * correspondents, each a prefix or an address (a /128).
 */
int ro_parse(struct parse_ctx *c, const config_setting_t *s, const struct config_row *row,
	     void *obj)
{
	struct config_mn *mn = obj;
	const char *v = NULL;
	int n, err;

	(void)row;
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
	err = value_str_list(c, s, "\"none\", \"all\" or [ \"2001:db8:c::/48\", ... ]", &n);
	if (err)
		return err;
	if (n < 1 || n > CONFIG_MAX_RO_PEERS)
		return fail(c, s, "%d entries; give 1..%d (or \"none\")", n, CONFIG_MAX_RO_PEERS);
	err = value_each_str(c, s, ro_peer_elem, mn->ro_peers);
	if (err)
		return err;
	mn->n_ro_peers = n;
	mn->ro_mode = CONFIG_RO_LISTED;
	return 0;
}

/* An address of the list is printed alone, as it may be written. */
void ro_print(FILE *out, const char *indent, const struct config_row *row, const void *obj)
{
	const struct config_mn *mn = obj;

	if (mn->ro_mode != CONFIG_RO_LISTED)
		print_kv_str(out, indent, row->name, mn->ro_mode == CONFIG_RO_ALL ? "all" : "none");
	else
		print_kv_prefixes(out, indent, row->name, mn->ro_peers, mn->n_ro_peers, true);
}

/*
 * The home address, prefix and agent. Either home-address (with
 * home-prefix-length) or home-prefix is needed: with home-prefix alone the
 * daemon forms the home address itself (mn.c); without home-agent it finds
 * one by Dynamic Home Agent Address Discovery (RFC 6275 section 11.4.1).
 */
static int mn_home_check(struct parse_ctx *c, const config_setting_t *grp, struct config_mn *mn)
{
	const config_setting_t *s_pfx = config_setting_get_member(grp, "home-prefix");
	const config_setting_t *s_plen = config_setting_get_member(grp, "home-prefix-length");
	const config_setting_t *s_hoa = config_setting_get_member(grp, "home-address");
	const config_setting_t *s_ha = config_setting_get_member(grp, "home-agent");
	struct addr6_buf b;

	if (s_pfx && s_plen)
		return fail(c, s_plen, "not with home-prefix, which gives the length");
	if (s_pfx)
		mn->home_prefix_len = mn->home_prefix.len;
	mn->has_home_addr = s_hoa != NULL;
	mn->has_home_agent = s_ha != NULL;
	if (mn->has_home_addr) {
		if (is_subnet_router_anycast(&mn->home_addr, mn->home_prefix_len))
			return fail(c, s_hoa,
				    "%s is the Subnet-Router anycast address of its /%u prefix",
				    addr6_str(&mn->home_addr, &b), mn->home_prefix_len);
		if (s_pfx && !config_prefix_match(&mn->home_prefix, &mn->home_addr))
			return fail(c, s_hoa, "%s is not in home-prefix",
				    addr6_str(&mn->home_addr, &b));
		if (!s_pfx) {
			mn->home_prefix.addr = mn->home_addr;
			mn->home_prefix.len = mn->home_prefix_len;
			prefix_mask(&mn->home_prefix.addr, mn->home_prefix_len);
		}
	} else if (!s_pfx) {
		return fail_missing(c, grp, "home-address",
				    "or home-prefix: the home address is formed from it");
	} else if (mn->home_prefix_len > 64) {
		return fail(c, s_pfx,
			    "/%u leaves no room for a 64-bit interface identifier; give "
			    "home-address",
			    mn->home_prefix_len);
	}
	if (mn->has_home_agent && mn->has_home_addr &&
	    IN6_ARE_ADDR_EQUAL(&mn->home_addr, &mn->home_agent))
		return fail(c, s_ha, "%s is our own home-address; the home agent is another node",
			    addr6_str(&mn->home_agent, &b));
	return 0;
}

int mn_check(struct parse_ctx *c, const config_setting_t *grp, const struct config_section *sec,
	     void *obj)
{
	struct config_mn *mn = obj;
	int err = mn_home_check(c, grp, mn);

	(void)sec;
	if (!err)
		err = sa_check(c, grp, &sa_of_mn, mn, NULL);
	if (err)
		return err;
	/* RFC 6275 section 11.8: the timeout doubles up to MAX_BINDACK_TIMEOUT. */
	if (mn->initial_timeout_ms > mn->max_timeout_s * 1000ULL)
		return fail(c, config_setting_get_member(grp, "initial-timeout-ms"),
			    "%u ms exceeds max-timeout (%u s)", mn->initial_timeout_ms,
			    mn->max_timeout_s);
	return 0;
}

/* ---- correspondent-node ------------------------------------------------ */

int cn_check(struct parse_ctx *c, const config_setting_t *grp, const struct config_section *sec,
	     void *obj)
{
	const config_setting_t *s_before = config_setting_get_member(grp, "refresh-before");
	struct config_cn *cn = obj;

	(void)sec;
	/* A nonce must outlive the interval, or there is a gap with none. */
	if (cn->nonce_lifetime_s < cn->nonce_interval_s)
		return fail(c, config_setting_get_member(grp, "nonce-lifetime"),
			    "%u is below nonce-interval (%u)", cn->nonce_lifetime_s,
			    cn->nonce_interval_s);
	/*
	 * The rule holds for the effective value, so that what --check prints
	 * loads again: a default refresh-before that is not below a short
	 * max-lifetime becomes half of it. cn.c sends the Binding Refresh
	 * Request half way through such a lifetime either way (brr_due()).
	 */
	if (!s_before && cn->refresh_before_s >= cn->max_lifetime_s)
		cn->refresh_before_s = cn->max_lifetime_s / 2;
	if (cn->refresh_before_s >= cn->max_lifetime_s)
		return fail(c, s_before, "%u is not below max-lifetime (%u)", cn->refresh_before_s,
			    cn->max_lifetime_s);
	return 0;
}
