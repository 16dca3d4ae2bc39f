#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""k8s_conf.py RENDERED.yaml NODE_CONF ROOT - lay out, under ROOT, the files
the DaemonSet's pod sees under /etc/xmip6: the ConfigMap's xmip6d.conf, the
node's file (NODE_CONF) at node/node.conf, and each Secret volume's keys at
its mount path, mode 0400 (the Secret volumes' defaultMode). Paths inside
the configuration that start with /etc/xmip6 are moved under ROOT, so that
`xmip6d --check` reads what the pod would read. Prints the configuration's
path."""
import base64
import os
import sys

import yaml

docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
root = sys.argv[3]
objs = {(d["kind"], d["metadata"]["name"]): d for d in docs}
ds = next(d for d in docs if d["kind"] == "DaemonSet")
pod = ds["spec"]["template"]["spec"]
mounts = {m["name"]: m for m in pod["containers"][0]["volumeMounts"]}


def place(path, data, mode):
    dst = os.path.join(root, os.path.relpath(path, "/"))
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    with open(dst, "wb") as f:
        f.write(data)
    os.chmod(dst, mode)
    return dst


for v in pod["volumes"]:
    m = mounts.get(v["name"])
    if m is None:  # another container's (keepalived's)
        continue
    if "configMap" in v:
        cm = objs[("ConfigMap", v["configMap"]["name"])]
        text = cm["data"][m["subPath"]].replace('"/etc/xmip6/', '"%s/etc/xmip6/' % root)
        conf = place(m["mountPath"], text.encode(), v["configMap"].get("defaultMode", 0o644))
    elif "secret" in v:
        sec = objs[("Secret", v["secret"]["secretName"])]
        for key, b64 in sec["data"].items():
            place(os.path.join(m["mountPath"], key), base64.b64decode(b64), v["secret"]["defaultMode"])
    elif m["mountPath"] == "/etc/xmip6/node":
        place("/etc/xmip6/node/node.conf", open(sys.argv[2], "rb").read(), 0o444)
print(conf)
