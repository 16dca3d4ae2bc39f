#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_cluster_faults.sh - the shared binding cache through etcd's faults
# (docs/cluster.md, "When the store fails"); the rig is
# selftests/lib/cluster_rig.sh (3 etcd members, TLS, three home agents).
#
#   * a member killed (a follower, etcd's leader asked), quorum kept:
#     registrations go on, nothing noticed;
#   * quorum lost: every home agent reports the store down
#     (xmip6_cluster_store_up 0), keeps tunnelling with the bindings it
#     holds (tcpdump at the CoA), answers a new BU 128 and counts it
#     (xmip6_cluster_refused_store_down), and nothing is written anywhere;
#   * quorum regained: registrations go through again;
#   * ha3 partitioned from etcd (a blackhole route): it keeps its bindings
#     and refuses BUs; a binding made and one removed elsewhere meanwhile
#     appear and disappear in its map once it reaches etcd again, with no
#     binding lost or resurrected;
#   * ha3 restarted while others register and deregister: its map is the
#     store's as soon as it answers its control socket.
#
# TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=selftests/lib/cluster_rig.sh
. selftests/lib/cluster_rig.sh

cl_begin "xmcf$$-"

all_metric() { cl_metric_is ha1 "$1" "$2" && cl_metric_is ha2 "$1" "$2" && cl_metric_is ha3 "$1" "$2"; }

t "BU for $CL_HOA1 to ha1: BA 0" cl_bu_ok 0 ha1 "$CL_HOA1" 1
t "in every map" xm_retry 50 0.2 cl_all_maps "$CL_HOA1" "$CL_COA 1"

# 1. One member down, quorum kept: a follower, so that no election runs
# (during one etcd has no leader, and the store-down policy applies).
LEADER=$(cl_leader)
FOLLOWER=$(( LEADER % 3 + 1 ))
OTHER=$(( FOLLOWER % 3 + 1 ))
t "a follower, member e$FOLLOWER, killed (e$LEADER leads)" cl_etcd_stop "$FOLLOWER"
t "BU for $CL_HOA1 seq 2 to ha1: BA 0" cl_bu_ok 0 ha1 "$CL_HOA1" 2
t "every map follows" xm_retry 50 0.2 cl_all_maps "$CL_HOA1" "$CL_COA 2"
t "every home agent sees the store up" all_metric xmip6_cluster_store_up 1

# 2. Quorum lost.
t "member e$OTHER killed too: no quorum" cl_etcd_stop "$OTHER"
t "every home agent reports the store down" xm_retry 100 0.2 all_metric xmip6_cluster_store_up 0
t "forwarding goes on: ha2 tunnels to the CoA" cl_tunnelled ha2 "$CL_HOA1" 3
t "a new BU for $CL_HOA2 to ha1: BA 128" cl_bu_ok 128 ha1 "$CL_HOA2" 1
t "counted: xmip6_cluster_refused_store_down" cl_metric_above ha1 xmip6_cluster_refused_store_down 0
t "nothing half-applied: $CL_HOA2 in no map" cl_all_maps "$CL_HOA2" absent
t "the maps keep $CL_HOA1" cl_all_maps "$CL_HOA1" "$CL_COA 2"

# 3. Quorum regained.
t "e$FOLLOWER and e$OTHER back" eval \
	'cl_etcd_start "$FOLLOWER" existing && cl_etcd_start "$OTHER" existing && xm_retry 100 0.2 cl_healthy'
t "every home agent sees the store up again" xm_retry 100 0.2 all_metric xmip6_cluster_store_up 1
t "etcd never got $CL_HOA2" eval '[ "$(cl_get "$CL_HOA2" v)" = absent ]'
t "the BU for $CL_HOA2 again: BA 0" cl_bu_ok 0 ha1 "$CL_HOA2" 2
t "in every map" xm_retry 50 0.2 cl_all_maps "$CL_HOA2" "$CL_COA 2"
t "$CL_HOA1 neither lost nor changed" cl_all_maps "$CL_HOA1" "$CL_COA 2"

# 4. ha3 partitioned from etcd (its packets to the members dropped).
partition() { ip -n "$(xm_ns ha3)" -6 route "$1" blackhole 2001:db8:e::/64; }
t "ha3 cut off from etcd" partition add
t "ha3 reports the store down" xm_retry 100 0.2 cl_metric_is ha3 xmip6_cluster_store_up 0
t "a BU to ha3 meanwhile: BA 128" cl_bu_ok 128 ha3 "$CL_HOA4" 1
t "$CL_HOA3 registered at ha1 meanwhile: BA 0" cl_bu_ok 0 ha1 "$CL_HOA3" 1
t "$CL_HOA2 deregistered at ha2 meanwhile: BA 0" cl_bu_ok 0 ha2 "$CL_HOA2" 3 --lifetime 0
t "ha1 and ha2 follow" xm_retry 50 0.2 eval \
	'cl_map_is ha1 "$CL_HOA3" "$CL_COA 1" && cl_map_is ha2 "$CL_HOA2" absent'
t "ha3 keeps what it had: $CL_HOA2 bound, $CL_HOA3 unknown" eval \
	'cl_map_is ha3 "$CL_HOA2" "$CL_COA 2" && cl_map_is ha3 "$CL_HOA3" absent'
t "ha3 reaches etcd again" partition del
t "ha3 sees the store up" xm_retry 100 0.2 cl_metric_is ha3 xmip6_cluster_store_up 1
t "reconciled: $CL_HOA3 appears, $CL_HOA2 goes in ha3's map" xm_retry 50 0.2 eval \
	'cl_map_is ha3 "$CL_HOA3" "$CL_COA 1" && cl_map_is ha3 "$CL_HOA2" absent'
t "$CL_HOA1 kept throughout, everywhere" cl_all_maps "$CL_HOA1" "$CL_COA 2"
t "$CL_HOA4 (refused at ha3) nowhere" eval \
	'cl_all_maps "$CL_HOA4" absent && [ "$(cl_get "$CL_HOA4" v)" = absent ]'

# 5. ha3 restarted while the others work.
t "ha3 stopped" eval 'kill -TERM "${CL_PID[ha3]}" && xm_wait_pid "${CL_PID[ha3]}" 20'
t "$CL_HOA3 deregistered at ha1: BA 0" cl_bu_ok 0 ha1 "$CL_HOA3" 2 --lifetime 0
t "$CL_HOA4 registered at ha2: BA 0" cl_bu_ok 0 ha2 "$CL_HOA4" 2
t "ha3's pinned map still has the old state" eval \
	'cl_map_is ha3 "$CL_HOA3" "$CL_COA 1" && cl_map_is ha3 "$CL_HOA4" absent'
t "ha3 started again" cl_start_ha ha3
t "caught up before it answered: $CL_HOA3 gone, $CL_HOA4 there" eval \
	'cl_map_is ha3 "$CL_HOA3" absent && cl_map_is ha3 "$CL_HOA4" "$CL_COA 2"'
t "ha3 takes registrations: $CL_HOA1 seq 3 at ha3, BA 0" cl_bu_ok 0 ha3 "$CL_HOA1" 3
t "every map follows" xm_retry 50 0.2 cl_all_maps "$CL_HOA1" "$CL_COA 3"

finish
