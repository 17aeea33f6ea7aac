#!/bin/bash
# t_bcast_b2b: broadcast mode, two bonds back to back. Namespaces a and b
# each run their own bondd with bond0 (broadcast, miimon 100) over eth0,
# eth1; the two veth pairs join a and b directly. 198.51.100.1/24 (a),
# .2/24 (b).
#
# bonding.rst, broadcast: every frame is cloned to every slave that is up. So during a
# ping flood of N echo requests, each slave of a sends at least N frames,
# and both send the same number give or take 5% (ARP, IPv6 noise). With
# broadcast on both ends each echo is answered more than once (b receives
# each request on both links; ping reports DUPs): that is what the kernel
# does too, and not checked here. One link down keeps ping working, and the
# remaining slave still sends every frame.
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

A_IP=198.51.100.1
B_IP=198.51.100.2
N=500

need "namespaces" ns_add a
need "namespaces" ns_add b
need "veth eth0" veth_pair a eth0 b eth0
need "veth eth1" veth_pair a eth1 b eth1
declare -A addr=([a]=$A_IP/24 [b]=$B_IP/24)
for n in a b; do
	need "bondd starts in $n" start_bondd "$n"
	need "create bond0 broadcast in $n" bctl "$n" create bond0 mode broadcast miimon 100
	need "enslave eth0 eth1 in $n" bctl "$n" enslave bond0 eth0 eth1
	need "bond0 address in $n" bond_addr "$n" bond0 "${addr[$n]}"
done
check "status: Bonding Mode: fault-tolerance (broadcast)" \
	field_is a bond0 "" "Bonding Mode" "fault-tolerance (broadcast)"
need "ping a->b" wait_for 10 nsx a ping -c 1 -W 1 $B_IP
check "ping b->a" nsx b ping -c 3 -i 0.2 -W 1 $A_IP

# flood NS DEST: a ping flood of N requests; every request answered.
flood() {
	local out
	out=$(nsx "$1" ping -n -q -f -c "$N" -W 1 "$2" 2>&1)
	echo "$out"
	printf '%s\n' "$out" | grep -qE "^$N packets transmitted, $N received"
}
# both_sent D0 D1 MIN: both counters grew by >= MIN, and within 5% of
# each other.
both_sent() {
	local d0=$1 d1=$2 min=$3 hi lo
	echo "eth0 sent $d0 frames, eth1 sent $d1 frames (each must be >= $min, within 5%)"
	hi=$((d0 > d1 ? d0 : d1))
	lo=$((d0 > d1 ? d1 : d0))
	[ "$lo" -ge "$min" ] && [ $(((hi - lo) * 100)) -le $((hi * 5)) ]
}

a0=$(tx_packets a eth0)
a1=$(tx_packets a eth1)
check "ping flood a->b ($N requests, all answered)" flood a $B_IP
check "every frame of a leaves on both slaves" \
	both_sent $(($(tx_packets a eth0) - a0)) $(($(tx_packets a eth1) - a1)) $N
b0=$(tx_packets b eth0)
b1=$(tx_packets b eth1)
check "ping flood b->a ($N requests, all answered)" flood b $A_IP
check "every frame of b leaves on both slaves" \
	both_sent $(($(tx_packets b eth0) - b0)) $(($(tx_packets b eth1) - b1)) $N
need "iperf3 server in b" iperf_server b
iperf_client a $B_IP 2 "$TOPO_DIR/tcp1.json"
check "iperf3 TCP a->b" iperf_done $? "$TOPO_DIR/tcp1.json"

# --- one link down (admin down on a's eth1: both ends lose carrier)
ip -n "$(nsname a)" link set eth1 down
check "a: eth1 MII Status: down" wait_for 2 field_is a bond0 eth1 "MII Status" down
check "b: eth1 MII Status: down" wait_for 2 field_is b bond0 eth1 "MII Status" down
check "a: bond MII Status still up" field_is a bond0 "" "MII Status" up
check "ping a->b with one link" wait_for 3 nsx a ping -c 3 -i 0.2 -W 1 $B_IP
b0=$(tx_packets b eth0)
check "ping flood b->a with one link ($N requests, all answered)" flood b $A_IP
grew() {
	echo "b: eth0 sent $1 frames"
	[ "$1" -ge "$N" ]
}
check "b: eth0 alone sends every frame" grew $(($(tx_packets b eth0) - b0))
iperf_client a $B_IP 2 "$TOPO_DIR/tcp2.json"
check "iperf3 TCP a->b with one link" iperf_done $? "$TOPO_DIR/tcp2.json"

ip -n "$(nsname a)" link set eth1 up
check "a: eth1 MII Status up again" wait_for 3 field_is a bond0 eth1 "MII Status" up
check "a: eth1 Link Failure Count: 1" field_is a bond0 eth1 "Link Failure Count" 1
check "b: eth1 MII Status up again" wait_for 3 field_is b bond0 eth1 "MII Status" up
a0=$(tx_packets a eth0)
a1=$(tx_packets a eth1)
check "ping flood a->b after eth1 returned" flood a $B_IP
check "both slaves of a send every frame again" \
	both_sent $(($(tx_packets a eth0) - a0)) $(($(tx_packets a eth1) - a1)) $N

for n in a b; do
	check "bondd in $n exits cleanly on SIGTERM" stop_bondd "$n"
done
topo_finish
