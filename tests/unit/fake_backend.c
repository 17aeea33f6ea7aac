/* A fake backend for the control commands (unit tests and the fuzz
 * harness): the operations of src/ctl/ctl_backend.h over a bare engine whose
 * actions do nothing, with fake interfaces eth0..eth3 (link up, MAC
 * 02:00:00:00:00:0N). */
#include "fake_backend.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/actions.h"
#include "core/opt.h"

static void op_tx(void *ctx, struct slave *s, const uint8_t *f, size_t l, const void *m) {}
static void op_deliver(void *ctx, struct bond *b, const uint8_t *f, size_t l, const void *m) {}
static void op_slave_mac(void *ctx, struct slave *s, const uint8_t mac[6]) {}
static void op_bond_mac(void *ctx, struct bond *b, const uint8_t mac[6]) {}
static void op_carrier(void *ctx, struct bond *b, bool up) {}
static void op_log(void *ctx, int level, const char *line) {}

static const struct engine_ops stub_ops = {
	.tx = op_tx, .deliver = op_deliver, .set_slave_mac = op_slave_mac,
	.set_bond_mac = op_bond_mac, .set_carrier = op_carrier, .log = op_log,
};

static struct engine *fake_engine(void *ctx)
{
	return ((struct fake *)ctx)->eng;
}

static uint64_t fake_now(void *ctx)
{
	return ((struct fake *)ctx)->now;
}

static int fake_bond_create(void *ctx, const char *name, unsigned nopts,
			    const char *const names[], const char *const values[],
			    struct err *err)
{
	struct fake *d = ctx;
	struct bond *b;
	int rc;

	if (engine_bond_find(d->eng, name)) {
		err_set(err, -EEXIST, "bonding: %s already exists", name);
		return -EEXIST;
	}
	b = engine_bond_new(d->eng, name, err);
	if (!b)
		return -EINVAL;
	rc = nopts ? opt_set_many(b, nopts, names, values, d->now, err) : 0;
	if (rc) {
		engine_bond_free(d->eng, b, d->now);
		return rc;
	}
	/* down, as the daemon (and the kernel) creates it */
	return 0;
}

static int fake_set_up(void *ctx, const char *bond, bool up, struct err *err)
{
	struct fake *d = ctx;
	struct bond *b = engine_bond_find(d->eng, bond);

	if (!b) {
		err_set(err, -ENODEV, "%s: no such bond", bond);
		return -ENODEV;
	}
	bond_set_admin(b, up, d->now);
	return 0;
}

static int fake_bond_delete(void *ctx, const char *name, struct err *err)
{
	struct fake *d = ctx;
	struct bond *b = engine_bond_find(d->eng, name);

	if (!b) {
		err_set(err, -ENODEV, "%s: no such bond", name);
		return -ENODEV;
	}
	engine_bond_free(d->eng, b, d->now);
	return 0;
}

static int fake_enslave(void *ctx, const char *bond, const char *ifname, struct err *err)
{
	struct fake *d = ctx;
	struct link_info li = { .running = true, .carrier = true, .speed = 1000,
				.duplex = DUPLEX_FULL };
	struct bond *b = engine_bond_find(d->eng, bond);
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0 };

	if (!b) {
		err_set(err, -ENODEV, "%s: no such bond", bond);
		return -ENODEV;
	}
	if (strncmp(ifname, "eth", 3) || ifname[3] < '0' || ifname[3] > '3' || ifname[4]) {
		err_set(err, -ENODEV, "%s: interface %s does not exist!", bond, ifname);
		return -ENODEV;
	}
	for (unsigned i = 0; i < engine_bond_count(d->eng); i++) {
		struct bond *owner = engine_bond_at(d->eng, i);

		if (bond_find_slave(owner, ifname)) {
			err_set(err, -EBUSY, "%s: (slave %s): Device is already enslaved to %s",
				bond, ifname, owner->name);
			return -EBUSY;
		}
	}
	mac[5] = (uint8_t)ifname[3];
	return bond_enslave(b, ifname, mac, &li, NULL, d->now, err) ? 0 : -EINVAL;
}

static int fake_release(void *ctx, const char *bond, const char *ifname, struct err *err)
{
	struct fake *d = ctx;
	struct bond *b = engine_bond_find(d->eng, bond);
	struct slave *s = b ? bond_find_slave(b, ifname) : NULL;

	if (!s) {
		err_set(err, -EINVAL, "%s: (slave %s): cannot release: not a slave of %s",
			bond, ifname, bond);
		return -EINVAL;
	}
	bond_release(b, s, d->now);
	return 0;
}

static int fake_set(void *ctx, const char *bond, unsigned nopts,
		    const char *const names[], const char *const values[], struct err *err)
{
	struct fake *d = ctx;
	struct bond *b = engine_bond_find(d->eng, bond);

	if (!b) {
		err_set(err, -ENODEV, "%s: no such bond", bond);
		return -ENODEV;
	}
	return opt_set_many(b, nopts, names, values, d->now, err);
}

static int fake_reload(void *ctx, struct strbuf *msgs, struct err *err)
{
	err_set(err, -ENOENT, "bondd was started without a configuration (-c FILE or --from FORMAT PATH): nothing to reload");
	return -ENOENT;
}

/* VLANs as the daemon keeps them: a bond's VID once, a name once, down
 * when made, the bond's carrier; no device behind them. */
static int fake_vlan_add(void *ctx, const char *bond, uint16_t vid, const char *name,
			 struct err *err)
{
	struct fake *d = ctx;
	struct bond *b = engine_bond_find(d->eng, bond);
	struct ctl_vlan *v;
	char dflt[32];

	if (!b) {
		err_set(err, -ENODEV, "%s: no such bond", bond);
		return -ENODEV;
	}
	if (vid < 1 || vid > 4094) {
		err_set(err, -EINVAL, "%s: VLAN ID %u is out of range: 1 to 4094", bond, vid);
		return -EINVAL;
	}
	if (!name) {
		snprintf(dflt, sizeof(dflt), "%s.%u", bond, vid);
		name = dflt;
	}
	for (unsigned i = 0; i < d->n_vlans; i++)
		if ((!strcmp(d->vlans[i].bond, bond) && d->vlans[i].vid == vid) ||
		    !strcmp(d->vlans[i].name, name)) {
			err_set(err, -EEXIST, "%s: VLAN %u already exists (%s)", bond, vid,
				d->vlans[i].name);
			return -EEXIST;
		}
	if (d->n_vlans == sizeof(d->vlans) / sizeof(d->vlans[0])) {
		err_set(err, -ENOSPC, "%s: too many VLANs", bond);
		return -ENOSPC;
	}
	v = &d->vlans[d->n_vlans++];
	memset(v, 0, sizeof(*v));
	if (strlen(name) >= sizeof(v->name)) {
		d->n_vlans--;
		err_set(err, -EINVAL, "%s: name too long", bond);
		return -EINVAL;
	}
	memcpy(v->name, name, strlen(name) + 1);
	snprintf(v->bond, sizeof(v->bond), "%s", bond);
	v->vid = vid;
	v->ifindex = 100 + (int)d->n_vlans;
	v->mtu = 1500;
	v->carrier = b->carrier;
	memcpy(v->mac, b->mac, 6);
	v->counted = true;
	return 0;
}

static int fake_vlan_del(void *ctx, const char *bond, uint16_t vid, const char *name,
			 struct err *err)
{
	struct fake *d = ctx;

	for (unsigned i = 0; i < d->n_vlans; i++)
		if (!strcmp(d->vlans[i].bond, bond) &&
		    (vid ? d->vlans[i].vid == vid : !strcmp(d->vlans[i].name, name))) {
			memmove(&d->vlans[i], &d->vlans[i + 1], (d->n_vlans - i - 1) * sizeof(d->vlans[0]));
			d->n_vlans--;
			return 0;
		}
	err_set(err, -ENOENT, "%s: no such VLAN", bond);
	return -ENOENT;
}

static int fake_vlans(void *ctx, const char *bond, struct ctl_vlan *out, unsigned max,
		      struct err *err)
{
	struct fake *d = ctx;
	unsigned n = 0;

	if (bond && !engine_bond_find(d->eng, bond)) {
		err_set(err, -ENODEV, "%s: no such bond", bond);
		return -ENODEV;
	}
	for (unsigned i = 0; i < d->n_vlans && n < max; i++)
		if (!bond || !strcmp(d->vlans[i].bond, bond))
			out[n++] = d->vlans[i];
	return (int)n;
}

const struct ctl_backend_ops fake_ops = {
	.engine = fake_engine, .now = fake_now, .bond_create = fake_bond_create,
	.bond_delete = fake_bond_delete, .set_up = fake_set_up, .enslave = fake_enslave,
	.release = fake_release, .set = fake_set, .reload = fake_reload,
	.vlan_add = fake_vlan_add, .vlan_del = fake_vlan_del, .vlans = fake_vlans,
};

struct engine *fake_engine_new(void)
{
	return engine_new(&stub_ops, NULL);
}
