/* The daemon's data paths (docs/design.md, "Data paths"): which one runs
 * (--datapath auto|ebpf|packet), and for the kernel data path (ebpf) what
 * the daemon does around the engine: each bond's BPF object on its TAP,
 * the receive program on each slave in the place of the packet data path's
 * hiding filter (same tc handle and priority, so the journal, crash
 * recovery and release treat both alike), and after every event the
 * engine's decisions written into the maps (bond_tx_plan -> struct dp_cfg,
 * per-slave entries, tlb buckets), only when they changed.
 *
 * On the kernel data path the frames never reach the daemon: only what the
 * programs leave to the engine (alb's ARP, a tlb bucket without a slave)
 * comes up through the TAP, and only control frames (LACPDU, ARP, NS/NA)
 * through the slaves' packet sockets, whose socket filter drops the rest. */
#include <errno.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "daemon.h"
#include "daemon_impl.h"
#include "core/mode.h"
#include "linux/dp_ebpf.h"
#include "linux/packet.h"
#include "linux/tap.h"

int daemon_dp_choose(struct daemon *d, const char *want, struct err *err)
{
	struct err why = { 0 };

	if (!want || !strcmp(want, "auto")) {
		if (dp_ebpf_probe(&why) == 0) {
			d->dp = &datapath_ebpf;
			daemon_logl(d, LOG_INFO, "bondd: data path ebpf (auto: the kernel accepts our tc programs)");
		} else {
			d->dp = &datapath_packet;
			daemon_logl(d, LOG_WARNING, "bondd: data path packet (auto: the ebpf data path is not possible here: %s)",
				    why.msg);
		}
		return 0;
	}
	if (!strcmp(want, "packet")) {
		d->dp = &datapath_packet;
		daemon_logl(d, LOG_INFO, "bondd: data path packet (asked for)");
		return 0;
	}
	if (!strcmp(want, "ebpf")) {
		if (dp_ebpf_probe(&why) < 0) {
			err_set(err, why.code ? why.code : -EOPNOTSUPP,
				"data path ebpf: %s", why.msg);
			return err->code;
		}
		d->dp = &datapath_ebpf;
		daemon_logl(d, LOG_INFO, "bondd: data path ebpf (asked for)");
		return 0;
	}
	err_set(err, -EINVAL, "unknown data path '%s' (auto, ebpf or packet)", want);
	return -EINVAL;
}

/* ---- bonds ------------------------------------------------------------ */

static int ebpf_bond_open(struct daemon *d, struct dbond *db, struct err *err)
{
	int rc;

	/* Persistent: if the daemon dies, the TAP and its programs stay and
	 * the frames keep flowing until the next daemon takes over. */
	rc = tap_set_persist(db->tap_fd, true);
	if (rc < 0) {
		err_set(err, rc, "%s: cannot make the TAP persistent (TUNSETPERSIST): %s",
			db->name, strerror(-rc));
		return rc;
	}
	db->ebpf = dp_ebpf_create(db->name, db->ifindex, err);
	if (!db->ebpf) {
		tap_set_persist(db->tap_fd, false);
		return err->code ? err->code : -EIO;
	}
	db->cfg_valid = false;
	daemon_hints_bond(d, db, true);
	return 0;
}

static void ebpf_bond_close(struct daemon *d, struct dbond *db)
{
	int rc;

	daemon_hints_bond(d, db, false);
	dp_ebpf_destroy(db->ebpf);
	db->ebpf = NULL;
	/* Closing the fd now removes the device, as on the packet data path. */
	rc = tap_set_persist(db->tap_fd, false);
	if (rc < 0)
		daemon_logl(d, LOG_ERR, "%s: cannot clear the TAP's persistence: %s; delete it with ip link del %s",
			    db->name, strerror(-rc), db->name);
}

/* Removes what an earlier bondd left of bond name: its programs and pins
 * (old), and the persistent TAP itself. */
static void remove_leftover(struct daemon *d, const char *name, struct dp_ebpf *old)
{
	struct err err = { 0 };
	bool existed = false;
	int fd, rc;

	dp_ebpf_destroy(old);
	fd = tap_attach(name, &existed, &err);
	if (fd < 0) {
		daemon_logl(d, LOG_ERR, "%s: cannot open the TAP an earlier bondd left: %s", name, err.msg);
		return;
	}
	rc = tap_set_persist(fd, false);
	tap_close(fd);
	if (rc < 0)
		daemon_logl(d, LOG_ERR, "%s: cannot remove the TAP an earlier bondd left: %s",
			    name, strerror(-rc));
	else
		daemon_logl(d, LOG_NOTICE, "%s: removed the TAP and programs an earlier bondd left",
			    name);
}

int daemon_dp_leftover(struct daemon *d, const char *name, struct dp_ebpf **old,
		       struct err *err)
{
	int ifindex = (int)if_nametoindex(name);
	struct err e2 = { 0 };

	*old = NULL;
	if (!ifindex)
		return 0;
	/* Ours only when an earlier bondd's programs sit on it. */
	*old = dp_ebpf_adopt(name, ifindex, &e2);
	if (!*old) {
		err_set(err, -EEXIST, "%s: a network device of that name already exists", name);
		return -EEXIST;
	}
	if (d->dp->survives_daemon)
		return 0;
	remove_leftover(d, name, *old);
	*old = NULL;
	return 0;
}

void daemon_dp_drop_leftover(struct daemon *d, const char *name, struct dp_ebpf *old)
{
	if (old)
		remove_leftover(d, name, old);
}

int dbond_dp_adopt(struct daemon *d, struct dbond *db, struct dp_ebpf *old, struct err *err)
{
	int rc = tap_set_persist(db->tap_fd, true);

	if (rc < 0) {
		err_set(err, rc, "%s: cannot keep the TAP persistent (TUNSETPERSIST): %s",
			db->name, strerror(-rc));
		dp_ebpf_destroy(old);
		return rc;
	}
	db->ebpf = old;
	daemon_hints_bond(d, db, true);
	db->adopted = true;
	db->cfg_valid = false;
	/* The maps keep the last daemon's decisions until the engine has made
	 * its own: a plan that sends nothing yet (LACP still negotiating) is
	 * not written for a while. */
	db->adopt_hold_until_ms = daemon_now(d) + DP_ADOPT_HOLD_MS;
	daemon_logl(d, LOG_INFO, "%s: took over the TAP and programs an earlier bondd left; frames kept flowing",
		    db->name);
	return 0;
}

void daemon_dp_remove_leftovers(struct daemon *d)
{
	struct if_nameindex *all = if_nameindex(), *i;

	if (!all)
		return;
	for (i = all; i->if_index; i++) {
		struct dp_ebpf *old;
		struct err e = { 0 };

		if (dbond_find(d, i->if_name))
			continue;
		old = dp_ebpf_adopt(i->if_name, (int)i->if_index, &e);
		if (old)
			remove_leftover(d, i->if_name, old);
	}
	if_freenameindex(all);
}

/* ---- slaves ----------------------------------------------------------- */

static int ebpf_slave_hide(struct daemon *d, struct dslave *ds, struct err *err)
{
	struct dbond *db = ds->db;
	struct dp_slave ent = { 0 };
	bool created = false;

	/* The entry first: the program passes the frames of a device it does
	 * not know to the host. Inactive until the first sync says otherwise:
	 * nothing reaches the host from a slave the engine has not judged. */
	ent.flags = DP_S_INACTIVE;
	if (dp_ebpf_set_slave(db->ebpf, ds->ifindex, &ent) < 0) {
		err_set(err, -EIO, "%s: (slave %s): cannot add it to the data path's maps",
			db->name, ds->name);
		return -EIO;
	}
	ds->dp_valid = false;
	if (dp_ebpf_attach_rx(db->ebpf, ds->ifindex, &created, err) < 0) {
		dp_ebpf_del_slave(db->ebpf, ds->ifindex);
		return err->code ? err->code : -EIO;
	}
	ds->saved.hide.installed = true;
	ds->saved.hide.created_qdisc = created;
	return 0;
}

/* What the daemon reads from a slave on this data path: only the frames
 * its engine handles itself, the programs carry the rest.
 *  - The ARP monitor and balance-alb's receive balancing read ARP (and
 *    NS/NA) frames that go on to the bond too: the socket takes its copy
 *    as a tap (ETH_P_ALL), before tc, through the filter.
 *  - Otherwise it listens to ETH_P_SLOW: 802.3ad's LACPDUs and markers,
 *    which bond_rx lets past tc to the protocol handlers (there is no
 *    other for that type); in the other modes none gets that far.
 * A tap is handed a reference to every frame the slave receives, even
 * one its filter refuses: about 4 % of the 64-byte rate, for nothing in
 * most modes. */
static uint16_t slave_listen(const struct bond *b)
{
	return bond_reads_neighbor_frames(b) ? ETH_P_ALL : ETH_P_SLOW;
}

static int listen_set(struct dslave *ds, uint16_t want, struct err *err)
{
	int rc = packet_listen(ds->fd, ds->ifindex, want);

	if (rc < 0) {
		err_set(err, rc, "%s: (slave %s): cannot bind its packet socket to ethertype 0x%04x: %s",
			ds->db->name, ds->name, want, strerror(-rc));
		return rc;
	}
	ds->listen = want;
	return 0;
}

static int ebpf_slave_open(struct daemon *d, struct dslave *ds, struct err *err)
{
	if (dp_ebpf_sock_filter(ds->fd, err) < 0)
		return err->code ? err->code : -EIO;
	return listen_set(ds, slave_listen(ds->db->b), err);
}

static void ebpf_slave_close(struct daemon *d, struct dslave *ds)
{
	dp_ebpf_del_slave(ds->db->ebpf, ds->ifindex);
	ds->db->cfg_valid = false;
}

/* ---- VLAN sub-interfaces ---------------------------------------------- */

/* bond0.100's TAP gets bond_vlan_tx on its egress and its VID in the maps
 * (dp_ebpf_vlan_add): its frames leave tagged without the daemon, and
 * bond_rx hands the frames of that VID to it untagged. What the program
 * leaves to the engine (balance-alb's ARP, a tlb bucket without a slave)
 * comes up untagged through the TAP's fd, which the daemon reads as on the
 * packet data path. The TAP's persistence is the daemon's (daemon_vlan.c,
 * as for every data path that survives it); an adopted VLAN is added
 * again here, which replaces our own filter. */
static int ebpf_vlan_open(struct daemon *d, struct dbond *db, struct dvlan *dv,
			  struct err *err)
{
	if (!db->ebpf) {
		err_set(err, -ENODEV, "%s: VLAN %s: the bond has no kernel data path", db->name,
			dv->name);
		return -ENODEV;
	}
	return dp_ebpf_vlan_add(db->ebpf, dv->vid, dv->ifindex, err);
}

/* Before the VLAN's TAP closes (or after it is gone: nothing to detach
 * then, the entries go all the same). */
static void ebpf_vlan_close(struct daemon *d, struct dbond *db, struct dvlan *dv)
{
	struct err err = { 0 };

	if (db->ebpf && dp_ebpf_vlan_del(db->ebpf, dv->vid, dv->ifindex, &err) < 0 &&
	    err.code != -ENOENT)
		daemon_logl(d, LOG_ERR, "%s: %s", dv->name, err.msg);
}

/* ---- the engine's decisions into the maps ----------------------------- */

static uint32_t ifindex_of(const struct slave *s)
{
	const struct dslave *ds = s ? s->io : NULL;

	return ds ? (uint32_t)ds->ifindex : 0;
}

static const uint32_t plan_kind[] = {
	[TXP_DROP] = DP_TX_DROP, [TXP_ACTIVE] = DP_TX_ACTIVE, [TXP_RR] = DP_TX_RR,
	[TXP_HASH] = DP_TX_HASH, [TXP_BCAST] = DP_TX_BCAST, [TXP_TLB] = DP_TX_TLB,
	[TXP_ALB] = DP_TX_ALB,
};

static void plan_to_cfg(const struct dbond *db, const struct tx_plan *p, struct dp_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->tx_kind = plan_kind[p->kind];
	c->flags = (p->up ? DP_F_UP : 0) | (p->lacp ? DP_F_LACP : 0) |
		   (p->kind == TXP_ALB ? DP_F_ALB : 0) | (p->rx_rewrite ? DP_F_RX_REWRITE : 0) |
		   (p->tlb_hashed ? DP_F_TLB_HASHED : 0) |
		   (p->rx_inactive_unicast ? DP_F_RX_INACTIVE_UC : 0) |
		   (p->broadcast_neighbor ? DP_F_BCAST_NEIGH : 0) |
		   (p->queue_override ? DP_F_QUEUE_OVERRIDE : 0);
	c->xmit_policy = p->xmit_policy;
	c->packets_per_slave = p->packets_per_slave;
	c->active_ifindex = ifindex_of(p->active);
	c->n_tx = p->n_tx;
	for (unsigned i = 0; i < p->n_tx && i < DP_MAX_SLAVES; i++)
		c->tx[i] = ifindex_of(p->tx[i]);
	c->n_slaves = p->n_slaves;
	for (unsigned i = 0; i < p->n_slaves && i < DP_MAX_SLAVES; i++)
		c->rr_map[i] = ifindex_of(p->rr_map[i]);
	memcpy(c->bond_mac, db->b->mac, 6);
	c->tap_ifindex = (uint32_t)db->ifindex;
}

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* The time from the event that changed the plan (a link event, a timer,
 * a command) to the map write that carries it out, for the status. */
static void note_update(struct daemon *d, struct dbond *db)
{
	uint64_t now = mono_us();

	/* a failover's plan is in the maps now */
	daemon_failover_done(db);

	if (!d->event_us || now < d->event_us)
		return;
	db->dp_updates++;
	db->dp_last_us = (uint32_t)(now - d->event_us);
	if (db->dp_last_us > db->dp_max_us)
		db->dp_max_us = db->dp_last_us;
}

/* dp_queue from the plan's queue[]: every entry on the first write (an
 * adopted map may hold anything), then only the changes. */
static bool sync_queues(struct daemon *d, struct dbond *db, const struct tx_plan *p)
{
	uint32_t want[DP_MAX_QUEUES] = { 0 };
	bool changed = false;

	for (unsigned i = 0; i < p->n_queue; i++)
		if (p->queue[i].qid < DP_MAX_QUEUES)
			want[p->queue[i].qid] = ifindex_of(p->queue[i].s);
	for (unsigned q = 1; q < DP_MAX_QUEUES; q++) {
		if (db->queue_valid && db->queue_ifx[q] == want[q])
			continue;
		if (dp_ebpf_queue_set(db->ebpf, q, (int)want[q]) < 0) {
			daemon_logl(d, LOG_ERR, "%s: cannot update the data path's queue map (queue %u)",
				    db->name, q);
			return changed;
		}
		db->queue_ifx[q] = want[q];
		changed = true;
	}
	db->queue_valid = true;
	return changed;
}

static void sync_bond(struct daemon *d, struct dbond *db)
{
	struct dp_cfg cfg;
	bool changed = false;

	bond_tx_plan(db->b, &d->plan);
	if (db->adopted && d->plan.kind == TXP_DROP && daemon_now(d) < db->adopt_hold_until_ms)
		return;
	for (unsigned i = 0; i < db->n_slaves; i++) {
		struct dslave *ds = db->slaves[i];
		struct dp_slave ent = { 0 };

		if (!ds->s)
			continue;
		/* (arp_interval set or cleared at run time) */
		if (ds->listen != slave_listen(db->b)) {
			struct err err = { 0 };

			/* (a failure is logged once, not retried every turn) */
			if (listen_set(ds, slave_listen(db->b), &err) < 0) {
				daemon_logl(d, LOG_ERR, "%s", err.msg);
				ds->listen = slave_listen(db->b);
			}
		}
		ent.flags = (ds->s->inactive ? DP_S_INACTIVE : 0) |
			    (slave_can_tx(ds->s) ? DP_S_CAN_TX : 0);
		memcpy(ent.mac, ds->s->cur_mac, 6);
		/* (the counters' entry exists since ebpf_slave_hide) */
		if (!ds->dev_set)
			daemon_hints_slave(d, ds);
		if (ds->dp_valid && !memcmp(&ent, &ds->dp_last, sizeof(ent)))
			continue;
		if (dp_ebpf_set_slave(db->ebpf, ds->ifindex, &ent) < 0) {
			daemon_logl(d, LOG_ERR, "%s: (slave %s): cannot update the data path's slave entry",
				    db->name, ds->name);
			continue;
		}
		ds->dp_last = ent;
		ds->dp_valid = true;
		changed = true;
	}
	if (d->plan.kind == TXP_TLB || d->plan.kind == TXP_ALB) {
		for (unsigned i = 0; i < DP_TLB_BUCKETS; i++) {
			uint32_t ifx = ifindex_of(d->plan.bucket[i]);

			if (db->cfg_valid && db->buckets[i] == ifx)
				continue;
			if (dp_ebpf_tlb_set(db->ebpf, i, (int)ifx) == 0)
				db->buckets[i] = ifx;
		}
	}
	if (sync_queues(d, db, &d->plan))
		changed = true;
	plan_to_cfg(db, &d->plan, &cfg);
	cfg.gen = db->cfg.gen;
	if (!db->cfg_valid || memcmp(&cfg, &db->cfg, sizeof(cfg))) {
		cfg.gen = db->cfg.gen + 1;
		if (dp_ebpf_write_cfg(db->ebpf, &cfg) < 0) {
			daemon_logl(d, LOG_ERR, "%s: cannot update the data path's configuration map", db->name);
			return;
		}
		db->cfg = cfg;
		db->cfg_valid = true;
		changed = true;
	}
	if (changed)
		note_update(d, db);
}

static void ebpf_sync(struct daemon *d)
{
	/* (event_us 0: the change came from a command; not timed) */
	for (unsigned i = 0; i < d->n_bonds; i++)
		sync_bond(d, d->bonds[i]);
}

void daemon_dp_event(struct daemon *d)
{
	d->event_us = mono_us();
}

/* ---- counters ---------------------------------------------------------- */

/* tlb/alb: the bytes the program counted per bucket since the last call
 * go to the engine's rebalance (bond_tx_account). */
static void ebpf_account(struct daemon *d)
{
	static uint64_t bytes[DP_TLB_BUCKETS];

	for (unsigned i = 0; i < d->n_bonds; i++) {
		struct dbond *db = d->bonds[i];
		struct dp_bond_stats bs;
		uint64_t unbalanced = 0;

		if (db->cfg.tx_kind != DP_TX_TLB && db->cfg.tx_kind != DP_TX_ALB)
			continue;
		if (dp_ebpf_tlb_take_bytes(db->ebpf, bytes) < 0)
			continue;
		if (dp_ebpf_bond_stats(db->ebpf, &bs) == 0) {
			unbalanced = bs.tlb_unbalanced_bytes - db->unbalanced_seen;
			db->unbalanced_seen = bs.tlb_unbalanced_bytes;
		}
		bond_tx_account(db->b, bytes, unbalanced);
	}
}

/* The slave's counters as the programs counted them, plus what the engine
 * itself sent and received (control frames), into the engine's struct so
 * the status shows one set of numbers on both data paths; and the last
 * receive time for the ARP monitor (bpf_ktime_get_ns() and the daemon's
 * clock are both CLOCK_MONOTONIC). */
static void ebpf_stats(struct daemon *d)
{
	for (unsigned i = 0; i < d->n_bonds; i++) {
		struct dbond *db = d->bonds[i];

		for (unsigned j = 0; j < db->n_slaves; j++) {
			struct dslave *ds = db->slaves[j];
			struct dp_slave_stats st;
			struct slave_stats *ss;

			if (!ds->s || dp_ebpf_slave_stats(db->ebpf, ds->ifindex, &st) < 0)
				continue;
			ss = &ds->s->stats;
			/* Only the growth since the last read is added: the
			 * engine's own counts stay in. */
			ss->rx_packets += st.rx_packets - ds->kst.rx_packets;
			ss->rx_bytes += st.rx_bytes - ds->kst.rx_bytes;
			ss->rx_dropped += st.rx_dropped - ds->kst.rx_dropped;
			ss->tx_packets += st.tx_packets - ds->kst.tx_packets;
			ss->tx_bytes += st.tx_bytes - ds->kst.tx_bytes;
			ss->tx_dropped += st.tx_dropped - ds->kst.tx_dropped;
			if (st.last_rx_ns > ds->kst.last_rx_ns)
				slave_rx_seen(ds->s, st.last_rx_ns / 1000000);
			ds->kst = st;
		}
		/* The VLANs: what bond_rx handed them and bond_vlan_tx sent
		 * for them; the frames the daemon sent itself for a VLAN (what
		 * the program left to the engine) are counted where it reads
		 * them. */
		for (unsigned j = 0; j < db->n_vlans; j++) {
			struct dvlan *dv = db->vlans[j];
			struct dp_vlan_stats vs;

			if (dp_ebpf_vlan_stats(db->ebpf, dv->vid, &vs) < 0)
				continue;
			dv->rx_packets += vs.rx_packets - dv->kst.rx_packets;
			dv->rx_bytes += vs.rx_bytes - dv->kst.rx_bytes;
			dv->tx_packets += vs.tx_packets - dv->kst.tx_packets;
			dv->tx_bytes += vs.tx_bytes - dv->kst.tx_bytes;
			dv->tx_dropped += vs.tx_dropped - dv->kst.tx_dropped;
			dv->kst = vs;
		}
	}
}

/* Counters in, then (every second) tlb/alb's bucket bytes. */
static uint64_t ebpf_counters(struct daemon *d, uint64_t now_ms)
{
	ebpf_stats(d);
	if (now_ms >= d->account_next_ms) {
		ebpf_account(d);
		d->account_next_ms = now_ms + 1000;
	}
	return d->account_next_ms;
}

/* bondctl upgrade: the daemon lets go; programs, maps, pins and the
 * persistent TAP stay for the successor. */
static void ebpf_bond_leave(struct daemon *d, struct dbond *db)
{
	daemon_hints_bond(d, db, false);
	dp_ebpf_close(db->ebpf);
	db->ebpf = NULL;
}

/* The packet data path hands accepted frames to the host itself; here the
 * receive program did, and the engine sees a slave's frame only for its
 * control work: nothing to deliver. */
static void ebpf_deliver(struct daemon *d, struct dbond *db, const uint8_t *frame,
			 size_t len, const void *meta)
{
}

const struct datapath_ops datapath_ebpf = {
	.name = "ebpf",
	.survives_daemon = true,
	.queue_ids = true,
	.bond_open = ebpf_bond_open,
	.bond_close = ebpf_bond_close,
	.bond_leave = ebpf_bond_leave,
	.slave_hide = ebpf_slave_hide,
	.slave_open = ebpf_slave_open,
	.slave_close = ebpf_slave_close,
	.vlan_open = ebpf_vlan_open,
	.vlan_close = ebpf_vlan_close,
	.deliver = ebpf_deliver,
	.counters = ebpf_counters,
	.sync = ebpf_sync,
};
