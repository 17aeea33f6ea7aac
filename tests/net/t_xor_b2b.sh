#!/bin/bash
# t_xor_b2b: balance-xor with xmit_hash_policy layer3+4, two bonds back to
# back. Namespaces a and b each run their own bondd with bond0 (balance-xor,
# miimon 100, layer3+4) over eth0, eth1; the two veth pairs join a and b
# directly. 198.51.100.1/24 (a), .2/24 (b).
#
# What is relied on: the kernel's layer3+4 hash (docs/hash.md: ports word ^ saddr ^ daddr, folded
# >>16 and >>8, then >>1; slave = usable[hash % 2], usable in enslave order
# while both links are up). The client ports are fixed with iperf3 --cport
# (iperf3 gives the -P streams consecutive ports from there), so the spread
# of the 8 streams and the slave of a single stream are known in advance:
# nothing here depends on the luck of ephemeral ports.
#   - -P 8: 4 streams hash to each slave; each slave of a sends >= 10% of
#     the frames;
#   - -P 1: the stream stays on the slave the formula names; the other slave
#     sends < 5% of the frames (iperf3's control connection, ARP);
#   - one link down under traffic: the transfer and ping go on.
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

A_IP=198.51.100.1
B_IP=198.51.100.2
PORT=5201

need "namespaces" ns_add a
need "namespaces" ns_add b
# Ephemeral ports (iperf3's control connection) kept away from the fixed
# client ports used below (41000-45999).
need "ephemeral ports 50000-60999 in a" nsx a sysctl -qw net.ipv4.ip_local_port_range="50000 60999"
need "veth eth0" veth_pair a eth0 b eth0
need "veth eth1" veth_pair a eth1 b eth1
declare -A addr=([a]=$A_IP/24 [b]=$B_IP/24)
for n in a b; do
	need "bondd starts in $n" start_bondd "$n"
	need "create bond0 balance-xor layer3+4 in $n" \
		bctl "$n" create bond0 mode balance-xor miimon 100 xmit_hash_policy layer3+4
	need "enslave eth0 eth1 in $n" bctl "$n" enslave bond0 eth0 eth1
	need "bond0 address in $n" bond_addr "$n" bond0 "${addr[$n]}"
done
check "status: Bonding Mode: load balancing (xor)" \
	field_is a bond0 "" "Bonding Mode" "load balancing (xor)"
check "status: Transmit Hash Policy: layer3+4 (1)" \
	field_is a bond0 "" "Transmit Hash Policy" "layer3+4 (1)"
need "ping a->b" wait_for 10 nsx a ping -c 1 -W 1 $B_IP
check "ping b->a" nsx b ping -c 3 -i 0.2 -W 1 $A_IP
need "iperf3 server in b" iperf_server b

# ip_word A.B.C.D: the 4 address bytes read as a little-endian u32.
ip_word() {
	local IFS=.
	# shellcheck disable=SC2086
	set -- $1
	echo $(($1 | $2 << 8 | $3 << 16 | $4 << 24))
}
# l34_slave SPORT: index (0 = eth0, 1 = eth1) the layer3+4 hash (docs/hash.md) gives a's
# TCP segments from A_IP:SPORT to B_IP:PORT over two usable slaves.
l34_slave() {
	local sp=$1 ports h
	ports=$(((sp >> 8) | (sp & 255) << 8 | (PORT >> 8) << 16 | (PORT & 255) << 24))
	h=$((ports ^ $(ip_word $A_IP) ^ $(ip_word $B_IP)))
	h=$((h ^ (h >> 16)))
	h=$((h ^ (h >> 8)))
	h=$((h >> 1))
	echo $((h % 2))
}
# port_for WANT FROM: the first port >= FROM that hashes to slave WANT.
port_for() {
	local p=$2
	while [ "$(l34_slave "$p")" != "$1" ]; do p=$((p + 1)); done
	echo "$p"
}
# base8 FROM: the first port >= FROM whose 8 consecutive ports hash 4 to
# each slave.
base8() {
	local p=$1 i n
	while :; do
		n=0
		for ((i = 0; i < 8; i++)); do n=$((n + $(l34_slave $((p + i))))); done
		[ "$n" = 4 ] && break
		p=$((p + 1))
	done
	echo "$p"
}

# share_ok D0 D1 PCT: each of two counters' growth is >= PCT% of the sum.
share_ok() {
	local d0=$1 d1=$2 pct=$3 sum=$(($1 + $2))
	echo "eth0 sent $d0 frames, eth1 sent $d1 frames"
	[ "$sum" -ge 1000 ] && [ $((d0 * 100)) -ge $((sum * pct)) ] && [ $((d1 * 100)) -ge $((sum * pct)) ]
}
# one_slave_ok D0 D1 WANT: slave WANT (0/1) sent the stream, the other
# < 5% of the frames.
one_slave_ok() {
	local d=("$1" "$2") want=$3 sum=$(($1 + $2)) other
	other=$((1 - want))
	echo "eth0 sent $1 frames, eth1 sent $2 frames; expected the stream on eth$want"
	[ "$sum" -ge 1000 ] && [ $((d[other] * 100)) -lt $((sum * 5)) ]
}

# --- 8 streams: 4 hash to each slave.
P8=$(base8 41000)
a0=$(tx_packets a eth0)
a1=$(tx_packets a eth1)
iperf_client a $B_IP 3 "$TOPO_DIR/p8.json" -P 8 --cport "$P8"
check "iperf3 -P 8 a->b (client ports $P8..$((P8 + 7)))" iperf_done $? "$TOPO_DIR/p8.json"
check "-P 8: both slaves of a carry the streams (each >= 10%)" \
	share_ok $(($(tx_packets a eth0) - a0)) $(($(tx_packets a eth1) - a1)) 10

# --- a single stream on each slave in turn: it stays on the slave the
# formula names.
hash_cmd=0
if "$BONDCTL" --help 2>&1 | grep -qE '^[[:space:]]+hash[[:space:]]'; then
	hash_cmd=1
fi
# hash_names IF SPORT: "bondctl hash" (JSON: the "slave" member) names IF
# for a's TCP segments from SPORT to b's iperf3 port.
hash_names() {
	local out got
	out=$(bctl a -j hash bond0 src "$A_IP" dst "$B_IP" proto tcp sport "$2" dport "$PORT" 2>&1)
	echo "bondctl -j hash: $out"
	got=$(printf '%s\n' "$out" | python3 -c 'import json, sys; print(json.load(sys.stdin).get("slave"))') || return 1
	is_eq "slave" "$1" "$got"
}
for want in 1 0; do
	sp=$(port_for $want $((42000 + want * 100)))
	a0=$(tx_packets a eth0)
	a1=$(tx_packets a eth1)
	iperf_client a $B_IP 2 "$TOPO_DIR/p1.$want.json" -P 1 --cport "$sp"
	check "iperf3 -P 1 a->b from port $sp" iperf_done $? "$TOPO_DIR/p1.$want.json"
	d0=$(($(tx_packets a eth0) - a0))
	d1=$(($(tx_packets a eth1) - a1))
	check "-P 1 from port $sp: the stream stays on eth$want (other slave < 5%)" \
		one_slave_ok "$d0" "$d1" "$want"
	if [ "$hash_cmd" = 1 ]; then
		grown=eth0
		[ "$d1" -gt "$d0" ] && grown=eth1
		check "bondctl hash for port $sp names $grown, the slave that sent the stream" \
			hash_names "$grown" "$sp"
	fi
	[ "$want" = 1 ] && sp1=$sp
done
[ "$hash_cmd" = 1 ] || topo_log "bondctl has no 'hash' command: hash checks skipped"

# --- one link down under traffic (admin down on a's eth1: both ends lose
# carrier), 8 streams, 4 of them on eth1 until then.
P8=$(base8 43000)
iperf_client a $B_IP 6 "$TOPO_DIR/down.json" -P 8 --cport "$P8" &
pid=$!
sleep 2
ip -n "$(nsname a)" link set eth1 down
wait "$pid"
rc=$?
check "iperf3 -P 8 completes across the loss of eth1" iperf_done "$rc" "$TOPO_DIR/down.json"
tail=$(iperf_stat "$TOPO_DIR/down.json" tail_bps)
check "data still flows in the last second (${tail:-?} bit/s)" test "${tail:-0}" -gt 0
check "a: eth1 MII Status: down" field_is a bond0 eth1 "MII Status" down
check "b: eth1 MII Status: down" wait_for 2 field_is b bond0 eth1 "MII Status" down
check "a: bond MII Status still up" field_is a bond0 "" "MII Status" up
if [ "$hash_cmd" = 1 ]; then
	check "bondctl hash: with eth1 down, port $sp1 goes to eth0" hash_names eth0 "$sp1"
fi
check "ping a->b with one link" nsx a ping -c 3 -i 0.2 -W 1 $B_IP
check "ping b->a with one link" nsx b ping -c 3 -i 0.2 -W 1 $A_IP
a0=$(tx_packets a eth0)
iperf_client a $B_IP 2 "$TOPO_DIR/one.json" -P 8 --cport "$(base8 44000)"
check "iperf3 -P 8 a->b with one link" iperf_done $? "$TOPO_DIR/one.json"
grew() {
	echo "eth0 sent $1 frames"
	[ "$1" -ge 1000 ]
}
check "a: eth0 carries all 8 streams alone" grew $(($(tx_packets a eth0) - a0))

ip -n "$(nsname a)" link set eth1 up
check "a: eth1 MII Status up again" wait_for 3 field_is a bond0 eth1 "MII Status" up
check "a: eth1 Link Failure Count: 1" field_is a bond0 eth1 "Link Failure Count" 1
a0=$(tx_packets a eth0)
a1=$(tx_packets a eth1)
iperf_client a $B_IP 2 "$TOPO_DIR/back.json" -P 8 --cport "$(base8 45000)"
check "iperf3 -P 8 a->b after eth1 returned" iperf_done $? "$TOPO_DIR/back.json"
check "eth1 carries its share again (each >= 10%)" \
	share_ok $(($(tx_packets a eth0) - a0)) $(($(tx_packets a eth1) - a1)) 10

for n in a b; do
	check "bondd in $n exits cleanly on SIGTERM" stop_bondd "$n"
done
topo_finish
