#!/bin/bash
# t_ovs_lacp: 802.3ad against a real LACP implementation, Open vSwitch's
# userspace datapath. Namespace a runs bondd with bond0 (mode 802.3ad,
# lacp_rate fast, miimon 100) over eth0, eth1; their veth peers p0, p1 sit
# in namespace sw, where a private ovsdb-server and ovs-vswitchd (own run
# directory, db, sockets, pid files; never the system's OVS) run bridge br0
# (datapath_type=netdev) with a bond over p0, p1: lacp=active,
# bond_mode=balance-tcp, lacp-time=fast, and a plain port p2 toward
# namespace h (eth0). 198.51.100.1/24 on bond0, 198.51.100.2/24 on h's eth0
# (the host sits behind the switch, so that sw's own kernel never answers
# for the addresses on the veths OVS drives). A third slave, eth2, faces p3,
# a plain OVS port that runs no LACP: `bondctl lacp explain` must say that
# no LACPDU is heard there, and that eth0 and eth1 aggregate.
#
# What is relied on: 802.1AX (both ports reach actor state 63 = active, short
# timeout, aggregating, in sync, collecting, distributing; one aggregator
# with both ports; partner = OVS's system) and OVS's "lacp/show" report
# (status: active negotiated, each member "current" and "attached").
. "$(dirname "$0")/../net/lib_topo.sh"
topo_init "$@"

A_IP=198.51.100.1
B_IP=198.51.100.2

for b in ovsdb-server ovs-vswitchd ovs-vsctl ovs-appctl ovsdb-tool; do
	if ! command -v "$b" >/dev/null; then
		echo "FAIL $(topo_name): $b not installed"
		exit 1
	fi
done
SCHEMA=""
for s in /usr/share/openvswitch/vswitch.ovsschema /usr/local/share/openvswitch/vswitch.ovsschema; do
	[ -r "$s" ] && SCHEMA=$s && break
done
[ -n "$SCHEMA" ] || {
	echo "FAIL $(topo_name): vswitch.ovsschema not found"
	exit 1
}

OVSD=$TOPO_DIR/ovs
export OVS_RUNDIR=$OVSD OVS_LOGDIR=$OVSD OVS_DBDIR=$OVSD OVS_SYSCONFDIR=$OVSD

vsctl() { ovs-vsctl --db="unix:$OVSD/db.sock" --timeout=10 "$@"; }
appctl() { ovs-appctl -t "$OVSD/vswitchd.ctl" "$@"; }

# ovs_start: ovsdb-server and ovs-vswitchd inside sw, everything under OVSD.
ovs_start() {
	mkdir -p "$OVSD" &&
		ovsdb-tool create "$OVSD/conf.db" "$SCHEMA" &&
		nsx sw ovsdb-server "$OVSD/conf.db" --remote="punix:$OVSD/db.sock" \
			--unixctl="$OVSD/ovsdb.ctl" --pidfile="$OVSD/ovsdb.pid" \
			--log-file="$OVSD/ovsdb.log" --detach --no-chdir &&
		vsctl --no-wait init &&
		nsx sw ovs-vswitchd "unix:$OVSD/db.sock" --unixctl="$OVSD/vswitchd.ctl" \
			--pidfile="$OVSD/vswitchd.pid" --log-file="$OVSD/vswitchd.log" \
			--detach --no-chdir
}

# ovs_stop: both daemons, by their pid files.
ovs_stop() {
	local f
	for f in vswitchd ovsdb; do
		[ -s "$OVSD/$f.pid" ] && kill -TERM "$(cat "$OVSD/$f.pid")" 2>/dev/null
	done
	return 0
}

need "namespaces" ns_add a
need "namespaces" ns_add sw
need "veth eth0-p0" veth_pair a eth0 sw p0
need "veth eth1-p1" veth_pair a eth1 sw p1
need "veth eth2-p3" veth_pair a eth2 sw p3
need "namespaces" ns_add h
need "veth h:eth0-p2" veth_pair h eth0 sw p2
need "private ovsdb-server and ovs-vswitchd in sw" ovs_start
need "OVS bridge br0 (netdev) with an LACP bond over p0 p1" \
	vsctl add-br br0 -- set bridge br0 datapath_type=netdev \
	-- add-bond br0 obond p0 p1 lacp=active bond_mode=balance-tcp \
	other_config:lacp-time=fast -- add-port br0 p2 -- add-port br0 p3
need "h address" bond_addr h eth0 "$B_IP/24"

need "bondd starts in a" start_bondd a
need "create bond0 802.3ad lacp_rate fast" \
	bctl a create bond0 mode 802.3ad miimon 100 lacp_rate fast
need "enslave eth0 eth1 eth2" bctl a enslave bond0 eth0 eth1 eth2
need "bond0 address" bond_addr a bond0 "$A_IP/24"

# port_state_is SLAVE N: the actor's "port state" in SLAVE's details.
port_state_is() {
	local text got
	text=$(bctl a show bond0) || return 1
	got=$(printf '%s\n' "$text" | awk -v s="$1" '
		/^Slave Interface: / { sec = substr($0, 18) }
		sec == s && /^details actor lacp pdu:/ { inact = 1; next }
		sec == s && /^details partner lacp pdu:/ { inact = 0 }
		inact && /^    port state: / { print substr($0, 17); exit }')
	is_eq "$1 actor port state" "$2" "$got"
}
ovs_negotiated() {
	local out
	out=$(appctl lacp/show obond) || return 1
	printf '%s\n' "$out"
	printf '%s\n' "$out" | grep -q 'status: active negotiated' || return 1
	for m in p0 p1; do
		printf '%s\n' "$out" | grep -qE "^(member|slave) $m: current attached" ||
			printf '%s\n' "$out" | grep -qE "^(member|slave): $m: current attached" || return 1
	done
}

check "eth0 reaches port state 63" wait_for 20 port_state_is eth0 63
check "eth1 reaches port state 63" wait_for 5 port_state_is eth1 63
check "OVS lacp/show: negotiated, p0 and p1 current and attached" wait_for 5 ovs_negotiated
check "bond0 MII Status up" field_is a bond0 "" "MII Status" up
check "eth0 and eth1 in one aggregator" \
	test "$(proc_field a bond0 "Aggregator ID" eth0)" = "$(proc_field a bond0 "Aggregator ID" eth1)"
check "Active Aggregator: Number of ports 2" field_is a bond0 "" "	Number of ports" 2
check "partner system = OVS's bond system id" \
	test "$(proc_field a bond0 "	Partner Mac Address")" != "00:00:00:00:00:00"
check "ping a->h" wait_for 5 nsx a ping -c 1 -W 1 $B_IP
check "ping h->a" nsx h ping -c 3 -i 0.2 -W 1 $A_IP

# lacp explain: what aggregates and why eth2 does not.
explain_q() {
	bctl a --json lacp explain bond0 |
		jq -er --arg p "$1" ".ports[] | select(.name == \$p) | $2"
}
check "explain: eth0 aggregated" is_eq eth0 true "$(explain_q eth0 .aggregated)"
check "explain: eth1 aggregated" is_eq eth1 true "$(explain_q eth1 .aggregated)"
check "explain: eth0 has no reason" is_eq reasons 0 "$(explain_q eth0 '.reasons | length')"
check "explain: eth2 (OVS port without LACP) not aggregated" \
	is_eq eth2 false "$(explain_q eth2 .aggregated)"
check "explain: eth2: no LACPDU heard, never, for seconds" is_eq eth2 "no_lacpdu false true" \
	"$(explain_q eth2 '.reasons[0] | "\(.reason) \(.ever_heard) \(.silent_ms >= 2000)"')"
check "explain text: eth2: no LACPDU heard" \
	sh -c "'$BONDCTL' -s '$(bondd_sock a)' lacp explain bond0 | grep -A1 '^  eth2: not aggregated' | grep -q 'no LACPDU heard in the'"
check "explain: eth2 not selected, the active aggregator has OVS as partner" \
	explain_q eth2 '.reasons[] | select(.reason == "not_selected") | .rule'
check "lacp log eth0: LACPDUs from OVS" \
	sh -c "'$BONDCTL' -s '$(bondd_sock a)' --json lacp log bond0 eth0 | jq -e '[.entries[] | select(.kind == \"rx\")] | length > 0'"

# One link lost: the other carries on, OVS sees p1 go.
ip -n "$(nsname a)" link set eth1 down
check "eth1 down: bond0 still up" wait_for 3 field_is a bond0 "" "MII Status" up
check "eth1 down: ping a->h" wait_for 5 nsx a ping -c 1 -W 1 $B_IP
ip -n "$(nsname a)" link set eth1 up
check "eth1 back: port state 63 again" wait_for 10 port_state_is eth1 63
check "eth1 back: OVS negotiated again" wait_for 5 ovs_negotiated

check "bondd exits cleanly on SIGTERM" stop_bondd a
ovs_stop
topo_finish
