#!/bin/bash
# tests/soak/soak.sh [BUILD]: the soak test of issue 10 point 8 ("make soak",
# SOAK_S seconds, default 600; "make check" runs it with SOAK_S=60).
#
# One bondd (the ASan/UBSan build, LSan on, a small quarantine so that RSS
# means something) in namespace srv, started from a native config file,
# holds seven bonds, one of every mode, miimon 50 on all, each over two veths:
#
#   bond  mode            slaves      srv address        far end
#   bond0 balance-rr      eth2 eth3   192.0.2.1/27       sw br0 192.0.2.30
#   bond1 active-backup   eth0 eth1   192.0.2.33/27      sw br1 192.0.2.62   (primary eth0)
#   bond2 balance-xor     eth4 eth5   192.0.2.65/27      sw br2 192.0.2.94   (layer3+4)
#   bond3 broadcast       eth6 eth7   192.0.2.97/27      sw br3 192.0.2.126
#   bond4 802.3ad         eth8 eth9   198.51.100.1/24    peer bond4 198.51.100.2 (lacp_rate fast)
#   bond5 balance-tlb     eth10 eth11 192.0.2.161/27     sw br5 192.0.2.190
#   bond6 balance-alb     eth12 eth13 192.0.2.193/27     sw br6 192.0.2.222
#
# Every slave ethN has its switch-side port sN in namespace sw. The 802.3ad
# bond's partner is a second bondd in namespace peer (never disturbed); its
# ports eth0/eth1 reach srv's eth8/eth9 through sw, where p8/p9 are wired to
# s8/s9 by tc mirred (a bridge does not forward LACPDUs), so that s8/s9 flap
# like any other switch port.
#
# Traffic the whole time: a 100 Hz ping through every bond, and TCP (iperf3,
# 20 Mbit/s, 5 s runs back to back) through bond1 and bond2.
# Chaos until SOAK_S elapses, at random intervals: switch-side ports down for
# 50-500 ms (a loop of its own, so flaps overlap everything else); slaves
# released and enslaved again; options changed (bondctl set); the config file
# edited (a labelled address added or removed) and applied by bondctl reload
# or SIGHUP; and (SOAK_KILLS, default on, 0 = off) about 3 times per 10
# minutes, at least once, bondd SIGKILLed and started again with the same
# config, which must bring every bond back.
#
# Afterwards, one PASS/FAIL line each: no sanitizer report; no fd and no RSS
# growth in the last daemon instance; every bond converged within the
# monitor's bounds; ping through every bond; tx_while_down 0 on every slave
# (bondctl show --json); every chaos command did what it said; a clean
# SIGTERM; every slave byte-identical to before the first start; nothing left
# behind. Then one summary line ("soak: ...").
#
# Environment: SOAK_S (seconds of chaos, default 600), SOAK_KILLS (0: no
# SIGKILL restarts; SOAK_KILL_AT=idle or reload: where every SIGKILL lands,
# else at random), SOAK_SEED (RANDOM seed, default: the pid; printed),
# TOPO_KEEP=1 keeps the temp dir (logs, ping outputs, chaos journal).
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi
set -u

# LSan on, and a 4 MiB quarantine (ASan's default is 256 MiB, which would
# make RSS the quarantine's size, not the daemon's).
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}:quarantine_size_mb=4"
export ASAN_OPTIONS

# shellcheck source=../net/lib_topo.sh
. "$(dirname "$0")/../net/lib_topo.sh"
topo_init "$@"

SOAK_S=${SOAK_S:-600}
SOAK_KILLS=${SOAK_KILLS:-1}
SOAK_SEED=${SOAK_SEED:-$$}
RANDOM=$SOAK_SEED

# --- The bonds (index i: bond$i), see the table above.
NB=7
MODE=(balance-rr active-backup balance-xor broadcast 802.3ad balance-tlb balance-alb)
SLA=(eth2 eth0 eth4 eth6 eth8 eth10 eth12)
SLB=(eth3 eth1 eth5 eth7 eth9 eth11 eth13)
SLAVES=("${SLA[@]}" "${SLB[@]}")
LACP=4
AB=1
# Options changed at runtime, per bond: "name:v1,v2,..." where v1 is the
# configured value (what the end puts back). miimon and updelay first, so
# that putting back in this order leaves the delays in ms as configured.
# Not used: downdelay (a slave in its downdelay is still "up" for the
# kernel, which would blur tx_while_down), and options the kernel only
# changes on a bond that is down or has no slaves (mode, lacp_rate, ...).
OPTS=(
	"miimon:50,100 updelay:0,100 packets_per_slave:1,3,0"
	"miimon:50,100 updelay:0,100 primary_reselect:always,better,failure num_grat_arp:1,3 all_slaves_active:0,1 resend_igmp:1,2"
	"miimon:50,100 updelay:0,100 xmit_hash_policy:layer3+4,layer2,layer2+3,encap3+4"
	"miimon:50,100 updelay:0,100 all_slaves_active:0,1"
	"miimon:50,100 xmit_hash_policy:layer3+4,layer2+3,layer2 min_links:0,1"
	"miimon:50,100 updelay:0,100 lp_interval:1,3 xmit_hash_policy:layer2,layer3+4"
	"miimon:50,100 updelay:0,100 lp_interval:1,3"
)

# bond_addr_of I: srv's address of bond I (with prefix); far_of I: the far end.
bond_addr_of() { if [ "$1" = "$LACP" ]; then echo 198.51.100.1/24; else echo "192.0.2.$((32 * $1 + 1))/27"; fi; }
far_of() { if [ "$1" = "$LACP" ]; then echo 198.51.100.2; else echo "192.0.2.$((32 * $1 + 30))"; fi; }
# label_addr_of I: the labelled address reloads add and remove on bond I.
label_addr_of() { echo "203.0.113.$(($1 + 1))/32"; }
# port_of SLAVE: its switch-side port (eth8 -> s8).
port_of() { echo "s${1#eth}"; }
# flap_ports SLAVE: the sw ports a flap of SLAVE's link takes down: its
# port, and for the 802.3ad wires also the partner's end (a cut cable: both
# sides lose carrier, as with a real link).
flap_ports() {
	case $1 in
	eth8 | eth9) echo "s${1#eth} p${1#eth}" ;;
	*) port_of "$1" ;;
	esac
}

J=$TOPO_DIR/chaos.log         # one line per chaos event (kept with TOPO_KEEP=1)
ERRS=$TOPO_DIR/chaos.errors   # chaos commands that failed or had no effect
STOP=$TOPO_DIR/stop           # exists: background loops end
CONF=$TOPO_DIR/srv.conf
LABELS=""                     # bonds whose labelled address is in the config
BG_PIDS=()                    # background loops and traffic
PING_PIDS=()
N_FLAPS=0 N_CYCLES=0 N_OPTS=0 N_RELOADS=0 N_HUPS=0 N_KILLS=0
FD0="" FD1="" RSS0="" RSS1="" BASE_AT=0
TXWD_BAD=""                   # slaves seen with tx_while_down > 0
TXWD_MISSING=0
RSS_SERIES=""

jlog() { printf '%s %s\n' "$(date +%T.%3N)" "$*" >>"$J"; }
chaos_err() {
	jlog "ERROR $*"
	printf '%s\n' "$*" >>"$ERRS"
}
# rand_ms LO HI: a random integer in [LO, HI].
rand_ms() { echo $(($1 + RANDOM % ($2 - $1 + 1))); }
# sleep_ms MS
sleep_ms() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }
srv_pid() { echo "${TOPO_BONDD_PID[srv]:-}"; }

# write_conf: srv's native config from the table and $LABELS (atomically:
# a reload or SIGHUP must never read half a file).
write_conf() {
	local i
	{
		echo "# soak.sh: seven bonds, one per mode, miimon 50"
		for ((i = 0; i < NB; i++)); do
			echo "[bond$i]"
			echo "mode = ${MODE[$i]}"
			echo "miimon = 50"
			case $i in
			"$AB") echo "primary = ${SLA[$i]}" ;;
			2) echo "xmit_hash_policy = layer3+4" ;;
			"$LACP")
				echo "lacp_rate = fast"
				echo "xmit_hash_policy = layer3+4"
				;;
			esac
			echo "slaves = ${SLA[$i]} ${SLB[$i]}"
			echo "address = $(bond_addr_of "$i")"
			case " $LABELS " in
			*" $i "*) echo "address = $(label_addr_of "$i") label bond$i:1" ;;
			esac
			echo
		done
	} >"$CONF.tmp" && mv "$CONF.tmp" "$CONF"
}

# write_peer_conf: the 802.3ad partner's config.
write_peer_conf() {
	cat >"$TOPO_DIR/peer.conf" <<-'CFG'
		[bond4]
		mode = 802.3ad
		miimon = 50
		lacp_rate = fast
		xmit_hash_policy = layer3+4
		slaves = eth0 eth1
		address = 198.51.100.2/24
	CFG
}

# wire_ports NS A B: everything entering A leaves by B and the reverse
# (a cable through the switch namespace that still has a port to flap).
wire_ports() {
	local n
	n=$(nsname "$1")
	tc -n "$n" qdisc add dev "$2" ingress &&
		tc -n "$n" qdisc add dev "$3" ingress &&
		tc -n "$n" filter add dev "$2" parent ffff: protocol all u32 match u32 0 0 \
			action mirred egress redirect dev "$3" &&
		tc -n "$n" filter add dev "$3" parent ffff: protocol all u32 match u32 0 0 \
			action mirred egress redirect dev "$2"
}

# soak_topology: namespaces srv, sw, peer; every bond's two veths; bridges
# with the far-end addresses; the 802.3ad wires.
soak_topology() {
	local i s n
	ns_add srv && ns_add sw && ns_add peer || return 1
	n=$(nsname sw)
	for ((i = 0; i < NB; i++)); do
		for s in "${SLA[$i]}" "${SLB[$i]}"; do
			veth_pair srv "$s" sw "$(port_of "$s")" || return 1
		done
		[ "$i" = "$LACP" ] && continue
		bridge_switch sw "br$i" "$(port_of "${SLA[$i]}")" "$(port_of "${SLB[$i]}")" || return 1
		ip -n "$n" addr add "$(far_of "$i")/27" dev "br$i" || return 1
	done
	veth_pair peer eth0 sw p8 && veth_pair peer eth1 sw p9 || return 1
	for s in s8 s9 p8 p9; do
		nsx sw sysctl -qw "net.ipv6.conf.$s.disable_ipv6=1"
	done
	wire_ports sw s8 p8 && wire_ports sw s9 p9
}

# slave_snapshot NS DIR IF...: everything bondd may touch on a slave, as
# text, one file per slave in DIR.
slave_snapshot() {
	local ns=$1 dir=$2 n s
	n=$(nsname "$ns")
	shift 2
	mkdir -p "$dir"
	for s in "$@"; do
		{
			ip -n "$n" -d link show dev "$s"
			ip -n "$n" addr show dev "$s"
			tc -n "$n" qdisc show dev "$s"
			tc -n "$n" filter show dev "$s" ingress 2>&1
			tc -n "$n" filter show dev "$s" egress 2>&1
			nsx "$ns" sysctl "net.ipv6.conf.$s.disable_ipv6"
		} >"$dir/$s"
	done
}

# snapshots_equal BEFORE AFTER: every slave's file identical in the two
# directories; else, per slave, the lines that changed.
snapshots_equal() {
	local f rc=0
	[ -n "$(ls -A "$1")" ] || {
		echo "no snapshot in $1"
		return 1
	}
	for f in "$1"/*; do
		cmp -s "$f" "$2/${f##*/}" && continue
		echo "${f##*/}:"
		diff -U 0 "$f" "$2/${f##*/}" | grep -E '^[-+][^-+]' | sed 's/^/  /'
		rc=1
	done
	return "$rc"
}

# fd_count PID, rss_kib PID: the daemon's open fds and VmRSS.
fd_count() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# start_traffic: the 100 Hz pings (one per bond) and the iperf3 loops.
start_traffic() {
	local i
	for ((i = 0; i < NB; i++)); do
		# A simple command, so that $! is ping itself (SIGINT: summary).
		ip netns exec "$(nsname srv)" ping -n -q -i 0.01 -W 1 "$(far_of "$i")" \
			>"$TOPO_DIR/ping.$i.out" 2>&1 &
		PING_PIDS+=($!)
	done
	for i in 1 2; do
		nsx sw iperf3 -s -p $((5200 + i)) -D --rcv-timeout 5000 \
			-I "$TOPO_DIR/iperf3.$i.pid" --logfile "$TOPO_DIR/iperf3.$i.log" || return 1
		tcp_loop "$i" &
		BG_PIDS+=($!)
	done
}

# tcp_loop I: 5 s iperf3 runs through bond I until $STOP; one "ok"/"fail"
# line per run in tcp.I.res.
tcp_loop() {
	local i=$1 rc
	while [ ! -e "$STOP" ]; do
		timeout 20 ip netns exec "$(nsname srv)" iperf3 -c "$(far_of "$i")" -p $((5200 + i)) \
			-t 5 -b 20M --connect-timeout 2000 >"$TOPO_DIR/tcp.$i.last" 2>&1
		rc=$?
		if [ "$rc" = 0 ]; then echo ok; else echo "fail $rc"; fi >>"$TOPO_DIR/tcp.$i.res"
		[ "$rc" = 0 ] || sleep 1
	done
}

# flap_loop: switch-side ports down for 50-500 ms, then up, every 0.2-2 s,
# until $STOP; one line per flap in flaps.log.
flap_loop() {
	local i s p d n
	n=$(nsname sw)
	while [ ! -e "$STOP" ]; do
		sleep_ms "$(rand_ms 200 2000)"
		i=$((RANDOM % NB))
		if ((RANDOM % 2)); then s=${SLA[$i]}; else s=${SLB[$i]}; fi
		d=$(rand_ms 50 500)
		for p in $(flap_ports "$s"); do
			ip -n "$n" link set "$p" down
		done
		sleep_ms "$d"
		for p in $(flap_ports "$s"); do
			ip -n "$n" link set "$p" up
		done
		echo "$(date +%T.%3N) flap bond$i $s ($(flap_ports "$s")) ${d} ms" >>"$TOPO_DIR/flaps.log"
	done
}

# txwd_collect [BOND]: reads tx_while_down of every slave (of BOND, or of
# every bond) now, before a release or a SIGKILL throws the counters away;
# remembers the slaves where it is not 0, and whether the key is missing.
txwd_collect() {
	local b out s v
	for b in ${1:-$(seq -f 'bond%g' 0 $((NB - 1)))}; do
		out=$(bctl srv show "$b" --json 2>&1 | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except Exception as e:
    print("unparsable"); sys.exit(0)
if isinstance(d, list):
    d = d[0] if d else {}
for s in d.get("slaves", []):
    v = s.get("tx_while_down")
    print(s.get("name"), "missing" if v is None else v)
') || continue
		while read -r s v; do
			case $s:$v in
			unparsable:*) TXWD_BAD+="$b(show --json unreadable) " ;;
			*:missing) TXWD_MISSING=1 ;;
			*:0) ;;
			*) TXWD_BAD+="$b/$s=$v " ;;
			esac
		done <<<"$out"
	done
}

# act_cycle: releases a random slave and enslaves it again 0.1-1 s later.
act_cycle() {
	local i=$((RANDOM % NB)) s
	if ((RANDOM % 2)); then s=${SLA[$i]}; else s=${SLB[$i]}; fi
	txwd_collect "bond$i"
	jlog "release bond$i $s"
	bctl srv release "bond$i" "$s" >>"$J" 2>&1 || chaos_err "release bond$i $s failed"
	sleep_ms "$(rand_ms 100 1000)"
	jlog "enslave bond$i $s"
	bctl srv enslave "bond$i" "$s" >>"$J" 2>&1 || chaos_err "enslave bond$i $s failed"
	N_CYCLES=$((N_CYCLES + 1))
}

# act_option: sets one runtime option of a random bond to a random value.
act_option() {
	local i=$((RANDOM % NB)) list o name vals v
	read -r -a list <<<"${OPTS[$i]}"
	o=${list[RANDOM % ${#list[@]}]}
	name=${o%%:*}
	IFS=, read -r -a vals <<<"${o#*:}"
	v=${vals[RANDOM % ${#vals[@]}]}
	jlog "set bond$i $name $v"
	bctl srv set "bond$i" "$name" "$v" >>"$J" 2>&1 || chaos_err "set bond$i $name $v failed"
	N_OPTS=$((N_OPTS + 1))
}

# options_put_back: every option the chaos touches back to its configured
# value (miimon first: the delays are kept in miimon ticks).
options_put_back() {
	local i o rc=0
	for ((i = 0; i < NB; i++)); do
		for o in ${OPTS[$i]}; do
			v=${o#*:}
			v=${v%%,*}
			bctl srv set "bond$i" "${o%%:*}" "$v" || {
				echo "set bond$i ${o%%:*} $v failed"
				rc=1
			}
		done
	done
	return "$rc"
}

# options_are_config: bondctl get shows the configured value of every
# option the chaos touched.
options_are_config() {
	local i o v got rc=0
	for ((i = 0; i < NB; i++)); do
		for o in ${OPTS[$i]}; do
			v=${o#*:}
			v=${v%%,*}
			got=$(bctl srv get "bond$i" "${o%%:*}" 2>&1)
			got=${got%% *}
			[ "$got" = "$v" ] || {
				echo "bond$i ${o%%:*}: configured $v, bondctl get says '$got'"
				rc=1
			}
		done
	done
	return "$rc"
}

# label_present I: bond I carries its labelled address.
label_present() {
	ip -n "$(nsname srv)" -4 addr show dev "bond$1" | grep -q "inet $(label_addr_of "$1") .*bond$1:1\$"
}
label_absent() { ! label_present "$1"; }

# label_toggle: adds or removes a random bond's labelled address in the
# config file; TOGGLED is the bond, TOGGLED_WANT the check that follows.
label_toggle() {
	TOGGLED=$((RANDOM % NB))
	case " $LABELS " in
	*" $TOGGLED "*)
		LABELS=$(tr ' ' '\n' <<<"$LABELS" | grep -vx "$TOGGLED" | tr '\n' ' ')
		TOGGLED_WANT=label_absent
		;;
	*)
		LABELS="$LABELS $TOGGLED"
		TOGGLED_WANT=label_present
		;;
	esac
	write_conf
}

# act_reload: adds or removes bond I's labelled address in the config file,
# then applies it with bondctl reload or SIGHUP (at random); the address
# must follow within 3 s.
act_reload() {
	local i how want
	label_toggle
	i=$TOGGLED
	want=$TOGGLED_WANT
	if ((RANDOM % 2)); then
		how=SIGHUP
		kill -HUP "$(srv_pid)"
		N_HUPS=$((N_HUPS + 1))
	else
		how=reload
		bctl srv reload >>"$J" 2>&1 || chaos_err "bondctl reload failed ($want bond$i)"
	fi
	N_RELOADS=$((N_RELOADS + 1))
	jlog "$how: bond$i labelled address -> ${want#label_}"
	wait_for 3 "$want" "$i" >/dev/null || chaos_err "$how: bond$i labelled address not ${want#label_} after 3 s"
}

# all_bonds_ping: one ping answered through every bond.
all_bonds_ping() {
	local i
	for ((i = 0; i < NB; i++)); do
		nsx srv ping -n -c 1 -W 1 "$(far_of "$i")" >/dev/null 2>&1 || {
			echo "no answer through bond$i ($(far_of "$i"))"
			return 1
		}
	done
}

# act_kill: SIGKILL bondd (idle, or at random in the middle of a reload
# that adds or removes a labelled address), start it again with the same
# config; every bond must carry a ping again within 20 s.
act_kill() {
	local pid t0 rc how=idle rl=""
	txwd_collect
	pid=$(srv_pid)
	if [ "${SOAK_KILL_AT:-}" = reload ] || { [ "${SOAK_KILL_AT:-}" != idle ] && ((RANDOM % 2)); }; then
		how="during a reload"
		label_toggle
		bctl srv reload >/dev/null 2>&1 &
		rl=$!
		sleep_ms "$(rand_ms 0 30)"
	fi
	jlog "SIGKILL bondd $pid ($how)"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	[ -n "$rl" ] && wait "$rl" 2>/dev/null
	unset "TOPO_BONDD_PID[srv]"
	N_KILLS=$((N_KILLS + 1))
	t0=$(now_ms)
	if ! start_bondd srv -c "$CONF" >>"$J" 2>&1; then
		chaos_err "bondd does not start again after SIGKILL $N_KILLS (log: $(tail -n 3 "$(bondd_log srv)" | tr '\n' ' '))"
		return 1
	fi
	wait_for 20 all_bonds_ping >>"$J" 2>&1
	rc=$?
	jlog "restarted as $(srv_pid); every bond pings after $(($(now_ms) - t0)) ms (status $rc)"
	RESTART_MS+="$(($(now_ms) - t0))ms(${how// /-},rc $rc) "
	[ "$rc" = 0 ] || chaos_err "after SIGKILL $N_KILLS and restart: not every bond carries a ping within 20 s ($(all_bonds_ping))"
	if [ -n "$rl" ]; then
		wait_for 5 "$TOGGLED_WANT" "$TOGGLED" >/dev/null ||
			chaos_err "after SIGKILL $N_KILLS during a reload: bond$TOGGLED labelled address not ${TOGGLED_WANT#label_} as the config says"
	fi
	BASE_AT=$(($(date +%s) + WARM))
	FD0="" RSS0=""
}

# take_baseline: fds and RSS of the running daemon (between two chaos
# steps: every slave enslaved).
take_baseline() {
	FD0=$(fd_count "$(srv_pid)")
	RSS0=$(rss_kib "$(srv_pid)")
	jlog "baseline of bondd $(srv_pid): $FD0 fds, VmRSS $RSS0 KiB"
}

# chaos: the main loop until SOAK_S elapsed: kills at their times, else a
# release/enslave cycle, an option change or a reload, 0.1-1.5 s apart.
chaos() {
	local now end r k=0
	end=$(($(date +%s) + SOAK_S))
	while now=$(date +%s) && [ "$now" -lt "$end" ]; do
		if ! bondd_alive srv; then
			chaos_err "bondd died during the chaos (see its log)"
			break
		fi
		if [ "$k" -lt "${#KILL_AT[@]}" ] && [ "$now" -ge "${KILL_AT[$k]}" ]; then
			k=$((k + 1))
			act_kill || break
		else
			r=$((RANDOM % 100))
			if [ "$r" -lt 40 ]; then
				act_cycle
			elif [ "$r" -lt 80 ]; then
				act_option
			else
				act_reload
			fi
		fi
		if [ -z "$FD0" ] && [ "$(date +%s)" -ge "$BASE_AT" ]; then
			take_baseline
		fi
		if [ $((now - ${LAST_RSS_AT:-0})) -ge $((SOAK_S / 10 + 1)) ]; then
			LAST_RSS_AT=$now
			RSS_SERIES+="$(mib "$(rss_kib "$(srv_pid)")") "
		fi
		sleep_ms "$(rand_ms 100 1500)"
	done
}

# plan_kills: the SIGKILL times (epoch s), about 3 per 10 minutes and at
# least one, spread over 10%-50% of the run so that the last instance lives
# long enough for its fd/RSS baseline and the growth check.
plan_kills() {
	local n k t0
	KILL_AT=()
	[ "$SOAK_KILLS" = 0 ] && return
	n=$(((SOAK_S * 3 + 300) / 600))
	[ "$n" -ge 1 ] || n=1
	t0=$(date +%s)
	for ((k = 0; k < n; k++)); do
		KILL_AT+=($((t0 + SOAK_S / 10 + SOAK_S * 4 * (k * 100 + RANDOM % 100) / (1000 * n))))
	done
}

# lacp_converged TEXT: (bond4's status text) its two ports in the active
# aggregator, whose partner is the peer's bond4, both ports in sync,
# collecting and distributing on both sides.
lacp_converged() {
	printf '%s\n' "$1" | awk -v pmac="$PEER_MAC" '
		/^Active Aggregator Info:/ { inagg = 1; next }
		inagg && /^\tAggregator ID: / { agg = $3 }
		inagg && /^\tNumber of ports: / { nports = $4 }
		inagg && /^\tPartner Mac Address: / { partner = $4; inagg = 0 }
		/^Slave Interface: / { sl = $3 }
		/^Aggregator ID: / { pagg[sl] = $3 }
		/^details actor lacp pdu:/ { who = "actor" }
		/^details partner lacp pdu:/ { who = "partner" }
		/^    port state: / { st[sl, who] = $3 }
		END {
			bad = ""
			if (nports != 2) bad = bad " active aggregator has " nports + 0 " ports;"
			if (partner != pmac) bad = bad " partner MAC " partner " is not the peer bond4 " pmac ";"
			split("eth8 eth9", ps, " ")
			for (k = 1; k <= 2; k++) {
				p = ps[k]
				if (pagg[p] != agg) bad = bad " " p " in aggregator " pagg[p] ", active is " agg ";"
				if (int(st[p, "actor"] / 8) % 8 != 7) bad = bad " " p " actor state " st[p, "actor"] " not sync+collecting+distributing;"
				if (int(st[p, "partner"] / 8) % 8 != 7) bad = bad " " p " partner state " st[p, "partner"] " not sync+collecting+distributing;"
			}
			if (bad != "") { print "bond4:" bad; exit 1 }
		}'
}

# bond_converged I: (one "bondctl show") every slave of bond I "MII Status:
# up"; active-backup on its primary; 802.3ad as lacp_converged.
bond_converged() {
	local i=$1 s text
	text=$(bctl srv show "bond$i") || return 1
	for s in "${SLA[$i]}" "${SLB[$i]}"; do
		is_eq "bond$i $s MII Status" up "$(status_field "$text" "MII Status" "$s")" || return 1
	done
	if [ "$i" = "$AB" ]; then
		is_eq "bond$i Currently Active Slave" "${SLA[$i]}" \
			"$(status_field "$text" "Currently Active Slave")" || return 1
	fi
	if [ "$i" = "$LACP" ]; then
		lacp_converged "$text" || return 1
	fi
}

# converge_bound I: ms bond I may take to converge once every link is up
# and the options and config are back. MII: a carrier change is seen at the
# next tick (50 ms) and acted on at once (updelay 0, primary_reselect
# always); 1 s is 20 ticks, room for a loaded 2-core machine and for the
# polling itself (a bondctl per bond per round). 802.3ad: the partner's next
# fast LACPDU (1 s), the aggregate wait-while timer (2 s), then the other
# side's next LACPDU to reach collecting/distributing (1 s): 4 s, plus 2 s.
converge_bound() { if [ "$1" = "$LACP" ]; then echo 6000; else echo 1000; fi; }

# last_flap: the last chaos step, so that convergence is measured from a
# known disturbance: the first slave of every bond (active-backup's primary,
# one 802.3ad port) loses its link for 500 ms; returns when all are up again.
last_flap() {
	local i n p
	n=$(nsname sw)
	for ((i = 0; i < NB; i++)); do
		for p in $(flap_ports "${SLA[$i]}"); do
			ip -n "$n" link set "$p" down
		done
	done
	sleep 0.5
	for ((i = 0; i < NB; i++)); do
		for p in $(flap_ports "${SLA[$i]}"); do
			ip -n "$n" link set "$p" up
		done
	done
	N_FLAPS_END=$NB
}

# check_convergence T0: polls every bond until each has converged (or 8 s
# from T0 passed); then one check per bond, with the time it took.
check_convergence() {
	local t0=$1 i dt done_n=0
	local -a at=()
	PEER_MAC=$(link_mac peer bond4)
	while [ "$done_n" -lt $NB ] && [ $(($(now_ms) - t0)) -lt 8000 ]; do
		for ((i = 0; i < NB; i++)); do
			[ -n "${at[$i]:-}" ] && continue
			if bond_converged "$i" >"$TOPO_DIR/conv.$i" 2>&1; then
				at[i]=$(($(now_ms) - t0))
				done_n=$((done_n + 1))
			fi
		done
		sleep 0.05
	done
	for ((i = 0; i < NB; i++)); do
		dt=${at[$i]:-}
		CONV_MS+="bond$i=${dt:-never}ms "
		if [ -n "$dt" ] && [ "$dt" -le "$(converge_bound "$i")" ]; then
			check "bond$i (${MODE[$i]}) converged ${dt} ms after the chaos (bound $(converge_bound "$i") ms)" true
		else
			check "bond$i (${MODE[$i]}) converged within $(converge_bound "$i") ms after the chaos (${dt:-not in 8 s})" \
				failed_with "$TOPO_DIR/conv.$i"
		fi
	done
}

# failed_with FILE: prints FILE, fails (a check's details).
failed_with() {
	cat "$1"
	return 1
}

# ping_stats: totals of the background pings (after their SIGINT):
# "transmitted received"; ping_per_bond: "bondI rx/tx" for the log.
ping_stats() {
	cat "$TOPO_DIR"/ping.*.out | awk '
		/packets transmitted/ { tx += $1; rx += $4 }
		END { printf "%d %d\n", tx, rx }'
}
ping_per_bond() {
	local i
	for ((i = 0; i < NB; i++)); do
		awk -v b="bond$i" '/packets transmitted/ { printf "%s %d/%d ", b, $4, $1 }' "$TOPO_DIR/ping.$i.out"
	done
}

# stop_background: ends the loops and the traffic, waits for them.
stop_background() {
	local p
	touch "$STOP"
	for p in "${PING_PIDS[@]}"; do
		kill -INT "$p" 2>/dev/null
	done
	for p in "${PING_PIDS[@]}" "${BG_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	PING_PIDS=()
	BG_PIDS=()
}

# soak_exit: EXIT trap: background loops, then lib_topo's cleanup (daemons,
# namespaces, temp dir), then proof that nothing is left.
soak_exit() {
	local rc=$? left pids p
	trap - EXIT
	pids=$(for p in "${PING_PIDS[@]}" "${BG_PIDS[@]}"; do echo "$p"; done)
	[ -n "$TOPO_DIR" ] && [ -d "$TOPO_DIR" ] && touch "$STOP"
	for p in $pids; do
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	# The daemons: SIGTERM (slaves given back), then SIGKILL, in topo_cleanup.
	pids+=" ${TOPO_BONDD_PID[*]}"
	topo_cleanup
	left=$(ip netns list | awk -v p="$TOPO_PFX-" 'index($1, p) == 1 { print $1 }')
	for p in $pids; do
		kill -0 "$p" 2>/dev/null && left+=" pid $p"
	done
	if [ -z "${left// /}" ]; then
		echo "PASS soak: nothing left behind (namespaces, daemons, traffic)"
	else
		echo "FAIL soak: left behind: $left"
		rc=1
	fi
	exit "$rc"
}

# --- main -----------------------------------------------------------------
trap soak_exit EXIT
topo_log "soak: SOAK_S=$SOAK_S SOAK_KILLS=$SOAK_KILLS SOAK_SEED=$SOAK_SEED ASAN_OPTIONS=$ASAN_OPTIONS"
: >"$J"
: >"$ERRS"
CONV_MS=""
# Warm-up before the fd/RSS baseline of an instance: a tenth of the run
# (at least 5 s), with chaos going on, so that every kind of step has run.
WARM=$((SOAK_S / 10 > 5 ? SOAK_S / 10 : 5))

need "topology: srv, sw, peer, 14 slaves, 6 bridges, 2 wires" soak_topology
sleep 0.5
slave_snapshot srv "$TOPO_DIR/srv.before" "${SLAVES[@]}"
slave_snapshot peer "$TOPO_DIR/peer.before" eth0 eth1
write_conf
write_peer_conf
need "bondd -c (7 bonds, one per mode) starts in srv" start_bondd srv -c "$CONF"
need "bondd -c (802.3ad partner) starts in peer" start_bondd peer -c "$TOPO_DIR/peer.conf"
PEER_MAC=$(link_mac peer bond4)
for ((i = 0; i < NB; i++)); do
	need "bond$i (${MODE[$i]}) up before the chaos" wait_for 15 bond_converged "$i"
done
need "ping through every bond before the chaos" wait_for 10 all_bonds_ping
T_PING0=$(date +%s)
need "traffic starts (7 pings at 100 Hz, 2 iperf3 loops)" start_traffic
flap_loop &
BG_PIDS+=($!)

plan_kills
BASE_AT=$(($(date +%s) + WARM))
T_START=$(date +%s)
chaos
T_CHAOS=$(($(date +%s) - T_START))

# --- the end of the chaos: every link up, options and config as at start.
touch "$STOP"
wait "${BG_PIDS[-1]}" 2>/dev/null # the flap loop
for s in "${SLAVES[@]}"; do
	for p in $(flap_ports "$s"); do
		ip -n "$(nsname sw)" link set "$p" up
	done
done
if bondd_alive srv; then
	[ -n "$FD0" ] || take_baseline
	check "options put back to the configured values" options_put_back
	LABELS=""
	write_conf
	check "bondctl reload of the original config" bctl srv reload
	last_flap
	check_convergence "$(now_ms)"
	check "bondctl get shows every configured value again" options_are_config
	for ((i = 0; i < NB; i++)); do
		check "ping through bond$i (${MODE[$i]}) after the chaos: 20 at 100 Hz, none lost" \
			nsx srv ping -n -q -c 20 -i 0.01 -W 1 "$(far_of "$i")"
	done
	FD1=$(fd_count "$(srv_pid)")
	RSS1=$(rss_kib "$(srv_pid)")
	RSS_SERIES+="$(mib "$RSS1")"
	txwd_collect
else
	check "bondd still running at the end of the chaos" false
fi
stop_background
T_PING=$(($(date +%s) - T_PING0))
read -r P_TX P_RX <<<"$(ping_stats)"
# The pings ask for 100 Hz (-i 0.01); what a loaded machine achieved:
P_HZ=$((P_TX / NB / (T_PING > 0 ? T_PING : 1)))
LOSS=$(awk -v t="$P_TX" -v r="$P_RX" 'BEGIN { printf "%.2f", t ? 100 * (t - r) / t : 100 }')
TCP_OK=$(cat "$TOPO_DIR"/tcp.*.res 2>/dev/null | grep -c '^ok')
TCP_ALL=$(cat "$TOPO_DIR"/tcp.*.res 2>/dev/null | wc -l)
N_FLAPS=$(grep -c flap "$TOPO_DIR/flaps.log" 2>/dev/null)
N_FLAPS=$((${N_FLAPS:-0} + ${N_FLAPS_END:-0}))

# fds: the same set of bonds, slaves and sockets as at the baseline, no
# client connected: any growth is a leak (a leak per chaos step would show
# as dozens); +2 allows a log/config file or a closing client at the sample.
fd_ok() {
	echo "fds of the last bondd: $FD0 after its warm-up, $FD1 at the end"
	[ -n "$FD0" ] && [ -n "$FD1" ] && [ "$FD1" -le $((FD0 + 2)) ]
}
check "no fd growth in the last bondd instance ($FD0 -> $FD1)" fd_ok
# RSS: ASan holds up to quarantine_size_mb (4 MiB) of freed blocks, filled
# as the run goes, and its allocator keeps freed chunks per size class; so
# 4 MiB + 10% of the baseline. Steady growth (a list that grows per step,
# hundreds of steps) goes beyond that; small true leaks are LSan's job.
rss_ok() {
	echo "VmRSS of the last bondd: $RSS0 KiB after its warm-up, $RSS1 KiB at the end; series (MiB): $RSS_SERIES"
	[ -n "$RSS0" ] && [ -n "$RSS1" ] && [ "$RSS1" -le $((RSS0 + 4096 + RSS0 / 10)) ]
}
check "no memory growth in the last bondd instance ($(mib "${RSS0:-0}") -> $(mib "${RSS1:-0}") MiB)" rss_ok
txwd_ok() {
	if [ "$TXWD_MISSING" = 1 ]; then
		echo "bondctl show BOND --json has no \"tx_while_down\" in the elements of \"slaves\""
		echo "(the per-slave counter of issue 10 point 8 is not in this build)"
		return 1
	fi
	[ -z "$TXWD_BAD" ] || {
		echo "frames sent on a slave whose link was not up: $TXWD_BAD"
		return 1
	}
}
check "no frame sent on a slave that was down (tx_while_down 0 on every slave, every sample)" txwd_ok
chaos_ok() {
	[ ! -s "$ERRS" ] || {
		cat "$ERRS"
		return 1
	}
}
check "every chaos step did what it said (release/enslave, set, reload/SIGHUP, SIGKILL restart)" chaos_ok
if [ "$SOAK_KILLS" != 0 ]; then
	check "SIGKILL restarts: $N_KILLS of ${#KILL_AT[@]} planned" test "$N_KILLS" = "${#KILL_AT[@]}"
fi

check "bondd in srv exits cleanly on SIGTERM" stop_bondd srv
check "bondd in peer exits cleanly on SIGTERM" stop_bondd peer
N_SAN=$(grep -cE 'ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:' \
	"$(bondd_log srv)" "$(bondd_log peer)" | awk -F: '{ n += $NF } END { print n + 0 }')
no_san() {
	! bondd_log_bad srv && ! bondd_log_bad peer
}
check "no sanitizer report in any daemon log ($N_SAN)" no_san
slave_snapshot srv "$TOPO_DIR/srv.after" "${SLAVES[@]}"
slave_snapshot peer "$TOPO_DIR/peer.after" eth0 eth1
check "srv: every slave given back as before the first start (ip -d link, ip addr, tc, disable_ipv6)" \
	snapshots_equal "$TOPO_DIR/srv.before" "$TOPO_DIR/srv.after"
check "peer: every slave given back as before the first start" \
	snapshots_equal "$TOPO_DIR/peer.before" "$TOPO_DIR/peer.after"

topo_log "rss series (MiB): $RSS_SERIES"
topo_log "convergence after the last flap: $CONV_MS"
topo_log "pings answered: $(ping_per_bond); tcp runs ok $TCP_OK/$TCP_ALL; restarts: ${RESTART_MS:-none}; seed $SOAK_SEED"
echo "soak: $T_CHAOS s, $NB bonds, $N_FLAPS flaps, $N_CYCLES enslave/release, $N_OPTS option changes," \
	"$N_RELOADS reloads ($N_HUPS by SIGHUP), $N_KILLS SIGKILL restarts, ping loss $LOSS% ($P_TX at ${P_HZ} Hz per bond)," \
	"fds ${FD0:-?}->${FD1:-?}, RSS $(mib "${RSS0:-0}")->$(mib "${RSS1:-0}") MiB, sanitizer reports $N_SAN"
if [ "${TOPO_KEEP:-0}" = 1 ]; then
	topo_log "kept: $TOPO_DIR"
fi
topo_finish
