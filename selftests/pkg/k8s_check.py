#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""k8s_check.py RENDERED.yaml - the key fields of `kubectl kustomize
deploy/kubernetes`, read with PyYAML (python3-yaml), one TAP line a check.

What is expected is written here, from docs/kubernetes.md and
dist/xmip6d.service.in (the capabilities xmip6d needs), not read from the
manifests under test."""
import sys

import yaml

CAPS = {"BPF", "NET_ADMIN", "NET_RAW", "PERFMON"}
# keepalived: addresses by rtnetlink, the VRRP and ND raw sockets, and
# setgroups() in its script's child (without it keepalived 2.2.7 counts
# every run of the script as a success); IPv6 only, so no NET_BROADCAST
# (docs/kubernetes.md).
KA_CAPS = {"NET_ADMIN", "NET_RAW", "SETGID"}
SOCK = "/run/xmip6/xmip6d.sock"
KA_CONF = "/etc/keepalived/keepalived.conf"
N = 0
FAILED = 0


def check(desc, cond, detail=""):
    global N, FAILED
    N += 1
    if cond:
        print("ok %d - %s" % (N, desc))
    else:
        FAILED += 1
        print("not ok %d - %s" % (N, desc))
        if detail:
            for line in str(detail).splitlines():
                print("#   " + line)


def check_locked_down(label, c, caps_want):
    """Container c: every capability dropped but caps_want, not privileged,
    no privilege escalation, a read-only root."""
    sc = c.get("securityContext", {})
    caps = sc.get("capabilities", {})
    check(label + "capabilities: drop ALL, add exactly " + " ".join(sorted(caps_want)),
          caps.get("drop") == ["ALL"] and sorted(caps.get("add", [])) == sorted(caps_want)
          and len(caps.get("add", [])) == len(caps_want), caps)
    check(label + "not privileged, no privilege escalation, read-only root",
          sc.get("privileged") is False and sc.get("allowPrivilegeEscalation") is False
          and sc.get("readOnlyRootFilesystem") is True, sc)


def main():
    docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
    kinds = {}
    for d in docs:
        kinds.setdefault(d["kind"], []).append(d)
    check("objects: Namespace, ConfigMap, two Secrets, one DaemonSet",
          sorted((k, len(v)) for k, v in kinds.items()) ==
          [("ConfigMap", 1), ("DaemonSet", 1), ("Namespace", 1), ("Secret", 2)],
          sorted((k, len(v)) for k, v in kinds.items()))
    ns = kinds["Namespace"][0]["metadata"]["name"]
    check("every namespaced object is in namespace " + ns,
          all(d["metadata"].get("namespace") == ns for d in docs if d["kind"] != "Namespace"))

    ds = kinds["DaemonSet"][0]
    pod = ds["spec"]["template"]["spec"]
    check("hostNetwork: true", pod.get("hostNetwork") is True)
    check("the selector matches the pod's labels",
          all(ds["spec"]["template"]["metadata"]["labels"].get(k) == v
              for k, v in ds["spec"]["selector"]["matchLabels"].items()))
    names = [c["name"] for c in pod["containers"]]
    check("two containers, xmip6d first and keepalived, no init container",
          names == ["xmip6d", "keepalived"] and not pod.get("initContainers"), names)
    c = pod["containers"][0]
    check("image localhost/xmip6:latest (the one scripts/build-image.sh makes), not pulled",
          c.get("image") == "localhost/xmip6:latest" and c.get("imagePullPolicy") == "IfNotPresent",
          (c.get("image"), c.get("imagePullPolicy")))
    check("runs xmip6d -c /etc/xmip6/xmip6d.conf",
          c.get("command") == ["/usr/sbin/xmip6d", "-c", "/etc/xmip6/xmip6d.conf"], c.get("command"))
    check_locked_down("", c, CAPS)
    check("no hostPID, hostIPC, or pod-level capabilities",
          not pod.get("hostPID") and not pod.get("hostIPC")
          and "capabilities" not in pod.get("securityContext", {}))

    for name in ("readinessProbe", "livenessProbe"):
        p = c.get(name, {})
        cmd = p.get("exec", {}).get("command", [])
        check(name + ": xmip6ctl asks the daemon on its control socket",
              cmd[:3] == ["/usr/sbin/xmip6ctl", "-s", SOCK] and cmd[3:] == ["stats", "show"]
              and p.get("periodSeconds", 0) > 0, p)

    vols = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["name"]: m for m in c["volumeMounts"]}
    ka = pod["containers"][1] if len(pod["containers"]) > 1 else {}
    ka_mounts = {m["name"]: m for m in ka.get("volumeMounts", [])}
    check("every volume mounted, every mount a volume", set(vols) == set(mounts) | set(ka_mounts)
          and set(ka_mounts) <= set(vols), (sorted(vols), sorted(mounts), sorted(ka_mounts)))
    bpffs = [n for n, v in vols.items() if v.get("hostPath", {}).get("path") == "/sys/fs/bpf"]
    check("bpffs: hostPath /sys/fs/bpf (type Directory) at /sys/fs/bpf, writable",
          len(bpffs) == 1 and vols[bpffs[0]]["hostPath"].get("type") == "Directory"
          and mounts[bpffs[0]]["mountPath"] == "/sys/fs/bpf" and not mounts[bpffs[0]].get("readOnly"),
          bpffs)
    check("control socket directory /run/xmip6 mounted (emptyDir)",
          any(m["mountPath"] == "/run/xmip6" and "emptyDir" in vols[n] for n, m in mounts.items()))

    cms = {d["metadata"]["name"]: d for d in kinds["ConfigMap"]}
    cfg = [n for n, v in vols.items() if "configMap" in v]
    check("the configuration from the ConfigMap, at /etc/xmip6/xmip6d.conf, read-only",
          len(cfg) == 1 and vols[cfg[0]]["configMap"]["name"] in cms
          and mounts[cfg[0]]["mountPath"] == "/etc/xmip6/xmip6d.conf"
          and mounts[cfg[0]].get("subPath") == "xmip6d.conf" and mounts[cfg[0]].get("readOnly") is True
          and vols[cfg[0]]["configMap"].get("defaultMode", 0o644) & 0o022 == 0, cfg)
    conf = cms[vols[cfg[0]]["configMap"]["name"]]["data"]["xmip6d.conf"] if cfg else ""

    secrets = {d["metadata"]["name"]: d for d in kinds["Secret"]}
    svols = {n: v for n, v in vols.items() if "secret" in v}
    check("two Secret volumes, each a rendered Secret, mounted read-only",
          len(svols) == 2 and all(v["secret"]["secretName"] in secrets and
                                  mounts[n].get("readOnly") is True for n, v in svols.items()), svols)
    check("Secrets mounted 0400 (defaultMode 0400, no item with its own mode)",
          all(v["secret"].get("defaultMode") == 0o400 and
              all("mode" not in i for i in v["secret"].get("items", [])) for v in svols.values()),
          {n: v["secret"].get("defaultMode") for n, v in svols.items()})
    at = {mounts[n]["mountPath"]: secrets[v["secret"]["secretName"]] for n, v in svols.items()}
    keys = at.get("/etc/xmip6/keys", {}).get("data", {})
    files = [l.split('key-file = "', 1)[1].split('"', 1)[0]
             for l in conf.splitlines() if "home-address" in l and "key-file" in l]
    check("every mobile node's key-file is a key of the keys Secret at /etc/xmip6/keys",
          files and all(f.startswith("/etc/xmip6/keys/") and f.rsplit("/", 1)[1] in keys for f in files),
          (files, sorted(keys)))
    etcd = at.get("/etc/xmip6/etcd", {}).get("data", {})
    want = {}
    group = conf.split("cluster = {", 1)[-1].split("};", 1)[0] if "cluster = {" in conf else ""
    for name in ("ca-file", "cert-file", "key-file", "@include"):
        for l in group.splitlines():
            l = l.strip()
            if l.startswith(name):
                want[name] = l.split('"')[1]
    check("cluster: endpoints, ca-file, cert-file, key-file from the etcd Secret at /etc/xmip6/etcd",
          len(want) == 4 and all(p.startswith("/etc/xmip6/etcd/" if n != "@include" else "etcd/")
                                 and p.rsplit("/", 1)[1] in etcd for n, p in want.items()),
          (want, sorted(etcd)))
    check("nothing secret in the ConfigMap (no key = ...)",
          not any(l.strip().startswith("key =") or " key = " in l for l in conf.splitlines()))

    check_keepalived(pod, ka, vols, ka_mounts, mounts, cms)
    return 1 if FAILED else 0


def check_keepalived(pod, ka, vols, ka_mounts, mounts, cms):
    """The keepalived container of the failover (docs/kubernetes.md)."""
    check("keepalived: image localhost/xmip6-keepalived:latest (scripts/build-image.sh "
          "--keepalived), not pulled",
          ka.get("image") == "localhost/xmip6-keepalived:latest"
          and ka.get("imagePullPolicy") == "IfNotPresent", (ka.get("image"), ka.get("imagePullPolicy")))
    cmd = ka.get("command", [])
    arg = lambda o: cmd[cmd.index(o) + 1] if o in cmd[:-1] else None
    check("keepalived: VRRP only, in the foreground, its configuration from " + KA_CONF +
          ", PID files under /run/keepalived",
          cmd[:1] == ["/usr/sbin/keepalived"] and "--vrrp" in cmd and "--dont-fork" in cmd
          and arg("--use-file") == KA_CONF and (arg("--pid") or "").startswith("/run/keepalived/")
          and (arg("--vrrp_pid") or "").startswith("/run/keepalived/"), cmd)
    check_locked_down("keepalived: ", ka, KA_CAPS)
    check("keepalived: in the node's network namespace (pod hostNetwork), no hostPID",
          pod.get("hostNetwork") is True and not pod.get("hostPID"))
    run = [n for n, m in ka_mounts.items() if m["mountPath"] == "/run/xmip6"]
    check("keepalived: xmip6d's /run/xmip6 (the control socket), the same volume, read-only",
          len(run) == 1 and run[0] in mounts and mounts[run[0]]["mountPath"] == "/run/xmip6"
          and ka_mounts[run[0]].get("readOnly") is True, run)
    piddir = [n for n, m in ka_mounts.items() if m["mountPath"] == "/run/keepalived"]
    check("keepalived: /run/keepalived writable (emptyDir), for its PID files",
          len(piddir) == 1 and "emptyDir" in vols[piddir[0]] and not ka_mounts[piddir[0]].get("readOnly"))
    cfg = [n for n, m in ka_mounts.items() if m["mountPath"] == KA_CONF]
    check("keepalived: keepalived.conf from the ConfigMap, read-only",
          len(cfg) == 1 and "configMap" in vols[cfg[0]]
          and vols[cfg[0]]["configMap"]["name"] in cms
          and ka_mounts[cfg[0]].get("subPath") == "keepalived.conf"
          and ka_mounts[cfg[0]].get("readOnly") is True
          and "keepalived.conf" in cms[vols[cfg[0]]["configMap"]["name"]]["data"], cfg)
    text = cms[vols[cfg[0]]["configMap"]["name"]]["data"].get("keepalived.conf", "") if cfg else ""
    words = [l.split("#", 1)[0].split() for l in text.splitlines()]
    words = [w for w in words if w]
    script = next((" ".join(w[1:]) for w in words if w[0] == "script"), "")
    check("keepalived.conf: a vrrp_script runs xmip6ctl -s %s stats show (no shell), tracked "
          "with weight 0, failed until it answers" % SOCK,
          script == '"/usr/sbin/xmip6ctl -s %s stats show"' % SOCK
          and ["track_script", "{"] in words and ["weight", "0"] in words and ["init_fail"] in words,
          script)
    check("keepalived.conf: VRRPv3 over IPv6, 0.1 s adverts, BACKUP with nopreempt",
          ["native_ipv6"] in words and ["advert_int", "0.1"] in words
          and ["state", "BACKUP"] in words and ["nopreempt"] in words)
    inc = next((w[1] for w in words if w[0] == "include"), "")
    node = [n for n, m in ka_mounts.items() if m["mountPath"] == "/etc/keepalived/node"]
    check("keepalived.conf: the node's part included from the node-config hostPath, read-only",
          inc.startswith("/etc/keepalived/node/") and len(node) == 1
          and "hostPath" in vols[node[0]] and ka_mounts[node[0]].get("readOnly") is True, (inc, node))


if __name__ == "__main__":
    sys.exit(main())
