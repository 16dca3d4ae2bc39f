#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_cn_nonce_expiry.sh - xmip6d as a correspondent node with second-scale
# nonces and lifetimes (RFC 6275 sections 5.2, 9.5, 9.6): expired
# nonce indices (136, 137, 138), max-bindings (130), one Binding Refresh
# Request before a binding expires, the expiry itself. The rig and the
# independent mobile node (rr_peer.py) are test_cn.sh's
# (selftests/lib/cn_rig.sh); the two files run side by side. TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=selftests/lib/cn_rig.sh
. selftests/lib/cn_rig.sh # and scripts/topology.sh, selftests/lib/tap.sh

cn_rig_up
cn_conf_b
t_fatal "xmip6d -c starts: 1 s nonces living 6 s, 12 s lifetimes, max-bindings 1" start_cn b
t "fresh tokens" rr_t0
t "tokens 7 s old" sleep 7
t "... both nonces expired: 138" aged_ba_is none "d['answer']['status'] == 138" --seq 50
t "home token 7 s old, care-of fresh: 136" \
	aged_ba_is care_of "d['answer']['status'] == 136" --seq 51
t "care-of token 7 s old, home fresh: 137" \
	aged_ba_is home "d['answer']['status'] == 137" --seq 52
t "fresh tokens again, a 12 s registration" reg_12s
t "a second home address beyond max-bindings 1: 130, with its BAD" second_hoa_130
t "one Binding Refresh Request before expiry, RH2 to the care-of address" brr_once
t "the binding expires" xm_retry 60 0.1 no_binding
t "fresh tokens, a binding" ba_again

finish
