#!/bin/sh
# bench/run.sh BUILD [--quick]: the benchmark behind `make bench`.
#
# Builds every topology in its own network namespaces (prefix "bb<pid>-"),
# all side by side, then measures them interleaved (round 1 of every test,
# then round 2, ...) so that a change in the machine's load hits every row
# alike. Reports medians. See docs/bench.md for the method.
#
#   rows     direct veth, Linux bridge, OVS userspace bond (balance-slb to a
#            Linux bridge, and balance-tcp+LACP between two OVS), bondd
#            active-backup and balance-rr to a Linux bridge, bondd
#            balance-xor layer3+4 and 802.3ad layer3+4 with bondd on both ends,
#            each on the packet data path (bondd --datapath packet) and on
#            the kernel one (--datapath ebpf, rows *_ebpf); balance-xor
#            layer3+4 to a Linux bridge on the kernel data path (xor1_ebpf)
#   tests    iperf3 TCP 1 and 4 streams; the same links shaped by tbf to
#            200 Mbit/s each; 64-byte UDP packet rate (bench/udpflood);
#            the slave-side I/O alone, AF_PACKET against AF_XDP (bench/reflect);
#            CPU of the daemons (/proc/PID/stat); failover gaps of
#            active-backup (packet, ebpf, OVS) under a 10 kHz numbered UDP
#            stream (bench/seqflood); bondd RSS with 8 bonds x 4 slaves, idle
#            and after a soak; engine micro-benchmark
#   output   a table on stdout, bench/results/<date>-<host>.json,
#            bench/results/latest.json and bench/results/latest.png
#
# Addresses: 198.51.100.0/24 and 203.0.113.0/24 only; nothing is connected to
# the host's namespace. Everything started here is stopped on exit (trap).
#
# Environment (for development): BENCH_ROWS="veth rr ..." limits the rows;
# BENCH_SKIP="tcp shaped pps failover backend mem engine" skips parts;
# BENCH_FO_PATHS="ebpf lacp_ebpf" limits the failover paths (of: packet tick
# ebpf ovs lacp_ebpf xor_ebpf) and BENCH_FO_CUTS=N sets the cuts per path; BENCH_OUT=DIR writes
# the results there instead of bench/results; BENCH_SRC_COMMIT names the
# commit BUILD was built from (default: this tree's HEAD); KEEP_TMP=1 keeps
# the logs; BENCH_HOLD=S waits S seconds before cleaning up.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build}
[ $# -gt 0 ] && shift
QUICK=0
for a in "$@"; do
	case $a in
	--quick) QUICK=1 ;;
	*) echo "usage: bench/run.sh BUILD [--quick]" >&2; exit 2 ;;
	esac
done
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
BONDD=$BUILD/src/cmd/bondd
BONDCTL=$BUILD/src/cmd/bondctl
UDPFLOOD=$BUILD/bench/udpflood
SEQFLOOD=$BUILD/bench/seqflood
ENGINE_BENCH=$BUILD/bench/engine_bench
REFLECT=$BUILD/bench/reflect
OUTDIR=${BENCH_OUT:-$ROOT/bench/results}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

if [ "$QUICK" = 1 ]; then
	DUR=3; RUNS=1; PPS_DUR=2; SOAK=10; FO_CUTS=4
else
	DUR=10; RUNS=3; PPS_DUR=5; SOAK=60; FO_CUTS=20
fi
FO_CUTS=${BENCH_FO_CUTS:-$FO_CUTS}
FO_PATHS=${BENCH_FO_PATHS:-packet tick ebpf ovs lacp_ebpf xor_ebpf}
# Failover: the numbered stream's rate (10 kHz: one frame = 100 us).
FO_RATE=10000
TBF_RATE=200mbit
# tbf: a burst of a few GSO frames, a queue of 10 ms at 200 Mbit/s.
TBF_ARGS="rate $TBF_RATE burst 128kb latency 10ms"
# balance-rr reorders segments across links: the sender tolerates it.
RR_SYSCTL="net.ipv4.tcp_reordering=127"
ALL_ROWS="veth bridge ovs_lacp ovs_tso ovs_slb ab ab_ebpf rr rr_ebpf xor1_ebpf xor xor_ebpf lacp lacp_ebpf"
ROWS=${BENCH_ROWS:-$ALL_ROWS}
SKIP=" ${BENCH_SKIP:-} "

PFX="bb$$"
TMP=""
NSES=()
PIDS=()
CLK_TCK=$(getconf CLK_TCK)

log() { printf '# %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
skipped() { case $SKIP in *" $1 "*) return 0 ;; esac; return 1; }

# ---- cleanup ------------------------------------------------------------

cleanup() {
	local p i alive
	trap - EXIT INT TERM
	[ -n "${BENCH_HOLD:-}" ] && { log "holding ${BENCH_HOLD}s before cleanup (BENCH_HOLD)"; sleep "$BENCH_HOLD"; }
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for ((i = 0; i < 30; i++)); do
		alive=0
		for p in "${PIDS[@]}"; do
			kill -0 "$p" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" != Z ] && alive=1
		done
		[ $alive = 0 ] && break
		sleep 0.1
	done
	for p in "${PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	for n in "${NSES[@]}"; do
		ip netns del "$n" 2>/dev/null
	done
	if [ -n "$TMP" ] && [ -d "$TMP" ]; then
		if [ "${KEEP_TMP:-0}" = 1 ]; then
			log "logs kept in $TMP"
		else
			rm -rf "$TMP"
		fi
	fi
}

# ---- prerequisites -------------------------------------------------------

[ "$(id -u)" = 0 ] || die "must run as root (network namespaces)"
for b in "$BONDD" "$BONDCTL" "$UDPFLOOD" "$SEQFLOOD" "$ENGINE_BENCH"; do
	[ -x "$b" ] || die "$b not built (make build)"
done

# Bench-only Debian packages: installed here when missing, never by make check.
need_pkgs() {
	local p missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	log "installing$missing"
	# Never start the system's services (openvswitch-switch) on install.
	local rcd=0
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && rcd=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1 &&
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1; } ||
		log "could not install$missing"
	[ $rcd = 1 ] && rm -f /usr/sbin/policy-rc.d
}
need_pkgs iperf3 gnuplot-nox openvswitch-switch iproute2
command -v iperf3 >/dev/null || die "iperf3 missing"
HAVE_OVS=1
command -v ovs-vswitchd >/dev/null && command -v ovsdb-server >/dev/null &&
	[ -f /usr/share/openvswitch/vswitch.ovsschema ] || HAVE_OVS=0

TMP=$(mktemp -d "/tmp/$PFX.XXXXXX")
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
RAW=$TMP/raw.jsonl
: >"$RAW"

# ---- namespaces and links -------------------------------------------------

nsn() { printf '%s-%s' "$PFX" "$1"; }
nsx() { local n=$1; shift; ip netns exec "$(nsn "$n")" "$@"; }

mk_ns() {
	local n
	n=$(nsn "$1")
	ip netns add "$n" || return 1
	NSES+=("$n")
	ip -n "$n" link set lo up
	nsx "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

# veth NS1 IF1 NS2 IF2
veth() {
	ip -n "$(nsn "$1")" link add "$2" type veth peer name "$4" netns "$(nsn "$3")" || return 1
	ip -n "$(nsn "$1")" link set "$2" up && ip -n "$(nsn "$3")" link set "$4" up
}

# bridge NS BR PORTS...: a learning bridge without STP.
bridge() {
	local ns=$1 br=$2 p
	shift 2
	ip -n "$(nsn "$ns")" link add "$br" type bridge stp_state 0 forward_delay 0 || return 1
	for p in "$@"; do
		ip -n "$(nsn "$ns")" link set "$p" master "$br" up || return 1
	done
	ip -n "$(nsn "$ns")" link set "$br" up
}

addr() { ip -n "$(nsn "$1")" addr add "$3" dev "$2"; }

# bg NS LOG CMD...: runs CMD in NS in the background; sets BG_PID.
bg() {
	local ns=$1 logf=$2
	shift 2
	ip netns exec "$(nsn "$ns")" "$@" >>"$logf" 2>&1 &
	BG_PID=$!
	PIDS+=("$BG_PID")
}

wait_ping() {
	local ns=$1 ip=$2 i
	for ((i = 0; i < 40; i++)); do
		nsx "$ns" ping -c 1 -W 1 -q "$ip" >/dev/null 2>&1 && return 0
		sleep 0.25
	done
	return 1
}

# ---- bondd ---------------------------------------------------------------

sock_of() { printf '%s/%s.sock' "$TMP" "$1"; }
bctl() { local ns=$1; shift; nsx "$ns" "$BONDCTL" -s "$(sock_of "$ns")" "$@"; }

# start_bondd NS DATAPATH (packet|ebpf): sets BONDD_PID.
# BONDD_CW, when set, is passed as BONDD_CARRIER_WATCH (the tick row).
start_bondd() {
	local ns=$1 dp=$2 i
	bg "$ns" "$TMP/$ns.bondd.log" env -u BONDD_DATAPATH ${BONDD_CW:+BONDD_CARRIER_WATCH=$BONDD_CW} \
		"$BONDD" -f -s "$(sock_of "$ns")" --datapath "$dp"
	BONDD_PID=$BG_PID
	for ((i = 0; i < 100; i++)); do
		bctl "$ns" list >/dev/null 2>&1 && return 0
		kill -0 "$BONDD_PID" 2>/dev/null || break
		sleep 0.1
	done
	log "bondd did not start in $ns: $(tail -3 "$TMP/$ns.bondd.log")"
	return 1
}

# mk_bond NS BOND IP "OPTIONS" SLAVES...: NA_REASON set on refusal.
mk_bond() {
	local ns=$1 bond=$2 ip=$3 opts=$4 out
	shift 4
	# shellcheck disable=SC2086
	if ! out=$(bctl "$ns" create "$bond" $opts 2>&1); then
		NA_REASON="mode not available"
		log "$ns: bondctl create $bond $opts: $out"
		return 1
	fi
	if ! out=$(bctl "$ns" enslave "$bond" "$@" 2>&1); then
		NA_REASON="enslave failed"
		log "$ns: bondctl enslave $bond $*: $out"
		return 1
	fi
	# a new bond is down, as the kernel creates it; up once the slaves are in
	if ! out=$(bctl "$ns" up "$bond" 2>&1); then
		NA_REASON="up failed"
		log "$ns: bondctl up $bond: $out"
		return 1
	fi
	[ -z "$ip" ] || addr "$ns" "$bond" "$ip"
}

# show_dp NS: "name last_update_us max_update_us map_updates hints_acted"
# (hints: the carrier hints that found a carrier loss first, so far; null
# off the ebpf data path) of bond0's
# data path from show --json ("-" when bondd does not say).
show_dp() {
	bctl "$1" show -j bond0 2>/dev/null | "$PY" -c 'import json, sys
try:
    d = json.load(sys.stdin)
    d = d[0] if isinstance(d, list) else d
    d = d.get("bonds", [d])[0] if "bonds" in d else d
    p = d["datapath"]
    h = d.get("carrier_hints", {}).get("acted", "null")
    print(p["name"], p["last_update_us"], p["max_update_us"], p["map_updates"], h)
except Exception:
    print("- - - - null")'
}

# check_dp NS ROW WANT: the row is n/a unless bond0 runs on data path WANT
# (bondd --datapath ebpf refuses to start otherwise, but say so anyway).
check_dp() {
	local got
	got=$(show_dp "$1")
	got=${got%% *}
	[ "$got" = "$3" ] && return 0
	R_NA[$2]="data path is $got, not $3"
	return 1
}

# ---- Open vSwitch (private instances) --------------------------------------

# start_ovs NS [TSO]: ovsdb-server + ovs-vswitchd of our own, every file in
# $TMP/ovs-NS (db, sockets, pid files, logs); the system's OVS, if any, is
# never touched. Sets OVS_PID (ovs-vswitchd) and OVSDB (the db socket).
start_ovs() {
	local ns=$1 tso=${2:-0} d i
	d=$TMP/ovs-$ns
	mkdir -p "$d"
	ovsdb-tool create "$d/conf.db" /usr/share/openvswitch/vswitch.ovsschema || return 1
	bg "$ns" "$d/ovsdb-server.out" env OVS_RUNDIR="$d" OVS_DBDIR="$d" OVS_LOGDIR="$d" \
		ovsdb-server "$d/conf.db" --remote="punix:$d/db.sock" --pidfile="$d/ovsdb-server.pid" \
		--unixctl="$d/ovsdb-server.ctl" --log-file="$d/ovsdb-server.log" --no-chdir
	OVSDB="unix:$d/db.sock"
	for ((i = 0; i < 50; i++)); do
		[ -S "$d/db.sock" ] && break
		sleep 0.1
	done
	ovs-vsctl --db="$OVSDB" --no-wait init || return 1
	# Userspace TSO (experimental in OVS 3.1, off by default) must be set
	# before ovs-vswitchd starts.
	[ "$tso" = 1 ] && ovs-vsctl --db="$OVSDB" --no-wait set Open_vSwitch . other_config:userspace-tso-enable=true
	bg "$ns" "$d/ovs-vswitchd.out" env OVS_RUNDIR="$d" OVS_DBDIR="$d" OVS_LOGDIR="$d" \
		ovs-vswitchd "$OVSDB" --pidfile="$d/ovs-vswitchd.pid" --unixctl="$d/ovs-vswitchd.ctl" \
		--log-file="$d/ovs-vswitchd.log" --no-chdir
	OVS_PID=$BG_PID
	for ((i = 0; i < 50; i++)); do
		[ -S "$d/ovs-vswitchd.ctl" ] && return 0
		sleep 0.1
	done
	return 1
}

# ---- topologies ------------------------------------------------------------
#
# Every row: client namespace <row>-c (iperf3 -c, udpflood), server
# namespace <row>-s (iperf3 -s, the sink), server 198.51.100.2. Per row:
#   R_CLI R_SRV   namespaces        R_PIDS   daemons whose CPU is counted
#   R_LINKS       "ns:if ..." every link end (tbf goes on each)
#   R_SLAVES      "ns:if ..." client-side link ends (the per-link split)
#   R_NA          non-empty: the row is not available, and why

declare -A R_CLI R_SRV R_PIDS R_LINKS R_SLAVES R_NA
SRV_IP=198.51.100.2
CLI_IP=198.51.100.1/24


row_base() {
	local r=$1
	R_CLI[$r]=$r-c
	R_SRV[$r]=$r-s
	R_PIDS[$r]=""
	R_NA[$r]=""
	mk_ns "$r-c" && mk_ns "$r-s"
}

# Two links c0-s0, c1-s1.
two_links() {
	local r=$1
	veth "$r-c" c0 "$r-s" s0 && veth "$r-c" c1 "$r-s" s1 || return 1
	R_LINKS[$r]="$r-c:c0 $r-s:s0 $r-c:c1 $r-s:s1"
	R_SLAVES[$r]="$r-c:c0 $r-c:c1"
}

setup_veth() {
	row_base veth || return 1
	veth veth-c c0 veth-s s0 || return 1
	addr veth-c c0 $CLI_IP && addr veth-s s0 $SRV_IP/24
	R_LINKS[veth]="veth-c:c0 veth-s:s0"
	R_SLAVES[veth]="veth-c:c0"
}

setup_bridge() {
	row_base bridge || return 1
	veth bridge-c c0 bridge-s s0 || return 1
	bridge bridge-s br0 s0 || return 1
	addr bridge-c c0 $CLI_IP && addr bridge-s br0 $SRV_IP/24
	R_LINKS[bridge]="bridge-c:c0 bridge-s:s0"
	R_SLAVES[bridge]="bridge-c:c0"
}

# setup_bondd_to_bridge ROW OPTIONS DATAPATH: bondd on the client, a Linux
# bridge over both links on the server.
setup_bondd_to_bridge() {
	local r=$1 opts=$2 dp=$3
	row_base "$r" && two_links "$r" || return 1
	bridge "$r-s" br0 s0 s1 && addr "$r-s" br0 $SRV_IP/24 || return 1
	start_bondd "$r-c" "$dp" || { R_NA[$r]="bondd --datapath $dp did not start"; return 1; }
	R_PIDS[$r]=$BONDD_PID
	mk_bond "$r-c" bond0 $CLI_IP "$opts" c0 c1 || { R_NA[$r]=$NA_REASON; return 1; }
	check_dp "$r-c" "$r" "$dp"
}

# static_lag ROW: the server's bridge treats s0 and s1 as a switch treats the
# ports of a static link aggregate (what balance-rr and balance-xor need of
# their switch): no learning on either port, the bond's MAC fixed on s0. A
# learning bridge would move the bond's MAC between the ports on every frame
# of balance-rr (and every flow of balance-xor) and send a netlink
# notification each time, a cost of the test bed, not of the bond.
static_lag() {
	local r=$1 mac ns
	ns=$(nsn "$r-s")
	mac=$(ip -n "$(nsn "$r-c")" -br link show bond0 | awk '{print $3}')
	[ -n "$mac" ] || { R_NA[$r]="no MAC on bond0"; return 1; }
	ip -n "$ns" link set s0 type bridge_slave learning off &&
		ip -n "$ns" link set s1 type bridge_slave learning off &&
		command bridge -n "$ns" fdb replace "$mac" dev s0 master static ||
		{ R_NA[$r]="cannot set up the static aggregate on the bridge"; return 1; }
}

# setup_bondd_b2b ROW OPTIONS DATAPATH: bondd on both ends.
setup_bondd_b2b() {
	local r=$1 opts=$2 dp=$3
	row_base "$r" && two_links "$r" || return 1
	start_bondd "$r-c" "$dp" || { R_NA[$r]="bondd --datapath $dp did not start"; return 1; }
	R_PIDS[$r]=$BONDD_PID
	mk_bond "$r-c" bond0 $CLI_IP "$opts" c0 c1 || { R_NA[$r]=$NA_REASON; return 1; }
	start_bondd "$r-s" "$dp" || { R_NA[$r]="bondd --datapath $dp did not start"; return 1; }
	R_PIDS[$r]="${R_PIDS[$r]} $BONDD_PID"
	mk_bond "$r-s" bond0 $SRV_IP/24 "$opts" s0 s1 || { R_NA[$r]=$NA_REASON; return 1; }
	check_dp "$r-c" "$r" "$dp" && check_dp "$r-s" "$r" "$dp"
}

# OVS bridge "br0" (netdev = userspace datapath) with a bond over c0/c1 or
# s0/s1 and the host address on its internal port.
ovs_bond_bridge() {
	local ns=$1 tso=$2 ip=$3 m0=$4 m1=$5
	shift 5
	start_ovs "$ns" "$tso" || return 1
	# The userspace datapath reads the members through packet sockets but
	# does not hide them: without this the host would answer ARP on a
	# member with the member's own MAC, and IP sent there goes nowhere.
	nsx "$ns" sysctl -qw "net.ipv4.conf.$m0.arp_ignore=8" "net.ipv4.conf.$m1.arp_ignore=8"
	ovs-vsctl --db="$OVSDB" add-br br0 -- set bridge br0 datapath_type=netdev &&
		ovs-vsctl --db="$OVSDB" add-bond br0 bond0 "$m0" "$m1" "$@" || return 1
	ip -n "$(nsn "$ns")" link set br0 up && addr "$ns" br0 "$ip"
}

setup_ovs_slb() {
	row_base ovs_slb && two_links ovs_slb || return 1
	[ $HAVE_OVS = 1 ] || { R_NA[ovs_slb]="Open vSwitch not installed"; return 1; }
	bridge ovs_slb-s br0 s0 s1 && addr ovs_slb-s br0 $SRV_IP/24 || return 1
	ovs_bond_bridge ovs_slb-c 1 $CLI_IP c0 c1 bond_mode=balance-slb lacp=off ||
		{ R_NA[ovs_slb]="OVS setup failed"; return 1; }
	R_PIDS[ovs_slb]=$OVS_PID
}

# setup_ovs_ab ROW: OVS active-backup bond on the client (link state polled
# every 100 ms, as bondd's miimon 100), a Linux bridge on the server.
setup_ovs_ab() {
	local r=$1
	row_base "$r" && two_links "$r" || return 1
	[ $HAVE_OVS = 1 ] || { R_NA[$r]="Open vSwitch not installed"; return 1; }
	bridge "$r-s" br0 s0 s1 && addr "$r-s" br0 $SRV_IP/24 || return 1
	ovs_bond_bridge "$r-c" 0 $CLI_IP c0 c1 bond_mode=active-backup lacp=off \
		other_config:bond-detect-mode=miimon other_config:bond-miimon-interval=100 ||
		{ R_NA[$r]="OVS setup failed"; return 1; }
	R_PIDS[$r]=$OVS_PID
}

# setup_ovs_lacp ROW TSO: OVS on both ends, balance-tcp with LACP.
setup_ovs_lacp() {
	local r=$1 tso=$2
	row_base "$r" && two_links "$r" || return 1
	[ $HAVE_OVS = 1 ] || { R_NA[$r]="Open vSwitch not installed"; return 1; }
	ovs_bond_bridge "$r-c" "$tso" $CLI_IP c0 c1 bond_mode=balance-tcp lacp=active \
		other_config:lacp-time=fast || { R_NA[$r]="OVS setup failed"; return 1; }
	R_PIDS[$r]=$OVS_PID
	ovs_bond_bridge "$r-s" "$tso" $SRV_IP/24 s0 s1 bond_mode=balance-tcp lacp=active \
		other_config:lacp-time=fast || { R_NA[$r]="OVS setup failed"; return 1; }
	R_PIDS[$r]="${R_PIDS[$r]} $OVS_PID"
}

AB_OPTS="mode active-backup miimon 100"
XOR_OPTS="mode balance-xor xmit_hash_policy layer3+4 miimon 100"
# The data path of a bondd row: *_ebpf the kernel one, the others packet.
dp_of() { case $1 in *_ebpf) echo ebpf ;; *) echo packet ;; esac; }
is_bondd_row() { case $1 in ab* | rr* | xor* | lacp*) return 0 ;; esac; return 1; }

setup_row() {
	local r=$1
	case $r in
	veth) setup_veth ;;
	bridge) setup_bridge ;;
	ovs_slb) setup_ovs_slb ;;
	ovs_lacp) setup_ovs_lacp ovs_lacp 0 ;;
	ovs_tso) setup_ovs_lacp ovs_tso 1 ;;
	ab) setup_bondd_to_bridge ab "$AB_OPTS" packet ;;
	ab_ebpf) setup_bondd_to_bridge ab_ebpf "$AB_OPTS" ebpf ;;
	rr | rr_ebpf) setup_bondd_to_bridge "$r" "mode balance-rr miimon 100" "$(dp_of "$r")" &&
		static_lag "$r" && nsx "$r-c" sysctl -qw "$RR_SYSCTL" ;;
	xor1_ebpf) setup_bondd_to_bridge xor1_ebpf "$XOR_OPTS" ebpf && static_lag xor1_ebpf ;;
	xor | xor_ebpf) setup_bondd_b2b "$r" "$XOR_OPTS" "$(dp_of "$r")" ;;
	lacp | lacp_ebpf) setup_bondd_b2b "$r" "mode 802.3ad xmit_hash_policy layer3+4 miimon 100" "$(dp_of "$r")" ;;
	*) die "unknown row $r" ;;
	esac
}

# ---- measurements ----------------------------------------------------------

now_s() { date +%s.%N; }

# The machine's CPU counters (all cores): "busy softirq total" in ticks.
sys_cpu() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, $8, t; exit }' /proc/stat; }

# sys_pct "BEFORE" "AFTER": "busy% softirq%" of the whole machine (100 = all cores).
sys_pct() { awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " "); t = y[3] - x[3]; if (t <= 0) t = 1
	printf "%.1f %.1f", (y[1] - x[1]) / t * 100, (y[2] - x[2]) / t * 100 }'; }

cpu_ticks() {
	local p t=0 v
	for p in "$@"; do
		v=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}')
		t=$((t + ${v:-0}))
	done
	echo $t
}

# cpu_pct T0TICKS T1TICKS SECONDS: % of one core.
cpu_pct() { awk -v a="$1" -v b="$2" -v s="$3" -v hz="$CLK_TCK" 'BEGIN { if (s > 0) printf "%.1f", (b - a) / hz / s * 100; else print 0 }'; }

# tbf_drops "ns:if ...": packets the links' root qdiscs dropped so far.
tbf_drops() {
	local l t=0 v
	for l in "$@"; do
		v=$(ip netns exec "$(nsn "${l%%:*}")" tc -s qdisc show dev "${l#*:}" root 2>/dev/null |
			sed -n 's/.*(dropped \([0-9]*\),.*/\1/p' | head -1)
		t=$((t + ${v:-0}))
	done
	echo $t
}

tx_bytes() { nsx "${1%%:*}" cat "/sys/class/net/${1#*:}/statistics/tx_bytes" 2>/dev/null || echo 0; }

# shape ROW on|off
shape() {
	local r=$1 l
	for l in ${R_LINKS[$r]}; do
		if [ "$2" = on ]; then
			# shellcheck disable=SC2086
			ip netns exec "$(nsn "${l%%:*}")" tc qdisc replace dev "${l#*:}" root tbf $TBF_ARGS
		else
			ip netns exec "$(nsn "${l%%:*}")" tc qdisc del dev "${l#*:}" root 2>/dev/null
		fi
	done
}

# record KEY=VALUE...: one JSON object per line in raw.jsonl.
record() {
	"$PY" - "$@" >>"$RAW" <<'EOF'
import json, sys
o = {}
for kv in sys.argv[1:]:
    k, v = kv.split("=", 1)
    try:
        o[k] = json.loads(v)
    except ValueError:
        o[k] = v
print(json.dumps(o))
EOF
}

# tcp ROW STREAMS RUN [shaped] [tag]
tcp_test() {
	local r=$1 n=$2 run=$3 shaped=${4:-0} tag=${5:-} out t0 t1 c0 c1 s0 s1 res l d0=0 d1=0
	local -a before=() after=()
	local split="[]"
	out=$TMP/iperf-$r-$n-$shaped$tag-$run.json
	for l in ${R_SLAVES[$r]}; do before+=("$(tx_bytes "$l")"); done
	# shellcheck disable=SC2086
	[ "$shaped" = 1 ] && d0=$(tbf_drops ${R_SLAVES[$r]})
	# shellcheck disable=SC2086
	c0=$(cpu_ticks ${R_PIDS[$r]}); t0=$(now_s); s0=$(sys_cpu)
	nsx "${R_CLI[$r]}" timeout $((DUR + 30)) iperf3 -c $SRV_IP -t "$DUR" -P "$n" -J \
		--connect-timeout 3000 >"$out" 2>&1
	# shellcheck disable=SC2086
	t1=$(now_s); c1=$(cpu_ticks ${R_PIDS[$r]}); s1=$(sys_pct "$s0" "$(sys_cpu)")
	for l in ${R_SLAVES[$r]}; do after+=("$(tx_bytes "$l")"); done
	# shellcheck disable=SC2086
	[ "$shaped" = 1 ] && d1=$(tbf_drops ${R_SLAVES[$r]})
	if [ ${#before[@]} -gt 1 ]; then
		split=$("$PY" -c 'import sys; a=sys.argv[1].split(); b=sys.argv[2].split()
d=[int(y)-int(x) for x,y in zip(a,b)]; s=sum(d) or 1
print("[" + ",".join("%.3f" % (v/s) for v in d) + "]")' "${before[*]}" "${after[*]}")
	fi
	res=$("$PY" -c 'import json,sys
try:
    d = json.load(open(sys.argv[1]))
    e = d["end"]
    print("%.6f %d" % (e["sum_received"]["bits_per_second"] / 1e9, e["sum_sent"].get("retransmits", 0)))
except Exception as ex:
    print("err")' "$out")
	if [ "$res" = err ]; then
		log "$r: iperf3 -P $n failed: $(tail -c 300 "$out" | tr '\n' ' ')"
		record kind=tcp row="$r" streams="$n" shaped="$shaped" tag="\"$tag\"" run="$run" error=true
		return 1
	fi
	record kind=tcp row="$r" streams="$n" shaped="$shaped" tag="\"$tag\"" run="$run" \
		gbps="${res% *}" retransmits="${res#* }" \
		cpu="$(cpu_pct "$c0" "$c1" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')")" split="$split" \
		machine_busy="${s1% *}" machine_softirq="${s1#* }" tbf_drops=$((d1 - d0))
	log "$r tcp x$n shaped=$shaped$tag run $run: ${res% *} Gbit/s, retr ${res#* }, split $split"
}

udp_rx() {
	nsx "$1" cat /proc/net/snmp | awk '/^Udp:/ { if (h) { print $2 + $3 + $4; exit } h = 1 }'
}

# pps ROW RUN
pps_test() {
	local r=$1 run=$2 out rx0 rx1 c0 c1 t0 t1 sent secs s0 s1
	out=$TMP/udpflood-$r-$run.txt
	rx0=$(udp_rx "${R_SRV[$r]}")
	# shellcheck disable=SC2086
	c0=$(cpu_ticks ${R_PIDS[$r]}); t0=$(now_s); s0=$(sys_cpu)
	nsx "${R_CLI[$r]}" timeout $((PPS_DUR + 20)) "$UDPFLOOD" -d $SRV_IP -p 9 -l 18 -b 64 -f 4 \
		-t "$PPS_DUR" >"$out" 2>&1
	sleep 0.3
	# shellcheck disable=SC2086
	t1=$(now_s); c1=$(cpu_ticks ${R_PIDS[$r]}); s1=$(sys_pct "$s0" "$(sys_cpu)")
	rx1=$(udp_rx "${R_SRV[$r]}")
	sent=$(sed -n 's/.*sent=\([0-9]*\).*/\1/p' "$out")
	secs=$(sed -n 's/.*secs=\([0-9.]*\).*/\1/p' "$out")
	if [ -z "$sent" ] || [ -z "$secs" ]; then
		log "$r: udpflood failed: $(cat "$out")"
		record kind=pps row="$r" run="$run" error=true
		return 1
	fi
	record kind=pps row="$r" run="$run" sent="$sent" received=$((rx1 - rx0)) secs="$secs" \
		mpps="$(awk -v n=$((rx1 - rx0)) -v s="$secs" 'BEGIN{printf "%.4f", n/s/1e6}')" \
		sent_mpps="$(awk -v n="$sent" -v s="$secs" 'BEGIN{printf "%.4f", n/s/1e6}')" \
		cpu="$(cpu_pct "$c0" "$c1" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')")" \
		machine_busy="${s1% *}" machine_softirq="${s1#* }"
	log "$r pps run $run: received $((rx1 - rx0)) of $sent in ${secs}s"
}

# ---- slave I/O: AF_PACKET against AF_XDP -------------------------------------

# bench/reflect turns every frame arriving on a veth around, with one of the
# two kernel interfaces a slave could be driven with; udpflood's 64-byte
# frames go out of bk-a and whatever comes back is counted in bk-a's UDP
# counters. The AF_PACKET run hides the veth from bk-b's stack with the
# tc drop bondd uses; AF_XDP takes the frames before the stack anyway.
backend_test() {
	local run mode rx0 rx1 out sent secs
	[ -x "$REFLECT" ] || {
		record kind=backend error=true reason='"bench/reflect not built (no libxdp)"'
		return 0
	}
	mk_ns bk-a && mk_ns bk-b && veth bk-a xa bk-b xb || return 1
	addr bk-a xa 203.0.113.1/24
	ip -n "$(nsn bk-b)" link set xb address 02:00:00:00:00:02
	ip -n "$(nsn bk-a)" neigh add 203.0.113.2 lladdr 02:00:00:00:00:02 dev xa
	nsx bk-b tc qdisc add dev xb clsact &&
		nsx bk-b tc filter add dev xb ingress bpf da bytecode '1,6 0 0 2,' || return 1
	for ((run = 1; run <= RUNS; run++)); do
		for mode in packet xdp; do
			out=$TMP/reflect-$mode-$run.txt
			bg bk-b "$out" "$REFLECT" -i xb -m "$mode" -t $((PPS_DUR + 2))
			sleep 1
			rx0=$(udp_rx bk-a)
			nsx bk-a timeout $((PPS_DUR + 20)) "$UDPFLOOD" -d 203.0.113.2 -p 9 -l 18 -b 64 -f 4 \
				-t "$PPS_DUR" >"$TMP/reflect-flood-$mode-$run.txt" 2>&1
			sleep 0.3
			rx1=$(udp_rx bk-a)
			wait "$BG_PID"
			sent=$(sed -n 's/.*sent=\([0-9]*\).*/\1/p' "$TMP/reflect-flood-$mode-$run.txt")
			secs=$(sed -n 's/.*secs=\([0-9.]*\).*/\1/p' "$TMP/reflect-flood-$mode-$run.txt")
			if [ -z "$sent" ] || ! grep -q '^mode=' "$out"; then
				log "backend $mode: failed: $(tail -c 300 "$out" | tr '\n' ' ')"
				record kind=backend mode="\"$mode\"" run="$run" error=true \
					reason="\"$(grep -v '^lib' "$out" | tail -1 | tr -d '"\\')\""
				continue
			fi
			record kind=backend mode="\"$mode\"" run="$run" sent="$sent" returned=$((rx1 - rx0)) \
				secs="$secs" mpps="$(awk -v n=$((rx1 - rx0)) -v s="$secs" 'BEGIN{printf "%.4f", n/s/1e6}')" \
				sent_mpps="$(awk -v n="$sent" -v s="$secs" 'BEGIN{printf "%.4f", n/s/1e6}')" \
				cpu="$(sed -n 's/.* cpu=\([0-9.]*\).*/\1/p' "$out")" \
				us_per_frame="$(sed -n 's/.*us_per_frame=\([0-9.]*\).*/\1/p' "$out")"
			log "backend $mode run $run: returned $((rx1 - rx0)) of $sent in ${secs}s"
		done
	done
}

# ---- failover: active-backup under a numbered 10 kHz stream --------------------

# Paths, each its own client/server pair (row names fo_PATH): bondd
# active-backup miimon 100 on the packet and on the kernel data path, the
# same on packet with BONDD_CARRIER_WATCH=tick (a carrier change waits for
# the miimon read, as in the kernel's driver), and OVS's userspace
# active-backup bond (link state polled every 100 ms), all to a Linux
# bridge over both links; 802.3ad and balance-xor with bondd on both ends. One
# bench/seqflood stream per path, client to server, 10 kHz; FO_CUTS cuts of
# the active link, interleaved across the paths (cut 1 of every path, then
# cut 2, ...). A cut: find the link carrying the stream (the client-side
# link whose tx_bytes grow), close the receiver's window (SIGUSR1), set the
# server-side end of that link down, wait until the other link carries the
# stream, set it up again and let it settle. Nothing moves the stream back
# (no primary), so the next cut takes the other link: the cuts alternate
# (in the balancing modes the one flow moves back when its link returns).
# The receiver's windows alternate: window 2N-1 holds cut N, window 2N the
# return of the link cut N took (windows_per_cut=2 in the record).

declare -A FO_RX FO_TX FO_MON

# link_tx ROW: "tx_bytes of c0, tx_bytes of c1" on the client.
link_tx() { echo "$(tx_bytes "$1-c:c0") $(tx_bytes "$1-c:c1")"; }

# fo_active ROW: 0 or 1, the link that carried the stream over 0.2 s (- if none).
fo_active() {
	local a0 a1 b0 b1
	read -r a0 a1 <<<"$(link_tx "$1")"
	sleep 0.2
	read -r b0 b1 <<<"$(link_tx "$1")"
	if [ $((b0 - a0)) -gt 1000 ] && [ $((b0 - a0)) -gt $((b1 - a1)) ]; then
		echo 0
	elif [ $((b1 - a1)) -gt 1000 ]; then
		echo 1
	else
		echo -
	fi
}

# fo_cut PATH CUT
fo_cut() {
	local p=$1 n=$2 r=fo_$1 act other t0 t1 j a b ok=0 dp seen
	act=$(fo_active "$r")
	if [ "$act" = - ]; then
		log "failover $p cut $n: the stream is on neither link"
		kill -USR1 "${FO_RX[$p]}"
		record kind=failover_cut path="\"$p\"" cut="$n" error=true reason='"stream on neither link"'
		sleep 1
		return 1
	fi
	other=$((1 - act))
	kill -USR1 "${FO_RX[$p]}"
	# The receiver closes its window within its 20 ms receive timeout.
	sleep 0.1
	t0=$(now_s)
	ip -n "$(nsn "$r-s")" link set "s$act" down
	# Settled: the other link carries the stream (at most 5 s).
	a=$(tx_bytes "$r-c:c$other")
	for ((j = 0; j < 50; j++)); do
		sleep 0.1
		b=$(tx_bytes "$r-c:c$other")
		[ $((b - a)) -gt 1000 ] && { ok=1; break; }
		a=$b
	done
	t1=$(now_s)
	sleep 0.3
	# The return gets a window of its own: in the balancing modes the
	# stream moves back when the link rejoins, and that move is measured
	# apart from the failover.
	kill -USR1 "${FO_RX[$p]}"
	sleep 0.1
	ip -n "$(nsn "$r-s")" link set "s$act" up
	# miimon (100 ms) sees the link back, the bridge forwards on it again.
	sleep 1
	dp="null null null null null"
	[ "$p" = ovs ] || dp=$(show_dp "$r-c")
	# When the client's bondd saw the link go (its monitor's first "link
	# down" of c$act after the cut): the gap splits into the time the
	# event took to reach the daemon and what came after it.
	seen="null null"
	[ -n "${FO_MON[$p]:-}" ] && seen=$("$PY" -c 'import datetime, json, sys
t0, slave = float(sys.argv[2]), sys.argv[3]
for line in open(sys.argv[1]):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get("event") != "link" or e.get("state") != "down" or e.get("slave") != slave:
        continue
    t = datetime.datetime.strptime(e["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()
    if t >= t0 - 0.001:
        print(round((t - t0) * 1000, 3), "%.6f" % t)
        break
else:
    print("null null")' "$TMP/mon-$p.jsonl" "$t0" "c$act" 2>/dev/null || echo null null)
	read -r _ dplast dpmax _ hints <<<"$dp"
	read -r seen seen_at _ <<<"$seen"
	record kind=failover_cut path="\"$p\"" cut="$n" link="\"c$act\"" settled="$ok" \
		event_ms_after_cut="${seen:-null}" event_at_s="${seen_at:-null}" \
		settle_s="$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}')" \
		last_update_us="$dplast" max_update_us="$dpmax" hints_acted="${hints:-null}"
	[ $ok = 1 ] || log "failover $p cut $n: the stream did not move to c$other within 5 s"
}

failover_test() {
	local p r i paths=() w
	for p in $FO_PATHS; do
		r=fo_$p
		R_NA[$r]=""
		case $p in
		tick) BONDD_CW=tick setup_bondd_to_bridge "$r" "$AB_OPTS" packet ;;
		ovs) setup_ovs_ab "$r" ;;
		lacp_ebpf) setup_bondd_b2b "$r" "mode 802.3ad xmit_hash_policy layer3+4 miimon 100 lacp_rate fast" ebpf ;;
		xor_ebpf) setup_bondd_b2b "$r" "$XOR_OPTS" ebpf ;;
		*) setup_bondd_to_bridge "$r" "$AB_OPTS" "$p" ;;
		esac
		if [ -n "${R_NA[$r]}" ] || ! wait_ping "$r-c" $SRV_IP; then
			[ -n "${R_NA[$r]}" ] || R_NA[$r]="no connectivity"
			log "failover $p: n/a (${R_NA[$r]})"
			record kind=failover path="\"$p\"" error=true reason="\"${R_NA[$r]}\""
			continue
		fi
		bg "$r-s" "$TMP/seq-$p-rx.txt" "$SEQFLOOD" -l -p 9000
		FO_RX[$p]=$BG_PID
		if [ "$p" != ovs ]; then
			bg "$r-c" "$TMP/mon-$p.jsonl" "$BONDCTL" -s "$(sock_of "$r-c")" monitor --json
			FO_MON[$p]=$BG_PID
		fi
		paths+=("$p")
	done
	[ ${#paths[@]} -gt 0 ] || return 1
	sleep 0.5
	for p in "${paths[@]}"; do
		bg "fo_$p-c" "$TMP/seq-$p-tx.txt" "$SEQFLOOD" -d $SRV_IP -p 9000 -r "$FO_RATE"
		FO_TX[$p]=$BG_PID
	done
	sleep 1
	log "failover: ${paths[*]}, $FO_CUTS cuts each at $FO_RATE frames/s"
	for ((i = 1; i <= FO_CUTS; i++)); do
		for p in "${paths[@]}"; do
			fo_cut "$p" "$i"
		done
	done
	for p in "${paths[@]}"; do
		kill -TERM "${FO_TX[$p]}"
		wait "${FO_TX[$p]}" 2>/dev/null
		if [ -n "${FO_MON[$p]:-}" ]; then
			kill -TERM "${FO_MON[$p]}"
			wait "${FO_MON[$p]}" 2>/dev/null
		fi
	done
	sleep 0.3
	for p in "${paths[@]}"; do
		kill -TERM "${FO_RX[$p]}"
		wait "${FO_RX[$p]}" 2>/dev/null
		# Window 0 is the start-up before the first cut; window N holds cut N.
		w=$("$PY" -c 'import json, re, sys
ws = []
tot = None
sent = None
for line in open(sys.argv[1]):
    m = dict(re.findall(r"(\w+)=(\d+)", line))
    if line.startswith("window="):
        ws.append({k: int(v) for k, v in m.items()})
    elif line.startswith("total="):
        tot = {k: int(v) for k, v in m.items()}
for line in open(sys.argv[2]):
    m = re.search(r"sent=(\d+).*errors=(\d+)", line)
    if m:
        sent = {"sent": int(m.group(1)), "send_errors": int(m.group(2))}
print(json.dumps({"windows": ws[1:], "total": tot, "sender": sent}))' \
			"$TMP/seq-$p-rx.txt" "$TMP/seq-$p-tx.txt" 2>/dev/null)
		if [ -z "$w" ]; then
			log "failover $p: no result from seqflood: $(tail -2 "$TMP/seq-$p-rx.txt" | tr '\n' ' ')"
			record kind=failover path="\"$p\"" error=true reason='"no result from seqflood"'
			continue
		fi
		record kind=failover path="\"$p\"" rate="$FO_RATE" cuts="$FO_CUTS" windows_per_cut=2 result="$w"
		log "failover $p: $(tail -1 "$TMP/seq-$p-rx.txt")"
	done
}

# ---- memory: 8 bonds x 4 slaves ---------------------------------------------

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null; }

mem_test() {
	local i j pid empty idle after peak samples="" p1 p2 t
	mk_ns mem-c && mk_ns mem-s || return 1
	start_bondd mem-c packet || return 1
	pid=$BONDD_PID
	sleep 0.5
	empty=$(rss_kb "$pid")
	for ((i = 0; i < 8; i++)); do
		for ((j = 0; j < 4; j++)); do
			veth mem-c "e$i$j" mem-s "p$i$j" || return 1
		done
		bridge mem-s "br$i" "p${i}0" "p${i}1" "p${i}2" "p${i}3" || return 1
		addr mem-s "br$i" "203.0.113.$((16 * i + 2))/28"
		mk_bond mem-c "bond$i" "" "mode balance-rr miimon 100" \
			"e${i}0" "e${i}1" "e${i}2" "e${i}3" || return 1
		# Spaced out, and addresses on bond0/bond1 only (the soak's): bondd
		# (b2541b0) loops forever when a batch of rtnetlink events is
		# overwritten by a request made from an event callback (one rx
		# buffer in src/linux/rtnl.c); reported to the lead.
		sleep 0.5
	done
	for ((i = 0; i < 2; i++)); do
		addr mem-c "bond$i" "203.0.113.$((16 * i + 1))/28"
		sleep 0.5
	done
	if ! bctl mem-c list >/dev/null 2>&1; then
		log "mem: bondd stopped answering its control socket after setting up 8 bonds"
		record kind=mem error=true reason="\"bondd hung after the setup (control socket timeout)\"" \
			empty_kb="$empty" busy_kb="$(rss_kb "$pid")"
		return 1
	fi
	wait_ping mem-c 203.0.113.2 || log "mem: bond0 does not answer ping"
	wait_ping mem-c 203.0.113.18 || log "mem: bond1 does not answer ping"
	sleep 3
	idle=$(rss_kb "$pid")
	log "mem: bondd RSS empty ${empty} kB, 8 bonds x 4 slaves idle ${idle} kB; soak ${SOAK}s"
	# Soak: TCP (GSO frames) through bond0 and 64-byte UDP through bond1.
	bg mem-s "$TMP/mem-iperf-s.log" iperf3 -s -p 5202
	sleep 0.5
	bg mem-c "$TMP/mem-iperf-c.log" iperf3 -c 203.0.113.2 -p 5202 -t "$SOAK" -P 4
	p1=$BG_PID
	bg mem-c "$TMP/mem-udp.log" "$UDPFLOOD" -d 203.0.113.18 -p 9 -f 4 -t "$SOAK"
	p2=$BG_PID
	for ((t = 0; t < SOAK; t += 5)); do
		sleep 5
		samples="$samples${samples:+,}$(rss_kb "$pid")"
	done
	wait "$p1" "$p2" 2>/dev/null
	sleep 2
	after=$(rss_kb "$pid")
	peak=$(hwm_kb "$pid")
	log "mem: after soak ${after} kB (peak ${peak} kB)"
	record kind=mem empty_kb="$empty" idle_kb="$idle" after_kb="$after" peak_kb="$peak" \
		soak_s="$SOAK" samples_kb="[$samples]" bonds=8 slaves_per_bond=4 \
		soak_tcp="\"$(grep -E 'receiver' "$TMP/mem-iperf-c.log" | tail -1 | awk '{print $7, $8}')\"" \
		soak_udp="\"$(cat "$TMP/mem-udp.log")\""
}

# ---- main ---------------------------------------------------------------------

machine_json() {
	"$PY" - "$ROOT" "$QUICK" "$DUR" "$RUNS" "$PPS_DUR" "$SOAK" "$TBF_ARGS" "$RR_SYSCTL" <<'EOF'
import json, os, platform, subprocess, sys
root, quick, dur, runs, pps_dur, soak, tbf, rr_sysctl = sys.argv[1:]
def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except Exception:
        return ""
cpu = ""
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        cpu = line.split(":", 1)[1].strip(); break
mem = ""
for line in open("/proc/meminfo"):
    if line.startswith("MemTotal"):
        mem = "%.1f GiB" % (int(line.split()[1]) / 1048576); break
osname = ""
try:
    for line in open("/etc/os-release"):
        if line.startswith("PRETTY_NAME="):
            osname = line.split("=", 1)[1].strip().strip('"')
except OSError:
    pass
print(json.dumps({
    "host": platform.node(), "nproc": os.cpu_count(), "cpu_model": cpu,
    "kernel": platform.release(), "memory": mem, "os": osname,
    "loadavg_start": open("/proc/loadavg").read().split()[:3],
    "iperf3": sh("iperf3 --version | head -1"),
    "ovs": sh("ovs-vswitchd --version | head -1"),
    "bondd_commit": os.environ.get("BENCH_SRC_COMMIT") or sh("git -C %s rev-parse --short HEAD" % root),
    "bondd_tree_dirty": False if os.environ.get("BENCH_SRC_COMMIT") else bool(sh("git -C %s status --porcelain -- src" % root)),
    "quick": quick == "1", "duration_s": int(dur), "runs": int(runs),
    "pps_duration_s": int(pps_dur), "soak_s": int(soak), "tbf": tbf,
    "rr_sysctl": rr_sysctl,
}))
EOF
}

log "bench: $([ $QUICK = 1 ] && echo quick || echo full) run, ${DUR}s x $RUNS, rows: $ROWS"
machine_json >"$TMP/machine.json"

ACTIVE=()
for r in $ROWS; do
	if setup_row "$r" && [ -z "${R_NA[$r]}" ]; then
		ACTIVE+=("$r")
	else
		[ -n "${R_NA[$r]}" ] || R_NA[$r]="setup failed"
		log "$r: n/a (${R_NA[$r]})"
	fi
done
# Servers, then wait until every row carries traffic.
for r in "${ACTIVE[@]}"; do
	bg "${R_SRV[$r]}" "$TMP/iperf-s-$r.log" iperf3 -s
done
sleep 1
ROWS_OK=()
for r in "${ACTIVE[@]}"; do
	if wait_ping "${R_CLI[$r]}" $SRV_IP; then
		ROWS_OK+=("$r")
	else
		R_NA[$r]="no connectivity"
		log "$r: n/a (no connectivity)"
	fi
done
# LACP needs a few fast PDUs before both links distribute.
case " ${ROWS_OK[*]} " in *" lacp"* | *" ovs_"*) sleep 3 ;; esac
for r in $ROWS; do
	[ -n "${R_NA[$r]}" ] && record kind=na row="$r" reason="\"${R_NA[$r]}\""
done

has_row() { case " ${ROWS_OK[*]} " in *" $1 "*) return 0 ;; esac; return 1; }

for ((run = 1; run <= RUNS; run++)); do
	if ! skipped tcp; then
		for r in "${ROWS_OK[@]}"; do
			tcp_test "$r" 1 "$run"
			tcp_test "$r" 4 "$run"
		done
	fi
	if ! skipped shaped; then
		# Single link; balance-rr one stream (with and without the sysctl);
		# hashing bonds and OVS four streams.
		for r in veth rr rr_ebpf xor1_ebpf xor xor_ebpf lacp lacp_ebpf ovs_lacp ovs_tso; do
			has_row "$r" || continue
			shape "$r" on
			case $r in
			veth) tcp_test veth 1 "$run" 1; tcp_test veth 4 "$run" 1 ;;
			rr | rr_ebpf) tcp_test "$r" 1 "$run" 1
			    nsx "$r-c" sysctl -qw net.ipv4.tcp_reordering=3
			    tcp_test "$r" 1 "$run" 1 _default_sysctl
			    nsx "$r-c" sysctl -qw "$RR_SYSCTL"
			    # Whole 64 KB GSO frames alternate between links: a
			    # smaller GSO size on the bond makes the reordering finer.
			    ip -n "$(nsn "$r-c")" link set dev bond0 gso_max_size 8192
			    tcp_test "$r" 1 "$run" 1 _gso8k
			    ip -n "$(nsn "$r-c")" link set dev bond0 gso_max_size 65536
			    tcp_test "$r" 4 "$run" 1 ;;
			*) tcp_test "$r" 4 "$run" 1 ;;
			esac
			shape "$r" off
		done
	fi
	if ! skipped pps; then
		for r in "${ROWS_OK[@]}"; do
			pps_test "$r" "$run"
		done
	fi
done

# Status of the bondd rows after the traffic (evidence for the report), and
# each daemon's data path with its map-update times.
for r in "${ROWS_OK[@]}"; do
	is_bondd_row "$r" || continue
	bctl "$r-c" show bond0 >"$TMP/show-$r.txt" 2>&1
	for side in c s; do
		[ -S "$(sock_of "$r-$side")" ] || continue
		read -r dpn dplast dpmax dpn_upd _ <<<"$(show_dp "$r-$side")"
		record kind=datapath row="$r" side="\"$side\"" name="\"$dpn\"" last_update_us="$dplast" \
			max_update_us="$dpmax" map_updates="$dpn_upd"
	done
done

skipped failover || failover_test || log "failover: test failed"
skipped backend || backend_test || log "backend: test failed"
skipped mem || mem_test || log "mem: test failed"

ENGINE_JSON=$TMP/engine.json
if skipped engine; then
	echo '{}' >"$ENGINE_JSON"
else
	log "engine micro-benchmark"
	"$ENGINE_BENCH" --json $([ $QUICK = 1 ] && echo --quick) >"$ENGINE_JSON" ||
		echo '{}' >"$ENGINE_JSON"
fi

mkdir -p "$OUTDIR"
"$PY" "$ROOT/bench/report.py" --raw "$RAW" --machine "$TMP/machine.json" \
	--engine "$ENGINE_JSON" --outdir "$OUTDIR" --rows "$ALL_ROWS"
