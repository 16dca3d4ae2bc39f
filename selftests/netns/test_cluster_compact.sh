#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_cluster_compact.sh - a home agent cut off from etcd while the
# bindings change, and etcd compacted past every revision it has seen
# (docs/cluster.md, "When the store fails": a compacted revision); the
# rig is selftests/lib/cluster_rig.sh (3 etcd members, TLS, three home
# agents).
#
#   * ha3's packets to the members dropped (ip6tables in its namespace):
#     it reports the store down and keeps its bindings;
#   * meanwhile at ha1 and ha2: a binding made, one deregistered, one
#     moved to another care-of address, one made and deregistered again;
#   * etcd compacted (etcdctl compact --physical) at its latest revision:
#     a read at the revision ha3 last saw is refused by etcd itself;
#   * ha3 reaches etcd again: it reads the store whole (its log names the
#     revision, past the compaction) and ends with exactly etcd's bindings
#     (etcdctl's listing against xmip6ctl's: none lost, none resurrected),
#     then follows the watch again and takes registrations.
#
# TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=selftests/lib/cluster_rig.sh
. selftests/lib/cluster_rig.sh

command -v ip6tables >/dev/null || { echo "1..0 # SKIP ip6tables not installed"; exit 0; }
cl_begin "xmcc$$-"

# etcd's current revision (etcdctl's own JSON).
store_rev() { cl_etcdctl endpoint status -w json | jget "max(e['Status']['header']['revision'] for e in d)"; }

# Every binding etcd holds, "HOA COA SEQ" sorted, from etcdctl alone.
store_set() {
	cl_etcdctl get --prefix "$CL_DIR" -w json | jget "'\n'.join(sorted('%s %s %s' % (k, v['care_of_addr'], v['seq']) for k, v in ((__import__('base64').b64decode(kv['key']).decode().rsplit('/', 1)[1], json.loads(__import__('base64').b64decode(kv['value']))) for kv in d.get('kvs', []))))"
}

# Every binding HA's pinned map holds, the same way (xmip6ctl -p).
map_set() {
	xm_ctl "$1" -j binding show |
		jget "'\n'.join(sorted('%s %s %s' % (b['home_addr'], b['care_of_addr'], b['sequence']) for b in d['bindings']))"
}

# HA's map holds exactly etcd's bindings.
same_as_store() {
	local want got
	want=$(store_set) && got=$(map_set "$1") || return 1
	printf 'etcd:\n%s\n%s:\n%s\n' "$want" "$1" "$got"
	[ -n "$want" ] && [ "$want" = "$got" ]
}

cut_off() {
	ip netns exec "$(xm_ns ha3)" ip6tables -w "$1" OUTPUT -d 2001:db8:e::/64 -j DROP
}

t "BU for $CL_HOA1 to ha1: BA 0" cl_bu_ok 0 ha1 "$CL_HOA1" 1
t "BU for $CL_HOA2 to ha2: BA 0" cl_bu_ok 0 ha2 "$CL_HOA2" 1
t "every map has both" xm_retry 50 0.2 eval \
	'cl_all_maps "$CL_HOA1" "$CL_COA 1" && cl_all_maps "$CL_HOA2" "$CL_COA 1"'
# shellcheck disable=SC2034 # read in the checks' eval
SEEN=$(store_rev)

# 1. ha3 cut off while the others change the bindings.
t "ha3's packets to etcd dropped (ip6tables)" cut_off -I
t "ha3 reports the store down" xm_retry 100 0.2 cl_metric_is ha3 xmip6_cluster_store_up 0
t "$CL_HOA3 registered at ha1: BA 0" cl_bu_ok 0 ha1 "$CL_HOA3" 1
t "$CL_HOA2 deregistered at ha2: BA 0" cl_bu_ok 0 ha2 "$CL_HOA2" 2 --lifetime 0
t "$CL_HOA1 moved to $CL_COA2 (seq 2) at ha1: BA 0" \
	cl_bu_ok 0 ha1 "$CL_HOA1" 2 --coa "$CL_COA2"
t "$CL_HOA4 registered at ha2: BA 0" cl_bu_ok 0 ha2 "$CL_HOA4" 1
t "and deregistered at ha1: BA 0" cl_bu_ok 0 ha1 "$CL_HOA4" 2 --lifetime 0
t "ha1 and ha2 hold what etcd holds" eval 'xm_retry 50 0.2 same_as_store ha1 && same_as_store ha2'
t "ha3 keeps what it had" eval \
	'cl_map_is ha3 "$CL_HOA1" "$CL_COA 1" && cl_map_is ha3 "$CL_HOA2" "$CL_COA 1" &&
	 cl_map_is ha3 "$CL_HOA3" absent'

# 2. etcd compacts past everything ha3 saw.
compact() {
	local rev
	rev=$(store_rev) || return 1
	echo "etcd at revision $rev, ha3 saw at most $SEEN"
	[ "$rev" -gt "$SEEN" ] && cl_etcdctl compact "$rev" --physical
}
t "etcd compacted at its latest revision" compact
gone_at_seen() {
	local out
	out=$(cl_etcdctl get --rev "$SEEN" "$CL_DIR$CL_HOA1" 2>&1) && return 1
	echo "$out"
	echo "$out" | grep -q "compacted"
}
t "a read at the revision ha3 last saw: etcd says compacted" gone_at_seen

# 3. ha3 back: a fresh read, exactly etcd's bindings.
t "ha3 reaches etcd again" cut_off -D
t "ha3 sees the store up" xm_retry 100 0.2 cl_metric_is ha3 xmip6_cluster_store_up 1
read_after() {
	local rev
	rev=$(sed -n 's/.*store read at revision \([0-9]*\):.*/\1/p' "$XM_TMP/ha3.log" | tail -1)
	echo "ha3's last full read at revision ${rev:-none} (ha3 saw $SEEN before)"
	[ -n "$rev" ] && [ "$rev" -gt "$SEEN" ]
}
t "ha3 read the store whole, past the compaction" xm_retry 50 0.2 read_after
t "ha3 holds exactly etcd's bindings (none lost or resurrected)" xm_retry 50 0.2 same_as_store ha3

# 4. Followed and serving again.
t "$CL_HOA2 registered again at ha1: BA 0" cl_bu_ok 0 ha1 "$CL_HOA2" 3
t "ha3's watch brings it" xm_retry 50 0.2 cl_map_is ha3 "$CL_HOA2" "$CL_COA 3"
t "$CL_HOA3 renewed at ha3: BA 0" cl_bu_ok 0 ha3 "$CL_HOA3" 2
t "every map holds exactly etcd's bindings" xm_retry 50 0.2 eval \
	'same_as_store ha1 && same_as_store ha2 && same_as_store ha3'

finish
