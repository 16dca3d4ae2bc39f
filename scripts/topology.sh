# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# topology.sh - build and tear down the xmip6 test topology in network
# namespaces. Source it; it defines functions and variables only.
#
#   CN --- R1 ------------------- R2 --- MN (visited network)
#           \ home link
#            HA
#
#   CN  eth0   2001:db8:c::2/64    default via R1
#   R1  cn0    2001:db8:c::1/64
#   R1  home0  2001:db8:1::1/64    (home link, home prefix 2001:db8:1::/64)
#   HA  eth0   2001:db8:1::a/64    default via R1; proxy NDP for the HoA
#   R1  r2     2001:db8:12::1/64   2001:db8:20::/64 via R2
#   R2  r1     2001:db8:12::2/64   default via R1
#   R2  mn0    2001:db8:20::1/64
#   MN  eth0   2001:db8:20::100/64 (care-of address), default via R2
#   MN  eth0   2001:db8:1::100/128 (home address)
#
# With XM_TOPO=daemon (xmip6d tests and the demo) the home link is a bridge
# in R1 with a second port for the MN, the MN has no home address and the HA
# no proxy entries (xmip6d manages both), and R2 also serves 2001:db8:21::/64:
#
#   R1  brhome 2001:db8:1::1/64    ports home0 (to HA eth0) and mnhome (to MN eth1)
#   R2  mn0    2001:db8:20::1/64, 2001:db8:21::1/64
#   MN  eth0   2001:db8:20::100/64 (visited), eth1 on the home link, no address
#
# Usage:
#   . scripts/topology.sh
#   xm_init              # unique names, temp dir, cleanup trap
#   xm_topo_up           # namespaces, links, addresses, routes
#   xm_exec cn ping -c 1 -w 2 "$XM_HOA"
#   xm_ctl ha attach "$XM_HA_IF" role ha address "$XM_HA_ADDR"
#   xm_bg mn socat ...   # background process, killed by PID at cleanup
#
# Everything this file creates is recorded and removed by xm_cleanup, which
# xm_init registers on EXIT, INT and TERM.

XM_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
XM_BUILD=${XMIP6_BUILD:-$XM_REPO/build}
XM_CTL_BIN=${XMIP6CTL:-$XM_BUILD/xmip6ctl}
XM_PYTHON=${PYTHON:-/usr/bin/python3}
# Scapy starts without Wireshark's vendor database (0.43 -> 0.21 CPU-s a
# process): selftests/pystart/sitecustomize.py says why.
export PYTHONPATH=$XM_REPO/selftests/pystart${PYTHONPATH:+:$PYTHONPATH}
XM_BPFFS=/sys/fs/bpf

# The tests poll (xm_retry and the like sleep between looks): bash's
# loadable sleep (Debian's bash-builtins) spares a fork and an exec a
# look, 7.7 ms of CPU each against 0.1 ms on a 2-CPU machine running the
# suite. Without it, sleep is /usr/bin/sleep as before. Processes run by
# path (timeout, ip netns exec, xm_bg) still exec /usr/bin/sleep.
if [ -r /usr/lib/bash/sleep ]; then
	enable -f /usr/lib/bash/sleep sleep 2>/dev/null || true
fi

# Addresses (documentation prefix only).
XM_CN_ADDR=2001:db8:c::2
XM_R1_CN_ADDR=2001:db8:c::1
XM_R1_HOME_ADDR=2001:db8:1::1
XM_HA_ADDR=2001:db8:1::a
XM_R1_R2_ADDR=2001:db8:12::1
XM_R2_R1_ADDR=2001:db8:12::2
XM_R2_VISIT_ADDR=2001:db8:20::1
XM_COA=2001:db8:20::100
XM_HOA=2001:db8:1::100
# shellcheck disable=SC2034 # used by tests and the demo
XM_HOME_PREFIX=2001:db8:1::/64
XM_VISIT_PREFIX=2001:db8:20::/64
XM_R2_VISIT2_ADDR=2001:db8:21::1
XM_COA2=2001:db8:21::100
XM_VISIT2_PREFIX=2001:db8:21::/64
XM_TOPO=${XM_TOPO:-static}

# Interface names, per namespace.
XM_CN_IF=eth0
XM_R1_CN_IF=cn0
XM_R1_HOME_IF=home0
XM_R1_R2_IF=r2
XM_HA_IF=eth0
XM_R2_R1_IF=r1
XM_R2_VISIT_IF=mn0
XM_MN_IF=eth0
XM_MN_HOME_IF=eth1
XM_R1_BRIDGE=brhome
XM_R1_MN_HOME_IF=mnhome

XM_ROLES="cn r1 r2 ha mn"

XM_PFX=
XM_TMP=
XM_PIDS=()
XM_FG_PID=
XM_NETNS=()
XM_CLEANED=0
XM_VERBOSE=${XM_VERBOSE:-0}

# Diagnostics go to stderr prefixed with "# " so TAP output stays clean.
xm_log() { echo "# $*" >&2; }

xm_die() {
	xm_log "FATAL: $*"
	exit 1
}

# xm_init [PREFIX]: choose unique names, make the temp dir, install traps.
xm_init() {
	[ "$(id -u)" -eq 0 ] || xm_die "needs root (network namespaces, BPF)"
	XM_PFX=${1:-xm$$-}
	XM_TMP=$(mktemp -d "${TMPDIR:-/tmp}/${XM_PFX}XXXXXX") || xm_die "mktemp failed"
	trap xm_cleanup EXIT
	trap 'xm_cleanup; trap - INT; kill -INT $$' INT
	trap 'xm_cleanup; exit 143' TERM
	if ! mountpoint -q "$XM_BPFFS"; then
		mount -t bpf bpf "$XM_BPFFS" || xm_die "cannot mount bpffs on $XM_BPFFS"
	fi
}

# Name of the namespace for a role (cn, r1, r2, ha, mn): ${XM_PFX}ROLE. The
# helpers below write that out: a $(xm_ns ROLE) forks the shell, 2.7 ms
# of CPU each here (6.6 ms while the suite runs), and xm_exec, xm_ctl and the
# rigs run thousands of times a suite.
xm_ns() { echo "${XM_PFX}$1"; }

# Pin directory of the xmip6 instance in a role's namespace.
xm_pin() { echo "$XM_BPFFS/xmip6-${XM_PFX}$1"; }

# xm_map_entries ROLE MAP: max_entries of the role's pinned MAP, as the
# kernel reports it (bpftool), not as xmip6 says it made it.
xm_map_entries() {
	bpftool -j map show pinned "$XM_BPFFS/xmip6-${XM_PFX}$1/$2" | jget "d['max_entries']"
}

# xm_fg CMD...: run CMD and wait for it, but interruptibly. Bash runs an INT
# trap only once its foreground child is done, and not at all when that child
# handles SIGINT itself (ping, tcpdump, socat do): Ctrl-C would be swallowed.
# Waiting in the wait builtin instead lets the trap run at once.
xm_fg() {
	local rc
	"$@" <&0 &
	XM_FG_PID=$!
	wait "$XM_FG_PID"
	rc=$?
	XM_FG_PID=
	return "$rc"
}

# xm_exec ROLE CMD...: run CMD in the role's namespace.
xm_exec() {
	local ns
	ns=${XM_PFX}$1
	shift
	xm_fg ip netns exec "$ns" "$@"
}

# xm_ctl ROLE ARGS...: run xmip6ctl in the role's network namespace but the
# host mount namespace (ip netns exec remounts /sys, which hides bpffs).
# Options such as -j may precede the command; -p is always added. No
# timeout(1) around it: on the pinned maps xmip6ctl never waits, and with -s
# its control-socket exchange has deadlines of its own (CTL_CLIENT_TIMEOUT_MS
# in user/daemon/ctl.h). The suite runs these some 900 times, and timeout's
# fork and exec cost 11 ms of CPU each here.
xm_ctl() {
	local role=$1 pin
	shift
	pin=$XM_BPFFS/xmip6-${XM_PFX}$role # xm_pin, without a fork
	xm_fg nsenter --net="/run/netns/${XM_PFX}$role" "$XM_CTL_BIN" -p "$pin" "$@"
}

# xm_bg ROLE CMD...: start CMD in the background in the role's namespace
# (role "-" = host) and record its PID for cleanup. Sets XM_LAST_PID.
# Callers should bound CMD themselves (timeout, -c, -w).
xm_bg() {
	local role=$1
	shift
	if [ "$role" = - ]; then
		"$@" &
	else
		ip netns exec "${XM_PFX}$role" "$@" &
	fi
	XM_LAST_PID=$!
	XM_PIDS+=("$XM_LAST_PID")
}

# xm_daemon ROLE CONF LOG [ARGS...]: start xmip6d with CONF in the role's
# network namespace (host mounts: it pins under bpffs), stderr to LOG.
# Records the PID for cleanup and sets XM_LAST_PID (nsenter execs xmip6d,
# so the PID is the daemon's own).
XM_D_BIN=${XMIP6D:-$XM_BUILD/xmip6d}
xm_daemon() {
	local role=$1 conf=$2 log=$3
	shift 3
	nsenter --net="/run/netns/${XM_PFX}$role" "$XM_D_BIN" -c "$conf" "$@" \
		</dev/null >>"$log" 2>&1 &
	XM_LAST_PID=$!
	XM_PIDS+=("$XM_LAST_PID")
}

# xm_tcp_check to_mn|from_mn PORT BYTES: BYTES of random data over TCP
# between the CN and the home address (the MN listens on XM_HOA:PORT, the CN
# connects), sha256 compared; every process bounded to 30 s.
xm_tcp_check() {
	local dir=$1 port=$2 bytes=$3 src rx pid want got
	src=$XM_TMP/tcp.$bytes.data
	rx=$XM_TMP/tcp.rx.$port
	[ -f "$src" ] || head -c "$bytes" /dev/urandom >"$src"
	rm -f "$rx"
	want=$(sha256sum <"$src" | cut -d' ' -f1)
	if [ "$dir" = to_mn ]; then
		xm_bg mn timeout 30 socat -u \
			"TCP6-LISTEN:$port,bind=[$XM_HOA],reuseaddr" "CREATE:$rx"
	else
		xm_bg mn timeout 30 socat -u "OPEN:$src" \
			"TCP6-LISTEN:$port,bind=[$XM_HOA],reuseaddr"
	fi
	pid=$XM_LAST_PID
	xm_retry 50 0.1 sh -c "ip netns exec '${XM_PFX}mn' ss -Hltn 'sport = :$port' | grep -q ." ||
		{ echo "server did not listen"; return 1; }
	if [ "$dir" = to_mn ]; then
		xm_exec cn timeout 30 socat -u "OPEN:$src" "TCP6:[$XM_HOA]:$port" ||
			{ echo "client failed ($?)"; return 1; }
	else
		xm_exec cn timeout 30 socat -u "TCP6:[$XM_HOA]:$port" "CREATE:$rx" ||
			{ echo "client failed ($?)"; return 1; }
	fi
	xm_wait_pid "$pid" 15 || { echo "server exit status $?"; return 1; }
	got=$(sha256sum <"$rx" | cut -d' ' -f1)
	echo "sent $(wc -c <"$src") bytes sha256 $want"
	echo "received $(wc -c <"$rx") bytes sha256 $got"
	[ "$want" = "$got" ]
}

# xm_tcp_stream_start BYTES [ROLE ADDR]: a TCP stream of BYTES random octets
# from the CN to ADDR:5001 in ROLE's namespace (default: the MN's XM_HOA),
# paced (12,000 octets every 100 ms) so that it lasts across moves; succeeds
# once data arrives. xm_tcp_stream_done: the moves are over, so the rest
# goes ten times faster (the same 12,000-octet writes, 10 ms apart: as many
# packets, not the whole rest at once); both ends finished (60 s at most)
# and the sha256 of what arrived is that of what was sent.
xm_tcp_stream_start() {
	local role=${2:-mn} addr=${3:-$XM_HOA}
	XM_TCP_BYTES=$1
	head -c "$XM_TCP_BYTES" /dev/urandom >"$XM_TMP/stream.data"
	: >"$XM_TMP/stream.pace"
	xm_bg "$role" timeout 90 socat -u "TCP6-LISTEN:5001,bind=[$addr],reuseaddr" \
		"CREATE:$XM_TMP/stream.rx"
	XM_TCP_SERVER=$XM_LAST_PID
	xm_retry 50 0.1 sh -c "ip netns exec '${XM_PFX}$role' ss -Hltn 'sport = :5001' | grep -q ." ||
		return 1
	# (A background job's stdin is /dev/null: the script goes into a file.)
	cat >"$XM_TMP/sender.py" <<'EOF'
import os, socket, sys, time
data = open(sys.argv[1], "rb").read()
s = socket.create_connection((sys.argv[2], 5001))
chunk = 12000
for off in range(0, len(data), chunk):
    s.sendall(data[off:off + chunk])
    time.sleep(0.1 if os.path.exists(sys.argv[3]) else 0.01)
s.shutdown(socket.SHUT_WR)
s.recv(1)
s.close()
EOF
	xm_bg cn timeout 90 "$XM_PYTHON" "$XM_TMP/sender.py" "$XM_TMP/stream.data" "$addr" \
		"$XM_TMP/stream.pace"
	XM_TCP_CLIENT=$XM_LAST_PID
	xm_retry 50 0.1 test -s "$XM_TMP/stream.rx"
}

xm_tcp_stream_done() {
	local a b
	rm -f "$XM_TMP/stream.pace"
	xm_wait_pid "$XM_TCP_CLIENT" 60 || return 1
	xm_wait_pid "$XM_TCP_SERVER" 10
	a=$(sha256sum <"$XM_TMP/stream.data" | cut -d' ' -f1)
	b=$(sha256sum <"$XM_TMP/stream.rx" | cut -d' ' -f1)
	echo "sent $XM_TCP_BYTES bytes sha256 $a; received $(wc -c <"$XM_TMP/stream.rx") sha256 $b"
	[ "$a" = "$b" ]
}

# xm_start_daemon ROLE PIDVAR: xmip6d from $XM_TMP/ROLE.conf, logging to
# $XM_TMP/ROLE.log; the variable named PIDVAR gets its PID. Succeeds once its
# control socket $XM_TMP/ROLE.sock is there and it still runs (5 s at most).
xm_start_daemon() {
	local role=$1
	rm -f "$XM_TMP/$role.sock"
	xm_daemon "$role" "$XM_TMP/$role.conf" "$XM_TMP/$role.log"
	printf -v "$2" '%s' "$XM_LAST_PID"
	xm_daemon_up "$XM_LAST_PID" "$XM_TMP/$role.sock"
}

# xm_daemon_up PID SOCKET: wait until the daemon PID has made its control
# SOCKET (its BPF programs are loaded then: seconds on a loaded machine), as
# long as it lives, 60 s at most.
xm_daemon_up() {
	local i
	for ((i = 0; i < 600; i++)); do
		[ -S "$2" ] && kill -0 "$1" 2>/dev/null && return 0
		kill -0 "$1" 2>/dev/null || { echo "daemon $1 exited"; return 1; }
		sleep 0.1
	done
	echo "daemon $1: no $2 in 60 s"
	return 1
}

# jget EXPR: evaluate the Python expression EXPR on the JSON document read
# from stdin (bound to d) and print the result: `xm_dctl ha -j bul show |
# jget "d['bul'][0]['state']"`. Without site (-I -S): 45 -> 37 ms of CPU a
# call, and the suite makes about a thousand.
jget() {
	"$XM_PYTHON" -I -S -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

# xm_write_confs KEY [LOG_LEVEL [MN_SETTINGS]]: $XM_TMP/ha.conf and
# $XM_TMP/mn.conf for the rig's home agent (home link, one mobile node) and
# mobile node (home address XM_HOA, interface XM_MN_IF), sharing the MN-HA
# key KEY (hex). MN_SETTINGS go into the mobile-node group as they are.
# XM_HA_EXTRA_IFS: more interfaces (names in the HA's namespace) for the HA;
# XM_HA_ENTRY: more settings for the MN's entry at the HA.
xm_write_confs() {
	local key=$1 level=${2:-info} extra=${3:-} ifs="\"$XM_HA_IF\"" i
	for i in ${XM_HA_EXTRA_IFS:-}; do
		ifs="$ifs, \"$i\""
	done
	(
		umask 077
		cat >"$XM_TMP/ha.conf" <<EOF
log-level = "$level";
pin-dir = "$(xm_pin ha)";
control-socket = "$XM_TMP/ha.sock";
home-agent = {
  address = "$XM_HA_ADDR";
  home-prefix = "$XM_HOME_PREFIX";
  interfaces = [ $ifs ];
  home-link = "$XM_HA_IF";
  mobile-nodes = ( { home-address = "$XM_HOA"; spi = 256; key = "$key"; ${XM_HA_ENTRY:-} } );
};
EOF
		cat >"$XM_TMP/mn.conf" <<EOF
log-level = "$level";
pin-dir = "$(xm_pin mn)";
control-socket = "$XM_TMP/mn.sock";
mobile-node = {
  home-address = "$XM_HOA";
  home-agent = "$XM_HA_ADDR";
  interfaces = [ "$XM_MN_IF" ];
  spi = 256;
  key = "$key";
  $extra
};
EOF
	)
}

# xm_dctl ROLE ARGS...: xmip6ctl through the role's daemon control socket,
# $XM_TMP/ROLE.sock (the path the tests' configs use). Bounded by xmip6ctl's
# own deadlines (see xm_ctl): a daemon that stops answering fails it in 10 s.
xm_dctl() {
	local role=$1
	shift
	xm_fg "$XM_CTL_BIN" -s "$XM_TMP/$role.sock" "$@"
}

# xm_wait_pid PID SECONDS: wait for a background process to end. Returns its
# exit status, or 124 after killing it when it outlives the deadline.
xm_wait_pid() {
	local pid=$1 ticks=$(($2 * 10))
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$ticks" -le 0 ]; then
			kill -TERM "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			return 124
		fi
		ticks=$((ticks - 1))
		sleep 0.1
	done
	wait "$pid" 2>/dev/null
}

# xm_reap PID SECONDS: wait for a process we signalled; SIGKILL it when it
# is still there after SECONDS.
xm_reap() {
	local pid=$1 ticks=$(($2 * 10))
	while kill -0 "$pid" 2>/dev/null && [ "$ticks" -gt 0 ]; do
		ticks=$((ticks - 1))
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# xm_stop_pid PID: interrupt a background process (SIGINT, then SIGKILL).
xm_stop_pid() {
	local pid=$1 i
	kill -INT "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
	for i in $(seq 1 30); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# xm_retry TRIES DELAY CMD...: run CMD until it succeeds, at most TRIES times.
# xm_peer_serve ROLE PEER: selftests/peers/PEER.py in ROLE's namespace as one
# process for the whole file (selftests/peers/serve.py, a coprocess killed
# by xm_cleanup): xm_peer runs its commands, each without a Python and
# Scapy start-up of its own. One such peer a file (bash keeps one coprocess).
xm_peer_serve() {
	coproc XM_PEER {
		exec ip netns exec "${XM_PFX}$1" "$XM_PYTHON" -u "$XM_REPO/selftests/peers/serve.py" \
			"$2" 2>>"$XM_TMP/peer-serve.err"
	}
	XM_PIDS+=("$XM_PEER_PID")
}

# xm_peer ARGS...: one command (PEER.py's arguments) to the xm_peer_serve
# process; prints its output, returns its exit status (its stderr follows a
# failure). Call it directly or in $(...), not in a pipeline or a background
# subshell: those do not have the coprocess's descriptors.
xm_peer() {
	local line out="" IFS=$'\t'
	[ -n "${XM_PEER_PID:-}" ] || { echo "xm_peer: no xm_peer_serve process" >&2; return 1; }
	echo "$*" >&"${XM_PEER[1]}" || return 1
	while IFS= read -r -t 120 line <&"${XM_PEER[0]}"; do
		case $line in
		"rc "*)
			printf '%s' "$out"
			[ "${line#rc }" = 0 ] && return 0
			tail -n 20 "$XM_TMP/peer-serve.err" >&2
			return "${line#rc }"
			;;
		esac
		out+=$line$'\n'
	done
	echo "xm_peer: no answer in 120 s: the peer is stopped (its late answer would be the next's)" >&2
	kill "$XM_PEER_PID" 2>/dev/null
	return 1
}

# xm_lines_above N FILE REGEX: FILE has more than N lines matching REGEX,
# counted afresh on each call (for xm_retry: wait for the N+1-th).
xm_lines_above() { [ "$(grep -c -- "$3" "$2")" -gt "$1" ]; }

xm_retry() {
	local tries=$1 delay=$2 i
	shift 2
	for ((i = 0; i < tries; i++)); do
		"$@" && return 0
		sleep "$delay"
	done
	return 1
}

xm_add_ns() {
	local role=$1 ns
	ns=${XM_PFX}$role
	ip netns add "$ns" || return 1
	XM_NETNS+=("$ns")
	ip -n "$ns" link set lo up
	xm_exec "$role" sysctl -qw \
		net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 \
		net.ipv6.conf.all.router_solicitations=0 \
		net.ipv6.conf.default.router_solicitations=0
}

# xm_link ROLE_A IF_A ROLE_B IF_B: a veth pair between two namespaces.
#
# Both ends get "tx off" (no checksum or segmentation offload) so that what
# crosses the pair is what crosses a wire: complete checksums, MTU-sized
# packets. Otherwise a veth hands the next namespace CHECKSUM_PARTIAL and
# GSO skbs, and where XDP turns such an skb into a frame (XDP_TX, redirect)
# the pending checksum is lost: TCP segments arrive with bad checksums.
xm_link() {
	ip -n "${XM_PFX}$1" link add "$2" type veth peer name "$4" \
		netns "${XM_PFX}$3" || return 1
	xm_exec "$1" ethtool -K "$2" tx off >/dev/null &&
		xm_exec "$3" ethtool -K "$4" tx off >/dev/null || return 1
	ip -n "${XM_PFX}$1" link set "$2" up &&
		ip -n "${XM_PFX}$3" link set "$4" up
}

# xm_addr ROLE IF ADDR/LEN
xm_addr() { ip -n "${XM_PFX}$1" -6 addr add "$3" dev "$2" nodad; }

# xm_topo_up: build the whole topology. Returns non-zero on any failure.
xm_topo_up() {
	local r
	[ -n "$XM_PFX" ] || xm_die "xm_init not called"
	if [ "$XM_TOPO" = roam ]; then
		xm_topo_roam_up
		return
	fi
	for r in $XM_ROLES; do
		xm_add_ns "$r" || return 1
	done
	xm_exec r1 sysctl -qw net.ipv6.conf.all.forwarding=1 || return 1
	xm_exec r2 sysctl -qw net.ipv6.conf.all.forwarding=1 || return 1
	xm_exec ha sysctl -qw net.ipv6.conf.all.forwarding=1 \
		net.ipv6.conf.all.proxy_ndp=1 || return 1

	xm_link cn "$XM_CN_IF" r1 "$XM_R1_CN_IF" &&
		xm_link r1 "$XM_R1_HOME_IF" ha "$XM_HA_IF" &&
		xm_link r1 "$XM_R1_R2_IF" r2 "$XM_R2_R1_IF" &&
		xm_link r2 "$XM_R2_VISIT_IF" mn "$XM_MN_IF" || return 1

	local r1_home=$XM_R1_HOME_IF
	if [ "$XM_TOPO" = daemon ]; then
		# The home link is a segment the MN can join when it comes home.
		r1_home=$XM_R1_BRIDGE
		ip -n "${XM_PFX}r1" link add "$r1_home" type bridge &&
			ip -n "${XM_PFX}r1" link set "$r1_home" up &&
			ip -n "${XM_PFX}r1" link set "$XM_R1_HOME_IF" master "$r1_home" &&
			xm_link r1 "$XM_R1_MN_HOME_IF" mn "$XM_MN_HOME_IF" &&
			ip -n "${XM_PFX}r1" link set "$XM_R1_MN_HOME_IF" master "$r1_home" ||
			return 1
	fi

	xm_addr cn "$XM_CN_IF" "$XM_CN_ADDR/64" &&
		xm_addr r1 "$XM_R1_CN_IF" "$XM_R1_CN_ADDR/64" &&
		xm_addr r1 "$r1_home" "$XM_R1_HOME_ADDR/64" &&
		xm_addr ha "$XM_HA_IF" "$XM_HA_ADDR/64" &&
		xm_addr r1 "$XM_R1_R2_IF" "$XM_R1_R2_ADDR/64" &&
		xm_addr r2 "$XM_R2_R1_IF" "$XM_R2_R1_ADDR/64" &&
		xm_addr r2 "$XM_R2_VISIT_IF" "$XM_R2_VISIT_ADDR/64" &&
		xm_addr mn "$XM_MN_IF" "$XM_COA/64" || return 1

	ip -n "${XM_PFX}cn" -6 route add default via "$XM_R1_CN_ADDR" &&
		ip -n "${XM_PFX}ha" -6 route add default via "$XM_R1_HOME_ADDR" &&
		ip -n "${XM_PFX}r1" -6 route add "$XM_VISIT_PREFIX" via "$XM_R2_R1_ADDR" &&
		ip -n "${XM_PFX}r2" -6 route add default via "$XM_R1_R2_ADDR" &&
		ip -n "${XM_PFX}mn" -6 route add default via "$XM_R2_VISIT_ADDR" ||
		return 1

	if [ "$XM_TOPO" = daemon ]; then
		# A second visited prefix, for a change of care-of address.
		xm_addr r2 "$XM_R2_VISIT_IF" "$XM_R2_VISIT2_ADDR/64" &&
			ip -n "${XM_PFX}r1" -6 route add "$XM_VISIT2_PREFIX" via "$XM_R2_R1_ADDR" ||
			return 1
		xm_peer_napi r1 "$XM_R1_HOME_IF" && xm_peer_napi r2 "$XM_R2_VISIT_IF" ||
			return 1
		xm_wait_links_up
		return
	fi

	xm_addr mn "$XM_MN_IF" "$XM_HOA/128" || return 1

	# Until the daemon does it: the HA answers neighbour solicitations for
	# the home address on the home link (RFC 6275 section 10.4.1).
	ip -n "${XM_PFX}ha" -6 neigh add proxy "$XM_HOA" dev "$XM_HA_IF" || return 1
	# ...and must not itself wait for a neighbour advertisement from the
	# absent home address: with a permanent entry its own packets (and the
	# ICMPv6 errors it owes the MN) reach tc_ha_egress, which tunnels them.
	local ha_mac
	ha_mac=$(ip -n "${XM_PFX}ha" -br link show dev "$XM_HA_IF" | awk '{print $3}')
	[ -n "$ha_mac" ] || return 1
	ip -n "${XM_PFX}ha" -6 neigh replace "$XM_HOA" lladdr "$ha_mac" dev "$XM_HA_IF" \
		nud permanent || return 1

	# A veth takes XDP_TX/redirected frames only when its peer runs NAPI:
	# GRO is enough for XDP_REDIRECT, but XDP_TX frames are flushed (the
	# peer's NAPI kicked) only when the peer has an XDP program. So the peers
	# of the devices xmip6 attaches to get both.
	xm_peer_napi r1 "$XM_R1_HOME_IF" && xm_peer_napi r2 "$XM_R2_VISIT_IF" ||
		return 1
	xm_wait_links_up
}

# ---- the roaming rig (XM_TOPO=roam) ------------------------------------------
#
#   CN --- R1 ------------- R2 brvisit 2001:db8:20::1/64 (radvd)
#           |  \----------- R3 brvisit 2001:db8:30::1/64 (radvd)
#           | brhome 2001:db8:1::1/64 (radvd: home prefix, H bit)
#           +-- HA eth0 2001:db8:1::a
#
#   MN eth0 <-> mnport: the peer end is moved between R2's brvisit, R3's
#   brvisit and R1's brhome (xm_roam_move), which the MN sees as its link
#   going down and up somewhere else. The MN has no static address: the
#   kernel configures them from the routers' RAs (SLAAC, accept_ra=1).
#
#   With XM_ROAM_WIFI=1 the MN has a second interface, eth1, plugged into
#   R3 for good (wired eth0 first, wireless eth1 second: vertical handover).
#
#   R1  r3     2001:db8:13::1/64   2001:db8:30::/64 via R3
#   R3  r1     2001:db8:13::2/64   default via R1
XM_R1_R3_ADDR=2001:db8:13::1
XM_R3_R1_ADDR=2001:db8:13::2
XM_R3_VISIT_ADDR=2001:db8:30::1
# shellcheck disable=SC2034 # used by the roaming test and demo
XM_VISIT3_PREFIX=2001:db8:30::/64
XM_R1_R3_IF=r3
XM_R3_R1_IF=r1
XM_VISIT_BRIDGE=brvisit
XM_MN_PORT=mnport
# XM_ROAM_WIFI=1: the MN also has eth1, whose peer wlport stays at R3.
XM_ROAM_WIFI=${XM_ROAM_WIFI:-0}
XM_WL_PORT=wlport
XM_ROAM_AT=
XM_RADVD_PIDS=()

# xm_topo_roam_up: the roaming rig above. The MN's link starts at R2.
xm_topo_roam_up() {
	local r br
	[ -n "$XM_PFX" ] || xm_die "xm_init not called"
	XM_ROLES="cn r1 r2 r3 ha mn"
	for r in $XM_ROLES; do
		xm_add_ns "$r" || return 1
	done
	for r in r1 r2 r3; do
		xm_exec "$r" sysctl -qw net.ipv6.conf.all.forwarding=1 || return 1
	done
	xm_exec ha sysctl -qw net.ipv6.conf.all.forwarding=1 \
		net.ipv6.conf.all.proxy_ndp=1 || return 1

	xm_link cn "$XM_CN_IF" r1 "$XM_R1_CN_IF" &&
		xm_link r1 "$XM_R1_HOME_IF" ha "$XM_HA_IF" &&
		xm_link r1 "$XM_R1_R2_IF" r2 "$XM_R2_R1_IF" &&
		xm_link r1 "$XM_R1_R3_IF" r3 "$XM_R3_R1_IF" || return 1
	for r in r1 r2 r3; do
		br=$XM_VISIT_BRIDGE
		[ "$r" = r1 ] && br=$XM_R1_BRIDGE
		ip -n "${XM_PFX}$r" link add "$br" type bridge forward_delay 0 &&
			ip -n "${XM_PFX}$r" link set "$br" up || return 1
	done
	ip -n "${XM_PFX}r1" link set "$XM_R1_HOME_IF" master "$XM_R1_BRIDGE" || return 1

	xm_roam_mn_link r2 || return 1
	if [ "$XM_ROAM_WIFI" = 1 ]; then
		# A second, less preferred interface that stays at R3 ("wireless").
		ip -n "${XM_PFX}mn" link add "$XM_MN_HOME_IF" type veth peer name "$XM_WL_PORT" \
			netns "${XM_PFX}r3" || return 1
		xm_exec mn ethtool -K "$XM_MN_HOME_IF" tx off >/dev/null || return 1
		xm_exec mn sysctl -qw "net.ipv6.conf.$XM_MN_HOME_IF.accept_ra=1" || return 1
		ip -n "${XM_PFX}mn" link set "$XM_MN_HOME_IF" up || return 1
		XM_MN_PORT=$XM_WL_PORT xm_roam_plug r3 || return 1
	fi

	xm_addr cn "$XM_CN_IF" "$XM_CN_ADDR/64" &&
		xm_addr r1 "$XM_R1_CN_IF" "$XM_R1_CN_ADDR/64" &&
		xm_addr r1 "$XM_R1_BRIDGE" "$XM_R1_HOME_ADDR/64" &&
		xm_addr ha "$XM_HA_IF" "$XM_HA_ADDR/64" &&
		xm_addr r1 "$XM_R1_R2_IF" "$XM_R1_R2_ADDR/64" &&
		xm_addr r2 "$XM_R2_R1_IF" "$XM_R2_R1_ADDR/64" &&
		xm_addr r1 "$XM_R1_R3_IF" "$XM_R1_R3_ADDR/64" &&
		xm_addr r3 "$XM_R3_R1_IF" "$XM_R3_R1_ADDR/64" &&
		xm_addr r2 "$XM_VISIT_BRIDGE" "$XM_R2_VISIT_ADDR/64" &&
		xm_addr r3 "$XM_VISIT_BRIDGE" "$XM_R3_VISIT_ADDR/64" || return 1

	ip -n "${XM_PFX}cn" -6 route add default via "$XM_R1_CN_ADDR" &&
		ip -n "${XM_PFX}ha" -6 route add default via "$XM_R1_HOME_ADDR" &&
		ip -n "${XM_PFX}r1" -6 route add "$XM_VISIT_PREFIX" via "$XM_R2_R1_ADDR" &&
		ip -n "${XM_PFX}r1" -6 route add "$XM_VISIT3_PREFIX" via "$XM_R3_R1_ADDR" &&
		ip -n "${XM_PFX}r2" -6 route add default via "$XM_R1_R2_ADDR" &&
		ip -n "${XM_PFX}r3" -6 route add default via "$XM_R1_R3_ADDR" || return 1
	xm_peer_napi r1 "$XM_R1_HOME_IF" || return 1
	xm_retry 50 0.1 xm_ns_ready r1 && xm_retry 50 0.1 xm_ns_ready r2 &&
		xm_retry 50 0.1 xm_ns_ready r3
}

# xm_roam_mn_link ROLE: the MN's eth0 and its port mnport, plugged in at
# ROLE: SLAAC on eth0 (a host, forwarding off); no kernel RS (xmip6d
# solicits itself).
xm_roam_mn_link() {
	local role=$1
	ip -n "${XM_PFX}mn" link add "$XM_MN_IF" type veth peer name "$XM_MN_PORT" \
		netns "${XM_PFX}$role" || return 1
	xm_exec mn ethtool -K "$XM_MN_IF" tx off >/dev/null &&
		xm_exec "$role" ethtool -K "$XM_MN_PORT" tx off >/dev/null || return 1
	xm_exec mn sysctl -qw "net.ipv6.conf.$XM_MN_IF.accept_ra=1" \
		"net.ipv6.conf.$XM_MN_IF.autoconf=1" || return 1
	ip -n "${XM_PFX}mn" link set "$XM_MN_IF" up || return 1
	XM_ROAM_AT=$role
	xm_roam_plug "$role"
}

# xm_if_macs_holds ROLE IF MAC: the if_macs entry of IF (in ROLE's
# namespace) is set and holds MAC (bpftool on ROLE's pinned map).
xm_if_macs_holds() {
	local role=$1 dev=$2 mac=$3 ifindex out
	ifindex=$(xm_exec "$role" cat "/sys/class/net/$dev/ifindex") || return 1
	out=$(bpftool -j map lookup pinned "$(xm_pin "$role")/if_macs" key \
		$((ifindex & 255)) $(((ifindex >> 8) & 255)) 0 0) || return 1
	echo "$dev ifindex $ifindex mac $mac; if_macs: $out"
	OUT=$out MAC=$mac "$XM_PYTHON" -c '
import json, os
v = json.loads(os.environ["OUT"])
v = v.get("formatted", {}).get("value", v["value"]) if isinstance(v, dict) else v
mac = bytes(int(x, 16) for x in os.environ["MAC"].split(":"))
if isinstance(v, dict):
    got, ok = bytes(v["addr"]), v["set"] == 1
else:
    b = bytes(int(x, 16) for x in v)
    got, ok = b[:6], b[6] == 1
raise SystemExit(0 if ok and got == mac else "if_macs holds %s" % got.hex(":"))'
}

# xm_roam_plug ROLE: attach mnport (already in ROLE's namespace) to its
# bridge, give it NAPI for the MN's XDP and bring it up.
xm_roam_plug() {
	local role=$1 br=$XM_VISIT_BRIDGE obj ns
	[ "$role" = r1 ] && br=$XM_R1_BRIDGE
	ns=${XM_PFX}$role
	obj=$(xm_xdp_pass_obj) || return 1
	ip -n "$ns" link set "$XM_MN_PORT" master "$br" &&
		ip netns exec "$ns" ethtool -K "$XM_MN_PORT" tx off gro on >/dev/null &&
		ip -n "$ns" link set dev "$XM_MN_PORT" xdpdrv off &&
		ip -n "$ns" link set dev "$XM_MN_PORT" xdpdrv obj "$obj" sec xdp &&
		ip -n "$ns" link set "$XM_MN_PORT" up
}

# xm_roam_move ROLE: move the MN's link to R2, R3 or R1 (home).
xm_roam_move() {
	local to=$1
	[ "$to" = "$XM_ROAM_AT" ] && return 0
	ip -n "${XM_PFX}$XM_ROAM_AT" link set "$XM_MN_PORT" netns "${XM_PFX}$to" ||
		return 1
	XM_ROAM_AT=$to
	xm_roam_plug "$to"
}

# xm_roam_flap SECONDS: the MN's link goes down and up on the same router.
xm_roam_flap() {
	local ns
	ns=${XM_PFX}$XM_ROAM_AT
	ip -n "$ns" link set "$XM_MN_PORT" down && sleep "$1" &&
		ip -n "$ns" link set "$XM_MN_PORT" up
}

# xm_radvd_conf IF PREFIX [home]: a radvd configuration for fast movement
# detection (RFC 6275 section 7.5 allows intervals down to 30/70 ms): the
# Advertisement Interval option, short lifetimes; on the home link the
# H bit and a Home Agent Information option.
xm_radvd_conf() {
	local dev=$1 prefix=$2 home=${3:-}
	printf '%s\n' "interface $dev {" \
		"	AdvSendAdvert on;" \
		"	MinRtrAdvInterval 0.2;" \
		"	MaxRtrAdvInterval 0.5;" \
		"	MinDelayBetweenRAs 0.05;" \
		"	AdvIntervalOpt on;" \
		"	AdvDefaultLifetime 9;"
	[ "$home" = home ] && printf '%s\n' \
		"	AdvHomeAgentFlag on;" \
		"	AdvHomeAgentInfo on;" \
		"	HomeAgentLifetime 9;" \
		"	HomeAgentPreference 0;"
	printf '%s\n' "	prefix $prefix {" \
		"		AdvOnLink on;" \
		"		AdvAutonomous on;" \
		"		AdvValidLifetime 60;" \
		"		AdvPreferredLifetime 30;" \
		"	};" \
		"};"
}

# xm_radvd_start ROLE IF PREFIX [home]: radvd in the role's namespace, its
# PID recorded (killed by xm_cleanup, or by xm_radvd_stop).
xm_radvd_start() {
	local role=$1 conf=$XM_TMP/radvd-$1.conf pid=$XM_TMP/radvd-$1.pid
	xm_radvd_conf "$2" "$3" "${4:-}" >"$conf" && chmod 600 "$conf" || return 1
	rm -f "$pid"
	ip netns exec "${XM_PFX}$role" radvd -n -C "$conf" -p "$pid" -m logfile \
		-l "$XM_TMP/radvd-$role.log" </dev/null >/dev/null 2>&1 &
	XM_PIDS+=("$!")
	XM_RADVD_PIDS+=("$role:$!")
	xm_retry 50 0.1 test -s "$pid"
}

# xm_radvd_stop ROLE: stop the role's radvd (it sends a last RA, lifetime 0).
xm_radvd_stop() {
	local e
	for e in "${XM_RADVD_PIDS[@]}"; do
		[ "${e%%:*}" = "$1" ] || continue
		kill -TERM "${e#*:}" 2>/dev/null
		xm_reap "${e#*:}" 3
	done
}

# xm_xdp_pass_obj: path of the compiled XDP program that returns XDP_PASS.
xm_xdp_pass_obj() {
	local obj=$XM_BUILD/xdp_pass.bpf.o
	[ -s "$obj" ] || { echo "topology: $obj missing (run make)" >&2; return 1; }
	echo "$obj"
}

# xm_peer_napi ROLE IF: GRO and an XDP_PASS program on IF, the veth peer of
# a device where xmip6 runs XDP.
xm_peer_napi() {
	local obj
	obj=$(xm_xdp_pass_obj) || return 1
	xm_exec "$1" ethtool -K "$2" gro on >/dev/null &&
		ip -n "${XM_PFX}$1" link set dev "$2" xdpdrv obj "$obj" sec xdp
}

# Wait (bounded) until every link has carrier and left tentative state.
xm_wait_links_up() {
	local r
	for r in $XM_ROLES; do
		xm_retry 50 0.1 xm_ns_ready "$r" || {
			xm_log "namespace $r not ready"
			return 1
		}
	done
}

xm_ns_ready() {
	local out
	out=$(ip -n "${XM_PFX}$1" -6 addr show tentative 2>/dev/null) || return 1
	[ -z "$out" ] || return 1
	! ip -n "${XM_PFX}$1" link show | grep -q 'state DOWN'
}

# xm_attach_ha / xm_attach_mn: attach xmip6 in its role.
xm_attach_ha() { xm_ctl ha attach "$XM_HA_IF" role ha address "$XM_HA_ADDR"; }
xm_attach_mn() { xm_ctl mn attach "$XM_MN_IF" role mn home-agent "$XM_HA_ADDR"; }

# xm_bind_static: the static binding HoA -> CoA on both ends.
xm_bind_static() {
	xm_ctl ha binding add "$XM_HOA" "$XM_COA" &&
		xm_ctl mn binding add "$XM_HOA" "$XM_COA"
}

# xm_stat ROLE NAME...: print the sum of the named counters of a role's
# instance, read from `xmip6ctl -j stats show`.
xm_stat() {
	local role=$1 json
	shift
	json=$(xm_ctl "$role" -j stats show) || return 1
	XM_JSON=$json "$XM_PYTHON" - "$@" <<'EOF'
import json, os, sys

def find(node, name):
    """Value of counter `name` anywhere in the document."""
    if isinstance(node, dict):
        if node.get("name") == name:
            for k in ("value", "count", "total", "packets"):
                if isinstance(node.get(k), int):
                    return node[k]
        v = node.get(name)
        if isinstance(v, int) and not isinstance(v, bool):
            return v
        if isinstance(v, dict):
            for k in ("value", "count", "total", "packets"):
                if isinstance(v.get(k), int):
                    return v[k]
        for v in node.values():
            r = find(v, name)
            if r is not None:
                return r
    elif isinstance(node, list):
        for v in node:
            r = find(v, name)
            if r is not None:
                return r
    return None

doc = json.loads(os.environ["XM_JSON"])
total = 0
for name in sys.argv[1:]:
    v = find(doc, name)
    if v is None:
        sys.exit("counter %s not in stats JSON" % name)
    total += v
print(total)
EOF
}

# xm_cleanup: stop our processes, unload xmip6, delete our namespaces.
# Idempotent; installed as the EXIT/INT/TERM trap by xm_init.
xm_cleanup() {
	local pid pin ns role
	[ "$XM_CLEANED" -eq 1 ] && return 0
	XM_CLEANED=1
	# A second Ctrl-C must not cut the cleanup short.
	trap '' INT TERM
	for pid in ${XM_FG_PID:-} "${XM_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	# XMIP6_TIME_SCALE: slowed processes (valgrind) take longer to exit.
	for pid in ${XM_FG_PID:-} "${XM_PIDS[@]}"; do
		xm_reap "$pid" $((2 * ${XMIP6_TIME_SCALE:-1}))
	done
	for role in $XM_ROLES; do
		pin=$(xm_pin "$role")
		[ -e "$pin" ] || continue
		ns=/run/netns/${XM_PFX}$role
		if [ -e "$ns" ] && [ -x "$XM_CTL_BIN" ]; then
			timeout 30 nsenter --net="$ns" "$XM_CTL_BIN" -p "$pin" unload \
				>/dev/null 2>&1
		elif [ -x "$XM_CTL_BIN" ]; then
			timeout 30 "$XM_CTL_BIN" -p "$pin" unload >/dev/null 2>&1
		fi
		# Whatever unload left behind (it failed or was interrupted).
		[ -e "$pin" ] && rm -rf "$pin"
	done
	for ns in "${XM_NETNS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	[ -n "$XM_TMP" ] && [ -d "$XM_TMP" ] && rm -rf "$XM_TMP"
	return 0
}

# xm_capture_start ROLE IF FILE [FILTER...]: tcpdump into FILE and wait
# until it listens. It stops by itself after XM_CAPTURE_COUNT packets (default
# 1000) or 60 s. Sets XM_CAPTURE_PID.
xm_capture_start() {
	local role=$1 dev=$2 file=$3
	shift 3
	xm_bg "$role" timeout 60 tcpdump -n -U --immediate-mode -Z root \
		-c "${XM_CAPTURE_COUNT:-1000}" -s 256 -i "$dev" -w "$file" "$@" \
		2>"$file.log"
	XM_CAPTURE_PID=$XM_LAST_PID
	xm_retry 50 0.1 grep -q 'listening on' "$file.log"
}

# xm_capture_stop [SECONDS]: give the capture started last up to SECONDS
# (default 0) to reach its packet count, then stop it; its file is complete.
xm_capture_stop() {
	xm_wait_pid "$XM_CAPTURE_PID" "${1:-0}" >/dev/null 2>&1
	return 0
}

# xm_capture_while ROLE IF FILE FILTER -- CMD...: capture FILTER on ROLE's
# IF into FILE while CMD runs, until something is captured (3 s at most);
# XM_CAPTURED is the number of packets captured; succeeds when it is not 0.
xm_capture_while() {
	local role=$1 dev=$2 file=$3 filter=()
	shift 3
	while [ "$#" -gt 0 ] && [ "$1" != -- ]; do
		filter+=("$1")
		shift
	done
	shift
	XM_CAPTURED=0
	xm_capture_start "$role" "$dev" "$file" "${filter[@]}" || return 1
	"$@" >/dev/null 2>&1
	xm_retry 30 0.1 xm_pcap_not_empty "$file"
	xm_capture_stop 0
	XM_CAPTURED=$(tcpdump -r "$file" 2>/dev/null | wc -l)
	[ "$XM_CAPTURED" -ge 1 ]
}
xm_pcap_not_empty() { [ "$(tcpdump -r "$1" 2>/dev/null | wc -l)" -ge 1 ]; }

# xm_link_ids ROLE: IDs of the bpf_links pinned by a role's instance.
xm_link_ids() {
	local f
	find "$(xm_pin "$1")" -type f 2>/dev/null | while read -r f; do
		bpftool -j link show pinned "$f" 2>/dev/null |
			"$XM_PYTHON" -I -S -c 'import json,sys; print(json.load(sys.stdin)["id"])' \
				2>/dev/null
	done
}

# xm_ping_ok ROLE COUNT [PING ARGS...] DEST: every one of COUNT echo
# requests answered. Prints ping's output.
xm_ping_ok() {
	local role=$1 count=$2 out tx rx
	shift 2
	out=$(xm_exec "$role" ping -n -c "$count" -i 0.2 -w $((count + 5)) "$@" 2>&1)
	echo "$out"
	tx=$(echo "$out" | sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p')
	rx=$(echo "$out" | sed -n 's/.* \([0-9]*\) received.*/\1/p')
	[ "${tx:-x}" = "$count" ] && [ "${rx:-x}" = "$count" ]
}

# xm_ping_fails ROLE [PING ARGS...] DEST: no echo reply at all.
xm_ping_fails() {
	local role=$1 out
	shift
	out=$(xm_exec "$role" ping -n -c 3 -i 0.2 -w 2 "$@" 2>&1)
	echo "$out"
	echo "$out" | grep -q ' 0 received'
}

# ---- route optimisation helpers (test_ro.sh) ---------------------------------
#
# A correspondent node daemon in the "cn" namespace, and a second, plain
# correspondent ("cn2", no xmip6d: no Mobile IPv6 at all) behind R1:
#
#   R1  cn2    2001:db8:c2::1/64
#   CN2 eth0   2001:db8:c2::2/64   default via R1
XM_CN2_ADDR=2001:db8:c2::2
XM_R1_CN2_ADDR=2001:db8:c2::1
XM_R1_CN2_IF=cn2
XM_CN2_IF=eth0

# xm_write_cn_conf [LOG_LEVEL [CN_SETTINGS]]: $XM_TMP/cn.conf, a correspondent
# node on the CN's interface, control socket $XM_TMP/cn.sock. CN_SETTINGS go
# into the correspondent-node group as they are.
xm_write_cn_conf() {
	local level=${1:-info} extra=${2:-}
	(
		umask 077
		cat >"$XM_TMP/cn.conf" <<EOC
log-level = "$level";
pin-dir = "$(xm_pin cn)";
control-socket = "$XM_TMP/cn.sock";
correspondent-node = {
  interfaces = [ "$XM_CN_IF" ];
  $extra
};
EOC
	)
}

# xm_plain_cn_up [ROLE R1_IF ADDR R1_ADDR]: a plain host ROLE (default cn2)
# linked to R1 (after xm_topo_up): ROLE eth0 ADDR/64 (XM_CN2_ADDR), R1's end
# R1_IF (cn2) R1_ADDR/64 (XM_R1_CN2_ADDR), default via R1. R1 routes to it
# on-link; xm_cleanup removes the namespace like the others.
xm_plain_cn_up() {
	local role=${1:-cn2} r1_if=${2:-$XM_R1_CN2_IF} addr=${3:-$XM_CN2_ADDR}
	local r1_addr=${4:-$XM_R1_CN2_ADDR}
	xm_add_ns "$role" || return 1
	xm_link "$role" "$XM_CN2_IF" r1 "$r1_if" &&
		xm_addr "$role" "$XM_CN2_IF" "$addr/64" &&
		xm_addr r1 "$r1_if" "$r1_addr/64" &&
		ip -n "${XM_PFX}$role" -6 route add default via "$r1_addr" || return 1
	xm_retry 50 0.1 xm_ns_ready "$role"
}

# ---- bench/xmreg's rig: the registration benchmark and its tests ---------
#
#   rmn: xmreg on l0 (AF_PACKET, no IPv6)  ==  rha: h0, xmip6d HA (virtual home network)
#
# l0 has no IPv6, so the BAs (with a type 2 routing header) are seen by
# xmreg's packet socket and by no IPv6 stack; the HA reaches the care-of
# address through a permanent neighbour entry (no ND in the figures).
XM_REG_HA=2001:db8:1::1
XM_REG_COA=2001:db8:c0a::100
XM_REG_BIN=${XMREG:-$XM_BUILD/bench/xmreg}

# xm_mac ROLE IF: the interface's link-layer address.
xm_mac() { ip -n "${XM_PFX}$1" -j link show "$2" | jget "d[0]['address']"; }

xm_reg_rig() {
	xm_add_ns rmn && xm_add_ns rha || return 1
	xm_exec rha sysctl -qw net.ipv6.conf.all.forwarding=1 && xm_link rmn l0 rha h0 &&
		xm_exec rmn sysctl -qw net.ipv6.conf.l0.disable_ipv6=1 &&
		ip -n "${XM_PFX}rha" -6 addr add 2001:db8:c0a::1/64 dev h0 nodad &&
		ip -n "${XM_PFX}rha" -6 addr add "$XM_REG_HA/128" dev lo &&
		ip -n "${XM_PFX}rha" -6 neigh add "$XM_REG_COA" lladdr "$(xm_mac rmn l0)" dev h0 \
			nud permanent &&
		xm_retry 50 0.1 xm_ns_ready rha
}

# xm_maps_kb ROLE: the role's pinned maps' bytes_memlock summed, in KiB
# (the registration benchmarks' map memory).
xm_maps_kb() {
	local f
	for f in "$(xm_pin "$1")"/*; do
		[ -f "$f" ] && bpftool -j map show pinned "$f" 2>/dev/null && echo
	done | "$XM_PYTHON" -c 'import json, sys
print(sum(json.loads(l).get("bytes_memlock", 0) for l in sys.stdin if l.strip()) // 1024)'
}

# xm_reg_conf NODES LOG_LEVEL [HA_SETTING]: on stdout, the configuration of
# the HA of xmreg's NODES mobile nodes (control socket $XM_TMP/rha.sock).
xm_reg_conf() {
	local nodes=$1 level=$2 extra=${3:-}
	cat <<EOC
pin-dir = "$(xm_pin rha)";
control-socket = "$XM_TMP/rha.sock";
log-level = "$level";
home-agent = {
  address = "$XM_REG_HA";
  home-prefix = "2001:db8:100::/64";
  interfaces = [ "h0" ];
  max-bindings = $((nodes + 16));
  $extra
EOC
	"$XM_REG_BIN" conf "$nodes" | sed 's/^/  /'
	echo "};"
}
