#!/bin/bash
# t_rr_b2b: balance-rr, two bonds back to back. Namespaces a and b each run
# their own bondd with bond0 (balance-rr, miimon 100) over eth0, eth1; the
# two veth pairs join a and b directly. 198.51.100.1/24 (a), .2/24 (b).
# Traffic crosses, both slaves of a carry it (each >= 30% of the frames),
# and it keeps flowing with one link down.
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

need "namespaces" ns_add a
need "namespaces" ns_add b
need "veth eth0" veth_pair a eth0 b eth0
need "veth eth1" veth_pair a eth1 b eth1
declare -A addr=([a]=198.51.100.1/24 [b]=198.51.100.2/24)
for n in a b; do
	need "bondd starts in $n" start_bondd "$n"
	need "create bond0 balance-rr in $n" bctl "$n" create bond0 mode balance-rr miimon 100
	need "enslave eth0 eth1 in $n" bctl "$n" enslave bond0 eth0 eth1
	need "bond0 address in $n" bond_addr "$n" bond0 "${addr[$n]}"
done
check "status: Bonding Mode: load balancing (round-robin)" \
	field_is a bond0 "" "Bonding Mode" "load balancing (round-robin)"
need "ping a->b" wait_for 10 nsx a ping -c 1 -W 1 198.51.100.2
check "ping b->a" nsx b ping -c 3 -i 0.2 -W 1 198.51.100.1
need "iperf3 server in b" iperf_server b

# share_ok D0 D1: each of two counters' growth is >= 30% of the sum.
share_ok() {
	local d0=$1 d1=$2 sum=$(($1 + $2))
	echo "eth0 sent $d0 frames, eth1 sent $d1 frames"
	[ "$sum" -ge 100 ] && [ $((d0 * 100)) -ge $((sum * 30)) ] && [ $((d1 * 100)) -ge $((sum * 30)) ]
}

a0=$(tx_packets a eth0)
a1=$(tx_packets a eth1)
iperf_client a 198.51.100.2 3 "$TOPO_DIR/tcp1.json"
check "iperf3 TCP a->b over both links" iperf_done $? "$TOPO_DIR/tcp1.json"
check "both slaves of a carry the transfer (each >= 30%)" \
	share_ok $(($(tx_packets a eth0) - a0)) $(($(tx_packets a eth1) - a1))

b0=$(tx_packets b eth0)
b1=$(tx_packets b eth1)
iperf_client a 198.51.100.2 3 "$TOPO_DIR/tcp2.json" -R
check "iperf3 TCP b->a over both links" iperf_done $? "$TOPO_DIR/tcp2.json"
check "both slaves of b carry the transfer (each >= 30%)" \
	share_ok $(($(tx_packets b eth0) - b0)) $(($(tx_packets b eth1) - b1))

# --- one link down (admin down on a's eth1: both ends lose carrier)
ip -n "$(nsname a)" link set eth1 down
check "a: eth1 MII Status: down" wait_for 2 field_is a bond0 eth1 "MII Status" down
check "b: eth1 MII Status: down" wait_for 2 field_is b bond0 eth1 "MII Status" down
check "a: bond MII Status still up" field_is a bond0 "" "MII Status" up
check "ping with one link" wait_for 3 nsx a ping -c 3 -i 0.2 -W 1 198.51.100.2
a0=$(tx_packets a eth0)
iperf_client a 198.51.100.2 3 "$TOPO_DIR/tcp3.json"
check "iperf3 TCP a->b with one link" iperf_done $? "$TOPO_DIR/tcp3.json"
grew() {
	echo "eth0 sent $1 frames"
	[ "$1" -ge 100 ]
}
check "a: eth0 carries the transfer alone" grew $(($(tx_packets a eth0) - a0))

ip -n "$(nsname a)" link set eth1 up
check "a: eth1 MII Status up again" wait_for 3 field_is a bond0 eth1 "MII Status" up
check "a: eth1 Link Failure Count: 1" field_is a bond0 eth1 "Link Failure Count" 1

for n in a b; do
	check "bondd in $n exits cleanly on SIGTERM" stop_bondd "$n"
done
topo_finish
