// SPDX-License-Identifier: GPL-2.0
/*
 * schema.c - every setting of the configuration file, one row each, one
 * table per section (schema.h says what a row holds and what uses it).
 *
 * A row's place in its table is the order in which the loader checks it,
 * config_print() writes it and docs/xmip6d.conf.md lists it. After a change
 * here, regenerate the settings tables of the documentation:
 *	build/selftests/config_doc -i docs/xmip6d.conf.md
 * (selftests/test_config.sh fails while they differ).
 */
#include <limits.h>
#include <stddef.h>
#include <syslog.h>
#include <sys/un.h>

#include "xmip6.h"
#include "config/config.h"
#include "config/schema.h"

/* Where a value lives: its offset and size in the section's struct. */
#define AT(st, member) .offset = offsetof(st, member), .size = sizeof(((st *)0)->member)
#define ROWS(table)    .rows = table, .n_rows = sizeof(table) / sizeof(table[0])

/* RFC 6275 section 6.1.7: the lifetime is 16 bits of 4-second units. */
#define LIFETIME_HINT \
	"seconds; the Binding Update lifetime is 65535 units of 4 s, RFC 6275 section 6.1.7"
#define RR_LIFETIME_HINT "seconds; MAX_RR_BINDING_LIFETIME, RFC 6275 section 12"
#define BINDINGS_HINT	 "entries of the binding cache map"
#define SPI_HINT	 "RFC 4285 reserves SPIs 0-255"
#define KEY_LENGTH_HINT	 "octets; RFC 4285 MN-HA keys are at least 16"
#define IFACES_XDP	 "where XDP and TC attach, e.g. [ \"eth0\" ]"

#define TIMESTAMP_WINDOW_MAX 3600
#define MAX_TIMEOUT_MAX	     3600
#define INIT_TIMEOUT_MIN_MS  100
#define INIT_TIMEOUT_MAX_MS  3600000
#define NONCE_INTERVAL_MAX   3600
#define KCN_INTERVAL_MAX     604800 /* a week */

#define XDP_MODE_ROW(st)                                                             \
	.name = "xdp-mode", .type = CT_WORD, AT(st, xdp_mode), .min = DP_XDP_NATIVE, \
	.max = DP_XDP_GENERIC, .def = DP_XDP_NATIVE, .word = xdp_mode_word

/* ---- top level --------------------------------------------------------- */

static const struct config_row root_rows[] = {
	{
		.name = "log-level",
		.type = CT_WORD,
		AT(struct xmip6d_config, log_level),
		.min = LOG_ERR,
		.max = LOG_DEBUG,
		.def = LOG_INFO,
		.word = log_level_word,
		.doc = "Messages above this syslog level are dropped.",
	},
	{
		.name = "log",
		.type = CT_WORD,
		AT(struct xmip6d_config, log_syslog),
		.min = 0,
		.max = 1,
		.word = log_word,
		.doc = "Where messages go: standard error as `xmip6d: message`, or syslog "
		       "(facility `daemon`).",
	},
	{
		.name = "pin-dir",
		.type = CT_PATH,
		AT(struct xmip6d_config, pin_dir),
		.max = PATH_MAX,
		.def_str = XMIP6_PIN_DIR_DEFAULT,
		.doc = "bpffs directory of the pinned maps and links (the same as `xmip6ctl -p`). "
		       "Two daemons on one host need two directories.",
	},
	{
		.name = "control-socket",
		.type = CT_PATH,
		AT(struct xmip6d_config, control_socket),
		.max = sizeof(((struct sockaddr_un *)0)->sun_path),
		.def_str = CONFIG_CTL_SOCKET_DEFAULT,
		.doc_allowed = "at most 107 characters (`sun_path`)",
		.doc = "Unix socket on which `xmip6ctl` talks to the daemon.",
	},
	{
		.name = "allow-insecure-files",
		.type = CT_BOOL,
		AT(struct xmip6d_config, allow_insecure_files),
		.def = false,
		.doc = "Load a configuration, `@include` or key file that everyone may write, that "
		       "another user than root (or the daemon's) owns, or that holds keys and "
		       "everyone may read, with a warning. Off: such a file is refused with its "
		       "name and reason.",
	},
	{
		.name = "metrics-listen",
		.type = CT_CUSTOM,
		AT(struct xmip6d_config, metrics_listen),
		.parse = listen_parse,
		.print = listen_print,
		.doc_type = "string",
		.doc_default = "`\"\"` (off)",
		.doc_allowed = "`\"[ADDRESS]:PORT\"` (IPv6), or `\"\"`",
		.doc = "Serve Prometheus metrics over HTTP at `/metrics` on this address, e.g. "
		       "`\"[::1]:9617\"`. Anyone who reaches it reads the counters: keep it on "
		       "loopback or a management network (docs/security.md).",
	},
	{
		.name = "metrics-top-bindings",
		.type = CT_INT,
		AT(struct xmip6d_config, metrics_top_bindings),
		.min = 0,
		.max = CONFIG_METRICS_TOP_MAX,
		.def = 10,
		.hint = "bindings; one series per binding and direction",
		.doc = "How many bindings the metrics endpoint shows packet and byte counters "
		       "for (`xmip6_binding_packets_total`, `xmip6_binding_bytes_total`): those "
		       "with the most bytes, both directions together. 0: none. Bounded so that "
		       "the number of series stays bounded whatever the binding cache holds.",
	},
	{
		.name = "binding-counters",
		.type = CT_BOOL,
		AT(struct xmip6d_config, binding_counters),
		.def = true,
		.doc = "Count each binding's packets and bytes in the data plane (`xmip6ctl "
		       "binding show`, the metrics endpoint). Off: the programs are loaded "
		       "without the counting, which costs an array access per forwarded packet; "
		       "`binding show` then says `off` (JSON null). Taken at load: a change needs "
		       "a restart "
		       "(refused on SIGHUP); instances `xmip6ctl attach` loads count.",
	},
	{
		.name = "home-agent",
		.type = CT_SECTION,
		.offset = offsetof(struct xmip6d_config, ha),
		.aux = offsetof(struct xmip6d_config, has_ha),
		.section = &schema_ha,
		.doc = "Run as a home agent.",
	},
	{
		.name = "mobile-node",
		.type = CT_SECTION,
		.offset = offsetof(struct xmip6d_config, mn),
		.aux = offsetof(struct xmip6d_config, has_mn),
		.section = &schema_mn,
		.doc = "Run as a mobile node.",
	},
	{
		.name = "mobile-router",
		.type = CT_SECTION,
		.offset = offsetof(struct xmip6d_config, mn),
		.aux = offsetof(struct xmip6d_config, has_mr),
		.section = &schema_mr,
		.doc = "Run as a mobile router (NEMO, RFC 3963): a mobile node that carries "
		       "whole networks (docs/nemo.md).",
	},
	{
		.name = "correspondent-node",
		.type = CT_SECTION,
		.offset = offsetof(struct xmip6d_config, cn),
		.aux = offsetof(struct xmip6d_config, has_cn),
		.section = &schema_cn,
		.doc = "Run as a correspondent node: route optimisation for mobile nodes (RFC 6275 "
		       "sections 5.2, 9).",
	},
};

const struct config_section schema_root = {
	.name = "top level",
	ROWS(root_rows),
	.check = root_check,
};

/* ---- home-agent -------------------------------------------------------- */

static const struct config_row ha_rows[] = {
	{
		.name = "address",
		.type = CT_ADDR,
		AT(struct config_ha, address),
		.required = "the home agent's IPv6 address",
		.doc = "The home agent's own address: source of Binding Acknowledgements and the "
		       "home agent end of the tunnel (RFC 6275 sections 10.4.2, 10.4.5). Mobile "
		       "nodes send their Binding Updates to it.",
	},
	{
		.name = "home-prefix",
		.type = CT_PREFIX,
		AT(struct config_ha, home_prefix),
		.min = 1,
		.required = "the home subnet prefix, e.g. 2001:db8:1::/64",
		.parse = ha_home_prefix_parse,
		.doc_allowed = "a unicast prefix",
		.doc = "The home subnet prefix. A Binding Update for a home address outside it is "
		       "refused with status 132, *Not home subnet* (section 10.3.1).",
	},
	{
		.name = "interfaces",
		.type = CT_IFACES,
		AT(struct config_ha, interfaces),
		.aux = offsetof(struct config_ha, n_interfaces),
		.required = IFACES_XDP,
		.doc = "Where the XDP and TC programs attach: every interface on which packets for "
		       "home addresses or reverse-tunnelled packets arrive. They need not exist "
		       "when the file is checked; the daemon checks them when it starts.",
	},
	{
		.name = "home-link",
		.type = CT_CUSTOM,
		AT(struct config_ha, home_link),
		.parse = home_link_parse,
		.print = home_link_print,
		.doc_type = "string",
		.doc_default = "`\"\"`",
		.doc_allowed = "`\"\"` or one of `interfaces`",
		.doc = "The physical home link, on which the home agent defends registered home "
		       "addresses with proxy Neighbor Advertisements (section 10.4.1) and runs "
		       "proxy DAD (section 10.3.1). `\"\"` or absent: a **virtual home network** "
		       "— the home prefix is routed to the home agent and no link has it, so "
		       "there is no proxy ND and no DAD.",
	},
	{
		.name = "max-lifetime",
		.type = CT_INT,
		AT(struct config_ha, max_lifetime_s),
		.min = 1,
		.max = CONFIG_MAX_LIFETIME_S,
		.def = 3600,
		.hint = LIFETIME_HINT,
		.doc = "Longest lifetime the home agent grants; a Binding Update asking more gets "
		       "this much (section 10.3.1 lets the home agent shorten it).",
	},
	{
		.name = "max-bindings",
		.type = CT_INT,
		AT(struct config_ha, max_bindings),
		.min = 1,
		.max = CONFIG_MAX_BINDINGS,
		.def = XMIP6_BINDINGS_DEFAULT,
		.hint = BINDINGS_HINT,
		.doc = "Size of the binding cache (BPF hash map `bindings`). When it is full, a "
		       "new "
		       "registration gets status 130, *Insufficient resources*.",
	},
	{
		.name = "refresh-interval",
		.type = CT_INT,
		AT(struct config_ha, refresh_interval_s),
		.min = 0,
		.max = CONFIG_MAX_LIFETIME_S,
		.def = 0,
		.hint = "seconds, 0 = no Binding Refresh Advice",
		.doc_allowed = "and below `max-lifetime`",
		.doc = "When not 0, every accepting Binding Acknowledgement carries a Binding "
		       "Refresh Advice option with this interval (sections 6.2.4, 10.3.1), capped "
		       "below the granted lifetime. 0: no advice.",
	},
	{
		.name = "signal-workers",
		.type = CT_INT,
		AT(struct config_ha, signal_workers),
		.min = 0,
		.max = CONFIG_MAX_SIGNAL_WORKERS,
		.def = 1,
		.hint = "threads, 0 = one per online CPU",
		.doc = "Threads that answer Binding Updates. 1: the event loop answers them "
		       "itself. More: the event loop hands each BU to worker hash(home address), "
		       "which verifies it and, for a refresh of a host binding, writes the map "
		       "and sends the BA from its own raw socket; what needs the event loop "
		       "(first registrations, deregistrations, refusals other than a failed "
		       "authenticator, mobile routers) goes back to it, in order. Each worker "
		       "keeps its own MAX_UPDATE_RATE table and a share of the error budget. "
		       "Ignored (1) with a `cluster` section. A change needs a restart.",
	},
	{
		.name = "dad",
		.type = CT_BOOL,
		AT(struct config_ha, dad),
		.def = true,
		.doc = "Proxy Duplicate Address Detection for the home address (and its link-local "
		       "twin when the L flag is set) on `home-link` before a first registration "
		       "is accepted; failure gives status 134 (section 10.3.1). Without "
		       "`home-link` it has no effect.",
	},
	{
		.name = "require-auth",
		.type = CT_BOOL,
		AT(struct config_ha, require_auth),
		.def = true,
		.doc = "Binding Updates must carry a valid RFC 4285 MN-HA authentication option "
		       "and "
		       "a timestamp within `timestamp-window`; see "
		       "[Authentication](#authentication). "
		       "`false` accepts unauthenticated Binding Updates — for closed test networks "
		       "only.",
	},
	{
		.name = "timestamp-window",
		.type = CT_INT,
		AT(struct config_ha, timestamp_window_s),
		.min = 1,
		.max = TIMESTAMP_WINDOW_MAX,
		.def = 7,
		.hint = "seconds; RFC 4285 suggests 7",
		.doc = "RFC 4285 section 6 replay protection: a Binding Update's timestamp must be "
		       "within this many seconds of the home agent's clock (default 7 s; the RFC "
		       "advises more than 3 s). Clocks must be kept in sync (NTP).",
	},
	{
		.name = "accept-unlisted",
		.type = CT_BOOL,
		AT(struct config_ha, accept_unlisted),
		.def = false,
		.doc_allowed = "`true` only with `require-auth = false`",
		.doc = "Whether a mobile node missing from `mobile-nodes` may register. `false`: "
		       "status 133, *Not home agent for this mobile node*. An unlisted node has no "
		       "key, hence the restriction. With `false`, the data plane also admits "
		       "signalling: the listed home addresses (and bound ones) always reach the "
		       "daemon, others at most 200 a second per CPU (the rest dropped in XDP, "
		       "`sig_unlisted_drop`), so that a flood of forged BUs cannot crowd out the "
		       "listed nodes (docs/security.md).",
	},
	{
		.name = "preference",
		.type = CT_INT,
		AT(struct config_ha, preference),
		.min = -32768,
		.max = 32767,
		.def = 0,
		.hint = "16-bit signed, higher is preferred, RFC 6275 section 7.4",
		.doc = "This home agent's preference (section 7.4), 16-bit signed; higher is "
		       "preferred. DHAAD Replies list the home agents by decreasing preference: "
		       "this one, and those learnt from Router Advertisements with the H bit on "
		       "`home-link` (Home Agent Information option, or preference 0 and the router "
		       "lifetime without it; the global address from a Prefix Information option "
		       "with the R bit).",
	},
	{
		XDP_MODE_ROW(struct config_ha),
		.doc = "XDP attach mode. `generic` (skb mode) works on any driver, at a fraction "
		       "of "
		       "the speed.",
	},
	{
		.name = "cluster",
		.type = CT_SECTION,
		.offset = offsetof(struct config_ha, cluster),
		.aux = offsetof(struct config_ha, has_cluster),
		.section = &schema_cluster,
		.doc = "Share the binding cache with the other home agents of the home prefix "
		       "through etcd (docs/cluster.md). Absent: this home agent keeps its "
		       "bindings alone.",
	},
	{
		.name = "mobile-nodes",
		.type = CT_CUSTOM,
		.parse = mobile_nodes_parse,
		.print = mobile_nodes_print,
		.section = &schema_mn_entry,
		.doc_type = "list of groups",
		.doc_default = "`( )`",
		.doc_allowed = "see below",
		.doc = "The mobile nodes this home agent serves.",
	},
};

const struct config_section schema_ha = {
	.name = "home-agent",
	ROWS(ha_rows),
	.check = ha_check,
};

/* ---- home-agent's cluster ------------------------------------------------ */

#define CLUSTER_FILE_ROW(nm, member)                                                      \
	.name = nm, .type = CT_CUSTOM, .offset = offsetof(struct config_cluster, member), \
	.parse = cluster_file_parse, .print = cluster_file_print, .doc_type = "string",   \
	.doc_default = "`\"\"`", .doc_allowed = "absolute path, or `\"\"` for none"

/* Milliseconds, 100 ms to a minute, a second by default. */
#define CLUSTER_MS_ROW(nm, member)                                                               \
	.name = nm, .type = CT_INT, AT(struct config_cluster, member), .min = 100, .max = 60000, \
	.def = 1000, .hint = "milliseconds"

static const struct config_row cluster_rows[] = {
	{
		.name = "endpoints",
		.type = CT_CUSTOM,
		.parse = cluster_endpoints_parse,
		.print = cluster_endpoints_print,
		.required = "the etcd members' client URLs",
		.doc_type = "array of strings",
		.doc_default = "required",
		.doc_allowed = "1 to 8 URLs `http://HOST:PORT` or `https://HOST:PORT`",
		.doc = "The etcd members' client URLs (its v3 JSON gateway), tried in turn. "
		       "`http://` only to a loopback address (`[::1]`, `127.0.0.1`, "
		       "`localhost`); anything else is `https://`.",
	},
	{
		.name = "key-prefix",
		.type = CT_CUSTOM,
		.offset = offsetof(struct config_cluster, key_prefix),
		.min = 1,
		.parse = cluster_word_parse,
		.print = cluster_word_print,
		.doc_type = "string",
		.doc_default = "`\"/xmip6\"`",
		.doc_allowed = "starts with `/`, letters, digits, `-_./`",
		.doc = "Where the clusters' keys live in etcd.",
	},
	{
		.name = "name",
		.type = CT_CUSTOM,
		.offset = offsetof(struct config_cluster, name),
		.parse = cluster_word_parse,
		.print = cluster_word_print,
		.doc_type = "string",
		.doc_default = "`\"home\"`",
		.doc_allowed = "letters, digits, `-_.`",
		.doc = "The cluster: the home agents of one home prefix share it. Bindings are "
		       "`KEY-PREFIX/NAME/bindings/HOME-ADDRESS`.",
	},
	{
		CLUSTER_FILE_ROW("ca-file", ca_file),
		.doc = "PEM certificates that sign the etcd members' (TLS); `\"\"`: the "
		       "system's.",
	},
	{
		CLUSTER_FILE_ROW("cert-file", cert_file),
		.doc = "PEM client certificate for etcd's `--client-cert-auth`, with key-file.",
	},
	{
		CLUSTER_FILE_ROW("key-file", key_file),
		.doc = "The client certificate's private key (PEM), with cert-file.",
	},
	{
		.name = "store-down",
		.type = CT_WORD,
		AT(struct config_cluster, store_down),
		.min = CONFIG_STORE_DOWN_REFUSE,
		.max = CONFIG_STORE_DOWN_REFUSE,
		.def = CONFIG_STORE_DOWN_REFUSE,
		.word = store_down_word,
		.doc = "While etcd cannot be reached or has no quorum: `refuse` answers new "
		       "registrations with status 128 (reason unspecified) and counts them; "
		       "bindings already held keep forwarding.",
	},
	{
		CLUSTER_MS_ROW("timeout", timeout_ms),
		.doc = "How long one request to etcd may take; beyond it the store counts as "
		       "down.",
	},
	{
		CLUSTER_MS_ROW("probe-interval", probe_interval_ms),
		.doc = "How often the store's quorum is checked (a linearizable read); a failed "
		       "check marks the store down, the next good one reconciles.",
	},
};

const struct config_section schema_cluster = {
	.name = "cluster",
	ROWS(cluster_rows),
	.check = cluster_check,
};

/* ---- mobile-nodes entries ---------------------------------------------- */

static const struct config_row mn_entry_rows[] = {
	{
		.name = "home-address",
		.type = CT_ADDR,
		AT(struct config_mn_entry, home_addr),
		.required = "the mobile node's home address",
		.parse = entry_home_addr_parse,
		.doc_allowed = "inside `home-prefix`, not the home agent's `address`, unique in "
			       "the list",
		.doc = "The mobile node's home address, which identifies it.",
	},
	{
		.name = "spi",
		.type = CT_INT,
		AT(struct config_mn_entry, spi),
		.min = 256,
		.max = 0xffffffffLL,
		.hint = SPI_HINT,
		.print = sa_spi_print,
		.hook_data = &sa_of_mn_entry,
		.doc_default = "required with a key",
		.doc_allowed = "unique in the list; from 2147483648 on write the `L` suffix",
		.doc = "RFC 4285 Mobility SPI of this node's security association; 0-255 are "
		       "reserved.",
	},
	{
		.name = "key",
		.type = CT_CUSTOM,
		.parse = sa_key_parse,
		.hook_data = &sa_of_mn_entry,
		.doc_type = "string",
		.doc_allowed = "32..128 hex digits (16..64 octets)",
		.doc = "The MN-HA shared key, written in the file. See [Keys](#keys).",
	},
	{
		.name = "key-file",
		.type = CT_CUSTOM,
		.parse = sa_key_file_parse,
		.print = sa_key_file_print,
		.hook_data = &sa_of_mn_entry,
		.doc_type = "string",
		.doc_allowed = "path of a readable regular file",
		.doc = "The MN-HA shared key, read from a file. A relative path is taken from the "
		       "configuration file's directory.",
	},
	{
		.name = "key-length",
		.type = CT_CUSTOM,
		.hint = KEY_LENGTH_HINT,
		.parse = sa_key_length_parse,
		.print = sa_key_length_print,
		.hook_data = &sa_of_mn_entry,
		.doc_type = "integer",
		.doc_allowed = "16..64",
		.doc = "What `--check` prints in place of the key. Next to `key` or `key-file` it "
		       "must match the key's length. Alone it stands for a key that was not "
		       "printed: such a file loads (so `--check` output checks again) but the "
		       "daemon refuses to run with it.",
	},
	{
		.name = "enabled",
		.type = CT_BOOL,
		AT(struct config_mn_entry, enabled),
		.def = true,
		.doc = "`false` keeps the entry but refuses the node's registrations with status "
		       "129, *Administratively prohibited*.",
	},
	{
		.name = "care-of-filter",
		.type = CT_CUSTOM,
		AT(struct config_mn_entry, coa_filter),
		.parse = coa_filter_parse,
		.print = coa_filter_print,
		.doc_type = "array of strings",
		.doc_default = "`[ ]` (any)",
		.doc_allowed = "0..8 prefixes, length 0..128",
		.doc = "The care-of addresses this node may register (a binding filter, as on "
		       "Cisco "
		       "home agents). A care-of address outside all of them gets status 129. "
		       "Empty: any care-of address.",
	},
	{
		.name = "max-lifetime",
		.type = CT_CUSTOM,
		AT(struct config_mn_entry, max_lifetime_s),
		.hint = "seconds, at most the home agent's max-lifetime; omit to use it",
		.parse = entry_max_lifetime_parse,
		.print = entry_max_lifetime_print,
		.doc_type = "integer",
		.doc_default = "the home agent's `max-lifetime`",
		.doc_allowed = "1..home agent's `max-lifetime`",
		.doc = "A lower lifetime cap for this node.",
	},
	{
		.name = "mobile-router",
		.type = CT_BOOL,
		AT(struct config_mn_entry, mobile_router),
		.def = false,
		.doc = "Whether the node may register as a mobile router (NEMO, RFC 3963: the "
		       "R flag). `false`: a Binding Update with R gets status 140, *Mobile "
		       "Router Operation not permitted*. A mobile router registering without R "
		       "gets a host binding, no prefixes. See docs/nemo.md.",
	},
	{
		.name = "prefixes",
		.type = CT_CUSTOM,
		AT(struct config_mn_entry, mnp),
		.parse = mnp_parse,
		.print = mnp_print,
		.doc_type = "array of strings",
		.doc_default = "`[ ]`",
		.doc_allowed = "0..16 prefixes, length 1..128; only with `mobile-router = true`; "
			       "none overlapping another entry's or `home-prefix`",
		.doc = "The Mobile Network Prefixes the router may register: a prefix it claims "
		       "must lie in one of them (else status 142, *Not Authorized for Prefix*). "
		       "A Binding Update with R and no Mobile Network Prefix option (implicit "
		       "mode) registers all of them; with none listed it gets status 143.",
	},
};

const struct config_section schema_mn_entry = {
	.name = "mobile-nodes",
	ROWS(mn_entry_rows),
	.check = mn_entry_check,
};

/* ---- mobile-node ------------------------------------------------------- */

static const struct config_row mn_rows[] = {
	{
		.name = "home-address",
		.type = CT_ADDR,
		AT(struct config_mn, home_addr),
		.print = mn_home_addr_print,
		.doc_default = "required unless `home-prefix` is given",
		.doc_allowed = "in `home-prefix` when both are given",
		.doc = "Our home address (RFC 6275 section 11.7.1). Absent: formed from "
		       "`home-prefix` and the **interface identifier of the first of "
		       "`interfaces`**, the modified EUI-64 of its MAC address (RFC 4291 appendix "
		       "A; e.g. MAC `02:00:00:00:00:10` on `2001:db8:1::/64` gives "
		       "`2001:db8:1::ff:fe00:10`), which stays the same wherever the node roams. "
		       "The home agent must list that address in its `mobile-nodes` (or accept "
		       "unlisted nodes).",
	},
	{
		.name = "home-prefix",
		.type = CT_PREFIX,
		AT(struct config_mn, home_prefix),
		.min = 1,
		.print = mn_home_prefix_print,
		.doc_default = "—",
		.doc_allowed = "at most 64 without `home-address`",
		.doc = "The home subnet prefix (`2001:db8:1::/64`). Give it instead of, or with, "
		       "`home-address`: with it the length comes from here (`home-prefix-length` "
		       "is then refused). It also gives the home-agents anycast address DHAAD asks "
		       "(`2001:db8:1:0:fdff:ffff:ffff:fffe` for a /64, RFC 2526).",
	},
	{
		.name = "home-prefix-length",
		.type = CT_INT,
		AT(struct config_mn, home_prefix_len),
		.min = 1,
		.max = 128,
		.def = 64,
		.hint = "bits",
		.print = mn_home_prefix_len_print,
		.doc_allowed = "not with `home-prefix`",
		.doc = "Length of the home subnet prefix, which tells home from away (section "
		       "11.5.2), when the prefix comes from `home-address`.",
	},
	{
		.name = "home-agent",
		.type = CT_ADDR,
		AT(struct config_mn, home_agent),
		.print = mn_home_agent_print,
		.doc_default = "found by DHAAD",
		.doc_allowed = "not `home-address`",
		.doc = "The home agent to register with. Absent: Dynamic Home Agent Address "
		       "Discovery (section 11.4.1) — a Home Agent Address Discovery Request from "
		       "the care-of address to the home-agents anycast address, sent again after "
		       "3, 6, 12 and 24 s (INITIAL_DHAAD_TIMEOUT doubling, DHAAD_RETRIES = 4), a "
		       "new round 32 s after the last; the first (most preferred) address of the "
		       "reply is the home agent, and no Binding Update goes out before.",
	},
	{
		.name = "interfaces",
		.type = CT_IFACES,
		AT(struct config_mn, interfaces),
		.aux = offsetof(struct config_mn, n_interfaces),
		.required = "the interfaces to roam on, in order of preference",
		.doc = "The interfaces to roam on, most preferred first: the care-of address is "
		       "taken from the first that has a usable one. They need not exist when the "
		       "file is checked.",
	},
	{
		.name = "lifetime",
		.type = CT_INT,
		AT(struct config_mn, lifetime_s),
		.min = 1,
		.max = CONFIG_MAX_LIFETIME_S,
		.def = 600,
		.hint = LIFETIME_HINT,
		.doc = "Lifetime requested in Binding Updates; the home agent may grant less.",
	},
	{
		.name = "spi",
		.type = CT_INT,
		AT(struct config_mn, spi),
		.min = 256,
		.max = 0xffffffffLL,
		.hint = SPI_HINT,
		.print = sa_spi_print,
		.hook_data = &sa_of_mn,
		.doc_default = "required with a key",
		.doc_allowed = "`L` suffix from 2147483648",
		.doc = "RFC 4285 Mobility SPI, the same as in the home agent's entry for us.",
	},
	{
		.name = "key",
		.type = CT_CUSTOM,
		.parse = sa_key_parse,
		.hook_data = &sa_of_mn,
		.doc_type = "string",
		.doc_allowed = "as in `mobile-nodes` entries",
		.doc = "The MN-HA shared key, the same as in the home agent's entry. Without a "
		       "key, "
		       "Binding Updates are sent unauthenticated and only a home agent with "
		       "`require-auth = false` accepts them.",
	},
	{
		.name = "key-file",
		.type = CT_CUSTOM,
		.parse = sa_key_file_parse,
		.print = sa_key_file_print,
		.hook_data = &sa_of_mn,
		.doc_type = "string",
		.doc_allowed = "as in `mobile-nodes` entries",
		.doc = "The MN-HA shared key, read from a file, as in `mobile-nodes` entries.",
	},
	{
		.name = "key-length",
		.type = CT_CUSTOM,
		.hint = KEY_LENGTH_HINT,
		.parse = sa_key_length_parse,
		.print = sa_key_length_print,
		.hook_data = &sa_of_mn,
		.doc_type = "integer",
		.doc_allowed = "16..64",
		.doc = "What `--check` prints in place of the key, as in `mobile-nodes` entries.",
	},
	{
		.name = "link-local-compat",
		.type = CT_BOOL,
		AT(struct config_mn, link_local_compat),
		.def = false,
		.doc = "Set the L flag (sections 6.1.7, 11.7.1): our link-local address has the "
		       "home address's interface identifier, and the home agent defends it too.",
	},
	{
		.name = "initial-timeout-ms",
		.type = CT_INT,
		AT(struct config_mn, initial_timeout_ms),
		.min = INIT_TIMEOUT_MIN_MS,
		.max = INIT_TIMEOUT_MAX_MS,
		.def = 1500,
		.hint = "milliseconds; InitialBindackTimeoutFirstReg, RFC 6275 section 13",
		.doc_allowed = "at most `max-timeout` × 1000",
		.doc = "First retransmission timeout of a first home registration, "
		       "InitialBindackTimeoutFirstReg (sections 11.8, 13): long enough for the "
		       "home agent's proxy DAD.",
	},
	{
		.name = "max-timeout",
		.type = CT_INT,
		AT(struct config_mn, max_timeout_s),
		.min = 1,
		.max = MAX_TIMEOUT_MAX,
		.def = 32,
		.hint = "seconds; MAX_BINDACK_TIMEOUT, RFC 6275 section 12",
		.doc = "The retransmission timeout doubles up to this many seconds, "
		       "MAX_BINDACK_TIMEOUT (sections 11.8, 12).",
	},
	{
		XDP_MODE_ROW(struct config_mn),
		.doc = "XDP attach mode, as for the home agent.",
	},
	{
		.name = "route-optimization",
		.type = CT_CUSTOM,
		.parse = ro_parse,
		.print = ro_print,
		.doc_type = "string or array of strings",
		.doc_default = "`\"none\"`",
		.doc_allowed = "`\"none\"`, `\"all\"`, or 1..16 prefixes (`\"2001:db8:c::/48\"`) "
			       "and addresses (`\"2001:db8:d::1\"`, a /128)",
		.doc = "With which correspondents to run return routability and register the "
		       "care-of address (route optimisation, RFC 6275 section 11.7.2).",
	},
	{
		.name = "route-optimization-lifetime",
		.type = CT_INT,
		AT(struct config_mn, ro_lifetime_s),
		.min = 1,
		.max = CONFIG_RR_MAX_LIFETIME_S,
		.def = CONFIG_RR_MAX_LIFETIME_S,
		.hint = RR_LIFETIME_HINT,
		.doc = "Lifetime requested from correspondents, at most MAX_RR_BINDING_LIFETIME "
		       "(section 12).",
	},
	/* The mobile router's own rows (RFC 3963), last: a mobile-router
	 * section is a mobile-node section with these (MR_ONLY_ROWS). */
	{
		.name = "mobile-networks",
		.type = CT_CUSTOM,
		.parse = mr_nets_parse,
		.print = mr_nets_print,
		.section = &schema_mr_net,
		.required = "the mobile networks behind the router, ( { interface = ...; prefix = "
			    "...; } )",
		.doc_type = "list of groups",
		.doc_allowed = "1..8 groups, see below",
		.doc = "The mobile networks: each an ingress interface and the Mobile Network "
		       "Prefix on it (RFC 3963 section 2), which radvd advertises there.",
	},
	{
		.name = "mode",
		.type = CT_WORD,
		AT(struct config_mn, mr_mode),
		.min = CONFIG_MR_EXPLICIT,
		.max = CONFIG_MR_IMPLICIT,
		.def = CONFIG_MR_EXPLICIT,
		.word = mr_mode_word,
		.doc = "`explicit`: each Binding Update carries a Mobile Network Prefix option per "
		       "prefix; `implicit`: none, the home agent knows the prefixes from its own "
		       "configuration (RFC 3963 section 5.1).",
	},
};

#define MR_ONLY_ROWS 2

const struct config_section schema_mn = {
	.name = "mobile-node",
	.rows = mn_rows,
	.n_rows = sizeof(mn_rows) / sizeof(mn_rows[0]) - MR_ONLY_ROWS,
	.check = mn_check,
};

const struct config_section schema_mr = {
	.name = "mobile-router",
	ROWS(mn_rows),
	.check = mr_check,
};

/* ---- mobile-networks entries ------------------------------------------- */

static const struct config_row mr_net_rows[] = {
	{
		.name = "interface",
		.type = CT_CUSTOM,
		.parse = mr_net_iface_parse,
		.print = mr_net_iface_print,
		.required = "the ingress interface of this mobile network",
		.doc_type = "string",
		.doc_allowed = "an interface name, not one of `interfaces`",
		.doc = "The ingress link (RFC 3963 section 2) where the hosts of this network "
		       "are. It need not exist when the file is checked.",
	},
	{
		.name = "prefix",
		.type = CT_PREFIX,
		AT(struct config_mr_net, prefix),
		.min = 1,
		.required = "the Mobile Network Prefix, e.g. \"2001:db8:50:1::/64\"",
		.doc_allowed = "not overlapping another entry's, not holding the home address",
		.doc = "The Mobile Network Prefix (RFC 3963 section 4.3).",
	},
};

const struct config_section schema_mr_net = {
	.name = "mobile-networks",
	ROWS(mr_net_rows),
};

/* ---- correspondent-node ------------------------------------------------ */

static const struct config_row cn_rows[] = {
	{
		.name = "interfaces",
		.type = CT_IFACES,
		AT(struct config_cn, interfaces),
		.aux = offsetof(struct config_cn, n_interfaces),
		.required = IFACES_XDP,
		.doc = "Where XDP and TC attach. They need not exist when the file is checked.",
	},
	{
		.name = "max-lifetime",
		.type = CT_INT,
		AT(struct config_cn, max_lifetime_s),
		.min = 4,
		.max = CONFIG_RR_MAX_LIFETIME_S,
		.def = CONFIG_RR_MAX_LIFETIME_S,
		.hint = RR_LIFETIME_HINT,
		.doc = "The longest lifetime granted to a binding authorized by return "
		       "routability, "
		       "MAX_RR_BINDING_LIFETIME (section 12); a longer request gets this, rounded "
		       "down to 4 s units.",
	},
	{
		.name = "max-bindings",
		.type = CT_INT,
		AT(struct config_cn, max_bindings),
		.min = 1,
		.max = CONFIG_MAX_BINDINGS,
		.def = XMIP6_BINDINGS_DEFAULT,
		.hint = BINDINGS_HINT,
		.doc = "Size of the binding cache; a new binding beyond it gets Binding "
		       "Acknowledgement status 130.",
	},
	{
		.name = "nonce-interval",
		.type = CT_INT,
		AT(struct config_cn, nonce_interval_s),
		.min = 1,
		.max = NONCE_INTERVAL_MAX,
		.def = 30,
		.hint = "seconds between new nonces, RFC 6275 section 5.2.7",
		.doc = "A new nonce (and nonce index) every this many seconds (section 5.2.7).",
	},
	{
		.name = "nonce-lifetime",
		.type = CT_INT,
		AT(struct config_cn, nonce_lifetime_s),
		.min = 1,
		.max = NONCE_INTERVAL_MAX,
		.def = 240,
		.hint = "seconds; MAX_NONCE_LIFETIME is 240, RFC 6275 section 12",
		.doc_allowed = "at least `nonce-interval`",
		.doc = "How long a nonce index is accepted, MAX_NONCE_LIFETIME (section 12); a "
		       "Binding Update naming an older one gets status 136, 137 or 138.",
	},
	{
		.name = "kcn-interval",
		.type = CT_INT,
		AT(struct config_cn, kcn_interval_s),
		.min = 0,
		.max = KCN_INTERVAL_MAX,
		.def = 3600,
		.hint = "seconds between new Kcn, 0 = never",
		.doc = "A new random Kcn every this many seconds, 0 = never. Each nonce keeps the "
		       "Kcn it was made with, so tokens stay valid for the nonce's life. Kcn, "
		       "nonces and tokens are never logged.",
	},
	{
		.name = "refresh-request",
		.type = CT_BOOL,
		AT(struct config_cn, refresh_request),
		.def = true,
		.doc = "Send one Binding Refresh Request per registration before it expires "
		       "(section 9.5.5).",
	},
	{
		.name = "refresh-before",
		.type = CT_INT,
		AT(struct config_cn, refresh_before_s),
		.min = 1,
		.max = CONFIG_RR_MAX_LIFETIME_S,
		.def = 30,
		.hint = "seconds before expiry",
		.doc_default = "`30`; half of a `max-lifetime` of 30 or less",
		.doc_allowed = "below `max-lifetime`",
		.doc = "How many seconds before expiry the Binding Refresh Request goes; for a "
		       "lifetime shorter than twice this, half way through the lifetime.",
	},
	{
		XDP_MODE_ROW(struct config_cn),
		.doc = "XDP attach mode, as for the home agent.",
	},
};

const struct config_section schema_cn = {
	.name = "correspondent-node",
	ROWS(cn_rows),
	.check = cn_check,
};

const struct config_section *const schema_sections[] = {
	&schema_root,	  &schema_ha, &schema_cluster,
	&schema_mn_entry, &schema_mn, &schema_mr,
	&schema_mr_net,	  &schema_cn, NULL,
};
