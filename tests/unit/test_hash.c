/* Transmit hash policies (src/core/hash.c) against the kernel's __bond_xmit_hash() (docs/hash.md).
 *
 * Frames are written out byte by byte. Every expected value was worked out
 * from the section 7 formulas, with the steps in the comment next to it;
 * nothing here calls the code under test to make an expectation.
 *
 * Notation in the comments:
 *   word(a.b.c.d) = the 4 address bytes read little-endian, e.g.
 *                   word(192.0.2.10) = 0x0a0200c0
 *   w6(addr)      = XOR of the four little-endian words of an IPv6 address
 *   L2(type)      = dst_mac[5] ^ src_mac[5] ^ type  (0x55 ^ 0xee = 0xbb here)
 *   fold(h)       = h ^= h >> 16; h ^= h >> 8
 *   l34(s, ...)   = fold(s ^ saddr ^ daddr) >> 1
 *
 * Policies, as numbered by the option: 0 layer2, 1 layer3+4, 2 layer2+3,
 * 3 encap2+3, 4 encap3+4, 5 vlan+srcmac. Every check copies the frame into
 * a heap block of exactly its length, so under ASan a read past the end
 * fails the test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/hash.h"

#define NPOL 6

/* dst 00:11:22:33:44:55, src 00:aa:bb:cc:dd:ee */
#define MACS 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0xaa, 0xbb, 0xcc, 0xdd, 0xee
#define BCAST_MACS 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0xaa, 0xbb, 0xcc, 0xdd, 0xee

/* Addresses: word(192.0.2.10) = 0x0a0200c0, word(198.51.100.20) = 0x146433c6. */
#define S4 192, 0, 2, 10
#define D4 198, 51, 100, 20
/* Tunnel endpoints: word(10.0.0.1) = 0x0100000a, word(10.9.8.7) = 0x0708090a. */
#define TS4 10, 0, 0, 1
#define TD4 10, 9, 8, 7
/* ICMP error sender 203.0.113.9: word = 0x097100cb. */
#define RS4 203, 0, 113, 9

/* 2001:db8:1:2::a: words 0xb80d0120 0x02000100 0 0x0a000000, w6 = 0xb00d0020
 * 2001:db8:dead:beef::1: 0xb80d0120 0xefbeadde 0 0x01000000, w6 = 0x56b3acfe */
#define S6 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0x0a
#define D6 0x20, 0x01, 0x0d, 0xb8, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0, 0, 0, 0, 0x01
/* 2001:db8:0:ff::1: 0xb80d0120 0xff000000 0 0x01000000, w6 = 0x460d0120
 * 2001:db8:99::5: 0xb80d0120 0x00009900 0 0x05000000, w6 = 0xbd0d9820 */
#define RS6 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0xff, 0, 0, 0, 0, 0, 0, 0, 0x01
#define ED6 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x99, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0x05

/* IPv4 header without options: version/IHL, TOS, total length, id,
 * flags/fragment offset, TTL, protocol, checksum (not checked), addresses. */
#define IP4(tot, frag, proto, ...) \
	0x45, 0x00, (tot) >> 8, (tot) & 0xff, 0x12, 0x34, (frag) >> 8, (frag) & 0xff, \
	64, (proto), 0x00, 0x00, __VA_ARGS__
/* IPv6 header: version/class/label, payload length, next header, hops. */
#define IP6(plen, next, ...) \
	0x60, 0x00, 0x00, 0x00, (plen) >> 8, (plen) & 0xff, (next), 64, __VA_ARGS__
/* TCP 1234 -> 80, 20 bytes */
#define TCP_1234_80 0x04, 0xd2, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x10, 0xff, 0xff, \
	0, 0, 0, 0
/* UDP 5353 -> 53, 8 bytes */
#define UDP_5353_53 0x14, 0xe9, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00

static uint32_t hash_of(uint32_t policy, const uint8_t *frame, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	uint32_t h;

	assert_non_null(copy);
	memcpy(copy, frame, len);
	h = xmit_hash(policy, copy, len);
	free(copy);
	return h;
}

/* exp[policy] for policies 0..5 */
static void check(const uint8_t *frame, size_t len, const uint32_t exp[NPOL])
{
	for (uint32_t p = 0; p < NPOL; p++) {
		uint32_t got = hash_of(p, frame, len);

		if (got != exp[p])
			fail_msg("policy %u: got 0x%08x, want 0x%08x (len %zu)", p, got,
				 exp[p], len);
	}
}

/* vlan+srcmac for src 00:aa:bb:cc:dd:ee: vendor 0x00aabb ^ dev 0xccddee
 * ^ vlan 0 = 0x00cc7755 (every frame below uses that source). */
#define SRCMAC 0x00cc7755u

/* ---- layer 2 ------------------------------------------------------------ */

static void test_l2_untagged_tagged_qinq(void **state)
{
	static const uint8_t untagged[] = { MACS, 0x08, 0x00,
		IP4(40, 0, 6, S4, D4), TCP_1234_80 };
	static const uint8_t tagged[] = { MACS, 0x81, 0x00, 0x00, 0x0a, 0x08, 0x00,
		IP4(40, 0, 6, S4, D4), TCP_1234_80 };
	static const uint8_t qinq[] = { MACS, 0x88, 0xa8, 0x00, 0x64, 0x81, 0x00,
		0x00, 0x0a, 0x08, 0x00, IP4(40, 0, 6, S4, D4), TCP_1234_80 };
	/* untagged: L2(0x0800) = 0xbb ^ 0x0800 = 0x08bb */
	assert_int_equal(hash_of(XMIT_LAYER2, untagged, sizeof(untagged)), 0x08bb);
	/* In-band tags are hashed as the bytes say (as bond_main.c does):
	 * layer2 takes the outer type field, and every IP policy sees "not
	 * IP" and uses the same layer2 value, unfolded.
	 * tagged: L2(0x8100) = 0xbb ^ 0x8100 = 0x81bb */
	{
		const uint32_t exp[NPOL] = { 0x81bb, 0x81bb, 0x81bb, 0x81bb, 0x81bb, SRCMAC };
		check(tagged, sizeof(tagged), exp);
	}
	/* QinQ: L2(0x88a8) = 0xbb ^ 0x88a8 = 0x8813 */
	{
		const uint32_t exp[NPOL] = { 0x8813, 0x8813, 0x8813, 0x8813, 0x8813, SRCMAC };
		check(qinq, sizeof(qinq), exp);
	}
}

static void test_arp_every_policy(void **state)
{
	/* who-has 198.51.100.20 tell 192.0.2.10, to the broadcast address */
	static const uint8_t arp[] = { BCAST_MACS, 0x08, 0x06,
		0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
		0x00, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, S4, 0, 0, 0, 0, 0, 0, D4 };
	/* layer2 = 0xff ^ 0xee ^ 0x0806 = 0x11 ^ 0x0806 = 0x0817; layer2+3 and
	 * layer3+4: not IP -> the same.
	 * encap2+3: the dissector knows ARP but records no addresses:
	 *   fold(0x0817 ^ 0 ^ 0) = 0x0817 ^ 0x08 = 0x081f
	 * encap3+4: ports 0, addresses 0: fold(0) >> 1 = 0 */
	const uint32_t exp[NPOL] = { 0x0817, 0x0817, 0x0817, 0x081f, 0, SRCMAC };

	check(arp, sizeof(arp), exp);
}

static void test_non_ip_types(void **state)
{
	/* MPLS, one label with bottom-of-stack, then IPv4 */
	static const uint8_t mpls[] = { MACS, 0x88, 0x47, 0x00, 0x01, 0x01, 0x40,
		IP4(40, 0, 6, S4, D4), TCP_1234_80 };
	/* LLDP: only the layer2 value, whatever the policy */
	static const uint8_t lldp[] = { MACS, 0x88, 0xcc, 0x02, 0x07, 0x04, 0, 0x11,
		0x22, 0x33, 0x44, 0x55, 0x00, 0x00 };
	/* MPLS: L2(0x8847) = 0x88fc; encap2+3 fold(0x88fc) = 0x88fc ^ 0x88 = 0x8874;
	 * encap3+4: no addresses, no ports -> 0 */
	const uint32_t exp_mpls[NPOL] = { 0x88fc, 0x88fc, 0x88fc, 0x8874, 0, SRCMAC };
	/* LLDP: L2(0x88cc) = 0x8877 everywhere (the dissector refuses it) */
	const uint32_t exp_lldp[NPOL] = { 0x8877, 0x8877, 0x8877, 0x8877, 0x8877, SRCMAC };

	check(mpls, sizeof(mpls), exp_mpls);
	check(lldp, sizeof(lldp), exp_lldp);
}

/* ---- IPv4 ----------------------------------------------------------------- */

/* Worked values for 192.0.2.10 -> 198.51.100.20 (L2 = 0x08bb), as
 * start ^ saddr ^ daddr = x -> after ^>>16 -> after ^>>8 [-> >>1]:
 * l23:     0x000008bb ^ 0x0a0200c0 ^ 0x146433c6 = 0x1e663bbd -> 0x1e6625db -> 0x1e7843fe
 * tcp:     0x5000d204 ^ ...                     = 0x4e66e102 -> 0x4e66af64 -> 0x4e28c9cb -> 0x271464e5
 * noports: 0x00000000 ^ ...                     = 0x1e663306 -> 0x1e662d60 -> 0x1e784b4d -> 0x0f3c25a6
 * udp:     0x3500e914 (5353 -> 53)              = 0x2b66da12 -> 0x2b66f174 -> 0x2b4d9785 -> 0x15a6cbc2
 * sctp:    0x590b590b (2905 -> 2905)            = 0x476d6a0d -> 0x476d2d60 -> 0x472a404d -> 0x23952026
 * esp:     0x01100000 (SPI 00 00 10 01)         = 0x1f763306 -> 0x1f762c70 -> 0x1f695a5c -> 0x0fb4ad2e
 * ah:      0xefbeadde (SPI de ad be ef, off 4)  = 0xf1d89ed8 -> 0xf1d86f00 -> 0xf129b76f -> 0x7894dbb7
 * echo, id 0 -> 1: 8 | 0 << 8 | 1 << 16 = 0x00010008
 *                                               = 0x1e67330e -> 0x1e672d69 -> 0x1e794a44 -> 0x0f3ca522
 * echo, id 0x1234: 0x12340008                   = 0x0c52330e -> 0x0c523f5c -> 0x0c5e6d63 -> 0x062f36b1 */
#define V4_L23     0x1e7843feu
#define V4_TCP     0x271464e5u
#define V4_NOPORTS 0x0f3c25a6u
#define V4_UDP     0x15a6cbc2u

static void test_ipv4_l4_protocols(void **state)
{
	static const uint8_t tcp[] = { MACS, 0x08, 0x00, IP4(40, 0, 6, S4, D4), TCP_1234_80 };
	static const uint8_t udp[] = { MACS, 0x08, 0x00, IP4(28, 0, 17, S4, D4), UDP_5353_53 };
	/* SCTP 2905 -> 2905, verification tag, checksum */
	static const uint8_t sctp[] = { MACS, 0x08, 0x00, IP4(32, 0, 132, S4, D4),
		0x0b, 0x59, 0x0b, 0x59, 1, 2, 3, 4, 0, 0, 0, 0 };
	/* ESP: SPI 0x00001001, sequence 1 */
	static const uint8_t esp[] = { MACS, 0x08, 0x00, IP4(28, 0, 50, S4, D4),
		0x00, 0x00, 0x10, 0x01, 0, 0, 0, 1 };
	/* AH: next header 6, length 4, reserved, SPI 0xdeadbeef, sequence 1, ICV */
	static const uint8_t ah[] = { MACS, 0x08, 0x00, IP4(44, 0, 51, S4, D4),
		6, 4, 0, 0, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0 };
	/* IHL 6 (one option word: NOP NOP NOP EOL): the ports follow it */
	static const uint8_t opts[] = { MACS, 0x08, 0x00,
		0x46, 0x00, 0x00, 32, 0x12, 0x34, 0, 0, 64, 17, 0, 0, S4, D4,
		1, 1, 1, 0, UDP_5353_53 };
	/* protocol 47 with nothing GRE-like after it is still "no ports" */
	static const uint8_t igmp[] = { MACS, 0x08, 0x00, IP4(28, 0, 2, S4, D4),
		0x16, 0, 0, 0, 239, 1, 1, 1 };
	const uint32_t e_tcp[NPOL] = { 0x08bb, V4_TCP, V4_L23, V4_L23, V4_TCP, SRCMAC };
	const uint32_t e_udp[NPOL] = { 0x08bb, V4_UDP, V4_L23, V4_L23, V4_UDP, SRCMAC };
	const uint32_t e_sctp[NPOL] = { 0x08bb, 0x23952026, V4_L23, V4_L23, 0x23952026, SRCMAC };
	const uint32_t e_esp[NPOL] = { 0x08bb, 0x0fb4ad2e, V4_L23, V4_L23, 0x0fb4ad2e, SRCMAC };
	const uint32_t e_ah[NPOL] = { 0x08bb, 0x7894dbb7, V4_L23, V4_L23, 0x7894dbb7, SRCMAC };
	const uint32_t e_igmp[NPOL] = { 0x08bb, V4_NOPORTS, V4_L23, V4_L23, V4_NOPORTS, SRCMAC };

	check(tcp, sizeof(tcp), e_tcp);
	check(udp, sizeof(udp), e_udp);
	check(sctp, sizeof(sctp), e_sctp);
	check(esp, sizeof(esp), e_esp);
	check(ah, sizeof(ah), e_ah);
	check(opts, sizeof(opts), e_udp);
	check(igmp, sizeof(igmp), e_igmp);
}

static void test_ipv4_icmp(void **state)
{
	/* echo request, id 0, sequence 1 */
	static const uint8_t echo0[] = { MACS, 0x08, 0x00, IP4(28, 0, 1, S4, D4),
		8, 0, 0xf7, 0xfe, 0x00, 0x00, 0x00, 0x01 };
	static const uint8_t echo1234[] = { MACS, 0x08, 0x00, IP4(28, 0, 1, S4, D4),
		8, 0, 0xe5, 0xca, 0x12, 0x34, 0x00, 0x01 };
	/* The ICMP start value (type | code << 8 | id << 16) replaces the
	 * ports for layer3+4 and encap3+4; layer2+3 ignores it. */
	const uint32_t e0[NPOL] = { 0x08bb, 0x0f3ca522, V4_L23, V4_L23, 0x0f3ca522, SRCMAC };
	const uint32_t e1234[NPOL] = { 0x08bb, 0x062f36b1, V4_L23, V4_L23, 0x062f36b1, SRCMAC };

	check(echo0, sizeof(echo0), e0);
	check(echo1234, sizeof(echo1234), e1234);
}

/* ICMP port unreachable from 203.0.113.9 to 192.0.2.10, quoting the UDP
 * datagram 192.0.2.10:40000 -> 198.51.100.20:53. */
static const uint8_t icmp_err[] = { MACS, 0x08, 0x00,
	IP4(56, 0, 1, RS4, S4),
	3, 3, 0, 0, 0, 0, 0, 0,
	IP4(36, 0, 17, S4, D4),
	0x9c, 0x40, 0x00, 0x35, 0x00, 0x10, 0x00, 0x00 };
/* layer2+3 / layer3+4 hash the quoted packet (so the error goes with its
 * flow): l23 = V4_L23; l34 with ports 40000 -> 53 = 0x3500409c:
 *   0x3500409c ^ 0x0a0200c0 ^ 0x146433c6 = 0x2b66739a -> 0x2b6658fc -> 0x2b4d3ea4 -> 0x15a69f52
 * encap2+3 / encap3+4 do not follow errors: outer addresses
 * 203.0.113.9 (0x097100cb) -> 192.0.2.10, and the start value is the
 * ports of protocol 1, 0 (type 3 carries no id):
 *   e23: 0x000008bb ^ 0x097100cb ^ 0x0a0200c0 = 0x037308b0 -> 0x03730bc3 -> 0x037078c8
 *   e34: 0x00000000 ^ ...                     = 0x0373000b -> 0x03730378 -> 0x0370707b -> 0x01b8383d */
#define ERR_L34 0x15a69f52u
#define ERR_E23 0x037078c8u
#define ERR_E34 0x01b8383du

static void test_ipv4_icmp_error(void **state)
{
	const uint32_t exp[NPOL] = { 0x08bb, ERR_L34, V4_L23, ERR_E23, ERR_E34, SRCMAC };

	check(icmp_err, sizeof(icmp_err), exp);
}

static void test_ipv4_fragments(void **state)
{
	/* first fragment: MF set, offset 0 (the UDP header is there) */
	static const uint8_t first[] = { MACS, 0x08, 0x00, IP4(28, 0x2000, 17, S4, D4),
		UDP_5353_53 };
	/* middle fragment: MF set, offset 185 (1480 bytes) */
	static const uint8_t middle[] = { MACS, 0x08, 0x00, IP4(28, 0x20b9, 17, S4, D4),
		0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x11 };
	/* last fragment: offset 370, MF clear */
	static const uint8_t last[] = { MACS, 0x08, 0x00, IP4(28, 0x0172, 17, S4, D4),
		0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x11 };
	/* a fragment that is also DF-flagged only (0x4000): not a fragment */
	static const uint8_t df[] = { MACS, 0x08, 0x00, IP4(28, 0x4000, 17, S4, D4),
		UDP_5353_53 };
	/* Every fragment, the first one too, gets ports 0 in both walkers;
	 * the addresses still count. */
	const uint32_t e_frag[NPOL] = { 0x08bb, V4_NOPORTS, V4_L23, V4_L23, V4_NOPORTS, SRCMAC };
	const uint32_t e_df[NPOL] = { 0x08bb, V4_UDP, V4_L23, V4_L23, V4_UDP, SRCMAC };

	check(first, sizeof(first), e_frag);
	check(middle, sizeof(middle), e_frag);
	check(last, sizeof(last), e_frag);
	check(df, sizeof(df), e_df);
}

/* ---- IPv6 ----------------------------------------------------------------- */

/* 2001:db8:1:2::a -> 2001:db8:dead:beef::1, w6 0xb00d0020 and 0x56b3acfe,
 * L2(0x86dd) = 0x8666:
 * l23:     0x00008666 ^ 0xb00d0020 ^ 0x56b3acfe = 0xe6be2ab8 -> 0xe6becc06 -> 0xe65872ca
 * tcp:     0x50c3bb01 (443 -> 50000)            = 0xb67d17df -> 0xb67da1a2 -> 0xb6cbdc03 -> 0x5b65ee01
 * noports: 0                                    = 0xe6beacde -> 0xe6be4a60 -> 0xe658f42a -> 0x732c7a15
 * udp:     0x23022202 (546 -> 547)              = 0xc5bc8edc -> 0xc5bc4b60 -> 0xc579f72b -> 0x62bcfb95
 * echo request id 0x0bad: 128 | 0x0bad << 16 = 0x0bad0080
 *                                               = 0xed13ac5e -> 0xed13414d -> 0xedfe520c -> 0x76ff2906
 * echo reply id 0 -> 1: 0x00010081              = 0xe6bfac5f -> 0xe6bf4ae0 -> 0xe659f5aa -> 0x732cfad5 */
#define V6_L23     0xe65872cau
#define V6_TCP     0x5b65ee01u
#define V6_NOPORTS 0x732c7a15u
#define V6_UDP     0x62bcfb95u
#define TCP_443_50000 0x01, 0xbb, 0xc3, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x10, 0xff, 0xff, \
	0, 0, 0, 0
#define UDP_546_547 0x02, 0x22, 0x02, 0x23, 0x00, 0x08, 0x00, 0x00

static void test_ipv6_tcp_udp_icmp(void **state)
{
	static const uint8_t tcp[] = { MACS, 0x86, 0xdd, IP6(20, 6, S6, D6), TCP_443_50000 };
	static const uint8_t udp[] = { MACS, 0x86, 0xdd, IP6(8, 17, S6, D6), UDP_546_547 };
	static const uint8_t echo[] = { MACS, 0x86, 0xdd, IP6(8, 58, S6, D6),
		128, 0, 0x12, 0x34, 0x0b, 0xad, 0x00, 0x07 };
	static const uint8_t reply0[] = { MACS, 0x86, 0xdd, IP6(8, 58, S6, D6),
		129, 0, 0x12, 0x34, 0x00, 0x00, 0x00, 0x07 };
	const uint32_t e_tcp[NPOL] = { 0x8666, V6_TCP, V6_L23, V6_L23, V6_TCP, SRCMAC };
	const uint32_t e_udp[NPOL] = { 0x8666, V6_UDP, V6_L23, V6_L23, V6_UDP, SRCMAC };
	const uint32_t e_echo[NPOL] = { 0x8666, 0x76ff2906, V6_L23, V6_L23, 0x76ff2906, SRCMAC };
	const uint32_t e_reply[NPOL] = { 0x8666, 0x732cfad5, V6_L23, V6_L23, 0x732cfad5, SRCMAC };

	check(tcp, sizeof(tcp), e_tcp);
	check(udp, sizeof(udp), e_udp);
	check(echo, sizeof(echo), e_echo);
	check(reply0, sizeof(reply0), e_reply);
}

/* hop-by-hop (8 bytes: next 6, length 0, PadN) then TCP 443 -> 50000 */
static const uint8_t v6_hop_tcp[] = { MACS, 0x86, 0xdd, IP6(28, 0, S6, D6),
	6, 0, 1, 4, 0, 0, 0, 0, TCP_443_50000 };

static void test_ipv6_extension_headers(void **state)
{
	/* routing (next 60, length 0, type 4, segments 0), then destination
	 * options of 16 bytes (next 17, length 1), then UDP 546 -> 547 */
	static const uint8_t rt_dst_udp[] = { MACS, 0x86, 0xdd, IP6(32, 43, S6, D6),
		60, 0, 4, 0, 0, 0, 0, 0,
		17, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		UDP_546_547 };
	/* layer3+4 reads the first next-header only (no extension header is
	 * skipped by the bond's own walker): protocol 0 or 43 has no ports.
	 * encap3+4 runs the dissector, which skips them. */
	const uint32_t e_hop[NPOL] = { 0x8666, V6_NOPORTS, V6_L23, V6_L23, V6_TCP, SRCMAC };
	const uint32_t e_rt[NPOL] = { 0x8666, V6_NOPORTS, V6_L23, V6_L23, V6_UDP, SRCMAC };

	check(v6_hop_tcp, sizeof(v6_hop_tcp), e_hop);
	check(rt_dst_udp, sizeof(rt_dst_udp), e_rt);
}

static void test_ipv6_fragment(void **state)
{
	/* fragment header (next 17, offset 0, M set, id 0x1234), first
	 * fragment with the UDP header; then a later one */
	static const uint8_t first[] = { MACS, 0x86, 0xdd, IP6(16, 44, S6, D6),
		17, 0, 0x00, 0x01, 0, 0, 0x12, 0x34, UDP_546_547 };
	static const uint8_t later[] = { MACS, 0x86, 0xdd, IP6(16, 44, S6, D6),
		17, 0, 0x05, 0xc9, 0, 0, 0x12, 0x34, 1, 2, 3, 4, 5, 6, 7, 8 };
	/* hop-by-hop, then the fragment header: ports still 0 */
	static const uint8_t hop_frag[] = { MACS, 0x86, 0xdd, IP6(24, 0, S6, D6),
		44, 0, 1, 4, 0, 0, 0, 0,
		17, 0, 0x00, 0x01, 0, 0, 0x12, 0x34, UDP_546_547 };
	const uint32_t exp[NPOL] = { 0x8666, V6_NOPORTS, V6_L23, V6_L23, V6_NOPORTS, SRCMAC };

	check(first, sizeof(first), exp);
	check(later, sizeof(later), exp);
	check(hop_frag, sizeof(hop_frag), exp);
}

static void test_icmpv6_error(void **state)
{
	/* port unreachable (1/4) from 2001:db8:0:ff::1 to 2001:db8:1:2::a,
	 * quoting UDP 2001:db8:1:2::a:33434 -> 2001:db8:99::5:33435 */
	static const uint8_t err[] = { MACS, 0x86, 0xdd, IP6(56, 58, RS6, S6),
		1, 4, 0, 0, 0, 0, 0, 0,
		IP6(8, 17, S6, ED6),
		0x82, 0x9a, 0x82, 0x9b, 0x00, 0x08, 0x00, 0x00 };
	/* w6(2001:db8:0:ff::1) = 0x460d0120, w6(2001:db8:99::5) = 0xbd0d9820,
	 * ports 33434 -> 33435 = 0x9b829a82.
	 * l23 (quoted): 0x00008666 ^ 0xb00d0020 ^ 0xbd0d9820 = 0x0d001e66 -> 0x0d001366 -> 0x0d0d1375
	 * l34 (quoted): 0x9b829a82 ^ ...  = 0x96820282 -> 0x96829400 -> 0x96141694 -> 0x4b0a0b4a
	 * e23 (outer):  0x00008666 ^ 0x460d0120 ^ 0xb00d0020 = 0xf6008766 -> 0xf6007166 -> 0xf6f67117
	 * e34 (outer, ports 0): 0xf6000100 -> 0xf600f700 -> 0xf6f6f7f7 -> 0x7b7b7bfb */
	const uint32_t exp[NPOL] = { 0x8666, 0x4b0a0b4a, 0x0d0d1375, 0xf6f67117, 0x7b7b7bfb,
				     SRCMAC };

	check(err, sizeof(err), exp);
}

/* ---- tunnels ------------------------------------------------------------- */

/* Outer 10.0.0.1 -> 10.9.8.7 (0x0100000a, 0x0708090a):
 * l23 (outer): 0x000008bb ^ 0x0100000a ^ 0x0708090a = 0x060801bb -> 0x060807b3 -> 0x060e0fb4
 * l34 (outer, protocol 4/41/47: no ports):
 *              0x06080900 -> 0x06080f08 -> 0x060e0707 -> 0x03070383
 * The encap policies hash the inner packet (V4_L23 / V4_TCP above, or
 * for an inner IPv6 with the outer L2 value 0x08bb:
 *   0x000008bb ^ 0xb00d0020 ^ 0x56b3acfe = 0xe6bea465 -> 0xe6be42db -> 0xe658fc99). */
#define TUN_L23 0x060e0fb4u
#define TUN_L34 0x03070383u
#define V6_IN4_E23 0xe658fc99u

/* GRE with a key: flags 0x2000, protocol 0x0800, key 42, inner TCP */
static const uint8_t gre_key_tcp[] = { MACS, 0x08, 0x00,
	IP4(68, 0, 47, TS4, TD4),
	0x20, 0x00, 0x08, 0x00, 0, 0, 0, 42,
	IP4(40, 0, 6, S4, D4), TCP_1234_80 };

static void test_gre_ipip(void **state)
{
	static const uint8_t ipip[] = { MACS, 0x08, 0x00, IP4(60, 0, 4, TS4, TD4),
		IP4(40, 0, 6, S4, D4), TCP_1234_80 };
	/* IPv6 in IPv4 (protocol 41), inner UDP 546 -> 547 */
	static const uint8_t six_in_four[] = { MACS, 0x08, 0x00, IP4(68, 0, 41, TS4, TD4),
		IP6(8, 17, S6, D6), UDP_546_547 };
	/* GRE with checksum and sequence (0x9000), protocol 0x86dd */
	static const uint8_t gre_csum_seq[] = { MACS, 0x08, 0x00, IP4(92, 0, 47, TS4, TD4),
		0x90, 0x00, 0x86, 0xdd, 0xab, 0xcd, 0, 0, 0, 0, 0, 7,
		IP6(20, 6, S6, D6), TCP_443_50000 };
	/* GRE 0x6558: an inner Ethernet frame (its own MACs are not hashed) */
	static const uint8_t gretap[] = { MACS, 0x08, 0x00, IP4(68, 0, 47, TS4, TD4),
		0x00, 0x00, 0x65, 0x58,
		0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 3, 0x08, 0x00,
		IP4(28, 0, 17, S4, D4), UDP_5353_53 };
	/* the same, with an 802.1Q tag on the inner frame: followed */
	static const uint8_t gretap_vlan[] = { MACS, 0x08, 0x00, IP4(72, 0, 47, TS4, TD4),
		0x00, 0x00, 0x65, 0x58,
		0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 3, 0x81, 0x00, 0x00, 0x07, 0x08, 0x00,
		IP4(28, 0, 17, S4, D4), UDP_5353_53 };
	/* GRE version 2: not looked into (outer flow, no ports) */
	static const uint8_t gre_v2[] = { MACS, 0x08, 0x00, IP4(64, 0, 47, TS4, TD4),
		0x00, 0x02, 0x08, 0x00, IP4(40, 0, 6, S4, D4), TCP_1234_80 };
	const uint32_t e_tcp[NPOL] = { 0x08bb, TUN_L34, TUN_L23, V4_L23, V4_TCP, SRCMAC };
	const uint32_t e_6in4[NPOL] = { 0x08bb, TUN_L34, TUN_L23, V6_IN4_E23, V6_UDP, SRCMAC };
	const uint32_t e_cs[NPOL] = { 0x08bb, TUN_L34, TUN_L23, V6_IN4_E23, V6_TCP, SRCMAC };
	const uint32_t e_tap[NPOL] = { 0x08bb, TUN_L34, TUN_L23, V4_L23, V4_UDP, SRCMAC };
	const uint32_t e_v2[NPOL] = { 0x08bb, TUN_L34, TUN_L23, TUN_L23, TUN_L34, SRCMAC };

	check(gre_key_tcp, sizeof(gre_key_tcp), e_tcp);
	check(ipip, sizeof(ipip), e_tcp);
	check(six_in_four, sizeof(six_in_four), e_6in4);
	check(gre_csum_seq, sizeof(gre_csum_seq), e_cs);
	check(gretap, sizeof(gretap), e_tap);
	check(gretap_vlan, sizeof(gretap_vlan), e_tap);
	check(gre_v2, sizeof(gre_v2), e_v2);
}

static void test_vxlan_not_followed(void **state)
{
	/* UDP 49152 -> 4789, VXLAN VNI 100, inner Ethernet + IPv4 TCP */
	static const uint8_t vxlan[] = { MACS, 0x08, 0x00, IP4(90, 0, 17, TS4, TD4),
		0xc0, 0x00, 0x12, 0xb5, 0x00, 0x46, 0x00, 0x00,
		0x08, 0, 0, 0, 0, 0, 100, 0,
		0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 3, 0x08, 0x00,
		IP4(40, 0, 6, S4, D4), TCP_1234_80 };
	/* The outer UDP ports are the flow: 0xb51200c0
	 *   0xb51200c0 ^ 0x0100000a ^ 0x0708090a = 0xb31a09c0 -> 0xb31abada -> 0xb3a9a060 -> 0x59d4d030 */
	const uint32_t exp[NPOL] = { 0x08bb, 0x59d4d030, TUN_L23, TUN_L23, 0x59d4d030, SRCMAC };

	check(vxlan, sizeof(vxlan), exp);
}

static void test_pppoe(void **state)
{
	/* PPPoE session 0x002a, PPP protocol 0x0021 (IPv4), TCP */
	static const uint8_t ses_ip[] = { MACS, 0x88, 0x64,
		0x11, 0x00, 0x00, 0x2a, 0x00, 42, 0x00, 0x21,
		IP4(40, 0, 6, S4, D4), TCP_1234_80 };
	/* LCP (0xc021): a flow without addresses */
	static const uint8_t ses_lcp[] = { MACS, 0x88, 0x64,
		0x11, 0x00, 0x00, 0x2a, 0x00, 6, 0xc0, 0x21, 9, 1, 0, 4 };
	/* version 2: refused, plain layer2 */
	static const uint8_t bad_ver[] = { MACS, 0x88, 0x64,
		0x21, 0x00, 0x00, 0x2a, 0x00, 42, 0x00, 0x21,
		IP4(40, 0, 6, S4, D4), TCP_1234_80 };
	/* L2(0x8864) = 0x88df. layer2+3 / layer3+4: not IP -> 0x88df.
	 * e23: 0x000088df ^ 0x0a0200c0 ^ 0x146433c6 = 0x1e66bbd9 -> 0x1e66a5bf -> 0x1e78c31a
	 * e34: the inner TCP flow, V4_TCP.
	 * LCP e23: fold(0x88df) = 0x88df ^ 0x88 = 0x8857; e34: 0 */
	const uint32_t e_ip[NPOL] = { 0x88df, 0x88df, 0x88df, 0x1e78c31a, V4_TCP, SRCMAC };
	const uint32_t e_lcp[NPOL] = { 0x88df, 0x88df, 0x88df, 0x8857, 0, SRCMAC };
	const uint32_t e_bad[NPOL] = { 0x88df, 0x88df, 0x88df, 0x88df, 0x88df, SRCMAC };

	check(ses_ip, sizeof(ses_ip), e_ip);
	check(ses_lcp, sizeof(ses_lcp), e_lcp);
	check(bad_ver, sizeof(bad_ver), e_bad);
}

static void test_vlan_srcmac(void **state)
{
	/* src 52:54:00:12:34:56: vendor 0x525400, device 0x123456,
	 * 0x525400 ^ 0x123456 = 0x406056 (in-band tag or not: vlan 0) */
	static const uint8_t untagged[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x08, 0x06, 0, 1, 8, 0, 6, 4, 0, 1 };
	static const uint8_t tagged[] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01,
		0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x81, 0x00, 0x0f, 0xff, 0x08, 0x00 };

	assert_int_equal(hash_of(XMIT_VLAN_SRCMAC, untagged, sizeof(untagged)), 0x406056);
	assert_int_equal(hash_of(XMIT_VLAN_SRCMAC, tagged, sizeof(tagged)), 0x406056);
	/* exactly an Ethernet header is enough */
	assert_int_equal(hash_of(XMIT_VLAN_SRCMAC, tagged, 14), 0x406056);
	assert_int_equal(hash_of(XMIT_VLAN_SRCMAC, tagged, 13), 0);
}

/* ---- a VLAN sub-interface's frames: the tag out of band ------------------ */

static uint32_t hash_vlan_of(uint32_t policy, const uint8_t *frame, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	uint32_t h;

	assert_non_null(copy);
	memcpy(copy, frame, len);
	h = xmit_hash_vlan(policy, copy, len);
	free(copy);
	return h;
}

static void check_vlan(const uint8_t *frame, size_t len, const uint32_t exp[NPOL])
{
	for (uint32_t p = 0; p < NPOL; p++) {
		uint32_t got = hash_vlan_of(p, frame, len);

		if (got != exp[p])
			fail_msg("out of band, policy %u: got 0x%08x, want 0x%08x (len %zu)",
				 p, got, exp[p], len);
	}
}

/* The same bytes as test_l2_untagged_tagged_qinq's tagged frame, but sent
 * by a VLAN device stacked on the bond: the kernel carries the tag out of
 * band and hashes the untagged frame (skb->protocol 0x0800, network header
 * at 14 of the untagged frame), so every policy gives the untagged frame's
 * value, and vlan+srcmac XORs in the TCI. The in-band rule on the same
 * bytes gives 0x81bb (test above): the two rules differ on every policy. */
static void test_out_of_band_tag(void **state)
{
	static const uint8_t tagged[] = { MACS, 0x81, 0x00, 0x00, 0x0a, 0x08, 0x00,
		IP4(40, 0, 6, S4, D4), TCP_1234_80 };
	/* 802.1ad outer tag (VID 100) around an 802.1Q one: out of band only
	 * the outer tag; the inner stays in band: type 0x8100 = not IP.
	 * L2(0x8100) = 0x81bb; srcmac 0x00cc7755 ^ 0x0064 = 0x00cc7731 */
	static const uint8_t qinq[] = { MACS, 0x88, 0xa8, 0x00, 0x64, 0x81, 0x00,
		0x00, 0x0a, 0x08, 0x00, IP4(40, 0, 6, S4, D4), TCP_1234_80 };
	/* TCI 0xa00a: priority 5, VID 10. skb_vlan_tag_get() is the whole
	 * TCI: srcmac 0x00cc7755 ^ 0xa00a = 0x00ccd75f */
	static const uint8_t prio[] = { MACS, 0x81, 0x00, 0xa0, 0x0a, 0x08, 0x00,
		IP4(40, 0, 6, S4, D4), TCP_1234_80 };
	/* who-has 198.51.100.20 tell 192.0.2.10, VLAN 10: the untagged ARP's
	 * values (test_arp_every_policy), srcmac ^ 0x000a = 0x00cc775f */
	static const uint8_t arp[] = { BCAST_MACS, 0x81, 0x00, 0x00, 0x0a, 0x08, 0x06,
		0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
		0x00, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, S4, 0, 0, 0, 0, 0, 0, D4 };
	/* An untagged frame: nothing to take out, xmit_hash's values. */
	static const uint8_t untagged[] = { MACS, 0x08, 0x00, IP4(40, 0, 6, S4, D4),
		TCP_1234_80 };
	/* IPv6 TCP 443 -> 50000 behind the tag: the untagged values of
	 * test_ipv6_tcp_udp_icmp: layer2 L2(0x86dd) = 0x8666 */
	static const uint8_t v6[] = { MACS, 0x81, 0x00, 0x00, 0x0a, 0x86, 0xdd,
		IP6(20, 6, S6, D6), TCP_443_50000 };
	const uint32_t e_tagged[NPOL] = { 0x08bb, V4_TCP, V4_L23, V4_L23, V4_TCP, 0x00cc775f };
	const uint32_t e_qinq[NPOL] = { 0x81bb, 0x81bb, 0x81bb, 0x81bb, 0x81bb, 0x00cc7731 };
	const uint32_t e_prio[NPOL] = { 0x08bb, V4_TCP, V4_L23, V4_L23, V4_TCP, 0x00ccd75f };
	const uint32_t e_arp[NPOL] = { 0x0817, 0x0817, 0x0817, 0x081f, 0, 0x00cc775f };
	const uint32_t e_untagged[NPOL] = { 0x08bb, V4_TCP, V4_L23, V4_L23, V4_TCP, SRCMAC };
	const uint32_t e_v6[NPOL] = { 0x8666, V6_TCP, V6_L23, V6_L23, V6_TCP, 0x00cc775f };

	check_vlan(tagged, sizeof(tagged), e_tagged);
	check_vlan(qinq, sizeof(qinq), e_qinq);
	check_vlan(prio, sizeof(prio), e_prio);
	check_vlan(arp, sizeof(arp), e_arp);
	check_vlan(untagged, sizeof(untagged), e_untagged);
	check_vlan(v6, sizeof(v6), e_v6);
}

/* The tagged TCP frame cut at every length: below 16 bytes there is no
 * whole tag and the in-band rule applies (0 below 14, then L2(0x8100) =
 * 0x81bb, srcmac without a VLAN term); at 16 and 17 the untagged frame is
 * shorter than an Ethernet header: 0; from 18 on, the untagged frame's
 * values at len - 4 (exp_v4_tcp's thresholds 34 and 38 become 38 and 42). */
static void test_out_of_band_truncated(void **state)
{
	static const uint8_t tagged[] = { MACS, 0x81, 0x00, 0x00, 0x0a, 0x08, 0x00,
		IP4(40, 0, 6, S4, D4), TCP_1234_80 };

	for (size_t len = 0; len <= sizeof(tagged); len++) {
		uint32_t exp[NPOL];

		if (len < 14 || len == 16 || len == 17) {
			memset(exp, 0, sizeof(exp));
		} else if (len < 16) {
			for (int p = 0; p < NPOL - 1; p++)
				exp[p] = 0x81bb;
			exp[XMIT_VLAN_SRCMAC] = SRCMAC;
		} else {
			for (int p = 0; p < NPOL - 1; p++)
				exp[p] = 0x08bb;
			exp[XMIT_VLAN_SRCMAC] = 0x00cc775f;
			if (len >= 38) {
				exp[XMIT_LAYER23] = exp[XMIT_ENCAP23] = V4_L23;
				exp[XMIT_LAYER34] = exp[XMIT_ENCAP34] =
					len >= 42 ? V4_TCP : V4_NOPORTS;
			}
		}
		check_vlan(tagged, len, exp);
	}
}

/* ---- truncated frames ----------------------------------------------------- */

/* Each frame is cut at every length from 0 to its full size. Below 14
 * bytes every policy gives 0 (no Ethernet header); after that the value
 * is the layer2 formula until the header a policy needs is all there. A
 * header the bond's own walker (layer2+3, layer3+4) cannot read sends it
 * to the layer2 formula; the dissector (encap) does the same for a
 * missing IP/GRE/extension header but treats missing ports (or ICMP
 * header) as 0. */
typedef void (*expect_fn)(size_t len, uint32_t exp[NPOL]);

static void run_truncated(const uint8_t *frame, size_t full, expect_fn fn,
			  uint32_t l2)
{
	for (size_t len = 0; len <= full; len++) {
		uint32_t exp[NPOL];

		if (len < 14) {
			memset(exp, 0, sizeof(exp));
		} else {
			for (int p = 0; p < NPOL - 1; p++)
				exp[p] = l2;
			exp[XMIT_VLAN_SRCMAC] = SRCMAC;
			fn(len, exp);
		}
		check(frame, len, exp);
	}
}

static void exp_v4_tcp(size_t len, uint32_t e[NPOL])
{
	if (len >= 34) {         /* IPv4 header complete */
		e[XMIT_LAYER23] = e[XMIT_ENCAP23] = V4_L23;
		e[XMIT_LAYER34] = e[XMIT_ENCAP34] = len >= 38 ? V4_TCP : V4_NOPORTS;
	}
}

static void exp_gre(size_t len, uint32_t e[NPOL])
{
	if (len >= 34) {         /* outer IPv4 header */
		e[XMIT_LAYER23] = TUN_L23;
		e[XMIT_LAYER34] = TUN_L34;
	}
	/* GRE base 34..37, key 38..41, inner IPv4 42..61: all needed */
	if (len >= 62) {
		e[XMIT_ENCAP23] = V4_L23;
		e[XMIT_ENCAP34] = len >= 66 ? V4_TCP : V4_NOPORTS;
	}
}

static void exp_v6_hop(size_t len, uint32_t e[NPOL])
{
	if (len >= 54) {         /* IPv6 header */
		e[XMIT_LAYER23] = V6_L23;
		e[XMIT_LAYER34] = V6_NOPORTS;
	}
	if (len >= 56) {         /* the 2 bytes of the hop-by-hop header read */
		e[XMIT_ENCAP23] = V6_L23;
		e[XMIT_ENCAP34] = len >= 66 ? V6_TCP : V6_NOPORTS;
	}
}

static void exp_icmp_err(size_t len, uint32_t e[NPOL])
{
	if (len >= 34) {
		e[XMIT_ENCAP23] = ERR_E23;
		e[XMIT_ENCAP34] = ERR_E34;
		/* ICMP header cut short: no type seen, not an error: the
		 * outer packet, like the encap policies */
		e[XMIT_LAYER23] = ERR_E23;
		e[XMIT_LAYER34] = ERR_E34;
	}
	if (len >= 42 && len < 62) {   /* an error, its quoted header cut short */
		e[XMIT_LAYER23] = 0x08bb;
		e[XMIT_LAYER34] = 0x08bb;
	}
	if (len >= 62) {
		e[XMIT_LAYER23] = V4_L23;
		e[XMIT_LAYER34] = len >= 66 ? ERR_L34 : V4_NOPORTS;
	}
}

static void test_truncated(void **state)
{
	static const uint8_t v4_tcp[] = { MACS, 0x08, 0x00, IP4(40, 0, 6, S4, D4),
		TCP_1234_80 };

	run_truncated(v4_tcp, sizeof(v4_tcp), exp_v4_tcp, 0x08bb);
	run_truncated(gre_key_tcp, sizeof(gre_key_tcp), exp_gre, 0x08bb);
	run_truncated(v6_hop_tcp, sizeof(v6_hop_tcp), exp_v6_hop, 0x8666);
	run_truncated(icmp_err, sizeof(icmp_err), exp_icmp_err, 0x08bb);
}

/* Nothing may read past the end, whatever the bytes say: every prefix of
 * frames with absurd lengths (IHL 15, extension header length 255, GRE
 * with every option flag) only has to come back, under ASan. */
static void test_hostile_lengths(void **state)
{
	static const uint8_t ihl15[] = { MACS, 0x08, 0x00, 0x4f, 0, 0, 20, 0, 0, 0, 0,
		64, 6, 0, 0, S4, D4 };
	static const uint8_t ext255[] = { MACS, 0x86, 0xdd, IP6(8, 60, S6, D6),
		6, 255, 0, 0, 0, 0, 0, 0 };
	static const uint8_t gre_all[] = { MACS, 0x08, 0x00, IP4(40, 0, 47, TS4, TD4),
		0xb0, 0x00, 0x65, 0x58, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t pptp[] = { MACS, 0x08, 0x00, IP4(40, 0, 47, TS4, TD4),
		0x30, 0x81, 0x88, 0x0b, 0, 8, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xff, 0x03, 0x00,
		0x21 };
	const uint8_t *frames[] = { ihl15, ext255, gre_all, pptp };
	const size_t lens[] = { sizeof(ihl15), sizeof(ext255), sizeof(gre_all), sizeof(pptp) };

	for (size_t f = 0; f < 4; f++)
		for (size_t len = 0; len <= lens[f]; len++)
			for (uint32_t p = 0; p < 8; p++)
				(void)hash_of(p, frames[f], len);
	/* IHL 15 with 20 bytes of header: the ports would be 40 bytes past
	 * the end: 0 (V4_NOPORTS), the addresses still count. The dissector
	 * has the same view. */
	{
		const uint32_t exp[NPOL] = { 0x08bb, V4_NOPORTS, V4_L23, V4_L23, V4_NOPORTS,
					     SRCMAC };
		check(ihl15, sizeof(ihl15), exp);
	}
}

/* ---- property: flows stick, slaves share ------------------------------- */

static uint32_t rng_state = 0x2545f491;

static uint32_t rnd(void)
{
	uint32_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	rng_state = x;
	return x;
}

/* An IPv4 TCP frame for a 5-tuple; noise goes where the hash must not
 * look (IP id, TTL, sequence number, payload). */
static void make_flow(uint8_t f[64], uint32_t src, uint32_t dst, uint16_t sp,
		      uint16_t dp, uint32_t noise)
{
	static const uint8_t hdr[14] = { MACS, 0x08, 0x00 };

	memset(f, 0, 64);
	memcpy(f, hdr, 14);
	f[14] = 0x45;
	f[17] = 50;
	f[18] = (uint8_t)(noise >> 8);
	f[19] = (uint8_t)noise;
	f[22] = (uint8_t)(noise >> 16) | 1;
	f[23] = 6;
	for (int i = 0; i < 4; i++) {
		f[26 + i] = (uint8_t)(src >> (24 - 8 * i));
		f[30 + i] = (uint8_t)(dst >> (24 - 8 * i));
		f[38 + i] = (uint8_t)(noise >> (8 * i));
		f[60 + i] = (uint8_t)(noise >> (8 * i));
	}
	f[34] = (uint8_t)(sp >> 8);
	f[35] = (uint8_t)sp;
	f[36] = (uint8_t)(dp >> 8);
	f[37] = (uint8_t)dp;
	f[46] = 0x50;
}

static void test_property_flows(void **state)
{
	enum { FLOWS = 10000 };
	unsigned count[5][4] = { { 0 } };
	uint8_t a[64], b[64];

	for (int i = 0; i < FLOWS; i++) {
		uint32_t src = rnd(), dst = rnd(), pp = rnd();
		uint16_t sp = (uint16_t)pp, dp = (uint16_t)(pp >> 16);
		uint32_t ha, hb;

		make_flow(a, src, dst, sp, dp, rnd());
		make_flow(b, src, dst, sp, dp, rnd());
		ha = xmit_hash(XMIT_LAYER34, a, sizeof(a));
		hb = xmit_hash(XMIT_LAYER34, b, sizeof(b));
		/* the same flow, other packets: the same hash, so the same
		 * slave for every slave count */
		assert_int_equal(ha, hb);
		/* the two walkers agree on a plain TCP packet */
		assert_int_equal(xmit_hash(XMIT_ENCAP34, a, sizeof(a)), ha);
		for (unsigned n = 2; n <= 4; n++)
			count[n][ha % n]++;
	}
	/* Each slave of 2, 3 or 4 gets its share within 10%. */
	for (unsigned n = 2; n <= 4; n++) {
		for (unsigned s = 0; s < n; s++) {
			double share = (double)count[n][s] * n / FLOWS;

			if (share < 0.9 || share > 1.1)
				fail_msg("%u slaves: slave %u got %u of %d flows", n, s,
					 count[n][s], FLOWS);
		}
	}
}
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_l2_untagged_tagged_qinq),
		cmocka_unit_test(test_arp_every_policy),
		cmocka_unit_test(test_non_ip_types),
		cmocka_unit_test(test_ipv4_l4_protocols),
		cmocka_unit_test(test_ipv4_icmp),
		cmocka_unit_test(test_ipv4_icmp_error),
		cmocka_unit_test(test_ipv4_fragments),
		cmocka_unit_test(test_ipv6_tcp_udp_icmp),
		cmocka_unit_test(test_ipv6_extension_headers),
		cmocka_unit_test(test_ipv6_fragment),
		cmocka_unit_test(test_icmpv6_error),
		cmocka_unit_test(test_gre_ipip),
		cmocka_unit_test(test_vxlan_not_followed),
		cmocka_unit_test(test_pppoe),
		cmocka_unit_test(test_vlan_srcmac),
		cmocka_unit_test(test_out_of_band_tag),
		cmocka_unit_test(test_out_of_band_truncated),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_hostile_lengths),
		cmocka_unit_test(test_property_flows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
