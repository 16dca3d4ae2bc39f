#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_container.sh - the container image (scripts/build-image.sh, buildah,
# from scratch) run by podman as a home agent in a test namespace, as the
# Kubernetes DaemonSet runs it (deploy/kubernetes, docs/kubernetes.md):
#
#   - the image holds one layer: the two binaries and the libraries ldd(1)
#     names for them (listed here with ldd, not by the script), nothing else;
#   - podman runs it in the HA's network namespace (--network ns:), with
#     --cap-drop=all and only BPF, NET_ADMIN, NET_RAW, PERFMON (never
#     --privileged), a read-only root, no new privileges, the runtime's
#     default seccomp profile plus bpf(2) for CAP_BPF
#     (deploy/container/seccomp-bpf.py); the host's bpffs, the
#     configuration and a key file (0400) mounted;
#   - the running xmip6d's effective capabilities are exactly those four
#     (/proc/PID/status, decoded here); the DaemonSet's probe command
#     answers inside the container;
#   - an independent mobile node (mip6_peer.py, Scapy; CoA the CN's
#     address) registers through it: BA status 0 with a valid MN-HA
#     authenticator, the binding in the pinned map, traffic for the home
#     address tunnelled to the care-of address (tcpdump at the CN);
#   - podman stop leaves the binding pinned (the next pod takes over).
#
# A virtual home network (R1 routes 2001:db8:100::/64 to the HA), as in
# deploy/kubernetes/xmip6d.conf: no proxy_ndp sysctl to write (/proc/sys is
# read-only in a container).
#
# Where podman cannot run a container here, the file skips with podman's
# exact error; the limits of this machine worked around are
# selftests/lib/podman.sh's.
# TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
XM_TOPO=daemon
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh
# shellcheck source=selftests/lib/podman.sh
. selftests/lib/podman.sh

VHN_PREFIX=2001:db8:100::/64
HOA=2001:db8:100::5
SPI=1000
KEY=8899aabbccddeeff0011223344556677
IMAGE=localhost/xmip6-test$$:latest
CTR=xmip6-test$$
CAPS="BPF NET_ADMIN NET_RAW PERFMON"
IMAGE_BUILT=0

ctr_cleanup() {
	podman rm -f -t 2 "$CTR" >/dev/null 2>&1
	[ "$IMAGE_BUILT" = 1 ] && pm_rmi "$IMAGE"
	xm_cleanup
}

build_image() {
	scripts/build-image.sh "$IMAGE" && IMAGE_BUILT=1
}

# The files the image must hold: the binaries, and every library ldd names
# for them at that path (and its /usr twin on a merged-/usr system).
image_files_are_ldd() {
	local want=$XM_TMP/want got=$XM_TMP/got
	{
		echo usr/sbin/xmip6d
		echo usr/sbin/xmip6ctl
		ldd "$XM_BUILD/xmip6d" "$XM_BUILD/xmip6ctl" |
			awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $1 !~ /:$/ { print $1 }' |
			while read -r l; do
				if [ -L "/$(echo "$l" | cut -d/ -f2)" ]; then echo "usr$l"; else echo "${l#/}"; fi
			done
	} | sort -u >"$want"
	podman create --name "$CTR-x" "$IMAGE" >/dev/null || return 1
	podman export "$CTR-x" | tar -tf - | grep -v '/$' | sort >"$got"
	podman rm "$CTR-x" >/dev/null
	# The two /lib links are links, not files.
	grep -vxE 'lib|lib64' "$got" >"$got.files"
	diff "$want" "$got.files" && echo "$(wc -l <"$want") files, as ldd says"
}

one_layer_no_base() {
	local n
	n=$(podman image inspect "$IMAGE" --format '{{len .RootFS.Layers}} {{.Config.Entrypoint}} {{.Config.Cmd}}')
	echo "$n"
	[ "$n" = "1 [/usr/sbin/xmip6d] [-c /etc/xmip6/xmip6d.conf]" ]
}

# podman run with the DaemonSet's security settings (never --privileged).
ctr_run() { pm_run "$CAPS" "$XM_TMP/seccomp.json" "$@"; }

# Find a way podman runs a container here, or say exactly why not.
podman_works() {
	deploy/container/seccomp-bpf.py >"$XM_TMP/seccomp.json" 2>"$XM_TMP/podman.err" &&
		pm_works "$CAPS" "$XM_TMP/seccomp.json" "$IMAGE" "$XM_TMP/podman.out" "$XM_TMP/podman.err"
}

write_conf() {
	mkdir -p "$XM_TMP/etc" "$XM_TMP/run" && chmod 0755 "$XM_TMP/etc" || return 1
	(
		umask 077
		echo "$KEY" >"$XM_TMP/etc/mn.key"
		chmod 0400 "$XM_TMP/etc/mn.key"
		cat >"$XM_TMP/etc/xmip6d.conf" <<EOC
log-level = "info";
pin-dir = "$(xm_pin ha)";
control-socket = "/run/xmip6/xmip6d.sock";
home-agent = {
  address = "$XM_HA_ADDR";
  home-prefix = "$VHN_PREFIX";
  interfaces = [ "$XM_HA_IF" ];
  home-link = "";
  dad = false;
  mobile-nodes = ( { home-address = "$HOA"; spi = $SPI; key-file = "/etc/xmip6/mn.key"; } );
};
EOC
	)
	ip -n "$(xm_ns r1)" -6 route replace "$VHN_PREFIX" via "$XM_HA_ADDR"
}

start_ctr() {
	ctr_run -d --name "$CTR" --network "ns:/run/netns/$(xm_ns ha)" \
		-v /sys/fs/bpf:/sys/fs/bpf -v "$XM_TMP/etc:/etc/xmip6:ro" \
		-v "$XM_TMP/run:/run/xmip6" "$IMAGE" -c /etc/xmip6/xmip6d.conf || return 1
	xm_retry 100 0.1 test -S "$XM_TMP/run/xmip6d.sock" || { podman logs "$CTR"; return 1; }
	"$XM_CTL_BIN" -s "$XM_TMP/run/xmip6d.sock" stats show >/dev/null
}

register() {
	ip netns exec "$(xm_ns cn)" "$XM_PYTHON" selftests/peers/mip6_peer.py bu --coa "$XM_CN_ADDR" \
		--ha "$XM_HA_ADDR" --hoa "$HOA" --spi "$SPI" --key "$KEY" --seq 1 --wait 5 \
		>"$XM_TMP/ba.json" || return 1
	cat "$XM_TMP/ba.json"
	jget "(lambda a: bool(a and a['mh_type']==6 and a['status']==0 and a['auth_ok'] and \
a['checksum_ok'] and a['rt2']=='$HOA'))(d['answer'])" <"$XM_TMP/ba.json" | grep -qx True
}

bound_in_map() {
	local got
	got=$(xm_ctl ha -j binding show |
		jget "' '.join(b['care_of_addr'] for b in d['bindings'] if b['home_addr']=='$HOA')") &&
		echo "binding of $HOA: '$got'" && [ "$got" = "$XM_CN_ADDR" ]
}

# R1 pings the home address (3 echo requests): the HA's data plane
# tunnels them to the care-of address (outer header seen at the CN).
tunnelled() {
	xm_capture_while cn "$XM_CN_IF" "$XM_TMP/tunnel.pcap" ip6 and src host "$XM_HA_ADDR" \
		and dst host "$XM_CN_ADDR" and ip6[6] == 41 -- \
		xm_exec r1 ping -6 -c 3 -i 0.3 -W 1 "$HOA"
	local rc=$?
	echo "tunnelled packets HA -> CoA: $XM_CAPTURED"
	return "$rc"
}

stop_keeps_binding() {
	podman stop -t 5 "$CTR" >/dev/null || return 1
	podman logs "$CTR" 2>&1 | tail -n 5
	bound_in_map
}

main() {
	xm_init
	trap ctr_cleanup EXIT
	[ -x "$XM_D_BIN" ] || { echo "1..0 # SKIP $XM_D_BIN not built"; exit 0; }
	local tool
	for tool in buildah podman; do
		command -v "$tool" >/dev/null ||
			{ echo "1..0 # SKIP $tool missing (Debian: $tool)"; exit 0; }
	done
	t_fatal "scripts/build-image.sh builds the image from scratch" build_image
	t "one layer, no base image; entrypoint xmip6d -c /etc/xmip6/xmip6d.conf" one_layer_no_base
	t "the image holds the two binaries and exactly the libraries ldd names" image_files_are_ldd
	if ! podman_works; then
		echo "ok $((T_N + 1)) - podman runs the image # SKIP podman cannot run a container here: $(grep -m1 -v '^$' "$XM_TMP/podman.err")"
		T_N=$((T_N + 1))
		finish
	fi
	t "podman runs the image (${PM_PODMAN[*]}): xmip6d --version" grep -q '^xmip6d ' "$XM_TMP/podman.out"
	t_fatal "topology (virtual home network) comes up" xm_topo_up
	t_fatal "configuration and key file (0400) written" write_conf
	t_fatal "the container starts as the HA in its namespace (4 capabilities, read-only root)" \
		start_ctr
	t "its xmip6d has exactly the effective capabilities $CAPS" pm_caps_are "$CTR" "$CAPS"
	t "the DaemonSet's probe answers inside it (exec xmip6ctl -s ... stats show)" \
		"${PM_PODMAN[@]}" exec "$CTR" /usr/sbin/xmip6ctl -s /run/xmip6/xmip6d.sock stats show
	t "a Scapy mobile node registers through it: BA 0, authenticator and checksum right" register
	t "... the binding is in the pinned map" bound_in_map
	t "... traffic for the home address is tunnelled to the care-of address" tunnelled
	t "podman stop: the binding stays pinned" stop_keeps_binding
	finish
}

[ "${BASH_SOURCE[0]}" = "$0" ] && main
