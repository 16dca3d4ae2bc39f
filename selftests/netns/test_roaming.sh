#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_roaming.sh - movement detection from Router Advertisements:
#
#   CN --- R1 ----- R2 brvisit 2001:db8:20::/64  (radvd)
#           |  \--- R3 brvisit 2001:db8:30::/64  (radvd)
#           | brhome 2001:db8:1::/64 (radvd, home prefix, H bit)
#           +-- HA
#   MN eth0: its link (the veth peer end) is moved between the three.
#
# The MN's addresses come from the kernel's SLAAC only; the test never
# changes them. xmip6d must notice each move from RAs and link events,
# register the new care-of address, keep a TCP connection up over three
# moves, ignore a link flap on the same network, and deregister at home.
# TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
XM_TOPO=roam
# shellcheck source=scripts/topology.sh
. scripts/topology.sh

# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

KEY_MN=00112233445566778899aabbccddeeff
STREAM_BYTES=3000000


write_configs() { xm_write_confs "$KEY_MN" debug "lifetime = 600;"; }

hstat() { xm_dctl ha -j stats show | jget "d$1"; }
bul() { xm_dctl mn -j bul show | jget "d['bul'][0]$1"; }
ha_coa() { xm_dctl ha -j binding show home-address "$XM_HOA" | jget "[b['care_of_addr'] for b in d['bindings']]"; }

# registered_in PREFIX: the MN's binding (BUL and HA) has a CoA in PREFIX (e.g. 2001:db8:30:).
registered_in() {
	local s c h
	s=$(bul "['state']") && c=$(bul "['care_of_addr']") && h=$(ha_coa) || return 1
	echo "state $s coa $c ha $h"
	[ "$s" = registered ] && [ "${c#"$1"}" != "$c" ] && echo "$h" | grep -qF "'$1"
}

wait_registered_in() { xm_retry 100 0.1 registered_in "$1"; }

start_daemons() {
	xm_start_daemon ha HA_PID && xm_start_daemon mn MN_PID && kill -0 "$HA_PID"
}

start_routers() {
	xm_radvd_start r2 "$XM_VISIT_BRIDGE" "$XM_VISIT_PREFIX" &&
		xm_radvd_start r3 "$XM_VISIT_BRIDGE" "$XM_VISIT3_PREFIX" &&
		xm_radvd_start r1 "$XM_R1_BRIDGE" "$XM_HOME_PREFIX" home
}

# No address was ever set on the MN by hand: the CoA is the kernel's SLAAC one.
coa_from_slaac() {
	local out
	out=$(ip -n "$(xm_ns mn)" -6 addr show dev "$XM_MN_IF" scope global) || return 1
	echo "$out"
	echo "$out" | grep -q "inet6 2001:db8:20:.*dynamic"
}

# The TCP stream: CN sends STREAM_BYTES paced over ~25 s to the home address.
tcp_start() { xm_tcp_stream_start "$STREAM_BYTES"; }

tcp_established() {
	ip netns exec "$(xm_ns cn)" ss -Htn state established "dport = :5001" | grep -q .
}

tcp_done() { xm_tcp_stream_done; }

move_and_register() {
	local to=$1 prefix=$2 grew
	xm_roam_move "$to" || return 1
	wait_registered_in "$prefix" || return 1
	tcp_established || { echo "TCP connection gone"; return 1; }
	# The stream moves on at the new place.
	grew=$(stat -c %s "$XM_TMP/stream.rx")
	xm_retry 50 0.1 rx_grew_beyond "$grew"
}

rx_grew_beyond() { [ "$(stat -c %s "$XM_TMP/stream.rx")" -gt "$1" ]; }

# The MN said why: every registration after a move follows a router event
# (an RA from a new router, a known router answering or back, a router lost
# to neighbour unreachability detection, or the default route moved to the
# router whose RA it chose), not an address change by hand. Which of these
# it logs depends on how fast the old router's NUD ends against the new
# router's RA, and on whether the new router was already known.
detected_from_ras() {
	grep -E "movement: (new router|router .* (answered|lost|is back))" "$XM_TMP/mn.log" |
		tail -n 8
	"$XM_PYTHON" - "$XM_TMP/mn.log" <<'EOF'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
regs = [i for i, l in enumerate(lines) if re.search(r"care-of address \S+ on \S+: registering", l)]
event = re.compile(r"movement: (new router|router \S+ (answered|on \S+ lost|on \S+ is back)"
                   r"|default route via)")
moves = 0
for prev, cur in zip(regs, regs[1:]):
    if not any(event.search(l) for l in lines[prev + 1:cur]):
        print("registration without a router event before it:", lines[cur])
        print("the log since the registration before it:")
        print("\n".join(lines[prev:cur + 1]))
        sys.exit(1)
    moves += 1
print("%d registrations after a move, each after a router event" % moves)
sys.exit(0 if moves >= 3 and any("movement detected in" in l for l in lines) else 1)
EOF
}

# Smooth handoff: a previous CoA is removed only after the BA of the new one,
# never before. The old router's NUD ends some time after a move; once the
# last move's previous CoA is gone, every removal so far is checked.
last_previous_removed() {
	"$XM_PYTHON" - "$XM_TMP/mn.log" <<'EOF'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
last = max(i for i, l in enumerate(lines) if re.search(r"registered \S+ via ", l))
sys.exit(0 if any("previous care-of address" in l for l in lines[last:]) else 1)
EOF
}

smooth_handoff() {
	xm_retry 100 0.1 last_previous_removed || echo "the last move's previous CoA stayed"
	"$XM_PYTHON" - "$XM_TMP/mn.log" <<'EOF'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
ok = 0
for i, l in enumerate(lines):
    m = re.search(r"previous care-of address (\S+) removed", l)
    if not m:
        continue
    # The last registration before this line names another CoA.
    reg = [x for x in lines[:i] if re.search(r"registered \S+ via ", x)]
    if reg and m.group(1) not in reg[-1]:
        ok += 1
    else:
        print("removed before the new BA:", l)
        sys.exit(1)
print("%d previous care-of addresses removed after the new BA" % ok)
sys.exit(0 if ok >= 1 else 1)
EOF
}

flap_no_reregistration() {
	local seq0 seq1 coa0 coa1 bu0 bu1 back0 back1
	seq0=$(bul "['sequence']") && coa0=$(bul "['care_of_addr']") || return 1
	bu0=$(grep -c "care-of address .* registering" "$XM_TMP/mn.log")
	back0=$(grep -c "movement: router .* is back" "$XM_TMP/mn.log")
	xm_roam_flap 1 || return 1
	sleep 3
	seq1=$(bul "['sequence']") && coa1=$(bul "['care_of_addr']") || return 1
	bu1=$(grep -c "care-of address .* registering" "$XM_TMP/mn.log")
	back1=$(grep -c "movement: router .* is back" "$XM_TMP/mn.log")
	echo "seq $seq0 -> $seq1, coa $coa0 -> $coa1, registrations $bu0 -> $bu1"
	grep -E "movement: " "$XM_TMP/mn.log" | tail -n 6
	# The 1 s outage outlasts NUD: the router was lost and came back
	# (the detection ran), and that alone sent no BU.
	[ "$back1" -gt "$back0" ] &&
		[ "$seq0" = "$seq1" ] && [ "$coa0" = "$coa1" ] && [ "$bu0" = "$bu1" ] &&
		[ "$(bul "['state']")" = registered ]
}

# The MN's own new connections carry the home address as source.
hoa_preferred_source() {
	local out peer
	out=$(ip -n "$(xm_ns mn)" -6 route get "$XM_CN_ADDR") || return 1
	echo "$out"
	echo "$out" | grep -q "src $XM_HOA " || return 1
	xm_bg cn timeout 10 socat -u "TCP6-LISTEN:5002,reuseaddr" \
		"SYSTEM:echo \$SOCAT_PEERADDR >$XM_TMP/peer.txt"
	xm_retry 50 0.1 sh -c "ip netns exec '$(xm_ns cn)' ss -Hltn 'sport = :5002' | grep -q ." ||
		return 1
	xm_exec mn timeout 5 socat -u OPEN:/dev/null "TCP6:[$XM_CN_ADDR]:5002" || return 1
	xm_retry 30 0.1 test -s "$XM_TMP/peer.txt" || return 1
	peer=$("$XM_PYTHON" -c 'import ipaddress,sys; print(ipaddress.ip_address(sys.argv[1].strip("[]\n")))' "$(cat "$XM_TMP/peer.txt")")
	echo "CN saw the connection from $peer"
	[ "$peer" = "$XM_HOA" ]
}

state_is() { [ "$(bul "['state']")" = "$1" ]; }

go_home() {
	xm_roam_move r1 || return 1
	xm_retry 100 0.1 state_is home
}

deregistered() {
	local n
	state_is home || return 1
	n=$(xm_dctl ha -j binding show home-address "$XM_HOA" | jget "len(d['bindings'])") || return 1
	echo "HA bindings for $XM_HOA: $n"
	[ "$n" = 0 ] && grep -q "deregistered from" "$XM_TMP/mn.log"
}

direct_at_home() {
	local before after
	before=$(hstat "['dataplane']['ha_encap_fwd']+d['dataplane']['ha_encap_stack']") || return 1
	xm_retry 10 0.5 xm_ping_ok cn 3 "$XM_HOA" >/dev/null || return 1
	xm_ping_ok cn 5 "$XM_HOA" || return 1
	after=$(hstat "['dataplane']['ha_encap_fwd']+d['dataplane']['ha_encap_stack']") || return 1
	echo "encapsulated while home: $((after - before))"
	[ "$after" -eq "$before" ]
}

# shellcheck disable=SC2120 # the other roaming tests pass tools
# roam_start [TOOL...]: how the roaming tests begin: the whole file skipped
# without xmip6d, radvd or a TOOL; the rig, the configurations, the routers.
roam_start() {
	local tool
	xm_init
	[ -x "$XM_D_BIN" ] || { echo "1..0 # SKIP $XM_D_BIN not built"; exit 0; }
	for tool in radvd "$@"; do
		command -v "$tool" >/dev/null || { echo "1..0 # SKIP $tool not installed"; exit 0; }
	done
	t_fatal "roaming topology comes up" xm_topo_up
	write_configs
	t_fatal "radvd on R2, R3 and the home link" start_routers
}

main() {
	roam_start
	t_fatal "HA and MN daemons start" start_daemons
	t_fatal "MN registers a care-of address in R2's prefix" wait_registered_in 2001:db8:20:
	t "the care-of address is the kernel's SLAAC address" coa_from_slaac
	t "home address is the preferred source of the MN's new connections" hoa_preferred_source
	t_fatal "TCP stream CN -> home address starts" tcp_start
	t "move 1: R2 -> R3, registered in R3's prefix, TCP alive" move_and_register r3 2001:db8:30:
	t "move 2: R3 -> R2, registered in R2's prefix, TCP alive" move_and_register r2 2001:db8:20:
	t "move 3: R2 -> R3, registered in R3's prefix, TCP alive" move_and_register r3 2001:db8:30:
	t "TCP stream complete after 3 moves, sha256 equal" tcp_done
	t "moves detected from RAs and router loss" detected_from_ras
	t "smooth handoff: previous care-of address kept until the new BA" smooth_handoff
	t "link flap on the same network: no new registration" flap_no_reregistration
	t "MN returns home: state home" go_home
	t "deregistered: no binding at the HA" deregistered
	t "CN reaches the home address directly, no tunnel" direct_at_home
	finish
}

[ "${BASH_SOURCE[0]}" = "$0" ] && main
