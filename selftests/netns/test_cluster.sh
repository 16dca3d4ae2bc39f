#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_cluster.sh - three home agents sharing one binding cache through a
# real 3-member etcd cluster (TLS, client certificates); the rig is
# selftests/lib/cluster_rig.sh. Bindings are read from etcd with etcdctl
# and from each home agent's pinned map (xmip6ctl -p), tunnelled packets
# by tcpdump at the care-of address: never the daemon's word.
#
#   * a BU to ha1 is stored (etcdctl: the documented JSON, a lease) and
#     every home agent's map follows; ha2, where the router sends the home
#     prefix, tunnels the correspondent's packets to the CoA;
#   * a captured older BU replayed to ha2 is refused, and the stored
#     binding keeps its value and mod_revision; with ha2's map emptied
#     behind its back, an older sequence number is refused by the stored
#     binding (RFC 6275 section 9.5.1, modulo 2^16);
#   * two home agents racing on one home address end with the newest BU
#     (sequence number and timestamp), in etcd and in every map;
#   * a deregistration through ha3 deletes the key and the binding
#     everywhere; a short lifetime's lease expires it everywhere;
#   * SIGHUP with another cluster section is refused (restart needed) and
#     the home agent goes on in its cluster;
#   * plaintext to a non-loopback endpoint is refused with FILE:LINE.
#
# TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=selftests/lib/cluster_rig.sh
. selftests/lib/cluster_rig.sh

cl_begin "xmcl$$-"

stored_is() { cl_expect "$3" "etcd: $1: $2" cl_get "$1" "$2"; }

# lease_ttl_ok HOA LIFETIME: the key's lease (shared, docs/cluster.md
# "Leases") ends no sooner than registered + LIFETIME and at most 5 s
# (the 4 s bucket and the 1 s of rounding) after it; etcd's remaining TTL
# is whole seconds, hence 1 s of slack on each side.
lease_ttl_ok() {
	local lease ttl left
	lease=$(cl_etcdctl get "$CL_DIR$1" -w json | jget "'%x' % d['kvs'][0]['lease']") || return 1
	left=$(cl_get "$1" "v['registered'] + v['lifetime']") || return 1
	ttl=$(cl_etcdctl lease timetolive "$lease" -w json | jget "d.get('TTL', d.get('ttl'))") ||
		return 1
	left=$((left - $(date +%s)))
	echo "lease $lease TTL $ttl (granted $2, $left s of the binding left)"
	[ "$ttl" -gt 0 ] && [ "$ttl" -ge $((left - 1)) ] && [ "$ttl" -le $((left + 6)) ]
}

# 1. A registration at ha1 reaches etcd and every map; ha2 tunnels.
t "BU to ha1: BA 0" cl_bu_ok 0 ha1 "$CL_HOA1" 10 --save "$XM_TMP/bu10" --lifetime 400
t "etcd holds it: care_of_addr, seq, ha" stored_is "$CL_HOA1" \
	"'%s %s %s %s' % (v['care_of_addr'], v['seq'], v['ha'], v['lifetime'])" \
	"$CL_COA 10 $(cl_ha_addr ha1) 400"
t "with a lease ending 0-5 s after its lifetime" lease_ttl_ok "$CL_HOA1" 400
t "every home agent's map follows" xm_retry 50 0.2 cl_all_maps "$CL_HOA1" "$CL_COA 10"
t "ha2 (the router's way to the home prefix) tunnels to the CoA" cl_tunnelled ha2 "$CL_HOA1" 3

# 2. Replay of the older BU at another home agent.
t "a newer BU (seq 11) to ha1: BA 0" cl_bu_ok 0 ha1 "$CL_HOA1" 11
t "every map at seq 11" xm_retry 50 0.2 cl_all_maps "$CL_HOA1" "$CL_COA 11"
# shellcheck disable=SC2034 # read in the checks' eval
REV=$(cl_mod_rev "$CL_HOA1")
replay_refused() {
	local out st
	out=$(ip netns exec "$(xm_ns mn)" "$XM_PYTHON" selftests/peers/mip6_peer.py bu \
		--coa "$CL_COA" --ha "$(cl_ha_addr ha2)" --hoa "$CL_HOA1" --spi 257 \
		--key "$CL_KEY" --replay "$XM_TMP/bu10" --to-other-ha --wait 4) || return 1
	st=$(echo "$out" | jget "(d.get('answer') or {}).get('status')")
	echo "replayed seq 10 at ha2: BA $st"
	[ "$st" = 135 ] || [ "$st" = 144 ]
}
t "the captured seq-10 BU replayed to ha2: refused (135 or 144)" replay_refused
t "etcd unchanged: seq 11, same mod_revision" \
	eval 'stored_is "$CL_HOA1" "v[\"seq\"]" 11 && [ "$(cl_mod_rev "$CL_HOA1")" = "$REV" ]'
t "maps unchanged" cl_all_maps "$CL_HOA1" "$CL_COA 11"
# The store's own rule, whatever the home agent's map says: ha2 loses the
# binding behind its back (xmip6ctl -p), then gets seq 10 with a fresh
# timestamp. Its map has nothing to refuse with; the stored seq 11 does.
t "ha2's map loses the binding (xmip6ctl -p binding del)" xm_ctl ha2 binding del "$CL_HOA1"
t "seq 10, fresh timestamp, to ha2: the store's rule answers 135" \
	cl_bu_ok 135 ha2 "$CL_HOA1" 10
t "etcd unchanged: seq 11, same mod_revision" \
	eval 'stored_is "$CL_HOA1" "v[\"seq\"]" 11 && [ "$(cl_mod_rev "$CL_HOA1")" = "$REV" ]'

# 3. Two home agents racing on one home address: the newest wins. The
# older BU carries the older timestamp (1 s earlier), as a mobile node's do.
race_round() {
	local seq=$1 a b pa pb
	a=$XM_TMP/race.a.$seq
	b=$XM_TMP/race.b.$seq
	cl_bu ha3 "$CL_HOA2" "$seq" --timestamp -1 >"$a" &
	pa=$!
	XM_PIDS+=("$pa")
	ip netns exec "$(xm_ns mn)" "$XM_PYTHON" selftests/peers/mip6_peer.py bu \
		--coa "$CL_COA2" --ha "$(cl_ha_addr ha1)" --hoa "$CL_HOA2" --seq $((seq + 1)) \
		--spi 258 --key "$CL_KEY" --wait 4 |
		jget "(d.get('answer') or {}).get('status', 'none')" >"$b" &
	pb=$!
	XM_PIDS+=("$pb")
	xm_wait_pid "$pa" 20
	xm_wait_pid "$pb" 20
	echo "seq $seq (CoA $CL_COA) at ha3: BA $(cat "$a"); seq $((seq + 1)) (CoA $CL_COA2) at ha1: BA $(cat "$b")"
	[ "$(cat "$b")" = 0 ] || return 1
	stored_is "$CL_HOA2" "'%s %s' % (v['care_of_addr'], v['seq'])" "$CL_COA2 $((seq + 1))" &&
		xm_retry 50 0.2 cl_all_maps "$CL_HOA2" "$CL_COA2 $((seq + 1))"
}
for s in 100 200 300; do
	t "race $s/$((s + 1)) between ha3 and ha1: the newest stored and followed" race_round "$s"
done

# 4. Deregistration and lease expiry, everywhere.
t "deregistration of $CL_HOA1 through ha3: BA 0" cl_bu_ok 0 ha3 "$CL_HOA1" 12 --lifetime 0
t "the key is gone from etcd" stored_is "$CL_HOA1" "v" absent
t "gone from every map" xm_retry 50 0.2 cl_all_maps "$CL_HOA1" absent
t "an 8 s registration of $CL_HOA3 at ha2: BA 0" cl_bu_ok 0 ha2 "$CL_HOA3" 5 --lifetime 8
t "in every map" xm_retry 50 0.2 cl_all_maps "$CL_HOA3" "$CL_COA 5"
t "its lease expires: gone from etcd" xm_retry 100 0.2 stored_is "$CL_HOA3" "v" absent
t "and from every map" xm_retry 50 0.2 cl_all_maps "$CL_HOA3" absent

# 5. The cluster section is taken at start: SIGHUP with another one is
# refused, and the home agent goes on in its cluster.
reload_refused() {
	sed -i 's|name = "home";|name = "other";|' \
		"$XM_TMP/ha1.conf"
	kill -HUP "${CL_PID[ha1]}" &&
		xm_retry 50 0.2 grep -q "reload refused.*cluster section changed; restart needed" \
			"$XM_TMP/ha1.log"
}
t "SIGHUP with another cluster name: refused, restart needed" reload_refused
t "ha1 still registers in its cluster: BA 0" cl_bu_ok 0 ha1 "$CL_HOA4" 1
t "and every map follows" xm_retry 50 0.2 cl_all_maps "$CL_HOA4" "$CL_COA 1"

# 6. Plaintext only to loopback.
plaintext_refused() {
	local out
	sed 's|"https://\[2001:db8:e::1\]:2379"|"http://[2001:db8:e::1]:2379"|' \
		"$XM_TMP/ha1.conf" >"$XM_TMP/plain.conf"
	out=$("$XM_D_BIN" --check -c "$XM_TMP/plain.conf" 2>&1) && return 1
	echo "$out"
	echo "$out" | grep -q "plain.conf:[0-9]*: .*plaintext only to a loopback address"
}
t "an http:// endpoint off loopback is refused at FILE:LINE" plaintext_refused

finish
