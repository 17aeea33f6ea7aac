#!/bin/bash
# t_ebpf_restart: on the kernel data path the frames do not depend on the
# daemon. Under a 1 kHz ping through an active-backup bond:
#  - bondd is killed with SIGKILL: no ping is lost while it is dead; started
#    again with the same configuration it takes the bond over (log line, same
#    active slave, counters kept), still without a loss;
#  - `bondctl upgrade` execs the installed bondd in place (same pid): no loss;
#  - SIGTERM gives everything back: no program on the slaves, no TAP;
#  - a leftover that the configuration no longer names is removed at start,
#    its slaves given back;
#  - the fallback: with the BPF capabilities dropped, `--datapath auto` runs
#    the packet data path and says why; `--datapath ebpf` is refused with a
#    clear error and changes nothing.
# Runs in the ebpf pass only (tests/run.sh).
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

need "topology" topo_2d1c
S=$(nsname srv)
CONF=$TOPO_DIR/bond.conf
printf '%s\n' "[bond0]" "mode = active-backup" "miimon = 100" "primary = eth0" \
	"slaves = eth0 eth1" "address = 192.0.2.1/24" >"$CONF"
EMPTY=$TOPO_DIR/empty.conf
printf '# no bond\n' >"$EMPTY"

programs_on_slaves() {
	nsx srv tc filter show dev eth0 ingress | grep -q bond_rx &&
		nsx srv tc filter show dev eth1 ingress | grep -q bond_rx &&
		nsx srv tc filter show dev bond0 egress | grep -q bond_tx
}
nothing_left() {
	! ip -n "$S" link show bond0 >/dev/null 2>&1 &&
		! nsx srv tc filter show dev eth0 ingress | grep -q . &&
		! nsx srv tc filter show dev eth1 ingress | grep -q . &&
		! nsx srv tc qdisc show dev eth0 | grep -q clsact
}
# ping_1k SECONDS: 1 kHz ping srv -> cli in the background; its summary in
# $TOPO_DIR/ping.out.
ping_1k() {
	nsx srv ping -n -q -i 0.001 -c $(($1 * 1000)) -W 1 192.0.2.10 >"$TOPO_DIR/ping.out" 2>&1 &
	PING_PID=$!
}
# ping_lost: LOST = frames lost by the last ping_1k (waits for it; not in
# a subshell, which could not wait for this shell's child).
ping_lost() {
	wait "$PING_PID"
	LOST=$(awk '/packets transmitted/ { print $1 - $4 }' "$TOPO_DIR/ping.out")
	cat "$TOPO_DIR/ping.out"
}

check "bondd starts on the ebpf data path" start_bondd srv -c "$CONF" --datapath ebpf
check "show --json names the data path" eval "bctl srv -j show bond0 | grep -q '\"datapath\":{\"name\":\"ebpf\"'"
check "programs on the TAP and both slaves" programs_on_slaves
check "warm-up ping" nsx srv ping -c 3 -i 0.2 -W 2 -n -q 192.0.2.10
check "the TAP is persistent" eval "nsx srv ip -d link show bond0 | grep -q 'tun type tap .*persist\|persist'"

# SIGKILL under traffic, then a restart with the same configuration.
ping_1k 4
sleep 0.5
pid=${TOPO_BONDD_PID[srv]}
kill -KILL "$pid"
wait "$pid" 2>/dev/null
unset "TOPO_BONDD_PID[srv]"
sleep 1
check "frames flow while no bondd runs" programs_on_slaves
check "bondd starts again with the same configuration" start_bondd srv -c "$CONF" --datapath ebpf
ping_lost >/dev/null
check "SIGKILL and restart under a 1 kHz ping: 0 lost (lost: $LOST)" is_eq "lost frames" 0 "$LOST"
check "the new bondd took the bond over (log)" grep -q "took over the TAP and programs" "$(bondd_log srv)"
check "the slaves were taken over, not restored" eval "grep -c 'taken over from bondd pid' '$(bondd_log srv)' | grep -qx 2"
check "active slave still eth0" active_is srv bond0 eth0
check "both slaves up" eval "bctl srv show bond0 | grep -c 'MII Status: up' | grep -qx 3"
check "ping after the restart" nsx srv ping -c 3 -i 0.2 -W 2 -n -q 192.0.2.10

# bondctl upgrade: the daemon execs itself, keeping everything, the TAP's
# fd included: the host sees no change at all on bond0 (a carrier that
# dropped for the exec would flush its neighbours, and the frames queued
# behind an unresolved one with them).
pid=${TOPO_BONDD_PID[srv]}
nsx srv ip -ts monitor link neigh >"$TOPO_DIR/upgrade.mon" 2>&1 &
MON_PID=$!
ping_1k 3
sleep 0.5
check "bondctl upgrade is accepted" bctl srv upgrade
sleep 1.5
check "the daemon answers after the upgrade (same pid $pid)" eval "bctl srv list | grep -qx bond0 && kill -0 $pid"
ping_lost
check "upgrade under a 1 kHz ping: 0 lost (lost: $LOST)" is_eq "lost frames" 0 "$LOST"
kill "$MON_PID"
wait "$MON_PID" 2>/dev/null
cat "$TOPO_DIR/upgrade.mon"
check "the new bondd got the TAP's fd (log)" grep -q "1 TAP held open by the last bondd" "$(bondd_log srv)"
check "bond0 kept its carrier and neighbours through the upgrade (no event)" \
	eval "! grep -q 'bond0' '$TOPO_DIR/upgrade.mon'"
check "active slave still eth0 after the upgrade" active_is srv bond0 eth0

# A configuration without the bond: what the old daemon left is removed.
kill -KILL "${TOPO_BONDD_PID[srv]}"
wait "${TOPO_BONDD_PID[srv]}" 2>/dev/null
unset "TOPO_BONDD_PID[srv]"
check "a bondd without that bond removes the leftovers" start_bondd srv -c "$EMPTY" --datapath ebpf
check "no TAP, no program, no clsact left" nothing_left
check "stop" stop_bondd srv

# SIGTERM gives everything back.
check "bondd starts (for SIGTERM)" start_bondd srv -c "$CONF" --datapath ebpf
check "programs in place" programs_on_slaves
check "SIGTERM: clean exit" stop_bondd srv
check "SIGTERM: no TAP, no program, no clsact left" nothing_left

# Fallback: no CAP_BPF/CAP_SYS_ADMIN, so no BPF program can be loaded.
NOBPF=(setpriv --inh-caps=-bpf,-sys_admin --bounding-set=-bpf,-sys_admin)
dpout=$(ip netns exec "$S" "${NOBPF[@]}" "$BONDD" -f -s "$TOPO_DIR/x.sock" --datapath ebpf -c "$CONF" 2>&1)
rc=$?
check "--datapath ebpf without BPF: refused (status $rc)" is_eq "exit status" 2 "$rc"
check "--datapath ebpf without BPF: says why" eval "echo \"\$dpout\"; echo \"\$dpout\" | grep -q 'data path ebpf: .*CAP_BPF'"
check "--datapath ebpf without BPF: nothing made" nothing_left
sock=$(bondd_sock srv)
BONDD_SOCKET=$sock BONDD_DATAPATH= ip netns exec "$S" "${NOBPF[@]}" "$BONDD" -f -s "$sock" -c "$CONF" \
	>>"$(bondd_log srv)" 2>&1 &
TOPO_BONDD_PID[srv]=$!
check "auto without BPF: bondd answers" wait_for 15 bctl srv list
check "auto without BPF: the log says packet and why" grep -q "data path packet (auto: .*CAP_BPF" "$(bondd_log srv)"
check "auto without BPF: show --json says packet" eval "bctl srv -j show bond0 | grep -q '\"datapath\":{\"name\":\"packet\"'"
check "auto without BPF: ping through the bond" nsx srv ping -c 3 -i 0.2 -W 2 -n -q 192.0.2.10
check "auto without BPF: stop" stop_bondd srv
topo_finish
