#!/bin/bash
# t_ab_propagate: what the admin sets on the bond device reaches the slaves
# the way the kernel bond passes it on (bonding.rst, "Promiscuous / multicast
# propagation" and the MAC rules), in active-backup:
# - "ip link set bond0 address M": every slave takes M (fail_over_mac none);
#   released slaves get their own MAC back;
# - "ip link set bond0 promisc on": the current active slave only becomes
#   promiscuous; on failover it moves to the new active slave; "promisc off"
#   clears it.
# Topology as t_ab_failover (srv/sw/cli).
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

need "topology" topo_2d1c
S=$(nsname srv)
mac0=$(link_mac srv eth0)
mac1=$(link_mac srv eth1)
need "bondd starts" start_bondd srv
need "create bond0 active-backup" bctl srv create bond0 mode active-backup miimon 100
need "enslave eth0 eth1" bctl srv enslave bond0 eth0 eth1
need "bond0 address" bond_addr srv bond0 192.0.2.1/24
need "ping crosses the bond" wait_for 10 nsx srv ping -c 1 -W 1 192.0.2.10

# mac_is IF MAC
mac_is() { is_eq "$1 MAC" "$2" "$(link_mac srv "$1")"; }
# promisc_is IF N: IF's promiscuity count as "ip -d link" shows it.
promisc_is() {
	is_eq "$1 promiscuity" "$2" \
		"$(ip -n "$S" -d link show dev "$1" | awk '{ for (i = 1; i < NF; i++) if ($i == "promiscuity") print $(i + 1) }')"
}

# --- MAC
newmac=02:00:00:00:0b:01
need "ip link set bond0 address $newmac" ip -n "$S" link set bond0 address "$newmac"
check "eth0 takes the bond's new MAC" wait_for 2 mac_is eth0 "$newmac"
check "eth1 takes the bond's new MAC" wait_for 2 mac_is eth1 "$newmac"
ip -n "$(nsname cli)" neigh flush dev eth0
check "ping after the MAC change" wait_for 5 nsx srv ping -c 1 -W 1 192.0.2.10

# --- promiscuity
check "eth0 not promiscuous at start" promisc_is eth0 0
check "eth1 not promiscuous at start" promisc_is eth1 0
need "ip link set bond0 promisc on" ip -n "$S" link set bond0 promisc on
check "promisc on: active eth0 becomes promiscuous" wait_for 2 promisc_is eth0 1
check "promisc on: backup eth1 stays not promiscuous" promisc_is eth1 0
ip -n "$(nsname sw)" link set s0 down
check "failover to eth1" wait_for 2 active_is srv bond0 eth1
check "promisc follows the active slave: eth1 promiscuous" wait_for 2 promisc_is eth1 1
check "promisc follows the active slave: eth0 no longer" promisc_is eth0 0
ip -n "$(nsname sw)" link set s0 up
need "ip link set bond0 promisc off" ip -n "$S" link set bond0 promisc off
check "promisc off: eth1 not promiscuous" wait_for 2 promisc_is eth1 0
check "promisc off: eth0 not promiscuous" promisc_is eth0 0

# --- release: own MACs back
check "release eth0 eth1" bctl srv release bond0 eth0 eth1
check "eth0 has its own MAC again" mac_is eth0 "$mac0"
check "eth1 has its own MAC again" mac_is eth1 "$mac1"

check "bondd exits cleanly on SIGTERM" stop_bondd srv
topo_finish
