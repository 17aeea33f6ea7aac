#!/bin/bash
# scripts/demo.sh BUILD: "make demo". A throw-away network in namespaces:
#
#   srv: bondd, bond0 (active-backup, miimon 100) over eth0, eth1, 192.0.2.1
#   sw:  a Linux bridge (the "switch") over s0, s1 and a port to the client
#   cli: 192.0.2.10
#
# Pings, shows the bond, measures TCP, then cuts the active link while TCP
# (200 Mbit/s) and a ping stream run, with `bondctl monitor` watching and
# `bondctl -j stats` sampled every 100 ms; shows what the monitor printed, the
# bond and its counters again, and draws the throughput per slave across the
# failover (scripts/demo_chart.py, gnuplot) into BUILD/demo/failover.png.
# Everything else is removed at the end, also on Ctrl-C: every process the
# demo starts runs inside its namespaces, which topo_cleanup empties.
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck disable=SC1091 # lib_topo.sh is checked on its own
. "$root/tests/net/lib_topo.sh"
topo_init "${1:-build}"
# On the way out (also Ctrl-C): the background jobs are disowned first, so
# that topo_cleanup killing them does not print a "Killed" line for each.
demo_exit() {
	local rc=$?
	disown -a 2>/dev/null
	(exit "$rc")
	topo_cleanup
}
trap demo_exit EXIT

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

# The chart goes next to the build the demo runs (make demo: build/demo/),
# so it outlives the namespaces; DEMO_OUT puts it elsewhere.
out_dir=${DEMO_OUT:-$(cd "$(dirname "$BONDCTL")/../.." && pwd)/demo}
mkdir -p "$out_dir" || die "cannot create $out_dir"
chart="$out_dir/failover.png"
samples="$out_dir/failover-samples.jsonl"

active=$(proc_field srv bond0 "Currently Active Slave")
peer=s${active#eth}
say "Cutting the active link ($active: its switch port $peer goes down) during TCP at 200 Mbit/s and 100 pings at 20/s"
echo "\$ bondctl monitor bond0 &      # started before the cut; its lines are shown below"
# Both run inside srv (ip netns exec execs them: $! is the program), so an
# interrupted demo leaves neither behind: topo_cleanup kills every process
# of its namespaces.
ip netns exec "$(nsname srv)" "$BONDCTL" -s "$(bondd_sock srv)" monitor bond0 >"$TOPO_DIR/monitor.out" 2>&1 &
mon=$!
echo "\$ bondctl -j stats bond0       # every 100 ms, by scripts/demo_chart.py record"
ip netns exec "$(nsname srv)" python3 "$root/scripts/demo_chart.py" record "$TOPO_DIR/samples.jsonl" --interval 0.1 --max-s 30 \
	-- "$BONDCTL" -s "$(bondd_sock srv)" -j stats bond0 2>"$TOPO_DIR/record.err" &
rec=$!
sleep 0.3
# In a subshell that outlives it, its stderr dropped: a Ctrl-C makes
# timeout(1) die of the signal that ended iperf3, and bash would print
# "Killed" for it. iperf3's own messages go to cut.json (iperf_client).
(
	iperf_client srv 192.0.2.10 5 "$TOPO_DIR/cut.json" -b 200M
	exit $?
) 2>/dev/null &
tcp=$!
nsx cli ping -n -q -c 100 -i 0.05 -W 1 192.0.2.1 >"$TOPO_DIR/ping.out" 2>&1 &
png=$!
sleep 2
kill -0 "$mon" 2>/dev/null || die "bondctl monitor ended before the cut: $(cat "$TOPO_DIR/monitor.out")"
cut_t=$(date +%s.%N)
echo "$(date -u -d "@$cut_t" +%T.%N | cut -c1-15) ip link set $peer down"
ip -n "$(nsname sw)" link set "$peer" down
wait "$png"
tail -n 2 "$TOPO_DIR/ping.out"
wait "$tcp"
tcp_rc=$?
kill -TERM "$rec" 2>/dev/null
wait "$rec"
rec_rc=$?
if [ "$tcp_rc" = 0 ]; then
	awk -v b="$(iperf_stat "$TOPO_DIR/cut.json" bps)" -v r="$(iperf_stat "$TOPO_DIR/cut.json" retrans)" \
		'BEGIN { printf "TCP across the cut: %.0f Mbit/s, %d retransmissions\n", b / 1e6, r }'
else
	echo "iperf3 across the cut failed (status $tcp_rc): $(iperf_stat "$TOPO_DIR/cut.json" error)"
fi
# The monitor writes each event as it happens; a moment for the last ones.
sleep 0.2
kill -TERM "$mon" 2>/dev/null
wait "$mon"

say "What bondctl monitor bond0 printed (UTC; link down, new active slave, peer notification)"
cat "$TOPO_DIR/monitor.out"
grep -q " $active link down " "$TOPO_DIR/monitor.out" ||
	die "bondctl monitor did not show $active going down"

say "Status after (bondctl show bond0)"
bctl srv show bond0

say "Counters after (bondctl stats bond0: bytes per slave, the failover's time from event to new slave)"
bctl srv stats bond0

say "Chart: throughput per slave across the failover"
chart_ok=0
if [ "$rec_rc" != 0 ]; then
	echo "no chart: the sampler failed (status $rec_rc): $(tail -n 3 "$TOPO_DIR/record.err")"
elif python3 "$root/scripts/demo_chart.py" plot "$TOPO_DIR/samples.jsonl" "$chart" \
	--mark "$cut_t=$peer down" \
	--title "bondd demo: bond0 active-backup, data path $(dp_fact name), TCP 200 Mbit/s, $active cut at the dotted line"; then
	cp "$TOPO_DIR/samples.jsonl" "$samples"
	chart_ok=1
	echo "$(wc -l <"$samples") samples of bondctl -j stats, 100 ms apart"
else
	echo "no chart (see the error above)"
fi

say "Summary"
echo "active slave: $active -> $(proc_field srv bond0 "Currently Active Slave")"
echo "$active link failures: $(proc_field srv bond0 "Link Failure Count" "$active")"
grep 'packet loss' "$TOPO_DIR/ping.out"
echo "data path $(dp_fact name): the engine's decisions written $(dp_fact map_updates) times; the latest $(dp_fact last_update_us) us after its event, the slowest $(dp_fact max_update_us) us"

say "Cleaning up"
stop_bondd srv || die "bondd did not exit cleanly"
echo "bondd stopped; namespaces are removed on exit"
[ "$chart_ok" = 1 ] || die "the chart was not written"
# The one thing the demo leaves behind, said last so that it is seen.
echo
echo "chart: $chart"
echo "       (throughput per slave across the failover; its samples: $samples;"
echo "        drawn again with: python3 scripts/demo_chart.py plot $samples OUT.png)"
