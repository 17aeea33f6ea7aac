#!/bin/bash
# t_status_file: the /proc-layout status as files (issue 13 item 5), for
# scripts that read /proc/net/bonding/bond0. A daemon on the control socket
# DIR/srv.sock writes DIR/srv.bonding/<bond> (on the default socket,
# /run/bondd/bondd.sock: /run/bondd/bonding/<bond>, bondd(8)).
#
# srv: bond0 (active-backup, miimon 100) over eth0, eth1, and bond1
# (balance-xor) over nothing; sw: br0 over s0, s1 and sc; cli: 192.0.2.10.
#   - each bond's file exists, mode 0644, and holds what `bondctl show BOND`
#     prints to a reader who is not root (the same text for these modes);
#   - after a cut of the active slave's switch port the file names the new
#     active slave within a second, and was replaced whole (a new inode);
#   - `bondctl delete bond1` removes bond1's file; SIGTERM removes the rest
#     and the directory.
. "$(dirname "$0")/lib_topo.sh"
TOPO_PFX="bsf$$"
topo_init "$@"

SFDIR=$TOPO_DIR/srv.bonding

same_as_show() {
	local b=$1
	bctl srv show "$b" >"$TOPO_DIR/show.$b" || return 1
	diff -u "$TOPO_DIR/show.$b" "$SFDIR/$b"
}
file_says_active() { grep -qx "Currently Active Slave: $1" "$SFDIR/bond0"; }

need "topology" topo_2d1c
need "bondd starts" start_bondd srv
need "create bond0 active-backup" bctl srv create bond0 mode active-backup miimon 100
need "enslave eth0 eth1" bctl srv enslave bond0 eth0 eth1
need "create bond1 balance-xor" bctl srv create bond1 mode balance-xor
need "bond0 address" bond_addr srv bond0 192.0.2.1/24
need "ping crosses the bond" wait_for 10 nsx srv ping -c 1 -W 1 192.0.2.10
check "bond0's file appears" wait_for 2 test -s "$SFDIR/bond0"
check "bond1's file appears" wait_for 2 test -s "$SFDIR/bond1"
check "the files are mode 0644" eval '[ "$(stat -c %a "$SFDIR/bond0")" = 644 ]'
check "bond0's file is bondctl show bond0" wait_for 2 same_as_show bond0
check "bond1's file is bondctl show bond1" same_as_show bond1
check "the file names eth0 active" file_says_active eth0
ino=$(stat -c %i "$SFDIR/bond0")
ip -n "$(nsname sw)" link set s0 down
check "after the cut the file names eth1 active" wait_for 1 file_says_active eth1
check "the file was replaced whole (new inode)" eval '[ "$(stat -c %i "$SFDIR/bond0")" != "$ino" ]'
check "no temporary file left" eval '[ -z "$(ls -A "$SFDIR" | grep -v "^bond[01]$")" ]'
check "bond0's file is bondctl show bond0 after the cut" wait_for 2 same_as_show bond0
need "delete bond1" bctl srv delete bond1
check "bond1's file is gone with bond1" wait_for 1 test ! -e "$SFDIR/bond1"
check "bondd exits cleanly on SIGTERM" stop_bondd srv
check "SIGTERM removed the files and the directory" test ! -e "$SFDIR"
topo_finish
