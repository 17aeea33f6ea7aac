#!/bin/bash
# t_arp_monitor: the ARP monitor (bonding.rst, arp_interval) notices a path that fails
# silently, without any carrier change, where miimon would see nothing.
#
# Part 1, active-backup (miimon 0, arp_interval 100, arp_ip_target
# 192.0.2.254, arp_validate all):
#   srv: bond0 over eth0, eth1; 192.0.2.1/24
#   sw:  br0 over s0, s1 (peers of eth0, eth1) and sc; br0 has 192.0.2.254,
#        the ARP target
#   cli: eth0 192.0.2.10/24
#   Both slaves come up on ARP alone; probes leave on the active slave only
#   (tcpdump on the switch ports, frames coming in from the bond). Then
#   every frame eth0 sends is dropped as it enters the switch (classic BPF
#   "return TC_ACT_SHOT" on s0's ingress; carriers stay up): within 1.5 s
#   the bond fails over to eth1 (eth0 Link Failure Count 1), ping goes on,
#   probes now leave on eth1, and the bond stays on eth1.
# Part 2, balance-rr (arp_interval 100, same target), its own namespaces:
#   probes leave on both slaves; eth0's path silently drops both ways: eth0
#   goes down within 1.5 s while eth1 stays up, ping loses nothing; the path
#   heals: eth0 comes back up.
#
# Not checked: whether eth0 comes back up as a backup while its outgoing
# frames are still dropped (in the kernel it does: with arp_validate all a
# backup counts the active slave's broadcast probes it receives).
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

BOND_IP=192.0.2.1
TARGET=192.0.2.254

# drop NS PORT DIR...: drops every frame on PORT in each direction DIR
# (ingress = frames the bond sent, egress = frames toward the bond).
drop() {
	local ns=$1 port=$2 d
	shift 2
	nsx "$ns" tc qdisc add dev "$port" clsact || return 1
	for d in "$@"; do
		nsx "$ns" tc filter add dev "$port" "$d" bpf bytecode '1,6 0 0 2' da || return 1
	done
}
undrop() { nsx "$1" tc qdisc del dev "$2" clsact; }

# probes NS SECS PORTS...: counts, per port, the ARP requests for TARGET
# from BOND_IP that come in on PORT (i.e. that the bond sent on the slave
# behind it) during SECS; prints "PORT COUNT" lines.
probes() {
	local ns=$1 secs=$2 p pids=()
	shift 2
	for p in "$@"; do
		timeout "$secs" ip netns exec "$(nsname "$ns")" tcpdump -i "$p" -Q in -n -l \
			"arp and arp[6:2] = 1" >"$TOPO_DIR/probes.$ns.$p" 2>/dev/null &
		pids+=($!)
	done
	wait "${pids[@]}"
	for p in "$@"; do
		echo "$p $(grep -c "who-has $TARGET tell $BOND_IP" "$TOPO_DIR/probes.$ns.$p")"
	done
}
# count_in FILE PORT MIN MAX: PORT's count in FILE is within MIN..MAX.
count_in() {
	local c
	c=$(awk -v p="$2" '$1 == p { print $2 }' "$1")
	echo "probes seen coming in on $2: ${c:-?} (want $3..$4)"
	[ -n "$c" ] && [ "$c" -ge "$3" ] && [ "$c" -le "$4" ]
}

# ===================== part 1: active-backup ==============================
need "topology" topo_2d1c
need "ARP target 192.0.2.254 on the switch's br0" ip -n "$(nsname sw)" addr add $TARGET/24 dev br0
need "bondd starts" start_bondd srv
need "create bond0 active-backup with the ARP monitor" \
	bctl srv create bond0 mode active-backup miimon 0 arp_interval 100 \
	arp_ip_target $TARGET arp_validate all
need "enslave eth0 eth1" bctl srv enslave bond0 eth0 eth1
need "bond0 address" bond_addr srv bond0 $BOND_IP/24
check "status: MII Polling Interval (ms): 0" field_is srv bond0 "" "MII Polling Interval (ms)" 0
check "status: ARP Polling Interval (ms): 100" field_is srv bond0 "" "ARP Polling Interval (ms)" 100
check "status: ARP IP target/s (n.n.n.n form): $TARGET" \
	field_is srv bond0 "" "ARP IP target/s (n.n.n.n form)" $TARGET
sleep 2
check "after 2 s: eth0 MII Status: up" field_is srv bond0 eth0 "MII Status" up
check "after 2 s: eth1 MII Status: up" field_is srv bond0 eth1 "MII Status" up
check "after 2 s: bond MII Status: up" field_is srv bond0 "" "MII Status" up
check "eth0 is the active slave" active_is srv bond0 eth0
check "ping the target" nsx srv ping -c 3 -i 0.2 -W 1 $TARGET
check "ping cli" nsx srv ping -c 3 -i 0.2 -W 1 192.0.2.10

probes sw 1.5 s0 s1 >"$TOPO_DIR/ab1.count"
check "probes leave on the active eth0 (>= 7 in 1.5 s at 100 ms)" count_in "$TOPO_DIR/ab1.count" s0 7 1000
check "no probe leaves on the backup eth1" count_in "$TOPO_DIR/ab1.count" s1 0 0

# --- eth0's path fails silently: its frames die entering the switch.
ip netns exec "$(nsname srv)" ping -q -n -c 40 -i 0.1 -W 1 192.0.2.10 >"$TOPO_DIR/ping1.out" 2>&1 &
pinger=$!
sleep 0.5
t0=$(now_ms)
need "drop every frame entering s0 (no carrier change)" drop sw s0 ingress
check "eth0 still has carrier" test "$(nsx srv cat /sys/class/net/eth0/carrier)" = 1
check "within 1.5 s: Currently Active Slave: eth1" wait_for 1.5 active_is srv bond0 eth1
topo_log "failover after $(($(now_ms) - t0)) ms"
check "eth0 Link Failure Count: 1" field_is srv bond0 eth0 "Link Failure Count" 1
check "eth1 MII Status: up" field_is srv bond0 eth1 "MII Status" up
check "eth1 Link Failure Count: 0" field_is srv bond0 eth1 "Link Failure Count" 0
check "bond MII Status still up" field_is srv bond0 "" "MII Status" up
wait "$pinger"
loss_ok() {
	cat "$TOPO_DIR/ping1.out"
	awk '/packet loss/ { for (i = 1; i <= NF; i++) if ($i ~ /%$/) { sub("%", "", $i); l = $i } }
		END { exit !(l != "" && l + 0 <= 30) }' "$TOPO_DIR/ping1.out"
}
check "a 4 s ping stream across the failure loses <= 30%" loss_ok
check "ping cli after the failover" nsx srv ping -c 3 -i 0.2 -W 1 192.0.2.10
check "ping the target after the failover" nsx srv ping -c 3 -i 0.2 -W 1 $TARGET
probes sw 1.5 s1 >"$TOPO_DIR/ab2.count"
check "probes now leave on eth1 (>= 7 in 1.5 s)" count_in "$TOPO_DIR/ab2.count" s1 7 1000
check "2 s later: still eth1 active" active_is srv bond0 eth1
check "2 s later: eth0 Link Failure Count still 1" field_is srv bond0 eth0 "Link Failure Count" 1
check "2 s later: eth1 Link Failure Count still 0" field_is srv bond0 eth1 "Link Failure Count" 0
check "undo the drop on s0" undrop sw s0
check "eth0 MII Status up once its path works" wait_for 2 field_is srv bond0 eth0 "MII Status" up
check "no primary: eth1 stays active" active_is srv bond0 eth1
check "bondd (active-backup) exits cleanly on SIGTERM" stop_bondd srv

# ===================== part 2: balance-rr =================================
need "rr topology" ns_add r
need "rr topology" ns_add rsw
need "veth eth0" veth_pair r eth0 rsw s0
need "veth eth1" veth_pair r eth1 rsw s1
need "bridge" bridge_switch rsw br0 s0 s1
need "ARP target on br0" ip -n "$(nsname rsw)" addr add $TARGET/24 dev br0
need "bondd starts (rr)" start_bondd r
need "create bond0 balance-rr with the ARP monitor" \
	bctl r create bond0 mode balance-rr arp_interval 100 arp_ip_target $TARGET
need "enslave eth0 eth1 (rr)" bctl r enslave bond0 eth0 eth1
need "bond0 address (rr)" bond_addr r bond0 $BOND_IP/24
check "rr: status: MII Polling Interval (ms): 0" field_is r bond0 "" "MII Polling Interval (ms)" 0
check "rr: status: ARP Polling Interval (ms): 100" field_is r bond0 "" "ARP Polling Interval (ms)" 100
sleep 2
check "rr, after 2 s: eth0 MII Status: up" field_is r bond0 eth0 "MII Status" up
check "rr, after 2 s: eth1 MII Status: up" field_is r bond0 eth1 "MII Status" up
check "rr: ping the target" nsx r ping -c 3 -i 0.2 -W 1 $TARGET
probes rsw 1.5 s0 s1 >"$TOPO_DIR/rr1.count"
check "rr: probes leave on eth0 (>= 7 in 1.5 s)" count_in "$TOPO_DIR/rr1.count" s0 7 1000
check "rr: probes leave on eth1 (>= 7 in 1.5 s)" count_in "$TOPO_DIR/rr1.count" s1 7 1000

need "rr: drop every frame on s0, both ways (no carrier change)" drop rsw s0 ingress egress
check "rr: eth0 still has carrier" test "$(nsx r cat /sys/class/net/eth0/carrier)" = 1
check "rr: within 1.5 s: eth0 MII Status: down" wait_for 1.5 field_is r bond0 eth0 "MII Status" down
check "rr: eth0 Link Failure Count: 1" field_is r bond0 eth0 "Link Failure Count" 1
check "rr: eth1 MII Status: up" field_is r bond0 eth1 "MII Status" up
check "rr: bond MII Status: up" field_is r bond0 "" "MII Status" up
no_loss() {
	local l
	l=$(ping_loss r "$TARGET" 20 0.1)
	echo "loss: ${l:-?}%"
	[ "$l" = 0 ]
}
check "rr: with eth0 down, 20 pings all answered" no_loss
check "rr: undo the drop on s0" undrop rsw s0
check "rr: eth0 MII Status up again" wait_for 2 field_is r bond0 eth0 "MII Status" up
check "rr: eth0 Link Failure Count still 1" field_is r bond0 eth0 "Link Failure Count" 1
check "rr: ping with both slaves" nsx r ping -c 5 -i 0.1 -W 1 $TARGET
check "bondd (rr) exits cleanly on SIGTERM" stop_bondd r
topo_finish
