#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_install.sh - `make install` and `make uninstall` into a temporary
# DESTDIR, with PREFIX=/usr and the default /usr/local:
#  - exactly the expected files, with their modes: the two binaries 0755,
#    three man pages, the systemd unit naming the installed paths, the bash
#    completion, the example configuration 0600 in /etc/xmip6 (0700), which
#    the installed xmip6d accepts (--check);
#  - the completion, sourced with bash-completion, completes commands and
#    verbs as `xmip6ctl --help` lists them;
#  - uninstall leaves no file behind, yet keeps the operator's own
#    configuration (and so /etc/xmip6).
# No namespace, no BPF: the build's binaries only.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh


# inst PREFIX TARGET: make TARGET into $XM_TMP/root with PREFIX. The binaries
# are the ones built (-o: never remade here): a source edited since the
# build (or only the tree gone dirty: version.h follows git describe) would
# relink them under the daemons of the test files running beside this one.
inst() {
	make -s -o "$XM_BUILD/xmip6d" -o "$XM_BUILD/xmip6ctl" BUILD="$XM_BUILD" \
		DESTDIR="$XM_TMP/root" PREFIX="$1" "$2"
}

# The expected tree, "MODE PATH" per file, sorted.
expected() {
	local p=$1
	sort <<-EOF
		0755 $p/sbin/xmip6d
		0755 $p/sbin/xmip6ctl
		0644 $p/share/man/man8/xmip6d.8
		0644 $p/share/man/man8/xmip6ctl.8
		0644 $p/share/man/man5/xmip6d.conf.5
		0644 $p/lib/systemd/system/xmip6d.service
		0644 $p/share/bash-completion/completions/xmip6ctl
		0600 /etc/xmip6/xmip6d.conf.example
	EOF
}

tree_is() {
	local got
	got=$(cd "$XM_TMP/root" && find . -type f -printf '%m %p\n' | sed 's|^\([0-7]*\) \.|0\1 |' | sort)
	echo "$got"
	diff <(expected "$1") <(echo "$got")
}

installs_tree() {
	rm -rf "$XM_TMP/root"
	inst "$1" install && tree_is "$1"
}

etc_dir_private() {
	[ "$(stat -c %a "$XM_TMP/root/etc/xmip6")" = 700 ]
}

unit_names_paths() {
	local u=$XM_TMP/root/$1/lib/systemd/system/xmip6d.service
	cat "$u"
	grep -qx "ExecStart=$1/sbin/xmip6d -c /etc/xmip6/xmip6d.conf" "$u" &&
		grep -qx 'ConditionPathExists=/etc/xmip6/xmip6d.conf' "$u" && ! grep -q '@[A-Z]*@' "$u"
}

installed_binaries_run() {
	local r=$XM_TMP/root
	"$r/usr/sbin/xmip6d" -V && "$r/usr/sbin/xmip6ctl" -V &&
		"$r/usr/sbin/xmip6d" -c "$r/etc/xmip6/xmip6d.conf.example" --check >/dev/null
}

# complete WORDS...: what the installed completion offers for the last word.
complete_words() {
	bash -c '
		. /usr/share/bash-completion/bash_completion || exit 1
		. "$1" || exit 1
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_xmip6ctl xmip6ctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort | xargs
	' _ "$XM_TMP/root/usr/share/bash-completion/completions/xmip6ctl" "$@"
}

completes() {
	local want=$1 got
	shift
	got=$(complete_words "$@")
	echo "completing '$*': '$got', want '$want'"
	[ "$got" = "$want" ]
}

completion_works() {
	completes "binding bul" xmip6ctl b &&
		completes "add del flush show" xmip6ctl -j binding "" &&
		completes "show" xmip6ctl -s /run/x.sock home-agents "" &&
		completes "cn ha mn" xmip6ctl attach eth0 role "" &&
		completes "--json" xmip6ctl --js
}

uninstall_keeps_own_conf() {
	local r=$XM_TMP/root left
	(umask 077 && echo '# mine' >"$r/etc/xmip6/xmip6d.conf")
	inst /usr uninstall || return 1
	left=$(cd "$r" && find . -type f)
	echo "left: $left"
	[ "$left" = ./etc/xmip6/xmip6d.conf ]
}

uninstall_leaves_nothing() {
	local left
	rm -f "$XM_TMP/root/etc/xmip6/xmip6d.conf"
	inst /usr install && inst /usr uninstall || return 1
	left=$(cd "$XM_TMP/root" && find . -type f -o -type l -o -path ./etc/xmip6)
	echo "left: $left"
	[ -z "$left" ]
}

xm_init
command -v make >/dev/null || xm_die "make missing"
t_fatal "make install DESTDIR PREFIX=/usr: the expected files and modes" installs_tree /usr
t "/etc/xmip6 is 0700" etc_dir_private
t "the unit names the installed xmip6d and /etc/xmip6/xmip6d.conf" unit_names_paths /usr
t "the installed binaries run; the example configuration passes --check" installed_binaries_run
if [ -r /usr/share/bash-completion/bash_completion ]; then
	t "bash completion: commands, verbs, role keywords, options" completion_works
else
	ok "bash completion # SKIP bash-completion not installed"
fi
t "make uninstall keeps the operator's xmip6d.conf" uninstall_keeps_own_conf
t "make uninstall leaves no file, no link, no /etc/xmip6" uninstall_leaves_nothing
t "make install with the default PREFIX=/usr/local" installs_tree /usr/local
finish
