/* The running configuration written back out (`bondctl dump`) and compared
 * with a file (`bondctl diff FILE`).
 *
 * What runs is described as a configuration model (config/conf.h) and
 * printed by conf_print(), so `bondd -c` of the text starts the same bonds:
 *
 *   - every bond of the engine, in creation order, with the options that
 *     differ from what a new bond of its mode has (opt_params_conf: mode
 *     always, the rest only when not at their default; an option the mode
 *     does not allow is left out); queue_id of every slave that has one;
 *     active_slave only when the configuration loaded last sets it (then
 *     the slave active now: the active slave is state, the primary option
 *     is the configuration);
 *   - its slaves in enslave order, then the configured slaves still
 *     missing (bondd enslaves them when they appear, and would again);
 *   - up = no when the bond device is down now; mtu when it is not 1500
 *     (a new bond's); hwaddr when the admin set the MAC;
 *   - the bond device's addresses as the kernel has them now, except IPv6
 *     link-local ones (the kernel makes those itself);
 *   - interfaces, routes, default gateways, [bonding] and the [daemon]
 *     section as the configuration loaded last has them: bondctl changes
 *     none of them.
 *
 * Per-slave options (prio, ad_actor_port_prio) have no place in bondd.conf
 * and are not written. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config/conf.h"
#include "core/opt.h"
#include "daemon.h"
#include "daemon_dump.h"
#include "daemon_impl.h"
#include "linux/rtnl.h"

#define BOND_NEW_MTU 1500

struct put_ctx {
	struct conf_bond *cb;
	struct err *err;
	int rc;
};

static void put_opt(void *arg, const char *name, const char *value)
{
	struct put_ctx *p = arg;
	struct err e = { 0 };

	if (p->rc < 0)
		return;
	if (conf_put_opt(p->cb, name, value, &e) < 0) {
		err_set(p->err, -EINVAL, "%s: cannot write option %s = %s: %s", p->cb->name,
			name, value, e.msg);
		p->rc = -EINVAL;
	}
}

/* An IPv4 address's broadcast is written only when it is not the
 * subnet's, which is what bondd (and ifup) give when none is said. */
static bool default_broadcast(const struct rtnl_addr *a)
{
	uint32_t ip, mask;

	if (a->prefixlen >= 31)
		return false;
	mask = a->prefixlen ? htonl(~0u << (32 - a->prefixlen)) : 0;
	memcpy(&ip, a->addr, 4);
	ip |= ~mask;
	return !memcmp(&ip, a->broadcast, 4);
}

/* The addresses of device name (ifindex) into the bond's (cb) or the
 * VLAN's (cv) list. */
static int put_addrs_of(struct daemon *d, int ifindex, const char *name, struct conf_bond *cb,
			struct conf_vlan *cv, struct err *err)
{
	struct rtnl_addr a[64];
	int n = rtnl_addr_list(daemon_rtnl(d), ifindex, a, ARRAY_SIZE(a), err);

	if (n < 0) {
		/* a dump without them would start the bond without them */
		if (n == -ENOSPC)
			err_set(err, n, "%s: more than %zu addresses: not written", name,
				ARRAY_SIZE(a));
		return n;
	}
	for (int i = 0; i < n; i++) {
		struct conf_addr *ca;

		if (a[i].family == AF_INET6 && a[i].addr[0] == 0xfe &&
		    (a[i].addr[1] & 0xc0) == 0x80)
			continue;
		if (a[i].family != AF_INET && a[i].family != AF_INET6)
			continue;
		ca = cb ? conf_put_addr(cb) : conf_put_vlan_addr(cv);
		ca->family = a[i].family;
		memcpy(ca->addr, a[i].addr, a[i].family == AF_INET ? 4 : 16);
		ca->prefix = a[i].prefixlen;
		/* the kernel labels every IPv4 address with the device's
		 * name when none was given */
		if (a[i].family == AF_INET && a[i].label[0] && strcmp(a[i].label, name))
			snprintf(ca->label, sizeof(ca->label), "%s", a[i].label);
		if (a[i].family == AF_INET && a[i].has_broadcast && !default_broadcast(&a[i])) {
			ca->has_broadcast = true;
			memcpy(ca->broadcast, a[i].broadcast, 4);
		}
	}
	return 0;
}

static int put_bond(struct daemon *d, struct dbond *db, struct conf *c, struct err *err)
{
	const struct conf_bond *loaded = d->conf ? conf_find_bond(d->conf, db->name) : NULL;
	struct conf_bond *cb = conf_put_bond(c, db->name);
	struct bond *b = db->b;
	struct put_ctx p = { .cb = cb, .err = err };
	struct rtnl_link l;
	struct strbuf sb;

	opt_params_conf(&b->params, put_opt, &p);
	sb_init(&sb);
	if (loaded && conf_bond_opt(loaded, "active_slave")) {
		struct err e = { 0 };

		if (opt_get(b, "active_slave", &sb, &e) == 0)
			put_opt(&p, "active_slave", sb_str(&sb));
	}
	for (unsigned i = 0; i < b->n_slaves; i++)
		if (b->slaves[i]->queue_id) {
			sb_reset(&sb);
			sb_printf(&sb, "%s:%u", b->slaves[i]->name, b->slaves[i]->queue_id);
			put_opt(&p, "queue_id", sb_str(&sb));
		}
	sb_free(&sb);
	if (p.rc < 0)
		return p.rc;
	for (unsigned i = 0; i < b->n_slaves; i++)
		conf_put_slave(cb, b->slaves[i]->name);
	for (unsigned i = 0; i < d->n_pending; i++)
		if (!strcmp(d->pending[i].bond, db->name))
			conf_put_slave(cb, d->pending[i].name);
	if (rtnl_link_get_index(daemon_rtnl(d), db->ifindex, &l, err) < 0)
		return err->code ? err->code : -EIO;
	cb->down = !(l.flags & IFF_UP);
	if (l.mtu != BOND_NEW_MTU)
		cb->mtu = l.mtu;
	if (b->mac_set_by_user) {
		cb->has_hwaddr = true;
		memcpy(cb->hwaddr, b->mac, 6);
	}
	return put_addrs_of(d, db->ifindex, db->name, cb, NULL, err);
}

/* The bond's VLAN sub-interfaces: their own up/down, an MTU other than
 * the bond's (0: the bond's, as a new VLAN gets) and addresses. */
static int put_vlans(struct daemon *d, struct dbond *db, struct conf *c, struct err *err)
{
	for (unsigned i = 0; i < db->n_vlans; i++) {
		struct dvlan *dv = db->vlans[i];
		struct conf_vlan *cv = conf_put_vlan(c, dv->name, db->name, dv->vid);
		struct rtnl_link l;

		if (rtnl_link_get_index(daemon_rtnl(d), dv->ifindex, &l, err) < 0)
			return err->code ? err->code : -EIO;
		cv->down = !(l.flags & IFF_UP);
		cv->mtu = l.mtu != db->mtu ? l.mtu : 0;
		if (put_addrs_of(d, dv->ifindex, dv->name, NULL, cv, err) < 0)
			return err->code ? err->code : -EIO;
	}
	return 0;
}

struct conf *daemon_conf_running(struct daemon *d, const char *bond, struct err *err)
{
	struct conf *c = conf_new();

	for (unsigned i = 0; i < d->n_bonds; i++) {
		if (bond && strcmp(d->bonds[i]->name, bond))
			continue;
		if (put_bond(d, d->bonds[i], c, err) < 0 || put_vlans(d, d->bonds[i], c, err) < 0) {
			conf_free(c);
			return NULL;
		}
	}
	if (!bond)
		conf_copy_rest(c, d->conf);
	return c;
}

int daemon_dump(struct daemon *d, const char *bond, struct strbuf *out, struct err *err)
{
	struct conf *c;

	if (bond && !dbond_find(d, bond)) {
		err_set(err, -ENODEV, "%s: no such bond", bond);
		return -ENODEV;
	}
	c = daemon_conf_running(d, bond, err);
	if (!c)
		return err->code ? err->code : -EIO;
	sb_printf(out, "# bondd.conf of what runs now (bondctl dump%s%s); data path in use: %s\n",
		  bond ? " " : "", bond ? bond : "", d->dp->name);
	conf_print(c, out);
	conf_free(c);
	return 0;
}

/* ---- diff ---------------------------------------------------------------- */

static bool same_key(const struct conf_change *a, const struct conf_change *b)
{
	return a->op == b->op && !strcmp(a->kind, b->kind) && !strcmp(a->dev, b->dev) &&
	       !strcmp(a->name, b->name);
}

/* Whether `bondctl reload` of file would make ch, a difference between
 * what runs and file. A reload applies what changed between the
 * configuration loaded last and file (lf), so a change made at run time
 * that file does not touch stays; but it enslaves every configured slave
 * that is missing, creates every configured bond that is missing, sets
 * the file's mtu and brings a bond it did not have before up or down. */
static bool by_reload(const struct daemon *d, const struct conf_change *ch,
		      const struct conf_changes *lf, const struct conf *file)
{
	const struct conf_bond *lb;

	if (!d->has_conf_src || !d->conf)
		return false;
	if (!strcmp(ch->kind, "datapath") || !strcmp(ch->kind, "max_bonds") ||
	    !strcmp(ch->kind, "tx_queues"))
		return false;   /* read when bondd starts */
	if (ch->op == '+' && (!strcmp(ch->kind, "slave") || !strcmp(ch->kind, "bond")))
		return true;
	lb = ch->dev[0] ? conf_find_bond(d->conf, ch->dev) : NULL;
	if (!strcmp(ch->kind, "mtu")) {
		const struct conf_bond *fb = conf_find_bond(file, ch->dev);
		const struct conf_iface *fi = conf_find_iface(file, ch->dev);

		if ((fb && fb->mtu) || (fi && fi->mtu))
			return true;
	}
	if (!strcmp(ch->kind, "up") && !lb)
		return true;
	for (unsigned i = 0; i < lf->n; i++)
		if (same_key(ch, &lf->v[i]))
			return true;
	return false;
}

int daemon_diff(struct daemon *d, const char *path, const char *text,
		void (*put)(void *arg, const struct ctl_change *ch), void *arg,
		struct strbuf *msgs, struct err *err)
{
	struct conf_changes rf, lf = { 0 };
	struct conf_diag diag;
	struct conf *file, *run;
	unsigned n;

	conf_diag_init(&diag);
	file = conf_load_native_text(text, path, false, &diag);
	conf_diag_print(&diag, true, msgs);
	conf_diag_free(&diag);
	if (!file) {
		err_set(err, -EBADMSG, "%s: configuration refused (the errors above), nothing compared",
			path);
		return -EBADMSG;
	}
	run = daemon_conf_running(d, NULL, err);
	if (!run) {
		conf_free(file);
		return err->code ? err->code : -EIO;
	}
	conf_diff(run, file, &rf);
	if (d->has_conf_src && d->conf)
		conf_diff(d->conf, file, &lf);
	for (unsigned i = 0; i < rf.n; i++) {
		const struct conf_change *ch = &rf.v[i];
		struct ctl_change cc = {
			.op = ch->op, .kind = ch->kind, .dev = ch->dev, .name = ch->name,
			.from = ch->from, .to = ch->to, .text = ch->text,
			.by_reload = by_reload(d, ch, &lf, file),
			.can_reload = d->has_conf_src && d->conf,
		};

		put(arg, &cc);
	}
	n = rf.n;
	conf_changes_free(&rf);
	conf_changes_free(&lf);
	conf_free(run);
	conf_free(file);
	return (int)n;
}
