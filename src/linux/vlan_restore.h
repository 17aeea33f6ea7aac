/* Puts back into a received frame the 802.1Q/802.1ad tag the kernel took
 * out of it.
 *
 * The receive path moves the outer VLAN tag of every frame into the skb's
 * metadata before the packet taps run, so a packet socket reads the frame
 * untagged and learns the tag only from PACKET_AUXDATA (tp_vlan_tci,
 * tp_vlan_tpid, TP_STATUS_VLAN_VALID). Delivered untagged, a frame from
 * VLAN 100 would reach the untagged network of the bond; so the tag goes
 * back in before the engine sees (hashes, accepts, delivers) the frame. */
#ifndef BONDD_VLAN_RESTORE_H
#define BONDD_VLAN_RESTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>

#define VLAN_TAG_LEN 4

/* Reads the tag the kernel took out from a received message's
 * PACKET_AUXDATA control message. False when the frame had none. */
bool vlan_tag_from_cmsg(const struct msghdr *mh, uint16_t *tpid, uint16_t *tci);

/* buf holds VLAN_TAG_LEN bytes of headroom, then a virtio-net header of
 * vnet_len bytes, then an Ethernet frame of frame_len bytes. Moves the
 * header and the two MAC addresses VLAN_TAG_LEN bytes down and writes the
 * tag after the addresses, so the header starts at buf and the frame at
 * buf + vnet_len, VLAN_TAG_LEN bytes longer. A checksum offset in the
 * header moves with the data behind the tag. Returns the new frame length,
 * or 0 for a frame too short to carry addresses (left as it was). */
size_t vlan_tag_insert(uint8_t *buf, size_t vnet_len, size_t frame_len,
		       uint16_t tpid, uint16_t tci);

#endif
