/* Re-inserting the VLAN tag of a received frame (see vlan_restore.h). */
#include "vlan_restore.h"

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <string.h>

#include "lib/bytes.h"

bool vlan_tag_from_cmsg(const struct msghdr *mh, uint16_t *tpid, uint16_t *tci)
{
	const char *end = (const char *)mh->msg_control + mh->msg_controllen;
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR((struct msghdr *)mh, c)) {
		struct tpacket_auxdata aux;

		/* CMSG_NXTHDR checks that a header fits, not its length. */
		if ((const char *)c + c->cmsg_len > end)
			break;
		if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA ||
		    c->cmsg_len < CMSG_LEN(sizeof(aux)))
			continue;
		memcpy(&aux, CMSG_DATA(c), sizeof(aux));
		if (!(aux.tp_status & TP_STATUS_VLAN_VALID))
			return false;
		*tci = aux.tp_vlan_tci;
		/* Kernels before 3.14 give no TPID: it was 802.1Q then. */
		*tpid = (aux.tp_status & TP_STATUS_VLAN_TPID_VALID) && aux.tp_vlan_tpid
			? aux.tp_vlan_tpid : ETH_P_8021Q;
		return true;
	}
	return false;
}

size_t vlan_tag_insert(uint8_t *buf, size_t vnet_len, size_t frame_len,
		       uint16_t tpid, uint16_t tci)
{
	uint8_t *tag;

	if (frame_len < 2 * ETH_ALEN)
		return 0;
	memmove(buf, buf + VLAN_TAG_LEN, vnet_len + 2 * ETH_ALEN);
	tag = buf + vnet_len + 2 * ETH_ALEN;
	put_be16(tag, tpid);
	put_be16(tag + 2, tci);
	/* The packet socket computed csum_start for the untagged frame
	 * (virtio_net_hdr_from_skb with vlan_hlen 0); the data it points at
	 * is now VLAN_TAG_LEN bytes further. Native endianness: the vnet
	 * header of a packet socket follows the host (vio_le() on x86). */
	if (vnet_len >= sizeof(struct virtio_net_hdr)) {
		struct virtio_net_hdr h;

		memcpy(&h, buf, sizeof(h));
		if (h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
			h.csum_start = (uint16_t)(h.csum_start + VLAN_TAG_LEN);
		/* hdr_len covers the headers, which now include the tag. */
		if (h.gso_type != VIRTIO_NET_HDR_GSO_NONE && h.hdr_len)
			h.hdr_len = (uint16_t)(h.hdr_len + VLAN_TAG_LEN);
		memcpy(buf, &h, sizeof(h));
	}
	return frame_len + VLAN_TAG_LEN;
}
