/* See peer_notify.h: the frames, one round of them, and the countdown
 * that spaces the rounds. */
#include "peer_notify.h"

#include <string.h>

#include "lib/bytes.h"
#include "mode.h"

size_t build_grat_arp(uint8_t *buf, const uint8_t mac[6], uint32_t ip_be)
{
	uint8_t *arp = buf + 14;

	memset(buf, 0, 60);
	memset(buf, 0xff, 6);               /* broadcast */
	memcpy(buf + 6, mac, 6);
	put_be16(buf + 12, 0x0806);
	put_be16(arp + 0, 1);                  /* Ethernet */
	put_be16(arp + 2, 0x0800);
	arp[4] = 6;
	arp[5] = 4;
	put_be16(arp + 6, 1);                  /* request, as Linux sends it */
	memcpy(arp + 8, mac, 6);
	memcpy(arp + 14, &ip_be, 4);
	/* target hardware address left zero, as arp_send() with no target */
	memcpy(arp + 24, &ip_be, 4);
	return 60;                          /* padded to the Ethernet minimum */
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)(p[n - 1] << 8);
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t build_unsol_na(uint8_t *buf, const uint8_t mac[6], const uint8_t ip6[16])
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
	uint8_t *ip = buf + 14, *icmp = ip + 40;
	const uint16_t plen = 32;           /* NA (24) + target lladdr option (8) */
	uint8_t pseudo[40];
	uint32_t sum;

	memset(buf, 0, 14 + 40 + plen);
	buf[0] = 0x33; buf[1] = 0x33; buf[5] = 0x01;   /* 33:33:00:00:00:01 */
	memcpy(buf + 6, mac, 6);
	put_be16(buf + 12, 0x86dd);
	ip[0] = 0x60;
	put_be16(ip + 4, plen);
	ip[6] = 58;                         /* ICMPv6 */
	ip[7] = 255;                        /* hop limit required by ND */
	memcpy(ip + 8, ip6, 16);            /* source = the advertised address */
	memcpy(ip + 24, all_nodes, 16);
	icmp[0] = 136;                      /* neighbour advertisement */
	icmp[4] = 0x20;                     /* override, not solicited */
	memcpy(icmp + 8, ip6, 16);
	icmp[24] = 2;                       /* target link-layer address */
	icmp[25] = 1;
	memcpy(icmp + 26, mac, 6);

	memset(pseudo, 0, sizeof(pseudo));
	memcpy(pseudo, ip + 8, 32);
	pseudo[32 + 3] = (uint8_t)plen;     /* upper-layer length fits one byte */
	pseudo[39] = 58;
	sum = csum_add(0, pseudo, sizeof(pseudo));
	sum = csum_add(sum, icmp, plen);
	put_be16(icmp + 2, csum_fold(sum));
	return 14 + 40 + plen;
}

size_t build_grat_arp_vlan(uint8_t *buf, const uint8_t mac[6], uint32_t ip_be, uint16_t vid)
{
	build_grat_arp(buf, mac, ip_be);
	/* 42 bytes of ARP before the padding: tagged 46, padded to 60 */
	return vlan_tag_frame(buf, 42, vid);
}

size_t build_unsol_na_vlan(uint8_t *buf, const uint8_t mac[6], const uint8_t ip6[16],
			   uint16_t vid)
{
	return vlan_tag_frame(buf, build_unsol_na(buf, mac, ip6), vid);
}

/* The kernel sends NETDEV_NOTIFY_PEERS to the bond, and the 8021q module
 * passes it on to every VLAN device on it (vlan_device_event), whose ARP
 * and ND code then announce the VLAN device's own addresses from it: its
 * MAC (the bond's here) and tagged with its VID. Those frames reach the
 * bond from the VLAN device, so they are hashed with the tag out of band. */
void peer_notify_send(struct bond *b, uint64_t now_ms)
{
	uint8_t frame[128];
	unsigned n4 = b->n_ipv4, n6 = b->n_ipv6, t4 = 0, t6 = 0, nv = 0;
	size_t len;

	for (unsigned i = 0; i < b->n_ipv4; i++) {
		len = build_grat_arp(frame, b->mac, b->ipv4[i]);
		mode_xmit(b, frame, len, NULL, now_ms);
	}
	for (unsigned i = 0; i < b->n_ipv6; i++) {
		len = build_unsol_na(frame, b->mac, b->ipv6[i]);
		mode_xmit(b, frame, len, NULL, now_ms);
	}
	for (unsigned k = 0; k < b->n_vlans; k++) {
		const struct bond_vlan *v = &b->vlans[k];

		if (v->down)
			continue;
		for (unsigned i = 0; i < v->n_ipv4; i++) {
			len = build_grat_arp_vlan(frame, b->mac, v->ipv4[i], v->vid);
			mode_xmit_vlan(b, frame, len, NULL, now_ms);
		}
		for (unsigned i = 0; i < v->n_ipv6; i++) {
			len = build_unsol_na_vlan(frame, b->mac, v->ipv6[i], v->vid);
			mode_xmit_vlan(b, frame, len, NULL, now_ms);
		}
		t4 += v->n_ipv4;
		t6 += v->n_ipv6;
		nv += v->n_ipv4 || v->n_ipv6;
	}
	if (!n4 && !n6 && !t4 && !t6)
		return;
	if (nv)
		bond_event(b, b->active, BOND_EV_PEER_NOTIFY, "sent",
			   "%u gratuitous ARP, %u unsolicited NA (of them %u and %u tagged, "
			   "for %u VLAN%s)", n4 + t4, n6 + t6, t4, t6, nv, nv == 1 ? "" : "s");
	else
		bond_event(b, b->active, BOND_EV_PEER_NOTIFY, "sent",
			   "%u gratuitous ARP, %u unsolicited NA", n4, n6);
}

static uint32_t notif_delay_ticks(const struct bond *b)
{
	return b->params.peer_notif_delay ? b->params.peer_notif_delay : 1;
}

bool bond_should_notify_peers(const struct bond *b)
{
	/* 802.3ad (broadcast_neighbor) has no active slave: some port must
	 * distribute instead. */
	bool can_send = b->mode->lacp ? b->n_usable > 0 : b->active != NULL;

	return can_send && b->send_peer_notif &&
	       b->send_peer_notif % notif_delay_ticks(b) == 0 && b->carrier;
}

void bond_schedule_peer_notify(struct bond *b, uint64_t now_ms)
{
	uint32_t d = b->params.peer_notif_delay ? b->params.peer_notif_delay : 1;

	if (!b->admin_up)
		return;
	b->send_peer_notif = b->params.num_peer_notif * d;
	if (bond_should_notify_peers(b)) {
		b->send_peer_notif--;
		peer_notify_send(b, now_ms);
	}
}
