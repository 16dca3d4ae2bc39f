#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_container_vrrp.sh - the failover of deploy/kubernetes run by podman
# as its DaemonSet runs it, on two home agents (docs/kubernetes.md,
# docs/cluster.md "Failover"): in each home agent's network namespace an
# xmip6d container (scripts/build-image.sh) and a keepalived container
# (scripts/build-image.sh --keepalived: no shell in it) with
# deploy/kubernetes/keepalived.conf as it is and a node part
# (example/keepalived-node.conf's fields), sharing /run/xmip6 (read-only
# for keepalived), keepalived with only NET_ADMIN, NET_RAW and SETGID:
#
#   - the first home agent whose xmip6d answers its control socket takes
#     the virtual address (keepalived's vrrp_script runs xmip6ctl in its
#     image); a keepalived whose xmip6d does not answer yet is in FAULT,
#     and once it answers, backup (nopreempt);
#   - podman kill -s KILL of the master's xmip6d: its keepalived goes to
#     FAULT and the address moves to the other home agent, where the
#     router's neighbour entry follows it;
#   - the killed xmip6d started again: its keepalived is backup, the
#     address stays (nopreempt);
#   - the serving keepalived stopped (SIGTERM, as the kubelet does): the
#     address moves back at once (priority 0 advertisement).
#
# The rig is selftests/lib/failover_rig.sh's topology (r, the bridge hl,
# ha1 and ha2 on it, VIP 2001:db8:f::a) without etcd: each home agent
# alone, the failover of the address is what is tested here.
# keepalived's track_process is not used: it needs the proc connector,
# which the kernel offers in the initial network and PID namespaces only,
# not in a pod without hostPID nor in a test namespace.
# Skips with podman's exact error where podman cannot run a container
# (the workarounds are selftests/lib/podman.sh's).
# TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=selftests/lib/failover_rig.sh
. selftests/lib/failover_rig.sh
# shellcheck source=selftests/lib/podman.sh
. selftests/lib/podman.sh

TAG=i$$
IMAGE=localhost/xmip6-test$TAG:latest
KA_IMAGE=localhost/xmip6-keepalived-test$TAG:latest
CAPS="BPF NET_ADMIN NET_RAW PERFMON"
KA_CAPS="NET_ADMIN NET_RAW SETGID"
BUILT=()

ctr() { echo "xmip6-test$TAG-$1-$2"; }

vrrp_cleanup() {
	local ha what img
	podman rm -f "$(ctr x ka)" >/dev/null 2>&1
	for ha in ha1 ha2; do
		for what in keepalived xmip6d; do
			podman rm -f -t 2 "$(ctr "$what" "$ha")" >/dev/null 2>&1
		done
	done
	for img in "${BUILT[@]}"; do
		pm_rmi "$img"
	done
	xm_cleanup
}

build_images() {
	scripts/build-image.sh "$IMAGE" && BUILT+=("$IMAGE") &&
		scripts/build-image.sh --keepalived "$KA_IMAGE" && BUILT+=("$KA_IMAGE")
}

# ha_files HA PRIO: HA's xmip6d.conf, and its keepalived files as the pod
# sees them: the ConfigMap's keepalived.conf (the repository's file, as it
# is) and the node part.
ha_files() {
	local ha=$1 d=$XM_TMP/$1
	mkdir -p "$d/etc" "$d/run" "$d/karun" "$d/node" && chmod 0755 "$d/etc" || return 1
	fo_ha_conf "$ha" "$d/etc/xmip6d.conf" /run/xmip6/xmip6d.sock "" || return 1
	install -m 0644 deploy/kubernetes/keepalived.conf "$d/keepalived.conf" || return 1
	cat >"$d/node/keepalived.conf" <<EOC
interface eth0
priority $2
unicast_src_ip $(cl_ha_addr "$ha")
unicast_peer {
	$(cl_ha_addr "$(fo_other "$ha")")
}
EOC
}

# start_xmip6d HA: the xmip6d container in HA's namespace (test_container.sh's
# settings); its control socket answers.
start_xmip6d() {
	local ha=$1 d=$XM_TMP/$1
	rm -f "$d/run/xmip6d.sock"
	if ! podman container exists "$(ctr xmip6d "$ha")"; then
		pm_run "$CAPS" "$XM_TMP/seccomp.json" -d --name "$(ctr xmip6d "$ha")" \
			--network "ns:/run/netns/$(xm_ns "$ha")" -v /sys/fs/bpf:/sys/fs/bpf \
			-v "$d/etc:/etc/xmip6:ro" -v "$d/run:/run/xmip6" "$IMAGE" \
			-c /etc/xmip6/xmip6d.conf >/dev/null || return 1
	else
		podman start "$(ctr xmip6d "$ha")" >/dev/null || return 1
	fi
	xm_retry 100 0.1 "$XM_CTL_BIN" -s "$d/run/xmip6d.sock" stats show >/dev/null ||
		{ podman logs "$(ctr xmip6d "$ha")" 2>&1 | tail -n 5; return 1; }
}

# start_keepalived HA: the keepalived container with the DaemonSet's
# mounts and capabilities, the runtime's default seccomp profile.
start_keepalived() {
	local ha=$1 d=$XM_TMP/$1
	pm_run "$KA_CAPS" "" -d --name "$(ctr keepalived "$ha")" \
		--network "ns:/run/netns/$(xm_ns "$ha")" -v "$d/run:/run/xmip6:ro" \
		-v "$d/karun:/run/keepalived" -v "$d/keepalived.conf:/etc/keepalived/keepalived.conf:ro" \
		-v "$d/node:/etc/keepalived/node:ro" "$KA_IMAGE" >/dev/null || return 1
	xm_retry 100 0.1 ka_says "$ha" 'Startup complete'
}

# ka_says HA PATTERN: HA's keepalived logged PATTERN (any case: it writes
# "Entering FAULT STATE" and "entering FAULT state").
ka_says() { [ "$(ka_count "$1" "$2")" -gt 0 ]; }
ka_count() { podman logs "$(ctr keepalived "$1")" 2>&1 | grep -ci "$2"; }

# ka_more HA PATTERN N: HA's keepalived logged PATTERN more than N times.
ka_more() {
	local got
	got=$(ka_count "$1" "$2")
	echo "$1 keepalived: '$2' $got time(s) (want > $3)"
	[ "$got" -gt "$3" ]
}

# router_follows HA: r reaches the VIP and its neighbour entry is HA's MAC.
router_follows() {
	xm_exec r ping -6 -c 1 -W 1 "$FO_VIP" >/dev/null 2>&1
	fo_r_sends_to "$1"
}

# no_shell: the keepalived image's files (podman export) have no shell and
# have the two binaries.
no_shell() {
	local files=$XM_TMP/ka-files
	podman create --name "$(ctr x ka)" "$KA_IMAGE" >/dev/null || return 1
	podman export "$(ctr x ka)" | tar -tf - >"$files"
	podman rm "$(ctr x ka)" >/dev/null
	echo "$(wc -l <"$files") entries; shells: $(grep -cE '(^|/)(sh|bash|dash|busybox)$' "$files")"
	! grep -qE '(^|/)(sh|bash|dash|busybox)$' "$files" &&
		grep -qx 'usr/sbin/keepalived' "$files" && grep -qx 'usr/sbin/xmip6ctl' "$files"
}

kill_xmip6d() { podman kill -s KILL "$(ctr xmip6d "$1")" >/dev/null; }
stop_keepalived() { podman stop -t 5 "$(ctr keepalived "$1")" >/dev/null; }

main() {
	xm_init
	trap vrrp_cleanup EXIT
	if [ ! -x "$XM_D_BIN" ] || [ ! -x "$XM_CTL_BIN" ]; then
		echo "1..0 # SKIP $XM_D_BIN or $XM_CTL_BIN not built"
		exit 0
	fi
	local tool
	for tool in buildah podman keepalived; do
		command -v "$tool" >/dev/null ||
			{ echo "1..0 # SKIP $tool missing (Debian: $tool)"; exit 0; }
	done
	t_fatal "scripts/build-image.sh builds the xmip6 and the keepalived images" build_images
	if ! deploy/container/seccomp-bpf.py >"$XM_TMP/seccomp.json" 2>"$XM_TMP/podman.err" ||
		! pm_works "$KA_CAPS" "" "$KA_IMAGE" "$XM_TMP/podman.out" "$XM_TMP/podman.err"; then
		echo "ok $((T_N + 1)) - podman runs the keepalived image # SKIP podman cannot run a container here: $(grep -m1 -v '^$' "$XM_TMP/podman.err")"
		T_N=$((T_N + 1))
		finish
	fi
	t "podman runs the keepalived image (${PM_PODMAN[*]}): keepalived --version" \
		grep -q '^Keepalived v' "$XM_TMP/podman.out" "$XM_TMP/podman.err"
	t "... which holds no shell, and keepalived, xmip6ctl" no_shell
	t_fatal "topology (two home agents on the bridge hl, r) comes up" fo_topo_up
	t_fatal "configuration of both home agents" eval 'ha_files ha1 150 && ha_files ha2 100'
	t_fatal "ha1: xmip6d container, its control socket answers" start_xmip6d ha1
	t_fatal "ha1: keepalived container ($KA_CAPS, read-only root)" start_keepalived ha1
	t "... keepalived has exactly the effective capabilities $KA_CAPS" \
		pm_caps_are "$(ctr keepalived ha1)" "$KA_CAPS"
	t_fatal "... ha1 takes the VIP (its vrrp_script's xmip6ctl answers)" xm_retry 100 0.1 fo_master_is ha1
	t_fatal "ha2: keepalived container first" start_keepalived ha2
	t "... its script fails while ha2 has no xmip6d: no BACKUP nor MASTER (init_fail: FAULT)" \
		eval 'xm_retry 100 0.1 ka_says ha2 "VRRP_Script(xmip6d_serves) failed" &&
			! ka_says ha2 "Entering BACKUP STATE\|Entering MASTER STATE" && fo_master_is ha1'
	t_fatal "ha2: xmip6d container" start_xmip6d ha2
	t "... ha2's keepalived goes BACKUP, ha1 keeps the VIP" eval 'xm_retry 100 0.1 ka_says ha2 "Entering BACKUP STATE" && fo_master_is ha1'
	t "... the router sends the VIP's traffic to ha1" xm_retry 30 0.1 router_follows ha1

	local faults
	faults=$(ka_count ha1 'Entering FAULT STATE')
	t "podman kill -s KILL ha1's xmip6d" kill_xmip6d ha1
	t "... ha1's keepalived enters FAULT (its vrrp_script fails)" \
		xm_retry 100 0.1 ka_more ha1 'Entering FAULT STATE' "$faults"
	t "... the VIP moves to ha2" xm_retry 100 0.1 fo_master_is ha2
	t "... the router follows (ha2's Neighbor Advertisements)" xm_retry 30 0.1 router_follows ha2

	local backups
	backups=$(ka_count ha1 'Entering BACKUP STATE')
	t "ha1's xmip6d container starts again, answers" start_xmip6d ha1
	t "... ha1's keepalived leaves FAULT for BACKUP" \
		xm_retry 100 0.1 ka_more ha1 'Entering BACKUP STATE' "$backups"
	t "... ha2 keeps the VIP (nopreempt)" eval 'sleep 1; fo_master_is ha2'

	t "podman stop of ha2's keepalived (SIGTERM, as the kubelet stops it)" stop_keepalived ha2
	t "... the VIP moves back to ha1" xm_retry 100 0.1 fo_master_is ha1
	t "... the router follows" xm_retry 30 0.1 router_follows ha1
	finish
}

[ "${BASH_SOURCE[0]}" = "$0" ] && main
