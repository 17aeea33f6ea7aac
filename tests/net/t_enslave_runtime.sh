#!/bin/bash
# t_enslave_runtime: slaves added and removed while traffic runs.
# An active-backup bond0 starts with eth0 only; under a TCP transfer and a
# ping stream, eth1 is enslaved, then eth0 (the active one) released: the
# traffic moves to eth1 and goes on; released slaves get their own MAC back.
# Topology as t_ab_failover (srv/sw/cli).
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

need "topology" topo_2d1c
mac0=$(link_mac srv eth0)
mac1=$(link_mac srv eth1)
need "bondd starts" start_bondd srv
need "create bond0 active-backup" bctl srv create bond0 mode active-backup miimon 100
need "enslave eth0" bctl srv enslave bond0 eth0
need "bond0 address" bond_addr srv bond0 192.0.2.1/24
need "ping crosses the bond" wait_for 10 nsx srv ping -c 1 -W 1 192.0.2.10
check "eth0 is the active slave" active_is srv bond0 eth0
check "one slave in the status" is_eq slaves 1 "$(bctl srv show bond0 | grep -c '^Slave Interface:')"
bondmac=$(link_mac srv bond0)
need "iperf3 server in cli" iperf_server cli

# 8 s of TCP srv->cli, and 7 s of pings cli->srv every 20 ms.
iperf_client srv 192.0.2.10 8 "$TOPO_DIR/tcp.json" &
tcp=$!
nsx cli ping -n -c 350 -i 0.02 -W 1 192.0.2.1 >"$TOPO_DIR/ping.out" 2>&1 &
png=$!
sleep 1.5

check "enslave eth1 under traffic" bctl srv enslave bond0 eth1
check "eth1 in the status, MII up" wait_for 2 field_is srv bond0 eth1 "MII Status" up
check "eth0 stays active after eth1 joins" active_is srv bond0 eth0
check "eth1 takes the bond's MAC" is_eq "eth1 MAC" "$bondmac" "$(link_mac srv eth1)"
sleep 1.5

e0=$(tx_packets srv eth0)
e1=$(tx_packets srv eth1)
check "release eth0 (active) under traffic" bctl srv release bond0 eth0
check "eth1 becomes the active slave" wait_for 1 active_is srv bond0 eth1
no_eth0() {
	if bctl srv show bond0 | grep -x 'Slave Interface: eth0'; then
		return 1
	fi
}
check "eth0 gone from the status" no_eth0
check "eth0 has its original MAC" is_eq "eth0 MAC" "$mac0" "$(link_mac srv eth0)"
sleep 1
moved() {
	local d0=$1 d1=$2
	echo "in the second after the release: eth0 sent $d0 frames, eth1 sent $d1 frames"
	[ "$d1" -ge 100 ] && [ $((d0 * 20)) -le "$d1" ]
}
check "the transfer moved to eth1 (eth0 sends < 5% of eth1's frames)" \
	moved $(($(tx_packets srv eth0) - e0)) $(($(tx_packets srv eth1) - e1))
# eth0 still owns the MAC the bond took from it and now answers for the
# host itself: take it off the wire, so that what follows can only pass
# through the bond.
ip -n "$(nsname srv)" link set eth0 down

wait "$tcp"
check "iperf3 completes across enslave and release" iperf_done $? "$TOPO_DIR/tcp.json"
tail=$(iperf_stat "$TOPO_DIR/tcp.json" tail_bps)
check "data still flows in the last second (${tail:-?} bit/s)" test "${tail:-0}" -gt 0

wait "$png"
loss=$(awk '/packet loss/ { for (i = 1; i <= NF; i++) if ($i ~ /%$/) { sub("%", "", $i); print $i } }' "$TOPO_DIR/ping.out")
low_loss() {
	cat "$TOPO_DIR/ping.out"
	[ -n "$loss" ] && awk -v l="$loss" 'BEGIN { exit !(l <= 5) }'
}
check "ping stream lost at most 5% (${loss:-?}%)" low_loss

# eth1, the last slave, released too: its own MAC comes back.
check "release eth1" bctl srv release bond0 eth1
check "eth1 has its original MAC" is_eq "eth1 MAC" "$mac1" "$(link_mac srv eth1)"
check "no slave left in the status" is_eq slaves 0 "$(bctl srv show bond0 | grep -c '^Slave Interface:')"
check "enslave eth1 again" bctl srv enslave bond0 eth1
check "eth1 active after re-enslave" wait_for 2 active_is srv bond0 eth1
check "ping after re-enslave" wait_for 5 nsx srv ping -c 1 -W 1 192.0.2.10

check "bondd exits cleanly on SIGTERM" stop_bondd srv
topo_finish
