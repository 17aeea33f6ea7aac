/* bondd's kernel data path (docs/design.md, "Data paths"): the egress
 * program of a bond's TAP and the ingress program of its slaves, with the
 * maps of src/bpf/dp_abi.h. Compiled with clang for the BPF target at build
 * time and embedded in bondd (bpf_obj.h).
 *
 * SKELETON: maps only, every frame passes (TC_ACT_OK). The transmit and
 * receive rules are being written in the same file. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#include "dp_abi.h"

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
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
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
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} dp_rr SEC(".maps");

SEC("tc")
int bond_tx(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}

SEC("tc")
int bond_rx(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
