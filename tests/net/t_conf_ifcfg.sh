#!/bin/bash
# t_conf_ifcfg: bondd boots from a RHEL network-scripts tree and its
# modprobe.conf (the RHEL5 seed's files, addresses moved to 192.0.2.0/24,
# plus an alias file ifcfg-bond0:0): "bondd --from ifcfg DIR --modprobe FILE"
# makes bond0 active-backup/miimon 100 over eth0, eth1 with both addresses
# (the alias labelled bond0:0), the default route, and fails over.
#
# srv: bond0 over eth0, eth1 (from the files), 192.0.2.1/24 + 192.0.2.2/24
# sw:  br0 over s0, s1, sc; br0 holds the gateway 192.0.2.254/24
# cli: eth0 192.0.2.10/24
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

cfg=$TOPO_DIR/network-scripts
mkdir -p "$cfg"
cat >"$cfg/ifcfg-bond0" <<'CFG'
# Broadcom Corporation NetXtreme II BCM5708 Gigabit Ethernet
DEVICE=bond0
BROADCAST=192.0.2.255
IPADDR=192.0.2.1
NETMASK=255.255.255.0
NETWORK=192.0.2.0
MTU=1500
GATEWAY=192.0.2.254
CFG
for i in 0 1; do
	cat >"$cfg/ifcfg-eth$i" <<CFG
# Broadcom Corporation NetXtreme II BCM5708 Gigabit Ethernet
DEVICE=eth$i
BOOTPROTO=none
ONBOOT=yes
TYPE=Ethernet
MASTER=bond0
slave=yes
CFG
done
cat >"$cfg/ifcfg-bond0:0" <<'CFG'
DEVICE=bond0:0
IPADDR=192.0.2.2
NETMASK=255.255.255.0
ONBOOT=yes
CFG
cat >"$TOPO_DIR/modprobe.conf" <<'CFG'
alias eth0 bnx2
alias eth1 bnx2
alias scsi_hostadapter aacraid
alias scsi_hostadapter1 ata_piix
alias peth0 bnx2
alias bond0 bonding
options bond0 miimon=100 mode=1
CFG

need "topology" topo_2d1c
need "gateway 192.0.2.254 on the switch" ip -n "$(nsname sw)" addr add 192.0.2.254/24 dev br0
need "bondd --from ifcfg DIR --modprobe FILE starts" \
	start_bondd srv --from ifcfg "$cfg" --modprobe "$TOPO_DIR/modprobe.conf"

check "bondctl list: bond0" is_eq "bond list" bond0 "$(bctl srv list)"
check "show bond0: active-backup" field_is srv bond0 "" "Bonding Mode" "fault-tolerance (active-backup)"
check "show bond0: miimon 100" field_is srv bond0 "" "MII Polling Interval (ms)" 100
check "get bond0 mode" is_eq mode "active-backup 1" "$(bctl srv get bond0 mode)"
has_slaves() {
	local t
	t=$(bctl srv show bond0) || return 1
	if printf '%s\n' "$t" | grep -qx 'Slave Interface: eth0' &&
		printf '%s\n' "$t" | grep -qx 'Slave Interface: eth1'; then
		return 0
	fi
	printf '%s\n' "$t"
	return 1
}
check "eth0 and eth1 are slaves of bond0" has_slaves

# addr_line ADDR: the "inet ADDR/24 ... LABEL" line of bond0 matches.
addr_has() {
	local want=$1 out
	out=$(ip -n "$(nsname srv)" -4 addr show dev bond0)
	printf '%s\n' "$out" | grep -Eq "$want" || {
		echo "no line matching /$want/ in:"
		printf '%s\n' "$out"
		return 1
	}
}
check "bond0 has 192.0.2.1/24 brd 192.0.2.255, label bond0" \
	addr_has 'inet 192\.0\.2\.1/24 brd 192\.0\.2\.255 .*scope global bond0$'
check "bond0 has 192.0.2.2/24 with label bond0:0" \
	addr_has 'inet 192\.0\.2\.2/24 .*bond0:0$'
check "bond0 is up" addr_has 'state UP|,UP'
check "bond0 MTU 1500" is_eq mtu 1500 "$(nsx srv cat /sys/class/net/bond0/mtu)"
defroute() {
	local r
	r=$(ip -n "$(nsname srv)" -4 route show default)
	printf '%s\n' "$r"
	printf '%s\n' "$r" | grep -q '^default via 192\.0\.2\.254 dev bond0'
}
check "default route via 192.0.2.254 dev bond0" defroute

check "cli pings 192.0.2.1" wait_for 10 nsx cli ping -c 1 -W 1 192.0.2.1
check "cli pings 192.0.2.2 (bond0:0)" wait_for 5 nsx cli ping -c 1 -W 1 192.0.2.2
check "srv pings the gateway 192.0.2.254" nsx srv ping -c 2 -i 0.2 -W 1 192.0.2.254
# The default route is used: an address outside the subnet goes to the
# gateway (the switch namespace answers for 203.0.113.7 on its own lo).
ip -n "$(nsname sw)" addr add 203.0.113.7/32 dev lo
nsx sw sysctl -qw net.ipv4.conf.all.rp_filter=0
check "srv reaches 203.0.113.7 through the default gateway" \
	nsx srv ping -c 2 -i 0.2 -W 1 203.0.113.7

# --- Failover: a ping stream from cli; the active slave's switch port is
# cut in the middle of it.
active=$(proc_field srv bond0 "Currently Active Slave")
case $active in
eth0) other=eth1 port=s0 ;;
eth1) other=eth0 port=s1 ;;
*)
	check "an active slave is chosen (got '$active')" false
	topo_finish
	;;
esac
loss_file=$TOPO_DIR/failover.loss
ping_loss cli 192.0.2.1 150 0.02 >"$loss_file" &
pp=$!
sleep 1
ip -n "$(nsname sw)" link set "$port" down
wait "$pp"
loss=$(cat "$loss_file")
check "ping stream across the cut of $port: loss ${loss:-?}% <= 20%" \
	awk -v l="${loss:-100}" 'BEGIN { exit !(l <= 20) }'
check "after the cut: $other is the active slave" active_is srv bond0 "$other"
check "after the cut: $active MII Status down" field_is srv bond0 "$active" "MII Status" down
check "after the cut: cli pings 192.0.2.1 and 192.0.2.2" \
	nsx cli sh -c 'ping -c 2 -i 0.2 -W 1 192.0.2.1 && ping -c 2 -i 0.2 -W 1 192.0.2.2'
check "after the cut: default route still present" defroute

check "bondd exits cleanly on SIGTERM" stop_bondd srv
topo_finish
