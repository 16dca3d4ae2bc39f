#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_kubernetes.sh - deploy/kubernetes renders offline with `kubectl
# kustomize` (Debian's kubernetes-client), and the rendered objects' key
# fields are what docs/kubernetes.md says (k8s_check.py, PyYAML): hostNetwork,
# exactly the capabilities xmip6d needs, bpffs from the host, the ConfigMap,
# the Secrets mounted 0400, the probes on the control socket, the image; and
# the files the pod would see (k8s_conf.py lays them out) pass
# `xmip6d --check`.
# No namespace, no BPF, no cluster.
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
echo "1..$n"
exit "$rc"
