#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_xmip6d_vhn.sh - a virtual home network (no home link: R1 routes the
# home prefix 2001:db8:100::/64 to the HA, as for a cloud VM) and the mobile
# node's timers:
#
#   - with no home agent answering, BUs go out with exponential backoff and
#     a new sequence number each time (RFC 6275 section 11.8), capped;
#   - a BA built with Scapy (signed here with hmac) is accepted by the MN;
#   - the MN refreshes its binding before the lifetime ends;
#   - static bindings through the daemon's control socket.
# TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
XM_TOPO=daemon
# shellcheck source=scripts/topology.sh
. scripts/topology.sh

# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

VHN_PREFIX=2001:db8:100::/64
VHN_HOA=2001:db8:100::5
KEY=8899aabbccddeeff0011223344556677


write_configs() {
	umask 077
	cat >"$XM_TMP/ha.conf" <<EOF
log-level = "debug";
pin-dir = "$(xm_pin ha)";
control-socket = "$XM_TMP/ha.sock";
home-agent = {
  address = "$XM_HA_ADDR";
  home-prefix = "$VHN_PREFIX";
  interfaces = [ "$XM_HA_IF" ];
  mobile-nodes = ( { home-address = "$VHN_HOA"; spi = 1000; key = "$KEY"; } );
};
EOF
	cat >"$XM_TMP/mn.conf" <<EOF
log-level = "debug";
pin-dir = "$(xm_pin mn)";
control-socket = "$XM_TMP/mn.sock";
mobile-node = {
  home-address = "$VHN_HOA";
  home-agent = "$XM_HA_ADDR";
  interfaces = [ "$XM_MN_IF" ];
  lifetime = 8;
  initial-timeout-ms = 200;
  max-timeout = 1;
  spi = 1000;
  key = "$KEY";
};
EOF
}

bul() { xm_dctl mn -j bul show | jget "d['bul'][0]$1"; }
bul_state_is() { [ "$(bul "['state']")" = "$1" ]; }

start_mn() {
	xm_daemon mn "$XM_TMP/mn.conf" "$XM_TMP/mn.log"
	MN_PID=$XM_LAST_PID
	xm_daemon_up "$MN_PID" "$XM_TMP/mn.sock"
}

start_ha() {
	xm_daemon ha "$XM_TMP/ha.conf" "$XM_TMP/ha.log"
	HA_PID=$XM_LAST_PID
	xm_daemon_up "$HA_PID" "$XM_TMP/ha.sock"
}

# BUs captured while nobody answers: intervals double from 0.2 s and stop at
# 1 s (max-timeout); each copy has the next sequence number.
backoff_in_capture() {
	"$XM_PYTHON" - "$XM_TMP/bu.pcap" <<'EOF'
import struct, sys
from scapy.layers.inet6 import IPv6
from scapy.utils import rdpcap
times, seqs = [], []
for p in rdpcap(sys.argv[1]):
    ip = p[IPv6]
    nh, data = ip.nh, bytes(ip.payload)
    while nh in (0, 43, 60):
        nh, data = data[0], data[(data[1] + 1) * 8:]
    if nh == 135 and data[2] == 5:
        times.append(float(p.time))
        seqs.append(struct.unpack("!H", data[6:8])[0])
gaps = [round(b - a, 3) for a, b in zip(times, times[1:])]
print("seqs", seqs, "gaps", gaps)
want = [0.2, 0.4, 0.8, 1.0, 1.0]
ok = len(gaps) >= len(want) and all(abs(g - w) < 0.15 for g, w in zip(gaps, want))
ok = ok and all(b == (a + 1) & 0xffff for a, b in zip(seqs, seqs[1:]))
sys.exit(0 if ok else 1)
EOF
}

retransmitting() {
	xm_capture_start r2 "$XM_R2_VISIT_IF" "$XM_TMP/bu.pcap" ip6 and src host "$XM_COA" ||
		return 1
	start_mn || return 1
	sleep 3.8
	xm_capture_stop
	backoff_in_capture && [ "$(bul "['state']")" = registering ] &&
		[ "$(bul "['retransmissions']")" -ge 4 ]
}

# A BA made here, answering the BU in flight: the MN must take it.
# scapy_ba_accepted [STATUS]: a signed BA (built with Scapy) for the MN's
# newest BU is accepted (STATUS an accepting one, 0 unless given). The MN
# numbers every retransmitted copy anew (one a second or so), so a BA built
# for a copy that a retransmission overtook is rightly ignored: one process
# reads the sequence number the MN shows and sends the BA at once from a
# raw socket (Scapy's send() took seconds on a loaded machine, long enough
# to be overtaken every time), then waits for the MN to be registered;
# again with the newer number, 10 tries at most.
scapy_ba_accepted() {
	ip netns exec "$(xm_ns r2)" "$XM_PYTHON" - "$XM_HA_ADDR" "$XM_COA" "$VHN_HOA" "$KEY" \
		"$XM_CTL_BIN" "$XM_TMP/mn.sock" "${1:-0}" <<'EOF' || return 1
import hashlib, hmac, json, socket, struct, subprocess, sys, time
from scapy.layers.inet6 import IPv6, IPv6ExtHdrRouting
from scapy.packet import Raw
ha, coa, hoa, key, ctl, sock, status = sys.argv[1:8]
a6 = lambda a: socket.inet_pton(socket.AF_INET6, a)
def bul():
    return json.loads(subprocess.run([ctl, "-s", sock, "-j", "bul", "show"], check=True,
                                     capture_output=True, text=True).stdout)["bul"][0]
def cs(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def ba(seq):
    # BA: status, lifetime 8 s (2 units), then Pad1 and the MN-HA AUTH at 8n+5.
    mh = bytearray(bytes([59, 3, 6, 0, 0, 0, int(status), 0]) + struct.pack("!HH", seq, 2)
                   + b"\0" + bytes([9, 17, 1]) + struct.pack("!I", 1000) + b"\0" * 12)
    mh[20:32] = hmac.new(bytes.fromhex(key), a6(coa) + a6(hoa) + bytes(mh[:20]),
                         hashlib.sha1).digest()[:12]
    mh[4:6] = struct.pack("!H", cs(a6(ha) + a6(hoa) + struct.pack("!IxxxB", len(mh), 135)
                                   + bytes(mh)))
    return bytes(IPv6(src=ha, dst=coa) / IPv6ExtHdrRouting(type=2, segleft=1, addresses=[hoa],
                                                           nh=135) / Raw(bytes(mh)))
raw = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)  # header included
for _ in range(10):
    seq = bul()["sequence"]
    raw.sendto(ba(seq), (coa, 0))
    print("BA sent for seq", seq)
    end = time.monotonic() + 2
    while time.monotonic() < end:
        if bul()["state"] == "registered":
            sys.exit(0)
        time.sleep(0.1)
sys.exit(1)
EOF
	xm_ctl mn -j binding show | jget "[(b['home_addr'], b['care_of_addr']) for b in d['bindings']]" |
		grep -qF "('$VHN_HOA', '$XM_COA')"
}

ha_binding_seq() {
	xm_dctl ha -j binding show home-address "$VHN_HOA" | jget "d['bindings'][0]['sequence']"
}

refresh_reaches_ha() {
	start_ha || return 1
	# The MN refreshes at 3/4 of its 8 s lifetime: within 6 s.
	xm_retry 80 0.1 ha_binding_seq >/dev/null || return 1
	xm_dctl ha binding show
	[ -z "$(ip -n "$(xm_ns ha)" -6 neigh show proxy)" ]
}

cn_and_ha_reach_hoa() {
	ip -n "$(xm_ns r1)" -6 route replace "$VHN_PREFIX" via "$XM_HA_ADDR" || return 1
	xm_ping_ok cn 3 "$VHN_HOA" && xm_ping_ok ha 3 "$VHN_HOA"
}

keeps_refreshing() {
	local s1 s2
	s1=$(ha_binding_seq) || return 1
	sleep 9 # longer than the 8 s lifetime
	s2=$(ha_binding_seq) || return 1
	echo "sequence $s1 -> $s2"
	[ "$s2" -gt "$s1" ] && xm_ping_ok cn 2 "$VHN_HOA"
}

static_binding_ctl() {
	xm_dctl ha binding add 2001:db8:100::77 2001:db8:20::77 || return 1
	xm_dctl ha -j binding show home-address 2001:db8:100::77 |
		jget "[(b['care_of_addr'], b['state'], b['lifetime']) for b in d['bindings']]" |
		grep -qF "[('2001:db8:20::77', 'static', None)]" || return 1
	xm_dctl ha binding show | grep -q 2001:db8:100::77 || return 1
	xm_dctl ha binding del 2001:db8:100::77 || return 1
	[ "$(xm_dctl ha -j binding show home-address 2001:db8:100::77 | jget "len(d['bindings'])")" = 0 ]
}

flush_and_clear() {
	local n before after sum="sum(d['messages']['rx'].values()) + sum(d['ba_status']['sent'].values())"
	xm_dctl ha binding add 2001:db8:100::78 2001:db8:20::78 lifetime 60 &&
		xm_dctl ha binding add 2001:db8:100::79 2001:db8:20::79 || return 1
	n=$(xm_dctl ha -j binding flush | jget "d['deleted']") || return 1
	echo "flushed $n"
	# The MN's own binding goes too (3); its next refresh (every 6 s) brings
	# it back, so only the static ones are checked for absence.
	[ "$n" = 3 ] || return 1
	! xm_dctl ha binding show | grep -q "2001:db8:100::7[89]" || return 1
	before=$(xm_dctl ha -j stats show | jget "$sum") || return 1
	xm_dctl ha stats clear || return 1
	after=$(xm_dctl ha -j stats show | jget "$sum") || return 1
	echo "messages counted $before -> $after"
	# A refresh may land between the two reads: at most one BU and its BA.
	[ "$before" -gt 2 ] && [ "$after" -le 2 ]
}

static_binding_refused() {
	# Off the home prefix; MN has no binding cache.
	! xm_dctl ha binding add 2001:db8:99::1 2001:db8:20::77 2>"$XM_TMP/err" &&
		grep -q "home prefix" "$XM_TMP/err" && cat "$XM_TMP/err" &&
		! xm_dctl mn binding add "$VHN_HOA" 2001:db8:20::77
}

home_agents() {
	xm_dctl mn -j home-agents show | jget "d['home_agents'][0]['address']" | grep -qx "$XM_HA_ADDR" &&
		xm_dctl ha -j home-agents show | jget "(d['home_agents'][0]['source'], d['home_agents'][0]['interface'])" |
		grep -qx "('self', None)"
}

main() {
	xm_init
	[ -x "$XM_D_BIN" ] || {
		echo "1..0 # SKIP $XM_D_BIN not built"
		exit 0
	}
	t_fatal "topology comes up" xm_topo_up
	write_configs
	t "no home agent: BUs back off 0.2, 0.4, 0.8, 1, 1 s with new sequence numbers" retransmitting
	t "a Scapy-built, signed BA is accepted by the MN (tunnel on)" scapy_ba_accepted
	t "virtual home network: the MN's refresh registers it, no proxy ND" refresh_reaches_ha
	t "CN and the HA itself reach the home address through the tunnel" cn_and_ha_reach_hoa
	t "the MN refreshes before its 8 s lifetime ends" keeps_refreshing
	t "static binding added, shown and deleted through the daemon" static_binding_ctl
	t "bad static bindings refused with a reason" static_binding_refused
	t "binding flush and stats clear through the daemon" flush_and_clear
	t "the MN's next refresh restores its flushed binding" sh -c \
		"for i in \$(seq 80); do $XM_CTL_BIN -s $XM_TMP/ha.sock binding show | grep -q $VHN_HOA && exit 0; sleep 0.1; done; exit 1"
	t "home-agents show on both" home_agents
	finish
}

[ "${BASH_SOURCE[0]}" = "$0" ] && main
