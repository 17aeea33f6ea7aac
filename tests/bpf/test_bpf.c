/* tests/bpf: the kernel data path's programs (src/bpf/bond_dp.bpf.c) without
 * devices. The test build of the object is loaded, its maps are filled by
 * hand as the daemon would, and the programs run on crafted frames with
 * BPF_PROG_TEST_RUN; each run's decision (dp_test_out) is checked against
 * the engine's rules (src/core/mode*.c, slave.c) and core/hash.c.
 *
 * Needs root (BPF_PROG_TEST_RUN); a program that cannot be loaded fails
 * every case, it is never skipped. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/pkt_cls.h>

#include "core/flowtab.h"
#include "core/hash.h"
#include "core/lacp/lacp.h"
#include "dpt.h"
#include "hash_vectors.h"
#include "hash_vlan.h"

extern const unsigned char bondd_bpf_prod_obj[];
extern const size_t bondd_bpf_prod_obj_len;

static const uint8_t BOND_MAC[6] = { 0x02, 0xb0, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t PEER_MAC[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t MAC_A[6] = { 0x02, 0xa0, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t MAC_B[6] = { 0x02, 0xa0, 0x00, 0x00, 0x00, 0x0b };
static const uint8_t MAC_C[6] = { 0x02, 0xa0, 0x00, 0x00, 0x00, 0x0c };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t MCAST4[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x05 };
static const uint8_t ALLNODES[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t LACP_MAC[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x02 };

static const uint8_t IP_S[4] = { 192, 0, 2, 10 };
static const uint8_t IP_D[4] = { 198, 51, 100, 20 };
static const uint8_t IP6_S[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t IP6_D[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 2 };
static const uint8_t IP6_ANY[16];

static struct dpt_result res;

/* ---- frames -------------------------------------------------------------- */

static size_t eth(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
	return 14;
}

/* IPv4 with protocol proto and a 20-byte L4 header (TCP 1234 -> 80 for
 * TCP), padded to 64 bytes; vlan > 0 writes an 802.1Q tag inline. */
static size_t ipv4(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint8_t proto,
		   const uint8_t dip[4], int vlan)
{
	size_t o;

	memset(f, 0, 80);
	if (vlan > 0) {
		o = eth(f, dst, src, 0x8100);
		f[o] = (uint8_t)(vlan >> 8);
		f[o + 1] = (uint8_t)vlan;
		f[o + 2] = 0x08;
		f[o + 3] = 0x00;
		o += 4;
	} else {
		o = eth(f, dst, src, 0x0800);
	}
	f[o] = 0x45;
	f[o + 3] = 40;
	f[o + 8] = 64;
	f[o + 9] = proto;
	memcpy(f + o + 12, IP_S, 4);
	memcpy(f + o + 16, dip, 4);
	f[o + 20] = 0x04;
	f[o + 21] = 0xd2;
	f[o + 23] = 80;
	return o + 40 < 64 ? 64 : o + 40;
}

/* IPv6 with next header nh and an 8-byte L4 header whose first byte is
 * l4_0 (the ICMPv6 type), padded to 80 bytes. */
static size_t ipv6(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint8_t nh,
		   uint8_t l4_0, const uint8_t sip[16], const uint8_t dip[16])
{
	size_t o = eth(f, dst, src, 0x86dd);

	memset(f + o, 0, 66);
	f[o] = 0x60;
	f[o + 5] = 8;
	f[o + 6] = nh;
	f[o + 7] = 64;
	memcpy(f + o + 8, sip, 16);
	memcpy(f + o + 24, dip, 16);
	f[o + 40] = l4_0;
	return 80;
}

static size_t arp(uint8_t *f)
{
	size_t o = eth(f, BCAST, BOND_MAC, 0x0806);
	static const uint8_t body[28] = { 0, 1, 8, 0, 6, 4, 0, 1, 0x02, 0xb0, 0, 0, 0, 1,
					  192, 0, 2, 10, 0, 0, 0, 0, 0, 0, 198, 51, 100, 20 };

	memcpy(f + o, body, sizeof(body));
	memset(f + o + 28, 0, 18);
	return 60;
}

/* ---- helpers ------------------------------------------------------------- */

static void base_cfg(struct dp_cfg *cfg, uint32_t tx_kind, uint32_t flags)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->flags = DP_F_UP | flags;
	cfg->tx_kind = tx_kind;
	memcpy(cfg->bond_mac, BOND_MAC, 6);
}

static void tx(const uint8_t *f, size_t len)
{
	dpt_run(DPT_TX, f, len, 0, &res);
}

/* The frame left on exactly one slave, ifindex. */
static void assert_sent_to(uint32_t ifindex)
{
	assert_int_equal(res.action, TC_ACT_REDIRECT);
	assert_int_equal(res.out.n_out, 1);
	assert_int_equal(res.out.out_ifindex[0], ifindex);
}

static void assert_src_mac(const uint8_t mac[6])
{
	assert_memory_equal(res.frame + 6, mac, 6);
}

/* ---- loading ------------------------------------------------------------- */

static void test_load(void **state)
{
	const char *why = dpt_load();
	uint32_t v, x;

	if (why)
		fail_msg("bond_dp_test.bpf.o did not load: %s", why);
	assert_int_equal(dpt_prog_insns(DPT_TX, &v, &x), 0);
	printf("bond_tx (test build): %u instructions, %u processed by the verifier\n", x, v);
	assert_int_equal(dpt_prog_insns(DPT_RX, &v, &x), 0);
	printf("bond_rx (test build): %u instructions, %u processed by the verifier\n", x, v);
	assert_int_equal(dpt_prog_insns(DPT_VLAN_TX, &v, &x), 0);
	printf("bond_vlan_tx (test build): %u instructions, %u processed by the verifier\n", x, v);
}

/* The object bondd embeds: accepted by the verifier, and without the test
 * build's record. */
static void test_load_production(void **state)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "bond_dp");
	struct bpf_object *obj;
	struct bpf_program *p;
	int err;

	obj = bpf_object__open_mem(bondd_bpf_prod_obj, bondd_bpf_prod_obj_len, &oo);
	if (!obj)
		fail_msg("bpf_object__open_mem(bond_dp.bpf.o) failed");
	assert_null(bpf_object__find_map_by_name(obj, DP_MAP_TEST_OUT));
	err = bpf_object__load(obj);
	if (err) {
		bpf_object__close(obj);
		fail_msg("bpf_object__load(bond_dp.bpf.o): %s", strerror(-err));
	}
	bpf_object__for_each_program(p, obj) {
		struct bpf_prog_info info;
		uint32_t len = sizeof(info);

		memset(&info, 0, sizeof(info));
		assert_int_equal(bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len), 0);
		printf("%s (production): %u instructions, %u processed by the verifier\n",
		       bpf_program__name(p), info.xlated_prog_len / 8, info.verified_insns);
	}
	bpf_object__close(obj);
}

/* ---- every mode ---------------------------------------------------------- */

static void test_down(void **state)
{
	struct dp_slave_stats st;
	struct dp_cfg cfg;
	uint8_t f[80];
	size_t len = ipv4(f, PEER_MAC, BOND_MAC, 6, IP_D, 0);

	dpt_reset();
	base_cfg(&cfg, DP_TX_ACTIVE, 0);
	cfg.flags = 0;
	cfg.active_ifindex = 7;
	cfg.tap_ifindex = 4242;
	dpt_set_cfg(&cfg);
	dpt_set_slave(7, DP_S_CAN_TX, MAC_A);
	dpt_set_slave(1, DP_S_CAN_TX, MAC_B);
	tx(f, len);
	assert_int_equal(res.action, TC_ACT_SHOT);
	assert_int_equal(res.out.n_out, 0);
	dpt_stats(7, &st);
	assert_int_equal(st.tx_packets, 0);
	/* receive: counted, then dropped (slave_receive: !admin_up) */
	dpt_run(DPT_RX, f, len, 1, &res);
	assert_int_equal(res.action, TC_ACT_SHOT);
	assert_int_equal(res.out.n_out, 0);
	dpt_stats(1, &st);
	assert_int_equal(st.rx_packets, 1);
	assert_int_equal(st.rx_dropped, 1);
}

static void test_no_slave(void **state)
{
	struct dp_bond_stats bs;
	struct dp_cfg cfg;
	uint8_t f[80];
	size_t len = ipv4(f, PEER_MAC, BOND_MAC, 6, IP_D, 0);
	const uint32_t kinds[] = { DP_TX_DROP, DP_TX_ACTIVE, DP_TX_HASH, DP_TX_BCAST, DP_TX_RR };

	dpt_reset();
	for (unsigned i = 0; i < 5; i++) {
		base_cfg(&cfg, kinds[i], 0);
		dpt_set_cfg(&cfg);
		tx(f, len);
		assert_int_equal(res.action, TC_ACT_SHOT);
		assert_int_equal(res.out.n_out, 0);
		dpt_bstats(&bs);
		assert_int_equal(bs.tx_no_slave, i + 1);
	}
	/* balance-rr with slaves none of which can send (rr_map all 0) */
	base_cfg(&cfg, DP_TX_RR, 0);
	cfg.n_slaves = 2;
	cfg.packets_per_slave = 1;
	dpt_set_cfg(&cfg);
	tx(f, len);
	assert_int_equal(res.action, TC_ACT_SHOT);
	dpt_bstats(&bs);
	assert_int_equal(bs.tx_no_slave, 6);
	assert_int_equal(bs.tx_to_daemon, 0);
}

static void test_active_backup(void **state)
{
	struct dp_slave_stats st;
	struct dp_cfg cfg;
	uint8_t f[80];
	size_t len = ipv4(f, PEER_MAC, BOND_MAC, 6, IP_D, 0);

	dpt_reset();
	base_cfg(&cfg, DP_TX_ACTIVE, 0);
	cfg.active_ifindex = 7;
	dpt_set_cfg(&cfg);
	dpt_set_slave(7, DP_S_CAN_TX, MAC_A);
	for (int i = 0; i < 3; i++) {
		tx(f, len);
		assert_sent_to(7);
		assert_memory_equal(res.frame, f, len);
	}
	dpt_stats(7, &st);
	assert_int_equal(st.tx_packets, 3);
	assert_int_equal(st.tx_bytes, 3 * len);
	/* an out-of-band tag counts as the engine's inline one does */
	dpt_run_vlan(f, len, 0x8100, 5, &res);
	assert_sent_to(7);
	dpt_stats(7, &st);
	assert_int_equal(st.tx_bytes, 4 * len + 4);
}

/* queue_id: a frame whose queue names a slave (dp_queue) leaves there in
 * active-backup and balance-rr (DP_F_QUEUE_OVERRIDE); queue 0, a queue
 * without a slave, or another mode: the mode's choice. */
static void test_queue_override(void **state)
{
	struct dp_cfg cfg;
	uint8_t f[80];
	size_t len = ipv4(f, PEER_MAC, BOND_MAC, 6, IP_D, 0);

	dpt_reset();
	base_cfg(&cfg, DP_TX_ACTIVE, DP_F_QUEUE_OVERRIDE);
	cfg.active_ifindex = 7;
	dpt_set_cfg(&cfg);
	dpt_set_slave(7, DP_S_CAN_TX, MAC_A);
	dpt_set_slave(8, DP_S_CAN_TX, MAC_B);
	dpt_set_queue(3, 8);
	dpt_run_queue(f, len, 3, &res);
	assert_sent_to(8);
	dpt_run_queue(f, len, 0, &res);
	assert_sent_to(7);
	dpt_run_queue(f, len, 4, &res);
	assert_sent_to(7);
	dpt_run_queue(f, len, 300, &res);
	assert_sent_to(7);
	/* the slave cannot send: the daemon clears its entry */
	dpt_set_queue(3, 0);
	dpt_run_queue(f, len, 3, &res);
	assert_sent_to(7);
	/* balance-rr overrides too */
	dpt_set_queue(3, 8);
	base_cfg(&cfg, DP_TX_RR, DP_F_QUEUE_OVERRIDE);
	cfg.packets_per_slave = 1;
	cfg.n_slaves = 1;
	cfg.rr_map[0] = 7;
	dpt_set_cfg(&cfg);
	dpt_run_queue(f, len, 3, &res);
	assert_sent_to(8);
	dpt_run_queue(f, len, 0, &res);
	assert_sent_to(7);
	/* a mode without the override (balance-xor) ignores the queue */
	base_cfg(&cfg, DP_TX_HASH, 0);
	cfg.n_tx = 1;
	cfg.tx[0] = 7;
	dpt_set_cfg(&cfg);
	dpt_run_queue(f, len, 3, &res);
	assert_sent_to(7);
}

static void rr_setup(uint32_t pps, const uint32_t map[3])
{
	struct dp_cfg cfg;

	dpt_reset();
	base_cfg(&cfg, DP_TX_RR, 0);
	cfg.packets_per_slave = pps;
	cfg.n_slaves = 3;
	cfg.active_ifindex = 9;
	memcpy(cfg.rr_map, map, 3 * sizeof(map[0]));
	dpt_set_cfg(&cfg);
}

static void rr_expect(const uint32_t *seq, unsigned n)
{
	uint8_t f[80];
	size_t len = ipv4(f, PEER_MAC, BOND_MAC, 6, IP_D, 0);

	for (unsigned i = 0; i < n; i++) {
		tx(f, len);
		if (res.action != TC_ACT_REDIRECT || res.out.n_out != 1 ||
		    res.out.out_ifindex[0] != seq[i])
			fail_msg("frame %u: want ifindex %u, got action %d ifindex %u", i + 1,
				 seq[i], res.action, res.out.n_out ? res.out.out_ifindex[0] : 0);
	}
}

static void test_rr_pps1(void **state)
{
	static const uint32_t map[3] = { 11, 12, 13 };
	static const uint32_t seq[7] = { 12, 13, 11, 12, 13, 11, 12 };
	/* slave 12 cannot send: map[1] is the next one that can */
	static const uint32_t map_hole[3] = { 11, 13, 13 };
	static const uint32_t seq_hole[6] = { 13, 13, 11, 13, 13, 11 };

	rr_setup(1, map);
	rr_expect(seq, 7);
	assert_int_equal(dpt_rr(), 7);
	rr_setup(1, map_hole);
	rr_expect(seq_hole, 6);
	/* the counter wraps as a u32 does in the kernel */
	rr_setup(1, map);
	dpt_set_rr(UINT32_MAX - 1);
	{
		/* UINT32_MAX % 3 = 0, then 0 */
		static const uint32_t seq_wrap[3] = { 11, 11, 12 };

		rr_expect(seq_wrap, 3);
	}
}

static void test_rr_pps3(void **state)
{
	static const uint32_t map[3] = { 11, 12, 13 };
	/* counter 1..10, id = counter / 3 */
	static const uint32_t seq[10] = { 11, 11, 12, 12, 12, 13, 13, 13, 11, 11 };

	rr_setup(3, map);
	rr_expect(seq, 10);
}

static void test_rr_random(void **state)
{
	static const uint32_t map[3] = { 11, 12, 13 };
	unsigned seen[3] = { 0, 0, 0 };
	uint8_t f[80];
	size_t len = ipv4(f, PEER_MAC, BOND_MAC, 6, IP_D, 0);

	rr_setup(0, map);
	for (int i = 0; i < 300; i++) {
		tx(f, len);
		assert_int_equal(res.action, TC_ACT_REDIRECT);
		assert_int_equal(res.out.n_out, 1);
		assert_in_range(res.out.out_ifindex[0], 11, 13);
		seen[res.out.out_ifindex[0] - 11]++;
	}
	for (int i = 0; i < 3; i++)
		if (!seen[i])
			fail_msg("packets_per_slave 0: slave %d never chosen in 300 frames", 11 + i);
	assert_int_equal(dpt_rr(), 0);
}

static void test_rr_igmp(void **state)
{
	static const uint32_t map[3] = { 11, 12, 13 };
	static const uint32_t seq[2] = { 12, 13 };
	struct dp_cfg cfg;
	uint8_t f[80];
	size_t len = ipv4(f, MCAST4, BOND_MAC, 2, IP_D, 0);

	rr_setup(1, map);
	tx(f, len);
	assert_sent_to(9);
	assert_int_equal(dpt_rr(), 0);
	rr_expect(seq, 2);
	/* no active slave: the first that can send */
	base_cfg(&cfg, DP_TX_RR, 0);
	cfg.packets_per_slave = 1;
	cfg.n_slaves = 3;
	memcpy(cfg.rr_map, map, sizeof(map));
	dpt_set_cfg(&cfg);
	tx(f, len);
	assert_sent_to(11);
	/* tagged, the engine's frame is not IPv4 at 12: striped */
	len = ipv4(f, MCAST4, BOND_MAC, 2, IP_D, 5);
	tx(f, len);
	assert_sent_to(11);     /* counter 3: 3 % 3 */
	/* the same with the tag out of band */
	len = ipv4(f, MCAST4, BOND_MAC, 2, IP_D, 0);
	dpt_run_vlan(f, len, 0x8100, 5, &res);
	assert_sent_to(12);
	assert_int_equal(dpt_rr(), 4);
}

static void test_broadcast(void **state)
{
	struct dp_slave_stats st;
	struct dp_cfg cfg;
	uint8_t f[80];
	size_t len = ipv4(f, PEER_MAC, BOND_MAC, 6, IP_D, 0);
	/* 1 is the loopback device (a clone to it succeeds); the others do
	 * not exist, so their clones fail and count as dropped. */
	const uint32_t set[3] = { 1, 1000002, 1000003 };

	dpt_reset();
	base_cfg(&cfg, DP_TX_BCAST, 0);
	cfg.n_tx = 3;
	memcpy(cfg.tx, set, sizeof(set));
	dpt_set_cfg(&cfg);
	for (int i = 0; i < 3; i++)
		dpt_set_slave(set[i], DP_S_CAN_TX, MAC_A);
	tx(f, len);
	assert_int_equal(res.action, TC_ACT_REDIRECT);
	assert_int_equal(res.out.n_out, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(res.out.out_ifindex[i], set[i]);
	assert_int_equal(res.out.out_rc[2], TC_ACT_REDIRECT);
	assert_int_not_equal(res.out.out_rc[1], 0);
	for (int i = 0; i < 2; i++) {
		dpt_stats(set[i], &st);
		if (res.out.out_rc[i] == 0) {
			assert_int_equal(st.tx_packets, 1);
			assert_int_equal(st.tx_dropped, 0);
		} else {
			assert_int_equal(st.tx_packets, 0);
			assert_int_equal(st.tx_dropped, 1);
		}
	}
	dpt_stats(set[2], &st);
	assert_int_equal(st.tx_packets, 1);
	/* one slave: no clone */
	cfg.n_tx = 1;
	cfg.tx[0] = 1000003;
	dpt_set_cfg(&cfg);
	tx(f, len);
	assert_sent_to(1000003);
}

/* balance-xor / 802.3ad beyond the vectors: a tagged frame hashes as
 * hash.c hashes it, for every policy. */
static void test_hash_tagged(void **state)
{
	uint8_t f[80];
	size_t len = ipv4(f, PEER_MAC, BOND_MAC, 6, IP_D, 100);

	dpt_reset();
	for (uint32_t p = 0; p < 6; p++)
		(void)bpf_hash_probe(p, f, len);
}

/* 802.3ad broadcast_neighbor (DP_F_BCAST_NEIGH with DP_TX_HASH): ARP and
 * IPv6 NS/NA take a copy on every slave of tx[], as core/lacp
 * lacp_is_neighbor_frame() decides; everything else hashes. Each frame is
 * checked against the engine's rule too. */
static void bcast_neigh_expect(const uint8_t *f, size_t len, int every)
{
	assert_int_equal(lacp_is_neighbor_frame(f, len), every);
	tx(f, len);
	assert_int_equal(res.action, TC_ACT_REDIRECT);
	assert_int_equal(res.out.n_out, every ? 3 : 1);
	assert_int_equal(!!(res.out.flags & DP_T_HASHED), !every);
}

static void test_bcast_neigh(void **state)
{
	static const uint8_t SOLICITED[6] = { 0x33, 0x33, 0xff, 0, 0x12, 0x02 };
	struct dp_cfg cfg;
	uint8_t f[96];
	size_t len;
	const uint32_t set[3] = { 1, 1000002, 1000003 };

	dpt_reset();
	base_cfg(&cfg, DP_TX_HASH, DP_F_LACP | DP_F_BCAST_NEIGH);
	cfg.xmit_policy = XMIT_LAYER34;
	cfg.n_tx = 3;
	memcpy(cfg.tx, set, sizeof(set));
	dpt_set_cfg(&cfg);
	for (int i = 0; i < 3; i++)
		dpt_set_slave(set[i], DP_S_CAN_TX, MAC_A);

	bcast_neigh_expect(f, arp(f), 1);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(res.out.out_ifindex[i], set[i]);
	bcast_neigh_expect(f, ipv6(f, SOLICITED, BOND_MAC, 58, 135, IP6_S, IP6_D), 1);
	bcast_neigh_expect(f, ipv6(f, PEER_MAC, BOND_MAC, 58, 136, IP6_S, IP6_D), 1);
	/* DAD: from :: */
	bcast_neigh_expect(f, ipv6(f, SOLICITED, BOND_MAC, 58, 135, IP6_ANY, IP6_D), 1);
	/* not neighbour discovery */
	bcast_neigh_expect(f, ipv6(f, PEER_MAC, BOND_MAC, 58, 128, IP6_S, IP6_D), 0);
	bcast_neigh_expect(f, ipv6(f, SOLICITED, BOND_MAC, 58, 133, IP6_S, IP6_D), 0);
	/* NS behind an extension header: the kernel does not look further */
	bcast_neigh_expect(f, ipv6(f, SOLICITED, BOND_MAC, 0, 58, IP6_S, IP6_D), 0);
	bcast_neigh_expect(f, ipv4(f, PEER_MAC, BOND_MAC, 6, IP_D, 0), 0);
	bcast_neigh_expect(f, ipv4(f, BCAST, BOND_MAC, 17, IP_D, 0), 0);
	/* an inline tag: looked through once */
	len = arp(f);
	memmove(f + 16, f + 12, len - 12);
	f[12] = 0x81, f[13] = 0x00, f[14] = 0, f[15] = 10;
	bcast_neigh_expect(f, len + 4, 1);
	len = ipv4(f, PEER_MAC, BOND_MAC, 6, IP_D, 10);
	bcast_neigh_expect(f, len, 0);
	/* an out-of-band tag: the engine's frame has it inline */
	len = arp(f);
	dpt_run_vlan(f, len, 0x8100, 10, &res);
	assert_int_equal(res.out.n_out, 3);
	len = ipv6(f, SOLICITED, BOND_MAC, 58, 135, IP6_S, IP6_D);
	dpt_run_vlan(f, len, 0x8100, 10, &res);
	assert_int_equal(res.out.n_out, 3);
	len = ipv4(f, PEER_MAC, BOND_MAC, 6, IP_D, 0);
	dpt_run_vlan(f, len, 0x8100, 10, &res);
	assert_int_equal(res.out.n_out, 1);

	/* without the flag: ARP hashes like any frame */
	cfg.flags &= ~(uint32_t)DP_F_BCAST_NEIGH;
	dpt_set_cfg(&cfg);
	tx(f, arp(f));
	assert_int_equal(res.out.n_out, 1);
	assert_true(res.out.flags & DP_T_HASHED);
	/* one slave: the frame itself, no clone */
	cfg.flags |= DP_F_BCAST_NEIGH;
	cfg.n_tx = 1;
	cfg.tx[0] = 1000003;
	dpt_set_cfg(&cfg);
	tx(f, arp(f));
	assert_sent_to(1000003);
}

/* balance-tlb, tlb_dynamic_lb=1: 20 active, 21 another slave, 22 a slave
 * that cannot send. */
static void tlb_setup(uint32_t kind, uint32_t flags, uint32_t active)
{
	struct dp_cfg cfg;

	dpt_reset();
	base_cfg(&cfg, kind, flags);
	cfg.xmit_policy = XMIT_LAYER34;
	cfg.active_ifindex = active;
	cfg.n_tx = 2;
	cfg.tx[0] = 20;
	cfg.tx[1] = 21;
	dpt_set_cfg(&cfg);
	dpt_set_slave(20, DP_S_CAN_TX, MAC_A);
	dpt_set_slave(21, DP_S_CAN_TX, MAC_B);
	dpt_set_slave(22, 0, MAC_C);
}

static void test_tlb_buckets(void **state)
{
	struct dp_bond_stats bs;
	struct dp_slave_stats st;
	uint8_t f[80];
	size_t len = ipv4(f, PEER_MAC, BOND_MAC, 6, IP_D, 0);
	uint32_t h = xmit_hash(XMIT_LAYER34, f, len), b = h & 0xff;

	tlb_setup(DP_TX_TLB, 0, 20);
	/* unassigned: the engine assigns it */
	tx(f, len);
	assert_int_equal(res.action, TC_ACT_OK);
	assert_int_equal(res.out.n_out, 0);
	assert_true(res.out.flags & DP_T_HASHED);
	assert_int_equal(res.out.hash, h);
	assert_true(res.out.flags & DP_T_BUCKET);
	assert_false(res.out.flags & DP_T_SIMPLE_HASH);
	assert_int_equal(res.out.bucket, b);
	dpt_bstats(&bs);
	assert_int_equal(bs.tx_to_daemon, 1);
	/* on another slave: its MAC as source */
	dpt_set_bucket(b, 21);
	tx(f, len);
	assert_sent_to(21);
	assert_src_mac(MAC_B);
	assert_true(res.out.flags & DP_T_SMAC);
	assert_memory_equal(res.out.smac, MAC_B, 6);
	assert_memory_equal(res.frame + 12, f + 12, len - 12);
	assert_int_equal(dpt_bucket_bytes(b), len);
	dpt_stats(21, &st);
	assert_int_equal(st.tx_packets, 1);
	/* on the active slave: untouched */
	dpt_set_bucket(b, 20);
	tx(f, len);
	assert_sent_to(20);
	assert_src_mac(BOND_MAC);
	assert_false(res.out.flags & DP_T_SMAC);
	/* its slave cannot send: the engine frees its buckets */
	dpt_set_bucket(b, 22);
	tx(f, len);
	assert_int_equal(res.action, TC_ACT_OK);
	assert_int_equal(res.out.n_out, 0);
	dpt_bstats(&bs);
	assert_int_equal(bs.tx_to_daemon, 2);
	assert_int_equal(bs.tlb_unbalanced_bytes, 0);
}

static void test_tlb_unbalanced(void **state)
{
	struct dp_bond_stats bs;
	uint8_t f[80];
	size_t len, total = 0;

	tlb_setup(DP_TX_TLB, 0, 20);
	for (uint32_t i = 0; i < DP_TLB_BUCKETS; i++)
		dpt_set_bucket(i, 21);
	/* multicast destination MAC */
	len = ipv4(f, MCAST4, BOND_MAC, 17, IP_D, 0);
	tx(f, len);
	assert_sent_to(20);
	assert_false(res.out.flags & (DP_T_BUCKET | DP_T_SMAC));
	total += len;
	/* neighbour solicitation */
	len = ipv6(f, PEER_MAC, BOND_MAC, 58, 135, IP6_S, IP6_D);
	tx(f, len);
	assert_sent_to(20);
	total += len;
	/* ARP */
	len = arp(f);
	tx(f, len);
	assert_sent_to(20);
	total += len;
	dpt_bstats(&bs);
	assert_int_equal(bs.tlb_unbalanced_bytes, total);
	/* balanced: IPv6 TCP, and IPv4 through an inline tag */
	len = ipv6(f, PEER_MAC, BOND_MAC, 6, 0, IP6_S, IP6_D);
	tx(f, len);
	assert_sent_to(21);
	assert_int_equal(res.out.bucket, xmit_hash(XMIT_LAYER34, f, len) & 0xff);
	len = ipv4(f, PEER_MAC, BOND_MAC, 6, IP_D, 7);
	tx(f, len);
	assert_sent_to(21);
	assert_int_equal(res.out.bucket, xmit_hash(XMIT_LAYER34, f, len) & 0xff);
	assert_src_mac(MAC_B);
	/* and with the tag out of band: the same frame for the engine */
	{
		uint8_t plain[80];
		size_t plen = ipv4(plain, PEER_MAC, BOND_MAC, 6, IP_D, 0);

		dpt_run_vlan(plain, plen, 0x8100, 7, &res);
		assert_sent_to(21);
		assert_int_equal(res.out.bucket, xmit_hash(XMIT_LAYER34, f, len) & 0xff);
		/* a tagged neighbour solicitation is still one */
		plen = ipv6(plain, PEER_MAC, BOND_MAC, 58, 135, IP6_S, IP6_D);
		dpt_run_vlan(plain, plen, 0x8100, 7, &res);
		assert_sent_to(20);
		total += plen + 4;
	}
	dpt_bstats(&bs);
	assert_int_equal(bs.tlb_unbalanced_bytes, total);
	/* the active slave cannot send: dropped */
	tlb_setup(DP_TX_TLB, 0, 22);
	len = ipv4(f, MCAST4, BOND_MAC, 17, IP_D, 0);
	tx(f, len);
	assert_int_equal(res.action, TC_ACT_SHOT);
	dpt_bstats(&bs);
	assert_int_equal(bs.tx_no_slave, 1);
}

/* tlb_dynamic_lb=0: balanced frames take tx[hash % n_tx], unbalanced ones
 * the active slave without counting load. */
static void test_tlb_hashed(void **state)
{
	struct dp_bond_stats bs;
	uint8_t f[80];
	size_t len;
	unsigned on21 = 0;

	tlb_setup(DP_TX_TLB, DP_F_TLB_HASHED, 20);
	for (uint8_t d = 1; d < 40; d++) {
		uint8_t dip[4] = { 198, 51, 100, d };
		uint32_t want;

		len = ipv4(f, PEER_MAC, BOND_MAC, 6, dip, 0);
		want = 20 + xmit_hash(XMIT_LAYER34, f, len) % 2;
		tx(f, len);
		assert_sent_to(want);
		assert_false(res.out.flags & DP_T_BUCKET);
		assert_src_mac(want == 20 ? BOND_MAC : MAC_B);
		on21 += want == 21;
	}
	assert_true(on21 > 0 && on21 < 39);
	len = ipv4(f, MCAST4, BOND_MAC, 17, IP_D, 0);
	tx(f, len);
	assert_sent_to(20);
	dpt_bstats(&bs);
	assert_int_equal(bs.tlb_unbalanced_bytes, 0);
	assert_int_equal(bs.tx_to_daemon, 0);
}

static uint32_t xor_bytes(const uint8_t *p, size_t n)
{
	uint8_t h = 0;

	for (size_t i = 0; i < n; i++)
		h ^= p[i];
	return h;
}

static void test_alb(void **state)
{
	struct dp_bond_stats bs;
	uint8_t f[80];
	size_t len;
	const uint8_t bcast_ip[4] = { 255, 255, 255, 255 };
	const uint8_t mcast_ip[4] = { 224, 0, 0, 5 };

	tlb_setup(DP_TX_ALB, DP_F_ALB, 20);
	/* unicast IPv4: bucket alb_simple_hash(destination) */
	len = ipv4(f, PEER_MAC, BOND_MAC, 6, IP_D, 0);
	tx(f, len);
	assert_int_equal(res.action, TC_ACT_OK);
	assert_true(res.out.flags & DP_T_SIMPLE_HASH);
	assert_int_equal(res.out.bucket, xor_bytes(IP_D, 4));
	dpt_set_bucket(xor_bytes(IP_D, 4), 21);
	tx(f, len);
	assert_sent_to(21);
	assert_src_mac(MAC_B);
	/* through an inline tag too, and an out-of-band one */
	len = ipv4(f, PEER_MAC, BOND_MAC, 6, IP_D, 9);
	tx(f, len);
	assert_sent_to(21);
	len = ipv4(f, PEER_MAC, BOND_MAC, 6, IP_D, 0);
	dpt_run_vlan(f, len, 0x88a8, 9, &res);
	assert_sent_to(21);
	assert_int_equal(res.out.bucket, xor_bytes(IP_D, 4));
	/* ARP: receive load balancing, the engine's */
	len = arp(f);
	tx(f, len);
	assert_int_equal(res.action, TC_ACT_OK);
	assert_false(res.out.flags & DP_T_BUCKET);
	dpt_bstats(&bs);
	assert_int_equal(bs.tx_to_daemon, 2);
	/* IP broadcast, IGMP, broadcast MAC: the active slave */
	len = ipv4(f, PEER_MAC, BOND_MAC, 17, bcast_ip, 0);
	tx(f, len);
	assert_sent_to(20);
	len = ipv4(f, MCAST4, BOND_MAC, 2, mcast_ip, 0);
	tx(f, len);
	assert_sent_to(20);
	len = ipv4(f, BCAST, BOND_MAC, 17, IP_D, 0);
	tx(f, len);
	assert_sent_to(20);
	/* alb_xmit does not look at a multicast MAC for IPv4: balanced */
	len = ipv4(f, MCAST4, BOND_MAC, 17, mcast_ip, 0);
	tx(f, len);
	assert_int_equal(res.out.bucket, xor_bytes(mcast_ip, 4));
	/* IPv6 unicast: the 16 bytes of the destination */
	len = ipv6(f, PEER_MAC, BOND_MAC, 6, 0, IP6_S, IP6_D);
	tx(f, len);
	assert_true(res.out.flags & DP_T_SIMPLE_HASH);
	assert_int_equal(res.out.bucket, xor_bytes(IP6_D, 16));
	/* from ::, to all nodes, neighbour discovery: active */
	len = ipv6(f, PEER_MAC, BOND_MAC, 6, 0, IP6_ANY, IP6_D);
	tx(f, len);
	assert_sent_to(20);
	len = ipv6(f, ALLNODES, BOND_MAC, 6, 0, IP6_S, IP6_D);
	tx(f, len);
	assert_sent_to(20);
	len = ipv6(f, PEER_MAC, BOND_MAC, 58, 136, IP6_S, IP6_D);
	tx(f, len);
	assert_sent_to(20);
	/* an ICMPv6 echo is balanced */
	len = ipv6(f, PEER_MAC, BOND_MAC, 58, 128, IP6_S, IP6_D);
	tx(f, len);
	assert_true(res.out.flags & DP_T_BUCKET);
	/* tlb_dynamic_lb=0 */
	tlb_setup(DP_TX_ALB, DP_F_ALB | DP_F_TLB_HASHED, 20);
	len = ipv4(f, PEER_MAC, BOND_MAC, 6, IP_D, 0);
	tx(f, len);
	assert_sent_to(20 + xmit_hash(XMIT_LAYER34, f, len) % 2);
}

/* ---- receive ------------------------------------------------------------- */

static void rx_setup(uint32_t flags, uint32_t slave_flags, const uint8_t slave_mac[6])
{
	struct dp_cfg cfg;

	dpt_reset();
	base_cfg(&cfg, DP_TX_ACTIVE, flags);
	cfg.tap_ifindex = 4242;
	dpt_set_cfg(&cfg);
	dpt_set_slave(1, slave_flags, slave_mac);
}

static void rx(const uint8_t *f, size_t len)
{
	dpt_run(DPT_RX, f, len, 1, &res);
}

static void assert_up(void)
{
	assert_int_equal(res.action, TC_ACT_REDIRECT);
	assert_int_equal(res.out.n_out, 1);
	assert_int_equal(res.out.out_ifindex[0], 4242);
}

static void test_rx_counts(void **state)
{
	struct dp_slave_stats st;
	struct dp_cfg cfg;
	uint8_t f[80];
	size_t len = ipv4(f, BOND_MAC, PEER_MAC, 6, IP_S, 0);

	/* not a slave: not ours to judge */
	dpt_reset();
	base_cfg(&cfg, DP_TX_ACTIVE, 0);
	cfg.tap_ifindex = 4242;
	dpt_set_cfg(&cfg);
	rx(f, len);
	assert_int_equal(res.action, TC_ACT_OK);
	assert_int_equal(res.out.n_out, 0);
	assert_memory_equal(res.frame, f, len);

	rx_setup(0, 0, MAC_A);
	rx(f, len);
	assert_up();
	assert_memory_equal(res.frame, f, len);
	rx(f, len);
	dpt_stats(1, &st);
	assert_int_equal(st.rx_packets, 2);
	assert_int_equal(st.rx_bytes, 2 * len);
	assert_int_equal(st.rx_dropped, 0);
	/* no clock read without the ARP monitor, its one reader */
	assert_int_equal(st.last_rx_ns, 0);
	base_cfg(&cfg, DP_TX_ACTIVE, DP_F_RX_TIME);
	cfg.tap_ifindex = 4242;
	dpt_set_cfg(&cfg);
	rx(f, len);
	assert_up();
	dpt_stats(1, &st);
	assert_int_equal(st.rx_packets, 3);
	assert_true(st.last_rx_ns > 0);
	/* no TAP yet: nowhere to deliver */
	cfg.flags = DP_F_UP;
	cfg.tap_ifindex = 0;
	dpt_set_cfg(&cfg);
	rx(f, len);
	assert_int_equal(res.action, TC_ACT_SHOT);
	dpt_stats(1, &st);
	assert_int_equal(st.rx_dropped, 1);
}

static void test_rx_inactive(void **state)
{
	struct dp_slave_stats st;
	uint8_t f[80];
	size_t len;

	rx_setup(0, DP_S_INACTIVE, MAC_A);
	len = ipv4(f, BOND_MAC, PEER_MAC, 6, IP_S, 0);
	rx(f, len);
	assert_int_equal(res.action, TC_ACT_SHOT);
	assert_int_equal(res.out.n_out, 0);
	dpt_stats(1, &st);
	assert_int_equal(st.rx_packets, 1);
	assert_int_equal(st.rx_dropped, 1);
	/* alb: unicast still goes up, multicast does not */
	rx_setup(DP_F_RX_INACTIVE_UC, DP_S_INACTIVE, MAC_A);
	rx(f, len);
	assert_up();
	len = ipv4(f, MCAST4, PEER_MAC, 17, IP_S, 0);
	rx(f, len);
	assert_int_equal(res.action, TC_ACT_SHOT);
	len = ipv4(f, BCAST, PEER_MAC, 17, IP_S, 0);
	rx(f, len);
	assert_int_equal(res.action, TC_ACT_SHOT);
	dpt_stats(1, &st);
	assert_int_equal(st.rx_dropped, 2);
}

static void test_rx_lacp(void **state)
{
	struct dp_slave_stats st;
	uint8_t f[128];
	size_t len = eth(f, LACP_MAC, PEER_MAC, 0x8809);

	memset(f + len, 0, 110);
	f[len] = 1;
	len = 124;
	rx_setup(DP_F_LACP, 0, MAC_A);
	rx(f, len);
	/* on to the slave's protocol handlers: the daemon's socket, bound
	 * to ETH_P_SLOW; not to the bond */
	assert_int_equal(res.action, TC_ACT_OK);
	assert_int_equal(res.out.n_out, 0);
	dpt_stats(1, &st);
	assert_int_equal(st.rx_packets, 1);
	assert_int_equal(st.rx_dropped, 0);
	/* other frames go up in 802.3ad */
	len = ipv4(f, BOND_MAC, PEER_MAC, 6, IP_S, 0);
	rx(f, len);
	assert_up();
	/* not 802.3ad: a slow frame is the host's like any other */
	len = eth(f, LACP_MAC, PEER_MAC, 0x8809);
	len = 124;
	rx_setup(0, 0, MAC_A);
	rx(f, len);
	assert_up();
}

static void test_rx_rewrite(void **state)
{
	uint8_t f[80];
	size_t len;

	/* to the slave's own MAC: the bond's MAC as destination */
	rx_setup(DP_F_RX_REWRITE, 0, MAC_B);
	len = ipv4(f, MAC_B, PEER_MAC, 6, IP_S, 0);
	rx(f, len);
	assert_up();
	assert_memory_equal(res.frame, BOND_MAC, 6);
	assert_memory_equal(res.frame + 6, f + 6, len - 6);
	assert_true(res.out.flags & DP_T_DMAC);
	assert_memory_equal(res.out.dmac, BOND_MAC, 6);
	/* to the bond's MAC, to another MAC, multicast: untouched */
	len = ipv4(f, BOND_MAC, PEER_MAC, 6, IP_S, 0);
	rx(f, len);
	assert_up();
	assert_memory_equal(res.frame, f, len);
	len = ipv4(f, MAC_C, PEER_MAC, 6, IP_S, 0);
	rx(f, len);
	assert_memory_equal(res.frame, f, len);
	assert_false(res.out.flags & DP_T_DMAC);
	len = ipv4(f, MCAST4, PEER_MAC, 17, IP_S, 0);
	rx(f, len);
	assert_memory_equal(res.frame, f, len);
	/* the slave wears the bond's MAC: nothing to rewrite */
	rx_setup(DP_F_RX_REWRITE, 0, BOND_MAC);
	len = ipv4(f, BOND_MAC, PEER_MAC, 6, IP_S, 0);
	rx(f, len);
	assert_up();
	assert_false(res.out.flags & DP_T_DMAC);
	/* without the flag (not tlb/alb): untouched */
	rx_setup(0, 0, MAC_B);
	len = ipv4(f, MAC_B, PEER_MAC, 6, IP_S, 0);
	rx(f, len);
	assert_up();
	assert_memory_equal(res.frame, f, len);
}

/* ---- bondctl flows: dp_flows ------------------------------------------- */

/* The program's key of frame (window win) is the core's key of the same
 * frame (core/flowtab.c, with a tag inline) on the slave the frame took. */
static void assert_key_is_core(const struct dp_flow_key *dk, uint32_t win, uint8_t fields,
			       const uint8_t *frame, size_t len, uint32_t ifindex)
{
	struct flow_key k;

	flow_key_from_frame(&k, fields, frame, len);
	assert_int_equal(dk->win, win);
	assert_int_equal(dk->ifindex, ifindex);
	assert_int_equal(dk->fields, k.fields);
	assert_int_equal(dk->family, k.family);
	assert_int_equal(dk->proto, k.proto);
	assert_int_equal(dk->tagged, k.tagged);
	assert_int_equal(dk->ethertype, k.ethertype);
	assert_int_equal(dk->vlan, k.vlan);
	assert_memory_equal(dk->smac, k.smac, 6);
	assert_memory_equal(dk->dmac, k.dmac, 6);
	assert_int_equal(dk->sport, k.sport);
	assert_int_equal(dk->dport, k.dport);
	assert_memory_equal(dk->src, k.src, 16);
	assert_memory_equal(dk->dst, k.dst, 16);
}

static void flows_cfg(uint8_t fields, uint32_t win, uint32_t sample)
{
	struct dp_flowctl fc = { .fields = fields, .win = win, .sample = sample };
	struct dp_cfg cfg;
	const uint32_t set[2] = { 1000001, 1000002 };

	dpt_reset();
	base_cfg(&cfg, DP_TX_HASH, 0);
	cfg.xmit_policy = XMIT_LAYER34;
	cfg.n_tx = 2;
	memcpy(cfg.tx, set, sizeof(set));
	dpt_set_cfg(&cfg);
	for (int i = 0; i < 2; i++)
		dpt_set_slave(set[i], DP_S_CAN_TX, MAC_A);
	dpt_set_flowctl(&fc);
}

/* bond_tx counts each frame it sends under the key the core would make,
 * with the slave it took, in the window dp_flowctl names; nothing with
 * fields 0. */
static void test_flows_map(void **state)
{
	const uint8_t l34 = FK_IP | FK_PROTO | FK_PORTS;
	struct dp_flow_key keys[8];
	struct dp_flow_val vals[8];
	uint8_t tcp[80], udp6[96], arpf[64], tagged[80];
	size_t lt = ipv4(tcp, PEER_MAC, BOND_MAC, 6, IP_D, 0);
	size_t l6 = ipv6(udp6, PEER_MAC, BOND_MAC, 17, 0x12, IP6_S, IP6_D);
	size_t la = arp(arpf);
	size_t lv = ipv4(tagged, PEER_MAC, BOND_MAC, 6, IP_D, 10);
	uint32_t tcp_slave, udp_slave;
	unsigned n;

	flows_cfg(l34, 0, 1);
	for (int i = 0; i < 3; i++)
		tx(tcp, lt);
	tcp_slave = res.out.out_ifindex[0];
	tx(udp6, l6);
	tx(udp6, l6);
	udp_slave = res.out.out_ifindex[0];
	/* not IP: the layer2 fields, as the hash falls back */
	tx(arpf, la);
	n = dpt_flows(keys, vals, 8);
	assert_int_equal(n, 3);
	for (unsigned i = 0; i < n; i++) {
		if (keys[i].family == 4) {
			assert_int_equal(vals[i].frames, 3);
			assert_int_equal(vals[i].bytes, 3 * lt);
			assert_key_is_core(&keys[i], 0, l34, tcp, lt, tcp_slave);
			assert_int_equal(keys[i].sport, 1234);
			assert_int_equal(keys[i].dport, 80);
		} else if (keys[i].family == 6) {
			assert_int_equal(vals[i].frames, 2);
			assert_int_equal(vals[i].bytes, 2 * l6);
			assert_key_is_core(&keys[i], 0, l34, udp6, l6, udp_slave);
		} else {
			assert_int_equal(keys[i].fields, FK_L2);
			assert_int_equal(keys[i].ethertype, 0x0806);
			assert_int_equal(vals[i].frames, 1);
			assert_key_is_core(&keys[i], 0, l34, arpf, la, res.out.out_ifindex[0]);
		}
	}

	/* the other window: a new entry beside the old one */
	flows_cfg(l34, 0, 1);
	tx(tcp, lt);
	{
		struct dp_flowctl fc = { .fields = l34, .win = 1, .sample = 1 };

		dpt_set_flowctl(&fc);
	}
	tx(tcp, lt);
	tx(tcp, lt);
	n = dpt_flows(keys, vals, 8);
	assert_int_equal(n, 2);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(vals[i].frames, keys[i].win ? 2 : 1);

	/* the modes that do not hash: the whole key; an out-of-band tag is
	 * the engine's inline tag (no IP read behind it) */
	flows_cfg(FK_FULL, 0, 1);
	dpt_run_vlan(tcp, lt, 0x8100, 10, &res);
	assert_int_equal(res.action, TC_ACT_REDIRECT);
	n = dpt_flows(keys, vals, 8);
	assert_int_equal(n, 1);
	assert_int_equal(keys[0].tagged, 1);
	assert_int_equal(keys[0].vlan, 10);
	assert_key_is_core(&keys[0], 0, FK_FULL, tagged, lv, res.out.out_ifindex[0]);
	/* the engine's length: the tag counts */
	assert_int_equal(vals[0].bytes, lt + 4);

	/* fields 0: nothing is recorded */
	flows_cfg(0, 0, 1);
	tx(tcp, lt);
	assert_int_equal(res.action, TC_ACT_REDIRECT);
	assert_int_equal(dpt_flows(keys, vals, 8), 0);
}

/* Sampling one frame in N (frames shorter than DP_FLOW_ALL_FROM): about
 * 1/N of the frames are drawn, each counted N times. */
static void test_flows_sample(void **state)
{
	const uint8_t l34 = FK_IP | FK_PROTO | FK_PORTS;
	const uint32_t reps = 80000;
	struct dp_flow_key keys[2];
	struct dp_flow_val vals[2];
	uint8_t tcp[80];
	size_t lt = ipv4(tcp, PEER_MAC, BOND_MAC, 6, IP_D, 0);

	flows_cfg(l34, 0, 8);
	(void)dpt_tx_ns(tcp, lt, reps);
	assert_int_equal(dpt_flows(keys, vals, 2), 1);
	/* each drawn frame counts for 8: 10000 draws expected, 5 standard
	 * deviations (~470) either way */
	printf("1 in 8 of %u frames: %llu estimated\n", reps, (unsigned long long)vals[0].frames);
	assert_int_equal(vals[0].frames % 8, 0);
	assert_true(vals[0].frames / 8 > 9500 && vals[0].frames / 8 < 10500);
	assert_int_equal(vals[0].bytes, vals[0].frames * lt);
}

/* bond_tx of the production object (no test recorders, direct reads) on
 * frame, repeat times, with dp_flowctl fc: the kernel's mean ns a run. */
static double prod_tx_ns(struct bpf_object *obj, const struct dp_flowctl *fc,
			 const uint8_t *frame, size_t len, uint32_t repeat)
{
	struct bpf_map *mc = bpf_object__find_map_by_name(obj, DP_MAP_CFG);
	struct bpf_map *ms = bpf_object__find_map_by_name(obj, DP_MAP_SLAVES);
	struct bpf_map *mf = bpf_object__find_map_by_name(obj, DP_MAP_FLOWCTL);
	struct bpf_map *mfl = bpf_object__find_map_by_name(obj, DP_MAP_FLOWS);
	struct bpf_program *p = bpf_object__find_program_by_name(obj, DP_PROG_TX);
	LIBBPF_OPTS(bpf_test_run_opts, o);
	const uint32_t set[2] = { 1000001, 1000002 };
	struct dp_flow_key k;
	struct __sk_buff ctx;
	struct dp_slave s;
	struct dp_cfg cfg;
	uint8_t out[256];
	uint32_t zero = 0;

	assert_non_null(mc);
	assert_non_null(ms);
	assert_non_null(mf);
	assert_non_null(mfl);
	assert_non_null(p);
	base_cfg(&cfg, DP_TX_HASH, 0);
	cfg.xmit_policy = XMIT_LAYER34;
	cfg.n_tx = 2;
	memcpy(cfg.tx, set, sizeof(set));
	memset(&s, 0, sizeof(s));
	s.flags = DP_S_CAN_TX;
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(mc), &zero, &cfg, BPF_ANY), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(bpf_map_update_elem(bpf_map__fd(ms), &set[i], &s, BPF_ANY), 0);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(mf), &zero, fc, BPF_ANY), 0);
	while (bpf_map_get_next_key(bpf_map__fd(mfl), NULL, &k) == 0)
		assert_int_equal(bpf_map_delete_elem(bpf_map__fd(mfl), &k), 0);
	memset(&ctx, 0, sizeof(ctx));
	o.data_in = frame;
	o.data_size_in = (uint32_t)len;
	o.data_out = out;
	o.data_size_out = sizeof(out);
	o.ctx_in = &ctx;
	o.ctx_size_in = sizeof(ctx);
	o.repeat = repeat;
	if (bpf_prog_test_run_opts(bpf_program__fd(p), &o))
		fail_msg("bpf_prog_test_run_opts(production %s): %s", DP_PROG_TX, strerror(errno));
	assert_int_equal(o.retval, TC_ACT_REDIRECT);
	if (fc->fields && fc->sample == 1) {
		struct dp_flow_key nk;
		int ncpu = libbpf_num_possible_cpus();
		struct dp_flow_val *v = calloc((size_t)ncpu, sizeof(*v));
		uint64_t frames = 0;

		assert_non_null(v);
		assert_int_equal(bpf_map_get_next_key(bpf_map__fd(mfl), NULL, &nk), 0);
		assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(mfl), &nk, v), 0);
		for (int c = 0; c < ncpu; c++)
			frames += v[c].frames;
		free(v);
		assert_int_equal(frames, repeat);
	}
	return (double)o.duration;
}

/* What counting costs bond_tx (balance-xor, layer3+4, one TCP flow):
 * the mean of many runs with the flow map off, on every frame, and on 1
 * frame in 8. Printed (docs/design.md "Flows" quotes it); checked only for
 * the count. */
static void test_flows_cost(void **state)
{
	const uint8_t l34 = FK_IP | FK_PROTO | FK_PORTS;
	const uint32_t reps = 200000;
	struct dp_flow_key keys[2];
	struct dp_flow_val vals[2];
	double off = 1e9, on = 1e9, s8 = 1e9;
	uint8_t tcp[80];
	size_t lt = ipv4(tcp, PEER_MAC, BOND_MAC, 6, IP_D, 0);

	/* the best of 5 runs each, alternated: the machine is shared */
	for (int r = 0; r < 5; r++) {
		double t;

		flows_cfg(0, 0, 1);
		t = dpt_tx_ns(tcp, lt, reps);
		if (t < off)
			off = t;
		flows_cfg(l34, 0, 1);
		t = dpt_tx_ns(tcp, lt, reps);
		if (t < on)
			on = t;
		assert_int_equal(dpt_flows(keys, vals, 2), 1);
		assert_int_equal(vals[0].frames, reps);
		flows_cfg(l34, 0, 8);
		t = dpt_tx_ns(tcp, lt, reps);
		if (t < s8)
			s8 = t;
	}
	printf("bond_tx (test build, balance-xor layer3+4, TCP/IPv4): %.0f ns a frame without "
	       "flows, %.0f ns counting every frame (+%.0f ns), %.0f ns counting 1 in 8 "
	       "(+%.0f ns)\n", off, on, on - off, s8, s8 - off);

	/* the same with the production object: what bondd runs */
	{
		LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "bond_dp");
		struct dp_flowctl f0 = { 0 }, f1 = { .fields = l34, .sample = 1 },
				  f8 = { .fields = l34, .sample = 8 };
		struct bpf_object *obj;

		off = on = s8 = 1e9;
		obj = bpf_object__open_mem(bondd_bpf_prod_obj, bondd_bpf_prod_obj_len, &oo);
		assert_non_null(obj);
		if (bpf_object__load(obj)) {
			bpf_object__close(obj);
			fail_msg("bpf_object__load(bond_dp.bpf.o) failed");
		}
		for (int r = 0; r < 5; r++) {
			double t = prod_tx_ns(obj, &f0, tcp, lt, reps);

			if (t < off)
				off = t;
			t = prod_tx_ns(obj, &f1, tcp, lt, reps);
			if (t < on)
				on = t;
			t = prod_tx_ns(obj, &f8, tcp, lt, reps);
			if (t < s8)
				s8 = t;
		}
		bpf_object__close(obj);
		printf("bond_tx (production, balance-xor layer3+4, TCP/IPv4): %.0f ns a frame without "
		       "flows, %.0f ns counting every frame (+%.0f ns), %.0f ns counting 1 in 8 "
		       "(+%.0f ns)\n", off, on, on - off, s8, s8 - off);
	}
}


/* ---- VLAN sub-interfaces: bond_vlan_tx, bond_rx ------------------------- */

/* The VLAN TAP of the tests: BPF_PROG_TEST_RUN runs a program on the
 * namespace's loopback device (ifindex 1), which stands for bond0.100. */
#define VTAP 1
#define VTAP_RX 77            /* where bond_rx sends VLAN 100's frames */
#define VID 100

/* The frame f (untagged, as the VLAN TAP gave it) with the tag of vid
 * inline: what the engine's bond_xmit_vlan() gets. */
static size_t tag_inline(uint8_t *out, const uint8_t *f, size_t len, uint16_t vid)
{
	memcpy(out, f, 12);
	out[12] = 0x81;
	out[13] = 0x00;
	out[14] = (uint8_t)(vid >> 8);
	out[15] = (uint8_t)vid;
	memcpy(out + 16, f + 12, len - 12);
	return len + 4;
}

/* The hash the kernel gives a frame of a VLAN device stacked on a bond
 * (core/hash.c xmit_hash_vlan on the frame with the tag inline). */
static uint32_t vlan_hash_want(uint32_t policy, const uint8_t *f, size_t len, uint16_t vid)
{
	uint8_t t[2048 + 4];

	return xmit_hash_vlan(policy, t, tag_inline(t, f, len, vid));
}

static void vlan_run(const uint8_t *f, size_t len)
{
	dpt_run(DPT_VLAN_TX, f, len, VTAP, &res);
}

/* It left tagged 802.1Q vid, out of band: the bytes are the TAP's. */
static void assert_tagged(const uint8_t *f, size_t len, uint16_t vid)
{
	assert_int_equal(res.out.vid, vid);
	assert_int_equal(res.out.vlan_present, 1);
	assert_int_equal(res.out.vlan_proto, 0x8100);
	assert_int_equal(res.out.vlan_tci, vid);
	assert_int_equal(res.len, len);
	assert_memory_equal(res.frame, f, len);
}

static void test_vlan_tx(void **state)
{
	struct dp_vlan_stats vs;
	struct dp_slave_stats st;
	struct dp_bond_stats bs;
	struct dp_cfg cfg;
	uint8_t f[80];
	size_t len = ipv4(f, PEER_MAC, BOND_MAC, 6, IP_D, 0);

	dpt_reset();
	base_cfg(&cfg, DP_TX_ACTIVE, 0);
	cfg.active_ifindex = 1000001;
	dpt_set_cfg(&cfg);
	dpt_set_slave(1000001, DP_S_CAN_TX, MAC_A);
	/* a TAP that is not a VLAN of the bond: dropped, counted */
	vlan_run(f, len);
	assert_int_equal(res.action, TC_ACT_SHOT);
	assert_int_equal(res.out.vid, 0);
	dpt_bstats(&bs);
	assert_int_equal(bs.tx_no_slave, 1);

	dpt_set_vlan(VID, VTAP);
	vlan_run(f, len);
	assert_sent_to(1000001);
	assert_tagged(f, len, VID);
	dpt_vstats(VID, &vs);
	assert_int_equal(vs.tx_packets, 1);
	assert_int_equal(vs.tx_bytes, len);
	assert_int_equal(vs.tx_dropped, 0);
	/* on the slave, the frame counts with its tag, as the engine's */
	dpt_stats(1000001, &st);
	assert_int_equal(st.tx_packets, 1);
	assert_int_equal(st.tx_bytes, len + 4);
	/* the highest VID */
	dpt_reset();
	dpt_set_cfg(&cfg);
	dpt_set_slave(1000001, DP_S_CAN_TX, MAC_A);
	dpt_set_vlan(4094, VTAP);
	vlan_run(f, len);
	assert_sent_to(1000001);
	assert_tagged(f, len, 4094);
	/* no slave: dropped, counted for the VLAN */
	cfg.active_ifindex = 0;
	dpt_set_cfg(&cfg);
	vlan_run(f, len);
	assert_int_equal(res.action, TC_ACT_SHOT);
	dpt_vstats(4094, &vs);
	assert_int_equal(vs.tx_packets, 1);
	assert_int_equal(vs.tx_dropped, 1);
	/* bond down: the same */
	cfg.active_ifindex = 1000001;
	cfg.flags = 0;
	dpt_set_cfg(&cfg);
	vlan_run(f, len);
	assert_int_equal(res.action, TC_ACT_SHOT);
	dpt_vstats(4094, &vs);
	assert_int_equal(vs.tx_dropped, 2);
}

/* balance-xor / 802.3ad: every policy, 1..5 slaves: the hash is
 * xmit_hash_vlan's (not the in-band one of a tagged frame written to the
 * bond), and the slave tx[hash % n]. */
static void test_vlan_tx_hash(void **state)
{
	struct dp_cfg cfg;
	uint8_t f[6][96];
	size_t len[6];
	unsigned differs_inband = 0, differs_vid = 0;

	len[0] = ipv4(f[0], PEER_MAC, BOND_MAC, 6, IP_D, 0);
	len[1] = ipv4(f[1], PEER_MAC, MAC_C, 17, IP_S, 0);
	len[2] = ipv6(f[2], PEER_MAC, BOND_MAC, 6, 0, IP6_S, IP6_D);
	len[3] = ipv6(f[3], ALLNODES, MAC_B, 58, 128, IP6_S, IP6_D);
	len[4] = arp(f[4]);
	len[5] = ipv4(f[5], PEER_MAC, BOND_MAC, 1, IP_D, 0);    /* ICMP */
	f[5][14 + 20] = 8;                                        /* echo */
	f[5][14 + 25] = 9;
	dpt_reset();
	base_cfg(&cfg, DP_TX_HASH, 0);
	for (uint32_t i = 0; i < 5; i++) {
		cfg.tx[i] = 301 + i;
		dpt_set_slave(301 + i, DP_S_CAN_TX, MAC_A);
	}
	for (uint16_t vid = 1; vid < 4095; vid += 1365) {
		dpt_reset();
		dpt_set_vlan(vid, VTAP);
		for (uint32_t p = 0; p < 6; p++) {
			for (int k = 0; k < 6; k++) {
				uint32_t want = vlan_hash_want(p, f[k], len[k], vid);
				uint8_t t[100];
				size_t tl = tag_inline(t, f[k], len[k], vid);

				differs_inband += want != xmit_hash(p, t, tl);
				differs_vid += want != vlan_hash_want(p, f[k], len[k], vid ^ 0x5);
				for (uint32_t n = 1; n <= 5; n++) {
					cfg.xmit_policy = p;
					cfg.n_tx = n;
					dpt_set_cfg(&cfg);
					vlan_run(f[k], len[k]);
					if (res.action != TC_ACT_REDIRECT || res.out.hash != want ||
					    !(res.out.flags & DP_T_HASHED) || res.out.n_out != 1 ||
					    res.out.out_ifindex[0] != cfg.tx[want % n])
						fail_msg("policy %u frame %d vid %u n %u: xmit_hash_vlan "
							 "0x%08x -> %u; bond_vlan_tx: action %d hash 0x%08x "
							 "ifindex %u", p, k, vid, n, want, cfg.tx[want % n],
							 res.action, res.out.hash,
							 res.out.n_out ? res.out.out_ifindex[0] : 0);
					assert_tagged(f[k], len[k], vid);
				}
			}
		}
	}
	/* the vectors would not tell the rules apart otherwise */
	printf("VLAN hash: %u of 108 (policy, frame, vid) differ from the in-band hash of the "
	       "same frame tagged, %u from the hash with another VID\n", differs_inband,
	       differs_vid);
	assert_true(differs_inband > 0);
	assert_true(differs_vid > 0);
}

/* The other modes: the rules read the frame as the engine reads it with
 * the tag inline (bond_xmit_vlan), only the hash is the VLAN one. */
static void test_vlan_tx_modes(void **state)
{
	struct dp_vlan_stats vs;
	struct dp_bond_stats bs;
	struct dp_cfg cfg;
	uint8_t f[80];
	size_t len = ipv4(f, PEER_MAC, BOND_MAC, 6, IP_D, 0);
	uint32_t h = vlan_hash_want(XMIT_LAYER34, f, len, VID), b = h & 0xff;
	const uint32_t set[3] = { 1, 1000002, 1000003 };

	/* balance-tlb: the VLAN hash's bucket; a bucket without a slave
	 * leaves the frame to the daemon, untagged again */
	tlb_setup(DP_TX_TLB, 0, 20);
	dpt_set_vlan(VID, VTAP);
	vlan_run(f, len);
	assert_int_equal(res.action, TC_ACT_OK);
	assert_int_equal(res.out.bucket, b);
	assert_int_equal(res.out.hash, h);
	assert_int_equal(res.out.vlan_present, 0);
	assert_memory_equal(res.frame, f, len);
	dpt_vstats(VID, &vs);
	assert_int_equal(vs.tx_to_daemon, 1);
	assert_int_equal(vs.tx_packets, 0);
	dpt_bstats(&bs);
	assert_int_equal(bs.tx_to_daemon, 1);
	dpt_set_bucket(b, 21);
	vlan_run(f, len);
	assert_sent_to(21);
	assert_int_equal(res.out.vlan_tci, VID);
	assert_src_mac(MAC_B);
	/* the bucket's load is the frame on the wire, tag included */
	assert_int_equal(dpt_bucket_bytes(b), len + 4);
	/* a neighbour solicitation from the VLAN is unbalanced */
	len = ipv6(f, PEER_MAC, BOND_MAC, 58, 135, IP6_S, IP6_D);
	vlan_run(f, len);
	assert_sent_to(20);
	assert_int_equal(res.out.vlan_tci, VID);

	/* balance-alb: the VLAN's ARP is the engine's, untagged in the queue */
	tlb_setup(DP_TX_ALB, DP_F_ALB, 20);
	dpt_set_vlan(VID, VTAP);
	len = arp(f);
	vlan_run(f, len);
	assert_int_equal(res.action, TC_ACT_OK);
	assert_int_equal(res.out.vlan_present, 0);
	assert_memory_equal(res.frame, f, len);
	dpt_vstats(VID, &vs);
	assert_int_equal(vs.tx_to_daemon, 1);

	/* broadcast: a tagged copy on each slave */
	dpt_reset();
	base_cfg(&cfg, DP_TX_BCAST, 0);
	cfg.n_tx = 3;
	memcpy(cfg.tx, set, sizeof(set));
	dpt_set_cfg(&cfg);
	dpt_set_vlan(VID, VTAP);
	len = ipv4(f, BCAST, BOND_MAC, 17, IP_D, 0);
	vlan_run(f, len);
	assert_int_equal(res.action, TC_ACT_REDIRECT);
	assert_int_equal(res.out.n_out, 3);
	assert_int_equal(res.out.out_ifindex[2], 1000003);
	assert_tagged(f, len, VID);
	dpt_vstats(VID, &vs);
	assert_int_equal(vs.tx_packets, 1);

	/* balance-rr: an IGMP report from a VLAN leaves on the IGMP slave, as
	 * the engine's rr_xmit looks past a VLAN sub-interface's tag; other
	 * frames are striped */
	dpt_reset();
	base_cfg(&cfg, DP_TX_RR, 0);
	cfg.packets_per_slave = 1;
	cfg.n_slaves = 2;
	cfg.rr_map[0] = 1000002;
	cfg.rr_map[1] = 1000003;
	cfg.active_ifindex = 1000002;
	dpt_set_cfg(&cfg);
	dpt_set_rr(0);
	dpt_set_vlan(VID, VTAP);
	len = ipv4(f, MCAST4, BOND_MAC, 2, IP_D, 0);
	vlan_run(f, len);
	assert_sent_to(1000002);
	vlan_run(f, len);
	assert_sent_to(1000002);
	assert_tagged(f, len, VID);
	len = ipv4(f, MCAST4, BOND_MAC, 17, IP_D, 0);
	vlan_run(f, len);
	assert_sent_to(1000003);
	vlan_run(f, len);
	assert_sent_to(1000002);
	/* the same IGMP report written to the bond with its tag inline is
	 * striped like any frame */
	{
		uint8_t t[100];
		size_t tl;

		len = ipv4(f, MCAST4, BOND_MAC, 2, IP_D, 0);
		tl = tag_inline(t, f, len, VID);
		tx(t, tl);
		assert_sent_to(1000003);
	}
}

static void test_vlan_rx(void **state)
{
	struct dp_vlan_stats vs;
	struct dp_slave_stats st;
	uint8_t f[96], plain[96];
	size_t len, plen;

	rx_setup(0, 0, MAC_A);
	dpt_set_vlan(VID, VTAP_RX);
	plen = ipv4(plain, BOND_MAC, PEER_MAC, 6, IP_S, 0);
	/* tag inline (as BPF_PROG_TEST_RUN hands it): popped, to the VLAN */
	len = tag_inline(f, plain, plen, VID);
	rx(f, len);
	assert_int_equal(res.action, TC_ACT_REDIRECT);
	assert_int_equal(res.out.n_out, 1);
	assert_int_equal(res.out.out_ifindex[0], VTAP_RX);
	assert_int_equal(res.out.vid, VID);
	assert_int_equal(res.out.vlan_present, 0);
	assert_int_equal(res.len, plen);
	assert_memory_equal(res.frame, plain, plen);
	dpt_vstats(VID, &vs);
	assert_int_equal(vs.rx_packets, 1);
	assert_int_equal(vs.rx_bytes, plen);
	dpt_stats(1, &st);
	assert_int_equal(st.rx_packets, 1);
	assert_int_equal(st.rx_bytes, len);
	/* out of band (as the receive path hands it to tc), priority bits
	 * set: popped, the bytes untouched */
	dpt_run_rx_vlan(plain, plen, 1, 0x8100, 0xa000 | VID, &res);
	assert_int_equal(res.action, TC_ACT_REDIRECT);
	assert_int_equal(res.out.out_ifindex[0], VTAP_RX);
	assert_int_equal(res.out.vlan_present, 0);
	assert_memory_equal(res.frame, plain, plen);
	dpt_vstats(VID, &vs);
	assert_int_equal(vs.rx_packets, 2);
	/* a VID without a sub-interface: to the bond's TAP, tag and all */
	len = tag_inline(f, plain, plen, 200);
	rx(f, len);
	assert_up();
	assert_int_equal(res.out.vid, 0);
	assert_int_equal(res.len, len);
	assert_memory_equal(res.frame, f, len);
	dpt_run_rx_vlan(plain, plen, 1, 0x8100, 200, &res);
	assert_up();
	assert_int_equal(res.out.vlan_present, 1);
	assert_int_equal(res.out.vlan_tci, 200);
	/* 802.1ad with VLAN 100's VID, and a priority tag: not the VLAN's */
	dpt_run_rx_vlan(plain, plen, 1, 0x88a8, VID, &res);
	assert_up();
	assert_int_equal(res.out.vlan_present, 1);
	assert_int_equal(res.out.vlan_proto, 0x88a8);
	len = tag_inline(f, plain, plen, 0);
	rx(f, len);
	assert_up();
	assert_memory_equal(res.frame, f, len);
	/* untagged: the bond's */
	rx(plain, plen);
	assert_up();
	dpt_vstats(VID, &vs);
	assert_int_equal(vs.rx_packets, 2);
	/* the mode's receive rule first: an inactive slave drops it */
	rx_setup(0, DP_S_INACTIVE, MAC_A);
	dpt_set_vlan(VID, VTAP_RX);
	len = tag_inline(f, plain, plen, VID);
	rx(f, len);
	assert_int_equal(res.action, TC_ACT_SHOT);
	dpt_vstats(VID, &vs);
	assert_int_equal(vs.rx_packets, 0);
	/* tlb/alb's receive rewrite applies to the VLAN's frames too */
	rx_setup(DP_F_RX_REWRITE, 0, MAC_B);
	dpt_set_vlan(VID, VTAP_RX);
	plen = ipv4(plain, MAC_B, PEER_MAC, 6, IP_S, 0);
	len = tag_inline(f, plain, plen, VID);
	rx(f, len);
	assert_int_equal(res.out.out_ifindex[0], VTAP_RX);
	assert_int_equal(res.len, plen);
	assert_memory_equal(res.frame, BOND_MAC, 6);
	assert_memory_equal(res.frame + 6, plain + 6, plen - 6);
	/* the bond's TAP not there yet: the VLAN still gets its frames */
	{
		struct dp_cfg cfg;

		rx_setup(0, 0, MAC_A);
		base_cfg(&cfg, DP_TX_ACTIVE, 0);
		dpt_set_cfg(&cfg);
		dpt_set_vlan(VID, VTAP_RX);
		rx(f, len);
		assert_int_equal(res.action, TC_ACT_REDIRECT);
		assert_int_equal(res.out.out_ifindex[0], VTAP_RX);
	}
}

/* bondctl flows: a VLAN sub-interface's frame is counted under the key
 * flowtab.c flow_key_from_frame_vlan makes of it (the VID, the IP fields
 * behind the tag), on the slave it took; the same bytes written to the
 * bond with the tag inline keep the in-band key (L2 only). */
static void test_vlan_flows(void **state)
{
	const uint8_t want = FK_L2 | FK_VLAN | FK_IP | FK_PROTO | FK_PORTS;
	struct dp_flow_key keys[4];
	struct dp_flow_val vals[4];
	struct flow_key k;
	uint8_t f[80], t[84];
	size_t len = ipv4(f, PEER_MAC, BOND_MAC, 6, IP_D, 0), tl = tag_inline(t, f, len, VID);
	uint32_t slave;

	flows_cfg(want, 1, 1);
	dpt_set_vlan(VID, VTAP);
	vlan_run(f, len);
	vlan_run(f, len);
	slave = res.out.out_ifindex[0];
	assert_int_equal(dpt_flows(keys, vals, 4), 1);
	assert_int_equal(keys[0].win, 1);
	assert_int_equal(keys[0].ifindex, slave);
	flow_key_from_frame_vlan(&k, want, t, tl);
	assert_int_equal(k.family, 4);          /* the rule that was meant */
	assert_int_equal(keys[0].fields, k.fields);
	assert_int_equal(keys[0].family, k.family);
	assert_int_equal(keys[0].proto, k.proto);
	assert_int_equal(keys[0].tagged, 1);
	assert_int_equal(keys[0].vlan, VID);
	assert_int_equal(keys[0].ethertype, k.ethertype);
	assert_memory_equal(keys[0].smac, k.smac, 6);
	assert_memory_equal(keys[0].dmac, k.dmac, 6);
	assert_int_equal(keys[0].sport, k.sport);
	assert_int_equal(keys[0].dport, k.dport);
	assert_memory_equal(keys[0].src, k.src, 16);
	assert_memory_equal(keys[0].dst, k.dst, 16);
	/* the counts are the frames on the wire, tag included */
	assert_int_equal(vals[0].frames, 2);
	assert_int_equal(vals[0].bytes, 2 * tl);
	/* written to the bond tagged: the in-band key */
	flows_cfg(want, 0, 1);
	tx(t, tl);
	assert_int_equal(dpt_flows(keys, vals, 4), 1);
	assert_key_is_core(&keys[0], 0, want, t, tl, res.out.out_ifindex[0]);
	assert_int_equal(keys[0].family, 0);
}

/* A program of the production object on frame from ifindex: the
 * kernel's mean ns a run over `calls` runs of one each. Not one run
 * repeated: BPF_PROG_TEST_RUN repeats on the same skb, which bond_vlan_tx
 * leaves tagged (the next run would push a second tag) and bond_rx leaves
 * untagged. Each run's time then includes one clock read, the same for
 * every program compared. */
static double prod_ns(struct bpf_object *obj, const char *prog, uint32_t ifindex,
		      const uint8_t *frame, size_t len, uint32_t calls)
{
	struct bpf_program *p = bpf_object__find_program_by_name(obj, prog);
	double sum = 0;

	assert_non_null(p);
	for (uint32_t i = 0; i < calls; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, o);
		struct __sk_buff ctx;
		uint8_t out[256];

		memset(&ctx, 0, sizeof(ctx));
		ctx.ifindex = ifindex;
		o.data_in = frame;
		o.data_size_in = (uint32_t)len;
		o.data_out = out;
		o.data_size_out = sizeof(out);
		o.ctx_in = &ctx;
		o.ctx_size_in = sizeof(ctx);
		o.repeat = 1;
		if (bpf_prog_test_run_opts(bpf_program__fd(p), &o))
			fail_msg("bpf_prog_test_run_opts(production %s): %s", prog,
				 strerror(errno));
		assert_int_equal(o.retval, TC_ACT_REDIRECT);
		sum += o.duration;
	}
	return sum / calls;
}

/* What the VLAN costs a frame: bond_vlan_tx against bond_tx on the same
 * TCP/IPv4 frame (balance-xor layer3+4 and active-backup), and bond_rx
 * with the tag popped against an untagged frame, production object, the
 * best of 5 alternated series of 20000 runs. Printed for docs/design.md; checked only for
 * the verdicts. */
static void test_vlan_cost(void **state)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "bond_dp");
	const uint32_t reps = 20000, set[2] = { 1000001, 1000002 };
	const struct dp_vlan vl = { VTAP_RX, 3 };
	const struct dp_vlan_if vi = { VID, 3 };
	uint32_t zero = 0, key, val, n;
	double t_tx[2] = { 1e9, 1e9 }, t_vtx[2] = { 1e9, 1e9 }, t_rx = 1e9, t_vrx = 1e9;
	struct bpf_object *obj;
	struct dp_slave s;
	struct dp_cfg cfg;
	uint8_t f[80], tagged[84];
	size_t len = ipv4(f, PEER_MAC, BOND_MAC, 6, IP_D, 0), tlen;
	void *pc;

	obj = bpf_object__open_mem(bondd_bpf_prod_obj, bondd_bpf_prod_obj_len, &oo);
	assert_non_null(obj);
	if (bpf_object__load(obj)) {
		bpf_object__close(obj);
		fail_msg("bpf_object__load(bond_dp.bpf.o) failed");
	}
	memset(&s, 0, sizeof(s));
	s.flags = DP_S_CAN_TX;
	for (int i = 0; i < 2; i++)
		assert_int_equal(bpf_map_update_elem(bpf_map__fd(bpf_object__find_map_by_name(obj,
			DP_MAP_SLAVES)), &set[i], &s, BPF_ANY), 0);
	key = 1;    /* bond_rx's slave: the loopback device */
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(bpf_object__find_map_by_name(obj,
		DP_MAP_SLAVES)), &key, &s, BPF_ANY), 0);
	key = VTAP;
	val = VID;
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(bpf_object__find_map_by_name(obj,
		DP_MAP_VLAN_IFS)), &key, &vi, BPF_ANY), 0);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(bpf_object__find_map_by_name(obj,
		DP_MAP_VLANS)), &val, &vl, BPF_ANY), 0);
	n = (uint32_t)libbpf_num_possible_cpus();
	pc = calloc(n, sizeof(struct dp_vlan_stats));
	assert_non_null(pc);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(bpf_object__find_map_by_name(obj,
		DP_MAP_VSTATS)), &vi.slot, pc, BPF_ANY), 0);
	free(pc);
	tlen = tag_inline(tagged, f, len, VID);
	for (int r = 0; r < 5; r++) {
		for (int m = 0; m < 2; m++) {
			double t;

			base_cfg(&cfg, m ? DP_TX_ACTIVE : DP_TX_HASH, 0);
			cfg.xmit_policy = XMIT_LAYER34;
			cfg.n_tx = 2;
			memcpy(cfg.tx, set, sizeof(set));
			cfg.active_ifindex = set[0];
			cfg.tap_ifindex = 4242;
			assert_int_equal(bpf_map_update_elem(bpf_map__fd(
				bpf_object__find_map_by_name(obj, DP_MAP_CFG)), &zero, &cfg, BPF_ANY), 0);
			t = prod_ns(obj, DP_PROG_TX, 0, f, len, reps);
			if (t < t_tx[m])
				t_tx[m] = t;
			t = prod_ns(obj, DP_PROG_VLAN_TX, VTAP, f, len, reps);
			if (t < t_vtx[m])
				t_vtx[m] = t;
		}
		{
			double t = prod_ns(obj, DP_PROG_RX, 1, f, len, reps);

			if (t < t_rx)
				t_rx = t;
			t = prod_ns(obj, DP_PROG_RX, 1, tagged, tlen, reps);
			if (t < t_vrx)
				t_vrx = t;
		}
	}
	bpf_object__close(obj);
	printf("bond_vlan_tx vs bond_tx (production, TCP/IPv4): balance-xor layer3+4 %.0f vs %.0f "
	       "ns a frame (%+.0f ns), active-backup %.0f vs %.0f ns (%+.0f ns); bond_rx to the "
	       "VLAN (tag inline, popped) %.0f vs untagged to the bond %.0f ns (%+.0f ns)\n",
	       t_vtx[0], t_tx[0], t_vtx[0] - t_tx[0], t_vtx[1], t_tx[1], t_vtx[1] - t_tx[1],
	       t_vrx, t_rx, t_vrx - t_rx);
}

int main(void)
{
	const struct CMUnitTest modes[] = {
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_load_production),
		cmocka_unit_test(test_flows_map),
		cmocka_unit_test(test_flows_sample),
		cmocka_unit_test(test_flows_cost),
		cmocka_unit_test(test_down),
		cmocka_unit_test(test_no_slave),
		cmocka_unit_test(test_active_backup),
		cmocka_unit_test(test_queue_override),
		cmocka_unit_test(test_rr_pps1),
		cmocka_unit_test(test_rr_pps3),
		cmocka_unit_test(test_rr_random),
		cmocka_unit_test(test_rr_igmp),
		cmocka_unit_test(test_broadcast),
		cmocka_unit_test(test_hash_tagged),
		cmocka_unit_test(test_bcast_neigh),
		cmocka_unit_test(test_tlb_buckets),
		cmocka_unit_test(test_tlb_unbalanced),
		cmocka_unit_test(test_tlb_hashed),
		cmocka_unit_test(test_alb),
		cmocka_unit_test(test_rx_counts),
		cmocka_unit_test(test_rx_inactive),
		cmocka_unit_test(test_rx_lacp),
		cmocka_unit_test(test_rx_rewrite),
		cmocka_unit_test(test_vlan_tx),
		cmocka_unit_test(test_vlan_tx_hash),
		cmocka_unit_test(test_vlan_tx_modes),
		cmocka_unit_test(test_vlan_rx),
		cmocka_unit_test(test_vlan_flows),
		cmocka_unit_test(test_vlan_cost),
	};
	int failed;

	failed = cmocka_run_group_tests_name("bpf_modes", modes, NULL, NULL);
	/* Every case of tests/unit/test_hash.c, each frame also through
	 * bond_tx (hash_vectors.c). */
	dpt_reset();
	failed += test_hash_main();
	/* Again through the helper path of dp_hash.h's reads. */
	dpt_set_direct(0);
	failed += test_hash_main();
	dpt_set_direct(1);
	printf("hash vectors: %lu runs of bond_tx checked against core/hash.c; "
	       "%lu frames refused by BPF_PROG_TEST_RUN (cut inside the Ethernet "
	       "or IP header), not run\n", bpf_hash_probes(), bpf_hash_refused());
	printf("hash vectors from a VLAN sub-interface: %lu runs of dp_xmit_hash_vlan "
	       "checked against core/hash.c xmit_hash_vlan\n", hv_runs());
	hv_close();
	return failed ? 1 : 0;
}
