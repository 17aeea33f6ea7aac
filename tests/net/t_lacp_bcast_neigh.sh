#!/bin/bash
# t_lacp_bcast_neigh: 802.3ad broadcast_neighbor between two bondd ends,
# with a's other issue-12 options on too (coupled_control off: the
# independent control mux; ad_select actor_port_prio). Namespaces a and b
# each run bondd with bond0 (802.3ad, lacp_rate fast) over eth0, eth1; the
# veth pairs join a and b directly. 198.51.100.1/24, 2001:db8:12::1/64 (a),
# .2 and ::2 (b).
#
# What is relied on: with broadcast_neighbor 1 the kernel
# (bond_should_broadcast_neighbor) sends ARP and IPv6 NS/NA on every port
# that distributes, and hashes every other frame. With the default layer2
# policy every frame between the two bond MACs hashes to one port, so an
# echo request stream stays on one link while each ARP request and each
# neighbour solicitation shows on both. Captures are taken on b's slaves
# (inbound), where a's copies arrive.
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

A_IP=198.51.100.1
B_IP=198.51.100.2
A_IP6=2001:db8:12::1
B_IP6=2001:db8:12::2

need "namespaces" ns_add a
need "namespaces" ns_add b
need "veth eth0" veth_pair a eth0 b eth0
need "veth eth1" veth_pair a eth1 b eth1
need "bondd starts in a" start_bondd a
need "bondd starts in b" start_bondd b
need "create bond0 in a (broadcast_neighbor 1, coupled_control off, ad_select actor_port_prio)" \
	bctl a create bond0 mode 802.3ad miimon 100 lacp_rate fast broadcast_neighbor 1 \
	coupled_control off ad_select actor_port_prio
need "create bond0 in b" bctl b create bond0 mode 802.3ad miimon 100 lacp_rate fast
for n in a b; do
	need "enslave eth0 eth1 in $n" bctl "$n" enslave bond0 eth0 eth1
done
need "bond0 address in a" bond_addr a bond0 $A_IP/24
need "bond0 address in b" bond_addr b bond0 $B_IP/24
nsx a ip addr add $A_IP6/64 dev bond0 nodad
nsx b ip addr add $B_IP6/64 dev bond0 nodad

check "a: get broadcast_neighbor is 1" is_eq broadcast_neighbor 1 "$(bctl a get bond0 broadcast_neighbor)"
check "a: get coupled_control is 0" is_eq coupled_control 0 "$(bctl a get bond0 coupled_control)"
need "a aggregates both ports" wait_for 20 field_is a bond0 "" "	Number of ports" 2
need "b aggregates both ports" wait_for 20 field_is b bond0 "" "	Number of ports" 2
# Both ports collect and distribute (actor state 63 = fast, in sync,
# collecting, distributing) on both ends.
both_63() {
	local n s
	for n in a b; do
		for s in eth0 eth1; do
			bctl "$n" show bond0 | awk -v s="$s" '
				/^Slave Interface: / { sec = substr($0, 18) }
				sec == s && /details actor lacp pdu:/ { act = 1 }
				sec == s && /details partner lacp pdu:/ { act = 0 }
				sec == s && act && /port state:/ { print; found = $NF }
				END { exit found == 63 ? 0 : 1 }' || return 1
		done
	done
}
check "every port of a and b: actor port state 63" wait_for 10 both_63
need "ping a->b" wait_for 10 nsx a ping -c 1 -W 1 $B_IP

# capture NAME: tcpdump on b's eth0 and eth1, inbound, into NAME.eth{0,1}.pcap.
DUMPS=()
capture() {
	local s
	DUMPS=()
	for s in eth0 eth1; do
		# A simple command, so that $! is tcpdump itself. Immediate
		# mode: a short capture is not lost in a ring block that was
		# never handed over when tcpdump is stopped.
		ip netns exec "$(nsname b)" tcpdump -i $s -n -e -U --immediate-mode -Q in \
			-w "$TOPO_DIR/$1.$s.pcap" 2>"$TOPO_DIR/$1.$s.err" &
		DUMPS+=($!)
	done
	for s in eth0 eth1; do
		wait_for 5 grep -q "listening on" "$TOPO_DIR/$1.$s.err" || return 1
	done
}
capture_end() {
	sleep 1
	kill -TERM "${DUMPS[@]}"
	wait "${DUMPS[@]}"
}
# count NAME SLAVE PATTERN: matching lines of b's capture NAME on SLAVE.
count() { tcpdump -r "$TOPO_DIR/$1.$2.pcap" -n -e 2>/dev/null | grep -cE "$3"; }
# show NAME: what b's capture NAME holds (failure details).
show() {
	local s
	for s in eth0 eth1; do
		echo "-- $1 on $s:"
		tcpdump -r "$TOPO_DIR/$1.$s.pcap" -n -e 2>&1 | head -20
	done
}
# on_both NAME PATTERN: each link carried the same number (>= 1) of frames.
on_both() {
	local c0 c1
	c0=$(count "$1" eth0 "$2")
	c1=$(count "$1" eth1 "$2")
	echo "eth0: $c0, eth1: $c1 frames matching '$2'"
	[ "$c0" -ge 1 ] && [ "$c0" = "$c1" ] && return 0
	show "$1"
	return 1
}
# on_one NAME PATTERN N: N frames on one link, none on the other.
on_one() {
	local c0 c1
	c0=$(count "$1" eth0 "$2")
	c1=$(count "$1" eth1 "$2")
	echo "eth0: $c0, eth1: $c1 frames matching '$2' (want $3 on one link only)"
	{ [ "$c0" = "$3" ] && [ "$c1" = 0 ]; } || { [ "$c1" = "$3" ] && [ "$c0" = 0 ]; } && return 0
	show "$1"
	bctl a show bond0
	return 1
}
ARP_REQ="Request who-has $B_IP tell $A_IP,"
NS_REQ="ICMP6, neighbor solicitation, who has $B_IP6"
ECHO="ICMP echo request"

# --- ARP and NS on both links, echo requests on one.
need "capture on b's slaves" capture on
nsx a ip neigh flush dev bond0
nsx a ping -c 1 -W 1 $B_IP >/dev/null
nsx a ip -6 neigh flush dev bond0
nsx a ping -6 -c 1 -W 1 $B_IP6 >/dev/null
nsx a ping -c 20 -i 0.02 -W 1 $B_IP >/dev/null
capture_end
check "broadcast_neighbor 1: a's ARP request arrives on eth0 and eth1" on_both on "$ARP_REQ"
check "broadcast_neighbor 1: a's neighbour solicitation arrives on eth0 and eth1" on_both on "$NS_REQ"
check "broadcast_neighbor 1: 21 echo requests hash to one link" on_one on "$ECHO" 21

# --- off at run time: ARP hashes like the rest.
check "set broadcast_neighbor 0 in a" bctl a set bond0 broadcast_neighbor 0
check "a: get broadcast_neighbor is 0" is_eq broadcast_neighbor 0 "$(bctl a get bond0 broadcast_neighbor)"
check "ping a->b after the change" nsx a ping -c 2 -i 0.2 -W 1 $B_IP
need "capture on b's slaves" capture off
nsx a ip neigh flush dev bond0
nsx a ping -c 1 -W 1 $B_IP >/dev/null
nsx a ip -6 neigh flush dev bond0
nsx a ping -6 -c 1 -W 1 $B_IP6 >/dev/null
capture_end
check "broadcast_neighbor 0: a's ARP request arrives on one link only" on_one off "$ARP_REQ" 1
check "broadcast_neighbor 0: a's neighbour solicitation arrives on one link only" \
	on_one off "$NS_REQ" 1

# --- one port down: the copies go to the port that still distributes.
check "set broadcast_neighbor 1 in a" bctl a set bond0 broadcast_neighbor 1
ip -n "$(nsname a)" link set eth1 down
check "a: one port left" wait_for 5 field_is a bond0 "" "	Number of ports" 1
need "capture on b's slaves" capture down
nsx a ip neigh flush dev bond0
nsx a ping -c 1 -W 1 $B_IP >/dev/null
capture_end
down_ok() {
	local c0 c1
	c0=$(count down eth0 "$ARP_REQ")
	c1=$(count down eth1 "$ARP_REQ")
	echo "eth0: $c0, eth1: $c1"
	[ "$c0" -ge 1 ] && [ "$c1" = 0 ] && return 0
	show down
	return 1
}
check "eth1 down: the ARP request arrives on eth0 only" down_ok
check "ping a->b with one port" nsx a ping -c 3 -i 0.2 -W 1 $B_IP

for n in a b; do
	check "bondd in $n exits cleanly on SIGTERM" stop_bondd "$n"
done
topo_finish
