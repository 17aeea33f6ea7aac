/* Every frame of tests/unit/test_hash.c through bond_tx: the file is
 * compiled here again with xmit_hash() replaced by bpf_hash_probe(), which
 * runs the program on the same bytes for every slave count 1..5 and checks
 * that it computed core/hash.c's value and chose tx[hash % n_tx], then
 * returns hash.c's value so test_hash's own checks go on as before. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <linux/pkt_cls.h>

#include "core/hash.h"
#include "dpt.h"
#include "hash_vectors.h"
#include "hash_vlan.h"

static unsigned long probes, refused;

unsigned long bpf_hash_probes(void)
{
	return probes;
}

unsigned long bpf_hash_refused(void)
{
	return refused;
}

static void hex(const uint8_t *f, size_t len, char *out, size_t size)
{
	size_t o = 0;

	out[0] = 0;
	for (size_t i = 0; i < len && o + 3 < size; i++)
		o += (size_t)snprintf(out + o, size - o, "%02x", f[i]);
}

uint32_t bpf_hash_probe(uint32_t policy, const uint8_t *frame, size_t len)
{
	uint32_t want = xmit_hash(policy, frame, len);
	static struct dpt_result res;
	static uint8_t tagged[2048 + 4];
	struct dpt_result *r = &res;
	struct dp_cfg cfg;
	char h[512];

	/* BPF_PROG_TEST_RUN takes no frame shorter than an Ethernet header
	 * (and bond_xmit() sends none), nor an IP frame cut inside its IP
	 * header (dpt_runnable): those prefixes of the truncated vectors are
	 * counted, not run. */
	if (!dpt_runnable(frame, len)) {
		refused++;
		return want;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.flags = DP_F_UP;
	cfg.tx_kind = DP_TX_HASH;
	cfg.xmit_policy = policy;
	for (uint32_t i = 0; i < 5; i++)
		cfg.tx[i] = 101 + i;
	for (uint32_t n = 1; n <= 5; n++) {
		cfg.n_tx = n;
		dpt_set_cfg(&cfg);
		dpt_run(DPT_TX, frame, len, 0, r);
		probes++;
		if (r->action != TC_ACT_REDIRECT || !(r->out.flags & DP_T_HASHED) ||
		    r->out.hash != want || r->out.n_out != 1 ||
		    r->out.out_ifindex[0] != cfg.tx[want % n]) {
			hex(frame, len, h, sizeof(h));
			fail_msg("policy %u, n_tx %u, %zu bytes %s: hash.c 0x%08x -> ifindex %u; "
				 "bond_tx: action %d, hash 0x%08x (%s), ifindex %u",
				 policy, n, len, h, want, cfg.tx[want % n], r->action,
				 r->out.hash, r->out.flags & DP_T_HASHED ? "computed" : "none",
				 r->out.n_out ? r->out.out_ifindex[0] : 0);
		}
	}
	/* The same frame with an out-of-band tag must hash as hash.c hashes
	 * it with the tag inline (what the packet data path hands the
	 * engine); 802.1Q and 802.1ad in turn. */
	if (len + 4 <= sizeof(tagged)) {
		uint16_t proto = probes & 1 ? 0x88a8 : 0x8100;
		uint32_t want_t;

		memcpy(tagged, frame, 12);
		tagged[12] = (uint8_t)(proto >> 8);
		tagged[13] = (uint8_t)proto;
		tagged[14] = 0x20;
		tagged[15] = 0x05;
		memcpy(tagged + 16, frame + 12, len - 12);
		want_t = xmit_hash(policy, tagged, len + 4);
		for (uint32_t n = 1; n <= 5; n++) {
			cfg.n_tx = n;
			dpt_set_cfg(&cfg);
			dpt_run_vlan(frame, len, proto, 0x2005, r);
			probes++;
			if (r->action != TC_ACT_REDIRECT || r->out.hash != want_t ||
			    r->out.n_out != 1 || r->out.out_ifindex[0] != cfg.tx[want_t % n]) {
				hex(frame, len, h, sizeof(h));
				fail_msg("policy %u, n_tx %u, %zu bytes %s with an out-of-band "
					 "tag 0x%04x: hash.c (tag inline) 0x%08x -> ifindex %u; "
					 "bond_tx: action %d, hash 0x%08x, ifindex %u", policy, n,
					 len, h, proto, want_t, cfg.tx[want_t % n], r->action,
					 r->out.hash, r->out.n_out ? r->out.out_ifindex[0] : 0);
			}
		}
	}
	/* The same frame from a VLAN sub-interface: the VLAN TAP's egress
	 * hash (dp_xmit_hash_vlan, before the tag is pushed) against
	 * xmit_hash_vlan (the tag inline, out of band for the rule): VID 100,
	 * VID 10 with priority 5, and with a tag of the frame's own. */
	hv_check(policy, frame, len, 0x0064, 0, 0);
	hv_check(policy, frame, len, 0xa00a, 0, 0);
	hv_check(policy, frame, len, 0x0064, probes & 1 ? 0x88a8 : 0x8100, 0x2005);
	return want;
}

#define xmit_hash bpf_hash_probe
#define main test_hash_main
#include "../unit/test_hash.c"
