#!/bin/bash
# t_bond_updown: a bond is created down, as `ip link add bond0 type bond`
# leaves it, and the order of enslave and up decides how soon 802.3ad
# aggregates, as in the kernel (issue 12 item 7).
#
# Namespaces a and b each run bondd; veth pairs eth0, eth1 join them; both
# ends are 802.3ad, lacp_rate fast.
#   1. create, enslave, then up: the bond opens with both ports and selects
#      its aggregator at the first tick (bond_open), aggregated in ~2-3 s
#      (the kernel: 2.5 s). Must be < 5 s.
#   2. a down bond passes no traffic and runs no LACP; `bondctl up` and
#      `ip link set up` bring it back; `ip link set down` means `bondctl down`.
#   3. create, up, then enslave: the first port starts the 8 s
#      aggregator-selection timer (bond_3ad_initialize), so aggregation
#      waits it out. Must be > 6 s: if the order did not matter, 1 or 3
#      fails.
#   4. bondd.conf: a bond is up by default, `up = no` keeps it down, a
#      reload that changes the word applies it, one that does not leaves
#      what the admin did since.
# What is relied on: 802.1AX timers as the kernel runs them (fast periodic
# 1 s, wait-while 2 s, aggregator selection 8 s).
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

A_IP=192.0.2.1
B_IP=192.0.2.2

need "namespaces" ns_add a
need "namespaces" ns_add b
for i in 0 1; do
	need "veth eth$i" veth_pair a "eth$i" b "eth$i"
done
need "bondd starts in a" start_bondd a
need "bondd starts in b" start_bondd b

# link_up NS DEV: "1" if IFF_UP is set on DEV, else "0".
link_up() {
	local f
	f=$(nsx "$1" cat "/sys/class/net/$2/flags") || return 1
	echo $(((f & 1) != 0))
}

# both_aggregated NS: both ports of NS's bond0 aggregated (lacp explain).
both_aggregated() {
	local n
	n=$(bctl "$1" --json lacp explain bond0 | jq '[.ports[] | select(.aggregated)] | length') ||
		return 1
	echo "$1: $n of 2 ports aggregated"
	[ "$n" = 2 ]
}
pair_aggregated() { both_aggregated a && both_aggregated b; }

# time_to_aggregate TIMEOUT T0: ms from T0 until both ends aggregate both
# ports, printed; 1 if it did not happen within TIMEOUT s.
AGG_MS=
time_to_aggregate() {
	wait_for "$1" pair_aggregated || return 1
	AGG_MS=$(($(now_ms) - $2))
	echo "aggregated after $AGG_MS ms"
}

make_bonds() {
	local n
	for n in a b; do
		bctl "$n" create bond0 mode 802.3ad miimon 100 lacp_rate fast || return 1
	done
}

# ---- 1. create, enslave, then up ------------------------------------------
need "create bond0 (802.3ad fast) in a and b" make_bonds
check "a new bond is down (IFF_UP clear)" is_eq "bond0 up" 0 "$(link_up a bond0)"
need "enslave eth0 eth1 into the down bonds" \
	eval 'bctl a enslave bond0 eth0 eth1 && bctl b enslave bond0 eth0 eth1'
check "lacp explain says the bond is down" \
	sh -c "'$BONDCTL' -s '$(bondd_sock a)' lacp explain bond0 | grep -q 'administratively down'"
check "still down after enslaving" is_eq "bond0 up" 0 "$(link_up a bond0)"
check "a down 802.3ad bond: MII Status down" field_is a bond0 "" "MII Status" down
sleep 1
t0=$(now_ms)
need "bondctl up bond0 in a and b" eval 'bctl a up bond0 && bctl b up bond0'
check "bondctl up sets IFF_UP" is_eq "bond0 up" 1 "$(link_up a bond0)"
if check "enslaved then up: both ends aggregate" time_to_aggregate 15 "$t0"; then
	first_ms=$AGG_MS
	check "enslaved then up: aggregated in < 5 s (the kernel: 2.5 s; took $first_ms ms)" \
		test "$first_ms" -lt 5000
fi

# ---- 2. a down bond passes nothing; up brings it back ---------------------
need "addresses" eval "ip -n $(nsname a) addr add $A_IP/24 dev bond0 &&
	ip -n $(nsname b) addr add $B_IP/24 dev bond0"
check "ping a -> b through the bonds" wait_for 10 nsx a ping -c 1 -W 1 $B_IP
need "bondctl down bond0 in a" bctl a down bond0
check "bondctl down clears IFF_UP" is_eq "bond0 up" 0 "$(link_up a bond0)"
check "slaves stay enslaved" is_eq slaves "eth0 eth1" "$(bctl a get bond0 slaves)"
# b must not hear a either: send from b towards a's (down) bond.
check "a down bond passes no traffic (b -> a: 3 pings lost)" \
	eval "! nsx b ping -c 3 -i 0.2 -W 1 $A_IP"
# b's ports expire (3 s without LACPDUs at the fast rate) and leave
expired() { ! both_aggregated b; }
check "b's ports stop aggregating once a's LACP is silent" wait_for 8 expired
need "bondctl up bond0 in a" bctl a up bond0
check "bondctl up: ping comes back" wait_for 10 nsx a ping -c 1 -W 1 $B_IP
check "bondctl up: both ends aggregate again" wait_for 10 pair_aggregated

# ip link set is the same switch.
need "ip link set bond0 down in a" ip -n "$(nsname a)" link set bond0 down
check "ip link set down: bondd sees the bond down" \
	wait_for 3 sh -c "'$BONDCTL' -s '$(bondd_sock a)' lacp explain bond0 | grep -q 'administratively down'"
check "ip link set down: no traffic" eval "! nsx a ping -c 2 -i 0.2 -W 1 $B_IP"
need "ip link set bond0 up in a" ip -n "$(nsname a)" link set bond0 up
check "ip link set up: ping comes back" wait_for 10 nsx a ping -c 1 -W 1 $B_IP

# ---- 3. create, up, then enslave: the selection timer ---------------------
need "delete both bonds" eval 'bctl a delete bond0 && bctl b delete bond0'
need "create again" make_bonds
need "up before enslaving" eval 'bctl a up bond0 && bctl b up bond0'
t0=$(now_ms)
need "enslave eth0 eth1 into the open bonds" \
	eval 'bctl a enslave bond0 eth0 eth1 && bctl b enslave bond0 eth0 eth1'
if check "up then enslaved: both ends aggregate" time_to_aggregate 20 "$t0"; then
	check "up then enslaved: waits out the 8 s selection timer (> 6 s; took $AGG_MS ms)" \
		test "$AGG_MS" -gt 6000
fi

# ---- 4. the configuration decides -----------------------------------------
need "delete bond0 in b" bctl b delete bond0
need "stop bondd in b" stop_bondd b
conf=$TOPO_DIR/b.conf
cat >"$conf" <<EOF
[bond0]
mode = 802.3ad
miimon = 100
lacp_rate = fast
slaves = eth0 eth1
address = $B_IP/24

[bond1]
mode = active-backup
miimon = 100
up = no
address = 198.51.100.1/24

[route]
to = 203.0.113.0/24 via 198.51.100.254
EOF
need "a's new bond0 gets its address back" ip -n "$(nsname a)" addr add $A_IP/24 dev bond0
need "bondd -c FILE starts in b" start_bondd b -c "$conf"
check "config: bond0 is up (the default)" is_eq "bond0 up" 1 "$(link_up b bond0)"
check "config: bond1 is down (up = no)" is_eq "bond1 up" 0 "$(link_up b bond1)"
route_via_bond1() { ip -n "$(nsname b)" route show 203.0.113.0/24 | grep -q "dev bond1"; }
route_left_out() {
	! route_via_bond1 && grep -q "route not added: bond1 is kept down" "$(bondd_log b)"
}
check "config: the route through the down bond1 is left out, not an error" route_left_out
check "config: ping through bond0" wait_for 15 nsx b ping -c 1 -W 1 $A_IP
sed -i 's/^up = no$/up = yes/' "$conf"
check "reload (bond1: up = yes)" bctl b reload
check "reload: bond1 is up" is_eq "bond1 up" 1 "$(link_up b bond1)"
check "reload: the route through bond1 is added now" route_via_bond1
need "bondctl down bond1" bctl b down bond1
check "reload of an unchanged file leaves bond1 down" bctl b reload
check "bond1 still down" is_eq "bond1 up" 0 "$(link_up b bond1)"
sed -i 's/^up = yes$/up = no/' "$conf"
need "bondctl up bond1" bctl b up bond1
check "reload (bond1: up = no)" bctl b reload
check "reload: bond1 is down" is_eq "bond1 up" 0 "$(link_up b bond1)"

check "bondd in a exits cleanly" stop_bondd a
check "bondd in b exits cleanly" stop_bondd b
topo_finish
