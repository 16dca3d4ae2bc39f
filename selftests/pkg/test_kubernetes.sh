#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_kubernetes.sh - deploy/kubernetes renders offline with `kubectl
# kustomize` (Debian's kubernetes-client), and the rendered objects' key
# fields are what docs/kubernetes.md says (k8s_check.py, PyYAML): hostNetwork,
# exactly the capabilities xmip6d needs, bpffs from the host, the ConfigMap,
# the Secrets mounted 0400, the probes on the control socket, the image.
# No namespace, no BPF, no cluster.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1

command -v kubectl >/dev/null || { echo "1..0 # SKIP kubectl missing (Debian: kubernetes-client)"; exit 0; }
/usr/bin/python3 -c 'import yaml' 2>/dev/null ||
	{ echo "1..0 # SKIP PyYAML missing (Debian: python3-yaml)"; exit 0; }

out=$(mktemp -d /tmp/xmk8s.XXXXXX) || exit 1
trap 'rm -rf "$out"' EXIT
if ! kubectl kustomize deploy/kubernetes >"$out/rendered.yaml" 2>"$out/err"; then
	echo "not ok 1 - kubectl kustomize deploy/kubernetes"
	sed 's/^/#   /' "$out/err"
	echo "1..1"
	exit 1
fi
/usr/bin/python3 selftests/pkg/k8s_check.py "$out/rendered.yaml"
