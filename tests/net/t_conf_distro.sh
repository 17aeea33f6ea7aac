#!/bin/bash
# t_conf_distro: bondd boots from today's distribution formats. For each of
# netplan (Ubuntu YAML), nm (NetworkManager keyfiles, as nmcli writes them
# on RHEL 9) and networkd (systemd-networkd .netdev/.network units):
#   - "bondd --check-config --from FORMAT DIR" accepts the files (exit 0);
#   - "bondd --from FORMAT DIR" makes bond0 over eth0, eth1 in the mode the
#     files say, with their address, up; traffic crosses between the
#     namespaces both ways; bondd exits cleanly and gives the slaves back;
# and netplan's vlans: on the bond become bondd's VLAN devices, while a VLAN
# id out of range is refused with FILE:LINE (exit 78) and nothing created.
#
# srv: bond0 over eth0, eth1 (from the files), 192.0.2.1/24
# sw:  br0 over s0, s1, sc
# cli: eth0 192.0.2.10/24
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

need "topology" topo_2d1c

mk_netplan() {
	mkdir -p "$1"
	cat >"$1/01-netcfg.yaml" <<'CFG'
network:
  version: 2
  renderer: networkd
  ethernets:
    eth0:
      dhcp4: no
    eth1:
      dhcp4: no
  bonds:
    bond0:
      interfaces: [eth0, eth1]
      addresses: [192.0.2.1/24]
      parameters:
        mode: active-backup
        mii-monitor-interval: 100
        primary: eth0
CFG
}

mk_nm() {
	mkdir -p "$1"
	cat >"$1/bond0.nmconnection" <<'CFG'
[connection]
id=bond0
uuid=9d5d8b1a-6c2e-4b7f-8d0a-3f1e2c4b5a61
type=bond
interface-name=bond0

[ethernet]

[bond]
miimon=100
mode=balance-xor
xmit_hash_policy=layer3+4

[ipv4]
address1=192.0.2.1/24
method=manual

[ipv6]
method=disabled

[proxy]
CFG
	for i in 0 1; do
		cat >"$1/bond0-port$i.nmconnection" <<CFG
[connection]
id=bond0-port$i
uuid=0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5$i
type=ethernet
interface-name=eth$i
controller=9d5d8b1a-6c2e-4b7f-8d0a-3f1e2c4b5a61
port-type=bond

[ethernet]
CFG
	done
}

mk_networkd() {
	mkdir -p "$1"
	cat >"$1/25-bond.netdev" <<'CFG'
[NetDev]
Name=bond0
Kind=bond

[Bond]
Mode=balance-rr
MIIMonitorSec=100ms
CFG
	cat >"$1/25-bond.network" <<'CFG'
[Match]
Name=bond0

[Network]
Address=192.0.2.1/24
CFG
	cat >"$1/30-bond0-ports.network" <<'CFG'
[Match]
Name=eth0 eth1

[Network]
Bond=bond0
CFG
}

# bond_has NS ADDR: bond0 is UP with ADDR.
bond_has() {
	local out
	out=$(ip -n "$(nsname srv)" -4 addr show dev bond0) || return 1
	printf '%s\n' "$out"
	printf '%s\n' "$out" | grep -q "inet $1 " &&
		printf '%s\n' "$out" | grep -q 'state UP\|,UP'
}

has_slaves() {
	local t
	t=$(bctl srv show bond0) || return 1
	printf '%s\n' "$t" | grep -qx 'Slave Interface: eth0' &&
		printf '%s\n' "$t" | grep -qx 'Slave Interface: eth1' || {
		printf '%s\n' "$t"
		return 1
	}
}

# not_present: bond0 is gone from srv after bondd stopped.
not_present() { ! ip -n "$(nsname srv)" link show bond0 >/dev/null 2>&1; }

# run_format FORMAT MODE-LINE: the whole round for one format.
run_format() {
	local fmt=$1 mode=$2 dir=$TOPO_DIR/$1 out rc
	"mk_$fmt" "$dir"
	out=$(nsx srv "$BONDD" --check-config --from "$fmt" "$dir" 2>&1)
	rc=$?
	check "$fmt: bondd --check-config --from $fmt accepts the files (status $rc)" \
		is_eq status 0 "$rc" || printf '%s\n' "$out" | topo_indent
	need "$fmt: bondd --from $fmt starts" start_bondd srv --from "$fmt" "$dir"
	check "$fmt: bondctl list: bond0" is_eq "bond list" bond0 "$(bctl srv list)"
	check "$fmt: bond0 mode: $mode" field_is srv bond0 "" "Bonding Mode" "$mode"
	check "$fmt: bond0 MII polling 100 ms" field_is srv bond0 "" "MII Polling Interval (ms)" 100
	check "$fmt: eth0 and eth1 are slaves of bond0" has_slaves
	check "$fmt: bond0 is up with 192.0.2.1/24" wait_for 5 bond_has 192.0.2.1/24
	check "$fmt: cli pings 192.0.2.1 (bond0)" wait_for 10 nsx cli ping -c 1 -W 1 192.0.2.1
	check "$fmt: srv pings 192.0.2.10 (cli) over bond0" nsx srv ping -c 3 -i 0.2 -W 1 192.0.2.10
	[ "$fmt" = netplan ] &&
		check "netplan: eth0 is the active slave (primary: eth0)" active_is srv bond0 eth0
	check "$fmt: bondd exits cleanly on SIGTERM" stop_bondd srv
	check "$fmt: bond0 is gone after bondd stopped" not_present
	check "$fmt: eth0 is given back (no master)" \
		sh -c "! ip -n $(nsname srv) link show eth0 | grep -q master"
}

run_format netplan "fault-tolerance (active-backup)"
run_format nm "load balancing (xor)"
run_format networkd "load balancing (round-robin)"

# --- VLANs: netplan's vlans: on the bond become bondd's VLAN devices; a
# bad one is refused with FILE:LINE and nothing is created
vdir=$TOPO_DIR/netplan-vlan
mk_netplan "$vdir"
cp -r "$vdir" "$TOPO_DIR/netplan-badvlan"
cat >>"$vdir/01-netcfg.yaml" <<'CFG'
  vlans:
    vlan100:
      id: 100
      link: bond0
      addresses: [198.51.100.1/24]
CFG
out=$(nsx srv "$BONDD" --check-config --from netplan "$vdir" 2>&1)
rc=$?
check "netplan with vlans: --check-config accepts them (status $rc)" is_eq status 0 "$rc" ||
	printf '%s\n' "$out" | topo_indent
need "netplan with vlans: bondd --from netplan starts" start_bondd srv --from netplan "$vdir"
vlan_has() {
	local out
	out=$(ip -n "$(nsname srv)" -4 addr show dev vlan100) || return 1
	printf '%s\n' "$out"
	printf '%s\n' "$out" | grep -q 'inet 198.51.100.1/24 ' &&
		bctl srv vlan show bond0 | grep -qE '^vlan100 +bond0 +100 '
}
check "netplan with vlans: vlan100 (VID 100 on bond0) with 198.51.100.1/24" wait_for 5 vlan_has
check "netplan with vlans: cli still pings bond0" wait_for 10 nsx cli ping -c 1 -W 1 192.0.2.1
check "netplan with vlans: bondd exits cleanly on SIGTERM" stop_bondd srv
check "netplan with vlans: vlan100 is gone after bondd stopped" \
	sh -c "! ip -n $(nsname srv) link show vlan100 >/dev/null 2>&1"
cat >>"$TOPO_DIR/netplan-badvlan/01-netcfg.yaml" <<'CFG'
  vlans:
    vlan4095:
      id: 4095
      link: bond0
CFG
out=$(nsx srv "$BONDD" --check-config --from netplan "$TOPO_DIR/netplan-badvlan" 2>&1)
rc=$?
check "netplan with VLAN id 4095: --check-config exits 78 (got $rc)" is_eq status 78 "$rc"
check "netplan with VLAN id 4095: the message names 01-netcfg.yaml:19 and the id range" \
	sh -c 'printf "%s\n" "$1" | grep -q "01-netcfg.yaml:19: id: invalid VLAN id .4095. (1 \.\. 4094)"' _ "$out" ||
	printf '%s\n' "$out" | topo_indent
check "netplan with VLAN id 4095: no bond0 was created" not_present

topo_finish
