/* balance-rr (mode 0): frames leave on the slaves in turn.
 *
 * The kernel's choice, reproduced: a per-bond counter is incremented before
 * use (so the first frame takes slave 1); packets_per_slave N>1 keeps N
 * consecutive frames on one slave (counter / N); 0 picks a random slave.
 * The index is taken modulo the number of slaves (all of them, usable or
 * not) and the first slave from there on that can transmit is used, which
 * rr_map gives in O(1). IGMP is not striped: it leaves on the current
 * "active" slave (the first usable one), so a switch doing IGMP snooping
 * sees membership from one port. */
#include <string.h>

#include "bond.h"
#include "mode.h"

static uint32_t rr_random(struct bond *b)
{
	/* xorshift32: the engine is pure, so it keeps its own generator. */
	uint32_t x = b->rand_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	b->rand_state = x;
	return x;
}

static bool is_igmp(const uint8_t *frame, size_t len)
{
	return len >= 14 + 20 && frame[12] == 0x08 && frame[13] == 0x00 &&
	       (frame[14] >> 4) == 4 && frame[14 + 9] == 2;
}

static void rr_xmit(struct bond *b, const uint8_t *frame, size_t len,
		    const void *meta, uint64_t now_ms)
{
	struct slave *s;
	uint32_t id;

	if (!b->n_slaves)
		return;
	if (is_igmp(frame, len)) {
		s = b->active && slave_can_tx(b->active) ? b->active : b->rr_map[0];
		if (s)
			bond_tx_on(b, s, frame, len, meta);
		return;
	}
	switch (b->params.packets_per_slave) {
	case 0:
		id = rr_random(b);
		break;
	case 1:
		id = ++b->rr_counter;
		break;
	default:
		id = ++b->rr_counter / b->params.packets_per_slave;
		break;
	}
	s = b->rr_map[id % b->n_slaves];
	if (s)
		bond_tx_on(b, s, frame, len, meta);
}

const struct mode_ops mode_rr = {
	.name = "balance-rr",
	.proc_text = "load balancing (round-robin)",
	.number = BOND_MODE_ROUNDROBIN,
	.xmit = rr_xmit,
};
