#!/usr/bin/env bash
# xmip6ctl as an operator meets it: bad input is refused with one clear line
# and changes nothing, JSON output parses, bpffs is mounted when missing,
# re-attaching replaces the program in place (same link), and the pinned
# data plane outlives the CLI. Runs in its own namespace with its own pin dir.
set -u
cd "$(dirname "$0")/../.." || exit 1
ctl=${XMIP6_BUILD:-$PWD/build}/xmip6ctl
py=${PYTHON:-/usr/bin/python3}
ns=xmctl$$
pin=/sys/fs/bpf/xmip6-$ns
failed=0

cleanup() {
	[ -d "$pin" ] && nsenter --net="/run/netns/$ns" "$ctl" -p "$pin" unload >/dev/null 2>&1
	ip netns del "$ns" 2>/dev/null
	rm -rf "$pin"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; failed=1; }
check() { # check DESCRIPTION COMMAND...: passes when COMMAND succeeds
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
x() { nsenter --net="/run/netns/$ns" "$ctl" -p "$pin" "$@"; }

mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
ip netns add "$ns" || exit 1
ip -n "$ns" link add v0 type veth peer name v1 && ip -n "$ns" link set v0 up &&
	ip -n "$ns" link set v1 up || exit 1

# refused: exactly one "xmip6ctl:" line on stderr (plus usage), exit 1
refused() {
	local err
	err=$(x "$@" 2>&1 >/dev/null) && return 1
	[ "$(grep -c '^xmip6ctl: ' <<<"$err")" -eq 1 ] || { echo "# $err"; return 1; }
}

check "attach v0 role ha" x attach v0 role ha address 2001:db8:1::a max-bindings 1024
for bad in "binding add zzz 2001:db8:20::1" "binding add 2001:db8:1::1 ff02::1" \
	"binding add :: 2001:db8:20::1" "binding add 2001:db8:1::1 2001:db8:1::1" \
	"binding add 2001:db8:1::1 2001:db8:20::1 lifetime 0" \
	"binding add 2001:db8:1::1 2001:db8:20::1 lifetime 262141" \
	"binding add 2001:db8:1::1 2001:db8:20::1 colour blue" "binding add 2001:db8:1::1" \
	"attach nosuchdev0 role ha address 2001:db8:1::a" "attach v1 role mn home-agent 2001:db8:1::a" \
	"frobnicate"; do
	# shellcheck disable=SC2086 # the words are the arguments
	check "refused with one clear line: xmip6ctl $bad" refused $bad
done
check "nothing was added by the refused commands" \
	test "$(x -j binding show | $py -c 'import json,sys; print(len(json.load(sys.stdin)["bindings"]))')" = 0

check "binding add with lifetime" x binding add 2001:db8:1::100 2001:db8:20::100 lifetime 60
json=$(x -j binding show)
check "binding show -j: fields and values" $py -c '
import json, sys
b = json.loads(sys.argv[1])["bindings"]
assert len(b) == 1, b
b = b[0]
assert b["home_addr"] == "2001:db8:1::100" and b["care_of_addr"] == "2001:db8:20::100", b
assert b["ha_addr"] == "2001:db8:1::a" and b["lifetime"] == 60 and 0 < b["remaining"] <= 60, b
assert b["expired"] is False, b' "$json"
check "stats show -j: every counter, all numbers" $py -c '
import json, sys
s = json.loads(sys.argv[1])
assert len(s) >= 20 and all(isinstance(v, int) for v in s.values()), s
assert "ha_encap_fwd" in s and "rx_malformed" in s, s' "$(x -j stats show)"
check "bpftool dump of the pinned map shows field names" \
	bash -c "bpftool map dump pinned '$pin/bindings' | grep -q care_of_addr"

link_id() { bpftool -j link show pinned "$pin/links/v0_xdp" | $py -c 'import json,sys; d=json.load(sys.stdin); print(d["id"], d["prog_id"])'; }
before=$(link_id)
check "re-attach succeeds" x attach v0 role ha address 2001:db8:1::a
after=$(link_id)
check "re-attach keeps the link and swaps the program (link ${before% *}, prog ${before#* } -> ${after#* })" \
	test "${before% *}" = "${after% *}" -a "${before#* }" != "${after#* }"

# bpffs missing (a fresh machine): attach mounts it. A private mount
# namespace keeps the host's bpffs untouched.
check "attach mounts bpffs when /sys/fs/bpf is not mounted" unshare -m --propagation private \
	bash -c "umount /sys/fs/bpf && ! mountpoint -q /sys/fs/bpf &&
		nsenter --net=/run/netns/$ns '$ctl' -p /sys/fs/bpf/t attach v1 role mn home-agent 2001:db8:1::a &&
		mountpoint -q /sys/fs/bpf && test -e /sys/fs/bpf/t/bindings"

check "detach removes the links" bash -c "nsenter --net=/run/netns/$ns '$ctl' -p '$pin' detach v0 &&
	! test -e '$pin/links/v0_xdp' && ! ip -n $ns link show v0 | grep -q xdp"
check "unload removes the pin dir" bash -c "nsenter --net=/run/netns/$ns '$ctl' -p '$pin' unload && ! test -e '$pin'"
exit $failed
