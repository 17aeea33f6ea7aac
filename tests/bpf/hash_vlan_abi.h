/* The input of tests/bpf/hash_vlan.bpf.c (map hv_in, one entry, key 0). */
#ifndef BONDD_TESTS_HASH_VLAN_ABI_H
#define BONDD_TESTS_HASH_VLAN_ABI_H

#include <linux/types.h>

struct hv_in {
	__u32 policy;           /* enum xmit_policy */
	__u32 tci;              /* the VLAN sub-interface's tag, about to be pushed */
	__u32 inner_proto;      /* host order; 0: the frame has no tag of its own */
	__u32 inner_tci;
	__u32 no_direct;        /* 1: dp_hash.h reads with the helper only */
};

#endif
