#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_cluster_homelink.sh - three home agents of one cluster on one home
# link (selftests/lib/cluster_rig.sh with CL_HOME_LINK=1): what the store
# holds is defended on the home link by every home agent, as a local
# registration would be (RFC 6275 section 10.4.1), and what leaves the
# store stops being defended everywhere. Proxy entries are read from each
# home agent's kernel table (ip -6 neigh show proxy), not the daemon's
# word; a Neighbor Solicitation from a host on the link (Scapy,
# selftests/peers/nd_probe.py) gets an answer while the binding lives.
#
# TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=selftests/lib/cluster_rig.sh
. selftests/lib/cluster_rig.sh

CL_HOME_LINK=1
cl_begin "xmch$$-"

proxy_on() { ip -n "$(xm_ns "$1")" -6 neigh show proxy dev home0 | grep -q "^$2 "; }
# proxies HOA yes|no: every home agent has (or lacks) HOA's proxy entry.
proxies() {
	local ha ok=0
	for ha in ha1 ha2 ha3; do
		if proxy_on "$ha" "$1"; then
			echo "$ha: proxy entry for $1"
			[ "$2" = yes ] || ok=1
		else
			echo "$ha: no proxy entry for $1"
			[ "$2" = no ] || ok=1
		fi
	done
	return "$ok"
}

t "BU for $CL_HOA1 to ha1 (proxy DAD first): BA 0" cl_bu_ok 0 ha1 "$CL_HOA1" 1
t "every map has it" xm_retry 50 0.2 cl_all_maps "$CL_HOA1" "$CL_COA 1"
t "every home agent defends it on the home link" xm_retry 50 0.2 proxies "$CL_HOA1" yes
# ns_answered HOA TRIES: a host on the link solicits HOA, an NA comes back.
ns_answered() {
	ip netns exec "$(xm_ns hh)" "$XM_PYTHON" selftests/peers/nd_probe.py ns eth0 "$CL_HH" "$1" "$2"
}
t "a host's Neighbor Solicitation for it is answered" ns_answered "$CL_HOA1" 5
t "deregistered through ha2: BA 0" cl_bu_ok 0 ha2 "$CL_HOA1" 2 --lifetime 0
t "no home agent defends it any more" xm_retry 50 0.2 proxies "$CL_HOA1" no
t "a Neighbor Solicitation for it is not answered (3 tries)" eval '! ns_answered "$CL_HOA1" 3' 
t "an 8 s registration of $CL_HOA2 at ha3: BA 0" cl_bu_ok 0 ha3 "$CL_HOA2" 1 --lifetime 8
t "defended everywhere" xm_retry 50 0.2 proxies "$CL_HOA2" yes
t "its lease ends: defended nowhere" xm_retry 150 0.2 proxies "$CL_HOA2" no
t "and in no map" cl_all_maps "$CL_HOA2" absent

finish
