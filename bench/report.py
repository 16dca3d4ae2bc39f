#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
report.py - turns bench/bench.sh's raw JSON lines into the results table
(printed and written to results.txt), results.json, results.csv and the
scale plot scale.png (matplotlib, Debian's python3-matplotlib).

Sections: one function per "item" family (cost, live, scale, ...); a new
bench.sh section adds its own function and is listed in SECTIONS. Live and
scale: each case's cost is what it adds per packet over the XDP drop floor
of its own round (1/pps - 1/pps_floor), the median over rounds; a ratio is
the median over rounds of the two cases' added costs (a rate ratio).
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
    "cn_rh2_insert": "CN route-optimised send: type 2 routing header in (tc_cn_egress, FIB)",
    "cn_hao_accept": "CN route-optimised receive: HAO out, home address in (xdp_cn, XDP_PASS)",
    "mn_rh2_accept": "MN route-optimised receive: type 2 routing header out (xdp_mn, XDP_PASS)",
    "ha_prefix_encap": "HA encap via a mobile network prefix, 1 prefix (xdp_ha, NEMO)",
    "ha_prefix_encap_100k": "HA encap via a mobile network prefix, 100,000 prefixes (xdp_ha)",
    "mr_encap": "MR reverse-tunnel encap of a mobile network's packet (tc_mn_egress, NEMO)",
    "mr_decap": "MR decap to a mobile network (xdp_mn, XDP_PASS, NEMO)",
    "pass": "pass-through, no binding (xdp_ha)",
    "fib_lookup": "one bpf_fib_lookup() alone (reference)",
    "lookup": "one lookup in the bindings map alone (reference, bench.bpf.c xdp_lookup)",
    "touch": "one random 128-octet entry of an array of as many (reference, xdp_touch)",
    "naive_encap": "naive XDP encap, the live section's reference (bench.bpf.c, no lookups)",
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
                and r["bindings"] == bindings and not r.get("series")]
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
            "method": "%d single runs (fresh skb) alternated with tc_nop, median run minus"
                      " tc_nop's" % runs[0]["repeat"]
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


def bctr_section(raw):
    """The per-binding counters' cost: each (path, bindings) measured with
    them on and off (bench.sh bench_cost_bctr), the medians' difference."""
    rows = []
    ours = [r for r in raw if r.get("item") == "cost" and r.get("series") == "bctr"]
    pairs = sorted({(r["path"], r["bindings"]) for r in ours})
    for path, n in pairs:
        row = {"path": path, "desc": PATH_DESC.get(path, path), "bindings": n}
        for key, on in (("on", True), ("off", False)):
            row[key] = summary([r["net_ns"] for r in ours if r["path"] == path
                                and r["bindings"] == n and r["bctr"] == on and r["verified"]])
        on, off = row["on"]["median"], row["off"]["median"]
        row["cost_ns"] = on - off if on is not None and off is not None else None
        rows.append(row)
    return rows


def ratio(a, b):
    return round(a / b, 2) if a and b else None


# Live section: the cases bench.sh runs (bench/bench.sh "live"), what the
# sink must see of a BENCH_FRAME_LEN frame, and the floor each is timed
# against (an XDP drop at the DUT's ingress of the same frames).
CASE_DESC = {
    "forward": "kernel IPv6 forwarding",
    "redirect": "plain XDP redirect (bench.bpf.c xdp_redirect)",
    "naive_encap": "naive XDP IPv6-in-IPv6 encap + redirect, no lookups (bench.bpf.c)",
    "ha_encap": "xmip6 HA encap (xdp_ha)",
    "ha_decap": "xmip6 HA decap, reverse tunnel (xdp_ha)",
    "ha_encap_ws": "xmip6 HA encap (xdp_ha), working set",
    "ha_decap_ws": "xmip6 HA decap, reverse tunnel (xdp_ha), working set",
    "seg6": "kernel seg6 encap route (encap seg6 mode encap)",
    "drop": "floor: XDP drop at the DUT's ingress (udp frames)",
    "drop_tunnel": "floor: XDP drop at the DUT's ingress (tunnel frames)",
}
FLOOR = {"udp": "drop", "tunnel": "drop_tunnel"}
# Octets the DUT adds to (or takes from) the frame it is sent.
GROWTH = {"naive_encap": 40, "ha_encap": 40, "ha_decap": -40, "seg6": 64, "ha_encap_ws": 40,
          "ha_decap_ws": -40}
# (what, numerator case, denominator case, target): rate ratios, i.e. the
# numerator's added cost over the denominator's. None: no target, shown.
BIG = "big"
RATIOS = (
    ("HA encap / kernel forwarding", ("forward", 1), ("ha_encap", 1), 3.0),
    ("HA encap / naive XDP encap", ("naive_encap", 1), ("ha_encap", 1), 0.85),
    ("HA decap / kernel forwarding", ("forward", 1), ("ha_decap", 1), 3.0),
    ("HA encap, %s / 1 binding", ("ha_encap", 1), ("ha_encap", BIG), 0.9),
    ("HA decap, %s / 1 binding", ("ha_decap", 1), ("ha_decap", BIG), 0.9),
    ("HA encap / plain XDP redirect", ("redirect", 1), ("ha_encap", 1), None),
    ("HA encap / kernel seg6 encap", ("seg6", 1), ("ha_encap", 1), None),
)
# The working set (BENCH_ACTIVE of the big number of bindings in use): not
# what the 1M target judges (that is every binding in turn, above), shown
# against the same 0.9 for information.
WS_RATIOS = (
    ("HA encap, %s bindings, %s in use / 1 binding", ("ha_encap", 1), ("ha_encap_ws", BIG)),
    ("HA decap, %s bindings, %s in use / 1 binding", ("ha_decap", 1), ("ha_decap_ws", BIG)),
)
WS_REF = 0.9


def case_desc(case, bindings, active=None):
    d = CASE_DESC.get(case, case)
    if case.startswith("ha_"):
        d += ", %s binding%s" % (format(bindings, ","), "" if bindings == 1 else "s")
        if active and active != bindings:
            d += ", %s in use" % format(active, ",")
    return d


def live_groups(raw, section):
    """The live runs of @section, one dict per round: (case, bindings) -> run."""
    groups, cur, sec = [], None, None
    for r in raw:
        if r.get("item") == "round":
            sec = r["section"]
            cur = {} if sec == section else None
            if cur is not None:
                groups.append(cur)
        elif r.get("item") == "live" and cur is not None:
            cur[(r["case"], r["bindings"])] = r
        elif r.get("item") == "live_check" and cur is not None:
            run = cur.get((r["case"], r["bindings"]))
            if run:
                run["check"] = r
    return groups


def run_ns(run):
    """CPU ns per delivered packet: the pinned CPU's time spent on the run
    (the generator's and ksoftirqd's, xmbench.c busy_ns()), which time
    given to other work on a shared machine does not inflate; wall-clock
    ns per packet where schedstat is missing."""
    if not run or not run["delivered"]:
        return None
    if run.get("cpu_ns", -1) > 0:
        return run["cpu_ns"] / run["delivered"]
    return 1e9 * run["seconds"] / run["delivered"]


def added_ns(group, key):
    """What case @key adds per packet over its floor in the same round."""
    run = group.get(key)
    if not run:
        return None
    a, b = run_ns(run), run_ns(group.get((FLOOR[run["kind"]], 1)))
    return a - b if a is not None and b is not None else None


def live_case(groups, key):
    runs = [g[key] for g in groups if key in g]
    if not runs:
        return None
    case, n = key
    flen = runs[0]["frame_len"]
    want = runs[0]["sent_len"] + GROWTH.get(case, 0)
    s = summary([r["pps"] for r in runs])
    s["cpu_ns"] = summary([v for v in map(run_ns, runs) if v is not None])
    added = [a for a in (added_ns(g, key) for g in groups) if a is not None]
    active = runs[0].get("active", n)
    s.update({
        "case": case, "bindings": n, "active": active, "desc": case_desc(case, n, active),
        "gen": runs[0]["gen"],
        "kind": runs[0]["kind"], "frame_len": flen, "sent_len": runs[0]["sent_len"],
        "added_ns": summary(added) if not case.startswith("drop") else None,
        "delivered_len": statistics.median([r["delivered_len"] for r in runs]),
        "want_len": want,
        "loss_pct": round(100.0 * statistics.median(
            [1 - r["delivered"] / r["sent"] for r in runs if r["sent"]]), 2),
    })
    s["len_ok"] = abs(s["delivered_len"] - want) < 0.5
    checks = [r["check"] for r in runs if "check" in r]
    if checks:
        # Every delivered packet went through the path's counter (which also
        # counts the warm-up, so it is at least the delivered count).
        s["counter"] = checks[0]["counter"]
        s["counter_ok"] = all(r["check"]["delta"] >= r["delivered"] for r in runs
                              if "check" in r)
        # Share of the path's packets (warm-up included) that did a FIB
        # lookup: no live next-hop cache slot (all of them with the cache off).
        miss = [c["nh_miss"] / c["delta"] for c in checks if "nh_miss" in c and c["delta"]]
        if miss:
            s["nh_miss_pct"] = round(100.0 * statistics.median(miss), 1)
            s["nh_on"] = all(c.get("nh_gen") for c in checks)
    return s


def round_ratio(groups, num, den):
    vals = []
    for g in groups:
        a, b = added_ns(g, num), added_ns(g, den)
        if a is not None and b is not None and a > 0 and b > 0:
            vals.append(a / b)
    return summary(vals)


def live_section(raw):
    groups = live_groups(raw, "live")
    keys = []
    for g in groups:
        keys += [k for k in g if k not in keys]
    if not keys:
        return None
    big = max([n for c, n in keys if c.startswith("ha_")] or [1])
    cases = {}
    for k in keys:
        s = live_case(groups, k)
        if s:
            cases["%s@%d" % k] = s
    ratios = []
    for what, num, den, target in RATIOS:
        num = (num[0], big if num[1] == BIG else num[1])
        den = (den[0], big if den[1] == BIG else den[1])
        if num not in keys or den not in keys or num == den:
            continue
        r = round_ratio(groups, num, den)
        ratios.append({"what": what % format(big, ",") if "%s" in what else what,
                       "num": "%s@%d" % num, "den": "%s@%d" % den, "ratio": r["median"],
                       "min": r["min"], "max": r["max"], "rounds": r["n"], "target": target,
                       "met": None if target is None else bool(r["median"]
                                                               and r["median"] >= target)})
    for what, num, den in WS_RATIOS:
        den = (den[0], big)
        if num not in keys or den not in keys:
            continue
        r = round_ratio(groups, num, den)
        ratios.append({"what": what % (format(big, ","), format(cases["%s@%d" % den]["active"],
                                                                   ",")),
                       "num": "%s@%d" % num, "den": "%s@%d" % den, "ratio": r["median"],
                       "min": r["min"], "max": r["max"], "rounds": r["n"], "target": None,
                       "met": None, "ref": WS_REF,
                       "ref_met": bool(r["median"] and r["median"] >= WS_REF)})
    gen = next((r["gen"] for r in raw if r.get("item") == "generator"), None)
    return {"cases": cases, "ratios": ratios, "rounds": len(groups), "gen": gen}


def scale_section(raw):
    groups = live_groups(raw, "scale")
    ns = sorted({n for g in groups for c, n in g if c == "ha_encap"})
    rows = []
    for n in ns:
        mine = [g for g in groups if ("ha_encap", n) in g]
        live = live_case(mine, ("ha_encap", n))
        maps = [m for m in raw if m.get("item") == "map" and m["bindings"] == n]
        m = maps[-1]["map"] if maps else {}
        memlock = int(m.get("bytes_memlock", 0))
        rows.append({
            "bindings": n,
            "live": live,
            "cost_ns": cost_section(raw, n).get("ha_encap", {}),
            # The bindings map's lookup alone at n: the floor of the cost above.
            "lookup_ns": cost_section(raw, n).get("lookup", {}),
            # One random line of a table that large: what any structure pays.
            "touch_ns": cost_section(raw, n).get("touch", {}),
            "max_entries": m.get("max_entries"),
            "memlock": memlock,
            # Preallocated: memlock / max_entries; tiny maps are all overhead.
            "bytes_per_binding": round(memlock / m["max_entries"], 1)
            if m.get("max_entries", 0) >= 1000 else None,
        })
    if not rows:
        return None
    base = rows[0]["live"]["added_ns"]["median"]
    for r in rows:
        a = r["live"]["added_ns"]["median"]
        # A rate ratio: the first row's added cost over this one's.
        r["rate_vs_first"] = ratio(base, a) if a and a > 0 and base and base > 0 else None
    last = rows[-1]
    return {"rows": rows, "target": {"bindings": last["bindings"], "vs": rows[0]["bindings"],
                                     "ratio": last["rate_vs_first"], "target": 0.9,
                                     "met": bool(last["rate_vs_first"]
                                                 and last["rate_vs_first"] >= 0.9)}}


def fmt(v, unit="", prec=None):
    if v is None:
        return "-"
    if prec is not None:
        return "%.*f%s" % (prec, v, unit)
    if isinstance(v, (int, float)) and v >= 1e5:
        return "%.2f M%s" % (v / 1e6, unit)
    if isinstance(v, float):
        return "%.1f%s" % (v, unit)
    return "%s%s" % (v, unit)


def table(res):
    f = res["facts"]
    out = ["xmip6 data-plane benchmarks", ""]
    out.append("date %s | nproc %s | CPU %s | kernel %s | libbpf %s" % (
        f["date"], f["nproc"], f["cpu"], f["kernel"], f["libbpf"]))
    out.append("command: %s   (%s)" % (f["command"], f["settings"]))
    out.append("")
    for k in res.get("skipped") or []:
        out.append("%s: %sskipped: %s" % (k["section"], k["what"] + ": " if k["what"] else "",
                                          k.get("reason", k.get("why"))))
    for k in res.get("failed") or []:
        out.append("%s: FAILED (see the run's output and raw.jsonl)" % k)
    if res.get("skipped") or res.get("failed"):
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
        if res.get("bctr"):
            out.append("Per-binding counters (bpf/bctr.h): the same paths loaded with and "
                       "without them (binding-counters = false), interleaved runs, goal <= 5 ns")
            out.append("| path | bindings | on ns | off ns | counters cost | runs on/off |")
            out.append("|---|---:|---:|---:|---:|---|")
            for r in res["bctr"]:
                out.append("| %s | %d | %s | %s | %s | %d/%d |" % (
                    r["desc"], r["bindings"], fmt(r["on"]["median"]), fmt(r["off"]["median"]),
                    fmt(r["cost_ns"]), r["on"]["n"], r["off"]["n"]))
            out.append("")
        out.append("XDP rows: one test run with `repeat`, every iteration through bench.bpf.c's "
                   "xdp_wrap (restores the frame, tail-calls the path), minus the same run "
                   "tail-calling xdp_nop. TC rows: `repeat` separate test runs of one iteration "
                   "each, every one on a fresh skb (an skb once encapsulated refuses a second "
                   "bpf_skb_adjust_room), each timed by the kernel around the program alone, "
                   "alternated run by run with tc_nop; the median run minus tc_nop's median "
                   "run (a run the vCPU lost for milliseconds moves no median), and the rounds "
                   "interleaved over the TC paths. So a TC row is the program with its "
                   "helpers (adjust_room, the next-hop cache or the FIB), not the skb's "
                   "allocation.")
        out.append("")
    lv = res.get("live")
    if lv:
        out.append("2. Live: what each DUT adds per packet over an XDP drop at its ingress "
                   "(veth rig, one CPU does generator + DUT + sink; %s generator, %d rounds)"
                   % ({"live": "live-frames", "packet": "AF_PACKET"}.get(lv["gen"], lv["gen"]),
                      lv["rounds"]))
        out.append("| DUT | ns/packet added (median) | min-max | CPU ns/packet, whole rig | "
                   "Mpps at the sink (wall clock) | min-max | frame sent -> at sink | loss | "
                   "check |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---|")
        for s in lv["cases"].values():
            a = s["added_ns"] or {}
            check = "frame ok" if s["len_ok"] else "FRAME %s, want %s" % (
                s["delivered_len"], s["want_len"])
            if "counter_ok" in s:
                check += ", %s %s" % (s["counter"], "ok" if s["counter_ok"] else "SHORT")
            if "nh_miss_pct" in s:
                check += ", next-hop cache %s, FIB for %s%%" % (
                    "on" if s["nh_on"] else "OFF", s["nh_miss_pct"])
            out.append("| %s | %s | %s | %s | %.2f | %.2f-%.2f | %d -> %s | %s%% | %s |" % (
                s["desc"], fmt(a.get("median"), prec=0), "%s-%s" % (
                    fmt(a.get("min"), prec=0), fmt(a.get("max"), prec=0)) if a else "-",
                fmt(s["cpu_ns"]["median"], prec=0), s["median"] / 1e6, s["min"] / 1e6, s["max"] / 1e6,
                s["sent_len"], fmt(s["delivered_len"], prec=0), s["loss_pct"], check))
        out.append("")
        out.append("| rate ratio A / B (= ns added by B / ns added by A) | median of "
                   "rounds | min-max | target | |")
        out.append("|---|---:|---:|---:|---|")
        for r in lv["ratios"]:
            out.append("| %s | %s | %s-%s | %s | %s |" % (
                r["what"], fmt(r["ratio"], prec=2), fmt(r["min"], prec=2), fmt(r["max"], prec=2),
                ">= %s" % r["target"] if r["target"] else "-",
                ("information: >= %s %s" % (r["ref"], "yes" if r["ref_met"] else "no")
                 if r.get("ref") else "") if r["met"] is None
                else "PASS" if r["met"] else "MISS"))
        out.append("")
        for r in lv["ratios"]:
            if r["target"]:
                out.append("target %s >= %s: %s %s" % (r["what"], r["target"],
                                                       fmt(r["ratio"], prec=2),
                                                       "PASS" if r["met"] else "MISS"))
        out.append("")
    sc = res.get("scale")
    if sc:
        out.append("3. Scale: HA encap against the number of bindings (live: added over the "
                   "drop floor of each round; cost: item 1's method)")
        out.append("| bindings | ns/packet added | min-max | rate vs first | Mpps at the sink | "
                   "cost ns/pkt | of which one map lookup alone | one random line alone | "
                   "max_entries | memlock | bytes/entry |")
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in sc["rows"]:
            a = r["live"]["added_ns"]
            out.append("| %s | %s | %s-%s | %s | %.2f | %s | %s | %s | %s | %.1f MiB | %s |" % (
                format(r["bindings"], ","), fmt(a["median"], prec=0), fmt(a["min"], prec=0),
                fmt(a["max"], prec=0), fmt(r["rate_vs_first"], prec=2),
                r["live"]["median"] / 1e6, fmt(r["cost_ns"].get("median"), prec=0),
                fmt(r.get("lookup_ns", {}).get("median"), prec=0),
                fmt(r.get("touch_ns", {}).get("median"), prec=0),
                r["max_entries"], r["memlock"] / 1048576.0, fmt(r["bytes_per_binding"])))
        t = sc["target"]
        out.append("")
        out.append("target %s bindings >= 0.9 of the %d-binding rate: %s %s" % (
            format(t["bindings"], ","), t["vs"], fmt(t["ratio"], prec=2),
            "PASS" if t["met"] else "MISS"))
        out.append("")
    pr = res.get("profile")
    if pr:
        out.append("Profile (perf cpu-clock samples on the CPU doing the whole path, >= 1 %)")
        for case, p in pr.items():
            out.append("  %s: %s" % (case_desc(p["case"], p["bindings"],
                                               p.get("active")), ", ".join(
                "%s %.1f%%" % (k, v) for k, v in p["groups"].items()) or "-"))
            out.append("    top: " + ", ".join("%s %.1f%%" % (sym, pct)
                                                for pct, sym in p["top"][:8]))
        out.append("")
    out += control_table(res)
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
                            s["max"], s["n"], "frame %s, %s generator" % (s["frame_len"],
                                                                          s["gen"])])
                a = s["added_ns"]
                if a:
                    w.writerow(["live", s["case"], s["bindings"], "ns/packet added",
                                a["median"], a["min"], a["max"], a["n"], "over the drop floor"])
            for r in res["live"]["ratios"]:
                w.writerow(["live", "ratio " + r["what"], 1, "x", r["ratio"], r["min"], r["max"],
                            r["rounds"], "target %s" % r["target"]])
        if res.get("scale"):
            for r in res["scale"]["rows"]:
                a = r["live"]["added_ns"]
                w.writerow(["scale", "ha_encap", r["bindings"], "ns/packet added", a["median"],
                            a["min"], a["max"], a["n"], "over the drop floor"])
                c = r["cost_ns"]
                w.writerow(["scale", "ha_encap cost", r["bindings"], "ns/packet",
                            c.get("median"), c.get("min"), c.get("max"),
                            c.get("verified_runs"), ""])
                w.writerow(["scale", "bindings memlock", r["bindings"], "bytes", r["memlock"],
                            "", "", 1, "max_entries %s" % r["max_entries"]])
        control_csv(res, w)


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
    added = [r["live"]["added_ns"] for r in sc["rows"]]
    med = [a["median"] for a in added]
    lo = [a["median"] - a["min"] for a in added]
    hi = [a["max"] - a["median"] for a in added]
    ax1.errorbar(n, med, yerr=[lo, hi], marker="o", capsize=3, label="xmip6 HA encap")
    lv = res.get("live")
    if lv:
        for c, style in (("forward", "--"), ("naive_encap", ":"), ("redirect", "-."),
                         ("seg6", "-")):
            a = lv["cases"].get(c + "@1", {}).get("added_ns")
            if a and a["median"]:
                ax1.axhline(a["median"], linestyle=style, color="grey", label=CASE_DESC[c])
    ax1.set_xscale("log")
    ax1.set_xlabel("bindings")
    ax1.set_ylabel("ns/packet added over an XDP drop")
    ax1.set_ylim(bottom=0)
    ax1.legend(fontsize=7)
    ax1.set_title("live, one CPU")
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
    ("bench programs (generator, sink)", ("_xdp_gen", "_xdp_count")),
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
        out[key] = {"case": r["case"], "bindings": r.get("bindings", 1),
                    "active": r.get("active"), "top": top[:10], "groups": groups}
    return out or None


def register_runs(raw):
    """(check, phases by name, forge line) per HA run: bench.sh writes each
    run's check after its phases (and forge line), so a check takes what
    came before it."""
    out, phases, forge = [], {}, None
    for r in raw:
        if r.get("item") == "register":
            phases[r["phase"]] = r
        elif r.get("item") == "forge":
            forge = r
        elif r.get("item") == "register_check":
            out.append((r, phases, forge))
            phases, forge = {}, None
    return out


def register_section(raw):
    runs = register_runs(raw)
    if not runs:
        return None
    out = {"rows": [], "target_rate": 100000, "target_p99_ms": 5.0, "target_p99_half_ms": 1.0,
           "target_2core": 1.8}
    for check, ph, forge in runs:
        n = check["nodes"]
        closed = ph.get("closed", {})
        row = {"nodes": n, "workers": check.get("workers", 1),
               "rate": closed.get("rate_per_s"), "closed": closed, "forge": forge,
               "wall_s": check.get("wall_s"), "rss_kb": check.get("rss_kb"),
               "maps_kb": check.get("maps_kb"),
               "bindings_at_end": check.get("bindings"),
               "ha_cpu_s": check.get("ha_cpu_s"),
               "sig_ring_full": check.get("sig_ring_full"),
               # MAX_UPDATE_RATE per home address, round robin over the nodes.
               "limiter_cap": check.get("limiter_cap_per_s"),
               "start_s": next((c["start_s"] for c in raw if c.get("item") == "register_start"
                                and c["nodes"] == n), None),
               "verified": sum(r["verified"] for r in ph.values()),
               "verify_bad": sum(r["verify_bad"] for r in ph.values()),
               "refused": sum(r["refused"] for r in ph.values()),
               "sent": sum(r["sent"] for r in ph.values()),
               "ba": sum(r["ba"] for r in ph.values()), "open": {}}
        for p in ("10", "50", "100"):
            r = ph.get("open" + p)
            if r:
                row["open"][p] = {"offered": r["offered_per_s"], "rate": r["rate_per_s"],
                                  "loss_pct": round(100.0 * (r["sent"] - r["ba"])
                                                    / max(r["sent"], 1), 2),
                                  "p50": r["lat_ms"]["p50"], "p99": r["lat_ms"]["p99"],
                                  "max": r["lat_ms"]["max"]}
        # The HA's own CPU time over every phase: registrations per CPU second.
        row["per_cpu_s"] = (round(row["ba"] / row["ha_cpu_s"]) if row.get("ha_cpu_s")
                            else None)
        full, half = row["open"].get("100", {}), row["open"].get("50", {})
        # The open loops' 100 % is bench.sh's BENCH_REG_TARGET (XMREG_RATE).
        if full.get("offered"):
            out["target_rate"] = full["offered"]
        # Within 10 % of the limiter's cap: the cap, not the daemon, set the rate.
        row["bound_by"] = ("MAX_UPDATE_RATE limiter" if row["rate"] and row["limiter_cap"]
                           and row["rate"] >= 0.9 * row["limiter_cap"] else "the daemon")
        # Sustained: the closed loop reached the target and the open loop at
        # it lost nothing; p99 within the goal's at 100 % and at 50 %.
        row["met"] = bool(row["rate"] and row["rate"] >= out["target_rate"]
                          and full.get("loss_pct", 100) == 0
                          and full.get("p99", 1e9) <= out["target_p99_ms"]
                          and half.get("p99", 1e9) <= out["target_p99_half_ms"])
        # The daemon's CPUs in use over the run: above 1, more than one core.
        row["cpus_used"] = (round(row["ha_cpu_s"] / row["wall_s"], 2)
                            if row.get("ha_cpu_s") and row.get("wall_s") else None)
        out["rows"].append(row)
    # Several workers against one, same nodes, same run: the closed loops' ratio.
    for r in out["rows"]:
        one = next((o for o in out["rows"] if o["nodes"] == r["nodes"] and o["workers"] == 1),
                   None)
        r["vs_one_core"] = (round(r["rate"] / one["rate"], 2)
                            if one and r["workers"] > 1 and one["rate"] and r["rate"] else None)
    return out


def cluster_section(raw):
    rows = {r["case"]: r for r in raw if r.get("item") == "cluster"}
    if not rows:
        return None
    out = {"rows": rows, "target_added_p50_ms": 2.0, "target_ratio": 2.0}
    alone, one, three = rows.get("alone"), rows.get("cluster1"), rows.get("cluster3")
    if alone and one:
        out["added_p50_ms"] = round(one["p50_ms"] - alone["p50_ms"], 3)
    if one and three and one["rate_per_s"]:
        out["ratio_3_to_1"] = round(three["rate_per_s"] / one["rate_per_s"], 2)
    spread = rows.get("cluster3-spread")
    if one and spread and one["rate_per_s"]:
        out["ratio_3spread_to_1"] = round(spread["rate_per_s"] / one["rate_per_s"], 2)
    return out


FO_EVENTS = (("kill", "kill -9 of the master's xmip6d"), ("link", "the master's link down"))


def failover_section(raw):
    """bench/failover.sh: one line per event; per event kind, the worst and
    the median over the rounds, and the goal: <= 1 s and no BU, every time."""
    events = [r for r in raw if r.get("item") == "failover"]
    if not events:
        return None
    out = {"events": events, "target_ms": 1000.0, "kinds": {}}
    for kind, desc in FO_EVENTS:
        ev = [e for e in events if e["event"] == kind]
        if not ev:
            continue
        ms = [e["interruption_ms"] for e in ev]
        out["kinds"][kind] = {
            "desc": desc, "n": len(ev), "interruption_ms_median": quantile(ms, 0.5),
            "interruption_ms_max": max(ms), "hole_packets_max": max(e["hole_packets"] for e in ev),
            "lost_max": max(e["lost"] for e in ev), "lost_total": sum(e["lost"] for e in ev),
            "mn_bu": sum(e["mn_bu"] for e in ev), "mn_mh": sum(e["mn_mh"] for e in ev),
            "vip_moved": sum(1 for e in ev if e["to"] != e["from"])}
    out["met"] = all(e["interruption_ms"] <= out["target_ms"] and e["mn_bu"] == 0
                     and e["to"] != e["from"] for e in events)
    return out


HO_KEYS = (("link_up_to_bu_ms", "link up -> BU sent (ip monitor -> capture)"),
           ("daemon_detect_ms", "link up -> movement detected (daemon's log, ms)"),
           ("bu_to_ba_ms", "BU -> BA on the wire (captures)"),
           ("daemon_register_ms", "xmip6's share: detected/BU -> BA processed (daemon, ms)"),
           ("detected_to_processed_ms", "same, from stamped log lines (+-1 ms)"),
           ("move_to_link_up_ms", "rig: link moved -> link up"),
           ("link_up_to_data_ms", "link up -> first datagram"),
           ("interruption_ms", "data interruption (longest gap)"),
           ("lost", "datagrams lost"))


def quantile(vals, q):
    vals = sorted(vals)
    if not vals:
        return None
    k = q * (len(vals) - 1)
    lo = int(k)
    hi = min(lo + 1, len(vals) - 1)
    return round(vals[lo] + (vals[hi] - vals[lo]) * (k - lo), 3)


def handover_section(raw):
    moves = [r for r in raw if r.get("item") == "handover"]
    if not moves:
        return None
    out = {"moves": moves, "n": len(moves), "stats": {}, "target_ms": 5.0}
    for k, desc in HO_KEYS:
        vals = [m[k] for m in moves if m.get(k) is not None]
        out["stats"][k] = {"desc": desc, "n": len(vals), "median": quantile(vals, 0.5),
                           "p95": quantile(vals, 0.95),
                           "min": min(vals) if vals else None,
                           "max": max(vals) if vals else None}
    # The daemon sends the BU in the call that logs the detection: its own
    # BU -> BA-processed time is the share (ms resolution).
    share = out["stats"]["daemon_register_ms"]["median"]
    out["met"] = share is not None and share <= out["target_ms"]
    return out


def control_table(res):
    out = []
    rg = res.get("register")
    if rg:
        out.append("4. Authenticated home registrations (xmip6d HA, one CoA, N mobile nodes, "
                   "each its own SPI and key)")
        out.append("| nodes | signal-workers (CPUs) | sustained/s (closed loop) | x one core "
                   "| limiter cap (3/s x nodes) | bound by | "
                   "per HA CPU-second | HA CPUs used | p50/p99 ms @10% of the target "
                   "| @50% | @100% | loss @100% | BAs verified (bad) | refused | "
                   "bindings at end | RSS MB | maps MB | daemon start s |")
        out.append("|---:|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
                   "---:|---:|---:|---:|")
        for r in rg["rows"]:
            cell = lambda p: ("%.2f / %.2f" % (r["open"][p]["p50"], r["open"][p]["p99"])
                              if p in r["open"] else "-")
            mb = lambda kb: "%.0f" % (kb / 1024.0) if kb else "-"
            out.append("| %d | %s (%s) | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s%% "
                       "| %d (%d) | %d | %s | %s | %s | %s |"
                       % (r["nodes"], r["workers"], "1" if r["workers"] == 1 else "all",
                          fmt(r["rate"]), fmt(r["vs_one_core"]), fmt(r["limiter_cap"]),
                          r["bound_by"], fmt(r["per_cpu_s"]), fmt(r["cpus_used"]),
                          cell("10"), cell("50"), cell("100"),
                          r["open"].get("100", {}).get("loss_pct", "-"), r["verified"],
                          r["verify_bad"], r["refused"], r["bindings_at_end"],
                          mb(r["rss_kb"]), mb(r["maps_kb"]), fmt(r["start_s"])))
        out.append("")
        for r in rg["rows"]:
            f = r.get("forge")
            if f:
                out.append("forged BUs (%d nodes, %s workers): offered %s/s, sent %s/s, "
                           "answered %d (with a valid authenticator: %d)"
                           % (r["nodes"], r["workers"], fmt(f["offered_per_s"]),
                              fmt(f["sent_per_s"]), f["answered"], f["answered_valid_mac"]))
        out.append("BUs dropped by XDP, signal ring buffer full: %s" % ", ".join(
            "%d nodes %s" % (r["nodes"], r["sig_ring_full"]) for r in rg["rows"]))
        out.append("target >= %d/s, p99 <= %.0f ms at it (nothing lost) and <= %.0f ms at "
                   "half: %s" % (rg["target_rate"], rg["target_p99_ms"], rg["target_p99_half_ms"],
            ", ".join("%d nodes, %s workers %s" % (r["nodes"], r["workers"],
                                                   "met" if r["met"] else "NOT met")
                      for r in rg["rows"])))
        two = [r for r in rg["rows"] if r["vs_one_core"] is not None]
        if two:
            out.append("target two cores >= %.1fx one: %s" % (rg["target_2core"], ", ".join(
                "%d nodes %sx %s" % (r["nodes"], r["vs_one_core"],
                                     "met" if r["vs_one_core"] >= rg["target_2core"]
                                     else "NOT met") for r in two)))
        out.append("")
    cl = res.get("cluster")
    if cl:
        out.append("6. Home agents sharing their binding cache in etcd (3 members, TLS); "
                   "one generator per home agent")
        out.append("| case | home agents | nodes | registrations/s | p50 / p99 ms @10% | "
                   "refused (statuses) |")
        out.append("|---|---:|---:|---:|---:|---|")
        for r in cl["rows"].values():
            out.append("| %s | %d | %d | %s | %.2f / %.2f | %d %s |" % (
                r["case"], r["home_agents"], r["nodes"], fmt(r["rate_per_s"]), r["p50_ms"],
                r["p99_ms"], r["refused"], json.dumps(r.get("statuses", {}))))
        out.append("")
        cpu_rows = [r for r in cl["rows"].values() if "cpu_ms_per_ba" in r]
        if cpu_rows:
            out.append("where the CPU went, over each case's generator run (CPU ms per BA "
                       "received; machine: CPUs busy, whatever ran)")
            out.append("| case | etcd leader | etcd followers | xmip6d (all) | xmreg (all) | "
                       "sum | BAs | machine busy CPUs |")
            out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
            for r in cpu_rows:
                c = r["cpu_ms_per_ba"]
                out.append("| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %d | %.2f |" % (
                    r["case"], c["etcd_leader"], c["etcd_followers"], c["xmip6d"], c["xmreg"],
                    sum(c.values()), r["bas"], r["machine_busy_cpus"]))
            out.append("")
        if "added_p50_ms" in cl:
            out.append("the cluster adds %.2f ms to BU -> BA p50 (target <= %.0f): %s" % (
                cl["added_p50_ms"], cl["target_added_p50_ms"],
                "met" if cl["added_p50_ms"] <= cl["target_added_p50_ms"] else "NOT met"))
        if "ratio_3_to_1" in cl:
            out.append("3 home agents / 1: %.2f x the registration rate (target >= %.0f): %s" % (
                cl["ratio_3_to_1"], cl["target_ratio"],
                "met" if cl["ratio_3_to_1"] >= cl["target_ratio"] else "NOT met"))
        if "ratio_3spread_to_1" in cl:
            out.append("3 home agents on 3 members / 1: %.2f x (target >= %.0f): %s" % (
                cl["ratio_3spread_to_1"], cl["target_ratio"],
                "met" if cl["ratio_3spread_to_1"] >= cl["target_ratio"] else "NOT met"))
        out.append("")
    fo = res.get("failover")
    if fo:
        out.append("7. Failover: two home agents behind a VRRPv3 address (keepalived, 0.1 s "
                   "adverts), bindings in etcd; a UDP stream to a registered home address, "
                   "%d packets/s" % fo["events"][0]["pps"])
        out.append("| round | event | VIP from -> to | interruption ms (longest hole, packets) | "
                   "lost | receiver's longest silence ms | sender's longest stall ms | "
                   "BUs (MH messages) from the MN |")
        out.append("|---:|---|---|---:|---:|---:|---:|---:|")
        for e in fo["events"]:
            out.append("| %d | %s | %s -> %s | %s (%d) | %d | %s | %s | %d (%d) |" % (
                e["round"], e["event"], e["from"], e["to"], fmt(e["interruption_ms"]),
                e["hole_packets"], e["lost"], fmt(e["max_silence_ms"]),
                fmt(e["sender_stall_ms"]), e["mn_bu"], e["mn_mh"]))
        out.append("")
        for k in fo["kinds"].values():
            out.append("%s, %d rounds: interruption median %s ms, worst %s ms (%d packets); "
                       "lost at most %d; BUs %d; the VIP moved %d/%d" % (
                           k["desc"], k["n"], fmt(k["interruption_ms_median"]),
                           fmt(k["interruption_ms_max"]), k["hole_packets_max"], k["lost_max"],
                           k["mn_bu"], k["vip_moved"], k["n"]))
        out.append("target: every event <= %.0f ms and no Binding Update: %s" % (
            fo["target_ms"], "met" if fo["met"] else "NOT met"))
        out.append("")
    ho = res.get("handover")
    if ho:
        out.append("5. Handover, %d moves R2 <-> R3 (demo rig; ms)" % ho["n"])
        out.append("| interval | median | p95 | min-max | moves |")
        out.append("|---|---:|---:|---:|---:|")
        for k, s in ho["stats"].items():
            out.append("| %s | %s | %s | %s-%s | %d |" % (
                s["desc"], fmt(s["median"]), fmt(s["p95"]), fmt(s["min"]), fmt(s["max"]),
                s["n"]))
        out.append("")
        out.append("target: xmip6's share (detected -> BA processed) <= %.0f ms median: %s" % (
            ho["target_ms"], "met" if ho["met"] else "NOT met"))
        out.append("")
    return out


def control_csv(res, w):
    for r in (res.get("register") or {}).get("rows", []):
        w.writerow(["register", "closed-loop rate", r["nodes"], "registrations/s", r["rate"],
                    "", "", r["closed"].get("ba"), "nodes in the bindings column"])
        for p, o in r["open"].items():
            w.writerow(["register", "latency @%s%%" % p, r["nodes"], "ms", o["p50"], "",
                        o["max"], "", "p99 %s, offered %s/s" % (o["p99"], o["offered"])])
    for k, s in ((res.get("handover") or {}).get("stats") or {}).items():
        w.writerow(["handover", k, 1, "ms" if k != "lost" else "datagrams", s["median"],
                    s["min"], s["max"], s["n"], "p95 %s" % s["p95"]])


def plot_handover(res, path):
    ho = res.get("handover")
    if not ho:
        return False
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    x = [m["move"] for m in ho["moves"]]
    for k, label in (("link_up_to_bu_ms", "link up -> BU sent"),
                     ("bu_to_ba_ms", "BU -> BA (wire)"),
                     ("daemon_register_ms", "BU -> BA processed (daemon, ms)")):
        ax1.plot(x, [m.get(k) for m in ho["moves"]], marker=".", label=label)
    ax1.axhline(ho["target_ms"], color="grey", linestyle="--", label="target 5 ms")
    ax1.set_xlabel("move")
    ax1.set_ylabel("ms")
    ax1.legend(fontsize=7)
    ax1.set_title("xmip6's part of each handover")
    ax2.plot(x, [m.get("interruption_ms") for m in ho["moves"]], marker="o",
             label="data interruption")
    ax2.plot(x, [m.get("move_to_link_up_ms") for m in ho["moves"]], marker="x",
             label="rig: link moved -> link up")
    ax2.set_xlabel("move")
    ax2.set_ylabel("ms")
    ax2.set_ylim(bottom=0)
    ax2.legend(fontsize=7)
    ax2.set_title("interruption (UDP every 10 ms)")
    fig.suptitle("xmip6 handover, %s" % res["facts"]["date"], fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return True


SECTIONS = (("cost", lambda raw: cost_section(raw, 1)), ("bctr", bctr_section),
            ("live", live_section),
            ("scale", scale_section), ("profile", profile_section),
            ("register", register_section), ("handover", handover_section),
            ("cluster", cluster_section), ("failover", failover_section))


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
    res["skipped"] = [r for r in raw if r.get("item") == "skip"]
    res["failed"] = [r["section"] for r in raw if r.get("item") == "failed"]
    res["commands"] = [r["cmd"] for r in raw if r.get("item") == "cmd"]
    text = table(res)
    if plot(res, os.path.join(args.out, "scale.png")):
        text += "plot: %s\n" % os.path.join(args.out, "scale.png")
    if plot_handover(res, os.path.join(args.out, "handover.png")):
        text += "plot: %s\n" % os.path.join(args.out, "handover.png")
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
