#!/bin/bash
# t_systemd: the Debian package under a real systemd (issue 15, items 4, 5).
#
# A fresh Debian 12 root (tests/pkg/mkroot.sh: debootstrap minbase with
# systemd, systemd-sysv, dbus, iproute2 and the package's own dependencies,
# cached as a tarball under /var/cache/bondd-tests/) is unpacked into a
# temporary directory and booted with systemd-nspawn --boot: systemd is the
# container's PID 1. This machine's PID 1 is not systemd, hence
# --register=no (no machined) and --keep-unit (no transient scope): nspawn
# then runs in the cgroup it was started in, so the script starts it in a
# cgroup of its own (one per hierarchy: the v1 name=systemd and the v2
# "unified" one of this host's hybrid layout), removed afterwards.
# --private-network gives the container its own network namespace and,
# with it, CAP_NET_ADMIN and a writable /proc/sys/net (with
# --network-namespace-path= instead nspawn grants neither, and bondd cannot
# make its TAP); CAP_BPF and CAP_PERFMON are added for the kernel data
# path, /dev/net/tun is bound in, and a bpffs mounted for the run is bound
# on /sys/fs/bpf, where systemd mounts it on a real host (it does not in a
# container). The slaves eth0, eth1 are veths made into the container's
# namespace by its PID; their peers p0, p1 stay in a test namespace, in the
# bridge br0 with 192.0.2.2/24. Nothing is reached but these namespaces.
#
# Inside: dpkg -i of the package (BONDD_DEB=FILE, or the newest
# bondd_*.deb in BONDD_DEB_DIR as make check sets it, or one built here by
# scripts/mkdeb.sh), then
#  1. systemctl start -> active (running) once READY=1 came (Type=notify,
#     NotifyAccess=main, STATUS= "1 bond" from the same datagram, the bond
#     there when systemctl returns, "Started" logged after bondd's bond0 up);
#  2. the bond of /etc/bondd/bondd.conf exists and passes a ping;
#  3. systemctl reload applies miimon 100 -> 50 and an added address under a
#     1 kHz ping: 0 lost;
#  4. SIGSTOP: the watchdog (WatchdogSec=10s) kills and restarts bondd
#     (NRestarts + 1, "Watchdog timeout" in the journal);
#  5. a configuration error: state failed, exit status 78, FILE:LINE in
#     systemctl status, NRestarts unchanged (no restart loop);
#  6. SIGSEGV and SIGKILL: restarted at once (RestartSec=200ms), the bond
#     taken back; after systemctl stop the slaves have their MAC, MTU, flags
#     and disable_ipv6 of before bondd, and /run/bondd/journal is empty;
#  7. journalctl -u bondd -p warning shows bondd's warnings (a missing slave,
#     a lint warning) at priority 4, and not its notices;
#  8. systemd-analyze security bondd: overall exposure OK or better;
#  9. (item 5) the kernel data path, a newer .deb (the same package, version
#     bumped by dpkg-deb; or BONDD_DEB_NEW=FILE, a rebuilt one) installed
#     over the running bondd under a 1 kHz
#     ping: 0 lost, same pid (postinst: bondctl upgrade), the new file
#     running (/proc/PID/exe not "(deleted)"), no restart.
# BONDD_DATAPATH (packet|ebpf, default ebpf): the data path of 1-8; 9 is
# always ebpf (the packet data path cannot survive its daemon).
. "$(dirname "$0")/../net/lib_topo.sh"
topo_init "$@"

ROOT_DIR=$(cd "$(dirname "$0")/../.." && pwd)
DP=${BONDD_DATAPATH:-ebpf}
case $DP in packet | ebpf) ;; *)
	echo "FAIL $(topo_name): BONDD_DATAPATH must be packet or ebpf (got $DP)"
	exit 1
	;;
esac
MACHINE=bondd-sysd-$$
CG_NAME=bondd-sysd-$$
CONF=/etc/bondd/bondd.conf
BOND_IP=192.0.2.1
PEER_IP=192.0.2.2
ADDED_IP=192.0.2.3

missing=""
for b in systemd-nspawn nsenter dpkg-deb ping mount tar; do
	command -v "$b" >/dev/null || missing="$missing $b"
done
if [ -n "$missing" ]; then
	echo "FAIL $(topo_name): not installed:$missing (scripts/deps.sh test installs systemd-container, iputils-ping)"
	exit 1
fi

# The package: BONDD_DEB=FILE; else make deb's output in BONDD_DEB_DIR (make
# check builds it first and says where); else one built here from the
# working tree as make deb does (never an old build/deb/ left from before).
DEB=${BONDD_DEB:-}
if [ -z "$DEB" ] && [ -n "${BONDD_DEB_DIR:-}" ]; then
	DEB=$(ls -t "$BONDD_DEB_DIR"/bondd_*.deb 2>/dev/null | head -n 1)
	[ -n "$DEB" ] || DEB="(none in $BONDD_DEB_DIR)"
fi
if [ -z "$DEB" ]; then
	t0=$(now_ms)
	need "the package from the working tree (scripts/mkdeb.sh)" eval '
		DEB_BUILD_OPTIONS=nocheck sh "$ROOT_DIR/scripts/mkdeb.sh" "$TOPO_DIR/deb" >"$TOPO_DIR/deb.log" 2>&1 ||
		{ tail -n 30 "$TOPO_DIR/deb.log"; false; }'
	topo_log "package built in $(($(now_ms) - t0)) ms"
	DEB=$(ls "$TOPO_DIR"/deb/bondd_*.deb | head -n 1)
fi
if [ ! -f "$DEB" ]; then
	echo "FAIL $(topo_name): no package $DEB (make deb builds one; or BONDD_DEB=FILE)"
	exit 1
fi

NSPAWN_PID=""
CPID=""
# The container's root, not under /tmp (TOPO_DIR): /tmp may be a
# nodev,nosuid tmpfs (fresh build roots, some hosts), which the root would
# inherit.
ROOT=$(mktemp -d /var/tmp/bondd-sys.XXXXXX) || exit 1
BPFFS=$TOPO_DIR/bpffs
CGROUPS=()
CG_MOUNTS=()   # cgroup hierarchies the test mounted itself

# rm_cgroup DIR: removes a cgroup directory tree, deepest first, killing
# what is still in it (nspawn's "payload" and "supervisor" children).
rm_cgroup() {
	local d p
	[ -d "$1" ] || return 0
	for d in $(find "$1" -depth -type d 2>/dev/null); do
		for p in $(cat "$d/cgroup.procs" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null
		done
	done
	for d in $(find "$1" -depth -type d 2>/dev/null); do
		rmdir "$d" 2>/dev/null
	done
}

# Everything is undone, also on failure: the container (SIGTERM halts it,
# SIGKILL after 20 s), its cgroups, the bpffs, the root copy, the
# namespaces (topo_cleanup).
sys_cleanup() {
	local rc=$? cg
	if [ -n "$NSPAWN_PID" ] && kill -0 "$NSPAWN_PID" 2>/dev/null; then
		if [ "$TOPO_FAILS" -gt 0 ] && [ -n "$CPID" ]; then
			echo "    --- the container's journal, last lines ---"
			cx journalctl -b --no-pager -n 60 2>&1 | topo_indent
		fi
		kill -TERM "$NSPAWN_PID" 2>/dev/null
		topo_reap "$NSPAWN_PID" 20 >/dev/null 2>&1
	fi
	# nspawn killed outright leaves its container running: killing its
	# PID 1 ends the whole PID namespace.
	if [ -n "$CPID" ] && kill -0 "$CPID" 2>/dev/null; then
		kill -KILL "$CPID" 2>/dev/null
		sleep 0.5
	fi
	for cg in "${CGROUPS[@]}"; do
		rm_cgroup "$cg"
	done
	for cg in "${CG_MOUNTS[@]}"; do
		umount "$cg"
	done
	rm -rf "/run/systemd/nspawn/propagate/$MACHINE" "/run/systemd/nspawn/unix-export/$MACHINE"
	mountpoint -q "$BPFFS" 2>/dev/null && umount "$BPFFS"
	# the root copy holds no mounts of its own (nspawn's die with it)
	[ -n "$ROOT" ] && rm -rf "$ROOT"
	# topo_cleanup takes the script's status from $?
	(exit "$rc")
	topo_cleanup
}
trap sys_cleanup EXIT

# cx CMD...: CMD inside the container (all its namespaces), with a clean
# environment (nothing of the test's leaks in: BONDD_*, ASAN_OPTIONS).
# --root/--wd: nspawn reaches the container's root by MS_MOVE + chroot,
# not pivot_root, so entering its mount namespace alone lands on that
# namespace's root mount; when the test itself runs in a chroot, that is
# the outer tree, where systemctl finds no /run/systemd ("not booted with
# systemd"). The target's own root is the container's.
cx() {
	nsenter -t "$CPID" -a --root --wd -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		SYSTEMD_COLORS=0 SYSTEMD_PAGER=cat SYSTEMD_LOG_COLOR=0 TERM=dumb "$@"
}

# prop NAME: a property of bondd.service (systemctl show --value).
prop() { cx systemctl show -p "$1" --value bondd.service; }

# state_is ACTIVE SUB: the unit's states.
state_is() {
	local a s
	a=$(prop ActiveState)
	s=$(prop SubState)
	is_eq "ActiveState/SubState" "$1/$2" "$a/$s"
}

# ping_stream COUNT OUT: a 1 kHz ping from the peer to the bond, in the
# background; ping_lost OUT prints what it lost after it ended.
ping_stream() {
	nsx peer ping -n -q -i 0.001 -W 1 -c "$1" "$BOND_IP" >"$2" 2>&1 &
	PING_PID=$!
}
ping_lost() {
	awk '/packets transmitted/ { print $1 - $4; found = 1 } END { if (!found) print "none" }' "$1"
}

# slave_state IF: what bondd must give back (MAC, MTU, flags, disable_ipv6).
slave_state() {
	cx sh -c "cat /sys/class/net/$1/address /sys/class/net/$1/mtu /sys/class/net/$1/flags \
		/proc/sys/net/ipv6/conf/$1/disable_ipv6" | tr '\n' ' '
}

write_conf() {
	local extra=${1:-}
	cx sh -c "cat > $CONF" <<EOF
# written by tests/sys/t_systemd.sh
[daemon]
datapath = $DP

[bond0]
mode = active-backup
miimon = 100
primary = eth0
slaves = eth0 eth1
address = $BOND_IP/24
$extra
EOF
}

# slaves_up: how many slave sections of bondctl show bond0 say "MII Status: up".
slaves_up() {
	cx bondctl show bond0 | awk '/^Slave Interface: / { s = 1 } s && /^MII Status: up/ { n++ } END { print n + 0 }'
}

two_slaves_up() { is_eq "slaves up" 2 "$(slaves_up)"; }

bond_pings() { nsx peer ping -n -c 1 -W 1 "$1" >/dev/null; }

# journal_since CURSOR_FILE ARGS...: bondd's journal after the cursor
# taken by journal_mark CURSOR_FILE.
journal_mark() {
	cx journalctl -u bondd -n 0 --show-cursor --no-pager | sed -n 's/^-- cursor: //p' >"$1"
}
journal_since() {
	local f=$1
	shift
	cx journalctl -u bondd --no-pager --after-cursor="$(cat "$f")" "$@"
}

# --- the root and the container -------------------------------------------------

T_START=$(now_ms)

# The package's dependencies go into the cached root too, so that dpkg -i
# needs no network inside the container (no network reaches it).
deps=$(dpkg-deb -f "$DEB" Depends | tr ',' '\n' | sed 's/[(|].*//; s/^ *//; s/ *$//' | sed '/^$/d' | tr '\n' ' ')
t0=$(now_ms)
need "the Debian 12 root (mkroot.sh: systemd systemd-sysv dbus iproute2 $deps)" \
	sh "$ROOT_DIR/tests/pkg/mkroot.sh" "$ROOT" systemd systemd-sysv dbus iproute2 $deps
topo_log "root ready in $(($(now_ms) - t0)) ms"
# "/" as on any system: a tarball cached by an earlier mkroot.sh has the
# 0700 of its mktemp -d directory, and then no daemon that drops root
# (dbus-daemon as messagebus) can reach any file: the boot hangs on dbus.
chmod 0755 "$ROOT"
cp "$DEB" "$ROOT/var/tmp/bondd.deb"

# The newer package for step 9: the same files, the version bumped (the
# upgrade path is dpkg's and postinst's, the same for any newer version).
# BONDD_DEB_NEW=FILE: a newer package built apart (make deb DEB_VERSION=V:
# another binary) instead.
VERSION=$(dpkg-deb -f "$DEB" Version)
if [ -n "${BONDD_DEB_NEW:-}" ]; then
	NEW_VERSION=$(dpkg-deb -f "$BONDD_DEB_NEW" Version)
	need "BONDD_DEB_NEW: $NEW_VERSION is newer than $VERSION" eval '
		dpkg --compare-versions "$NEW_VERSION" gt "$VERSION" &&
		cp "$BONDD_DEB_NEW" "$ROOT/var/tmp/bondd-new.deb"'
else
	NEW_VERSION=$VERSION+sysd1
	need "a newer package $NEW_VERSION (dpkg-deb -R, Version bumped, dpkg-deb -b)" eval '
		dpkg-deb -R "$DEB" "$TOPO_DIR/newdeb" &&
		sed -i "s/^Version: .*/Version: $NEW_VERSION/" "$TOPO_DIR/newdeb/DEBIAN/control" &&
		dpkg-deb --root-owner-group -b "$TOPO_DIR/newdeb" "$ROOT/var/tmp/bondd-new.deb" >/dev/null &&
		rm -rf "$TOPO_DIR/newdeb"'
fi

mkdir -p "$BPFFS"
need "a bpffs for the container's /sys/fs/bpf" mount -t bpf bpf "$BPFFS"

need "the test namespace for the peers" ns_add peer

# A /sys with no cgroup hierarchy mounted (a chroot's own sysfs, as build
# roots and some containers have; fresh-run's): nspawn refuses to start
# ("Failed to determine whether the unified cgroups hierarchy is used").
# The test mounts the hybrid layout of this host for itself (a tmpfs, the
# v1 name=systemd hierarchy, the v2 one) and unmounts it at the end.
if [ -z "$(ls -A /sys/fs/cgroup 2>/dev/null)" ]; then
	mount -t tmpfs -o nosuid,nodev,noexec,mode=755 cgroup_root /sys/fs/cgroup &&
		CG_MOUNTS=(/sys/fs/cgroup) &&
		mkdir /sys/fs/cgroup/unified /sys/fs/cgroup/systemd &&
		mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 /sys/fs/cgroup/unified &&
		CG_MOUNTS=(/sys/fs/cgroup/unified "${CG_MOUNTS[@]}") &&
		mount -t cgroup -o nosuid,nodev,noexec,none,name=systemd cgroup /sys/fs/cgroup/systemd &&
		CG_MOUNTS=(/sys/fs/cgroup/systemd "${CG_MOUNTS[@]}")
	need "cgroup hierarchies for nspawn mounted (none were on /sys/fs/cgroup)" \
		mountpoint -q /sys/fs/cgroup/systemd
fi
# Our own cgroups when nobody manages this host's (PID 1 is not systemd):
# nspawn --keep-unit makes its "payload" and "supervisor" under them.
if [ ! -d /run/systemd/system ]; then
	for h in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified; do
		[ -f "$h/cgroup.procs" ] || continue
		mkdir "$h/$CG_NAME" && CGROUPS+=("$h/$CG_NAME")
	done
fi
(
	for cg in "${CGROUPS[@]}"; do
		echo "$BASHPID" >"$cg/cgroup.procs"
	done
	exec systemd-nspawn --quiet --register=no --keep-unit -M "$MACHINE" -D "$ROOT" --boot \
		--console=pipe --private-network \
		--capability=CAP_BPF,CAP_PERFMON --system-call-filter=bpf \
		--bind=/dev/net/tun --bind="$BPFFS":/sys/fs/bpf \
		</dev/null >"$TOPO_DIR/console.log" 2>&1
) &
NSPAWN_PID=$!

# The container's PID 1 is nspawn's child that runs systemd, up once its
# private bus socket exists (systemctl before that fails at once instead
# of waiting).
container_up() {
	local p
	CPID=""
	for p in $(pgrep -P "$NSPAWN_PID"); do
		if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = systemd ]; then
			CPID=$p
			[ -S "/proc/$p/root/run/systemd/private" ]
			return
		fi
	done
	return 1
}
t0=$(now_ms)
# On failure: what nspawn and the container printed (why it did not
# boot).
if ! check "systemd-nspawn --boot starts systemd as the container's PID 1" wait_for 30 container_up; then
	echo "    --- nspawn's console (last 40 lines) ---"
	tail -n 40 "$TOPO_DIR/console.log" | sed 's/^/    /'
	exit 1
fi
container_up # wait_for ran it in a subshell: CPID here
need "the container reaches multi-user (systemctl is-system-running --wait)" eval \
	'timeout 60 nsenter -t "$CPID" -a --root --wd -- systemctl is-system-running --wait | grep -Eqx "running|degraded" ||
	 { cx systemctl --failed --no-pager; cat "$TOPO_DIR/console.log"; false; }'
topo_log "booted in $(($(now_ms) - t0)) ms"

# The slaves: veths into the container's namespace, one up and one down
# with its own MTU, so that "given back as it was" means something.
need "veths eth0, eth1 in the container, their peers bridged in the peer namespace" eval '
	ip -n "$(nsname peer)" link add p0 type veth peer name eth0 netns "$CPID" &&
	ip -n "$(nsname peer)" link add p1 type veth peer name eth1 netns "$CPID" &&
	bridge_switch peer br0 p0 p1 &&
	ip -n "$(nsname peer)" addr add "$PEER_IP/24" dev br0 &&
	cx ip link set eth0 up && cx ip link set eth1 mtu 1400'
ORIG0=$(slave_state eth0)
ORIG1=$(slave_state eth1)
topo_log "before bondd: eth0 $ORIG0; eth1 $ORIG1"

# --- the package ------------------------------------------------------------------

t0=$(now_ms)
check "dpkg -i $(basename "$DEB") in the container" cx dpkg -i /var/tmp/bondd.deb
topo_log "installed in $(($(now_ms) - t0)) ms"
check "installed: bondd.service enabled" eval '[ "$(cx systemctl is-enabled bondd.service)" = enabled ]'
check "installed: started with the shipped configuration, no bond (STATUS=0 bonds)" eval '
	state_is active running && is_eq StatusText "0 bonds" "$(prop StatusText)"'

# --- 1. start: active (running) after READY=1 ---------------------------------------

check "systemctl stop bondd" cx systemctl stop bondd.service
write_conf
journal_mark "$TOPO_DIR/c1"
t0=$(now_ms)
check "1: systemctl start bondd returns 0" cx systemctl start bondd.service
topo_log "systemctl start took $(($(now_ms) - t0)) ms"
# systemctl start returns once a Type=notify unit is active: the bond must
# be there at that moment already, and STATUS= comes in READY=1's datagram.
check "1: bond0 exists when systemctl start returns" cx ip link show bond0
check "1: active (running)" state_is active running
check "1: Type=notify, NotifyAccess=main, ExecMainStatus=0" eval '
	is_eq Type notify "$(prop Type)" && is_eq NotifyAccess main "$(prop NotifyAccess)" &&
	is_eq ExecMainStatus 0 "$(prop ExecMainStatus)"'
check "1: STATUS=1 bond (sent with READY=1)" eval 'is_eq StatusText "1 bond" "$(prop StatusText)"'
check "1: \"Started\" logged after bondd made bond0 (activating until READY=1)" eval '
	journal_since "$TOPO_DIR/c1" -o cat >"$TOPO_DIR/j1"
	up=$(grep -n "^bond0: up" "$TOPO_DIR/j1" | head -n 1 | cut -d: -f1)
	st=$(grep -n "^Started bondd.service" "$TOPO_DIR/j1" | head -n 1 | cut -d: -f1)
	[ -n "$up" ] && [ -n "$st" ] && [ "$up" -lt "$st" ] || { cat "$TOPO_DIR/j1"; false; }'
check "1: systemd's watchdog reached bondd (WATCHDOG_USEC)" eval '
	journal_since "$TOPO_DIR/c1" -o cat | grep -q "systemd watchdog every 10000 ms"'

# --- 2. the bond ---------------------------------------------------------------------

check "2: bondctl show bond0: eth0 active, both slaves up" eval '
	txt=$(cx bondctl show bond0) &&
	is_eq active eth0 "$(status_field "$txt" "Currently Active Slave")" &&
	is_eq "slaves up" 2 "$(slaves_up)" || { printf "%s\n" "$txt"; false; }'
check "2: the peer pings the bond ($BOND_IP)" wait_for 5 bond_pings "$BOND_IP"

# --- 3. reload ------------------------------------------------------------------------

cx sed -i "s/^miimon = 100/miimon = 50/; \$a address = $ADDED_IP/24" "$CONF"
journal_mark "$TOPO_DIR/c3"
ping_stream 3000 "$TOPO_DIR/ping3"
sleep 0.5
check "3: systemctl reload bondd" cx systemctl reload bondd.service
wait "$PING_PID"
LOST=$(ping_lost "$TOPO_DIR/ping3")
check "3: reload under a 1 kHz ping: 0 lost (lost: $LOST of 3000)" is_eq lost 0 "$LOST"
check "3: miimon now 50" eval 'is_eq miimon 50 "$(cx bondctl show bond0 | sed -n "s/^MII Polling Interval (ms): //p")"'
check "3: the added address $ADDED_IP answers" wait_for 3 bond_pings "$ADDED_IP"
check "3: the journal shows the reload's changes" eval '
	journal_since "$TOPO_DIR/c3" -o cat >"$TOPO_DIR/j3"
	grep -q "reload: bond0: miimon 100 -> 50" "$TOPO_DIR/j3" &&
	grep -q "reload: bond0: + address $ADDED_IP/24" "$TOPO_DIR/j3" &&
	grep -q "^Reloaded bondd.service" "$TOPO_DIR/j3" || { cat "$TOPO_DIR/j3"; false; }'
check "3: still active (running), same pid, no restart" eval '
	state_is active running && is_eq NRestarts 0 "$(prop NRestarts)"'

# --- 4. the watchdog -------------------------------------------------------------------

PID=$(prop MainPID)
N0=$(prop NRestarts)
journal_mark "$TOPO_DIR/c4"
restarted() {
	[ "$(prop NRestarts)" = $(($1 + 1)) ] && [ "$(prop SubState)" = running ] &&
		[ "$(prop MainPID)" != "$2" ]
}
t0=$(now_ms)
check "4: SIGSTOP bondd (pid $PID)" cx sh -c "kill -STOP $PID"
# WatchdogSec=10s: the last ping was at most 5 s before the stop
check "4: the watchdog kills and restarts it (NRestarts $N0 -> $((N0 + 1)))" wait_for 20 restarted "$N0" "$PID"
topo_log "hung daemon restarted after $(($(now_ms) - t0)) ms"
check "4: the journal says \"Watchdog timeout\"" eval '
	journal_since "$TOPO_DIR/c4" -o cat | grep -q "Watchdog timeout"'
check "4: the restarted bondd runs bond0 again" wait_for 5 bond_pings "$BOND_IP"

# --- 5. a configuration error -----------------------------------------------------------

cx cp "$CONF" /var/tmp/good.conf
cx sed -i "s/^mode = active-backup/mode = active-bakup/" "$CONF"
BADLINE=$(cx grep -n "^mode = " "$CONF" | cut -d: -f1)
check "5: systemctl restart with a broken file fails" eval '! cx systemctl restart bondd.service'
# a start job resets NRestarts: 0 now, and still 0 once RestartSec=200ms
# has passed many times over
check "5: state failed, exit status 78, NRestarts 0" eval '
	is_eq ActiveState failed "$(prop ActiveState)" && is_eq ExecMainStatus 78 "$(prop ExecMainStatus)" &&
	is_eq NRestarts 0 "$(prop NRestarts)"'
sleep 1.5
check "5: no restart loop (1.5 s later: still failed, NRestarts 0)" eval '
	is_eq ActiveState failed "$(prop ActiveState)" && is_eq NRestarts 0 "$(prop NRestarts)"'
check "5: systemctl status names $CONF:$BADLINE" eval '
	cx systemctl status bondd.service --no-pager -l -n 20 >"$TOPO_DIR/st5"
	grep -q "$CONF:$BADLINE: " "$TOPO_DIR/st5" || { cat "$TOPO_DIR/st5"; false; }'
check "5: the slaves were given back at stop" eval '
	is_eq eth0 "$ORIG0" "$(slave_state eth0)" && is_eq eth1 "$ORIG1" "$(slave_state eth1)"'
cx cp /var/tmp/good.conf "$CONF"
check "5: fixed: systemctl start runs again" eval 'cx systemctl start bondd.service && state_is active running'

# --- 6. crashes --------------------------------------------------------------------------

for sig in SEGV KILL; do
	PID=$(prop MainPID)
	N0=$(prop NRestarts)
	journal_mark "$TOPO_DIR/c6"
	t0=$(now_ms)
	check "6: SIG$sig bondd (pid $PID)" cx sh -c "kill -$sig $PID"
	check "6: SIG$sig: restarted at once (NRestarts $N0 -> $((N0 + 1)))" wait_for 5 restarted "$N0" "$PID"
	topo_log "SIG$sig: running again after $(($(now_ms) - t0)) ms"
	# (on the packet data path a slave the journal gave back down comes
	# up again with the next MII reads)
	check "6: SIG$sig: the restarted bondd took the slaves back (bondctl show: 2 slaves, MII up)" eval '
		wait_for 5 two_slaves_up ||
		{ cx bondctl show bond0; cx ip -d link show; journal_since "$TOPO_DIR/c6" -o short-precise; false; }'
	check "6: SIG$sig: the bond passes traffic" wait_for 5 bond_pings "$BOND_IP"
done
check "6: systemctl stop" cx systemctl stop bondd.service
check "6: eth0 given back as it was ($ORIG0)" eval 'is_eq eth0 "$ORIG0" "$(slave_state eth0)"'
check "6: eth1 given back as it was ($ORIG1)" eval 'is_eq eth1 "$ORIG1" "$(slave_state eth1)"'
check "6: no journal entry left under /run/bondd/journal" eval '
	left=$(cx find /run/bondd/journal -type f 2>/dev/null); [ -z "$left" ] || { echo "$left"; false; }'
check "6: systemctl start again" eval 'cx systemctl start bondd.service && state_is active running'

# --- 7. warnings with their priority ---------------------------------------------------------

journal_mark "$TOPO_DIR/c7"
# -p and --after-cursor do not mix: journalctl 252 then skips the first
# match after the cursor when the cursor's own entry does not match (the
# "eth9 is missing" line went missing that way): --since for -p.
T7=$(cx date "+%Y-%m-%d %H:%M:%S")
cx sed -i "s/^slaves = eth0 eth1$/slaves = eth0 eth1 eth9/; s/^primary = eth0/primary = eth8/" "$CONF"
check "7: reload with a missing slave (eth9) and a primary that is no slave (eth8)" \
	cx systemctl reload bondd.service
check "7: journalctl -u bondd -p warning shows both, from bondd" eval '
	cx journalctl -u bondd --no-pager --since "$T7" -p warning -o cat >"$TOPO_DIR/j7"
	grep -q "^bond0: eth9 is missing" "$TOPO_DIR/j7" &&
	grep -q "$CONF:[0-9]*: warning: bond0: primary eth8 is not one of its slaves" "$TOPO_DIR/j7" ||
	{ cat "$TOPO_DIR/j7"; echo "--- all priorities:"; journal_since "$TOPO_DIR/c7" -o json |
	  python3 -c "import json, sys; [print(e.get(\"PRIORITY\"), e.get(\"_COMM\"), e.get(\"MESSAGE\")) for e in map(json.loads, sys.stdin)]"; false; }'
check "7: ... at priority 4 (warning), logged by bondd itself" eval '
	cx journalctl -u bondd --no-pager --since "$T7" -p warning -o json >"$TOPO_DIR/j7.json"
	python3 - "$TOPO_DIR/j7.json" <<"EOF"
import json, sys
seen = 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    m = e.get("MESSAGE", "")
    if "eth9 is missing" in m or "primary eth8 is not one" in m:
        print(e.get("_COMM"), e.get("PRIORITY"), m[:80])
        if e.get("PRIORITY") != "4" or e.get("_COMM") != "bondd":
            sys.exit(1)
        seen += 1
sys.exit(0 if seen >= 2 else 1)
EOF'
check "7: -p warning leaves out bondd's notices (\"configuration ... reloaded\")" eval '
	! grep -q "configuration $CONF reloaded" "$TOPO_DIR/j7" &&
	journal_since "$TOPO_DIR/c7" -o cat | grep -q "configuration $CONF reloaded"'
cx cp /var/tmp/good.conf "$CONF"
check "7: reload back to the good file" cx systemctl reload bondd.service

# --- 8. hardening ------------------------------------------------------------------------------

check "8: systemd-analyze security bondd: exposure OK or better" eval '
	cx systemd-analyze security bondd.service --no-pager >"$TOPO_DIR/sec" 2>&1
	line=$(grep "Overall exposure level" "$TOPO_DIR/sec")
	echo "$line"
	case $line in *" OK"* | *" SAFE"* | *" PERFECT"*) ;; *) cat "$TOPO_DIR/sec"; false ;; esac'
topo_log "$(grep "Overall exposure level" "$TOPO_DIR/sec")"

# --- 9. the hitless upgrade (kernel data path) --------------------------------------------------

if [ "$DP" != ebpf ]; then
	cx sed -i "s/^datapath = .*/datapath = ebpf/" "$CONF"
	check "9: restarted on the ebpf data path" eval '
		cx systemctl restart bondd.service && state_is active running &&
		cx journalctl -u bondd -n 30 -o cat | grep -q "^bondd: data path ebpf"'
fi
check "9: bond0 runs on the kernel data path" eval '
	cx bondctl show bond0 >/dev/null && wait_for 5 bond_pings "$BOND_IP"'
PID=$(prop MainPID)
N0=$(prop NRestarts)
journal_mark "$TOPO_DIR/c9"
ping_stream 6000 "$TOPO_DIR/ping9"
sleep 1
t0=$(now_ms)
check "9: dpkg -i bondd $NEW_VERSION over the running bondd $VERSION" eval '
	cx dpkg -i /var/tmp/bondd-new.deb >"$TOPO_DIR/dpkg9" 2>&1 || { cat "$TOPO_DIR/dpkg9"; false; }'
topo_log "dpkg -i took $(($(now_ms) - t0)) ms"
wait "$PING_PID"
LOST=$(ping_lost "$TOPO_DIR/ping9")
check "9: upgrade under a 1 kHz ping: 0 lost (lost: $LOST of 6000)" is_eq lost 0 "$LOST"
check "9: $NEW_VERSION installed" eval 'is_eq version "$NEW_VERSION" "$(cx dpkg-query -W -f="\${Version}" bondd)"'
check "9: postinst handed over (bondctl upgrade), no stop or restart" eval '
	grep -q "handed its bonds over" "$TOPO_DIR/dpkg9" &&
	journal_since "$TOPO_DIR/c9" -o cat >"$TOPO_DIR/j9" &&
	grep -q "upgrade: handing 1 bond over" "$TOPO_DIR/j9" &&
	! grep -q "^Stopp" "$TOPO_DIR/j9" || { cat "$TOPO_DIR/dpkg9" "$TOPO_DIR/j9"; false; }'
check "9: same pid $PID, NRestarts $N0, active (running)" eval '
	is_eq MainPID "$PID" "$(prop MainPID)" && is_eq NRestarts "$N0" "$(prop NRestarts)" &&
	state_is active running'
# By device and inode: the service's own mount namespace (its sandboxing)
# may make the kernel print its exe under another path (it does when the
# test runs in a chroot).
check "9: pid $PID runs the new file (/proc/$PID/exe is /usr/sbin/bondd's inode, not deleted)" eval '
	exe=$(cx readlink "/proc/$PID/exe") && case $exe in *"(deleted)") echo "exe: $exe"; false ;; esac &&
	is_eq "device:inode" "$(cx stat -L -c %d:%i /usr/sbin/bondd)" "$(cx stat -L -c %d:%i "/proc/$PID/exe")"'
check "9: the bond kept both slaves" eval '
	is_eq "slaves up" 2 "$(slaves_up)"'

check "systemctl stop: the slaves as they were before bondd" eval '
	cx systemctl stop bondd.service &&
	is_eq eth0 "$ORIG0" "$(slave_state eth0)" && is_eq eth1 "$ORIG1" "$(slave_state eth1)"'

topo_log "whole test: $(($(now_ms) - T_START)) ms"
topo_finish
