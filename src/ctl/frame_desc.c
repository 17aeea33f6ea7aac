/* Frames from a few words (see frame_desc.h and docs/hash.md).
 *
 * Two passes: parse() reads the words into a struct desc and checks that
 * they make sense together, so every refusal names the word at fault
 * before a byte is written; emit_*() then write the frame front to back,
 * patching length fields once the payload is known. Only the fields the
 * transmit hash or a reader of the frame would look at are filled with
 * care; checksums are computed for IPv4 headers only (nothing checks the
 * others on the way to the hash). */
#include "frame_desc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/bytes.h"

const uint8_t frame_desc_default_dmac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

/* IP protocol numbers, plus two tunnel kinds that are not numbers of
 * their own: a GRE carrying Ethernet, and IP-in-IP (4 or 41, from the
 * inner family). */
enum {
	P_ICMP = 1, P_IPIP = 4, P_TCP = 6, P_UDP = 17, P_DCCP = 33, P_IPV6 = 41,
	P_FRAG = 44, P_GRE = 47, P_ESP = 50, P_AH = 51, P_ICMPV6 = 58,
	P_NONEXT = 59, P_SCTP = 132, P_UDPLITE = 136,
	P_GRETAP = 1000, P_TUNNEL_IPIP = 1001,
};

enum frag { FRAG_NONE, FRAG_FIRST, FRAG_MIDDLE };

struct ip_desc {
	bool any;                    /* some IP word was given */
	int family;                  /* 0 until src/dst, then 4 or 6 */
	bool have_src, have_dst;
	uint8_t src[16], dst[16];
	int proto;                   /* -1: none given */
	const char *proto_word;
	bool have_sport, have_dport;
	uint16_t sport, dport;
	bool have_spi;
	uint32_t spi;
	const char *type_word;       /* resolved once the family is known */
	bool have_code, have_id;
	uint8_t type, code;
	uint16_t id;
	enum frag frag;
	bool have_smac, have_dmac;   /* inner Ethernet (gretap) */
	uint8_t smac[6], dmac[6];
};

struct desc {
	bool have_smac, have_dmac;
	uint8_t smac[6], dmac[6];
	unsigned n_vlan;
	uint16_t vlan[2];
	bool have_pppoe;
	uint16_t sid;
	bool have_ethertype, arp;
	uint16_t ethertype;
	bool have_key;
	uint32_t key;
	bool has_inner;
	struct ip_desc outer, inner;
};

/* ---- parsing ------------------------------------------------------------- */

static const char *const word_list =
	"smac dmac vlan pppoe ethertype src dst proto sport dport spi type code id "
	"frag key inner";

/* Whether key is one of word_list's words (a whole word). */
static bool is_word(const char *key)
{
	size_t n = strlen(key);
	const char *p = word_list;

	if (!n)
		return false;
	while ((p = strstr(p, key)) != NULL) {
		if ((p == word_list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
		p += n;
	}
	return false;
}

static int bad(struct err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int bad(struct err *err, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = -EINVAL;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Decimal or 0x-hex, the whole word, at most max. */
static int parse_num(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int num_word(const char *key, const char *val, unsigned long max,
		    unsigned long *out, struct err *err)
{
	if (parse_num(val, max, out))
		return bad(err, "%s: '%s' is not a number from 0 to %lu", key, val, max);
	return 0;
}

static const struct {
	const char *name;
	int number;
} proto_names[] = {
	{ "tcp", P_TCP }, { "udp", P_UDP }, { "udplite", P_UDPLITE },
	{ "dccp", P_DCCP }, { "sctp", P_SCTP }, { "icmp", P_ICMP },
	{ "icmpv6", P_ICMPV6 }, { "esp", P_ESP }, { "ah", P_AH },
	{ "gre", P_GRE }, { "gretap", P_GRETAP }, { "ipip", P_TUNNEL_IPIP },
};

static bool has_ports(int proto)
{
	return proto == P_TCP || proto == P_UDP || proto == P_UDPLITE ||
	       proto == P_DCCP || proto == P_SCTP;
}

static bool is_icmp(int proto)
{
	return proto == P_ICMP || proto == P_ICMPV6;
}

static bool is_tunnel(int proto)
{
	return proto == P_GRE || proto == P_GRETAP || proto == P_TUNNEL_IPIP ||
	       proto == P_IPIP || proto == P_IPV6;
}

static int parse_addr(struct ip_desc *ip, const char *key, const char *val,
		      bool is_src, struct err *err)
{
	uint8_t a[16];
	int fam;

	if (inet_pton(AF_INET, val, a) == 1)
		fam = 4;
	else if (inet_pton(AF_INET6, val, a) == 1)
		fam = 6;
	else
		return bad(err, "%s: '%s' is not an IPv4 or IPv6 address", key, val);
	if (ip->family && ip->family != fam)
		return bad(err, "%s: %s is IPv%d but the other address is IPv%d",
			   key, val, fam, ip->family);
	ip->family = fam;
	memcpy(is_src ? ip->src : ip->dst, a, fam == 4 ? 4 : 16);
	if (is_src)
		ip->have_src = true;
	else
		ip->have_dst = true;
	return 0;
}

static int parse_mac(const char *key, const char *val, uint8_t mac[6], struct err *err)
{
	if (mac_parse(val, mac))
		return bad(err, "%s: '%s' is not a MAC address (aa:bb:cc:dd:ee:ff)", key, val);
	return 0;
}

/* One "KEY VALUE" pair into the IP packet being described (outer, or
 * inner after the word "inner"). Returns 1 when key is not an IP word. */
static int parse_ip_word(struct ip_desc *ip, const char *key, const char *val,
			 struct err *err)
{
	unsigned long v;
	size_t i;

	if (!strcmp(key, "src") || !strcmp(key, "dst")) {
		bool is_src = key[0] == 's';

		if (is_src ? ip->have_src : ip->have_dst)
			return bad(err, "%s given twice", key);
		ip->any = true;
		return parse_addr(ip, key, val, is_src, err);
	}
	if (!strcmp(key, "proto")) {
		if (ip->proto >= 0)
			return bad(err, "proto given twice");
		ip->any = true;
		ip->proto_word = val;
		for (i = 0; i < ARRAY_SIZE(proto_names); i++) {
			if (!strcmp(val, proto_names[i].name)) {
				ip->proto = proto_names[i].number;
				return 0;
			}
		}
		if (parse_num(val, 255, &v))
			return bad(err, "proto: '%s' is not tcp, udp, udplite, dccp, sctp, "
				   "icmp, icmpv6, esp, ah, gre, gretap, ipip or a number "
				   "from 0 to 255", val);
		ip->proto = (int)v;
		return 0;
	}
	if (!strcmp(key, "sport") || !strcmp(key, "dport")) {
		bool is_s = key[0] == 's';

		if (is_s ? ip->have_sport : ip->have_dport)
			return bad(err, "%s given twice", key);
		if (num_word(key, val, 65535, &v, err))
			return -EINVAL;
		ip->any = true;
		if (is_s) {
			ip->have_sport = true;
			ip->sport = (uint16_t)v;
		} else {
			ip->have_dport = true;
			ip->dport = (uint16_t)v;
		}
		return 0;
	}
	if (!strcmp(key, "spi")) {
		if (ip->have_spi)
			return bad(err, "spi given twice");
		if (num_word(key, val, 0xffffffffUL, &v, err))
			return -EINVAL;
		ip->any = ip->have_spi = true;
		ip->spi = (uint32_t)v;
		return 0;
	}
	if (!strcmp(key, "type")) {
		if (ip->type_word)
			return bad(err, "type given twice");
		ip->any = true;
		ip->type_word = val;
		return 0;
	}
	if (!strcmp(key, "code")) {
		if (ip->have_code)
			return bad(err, "code given twice");
		if (num_word(key, val, 255, &v, err))
			return -EINVAL;
		ip->any = ip->have_code = true;
		ip->code = (uint8_t)v;
		return 0;
	}
	if (!strcmp(key, "id")) {
		if (ip->have_id)
			return bad(err, "id given twice");
		if (num_word(key, val, 65535, &v, err))
			return -EINVAL;
		ip->any = ip->have_id = true;
		ip->id = (uint16_t)v;
		return 0;
	}
	if (!strcmp(key, "frag")) {
		if (ip->frag != FRAG_NONE)
			return bad(err, "frag given twice");
		if (!strcmp(val, "first"))
			ip->frag = FRAG_FIRST;
		else if (!strcmp(val, "middle"))
			ip->frag = FRAG_MIDDLE;
		else
			return bad(err, "frag: '%s' is not first or middle", val);
		ip->any = true;
		return 0;
	}
	return 1;
}

/* ICMP type by name, for the family now known; numbers too. */
static int resolve_type(struct ip_desc *ip, struct err *err)
{
	static const struct {
		const char *name;
		uint8_t v4, v6;
	} names[] = {
		{ "echo-request", 8, 128 }, { "echo-reply", 0, 129 },
		{ "unreachable", 3, 1 }, { "time-exceeded", 11, 3 },
		{ "packet-too-big", 0, 2 },   /* v6 only: 0 marks "none" in v4 */
		{ "param-problem", 12, 4 },
	};
	unsigned long v;
	size_t i;

	if (!ip->type_word)
		return 0;
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (strcmp(ip->type_word, names[i].name))
			continue;
		if (ip->family == 4 && !strcmp(names[i].name, "packet-too-big"))
			return bad(err, "type: packet-too-big is ICMPv6 only "
				   "(IPv4 uses unreachable code 4)");
		ip->type = ip->family == 6 ? names[i].v6 : names[i].v4;
		return 0;
	}
	if (parse_num(ip->type_word, 255, &v))
		return bad(err, "type: '%s' is not a number from 0 to 255 or one of "
			   "echo-request, echo-reply, unreachable, time-exceeded, "
			   "packet-too-big, param-problem", ip->type_word);
	ip->type = (uint8_t)v;
	return 0;
}

static bool icmp_type_is_error(int family, uint8_t type)
{
	if (family == 6)
		return type >= 1 && type <= 4;
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/* Everything about one IP packet that can be judged on its own. */
static int check_ip(struct ip_desc *ip, const char *where, bool is_inner,
		    struct err *err)
{
	const char *pw = ip->proto_word ? ip->proto_word : "";

	if (!ip->have_src || !ip->have_dst)
		return bad(err, "%sgive both src and dst", where);
	if (ip->proto == P_ICMP && ip->family == 6)
		ip->proto = P_ICMPV6;       /* "icmp" means the family's ICMP */
	if (ip->proto == P_ICMPV6 && ip->family == 4)
		return bad(err, "%sproto icmpv6 needs IPv6 addresses", where);
	if ((ip->have_sport || ip->have_dport) && !has_ports(ip->proto))
		return bad(err, "%s%s: proto %s has no ports (tcp, udp, udplite, dccp, "
			   "sctp have)", where, ip->have_sport ? "sport" : "dport",
			   ip->proto < 0 ? "(none given)" : pw);
	if (ip->have_spi && ip->proto != P_ESP && ip->proto != P_AH)
		return bad(err, "%sspi: only with proto esp or ah", where);
	if ((ip->type_word || ip->have_code || ip->have_id) && !is_icmp(ip->proto))
		return bad(err, "%s%s: only with proto icmp", where,
			   ip->type_word ? "type" : ip->have_code ? "code" : "id");
	if (is_inner && is_tunnel(ip->proto))
		return bad(err, "inner: proto %s: one level of tunnel only", pw);
	return resolve_type(ip, err);
}

static int parse(const char *const *words, unsigned n, struct desc *d, struct err *err)
{
	struct ip_desc *ip = &d->outer;
	unsigned long v;
	unsigned i = 0;
	int rc;

	memset(d, 0, sizeof(*d));
	d->outer.proto = d->inner.proto = -1;
	if (n == 0)
		return bad(err, "describe the frame, e.g. 'src 192.0.2.1 dst 192.0.2.2 "
			   "proto tcp sport 1234 dport 80'");
	while (i < n) {
		const char *key = words[i], *val;

		if (!strcmp(key, "inner")) {
			if (d->has_inner)
				return bad(err, "inner given twice");
			d->has_inner = true;
			ip = &d->inner;
			i++;
			continue;
		}
		if (i + 1 >= n) {
			if (is_word(key))
				return bad(err, "'%s' needs a value", key);
			return bad(err, "unknown word '%s' (words: %s)", key, word_list);
		}
		val = words[i + 1];
		i += 2;
		rc = parse_ip_word(ip, key, val, err);
		if (rc <= 0) {
			if (rc < 0)
				return rc;
			continue;
		}
		if (!strcmp(key, "smac") || !strcmp(key, "dmac")) {
			bool is_s = key[0] == 's';
			bool *have;
			uint8_t *mac;

			if (d->has_inner) {
				have = is_s ? &ip->have_smac : &ip->have_dmac;
				mac = is_s ? ip->smac : ip->dmac;
			} else {
				have = is_s ? &d->have_smac : &d->have_dmac;
				mac = is_s ? d->smac : d->dmac;
			}
			if (*have)
				return bad(err, "%s given twice", key);
			if (parse_mac(key, val, mac, err))
				return -EINVAL;
			*have = true;
		} else if (!strcmp(key, "vlan")) {
			if (d->n_vlan == 2)
				return bad(err, "vlan: two tags at most (outer 802.1ad, "
					   "inner 802.1Q)");
			if (num_word(key, val, 4095, &v, err))
				return -EINVAL;
			d->vlan[d->n_vlan++] = (uint16_t)v;
		} else if (!strcmp(key, "pppoe")) {
			if (d->have_pppoe)
				return bad(err, "pppoe given twice");
			if (num_word(key, val, 65535, &v, err))
				return -EINVAL;
			d->have_pppoe = true;
			d->sid = (uint16_t)v;
		} else if (!strcmp(key, "ethertype")) {
			if (d->have_ethertype)
				return bad(err, "ethertype given twice");
			d->have_ethertype = true;
			if (!strcmp(val, "arp")) {
				d->arp = true;
				d->ethertype = 0x0806;
			} else if (num_word(key, val, 65535, &v, err)) {
				return -EINVAL;
			} else {
				d->ethertype = (uint16_t)v;
			}
		} else if (!strcmp(key, "key")) {
			if (d->have_key)
				return bad(err, "key given twice");
			if (num_word(key, val, 0xffffffffUL, &v, err))
				return -EINVAL;
			d->have_key = true;
			d->key = (uint32_t)v;
		} else {
			return bad(err, "unknown word '%s' (words: %s)", key, word_list);
		}
	}

	/* How the words fit together. */
	if (d->have_ethertype) {
		if (d->ethertype == 0x0800 || d->ethertype == 0x86dd ||
		    d->ethertype == 0x8100 || d->ethertype == 0x88a8 ||
		    d->ethertype == 0x8864)
			return bad(err, "ethertype 0x%04x: describe IP with src/dst, tags "
				   "with vlan and PPPoE with pppoe", d->ethertype);
		if (d->have_pppoe)
			return bad(err, "pppoe: carries IP only, not ethertype %s",
				   d->arp ? "arp" : "frames");
		if (d->has_inner)
			return bad(err, "inner: only inside an IP packet");
		if (d->arp) {
			struct ip_desc *o = &d->outer;

			if (!o->have_src || !o->have_dst || o->family != 4)
				return bad(err, "ethertype arp: give src and dst IPv4 "
					   "addresses (who-has dst tell src)");
			if (o->proto >= 0 || o->have_sport || o->have_dport ||
			    o->have_spi || o->type_word || o->have_code ||
			    o->have_id || o->frag)
				return bad(err, "ethertype arp: only src and dst apply");
		} else if (d->outer.any) {
			return bad(err, "ethertype 0x%04x: src, dst and the other IP words "
				   "need an IP frame (leave ethertype out)", d->ethertype);
		}
		return 0;
	}
	if (!d->outer.any)
		return bad(err, "describe the packet: src and dst addresses at least "
			   "(or ethertype)");
	if (check_ip(&d->outer, "", false, err))
		return -EINVAL;
	if (d->have_key && d->outer.proto != P_GRE && d->outer.proto != P_GRETAP)
		return bad(err, "key: only with proto gre or gretap");
	if (d->has_inner) {
		int op = d->outer.proto;

		if (op < 0) {
			op = d->outer.proto = P_TUNNEL_IPIP;
			d->outer.proto_word = "ipip";
		}
		if (op != P_GRE && op != P_GRETAP && op != P_TUNNEL_IPIP && !is_icmp(op))
			return bad(err, "inner: the outer proto must be gre, gretap, ipip "
				   "or icmp (an error quoting the inner packet)");
		if (!d->inner.any)
			return bad(err, "inner: describe the inner packet (src, dst, ...)");
		if (check_ip(&d->inner, "inner: ", true, err))
			return -EINVAL;
		if (is_icmp(op) && d->inner.family != d->outer.family)
			return bad(err, "inner: an ICMP error quotes a packet of its own "
				   "family (IPv%d)", d->outer.family);
		if (is_icmp(op) && !d->outer.type_word) {
			/* quoting a packet: port unreachable by default */
			d->outer.type = d->outer.family == 6 ? 1 : 3;
			if (!d->outer.have_code)
				d->outer.code = d->outer.family == 6 ? 4 : 3;
		}
		if (is_icmp(op) && !icmp_type_is_error(d->outer.family, d->outer.type))
			return bad(err, "inner: ICMP type %u is not an error; only errors "
				   "quote a packet", d->outer.type);
	} else {
		if (d->outer.proto == P_GRE || d->outer.proto == P_GRETAP ||
		    d->outer.proto == P_TUNNEL_IPIP)
			return bad(err, "proto %s: describe the packet inside with "
				   "'inner src ... dst ...'", d->outer.proto_word);
		if (is_icmp(d->outer.proto) && !d->outer.type_word)
			d->outer.type = d->outer.family == 6 ? 128 : 8;
		if (is_icmp(d->outer.proto) &&
		    icmp_type_is_error(d->outer.family, d->outer.type))
			return bad(err, "type %u is an ICMP error: describe the packet it "
				   "quotes with 'inner src ... dst ...'", d->outer.type);
	}
	if (d->inner.have_smac || d->inner.have_dmac) {
		if (d->outer.proto != P_GRETAP)
			return bad(err, "smac/dmac after 'inner' need 'proto gretap'");
	}
	return 0;
}

/* ---- writing --------------------------------------------------------------- */

struct wbuf {
	uint8_t *p;
	size_t cap, len;
	bool over;
};

static void put(struct wbuf *w, const void *src, size_t n)
{
	if (w->over || n > w->cap - w->len) {
		w->over = true;
		return;
	}
	if (src)
		memcpy(w->p + w->len, src, n);
	else
		memset(w->p + w->len, 0, n);
	w->len += n;
}

static void put8(struct wbuf *w, uint8_t v)
{
	put(w, &v, 1);
}

/* Fields go out in network order (lib/bytes.h). */
static void put16(struct wbuf *w, uint16_t v)
{
	uint8_t b[2];

	put_be16(b, v);
	put(w, b, 2);
}

static void put32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4];

	put_be32(b, v);
	put(w, b, 4);
}

static void patch16(struct wbuf *w, size_t off, uint16_t v)
{
	if (w->over || off + 2 > w->len)
		return;
	put_be16(w->p + off, v);
}

static uint16_t ip4_checksum(const uint8_t *h)
{
	uint32_t sum = 0;

	for (int i = 0; i < 20; i += 2)
		sum += get_be16(h + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The number that goes in the IP header's protocol field. */
static uint8_t wire_proto(const struct desc *d, const struct ip_desc *ip)
{
	if (ip->proto < 0)
		return 253;                 /* "for experimentation" (RFC 3692) */
	if (ip->proto == P_GRETAP)
		return P_GRE;
	if (ip->proto == P_TUNNEL_IPIP)
		return d->inner.family == 6 ? P_IPV6 : P_IPIP;
	return (uint8_t)ip->proto;
}

static void emit_ip(struct wbuf *w, const struct desc *d, const struct ip_desc *ip,
		    bool is_inner);

/* What follows the IP header (and fragment header): the L4 header, or the
 * tunnel and the inner packet. */
static void emit_l4(struct wbuf *w, const struct desc *d, const struct ip_desc *ip,
		    bool is_inner)
{
	switch (ip->proto) {
	case P_TCP:
		put16(w, ip->sport);
		put16(w, ip->dport);
		put32(w, 1);                /* sequence */
		put32(w, 0);                /* acknowledgment */
		put16(w, 0x5002);           /* 5 words, SYN */
		put16(w, 0xffff);           /* window */
		put32(w, 0);                /* checksum, urgent */
		break;
	case P_UDP:
	case P_UDPLITE:
		put16(w, ip->sport);
		put16(w, ip->dport);
		put16(w, 8);                /* length (UDP-Lite: coverage) */
		put16(w, 0);
		break;
	case P_DCCP:
		put16(w, ip->sport);
		put16(w, ip->dport);
		put8(w, 4);                 /* data offset, words */
		put8(w, 0);
		put16(w, 0);                /* checksum */
		put8(w, 0x01);              /* type request, X: long sequence */
		put(w, NULL, 7);            /* reserved, sequence */
		break;
	case P_SCTP:
		put16(w, ip->sport);
		put16(w, ip->dport);
		put32(w, 0);                /* verification tag */
		put32(w, 0);                /* checksum */
		break;
	case P_ESP:
		put32(w, ip->spi);
		put32(w, 1);                /* sequence */
		break;
	case P_AH:
		put8(w, P_NONEXT);
		put8(w, 4);                 /* (4 + 2) * 4 = 24 bytes */
		put16(w, 0);
		put32(w, ip->spi);
		put32(w, 1);
		put(w, NULL, 12);           /* ICV */
		break;
	case P_ICMP:
	case P_ICMPV6:
		put8(w, ip->type);
		put8(w, ip->code);
		put16(w, 0);                /* checksum */
		if (!is_inner && d->has_inner) {
			put32(w, 0);        /* unused / MTU / pointer */
			emit_ip(w, d, &d->inner, true);
		} else {
			put16(w, ip->id);
			put16(w, 1);        /* sequence */
		}
		break;
	case P_GRE:
	case P_GRETAP:
		put16(w, d->have_key ? 0x2000 : 0);
		put16(w, ip->proto == P_GRETAP ? 0x6558 :
			 d->inner.family == 6 ? 0x86dd : 0x0800);
		if (d->have_key)
			put32(w, d->key);
		if (ip->proto == P_GRETAP) {
			put(w, d->inner.have_dmac ? d->inner.dmac : frame_desc_default_dmac, 6);
			put(w, d->inner.have_smac ? d->inner.smac : d->smac, 6);
			put16(w, d->inner.family == 6 ? 0x86dd : 0x0800);
		}
		emit_ip(w, d, &d->inner, true);
		break;
	case P_TUNNEL_IPIP:
		emit_ip(w, d, &d->inner, true);
		break;
	default:
		break;                      /* no header known: nothing */
	}
}

static void emit_ip(struct wbuf *w, const struct desc *d, const struct ip_desc *ip,
		    bool is_inner)
{
	size_t start = w->len;
	uint8_t proto = wire_proto(d, ip);

	if (ip->family == 4) {
		uint16_t frag = ip->frag == FRAG_FIRST ? 0x2000 :
				ip->frag == FRAG_MIDDLE ? 0x2000 | 185 : 0;

		put8(w, 0x45);
		put8(w, 0);
		put16(w, 0);                /* total length, patched below */
		put16(w, 0x0001);           /* identification */
		put16(w, frag);
		put8(w, 64);
		put8(w, proto);
		put16(w, 0);                /* checksum, below */
		put(w, ip->src, 4);
		put(w, ip->dst, 4);
		/* A middle fragment carries payload bytes, not a header. */
		if (ip->frag == FRAG_MIDDLE)
			put(w, NULL, 8);
		else
			emit_l4(w, d, ip, is_inner);
		if (w->over)
			return;
		patch16(w, start + 2, (uint16_t)(w->len - start));
		patch16(w, start + 10, ip4_checksum(w->p + start));
		return;
	}
	put32(w, 0x60000000);
	put16(w, 0);                        /* payload length, patched below */
	put8(w, ip->frag ? P_FRAG : proto);
	put8(w, 64);
	put(w, ip->src, 16);
	put(w, ip->dst, 16);
	if (ip->frag) {
		put8(w, proto);
		put8(w, 0);
		/* offset in 8-byte units << 3, M flag set */
		put16(w, ip->frag == FRAG_FIRST ? 0x0001 : (uint16_t)(185 << 3 | 1));
		put32(w, 0x00001234);
	}
	if (ip->frag == FRAG_MIDDLE)
		put(w, NULL, 8);
	else
		emit_l4(w, d, ip, is_inner);
	if (!w->over)
		patch16(w, start + 4, (uint16_t)(w->len - start - 40));
}

/* ---- the summary line ------------------------------------------------------ */

static void app(char *s, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void app(char *s, size_t cap, const char *fmt, ...)
{
	size_t n = strlen(s);
	va_list ap;

	if (n + 1 >= cap)
		return;
	va_start(ap, fmt);
	vsnprintf(s + n, cap - n, fmt, ap);
	va_end(ap);
}

static const char *proto_label(const struct ip_desc *ip, char buf[16])
{
	switch (ip->proto) {
	case P_TCP: return "TCP";
	case P_UDP: return "UDP";
	case P_UDPLITE: return "UDP-Lite";
	case P_DCCP: return "DCCP";
	case P_SCTP: return "SCTP";
	case P_ICMP: return "ICMP";
	case P_ICMPV6: return "ICMPv6";
	case P_ESP: return "ESP";
	case P_AH: return "AH";
	case P_GRE: return "GRE";
	case P_GRETAP: return "GRE (Ethernet)";
	case P_TUNNEL_IPIP: return "IP-in-IP";
	case -1: return "proto 253";
	default:
		snprintf(buf, 16, "proto %d", ip->proto);
		return buf;
	}
}

static void addr_text(const struct ip_desc *ip, bool src, bool bracket, char out[64])
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(ip->family == 4 ? AF_INET : AF_INET6, src ? ip->src : ip->dst, a,
		  sizeof(a));
	snprintf(out, 64, bracket && ip->family == 6 ? "[%s]" : "%s", a);
}

static const char *icmp_name(int family, uint8_t type)
{
	if (family == 6) {
		switch (type) {
		case 1: return "unreachable";
		case 2: return "packet-too-big";
		case 3: return "time-exceeded";
		case 4: return "param-problem";
		case 128: return "echo-request";
		case 129: return "echo-reply";
		}
		return NULL;
	}
	switch (type) {
	case 0: return "echo-reply";
	case 3: return "unreachable";
	case 8: return "echo-request";
	case 11: return "time-exceeded";
	case 12: return "param-problem";
	}
	return NULL;
}

static void summarize_ip(char *s, size_t cap, const struct desc *d,
			 const struct ip_desc *ip, bool is_inner)
{
	char pb[16], sa[64], da[64];
	bool ports = has_ports(ip->proto) && ip->frag != FRAG_MIDDLE;

	addr_text(ip, true, ports, sa);
	addr_text(ip, false, ports, da);
	app(s, cap, "IPv%d %s", ip->family, proto_label(ip, pb));
	if (ip->proto == P_ESP || ip->proto == P_AH)
		app(s, cap, " spi 0x%x", ip->spi);
	if ((ip->proto == P_GRE || ip->proto == P_GRETAP) && d->have_key)
		app(s, cap, " key %u", d->key);
	if (is_icmp(ip->proto)) {
		const char *nm = icmp_name(ip->family, ip->type);

		if (nm)
			app(s, cap, " %s", nm);
		else
			app(s, cap, " type %u", ip->type);
		if (ip->code)
			app(s, cap, " code %u", ip->code);
		if (!d->has_inner || is_inner)
			app(s, cap, " id %u", ip->id);
	}
	if (ports)
		app(s, cap, " %s:%u -> %s:%u", sa, ip->sport, da, ip->dport);
	else
		app(s, cap, " %s -> %s", sa, da);
	if (ip->frag)
		app(s, cap, " (%s fragment)", ip->frag == FRAG_FIRST ? "first" : "middle");
	if (!is_inner && d->has_inner) {
		app(s, cap, is_icmp(ip->proto) ? ", quoting " : ", inner ");
		summarize_ip(s, cap, d, &d->inner, true);
	}
}

static void summarize(const struct desc *d, char *s, size_t cap)
{
	s[0] = '\0';
	if (d->n_vlan == 2)
		app(s, cap, "802.1ad vlan %u, 802.1Q vlan %u, ", d->vlan[0], d->vlan[1]);
	else if (d->n_vlan == 1)
		app(s, cap, "802.1Q vlan %u, ", d->vlan[0]);
	if (d->have_pppoe)
		app(s, cap, "PPPoE session %u, ", d->sid);
	if (d->arp) {
		char sa[64], da[64];

		addr_text(&d->outer, true, false, sa);
		addr_text(&d->outer, false, false, da);
		app(s, cap, "ARP who-has %s tell %s", da, sa);
	} else if (d->have_ethertype) {
		app(s, cap, "ethertype 0x%04x", d->ethertype);
	} else {
		summarize_ip(s, cap, d, &d->outer, false);
	}
}

/* ---- entry points ---------------------------------------------------------- */

int frame_desc_build_ex(const char *const *words, unsigned n,
			const uint8_t bond_mac[6], uint8_t *buf, size_t cap,
			size_t *len, struct frame_desc_info *info, struct err *err)
{
	struct desc d;
	struct wbuf w = { .p = buf, .cap = cap };
	size_t pppoe_start = 0;
	int rc;

	if (err)
		err_clear(err);
	rc = parse(words, n, &d, err);
	if (rc)
		return rc;
	if (!d.have_smac)
		memcpy(d.smac, bond_mac, 6);
	if (!d.have_dmac)
		memcpy(d.dmac, frame_desc_default_dmac, 6);

	put(&w, d.dmac, 6);
	put(&w, d.smac, 6);
	for (unsigned i = 0; i < d.n_vlan; i++) {
		/* two tags: the outer one is a service tag */
		put16(&w, d.n_vlan == 2 && i == 0 ? 0x88a8 : 0x8100);
		put16(&w, d.vlan[i]);
	}
	if (d.have_ethertype) {
		put16(&w, d.ethertype);
		if (d.arp) {
			put16(&w, 1);       /* Ethernet */
			put16(&w, 0x0800);
			put8(&w, 6);
			put8(&w, 4);
			put16(&w, 1);       /* request */
			put(&w, d.smac, 6);
			put(&w, d.outer.src, 4);
			put(&w, NULL, 6);
			put(&w, d.outer.dst, 4);
		} else {
			put(&w, NULL, 46);  /* minimum payload */
		}
	} else if (d.have_pppoe) {
		put16(&w, 0x8864);
		pppoe_start = w.len;
		put8(&w, 0x11);             /* version 1, type 1 */
		put8(&w, 0);                /* session data */
		put16(&w, d.sid);
		put16(&w, 0);               /* length, below */
		put16(&w, d.outer.family == 6 ? 0x0057 : 0x0021);
		emit_ip(&w, &d, &d.outer, false);
		patch16(&w, pppoe_start + 4, (uint16_t)(w.len - pppoe_start - 6));
	} else {
		put16(&w, d.outer.family == 6 ? 0x86dd : 0x0800);
		emit_ip(&w, &d, &d.outer, false);
	}
	if (w.over) {
		if (err) {
			err->code = -ENOSPC;
			snprintf(err->msg, sizeof(err->msg),
				 "the frame does not fit in %zu bytes", cap);
		}
		return -ENOSPC;
	}
	*len = w.len;
	if (info) {
		memcpy(info->smac, d.smac, 6);
		memcpy(info->dmac, d.dmac, 6);
		info->smac_default = !d.have_smac;
		info->dmac_default = !d.have_dmac;
		summarize(&d, info->summary, sizeof(info->summary));
	}
	return 0;
}

int frame_desc_build(const char *const *words, unsigned n, const uint8_t bond_mac[6],
		     uint8_t *buf, size_t cap, size_t *len, struct err *err)
{
	return frame_desc_build_ex(words, n, bond_mac, buf, cap, len, NULL, err);
}
