/* The busiest flows of a bond (`bondctl flows`, docs/design.md "Flows"):
 * which fields of a frame make its flow key, a fixed-size table that counts
 * bytes and frames per (flow, slave), and the windows the counts belong to.
 *
 * The key holds exactly the fields the bond's transmit choice reads
 * (flow_fields()): a hashing mode's xmit_hash_policy, or for the modes
 * that do not hash the whole MACs + VLAN + IPs + protocol + ports. The
 * same struct is the key of the kernel data path's map (bpf/dp_abi.h
 * struct dp_flow_key has this layout field for field), so the programs
 * and the packet data path count the same things.
 *
 * Pure: no allocation, no clock. The caller owns the memory (one
 * struct flow_rec per bond, allocated once) and passes the time in. */
#ifndef BONDD_FLOWTAB_H
#define BONDD_FLOWTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bond;

/* flow_key.fields: which fields of the key are set (the others are 0). */
#define FK_SMAC   0x01
#define FK_DMAC   0x02
#define FK_ETYPE  0x04      /* the outer type field */
#define FK_VLAN   0x08      /* the outer tag's VID (tagged says if there is one) */
#define FK_IP     0x10      /* family, src, dst */
#define FK_PROTO  0x20      /* the IP protocol */
#define FK_PORTS  0x40      /* sport/dport; ICMP: type<<8|code, id; ESP/AH: SPI */
/* The fields of the modes that do not hash. */
#define FK_FULL   (FK_SMAC | FK_DMAC | FK_ETYPE | FK_VLAN | FK_IP | FK_PROTO | FK_PORTS)
/* What an L3 policy falls back to on a frame that is not IPv4/IPv6, as the
 * hash does (the layer2 value). */
#define FK_L2     (FK_SMAC | FK_DMAC | FK_ETYPE)

struct flow_key {
	uint8_t fields;             /* FK_* */
	uint8_t family;             /* 4 or 6 with FK_IP */
	uint8_t proto;
	uint8_t tagged;             /* FK_VLAN: the frame had a tag */
	uint16_t ethertype;         /* host order */
	uint16_t vlan;              /* VID */
	uint8_t smac[6], dmac[6];
	uint16_t sport, dport;      /* host order (see FK_PORTS) */
	uint8_t src[16], dst[16];   /* IPv4 in the first 4 bytes */
	uint32_t ifindex;           /* the slave the frames left on */
};

/* The fields a bond's transmit choice reads: its xmit_hash_policy's for
 * the modes that hash, else FK_FULL. */
uint8_t flow_fields(const struct bond *b);
/* The policy's fields (enum xmit_policy). */
uint8_t flow_fields_policy(uint32_t policy);

/* Fills *k from an Ethernet frame (the engine's view: a tag inline) with
 * the fields of want; a frame without IPv4/IPv6 at the outer type field
 * keeps only the L2 fields (FK_L2, plus FK_VLAN if wanted), as the hash
 * falls back. k->ifindex is left 0. */
void flow_key_from_frame(struct flow_key *k, uint8_t want, const uint8_t *frame, size_t len);
/* The same for a VLAN sub-interface's frame (engine.h bond_xmit_vlan: its
 * tag inline, out of band for the hash): the VID as FK_VLAN, and the type
 * and IP fields after the tag, as xmit_hash_vlan reads them. */
void flow_key_from_frame_vlan(struct flow_key *k, uint8_t want, const uint8_t *frame,
			      size_t len);
/* For a data path's tx action: the key of the frame the bond is sending
 * now, with the bond's fields, out of band while the engine sends a VLAN
 * sub-interface's frame (b->xmit_oob_tag). */
void bond_flow_key(const struct bond *b, struct flow_key *k, const uint8_t *frame,
		   size_t len);

/* The key as `bondctl hash` words ("src 192.0.2.1 dst 192.0.2.2 proto udp
 * sport 1 dport 2"), NUL-terminated, cut at size. */
void flow_key_words(const struct flow_key *k, char *buf, size_t size);

/* ---- the table ------------------------------------------------------------ */

#define FLOW_TAB_SIZE   1024    /* entries (a power of two) */
#define FLOW_PROBE      8       /* slots looked at per key */
#define FLOW_TOP        32      /* flows kept of a finished window */
#define FLOW_WINDOW_MS  10000   /* windows start at multiples of this */

struct flow_ent {
	struct flow_key k;
	uint64_t bytes, frames;
};

/* Open addressing, FLOW_PROBE slots from the key's hash. A key that finds
 * neither itself nor a free slot there takes the place of the smallest
 * (fewest bytes) entry among them: big flows stay, small ones come and
 * go, and what leaves is added to other_* so the totals stay whole. No
 * entry is ever emptied except by flow_tab_reset(), so no probe chain
 * breaks. */
struct flow_tab {
	struct flow_ent ent[FLOW_TAB_SIZE];
	unsigned n;                 /* slots in use */
	uint64_t bytes, frames;     /* everything added */
	uint64_t other_bytes, other_frames;   /* of the entries evicted */
	uint64_t evictions;
};

void flow_tab_reset(struct flow_tab *t);
void flow_tab_add(struct flow_tab *t, const struct flow_key *k, uint64_t bytes,
		  uint64_t frames);
/* The max entries with the most bytes, most first (ties: more frames
 * first), into out; returns how many. */
unsigned flow_tab_top(const struct flow_tab *t, struct flow_ent *out, unsigned max);

/* ---- windows -------------------------------------------------------------- */

/* What is kept of a finished window. */
struct flow_window {
	bool valid;                 /* a window has ended */
	uint64_t start_ms, end_ms;  /* when it was opened and closed */
	unsigned n_flows;           /* distinct (flow, slave) entries */
	uint64_t bytes, frames, other_bytes, other_frames, evictions;
	unsigned n_top;
	struct flow_ent top[FLOW_TOP];
};

struct flow_rec {
	struct flow_tab cur;        /* the open window */
	uint64_t cur_start_ms;
	bool started;
	struct flow_window last;    /* the last finished one */
};

/* Opens the first window at now_ms (everything zeroed). */
void flow_rec_init(struct flow_rec *r, uint64_t now_ms);
/* When the open window ends: the next multiple of FLOW_WINDOW_MS after
 * its start. */
uint64_t flow_rec_due(const struct flow_rec *r);
/* Closes the open window at now_ms into r->last and opens the next. */
void flow_rec_rotate(struct flow_rec *r, uint64_t now_ms);

#endif
