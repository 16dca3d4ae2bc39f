#!/usr/bin/env bash
# Installs every Debian package xmip6 needs to build, test, demo and benchmark.
# Idempotent; run as root. Fails loudly on any error.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps.sh: run as root" >&2
	exit 1
fi

packages=(
	# build
	make gcc clang llvm pkg-config libclang-rt-14-dev
	libbpf-dev bpftool libelf-dev zlib1g-dev
	libmnl-dev libssl-dev libconfig-dev libjson-c-dev libsystemd-dev libmicrohttpd-dev
	libcurl4-openssl-dev
	# lint
	clang-format cppcheck
	# tests, demo, benchmarks
	iproute2 iputils-ping ethtool tcpdump tshark socat procps util-linux
	# the tests' polls sleep without a fork (scripts/topology.sh)
	bash-builtins
	python3 python3-scapy radvd
	# the metrics test: a real Prometheus server and promtool
	prometheus
	# the cluster tests: a real etcd cluster, etcdctl, its certificates; curl
	etcd-server etcd-client openssl curl
	# packaging tests: man pages, the unit, completion, `make test-package`
	groff-base man-db systemd bash-completion dpkg-dev debhelper fakeroot lintian
	# make bench: the scale plot
	python3-matplotlib
	# the container image and its test (runc: crun refuses a cgroup v1
	# host whose cgroup2 hierarchy holds a controller), the Kubernetes
	# manifests' test, the failover test (with the cluster tests' etcd)
	buildah podman runc python3-yaml keepalived
)
# kubectl for `kubectl kustomize`: Debian's, unless one is installed already
# (the Kubernetes or Google Cloud package of that name conflicts with it).
command -v kubectl >/dev/null || packages+=(kubernetes-client)

export DEBIAN_FRONTEND=noninteractive
# A fresh machine may be running its own apt (daily updates): wait for the
# locks rather than fail. DPkg::Lock::Timeout covers dpkg's lock; the lists
# lock of `apt-get update` has no timeout, so it is retried (a minute at most).
apt_opts=(-o DPkg::Lock::Timeout=300)
apt_update() {
	local i
	for i in $(seq 30); do
		apt-get "${apt_opts[@]}" update && return 0
		[ "$i" -lt 30 ] || break
		echo "install-deps.sh: apt-get update failed (another apt running?), retrying" >&2
		sleep 2
	done
	return 1
}
apt_update
apt-get "${apt_opts[@]}" install -y --no-install-recommends "${packages[@]}"

# Every tool must really be there, not just its package.
for tool in clang llc bpftool pkg-config ip ping ethtool tcpdump tshark socat nsenter radvd \
	groff man systemd-analyze setpriv dpkg-buildpackage lintian prometheus promtool \
	buildah podman kubectl keepalived etcd etcdctl; do
	command -v "$tool" >/dev/null || { echo "install-deps.sh: $tool missing" >&2; exit 1; }
done
/usr/bin/python3 -c 'import scapy.all' || { echo "install-deps.sh: scapy missing" >&2; exit 1; }
echo "install-deps.sh: all dependencies present"
