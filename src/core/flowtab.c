/* Flow keys, the busiest-flows table and its windows (flowtab.h). */
#include "flowtab.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bond_types.h"
#include "hash.h"
#include "lib/bytes.h"
#include "mode.h"

#define ETH_HLEN_ 14

uint8_t flow_fields_policy(uint32_t policy)
{
	switch (policy) {
	case XMIT_LAYER2:
		return FK_L2;
	case XMIT_LAYER23:
	case XMIT_ENCAP23:
		/* dst MAC[5] ^ src MAC[5] ^ type, then the addresses */
		return FK_L2 | FK_IP;
	case XMIT_LAYER34:
	case XMIT_ENCAP34:
		return FK_IP | FK_PROTO | FK_PORTS;
	case XMIT_VLAN_SRCMAC:
		return FK_SMAC | FK_VLAN;
	}
	return FK_FULL;
}

uint8_t flow_fields(const struct bond *b)
{
	if (!bond_mode_uses_xmit_hash(b))
		return FK_FULL;
	return flow_fields_policy(b->params.xmit_policy);
}

static bool need(size_t len, size_t off, size_t n)
{
	return off <= len && n <= len - off;
}

/* Where the "ports" of proto sit after the IP header (as the hash reads
 * them: hash.c ports_offset), -1 for none. */
static int ports_off(uint8_t proto)
{
	switch (proto) {
	case 6: case 17: case 33: case 50: case 132: case 136:
		return 0;
	case 51:
		return 4;
	default:
		return -1;
	}
}

/* The L4 part of the key: ports (or SPI), or ICMP type/code and echo id. */
static void l4_fields(struct flow_key *k, const uint8_t *f, size_t len, size_t thoff)
{
	int po = ports_off(k->proto);

	if (po >= 0) {
		if (need(len, thoff + (size_t)po, 4)) {
			k->sport = get_be16(f + thoff + (size_t)po);
			k->dport = get_be16(f + thoff + (size_t)po + 2);
		}
		return;
	}
	if ((k->proto == 1 || k->proto == 58) && need(len, thoff, 8)) {
		uint8_t t = f[thoff];

		k->sport = (uint16_t)(t << 8 | f[thoff + 1]);
		/* the echo id, for the messages that have one (hash.c icmp_has_id) */
		if (t == 0 || t == 8 || t == 13 || t == 14 || t == 128 || t == 129)
			k->dport = get_be16(f + thoff + 4);
	}
}

/* IPv4/IPv6 at off: family, addresses and, with FK_PORTS, the L4 part.
 * False when the header is cut short (the hash then falls back to L2). */
static bool ip_fields(struct flow_key *k, uint8_t want, const uint8_t *f, size_t len,
		      size_t off, uint16_t type)
{
	if (type == 0x0800) {
		size_t ihl;

		if (!need(len, off, 20))
			return false;
		ihl = (size_t)(f[off] & 0x0f) * 4;
		k->family = 4;
		memcpy(k->src, f + off + 12, 4);
		memcpy(k->dst, f + off + 16, 4);
		if (want & (FK_PROTO | FK_PORTS))
			k->proto = f[off + 9];
		/* fragments: ports 0, as the hash (bond_flow_ip) */
		if ((want & FK_PORTS) && !(get_be16(f + off + 6) & 0x3fff))
			l4_fields(k, f, len, off + ihl);
		return true;
	}
	if (!need(len, off, 40))
		return false;
	k->family = 6;
	memcpy(k->src, f + off + 8, 16);
	memcpy(k->dst, f + off + 24, 16);
	if (want & (FK_PROTO | FK_PORTS))
		k->proto = f[off + 6];
	if (want & FK_PORTS)
		l4_fields(k, f, len, off + 40);
	return true;
}

/* oob: the frame is a VLAN sub-interface's, its tag out of band for the
 * hash (hash.c xmit_hash_vlan): the type and the IP header after it are
 * what the hash reads. */
static void key_from(struct flow_key *k, uint8_t want, const uint8_t *f, size_t len, bool oob)
{
	size_t nhoff = ETH_HLEN_;
	uint16_t type;

	memset(k, 0, sizeof(*k));
	if (len < ETH_HLEN_)
		return;
	type = get_be16(f + 12);
	if ((type == 0x8100 || type == 0x88a8) && len >= ETH_HLEN_ + 4) {
		if (want & FK_VLAN) {
			k->tagged = 1;
			k->vlan = get_be16(f + 14) & 0x0fff;
		}
		if (oob) {
			type = get_be16(f + 16);
			nhoff += 4;
		}
	}
	if ((want & FK_IP) && (type == 0x0800 || type == 0x86dd) &&
	    ip_fields(k, want, f, len, nhoff, type)) {
		k->fields = want & (FK_L2 | FK_VLAN | FK_IP | FK_PROTO | FK_PORTS);
	} else {
		k->family = 0;
		k->proto = 0;
		k->sport = k->dport = 0;
		memset(k->src, 0, sizeof(k->src));
		memset(k->dst, 0, sizeof(k->dst));
		k->fields = want & FK_IP ? (uint8_t)(FK_L2 | (want & FK_VLAN))
					 : (uint8_t)(want & (FK_L2 | FK_VLAN));
	}
	if (k->fields & FK_SMAC)
		memcpy(k->smac, f + 6, 6);
	if (k->fields & FK_DMAC)
		memcpy(k->dmac, f, 6);
	if (k->fields & FK_ETYPE)
		k->ethertype = type;
	if (!(k->fields & FK_VLAN))
		k->tagged = 0, k->vlan = 0;
}

void flow_key_from_frame(struct flow_key *k, uint8_t want, const uint8_t *f, size_t len)
{
	key_from(k, want, f, len, false);
}

void flow_key_from_frame_vlan(struct flow_key *k, uint8_t want, const uint8_t *f, size_t len)
{
	key_from(k, want, f, len, true);
}

void bond_flow_key(const struct bond *b, struct flow_key *k, const uint8_t *frame,
		   size_t len)
{
	key_from(k, flow_fields(b), frame, len, b->xmit_oob_tag);
}

/* ---- words --------------------------------------------------------------- */

struct wbuf {
	char *p;
	size_t size, n;
};

static void wput(struct wbuf *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void wput(struct wbuf *w, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (w->n >= w->size)
		return;
	va_start(ap, fmt);
	r = vsnprintf(w->p + w->n, w->size - w->n, fmt, ap);
	va_end(ap);
	if (r > 0)
		w->n += (size_t)r;
	if (w->n >= w->size)
		w->n = w->size - 1;
}

static void wmac(struct wbuf *w, const char *word, const uint8_t m[6])
{
	wput(w, "%s%s %02x:%02x:%02x:%02x:%02x:%02x", w->n ? " " : "", word, m[0], m[1],
	     m[2], m[3], m[4], m[5]);
}

/* IPv6 in the compressed form (RFC 5952), as inet_ntop writes it; done by
 * hand because the core makes no library call that could touch locale or
 * errno state. */
static void waddr(struct wbuf *w, const char *word, uint8_t family, const uint8_t *a)
{
	int best = -1, best_n = 0, i;

	if (family == 4) {
		wput(w, " %s %u.%u.%u.%u", word, a[0], a[1], a[2], a[3]);
		return;
	}
	for (i = 0; i < 8;) {
		int n = 0;

		while (i + n < 8 && !a[2 * (i + n)] && !a[2 * (i + n) + 1])
			n++;
		if (n > best_n && n >= 2) {
			best = i;
			best_n = n;
		}
		i += n ? n : 1;
	}
	wput(w, " %s ", word);
	for (i = 0; i < 8; i++) {
		if (i == best) {
			wput(w, "::");
			i += best_n - 1;
			continue;
		}
		wput(w, "%s%x", i && i != best + best_n ? ":" : "",
		     (unsigned)(a[2 * i] << 8 | a[2 * i + 1]));
	}
}

static const char *proto_word(uint8_t p, uint8_t family)
{
	switch (p) {
	case 6: return "tcp";
	case 17: return "udp";
	case 136: return "udplite";
	case 33: return "dccp";
	case 132: return "sctp";
	case 1: return family == 4 ? "icmp" : NULL;
	case 58: return "icmpv6";
	case 50: return "esp";
	case 51: return "ah";
	default: return NULL;
	}
}

void flow_key_words(const struct flow_key *k, char *buf, size_t size)
{
	struct wbuf w = { buf, size, 0 };
	const char *pw;

	if (!size)
		return;
	buf[0] = '\0';
	if (k->fields & FK_SMAC)
		wmac(&w, "smac", k->smac);
	if (k->fields & FK_DMAC)
		wmac(&w, "dmac", k->dmac);
	if ((k->fields & FK_VLAN) && k->tagged)
		wput(&w, "%svlan %u", w.n ? " " : "", k->vlan);
	if (k->fields & FK_IP) {
		waddr(&w, "src", k->family, k->src);
		waddr(&w, "dst", k->family, k->dst);
	} else if ((k->fields & FK_ETYPE) && !((k->fields & FK_VLAN) && k->tagged &&
						(k->ethertype == 0x8100 || k->ethertype == 0x88a8))) {
		wput(&w, "%sethertype 0x%04x", w.n ? " " : "", k->ethertype);
	}
	if ((k->fields & (FK_IP | FK_PROTO)) == (FK_IP | FK_PROTO)) {
		pw = proto_word(k->proto, k->family);
		if (pw)
			wput(&w, " proto %s", pw);
		else
			wput(&w, " proto %u", k->proto);
	}
	if ((k->fields & (FK_IP | FK_PORTS)) == (FK_IP | FK_PORTS)) {
		if (k->proto == 1 || k->proto == 58)
			wput(&w, " type %u code %u id %u", k->sport >> 8, k->sport & 0xff,
			     k->dport);
		else if (k->proto == 50 || k->proto == 51)
			wput(&w, " spi %u", (unsigned)k->sport << 16 | k->dport);
		else if (ports_off(k->proto) >= 0)
			wput(&w, " sport %u dport %u", k->sport, k->dport);
	}
	if (w.n && buf[0] == ' ')
		memmove(buf, buf + 1, strlen(buf));
}

/* ---- the table ----------------------------------------------------------- */

/* The table's own hash of a key, unrelated to the transmit hash: a
 * multiply-xor over its 64-bit words, two lanes so the multiplies overlap
 * (the key has no padding and is zeroed where unused). This runs for every
 * frame the packet data path sends. */
static uint32_t key_hash(const struct flow_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint64_t a = 0x9e3779b97f4a7c15u, b = 0xc2b2ae3d27d4eb4fu, w1, w2;
	uint32_t tail;
	size_t i;

	_Static_assert(sizeof(*k) % 16 == 12, "the key is 3 double words and 3 words");
	for (i = 0; i + 16 <= sizeof(*k); i += 16) {
		memcpy(&w1, p + i, 8);
		memcpy(&w2, p + i + 8, 8);
		a = (a ^ w1) * 0xff51afd7ed558ccdu;
		b = (b ^ w2) * 0xc4ceb9fe1a85ec53u;
	}
	memcpy(&w1, p + i, 8);
	memcpy(&tail, p + i + 8, 4);
	a = (a ^ w1) * 0xff51afd7ed558ccdu;
	b = (b ^ tail) * 0xc4ceb9fe1a85ec53u;
	a ^= b ^ (a >> 29) ^ (b >> 32);
	return (uint32_t)(a ^ (a >> 32));
}

void flow_tab_reset(struct flow_tab *t)
{
	memset(t, 0, sizeof(*t));
}

void flow_tab_add(struct flow_tab *t, const struct flow_key *k, uint64_t bytes,
		  uint64_t frames)
{
	uint32_t h = key_hash(k);
	struct flow_ent *victim = NULL;

	t->bytes += bytes;
	t->frames += frames;
	for (unsigned i = 0; i < FLOW_PROBE; i++) {
		struct flow_ent *e = &t->ent[(h + i) & (FLOW_TAB_SIZE - 1)];

		if (!e->frames) {
			/* a free slot: the key is nowhere further on */
			e->k = *k;
			e->bytes = bytes;
			e->frames = frames;
			t->n++;
			return;
		}
		if (!memcmp(&e->k, k, sizeof(*k))) {
			e->bytes += bytes;
			e->frames += frames;
			return;
		}
		if (!victim || e->bytes < victim->bytes)
			victim = e;
	}
	t->other_bytes += victim->bytes;
	t->other_frames += victim->frames;
	t->evictions++;
	victim->k = *k;
	victim->bytes = bytes;
	victim->frames = frames;
}

static bool before(const struct flow_ent *a, const struct flow_ent *b)
{
	return a->bytes > b->bytes || (a->bytes == b->bytes && a->frames > b->frames);
}

unsigned flow_tab_top(const struct flow_tab *t, struct flow_ent *out, unsigned max)
{
	unsigned n = 0;

	/* insertion into a sorted array of at most max: max is small
	 * (FLOW_TOP) and this runs once per window or request */
	for (unsigned i = 0; i < FLOW_TAB_SIZE; i++) {
		const struct flow_ent *e = &t->ent[i];
		unsigned j;

		if (!e->frames)
			continue;
		if (n == max && !before(e, &out[n - 1]))
			continue;
		j = n < max ? n++ : n - 1;
		while (j > 0 && before(e, &out[j - 1])) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = *e;
	}
	return n;
}

/* ---- windows ------------------------------------------------------------- */

void flow_rec_init(struct flow_rec *r, uint64_t now_ms)
{
	memset(r, 0, sizeof(*r));
	r->cur_start_ms = now_ms;
	r->started = true;
}

uint64_t flow_rec_due(const struct flow_rec *r)
{
	return (r->cur_start_ms / FLOW_WINDOW_MS + 1) * FLOW_WINDOW_MS;
}

void flow_rec_rotate(struct flow_rec *r, uint64_t now_ms)
{
	struct flow_window *w = &r->last;
	const struct flow_tab *t = &r->cur;

	w->valid = true;
	w->start_ms = r->cur_start_ms;
	w->end_ms = now_ms;
	w->n_flows = t->n;
	w->bytes = t->bytes;
	w->frames = t->frames;
	w->other_bytes = t->other_bytes;
	w->other_frames = t->other_frames;
	w->evictions = t->evictions;
	w->n_top = flow_tab_top(t, w->top, FLOW_TOP);
	flow_tab_reset(&r->cur);
	r->cur_start_ms = now_ms;
}
