#!/bin/bash
# t_ebpf_queue_id: a slave's queue_id steers frames by their transmit queue
# (issue 12 item 3), as the kernel documents for tc's skbedit queue_mapping:
# in active-backup and balance-rr, a frame whose queue is a slave's queue_id
# leaves on that slave while it can send; otherwise the mode decides.
#
# This kernel has neither the multiq qdisc nor the skbedit action, so the
# admin's filter that gives frames their queue is a small BPF program on
# bond0's tc egress, before bondd's own (priority 1): frames to 192.0.2.20
# get queue 2. On the kernel data path bondd's program reads the queue; the
# packet data path, whose TAP has one queue, refuses a non-zero queue_id.
#
# srv: bond0 (active-backup, miimon 100) over eth0, eth1; queue_id eth1:2
# sw:  br0 over s0, s1, sc;  cli: 192.0.2.10/24 and 192.0.2.20/24
#   - pings to .20 leave on eth1 (the backup), pings to .10 on eth0;
#   - eth1's switch port down: .20 goes out on eth0 (the mode decides);
#   - queue_id 0 gives eth1 back to the mode;
#   - a bond on the packet data path refuses queue_id eth1:2 with the reason.
. "$(dirname "$0")/lib_topo.sh"
TOPO_PFX="bqid$$"
topo_init "$@"

SETQ_SRC=$TOPO_DIR/setq.bpf.c
SETQ=$TOPO_DIR/setq.o
cat >"$SETQ_SRC" <<'EOC'
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

/* The admin's classifier: IPv4 to 192.0.2.20 gets transmit queue 2, as
 * "tc filter ... action skbedit queue_mapping 2" would give it. */
SEC("tc")
int setq(struct __sk_buff *skb)
{
	__u32 dst;

	if (skb->protocol != __builtin_bswap16(0x0800) ||
	    bpf_skb_load_bytes(skb, 14 + 16, &dst, 4) < 0)
		return TC_ACT_UNSPEC;
	if (dst == __builtin_bswap32(0xc0000214))
		skb->queue_mapping = 2;
	return TC_ACT_UNSPEC;       /* on to the next filter: bondd's */
}
char LICENSE[] SEC("license") = "GPL";
EOC

# sent NS IF: the slave's transmitted frames
sent() { tx_packets "$1" "$2"; }
# burst DST: 30 pings at 100 Hz (answers may come back on the backup, which
# drops them in active-backup: only what leaves counts)
burst() { nsx srv ping -q -c 30 -i 0.01 -W 1 "$1" >/dev/null 2>&1; true; }
# leaves_on DST IF OTHER: a burst to DST adds >= 30 frames on IF, < 5 on OTHER
leaves_on() {
	local a0 b0 a1 b1
	a0=$(sent srv "$2") b0=$(sent srv "$3")
	burst "$1"
	a1=$(sent srv "$2") b1=$(sent srv "$3")
	echo "to $1: $2 +$((a1 - a0)), $3 +$((b1 - b0))"
	[ $((a1 - a0)) -ge 30 ] && [ $((b1 - b0)) -lt 5 ]
}

need "the admin's classifier compiles" clang -O2 -target bpf \
	-I"/usr/include/$(gcc -dumpmachine)" -c "$SETQ_SRC" -o "$SETQ"
need "topology" topo_2d1c
need "a second address on cli" ip -n "$(nsname cli)" addr add 192.0.2.20/24 dev eth0
need "bondd starts" start_bondd srv
need "create bond0 active-backup" bctl srv create bond0 mode active-backup miimon 100
need "enslave eth0 eth1" bctl srv enslave bond0 eth0 eth1
need "bond0 address" bond_addr srv bond0 192.0.2.1/24
need "ping crosses the bond" wait_for 10 nsx srv ping -c 1 -W 1 192.0.2.10
need "ARP for .20 resolved" wait_for 5 nsx srv ping -c 1 -W 1 192.0.2.20
check "eth0 is the active slave" active_is srv bond0 eth0
need "set-slave eth1 queue_id 2" bctl srv set-slave bond0 eth1 queue_id 2
check "get queue_id reads eth0:0 eth1:2" eval '[ "$(bctl srv get bond0 queue_id)" = "eth0:0 eth1:2" ]'
check "/proc layout: eth1's Slave queue ID: 2" field_is srv bond0 eth1 "Slave queue ID" 2
need "the classifier before bondd's on bond0's egress" \
	nsx srv tc filter add dev bond0 egress prio 1 bpf da obj "$SETQ" sec tc
check "without a queue (to .10): eth0, the active" leaves_on 192.0.2.10 eth0 eth1
check "queue 2 (to .20): eth1, the backup" leaves_on 192.0.2.20 eth1 eth0
ip -n "$(nsname sw)" link set s1 down
check "eth1 down" wait_for 3 field_is srv bond0 eth1 "MII Status" down
check "eth1 cannot send: queue 2 goes to the active" leaves_on 192.0.2.20 eth0 eth1
ip -n "$(nsname sw)" link set s1 up
check "eth1 up again" wait_for 3 field_is srv bond0 eth1 "MII Status" up
check "queue 2 on eth1 again" leaves_on 192.0.2.20 eth1 eth0
need "queue_id 0" bctl srv set-slave bond0 eth1 queue_id 0
check "queue 2 without a slave: the active" leaves_on 192.0.2.20 eth0 eth1
check "bondd exits cleanly on SIGTERM" stop_bondd srv

# The packet data path: refused, with the reason, nothing changed.
need "bondd --datapath packet starts" start_bondd srv --datapath packet
need "create bond0 again" bctl srv create bond0 mode active-backup miimon 100
need "enslave eth0 eth1 again" bctl srv enslave bond0 eth0 eth1
qout=$(bctl srv set-slave bond0 eth1 queue_id 2 2>&1)
qrc=$?
topo_log "packet data path: $qout (status $qrc)"
check "packet data path: queue_id refused (status 1)" eval '[ "$qrc" = 1 ]'
check "... saying why" eval 'echo "$qout" | grep -q "does not see a frame.s transmit queue"'
check "... nothing changed" eval '[ "$(bctl srv get bond0 queue_id)" = "eth0:0 eth1:0" ]'
check "bondd exits cleanly" stop_bondd srv
topo_finish
