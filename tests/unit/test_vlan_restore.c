/* src/linux/vlan_restore.c: the tag the kernel took out goes back in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>

#include "linux/vlan_restore.h"

#define VNET 10

static const uint8_t arp[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
};

static void inserts_after_the_addresses(void **state)
{
	uint8_t buf[VLAN_TAG_LEN + VNET + sizeof(arp)];
	struct virtio_net_hdr h = { 0 };
	size_t n;

	(void)state;
	memcpy(buf + VLAN_TAG_LEN, &h, sizeof(h));
	memcpy(buf + VLAN_TAG_LEN + VNET, arp, sizeof(arp));
	n = vlan_tag_insert(buf, VNET, sizeof(arp), 0x8100, 0x2064);
	assert_int_equal(n, sizeof(arp) + 4);
	assert_memory_equal(buf + VNET, arp, 12);
	static const uint8_t tag[] = { 0x81, 0x00, 0x20, 0x64 };
	assert_memory_equal(buf + VNET + 12, tag, 4);
	assert_memory_equal(buf + VNET + 16, arp + 12, sizeof(arp) - 12);
	memcpy(&h, buf, sizeof(h));
	assert_int_equal(h.flags, 0);
	assert_int_equal(h.csum_start, 0);
}

static void qinq_outer_tag_and_checksum_offset(void **state)
{
	uint8_t buf[VLAN_TAG_LEN + VNET + sizeof(arp)];
	struct virtio_net_hdr h = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = 34, .csum_offset = 16,
		.gso_type = VIRTIO_NET_HDR_GSO_TCPV4, .hdr_len = 66, .gso_size = 1448,
	};

	(void)state;
	memcpy(buf + VLAN_TAG_LEN, &h, sizeof(h));
	memcpy(buf + VLAN_TAG_LEN + VNET, arp, sizeof(arp));
	assert_int_equal(vlan_tag_insert(buf, VNET, sizeof(arp), 0x88a8, 7), sizeof(arp) + 4);
	static const uint8_t tag[] = { 0x88, 0xa8, 0x00, 0x07 };
	assert_memory_equal(buf + VNET + 12, tag, 4);
	memcpy(&h, buf, sizeof(h));
	assert_int_equal(h.csum_start, 38);
	assert_int_equal(h.csum_offset, 16);
	assert_int_equal(h.hdr_len, 70);
	assert_int_equal(h.gso_size, 1448);
}

static void runt_left_alone(void **state)
{
	uint8_t buf[VLAN_TAG_LEN + VNET + 11];

	(void)state;
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(vlan_tag_insert(buf, VNET, 11, 0x8100, 1), 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0xaa);
}

static size_t aux_msg(struct msghdr *mh, uint8_t *cbuf, size_t clen, uint32_t status,
		      uint16_t tci, uint16_t tpid)
{
	struct tpacket_auxdata aux = { .tp_status = status, .tp_vlan_tci = tci,
				       .tp_vlan_tpid = tpid };
	struct cmsghdr *c;

	memset(mh, 0, sizeof(*mh));
	memset(cbuf, 0, clen);
	mh->msg_control = cbuf;
	mh->msg_controllen = CMSG_SPACE(sizeof(aux));
	c = CMSG_FIRSTHDR(mh);
	c->cmsg_level = SOL_PACKET;
	c->cmsg_type = PACKET_AUXDATA;
	c->cmsg_len = CMSG_LEN(sizeof(aux));
	memcpy(CMSG_DATA(c), &aux, sizeof(aux));
	return mh->msg_controllen;
}

static void reads_auxdata(void **state)
{
	uint8_t cbuf[CMSG_SPACE(sizeof(struct tpacket_auxdata))] __attribute__((aligned(8)));
	struct msghdr mh;
	uint16_t tpid = 0, tci = 0;

	(void)state;
	aux_msg(&mh, cbuf, sizeof(cbuf), TP_STATUS_VLAN_VALID | TP_STATUS_VLAN_TPID_VALID,
		100, 0x88a8);
	assert_true(vlan_tag_from_cmsg(&mh, &tpid, &tci));
	assert_int_equal(tpid, 0x88a8);
	assert_int_equal(tci, 100);

	/* Priority-tagged (VID 0) is a tag too: it goes back as it came. */
	aux_msg(&mh, cbuf, sizeof(cbuf), TP_STATUS_VLAN_VALID, 0x6000, 0);
	assert_true(vlan_tag_from_cmsg(&mh, &tpid, &tci));
	assert_int_equal(tpid, 0x8100);
	assert_int_equal(tci, 0x6000);

	aux_msg(&mh, cbuf, sizeof(cbuf), TP_STATUS_USER, 5, 0x8100);
	assert_false(vlan_tag_from_cmsg(&mh, &tpid, &tci));

	memset(&mh, 0, sizeof(mh));
	assert_false(vlan_tag_from_cmsg(&mh, &tpid, &tci));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(inserts_after_the_addresses),
		cmocka_unit_test(qinq_outer_tag_and_checksum_offset),
		cmocka_unit_test(runt_left_alone),
		cmocka_unit_test(reads_auxdata),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
