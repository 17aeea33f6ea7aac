/* VLAN sub-interfaces in the engine (engine.h bond_vlan_*, bond_xmit_vlan):
 * the per-bond table, the transmit hash of a VLAN device's frames (the
 * tag out of band, hash.h xmit_hash_vlan) in every mode that hashes, and
 * the frames the engine makes itself for the VLANs (peer notification,
 * ARP/NS monitor probes, alb learning packets, multicast reports), checked
 * byte by byte under the harness's virtual clock. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "engine_harness.h"
#include "core/actions.h"
#include "core/flowtab.h"
#include "core/hash.h"
#include "core/mcast_rejoin.h"
#include "core/mode.h"
#include "core/status.h"

static struct harness H;

static int setup(void **state)
{
	h_init(&H);
	return 0;
}

static int teardown(void **state)
{
	h_fini(&H);
	return 0;
}

/* 192.0.2.x and 198.51.100.x in network order */
static uint32_t ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	uint32_t v;
	uint8_t p[4] = { a, b, c, d };

	memcpy(&v, p, 4);
	return v;
}

/* ---- the table ---------------------------------------------------------- */

static void test_table_add_del(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode active-backup miimon 100");
	struct err err = { 0 };
	uint32_t a = ip4(198, 51, 100, 1);
	uint8_t plen = 24;

	assert_int_equal(bond_vlan_count(b), 0);
	assert_null(bond_vlan_at(b, 0));
	/* VID range: 0 and 4095 are reserved, as for `ip link add ... type vlan` */
	assert_int_equal(bond_vlan_add(b, 0, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "out of range"));
	assert_int_equal(bond_vlan_add(b, 4095, &err), -EINVAL);
	assert_int_equal(bond_vlan_count(b), 0);
	assert_int_equal(bond_vlan_add(b, 100, &err), 0);
	assert_int_equal(bond_vlan_add(b, 4094, &err), 0);
	assert_int_equal(bond_vlan_add(b, 1, &err), 0);
	assert_int_equal(bond_vlan_add(b, 100, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "VLAN 100 already exists"));
	/* in the order added */
	assert_int_equal(bond_vlan_count(b), 3);
	assert_int_equal(bond_vlan_at(b, 0)->vid, 100);
	assert_int_equal(bond_vlan_at(b, 1)->vid, 4094);
	assert_int_equal(bond_vlan_at(b, 2)->vid, 1);
	assert_null(bond_vlan_at(b, 3));

	/* addresses: only on a VLAN that exists */
	assert_int_equal(bond_vlan_set_addrs(b, 200, &a, &plen, 1, NULL, 0), -ENOENT);
	assert_int_equal(bond_vlan_set_addrs(b, 4094, &a, &plen, 1, NULL, 0), 0);
	assert_int_equal(bond_vlan_find(b, 4094)->n_ipv4, 1);
	assert_int_equal(bond_vlan_find(b, 4094)->ipv4[0], a);
	assert_int_equal(bond_vlan_find(b, 4094)->ipv4_prefix[0], 24);
	assert_int_equal(bond_vlan_find(b, 100)->n_ipv4, 0);

	/* delete keeps the others, in order, with their addresses */
	/* the status model lists them, in order, all up */
	{
		static struct bond_status st;

		status_fill(b, &st);
		assert_int_equal(st.n_vlans, 3);
		assert_int_equal(st.vlan_vid[0], 100);
		assert_int_equal(st.vlan_vid[1], 4094);
		assert_int_equal(st.vlan_vid[2], 1);
		assert_true(st.vlan_up[0] && st.vlan_up[1] && st.vlan_up[2]);
		status_free(&st);
		assert_int_equal(bond_vlan_set_up(b, 4094, false), 0);
		status_fill(b, &st);
		assert_false(st.vlan_up[1]);
		assert_true(st.vlan_up[0]);
		status_free(&st);
		assert_int_equal(bond_vlan_set_up(b, 4094, true), 0);
	}

	assert_false(bond_vlan_del(b, 200));
	assert_true(bond_vlan_del(b, 100));
	assert_false(bond_vlan_del(b, 100));
	assert_int_equal(bond_vlan_count(b), 2);
	assert_int_equal(bond_vlan_at(b, 0)->vid, 4094);
	assert_int_equal(bond_vlan_at(b, 0)->ipv4[0], a);
	assert_int_equal(bond_vlan_at(b, 1)->vid, 1);
	assert_null(bond_vlan_find(b, 100));
}

static void test_table_full(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode active-backup miimon 100");
	struct err err = { 0 };

	for (unsigned v = 1; v <= BOND_MAX_VLANS; v++)
		assert_int_equal(bond_vlan_add(b, (uint16_t)v, &err), 0);
	assert_int_equal(bond_vlan_count(b), BOND_MAX_VLANS);
	assert_int_equal(bond_vlan_add(b, 1000, &err), -ENOSPC);
	assert_non_null(strstr(err.msg, "too many VLANs"));
	assert_int_equal(bond_vlan_count(b), BOND_MAX_VLANS);
	assert_null(bond_vlan_find(b, 1000));
	/* the last added is still found after the array grew */
	assert_non_null(bond_vlan_find(b, BOND_MAX_VLANS));
	assert_true(bond_vlan_del(b, 1));
	assert_int_equal(bond_vlan_add(b, 1000, &err), 0);
}

/* ---- transmit hash ------------------------------------------------------ */

/* A VLAN 10 frame as the VLAN TAP gives it, tag inline: UDP 192.0.2.1:sport
 * -> 192.0.2.10:80, 64 bytes. */
static size_t vlan_udp_frame(uint8_t *f, uint16_t sport, uint16_t tci)
{
	uint8_t plain[60];

	h_udp_frame(plain, sport);
	memcpy(f, plain, 12);
	f[12] = 0x81;
	f[13] = 0x00;
	f[14] = (uint8_t)(tci >> 8);
	f[15] = (uint8_t)tci;
	memcpy(f + 16, plain + 12, 48);
	return 64;
}

/* Which slave each of 64 flows takes, bond_xmit_vlan against the slave
 * index the out-of-band rule gives: usable[xmit_hash_vlan % n]. The
 * in-band rule gives every one of these frames the same hash (layer2 of
 * type 0x8100), so the flows spreading over both slaves also shows that
 * the out-of-band rule ran. */
static void check_vlan_placement(struct bond *b, uint32_t policy)
{
	unsigned per_slave[2] = { 0 };

	assert_int_equal(b->n_usable, 2);
	for (uint16_t sp = 1000; sp < 1064; sp++) {
		uint8_t f[64];
		size_t len = vlan_udp_frame(f, sp, 10);
		unsigned from = H.ntx;
		uint32_t h = xmit_hash_vlan(policy, f, len);
		struct slave *want = b->usable[h % 2];

		bond_xmit_vlan(b, f, len, NULL, H.now);
		assert_int_equal(H.ntx, from + 1);
		assert_ptr_equal(H.tx[from].s, want);
		/* the frame leaves with its tag, unchanged (tlb writes the
		 * slave's own MAC as source on a slave that is not active) */
		assert_int_equal(H.tx[from].len, len);
		assert_memory_equal(H.tx[from].frame, f, 6);
		assert_memory_equal(H.tx[from].frame + 12, f + 12, len - 12);
		per_slave[want == b->usable[1]]++;
		/* the flag does not outlive the call */
		assert_false(b->xmit_oob_tag);
	}
	assert_true(per_slave[0] > 0 && per_slave[1] > 0);
}

static void test_xor_l34_vlan_frames(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-xor miimon 100 "
				"xmit_hash_policy layer3+4");

	h_enslave(&H, b, "eth0", 1);
	h_enslave(&H, b, "eth1", 2);
	check_vlan_placement(b, XMIT_LAYER34);
}

/* Two 802.3ad bonds of one engine wired port to port: every LACPDU one
 * port sends reaches its peer within the 10 ms step, for secs seconds. */
static void lacp_wire(struct slave *const a[2], struct slave *const z[2], unsigned secs)
{
	for (unsigned t = 0; t < secs * 100; t++) {
		unsigned from = H.ntx;

		h_advance(&H, 10);
		for (unsigned i = from; i < H.ntx; i++) {
			const struct h_tx *x = &H.tx[i];

			if (x->frame[12] != 0x88 || x->frame[13] != 0x09)
				continue;
			for (unsigned k = 0; k < 2; k++) {
				if (x->s == a[k])
					slave_receive(z[k], x->frame, x->len, NULL, H.now);
				else if (x->s == z[k])
					slave_receive(a[k], x->frame, x->len, NULL, H.now);
			}
		}
	}
}

static void test_8023ad_encap34_vlan_frames(void **state)
{
	const char *opts = "mode 802.3ad miimon 100 lacp_rate fast xmit_hash_policy encap3+4";
	struct bond *b = h_bond(&H, "bond0", opts), *p = h_bond(&H, "bond1", opts);
	struct slave *a[2], *z[2];

	a[0] = h_enslave(&H, b, "eth0", 1);
	a[1] = h_enslave(&H, b, "eth1", 2);
	z[0] = h_enslave(&H, p, "eth2", 3);
	z[1] = h_enslave(&H, p, "eth3", 4);
	/* the aggregator selection timer of a bond enslaved while open
	 * (8 s), then the mux: both ports distribute */
	lacp_wire(a, z, 12);
	check_vlan_placement(b, XMIT_ENCAP34);
}

static void test_tlb_static_vlan_frames(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-tlb miimon 100 "
				"tlb_dynamic_lb 0 xmit_hash_policy layer3+4");

	h_enslave(&H, b, "eth0", 1);
	h_enslave(&H, b, "eth1", 2);
	check_vlan_placement(b, XMIT_LAYER34);
}

/* vlan+srcmac: one source MAC, so only the VID can spread the VLANs. */
static void test_srcmac_spreads_vlans(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-xor miimon 100 "
				"xmit_hash_policy vlan+srcmac");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	uint8_t f[64];
	/* src 02:00:00:00:00:01: vendor 0x020000 ^ dev 0x000001 = 0x020001;
	 * VID 10: 0x02000b, even -> usable[1] (eth1); VID 11: 0x02000a -> eth0 */
	size_t len = vlan_udp_frame(f, 1000, 10);
	unsigned from = H.ntx;

	bond_xmit_vlan(b, f, len, NULL, H.now);
	len = vlan_udp_frame(f, 1000, 11);
	bond_xmit_vlan(b, f, len, NULL, H.now);
	assert_int_equal(H.ntx, from + 2);
	assert_ptr_equal(H.tx[from].s, e1);
	assert_ptr_equal(H.tx[from + 1].s, e0);
	/* The same bytes written to the bond itself: in band, VLAN term 0:
	 * 0x020001 odd -> eth1 for both. */
	h_xmit(&H, b, f, len);
	assert_ptr_equal(H.tx[from + 2].s, e1);
}

/* `bondctl hash`: the explanation of a VLAN frame is made with the
 * out-of-band rule, and says so. */
static void test_explain_vlan(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-xor miimon 100 "
				"xmit_hash_policy layer2");
	struct tx_explain ex;
	uint8_t f[64];
	size_t len = vlan_udp_frame(f, 1000, 10);

	h_enslave(&H, b, "eth0", 1);
	h_enslave(&H, b, "eth1", 2);
	bond_explain_tx_vlan(b, f, len, &ex);
	assert_true(ex.hashed);
	/* layer2 of the untagged frame: 0xaa ^ 0x01 ^ 0x0800 = 0x08ab */
	assert_int_equal(ex.hash, 0x08ab);
	assert_non_null(strstr(ex.how.why, "out-of-band"));
	assert_false(b->xmit_oob_tag);
	bond_explain_tx(b, f, len, &ex);
	/* in band: 0xaa ^ 0x01 ^ 0x8100 = 0x81ab */
	assert_int_equal(ex.hash, 0x81ab);
}

/* `bondctl flows`: the key of a VLAN sub-interface's frame holds what
 * the out-of-band rule hashes (the UDP flow after the tag); the same bytes
 * written to the bond keep only the layer2 fields, as the in-band rule. */
static void test_flow_key_vlan(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-xor miimon 100 "
				"xmit_hash_policy layer3+4");
	uint8_t f[64];
	size_t len = vlan_udp_frame(f, 1000, 10);
	struct flow_key k;
	char w[256];

	flow_key_from_frame_vlan(&k, flow_fields(b), f, len);
	assert_int_equal(k.fields, FK_IP | FK_PROTO | FK_PORTS);
	assert_int_equal(k.family, 4);
	assert_int_equal(k.proto, 17);
	assert_int_equal(k.sport, 1000);
	assert_int_equal(k.dport, 80);
	assert_memory_equal(k.src, "\xc0\x00\x02\x01", 4);
	assert_memory_equal(k.dst, "\xc0\x00\x02\x0a", 4);
	flow_key_words(&k, w, sizeof(w));
	assert_non_null(strstr(w, "sport 1000 dport 80"));
	/* vlan+srcmac: the VID is a field of the key */
	flow_key_from_frame_vlan(&k, flow_fields_policy(XMIT_VLAN_SRCMAC), f, len);
	assert_true(k.tagged);
	assert_int_equal(k.vlan, 10);
	/* in band: not IP, the layer2 fallback's fields */
	flow_key_from_frame(&k, flow_fields(b), f, len);
	assert_int_equal(k.family, 0);
	assert_int_equal(k.fields & FK_IP, 0);
	/* outside a VLAN transmit, bond_flow_key is the in-band key */
	bond_flow_key(b, &k, f, len);
	assert_int_equal(k.family, 0);
}

/* ---- frames the engine makes for the VLANs ------------------------------- */

static const uint8_t BOND6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
static const uint8_t V100_6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x64, [15] = 0x01 };

static bool tagged(const uint8_t *f, uint16_t vid, uint16_t type)
{
	return f[12] == 0x81 && f[13] == 0x00 && f[14] == (vid >> 8) && f[15] == (vid & 0xff) &&
	       f[16] == (type >> 8) && f[17] == (type & 0xff);
}

static bool untagged(const uint8_t *f, uint16_t type)
{
	return f[12] == (type >> 8) && f[13] == (type & 0xff);
}

/* Sums 16-bit words as the ICMPv6 checksum does; a right checksum makes
 * the whole (pseudo header + message) sum 0xffff. */
static bool icmp6_sum_ok(const uint8_t *ip)
{
	uint32_t sum = 0;
	unsigned plen = (unsigned)(ip[4] << 8 | ip[5]);

	for (unsigned i = 8; i < 40; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	sum += plen + 58;
	for (unsigned i = 0; i < plen; i += 2)
		sum += (uint32_t)(ip[40 + i] << 8 | (i + 1 < plen ? ip[40 + i + 1] : 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/* After a failover each round of peer notification holds the bond's
 * gratuitous ARP and NA, untagged, and VLAN 100's, tagged 100, from the
 * bond's MAC; VLAN 200 has no address and sends nothing. num_grat_arp 2:
 * two rounds, all on the new active slave. */
static void test_peer_notify_vlans(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode active-backup miimon 100 "
				"num_grat_arp 2 peer_notif_delay 200");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	struct err err = { 0 };
	uint32_t a = ip4(192, 0, 2, 1), v = ip4(198, 51, 100, 1);
	uint8_t p24 = 24;
	unsigned from, arp_b = 0, arp_v = 0, na_b = 0, na_v = 0;

	bond_set_addrs(b, &a, &p24, 1, &BOND6, 1);
	assert_int_equal(bond_vlan_add(b, 100, &err), 0);
	assert_int_equal(bond_vlan_add(b, 200, &err), 0);
	assert_int_equal(bond_vlan_set_addrs(b, 100, &v, &p24, 1, &V100_6, 1), 0);
	h_advance(&H, 3000);
	from = H.ntx;
	h_carrier(&H, e0, false);
	h_advance(&H, 2000);
	for (unsigned i = from; i < H.ntx; i++) {
		const struct h_tx *x = &H.tx[i];
		const uint8_t *f = x->frame;

		assert_ptr_equal(x->s, e1);
		assert_memory_equal(f + 6, b->mac, 6);
		if (untagged(f, 0x0806)) {
			assert_int_equal(x->len, 60);
			assert_memory_equal(f + 14 + 14, &a, 4);
			arp_b++;
		} else if (tagged(f, 100, 0x0806)) {
			/* 42 bytes of ARP + 4 of tag, padded to 60 */
			assert_int_equal(x->len, 60);
			assert_memory_equal(f, "\xff\xff\xff\xff\xff\xff", 6);
			assert_memory_equal(f + 18, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
			assert_memory_equal(f + 18 + 8, b->mac, 6);
			assert_memory_equal(f + 18 + 14, &v, 4);       /* sender */
			assert_memory_equal(f + 18 + 24, &v, 4);       /* target */
			arp_v++;
		} else if (untagged(f, 0x86dd)) {
			assert_int_equal(x->len, 86);
			assert_memory_equal(f + 14 + 8, BOND6, 16);
			na_b++;
		} else if (tagged(f, 100, 0x86dd)) {
			const uint8_t *ip = f + 18;

			assert_int_equal(x->len, 90);
			assert_memory_equal(f, "\x33\x33\x00\x00\x00\x01", 6);
			assert_int_equal(ip[6], 58);
			assert_int_equal(ip[40], 136);             /* NA */
			assert_int_equal(ip[44], 0x20);            /* override */
			assert_memory_equal(ip + 8, V100_6, 16);
			assert_memory_equal(ip + 40 + 8, V100_6, 16);
			assert_memory_equal(ip + 40 + 26, b->mac, 6);
			assert_true(icmp6_sum_ok(ip));
			na_v++;
		} else {
			fail_msg("unexpected frame %u, type %02x%02x", i, f[12], f[13]);
		}
	}
	assert_int_equal(arp_b, 2);
	assert_int_equal(arp_v, 2);
	assert_int_equal(na_b, 2);
	assert_int_equal(na_v, 2);
	assert_true(h_event(&H, 0, "2 gratuitous ARP, 2 unsolicited NA (of them 1 and 1 tagged, "
			    "for 1 VLAN)") >= 0);

	/* VLAN 100 down: the next failover announces the bond's only */
	assert_int_equal(bond_vlan_set_up(b, 100, false), 0);
	assert_int_equal(bond_vlan_set_up(b, 300, false), -ENOENT);
	h_carrier(&H, e0, true);
	h_advance(&H, 1000);
	from = H.ntx;
	h_carrier(&H, e1, false);
	h_advance(&H, 2000);
	arp_b = arp_v = 0;
	for (unsigned i = from; i < H.ntx; i++) {
		const uint8_t *f = H.tx[i].frame;

		assert_ptr_equal(H.tx[i].s, e0);
		assert_false(f[12] == 0x81);
		arp_b += untagged(f, 0x0806);
	}
	assert_int_equal(arp_b, 2);
}

/* The ARP monitor's probes follow the route: 198.51.100.254 is in VLAN
 * 100's /24 (longer than VLAN 200's 198.51.0.0/16): tagged 100, from
 * 198.51.100.1; 198.51.7.7 only in VLAN 200's /16: tagged 200; 192.0.2.254
 * in the bond's /24: untagged from 192.0.2.1. Always from the slave's MAC. */
static void test_arp_probe_route(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode active-backup arp_interval 100 "
				"arp_ip_target 198.51.100.254,198.51.7.7,192.0.2.254");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct err err = { 0 };
	uint32_t a = ip4(192, 0, 2, 1), v100 = ip4(198, 51, 100, 1), v200 = ip4(198, 51, 0, 5);
	uint32_t t1 = ip4(198, 51, 100, 254), t2 = ip4(198, 51, 7, 7), t3 = ip4(192, 0, 2, 254);
	uint8_t p24 = 24, p16 = 16;
	unsigned n1 = 0, n2 = 0, n3 = 0, from;

	bond_set_addrs(b, &a, &p24, 1, NULL, 0);
	assert_int_equal(bond_vlan_add(b, 200, &err), 0);
	assert_int_equal(bond_vlan_add(b, 100, &err), 0);
	assert_int_equal(bond_vlan_set_addrs(b, 200, &v200, &p16, 1, NULL, 0), 0);
	assert_int_equal(bond_vlan_set_addrs(b, 100, &v100, &p24, 1, NULL, 0), 0);
	from = H.ntx;
	h_advance(&H, 1000);
	for (unsigned i = from; i < H.ntx; i++) {
		const struct h_tx *x = &H.tx[i];
		const uint8_t *f = x->frame;

		assert_ptr_equal(x->s, e0);
		assert_int_equal(x->len, 60);
		/* the gratuitous ARPs of the slave becoming active are not probes */
		if (!memcmp(f + (f[12] == 0x81 ? 18 : 14) + 14, f + (f[12] == 0x81 ? 18 : 14) + 24, 4))
			continue;
		assert_memory_equal(f + 6, e0->cur_mac, 6);
		if (tagged(f, 100, 0x0806)) {
			assert_memory_equal(f + 18 + 8, e0->cur_mac, 6);
			assert_memory_equal(f + 18 + 14, &v100, 4);
			assert_memory_equal(f + 18 + 24, &t1, 4);
			assert_int_equal(f[18 + 7], 1);               /* request */
			n1++;
		} else if (tagged(f, 200, 0x0806)) {
			assert_memory_equal(f + 18 + 14, &v200, 4);
			assert_memory_equal(f + 18 + 24, &t2, 4);
			n2++;
		} else if (untagged(f, 0x0806)) {
			assert_memory_equal(f + 14 + 14, &a, 4);
			assert_memory_equal(f + 14 + 24, &t3, 4);
			n3++;
		} else {
			fail_msg("unexpected frame %u, type %02x%02x", i, f[12], f[13]);
		}
	}
	/* one of each per interval: 10 in a second (give or take the edges) */
	assert_true(n1 >= 9 && n1 <= 11);
	assert_int_equal(n2, n1);
	assert_int_equal(n3, n1);

	/* VLAN 100 down: its route is gone; 198.51.100.254 is still in VLAN
	 * 200's /16, so its probe goes there, from 198.51.0.5 */
	assert_int_equal(bond_vlan_set_up(b, 100, false), 0);
	from = H.ntx;
	h_advance(&H, 300);
	n1 = n2 = 0;
	for (unsigned i = from; i < H.ntx; i++) {
		const uint8_t *f = H.tx[i].frame;

		assert_false(tagged(f, 100, 0x0806));
		if (tagged(f, 200, 0x0806) && !memcmp(f + 18 + 24, &t1, 4)) {
			assert_memory_equal(f + 18 + 14, &v200, 4);
			n1++;
		}
	}
	assert_true(n1 >= 2);
}

/* arp_validate all on one target reached through VLAN 100: the target
 * answers every probe, tagged (as a switch port in VLAN 100 would send
 * it); the active slave stays up on those tagged replies alone, and goes
 * down once they stop. */
static void test_arp_tagged_replies_validate(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode active-backup arp_interval 100 "
				"arp_validate all arp_ip_target 198.51.100.254");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct err err = { 0 };
	uint32_t v100 = ip4(198, 51, 100, 1), t = ip4(198, 51, 100, 254);
	uint8_t p24 = 24;
	unsigned replies = 0;

	assert_int_equal(bond_vlan_add(b, 100, &err), 0);
	assert_int_equal(bond_vlan_set_addrs(b, 100, &v100, &p24, 1, NULL, 0), 0);
	for (unsigned step = 0; step < 500; step++) {
		unsigned from = H.ntx;

		h_advance(&H, 10);
		for (unsigned i = from; i < H.ntx && step < 300; i++) {
			const uint8_t *f = H.tx[i].frame;
			uint8_t r[64] = { 0 };

			if (!tagged(f, 100, 0x0806) || memcmp(f + 18 + 24, &t, 4))
				continue;
			/* is-at: target -> the probing slave, tagged 100 */
			memcpy(r, f + 6, 6);
			memcpy(r + 6, "\x02\x00\x00\x00\x00\xfe", 6);
			memcpy(r + 12, "\x81\x00\x00\x64\x08\x06", 6);
			memcpy(r + 18, "\x00\x01\x08\x00\x06\x04\x00\x02", 8);
			memcpy(r + 18 + 8, r + 6, 6);
			memcpy(r + 18 + 14, &t, 4);
			memcpy(r + 18 + 18, f + 6, 6);
			memcpy(r + 18 + 24, &v100, 4);
			slave_receive(H.tx[i].s, r, sizeof(r), NULL, H.now);
			replies++;
		}
		if (step == 299) {
			/* 3 s of tagged replies: up and active all along */
			assert_true(replies >= 25);
			assert_int_equal(e0->link, SLAVE_LINK_UP);
			assert_ptr_equal(b->active, e0);
			assert_int_equal(e0->link_failure_count, 0);
		}
	}
	/* 2 s without: missed_max (2) intervals and it is down (the monitor
	 * then probes on it again as "going back") */
	assert_int_not_equal(e0->link, SLAVE_LINK_UP);
	assert_int_equal(e0->link_failure_count, 1);
	assert_null(b->active);
}

/* ns_ip6_target 2001:db8:64::fe shares the /64 of VLAN 100's address
 * and not the bond's: the NS goes tagged 100 from 2001:db8:64::1, with its
 * checksum right; 2001:db8::fe stays on the bond. */
static void test_ns_probe_route(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode active-backup arp_interval 100 "
				"ns_ip6_target 2001:db8:64::fe,2001:db8::fe");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct err err = { 0 };
	static const uint8_t t1[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x64, [15] = 0xfe };
	unsigned n1 = 0, n2 = 0, from;

	bond_set_addrs(b, NULL, NULL, 0, &BOND6, 1);
	assert_int_equal(bond_vlan_add(b, 100, &err), 0);
	assert_int_equal(bond_vlan_set_addrs(b, 100, NULL, NULL, 0, &V100_6, 1), 0);
	from = H.ntx;
	h_advance(&H, 500);
	for (unsigned i = from; i < H.ntx; i++) {
		const struct h_tx *x = &H.tx[i];
		const uint8_t *f = x->frame;

		assert_ptr_equal(x->s, e0);
		/* the unsolicited NAs of the slave becoming active are not probes */
		if (f[(f[12] == 0x81 ? 18 : 14) + 40] == 136)
			continue;
		if (tagged(f, 100, 0x86dd)) {
			const uint8_t *ip = f + 18;

			/* 4 + 14 + 40 + NS 24 + source lladdr option 8 */
			assert_int_equal(x->len, 90);
			assert_memory_equal(f, "\x33\x33\xff\x00\x00\xfe", 6);
			assert_memory_equal(ip + 8, V100_6, 16);
			assert_int_equal(ip[40], 135);
			assert_memory_equal(ip + 48, t1, 16);
			assert_memory_equal(ip + 40 + 26, e0->cur_mac, 6);
			assert_true(icmp6_sum_ok(ip));
			n1++;
		} else if (untagged(f, 0x86dd)) {
			assert_memory_equal(f + 14 + 8, BOND6, 16);
			n2++;
		} else {
			fail_msg("unexpected frame %u", i);
		}
	}
	assert_true(n1 >= 4);
	assert_int_equal(n1, n2);

	/* Prefix lengths given: 2001:db8:64::1/127 covers ::0 and ::1 only,
	 * so 2001:db8:64::fe is no longer the VLAN's: both probes untagged;
	 * /120 covers it again. */
	{
		const uint8_t p127 = 127, p120 = 120;

		assert_int_equal(bond_vlan_set_prefix6(b, 300, &p127, 1), -ENOENT);
		assert_int_equal(bond_vlan_set_prefix6(b, 100, &p127, 1), 0);
		from = H.ntx;
		h_advance(&H, 300);
		n1 = n2 = 0;
		for (unsigned i = from; i < H.ntx; i++) {
			n1 += tagged(H.tx[i].frame, 100, 0x86dd);
			n2 += untagged(H.tx[i].frame, 0x86dd);
		}
		assert_int_equal(n1, 0);
		assert_true(n2 >= 4);
		assert_int_equal(bond_vlan_set_prefix6(b, 100, &p120, 1), 0);
		from = H.ntx;
		h_advance(&H, 300);
		n1 = 0;
		for (unsigned i = from; i < H.ntx; i++)
			n1 += tagged(H.tx[i].frame, 100, 0x86dd);
		assert_true(n1 >= 2);
		/* the bond's 2001:db8::1/32 covers the target too, but the
		 * VLAN's /120 is longer: still the VLAN; the VLAN's as a /16,
		 * shorter than the bond's /32: the bond, untagged */
		{
			const uint8_t p32 = 32, p16 = 16;

			bond_set_prefix6(b, &p32, 1);
			from = H.ntx;
			h_advance(&H, 300);
			n1 = 0;
			for (unsigned i = from; i < H.ntx; i++)
				n1 += tagged(H.tx[i].frame, 100, 0x86dd);
			assert_true(n1 >= 2);
			assert_int_equal(bond_vlan_set_prefix6(b, 100, &p16, 1), 0);
			from = H.ntx;
			h_advance(&H, 300);
			n1 = n2 = 0;
			for (unsigned i = from; i < H.ntx; i++) {
				n1 += tagged(H.tx[i].frame, 100, 0x86dd);
				n2 += untagged(H.tx[i].frame, 0x86dd);
			}
			assert_int_equal(n1, 0);
			assert_true(n2 >= 4);
		}
	}
}

/* arp_validate all with one NS target reached through VLAN 100: the target
 * answers each NS with an NA tagged 100, to the VLAN's address; the
 * active slave stays up on those alone, and goes down once they stop. */
static void test_ns_tagged_replies_validate(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode active-backup arp_interval 100 "
				"arp_validate all ns_ip6_target 2001:db8:64::fe");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct err err = { 0 };
	static const uint8_t t[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x64, [15] = 0xfe };
	unsigned replies = 0;

	assert_int_equal(bond_vlan_add(b, 100, &err), 0);
	assert_int_equal(bond_vlan_set_addrs(b, 100, NULL, NULL, 0, &V100_6, 1), 0);
	for (unsigned step = 0; step < 500; step++) {
		unsigned from = H.ntx;

		h_advance(&H, 10);
		for (unsigned i = from; i < H.ntx && step < 300; i++) {
			const uint8_t *f = H.tx[i].frame;
			uint8_t na[4 + 14 + 40 + 32] = { 0 };
			uint8_t *ip = na + 18;

			if (!tagged(f, 100, 0x86dd) || f[18 + 40] != 135 ||
			    memcmp(f + 18 + 48, t, 16))
				continue;
			memcpy(na, f + 6, 6);
			memcpy(na + 6, "\x02\x00\x00\x00\x00\xfe", 6);
			memcpy(na + 12, "\x81\x00\x00\x64\x86\xdd", 6);
			ip[0] = 0x60;
			ip[5] = 32;
			ip[6] = 58;
			ip[7] = 255;
			memcpy(ip + 8, t, 16);
			memcpy(ip + 24, V100_6, 16);
			ip[40] = 136;
			ip[44] = 0x60;                  /* solicited, override */
			memcpy(ip + 48, t, 16);
			slave_receive(H.tx[i].s, na, sizeof(na), NULL, H.now);
			replies++;
		}
		if (step == 299) {
			assert_true(replies >= 25);
			assert_int_equal(e0->link, SLAVE_LINK_UP);
			assert_ptr_equal(b->active, e0);
			assert_int_equal(e0->link_failure_count, 0);
		}
	}
	assert_int_not_equal(e0->link, SLAVE_LINK_UP);
	assert_int_equal(e0->link_failure_count, 1);
}

/* Learning packets every lp_interval: one untagged from each slave's MAC,
 * and one per VLAN tagged with its VID from the bond's MAC (64 bytes) -
 * in tlb from the active slave only (the others' MACs are not the VLANs'),
 * in alb likewise (strict matching always: only the active slave wears
 * the bond's MAC). */
static void lp_check(const char *opts)
{
	struct bond *b = h_bond(&H, "bond0", opts);
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	struct err err = { 0 };
	unsigned plain[2] = { 0 }, t100[2] = { 0 }, t200[2] = { 0 }, from;

	assert_int_equal(bond_vlan_add(b, 100, &err), 0);
	assert_int_equal(bond_vlan_add(b, 200, &err), 0);
	h_advance(&H, 500);
	assert_ptr_equal(b->active, e0);
	from = H.ntx;
	h_advance(&H, 3000);
	for (unsigned i = from; i < H.ntx; i++) {
		const struct h_tx *x = &H.tx[i];
		const uint8_t *f = x->frame;
		unsigned k = x->s == e1;

		if (untagged(f, 0x9000)) {
			assert_int_equal(x->len, 60);
			assert_memory_equal(f, x->s->cur_mac, 6);
			assert_memory_equal(f + 6, x->s->cur_mac, 6);
			plain[k]++;
		} else if (tagged(f, 100, 0x9000) || tagged(f, 200, 0x9000)) {
			assert_int_equal(x->len, 64);
			assert_memory_equal(f, b->mac, 6);
			assert_memory_equal(f + 6, b->mac, 6);
			if (f[15] == 100)
				t100[k]++;
			else
				t200[k]++;
		}
	}
	/* lp_interval 1: three rounds in 3 s */
	assert_int_equal(plain[0], 3);
	assert_int_equal(plain[1], 3);
	assert_int_equal(t100[0], 3);
	assert_int_equal(t200[0], 3);
	assert_int_equal(t100[1], 0);
	assert_int_equal(t200[1], 0);

	/* A failover: the new active slave takes the bond's MAC and teaches
	 * it at once, untagged and in every VLAN. */
	from = H.ntx;
	h_carrier(&H, e0, false);
	h_advance(&H, 200);
	assert_ptr_equal(b->active, e1);
	memset(t100, 0, sizeof(t100));
	memset(t200, 0, sizeof(t200));
	for (unsigned i = from; i < H.ntx && i < from + 8; i++) {
		const uint8_t *f = H.tx[i].frame;

		if (H.tx[i].s == e1 && tagged(f, 100, 0x9000))
			t100[1]++;
		if (H.tx[i].s == e1 && tagged(f, 200, 0x9000))
			t200[1]++;
	}
	assert_int_equal(t100[1], 1);
	assert_int_equal(t200[1], 1);
}

static void test_learning_packets_tlb(void **state)
{
	lp_check("mode balance-tlb miimon 100 lp_interval 1");
}

static void test_learning_packets_alb(void **state)
{
	lp_check("mode balance-alb miimon 100 lp_interval 1");
}

/* resend_igmp: the VLAN's own memberships (mcast_groups_vlan) are
 * reported tagged with its VID, from its address, after the bond's. */
static void test_mcast_rejoin_vlan(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode active-backup miimon 100 resend_igmp 1");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	static struct mcast_groups gb, gv;
	struct err err = { 0 };
	uint32_t a = ip4(192, 0, 2, 1), v = ip4(198, 51, 100, 1);
	uint8_t p24 = 24;
	unsigned nb = 0, nv = 0, from;

	gb.igmp_version = 2;
	gb.n4 = 1;
	memcpy(gb.v4[0].addr, "\xef\x01\x01\x01", 4);     /* 239.1.1.1 */
	gv.igmp_version = 2;
	gv.n4 = 1;
	memcpy(gv.v4[0].addr, "\xef\x02\x02\x02", 4);     /* 239.2.2.2 */
	H.mcast = &gb;
	H.mcast_vlan = &gv;
	H.mcast_vid = 100;
	bond_set_addrs(b, &a, &p24, 1, NULL, 0);
	assert_int_equal(bond_vlan_add(b, 100, &err), 0);
	assert_int_equal(bond_vlan_add(b, 200, &err), 0);
	assert_int_equal(bond_vlan_set_addrs(b, 100, &v, &p24, 1, NULL, 0), 0);
	h_advance(&H, 1000);
	from = H.ntx;
	H.mcast_vlan_asks = 0;
	h_carrier(&H, e0, false);
	h_advance(&H, 1000);
	for (unsigned i = from; i < H.ntx; i++) {
		const uint8_t *f = H.tx[i].frame;

		if (untagged(f, 0x0800) && f[14 + 9] == 2) {
			assert_memory_equal(f + 14 + 12, &a, 4);
			assert_memory_equal(f + 14 + 24 + 4, "\xef\x01\x01\x01", 4);
			nb++;
		} else if (tagged(f, 100, 0x0800) && f[18 + 9] == 2) {
			assert_ptr_equal(H.tx[i].s, e1);
			assert_memory_equal(f, "\x01\x00\x5e\x02\x02\x02", 6);
			assert_memory_equal(f + 18 + 12, &v, 4);
			assert_int_equal(f[18 + 24], 0x16);            /* v2 report */
			assert_memory_equal(f + 18 + 24 + 4, "\xef\x02\x02\x02", 4);
			/* 14 + 24 + 8 = 46 bytes, tagged 50, padded to 60 */
			assert_int_equal(H.tx[i].len, 60);
			nv++;
		}
	}
	assert_int_equal(nb, 1);
	assert_int_equal(nv, 1);
	/* asked once per VLAN (100 and 200; 200 has no groups) */
	assert_int_equal(H.mcast_vlan_asks, 2);

	/* MLDv2 in VLAN 100: one report to ff02::16, tagged, from the VLAN's
	 * link-local address (not its global one) */
	{
		static const uint8_t ll[2][16] = {
			{ 0x20, 0x01, 0x0d, 0xb8, 0, 0x64, [15] = 0x01 },
			{ 0xfe, 0x80, [14] = 0x64, [15] = 0x01 },
		};
		static const uint8_t g6[16] = { 0xff, 0x0e, [15] = 0x42 };

		memset(&gv, 0, sizeof(gv));
		gv.mld_version = 2;
		gv.n6 = 1;
		memcpy(gv.v6[0].addr, g6, 16);
		gv.v6[0].exclude = true;
		assert_int_equal(bond_vlan_set_addrs(b, 100, NULL, NULL, 0, ll, 2), 0);
		h_carrier(&H, e0, true);
		h_advance(&H, 1000);
		from = H.ntx;
		h_carrier(&H, e1, false);
		h_advance(&H, 1000);
		nv = 0;
		for (unsigned i = from; i < H.ntx; i++) {
			const uint8_t *f = H.tx[i].frame;

			/* the VLAN's unsolicited NAs go too: only MLD here */
			if (!tagged(f, 100, 0x86dd) || f[18 + 6] != 0)
				continue;
			assert_ptr_equal(H.tx[i].s, e0);
			assert_memory_equal(f, "\x33\x33\x00\x00\x00\x16", 6);
			assert_memory_equal(f + 18 + 8, ll[1], 16);
			assert_int_equal(f[18 + 6], 0);             /* hop-by-hop */
			assert_int_equal(f[18 + 48], 143);          /* MLDv2 report */
			assert_memory_equal(f + 18 + 48 + 12, g6, 16);
			/* 14 + 40 + 8 + 8 + one record of 20 = 90, tagged 94 */
			assert_int_equal(H.tx[i].len, 94);
			nv++;
		}
		assert_int_equal(nv, 1);
	}
}

/* rlb (balance-alb) learns a client's VLAN from the host's ARP reply sent
 * by the VLAN sub-interface (bond_xmit_vlan: tag inline) and tags the
 * updates it sends that client. */
/* The host's ARP reply to 198.51.100.77 sent by VLAN 100's sub-interface,
 * through an alb bond: the slave rlb gives the client. */
static struct slave *rlb_learn_vlan_client(struct bond *b, uint32_t v, uint32_t c)
{
	uint8_t r[64] = { 0 };
	unsigned from = H.ntx;

	/* is-at 198.51.100.1 -> client 02:00:00:00:00:77 at 198.51.100.77 */
	memcpy(r, "\x02\x00\x00\x00\x00\x77", 6);
	memcpy(r + 6, b->mac, 6);
	memcpy(r + 12, "\x81\x00\x00\x64\x08\x06", 6);
	memcpy(r + 18, "\x00\x01\x08\x00\x06\x04\x00\x02", 8);
	memcpy(r + 18 + 8, b->mac, 6);
	memcpy(r + 18 + 14, &v, 4);
	memcpy(r + 18 + 18, r, 6);
	memcpy(r + 18 + 24, &c, 4);
	bond_xmit_vlan(b, r, 60, NULL, H.now);
	assert_int_equal(H.ntx, from + 1);
	/* it leaves tagged, with the chosen slave's MAC as ARP sender */
	assert_true(tagged(H.tx[from].frame, 100, 0x0806));
	assert_memory_equal(H.tx[from].frame + 18 + 8, H.tx[from].s->cur_mac, 6);
	return H.tx[from].s;
}

/* Updates (ARP replies) to the client after its slave fails, from
 * index from: returns how many were tagged 100; fails on an untagged one. */
static unsigned rlb_updates(unsigned from, uint32_t c, const struct slave *on)
{
	unsigned upd = 0;

	for (unsigned i = from; i < H.ntx; i++) {
		const uint8_t *f = H.tx[i].frame;

		if (f[12] == 0x08 && f[13] == 0x06 && f[14 + 7] == 2 &&
		    !memcmp(f + 14 + 24, &c, 4))
			fail_msg("an update to the VLAN client left untagged");
		if (tagged(f, 100, 0x0806) && f[18 + 7] == 2 && !memcmp(f + 18 + 24, &c, 4)) {
			assert_memory_equal(f, "\x02\x00\x00\x00\x00\x77", 6);
			assert_ptr_equal(H.tx[i].s, on);
			upd++;
		}
	}
	return upd;
}

/* rlb (balance-alb) learns a client's VLAN from the host's ARP reply sent
 * by the VLAN sub-interface (bond_xmit_vlan: tag inline) and tags the
 * updates it sends that client. */
static void test_rlb_updates_tagged(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-alb miimon 100");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	struct err err = { 0 };
	uint32_t v = ip4(198, 51, 100, 1), c = ip4(198, 51, 100, 77);
	struct slave *chosen;
	unsigned from;

	assert_int_equal(bond_vlan_add(b, 100, &err), 0);
	h_advance(&H, 500);
	chosen = rlb_learn_vlan_client(b, v, c);
	/* the client's slave fails: its clients move, and are told, tagged */
	from = H.ntx;
	h_carrier(&H, chosen, false);
	h_advance(&H, 5000);
	assert_true(rlb_updates(from, c, chosen == e0 ? e1 : e0) >= 2);
}

/* Deleting the VLAN forgets its clients (bond_alb_clear_vlan): a failover
 * afterwards tells that client nothing. */
static void test_rlb_vlan_del_forgets_clients(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-alb miimon 100");
	struct err err = { 0 };
	uint32_t v = ip4(198, 51, 100, 1), c = ip4(198, 51, 100, 77);
	struct slave *chosen;
	unsigned from;

	h_enslave(&H, b, "eth0", 1);
	h_enslave(&H, b, "eth1", 2);
	assert_int_equal(bond_vlan_add(b, 100, &err), 0);
	h_advance(&H, 500);
	chosen = rlb_learn_vlan_client(b, v, c);
	assert_true(bond_vlan_del(b, 100));
	from = H.ntx;
	h_carrier(&H, chosen, false);
	h_advance(&H, 5000);
	assert_int_equal(rlb_updates(from, c, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_table_add_del, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xor_l34_vlan_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_8023ad_encap34_vlan_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tlb_static_vlan_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_srcmac_spreads_vlans, setup, teardown),
		cmocka_unit_test_setup_teardown(test_explain_vlan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flow_key_vlan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_notify_vlans, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arp_probe_route, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arp_tagged_replies_validate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ns_probe_route, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ns_tagged_replies_validate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_learning_packets_tlb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_learning_packets_alb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mcast_rejoin_vlan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rlb_updates_tagged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rlb_vlan_del_forgets_clients, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
