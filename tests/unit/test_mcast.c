/* resend_igmp: the report builders (layouts, checksums), the /proc parsers
 * (texts captured from Linux 6.18) and the engine's schedule (once at the
 * failover, then every 200 ms, resend_igmp times; modes 0, 1, 5, 6 only). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/mcast_rejoin.h"
#include "engine_harness.h"
#include "linux/mcast_proc.h"

static const uint8_t MAC[6] = { 0x02, 0, 0, 0, 0, 0x01 };

static unsigned fold(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* A correct checksum makes the one's complement sum 0xffff. */
static void assert_icmp6_csum_ok(const uint8_t *frame, size_t len)
{
	const uint8_t *ip = frame + 14, *icmp = ip + 48;
	size_t icmp_len = len - 14 - 48;
	uint8_t pseudo[40] = { 0 };

	memcpy(pseudo, ip + 8, 32);
	pseudo[34] = (uint8_t)(icmp_len >> 8);
	pseudo[35] = (uint8_t)icmp_len;
	pseudo[39] = 58;
	assert_int_equal(fold(icmp, icmp_len, fold(pseudo, 40, 0)), 0xffff);
}

static struct mcast_group group4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct mcast_group g = { .addr = { a, b, c, d }, .exclude = true };

	return g;
}

static void test_igmp_v2(void **state)
{
	struct mcast_group g = group4(239, 129, 2, 3);
	uint8_t f[128];
	uint32_t src;
	size_t len;

	(void)state;
	memcpy(&src, (uint8_t[]){ 192, 0, 2, 1 }, 4);
	len = build_igmp_report(f, sizeof(f), MAC, src, &g, 2);
	assert_int_equal(len, 60);                       /* 46 padded */
	/* 01:00:5e + low 23 bits of the group */
	assert_memory_equal(f, ((uint8_t[]){ 0x01, 0x00, 0x5e, 0x01, 0x02, 0x03 }), 6);
	assert_memory_equal(f + 6, MAC, 6);
	assert_int_equal(f[14], 0x46);                   /* IHL 6: Router Alert */
	assert_int_equal(f[15], 0xc0);
	assert_int_equal(f[14 + 2] << 8 | f[14 + 3], 32);
	assert_int_equal(f[14 + 6], 0x40);               /* DF */
	assert_int_equal(f[14 + 8], 1);                  /* TTL */
	assert_int_equal(f[14 + 9], 2);                  /* IGMP */
	assert_memory_equal(f + 14 + 12, ((uint8_t[]){ 192, 0, 2, 1, 239, 129, 2, 3 }), 8);
	assert_memory_equal(f + 14 + 20, ((uint8_t[]){ 0x94, 4, 0, 0 }), 4);
	assert_int_equal(fold(f + 14, 24, 0), 0xffff);
	assert_int_equal(f[38], 0x16);
	assert_memory_equal(f + 42, g.addr, 4);
	assert_int_equal(fold(f + 38, 8, 0), 0xffff);
	assert_int_equal(build_igmp_report(f, sizeof(f), MAC, src, &g, 1), 60);
	assert_int_equal(f[38], 0x12);
	assert_int_equal(build_igmp_report(f, 59, MAC, src, &g, 2), 0);
}

static void test_igmp_v3_sources(void **state)
{
	struct mcast_group g = group4(232, 1, 1, 1);
	uint8_t f[256];
	size_t len;

	(void)state;
	g.exclude = false;
	g.n_src = 2;
	memcpy(g.src[0], (uint8_t[]){ 198, 51, 100, 7 }, 4);
	memcpy(g.src[1], (uint8_t[]){ 198, 51, 100, 8 }, 4);
	len = build_igmp_report(f, sizeof(f), MAC, 0, &g, 3);
	assert_int_equal(len, 14 + 24 + 8 + 8 + 8);
	assert_memory_equal(f, ((uint8_t[]){ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x16 }), 6);
	assert_memory_equal(f + 14 + 16, ((uint8_t[]){ 224, 0, 0, 22 }), 4);
	assert_memory_equal(f + 14 + 12, ((uint8_t[]){ 0, 0, 0, 0 }), 4);  /* no address yet */
	assert_int_equal(f[38], 0x22);
	assert_int_equal(f[38 + 7], 1);                  /* one record */
	assert_int_equal(f[46], 1);                      /* MODE_IS_INCLUDE */
	assert_int_equal(f[46 + 3], 2);                  /* two sources */
	assert_memory_equal(f + 50, g.addr, 4);
	assert_memory_equal(f + 54, ((uint8_t[]){ 198, 51, 100, 7, 198, 51, 100, 8 }), 8);
	assert_int_equal(fold(f + 38, 24, 0), 0xffff);
	g.exclude = true;
	g.n_src = 0;
	assert_int_equal(build_igmp_report(f, sizeof(f), MAC, 0, &g, 3), 60);
	assert_int_equal(f[46], 2);                      /* MODE_IS_EXCLUDE */
}

static void test_mld(void **state)
{
	static struct mcast_group gs[MCAST_MAX_GROUPS];
	uint8_t f[1600], src[16] = { 0xfe, 0x80, [15] = 0x01 };
	uint8_t grp[16] = { 0xff, 0x05, [13] = 0x01, [15] = 0x03 };
	unsigned used, total = 0, frames = 0;
	size_t len;

	(void)state;
	len = build_mld1_report(f, sizeof(f), MAC, src, grp);
	assert_int_equal(len, 14 + 40 + 8 + 24);
	assert_memory_equal(f, ((uint8_t[]){ 0x33, 0x33, 0x00, 0x01, 0x00, 0x03 }), 6);
	assert_int_equal(f[14 + 6], 0);                  /* hop-by-hop */
	assert_int_equal(f[14 + 7], 1);
	assert_memory_equal(f + 54, ((uint8_t[]){ 58, 0, 5, 2, 0, 0, 1, 0 }), 8);
	assert_int_equal(f[62], 131);
	assert_icmp6_csum_ok(f, len);

	for (unsigned i = 0; i < MCAST_MAX_GROUPS; i++) {
		memcpy(gs[i].addr, grp, 16);
		gs[i].addr[15] = (uint8_t)i;
		gs[i].exclude = true;
	}
	len = build_mld2_report(f, sizeof(f), 1500, MAC, src, gs, 3, &used);
	assert_int_equal(used, 3);
	assert_int_equal(len, 14 + 48 + 8 + 3 * 20);
	assert_memory_equal(f, ((uint8_t[]){ 0x33, 0x33, 0x00, 0x00, 0x00, 0x16 }), 6);
	assert_int_equal(f[62], 143);
	assert_int_equal(f[62 + 7], 3);
	assert_int_equal(f[70], 2);                      /* MODE_IS_EXCLUDE */
	assert_memory_equal(f + 74, gs[0].addr, 16);
	assert_icmp6_csum_ok(f, len);
	/* 16 sources each: 276-byte records, 5 to a 1500-byte packet */
	for (unsigned i = 0; i < MCAST_MAX_GROUPS; i++)
		gs[i].n_src = MCAST_MAX_SOURCES;
	while (total < MCAST_MAX_GROUPS) {
		len = build_mld2_report(f, sizeof(f), 1500, MAC, src, gs + total,
					MCAST_MAX_GROUPS - total, &used);
		assert_true(len > 0 && len <= 14 + 1500);
		assert_true(used >= 1 && used <= 5);
		assert_icmp6_csum_ok(f, len);
		total += used;
		frames++;
	}
	assert_int_equal(frames, (MCAST_MAX_GROUPS + 4) / 5);
}

/* /proc/net/igmp etc. as Linux 6.18 prints them (a veth "va", ifindex 3,
 * joined to 239.1.2.3, to 232.1.1.1 from 198.51.100.7, and to ff05::1:3). */
static const char IGMP[] =
	"Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n"
	"2\tvb        :     1      V3\n"
	"\t\t\t\t010000E0     1 0:00000000\t\t0\n"
	"3\tva        :     3      V2\n"
	"\t\t\t\t010101E8     1 0:00000000\t\t0\n"
	"\t\t\t\t030201EF     1 0:00000000\t\t0\n"
	"\t\t\t\t010000E0     1 0:00000000\t\t0\n"
	"12\tbond_with_long: 1 V1\n"
	"\t\t\t\t090909EF     1 0:00000000\t\t0\n";
static const char MCFILTER[] =
	"Idx Device        MCA        SRC    INC    EXC\n"
	"  3     va 0xe8010101 0xc6336407      1      0\n"
	"  3     va 0xef010203 0xc6336409      0      1\n"
	"  2     vb 0xe8010101 0xc6336408      1      0\n";
static const char IGMP6[] =
	"1    lo              ff020000000000000000000000000001     1 0000000C 0\n"
	"3    va              ff050000000000000000000000010003     1 00000004 0\n"
	"3    va              ff0200000000000000000001ffea42b1     1 00000004 0\n"
	"3    va              ff020000000000000000000000000001     1 0000000C 0\n"
	"3    va              ff010000000000000000000000000001     1 00000008 0\n";

static void test_proc_parsers(void **state)
{
	static struct mcast_groups g;
	static const uint8_t ff05[16] = { 0xff, 0x05, [13] = 0x01, [15] = 0x03 };

	(void)state;
	memset(&g, 0, sizeof(g));
	mcast_parse_igmp(IGMP, 3, &g);
	assert_int_equal(g.igmp_version, 2);
	assert_int_equal(g.n4, 3);
	assert_memory_equal(g.v4[0].addr, ((uint8_t[]){ 232, 1, 1, 1 }), 4);
	assert_memory_equal(g.v4[1].addr, ((uint8_t[]){ 239, 1, 2, 3 }), 4);
	assert_memory_equal(g.v4[2].addr, ((uint8_t[]){ 224, 0, 0, 1 }), 4);
	mcast_parse_mcfilter(MCFILTER, 3, false, &g);
	assert_false(g.v4[0].exclude);                   /* include 198.51.100.7 */
	assert_int_equal(g.v4[0].n_src, 1);
	assert_memory_equal(g.v4[0].src[0], ((uint8_t[]){ 198, 51, 100, 7 }), 4);
	assert_true(g.v4[1].exclude);                    /* exclude 198.51.100.9 */
	assert_int_equal(g.v4[1].n_src, 1);
	assert_memory_equal(g.v4[1].src[0], ((uint8_t[]){ 198, 51, 100, 9 }), 4);
	assert_true(g.v4[2].exclude);
	assert_int_equal(g.v4[2].n_src, 0);
	mcast_parse_igmp6(IGMP6, 3, &g);
	assert_int_equal(g.n6, 2);                       /* NOREPORT ones left out */
	assert_memory_equal(g.v6[0].addr, ff05, 16);
	assert_int_equal(g.v6[1].addr[11], 0x01);
	assert_int_equal(g.v6[1].addr[12], 0xff);

	/* a name that reaches the colon; an unknown device */
	memset(&g, 0, sizeof(g));
	mcast_parse_igmp(IGMP, 12, &g);
	assert_int_equal(g.igmp_version, 1);
	assert_int_equal(g.n4, 1);
	memset(&g, 0, sizeof(g));
	mcast_parse_igmp(IGMP, 7, &g);
	mcast_parse_igmp6(IGMP6, 7, &g);
	assert_int_equal(g.igmp_version + g.n4 + g.n6, 0);
	/* garbage changes nothing and does not crash */
	mcast_parse_igmp("x\n\tzz\n3\n\t\n", 3, &g);
	mcast_parse_mcfilter("h\n3 va 0xzz\n", 3, false, &g);
	mcast_parse_igmp6("3 va ff05\n", 3, &g);
	assert_int_equal(g.n4 + g.n6, 0);
}

/* ---- the engine's schedule -------------------------------------------- */

static struct mcast_groups G;

static void groups_init(void)
{
	memset(&G, 0, sizeof(G));
	G.igmp_version = 3;
	G.mld_version = 2;
	G.llm_reports = true;
	G.v4[G.n4++] = group4(239, 1, 2, 3);
	G.v4[G.n4++] = group4(224, 0, 0, 1);             /* never reported */
	G.v4[G.n4++] = group4(224, 0, 0, 251);           /* link-local: per sysctl */
	G.v6[0].addr[0] = 0xff;
	G.v6[0].addr[1] = 0x05;
	G.v6[0].addr[15] = 0x03;
	G.v6[0].exclude = true;
	G.n6 = 1;
}

/* IGMP and MLD reports sent on s since tx index from. */
static unsigned reports_on(const struct harness *h, const struct slave *s, unsigned from)
{
	unsigned n = 0;

	for (unsigned i = from; i < h->ntx; i++) {
		const uint8_t *f = h->tx[i].frame;

		if (h->tx[i].s != s)
			continue;
		if (f[12] == 0x08 && f[13] == 0x00 && f[23] == 2)
			n++;
		else if (f[12] == 0x86 && f[13] == 0xdd && f[20] == 0 && f[62] == 143)
			n++;
	}
	return n;
}

static void failover_schedule(const char *opts, unsigned expect_rounds, unsigned per_round)
{
	struct harness *h = calloc(1, sizeof(*h));
	struct bond *b;
	struct slave *s0, *s1;
	unsigned from;

	assert_non_null(h);
	groups_init();
	h_init(h);
	h->mcast = &G;
	b = h_bond(h, "bond0", opts);
	s0 = h_enslave(h, b, "eth0", 1);
	s1 = h_enslave(h, b, "eth1", 2);
	h_advance(h, 1000);
	assert_ptr_equal(b->active, s0);
	from = h->ntx;
	h->mcast_asks = 0;
	h_carrier(h, s0, false);
	h_advance(h, 100);                               /* miimon commits the loss */
	assert_ptr_equal(b->active, s1);
	assert_int_equal(reports_on(h, s1, from), expect_rounds ? per_round : 0);
	h_advance(h, 200);
	assert_int_equal(reports_on(h, s1, from), expect_rounds >= 2 ? 2 * per_round : expect_rounds * per_round);
	h_advance(h, 2000);
	assert_int_equal(reports_on(h, s1, from), expect_rounds * per_round);
	assert_int_equal(h->mcast_asks, expect_rounds);
	assert_int_equal(reports_on(h, s0, from), 0);
	h_fini(h);
	free(h);
}

static void test_schedule_ab(void **state)
{
	(void)state;
	/* 239.1.2.3 + 224.0.0.251 (IGMPv3, one report each) + one MLDv2 */
	failover_schedule("mode active-backup miimon 100 resend_igmp 3", 3, 3);
	failover_schedule("mode active-backup miimon 100", 1, 3);      /* default 1 */
	failover_schedule("mode active-backup miimon 100 resend_igmp 0", 0, 3);
	failover_schedule("mode balance-rr miimon 100 resend_igmp 2", 2, 3);
	failover_schedule("mode balance-tlb miimon 100 resend_igmp 2", 2, 3);
}

static void test_schedule_not_hashing_modes(void **state)
{
	struct harness *h = calloc(1, sizeof(*h));
	struct bond *b;
	struct slave *s0;

	(void)state;
	groups_init();
	h_init(h);
	h->mcast = &G;
	b = h_bond(h, "bond0", "mode balance-xor miimon 100 resend_igmp 5");
	s0 = h_enslave(h, b, "eth0", 1);
	h_enslave(h, b, "eth1", 2);
	h_advance(h, 1000);
	h->mcast_asks = 0;
	h_carrier(h, s0, false);
	h_advance(h, 2000);
	assert_int_equal(h->mcast_asks, 0);
	h_fini(h);
	free(h);
}

static void test_llm_and_versions(void **state)
{
	struct harness *h = calloc(1, sizeof(*h));
	struct bond *b;
	struct slave *s0, *s1;
	unsigned from, v2 = 0, mld1 = 0;

	(void)state;
	groups_init();
	G.llm_reports = false;                           /* 224.0.0.251 not reported */
	G.igmp_version = 2;
	G.mld_version = 1;
	h_init(h);
	h->mcast = &G;
	b = h_bond(h, "bond0", "mode active-backup miimon 100");
	s0 = h_enslave(h, b, "eth0", 1);
	s1 = h_enslave(h, b, "eth1", 2);
	h_advance(h, 1000);
	from = h->ntx;
	h_carrier(h, s0, false);
	h_advance(h, 1000);
	for (unsigned i = from; i < h->ntx; i++) {
		const uint8_t *f = h->tx[i].frame;

		assert_ptr_equal(h->tx[i].s, s1);
		if (f[23] == 2 && f[38] == 0x16) {
			assert_memory_equal(f + 42, ((uint8_t[]){ 239, 1, 2, 3 }), 4);
			v2++;
		}
		if (f[12] == 0x86 && f[62] == 131)
			mld1++;
	}
	assert_int_equal(v2, 1);
	assert_int_equal(mld1, 1);
	h_fini(h);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_igmp_v2),
		cmocka_unit_test(test_igmp_v3_sources),
		cmocka_unit_test(test_mld),
		cmocka_unit_test(test_proc_parsers),
		cmocka_unit_test(test_schedule_ab),
		cmocka_unit_test(test_schedule_not_hashing_modes),
		cmocka_unit_test(test_llm_and_versions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
