#!/bin/bash
# t_ifenslave: bondctl called as "ifenslave" (a symlink, as make install
# sets it up) speaks ifenslave's command line, messages and exit codes, and
# its enslave / detach / change-active really move traffic.
#
# srv: bond0 (active-backup, miimon 100) over eth0, eth1; 192.0.2.1/24
# sw:  br0 over s0, s1 (peers of eth0, eth1) and sc (toward cli)
# cli: eth0 192.0.2.10/24
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

need "topology" topo_2d1c
need "bondd starts" start_bondd srv
mkdir -p "$TOPO_DIR/bin"
IFENSLAVE=$TOPO_DIR/bin/ifenslave
ln -s "$BONDCTL" "$IFENSLAVE"

# ifs ARGS...: ifenslave in srv, talking to srv's bondd through $BONDD_SOCKET
# (ifenslave has no socket flag). Leaves stdout, stderr and the status in
# $TOPO_DIR/ifs.{out,err,rc}.
ifs() {
	BONDD_SOCKET=$(bondd_sock srv) nsx srv "$IFENSLAVE" "$@" \
		>"$TOPO_DIR/ifs.out" 2>"$TOPO_DIR/ifs.err"
	echo $? >"$TOPO_DIR/ifs.rc"
}

# expect RC OUT ERR ARGS...: runs "ifenslave ARGS"; its status must be RC and
# its stdout / stderr exactly OUT / ERR ("*" accepts anything).
expect() {
	local rc=$1 out=$2 err=$3 ok=0
	shift 3
	ifs "$@"
	is_eq "exit status" "$rc" "$(cat "$TOPO_DIR/ifs.rc")" || ok=1
	if [ "$out" != "*" ]; then
		is_eq "stdout" "$out" "$(cat "$TOPO_DIR/ifs.out")" || ok=1
	fi
	if [ "$err" != "*" ]; then
		is_eq "stderr" "$err" "$(cat "$TOPO_DIR/ifs.err")" || ok=1
	fi
	return "$ok"
}

# last_err_is LINE: the last stderr line of the last ifenslave run.
last_err_is() { is_eq "last stderr line" "$1" "$(tail -n 1 "$TOPO_DIR/ifs.err")"; }

slaves_are() { is_eq "slaves of bond0" "$1" "$(bctl srv get bond0 slaves)"; }

USAGE=$(BONDD_SOCKET=/nonexistent "$IFENSLAVE" -u)

# --- Command line alone.
check "-V prints one version line" \
	eval 'expect 0 "*" "" -V && grep -qx "ifenslave (bondd [0-9.]*): .*" "$TOPO_DIR/ifs.out"'
check "--usage prints the usage, status 0" \
	eval 'expect 0 "$USAGE" "" --usage && grep -q "^Usage: ifenslave " "$TOPO_DIR/ifs.out"'
check "-h prints usage and help, status 0" \
	eval 'expect 0 "*" "" -h && grep -q -- "--change-active" "$TOPO_DIR/ifs.out"'
check "no argument: Not enough arguments, status 1" expect 1 "" "Not enough arguments"
check "-d with a master only: Not enough arguments, status 1" \
	expect 1 "" "Not enough arguments" -d bond0
check "unknown option: usage on stderr, status 2" \
	eval 'expect 2 "" "*" -x bond0 eth0 && grep -q "^Usage: ifenslave " "$TOPO_DIR/ifs.err"'
check "two actions (-c -d): usage, status 2" expect 2 "" "$USAGE" -c -d bond0 eth0
check "-a with arguments: usage, status 2" expect 2 "" "$USAGE" -a bond0

# --- The master must exist and be a bond.
check "missing master: 'bond0: no such interface', status 1" \
	expect 1 "" "bond0: no such interface" bond0 eth0
check "master that is no bond: 'eth1: is not a bonding interface', status 1" \
	expect 1 "" "eth1: is not a bonding interface" eth1 eth0
check "bondd not reachable: status 1" \
	eval 'BONDD_SOCKET=/nonexistent/sock "$IFENSLAVE" bond0 eth0 2>&1 |
		grep -q "^ifenslave: cannot connect to bondd at /nonexistent/sock: "; \
		BONDD_SOCKET=/nonexistent/sock "$IFENSLAVE" bond0 eth0 2>/dev/null; [ $? = 1 ]'

need "create bond0 active-backup" bctl srv create bond0 mode active-backup miimon 100
mac0=$(link_mac srv eth0)
mtu0=$(nsx srv cat /sys/class/net/eth0/mtu)

# --- Enslave.
need "ifenslave bond0 eth0 eth1: silent, status 0" expect 0 "" "" bond0 eth0 eth1
check "both are slaves, in order" slaves_are "eth0 eth1"
need "bond0 address" bond_addr srv bond0 192.0.2.1/24
check "ping crosses the bond" wait_for 10 nsx srv ping -c 1 -W 1 192.0.2.10
check "eth0 is the active slave" active_is srv bond0 eth0
check "again: 'eth0: already enslaved to bond0', skipped, status 0" \
	expect 0 "" "eth0: already enslaved to bond0" bond0 eth0
check "missing slave: 'nosuch0: no such interface', status 1" \
	expect 1 "" "nosuch0: no such interface" bond0 nosuch0
check "non-Ethernet slave refused, status 1" \
	expect 1 "" "lo: does not appear to be an Ethernet interface (use -f to force)" bond0 lo
check "-f: bondd refuses it itself, says why, status 1" \
	eval 'expect 1 "" "*" -f bond0 lo && last_err_is "lo: could not add interface" &&
		grep -q "^ifenslave: bond0: (slave lo): " "$TOPO_DIR/ifs.err"'
check "slaves unchanged by the refusals" slaves_are "eth0 eth1"

# --- Status.
check "ifenslave bond0 prints bond0's status" \
	eval 'expect 0 "$(bctl srv show bond0)" "" bond0'
check "ifenslave -a prints every bond's status" \
	eval 'expect 0 "$(bctl srv show)" "" -a'

# --- Change active.
check "-c bond0 eth1: silent, status 0" expect 0 "" "" -c bond0 eth1
check "eth1 is now the active slave" active_is srv bond0 eth1
check "ping through eth1" nsx srv ping -c 2 -i 0.2 -W 1 192.0.2.10
check "-v --change-active says so" \
	expect 0 "Changing active slave of bond0 to eth0" "" -v --change-active bond0 eth0
check "eth0 is the active slave again" active_is srv bond0 eth0
check "-c with two slaves: status 1" \
	expect 1 "" "You can only set one interface to be the active slave!" -c bond0 eth0 eth1
check "-c to a non-slave: 'bond0: could not set lo to active slave', status 1" \
	eval 'expect 1 "" "*" -c bond0 lo && last_err_is "bond0: could not set lo to active slave"'
check "active slave unchanged" active_is srv bond0 eth0

# --- Detach.
check "-d bond0 eth1: silent, status 0" expect 0 "" "" -d bond0 eth1
check "eth0 is the only slave" slaves_are "eth0"
check "again: 'eth1: is not enslaved to bond0', skipped, status 0" \
	expect 0 "" "eth1: is not enslaved to bond0" -d bond0 eth1
check "-d of a missing interface: status 1" \
	expect 1 "" "nosuch0: no such interface" --detach bond0 nosuch0
check "-v re-enslaves eth1 and says so" \
	expect 0 "Adding slave eth1 to master bond0" "" -v bond0 eth1
check "-v -d detaches both, in order, and says so" \
	expect 0 "Detaching slave eth0 from master bond0
Detaching slave eth1 from master bond0" "" -v -d bond0 eth0 eth1
check "bond0 has no slave" slaves_are ""
check "eth0 got its MAC back" is_eq "eth0 MAC" "$mac0" "$(link_mac srv eth0)"
check "eth0 got its MTU back" is_eq "eth0 MTU" "$mtu0" "$(nsx srv cat /sys/class/net/eth0/mtu)"
check "eth0 is up as before" eval 'nsx srv ip -o link show eth0 | grep -q "[<,]UP[,>]"'

# --- A slave given after a failing one is not tried (the script's set -e).
check "enslave stops at the first failure" \
	eval 'expect 1 "" "nosuch0: no such interface" bond0 eth1 nosuch0 eth0 && slaves_are "eth1"'
check "traffic passes through eth1 alone" wait_for 10 nsx srv ping -c 1 -W 1 192.0.2.10
check "ifenslave bond0 eth0: status 0" expect 0 "" "" bond0 eth0
check "ping after re-enslaving" nsx srv ping -c 3 -i 0.2 -W 1 192.0.2.10

check "bondd exits cleanly on SIGTERM" stop_bondd srv
topo_finish
