#!/bin/bash
# t_alb: balance-alb behind a plain Linux bridge, with four clients.
#
# srv:   bond0 (balance-alb, miimon 100) over eth0, eth1; 192.0.2.1/24
# sw:    br0 (plain learning bridge) over s0, s1 (peers of eth0, eth1) and
#        p1..p4 (toward the clients)
# c1-c4: eth0 192.0.2.11-14/24, fixed MACs 02:b0:0d:00:00:11-14, iperf3
#        servers
#
# Checked (bonding.rst, balance-alb): every slave keeps a MAC of its own, the bond's MAC
# is the active slave's; every client reaches the bond; RECEIVE is balanced:
# after the clients' ARP exchanges with the bond (each client pings it), the
# bond has answered each client with the MAC of the slave it gave that
# client, in turn, so the clients' ARP caches hold at least 2 different MACs
# for 192.0.2.1, each one a slave's; traffic from the clients (iperf3 -R)
# arrives on both slaves (each >= 10% of the frames), and the two slaves
# together receive about what the clients sent (< 110%: frames are not
# flooded by the bridge to both, i.e. the bridge learned the slaves' MACs);
# transmit to the four clients leaves on both slaves; a slave failure (its
# switch port down) moves the active role and the bond's MAC to the other
# slave, every client is moved to the live slave (its ARP cache holds the
# bond's MAC) and stays reachable.
#
# What the transmit check relies on (tlb_dynamic_lb=1, the default): alb
# gives each client IPv4 address a bucket (the four are distinct); a bucket
# is given to the least loaded slave when first used, but until the first
# rebalance (10 s after the bond opens, bond_alb.c) buckets carry no load
# history, so the kernel puts them all on the first slave. The 10 s count
# from the last of: the bond opening, an enslave (which asks for a
# rebalance at the next pass); the script takes its time after both, so
# the transmit measurement starts 11 s after that and lasts 3 s (the next
# rebalance is at 20 s). Each slave must send >= 10% of the frames.
#
# Why ">= 2 MACs" and not "2 clients per slave": bondd creates the bond up,
# so the receive rebalance the enslave asks for runs at the next 100 ms
# pass, after c1 may already have had its ARP reply; it moves c1 to the
# other slave and tells c1 at once, inside c1's 1 s neighbour locktime, so
# c1 ignores it and keeps the first MAC (seen: about half the runs end
# 3:1). The kernel, with the bond enslaved while down, runs that rebalance
# at open on an empty table; enslaving to an open kernel bond has the same
# race. The checks below hold either way.
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

. "$(dirname "$0")/lib_lb4.sh"

need "topology (bridge, 4 clients)" topo_lb4
need "bondd starts" start_bondd srv
need "create bond0 balance-alb" bctl srv create bond0 mode balance-alb miimon 100
need "enslave eth0 eth1" bctl srv enslave bond0 eth0 eth1
need "bond0 address" bond_addr srv bond0 $BOND_IP/24
t_open=$(now_ms)
check "status: Bonding Mode: adaptive load balancing" \
	field_is srv bond0 "" "Bonding Mode" "adaptive load balancing"
check "eth0 is the active slave" active_is srv bond0 eth0

check "slaves keep unique MACs, bond0 has the active eth0's" macs_ok eth0 eth1

need "first contact: every client reaches the bond" wait_for 10 ping_all

# client_mac C: the MAC C's ARP cache holds for the bond.
client_mac() {
	nsx "$1" ip neigh show "$BOND_IP" dev eth0 | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }'
}
# arp_spread: the clients' caches hold >= 2 different MACs, each a slave's.
arp_spread() {
	local c mac m0 m1 bad=0
	m0=$(link_mac srv eth0)
	m1=$(link_mac srv eth1)
	declare -A seen=()
	echo "eth0 $m0, eth1 $m1"
	for c in "${CLIENTS[@]}"; do
		mac=$(client_mac "$c")
		echo "$c: $BOND_IP is-at ${mac:-?}"
		if [ "$mac" != "$m0" ] && [ "$mac" != "$m1" ]; then
			bad=1
		fi
		seen[${mac:-none}]=1
	done
	[ "$bad" = 0 ] && [ "${#seen[@]}" -ge 2 ]
}
# (wait_for prints nothing on success: the last call shows the caches)
arp_spread_soon() { wait_for 3 arp_spread && arp_spread; }
check "receive balance: the clients' ARP caches hold both slaves' MACs for $BOND_IP" \
	arp_spread_soon

for c in "${CLIENTS[@]}"; do
	need "iperf3 server in $c" iperf_server "$c"
done


# --- receive balance: the clients send (iperf3 -R, srv is the iperf3
# client), each to the MAC its ARP cache holds.
clients_tx() {
	local c n=0
	for c in "${CLIENTS[@]}"; do n=$((n + $(tx_packets "$c" eth0))); done
	echo $n
}
# rx_ok D0 D1 SENT: both slaves receive >= 10%, together < 110% of SENT.
rx_ok() {
	share_ok received "$1" "$2" 10 || return 1
	echo "the clients sent $3 frames"
	[ $((($1 + $2) * 100)) -lt $(($3 * 110)) ]
}
check "before the receive test: the caches still hold both slaves' MACs" arp_spread
r0=$(rx_packets srv eth0)
r1=$(rx_packets srv eth1)
ct=$(clients_tx)
check "iperf3 TCP each client->srv (-R), 4 at once" to_all rx 3 -R
check "traffic from the 4 clients arrives on both slaves (each >= 10%), not flooded" \
	rx_ok $(($(rx_packets srv eth0) - r0)) $(($(rx_packets srv eth1) - r1)) $(($(clients_tx) - ct))

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
# arp_all_bond: every client's ARP cache holds bond0's MAC (the live slave's).
arp_all_bond() {
	local c mac mb bad=0
	mb=$(link_mac srv bond0)
	for c in "${CLIENTS[@]}"; do
		mac=$(client_mac "$c")
		echo "$c: $BOND_IP is-at ${mac:-?} (bond0 $mb)"
		[ "$mac" = "$mb" ] || bad=1
	done
	return "$bad"
}
arp_all_bond_soon() { wait_for 6 arp_all_bond && arp_all_bond; }
check "failover: every client's ARP cache moved to the live slave eth1" arp_all_bond_soon
check "failover: iperf3 TCP srv->each client" to_all fo 2

check "bondd exits cleanly on SIGTERM" stop_bondd srv
topo_finish
