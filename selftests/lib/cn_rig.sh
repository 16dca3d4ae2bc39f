# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2317 # checks are called through t()
#
# cn_rig.sh - the correspondent-node rig of test_cn.sh and
# test_cn_nonce_expiry.sh: xmip6d -c in one namespace, rr_peer.py (an
# independent Scapy/hmac mobile node) in the other, and the checks both
# files run. Source it from the repository's top directory: it sources
# scripts/topology.sh and selftests/lib/tap.sh.
#
#   MN eth0 (care-of 2001:db8:20::100/64, home 2001:db8:1::100/128)
#    |
#   CN eth0 2001:db8:c::2/64, xmip6d -c cn.conf
#
# Configurations: cn_conf_a (long nonces, max-lifetime 420) for the
# protocol checks, cn_conf_b (1 s nonces living 6 s, 12 s lifetimes,
# max-bindings 1) for nonce expiry, Binding Refresh Requests and expiry.

# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

HOA=2001:db8:1::100
HOA2=2001:db8:1::101
COA=2001:db8:20::100
CN=2001:db8:c::2

# cn_rig_up: xm_init, the rig's two roles and rr_peer.py's state file; the
# namespaces (a failure ends the file) and the peer process.
cn_rig_up() {
	xm_init
	# shellcheck disable=SC2034 # read by xm_cleanup (scripts/topology.sh)
	XM_ROLES="cn mn"
	STATE=$XM_TMP/rr.json
	t_fatal "topology: CN and MN namespaces" setup
	peer_start
}

# peer CMD ARGS...: rr_peer.py in the mobile node's namespace; prints JSON.
# The commands go to one process (peer_start, xm_peer_serve in
# scripts/topology.sh): one Python and Scapy start-up for the file.
peer() {
	local cmd=$1
	shift
	xm_peer "$cmd" --hoa "$HOA" --coa "$COA" --cn "$CN" --state "$STATE" "$@"
}

# peer_once CMD ARGS...: the same in a process of its own (from a background
# subshell, which has no coprocess descriptors).
peer_once() {
	local cmd=$1
	shift
	xm_exec mn "$XM_PYTHON" selftests/peers/rr_peer.py "$cmd" --hoa "$HOA" --coa "$COA" --cn "$CN" \
		--state "$STATE" "$@"
}

peer_start() { xm_peer_serve mn rr_peer; }

# jtrue EXPR: the JSON on stdin makes EXPR true.
jtrue() { jget "$1" | grep -qx True; }

# ba_is EXPR BU-ARGS...: a BU, and the answer (d['answer']) satisfies EXPR.
ba_is() {
	local expr=$1 out
	shift
	out=$(peer bu "$@") || return 1
	echo "$out"
	echo "$out" | jtrue "$expr"
}

no_ba() {
	local out
	out=$(peer bu "$@") || return 1
	echo "$out"
	echo "$out" | jtrue "d['answer'] is None"
}

rr_ok() {
	local out
	out=$(peer rr) || return 1
	echo "$out"
	echo "$out" | jtrue "d['ok']"
}

binding() { xm_dctl cn -j binding show home-address "$HOA"; }
# binding_is EXPR: the daemon's binding for HOA (b) satisfies EXPR.
binding_is() {
	local out
	out=$(binding) || return 1
	echo "$out"
	echo "$out" | jtrue "len(d['bindings']) == 1 and (lambda b: $1)(d['bindings'][0])"
}
no_binding() {
	local out
	out=$(binding) || return 1
	echo "$out"
	echo "$out" | jtrue "len(d['bindings']) == 0"
}
cstat() { xm_dctl cn -j stats show | jget "d$1"; }

setup() {
	xm_add_ns cn && xm_add_ns mn && xm_link cn eth0 mn eth0 &&
		xm_addr cn eth0 "$CN/64" && xm_addr mn eth0 "$COA/64" &&
		xm_addr mn eth0 "$HOA/128" && xm_addr mn eth0 "$HOA2/128" &&
		ip -n "${XM_PFX}cn" -6 route add 2001:db8:20::/64 dev eth0 &&
		ip -n "${XM_PFX}cn" -6 route add 2001:db8:1::/64 dev eth0 &&
		ip -n "${XM_PFX}mn" -6 route add 2001:db8:c::/64 dev eth0 &&
		xm_peer_napi mn eth0 && xm_wait_links_up
}

# write_conf NAME SETTINGS: $XM_TMP/NAME.conf for the CN.
write_conf() {
	(
		umask 077
		cat >"$XM_TMP/$1.conf" <<EOF
log-level = "debug";
pin-dir = "$(xm_pin cn)";
control-socket = "$XM_TMP/cn.sock";
correspondent-node = {
  interfaces = [ "eth0" ];
  $2
};
EOF
	)
}

start_cn() {
	xm_daemon cn "$XM_TMP/$1.conf" "$XM_TMP/cn.log"
	CN_PID=$XM_LAST_PID
	xm_daemon_up "$CN_PID" "$XM_TMP/cn.sock" &&
		xm_retry 30 0.1 grep -q "correspondent node on" "$XM_TMP/cn.log"
}


# -- the checks --------------------------------------------------------------------

idx() { jget "d['$1_index']" <"$STATE"; }
off() { echo $((($(idx "$1") + 1000) % 65536)); }

unknown_index() {
	local want=$1 hi ci
	shift
	hi=$(idx home) && ci=$(idx care_of) || return 1
	case $want in
	136) hi=$(off home) ;;
	137) ci=$(off care_of) ;;
	138) hi=$(off home) && ci=$(off care_of) ;;
	esac
	# A clear: these statuses go out anyway (section 9.5.1).
	ba_is "d['answer']['status'] == $want and d['answer']['seq'] == 40 and \
'bad_ok' not in d['answer'] and d['answer']['rt2'] == '$HOA'" --seq 40 --flags "" \
		--home-index "$hi" --coa-index "$ci"
}

be_unknown_type() {
	local out
	out=$(peer raw-mh --mh-type 50) || return 1
	echo "$out"
	echo "$out" | jtrue "d['answer']['mh_type'] == 7 and d['answer']['status'] == 2 and \
d['answer']['dst'] == '$COA' and d['answer']['checksum_ok']"
}

be_unbound() {
	local out
	out=$(peer data --count 1) || return 1
	echo "$out"
	echo "$out" | jtrue "len(d['be']) == 1 and d['be'][0]['status'] == 1 and \
d['be'][0]['be_home_addr'] == '$HOA' and d['be'][0]['dst'] == '$COA' and \
'rt2' not in d['be'][0] and d['be'][0]['checksum_ok'] and d['echo_replies'] == 0"
}

be_burst() {
	local out before after
	before=$(cstat "['icmpv6']['errors_ratelimited']") || return 1
	sleep 1.1 # a full bucket
	out=$(peer data --count 50 --wait 5) || return 1
	echo "$out" | jget "[len(d['be']), d['be_max_per_second'], d['echo_replies']]"
	after=$(cstat "['icmpv6']['errors_ratelimited']") || return 1
	echo "ratelimited $before -> $after"
	# 10 at once, then 10 a second: at most 20 sent in any one second
	# however slowly the peer sends (2 more for capture-time jitter), and
	# every packet either answered or counted.
	echo "$out" | jtrue "len(d['be']) >= 5 and d['be_max_per_second'] <= 22 and \
len(d['be']) + $((after - before)) == 50"
}

ping_rt2() {
	local out w
	rm -f "$XM_TMP/watch.ready"
	peer_once watch --wait 6 --count 1 --ready "$XM_TMP/watch.ready" >"$XM_TMP/watch.json" &
	w=$!
	# The ping once the capture runs, however long Python takes to start.
	xm_retry 150 0.1 test -e "$XM_TMP/watch.ready" || { wait "$w"; return 1; }
	xm_exec cn ping -n -c 2 -i 0.3 -w 3 "$HOA" >/dev/null 2>&1
	wait "$w"
	out=$(cat "$XM_TMP/watch.json")
	echo "$out"
	echo "$out" | jtrue "len(d['packets']) == 1 and d['packets'][0].get('icmp_type') == 128 and \
d['packets'][0]['dst'] == '$COA' and d['packets'][0].get('rt2') == '$HOA' and \
d['packets'][0].get('rt2_segleft') == 1"
}

echo_with_hao() {
	local out
	out=$(peer data --count 3) || return 1
	echo "$out"
	echo "$out" | jtrue "d['echo_replies'] >= 1 and len(d['be']) == 0 and \
all(r['dst'] == '$COA' and r.get('rt2') == '$HOA' for r in d['replies'])"
}

# What the CN sent in the 9 s after the 12 s registration (reg_12s).
brr_once() {
	local out
	out=$(cat "$XM_TMP/reg12.json") || return 1
	echo "$out"
	echo "$out" | jtrue "[p.get('mh_type') for p in d['packets']].count(0) == 1 and \
[p for p in d['packets'] if p.get('mh_type') == 0][0]['rt2'] == '$HOA' and \
[p for p in d['packets'] if p.get('mh_type') == 0][0]['dst'] == '$COA' and \
[p for p in d['packets'] if p.get('mh_type') == 0][0]['checksum_ok']"
}

binding_in_maps() {
	local out
	out=$(xm_ctl cn -j binding show) || return 1
	echo "$out"
	echo "$out" | jtrue "[b['care_of_addr'] for b in d['bindings']] == ['$COA']"
}

unauthorized_counted() {
	local n
	n=$(cstat "['drops']['rr_unauthorized']") || return 1
	echo "rr_unauthorized $n"
	[ "$n" -ge 4 ]
}

# The checks on second-scale nonces (1 s, living 6 s) run return routability
# and the BU in one rr_peer.py process (bu --rr): the BU leaves right after
# the HoT/CoT, however long a Python start-up takes on a busy machine.

# rr_ba_is EXPR BU-ARGS...: RR, then at once the BU; RR's checks passed and
# the answer satisfies EXPR.
rr_ba_is() {
	local expr=$1
	shift
	ba_is "d['rr']['ok'] and ($expr)" --rr both "$@"
}

# One return routability at T0 (rr_t0); 7 s later (nonces live 6 s) the
# three expiry checks each start from its tokens, saved in rr0.json:
# aged_ba_is FRESH EXPR BU-ARGS...: with FRESH (home, care_of) run again at
# once before the BU, none for both aged; the answer satisfies EXPR.
rr_t0() { rr_ok && cp "$STATE" "$XM_TMP/rr0.json"; }

aged_ba_is() {
	local fresh=$1 expr=$2
	shift 2
	cp "$XM_TMP/rr0.json" "$STATE" || return 1
	if [ "$fresh" = none ]; then
		ba_is "$expr" "$@"
	else
		ba_is "d['rr']['ok'] and ($expr)" --rr "$fresh" "$@"
	fi
}

# RR, the 12 s registration at once, a second home address's BU (beyond
# max-bindings 1) while the first binding surely lives, then the same process
# watches for 9 s what the CN sends: its Binding Refresh Request is due 6 s
# after the BA.
reg_12s() {
	local out
	out=$(peer bu --rr both --seq 53 --lifetime 12 --second-hoa "$HOA2" --second-seq 1 \
		--watch 9) || return 1
	echo "$out" | tee "$XM_TMP/reg12.json"
	echo "$out" | jtrue "d['rr']['ok'] and d['answer']['status'] == 0 and \
d['answer']['lifetime_units'] == 3"
}

ba_again() { rr_ba_is "d['answer']['status'] == 0" --seq 54; }

# The second home address's BU in reg_12s.
second_hoa_130() {
	local out
	out=$(jget "d['second']" <"$XM_TMP/reg12.json") || return 1
	echo "$out"
	jtrue "d['second']['rr']['ok'] and d['second']['answer']['status'] == 130 and \
d['second']['answer']['seq'] == 1 and d['second']['answer']['bad_ok'] and \
d['second']['answer']['rt2'] == '$HOA2'" <"$XM_TMP/reg12.json"
}

binding_del() { xm_dctl cn binding del "$HOA" && no_binding; }

binding_flush() {
	local out
	out=$(peer bu --seq 22) || return 1
	echo "$out" | jtrue "d['answer']['status'] == 0" || return 1
	out=$(xm_dctl cn -j binding flush) || return 1
	echo "$out"
	echo "$out" | jtrue "d == {'deleted': 1}" && no_binding
}

no_secrets_logged() {
	local t
	for t in $(jget "d['home_token'] + ' ' + d['care_of_token']" <"$STATE"); do
		! grep -qi "$t" "$XM_TMP/cn.log" || return 1
	done
}

cn_conf_a() { write_conf a "max-lifetime = 420;"; }

# Nonces live 6 s: a nonce may be 1 s old when handed out, and the BU that
# uses it leaves from the same process right after the HoT/CoT (bu --rr).
cn_conf_b() {
	write_conf b "max-lifetime = 12; refresh-before = 6; nonce-interval = 1; nonce-lifetime = 6;
  max-bindings = 1;"
}
