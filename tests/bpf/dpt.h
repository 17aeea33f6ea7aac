/* tests/bpf: the test build of the data path's programs
 * (bond_dp_test.bpf.o, embedded), loaded once with libbpf, its maps filled
 * by hand and its programs run with BPF_PROG_TEST_RUN. */
#ifndef BONDD_TESTS_DPT_H
#define BONDD_TESTS_DPT_H

#include <stddef.h>
#include <stdint.h>

#include "bpf/dp_abi.h"
#include "bpf/dp_test.h"

enum dpt_prog { DPT_TX, DPT_RX, DPT_TX_VLAN, DPT_TX_QUEUE, DPT_VLAN_TX, DPT_RX_VLAN };

/* Loads the object (once); NULL on success, else why it failed. */
const char *dpt_load(void);
/* The verifier's count of processed instructions and the program's
 * translated length, in instructions. */
int dpt_prog_insns(enum dpt_prog p, uint32_t *verified, uint32_t *xlated);

/* Empties every map: no slave, zero stats, no bucket, counter 0. */
void dpt_reset(void);
/* Writes cfg with its slaves' counters slots filled in, as
 * dp_ebpf_write_cfg() does: set the slaves first. */
void dpt_set_cfg(const struct dp_cfg *cfg);
void dpt_set_slave(uint32_t ifindex, uint32_t flags, const uint8_t mac[6]);
void dpt_set_bucket(uint32_t bucket, uint32_t ifindex);
/* dp_queue[qid] = ifindex */
void dpt_set_queue(uint32_t qid, uint32_t ifindex);
uint64_t dpt_bucket_bytes(uint32_t bucket);
void dpt_set_rr(uint32_t counter);
uint32_t dpt_rr(void);
/* Sums over the CPUs; the entry is created (zero) by dpt_set_slave. */
void dpt_stats(uint32_t ifindex, struct dp_slave_stats *sum);
void dpt_bstats(struct dp_bond_stats *sum);
/* bondctl flows: dp_flowctl, and dp_flows' entries (at most max, their
 * CPUs summed); dpt_reset() empties both. */
void dpt_set_flowctl(const struct dp_flowctl *fc);
unsigned dpt_flows(struct dp_flow_key *keys, struct dp_flow_val *vals, unsigned max);
/* bond_tx run repeat times on frame: the kernel's mean time per run, ns. */
double dpt_tx_ns(const uint8_t *frame, size_t len, uint32_t repeat);
/* The same for any program; ifindex as in dpt_run. */
double dpt_prog_ns(enum dpt_prog p, const uint8_t *frame, size_t len, uint32_t ifindex,
		   uint32_t repeat);
/* VLAN sub-interfaces: dp_vlans[vid] = tap_ifindex, dp_vlan_ifs[tap_ifindex]
 * = vid and vid's counters (zero) as dp_ebpf_vlan_add writes them. */
void dpt_set_vlan(uint16_t vid, uint32_t tap_ifindex);
void dpt_vstats(uint16_t vid, struct dp_vlan_stats *sum);

struct dpt_result {
	int action;                   /* the program's return value */
	struct dp_test_out out;       /* its decision record */
	uint8_t frame[2048];          /* the frame as the program left it */
	uint32_t len;
};

/* Whether BPF_PROG_TEST_RUN takes the frame: it refuses one shorter than
 * an Ethernet header, and (kernel 6.x) an IPv4 or IPv6 frame whose IP
 * header is not all there (type 0x0800 below 34 bytes, 0x86dd below 54). */
int dpt_runnable(const uint8_t *frame, size_t len);

/* Runs the program once on frame; ifindex is the device the frame
 * arrives on (bond_rx: 0 or 1, the loopback device of the namespace, the
 * only one BPF_PROG_TEST_RUN accepts without creating devices). Fails the
 * current test on any error. */
void dpt_run(enum dpt_prog p, const uint8_t *frame, size_t len, uint32_t ifindex,
	     struct dpt_result *r);
/* bond_tx on frame with skb->queue_mapping set first (DPT_TX_QUEUE). */
void dpt_run_queue(const uint8_t *frame, size_t len, uint16_t queue_mapping,
		   struct dpt_result *r);
/* bond_tx on frame carrying the out-of-band tag proto/tci (DPT_TX_VLAN). */
/* 0: the programs read frames with bpf_skb_load_bytes() only, as they do
 * where a header is not in the linear part; 1 (the default): directly
 * where they can, as in production. */
void dpt_set_direct(int direct);
void dpt_run_vlan(const uint8_t *frame, size_t len, uint16_t proto, uint16_t tci,
		  struct dpt_result *r);
/* bond_rx on frame arriving on ifindex with the out-of-band tag proto/tci
 * (DPT_RX_VLAN), as the receive path hands a tagged frame to tc. */
void dpt_run_rx_vlan(const uint8_t *frame, size_t len, uint32_t ifindex, uint16_t proto,
		     uint16_t tci, struct dpt_result *r);

#endif
