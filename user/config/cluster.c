// SPDX-License-Identifier: GPL-2.0
/*
 * cluster.c - home-agent's cluster section: the etcd endpoints, the key
 * prefix and cluster name, the TLS files, and the rule that plaintext goes
 * only to loopback (a binding cache is who may receive whose traffic: on
 * any other path it needs TLS, docs/cluster.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "config/config.h"
#include "config/parse.h"
#include "config/print.h"

static int endpoint_elem(struct parse_ctx *c, const config_setting_t *e, const char *v, int i,
			 void *arg)
{
	struct config_cluster *cl = arg;

	if (strncmp(v, "http://", 7) && strncmp(v, "https://", 8))
		return fail(c, e, "\"%s\": an endpoint is http://HOST:PORT or https://HOST:PORT",
			    v);
	if (strlen(v) >= CONFIG_ENDPOINT_MAX)
		return fail(c, e, "%zu characters is too long; at most %d", strlen(v),
			    CONFIG_ENDPOINT_MAX - 1);
	strcpy(cl->endpoints[i], v);
	return 0;
}

int cluster_endpoints_parse(struct parse_ctx *c, const config_setting_t *s,
			    const struct config_row *row, void *obj)
{
	struct config_cluster *cl = obj;
	int n, err;

	(void)row;
	err = value_str_list(c, s, "an array of URLs [ \"https://[2001:db8::1]:2379\", ... ]", &n);
	if (err)
		return err;
	if (n < 1 || n > CONFIG_MAX_ENDPOINTS)
		return fail(c, s, "%d endpoints; 1 to %d", n, CONFIG_MAX_ENDPOINTS);
	err = value_each_str(c, s, endpoint_elem, cl);
	if (!err)
		cl->n_endpoints = n;
	return err;
}

void cluster_endpoints_print(FILE *out, const char *indent, const struct config_row *row,
			     const void *obj)
{
	const struct config_cluster *cl = obj;
	int i;

	fprintf(out, "%s%s = [ ", indent, row->name);
	for (i = 0; i < cl->n_endpoints; i++) {
		fputs(i ? ", " : "", out);
		print_str(out, cl->endpoints[i]);
	}
	fputs(" ];\n", out);
}

/* key-prefix: an absolute key path without a trailing /; name: one word. */
int cluster_word_parse(struct parse_ctx *c, const config_setting_t *s, const struct config_row *row,
		       void *obj)
{
	char *field = (char *)obj + row->offset;
	bool prefix = row->min;
	const char *v;
	int err = value_str(c, s, &v);
	size_t i, n;

	if (err)
		return err;
	n = strlen(v);
	if (n >= CONFIG_CLUSTER_NAME_MAX)
		return fail(c, s, "%zu characters is too long; at most %d", n,
			    CONFIG_CLUSTER_NAME_MAX - 1);
	if (prefix && (v[0] != '/' || (n > 1 && v[n - 1] == '/')))
		return fail(c, s, "\"%s\": a key prefix starts with / and does not end with one",
			    v);
	if (!prefix && !n)
		return fail(c, s, "empty; a cluster has a name");
	for (i = 0; i < n; i++)
		if (!(v[i] == '-' || v[i] == '_' || v[i] == '.' || (v[i] >= '0' && v[i] <= '9') ||
		      (v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
		      (prefix && v[i] == '/')))
			return fail(c, s, "\"%s\": letters, digits, - _ .%s only", v,
				    prefix ? " and /" : "");
	strcpy(field, v);
	return 0;
}

void cluster_word_print(FILE *out, const char *indent, const struct config_row *row,
			const void *obj)
{
	print_kv_str(out, indent, row->name, (const char *)obj + row->offset);
}

/* A TLS file: an absolute path, or "" for none. */
int cluster_file_parse(struct parse_ctx *c, const config_setting_t *s, const struct config_row *row,
		       void *obj)
{
	char **field = (char **)((char *)obj + row->offset);
	const char *v;
	int err = value_str(c, s, &v);

	if (err || !v[0])
		return err;
	if (v[0] != '/')
		return fail(c, s, "\"%s\" is not an absolute path; it must start with /", v);
	*field = strdup(v);
	return *field ? 0 : -ENOMEM;
}

void cluster_file_print(FILE *out, const char *indent, const struct config_row *row,
			const void *obj)
{
	const char *v = *(char *const *)((const char *)obj + row->offset);

	print_kv_str(out, indent, row->name, v ? v : "");
}

const char *store_down_word(int policy)
{
	return policy == CONFIG_STORE_DOWN_REFUSE ? "refuse" : NULL;
}

/* The host of http://HOST:PORT/... is a loopback address (or localhost). */
static bool endpoint_loopback(const char *url)
{
	const char *h = url + 7, *end;
	char host[INET6_ADDRSTRLEN + 1];
	struct in6_addr a6;
	struct in_addr a4;
	size_t n;

	if (*h == '[') {
		end = strchr(++h, ']');
	} else {
		end = h + strcspn(h, ":/");
	}
	if (!end || (n = (size_t)(end - h)) >= sizeof(host))
		return false;
	memcpy(host, h, n);
	host[n] = 0;
	if (!strcmp(host, "localhost"))
		return true;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return inet_pton(AF_INET, host, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127;
}

int cluster_check(struct parse_ctx *c, const config_setting_t *grp,
		  const struct config_section *sec, void *obj)
{
	struct config_cluster *cl = obj;
	const config_setting_t *eps = config_setting_get_member(grp, "endpoints");
	int i;

	(void)sec;
	if (!cl->key_prefix[0])
		strcpy(cl->key_prefix, "/xmip6");
	if (!cl->name[0])
		strcpy(cl->name, "home");
	for (i = 0; i < cl->n_endpoints; i++)
		if (!strncmp(cl->endpoints[i], "http://", 7) &&
		    !endpoint_loopback(cl->endpoints[i]))
			return fail(
				c, eps ? config_setting_get_elem(eps, i) : grp,
				"\"%s\": plaintext only to a loopback address; use https:// "
				"with ca-file (and cert-file, key-file for client certificates)",
				cl->endpoints[i]);
	if (!cl->cert_file != !cl->key_file)
		return fail(
			c, config_setting_get_member(grp, cl->cert_file ? "cert-file" : "key-file"),
			"cert-file and key-file go together (a client certificate and its key)");
	return 0;
}
