#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_cluster_nemo.sh - a mobile router (NEMO, RFC 3963) registered
# through the cluster's store (docs/cluster.md, docs/nemo.md): its R flag,
# mode and prefixes travel in the stored value, and every home agent
# forwards its networks. The rig is selftests/lib/cluster_rig.sh (3-member
# etcd with TLS, three home agents); the router is a Scapy peer
# (mip6_peer.py --flags AHR --mnp). Read with etcdctl, each home agent's
# pinned "prefixes" map (bpftool, raw bytes decoded here) and Scapy on the
# captured wire: never the daemon's word.
#
#   * the router registers 2 prefixes at ha1: etcd holds R, "explicit" and
#     both prefixes; ha1's and ha2's prefixes maps hold them for its home
#     address; ha3, whose configuration authorises only the first, keeps
#     the binding without prefixes and says why (logged);
#   * the correspondent's packets to a host in each prefix, routed to ha2,
#     arrive IPv6-in-IPv6 from ha2 at the router's care-of address;
#   * deregistration at ha1 removes them on ha2; a short lease's expiry
#     removes them everywhere; a re-registration without R at ha2 (a host's
#     binding now) drops them at ha1.
#
# TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=selftests/lib/cluster_rig.sh
. selftests/lib/cluster_rig.sh

MR=$CL_HOA1 # SPI 257 (cl_bu)
MNP_A=2001:db8:100::/56
MNP_B=2001:db8:200::/56
HOST_A=2001:db8:100::5
HOST_B=2001:db8:200::7

# The rig's home agents, with the router among their mobile nodes: ha1 and
# ha2 authorise both prefixes, ha3 the first only.
nemo_body() {
	local p="\"$MNP_A\", \"$MNP_B\""
	[ "$NEMO_HA" = ha3 ] && p="\"$MNP_A\""
	echo "  timestamp-window = 30;"
	cl_cluster_group home
	cat <<EOC
  mobile-nodes = (
    { home-address = "$MR"; spi = 257; key = "$CL_KEY"; mobile-router = true;
      prefixes = [ $p ]; },
    { home-address = "$CL_HOA2"; spi = 258; key = "$CL_KEY"; }
  );
EOC
}
# shellcheck disable=SC2329 # called by cl_start_ha
cl_conf() {
	NEMO_HA=$1
	cl_conf_write "$1" debug "$CL_HOME" '[ "eth0" ];' nemo_body
}

cl_begin "xmcn$$-"

# The router's networks are routed to ha2, as its home prefix is.
routes() {
	ip -n "$(xm_ns r)" -6 route add "$MNP_A" via 2001:db8:a2::2 &&
		ip -n "$(xm_ns r)" -6 route add "$MNP_B" via 2001:db8:a2::2
}
t_fatal "the router's prefixes routed to ha2" routes

SEQ=10
# mr_bu WANT HA [ARGS...]: the router's next BU (seq SEQ+1) to HA; BA WANT.
mr_bu() {
	local want=$1 ha=$2
	shift 2
	SEQ=$((SEQ + 1))
	cl_bu_ok "$want" "$ha" "$MR" "$SEQ" "$@"
}

# prefixes_of HA: HA's pinned "prefixes" map as bpftool dumps it, decoded
# from the raw bytes (headers/xmip6.h: key __u32 prefixlen, in6_addr;
# value in6_addr home_addr first): "PREFIX/LEN=HOA" words, sorted.
prefixes_of() {
	bpftool -j map dump pinned "$(xm_pin "$1")/prefixes" | "$XM_PYTHON" -c '
import json, socket, struct, sys
def raw(v): return bytes(int(x, 16) for x in v)
out = []
for e in json.load(sys.stdin):
    k, v = raw(e["key"]), raw(e["value"])
    out.append("%s/%d=%s" % (socket.inet_ntop(socket.AF_INET6, k[4:20]),
                             struct.unpack("<I", k[:4])[0],
                             socket.inet_ntop(socket.AF_INET6, v[:16])))
print(" ".join(sorted(out)) or "none")'
}
prefixes_are() { cl_expect "$2" "$1's prefixes map" prefixes_of "$1"; }
BOTH="$MNP_A=$MR $MNP_B=$MR"

stored_is() { cl_expect "$2" "etcd: $MR: $1" cl_get "$MR" "$1"; }

# tunnelled HOST: the CN's echo requests to HOST (3, bounded) leave ha2
# IPv6-in-IPv6 to the router's care-of address; Scapy reads the capture
# taken at the care-of address: outer ha2 -> CoA, next header 41, inner
# packet from the CN to HOST.
tunnelled() {
	local host=$1 pcap=$XM_TMP/tun-$1.pcap rc
	XM_CAPTURE_COUNT=3 xm_capture_start mn eth0 "$pcap" \
		"ip6 and ip6[6] == 41 and src host $(cl_ha_addr ha2)" || return 1
	xm_exec cn ping -6 -n -c 4 -i 0.3 -W 1 "$host" >/dev/null 2>&1
	xm_retry 30 0.1 pcap_has "$pcap" "$host"
	rc=$?
	xm_capture_stop 0
	return $rc
}
pcap_has() {
	"$XM_PYTHON" - "$1" "$(cl_ha_addr ha2)" "$CL_COA" "$CL_CN" "$2" <<'EOF'
import sys, logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.layers.inet6 import IPv6
from scapy.utils import rdpcap
pcap, ha, coa, cn, dst = sys.argv[1:6]
try:
    pkts = rdpcap(pcap)
except Exception:
    pkts = []
n = sum(1 for p in pkts if IPv6 in p and p[IPv6].nh == 41 and p[IPv6].src == ha and
        p[IPv6].dst == coa and isinstance(p[IPv6].payload, IPv6) and
        p[IPv6].payload.src == cn and p[IPv6].payload.dst == dst)
print("from %s to %s, tunnelled for %s: %d" % (ha, coa, dst, n))
sys.exit(0 if n >= 1 else 1)
EOF
}

# 1. The router registers two prefixes at ha1; the store carries them.
t "the router's BU (R, 2 prefixes) to ha1: BA 0" \
	mr_bu 0 ha1 --flags AHR --mnp "$MNP_A" --mnp "$MNP_B" --lifetime 400
t "etcd: R in flags, explicit mode, both prefixes" stored_is \
	"'%d %s %s' % (v['flags'] & 0x0400, v.get('mode'), ','.join(v.get('prefixes', [])))" \
	"1024 explicit $MNP_A,$MNP_B"
t "ha1's prefixes map holds both" xm_retry 50 0.2 prefixes_are ha1 "$BOTH"
t "ha2's prefixes map holds both (from the store)" xm_retry 50 0.2 prefixes_are ha2 "$BOTH"
t "ha3 follows the binding" xm_retry 50 0.2 cl_map_is ha3 "$MR" "$CL_COA $SEQ"
t "ha3 (authorises $MNP_A only) installs none and logs why" eval \
	'prefixes_are ha3 none && grep -q "mobile router $MR (cluster): its 2 prefix(es) not authorised" "$XM_TMP/ha3.log"'

# 2. ha2 forwards the router's networks to its care-of address.
t "a host in $MNP_A: tunnelled by ha2 to the CoA" tunnelled "$HOST_A"
t "a host in $MNP_B: tunnelled by ha2 to the CoA" tunnelled "$HOST_B"

# 3. Deregistration at ha1: gone on ha2.
t "deregistration at ha1: BA 0" mr_bu 0 ha1 --flags AHR --lifetime 0
t "etcd: the key is gone" stored_is "v" absent
t "ha2's prefixes map: empty" xm_retry 50 0.2 prefixes_are ha2 none
t "ha1's too" xm_retry 50 0.2 prefixes_are ha1 none

# 4. A short lease: its expiry removes them everywhere.
t "an 8 s registration with both prefixes at ha1: BA 0" \
	mr_bu 0 ha1 --flags AHR --mnp "$MNP_A" --mnp "$MNP_B" --lifetime 8
t "ha2 holds both" xm_retry 50 0.2 prefixes_are ha2 "$BOTH"
t "its lease expires: gone from etcd" xm_retry 100 0.2 stored_is "v" absent
t "and from every prefixes map" xm_retry 50 0.2 eval \
	'prefixes_are ha1 none && prefixes_are ha2 none && prefixes_are ha3 none'
t "and from every binding map" xm_retry 50 0.2 cl_all_maps "$MR" absent

# 5. Re-registered without R at ha2: a host's binding, the prefixes gone
# at ha1 too.
t "the router registers both again at ha1: BA 0" \
	mr_bu 0 ha1 --flags AHR --mnp "$MNP_A" --mnp "$MNP_B" --lifetime 400
t "ha1 and ha2 hold both" xm_retry 50 0.2 eval \
	'prefixes_are ha1 "$BOTH" && prefixes_are ha2 "$BOTH"'
t "the same home address without R at ha2: BA 0" mr_bu 0 ha2 --flags AH --lifetime 400
t "etcd: no R, no prefixes" stored_is "'%d %s' % (v['flags'] & 0x0400, 'prefixes' in v)" "0 False"
t "every map follows the host's binding" xm_retry 50 0.2 cl_all_maps "$MR" "$CL_COA $SEQ"
t "ha1's prefixes map: empty" xm_retry 50 0.2 prefixes_are ha1 none
t "ha2's too" xm_retry 50 0.2 prefixes_are ha2 none

finish
