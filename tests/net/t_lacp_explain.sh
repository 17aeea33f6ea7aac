#!/bin/bash
# t_lacp_explain: `bondctl lacp explain`, `lacp log` and the read-only
# 802.3ad attributes between two bondd ends. Namespaces a and b each run
# bondd; three veth pairs eth0..eth2 join them.
#   a: bond0 (802.3ad, lacp_rate fast) over eth0 eth1 eth2.
#   b: bond0 over eth0 and bond1 over eth1, both with ad_actor_system
#      02:00:00:00:0b:01, bond1 with ad_user_port_key 5: a's eth1 hears the
#      same partner system with another key; b's eth2 is a plain interface
#      that speaks no LACP.
# What is relied on: 802.1AX selection (a port joins an aggregator only
# with the same partner system and key), the port key layout
# (ad_user_port_key << 6 | speed << 1 | duplex) and the sysfs formats of
# bond_sysfs.c / bond_sysfs_slave.c.
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

SYS=02:00:00:00:0b:01

need "namespaces" ns_add a
need "namespaces" ns_add b
for i in 0 1 2; do
	need "veth eth$i" veth_pair a "eth$i" b "eth$i"
done
need "bondd starts in a" start_bondd a
need "bondd starts in b" start_bondd b
need "a: create bond0" bctl a create bond0 mode 802.3ad miimon 100 lacp_rate fast
need "a: enslave eth0 eth1 eth2" bctl a enslave bond0 eth0 eth1 eth2
need "b: create bond0" bctl b create bond0 mode 802.3ad miimon 100 lacp_rate fast \
	ad_actor_system $SYS
need "b: create bond1 (ad_user_port_key 5)" bctl b create bond1 mode 802.3ad miimon 100 \
	lacp_rate fast ad_actor_system $SYS ad_user_port_key 5
need "b: enslave eth0 to bond0" bctl b enslave bond0 eth0
need "b: enslave eth1 to bond1" bctl b enslave bond1 eth1
need "a: up bond0" bctl a up bond0
need "b: up bond0 bond1" eval 'bctl b up bond0 && bctl b up bond1'

# explain_json NS BOND: the JSON explain.
explain_json() { bctl "$1" --json lacp explain "$2"; }
# port_q NS BOND IF JQ: a jq filter over IF's object of the explain.
port_q() {
	explain_json "$1" "$2" | jq -er --arg p "$3" ".ports[] | select(.name == \$p) | $4"
}
aggregated() { is_eq "$2 aggregated" true "$(port_q a bond0 "$2" .aggregated)"; }

check "eth0 aggregates" wait_for 20 aggregated a eth0
check "eth1 is not aggregated" is_eq "eth1 aggregated" false "$(port_q a bond0 eth1 .aggregated)"
check "eth2 is not aggregated" is_eq "eth2 aggregated" false "$(port_q a bond0 eth2 .aggregated)"

# eth1: the same partner system with another key.
pk() {
	port_q a bond0 eth1 '.reasons[] | select(.reason == "partner_differs") |
		"\(.partner_key) \(.aggregator_partner_key) \(.partner_system) \(.aggregator_partner_system)"'
}
keys_differ() {
	local got ours theirs s1 s2
	got=$(pk) || return 1
	read -r ours theirs s1 s2 <<<"$got"
	echo "partner key here $ours, on the aggregator $theirs, systems $s1 $s2"
	[ $((ours >> 6)) = 5 ] && [ $((theirs >> 6)) = 0 ] && [ "$s1" = $SYS ] && [ "$s2" = $SYS ]
}
check "explain eth1: partner key differs (both keys, same system)" wait_for 5 keys_differ
check "explain eth1 text: partner key differs" \
	sh -c "'$BONDCTL' -s '$(bondd_sock a)' lacp explain bond0 | grep -q 'partner key differs'"
check "explain eth1: not selected, the active aggregator has the rule" \
	port_q a bond0 eth1 '.reasons[] | select(.reason == "not_selected") | .rule'

# eth2: b's end speaks no LACP.
no_pdu() {
	local r
	r=$(port_q a bond0 eth2 '.reasons[0] | "\(.reason) \(.ever_heard) \(.silent_ms)"') || return 1
	echo "$r"
	set -- $r
	[ "$1" = no_lacpdu ] && [ "$2" = false ] && [ "$3" -ge 2000 ]
}
check "explain eth2: no LACPDU heard, for how long" wait_for 5 no_pdu
check "explain eth2 text" sh -c "'$BONDCTL' -s '$(bondd_sock a)' lacp explain bond0 |
	grep -q 'eth2: not aggregated' && '$BONDCTL' -s '$(bondd_sock a)' lacp explain bond0 |
	grep -q 'no LACPDU heard in the'"

# The read-only attributes.
check "get ad_num_ports 1" is_eq ad_num_ports 1 "$(bctl a get bond0 ad_num_ports)"
check "get ad_partner_mac = b's system" is_eq ad_partner_mac $SYS "$(bctl a get bond0 ad_partner_mac)"
check "get ad_aggregator = eth0's aggregator" is_eq ad_aggregator \
	"$(bctl a get bond0 eth0 ad_aggregator_id)" "$(bctl a get bond0 ad_aggregator)"
# (each side's view of the other lags by one LACPDU: wait for both)
state_is() { is_eq state 63 "$(bctl a get bond0 eth0 "$1")"; }
check "get eth0 ad_actor_oper_port_state 63" wait_for 5 state_is ad_actor_oper_port_state
check "get eth0 ad_partner_oper_port_state 63" wait_for 5 state_is ad_partner_oper_port_state
check "b: get bond1 ad_actor_key has ad_user_port_key 5" \
	test $(($(bctl b get bond1 ad_actor_key) >> 6)) = 5
check "show --json carries ad_partner_mac" is_eq json \
	$SYS "$(bctl a --json show bond0 | jq -r .ad.ad_partner_mac)"

# The log of eth0: received LACPDUs with what they changed.
log_ok() {
	local j
	j=$(bctl a --json lacp log bond0 eth0) || return 1
	[ "$(jq '[.entries[] | select(.kind == "rx")] | length' <<<"$j")" -ge 3 ] &&
		[ "$(jq '[.entries[] | select(.kind != "state")] | length' <<<"$j")" -le 32 ] &&
		jq -e '[.entries[] | select(.kind == "rx" and .actor.system_mac == "'$SYS'")] | length > 0' <<<"$j" >/dev/null
}
check "lacp log eth0: LACPDUs from b, at most 32" wait_for 5 log_ok
check "lacp log text: rx lines" sh -c "'$BONDCTL' -s '$(bondd_sock a)' lacp log bond0 eth0 | grep -q ' rx '"

# Cabled right: eth1 moves into b's bond0 and aggregates.
need "b: release eth1 from bond1" bctl b release bond1 eth1
need "b: enslave eth1 to bond0" bctl b enslave bond0 eth1
check "eth1 aggregates once b's key matches" wait_for 20 aggregated a eth1
check "eth1 has no reason left" is_eq reasons 0 "$(port_q a bond0 eth1 '.reasons | length')"
check "get ad_num_ports 2" wait_for 5 sh -c "test \"\$('$BONDCTL' -s '$(bondd_sock a)' get bond0 ad_num_ports)\" = 2"

check "bondd a exits cleanly" stop_bondd a
check "bondd b exits cleanly" stop_bondd b
topo_finish
