/* balance-xor (mode 2): each frame leaves on usable[hash % count], with the
 * hash of xmit_hash_policy (hash.c). The usable array holds the slaves that
 * can transmit and is rebuilt on link and membership changes only, so a
 * flow keeps its slave while the slave set is stable. Every slave receives. */
#include "bond.h"
#include "hash.h"
#include "mode.h"

static void xor_xmit(struct bond *b, const uint8_t *frame, size_t len,
		     const void *meta, uint64_t now_ms)
{
	unsigned n = b->n_usable;

	if (!n)
		return;
	bond_tx_on(b, b->usable[xmit_hash(b->params.xmit_policy, frame, len) % n],
		   frame, len, meta);
}

const struct mode_ops mode_xor = {
	.name = "balance-xor",
	.proc_text = "load balancing (xor)",
	.number = BOND_MODE_XOR,
	.xmit = xor_xmit,
};
