#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_dhaad.sh - Dynamic Home Agent Address Discovery and Mobile Prefix
# Solicitation/Advertisement (RFC 6275 sections 10.5, 10.6, 11.4):
#
#   - the HA learns other home agents from Router Advertisements with the H
#     bit on its home link (radvd in R1, and RAs built with Scapy from the
#     MN's home-link port) and answers a Scapy DHAAD Request to the
#     home-agents anycast address with all of them, by preference; one that
#     withdraws (lifetime 0) or whose lifetime runs out drops out;
#   - a mobile node configured with only its home prefix finds the HA by
#     DHAAD from its care-of address and registers its formed home address;
#   - a Scapy mobile node's MPS (HAO) gets an MPA with the home prefix and a
#     type 2 routing header;
#   - with no home agent, DHAAD Requests are retransmitted after 3 s with a
#     new Identifier.
# Packets are checked with tshark and parsed again here. TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
XM_TOPO=daemon
# shellcheck source=scripts/topology.sh
. scripts/topology.sh

# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

KEY=00112233445566778899aabbccddeeff
ANYCAST=2001:db8:1:0:fdff:ffff:ffff:fffe
MN_MAC=02:00:00:00:00:10
FORMED_HOA=2001:db8:1::ff:fe00:10 # home prefix + modified EUI-64 of MN_MAC
PEER_HOA=2001:db8:1::300          # the Scapy mobile node, at the CN's address
RADVD_HA=2001:db8:1::1            # R1, announced by radvd, preference 1
SCAPY_HA=2001:db8:1::b            # announced with Scapy, preference -5
HA_PREF=3


write_files() {
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
  preference = $HA_PREF;
  dad = false;
  mobile-nodes = ( { home-address = "$FORMED_HOA"; spi = 256; key = "$KEY"; } );
};
EOF
	# Only the home prefix: home agent and home address are found.
	cat >"$XM_TMP/mn.conf" <<EOF
log-level = "debug";
pin-dir = "$(xm_pin mn)";
control-socket = "$XM_TMP/mn.sock";
mobile-node = {
  home-prefix = "$XM_HOME_PREFIX";
  interfaces = [ "$XM_MN_IF" ];
  spi = 256;
  key = "$KEY";
};
EOF
	# A home prefix nobody serves: DHAAD goes unanswered.
	sed "s|$XM_HOME_PREFIX|2001:db8:99::/64|" "$XM_TMP/mn.conf" >"$XM_TMP/mn-lost.conf"
	cat >"$XM_TMP/radvd.conf" <<EOF
interface $XM_R1_BRIDGE {
	AdvSendAdvert on;
	MinRtrAdvInterval 1;
	MaxRtrAdvInterval 2;
	AdvDefaultLifetime 60;
	AdvHomeAgentFlag on;
	AdvHomeAgentInfo on;
	HomeAgentPreference 1;
	HomeAgentLifetime 60;
	prefix $RADVD_HA/64 {
		AdvRouterAddr on;
		AdvAutonomous off;
	};
};
EOF
	cat >"$XM_TMP/dhaad.py" <<'EOF'
"""Send and check DHAAD/MPS/RA packets, independently of xmip6d."""
import socket, struct, sys
from scapy.config import conf
from scapy.layers.inet6 import (
    IPv6, IPv6ExtHdrDestOpt, ICMPv6HAADRequest, ICMPv6MPSol, ICMPv6ND_RA, ICMPv6NDOptHAInfo,
    ICMPv6NDOptPrefixInfo, HAO,
)
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from scapy.sendrecv import send, sendp
from scapy.utils import rdpcap
conf.verb = 0
a6 = lambda a: socket.inet_pton(socket.AF_INET6, a)
n6 = lambda b: socket.inet_ntop(socket.AF_INET6, b)

def csum(src, dst, icmp):
    b = a6(src) + a6(dst) + struct.pack("!IxxxB", len(icmp), 58) + icmp[:2] + b"\0\0" + icmp[4:]
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def icmps(pcap):
    """(time, src, dst, final dst, rh2, icmp bytes) for every ICMPv6 packet."""
    for p in rdpcap(pcap):
        if IPv6 not in p: continue
        ip = p[IPv6]; nh, data, final, rh2 = ip.nh, bytes(ip.payload), ip.dst, None
        while nh in (0, 43, 60):
            if nh == 43 and data[2] == 2:
                rh2 = (data[3], n6(data[8:24])); final = rh2[1]
            nh, data = data[0], data[(data[1] + 1) * 8:]
        if nh == 58:
            yield float(p.time), ip.src, ip.dst, final, rh2, data[:ip.plen]

cmd = sys.argv[1]
if cmd == "request-when":       # ready fifo src dst id: Scapy loaded, the request on "go"
    ready, fifo, src, dst, i = sys.argv[2:7]
    pkt = IPv6(src=src, dst=dst) / ICMPv6HAADRequest(id=int(i), R=0)
    open(ready, "w").close()
    with open(fifo) as f:
        if f.read().strip() == "go":
            send(pkt)
elif cmd == "mps":              # coa ha hoa id
    coa, ha, hoa, i = sys.argv[2:6]
    icmp = bytearray(bytes(ICMPv6MPSol(id=int(i), cksum=0)))
    icmp[2:4] = struct.pack("!H", csum(hoa, ha, bytes(icmp)))  # HAO: home address (6.3)
    send(IPv6(src=coa, dst=ha, nh=60) / IPv6ExtHdrDestOpt(nh=58, options=[HAO(hoa=hoa)])
         / Raw(bytes(icmp)))
elif cmd == "ra":               # iface src pref lifetime router-address
    ifc, src, pref, life, addr = sys.argv[2:7]
    ra = (IPv6(src=src, dst="ff02::1", hlim=255) / ICMPv6ND_RA(H=1, routerlifetime=600)
          / ICMPv6NDOptHAInfo(pref=int(pref) & 0xffff, lifetime=int(life))
          / ICMPv6NDOptPrefixInfo(prefixlen=64, L=1, A=0, R=1, prefix=addr))
    mac = open("/sys/class/net/%s/address" % ifc).read().strip()  # a bridge drops src 0
    sendp(Ether(src=mac, dst="33:33:00:00:00:01") / ra, iface=ifc)
elif cmd == "reply":            # pcap id expected-addresses...
    want, got = sys.argv[4:], None
    for t, src, dst, final, rh2, m in icmps(sys.argv[2]):
        if m[0] != 145 or struct.unpack("!H", m[4:6])[0] != int(sys.argv[3]): continue
        ok_sum = struct.unpack("!H", m[2:4])[0] == csum(src, dst, m)
        got = [n6(m[8 + 16 * i:24 + 16 * i]) for i in range((len(m) - 8) // 16)]
        print("reply from", src, "to", dst, "code", m[1], "checksum ok", ok_sum, got)
        sys.exit(0 if ok_sum and m[1] == 0 and got == want and m[6] & 0x80 == 0 else 1)
    sys.exit("no reply with that identifier")
elif cmd == "mpa":              # pcap id coa hoa prefix
    i, coa, hoa, prefix = sys.argv[3:7]
    for t, src, dst, final, rh2, m in icmps(sys.argv[2]):
        if m[0] != 147: continue
        ok_sum = struct.unpack("!H", m[2:4])[0] == csum(src, hoa, m)
        pio = m[8:40]
        print("MPA", src, dst, "rh2", rh2, "id", struct.unpack("!H", m[4:6])[0], "checksum ok",
              ok_sum, "pio", pio[:4].hex(), n6(pio[16:32]))
        sys.exit(0 if ok_sum and dst == coa and rh2 == (1, hoa) and
                 struct.unpack("!H", m[4:6])[0] == int(i) and pio[0] == 3 and pio[1] == 4 and
                 "%s/%d" % (n6(pio[16:32]), pio[2]) == prefix else 1)
    sys.exit("no MPA")
elif cmd == "mps-sent":         # pcap coa ha hoa: the MN's MPS, HAO and checksum
    coa, ha, hoa = sys.argv[3:6]
    for p in rdpcap(sys.argv[2]):
        if IPv6 not in p or p[IPv6].src != coa or p[IPv6].dst != ha or p[IPv6].nh != 60: continue
        d = bytes(p[IPv6].payload); hl = (d[1] + 1) * 8; pos, hao = 2, None
        while pos < hl:
            if d[pos] == 0: pos += 1; continue
            if d[pos] == 201: hao = n6(d[pos + 2:pos + 18])
            pos += 2 + d[pos + 1]
        m = d[hl:]
        if d[0] != 58 or m[0] != 146: continue
        ok_sum = struct.unpack("!H", m[2:4])[0] == csum(hoa, ha, m[:8])
        print("MPS from", coa, "HAO", hao, "id", struct.unpack("!H", m[4:6])[0], "checksum ok", ok_sum)
        sys.exit(0 if hao == hoa and ok_sum and len(m) == 8 else 1)
    sys.exit("no MPS")
elif cmd == "errors-from":      # pcap src: no ICMPv6 error from src (the outer header's)
    errs = [(t, dst, m[0], m[1]) for t, src, dst, final, rh2, m in icmps(sys.argv[2])
            if m[0] < 128 and src == sys.argv[3]]
    print("ICMPv6 errors from", sys.argv[3], errs)
    sys.exit(1 if errs else 0)
elif cmd == "requests":         # pcap src anycast: first gap ~3 s, new identifiers
    reqs = [(t, struct.unpack("!H", m[4:6])[0]) for t, src, dst, final, rh2, m
            in icmps(sys.argv[2]) if m[0] == 144 and src == sys.argv[3] and dst == sys.argv[4]]
    gaps = [round(b[0] - a[0], 2) for a, b in zip(reqs, reqs[1:])]
    print("requests", len(reqs), "gaps", gaps, "ids", [i for t, i in reqs])
    sys.exit(0 if len(reqs) >= 2 and abs(gaps[0] - 3.0) < 0.3 and
             len({i for t, i in reqs}) == len(reqs) else 1)
EOF
}

py() { "$XM_PYTHON" "$XM_TMP/dhaad.py" "$@"; }

start_ha() {
	xm_daemon ha "$XM_TMP/ha.conf" "$XM_TMP/ha.log"
	HA_PID=$XM_LAST_PID
	xm_daemon_up "$HA_PID" "$XM_TMP/ha.sock"
}

start_radvd() {
	xm_bg r1 radvd -C "$XM_TMP/radvd.conf" -p "$XM_TMP/radvd.pid" -n -m stderr \
		2>"$XM_TMP/radvd.log"
	RADVD_PID=$XM_LAST_PID
	sleep 0.5
	kill -0 "$RADVD_PID" || { cat "$XM_TMP/radvd.log"; return 1; }
}

# The HA's Home Agents List as (address, preference) pairs.
ha_list() { xm_dctl ha -j home-agents show | jget "[(h['address'], h['preference']) for h in d['home_agents']]"; }
ha_list_has() { ha_list | grep -qF "('$1', $2)"; }
ha_list_lacks() { ! ha_list | grep -qF "'$1'"; }

mn_ll() { ip -n "$(xm_ns mn)" -6 addr show dev "$XM_MN_HOME_IF" scope link | sed -n 's/.*inet6 \([^/]*\).*/\1/p' | head -n 1; }

scapy_ra() { xm_exec mn "$XM_PYTHON" "$XM_TMP/dhaad.py" ra "$XM_MN_HOME_IF" "$(mn_ll)" "$@" "$SCAPY_HA"; }

learns_home_agents() {
	start_radvd || return 1
	scapy_ra -5 30 || return 1
	xm_retry 100 0.1 ha_list_has "$RADVD_HA" 1 && xm_retry 30 0.1 ha_list_has "$SCAPY_HA" -5 &&
		ha_list_has "$XM_HA_ADDR" "$HA_PREF" && ha_list
}

# request_ready ID: a process on the CN that has loaded Scapy and sends the
# DHAAD Request ID when request_go says so: no Python start-up (seconds on
# a busy machine) stands between a change of the list and the request.
request_ready() {
	local ready=$XM_TMP/dhaad-ready-$1
	REQ_GO=$XM_TMP/dhaad-go-$1
	mkfifo "$REQ_GO" || return 1
	xm_bg cn "$XM_PYTHON" "$XM_TMP/dhaad.py" request-when "$ready" "$REQ_GO" "$XM_CN_ADDR" \
		"$ANYCAST" "$1"
	REQ_PID=$XM_LAST_PID
	xm_retry 150 0.1 test -e "$ready"
}
request_go() { timeout 10 sh -c 'echo go >"$1"' - "$REQ_GO" && xm_wait_pid "$REQ_PID" 10; }

# reply_checked PCAP ID EXPECTED...: the reply to ID in PCAP (waited for),
# its addresses and checksum, and tshark's reading of it.
reply_checked() {
	local pcap=$1 id=$2 out
	shift 2
	xm_retry 20 0.2 py reply "$pcap" "$id" "$@" || return 1
	xm_capture_stop
	out=$(tshark -r "$pcap" -V -Y "icmpv6.type == 145" 2>&1)
	echo "$out" | grep -E "Type:|Checksum Status|Home Agent Address" | head -12
	echo "$out" | grep -q "Home Agent Address Discovery Reply" &&
		echo "$out" | grep -q "Checksum Status: Good" && ! echo "$out" | grep -qi malformed
}

# dhaad_round ID EXPECTED...: a Scapy request from the CN; the reply checked.
dhaad_round() {
	local id=$1 pcap=$XM_TMP/dhaad-$1.pcap
	shift
	xm_capture_start cn "$XM_CN_IF" "$pcap" ip6 and icmp6 && request_ready "$id" &&
		request_go && reply_checked "$pcap" "$id" "$@"
}

# remaining_at_least ADDR S: ADDR's Home Agents List entry lives S s more.
remaining_at_least() {
	[ "$(xm_dctl ha -j home-agents show |
		jget "[h['remaining'] for h in d['home_agents'] if h['address'] == '$1'][0]")" -ge "$2" ]
}

# The reply names every home agent, the Scapy one (lifetime 30 s) too: its
# RA is sent again once the request is loaded, and the request goes while
# the entry has 20 s or more to live (a loaded machine took 37 s from the
# first RA to a request started only then: the entry had run out).
dhaad_all() {
	local id=4241 pcap=$XM_TMP/dhaad-4241.pcap
	xm_capture_start cn "$XM_CN_IF" "$pcap" ip6 and icmp6 && request_ready "$id" &&
		scapy_ra -5 30 && xm_retry 50 0.1 remaining_at_least "$SCAPY_HA" 20 &&
		request_go && reply_checked "$pcap" "$id" "$XM_HA_ADDR" "$RADVD_HA" "$SCAPY_HA"
}

withdrawn_drops_out() {
	scapy_ra -5 0 || return 1
	xm_retry 30 0.1 ha_list_lacks "$SCAPY_HA" || return 1
	dhaad_round 4242 "$XM_HA_ADDR" "$RADVD_HA"
}

# The entry must be in the reply to a request sent while it lives, and then
# drop out. The request comes from a process that loaded Scapy before the RA
# went out and sends as soon as the list holds the entry, so no Python
# start-up on a busy machine stands between the two; the drop-out is waited
# for, not timed.
expired_drops_out() {
	local pcap=$XM_TMP/dhaad-4243.pcap
	xm_capture_start cn "$XM_CN_IF" "$pcap" ip6 and icmp6 && request_ready 4243 || return 1
	# XMIP6_TIME_SCALE: the entry must outlive a slowed (valgrind) round.
	scapy_ra 20 $((4 * ${XMIP6_TIME_SCALE:-1})) || return 1
	xm_retry 30 0.1 ha_list_has "$SCAPY_HA" 20 || return 1
	request_go && reply_checked "$pcap" 4243 "$SCAPY_HA" "$XM_HA_ADDR" "$RADVD_HA" || return 1
	xm_retry 150 0.1 ha_list_lacks "$SCAPY_HA"
}

# dhaad_requests_above N PCAP: PCAP holds more than N DHAAD Requests (type 144).
dhaad_requests_above() {
	[ "$(tcpdump -n -r "$2" 'icmp6 and ip6[40] == 144' 2>/dev/null | wc -l)" -gt "$1" ]
}

retransmits() {
	local pcap=$XM_TMP/lost.pcap
	ip -n "$(xm_ns mn)" link set dev "$XM_MN_IF" address "$MN_MAC" || return 1
	xm_capture_start r2 "$XM_R2_VISIT_IF" "$pcap" ip6 and icmp6 || return 1
	xm_daemon mn "$XM_TMP/mn-lost.conf" "$XM_TMP/mn-lost.log"
	LOST_PID=$XM_LAST_PID
	# Two requests on the wire, however long the daemon takes to start (its
	# BPF programs load first: seconds on a loaded machine).
	xm_retry $((300 * ${XMIP6_TIME_SCALE:-1})) 0.1 dhaad_requests_above 1 "$pcap"
	xm_capture_stop
	kill -TERM "$LOST_PID"
	xm_reap "$LOST_PID" 3
	py requests "$pcap" "$XM_COA" 2001:db8:99:0:fdff:ffff:ffff:fffe
}

mn_finds_ha() {
	local pcap=$XM_TMP/mn.pcap
	ip -n "$(xm_ns mn)" link set dev "$XM_MN_IF" address "$MN_MAC" || return 1
	# All of IPv6: libpcap's icmp6 misses ICMPv6 behind a HAO or an RH2.
	xm_capture_start r2 "$XM_R2_VISIT_IF" "$pcap" ip6 || return 1
	xm_daemon mn "$XM_TMP/mn.conf" "$XM_TMP/mn.log"
	xm_retry 600 0.1 test -S "$XM_TMP/mn.sock" || return 1
	xm_retry 80 0.1 sh -c "$XM_CTL_BIN -s $XM_TMP/mn.sock -j bul show | grep -q '\"registered\"'" ||
		{ xm_dctl mn bul show; return 1; }
	sleep 1.5
	xm_capture_stop 1
	xm_dctl mn bul show
	xm_dctl mn -j bul show | jget "(d['bul'][0]['home_addr'], d['bul'][0]['ha_addr'])" |
		grep -qxF "('$FORMED_HOA', '$XM_HA_ADDR')" || return 1
	xm_dctl ha -j binding show home-address "$FORMED_HOA" |
		jget "[b['care_of_addr'] for b in d['bindings']]" | grep -qF "'$XM_COA'" || return 1
	# The request went from the care-of address to the anycast address.
	tshark -r "$pcap" -Y "icmpv6.type == 144 && ipv6.src == $XM_COA && ipv6.dst == $ANYCAST" |
		grep -q "Home Agent Address Discovery Request"
}

# The MN solicits its home prefix once registered; the HA's MPA carries the
# prefix with the lifetimes radvd advertises on the home link.
mn_solicits_prefix() {
	local out
	xm_retry 50 0.1 grep -q "MPA: home prefix" "$XM_TMP/mn.log" || return 1
	grep "MPA: home prefix" "$XM_TMP/mn.log"
	grep -q "MPA: home prefix $XM_HOME_PREFIX, valid 86400 s, preferred 14400 s" \
		"$XM_TMP/mn.log" || return 1
	py mps-sent "$XM_TMP/mn.pcap" "$XM_COA" "$XM_HA_ADDR" "$FORMED_HOA" || return 1
	py mpa "$XM_TMP/mn.pcap" "$(sed -n 's/.*MPS id \([0-9]*\) to.*/\1/p' "$XM_TMP/mn.log" | tail -n 1)" \
		"$XM_COA" "$FORMED_HOA" "$XM_HOME_PREFIX" || return 1
	out=$(tshark -r "$XM_TMP/mn.pcap" -V -Y "icmpv6.type == 146 || icmpv6.type == 147" 2>&1)
	echo "$out" | grep -q "Mobile Prefix Solicitation" &&
		echo "$out" | grep -q "Mobile Prefix Advertisement" && ! echo "$out" | grep -qi malformed
}

# RFC 6275 sections 6.4, 11.3.3: the MN consumes the MPA's type 2 routing
# header; its kernel, which has no RH2 support, must not answer it with
# Parameter Problem (ICMPv6 type 4, code 0, pointer 42: the Routing Type).
mpa_no_param_problem() {
	local out
	out=$(tshark -r "$XM_TMP/mn.pcap" -Y "icmpv6.type == 147" 2>/dev/null)
	[ -n "$out" ] || return 1
	# From the MN's MAC: ipv6.src would also match the packet an error quotes.
	out=$(tshark -r "$XM_TMP/mn.pcap" -Y "icmpv6.type == 4 && eth.src == $MN_MAC" 2>/dev/null)
	echo "$out"
	[ -z "$out" ]
}

mpa_answers_mps() {
	local pcap=$XM_TMP/mpa.pcap out
	xm_dctl ha binding add "$PEER_HOA" "$XM_CN_ADDR" lifetime 60 || return 1
	xm_capture_start cn "$XM_CN_IF" "$pcap" ip6 || return 1
	xm_exec cn "$XM_PYTHON" "$XM_TMP/dhaad.py" mps "$XM_CN_ADDR" "$XM_HA_ADDR" "$PEER_HOA" 777 ||
		return 1
	sleep 1
	xm_capture_stop
	py mpa "$pcap" 777 "$XM_CN_ADDR" "$PEER_HOA" "$XM_HOME_PREFIX" || return 1
	out=$(tshark -r "$pcap" -V -Y "icmpv6.type == 147" 2>&1)
	echo "$out" | grep -E "Type:|Checksum|Prefix:|Home Address" | head -12
	echo "$out" | grep -q "Mobile Prefix Advertisement" &&
		echo "$out" | grep -q "Checksum Status: Good" &&
		echo "$out" | grep -q "Prefix: 2001:db8:1::" && ! echo "$out" | grep -qi malformed
}

# RFC 6275 sections 6.3, 11.4.3: the HA takes an MPS behind a Home Address
# option of a binding in XDP; its kernel, which has no HAO support, must not
# answer it with Parameter Problem (ICMPv6 type 4, code 2: unrecognised
# option), neither the Scapy node's (to the CN's address) nor the MN's.
mps_no_param_problem() {
	local n
	py errors-from "$XM_TMP/mpa.pcap" "$XM_HA_ADDR" &&
		py errors-from "$XM_TMP/mn.pcap" "$XM_HA_ADDR" || return 1
	n=$(xm_dctl ha -j stats show | jget "d['dataplane']['ha_mps_daemon']") || return 1
	echo "ha_mps_daemon $n"
	[ "$n" -ge 2 ]
}

mps_unregistered_ignored() {
	local pcap=$XM_TMP/mpa2.pcap
	xm_capture_start cn "$XM_CN_IF" "$pcap" ip6 || return 1
	xm_exec cn "$XM_PYTHON" "$XM_TMP/dhaad.py" mps "$XM_CN_ADDR" "$XM_HA_ADDR" 2001:db8:1::301 778 ||
		return 1
	sleep 1
	xm_capture_stop
	! py mpa "$pcap" 778 "$XM_CN_ADDR" 2001:db8:1::301 "$XM_HOME_PREFIX"
}

main() {
	xm_init "xmdh$$-"
	[ -x "$XM_D_BIN" ] || {
		echo "1..0 # SKIP $XM_D_BIN not built"
		exit 0
	}
	command -v radvd >/dev/null || {
		echo "1..0 # SKIP radvd not installed"
		exit 0
	}
	t_fatal "topology comes up" xm_topo_up
	write_files
	t_fatal "home agent starts" start_ha
	t "Home Agents List learnt from radvd and Scapy RAs (H bit, HA Information option)" \
		learns_home_agents
	t "DHAAD Reply to a Scapy request: home agents by decreasing preference" \
		dhaad_all
	t "a home agent advertising lifetime 0 drops out of list and reply" withdrawn_drops_out
	t "a home agent whose lifetime runs out drops out" expired_drops_out
	t "no home agent: DHAAD retransmitted after 3 s with a new identifier" retransmits
	t "MN with only its home prefix finds the HA by DHAAD and registers" mn_finds_ha
	t "the MN solicits its home prefix (MPS with HAO) and takes the MPA (RH2)" mn_solicits_prefix
	t "the MPA's RH2 is consumed: no Parameter Problem leaves the MN" mpa_no_param_problem
	t "MPS with a HAO gets an MPA with the home prefix and a type 2 routing header" \
		mpa_answers_mps
	t "... the HA's data plane took both MPS: no Parameter Problem from its kernel" \
		mps_no_param_problem
	t "MPS for a home address without a binding is not answered" mps_unregistered_ignored
	finish
}

[ "${BASH_SOURCE[0]}" = "$0" ] && main
