/* broadcast (mode 3): every frame leaves on every slave whose link is up.
 * Every slave receives; like the kernel, nothing suppresses the duplicates
 * a peer's own broadcast bond sends (upper layers cope, as they do with the
 * kernel driver). */
#include "bond.h"
#include "mode.h"

static void bcast_xmit(struct bond *b, const uint8_t *frame, size_t len,
		       const void *meta, uint64_t now_ms)
{
	for (unsigned i = 0; i < b->n_usable; i++)
		bond_tx_on(b, b->usable[i], frame, len, meta);
}

const struct mode_ops mode_bcast = {
	.name = "broadcast",
	.proc_text = "fault-tolerance (broadcast)",
	.number = BOND_MODE_BROADCAST,
	.xmit = bcast_xmit,
};
