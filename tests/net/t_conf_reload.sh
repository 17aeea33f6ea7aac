#!/bin/bash
# t_conf_reload: "bondctl reload" applies only the differences of the file
# bondd was started with (-c FILE), without disturbing traffic: a ping
# stream at 1000/s to the bond's first address loses nothing while miimon
# changes, one address goes, another comes with a label (reload twice); a
# broken file is refused with FILE:LINE and the nearest name, changing
# nothing; a file where bond0 gave way to bond1 deletes bond0 (slaves given
# back with their own MACs) and creates bond1.
#
# srv: bond0 active-backup over eth0, eth1 (from the file), later bond1
#      over eth2, eth3; all four ports in the switch
# sw:  br0 over s0, s1, s2, s3, sc
# cli: eth0 192.0.2.10/24
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

conf=$TOPO_DIR/bondd.conf
cat >"$conf" <<'CFG'
[bond0]
mode = active-backup
miimon = 100
slaves = eth0 eth1
address = 192.0.2.1/24
address = 192.0.2.2/24 label bond0:1
CFG

need "topology" topo_2d1c
need "veth srv eth2 - sw s2" veth_pair srv eth2 sw s2
need "veth srv eth3 - sw s3" veth_pair srv eth3 sw s3
need "s2, s3 in br0" bash -c "ip -n $(nsname sw) link set s2 master br0 && ip -n $(nsname sw) link set s3 master br0"
declare -A mac0=()
for i in eth0 eth1 eth2 eth3; do mac0[$i]=$(link_mac srv "$i"); done

need "bondd -c FILE starts" start_bondd srv -c "$conf"
check "show bond0: miimon 100" field_is srv bond0 "" "MII Polling Interval (ms)" 100
# addrs DEV: "ADDR/LEN LABEL;" for each IPv4 address of DEV, sorted.
addrs() {
	ip -n "$(nsname srv)" -4 -o addr show dev "$1" |
		awk '{ l = ""; for (i = 5; i <= NF; i++) if ($i ~ /\\$/) { l = substr($i, 1, length($i) - 1); break }
			print $4, l }' | sort | tr '\n' ';'
}
check "bond0 addresses: 192.0.2.1/24 bond0, 192.0.2.2/24 bond0:1" \
	is_eq addresses "192.0.2.1/24 bond0;192.0.2.2/24 bond0:1;" "$(addrs bond0)"
need "cli pings 192.0.2.1" wait_for 10 nsx cli ping -c 1 -W 1 192.0.2.1
active=$(proc_field srv bond0 "Currently Active Slave")
lfc0=$(proc_field srv bond0 "Link Failure Count" eth0)
lfc1=$(proc_field srv bond0 "Link Failure Count" eth1)

# --- Reload under traffic.
ip -n "$(nsname srv)" monitor address link >"$TOPO_DIR/monitor.txt" 2>&1 &
mon=$!
ip netns exec "$(nsname cli)" ping -q -n -i 0.001 -c 8000 -W 1 192.0.2.1 >"$TOPO_DIR/ping.txt" 2>&1 &
pp=$!
sleep 1.5
cat >"$conf" <<'CFG'
[bond0]
mode = active-backup
miimon = 200
slaves = eth0 eth1
address = 192.0.2.1/24
address = 192.0.2.3/24 label bond0:2
CFG
check "reload 1 (miimon 200, 192.0.2.2 out, 192.0.2.3 bond0:2 in) succeeds" bctl srv reload
sleep 1.5
check "reload 2 (same file) succeeds" bctl srv reload
sleep 0.5
wait "$pp"
kill "$mon" 2>/dev/null
wait "$mon" 2>/dev/null
no_loss() {
	cat "$TOPO_DIR/ping.txt"
	grep -Eq '^8000 packets transmitted, 8000 received' "$TOPO_DIR/ping.txt"
}
check "ping 1000/s across both reloads: 8000 sent, 8000 received (0% loss)" no_loss
check "get bond0 miimon: 200" is_eq miimon 200 "$(bctl srv get bond0 miimon)"
check "show bond0: miimon 200" field_is srv bond0 "" "MII Polling Interval (ms)" 200
check "bond0 addresses now: 192.0.2.1/24 bond0, 192.0.2.3/24 bond0:2" \
	is_eq addresses "192.0.2.1/24 bond0;192.0.2.3/24 bond0:2;" "$(addrs bond0)"
monitor_says() {
	local want=$1 neg=$2
	if grep -Eq "$want" "$TOPO_DIR/monitor.txt"; then
		[ "$neg" = no ] && grep -E "$want" "$TOPO_DIR/monitor.txt"
		[ "$neg" = yes ]
	else
		[ "$neg" = yes ] && cat "$TOPO_DIR/monitor.txt"
		[ "$neg" = no ]
	fi
}
check "rtnetlink: 192.0.2.2 deleted" monitor_says '^Deleted .*inet 192\.0\.2\.2/24' yes
check "rtnetlink: 192.0.2.3 added with label bond0:2" monitor_says '^[0-9]+: bond0 +inet 192\.0\.2\.3/24 .*bond0:2' yes
check "rtnetlink: 192.0.2.1 never deleted nor re-added" monitor_says 'inet 192\.0\.2\.1/' no
check "rtnetlink: no link event on eth0/eth1 during the reloads (slaves untouched)" \
	monitor_says '^[0-9]+: eth[01]([@:][^ ]*)? .*' no
check "active slave unchanged ($active)" active_is srv bond0 "$active"
check "Link Failure Counts unchanged" \
	is_eq "eth0/eth1 failures" "$lfc0/$lfc1" \
	"$(proc_field srv bond0 "Link Failure Count" eth0)/$(proc_field srv bond0 "Link Failure Count" eth1)"
check "cli pings 192.0.2.3 (bond0:2)" nsx cli ping -c 2 -i 0.2 -W 1 192.0.2.3
check "192.0.2.2 no longer answers" bash -c "! ip netns exec $(nsname cli) ping -c 1 -W 1 192.0.2.2"

# --- A broken file: refused, nothing changes.
cp "$conf" "$TOPO_DIR/good.conf"
cat >"$conf" <<'CFG'
[bond0]
mode = active-backup
miimonn = 300
slaves = eth0 eth1
address = 192.0.2.1/24
address = 192.0.2.4/24 label bond0:3
CFG
show_before=$(bctl srv show bond0)
addr_before=$(ip -n "$(nsname srv)" addr show)
bad_reload() {
	local out rc
	out=$(bctl srv reload 2>&1)
	rc=$?
	printf '%s\n(exit status %s)\n' "$out" "$rc"
	[ "$rc" != 0 ] || return 1
	printf '%s\n' "$out" | grep -F "$conf:3:" | grep -q "did you mean 'miimon'"
}
check "reload of a file with 'miimonn' (line 3): non-zero, '$conf:3: ... did you mean 'miimon''" bad_reload
check "show bond0 byte-identical before/after the refused reload" \
	is_eq "show bond0" "$show_before" "$(bctl srv show bond0)"
check "ip addr byte-identical before/after the refused reload" \
	is_eq "ip addr" "$addr_before" "$(ip -n "$(nsname srv)" addr show)"
check "get bond0 miimon still 200" is_eq miimon 200 "$(bctl srv get bond0 miimon)"
check "bondd still running after the refused reload" bondd_alive srv

# --- An mtu line, then the line taken out: back to 1500.
bond_mtu() { ip netns exec "$(nsname srv)" cat /sys/class/net/bond0/mtu; }
{ cat "$TOPO_DIR/good.conf"; echo "mtu = 1400"; } >"$conf"
check "reload with mtu = 1400 succeeds" bctl srv reload
check "bond0 MTU 1400" is_eq mtu 1400 "$(bond_mtu)"
cp "$TOPO_DIR/good.conf" "$conf"
check "reload without the mtu line succeeds" bctl srv reload
check "bond0 MTU back to 1500" is_eq mtu 1500 "$(bond_mtu)"

# --- bond0 leaves the file, bond1 comes.
cat >"$conf" <<'CFG'
[bond1]
mode = active-backup
miimon = 100
slaves = eth2 eth3
address = 192.0.2.5/24
CFG
check "reload (bond0 out, bond1 in) succeeds" bctl srv reload
check "bondctl list: bond1 only" is_eq list bond1 "$(bctl srv list)"
no_bond0() { ! ip -n "$(nsname srv)" link show bond0 2>&1; }
check "bond0 device deleted" no_bond0
free_port() {
	ip -n "$(nsname srv)" -d link show "$1"
	! ip -n "$(nsname srv)" -d link show "$1" | grep -q ' master '
}
check "eth0 released" free_port eth0
check "eth1 released" free_port eth1
check "eth0 MAC restored (${mac0[eth0]})" is_eq "eth0 mac" "${mac0[eth0]}" "$(link_mac srv eth0)"
check "eth1 MAC restored (${mac0[eth1]})" is_eq "eth1 mac" "${mac0[eth1]}" "$(link_mac srv eth1)"
check "192.0.2.1 gone from the namespace" bash -c "! ip -n $(nsname srv) -4 addr | grep -q '192\.0\.2\.1/'"
check "show bond1: active-backup" field_is srv bond1 "" "Bonding Mode" "fault-tolerance (active-backup)"
check "show bond1: miimon 100" field_is srv bond1 "" "MII Polling Interval (ms)" 100
slaves_are() {
	local got
	got=$(bctl srv show bond1 | sed -n 's/^Slave Interface: //p' | tr '\n' ' ')
	is_eq "bond1 slaves" "eth2 eth3 " "$got"
}
check "bond1 slaves: eth2 eth3" slaves_are
check "bond1 address 192.0.2.5/24" is_eq addresses "192.0.2.5/24 bond1;" "$(addrs bond1)"
check "cli pings bond1 192.0.2.5" wait_for 10 nsx cli ping -c 1 -W 1 192.0.2.5

check "bondd exits cleanly on SIGTERM" stop_bondd srv
topo_finish
