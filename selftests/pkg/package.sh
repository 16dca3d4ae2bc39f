#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# package.sh - `make test-package`: the Debian package, end to end. Not part
# of `make test` (a build from scratch: minutes, and it installs into the
# host's dpkg database); root.
#  - the committed tree as a release tarball has it (`git archive HEAD`,
#    REVISION filled in) builds with `dpkg-buildpackage -us -uc -b`;
#  - lintian reports no error;
#  - `dpkg -i` installs it; the installed xmip6d --version names the
#    revision, the example configuration passes --check and keeps its 0600
#    mode, man finds the pages, systemd-analyze verifies the unit;
#  - `dpkg --purge` leaves none of its files, no /etc/xmip6, no enablement
#    link or state of the unit.
# It refuses to run where an xmip6 package is installed already.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

PKG=xmip6
INSTALLED_BY_US=0
DPKG=(dpkg --force-confold)

installed() { dpkg-query -W -f '${Status}' "$PKG" 2>/dev/null | grep -q 'install ok installed'; }

# dpkg, retried while another apt or dpkg holds the lock (a minute at most).
dpkg_locked() {
	local i
	for i in $(seq 30); do
		"${DPKG[@]}" "$@" && return 0
		fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock >/dev/null 2>&1 || return 1
		sleep 2
	done
	return 1
}

cleanup_pkg() {
	[ "$INSTALLED_BY_US" = 1 ] && installed && dpkg_locked --purge "$PKG" >/dev/null
	xm_cleanup
}

builds() {
	local src=$XM_TMP/$PKG-0.1.0
	REV=$(git rev-parse HEAD) || return 1
	git archive --format=tar --prefix="$PKG-0.1.0/" HEAD | tar -x -C "$XM_TMP" || return 1
	echo "REVISION: $(cat "$src/REVISION")"
	(cd "$src" && DEB_BUILD_OPTIONS=parallel=$(nproc) timeout 1200 \
		dpkg-buildpackage -us -uc -b) >"$XM_TMP/build.log" 2>&1 || {
		tail -n 40 "$XM_TMP/build.log"
		return 1
	}
	DEB=$(ls "$XM_TMP"/${PKG}_*.deb) && echo "$DEB" && dpkg-deb -c "$DEB"
}

lintian_clean() {
	lintian --fail-on error --display-info "$DEB"
}

installs() {
	dpkg_locked -i "$DEB" && INSTALLED_BY_US=1 && installed
}

version_names_revision() {
	local v
	v=$(/usr/sbin/xmip6d --version) || return 1
	echo "$v; HEAD $REV"
	/usr/sbin/xmip6ctl -V || return 1
	[[ $v =~ ^xmip6d\ 0\.1\.0\ \(git\ ([0-9a-f]{7,})\)$ ]] && [[ $REV == "${BASH_REMATCH[1]}"* ]]
}

example_checks() {
	local ex=/etc/xmip6/xmip6d.conf.example
	stat -c '%a %U %n' /etc/xmip6 "$ex"
	[ "$(stat -c %a /etc/xmip6)" = 700 ] && [ "$(stat -c %a "$ex")" = 600 ] &&
		/usr/sbin/xmip6d -c "$ex" --check >/dev/null
}

docs_and_unit() {
	local u=/lib/systemd/system/xmip6d.service
	man -w xmip6d xmip6ctl xmip6d.conf && test -f "$u" && grep -q '^ExecStart=/usr/sbin/xmip6d ' "$u" &&
		test -f /usr/share/bash-completion/completions/xmip6ctl || return 1
	if command -v systemd-analyze >/dev/null; then
		systemd-analyze verify "$u"
	fi
}

purge_leaves_nothing() {
	local f left=0
	dpkg-query -L "$PKG" >"$XM_TMP/files" || return 1
	dpkg_locked --purge "$PKG" || return 1
	! installed || return 1
	INSTALLED_BY_US=0
	while read -r f; do
		# The directories dpkg shares with other packages stay.
		[ -d "$f" ] && [ "$f" != /etc/xmip6 ] && continue
		if [ -e "$f" ] || [ -L "$f" ]; then
			echo "left: $f"
			left=1
		fi
	done <"$XM_TMP/files"
	if [ -e /etc/xmip6 ]; then
		echo "left: /etc/xmip6"
		left=1
	fi
	if find /etc/systemd /var/lib/systemd/deb-systemd-helper-enabled \
		/var/lib/systemd/deb-systemd-helper-masked -name 'xmip6d*' 2>/dev/null | grep .; then
		left=1
	fi
	[ "$left" = 0 ]
}

xm_init
trap cleanup_pkg EXIT
for tool in git dpkg-buildpackage lintian; do
	command -v "$tool" >/dev/null || xm_die "$tool missing (scripts/install-deps.sh)"
done
if installed; then
	echo "1..0 # SKIP an $PKG package is installed already; not replacing it"
	exit 0
fi
t_fatal "dpkg-buildpackage -us -uc -b builds the .deb from git archive HEAD" builds
t "lintian: no error" lintian_clean
t_fatal "dpkg -i installs it" installs
t "xmip6d --version names the git revision it was built from" version_names_revision
t "the example configuration: 0600 in /etc/xmip6 (0700), passes --check" example_checks
t "man pages, completion, the unit (systemd-analyze verify)" docs_and_unit
t "dpkg --purge leaves nothing behind" purge_leaves_nothing
finish
