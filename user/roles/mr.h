/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mr.h - the mobile router role (mr.c, RFC 3963 NEMO Basic Support): a
 * mobile node (mn.c) that carries the mobile networks behind it through
 * its tunnel to the home agent.
 */
#ifndef XMIP6_MR_H
#define XMIP6_MR_H

struct daemon;

/* 0 or -errno, logged. */
int mr_start(struct daemon *d);

#endif /* XMIP6_MR_H */
