#!/bin/bash
# t_conf_two_bonds: one bondd, one native config, two bonds in different
# modes as the seeds describe (bond0 mode 1 miimon 100, bond1 mode 0 miimon
# 200), plus a plain interface with two addresses ([interface X], the second
# labelled X:0). Each bond and the plain interface pass traffic.
#
# srv:  bond0 active-backup over eth0, eth1 -> sw br0 (cli 192.0.2.10)
#         192.0.2.1/24
#       bond1 balance-rr over eth2, eth3 -> back to back to peer
#         198.51.100.1/24
#       eth4 (no bond): 203.0.113.1/24 and 203.0.113.2/24 label eth4:0
# sw:   br0 over s0, s1, sc
# cli:  eth0 192.0.2.10/24
# peer: its own bondd, bond1 balance-rr over eth2, eth3, 198.51.100.2/24
# p2:   eth0 203.0.113.10/24 (peer of srv's eth4)
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

cat >"$TOPO_DIR/srv.conf" <<'CFG'
# bond0 as "options bond0 miimon=100 mode=1",
# bond1 as "install bond1 /sbin/modprobe bonding -o bond1 miimon=200 mode=0"
[bond0]
mode = 1
miimon = 100
slaves = eth0 eth1
address = 192.0.2.1/24

[bond1]
mode = balance-rr
miimon = 200
slaves = eth2 eth3
address = 198.51.100.1/24

[interface eth4]
address = 203.0.113.1/24
address = 203.0.113.2/24 label eth4:0
CFG
cat >"$TOPO_DIR/peer.conf" <<'CFG'
[bond1]
mode = balance-rr
miimon = 200
slaves = eth2 eth3
address = 198.51.100.2/24
CFG

need "topology: srv, sw, cli" topo_2d1c
need "topology: peer" ns_add peer
need "veth srv eth2 - peer eth2" veth_pair srv eth2 peer eth2
need "veth srv eth3 - peer eth3" veth_pair srv eth3 peer eth3
need "topology: p2" ns_add p2
need "veth srv eth4 - p2 eth0" veth_pair srv eth4 p2 eth0
need "p2 address" ip -n "$(nsname p2)" addr add 203.0.113.10/24 dev eth0

need "bondd -c (two bonds, one interface) starts in srv" start_bondd srv -c "$TOPO_DIR/srv.conf"
need "bondd -c (bond1 balance-rr) starts in peer" start_bondd peer -c "$TOPO_DIR/peer.conf"

check "bondctl list shows bond0 and bond1" \
	is_eq list "bond0 bond1" "$(bctl srv list | sort | tr '\n' ' ' | sed 's/ $//')"
check "show bond0: active-backup" field_is srv bond0 "" "Bonding Mode" "fault-tolerance (active-backup)"
check "show bond0: miimon 100" field_is srv bond0 "" "MII Polling Interval (ms)" 100
check "show bond1: balance-rr" field_is srv bond1 "" "Bonding Mode" "load balancing (round-robin)"
check "show bond1: miimon 200" field_is srv bond1 "" "MII Polling Interval (ms)" 200
slaves_are() {
	local got
	got=$(bctl srv show "$1" | sed -n 's/^Slave Interface: //p' | tr '\n' ' ')
	is_eq "$1 slaves" "$2" "$got"
}
check "bond0 slaves: eth0 eth1" slaves_are bond0 "eth0 eth1 "
check "bond1 slaves: eth2 eth3" slaves_are bond1 "eth2 eth3 "
no_active_line() { ! bctl srv show bond1 | grep 'Currently Active Slave'; }
check "show bond1 (balance-rr) has no Currently Active Slave line" no_active_line
addr_has() {
	local dev=$1 want=$2 out
	out=$(ip -n "$(nsname srv)" -4 addr show dev "$dev")
	printf '%s\n' "$out" | grep -Eq "$want" || {
		echo "no line matching /$want/ in:"
		printf '%s\n' "$out"
		return 1
	}
}
check "bond0 has 192.0.2.1/24" addr_has bond0 'inet 192\.0\.2\.1/24 .*bond0$'
check "bond1 has 198.51.100.1/24" addr_has bond1 'inet 198\.51\.100\.1/24 .*bond1$'
check "eth4 has 203.0.113.1/24 (label eth4)" addr_has eth4 'inet 203\.0\.113\.1/24 .*eth4$'
check "eth4 has 203.0.113.2/24 label eth4:0" addr_has eth4 'inet 203\.0\.113\.2/24 .*eth4:0$'
check "the bonds' MACs differ (each from its own first slave)" \
	bash -c "[ '$(link_mac srv bond0)' = '$(link_mac srv eth0)' ] && [ '$(link_mac srv bond1)' = '$(link_mac srv eth2)' ]"

# --- bond0 (active-backup) carries traffic to cli.
check "cli pings bond0 192.0.2.1" wait_for 10 nsx cli ping -c 1 -W 1 192.0.2.1
check "srv pings cli from bond0" nsx srv ping -c 3 -i 0.2 -W 1 192.0.2.10
# --- bond1 (balance-rr) carries traffic to peer, over both slaves.
check "srv pings peer over bond1" wait_for 10 nsx srv ping -c 1 -W 1 198.51.100.2
t2=$(tx_packets srv eth2)
t3=$(tx_packets srv eth3)
check "50 pings srv -> peer over bond1, no loss" \
	nsx srv ping -q -c 50 -i 0.01 -W 1 198.51.100.2
d2=$(($(tx_packets srv eth2) - t2))
d3=$(($(tx_packets srv eth3) - t3))
check "balance-rr: both eth2 ($d2) and eth3 ($d3) sent at least 20 frames" \
	test "$d2" -ge 20 -a "$d3" -ge 20
check "peer pings srv over bond1" nsx peer ping -c 3 -i 0.2 -W 1 198.51.100.1
# --- the plain interface with two addresses.
check "p2 pings 203.0.113.1" wait_for 5 nsx p2 ping -c 1 -W 1 203.0.113.1
check "p2 pings 203.0.113.2 (eth4:0)" nsx p2 ping -c 2 -i 0.2 -W 1 203.0.113.2
check "bondd in peer exits cleanly on SIGTERM" stop_bondd peer
check "bondd in srv exits cleanly on SIGTERM" stop_bondd srv
topo_finish
