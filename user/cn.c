// SPDX-License-Identifier: GPL-2.0
/* cn.c - the correspondent node role (placeholder until written). */
#include <errno.h>

#include "daemon.h"
#include "util.h"

int cn_start(struct daemon *d)
{
	(void)d;
	pr_err("correspondent-node: not implemented yet");
	return -EOPNOTSUPP;
}

void cn_stop(struct daemon *d)
{
	(void)d;
}

void cn_receive(struct daemon *d, const struct sig_rx *rx, const struct mh_msg *msg)
{
	(void)d;
	(void)rx;
	(void)msg;
}

void cn_hao_unbound(struct daemon *d, const void *packet, size_t len, int ifindex)
{
	(void)d;
	(void)packet;
	(void)len;
	(void)ifindex;
}

void cn_tick(struct daemon *d, unsigned long long now_ns)
{
	(void)d;
	(void)now_ns;
}
