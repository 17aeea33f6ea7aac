/* Transmit hash policies (the kernel's __bond_xmit_hash(), docs/hash.md), on the raw bytes of a frame.
 *
 * Two header walkers, because the kernel has two:
 *
 *  - layer2+3 and layer3+4 read one IPv4/IPv6 header at the outer type
 *    field, then the L4 ports right after it; an ICMP error is followed
 *    into the packet it quotes. No IPv6 extension header is skipped.
 *  - encap2+3 and encap3+4 run the generic flow dissector, which follows
 *    VLAN tags (inside tunnels), PPPoE, IP-in-IP, GRE and IPv6 extension
 *    headers down to the innermost IP header, and stops at fragments.
 *
 * Every read goes through need(): a header that does not fit in the frame
 * is handled the way the kernel handles a failed header pull. Where that is
 * "give up on L3", the result is the layer2 formula, unfolded; where the
 * kernel only skips an optional field (ports, ICMP id), the field is 0.
 *
 * Byte order: the kernel memcpy()s network-order fields into a u32 on a
 * little-endian machine, so every "word" here is 4 bytes read as
 * little-endian, by hand, whatever the host is. */
#include "hash.h"

#include "lib/bytes.h"

#include <stdbool.h>

#define ETH_HLEN 14

enum {
	ETHERTYPE_IPV4 = 0x0800,
	ETHERTYPE_ARP = 0x0806,
	ETHERTYPE_BATMAN = 0x4305,
	ETHERTYPE_TEB = 0x6558,
	ETHERTYPE_RARP = 0x8035,
	ETHERTYPE_VLAN = 0x8100,
	ETHERTYPE_IPV6 = 0x86dd,
	ETHERTYPE_MPLS_UC = 0x8847,
	ETHERTYPE_MPLS_MC = 0x8848,
	ETHERTYPE_PPPOE_SES = 0x8864,
	ETHERTYPE_QINQ = 0x88a8,
	ETHERTYPE_TIPC = 0x88ca,
	ETHERTYPE_1588 = 0x88f7,
	ETHERTYPE_PRP = 0x88fb,
	ETHERTYPE_CFM = 0x8902,
	ETHERTYPE_FCOE = 0x8906,
	ETHERTYPE_HSR = 0x892f,
	ETHERTYPE_PPTP_PPP = 0x880b,
};

enum {
	IPP_HOPOPTS = 0,
	IPP_ICMP = 1,
	IPP_IPIP = 4,
	IPP_TCP = 6,
	IPP_UDP = 17,
	IPP_DCCP = 33,
	IPP_IPV6 = 41,
	IPP_ROUTING = 43,
	IPP_FRAGMENT = 44,
	IPP_GRE = 47,
	IPP_ESP = 50,
	IPP_AH = 51,
	IPP_ICMPV6 = 58,
	IPP_DSTOPTS = 60,
	IPP_SCTP = 132,
	IPP_UDPLITE = 136,
	IPP_MPLS = 137,
};

enum addr_kind { ADDR_NONE, ADDR_V4, ADDR_V6, ADDR_TIPC };

/* What the walkers collect: the kernel's struct flow_keys, reduced to the
 * fields the bond hash reads. Addresses are kept as the words the hash
 * uses (IPv6 already folded), since that is all anybody needs. */
struct flow {
	enum addr_kind addr;
	uint32_t src, dst;
	uint32_t ports;
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id;
};

static bool need(size_t len, size_t off, size_t n)
{
	return off <= len && n <= len - off;
}

static uint32_t word(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* ipv6_addr_hash(): the 16 bytes folded to one word. */
static uint32_t word6(const uint8_t *p)
{
	return word(p) ^ word(p + 4) ^ word(p + 8) ^ word(p + 12);
}

/* The frame as the kernel's __bond_xmit_hash() is given it: the type
 * field (skb->protocol) and where the network header starts. A frame
 * written to the bond carries any tag in band: type at 12, network header
 * at 14, tag 0. A frame of a VLAN device stacked on the bond carries its
 * tag out of band (skb->vlan_tci): the kernel sees the frame without the
 * tag, so here the type is read after the tag (16) and the network header
 * starts at 18, and every offset past the MACs moves by the 4 tag bytes.
 * The frame is never copied. */
struct view {
	const uint8_t *f;
	size_t len;
	uint16_t type;
	size_t nhoff;           /* the end of the (untagged) Ethernet header */
	uint16_t tci;           /* out-of-band tag (TCI), 0 for none */
	bool oob;
};

static void view_inband(struct view *v, const uint8_t *f, size_t len)
{
	*v = (struct view){ .f = f, .len = len, .nhoff = ETH_HLEN };
	v->type = len >= ETH_HLEN ? get_be16(f + 12) : 0;
}

/* A tag needs its 4 bytes after the MACs; a frame too short for one is
 * hashed as in band (engine.h: "frames without a tag there"). */
static void view_vlan(struct view *v, const uint8_t *f, size_t len)
{
	uint16_t tpid = len >= 16 ? get_be16(f + 12) : 0;

	if (tpid != ETHERTYPE_VLAN && tpid != ETHERTYPE_QINQ) {
		view_inband(v, f, len);
		return;
	}
	*v = (struct view){ .f = f, .len = len, .nhoff = ETH_HLEN + 4, .oob = true };
	v->tci = get_be16(f + 14);
	v->type = len >= ETH_HLEN + 4 ? get_be16(f + 16) : 0;
}

/* bond_eth_hash(): needs the whole Ethernet header, else 0. The type is
 * the one the kernel has in the header it reads: the outer field in band,
 * the one after the tag out of band. */
static uint32_t eth_hash(const struct view *v)
{
	if (v->len < v->nhoff)
		return 0;
	return (uint32_t)(v->f[5] ^ v->f[11]) ^ v->type;
}

/* bond_vlan_srcmac_hash(): the VLAN term is skb_vlan_tag_get(), the whole
 * out-of-band TCI (priority bits included). A frame written to the bond
 * itself has no out-of-band tag, and an in-band tag is not looked at, so
 * for it the term is 0. */
static uint32_t srcmac_hash(const struct view *v)
{
	const uint8_t *f = v->f;
	uint32_t vendor, dev;

	if (v->len < v->nhoff)
		return 0;
	vendor = (uint32_t)f[6] << 16 | (uint32_t)f[7] << 8 | f[8];
	dev = (uint32_t)f[9] << 16 | (uint32_t)f[10] << 8 | f[11];
	return (uint32_t)v->tci ^ vendor ^ dev;
}

/* proto_ports_offset(): where the 4 "ports" bytes sit in the L4 header. */
static int ports_offset(uint8_t proto)
{
	switch (proto) {
	case IPP_TCP:
	case IPP_UDP:
	case IPP_DCCP:
	case IPP_ESP:      /* the SPI */
	case IPP_SCTP:
	case IPP_UDPLITE:
		return 0;
	case IPP_AH:       /* the SPI, after next header, length, reserved */
		return 4;
	default:
		return -1;
	}
}

/* skb_flow_get_ports(): a protocol without ports, or ports past the end
 * of the frame, give 0 (the kernel returns 0 when the pull fails). */
static uint32_t get_ports(const uint8_t *f, size_t len, size_t thoff, uint8_t proto)
{
	int poff = ports_offset(proto);

	if (poff < 0 || !need(len, thoff + (size_t)poff, 4))
		return 0;
	return word(f + thoff + (size_t)poff);
}

/* icmp_has_id(): the kernel tests ICMPv4 and ICMPv6 numbers together,
 * whatever the protocol, and so do we. */
static bool icmp_has_id(uint8_t type)
{
	switch (type) {
	case 0:    /* echo reply */
	case 8:    /* echo request */
	case 13:   /* timestamp */
	case 14:   /* timestamp reply */
	case 128:  /* ICMPv6 echo request */
	case 129:  /* ICMPv6 echo reply */
		return true;
	default:
		return false;
	}
}

static bool icmp_is_err(uint8_t type)
{
	/* unreachable, source quench, redirect, time exceeded, param problem */
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

static bool icmpv6_is_err(uint8_t type)
{
	/* unreachable, packet too big, time exceeded, param problem */
	return type >= 1 && type <= 4;
}

/* skb_flow_get_icmp_tci(): needs the 8-byte ICMP header; when it is cut
 * short nothing is recorded (type, code and id stay 0). An id of 0 is
 * recorded as 1, because 0 means "no id" to the hash. */
static void get_icmp(const uint8_t *f, size_t len, size_t thoff, struct flow *fl)
{
	const uint8_t *ih;
	uint16_t id;

	if (!need(len, thoff, 8))
		return;
	ih = f + thoff;
	fl->icmp_type = ih[0];
	fl->icmp_code = ih[1];
	if (icmp_has_id(ih[0])) {
		id = get_be16(ih + 4);
		fl->icmp_id = id ? id : 1;
	} else {
		fl->icmp_id = 0;
	}
}

/* ---- layer2+3 / layer3+4: bond_flow_ip() and bond_flow_dissect() ------ */

/* One IP header at *nhoff, of the family the outer type field names. The
 * kernel checks neither the version nor IHL here: IHL is added as it is
 * (even below 5), and fragments (MF or an offset) leave *ip_proto unset
 * (-1) so they get no ports. False when the header does not fit. */
static bool l3_header(const uint8_t *f, size_t len, uint16_t l2_proto,
		      size_t *nhoff, int *ip_proto, bool l34, struct flow *fl)
{
	const uint8_t *ip;

	if (l2_proto == ETHERTYPE_IPV4) {
		if (!need(len, *nhoff, 20))
			return false;
		ip = f + *nhoff;
		fl->addr = ADDR_V4;
		fl->src = word(ip + 12);
		fl->dst = word(ip + 16);
		*nhoff += (size_t)(ip[0] & 0x0f) * 4;
		if (!(get_be16(ip + 6) & 0x3fff))
			*ip_proto = ip[9];
	} else {
		if (!need(len, *nhoff, 40))
			return false;
		ip = f + *nhoff;
		fl->addr = ADDR_V6;
		fl->src = word6(ip + 8);
		fl->dst = word6(ip + 24);
		*nhoff += 40;
		*ip_proto = ip[6];
	}
	if (l34 && *ip_proto >= 0)
		fl->ports = get_ports(f, len, *nhoff, (uint8_t)*ip_proto);
	return true;
}

/* False: not IP, or an IP header cut short -> the layer2 formula. */
static bool flow_l3(const struct view *v, bool l34, struct flow *fl)
{
	const uint8_t *f = v->f;
	size_t len = v->len;
	uint16_t l2_proto = v->type;
	size_t nhoff = v->nhoff;
	int ip_proto = -1;

	/* The type field decides, so an in-band VLAN tag (0x8100, 0x88a8),
	 * PPPoE, ARP, MPLS... are all "not IP" here. */
	if (l2_proto != ETHERTYPE_IPV4 && l2_proto != ETHERTYPE_IPV6)
		return false;
	if (!l3_header(f, len, l2_proto, &nhoff, &ip_proto, l34, fl))
		return false;
	/* An ICMP error quotes the IP header and 8 bytes of the packet that
	 * caused it: hash with that packet's addresses (and ports), so the
	 * error follows its flow. The protocol number, not the family,
	 * picks the list of error types, as in the kernel. A quoted header
	 * that is cut short sends the whole frame to the layer2 formula. */
	if (ip_proto == IPP_ICMP || ip_proto == IPP_ICMPV6) {
		get_icmp(f, len, nhoff, fl);
		if (ip_proto == IPP_ICMP ? !icmp_is_err(fl->icmp_type)
					 : !icmpv6_is_err(fl->icmp_type))
			return true;
		nhoff += 8;
		return l3_header(f, len, l2_proto, &nhoff, &ip_proto, l34, fl);
	}
	return true;
}

/* ---- encap2+3 / encap3+4: __skb_flow_dissect() with the bond's keys --- */

enum dret { D_CONTINUE, D_GOOD, D_BAD, D_PROTO_AGAIN, D_IPPROTO_AGAIN };

/* The dissector gives up after this many "again" steps and keeps what it
 * has found so far (MAX_FLOW_DISSECT_HDRS). */
#define MAX_AGAIN 15

struct walk {
	const uint8_t *f;
	size_t len;
	uint16_t proto;      /* type of the header at nhoff (host order) */
	size_t nhoff;
	uint8_t ip_proto;
	bool is_frag;
	struct flow *fl;
};

static bool again_allowed(int *n)
{
	return ++*n <= MAX_AGAIN;
}

/* GRE: version 0 (optional checksum, key and sequence words; payload type
 * 0x6558 continues at an inner Ethernet header) and version 1 (PPTP,
 * which must carry PPP and a key). Routing present or another version:
 * stop here, with the outer addresses and no ports. */
static enum dret gre(struct walk *w)
{
	const uint8_t *h;
	uint16_t flags, gproto, ver;
	size_t off = 4;

	if (!need(w->len, w->nhoff, 4))
		return D_BAD;
	h = w->f + w->nhoff;
	flags = get_be16(h);
	gproto = get_be16(h + 2);
	if (flags & 0x4000)
		return D_GOOD;
	ver = flags & 0x0007;
	if (ver > 1)
		return D_GOOD;
	w->proto = gproto;
	if (ver == 1 && !(gproto == ETHERTYPE_PPTP_PPP && (flags & 0x2000)))
		return D_GOOD;
	if (flags & 0x8000)             /* checksum + reserved */
		off += 4;
	if (flags & 0x2000) {           /* key: the dissector reads it */
		if (!need(w->len, w->nhoff + off, 4))
			return D_BAD;
		off += 4;
	}
	if (flags & 0x1000)             /* sequence number */
		off += 4;
	if (ver == 0) {
		if (gproto == ETHERTYPE_TEB) {
			if (!need(w->len, w->nhoff + off, ETH_HLEN))
				return D_BAD;
			w->proto = get_be16(w->f + w->nhoff + off + 12);
			off += ETH_HLEN;
		}
	} else {
		uint16_t ppp;

		if (flags & 0x0080)     /* acknowledgment number */
			off += 4;
		if (!need(w->len, w->nhoff + off, 4))
			return D_BAD;
		ppp = get_be16(w->f + w->nhoff + off + 2);
		if (ppp == 0x0021)
			w->proto = ETHERTYPE_IPV4;
		else if (ppp == 0x0057)
			w->proto = ETHERTYPE_IPV6;
		/* anything else stays 0x880b and is refused next round */
		off += 4;
	}
	w->nhoff += off;
	return D_PROTO_AGAIN;
}

/* One step at the network layer (the "proto" switch). */
static enum dret net_step(struct walk *w)
{
	/* Read only after need(); clamped so that forming the pointer is
	 * defined even when a header length pushed nhoff past the end. */
	const uint8_t *h = w->f + (w->nhoff <= w->len ? w->nhoff : w->len);

	switch (w->proto) {
	case ETHERTYPE_IPV4:
		/* An IHL below 5 is refused here, unlike bond_flow_ip(). */
		if (!need(w->len, w->nhoff, 20) || (h[0] & 0x0f) < 5)
			return D_BAD;
		w->nhoff += (size_t)(h[0] & 0x0f) * 4;
		w->ip_proto = h[9];
		w->fl->addr = ADDR_V4;
		w->fl->src = word(h + 12);
		w->fl->dst = word(h + 16);
		/* Any fragment, the first one too: addresses only. */
		if (get_be16(h + 6) & 0x3fff) {
			w->is_frag = true;
			return D_GOOD;
		}
		return D_CONTINUE;
	case ETHERTYPE_IPV6:
		if (!need(w->len, w->nhoff, 40))
			return D_BAD;
		w->ip_proto = h[6];
		w->nhoff += 40;
		w->fl->addr = ADDR_V6;
		w->fl->src = word6(h + 8);
		w->fl->dst = word6(h + 24);
		return D_CONTINUE;
	case ETHERTYPE_VLAN:
	case ETHERTYPE_QINQ:
		/* Reached only inside a tunnel (hash_encap() handles an outer
		 * tag): here the tag sits right at nhoff. */
		if (!need(w->len, w->nhoff, 4))
			return D_BAD;
		w->proto = get_be16(h + 2);
		w->nhoff += 4;
		return D_PROTO_AGAIN;
	case ETHERTYPE_PPPOE_SES: {
		uint16_t ppp;

		/* version 1, type 1, code 0 (session data); a compressed
		 * (1-byte) PPP protocol is not valid and so refused. */
		if (!need(w->len, w->nhoff, 8) || h[0] != 0x11 || h[1] != 0)
			return D_BAD;
		ppp = get_be16(h + 6);
		w->nhoff += 8;
		switch (ppp) {
		case 0x0021: w->proto = ETHERTYPE_IPV4; return D_PROTO_AGAIN;
		case 0x0057: w->proto = ETHERTYPE_IPV6; return D_PROTO_AGAIN;
		case 0x0281: w->proto = ETHERTYPE_MPLS_UC; return D_PROTO_AGAIN;
		case 0x0283: w->proto = ETHERTYPE_MPLS_MC; return D_PROTO_AGAIN;
		default:
			/* Another valid PPP protocol (LCP, IPCP...): a flow
			 * without addresses. */
			return (ppp & 0x0101) == 0x0001 ? D_GOOD : D_BAD;
		}
	}
	case ETHERTYPE_TIPC: {
		uint32_t w0;

		if (!need(w->len, w->nhoff, 16))
			return D_BAD;
		/* The source node word is the "source address"; there is no
		 * destination. Link keepalives get a random key in the
		 * kernel (spread over CPUs); a fixed 0 here. */
		w0 = get_be32(h);
		w->fl->addr = ADDR_TIPC;
		w->fl->src = (w0 & 0x0e080000) == 0x0e080000 ? 0 : word(h + 12);
		w->fl->dst = 0;
		return D_GOOD;
	}
	case ETHERTYPE_MPLS_UC:
	case ETHERTYPE_MPLS_MC:
	case ETHERTYPE_ARP:
	case ETHERTYPE_RARP:
	case ETHERTYPE_CFM:
		/* The bond asks for no MPLS, ARP or CFM keys, so the
		 * dissector stops here without reading anything: a flow
		 * without addresses, however short the frame. */
		return D_GOOD;
	case ETHERTYPE_FCOE:
		return need(w->len, w->nhoff, 38) ? D_GOOD : D_BAD;
	case ETHERTYPE_1588:
		return need(w->len, w->nhoff, 34) ? D_GOOD : D_BAD;
	case ETHERTYPE_PRP:
	case ETHERTYPE_HSR:
		if (!need(w->len, w->nhoff, 6))
			return D_BAD;
		w->proto = get_be16(h + 4);
		w->nhoff += 6;
		return D_PROTO_AGAIN;
	case ETHERTYPE_BATMAN:
		/* batman-adv unicast (type 0x40, compat version 15) carries
		 * an Ethernet header after its 10 bytes. */
		if (!need(w->len, w->nhoff, 24) || h[0] != 0x40 || h[1] != 15)
			return D_BAD;
		w->proto = get_be16(h + 22);
		w->nhoff += 24;
		return D_PROTO_AGAIN;
	default:
		return D_BAD;
	}
}

/* One step at the transport layer (the "ip_proto" switch). */
static enum dret ip_step(struct walk *w)
{
	enum dret r = D_CONTINUE;

	switch (w->ip_proto) {
	case IPP_GRE:
		r = gre(w);
		break;
	case IPP_HOPOPTS:
	case IPP_ROUTING:
	case IPP_DSTOPTS:
		/* IPv6 extension headers: next header, length in 8-byte
		 * units not counting the first 8. */
		if (w->proto != ETHERTYPE_IPV6)
			break;
		if (!need(w->len, w->nhoff, 2))
			return D_BAD;
		w->ip_proto = w->f[w->nhoff];
		w->nhoff += ((size_t)w->f[w->nhoff + 1] + 1) * 8;
		r = D_IPPROTO_AGAIN;
		break;
	case IPP_FRAGMENT:
		if (w->proto != ETHERTYPE_IPV6)
			break;
		if (!need(w->len, w->nhoff, 8))
			return D_BAD;
		/* First fragment or not, stop: the ports of the previous
		 * step (0, for protocol 44) stay. */
		w->is_frag = true;
		w->ip_proto = w->f[w->nhoff];
		w->nhoff += 8;
		r = D_GOOD;
		break;
	case IPP_IPIP:
		w->proto = ETHERTYPE_IPV4;
		r = D_PROTO_AGAIN;
		break;
	case IPP_IPV6:
		w->proto = ETHERTYPE_IPV6;
		r = D_PROTO_AGAIN;
		break;
	case IPP_MPLS:
		w->proto = ETHERTYPE_MPLS_UC;
		r = D_PROTO_AGAIN;
		break;
	case IPP_ICMP:
	case IPP_ICMPV6:
		/* Type, code and id only: errors are not followed here. */
		get_icmp(w->f, w->len, w->nhoff, w->fl);
		break;
	default:
		break;
	}
	/* The ports are rewritten at every step, so the last protocol seen
	 * wins (IP-in-IP, GRE, ... give 0 and the inner packet then sets
	 * them). */
	if (!w->is_frag)
		w->fl->ports = get_ports(w->f, w->len, w->nhoff, w->ip_proto);
	return r;
}

/* True when a flow was found (possibly without addresses); false sends the
 * frame to the layer2 formula. */
static bool flow_dissect(const struct view *v, struct flow *fl)
{
	struct walk w = { .f = v->f, .len = v->len, .proto = v->type, .nhoff = v->nhoff,
			  .fl = fl };
	int again = 0;
	enum dret r;

	for (;;) {
		r = net_step(&w);
		if (r == D_GOOD)
			return true;
		if (r == D_BAD)
			return false;
		if (r == D_PROTO_AGAIN) {
			if (again_allowed(&again))
				continue;
			return true;
		}
		do {
			r = ip_step(&w);
			if (r == D_BAD)
				return false;
			if (r == D_GOOD || r == D_CONTINUE)
				return true;
			if (!again_allowed(&again))
				return true;
		} while (r == D_IPPROTO_AGAIN);
		/* D_PROTO_AGAIN: back to the network layer */
	}
}

/* ---- the policies ---------------------------------------------------- */

static uint32_t addr_word(const struct flow *fl, bool src)
{
	if (fl->addr == ADDR_NONE)
		return 0;
	if (fl->addr == ADDR_TIPC && !src)
		return 0;
	return src ? fl->src : fl->dst;
}

static uint32_t fallback(const struct view *v, struct xmit_hash_info *info,
			 const char *why)
{
	info->path = XH_PATH_FALLBACK;
	info->why = why;
	return eth_hash(v);
}

/* Both rules: v says where the type and the network header are, and
 * whether a tag is out of band (the why strings say which rule ran). */
static uint32_t hash_view(uint32_t policy, const struct view *v, struct xmit_hash_info *info)
{
	struct xmit_hash_info dummy;
	struct flow fl = { .addr = ADDR_NONE };
	bool encap = policy == XMIT_ENCAP23 || policy == XMIT_ENCAP34;
	bool l34 = policy == XMIT_LAYER34 || policy == XMIT_ENCAP34;
	uint16_t type = v->type;
	uint32_t h;

	if (!info)
		info = &dummy;
	*info = (struct xmit_hash_info){ .path = XH_PATH_L2, .start_kind = XH_START_L2 };

	/* Every formula reads the Ethernet header first and gives 0 when it
	 * is not all there (the kernel's pull of 14 bytes fails). */
	if (v->len < v->nhoff) {
		info->path = XH_PATH_SHORT;
		info->why = v->oob ? "frame shorter than an Ethernet header once its "
				     "out-of-band tag is taken out: hash 0" :
				     "frame shorter than an Ethernet header: hash 0";
		return 0;
	}
	if (policy == XMIT_VLAN_SRCMAC) {
		info->path = XH_PATH_SRCMAC;
		info->why = v->oob ? "vlan+srcmac: the VLAN device's tag (TCI, out of band) ^ "
				     "source MAC vendor half ^ device half" :
				     "vlan+srcmac: vlan id (0: no accelerated tag) ^ "
				     "source MAC vendor half ^ device half";
		return srcmac_hash(v);
	}
	if (policy != XMIT_LAYER34 && policy != XMIT_LAYER23 && !encap) {
		/* layer2, and any number the option table would not accept */
		info->why = v->oob ? "layer2: dst MAC[5] ^ src MAC[5] ^ ethertype after "
				     "the out-of-band tag" :
				     "layer2: dst MAC[5] ^ src MAC[5] ^ ethertype";
		return eth_hash(v);
	}

	if (encap) {
		/* An in-band tag on the outer frame: the kernel's bond sees
		 * such frames with the network header already past the tag
		 * and finds no flow (bond_main.c: plain layer2, verified).
		 * Out of band, the same holds for a tag after the VLAN
		 * device's own. */
		if (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ)
			return fallback(v, info, v->oob ?
					"in-band VLAN tag after the out-of-band one: layer2 formula" :
					"in-band VLAN tag on the outer frame: layer2 formula");
		if (!flow_dissect(v, &fl))
			return fallback(v, info,
					"no flow found (not IP, or a header cut short): "
					"layer2 formula");
	} else if (!flow_l3(v, l34, &fl)) {
		return fallback(v, info,
				type == ETHERTYPE_IPV4 || type == ETHERTYPE_IPV6 ?
				"IP header cut short: layer2 formula" :
				v->oob ? "not IPv4/IPv6 (type field after the out-of-band tag): "
					 "layer2 formula" :
				"not IPv4/IPv6 (outer type field): layer2 formula");
	}

	if (!l34) {
		info->start_kind = XH_START_L2;
		h = eth_hash(v);
	} else if (fl.icmp_id) {
		info->start_kind = XH_START_ICMP;
		h = (uint32_t)fl.icmp_type | (uint32_t)fl.icmp_code << 8 |
		    (uint32_t)fl.icmp_id << 16;
	} else {
		info->start_kind = XH_START_PORTS;
		h = fl.ports;
	}
	info->path = XH_PATH_L3;
	info->start = h;
	info->saddr = addr_word(&fl, true);
	info->daddr = addr_word(&fl, false);
	if (fl.addr == ADDR_NONE)
		info->why = "flow without addresses (ARP, MPLS, ...): start value, folded";
	else if (l34)
		info->why = "start value ^ saddr ^ daddr, folded >>16 >>8, then >>1";
	else
		info->why = "layer2 value ^ saddr ^ daddr, folded >>16 >>8";

	h ^= info->saddr ^ info->daddr;
	h ^= h >> 16;
	h ^= h >> 8;
	/* Drop the low bit for the L4 policies: ports are often even. */
	if (l34)
		h >>= 1;
	return h;
}

uint32_t xmit_hash_explain(uint32_t policy, const uint8_t *frame, size_t len,
			   struct xmit_hash_info *info)
{
	struct view v;

	view_inband(&v, frame, len);
	return hash_view(policy, &v, info);
}

uint32_t xmit_hash(uint32_t policy, const uint8_t *frame, size_t len)
{
	return xmit_hash_explain(policy, frame, len, NULL);
}

uint32_t xmit_hash_vlan_explain(uint32_t policy, const uint8_t *frame, size_t len,
				struct xmit_hash_info *info)
{
	struct view v;

	view_vlan(&v, frame, len);
	return hash_view(policy, &v, info);
}

uint32_t xmit_hash_vlan(uint32_t policy, const uint8_t *frame, size_t len)
{
	return xmit_hash_vlan_explain(policy, frame, len, NULL);
}
