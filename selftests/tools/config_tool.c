// SPDX-License-Identifier: GPL-2.0
/*
 * config_tool.c - the configuration loader (user/config/) from the shell,
 * for the large-configuration test (selftests/unit/test_config_scale.sh)
 * and the load-time curve (selftests/tools/config_curve.sh).
 *
 *	config_tool FILE [HOME-ADDRESS...]
 *		config_load(FILE); for each address, config_find_mn()'s entry:
 *		"ADDRESS spi=N key=HEX key-file=PATH|- line=N", or "ADDRESS none".
 *		A refused file: the loader's message on stderr, exit 1.
 *	config_tool -t FILE
 *		seconds (wall and CPU) of libconfig's config_read_file() and
 *		config_destroy() alone, of config_load() (which includes them),
 *		and of config_print() into /dev/null: where the time of
 *		`xmip6d --check` goes.
 */
#include <errno.h>
#include <libconfig.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "tool.h"

/* Wall and CPU seconds: on a busy machine the CPU time is what compares. */
struct stamp {
	double wall, cpu;
};

static struct stamp now(void)
{
	struct timespec w, c;

	clock_gettime(CLOCK_MONOTONIC, &w);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c);
	return (struct stamp){w.tv_sec + w.tv_nsec / 1e9, c.tv_sec + c.tv_nsec / 1e9};
}

static void print_phase(const char *name, struct stamp a, struct stamp b)
{
	printf("%s %.3f s (cpu %.3f s) ", name, b.wall - a.wall, b.cpu - a.cpu);
}

static int timings(const char *path)
{
	struct xmip6d_config cfg;
	char err[1024];
	config_t lc;
	struct stamp t0, t1, t2, t3;
	FILE *null;
	int ok;

	t0 = now();
	config_init(&lc);
	ok = config_read_file(&lc, path);
	config_destroy(&lc);
	t1 = now();
	if (!ok) {
		fprintf(stderr, "%s: libconfig cannot read it\n", path);
		return 1;
	}
	if (config_load(path, &cfg, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	t2 = now();
	null = fopen("/dev/null", "we");
	if (null) {
		config_print(null, &cfg);
		fclose(null);
	}
	t3 = now();
	print_phase("libconfig", t0, t1);
	print_phase("load", t1, t2);
	print_phase("print", t2, t3);
	printf("nodes %d\n", cfg.ha.n_mobile_nodes);
	config_free(&cfg);
	return 0;
}

int main(int argc, char **argv)
{
	const struct config_mn_entry *e;
	struct xmip6d_config cfg;
	char err[1024];
	int i;

	if (argc >= 3 && !strcmp(argv[1], "-t"))
		return timings(argv[2]);
	if (argc < 2)
		die("arguments: FILE [HOME-ADDRESS...] or -t FILE");
	if (config_load(argv[1], &cfg, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	for (i = 2; i < argc; i++) {
		struct in6_addr a = addr(argv[i]);

		e = config_find_mn(&cfg.ha, &a);
		if (!e) {
			printf("%s none\n", argv[i]);
			continue;
		}
		printf("%s spi=%u key-file=%s line=%d key=", argv[i], e->spi,
		       e->key_file ? e->key_file : "-", e->line);
		print_hex(e->key, e->key_len);
	}
	config_free(&cfg);
	return 0;
}
