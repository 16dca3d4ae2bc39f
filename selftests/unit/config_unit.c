// SPDX-License-Identifier: GPL-2.0
/*
 * config_unit.c - unit tests of user/config/: a table of configuration
 * texts, each either loading (with its values and defaults checked) or
 * failing with a given "FILE:LINE: " prefix and message; every good text
 * goes through config_print() -> config_load() and must come back equal;
 * the examples in docs/examples load; the schema's tables hold each setting
 * once, with a default in its own range.
 *
 * Prints TAP lines, exits 1 on any failure. Run it under
 * valgrind --leak-check=full --error-exitcode=1 to check config_free().
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "config/schema.h"
#include "common/util.h"
#include "xmip6.h"
#include "unit.h"

static char tmpdir[64];

/* Value checks of a good case print "# ..." and return false on a mismatch. */
#define EXPECT(cond)                                                          \
	do {                                                                  \
		if (!(cond)) {                                                \
			printf("#   %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			return false;                                         \
		}                                                             \
	} while (0)

static bool addr_is(const struct in6_addr *a, const char *str)
{
	struct in6_addr b;

	return inet_pton(AF_INET6, str, &b) == 1 && !memcmp(a, &b, sizeof(b));
}

static bool key_is(const __u8 *key, size_t len, const char *hex)
{
	size_t i;

	if (strlen(hex) != 2 * len)
		return false;
	for (i = 0; i < len; i++) {
		unsigned int byte;

		if (sscanf(hex + 2 * i, "%2x", &byte) != 1 || key[i] != byte)
			return false;
	}
	return true;
}

static void write_file(const char *name, const void *data, size_t len, mode_t mode)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) || chmod(path, mode)) {
		perror(path);
		exit(2);
	}
}

/* Write @text with "@DIR@" replaced by the temporary directory. */
static void write_conf(const char *name, const char *text)
{
	char buf[8192], *o = buf;
	const char *p;

	for (p = text; *p && o < buf + sizeof(buf) - PATH_MAX; p++) {
		if (!strncmp(p, "@DIR@", 5)) {
			o += sprintf(o, "%s", tmpdir);
			p += 4;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	write_file(name, buf, strlen(buf), 0600);
}

/* ---- the table --------------------------------------------------------- */

#define K16 "404142434445464748494a4b4c4d4e4f"
#define K20 "000102030405060708090a0b0c0d0e0f10111213"

/* Lines 1-4 of most home-agent cases; the next setting is on line 5. */
#define HA_BASE                                  \
	"home-agent = {\n"                       \
	"\taddress = \"2001:db8:1::a\";\n"       \
	"\thome-prefix = \"2001:db8:1::/64\";\n" \
	"\tinterfaces = [ \"eth0\" ];\n"
/* Lines 1-4 of most mobile-node cases. */
#define MN_BASE                                   \
	"mobile-node = {\n"                       \
	"\thome-address = \"2001:db8:1::100\";\n" \
	"\thome-agent = \"2001:db8:1::a\";\n"     \
	"\tinterfaces = [ \"wlan0\" ];\n"
#define MN1 "{ home-address = \"2001:db8:1::100\"; spi = 256; key = \"" K16 "\"; }"
#define MN2 "{ home-address = \"2001:db8:1::101\"; spi = 257; key = \"" K16 "\"; }"

#define MR_BASE                                   \
	"mobile-router = {\n"                     \
	"\thome-address = \"2001:db8:1::100\";\n" \
	"\thome-agent = \"2001:db8:1::a\";\n"     \
	"\tinterfaces = [ \"wlan0\" ];\n"
#define MR_NET "\tmobile-networks = ( { interface = \"lan0\"; prefix = \"2001:db8:50::/64\"; } );\n"

#define OK (-1) /* line: the case loads */

struct tcase {
	const char *desc;
	const char *text;
	int line;		/* OK, 0 for "FILE: msg", or the line of "FILE:LINE: msg" */
	const char *err;	/* substring of the message */
	const char *not_in_err; /* key material that must not show */
	bool (*check)(const struct xmip6d_config *cfg);
};

static bool chk_ha_defaults(const struct xmip6d_config *c)
{
	const struct config_ha *ha = &c->ha;

	EXPECT(c->has_ha && !c->has_mn);
	EXPECT(c->log_level == LOG_INFO && !c->log_syslog);
	EXPECT(!strcmp(c->pin_dir, XMIP6_PIN_DIR_DEFAULT));
	EXPECT(!strcmp(c->control_socket, CONFIG_CTL_SOCKET_DEFAULT));
	EXPECT(addr_is(&ha->address, "2001:db8:1::a"));
	EXPECT(addr_is(&ha->home_prefix.addr, "2001:db8:1::") && ha->home_prefix.len == 64);
	EXPECT(ha->n_interfaces == 1 && !strcmp(ha->interfaces[0], "eth0"));
	EXPECT(ha->home_link[0] == '\0');
	EXPECT(ha->max_lifetime_s == 3600);
	EXPECT(ha->max_bindings == XMIP6_BINDINGS_DEFAULT);
	EXPECT(ha->refresh_interval_s == 0);
	EXPECT(ha->dad && !ha->require_auth && !ha->accept_unlisted);
	EXPECT(ha->timestamp_window_s == 7 && ha->preference == 0);
	EXPECT(ha->xdp_mode == DP_XDP_NATIVE);
	EXPECT(ha->n_mobile_nodes == 0 && !c->keys_redacted);
	return true;
}

static bool chk_ha_full(const struct xmip6d_config *c)
{
	const struct config_ha *ha = &c->ha;
	const struct config_mn_entry *e;

	EXPECT(c->log_level == LOG_DEBUG && c->log_syslog);
	EXPECT(!strcmp(c->pin_dir, "/sys/fs/bpf/other"));
	EXPECT(!strcmp(c->control_socket, "/run/other.sock"));
	EXPECT(ha->n_interfaces == 2 && !strcmp(ha->interfaces[1], "eth1"));
	EXPECT(!strcmp(ha->home_link, "eth1"));
	EXPECT(ha->max_lifetime_s == 262140 && ha->max_bindings == 1048576);
	EXPECT(ha->refresh_interval_s == 100 && !ha->dad && ha->require_auth);
	EXPECT(ha->timestamp_window_s == 30 && !ha->accept_unlisted);
	EXPECT(ha->preference == -32768 && ha->xdp_mode == DP_XDP_GENERIC);
	EXPECT(ha->n_mobile_nodes == 2);
	e = &ha->mobile_nodes[0];
	EXPECT(addr_is(&e->home_addr, "2001:db8:1::100") && e->spi == 256 && e->enabled);
	EXPECT(e->key_len == 16 && key_is(e->key, 16, K16) && !e->key_file);
	EXPECT(e->n_coa_filter == 0 && e->max_lifetime_s == 0 && e->line == 16);
	e = &ha->mobile_nodes[1];
	EXPECT(addr_is(&e->home_addr, "2001:db8:1::ffff") && e->spi == 4294967295u);
	EXPECT(!e->enabled && e->key_len == 20 && key_is(e->key, 20, K20));
	EXPECT(e->n_coa_filter == 2 && e->coa_filter[1].len == 0);
	EXPECT(addr_is(&e->coa_filter[0].addr, "2001:db8:20::") && e->coa_filter[0].len == 48);
	EXPECT(e->max_lifetime_s == 600 && e->line == 17);
	EXPECT(config_find_mn(ha, &e->home_addr) == e);
	EXPECT(!c->keys_redacted);
	return true;
}

static bool chk_metrics_listen(const struct xmip6d_config *c)
{
	EXPECT(c->metrics_listen.set && c->metrics_listen.port == 9617);
	EXPECT(addr_is(&c->metrics_listen.addr, "2001:db8::1"));
	return true;
}

static bool chk_mn_defaults(const struct xmip6d_config *c)
{
	const struct config_mn *mn = &c->mn;

	EXPECT(c->has_mn && !c->has_ha);
	EXPECT(addr_is(&mn->home_addr, "2001:db8:1::100") && mn->home_prefix_len == 64);
	EXPECT(addr_is(&mn->home_agent, "2001:db8:1::a"));
	EXPECT(mn->n_interfaces == 1 && !strcmp(mn->interfaces[0], "wlan0"));
	EXPECT(mn->lifetime_s == 600 && mn->key_len == 0 && mn->spi == 0);
	EXPECT(!mn->link_local_compat && mn->initial_timeout_ms == 1500);
	EXPECT(mn->max_timeout_s == 32 && mn->xdp_mode == DP_XDP_NATIVE);
	EXPECT(!c->metrics_listen.set); /* off unless configured */
	return true;
}

/* Only home-prefix: the daemon forms the home address and finds the HA. */
static bool chk_mn_prefix_only(const struct xmip6d_config *c)
{
	const struct config_mn *mn = &c->mn;

	EXPECT(c->has_mn && !mn->has_home_addr && !mn->has_home_agent);
	EXPECT(addr_is(&mn->home_prefix.addr, "2001:db8:1::") && mn->home_prefix.len == 64);
	EXPECT(mn->home_prefix_len == 64 && addr_is(&mn->home_addr, "::"));
	EXPECT(addr_is(&mn->home_agent, "::"));
	return true;
}

static bool chk_mn_prefix_and_hoa(const struct xmip6d_config *c)
{
	const struct config_mn *mn = &c->mn;

	EXPECT(mn->has_home_addr && !mn->has_home_agent);
	EXPECT(addr_is(&mn->home_addr, "2001:db8:1::100"));
	EXPECT(addr_is(&mn->home_prefix.addr, "2001:db8:1::") && mn->home_prefix.len == 48);
	EXPECT(mn->home_prefix_len == 48);
	return true;
}

static bool chk_mn_full(const struct xmip6d_config *c)
{
	const struct config_mn *mn = &c->mn;

	EXPECT(mn->home_prefix_len == 56 && mn->lifetime_s == 262140);
	EXPECT(mn->n_interfaces == 3 && !strcmp(mn->interfaces[2], "wwan0"));
	EXPECT(mn->spi == 300 && mn->key_len == 16 && key_is(mn->key, 16, K16));
	EXPECT(mn->link_local_compat && mn->initial_timeout_ms == 2000);
	EXPECT(mn->max_timeout_s == 64 && mn->xdp_mode == DP_XDP_GENERIC);
	return true;
}

static bool chk_key_hex_file(const struct xmip6d_config *c)
{
	const struct config_mn_entry *e = &c->ha.mobile_nodes[0];
	char want[PATH_MAX];

	snprintf(want, sizeof(want), "%s/hex.key", tmpdir);
	EXPECT(e->key_len == 20 && key_is(e->key, 20, K20));
	EXPECT(e->key_file && !strcmp(e->key_file, want));
	return true;
}

static bool chk_key_raw_file(const struct xmip6d_config *c)
{
	const struct config_mn_entry *e = &c->ha.mobile_nodes[0];
	size_t i;

	EXPECT(e->key_len == 32);
	for (i = 0; i < 32; i++)
		EXPECT(e->key[i] == (__u8)(0xf0 + i * 7));
	return true;
}

static bool chk_key_xxd_file(const struct xmip6d_config *c)
{
	const struct config_mn *mn = &c->mn;
	size_t i;

	EXPECT(mn->key_len == 64 && mn->spi == 999);
	for (i = 0; i < 64; i++)
		EXPECT(mn->key[i] == i);
	return true;
}

static bool chk_big_spi(const struct xmip6d_config *c)
{
	EXPECT(c->ha.mobile_nodes[0].spi == 4294967295u);
	EXPECT(c->ha.mobile_nodes[1].spi == 0x80000000u);
	return true;
}

static bool chk_redacted(const struct xmip6d_config *c)
{
	const struct config_mn_entry *e = &c->ha.mobile_nodes[0];
	static const __u8 zero[20];

	EXPECT(c->keys_redacted && e->key_len == 20 && !memcmp(e->key, zero, 20));
	return true;
}

static bool chk_key_length_match(const struct xmip6d_config *c)
{
	EXPECT(!c->keys_redacted && c->mn.key_len == 16 && key_is(c->mn.key, 16, K16));
	return true;
}

static bool chk_virtual(const struct xmip6d_config *c)
{
	EXPECT(c->ha.home_link[0] == '\0' && c->ha.n_interfaces == 2);
	return true;
}

static bool chk_unlisted(const struct xmip6d_config *c)
{
	const struct config_mn_entry *e = &c->ha.mobile_nodes[0];

	EXPECT(c->ha.accept_unlisted && !c->ha.require_auth);
	EXPECT(e->key_len == 0 && e->spi == 0 && e->enabled);
	return true;
}

static bool chk_uppercase(const struct xmip6d_config *c)
{
	EXPECT(addr_is(&c->mn.home_addr, "2001:db8:1::abcd"));
	EXPECT(c->mn.key_len == 16 && key_is(c->mn.key, 16, K16));
	return true;
}

static bool chk_hex_int(const struct xmip6d_config *c)
{
	EXPECT(c->ha.max_bindings == 0x1000 && c->ha.max_lifetime_s == 7200);
	return true;
}

/* Lines 1-2 of the correspondent-node cases; the next setting is on line 3. */
#define CN_BASE "correspondent-node = {\n\tinterfaces = [ \"eth0\" ];\n"

/* RFC 3963: the mobile router is the mobile node's settings plus its networks. */
static bool chk_mr(const struct xmip6d_config *c)
{
	EXPECT(c->has_mr && !c->has_mn && !c->has_ha && !c->has_cn);
	EXPECT(c->mn.n_interfaces == 1 && !strcmp(c->mn.interfaces[0], "wlan0"));
	EXPECT(c->mn.mr_mode == CONFIG_MR_EXPLICIT);
	EXPECT(c->mn.n_mr_nets == 2);
	EXPECT(!strcmp(c->mn.mr_nets[0].interface, "lan0") && c->mn.mr_nets[0].prefix.len == 64);
	EXPECT(!strcmp(c->mn.mr_nets[1].interface, "lan1") && c->mn.mr_nets[1].prefix.len == 56);
	EXPECT(c->mn.mr_nets[1].prefix.addr.s6_addr[5] == 0x51);
	return true;
}

static bool chk_mr_implicit(const struct xmip6d_config *c)
{
	EXPECT(c->has_mr && c->mn.mr_mode == CONFIG_MR_IMPLICIT && c->mn.n_mr_nets == 1);
	return true;
}

static bool chk_cn_defaults(const struct xmip6d_config *c)
{
	EXPECT(c->has_cn && !c->has_ha && !c->has_mn);
	EXPECT(c->cn.n_interfaces == 1 && !strcmp(c->cn.interfaces[0], "eth0"));
	EXPECT(c->cn.max_lifetime_s == 420);
	EXPECT(c->cn.max_bindings == XMIP6_BINDINGS_DEFAULT);
	EXPECT(c->cn.nonce_interval_s == 30 && c->cn.nonce_lifetime_s == 240);
	EXPECT(c->cn.kcn_interval_s == 3600);
	EXPECT(c->cn.refresh_request && c->cn.refresh_before_s == 30);
	EXPECT(c->cn.xdp_mode == DP_XDP_NATIVE);
	return true;
}

static bool chk_cn_full(const struct xmip6d_config *c)
{
	EXPECT(c->has_cn && c->cn.n_interfaces == 2);
	EXPECT(c->cn.max_lifetime_s == 12 && c->cn.max_bindings == 10);
	EXPECT(c->cn.nonce_interval_s == 1 && c->cn.nonce_lifetime_s == 3);
	EXPECT(c->cn.kcn_interval_s == 0 && !c->cn.refresh_request);
	EXPECT(c->cn.refresh_before_s == 6 && c->cn.xdp_mode == DP_XDP_GENERIC);
	return true;
}

/* The default refresh-before stays below a short max-lifetime: half of it. */
static bool chk_cn_short_lifetime(const struct xmip6d_config *c)
{
	EXPECT(c->cn.max_lifetime_s == 4 && c->cn.refresh_before_s == 2);
	return true;
}

static bool chk_cn_lifetime_30(const struct xmip6d_config *c)
{
	EXPECT(c->cn.max_lifetime_s == 30 && c->cn.refresh_before_s == 15);
	return true;
}

static bool chk_cn_lifetime_31(const struct xmip6d_config *c)
{
	EXPECT(c->cn.max_lifetime_s == 31 && c->cn.refresh_before_s == 30);
	return true;
}

static bool chk_ro_default(const struct xmip6d_config *c)
{
	EXPECT(c->has_mn && c->mn.ro_mode == CONFIG_RO_NONE && c->mn.n_ro_peers == 0);
	EXPECT(c->mn.ro_lifetime_s == 420);
	return true;
}

static bool chk_ro_all(const struct xmip6d_config *c)
{
	EXPECT(c->mn.ro_mode == CONFIG_RO_ALL && c->mn.ro_lifetime_s == 100);
	return true;
}

static bool chk_ro_listed(const struct xmip6d_config *c)
{
	EXPECT(c->mn.ro_mode == CONFIG_RO_LISTED && c->mn.n_ro_peers == 2);
	EXPECT(addr_is(&c->mn.ro_peers[0].addr, "2001:db8:c::") && c->mn.ro_peers[0].len == 48);
	EXPECT(addr_is(&c->mn.ro_peers[1].addr, "2001:db8:d::1") && c->mn.ro_peers[1].len == 128);
	return true;
}

static const struct tcase cases[] = {
	/* ---- good ---- */
	{"minimal home agent: every default", HA_BASE "\trequire-auth = false;\n};\n", OK, NULL,
	 NULL, chk_ha_defaults},
	{"duplicate setting name (libconfig)",
	 "log-level = \"debug\";\n"			     /* 1 */
	 "log = \"syslog\";\n"				     /* 2 */
	 "pin-dir = \"/sys/fs/bpf/other\";\n"		     /* 3 */
	 "control-socket = \"/run/other.sock\";\n"	     /* 4 */
	 HA_BASE "\tinterfaces = [ \"eth0\", \"eth1\" ];\n", /* 5-8, then 9 */
	 9, "duplicate setting name", NULL, NULL},
	{"home agent with every setting",
	 "log-level = \"debug\";\n"
	 "log = \"syslog\";\n"
	 "pin-dir = \"/sys/fs/bpf/other\";\n"
	 "control-socket = \"/run/other.sock\";\n"
	 "home-agent = {\n" /* 5 */
	 "\taddress = \"2001:db8:1::a\";\n"
	 "\thome-prefix = \"2001:db8:1::/64\";\n"
	 "\tinterfaces = [ \"eth0\", \"eth1\" ];\n"
	 "\thome-link = \"eth1\"; max-lifetime = 262140; max-bindings = 1048576;\n"
	 "\trefresh-interval = 100; dad = false; require-auth = true;\n" /* 10 */
	 "\ttimestamp-window = 30; accept-unlisted = false;\n"
	 "\tpreference = -32768;\n"
	 "\txdp-mode = \"generic\";\n"
	 "\t// C++ comment\n"
	 "\tmobile-nodes = ( /* C comment */\n" /* 15 */
	 "\t\t" MN1 ",\n"			/* 16 */
	 "\t\t{ home-address = \"2001:db8:1::ffff\"; spi = 0xffffffffL; key = \"" K20 "\";\n"
	 "\t\t  enabled = false; care-of-filter = [ \"2001:db8:20::/48\", \"::/0\" ];\n"
	 "\t\t  max-lifetime = 600; }\n"
	 "\t);\n};\n",
	 OK, NULL, NULL, chk_ha_full},
	{"minimal mobile node: every default", MN_BASE "};\n", OK, NULL, NULL, chk_mn_defaults},
	{"metrics-listen", "metrics-listen = \"[2001:db8::1]:9617\";\n" MN_BASE "};\n", OK, NULL,
	 NULL, chk_metrics_listen},
	{"mobile node with only its home prefix (DHAAD, formed home address)",
	 "mobile-node = {\n\thome-prefix = \"2001:db8:1::/64\";\n"
	 "\tinterfaces = [ \"wlan0\" ];\n};\n",
	 OK, NULL, NULL, chk_mn_prefix_only},
	{"mobile node with home-prefix and home-address, no home-agent",
	 "mobile-node = {\n\thome-prefix = \"2001:db8:1::/48\";\n"
	 "\thome-address = \"2001:db8:1::100\"; interfaces = [ \"wlan0\" ];\n};\n",
	 OK, NULL, NULL, chk_mn_prefix_and_hoa},
	{"mobile node with every setting",
	 "mobile-node = {\n"
	 "\thome-address = \"2001:db8:1::100\"; home-prefix-length = 56;\n"
	 "\thome-agent = \"2001:db8:1::a\";\n"
	 "\tinterfaces = [ \"eth0\", \"wlan0\", \"wwan0\" ];\n"
	 "\tlifetime = 262140; spi = 300; key = \"" K16 "\";\n"
	 "\tlink-local-compat = true; initial-timeout-ms = 2000; max-timeout = 64;\n"
	 "\txdp-mode = \"generic\";\n};\n",
	 OK, NULL, NULL, chk_mn_full},
	{"key-file with hex and a newline, relative to the file's directory",
	 HA_BASE "\tmobile-nodes = ( { home-address = \"2001:db8:1::100\"; spi = 256;\n"
		 "\t\tkey-file = \"hex.key\"; } );\n};\n",
	 OK, NULL, NULL, chk_key_hex_file},
	{"key-file with raw octets, absolute path",
	 HA_BASE "\tmobile-nodes = ( { home-address = \"2001:db8:1::100\"; spi = 256;\n"
		 "\t\tkey-file = \"@DIR@/raw.key\"; } );\n};\n",
	 OK, NULL, NULL, chk_key_raw_file},
	{"key-file as xxd -p writes it: 64 octets of hex on several lines",
	 MN_BASE "\tspi = 999; key-file = \"xxd.key\";\n};\n", OK, NULL, NULL, chk_key_xxd_file},
	{"SPIs above 2^31 with the L suffix",
	 HA_BASE "\tmobile-nodes = ( { home-address = \"2001:db8:1::100\"; spi = 4294967295L;\n"
		 "\t\tkey = \"" K16 "\"; },\n"
		 "\t\t{ home-address = \"2001:db8:1::101\"; spi = 2147483648L; key = \"" K16
		 "\"; } );\n};\n",
	 OK, NULL, NULL, chk_big_spi},
	{"key-length alone (config_print output) loads as a redacted key",
	 HA_BASE "\tmobile-nodes = ( { home-address = \"2001:db8:1::100\"; spi = 256;\n"
		 "\t\tkey-length = 20; } );\n};\n",
	 OK, NULL, NULL, chk_redacted},
	{"key-length matching the key",
	 MN_BASE "\tspi = 256; key = \"" K16 "\"; key-length = 16;\n};\n", OK, NULL, NULL,
	 chk_key_length_match},
	{"home-link \"\" is a virtual home network",
	 "home-agent = {\n\taddress = \"fd00:1::1\"; home-prefix = \"fd00:1::/48\";\n"
	 "\tinterfaces = [ \"ens5\", \"ens6\" ]; home-link = \"\";\n"
	 "\tmobile-nodes = ( { home-address = \"fd00:1::5:1\"; spi = 256; key = \"" K16
	 "\"; } );\n};\n",
	 OK, NULL, NULL, chk_virtual},
	{"accept-unlisted with require-auth = false, an entry without key",
	 HA_BASE "\trequire-auth = false; accept-unlisted = true;\n"
		 "\tmobile-nodes = ( { home-address = \"2001:db8:1::100\"; } );\n};\n",
	 OK, NULL, NULL, chk_unlisted},
	{"upper-case address and key, colon assignment",
	 "mobile-node: {\n\thome-address: \"2001:DB8:1::ABCD\";\n"
	 "\thome-agent = \"2001:db8:1::a\"; interfaces = [ \"wlan0\" ];\n"
	 "\tspi = 256; key = \"404142434445464748494A4B4C4D4E4F\";\n};\n",
	 OK, NULL, NULL, chk_uppercase},
	{"hexadecimal integers",
	 HA_BASE "\tmax-bindings = 0x1000; max-lifetime = 7200; require-auth = false;\n};\n", OK,
	 NULL, NULL, chk_hex_int},

	/* ---- libconfig syntax ---- */
	{"syntax error: no =", HA_BASE "\tmax-lifetime 10;\n\tdad = true;\n};\n", 5, "syntax error",
	 NULL, NULL},
	{"syntax error: unterminated group", HA_BASE "\trequire-auth = false;\n", 6, "syntax error",
	 NULL, NULL},
	{"empty file", "", 0, "no home-agent or mobile-node section", NULL, NULL},
	{"only comments", "# nothing here\n// nor here\n", 0,
	 "no home-agent or mobile-node section", NULL, NULL},

	/* ---- unknown settings ---- */
	{"unknown top-level setting, a typo", "log_level = \"info\";\n" MN_BASE "};\n", 1,
	 "log_level: unknown setting; did you mean log-level?", NULL, NULL},
	{"unknown home-agent setting, a typo", HA_BASE "\tmax-lifetme = 600;\n};\n", 5,
	 "home-agent.max-lifetme: unknown setting; did you mean max-lifetime?", NULL, NULL},
	{"unknown mobile-nodes entry setting",
	 HA_BASE "\tmobile-nodes = (\n\t\t" MN1 ",\n\t\t{ homeaddress = \"2001:db8:1::101\"; }\n"
		 "\t);\n};\n",
	 7, "home-agent.mobile-nodes[1].homeaddress: unknown setting; did you mean home-address?",
	 NULL, NULL},
	{"unknown mobile-node setting, nothing close", MN_BASE "\tcolour = \"blue\";\n};\n", 5,
	 "mobile-node.colour: unknown setting; allowed here: home-address,", NULL, NULL},
	{"correspondent-node refused", MN_BASE "};\ncorrespondent-node = { };\n", 6,
	 "correspondent-node: a file configures one role", NULL, NULL},
	{"correspondent node, defaults", CN_BASE "};\n", OK, NULL, NULL, chk_cn_defaults},

	/* ---- mobile-router (RFC 3963) ---- */
	{"mobile router, two networks, explicit by default",
	 MR_BASE
	 "\tmobile-networks = (\n\t\t{ interface = \"lan0\"; prefix = \"2001:db8:50::/64\"; },\n"
	 "\t\t{ interface = \"lan1\"; prefix = \"2001:db8:51::/56\"; }\n\t);\n};\n",
	 OK, NULL, NULL, chk_mr},
	{"mobile router, implicit", MR_BASE MR_NET "\tmode = \"implicit\";\n};\n", OK, NULL, NULL,
	 chk_mr_implicit},
	{"mobile router without mobile-networks", MR_BASE "};\n", 1,
	 "mobile-router.mobile-networks: missing; required", NULL, NULL},
	{"mobile router, mode a typo", MR_BASE MR_NET "\tmode = \"explict\";\n};\n", 6,
	 "mobile-router.mode: \"explict\" is not allowed; use one of explicit, implicit", NULL,
	 NULL},
	{"mobile router, ingress is a roaming interface",
	 MR_BASE
	 "\tmobile-networks = (\n\t\t{ interface = \"wlan0\"; prefix = \"2001:db8:50::/64\"; }\n"
	 "\t);\n};\n",
	 6, "mobile-networks[0].interface: \"wlan0\" is one of interfaces", NULL, NULL},
	{"mobile router, overlapping prefixes",
	 MR_BASE
	 "\tmobile-networks = (\n\t\t{ interface = \"lan0\"; prefix = \"2001:db8:50::/48\"; },\n"
	 "\t\t{ interface = \"lan1\"; prefix = \"2001:db8:50:7::/64\"; }\n\t);\n};\n",
	 7, "mobile-networks[1].prefix: 2001:db8:50:7::/64 overlaps mobile-networks[0]'s", NULL,
	 NULL},
	{"mobile router, prefix on the home link",
	 MR_BASE
	 "\tmobile-networks = (\n\t\t{ interface = \"lan0\"; prefix = \"2001:db8:1::/64\"; }\n"
	 "\t);\n};\n",
	 6, "mobile-networks[0].prefix: 2001:db8:1::/64 holds the home address", NULL, NULL},
	{"mobile router, prefix length 0",
	 MR_BASE
	 "\tmobile-networks = (\n\t\t{ interface = \"lan0\"; prefix = \"::/0\"; }\n\t);\n};\n",
	 6, "prefix length must be 1..128", NULL, NULL},
	{"mobile router, a network without interface",
	 MR_BASE "\tmobile-networks = (\n\t\t{ prefix = \"2001:db8:50::/64\"; }\n\t);\n};\n", 6,
	 "mobile-networks[0].interface: missing; required", NULL, NULL},
	{"mobile router and mobile node in one file", MR_BASE MR_NET "};\n" MN_BASE "};\n", 7,
	 "mobile-node: a file configures one role", NULL, NULL},
	{"correspondent node, every setting",
	 "correspondent-node = {\n\tinterfaces = [ \"eth0\", \"eth1\" ];\n"
	 "\tmax-lifetime = 12; max-bindings = 10; nonce-interval = 1; nonce-lifetime = 3;\n"
	 "\tkcn-interval = 0; refresh-request = false; refresh-before = 6;\n"
	 "\txdp-mode = \"generic\";\n};\n",
	 OK, NULL, NULL, chk_cn_full},
	{"correspondent node: max-lifetime over MAX_RR_BINDING_LIFETIME",
	 CN_BASE "\tmax-lifetime = 421;\n};\n", 3,
	 "correspondent-node.max-lifetime: 421 is out of range; allowed 4..420", NULL, NULL},
	{"correspondent node: nonce-lifetime below nonce-interval",
	 CN_BASE "\tnonce-interval = 60;\n\tnonce-lifetime = 30;\n};\n", 4,
	 "correspondent-node.nonce-lifetime: 30 is below nonce-interval (60)", NULL, NULL},
	{"correspondent node: refresh-before not below max-lifetime",
	 CN_BASE "\tmax-lifetime = 20;\n\trefresh-before = 20;\n};\n", 4,
	 "correspondent-node.refresh-before: 20 is not below max-lifetime (20)", NULL, NULL},
	{"correspondent node: max-lifetime 4, refresh-before by default half of it",
	 CN_BASE "\tmax-lifetime = 4;\n};\n", OK, NULL, NULL, chk_cn_short_lifetime},
	{"correspondent node: max-lifetime 30, refresh-before by default 15",
	 CN_BASE "\tmax-lifetime = 30;\n};\n", OK, NULL, NULL, chk_cn_lifetime_30},
	{"correspondent node: max-lifetime 31, refresh-before by default 30",
	 CN_BASE "\tmax-lifetime = 31;\n};\n", OK, NULL, NULL, chk_cn_lifetime_31},
	{"correspondent node: refresh-before given, not below a short max-lifetime",
	 CN_BASE "\tmax-lifetime = 4;\n\trefresh-before = 30;\n};\n", 4,
	 "correspondent-node.refresh-before: 30 is not below max-lifetime (4)", NULL, NULL},
	{"correspondent node: no interfaces", "correspondent-node = {\n};\n", 1,
	 "correspondent-node.interfaces: missing", NULL, NULL},
	{"correspondent node: a typo", CN_BASE "\tnonce-intervall = 3;\n};\n", 3,
	 "correspondent-node.nonce-intervall: unknown setting; did you mean nonce-interval?", NULL,
	 NULL},
	{"correspondent-node after home-agent", HA_BASE "};\n" CN_BASE "};\n", 6,
	 "correspondent-node: a file configures one role", NULL, NULL},
	{"mobile node: route optimisation off by default", MN_BASE "};\n", OK, NULL, NULL,
	 chk_ro_default},
	{"mobile node: route-optimization all",
	 MN_BASE "\troute-optimization = \"all\";\n\troute-optimization-lifetime = 100;\n};\n", OK,
	 NULL, NULL, chk_ro_all},
	{"mobile node: route-optimization list",
	 MN_BASE "\troute-optimization = [ \"2001:db8:c::/48\", \"2001:db8:d::1\" ];\n};\n", OK,
	 NULL, NULL, chk_ro_listed},
	{"mobile node: route-optimization bad word",
	 MN_BASE "\troute-optimization = \"some\";\n};\n", 5,
	 "mobile-node.route-optimization: \"some\" is not allowed", NULL, NULL},
	{"mobile node: route-optimization bad entry",
	 MN_BASE "\troute-optimization = [ \"2001:db8:c::/48\",\n\t\t\"2001:db8::zz\" ];\n};\n", 6,
	 "mobile-node.route-optimization[1]: \"2001:db8::zz/128\": 2001:db8::zz is not an IPv6 "
	 "address",
	 NULL, NULL},
	{"mobile node: route-optimization prefix with host bits",
	 MN_BASE "\troute-optimization = [ \"2001:db8:c::1/48\" ];\n};\n", 5,
	 "mobile-node.route-optimization[0]: \"2001:db8:c::1/48\" has host bits set", NULL, NULL},
	{"mobile node: route-optimization empty list", MN_BASE "\troute-optimization = [ ];\n};\n",
	 5, "mobile-node.route-optimization: 0 entries", NULL, NULL},
	{"mobile node: route-optimization-lifetime over 420",
	 MN_BASE "\troute-optimization-lifetime = 421;\n};\n", 5,
	 "mobile-node.route-optimization-lifetime: 421 is out of range; allowed 1..420", NULL,
	 NULL},
	{"home-agent and mobile-node in one file", HA_BASE "};\n" MN_BASE "};\n", 6,
	 "mobile-node: a file configures one role", NULL, NULL},

	/* ---- types ---- */
	{"wrong type: string for an integer", HA_BASE "\tmax-lifetime = \"3600\";\n};\n", 5,
	 "home-agent.max-lifetime: expected an integer, got a string", NULL, NULL},
	{"wrong type: integer for a boolean", HA_BASE "\tdad = 1;\n};\n", 5,
	 "home-agent.dad: expected true or false, got an integer", NULL, NULL},
	{"wrong type: string for interfaces",
	 "home-agent = {\n\taddress = \"2001:db8:1::a\"; home-prefix = \"2001:db8:1::/64\";\n"
	 "\tinterfaces = \"eth0\";\n};\n",
	 3, "home-agent.interfaces: expected an array", NULL, NULL},
	{"wrong type: float for a lifetime", MN_BASE "\tlifetime = 1.5;\n};\n", 5,
	 "mobile-node.lifetime: expected an integer, got a floating-point number", NULL, NULL},
	{"wrong type: home-agent not a group", "home-agent = \"2001:db8:1::a\";\n", 1,
	 "home-agent: expected a group", NULL, NULL},
	{"wrong type: mobile-nodes a group", HA_BASE "\tmobile-nodes = " MN1 ";\n};\n", 5,
	 "home-agent.mobile-nodes: expected a list", NULL, NULL},
	{"wrong type: a string in mobile-nodes", HA_BASE "\tmobile-nodes = ( \"x\" );\n};\n", 5,
	 "home-agent.mobile-nodes[0]: expected a group", NULL, NULL},
	{"duplicate setting name inside a group", MN_BASE "\tinterfaces = [ 1 ];\n};\n", 5,
	 "duplicate setting name", NULL, NULL},
	{"wrong type: integer in interfaces",
	 "mobile-node = {\n\thome-address = \"2001:db8:1::100\"; home-agent = \"2001:db8:1::a\";\n"
	 "\tinterfaces = ( \"eth0\", 7 );\n};\n",
	 3, "mobile-node.interfaces[1]: expected a string, got an integer", NULL, NULL},

	/* ---- addresses and prefixes ---- */
	{"address not IPv6",
	 "home-agent = {\n\taddress = \"2001:db8::g\";\n\thome-prefix = \"2001:db8:1::/64\";\n"
	 "\tinterfaces = [ \"eth0\" ];\n};\n",
	 2, "home-agent.address: \"2001:db8::g\" is not an IPv6 address", NULL, NULL},
	{"address IPv4", "mobile-node = {\n\thome-address = \"192.0.2.1\";\n};\n", 2,
	 "is not an IPv6 address", NULL, NULL},
	{"address multicast", "home-agent = {\n\taddress = \"ff02::1\";\n};\n", 2,
	 "ff02::1 is multicast", NULL, NULL},
	{"address loopback", "mobile-node = {\n\thome-address = \"::1\";\n};\n", 2,
	 "::1 is loopback", NULL, NULL},
	{"address unspecified",
	 "mobile-node = {\n\thome-address = \"2001:db8:1::100\";\n\thome-agent = \"::\";\n};\n", 3,
	 "mobile-node.home-agent: :: is unspecified", NULL, NULL},
	{"address link-local", "home-agent = {\n\taddress = \"fe80::1\";\n};\n", 2,
	 "fe80::1 is link-local; use a global or unique-local unicast address", NULL, NULL},
	{"address IPv4-mapped", "mobile-node = {\n\thome-address = \"::ffff:192.0.2.1\";\n};\n", 2,
	 "is IPv4-mapped", NULL, NULL},
	{"required address missing", "home-agent = {\n\thome-prefix = \"2001:db8:1::/64\";\n};\n",
	 1, "home-agent.address: missing; required", NULL, NULL},
	{"home-prefix with host bits set",
	 "home-agent = {\n\taddress = \"2001:db8:1::a\";\n\thome-prefix = "
	 "\"2001:db8:1::1/64\";\n};\n",
	 3, "\"2001:db8:1::1/64\" has host bits set; the prefix is 2001:db8:1::/64", NULL, NULL},
	{"home-prefix length 129",
	 "home-agent = {\n\taddress = \"2001:db8:1::a\";\n\thome-prefix = "
	 "\"2001:db8:1::/129\";\n};\n",
	 3, "prefix length must be 1..128", NULL, NULL},
	{"home-prefix length 0",
	 "home-agent = {\n\taddress = \"2001:db8:1::a\";\n\thome-prefix = \"::/0\";\n};\n", 3,
	 "prefix length must be 1..128", NULL, NULL},
	{"home-prefix without length",
	 "home-agent = {\n\taddress = \"2001:db8:1::a\";\n\thome-prefix = \"2001:db8:1::\";\n};\n",
	 3, "is not a prefix; write ADDRESS/LENGTH", NULL, NULL},
	{"home-prefix length with garbage",
	 "home-agent = {\n\taddress = \"2001:db8:1::a\";\n\thome-prefix = "
	 "\"2001:db8:1::/64x\";\n};\n",
	 3, "prefix length must be 1..128", NULL, NULL},
	{"home-prefix multicast",
	 "home-agent = {\n\taddress = \"2001:db8:1::a\";\n\thome-prefix = \"ff00::/8\";\n};\n", 3,
	 "not a unicast prefix", NULL, NULL},
	{"care-of-filter with host bits set",
	 HA_BASE "\tmobile-nodes = ( { home-address = \"2001:db8:1::100\"; spi = 256;\n"
		 "\t\tkey = \"" K16 "\"; care-of-filter = [ \"2001:db8:20::1/48\" ]; } );\n};\n",
	 6, "mobile-nodes[0].care-of-filter[0]: \"2001:db8:20::1/48\" has host bits set", NULL,
	 NULL},
	{"more than 8 care-of filters",
	 HA_BASE "\tmobile-nodes = ( { home-address = \"2001:db8:1::100\"; spi = 256;\n"
		 "\t\tkey = \"" K16 "\";\n\t\tcare-of-filter = [ \"::/0\", \"::/0\", \"::/0\", "
		 "\"::/0\", \"::/0\", \"::/0\", \"::/0\", \"::/0\", \"::/0\" ]; } );\n};\n",
	 7, "9 prefixes; at most 8", NULL, NULL},
	{"home-address outside home-prefix",
	 HA_BASE "\tmobile-nodes = (\n\t\t{ home-address = \"2001:db8:2::100\"; }\n\t);\n};\n", 6,
	 "2001:db8:2::100 is outside home-prefix 2001:db8:1::/64", NULL, NULL},
	{"home-address equal to the home agent address",
	 HA_BASE "\tmobile-nodes = (\n\t\t{ home-address = \"2001:db8:1::a\"; }\n\t);\n};\n", 6,
	 "is the home agent's own address", NULL, NULL},
	{"home-address is the Subnet-Router anycast address",
	 HA_BASE "\tmobile-nodes = (\n\t\t{ home-address = \"2001:db8:1::\"; }\n\t);\n};\n", 6,
	 "Subnet-Router anycast", NULL, NULL},
	{"duplicate home-address",
	 HA_BASE "\tmobile-nodes = (\n\t\t" MN1 ",\n\t\t" MN2 ",\n"
		 "\t\t{ home-address = \"2001:db8:1::100\"; spi = 258; key = \"" K16 "\"; }\n"
		 "\t);\n};\n",
	 8,
	 "mobile-nodes[2].home-address: duplicate: 2001:db8:1::100 is also mobile-nodes[0] (line "
	 "6)",
	 NULL, NULL},
	{"duplicate SPI",
	 HA_BASE "\tmobile-nodes = (\n\t\t" MN1 ",\n"
		 "\t\t{ home-address = \"2001:db8:1::101\";\n\t\t  spi = 256; key = \"" K20
		 "\"; }\n"
		 "\t);\n};\n",
	 8, "mobile-nodes[1].spi: duplicate: SPI 256 is also used by mobile-nodes[0] (line 6)",
	 NULL, NULL},
	{"mobile-node home-agent equal to home-address",
	 "mobile-node = {\n\thome-address = \"2001:db8:1::100\";\n"
	 "\thome-agent = \"2001:db8:1::100\";\n\tinterfaces = [ \"wlan0\" ];\n};\n",
	 3, "is our own home-address", NULL, NULL},

	/* ---- SPI and keys ---- */
	{"SPI 255 is reserved",
	 HA_BASE "\tmobile-nodes = ( { home-address = \"2001:db8:1::100\";\n"
		 "\t\tspi = 255; key = \"" K16 "\"; } );\n};\n",
	 6, "spi: 255 is out of range; allowed 256..4294967295 (RFC 4285 reserves SPIs 0-255)",
	 NULL, NULL},
	{"SPI above 2^31 without L is caught, not wrapped",
	 MN_BASE "\tkey = \"" K16 "\";\n\tspi = 3000000000;\n};\n", 6,
	 "mobile-node.spi: 3000000000 does not fit in 32 bits", NULL, NULL},
	{"max-bindings 2^32+1 without L is caught, not wrapped to 1",
	 HA_BASE "\trequire-auth = false;\n\tmax-bindings = 4294967297;\n};\n", 6,
	 "4294967297 does not fit in 32 bits", NULL, NULL},
	/* Several entries on one line: the literal quoted is the setting's own
	 * (issue 18; the line's first "spi =" was taken before). */
	{"entries on one line: the second's SPI wraps, and is the one named",
	 HA_BASE "\tmobile-nodes = ( { home-address = \"2001:db8:1::100\"; spi = 300; key = \"" K16
		 "\"; }, { home-address = \"2001:db8:1::101\"; spi = 3000000000; key = \"" K16
		 "\"; } );\n};\n",
	 5, "home-agent.mobile-nodes[1].spi: 3000000000 does not fit in 32 bits", NULL, NULL},
	{"entries on one line: the first's SPI wraps to the second's",
	 HA_BASE "\tmobile-nodes = ( { home-address = \"2001:db8:1::100\"; spi = 4294967596; key = "
		 "\"" K16 "\"; }, { home-address = \"2001:db8:1::101\"; spi = 300; key = \"" K16
		 "\"; } );\n};\n",
	 5,
	 "home-agent.mobile-nodes[0].spi: 4294967596 does not fit in 32 bits (libconfig reads it "
	 "as 300)",
	 NULL, NULL},
	{"one line: a literal in a comment is nobody's; the home agent's own max-lifetime wraps",
	 HA_BASE "\tmobile-nodes = ( { home-address = \"2001:db8:1::100\"; /* spi = 5000000000; */ "
		 "spi = 300; key = \"" K16
		 "\"; max-lifetime = 100; } ); max-lifetime = 4294967396;\n};\n",
	 5,
	 "home-agent.max-lifetime: 4294967396 does not fit in 32 bits (libconfig reads it as 100)",
	 NULL, NULL},
	{"SPI 2^32 with L", MN_BASE "\tkey = \"" K16 "\"; spi = 4294967296L;\n};\n", 5,
	 "4294967296 is out of range", NULL, NULL},
	{"key not hex", MN_BASE "\tspi = 256;\n\tkey = \"40414243444546474849zz4b4c4d4e4f\";\n};\n",
	 6, "mobile-node.key: character 21 is not a hex digit", "zz", NULL},
	{"key with an odd number of digits", MN_BASE "\tspi = 256; key = \"" K16 "0\";\n};\n", 5,
	 "odd number of hex digits (33)", K16, NULL},
	{"key of 15 octets", MN_BASE "\tspi = 256; key = \"404142434445464748494a4b4c4d4e\";\n};\n",
	 5, "15 octets of hex is too short; RFC 4285 MN-HA keys are at least 16",
	 "404142434445464748494a4b4c4d4e", NULL},
	{"key of 65 octets", MN_BASE "\tspi = 256; key = \"" K16 K16 K16 K16 "00\";\n};\n", 5,
	 "65 octets of hex is too long; at most 64", K16, NULL},
	{"key and key-file both",
	 MN_BASE "\tspi = 256; key = \"" K16 "\";\n\tkey-file = \"hex.key\";\n};\n", 6,
	 "mobile-node.key-file: give key or key-file, not both", NULL, NULL},
	{"no key although require-auth",
	 HA_BASE "\tmobile-nodes = (\n\t\t{ home-address = \"2001:db8:1::100\"; }\n\t);\n};\n", 6,
	 "home-agent.mobile-nodes[0].key: missing; required (key or key-file: home-agent "
	 "require-auth is true)",
	 NULL, NULL},
	{"key without spi", MN_BASE "\tkey = \"" K16 "\";\n};\n", 1,
	 "mobile-node.spi: missing; required", NULL, NULL},
	{"spi without key", MN_BASE "\tspi = 256;\n};\n", 5,
	 "mobile-node.spi: an SPI without a key", NULL, NULL},
	{"key-file missing", MN_BASE "\tspi = 256;\n\tkey-file = \"nonexistent.key\";\n};\n", 6,
	 "nonexistent.key: No such file or directory", NULL, NULL},
	{"key-file a directory", MN_BASE "\tspi = 256; key-file = \"@DIR@\";\n};\n", 5,
	 "Is a directory", NULL, NULL},
	{"key-file of 8 raw octets", MN_BASE "\tspi = 256; key-file = \"short.key\";\n};\n", 5,
	 "short.key: 8 octets is too short", NULL, NULL},
	{"key-file of 5000 octets", MN_BASE "\tspi = 256; key-file = \"big.key\";\n};\n", 5,
	 "larger than 4096 octets", NULL, NULL},
	{"key-file a FIFO (must not block)", MN_BASE "\tspi = 256; key-file = \"fifo.key\";\n};\n",
	 5, "fifo.key: not a regular file", NULL, NULL},
	{"key-length different from the key",
	 MN_BASE "\tspi = 256; key = \"" K16 "\";\n\tkey-length = 20;\n};\n", 6,
	 "mobile-node.key-length: 20, but the key has 16 octets", NULL, NULL},
	{"key-length alone below 16", MN_BASE "\tspi = 256; key-length = 8;\n};\n", 5,
	 "8 is out of range; allowed 16..64", NULL, NULL},

	/* ---- ranges ---- */
	{"max-lifetime 0", HA_BASE "\tmax-lifetime = 0;\n};\n", 5,
	 "home-agent.max-lifetime: 0 is out of range; allowed 1..262140", NULL, NULL},
	{"max-lifetime 262141", HA_BASE "\tmax-lifetime = 262141;\n};\n", 5,
	 "262141 is out of range; allowed 1..262140", NULL, NULL},
	{"mobile-node lifetime 0", MN_BASE "\tlifetime = 0;\n};\n", 5,
	 "mobile-node.lifetime: 0 is out of range", NULL, NULL},
	{"max-bindings 0", HA_BASE "\tmax-bindings = 0;\n};\n", 5,
	 "0 is out of range; allowed 1..1048576", NULL, NULL},
	{"max-bindings 1048577", HA_BASE "\tmax-bindings = 1048577;\n};\n", 5,
	 "1048577 is out of range; allowed 1..1048576", NULL, NULL},
	{"negative timestamp-window", HA_BASE "\ttimestamp-window = -7;\n};\n", 5,
	 "-7 is out of range; allowed 1..3600", NULL, NULL},
	{"preference 32768", HA_BASE "\tpreference = 32768;\n};\n", 5,
	 "32768 is out of range; allowed -32768..32767", NULL, NULL},
	{"refresh-interval not below max-lifetime",
	 HA_BASE "\tmax-lifetime = 600;\n\trefresh-interval = 600;\n};\n", 6,
	 "refresh-interval: 600 is not below max-lifetime (600)", NULL, NULL},
	{"entry max-lifetime above the home agent's",
	 HA_BASE "\tmax-lifetime = 600;\n\tmobile-nodes = (\n"
		 "\t\t{ home-address = \"2001:db8:1::100\"; spi = 256; key = \"" K16 "\";\n"
		 "\t\t  max-lifetime = 601; }\n\t);\n};\n",
	 8, "mobile-nodes[0].max-lifetime: 601 is out of range; allowed 1..600", NULL, NULL},
	{"entry max-lifetime 0",
	 HA_BASE "\tmobile-nodes = (\n"
		 "\t\t{ home-address = \"2001:db8:1::100\"; spi = 256; key = \"" K16 "\";\n"
		 "\t\t  max-lifetime = 0; }\n\t);\n};\n",
	 7, "0 is out of range; allowed 1..3600", NULL, NULL},
	{"home-prefix-length 0", MN_BASE "\thome-prefix-length = 0;\n};\n", 5,
	 "home-prefix-length: 0 is out of range; allowed 1..128", NULL, NULL},
	{"home-prefix-length 129", MN_BASE "\thome-prefix-length = 129;\n};\n", 5, "allowed 1..128",
	 NULL, NULL},
	{"initial-timeout-ms above max-timeout",
	 MN_BASE "\tmax-timeout = 2;\n\tinitial-timeout-ms = 2500;\n};\n", 6,
	 "initial-timeout-ms: 2500 ms exceeds max-timeout (2 s)", NULL, NULL},
	{"accept-unlisted with require-auth", HA_BASE "\taccept-unlisted = true;\n};\n", 5,
	 "accept-unlisted: true needs require-auth = false", NULL, NULL},

	/* ---- interfaces ---- */
	{"interface name of 16 characters",
	 "mobile-node = {\n\thome-address = \"2001:db8:1::100\"; home-agent = \"2001:db8:1::a\";\n"
	 "\tinterfaces = [ \"eth0\", \"abcdefghijklmnop\" ];\n};\n",
	 3, "interfaces[1]: \"abcdefghijklmnop\" is not an interface name; 1..15 characters", NULL,
	 NULL},
	{"interface name with a slash",
	 "mobile-node = {\n\thome-address = \"2001:db8:1::100\"; home-agent = \"2001:db8:1::a\";\n"
	 "\tinterfaces = [ \"eth/0\" ];\n};\n",
	 3, "no /, : or spaces", NULL, NULL},
	{"nine interfaces",
	 "mobile-node = {\n\thome-address = \"2001:db8:1::100\"; home-agent = \"2001:db8:1::a\";\n"
	 "\tinterfaces = [ \"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\", \"h\", \"i\" ];\n};\n",
	 3, "9 interfaces; give 1..8", NULL, NULL},
	{"no interfaces",
	 "mobile-node = {\n\thome-address = \"2001:db8:1::100\"; home-agent = \"2001:db8:1::a\";\n"
	 "\tinterfaces = [ ];\n};\n",
	 3, "0 interfaces; give 1..8", NULL, NULL},
	{"interface twice",
	 "mobile-node = {\n\thome-address = \"2001:db8:1::100\"; home-agent = \"2001:db8:1::a\";\n"
	 "\tinterfaces = [ \"eth0\", \"eth0\" ];\n};\n",
	 3, "interfaces[1]: \"eth0\" is listed twice", NULL, NULL},
	{"neither home-address nor home-prefix",
	 "mobile-node = {\n\thome-agent = \"2001:db8:1::a\";\n\tinterfaces = [ \"wlan0\" ];\n};\n",
	 1, "mobile-node.home-address: missing; required (or home-prefix", NULL, NULL},
	{"home-address outside home-prefix",
	 "mobile-node = {\n\thome-prefix = \"2001:db8:1::/64\";\n"
	 "\thome-address = \"2001:db8:2::100\";\n\tinterfaces = [ \"wlan0\" ];\n};\n",
	 3, "mobile-node.home-address: 2001:db8:2::100 is not in home-prefix", NULL, NULL},
	{"home-prefix with home-prefix-length",
	 "mobile-node = {\n\thome-prefix = \"2001:db8:1::/64\";\n"
	 "\thome-prefix-length = 64;\n\tinterfaces = [ \"wlan0\" ];\n};\n",
	 3, "mobile-node.home-prefix-length: not with home-prefix", NULL, NULL},
	{"home-prefix too long to form a home address",
	 "mobile-node = {\n\thome-prefix = \"2001:db8:1::/80\";\n"
	 "\tinterfaces = [ \"wlan0\" ];\n};\n",
	 2, "mobile-node.home-prefix: /80 leaves no room for a 64-bit interface identifier", NULL,
	 NULL},
	{"home-prefix host bits set",
	 "mobile-node = {\n\thome-prefix = \"2001:db8:1::1/64\";\n"
	 "\tinterfaces = [ \"wlan0\" ];\n};\n",
	 2, "has host bits set", NULL, NULL},
	{"interfaces missing",
	 "mobile-node = {\n\thome-address = \"2001:db8:1::100\"; home-agent = "
	 "\"2001:db8:1::a\";\n};\n",
	 1, "mobile-node.interfaces: missing; required", NULL, NULL},
	{"home-link not among interfaces", HA_BASE "\thome-link = \"eth1\";\n};\n", 5,
	 "home-link: \"eth1\" is not one of interfaces", NULL, NULL},

	/* ---- top level ---- */
	{"bad xdp-mode", MN_BASE "\txdp-mode = \"fast\";\n};\n", 5,
	 "mobile-node.xdp-mode: \"fast\" is not allowed; use one of native, generic", NULL, NULL},
	{"bad log-level", "log-level = \"verbose\";\n" MN_BASE "};\n", 1,
	 "log-level: \"verbose\" is not allowed; use one of err, warning, notice, info, debug",
	 NULL, NULL},
	{"bad log", "log = \"file\";\n" MN_BASE "};\n", 1,
	 "log: \"file\" is not allowed; use one of stderr, syslog", NULL, NULL},
	{"relative pin-dir", "pin-dir = \"xmip6\";\n" MN_BASE "};\n", 1,
	 "pin-dir: \"xmip6\" is not an absolute path", NULL, NULL},
	{"control-socket longer than sun_path",
	 "control-socket = \"/run/"
	 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	 "aaaaaaaaaaaaaaa"
	 "\";\n" MN_BASE "};\n",
	 1, "control-socket: 109 characters is too long; at most 107", NULL, NULL},
	{"metrics-listen without brackets", "metrics-listen = \"::1:9617\";\n" MN_BASE "};\n", 1,
	 "metrics-listen: \"::1:9617\" is not \"[ADDRESS]:PORT\"", NULL, NULL},
	{"metrics-listen without a port", "metrics-listen = \"[::1]\";\n" MN_BASE "};\n", 1,
	 "metrics-listen: \"[::1]\" is not \"[ADDRESS]:PORT\"", NULL, NULL},
	{"metrics-listen port 0", "metrics-listen = \"[::1]:0\";\n" MN_BASE "};\n", 1,
	 "metrics-listen: port \"0\" is not 1..65535", NULL, NULL},
	{"metrics-listen port 65536", "metrics-listen = \"[::1]:65536\";\n" MN_BASE "};\n", 1,
	 "metrics-listen: port \"65536\" is not 1..65535", NULL, NULL},
	{"metrics-listen with a scope",
	 "metrics-listen = \"[fe80::1%eth0]:9617\";\n" MN_BASE "};\n", 1,
	 "metrics-listen: \"fe80::1%eth0\" is not an IPv6 address", NULL, NULL},
	{"metrics-listen not a string", "metrics-listen = 9617;\n" MN_BASE "};\n", 1,
	 "metrics-listen", NULL, NULL},
};

/* ---- round trip -------------------------------------------------------- */

#define SAME(field)                                                    \
	do {                                                           \
		if (memcmp(&a->field, &b->field, sizeof(a->field))) {  \
			printf("#   round trip changed %s\n", #field); \
			return false;                                  \
		}                                                      \
	} while (0)

static bool str_same(const char *what, const char *x, const char *y)
{
	if ((!x && !y) || (x && y && !strcmp(x, y)))
		return true;
	printf("#   round trip changed %s: %s -> %s\n", what, x ? x : "(null)", y ? y : "(null)");
	return false;
}

/* @b was loaded from config_print(@a): equal but for lines and key octets
 * (which come back only from a key-file). */
static bool entry_same(const struct config_mn_entry *a, const struct config_mn_entry *b)
{
	SAME(home_addr);
	SAME(enabled);
	SAME(spi);
	SAME(key_len);
	SAME(n_coa_filter);
	SAME(max_lifetime_s);
	if (a->n_coa_filter &&
	    memcmp(a->coa_filter, b->coa_filter, a->n_coa_filter * sizeof(a->coa_filter[0])))
		return false;
	if (a->key_file && memcmp(a->key, b->key, a->key_len))
		return false;
	return str_same("key_file", a->key_file, b->key_file);
}

static bool config_same(const struct xmip6d_config *a, const struct xmip6d_config *b)
{
	int i;

	SAME(log_level);
	SAME(log_syslog);
	SAME(metrics_listen);
	SAME(has_ha);
	SAME(has_mn);
	SAME(has_cn);
	if (!str_same("pin_dir", a->pin_dir, b->pin_dir) ||
	    !str_same("control_socket", a->control_socket, b->control_socket))
		return false;
	if (a->has_ha) {
		SAME(ha.address);
		SAME(ha.home_prefix);
		SAME(ha.interfaces);
		SAME(ha.n_interfaces);
		SAME(ha.home_link);
		SAME(ha.max_lifetime_s);
		SAME(ha.max_bindings);
		SAME(ha.refresh_interval_s);
		SAME(ha.dad);
		SAME(ha.require_auth);
		SAME(ha.timestamp_window_s);
		SAME(ha.accept_unlisted);
		SAME(ha.preference);
		SAME(ha.n_mobile_nodes);
		SAME(ha.xdp_mode);
		for (i = 0; i < a->ha.n_mobile_nodes; i++)
			if (!entry_same(&a->ha.mobile_nodes[i], &b->ha.mobile_nodes[i]))
				return false;
	}
	if (a->has_mn) {
		SAME(mn.home_addr);
		SAME(mn.home_prefix_len);
		SAME(mn.home_agent);
		SAME(mn.interfaces);
		SAME(mn.n_interfaces);
		SAME(mn.lifetime_s);
		SAME(mn.spi);
		SAME(mn.key_len);
		SAME(mn.link_local_compat);
		SAME(mn.initial_timeout_ms);
		SAME(mn.max_timeout_s);
		SAME(mn.xdp_mode);
		if (!str_same("mn.key_file", a->mn.key_file, b->mn.key_file))
			return false;
		if (a->mn.key_file && memcmp(a->mn.key, b->mn.key, a->mn.key_len))
			return false;
		SAME(mn.ro_mode);
		SAME(mn.n_ro_peers);
		SAME(mn.ro_peers);
		SAME(mn.ro_lifetime_s);
	}
	if (a->has_cn) {
		SAME(cn.interfaces);
		SAME(cn.n_interfaces);
		SAME(cn.max_lifetime_s);
		SAME(cn.max_bindings);
		SAME(cn.nonce_interval_s);
		SAME(cn.nonce_lifetime_s);
		SAME(cn.kcn_interval_s);
		SAME(cn.refresh_request);
		SAME(cn.refresh_before_s);
		SAME(cn.xdp_mode);
	}
	return true;
}

static bool has_inline_key(const struct xmip6d_config *c)
{
	int i;

	for (i = 0; i < c->ha.n_mobile_nodes; i++)
		if (c->ha.mobile_nodes[i].key_len && !c->ha.mobile_nodes[i].key_file)
			return true;
	return c->mn.key_len && !c->mn.key_file;
}

static char *print_to_string(const struct xmip6d_config *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		exit(2);
	config_print(f, cfg);
	fclose(f);
	return buf;
}

/* config_print -> config_load gives the same settings, and printing that
 * again gives the same text. */
static void round_trip(const char *desc, const struct xmip6d_config *cfg)
{
	struct xmip6d_config again;
	char path[PATH_MAX], err[512], *text = print_to_string(cfg), *text2;
	bool ok;
	int ret;

	write_file("printed.conf", text, strlen(text), 0600);
	snprintf(path, sizeof(path), "%s/printed.conf", tmpdir);
	ret = config_load(path, &again, err, sizeof(err));
	if (ret) {
		check(false, "round trip: %s", desc);
		printf("#   %s\n", err);
		free(text);
		return;
	}
	text2 = print_to_string(&again);
	ok = config_same(cfg, &again) && !strcmp(text, text2) &&
	     again.keys_redacted == (cfg->keys_redacted || has_inline_key(cfg)) &&
	     !strstr(text, K16) && !strstr(text, K20);
	if (!check(ok, "round trip: %s", desc))
		printf("# printed:\n%s# printed again:\n%s", text, text2);
	config_free(&again);
	free(text);
	free(text2);
}

/* ---- runner ------------------------------------------------------------ */

static void run_case(const struct tcase *t)
{
	struct xmip6d_config cfg;
	char path[PATH_MAX], err[512], prefix[PATH_MAX + 16];
	static const struct xmip6d_config zero;
	int ret;
	bool ok;

	write_conf("case.conf", t->text);
	snprintf(path, sizeof(path), "%s/case.conf", tmpdir);
	memset(&cfg, 0x5a, sizeof(cfg));
	ret = config_load(path, &cfg, err, sizeof(err));

	if (t->line == OK) {
		ok = ret == 0 && (!t->check || t->check(&cfg));
		if (!check(ok, "%s", t->desc)) {
			if (ret)
				printf("#   unexpected error %d: %s\n", ret, err);
		} else {
			round_trip(t->desc, &cfg);
		}
		if (!ret)
			config_free(&cfg);
		return;
	}

	if (t->line)
		snprintf(prefix, sizeof(prefix), "%s:%d: ", path, t->line);
	else
		snprintf(prefix, sizeof(prefix), "%s: ", path);
	ok = ret == -EINVAL && !strncmp(err, prefix, strlen(prefix)) && strstr(err, t->err) &&
	     !strchr(err, '\n') && !memcmp(&cfg, &zero, sizeof(cfg)) &&
	     (!t->not_in_err || !strstr(err, t->not_in_err));
	if (getenv("CONFIG_UNIT_VERBOSE"))
		printf("#   %s\n", err);
	if (!check(ok, "refused: %s", t->desc)) {
		printf("#   got %d: %s\n", ret, err);
		printf("#   want -22: %s...%s\n", prefix, t->err);
	}
	if (!ret)
		config_free(&cfg);
}

static void make_key_files(void)
{
	static const char hex[] = K20 "\n";
	char raw[32], xxd[200], big[5000], fifo[PATH_MAX];
	int i, n = 0;

	write_file("hex.key", hex, strlen(hex), 0600);
	for (i = 0; i < 32; i++)
		raw[i] = (char)(0xf0 + i * 7);
	write_file("raw.key", raw, sizeof(raw), 0600);
	for (i = 0; i < 64; i++) /* 30 octets a line, as xxd -p */
		n += sprintf(xxd + n, "%02x%s", i, (i % 30 == 29 || i == 63) ? "\n" : "");
	write_file("xxd.key", xxd, n, 0600);
	write_file("short.key", "\x01\x02\x03\x04\x05\x06\x07\xff", 8, 0600);
	memset(big, 'z', sizeof(big));
	write_file("big.key", big, sizeof(big), 0600);
	snprintf(fifo, sizeof(fifo), "%s/fifo.key", tmpdir);
	if (mkfifo(fifo, 0600)) {
		perror(fifo);
		exit(2);
	}
}

/* docs/examples/NAME loads, and round-trips. */
/* @src into the temporary directory as @name, mode 0600. */
static void copy_0600(const char *src, const char *name)
{
	char buf[16384];
	size_t n;
	FILE *f = fopen(src, "r");

	if (!f) {
		perror(src);
		exit(2);
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	write_file(name, buf, n, 0600);
}

static void example(const char *repo, const char *name, bool ha, int n_mn)
{
	struct xmip6d_config cfg;
	char path[PATH_MAX], err[512];
	int ret;

	/* git checks the examples out world-readable; they hold keys, so they
	 * are installed 0600 (perms.c refuses them otherwise): copied so. */
	snprintf(path, sizeof(path), "%s/docs/examples/%s", repo, name);
	copy_0600(path, name);
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	ret = config_load(path, &cfg, err, sizeof(err));
	if (!check(ret == 0 && cfg.has_ha == ha &&
			   cfg.has_mn == (!ha && !cfg.has_cn && !cfg.has_mr) &&
			   cfg.ha.n_mobile_nodes == n_mn && !cfg.keys_redacted,
		   "docs/examples/%s loads", name)) {
		printf("#   %d: %s\n", ret, err);
		if (!ret)
			config_free(&cfg);
		return;
	}
	round_trip(name, &cfg);
	config_free(&cfg);
}

static void test_api(void)
{
	struct config_prefix p48 = {.len = 48}, p0 = {.len = 0}, p128 = {.len = 128},
			     p61 = {.len = 61};
	struct xmip6d_config cfg;
	struct in6_addr a, b;
	char err[512];
	int ret;

	inet_pton(AF_INET6, "2001:db8:20::", &p48.addr);
	inet_pton(AF_INET6, "2001:db8::1", &p128.addr);
	inet_pton(AF_INET6, "2001:db8:0:8::", &p61.addr);
	inet_pton(AF_INET6, "2001:db8:20:ffff::1", &a);
	inet_pton(AF_INET6, "2001:db8:21::1", &b);
	check(config_prefix_match(&p48, &a) && !config_prefix_match(&p48, &b),
	      "config_prefix_match: /48 inside and outside");
	check(config_prefix_match(&p0, &a) && config_prefix_match(&p0, &b),
	      "config_prefix_match: /0");
	inet_pton(AF_INET6, "2001:db8::1", &a);
	inet_pton(AF_INET6, "2001:db8::2", &b);
	check(config_prefix_match(&p128, &a) && !config_prefix_match(&p128, &b),
	      "config_prefix_match: /128");
	inet_pton(AF_INET6, "2001:db8:0:f::1", &a);
	inet_pton(AF_INET6, "2001:db8:0:10::1", &b);
	check(config_prefix_match(&p61, &a) && !config_prefix_match(&p61, &b),
	      "config_prefix_match: /61 (not on an octet boundary)");

	memset(&cfg, 0x5a, sizeof(cfg));
	ret = config_load("/nonexistent/xmip6d.conf", &cfg, err, sizeof(err));
	check(ret == -ENOENT && !strcmp(err, "/nonexistent/xmip6d.conf: No such file or directory"),
	      "missing file: -ENOENT and \"PATH: strerror\"");
	ret = config_load(tmpdir, &cfg, err, sizeof(err));
	check(ret == -EISDIR, "a directory: -EISDIR");
}

static void test_find_mn(void)
{
	struct xmip6d_config cfg;
	char path[PATH_MAX], err[512];
	struct in6_addr a;
	int ret;

	write_conf("find.conf",
		   HA_BASE "\tmobile-nodes = (\n\t\t" MN1 ",\n\t\t" MN2 "\n\t);\n};\n");
	snprintf(path, sizeof(path), "%s/find.conf", tmpdir);
	ret = config_load(path, &cfg, err, sizeof(err));
	if (!check(ret == 0, "find.conf loads")) {
		printf("#   %s\n", err);
		return;
	}
	inet_pton(AF_INET6, "2001:db8:1::101", &a);
	check(config_find_mn(&cfg.ha, &a) == &cfg.ha.mobile_nodes[1] &&
		      cfg.ha.mobile_nodes[1].line == 7 && cfg.ha.mobile_nodes[1].spi == 257,
	      "config_find_mn finds the second entry (line 7, SPI 257)");
	inet_pton(AF_INET6, "2001:db8:1::102", &a);
	check(!config_find_mn(&cfg.ha, &a), "config_find_mn: unknown home address -> NULL");
	config_free(&cfg);
	check(cfg.ha.mobile_nodes == NULL && cfg.pin_dir == NULL, "config_free clears the struct");
}

/* Past a few dozen entries config_find_mn() uses an index: every entry is
 * still found, as itself, and nothing else is. */
static void test_find_mn_many(void)
{
	enum { N = 500 };
	static char text[N * 96 + 512];
	struct xmip6d_config cfg;
	char path[PATH_MAX], err[512], addr[64];
	struct in6_addr a;
	int i, len, found = 0, wrong = 0;

	len = snprintf(text, sizeof(text), HA_BASE "\tmobile-nodes = (\n");
	for (i = 0; i < N; i++)
		len += snprintf(text + len, sizeof(text) - len,
				"\t\t{ home-address = \"2001:db8:1::%x:%x\"; spi = %d; key = \"" K16
				"\"; }%s\n",
				i / 7, i + 1, 256 + i, i == N - 1 ? "" : ",");
	snprintf(text + len, sizeof(text) - len, "\t);\n};\n");
	write_file("many.conf", text, strlen(text), 0600);
	snprintf(path, sizeof(path), "%s/many.conf", tmpdir);
	if (!check(config_load(path, &cfg, err, sizeof(err)) == 0, "500 mobile nodes load")) {
		printf("#   %s\n", err);
		return;
	}
	for (i = 0; i < N; i++) {
		const struct config_mn_entry *e;

		snprintf(addr, sizeof(addr), "2001:db8:1::%x:%x", i / 7, i + 1);
		inet_pton(AF_INET6, addr, &a);
		e = config_find_mn(&cfg.ha, &a);
		if (e && IN6_ARE_ADDR_EQUAL(&e->home_addr, &a) && e->spi == (__u32)(256 + i))
			found++;
		snprintf(addr, sizeof(addr), "2001:db8:1::%x:%x", i / 7 + 1000, i);
		inet_pton(AF_INET6, addr, &a);
		if (config_find_mn(&cfg.ha, &a))
			wrong++;
	}
	check(found == N && wrong == 0, "config_find_mn over 500 entries: each found, no stranger");
	if (found != N || wrong)
		printf("#   found %d of %d, %d strangers matched\n", found, N, wrong);
	config_free(&cfg);
}

/*
 * The schema itself: a name twice in one section would be parsed twice and
 * documented twice; a default outside its own range would be printed by
 * --check as a value the loader refuses (a row whose default is not its
 * own says so in doc_default: spi, required with a key).
 */
static void test_schema(void)
{
	const struct config_section *const *sec;
	size_t i, j;

	for (sec = schema_sections; *sec; sec++) {
		const struct config_row *rows = (*sec)->rows;
		int twice = 0, outside = 0;

		for (i = 0; i < (*sec)->n_rows; i++) {
			for (j = i + 1; j < (*sec)->n_rows; j++)
				twice += !strcmp(rows[i].name, rows[j].name);
			if ((rows[i].type == CT_INT || rows[i].type == CT_WORD) &&
			    !rows[i].doc_default &&
			    (rows[i].def < rows[i].min || rows[i].def > rows[i].max)) {
				printf("#   %s: default %lld outside %lld..%lld\n", rows[i].name,
				       rows[i].def, rows[i].min, rows[i].max);
				outside++;
			}
		}
		check(!twice, "schema %s: every setting once", (*sec)->name);
		check(!outside, "schema %s: every default in its range", (*sec)->name);
	}
}

int main(int argc, char **argv)
{
	char repo[PATH_MAX], self[PATH_MAX];
	size_t i;

	(void)argc;
	setvbuf(stdout, NULL, _IOLBF, 0);
	log_set_level(LOG_ERR);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/xmip6-config-unit.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 2;
	}
	/* build/selftests/config_unit -> the repository is two levels up. */
	if (!realpath(argv[0], self)) {
		perror(argv[0]);
		return 2;
	}
	snprintf(repo, sizeof(repo), "%s/../..", dirname(self));

	make_key_files();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	test_api();
	test_find_mn();
	test_find_mn_many();
	test_schema();
	example(repo, "ha.conf", true, 3);
	example(repo, "ha-virtual.conf", true, 2);
	example(repo, "mn.conf", false, 0);
	example(repo, "mr.conf", false, 0);
	example(repo, "cn.conf", false, 0);

	{
		char cmd[PATH_MAX + 16];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd))
			printf("# could not remove %s\n", tmpdir);
	}
	return unit_finish("config_unit");
}
