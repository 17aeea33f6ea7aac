# lib_lb4.sh: the topology t_tlb.sh and t_alb.sh share, sourced after
# lib_topo.sh: namespace srv (eth0, eth1 for the bond) and four clients c1..c4
# (fixed MACs 02:b0:0d:00:00:1N, 192.0.2.11-14/24) on one Linux bridge in
# namespace sw; checks for the slaves' MACs and for reachability.
# shellcheck shell=bash

BOND_IP=192.0.2.1
CLIENTS=(c1 c2 c3 c4)
declare -A cip=([c1]=192.0.2.11 [c2]=192.0.2.12 [c3]=192.0.2.13 [c4]=192.0.2.14)

topo_lb4() {
	local c i=0 ports=()
	ns_add srv && ns_add sw || return 1
	veth_pair srv eth0 sw s0 || return 1
	veth_pair srv eth1 sw s1 || return 1
	for c in "${CLIENTS[@]}"; do
		i=$((i + 1))
		ns_add "$c" || return 1
		veth_pair "$c" eth0 sw "p$i" || return 1
		ip -n "$(nsname "$c")" link set eth0 address "02:b0:0d:00:00:1$i" || return 1
		ip -n "$(nsname "$c")" addr add "${cip[$c]}/24" dev eth0 || return 1
		ports+=("p$i")
	done
	bridge_switch sw br0 s0 s1 "${ports[@]}"
}

# macs_ok ACTIVE OTHER: unique slave MACs, the bond's MAC is ACTIVE's.
macs_ok() {
	local m0 m1 mb
	mb=$(link_mac srv bond0)
	m0=$(link_mac srv "$1")
	m1=$(link_mac srv "$2")
	nsx srv ip -br link show
	echo "bond0 $mb, $1 (active) $m0, $2 $m1"
	[ "$m0" != "$m1" ] && [ "$mb" = "$m0" ] && [ "$mb" != 00:00:00:00:00:00 ]
}
# ping_all: every client pings the bond, and the bond every client.
ping_all() {
	local c bad=0
	for c in "${CLIENTS[@]}"; do
		nsx "$c" ping -c 2 -i 0.2 -W 1 "$BOND_IP" >/dev/null || {
			echo "$c cannot ping $BOND_IP"
			bad=1
		}
		nsx srv ping -c 2 -i 0.2 -W 1 "${cip[$c]}" >/dev/null || {
			echo "srv cannot ping $c (${cip[$c]})"
			bad=1
		}
	done
	return "$bad"
}

# to_all TAG SECS [ARGS]: iperf3 from srv to the four clients at once.
to_all() {
	local tag=$1 secs=$2 c pids=() rc=0 i=0
	shift 2
	for c in "${CLIENTS[@]}"; do
		iperf_client srv "${cip[$c]}" "$secs" "$TOPO_DIR/$tag.$c.json" "$@" &
		pids+=($!)
	done
	for c in "${CLIENTS[@]}"; do
		wait "${pids[$i]}" || rc=1
		i=$((i + 1))
		iperf_ok "$TOPO_DIR/$tag.$c.json" | sed "s/^/$c: /" || rc=1
	done
	return "$rc"
}
# share_ok WHAT D0 D1 PCT: each of two counters' growth is >= PCT% of the sum.
share_ok() {
	local d0=$2 d1=$3 pct=$4 sum=$(($2 + $3))
	echo "eth0 $1 $d0 frames, eth1 $1 $d1 frames"
	[ "$sum" -ge 1000 ] && [ $((d0 * 100)) -ge $((sum * pct)) ] && [ $((d1 * 100)) -ge $((sum * pct)) ]
}
