// SPDX-License-Identifier: GPL-2.0
/*
 * util.c - logging and IPv6 address helpers shared by xmip6ctl and xmip6d.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <json-c/json.h>

#include "common/util.h"

static int log_threshold = LOG_NOTICE;
static bool log_to_syslog;
static bool log_copy_stderr;

void log_set_level(int level)
{
	log_threshold = level;
}

bool log_enabled(int level)
{
	return level <= log_threshold;
}

void log_use_syslog(const char *ident)
{
	openlog(ident, LOG_PID, LOG_DAEMON);
	log_to_syslog = true;
}

void log_copy_to_stderr(bool on)
{
	log_copy_stderr = on;
}

/*
 * Under systemd, standard error may be the journal's stream: JOURNAL_STREAM
 * names its device and inode (systemd.exec(5)). A line there starts with
 * "<N>", its syslog priority (sd-daemon(3)), which the journal keeps.
 */
static bool stderr_is_journal(void)
{
	static int cached = -1;
	unsigned long long dev, ino;
	const char *env;
	struct stat st;

	if (cached < 0) {
		env = getenv("JOURNAL_STREAM");
		cached = env && sscanf(env, "%llu:%llu", &dev, &ino) == 2 && !fstat(2, &st) &&
			 st.st_dev == dev && st.st_ino == ino;
	}
	return cached;
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap, copy;
	bool journal = stderr_is_journal();

	if (!log_enabled(level))
		return;

	va_start(ap, fmt);
	va_copy(copy, ap);
	if (log_to_syslog)
		vsyslog(level, fmt, copy);
	va_end(copy);
	/* syslog() reaches the journal already: no second copy there. */
	if (!log_to_syslog || (log_copy_stderr && !journal)) {
		if (journal)
			fprintf(stderr, "<%d>", level);
		fprintf(stderr, "%s: ", program_invocation_short_name);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

int addr6_parse(const char *str, struct in6_addr *addr)
{
	if (!str || inet_pton(AF_INET6, str, addr) != 1)
		return -EINVAL;
	return 0;
}

const char *addr6_str(const struct in6_addr *addr, struct addr6_buf *buf)
{
	if (!inet_ntop(AF_INET6, addr, buf->s, sizeof(buf->s)))
		snprintf(buf->s, sizeof(buf->s), "?");
	return buf->s;
}

const char *addr6_unusable_reason(const struct in6_addr *addr)
{
	if (IN6_IS_ADDR_UNSPECIFIED(addr))
		return "unspecified";
	if (IN6_IS_ADDR_MULTICAST(addr))
		return "multicast";
	if (IN6_IS_ADDR_LOOPBACK(addr))
		return "loopback";
	return NULL;
}

struct json_object *addr6_json(const struct in6_addr *addr)
{
	struct addr6_buf buf;

	return json_object_new_string(addr6_str(addr, &buf));
}

unsigned long long mono_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

bool log_class_allowed(struct log_class *c, const char *where, int level)
{
	unsigned long long now;

	if (!log_enabled(level))
		return false;
	now = mono_now_ns();
	if (now - c->window_ns >= 1000000000ULL) {
		if (c->suppressed)
			log_msg(LOG_NOTICE, "%llu more log lines from %s() suppressed",
				c->suppressed, where);
		c->window_ns = now;
		c->lines = 0;
		c->suppressed = 0;
	}
	if (c->lines < LOG_PACKET_LINES) {
		c->lines++;
		return true;
	}
	c->suppressed++;
	return false;
}
