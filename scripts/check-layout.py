#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""check-layout.py [OBJ...] - the layout rules of user/ (run by `make lint`).

1. No include circle among the project's own headers and sources: a file
   never reaches itself through `#include "..."`.
2. No circle among the folders of user/ either (user/common, user/wire, ...):
   if a file in A includes one in B, nothing in B may include, directly or
   through other folders, anything in A. The two programs' main() files
   (MAINS below) sit on top of everything and are left out of this rule.
3. The daemon names no role: nothing in user/daemon/ includes user/roles/,
   except the program's main(), which walks the role table.
4. With OBJ... (the build's user/ objects): no call circle among the objects
   either, from `nm` (defined against undefined symbols). Roles call the
   daemon; the daemon reaches roles only through what they registered.

Quoted includes resolve as the compilers see them: next to the including
file first, then -Iuser, then -Iheaders. Prints one line per violation and
exits 1 if there is any; prints nothing and exits 0 otherwise.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEARCH = ["user", "headers"]
MAINS = {"user/daemon/xmip6d.c", "user/cli/xmip6ctl.c"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def sources():
    for top in SEARCH:
        for dirpath, _, names in os.walk(os.path.join(ROOT, top)):
            for n in sorted(names):
                if n.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(dirpath, n), ROOT)


def resolve(src, name):
    for base in [os.path.dirname(src)] + SEARCH:
        p = os.path.normpath(os.path.join(base, name))
        if os.path.isfile(os.path.join(ROOT, p)):
            return p
    return None  # generated (skeletons) or a system header


def includes_of(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        text = f.read()
    return [r for r in (resolve(path, n) for n in INCLUDE.findall(text)) if r]


def cycles(graph):
    """Strongly connected components with more than one node, or a self-loop."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in graph.get(v, ()):
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def folder(path):
    parts = path.split("/")
    return "/".join(parts[:2]) if parts[0] == "user" and len(parts) > 2 else parts[0]


def call_graph(objs):
    """Object -> objects whose functions or data it uses."""
    import subprocess

    defined, used = {}, {}
    for obj in objs:
        syms = subprocess.run(["nm", obj], capture_output=True, text=True,
                              check=True).stdout.splitlines()
        used[obj] = set()
        for line in syms:
            f = line.split()
            if len(f) == 3 and f[1] in "TDBR":
                defined.setdefault(f[2], obj)
            elif len(f) == 2 and f[0] == "U":
                used[obj].add(f[1])
    return {o: {defined[s] for s in u if s in defined and defined[s] != o}
            for o, u in used.items()}


def main():
    files = {p: includes_of(p) for p in sources()}
    problems = []
    if len(sys.argv) > 1:
        for comp in cycles(call_graph(sys.argv[1:])):
            problems.append("call circle: " + " <-> ".join(comp))

    for comp in cycles(files):
        problems.append("include circle: " + " -> ".join(comp))

    folders = {}
    for p, incs in files.items():
        if p in MAINS:
            continue
        for i in incs:
            if folder(i) != folder(p):
                folders.setdefault(folder(p), set()).add(folder(i))
    for comp in cycles(folders):
        why = [
            "%s includes %s" % (p, i)
            for p, incs in sorted(files.items())
            if p not in MAINS and folder(p) in comp
            for i in incs
            if folder(i) in comp and folder(i) != folder(p)
        ]
        problems.append("folder circle: %s (%s)" % (" <-> ".join(comp), "; ".join(why)))

    for p, incs in sorted(files.items()):
        if folder(p) == "user/daemon" and p not in MAINS:
            problems += ["%s includes %s: the daemon names no role" % (p, i)
                         for i in incs if folder(i) == "user/roles"]

    for line in problems:
        print("check-layout: " + line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
