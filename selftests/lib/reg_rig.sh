# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# reg_rig.sh - what every xmreg test shares (bench/xmreg.c drives a home
# agent through scripts/topology.sh's xm_reg_rig): topology.sh and tap.sh
# sourced, the roles whose instances xm_cleanup unloads, and
#
#   reg_rig_begin   TAP header; a skip when xmreg is not built; the rig
#                   (rmn: xmreg on l0 == rha: h0), or the test ends
#
# Sourced from the top of the tree.

# shellcheck source=scripts/topology.sh
. scripts/topology.sh
XM_ROLES="rmn rha"
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

reg_rig_begin() {
	xm_init
	echo "TAP version 13"
	[ -x "$XM_REG_BIN" ] || {
		echo "1..0 # SKIP $XM_REG_BIN not built (make bench builds it)"
		exit 0
	}
	t_fatal "rig: xmreg's link to a home agent" xm_reg_rig
}
