# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # the tests read its variables
#
# cluster_rig.sh - the rig of the cluster tests (test_cluster*.sh): a real
# 3-member etcd cluster with TLS and client certificates (certificates
# made here by openssl), three xmip6d home agents sharing one home prefix
# through it, a router, a correspondent and a mobile-node namespace where
# Scapy peers (selftests/peers/mip6_peer.py) send Binding Updates.
#
#   st (etcd e1 e2 e3: 2001:db8:e::1-3) --- r --- ha1 (2001:db8:f::1)
#                                           | --- ha2 (2001:db8:f::2)
#   cn 2001:db8:d::100 ---------------------| --- ha3 (2001:db8:f::3)
#   mn (CoAs 2001:db8:c::100, ::101) -------'
#
# The home prefix 2001:db8:1::/64 is routed by r to ha2: what the
# correspondent sends a home address reaches ha2 whoever took the
# registration. It is a virtual home network, or with CL_HOME_LINK=1 a home
# link too: each home agent's home0 on one bridge (namespace hl), where the
# home agents defend registered home addresses with proxy ND. A test
# sources this file alone, from the repository's top: it brings
# topology.sh and tap.sh. Needs etcd, etcdctl, openssl.

# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

XM_ROLES="ha1 ha2 ha3"
CL_KEY=0f1e2d3c4b5a69788796a5b4c3d2e1f0
CL_HOME=2001:db8:1::/64
CL_HOA1=2001:db8:1::201
CL_HOA2=2001:db8:1::202
CL_HOA3=2001:db8:1::203
CL_HOA4=2001:db8:1::204
CL_COA=2001:db8:c::100
CL_COA2=2001:db8:c::101
CL_CN=2001:db8:d::100
CL_HH=2001:db8:1::99 # the host on the home link (CL_HOME_LINK=1)
CL_DIR=/xmip6/home/bindings/
declare -A CL_PID CL_EPID

cl_ha_addr() { echo "2001:db8:f::${1#ha}"; }

# cl_skip_unless_tools: "1..0 # SKIP" when etcd or its tools are missing.
cl_skip_unless_tools() {
	local t
	for t in etcd etcdctl openssl tcpdump; do
		command -v "$t" >/dev/null || { echo "1..0 # SKIP $t not installed"; exit 0; }
	done
}

cl_certs() {
	local d=$XM_TMP/pki
	mkdir -p "$d" && (
		cd "$d" || exit 1
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
			-subj /CN=xmip6-test-ca -keyout ca.key -out ca.pem 2>/dev/null &&
			openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
				-subj /CN=etcd -keyout server.key -out server.csr 2>/dev/null &&
			printf 'subjectAltName=IP:2001:db8:e::1,IP:2001:db8:e::2,IP:2001:db8:e::3\nextendedKeyUsage=serverAuth,clientAuth\n' >server.ext &&
			openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
				-days 2 -extfile server.ext -out server.pem 2>/dev/null &&
			openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
				-subj /CN=xmip6d -keyout client.key -out client.csr 2>/dev/null &&
			printf 'extendedKeyUsage=clientAuth\n' >client.ext &&
			openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
				-days 2 -extfile client.ext -out client.pem 2>/dev/null &&
			chmod 600 ./*.key
	)
}

# cl_etcd_start N [new|existing]: member eN in st, its data under $XM_TMP/eN.
cl_etcd_start() {
	local n=$1 state=${2:-new} cluster=""
	local i
	for i in 1 2 3; do
		cluster="$cluster${cluster:+,}e$i=http://[2001:db8:e::$i]:2380"
	done
	[ -n "$CL_DATA" ] || xm_die "cl_init not called: no data directory"
	xm_bg st etcd --name "e$n" --data-dir "$CL_DATA/e$n" \
		--listen-client-urls "https://[2001:db8:e::$n]:2379" \
		--advertise-client-urls "https://[2001:db8:e::$n]:2379" \
		--listen-peer-urls "http://[2001:db8:e::$n]:2380" \
		--initial-advertise-peer-urls "http://[2001:db8:e::$n]:2380" \
		--initial-cluster "$cluster" --initial-cluster-state "$state" \
		--initial-cluster-token "$XM_PFX" \
		--cert-file "$XM_TMP/pki/server.pem" --key-file "$XM_TMP/pki/server.key" \
		--trusted-ca-file "$XM_TMP/pki/ca.pem" --client-cert-auth \
		--heartbeat-interval 200 --election-timeout 2000 \
		--logger zap --log-outputs "$XM_TMP/e$n.etcdlog" 2>>"$XM_TMP/e$n.stderr"
	CL_EPID[$n]=$XM_LAST_PID
}

cl_etcd_stop() {
	kill -KILL "${CL_EPID[$1]}" 2>/dev/null
	wait "${CL_EPID[$1]}" 2>/dev/null
	return 0
}

# etcdctl in st, with the client certificate; endpoints: all, or $CL_EPS.
cl_etcdctl() {
	ip netns exec "${XM_PFX}st" timeout 20 env ETCDCTL_API=3 etcdctl \
		--endpoints "${CL_EPS:-https://[2001:db8:e::1]:2379,https://[2001:db8:e::2]:2379,https://[2001:db8:e::3]:2379}" \
		--cacert "$XM_TMP/pki/ca.pem" --cert "$XM_TMP/pki/client.pem" \
		--key "$XM_TMP/pki/client.key" --dial-timeout 2s --command-timeout 3s "$@"
}

cl_healthy() { cl_etcdctl endpoint health >/dev/null 2>&1; }

# cl_get HOA EXPR: EXPR (Python, on the value's JSON as v) of HOA's stored
# binding, or "absent".
cl_get() {
	local out
	out=$(cl_etcdctl get --print-value-only "$CL_DIR$1") || return 1
	if [ -z "$out" ]; then
		echo absent
		return 0
	fi
	echo "$out" | "$XM_PYTHON" -c 'import json,sys; v=json.load(sys.stdin); print(eval(sys.argv[1]))' "$2"
}

# cl_mod_rev HOA: the key's mod_revision (etcdctl's own JSON), 0 when absent.
cl_mod_rev() {
	cl_etcdctl get "$CL_DIR$1" -w json |
		jget "d['kvs'][0]['mod_revision'] if d.get('kvs') else 0"
}

# cl_store_link: the etcd members' namespace st (2001:db8:e::1-3) linked
# to the router r (2001:db8:e::ff); both namespaces made already.
cl_store_link() {
	local i
	xm_link r s0 st s0 && xm_addr r s0 2001:db8:e::ff/64 || return 1
	for i in 1 2 3; do
		xm_addr st s0 "2001:db8:e::$i/64" || return 1
	done
	ip -n "${XM_PFX}st" -6 route add default via 2001:db8:e::ff
}

cl_topo_up() {
	local r i
	for r in st r ha1 ha2 ha3 mn cn; do
		xm_add_ns "$r" || return 1
	done
	xm_exec r sysctl -qw net.ipv6.conf.all.forwarding=1 || return 1
	cl_store_link || return 1
	for i in 1 2 3; do
		xm_exec "ha$i" sysctl -qw net.ipv6.conf.all.forwarding=1 || return 1
		xm_link r "h$i" "ha$i" eth0 && xm_addr r "h$i" "2001:db8:a$i::1/64" &&
			xm_addr "ha$i" eth0 "2001:db8:a$i::2/64" && xm_peer_napi r "h$i" &&
			xm_addr "ha$i" lo "$(cl_ha_addr "ha$i")/128" &&
			ip -n "${XM_PFX}ha$i" -6 route add default via "2001:db8:a$i::1" &&
			ip -n "${XM_PFX}r" -6 route add "$(cl_ha_addr "ha$i")/128" \
				via "2001:db8:a$i::2" || return 1
	done
	ip -n "${XM_PFX}r" -6 route add "$CL_HOME" via 2001:db8:a2::2 || return 1
	if [ "${CL_HOME_LINK:-0}" = 1 ]; then
		xm_add_ns hl && ip -n "${XM_PFX}hl" link add br0 type bridge &&
			ip -n "${XM_PFX}hl" link set br0 up || return 1
		for i in 1 2 3; do
			xm_link "ha$i" home0 hl "p$i" &&
				ip -n "${XM_PFX}hl" link set "p$i" master br0 &&
				xm_addr "ha$i" home0 "2001:db8:1::$i/64" || return 1
		done
		# A host on the home link, to ask for home addresses.
		xm_add_ns hh && xm_link hh eth0 hl p0 &&
			ip -n "${XM_PFX}hl" link set p0 master br0 &&
			xm_addr hh eth0 "$CL_HH/64" || return 1
	fi
	xm_link r m0 mn eth0 && xm_addr r m0 2001:db8:c::1/64 && xm_addr mn eth0 "$CL_COA/64" &&
		xm_addr mn eth0 "$CL_COA2/64" &&
		ip -n "${XM_PFX}mn" -6 route add default via 2001:db8:c::1 || return 1
	xm_link r c0 cn eth0 && xm_addr r c0 2001:db8:d::1/64 && xm_addr cn eth0 "$CL_CN/64" &&
		ip -n "${XM_PFX}cn" -6 route add default via 2001:db8:d::1 || return 1
	# Neighbour entries, so that nothing waits on ND on the loaded machine.
	xm_retry 50 0.1 xm_ns_ready r
}

# cl_cluster_group NAME [FIRST]: home-agent's cluster group for the rig's
# etcd, cluster NAME; the endpoints listed from member FIRST (1-3, default
# 1) on, the others after it in turn: the member a home agent talks to
# (user/cluster/etcd.c: the list's first that answers).
cl_cluster_group() {
	local f=${2:-1}
	cat <<EOC
  cluster = {
    endpoints = [ "https://[2001:db8:e::$f]:2379", "https://[2001:db8:e::$((f % 3 + 1))]:2379",
                  "https://[2001:db8:e::$(((f + 1) % 3 + 1))]:2379" ];
    name = "$1";
    ca-file = "$XM_TMP/pki/ca.pem";
    cert-file = "$XM_TMP/pki/client.pem";
    key-file = "$XM_TMP/pki/client.key";
    timeout = 3000;
    probe-interval = 300;
  };
EOC
}

# cl_conf_write HA LEVEL PREFIX IFS BODY...: $XM_TMP/HA.conf (mode 0600),
# HA at its address on home prefix PREFIX with interfaces IFS (the setting's
# value), the lines of BODY (commands whose output goes in home-agent) after.
cl_conf_write() {
	local ha=$1 level=$2 prefix=$3 ifs=$4 f=$XM_TMP/$1.conf
	shift 4
	(umask 077 && : >"$f") || return 1
	{
		cat <<EOC
log-level = "$level";
pin-dir = "$(xm_pin "$ha")";
control-socket = "$XM_TMP/$ha.sock";
metrics-listen = "[::1]:9618";
home-agent = {
  address = "$(cl_ha_addr "$ha")";
  home-prefix = "$prefix";
  interfaces = $ifs
EOC
		"$@"
		echo "};"
	} >>"$f"
}

# The test's home agent: timestamp window, cluster "home", four nodes.
cl_test_body() {
	local e
	echo "  timestamp-window = 30;"
	cl_cluster_group home
	echo "  mobile-nodes = ("
	for e in 1 2 3 4; do
		[ "$e" = 1 ] || echo ","
		printf '    { home-address = "2001:db8:1::20%s"; spi = %s; key = "%s"; }' \
			"$e" $((256 + e)) "$CL_KEY"
	done
	printf '\n  );\n'
}

# cl_conf HA: its configuration, $XM_TMP/HA.conf.
cl_conf() {
	local ifs='[ "eth0" ];'
	[ "${CL_HOME_LINK:-0}" = 1 ] && ifs='[ "eth0", "home0" ];
  home-link = "home0";'
	cl_conf_write "$1" debug "$CL_HOME" "$ifs" cl_test_body
}

cl_start_ha() {
	local pid
	cl_conf "$1" && xm_start_daemon "$1" pid || return 1
	# shellcheck disable=SC2034 # the tests read it
	CL_PID[$1]=$pid
}

cl_setup() {
	cl_certs || return 1
	cl_topo_up || return 1
	cl_etcd_start 1 && cl_etcd_start 2 && cl_etcd_start 3 || return 1
	xm_retry 100 0.2 cl_healthy || return 1
	cl_start_ha ha1 && cl_start_ha ha2 && cl_start_ha ha3
}

# The members' data in memory (a loaded disk's fsync would stall them past
# their election timeout), in a directory of this run removed on exit after
# the members (xm_cleanup kills every process it started).
CL_DATA=
cl_cleanup() {
	xm_cleanup
	[ -n "$CL_DATA" ] && rm -rf "$CL_DATA"
	return 0
}

# cl_init PREFIX: the test's start (skipped without etcd): xm_init, the
# cleanup of the members' data, the data directory.
cl_init() {
	cl_skip_unless_tools
	xm_init "$1"
	trap cl_cleanup EXIT
	trap 'cl_cleanup; trap - INT; kill -INT $$' INT
	trap 'cl_cleanup; exit 143' TERM
	CL_DATA=$(mktemp -d "/dev/shm/${1}etcd.XXXXXX") || xm_die "mktemp in /dev/shm failed"
}

# cl_begin PREFIX: cl_init, and the rig up or "Bail out!".
cl_begin() {
	cl_init "$1"
	t_fatal "3-member etcd (TLS) and three home agents up" cl_setup
}

# cl_leader: the number (1-3) of the member that leads, by etcd's own word.
cl_leader() {
	cl_etcdctl endpoint status -w json |
		jget "[e['Endpoint'].split('::')[1][0] for e in d if e['Status']['leader'] == e['Status']['header']['member_id']][0]"
}

# cl_bu HA HOA SEQ [ARGS...]: a BU from the mobile-node namespace; the BA's
# status (or "none").
cl_bu() {
	local ha=$1 hoa=$2 seq=$3 out
	shift 3
	out=$(ip netns exec "${XM_PFX}mn" "$XM_PYTHON" selftests/peers/mip6_peer.py bu \
		--coa "$CL_COA" --ha "$(cl_ha_addr "$ha")" --hoa "$hoa" --seq "$seq" \
		--spi $((256 + ${hoa##*::20})) --key "$CL_KEY" --wait 4 "$@") || return 1
	echo "$out" | jget "(d.get('answer') or {}).get('status', 'none')"
}

# cl_bu_ok WANT HA HOA SEQ [ARGS...]: the BA's status is WANT.
cl_bu_ok() {
	local want=$1 got
	shift
	got=$(cl_bu "$@") || return 1
	echo "BU to $1 for $2 seq $3: BA $got (want $want)"
	[ "$got" = "$want" ]
}

# cl_map HA HOA: "COA SEQ" of the binding in HA's pinned map, or "absent".
cl_map() {
	xm_ctl "$1" -j binding show |
		jget "next(('%s %s' % (b['care_of_addr'], b['sequence']) for b in d['bindings'] if b['home_addr'] == '$2'), 'absent')"
}

# cl_expect WANT LABEL CMD...: what CMD prints is WANT (both shown after LABEL).
cl_expect() {
	local want=$1 label=$2 got
	shift 2
	got=$("$@") || return 1
	echo "$label: $got (want $want)"
	[ "$got" = "$want" ]
}

# cl_map_is HA HOA WANT: cl_map says WANT.
cl_map_is() { cl_expect "$3" "$1: $2" cl_map "$1" "$2"; }

# cl_all_maps HOA WANT: every HA's map says WANT.
cl_all_maps() {
	cl_map_is ha1 "$1" "$2" && cl_map_is ha2 "$1" "$2" && cl_map_is ha3 "$1" "$2"
}

# cl_metric HA NAME: a sample of the HA's metrics endpoint.
cl_metric() {
	ip netns exec "${XM_PFX}$1" timeout 10 curl -gs "http://[::1]:9618/metrics" |
		awk -v n="$2" '$1 == n || index($1, n "{") == 1 { print $2; exit }'
}

cl_metric_is() { cl_expect "$3" "$1 $2" cl_metric "$1" "$2"; }

cl_metric_above() {
	local got
	got=$(cl_metric "$1" "$2")
	echo "$1 $2 = $got (want > $3)"
	[ -n "$got" ] && [ "$got" -gt "$3" ]
}

# cl_tunnelled HA HOA N: the CN pings HOA; N packets tunnelled from HA
# (outer source its address, IPv6 in IPv6) reach the mobile-node namespace
# (tcpdump's count, read back by tshark-free tcpdump -r).
cl_tunnelled() {
	local ha=$1 hoa=$2 n=$3 cap=$XM_TMP/tun.$RANDOM.pcap got
	XM_CAPTURE_COUNT=$n xm_capture_start mn eth0 "$cap" \
		"ip6 and src $(cl_ha_addr "$ha") and ip6[6] == 41" || return 1
	xm_exec cn ping -6 -n -c $((n + 4)) -i 0.2 -W 1 "$hoa" >/dev/null 2>&1
	xm_capture_stop 10
	got=$(tcpdump -n -r "$cap" 2>/dev/null | grep -c "$hoa")
	echo "tunnelled from $ha to the CoA: $got packet(s) to $hoa (want $n)"
	[ "$got" -ge "$n" ]
}
