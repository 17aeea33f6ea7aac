#!/bin/bash
# t_vlan_conf: VLAN sub-interfaces from bondd.conf, on the data path under
# test (BONDD_DATAPATH): created at start with their addresses, MTU and
# up/down; `bondctl dump` writes them back; `bondctl reload` applies what
# changed (a VLAN removed, one added, an address and an MTU changed); a
# crash (SIGKILL) and a restart; bondctl upgrade; SIGTERM removes them.
#
# a: bondd -c CONF, bond0 active-backup over eth0 eth1 (198.51.100.1/24),
#    bond0.100 (192.0.2.1/24) and "mgmt" (VLAN 200, 203.0.113.1/24, mtu 1400)
# b: bondd with the same bond and VLANs made by bondctl (.2), the peer.
#
# On ebpf the VLAN's TAP persists with its program: while no bondd runs its
# frames still cross, the next bondd with the same configuration takes it
# over (log line), one whose configuration does not name it removes it at
# start. On packet it goes with the process, and the next bondd makes a new
# one.
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"
DP=${BONDD_DATAPATH:-auto}

need "namespaces" eval "ns_add a && ns_add b"
need "veth eth0" veth_pair a eth0 b eth0
need "veth eth1" veth_pair a eth1 b eth1
need "bondd starts in b" start_bondd b
need "b: bond0 with VLANs 100, 200" eval "bctl b create bond0 mode active-backup miimon 100 &&
	bctl b enslave bond0 eth0 eth1 && bond_addr b bond0 198.51.100.2/24 &&
	bctl b vlan add bond0 100 && bond_addr b bond0.100 192.0.2.2/24 &&
	bctl b vlan add bond0 200 && bond_addr b bond0.200 203.0.113.2/24 &&
	bctl b vlan add bond0 300 && bond_addr b bond0.300 198.18.0.2/24"

CONF=$TOPO_DIR/a.conf
cat >"$CONF" <<'EOF'
[bond0]
mode = active-backup
miimon = 100
slaves = eth0 eth1
address = 198.51.100.1/24
vlans = 100

[bond0.100]
address = 192.0.2.1/24

[vlan mgmt]
bond = bond0
vid = 200
mtu = 1400
address = 203.0.113.1/24
EOF
# reload: mgmt gone, bond0.100 renumbered with mtu 1300, VLAN 300 new
CONF2=$TOPO_DIR/a2.conf
cat >"$CONF2" <<'EOF'
[bond0]
mode = active-backup
miimon = 100
slaves = eth0 eth1
address = 198.51.100.1/24
vlans = 100, 300

[bond0.100]
address = 192.0.2.11/24
mtu = 1300
EOF
NOVLAN=$TOPO_DIR/a3.conf
printf '%s\n' "[bond0]" "mode = active-backup" "miimon = 100" "slaves = eth0 eth1" \
	"address = 198.51.100.1/24" >"$NOVLAN"

# has_addr NS DEV ADDR/LEN
has_addr() { nsx "$1" ip -o addr show dev "$2" | grep -q " $3 "; }
no_dev() {
	if nsx "$1" ip link show "$2" 2>/dev/null; then
		echo "$2 exists in $1"
		return 1
	fi
}
mtu_is() { is_eq "$2 mtu" "$3" "$(nsx "$1" cat "/sys/class/net/$2/mtu")"; }
is_up() { nsx "$1" ip -o link show "$2" | grep -q '[<,]UP[,>]'; }

need "a: bondd -c with VLANs" start_bondd a -c "$CONF"
check "bond0.100 made, up, with 192.0.2.1/24" eval "is_up a bond0.100 && has_addr a bond0.100 192.0.2.1/24"
check "mgmt made (VLAN 200), mtu 1400, 203.0.113.1/24" eval \
	"bctl a vlan show bond0 | grep -qE '^mgmt +bond0 +200 ' && mtu_is a mgmt 1400 && has_addr a mgmt 203.0.113.1/24"
check "ping over bond0.100" wait_for 10 nsx a ping -c 1 -W 1 192.0.2.2
check "ping over mgmt" wait_for 5 nsx a ping -c 1 -W 1 203.0.113.2
dumped() {
	local t
	t=$(bctl a dump) || return 1
	echo "$t"
	printf '%s\n' "$t" | grep -q '192.0.2.1/24' && printf '%s\n' "$t" | grep -qE '^\[vlan mgmt\]|mgmt'
}
check "bondctl dump writes the VLANs back" dumped
check "bondctl diff of the file: no change" bctl a diff "$CONF"
# a VLAN of the file deleted at run time is not in the dump, and diff says so
check "vlan del mgmt at run time" bctl a vlan del bond0 mgmt
not_dumped() {
	local t
	t=$(bctl a dump) || return 1
	echo "$t"
	! printf '%s\n' "$t" | grep -q 'mgmt'
}
check "bondctl dump: mgmt is gone from it" not_dumped
check "bondctl diff of the file: + vlan mgmt" eval "bctl a diff '$CONF' | grep -q '^+ vlan mgmt'"
check "bondctl reload makes mgmt again" bctl a reload
check "mgmt back with 203.0.113.1/24" wait_for 3 has_addr a mgmt 203.0.113.1/24

cp "$CONF2" "$CONF"
check "bondctl reload" bctl a reload
check "reload: mgmt removed" no_dev a mgmt
check "reload: bond0.100 has 192.0.2.11/24, not 192.0.2.1/24" eval \
	"has_addr a bond0.100 192.0.2.11/24 && ! has_addr a bond0.100 192.0.2.1/24"
check "reload: bond0.100 mtu 1300" mtu_is a bond0.100 1300
check "reload: bond0.300 made" eval "bctl a vlan show bond0 | grep -qE '^bond0\.300 +bond0 +300 '"
check "ping over bond0.100 after the reload" wait_for 5 nsx a ping -c 1 -W 1 192.0.2.2

mtu_clamped() {
	nsx a ip link set bond0.100 mtu 9000
	wait_for 2 mtu_is a bond0.100 1500
}
check "an MTU above the bond's is set back to the bond's" eval \
	"nsx a ip link set bond0.100 mtu 1500 && mtu_clamped"

# A crash, then the same configuration.
pid=${TOPO_BONDD_PID[a]}
kill -KILL "$pid"
wait "$pid" 2>/dev/null
unset "TOPO_BONDD_PID[a]"
if [ "$DP" = ebpf ]; then
	check "ebpf: bond0.100 outlives the crash" nsx a ip link show bond0.100
	check "ebpf: its frames cross while no bondd runs" nsx b ping -c 2 -i 0.2 -W 1 192.0.2.11
else
	check "packet: bond0.100 went with the process" wait_for 2 no_dev a bond0.100
fi
need "bondd starts again with the same configuration" start_bondd a -c "$CONF"
if [ "$DP" = ebpf ]; then
	check "ebpf: the VLAN was taken over (log)" grep -q "VLAN 100 taken over from an earlier bondd as bond0.100" "$(bondd_log a)"
fi
check "ping over bond0.100 after the restart" wait_for 5 nsx a ping -c 1 -W 1 192.0.2.2
check "bond0.100 keeps 192.0.2.11/24" has_addr a bond0.100 192.0.2.11/24

if [ "$DP" = ebpf ]; then
	# an upgrade: refused while a VLAN is not in the file, then done
	check "vlan add bond0 400 (not in the file)" bctl a vlan add bond0 400
	refused_upgrade() {
		bctl a upgrade
		local rc=$?
		echo "exit $rc"
		[ "$rc" = 1 ]
	}
	check "upgrade refused: VLAN bond0.400 is not in the configuration file" refused_upgrade
	check "vlan del bond0 400" bctl a vlan del bond0 400
	sleep 0.5
	# the TAPs' fds cross the exec: no link changes on the devices
	nsx a ip -ts monitor link >"$TOPO_DIR/upgrade.mon" 2>&1 &
	mon=$!
	sleep 0.2
	check "bondctl upgrade" bctl a upgrade
	sleep 1.5
	kill "$mon"
	wait "$mon" 2>/dev/null
	check "after the upgrade: bond0.100 answers" wait_for 5 nsx a ping -c 1 -W 1 192.0.2.2
	check "the bond's and both VLANs' TAPs were held open across the exec" \
		grep -q "3 TAPs held open by the last bondd" "$(bondd_log a)"
	check "no link event on bond0, bond0.100 or bond0.300 in the upgrade" \
		eval "cat '$TOPO_DIR/upgrade.mon'; ! grep -q 'bond0' '$TOPO_DIR/upgrade.mon'"
	# a crash, then a configuration without the VLANs: they are removed
	pid=${TOPO_BONDD_PID[a]}
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	unset "TOPO_BONDD_PID[a]"
	need "bondd starts with a configuration without VLANs" start_bondd a -c "$NOVLAN"
	check "the VLAN TAPs an earlier bondd left are removed" eval "no_dev a bond0.100 && no_dev a bond0.300"
	check "log: removed the VLAN TAP" grep -q "removed the VLAN TAP (VLAN 100 of bond0)" "$(bondd_log a)"
	check "untagged ping still crosses" wait_for 5 nsx a ping -c 1 -W 1 198.51.100.2
	check "stop" stop_bondd a
	# a crash, then bondctl cleanup with no daemon: the VLAN TAPs go
	need "bondd starts again with VLANs" start_bondd a -c "$CONF"
	check "bond0.100 back" nsx a ip link show bond0.100
	pid=${TOPO_BONDD_PID[a]}
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	unset "TOPO_BONDD_PID[a]"
	check "bondctl cleanup (no daemon)" nsx a "$BONDCTL" cleanup
	check "cleanup removed bond0.100 and bond0.300" eval "no_dev a bond0.100 && no_dev a bond0.300"
	need "bondd starts again with VLANs" start_bondd a -c "$CONF"
fi
journal_clean() {
	local j
	j=$(nsx a sh -c 'ls "/run/bondd/journal/net-$(stat -L -c %i /proc/self/ns/net)/" 2>/dev/null' |
		grep '^vlan:' || true)
	echo "VLAN journal entries: ${j:-none}"
	[ -z "$j" ]
}
check "SIGTERM: clean exit" stop_bondd a
check "SIGTERM: bond0.100 removed" no_dev a bond0.100
check "SIGTERM: bond0.300 removed" no_dev a bond0.300
check "SIGTERM: no VLAN journal entry left" journal_clean
check "b: clean exit" stop_bondd b
topo_finish
