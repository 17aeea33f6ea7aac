/* The engine object: the bonds of one network namespace, the actions it was
 * given, and the timer entry point that runs every bond's monitor, mode and
 * multicast rejoin work. */
#include "engine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mcast_rejoin.h"
#include "monitor.h"


struct engine {
	struct engine_ops ops;
	void *ctx;
	struct bond *bonds[BOND_MAX_BONDS];
	unsigned n_bonds;
};

struct engine *engine_new(const struct engine_ops *ops, void *ctx)
{
	struct engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->ops = *ops;
	e->ctx = ctx;
	return e;
}

void engine_bond_free_mem(struct bond *b)
{
	for (unsigned i = 0; i < b->n_slaves; i++) {
		free(b->slaves[i]->mode_priv);
		free(b->slaves[i]);
	}
	if (b->mode && b->mode->fini)
		b->mode->fini(b);
	free(b->mode_priv);
	free(b->vlans);
	free(b);
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	for (unsigned i = 0; i < e->n_bonds; i++)
		engine_bond_free_mem(e->bonds[i]);
	free(e);
}

int engine_attach_bond(struct engine *e, struct bond *b, struct err *err)
{
	if (engine_bond_find(e, b->name)) {
		err_set(err, -EEXIST, "bonding: %s already exists", b->name);
		return -EEXIST;
	}
	if (e->n_bonds >= BOND_MAX_BONDS) {
		err_set(err, -ENOSPC, "too many bonds (at most %d)", BOND_MAX_BONDS);
		return -ENOSPC;
	}
	b->eng = e;
	b->ops = &e->ops;
	b->ctx = e->ctx;
	e->bonds[e->n_bonds++] = b;
	return 0;
}

bool engine_detach_bond(struct engine *e, struct bond *b)
{
	unsigned i;

	for (i = 0; i < e->n_bonds; i++)
		if (e->bonds[i] == b)
			break;
	if (i == e->n_bonds)
		return false;
	memmove(&e->bonds[i], &e->bonds[i + 1], (e->n_bonds - i - 1) * sizeof(e->bonds[0]));
	e->n_bonds--;
	return true;
}

struct bond *engine_bond_find(const struct engine *e, const char *name)
{
	for (unsigned i = 0; i < e->n_bonds; i++)
		if (!strcmp(e->bonds[i]->name, name))
			return e->bonds[i];
	return NULL;
}

unsigned engine_bond_count(const struct engine *e)
{
	return e->n_bonds;
}

struct bond *engine_bond_at(const struct engine *e, unsigned i)
{
	return i < e->n_bonds ? e->bonds[i] : NULL;
}

uint64_t engine_tick(struct engine *e, uint64_t now_ms)
{
	uint64_t next = UINT64_MAX;

	for (unsigned i = 0; i < e->n_bonds; i++) {
		struct bond *b = e->bonds[i];
		uint64_t t;

		b->now_ms = now_ms;
		t = monitor_tick(b, now_ms);

		if (t < next)
			next = t;
		t = mode_tick(b, now_ms);
		if (t < next)
			next = t;
		t = mcast_rejoin_tick(b, now_ms);
		if (t < next)
			next = t;
	}
	return next;
}
