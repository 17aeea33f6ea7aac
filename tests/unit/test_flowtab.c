/* The busiest-flows table (src/core/flowtab.c): which fields make a key
 * under each policy, the words `bondctl hash` reads back to the same key,
 * fixed memory under any number of flows, eviction of the smallest,
 * ranking, and the windows in virtual time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/flowtab.h"
#include "core/hash.h"
#include "ctl/frame_desc.h"

static const uint8_t bond_mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

struct built {
	uint8_t f[FRAME_DESC_MAX];
	size_t len;
};

/* The frame `bondctl hash` builds from desc. */
static void build(struct built *b, const char *desc)
{
	char buf[512];
	const char *w[64];
	unsigned n = 0;
	struct err e = { 0 };
	char *p;

	snprintf(buf, sizeof(buf), "%s", desc);
	for (p = strtok(buf, " "); p && n < 64; p = strtok(NULL, " "))
		w[n++] = p;
	if (frame_desc_build(w, n, bond_mac, b->f, sizeof(b->f), &b->len, &e)) {
		fail_msg("frame_desc_build(%s): %s", desc, e.msg);
	}
}

/* The key of desc's frame under want, as words. */
static void words_of(const char *desc, uint8_t want, char *out, size_t size, struct flow_key *k)
{
	struct built b;

	build(&b, desc);
	flow_key_from_frame(k, want, b.f, b.len);
	flow_key_words(k, out, size);
}

static void test_policy_fields(void **state)
{
	(void)state;
	assert_int_equal(flow_fields_policy(XMIT_LAYER2), FK_SMAC | FK_DMAC | FK_ETYPE);
	assert_int_equal(flow_fields_policy(XMIT_LAYER23), FK_SMAC | FK_DMAC | FK_ETYPE | FK_IP);
	assert_int_equal(flow_fields_policy(XMIT_LAYER34), FK_IP | FK_PROTO | FK_PORTS);
	assert_int_equal(flow_fields_policy(XMIT_ENCAP34), FK_IP | FK_PROTO | FK_PORTS);
	assert_int_equal(flow_fields_policy(XMIT_VLAN_SRCMAC), FK_SMAC | FK_VLAN);
}

/* Each policy's words; and the words build a frame with the same key, so
 * a flow pasted into `bondctl hash` is the flow that was counted. */
static void test_words_round_trip(void **state)
{
	static const struct {
		uint32_t policy;
		const char *desc, *want;
	} c[] = {
		{ XMIT_LAYER34, "src 192.0.2.1 dst 192.0.2.2 proto udp sport 1234 dport 80",
		  "src 192.0.2.1 dst 192.0.2.2 proto udp sport 1234 dport 80" },
		{ XMIT_LAYER34, "smac 02:00:00:00:00:07 src 2001:db8::1 dst 2001:db8:0:1::2 proto tcp sport 1 dport 2",
		  "src 2001:db8::1 dst 2001:db8:0:1::2 proto tcp sport 1 dport 2" },
		{ XMIT_LAYER34, "src 192.0.2.1 dst 192.0.2.2 proto icmp type echo-request id 77",
		  "src 192.0.2.1 dst 192.0.2.2 proto icmp type 8 code 0 id 77" },
		{ XMIT_LAYER34, "src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x1001",
		  "src 192.0.2.1 dst 192.0.2.2 proto esp spi 4097" },
		{ XMIT_LAYER23, "smac 02:00:00:00:00:07 src 198.51.100.1 dst 198.51.100.2 proto tcp sport 5 dport 6",
		  "smac 02:00:00:00:00:07 dmac 02:00:00:00:00:01 src 198.51.100.1 dst 198.51.100.2" },
		{ XMIT_VLAN_SRCMAC, "vlan 10 smac 02:00:00:00:00:07 src 192.0.2.1 dst 192.0.2.2",
		  "smac 02:00:00:00:00:07 vlan 10" },
		{ XMIT_LAYER2, "smac 02:00:00:00:00:07 dmac 02:00:00:00:00:09 ethertype 0x88b5",
		  "smac 02:00:00:00:00:07 dmac 02:00:00:00:00:09 ethertype 0x88b5" },
		/* an L3 policy on a frame without IP keeps the layer2 fields,
		 * as the hash falls back */
		{ XMIT_LAYER34, "smac 02:00:00:00:00:07 dmac 02:00:00:00:00:09 ethertype 0x88b5",
		  "smac 02:00:00:00:00:07 dmac 02:00:00:00:00:09 ethertype 0x88b5" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct flow_key k, k2;
		char w[256], w2[256];
		struct built b;

		words_of(c[i].desc, flow_fields_policy(c[i].policy), w, sizeof(w), &k);
		if (strcmp(w, c[i].want))
			fail_msg("case %zu: '%s', want '%s'", i, w, c[i].want);
		/* back through bondctl hash's builder: the same key, the same hash */
		if (c[i].policy == XMIT_VLAN_SRCMAC) {
			/* bondctl hash wants a packet; the policy reads only
			 * the source MAC, so any addresses do */
			char w3[300];

			snprintf(w3, sizeof(w3), "%s src 203.0.113.1 dst 203.0.113.2", w);
			build(&b, w3);
			flow_key_from_frame(&k2, flow_fields_policy(c[i].policy), b.f, b.len);
			assert_memory_equal(&k, &k2, sizeof(k));
			continue;
		}
		build(&b, w);
		flow_key_from_frame(&k2, flow_fields_policy(c[i].policy), b.f, b.len);
		flow_key_words(&k2, w2, sizeof(w2));
		assert_string_equal(w, w2);
		assert_memory_equal(&k, &k2, sizeof(k));
		{
			struct built orig;

			build(&orig, c[i].desc);
			assert_int_equal(xmit_hash(c[i].policy, orig.f, orig.len),
						 xmit_hash(c[i].policy, b.f, b.len));
		}
	}
}

/* The modes that do not hash: MACs, IPs, protocol and ports. */
static void test_full_key(void **state)
{
	struct flow_key k;
	char w[256];

	(void)state;
	words_of("smac 02:00:00:00:00:07 src 192.0.2.1 dst 192.0.2.2 proto udp sport 9 dport 10",
		 FK_FULL, w, sizeof(w), &k);
	assert_string_equal(w, "smac 02:00:00:00:00:07 dmac 02:00:00:00:00:01 src 192.0.2.1 "
			    "dst 192.0.2.2 proto udp sport 9 dport 10");
	assert_int_equal(k.fields, FK_FULL);
	assert_int_equal(k.ethertype, 0x0800);
	/* a fragment has no ports (the hash reads none) */
	words_of("src 192.0.2.1 dst 192.0.2.2 proto udp sport 9 dport 10 frag middle",
		 FK_IP | FK_PROTO | FK_PORTS, w, sizeof(w), &k);
	assert_string_equal(w, "src 192.0.2.1 dst 192.0.2.2 proto udp sport 0 dport 0");
	/* shorter than an Ethernet header: an empty key */
	flow_key_from_frame(&k, FK_FULL, bond_mac, 6);
	assert_int_equal(k.fields, 0);
}

static struct flow_key key_n(unsigned n)
{
	struct flow_key k;

	memset(&k, 0, sizeof(k));
	k.fields = FK_IP | FK_PROTO | FK_PORTS;
	k.family = 4;
	k.proto = 17;
	k.src[0] = 192, k.src[2] = 2, k.src[3] = 1;
	k.dst[0] = 192, k.dst[2] = 2, k.dst[3] = 2;
	k.sport = (uint16_t)n;
	k.dport = (uint16_t)(n >> 16);
	k.ifindex = 3;
	return k;
}

/* Any number of flows: the table never grows, big flows stay, totals are
 * whole (kept entries + evicted = everything added). */
static void test_fixed_memory_eviction(void **state)
{
	static struct flow_tab t;
	struct flow_key big = key_n(0xfffff);
	struct flow_ent top[4];
	uint64_t kept = 0;

	(void)state;
	flow_tab_reset(&t);
	assert_true(sizeof(t) < 128 * 1024);
	for (unsigned i = 0; i < 20000; i++) {
		struct flow_key k = key_n(i);

		flow_tab_add(&t, &k, 100, 1);
		if (i % 10 == 0)
			flow_tab_add(&t, &big, 1500, 1);
	}
	assert_true(t.n <= FLOW_TAB_SIZE);
	assert_int_equal(t.n, FLOW_TAB_SIZE);
	assert_true(t.evictions >= 20000 - FLOW_TAB_SIZE);
	assert_int_equal(t.bytes, 20000 * 100 + 2000 * 1500);
	assert_int_equal(t.frames, 22000);
	for (unsigned i = 0; i < FLOW_TAB_SIZE; i++)
		kept += t.ent[i].bytes;
	assert_int_equal(kept + t.other_bytes, t.bytes);
	/* the big flow was never evicted: all its bytes are in its entry */
	assert_int_equal(flow_tab_top(&t, top, 4), 4);
	assert_memory_equal(&top[0].k, &big, sizeof(big));
	assert_int_equal(top[0].bytes, 2000 * 1500);
	assert_int_equal(top[0].frames, 2000);
}

static void test_ranking(void **state)
{
	static struct flow_tab t;
	struct flow_ent top[3];
	struct flow_key a = key_n(1), b = key_n(2), c = key_n(3), d = key_n(4);

	(void)state;
	flow_tab_reset(&t);
	flow_tab_add(&t, &a, 100, 1);
	flow_tab_add(&t, &b, 300, 3);
	flow_tab_add(&t, &c, 200, 1);
	flow_tab_add(&t, &d, 200, 4);   /* same bytes as c, more frames: first */
	flow_tab_add(&t, &a, 50, 1);
	assert_int_equal(t.n, 4);
	assert_int_equal(flow_tab_top(&t, top, 3), 3);
	assert_int_equal(top[0].k.sport, 2);
	assert_int_equal(top[1].k.sport, 4);
	assert_int_equal(top[2].k.sport, 3);
	/* the same flow on another slave is another entry */
	a.ifindex = 4;
	flow_tab_add(&t, &a, 1000, 1);
	assert_int_equal(t.n, 5);
	assert_int_equal(flow_tab_top(&t, top, 1), 1);
	assert_int_equal(top[0].k.ifindex, 4);
	assert_int_equal(top[0].bytes, 1000);
}

/* Windows in virtual time: due at the next multiple of FLOW_WINDOW_MS,
 * rotate keeps the finished window's ranking and opens an empty one. */
static void test_windows(void **state)
{
	static struct flow_rec r;
	struct flow_key a = key_n(1), b = key_n(2);

	(void)state;
	flow_rec_init(&r, 12345);
	assert_false(r.last.valid);
	assert_int_equal(flow_rec_due(&r), 20000);
	flow_tab_add(&r.cur, &a, 1000, 10);
	flow_tab_add(&r.cur, &b, 10, 1);
	flow_rec_rotate(&r, 20003);
	assert_true(r.last.valid);
	assert_int_equal(r.last.start_ms, 12345);
	assert_int_equal(r.last.end_ms, 20003);
	assert_int_equal(r.last.n_flows, 2);
	assert_int_equal(r.last.bytes, 1010);
	assert_int_equal(r.last.n_top, 2);
	assert_int_equal(r.last.top[0].bytes, 1000);
	assert_int_equal(r.cur.n, 0);
	assert_int_equal(r.cur.bytes, 0);
	assert_int_equal(flow_rec_due(&r), 30000);
	/* a quiet window: the last one is empty, not the one before */
	flow_rec_rotate(&r, 30001);
	assert_true(r.last.valid);
	assert_int_equal(r.last.start_ms, 20003);
	assert_int_equal(r.last.n_top, 0);
	assert_int_equal(r.last.bytes, 0);
	assert_int_equal(flow_rec_due(&r), 40000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_fields),
		cmocka_unit_test(test_words_round_trip),
		cmocka_unit_test(test_full_key),
		cmocka_unit_test(test_fixed_memory_eviction),
		cmocka_unit_test(test_ranking),
		cmocka_unit_test(test_windows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
