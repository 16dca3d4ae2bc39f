/* SPDX-License-Identifier: GPL-2.0 */
/*
 * route.h - the kernel's route to an IPv6 address, asked once (RTM_GETROUTE).
 *
 * A correspondent that is a host cannot ask from BPF: bpf_fib_lookup()
 * answers only where forwarding is on (BPF_FIB_LKUP_RET_FWD_DISABLED), so
 * the binding carries the device of the route to its care-of address
 * (struct xmip6_binding.coa_ifindex, RFC 6275 sections 6.4, 9.3.2).
 */
#ifndef XMIP6_NET_ROUTE_H
#define XMIP6_NET_ROUTE_H

#include <netinet/in.h>

/* The output device of the route to @dst: its ifindex, or -errno. */
int route_oif6(const struct in6_addr *dst);
/* The same as a hint: 0 when there is no route or the kernel did not say. */
unsigned int route_oif6_hint(const struct in6_addr *dst);

#endif /* XMIP6_NET_ROUTE_H */
