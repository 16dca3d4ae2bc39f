#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_ro.sh - route optimisation end to end (RFC 6275 sections 5.2, 11.7.2):
#
#   CN (xmip6d -c, correspondent) --- R1 ----- R2 brvisit 2001:db8:20::/64
#   CN2 (no Mobile IPv6) ------------/ |  \--- R3 brvisit 2001:db8:30::/64
#                                      | brhome 2001:db8:1::/64
#                                      +-- HA
#   MN eth0: moved between R2, R3 and home (the roaming rig, XM_TOPO=roam).
#
# Real daemons, real packets: the MN talks to the CN from its home address,
# runs return routability and binds; tcpdump + tshark on the CN's and the
# MN's links show the route-optimised packets (type 2 routing header to the
# CoA, Home Address option from it) and no tunnel for them. A TCP stream
# survives a move with route optimisation on, which comes back at the new
# CoA; an expired binding falls back to the tunnel; a correspondent
# without Mobile IPv6 stays in the tunnel; back home the MN deregisters
# with the CN. TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
XM_TOPO=roam
# shellcheck source=scripts/topology.sh
. scripts/topology.sh

# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

KEY_MN=00112233445566778899aabbccddeeff
RO_LIFETIME=16 # s: refreshes every 12 s during the test, expiry testable
STREAM_BYTES=3000000
CN3_ADDR=2001:db8:c3::2 # the scripted correspondent (ro_fake_cn.py)

write_configs() {
	xm_write_confs "$KEY_MN" debug "lifetime = 600;
  route-optimization = \"all\";
  route-optimization-lifetime = $RO_LIFETIME;" &&
		xm_write_cn_conf debug "refresh-before = 2;"
}

start_routers() {
	xm_radvd_start r2 "$XM_VISIT_BRIDGE" "$XM_VISIT_PREFIX" &&
		xm_radvd_start r3 "$XM_VISIT_BRIDGE" "$XM_VISIT3_PREFIX" &&
		xm_radvd_start r1 "$XM_R1_BRIDGE" "$XM_HOME_PREFIX" home
}

topo_up() {
	xm_topo_up && xm_plain_cn_up && xm_plain_cn_up cn3 cn3 "$CN3_ADDR" 2001:db8:c3::1 &&
		# The CN runs XDP on its eth0: its veth peer gets NAPI.
		xm_peer_napi r1 "$XM_R1_CN_IF"
}

start_daemons() {
	xm_start_daemon ha HA_PID && xm_start_daemon cn CN_PID && xm_start_daemon mn MN_PID &&
		kill -0 "$HA_PID" "$CN_PID"
}

# ---- views -----------------------------------------------------------------

bul() { xm_dctl mn -j bul show; }
# ro_field PEER FIELD: a field of the MN's BUL entry for correspondent PEER ("" if none).
ro_field() {
	bul | jget "next((str(e.get('$2')) for e in d['bul'] if e.get('peer') == '$1'), '')"
}
ha_state() { bul | jget "d['bul'][0]['state']"; }
ha_coa() { bul | jget "d['bul'][0]['care_of_addr']"; }

registered_in() {
	local s c
	s=$(ha_state) && c=$(ha_coa) || return 1
	[ "$s" = registered ] && [ "${c#"$1"}" != "$c" ]
}

# ro_bound_in PEER PREFIX: the MN's entry for PEER is bound, via a CoA in PREFIX.
ro_bound_in() {
	local s c
	s=$(ro_field "$1" state) && c=$(ro_field "$1" care_of_addr) || return 1
	echo "$1: state $s care-of $c"
	[ "$s" = bound ] && [ "${c#"$2"}" != "$c" ]
}

# cn_coa: the care-of address the CN's binding cache holds for the HoA ("" if none).
cn_coa() {
	xm_dctl cn -j binding show | jget \
		"next((b['care_of_addr'] for b in d['bindings'] if b['home_addr'] == '$XM_HOA'), '')"
}

mn_coa_now() { ro_field "$XM_CN_ADDR" care_of_addr; }

ping_hoa() { xm_ping_ok mn "$2" -I "$XM_HOA" "$1"; }

# ---- checks ----------------------------------------------------------------

# The MN pings the CN from its home address: TC records the CN, RR, BU, BA.
ro_after_ping() {
	# (The first echo may wait for neighbour resolution: ping sends a 4th.)
	xm_retry 3 0.5 ping_hoa "$XM_CN_ADDR" 3 || return 1
	xm_retry 150 0.1 ro_bound_in "$XM_CN_ADDR" 2001:db8:20: || { bul; return 1; }
	grep "route optimisation with $XM_CN_ADDR" "$XM_TMP/mn.log" | tail -n 4
}

cn_binding_lists_mn() {
	local c want
	# (The table view lists the correspondent's entry too.)
	xm_dctl mn bul show | grep -F "$(mn_coa_now)" | grep -q bound || return 1
	want=$(mn_coa_now) || return 1
	c=$(cn_coa) || return 1
	echo "CN binding for $XM_HOA: '$c'; MN's CoA $want"
	[ -n "$c" ] && [ "$c" = "$want" ]
}

# tcount FILE FILTER: packets of FILE that match the tshark display FILTER.
tcount() { tshark -n -r "$1" -Y "$2" 2>/dev/null | wc -l; }

# The pings on the CN's link: RH2 to the CoA one way, HAO from it the other.
# Captured at R1's end: on the CN's own device XDP has already restored the
# home address as source before tcpdump sees the packet.
wire_cn_link() {
	local f=$XM_TMP/cn.pcap coa rh2 hao plain
	coa=$(mn_coa_now) || return 1
	xm_capture_start r1 "$XM_R1_CN_IF" "$f" ip6 || return 1
	ping_hoa "$XM_CN_ADDR" 5 >/dev/null
	xm_capture_stop 1
	rh2=$(tcount "$f" "icmpv6.type == 129 && ipv6.routing.type == 2 && ipv6.dst == $coa && \
ipv6.routing.mipv6.home_address == $XM_HOA")
	hao=$(tcount "$f" "icmpv6.type == 128 && ipv6.src == $coa && \
ipv6.opt.mipv6.home_address == $XM_HOA")
	plain=$(tcount "$f" "(icmpv6.type == 128 || icmpv6.type == 129) && \
!ipv6.opt.mipv6.home_address && !ipv6.routing.type")
	echo "CN link: $rh2 echo replies with RH2 to $coa, $hao requests with HAO, $plain plain"
	[ "$rh2" -ge 5 ] && [ "$hao" -ge 5 ] && [ "$plain" -eq 0 ]
}

# The same pings on the MN's link: not IPv6-in-IPv6.
wire_mn_link_direct() {
	local f=$XM_TMP/mn-direct.pcap tun hao
	xm_capture_start mn "$XM_MN_IF" "$f" ip6 || return 1
	ping_hoa "$XM_CN_ADDR" 5 >/dev/null
	xm_capture_stop 1
	tun=$(tcount "$f" "ipv6.nxt == 41 && (icmpv6.type == 128 || icmpv6.type == 129)")
	hao=$(tcount "$f" "icmpv6.type == 128 && ipv6.opt.mipv6.home_address == $XM_HOA")
	echo "MN link: $tun tunnelled echo packets, $hao requests with HAO"
	[ "$tun" -eq 0 ] && [ "$hao" -ge 5 ]
}

# The HoTI went CoA -> HA around HoA -> CN, without a HAO; the CoTI straight.
# bound_lines: how often the MN has logged its binding with the CN.
bound_lines() { grep -c "route optimisation with $XM_CN_ADDR: bound via" "$XM_TMP/mn.log"; }
bound_lines_beyond() { [ "$(bound_lines)" -gt "$1" ]; }

hoti_tunnelled() {
	local f=$XM_TMP/mn-rr.pcap hoti coti bad bound
	xm_capture_start mn "$XM_MN_IF" "$f" ip6 || return 1
	# Counted once the capture listens: a refresh that goes out while
	# tcpdump starts (seconds on a loaded machine) is then waited past.
	bound=$(bound_lines)
	# A refresh runs RR at 3/4 of RO_LIFETIME and logs "bound" again once
	# its BA is in: by then the HoTI and CoTI are on the wire.
	xm_retry $((RO_LIFETIME * 20)) 0.1 bound_lines_beyond "$bound"
	xm_capture_stop 1
	hoti=$(tcount "$f" "mip6.mhtype == 1 && ipv6.nxt == 41 && ipv6.dst == $XM_HA_ADDR && \
ipv6.dst == $XM_CN_ADDR && ipv6.src == $XM_HOA")
	coti=$(tcount "$f" "mip6.mhtype == 2 && !ipv6.nxt == 41 && ipv6.dst == $XM_CN_ADDR")
	bad=$(tcount "$f" "(mip6.mhtype == 1 || mip6.mhtype == 2) && ipv6.opt.mipv6.home_address")
	echo "HoTI tunnelled: $hoti, CoTI direct: $coti, with a HAO: $bad"
	[ "$hoti" -ge 1 ] && [ "$coti" -ge 1 ] && [ "$bad" -eq 0 ]
}

# ---- TCP across a move -----------------------------------------------------

tcp_start() { xm_tcp_stream_start "$STREAM_BYTES"; }

rx_grew_beyond() { [ "$(stat -c %s "$XM_TMP/stream.rx")" -gt "$1" ]; }

move_ro_back() {
	local grew
	xm_roam_move r3 || return 1
	xm_retry 100 0.1 registered_in 2001:db8:30: || { bul; return 1; }
	echo "registered with the HA in R3's prefix"
	xm_retry 150 0.1 ro_bound_in "$XM_CN_ADDR" 2001:db8:30: || { bul; return 1; }
	# The home token was young: only the care-of test ran again.
	grep "return routability (care-of) from 2001:db8:30:" "$XM_TMP/mn.log" || return 1
	cn_binding_lists_mn || return 1
	grew=$(stat -c %s "$XM_TMP/stream.rx")
	xm_retry 50 0.1 rx_grew_beyond "$grew"
}

tcp_done() { xm_tcp_stream_done; }

# The stream went route-optimised: the CN's data plane put RH2s on it (GSO
# packets count once: 3 MB are a few hundred of them).
cn_rh2_used() {
	local n
	n=$(xm_dctl cn -j stats show | jget "d['dataplane']['cn_rh2_insert']") || return 1
	echo "CN cn_rh2_insert: $n"
	[ "$n" -gt 100 ]
}

refresh_lines() { grep -c "$XM_CN_ADDR: return routability .*refreshing the binding" "$XM_TMP/mn.log"; }
refresh_lines_beyond() { [ "$(refresh_lines)" -gt "$1" ]; }
# R1 drops (-A) or forwards again (-D) the CN's Home Tests (MH type 3) on
# their way to the home address.
hot_held() { xm_exec r1 ip6tables "$1" FORWARD -p 135 -m mh --mh-type home-test -j DROP; }

# The move comes while a refresh waits for its Home Test (held at R1): the
# home token of the round before still signs (RFC 6275 section 5.2.7), so
# at the new CoA only the care-of test runs (section 11.6.1) and the binding
# is back without a Home Test. A mobile node that dropped that token when
# the refresh began would need the HoT R1 holds, and not bind again. Then
# back to R3, where the checks below expect the MN.
move_in_refresh() {
	local refreshes coti rc=0
	refreshes=$(refresh_lines)
	coti=$(grep -c "return routability (care-of) from 2001:db8:20:" "$XM_TMP/mn.log")
	hot_held -A || return 1
	xm_retry $((RO_LIFETIME * 20)) 0.1 refresh_lines_beyond "$refreshes" &&
		xm_roam_move r2 && xm_retry 100 0.1 registered_in 2001:db8:20: &&
		xm_retry 150 0.1 ro_bound_in "$XM_CN_ADDR" 2001:db8:20: || { bul; rc=1; }
	hot_held -D || rc=1
	[ "$rc" = 0 ] || return 1
	grep "return routability (care-of) from 2001:db8:20:" "$XM_TMP/mn.log" | tail -n 1
	[ "$(grep -c "return routability (care-of) from 2001:db8:20:" "$XM_TMP/mn.log")" -gt "$coti" ] ||
		return 1
	xm_roam_move r3 && xm_retry 100 0.1 registered_in 2001:db8:30: &&
		xm_retry 150 0.1 ro_bound_in "$XM_CN_ADDR" 2001:db8:30:
}

# ---- a correspondent without Mobile IPv6 -------------------------------------

plain_cn_stays_tunnelled() {
	local s
	xm_retry 3 0.5 ping_hoa "$XM_CN2_ADDR" 3 || return 1
	# HoTI/CoTI go unanswered (the kernel's Parameter Problems are ignored):
	# 4 copies, 1 + 2 + 4 + 8 s, then the entry is held down.
	for _ in $(seq 1 30); do
		s=$(ro_field "$XM_CN2_ADDR" state) || return 1
		[ "$s" = held-down ] && break
		sleep 1
	done
	echo "entry for $XM_CN2_ADDR: $s"
	[ "$s" = held-down ] || return 1
	grep "route optimisation with $XM_CN2_ADDR" "$XM_TMP/mn.log" | tail -n 2
	ping_hoa "$XM_CN2_ADDR" 5
}

# ---- expiry ----------------------------------------------------------------

# ro_left_at_least MIN: the binding with the CN has MIN s or more left; sets the
# caller's $left (whole seconds, 0 when unknown).
ro_left_at_least() {
	left=$(ro_field "$XM_CN_ADDR" expires_in)
	[[ $left =~ ^[0-9]+$ ]] || left=0
	[ "$left" -ge "$1" ]
}

# The MN daemon stops (SIGSTOP) past the binding's lifetime: the data plane
# drops the expired "ro" entry by itself and the pings go through the tunnel.
expiry_falls_back() {
	local f=$XM_TMP/mn-expired.pcap tun hao left rc=0
	xm_retry 150 0.1 ro_bound_in "$XM_CN_ADDR" 2001:db8:30: >/dev/null || return 1
	# The data plane's entry expires with the daemon's binding (ro_maps.c
	# writes it when the BA comes in, from the same granted lifetime):
	# wait what is left of it, not the whole lifetime. The daemon refreshes
	# at 3/4 of the lifetime (4 s left of 16): stopped within a moment of
	# that, a refresh that completes between this reading and the SIGSTOP
	# leaves a fresh 16 s entry. So it is stopped at least 3 s before the
	# refresh is due (with less left, after that refresh).
	local margin=$((RO_LIFETIME / 4 + 3))
	xm_retry 40 0.5 ro_left_at_least "$margin"
	echo "binding expires in $left s (rounded down; stopped with >= $margin s left)"
	[ "$left" -ge "$margin" ] || return 1
	kill -STOP "$MN_PID" || return 1
	sleep $((left + 2))
	xm_capture_start mn "$XM_MN_IF" "$f" ip6 || rc=1
	ping_hoa "$XM_CN_ADDR" 5 >/dev/null || { echo "ping failed"; rc=1; }
	xm_capture_stop 1
	kill -CONT "$MN_PID"
	tun=$(tcount "$f" "ipv6.nxt == 41 && icmpv6.type == 128 && ipv6.src == $XM_HOA")
	hao=$(tcount "$f" "ipv6.opt.mipv6.home_address")
	echo "daemon stopped past expiry: $tun tunnelled echo requests, $hao packets with HAO"
	[ "$rc" = 0 ] && [ "$tun" -ge 5 ] && [ "$hao" -eq 0 ]
}

ro_returns_after_expiry() {
	xm_retry 200 0.1 ro_bound_in "$XM_CN_ADDR" 2001:db8:30: || { bul; return 1; }
	grep "route optimisation with $XM_CN_ADDR" "$XM_TMP/mn.log" | tail -n 3
}

# ---- a scripted correspondent (Scapy) ----------------------------------------

# ro_fake_cn.py answers BU 1 with 135, BU 2 with 136, BU 3 and 4 with 0, sends
# a BRR after BU 3's BA and a Binding Error status 2 after BU 4's; it checks
# every BU's authenticator itself.
fake_cn_script() {
	local log=$XM_TMP/fakecn.jsonl s
	xm_bg cn3 timeout 100 "$XM_PYTHON" selftests/peers/ro_fake_cn.py --iface "$XM_CN2_IF" \
		--addr "$CN3_ADDR" --log "$log" --statuses 135,136,0,0 --timeout 90
	xm_retry 100 0.1 grep -qs '"ready"' "$log" || return 1
	xm_retry 3 0.5 ping_hoa "$CN3_ADDR" 3 >/dev/null || return 1
	for _ in $(seq 1 40); do
		s=$(ro_field "$CN3_ADDR" state) || return 1
		[ "$s" = held-down ] && grep -qs '"be"' "$log" && break
		sleep 1
	done
	echo "MN's entry for $CN3_ADDR: $s"
	grep "route optimisation with $CN3_ADDR" "$XM_TMP/mn.log" | tail -n 12
	"$XM_PYTHON" - "$log" "$XM_HOA" 2001:db8:30: "$((RO_LIFETIME / 4))" <<'EOF' || return 1
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
hoa, coa_pfx, units = sys.argv[2], sys.argv[3], int(sys.argv[4])
for e in ev:
    print(e)
bus = [i for i, e in enumerate(ev) if e["ev"] == "bu"]
ok = True


def between(kind, a, b):
    return [e for e in ev[a + 1:b] if e["ev"] == kind]


def check(cond, what):
    global ok
    print(("ok: " if cond else "FAILED: ") + what)
    ok = ok and bool(cond)


check(len(bus) >= 4, "4 BUs")
if len(bus) >= 4:
    b = [ev[i] for i in bus]
    check(all(x["bad_ok"] and x["bad_last"] for x in b), "every BU: BAD verifies, last option")
    check(all(x["hao"] == hoa and x["src"].startswith(coa_pfx) for x in b),
          "every BU from the CoA with the HoA in a HAO")
    check(all(x["flags"] == 0x8000 and x["lifetime"] == units for x in b),
          "A=1, H=0, lifetime %d units" % units)
    check(b[1]["seq"] == (b[0]["seq"] + 101) & 0xffff, "after 135: the CN's seq + 1")
    check(between("hoti", bus[1], bus[2]) and not between("coti", bus[1], bus[2]),
          "after 136: the home test again, not the care-of test")
    check(b[2]["seq"] == (b[1]["seq"] + 1) & 0xffff, "next BU: seq + 1")
    brr = [i for i, e in enumerate(ev) if e["ev"] == "brr"]
    check(brr and brr[0] < bus[3] and between("hoti", brr[0], bus[3]) and
          between("coti", brr[0], bus[3]), "after the BRR: both tests, then BU 4")
tests = [e for e in ev if e["ev"] in ("hoti", "coti")]
check(all(e["src"] == hoa for e in tests if e["ev"] == "hoti"), "HoTIs from the home address")
check(all(e["src"].startswith(coa_pfx) for e in tests if e["ev"] == "coti"), "CoTIs from the CoA")
check(len({e["cookie"] for e in tests}) == len(tests), "a new cookie every time")
sys.exit(0 if ok else 1)
EOF
	[ "$s" = held-down ]
}

# ---- home ------------------------------------------------------------------

home_deregisters_with_cn() {
	local c
	c=$(cn_coa) || return 1
	echo "CN binding before: '$c'"
	[ -n "$c" ] || return 1
	xm_roam_move r1 || return 1
	for _ in $(seq 1 150); do
		c=$(cn_coa) || return 1
		[ -z "$c" ] && break
		sleep 0.1
	done
	echo "CN binding after going home: '$c'"
	grep -E "route optimisation with $XM_CN_ADDR: (home again|deregistered)" "$XM_TMP/mn.log"
	[ -z "$c" ] && grep -q "route optimisation with $XM_CN_ADDR: deregistered" "$XM_TMP/mn.log"
}

home_direct() {
	xm_retry 10 0.5 ping_hoa "$XM_CN_ADDR" 3 >/dev/null || return 1
	ping_hoa "$XM_CN_ADDR" 3
}

main() {
	xm_init
	[ -x "$XM_D_BIN" ] || { echo "1..0 # SKIP $XM_D_BIN not built"; exit 0; }
	for c in radvd tshark tcpdump socat; do
		command -v "$c" >/dev/null || { echo "1..0 # SKIP $c not installed"; exit 0; }
	done
	t_fatal "roaming topology and a plain correspondent come up" topo_up
	t_fatal "configs written" write_configs
	t_fatal "radvd on R2, R3 and the home link" start_routers
	t_fatal "HA, CN and MN daemons start" start_daemons
	t_fatal "MN registers a care-of address in R2's prefix" \
		xm_retry 100 0.1 registered_in 2001:db8:20:
	t_fatal "ping from the home address: the MN's BUL shows the CN bound" ro_after_ping
	t "the CN's binding cache lists the home address at the MN's CoA" cn_binding_lists_mn
	t "CN's link: replies carry an RH2 to the CoA, requests a HAO from it" wire_cn_link
	t "MN's link: the route-optimised pings are not tunnelled" wire_mn_link_direct
	t "refresh: HoTI reverse-tunnelled without HAO, CoTI direct" hoti_tunnelled
	t_fatal "TCP stream CN -> home address starts" tcp_start
	t "move R2 -> R3: CoTI only, RO bound again at the new CoA, TCP alive" move_ro_back
	t "TCP stream complete across the move, sha256 equal" tcp_done
	t "the CN sent the stream with type 2 routing headers" cn_rh2_used
	t "move R3 -> R2 during a refresh's home test (HoT held): CoTI only, RO bound again" \
		move_in_refresh
	t "correspondent without Mobile IPv6: RR gives up, pings keep flowing" \
		plain_cn_stays_tunnelled
	t "scripted CN: 135, 136, BRR and BE 2 handled; BUs verified by Scapy" fake_cn_script
	t "daemon stopped past the RO lifetime: pings fall back to the tunnel" expiry_falls_back
	t "after SIGCONT route optimisation comes back" ro_returns_after_expiry
	t "home again: the MN deregisters with the CN (binding gone)" home_deregisters_with_cn
	t "at home the MN still reaches the CN" home_direct
	# XM_RO_LOGS=DIR keeps the daemons' logs for a look afterwards.
	[ -n "${XM_RO_LOGS:-}" ] && mkdir -p "$XM_RO_LOGS" && cp "$XM_TMP"/*.log "$XM_RO_LOGS"/
	finish
}

[ "${BASH_SOURCE[0]}" = "$0" ] && main
