#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_kubernetes.sh - deploy/kubernetes renders offline with `kubectl
# kustomize` (Debian's kubernetes-client), and the rendered objects' key
# fields are what docs/kubernetes.md says (k8s_check.py, PyYAML): hostNetwork,
# exactly the capabilities xmip6d needs, bpffs from the host, the ConfigMap,
# the Secrets mounted 0400, the probes on the control socket, the image; and
# the files the pod would see (k8s_conf.py lays them out) pass
# `xmip6d --check`. keepalived --config-test accepts the rendered
# keepalived.conf with the example node part, and
# deploy/keepalived/keepalived.conf.example (each in a network namespace of
# its own, unshare -n, holding the eth0 they name; keepalived checks the
# interface exists).
# No named namespace, no BPF, no cluster.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1

# KUBECTL: another kubectl to render with (Debian 12's 1.20 and 1.32 both do).
kubectl=${KUBECTL:-kubectl}
command -v "$kubectl" >/dev/null ||
	{ echo "1..0 # SKIP $kubectl missing (Debian: kubernetes-client)"; exit 0; }
/usr/bin/python3 -c 'import yaml' 2>/dev/null ||
	{ echo "1..0 # SKIP PyYAML missing (Debian: python3-yaml)"; exit 0; }

out=$(mktemp -d /tmp/xmk8s.XXXXXX) || exit 1
trap 'rm -rf "$out"' EXIT
if ! "$kubectl" kustomize deploy/kubernetes >"$out/rendered.yaml" 2>"$out/err"; then
	echo "not ok 1 - kubectl kustomize deploy/kubernetes"
	sed 's/^/#   /' "$out/err"
	echo "1..1"
	exit 1
fi
/usr/bin/python3 selftests/pkg/k8s_check.py "$out/rendered.yaml" >"$out/checks"
rc=$?
cat "$out/checks"
n=$(grep -cE '^(not )?ok' "$out/checks")

# What the pod would read, laid out under $out/root (the ConfigMap, the
# Secrets at 0400, the example node.conf), passes xmip6d --check: the
# configuration parses, its @includes and key files are found and their
# modes are accepted.
xmip6d=${XMIP6_BUILD:-build}/xmip6d
n=$((n + 1))
if [ ! -x "$xmip6d" ]; then
	echo "ok $n - xmip6d --check on the pod's files # SKIP $xmip6d not built"
elif conf=$(/usr/bin/python3 selftests/pkg/k8s_conf.py "$out/rendered.yaml" \
	deploy/kubernetes/example/node.conf "$out/root") &&
	"$xmip6d" -c "$conf" --check >"$out/check" 2>&1; then
	echo "ok $n - xmip6d --check on the pod's files (ConfigMap, Secrets 0400, node.conf)"
else
	echo "not ok $n - xmip6d --check on the pod's files (ConfigMap, Secrets 0400, node.conf)"
	sed 's/^/#   /' "$out/check" 2>/dev/null
	rc=1
fi

# ka_config_test LABEL CONF: keepalived --config-test of CONF, in a network
# namespace that dies with the command, with an eth0 (a veth) as the
# nodes'. A warning (a script or file it cannot use, an unknown interface)
# fails it too: keepalived exits non-zero for those.
# shellcheck disable=SC2016 # the inner shell's $1
ka_config_test() {
	n=$((n + 1))
	if ! command -v keepalived >/dev/null; then
		echo "ok $n - $1 # SKIP keepalived missing (Debian: keepalived)"
	elif [ "$(id -u)" != 0 ]; then
		echo "ok $n - $1 # SKIP not root (unshare -n)"
	elif unshare -n sh -c 'ip link add eth0 type veth peer name eth1 &&
		keepalived --config-test -l -f "$1"' - "$2" >"$out/ka" 2>&1; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		sed 's/^/#   /' "$out/ka"
		rc=1
	fi
}

# The pod's keepalived.conf, laid out under $out/ka-root with the example
# node part where the pod's hostPath puts it; /etc/keepalived/ and the
# script's /usr/sbin/xmip6ctl moved to there and to the built xmip6ctl.
xmip6ctl=$(realpath "${XMIP6_BUILD:-build}/xmip6ctl" 2>/dev/null)
if [ -x "$xmip6ctl" ]; then
	mkdir -p "$out/ka-root/node" && cp deploy/kubernetes/example/keepalived-node.conf \
		"$out/ka-root/node/keepalived.conf" &&
		/usr/bin/python3 -c 'import sys, yaml
cm = next(d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "ConfigMap")
print(cm["data"]["keepalived.conf"].replace("/etc/keepalived/", sys.argv[2] + "/")
      .replace("/usr/sbin/xmip6ctl", sys.argv[3]), end="")' \
			"$out/rendered.yaml" "$out/ka-root" "$xmip6ctl" >"$out/ka-root/keepalived.conf"
	ka_config_test "keepalived --config-test: the ConfigMap's keepalived.conf, example node part" \
		"$out/ka-root/keepalived.conf"
else
	n=$((n + 1))
	echo "ok $n - keepalived --config-test of the ConfigMap's keepalived.conf # SKIP xmip6ctl not built"
fi
ka_config_test "keepalived --config-test: deploy/keepalived/keepalived.conf.example" \
	deploy/keepalived/keepalived.conf.example
echo "1..$n"
exit "$rc"
