#!/bin/bash
# t_degraded: a bond whose configured slaves are partly missing starts
# degraded and takes the others when they appear; a slave deleted is
# released cleanly and enslaved again when it comes back; a renamed slave
# is followed.
#
# srv:  bond0 active-backup miimon 100, configured slaves eth0 eth1 eth2,
#       192.0.2.1/24; eth2 does not exist at start
# sw:   br0 over s0, s1, (s2 later), sc
# cli:  eth0 192.0.2.10/24
#
# Steps: start (bond0 up on eth0+eth1, ping); eth2 created: enslaved, and
# carries the traffic alone (s0, s1 down); eth1 deleted: released without
# an error, the bond carries on; eth1 re-created: enslaved again; eth2
# renamed lan2: the status shows lan2, lan2 still carries traffic.
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

cat >"$TOPO_DIR/srv.conf" <<'CFG'
[bond0]
mode = active-backup
miimon = 100
slaves = eth0 eth1 eth2
address = 192.0.2.1/24
CFG

need "topology" topo_2d1c
need "bondd starts with eth2 missing" start_bondd srv -c "$TOPO_DIR/srv.conf"
log=$(bondd_log srv)

slaves() { bctl srv show bond0 | sed -n 's/^Slave Interface: //p' | sort | tr '\n' ' ' | sed 's/ $//'; }
slaves_are() { is_eq "slaves" "$1" "$(slaves)"; }
in_log() { grep -F -- "$1" "$log" || { echo "not in the log: $1"; tail -n 20 "$log"; return 1; }; }
ping_ok() { wait_for "${1:-5}" nsx srv ping -c 1 -W 1 192.0.2.10; }

check "bond0 runs on eth0 and eth1" slaves_are "eth0 eth1"
check "the log says eth2 is missing" in_log "bond0: eth2 is missing; it will be enslaved when it appears"
check "ping crosses the degraded bond" ping_ok 10

# --- eth2 appears (hotplug): enslaved.
need "eth2 created" veth_pair srv eth2 sw s2
need "s2 on the switch" ip -n "$(nsname sw)" link set s2 master br0
check "eth2 is enslaved when it appears" wait_for 5 slaves_are "eth0 eth1 eth2"
check "the log says eth2 appeared" in_log "bond0: eth2 appeared: enslaved"
check "eth2 MII up" wait_for 3 field_is srv bond0 eth2 "MII Status" up
# Only eth2 left on the wire: the traffic must go through it.
ip -n "$(nsname sw)" link set s0 down
ip -n "$(nsname sw)" link set s1 down
check "eth2 becomes the active slave" wait_for 3 active_is srv bond0 eth2
check "ping through eth2 alone" ping_ok 5
ip -n "$(nsname sw)" link set s0 up
ip -n "$(nsname sw)" link set s1 up
both_up() { field_is srv bond0 eth0 "MII Status" up && field_is srv bond0 eth1 "MII Status" up; }
check "eth0 and eth1 MII up again" wait_for 3 both_up

# --- eth1 deleted: released, nothing restored on a gone device, no error.
lines=$(wc -l <"$log")
need "eth1 deleted" ip -n "$(nsname srv)" link del eth1
check "eth1 released from the status" wait_for 3 slaves_are "eth0 eth2"
check "the log says eth1 was removed and will come back" \
	in_log "bond0: (slave eth1): device removed: released; it will be enslaved again when it appears"
no_errors_since() {
	local new
	new=$(tail -n +"$(($1 + 1))" "$log")
	printf '%s\n' "$new"
	! printf '%s\n' "$new" | grep -qiE 'cannot|failed|error|sanitizer'
}
check "no error in the log about the removed slave" no_errors_since "$lines"
check "bondd still alive" bondd_alive srv
check "the bond carries on (ping)" ping_ok 5

# --- eth1 re-created: enslaved again.
need "eth1 re-created" veth_pair srv eth1 sw s1
need "s1 on the switch" ip -n "$(nsname sw)" link set s1 master br0
check "eth1 is enslaved again" wait_for 5 slaves_are "eth0 eth1 eth2"
check "the log says eth1 appeared" in_log "bond0: eth1 appeared: enslaved"
check "eth1 MII up" wait_for 3 field_is srv bond0 eth1 "MII Status" up
ip -n "$(nsname sw)" link set s0 down
ip -n "$(nsname sw)" link set s2 down
check "eth1 becomes active after s0, s2 go down" wait_for 3 active_is srv bond0 eth1
check "ping through the re-created eth1 alone" ping_ok 5
ip -n "$(nsname sw)" link set s0 up
ip -n "$(nsname sw)" link set s2 up

# --- eth2 renamed lan2 (a rename needs the device down): followed.
need "eth2 down" ip -n "$(nsname srv)" link set eth2 down
need "eth2 renamed lan2" ip -n "$(nsname srv)" link set eth2 name lan2
need "lan2 up" ip -n "$(nsname srv)" link set lan2 up
check "the status shows lan2, not eth2" wait_for 3 slaves_are "eth0 eth1 lan2"
check "the log says eth2 was renamed" in_log "bond0: (slave eth2): renamed to lan2"
check "lan2 MII up" wait_for 3 field_is srv bond0 lan2 "MII Status" up
ip -n "$(nsname sw)" link set s0 down
ip -n "$(nsname sw)" link set s1 down
check "lan2 becomes active" wait_for 3 active_is srv bond0 lan2
check "ping through lan2 alone" ping_ok 5
ip -n "$(nsname sw)" link set s0 up
ip -n "$(nsname sw)" link set s1 up

check "bondd exits cleanly on SIGTERM" stop_bondd srv
unhidden() {
	local i
	for i in eth0 eth1 lan2; do
		if nsx srv tc filter show dev "$i" ingress 2>/dev/null | grep -q .; then
			echo "$i still has an ingress filter"
			return 1
		fi
	done
}
check "every slave given back (no filter left on eth0, eth1, lan2)" unhidden
topo_finish
