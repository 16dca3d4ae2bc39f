/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* bench.h - what bench.bpf.c and xmbench.c share (see bench.bpf.c). */
#ifndef XMIP6_BENCH_H
#define XMIP6_BENCH_H

#include <linux/types.h>

#define TMPL_MAX 256

/* Set by xmbench.c through the skeleton's .bss. */
struct bench_cfg {
	__u32 len;	  /* template length (the frame as it must enter) */
	__u32 spread_n;	  /* number of home addresses; 0 or 1 = the template's */
	__u32 spread_off; /* offset of the home address in the frame */
	__u32 csum_off;	  /* xdp_gen: offset of the UDP checksum, 0 = none */
	__u32 ifindex;	  /* xdp_gen, xdp_redirect, xdp_naive_encap: redirect target */
	__u32 seed;	  /* home address i = prefix:hash(seed, i) */
	__u8 dmac[6];	  /* xdp_redirect, xdp_naive_encap */
	__u8 smac[6];	  /* xdp_redirect, xdp_naive_encap */
	__u8 fib_src[16]; /* xdp_fib: outer source and destination */
	__u8 fib_dst[16];
	__u8 outer_src[16]; /* xdp_naive_encap: the tunnel's source and destination */
	__u8 outer_dst[16];
	__u8 tmpl[TMPL_MAX];
};

#endif /* XMIP6_BENCH_H */
