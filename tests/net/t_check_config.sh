#!/bin/bash
# t_check_config: "bondd --check-config" validates without touching
# anything, and a configuration error is exit status 78 (EX_CONFIG), which
# the unit does not restart on; the default configuration that
# "make install" ships is empty and valid, and bondd starts with it.
#
# srv: eth0, eth1 (veth to sw), nothing else.
# - a good file (slaves eth0 eth1, and eth2 which does not exist): 0; no
#   bond0, no control socket, no journal entry, the slaves byte-identical
#   (ip -d link, tc, disable_ipv6); with strace: no socket() at all
# - bad files (unknown option, bad value, unparsable line, --from
#   interfaces with a typo, a missing file): 78 with "FILE:LINE: ..."
# - bondd (not --check-config) on a bad file: 78, nothing created
# - the unit: ExecStartPre --check-config, RestartPreventExitStatus 78,
#   WatchdogSec, Restart=always; systemd-analyze verify when present
# - meson install (make install) into a DESTDIR: bondd.conf installed,
#   valid, never overwritten; bondd starts with it (no bond)
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"
root=$(cd "$(dirname "$0")/../.." && pwd)

need "topology" ns_add srv
need "sw" ns_add sw
need "veth eth0" veth_pair srv eth0 sw s0
need "veth eth1" veth_pair srv eth1 sw s1

good=$TOPO_DIR/good.conf
cat >"$good" <<'CFG'
[bond0]
mode = active-backup
miimon = 100
slaves = eth0 eth1 eth2
address = 192.0.2.1/24
CFG

# Everything bondd could touch, as text.
snapshot() {
	local i
	nsx srv ip -d link show
	nsx srv ip addr show
	for i in eth0 eth1; do
		nsx srv tc qdisc show dev "$i"
		nsx srv tc filter show dev "$i" ingress
		nsx srv cat "/proc/sys/net/ipv6/conf/$i/disable_ipv6"
	done
	ls -la /run/bondd 2>/dev/null
	ls -laR /run/bondd/journal 2>/dev/null
	ls -A "$rundir"
}

# The control socket would go here: the directory must stay empty.
rundir=$TOPO_DIR/run
mkdir -p "$rundir"
sock=$rundir/ctl.sock
# check_cfg OUT ARGS...: bondd --check-config ARGS in srv; prints the output
# and the status; returns the status.
check_cfg() {
	local out=$1 rc
	shift
	BONDD_SOCKET=$sock nsx srv "$BONDD" --check-config "$@" >"$out" 2>&1
	rc=$?
	cat "$out"
	echo "(exit status $rc)"
	return "$rc"
}

before=$(snapshot)
check "good file: exit 0" check_cfg "$TOPO_DIR/good.out" -c "$good"
check "good file: says OK with one bond" grep -q "configuration OK (1 bond)" "$TOPO_DIR/good.out"
check "good file: a missing slave (eth2) is not an error" \
	bash -c "! grep -qi error '$TOPO_DIR/good.out'"
no_change() {
	local after
	after=$(snapshot)
	[ "$before" = "$after" ] && return 0
	diff <(printf '%s\n' "$before") <(printf '%s\n' "$after")
	return 1
}
check "good file: nothing changed (links, addresses, tc, sysctls, /run/bondd, no socket)" no_change
check "good file: no bond0 device" bash -c "! ip -n '$(nsname srv)' link show bond0 2>/dev/null"
check "good file: no control socket" test ! -e "$sock"
if command -v strace >/dev/null; then
	# LeakSanitizer cannot run under ptrace: leaks are checked elsewhere.
	no_syscalls() {
		ASAN_OPTIONS=detect_leaks=0 BONDD_SOCKET=$sock nsx srv strace -f -qq -e trace=socket,mkdir,unlink,rename \
			-o "$TOPO_DIR/strace.out" "$BONDD" --check-config -c "$good" >/dev/null 2>&1 || return 1
		cat "$TOPO_DIR/strace.out"
		! grep -qE 'socket\(|mkdir\(|unlink\(|rename\(' "$TOPO_DIR/strace.out"
	}
	check "good file: no socket(), mkdir(), unlink(), rename() at all (strace)" no_syscalls
	touches_dev() {
		ASAN_OPTIONS=detect_leaks=0 BONDD_SOCKET=$sock nsx srv strace -f -qq -e trace=openat,open \
			-o "$TOPO_DIR/strace2.out" "$BONDD" --check-config -c "$good" >/dev/null 2>&1 || return 1
		grep -E '/dev/net/tun|/proc/sys|/run/' "$TOPO_DIR/strace2.out" && return 1
		grep -E 'O_WRONLY|O_RDWR|O_CREAT' "$TOPO_DIR/strace2.out" && return 1
		return 0
	}
	check "good file: opens nothing for writing, no /dev/net/tun, /proc/sys, /run (strace)" touches_dev
else
	topo_log "strace not installed: syscall checks skipped"
fi

# --- Bad files: 78 and FILE:LINE.
printf '[bond0]\nmode = active-backup\nmiimonn = 100\nslaves = eth0 eth1\n' >"$TOPO_DIR/unknown.conf"
printf '[bond0]\nmode = active-backup\nmiimon = lots\nslaves = eth0 eth1\n' >"$TOPO_DIR/value.conf"
printf '[bond0]\nmode = active-backup\nthis is not a line\n' >"$TOPO_DIR/syntax.conf"
printf '[bond0\nmode = 1\n' >"$TOPO_DIR/section.conf"
is_78() {
	local rc
	check_cfg "$@"
	rc=$?
	[ "$rc" = 78 ]
}
check "unknown option: exit 78" is_78 "$TOPO_DIR/unknown.out" -c "$TOPO_DIR/unknown.conf"
check "unknown option: FILE:LINE and the nearest name" \
	grep -q "unknown.conf:3: .*miimonn.*did you mean 'miimon'" "$TOPO_DIR/unknown.out"
check "bad value: exit 78" is_78 "$TOPO_DIR/value.out" -c "$TOPO_DIR/value.conf"
check "bad value: FILE:LINE" grep -q "value.conf:3: " "$TOPO_DIR/value.out"
check "unparsable line: exit 78" is_78 "$TOPO_DIR/syntax.out" -c "$TOPO_DIR/syntax.conf"
check "unparsable line: FILE:LINE" grep -q "syntax.conf:3: " "$TOPO_DIR/syntax.out"
check "unterminated section: exit 78" is_78 "$TOPO_DIR/section.out" -c "$TOPO_DIR/section.conf"
check "unterminated section: FILE:LINE" grep -q "section.conf:1: " "$TOPO_DIR/section.out"
check "missing file: exit 78" is_78 "$TOPO_DIR/missing.out" -c "$TOPO_DIR/nope.conf"
mkdir -p "$TOPO_DIR/deb"
printf 'auto bond0\niiface bond0 inet static\n    address 192.0.2.1/24\n    bond-slaves eth0 eth1\n    bond-mode active-backup\n' \
	>"$TOPO_DIR/deb/interfaces"
check "--from interfaces with a typo: exit 78" is_78 "$TOPO_DIR/deb.out" --from interfaces "$TOPO_DIR/deb/interfaces"
check "--from interfaces: FILE:LINE" grep -q "interfaces:2: " "$TOPO_DIR/deb.out"
check "bad files: nothing changed" no_change

# --- The daemon itself on a bad file: 78 before touching anything.
daemon_78() {
	local rc
	BONDD_SOCKET=$sock timeout 15 ip netns exec "$(nsname srv)" "$BONDD" -f -s "$sock" \
		-c "$TOPO_DIR/unknown.conf" >"$TOPO_DIR/daemon.out" 2>&1
	rc=$?
	cat "$TOPO_DIR/daemon.out"
	echo "(exit status $rc)"
	[ "$rc" = 78 ] && grep -q "unknown.conf:3: " "$TOPO_DIR/daemon.out"
}
check "bondd -c BAD: exit 78 with FILE:LINE" daemon_78
check "bondd -c BAD: nothing changed, no socket" no_change

# --- The unit.
unit=$root/dist/bondd.service
check "unit: ExecStartPre runs --check-config" grep -qE '^ExecStartPre=-?/usr/sbin/bondd --check-config' "$unit"
check "unit: RestartPreventExitStatus has 78" grep -qE '^RestartPreventExitStatus=.*\b78\b' "$unit"
check "unit: Restart=always" grep -qx 'Restart=always' "$unit"
check "unit: WatchdogSec" grep -qE '^WatchdogSec=[0-9]' "$unit"
if command -v systemd-analyze >/dev/null; then
	verify_unit() {
		local d=$TOPO_DIR/unit
		mkdir -p "$d"
		sed -e "s|/usr/sbin/bondd|$BONDD|g" -e "s|/usr/bin/bondctl|$BONDCTL|g" "$unit" >"$d/bondd.service"
		systemd-analyze verify --man=no "$d/bondd.service"
	}
	check "unit: systemd-analyze verify" verify_unit
fi

# --- make install's default configuration (meson install of this build,
# in its prefix's sysconfdir).
dest=$TOPO_DIR/dest
build=$(dirname "$(dirname "$(dirname "$BONDD")")")
sysconf=$(meson introspect "$build" --buildoptions | python3 -c '
import json, os, sys
o = {x["name"]: x["value"] for x in json.load(sys.stdin)}
print(os.path.join(o["prefix"], o["sysconfdir"]))')
conf=$dest$sysconf/bondd/bondd.conf
installed() {
	DESTDIR=$dest meson install -C "$build" --no-rebuild >"$TOPO_DIR/install.out" 2>&1 ||
		{ cat "$TOPO_DIR/install.out"; return 1; }
	test -f "$conf"
}
check "meson install installs $sysconf/bondd/bondd.conf" installed
check "the default bondd.conf is valid, with no bond" \
	bash -c "'$BONDD' --check-config -c '$conf' | grep -q 'configuration OK (0 bonds)'"
kept() {
	echo "# mine" >>"$conf"
	DESTDIR=$dest meson install -C "$build" --no-rebuild >"$TOPO_DIR/install2.out" 2>&1 ||
		{ cat "$TOPO_DIR/install2.out"; return 1; }
	tail -n 1 "$conf" | grep -qx '# mine'
}
check "meson install never overwrites an existing bondd.conf" kept
check "bondd starts with the default configuration" start_bondd srv -c "$conf"
check "no bond with the default configuration" is_eq bonds "" "$(bctl srv list)"
check "bondd exits cleanly on SIGTERM" stop_bondd srv
topo_finish
