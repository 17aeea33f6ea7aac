/* Peer notification after a failover: what the host stack does on the
 * kernel's NETDEV_NOTIFY_PEERS, done by the engine because a TAP bond gets
 * no such event: one gratuitous ARP request (sender = target = address) for
 * each IPv4 address of the bond, and one unsolicited neighbour advertisement
 * (override flag, to ff02::1) for each IPv6 address, and the same for each
 * VLAN sub-interface's addresses, tagged with its VID (the kernel's 8021q
 * passes the event on to the VLAN devices). Every round (num_grat_arp,
 * peer_notif_delay) sends all of them. Sent through the mode's transmit
 * path, so in active-backup they leave on the new active slave. */
#ifndef BONDD_PEER_NOTIFY_H
#define BONDD_PEER_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bond_types.h"

/* Sends one round: every address of the bond, through the mode's xmit. */
void peer_notify_send(struct bond *b, uint64_t now_ms);
/* Schedules num_peer_notif rounds after a failover (the first one at once
 * when the bond has carrier). */
void bond_schedule_peer_notify(struct bond *b, uint64_t now_ms);
/* bond_should_notify_peers(): a round is due on this monitor pass. */
bool bond_should_notify_peers(const struct bond *b);

/* Frame builders, exposed for tests. Return the frame length. */
size_t build_grat_arp(uint8_t *buf, const uint8_t mac[6], uint32_t ip_be);
size_t build_unsol_na(uint8_t *buf, const uint8_t mac[6], const uint8_t ip6[16]);
/* The same for a VLAN device: tagged 0x8100 / vid after the MACs (buf
 * holds at least 128 bytes). */
size_t build_grat_arp_vlan(uint8_t *buf, const uint8_t mac[6], uint32_t ip_be, uint16_t vid);
size_t build_unsol_na_vlan(uint8_t *buf, const uint8_t mac[6], const uint8_t ip6[16],
			   uint16_t vid);

#endif
