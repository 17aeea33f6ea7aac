#!/bin/bash
# t_resend_igmp: after a failover, membership reports for the groups the host
# joined on bond0 leave on the new active slave, resend_igmp times, 200 ms
# apart (the kernel's NETDEV_RESEND_IGMP: IGMPv3 report per IPv4 group with
# its filter mode and sources, MLDv2 report for the IPv6 groups), so that a
# snooping switch learns the new port at once. resend_igmp 0 sends none.
#
# Topology as t_ab_failover (srv/sw/cli); the switch side of each slave is
# captured inbound only (-Q in): what srv sent on that link, not what the
# bridge floods back.
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

need "topology" topo_2d1c
S=$(nsname srv)
W=$(nsname sw)
need "bondd starts" start_bondd srv
need "create bond0 active-backup resend_igmp 3" \
	bctl srv create bond0 mode active-backup miimon 100 resend_igmp 3
need "enslave eth0 eth1" bctl srv enslave bond0 eth0 eth1
need "bond0 address" bond_addr srv bond0 192.0.2.1/24
need "ping crosses the bond" wait_for 10 nsx srv ping -c 1 -W 1 192.0.2.10
check "resend_igmp reads 3" is_eq resend_igmp 3 "$(bctl srv get bond0 resend_igmp)"
refused() { ! bctl srv "$@"; }
check "resend_igmp 256 refused" refused set bond0 resend_igmp 256
check "resend_igmp 256 leaves 3" is_eq resend_igmp 3 "$(bctl srv get bond0 resend_igmp)"

# The host joins: any-source 239.1.2.3, source-specific 232.1.1.1 from
# 198.51.100.7, and ff05::1:3 (held by a process that sleeps).
nsx srv python3 -c '
import socket, struct, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
             socket.inet_aton("239.1.2.3") + socket.inet_aton("192.0.2.1"))
t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
t.setsockopt(socket.IPPROTO_IP, 39,     # IP_ADD_SOURCE_MEMBERSHIP
             socket.inet_aton("232.1.1.1") + socket.inet_aton("192.0.2.1") +
             socket.inet_aton("198.51.100.7"))
u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
u.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,
             socket.inet_pton(socket.AF_INET6, "ff05::1:3") +
             struct.pack("I", socket.if_nametoindex("bond0")))
open("/dev/stdout", "w").write("joined\n")
time.sleep(600)
' >"$TOPO_DIR/join.out" 2>&1 &
need "host joins the groups on bond0" wait_for 5 grep -q joined "$TOPO_DIR/join.out"
check "the stack lists 239.1.2.3 on bond0" wait_for 3 bash -c "ip netns exec $S ip maddr show dev bond0 | grep -q 239.1.2.3"
# Let the host's own join reports (and their robustness repeats) pass.
sleep 3

# capture NAME IF: inbound on the switch port IF, IGMP and IPv6.
capture() {
	ip netns exec "$W" tcpdump -i "$2" -Q in -n -U -w "$TOPO_DIR/$1.pcap" 'igmp or ip6' \
		2>"$TOPO_DIR/$1.err" &
	DUMP=$!
	wait_for 5 grep -q "listening on" "$TOPO_DIR/$1.err"
}
stop_capture() {
	sleep "$1"
	kill -TERM "$DUMP"
	wait "$DUMP"
}
# reports NAME PATTERN: how many captured frames' verbose text match.
reports() { tcpdump -r "$TOPO_DIR/$1.pcap" -n -v 2>/dev/null | grep -c -- "$2"; }

# igmp_ok NAME N: N IGMPv3 reports for each IPv4 group and N MLDv2 reports
# naming ff05::1:3, from bond0's address and MAC, the first to the last
# about (N-1) x 200 ms apart.
igmp_ok() {
	local name=$1 n=$2 pcap=$TOPO_DIR/$1.pcap asm ssm mld badsrc badmac first last span mac
	mac=$(link_mac srv bond0)
	asm=$(tcpdump -r "$pcap" -n -v igmp 2>/dev/null | grep -c 'gaddr 239.1.2.3 is_ex, 0 source')
	ssm=$(tcpdump -r "$pcap" -n -vv igmp 2>/dev/null | grep -c 'gaddr 232.1.1.1 is_in { 198.51.100.7 }')
	mld=$(tcpdump -r "$pcap" -n -v ip6 2>/dev/null | grep -c 'gaddr ff05::1:3 is_ex')
	badsrc=$(tcpdump -r "$pcap" -n igmp 2>/dev/null | grep -vc '192.0.2.1 > 224.0.0.22')
	badmac=$(tcpdump -r "$pcap" -n -e igmp 2>/dev/null | grep -vc "^[0-9:.]* $mac >")
	first=$(tcpdump -r "$pcap" -n -tt igmp 2>/dev/null | head -1 | cut -d' ' -f1)
	last=$(tcpdump -r "$pcap" -n -tt igmp 2>/dev/null | tail -1 | cut -d' ' -f1)
	span=$(awk -v a="${first:-0}" -v b="${last:-0}" 'BEGIN { printf "%d", (b - a) * 1000 }')
	echo "239.1.2.3 is_ex: $asm, 232.1.1.1 is_in {198.51.100.7}: $ssm, MLDv2 ff05::1:3: $mld;" \
		"not from 192.0.2.1 to 224.0.0.22: $badsrc, not from $mac: $badmac; first to last ${span} ms"
	tcpdump -r "$pcap" -n -e -v 2>/dev/null | head -60
	[ "$asm" = "$n" ] && [ "$ssm" = "$n" ] && [ "$mld" = "$n" ] && [ "$badsrc" = 0 ] &&
		[ "$badmac" = 0 ] && [ "$span" -ge $(((n - 1) * 200 - 50)) ] &&
		[ "$span" -le $(((n - 1) * 200 + 300)) ]
}

# failover NAME TO FROM: captures inbound on the switch port of slave TO
# while the switch port of slave FROM goes down and the bond fails over to
# TO; brings FROM's port back afterwards.
failover() {
	local name=$1 to=$2 from=$3
	need "capture on the switch port of $to" capture "$name" "s${to#eth}"
	ip -n "$W" link set "s${from#eth}" down
	check "$name: failover to $to" wait_for 2 active_is srv bond0 "$to"
	stop_capture 1.5
}

failover fo1 eth1 eth0
check "resend_igmp 3: 3 x (IGMPv3 239.1.2.3, 232.1.1.1; MLDv2 ff05::1:3) on eth1, 200 ms apart" \
	igmp_ok fo1 3
ip -n "$W" link set s0 up
sleep 0.5

need "set resend_igmp 1" bctl srv set bond0 resend_igmp 1
failover fo2 eth0 eth1
check "resend_igmp 1: one report per group on eth0" igmp_ok fo2 1
ip -n "$W" link set s1 up
sleep 0.5

need "set resend_igmp 0" bctl srv set bond0 resend_igmp 0
failover fo3 eth1 eth0
check "resend_igmp 0: no IGMP report on eth1" is_eq "IGMP reports" 0 "$(reports fo3 'igmp v3 report')"
check "resend_igmp 0: no MLD report on eth1" is_eq "MLD reports" 0 "$(reports fo3 'multicast listener report')"

check "bondd exits cleanly on SIGTERM" stop_bondd srv
topo_finish
