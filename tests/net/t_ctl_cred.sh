#!/bin/bash
# t_ctl_cred: who may use the control socket (issue 10 point 4, credentials).
#
# bondd in namespace a holds bond0 (active-backup) over eth0; eth1 is free.
# Two throw-away users are made for the test and removed at the end: one in
# the group `bondd` (made too if the host has none, and then removed), one
# not. bondctl runs as each of them (setpriv, with the user's groups):
#   - the socket is root:bondd 0660 in a directory bondd made 0755;
#   - in the group: list, show, get, options, version, help, dump, diff work; create,
#     enslave, release, set, delete, reload are refused with one line
#     ("bondd: permission denied: enslave needs root; ...") and status 1, and
#     change nothing;
#   - not in the group: everything is refused ("permission denied: uid N is
#     not root or in group bondd"), status 1;
#   - root: everything works;
#   - bondd refuses a socket path through a symlink, or in a directory that
#     belongs to another user, and an unknown --group (status 2).
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

GROUP=bondd
U_IN="bt$$in"
U_OUT="bt$$out"
made_group=0
cred_cleanup() {
	userdel "$U_IN" 2>/dev/null
	userdel "$U_OUT" 2>/dev/null
	[ "$made_group" = 1 ] && groupdel "$GROUP" 2>/dev/null
	rm -rf "$TOPO_DIR/link" "$TOPO_DIR/theirs" "$TOPO_DIR/real"
}
trap 'cred_cleanup; topo_cleanup' EXIT

for t in useradd userdel groupadd groupdel setpriv; do
	need "$t is installed" command -v "$t"
done
if ! getent group "$GROUP" >/dev/null; then
	need "group $GROUP" groupadd -r "$GROUP"
	made_group=1
fi
need "user $U_IN (in $GROUP)" useradd -M -N -s /usr/sbin/nologin -G "$GROUP" "$U_IN"
need "user $U_OUT" useradd -M -N -s /usr/sbin/nologin "$U_OUT"
# Let the users reach the socket in the test's directory (made 0700).
chmod 0755 "$TOPO_DIR"

need "namespaces" ns_add a
need "namespaces" ns_add b
need "veth eth0" veth_pair a eth0 b eth0
need "veth eth1" veth_pair a eth1 b eth1
need "bondd starts in a" start_bondd a
need "create bond0" bctl a create bond0 mode active-backup miimon 100
need "enslave eth0" bctl a enslave bond0 eth0
SOCK=$(bondd_sock a)

# as USER CMD...: bondctl as USER, with the user's groups.
as() {
	local u=$1
	shift
	nsx a setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups -- \
		"$BONDCTL" -s "$SOCK" "$@"
}
# expect_ok USER CMD...: works (status 0).
expect_ok() { as "$@"; }
# expect_refused USER TEXT CMD...: status 1 and TEXT in stderr.
expect_refused() {
	local u=$1 text=$2 out rc
	shift 2
	out=$(as "$u" "$@" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	[ "$rc" = 1 ] || { echo "status $rc, expected 1"; return 1; }
	printf '%s\n' "$out" | grep -qF -- "$text" || { echo "no '$text'"; return 1; }
	[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || { echo "not one line"; return 1; }
}
# sock_is: the socket's owner, group and mode, and its directory's mode.
sock_is() {
	is_eq "socket" "root $GROUP 660" "$(stat -c '%U %G %a' "$SOCK")" &&
		is_eq "directory" "755" "$(stat -c '%a' "$(dirname "$SOCK")")"
}
check "socket root:$GROUP 0660" sock_is

miimon() { bctl a get bond0 miimon; }
for c in "list" "show" "show bond0" "get bond0" "get bond0 mode" "options" "version" "help" \
	"stats bond0" "metrics" "metrics openmetrics" "flows bond0"; do
	# shellcheck disable=SC2086
	check "in $GROUP: $c works" expect_ok "$U_IN" $c
done
check "in $GROUP: show -j works" expect_ok "$U_IN" -j show bond0
# dump, and diff of a file the user can read (bondctl reads it, as the
# user; bondd only gets its text): the running bond0 dumped, so nothing
# differs (status 0)
check "in $GROUP: dump works" expect_ok "$U_IN" dump
dump_for_user() { bctl a dump >"$TOPO_DIR/cred.conf" && chmod 644 "$TOPO_DIR/cred.conf" && chmod 755 "$TOPO_DIR"; }
need "dump to a file the user can read" dump_for_user
check "in $GROUP: diff FILE works (nothing differs)" expect_ok "$U_IN" diff "$TOPO_DIR/cred.conf"
# monitor_streams USER: the stream is granted (runs until timeout kills it).
monitor_streams() {
	local out rc
	out=$(timeout 1 ip netns exec "$(nsname a)" setpriv --reuid="$1" --regid="$(id -g "$1")" \
		--init-groups -- "$BONDCTL" -s "$SOCK" monitor bond0 2>&1)
	rc=$?
	echo "status $rc: $out"
	[ "$rc" = 124 ] && [ -z "$out" ]
}
check "in $GROUP: monitor streams" monitor_streams "$U_IN"
for c in "create bond1" "enslave bond0 eth1" "release bond0 eth0" "set bond0 miimon 200" \
	"set-slave bond0 eth0 prio 5" "active bond0 none" "up bond0" "down bond0" "delete bond0" \
	"reload"; do
	w=${c%% *}
	# shellcheck disable=SC2086
	check "in $GROUP: $c refused" expect_refused "$U_IN" \
		"bondd: permission denied: $w needs root; uid $(id -u "$U_IN") (group $GROUP)" $c
done
check "nothing changed: no bond1" is_eq "bonds" "bond0" "$(bctl a list)"
check "nothing changed: miimon" is_eq "miimon" 100 "$(miimon)"
check "nothing changed: eth0 still the only slave" is_eq "slaves" "eth0" "$(bctl a get bond0 slaves)"
for c in "list" "show" "get bond0 mode" "version" "enslave bond0 eth1" "delete bond0"; do
	# shellcheck disable=SC2086
	check "not in $GROUP: $c refused" expect_refused "$U_OUT" \
		"permission denied: uid $(id -u "$U_OUT") is not root or in group $GROUP" $c
done
check "nothing changed: bond0 and eth0" is_eq "slaves" "eth0" "$(bctl a get bond0 slaves)"

# Root: everything.
check "root: create bond1" bctl a create bond1 mode balance-rr
check "root: enslave eth1" bctl a enslave bond1 eth1
check "root: set miimon" bctl a set bond1 miimon 200
check "root: release eth1" bctl a release bond1 eth1
check "root: delete bond1" bctl a delete bond1

# The 802.3ad details the kernel's /proc shows only to CAP_NET_ADMIN
# readers: root sees them, a member of the group does not.
check "root: an 802.3ad bond over eth1" bctl a create bond2 mode 802.3ad miimon 100
check "root: enslave eth1 to it" bctl a enslave bond2 eth1
check "root: up bond2" bctl a up bond2
has_details() { "$@" show bond2 | grep -q 'details actor lacp pdu'; }
# (the details follow an aggregator, which the port gets after selection)
check "root: show has the LACPDU details" wait_for 15 has_details bctl a
check "in $GROUP: show has no LACPDU details" \
	eval '! has_details as "$U_IN" && as "$U_IN" show bond2 | grep -q "Aggregator ID"'
check "root: delete bond2" bctl a delete bond2

# bondd_refuses SOCKET TEXT [ARGS]: bondd will not start on SOCKET.
bondd_refuses() {
	local sock=$1 text=$2 out rc
	shift 2
	out=$(nsx b timeout 10 "$BONDD" -f -s "$sock" "$@" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	[ "$rc" != 0 ] && [ "$rc" != 124 ] || { echo "status $rc"; return 1; }
	printf '%s\n' "$out" | grep -qF -- "$text"
}
mkdir -m 0755 "$TOPO_DIR/real"
ln -s real "$TOPO_DIR/link"
check "bondd: socket through a symlink refused" \
	bondd_refuses "$TOPO_DIR/link/b.sock" "symlink"
check "nothing made through the symlink" test ! -e "$TOPO_DIR/real/b.sock"
mkdir -m 0755 "$TOPO_DIR/theirs"
chown "$U_OUT" "$TOPO_DIR/theirs"
check "bondd: socket in another user's directory refused" \
	bondd_refuses "$TOPO_DIR/theirs/b.sock" "not root"
check "bondd: unknown --group refused" \
	bondd_refuses "$TOPO_DIR/real/b.sock" "no such group" --group "bt$$nogroup"
check "bondd in a still alive" bondd_alive a
topo_finish
