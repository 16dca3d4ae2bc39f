// SPDX-License-Identifier: GPL-2.0
/*
 * mnp.c - the NEMO settings of a mobile-nodes entry (RFC 3963): whether the
 * node may register as a mobile router (mobile-router) and the Mobile
 * Network Prefixes it may claim (prefixes), and the rule across entries:
 * no prefix overlaps another (one router per address, whatever the
 * longest match) nor the home prefix (whose addresses are home addresses).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/parse.h"
#include "config/print.h"
#include "common/util.h"

/* Mobile Network Prefixes: length 1..128 (a /0 would claim every address). */
int mnp_parse(struct parse_ctx *c, const config_setting_t *s, const struct config_row *row,
	      void *obj)
{
	struct config_mn_entry *e = obj;

	(void)row;
	return value_prefix_list(c, s, 1, CONFIG_MAX_MNP,
				 "an array of prefixes [ \"2001:db8:100::/56\", ... ]", &e->mnp,
				 &e->n_mnp);
}

void mnp_print(FILE *out, const char *indent, const struct config_row *row, const void *obj)
{
	const struct config_mn_entry *e = obj;

	print_kv_prefix_list(out, indent, row->name, e->mnp, e->n_mnp, "");
}

/* One prefix holds the other. */
static bool prefixes_overlap(const struct config_prefix *a, const struct config_prefix *b)
{
	return config_prefix_match(a, &b->addr) || config_prefix_match(b, &a->addr);
}

/* The entry's own rules: prefixes only for a mobile router, none on the home prefix. */
int mnp_entry_check(struct parse_ctx *c, const config_setting_t *grp, const struct config_ha *ha,
		    const struct config_mn_entry *e)
{
	const config_setting_t *s = config_setting_get_member(grp, "prefixes");
	struct addr6_buf b1, b2;
	int i;

	if (e->n_mnp && !e->mobile_router)
		return fail(c, s, "prefixes need mobile-router = true");
	for (i = 0; i < e->n_mnp; i++)
		if (prefixes_overlap(&e->mnp[i], &ha->home_prefix))
			return fail(c, s, "%s/%u overlaps home-prefix %s/%u",
				    addr6_str(&e->mnp[i].addr, &b1), e->mnp[i].len,
				    addr6_str(&ha->home_prefix.addr, &b2), ha->home_prefix.len);
	return 0;
}

struct mnp_ref {
	struct config_prefix p;
	int entry;
};

static int mnp_ref_cmp(const void *a, const void *b)
{
	const struct mnp_ref *x = a, *y = b;
	int r = memcmp(&x->p.addr, &y->p.addr, sizeof(x->p.addr));

	if (r)
		return r;
	if (x->p.len != y->p.len)
		return x->p.len < y->p.len ? -1 : 1;
	return x->entry - y->entry;
}

/*
 * No two prefixes of the list overlap. Sorted by address then length, a
 * prefix that holds another comes before it and holds all between them:
 * when any two overlap, two neighbours do. Refused at the later entry.
 */
int mnp_overlap_check(struct parse_ctx *c, const config_setting_t *list, const struct config_ha *ha)
{
	const struct config_mn_entry *e = ha->mobile_nodes;
	struct mnp_ref *refs, *a, *b;
	struct addr6_buf b1, b2;
	size_t n = 0, k = 0;
	int i, j, err = 0;

	for (i = 0; i < ha->n_mobile_nodes; i++)
		n += e[i].n_mnp;
	if (n < 2)
		return 0;
	refs = calloc(n, sizeof(*refs));
	if (!refs)
		return -ENOMEM;
	for (i = 0; i < ha->n_mobile_nodes; i++)
		for (j = 0; j < e[i].n_mnp; j++)
			refs[k++] = (struct mnp_ref){.p = e[i].mnp[j], .entry = i};
	qsort(refs, n, sizeof(*refs), mnp_ref_cmp);
	for (k = 1; k < n && !err; k++) {
		a = &refs[k - 1];
		b = &refs[k];
		if (!prefixes_overlap(&a->p, &b->p))
			continue;
		if (a->entry > b->entry) {
			struct mnp_ref *t = a;

			a = b;
			b = t;
		}
		err = fail(c,
			   config_setting_get_member(config_setting_get_elem(list, b->entry),
						     "prefixes"),
			   "%s/%u overlaps %s/%u of mobile-nodes[%d] (line %d)",
			   addr6_str(&b->p.addr, &b1), b->p.len, addr6_str(&a->p.addr, &b2),
			   a->p.len, a->entry, e[a->entry].line);
	}
	free(refs);
	return err;
}
