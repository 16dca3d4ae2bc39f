/* SPDX-License-Identifier: GPL-2.0 */
/*
 * config.h - the xmip6d configuration file (libconfig syntax), documented in
 * docs/xmip6d.conf.md.
 *
 * config_load() parses and validates the whole file and fills struct
 * xmip6d_config with every setting, defaults included. A bad file yields
 * -EINVAL and one message "FILE:LINE: what is wrong" in the caller's buffer;
 * nothing is half-applied. config_print() writes the effective settings
 * (what `xmip6d --check` shows) in the file's own syntax, so its output is a
 * valid config that loads to the same result. Keys are never printed: only
 * their SPI, length and key-file. A key printed as its length alone loads
 * as zero octets with keys_redacted set, which the daemon must refuse to run.
 *
 * Every setting is one row of the schema (schema.h, schema.c), which the
 * loader (parse.c, values.c, with rules.c for the rules between settings and
 * keys.c for the keys), config_print() (print.c) and the settings tables of
 * the documentation (doc.c) all follow; lookup.c answers config_find_mn()
 * from an index config_load() builds.
 */
#ifndef XMIP6_CONFIG_H
#define XMIP6_CONFIG_H

#include <stdbool.h>
#include <stdio.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/types.h>

#include "dp/dataplane.h"

struct config_mn_index;

#define CONFIG_KEY_MIN		  16 /* octets: RFC 4285 section 5.1 */
#define CONFIG_KEY_MAX		  64 /* octets of an MN-HA key */
#define CONFIG_MAX_IFACES	  8
#define CONFIG_MAX_COA_FILTERS	  8
#define CONFIG_MAX_MNP		  16 /* a mobile router's prefixes (wire/mh.h MH_MNP_MAX) */
#define CONFIG_CTL_SOCKET_DEFAULT "/run/xmip6/xmip6d.sock"
#define CONFIG_MAX_LIFETIME_S	  262140 /* 65535 units of 4 s (RFC 6275 section 6.1.7) */
#define CONFIG_MAX_BINDINGS	  1048576
#define CONFIG_MAX_SIGNAL_WORKERS 64
#define CONFIG_METRICS_TOP_MAX	  1000 /* metrics-top-bindings: series stay bounded */
#define CONFIG_MAX_RO_PEERS	  16   /* route-optimization list entries */
#define CONFIG_RR_MAX_LIFETIME_S  420  /* MAX_RR_BINDING_LIFETIME (RFC 6275 section 12) */
#define CONFIG_MAX_MOBILE_NETS	  8    /* a mobile router's mobile network prefixes */
#define CONFIG_MAX_ENDPOINTS	  8    /* cluster endpoints */
#define CONFIG_ENDPOINT_MAX	  128  /* octets of an endpoint URL, NUL included */
#define CONFIG_CLUSTER_NAME_MAX	  64   /* octets of key-prefix and name, NUL included */

struct config_prefix {
	struct in6_addr addr; /* host bits zero */
	__u8 len;
};

/* One security association and policy for a mobile node (HA side). */
struct config_mn_entry {
	struct in6_addr home_addr;
	bool enabled; /* false: BA status 129 (administratively prohibited) */
	__u32 spi;    /* RFC 4285 Mobility SPI, >= 256 */
	__u8 key[CONFIG_KEY_MAX];
	size_t key_len; /* 0 only when authentication is not required */
	char *key_file; /* where the key was read from (absolute), NULL: inline */
	/* Care-of addresses this MN may register (Cisco's binding filter);
	 * none listed = any. Outside all of them: status 129. Allocated (NULL
	 * for none): an array in every entry was half of a million entries. */
	struct config_prefix *coa_filter;
	int n_coa_filter;
	__u32 max_lifetime_s; /* per-MN cap, 0 = the HA's max-lifetime */
	int line;	      /* where the entry starts, for log messages */
	/* NEMO (RFC 3963): may register with the R flag; the Mobile Network
	 * Prefixes it may claim (explicit mode) or gets (implicit mode),
	 * allocated (NULL for none); no two entries' overlap (config/mnp.c). */
	bool mobile_router;
	struct config_prefix *mnp;
	int n_mnp;
};

/*
 * home-agent's cluster section: the binding cache shared through etcd
 * (user/cluster/, docs/cluster.md). Absent (has_cluster false): the home
 * agent keeps its bindings alone, as before.
 */
enum config_store_down { CONFIG_STORE_DOWN_REFUSE = 0 };

struct config_cluster {
	char endpoints[CONFIG_MAX_ENDPOINTS][CONFIG_ENDPOINT_MAX]; /* http(s)://[addr]:port */
	int n_endpoints;
	char key_prefix[CONFIG_CLUSTER_NAME_MAX]; /* "/xmip6" */
	char name[CONFIG_CLUSTER_NAME_MAX];	  /* the cluster: keys under prefix/name/ */
	char *ca_file, *cert_file, *key_file;	  /* TLS; NULL: none */
	enum config_store_down store_down;	  /* registrations while the store is down */
	__u32 timeout_ms;			  /* one request to etcd */
	__u32 probe_interval_ms;		  /* health probe of the store */
};

struct config_ha {
	struct in6_addr address;			 /* our home agent address */
	struct config_prefix home_prefix;		 /* home subnet prefix (132 outside it) */
	char interfaces[CONFIG_MAX_IFACES][IF_NAMESIZE]; /* XDP + TC attach */
	int n_interfaces;
	/* Physical home link (proxy ND, proxy DAD, unsolicited NA); "" for a
	 * virtual home network (prefix routed to the HA, no home link). */
	char home_link[IF_NAMESIZE];
	__u32 max_lifetime_s;	  /* cap on granted lifetimes, default 3600 */
	__u32 max_bindings;	  /* default XMIP6_BINDINGS_DEFAULT; 130 beyond */
	__u32 refresh_interval_s; /* Binding Refresh Advice, 0 = none (default) */
	__u32 signal_workers;	  /* registration threads, 0 = one per online CPU, default 1 */
	bool dad;		  /* proxy DAD before the first registration (default true) */
	bool require_auth;	  /* RFC 4285 MN-HA required (default true) */
	__u32 timestamp_window_s; /* RFC 4285 replay window, default 7 */
	bool accept_unlisted;	  /* MNs not in mobile-nodes: false (default) = 133 */
	int preference; /* Home Agent Information preference (16 bits, signed), default 0 */
	struct config_mn_entry *mobile_nodes;
	int n_mobile_nodes;
	/* mobile_nodes by home address, for config_find_mn(): lookup.c */
	struct config_mn_index *mn_index;
	enum dp_xdp_mode xdp_mode; /* DP_XDP_NATIVE (default) or DP_XDP_GENERIC */
	bool has_cluster;	   /* section cluster present */
	struct config_cluster cluster;
};

/* A mobile network behind a mobile router (RFC 3963 section 2): its ingress link and prefix. */
struct config_mr_net {
	char interface[IF_NAMESIZE];
	struct config_prefix prefix; /* host bits clear, length 1..128 */
};

/* RFC 3963 section 5.1: the prefixes in the BU (explicit), or the HA's own list (implicit). */
enum config_mr_mode { CONFIG_MR_EXPLICIT = 0, CONFIG_MR_IMPLICIT };

struct config_mn {
	struct in6_addr home_addr; /* :: unless has_home_addr */
	bool has_home_addr;	   /* home-address given; else formed from home_prefix (mn.c) */
	__u8 home_prefix_len;	   /* default 64; always home_prefix.len */
	/* home-prefix, or home-address masked to home-prefix-length: host bits clear */
	struct config_prefix home_prefix;
	struct in6_addr home_agent; /* :: unless has_home_agent */
	bool has_home_agent;	    /* home-agent given; else found by DHAAD (roles/disc_mn.c) */
	char interfaces[CONFIG_MAX_IFACES][IF_NAMESIZE]; /* in order of preference */
	int n_interfaces;
	__u32 lifetime_s; /* requested, default 600 */
	__u32 spi;
	__u8 key[CONFIG_KEY_MAX];
	size_t key_len;		  /* 0: send BUs without authentication */
	char *key_file;		  /* where the key was read from (absolute), NULL: inline */
	bool link_local_compat;	  /* L flag (HA defends our link-local too), default false */
	__u32 initial_timeout_ms; /* first home registration: 1500 (RFC 6275 section 11.8) */
	__u32 max_timeout_s;	  /* MAX_BINDACK_TIMEOUT: 32 */
	enum dp_xdp_mode xdp_mode;
	/*
	 * route-optimization: with which correspondents to run return
	 * routability and register (RFC 6275 section 11.7.2). "none" (the
	 * default), "all", or a list of prefixes and addresses (an address is
	 * a /128), which sets CONFIG_RO_LISTED and ro_peers.
	 */
	enum config_ro_mode { CONFIG_RO_NONE = 0, CONFIG_RO_ALL, CONFIG_RO_LISTED } ro_mode;
	struct config_prefix ro_peers[CONFIG_MAX_RO_PEERS];
	int n_ro_peers;
	__u32 ro_lifetime_s; /* requested from correspondents, default 420, at most 420 */
	/* mobile-router only (RFC 3963; roles/mr.c): the mobile networks and
	 * how the home agent learns their prefixes. */
	struct config_mr_net mr_nets[CONFIG_MAX_MOBILE_NETS];
	int n_mr_nets;
	enum config_mr_mode mr_mode;
};

/* The correspondent node (RFC 6275 sections 5.2, 9): route optimisation for any MN. */
struct config_cn {
	char interfaces[CONFIG_MAX_IFACES][IF_NAMESIZE]; /* XDP + TC attach */
	int n_interfaces;
	__u32 max_lifetime_s;	/* granted at most, default and cap CONFIG_RR_MAX_LIFETIME_S */
	__u32 max_bindings;	/* default XMIP6_BINDINGS_DEFAULT; status 130 beyond */
	__u32 nonce_interval_s; /* a new nonce this often, default 30 (section 5.2.7) */
	__u32 nonce_lifetime_s; /* a nonce is accepted this long, default 240 (MAX_NONCE_LIFETIME) */
	__u32 kcn_interval_s;	/* a new Kcn this often, default 3600; 0 = never */
	bool refresh_request;	/* Binding Refresh Request before expiry, default true */
	/* How long before expiry the BRR goes: default 30, or half of a
	 * max-lifetime of 30 or less (always below max-lifetime). */
	__u32 refresh_before_s;
	enum dp_xdp_mode xdp_mode; /* DP_XDP_NATIVE (default) or DP_XDP_GENERIC */
};

/* A TCP listening address, "[ADDRESS]:PORT" in the file (config/listen.c). */
struct config_listen {
	bool set; /* false: off */
	struct in6_addr addr;
	__u16 port;
};

struct xmip6d_config {
	char *path;		   /* the file, as given */
	int log_level;		   /* syslog level, default LOG_INFO */
	bool log_syslog;	   /* default false: stderr */
	char *pin_dir;		   /* default XMIP6_PIN_DIR_DEFAULT */
	char *control_socket;	   /* default CONFIG_CTL_SOCKET_DEFAULT */
	bool allow_insecure_files; /* default false: unsafe modes refused (perms.c) */
	bool has_ha;		   /* section home-agent present */
	struct config_ha ha;
	bool has_mn; /* section mobile-node present */
	bool has_mr; /* section mobile-router present: mn holds it, mobile networks included */
	struct config_mn mn;
	bool has_cn; /* section correspondent-node present */
	struct config_cn cn;
	/* Some key was given only as key-length, as config_print() writes it:
	 * the file is fine for checking, but its key octets are zero, so the
	 * daemon must refuse to run with it. */
	bool keys_redacted;
	/* The Prometheus endpoint (daemon/metrics.c); default off. */
	struct config_listen metrics_listen;
	/* Bindings whose counters it exports, the most bytes first; 0: none. */
	__u32 metrics_top_bindings;
	bool binding_counters; /* per-binding packet and byte counters in the data plane */
};

/*
 * Load @path into @cfg (zeroed first). 0 on success; -EINVAL with @err set
 * to "PATH:LINE: message" (or "PATH: message" when no line applies), -errno
 * when the file cannot be read.
 */
int config_load(const char *path, struct xmip6d_config *cfg, char *err, size_t errlen);
void config_free(struct xmip6d_config *cfg);

/* The effective settings, defaults included, in libconfig syntax. */
void config_print(FILE *out, const struct xmip6d_config *cfg);

/* The HA's entry for @home_addr, or NULL. */
const struct config_mn_entry *config_find_mn(const struct config_ha *ha,
					     const struct in6_addr *home_addr);

/* Clear the host bits beyond @len. */
void prefix_mask(struct in6_addr *a, unsigned int len);

/* True when @addr lies in @prefix. */
bool config_prefix_match(const struct config_prefix *prefix, const struct in6_addr *addr);

#endif /* XMIP6_CONFIG_H */
