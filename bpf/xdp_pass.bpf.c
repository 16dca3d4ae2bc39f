// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xdp_pass.bpf.c - passes every frame. Not part of xmip6's data plane: the
 * test rig and the demo attach it to the veth peers of devices where xmip6
 * runs XDP, because a veth delivers XDP_TX/redirected frames only when its
 * peer runs NAPI with an XDP program (veth_xdp_xmit() needs the peer's rq).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}
