/* LACPDU and Marker PDU codec (802.1AX 6.4.2, bond_3ad.h): classification of received
 * slow-protocols frames, table-driven TLV validation, and encoding of the
 * 124-byte frames bondd sends (every reserved byte 0).
 *
 * Accepted: ethertype 0x8809 to exactly 01:80:c2:00:00:02, at least 124
 * bytes (the kernel reads a whole PDU or counts the frame illegal), any
 * version >= 1, with the TLVs of the version 1 layout at their fixed
 * places. Not checked: the terminator and the reserved bytes (802.1AX asks
 * receivers to ignore them), version 2 TLVs (ignored).
 */
#include <string.h>

#include "lacp.h"
#include "lib/bytes.h"

const uint8_t lacp_group_mac[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x02 };

#define ETH_HLEN 14

/* Where each TLV header sits in a PDU (offsets after the Ethernet header),
 * with the type and length it must carry. */
struct tlv_tmpl {
	uint8_t off;
	uint8_t type;
	uint8_t len;
};

static const struct tlv_tmpl lacpdu_tlvs[] = {
	{ 2, 0x01, 20 },    /* actor information */
	{ 22, 0x02, 20 },   /* partner information */
	{ 42, 0x03, 16 },   /* collector information */
};

static bool tlvs_ok(const uint8_t *pdu, const struct tlv_tmpl *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (pdu[t[i].off] != t[i].type || pdu[t[i].off + 1] != t[i].len)
			return false;
	return true;
}

static void get_info(const uint8_t *p, struct lacp_info *in)
{
	in->sys_prio = get_be16(p);
	memcpy(in->system, p + 2, 6);
	in->key = get_be16(p + 8);
	in->port_prio = get_be16(p + 10);
	in->port = get_be16(p + 12);
	in->state = p[14];
}

static void put_info(uint8_t *p, uint8_t type, const struct lacp_info *in)
{
	p[0] = type;
	p[1] = 20;
	put_be16(p + 2, in->sys_prio);
	memcpy(p + 4, in->system, 6);
	put_be16(p + 10, in->key);
	put_be16(p + 12, in->port_prio);
	put_be16(p + 14, in->port);
	p[16] = in->state;
}

enum lacp_rx_kind lacp_frame_decode(const uint8_t *frame, size_t len,
				    struct lacpdu *pdu, struct lacp_marker *marker)
{
	const uint8_t *p;

	if (len < ETH_HLEN || get_be16(frame + 12) != ETH_P_SLOW ||
	    memcmp(frame, lacp_group_mac, 6) != 0)
		return LACP_RX_NOT_SLOW;
	if (len < LACP_FRAME_LEN)
		return LACP_RX_ILLEGAL;
	p = frame + ETH_HLEN;
	switch (p[0]) {
	case LACP_SUBTYPE_LACP:
		if (p[1] < 1 || !tlvs_ok(p, lacpdu_tlvs, ARRAY_SIZE(lacpdu_tlvs)))
			return LACP_RX_ILLEGAL;
		if (pdu) {
			pdu->version = p[1];
			get_info(p + 4, &pdu->actor);
			get_info(p + 24, &pdu->partner);
			pdu->collector_max_delay = get_be16(p + 44);
		}
		return LACP_RX_LACPDU;
	case LACP_SUBTYPE_MARKER:
		if (p[1] < 1 || (p[2] != LACP_MARKER_INFO && p[2] != LACP_MARKER_RESPONSE) ||
		    p[3] != 16)
			return LACP_RX_ILLEGAL;
		if (marker) {
			marker->tlv = p[2];
			marker->port = get_be16(p + 4);
			memcpy(marker->system, p + 6, 6);
			marker->transaction = (uint32_t)p[12] << 24 | (uint32_t)p[13] << 16 |
					      (uint32_t)p[14] << 8 | p[15];
		}
		return LACP_RX_MARKER;
	default:
		return LACP_RX_UNKNOWN;
	}
}

static void put_eth(uint8_t *out, const uint8_t src[6], uint8_t subtype)
{
	memset(out, 0, LACP_FRAME_LEN);
	memcpy(out, lacp_group_mac, 6);
	memcpy(out + 6, src, 6);
	put_be16(out + 12, ETH_P_SLOW);
	out[ETH_HLEN] = subtype;
	out[ETH_HLEN + 1] = 1;
}

size_t lacp_pdu_encode(const struct lacpdu *pdu, const uint8_t src[6],
		       uint8_t out[LACP_FRAME_LEN])
{
	uint8_t *p = out + ETH_HLEN;

	put_eth(out, src, LACP_SUBTYPE_LACP);
	put_info(p + 2, 0x01, &pdu->actor);
	put_info(p + 22, 0x02, &pdu->partner);
	p[42] = 0x03;
	p[43] = 16;
	put_be16(p + 44, pdu->collector_max_delay);
	/* terminator (type 0, length 0) and the reserved tail: already 0 */
	return LACP_FRAME_LEN;
}

size_t lacp_marker_encode(const struct lacp_marker *m, const uint8_t src[6],
			  uint8_t out[LACP_FRAME_LEN])
{
	uint8_t *p = out + ETH_HLEN;

	put_eth(out, src, LACP_SUBTYPE_MARKER);
	p[2] = m->tlv;
	p[3] = 16;
	put_be16(p + 4, m->port);
	memcpy(p + 6, m->system, 6);
	p[12] = (uint8_t)(m->transaction >> 24);
	p[13] = (uint8_t)(m->transaction >> 16);
	p[14] = (uint8_t)(m->transaction >> 8);
	p[15] = (uint8_t)m->transaction;
	return LACP_FRAME_LEN;
}
