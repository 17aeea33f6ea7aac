/* Device events: what rtnetlink says about the bonds' and slaves' devices
 * (link up/down, carrier, MTU, MAC set by the admin, removal, addresses),
 * turned into engine events; and slave promiscuity, which follows the bond
 * device's flags. */
#include "daemon.h"

#include <net/if.h>
#include <string.h>
#include <syslog.h>

#include "daemon_impl.h"
#include "core/mode.h"
#include "linux/ethtool.h"
#include "linux/packet.h"
#include "linux/rtnl.h"

void daemon_read_link_info(const struct rtnl_link *l, struct link_info *li)
{
	li->running = l->flags & IFF_UP;
	li->carrier = (l->flags & IFF_LOWER_UP) && (l->flags & IFF_UP);
	ethtool_link(l->name, &li->speed, &li->duplex);
}

void dbond_refresh_addrs(struct daemon *d, struct dbond *db)
{
	struct rtnl_addr a[64];
	uint32_t v4[8];
	uint8_t p4[8];
	uint8_t v6[8][16];
	unsigned n4 = 0, n6 = 0;
	int n = rtnl_addr_list(d->rtnl, db->ifindex, a, ARRAY_SIZE(a), NULL);

	for (int i = 0; i < n; i++) {
		if (a[i].family == AF_INET && n4 < ARRAY_SIZE(v4)) {
			p4[n4] = a[i].prefixlen;
			memcpy(&v4[n4++], a[i].addr, 4);
		}
		else if (a[i].family == AF_INET6 && n6 < ARRAY_SIZE(v6))
			memcpy(v6[n6++], a[i].addr, 16);
	}
	bond_set_addrs(db->b, v4, p4, n4, (const uint8_t (*)[16])v6, n6);
}

static bool was_set_by_us(const struct dbond *db, const uint8_t *mac)
{
	unsigned n = db->n_set_macs < ARRAY_SIZE(db->set_macs) ? db->n_set_macs
							      : ARRAY_SIZE(db->set_macs);

	for (unsigned i = 0; i < n; i++)
		if (mac_eq(db->set_macs[i], mac))
			return true;
	return false;
}

void daemon_on_rtnl_event(const struct rtnl_event *ev, void *arg)
{
	struct daemon *d = arg;
	uint64_t now = daemon_now(d);
	struct dslave *ds;
	struct dbond *db;

	switch (ev->type) {
	case RTNL_EV_NEWLINK:
		ds = dslave_find_by_index(d, ev->link.ifindex);
		if (ds) {
			struct link_info li;

			daemon_read_link_info(&ev->link, &li);
			if (li.running != ds->s->os.running || li.carrier != ds->s->os.carrier ||
			    li.speed != ds->s->os.speed || li.duplex != ds->s->os.duplex)
				slave_link_event(ds->s, &li, now);
			return;
		}
		db = dbond_find_by_index(d, ev->link.ifindex);
		if (db) {
			bond_set_admin(db->b, ev->link.flags & IFF_UP, now);
			db->promisc = ev->link.flags & IFF_PROMISC;
			if (!mac_is_zero(ev->link.mac) && !mac_eq(ev->link.mac, db->b->mac) &&
			    !was_set_by_us(db, ev->link.mac)) {
				/* The admin gave the bond an address: like the
				 * kernel's bond_set_mac_address(), the slaves
				 * follow and it no longer comes from a slave. */
				db->b->mac_set_by_user = true;
				db->b->mac_random = false;
				bond_set_mac(db->b, ev->link.mac);
			}
			if (ev->link.mtu && ev->link.mtu != db->mtu) {
				/* The bond's MTU is every slave's MTU. */
				db->mtu = ev->link.mtu;
				for (unsigned i = 0; i < db->n_slaves; i++) {
					struct err err = { 0 };

					if (rtnl_link_set_mtu(d->rtnl, db->slaves[i]->ifindex,
							      db->mtu, &err) < 0)
						daemon_logl(d, LOG_ERR, "%s: (slave %s): cannot set MTU %u: %s",
							    db->name, db->slaves[i]->name, db->mtu, err.msg);
				}
			}
		}
		return;
	case RTNL_EV_DELLINK:
		ds = dslave_find_by_index(d, ev->link.ifindex);
		if (ds) {
			daemon_logl(d, LOG_WARNING, "%s: (slave %s): device removed, releasing it",
				    ds->db->name, ds->name);
			dslave_release(d, ds->db, ds, false);
			return;
		}
		db = dbond_find_by_index(d, ev->link.ifindex);
		if (db)
			dbond_destroy(d, db, true);
		return;
	case RTNL_EV_NEWADDR:
	case RTNL_EV_DELADDR:
		db = dbond_find_by_index(d, ev->addr.ifindex);
		if (db)
			dbond_refresh_addrs(d, db);
		return;
	}
}

/* Promiscuity follows the bond's as in the kernel: to every slave in the
 * load-balancing modes, to the active slave only where there is one (and it
 * moves on failover). Re-checked after every batch of events. */
void daemon_sync_promisc(struct daemon *d)
{
	for (unsigned i = 0; i < d->n_bonds; i++) {
		struct dbond *db = d->bonds[i];
		bool one = db->b->mode->promisc_active_only;

		for (unsigned j = 0; j < db->n_slaves; j++) {
			struct dslave *ds = db->slaves[j];
			bool want = db->promisc && (!one || ds->s == db->b->active);

			if (want != ds->promisc &&
			    packet_set_promisc(ds->fd, ds->ifindex, want) == 0)
				ds->promisc = want;
		}
	}
}
