/* balance-rr (mode 0): frames leave on the slaves in turn.
 *
 * The kernel's choice, reproduced: a per-bond counter is incremented before
 * use (so the first frame takes slave 1); packets_per_slave N>1 keeps N
 * consecutive frames on one slave (counter / N); 0 picks a random slave.
 * The index is taken modulo the number of slaves (all of them, usable or
 * not) and the first slave from there on that can transmit is used, which
 * the map in its private data gives in O(1). IGMP is not striped: it leaves on the current
 * "active" slave (the first usable one), so a switch doing IGMP snooping
 * sees membership from one port. */
#include <stdio.h>
#include <string.h>

#include "bond.h"
#include "mode.h"

struct rr_priv {
	uint32_t counter;           /* frames sent, incremented before use */
	uint32_t rand_state;        /* packets_per_slave=0: xorshift32 state */
	/* map[i]: the first slave at or after slaves[i] (wrapping) that can
	 * transmit, NULL if none: the O(1) "next usable" lookup. */
	struct slave *map[BOND_MAX_SLAVES];
};

static struct rr_priv *rr_of(const struct bond *b)
{
	return b->mode_priv;
}

static void rr_init(struct bond *b)
{
	struct rr_priv *p = b->mode_priv;

	p->rand_state = 0x9e3779b9u;
}

static uint32_t rr_random(struct bond *b)
{
	/* xorshift32: the engine is pure, so it keeps its own generator. */
	struct rr_priv *p = b->mode_priv;
	uint32_t x = p->rand_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	p->rand_state = x;
	return x;
}

/* The map: walk backwards so each entry knows the next transmit-capable
 * slave at or after it, wrapping around once. */
static void rr_usable_changed(struct bond *b)
{
	struct rr_priv *p = rr_of(b);
	struct slave *next = NULL;

	for (unsigned i = 0; i < b->n_slaves; i++)
		p->map[i] = NULL;
	if (!b->n_slaves)
		return;
	for (unsigned pass = 0; pass < 2; pass++)
		for (unsigned i = b->n_slaves; i-- > 0;) {
			if (slave_can_tx(b->slaves[i]))
				next = b->slaves[i];
			p->map[i] = next;
		}
}

/* The kernel tests skb->protocol: the outer type field of a frame written
 * to the bond (an in-band tag hides the IGMP behind it), the type after
 * the tag for a VLAN sub-interface's frame (its tag is out of band). */
static bool is_igmp(const struct bond *b, const uint8_t *frame, size_t len)
{
	size_t off = 14;

	if (b->xmit_oob_tag && len >= 18 &&
	    ((frame[12] == 0x81 && frame[13] == 0x00) || (frame[12] == 0x88 && frame[13] == 0xa8)))
		off = 18;
	return len >= off + 20 && frame[off - 2] == 0x08 && frame[off - 1] == 0x00 &&
	       (frame[off] >> 4) == 4 && frame[off + 9] == 2;
}

/* IGMP leaves on the active slave, else on the first that can transmit. */
static struct slave *rr_igmp_slave(const struct bond *b)
{
	struct slave *act = mode_active_tx(b);

	return act ? act : rr_of(b)->map[0];
}

/* The slave for counter value counter (packets_per_slave > 0). */
static struct slave *rr_slave_at(const struct bond *b, uint32_t counter)
{
	uint32_t pps = b->params.packets_per_slave;
	uint32_t id = pps == 1 ? counter : counter / pps;

	return rr_of(b)->map[id % b->n_slaves];
}

static void rr_xmit(struct bond *b, const uint8_t *frame, size_t len,
		    const void *meta, uint64_t now_ms)
{
	struct slave *s;

	if (!b->n_slaves)
		return;
	if (is_igmp(b, frame, len))
		s = rr_igmp_slave(b);
	else if (b->params.packets_per_slave == 0)
		s = rr_of(b)->map[rr_random(b) % b->n_slaves];
	else
		s = rr_slave_at(b, ++rr_of(b)->counter);
	if (s)
		bond_tx_on(b, s, frame, len, meta);
}

static void rr_explain_tx(const struct bond *b, const uint8_t *frame, size_t len,
			  struct tx_explain *out)
{
	uint32_t pps = b->params.packets_per_slave;
	struct slave *act = mode_active_tx(b);

	out->set = b->slaves;
	out->n_set = b->n_slaves;
	out->set_label = "slaves";
	if (!b->n_slaves) {
		snprintf(out->reason, sizeof(out->reason),
			 "balance-rr: no slave: the frame would be dropped");
	} else if (is_igmp(b, frame, len)) {
		out->slave = rr_igmp_slave(b);
		snprintf(out->reason, sizeof(out->reason), "balance-rr: IGMP is not "
			 "striped: it leaves on the %s", act ? "active slave" :
			 "first slave that can transmit");
	} else if (pps == 0) {
		snprintf(out->reason, sizeof(out->reason), "balance-rr: "
			 "packets_per_slave=0: each frame takes a random slave");
	} else {
		/* the counter the next frame will see, not advanced here */
		out->slave = rr_slave_at(b, rr_of(b)->counter + 1);
		snprintf(out->reason, sizeof(out->reason), "balance-rr: frames take the "
			 "slaves in turn (packets_per_slave=%u); this is where the "
			 "next frame goes", pps);
	}
}

static void rr_tx_plan(const struct bond *b, struct tx_plan *out)
{
	out->kind = b->n_slaves ? TXP_RR : TXP_DROP;
	out->active = b->n_slaves ? rr_igmp_slave(b) : NULL;
	out->n_slaves = b->n_slaves;
	for (unsigned i = 0; i < b->n_slaves; i++)
		out->rr_map[i] = rr_of(b)->map[i];
}

const struct mode_ops mode_rr = {
	.name = "balance-rr",
	.proc_text = "load balancing (round-robin)",
	.number = BOND_MODE_ROUNDROBIN,
	.priv_size = sizeof(struct rr_priv),
	.arp_monitor = MODE_ARP_LOADBALANCE,
	.igmp_rejoin = MODE_REJOIN_ALWAYS,
	.queue_override = true,
	.init = rr_init,
	.usable_changed = rr_usable_changed,
	.xmit = rr_xmit,
	.explain_tx = rr_explain_tx,
	.tx_plan = rr_tx_plan,
};
