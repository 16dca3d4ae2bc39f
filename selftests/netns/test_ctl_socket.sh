#!/usr/bin/env bash
# The control socket (user/daemon/ctl.c) and xmip6ctl's side of it.
#
# The daemon end is build/selftests/ctl_server, a TEST FIXTURE that serves
# canned replies from a JSON file written below: it exercises the transport and
# xmip6ctl's printers and routing, not xmip6d. Checked here:
#  - each command's text and -j output against what the fixture served (Python
#    computes the expected cells itself), and the requests xmip6ctl sent;
#  - routing: -s -> socket, -p -> maps, neither -> the default socket if it
#    answers, else the maps (binding, stats) or an error (bul, home-agents);
#  - the server against raw Python clients: garbage, no "command", unknown
#    command, 70 KiB, a silent client, a dribbling one, early hang-ups;
#  - the client against a broken daemon: garbage reply, no reply, a stall;
#  - socket file: directories created 0755, socket 0660, a stale socket
#    replaced, a live one left alone (EADDRINUSE), removed on exit.
# shellcheck disable=SC2016 # bash -c scripts get their values as "$1"...
set -u
cd "$(dirname "$0")/../.." || exit 1
build=${XMIP6_BUILD:-$PWD/build}
ctl=$build/xmip6ctl
srv=$build/selftests/ctl_server
py=${PYTHON:-/usr/bin/python3}
ns=xmsock$$
pin=/sys/fs/bpf/xmip6-$ns
dir=$(mktemp -d "${TMPDIR:-/tmp}/xmip6-ctl-test.XXXXXX") || exit 1
n=0
failed=0
pids=()

cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	[ -d "$pin" ] && nsenter --net="/run/netns/$ns" "$ctl" -p "$pin" unload >/dev/null 2>&1
	ip netns del "$ns" 2>/dev/null
	rm -rf "$pin" "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; failed=1; }
check() { # check DESCRIPTION COMMAND...: passes when COMMAND succeeds
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

for f in "$ctl" "$srv"; do
	[ -x "$f" ] || { echo "not ok 1 - $f not built (make)"; exit 1; }
done

# ---- fixture data and helpers ------------------------------------------------

cat >"$dir/canned.json" <<'EOF'
{
 "binding-show": {"result": {"bindings": [
   {"home_addr": "2001:db8:1::100", "care_of_addr": "2001:db8:20::100", "ha_addr": "2001:db8:1::a",
    "lifetime": 600, "remaining": 540, "expired": false, "sequence": 7, "flags": "AH", "age": 60,
    "state": "registered"},
   {"home_addr": "2001:db8:1::101", "care_of_addr": "2001:db8:20::101", "ha_addr": "2001:db8:1::a",
    "lifetime": null, "remaining": null, "expired": false, "sequence": 0, "flags": "-", "age": 5},
   {"home_addr": "2001:db8:1::102", "care_of_addr": "2001:db8:20::102", "ha_addr": "2001:db8:1::a",
    "lifetime": 60, "remaining": 0, "expired": true, "sequence": 65535, "flags": "AHLK", "age": 61,
    "state": "expired"}]}},
 "bul-show": {"result": {"bul": [
   {"home_addr": "2001:db8:1::100", "care_of_addr": "2001:db8:20::100", "ha_addr": "2001:db8:1::a",
    "state": "registered", "sequence": 12, "lifetime_requested": 600, "lifetime_granted": 600,
    "remaining": 512, "retransmissions": 0, "next_send": 487.5, "last_status": 0,
    "last_status_text": "Binding Update accepted"},
   {"home_addr": "2001:db8:1::200", "care_of_addr": "2001:db8:30::200", "ha_addr": "2001:db8:1::b",
    "state": "registering", "sequence": 3, "lifetime_requested": 600, "lifetime_granted": 0,
    "remaining": null, "retransmissions": 4, "next_send": null, "last_status": null,
    "last_status_text": ""},
   {"home_addr": "2001:db8:1::300", "care_of_addr": "2001:db8:40::300", "ha_addr": "2001:db8:1::b",
    "state": "failed", "sequence": 9, "lifetime_requested": 3600, "lifetime_granted": 0,
    "remaining": null, "retransmissions": 7, "next_send": 31.9, "last_status": 129,
    "last_status_text": "Administratively prohibited"}]}},
 "stats-show": {"result": {
   "messages": {"rx": {"BU": 12, "BA": 0, "BRR": 0}, "tx": {"BU": 0, "BA": 12, "BE": 2}},
   "ba_status": {"sent": {"accepted": 11, "prohibited": 1}, "received": {"accepted": 0}},
   "drops": {"bad_checksum": 0, "no_auth": 3, "a_counter_no_client_knows": 42},
   "dataplane": {"ha_encap_fwd": 18446744073709551615, "rx_malformed": 0, "expired_binding": 5}}},
 "home-agents-show": {"result": {"home_agents": [
   {"address": "2001:db8:1::a", "preference": 10, "lifetime": 1800, "interface": "eth0",
    "source": "ra"},
   {"address": "2001:db8:1::b", "preference": 0, "lifetime": null, "interface": null,
    "source": "config"}]}},
 "binding-add": {"result": {}},
 "binding-del": {"status": -2, "error": "no binding for 2001:db8:1::999"},
 "binding-flush": {"result": {"deleted": 3}},
 "stats-clear": {"result": {}}
}
EOF
echo '{"binding-show": {"result": {"bindings": []}}, "bul-show": {"result": {"bul": []}},
      "home-agents-show": {"result": {"home_agents": []}}}' \
	>"$dir/empty.json"

# The expected text of each table, computed from the canned JSON here, and
# xmip6ctl's table read back by column position; stats read back by indent.
cat >"$dir/check.py" <<'EOF'
import json, os, sys

sys.path.insert(0, os.path.join(os.getcwd(), "selftests", "lib"))
from ctl_table import binding_cells as binding, num, table  # noqa: E402

def bul(b):
    st = num(b["last_status"], "-")
    if b["last_status"] is not None and b["last_status_text"]:
        st += " (%s)" % b["last_status_text"]
    # The home agent's entry has no "peer"; a correspondent's has no "ha_addr".
    return [b["home_addr"], b["care_of_addr"], b.get("ha_addr", "-"), b.get("peer", "-"),
            b["state"], str(b["sequence"]),
            num(b["lifetime_requested"], "-"), num(b["lifetime_granted"], "-"),
            num(b["remaining"], "-"), str(b["retransmissions"]), num(b["next_send"], "-"), st]

def home_agent(h):
    return [h["address"], str(h["preference"]), num(h["lifetime"], "infinite"),
            num(h["interface"], "-"), h["source"]]

TABLES = {
    "binding-show": ("bindings", ["Home Address", "Care-of Address", "Home Agent", "Lifetime",
                                  "Remaining", "Seq", "Flags", "Age"], binding),
    "bul-show": ("bul", ["Home Address", "Care-of Address", "Home Agent", "Correspondent",
                         "State", "Seq",
                         "Requested", "Granted", "Remaining", "Retrans", "Next Send",
                         "Last Status"], bul),
    "home-agents-show": ("home_agents", ["Address", "Preference", "Lifetime", "Interface",
                                         "Source"], home_agent),
}

def stats(text):
    """Nested sections back from "name:" headings and indented name/value lines."""
    root = {}
    stack = [(-1, root)]
    for line in text.split("\n"):
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        while stack[-1][0] >= indent:
            stack.pop()
        words = line.split()
        if line.endswith(":") and len(words) == 1:
            sec = {}
            stack[-1][1][words[0][:-1]] = sec
            stack.append((indent, sec))
        else:
            stack[-1][1][words[0]] = int(words[1])
    return root

def main():
    mode, canned, cmd, out = sys.argv[1], sys.argv[2], sys.argv[3], sys.stdin.read()
    result = json.load(open(canned))[cmd]["result"]
    if mode == "json":
        got = json.loads(out)
        assert got == result, (got, result)
    elif mode == "stats":
        got = stats(out)
        assert got == result, (got, result)
    else:
        key, titles, row = TABLES[cmd]
        items = result[key]
        if cmd == "binding-show" and any("state" in b for b in items):
            titles = titles + ["State"]
        got_titles, got_rows = table(out)
        assert got_titles == titles, (got_titles, titles)
        want = [row(i) + ([i.get("state", "-")] if titles[-1] == "State" and
                          cmd == "binding-show" else []) for i in items]
        assert got_rows == want, (got_rows, want)

main()
EOF

# Raw clients and fake daemons, for what xmip6ctl never does.
cat >"$dir/cl.py" <<'EOF'
import json, os, socket, sys, time

def conn(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(15)
    s.connect(path)
    return s

def read_all(s):
    data = b""
    while True:
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        data += chunk
    return data

def exchange(path, payload, shut=True):
    s = conn(path)
    t0 = time.monotonic()
    try:
        s.sendall(payload)
        if shut:
            s.shutdown(socket.SHUT_WR)
    except (BrokenPipeError, ConnectionResetError):
        pass
    if shut:
        data = read_all(s)
    else:  # the reply ends with a newline; the server must not wait for our EOF
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    return data, time.monotonic() - t0

mode, path = sys.argv[1], sys.argv[2]
if mode == "send":  # send ARG as is; print {"reply": parsed or raw, "elapsed": s}
    data, el = exchange(path, sys.argv[3].encode(), shut=len(sys.argv) < 5)
    try:
        reply = json.loads(data)
    except ValueError:
        reply = data.decode(errors="replace")
    print(json.dumps({"reply": reply, "elapsed": el}))
elif mode == "big":  # a request of ARG octets, valid JSON
    n = int(sys.argv[3])
    head = '{"command":"binding-show","args":{"pad":"'
    payload = head + "x" * (n - len(head) - 3) + '"}}'
    assert len(payload) == n
    data, el = exchange(path, payload.encode())
    print(json.dumps({"reply": json.loads(data), "elapsed": el}))
elif mode == "idle":  # connect, send nothing: when and how does the server let go?
    s = conn(path)
    t0 = time.monotonic()
    data = read_all(s)
    print(json.dumps({"reply": json.loads(data) if data else None,
                      "elapsed": time.monotonic() - t0}))
elif mode == "dribble":  # one octet of a request every 0.3 s
    s = conn(path)
    t0 = time.monotonic()
    payload = b'{"command": "binding-show", "args": {}}' + b" " * 100
    try:
        for i in range(len(payload)):
            s.send(payload[i:i + 1])
            time.sleep(0.3)
            if time.monotonic() - t0 > 8:
                break
    except (BrokenPipeError, ConnectionResetError):
        pass
    print(json.dumps({"elapsed": time.monotonic() - t0}))
elif mode == "early":  # ask for something slow and hang up before the answer
    s = conn(path)
    s.sendall(b'{"command":"sleep","args":{"ms":300}}')
    s.close()
elif mode == "hangup":  # connect and hang up without a word
    conn(path).close()
elif mode == "half":  # half a request, then hang up
    s = conn(path)
    s.sendall(b'{"command":"binding-sh')
    s.close()
elif mode == "stale":  # a socket file nobody listens on any more
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.close()
elif mode == "fake":  # a broken daemon: answer one request with ARG (or not at all)
    reply, ready = sys.argv[3], sys.argv[4]
    ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ls.bind(path)
    ls.listen(4)
    open(ready, "w").close()
    ls.settimeout(20)
    c, _ = ls.accept()
    c.settimeout(20)
    c.recv(65536)
    if reply == "STALL":
        time.sleep(13)
    elif reply != "CLOSE":
        c.sendall(reply.encode())
    c.close()
    os.unlink(path)
EOF

# start_server SOCKET CANNED [OPTIONS]: sets srv_pid; fails if it does not listen in 5 s.
start_server() {
	local sock=$1 canned=$2 ready
	shift 2
	ready=$dir/ready.$RANDOM
	"$srv" -t 300 -r "$ready" "$@" "$sock" "$canned" 2>>"$dir/server.err" &
	srv_pid=$!
	pids+=("$srv_pid")
	for _ in $(seq 50); do
		[ -e "$ready" ] && return 0
		kill -0 "$srv_pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
stop_server() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

# raw SOCKET MODE ARGS...: the Python client's JSON line.
raw() { timeout 30 "$py" "$dir/cl.py" "$@"; }
# jq-less field test: jtrue JSON EXPRESSION (x is the parsed JSON).
jtrue() { "$py" -c 'import json,sys; x=json.loads(sys.argv[1]); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2" || { echo "# $1"; return 1; }; }

sock=$dir/run/sub/xmip6d.sock
log=$dir/requests.log
s() { timeout 30 "$ctl" -s "$sock" "$@"; }
sq() { s "$@" >/dev/null; }
log_lines() { wc -l <"$log"; }

# ---- the socket file ---------------------------------------------------------

old_umask=$(umask)
umask 077
start_server "$sock" "$dir/canned.json" -l "$log" || {
	echo "not ok 1 - ctl_server did not start: $(cat "$dir/server.err")"
	exit 1
}
umask "$old_umask"
main_pid=$srv_pid
check "missing directories created 0755 (even under umask 077)" \
	test "$(stat -c %a "$dir/run")" = 755 -a "$(stat -c %a "$dir/run/sub")" = 755
check "socket created with mode 0660" test -S "$sock" -a "$(stat -c %a "$sock")" = 660

# ---- each command through the socket: text and -j ---------------------------

for cmd in "binding show:binding-show" "bul show:bul-show" "home-agents show:home-agents-show"; do
	words=${cmd%%:*} name=${cmd#*:}
	# shellcheck disable=SC2086 # the words are the arguments
	out=$(s $words) && rc=0 || rc=$?
	check "$words (text): the table of what the daemon sent" \
		bash -c '[ "$1" = 0 ] && "$2" "$3" table "$4" "$5" <<<"$6"' _ "$rc" "$py" \
		"$dir/check.py" "$dir/canned.json" "$name" "$out"
	# shellcheck disable=SC2086
	out=$(s -j $words) && rc=0 || rc=$?
	check "$words -j: the result as served" \
		bash -c '[ "$1" = 0 ] && "$2" "$3" json "$4" "$5" <<<"$6"' _ "$rc" "$py" \
		"$dir/check.py" "$dir/canned.json" "$name" "$out"
done
out=$(s stats show) && rc=0 || rc=$?
check "stats show (text): every section and counter, zeros and a u64 included" \
	bash -c '[ "$1" = 0 ] && "$2" "$3" stats "$4" stats-show <<<"$5"' _ "$rc" "$py" \
	"$dir/check.py" "$dir/canned.json" "$out"
check "stats show (text): a data plane counter carries its description" \
	grep -Eq '^  ha_encap_fwd +18446744073709551615  .+' <<<"$out"
out=$(s -j stats) && rc=0 || rc=$?
check "stats -j: the result as served" \
	bash -c '[ "$1" = 0 ] && "$2" "$3" json "$4" stats-show <<<"$5"' _ "$rc" "$py" \
	"$dir/check.py" "$dir/canned.json" "$out"

: >"$log"
check "binding add through the socket" s binding add 2001:db8:1::7 2001:db8:20::7 ha 2001:db8:1::a lifetime 60
check "binding add without ha/lifetime" s binding add 2001:db8:1::8 2001:db8:20::8
check "binding show with filters" \
	sq binding show home-address 2001:db8:1::7 care-of-address 2001:db8:20::7
check "binding flush through the socket" s binding flush
check "stats clear through the socket" s stats clear
check "the requests sent: commands and args as docs/control-protocol.md says" "$py" -c '
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
want = [
 {"command": "binding-add", "args": {"home_addr": "2001:db8:1::7", "care_of_addr": "2001:db8:20::7",
                                     "ha_addr": "2001:db8:1::a", "lifetime": 60}},
 {"command": "binding-add", "args": {"home_addr": "2001:db8:1::8", "care_of_addr": "2001:db8:20::8"}},
 {"command": "binding-show", "args": {"home_addr": "2001:db8:1::7", "care_of_addr": "2001:db8:20::7"}},
 {"command": "binding-flush", "args": {}},
 {"command": "stats-clear", "args": {}}]
assert got == want, got' "$log"
out=$(s -j binding flush)
check "binding flush -j prints the result ({\"deleted\": 3})" jtrue "$out" 'x == {"deleted": 3}'
out=$(s binding add 2001:db8:1::9 2001:db8:20::9)
check "a change prints nothing without -j" test -z "$out"

err=$(s binding del 2001:db8:1::999 2>&1 >/dev/null) && rc=0 || rc=$?
check "daemon error: exit 1 and exactly \"xmip6ctl: <its error text>\"" \
	test "$rc" = 1 -a "$err" = "xmip6ctl: no binding for 2001:db8:1::999"
err=$(s home-agents frob 2>&1) && rc=0 || rc=$?
check "home-agents frob: refused as bad input" \
	bash -c '[ "$1" = 1 ] && grep -q "^xmip6ctl: unknown command \"home-agents frob\"" <<<"$2"' _ "$rc" "$err"

before=$(log_lines)
for bad in "binding add zzz 2001:db8:20::1" "binding add 2001:db8:1::1 2001:db8:1::1" \
	"binding add 2001:db8:1::1 2001:db8:20::1 lifetime 0" "binding del ff02::1" \
	"binding show home-address ::1" "binding flush now" "stats show more" "bul show all"; do
	# shellcheck disable=SC2086 # the words are the arguments
	err=$(s $bad 2>&1 >/dev/null) && rc=0 || rc=$?
	check "refused locally, one clear line and usage: $bad" \
		bash -c '[ "$1" = 1 ] && [ "$(grep -c "^xmip6ctl: " <<<"$2")" = 1 ] &&
			grep -q "^Usage: xmip6ctl " <<<"$2"' _ "$rc" "$err"
done
check "nothing reached the daemon from refused input" test "$(log_lines)" = "$before"
err=$(timeout 10 "$ctl" -s "$dir/nothing-here" binding add zzz 2001:db8:20::1 2>&1)
check "bad input is refused before connecting (no \"no xmip6d\" for it)" \
	bash -c 'grep -q "not an IPv6 address" <<<"$1" && ! grep -q "no xmip6d" <<<"$1"' _ "$err"

# ---- the server against raw clients -------------------------------------------

out=$(raw send "$sock" 'this is not json')
check "garbage: status -EINVAL, \"malformed JSON\"" jtrue "$out" \
	'x["reply"]["status"] == -22 and "malformed JSON" in x["reply"]["error"]'
out=$(raw send "$sock" '{"args": {}}')
check "no \"command\": status -EINVAL" jtrue "$out" \
	'x["reply"]["status"] == -22 and "command" in x["reply"]["error"]'
out=$(raw send "$sock" '{"command": 5}')
check "\"command\" not a string: status -EINVAL" jtrue "$out" 'x["reply"]["status"] == -22'
out=$(raw send "$sock" '{"command": "frobnicate", "args": {}}')
check "unknown command: status -EINVAL, named" jtrue "$out" \
	'x["reply"]["status"] == -22 and "unknown command \"frobnicate\"" in x["reply"]["error"]'
out=$(raw send "$sock" '{"command": "binding-show", "args": [1]}')
check "\"args\" not an object: status -EINVAL" jtrue "$out" 'x["reply"]["status"] == -22'
out=$(raw send "$sock" '[1, 2]')
check "a request that is not an object: status -EINVAL" jtrue "$out" 'x["reply"]["status"] == -22'
out=$(raw send "$sock" '{"command": "binding-show"')
check "truncated JSON then EOF: status -EINVAL, incomplete" jtrue "$out" \
	'x["reply"]["status"] == -22 and "incomplete" in x["reply"]["error"]'
out=$(raw send "$sock" '{"command": "binding-show"} {"command": "stats-show"}')
check "two objects in one request: status -EINVAL" jtrue "$out" 'x["reply"]["status"] == -22'
out=$(raw send "$sock" '{"command": "binding-show", "args": {}}')
check "a good request: status 0 and the canned result" jtrue "$out" \
	'x["reply"]["status"] == 0 and len(x["reply"]["result"]["bindings"]) == 3'
out=$(raw send "$sock" '{"command": "binding-show", "args": null}')
check "\"args\": null is an empty object" jtrue "$out" 'x["reply"]["status"] == 0'
out=$(echo '{"command": "home-agents-show"}' | timeout 10 socat -t 5 - "UNIX-CONNECT:$sock")
check "socat as a client (the docs' example): status 0 and the canned result" \
	jtrue "$out" 'x["status"] == 0 and x["result"]["home_agents"][1]["source"] == "config"'
out=$(raw send "$sock" '{"command": "binding-show"}' noshut)
check "a client that does not shut down its write side is answered at once" jtrue "$out" \
	'x["reply"]["status"] == 0 and x["elapsed"] < 1'
out=$(raw big "$sock" $((70 * 1024)))
check "70 KiB request: refused with -EMSGSIZE" jtrue "$out" \
	'x["reply"]["status"] == -90 and "65536" in x["reply"]["error"]'
out=$(raw big "$sock" $((60 * 1024)))
check "60 KiB request (under the limit): served" jtrue "$out" 'x["reply"]["status"] == 0'
out=$(raw send "$sock" '{"command": "sleep", "args": {"ms": "x"}}')
check "a handler's error reaches the client as status and text" jtrue "$out" \
	'x["reply"]["status"] == -22 and "sleep" in x["reply"]["error"]'

# A silent client holds the server at most CTL_IO_TIMEOUT_MS (2 s); the next
# one is served right after, and the silent one gets -ETIMEDOUT.
raw idle "$sock" >"$dir/idle.out" &
idle_pid=$!
sleep 0.3
t0=$(now_ms)
out=$(s -j binding show) && rc=0 || rc=$?
t1=$(now_ms)
wait "$idle_pid"
check "while a client sends nothing, another is served within ~2 s ($((t1 - t0)) ms)" \
	test "$rc" = 0 -a $((t1 - t0)) -lt 3000
check "the silent client is answered -ETIMEDOUT after ~2 s" jtrue "$(cat "$dir/idle.out")" \
	'1.5 < x["elapsed"] < 3.5 and x["reply"]["status"] == -110'

raw dribble "$sock" >"$dir/dribble.out" &
drib_pid=$!
sleep 0.3
t0=$(now_ms)
out=$(s -j bul show) && rc=0 || rc=$?
t1=$(now_ms)
wait "$drib_pid"
check "a client dribbling one octet per 0.3 s delays others by ~2 s at most ($((t1 - t0)) ms)" \
	test "$rc" = 0 -a $((t1 - t0)) -lt 3000
check "the dribbling client is cut off after ~2 s in all" jtrue "$(cat "$dir/dribble.out")" \
	'x["elapsed"] < 4'

raw early "$sock"
raw hangup "$sock"
raw half "$sock"
sleep 0.5
out=$(s -j home-agents show) && rc=0 || rc=$?
check "clients that hang up early (before the reply, silently, mid-request) harm nothing" \
	bash -c '[ "$1" = 0 ] && kill -0 "$2"' _ "$rc" "$main_pid"

# A busy daemon (the fixture's "sleep"): the client waits for it.
raw send "$sock" '{"command": "sleep", "args": {"ms": 1500}}' >/dev/null &
sleep_pid=$!
sleep 0.2
out=$(s -j binding show) && rc=0 || rc=$?
wait "$sleep_pid"
check "a client waits for a daemon busy for 1.5 s" \
	bash -c '[ "$1" = 0 ] && "$2" "$3" json "$4" binding-show <<<"$5"' _ "$rc" "$py" \
	"$dir/check.py" "$dir/canned.json" "$out"

# ---- the client against broken daemons -----------------------------------------

fake() { # fake REPLY: one-shot broken daemon at $dir/fake.sock; sets fake_pid
	rm -f "$dir/fake.ready"
	timeout 30 "$py" "$dir/cl.py" fake "$dir/fake.sock" "$1" "$dir/fake.ready" &
	fake_pid=$!
	pids+=("$fake_pid")
	for _ in $(seq 50); do [ -e "$dir/fake.ready" ] && break; sleep 0.1; done
}
fake 'this is not json'
err=$(timeout 30 "$ctl" -s "$dir/fake.sock" bul show 2>&1) && rc=0 || rc=$?
wait "$fake_pid"
check "a garbage reply: exit 1, \"malformed reply\"" \
	bash -c '[ "$1" = 1 ] && grep -q "^xmip6ctl: malformed reply from the daemon" <<<"$2"' _ "$rc" "$err"
fake '{"result": {}}'
err=$(timeout 30 "$ctl" -s "$dir/fake.sock" bul show 2>&1) && rc=0 || rc=$?
wait "$fake_pid"
check "a reply without \"status\": exit 1, malformed" \
	bash -c '[ "$1" = 1 ] && grep -q "^xmip6ctl: malformed reply" <<<"$2"' _ "$rc" "$err"
fake '{"status": 0, "result": {"bul": 5}}'
err=$(timeout 30 "$ctl" -s "$dir/fake.sock" bul show 2>&1) && rc=0 || rc=$?
wait "$fake_pid"
check "a result without the list: exit 1, malformed" \
	bash -c '[ "$1" = 1 ] && grep -q "^xmip6ctl: malformed reply.*\"bul\"" <<<"$2"' _ "$rc" "$err"
fake CLOSE
err=$(timeout 30 "$ctl" -s "$dir/fake.sock" bul show 2>&1) && rc=0 || rc=$?
wait "$fake_pid"
check "no reply at all: exit 1, said so" \
	bash -c '[ "$1" = 1 ] && grep -q "^xmip6ctl: the daemon closed the connection without a reply" <<<"$2"' \
	_ "$rc" "$err"
fake STALL
t0=$(now_ms)
err=$(timeout 30 "$ctl" -s "$dir/fake.sock" bul show 2>&1) && rc=0 || rc=$?
t1=$(now_ms)
kill "$fake_pid" 2>/dev/null
wait "$fake_pid" 2>/dev/null
rm -f "$dir/fake.sock"
check "a stalled daemon: the client gives up after 10 s ($((t1 - t0)) ms)" \
	bash -c '[ "$1" = 1 ] && grep -q "^xmip6ctl: no reply from the daemon within 10 s" <<<"$2" &&
		[ "$3" -ge 9500 ] && [ "$3" -lt 12500 ]' _ "$rc" "$err" $((t1 - t0))

# ---- socket file life cycle ------------------------------------------------------

ino=$(stat -c %i "$sock")
err=$(timeout 10 "$srv" -t 5 "$sock" "$dir/canned.json" 2>&1) && rc=0 || rc=$?
check "a second server on a live socket: EADDRINUSE" \
	bash -c '[ "$1" = 1 ] && grep -q "Address already in use" <<<"$2"' _ "$rc" "$err"
check "...and the live socket is left alone and still answers" \
	bash -c '[ "$(stat -c %i "$1")" = "$2" ] && "$3" -s "$1" binding show >/dev/null' _ "$sock" "$ino" "$ctl"

stale=$dir/stale.sock
raw stale "$stale"
check "a stale socket file is refused by connect (ECONNREFUSED)" \
	bash -c '! "$1" "$2" send "$3" "{}" 2>/dev/null' _ "$py" "$dir/cl.py" "$stale"
check "a server replaces a stale socket file" start_server "$stale" "$dir/empty.json"
out=$(timeout 10 "$ctl" -s "$stale" binding show)
check "...and serves on it (an empty table says so: no bindings)" test "$out" = "no bindings"
out=$(timeout 10 "$ctl" -s "$stale" bul show)
check "an empty Binding Update List says so" test "$out" = "no Binding Update List entries"
out=$(timeout 10 "$ctl" -s "$stale" home-agents show)
check "an empty home agent list says so" test "$out" = "no home agents known"
out=$(timeout 10 "$ctl" -s "$stale" -j binding show)
check "...and -j still prints the empty list" jtrue "$out" 'x["bindings"] == []'
stop_server "$srv_pid"
check "SIGTERM: the server removes its socket" test ! -e "$stale"

echo keep >"$dir/regular"
err=$(timeout 10 "$srv" -t 5 "$dir/regular" "$dir/canned.json" 2>&1) && rc=0 || rc=$?
check "a regular file where the socket goes: refused and kept" \
	bash -c '[ "$1" = 1 ] && grep -q "not a socket" <<<"$2" && [ "$(cat "$3")" = keep ]' _ "$rc" "$err" "$dir/regular"

start_server "$dir/n2.sock" "$dir/canned.json" -n 2
n2=$srv_pid
s2() { timeout 10 "$ctl" -s "$dir/n2.sock" "$@" >/dev/null; }
s2 bul show && s2 binding show
for _ in $(seq 30); do kill -0 "$n2" 2>/dev/null || break; sleep 0.1; done
kill -0 "$n2" 2>/dev/null && kill -KILL "$n2" # still there after 3 s: fail, do not hang
wait "$n2"
rc=$?
check "fixture -n 2: exits 0 after two requests and removes its socket" \
	test "$rc" = 0 -a ! -e "$dir/n2.sock"

# ---- routing: the daemon or the maps ------------------------------------------------

mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
ip netns add "$ns" || exit 1
ip -n "$ns" link add v0 type veth peer name v1 && ip -n "$ns" link set v0 up || exit 1
x() { timeout 30 nsenter --net="/run/netns/$ns" "$ctl" "$@"; }
check "attach an instance (maps for the routing tests)" \
	x -p "$pin" attach v0 role ha address 2001:db8:1::a max-bindings 64
check "a binding in the maps" x -p "$pin" binding add 2001:db8:5::5 2001:db8:50::5 lifetime 300
absent=$dir/absent.sock
inmaps() { grep -q '^2001:db8:5::5 ' <<<"$1" && ! grep -q 2001:db8:1::101 <<<"$1"; }
indaemon() { grep -q '^2001:db8:1::101 ' <<<"$1" && ! grep -q 2001:db8:5::5 <<<"$1"; }

before=$(log_lines)
out=$(x -p "$pin" -s "$sock" binding show)
check "-s with -p: binding show asks the daemon" indaemon "$out"
out=$(XMIP6_SOCKET=$sock x -p "$pin" binding show)
check "-p without -s: binding show reads the maps even though the default socket answers" inmaps "$out"
out=$(XMIP6_SOCKET=$sock x -p "$pin" -j stats show)
check "-p without -s: stats show reads the maps (flat data plane counters)" \
	jtrue "$out" '"ha_encap_fwd" in x and "messages" not in x'
check "-p without -s: only the -s request reached the daemon" test "$(log_lines)" = $((before + 1))
out=$(XMIP6_SOCKET=$sock XMIP6_PIN_DIR=$pin x binding show)
check "neither -s nor -p, default socket answers: the daemon" indaemon "$out"
out=$(XMIP6_SOCKET=$sock XMIP6_PIN_DIR=$pin x -j stats show)
check "neither -s nor -p, default socket answers: stats from the daemon" \
	jtrue "$out" '"messages" in x and "dataplane" in x'
out=$(XMIP6_SOCKET=$sock x -p "$pin" bul show)
check "-p without -s: bul show still asks the default socket (nothing else has it)" \
	grep -q '^2001:db8:1::300 ' <<<"$out"

out=$(XMIP6_SOCKET=$absent XMIP6_PIN_DIR=$pin x binding show)
check "neither -s nor -p, no daemon: binding show reads the maps" inmaps "$out"
check "neither -s nor -p, no daemon: binding add/del on the maps" bash -c "
	export XMIP6_SOCKET='$absent' XMIP6_PIN_DIR='$pin'
	nsenter --net=/run/netns/$ns '$ctl' binding add 2001:db8:5::6 2001:db8:50::6 &&
	nsenter --net=/run/netns/$ns '$ctl' binding show | grep -q '^2001:db8:5::6 ' &&
	nsenter --net=/run/netns/$ns '$ctl' binding del 2001:db8:5::6 &&
	! nsenter --net=/run/netns/$ns '$ctl' binding show | grep -q '^2001:db8:5::6 '"
out=$(XMIP6_SOCKET=$absent XMIP6_PIN_DIR=$pin x -j stats show)
check "neither -s nor -p, no daemon: stats show reads the maps" jtrue "$out" '"ha_encap_fwd" in x'
for cmd in "bul show" "home-agents show"; do
	# shellcheck disable=SC2086
	err=$(XMIP6_SOCKET=$absent XMIP6_PIN_DIR=$pin x $cmd 2>&1 >/dev/null) && rc=0 || rc=$?
	check "no daemon: $cmd says so in one line and exits 1" test "$rc" = 1 -a \
		"$err" = "xmip6ctl: no xmip6d at $absent (connect: No such file or directory)"
done
err=$(x -p "$pin" -s "$absent" binding show 2>&1 >/dev/null) && rc=0 || rc=$?
check "-s naming no daemon: binding show fails rather than read the maps" test "$rc" = 1 -a \
	"$err" = "xmip6ctl: no xmip6d at $absent (connect: No such file or directory)"
raw stale "$dir/stale2.sock"
out=$(XMIP6_SOCKET=$dir/stale2.sock XMIP6_PIN_DIR=$pin x binding show)
check "a stale default socket: binding show reads the maps" inmaps "$out"
err=$(XMIP6_SOCKET=$dir/stale2.sock x bul show 2>&1 >/dev/null)
check "a stale default socket: bul show says connection refused" \
	test "$err" = "xmip6ctl: no xmip6d at $dir/stale2.sock (connect: Connection refused)"
check "status stays local (works with -s naming no daemon)" \
	bash -c "nsenter --net=/run/netns/$ns '$ctl' -p '$pin' -s '$absent' status | grep -q '^Role: *ha'"

# The map path's text output is the same table as through the socket.
out=$(x -p "$pin" binding show)
check "maps: binding show's table has the daemon path's columns, State and traffic included" \
	test "$(head -1 <<<"$out" | tr -s ' ')" = "Home Address Care-of Address Home Agent Lifetime Remaining Seq Flags Age State To MN pkts/bytes From MN pkts/bytes"

# The compiled-in default, in a private mount namespace with its own /run.
out=$(timeout 60 unshare -m --propagation private env -u XMIP6_SOCKET -u XMIP6_PIN_DIR bash -c '
	mount -t tmpfs xmip6-test /run || exit 1
	"$1" -t 30 -r /run/ready /run/xmip6/xmip6d.sock "$2" & pid=$!
	for i in $(seq 50); do [ -e /run/ready ] && break; sleep 0.1; done
	"$3" bul show; rc=$?
	stat -c "%a" /run/xmip6
	kill $pid; wait $pid; exit $rc' _ "$srv" "$dir/canned.json" "$ctl" 2>&1)
check "no -s, no env: the default /run/xmip6/xmip6d.sock is asked (directory created 0755)" \
	bash -c 'grep -q "^2001:db8:1::300 " <<<"$1" && [ "$(tail -1 <<<"$1")" = 755 ]' _ "$out"

check "detach and unload stay local" x -p "$pin" -s "$absent" unload
echo "1..$n"
exit $failed
