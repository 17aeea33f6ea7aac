#!/bin/bash
# t_dump: "bondctl dump" writes what runs back out as a bondd.conf that
# starts the same bonds, and "bondctl diff FILE" says what FILE would
# change, on both data paths (BONDD_DATAPATH).
#
# srv: bondd -c orig.conf: bond0 active-backup miimon 100 primary eth0 over
#      eth0 eth1, 192.0.2.1/24; bond1 balance-xor over eth3, 198.51.100.1/24
#      eth0, eth1, eth2 -> sw's br0 (with cli 192.0.2.10/24); eth3, eth4 ->
#      sw, not bridged
#
# - runtime changes: set bond0 miimon 200 updelay 400, enslave bond0 eth2,
#   release bond0 eth1, an address 192.0.2.5/24 added with ip(8), bond1
#   down, bond0 down and up again, bond2 created (802.3ad, lacp_rate fast)
#   over eth4
# - diff orig.conf: exactly those changes, one line each, exit 1; the
#   runtime ones "(kept by reload)", the re-enslave of eth1 not
# - dump > F; diff F: nothing, exit 0
# - a broken file: FILE:LINE on stderr, exit 2, nothing changed
# - stop bondd, start bondd -c F: show -j (without counters and times) is
#   what it was; the addresses of bond0 are the same; diff F again: nothing
# - F edited (miimon 300): diff says so (by reload), reload logs the same
#   line and sets it, diff F is empty again
# - bondd without a configuration, bond0 made by hand: diff orig.conf lists
#   bond1's lines only, without "(kept by reload)"
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

orig=$TOPO_DIR/orig.conf
cat >"$orig" <<'CFG'
[bond0]
mode = active-backup
miimon = 100
primary = eth0
slaves = eth0 eth1
address = 192.0.2.1/24

[bond1]
mode = balance-xor
xmit_hash_policy = layer2+3
slaves = eth3
address = 198.51.100.1/24
CFG

need "topology" topo_2d1c
need "veth srv eth2 - sw s2 (bridged)" veth_pair srv eth2 sw s2
need "s2 in br0" ip -n "$(nsname sw)" link set s2 master br0
need "veth srv eth3 - sw s3" veth_pair srv eth3 sw s3
need "veth srv eth4 - sw s4" veth_pair srv eth4 sw s4
need "bondd -c orig.conf starts" start_bondd srv -c "$orig"
need "cli pings 192.0.2.1" wait_for 10 nsx cli ping -c 1 -W 1 192.0.2.1

# --- Runtime changes.
need "set bond0 miimon 200 updelay 400" bctl srv set bond0 miimon 200 updelay 400
need "enslave bond0 eth2" bctl srv enslave bond0 eth2
need "release bond0 eth1" bctl srv release bond0 eth1
need "ip addr add 192.0.2.5/24 dev bond0" ip -n "$(nsname srv)" addr add 192.0.2.5/24 dev bond0
need "down bond1" bctl srv down bond1
need "down bond0" bctl srv down bond0
need "up bond0" bctl srv up bond0
need "create bond2 802.3ad lacp_rate fast" bctl srv create bond2 mode 802.3ad lacp_rate fast
need "enslave bond2 eth4" bctl srv enslave bond2 eth4
need "cli pings 192.0.2.5" wait_for 10 nsx cli ping -c 1 -W 1 192.0.2.5

# diff_is FILE STATUS EXPECTED: bondctl diff FILE exits with STATUS and
# prints EXPECTED on stdout.
diff_is() {
	local file=$1 want_rc=$2 want=$3 out rc
	out=$(bctl srv diff "$file" 2>"$TOPO_DIR/diff.err")
	rc=$?
	printf 'stdout:\n%s\nstderr:\n%s\n(exit status %s)\n' "$out" "$(cat "$TOPO_DIR/diff.err")" "$rc"
	[ "$rc" = "$want_rc" ] && [ "$out" = "$want" ]
}
expected="- bond2  (kept by reload)
bond0: miimon 200 -> 100  (kept by reload)
bond0: updelay 400 -> 0  (kept by reload)
bond0: - slave eth2  (kept by reload)
bond0: + slave eth1
bond0: - address 192.0.2.5/24  (kept by reload)
bond1: up no -> yes  (kept by reload)"
check "diff orig.conf: exactly the runtime changes, exit 1" diff_is "$orig" 1 "$expected"
json_diff() {
	local out
	out=$(bctl srv -j diff "$orig")
	printf '%s\n' "$out"
	printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["differs"] is True, d
ch = d["changes"]
assert len(ch) == 7, len(ch)
m = [c for c in ch if c["kind"] == "option" and c["name"] == "miimon"][0]
assert (m["op"], m["device"], m["from"], m["to"], m["by_reload"]) == ("~", "bond0", "200", "100", False), m
s = [c for c in ch if c["kind"] == "slave" and c["op"] == "+"][0]
assert (s["to"], s["by_reload"]) == ("eth1", True), s
'
}
check "diff -j orig.conf: 7 changes; miimon 200 -> 100 kept by reload; + slave eth1 by reload" json_diff

# --- dump, and diff of the dump.
dumped=$TOPO_DIR/dumped.conf
dump_to() { bctl srv dump >"$1"; }
need "dump > dumped.conf" dump_to "$dumped"
dump_has() {
	cat "$dumped"
	grep -qxF "$1" "$dumped"
}
check "dump: bond0 miimon = 200" dump_has "miimon = 200"
check "dump: bond0 updelay = 400" dump_has "updelay = 400"
check "dump: bond0 slaves = eth0 eth2" dump_has "slaves = eth0 eth2"
check "dump: bond1 up = no" dump_has "up = no"
check "dump: address = 192.0.2.5/24" dump_has "address = 192.0.2.5/24"
check "dump: [bond2] with lacp_rate = fast" bash -c "grep -qx '\[bond2\]' $dumped && grep -qx 'lacp_rate = fast' $dumped"
dump_bond1() {
	local out
	out=$(bctl srv dump bond1)
	printf '%s\n' "$out"
	printf '%s\n' "$out" | grep -qx '\[bond1\]' && ! printf '%s\n' "$out" | grep -q 'bond0'
}
check "dump bond1: that bond's section only" dump_bond1
dump_bond9() {
	local out rc
	out=$(bctl srv dump bond9 2>&1)
	rc=$?
	printf '%s (exit status %s)\n' "$out" "$rc"
	[ "$rc" = 1 ] && printf '%s' "$out" | grep -q 'bond9: no such bond'
}
check "dump bond9: no such bond, exit 1" dump_bond9
check "diff dumped.conf: nothing, exit 0" diff_is "$dumped" 0 ""

# show -j without what moves by itself (counters, times, LACP timers).
state() {
	bctl srv -j show | python3 -c '
import json, sys
DROP = {"counters", "stats", "rx_packets", "tx_packets", "rx_bytes", "tx_bytes",
        "link_failure_count", "link_failures", "last_change", "since", "since_ms",
        "time_in_state_ms", "uptime", "failover", "datapath", "ad", "lacp",
        "last_arp_rx", "last_rx_ms", "carrier_events", "now_ms"}
def clean(v):
    if isinstance(v, dict):
        return {k: clean(x) for k, x in sorted(v.items())
                if k not in DROP and not any(w in k for w in ("time", "count", "_ms", "_us", "bytes", "packets", "drop"))}
    if isinstance(v, list):
        return [clean(x) for x in v]
    return v
print(json.dumps(clean(json.load(sys.stdin)), indent=1, sort_keys=True))
'
}
addrs() {
	ip -n "$(nsname srv)" -o addr show dev "$1" scope global | awk '{print $3, $4}' | sort
}
# no slave in updelay ("going back") or downdelay: the state stands still
settled() {
	local s
	s=$(state) || return 1
	! printf '%s' "$s" | grep -q '"going '
}
need "the bonds settle (no slave in updelay/downdelay)" wait_for 10 settled
save_state() { state >"$TOPO_DIR/state.before"; }
need "show -j before the restart" save_state
addrs bond0 >"$TOPO_DIR/addrs0.before"

# --- A broken file: FILE:LINE, exit 2, nothing changed.
broken=$TOPO_DIR/broken.conf
printf '[bond0]\nmode = active-backup\nmiimonn = 100\n' >"$broken"
broken_diff() {
	local rc
	bctl srv diff "$broken" >"$TOPO_DIR/broken.out" 2>"$TOPO_DIR/broken.err"
	rc=$?
	cat "$TOPO_DIR/broken.out" "$TOPO_DIR/broken.err"
	echo "(exit status $rc)"
	[ "$rc" = 2 ] && [ ! -s "$TOPO_DIR/broken.out" ] &&
		grep -qF "$broken:3: " "$TOPO_DIR/broken.err"
}
check "diff of a broken file: $broken:3: on stderr, nothing on stdout, exit 2" broken_diff
missing_diff() {
	bctl srv diff "$TOPO_DIR/nonexistent.conf"
	[ $? = 2 ]
}
check "diff of a missing file: exit 2" missing_diff
same_state() { state | diff -u "$TOPO_DIR/state.before" -; }
check "nothing changed by the diffs (show -j)" same_state

# --- Restart from the dump.
check "bondd stops (SIGTERM)" stop_bondd srv
need "bondd -c dumped.conf starts" start_bondd srv -c "$dumped"
need "cli pings 192.0.2.5 again" wait_for 10 nsx cli ping -c 1 -W 1 192.0.2.5
need "the bonds settle again" wait_for 10 settled
check "show -j after the restart equals show -j before (without counters and times)" same_state
same_addrs() { addrs bond0 | diff -u "$TOPO_DIR/addrs0.before" -; }
check "bond0's addresses after the restart are those before" same_addrs
check "diff dumped.conf after the restart: nothing, exit 0" diff_is "$dumped" 0 ""

# --- The file changes: diff says what a reload will do, the reload logs the
# same line and does it.
need "dumped.conf: miimon 200 -> 300" sed -i 's/^miimon = 200$/miimon = 300/' "$dumped"
# updelay = 400 stays in the file, but the kernel keeps it in miimon ticks
# (400 / 300 = 1): with miimon 300 it is 300 ms, and diff says so.
check "diff dumped.conf: bond0: miimon 200 -> 300, updelay 400 -> 300 (by reload), exit 1" \
	diff_is "$dumped" 1 "bond0: miimon 200 -> 300
bond0: updelay 400 -> 300"
check "reload" bctl srv reload
log_has() {
	grep -F "$1" "$(bondd_log srv)" || { tail -n 20 "$(bondd_log srv)"; return 1; }
}
check "the log says 'bondd: reload: bond0: miimon 200 -> 300'" \
	log_has "bondd: reload: bond0: miimon 200 -> 300"
check "the log says 'bondd: reload: bond0: updelay 400 -> 300'" \
	log_has "bondd: reload: bond0: updelay 400 -> 300"
check "get bond0 miimon: 300" is_eq miimon 300 "$(bctl srv get bond0 miimon)"
check "get bond0 updelay: 300" is_eq updelay 300 "$(bctl srv get bond0 updelay)"
check "diff dumped.conf after the reload: nothing, exit 0" diff_is "$dumped" 0 ""
check "bondd stops (SIGTERM)" stop_bondd srv

# --- A bondd started without a configuration: bond0 made by hand as
# orig.conf has it; diff orig.conf lists bond1 and says nothing of reload.
need "bondd without a configuration starts" start_bondd srv
need "create bond0 as orig.conf has it" bctl srv create bond0 mode active-backup miimon 100 primary eth0
need "enslave bond0 eth0 eth1" bctl srv enslave bond0 eth0 eth1
need "up bond0" bctl srv up bond0
need "bond0 192.0.2.1/24" ip -n "$(nsname srv)" addr add 192.0.2.1/24 dev bond0
check "diff orig.conf without a configuration: bond1 only, no reload notes, exit 1" \
	diff_is "$orig" 1 "+ bond1 (mode balance-xor)
bond1: xmit_hash_policy layer2 -> layer2+3
bond1: + slave eth3
bond1: + address 198.51.100.1/24"
check "bondd stops (SIGTERM) without a sanitizer report" stop_bondd srv
topo_finish
