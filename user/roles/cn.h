/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cn.h - the correspondent node role (cn.c): return routability (HoTI/CoTI
 * -> HoT/CoT), Binding Updates with the Nonce Indices and Binding
 * Authorization Data options (section 9.5), Binding Refresh Requests before
 * expiry, Binding Errors for packets with a Home Address option and no
 * binding. It registers everything with the daemon as it starts.
 */
#ifndef XMIP6_CN_H
#define XMIP6_CN_H

struct daemon;

/* 0 or -errno, logged. */
int cn_start(struct daemon *d);

#endif /* XMIP6_CN_H */
