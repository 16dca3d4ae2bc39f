#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""http_peer.py - HTTP clients for the metrics endpoint tests, good and bad.

  http_peer.py get URL [--method M] [--header-octets N] [--out FILE]
      One request (Python's http.client, nothing of xmip6): prints
      {"status": n, "length": n, "content_type": s}, the body to FILE;
      status 0 when the server closed the connection without an answer.
  http_peer.py query URL EXPR
      Prometheus's HTTP API /api/v1/query: prints the result vector as
      {"METRIC{LABELS}": [timestamp, value], ...}, labels sorted, without
      the instance and job labels Prometheus adds.
  http_peer.py targets URL
      Prometheus's /api/v1/targets: prints [{"url": ..., "health": ...,
      "last_error": ...}, ...].
  http_peer.py junk HOST PORT --conns N --slowloris N --seconds S --status FILE
      Hold N connections that send a few octets of garbage and nothing more,
      and N slowloris clients that send one header line of a GET every
      0.5 s and never end it, for S seconds; a connection the server closes
      is opened again. FILE gets {"open": n, "dialled": n, "reopened": n}
      (connections open now, connected so far, closed by the server) as it
      changes.
"""
import argparse
import http.client
import json
import os
import socket
import sys
import time
import urllib.parse
import urllib.request


def get(a):
    u = urllib.parse.urlsplit(a.url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    headers = {}
    if a.header_octets:
        headers["X-Filler"] = "a" * a.header_octets
    try:
        conn.request(a.method, u.path or "/", headers=headers)
        r = conn.getresponse()
        body = r.read()
        out = {"status": r.status, "length": len(body),
               "content_type": r.getheader("Content-Type"), "allow": r.getheader("Allow")}
    except (ConnectionError, http.client.HTTPException, socket.timeout):
        body, out = b"", {"status": 0, "length": 0, "content_type": None, "allow": None}
    if a.out:
        with open(a.out, "wb") as f:
            f.write(body)
    print(json.dumps(out))
    return 0


def api(url, path, params=None):
    q = "?" + urllib.parse.urlencode(params) if params else ""
    with urllib.request.urlopen(url.rstrip("/") + path + q, timeout=10) as r:
        return json.load(r)


def query(a):
    d = api(a.url, "/api/v1/query", {"query": a.expr})
    out = {}
    for s in d["data"]["result"]:
        m = dict(s["metric"])
        name = m.pop("__name__", "")
        for scrape_label in ("instance", "job"):  # Prometheus's, not the target's
            m.pop(scrape_label, None)
        labels = ",".join('%s="%s"' % (k, m[k]) for k in sorted(m))
        out[name + ("{%s}" % labels if labels else "")] = [s["value"][0], s["value"][1]]
    print(json.dumps(out, sort_keys=True))
    return 0


def targets(a):
    d = api(a.url, "/api/v1/targets")
    print(json.dumps([{"url": t["scrapeUrl"], "health": t["health"],
                       "last_error": t.get("lastError", "")}
                      for t in d["data"]["activeTargets"]]))
    return 0


def junk(a):
    deadline = time.monotonic() + a.seconds
    socks = []  # [socket, kind, next send time]
    reopened = dialled = 0
    last = None

    def dial(kind):
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.settimeout(1)
        try:
            s.connect((a.host, a.port))
            s.sendall(b"\x16\x03\x01 junk" if kind == "junk" else
                      b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
        except OSError:
            s.close()
            return None
        s.setblocking(False)
        return [s, kind, time.monotonic() + 0.5]

    want = {"junk": a.conns, "slow": a.slowloris}
    while time.monotonic() < deadline:
        for kind, n in want.items():
            have = sum(1 for c in socks if c[1] == kind)
            for _ in range(n - have):
                c = dial(kind)
                if not c:
                    break
                socks.append(c)
                dialled += 1
        now = time.monotonic()
        for c in list(socks):
            s, kind, due = c
            closed = False
            try:
                closed = s.recv(4096) == b""  # an answer, then usually the close
            except BlockingIOError:
                pass
            except OSError:
                closed = True
            if not closed and kind == "slow" and now >= due:
                try:
                    s.send(b"X-Slow: %d\r\n" % int(now * 1000))
                    c[2] = now + 0.5
                except OSError:
                    closed = True
            if closed:
                s.close()
                socks.remove(c)
                reopened += 1
        state = {"open": len(socks), "dialled": dialled, "reopened": reopened}
        if state != last:
            tmp = a.status + ".tmp"
            with open(tmp, "w") as f:
                json.dump(state, f)
            os.rename(tmp, a.status)
            last = state
        time.sleep(0.05)
    for c in socks:
        c[0].close()
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("get")
    g.add_argument("url")
    g.add_argument("--method", default="GET")
    g.add_argument("--header-octets", type=int, default=0)
    g.add_argument("--out")
    q = sub.add_parser("query")
    q.add_argument("url")
    q.add_argument("expr")
    t = sub.add_parser("targets")
    t.add_argument("url")
    j = sub.add_parser("junk")
    j.add_argument("host")
    j.add_argument("port", type=int)
    j.add_argument("--conns", type=int, default=100)
    j.add_argument("--slowloris", type=int, default=5)
    j.add_argument("--seconds", type=float, default=30)
    j.add_argument("--status", required=True)
    a = p.parse_args()
    return {"get": get, "query": query, "targets": targets, "junk": junk}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
