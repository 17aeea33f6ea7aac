/* See mcast_rejoin.h. Frame layouts: IGMPv2 RFC 2236, IGMPv3 RFC 3376 (4.2),
 * MLDv1 RFC 2710, MLDv2 RFC 3810 (5.2); header fields as Linux fills them
 * (IPv4: TOS 0xc0, DF, TTL 1, Router Alert; IPv6: hop limit 1, hop-by-hop
 * Router Alert + PadN; source the primary / link-local address or
 * unspecified). */
#include "mcast_rejoin.h"

#include <stdlib.h>
#include <string.h>

#include "lib/bytes.h"
#include "mode.h"

enum {
	IGMP_V1_REPORT = 0x12,
	IGMP_V2_REPORT = 0x16,
	IGMP_V3_REPORT = 0x22,
	MLD1_REPORT = 131,
	MLD2_REPORT = 143,
	REC_IS_INCLUDE = 1,
	REC_IS_EXCLUDE = 2,
	ETH_LEN = 14,
	IP4_LEN = 24,               /* 20 + Router Alert option */
	IP6_LEN = 40,
	HBH_LEN = 8,
	MLD2_MTU = 1500,
};

static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static unsigned csum(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s & 0xffff;
}

static bool is_v4_local(const uint8_t *g) { return g[0] == 224 && g[1] == 0 && g[2] == 0; }
static bool is_all_hosts(const uint8_t *g) { return is_v4_local(g) && g[3] == 1; }

/* Ethernet + IPv4 with Router Alert, as igmp_send_report()/igmpv3_newpack(). */
static uint8_t *ip4_head(uint8_t *buf, const uint8_t mac[6], uint32_t src_be,
			 const uint8_t dst[4], size_t payload)
{
	uint8_t *ip = buf + ETH_LEN;

	buf[0] = 0x01; buf[1] = 0x00; buf[2] = 0x5e;
	buf[3] = dst[1] & 0x7f; buf[4] = dst[2]; buf[5] = dst[3];
	memcpy(buf + 6, mac, 6);
	put_be16(buf + 12, 0x0800);
	ip[0] = 0x46;
	ip[1] = 0xc0;
	put_be16(ip + 2, (unsigned)(IP4_LEN + payload));
	put_be16(ip + 6, 0x4000);      /* DF */
	ip[8] = 1;
	ip[9] = 2;                  /* IGMP */
	memcpy(ip + 12, &src_be, 4);
	memcpy(ip + 16, dst, 4);
	ip[20] = 0x94;              /* Router Alert */
	ip[21] = 4;
	put_be16(ip + 10, csum(sum16(0, ip, IP4_LEN)));
	return ip + IP4_LEN;
}

size_t build_igmp_report(uint8_t *buf, size_t cap, const uint8_t mac[6], uint32_t src_be,
			 const struct mcast_group *g, unsigned version)
{
	static const uint8_t all_routers_v3[4] = { 224, 0, 0, 22 };
	size_t payload = version == 3 ? 16 + 4 * (size_t)g->n_src : 8;
	size_t len = ETH_LEN + IP4_LEN + payload;
	uint8_t *igmp;

	if (g->n_src > MCAST_MAX_SOURCES || cap < (len < 60 ? 60 : len))
		return 0;
	memset(buf, 0, len < 60 ? 60 : len);
	igmp = ip4_head(buf, mac, src_be, version == 3 ? all_routers_v3 : g->addr, payload);
	if (version == 3) {
		uint8_t *rec = igmp + 8;

		igmp[0] = IGMP_V3_REPORT;
		put_be16(igmp + 6, 1);                 /* one group record */
		rec[0] = g->exclude ? REC_IS_EXCLUDE : REC_IS_INCLUDE;
		put_be16(rec + 2, g->n_src);
		memcpy(rec + 4, g->addr, 4);
		for (unsigned i = 0; i < g->n_src; i++)
			memcpy(rec + 8 + 4 * i, g->src[i], 4);
	} else {
		igmp[0] = version == 1 ? IGMP_V1_REPORT : IGMP_V2_REPORT;
		memcpy(igmp + 4, g->addr, 4);
	}
	put_be16(igmp + 2, csum(sum16(0, igmp, payload)));
	return len < 60 ? 60 : len;         /* padded to the Ethernet minimum */
}

/* Ethernet + IPv6 + hop-by-hop Router Alert; ICMPv6 checksum filled by
 * icmp6_finish() once the message is written. */
static uint8_t *ip6_head(uint8_t *buf, const uint8_t mac[6], const uint8_t src[16],
			 const uint8_t dst[16], size_t icmp_len)
{
	uint8_t *ip = buf + ETH_LEN, *hbh = ip + IP6_LEN;

	buf[0] = 0x33; buf[1] = 0x33;
	memcpy(buf + 2, dst + 12, 4);
	memcpy(buf + 6, mac, 6);
	put_be16(buf + 12, 0x86dd);
	ip[0] = 0x60;
	put_be16(ip + 4, (unsigned)(HBH_LEN + icmp_len));
	ip[6] = 0;                  /* hop-by-hop options */
	ip[7] = 1;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	hbh[0] = 58;                /* next: ICMPv6 */
	hbh[1] = 0;
	hbh[2] = 5;                 /* Router Alert, value 0 (MLD) */
	hbh[3] = 2;
	hbh[6] = 1;                 /* PadN */
	hbh[7] = 0;
	return hbh + HBH_LEN;
}

static void icmp6_finish(const uint8_t *ip, uint8_t *icmp, size_t icmp_len)
{
	uint8_t pseudo[40];
	uint32_t s;

	memcpy(pseudo, ip + 8, 32);
	pseudo[32] = (uint8_t)(icmp_len >> 24);
	pseudo[33] = (uint8_t)(icmp_len >> 16);
	pseudo[34] = (uint8_t)(icmp_len >> 8);
	pseudo[35] = (uint8_t)icmp_len;
	pseudo[36] = pseudo[37] = pseudo[38] = 0;
	pseudo[39] = 58;
	s = sum16(0, pseudo, sizeof(pseudo));
	put_be16(icmp + 2, csum(sum16(s, icmp, icmp_len)));
}

size_t build_mld1_report(uint8_t *buf, size_t cap, const uint8_t mac[6],
			 const uint8_t src[16], const uint8_t group[16])
{
	size_t len = ETH_LEN + IP6_LEN + HBH_LEN + 24;
	uint8_t *icmp;

	if (cap < len)
		return 0;
	memset(buf, 0, len);
	icmp = ip6_head(buf, mac, src, group, 24);
	icmp[0] = MLD1_REPORT;
	memcpy(icmp + 8, group, 16);
	icmp6_finish(buf + ETH_LEN, icmp, 24);
	return len;
}

size_t build_mld2_report(uint8_t *buf, size_t cap, unsigned mtu, const uint8_t mac[6],
			 const uint8_t src[16], const struct mcast_group *groups, unsigned n,
			 unsigned *used)
{
	static const uint8_t all_mld2_routers[16] = { 0xff, 0x02, [15] = 0x16 };
	size_t room = mtu - IP6_LEN - HBH_LEN, icmp_len = 8;
	unsigned k = 0;
	uint8_t *icmp;

	*used = 0;
	if (cap < ETH_LEN + (size_t)mtu || mtu < 1280)
		return 0;
	/* Size first: as many whole records as fit. */
	while (k < n && icmp_len + 20 + 16 * (size_t)groups[k].n_src <= room &&
	       groups[k].n_src <= MCAST_MAX_SOURCES)
		icmp_len += 20 + 16 * (size_t)groups[k++].n_src;
	if (k == 0)
		return 0;
	memset(buf, 0, ETH_LEN + IP6_LEN + HBH_LEN + icmp_len);
	icmp = ip6_head(buf, mac, src, all_mld2_routers, icmp_len);
	icmp[0] = MLD2_REPORT;
	put_be16(icmp + 6, k);
	for (unsigned i = 0, off = 8; i < k; i++) {
		const struct mcast_group *g = &groups[i];
		uint8_t *rec = icmp + off;

		rec[0] = g->exclude ? REC_IS_EXCLUDE : REC_IS_INCLUDE;
		put_be16(rec + 2, g->n_src);
		memcpy(rec + 4, g->addr, 16);
		memcpy(rec + 20, g->src, 16 * (size_t)g->n_src);
		off += 20 + 16 * g->n_src;
	}
	icmp6_finish(buf + ETH_LEN, icmp, icmp_len);
	*used = k;
	return ETH_LEN + IP6_LEN + HBH_LEN + icmp_len;
}

void mcast_rejoin_arm(struct bond *b, struct slave *new_active, uint64_t now_ms)
{
	enum mode_igmp_rejoin when = b->mode->igmp_rejoin;

	if (!b->admin_up || b->params.resend_igmp == 0)
		return;
	if (when == MODE_REJOIN_NEVER || (when == MODE_REJOIN_NEW_ACTIVE && !new_active))
		return;
	b->igmp_retrans = b->params.resend_igmp;
	b->igmp_next_ms = now_ms;   /* the kernel: one jiffy later */
}

/* One report: as it is for the bond, tagged with vid and hashed with the
 * tag out of band for a VLAN's (frame has room for the tag). */
static void send_one(struct bond *b, uint8_t *frame, size_t len, uint16_t vid,
		     uint64_t now_ms)
{
	if (!vid) {
		mode_xmit(b, frame, len, NULL, now_ms);
		return;
	}
	/* The packet without the builders' padding to 60: the tag goes in
	 * before the padding, as the kernel pads after tagging. */
	if (get_be16(frame + 12) == 0x0800)
		len = ETH_LEN + get_be16(frame + ETH_LEN + 2);
	len = vlan_tag_frame(frame, len, vid);
	mode_xmit_vlan(b, frame, len, NULL, now_ms);
}

/* The memberships of one device, the bond (vid 0) or a VLAN on it, whose
 * addresses give the sources: the primary IPv4 address, the link-local
 * IPv6 one. */
static void send_reports(struct bond *b, const struct mcast_groups *g, uint16_t vid,
			 const uint32_t *ipv4, unsigned n_ipv4, const uint8_t (*ipv6)[16],
			 unsigned n_ipv6, uint64_t now_ms)
{
	static const uint8_t unspecified[16];
	uint8_t frame[ETH_LEN + MLD2_MTU + 4];
	const uint8_t *src6 = unspecified;
	uint32_t src4 = n_ipv4 ? ipv4[0] : 0;
	size_t len;

	if (g->igmp_version) {
		for (unsigned i = 0; i < g->n4 && i < MCAST_MAX_GROUPS; i++) {
			const struct mcast_group *m = &g->v4[i];

			if (is_all_hosts(m->addr) || (is_v4_local(m->addr) && !g->llm_reports))
				continue;
			len = build_igmp_report(frame, sizeof(frame), b->mac, src4, m, g->igmp_version);
			if (len)
				send_one(b, frame, len, vid, now_ms);
		}
	}
	if (!g->mld_version || !g->n6)
		return;
	for (unsigned i = 0; i < n_ipv6; i++)
		if (ipv6[i][0] == 0xfe && (ipv6[i][1] & 0xc0) == 0x80) {
			src6 = ipv6[i];
			break;
		}
	if (g->mld_version == 1) {
		for (unsigned i = 0; i < g->n6 && i < MCAST_MAX_GROUPS; i++) {
			len = build_mld1_report(frame, sizeof(frame), b->mac, src6, g->v6[i].addr);
			if (len)
				send_one(b, frame, len, vid, now_ms);
		}
		return;
	}
	for (unsigned i = 0, used; i < g->n6 && i < MCAST_MAX_GROUPS; i += used) {
		len = build_mld2_report(frame, sizeof(frame) - 4, MLD2_MTU, b->mac, src6,
					&g->v6[i], g->n6 - i, &used);
		if (!len)
			break;
		send_one(b, frame, len, vid, now_ms);
	}
}

uint64_t mcast_rejoin_tick(struct bond *b, uint64_t now_ms)
{
	struct mcast_groups *g;

	if (!b->igmp_retrans)
		return UINT64_MAX;
	if (!b->admin_up) {
		b->igmp_retrans = 0;
		return UINT64_MAX;
	}
	if (now_ms < b->igmp_next_ms)
		return b->igmp_next_ms;
	/* Ask for the memberships at each round: a group joined or left
	 * meanwhile is reported as the stack would report it now. */
	g = b->ops->mcast_groups || b->ops->mcast_groups_vlan ? calloc(1, sizeof(*g)) : NULL;
	if (g) {
		if (bond_act_mcast_groups(b, g))
			send_reports(b, g, 0, b->ipv4, b->n_ipv4, b->ipv6, b->n_ipv6, now_ms);
		/* The VLANs' own memberships, tagged (vlan_device_event passes
		 * NETDEV_RESEND_IGMP on to every VLAN device). */
		for (unsigned k = 0; b->ops->mcast_groups_vlan && k < b->n_vlans; k++) {
			const struct bond_vlan *v = &b->vlans[k];

			if (v->down)
				continue;
			memset(g, 0, sizeof(*g));
			b->ops->mcast_groups_vlan(b->ctx, b, v->vid, g);
			send_reports(b, g, v->vid, v->ipv4, v->n_ipv4, v->ipv6, v->n_ipv6,
				     now_ms);
		}
		free(g);
	}
	if (--b->igmp_retrans == 0)
		return UINT64_MAX;
	b->igmp_next_ms = now_ms + MCAST_RESEND_INTERVAL_MS;
	return b->igmp_next_ms;
}
