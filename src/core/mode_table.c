/* The table of modes (the only place a mode number is mapped to its
 * operations), switching a bond's mode, and the questions code that holds
 * only a mode number asks of the table. */
#include "mode.h"

#include <errno.h>
#include <stdlib.h>

const struct mode_ops *mode_lookup(uint32_t number)
{
	static const struct mode_ops *const modes[BOND_MODE__COUNT] = {
		[BOND_MODE_ROUNDROBIN] = &mode_rr,
		[BOND_MODE_ACTIVEBACKUP] = &mode_ab,
		[BOND_MODE_XOR] = &mode_xor,
		[BOND_MODE_BROADCAST] = &mode_bcast,
		[BOND_MODE_8023AD] = &mode_8023ad,
		[BOND_MODE_TLB] = &mode_tlb,
		[BOND_MODE_ALB] = &mode_alb,
	};

	return number < BOND_MODE__COUNT ? modes[number] : NULL;
}

int bond_set_mode(struct bond *b, uint32_t mode, struct err *err)
{
	const struct mode_ops *ops = mode_lookup(mode);
	void *priv = NULL;

	if (!ops) {
		err_set(err, -EOPNOTSUPP, "option mode: mode %u is not supported by bondd yet", mode);
		return -EOPNOTSUPP;
	}
	if (b->n_slaves) {
		err_set(err, -ENOTEMPTY, "option mode: unable to set because the bond device has slaves");
		return -ENOTEMPTY;
	}
	if (ops->priv_size) {
		priv = calloc(1, ops->priv_size);
		if (!priv) {
			err_set(err, -ENOMEM, "out of memory");
			return -ENOMEM;
		}
	}
	if (b->mode && b->mode->fini)
		b->mode->fini(b);
	free(b->mode_priv);
	b->mode = ops;
	b->mode_priv = priv;
	b->params.mode = mode;
	b->active = NULL;
	if (ops->init)
		ops->init(b);
	return 0;
}

bool bond_mode_uses_primary(uint32_t mode)
{
	const struct mode_ops *m = mode_lookup(mode);

	return m && m->uses_primary;
}

bool bond_mode_uses_arp(uint32_t mode)
{
	const struct mode_ops *m = mode_lookup(mode);

	return m && m->arp_monitor != MODE_ARP_NONE;
}

bool bond_reads_neighbor_frames(const struct bond *b)
{
	return b->params.arp_interval || b->mode->reads_arp;
}

bool bond_mode_uses_xmit_hash(const struct bond *b)
{
	return b->mode->uses_xmit_hash && b->mode->uses_xmit_hash(b);
}
