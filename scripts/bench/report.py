#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
report.py - turns scripts/bench.sh's raw JSON lines into the results table
(printed and written to results.txt), results.json, results.csv and the
scale plot scale.png (matplotlib, Debian's python3-matplotlib).

Sections: one function per "item" family (cost, live, scale); a new bench.sh
section adds its own function and is listed in SECTIONS.
"""

import argparse
import csv
import json
import os
import platform
import statistics
import subprocess
import sys

PATH_DESC = {
    "ha_encap": "HA encap (xdp_ha, FIB, XDP_TX)",
    "ha_decap": "HA decap (xdp_ha reverse tunnel, FIB, XDP_TX)",
    "mn_decap": "MN decap (xdp_mn, XDP_PASS)",
    "mn_encap": "MN reverse-tunnel encap (tc_mn_egress, FIB)",
    "ha_local_encap": "HA local encap (tc_ha_egress, FIB)",
    "pass": "pass-through, no binding (xdp_ha)",
    "fib_lookup": "one bpf_fib_lookup() alone (reference)",
}
CASE_DESC = {
    "xmip6": "(a) xmip6 HA encap + FIB forward",
    "forward": "(b) kernel IPv6 forwarding",
    "seg6": "(c) kernel seg6 encap route",
    "ceiling": "(d) XDP redirect, no work",
}


def sh(*args):
    try:
        return subprocess.run(args, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


def facts(started, command, settings):
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "date": started,
        "nproc": os.cpu_count(),
        "cpu": model,
        "kernel": platform.release(),
        "libbpf": sh("pkg-config", "--modversion", "libbpf"),
        "clang": sh("clang", "--version").split("\n")[0],
        "command": command,
        "settings": settings,
    }


def summary(vals):
    vals = sorted(vals)
    if not vals:
        return {"n": 0, "median": None, "min": None, "max": None, "spread_pct": None}
    med = statistics.median(vals)
    return {
        "n": len(vals),
        "median": med,
        "min": vals[0],
        "max": vals[-1],
        "spread_pct": round(100.0 * (vals[-1] - vals[0]) / med, 1) if med else None,
        "samples": vals,
    }


def cost_section(raw, bindings=1):
    out = {}
    for path in PATH_DESC:
        runs = [r for r in raw if r.get("item") == "cost" and r["path"] == path
                and r["bindings"] == bindings]
        if not runs:
            continue
        good = [r for r in runs if r["verified"]]
        s = summary([r["net_ns"] for r in good])
        s.update({
            "path": path,
            "desc": PATH_DESC[path],
            "bindings": bindings,
            "runs": len(runs),
            "verified_runs": len(good),
            "repeat": runs[0]["repeat"],
            "frame_len": runs[0]["frame_len"],
            "counter": runs[0]["counter"],
            "method": "%d single runs (fresh skb), minus tc_nop" % runs[0]["repeat"]
            if runs[0]["prog"].startswith("tc_")
            else "repeat %d via restoring wrapper, minus xdp_nop" % runs[0]["repeat"],
            "base_ns": statistics.median([r["base_ns"] for r in good]) if good else None,
            "direct_ns": statistics.median([r["direct_ns"] for r in good])
            if good and good[0]["direct_ns"] >= 0 else None,
            "memlock": runs[0]["memlock"],
            "max_entries": runs[0]["max_entries"],
        })
        if len(good) != len(runs):
            s["note"] = "%d of %d runs failed the counter check" % (len(runs) - len(good), len(runs))
        out[path] = s
    return out


def live_summary(raw, case, bindings):
    runs = [r for r in raw if r.get("item") == "live" and r["case"] == case
            and r["bindings"] == bindings]
    checks = [r for r in raw if r.get("item") == "live_check" and r["case"] == case
              and r["bindings"] == bindings]
    s = summary([r["pps"] for r in runs])
    s.update({
        "case": case,
        "desc": CASE_DESC[case],
        "bindings": bindings,
        "delivered_len": statistics.median([r["delivered_len"] for r in runs]) if runs else None,
        "loss_pct": round(100.0 * statistics.median(
            [1 - r["delivered"] / r["sent"] for r in runs]), 2) if runs else None,
        "frame_len": runs[0]["frame_len"] if runs else None,
    })
    if s["median"]:
        s["ns_per_packet"] = round(1e9 / s["median"], 1)
    if case == "xmip6":
        # Every delivered packet went through the encap path (the counter
        # also holds the warm-up, so it is at least the delivered count).
        s["encap_path_ok"] = all(c["ha_encap_fwd"] >= r["delivered"] for c, r in zip(checks, runs))
    return s


def ratio(a, b):
    return round(a / b, 2) if a and b else None


def live_section(raw):
    cases = {c: live_summary(raw, c, 1) for c in CASE_DESC
             if any(r.get("item") == "live" and r["case"] == c and r["bindings"] == 1
                    for r in raw)}
    if not cases:
        return None
    a = cases.get("xmip6", {}).get("median")
    res = {"cases": cases, "ratios": {}}
    ceil_ns = cases.get("ceiling", {}).get("ns_per_packet")
    for c, s in cases.items():
        if ceil_ns and s.get("ns_per_packet"):
            # What the HA's forwarding adds to the rig's fixed cost (generator,
            # two veth hops, sink: all on one CPU), measured by the ceiling.
            s["ns_over_ceiling"] = round(s["ns_per_packet"] - ceil_ns, 1)
    for key, other, target in (("a/b", "forward", 3.0), ("a/c", "seg6", 5.0),
                               ("a/d", "ceiling", 0.8)):
        b = cases.get(other, {}).get("median")
        r = ratio(a, b)
        res["ratios"][key] = {"ratio": r, "target": target,
                              "met": r is not None and r >= target}
        xa = cases.get("xmip6", {}).get("ns_over_ceiling")
        xb = cases.get(other, {}).get("ns_over_ceiling")
        if other != "ceiling" and xa and xb:
            res["ratios"][key]["ns_over_ceiling_ratio"] = round(xb / xa, 2)
    return res


def scale_section(raw):
    ns = sorted({r["bindings"] for r in raw if r.get("item") == "live"
                 and r["case"] == "xmip6" and any(m.get("item") == "map" for m in raw)})
    rows = []
    for n in ns:
        maps = [m for m in raw if m.get("item") == "map" and m["bindings"] == n]
        if not maps:
            continue
        live = live_summary(raw, "xmip6", n)
        cost = cost_section(raw, n).get("ha_encap", {})
        m = maps[0]["map"]
        memlock = int(m.get("bytes_memlock", 0))
        rows.append({
            "bindings": n,
            "pps": live,
            "cost_ns": cost,
            "max_entries": m.get("max_entries"),
            "memlock": memlock,
            # Preallocated: memlock / max_entries; tiny maps are all overhead.
            "bytes_per_binding": round(memlock / m["max_entries"], 1)
            if m.get("max_entries", 0) >= 1000 else None,
        })
    if not rows:
        return None
    base = rows[0]["pps"]["median"]
    for r in rows:
        r["pps_vs_first"] = ratio(r["pps"]["median"], base)
    last = rows[-1]
    return {"rows": rows, "target": {"bindings": last["bindings"], "vs": rows[0]["bindings"],
                                     "ratio": last["pps_vs_first"], "target": 0.9,
                                     "met": bool(last["pps_vs_first"]
                                                 and last["pps_vs_first"] >= 0.9)}}


def fmt(v, unit=""):
    if v is None:
        return "-"
    if isinstance(v, (int, float)) and v >= 1e5:
        return "%.2f M%s" % (v / 1e6, unit)
    if isinstance(v, float):
        return "%.1f%s" % (v, unit)
    return "%s%s" % (v, unit)


def table(res):
    f = res["facts"]
    out = ["xmip6 data-plane benchmarks (issue 5)", ""]
    out.append("date %s | nproc %s | CPU %s | kernel %s | libbpf %s" % (
        f["date"], f["nproc"], f["cpu"], f["kernel"], f["libbpf"]))
    out.append("command: %s   (%s)" % (f["command"], f["settings"]))
    out.append("")
    if res.get("cost"):
        out.append("1. Per-packet cost, BPF_PROG_TEST_RUN, 1 binding (ns/packet, median [min-max])")
        out.append("| path | ns/packet | min-max | runs ok | counter = repeat | frame | method |")
        out.append("|---|---:|---:|---:|---|---:|---|")
        for s in res["cost"].values():
            med = "%d" % s["median"] if s["median"] is not None else "NOT REPORTED"
            out.append("| %s | %s | %s-%s | %d/%d | %s | %d | %s%s |" % (
                s["desc"], med, fmt(s["min"]), fmt(s["max"]), s["verified_runs"], s["runs"],
                s["counter"], s["frame_len"], s["method"],
                "; direct repeat %s ns" % fmt(s["direct_ns"]) if s["direct_ns"] is not None
                else ""))
        out.append("")
    lv = res.get("live")
    if lv:
        out.append("2. Live throughput, veth, one CPU does generator + HA + sink (pps at the sink)")
        out.append("| case | pps median | min-max | spread | ns/pkt | over (d) | frame at sink | loss |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        for s in lv["cases"].values():
            out.append("| %s | %s | %s-%s | %s%% | %s | %s | %s | %s%% |" % (
                s["desc"], fmt(s["median"]), fmt(s["min"]), fmt(s["max"]), s["spread_pct"],
                s.get("ns_per_packet"), s.get("ns_over_ceiling"), s["delivered_len"],
                s["loss_pct"]))
        out.append("")
        out.append("| ratio | measured | target | met | HA work ratio (ns over (d)) |")
        out.append("|---|---:|---:|---|---:|")
        for k, r in lv["ratios"].items():
            out.append("| %s | %s | >= %s | %s | %s |" % (
                k, r["ratio"], r["target"], "yes" if r["met"] else "NO",
                r.get("ns_over_ceiling_ratio", "-")))
        out.append("")
    sc = res.get("scale")
    if sc:
        out.append("3. Scale: (a) and HA encap cost against the number of bindings")
        out.append("| bindings | pps median | min-max | vs first | encap ns/pkt | max_entries | "
                   "memlock | bytes/entry |")
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in sc["rows"]:
            out.append("| %d | %s | %s-%s | %s | %s | %s | %.1f MiB | %s |" % (
                r["bindings"], fmt(r["pps"]["median"]), fmt(r["pps"]["min"]),
                fmt(r["pps"]["max"]), r["pps_vs_first"], fmt(r["cost_ns"].get("median")),
                r["max_entries"], r["memlock"] / 1048576.0, fmt(r["bytes_per_binding"])))
        t = sc["target"]
        out.append("")
        out.append("%d bindings at %s of the %d-binding rate (target >= 0.9): %s" % (
            t["bindings"], t["ratio"], t["vs"], "met" if t["met"] else "NOT met"))
        out.append("")
    pr = res.get("profile")
    if pr:
        out.append("Profile (perf cpu-clock samples on the CPU doing the whole path, >= 1 %)")
        for case, p in pr.items():
            out.append("  %s, %d binding(s): %s" % (CASE_DESC[p["case"]], p["bindings"], ", ".join(
                "%s %.1f%%" % (k, v) for k, v in p["groups"].items()) or "-"))
            out.append("    top: " + ", ".join("%s %.1f%%" % (sym, pct)
                                                for pct, sym in p["top"][:6]))
        out.append("")
    return "\n".join(out)


def write_csv(res, path):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["section", "name", "bindings", "unit", "median", "min", "max", "n", "note"])
        for s in (res.get("cost") or {}).values():
            w.writerow(["cost", s["path"], s["bindings"], "ns/packet", s["median"], s["min"],
                        s["max"], s["verified_runs"], s["method"]])
        if res.get("live"):
            for s in res["live"]["cases"].values():
                w.writerow(["live", s["case"], s["bindings"], "pps", s["median"], s["min"],
                            s["max"], s["n"], "frame %s" % s["frame_len"]])
            for k, r in res["live"]["ratios"].items():
                w.writerow(["live", "ratio " + k, 1, "x", r["ratio"], "", "", "",
                            "target %s" % r["target"]])
        if res.get("scale"):
            for r in res["scale"]["rows"]:
                w.writerow(["scale", "xmip6", r["bindings"], "pps", r["pps"]["median"],
                            r["pps"]["min"], r["pps"]["max"], r["pps"]["n"], ""])
                c = r["cost_ns"]
                w.writerow(["scale", "ha_encap cost", r["bindings"], "ns/packet",
                            c.get("median"), c.get("min"), c.get("max"),
                            c.get("verified_runs"), ""])
                w.writerow(["scale", "bindings memlock", r["bindings"], "bytes", r["memlock"],
                            "", "", 1, "max_entries %s" % r["max_entries"]])


def plot(res, path):
    sc = res.get("scale")
    if not sc:
        return False
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("report.py: no matplotlib (apt-get install python3-matplotlib): no plot",
              file=sys.stderr)
        return False
    n = [r["bindings"] for r in sc["rows"]]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    med = [r["pps"]["median"] / 1e6 for r in sc["rows"]]
    lo = [m - r["pps"]["min"] / 1e6 for m, r in zip(med, sc["rows"])]
    hi = [r["pps"]["max"] / 1e6 - m for m, r in zip(med, sc["rows"])]
    ax1.errorbar(n, med, yerr=[lo, hi], marker="o", capsize=3, label="(a) xmip6 HA encap")
    lv = res.get("live")
    if lv:
        for c, style in (("forward", "--"), ("seg6", ":"), ("ceiling", "-.")):
            if c in lv["cases"] and lv["cases"][c]["median"]:
                ax1.axhline(lv["cases"][c]["median"] / 1e6, linestyle=style,
                            color="grey", label=CASE_DESC[c] + ", 1 binding")
    ax1.set_xscale("log")
    ax1.set_xlabel("bindings")
    ax1.set_ylabel("Mpps at the sink (one CPU)")
    ax1.set_ylim(bottom=0)
    ax1.legend(fontsize=7)
    ax1.set_title("live throughput")
    cost = [r["cost_ns"].get("median") for r in sc["rows"]]
    ax2.plot(n, cost, marker="o")
    ax2.set_xscale("log")
    ax2.set_xlabel("bindings")
    ax2.set_ylabel("ns/packet")
    ax2.set_ylim(bottom=0)
    ax2.set_title("HA encap cost (BPF_PROG_TEST_RUN)")
    fig.suptitle("xmip6 scale, %s, %s" % (res["facts"]["date"], res["facts"]["cpu"]), fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return True


# Kernel symbols grouped by what they do (profile section).
GROUPS = (
    ("FIB lookup (fib6_*)", ("fib6", "fib_lookup", "ip6_mtu_from_fib6",
                                     "__find_rr_leaf", "rt6_")),
    ("xmip6 program", ("_xdp_ha", "_xdp_mn", "_tc_ha_egress", "_tc_mn_egress")),
    ("bindings hash map", ("htab_", "lookup_nulls_elem", "jhash", "memcmp")),
    ("seg6 / lwtunnel", ("seg6", "lwtunnel")),
)


def profile_section(raw):
    out = {}
    for r in raw:
        if r.get("item") != "profile":
            continue
        top = [[pct, sym.split()[0]] for pct, sym in r["top"]]
        groups = {}
        for name, pats in GROUPS:
            share = sum(p for p, sym in top if any(x in sym for x in pats))
            if share:
                groups[name] = round(share, 1)
        key = r["case"] if r.get("bindings", 1) == 1 else "%s@%d" % (r["case"], r["bindings"])
        out[key] = {"case": r["case"], "bindings": r.get("bindings", 1), "top": top[:10],
                    "groups": groups}
    return out or None


SECTIONS = (("cost", lambda raw: cost_section(raw, 1)), ("live", live_section),
            ("scale", scale_section), ("profile", profile_section))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--started", default="")
    ap.add_argument("--command", default="make bench")
    ap.add_argument("--settings", default="")
    args = ap.parse_args()
    with open(args.raw) as f:
        raw = [json.loads(line) for line in f if line.strip()]
    res = {"facts": facts(args.started, args.command, args.settings)}
    for name, fn in SECTIONS:
        res[name] = fn(raw)
    res["commands"] = [r["cmd"] for r in raw if r.get("item") == "cmd"]
    text = table(res)
    if plot(res, os.path.join(args.out, "scale.png")):
        text += "plot: %s\n" % os.path.join(args.out, "scale.png")
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(res, f, indent=1)
    write_csv(res, os.path.join(args.out, "results.csv"))
    with open(os.path.join(args.out, "results.txt"), "w") as f:
        f.write(text + "\n")
    print(text)
    print("results: %s/results.{txt,json,csv}; raw lines and exact commands: %s"
          % (args.out, args.raw))


if __name__ == "__main__":
    main()
