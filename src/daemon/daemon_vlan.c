/* VLAN sub-interfaces of a bond (bond0.100): where the kernel has no 8021q
 * (or bondd's bond is not a kernel device a VLAN could sit on), bondd makes
 * each one a TAP of its own, as it makes the bond's:
 *
 *   - the bond's MAC, followed when the bond's changes (fail_over_mac, an
 *     admin's ip link set bond0 address), as a kernel VLAN device starts
 *     with and keeps its real device's address;
 *   - an MTU no larger than the bond's (the kernel refuses more, and lowers
 *     the VLAN's when the real device's goes below it);
 *   - its own up/down (created down, as ip link add leaves it), and the
 *     bond's carrier (netif_stacked_transfer_operstate);
 *   - its addresses, read over rtnetlink and given to the engine
 *     (bond_vlan_set_addrs), which tags its own frames for them;
 *   - registered with the engine (bond_vlan_add) and the data path
 *     (vlan_open): frames written to it leave over the bond tagged with the
 *     VID, frames the bond accepts with that VID reach it untagged.
 *
 * On a data path that survives the daemon (ebpf) the TAP is persistent, as
 * the bond's is: after bondctl upgrade or a crash, the next bondd with the
 * same configuration takes it over. The journal has an entry per VLAN
 * ("vlan:NAME", linux/journal.h) so that what nobody takes over is removed
 * at start, and nothing but a TAP bondd made is ever taken or removed. */
#include "daemon.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "core/bond.h"
#include "daemon_impl.h"
#include "linux/dp_ebpf.h"
#include "linux/journal.h"
#include "linux/rtnl.h"
#include "linux/tap.h"

struct dvlan *dvlan_find(const struct dbond *db, uint16_t vid)
{
	for (unsigned i = 0; i < db->n_vlans; i++)
		if (db->vlans[i]->vid == vid)
			return db->vlans[i];
	return NULL;
}

struct dvlan *dvlan_find_name(struct daemon *d, const char *name)
{
	for (unsigned i = 0; i < d->n_bonds; i++)
		for (unsigned j = 0; j < d->bonds[i]->n_vlans; j++)
			if (!strcmp(d->bonds[i]->vlans[j]->name, name))
				return d->bonds[i]->vlans[j];
	return NULL;
}

struct dvlan *dvlan_find_by_index(struct daemon *d, int ifindex)
{
	for (unsigned i = 0; i < d->n_bonds; i++)
		for (unsigned j = 0; j < d->bonds[i]->n_vlans; j++)
			if (d->bonds[i]->vlans[j]->ifindex == ifindex)
				return d->bonds[i]->vlans[j];
	return NULL;
}

static int vlan_journal(struct daemon *d, const struct dvlan *dv, struct err *err)
{
	struct journal_vlan v;

	memset(&v, 0, sizeof(v));
	snprintf(v.name, sizeof(v.name), "%s", dv->name);
	snprintf(v.bond, sizeof(v.bond), "%s", dv->db->name);
	v.vid = dv->vid;
	v.ifindex = dv->ifindex > 0 ? dv->ifindex : 0;
	v.pid = getpid();
	v.netns = d->ns.cookie;
	return journal_vlan_write(d->ns.dir, &v, err);
}

static void vlan_unjournal(struct daemon *d, const char *name)
{
	int rc = journal_vlan_remove(d->ns.dir, name);

	if (rc < 0)
		daemon_logl(d, LOG_ERR, "%s: cannot remove its journal entry in %s: %s",
			    name, d->ns.dir, strerror(-rc));
}

/* A persistent TAP goes when its persistence is cleared and its last fd
 * closes: fd is ours (tap_attach), or -1 to attach first. */
static int remove_tap(const char *name, int fd, struct err *err)
{
	bool existed;
	int rc;

	if (fd < 0) {
		fd = tap_attach(name, &existed, err);
		if (fd < 0)
			return err->code ? err->code : -EIO;
	}
	rc = tap_set_persist(fd, false);
	tap_close(fd);
	if (rc < 0)
		err_set(err, rc, "%s: cannot clear the TAP's persistence (TUNSETPERSIST): %s",
			name, strerror(-rc));
	return rc;
}

/* A device of that name exists. When the journal says an earlier bondd
 * (dead, or us before an exec) made it for this bond and VID, and it is
 * still that TAP: *adopt on a data path that survives the daemon (the
 * frames kept flowing through it), else it is removed here so that a
 * fresh one can be made. Anything else is someone else's device. */
static int vlan_leftover(struct daemon *d, const struct dbond *db, uint16_t vid,
			 const char *name, bool *adopt, struct err *err)
{
	struct journal_vlan v;
	struct rtnl_link l;
	struct err e2 = { 0 };

	*adopt = false;
	if (journal_vlan_read(d->ns.dir, name, &v, &e2) < 0 ||
	    rtnl_link_get(d->rtnl, name, &l, NULL) < 0 || l.ifindex != v.ifindex ||
	    strcmp(l.kind, "tun") || strcmp(v.bond, db->name) || v.vid != vid ||
	    (v.pid != getpid() && recover_pid_is_bondd(v.pid, d->ns.inode))) {
		err_set(err, -EEXIST, "%s: a network device of that name already exists", name);
		return -EEXIST;
	}
	if (d->dp->survives_daemon && db->adopted) {
		*adopt = true;
		return 0;
	}
	if (remove_tap(name, -1, err) < 0)
		return err->code;
	vlan_unjournal(d, name);
	daemon_logl(d, LOG_NOTICE, "%s: removed the VLAN TAP an earlier bondd left", name);
	return 0;
}

int daemon_vlan_add(struct daemon *d, const char *bond, uint16_t vid, const char *name,
		    struct err *err)
{
	struct dbond *db = dbond_find(d, bond);
	char dflt[64];
	struct dvlan *dv;
	struct rtnl_link l;
	bool adopt = false, existed = false;
	int rc;

	if (!db) {
		err_set(err, -ENODEV, "%s: no such bond", bond);
		return -ENODEV;
	}
	if (vid < 1 || vid > 4094) {
		err_set(err, -EINVAL, "%s: VLAN ID %u is out of range: 1 to 4094 (0 and 4095 are reserved by 802.1Q)",
			bond, vid);
		return -EINVAL;
	}
	if (!name || !*name) {
		snprintf(dflt, sizeof(dflt), "%s.%u", bond, vid);
		if (strlen(dflt) >= IFNAMSIZ) {
			err_set(err, -EINVAL, "%s: the VLAN's default name %s is longer than %d characters; give one with name NAME",
				bond, dflt, IFNAMSIZ - 1);
			return -EINVAL;
		}
		name = dflt;
	}
	if (!ifname_valid(name)) {
		err_set(err, -EINVAL, "%s: \"%s\" is not a valid interface name (1 to %d characters, no '/', ':' or spaces)",
			bond, name, IFNAMSIZ - 1);
		return -EINVAL;
	}
	if ((dv = dvlan_find(db, vid))) {
		err_set(err, -EEXIST, "%s: VLAN %u already exists (%s)", bond, vid, dv->name);
		return -EEXIST;
	}
	if (dbond_find(d, name) || dvlan_find_name(d, name)) {
		err_set(err, -EEXIST, "%s: %s is already a %s of bondd", bond, name,
			dbond_find(d, name) ? "bond" : "VLAN");
		return -EEXIST;
	}
	if (db->n_vlans >= BOND_MAX_VLANS) {
		err_set(err, -ENOSPC, "%s: too many VLANs (%d)", bond, BOND_MAX_VLANS);
		return -ENOSPC;
	}
	if (if_nametoindex(name) && vlan_leftover(d, db, vid, name, &adopt, err) < 0)
		return err->code;
	dv = calloc(1, sizeof(*dv));
	if (!dv) {
		err_set(err, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	dv->ep.kind = EP_VLAN;
	dv->ep.obj = dv;
	dv->db = db;
	dv->vid = vid;
	dv->tap_fd = -1;
	snprintf(dv->name, sizeof(dv->name), "%s", name);
	/* Journalled before the device exists: a crash from here on leaves
	 * an entry that names what there may be to remove. */
	if (!adopt && vlan_journal(d, dv, err) < 0)
		goto fail_free;
	dv->tap_fd = tap_attach(name, &existed, err);
	if (dv->tap_fd < 0)
		goto fail_journal;
	if (existed && !adopt) {
		/* made by someone else between our look and our attach */
		err_set(err, -EEXIST, "%s: a network device of that name already exists", name);
		tap_close(dv->tap_fd);
		goto fail_free;
	}
	dv->adopted = adopt;
	if (d->dp->survives_daemon) {
		rc = tap_set_persist(dv->tap_fd, true);
		if (rc < 0) {
			err_set(err, rc, "%s: cannot make the TAP persistent (TUNSETPERSIST): %s",
				name, strerror(-rc));
			goto fail_tap;
		}
	}
	if (rtnl_link_get(d->rtnl, name, &l, err) < 0)
		goto fail_tap;
	dv->ifindex = l.ifindex;
	dv->mtu = l.mtu;
	dv->admin_up = l.flags & IFF_UP;
	if (vlan_journal(d, dv, err) < 0)
		goto fail_tap;
	/* The bond's address and at most its MTU, as the kernel's VLAN
	 * device gets at creation; an adopted one has them already (the
	 * sync below corrects what changed while no daemon ran). */
	memcpy(dv->set_mac, db->b->mac, 6);
	if (!mac_eq(l.mac, db->b->mac) && rtnl_link_set_mac(d->rtnl, dv->ifindex, db->b->mac, err) < 0)
		goto fail_tap;
	if (!adopt && db->mtu && l.mtu != db->mtu) {
		if (rtnl_link_set_mtu(d->rtnl, dv->ifindex, db->mtu, err) < 0)
			goto fail_tap;
		dv->mtu = db->mtu;
	} else if (db->mtu && l.mtu > db->mtu) {
		if (rtnl_link_set_mtu(d->rtnl, dv->ifindex, db->mtu, err) < 0)
			goto fail_tap;
		dv->mtu = db->mtu;
	}
	rc = tap_set_carrier(dv->tap_fd, db->b->carrier);
	if (rc < 0) {
		err_set(err, rc, "%s: cannot set the carrier (TUNSETCARRIER): %s", name, strerror(-rc));
		goto fail_tap;
	}
	if (bond_vlan_add(db->b, vid, err) < 0)
		goto fail_tap;
	/* created down (ip link add leaves it so): no tagged notification
	 * or probe for it until it is up */
	bond_vlan_set_up(db->b, vid, dv->admin_up);
	if (d->dp->vlan_open && d->dp->vlan_open(d, db, dv, err) < 0)
		goto fail_engine;
	if (daemon_ep_add(d, dv->tap_fd, &dv->ep) < 0) {
		err_set(err, -errno, "%s: epoll: %s", name, strerror(errno));
		goto fail_dp;
	}
	db->vlans[db->n_vlans++] = dv;
	dvlan_refresh_addrs(d, dv);
	daemon_logl(d, LOG_INFO, "%s: VLAN %u %s as %s", bond, vid,
		    adopt ? "taken over from an earlier bondd" : "added", name);
	return 0;

fail_dp:
	if (d->dp->vlan_close)
		d->dp->vlan_close(d, db, dv);
fail_engine:
	bond_vlan_del(db->b, vid);
fail_tap:
	if (adopt) {
		/* not ours to keep half-made: it goes, as a leftover would */
		struct err e2 = { 0 };

		remove_tap(name, dv->tap_fd, &e2);
	} else {
		if (d->dp->survives_daemon)
			tap_set_persist(dv->tap_fd, false);
		tap_close(dv->tap_fd);
	}
fail_journal:
	vlan_unjournal(d, name);
fail_free:
	free(dv);
	return err->code ? err->code : -EIO;
}

static void vlan_unlink(struct dbond *db, struct dvlan *dv)
{
	unsigned i;

	for (i = 0; i < db->n_vlans; i++)
		if (db->vlans[i] == dv)
			break;
	if (i < db->n_vlans) {
		memmove(&db->vlans[i], &db->vlans[i + 1], (db->n_vlans - i - 1) * sizeof(db->vlans[0]));
		db->n_vlans--;
	}
}

void dvlan_destroy(struct daemon *d, struct dvlan *dv, bool tap_gone)
{
	struct dbond *db = dv->db;
	int rc;

	daemon_ep_del(d, dv->tap_fd);
	if (d->dp->vlan_close)
		d->dp->vlan_close(d, db, dv);
	bond_vlan_del(db->b, dv->vid);
	if (d->dp->survives_daemon && !tap_gone) {
		rc = tap_set_persist(dv->tap_fd, false);
		if (rc < 0)
			daemon_logl(d, LOG_ERR, "%s: cannot clear the TAP's persistence: %s; delete it with ip link del %s",
				    dv->name, strerror(-rc), dv->name);
	}
	/* The last fd of a TAP that is not persistent: the device goes. */
	tap_close(dv->tap_fd);
	vlan_unjournal(d, dv->name);
	vlan_unlink(db, dv);
	daemon_logl(d, LOG_INFO, "%s: VLAN %u (%s) %s", db->name, dv->vid, dv->name,
		    tap_gone ? "was removed" : "deleted");
	free(dv);
}

void dvlan_leave(struct daemon *d, struct dvlan *dv)
{
	/* Its fd stays open for the successor (handover_taps in daemon.c). */
	daemon_ep_del(d, dv->tap_fd);
	vlan_unlink(dv->db, dv);
	free(dv);
}

int daemon_vlan_del(struct daemon *d, const char *bond, uint16_t vid, const char *name,
		    struct err *err)
{
	struct dbond *db = dbond_find(d, bond);
	struct dvlan *dv = NULL;

	if (!db) {
		err_set(err, -ENODEV, "%s: no such bond", bond);
		return -ENODEV;
	}
	if (vid) {
		dv = dvlan_find(db, vid);
		if (!dv) {
			err_set(err, -ENOENT, "%s: no VLAN %u on this bond", bond, vid);
			return -ENOENT;
		}
	} else {
		for (unsigned i = 0; name && i < db->n_vlans && !dv; i++)
			if (!strcmp(db->vlans[i]->name, name))
				dv = db->vlans[i];
		if (!dv) {
			err_set(err, -ENOENT, "%s: %s is not a VLAN of this bond", bond, name ? name : "");
			return -ENOENT;
		}
	}
	dvlan_destroy(d, dv, false);
	return 0;
}

/* ---- following the bond ------------------------------------------------- */

void dvlans_carrier(struct daemon *d, struct dbond *db, bool up)
{
	for (unsigned i = 0; i < db->n_vlans; i++) {
		int rc = tap_set_carrier(db->vlans[i]->tap_fd, up);

		if (rc < 0)
			daemon_logl(d, LOG_ERR, "%s: cannot set carrier: %s", db->vlans[i]->name,
				    strerror(-rc));
	}
}

int dvlan_set_admin(struct daemon *d, struct dvlan *dv, bool up, struct err *err)
{
	if (rtnl_link_set_flags(d->rtnl, dv->ifindex, up ? IFF_UP : 0, IFF_UP, err) < 0)
		return err->code ? err->code : -EIO;
	dv->admin_up = up;
	bond_vlan_set_up(dv->db->b, dv->vid, up);
	return 0;
}

/* The bond went administratively down or up: its VLANs follow, as the
 * kernel's vlan_device_event() takes every VLAN device down with its real
 * device (NETDEV_DOWN) and brings them up with it (NETDEV_UP: bondd has no
 * loose binding). */
void dvlans_bond_admin(struct daemon *d, struct dbond *db, bool up)
{
	for (unsigned i = 0; i < db->n_vlans; i++) {
		struct dvlan *dv = db->vlans[i];
		struct err err = { 0 };

		if (dv->admin_up != up && dvlan_set_admin(d, dv, up, &err) < 0)
			daemon_logl(d, LOG_ERR, "%s: cannot follow the bond %s: %s", dv->name,
				    up ? "up" : "down", err.msg);
	}
}

void dvlans_mac(struct daemon *d, struct dbond *db, const uint8_t mac[6])
{
	for (unsigned i = 0; i < db->n_vlans; i++) {
		struct dvlan *dv = db->vlans[i];
		struct err err = { 0 };

		if (mac_eq(dv->set_mac, mac))
			continue;
		memcpy(dv->set_mac, mac, 6);
		if (rtnl_link_set_mac(d->rtnl, dv->ifindex, mac, &err) < 0)
			daemon_logl(d, LOG_ERR, "%s: cannot follow the bond's MAC address: %s",
				    dv->name, err.msg);
	}
}

void dvlans_bond_mtu(struct daemon *d, struct dbond *db)
{
	for (unsigned i = 0; i < db->n_vlans; i++) {
		struct dvlan *dv = db->vlans[i];
		struct err err = { 0 };

		if (!db->mtu || dv->mtu <= db->mtu)
			continue;
		/* as the kernel's vlan_device_event() on NETDEV_CHANGEMTU */
		if (rtnl_link_set_mtu(d->rtnl, dv->ifindex, db->mtu, &err) < 0) {
			daemon_logl(d, LOG_ERR, "%s: cannot lower the MTU to the bond's %u: %s",
				    dv->name, db->mtu, err.msg);
			continue;
		}
		daemon_logl(d, LOG_INFO, "%s: MTU %u lowered to the bond's %u", dv->name, dv->mtu,
			    db->mtu);
		dv->mtu = db->mtu;
	}
}

void dvlan_link_event(struct daemon *d, struct dvlan *dv, const struct rtnl_link *l)
{
	struct dbond *db = dv->db;

	if (l->name[0] && strcmp(l->name, dv->name)) {
		/* renamed (ip link set bond0.100 name v100): followed, as the
		 * kernel follows any device; the journal moves with it */
		char from[IFNAMSIZ];
		struct err err = { 0 };

		snprintf(from, sizeof(from), "%s", dv->name);
		snprintf(dv->name, sizeof(dv->name), "%s", l->name);
		if (vlan_journal(d, dv, &err) < 0)
			daemon_logl(d, LOG_ERR, "%s: %s", dv->name, err.msg);
		else
			vlan_unjournal(d, from);
		daemon_logl(d, LOG_INFO, "%s: VLAN %u renamed from %s to %s", db->name, dv->vid, from,
			    dv->name);
	}
	if (dv->admin_up != !!(l->flags & IFF_UP)) {
		dv->admin_up = l->flags & IFF_UP;
		bond_vlan_set_up(db->b, dv->vid, dv->admin_up);
	}
	if (l->mtu && l->mtu != dv->mtu) {
		dv->mtu = l->mtu;
		if (db->mtu && l->mtu > db->mtu) {
			/* The kernel refuses a VLAN MTU above its real device's
			 * (vlan_dev_change_mtu: -ERANGE); a TAP cannot, so the
			 * change is undone. */
			struct err err = { 0 };

			daemon_logl(d, LOG_WARNING, "%s: MTU %u is more than the bond's %u: set back to %u",
				    dv->name, l->mtu, db->mtu, db->mtu);
			if (rtnl_link_set_mtu(d->rtnl, dv->ifindex, db->mtu, &err) < 0)
				daemon_logl(d, LOG_ERR, "%s: cannot set MTU %u: %s", dv->name, db->mtu,
					    err.msg);
			else
				dv->mtu = db->mtu;
		}
	}
}

void dvlan_refresh_addrs(struct daemon *d, struct dvlan *dv)
{
	struct dev_addrs a;

	if (daemon_read_addrs(d, dv->ifindex, dv->name, &a) < 0)
		return;
	if (bond_vlan_set_addrs(dv->db->b, dv->vid, a.v4, a.p4, a.n4,
				(const uint8_t (*)[16])a.v6, a.n6) < 0 ||
	    bond_vlan_set_prefix6(dv->db->b, dv->vid, a.p6, a.n6) < 0)
		daemon_logl(d, LOG_ERR, "%s: the engine does not know VLAN %u", dv->name, dv->vid);
}

/* ---- what an earlier bondd left ------------------------------------------ */

void daemon_vlan_recover(struct daemon *d)
{
	struct journal_names l = { 0 };
	int rc = journal_vlan_each(d->ns.dir, journal_names_add, &l);

	if (rc < 0)
		daemon_logl(d, LOG_ERR, "bondd: journal: cannot read %s: %s", d->ns.dir, strerror(-rc));
	for (unsigned i = 0; i < l.n; i++) {
		struct journal_vlan v;
		struct rtnl_link link;
		struct err err = { 0 };
		struct dvlan *dv = dvlan_find_name(d, l.v[i]);

		if (journal_vlan_read(d->ns.dir, l.v[i], &v, &err) < 0) {
			daemon_logl(d, LOG_ERR, "bondd: journal: %s; dropped", err.msg);
			vlan_unjournal(d, l.v[i]);
			continue;
		}
		if (dv && dv->ifindex == v.ifindex)
			continue;           /* ours: made or taken over now */
		if (v.pid != getpid() && recover_pid_is_bondd(v.pid, d->ns.inode))
			continue;           /* a live bondd's (another /run) */
		if (v.netns && d->ns.cookie && v.netns != d->ns.cookie) {
			vlan_unjournal(d, l.v[i]);
			continue;           /* a namespace that is gone */
		}
		if (rtnl_link_get(d->rtnl, l.v[i], &link, NULL) == 0 && v.ifindex &&
		    link.ifindex == v.ifindex && !strcmp(link.kind, "tun") &&
		    !dvlan_find_by_index(d, link.ifindex)) {
			struct dbond *db = dbond_find(d, v.bond);

			/* a bond taken over keeps the VLAN in its maps: out of
			 * them first, so its VID goes back to the bond's TAP */
			if (db && db->ebpf && dp_ebpf_vlan_del(db->ebpf, v.vid, v.ifindex, &err) < 0 &&
			    err.code != -ENOENT)
				daemon_logl(d, LOG_ERR, "bondd: journal: %s: %s", l.v[i], err.msg);
			err_clear(&err);
			if (remove_tap(l.v[i], -1, &err) < 0) {
				daemon_logl(d, LOG_ERR, "bondd: journal: %s: the VLAN TAP an earlier bondd left: %s; entry kept",
					    l.v[i], err.msg);
				continue;
			}
			daemon_logl(d, LOG_NOTICE, "bondd: journal: %s: removed the VLAN TAP (VLAN %u of %s) an earlier bondd left",
				    l.v[i], v.vid, v.bond);
		}
		vlan_unjournal(d, l.v[i]);
	}
	free(l.v);
}

/* ---- bondctl vlan show ----------------------------------------------------- */

static void vlan_fill(struct daemon *d, const struct dvlan *dv, struct ctl_vlan *o)
{
	struct rtnl_addr a[CTL_VLAN_ADDRS];
	struct err err = { 0 };
	int n;

	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", dv->name);
	snprintf(o->bond, sizeof(o->bond), "%s", dv->db->name);
	o->vid = dv->vid;
	o->ifindex = dv->ifindex;
	o->mtu = dv->mtu;
	o->admin_up = dv->admin_up;
	o->carrier = dv->db->b->carrier;
	memcpy(o->mac, dv->set_mac, 6);
	n = rtnl_addr_list(d->rtnl, dv->ifindex, a, ARRAY_SIZE(a), &err);
	if (n == -ENOSPC)
		n = ARRAY_SIZE(a);
	for (int i = 0; i < n; i++) {
		o->addrs[o->n_addrs].family = a[i].family;
		memcpy(o->addrs[o->n_addrs].addr, a[i].addr, 16);
		o->addrs[o->n_addrs++].prefixlen = a[i].prefixlen;
	}
	/* What the daemon carried itself (every frame on the packet data
	 * path; what the programs leave to it on ebpf) plus, on ebpf, the
	 * programs' counts, which the data path's counters operation adds
	 * (daemon_vlan_list brings them up to date first). */
	o->counted = true;
	o->rx_packets = dv->rx_packets;
	o->rx_bytes = dv->rx_bytes;
	o->rx_dropped = dv->rx_dropped;
	o->tx_packets = dv->tx_packets;
	o->tx_bytes = dv->tx_bytes;
	o->tx_dropped = dv->tx_dropped;
}

int daemon_vlan_list(struct daemon *d, const char *bond, struct ctl_vlan *out, unsigned max,
		     struct err *err)
{
	unsigned n = 0;

	if (bond && !dbond_find(d, bond)) {
		err_set(err, -ENODEV, "%s: no such bond", bond);
		return -ENODEV;
	}
	/* the kernel data path's counters in, as for bondctl stats */
	if (d->dp->counters)
		d->dp->counters(d, daemon_now(d));
	for (unsigned i = 0; i < d->n_bonds; i++) {
		struct dbond *db = d->bonds[i];

		if (bond && strcmp(db->name, bond))
			continue;
		for (unsigned j = 0; j < db->n_vlans && n < max; j++)
			vlan_fill(d, db->vlans[j], &out[n++]);
	}
	return (int)n;
}
