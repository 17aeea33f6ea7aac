#!/bin/bash
# t_ns_monitor: the NS monitor (bonding.rst, ns_ip6_target) in active-backup
# with arp_validate all, tested as t_arp_monitor tests the ARP monitor
# (issue 12 item 6: the backup was declared down right after enslaving and
# the old active never came back, because a backup's validation matched the
# active slave's solicitations against the target itself instead of its
# solicited-node group).
#
#   srv: bond0 (active-backup, miimon 0, arp_interval 100,
#        ns_ip6_target 2001:db8::fe, arp_validate all) over eth0, eth1;
#        2001:db8::1/64
#   sw:  br0 over s0, s1 (peers of eth0, eth1) and sc; no multicast
#        snooping, so the active's NS (to ff02::1:ff00:fe) reach the backup
#        as on a switch that floods them
#   cli: eth0 2001:db8::fe/64, the NS target, answering with NAs
#
# Checks: both slaves up on NS/NA alone and staying up (Link Failure Count
# 0 over 3 s); NS probes leave on the active slave only; eth0's frames
# silently dropped entering the switch (carrier stays): failover to eth1,
# probes move to eth1; the drop undone: eth0 back up as a backup (eth1
# stays active, no primary); the target gone: both slaves down; back: up.
. "$(dirname "$0")/lib_topo.sh"
TOPO_PFX="bnsm$$"
topo_init "$@"

BOND_IP6=2001:db8::1
TARGET6=2001:db8::fe

drop() {
	local ns=$1 port=$2 d
	shift 2
	nsx "$ns" tc qdisc add dev "$port" clsact || return 1
	for d in "$@"; do
		nsx "$ns" tc filter add dev "$port" "$d" bpf bytecode '1,6 0 0 2' da || return 1
	done
}
undrop() { nsx "$1" tc qdisc del dev "$2" clsact; }

# probes NS SECS PORTS...: per port, the neighbour solicitations for
# TARGET6 that come in on PORT (sent by the bond on the slave behind it)
# during SECS; prints "PORT COUNT" lines.
probes() {
	local ns=$1 secs=$2 p pids=()
	shift 2
	for p in "$@"; do
		timeout "$secs" ip netns exec "$(nsname "$ns")" tcpdump -i "$p" -Q in -n -l \
			"icmp6 and ip6[40] = 135" >"$TOPO_DIR/probes.$ns.$p" 2>/dev/null &
		pids+=($!)
	done
	wait "${pids[@]}"
	for p in "$@"; do
		echo "$p $(grep -c "neighbor solicitation, who has $TARGET6" "$TOPO_DIR/probes.$ns.$p")"
	done
}
count_in() {
	local c
	c=$(awk -v p="$2" '$1 == p { print $2 }' "$1")
	echo "solicitations seen coming in on $2: ${c:-?} (want $3..$4)"
	[ -n "$c" ] && [ "$c" -ge "$3" ] && [ "$c" -le "$4" ]
}

need "namespaces" ns_add srv
need "namespaces" ns_add sw
need "namespaces" ns_add cli
need "veth eth0" veth_pair srv eth0 sw s0
need "veth eth1" veth_pair srv eth1 sw s1
need "veth cli" veth_pair cli eth0 sw sc
need "bridge" bridge_switch sw br0 s0 s1 sc
need "no multicast snooping on br0" ip -n "$(nsname sw)" link set br0 type bridge mcast_snooping 0
need "NS target $TARGET6 on cli" ip -n "$(nsname cli)" addr add $TARGET6/64 dev eth0 nodad
need "bondd starts" start_bondd srv
need "create bond0 active-backup with the NS monitor" \
	bctl srv create bond0 mode active-backup miimon 0 arp_interval 100 \
	ns_ip6_target $TARGET6 arp_validate all
need "enslave eth0 eth1" bctl srv enslave bond0 eth0 eth1
need "bond0 address" ip -n "$(nsname srv)" addr add $BOND_IP6/64 dev bond0 nodad
need "bond0 up" ip -n "$(nsname srv)" link set bond0 up
check "status: NS IPv6 target/s: $TARGET6" \
	field_is srv bond0 "" "NS IPv6 target/s (xx::xx form)" $TARGET6
check "status: ARP Polling Interval (ms): 100" field_is srv bond0 "" "ARP Polling Interval (ms)" 100
sleep 2
check "after 2 s: eth0 MII Status: up" field_is srv bond0 eth0 "MII Status" up
check "after 2 s: eth1 (backup) MII Status: up" field_is srv bond0 eth1 "MII Status" up
check "after 2 s: bond MII Status: up" field_is srv bond0 "" "MII Status" up
check "eth0 is the active slave" active_is srv bond0 eth0
sleep 3
check "3 s later: eth1 (backup) still up" field_is srv bond0 eth1 "MII Status" up
check "3 s later: eth1 Link Failure Count: 0" field_is srv bond0 eth1 "Link Failure Count" 0
check "3 s later: eth0 Link Failure Count: 0" field_is srv bond0 eth0 "Link Failure Count" 0
check "ping the target" nsx srv ping -6 -c 3 -i 0.2 -W 1 $TARGET6

probes sw 1.5 s0 s1 >"$TOPO_DIR/p1.count"
check "NS probes leave on the active eth0 (>= 7 in 1.5 s at 100 ms)" count_in "$TOPO_DIR/p1.count" s0 7 1000
check "no NS probe leaves on the backup eth1" count_in "$TOPO_DIR/p1.count" s1 0 0

# --- eth0's path fails silently: its frames die entering the switch.
ip netns exec "$(nsname srv)" ping -6 -q -n -c 40 -i 0.1 -W 1 $TARGET6 >"$TOPO_DIR/ping1.out" 2>&1 &
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
wait "$pinger"
loss_ok() {
	cat "$TOPO_DIR/ping1.out"
	awk '/packet loss/ { for (i = 1; i <= NF; i++) if ($i ~ /%$/) { sub("%", "", $i); l = $i } }
		END { exit !(l != "" && l + 0 <= 30) }' "$TOPO_DIR/ping1.out"
}
check "a 4 s ping stream across the failure loses <= 30%" loss_ok
probes sw 1.5 s0 s1 >"$TOPO_DIR/p2.count"
check "NS probes now leave on eth1 (>= 7 in 1.5 s)" count_in "$TOPO_DIR/p2.count" s1 7 1000

# --- the old active returns: as a backup it validates eth1's solicitations.
check "undo the drop on s0" undrop sw s0
check "eth0 MII Status up once its path works (within 2 s)" wait_for 2 field_is srv bond0 eth0 "MII Status" up
check "no primary: eth1 stays active" active_is srv bond0 eth1
sleep 2
check "2 s later: eth0 still up as a backup" field_is srv bond0 eth0 "MII Status" up
check "2 s later: eth0 Link Failure Count still 1" field_is srv bond0 eth0 "Link Failure Count" 1
check "ping the target with eth0 back" nsx srv ping -6 -c 3 -i 0.2 -W 1 $TARGET6

# --- the target goes silent: nothing proves either path.
need "remove the target address" ip -n "$(nsname cli)" addr del $TARGET6/64 dev eth0
check "within 1.5 s: bond MII Status: down" wait_for 1.5 field_is srv bond0 "" "MII Status" down
# not up: down, or "going back" while the monitor probes it as the
# candidate (with no active slave it tries one slave after the other)
not_up() {
	local got
	got=$(proc_field srv bond0 "MII Status" "$1")
	echo "$1 MII Status: $got"
	# (going down: the monitor is still counting its misses; anything
	# but up is what this check asks)
	[ -n "$got" ] && [ "$got" != up ]
}
check "eth0 not up (down or going back)" not_up eth0
check "eth1 not up (down or going back)" not_up eth1
need "the target answers again" ip -n "$(nsname cli)" addr add $TARGET6/64 dev eth0 nodad
check "within 3 s: bond MII Status: up" wait_for 3 field_is srv bond0 "" "MII Status" up
check "within 3 s: both slaves up" wait_for 3 eval 'field_is srv bond0 eth0 "MII Status" up && field_is srv bond0 eth1 "MII Status" up'
check "ping the target at the end" nsx srv ping -6 -c 3 -i 0.2 -W 1 $TARGET6

check "bondd exits cleanly on SIGTERM" stop_bondd srv
topo_finish
