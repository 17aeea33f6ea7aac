/* The check program for src/bpf/dp_hash.h's dp_xmit_hash_vlan(): a tc
 * program that plays the VLAN TAP's egress on the frame BPF_PROG_TEST_RUN
 * gives it (the frame as a VLAN sub-interface writes it, without the
 * VLAN's tag) and returns the hash, which tests/bpf compares with
 * core/hash.c's xmit_hash_vlan() of the same frame with the tag inline.
 * The inputs come from the one-entry array hv_in. Not part of bondd. */
#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "hash_vlan_abi.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hv_in);
} hv_in SEC(".maps");

static __always_inline const struct hv_in *in(void)
{
	__u32 k = 0;

	return bpf_map_lookup_elem(&hv_in, &k);
}

/* dp_hash.h's switch, as bond_dp.bpf.c's test build has it: each frame
 * runs with and without direct reads of the linear part. */
static __always_inline int hv_direct(void)
{
	const struct hv_in *i = in();

	return !i || !i->no_direct;
}
#define DPH_DIRECT(skb) hv_direct()
#include "dp_hash.h"

SEC("tc")
int hash_vlan(struct __sk_buff *skb)
{
	const struct hv_in *i = in();
	__u32 proto = 0;

	if (!i)
		return -1;
	/* A tag of the frame's own, out of band (a device stacked on the
	 * VLAN TAP): BPF_PROG_TEST_RUN cannot set it, bpf_skb_vlan_push on
	 * an untagged skb does (skb->vlan_* only). */
	if (i->inner_proto) {
		if (bpf_skb_vlan_push(skb, bpf_htons((__u16)i->inner_proto),
				      (__u16)i->inner_tci) < 0 || !skb->vlan_present)
			return -1;
		proto = bpf_ntohs((__u16)skb->vlan_proto);
	}
	return (int)dp_xmit_hash_vlan(skb, i->policy, i->tci, proto);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
