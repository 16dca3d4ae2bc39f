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
	libmnl-dev libssl-dev libconfig-dev libjson-c-dev
	# lint
	clang-format cppcheck
	# tests, demo, benchmarks
	iproute2 iputils-ping ethtool tcpdump tshark socat procps util-linux
	python3 python3-scapy radvd
	# make bench: the scale plot
	python3-matplotlib
)

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${packages[@]}"

# Every tool must really be there, not just its package.
for tool in clang llc bpftool pkg-config ip ping ethtool tcpdump tshark socat nsenter radvd; do
	command -v "$tool" >/dev/null || { echo "install-deps.sh: $tool missing" >&2; exit 1; }
done
/usr/bin/python3 -c 'import scapy.all' || { echo "install-deps.sh: scapy missing" >&2; exit 1; }
echo "install-deps.sh: all dependencies present"
