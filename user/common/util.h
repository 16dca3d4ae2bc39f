/* SPDX-License-Identifier: GPL-2.0 */
/*
 * util.h - logging and IPv6 address helpers shared by xmip6ctl and xmip6d.
 */
#ifndef XMIP6_UTIL_H
#define XMIP6_UTIL_H

#include <stdbool.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <syslog.h>

/*
 * Logging. Every message goes to stderr as "PROG: message" (PROG is the
 * program's short name), or to syslog once log_use_syslog() was called.
 * Messages above the threshold (default LOG_NOTICE) are dropped.
 */
void log_set_level(int level);
bool log_enabled(int level);
void log_use_syslog(const char *ident);
/*
 * With syslog, a copy of every message to stderr as well while @on. syslog()
 * drops what it cannot deliver without a word (no /dev/log in a container,
 * no logger running yet): a daemon starting from a terminal copies until it
 * runs, so that why it failed to start is always seen.
 */
void log_copy_to_stderr(bool on);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define pr_err(...)    log_msg(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)   log_msg(LOG_WARNING, __VA_ARGS__)
#define pr_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define pr_info(...)   log_msg(LOG_INFO, __VA_ARGS__)
#define pr_debug(...)  log_msg(LOG_DEBUG, __VA_ARGS__)

/*
 * Lines about single received packets (drops, refusals, replies). A flood
 * of forged packets must not become a flood of log lines that fills the
 * disk and slows the daemon down. Every pr_packet() call site is a class of
 * its own, bounded on its own, so that a flood of one kind hides no line of
 * another: at most LOG_PACKET_LINES lines of a class go out a second, and
 * the class's first line after a second with suppressed ones says how many
 * (at most one such line a second). The drop counters have every one.
 */
#define LOG_PACKET_LINES 20
struct log_class {
	unsigned long long window_ns;
	unsigned long long suppressed;
	unsigned int lines;
};
/* Whether one more line of class @c (named @where in the summary) may go out. */
bool log_class_allowed(struct log_class *c, const char *where, int level);
#define pr_packet(level, ...)                                        \
	do {                                                         \
		static struct log_class log_class_;                  \
		if (log_class_allowed(&log_class_, __func__, level)) \
			log_msg(level, __VA_ARGS__);                 \
	} while (0)

/* IPv6 addresses. */
struct addr6_buf {
	char s[INET6_ADDRSTRLEN];
};

/* Parse a textual IPv6 address; -EINVAL if it is not one. */
int addr6_parse(const char *str, struct in6_addr *addr);

/* Format with inet_ntop into @buf; returns buf->s so it can be used inline. */
const char *addr6_str(const struct in6_addr *addr, struct addr6_buf *buf);

/*
 * Why @addr cannot name a node (home address, care-of address, home agent):
 * "unspecified", "multicast" or "loopback"; NULL when it is usable.
 */
const char *addr6_unusable_reason(const struct in6_addr *addr);

/* The address as a JSON string (json-c), for -j output and the control socket. */
struct json_object;
struct json_object *addr6_json(const struct in6_addr *addr);

/* CLOCK_MONOTONIC in nanoseconds, the clock of bpf_ktime_get_coarse_ns(). */
unsigned long long mono_now_ns(void);

#endif /* XMIP6_UTIL_H */
