# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# podman.sh - podman as the container tests run it here
# (test_container.sh, test_container_vrrp.sh): never --privileged, every
# capability dropped but those named, no new privileges, a read-only root.
#
# Two limits of a machine that is itself a container are worked around, not
# skipped: no CAP_SYS_RESOURCE (podman's default rlimits are above our hard
# limits: --ulimit nofile at our hard limit and nproc 4096 (at our hard
# limit, 96553 here, crun and runc get EPERM)), and crun refusing cgroup v1
# with a cgroup2 hierarchy that has a controller ("cgroups in hybrid mode
# not supported"): runc (Debian: runc) is used when crun fails that way.

PM_PODMAN=(podman)
PM_RUN_OPTS=()

# pm_run CAPS SECCOMP ARGS...: podman run ARGS with only the capabilities
# CAPS (a list), seccomp profile SECCOMP ("": the runtime's default).
pm_run() {
	local caps=$1 seccomp=$2 c opts=()
	shift 2
	for c in $caps; do opts+=(--cap-add "$c"); done
	[ -z "$seccomp" ] || opts+=(--security-opt "seccomp=$seccomp")
	"${PM_PODMAN[@]}" run "${PM_RUN_OPTS[@]}" --cap-drop all "${opts[@]}" \
		--security-opt no-new-privileges --read-only "$@"
}

# pm_works CAPS SECCOMP IMAGE OUT ERR: find a way podman runs IMAGE
# (--version, its output in OUT) here; false with podman's error in ERR.
pm_works() {
	local caps=$1 seccomp=$2 image=$3 out=$4 err=$5 h
	h=$(ulimit -Hn)
	PM_RUN_OPTS=(--ulimit "nofile=$h:$h" --ulimit nproc=4096:4096)
	pm_run "$caps" "$seccomp" --rm --network none "$image" --version >"$out" 2>"$err" && return 0
	if grep -q 'hybrid mode not supported' "$err" && command -v runc >/dev/null; then
		PM_PODMAN=(podman --runtime runc)
		pm_run "$caps" "$seccomp" --rm --network none "$image" --version >"$out" 2>>"$err" &&
			return 0
	fi
	return 1
}

# pm_caps_are CONTAINER CAPS: the effective capabilities of the container's
# first process, from /proc/PID/status decoded here (linux/capability.h
# numbers), are exactly CAPS.
pm_caps_are() {
	local pid eff got
	pid=$(podman inspect "$1" --format '{{.State.Pid}}') || return 1
	echo "$1: $(tr '\0' ' ' <"/proc/$pid/cmdline")"
	eff=$(awk '/^CapEff:/ { print $2 }' "/proc/$pid/status")
	got=$("$XM_PYTHON" -c '
import sys
names = {6: "SETGID", 10: "NET_BROADCAST", 12: "NET_ADMIN", 13: "NET_RAW", 38: "PERFMON", 39: "BPF"}
v = int(sys.argv[1], 16)
print(" ".join(sorted(names.get(b, "cap%d" % b) for b in range(64) if v >> b & 1)))' "$eff")
	echo "CapEff $eff: $got"
	[ "$got" = "$(echo "$2" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')" ]
}

# pm_rmi IMAGE: remove IMAGE by ID (build-image.sh also tagged it with the
# git revision).
pm_rmi() {
	local id
	id=$(podman image inspect --format '{{.Id}}' "$1" 2>/dev/null) || return 0
	podman rmi -f "$id" >/dev/null 2>&1
}
