#ifndef BONDD_TESTS_HASH_VLAN_H
#define BONDD_TESTS_HASH_VLAN_H

#include <stddef.h>
#include <stdint.h>

/* Runs hash_vlan.bpf.c's program (dp_hash.h dp_xmit_hash_vlan) on frame,
 * the VLAN sub-interface's frame without its tag, and fails the test
 * unless it gives core/hash.c's xmit_hash_vlan() of the frame with an
 * 802.1Q tag of tci inline, for the reads straight from the linear part
 * and through the helper; inner_proto (0: none) first gives the frame a
 * tag of its own, out of band (inline it follows the VLAN's). Frames
 * BPF_PROG_TEST_RUN refuses (dpt_runnable) are counted, not run.
 * Returns the number of program runs made. */
unsigned hv_check(uint32_t policy, const uint8_t *frame, size_t len, uint16_t tci,
		  uint16_t inner_proto, uint16_t inner_tci);
/* Program runs hv_check made so far. */
unsigned long hv_runs(void);
/* Unloads the program (the next hv_check loads it again). */
void hv_close(void);

#endif
