#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_xmip6d.sh - home registration by the daemons, end to end:
#
#   CN --- R1 ------------- R2 --- MN eth0 (visited: 2001:db8:20::/64, 21::/64)
#           | brhome (home link 2001:db8:1::/64)
#           +-- HA eth0          +-- MN eth1 (when home)
#
# xmip6d as home agent and as mobile node, each with only its config file.
# RFC 4285 MN-HA keys. The CN namespace also plays a second, independent
# mobile node: mip6_peer.py builds its BUs with Scapy and checks the answers
# (checksum, authenticator) without the code under test. TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
XM_TOPO=daemon
# shellcheck source=scripts/topology.sh
. scripts/topology.sh

# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

KEY_MN=00112233445566778899aabbccddeeff
KEY_PEER=0f1e2d3c4b5a69788796a5b4c3d2e1f0
PEER_HOA=2001:db8:1::200
SHORT_HOA=2001:db8:1::205 # max-lifetime 16 s: outlives peer_max_bindings


# peer ARGS...: one BU from the CN namespace; prints the answer JSON. The
# BUs all come from one mip6_peer.py (xm_peer_serve in main).
peer() { xm_peer bu --coa "$XM_CN_ADDR" --ha "$XM_HA_ADDR" "$@"; }

# peer_expect FIELD VALUE ARGS...: the peer's answer has FIELD == VALUE.
peer_expect() {
	local field=$1 want=$2 out got
	shift 2
	out=$(peer "$@") || return 1
	echo "$out"
	got=$(echo "$out" | jget "(d['answer'] or {}).get('$field')") || return 1
	[ "$got" = "$want" ]
}

# An accepted, authentic, checksummed BA for the peer.
peer_ba_ok() {
	local out
	out=$(peer "$@") || return 1
	echo "$out"
	echo "$out" | jget "d['answer']['mh_type']==6 and d['answer']['status']==0 and \
d['answer']['checksum_ok'] and d['answer'].get('auth_ok') and d['answer']['rt2']=='$PEER_HOA' \
and d['answer']['rt2_segleft']==1" | grep -qx True
}

hstat() { xm_dctl ha -j stats show | jget "d$1"; }
mstat() { xm_dctl mn -j stats show | jget "d$1"; }
auth_failed_above() { [ "$(mstat "['drops']['ba_auth_failed']")" -gt "$1" ]; }

bul_state() { xm_dctl mn -j bul show | jget "d['bul'][0]['state']"; }
bul_is() {
	local s
	s=$(bul_state) && echo "$s" && [ "$s" = "$1" ]
}

ha_binding() { xm_dctl ha -j binding show home-address "$1"; }
ha_has_coa() {
	ha_binding "$1" | jget "[b['care_of_addr'] for b in d['bindings']]" | tee /dev/stderr |
		grep -qF "'$2'"
}
ha_no_binding() {
	local n
	n=$(ha_binding "$1" | jget "len(d['bindings'])") && [ "$n" = 0 ]
}

proxy_has() { ip -n "$(xm_ns ha)" -6 neigh show proxy | grep -q "^$1 "; }

# -- configs -------------------------------------------------------------------

write_configs() {
	umask 077
	cat >"$XM_TMP/ha.conf" <<EOF
log-level = "debug";
pin-dir = "$(xm_pin ha)";
control-socket = "$XM_TMP/ha.sock";
home-agent = {
  address = "$XM_HA_ADDR";
  home-prefix = "$XM_HOME_PREFIX";
  interfaces = [ "$XM_HA_IF" ];
  home-link = "$XM_HA_IF";
  max-lifetime = 400;
  max-bindings = 3;
  mobile-nodes = (
    { home-address = "$XM_HOA"; spi = 256; key = "$KEY_MN"; },
    { home-address = "$PEER_HOA"; spi = 257; key = "$KEY_PEER"; },
    { home-address = "2001:db8:1::201"; spi = 258; key = "$KEY_PEER"; enabled = false; },
    { home-address = "2001:db8:1::202"; spi = 259; key = "$KEY_PEER"; },
    { home-address = "2001:db8:1::203"; spi = 260; key = "$KEY_PEER";
      care-of-filter = [ "2001:db8:20::/48" ]; },
    { home-address = "2001:db8:1::204"; spi = 261; key = "$KEY_PEER"; },
    { home-address = "$SHORT_HOA"; spi = 262; key = "$KEY_PEER"; max-lifetime = 16; }
  );
};
EOF
	cat >"$XM_TMP/mn.conf" <<EOF
log-level = "debug";
pin-dir = "$(xm_pin mn)";
control-socket = "$XM_TMP/mn.sock";
mobile-node = {
  home-address = "$XM_HOA";
  home-agent = "$XM_HA_ADDR";
  interfaces = [ "$XM_MN_IF", "$XM_MN_HOME_IF" ];
  lifetime = 600;
  spi = 256;
  key = "$KEY_MN";
};
EOF
}

# -- checks --------------------------------------------------------------------

start_ha() {
	xm_daemon ha "$XM_TMP/ha.conf" "$XM_TMP/ha.log"
	HA_PID=$XM_LAST_PID
	xm_daemon_up "$HA_PID" "$XM_TMP/ha.sock"
}

start_mn() {
	xm_daemon mn "$XM_TMP/mn.conf" "$XM_TMP/mn.log"
	MN_PID=$XM_LAST_PID
	xm_daemon_up "$MN_PID" "$XM_TMP/mn.sock"
}

# The MN logs "registered ... in N ms": the first BU to the accepting BA.
registered_fast() {
	local ms
	xm_retry 30 0.1 bul_is registered || return 1
	ms=$(sed -n 's/.*registered .* in \([0-9]*\) ms.*/\1/p' "$XM_TMP/mn.log" | tail -n 1)
	echo "registration took ${ms:-?} ms"
	# XMIP6_TIME_SCALE: slowed daemons (make test-valgrind) take longer.
	[ -n "$ms" ] && [ "$ms" -lt $((1000 * ${XMIP6_TIME_SCALE:-1})) ]
}

# The binding cache is sized by max-bindings (3 here) at the home agent and
# by the role at the mobile node: its one binding, not a home agent's 65,536
# preallocated entries. The per-binding counters have a slot more (slot 0).
map_sizes() {
	local ha ha_ctr mn mn_ctr
	ha=$(xm_map_entries ha bindings) && ha_ctr=$(xm_map_entries ha binding_ctr) &&
		mn=$(xm_map_entries mn bindings) && mn_ctr=$(xm_map_entries mn binding_ctr) || return 1
	echo "HA bindings $ha, binding_ctr $ha_ctr; MN bindings $mn, binding_ctr $mn_ctr"
	[ "$ha" = 3 ] && [ "$ha_ctr" = 4 ] && [ "$mn" = 16 ] && [ "$mn_ctr" = 17 ]
}

binding_as_granted() {
	local out
	out=$(ha_binding "$XM_HOA") || return 1
	echo "$out"
	echo "$out" | jget "[(b['care_of_addr'],b['lifetime'],b['flags'],b['state']) for b in d['bindings']]" |
		grep -qF "[('$XM_COA', 400, 'AH', 'registered')]"
}

cn_reaches_hoa() {
	local before after
	before=$(hstat "['dataplane']['ha_encap_fwd']+d['dataplane']['ha_encap_stack']") || return 1
	xm_ping_ok cn 5 "$XM_HOA" || return 1
	after=$(hstat "['dataplane']['ha_encap_fwd']+d['dataplane']['ha_encap_stack']") || return 1
	echo "HA encapsulated $((after - before))"
	[ $((after - before)) -ge 5 ]
}

capture_decodes() {
	local pcap=$1 out
	out=$(tshark -r "$pcap" -V 2>&1) || { echo "$out" | tail; return 1; }
	echo "$out" | grep -E "Mobility Header Type|Status|Sequence" | head -20
	echo "$out" | grep -q "Binding Update" && echo "$out" | grep -q "Binding Acknowledgement" &&
		! echo "$out" | grep -qi "malformed"
}

# Every MH in the capture has the checksum RFC 6275 6.1.1 asks for, recomputed here.
capture_checksums() {
	"$XM_PYTHON" - "$1" <<'EOF'
import socket, struct, sys
from scapy.layers.inet6 import IPv6
from scapy.utils import rdpcap
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b)//2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
n = bad = 0
for p in rdpcap(sys.argv[1]):
    if IPv6 not in p: continue
    ip = p[IPv6]; src, dst = ip.src, ip.dst
    nh, data = ip.nh, bytes(ip.payload)
    while nh in (0, 43, 60):
        if nh == 43 and data[2] == 2: dst = socket.inet_ntop(socket.AF_INET6, data[8:24])
        if nh == 60:
            pos = 2
            while pos < (data[1]+1)*8:
                if data[pos] == 0: pos += 1; continue
                if data[pos] == 201: src = socket.inet_ntop(socket.AF_INET6, data[pos+2:pos+18])
                pos += 2 + data[pos+1]
        nh, data = data[0], data[(data[1]+1)*8:]
    if nh != 135: continue
    mh = data[:(data[1]+1)*8]
    got = struct.unpack("!H", mh[4:6])[0]
    want = csum(socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, dst)
                + struct.pack("!IxxxB", len(mh), 135) + mh[:4] + b"\0\0" + mh[6:])
    n += 1
    if got != want:
        bad += 1
        print("bad checksum: type %d %s -> %s got %04x want %04x" % (mh[2], src, dst, got, want))
print("%d Mobility Headers, %d with a bad checksum" % (n, bad))
sys.exit(0 if n >= 2 and bad == 0 else 1)
EOF
}

move_coa() {
	ip -n "$(xm_ns mn)" -6 addr del "$XM_COA/64" dev "$XM_MN_IF" &&
		ip -n "$(xm_ns mn)" -6 addr add "$XM_COA2/64" dev "$XM_MN_IF" nodad &&
		ip -n "$(xm_ns mn)" -6 route replace default via "$XM_R2_VISIT2_ADDR" dev "$XM_MN_IF"
}

reregistered() {
	xm_retry 30 0.1 ha_has_coa "$XM_HOA" "$XM_COA2" && xm_retry 20 0.1 bul_is registered
}

cn_reaches_hoa_at() {
	xm_ping_ok cn 3 "$XM_HOA"
}

ba_auth_checked_by_mn() {
	# A BA from "the HA" signed with another key: the MN must drop it.
	local before after
	before=$(mstat "['drops']['ba_auth_failed']") || return 1
	ip netns exec "$(xm_ns r2)" "$XM_PYTHON" - "$XM_HA_ADDR" "$XM_COA2" "$XM_HOA" <<'EOF' || return 1
import hashlib, hmac, socket, struct, sys
from scapy.config import conf
from scapy.layers.inet6 import IPv6, IPv6ExtHdrRouting
from scapy.packet import Raw
from scapy.sendrecv import send
conf.verb = 0
ha, coa, hoa = sys.argv[1:4]
a6 = lambda a: socket.inet_pton(socket.AF_INET6, a)
mh = bytearray(bytes([59, 3, 6, 0, 0, 0, 0, 0]) + struct.pack("!HH", 1, 100)
               + bytes([0]) + bytes([9, 17, 1]) + struct.pack("!I", 256) + b"\0" * 12 + b"\0" * 0)
mh += b"\0" * ((-len(mh)) % 8)
mh[1] = len(mh) // 8 - 1
mh[20:32] = hmac.new(b"wrong key 16 oct", a6(coa) + a6(hoa) + bytes(mh[:20]), hashlib.sha1).digest()[:12]
def cs(b):
    s = sum(struct.unpack("!%dH" % (len(b)//2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
mh[4:6] = struct.pack("!H", cs(a6(ha) + a6(hoa) + struct.pack("!IxxxB", len(mh), 135) + bytes(mh)))
send(IPv6(src=ha, dst=coa) / IPv6ExtHdrRouting(type=2, segleft=1, addresses=[hoa], nh=135) / Raw(bytes(mh)))
EOF
	xm_retry 20 0.1 auth_failed_above "$before" || return 1
	after=$(mstat "['drops']['ba_auth_failed']")
	echo "ba_auth_failed $before -> $after"
	bul_is registered
}

peer_registers() {
	peer_ba_ok --hoa "$PEER_HOA" --seq 10 --lifetime 400 --spi 257 --key "$KEY_PEER" \
		--save "$XM_TMP/peer_bu.bin" || return 1
	ha_binding "$PEER_HOA" | jget "d['bindings'][0]['lifetime']" | grep -qx 400 &&
		proxy_has "$PEER_HOA"
}

peer_replay_refused() {
	local before
	before=$(hstat "['ba_status']['sent']['id_mismatch']") || return 1
	peer_expect status 144 --hoa "$PEER_HOA" --spi 257 --key "$KEY_PEER" \
		--replay "$XM_TMP/peer_bu.bin" || return 1
	[ "$(hstat "['ba_status']['sent']['id_mismatch']")" -gt "$before" ]
}

peer_wrong_key() {
	local before
	before=$(hstat "['ba_status']['sent']['auth_fail']") || return 1
	peer_expect status 146 --hoa "$PEER_HOA" --seq 11 --spi 257 --key "$KEY_MN" || return 1
	[ "$(hstat "['ba_status']['sent']['auth_fail']")" -gt "$before" ] &&
		grep -q "refused: 146" "$XM_TMP/ha.log"
}

peer_no_auth() { peer_expect status 146 --hoa "$PEER_HOA" --seq 12; }
peer_no_timestamp() {
	peer_expect status 145 --hoa "$PEER_HOA" --seq 12 --spi 257 --key "$KEY_PEER" \
		--timestamp none
}
peer_stale_timestamp() {
	peer_expect status 144 --hoa "$PEER_HOA" --seq 12 --spi 257 --key "$KEY_PEER" \
		--timestamp -30
}
peer_seq_window() {
	local out
	out=$(peer --hoa "$PEER_HOA" --seq 9 --spi 257 --key "$KEY_PEER") || return 1
	echo "$out"
	# 135 carries the last accepted sequence number (10).
	echo "$out" | jget "(d['answer']['status'], d['answer']['seq'], d['answer']['auth_ok'])" |
		grep -qx "(135, 10, True)"
}
peer_wrong_spi() { peer_expect status 146 --hoa "$PEER_HOA" --seq 13 --spi 999 --key "$KEY_PEER"; }
peer_unknown_mn() { peer_expect status 133 --hoa 2001:db8:1::999 --seq 1 --spi 300 --key "$KEY_PEER"; }
peer_not_home_subnet() { peer_expect status 132 --hoa 2001:db8:99::1 --seq 1 --spi 257 --key "$KEY_PEER"; }
peer_disabled() { peer_expect status 129 --hoa 2001:db8:1::201 --seq 1 --spi 258 --key "$KEY_PEER"; }
peer_coa_filter() { peer_expect status 129 --hoa 2001:db8:1::203 --seq 1 --spi 260 --key "$KEY_PEER"; }
peer_invalid_coa() {
	peer_expect status 174 --hoa "$PEER_HOA" --seq 14 --spi 257 --key "$KEY_PEER" \
		--alt-coa 2001:db8:1::77
}
peer_reg_type_change() {
	peer_expect status 139 --hoa "$PEER_HOA" --seq 15 --flags A --spi 257 --key "$KEY_PEER"
}
peer_dad_fails() {
	ip -n "$(xm_ns r1)" -6 addr add 2001:db8:1::202/64 dev "$XM_R1_BRIDGE" nodad || return 1
	peer_expect status 134 --hoa 2001:db8:1::202 --seq 1 --spi 259 --key "$KEY_PEER" || return 1
	ip -n "$(xm_ns r1)" -6 addr del 2001:db8:1::202/64 dev "$XM_R1_BRIDGE"
	ha_no_binding 2001:db8:1::202
}
peer_max_bindings() {
	# MN + peer + SHORT_HOA = max-bindings 3; the fourth is refused with 130.
	peer_expect status 0 --hoa "$SHORT_HOA" --seq 1 --spi 262 --key "$KEY_PEER" || return 1
	ha_binding "$SHORT_HOA" | jget "d['bindings'][0]['lifetime']" | grep -qx 16 || return 1
	peer_expect status 130 --hoa 2001:db8:1::204 --seq 1 --spi 261 --key "$KEY_PEER"
}
peer_bad_checksum() {
	local before out
	before=$(hstat "['drops']['bad_checksum']") || return 1
	out=$(peer --hoa "$PEER_HOA" --seq 16 --spi 257 --key "$KEY_PEER" --bad-checksum --wait 1.5)
	echo "$out"
	echo "$out" | jget "d['answer']" | grep -qx None &&
		[ "$(hstat "['drops']['bad_checksum']")" -eq $((before + 1)) ]
}
peer_payload_proto() {
	local out
	out=$(peer --hoa "$PEER_HOA" --seq 16 --spi 257 --key "$KEY_PEER" --payload-proto 6) || return 1
	echo "$out"
	# IPv6 header 40 + Destination Options 24: Payload Proto is octet 64.
	echo "$out" | jget "(d['answer']['icmp_type'], d['answer']['icmp_code'], d['answer']['icmp_pointer'])" |
		grep -qx "(4, 0, 64)"
}
# The most packets of PCAP that arrived within any one second.
max_per_second() {
	tcpdump -tt -n -r "$1" 2>/dev/null | awk '{print $1}' | "$XM_PYTHON" -c '
import sys
t = [float(x) for x in sys.stdin.read().split()]
print(max((sum(1 for u in t if s <= u < s + 1.0) for s in t), default=0))'
}
errors_accounted() {
	[ $(($(hstat "['icmpv6']['param_problem_sent']") - $1 +
		$(hstat "['icmpv6']['errors_ratelimited']") - $2)) -eq "$3" ]
}

peer_error_flood() {
	# 40 malformed BUs at once: Parameter Problems are rate-limited (RFC 4443
	# 2.4(f): 10 at once, then 10/s), the rest counted. However slowly the
	# peer sends or the daemon reads on a busy machine, at most 20 leave in
	# any one second (2 more for capture-time jitter), and every BU is
	# either answered or counted.
	local sent0 sent1 lim0 lim1 pcap=$XM_TMP/pp.pcap most
	sent0=$(hstat "['icmpv6']['param_problem_sent']") &&
		lim0=$(hstat "['icmpv6']['errors_ratelimited']") || return 1
	xm_capture_start cn "$XM_CN_IF" "$pcap" icmp6 and src host "$XM_HA_ADDR" and \
		'ip6[40] == 4' || return 1
	ip netns exec "$(xm_ns cn)" "$XM_PYTHON" - "$XM_CN_ADDR" "$XM_HA_ADDR" <<'EOF' || return 1
import sys
from scapy.config import conf
from scapy.layers.inet6 import IPv6, MIP6MH_BU
from scapy.sendrecv import send
conf.verb = 0
src, dst = sys.argv[1:3]
# Payload Proto 6 (section 9.2: Parameter Problem). No HAO, so Scapy's MH
# checksum (plain pseudo-header) is the right one and the checksum check passes.
send([IPv6(src=src, dst=dst) / MIP6MH_BU(nh=6, seq=1, mhtime=1)] * 40)
EOF
	xm_retry 100 0.1 errors_accounted "$sent0" "$lim0" 40
	sleep 0.5 # the last Parameter Problem into the capture
	kill "$XM_CAPTURE_PID" 2>/dev/null
	xm_capture_stop 2
	sent1=$(hstat "['icmpv6']['param_problem_sent']") &&
		lim1=$(hstat "['icmpv6']['errors_ratelimited']") || return 1
	most=$(max_per_second "$pcap")
	echo "param problems +$((sent1 - sent0)), rate-limited +$((lim1 - lim0)), at most $most in a second on the wire"
	[ $((sent1 - sent0)) -ge 5 ] && [ "$most" -le 22 ] &&
		[ $((sent1 - sent0 + lim1 - lim0)) -eq 40 ]
}

peer_short_hdr_len() {
	local out
	out=$(peer --hoa "$PEER_HOA" --seq 16 --spi 257 --key "$KEY_PEER" --short-hdr-len) || return 1
	echo "$out"
	echo "$out" | jget "(d['answer']['icmp_type'], d['answer']['icmp_pointer'])" | grep -qx "(4, 65)"
}
peer_unknown_type() {
	local out
	out=$(peer --hoa "$PEER_HOA" --seq 16 --mh-type 42) || return 1
	echo "$out"
	echo "$out" | jget "(d['answer']['mh_type'], d['answer']['status'], d['answer']['be_home_addr'], d['answer']['checksum_ok'])" |
		grep -qx "(7, 2, '$PEER_HOA', True)"
}
peer_bu_to_mn() {
	# A BU to the mobile node, which is no home agent: 131.
	local out
	out=$(xm_peer bu --coa "$XM_CN_ADDR" --ha "$XM_COA2" --hoa "$PEER_HOA" --seq 1 --spi 257 \
		--key "$KEY_PEER") || return 1
	echo "$out"
	echo "$out" | jget "d['answer']['status']" | grep -qx 131
}

peer_expires() {
	# Granted 16 s at registration: gone from the map and from proxy ND.
	xm_retry 300 0.1 ha_no_binding "$SHORT_HOA" || return 1
	! proxy_has "$SHORT_HOA" &&
		! xm_ctl ha -j binding show | jget "[b['home_addr'] for b in d['bindings']]" | grep -qF "$SHORT_HOA" &&
		grep -q "binding $SHORT_HOA -> .* expired" "$XM_TMP/ha.log"
}

unsolicited_na_seen() {
	local mac out
	mac=$(ip -n "$(xm_ns ha)" -br link show dev "$XM_HA_IF" | awk '{print $3}')
	out=$(tshark -r "$XM_TMP/na.pcap" -Y "icmpv6.type == 136 && icmpv6.nd.na.target_address == $PEER_HOA" \
		-T fields -e ipv6.dst -e ipv6.hlim -e icmpv6.nd.na.flag.r -e icmpv6.nd.na.flag.s \
		-e icmpv6.nd.na.flag.o -e icmpv6.opt.linkaddr -e icmpv6.checksum.status 2>&1) || return 1
	echo "$out"
	echo "$out" | grep -qP "^ff02::1\t255\t(0|False)\t(0|False)\t(1|True)\t$mac\t(1|Good)"
}

link_local_twin() {
	# L=1: proxy DAD and proxy ND for fe80::204 as well (section 10.4.1).
	peer_expect status 0 --hoa 2001:db8:1::204 --seq 1 --flags AHL --spi 261 \
		--key "$KEY_PEER" || return 1
	proxy_has 2001:db8:1::204 && proxy_has fe80::204 || return 1
	grep -q "proxy DAD for 2001:db8:1::204 started" "$XM_TMP/ha.log"
}

deregister_from_away() {
	# Lifetime 0 with the HAO: binding and both proxy entries go.
	peer_expect status 0 --hoa 2001:db8:1::204 --seq 2 --flags AHL --lifetime 0 --spi 261 \
		--key "$KEY_PEER" || return 1
	ha_no_binding 2001:db8:1::204 && ! proxy_has 2001:db8:1::204 && ! proxy_has fe80::204
}

ha_sigkill_keeps_bindings() {
	local before after
	before=$(ha_binding "$XM_HOA" | jget "(d['bindings'][0]['care_of_addr'], d['bindings'][0]['sequence'])") || return 1
	kill -KILL "$HA_PID" && wait "$HA_PID" 2>/dev/null
	# No daemon: the data plane forwards on.
	xm_ping_ok cn 3 "$XM_HOA" || return 1
	rm -f "$XM_TMP/ha.sock"
	start_ha || return 1
	after=$(ha_binding "$XM_HOA" | jget "(d['bindings'][0]['care_of_addr'], d['bindings'][0]['sequence'])") || return 1
	echo "before $before after $after"
	[ "$before" = "$after" ] && proxy_has "$XM_HOA" && xm_ping_ok cn 3 "$XM_HOA"
}

restarted_ha_takes_refresh() {
	# The MN moves back to its first CoA; the restarted HA accepts the
	# next sequence number it kept in the map.
	ip -n "$(xm_ns mn)" -6 addr del "$XM_COA2/64" dev "$XM_MN_IF" &&
		ip -n "$(xm_ns mn)" -6 addr add "$XM_COA/64" dev "$XM_MN_IF" nodad &&
		ip -n "$(xm_ns mn)" -6 route replace default via "$XM_R2_VISIT_ADDR" dev "$XM_MN_IF" ||
		return 1
	xm_retry 30 0.1 ha_has_coa "$XM_HOA" "$XM_COA" && xm_retry 20 0.1 bul_is registered &&
		xm_ping_ok cn 3 "$XM_HOA"
}

sighup_bad_config_kept() {
	cp "$XM_TMP/ha.conf" "$XM_TMP/ha.conf.good"
	echo "home-agent = { bogus = 1; };" >>"$XM_TMP/ha.conf"
	kill -HUP "$HA_PID"
	xm_retry 20 0.1 grep -q "reload refused" "$XM_TMP/ha.log" || return 1
	cp "$XM_TMP/ha.conf.good" "$XM_TMP/ha.conf"
	kill -0 "$HA_PID" && xm_dctl ha binding show >/dev/null
}

sighup_applies() {
	# Disable the peer's entry: its next BU gets 129.
	sed -i "/\"$PEER_HOA\"/s/ },/ enabled = false; },/" "$XM_TMP/ha.conf"
	grep -q "\"$PEER_HOA\".*enabled = false" "$XM_TMP/ha.conf" || return 1
	kill -HUP "$HA_PID"
	xm_retry 20 0.1 grep -q "configuration reloaded" "$XM_TMP/ha.log" || return 1
	peer_expect status 129 --hoa "$PEER_HOA" --seq 40 --spi 257 --key "$KEY_PEER"
}

go_home() {
	ip -n "$(xm_ns mn)" -6 addr flush dev "$XM_MN_IF" scope global &&
		ip -n "$(xm_ns mn)" link set "$XM_MN_IF" down &&
		ip -n "$(xm_ns mn)" -6 addr add "$XM_HOA/64" dev "$XM_MN_HOME_IF" nodad &&
		ip -n "$(xm_ns mn)" -6 route replace default via "$XM_R1_HOME_ADDR" dev "$XM_MN_HOME_IF"
}

deregistered() {
	xm_retry 30 0.1 bul_is home || return 1
	xm_retry 20 0.1 ha_no_binding "$XM_HOA" || return 1
	! proxy_has "$XM_HOA" && grep -q "deregistered from" "$XM_TMP/mn.log"
}

direct_at_home() {
	local before after
	before=$(hstat "['dataplane']['ha_encap_fwd']+d['dataplane']['ha_encap_stack']") || return 1
	xm_retry 10 0.5 xm_ping_ok cn 3 "$XM_HOA" >/dev/null || return 1
	xm_ping_ok cn 3 "$XM_HOA" || return 1
	after=$(hstat "['dataplane']['ha_encap_fwd']+d['dataplane']['ha_encap_stack']") || return 1
	echo "encapsulated while home: $((after - before))"
	[ "$after" -eq "$before" ]
}

sigterm_leaves_dataplane() {
	kill -TERM "$MN_PID" "$HA_PID" || return 1
	xm_wait_pid "$HA_PID" 5 && xm_wait_pid "$MN_PID" 5 || return 1
	[ -n "$(xm_link_ids ha)" ] && [ ! -e "$XM_TMP/ha.sock" ] &&
		grep -q "data plane and its bindings stay" "$XM_TMP/ha.log"
}

# -- run -----------------------------------------------------------------------

main() {

	xm_init
	[ -x "$XM_D_BIN" ] || { echo "1..0 # SKIP $XM_D_BIN not built"; exit 0; }
	t_fatal "topology (daemon variant) comes up" xm_topo_up
	xm_peer_serve cn mip6_peer
	write_configs
	xm_exec ha sysctl -qw "net.ipv6.neigh.$XM_HA_IF.retrans_time_ms=300"

	t_fatal "HA daemon starts from its config" start_ha
	xm_capture_start r1 "$XM_R1_R2_IF" "$XM_TMP/signal.pcap" ip6 proto 135 or ip6 proto 60 ||
		xm_log "capture did not start"
	t_fatal "MN daemon starts from its config" start_mn
	t_fatal "MN registers within a second (first BU to accepting BA)" registered_fast
	t "HA binding: CoA, lifetime capped to max-lifetime 400, flags AH" binding_as_granted
	t "binding cache sizes: HA max-bindings 3, MN 16 (its own binding)" map_sizes
	t "HA proxies the home address on the home link" proxy_has "$XM_HOA"
	t "CN reaches the home address through the tunnel" cn_reaches_hoa
	t "MN's address on lo while away" sh -c "ip -n $(xm_ns mn) -6 addr show dev lo | grep -q $XM_HOA/128"

	t "MN changes CoA" move_coa
	t "MN re-registers the new CoA; HA follows" reregistered
	t "CN reaches the home address at the new CoA" cn_reaches_hoa_at
	xm_capture_stop 1
	t "captured BU/BA decode in tshark, nothing malformed" capture_decodes "$XM_TMP/signal.pcap"
	t "captured MH checksums verify (independent computation)" capture_checksums "$XM_TMP/signal.pcap"
	t "MN drops a BA with a wrong authenticator, counted" ba_auth_checked_by_mn

	xm_capture_start r1 "$XM_R1_HOME_IF" "$XM_TMP/na.pcap" icmp6 ||
		xm_log "NA capture did not start"
	t "Scapy-built BU (independent MN) accepted: BA 0, RH2, checksum and MN-HA auth verify" peer_registers
	xm_capture_stop 1
	t "unsolicited NA for the new home address: ff02::1, hop limit 255, O=1 S=0 R=0, HA's MAC" unsolicited_na_seen
	t "replayed BU refused: 144, counted" peer_replay_refused
	t "wrong key refused: 146, counted and logged" peer_wrong_key
	t "no authentication option: 146" peer_no_auth
	t "no timestamp: 145" peer_no_timestamp
	t "timestamp 30 s old: 144" peer_stale_timestamp
	t "sequence out of window: 135 with the last accepted number, signed" peer_seq_window
	t "unknown SPI: 146" peer_wrong_spi
	t "unknown mobile node: 133" peer_unknown_mn
	t "home address off the home prefix: 132" peer_not_home_subnet
	t "disabled mobile node: 129" peer_disabled
	t "care-of address outside the MN's filter: 129" peer_coa_filter
	t "care-of address on the home prefix: 174" peer_invalid_coa
	t "H flag cleared over a home registration: 139" peer_reg_type_change
	t "proxy DAD finds the home address in use: 134, no binding" peer_dad_fails
	t "max-bindings reached: 130" peer_max_bindings
	t "bad MH checksum: silent drop, counted" peer_bad_checksum
	t "Payload Proto not 59: ICMPv6 Parameter Problem at octet 64" peer_payload_proto
	t "Header Len too small: Parameter Problem at octet 65" peer_short_hdr_len
	t "a flood of malformed BUs: Parameter Problems rate-limited, all counted" peer_error_flood
	t "unknown MH type: Binding Error status 2 with the home address" peer_unknown_type
	t "BU to the mobile node (no home agent): 131" peer_bu_to_mn
	t "lifetime expiry removes the binding, map entry and proxy entry" peer_expires
	t "L flag: proxy ND (after DAD) for the link-local address too" link_local_twin
	t "deregistration from away (lifetime 0): binding and proxy entries removed" deregister_from_away

	t "SIGKILL of the HA daemon: traffic flows, restart keeps the binding" ha_sigkill_keeps_bindings
	t "restarted HA accepts the MN's next registration" restarted_ha_takes_refresh
	t "SIGHUP with a bad config: refused, old config kept" sighup_bad_config_kept
	t "SIGHUP applies a changed MN policy" sighup_applies

	t "MN returns home" go_home
	t "MN deregisters: binding and proxy entry gone" deregistered
	t "CN reaches the home address directly, no tunnel" direct_at_home
	t "SIGTERM: daemons exit, data plane stays attached" sigterm_leaves_dataplane
	finish
}

# Sourced (for debugging), it only defines the functions.
[ "${BASH_SOURCE[0]}" = "$0" ] && main
