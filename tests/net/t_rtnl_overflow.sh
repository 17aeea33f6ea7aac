#!/bin/bash
# t_rtnl_overflow: link events lost to an rtnetlink overrun (ENOBUFS) are
# recovered: bondd re-reads every bond and slave and reconciles, so a
# carrier loss that happened while the events were being dropped still
# causes the failover, a slave deleted meanwhile is released, and a
# configured slave created meanwhile is enslaved.
#
# srv:  bond0 active-backup miimon 100, configured slaves eth0 eth1 eth2
#       (eth2 missing at start), 192.0.2.1/24; 30 veth pairs to make
#       noise; bondd's event socket shrunk (BONDD_TEST_RTNL_RCVBUF) so that
#       a burst overruns it
# sw:   br0 over s0, s1, sc (and s2 later); cli: 192.0.2.10/24
#
# Each round: SIGSTOP bondd; flood events (dummies up/down) until the
# socket is full (veths up/down); THEN change what matters (carrier, deletion, creation),
# so its event is certainly dropped; flood a little more; SIGCONT.
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

cat >"$TOPO_DIR/srv.conf" <<'CFG'
[bond0]
mode = active-backup
miimon = 100
primary = eth0
slaves = eth0 eth1 eth2
address = 192.0.2.1/24
CFG

need "topology" topo_2d1c
# Noise makers: 30 veth pairs inside srv (no dummy driver needed); each
# up/down of one end also changes the other end's carrier.
make_dummies() {
	local i
	for ((i = 0; i < 30; i++)); do echo "link add na$i type veth peer name nb$i"; done >"$TOPO_DIR/add.batch"
	ip -n "$(nsname srv)" -batch "$TOPO_DIR/add.batch" || return 1
	for ((i = 0; i < 30; i++)); do echo "link set nb$i up"; done >"$TOPO_DIR/init.batch"
	ip -n "$(nsname srv)" -batch "$TOPO_DIR/init.batch" || return 1
	for ((i = 0; i < 30; i++)); do echo "link set na$i up"; done >"$TOPO_DIR/up.batch"
	for ((i = 0; i < 30; i++)); do echo "link set na$i down"; done >"$TOPO_DIR/down.batch"
	ip -n "$(nsname srv)" link show na29 >/dev/null
}
need "30 noise veth pairs" make_dummies
# 120 link events and more (IPv6 link-local addresses) per call: each
# message is about 1 KiB, the shrunk buffer holds a few.

flood() {
	ip -n "$(nsname srv)" -batch "$TOPO_DIR/up.batch"
	ip -n "$(nsname srv)" -batch "$TOPO_DIR/down.batch"
}

export BONDD_TEST_RTNL_RCVBUF=4096
need "bondd starts (eth2 missing)" start_bondd srv -c "$TOPO_DIR/srv.conf"
unset BONDD_TEST_RTNL_RCVBUF
pid=${TOPO_BONDD_PID[srv]}
log=$(bondd_log srv)

slaves() { bctl srv show bond0 | sed -n 's/^Slave Interface: //p' | sort | tr '\n' ' ' | sed 's/ $//'; }
slaves_are() { is_eq "slaves" "$1" "$(slaves)"; }
ping_ok() { wait_for "${1:-5}" nsx srv ping -c 1 -W 1 192.0.2.10; }
overruns() { grep -c "link events may have been lost" "$log"; }
# (a function, so that wait_for counts again at every try)
more_overruns() { [ "$(overruns)" -gt "$1" ]; }

check "bond0 on eth0 and eth1" wait_for 3 slaves_are "eth0 eth1"
check "eth0 active" wait_for 3 active_is srv bond0 eth0
check "eth1 MII up" wait_for 3 field_is srv bond0 eth1 "MII Status" up
check "ping crosses the bond" ping_ok 10

# --- Round 1: eth0's carrier drops while the events are being dropped.
n0=$(overruns)
kill -STOP "$pid"
flood
ip -n "$(nsname sw)" link set s0 down
# The kernel reports a carrier change from its link watcher, up to a
# second later: wait for it to be emitted (into the full socket) first.
sleep 1.5
flood
t0=$(now_ms)
kill -CONT "$pid"
check "the overrun is seen and logged" wait_for 2 more_overruns "$n0"
check "failover to eth1 although eth0's carrier event was lost" wait_for 2 active_is srv bond0 eth1
topo_log "failover $(($(now_ms) - t0)) ms after SIGCONT"
check "eth0 MII down" field_is srv bond0 eth0 "MII Status" down
check "ping through eth1" ping_ok 5

# --- Round 2: the carrier comes back, unseen too: eth0 (primary) again.
n0=$(overruns)
kill -STOP "$pid"
flood
ip -n "$(nsname sw)" link set s0 up
sleep 1.5
flood
kill -CONT "$pid"
check "overrun 2 logged" wait_for 2 more_overruns "$n0"
check "eth0 MII up again, unseen carrier-up recovered" wait_for 3 field_is srv bond0 eth0 "MII Status" up
check "eth0 (primary) active again" wait_for 3 active_is srv bond0 eth0
check "ping through eth0" ping_ok 5

# --- Round 3: eth1 deleted and eth2 created while events are dropped.
n0=$(overruns)
kill -STOP "$pid"
flood
ip -n "$(nsname srv)" link del eth1
veth_pair srv eth2 sw s2
ip -n "$(nsname sw)" link set s2 master br0
sleep 1.5
flood
kill -CONT "$pid"
check "overrun 3 logged" wait_for 2 more_overruns "$n0"
check "eth1 (deleted unseen) released, eth2 (created unseen) enslaved" wait_for 3 slaves_are "eth0 eth2"
check "the log says eth2 appeared" grep -q "bond0: eth2 appeared: enslaved" "$log"
check "eth2 MII up" wait_for 3 field_is srv bond0 eth2 "MII Status" up
ip -n "$(nsname sw)" link set s0 down
check "failover to eth2" wait_for 3 active_is srv bond0 eth2
check "ping through eth2" ping_ok 5
ip -n "$(nsname sw)" link set s0 up

check "bondd still alive" bondd_alive srv
check "no sanitizer report" bash -c "! grep -qE 'Sanitizer|runtime error:' '$log'"
check "bondd exits cleanly on SIGTERM" stop_bondd srv
topo_finish
