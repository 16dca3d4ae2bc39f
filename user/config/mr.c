// SPDX-License-Identifier: GPL-2.0
/*
 * mr.c - the mobile-router section of the configuration (RFC 3963): a
 * mobile-node section (schema.c's mn_rows, stored in struct config_mn)
 * plus its mobile networks and the registration mode. The mobile node's
 * rules hold for it too (mn_check()); these are the mobile networks' own.
 */
#include <errno.h>
#include <string.h>

#include "config/parse.h"
#include "config/print.h"
#include "common/util.h"

static const char *const mode_words[] = {
	[CONFIG_MR_EXPLICIT] = "explicit",
	[CONFIG_MR_IMPLICIT] = "implicit",
};

const char *mr_mode_word(int mode)
{
	return mode == CONFIG_MR_IMPLICIT ? mode_words[CONFIG_MR_IMPLICIT]
					  : mode_words[CONFIG_MR_EXPLICIT];
}

/* A list of groups, each walked as a mobile-networks entry (schema_mr_net). */
int mr_nets_parse(struct parse_ctx *c, const config_setting_t *s, const struct config_row *row,
		  void *obj)
{
	struct config_mn *mn = obj;
	int i, n, err;

	if (config_setting_type(s) != CONFIG_TYPE_LIST)
		return wrong_type(c, s, "a list ( { interface = ...; prefix = ...; }, ... )");
	n = config_setting_length(s);
	if (n < 1 || n > CONFIG_MAX_MOBILE_NETS)
		return fail(c, s, "%d mobile networks; give 1..%d", n, CONFIG_MAX_MOBILE_NETS);
	for (i = 0; i < n; i++) {
		const config_setting_t *grp = config_setting_get_elem(s, i);

		if (config_setting_type(grp) != CONFIG_TYPE_GROUP)
			return wrong_type(c, grp, "a group { interface = ...; prefix = ...; }");
		err = parse_section(c, grp, row->section, &mn->mr_nets[i]);
		if (err)
			return err;
		mn->n_mr_nets = i + 1;
	}
	return 0;
}

void mr_nets_print(FILE *out, const char *indent, const struct config_row *row, const void *obj)
{
	const struct config_mn *mn = obj;

	print_group_list(out, indent, row, mn->mr_nets, mn->n_mr_nets, sizeof(*mn->mr_nets));
}

int mr_net_iface_parse(struct parse_ctx *c, const config_setting_t *s, const struct config_row *row,
		       void *obj)
{
	struct config_mr_net *net = obj;
	const char *v;
	int err = value_str(c, s, &v);

	(void)row;
	if (err)
		return err;
	if (!v[0] || strlen(v) > IF_NAMESIZE - 1 || strpbrk(v, "/: \t"))
		return fail(c, s,
			    "\"%s\" is not an interface name; 1..%d characters, no /, : or "
			    "spaces",
			    v, IF_NAMESIZE - 1);
	snprintf(net->interface, sizeof(net->interface), "%s", v);
	return 0;
}

void mr_net_iface_print(FILE *out, const char *indent, const struct config_row *row,
			const void *obj)
{
	const struct config_mr_net *net = obj;

	print_kv_str(out, indent, row->name, net->interface);
}

static bool prefixes_overlap(const struct config_prefix *a, const struct config_prefix *b)
{
	return a->len <= b->len ? config_prefix_match(a, &b->addr)
				: config_prefix_match(b, &a->addr);
}

/* The setting @name of the @i-th mobile network, for a message at its line. */
static const config_setting_t *net_member(const config_setting_t *grp, int i, const char *name)
{
	const config_setting_t *list = config_setting_get_member(grp, "mobile-networks");

	return config_setting_get_member(config_setting_get_elem(list, i), name);
}

/*
 * A mobile network's prefix is its own (RFC 3963 section 6.1: the home
 * agent forwards the whole prefix to this router): no two overlap, and
 * none holds the router's home address, which the home link keeps. An
 * ingress link is not one of the roaming (egress) interfaces.
 */
int mr_check(struct parse_ctx *c, const config_setting_t *grp, const struct config_section *sec,
	     void *obj)
{
	struct config_mn *mn = obj;
	struct addr6_buf b;
	int i, j, err = mn_check(c, grp, sec, obj);

	for (i = 0; !err && i < mn->n_mr_nets; i++) {
		const struct config_mr_net *net = &mn->mr_nets[i];

		for (j = 0; j < mn->n_interfaces; j++)
			if (!strcmp(mn->interfaces[j], net->interface))
				return fail(c, net_member(grp, i, "interface"),
					    "\"%s\" is one of interfaces (the roaming links); a "
					    "mobile network needs its own ingress link",
					    net->interface);
		for (j = 0; j < i; j++)
			if (prefixes_overlap(&mn->mr_nets[j].prefix, &net->prefix))
				return fail(c, net_member(grp, i, "prefix"),
					    "%s/%u overlaps mobile-networks[%d]'s %s/%u",
					    addr6_str(&net->prefix.addr, &b), net->prefix.len, j,
					    addr6_str(&mn->mr_nets[j].prefix.addr,
						      &(struct addr6_buf){}),
					    mn->mr_nets[j].prefix.len);
		if (mn->has_home_addr && config_prefix_match(&net->prefix, &mn->home_addr))
			return fail(c, net_member(grp, i, "prefix"),
				    "%s/%u holds the home address; a mobile network prefix is not "
				    "the home link's",
				    addr6_str(&net->prefix.addr, &b), net->prefix.len);
		if (prefixes_overlap(&mn->home_prefix, &net->prefix))
			return fail(
				c, net_member(grp, i, "prefix"),
				"%s/%u overlaps home-prefix; a mobile network prefix is not the "
				"home link's",
				addr6_str(&net->prefix.addr, &b), net->prefix.len);
	}
	return err;
}
