/* A slave's AF_PACKET socket: SOCK_RAW bound to ETH_P_ALL on the slave's
 * ifindex, PACKET_VNET_HDR (10-byte virtio header before every frame, both
 * ways), PACKET_IGNORE_OUTGOING (our own transmissions do not come back),
 * PACKET_AUXDATA (the VLAN tag the kernel took out), receive/send buffers forced large, non-blocking,
 * and PACKET_MR_ALLMULTI membership so multicast the host stack joined on
 * the bond reaches us on real NICs (memberships vanish with the socket, so
 * nothing needs restoring). */
#ifndef BONDD_PACKET_H
#define BONDD_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"

int packet_open(int ifindex, struct err *err);
/* PACKET_MR_PROMISC membership on/off (bond promiscuous mode). The kernel
 * counts memberships per socket: call on and off in pairs. The count shows
 * in IFLA_PROMISCUITY (rtnl_link.promiscuity), not in IFF_PROMISC. */
int packet_set_promisc(int fd, int ifindex, bool on);
/* Binds fd again, to ethertype on ifindex: ETH_P_ALL (what packet_open
 * binds) makes the socket a tap, handed every frame the device receives
 * before tc; another type, the frames of that type that get past tc to
 * the protocol handlers. Returns 0 or -errno. */
int packet_listen(int fd, int ifindex, uint16_t ethertype);
void packet_close(int fd);

#endif
