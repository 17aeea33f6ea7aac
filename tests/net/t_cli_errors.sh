#!/bin/bash
# t_cli_errors: refused bondctl requests. Each one prints exactly one line on
# stderr, exits non-zero, and leaves the bond as it was: "bondctl show bond0"
# is byte-identical before and after, and the daemon keeps running.
# srv: bondd, bond0 (active-backup, miimon 100) over eth0; eth1 free.
# peer: the other ends p0, p1.
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

need "namespaces" ns_add srv
need "namespaces" ns_add peer
need "veth eth0" veth_pair srv eth0 peer p0
need "veth eth1" veth_pair srv eth1 peer p1
need "bondd starts" start_bondd srv
need "create bond0" bctl srv create bond0 mode active-backup miimon 100
need "enslave eth0" bctl srv enslave bond0 eth0
need "up bond0" bctl srv up bond0
need "eth0 up in bond0" wait_for 3 field_is srv bond0 eth0 "MII Status" up
mac1=$(link_mac srv eth1)

# refused NAME ARGS...: bondctl ARGS must fail with one stderr line and no
# change to "show bond0", to the bond list, or to eth1.
refused() {
	local rc before after lines list0 list1 bad=0
	before=$(bctl srv show bond0)
	list0=$(bctl srv list)
	bctl srv "$@" >"$TOPO_DIR/out" 2>"$TOPO_DIR/err"
	rc=$?
	after=$(bctl srv show bond0)
	list1=$(bctl srv list)
	lines=$(wc -l <"$TOPO_DIR/err")
	# a last line without a newline counts too
	[ -s "$TOPO_DIR/err" ] && [ "$(tail -c 1 "$TOPO_DIR/err" | od -An -c | tr -d ' ')" != '\n' ] &&
		lines=$((lines + 1))
	echo "bondctl $*: status $rc, stderr ($lines lines):"
	sed 's/^/| /' "$TOPO_DIR/err"
	if [ "$rc" = 0 ]; then
		echo "expected a non-zero status"
		bad=1
	fi
	if [ "$lines" != 1 ]; then
		echo "expected exactly one line on stderr"
		bad=1
	fi
	if [ "$before" != "$after" ]; then
		echo "show bond0 changed:"
		diff <(printf '%s\n' "$before") <(printf '%s\n' "$after")
		bad=1
	fi
	if [ "$list0" != "$list1" ]; then
		echo "bondctl list changed: '$list0' -> '$list1'"
		bad=1
	fi
	if [ "$(link_mac srv eth1)" != "$mac1" ]; then
		echo "eth1's MAC changed"
		bad=1
	fi
	if ! bondd_alive srv; then
		echo "bondd died"
		bad=1
	fi
	return "$bad"
}

check "bad option value: set miimon abc" refused set bond0 miimon abc
check "bad option value: set miimon -1" refused set bond0 miimon -1
check "bad option value: set primary_reselect sometimes" refused set bond0 primary_reselect sometimes
check "bad option value: set xmit_hash_policy layer9" refused set bond0 xmit_hash_policy layer9
check "option without value: set miimon" refused set bond0 miimon
check "unknown option: set frobnicate 1" refused set bond0 frobnicate 1
check "unknown option at create: create bond1 frobnicate 1" refused create bond1 frobnicate 1
check "bad value at create: create bond1 mode bogus" refused create bond1 mode bogus
check "mode change with slaves: set mode balance-rr" refused set bond0 mode balance-rr
check "mode change with slaves: set mode 0" refused set bond0 mode 0
check "enslave a nonexistent interface" refused enslave bond0 nosuch0
check "enslave twice: eth0 again" refused enslave bond0 eth0
check "enslave the bond into itself" refused enslave bond0 bond0
check "release a non-slave: eth1" refused release bond0 eth1
check "active a non-slave: eth1" refused active bond0 eth1
check "create an existing bond: bond0" refused create bond0
check "unknown bond: show nosuch" refused show nosuch
check "unknown bond: enslave nosuch eth1" refused enslave nosuch eth1
check "unknown bond: up nosuch" refused up nosuch
check "unknown bond: down nosuch" refused down nosuch
check "unknown bond: set nosuch miimon 100" refused set nosuch miimon 100
check "unknown bond: get nosuch miimon" refused get nosuch miimon
check "unknown bond: delete nosuch" refused delete nosuch
check "unknown command" refused frobnicate bond0

# The same bond still works: a valid change goes through.
check "a valid set after the errors" bctl srv set bond0 miimon 200
check "valid set is visible" field_is srv bond0 "" "MII Polling Interval (ms)" 200
check "bondd exits cleanly on SIGTERM" stop_bondd srv
topo_finish
