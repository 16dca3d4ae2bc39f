#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh - a mobile node roams between two visited networks and
# comes home, while a correspondent node streams to its home address:
#
#   CN (xmip6d, correspondent) --- R1 ----- R2 (visited 2001:db8:20::/64, radvd)
#           |  \--- R3 (visited 2001:db8:30::/64, radvd)
#           | home link 2001:db8:1::/64 (radvd, H bit)
#           +-- HA (xmip6d)
#   MN (xmip6d): its one link is moved R2 -> R3 -> R2 -> R3 -> home.
#
# Nothing tells the MN it moved: it notices from link events and Router
# Advertisements, takes its care-of address from the kernel's SLAAC,
# registers it with the HA and switches its XDP/TC data plane. With route
# optimisation on, it also runs return routability with the CN and
# registers there, so that CN and MN talk directly (type 2 routing header,
# Home Address option) instead of through the HA. For each handover the demo
# prints the time to detect the move, to register, to route-optimise again,
# the interruption of a 50-per-second ping, the pings lost, and whether the
# TCP stream survived. Everything lives in namespaces it creates and removes
# (also on Ctrl-C); it touches no real network. Bounded: about a minute.
#
# Usage: scripts/demo.sh     (root; `make demo` builds first)
set -u
cd "$(dirname "$0")/.." || exit 1
XM_TOPO=roam
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=scripts/demo_lib.sh
. scripts/demo_lib.sh

KEY=00112233445566778899aabbccddeeff
STREAM_BYTES=2400000 # paced at 120 kB/s: about 20 s
MOVES="r3 r2 r3 r1"

# The MN's Binding Update List entry for the CN: its state ("" if none).
ro_state() {
	xm_dctl mn -j bul show |
		jget "next((e['state'] for e in d['bul'] if e.get('peer') == '$XM_CN_ADDR'), '')"
}
ro_bound() { [ "$(ro_state 2>/dev/null)" = bound ]; }
rx_size() { stat -c %s "$XM_TMP/stream.rx" 2>/dev/null || echo 0; }
rx_has_data() { [ "$(rx_size)" -gt 0 ]; }

demo_start "xmdemo$$-"

step "Building the network (namespaces ${XM_PFX}*)"
cat <<EOF
   CN $XM_CN_ADDR --- R1 --- R2  visited network $XM_VISIT_PREFIX
                       |  \\-- R3  visited network $XM_VISIT3_PREFIX
                       +-- home link $XM_HOME_PREFIX: HA $XM_HA_ADDR
   The MN's home address is $XM_HOA. Its one interface starts at R2;
   the demo moves the other end of its cable between R2, R3 and home.
EOF
xm_topo_up || fail "could not build the topology"
# The CN runs XDP on its interface: its veth peer gets NAPI (see topology.sh).
xm_peer_napi r1 "$XM_R1_CN_IF" || fail "could not prepare the CN's link"

step "Routers advertise (radvd, fast movement detection settings)"
xm_radvd_start r2 "$XM_VISIT_BRIDGE" "$XM_VISIT_PREFIX" &&
	xm_radvd_start r3 "$XM_VISIT_BRIDGE" "$XM_VISIT3_PREFIX" &&
	xm_radvd_start r1 "$XM_R1_BRIDGE" "$XM_HOME_PREFIX" home || fail "radvd did not start"
say "RAs every 0.2-0.5 s with the Advertisement Interval option; on the home"
say "link also the H bit and Home Agent Information. R2's configuration:"
sed 's/^/      /' "$XM_TMP/radvd-r2.conf"

step "Starting xmip6d: home agent, correspondent and mobile node, each from its config file"
xm_write_confs "$KEY" info 'route-optimization = "all";' && xm_write_cn_conf info ||
	fail "could not write the configurations"
sed 's/^/      /; s/key = "[0-9a-f]*"/key = "..."/' "$XM_TMP/mn.conf"
xm_daemon ha "$XM_TMP/ha.conf" "$XM_TMP/ha.log"
xm_retry 50 0.1 test -S "$XM_TMP/ha.sock" || fail "HA daemon did not start"
xm_daemon cn "$XM_TMP/cn.conf" "$XM_TMP/cn.log"
xm_retry 50 0.1 test -S "$XM_TMP/cn.sock" || fail "CN daemon did not start"
xm_daemon mn "$XM_TMP/mn.conf" "$XM_TMP/mn.log"
xm_retry 50 0.1 test -S "$XM_TMP/mn.sock" || fail "MN daemon did not start"
xm_retry 100 0.1 coa_in 2001:db8:20: || fail "the MN did not register at R2"
say "The kernel configured a care-of address from R2's RA (SLAAC):"
ip -n "$(xm_ns mn)" -6 addr show dev "$XM_MN_IF" scope global | sed 's/^/      /'
say "...and the MN registered it with the HA:"
xm_dctl ha binding show | sed 's/^/      /'
say "The MN's own traffic leaves from its home address (preferred source):"
ip -n "$(xm_ns mn)" -6 route get "$XM_CN_ADDR" | sed 's/^/      /'

step "Traffic from the CN to the home address: ping (50/s) and a TCP stream"
head -c "$STREAM_BYTES" /dev/urandom >"$XM_TMP/stream.data"
cat >"$XM_TMP/sender.py" <<'EOF'
import socket, sys, time
data = open(sys.argv[1], "rb").read()
s = socket.create_connection((sys.argv[2], 5001))
for off in range(0, len(data), 12000):
    s.sendall(data[off:off + 12000])
    time.sleep(0.1)
s.shutdown(socket.SHUT_WR)
s.recv(1)
EOF
xm_bg mn timeout 120 socat -u "TCP6-LISTEN:5001,bind=[$XM_HOA],reuseaddr" \
	"CREATE:$XM_TMP/stream.rx"
server=$XM_LAST_PID
xm_retry 50 0.1 sh -c "ip netns exec '$(xm_ns mn)' ss -Hltn 'sport = :5001' | grep -q ." ||
	fail "TCP server did not start"
xm_bg cn timeout 120 "$XM_PYTHON" "$XM_TMP/sender.py" "$XM_TMP/stream.data" "$XM_HOA"
client=$XM_LAST_PID
ip netns exec "$(xm_ns cn)" ping -n -D -i 0.02 -w 60 "$XM_HOA" >"$XM_TMP/ping.txt" 2>&1 &
ping_pid=$!
XM_PIDS+=("$ping_pid")
xm_retry 50 0.1 rx_has_data || fail "no TCP data arrives"
say "TCP connected; data arriving at the MN."

step "Route optimisation: the MN's replies to the CN start return routability"
xm_retry 100 0.05 ro_bound || fail "the MN did not route-optimise with the CN"
say "HoTI through the HA, CoTI direct, then a BU to the CN; the MN's list:"
xm_dctl mn bul show | sed 's/^/      /'
say "...and the CN's binding cache (the same pinned BPF map as the HA's):"
xm_dctl cn binding show | sed 's/^/      /'
ha0=$(dp_stat ha ha_encap_fwd)
rh0=$(dp_stat cn cn_rh2_insert)
sleep 1
say "in the next second the CN sent $(($(dp_stat cn cn_rh2_insert) - rh0)) packets straight to the"
say "care-of address (type 2 routing header) and the HA tunnelled $(($(dp_stat ha ha_encap_fwd) - ha0))."
sleep 1

step "Roaming"
: >"$XM_TMP/moves"
n=0
for to in $MOVES; do
	n=$((n + 1))
	from=$XM_ROAM_AT
	mark=$(wc -l <"$XM_TMP/mn.log")
	t0=$(date +%s.%N)
	xm_roam_move "$to" || fail "moving the link to $to"
	if [ "$to" = r1 ]; then
		xm_retry 100 0.05 state_is home || fail "the MN did not deregister at home"
	elif [ "$to" = r3 ]; then
		xm_retry 100 0.05 coa_in 2001:db8:30: || fail "no registration at R3"
	else
		xm_retry 100 0.05 coa_in 2001:db8:20: || fail "no registration at R2"
	fi
	# Away from home, wait (bounded) for route optimisation to come back too.
	[ "$to" = r1 ] || xm_retry 100 0.05 ro_bound || say "(not route-optimised yet)"
	echo "$n $from $to $t0 $mark" >>"$XM_TMP/moves"
	name=$to
	[ "$to" = r1 ] && name="home"
	# At home there is no care-of address and, deregistered, no CN binding.
	if [ "$to" = r1 ]; then
		where="home, deregistered from the HA"
	else
		where="$(bul "['state']") with care-of address $(bul "['care_of_addr']")"
	fi
	with_cn=$(ro_state || true)
	say "handover $n: ${from^^} -> ${name^^}: $where; with the CN: ${with_cn:-no binding (direct)}"
	sleep 3
done

step "A link flap at home (down 1 s, up again on the same link)"
seq0=$(bul "['sequence']")
echo "F home flap $(date +%s.%N) $(wc -l <"$XM_TMP/mn.log")" >>"$XM_TMP/moves"
xm_roam_flap 1 || fail "flap"
sleep 2
seq1=$(bul "['sequence']")
if [ "$seq0" = "$seq1" ]; then
	say "no Binding Update: sequence number still $seq1 (the MN saw its router again)"
else
	say "UNEXPECTED: sequence number $seq0 -> $seq1"
fi

step "Waiting for the TCP stream to end"
demo_tcp_result "$client" "$server"
kill "$ping_pid" 2>/dev/null
wait "$ping_pid" 2>/dev/null

step "Per handover"
"$XM_PYTHON" scripts/handover_table.py "$XM_TMP/moves" "$XM_TMP/ping.txt" "$XM_TMP/mn.log" \
	--ro --tcp "$tcp_ok"
say ""
say "detect: from the link coming up to the Binding Update (RS, RA, kernel SLAAC);"
say "register: Binding Update to the accepting Binding Acknowledgement;"
say "RO: return routability and Binding Update with the CN, from the new home"
say "registration to the CN's acknowledgement (in between, the HA tunnel carries it);"
say "interruption: longest gap between ping replies around the move (ping every 20 ms);"
say "the flap row: the link was down for 1 s, so about 1 s of pings is lost, but"
say "the MN sees its router again and sends no Binding Update."
say "TCP: $bytes of $STREAM_BYTES bytes received, sha256 $got... (sent $sent...)"
if [ "$tcp_ok" = yes ]; then
	say "the TCP connection stayed up across every handover."
else
	say "the TCP stream did NOT complete"
fi

step "Back home: the HA and the CN keep no binding, traffic goes direct"
say "The home agent's binding cache (xmip6ctl binding show on the HA):"
xm_dctl ha binding show | sed 's/^/      /'
say "The correspondent's binding cache (xmip6ctl binding show on the CN):"
xm_dctl cn binding show | sed 's/^/      /'
say "Ping from the CN to the home address:"
xm_exec cn ping -n -c 3 -i 0.2 -w 3 "$XM_HOA" | tail -n 2 | sed 's/^/      /'

step "Done; removing the namespaces, daemons, radvd and pinned programs"
xm_cleanup
say "cleaned up."
[ "$tcp_ok" = yes ]
