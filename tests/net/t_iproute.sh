#!/bin/bash
# t_iproute: "bondctl ip ..." takes iproute2's command lines for kernel
# bonds. The lines are those of the kernel's bonding selftests
# (tools/testing/selftests/drivers/net/bonding: bond-arp-interval-causes-panic.sh,
# bond-break-lacpdu-tx.sh) and the usual "ip link add bond1 type bond
# miimon 100 mode active-backup" example, with "bondctl" in front and our
# addresses; then
# traffic crosses the bond, and "bondctl ip -d link show" is compared with
# the layout iproute2 6.1 prints for a kernel bond with those settings.
#
# Part 1 (active-backup, then balance-rr): srv's bond0 over eth0, eth1 to
# the bridge in sw; cli 192.0.2.10/24, srv 192.0.2.1/24.
# Part 2 (802.3ad): two bondd back to back, a and b, fbond over eth0, eth1;
# 198.51.100.1/24 (a), .2/24 (b).
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

need "topology" topo_2d1c
need "bondd starts" start_bondd srv

# bip NS WORDS...: "bondctl ip WORDS" in NS; stdout, stderr and status in
# $TOPO_DIR/bip.{out,err,rc}.
bip() {
	local ns=$1
	shift
	bctl "$ns" ip "$@" >"$TOPO_DIR/bip.out" 2>"$TOPO_DIR/bip.err"
	echo $? >"$TOPO_DIR/bip.rc"
}
# ok NS WORDS...: the command succeeds silently.
ok() {
	bip "$@"
	is_eq "stderr" "" "$(cat "$TOPO_DIR/bip.err")" &&
		is_eq "status of bondctl ip ${*:2}" 0 "$(cat "$TOPO_DIR/bip.rc")"
}
# refused RC FIRST_ERR_LINE NS WORDS...: the command fails with ip's status
# and message.
refused() {
	local rc=$1 msg=$2
	shift 2
	bip "$@"
	is_eq "status of bondctl ip ${*:2}" "$rc" "$(cat "$TOPO_DIR/bip.rc")" &&
		is_eq "first stderr line" "$msg" "$(head -n 1 "$TOPO_DIR/bip.err")"
}
get_is() { is_eq "$2 $3" "$4" "$(bctl "$1" get "$2" "$3")"; }

# expect_bond NS BOND WORDS: "bondctl ip -d link show BOND" is what ip
# prints for the device, its link-kind line ("tun ...") being "bond WORDS"
# as iproute2 prints a kernel bond's.
expect_bond() {
	local want got
	want=$(nsx "$1" ip -d link show dev "$2" |
		W="$3" perl -pe 's/^    tun .*? (addrgenmode |numtxqueues )/    bond $ENV{W}$1/')
	bip "$1" -d link show dev "$2"
	got=$(cat "$TOPO_DIR/bip.out")
	is_eq "status" 0 "$(cat "$TOPO_DIR/bip.rc")" &&
		is_eq "bondctl ip -d link show $2" "$want" "$got" &&
		grep -q "^    bond $3" "$TOPO_DIR/bip.out"
}
# expect_slave NS DEV WORDS: the same for a slave: its own lines, then
# "bond_slave WORDS" after its kind line ("veth").
expect_slave() {
	local want got
	want=$(nsx "$1" ip -d link show dev "$2" |
		sed -E "s/^(    veth )(addrgenmode |numtxqueues )/\\1\\n    bond_slave $3\\2/")
	bip "$1" -d link show "$2"
	got=$(cat "$TOPO_DIR/bip.out")
	is_eq "status" 0 "$(cat "$TOPO_DIR/bip.rc")" &&
		is_eq "bondctl ip -d link show $2" "$want" "$got"
}

AB_TAIL="arp_validate none arp_all_targets any primary_reselect always fail_over_mac none xmit_hash_policy layer2 resend_igmp 1 num_grat_arp 1 all_slaves_active 1 min_links 0 lp_interval 1 packets_per_slave 1 lacp_active on lacp_rate slow ad_select stable tlb_dynamic_lb 1 "

# --- bond-arp-interval-causes-panic.sh, first half
check "ip link add dev bond0 down type bond mode 1 miimon 100 all_slaves_active 1" \
	ok srv link add dev bond0 down type bond mode 1 miimon 100 all_slaves_active 1
check "bond0 is active-backup" get_is srv bond0 mode "active-backup 1"
check "bond0 all_slaves_active 1" get_is srv bond0 all_slaves_active 1
check "ip link set dev eth0 down master bond0" ok srv link set dev eth0 down master bond0
check "ip link set dev eth1 down master bond0" ok srv link set dev eth1 down master bond0
check "slaves eth0 eth1" get_is srv bond0 slaves "eth0 eth1"
check "ip link set dev bond0 up" ok srv link set dev bond0 up
check "ip addr add (handed to ip)" ok srv addr add 192.0.2.1/24 dev bond0
check "ping crosses the bond" wait_for 10 nsx srv ping -c 1 -W 1 192.0.2.10
check "eth0 is active" active_is srv bond0 eth0

mac0=$(link_mac srv eth0)
mac1=$(bctl srv show bond0 | awk '/^Slave Interface: eth1/{f=1} f && /^Permanent HW addr:/{print $4; exit}')
check "ip -d link show bond0: iproute2's bond line" \
	expect_bond srv bond0 "mode active-backup active_slave eth0 miimon 100 updelay 0 downdelay 0 peer_notify_delay 0 use_carrier 1 arp_interval 0 arp_missed_max 2 $AB_TAIL"
check "ip -details link show dev eth0: bond_slave ACTIVE" \
	expect_slave srv eth0 "state ACTIVE mii_status UP link_failure_count 0 perm_hwaddr $mac0 queue_id 0 prio 0 "
check "ip -d link show eth1: bond_slave BACKUP" \
	expect_slave srv eth1 "state BACKUP mii_status UP link_failure_count 0 perm_hwaddr $mac1 queue_id 0 prio 0 "
check "ip -d -o link show eth1: one line, \\ between" \
	eval 'bip srv -d -o link show eth1 && grep -q "^[0-9]*: eth1@[^ ]*: .*\\\\    veth \\\\    bond_slave state BACKUP mii_status UP " "$TOPO_DIR/bip.out"'
check "ip -d link show: every device, bond and slaves filled in" \
	eval 'bip srv -d link show && [ "$(grep -c "^    bond mode " "$TOPO_DIR/bip.out")" = 1 ] &&
		[ "$(grep -c "^    bond_slave state " "$TOPO_DIR/bip.out")" = 2 ] &&
		! grep -q "^    tun " "$TOPO_DIR/bip.out"'
check "ip link show master bond0: its slaves, in ifindex order" \
	eval 'bip srv link show master bond0 && is_eq "devices" "eth0 eth1" "$(grep -o "^[0-9]*: [^:@]*" "$TOPO_DIR/bip.out" | cut -d" " -f2 | tr "\n" " " | sed "s/ \$//")"'
check "ip -j link show master bond0: one JSON array of both" \
	eval 'bip srv -j link show master bond0 && is_eq "ifnames" "eth0 eth1" "$(python3 -c "import json,sys; print(\" \".join(d[\"ifname\"] for d in json.load(open(sys.argv[1]))))" "$TOPO_DIR/bip.out")"'
check "ip -br link show type bond: bond0" \
	eval 'bip srv -br link show type bond && [ "$(wc -l <"$TOPO_DIR/bip.out")" = 1 ] && grep -q "^bond0 " "$TOPO_DIR/bip.out"'
check "ip -d link show type bond_slave up: both, with bond_slave lines" \
	eval 'bip srv -d link show type bond_slave up && [ "$(grep -c "^    bond_slave state " "$TOPO_DIR/bip.out")" = 2 ]'
check "ip link show (no -d) is ip's own" \
	eval 'bip srv link show bond0 && is_eq "output" "$(nsx srv ip link show bond0)" "$(cat "$TOPO_DIR/bip.out")"'

# --- failover: the words follow the slaves' state
nsx sw ip link set s0 down
check "eth0's link down: failover to eth1" wait_for 5 active_is srv bond0 eth1
check "ping after the failover" wait_for 10 nsx srv ping -c 1 -W 1 192.0.2.10
check "ip -d link show eth0: DOWN, one failure, BACKUP" \
	expect_slave srv eth0 "state BACKUP mii_status DOWN link_failure_count 1 perm_hwaddr $mac0 queue_id 0 prio 0 "
check "ip -d link show bond0: active_slave eth1" \
	eval 'bip srv -d link show bond0 && grep -q "^    bond mode active-backup active_slave eth1 miimon 100 " "$TOPO_DIR/bip.out"'
nsx sw ip link set s0 up

# --- per-slave options, several bond options at once
# queue ids need the ebpf data path (bondd refuses them on packet: the
# kernel's refusal form, and prio stays as it was)
if grep -q "data path packet" "$(bondd_log srv)"; then
	check "packet: type bond_slave queue_id 2 prio 7 refused (Error:, 2), prio unchanged" eval \
		'refused 2 "Error: bond0: option queue_id: bond0 cannot steer by queue: its data path does not see a frame'"'"'s transmit queue (the packet data path; queue ids need bondd --datapath ebpf)." srv link set eth1 type bond_slave queue_id 2 prio 7 &&
		 bip srv -d link show eth1 && grep -q " queue_id 0 prio 0 " "$TOPO_DIR/bip.out"'
	check "ip link set eth1 type bond_slave prio 7" ok srv link set eth1 type bond_slave prio 7
	check "eth1 prio 7 in ip -d" \
		eval 'bip srv -d link show eth1 && grep -q " queue_id 0 prio 7 " "$TOPO_DIR/bip.out"'
else
	check "ip link set eth1 type bond_slave queue_id 2 prio 7" \
		ok srv link set eth1 type bond_slave queue_id 2 prio 7
	check "eth1 queue_id 2 prio 7 in ip -d" \
		eval 'bip srv -d link show eth1 && grep -q " queue_id 2 prio 7 " "$TOPO_DIR/bip.out"'
fi
check "ip link set bond0 type bond updelay 200 downdelay 100 num_grat_arp 3 primary eth1 primary_reselect better" \
	ok srv link set bond0 type bond updelay 200 downdelay 100 num_grat_arp 3 primary eth1 primary_reselect better
check "all five applied" eval 'get_is srv bond0 updelay 200 && get_is srv bond0 downdelay 100 &&
	get_is srv bond0 num_grat_arp 3 && get_is srv bond0 primary eth1 &&
	get_is srv bond0 primary_reselect "better 1"'
check "ip -d shows them in iproute2's order" \
	eval 'bip srv -d link show bond0 && grep -q "miimon 100 updelay 200 downdelay 100 peer_notify_delay 0 .* primary eth1 primary_reselect better .* num_grat_arp 3 " "$TOPO_DIR/bip.out"'

# --- errors: ip's messages and statuses, nothing changed
check "bad value: 255, iproute2's message, nothing set" eval \
	'refused 255 "Error: argument \"7\" is wrong: invalid arp_validate" srv link set bond0 type bond miimon 200 arp_validate 7 &&
	 get_is srv bond0 miimon 100'
check "unknown option: 1, bond: unknown command, nothing set" eval \
	'refused 1 "bond: unknown command \"foo\"?" srv link set bond0 type bond miimon 200 foo 1 &&
	 grep -q "^Usage: ... bond \[ mode BONDMODE \]" "$TOPO_DIR/bip.err" && get_is srv bond0 miimon 100'
check "mode change with slaves: bondd refuses (Error:, 2), all or nothing" eval \
	'refused 2 "Error: bond0: option mode: unable to set because the bond device has slaves." srv link set bond0 type bond miimon 200 mode balance-xor &&
	 get_is srv bond0 miimon 100 && get_is srv bond0 mode "active-backup 1"'
check "add an existing name: RTNETLINK answers: File exists, 2" \
	refused 2 "RTNETLINK answers: File exists" srv link add bond0 type bond
check "missing bond: Cannot find device, 1" refused 1 'Cannot find device "bond9"' srv link del bond9
check "missing slave: Cannot find device, 1" refused 1 'Cannot find device "eth9"' srv link set eth9 master bond0
check "missing master: Device does not exist, 255" \
	refused 255 'Error: argument "bond9" is wrong: Device does not exist' srv link set eth0 master bond9
check "syntax: not complete, 255" \
	refused 255 'Command line is not complete. Try option "help"' srv link add bond1 type bond mode
check "no bond1 was made by the refusals" eval '! bctl srv get bond1 mode'
check "bond0's slaves unchanged" get_is srv bond0 slaves "eth0 eth1"

# --- a slave moves to another bond as with the kernel
check "ip link add bond1 type bond miimon 100 mode active-backup" \
	ok srv link add bond1 type bond miimon 100 mode active-backup
check "ip link set eth1 master bond1: moved" eval 'ok srv link set eth1 master bond1 &&
	get_is srv bond0 slaves eth0 && get_is srv bond1 slaves eth1'
check "ip link set eth1 master bond1 again: nothing to do" eval 'ok srv link set eth1 master bond1 &&
	get_is srv bond1 slaves eth1'
check "ip link set eth1 nomaster" eval 'ok srv link set eth1 nomaster && get_is srv bond1 slaves ""'
check "nomaster of a free device: nothing to do" ok srv link set eth1 nomaster
check "ip link del bond1 type bond" eval 'ok srv link del bond1 type bond && ! bctl srv get bond1 mode'

# --- bond-arp-interval-causes-panic.sh, second half
check "ip link set dev eth0 down nomaster" ok srv link set dev eth0 down nomaster
check "ip link set dev bond0 down" ok srv link set dev bond0 down
check "ip link set dev bond0 type bond mode 0 arp_interval 1000 arp_ip_target +192.0.2.10" \
	ok srv link set dev bond0 type bond mode 0 arp_interval 1000 arp_ip_target "+192.0.2.10"
check "balance-rr, ARP monitor on 192.0.2.10" eval 'get_is srv bond0 mode "balance-rr 0" &&
	get_is srv bond0 arp_interval 1000 && get_is srv bond0 arp_ip_target 192.0.2.10'
check "ip link set dev eth0 down master bond0" ok srv link set dev eth0 down master bond0
check "ip link set dev eth1 master bond0" ok srv link set dev eth1 master bond0
check "ip link set dev bond0 up" ok srv link set dev bond0 up
check "ping over balance-rr" wait_for 10 nsx srv ping -c 3 -i 0.2 -W 1 192.0.2.10
check "ip -d link show bond0: balance-rr with its ARP target" \
	eval 'bip srv -d link show bond0 && grep -q "^    bond mode balance-rr miimon 0 updelay 0 downdelay 0 peer_notify_delay 0 use_carrier 1 arp_interval 1000 arp_missed_max 2 arp_ip_target 192.0.2.10 arp_validate none " "$TOPO_DIR/bip.out" &&
		! grep -q active_slave "$TOPO_DIR/bip.out"'
check "ip link set bond0 mtu 1400: the slaves follow, as under a kernel bond" eval \
	'ok srv link set bond0 mtu 1400 && wait_for 5 eval "[ \"\$(nsx srv cat /sys/class/net/eth1/mtu)\" = 1400 ]"'
# The link words bondctl does not act on go to ip, applied to the bond's
# TAP: what the kernel does with them there is what it does on a bond.
check "ip link set bond0 gso_max_size 32768 gro_max_size 32768: applied to bond0" eval \
	'ok srv link set bond0 gso_max_size 32768 gro_max_size 32768 &&
	 nsx srv ip -d link show bond0 | grep -q "gso_max_size 32768 .*gro_max_size 32768"'
check "ip link set bond0 protodown on: the kernel's refusal, as for a kernel bond" \
	refused 2 "Error: Protodown not supported by device." srv link set bond0 protodown on
check "ip link set bond0 protodown_reason 0 on: refused the same way" \
	refused 2 "Error: Protodown not supported by device." srv link set bond0 protodown_reason 0 on
check "ip link add bond2 mtu 99999 type bond: ip refuses the MTU, no bond2 left" eval \
	'bip srv link add bond2 mtu 99999 type bond; [ "$(cat "$TOPO_DIR/bip.rc")" = 2 ] &&
	 ! bctl srv get bond2 mode && ! nsx srv ip link show bond2 2>/dev/null'
check "ip link add bond2 address 02:00:00:00:00:42 type bond mode 0: created with its address" eval \
	'ok srv link add bond2 address 02:00:00:00:00:42 type bond mode 0 &&
	 is_eq "bond2 MAC" 02:00:00:00:00:42 "$(link_mac srv bond2)" && get_is srv bond2 mode "balance-rr 0" &&
	 ok srv link del bond2'
check "ip link delete dev bond0" eval 'ok srv link delete dev bond0 && [ -z "$(bctl srv list)" ]'
check "eth0 given back with its MAC" is_eq "eth0 MAC" "$mac0" "$(link_mac srv eth0)"
check "bondd exits cleanly (srv)" stop_bondd srv

# --- Part 2: 802.3ad back to back (bond-break-lacpdu-tx.sh's bond)
need "namespaces" ns_add a
need "namespaces" ns_add b
need "veth eth0" veth_pair a eth0 b eth0
need "veth eth1" veth_pair a eth1 b eth1
declare -A addr=([a]=198.51.100.1/24 [b]=198.51.100.2/24)
for n in a b; do
	need "bondd starts in $n" start_bondd "$n"
	need "ip link add fbond type bond mode 4 miimon 200 xmit_hash_policy 1 ad_actor_sys_prio 65535 lacp_rate fast ($n)" \
		ok "$n" link add fbond type bond mode 4 miimon 200 xmit_hash_policy 1 ad_actor_sys_prio 65535 lacp_rate fast
	need "ip link set eth0 master fbond ($n)" ok "$n" link set eth0 master fbond
	need "ip link set eth1 master fbond ($n)" ok "$n" link set eth1 master fbond
	need "ip link set fbond up ($n)" ok "$n" link set fbond up
	need "ip addr add ($n)" ok "$n" addr add "${addr[$n]}" dev fbond
done
check "802.3ad: both ports aggregate" wait_for 15 eval \
	'[ "$(bctl a get fbond ad_num_ports)" = 2 ] && [ "$(bctl b get fbond ad_num_ports)" = 2 ]'
check "ping a->b over 802.3ad" wait_for 10 nsx a ping -c 3 -i 0.2 -W 1 198.51.100.2
agg=$(bctl a get fbond ad_aggregator)
akey=$(bctl a get fbond ad_actor_key)
pkey=$(bctl a get fbond ad_partner_key)
pmac=$(bctl a get fbond ad_partner_mac)
asys=$(bctl a get fbond ad_actor_system)
check "ip -d link show fbond: 802.3ad words with ad_info" \
	expect_bond a fbond "mode 802.3ad miimon 200 updelay 0 downdelay 0 peer_notify_delay 0 use_carrier 1 arp_interval 0 arp_missed_max 2 arp_validate none arp_all_targets any primary_reselect always fail_over_mac none xmit_hash_policy layer3+4 resend_igmp 1 num_grat_arp 1 all_slaves_active 0 min_links 0 lp_interval 1 packets_per_slave 1 lacp_active on lacp_rate fast ad_select stable ad_aggregator $agg ad_num_ports 2 ad_actor_key $akey ad_partner_key $pkey ad_partner_mac $pmac ad_actor_sys_prio 65535 ad_user_port_key 0 ad_actor_system $asys tlb_dynamic_lb 1 "
a_mac0=$(bctl a show fbond | awk '/^Slave Interface: eth0/{f=1} f && /^Permanent HW addr:/{print $4; exit}')
check "ip -d link show eth0: aggregator and LACP states by name" wait_for 10 \
	expect_slave a eth0 "state ACTIVE mii_status UP link_failure_count 0 perm_hwaddr $a_mac0 queue_id 0 prio 0 ad_aggregator_id $agg ad_actor_oper_port_state 63  <active,short_timeout,aggregating,in_sync,collecting,distributing> ad_partner_oper_port_state 63  <active,short_timeout,aggregating,in_sync,collecting,distributing> "
check "ip -j -d link show: refused with a pointer to bondctl -j show" \
	eval 'bip a -j -d link show fbond; [ "$(cat "$TOPO_DIR/bip.rc")" = 255 ] && grep -q "bondctl -j show" "$TOPO_DIR/bip.err"'
check "ip link del fbond (a)" ok a link del fbond
check "ip link del fbond (b)" ok b link del fbond
check "bondd exits cleanly (a)" stop_bondd a
check "bondd exits cleanly (b)" stop_bondd b
topo_finish
