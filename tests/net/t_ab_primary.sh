#!/bin/bash
# t_ab_primary: active-backup with a primary slave (eth1) and updelay 200.
# - the primary is active from the start;
# - primary link down -> eth0; primary back -> "going back" for the updelay,
#   then (primary_reselect always) eth1 active again, not before 200 ms;
# - primary_reselect better (equal speeds) and failure: the current slave
#   stays when the primary returns; it takes over when the current fails.
# Topology as t_ab_failover (srv/sw/cli); links cut on the switch side.
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

need "topology" topo_2d1c
need "bondd starts" start_bondd srv
need "create bond0 (primary eth1, always, updelay 200)" bctl srv create bond0 \
	mode active-backup miimon 100 primary eth1 primary_reselect always updelay 200
need "enslave eth0 eth1" bctl srv enslave bond0 eth0 eth1
need "bond0 address" bond_addr srv bond0 192.0.2.1/24

check "primary eth1 is active at start" wait_for 3 active_is srv bond0 eth1
check "both slaves up" wait_for 3 field_is srv bond0 eth0 "MII Status" up
check "status: Primary Slave: eth1 (primary_reselect always)" \
	field_is srv bond0 "" "Primary Slave" "eth1 (primary_reselect always)"
check "status: Up Delay (ms): 200" field_is srv bond0 "" "Up Delay (ms)" 200
check "get primary" is_eq primary eth1 "$(bctl srv get bond0 primary)"
check "get active_slave" is_eq active_slave eth1 "$(bctl srv get bond0 active_slave)"
check "ping crosses the bond" wait_for 10 nsx srv ping -c 1 -W 1 192.0.2.10

sw_link() { ip -n "$(nsname sw)" link set "$1" "$2"; }

# --- primary down -> eth0
sw_link s1 down
check "primary eth1 down -> eth0 active" wait_for 2 active_is srv bond0 eth0
check "eth1 MII Status: down" field_is srv bond0 eth1 "MII Status" down
check "ping while eth1 is down" nsx srv ping -c 2 -i 0.2 -W 1 192.0.2.10

# --- primary back: watch the status as fast as we can.
# Prints "<ms since link up> <eth1 MII Status>/<active>" per sample, until
# eth1 is active or 4 s passed. The time is taken when the answer is back:
# the state it shows was reached no later than that.
watch_return() {
	local t0=$1 t text st act
	while :; do
		text=$(bctl srv show bond0)
		t=$(($(now_ms) - t0))
		st=$(status_field "$text" "MII Status" eth1)
		act=$(status_field "$text" "Currently Active Slave")
		echo "$t $st/$act"
		[ "$act" = eth1 ] && return 0
		[ "$t" -gt 4000 ] && return 1
	done
}
t0=$(now_ms)
sw_link s1 up
samples=$(watch_return "$t0")
printf '%s\n' "$samples" >"$TOPO_DIR/return.samples"
# time of the first sample showing eth1 active
t_active=$(awk '$2 ~ /\/eth1$/ { print $1; exit }' "$TOPO_DIR/return.samples")
saw_back() {
	echo "samples (ms since link up, eth1 MII Status/active slave):"
	tr '\n' ' ' <"$TOPO_DIR/return.samples"
	echo
	grep -q ' going back/' "$TOPO_DIR/return.samples"
}
back_kept_eth0() {
	if grep ' going back/' "$TOPO_DIR/return.samples" | grep -v '/eth0$'; then
		return 1
	fi
}
late_enough() {
	echo "eth1 active ${t_active:-never} ms after its link came back"
	[ -n "$t_active" ] && [ "$t_active" -ge 200 ]
}
check "primary returns: eth1 MII Status 'going back' seen" saw_back
check "primary returns: eth0 stays active while eth1 is going back" back_kept_eth0
check "primary returns: eth1 active again, >= 200 ms (updelay) later" late_enough
check "eth1 Link Failure Count: 1" field_is srv bond0 eth1 "Link Failure Count" 1

# --- better / failure: the current slave stays when the primary returns
# (equal speeds), the primary takes over when the current fails.
for pr in better failure; do
	check "$pr: set primary_reselect $pr" bctl srv set bond0 primary_reselect "$pr"
	check "$pr: status shows (primary_reselect $pr)" \
		field_is srv bond0 "" "Primary Slave" "eth1 (primary_reselect $pr)"
	check "$pr: eth1 still active after the option change" active_is srv bond0 eth1
	sw_link s1 down
	check "$pr: primary eth1 down -> eth0 active" wait_for 2 active_is srv bond0 eth0
	sw_link s1 up
	check "$pr: eth1 MII up again" wait_for 3 field_is srv bond0 eth1 "MII Status" up
	sleep 0.5 # a few more monitor ticks for a wrong reselection to show
	check "$pr: equal speeds, current eth0 stays active" active_is srv bond0 eth0
	sw_link s0 down
	check "$pr: current eth0 fails -> primary eth1 active" wait_for 2 active_is srv bond0 eth1
	sw_link s0 up
	check "$pr: eth0 MII up again" wait_for 3 field_is srv bond0 eth0 "MII Status" up
	sleep 0.3
	check "$pr: eth1 stays active after eth0 returns" active_is srv bond0 eth1
done
check "ping at the end" nsx srv ping -c 2 -i 0.2 -W 1 192.0.2.10

check "bondd exits cleanly on SIGTERM" stop_bondd srv
topo_finish
