#ifndef BONDD_TESTS_HASH_VECTORS_H
#define BONDD_TESTS_HASH_VECTORS_H

#include <stddef.h>
#include <stdint.h>

/* core/hash.c's xmit_hash(), after checking bond_tx against it. */
uint32_t bpf_hash_probe(uint32_t policy, const uint8_t *frame, size_t len);
/* Program runs made by the probe so far. */
unsigned long bpf_hash_probes(void);
/* Frames the probe could not run (dpt_runnable). */
unsigned long bpf_hash_refused(void);
/* tests/unit/test_hash.c's main, every case through the probe. */
int test_hash_main(void);

#endif
