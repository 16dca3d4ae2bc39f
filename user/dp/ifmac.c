// SPDX-License-Identifier: GPL-2.0
/*
 * ifmac.c - the "if_macs" map (headers/xmip6.h): each attached interface's
 * link-layer address, against which the XDP programs tell this host's
 * unicast frames from another host's (bpf/l2.h). See dataplane.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <bpf/bpf.h>

#include "common/util.h"
#include "dp/dataplane.h"
#include "dp/internal.h"

/* @ifname's Ethernet address; -EOPNOTSUPP for another link type. */
static int ether_addr_of(const char *ifname, __u8 addr[6])
{
	struct ifreq ifr = {0};
	int fd, err = 0;

	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		err = -errno;
	else if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		err = -EOPNOTSUPP;
	else
		memcpy(addr, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return err;
}

int dp_if_mac_update(const char *pin_dir, const char *ifname, unsigned int ifindex)
{
	struct xmip6_if_mac m = {0};
	struct bpf_map_info info;
	__u32 key = ifindex;
	int fd, err;

	if (ifindex >= XMIP6_IF_MACS_MAX) {
		pr_warn("%s: ifindex %u beyond the if_macs map (%u): frames for other hosts "
			"not filtered on it",
			ifname, ifindex, XMIP6_IF_MACS_MAX);
		return 0;
	}
	fd = dp_pinned_map_open(pin_dir, DP_MAP_IF_MACS, &info);
	if (fd == -ENOENT)
		return 0; /* loaded by an xmip6 without the map: nothing filters */
	if (fd < 0)
		return fd;
	/* Not Ethernet (or gone): no entry, so nothing is filtered on it. */
	m.set = !ether_addr_of(ifname, m.addr);
	err = bpf_map_update_elem(fd, &key, &m, BPF_ANY) ? -errno : 0;
	close(fd);
	if (err)
		pr_err("%s: if_macs update: %s", ifname, strerror(-err));
	return err;
}
