#!/bin/bash
# t_vlan: VLAN sub-interfaces of bondd's bonds (bond0.100), every mode, on the
# data path under test (BONDD_DATAPATH).
#
# a and b each run bondd with bond0 over eth0, eth1 (two veth pairs a<->b,
# back to back: the peer is bondd too, since this kernel has no 8021q to
# make VLAN devices of its own). On each side: bond0 198.51.100.{1,2}/24
# untagged, bond0.100 (VLAN 100) 192.0.2.{1,2}/24 and v200 (VLAN 200, named)
# 203.0.113.{1,2}/24.
#
# For every mode 0..6 (802.3ad with bondd at both ends): ping over the
# three networks, and three TCP transfers (iperf3, 1 s) at once, one per
# network. Then, in one mode each:
#   active-backup: tcpdump on b's eth0 sees a's frames of bond0.100 tagged
#     (802.1Q, vlan 100) and those of bond0 untagged; a frame tagged with a
#     VID that has no sub-interface (300) reaches a's bond0 as it is; after
#     a failover, the gratuitous ARPs on the new active slave are tagged
#     with each VLAN's VID and carry its address, and the VLANs still pass;
#   balance-xor: which slave carries a UDP flow from bond0.100, for layer2,
#     layer2+3, layer3+4 and vlan+srcmac, is what `bondctl hash bond0.100`
#     answers (the VLAN's frames hash with the tag out of band);
#   bad requests (VID 0 and 4095, twice, missing bond, name clash, a name
#     in use, not a number) are refused with exit status 1, nothing changed;
#   bondctl ip: ip link add link bond0 name bond0.300 type vlan id 300,
#     ip -d link show (vlan protocol 802.1Q id 300 <REORDER_HDR>), 802.1ad
#     refused (status 2, nothing made), ip link del;
#   show -j has the "vlans" array; show prints them after the /proc text;
#   bondd stop removes the VLAN devices and gives the slaves back.
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

declare -A U=([a]=198.51.100.1 [b]=198.51.100.2)
declare -A V1=([a]=192.0.2.1 [b]=192.0.2.2)
declare -A V2=([a]=203.0.113.1 [b]=203.0.113.2)
MODES=${T_VLAN_MODES:-"balance-rr active-backup balance-xor broadcast 802.3ad balance-tlb balance-alb"}

need "namespaces" ns_add a
need "namespaces" ns_add b
need "veth eth0" veth_pair a eth0 b eth0
need "veth eth1" veth_pair a eth1 b eth1
# balance-alb's receive load balancing sends each client's ARP on the slave
# it assigns it; back to back, a broadcast on the peer's inactive slave is
# dropped (as by the kernel): alb runs over a switch, eth2 and eth3 of
# each side in one bridge.
need "namespace sw" ns_add sw
for n in a b; do
	need "veth $n eth2" veth_pair "$n" eth2 sw "${n}2"
	need "veth $n eth3" veth_pair "$n" eth3 sw "${n}3"
done
need "bridge in sw" bridge_switch sw br0 a2 a3 b2 b3
for n in a b; do
	need "bondd starts in $n" start_bondd "$n"
done
for p in 5201 5202 5203; do
	need "iperf3 server on port $p in b" nsx b iperf3 -s -D -p "$p" -I "$TOPO_DIR/iperf.$p.pid" \
		--logfile "$TOPO_DIR/iperf.$p.log"
	need "iperf3 listens on $p" wait_for 5 topo_listening b "$p"
done

# bond_up NS MODE: bond0 in MODE over eth0 eth1, its address, both VLANs
# with theirs, all up.
bond_up() {
	local n=$1 mode=$2 extra=() slaves=(eth0 eth1)
	[ "$mode" = 802.3ad ] && extra=(lacp_rate fast)
	[ "$mode" = balance-alb ] && slaves=(eth2 eth3)
	bctl "$n" create bond0 mode "$mode" miimon 100 "${extra[@]}" &&
		bctl "$n" enslave bond0 "${slaves[@]}" &&
		bond_addr "$n" bond0 "${U[$n]}/24" &&
		bctl "$n" vlan add bond0 100 &&
		bctl "$n" vlan add bond0 200 name v200 &&
		bond_addr "$n" bond0.100 "${V1[$n]}/24" &&
		bond_addr "$n" v200 "${V2[$n]}/24"
}

# no_dev NS DEV: the device does not exist.
no_dev() {
	if nsx "$1" ip link show "$2" 2>/dev/null; then
		echo "$2 still exists in $1"
		return 1
	fi
}

# three_tcp: three 1 s transfers a->b at once, untagged, VLAN 100, VLAN 200.
three_tcp() {
	local rc=0 p0 p1 p2
	iperf_client a "${U[b]}" 1 "$TOPO_DIR/t0.json" -p 5201 &
	p0=$!
	iperf_client a "${V1[b]}" 1 "$TOPO_DIR/t1.json" -p 5202 &
	p1=$!
	iperf_client a "${V2[b]}" 1 "$TOPO_DIR/t2.json" -p 5203 &
	p2=$!
	wait "$p0" || rc=1
	wait "$p1" || rc=1
	wait "$p2" || rc=1
	for f in t0 t1 t2; do
		echo "$f: $(iperf_ok "$TOPO_DIR/$f.json")" || rc=1
	done
	return "$rc"
}

# capture NS IF NAME: tcpdump -e on IF into NAME.pcap, in the background
# ($cap_pid), once it listens.
capture() {
	ip netns exec "$(nsname "$1")" tcpdump -i "$2" --immediate-mode -n -e -U -w "$TOPO_DIR/$3.pcap" \
		2>"$TOPO_DIR/$3.err" &
	cap_pid=$!
	wait_for 5 grep -q "listening on" "$TOPO_DIR/$3.err"
}
stop_capture() {
	sleep 0.3
	kill -TERM "$cap_pid"
	wait "$cap_pid" 2>/dev/null
}
# seen NAME COUNT PATTERN: at least COUNT lines of NAME.pcap match.
seen() {
	local got
	got=$(tcpdump -r "$TOPO_DIR/$1.pcap" -n -e 2>/dev/null | grep -cE "$3")
	echo "$got lines match (want >= $2): $3"
	[ "$got" -ge "$2" ] || { tcpdump -r "$TOPO_DIR/$1.pcap" -n -e 2>/dev/null | head -n 30; return 1; }
}
# not_seen NAME PATTERN
not_seen() {
	local got
	got=$(tcpdump -r "$TOPO_DIR/$1.pcap" -n -e 2>/dev/null | grep -cE "$2")
	echo "$got lines match (want 0): $2"
	[ "$got" = 0 ]
}

active_backup_checks() {
	# a's active slave is eth0 (enslaved first): its frames reach b's eth0.
	need "capture on b's eth0" capture b eth0 ab
	nsx a ping -c 3 -i 0.2 -W 1 "${V1[b]}" >/dev/null
	nsx a ping -c 3 -i 0.2 -W 1 "${U[b]}" >/dev/null
	stop_capture
	check "wire: bond0.100's echo requests are tagged 802.1Q vlan 100" seen ab 3 \
		"ethertype 802\.1Q \(0x8100\), length [0-9]+: vlan 100, p 0, ethertype IPv4.*${V1[a]} > ${V1[b]}: ICMP echo request"
	check "wire: bond0's echo requests are untagged" seen ab 3 \
		"ethertype IPv4 \(0x0800\), length [0-9]+: ${U[a]} > ${U[b]}: ICMP echo request"
	check "wire: no frame of bond0.100 leaves untagged" not_seen ab \
		"ethertype IPv4 \(0x0800\), length [0-9]+: ${V1[a]} >"

	# A frame b's bond0 sends tagged with VID 300 (no sub-interface on
	# either side): it reaches a's bond0 with its tag.
	need "capture on a's bond0" capture a bond0 vid300
	nsx b python3 - bond0 <<'EOF'
import socket, struct, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
src = bytes.fromhex(open("/sys/class/net/%s/address" % sys.argv[1]).read().strip().replace(":", ""))
arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, src, socket.inet_aton("192.0.2.66"),
                  b"\0" * 6, socket.inet_aton("192.0.2.1"))
for _ in range(3):
    s.send(b"\xff" * 6 + src + struct.pack("!HHH", 0x8100, 300, 0x0806) + arp)
EOF
	stop_capture
	check "a VID without a sub-interface (300) reaches bond0 tagged" seen vid300 3 \
		"vlan 300, p 0, ethertype ARP.*who-has 192\.0\.2\.1 tell 192\.0\.2\.66"

	# Failover: a's eth0 goes down; on eth1 the peer notifications are
	# tagged for each VLAN with its own address.
	need "capture on b's eth1" capture b eth1 fo
	ip -n "$(nsname a)" link set eth0 down
	check "a fails over to eth1" wait_for 3 active_is a bond0 eth1
	sleep 0.5
	stop_capture
	check "gratuitous ARP for bond0 untagged on eth1" seen fo 1 \
		"ethertype ARP \(0x0806\), length [0-9]+: Request who-has ${U[a]} tell ${U[a]}"
	check "gratuitous ARP for bond0.100 tagged vlan 100" seen fo 1 \
		"vlan 100, p 0, ethertype ARP.*Request who-has ${V1[a]} tell ${V1[a]}"
	check "gratuitous ARP for v200 tagged vlan 200" seen fo 1 \
		"vlan 200, p 0, ethertype ARP.*Request who-has ${V2[a]} tell ${V2[a]}"
	check "VLAN 100 passes after the failover" nsx a ping -c 2 -i 0.2 -W 1 "${V1[b]}"
	check "VLAN 200 passes after the failover" nsx a ping -c 2 -i 0.2 -W 1 "${V2[b]}"
	ip -n "$(nsname a)" link set eth0 up
	check "eth0 back up" wait_for 3 field_is a bond0 eth0 "MII Status" up
}

# udp_flow: 300 datagrams from a's bond0.100 (port 40000) to b's (40001).
udp_flow() {
	nsx a python3 - "${V1[a]}" "${V1[b]}" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 40000))
for _ in range(300):
    s.sendto(b"x" * 64, (sys.argv[2], 40001))
EOF
}

# flow_on_hashed_slave POLICY: the slave that carried the flow is the one
# bondctl hash names for a frame of bond0.100.
flow_on_hashed_slave() {
	local a0 a1 d0 d1 got want out
	a0=$(tx_packets a eth0)
	a1=$(tx_packets a eth1)
	udp_flow
	d0=$(($(tx_packets a eth0) - a0))
	d1=$(($(tx_packets a eth1) - a1))
	got=eth0
	[ "$d1" -gt "$d0" ] && got=eth1
	out=$(bctl a -j hash bond0.100 dmac "$bmac" src "${V1[a]}" dst "${V1[b]}" proto udp \
		sport 40000 dport 40001)
	want=$(printf '%s\n' "$out" | python3 -c 'import json, sys; print(json.load(sys.stdin)["slave"])')
	echo "policy $1: eth0 sent $d0, eth1 sent $d1 frames; bondctl hash: $out"
	[ $((d0 + d1)) -ge 300 ] && [ $((d0 < d1 ? d0 : d1)) -lt 30 ] && is_eq "slave" "$want" "$got"
}

xor_checks() {
	bmac=$(link_mac b bond0)
	for pol in layer2 layer2+3 layer3+4 vlan+srcmac; do
		need "xmit_hash_policy $pol" bctl a set bond0 xmit_hash_policy "$pol"
		check "balance-xor $pol: a flow of bond0.100 takes the slave bondctl hash names" \
			flow_on_hashed_slave "$pol"
	done
}

# refused WHAT ARGS...: bondctl vlan ARGS exits 1 and vlan show is as before.
refused() {
	local what=$1 before after rc
	shift
	before=$(bctl a vlan show)
	bctl a vlan "$@"
	rc=$?
	after=$(bctl a vlan show)
	echo "bondctl vlan $*: exit $rc"
	[ "$rc" = 1 ] && is_eq "vlan show after $what" "$before" "$after"
}

bad_requests() {
	check "VID 0 refused" refused "VID 0" add bond0 0
	check "VID 4095 refused" refused "VID 4095" add bond0 4095
	check "VID 100 twice refused" refused "VID 100 again" add bond0 100
	check "a missing bond refused" refused "bond9" add bond9 300
	check "a VLAN name in use refused" refused "name bond0.100" add bond0 300 name bond0.100
	check "a device name in use refused" refused "name eth0" add bond0 300 name eth0
	check "a VID that is not a number refused" refused "VID abc" add bond0 abc
	check "del of a VID not there refused" refused "del 300" del bond0 300
	check "no bond0.300 was made" no_dev a bond0.300
}

ip_syntax() {
	check "bondctl ip link add link bond0 name bond0.300 type vlan id 300" \
		bctl a ip link add link bond0 name bond0.300 type vlan id 300
	check "bond0.300 exists, VLAN 300 of bond0" wait_for 2 sh -c \
		"'$BONDCTL' -s '$(bondd_sock a)' vlan show bond0 | grep -E '^bond0\.300 +bond0 +300 '"
	ipd() {
		local out
		out=$(bctl a ip -d link show bond0.300) || return 1
		echo "$out"
		printf '%s\n' "$out" | grep -q "vlan protocol 802.1Q id 300 <REORDER_HDR>"
	}
	check "ip -d link show bond0.300: vlan protocol 802.1Q id 300 <REORDER_HDR>" ipd
	q() {
		bctl a ip link add link bond0 name bond0.301 type vlan id 301 protocol 802.1ad
		local rc=$?
		echo "exit $rc"
		[ "$rc" = 2 ]
	}
	check "protocol 802.1ad refused (exit 2)" q
	check "no bond0.301 was made" no_dev a bond0.301
	check "bondctl ip link del bond0.300" bctl a ip link del bond0.300
	check "bond0.300 is gone" no_dev a bond0.300
}

show_checks() {
	js() {
		bctl a -j show bond0 | python3 -c '
import json, sys
d = json.load(sys.stdin)
v = {x["name"]: x for x in d["vlans"]}
print(sorted(v))
assert sorted(v) == ["bond0.100", "v200"], v
assert v["bond0.100"]["vid"] == 100 and v["v200"]["vid"] == 200
assert "192.0.2.1/24" in v["bond0.100"]["addresses"], v["bond0.100"]
assert v["v200"]["state"] == "UP", v["v200"]
'
	}
	check "show -j: vlans bond0.100 (100) and v200 (200) with their addresses" js
	txt() {
		local t
		t=$(bctl a show bond0) || return 1
		printf '%s\n' "$t" | sed -n '/^VLAN Sub-Interfaces:/,$p'
		printf '%s\n' "$t" | grep -qE '^bond0\.100 +bond0 +100 +UP +1500 +192\.0\.2\.1/24' &&
			printf '%s\n' "$t" | grep -qE '^v200 +bond0 +200 +UP'
	}
	check "show: the VLANs after the /proc text" txt
	vmetrics() {
		local t
		t=$(bctl a metrics) || return 1
		printf '%s\n' "$t" | grep '^bondd_vlan_'
		printf '%s\n' "$t" | grep -q '^bondd_vlan_up{master="bond0",vlan="bond0.100",vid="100"} 1$' &&
			printf '%s\n' "$t" | grep -qE '^bondd_vlan_tx_frames_total\{master="bond0",vlan="v200",vid="200"\} [1-9]'
	}
	check "metrics: bondd_vlan_up 1 and frames sent per VLAN" vmetrics
	mac_same() {
		is_eq "bond0.100's MAC" "$(link_mac a bond0)" "$(link_mac a bond0.100)"
	}
	check "bond0.100 has bond0's MAC" mac_same
	# The kernel's vlan_device_event(): VLAN devices go down with their
	# real device and come up with it.
	vstate() {
		local n
		for n in bond0.100 v200; do
			nsx a ip -o link show "$n" | grep -q "[<,]UP[,>]" && echo "$n up" || echo "$n down"
		done
	}
	vlans_are() {
		local got
		got=$(vstate)
		echo "$got"
		[ "$got" = "$(printf 'bond0.100 %s\nv200 %s' "$1" "$1")" ]
	}
	check "ip link set bond0 down" nsx a ip link set bond0 down
	check "bond0's VLANs went down with it" wait_for 3 vlans_are down
	check "bondctl up bond0" bctl a up bond0
	check "bond0's VLANs came up with it" wait_for 3 vlans_are up
	check "ping VLAN 100 again" wait_for 10 nsx a ping -c 1 -W 1 "${V1[b]}"
}

for mode in $MODES; do
	for n in a b; do
		need "$mode: bond0 with VLANs 100 and 200 in $n" bond_up "$n" "$mode"
	done
	check "$mode: ping untagged" wait_for 15 nsx a ping -c 1 -W 1 "${U[b]}"
	check "$mode: ping VLAN 100" wait_for 5 nsx a ping -c 1 -W 1 "${V1[b]}"
	check "$mode: ping VLAN 200" wait_for 5 nsx a ping -c 1 -W 1 "${V2[b]}"
	check "$mode: TCP over untagged, VLAN 100 and VLAN 200 at once" three_tcp
	case $mode in
	active-backup) active_backup_checks; show_checks ;;
	balance-xor) xor_checks; bad_requests; ip_syntax ;;
	esac
	for n in a b; do
		check "$mode: delete bond0 in $n" bctl "$n" delete bond0
		check "$mode: bond0.100 went with bond0 in $n" no_dev "$n" bond0.100
	done
done

# bondd stop: the VLAN devices go, the slaves come back.
need "bond0 with VLANs again in a" bond_up a active-backup
check "bondd in a exits cleanly on SIGTERM" stop_bondd a
check "bond0.100 removed at stop" no_dev a bond0.100
check "v200 removed at stop" no_dev a v200
given_back() {
	local f
	f=$(nsx a tc filter show dev eth0 ingress)
	echo "eth0 ingress filters: ${f:-none}"
	[ -z "$f" ]
}
check "eth0 given back (no hiding filter)" given_back
check "bondd in b exits cleanly on SIGTERM" stop_bondd b
topo_finish
