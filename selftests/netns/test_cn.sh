#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_cn.sh - xmip6d as a correspondent node (RFC 6275 sections 5.2, 9.3-9.6):
#
#   MN eth0 (care-of 2001:db8:20::100/64, home 2001:db8:1::100/128)
#    |
#   CN eth0 2001:db8:c::2/64, xmip6d -c cn.conf
#
# The mobile node is rr_peer.py, an independent Scapy/hmac implementation:
# it runs return routability, builds the Binding Updates (Kbm, Binding
# Authorization Data, checksum computed there) and checks every answer,
# the Binding Acknowledgement's own authenticator included. Nonce expiry,
# Binding Refresh Requests and binding expiry (second-scale nonces and
# lifetimes) are test_cn_nonce_expiry.sh, on a rig of their own, side by
# side with this file. TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=selftests/lib/cn_rig.sh
. selftests/lib/cn_rig.sh # and scripts/topology.sh, selftests/lib/tap.sh

cn_rig_up
cn_conf_a
t_fatal "xmip6d -c starts as a correspondent node" start_cn a

t "HoTI -> HoT to the home address, CoTI -> CoT to the care-of address (cookies, tshark)" \
	rr_ok
t "BU: BA 0, sequence, lifetime, checksum, its BAD verified, RH2 with the home address" \
	ba_is "d['answer']['status'] == 0 and d['answer']['seq'] == 10 and \
d['answer']['lifetime_units'] == 100 and d['answer']['bad_ok'] and d['answer']['bad_last'] and \
d['answer']['checksum_ok'] and d['answer']['dst'] == '$COA' and d['answer']['rt2'] == '$HOA' and \
d['answer']['rt2_segleft'] == 1" --seq 10 --lifetime 400
t "the binding in binding show (daemon)" binding_is \
	"b['care_of_addr'] == '$COA' and b['sequence'] == 10 and b['lifetime'] == 400 and \
'H' not in b['flags'] and b['state'] == 'registered'"
t "the binding in binding show -p (the maps)" binding_in_maps
t "lifetime 1000 s requested: 420 s granted (105 units)" \
	ba_is "d['answer']['status'] == 0 and d['answer']['lifetime_units'] == 105 and \
d['answer']['bad_ok']" --seq 11 --lifetime 1000
t "A clear: no BA, binding written" no_ba --seq 12 --lifetime 200 --flags ""
t "... the binding has sequence 12, lifetime 200" binding_is \
	"b['sequence'] == 12 and b['lifetime'] == 200"
t "forged authenticator: no BA" no_ba --seq 13 --forge
t "... binding unchanged" binding_is "b['sequence'] == 12 and b['lifetime'] == 200"
t "no Nonce Indices: no BA" no_ba --seq 13 --no-ni
t "no Binding Authorization Data: no BA" no_ba --seq 13 --no-bad
t "Binding Authorization Data not last: no BA" no_ba --seq 13 --bad-not-last
t "... counted as rr_unauthorized" unauthorized_counted
t "... binding still unchanged" binding_is "b['sequence'] == 12"
t "unknown home nonce index: 136 (A clear)" unknown_index 136
t "unknown care-of nonce index: 137 (A clear)" unknown_index 137
t "both unknown: 138 (A clear)" unknown_index 138
t "replayed sequence: 135 with the last accepted one" \
	ba_is "d['answer']['status'] == 135 and d['answer']['seq'] == 12" --seq 12
t "older sequence, A clear: 135 with the last accepted one" \
	ba_is "d['answer']['status'] == 135 and d['answer']['seq'] == 12" --seq 5 --flags ""
t "H set: 131" ba_is "d['answer']['status'] == 131 and d['answer']['seq'] == 14" \
	--seq 14 --flags AH
t "unknown MH type: Binding Error status 2" be_unknown_type
t "deregistration from home with the home token alone: BA 0 to the home address" \
	ba_is "d['answer']['status'] == 0 and d['answer']['seq'] == 20 and \
d['answer']['dst'] == '$HOA' and 'rt2' not in d['answer'] and d['answer']['bad_ok'] and \
d['answer']['lifetime_units'] == 0" --seq 20 --lifetime 0 --from-home --coa-index 9
t "... binding gone" no_binding
t "data with a HAO and no binding: Binding Error 1 to the care-of address" be_unbound
t "a burst of 50: Binding Errors rate-limited" be_burst
t "registration again" ba_is "d['answer']['status'] == 0" --seq 21
t "ping from the CN to the home address leaves with an RH2 to the care-of address" ping_rt2
t "echo with a HAO from the care-of address reaches the CN's stack (reply via RH2)" \
	echo_with_hao
t "binding del through the daemon" binding_del
t "binding flush through the daemon" binding_flush
t "no keygen token in the log" no_secrets_logged

finish
