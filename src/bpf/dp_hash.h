/* xmit_hash_policy for the BPF programs: src/core/hash.c (the kernel's
 * __bond_xmit_hash()) computed bit for bit on a socket buffer. hash.c is the
 * reference and docs/hash.md the explanation; this file follows hash.c
 * function by function, under the same names, so the two can be read side
 * by side. tests/bpf runs both on the same frames.
 *
 * What differs is only the mechanics the verifier asks for:
 *  - the frame is read at variable offsets (dph_load: straight from the
 *    skb's linear part where the bytes are there, else bpf_skb_load_bytes()),
 *    after need() has checked against skb->len what hash.c checks against
 *    len, so a load never fails where hash.c would have read;
 *  - the flow dissector's two nested "again" loops are one bounded loop
 *    over a two-phase state machine (see dp_flow_dissect);
 *  - an out-of-band VLAN tag (skb->vlan_present: the tag a TAP or a driver
 *    keeps in metadata) is hashed as hash.c hashes the same frame with the
 *    tag written inline, which is what the packet data path hands the
 *    engine (see dp_xmit_hash);
 *  - a VLAN sub-interface's frame (bond0.100: its TAP's egress program,
 *    before it pushes the VLAN's tag) is hashed as hash.c's
 *    xmit_hash_vlan() hashes that frame with the VLAN's tag inline: the
 *    kernel's rule for a VLAN device stacked on a bond (dp_xmit_hash_vlan).
 *
 * Only for BPF programs: include after <linux/bpf.h> and bpf_helpers.h. */
#ifndef BONDD_DP_HASH_H
#define BONDD_DP_HASH_H

#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define DPH_ETH_HLEN 14

/* core/hash.h enum xmit_policy (the numbers of the option). */
enum {
	DPH_LAYER2 = 0,
	DPH_LAYER34 = 1,
	DPH_LAYER23 = 2,
	DPH_ENCAP23 = 3,
	DPH_ENCAP34 = 4,
	DPH_VLAN_SRCMAC = 5,
};

enum {
	DPH_ET_IPV4 = 0x0800,
	DPH_ET_ARP = 0x0806,
	DPH_ET_BATMAN = 0x4305,
	DPH_ET_TEB = 0x6558,
	DPH_ET_RARP = 0x8035,
	DPH_ET_VLAN = 0x8100,
	DPH_ET_IPV6 = 0x86dd,
	DPH_ET_MPLS_UC = 0x8847,
	DPH_ET_MPLS_MC = 0x8848,
	DPH_ET_PPPOE_SES = 0x8864,
	DPH_ET_QINQ = 0x88a8,
	DPH_ET_TIPC = 0x88ca,
	DPH_ET_1588 = 0x88f7,
	DPH_ET_PRP = 0x88fb,
	DPH_ET_CFM = 0x8902,
	DPH_ET_FCOE = 0x8906,
	DPH_ET_HSR = 0x892f,
	DPH_ET_PPTP_PPP = 0x880b,
};

enum {
	DPH_IPP_HOPOPTS = 0,
	DPH_IPP_ICMP = 1,
	DPH_IPP_IPIP = 4,
	DPH_IPP_TCP = 6,
	DPH_IPP_UDP = 17,
	DPH_IPP_DCCP = 33,
	DPH_IPP_IPV6 = 41,
	DPH_IPP_ROUTING = 43,
	DPH_IPP_FRAGMENT = 44,
	DPH_IPP_GRE = 47,
	DPH_IPP_ESP = 50,
	DPH_IPP_AH = 51,
	DPH_IPP_ICMPV6 = 58,
	DPH_IPP_DSTOPTS = 60,
	DPH_IPP_SCTP = 132,
	DPH_IPP_UDPLITE = 136,
	DPH_IPP_MPLS = 137,
};

enum { DPH_ADDR_NONE, DPH_ADDR_V4, DPH_ADDR_V6, DPH_ADDR_TIPC };

/* hash.c's struct flow. */
struct dph_flow {
	__u32 addr;
	__u32 src, dst;
	__u32 ports;
	__u8 icmp_type, icmp_code;
	__u16 icmp_id;
};

/* ---- reading the frame --------------------------------------------------- */

static __always_inline int dph_need(__u32 len, __u32 off, __u32 n)
{
	return off <= len && n <= len - off;
}

/* DPH_DIRECT(skb): whether dph_load() may read the skb's linear part
 * directly. Always in production; the test build of the programs can turn
 * it off, so that tests/bpf runs the bpf_skb_load_bytes() path too (a frame
 * run by BPF_PROG_TEST_RUN is all linear). */
#ifndef DPH_DIRECT
#define DPH_DIRECT(skb) 1
#endif

/* Offsets past this are read with the helper: it bounds the offset for the
 * verifier, and headers lie well before it. */
#define DPH_DIRECT_MAX 512

/* N bytes at OFF into TO. Where they lie in the linear part (a frame's
 * headers nearly always do, GSO frames included), a bounds check and a
 * load; else the helper, which also reads paged data. A helper call costs
 * more than the rest of a hash: measured with kernel.bpf_stats_enabled,
 * bond_tx for layer3+4 took 284 ns a frame with the helper alone. N is a
 * constant at every call (the function is inlined). */
static __always_inline int dph_load(struct __sk_buff *skb, __u32 off, void *to, __u32 n)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	__u8 *p;

	if (DPH_DIRECT(skb) && off < DPH_DIRECT_MAX) {
		p = (__u8 *)data + off;
		if ((void *)(p + n) <= end) {
			__builtin_memcpy(to, p, n);
			return 0;
		}
	}
	return bpf_skb_load_bytes(skb, off, to, n);
}

/* The loads below are made only where need() said the bytes are there, so
 * they cannot fail; were one to fail anyway, the value read is 0. */
static __always_inline __u8 dph_u8(struct __sk_buff *skb, __u32 off)
{
	__u8 v = 0;

	if (dph_load(skb, off, &v, 1) < 0)
		return 0;
	return v;
}

static __always_inline __u16 dph_be16(struct __sk_buff *skb, __u32 off)
{
	__u16 v = 0;

	if (dph_load(skb, off, &v, 2) < 0)
		return 0;
	return bpf_ntohs(v);
}

static __always_inline __u32 dph_be32(struct __sk_buff *skb, __u32 off)
{
	__u32 v = 0;

	if (dph_load(skb, off, &v, 4) < 0)
		return 0;
	return bpf_ntohl(v);
}

/* word(): 4 bytes read as little-endian, whatever the host is (hash.c). */
static __always_inline __u32 dph_word(struct __sk_buff *skb, __u32 off)
{
	__u8 b[4] = { 0, 0, 0, 0 };

	if (dph_load(skb, off, b, 4) < 0)
		return 0;
	return (__u32)b[0] | (__u32)b[1] << 8 | (__u32)b[2] << 16 | (__u32)b[3] << 24;
}

/* word6(): ipv6_addr_hash(), the 16 bytes folded to one word. */
static __always_inline __u32 dph_word6(struct __sk_buff *skb, __u32 off)
{
	return dph_word(skb, off) ^ dph_word(skb, off + 4) ^ dph_word(skb, off + 8) ^
	       dph_word(skb, off + 12);
}

/* ---- the Ethernet formulas ---------------------------------------------- */

/* The first 12 bytes (the MACs) and the type field of the frame as the
 * engine sees it: with an out-of-band tag the type field is the tag's
 * protocol (0x8100 or 0x88a8), as it would be with the tag inline. */
struct dph_eth {
	__u8 mac[12];
	__u16 type;
	int ok;          /* the 14 bytes of the engine's frame are there */
};

static __always_inline void dph_eth_read(struct __sk_buff *skb, __u32 vlan_proto,
					 struct dph_eth *e)
{
	e->ok = 0;
	e->type = 0;
	if (vlan_proto) {
		/* The inline frame is 4 bytes longer: its 14 first bytes are
		 * the 12 of the MACs and the tag's protocol. */
		if (dph_load(skb, 0, e->mac, 12) < 0)
			return;
		e->type = (__u16)vlan_proto;
	} else {
		if (skb->len < DPH_ETH_HLEN || dph_load(skb, 0, e->mac, 12) < 0)
			return;
		e->type = dph_be16(skb, 12);
	}
	e->ok = 1;
}

/* bond_eth_hash(): needs the whole Ethernet header, else 0. */
static __always_inline __u32 dph_eth_hash(const struct dph_eth *e)
{
	if (!e->ok)
		return 0;
	return (__u32)(e->mac[5] ^ e->mac[11]) ^ e->type;
}

/* bond_vlan_srcmac_hash(): hash.c gives the VLAN term 0 (an in-band tag
 * is not looked at, and the engine's frames never carry an out-of-band
 * one), so this does too, for either kind of tag. */
static __always_inline __u32 dph_srcmac_hash(const struct dph_eth *e)
{
	__u32 vendor, dev;

	if (!e->ok)
		return 0;
	vendor = (__u32)e->mac[6] << 16 | (__u32)e->mac[7] << 8 | e->mac[8];
	dev = (__u32)e->mac[9] << 16 | (__u32)e->mac[10] << 8 | e->mac[11];
	return vendor ^ dev;
}

/* ---- ports and ICMP ------------------------------------------------------ */

static __always_inline int dph_ports_offset(__u8 proto)
{
	switch (proto) {
	case DPH_IPP_TCP:
	case DPH_IPP_UDP:
	case DPH_IPP_DCCP:
	case DPH_IPP_ESP:
	case DPH_IPP_SCTP:
	case DPH_IPP_UDPLITE:
		return 0;
	case DPH_IPP_AH:
		return 4;
	default:
		return -1;
	}
}

static __always_inline __u32 dph_get_ports(struct __sk_buff *skb, __u32 len, __u32 thoff,
					   __u8 proto)
{
	int poff = dph_ports_offset(proto);

	if (poff < 0 || !dph_need(len, thoff + (__u32)poff, 4))
		return 0;
	return dph_word(skb, thoff + (__u32)poff);
}

static __always_inline int dph_icmp_has_id(__u8 type)
{
	return type == 0 || type == 8 || type == 13 || type == 14 || type == 128 ||
	       type == 129;
}

static __always_inline int dph_icmp_is_err(__u8 type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

static __always_inline int dph_icmpv6_is_err(__u8 type)
{
	return type >= 1 && type <= 4;
}

static __always_inline void dph_get_icmp(struct __sk_buff *skb, __u32 len, __u32 thoff,
					 struct dph_flow *fl)
{
	__u16 id;

	if (!dph_need(len, thoff, 8))
		return;
	fl->icmp_type = dph_u8(skb, thoff);
	fl->icmp_code = dph_u8(skb, thoff + 1);
	if (dph_icmp_has_id(fl->icmp_type)) {
		id = dph_be16(skb, thoff + 4);
		fl->icmp_id = id ? id : 1;
	} else {
		fl->icmp_id = 0;
	}
}

/* ---- layer2+3 / layer3+4 ------------------------------------------------- */

/* hash.c l3_header(); *ip_proto is -1 while unknown (a fragment). */
static __always_inline int dph_l3_header(struct __sk_buff *skb, __u32 len, __u16 l2_proto,
					 __u32 *nhoff, int *ip_proto, int l34,
					 struct dph_flow *fl)
{
	__u32 off = *nhoff;

	if (l2_proto == DPH_ET_IPV4) {
		if (!dph_need(len, off, 20))
			return 0;
		fl->addr = DPH_ADDR_V4;
		fl->src = dph_word(skb, off + 12);
		fl->dst = dph_word(skb, off + 16);
		*nhoff = off + (__u32)(dph_u8(skb, off) & 0x0f) * 4;
		if (!(dph_be16(skb, off + 6) & 0x3fff))
			*ip_proto = dph_u8(skb, off + 9);
	} else {
		if (!dph_need(len, off, 40))
			return 0;
		fl->addr = DPH_ADDR_V6;
		fl->src = dph_word6(skb, off + 8);
		fl->dst = dph_word6(skb, off + 24);
		*nhoff = off + 40;
		*ip_proto = dph_u8(skb, off + 6);
	}
	if (l34 && *ip_proto >= 0)
		fl->ports = dph_get_ports(skb, len, *nhoff, (__u8)*ip_proto);
	return 1;
}

/* hash.c flow_l3(): 0 sends the frame to the layer2 formula. */
static __always_inline int dph_flow_l3(struct __sk_buff *skb, __u32 len, __u16 l2_proto,
				       int l34, struct dph_flow *fl)
{
	__u32 nhoff = DPH_ETH_HLEN;
	int ip_proto = -1;

	if (l2_proto != DPH_ET_IPV4 && l2_proto != DPH_ET_IPV6)
		return 0;
	if (!dph_l3_header(skb, len, l2_proto, &nhoff, &ip_proto, l34, fl))
		return 0;
	if (ip_proto == DPH_IPP_ICMP || ip_proto == DPH_IPP_ICMPV6) {
		dph_get_icmp(skb, len, nhoff, fl);
		if (ip_proto == DPH_IPP_ICMP ? !dph_icmp_is_err(fl->icmp_type)
					     : !dph_icmpv6_is_err(fl->icmp_type))
			return 1;
		nhoff += 8;
		return dph_l3_header(skb, len, l2_proto, &nhoff, &ip_proto, l34, fl);
	}
	return 1;
}

/* ---- encap2+3 / encap3+4: hash.c flow_dissect() -------------------------- */

enum { DPH_CONTINUE, DPH_GOOD, DPH_BAD, DPH_PROTO_AGAIN, DPH_IPPROTO_AGAIN };

#define DPH_MAX_AGAIN 15

struct dph_walk {
	__u32 len;
	__u32 nhoff;
	__u16 proto;
	__u8 ip_proto;
	__u8 is_frag;
};

static __always_inline int dph_gre(struct __sk_buff *skb, struct dph_walk *w)
{
	__u16 flags, gproto, ver;
	__u32 off = 4;

	if (!dph_need(w->len, w->nhoff, 4))
		return DPH_BAD;
	flags = dph_be16(skb, w->nhoff);
	gproto = dph_be16(skb, w->nhoff + 2);
	if (flags & 0x4000)
		return DPH_GOOD;
	ver = flags & 0x0007;
	if (ver > 1)
		return DPH_GOOD;
	w->proto = gproto;
	if (ver == 1 && !(gproto == DPH_ET_PPTP_PPP && (flags & 0x2000)))
		return DPH_GOOD;
	if (flags & 0x8000)
		off += 4;
	if (flags & 0x2000) {
		if (!dph_need(w->len, w->nhoff + off, 4))
			return DPH_BAD;
		off += 4;
	}
	if (flags & 0x1000)
		off += 4;
	if (ver == 0) {
		if (gproto == DPH_ET_TEB) {
			if (!dph_need(w->len, w->nhoff + off, DPH_ETH_HLEN))
				return DPH_BAD;
			w->proto = dph_be16(skb, w->nhoff + off + 12);
			off += DPH_ETH_HLEN;
		}
	} else {
		__u16 ppp;

		if (flags & 0x0080)
			off += 4;
		if (!dph_need(w->len, w->nhoff + off, 4))
			return DPH_BAD;
		ppp = dph_be16(skb, w->nhoff + off + 2);
		if (ppp == 0x0021)
			w->proto = DPH_ET_IPV4;
		else if (ppp == 0x0057)
			w->proto = DPH_ET_IPV6;
		off += 4;
	}
	w->nhoff += off;
	return DPH_PROTO_AGAIN;
}

/* hash.c net_step(). */
static __always_inline int dph_net_step(struct __sk_buff *skb, struct dph_walk *w,
					struct dph_flow *fl)
{
	__u32 off = w->nhoff;
	__u8 b0;

	switch (w->proto) {
	case DPH_ET_IPV4:
		if (!dph_need(w->len, off, 20))
			return DPH_BAD;
		b0 = dph_u8(skb, off);
		if ((b0 & 0x0f) < 5)
			return DPH_BAD;
		w->nhoff = off + (__u32)(b0 & 0x0f) * 4;
		w->ip_proto = dph_u8(skb, off + 9);
		fl->addr = DPH_ADDR_V4;
		fl->src = dph_word(skb, off + 12);
		fl->dst = dph_word(skb, off + 16);
		if (dph_be16(skb, off + 6) & 0x3fff) {
			w->is_frag = 1;
			return DPH_GOOD;
		}
		return DPH_CONTINUE;
	case DPH_ET_IPV6:
		if (!dph_need(w->len, off, 40))
			return DPH_BAD;
		w->ip_proto = dph_u8(skb, off + 6);
		w->nhoff = off + 40;
		fl->addr = DPH_ADDR_V6;
		fl->src = dph_word6(skb, off + 8);
		fl->dst = dph_word6(skb, off + 24);
		return DPH_CONTINUE;
	case DPH_ET_VLAN:
	case DPH_ET_QINQ:
		if (!dph_need(w->len, off, 4))
			return DPH_BAD;
		w->proto = dph_be16(skb, off + 2);
		w->nhoff = off + 4;
		return DPH_PROTO_AGAIN;
	case DPH_ET_PPPOE_SES: {
		__u16 ppp;

		if (!dph_need(w->len, off, 8) || dph_u8(skb, off) != 0x11 ||
		    dph_u8(skb, off + 1) != 0)
			return DPH_BAD;
		ppp = dph_be16(skb, off + 6);
		w->nhoff = off + 8;
		switch (ppp) {
		case 0x0021: w->proto = DPH_ET_IPV4; return DPH_PROTO_AGAIN;
		case 0x0057: w->proto = DPH_ET_IPV6; return DPH_PROTO_AGAIN;
		case 0x0281: w->proto = DPH_ET_MPLS_UC; return DPH_PROTO_AGAIN;
		case 0x0283: w->proto = DPH_ET_MPLS_MC; return DPH_PROTO_AGAIN;
		default:
			return (ppp & 0x0101) == 0x0001 ? DPH_GOOD : DPH_BAD;
		}
	}
	case DPH_ET_TIPC: {
		__u32 w0;

		if (!dph_need(w->len, off, 16))
			return DPH_BAD;
		w0 = dph_be32(skb, off);
		fl->addr = DPH_ADDR_TIPC;
		fl->src = (w0 & 0x0e080000) == 0x0e080000 ? 0 : dph_word(skb, off + 12);
		fl->dst = 0;
		return DPH_GOOD;
	}
	case DPH_ET_MPLS_UC:
	case DPH_ET_MPLS_MC:
	case DPH_ET_ARP:
	case DPH_ET_RARP:
	case DPH_ET_CFM:
		return DPH_GOOD;
	case DPH_ET_FCOE:
		return dph_need(w->len, off, 38) ? DPH_GOOD : DPH_BAD;
	case DPH_ET_1588:
		return dph_need(w->len, off, 34) ? DPH_GOOD : DPH_BAD;
	case DPH_ET_PRP:
	case DPH_ET_HSR:
		if (!dph_need(w->len, off, 6))
			return DPH_BAD;
		w->proto = dph_be16(skb, off + 4);
		w->nhoff = off + 6;
		return DPH_PROTO_AGAIN;
	case DPH_ET_BATMAN:
		if (!dph_need(w->len, off, 24) || dph_u8(skb, off) != 0x40 ||
		    dph_u8(skb, off + 1) != 15)
			return DPH_BAD;
		w->proto = dph_be16(skb, off + 22);
		w->nhoff = off + 24;
		return DPH_PROTO_AGAIN;
	default:
		return DPH_BAD;
	}
}

/* hash.c ip_step(). */
static __always_inline int dph_ip_step(struct __sk_buff *skb, struct dph_walk *w,
				       struct dph_flow *fl)
{
	int r = DPH_CONTINUE;
	__u32 off = w->nhoff;

	switch (w->ip_proto) {
	case DPH_IPP_GRE:
		r = dph_gre(skb, w);
		break;
	case DPH_IPP_HOPOPTS:
	case DPH_IPP_ROUTING:
	case DPH_IPP_DSTOPTS:
		if (w->proto != DPH_ET_IPV6)
			break;
		if (!dph_need(w->len, off, 2))
			return DPH_BAD;
		w->ip_proto = dph_u8(skb, off);
		w->nhoff = off + ((__u32)dph_u8(skb, off + 1) + 1) * 8;
		r = DPH_IPPROTO_AGAIN;
		break;
	case DPH_IPP_FRAGMENT:
		if (w->proto != DPH_ET_IPV6)
			break;
		if (!dph_need(w->len, off, 8))
			return DPH_BAD;
		w->is_frag = 1;
		w->ip_proto = dph_u8(skb, off);
		w->nhoff = off + 8;
		r = DPH_GOOD;
		break;
	case DPH_IPP_IPIP:
		w->proto = DPH_ET_IPV4;
		r = DPH_PROTO_AGAIN;
		break;
	case DPH_IPP_IPV6:
		w->proto = DPH_ET_IPV6;
		r = DPH_PROTO_AGAIN;
		break;
	case DPH_IPP_MPLS:
		w->proto = DPH_ET_MPLS_UC;
		r = DPH_PROTO_AGAIN;
		break;
	case DPH_IPP_ICMP:
	case DPH_IPP_ICMPV6:
		dph_get_icmp(skb, w->len, w->nhoff, fl);
		break;
	default:
		break;
	}
	if (!w->is_frag)
		fl->ports = dph_get_ports(skb, w->len, w->nhoff, w->ip_proto);
	return r;
}

/* One step of the dissector, at the network layer (ip_phase 0) or the
 * transport layer. A global function, so the verifier checks it once, on
 * its own, with *w and *fl unknown, instead of once for every state the
 * walk can be in at every round (which exceeds its budget). */
__noinline int dph_dissect_step(struct __sk_buff *skb, struct dph_walk *w,
				struct dph_flow *fl, int ip_phase)
{
	if (!skb || !w || !fl)
		return DPH_BAD;
	if (!ip_phase)
		return dph_net_step(skb, w, fl);
	return dph_ip_step(skb, w, fl);
}

/* hash.c flow_dissect(): 1 when a flow was found (possibly without
 * addresses), 0 for the layer2 formula. hash.c's two nested loops (the
 * network step, then transport steps while they say "again at the
 * transport layer") are one loop here, with ip_phase saying which step
 * comes next. Every round either ends the walk, or counts one "again", or
 * is the network step that precedes a transport step, so
 * 2 * (DPH_MAX_AGAIN + 1) rounds always reach an end; the bound is there
 * for the verifier. */
static __always_inline int dph_flow_dissect(struct __sk_buff *skb, __u32 len, __u16 proto,
					    struct dph_flow *fl)
{
	struct dph_walk w;
	int again = 0, ip_phase = 0, r;

	__builtin_memset(&w, 0, sizeof(w));
	w.len = len;
	w.nhoff = DPH_ETH_HLEN;
	w.proto = proto;
#pragma clang loop unroll(disable)
	for (int round = 0; round < 2 * (DPH_MAX_AGAIN + 1) + 2; round++) {
		r = dph_dissect_step(skb, &w, fl, ip_phase);
		if (!ip_phase) {
			if (r == DPH_GOOD)
				return 1;
			if (r == DPH_BAD)
				return 0;
			if (r == DPH_PROTO_AGAIN) {
				if (++again <= DPH_MAX_AGAIN)
					continue;
				return 1;
			}
			ip_phase = 1;       /* DPH_CONTINUE */
			continue;
		}
		if (r == DPH_BAD)
			return 0;
		if (r == DPH_GOOD || r == DPH_CONTINUE)
			return 1;
		if (++again > DPH_MAX_AGAIN)
			return 1;
		if (r == DPH_PROTO_AGAIN)
			ip_phase = 0;
	}
	return 1;
}

/* ---- the policies: hash.c xmit_hash() ------------------------------------ */

static __always_inline __u32 dph_addr_word(const struct dph_flow *fl, int src)
{
	if (fl->addr == DPH_ADDR_NONE)
		return 0;
	if (fl->addr == DPH_ADDR_TIPC && !src)
		return 0;
	return src ? fl->src : fl->dst;
}

/* The hash of the frame as the engine would get it: with the out-of-band
 * tag of vlan_proto (host order; 0: none) written inline after the MACs.
 * Such a frame has 0x8100/0x88a8 as its outer type, which every IP policy
 * sends to the layer2 formula (hash.c: not IP for layer2+3/3+4, an outer
 * tag for encap), and vlan+srcmac reads only the MACs: so a tagged frame
 * needs only its MACs and the tag's protocol, and the rest of it is never
 * read in that case. */
__noinline __u32 dp_xmit_hash(struct __sk_buff *skb, __u32 policy, __u32 vlan_proto)
{
	struct dph_flow fl;
	struct dph_eth e;
	__u32 len;
	int encap = policy == DPH_ENCAP23 || policy == DPH_ENCAP34;
	int l34 = policy == DPH_LAYER34 || policy == DPH_ENCAP34;
	__u32 h;

	if (!skb)
		return 0;
	/* Whole, padding included: the step function reads it as memory. */
	__builtin_memset(&fl, 0, sizeof(fl));
	fl.addr = DPH_ADDR_NONE;
	len = skb->len;
	dph_eth_read(skb, vlan_proto, &e);
	if (!e.ok)
		return 0;
	if (policy == DPH_VLAN_SRCMAC)
		return dph_srcmac_hash(&e);
	if (policy != DPH_LAYER34 && policy != DPH_LAYER23 && !encap)
		return dph_eth_hash(&e);
	if (vlan_proto)
		return dph_eth_hash(&e);
	if (encap) {
		if (e.type == DPH_ET_VLAN || e.type == DPH_ET_QINQ)
			return dph_eth_hash(&e);
		if (!dph_flow_dissect(skb, len, e.type, &fl))
			return dph_eth_hash(&e);
	} else if (!dph_flow_l3(skb, len, e.type, l34, &fl)) {
		return dph_eth_hash(&e);
	}

	if (!l34)
		h = dph_eth_hash(&e);
	else if (fl.icmp_id)
		h = (__u32)fl.icmp_type | (__u32)fl.icmp_code << 8 | (__u32)fl.icmp_id << 16;
	else
		h = fl.ports;
	h ^= dph_addr_word(&fl, 1) ^ dph_addr_word(&fl, 0);
	h ^= h >> 16;
	h ^= h >> 8;
	if (l34)
		h >>= 1;
	return h;
}

/* hash.c xmit_hash_vlan() of the frame a VLAN sub-interface sends, called
 * by the VLAN TAP's egress program on the frame as the sub-interface wrote
 * it, before the program pushes the VLAN's tag: skb holds no tag of the
 * VLAN's, tci is the TCI the program is about to push (the VID, with the
 * priority bits if any), and vlan_proto (host order; 0: none) an
 * out-of-band tag the skb itself carries, as dp_xmit_hash takes it (a
 * device stacked on the VLAN TAP: inline, it would follow the VLAN's tag).
 *
 * xmit_hash_vlan() takes the VLAN's tag out and hashes what is left as
 * xmit_hash() does, except that vlan+srcmac XORs in the TCI. What is left
 * is exactly this skb (with its own out-of-band tag inline, if any), so
 * every policy but vlan+srcmac is dp_xmit_hash() of it, and vlan+srcmac is
 * its srcmac formula ^ tci, 0 when the Ethernet header is not all there
 * (hash.c: an untagged frame shorter than 14 bytes hashes to 0). */
__noinline __u32 dp_xmit_hash_vlan(struct __sk_buff *skb, __u32 policy, __u32 tci,
				   __u32 vlan_proto)
{
	struct dph_eth e;

	if (!skb)
		return 0;
	if (policy != DPH_VLAN_SRCMAC)
		return dp_xmit_hash(skb, policy, vlan_proto);
	dph_eth_read(skb, vlan_proto, &e);
	if (!e.ok)
		return 0;
	return dph_srcmac_hash(&e) ^ (tci & 0xffff);
}

#endif
