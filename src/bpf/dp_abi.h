/* The contract between bondd's kernel data path (the eBPF programs in
 * src/bpf/bond_dp.bpf.c) and the daemon that programs it (src/linux/dp_ebpf.c):
 * the maps' names, keys and values. Included by both sides, so only
 * <linux/types.h> types and fixed-size arrays.
 *
 * One program object per bond: its maps belong to that bond. The egress
 * program ("bond_tx") runs on the bond's TAP (clsact egress) and carries
 * what the host sends on the bond to a slave; the ingress program
 * ("bond_rx") runs on every slave (clsact ingress) and hands what the slave
 * receives to the bond (bpf_redirect to the TAP with BPF_F_INGRESS), or
 * drops it. The engine decides; the daemon writes its decisions into these
 * maps (struct dp_cfg is replaced whole, with a new gen, on every change);
 * the programs only read them, and count.
 *
 * A frame the programs cannot decide alone goes to the daemon: on egress
 * the program returns TC_ACT_OK, so the frame reaches the TAP's queue and
 * the daemon reads it from the TAP fd as on the packet data path
 * (balance-alb's ARP, a tlb bucket that has no slave yet). On ingress the
 * daemon's own packet sockets see every frame before tc does (packet taps
 * run first); their socket filter keeps only control frames. */
#ifndef BONDD_DP_ABI_H
#define BONDD_DP_ABI_H

#include <linux/types.h>

#define DP_MAX_SLAVES   64      /* = BOND_MAX_SLAVES */
#define DP_TLB_BUCKETS  256     /* the kernel's TLB_HASH_TABLE_SIZE */
#define DP_MAX_QUEUES   256     /* queue ids 1..255 (tx_queues is at most 255) */
#define DP_VLAN_IDS     4096    /* the 12-bit VID space: dp_vlans' size */
#define DP_MAX_VLANS    256     /* = BOND_MAX_VLANS: sub-interfaces per bond */

/* Map names (bpf_object__find_map_by_name) and program names. */
#define DP_MAP_CFG      "dp_cfg"
#define DP_MAP_SLAVES   "dp_slaves"
#define DP_MAP_STATS    "dp_stats"
#define DP_MAP_TLB      "dp_tlb"
#define DP_MAP_RR       "dp_rr"
#define DP_MAP_BSTATS   "dp_bstats"
#define DP_MAP_QUEUE    "dp_queue"
#define DP_MAP_FLOWS    "dp_flows"
#define DP_MAP_FLOWCTL  "dp_flowctl"
#define DP_MAP_FLOWRNG  "dp_flowrng"
#define DP_MAP_VLANS    "dp_vlans"
#define DP_MAP_VLAN_IFS "dp_vlan_ifs"
#define DP_MAP_VSTATS   "dp_vstats"
#define DP_MAP_HINTS    "dp_hints"
#define DP_PROG_TX      "bond_tx"
#define DP_PROG_RX      "bond_rx"
#define DP_PROG_VLAN_TX "bond_vlan_tx"

/* How the egress program picks the slave (struct dp_cfg.tx_kind). */
enum dp_tx_kind {
	DP_TX_DROP = 0,     /* nothing can transmit: drop, count (bstats) */
	DP_TX_ACTIVE = 1,   /* active-backup: active_ifindex */
	DP_TX_RR = 2,       /* balance-rr: see dp_cfg.rr_map */
	DP_TX_HASH = 3,     /* balance-xor, 802.3ad: every frame takes
			     * tx[hash % n_tx] */
	DP_TX_BCAST = 4,    /* broadcast: a copy on each of tx[0..n_tx) */
	DP_TX_TLB = 5,      /* balance-tlb: balanced frames (core/mode_tlb.c
			     * tlb_balances) take bucket xmit_hash & 0xff of
			     * dp_tlb (tlb_dynamic_lb=1), or tx[hash % n_tx]
			     * with DP_F_TLB_HASHED (tlb_dynamic_lb=0); the
			     * rest the active slave */
	DP_TX_ALB = 6,      /* balance-alb: as core/mode_alb.c alb_xmit: unicast
			     * IPv4/IPv6 take bucket alb_simple_hash(dest IP)
			     * of dp_tlb (or tx[hash % n_tx] with
			     * DP_F_TLB_HASHED), ARP goes to the daemon, the
			     * rest to the active slave */
};

/* struct dp_cfg.flags */
#define DP_F_UP             0x0001  /* bond administratively up; else receive drops */
#define DP_F_LACP           0x0002  /* 802.3ad: slow-protocol frames never reach the host */
#define DP_F_ALB            0x0004  /* balance-alb: ARP frames on egress go to the daemon */
#define DP_F_RX_REWRITE     0x0008  /* tlb/alb: a unicast frame to a slave's own MAC
				     * (!= bond MAC) reaches the host with the bond's MAC */
#define DP_F_TLB_HASHED     0x0010  /* tlb/alb with tlb_dynamic_lb=0: balanced frames
				     * take tx[hash % n_tx] instead of a bucket */
#define DP_F_RX_INACTIVE_UC 0x0020  /* alb: an inactive slave still hands up unicast */
#define DP_F_BCAST_NEIGH    0x0040  /* 802.3ad broadcast_neighbor, DP_TX_HASH: ARP and
				     * IPv6 NS/NA (untagged or behind one tag) take a
				     * copy on each of tx[0..n_tx) instead of the hash */
#define DP_F_QUEUE_OVERRIDE 0x0080  /* active-backup, balance-rr: a frame whose
				     * skb->queue_mapping is non-zero leaves on
				     * dp_queue[queue_mapping] when that is non-zero,
				     * before the mode's choice */
#define DP_F_RX_TIME        0x0100  /* stamp each received frame's time in its
				     * slave's last_rx_ns: only for the ARP
				     * monitor, the one reader (a clock read
				     * costs a frame ~30 ns) */

/* Map dp_cfg: BPF_MAP_TYPE_ARRAY, one entry, key 0. */
struct dp_cfg {
	__u32 gen;                   /* bumped by the daemon on every write */
	__u32 tx_kind;               /* enum dp_tx_kind */
	__u32 flags;                 /* DP_F_* */
	__u32 xmit_policy;           /* core/hash.h enum xmit_policy */
	__u32 packets_per_slave;     /* balance-rr (0 = random slave) */
	__u32 active_ifindex;        /* 0: none. AB's slave; tlb/alb's slave for
				      * unbalanced frames (sent only while its
				      * dp_slaves entry has DP_S_CAN_TX); rr's
				      * IGMP slave (0: rr_map[0]) */
	__u32 n_tx;                  /* entries in tx[] */
	__u32 tx[DP_MAX_SLAVES];     /* ifindexes: the set the mode chooses among,
				      * in the engine's order (usable array) */
	/* The dp_stats slots of active_ifindex and of tx[]
	 * (DP_NO_SLOT: look it up in dp_slaves), so that the modes that
	 * pick from them count a frame without a hash lookup. Filled in by
	 * dp_ebpf_write_cfg(), which assigns the slots. */
	__u32 active_slot;
	__u32 tx_slot[DP_MAX_SLAVES];
	/* balance-rr: the index is counter (or counter / packets_per_slave,
	 * or a random number) % n_slaves over ALL slaves in enslave order;
	 * rr_map[i] is the first slave at or after slaves[i] that can send
	 * (0: none can). */
	__u32 n_slaves;
	__u32 rr_map[DP_MAX_SLAVES];
	__u8 bond_mac[6];            /* tlb/alb receive rewrite */
	__u8 pad[2];
	__u32 tap_ifindex;           /* the bond's TAP: bond_rx hands what it
				      * accepts to its ingress (0: drop) */
};

/* struct dp_slave.flags */
#define DP_S_INACTIVE       0x0001  /* receive dropped (backup, !all_slaves_active;
				     * 802.3ad port not collecting) */
#define DP_S_CAN_TX         0x0002  /* slave_can_tx(): a tlb bucket may use it */

/* Map dp_slaves: BPF_MAP_TYPE_HASH, key __u32 ifindex of a slave of this
 * bond. A frame received on an ifindex that is not in the map is passed
 * (TC_ACT_OK) untouched: the program is not ours to judge there. */
struct dp_slave {
	__u32 flags;                 /* DP_S_* */
	__u8 mac[6];                 /* the slave's current MAC (tlb/alb source
				      * rewrite, receive rewrite) */
	__u8 pad[2];
	__u32 slot;                  /* its dp_stats entry (dp_ebpf_set_slave) */
	__u32 pad2;
};

#define DP_NO_SLOT 0xffffffffu

/* Map dp_stats: BPF_MAP_TYPE_PERCPU_ARRAY, DP_MAX_SLAVES entries, key the
 * slave's slot (struct dp_slave.slot), which the daemon assigns with the
 * slave and keeps for its life; it zeroes the entry of a new slave and
 * sums the CPUs. An array, not a hash by ifindex: the verifier inlines
 * its lookup, where a hash lookup costs a frame ~27 ns. */
struct dp_slave_stats {
	__u64 rx_packets, rx_bytes, rx_dropped;
	__u64 tx_packets, tx_bytes, tx_dropped;
	__u64 last_rx_ns;            /* bpf_ktime_get_ns() of the last frame
				      * received (max over CPUs) */
	/* Carrier hints (below): not counters. dev is written by the
	 * daemon, the same in every CPU's copy; hint_ns by the program, the
	 * CPU's last hint for this slave. */
	__u64 dev;
	__u64 hint_ns;
};

/* Map dp_bstats: BPF_MAP_TYPE_PERCPU_ARRAY, one entry: frames the bond
 * could not send and what went to the daemon. */
struct dp_bond_stats {
	__u64 tx_no_slave;           /* dropped: no slave could transmit */
	__u64 tx_to_daemon;          /* passed to the TAP queue (daemon) */
	__u64 tlb_unbalanced_bytes;  /* tlb/alb: bytes of unbalanced frames */
};

/* Map dp_tlb: BPF_MAP_TYPE_ARRAY, DP_TLB_BUCKETS entries, key bucket =
 * xmit_hash & 0xff. The daemon writes slave_ifindex (0: unassigned; the
 * frame then goes to the daemon, whose engine assigns the bucket); the
 * program adds tx_bytes with an atomic add. */
struct dp_tlb_bucket {
	__u32 slave_ifindex;
	__u32 pad;
	__u64 tx_bytes;
};

/* Map dp_queue: BPF_MAP_TYPE_ARRAY, DP_MAX_QUEUES __u32 entries: entry q is
 * the ifindex of the slave whose queue_id is q while it can send, else 0
 * (core/mode.h struct tx_plan, queue[]). */

/* Map dp_rr: BPF_MAP_TYPE_PERCPU_ARRAY, one __u32 entry: balance-rr's
 * counter, one per CPU as the kernel's, incremented before use. */

/* ---- carrier hints --------------------------------------------------------
 *
 * The transmit program reports a slave that has lost its carrier as soon
 * as a frame is sent to it, so that the daemon fails over within a frame's
 * time instead of at its next carrier poll (docs/design.md, "Carrier
 * hints"). The kernel tells rtnetlink of a carrier change up to a second
 * late (linkwatch), and a poll fast enough to matter costs a wakeup a
 * millisecond; the frames going into a dead link are what a failover must
 * stop, and bond_tx sees each of them.
 *
 * bond_tx reads the chosen slave's `state` word (struct net_device) with
 * bpf_probe_read_kernel() at dp_slave_stats.dev + dp_hint_cfg.state_off:
 * when dp_hint_cfg.down_bits are set or up_bits are not (no carrier, or
 * the device is down), it writes a struct dp_hint to the ring buffer
 * dp_hints, at most one per slave and CPU every DP_HINT_GAP_NS. The daemon
 * learns a device's address and the offsets once (src/bpf/dev_addr.bpf.c,
 * run with BPF_PROG_TEST_RUN on the device) and confirms every hint with
 * the kernel's own carrier counts before acting on it: a hint is never
 * trusted alone (a device freed under a stale address reads as anything). */

/* The program's read-only configuration (.rodata, "dp_hint"), set before
 * the load: state_off 0 leaves the hint out (the verifier then removes its
 * code: a kernel without the kfunc or BTF that dev_addr needs, or one that
 * refuses bpf_probe_read_kernel to tc programs, loads the programs
 * without it). */
struct dp_hint_cfg {
	__u32 state_off;             /* offsetof(struct net_device, state) */
	__u32 pad;
	__u64 down_bits;             /* 1 << __LINK_STATE_NOCARRIER */
	__u64 up_bits;               /* 1 << __LINK_STATE_START (IFF_UP) */
};

#define DP_HINT_GAP_NS  1000000ull      /* one hint per slave and CPU a ms */
#define DP_HINT_RING_BYTES (16 * 1024)  /* 1024 records: far more than a
					 * loop turn's worth of dead slaves */

/* One record of dp_hints. */
struct dp_hint {
	__u32 ifindex;               /* the slave */
	__u32 pad;
	__u64 state;                 /* its state word as read */
	__u64 ts_ns;                 /* bpf_ktime_get_ns() */
};

/* What src/bpf/dev_addr.bpf.c writes into the first bytes of the frame its
 * test run hands back: the address of the run's skb->dev (the device of
 * ctx.ifindex), that device's ifindex as read through it, and the hint
 * configuration of the running kernel (CO-RE offsets and enum values). */
struct dp_dev_addr {
	__u64 dev;
	__u32 ifindex;
	__u32 magic;                 /* DP_DEV_ADDR_MAGIC: the program ran */
	struct dp_hint_cfg cfg;
};

#define DP_DEV_ADDR_MAGIC 0xb0dda11u

/* ---- VLAN sub-interfaces (bond0.100) --------------------------------------
 *
 * Each sub-interface is a TAP of its own. Its egress carries the program
 * "bond_vlan_tx" (the same program on every VLAN TAP of the bond): it finds
 * the VID from the TAP's ifindex (dp_vlan_ifs), hashes the frame as the
 * kernel hashes a frame of a VLAN device stacked on a bond (the tag out of
 * band), gives it the 802.1Q tag with bpf_skb_vlan_push (metadata only: no
 * copy) and sends it as bond_tx sends (the same code, with the tag as
 * bond_tx sees an out-of-band tag). On receive, bond_rx hands a frame the
 * mode accepts whose 802.1Q tag's VID has a sub-interface (dp_vlans) to
 * that TAP's ingress without the tag (bpf_skb_vlan_pop); any other tag goes
 * to the bond's TAP unchanged, as the kernel does for VIDs without a VLAN
 * device. Only the daemon writes these maps: dp_ebpf_vlan_add/del. */

/* Map dp_vlans: BPF_MAP_TYPE_ARRAY, DP_VLAN_IDS entries, key VID: that
 * VID's TAP (ifindex 0: no sub-interface, the bond's TAP gets the frame)
 * and the slot of its counters in dp_vstats. */
struct dp_vlan {
	__u32 ifindex;
	__u32 slot;                  /* < DP_MAX_VLANS */
};

/* Map dp_vlan_ifs: BPF_MAP_TYPE_HASH, DP_MAX_VLANS entries, key __u32 ifindex
 * of a VLAN TAP: its VID and counter slot, what bond_vlan_tx reads (a frame
 * from a TAP without an entry is dropped, counted in
 * dp_bond_stats.tx_no_slave). In a map rather than in the program, so that
 * one program serves every VLAN TAP and a daemon adopting the maps has the
 * VIDs too. */
struct dp_vlan_if {
	__u32 vid;
	__u32 slot;
};

/* Map dp_vstats: BPF_MAP_TYPE_PERCPU_ARRAY, DP_MAX_VLANS entries, key the
 * VLAN's slot (the daemon gives each sub-interface a free one and zeroes
 * its counters; the daemon sums the CPUs). An array, not a hash keyed by
 * VID: its lookup is a few instructions the verifier inlines, a hash's
 * costs ~25 ns a frame. Bytes are the frames as the VLAN's TAP sees them
 * (without the tag), as the kernel's VLAN devices count theirs. */
struct dp_vlan_stats {
	__u64 rx_packets, rx_bytes;  /* handed to the VLAN's TAP, untagged */
	__u64 tx_packets, tx_bytes;  /* from the VLAN's TAP, sent on a slave tagged */
	__u64 tx_dropped;            /* from the VLAN's TAP, dropped (no slave) */
	__u64 tx_to_daemon;          /* left to the daemon (balance-alb's ARP, a
				      * tlb bucket without a slave): untagged
				      * again, in the VLAN TAP's queue */
};

/* ---- bondctl flows (docs/design.md "Flows") ------------------------------ */

#define DP_FLOWS_MAX    1024    /* = core/flowtab.h FLOW_TAB_SIZE */
#define DP_FLOW_ALL_FROM 4096   /* frames this long are never sampled */

/* struct dp_flowctl.fields: core/flowtab.h FK_* (the daemon checks that
 * they are equal at build time). */
#define DP_FK_SMAC   0x01
#define DP_FK_DMAC   0x02
#define DP_FK_ETYPE  0x04
#define DP_FK_VLAN   0x08
#define DP_FK_IP     0x10
#define DP_FK_PROTO  0x20
#define DP_FK_PORTS  0x40
#define DP_FK_L2     (DP_FK_SMAC | DP_FK_DMAC | DP_FK_ETYPE)

/* Map dp_flowctl: BPF_MAP_TYPE_ARRAY, one entry, written by the daemon:
 * which fields make a flow's key (core/flowtab.h FK_*; 0: record
 * nothing), the window the frames belong to now (0 or 1: the daemon flips
 * it at a window's end, then takes the finished window's entries), and
 * the sampling (1: every frame; N, a power of two: of the frames shorter
 * than DP_FLOW_ALL_FROM bytes one in N, drawn at random, counts for N;
 * longer frames count one for one). */
struct dp_flowctl {
	__u32 fields;
	__u32 win;
	__u32 sample;
	__u32 pad;
};

/* Map dp_flowrng: BPF_MAP_TYPE_PERCPU_ARRAY, one __u32 entry: each CPU's
 * random state for the sampling (0: not seeded yet). */

/* Map dp_flows: BPF_MAP_TYPE_LRU_PERCPU_HASH, DP_FLOWS_MAX entries: bytes
 * and frames per (flow, slave, window), sampled frames already multiplied. Per-CPU values: the program adds
 * without atomics; the daemon sums the CPUs. LRU: when full, the flows
 * least recently sent are the ones dropped. The key is core/flowtab.h's
 * struct flow_key field for field, plus the window. */
struct dp_flow_key {
	__u8 fields, family, proto, tagged;
	__u16 ethertype, vlan;
	__u8 smac[6], dmac[6];
	__u16 sport, dport;
	__u8 src[16], dst[16];
	__u32 ifindex;
	__u32 win;
};

struct dp_flow_val {
	__u64 bytes, frames;
};

#endif
