/* The decision record of the test build of the programs (bond_dp_test.bpf.o,
 * built with -DBPF_TEST), read by tests/bpf. BPF_PROG_TEST_RUN reports a
 * program's return value and the frame it leaves, but not where a redirect
 * would have sent it, nor the copies bpf_clone_redirect() made: each run of
 * the test build writes them here. The production object has neither the
 * map nor the writes. */
#ifndef BONDD_DP_TEST_H
#define BONDD_DP_TEST_H

#include <linux/types.h>

#include "dp_abi.h"

#define DP_MAP_TEST_OUT "dp_test_out"
#define DP_MAP_TEST_IN  "dp_test_in"
#define DP_PROG_TX_VLAN "bond_tx_vlan"
#define DP_PROG_TX_QUEUE "bond_tx_queue"
#define DP_PROG_RX_VLAN "bond_rx_vlan"

/* struct dp_test_out.flags */
#define DP_T_HASHED       0x0001   /* hash holds xmit_hash of the frame */
#define DP_T_BUCKET       0x0002   /* bucket holds the tlb/alb bucket used */
#define DP_T_SMAC         0x0004   /* the source MAC was rewritten to smac */
#define DP_T_DMAC         0x0008   /* the destination MAC was rewritten to dmac */
#define DP_T_SIMPLE_HASH  0x0010   /* bucket is alb_simple_hash of the dest IP */

/* Map dp_test_out: BPF_MAP_TYPE_ARRAY, one entry, key 0; cleared by each run. */
struct dp_test_out {
	__u32 runs;                     /* runs since the map was created */
	__s32 action;                   /* what the program returned */
	__u32 flags;                    /* DP_T_* */
	__u32 hash;
	__u32 bucket;
	__u32 n_out;                    /* ifindexes the frame was sent to */
	__u32 out_ifindex[DP_MAX_SLAVES];   /* in order; the last is the redirect */
	__s32 out_rc[DP_MAX_SLAVES];    /* bpf_clone_redirect's result (0 ok),
					 * TC_ACT_REDIRECT for bpf_redirect */
	__u8 smac[6];
	__u8 dmac[6];
	/* The skb's out-of-band tag when the program returned (bond_vlan_tx,
	 * bond_rx and the test programs around them): BPF_PROG_TEST_RUN gives
	 * back the bytes only. */
	__u32 vlan_present;
	__u32 vlan_proto;               /* host order */
	__u32 vlan_tci;
	__u32 vid;                      /* bond_vlan_tx: the VID it found for
					 * the TAP; bond_rx: the VID whose TAP
					 * got the frame (0: none) */
};

/* Map dp_test_in: BPF_MAP_TYPE_ARRAY, one entry, key 0. The test
 * programs bond_tx_vlan and bond_rx_vlan first give the frame this
 * out-of-band VLAN tag (bpf_skb_vlan_push on a frame without one sets
 * skb->vlan_* only), then decide as bond_tx / bond_rx do: BPF_PROG_TEST_RUN
 * cannot set the tag itself. */
struct dp_test_in {
	__u32 vlan_proto;               /* host order, 0x8100 or 0x88a8 */
	__u32 vlan_tci;
	__u32 no_direct;                /* 1: dp_hash.h reads with the helper only */
	__u32 queue_mapping;            /* bond_tx_queue: the frame's queue */
};

#endif
