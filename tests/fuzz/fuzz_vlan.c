/* Fuzzes the VLAN restore of the receive path (src/linux/vlan_restore.c):
 * vlan_tag_insert() on arbitrary buffers, and vlan_tag_from_cmsg() on
 * arbitrary control data (the PACKET_AUXDATA the tag comes from) that keeps
 * the kernel's promise: every cmsg_len fits the control buffer.
 *
 * Input: byte 0 picks the virtio-net header length (0, 10 or 12 bytes: no
 * header, struct virtio_net_hdr, with num_buffers), bytes 1-4 the TPID and
 * TCI, the rest the header and the frame. The buffer is exactly
 * VLAN_TAG_LEN + header + frame bytes, as the data path gives it.
 *
 * Invariants besides "no crash, no sanitizer report": a frame shorter than
 * two MAC addresses is refused (0) and left as it was; any other comes out
 * VLAN_TAG_LEN longer as: header, the two addresses, TPID and TCI (big
 * endian), the rest of the frame unchanged; in the header only csum_start
 * (with NEEDS_CSUM) and hdr_len (with GSO and hdr_len set) move, by the tag's
 * length. */
#include <linux/virtio_net.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "linux/vlan_restore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void cmsg(const uint8_t *data, size_t size)
{
	struct msghdr mh = { 0 };
	uint16_t tpid, tci;
	void *ctl;

	if (size == 0)
		return;
	/* Control data is aligned for struct cmsghdr: malloc's is. */
	ctl = malloc(size);
	if (!ctl)
		abort();
	memcpy(ctl, data, size);
	mh.msg_control = ctl;
	mh.msg_controllen = size;
	/* The kernel's control data is consistent: every cmsg_len fits in
	 * what is left of the buffer (put_cmsg cuts the last one and sets
	 * MSG_CTRUNC). CMSG_NXTHDR checks only that the next header fits,
	 * so inputs that break the promise are skipped. */
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_len > size - (size_t)((uint8_t *)c - (uint8_t *)ctl)) {
			free(ctl);
			return;
		}
	if (vlan_tag_from_cmsg(&mh, &tpid, &tci) && tpid == 0)
		abort();
	free(ctl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t vnet_lens[3] = { 0, sizeof(struct virtio_net_hdr), 12 };
	size_t vnet_len, frame_len, out;
	uint16_t tpid, tci;
	uint8_t *buf;

	cmsg(data, size);
	if (size < 5)
		return 0;
	vnet_len = vnet_lens[data[0] % 3];
	tpid = (uint16_t)(data[1] << 8 | data[2]);
	tci = (uint16_t)(data[3] << 8 | data[4]);
	data += 5;
	size -= 5;
	if (size < vnet_len)
		return 0;
	frame_len = size - vnet_len;
	buf = malloc(VLAN_TAG_LEN + size);
	if (!buf)
		abort();
	memset(buf, 0xa5, VLAN_TAG_LEN);
	memcpy(buf + VLAN_TAG_LEN, data, size);
	out = vlan_tag_insert(buf, vnet_len, frame_len, tpid, tci);
	if (frame_len < 12) {
		if (out != 0 || memcmp(buf + VLAN_TAG_LEN, data, size))
			abort();
	} else {
		const uint8_t *f = buf + vnet_len;
		uint8_t tag[4] = { (uint8_t)(tpid >> 8), (uint8_t)tpid,
				   (uint8_t)(tci >> 8), (uint8_t)tci };

		if (out != frame_len + VLAN_TAG_LEN || memcmp(f, data + vnet_len, 12) ||
		    memcmp(f + 12, tag, 4) || memcmp(f + 16, data + vnet_len + 12, frame_len - 12))
			abort();
		if (vnet_len >= sizeof(struct virtio_net_hdr)) {
			struct virtio_net_hdr in, h;

			memcpy(&in, data, sizeof(in));
			memcpy(&h, buf, sizeof(h));
			if (in.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
				in.csum_start = (uint16_t)(in.csum_start + VLAN_TAG_LEN);
			if (in.gso_type != VIRTIO_NET_HDR_GSO_NONE && in.hdr_len)
				in.hdr_len = (uint16_t)(in.hdr_len + VLAN_TAG_LEN);
			if (memcmp(&in, &h, sizeof(h)) ||
			    memcmp(buf + sizeof(h), data + sizeof(h), vnet_len - sizeof(h)))
				abort();
		} else if (memcmp(buf, data, vnet_len)) {
			abort();
		}
	}
	free(buf);
	return 0;
}
