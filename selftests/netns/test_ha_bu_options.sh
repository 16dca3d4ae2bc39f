#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_ha_bu_options.sh - two mobility options in a home registration, as
# an independent mobile node sends them (mip6_peer.py: Scapy, the MH
# checksum and the RFC 4285 authenticators computed there, never by xmip6):
#
#   * Alternate Care-of Address (RFC 6275 section 6.2.5): a BU from CoA A
#     carrying Alternate CoA B. The BU's authenticator covers B, the binding
#     holds B, and the BA's MN-HA authenticator must be computed over the
#     same care-of address, B (RFC 4285 section 5: First(96, HMAC_SHA1(key,
#     CoA | HoA | MH data))); the peer recomputes it over B and over A and
#     says which one the BA's bytes match. That the binding holds B is read
#     from the pinned map and seen on the wire: traffic for the home address
#     arrives tunnelled to B (tcpdump).
#   * Nonce Indices with H set (RFC 6275 section 9.5.1): the BU MUST be
#     silently discarded. No answer on the wire (tcpdump at the CN and the
#     peer's own sniffer), no binding in the pinned map, no proxy entry in
#     the kernel's table; a bound node's deregistration carrying the option
#     leaves its binding alone.
#
#   CN (peer MN: XM_HOA, CoA A and B) --- R1 --- brhome --- HA
#
# TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
XM_TOPO=daemon
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

KEY=0f1e2d3c4b5a69788796a5b4c3d2e1f0 # the rig's one mobile node, XM_HOA, SPI 256
ALT_COA=2001:db8:c::77               # B: a second address of the CN namespace

# peer ARGS...: one BU for XM_HOA from A (the CN's address); the answer JSON.
peer() {
	ip netns exec "$(xm_ns cn)" "$XM_PYTHON" selftests/peers/mip6_peer.py bu --coa "$XM_CN_ADDR" \
		--ha "$XM_HA_ADDR" --hoa "$XM_HOA" --spi 256 --key "$KEY" --wait 5 "$@"
}

# answer_is FILE EXPR: the peer's answer saved in FILE satisfies EXPR (Python, a = answer).
answer_is() {
	cat "$XM_TMP/$1"
	jget "(lambda a: bool(a and ($2)))(d['answer'])" <"$XM_TMP/$1" | grep -qx True
}

# The care-of address the pinned map holds for XM_HOA (empty when unbound).
map_coa_is() {
	local got
	got=$(xm_ctl ha -j binding show |
		jget "' '.join(b['care_of_addr'] for b in d['bindings'] if b['home_addr']=='$XM_HOA')") &&
		echo "binding of $XM_HOA: '$got'" && [ "$got" = "$1" ]
}
proxy_has() { ip -n "$(xm_ns ha)" -6 neigh show proxy | grep -q "^$XM_HOA "; }
unbound() { map_coa_is "" && ! proxy_has; }

hstat() { xm_dctl ha -j stats show | jget "d['drops'].get('$1')"; }

# -- Alternate Care-of Address -------------------------------------------------

# B must be an address of the CN namespace for the tunnelled packets to land.
add_alt_coa() { xm_addr cn "$XM_CN_IF" "$ALT_COA/64"; }

alt_coa_bu() {
	peer --seq 2 --alt-coa "$ALT_COA" >"$XM_TMP/alt.json" || return 1
	answer_is alt.json "a['mh_type']==6 and a['status']==0 and a['checksum_ok'] and \
a['dst']=='$XM_CN_ADDR' and a['rt2']=='$XM_HOA'"
}

# Pings to the home address (bounded: 3 echo requests) leave the HA
# IPv6-in-IPv6 to B: the outer header seen at the CN.
tunnelled_to_b() {
	xm_capture_while cn "$XM_CN_IF" "$XM_TMP/tunnel.pcap" ip6 and dst host "$ALT_COA" \
		and ip6[6] == 41 -- xm_exec cn ping -6 -c 3 -i 0.3 -W 1 "$XM_HOA"
	local rc=$?
	echo "tunnelled packets HA -> $ALT_COA: $XM_CAPTURED"
	return "$rc"
}

plain_bu() {
	peer --seq 3 >"$XM_TMP/plain.json" || return 1
	answer_is plain.json "a['status']==0 and a['auth_ok'] and a['auth_coa']=='coa'" &&
		map_coa_is "$XM_CN_ADDR"
}

# -- Nonce Indices with H set --------------------------------------------------

# silent PEER-ARGS...: a BU with Nonce Indices draws nothing: not at the
# peer (2 s), not on the CN's link (tcpdump: nothing from the HA to A); the
# drop counter moves by one.
silent() {
	local pcap=$XM_TMP/silent.pcap before after n
	before=$(hstat home_nonce_indices)
	xm_capture_start cn "$XM_CN_IF" "$pcap" ip6 and src host "$XM_HA_ADDR" and \
		dst host "$XM_CN_ADDR" || return 1
	peer --nonce-indices 3,4 --wait 2 "$@" >"$XM_TMP/ni.json" || return 1
	xm_capture_stop 0
	cat "$XM_TMP/ni.json"
	jget "d['answer']" <"$XM_TMP/ni.json" | grep -qx None || return 1
	n=$(tcpdump -r "$pcap" 2>/dev/null | wc -l)
	echo "packets HA -> A on the wire: $n"
	[ "$n" = 0 ] || return 1
	after=$(hstat home_nonce_indices)
	echo "home_nonce_indices: ${before:-none} -> ${after:-none}"
	[ "$after" = $((${before:-0} + 1)) ]
}

deregisters() {
	peer --seq 4 --lifetime 0 >"$XM_TMP/dereg.json" || return 1
	answer_is dereg.json "a['status']==0 and a['auth_ok']" && xm_retry 20 0.1 unbound
}

main() {
	xm_init
	[ -x "$XM_D_BIN" ] || { echo "1..0 # SKIP $XM_D_BIN not built"; exit 0; }
	t_fatal "topology (daemon variant) comes up" xm_topo_up
	t_fatal "the CN namespace also holds care-of address B" add_alt_coa
	xm_write_confs "$KEY"
	t_fatal "HA daemon starts" xm_start_daemon ha HA_PID

	# RFC 6275 section 9.5.1.
	t "home BU with Nonce Indices: no BA on the wire, counted" silent --seq 1
	t "... no binding in the pinned map, no proxy entry" unbound

	# RFC 6275 section 6.2.5, RFC 4285 section 5.
	t "BU from A with Alternate CoA B: BA 0 to A via a type 2 routing header, checksum right" \
		alt_coa_bu
	t "... its MN-HA authenticator verifies over B, as the BU's did" \
		answer_is alt.json "a['auth_ok'] and a['auth_coa']=='alt-coa'"
	t "... the pinned map's binding holds B" map_coa_is "$ALT_COA"
	t "... traffic for the home address arrives tunnelled to B" tunnelled_to_b
	t "BU from A without the option: BA authenticator over A, binding holds A" plain_bu

	t "deregistration with Nonce Indices: no BA on the wire, counted" silent --seq 4 --lifetime 0
	t "... the binding is kept" map_coa_is "$XM_CN_ADDR"
	t "the same deregistration without the option: BA 0, binding and proxy entry gone" \
		deregisters
	finish
}

[ "${BASH_SOURCE[0]}" = "$0" ] && main
