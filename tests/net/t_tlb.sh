#!/bin/bash
# t_tlb: balance-tlb behind a plain Linux bridge, with four clients.
#
# srv:   bond0 (balance-tlb, miimon 100) over eth0, eth1; 192.0.2.1/24
# sw:    br0 (plain learning bridge) over s0, s1 (peers of eth0, eth1) and
#        p1..p4 (toward the clients)
# c1-c4: eth0 192.0.2.11-14/24, fixed MACs 02:b0:0d:00:00:11-14, iperf3
#        servers
#
# Checked (bonding.rst, balance-tlb): every slave keeps a MAC of its own, the bond's MAC
# is the active slave's; every client reaches the bond; receive stays on the
# active slave (tlb does not touch ARP: every client's ARP cache holds the
# bond's MAC); transmit to the four clients leaves on both slaves; a slave
# failure (its switch port down) moves the active role and the bond's MAC to
# the other slave and keeps every client reachable.
#
# What the transmit check relies on (tlb_dynamic_lb=1, the default): each
# client is a bucket (layer2 hash of its MAC; the fixed MACs make the four
# buckets distinct); a bucket is given to the least loaded slave when first
# used, but until the first rebalance (10 s after the bond opens, bond_alb.c)
# buckets carry no load history, so the kernel puts them all on the first
# slave. The 10 s count from the last of: the bond opening, an enslave
# (which asks for a rebalance at the next pass); the script takes its time
# after both, so the measurement starts 11 s after that and lasts 3 s (the
# next rebalance is at 20 s): by then the buckets, each with a load
# history, are spread greedily over the two slaves. Each slave must send
# >= 10% of the frames.
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

. "$(dirname "$0")/lib_lb4.sh"

need "topology (bridge, 4 clients)" topo_lb4
need "bondd starts" start_bondd srv
need "create bond0 balance-tlb" bctl srv create bond0 mode balance-tlb miimon 100
need "enslave eth0 eth1" bctl srv enslave bond0 eth0 eth1
need "bond0 address" bond_addr srv bond0 $BOND_IP/24
t_open=$(now_ms)
check "status: Bonding Mode: transmit load balancing" \
	field_is srv bond0 "" "Bonding Mode" "transmit load balancing"
check "eth0 is the active slave" active_is srv bond0 eth0

check "slaves keep unique MACs, bond0 has the active eth0's" macs_ok eth0 eth1

need "first contact: every client reaches the bond" wait_for 10 ping_all

# arp_all_bond: every client's ARP cache holds the bond's MAC for it.
arp_all_bond() {
	local c mac mb bad=0
	mb=$(link_mac srv bond0)
	for c in "${CLIENTS[@]}"; do
		mac=$(nsx "$c" ip neigh show "$BOND_IP" dev eth0 | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }')
		echo "$c: $BOND_IP is-at ${mac:-?}"
		[ "$mac" = "$mb" ] || bad=1
	done
	return "$bad"
}
check "receive stays on the active slave: every client's ARP cache holds bond0's MAC" arp_all_bond

for c in "${CLIENTS[@]}"; do
	need "iperf3 server in $c" iperf_server "$c"
done


# --- transmit balance, measured after the first rebalance.
wait_ms=$((t_open + 11000 - $(now_ms)))
if [ "$wait_ms" -gt 0 ]; then
	topo_log "waiting $((wait_ms / 1000)).$((wait_ms % 1000 / 100)) s for the first tlb rebalance (10 s after the bond opened)"
	sleep "$((wait_ms / 1000)).$(printf '%03d' $((wait_ms % 1000)))"
fi
s0=$(tx_packets srv eth0)
s1=$(tx_packets srv eth1)
check "iperf3 TCP srv->each client, 4 at once" to_all tx 3
check "transmit to the 4 clients leaves on both slaves (each >= 10%)" \
	share_ok sent $(($(tx_packets srv eth0) - s0)) $(($(tx_packets srv eth1) - s1)) 10

# --- the active slave fails (its switch port goes down).
ip -n "$(nsname sw)" link set s0 down
check "failover: Currently Active Slave: eth1" wait_for 2 active_is srv bond0 eth1
check "failover: eth0 MII Status: down" field_is srv bond0 eth0 "MII Status" down
check "failover: eth0 Link Failure Count: 1" field_is srv bond0 eth0 "Link Failure Count" 1
check "failover: bond0's MAC moved to eth1, slave MACs still unique" macs_ok eth1 eth0
check "failover: every client reaches the bond again" wait_for 5 ping_all
check "failover: iperf3 TCP srv->each client" to_all fo 2

check "bondd exits cleanly on SIGTERM" stop_bondd srv
topo_finish
