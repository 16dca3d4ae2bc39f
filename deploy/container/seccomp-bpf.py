#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""seccomp-bpf.py [DEFAULT.json] > PROFILE.json - a container runtime's
default seccomp profile (default: podman's, /usr/share/containers/seccomp.json
from Debian's golang-github-containers-common) with bpf(2) allowed to a
process holding CAP_BPF: an allow rule for CAP_BPF, and CAP_BPF added to the
capabilities that exempt bpf(2) from the profile's EPERM rule (a rule whose
"excludes" names a capability the container holds is left out).

Moby's and containerd's default profiles have that rule; the containers-common
profile of Debian 12 lets bpf(2) through only with CAP_SYS_ADMIN, so xmip6d
with its four capabilities gets EPERM from its first map. Giving it this
profile (podman --security-opt seccomp=PROFILE.json, or a Kubernetes
seccompProfile of type Localhost) keeps every other rule of the default and
needs no CAP_SYS_ADMIN. See docs/kubernetes.md."""
import json
import sys

src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/containers/seccomp.json"
profile = json.load(open(src))
rules = []
for r in profile["syscalls"]:
    caps = r.get("excludes", {}).get("caps", [])
    if "bpf" in r["names"] and r["action"] == "SCMP_ACT_ERRNO" and "CAP_BPF" not in caps:
        # The EPERM for bpf(2) on its own, now waived for CAP_BPF too.
        r["names"] = [n for n in r["names"] if n != "bpf"]
        rules.append(dict(r, names=["bpf"], excludes=dict(r["excludes"], caps=caps + ["CAP_BPF"])))
allow = {"names": ["bpf"], "action": "SCMP_ACT_ALLOW", "args": [],
         "includes": {"caps": ["CAP_BPF"]}, "excludes": {}}
if allow not in profile["syscalls"]:
    rules.append(allow)
profile["syscalls"] = [r for r in profile["syscalls"] if r["names"]] + rules
json.dump(profile, sys.stdout, indent=1)
print()
