#!/bin/bash
# t_ctl_stall: no control client can stall the data plane (issue 10 point 3).
#
# Namespaces a and b each run a bondd with bond0 in 802.3ad, lacp_rate fast
# (a partner times out after 3 s without an LACPDU), miimon 100, over two
# veth pairs a:eth0-b:eth0 and a:eth1-b:eth1; 198.51.100.1/24 (a) and .2 (b).
# While a ping crosses bond0 at 100 Hz (10 s), a's control socket is
# attacked (tools/ctl_stress.py) by
#   (a) 100 clients that connect and send nothing, each reopened 10 ms after
#       bondd drops it (so the cap of 64 is always full of silent clients,
#       and bondd turns away or evicts thousands a second),
#   (b) a client that sends `show` and reads the reply one byte a second,
#   (c) 10 clients that send `show` and never read,
# and meanwhile a normal `bondctl list` runs every 0.5 s.
# Must hold:
#   - the ping loses nothing (0 of 1000);
#   - LACP untouched: b's view of bond0 keeps both ports in one aggregator,
#     in sync, sampled every 0.25 s; no churn on either side; the LACPDUs a
#     sends (captured in b) never stop for more than 1.5 s (fast rate: 1 s);
#   - every `bondctl list` answers, each within 2 s;
#   - bondd did drop the attackers (the deadline and the cap work: the
#     stress tool counts the drops), and is still alive afterwards.
#
# It fails on the old behaviour: the first control server (commit 9dae2c3)
# read each connection inline in the forwarding loop with a blocking recv()
# of up to 1 s (SO_RCVTIMEO). This script run against that build: 992 of
# 1000 pings lost, LACPDUs from a stopped for 7 s (b's ports went to
# expired/defaulted, port states 143 and 55), every `bondctl list` failed
# (slowest 5 s), no attacker ever dropped. Against this one: 0 of 1000
# lost, longest LACPDU gap 1.13 s (the fast-rate period), slowest
# `bondctl list` 35 ms while bondd dropped ~8000 silent and ~2200
# non-reading clients.
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

A_IP=198.51.100.1
B_IP=198.51.100.2
STRESS_S=12
PINGS=1000
TOOLS=$(cd "$(dirname "$0")/tools" && pwd)

need "namespaces" ns_add a
need "namespaces" ns_add b
need "veth eth0" veth_pair a eth0 b eth0
need "veth eth1" veth_pair a eth1 b eth1
declare -A addr=([a]=$A_IP/24 [b]=$B_IP/24)
for n in a b; do
	need "bondd starts in $n" start_bondd "$n"
	need "create bond0 802.3ad fast in $n" \
		bctl "$n" create bond0 mode 802.3ad lacp_rate fast miimon 100
	need "enslave eth0 eth1 in $n" bctl "$n" enslave bond0 eth0 eth1
	need "bond0 address in $n" bond_addr "$n" bond0 "${addr[$n]}"
done

# agg_ok NS: both ports of NS's bond0 in the active aggregator, in sync,
# collecting and distributing on both ends: every actor and partner port
# state is 63 (activity, fast timeout, aggregation, sync, collecting,
# distributing; no expired/defaulted bit).
agg_ok() {
	local st
	st=$(bctl "$1" show bond0) || return 1
	printf '%s\n' "$st" | awk '
		/^Active Aggregator Info:/ { inagg = 1 }
		inagg && /Aggregator ID:/ && !aid { aid = $3 }
		inagg && /Number of ports:/ { ports = $4; inagg = 0 }
		/^Slave Interface:/ { slave = $3 }
		slave && /^Aggregator ID:/ { sa[slave] = $3 }
		/port state:/ { if ($3 != 63) { bad = bad " " slave ":" $3 } ; states++ }
		END {
			if (bad != "" || states != 4) { print "port states not 63:" bad " (" states " seen)"; exit 1 }
			if (ports != 2) { print "ports in aggregator: " ports; exit 1 }
			for (s in sa) if (sa[s] != aid) { print s " in aggregator " sa[s] " not " aid; exit 1 }
			if (length(sa) != 2) { print "slaves: " length(sa); exit 1 }
		}' || { printf '%s\n' "$st"; return 1; }
}
# churn NS: the churned counts of NS's ports, one line.
churn() {
	bctl "$1" show bond0 | awk '/Churned Count:/ { printf "%s ", $4 }'
}

need "a: both ports aggregate" wait_for 15 agg_ok a
need "b: both ports aggregate" wait_for 15 agg_ok b
need "ping a->b" wait_for 10 nsx a ping -c 1 -W 1 $B_IP
# Measure stalls, not convergence: the path must be clean before the attack.
need "clean path before the attack (100 pings at 100 Hz, 0 lost)" \
	wait_for 20 sh -c "ip netns exec $(nsname a) ping -q -n -c 100 -i 0.01 -W 1 $B_IP | grep -q ' 0% packet loss'"
churn_a=$(churn a)
churn_b=$(churn b)

# LACPDUs from a, as b receives them, with their arrival times.
nsx b tcpdump -i eth0 -nn -tt -l -p 'ether proto 0x8809' >"$TOPO_DIR/lacp0.txt" 2>/dev/null &
dump0=$!
nsx b tcpdump -i eth1 -nn -tt -l -p 'ether proto 0x8809' >"$TOPO_DIR/lacp1.txt" 2>/dev/null &
dump1=$!
sleep 1

nsx a ping -n -c $PINGS -i 0.01 -W 1 $B_IP >"$TOPO_DIR/ping.txt" 2>&1 &
ping_pid=$!
python3 "$TOOLS/ctl_stress.py" "$(bondd_sock a)" $STRESS_S --silent 100 --slow --noread 10 --pause 0.01 \
	>"$TOPO_DIR/stress.txt" 2>&1 &
stress_pid=$!
sleep 0.5

# While it runs: b's view of the aggregator (4 Hz) and a normal client (2 Hz).
bad_agg=0
samples=0
list_fail=0
list_max=0
lists=0
end=$(($(now_ms) + (STRESS_S - 1) * 1000))
next_list=0
while [ "$(now_ms)" -lt "$end" ]; do
	if ! out=$(agg_ok b 2>&1); then
		bad_agg=$((bad_agg + 1))
		printf '%s\n' "$out" >>"$TOPO_DIR/agg_bad.txt"
	fi
	samples=$((samples + 1))
	if [ "$(now_ms)" -ge "$next_list" ]; then
		t0=$(now_ms)
		if ! timeout 5 "$BONDCTL" -s "$(bondd_sock a)" list >"$TOPO_DIR/list.txt" 2>&1 ||
			! grep -qx bond0 "$TOPO_DIR/list.txt"; then
			list_fail=$((list_fail + 1))
			cat "$TOPO_DIR/list.txt" >>"$TOPO_DIR/list_bad.txt"
		fi
		dt=$(($(now_ms) - t0))
		[ "$dt" -gt "$list_max" ] && list_max=$dt
		lists=$((lists + 1))
		next_list=$((t0 + 500))
	fi
	sleep 0.25
done
wait "$stress_pid"
wait "$ping_pid"
sleep 0.5
kill "$dump0" "$dump1" 2>/dev/null
wait "$dump0" "$dump1" 2>/dev/null

topo_log "stress: $(cat "$TOPO_DIR/stress.txt")"
topo_log "ping: $(grep -E 'packets|rtt' "$TOPO_DIR/ping.txt" | tr '\n' ' ')"
# The sequence numbers that got no reply, as ranges (a stall shows as one).
topo_log "ping gaps: $(awk -F'icmp_seq=' 'NF > 1 { split($2, w, " "); s = w[1] + 0
	if (s != last + 1) printf "%d-%d ", last + 1, s - 1; last = s }' "$TOPO_DIR/ping.txt")"
topo_log "bondctl list: $lists runs, $list_fail failed, slowest ${list_max} ms"
topo_log "b aggregator samples: $samples, bad: $bad_agg"

# ping_lost FILE: transmitted - received, from ping -q's summary.
ping_lost() {
	awk '/packets transmitted/ { print $1 - $4; found = 1 } END { if (!found) print "none" }' "$1"
}
check "100 Hz ping: 0 of $PINGS lost" is_eq "pings lost" 0 "$(ping_lost "$TOPO_DIR/ping.txt")"
check "b: both ports stay in the aggregator ($samples samples)" \
	sh -c "[ $bad_agg = 0 ] || { head -n 40 '$TOPO_DIR/agg_bad.txt'; exit 1; }"
check "a: both ports still aggregate" agg_ok a
check "no churn in a" is_eq "churned counts" "$churn_a" "$(churn a)"
check "no churn in b" is_eq "churned counts" "$churn_b" "$(churn b)"
# lacp_gap FILE: the longest time between two LACPDUs in ms (and a
# sentinel if there were fewer than 5).
lacp_gap() {
	awk '{ t = $1 * 1000; if (n++) { d = t - last; if (d > max) max = d } last = t }
	     END { if (n < 5) print 99999; else printf "%d\n", max }' "$1"
}
for i in 0 1; do
	gap=$(lacp_gap "$TOPO_DIR/lacp$i.txt")
	topo_log "eth$i: $(wc -l <"$TOPO_DIR/lacp$i.txt") LACPDUs, longest gap $gap ms"
	check "LACPDUs on eth$i never stop over 1.5 s (longest gap $gap ms)" \
		test "$gap" -le 1500
done
check "bondctl list always answered ($lists runs, slowest $list_max ms)" \
	sh -c "[ $list_fail = 0 ] && [ $list_max -le 2000 ] || { cat '$TOPO_DIR/list_bad.txt' 2>/dev/null; exit 1; }"
# stress_val NAME: a count from the stress tool's line.
stress_val() { tr ' ' '\n' <"$TOPO_DIR/stress.txt" | awk -F= -v k="$1" '$1 == k { print $2 }'; }
check "silent clients were dropped by bondd ($(stress_val silent_drops))" \
	test "$(stress_val silent_drops)" -ge 100
check "the slow reader kept reading ($(stress_val slow_bytes) bytes)" test "$(stress_val slow_bytes)" -ge 5
check "non-readers were dropped ($(stress_val noread_drops))" test "$(stress_val noread_drops)" -ge 10
check "bondd in a still alive" bondd_alive a
check "bondd in a answers" bctl a list
topo_finish
