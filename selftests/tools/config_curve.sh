#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# config_curve.sh - how the home agent's configuration load grows with the
# number of mobile nodes (issue 18): for each count, a generated
# configuration (selftests/tools/gen_ha_config.py: one entry a node with
# its own home address, SPI and key) is
#   - read by libconfig alone, then loaded by config_load() and printed
#     (build/selftests/config_tool -t: where the time goes),
#   - checked by `xmip6d --check` (seconds and peak RSS, /usr/bin/time),
#   - run by a real home agent in a network namespace, timed from its start
#     to its "running" line (seconds, CPU seconds and peak RSS from /proc).
# Seconds are wall clock; "cpu" is user + system of the process, which is
# what compares on a busy machine.
#
#   selftests/tools/config_curve.sh [--keys inline|files] [NODES...]
#	(default: 10000 20000 40000 100000 1000000; needs root for the daemon)
#
# Key files (--keys files) are one file a node in a directory next to the
# configuration: a million files take a while to write.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=scripts/topology.sh
. scripts/topology.sh

keys=inline
if [ "${1:-}" = --keys ]; then
	keys=$2
	shift 2
fi
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(10000 20000 40000 100000 1000000)
tool=$XM_BUILD/selftests/config_tool
[ -x "$tool" ] && [ -x "$XM_D_BIN" ] || xm_die "build first (make all)"
[ -x /usr/bin/time ] || xm_die "/usr/bin/time missing (apt-get install time)"

xm_init xmcurve$$-
daemon=0
if xm_add_ns ha && xm_add_ns r1 && xm_link ha eth0 r1 home0 &&
	xm_addr ha eth0 2001:db8:1::ffff:1/64; then
	daemon=1
fi
tck=$(getconf CLK_TCK)

# start_time CONF PIN: a home agent with CONF until "running" (10 min at
# most); prints "SECONDS CPU-SECONDS PEAK-RSS-MB", then stops and unloads it.
start_time() {
	local conf=$1 pin=$2 log=$XM_TMP/ha.log t0 t1 pid st cpu hwm
	: >"$log"
	t0=$(date +%s.%N)
	xm_daemon ha "$conf" "$log"
	pid=$XM_LAST_PID
	if ! xm_retry 12000 0.05 grep -qs running "$log"; then
		echo "failed: $(head -c 300 "$log")"
	else
		t1=$(date +%s.%N)
		# utime and stime: fields 14 and 15 of /proc/PID/stat.
		st=$(cut -d')' -f2 "/proc/$pid/stat")
		cpu=$(echo "$st" | awk -v t="$tck" '{printf "%.2f", ($12 + $13) / t}')
		hwm=$(awk '/VmHWM/ {printf "%d", $2 / 1024}' "/proc/$pid/status")
		printf '%.2f %s %s\n' "$(echo "$t1 - $t0" | bc)" "$cpu" "$hwm"
	fi
	xm_stop_pid "$pid" >/dev/null 2>&1
	timeout 120 nsenter --net="/run/netns/$(xm_ns ha)" "$XM_CTL_BIN" -p "$pin" unload \
		>/dev/null 2>&1
	[ -e "$pin" ] && rm -rf "$pin"
}

printf '# keys %s; %s; load average %s\n' "$keys" "$(uname -r)" \
	"$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %7s | %-20s %-20s %-20s | %-22s %8s | %-22s %8s\n' nodes "file MB" \
	"libconfig s (cpu)" "config_load s (cpu)" "print s (cpu)" "--check s (cpu)" "RSS MB" \
	"start->running s (cpu)" "RSS MB"
for n in "${counts[@]}"; do
	dir=$XM_TMP/n$n
	mkdir -p "$dir"
	pin=$(xm_pin "ha$n")
	XM_ROLES="$XM_ROLES ha$n" # its pin directory goes at cleanup, whatever happens
	"$XM_PYTHON" selftests/tools/gen_ha_config.py "$n" "$dir/ha.conf" --keys "$keys" \
		--iface eth0 --max-bindings 1048576 --top "pin-dir = \"$pin\";" \
		--top "control-socket = \"$dir/ha.sock\";" --top 'log-level = "notice";' ||
		xm_die "generating $n nodes failed"
	mb=$(($(stat -c %s "$dir/ha.conf") / 1048576))
	read -r _ lw _ _ lc _ _ dw _ _ dc _ _ pw _ _ pc _ < <("$tool" -t "$dir/ha.conf")
	read -r cw cu cs crss < <(/usr/bin/time -f '%e %U %S %M' \
		"$XM_D_BIN" -c "$dir/ha.conf" --check 2>&1 >/dev/null | tail -1)
	start="- - -"
	[ "$daemon" = 1 ] && start=$(start_time "$dir/ha.conf" "$pin")
	read -r sw scpu srss <<<"$start"
	printf '%-8s %7s | %-20s %-20s %-20s | %-22s %8s | %-22s %8s\n' "$n" "$mb" \
		"$lw ($lc)" "$dw ($dc)" "$pw ($pc)" \
		"$cw ($(echo "$cu + $cs" | bc))" $((crss / 1024)) "$sw ($scpu)" "$srss"
	rm -rf "$dir"
done
