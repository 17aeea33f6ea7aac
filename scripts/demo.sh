#!/bin/bash
# scripts/demo.sh BUILD: "make demo". A throw-away network in namespaces:
#
#   srv: bondd, bond0 (active-backup, miimon 100) over eth0, eth1, 192.0.2.1
#   sw:  a Linux bridge (the "switch") over s0, s1 and a port to the client
#   cli: 192.0.2.10
#
# Pings, shows the bond, measures TCP, then cuts the active link while a ping
# stream runs and shows the bond again. Everything is removed at the end.
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck disable=SC1091 # lib_topo.sh is checked on its own
. "$root/tests/net/lib_topo.sh"
topo_init "${1:-build}"

if [ -t 1 ]; then
	say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
else
	say() { printf '\n== %s\n' "$*"; }
fi
die() {
	echo "demo: $*" >&2
	for f in "$TOPO_DIR"/*.bondd.log; do
		[ -s "$f" ] && tail -n 20 "$f" >&2
	done
	exit 1
}

say "Topology: srv (bond0 over eth0, eth1) -- sw (bridge) -- cli"
topo_2d1c || die "cannot build the namespaces"
echo "namespaces $(nsname srv), $(nsname sw), $(nsname cli)"

say "bondd: bond0 active-backup, miimon 100, slaves eth0 eth1, 192.0.2.1/24"
start_bondd srv || die "bondd did not start"
echo "\$ bondctl create bond0 mode active-backup miimon 100"
bctl srv create bond0 mode active-backup miimon 100 || die "create failed"
echo "\$ bondctl enslave bond0 eth0 eth1"
bctl srv enslave bond0 eth0 eth1 || die "enslave failed"
echo "\$ bondctl up bond0      # created down, as ip link add ... type bond leaves it"
bctl srv up bond0 || die "up failed"
bond_addr srv bond0 192.0.2.1/24 || die "cannot configure bond0"
wait_for 10 nsx srv ping -c 1 -W 1 192.0.2.10 >/dev/null || die "no connectivity through bond0"

# dp_fact KEY: a field of the bond's data path, from bondctl show -j.
dp_fact() {
	bctl srv -j show bond0 | python3 -c 'import json, sys; print(json.load(sys.stdin)["datapath"][sys.argv[1]])' "$1"
}
echo "data path: $(dp_fact name) (ebpf: tc programs carry the frames in the kernel; packet: bondd's sockets)"

say "Ping from srv to cli"
nsx srv ping -c 3 -i 0.2 192.0.2.10 | tail -n 2

say "Status before (bondctl show bond0)"
bctl srv show bond0

say "TCP through the bond (iperf3, 2 s)"
iperf_server cli || die "iperf3 server did not start"
if iperf_client srv 192.0.2.10 2 "$TOPO_DIR/tcp.json"; then
	awk -v b="$(iperf_stat "$TOPO_DIR/tcp.json" bps)" \
		'BEGIN { printf "throughput: %.2f Gbit/s\n", b / 1e9 }'
else
	echo "iperf3 failed"
fi

active=$(proc_field srv bond0 "Currently Active Slave")
peer=s${active#eth}
say "Cutting the active link ($active: its switch port $peer goes down) during 200 pings at 20/s"
nsx cli ping -n -q -c 200 -i 0.05 -W 1 192.0.2.1 >"$TOPO_DIR/ping.out" 2>&1 &
png=$!
sleep 2
echo "$(date +%T.%N | cut -c1-12) ip link set $peer down"
ip -n "$(nsname sw)" link set "$peer" down
wait "$png"
tail -n 2 "$TOPO_DIR/ping.out"

say "Status after (bondctl show bond0)"
bctl srv show bond0

say "Summary"
echo "active slave: $active -> $(proc_field srv bond0 "Currently Active Slave")"
echo "$active link failures: $(proc_field srv bond0 "Link Failure Count" "$active")"
grep 'packet loss' "$TOPO_DIR/ping.out"
echo "data path $(dp_fact name): the engine's decisions written $(dp_fact map_updates) times; the latest $(dp_fact last_update_us) us after its event, the slowest $(dp_fact max_update_us) us"

say "Cleaning up"
stop_bondd srv || die "bondd did not exit cleanly"
echo "bondd stopped; namespaces are removed on exit"
