/* balance-tlb/alb's part of the status model (status.h): how the transmit
 * buckets and, for alb, the receive clients are spread over the slaves.
 * /proc shows none of it (the kernel keeps it in debugfs); the JSON does.
 * The status_fill slots of mode_tlb and mode_alb point here.
 */
#include "alb.h"
#include "bond.h"
#include "status.h"

void alb_status_fill(const struct bond *b, struct bond_status *st)
{
	const struct alb_priv *p = alb_priv(b);

	st->has_alb = true;
	st->alb.rlb = p->rlb_enabled;
	st->alb.open = p->open;
	for (unsigned i = 0; i < st->n_slaves; i++) {
		const struct slave *s = b->slaves[i];
		struct status_alb_slave *as = &st->slaves[i].alb;

		as->tlb_load = alb_slave(s)->load;
		for (unsigned k = 0; k < TLB_TABLE_SIZE; k++)
			if (p->tx[k].tx_slave == s)
				as->tx_buckets++;
		if (!p->rlb_enabled)
			continue;
		for (unsigned k = 0; k < RLB_TABLE_SIZE; k++)
			if (p->rx[k].assigned && p->rx[k].slave == s)
				as->rlb_clients++;
	}
	if (p->rlb_enabled)
		for (unsigned k = 0; k < RLB_TABLE_SIZE; k++)
			if (p->rx[k].assigned)
				st->alb.rlb_clients++;
}
