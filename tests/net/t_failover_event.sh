#!/bin/bash
# t_failover_event: failover at the speed of the event (issue 12 item 1).
# With miimon 100 a carrier loss reported by rtnetlink fails over at once,
# not at the next miimon tick, and the daemon times it: `bondctl -j show`
# has "failover":{"count","last_us","max_us","histogram_us"}, from the event
# to the first frame on the new active slave (packet data path) or to the
# map write that names it (ebpf).
#
# srv: bond0 (active-backup, miimon 100) over eth0, eth1; 192.0.2.1/24
# sw:  br0 over s0, s1 (peers of eth0, eth1) and sc (toward cli)
# cli: eth0 192.0.2.10/24
# A 1 kHz ping runs across each cut (switch side: s0 down; bond side: eth1
# set down in srv).
. "$(dirname "$0")/lib_topo.sh"
TOPO_PFX="bfoe$$"
topo_init "$@"

# fo FIELD: the bond's failover FIELD from the JSON status
fo() {
	bctl srv -j show bond0 | python3 -c '
import json, sys
d = json.load(sys.stdin)
b = d["bonds"][0] if isinstance(d, dict) and "bonds" in d else (d[0] if isinstance(d, list) else d)
print(b["failover"][sys.argv[1]])' "$1"
}
fo_ok() {
	local want=$1 count last max
	count=$(fo count) && last=$(fo last_us) && max=$(fo max_us) || return 1
	echo "failover count $count (want $want), last ${last} us, max ${max} us"
	echo "histogram: $(fo histogram_us)"
	[ "$count" = "$want" ] && [ "$last" -le 5000 ]
}

need "topology" topo_2d1c
need "bondd starts" start_bondd srv
need "create bond0 active-backup" bctl srv create bond0 mode active-backup miimon 100
need "enslave eth0 eth1" bctl srv enslave bond0 eth0 eth1
need "bond0 address" bond_addr srv bond0 192.0.2.1/24
need "ping crosses the bond" wait_for 10 nsx srv ping -c 1 -W 1 192.0.2.10
check "eth0 is the active slave" active_is srv bond0 eth0
check "JSON: failover count 0 before any cut" eval '[ "$(fo count)" = 0 ]'
check "JSON: the histogram has the buckets 16 .. 65536 and more" \
	eval "bctl srv -j show bond0 | grep -q '\"histogram_us\":{\"16\":0,\"32\":0,.*\"65536\":0,\"more\":0}'"

# cut NAME NS IF NEWACTIVE: 1 kHz ping across the cut of IF in NS.
cut() {
	local name=$1 ns=$2 ifc=$3 new=$4 pid
	ip netns exec "$(nsname srv)" ping -q -n -c 1500 -i 0.001 -W 1 192.0.2.10 >"$TOPO_DIR/$name.ping" 2>&1 &
	pid=$!
	sleep 0.5
	ip -n "$(nsname "$ns")" link set "$ifc" down
	# (how fast is the daemon's own measure below and the unit tests'
	# virtual time: a status command's wall clock under load proves little)
	check "$name: Currently Active Slave: $new" wait_for 1 active_is srv bond0 "$new"
	wait "$pid"
	topo_log "$name: $(grep 'packet loss' "$TOPO_DIR/$name.ping")"
}

cut "switch-side cut of s0" sw s0 eth1
check "switch side: the failover is timed (count 1, last <= 5 ms)" fo_ok 1
topo_log "switch side: failover last $(fo last_us) us, max $(fo max_us) us"
ip -n "$(nsname sw)" link set s0 up
check "eth0 MII up again after s0 returns" wait_for 3 field_is srv bond0 eth0 "MII Status" up
cut "bond-side cut of eth1" srv eth1 eth0
check "bond side: the failover is timed (count 2, last <= 5 ms)" fo_ok 2
topo_log "bond side: failover last $(fo last_us) us, max $(fo max_us) us, histogram $(fo histogram_us)"
ip -n "$(nsname srv)" link set eth1 up
check "eth1 MII up again" wait_for 3 field_is srv bond0 eth1 "MII Status" up
check "ping after both links returned" nsx srv ping -c 2 -i 0.2 -W 1 192.0.2.10
check "bondd exits cleanly on SIGTERM" stop_bondd srv
topo_finish
