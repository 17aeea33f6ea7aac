/* bondd's kernel data path (docs/design.md, "Data paths"): the egress
 * program of a bond's TAP and the ingress program of its slaves, with the
 * maps of src/bpf/dp_abi.h. Compiled with clang for the BPF target at build
 * time and embedded in bondd (bpf_obj.h).
 *
 * The rules are the engine's (src/core), which stays the truth: each
 * function below names the engine function it follows. The daemon writes
 * the engine's decisions into the maps (the slave sets, the active slave,
 * the tlb buckets); the programs apply them to each frame, and count.
 *
 * Frames and VLAN tags: the engine sees a frame with its VLAN tag written
 * inline after the MACs (the packet data path puts it there). Here a tag
 * may instead travel out of band (skb->vlan_present), and bpf_redirect()
 * keeps it so; every rule that looks at the bytes reads them as the engine
 * would with the tag inline: the L3 header then sits 4 bytes further on, the
 * outer type field is the tag's protocol, and the length is 4 bytes more.
 *
 * Built twice: bond_dp.bpf.o for bondd, and with -DBPF_TEST
 * bond_dp_test.bpf.o, whose programs also write every decision into the map
 * dp_test_out (dp_test.h) for tests/bpf. The decisions are the same code in
 * both; only the t_*() recorders differ (empty in production). */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "dp_abi.h"
#ifdef BPF_TEST
#include "dp_test.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dp_test_in);
} dp_test_in SEC(".maps");

/* dp_hash.h's switch: tests/bpf runs every frame with and without direct
 * reads of the linear part. */
static __always_inline int t_direct(void)
{
	const struct dp_test_in *in;
	__u32 k = 0;

	in = bpf_map_lookup_elem(&dp_test_in, &k);
	return !in || !in->no_direct;
}
#define DPH_DIRECT(skb) t_direct()
#endif
#include "dp_hash.h"


#define ETH_HLEN_ 14
#define ETH_P_IP_ 0x0800
#define ETH_P_ARP_ 0x0806
#define ETH_P_8021Q_ 0x8100
#define ETH_P_8021AD_ 0x88a8
#define ETH_P_IPV6_ 0x86dd
#define ETH_P_SLOW_ 0x8809

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dp_cfg);
} dp_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DP_MAX_SLAVES);
	__type(key, __u32);
	__type(value, struct dp_slave);
} dp_slaves SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DP_MAX_SLAVES);
	__type(key, __u32);
	__type(value, struct dp_slave_stats);
} dp_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dp_bond_stats);
} dp_bstats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, DP_TLB_BUCKETS);
	__type(key, __u32);
	__type(value, struct dp_tlb_bucket);
} dp_tlb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} dp_rr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, DP_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} dp_queue SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, DP_FLOWS_MAX);
	__type(key, struct dp_flow_key);
	__type(value, struct dp_flow_val);
} dp_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dp_flowctl);
} dp_flowctl SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} dp_flowrng SEC(".maps");

/* VLAN sub-interfaces (dp_abi.h) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, DP_VLAN_IDS);
	__type(key, __u32);
	__type(value, struct dp_vlan);
} dp_vlans SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DP_MAX_VLANS);
	__type(key, __u32);
	__type(value, struct dp_vlan_if);
} dp_vlan_ifs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DP_MAX_VLANS);
	__type(key, __u32);
	__type(value, struct dp_vlan_stats);
} dp_vstats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, DP_HINT_RING_BYTES);
} dp_hints SEC(".maps");

/* Set by the daemon before the load (dp_ebpf.c): the carrier hints' state
 * word layout, or zeros to leave them out. */
const volatile struct dp_hint_cfg dp_hint = { 0 };

/* ---- the test build's decision record ----------------------------------- */

#ifdef BPF_TEST
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dp_test_out);
} dp_test_out SEC(".maps");

static __always_inline struct dp_test_out *t_out(void)
{
	__u32 k = 0;

	return bpf_map_lookup_elem(&dp_test_out, &k);
}

static __always_inline void t_begin(void)
{
	struct dp_test_out *o = t_out();
	__u32 runs;

	if (!o)
		return;
	runs = o->runs;
	__builtin_memset(o, 0, sizeof(*o));
	o->runs = runs + 1;
}

static __always_inline int t_end(int action)
{
	struct dp_test_out *o = t_out();

	if (o)
		o->action = action;
	return action;
}

static __always_inline void t_sent(__u32 ifindex, int rc)
{
	struct dp_test_out *o = t_out();
	__u32 n;

	if (!o)
		return;
	n = o->n_out;
	if (n >= DP_MAX_SLAVES)
		return;
	o->out_ifindex[n] = ifindex;
	o->out_rc[n] = rc;
	o->n_out = n + 1;
}

static __always_inline void t_hash(__u32 h)
{
	struct dp_test_out *o = t_out();

	if (!o)
		return;
	o->hash = h;
	o->flags |= DP_T_HASHED;
}

static __always_inline void t_bucket(__u32 bucket, int simple)
{
	struct dp_test_out *o = t_out();

	if (!o)
		return;
	o->bucket = bucket;
	o->flags |= DP_T_BUCKET | (simple ? DP_T_SIMPLE_HASH : 0);
}

static __always_inline void t_mac(const __u8 *mac, int dst)
{
	struct dp_test_out *o = t_out();

	if (!o)
		return;
	__builtin_memcpy(dst ? o->dmac : o->smac, mac, 6);
	o->flags |= dst ? DP_T_DMAC : DP_T_SMAC;
}

/* The VID the program found, and the skb's out-of-band tag as it leaves. */
static __always_inline int t_end_tag(struct __sk_buff *skb, int action, __u32 vid)
{
	struct dp_test_out *o = t_out();

	if (o) {
		o->action = action;
		o->vid = vid;
		o->vlan_present = skb->vlan_present;
		o->vlan_proto = skb->vlan_present ? bpf_ntohs((__u16)skb->vlan_proto) : 0;
		o->vlan_tci = skb->vlan_present ? skb->vlan_tci : 0;
	}
	return action;
}
#else
static __always_inline void t_begin(void)
{
}

static __always_inline int t_end(int action)
{
	return action;
}

static __always_inline void t_sent(__u32 ifindex, int rc)
{
}

static __always_inline void t_hash(__u32 h)
{
}

static __always_inline void t_bucket(__u32 bucket, int simple)
{
}

static __always_inline void t_mac(const __u8 *mac, int dst)
{
}

static __always_inline int t_end_tag(struct __sk_buff *skb, int action, __u32 vid)
{
	return action;
}
#endif

/* ---- shared pieces ------------------------------------------------------- */

/* An index into a DP_MAX_SLAVES array that the verifier sees bounded.
 * clang drops a bounds check it can prove redundant (x % n with n <= 64),
 * after which the verifier no longer knows the bound: the empty asm makes
 * the value opaque to clang, so the check stays. */
static __always_inline __u32 slave_idx(__u32 x)
{
	asm volatile("" : "+r"(x));
	return x < DP_MAX_SLAVES ? x : DP_MAX_SLAVES;
}

static __always_inline struct dp_bond_stats *bond_stats(void)
{
	__u32 k = 0;

	return bpf_map_lookup_elem(&dp_bstats, &k);
}

static __always_inline struct dp_slave *slave_of(__u32 ifindex)
{
	return bpf_map_lookup_elem(&dp_slaves, &ifindex);
}

/* The counters of the slave in slot (DP_NO_SLOT: of ifindex, looked up). */
static __always_inline struct dp_slave_stats *slave_stats(__u32 ifindex, __u32 slot)
{
	if (slot == DP_NO_SLOT) {
		const struct dp_slave *s = slave_of(ifindex);

		if (!s)
			return 0;
		slot = s->slot;
	}
	return bpf_map_lookup_elem(&dp_stats, &slot);
}

/* The out-of-band tag's protocol, host order; 0 without one. */
static __always_inline __u32 oob_vlan_proto(struct __sk_buff *skb)
{
	if (!skb->vlan_present)
		return 0;
	return bpf_ntohs((__u16)skb->vlan_proto);
}

/* The engine's frame length: the tag inline counts. */
static __always_inline __u32 frame_len(struct __sk_buff *skb)
{
	return skb->len + (skb->vlan_present ? 4 : 0);
}

static __always_inline int mac_eq(const __u8 *a, const __u8 *b)
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3] &&
	       a[4] == b[4] && a[5] == b[5];
}

/* The frame's destination MAC (the same bytes with the tag inline or not). */
static __always_inline int read_dst(struct __sk_buff *skb, __u8 dst[6])
{
	return dph_load(skb, 0, dst, 6) == 0;
}

/* ---- transmit ------------------------------------------------------------ */

static __always_inline int tx_no_slave(void)
{
	struct dp_bond_stats *bs = bond_stats();

	if (bs)
		bs->tx_no_slave++;
	return TC_ACT_SHOT;
}

/* The frame goes to the TAP's queue, where the daemon reads it and its
 * engine decides (balance-alb's ARP, a tlb bucket without a slave). */
static __always_inline int tx_to_daemon(void)
{
	struct dp_bond_stats *bs = bond_stats();

	if (bs)
		bs->tx_to_daemon++;
	return TC_ACT_OK;
}

/* ---- bondctl flows: core/flowtab.c flow_key_from_frame() ----------------- */

/* The L4 part of the key: ports (or the SPI), or ICMP type|code and the
 * echo id (flowtab.c l4_fields). */
static __always_inline void flow_l4(struct __sk_buff *skb, struct dp_flow_key *k, __u32 len,
				    __u32 thoff)
{
	__u8 b[8];
	__u32 po;

	switch (k->proto) {
	case 6: case 17: case 33: case 50: case 132: case 136:
		po = 0;
		break;
	case 51:
		po = 4;
		break;
	case 1: case 58:
		if (!dph_need(len, thoff, 8) || dph_load(skb, thoff, b, 8) < 0)
			return;
		k->sport = (__u16)(b[0] << 8 | b[1]);
		if (b[0] == 0 || b[0] == 8 || b[0] == 13 || b[0] == 14 || b[0] == 128 ||
		    b[0] == 129)
			k->dport = (__u16)(b[4] << 8 | b[5]);
		return;
	default:
		return;
	}
	if (!dph_need(len, thoff + po, 4) || dph_load(skb, thoff + po, b, 4) < 0)
		return;
	k->sport = (__u16)(b[0] << 8 | b[1]);
	k->dport = (__u16)(b[2] << 8 | b[3]);
}

/* flowtab.c ip_fields(): 1 when the IP header was read. */
static __always_inline int flow_ip(struct __sk_buff *skb, struct dp_flow_key *k, __u32 want,
				   __u32 len, __u16 type)
{
	__u8 h[20];

	if (type == ETH_P_IP_) {
		if (!dph_need(len, ETH_HLEN_, 20) || dph_load(skb, ETH_HLEN_, h, 20) < 0)
			return 0;
		k->family = 4;
		__builtin_memcpy(k->src, h + 12, 4);
		__builtin_memcpy(k->dst, h + 16, 4);
		if (want & (DP_FK_PROTO | DP_FK_PORTS))
			k->proto = h[9];
		/* fragments: no ports, as the hash */
		if ((want & DP_FK_PORTS) && !(((h[6] << 8) | h[7]) & 0x3fff))
			flow_l4(skb, k, len, ETH_HLEN_ + (__u32)(h[0] & 0x0f) * 4);
		return 1;
	}
	if (!dph_need(len, ETH_HLEN_, 40) || dph_load(skb, ETH_HLEN_ + 8, k->src, 16) < 0 ||
	    dph_load(skb, ETH_HLEN_ + 24, k->dst, 16) < 0)
		return 0;
	k->family = 6;
	if (want & (DP_FK_PROTO | DP_FK_PORTS))
		k->proto = dph_u8(skb, ETH_HLEN_ + 6);
	if (want & DP_FK_PORTS)
		flow_l4(skb, k, len, ETH_HLEN_ + 40);
	return 1;
}

/* The key of the engine's frame: an out-of-band tag counts as inline (its
 * protocol is then the outer type and no IP header is read, as the engine
 * would see it on the packet data path). A VLAN sub-interface's frame
 * (vlan_dev: the tag in the metadata is the VLAN's, pushed by
 * bond_vlan_tx) is keyed as flowtab.c flow_key_from_frame_vlan keys it:
 * the VID, and the type and IP fields behind the tag, as its hash reads
 * them. */
static __always_inline void flow_key(struct __sk_buff *skb, __u32 want, struct dp_flow_key *k,
				     int vlan_dev)
{
	__u32 len = skb->len;
	__u16 type;
	int ip = 0;

	if (len < ETH_HLEN_)
		return;
	if (skb->vlan_present && !vlan_dev) {
		type = (__u16)oob_vlan_proto(skb);
		if (want & DP_FK_VLAN) {
			k->tagged = 1;
			k->vlan = (__u16)(skb->vlan_tci & 0x0fff);
		}
	} else {
		type = dph_be16(skb, 12);
		if (skb->vlan_present) {
			if (want & DP_FK_VLAN) {
				k->tagged = 1;
				k->vlan = (__u16)(skb->vlan_tci & 0x0fff);
			}
		} else if ((want & DP_FK_VLAN) && (type == ETH_P_8021Q_ || type == ETH_P_8021AD_) &&
			   len >= ETH_HLEN_ + 4) {
			k->tagged = 1;
			k->vlan = dph_be16(skb, 14) & 0x0fff;
		}
		if ((want & DP_FK_IP) && (type == ETH_P_IP_ || type == ETH_P_IPV6_))
			ip = flow_ip(skb, k, want, len, type);
	}
	if (ip) {
		k->fields = want & (DP_FK_L2 | DP_FK_VLAN | DP_FK_IP | DP_FK_PROTO | DP_FK_PORTS);
	} else {
		k->family = 0;
		k->proto = 0;
		k->sport = 0;
		k->dport = 0;
		__builtin_memset(k->src, 0, 16);
		__builtin_memset(k->dst, 0, 16);
		k->fields = want & DP_FK_IP ? (__u8)(DP_FK_L2 | (want & DP_FK_VLAN))
					    : (__u8)(want & (DP_FK_L2 | DP_FK_VLAN));
	}
	if ((k->fields & DP_FK_SMAC) && dph_load(skb, 6, k->smac, 6) < 0)
		__builtin_memset(k->smac, 0, 6);
	if ((k->fields & DP_FK_DMAC) && dph_load(skb, 0, k->dmac, 6) < 0)
		__builtin_memset(k->dmac, 0, 6);
	if (k->fields & DP_FK_ETYPE)
		k->ethertype = type;
	if (!(k->fields & DP_FK_VLAN)) {
		k->tagged = 0;
		k->vlan = 0;
	}
}

/* The frame leaves on ifindex: its flow counts under window win for
 * weight frames of its size; how = fields | win << 8 | vlan_dev << 9 |
 * weight << 16 (a BPF function takes at most 5 arguments; vlan_dev: a VLAN
 * sub-interface's frame, see flow_key).
 * A global function: the verifier checks it once, on its own, not again
 * at every call site (the modes' paths would take it past its limit), and
 * it reads the skb's fields from its own context argument (inlined, clang
 * reuses the callers' pointers into the context, which the verifier
 * refuses). */
__noinline int flow_record(struct __sk_buff *skb, __u32 ifindex, __u32 len, __u32 how)
{
	__u32 weight = how >> 16;
	struct dp_flow_key k = {};
	struct dp_flow_val *v, nv;

	flow_key(skb, how & 0xff, &k, (how >> 9) & 1);
	k.ifindex = ifindex;
	k.win = (how >> 8) & 1;
	v = bpf_map_lookup_elem(&dp_flows, &k);
	if (v) {
		/* this CPU's value: no other CPU writes it */
		v->bytes += (__u64)len * weight;
		v->frames += weight;
		return 0;
	}
	nv.bytes = (__u64)len * weight;
	nv.frames = weight;
	/* Another CPU may have made the entry meanwhile: it has a slot for
	 * this CPU too. */
	if (bpf_map_update_elem(&dp_flows, &k, &nv, BPF_NOEXIST) < 0) {
		v = bpf_map_lookup_elem(&dp_flows, &k);
		if (v) {
			v->bytes += (__u64)len * weight;
			v->frames += weight;
		}
	}
	return 0;
}

/* Carrier hints (dp_abi.h): the chosen slave's state word, read where the
 * daemon's dev_addr said; when it shows no carrier or a device that is
 * down, a record for the daemon, at most one per slave and CPU every
 * DP_HINT_GAP_NS. The daemon sets dp_hint before the load; with state_off
 * 0 the verifier drops this code and its helper. About 10 ns a frame: one
 * 8-byte read, no map lookup (the address is in the slave's counters,
 * already at hand). */
static __always_inline void carrier_hint(struct dp_slave_stats *st, __u32 ifindex)
{
	struct dp_hint *h;
	__u64 state = 0, now;

	if (!dp_hint.state_off || !st->dev)
		return;
	if (bpf_probe_read_kernel(&state, sizeof(state),
				  (const void *)(unsigned long)(st->dev + dp_hint.state_off)) < 0)
		return;
	if (!(state & dp_hint.down_bits) && (state & dp_hint.up_bits))
		return;
	now = bpf_ktime_get_ns();
	if (now - st->hint_ns < DP_HINT_GAP_NS)
		return;
	st->hint_ns = now;
	h = bpf_ringbuf_reserve(&dp_hints, sizeof(*h), 0);
	if (!h)
		return;     /* full: the daemon's carrier poll still sees it */
	h->ifindex = ifindex;
	h->pad = 0;
	h->state = state;
	h->ts_ns = now;
	bpf_ringbuf_submit(h, 0);
}

/* vid: the VLAN sub-interface's frame bond_vlan_tx sends (0: bond_tx's). */
static __always_inline void count_tx(struct __sk_buff *skb, __u32 ifindex, __u32 slot,
				     __u32 len, __u32 vid)
{
	struct dp_slave_stats *st = slave_stats(ifindex, slot);
	const struct dp_flowctl *fc;
	__u32 z = 0;

	if (st) {
		st->tx_packets++;
		st->tx_bytes += len;
		carrier_hint(st, ifindex);
	}
	/* bondctl flows: a frame of DP_FLOW_ALL_FROM bytes or more counts
	 * as itself; of the smaller ones, one in fc->sample (a power of two,
	 * so a mask picks it), drawn at random, counts for fc->sample frames
	 * of its size (an unbiased estimate). The map costs about 70 ns a
	 * frame; the draw is a per-CPU xorshift32, since bpf_get_prandom_u32()
	 * alone costs ~14 ns (docs/design.md, "Flows"). Random, not every Nth
	 * frame: two flows taking turns frame by frame would be seen as one.
	 * Big frames always: they are few for their bytes (GSO), and a
	 * sampled handful of them would make a bulk flow's bytes a guess. */
	fc = bpf_map_lookup_elem(&dp_flowctl, &z);
	if (!fc || !fc->fields)
		return;
	if (fc->sample > 1 && len < DP_FLOW_ALL_FROM) {
		__u32 *rng = bpf_map_lookup_elem(&dp_flowrng, &z), x;

		if (!rng)
			return;
		x = *rng;
		if (!x)
			x = bpf_get_prandom_u32() | 1;      /* seeded once per CPU */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		*rng = x;
		if (x & (fc->sample - 1))
			return;
		flow_record(skb, ifindex, len,
			    (fc->fields & 0xff) | (fc->win & 1) << 8 | (vid ? 1u << 9 : 0) |
			    (fc->sample & 0xffff) << 16);
		return;
	}
	flow_record(skb, ifindex, len,
		    (fc->fields & 0xff) | (fc->win & 1) << 8 | (vid ? 1u << 9 : 0) | 1u << 16);
}

/* bond_tx_on(): the frame leaves on ifindex (its counters in slot, or
 * DP_NO_SLOT: looked up). */
static __always_inline int tx_on(struct __sk_buff *skb, __u32 ifindex, __u32 slot, __u32 len,
				 __u32 vid)
{
	count_tx(skb, ifindex, slot, len, vid);
	t_sent(ifindex, TC_ACT_REDIRECT);
	return bpf_redirect(ifindex, 0);
}

/* The transmit hash of the frame. vid 0: a frame of the bond's TAP, hashed
 * as core/hash.c xmit_hash() hashes the engine's frame (an out-of-band tag
 * as if inline). Else a frame of the VLAN sub-interface vid, whose tag
 * bond_vlan_tx has pushed out of band (its bytes are still the TAP's,
 * untagged): core/hash.c xmit_hash_vlan(), the kernel's hash of a frame of
 * a VLAN device stacked on a bond. vid is a constant 0 in bond_tx, where
 * the second branch is compiled away. */
static __always_inline __u32 tx_hash(struct __sk_buff *skb, const struct dp_cfg *cfg, __u32 vid)
{
	/* (The tag in the skb's metadata is the VLAN's own, pushed by
	 * bond_vlan_tx with the TCI vid: the frame carries no other out of
	 * band, so vlan_proto 0.) */
	if (vid)
		return dp_xmit_hash_vlan(skb, cfg->xmit_policy, vid, 0);
	return dp_xmit_hash(skb, cfg->xmit_policy, oob_vlan_proto(skb));
}

/* mode.c mode_hash_slave(): tx[hash % n_tx], its slot in *slot; 0 when
 * there is none. */
static __always_inline __u32 hash_slave(struct __sk_buff *skb, const struct dp_cfg *cfg,
					__u32 vid, __u32 *slot)
{
	__u32 n = cfg->n_tx, h, idx;

	if (!n || n > DP_MAX_SLAVES)
		return 0;
	h = tx_hash(skb, cfg, vid);
	t_hash(h);
	idx = slave_idx(h % n);
	if (idx >= DP_MAX_SLAVES)
		return 0;
	*slot = cfg->tx_slot[idx];
	return cfg->tx[idx];
}

/* mode_rr.c is_igmp(): on the engine's frame, so a tagged frame written
 * to the bond is not; a VLAN sub-interface's frame (vid: its tag pushed
 * out of band by bond_vlan_tx) is looked at past its tag, as the kernel
 * sees it (skb->protocol is the type after the tag). */
static __always_inline int is_igmp(struct __sk_buff *skb, __u32 vid)
{
	if ((skb->vlan_present && !vid) || skb->len < ETH_HLEN_ + 20)
		return 0;
	return dph_be16(skb, 12) == ETH_P_IP_ && (dph_u8(skb, 14) >> 4) == 4 &&
	       dph_u8(skb, 14 + 9) == 2;
}

/* mode_rr.c rr_xmit(). */
static __always_inline __u32 rr_slave(struct __sk_buff *skb, const struct dp_cfg *cfg,
				      __u32 vid)
{
	__u32 n = cfg->n_slaves, pps = cfg->packets_per_slave, idx, k = 0, c;
	__u32 *ctr;

	if (!n || n > DP_MAX_SLAVES)
		return 0;
	if (is_igmp(skb, vid)) {
		/* rr_igmp_slave(): the active slave, else the first that can
		 * transmit. */
		if (cfg->active_ifindex)
			return cfg->active_ifindex;
		return cfg->rr_map[0];
	}
	if (pps == 0) {
		idx = bpf_get_prandom_u32() % n;
	} else {
		ctr = bpf_map_lookup_elem(&dp_rr, &k);
		if (!ctr)
			return 0;
		/* Incremented before use, as the kernel does: the first
		 * frame takes slave 1. One counter per CPU, as the kernel's
		 * (rr_tx_counter is per-CPU): a shared one would bounce its
		 * cache line between the CPUs on every frame. The program
		 * is not preempted on its CPU, so a plain increment is
		 * enough. */
		c = ++*ctr;
		idx = (pps == 1 ? c : c / pps) % n;
	}
	idx = slave_idx(idx);
	if (idx >= DP_MAX_SLAVES)
		return 0;
	return cfg->rr_map[idx];
}

/* mode_bcast.c bcast_xmit(): a copy on each of tx[0..n_tx); the copies
 * before the last are clones, the last is the frame itself. */
static __always_inline int bcast_xmit(struct __sk_buff *skb, const struct dp_cfg *cfg,
				      __u32 len, __u32 vid)
{
	__u32 n = cfg->n_tx;

	if (!n || n > DP_MAX_SLAVES)
		return tx_no_slave();
	for (__u32 i = 0; i < DP_MAX_SLAVES; i++) {
		__u32 ifindex, slot;
		long rc;

		if (i + 1 >= n)
			break;
		ifindex = cfg->tx[slave_idx(i) & (DP_MAX_SLAVES - 1)];
		slot = cfg->tx_slot[slave_idx(i) & (DP_MAX_SLAVES - 1)];
		rc = bpf_clone_redirect(skb, ifindex, 0);
		t_sent(ifindex, (int)rc);
		if (rc == 0) {
			count_tx(skb, ifindex, slot, len, vid);
		} else {
			/* That slave's copy is lost (the device went away
			 * before the daemon rewrote the set): counted. */
			struct dp_slave_stats *st = slave_stats(ifindex, slot);

			if (st)
				st->tx_dropped++;
		}
	}
	n = slave_idx(n - 1);
	if (n >= DP_MAX_SLAVES)
		return tx_no_slave();
	return tx_on(skb, cfg->tx[n], cfg->tx_slot[n], len, vid);
}

/* Where the L3 header of the engine's frame starts, in skb offsets, and
 * its type: mode_tlb.c alb_parse_l2(), which looks through one tag. */
struct l2v {
	__u32 off;
	__u16 proto;
};

static __always_inline void parse_l2(struct __sk_buff *skb, struct l2v *l2)
{
	__u16 proto = dph_be16(skb, 12);

	if (skb->vlan_present) {
		/* The engine's frame has the tag at 12 and this type at 16. */
		l2->proto = proto;
		l2->off = ETH_HLEN_;
		return;
	}
	l2->off = ETH_HLEN_;
	if ((proto == ETH_P_8021Q_ || proto == ETH_P_8021AD_) && skb->len >= ETH_HLEN_ + 4) {
		proto = dph_be16(skb, 16);
		l2->off = ETH_HLEN_ + 4;
	}
	l2->proto = proto;
}

/* mode_tlb.c is_nd(). The lengths compare in skb coordinates, where the
 * frame and the offset are both 4 bytes shorter than the engine's when the
 * tag is out of band. */
static __always_inline int is_nd(struct __sk_buff *skb, __u32 off)
{
	__u8 t;

	if (!dph_need(skb->len, off, 40))
		return 1;
	if (dph_u8(skb, off + 6) != 58)
		return 0;
	if (!dph_need(skb->len, off, 48))
		return 1;
	t = dph_u8(skb, off + 40);
	return t == 136 || t == 135;
}

/* core/lacp lacp_is_neighbor_frame(): ARP, or an ICMPv6 NS/NA right after
 * the IPv6 header; a frame too short for both headers is not one. */
static __always_inline int is_neighbor(struct __sk_buff *skb, const struct l2v *l2)
{
	__u8 t;

	if (l2->proto == ETH_P_ARP_)
		return 1;
	if (l2->proto != ETH_P_IPV6_ || !dph_need(skb->len, l2->off, 48))
		return 0;
	if (dph_u8(skb, l2->off + 6) != 58)
		return 0;
	t = dph_u8(skb, l2->off + 40);
	return t == 135 || t == 136;
}

/* mode_tlb.c tlb_balances(). */
static __always_inline int tlb_balances(struct __sk_buff *skb, const __u8 dst[6],
					const struct l2v *l2)
{
	if (dst[0] & 1)
		return 0;
	return l2->proto == ETH_P_IP_ || (l2->proto == ETH_P_IPV6_ && !is_nd(skb, l2->off));
}

/* mode_tlb.c alb_do_xmit(): tx 0 means "not balanced": the active slave,
 * and the bytes count as unbalanced load (tlb_dynamic_lb=1 only). A frame
 * leaving on another slave than the active one carries that slave's MAC as
 * its source. A slave that cannot transmit drops the frame. */
static __always_inline int alb_do_xmit(struct __sk_buff *skb, const struct dp_cfg *cfg,
				       __u32 tx, __u32 len, __u32 vid)
{
	struct dp_slave *s;
	__u8 mac[6];

	if (!tx) {
		tx = cfg->active_ifindex;
		if (!(cfg->flags & DP_F_TLB_HASHED)) {
			struct dp_bond_stats *bs = bond_stats();

			if (bs)
				bs->tlb_unbalanced_bytes += len;
		}
	}
	if (!tx)
		return tx_no_slave();
	s = slave_of(tx);
	if (!s || !(s->flags & DP_S_CAN_TX))
		return tx_no_slave();
	if (tx != cfg->active_ifindex) {
		__builtin_memcpy(mac, s->mac, 6);
		if (bpf_skb_store_bytes(skb, 6, mac, 6, 0) < 0) {
			/* Not with the bond's MAC on another port: lost. */
			struct dp_slave_stats *st = slave_stats(tx, s->slot);

			if (st)
				st->tx_dropped++;
			return TC_ACT_SHOT;
		}
		t_mac(mac, 0);
	}
	return tx_on(skb, tx, s->slot, len, vid);
}

/* mode_tlb.c tlb_choose_channel() with the daemon's buckets: a bucket
 * without a slave, or whose slave can no longer transmit, is the engine's
 * to decide (it assigns the bucket, or frees the slave's buckets). */
static __always_inline int tlb_bucket_xmit(struct __sk_buff *skb, const struct dp_cfg *cfg,
					   __u32 bucket, int simple, __u32 len, __u32 vid)
{
	struct dp_tlb_bucket *b;
	struct dp_slave *s;
	__u32 k = bucket & (DP_TLB_BUCKETS - 1);
	__u32 tx;

	t_bucket(k, simple);
	b = bpf_map_lookup_elem(&dp_tlb, &k);
	if (!b)
		return tx_to_daemon();
	tx = b->slave_ifindex;
	if (!tx)
		return tx_to_daemon();
	s = slave_of(tx);
	if (!s || !(s->flags & DP_S_CAN_TX))
		return tx_to_daemon();
	__sync_fetch_and_add(&b->tx_bytes, (__u64)len);
	return alb_do_xmit(skb, cfg, tx, len, vid);
}

/* mode_tlb.c tlb_xmit(). */
static __always_inline int tlb_xmit(struct __sk_buff *skb, const struct dp_cfg *cfg,
				    __u32 len, __u32 vid)
{
	struct l2v l2;
	__u8 dst[6];
	__u32 h, slot;      /* (alb_do_xmit finds the slave's entry itself) */

	if (!read_dst(skb, dst))
		return tx_no_slave();
	parse_l2(skb, &l2);
	if (!tlb_balances(skb, dst, &l2))
		return alb_do_xmit(skb, cfg, 0, len, vid);
	if (cfg->flags & DP_F_TLB_HASHED)
		return alb_do_xmit(skb, cfg, hash_slave(skb, cfg, vid, &slot), len, vid);
	h = tx_hash(skb, cfg, vid);
	t_hash(h);
	return tlb_bucket_xmit(skb, cfg, h & 0xff, 0, len, vid);
}

/* mode_tlb.c alb_simple_hash() over n bytes at off. */
static __always_inline __u32 simple_hash(struct __sk_buff *skb, __u32 off, __u32 n)
{
	__u8 b[16] = { 0 };
	__u8 h = 0;

	if (n > sizeof(b) || bpf_skb_load_bytes(skb, off, b, n & 0x1f) < 0)
		return 0;
	for (int i = 0; i < 16; i++)
		if ((__u32)i < n)
			h ^= b[i];
	return h;
}

enum { ALB_OTHER, ALB_HASH, ALB_ARP };

/* mode_alb.c alb_xmit()'s classification: ALB_HASH with *hash the simple
 * hash of the destination IP for unicast IPv4/IPv6 that the kernel
 * balances, ALB_ARP, or ALB_OTHER for the active slave. */
static __always_inline int alb_classify(struct __sk_buff *skb, const __u8 dst[6],
					const struct l2v *l2, __u32 *hash)
{
	__u32 len = skb->len, off = l2->off;
	int bcast = dst[0] == 0xff && dst[1] == 0xff && dst[2] == 0xff && dst[3] == 0xff &&
		    dst[4] == 0xff && dst[5] == 0xff;

	switch (l2->proto) {
	case ETH_P_IP_:
		if (bcast || !dph_need(len, off, 20))
			return ALB_OTHER;
		if (dph_be32(skb, off + 16) == 0xffffffffu || dph_u8(skb, off + 9) == 2)
			return ALB_OTHER;       /* IP broadcast, IGMP */
		*hash = simple_hash(skb, off + 16, 4);
		return ALB_HASH;
	case ETH_P_IPV6_: {
		__u8 src[16];
		int any = 1;

		if (bcast || (dst[0] == 0x33 && dst[1] == 0x33 && dst[2] == 0 && dst[3] == 0 &&
			      dst[4] == 0 && dst[5] == 1))
			return ALB_OTHER;
		if (!dph_need(len, off, 40))
			return ALB_OTHER;
		if (dph_u8(skb, off + 6) == 58) {
			__u8 t;

			if (!dph_need(len, off, 48))
				return ALB_OTHER;
			t = dph_u8(skb, off + 40);
			if (t == 135 || t == 136)
				return ALB_OTHER;   /* neighbour discovery */
		}
		if (bpf_skb_load_bytes(skb, off + 8, src, 16) < 0)
			return ALB_OTHER;
		for (int i = 0; i < 16; i++)
			if (src[i])
				any = 0;
		if (any)
			return ALB_OTHER;       /* from :: (DAD) */
		*hash = simple_hash(skb, off + 24, 16);
		return ALB_HASH;
	}
	case ETH_P_ARP_:
		return ALB_ARP;
	default:
		return ALB_OTHER;
	}
}

/* mode_alb.c alb_xmit(): ARP is receive load balancing, the engine's. */
static __always_inline int alb_xmit(struct __sk_buff *skb, const struct dp_cfg *cfg,
				    __u32 len, __u32 vid)
{
	struct l2v l2;
	__u8 dst[6];
	__u32 hash = 0, slot;   /* (alb_do_xmit finds the slave's entry itself) */
	int kind;

	if (!read_dst(skb, dst))
		return tx_no_slave();
	parse_l2(skb, &l2);
	kind = alb_classify(skb, dst, &l2, &hash);
	if (kind == ALB_ARP && (cfg->flags & DP_F_ALB))
		return tx_to_daemon();
	if (kind != ALB_HASH)
		return alb_do_xmit(skb, cfg, 0, len, vid);
	if (cfg->flags & DP_F_TLB_HASHED)
		return alb_do_xmit(skb, cfg, hash_slave(skb, cfg, vid, &slot), len, vid);
	return tlb_bucket_xmit(skb, cfg, hash, 1, len, vid);
}

/* The slave choice of bond_tx and bond_vlan_tx: vid 0 for a frame of the
 * bond's TAP, else the VID of the VLAN sub-interface the frame comes from
 * (its tag already pushed out of band: every rule below then reads the
 * frame as the engine reads it with the tag inline, as bond_xmit_vlan()
 * hands it to the mode, and only the hash is the VLAN one). */
static __always_inline int tx_decide(struct __sk_buff *skb, __u32 vid)
{
	const struct dp_cfg *cfg;
	__u32 k = 0, len = frame_len(skb), tx, slot = DP_NO_SLOT;

	cfg = bpf_map_lookup_elem(&dp_cfg, &k);
	if (!cfg || !(cfg->flags & DP_F_UP))
		return TC_ACT_SHOT;
	/* slave.c bond_xmit(): shorter than an Ethernet header, dropped. */
	if (len < ETH_HLEN_)
		return TC_ACT_SHOT;
	/* The kernel's bond_slave_override(): the queue tc gave the frame
	 * (skbedit queue_mapping, in a filter before ours) names a slave by
	 * its queue_id; if that slave cannot send, the mode decides. */
	if ((cfg->flags & DP_F_QUEUE_OVERRIDE) && skb->queue_mapping) {
		__u32 q = skb->queue_mapping, *ifx;

		ifx = q < DP_MAX_QUEUES ? bpf_map_lookup_elem(&dp_queue, &q) : 0;
		if (ifx && *ifx)
			return tx_on(skb, *ifx, DP_NO_SLOT, len, vid);
	}
	switch (cfg->tx_kind) {
	case DP_TX_ACTIVE:
		tx = cfg->active_ifindex;
		slot = cfg->active_slot;
		break;
	case DP_TX_RR:
		tx = rr_slave(skb, cfg, vid);
		break;
	case DP_TX_HASH:
		if (cfg->flags & DP_F_BCAST_NEIGH) {
			/* mode_8023ad.c ad_xmit(): broadcast_neighbor */
			struct l2v l2;

			parse_l2(skb, &l2);
			if (is_neighbor(skb, &l2))
				return bcast_xmit(skb, cfg, len, vid);
		}
		tx = hash_slave(skb, cfg, vid, &slot);
		break;
	case DP_TX_BCAST:
		return bcast_xmit(skb, cfg, len, vid);
	case DP_TX_TLB:
		return tlb_xmit(skb, cfg, len, vid);
	case DP_TX_ALB:
		return alb_xmit(skb, cfg, len, vid);
	default:        /* DP_TX_DROP */
		tx = 0;
		break;
	}
	if (!tx)
		return tx_no_slave();
	return tx_on(skb, tx, slot, len, vid);
}

SEC("tc")
int bond_tx(struct __sk_buff *skb)
{
	t_begin();
	return t_end(tx_decide(skb, 0));
}

/* ---- transmit from a VLAN sub-interface --------------------------------- */

static __always_inline struct dp_vlan_stats *vlan_stats(__u32 slot)
{
	return bpf_map_lookup_elem(&dp_vstats, &slot);
}

/* slave.c bond_xmit_vlan(): the frame the host sent on the VLAN TAP
 * ifindex leaves tagged with that TAP's VID, chosen as bond_tx chooses
 * (tx_decide) with the kernel's hash of a VLAN device's frame. The tag is
 * pushed first, out of band (skb metadata: the bytes are not moved), so
 * that the mode's rules see it as the engine sees the tag inline; a frame
 * left to the daemon goes to the TAP's queue untagged again, as the daemon
 * reads a VLAN TAP's frames on the packet data path. */
static __always_inline int vlan_tx(struct __sk_buff *skb, __u32 *vidp)
{
	const struct dp_vlan_if *v;
	struct dp_vlan_stats *vs;
	__u32 ifindex = skb->ifindex, vid, len = skb->len;
	int act;

	v = bpf_map_lookup_elem(&dp_vlan_ifs, &ifindex);
	if (!v || !v->vid || v->vid >= DP_VLAN_IDS - 1)
		return tx_no_slave();   /* not (or no longer) a VLAN TAP of ours */
	vid = v->vid;
	*vidp = vid;
	vs = vlan_stats(v->slot);
	if (bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q_), (__u16)vid) < 0) {
		if (vs)
			vs->tx_dropped++;
		return TC_ACT_SHOT;
	}
	act = tx_decide(skb, vid);
	if (act == TC_ACT_OK) {
		if (vs)
			vs->tx_to_daemon++;
		if (bpf_skb_vlan_pop(skb) < 0)
			return TC_ACT_SHOT;
		return TC_ACT_OK;
	}
	if (vs) {
		if (act == TC_ACT_REDIRECT) {
			vs->tx_packets++;
			vs->tx_bytes += len;
		} else {
			vs->tx_dropped++;
		}
	}
	return act;
}

SEC("tc")
int bond_vlan_tx(struct __sk_buff *skb)
{
	__u32 vid = 0;
	int act;

	t_begin();
	act = vlan_tx(skb, &vid);
	return t_end_tag(skb, act, vid);
}

#ifdef BPF_TEST
/* Test build only: bond_tx on the frame with an out-of-band tag. */
SEC("tc")
int bond_tx_vlan(struct __sk_buff *skb)
{
	const struct dp_test_in *in;
	__u32 k = 0;

	t_begin();
	in = bpf_map_lookup_elem(&dp_test_in, &k);
	if (!in || skb->vlan_present)
		return t_end(-1);
	if (bpf_skb_vlan_push(skb, bpf_htons((__u16)in->vlan_proto), (__u16)in->vlan_tci) < 0 ||
	    !skb->vlan_present)
		return t_end(-1);
	return t_end(tx_decide(skb, 0));
}

/* Test build only: bond_tx on the frame with the queue tc would have given
 * it (skb->queue_mapping, as skbedit sets it). */
SEC("tc")
int bond_tx_queue(struct __sk_buff *skb)
{
	const struct dp_test_in *in;
	__u32 k = 0;

	t_begin();
	in = bpf_map_lookup_elem(&dp_test_in, &k);
	if (!in)
		return t_end(-1);
	skb->queue_mapping = in->queue_mapping;
	return t_end(tx_decide(skb, 0));
}
#endif

/* ---- receive: slave.c slave_receive() ------------------------------------ */

static __always_inline int rx_drop(struct dp_slave_stats *st)
{
	if (st)
		st->rx_dropped++;
	return TC_ACT_SHOT;
}

/* The TAP of the VLAN sub-interface the frame belongs to, 0 for none: an
 * 802.1Q tag (out of band, or inline where the kernel left it in the
 * bytes) whose VID is in dp_vlans; *vid is that VID. An 802.1ad outer tag
 * is not a sub-interface's (theirs are 802.1Q), nor is VID 0 (a priority
 * tag). */
static __always_inline __u32 rx_vlan(struct __sk_buff *skb, __u32 *vid, __u32 *slot)
{
	const struct dp_vlan *tap;
	__u32 v;

	if (skb->vlan_present) {
		if (oob_vlan_proto(skb) != ETH_P_8021Q_)
			return 0;
		v = skb->vlan_tci & 0x0fff;
	} else {
		if (skb->len < ETH_HLEN_ + 4 || dph_be16(skb, 12) != ETH_P_8021Q_)
			return 0;
		v = dph_be16(skb, 14) & 0x0fff;
	}
	if (!v)
		return 0;
	tap = bpf_map_lookup_elem(&dp_vlans, &v);
	if (!tap || !tap->ifindex)
		return 0;
	*vid = v;
	*slot = tap->slot;
	return tap->ifindex;
}

static __always_inline int rx_decide(struct __sk_buff *skb, __u32 *vidp)
{
	const struct dp_cfg *cfg;
	const struct dp_slave *s;
	struct dp_slave_stats *st;
	__u32 ifindex = skb->ifindex, k = 0, len = frame_len(skb), vtap, slot = 0;
	__u8 dst[6], mac[6];
	int have_dst;

	s = slave_of(ifindex);
	if (!s)
		return TC_ACT_OK;       /* not a slave of this bond */
	cfg = bpf_map_lookup_elem(&dp_cfg, &k);
	if (!cfg)
		return TC_ACT_OK;
	st = slave_stats(ifindex, s->slot);
	if (len < ETH_HLEN_)
		return rx_drop(st);
	if (st) {
		st->rx_packets++;
		st->rx_bytes += len;
		if (cfg->flags & DP_F_RX_TIME)
			st->last_rx_ns = bpf_ktime_get_ns();
	}
	/* mode_8023ad.c ad_rx_control(): slow protocols are the daemon's,
	 * never the bond's. Past tc they reach the protocol handlers of the
	 * slave, where the daemon's packet socket listens to that type (and
	 * nothing else does): a socket bound to every type would be a tap
	 * that every frame costs (daemon_ebpf.c slave_listen). */
	if ((cfg->flags & DP_F_LACP) && !skb->vlan_present &&
	    dph_be16(skb, 12) == ETH_P_SLOW_)
		return TC_ACT_OK;
	if (!(cfg->flags & DP_F_UP))
		return rx_drop(st);
	have_dst = read_dst(skb, dst);
	if (!have_dst)
		return rx_drop(st);
	/* mode.c mode_rx_accept(): an inactive slave drops, except, in alb
	 * (alb_rx_accept), unicast. */
	if ((s->flags & DP_S_INACTIVE) &&
	    !((cfg->flags & DP_F_RX_INACTIVE_UC) && !(dst[0] & 1)))
		return rx_drop(st);
	/* mode_tlb.c alb_rx_frame(): the bond (a TAP) has one MAC. */
	if ((cfg->flags & DP_F_RX_REWRITE) && !(dst[0] & 1) && mac_eq(dst, s->mac) &&
	    !mac_eq(s->mac, cfg->bond_mac)) {
		__builtin_memcpy(mac, cfg->bond_mac, 6);
		if (bpf_skb_store_bytes(skb, 0, mac, 6, 0) < 0)
			return rx_drop(st);
		t_mac(mac, 1);
	}
	/* A VLAN sub-interface's frame goes to its TAP, untagged. */
	vtap = rx_vlan(skb, vidp, &slot);
	if (vtap) {
		struct dp_vlan_stats *vs;

		/* Metadata only when the tag is out of band (the receive path
		 * moved it there before tc); the 12 bytes of the MACs are moved
		 * when it was left inline. */
		if (bpf_skb_vlan_pop(skb) < 0)
			return rx_drop(st);
		vs = vlan_stats(slot);
		if (vs) {
			vs->rx_packets++;
			vs->rx_bytes += len - 4;
		}
		t_sent(vtap, TC_ACT_REDIRECT);
		return bpf_redirect(vtap, BPF_F_INGRESS);
	}
	*vidp = 0;
	if (!cfg->tap_ifindex)
		return rx_drop(st);
	t_sent(cfg->tap_ifindex, TC_ACT_REDIRECT);
	return bpf_redirect(cfg->tap_ifindex, BPF_F_INGRESS);
}

SEC("tc")
int bond_rx(struct __sk_buff *skb)
{
	__u32 vid = 0;
	int act;

	t_begin();
	act = rx_decide(skb, &vid);
	return t_end_tag(skb, act, vid);
}

#ifdef BPF_TEST
/* Test build only: bond_rx on the frame with an out-of-band tag, as the
 * receive path hands a tagged frame to tc. */
SEC("tc")
int bond_rx_vlan(struct __sk_buff *skb)
{
	const struct dp_test_in *in;
	__u32 k = 0, vid = 0;
	int act;

	t_begin();
	in = bpf_map_lookup_elem(&dp_test_in, &k);
	if (!in || skb->vlan_present)
		return t_end(-1);
	if (bpf_skb_vlan_push(skb, bpf_htons((__u16)in->vlan_proto), (__u16)in->vlan_tci) < 0 ||
	    !skb->vlan_present)
		return t_end(-1);
	act = rx_decide(skb, &vid);
	return t_end_tag(skb, act, vid);
}
#endif

char LICENSE[] SEC("license") = "Dual MIT/GPL";
