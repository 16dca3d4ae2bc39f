#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build-image.sh [--keepalived] [IMAGE] - a container image from scratch:
# binaries, every shared library ldd(1) finds for them, and nothing else: no
# shell, no package manager, no base image (none is pulled). The image is
# also tagged with `git describe`. Needs root and buildah; `make image` runs
# it (both images).
#
# The xmip6 image (IMAGE defaults to localhost/xmip6:latest, the name
# deploy/kubernetes uses): the built xmip6d and xmip6ctl (build/, or
# XMIP6_BUILD). The BPF programs are in the binaries (libbpf skeletons), so
# no object file is copied. It runs xmip6d -c /etc/xmip6/xmip6d.conf; the
# configuration, the keys, /run/xmip6 and the host's /sys/fs/bpf are
# mounted by whoever runs it (docs/kubernetes.md).
#
# --keepalived: the VRRP image of the failover (IMAGE defaults to
# localhost/xmip6-keepalived:latest): the host's keepalived (Debian's
# package) and the built xmip6ctl, which its vrrp_script runs to ask xmip6d
# whether it serves (keepalived executes the script's words itself: no
# shell needed; deploy/kubernetes/keepalived.conf). It runs keepalived
# -f /etc/keepalived/keepalived.conf, VRRP only, in the foreground, its PID
# files in /run/keepalived (docs/cluster.md, "Failover").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

kind=xmip6
if [ "${1:-}" = --keepalived ]; then
	kind=keepalived
	shift
fi
build=${XMIP6_BUILD:-build}
if [ "$kind" = keepalived ]; then
	image=${1:-localhost/xmip6-keepalived:latest}
	bins=("$(command -v keepalived || echo /usr/sbin/keepalived)" "$build/xmip6ctl")
	dirs=(etc/keepalived run/keepalived run/xmip6)
	entrypoint='["/usr/sbin/keepalived"]'
	cmd='["--vrrp", "--dont-fork", "--log-console", "--log-detail", "--use-file", "/etc/keepalived/keepalived.conf", "--pid", "/run/keepalived/keepalived.pid", "--vrrp_pid", "/run/keepalived/vrrp.pid"]'
	title=xmip6-keepalived
	description="keepalived (VRRPv3) for xmip6 home agents sharing a virtual address"
else
	image=${1:-localhost/xmip6:latest}
	bins=("$build/xmip6d" "$build/xmip6ctl")
	dirs=(etc/xmip6 run/xmip6 sys/fs/bpf)
	entrypoint='["/usr/sbin/xmip6d"]'
	cmd='["-c", "/etc/xmip6/xmip6d.conf"]'
	title=xmip6
	description="Mobile IPv6 (RFC 6275) with an XDP data plane"
fi

die() {
	echo "build-image.sh: $*" >&2
	exit 1
}
command -v buildah >/dev/null || die "buildah missing (Debian: buildah)"
for b in "${bins[@]}"; do
	[ -x "$b" ] || die "$b missing (run make)"
done

stage=$(mktemp -d /tmp/xmip6-image.XXXXXX)
ctr=
cleanup() {
	[ -n "$ctr" ] && buildah rm "$ctr" >/dev/null 2>&1
	rm -rf "$stage"
}
trap cleanup EXIT

# The root file system, staged: binaries, libraries at the paths ldd gives
# (the dynamic loader included), the empty directories the mounts need.
install -d "$stage/usr/sbin" "${dirs[@]/#/$stage/}" "$stage/proc" "$stage/dev" "$stage/tmp"
chmod 1777 "$stage/tmp"
install -m 0755 "${bins[@]}" "$stage/usr/sbin/"
# keepalived runs its vrrp_script as a named user (script_user root with
# enable_script_security): the one user, root, and its group.
if [ "$kind" = keepalived ]; then
	echo 'root:x:0:0:root:/:/usr/sbin/nologin' >"$stage/etc/passwd"
	echo 'root:x:0:' >"$stage/etc/group"
	chmod 0644 "$stage/etc/passwd" "$stage/etc/group"
fi
# "name => /path (addr)" or "/path (addr)"; the vDSO has no file.
ldd "${bins[@]}" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $1 !~ /:$/ { print $1 }' |
	sort -u | while read -r lib; do
	[ -f "$lib" ] || die "ldd named $lib, which is not a file"
	# The path ldd gives (/lib64/ld-linux-x86-64.so.2 is what the ELF
	# interpreter names), with the symlink resolved to its file and its
	# mode kept (the loader must stay executable: the kernel opens the
	# interpreter for execution).
	install -d "$stage$(dirname "$lib")"
	cp -L --preserve=mode "$lib" "$stage$lib"
done
# Debian's /lib is a link to /usr/lib: keep the merged-/usr layout so both
# spellings resolve.
for d in lib lib64; do
	if [ -L "/$d" ] && [ -d "$stage/$d" ]; then
		install -d "$stage/usr/$d"
		cp -a "$stage/$d/." "$stage/usr/$d/"
		rm -rf "${stage:?}/$d"
		ln -s "usr/$d" "$stage/$d"
	fi
done

version=$(git describe --always --dirty 2>/dev/null || cat REVISION)
ctr=$(buildah from scratch)
buildah copy --quiet "$ctr" "$stage/" / >/dev/null
buildah config \
	--entrypoint "$entrypoint" \
	--cmd "$cmd" \
	--workingdir / \
	--stop-signal SIGTERM \
	--label "org.opencontainers.image.title=$title" \
	--label "org.opencontainers.image.description=$description" \
	--label "org.opencontainers.image.version=$version" \
	--label "org.opencontainers.image.licenses=GPL-2.0" \
	"$ctr"
buildah commit --quiet --rm "$ctr" "$image" >/dev/null
ctr=
case $version in
*[!A-Za-z0-9_.-]* | "") ;;
*) buildah tag "$image" "${image%:*}:$version" ;;
esac
echo "build-image.sh: $image ($version)"
