/* SPDX-License-Identifier: GPL-2.0 */
/*
 * roles.h - the roles xmip6d can run, for the event loop (xmip6d.c) to
 * walk: each starts when its configuration section is present, and
 * registers with the daemon what it takes part in (daemon.h).
 */
#ifndef XMIP6_ROLES_H
#define XMIP6_ROLES_H

#include <stdbool.h>

struct daemon;
struct xmip6d_config;

struct role {
	const char *name; /* the configuration section */
	bool (*enabled)(const struct xmip6d_config *cfg);
	/* 0 or -errno, logged. What it registered before failing is stopped
	 * with the daemon. */
	int (*start)(struct daemon *d);
};

/* Ended by a NULL name. */
extern const struct role roles[];

/*
 * Control-socket commands only some roles answer, and the error every
 * other node gives (-EOPNOTSUPP): register those no running role took.
 */
int roles_ctl_absent_reg(struct daemon *d);

#endif /* XMIP6_ROLES_H */
