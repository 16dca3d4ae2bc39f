# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# nemo_rig.sh - the NEMO (RFC 3963) rig on top of the roaming rig of
# topology.sh, for selftests/netns/test_nemo_roaming.sh and
# scripts/demo_nemo.sh. Source it after scripts/topology.sh (XM_TOPO=roam).
#
#   CN --- R1 ----- R2 brvisit 2001:db8:20::/64  (radvd)
#           |  \--- R3 brvisit 2001:db8:30::/64  (radvd)
#           | brhome 2001:db8:1::/64 (radvd, H bit)
#           +-- HA (xmip6d home-agent; the MR's entry: mobile-router, prefixes)
#   MR (namespace "mn", xmip6d mobile-router): eth0 roams; lan0 is a bridge,
#   the ingress link of the mobile network 2001:db8:50::/64 (radvd there),
#   with two hosts H1, H2 (SLAAC; they never move).
#
# Routes an operator would set (docs/nemo.md): R1 sends the mobile network
# to the HA (the HA "owns" it, RFC 3963 section 6.1); the HA's kernel routes
# it to the MR's home address on the home link, which is what it does while
# the MR is at home; away, the HA's XDP takes the prefix to the tunnel first.

NEMO_MNP=2001:db8:50::/64
NEMO_MR_LAN_ADDR=2001:db8:50::1
NEMO_H1=
NEMO_H2=

# nemo_rig_up: the roaming rig, the mobile network behind the MR, the routes.
nemo_rig_up() {
	local h
	xm_topo_up || return 1
	ip -n "$(xm_ns mn)" link add lan0 type bridge forward_delay 0 &&
		ip -n "$(xm_ns mn)" link set lan0 up &&
		xm_addr mn lan0 "$NEMO_MR_LAN_ADDR/64" || return 1
	for h in h1 h2; do
		xm_add_ns "$h" && xm_link mn "lan-$h" "$h" eth0 &&
			ip -n "$(xm_ns mn)" link set "lan-$h" master lan0 &&
			xm_exec "$h" sysctl -qw net.ipv6.conf.eth0.accept_ra=1 \
				net.ipv6.conf.eth0.autoconf=1 || return 1
	done
	ip -n "$(xm_ns r1)" -6 route add "$NEMO_MNP" via "$XM_HA_ADDR" &&
		ip -n "$(xm_ns ha)" -6 route add "$NEMO_MNP" via "$XM_HOA" dev "$XM_HA_IF"
}

# nemo_write_confs KEY MODE LEVEL: the HA (the MR may register as a router
# and claim NEMO_MNP) and the MR (MODE explicit or implicit).
nemo_write_confs() {
	local key=$1 mode=$2 level=${3:-info}
	XM_HA_ENTRY="mobile-router = true; prefixes = [ \"$NEMO_MNP\" ];" \
		xm_write_confs "$key" "$level" &&
		nemo_mr_conf "$key" "$mode" "$level" "{ interface = \"lan0\"; prefix = \"$NEMO_MNP\"; }"
}

# nemo_mr_conf KEY MODE LEVEL NETWORKS [EXTRA]: the MR's $XM_TMP/mn.conf
# (role mn), NETWORKS the groups of its mobile-networks list, EXTRA more
# settings as they are.
nemo_mr_conf() {
	(
		umask 077
		cat >"$XM_TMP/mn.conf" <<EOF
log-level = "$3";
pin-dir = "$(xm_pin mn)";
control-socket = "$XM_TMP/mn.sock";
mobile-router = {
  home-address = "$XM_HOA";
  home-agent = "$XM_HA_ADDR";
  interfaces = [ "$XM_MN_IF" ];
  spi = 256;
  key = "$1";
  mobile-networks = ( $4 );
  mode = "$2";
  ${5:-}
};
EOF
	)
}

# nemo_radvd_conf: what the MR's radvd advertises on lan0 (docs/nemo.md):
# the mobile network prefix, the MR as default router. The hosts see the
# same prefix and router wherever the MR is.
nemo_radvd_conf() {
	printf '%s\n' "interface lan0 {" \
		"	AdvSendAdvert on;" \
		"	MinRtrAdvInterval 3;" \
		"	MaxRtrAdvInterval 4;" \
		"	prefix $NEMO_MNP {" \
		"		AdvOnLink on;" \
		"		AdvAutonomous on;" \
		"	};" \
		"};"
}

# nemo_radvd_start: radvd on the MR's lan0 (start it once the MR's xmip6d
# runs: radvd wants forwarding on), its PID recorded.
nemo_radvd_start() {
	local conf=$XM_TMP/radvd-mr.conf
	nemo_radvd_conf >"$conf" && chmod 600 "$conf" || return 1
	ip netns exec "$(xm_ns mn)" radvd -n -C "$conf" -p "$XM_TMP/radvd-mr.pid" -m logfile \
		-l "$XM_TMP/radvd-mr.log" </dev/null >/dev/null 2>&1 &
	XM_PIDS+=("$!")
}

# nemo_lan_up: radvd on lan0; both hosts take an address in the prefix by
# SLAAC (NEMO_H1, NEMO_H2) and the MR as default router.
nemo_lan_up() { nemo_radvd_start && xm_retry 100 0.1 nemo_hosts_addressed; }

nemo_host_addr() {
	ip -n "$(xm_ns "$1")" -6 -o addr show dev eth0 scope global |
		awk '$0 !~ /tentative/ {print $4}' | cut -d/ -f1 | grep '^2001:db8:50:' | head -n 1
}

nemo_hosts_addressed() {
	NEMO_H1=$(nemo_host_addr h1) && NEMO_H2=$(nemo_host_addr h2) &&
		[ -n "$NEMO_H1" ] && [ -n "$NEMO_H2" ] &&
		ip -n "$(xm_ns h1)" -6 route show default | grep -q via &&
		ip -n "$(xm_ns h2)" -6 route show default | grep -q via
}

# The TCP stream CN -> H1 is topology.sh's: xm_tcp_stream_start BYTES h1
# "$NEMO_H1", xm_tcp_stream_done.

# nemo_ping_start SECONDS: H2 pings the CN 50 times a second (timestamps).
# A count, not -w: with a deadline ping ends at the first ICMPv6 error, and
# the MR answers one (no route) while its link is down during a move.
nemo_ping_start() {
	ip netns exec "$(xm_ns h2)" timeout $(($1 + 10)) ping -n -D -i 0.02 -c $(($1 * 50)) \
		"$XM_CN_ADDR" >"$XM_TMP/ping.txt" 2>&1 &
	NEMO_PING=$!
	XM_PIDS+=("$NEMO_PING")
}

# nemo_table MOVES PING LOG: the per-handover table (scripts/handover_table.py).
nemo_table() { "$XM_PYTHON" scripts/handover_table.py "$@"; }
