/* The frame description builder (src/ctl/frame_desc.c): exact bytes for
 * the common shapes, the fields that matter for the others, the summary
 * line, and a clear refusal for every kind of wrong description. IPv4
 * header checksums below were computed separately (one's complement sum
 * of the ten header words). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl/frame_desc.h"
#include "core/hash.h"

static const uint8_t bond_mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

/* Splits a description at spaces into words (at most 64). */
struct words {
	char buf[512];
	const char *w[64];
	unsigned n;
};

static void split(struct words *ws, const char *desc)
{
	char *p;

	snprintf(ws->buf, sizeof(ws->buf), "%s", desc);
	ws->n = 0;
	for (p = strtok(ws->buf, " "); p && ws->n < 64; p = strtok(NULL, " "))
		ws->w[ws->n++] = p;
}

struct built {
	uint8_t f[FRAME_DESC_MAX];
	size_t len;
	struct frame_desc_info info;
	struct err err;
	int rc;
};

static void build(struct built *b, const char *desc)
{
	struct words ws;

	split(&ws, desc);
	memset(b, 0, sizeof(*b));
	b->rc = frame_desc_build_ex(ws.w, ws.n, bond_mac, b->f, sizeof(b->f), &b->len,
				    &b->info, &b->err);
}

static void build_ok(struct built *b, const char *desc)
{
	build(b, desc);
	if (b->rc)
		fail_msg("'%s': %s", desc, b->err.msg);
}

static void expect_error(const char *desc, const char *needle)
{
	struct built b;

	build(&b, desc);
	if (b.rc != -EINVAL)
		fail_msg("'%s': rc %d, want -EINVAL", desc, b.rc);
	if (!strstr(b.err.msg, needle))
		fail_msg("'%s': message '%s' lacks '%s'", desc, b.err.msg, needle);
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void test_ipv4_tcp_bytes(void **state)
{
	static const uint8_t want[] = {
		0x02, 0x00, 0x00, 0x00, 0x00, 0x01,             /* default dmac */
		0x02, 0x11, 0x22, 0x33, 0x44, 0x55,             /* the bond's MAC */
		0x08, 0x00,
		0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x00, 0x00, 64, 6, 0xf6, 0xcb,
		192, 0, 2, 1, 192, 0, 2, 2,
		0x04, 0xd2, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff,
		0, 0, 0, 0,
	};
	struct built b;

	build_ok(&b, "src 192.0.2.1 dst 192.0.2.2 proto tcp sport 1234 dport 80");
	assert_int_equal(b.len, sizeof(want));
	assert_memory_equal(b.f, want, sizeof(want));
	assert_true(b.info.smac_default);
	assert_true(b.info.dmac_default);
	assert_memory_equal(b.info.smac, bond_mac, 6);
	assert_memory_equal(b.info.dmac, frame_desc_default_dmac, 6);
	assert_string_equal(b.info.summary, "IPv4 TCP 192.0.2.1:1234 -> 192.0.2.2:80");
	/* the words may come in any order */
	{
		struct built c;

		build_ok(&c, "dport 80 proto tcp dst 192.0.2.2 sport 1234 src 192.0.2.1");
		assert_int_equal(c.len, b.len);
		assert_memory_equal(c.f, b.f, b.len);
	}
	/* the plain build gives the same bytes */
	{
		const char *w[] = { "src", "192.0.2.1", "dst", "192.0.2.2", "proto", "tcp",
				    "sport", "1234", "dport", "80" };
		uint8_t f[FRAME_DESC_MAX];
		size_t len = 0;
		struct err e;

		assert_int_equal(frame_desc_build(w, 10, bond_mac, f, sizeof(f), &len, &e), 0);
		assert_int_equal(len, b.len);
		assert_memory_equal(f, b.f, len);
	}
}

static void test_macs_and_vlans(void **state)
{
	struct built b;

	build_ok(&b, "smac 00:aa:bb:cc:dd:ee dmac 00:11:22:33:44:55 vlan 10 "
		 "src 192.0.2.1 dst 192.0.2.2 proto udp sport 5353 dport 53");
	assert_false(b.info.smac_default);
	assert_false(b.info.dmac_default);
	assert_memory_equal(b.f, "\x00\x11\x22\x33\x44\x55\x00\xaa\xbb\xcc\xdd\xee", 12);
	assert_int_equal(be16(b.f + 12), 0x8100);
	assert_int_equal(be16(b.f + 14), 10);
	assert_int_equal(be16(b.f + 16), 0x0800);
	assert_int_equal(b.f[18 + 9], 17);
	assert_int_equal(be16(b.f + 38), 5353);
	assert_int_equal(be16(b.f + 40), 53);
	assert_int_equal(be16(b.f + 42), 8);            /* UDP length */
	assert_int_equal(b.len, 18 + 20 + 8);
	assert_string_equal(b.info.summary,
			    "802.1Q vlan 10, IPv4 UDP 192.0.2.1:5353 -> 192.0.2.2:53");

	build_ok(&b, "vlan 100 vlan 0x0a src 192.0.2.1 dst 192.0.2.2");
	assert_int_equal(be16(b.f + 12), 0x88a8);
	assert_int_equal(be16(b.f + 14), 100);
	assert_int_equal(be16(b.f + 16), 0x8100);
	assert_int_equal(be16(b.f + 18), 10);
	assert_int_equal(be16(b.f + 20), 0x0800);
	assert_int_equal(b.f[22 + 9], 253);             /* no proto given */
	assert_string_equal(b.info.summary, "802.1ad vlan 100, 802.1Q vlan 10, "
			    "IPv4 proto 253 192.0.2.1 -> 192.0.2.2");
}

static void test_ipv6_and_fragments(void **state)
{
	struct built b;

	build_ok(&b, "src 2001:db8::1 dst 2001:db8::2 proto tcp sport 443 dport 50000");
	assert_int_equal(be16(b.f + 12), 0x86dd);
	assert_int_equal(b.f[14], 0x60);
	assert_int_equal(be16(b.f + 18), 20);           /* payload length */
	assert_int_equal(b.f[20], 6);
	assert_int_equal(b.f[22 + 15], 1);              /* ...::1 */
	assert_int_equal(b.f[38 + 15], 2);
	assert_int_equal(be16(b.f + 54), 443);
	assert_int_equal(b.len, 14 + 40 + 20);
	assert_string_equal(b.info.summary,
			    "IPv6 TCP [2001:db8::1]:443 -> [2001:db8::2]:50000");

	build_ok(&b, "src 192.0.2.1 dst 192.0.2.2 proto udp sport 1 dport 2 frag first");
	assert_int_equal(be16(b.f + 20), 0x2000);       /* MF, offset 0 */
	assert_int_equal(be16(b.f + 34), 1);            /* the UDP header is there */
	assert_string_equal(b.info.summary,
			    "IPv4 UDP 192.0.2.1:1 -> 192.0.2.2:2 (first fragment)");
	build_ok(&b, "src 192.0.2.1 dst 192.0.2.2 proto udp frag middle");
	assert_int_equal(be16(b.f + 20), 0x2000 | 185);
	assert_int_equal(b.len, 14 + 20 + 8);

	build_ok(&b, "src 2001:db8::1 dst 2001:db8::2 proto udp sport 7 dport 9 frag first");
	assert_int_equal(b.f[20], 44);                  /* fragment header */
	assert_int_equal(b.f[54], 17);
	assert_int_equal(be16(b.f + 56), 0x0001);       /* offset 0, M */
	assert_int_equal(be16(b.f + 62), 7);
	build_ok(&b, "src 2001:db8::1 dst 2001:db8::2 proto udp frag middle");
	assert_int_equal(be16(b.f + 56), 185 << 3 | 1);
}

static void test_l4_protocols(void **state)
{
	struct built b;

	build_ok(&b, "src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x1001");
	assert_int_equal(b.f[23], 50);
	assert_memory_equal(b.f + 34, "\x00\x00\x10\x01", 4);
	assert_string_equal(b.info.summary, "IPv4 ESP spi 0x1001 192.0.2.1 -> 192.0.2.2");
	build_ok(&b, "src 192.0.2.1 dst 192.0.2.2 proto ah spi 0xdeadbeef");
	assert_memory_equal(b.f + 38, "\xde\xad\xbe\xef", 4);
	build_ok(&b, "src 192.0.2.1 dst 192.0.2.2 proto sctp sport 2905 dport 2905");
	assert_int_equal(b.f[23], 132);
	assert_int_equal(be16(b.f + 36), 2905);
	build_ok(&b, "src 192.0.2.1 dst 192.0.2.2 proto 99");
	assert_int_equal(b.f[23], 99);
	assert_int_equal(b.len, 34);
	assert_string_equal(b.info.summary, "IPv4 proto 99 192.0.2.1 -> 192.0.2.2");

	build_ok(&b, "src 192.0.2.1 dst 192.0.2.2 proto icmp id 7");
	assert_int_equal(b.f[23], 1);
	assert_int_equal(b.f[34], 8);                   /* echo request */
	assert_int_equal(be16(b.f + 38), 7);
	assert_string_equal(b.info.summary,
			    "IPv4 ICMP echo-request id 7 192.0.2.1 -> 192.0.2.2");
	/* "icmp" with IPv6 addresses is ICMPv6 */
	build_ok(&b, "src 2001:db8::1 dst 2001:db8::2 proto icmp type echo-reply id 3");
	assert_int_equal(b.f[20], 58);
	assert_int_equal(b.f[54], 129);
}

static void test_tunnels(void **state)
{
	struct built b;
	static const uint8_t outer[] = {
		0x08, 0x00,
		0x45, 0x00, 0x00, 56, 0x00, 0x01, 0x00, 0x00, 64, 47, 0x66, 0x94,
		10, 0, 0, 1, 10, 0, 0, 2,
		0x20, 0x00, 0x08, 0x00, 0, 0, 0, 42,            /* GRE, key 42 */
		0x45, 0x00, 0x00, 28, 0x00, 0x01, 0x00, 0x00, 64, 17, 0xf6, 0xcc,
		192, 0, 2, 1, 192, 0, 2, 2,
		0x14, 0xe9, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00,
	};

	build_ok(&b, "src 10.0.0.1 dst 10.0.0.2 proto gre key 42 "
		 "inner src 192.0.2.1 dst 192.0.2.2 proto udp sport 5353 dport 53");
	assert_int_equal(b.len, 12 + sizeof(outer));
	assert_memory_equal(b.f + 12, outer, sizeof(outer));
	assert_string_equal(b.info.summary, "IPv4 GRE key 42 10.0.0.1 -> 10.0.0.2, "
			    "inner IPv4 UDP 192.0.2.1:5353 -> 192.0.2.2:53");

	/* no outer proto: IP-in-IP, 4 or 41 after the inner family */
	build_ok(&b, "src 10.0.0.1 dst 10.0.0.2 inner src 192.0.2.1 dst 192.0.2.2");
	assert_int_equal(b.f[23], 4);
	assert_int_equal(b.f[34], 0x45);
	build_ok(&b, "src 10.0.0.1 dst 10.0.0.2 inner src 2001:db8::1 dst 2001:db8::2");
	assert_int_equal(b.f[23], 41);
	assert_int_equal(b.f[34], 0x60);
	assert_string_equal(b.info.summary, "IPv4 IP-in-IP 10.0.0.1 -> 10.0.0.2, inner "
			    "IPv6 proto 253 2001:db8::1 -> 2001:db8::2");

	/* GRE carrying Ethernet: inner MACs default to the outer source and
	 * the default destination */
	build_ok(&b, "src 10.0.0.1 dst 10.0.0.2 proto gretap inner dmac 00:00:5e:00:53:01 "
		 "src 192.0.2.1 dst 192.0.2.2 proto tcp sport 1 dport 2");
	assert_int_equal(be16(b.f + 36), 0x6558);
	assert_memory_equal(b.f + 38, "\x00\x00\x5e\x00\x53\x01", 6);
	assert_memory_equal(b.f + 44, bond_mac, 6);
	assert_int_equal(be16(b.f + 50), 0x0800);
	assert_int_equal(b.f[52 + 9], 6);

	/* an ICMP error quotes the inner packet */
	build_ok(&b, "src 203.0.113.9 dst 192.0.2.1 proto icmp "
		 "inner src 192.0.2.1 dst 198.51.100.7 proto udp sport 40000 dport 53");
	assert_int_equal(b.f[34], 3);
	assert_int_equal(b.f[35], 3);
	assert_int_equal(b.f[42], 0x45);
	assert_int_equal(b.f[42 + 9], 17);
	assert_int_equal(be16(b.f + 62), 40000);
	assert_string_equal(b.info.summary, "IPv4 ICMP unreachable code 3 203.0.113.9 -> "
			    "192.0.2.1, quoting IPv4 UDP 192.0.2.1:40000 -> 198.51.100.7:53");
	build_ok(&b, "src 2001:db8::9 dst 2001:db8::1 proto icmp type 3 "
		 "inner src 2001:db8::1 dst 2001:db8::7 proto tcp sport 1 dport 2");
	assert_int_equal(b.f[54], 3);
}

static void test_pppoe_arp_ethertype(void **state)
{
	struct built b;

	build_ok(&b, "pppoe 42 src 192.0.2.1 dst 192.0.2.2 proto tcp sport 1 dport 2");
	assert_int_equal(be16(b.f + 12), 0x8864);
	assert_int_equal(b.f[14], 0x11);
	assert_int_equal(be16(b.f + 16), 42);
	assert_int_equal(be16(b.f + 18), 2 + 20 + 20);  /* PPP protocol + IP */
	assert_int_equal(be16(b.f + 20), 0x0021);
	assert_int_equal(b.f[22], 0x45);
	assert_string_equal(b.info.summary,
			    "PPPoE session 42, IPv4 TCP 192.0.2.1:1 -> 192.0.2.2:2");
	build_ok(&b, "pppoe 1 src 2001:db8::1 dst 2001:db8::2");
	assert_int_equal(be16(b.f + 20), 0x0057);

	build_ok(&b, "ethertype arp src 192.0.2.1 dst 192.0.2.2");
	assert_int_equal(be16(b.f + 12), 0x0806);
	assert_int_equal(be16(b.f + 20), 1);            /* request */
	assert_memory_equal(b.f + 22, bond_mac, 6);
	assert_memory_equal(b.f + 28, "\xc0\x00\x02\x01", 4);
	assert_memory_equal(b.f + 38, "\xc0\x00\x02\x02", 4);
	assert_int_equal(b.len, 42);
	assert_string_equal(b.info.summary, "ARP who-has 192.0.2.2 tell 192.0.2.1");

	build_ok(&b, "ethertype 0x88cc vlan 5");
	assert_int_equal(be16(b.f + 16), 0x88cc);
	assert_int_equal(b.len, 18 + 46);
	assert_string_equal(b.info.summary, "802.1Q vlan 5, ethertype 0x88cc");
}

/* The built frames hash like the hand-made ones of test_hash.c. */
static void test_hash_of_built(void **state)
{
	struct built b;

	/* 192.0.2.10:1234 -> 198.51.100.20:80 from 00:aa:bb:cc:dd:ee to
	 * 00:11:22:33:44:55: test_hash.c's V4_TCP and V4_L23 */
	build_ok(&b, "smac 00:aa:bb:cc:dd:ee dmac 00:11:22:33:44:55 "
		 "src 192.0.2.10 dst 198.51.100.20 proto tcp sport 1234 dport 80");
	assert_int_equal(xmit_hash(XMIT_LAYER34, b.f, b.len), 0x271464e5);
	assert_int_equal(xmit_hash(XMIT_LAYER23, b.f, b.len), 0x1e7843fe);
	assert_int_equal(xmit_hash(XMIT_LAYER2, b.f, b.len), 0x08bb);
	/* the same inside GRE with a key: encap3+4 sees the inner flow */
	build_ok(&b, "smac 00:aa:bb:cc:dd:ee dmac 00:11:22:33:44:55 "
		 "src 10.0.0.1 dst 10.9.8.7 proto gre key 42 "
		 "inner src 192.0.2.10 dst 198.51.100.20 proto tcp sport 1234 dport 80");
	assert_int_equal(xmit_hash(XMIT_ENCAP34, b.f, b.len), 0x271464e5);
	assert_int_equal(xmit_hash(XMIT_LAYER34, b.f, b.len), 0x03070383);
}

static void test_errors(void **state)
{
	struct built b;
	struct words ws;

	expect_error("", "describe the frame");
	expect_error("src 192.0.2.1 dst 192.0.2.2 colour blue", "unknown word 'colour'");
	expect_error("src 192.0.2.1 dst 192.0.2.2 bogus", "unknown word 'bogus'");
	expect_error("src 192.0.2.1 dst", "'dst' needs a value");
	expect_error("src 192.0.2.1 dst 192.0.2.2 proto", "'proto' needs a value");
	expect_error("src 192.0.2.300 dst 192.0.2.2", "src: '192.0.2.300' is not an IPv4");
	expect_error("src 192.0.2.1 dst 2001:db8::1", "IPv6 but the other address is IPv4");
	expect_error("src 192.0.2.1", "give both src and dst");
	expect_error("src 192.0.2.1 src 192.0.2.3 dst 192.0.2.2", "src given twice");
	expect_error("src 192.0.2.1 dst 192.0.2.2 proto tcp sport 65536", "sport: '65536'");
	expect_error("src 192.0.2.1 dst 192.0.2.2 proto tcp sport -1", "sport: '-1'");
	expect_error("src 192.0.2.1 dst 192.0.2.2 proto tcp dport 8o", "dport: '8o'");
	expect_error("src 192.0.2.1 dst 192.0.2.2 sport 5", "has no ports");
	expect_error("src 192.0.2.1 dst 192.0.2.2 proto icmp dport 5", "proto icmp has no ports");
	expect_error("src 192.0.2.1 dst 192.0.2.2 proto tcp spi 5", "spi: only with proto esp");
	expect_error("src 192.0.2.1 dst 192.0.2.2 proto udp id 5", "id: only with proto icmp");
	expect_error("src 192.0.2.1 dst 192.0.2.2 proto icmp type bogus", "type: 'bogus'");
	expect_error("src 192.0.2.1 dst 192.0.2.2 proto icmpv6", "icmpv6 needs IPv6");
	expect_error("src 192.0.2.1 dst 192.0.2.2 proto icmp type 3", "is an ICMP error");
	expect_error("src 192.0.2.1 dst 192.0.2.2 proto icmp type 8 inner src 192.0.2.1 "
		     "dst 192.0.2.3", "not an error");
	expect_error("src 192.0.2.1 dst 192.0.2.2 proto icmp inner src 2001:db8::1 "
		     "dst 2001:db8::2", "of its own family");
	expect_error("src 192.0.2.1 dst 192.0.2.2 proto bogus", "proto: 'bogus'");
	expect_error("src 192.0.2.1 dst 192.0.2.2 proto 256", "proto: '256'");
	expect_error("src 192.0.2.1 dst 192.0.2.2 frag last", "frag: 'last'");
	expect_error("vlan 4096 src 192.0.2.1 dst 192.0.2.2", "vlan: '4096'");
	expect_error("vlan 1 vlan 2 vlan 3 src 192.0.2.1 dst 192.0.2.2", "two tags at most");
	expect_error("smac 00:11 src 192.0.2.1 dst 192.0.2.2", "smac: '00:11'");
	expect_error("src 192.0.2.1 dst 192.0.2.2 proto udp key 5", "key: only with proto gre");
	expect_error("src 192.0.2.1 dst 192.0.2.2 proto gre", "inner src");
	expect_error("src 192.0.2.1 dst 192.0.2.2 proto tcp inner src 192.0.2.1 "
		     "dst 192.0.2.3", "outer proto must be gre");
	expect_error("src 192.0.2.1 dst 192.0.2.2 proto gre inner", "describe the inner");
	expect_error("src 192.0.2.1 dst 192.0.2.2 proto gre inner src 192.0.2.1",
		     "inner: give both src and dst");
	expect_error("src 192.0.2.1 dst 192.0.2.2 proto gre inner src 192.0.2.1 "
		     "dst 192.0.2.3 proto gre", "one level of tunnel");
	expect_error("src 192.0.2.1 dst 192.0.2.2 inner src 192.0.2.1 dst 192.0.2.3 inner",
		     "inner given twice");
	expect_error("src 192.0.2.1 dst 192.0.2.2 proto gre inner smac 00:00:00:00:00:01 "
		     "src 192.0.2.1 dst 192.0.2.3", "need 'proto gretap'");
	expect_error("ethertype 0x0800", "describe IP with src/dst");
	expect_error("ethertype lldp", "ethertype: 'lldp'");
	expect_error("ethertype arp src 2001:db8::1 dst 2001:db8::2", "IPv4 addresses");
	expect_error("ethertype arp src 192.0.2.1 dst 192.0.2.2 proto tcp",
		     "only src and dst apply");
	expect_error("ethertype 0x88cc src 192.0.2.1 dst 192.0.2.2", "need an IP frame");
	expect_error("ethertype arp pppoe 1 src 192.0.2.1 dst 192.0.2.2", "carries IP only");
	expect_error("vlan 5", "src and dst addresses at least");

	/* a buffer too small: -ENOSPC, nothing claimed */
	split(&ws, "src 192.0.2.1 dst 192.0.2.2 proto tcp sport 1 dport 2");
	memset(&b, 0, sizeof(b));
	b.rc = frame_desc_build(ws.w, ws.n, bond_mac, b.f, 40, &b.len, &b.err);
	assert_int_equal(b.rc, -ENOSPC);
	assert_int_equal(b.len, 0);
	assert_non_null(strstr(b.err.msg, "does not fit in 40 bytes"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_tcp_bytes),
		cmocka_unit_test(test_macs_and_vlans),
		cmocka_unit_test(test_ipv6_and_fragments),
		cmocka_unit_test(test_l4_protocols),
		cmocka_unit_test(test_tunnels),
		cmocka_unit_test(test_pppoe_arp_ethertype),
		cmocka_unit_test(test_hash_of_built),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
