#!/bin/bash
# t_ab_failover: active-backup keeps traffic flowing when the active slave's
# link goes away, seen from the switch side and from the bond side; the host
# stack sees each frame once (ARP answered once, no duplicate TCP segments).
#
# srv: bond0 (active-backup, miimon 100) over eth0, eth1; 192.0.2.1/24
# sw:  br0 over s0, s1 (peers of eth0, eth1) and sc (toward cli)
# cli: eth0 192.0.2.10/24, iperf3 server
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

need "topology" topo_2d1c
need "bondd starts" start_bondd srv
need "create bond0 active-backup" bctl srv create bond0 mode active-backup miimon 100
need "enslave eth0 eth1" bctl srv enslave bond0 eth0 eth1
need "bond0 address" bond_addr srv bond0 192.0.2.1/24
need "ping crosses the bond" wait_for 10 nsx srv ping -c 1 -W 1 192.0.2.10
check "eth0 is the active slave" active_is srv bond0 eth0
check "eth0 MII up" field_is srv bond0 eth0 "MII Status" up
check "eth1 MII up" field_is srv bond0 eth1 "MII Status" up
need "iperf3 server in cli" iperf_server cli
iperf_client srv 192.0.2.10 3 "$TOPO_DIR/tcp1.json"
check "iperf3 TCP srv->cli" iperf_done $? "$TOPO_DIR/tcp1.json"

# --- The host stack answers each ARP request once (the inactive slave's
# copy of a broadcast and the slaves' own stacks must not answer).
arp_probe() {
	ip -n "$(nsname cli)" neigh flush dev eth0
	nsx cli ping -c 1 -W 1 192.0.2.1 >/dev/null
}
arp_counts() {
	local pcap=$1 bondmac req rep badmac
	bondmac=$(link_mac srv bond0)
	req=$(tcpdump -r "$pcap" -n 2>/dev/null | grep -c 'who-has 192\.0\.2\.1 tell 192\.0\.2\.10')
	rep=$(tcpdump -r "$pcap" -n 2>/dev/null | grep -c 'Reply 192\.0\.2\.1 is-at')
	badmac=$(tcpdump -r "$pcap" -n 2>/dev/null | grep 'Reply 192\.0\.2\.1 is-at' | grep -vc "is-at $bondmac")
	echo "requests $req, replies $rep, replies not from bond0's MAC $bondmac: $badmac"
	tcpdump -r "$pcap" -n -e 2>/dev/null
	[ "$req" = 3 ] && [ "$rep" = 3 ] && [ "$badmac" = 0 ]
}
# (a simple command, so that $! is tcpdump itself)
ip netns exec "$(nsname cli)" tcpdump -i eth0 -n -U -w "$TOPO_DIR/arp.pcap" arp 2>"$TOPO_DIR/arp.err" &
dump=$!
need "tcpdump listens in cli" wait_for 5 grep -q "listening on" "$TOPO_DIR/arp.err"
for _ in 1 2 3; do
	arp_probe
	sleep 0.3
done
sleep 0.5
kill -TERM "$dump"
wait "$dump"
check "each ARP request for 192.0.2.1 answered exactly once, by bond0" arp_counts "$TOPO_DIR/arp.pcap"

# --- No TCP segment reaches srv's stack twice: cli sends (iperf3 -R), srv
# would acknowledge every duplicate with a D-SACK.
dsack_sent() {
	echo $(($(netstat_val srv TcpExtTCPDSACKOldSent) + $(netstat_val srv TcpExtTCPDSACKOfoSent)))
}
dup_ok() {
	local dsack=$1 insegs=$2
	echo "srv received $insegs segments, sent $dsack D-SACKs (duplicates)"
	# Each segment delivered twice would make about half of them duplicates;
	# plain veth traffic shows well under 1% (spurious retransmissions).
	[ "$insegs" -ge 100 ] && [ $((dsack * 10)) -le "$insegs" ]
}
ds0=$(dsack_sent)
in0=$(netstat_val srv TcpInSegs)
iperf_client srv 192.0.2.10 3 "$TOPO_DIR/tcp2.json" -R
check "iperf3 TCP cli->srv" iperf_done $? "$TOPO_DIR/tcp2.json"
check "no duplicate TCP segments reach srv (D-SACKs < 10% of segments)" \
	dup_ok $(($(dsack_sent) - ds0)) $(($(netstat_val srv TcpInSegs) - in0))

# --- failover_under_traffic NAME NS IF NEWACTIVE DOWNSLAVE: starts a 6 s
# TCP transfer, takes IF down in NS after 2 s, checks the transfer survived.
failover_under_traffic() {
	local name=$1 ns=$2 ifc=$3 new=$4 gone=$5 out=$TOPO_DIR/$1.json pid rc tail
	iperf_client srv 192.0.2.10 6 "$out" &
	pid=$!
	sleep 2
	ip -n "$(nsname "$ns")" link set "$ifc" down
	wait "$pid"
	rc=$?
	check "$name: iperf3 completes across the failover" iperf_done "$rc" "$out"
	tail=$(iperf_stat "$out" tail_bps)
	check "$name: data still flows in the last second (${tail:-?} bit/s)" \
		test "${tail:-0}" -gt 0
	check "$name: ping after the failover" nsx srv ping -c 3 -i 0.2 -W 1 192.0.2.10
	check "$name: Currently Active Slave: $new" active_is srv bond0 "$new"
	check "$name: $gone MII Status: down" field_is srv bond0 "$gone" "MII Status" down
	check "$name: $gone Link Failure Count: 1" field_is srv bond0 "$gone" "Link Failure Count" 1
	check "$name: bond MII Status still up" field_is srv bond0 "" "MII Status" up
}

# Switch side: s0 (peer of the active eth0) goes down.
failover_under_traffic "switch-side cut of s0" sw s0 eth1 eth0
ip -n "$(nsname sw)" link set s0 up
check "eth0 MII up again after s0 returns" wait_for 3 field_is srv bond0 eth0 "MII Status" up
check "no primary: eth1 stays active after eth0 returns" active_is srv bond0 eth1

# Bond side: eth1 (now active) is set down in srv.
failover_under_traffic "bond-side cut of eth1" srv eth1 eth0 eth1
check "eth0 Link Failure Count still 1" field_is srv bond0 eth0 "Link Failure Count" 1
ip -n "$(nsname srv)" link set eth1 up
check "eth1 MII up again after it is set up" wait_for 3 field_is srv bond0 eth1 "MII Status" up
check "ping after both links returned" nsx srv ping -c 2 -i 0.2 -W 1 192.0.2.10

check "bondd exits cleanly on SIGTERM" stop_bondd srv
topo_finish
