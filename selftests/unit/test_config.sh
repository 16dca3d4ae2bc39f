#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_config.sh - the configuration front end of the daemon:
#   xmip6d -c FILE --check
# must, for a good file, exit 0 and print the effective settings (a config
# that loads again to the same output) and start nothing; for a bad file,
# exit 1 with exactly one line "xmip6d: PATH:LINE: message" on stderr.
# docs/xmip6d.conf.md shows the examples as they are, and settings tables
# that build/selftests/config_doc writes from the schema.
# The parser itself is covered by build/selftests/config_unit.
#
# Needs no root and no namespaces: --check touches no interface (the ones
# named here do not exist), no bpffs and no socket.
set -u
cd "$(dirname "$0")/../.." || exit 1

XMIP6D=${XMIP6_BUILD:-$PWD/build}/xmip6d
CONFIG_DOC=${XMIP6_BUILD:-$PWD/build}/selftests/config_doc
n=0
failures=0

ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}
not_ok() {
	n=$((n + 1))
	failures=$((failures + 1))
	echo "not ok $n - $*"
}
# check DESC CMD...: ok when CMD succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
diag() {
	sed 's/^/# /' "$@"
}

if [ ! -x "$XMIP6D" ]; then
	echo "ok 1 # SKIP $XMIP6D missing (make first)"
	echo "1..1"
	exit 0
fi

umask 077 # the files hold keys: no world-readable warning expected
tmp=$(mktemp -d "${TMPDIR:-/tmp}/xmip6-test-config.$$.XXXXXX") || exit 1
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 1' INT TERM

K16=404142434445464748494a4b4c4d4e4f
IF="xmcfg$$" # no such interface: --check must not need it
IF=${IF:0:15}

# run FILE: xmip6d -c FILE --check, bounded in time; sets rc, out, errf.
run() {
	out=$tmp/out
	errf=$tmp/err
	(cd "${RUN_DIR:-.}" && timeout --kill-after=5 10 "$XMIP6D" -c "$1" --check) \
		>"$out" 2>"$errf"
	rc=$?
}

# good DESC FILE PATTERN...: exit 0, nothing on stderr, every PATTERN
# (fixed string) in stdout, and the output loads again to itself.
good() {
	local desc=$1 file=$2 p missing=""
	shift 2
	run "$file"
	for p in "$@"; do
		grep -qF -- "$p" "$out" || missing="$missing [$p]"
	done
	if [ "$rc" -eq 0 ] && [ ! -s "$errf" ] && [ -z "$missing" ]; then
		ok "$desc: exit 0, settings printed"
	else
		not_ok "$desc: exit 0, settings printed (rc=$rc, missing:$missing)"
		diag "$errf" "$out"
	fi
	cp "$out" "$tmp/printed.conf"
	run "$tmp/printed.conf"
	if [ "$rc" -eq 0 ] && cmp -s "$out" "$tmp/printed.conf"; then
		ok "$desc: the printed settings load again to the same output"
	else
		not_ok "$desc: the printed settings load again to the same output (rc=$rc)"
		diag "$errf"
		diff "$tmp/printed.conf" "$out" | diag
	fi
}

# bad DESC FILE REGEX: exit 1, nothing on stdout, exactly one line on
# stderr, matching ^xmip6d: REGEX$ (extended regex).
bad() {
	local desc=$1 file=$2 re=$3 lines
	run "$file"
	lines=$(wc -l <"$errf")
	if [ "$rc" -eq 1 ] && [ ! -s "$out" ] && [ "$lines" -eq 1 ] &&
		grep -qE "^xmip6d: $re\$" "$errf"; then
		ok "refused: $desc"
	else
		not_ok "refused: $desc (rc=$rc, $lines stderr lines)"
		echo "# want: xmip6d: $re"
		diag "$errf" "$out"
	fi
}

# Regex-quote a path for bad().
req() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'; }

# ---- good files ----

cat >"$tmp/ha.conf" <<EOF
pin-dir = "$tmp/pins";
control-socket = "$tmp/ctl.sock";
home-agent = {
	address = "2001:db8:1::a";
	home-prefix = "2001:db8:1::/64";
	interfaces = [ "$IF" ];
	home-link = "$IF";
	mobile-nodes = ( { home-address = "2001:db8:1::100"; spi = 256; key = "$K16"; } );
};
EOF
good "home agent on a missing interface" "$tmp/ha.conf" "home-agent = {" 'address = "2001:db8:1::a";' \
	"interfaces = [ \"$IF\" ];" "max-lifetime = 3600;" "max-bindings = 65536;" \
	"require-auth = true;" "timestamp-window = 7;" 'log-level = "info";' \
	"spi = 256;" "key-length = 16;" "signal-workers = 1;"
run "$tmp/ha.conf"
check "the key itself is never printed" bash -c "! grep -qi '$K16' '$out'"
check "--check creates neither pin-dir nor control socket" \
	test ! -e "$tmp/pins" -a ! -e "$tmp/ctl.sock"

printf '%s\n' 000102030405060708090a0b0c0d0e0f10111213 >"$tmp/mn.key"
cat >"$tmp/mn.conf" <<EOF
mobile-node = {
	home-address = "2001:db8:1::100";
	home-agent = "2001:db8:1::a";
	interfaces = [ "$IF" ];
	spi = 300;
	key-file = "mn.key";
};
EOF
# From another directory: key-file is relative to the configuration file.
RUN_DIR=/ good "mobile node, relative key-file" "$tmp/mn.conf" "mobile-node = {" \
	"home-prefix-length = 64;" "lifetime = 600;" "initial-timeout-ms = 1500;" \
	"max-timeout = 32;" "key-file = \"$tmp/mn.key\";" "key-length = 20;" "spi = 300;"

cat >"$tmp/cngood.conf" <<EOF
correspondent-node = {
	interfaces = [ "$IF" ];
	max-lifetime = 12;
	nonce-interval = 1;
	nonce-lifetime = 3;
	refresh-before = 6;
};
EOF
good "correspondent node" "$tmp/cngood.conf" "correspondent-node = {" "max-lifetime = 12;" \
	"nonce-interval = 1;" "nonce-lifetime = 3;" "kcn-interval = 3600;" \
	"refresh-request = true;" "refresh-before = 6;" "max-bindings = 65536;"

# A max-lifetime below the default refresh-before (30): the effective
# refresh-before is half of it, and the printed settings load again.
printf 'correspondent-node = {\n\tinterfaces = [ "%s" ];\n\tmax-lifetime = 4;\n};\n' "$IF" \
	>"$tmp/cnshort.conf"
good "correspondent node with max-lifetime 4" "$tmp/cnshort.conf" "max-lifetime = 4;" \
	"refresh-before = 2;"

sed 's|^};$|\troute-optimization = [ "2001:db8:c::/48", "2001:db8:d::1" ];\n\troute-optimization-lifetime = 200;\n};|' \
	"$tmp/mn.conf" >"$tmp/ro.conf"
good "mobile node with a route-optimization list" "$tmp/ro.conf" \
	'route-optimization = [ "2001:db8:c::/48", "2001:db8:d::1" ];' \
	"route-optimization-lifetime = 200;"

# A relative configuration path: key-file still comes out absolute.
RUN_DIR=$tmp run mn.conf
if [ "$rc" -eq 0 ] && grep -qF "key-file = \"$(realpath "$tmp")/mn.key\";" "$out"; then
	ok "relative configuration path: key-file printed as an absolute path"
else
	not_ok "relative configuration path: key-file printed as an absolute path (rc=$rc)"
	diag "$errf" "$out"
fi

# The examples, copied mode 0600 (they hold keys).
for f in ha ha-virtual mn mn-dhaad cn; do
	cp "docs/examples/$f.conf" "$tmp/example-$f.conf"
	good "docs/examples/$f.conf" "$tmp/example-$f.conf" "xdp-mode = "
done

# docs/xmip6d.conf.md shows the same examples: the block after each
# "### ... `docs/examples/NAME`" heading must equal the file.
awk -v dir="$tmp" '
	/^### .*`docs\/examples\/[^`]*`/ { match($0, /docs\/examples\/[^`]*/);
		name = substr($0, RSTART + 14, RLENGTH - 14); next }
	/^```conf$/ && name != "" { out = dir "/doc-" name; printf "" > out; next }
	/^```$/ && out != "" { close(out); out = ""; name = ""; next }
	out != "" { print > out }
' docs/xmip6d.conf.md
for f in ha ha-virtual mn mn-dhaad cn; do
	if [ -s "$tmp/doc-$f.conf" ] && cmp -s "$tmp/doc-$f.conf" "docs/examples/$f.conf"; then
		ok "docs/xmip6d.conf.md shows docs/examples/$f.conf as it is"
	else
		not_ok "docs/xmip6d.conf.md shows docs/examples/$f.conf as it is"
		diff "$tmp/doc-$f.conf" "docs/examples/$f.conf" 2>&1 | diag
	fi
done

# Its settings tables are written from the schema (user/config/schema.c) by
# build/selftests/config_doc: the committed file must be what it writes.
doc=docs/xmip6d.conf.md
if "$CONFIG_DOC" "$doc" >"$tmp/doc.md" 2>"$tmp/doc.err" && cmp -s "$tmp/doc.md" "$doc"; then
	ok "$doc: the settings tables are the schema's"
else
	not_ok "$doc: the settings tables are the schema's (build/selftests/config_doc -i $doc)"
	diag "$tmp/doc.err"
	diff "$doc" "$tmp/doc.md" | diag
fi
# ... which that comparison notices: a setting left out of a table, a table
# left out of the file.
grep -v '^| `dad` |' "$doc" >"$tmp/nodad.md"
if "$CONFIG_DOC" "$tmp/nodad.md" 2>/dev/null | grep -q '^| `dad` |'; then
	ok "config_doc puts back a setting missing from its table"
else
	not_ok "config_doc puts back a setting missing from its table"
fi
grep -v '^<!-- schema: mobile-node -->$' "$doc" >"$tmp/nomn.md"
if ! "$CONFIG_DOC" "$tmp/nomn.md" >/dev/null 2>"$tmp/nomn.err" &&
	grep -qF '"<!-- schema: mobile-node -->"' "$tmp/nomn.err"; then
	ok "config_doc refuses a file without the mobile-node table"
else
	not_ok "config_doc refuses a file without the mobile-node table"
	diag "$tmp/nomn.err"
fi

# Files others may read keys from, or change, are refused with FILE and
# reason (perms.c); allow-insecure-files loads them with one warning.
cp "$tmp/ha.conf" "$tmp/open.conf"
chmod 0644 "$tmp/open.conf"
bad "a world-readable file with keys" "$tmp/open.conf" \
	"$(req "$tmp/open.conf"):8: holds keys and is readable by everyone; refused: .*allow-insecure-files = true"
{ echo "allow-insecure-files = true;"; cat "$tmp/ha.conf"; } >"$tmp/allowed.conf"
chmod 0644 "$tmp/allowed.conf"
run "$tmp/allowed.conf"
if [ "$rc" -eq 0 ] && [ "$(wc -l <"$errf")" -eq 1 ] &&
	grep -qF "xmip6d: $tmp/allowed.conf:9: holds keys and is readable by everyone (allowed by allow-insecure-files)" "$errf"; then
	ok "allow-insecure-files: a world-readable file with keys loads with one warning"
else
	not_ok "allow-insecure-files: a world-readable file with keys loads with one warning (rc=$rc)"
	diag "$errf"
fi
grep -v "mobile-nodes" "$tmp/ha.conf" >"$tmp/nokeys.conf"
chmod 0644 "$tmp/nokeys.conf"
good "a world-readable file without keys" "$tmp/nokeys.conf" "home-agent = {"
chmod 0666 "$tmp/nokeys.conf"
bad "a world-writable file" "$tmp/nokeys.conf" \
	"$(req "$tmp/nokeys.conf"): writable by everyone; refused: .*"
chmod 0600 "$tmp/nokeys.conf"
chown 65534 "$tmp/nokeys.conf"
bad "a file owned by another user" "$tmp/nokeys.conf" \
	"$(req "$tmp/nokeys.conf"): owned by another user than root or the daemon's; refused: .*"
# An @include file holding the keys, world-readable; one world-writable.
grep "mobile-nodes" "$tmp/ha.conf" >"$tmp/keys.inc"
chmod 0644 "$tmp/keys.inc"
grep -v "mobile-nodes" "$tmp/ha.conf" | sed 's|home-link = .*|&\n@include "keys.inc"|' >"$tmp/inc.conf"
bad "keys in a world-readable @include file" "$tmp/inc.conf" \
	"$(req "$(realpath "$tmp")/keys.inc"):1: holds keys and is readable by everyone; refused: .*"
echo "	max-lifetime = 600;" >"$tmp/keys.inc"
chmod 0622 "$tmp/keys.inc"
bad "a world-writable @include file" "$tmp/inc.conf" \
	"$(req "$(realpath "$tmp")/keys.inc"):1: writable by everyone; refused: .*"
# A key file others may read.
cp "$tmp/mn.key" "$tmp/open.key"
chmod 0644 "$tmp/open.key"
sed 's/key-file = "mn.key"/key-file = "open.key"/' "$tmp/mn.conf" >"$tmp/openkey.conf"
bad "a world-readable key-file" "$tmp/openkey.conf" \
	"$(req "$tmp/openkey.conf"):6: key-file: $(req "$(realpath "$tmp")/open.key"): holds keys and is readable by everyone; refused: .*"

# ---- bad files: one line, exit 1 ----

cat >"$tmp/typo.conf" <<EOF
home-agent = {
	address = "2001:db8:1::a";
	home-prefix = "2001:db8:1::/64";
	interfaces = [ "$IF" ];
	max-lifetme = 600;
	require-auth = false;
};
EOF
bad "a typo in a setting name" "$tmp/typo.conf" \
	"$(req "$tmp/typo.conf"):5: home-agent\.max-lifetme: unknown setting; did you mean max-lifetime\?"

printf 'mobile-node = {\n\thome-address "2001:db8:1::100";\n};\n' >"$tmp/syntax.conf"
bad "a syntax error" "$tmp/syntax.conf" "$(req "$tmp/syntax.conf"):2: syntax error"

bad "a missing file" "$tmp/nonexistent.conf" \
	"$(req "$tmp/nonexistent.conf"): No such file or directory"

cat >"$tmp/spi.conf" <<EOF
home-agent = {
	address = "2001:db8:1::a";
	home-prefix = "2001:db8:1::/64";
	interfaces = [ "$IF" ];
	mobile-nodes = (
		{ home-address = "2001:db8:1::100"; spi = 256; key = "$K16"; },
		{ home-address = "2001:db8:1::101"; spi = 256; key = "$K16"; }
	);
};
EOF
bad "a duplicate SPI" "$tmp/spi.conf" \
	"$(req "$tmp/spi.conf"):7: home-agent\.mobile-nodes\[1\]\.spi: duplicate: SPI 256 .*"

cat >"$tmp/shortkey.conf" <<EOF
mobile-node = {
	home-address = "2001:db8:1::100";
	home-agent = "2001:db8:1::a";
	interfaces = [ "$IF" ];
	spi = 256;
	key = "${K16:0:30}";
};
EOF
bad "a 15-octet key" "$tmp/shortkey.conf" \
	"$(req "$tmp/shortkey.conf"):6: mobile-node\.key: 15 octets of hex is too short; .*"
check "the short key is not echoed" bash -c "! grep -q '${K16:0:30}' '$errf'"

sed 's/key-file = "mn.key"/key-file = "absent.key"/' "$tmp/mn.conf" >"$tmp/nokey.conf"
bad "an unreadable key-file" "$tmp/nokey.conf" \
	"$(req "$tmp/nokey.conf"):6: mobile-node\.key-file: $(req "$tmp/absent.key"): No such file or directory"

printf 'correspondent-node = {\n};\n' >"$tmp/cn.conf"
bad "correspondent-node without interfaces" "$tmp/cn.conf" \
	"$(req "$tmp/cn.conf"):1: correspondent-node\.interfaces: missing; required .*"

printf 'correspondent-node = {\n\tinterfaces = [ "%s" ];\n\tmax-lifetime = 600;\n};\n' "$IF" \
	>"$tmp/cnlife.conf"
bad "correspondent-node max-lifetime above MAX_RR_BINDING_LIFETIME" "$tmp/cnlife.conf" \
	"$(req "$tmp/cnlife.conf"):3: correspondent-node\.max-lifetime: 600 is out of range; allowed 4\.\.420 .*"

# signal-workers: 0 (one per CPU) to 64 registration threads, an integer.
sed 's/^\thome-link = .*/\tsignal-workers = 65;/' "$tmp/ha.conf" >"$tmp/workers.conf"
bad "signal-workers above 64" "$tmp/workers.conf" \
	"$(req "$tmp/workers.conf"):7: home-agent\.signal-workers: 65 is out of range; allowed 0\.\.64 .*"
sed 's/^\thome-link = .*/\tsignal-workers = "auto";/' "$tmp/ha.conf" >"$tmp/workers.conf"
bad "signal-workers not an integer" "$tmp/workers.conf" \
	"$(req "$tmp/workers.conf"):7: home-agent\.signal-workers: expected an integer, got a string"

cp "$tmp/mn.conf" "$tmp/cnboth.conf"
printf 'correspondent-node = {\n\tinterfaces = [ "%s" ];\n};\n' "$IF" >>"$tmp/cnboth.conf"
bad "correspondent-node with mobile-node" "$tmp/cnboth.conf" \
	"$(req "$tmp/cnboth.conf"):8: correspondent-node: a file configures one role: .*"

sed 's|^};$|\troute-optimization = [ "2001:db8:c::/48", "2001:db8::1::2" ];\n};|' "$tmp/mn.conf" \
	>"$tmp/robad.conf"
bad "a route-optimization entry that is no address" "$tmp/robad.conf" \
	"$(req "$tmp/robad.conf"):7: mobile-node\.route-optimization\[1\]: .*is not an IPv6 address"

: >"$tmp/empty.conf"
bad "an empty file" "$tmp/empty.conf" \
	"$(req "$tmp/empty.conf"): no home-agent or mobile-node section; one is required"

check "no refused file created pin-dir or control socket" \
	test ! -e "$tmp/pins" -a ! -e "$tmp/ctl.sock"

echo "1..$n"
[ "$failures" -eq 0 ]
