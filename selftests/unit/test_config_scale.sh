#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_config_scale.sh - a home agent configuration with 100,000 mobile
# nodes (issue 18), generated here by selftests/tools/gen_ha_config.py:
#   - it loads (build/selftests/config_tool: config_load() and
#     config_find_mn()), and randomly chosen nodes have the SPI, key and
#     line the generator's own formulas give, recomputed here in Python;
#   - an address that is not listed is found nowhere;
#   - a duplicate home address or SPI is still refused, at the later
#     entry's FILE:LINE, naming the earlier entry and its line (found here
#     with grep, not by the loader);
#   - all entries on one line, SPIs beyond 2^31 with the L suffix, load;
#     one without it is named, the right entry of the line;
#   - 10,000 keys from one file each load, each from its own file.
# No timing is asserted here: the curve is selftests/tools/config_curve.sh
# (docs/benchmarks.md, "Config load"). Needs no root.
set -u
cd "$(dirname "$0")/../.." || exit 1

TOOL=${XMIP6_BUILD:-$PWD/build}/selftests/config_tool
GEN=selftests/tools/gen_ha_config.py
PY=${PYTHON:-/usr/bin/python3}
XM_VERBOSE=${XM_VERBOSE:-0}
N=100000

# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

if [ ! -x "$TOOL" ]; then
	echo "ok 1 # SKIP $TOOL missing (make first)"
	echo "1..1"
	exit 0
fi
XM_TMP=$(mktemp -d "${TMPDIR:-/tmp}/xmip6-test-config-scale.$$.XXXXXX") || exit 1
trap 'rm -rf "$XM_TMP"' EXIT
trap 'exit 1' INT TERM
CONF=$XM_TMP/ha.conf

# expect_nodes CONF I...: config_tool's answer for node I is what the
# generator's formulas give (home address, SPI, key; line from grep).
expect_nodes() {
	local conf=$1 i args=() got want line
	shift
	for i in "$@"; do
		args+=("$("$PY" -c "import sys; sys.path.insert(0, 'selftests/tools'); \
import gen_ha_config as g; print(g.home_address($i))")")
	done
	got=$(timeout 120 "$TOOL" "$conf" "${args[@]}") || return 1
	for i in "$@"; do
		want=$("$PY" -c "import sys; sys.path.insert(0, 'selftests/tools'); \
import gen_ha_config as g; print(g.home_address($i), 'spi=%d' % g.spi($i, $BIG), \
g.expected_key($i))")
		# shellcheck disable=SC2086 # three words
		set -- $want
		line=$(grep -n -F "\"$1\";" "$conf" | cut -d: -f1)
		echo "node $i: want $want line $line"
		echo "$got" | grep -qx -- "$1 $2 key-file=[^ ]* line=$line key=$3" || {
			echo "got: $(echo "$got" | grep -F -- "$1 ")"
			return 1
		}
	done
}

generate() {
	timeout 300 "$PY" "$GEN" "$N" "$CONF" "$@"
}

loads_with_nodes() {
	BIG=False
	expect_nodes "$CONF" 0 1 "$((N / 2))" "$((RANDOM * 3 % N))" "$((RANDOM % N))" "$((N - 1))"
}

stranger_not_found() {
	timeout 120 "$TOOL" "$CONF" 2001:db8:1::ff:ffff 2001:db8:2::1 | tee /dev/stderr |
		grep -c " none$" | grep -qx 2
}

# refused_with PATTERN: config_tool refuses $CONF with a message matching PATTERN.
refused_with() {
	local err
	if timeout 120 "$TOOL" "$CONF" >/dev/null 2>"$XM_TMP/err"; then
		echo "loaded"
		return 1
	fi
	err=$(cat "$XM_TMP/err")
	echo "got:  $err"
	echo "want: $1"
	[[ $err =~ ^$1$ ]]
}

# A copy of entry I's home address (or SPI) into entry J (J > I).
duplicate_hoa() {
	local i=$1 j=$2 hi hj li lj
	generate || return 1
	hi=$("$PY" -c "import sys; sys.path.insert(0, 'selftests/tools'); \
import gen_ha_config as g; print(g.home_address($i))")
	hj=$("$PY" -c "import sys; sys.path.insert(0, 'selftests/tools'); \
import gen_ha_config as g; print(g.home_address($j))")
	li=$(grep -n -F "\"$hi\";" "$CONF" | cut -d: -f1)
	lj=$(grep -n -F "\"$hj\";" "$CONF" | cut -d: -f1)
	sed -i "${lj}s/\"$hj\"/\"$hi\"/" "$CONF"
	refused_with "${CONF//./\\.}:$lj: home-agent\.mobile-nodes\[$j\]\.home-address: duplicate: $hi is also mobile-nodes\[$i\] \(line $li\)"
}

duplicate_spi() {
	local i=$1 j=$2 li lj
	generate || return 1
	li=$(grep -n -F "spi = $((256 + i));" "$CONF" | cut -d: -f1)
	lj=$(grep -n -F "spi = $((256 + j));" "$CONF" | cut -d: -f1)
	sed -i "${lj}s/spi = $((256 + j));/spi = $((256 + i));/" "$CONF"
	refused_with "${CONF//./\\.}:$lj: home-agent\.mobile-nodes\[$j\]\.spi: duplicate: SPI $((256 + i)) is also used by mobile-nodes\[$i\] \(line $li\)"
}

one_line_big_spis() {
	generate --one-line --big-spi || return 1
	[ "$(wc -l <"$CONF")" -lt 10 ] || return 1
	BIG=True
	expect_nodes "$CONF" 0 "$((RANDOM % N))" "$((N - 1))"
}

# Entry K of the one line loses its L: that entry is named, no other.
one_line_wrapped() {
	local k=$1 s
	s=$((3000000000 + k))
	sed -i "s/spi = ${s}L;/spi = $s;/" "$CONF"
	refused_with "${CONF//./\\.}:[0-9]+: home-agent\.mobile-nodes\[$k\]\.spi: $s does not fit in 32 bits \(libconfig reads it as -?[0-9]+\); write ${s}L for a 64-bit integer"
}

key_files() {
	local n=10000 got want i
	rm -rf "$XM_TMP/keys"
	timeout 300 "$PY" "$GEN" "$n" "$CONF" --keys files || return 1
	[ "$(find "$XM_TMP/keys" -name 'mn*.key' | wc -l)" -eq "$n" ] || return 1
	for i in 0 "$((RANDOM % n))" "$((n - 1))"; do
		want=$("$PY" -c "import sys; sys.path.insert(0, 'selftests/tools'); \
import gen_ha_config as g; print(g.home_address($i), 'spi=%d' % g.spi($i), g.expected_key($i))")
		# shellcheck disable=SC2086 # three words
		set -- $want
		got=$(timeout 120 "$TOOL" "$CONF" "$1") || return 1
		echo "want $want key-file $XM_TMP/keys/mn$i.key; got $got"
		[[ $got == "$1 $2 key-file=$XM_TMP/keys/mn$i.key line="*" key=$3" ]] || return 1
	done
}

t_fatal "$N nodes generated" generate
t "$N nodes load: first, last and random nodes have their SPI, key and line" loads_with_nodes
t "an unlisted home address is found nowhere" stranger_not_found
a=$((RANDOM % (N / 2)))
b=$((N / 2 + RANDOM % (N / 2)))
t "duplicate home address (entries $a and $b): refused at $b's line, naming $a's" \
	duplicate_hoa "$a" "$b"
t "duplicate SPI (entries $a and $b): refused at $b's line, naming $a's" duplicate_spi "$a" "$b"
t "$N nodes on one line, SPIs beyond 2^31 with L: load" one_line_big_spis
t "... one SPI without L: that entry is named" one_line_wrapped "$((1 + RANDOM % (N - 2)))"
t "10000 keys from one file each" key_files
finish
