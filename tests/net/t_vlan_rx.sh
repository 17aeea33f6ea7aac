#!/bin/bash
# t_vlan_rx: tagged frames reach the bond with their tags, and the untagged
# network never answers them.
#
# The kernel takes the outer VLAN tag out of every received frame before the
# packet taps; bondd reads it back (PACKET_AUXDATA) and puts it into the frame
# before the engine sees it. Without that, an ARP from VLAN 100 for the bond's
# (untagged) address was answered and a neighbour entry made: any host of any
# VLAN of the trunk reached the untagged network.
#
# srv: bond0 (active-backup, miimon 100) over eth0, eth1; 192.0.2.1/24
# sw:  br0 over s0, s1, sc (a plain bridge forwards tagged frames as they are)
# cli: eth0 192.0.2.10/24; sends crafted tagged frames (no 8021q here)
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"
send=$(dirname "$0")/tools/send_tagged.py

need "topology" topo_2d1c
need "bondd starts" start_bondd srv
need "create bond0 active-backup" bctl srv create bond0 mode active-backup miimon 100
need "enslave eth0 eth1" bctl srv enslave bond0 eth0 eth1
need "bond0 address" bond_addr srv bond0 192.0.2.1/24
need "untagged ping crosses the bond" wait_for 10 nsx cli ping -c 1 -W 1 192.0.2.1
bondmac=$(link_mac srv bond0)

# Captures on both sides while cli sends tagged frames.
ip netns exec "$(nsname srv)" tcpdump -i bond0 -n -e -U -w "$TOPO_DIR/bond0.pcap" 2>"$TOPO_DIR/bond0.err" &
dump_srv=$!
ip netns exec "$(nsname cli)" tcpdump -i eth0 -n -e -U -Q in -w "$TOPO_DIR/cli.pcap" 2>"$TOPO_DIR/cli.err" &
dump_cli=$!
need "tcpdump listens on bond0" wait_for 5 grep -q "listening on" "$TOPO_DIR/bond0.err"
need "tcpdump listens in cli" wait_for 5 grep -q "listening on" "$TOPO_DIR/cli.err"
ip -n "$(nsname srv)" neigh flush dev bond0
ip -n "$(nsname cli)" neigh flush dev eth0
nsx cli python3 "$send" eth0 arp100 ff:ff:ff:ff:ff:ff 192.0.2.10 192.0.2.1 3
nsx cli python3 "$send" eth0 icmp100 "$bondmac" 192.0.2.10 192.0.2.1 3
nsx cli python3 "$send" eth0 qinq ff:ff:ff:ff:ff:ff 192.0.2.10 192.0.2.1 3
sleep 1
kill -TERM "$dump_srv" "$dump_cli"
wait "$dump_srv" "$dump_cli"

srv_lines() { tcpdump -r "$TOPO_DIR/bond0.pcap" -n -e 2>/dev/null; }
cli_lines() { tcpdump -r "$TOPO_DIR/cli.pcap" -n -e 2>/dev/null; }
count_is() { # NAME WANT PATTERN SOURCE
	local got
	got=$($4 | grep -cE "$3")
	echo "$1: $got (want $2)"
	$4
	[ "$got" = "$2" ]
}
check "ARP from VLAN 100 reaches bond0 tagged (3 of 3)" \
	count_is "tagged ARP" 3 ', ethertype 802\.1Q \(0x8100\), length [0-9]+: vlan 100, p 0, ethertype ARP.*who-has 192\.0\.2\.1 tell' srv_lines
check "ICMP echo from VLAN 100 reaches bond0 tagged (3 of 3)" \
	count_is "tagged ICMP" 3 'vlan 100, p 0, ethertype IPv4.*192\.0\.2\.10 > 192\.0\.2\.1: ICMP echo request' srv_lines
check "QinQ frame reaches bond0 with both tags (3 of 3)" \
	count_is "QinQ" 3 '0x88a8.*vlan 200, p 0, ethertype 802\.1Q.*vlan 100, p 0, ethertype ARP' srv_lines
check "no frame reaches bond0 untagged" \
	count_is "untagged ARP/ICMP from cli" 0 '[0-9a-f:]{17}, ethertype (ARP|IPv4) \(0x0(806|800)\), length [0-9]+: .*(who-has 192\.0\.2\.1 tell|192\.0\.2\.10 > 192\.0\.2\.1)' srv_lines
check "the untagged address answers no tagged ARP" \
	count_is "ARP replies" 0 'Reply 192\.0\.2\.1 is-at' cli_lines
check "the untagged address answers no tagged ICMP" \
	count_is "echo replies" 0 'ICMP echo reply' cli_lines
no_neigh() {
	local n
	n=$(ip -n "$(nsname srv)" neigh show dev bond0 192.0.2.10)
	echo "srv neighbour 192.0.2.10: ${n:-none}"
	! echo "$n" | grep -q lladdr
}
check "no neighbour entry made from a tagged frame" no_neigh
check "untagged ping still crosses" nsx cli ping -c 1 -W 1 192.0.2.1
topo_finish
