#!/bin/bash
# t_crash: a bondd killed with SIGKILL never leaves a slave damaged for good.
# bondd is killed at several points: idle, under traffic (ping + iperf3), in
# the middle of an enslave (after the journal entry, after the hiding
# filter, after disable_ipv6; BONDD_CRASH_AT, bondd(8)), in the middle of a
# reload, in the middle of giving the slaves back on SIGTERM and in the
# middle of the recovery at start. Each time bondd is started again with the
# same configuration, then stopped with SIGTERM, and every slave must be
# byte-identical to what it was before the FIRST start: ip -d link (MAC,
# MTU, flags, state, promiscuity), ip addr, tc qdiscs and filters, the
# interface's IPv4/IPv6 sysctls. `bondctl cleanup` with no daemon after a
# SIGKILL must give the same result (and is refused while bondd runs). A
# second bondd in the namespace is refused and names the first one's pid;
# an interface in a kernel bridge is refused; a hiding filter left with no
# journal entry is removed at enslave.
# eth0 gets a root pfifo qdisc, eth1 MTU 1400, so that a daemon resetting
# to defaults rather than restoring is caught; both have IPv6 on (bondd
# turns it off), and in active-backup eth1 takes eth0's MAC: a SIGKILL
# leaves visible damage, which the test checks first.
# Topology as t_ab_failover (srv/sw/cli), plus eth2 in a kernel bridge br9
# and a veth pair eth3/eth3p inside srv.
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

need "topology" topo_2d1c
S=$(nsname srv)
need "eth1 mtu 1400" ip -n "$S" link set eth1 mtu 1400
need "eth0 root qdisc pfifo" nsx srv tc qdisc add dev eth0 root handle 1: pfifo limit 77
need "eth2 in kernel bridge br9" eval "ip -n '$S' link add eth2 type veth peer name eth2p &&
	ip -n '$S' link add br9 type bridge && ip -n '$S' link set eth2 master br9"
# (up: a device never up has qdisc noop, and after its first up the
# default qdisc stays; bondd brings a slave up, as the kernel's bonding does)
need "veth eth3/eth3p, up" eval "ip -n '$S' link add eth3 type veth peer name eth3p &&
	ip -n '$S' link set eth3p up && ip -n '$S' link set eth3 up"
need iperf3 iperf_server cli

SLAVES="eth0 eth1 eth3"
snapshot() {
	local i
	for i in $SLAVES; do
		echo "== $i"
		ip -n "$S" -d link show dev "$i"
		ip -n "$S" addr show dev "$i"
		nsx srv tc qdisc show dev "$i"
		nsx srv tc filter show dev "$i" ingress
		nsx srv tc filter show dev "$i" egress
		nsx srv sysctl -a 2>/dev/null | grep -E "^net\.ipv[46]\.conf\.$i\." | sort
	done
}
snapshot >"$TOPO_DIR/before"
same_as_before() {
	snapshot >"$TOPO_DIR/after"
	diff -u "$TOPO_DIR/before" "$TOPO_DIR/after"
}
damaged() {
	! same_as_before >/dev/null
}

conf() {
	local f=$TOPO_DIR/$1.conf
	shift
	printf '%s\n' "$@" >"$f"
	echo "$f"
}
CONF=$(conf full "[bond0]" "mode = active-backup" "miimon = 100" "primary = eth0" \
	"slaves = eth0 eth1" "address = 192.0.2.1/24")
CONF_ONE=$(conf one "[bond0]" "mode = active-backup" "miimon = 100" "primary = eth0" \
	"slaves = eth0" "address = 192.0.2.1/24")
CONF_TWO=$(conf two "[bond0]" "mode = active-backup" "miimon = 100" "primary = eth0" \
	"slaves = eth0" "address = 192.0.2.1/24" "" "[bond1]" "mode = balance-rr" "slaves = eth1")
LIVE=$TOPO_DIR/live.conf

# kill9 NS: SIGKILL the daemon, reap it.
kill9() {
	local pid=${TOPO_BONDD_PID[$1]:-}
	[ -n "$pid" ] || return 1
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	unset "TOPO_BONDD_PID[$1]"
}
pings() { wait_for 10 nsx srv ping -c 1 -W 1 192.0.2.10; }
bondd_log_clean() {
	if bondd_log_bad srv; then
		tail -n 40 "$(bondd_log srv)"
		return 1
	fi
}

# crash_start POINT CONF: bondd started with BONDD_CRASH_AT=POINT dies by
# SIGKILL (status 137) while it applies CONF.
crash_start() {
	local rc
	BONDD_CRASH_AT=$1 timeout 30 ip netns exec "$S" "$BONDD" -f -s "$(bondd_sock srv)" \
		-c "$2" >>"$(bondd_log srv)" 2>&1
	rc=$?
	is_eq "exit status (137: SIGKILL)" 137 "$rc"
}

JDIR=/run/bondd/journal/net-$(stat -L -c %i "/run/netns/$S")
# journal_empty: no entry left (nor a .bad one) once every slave is back.
journal_empty() {
	ls -la "$JDIR" 2>/dev/null
	[ -z "$(ls -A "$JDIR" 2>/dev/null)" ]
}
no_restore_error() {
	! grep -E "restoring failed|entry kept|unreadable|journal: cannot|restoring the device failed" "$(bondd_log srv)"
}

# recovered TAG: bondd restarted on the same configuration carries traffic,
# SIGTERM, and every slave is as before the first start.
recovered() {
	local tag=$1
	check "$tag: bondd starts again (same configuration)" start_bondd srv -c "$CONF" || return
	# (on the kernel data path a slave whose program was in place is
	# taken over with its frames flowing, not restored: t_ebpf_restart)
	check "$tag: log says what the journal restored or what was taken over" \
		grep -qE "bondd: journal: .*restored from the journal|taken over from bondd pid" "$(bondd_log srv)"
	check "$tag: ping through bond0 again" pings
	check "$tag: bondd exits on SIGTERM" stop_bondd srv
	check "$tag: every slave as before the first start" wait_for 5 same_as_before
	check "$tag: the journal is empty" journal_empty
	check "$tag: no restore error logged" no_restore_error
	check "$tag: no sanitizer report" bondd_log_clean
	: >"$(bondd_log srv)"
}

# --- idle
need "idle: bondd -c starts" start_bondd srv -c "$CONF"
check "idle: ping through bond0" pings
check "idle: SIGKILL" kill9 srv
check "idle: the SIGKILL left damage (hiding filter, MAC, IPv6 off)" damaged
recovered idle

# --- under traffic
need "traffic: bondd -c starts" start_bondd srv -c "$CONF"
check "traffic: ping through bond0" pings
nsx srv ping -q -i 0.05 -c 400 192.0.2.10 >/dev/null 2>&1 &
pingpid=$!
iperf_client srv 192.0.2.10 6 "$TOPO_DIR/traffic.json" &
iperfpid=$!
sleep 2
check "traffic: SIGKILL during ping + iperf3" kill9 srv
wait "$iperfpid" "$pingpid" 2>/dev/null
check "traffic: the SIGKILL left damage" damaged
recovered traffic

# --- in the middle of enslaving eth1 (the second enslave of the start)
for point in enslave-after-journal enslave-after-hide enslave-after-ipv6 enslave-done; do
	check "$point: bondd dies there (BONDD_CRASH_AT=$point:2)" crash_start "$point:2" "$CONF"
	recovered "$point"
done

# --- in the middle of a reload: bond0 lost eth1, bond1 (eth1) not made yet
cp "$CONF" "$LIVE"
export BONDD_CRASH_AT=reload-mid
need "reload-mid: bondd -c starts" start_bondd srv -c "$LIVE"
unset BONDD_CRASH_AT
check "reload-mid: ping through bond0" pings
cp "$CONF_TWO" "$LIVE"
bctl srv reload >/dev/null 2>&1
check "reload-mid: bondd died in the reload" wait_for 5 bash -c "! kill -0 ${TOPO_BONDD_PID[srv]}"
kill9 srv
check "reload-mid: the SIGKILL left damage" damaged
recovered reload-mid

# --- enslave during a reload (eth1 added by the reload)
cp "$CONF_ONE" "$LIVE"
export BONDD_CRASH_AT=enslave-after-hide:2
need "reload-enslave: bondd -c (eth0 only) starts" start_bondd srv -c "$LIVE"
unset BONDD_CRASH_AT
cp "$CONF" "$LIVE"
bctl srv reload >/dev/null 2>&1
check "reload-enslave: bondd died enslaving eth1" wait_for 5 bash -c "! kill -0 ${TOPO_BONDD_PID[srv]}"
kill9 srv
recovered reload-enslave

# --- in the middle of giving the slaves back (first slave restored, its
# entry not yet removed; the second untouched)
export BONDD_CRASH_AT=release-after-restore
need "release-mid: bondd -c starts" start_bondd srv -c "$CONF"
unset BONDD_CRASH_AT
check "release-mid: ping through bond0" pings
pid=${TOPO_BONDD_PID[srv]}
kill -TERM "$pid"
wait "$pid" 2>/dev/null
check "release-mid: bondd died giving the slaves back" is_eq status 137 "$?"
unset "TOPO_BONDD_PID[srv]"
recovered release-mid

# --- in the middle of the recovery at start
need "recover-mid: bondd -c starts" start_bondd srv -c "$CONF"
check "recover-mid: SIGKILL" kill9 srv
check "recover-mid: bondd dies restoring the first entry" crash_start recover-mid "$CONF"
recovered recover-mid

# --- bondctl cleanup, no daemon
need "cleanup: bondd -c starts" start_bondd srv -c "$CONF"
check "cleanup: ping through bond0" pings
cleanup_refused() {
	local out rc
	out=$(nsx srv "$BONDCTL" cleanup 2>&1)
	rc=$?
	echo "$out (status $rc)"
	[ "$rc" = 1 ] && echo "$out" | grep -q "bondd (pid ${TOPO_BONDD_PID[srv]}) runs in this network namespace.*release"
}
check "cleanup: refused while bondd runs (names its pid, says release)" cleanup_refused
check "cleanup: SIGKILL" kill9 srv
check "cleanup: the SIGKILL left damage" damaged
cleanup_out() {
	local out
	out=$(nsx srv "$BONDCTL" cleanup 2>&1) || { echo "$out"; return 1; }
	echo "$out"
	echo "$out" | grep -q "^eth0: .*restored from the journal" &&
		echo "$out" | grep -q "^eth1: .*MAC .*restored from the journal"
}
check "cleanup: bondctl cleanup restores eth0 and eth1, says so" cleanup_out
check "cleanup: every slave as before the first start" wait_for 5 same_as_before
check "cleanup: the journal is empty" journal_empty
check "cleanup: a second cleanup finds nothing to do" \
	bash -c "ip netns exec '$S' '$BONDCTL' cleanup | grep -q 'nothing to restore'"
cleanup_named() {
	local out
	out=$(nsx srv "$BONDCTL" cleanup eth1 2>&1) || { echo "$out"; return 1; }
	echo "$out"
	echo "$out" | grep -q "^eth1: .*restored from the journal"
}
need "cleanup IF: bondd -c starts" start_bondd srv -c "$CONF"
check "cleanup IF: SIGKILL" kill9 srv
check "cleanup IF: bondctl cleanup eth1 restores eth1" cleanup_named
check "cleanup IF: eth0 still in the journal (start restores it)" \
	bash -c "ls '$JDIR' | grep -qx eth0"
recovered cleanup-if

# --- one daemon per namespace
need "lock: bondd -c starts" start_bondd srv -c "$CONF"
second_refused() {
	local out rc
	out=$(timeout 20 ip netns exec "$S" "$BONDD" -f -s "$TOPO_DIR/second.sock" 2>&1)
	rc=$?
	echo "$out (status $rc)"
	[ "$rc" = 1 ] && echo "$out" | grep -q "another bondd already runs in this network namespace: bondd (pid ${TOPO_BONDD_PID[srv]})"
}
check "lock: a second bondd in the namespace exits 1 naming the first one's pid" second_refused
check "lock: the first daemon still answers" bctl srv list

# --- interfaces held by something else
bridged_refused() {
	local out rc
	out=$(bctl srv enslave bond0 eth2 2>&1)
	rc=$?
	echo "$out (status $rc)"
	[ "$rc" = 1 ] && echo "$out" | grep -q "already enslaved to br9"
}
check "held: eth2 (in kernel bridge br9) refused" bridged_refused
check "held: eth2 untouched (no tc qdisc clsact)" \
	bash -c "! ip netns exec '$S' tc qdisc show dev eth2 | grep -q clsact"
check "held: bond0 itself refused" bash -c "! ip netns exec '$S' '$BONDCTL' -s '$(bondd_sock srv)' enslave bond0 bond0"

# --- a hiding filter with no journal entry (a bondd from before the journal)
need "leftover: our filter on eth3 by hand" eval "ip netns exec '$S' tc qdisc add dev eth3 clsact &&
	ip netns exec '$S' tc filter add dev eth3 ingress prio 1 handle 0xb0dd protocol all bpf bytecode '1,6 0 0 2,' da"
check "leftover: enslave eth3" bctl srv enslave bond0 eth3
check "leftover: the log says the filter was removed, state taken as found" \
	grep -q "(slave eth3): removed a tc hiding filter (handle 0xb0dd) and its clsact qdisc" "$(bondd_log srv)"
check "leftover: bondd exits on SIGTERM" stop_bondd srv
check "leftover: eth3 carries no filter nor clsact after release" \
	bash -c "! ip netns exec '$S' tc qdisc show dev eth3 | grep -q clsact"
check "leftover: every slave as before the first start" wait_for 5 same_as_before
check "no sanitizer report" bondd_log_clean

# --- detached (no -f): the lock and the journal name the daemon's own pid,
# SIGTERM still reaches it (its signalfd is its own after daemon(3)), and a
# SIGKILL is recovered the same way.
LOCK=/run/bondd/net-$(stat -L -c %i "/run/netns/$S").lock
detached_start() {
	ip netns exec "$S" "$BONDD" -s "$(bondd_sock srv)" -c "$CONF" || return 1
	wait_for 10 bctl srv list >/dev/null
}
dpid() { cat "$LOCK"; }
detached_pids_agree() {
	local p
	p=$(dpid)
	echo "lock: $p; bondd in srv: $(ip netns pids "$S" | tr '\n' ' '); journal: $(grep -h '^pid' "$JDIR"/* | tr '\n' ' ')"
	[ "$(tr -d '\n' </proc/"$p"/comm)" = bondd ] &&
		[ "$(grep -h '^pid' "$JDIR"/* | sort -u)" = "pid $p" ]
}
gone() { ! kill -0 "$1" 2>/dev/null; }
check "detached: bondd -c (no -f) starts" detached_start
check "detached: lock file and journal entries name the running daemon" detached_pids_agree
check "detached: ping through bond0" pings
p=$(dpid)
kill -TERM "$p"
check "detached: SIGTERM stops it" wait_for 10 gone "$p"
check "detached: every slave as before the first start" wait_for 5 same_as_before
check "detached: the journal is empty" journal_empty
check "detached: bondd -c (no -f) starts again" detached_start
p=$(dpid)
kill -KILL "$p"
check "detached: SIGKILL" wait_for 5 gone "$p"
check "detached: the SIGKILL left damage" damaged
check "detached: bondd -c (no -f) starts again after the SIGKILL" detached_start
p=$(dpid)
kill -TERM "$p"
check "detached: SIGTERM stops it" wait_for 10 gone "$p"
check "detached: every slave as before the first start" wait_for 5 same_as_before
check "detached: the journal is empty" journal_empty
topo_finish
