// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_config.c - libFuzzer target: xmip6d configuration files (libconfig
 * syntax plus xmip6d's own checks) through config_load() and, for a file
 * that loads, the round trip `xmip6d --check` promises: what config_print()
 * writes loads again, and prints again as the same text (the same
 * settings: config_print() writes every one of them).
 *
 * Inputs naming other files (@include, key-file) are skipped: the target
 * must not wander the file system (a device file could block it).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"

static char path[64], printed[64];

static int write_file(const char *p, const void *data, size_t size)
{
	FILE *f = fopen(p, "we");

	if (!f)
		return -1;
	if (size && fwrite(data, size, 1, f) != 1) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

/* config_print() of @cfg, written to @file too; the text is malloc'ed. */
static char *print_config(const struct xmip6d_config *cfg, const char *file)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		abort();
	config_print(f, cfg);
	if (fclose(f) || (file && write_file(file, text, len)))
		abort();
	return text;
}

/* The two files go when the run ends (an abort keeps them, with the input). */
static void remove_files(void)
{
	unlink(path);
	unlink(printed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xmip6d_config cfg, again;
	char err[512], *text, *text_again;

	if (!path[0]) {
		umask(077); /* the inputs hold keys: perms.c refuses them world-readable */
		snprintf(path, sizeof(path), "/tmp/xmip6-fuzz-config.%d", (int)getpid());
		snprintf(printed, sizeof(printed), "/tmp/xmip6-fuzz-printed.%d", (int)getpid());
		atexit(remove_files);
	}
	if (memmem(data, size, "include", 7) || memmem(data, size, "key-file", 8))
		return 0;
	if (write_file(path, data, size))
		abort();
	if (config_load(path, &cfg, err, sizeof(err)))
		return 0;
	text = print_config(&cfg, printed);
	config_free(&cfg);
	/* A printed key is its length only (keys_redacted): still a valid file. */
	if (config_load(printed, &again, err, sizeof(err))) {
		fprintf(stderr, "config_print output does not load: %s\n%s", err, text);
		abort();
	}
	text_again = print_config(&again, NULL);
	config_free(&again);
	if (strcmp(text, text_again)) {
		fprintf(stderr, "config_print output loads to other settings:\n%s---\n%s", text,
			text_again);
		abort();
	}
	free(text_again);
	free(text);
	return 0;
}
