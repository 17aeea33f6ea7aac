#!/bin/bash
# t_lint: configuration lint in a running daemon, "bondctl lint [FILE]" and
# the warnings at load and reload, judged with what only the daemon knows.
#
# srv:  bondd -c srv.conf: bond0 802.3ad, lacp_rate slow, layer2 hash,
#       192.0.2.1/24 with the default gateway 192.0.2.254, over eth0 eth1
#       (veth, back to back to peer); tap0 (a TAP set to 1000 Mb/s) for
#       the speeds
# peer: bondd, bond0 802.3ad lacp_rate fast over eth0 eth1, 192.0.2.2/24
#
# - at start: bondd's log has srv.conf:LINE warnings (lacp_rate slow,
#   layer2 behind the gateway), one line each with "fix:"
# - bondctl lint: once the partner is heard, the lacp_rate warning names
#   the partner's fast rate (a runtime fact); -j gives JSON with file/line
# - a slave's MTU changed behind bondd (eth1 1400): lint says so
# - bondctl lint FILE (relative, from another directory): a clean file
#   prints nothing (exit 0); a file without a link monitor warns with its
#   absolute path and line; a file with an error is refused (exit 1,
#   FILE:LINE on stderr); a file with 802.3ad over eth0 (veth, 10000 Mb/s)
#   and tap0 (1000 Mb/s) warns about the speeds
# - bondctl lint in a bondd started without a configuration: refused
# - bondctl reload: the warnings come back on stdout
# - bondd --check-config: the warnings, without runtime facts
# - bondctl import: the imported configuration's warnings on stderr
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

conf=$TOPO_DIR/srv.conf
cat >"$conf" <<'CFG'
[bond0]
mode = 802.3ad
miimon = 100
lacp_rate = slow
slaves = eth0 eth1
address = 192.0.2.1/24
gateway = 192.0.2.254
CFG

need "topology: srv" ns_add srv
need "topology: peer" ns_add peer
need "veth srv eth0 - peer eth0" veth_pair srv eth0 peer eth0
need "veth srv eth1 - peer eth1" veth_pair srv eth1 peer eth1
need "tap0 in srv" ip -n "$(nsname srv)" tuntap add tap0 mode tap
# A TAP reports the speed it is told (veth: 10000 Mb/s, fixed).
need "tap0 at 1000 Mb/s" nsx srv ethtool -s tap0 speed 1000 duplex full autoneg off
need "bondd in peer" start_bondd peer
need "peer bond0 802.3ad lacp_rate fast" bctl peer create bond0 mode 802.3ad miimon 100 lacp_rate fast
need "peer enslaves eth0 eth1" bctl peer enslave bond0 eth0 eth1
need "peer address" bond_addr peer bond0 192.0.2.2/24
need "bondd -c srv.conf starts in srv" start_bondd srv -c "$conf"

# A warning line of the daemon's log or of bondctl's output:
# "FILE:LINE: warning: TEXT" with a fix.
has_warning() {
	local file=$1 where=$2 text=$3
	grep -F -- "$where: warning: $text" "$file" | grep -q "; fix: " && return 0
	echo "no '$where: warning: $text...; fix: ...' in:"
	cat "$file"
	return 1
}
check "start: $conf:4: lacp_rate slow warned in bondd's log" \
	has_warning "$(bondd_log srv)" "$conf:4" "bond0: 802.3ad with lacp_rate slow"
check "start: $conf:2: layer2 behind the gateway warned in bondd's log" \
	has_warning "$(bondd_log srv)" "$conf:2" "bond0: xmit_hash_policy layer2 and the default gateway 192.0.2.254"

lint_out=$TOPO_DIR/lint.out
lint_to() { bctl srv lint "$@" >"$lint_out" 2>&1; }
partner_fast() {
	lint_to || return 1
	grep -q "bond0: lacp_rate slow, but the partner of eth[01] runs the fast rate" "$lint_out" ||
		{ cat "$lint_out"; return 1; }
}
check "lint: the partner's fast rate (heard in its LACPDUs) is named" wait_for 15 partner_fast
check "lint: the layer2 warning too" has_warning "$lint_out" "$conf:2" "bond0: xmit_hash_policy layer2"
check "lint: two warnings, no more" is_eq "warnings" 2 "$(grep -c ': warning: ' "$lint_out")"
json_ok() {
	bctl srv -j lint | python3 -c '
import json, sys
w = json.load(sys.stdin)["warnings"]
assert len(w) == 2, w
assert all(x["file"] == sys.argv[1] and x["line"] in (2, 4) and "; fix: " in x["message"] for x in w), w
' "$conf"
}
check "lint -j: two warnings with file, line, message" json_ok

# The MTU bondd gave the slave, changed behind its back.
need "eth1 mtu 1400 behind bondd" ip -n "$(nsname srv)" link set eth1 mtu 1400
mtu_warned() {
	lint_to
	grep -q "warning: bond0: slave eth1 runs with MTU 1400 but the bond runs with 1500.*fix: ip link set eth1 mtu 1500" "$lint_out" ||
		{ cat "$lint_out"; return 1; }
}
check "lint: eth1's MTU 1400 against the bond's 1500, with the fix" mtu_warned
need "eth1 back to 1500" ip -n "$(nsname srv)" link set eth1 mtu 1500

# lint FILE, relative to the client's directory.
work=$TOPO_DIR/work
mkdir -p "$work/etc"
cat >"$work/etc/clean.conf" <<'CFG'
[bond7]
mode = active-backup
miimon = 100
slaves = eth8 eth9
CFG
cat >"$work/etc/nomon.conf" <<'CFG'
# no monitor
[bond7]
mode = active-backup
slaves = eth8 eth9
CFG
cat >"$work/etc/bad.conf" <<'CFG'
[bond7]
mode = active-backup
miimonn = 100
CFG
cat >"$work/etc/speeds.conf" <<'CFG'
[bond8]
mode = 802.3ad
lacp_rate = fast
slaves = eth0 tap0
CFG
lint_file() {
	(cd "$work" && nsx srv "$BONDCTL" -s "$(bondd_sock srv)" lint "$1") >"$lint_out" 2>&1
}
clean_file() {
	lint_file etc/clean.conf || { cat "$lint_out"; return 1; }
	[ ! -s "$lint_out" ] || { cat "$lint_out"; return 1; }
}
check "lint etc/clean.conf: exit 0, nothing printed" clean_file
nomon_file() {
	lint_file etc/nomon.conf || { cat "$lint_out"; return 1; }
	has_warning "$lint_out" "$work/etc/nomon.conf:2" "bond7: no link monitor (miimon 0 and arp_interval 0)"
}
check "lint etc/nomon.conf: $work/etc/nomon.conf:2: no link monitor" nomon_file
bad_file() {
	lint_file etc/bad.conf && { cat "$lint_out"; return 1; }
	grep -q "^$work/etc/bad.conf:3: unknown option 'miimonn'" "$lint_out" || { cat "$lint_out"; return 1; }
}
check "lint etc/bad.conf: refused, FILE:3: unknown option" bad_file
speeds_file() {
	lint_file etc/speeds.conf || { cat "$lint_out"; return 1; }
	has_warning "$lint_out" "$work/etc/speeds.conf:4" "bond8: 802.3ad slaves of different speeds (eth0 10000 Mb/s, tap0 1000 Mb/s)"
}
check "lint etc/speeds.conf: eth0 10000 Mb/s and tap0 1000 Mb/s" speeds_file
missing_file() {
	lint_file etc/none.conf && { cat "$lint_out"; return 1; }
	grep -q "$work/etc/none.conf" "$lint_out" || { cat "$lint_out"; return 1; }
}
check "lint etc/none.conf (missing): refused, names the file" missing_file
check "the running configuration is untouched by lint FILE" is_eq "bonds" "bond0" "$(bctl srv list | tr '\n' ' ' | sed 's/ $//')"

# A bondd started without a configuration has none to judge.
no_conf() {
	bctl peer lint >"$lint_out" 2>&1 && { cat "$lint_out"; return 1; }
	grep -q "bondd was started without a configuration.*bondctl lint FILE" "$lint_out" ||
		{ cat "$lint_out"; return 1; }
}
check "lint in a bondd without a configuration: refused, says to name a file" no_conf

# reload: the same warnings on stdout.
reload_warns() {
	bctl srv reload >"$lint_out" 2>&1 || { cat "$lint_out"; return 1; }
	has_warning "$lint_out" "$conf:4" "bond0: lacp_rate slow, but the partner of"
}
check "reload: the warnings on stdout, with the partner's fast rate" reload_warns

# --check-config: the same rules, without runtime facts.
check_config_warns() {
	nsx srv "$BONDD" --check-config -c "$conf" >"$lint_out" 2>&1 || { cat "$lint_out"; return 1; }
	has_warning "$lint_out" "$conf:4" "bond0: 802.3ad with lacp_rate slow"
}
check "bondd --check-config: the warnings too" check_config_warns

# bondctl import: the lint of the imported configuration on stderr, after
# the text; stdout is the bondd.conf text alone.
import_lints() {
	local d=$TOPO_DIR/ns-scripts
	mkdir -p "$d"
	printf 'DEVICE=bond0\nBONDING_OPTS="mode=active-backup"\n' >"$d/ifcfg-bond0"
	printf 'DEVICE=eth0\nMASTER=bond0\nSLAVE=yes\n' >"$d/ifcfg-eth0"
	"$BONDCTL" import ifcfg "$d" >"$TOPO_DIR/imp.out" 2>"$TOPO_DIR/imp.err" || {
		cat "$TOPO_DIR/imp.err"; return 1; }
	cat "$TOPO_DIR/imp.out" "$TOPO_DIR/imp.err"
	has_warning "$TOPO_DIR/imp.err" "$d/ifcfg-bond0:1" "bond0: no link monitor" &&
		! grep -q warning "$TOPO_DIR/imp.out" &&
		printf '[bond0]\nmode = active-backup\nslaves = eth0\n' | cmp - "$TOPO_DIR/imp.out"
}
check "bondctl import: lint warnings on stderr, the text unchanged on stdout" import_lints

check "bondd (srv) stops cleanly" stop_bondd srv
check "bondd (peer) stops cleanly" stop_bondd peer
topo_finish
