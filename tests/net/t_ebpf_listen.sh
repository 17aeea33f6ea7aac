#!/bin/bash
# t_ebpf_listen: on the kernel data path the daemon reads from a slave only
# what its engine handles itself (docs/design.md, "The daemon still sees
# what only it can judge").
#  - balance-xor with miimon: the slaves' packet sockets listen to the slow
#    protocols only: no tap (ETH_P_ALL) on either slave in /proc/net/ptype,
#    whose every received frame would cost the data path; traffic flows.
#  - arp_interval set at run time (arp_validate filter: only the ARP
#    frames the daemon reads count): the sockets become taps, and both
#    slaves come up on the target's replies.
#  - arp_interval cleared: no tap again.
#  - 802.3ad against a second bondd: the LACPDUs reach the daemons through
#    sockets that are not taps; the ports aggregate and ping goes through.
# Runs in the ebpf pass only (tests/run.sh).
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

# taps NS: the devices with a tap (a packet socket of every type) in NS.
taps() {
	nsx "$1" cat /proc/net/ptype | awk '$1 == "ALL" && $3 == "packet_rcv" { print $2 }' |
		sort | tr '\n' ' '
}
# no_tap NS: no slave of NS has one.
no_tap() {
	local t
	t=$(taps "$1")
	echo "taps: ${t:-none}"
	! echo " $t " | grep -qE ' eth[01] '
}
# tap_on_both NS
tap_on_both() {
	local t
	t=$(taps "$1")
	echo "taps: ${t:-none}"
	echo " $t " | grep -q ' eth0 ' && echo " $t " | grep -q ' eth1 '
}

need "topology" topo_2d1c
ip -n "$(nsname sw)" addr add 192.0.2.254/24 dev br0
need "bondd starts" start_bondd srv
need "create bond0 balance-xor miimon 100" bctl srv create bond0 mode balance-xor miimon 100
check "enslave eth0 eth1" bctl srv enslave bond0 eth0 eth1
need "bond0 up with 192.0.2.1/24" bond_addr srv bond0 192.0.2.1/24
check "ping the client" wait_for 5 nsx srv ping -c 1 -W 1 -n -q 192.0.2.10
check "miimon: no tap on the slaves" no_tap srv

# arp_validate filter: only ARP frames count as traffic for the monitor,
# and only the daemon reads those (the programs' receive time does not
# count): a slave comes up only if its socket is a tap again.
check "set arp_interval 100 arp_ip_target 192.0.2.254 arp_validate filter" \
	bctl srv set bond0 arp_interval 100 arp_ip_target 192.0.2.254 arp_validate filter
check "ARP monitor: both slaves are taps (next tick)" wait_for 3 tap_on_both srv
both_up() {
	[ "$(bctl srv show bond0 | grep -A1 -E 'Slave Interface: eth[01]' | grep -c 'MII Status: up')" = 2 ]
}
check "ARP monitor: both slaves up on the ARP frames the daemon reads" wait_for 5 both_up
check "set arp_interval 0 miimon 100" bctl srv set bond0 arp_interval 0 miimon 100
check "no tap again (next tick)" wait_for 3 no_tap srv
check "ping after" nsx srv ping -c 3 -i 0.2 -W 1 -n -q 192.0.2.10
check "stop srv" stop_bondd srv

# 802.3ad bondd to bondd: the LACPDUs past tc to the slow-protocol socket.
need "namespaces a, b" eval "ns_add a && ns_add b"
need "veth eth0, eth1" eval "veth_pair a eth0 b eth0 && veth_pair a eth1 b eth1"
for ns in a b; do
	need "bondd starts in $ns" start_bondd "$ns"
	need "$ns: create bond0 802.3ad lacp_rate fast" \
		bctl "$ns" create bond0 mode 802.3ad miimon 100 lacp_rate fast
	check "$ns: enslave eth0 eth1" bctl "$ns" enslave bond0 eth0 eth1
done
need "a: 198.51.100.1/24" bond_addr a bond0 198.51.100.1/24
need "b: 198.51.100.2/24" bond_addr b bond0 198.51.100.2/24
aggregated() {
	bctl a --json lacp explain bond0 | jq -e --arg p "$1" '.ports[] | select(.name == $p) | .aggregated' | grep -qx true
}
check "802.3ad: eth0 of a aggregates" wait_for 20 aggregated eth0
check "802.3ad: eth1 of a aggregates" wait_for 5 aggregated eth1
check "802.3ad: ping through the aggregate" wait_for 5 nsx a ping -c 1 -W 1 -n -q 198.51.100.2
check "802.3ad: no tap on a's slaves" no_tap a
check "802.3ad: no tap on b's slaves" no_tap b
check "stop a" stop_bondd a
check "stop b" stop_bondd b
topo_finish
