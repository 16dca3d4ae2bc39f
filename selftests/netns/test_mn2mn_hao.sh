#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_mn2mn_hao.sh - the home agent between two mobile nodes, and a Home
# Address option without a binding at the home agent and the mobile node
# (RFC 6275 sections 10.4.2, 9.3.1):
#
#   CN --- R1 ------------- R2 --- MN  eth0 2001:db8:20::100 (xmip6d)
#           | brhome         \---- MN2 eth0 2001:db8:22::100 (Scapy)
#           +-- HA eth0 2001:db8:1::a (xmip6d)
#
# MN registers its home address 2001:db8:1::100 with the HA's daemon; the
# HA also holds a binding 2001:db8:1::101 -> 2001:db8:22::100 for MN2, a
# Scapy tunnel end point built from RFC 2473 / RFC 6275 here, not from
# xmip6. MN pings MN2's home address: each request must come out of the
# reverse tunnel at the HA and into the tunnel to MN2's care-of address
# (RFC 6275 sections 10.4.2, 10.4.5), never onto the home link; MN2
# answers through its own reverse tunnel, and ping counts the replies.
#
# Then MN2 sends packets with a Home Address option naming no binding to
# the HA and to MN's care-of address: each must draw a Binding Error status
# 1 carrying that home address (RFC 6275 sections 9.3.1, 9.3.3), never
# the kernel's Parameter Problem, and a burst of 50 at most the daemon's
# error rate. TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
XM_TOPO=daemon
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

KEY_MN=00112233445566778899aabbccddeeff
HOA2=2001:db8:1::101
COA2=2001:db8:22::100
R2_MN2_ADDR=2001:db8:22::1
MN2_PREFIX=2001:db8:22::/64
UNBOUND_HOA=2001:db8:1::1ff
PINGS=5

xm_init

hstat() { xm_dctl ha -j stats show | jget "d$1"; }
bul_is() {
	local s
	s=$(xm_dctl mn -j bul show | jget "d['bul'][0]['state']") && echo "$s" && [ "$s" = "$1" ]
}

# MN2: a namespace of its own behind R2, no xmip6 at all.
mn2_up() {
	xm_add_ns mn2 && xm_link r2 mn2 mn2 eth0 &&
		xm_addr r2 mn2 "$R2_MN2_ADDR/64" && xm_addr mn2 eth0 "$COA2/64" &&
		ip -n "$(xm_ns mn2)" -6 route add default via "$R2_MN2_ADDR" &&
		ip -n "$(xm_ns r1)" -6 route add "$MN2_PREFIX" via "$XM_R2_R1_ADDR" &&
		xm_retry 50 0.1 xm_ns_ready mn2
}

start_daemons() {
	xm_start_daemon ha HA_PID && xm_start_daemon mn MN_PID &&
		xm_retry 100 0.1 bul_is registered
}

# MN2's binding at the HA, as a BU from it would leave it (RFC 6275 10.3.1);
# MN2 is no listed mobile node: the operator adds its binding.
bind_mn2() {
	xm_dctl ha binding add "$HOA2" "$COA2" lifetime 300 &&
		xm_dctl ha -j binding show home-address "$HOA2" |
		jget "[b['care_of_addr'] for b in d['bindings']]" | grep -qF "'$COA2'"
}

# -- MN2, the Scapy tunnel end point -------------------------------------------

# The responder: every IPv6-in-IPv6 packet to COA2 is recorded (outer and
# inner addresses, inner hop limit); an echo request inside is answered with
# an echo reply from the home address, reverse-tunnelled to the outer source
# (RFC 2473 section 3, RFC 6275 section 11.3.1). Stops after N requests or
# its deadline; writes JSON.
cat >"$XM_TMP/mn2_tunnel.py" <<'EOF'
import json, socket, sys, time
import logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.layers.inet6 import IPv6, ICMPv6EchoRequest, ICMPv6EchoReply
from scapy.packet import Raw
from scapy.sendrecv import AsyncSniffer, send

coa, hoa, n, deadline, out, ready = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
    float(sys.argv[4]), sys.argv[5], sys.argv[6]
seen = []

def on_packet(p):
    if IPv6 not in p or p[IPv6].dst != coa or p[IPv6].nh != 41:
        return
    outer = p[IPv6]
    inner = IPv6(bytes(outer.payload))
    rec = {"outer_src": outer.src, "outer_dst": outer.dst, "inner_src": inner.src,
           "inner_dst": inner.dst, "inner_hlim": inner.hlim,
           "echo": ICMPv6EchoRequest in inner}
    seen.append(rec)
    if rec["echo"] and inner.dst == hoa:
        req = inner[ICMPv6EchoRequest]
        reply = IPv6(src=hoa, dst=inner.src, hlim=64) / \
            ICMPv6EchoReply(id=req.id, seq=req.seq, data=bytes(req.data))
        send(IPv6(src=coa, dst=outer.src, nh=41, hlim=64) / reply, verbose=False)

sn = AsyncSniffer(iface="eth0", filter="ip6", prn=on_packet, store=False,
                  started_callback=lambda: open(ready, "w").close())
sn.start()
end = time.time() + deadline
while time.time() < end and sum(r["echo"] for r in seen) < n:
    time.sleep(0.05)
time.sleep(0.3)
sn.stop()
json.dump(seen, open(out, "w"))
EOF

# The HAO sender: COUNT echo requests from COA2 with a Home Address option
# naming HOA (RFC 6275 section 6.3) to DST; what DST sends back within WAIT
# seconds is classified: Binding Errors (status, home address, checksum
# recomputed here, RFC 6275 section 6.1.1), Parameter Problems, echo replies.
cat >"$XM_TMP/hao_sender.py" <<'EOF'
import json, socket, sys, time
import logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.layers.inet6 import (
    HAO, IPv6, IPv6ExtHdrDestOpt, ICMPv6EchoRequest, ICMPv6EchoReply, ICMPv6ParamProblem,
    MIP6MH_BE,
)
from scapy.sendrecv import AsyncSniffer, send

src, dst, hoa, count, wait = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), \
    float(sys.argv[5])
sn = AsyncSniffer(iface="eth0", filter="ip6 and src host %s" % dst, store=True)
sn.start()
time.sleep(0.5)
pkts = [IPv6(src=src, dst=dst) / IPv6ExtHdrDestOpt(options=[HAO(hoa=hoa)]) /
        ICMPv6EchoRequest(id=0x4d32, seq=i) for i in range(count)]
# Built by Scapy, sent by a raw socket (header included): Scapy's send()
# took 1.6 s for 50 on a loaded machine, no burst at all.
raw = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
frames = [bytes(p) for p in pkts]
t0 = time.monotonic()
for f in frames:
    raw.sendto(f, (dst, 0))
sent_s = time.monotonic() - t0
time.sleep(wait)
got = sn.stop()
res = {"be": [], "param_problem": 0, "echo_replies": 0, "sent_s": round(sent_s, 4)}
for p in got:
    if MIP6MH_BE in p:
        be = p[MIP6MH_BE]
        again = IPv6(bytes(p[IPv6]))
        del again[MIP6MH_BE].cksum
        ok = IPv6(bytes(again))[MIP6MH_BE].cksum == be.cksum
        res["be"].append({"src": p[IPv6].src, "dst": p[IPv6].dst, "status": be.status,
                          "home_addr": be.ha, "checksum_ok": ok, "t": float(p.time)})
    elif ICMPv6ParamProblem in p:
        res["param_problem"] += 1
    elif ICMPv6EchoReply in p:
        res["echo_replies"] += 1
print(json.dumps(res))
EOF

# -- checks ---------------------------------------------------------------------

MN2_OUT=$XM_TMP/mn2_seen.json

# ping from MN's home address to MN2's: all answered, through both tunnels.
mn_pings_mn2() {
	local ready=$XM_TMP/mn2.ready
	rm -f "$ready" "$MN2_OUT"
	xm_bg mn2 timeout 40 "$XM_PYTHON" "$XM_TMP/mn2_tunnel.py" "$COA2" "$HOA2" "$PINGS" 25 \
		"$MN2_OUT" "$ready"
	MN2_PID=$XM_LAST_PID
	xm_retry 100 0.1 test -e "$ready" || { echo "responder not ready"; return 1; }
	FWD_BEFORE=$(hstat "['dataplane']['ha_decap_fwd']") || return 1
	xm_ping_ok mn "$PINGS" -I "$XM_HOA" "$HOA2"
	local rc=$?
	xm_wait_pid "$MN2_PID" 30
	return "$rc"
}

# What MN2 saw: every request tunnelled HA -> COA2, inner HOA -> HOA2 with
# the hop limit decremented once (by the HA; the MN's tunnel entry is a host).
mn2_saw_tunnelled() {
	cat "$MN2_OUT"
	echo
	jget "len([r for r in d if r['echo']]) == $PINGS and all(r['outer_src'] == '$XM_HA_ADDR' and \
r['outer_dst'] == '$COA2' and r['inner_src'] == '$XM_HOA' and r['inner_dst'] == '$HOA2' and \
r['inner_hlim'] == 63 for r in d if r['echo'])" <"$MN2_OUT" | grep -qx True
}

# The HA's data plane counted them as re-tunnelled, none sent onto the home
# link decapsulated (ha_decap_fwd, the counter of the issue) meanwhile.
ha_counted_reencap() {
	local re fwd
	re=$(hstat "['dataplane']['ha_decap_reencap']") || return 1
	fwd=$(hstat "['dataplane']['ha_decap_fwd']") || return 1
	echo "ha_decap_reencap $re ha_decap_fwd $FWD_BEFORE -> $fwd"
	[ "$re" -ge $((2 * PINGS)) ] && [ "$fwd" -eq "$FWD_BEFORE" ]
}

hao_send() {
	xm_exec mn2 timeout 30 "$XM_PYTHON" "$XM_TMP/hao_sender.py" "$COA2" "$@"
}

# One packet with an unbound HAO to DST: one Binding Error 1 from DST to
# COA2 naming UNBOUND_HOA, no Parameter Problem.
be1_from() {
	local dst=$1 out
	out=$(hao_send "$dst" "$UNBOUND_HOA" 1 2) || return 1
	echo "$out"
	echo "$out" | jget "len(d['be']) == 1 and d['be'][0]['status'] == 1 and \
d['be'][0]['home_addr'] == '$UNBOUND_HOA' and d['be'][0]['src'] == '$dst' and \
d['be'][0]['dst'] == '$COA2' and d['be'][0]['checksum_ok'] and d['param_problem'] == 0 and \
d['echo_replies'] == 0" | grep -qx True
}

# A burst of 50: the daemon's error bucket (ERROR_RATE in user/daemon/daemon.c:
# 10 at once, 10 a second) holds. A token bucket gives at most its size and
# rate x the time between its first and last answer: the bound is 10 + 10 x
# the span of the Binding Errors on the wire (+ 1 for their jitter), on a
# loaded machine too; and fewer than the 50 sent.
be1_burst() {
	local dst=$1 out
	sleep 1.1 # a full bucket
	out=$(hao_send "$dst" "$UNBOUND_HOA" 50 3) || return 1
	echo "$out" | jget "[len(d['be']), d['param_problem'], d['echo_replies'], d['sent_s'], \
round(max(b['t'] for b in d['be']) - min(b['t'] for b in d['be']), 3) if d['be'] else 0]"
	echo "$out" | jget "5 <= len(d['be']) < 50 and len(d['be']) <= 10 + 10 * \
(max(b['t'] for b in d['be']) - min(b['t'] for b in d['be'])) + 1 and \
d['param_problem'] == 0 and d['echo_replies'] == 0 and \
all(b['status'] == 1 for b in d['be'])" | grep -qx True
}

hao_dropped() {
	local role=$1 counter=$2 n
	n=$(xm_dctl "$role" -j stats show | jget "d['dataplane']['$counter']") || return 1
	echo "$counter $n"
	[ "$n" -ge 51 ]
}

t_fatal "topology" xm_topo_up
t_fatal "MN2 behind R2" mn2_up
xm_write_confs "$KEY_MN" debug
t_fatal "HA and MN daemons, MN registered" start_daemons
t_fatal "MN2's binding at the HA" bind_mn2
t "MN pings MN2's home address: $PINGS of $PINGS answered" mn_pings_mn2
t "... MN2 got each tunnelled HA -> its CoA, inner hop limit 63" mn2_saw_tunnelled
t "... the HA re-tunnelled both ways, forwarded none decapsulated" ha_counted_reencap
t "HAO without binding to the HA: Binding Error 1, no Parameter Problem" be1_from "$XM_HA_ADDR"
t "... a burst of 50: rate-limited, no Parameter Problem" be1_burst "$XM_HA_ADDR"
t "... dropped in XDP (ha_hao_unbound)" hao_dropped ha ha_hao_unbound
t "HAO without binding to the MN: Binding Error 1, no Parameter Problem" be1_from "$XM_COA"
t "... a burst of 50: rate-limited, no Parameter Problem" be1_burst "$XM_COA"
t "... dropped in XDP (mn_hao_unbound)" hao_dropped mn mn_hao_unbound
finish
