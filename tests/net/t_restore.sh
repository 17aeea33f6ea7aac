#!/bin/bash
# t_restore: what bondd changes on a slave, it gives back. The future slaves'
# link settings (MAC, MTU, flags, promiscuity, allmulti, qdisc, ...), addresses,
# IPv6 switch and tc qdiscs are recorded; bondd starts, enslaves them, traffic
# passes, bondd gets SIGTERM: everything is as before, bond0 is gone, and the
# slaves reach the host stack again. Then the same through "bondctl delete".
# eth1 is made distinctive first (MTU 1400, IPv6 disabled) so that a daemon
# resetting to defaults rather than restoring is caught; eth0 gets a root
# pfifo qdisc.
# Topology as t_ab_failover (srv/sw/cli).
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

need "topology" topo_2d1c
S=$(nsname srv)
need "eth1 mtu 1400" ip -n "$S" link set eth1 mtu 1400
need "eth1 disable_ipv6 1" nsx srv sysctl -qw net.ipv6.conf.eth1.disable_ipv6=1
need "eth0 root qdisc pfifo" nsx srv tc qdisc add dev eth0 root handle 1: pfifo limit 77
# host_reaches below puts an address on one slave while the other is on the
# same bridge: only the interface holding the address may answer ARP.
need "arp_ignore 1" nsx srv sysctl -qw net.ipv4.conf.all.arp_ignore=1

# snapshot: the state of eth0 and eth1 that must survive bondd.
snapshot() {
	local i
	for i in eth0 eth1; do
		echo "== $i"
		ip -n "$S" -d link show dev "$i"
		ip -n "$S" addr show dev "$i" | grep -E '^ +inet6? '
		echo "disable_ipv6 $(nsx srv sysctl -n "net.ipv6.conf.$i.disable_ipv6")"
		nsx srv tc qdisc show dev "$i"
		nsx srv tc filter show dev "$i" ingress
		nsx srv tc filter show dev "$i" egress
	done
	if command -v nft >/dev/null; then
		echo "== nft"
		nsx srv nft list ruleset
	fi
}
snapshot >"$TOPO_DIR/before"
# same_as_before: the current snapshot equals the recorded one (diff shown).
same_as_before() {
	snapshot >"$TOPO_DIR/after"
	diff -u "$TOPO_DIR/before" "$TOPO_DIR/after"
}
qdisc0=$(nsx srv tc qdisc show dev eth0)

# bond_up: bond0 over eth0, eth1 with traffic through it.
bond_up() {
	local tag=$1
	need "$tag: create bond0" bctl srv create bond0 mode active-backup miimon 100
	need "$tag: enslave eth0 eth1" bctl srv enslave bond0 eth0 eth1
	need "$tag: bond0 address" bond_addr srv bond0 192.0.2.1/24
	check "$tag: ping through the bond" wait_for 10 nsx srv ping -c 1 -W 1 192.0.2.10
	iperf_client srv 192.0.2.10 2 "$TOPO_DIR/$tag.json"
	check "$tag: iperf3 through the bond" iperf_done $? "$TOPO_DIR/$tag.json"
	check "$tag: eth1 got the bond's MTU" is_eq "eth1 mtu" 1500 \
		"$(nsx srv cat /sys/class/net/eth1/mtu)"
}

# host_reaches IF ADDR: with ADDR on IF alone, srv pings cli through IF (a
# slave still hidden from the host stack would drop the replies).
host_reaches() {
	local ok=0
	ip -n "$S" addr add "$2/24" dev "$1" || return 1
	nsx srv ping -c 2 -i 0.2 -W 1 -I "$1" 192.0.2.10 || ok=1
	ip -n "$S" addr del "$2/24" dev "$1"
	return "$ok"
}
no_bond0() {
	if ip -n "$S" link show bond0 2>/dev/null; then
		return 1
	fi
}

need iperf3 iperf_server cli

# --- 1. SIGTERM
need "bondd starts" start_bondd srv
bond_up sigterm
check "sigterm: bondd exits cleanly" stop_bondd srv
check "sigterm: bond0 is gone" no_bond0
check "sigterm: eth0, eth1 link, addresses, disable_ipv6, tc as before" \
	wait_for 5 same_as_before
check "sigterm: tc qdisc show dev eth0 as before" \
	is_eq qdisc "$qdisc0" "$(nsx srv tc qdisc show dev eth0)"
check "sigterm: eth0 reaches the host stack again" host_reaches eth0 192.0.2.2
check "sigterm: eth1 reaches the host stack again" host_reaches eth1 192.0.2.3

# --- 2. bondctl delete, daemon running
need "bondd starts again" start_bondd srv
bond_up delete
check "delete: bondctl delete bond0" bctl srv delete bond0
check "delete: bond0 is gone" wait_for 2 no_bond0
check "delete: eth0, eth1 as before" wait_for 5 same_as_before
check "delete: eth0 reaches the host stack again" host_reaches eth0 192.0.2.2
check "delete: bondd exits cleanly" stop_bondd srv
topo_finish
