// SPDX-License-Identifier: GPL-2.0
/* ro.c - mobile node route optimisation (placeholder until written). */
#include "daemon.h"

int ro_start(struct daemon *d)
{
	(void)d;
	return 0;
}

void ro_stop(struct daemon *d)
{
	(void)d;
}

void ro_receive(struct daemon *d, const struct sig_rx *rx, const struct mh_msg *msg)
{
	(void)d;
	(void)rx;
	(void)msg;
}

void ro_tick(struct daemon *d, unsigned long long now_ns)
{
	(void)d;
	(void)now_ns;
}

void ro_moved(struct daemon *d)
{
	(void)d;
}

void ro_home(struct daemon *d)
{
	(void)d;
}

bool ro_is_correspondent(const struct daemon *d, const struct in6_addr *addr)
{
	(void)d;
	(void)addr;
	return false;
}

void ro_bul_json(const struct daemon *d, struct json_object *arr)
{
	(void)d;
	(void)arr;
}
