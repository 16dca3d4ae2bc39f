/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ro.h - mobile node route optimisation (ro.c): the Binding Update List
 * entries for correspondent nodes, return routability and the "ro" map.
 * A part of the mobile node: mn.c starts it after attaching (NULL for
 * policy "none": every call then does nothing), hands it HoT, CoT, and the
 * BA, BRR and BE a correspondent sends, tells it when the home registration
 * changed care-of address or was lost (ro_moved) and when it is home again
 * (ro_home), and adds its entries to `bul show`.
 */
#ifndef XMIP6_RO_H
#define XMIP6_RO_H

#include <stdbool.h>
#include <netinet/in.h>

#include "roles/mn.h"

struct daemon;
struct json_object;
struct mh_msg;
struct ro;
struct sig_rx;

/* *@ro, or NULL for policy "none". 0 or -errno, logged. */
int ro_start(struct daemon *d, struct ro **ro);
void ro_stop(struct ro *ro);

/* HoT, CoT, or a BA, BRR or BE from a correspondent; @w: where we are now. */
void ro_receive(struct ro *ro, const struct sig_rx *rx, const struct mh_msg *msg,
		const struct mn_where *w);
void ro_tick(struct ro *ro, const struct mn_where *w, unsigned long long now_ns);
void ro_moved(struct ro *ro);
void ro_home(struct ro *ro);

/* True when @addr (a BA's, BRR's or BE's source) is a correspondent in the list. */
bool ro_is_correspondent(const struct ro *ro, const struct in6_addr *addr);
/* One object per correspondent appended to @arr (`bul show`). */
void ro_bul_json(const struct ro *ro, struct json_object *arr);

#endif /* XMIP6_RO_H */
