/* Every frame of test_hash.c again, as a VLAN sub-interface would send it:
 * the file is compiled here with xmit_hash() replaced by a probe that,
 * besides returning xmit_hash()'s value (so test_hash's own expectations
 * still run), writes an 802.1Q tag inline after the MACs and checks
 * xmit_hash_vlan() of that tagged frame against the out-of-band rule
 * (docs/hash.md): the untagged frame's value for every policy, XOR the
 * TCI for vlan+srcmac. The tagged frame is a heap block of exactly its
 * length, so under ASan a read past its end fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/hash.h"

static unsigned long vlan_checks;

static uint32_t vlan_probe(uint32_t policy, const uint8_t *frame, size_t len)
{
	static const uint16_t tcis[] = { 0x0064, 0xa00a, 0x0fff };
	uint32_t want = xmit_hash(policy, frame, len);

	/* A tag goes after whole MACs only. */
	if (len < 12)
		return want;
	for (unsigned i = 0; i < sizeof(tcis) / sizeof(tcis[0]); i++) {
		uint8_t *t = malloc(len + 4);
		uint32_t exp = want, got;

		assert_non_null(t);
		memcpy(t, frame, 12);
		t[12] = 0x81;
		t[13] = 0x00;
		t[14] = (uint8_t)(tcis[i] >> 8);
		t[15] = (uint8_t)tcis[i];
		memcpy(t + 16, frame + 12, len - 12);
		/* vlan+srcmac adds the whole TCI, once there is an Ethernet
		 * header (without one every policy gives 0) */
		if (policy == XMIT_VLAN_SRCMAC && len >= 14)
			exp ^= tcis[i];
		got = xmit_hash_vlan(policy, t, len + 4);
		free(t);
		vlan_checks++;
		if (got != exp)
			fail_msg("policy %u, %zu bytes + tag 0x%04x: xmit_hash_vlan 0x%08x, "
				 "the untagged frame's rule gives 0x%08x", policy, len, tcis[i],
				 got, exp);
	}
	return want;
}

int test_hash_main(void);

#define xmit_hash vlan_probe
#define main test_hash_main
#include "test_hash.c"
#undef main
#undef xmit_hash

int main(void)
{
	int failed = test_hash_main();

	printf("%lu frames of test_hash.c checked tagged out of band\n", vlan_checks);
	if (vlan_checks < 1000) {
		printf("too few checks: the probe did not run\n");
		return 1;
	}
	return failed ? 1 : 0;
}
