#!/bin/bash
# t_conf_interfaces: bondd boots from a Debian /etc/network/interfaces and
# its modprobe.d file (the Debian seed, addresses moved to 192.0.2.0/24):
# "bondd --from interfaces FILE --modprobe FILE2" makes bond0 active-backup,
# miimon 100, over eth0 eth1 (post-up ifenslave), with its address and
# default gateway, and traffic passes. The seed's own file, with its
# "iiface" typo, is refused first: bondd exits non-zero naming the line and
# suggesting "iface", and leaves no bond0 behind.
#
# srv: bond0 over eth0, eth1 (from the files), 192.0.2.52/24
# sw:  br0 over s0, s1, sc; br0 holds the gateway 192.0.2.254/24
# cli: eth0 192.0.2.10/24, iperf3 server
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

mkdir -p "$TOPO_DIR/typo" "$TOPO_DIR/fixed"
# The seed's file as printed (line 6: "iiface").
cat >"$TOPO_DIR/typo/interfaces" <<'CFG'
# The loopback network interface
auto lo
iface lo inet loopback

auto bond0
iiface bond0 inet static
address 192.0.2.52
netmask 255.255.255.0
gateway 192.0.2.254
post-up ifenslave bond0 eth0 eth1
pre-down ifenslave -d bond0 eth0 eth1
CFG
sed 's/^iiface /iface /' "$TOPO_DIR/typo/interfaces" >"$TOPO_DIR/fixed/interfaces"
cat >"$TOPO_DIR/aliases-bond" <<'CFG'
install bond0 /sbin/modprobe bonding miimon=100 mode=1
CFG

need "topology" topo_2d1c
need "gateway 192.0.2.254 on the switch" ip -n "$(nsname sw)" addr add 192.0.2.254/24 dev br0

# --- The seed's typo: refused at start.
typo_refused() {
	local out=$TOPO_DIR/typo.log rc
	timeout 15 ip netns exec "$(nsname srv)" "$BONDD" -f -s "$TOPO_DIR/typo.sock" \
		--from interfaces "$TOPO_DIR/typo/interfaces" --modprobe "$TOPO_DIR/aliases-bond" \
		>"$out" 2>&1
	rc=$?
	cat "$out"
	echo "(exit status $rc)"
	[ "$rc" != 0 ] && [ "$rc" != 124 ] || return 1
	grep -q "interfaces:6: .*'iiface'.*did you mean 'iface'" "$out"
}
check "interfaces with 'iiface' (line 6): bondd exits non-zero, 'interfaces:6: ... did you mean 'iface''" \
	typo_refused
check "no sanitizer report from the refused start" \
	bash -c "! grep -qE 'Sanitizer|runtime error:' '$TOPO_DIR/typo.log'"
no_bond0() {
	ip -n "$(nsname srv)" -br link show
	! ip -n "$(nsname srv)" link show bond0 >/dev/null 2>&1
}
check "the refused start leaves no bond0 device" no_bond0
free_slaves() {
	ip -n "$(nsname srv)" -d link show eth0
	ip -n "$(nsname srv)" -d link show eth1
	! ip -n "$(nsname srv)" -d link show eth0 | grep -q 'master\|SLAVE' &&
		! ip -n "$(nsname srv)" -d link show eth1 | grep -q 'master\|SLAVE'
}
check "eth0, eth1 not enslaved after the refused start" free_slaves
check "no address 192.0.2.52 anywhere after the refused start" \
	bash -c "! ip -n '$(nsname srv)' -4 addr | grep -q 192.0.2.52"

# --- The fixed file.
need "bondd --from interfaces FILE --modprobe FILE2 starts" \
	start_bondd srv --from interfaces "$TOPO_DIR/fixed/interfaces" --modprobe "$TOPO_DIR/aliases-bond"
check "bondctl list: bond0" is_eq "bond list" bond0 "$(bctl srv list)"
check "show bond0: active-backup" field_is srv bond0 "" "Bonding Mode" "fault-tolerance (active-backup)"
check "show bond0: miimon 100" field_is srv bond0 "" "MII Polling Interval (ms)" 100
slaves_are() {
	local got
	got=$(bctl srv show bond0 | sed -n 's/^Slave Interface: //p' | tr '\n' ' ')
	is_eq slaves "eth0 eth1 " "$got"
}
check "bond0 slaves: eth0 eth1 (in this order)" slaves_are
check "eth0 MII up" field_is srv bond0 eth0 "MII Status" up
check "eth1 MII up" field_is srv bond0 eth1 "MII Status" up
addr_ok() {
	local out
	out=$(ip -n "$(nsname srv)" -4 addr show dev bond0)
	printf '%s\n' "$out"
	printf '%s\n' "$out" | grep -Eq 'inet 192\.0\.2\.52/24 brd 192\.0\.2\.255 .*bond0$' &&
		[ "$(printf '%s\n' "$out" | grep -c ' inet ')" = 1 ]
}
check "bond0 has exactly 192.0.2.52/24 brd 192.0.2.255" addr_ok
defroute() {
	local r
	r=$(ip -n "$(nsname srv)" -4 route show default)
	printf '%s\n' "$r"
	printf '%s\n' "$r" | grep -q '^default via 192\.0\.2\.254 dev bond0'
}
check "default route via 192.0.2.254 dev bond0" defroute
check "bond0's MAC is eth0's" is_eq mac "$(link_mac srv eth0)" "$(link_mac srv bond0)"

check "cli pings 192.0.2.52" wait_for 10 nsx cli ping -c 1 -W 1 192.0.2.52
check "srv pings the gateway" nsx srv ping -c 2 -i 0.2 -W 1 192.0.2.254
ip -n "$(nsname sw)" addr add 203.0.113.7/32 dev lo
check "srv reaches 203.0.113.7 through the default gateway" \
	nsx srv ping -c 2 -i 0.2 -W 1 203.0.113.7
need "iperf3 server in cli" iperf_server cli
iperf_client srv 192.0.2.10 2 "$TOPO_DIR/tcp.json"
check "iperf3 TCP srv->cli over bond0" iperf_done $? "$TOPO_DIR/tcp.json"
iperf_client srv 192.0.2.10 2 "$TOPO_DIR/tcpr.json" -R
check "iperf3 TCP cli->srv over bond0" iperf_done $? "$TOPO_DIR/tcpr.json"

check "bondd exits cleanly on SIGTERM" stop_bondd srv
topo_finish
