#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_systemd_unit.sh - the installed systemd unit (dist/xmip6d.service.in):
#  - `systemd-analyze verify` passes on it as `make install` writes it (into
#    a temporary PREFIX, so that its ExecStart and man pages exist), and fails
#    on a copy whose ExecStart names a missing program (the check is real);
#  - Type=notify, ExecReload sends SIGHUP;
#  - its RuntimeDirectory holds the daemon's default control socket and its
#    ReadWritePaths the default pin directory (what `xmip6d --check` prints
#    for a file that sets neither).
# That xmip6d runs with the unit's capabilities and notifies systemd is
# netns/test_sd_notify.sh. No namespace here; systemd need not be running.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh


installs() {
	# -o: the binaries as built, never relinked under the files running
	# beside this one (version.h follows git describe; test_install.sh too).
	make -s -o "$XM_BUILD/xmip6d" -o "$XM_BUILD/xmip6ctl" BUILD="$XM_BUILD" \
		PREFIX="$XM_TMP/usr" SYSCONFDIR="$XM_TMP/etc" install &&
		UNIT=$XM_TMP/usr/lib/systemd/system/xmip6d.service && test -f "$UNIT"
}

# Man pages from the install (Documentation=man:...), nothing from the host's.
verify() { MANPATH=$XM_TMP/usr/share/man systemd-analyze verify "$1" 2>&1; }

verifies() {
	local out
	out=$(verify "$UNIT") || { echo "$out"; return 1; }
	echo "$out"
	[ -z "$out" ]
}

broken_fails() {
	mkdir -p "$XM_TMP/broken" &&
		sed "s|^ExecStart=.*|ExecStart=$XM_TMP/usr/sbin/nosuch -c x|" "$UNIT" \
			>"$XM_TMP/broken/xmip6d.service" || return 1
	! verify "$XM_TMP/broken/xmip6d.service"
}

notify_and_reload() {
	grep -qx 'Type=notify' "$UNIT" && grep -qx 'ExecReload=kill -HUP $MAINPID' "$UNIT"
}

# The value --check prints for a setting of a file that leaves it out.
default_of() {
	(umask 077 && printf 'correspondent-node = { interfaces = [ "eth0" ]; };\n' >"$XM_TMP/cn.conf") &&
		"$XM_BUILD/xmip6d" -c "$XM_TMP/cn.conf" --check |
		sed -n "s/^$1 = \"\(.*\)\";/\1/p"
}

runtime_dir_is_socket_dir() {
	local sock dir
	sock=$(default_of control-socket)
	dir=$(sed -n 's/^RuntimeDirectory=//p' "$UNIT")
	echo "default socket $sock, RuntimeDirectory=$dir"
	[ -n "$dir" ] && [ "$(dirname "$sock")" = "/run/$dir" ]
}

pin_dir_writable() {
	local pin rw p
	pin=$(default_of pin-dir)
	rw=$(sed -n 's/^ReadWritePaths=//p' "$UNIT")
	echo "default pin-dir $pin, ReadWritePaths=$rw"
	[ -n "$pin" ] || return 1
	for p in $rw; do
		p=${p#-}
		case "$pin/" in "$p"/*) return 0 ;; esac
	done
	return 1
}

xm_init
if ! command -v systemd-analyze >/dev/null; then
	echo "1..0 # SKIP systemd-analyze not installed"
	exit 0
fi
t_fatal "make install into a temporary PREFIX" installs
t "systemd-analyze verify passes" verifies
t "systemd-analyze verify fails when ExecStart is missing" broken_fails
t "Type=notify; ExecReload sends SIGHUP to the main process" notify_and_reload
t "RuntimeDirectory is the default control socket's directory" runtime_dir_is_socket_dir
t "the default pin-dir is under ReadWritePaths" pin_dir_writable
finish
