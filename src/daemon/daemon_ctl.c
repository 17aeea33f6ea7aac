/* The backend the control commands call (ctl/ctl_backend.h): the daemon's
 * operations behind the ops table the control layer defines, so that src/ctl
 * never includes a daemon header. */
#include "daemon.h"

#include "ctl/ctl_backend.h"
#include "daemon_conf.h"
#include "daemon_dump.h"
#include "daemon_impl.h"

static struct engine *be_engine(void *ctx)
{
	return daemon_engine(ctx);
}

static uint64_t be_now(void *ctx)
{
	return daemon_now(ctx);
}

static int be_bond_create(void *ctx, const char *name, unsigned nopts,
			  const char *const names[], const char *const values[],
			  struct err *err)
{
	return daemon_bond_create(ctx, name, nopts, names, values, err);
}

static int be_bond_delete(void *ctx, const char *name, struct err *err)
{
	return daemon_bond_delete(ctx, name, err);
}

static int be_set_up(void *ctx, const char *name, bool up, struct err *err)
{
	return daemon_bond_set_up(ctx, name, up, err);
}

static int be_enslave(void *ctx, const char *bond, const char *ifname, struct err *err)
{
	return daemon_enslave(ctx, bond, ifname, err);
}

static int be_release(void *ctx, const char *bond, const char *ifname, struct err *err)
{
	return daemon_release(ctx, bond, ifname, err);
}

static int be_set(void *ctx, const char *bond, unsigned nopts,
		  const char *const names[], const char *const values[], struct err *err)
{
	return daemon_set(ctx, bond, nopts, names, values, err);
}

static int be_reload(void *ctx, struct strbuf *msgs, struct err *err)
{
	return daemon_reload(ctx, msgs, err);
}

static void be_bond_io(void *ctx, const char *bond, struct ctl_bond_io *out)
{
	struct daemon *d = ctx;
	struct dbond *db = dbond_find(d, bond);

	if (d->dp->counters)
		d->dp->counters(d, daemon_now(d));
	out->datapath = d->dp->name;
	out->carrier_events = daemon_cwatch_kind(d);
	if (!db)
		return;
	out->map_updates = db->dp_updates;
	out->last_update_us = db->dp_last_us;
	out->max_update_us = db->dp_max_us;
	out->carrier_hints = db->hint_ep.obj != NULL;
	out->hints_received = db->hints_rx;
	out->hints_acted = db->hints_acted;
	out->failover = db->failover;
}

static int be_upgrade(void *ctx, struct err *err)
{
	return daemon_upgrade(ctx, err);
}

/* The configuration loader the daemon uses at start and reload, then
 * conf_lint() with the daemon's runtime facts (daemon_conf.c). */
static int be_lint(void *ctx, const char *file, struct strbuf *msgs, struct err *err)
{
	return daemon_lint(ctx, file, msgs, err);
}

/* bondctl dump / diff FILE (daemon_dump.c). */
static int be_dump(void *ctx, const char *bond, struct strbuf *out, struct err *err)
{
	return daemon_dump(ctx, bond, out, err);
}

static int be_diff(void *ctx, const char *path, const char *text,
		   void (*put)(void *arg, const struct ctl_change *ch), void *arg,
		   struct strbuf *msgs, struct err *err)
{
	return daemon_diff(ctx, path, text, put, arg, msgs, err);
}

static int be_flows(void *ctx, const char *bond, struct ctl_flows *out, struct err *err)
{
	return daemon_flows_get(ctx, bond, out, err);
}

static int be_vlan_add(void *ctx, const char *bond, uint16_t vid, const char *name,
		       struct err *err)
{
	return daemon_vlan_add(ctx, bond, vid, name, err);
}

static int be_vlan_del(void *ctx, const char *bond, uint16_t vid, const char *name,
		       struct err *err)
{
	return daemon_vlan_del(ctx, bond, vid, name, err);
}

static int be_vlans(void *ctx, const char *bond, struct ctl_vlan *out, unsigned max,
		    struct err *err)
{
	return daemon_vlan_list(ctx, bond, out, max, err);
}

const struct ctl_backend_ops daemon_ctl_ops = {
	.engine = be_engine,
	.now = be_now,
	.bond_create = be_bond_create,
	.bond_delete = be_bond_delete,
	.set_up = be_set_up,
	.enslave = be_enslave,
	.release = be_release,
	.set = be_set,
	.reload = be_reload,
	.bond_io = be_bond_io,
	.upgrade = be_upgrade,
	.lint = be_lint,
	.dump = be_dump,
	.diff = be_diff,
	.flows = be_flows,
	.vlan_add = be_vlan_add,
	.vlan_del = be_vlan_del,
	.vlans = be_vlans,
};
