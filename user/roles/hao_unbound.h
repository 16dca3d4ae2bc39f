/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hao_unbound.h - the answer of every role to a data packet with a Home
 * Address option and no binding (RFC 6275 section 9.3.1), which the data
 * plane drops and hands up flagged XMIP6_SIGNAL_F_HAO_UNBOUND: a Binding
 * Error status 1 (section 9.3.3), rate-limited. Every role that serves
 * such packets registers it through hao_unbound_reg().
 */
#ifndef XMIP6_HAO_UNBOUND_H
#define XMIP6_HAO_UNBOUND_H

#include <stddef.h>

struct daemon;

/*
 * Registers the answer with the daemon, once however many roles the node
 * runs ask for it: 0 or -errno.
 */
int hao_unbound_reg(struct daemon *d);

#endif /* XMIP6_HAO_UNBOUND_H */
