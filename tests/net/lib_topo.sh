# shellcheck shell=bash
# lib_topo.sh: the one topology helper every tests/net scenario sources.
#
#   . "$(dirname "$0")/lib_topo.sh"
#   topo_init "$@"          # BUILD from $1, else $BONDD_BUILD, else build-asan
#   ns_add srv; ns_add sw
#   veth_pair srv eth0 sw s0
#   start_bondd srv
#   bctl srv create bond0 mode active-backup miimon 100
#   check "ping crosses" nsx srv ping -c 1 -W 1 192.0.2.10
#   topo_finish             # exit status: 1 if any check failed
#
# Namespaces get a per-run prefix ("bt<pid>-<name>"); functions take the
# short name. Interfaces live inside the namespaces only, so their names
# (eth0, s0, br0, ...) never collide with the host or with another run.
# Nothing is connected to the host's namespace: nothing can be routed out.
# Addresses: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32 only.
#
# Output protocol (read by tests/run.sh): one "PASS name" or "FAIL name" line
# per check; details of a failure follow on lines indented by four spaces.
# TOPO_VERBOSE=1 also shows what passing checks printed; TOPO_KEEP=1 keeps
# the temp dir (daemon logs, captures).

TOPO_PFX="bt$$"
TOPO_DIR=""
TOPO_FAILS=0
TOPO_PASSES=0
TOPO_NS=()
TOPO_CLEANED=0
declare -A TOPO_BONDD_PID=()

: "${ASAN_OPTIONS:=detect_leaks=1:halt_on_error=1}"
: "${UBSAN_OPTIONS:=print_stacktrace=1:halt_on_error=1}"
export ASAN_OPTIONS UBSAN_OPTIONS

topo_log() { printf '# %s\n' "$*"; }

# Prints its stdin indented (failure details).
topo_indent() { sed 's/^/    /'; }

# topo_init [BUILD]: locates the binaries, makes the temp dir, sets the traps.
topo_init() {
	local root build
	root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	build=${1:-${BONDD_BUILD:-build-asan}}
	case $build in /*) ;; *) build="$root/$build" ;; esac
	BONDD="$build/src/cmd/bondd"
	BONDCTL="$build/src/cmd/bondctl"
	if [ "$(id -u)" != 0 ]; then
		echo "FAIL $(topo_name): must run as root"
		exit 1
	fi
	for b in "$BONDD" "$BONDCTL"; do
		if [ ! -x "$b" ]; then
			echo "FAIL $(topo_name): $b not built"
			exit 1
		fi
	done
	TOPO_DIR=$(mktemp -d "/tmp/$TOPO_PFX.XXXXXX")
	trap topo_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

topo_name() { basename "$0" .sh; }

# Real namespace name of a short name.
nsname() { printf '%s-%s' "$TOPO_PFX" "$1"; }

# nsx NS CMD...: runs CMD inside namespace NS.
nsx() {
	local ns=$1
	shift
	ip netns exec "$(nsname "$ns")" "$@"
}

# ns_add NS: new namespace with lo up and IPv6 DAD off (quiet, fast addresses).
ns_add() {
	local n
	n=$(nsname "$1")
	ip netns add "$n" || return 1
	TOPO_NS+=("$1")
	ip -n "$n" link set lo up
	nsx "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
}

# veth_pair NS1 IF1 NS2 IF2: a veth between two namespaces, both ends up.
veth_pair() {
	local n1 n2
	n1=$(nsname "$1")
	n2=$(nsname "$3")
	ip -n "$n1" link add "$2" type veth peer name "$4" netns "$n2" || return 1
	ip -n "$n1" link set "$2" up && ip -n "$n2" link set "$4" up
}

# bridge_switch NS BR PORTS...: a plain learning bridge (no STP, so ports
# forward at once) over PORTS, all up.
bridge_switch() {
	local n br p
	n=$(nsname "$1")
	br=$2
	shift 2
	ip -n "$n" link add "$br" type bridge stp_state 0 forward_delay 0 || return 1
	for p in "$@"; do
		ip -n "$n" link set "$p" master "$br" || return 1
		ip -n "$n" link set "$p" up
	done
	ip -n "$n" link set "$br" up
}

bondd_sock() { printf '%s/%s.sock' "$TOPO_DIR" "$1"; }
bondd_log() { printf '%s/%s.bondd.log' "$TOPO_DIR" "$1"; }

# bctl NS ARGS...: bondctl talking to NS's daemon.
bctl() {
	local ns=$1
	shift
	nsx "$ns" "$BONDCTL" -s "$(bondd_sock "$ns")" "$@"
}

# start_bondd NS [ARGS...]: starts "bondd -f" in NS with its own socket and
# log, waits until "bondctl list" answers.
start_bondd() {
	local ns=$1 sock log pid i
	shift
	sock=$(bondd_sock "$ns")
	log=$(bondd_log "$ns")
	# A simple command, so that $! is bondd itself (ip netns exec execs).
	BONDD_SOCKET=$sock ip netns exec "$(nsname "$ns")" "$BONDD" -f -s "$sock" "$@" >>"$log" 2>&1 &
	pid=$!
	TOPO_BONDD_PID[$ns]=$pid
	for ((i = 0; i < 150; i++)); do
		if ! kill -0 "$pid" 2>/dev/null || [ "$(topo_pstate "$pid")" = Z ]; then
			echo "FAIL $(topo_name)/start_bondd $ns: bondd exited at start"
			topo_indent <"$log"
			unset "TOPO_BONDD_PID[$ns]"
			wait "$pid" 2>/dev/null
			TOPO_FAILS=$((TOPO_FAILS + 1))
			return 1
		fi
		if bctl "$ns" list >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	echo "FAIL $(topo_name)/start_bondd $ns: socket $sock does not answer after 15 s"
	topo_indent <"$log"
	TOPO_FAILS=$((TOPO_FAILS + 1))
	return 1
}

topo_pstate() { awk '{print $3}' "/proc/$1/stat" 2>/dev/null; }

# topo_reap PID TIMEOUT: waits for our child PID, SIGKILL after TIMEOUT s.
# Returns its exit status (137 if it had to be killed).
topo_reap() {
	local pid=$1 t=$2 wd rc
	# The watchdog's sleep goes with it (a bare `sleep` would outlive
	# the kill below and be left running).
	(
		trap 'kill "$s" 2>/dev/null; exit 0' TERM
		sleep "$t" &
		s=$!
		wait "$s"
		kill -KILL "$pid" 2>/dev/null
	) &
	wd=$!
	wait "$pid"
	rc=$?
	kill "$wd" 2>/dev/null
	wait "$wd" 2>/dev/null
	return "$rc"
}

# bondd_log_bad NS: true if the daemon log shows a sanitizer report.
bondd_log_bad() {
	grep -qE 'ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:|SUMMARY: [A-Za-z]+Sanitizer' \
		"$(bondd_log "$1")" 2>/dev/null
}

# stop_bondd NS: SIGTERM, waits (10 s, then SIGKILL); returns the daemon's
# exit status, non-zero also when its log holds a sanitizer report.
# The log is printed (indented) on failure.
stop_bondd() {
	local ns=$1 pid rc
	pid=${TOPO_BONDD_PID[$ns]:-}
	[ -n "$pid" ] || {
		echo "    stop_bondd $ns: no daemon started"
		return 1
	}
	kill -TERM "$pid" 2>/dev/null
	topo_reap "$pid" 10
	rc=$?
	unset "TOPO_BONDD_PID[$ns]"
	if [ "$rc" = 0 ] && bondd_log_bad "$ns"; then
		rc=1
	fi
	if [ "$rc" != 0 ]; then
		echo "bondd in $ns exited with status $rc; its log:"
		tail -n 80 "$(bondd_log "$ns")"
	fi
	return "$rc"
}

# bondd_alive NS: the daemon is still running.
bondd_alive() {
	local pid=${TOPO_BONDD_PID[$1]:-}
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$(topo_pstate "$pid")" != Z ]
}

# check NAME CMD...: runs CMD; prints PASS NAME or FAIL NAME followed by
# CMD's output. Returns CMD's status. CMD runs in this shell (not in a
# subshell), so "check ... start_bondd" or "need ... ns_add" keep their state.
check() {
	local name=$1 rc out
	shift
	out=$TOPO_DIR/check.$BASHPID.out
	"$@" >"$out" 2>&1
	rc=$?
	if [ "$rc" = 0 ]; then
		echo "PASS $name"
		[ "${TOPO_VERBOSE:-0}" = 1 ] && [ -s "$out" ] && sed 's/^/  | /' "$out"
		TOPO_PASSES=$((TOPO_PASSES + 1))
	else
		echo "FAIL $name"
		{
			echo "command: $* (status $rc)"
			cat "$out"
		} | topo_indent
		TOPO_FAILS=$((TOPO_FAILS + 1))
	fi
	rm -f "$out"
	return "$rc"
}

# need NAME CMD...: like check, but a failure ends the script (setup steps
# later checks depend on).
need() {
	check "$@" || exit 1
}

# wait_for TIMEOUT CMD...: polls CMD every 0.1 s until it succeeds; on
# timeout prints the last attempt's output and returns 1.
wait_for() {
	local t=$1 out end
	shift
	end=$(($(now_ms) + $(awk -v t="$t" 'BEGIN { printf "%d", t * 1000 }')))
	while :; do
		if out=$("$@" 2>&1); then
			return 0
		fi
		if [ "$(now_ms)" -ge "$end" ]; then
			[ -n "$out" ] && printf '%s\n' "$out"
			echo "(still failing after ${t}s: $*)"
			return 1
		fi
		sleep 0.1
	done
}

# Monotonic-enough wall clock in ms.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# is_eq WHAT EXPECTED GOT: true if equal; else says what differed.
is_eq() {
	if [ "$2" = "$3" ]; then
		return 0
	fi
	printf '%s: expected "%s", got "%s"\n' "$1" "$2" "$3"
	return 1
}

# Counters from /sys/class/net/IF/statistics.
tx_packets() { nsx "$1" cat "/sys/class/net/$2/statistics/tx_packets"; }
rx_packets() { nsx "$1" cat "/sys/class/net/$2/statistics/rx_packets"; }
tx_bytes() { nsx "$1" cat "/sys/class/net/$2/statistics/tx_bytes"; }
rx_bytes() { nsx "$1" cat "/sys/class/net/$2/statistics/rx_bytes"; }

# link_mac NS IF
link_mac() { nsx "$1" cat "/sys/class/net/$2/address"; }

# proc_field NS BOND FIELD [SLAVE]: value of "FIELD: value" in the status
# text of "bondctl show BOND"; from the master part, or from SLAVE's section.
proc_field() {
	local text
	text=$(bctl "$1" show "$2") || return 1
	status_field "$text" "$3" "${4:-}"
}

# status_field TEXT FIELD [SLAVE]: the same on a status text already read.
status_field() {
	printf '%s\n' "$1" | awk -v f="$2" -v s="${3:-}" '
		BEGIN { sec = "" }
		/^Slave Interface: / { sec = substr($0, 18); next }
		{
			i = index($0, ": ")
			if (i == 0) next
			k = substr($0, 1, i - 1)
			if (k == f && sec == s) { print substr($0, i + 2); found = 1; exit }
		}
		END { exit found ? 0 : 1 }'
}

# field_is NS BOND SLAVE FIELD VALUE: SLAVE "" for the master part.
field_is() {
	local got
	got=$(proc_field "$1" "$2" "$4" "$3")
	is_eq "${3:+$3 }$4" "$5" "$got"
}

# active_is NS BOND IF
active_is() { field_is "$1" "$2" "" "Currently Active Slave" "$3"; }

# iperf_server NS: iperf3 -s daemon in NS, waits for the listening socket.
iperf_server() {
	nsx "$1" iperf3 -s -D -I "$TOPO_DIR/$1.iperf3.pid" --logfile "$TOPO_DIR/$1.iperf3.log" || return 1
	wait_for 5 topo_listening "$1" 5201
}
topo_listening() { nsx "$1" ss -Hltn "sport = :$2" | grep -q .; }

# iperf_client NS SERVER SECONDS OUTFILE [IPERF ARGS...]: a TCP test, JSON
# to OUTFILE; returns iperf3's status.
iperf_client() {
	local ns=$1 srv=$2 secs=$3 out=$4
	shift 4
	timeout $((secs + 20)) ip netns exec "$(nsname "$ns")" \
		iperf3 -c "$srv" -t "$secs" -i 0.5 -J --connect-timeout 3000 "$@" >"$out" 2>&1
}

# iperf_stat FILE KEY: from an iperf3 JSON result: bps (received), bytes
# (received), retrans, last_bps (bits/s of the last 0.5 s interval), tail_bps
# (smaller of the last two intervals), min_bps (smallest interval), error.
iperf_stat() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception as e:
    print("unparsable iperf3 output: %s" % e)
    sys.exit(1)
k = sys.argv[2]
e = d.get("end", {})
iv = [i["sum"]["bits_per_second"] for i in d.get("intervals", [])]
v = {
    "bps": int(e.get("sum_received", {}).get("bits_per_second", 0)),
    "bytes": int(e.get("sum_received", {}).get("bytes", 0)),
    "retrans": int(e.get("sum_sent", {}).get("retransmits", -1)),
    "last_bps": int(iv[-1]) if iv else 0,
    "tail_bps": int(min(iv[-2:])) if iv else 0,
    "min_bps": int(min(iv)) if iv else 0,
    "error": d.get("error", ""),
}[k]
print(v)
EOF
}

# iperf_ok FILE: iperf3 finished, without error, with data received.
iperf_ok() {
	local err bytes
	err=$(iperf_stat "$1" error) || { cat "$1"; return 1; }
	bytes=$(iperf_stat "$1" bytes)
	if [ -n "$err" ] || [ "${bytes:-0}" -le 0 ]; then
		echo "iperf3 error: '$err', bytes received: $bytes"
		tail -n 30 "$1"
		return 1
	fi
	echo "received $bytes bytes, $(iperf_stat "$1" bps) bit/s"
}

# iperf_done RC FILE: iperf_client returned RC (must be 0) and FILE shows
# a transfer that moved data.
iperf_done() {
	if [ "$1" != 0 ]; then
		echo "iperf3 exit status $1"
		tail -n 30 "$2"
		return 1
	fi
	iperf_ok "$2"
}

# ping_loss NS DEST COUNT INTERVAL: runs a ping stream, prints its loss in %.
ping_loss() {
	nsx "$1" ping -q -n -c "$3" -i "$4" -W 1 "$2" 2>&1 |
		awk '/packet loss/ { for (i = 1; i <= NF; i++) if ($i ~ /%$/) { sub("%", "", $i); print $i } }'
}

# netstat_val NS NAME: a TcpExt/Tcp/Ip counter of NS (e.g. TcpExtTCPDSACKOldSent,
# TcpInSegs) read from /proc/net/netstat and /proc/net/snmp.
netstat_val() {
	nsx "$1" cat /proc/net/netstat /proc/net/snmp | awk -v want="$2" '
		$1 ~ /:$/ {
			p = substr($1, 1, length($1) - 1)
			if (hdr[p] == "") { hdr[p] = $0; next }
			n = split(hdr[p], h, " ")
			for (i = 2; i <= n; i++) if (p h[i] == want) { print $i; found = 1 }
			hdr[p] = ""
		}
		END { if (!found) print 0 }'
}

# topo_cleanup: stops our daemons (SIGTERM, then SIGKILL), kills every
# process left in our namespaces, deletes the namespaces and the temp dir.
topo_cleanup() {
	local rc=$? ns pid n pids
	[ "$TOPO_CLEANED" = 1 ] && return "$rc"
	TOPO_CLEANED=1
	trap - INT TERM
	for ns in "${!TOPO_BONDD_PID[@]}"; do
		pid=${TOPO_BONDD_PID[$ns]}
		kill -TERM "$pid" 2>/dev/null
		topo_reap "$pid" 5 >/dev/null 2>&1
	done
	if [ "$TOPO_FAILS" -gt 0 ] && [ -n "$TOPO_DIR" ]; then
		for f in "$TOPO_DIR"/*.bondd.log; do
			[ -s "$f" ] || continue
			echo "    --- last lines of $(basename "$f") ---"
			tail -n 40 "$f" | topo_indent
		done
	fi
	for ((n = ${#TOPO_NS[@]} - 1; n >= 0; n--)); do
		ns=$(nsname "${TOPO_NS[$n]}")
		pids=$(ip netns pids "$ns" 2>/dev/null)
		if [ -n "$pids" ]; then
			# shellcheck disable=SC2086
			kill -KILL $pids 2>/dev/null
		fi
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "$TOPO_DIR" ] && [ "${TOPO_KEEP:-0}" != 1 ]; then
		rm -rf "$TOPO_DIR"
	fi
	return "$rc"
}

# topo_finish: the script's end; non-zero status if anything failed.
topo_finish() {
	if [ "$TOPO_FAILS" -gt 0 ]; then
		exit 1
	fi
	exit 0
}

# Topology of the kernel selftests' bond_topo_2d1c.sh in our own words: srv holds the bond
# over eth0/eth1, whose peers s0/s1 sit in the "switch" sw, bridged in br0
# with the port sc toward cli's eth0 (192.0.2.10/24). The bond itself is made
# by the caller.
topo_2d1c() {
	ns_add srv && ns_add sw && ns_add cli || return 1
	veth_pair srv eth0 sw s0 || return 1
	veth_pair srv eth1 sw s1 || return 1
	veth_pair cli eth0 sw sc || return 1
	bridge_switch sw br0 s0 s1 sc || return 1
	ip -n "$(nsname cli)" addr add 192.0.2.10/24 dev eth0
}

# bond_addr NS BOND ADDR/LEN: address on the bond, bond up.
bond_addr() {
	ip -n "$(nsname "$1")" addr add "$3" dev "$2" &&
		ip -n "$(nsname "$1")" link set "$2" up
}
