#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_ha_nemo.sh - the home agent's side of NEMO Basic Support (RFC 3963)
# with real packets: an independent Scapy mobile router (mip6_peer.py: the
# R flag, Mobile Network Prefix options, the MH checksum and RFC 4285
# authenticators computed there) registers with a real xmip6d.
#
#   * configuration: a bad prefix, two routers' overlapping prefixes and a
#     prefix on the home prefix are refused with FILE:LINE;
#   * a mobile node not allowed as a router sends R: BA 140, nothing bound;
#   * explicit mode: MR1 claims two prefixes: BA 0 with R, both in the
#     pinned "prefixes" map (bpftool) and in `binding show`; a CN's packets
#     to a host of one of them arrive at MR1's care-of address tunnelled
#     (read back from the wire with Scapy), and so do the HA's own (its
#     egress program); a re-registration with one
#     prefix drops the other; a prefix it may not claim gets 142 and
#     changes nothing;
#   * implicit mode: MR2 (R, no option) gets its configured prefix, adjacent
#     to MR1's: packets to each land at their own router's care-of address;
#     a router without configured prefixes gets 143;
#   * malformed options (Option Length 0, prefix length 0 and 129): 141; an
#     option running past the message: no answer; the daemon serves on;
#   * the reverse tunnel: from MR1's care-of address, a source in MR1's
#     prefix is forwarded; one in MR2's prefix or in none is dropped and
#     counted (ha_prefix_spoofed, ha_tunnel_no_binding);
#   * SIGHUP with MR1's prefix taken out of its entry: the prefix leaves
#     the map, the binding stays;
#   * MR1 without R: a host binding, BA without R, its prefixes gone;
#     deregistration of MR2: its prefix gone from the map.
#
#   CN (peer MR1: CoA A, MR2: CoA B) --- R1 --- brhome --- HA
#
# TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
XM_TOPO=daemon
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

KEY=0f1e2d3c4b5a69788796a5b4c3d2e1f0
MR1=$XM_HOA # SPI 256, prefixes 2001:db8:100::/56 2001:db8:102::/56
MR2=2001:db8:1::200 # SPI 257, prefix 2001:db8:100:100::/56 (adjacent)
MN=2001:db8:1::300  # SPI 258, not a router
MR3=2001:db8:1::400 # SPI 259, a router without prefixes
COA_B=2001:db8:c::77 # MR2's care-of address, in the CN namespace too
MNP_A=2001:db8:100::/56
MNP_A2=2001:db8:102::/56
MNP_B=2001:db8:100:100::/56
HOST_A=2001:db8:100::5
HOST_B=2001:db8:100:100::5
SEQ=10

mobile_nodes() {
	cat <<EOF
  mobile-nodes = (
    { home-address = "$MR1"; spi = 256; key = "$KEY"; mobile-router = true;
      prefixes = [ "$MNP_A", "$MNP_A2" ]; },
    { home-address = "$MR2"; spi = 257; key = "$KEY"; mobile-router = true;
      prefixes = [ "$MNP_B" ]; },
    { home-address = "$MN"; spi = 258; key = "$KEY"; },
    { home-address = "$MR3"; spi = 259; key = "$KEY"; mobile-router = true; }
  );
EOF
}

# The rig's ha.conf with our mobile-nodes list in place of its one entry.
write_conf() {
	local list
	xm_write_confs "$KEY"
	list=$(mobile_nodes)
	"$XM_PYTHON" - "$XM_TMP/ha.conf" "$list" <<'EOF'
import re, sys
path, lst = sys.argv[1], sys.argv[2]
s = open(path).read()
s = re.sub(r"  mobile-nodes = \(.*?\);\n", lambda m: lst + "\n", s, flags=re.S)
open(path, "w").write(s)
EOF
	grep -q "mobile-router" "$XM_TMP/ha.conf"
}

# refused NAME LINE-PATTERN REPLACEMENT WANT: the config with one line
# changed is refused by --check, with FILE:LINE and WANT in the message.
refused() {
	local f=$XM_TMP/$1.conf out line
	sed "s|$2|$3|" "$XM_TMP/ha.conf" >"$f"
	line=$(grep -nF "$3" "$f" | head -1 | cut -d: -f1)
	out=$("$XM_D_BIN" -c "$f" --check 2>&1) && return 1
	echo "$out"
	[ -n "$line" ] && echo "$out" | grep -q "$f:$line: .*$4"
}

# bu HOA SPI COA ARGS...: one BU from the peer; its answer saved in $XM_TMP/last.json.
bu() {
	local hoa=$1 spi=$2 coa=$3
	shift 3
	SEQ=$((SEQ + 1))
	ip netns exec "$(xm_ns cn)" "$XM_PYTHON" selftests/peers/mip6_peer.py bu --coa "$coa" \
		--ha "$XM_HA_ADDR" --hoa "$hoa" --spi "$spi" --key "$KEY" --seq "$SEQ" --wait 6 \
		"$@" >"$XM_TMP/last.json"
	cat "$XM_TMP/last.json"
}

# answer_is EXPR: the last answer satisfies EXPR (Python, a = answer).
answer_is() { jget "(lambda a: bool(a and ($1)))(d['answer'])" <"$XM_TMP/last.json" | grep -qx True; }
ba() { answer_is "a.get('mh_type')==6 and a['status']==$1 and a['checksum_ok'] and a['auth_ok']"; }
ba_r() { ba "$1" && answer_is "a['ba_flags'] & 0x40"; }
ba_no_r() { ba "$1" && answer_is "not a['ba_flags'] & 0x40"; }
no_answer() { jget "d['answer']" <"$XM_TMP/last.json" | grep -qx None; }

# The pinned "prefixes" map as bpftool dumps it, decoded here from the raw
# key and value bytes (headers/xmip6.h: __u32 prefixlen, in6_addr; in6_addr
# home_addr first, then __u32 flags): "PREFIX/LEN=HOA" words, sorted; with
# "mode", "PREFIX/LEN=HOA=MODE" (XMIP6_PREFIX_F_IMPLICIT = 1: implicit).
map_prefixes() {
	bpftool -j map dump pinned "$(xm_pin ha)/prefixes" | "$XM_PYTHON" -c '
import json, socket, struct, sys
def raw(v): return bytes(int(x, 16) for x in v)
out = []
for e in json.load(sys.stdin):
    k, v = raw(e["key"]), raw(e["value"])
    w = "%s/%d=%s" % (socket.inet_ntop(socket.AF_INET6, k[4:20]),
                      struct.unpack("<I", k[:4])[0], socket.inet_ntop(socket.AF_INET6, v[:16]))
    if sys.argv[1:] == ["mode"]:
        w += "=implicit" if struct.unpack("<I", v[16:20])[0] & 1 else "=explicit"
    out.append(w)
print(" ".join(sorted(out)))' "$@"
}
# ctl_prefixes_match: `xmip6ctl -p PIN prefix show`, JSON and text, lists
# exactly the pinned map's entries as bpftool reads them, with their mode;
# an empty map is the line "no prefixes" (and []).
ctl_prefixes_match() {
	local want json text
	want=$(map_prefixes mode) || return 1
	json=$(xm_ctl ha -j prefix show) || return 1
	text=$(xm_ctl ha prefix show) || return 1
	printf '%s\n' "$text"
	"$XM_PYTHON" - "$want" "$json" "$text" <<'EOF'
import json, sys
sys.path.insert(0, "selftests/lib")
from ctl_table import table
want, js, text = sys.argv[1].split(), json.loads(sys.argv[2]), sys.argv[3]
got = sorted("%s=%s=%s" % (r["prefix"], r["home_addr"], r["mode"]) for r in js)
ok = got == sorted(want)
if not want:
    ok = ok and text.strip() == "no prefixes"
else:
    titles, rows = table(text)
    ok = ok and titles == ["Prefix", "Router Home Address", "Mode"] and \
        sorted("=".join(r) for r in rows) == sorted(want)
print("bpftool %s, json %s: %s" % (want, got, "same" if ok else "DIFFER"))
sys.exit(0 if ok else 1)
EOF
}

# copies_follow HOA...: every "prefixes" entry of each HOA carries, behind
# its 24 octets of home address and flags, the router's 64-octet forwarding
# half exactly as the pinned "bindings" map holds it (headers/xmip6.h; the
# data plane forwards to a prefix with that copy, bpf/nemo.h); bpftool reads both.
copies_follow() {
	local pin
	pin=$(xm_pin ha)
	"$XM_PYTHON" - "$(bpftool -j map dump pinned "$pin/prefixes")" \
		"$(bpftool -j map dump pinned "$pin/bindings")" "$@" <<'EOF'
import json, socket, sys
def raw(v): return bytes(int(x, 16) for x in v)
prefixes, bindings = json.loads(sys.argv[1]), json.loads(sys.argv[2])
fwd = {raw(e["key"]): raw(e["value"]) for e in bindings}
ok, n = True, 0
for e in prefixes:
    v = raw(e["value"])
    hoa = socket.inet_ntop(socket.AF_INET6, v[:16])
    if hoa not in sys.argv[3:]:
        continue
    n += 1
    same = v[24:88] == fwd.get(v[:16])
    print("prefix of %s: copy %s the binding" % (hoa, "equals" if same else "DIFFERS from"))
    ok = ok and same
sys.exit(0 if ok and n else 1)
EOF
}

prefixes_are() {
	local got
	got=$(map_prefixes) || return 1
	echo "prefixes map: '$got' want '$*'"
	[ "$got" = "$*" ]
}

# binding_of HOA EXPR: its row of `xmip6ctl -j binding show` (b) satisfies EXPR.
binding_of() {
	xm_dctl ha -j binding show | jget "(lambda b: bool(b and ($2)))(next((b for b in \
d['bindings'] if b['home_addr']=='$1'), None))" | grep -qx True
}
unbound() { ! binding_of "$1" "True"; }

dstat() { xm_dctl ha -j stats show | jget "d['dataplane']['$1']"; }

# tunnelled_to DST COA [FROM]: echo requests to DST (3, bounded) sent in
# FROM's namespace (default: the CN, forwarded by the HA; "ha": the HA's
# own, through tc_ha_egress) leave the HA IPv6-in-IPv6 to COA; Scapy reads
# the capture: outer HA -> COA, next header 41, inner packet to DST (from
# the HA's address when FROM is the HA, with the hop limit it was sent
# with: 64, not one bounced off R1 back into xdp_ha, which would be 62).
tunnelled_to() {
	local dst=$1 coa=$2 from=${3:-cn} pcap=$XM_TMP/tun-$1-${3:-cn}.pcap src=
	[ "$from" = ha ] && src=$XM_HA_ADDR
	xm_capture_start cn "$XM_CN_IF" "$pcap" ip6 and ip6[6] == 41 and src host "$XM_HA_ADDR" ||
		return 1
	xm_exec "$from" ping -6 -c 3 -i 0.3 -W 1 -t 64 "$dst" >/dev/null 2>&1
	xm_retry 30 0.1 pcap_has "$pcap" "$coa" "$dst" $src
	local rc=$?
	xm_capture_stop 0
	return $rc
}
pcap_has() {
	"$XM_PYTHON" - "$@" <<'EOF'
import sys, logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.layers.inet6 import IPv6
from scapy.utils import rdpcap
pcap, coa, dst = sys.argv[1:4]
src = sys.argv[4] if len(sys.argv) > 4 else None
n = 0
try:
    pkts = rdpcap(pcap)
except Exception:
    pkts = []
for p in pkts:
    if IPv6 in p and p[IPv6].nh == 41 and p[IPv6].dst == coa and \
            isinstance(p[IPv6].payload, IPv6) and p[IPv6].payload.dst == dst and \
            (src is None or (p[IPv6].payload.src == src and p[IPv6].payload.hlim == 64)):
        n += 1
print("tunnelled to %s for %s: %d" % (coa, dst, n))
sys.exit(0 if n >= 1 else 1)
EOF
}

# reverse SRC: one IPv6-in-IPv6 packet from MR1's care-of address (the CN's
# address) to the HA carrying UDP from SRC to the CN.
reverse() {
	ip netns exec "$(xm_ns cn)" "$XM_PYTHON" -c '
import sys, logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.config import conf
from scapy.layers.inet import UDP
from scapy.layers.inet6 import IPv6
from scapy.packet import Raw
from scapy.sendrecv import send
conf.verb = 0
coa, ha, src, cn = sys.argv[1:]
send(IPv6(src=coa, dst=ha) / IPv6(src=src, dst=cn, hlim=64) / UDP(sport=4000, dport=4001) /
     Raw(b"nemo-reverse"))' "$XM_CN_ADDR" "$XM_HA_ADDR" "$1" "$XM_CN_ADDR"
}

counter_grows() {
	local name=$1 before=$2 now
	now=$(dstat "$name") || return 1
	echo "$name: $before -> $now"
	[ "$now" -gt "$before" ]
}

# reverse_dropped SRC COUNTER: the packet is dropped (nothing from SRC at
# the CN) and COUNTER moves.
reverse_dropped() {
	local src=$1 name=$2 before pcap=$XM_TMP/rev-drop.pcap n
	before=$(dstat "$name") || return 1
	xm_capture_start cn "$XM_CN_IF" "$pcap" ip6 and udp and src host "$src" || return 1
	reverse "$src"
	xm_retry 30 0.1 counter_grows "$name" "$before" || return 1
	xm_capture_stop 1
	n=$(tcpdump -r "$pcap" 2>/dev/null | wc -l)
	echo "packets from $src at the CN: $n"
	[ "$n" = 0 ]
}

# reverse_forwarded SRC: decapsulated and forwarded to the CN.
reverse_forwarded() {
	local src=$1 before pcap=$XM_TMP/rev-ok.pcap
	before=$(dstat ha_prefix_decap) || return 1
	xm_capture_start cn "$XM_CN_IF" "$pcap" ip6 and udp and src host "$src" || return 1
	reverse "$src"
	xm_retry 30 0.1 pcap_not_empty "$pcap"
	local rc=$?
	xm_capture_stop 0
	[ $rc = 0 ] && counter_grows ha_prefix_decap "$before"
}
pcap_not_empty() { [ "$(tcpdump -r "$1" 2>/dev/null | wc -l)" -ge 1 ]; }

refused_143() { ba 143 && unbound "$MR3"; }
still_serving() {
	prefixes_are "2001:db8:100:100::/56=$MR2 2001:db8:100::/56=$MR1" && kill -0 "$HA_PID" &&
		bu "$MR1" 256 "$XM_CN_ADDR" --flags AHR --mnp "$MNP_A" && ba_r 0
}
host_now() {
	binding_of "$MR1" "not b.get('prefixes') and 'R' not in b['flags']" &&
		xm_retry 20 0.1 prefixes_are "2001:db8:100:100::/56=$MR2"
}
# SIGHUP with MR1's first prefix no longer in its entry; the reload line.
RELOADED="configuration reloaded"
reload_without_a() {
	local n
	sed -i "s|prefixes = \[ \"$MNP_A\", |prefixes = [ |" "$XM_TMP/ha.conf" || return 1
	grep -q "prefixes = \[ \"$MNP_A2\" \]" "$XM_TMP/ha.conf" || return 1
	n=$(grep -c -- "$RELOADED" "$XM_TMP/ha.log")
	kill -HUP "$HA_PID" && xm_retry 50 0.1 xm_lines_above "$n" "$XM_TMP/ha.log" "$RELOADED"
}
dereg_gone() { xm_retry 20 0.1 prefixes_are "" && unbound "$MR2"; }

# DHAAD for mobile routers (RFC 3963 section 7), from an independent Scapy
# requester at the CN (peers/nd_probe.py) to the home prefix's anycast.
ANYCAST=2001:db8:1::fdff:ffff:ffff:fffe # RFC 2526 on XM_HOME_PREFIX
DHAAD_ID=7000
# dhaad_reply R WANT_R: a Request with R (1) or without (0) draws a Reply
# naming the HA, its R flag WANT_R.
dhaad_reply() {
	local out
	DHAAD_ID=$((DHAAD_ID + 1))
	out=$(xm_exec cn "$XM_PYTHON" selftests/peers/nd_probe.py dhaad "$XM_CN_IF" "$XM_CN_ADDR" \
		"$ANYCAST" "$DHAAD_ID" 3 "$1") || return 1
	echo "DHAAD Reply id $DHAAD_ID: $out"
	[[ " $out " == *" $XM_HA_ADDR "* && " $out " == *" R=$2 "* ]]
}
# dhaad_silent: a Request with R (3 tries, a second apart) draws no Reply.
dhaad_silent() {
	DHAAD_ID=$((DHAAD_ID + 1))
	! xm_exec cn "$XM_PYTHON" selftests/peers/nd_probe.py dhaad "$XM_CN_IF" "$XM_CN_ADDR" \
		"$ANYCAST" "$DHAAD_ID" 3 1
}
# reload_no_routers: SIGHUP with no mobile-nodes entry a router (and so no
# prefixes): the HA no longer supports mobile routers.
reload_no_routers() {
	local n
	sed -i -e 's/ mobile-router = true;//' -e 's/prefixes = \[[^]]*\];//' "$XM_TMP/ha.conf" &&
		! grep -q "mobile-router" "$XM_TMP/ha.conf" || return 1
	n=$(grep -c -- "$RELOADED" "$XM_TMP/ha.log")
	kill -HUP "$HA_PID" && xm_retry 50 0.1 xm_lines_above "$n" "$XM_TMP/ha.log" "$RELOADED"
}

add_routes() {
	# The mobile networks are reached through the home agent.
	ip -n "$(xm_ns r1)" -6 route add 2001:db8:100::/40 via "$XM_HA_ADDR" &&
		xm_addr cn "$XM_CN_IF" "$COA_B/64"
}

main() {
	xm_init
	[ -x "$XM_D_BIN" ] || { echo "1..0 # SKIP $XM_D_BIN not built"; exit 0; }
	command -v bpftool >/dev/null || { echo "1..0 # SKIP bpftool missing"; exit 0; }
	t_fatal "topology (daemon variant) comes up" xm_topo_up
	t_fatal "routes to the mobile networks via the HA, second CoA at the CN" add_routes
	t_fatal "HA configuration with routers and prefixes" write_conf

	t "config: a prefix of length 0 is refused with FILE:LINE" refused len0 \
		"\"$MNP_A2\"" "\"2001:db8:102::/0\"" "prefix length must be 1..128"
	t "config: two routers' overlapping prefixes are refused with FILE:LINE" refused overlap \
		"\"$MNP_B\"" "\"2001:db8:100:80::/57\"" "overlaps 2001:db8:100::/56 of mobile-nodes\\[0\\]"
	t "config: a prefix on the home prefix is refused with FILE:LINE" refused home \
		"\"$MNP_B\"" "\"2001:db8:1::/48\"" "overlaps home-prefix"
	t "config: prefixes without mobile-router are refused with FILE:LINE" refused notrouter \
		"home-address = \"$MN\"; spi = 258;" \
		"home-address = \"$MN\"; spi = 258; prefixes = [ \"2001:db8:103::/56\" ];" \
		"prefixes need mobile-router = true"

	t_fatal "HA daemon starts" xm_start_daemon ha HA_PID

	# RFC 3963 section 6.2: only a node the HA knows as a router.
	t "a mobile node sends R: BA 140" bu "$MN" 258 "$XM_CN_ADDR" --flags AHR
	t "... status 140, no R in the BA" ba_no_r 140
	t "... no binding" unbound "$MN"

	# Explicit mode.
	t "MR1 explicit with two prefixes: BA 0 with R" \
		bu "$MR1" 256 "$XM_CN_ADDR" --flags AHR --mnp "$MNP_A" --mnp "$MNP_A2"
	t "... status 0, R set" ba_r 0
	t "... both prefixes in the pinned map, to MR1 (bpftool)" \
		xm_retry 20 0.1 prefixes_are "2001:db8:100::/56=$MR1 2001:db8:102::/56=$MR1"
	t "... binding show lists them, the binding is a router's" binding_of "$MR1" \
		"sorted(b.get('prefixes', [])) == ['$MNP_A', '$MNP_A2'] and 'R' in b['flags']"
	t "... a CN's packets to a host of $MNP_A arrive tunnelled at MR1's CoA (Scapy)" \
		tunnelled_to "$HOST_A" "$XM_CN_ADDR"
	t "... the HA's own echo to a host of $MNP_A arrives tunnelled at MR1's CoA (tc_ha_egress)" \
		tunnelled_to "$HOST_A" "$XM_CN_ADDR" ha
	t "MR1 re-registers with one prefix: BA 0 with R" \
		bu "$MR1" 256 "$XM_CN_ADDR" --flags AHR --mnp "$MNP_A"
	t "... status 0" ba_r 0
	t "... the prefix it no longer claims is gone" \
		xm_retry 20 0.1 prefixes_are "2001:db8:100::/56=$MR1"
	t "MR1 claims a prefix it may not: BA 142" \
		bu "$MR1" 256 "$XM_CN_ADDR" --flags AHR --mnp "$MNP_A" --mnp 2001:db8:200::/56
	t "... status 142" ba 142
	t "... nothing installed, nothing removed" prefixes_are "2001:db8:100::/56=$MR1"

	# Implicit mode, adjacent prefixes of two routers.
	t "MR2 implicit (R, no option): BA 0 with R" bu "$MR2" 257 "$COA_B" --flags AHR
	t "... status 0, R set" ba_r 0
	t "... its configured prefix in the map, next to MR1's" xm_retry 20 0.1 prefixes_are \
		"2001:db8:100:100::/56=$MR2 2001:db8:100::/56=$MR1"
	t "... packets to a host of $MNP_B arrive at MR2's CoA" tunnelled_to "$HOST_B" "$COA_B"
	t "... each prefix carries its router's forwarding half as \"bindings\" holds it (bpftool)" \
		copies_follow "$MR1" "$MR2"
	t "... packets to a host of the adjacent $MNP_A still at MR1's" \
		tunnelled_to "$HOST_A" "$XM_CN_ADDR"
	t "prefix show (text, JSON) lists them as bpftool reads the map: explicit, implicit" \
		ctl_prefixes_match
	t "a router without configured prefixes, implicit: BA 143" \
		bu "$MR3" 259 "$XM_CN_ADDR" --flags AHR
	t "... status 143, no binding" refused_143

	# Malformed Mobile Network Prefix options (RFC 3963 section 6.6).
	t "MNP option with Option Length 0: BA 141" \
		bu "$MR1" 256 "$XM_CN_ADDR" --flags AHR --mnp-raw 0600
	t "... status 141" ba 141
	t "MNP option with prefix length 0: BA 141" \
		bu "$MR1" 256 "$XM_CN_ADDR" --flags AHR --mnp-raw 06120000200106b8010000000000000000000000
	t "... status 141" ba 141
	t "MNP option with prefix length 129: BA 141" \
		bu "$MR1" 256 "$XM_CN_ADDR" --flags AHR --mnp-raw 06120081200106b8010000000000000000000000
	t "... status 141" ba 141
	t "MNP option running past the message: no answer (discarded)" \
		bu "$MR1" 256 "$XM_CN_ADDR" --flags AHR --wait 2 --tail-raw 0612000020010db8
	t "... none" no_answer
	t "... the daemon still serves: MR1's prefix unchanged, a good BU answered" \
		still_serving

	# Ingress filtering of the reverse tunnel (RFC 3963 sections 6.4, 9).
	t "reverse tunnel from MR1's CoA, source in its prefix: forwarded to the CN" \
		reverse_forwarded "$HOST_A"
	t "reverse tunnel from MR1's CoA, source in MR2's prefix: dropped, ha_prefix_spoofed" \
		reverse_dropped "$HOST_B" ha_prefix_spoofed
	t "reverse tunnel from MR1's CoA, source in no prefix: dropped, ha_tunnel_no_binding" \
		reverse_dropped 2001:db8:999::5 ha_tunnel_no_binding

	# A reload that no longer authorises a registered prefix.
	t "SIGHUP, MR1 may no longer claim $MNP_A: reloaded" reload_without_a
	t "... its prefix leaves the map, MR2's stays" \
		xm_retry 20 0.1 prefixes_are "2001:db8:100:100::/56=$MR2"
	t "... MR1's binding stays" binding_of "$MR1" "'R' in b['flags']"

	# Section 6.2: a router without R is a host.
	t "MR1 without R: BA 0 without R" bu "$MR1" 256 "$XM_CN_ADDR" --flags AH --mnp "$MNP_A"
	t "... status 0, R clear" ba_no_r 0
	t "... a host binding, its prefixes gone" host_now

	# Deregistration (section 6.7).
	t "MR2 deregisters: BA 0" bu "$MR2" 257 "$COA_B" --flags AHR --lifetime 0
	t "... status 0" ba 0
	t "... its prefix gone from the map, no binding" \
		dereg_gone
	t "prefix show: \"no prefixes\", [] in JSON" ctl_prefixes_match

	t "DHAAD Request with R: a Reply with R names the HA (routers configured)" dhaad_reply 1 1
	t "DHAAD Request without R: a Reply without R names the HA" dhaad_reply 0 0
	t "SIGHUP: no mobile-nodes entry is a router any more" reload_no_routers
	t "... a DHAAD Request with R is not answered" dhaad_silent
	t "... one without R still is" dhaad_reply 0 0
	finish
}

[ "${BASH_SOURCE[0]}" = "$0" ] && main
