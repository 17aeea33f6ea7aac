#!/bin/bash
# t_log_levels: under systemd each log line carries its level (issue 13
# item 7). systemd gives a service's stderr to the journal and names the
# stream in JOURNAL_STREAM ("device:inode"); bondd then starts each line
# with "<N>" (sd-daemon(3)), which journald keeps as the priority, so
# `journalctl -u bondd -p warning` finds the warnings. Here the log file
# stands for the journal's stream: its device and inode go in JOURNAL_STREAM.
#
# srv: bond0 (active-backup, miimon 100) over eth0 alone; sw: s0 (its peer).
#   - with JOURNAL_STREAM naming stderr: every line starts with <0>..<7>;
#     start-up lines are <6>; the cut of the only slave logs "now running
#     without any active interface!" at <3> (the kernel's netdev_err), its
#     return "active interface up!" at <6>;
#   - a configuration error at start is <3>, a lint warning <4>;
#   - without JOURNAL_STREAM (a terminal, a pipe, a file): no prefixes.
. "$(dirname "$0")/lib_topo.sh"
TOPO_PFX="bll$$"
topo_init "$@"

LOG=$(bondd_log srv)

all_prefixed() { ! grep -qv '^<[0-7]>' "$1"; }
has_line() { grep -qF -- "$2" "$1"; }

need "namespaces" eval 'ns_add srv && ns_add sw'
need "veth eth0-s0" veth_pair srv eth0 sw s0
: >"$LOG"
export JOURNAL_STREAM
JOURNAL_STREAM=$(stat -c '%d:%i' "$LOG")
need "bondd starts with JOURNAL_STREAM naming its stderr" start_bondd srv
need "create bond0 active-backup" bctl srv create bond0 mode active-backup miimon 100
need "enslave eth0" bctl srv enslave bond0 eth0
need "bond0 up" bctl srv up bond0
check "bond0 up with eth0" wait_for 3 active_is srv bond0 eth0
ip -n "$(nsname sw)" link set s0 down
check "the cut is seen" wait_for 3 field_is srv bond0 "" "MII Status" down
check "<3> now running without any active interface!" \
	wait_for 2 has_line "$LOG" "<3>bond0: now running without any active interface!"
ip -n "$(nsname sw)" link set s0 up
check "<6> active interface up!" wait_for 3 has_line "$LOG" "<6>bond0: active interface up!"
check "bondd exits cleanly on SIGTERM" stop_bondd srv
check "every line of the log has a level" all_prefixed "$LOG"
check "start-up lines are <6> (control socket)" grep -q '^<6>bondd: control socket' "$LOG"
topo_log "$(head -3 "$LOG")"

# Errors and warnings before the daemon runs: the configuration's.
CONF=$TOPO_DIR/bad.conf
printf '[bond0]\nmode = active-backup\nmiimon = 0\nslaves = eth0\n[bond1]\nmode = nosuchmode\n' >"$CONF"
ERR=$TOPO_DIR/err.log
: >"$ERR"
JOURNAL_STREAM=$(stat -c '%d:%i' "$ERR")
ip netns exec "$(nsname srv)" "$BONDD" -f -s "$TOPO_DIR/x.sock" -c "$CONF" 2>>"$ERR"
topo_log "$(cat "$ERR")"
check "a refused configuration's error lines are <3>" grep -q '^<3>.*bad.conf:6' "$ERR"
check "... and its refusal" grep -q '^<3>bondd: .*configuration refused' "$ERR"
check "... every line has a level" all_prefixed "$ERR"
printf '[bond0]\nmode = active-backup\nslaves = eth0\n' >"$CONF"
: >"$ERR"
JOURNAL_STREAM=$(stat -c '%d:%i' "$ERR")
ip netns exec "$(nsname srv)" "$BONDD" --check-config -c "$CONF" 2>>"$ERR" >/dev/null
topo_log "$(cat "$ERR")"
check "a lint warning is <4>" grep -q '^<4>.*warning' "$ERR"

unset JOURNAL_STREAM
: >"$LOG"
need "bondd starts without JOURNAL_STREAM" start_bondd srv
need "create bond0 again" bctl srv create bond0 mode active-backup miimon 100
check "stop" stop_bondd srv
check "no line has a level without JOURNAL_STREAM" eval '! grep -q "^<[0-7]>" "$LOG"'
check "... but the log has lines" test -s "$LOG"
topo_finish
