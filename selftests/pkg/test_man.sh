#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_man.sh - the man pages in docs/man:
#  - groff -ww -z -man prints no warning, and `man -l` renders each one
#    (man-db's own pipeline: preconv, tbl, groff) without a warning;
#  - xmip6d.conf(5)'s settings lists are what build/selftests/config_doc
#    writes from the schema the parser uses (user/config/schema.c), and that
#    comparison notices a setting left out or a list without its end;
#  - every setting the parser accepts (the keys of `xmip6d --check`'s output
#    for every example in docs/examples) is named in the rendered page.
# No namespace, no BPF.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

CONFIG_DOC=$XM_BUILD/selftests/config_doc
CONF5=docs/man/xmip6d.conf.5
PAGES=(docs/man/xmip6d.8 docs/man/xmip6ctl.8 "$CONF5")

groff_clean() {
	local out
	out=$(groff -ww -z -man "$1" 2>&1)
	echo "$out"
	[ -z "$out" ]
}

man_renders() {
	local err=$XM_TMP/man.err
	MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings=w -l "$1" >"$XM_TMP/man.txt" 2>"$err" || return 1
	cat "$err"
	head -n 5 "$XM_TMP/man.txt"
	[ ! -s "$err" ] && [ "$(wc -l <"$XM_TMP/man.txt")" -gt 20 ]
}

lists_are_schema() {
	"$CONFIG_DOC" "$CONF5" >"$XM_TMP/conf.5" && diff "$CONF5" "$XM_TMP/conf.5"
}

# A setting removed from its list comes back; a list cut short is refused.
generator_notices() {
	awk '/^\\fBdad\\fR$/ { skip = 3; getline; next } skip { skip--; next } { print }' \
		"$CONF5" >"$XM_TMP/nodad.5"
	! cmp -s "$CONF5" "$XM_TMP/nodad.5" || return 1
	"$CONFIG_DOC" "$XM_TMP/nodad.5" | grep -qx '\\fBdad\\fR' || return 1
	grep -v '^\.\\" end schema$' "$CONF5" >"$XM_TMP/noend.5"
	! "$CONFIG_DOC" "$XM_TMP/noend.5" >/dev/null
}

# Every "name =" that --check prints for the examples is in the page. The
# examples are copied mode 0600 (git checks them out world-readable, and
# xmip6d refuses keys others may read).
names_every_setting() {
	local f name missing=0
	MANWIDTH=200 LC_ALL=C.UTF-8 man -l "$CONF5" >"$XM_TMP/conf.txt" 2>/dev/null || return 1
	rm -rf "$XM_TMP/ex" && mkdir -m 0700 "$XM_TMP/ex" && cp docs/examples/* "$XM_TMP/ex/" &&
		chmod 0600 "$XM_TMP/ex/"* || return 1
	: >"$XM_TMP/check.txt"
	for f in "$XM_TMP"/ex/*.conf; do
		"$XM_BUILD/xmip6d" -c "$f" --check >>"$XM_TMP/check.txt" || return 1
	done
	sed -n 's/^[[:space:]]*\([a-z][a-z0-9-]*\) = .*/\1/p' "$XM_TMP/check.txt" |
		sort -u >"$XM_TMP/names"
	while read -r name; do
		grep -qE "^ {7}$name( |$)" "$XM_TMP/conf.txt" || {
			echo "not in the page: $name"
			missing=1
		}
	done <"$XM_TMP/names"
	echo "$(wc -l <"$XM_TMP/names") settings checked"
	[ "$missing" = 0 ] && [ "$(wc -l <"$XM_TMP/names")" -ge 30 ]
}

xm_init
command -v groff >/dev/null || xm_die "groff missing"
for p in "${PAGES[@]}"; do
	t "$p: groff -ww -z -man is clean" groff_clean "$p"
	t "$p: man -l renders it without a warning" man_renders "$p"
done
t "$CONF5: the settings lists are the schema's (config_doc -i $CONF5)" lists_are_schema
t "config_doc puts back a setting left out, refuses a list without its end" generator_notices
t "$CONF5 names every setting --check prints for docs/examples" names_every_setting
finish
