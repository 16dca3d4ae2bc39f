#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# demo-static.sh - the first demo (static bindings, no daemon): xmip6 in
# network namespaces: a correspondent node (CN) reaches a mobile node (MN)
# at its home address while the MN sits in a visited network; the home
# agent (HA) tunnels the traffic in XDP/TC, no kernel MIP6, no ip6_tunnel.
# Everything is removed on exit or Ctrl-C. (`make demo` runs demo.sh, the
# roaming demo.)
#
# Usage: scripts/demo-static.sh     (root; run make first)
set -u
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=scripts/demo_lib.sh
. scripts/demo_lib.sh

# run ROLE CMD...: show the command, then run it in the role's namespace.
run() {
	local role=$1
	shift
	echo "${B}[$role]\$${N} $*"
	xm_exec "$role" "$@" 2>&1 | sed 's/^/    /'
	return "${PIPESTATUS[0]}"
}

# ctl ROLE ARGS...: show and run xmip6ctl in the role's namespace.
ctl() {
	local role=$1
	shift
	echo "${B}[$role]\$${N} xmip6ctl $*"
	xm_ctl "$role" "$@" 2>&1 | sed 's/^/    /'
	return "${PIPESTATUS[0]}"
}

fail() {
	echo "demo failed: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || fail "run as root (namespaces, BPF)"
[ -x "$XM_CTL_BIN" ] || fail "$XM_CTL_BIN missing: run make"
for tool in bpftool clang ethtool socat tcpdump tshark; do
	command -v "$tool" >/dev/null || fail "$tool is not installed"
done
xm_init "xmdemo$$-"

step "Building the network (namespaces ${XM_PFX}*)"
cat <<EOF
   CN $XM_CN_ADDR --- R1 --- R2 --- MN care-of address $XM_COA
                          |
                          HA $XM_HA_ADDR on the home link $XM_HOME_PREFIX
   The MN's home address is $XM_HOA, but the MN is away in the
   visited network $XM_VISIT_PREFIX. The HA answers for the home address on
   the home link (proxy neighbour discovery).
EOF
xm_topo_up || fail "could not build the topology"

step "Without xmip6 the CN cannot reach the home address"
run cn ping -n -c 2 -i 0.2 -w 1 "$XM_HOA"
say "No reply: the HA receives the packets but has nowhere to send them."

step "Attaching xmip6: XDP + TC on the HA's home link, XDP + TC on the MN"
ctl ha attach "$XM_HA_IF" role ha address "$XM_HA_ADDR" || fail "attach on the HA"
ctl mn attach "$XM_MN_IF" role mn home-agent "$XM_HA_ADDR" || fail "attach on the MN"

step "Adding the binding home address -> care-of address on both ends"
say "(static for now; later the MN registers it with a Binding Update)"
ctl ha binding add "$XM_HOA" "$XM_COA" || fail "binding add on the HA"
ctl mn binding add "$XM_HOA" "$XM_COA" || fail "binding add on the MN"
ctl ha binding show

step "Ping through the tunnel, both ways"
say "CN -> home address: the HA encapsulates, the MN decapsulates."
run cn ping -n -c 3 -i 0.2 -w 5 "$XM_HOA" || fail "no reply through the tunnel"
say "home address -> CN: the MN reverse-tunnels to the HA, which decapsulates."
run mn ping -n -c 3 -i 0.2 -w 5 -I "$XM_HOA" "$XM_CN_ADDR" ||
	fail "no reply through the reverse tunnel"

step "A TCP stream from the CN to the home address (4 MiB)"
data=$XM_TMP/data
head -c 4194304 /dev/urandom >"$data"
xm_bg mn timeout 20 socat -u "TCP6-LISTEN:5001,bind=[$XM_HOA],reuseaddr" \
	"CREATE:$XM_TMP/rx"
server=$XM_LAST_PID
xm_retry 50 0.1 sh -c "ip netns exec '$(xm_ns mn)' ss -Hltn 'sport = :5001' | grep -q ." ||
	fail "TCP server did not start"
t0=$(date +%s%N)
xm_exec cn timeout 20 socat -u "OPEN:$data" "TCP6:[$XM_HOA]:5001" ||
	fail "TCP client failed"
xm_wait_pid "$server" 10
t1=$(date +%s%N)
sent=$(sha256sum <"$data" | cut -c1-16)
got=$(sha256sum <"$XM_TMP/rx" | cut -c1-16)
say "sent sha256 $sent..., received $(wc -c <"$XM_TMP/rx") bytes sha256 $got..."
say "$((4194304 * 8 * 1000 / (t1 - t0 + 1))) Mbit/s (veth, one CPU; not a benchmark)"
[ "$sent" = "$got" ] || fail "TCP data differs"

step "What the packets look like between R1 and R2"
say "One ping CN -> home address and its reply, captured on the R1-R2 link:"
cap=$XM_TMP/r1r2.pcap
XM_CAPTURE_COUNT=2 xm_capture_start r1 "$XM_R1_R2_IF" "$cap" ip6 proto 41 ||
	fail "tcpdump did not start"
xm_exec cn ping -n -c 1 -w 2 "$XM_HOA" >/dev/null
xm_capture_stop 3
tshark -r "$cap" 2>/dev/null | sed 's/^/    /'
say "Decoded, the request is one IPv6 header inside another (next header 41):"
tshark -r "$cap" -c 1 -V 2>/dev/null |
	grep -E '^Internet Protocol Version 6|^    (Next Header|Source Address|Destination Address|Payload Length):' |
	sed 's/^/    /'

step "Counters and the binding map"
say "Every verdict of the BPF programs is counted:"
ctl ha stats show
echo "${B}[mn]\$${N} xmip6ctl stats show | awk '\$2 != 0'   (the non-zero ones)"
xm_ctl mn stats show 2>&1 | awk '$2 != 0' | sed 's/^/    /'
say "The binding lives in a pinned BPF map; bpftool reads it with its BTF names:"
echo "${B}[host]\$${N} bpftool map dump pinned $(xm_pin ha)/bindings"
bpftool map dump pinned "$(xm_pin ha)/bindings" 2>&1 | sed 's/^/    /'

step "Deleting the binding on the HA: the tunnel stops"
ctl ha binding del "$XM_HOA"
if run cn ping -n -c 2 -i 0.2 -w 1 "$XM_HOA"; then
	fail "the home address still answers without a binding"
fi
say "No reply: without a binding the HA no longer tunnels to the MN."

step "Done; removing the namespaces and the pinned programs"
xm_cleanup
say "cleaned up."
