/* The daemon object and the lifecycle of its bonds and slaves: create and
 * remove a bond (its TAP device), enslave and release an interface (save its
 * state, hide it, open its packet socket; give it back), set options.
 *
 * The daemon owns the engine and every OS resource of the bonds of one
 * network namespace, and turns OS events into engine events and engine
 * actions into OS operations (the other daemon_*.c, see daemon_impl.h):
 *
 *   TAP fd readable      -> bond_xmit()          daemon_datapath.c
 *   packet fd readable   -> slave_receive()      daemon_datapath.c
 *   rtnetlink event      -> slave_link_event(), bond_set_admin(), addresses
 *                                                daemon_events.c
 *   timerfd              -> engine_tick()        daemon_loop.c (armed at the
 *                                                engine's deadline)
 *   control socket       -> ctl_server_run()     daemon_loop.c, daemon_ctl.c
 *   signalfd TERM/INT    -> give every slave back, remove every bond, exit
 *                                                daemon_loop.c
 *
 * A configuration is applied by daemon_conf.c through the same calls. */
#include "daemon.h"

#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "config/conf.h"
#include "core/opt.h"
#include "daemon_impl.h"
#include "linux/dp_ebpf.h"
#include "linux/hide.h"
#include "linux/journal.h"
#include "linux/notify.h"
#include "linux/nslock.h"
#include "linux/packet.h"
#include "linux/rtnl.h"
#include "linux/slave_state.h"
#include "linux/tap.h"

/* ---- helpers ---------------------------------------------------------- */

uint64_t daemon_now(struct daemon *d)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct engine *daemon_engine(struct daemon *d)
{
	return d->e;
}

struct rtnl *daemon_rtnl(struct daemon *d)
{
	return d->rtnl;
}

/* stderr is systemd's journal when JOURNAL_STREAM names it (systemd.exec(5):
 * "device:inode" of the stream): then each line starts with its level as
 * "<N>" (sd-daemon(3)), which journald takes off and keeps as the priority,
 * so that `journalctl -u bondd -p warning` finds bondd's warnings. On a
 * terminal, a pipe or a file the lines stay plain. Decided once. */
static int journal_levels = -1;

static bool stderr_is_journal(void)
{
	const char *js;
	unsigned long long dev, ino;
	struct stat st;

	if (journal_levels < 0) {
		js = getenv("JOURNAL_STREAM");
		journal_levels = js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 &&
				 fstat(STDERR_FILENO, &st) == 0 &&
				 (unsigned long long)st.st_dev == dev &&
				 (unsigned long long)st.st_ino == ino;
	}
	return journal_levels;
}

void daemon_vsay(int level, const char *fmt, va_list ap)
{
	if (stderr_is_journal())
		fprintf(stderr, "<%d>", level & LOG_PRIMASK);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void daemon_say(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	daemon_vsay(level, fmt, ap);
	va_end(ap);
}

void daemon_say_lines(const char *text)
{
	const char *nl;
	int len;

	while (*text) {
		nl = strchr(text, '\n');
		len = nl ? (int)(nl - text) : (int)strlen(text);

		/* The configuration's messages: "FILE:LINE: warning: ..." */
		daemon_say(memmem(text, (size_t)len, ": warning:", 10) ? LOG_WARNING : LOG_ERR,
			   "%.*s", len, text);
		if (!nl)
			break;
		text = nl + 1;
	}
}

void daemon_logl(struct daemon *d, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (d->use_syslog)
		vsyslog(level, fmt, ap);
	else
		daemon_vsay(level, fmt, ap);
	va_end(ap);
}

void daemon_log(struct daemon *d, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	daemon_logl(d, LOG_INFO, "%s", line);
}

struct dbond *dbond_find(struct daemon *d, const char *name)
{
	for (unsigned i = 0; i < d->n_bonds; i++)
		if (!strcmp(d->bonds[i]->name, name))
			return d->bonds[i];
	return NULL;
}

struct dslave *dslave_find_by_index(struct daemon *d, int ifindex)
{
	for (unsigned i = 0; i < d->n_bonds; i++)
		for (unsigned j = 0; j < d->bonds[i]->n_slaves; j++)
			if (d->bonds[i]->slaves[j]->ifindex == ifindex)
				return d->bonds[i]->slaves[j];
	return NULL;
}

struct dbond *dbond_find_by_index(struct daemon *d, int ifindex)
{
	for (unsigned i = 0; i < d->n_bonds; i++)
		if (d->bonds[i]->ifindex == ifindex)
			return d->bonds[i];
	return NULL;
}

void daemon_crash_point(struct daemon *d, const char *name)
{
	if (!d->crash_at[0] || strcmp(d->crash_at, name) || --d->crash_nth > 0)
		return;
	daemon_logl(d, LOG_WARNING, "bondd: BONDD_CRASH_AT=%s: killing myself with SIGKILL (testing aid)",
		    name);
	raise(SIGKILL);
}

/* ---- the slave journal ------------------------------------------------ */

/* Writes (or rewrites) ds's journal entry: its state before bondd. */
static int dslave_journal(struct daemon *d, struct dslave *ds, struct err *err)
{
	struct journal_entry e;

	memset(&e, 0, sizeof(e));
	e.saved = ds->saved;
	snprintf(e.bond, sizeof(e.bond), "%s", ds->db->name);
	e.pid = getpid();
	e.netns = d->ns.cookie;
	return journal_write(d->ns.dir, &e, err);
}

/* The entry is gone only once the slave is given back (or gone itself). */
static void dslave_unjournal(struct daemon *d, struct dslave *ds)
{
	int rc = journal_remove(d->ns.dir, ds->saved.name);

	if (rc < 0)
		daemon_logl(d, LOG_ERR, "%s: (slave %s): cannot remove its journal entry in %s: %s",
			    ds->db->name, ds->name, d->ns.dir, strerror(-rc));
}

void dslave_journal_renamed(struct daemon *d, struct dslave *ds, const char *from)
{
	struct err err;
	int rc;

	err_clear(&err);
	/* New entry first: a crash in between leaves two entries for one
	 * ifindex, and recovery restores the device once by either. */
	if (dslave_journal(d, ds, &err) < 0) {
		daemon_logl(d, LOG_ERR, "%s: (slave %s): cannot move its journal entry: %s",
			    ds->db->name, ds->name, err.msg);
		return;
	}
	rc = journal_remove(d->ns.dir, from);
	if (rc < 0)
		daemon_logl(d, LOG_ERR, "%s: (slave %s): cannot remove the journal entry of its old name %s: %s",
			    ds->db->name, ds->name, from, strerror(-rc));
}

/* At start: every entry of the namespace's journal is a dead daemon's (we
 * hold the namespace lock): put each device back and drop the entry. */
static void daemon_recover(struct daemon *d)
{
	struct journal_names l = { 0 };
	int rc = journal_each(d->ns.dir, journal_names_add, &l);

	if (rc < 0)
		daemon_logl(d, LOG_ERR, "bondd: journal: cannot read %s: %s", d->ns.dir, strerror(-rc));
	for (unsigned i = 0; i < l.n; i++) {
		struct strbuf msg;
		enum recover_result res;
		int owner;

		struct journal_entry e;
		struct err e2;

		/* The configuration is applied before this pass (bondd.c):
		 * the entries of our own slaves are already here, and are
		 * not a dead daemon's (recover_entry would call them "held
		 * by bondd pid <ours>", an error on every start). */
		err_clear(&e2);
		if (journal_read(d->ns.dir, l.v[i], &e, &e2) == 0 && e.pid == getpid() &&
		    dslave_find_by_index(d, e.saved.ifindex)) {
			if (i == 0)
				daemon_crash_point(d, "recover-mid");
			continue;
		}
		sb_init(&msg);
		res = recover_entry(d->rtnl, &d->ns, l.v[i], 0, &owner, &msg);
		if (res != RECOVER_NONE)
			daemon_logl(d, res == RECOVER_RESTORED || res == RECOVER_GONE ? LOG_NOTICE
				    : LOG_ERR, "bondd: journal: %s", sb_str(&msg));
		sb_free(&msg);
		if (i == 0)
			daemon_crash_point(d, "recover-mid");
	}
	free(l.v);
}

/* Before enslaving ifname: what a dead bondd left on it is put back (its
 * journal entry is the original state, not what the device shows now); an
 * interface a live bondd holds is refused. Fills *hp with the tc state. */
static int slave_reclaim(struct daemon *d, const char *bond, const char *ifname, int ifindex,
			 struct hide_probe *hp, struct err *err)
{
	struct journal_entry e;
	struct strbuf msg;
	struct dslave *other;
	struct err e2 = { 0 };
	enum recover_result res;
	bool qdisc_gone;
	int owner, pid;

	/* An entry of this name that is one of our live slaves (renamed
	 * since): never touch it, and never overwrite its entry. */
	if (journal_read(d->ns.dir, ifname, &e, &e2) == 0 &&
	    (other = dslave_find_by_index(d, e.saved.ifindex))) {
		err_set(err, -EBUSY, "%s: (slave %s): the journal entry of that name belongs to slave %s of %s (renamed)",
			bond, ifname, other->name, other->db->name);
		return -EBUSY;
	}
	sb_init(&msg);
	res = recover_entry(d->rtnl, &d->ns, ifname, getpid(), &owner, &msg);
	switch (res) {
	case RECOVER_NONE:
		break;
	case RECOVER_BUSY:
		err_set(err, -EBUSY, "%s: (slave %s): already held by another bondd (pid %d): %s",
			bond, ifname, owner, sb_str(&msg));
		sb_free(&msg);
		return -EBUSY;
	case RECOVER_FAILED:
		err_set(err, -EIO, "%s: (slave %s): what a dead bondd left on it could not be undone: %s",
			bond, ifname, sb_str(&msg));
		sb_free(&msg);
		return -EIO;
	default:
		daemon_logl(d, LOG_NOTICE, "bondd: journal: %s", sb_str(&msg));
		break;
	}
	sb_free(&msg);
	if (hide_probe(d->rtnl, ifindex, hp, err) < 0)
		return err->code ? err->code : -EIO;
	if (!hp->has_ours)
		return 0;
	/* Our filter with no journal entry: a live bondd we cannot see (another
	 * /run) holds it, or a dead one left it. */
	pid = recover_other_bondd(d->ns.inode, getpid());
	if (pid) {
		err_set(err, -EBUSY, "%s: (slave %s): already held by another bondd (pid %d) in this network namespace",
			bond, ifname, pid);
		return -EBUSY;
	}
	if (hide_remove_leftover(d->rtnl, ifindex, &qdisc_gone, err) < 0)
		return err->code ? err->code : -EIO;
	daemon_logl(d, LOG_WARNING, "%s: (slave %s): removed a tc hiding filter (handle 0xb0dd)%s that a dead bondd left without a journal entry; its MAC, MTU and IPv6 setting are taken as found (nothing recorded what they were)",
		    bond, ifname, qdisc_gone ? " and its clsact qdisc" : "");
	if (hide_probe(d->rtnl, ifindex, hp, err) < 0)
		return err->code ? err->code : -EIO;
	return 0;
}

/* An entry of the journal that an earlier bondd of the same bond left on
 * a slave it still carries frames for (the receive program in place):
 * that daemon is gone (or it is us before an exec), the device is the
 * same. Such a slave is taken over as it is, never restored first. */
static bool slave_adoptable(struct daemon *d, struct dbond *db, const char *ifname,
			    int ifindex, struct journal_entry *je)
{
	struct err e = { 0 };

	if (journal_read(d->ns.dir, ifname, je, &e) < 0)
		return false;
	return !strcmp(je->bond, db->name) && je->saved.ifindex == ifindex &&
	       (je->pid == getpid() || !recover_pid_is_bondd(je->pid, d->ns.inode)) &&
	       dp_ebpf_rx_attached(ifindex);
}

/* Takes over a slave an earlier bondd left carrying frames: its state
 * before bondd is the journal's, its program and map entry stay as they
 * are (the next sync rewrites the entry), only the packet socket and the
 * engine's view are new. On failure the slave is given back. */
/* A new slave object of db (nothing acquired yet: no socket). */
static struct dslave *dslave_alloc(struct dbond *db, int ifindex, const char *name,
				   struct err *err)
{
	struct dslave *ds = calloc(1, sizeof(*ds));

	if (!ds) {
		err_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	ds->ep.kind = EP_PACKET;
	ds->ep.obj = ds;
	ds->db = db;
	ds->ifindex = ifindex;
	ds->fd = -1;
	snprintf(ds->name, sizeof(ds->name), "%s", name);
	return ds;
}

static int dslave_adopt(struct daemon *d, struct dbond *db, const struct rtnl_link *link,
			const struct journal_entry *je, struct err *err)
{
	struct link_info li;
	struct dslave *ds = dslave_alloc(db, link->ifindex, link->name, err);

	if (!ds)
		return -ENOMEM;
	ds->saved = je->saved;
	snprintf(ds->saved.name, sizeof(ds->saved.name), "%s", link->name);
	if (dslave_journal(d, ds, err) < 0)
		goto fail;
	ds->fd = packet_open(ds->ifindex, err);
	if (ds->fd < 0 || (d->dp->slave_open && d->dp->slave_open(d, ds, err) < 0))
		goto fail;
	daemon_read_link_info(link, &li);
	ds->s = bond_enslave(db->b, ds->name, je->saved.mac, &li, ds, daemon_now(d), err);
	if (!ds->s)
		goto fail;
	if (daemon_ep_add(d, ds->fd, &ds->ep) < 0) {
		err_set(err, -errno, "%s: (slave %s): epoll: %s", db->name, ds->name, strerror(errno));
		bond_release(db->b, ds->s, daemon_now(d));
		goto fail;
	}
	db->slaves[db->n_slaves++] = ds;
	daemon_cwatch_slave(d, ds, true);
	daemon_logl(d, LOG_INFO, "%s: (slave %s): taken over from bondd pid %d with its frames still flowing",
		    db->name, ds->name, je->pid);
	return 0;
fail:
	if (ds->fd >= 0)
		packet_close(ds->fd);
	if (d->dp->slave_close)
		d->dp->slave_close(d, ds);
	if (slave_state_restore(d->rtnl, &ds->saved, NULL) == 0)
		journal_remove(d->ns.dir, ds->saved.name);
	free(ds);
	return err->code ? err->code : -EIO;
}

/* ---- bonds ------------------------------------------------------------ */

int daemon_bond_create(struct daemon *d, const char *name, unsigned nopts,
		       const char *const names[], const char *const values[],
		       struct err *err)
{
	struct rtnl_link link;
	struct dbond *db;
	struct bond *b;
	struct dp_ebpf *old = NULL;
	uint64_t now = daemon_now(d);
	int rc;

	if (d->n_bonds >= BOND_MAX_BONDS) {
		err_set(err, -ENOSPC, "too many bonds");
		return -ENOSPC;
	}
	if (dbond_find(d, name)) {
		err_set(err, -EEXIST, "bonding: %s already exists", name);
		return -EEXIST;
	}
	/* A device of that name: an earlier bondd's TAP with its programs
	 * is adopted (ebpf) or removed; anything else is refused. */
	if (if_nametoindex(name) && daemon_dp_leftover(d, name, &old, err) < 0)
		return -EEXIST;
	b = engine_bond_new(d->e, name, err);
	if (!b) {
		daemon_dp_drop_leftover(d, name, old);
		return err->code ? err->code : -EINVAL;
	}
	b->queue_ids_ok = d->dp->queue_ids;
	/* Options first: a refused option leaves no device behind. */
	if (nopts && opt_set_many(b, nopts, names, values, now, err) < 0)
		goto fail_bond;
	db = calloc(1, sizeof(*db));
	if (!db) {
		err_set(err, -ENOMEM, "out of memory");
		goto fail_bond;
	}
	db->ep.kind = EP_TAP;
	db->ep.obj = db;
	db->d = d;
	db->b = b;
	snprintf(db->name, sizeof(db->name), "%s", name);
	db->tap_fd = tap_open(name, err);
	if (db->tap_fd < 0)
		goto fail_db;
	if (rtnl_link_get(d->rtnl, name, &link, err) < 0)
		goto fail_tap;
	db->ifindex = link.ifindex;
	db->mtu = link.mtu;
	rc = old ? dbond_dp_adopt(d, db, old, err) :
	     d->dp->bond_open ? d->dp->bond_open(d, db, err) : 0;
	old = NULL;
	if (rc < 0)
		goto fail_tap;
	/* The TAP's random address is not the admin's choice. */
	memcpy(db->set_macs[db->n_set_macs++], link.mac, 6);
	/* No slave yet: no carrier. A TAP that refuses only makes the host
	 * see a carrier the bond does not have; it still forwards nothing
	 * until a slave comes, so this is worth a line, not a failure. */
	rc = db->adopted ? 0 : tap_set_carrier(db->tap_fd, false);
	if (rc < 0)
		daemon_logl(d, LOG_WARNING, "%s: cannot clear the carrier (TUNSETCARRIER): %s",
			    name, strerror(-rc));
	if (daemon_ep_add(d, db->tap_fd, &db->ep) < 0) {
		err_set(err, -errno, "%s: epoll: %s", name, strerror(errno));
		goto fail_dp;
	}
	b->io = db;
	d->bonds[d->n_bonds++] = db;
	/* A new bond is down, as `ip link add ... type bond` leaves it:
	 * slaves enslaved before `up` join a bond that then opens with all
	 * of them (802.3ad selects its aggregator at once, not after the
	 * 8 s of a bond that was already open). An adopted device keeps
	 * the state it had. */
	bond_set_admin(b, link.flags & IFF_UP, now);
	dbond_refresh_addrs(d, db);
	daemon_logl(d, LOG_INFO, "bonding: %s is being created...", name);
	return 0;

fail_dp:
	if (d->dp->bond_close)
		d->dp->bond_close(d, db);
fail_tap:
	tap_close(db->tap_fd);
fail_db:
	free(db);
fail_bond:
	daemon_dp_drop_leftover(d, name, old);
	engine_bond_free(d->e, b, now);
	return err->code ? err->code : -EINVAL;
}

int daemon_bond_set_up(struct daemon *d, const char *name, bool up, struct err *err)
{
	struct dbond *db = dbond_find(d, name);

	if (!db) {
		err_set(err, -ENODEV, "%s: no such bond", name);
		return -ENODEV;
	}
	if (rtnl_link_set_flags(d->rtnl, db->ifindex, up ? IFF_UP : 0, IFF_UP, err) < 0)
		return err->code ? err->code : -EIO;
	if (db->b->admin_up != up) {
		daemon_logl(d, LOG_INFO, "%s: %s", name, up ? "up" : "down");
		bond_set_admin(db->b, up, daemon_now(d));
		dvlans_bond_admin(d, db, up);
	}
	return 0;
}

void dslave_release(struct daemon *d, struct dbond *db, struct dslave *ds, bool restore)
{
	struct err err = { 0 };
	unsigned i;

	bond_release(db->b, ds->s, daemon_now(d));
	if (ds->tx_n)
		dslave_flush(ds);
	if (ds->tx_listed) {
		struct dslave **pp = &d->tx_pending;

		while (*pp && *pp != ds)
			pp = &(*pp)->tx_next;
		if (*pp)
			*pp = ds->tx_next;
	}
	daemon_ep_del(d, ds->fd);
	daemon_cwatch_slave(d, ds, false);
	if (d->dp->slave_close)
		d->dp->slave_close(d, ds);
	packet_close(ds->fd);
	if (restore && slave_state_restore(d->rtnl, &ds->saved, &err) < 0 && err.code != -ENODEV) {
		/* The entry stays: the next start or `bondctl cleanup`
		 * tries again. */
		daemon_logl(d, LOG_ERR, "%s: (slave %s): restoring the device failed: %s; its journal entry is kept",
			    db->name, ds->name, err.msg);
	} else {
		daemon_crash_point(d, "release-after-restore");
		dslave_unjournal(d, ds);
	}
	for (i = 0; i < db->n_slaves; i++)
		if (db->slaves[i] == ds)
			break;
	if (i < db->n_slaves) {
		memmove(&db->slaves[i], &db->slaves[i + 1],
			(db->n_slaves - i - 1) * sizeof(db->slaves[0]));
		db->n_slaves--;
	}
	free(ds);
}

void dbond_destroy(struct daemon *d, struct dbond *db, bool tap_gone)
{
	unsigned i;

	/* VLANs first, as the kernel unregisters a real device's VLANs
	 * before the device itself. */
	while (db->n_vlans)
		dvlan_destroy(d, db->vlans[db->n_vlans - 1], false);
	while (db->n_slaves)
		dslave_release(d, db, db->slaves[db->n_slaves - 1], true);
	daemon_ep_del(d, db->tap_fd);
	if (d->dp->bond_close)
		d->dp->bond_close(d, db);
	tap_close(db->tap_fd);
	engine_bond_free(d->e, db->b, daemon_now(d));
	for (i = 0; i < d->n_bonds; i++)
		if (d->bonds[i] == db)
			break;
	if (i < d->n_bonds) {
		memmove(&d->bonds[i], &d->bonds[i + 1], (d->n_bonds - i - 1) * sizeof(d->bonds[0]));
		d->n_bonds--;
	}
	daemon_logl(d, LOG_INFO, "bonding: %s %s", db->name, tap_gone ? "was removed" : "is being deleted...");
	daemon_flows_free(db);
	free(db);
}

int daemon_bond_delete(struct daemon *d, const char *name, struct err *err)
{
	struct dbond *db = dbond_find(d, name);

	if (!db) {
		err_set(err, -ENODEV, "%s: no such bond", name);
		return -ENODEV;
	}
	dbond_destroy(d, db, false);
	return 0;
}

/* ---- slaves ----------------------------------------------------------- */

int daemon_enslave(struct daemon *d, const char *bond, const char *ifname, struct err *err)
{
	struct dbond *db = dbond_find(d, bond);
	struct rtnl_link link;
	struct link_info li;
	struct hide_probe hp;
	struct journal_entry je;
	struct dslave *ds;
	uint64_t now;

	if (!db) {
		err_set(err, -ENODEV, "%s: no such bond", bond);
		return -ENODEV;
	}
	if (dbond_find(d, ifname)) {
		err_set(err, -EPERM, "%s: (slave %s): bondd does not nest bonds", bond, ifname);
		return -EPERM;
	}
	for (unsigned i = 0; i < d->n_bonds; i++)
		if (bond_find_slave(d->bonds[i]->b, ifname)) {
			err_set(err, -EBUSY, "%s: (slave %s): Device is already a slave of %s",
				bond, ifname, d->bonds[i]->name);
			return -EBUSY;
		}
	if (rtnl_link_get(d->rtnl, ifname, &link, NULL) < 0) {
		err_set(err, -ENODEV, "%s: interface %s does not exist!", bond, ifname);
		return -ENODEV;
	}
	if (link.type != ARPHRD_ETHER) {
		err_set(err, -EINVAL, "%s: (slave %s): not an Ethernet device; bondd enslaves Ethernet devices only",
			bond, ifname);
		return -EINVAL;
	}
	if (link.flags & IFF_LOOPBACK) {
		err_set(err, -EINVAL, "%s: (slave %s): cannot enslave a loopback device", bond, ifname);
		return -EINVAL;
	}
	if (link.master) {
		char m[IFNAMSIZ] = "?";

		if_indextoname((unsigned)link.master, m);
		err_set(err, -EBUSY, "%s: (slave %s): Device is already enslaved to %s",
			bond, ifname, m);
		return -EBUSY;
	}
	if (db->adopted && slave_adoptable(d, db, ifname, link.ifindex, &je))
		return dslave_adopt(d, db, &link, &je, err);
	if (slave_reclaim(d, bond, ifname, link.ifindex, &hp, err) < 0)
		return err->code ? err->code : -EIO;
	/* Read again: a dead bondd's journal entry has just been undone
	 * (down, MTU, MAC as before it), and the UP and MTU steps below go
	 * by what the device is now. Read before, a slave that was down
	 * before the crashed bondd stayed down, enslaved with no link. */
	if (rtnl_link_get_index(d->rtnl, link.ifindex, &link, err) < 0)
		return err->code ? err->code : -EIO;
	ds = dslave_alloc(db, link.ifindex, ifname, err);
	if (!ds)
		return -ENOMEM;

	/* Acquire in order; on failure give back what was taken. */
	if (slave_state_save(d->rtnl, ifname, &ds->saved, err) < 0)
		goto fail_free;
	/* Journalled before the first change: whatever kills us from here
	 * on, a restart or `bondctl cleanup` can give the device back. */
	ds->saved.hide.created_qdisc = !hp.has_clsact;
	if (dslave_journal(d, ds, err) < 0) {
		char m[sizeof(err->msg)];

		snprintf(m, sizeof(m), "%s", err->msg);
		err_set(err, err->code, "%s: (slave %s): not enslaved: %s", bond, ifname, m);
		goto fail_free;
	}
	daemon_crash_point(d, "enslave-after-journal");
	if (d->dp->slave_hide(d, ds, err) < 0)
		goto fail_restore;
	/* Someone added clsact between our look and our add: the entry
	 * must not claim it. */
	if (ds->saved.hide.created_qdisc != !hp.has_clsact && dslave_journal(d, ds, err) < 0)
		goto fail_restore;
	daemon_crash_point(d, "enslave-after-hide");
	if (ds->saved.disable_ipv6 == 0) {
		int rc = sysctl_disable_ipv6_set(ifname, 1);

		/* The slave keeps its IPv6 link-local address and may send
		 * router and neighbour solicitations of its own; its receive
		 * side is hidden all the same, so the bond still works
		 * (a read-only /proc/sys in a container does this). */
		if (rc < 0)
			daemon_logl(d, LOG_WARNING, "%s: (slave %s): cannot turn IPv6 off (disable_ipv6): %s",
				    bond, ifname, strerror(-rc));
	}
	daemon_crash_point(d, "enslave-after-ipv6");
	if (db->mtu && link.mtu != db->mtu &&
	    rtnl_link_set_mtu(d->rtnl, ds->ifindex, db->mtu, err) < 0)
		goto fail_restore;
	if (!(link.flags & IFF_UP) &&
	    rtnl_link_set_flags(d->rtnl, ds->ifindex, IFF_UP, IFF_UP, err) < 0)
		goto fail_restore;
	ds->fd = packet_open(ds->ifindex, err);
	if (ds->fd < 0 || (d->dp->slave_open && d->dp->slave_open(d, ds, err) < 0))
		goto fail_restore;
	if (rtnl_link_get_index(d->rtnl, ds->ifindex, &link, err) < 0)
		goto fail_restore;
	daemon_read_link_info(&link, &li);
	now = daemon_now(d);
	ds->s = bond_enslave(db->b, ifname, link.mac, &li, ds, now, err);
	if (!ds->s)
		goto fail_restore;
	if (daemon_ep_add(d, ds->fd, &ds->ep) < 0) {
		err_set(err, -errno, "%s: (slave %s): epoll: %s", bond, ifname, strerror(errno));
		bond_release(db->b, ds->s, now);
		goto fail_restore;
	}
	db->slaves[db->n_slaves++] = ds;
	daemon_cwatch_slave(d, ds, true);
	daemon_crash_point(d, "enslave-done");
	return 0;

fail_restore:
	if (ds->fd >= 0) {
		if (d->dp->slave_close)
		d->dp->slave_close(d, ds);
		packet_close(ds->fd);
	}
	if (slave_state_restore(d->rtnl, &ds->saved, NULL) == 0)
		journal_remove(d->ns.dir, ds->saved.name);
fail_free:
	free(ds);
	return err->code ? err->code : -EIO;
}

int daemon_release(struct daemon *d, const char *bond, const char *ifname, struct err *err)
{
	struct dbond *db = dbond_find(d, bond);

	if (!db) {
		err_set(err, -ENODEV, "%s: no such bond", bond);
		return -ENODEV;
	}
	for (unsigned i = 0; i < db->n_slaves; i++)
		if (!strcmp(db->slaves[i]->name, ifname)) {
			dslave_release(d, db, db->slaves[i], true);
			return 0;
		}
	if (!if_nametoindex(ifname)) {
		err_set(err, -ENODEV, "%s: interface %s does not exist!", bond, ifname);
		return -ENODEV;
	}
	err_set(err, -EINVAL, "%s: (slave %s): cannot release: not a slave of %s", bond, ifname, bond);
	return -EINVAL;
}

int daemon_set(struct daemon *d, const char *bond, unsigned nopts,
	       const char *const names[], const char *const values[], struct err *err)
{
	struct dbond *db = dbond_find(d, bond);

	if (!db) {
		err_set(err, -ENODEV, "%s: no such bond", bond);
		return -ENODEV;
	}
	/* "slaves +eth0 / -eth0" (the sysfs file) changes membership; it is
	 * refused in a mixed request so all-or-nothing stays true. */
	for (unsigned i = 0; i < nopts; i++) {
		if (strcmp(names[i], "slaves"))
			continue;
		if (nopts != 1) {
			err_set(err, -EINVAL, "option slaves: set it alone, not with other options");
			return -EINVAL;
		}
		if (values[0][0] == '+')
			return daemon_enslave(d, bond, values[0] + 1, err);
		if (values[0][0] == '-')
			return daemon_release(d, bond, values[0] + 1, err);
		err_set(err, -EINVAL, "option slaves: invalid value (%s); use +<ifname> or -<ifname>",
			values[0]);
		return -EINVAL;
	}
	return opt_set_many(db->b, nopts, names, values, daemon_now(d), err);
}

void daemon_bond_mac_set_by_user(struct daemon *d, const char *bond, const uint8_t mac[6])
{
	struct dbond *db = dbond_find(d, bond);

	if (!db)
		return;
	db->b->mac_set_by_user = true;
	db->b->mac_random = false;
	bond_set_mac(db->b, mac);
}

/* ---- life cycle ------------------------------------------------------- */

/* BONDD_CRASH_AT=NAME[:N] (a testing aid, bondd(8)). */
static void crash_env(struct daemon *d)
{
	const char *v = getenv("BONDD_CRASH_AT");
	char *colon;
	long n = 1;

	if (!v || !*v)
		return;
	snprintf(d->crash_at, sizeof(d->crash_at), "%s", v);
	colon = strchr(d->crash_at, ':');
	if (colon) {
		*colon = '\0';
		n = strtol(colon + 1, NULL, 10);
	}
	d->crash_nth = n > 0 && n < INT_MAX ? (unsigned)n : 1;
	daemon_logl(d, LOG_WARNING, "bondd: BONDD_CRASH_AT: will SIGKILL myself at %s (passage %u)",
		    d->crash_at, d->crash_nth);
}

static int daemon_lock(struct daemon *d, struct err *err)
{
	char path[PATH_MAX], who[96];
	int holder;

	if (nslock_path(BONDD_RUN_DIR, path, sizeof(path), err) < 0)
		return -1;
	d->lock_fd = nslock_acquire(path, &holder, err);
	if (d->lock_fd >= 0)
		return 0;
	if (d->lock_fd == -EWOULDBLOCK) {
		nslock_describe_holder(holder, who, sizeof(who));
		err_set(err, -EBUSY, "another bondd already runs in this network namespace: %s holds %s; use its control socket (bondctl), or stop it first",
			who, path);
	}
	d->lock_fd = -1;
	return -1;
}

void daemon_detached(struct daemon *d)
{
	struct err err = { 0 };
	int rc = daemon_loop_after_fork(d);

	if (rc < 0)
		daemon_logl(d, LOG_ERR, "bondd: signalfd after detaching: %s", strerror(-rc));
	if (d->lock_fd >= 0 && nslock_set_pid(d->lock_fd, getpid()) < 0)
		daemon_logl(d, LOG_WARNING, "bondd: cannot write my pid into the lock file");
	for (unsigned i = 0; i < d->n_bonds; i++)
		for (unsigned j = 0; j < d->bonds[i]->n_slaves; j++)
			if (dslave_journal(d, d->bonds[i]->slaves[j], &err) < 0)
				daemon_logl(d, LOG_ERR, "bondd: %s", err.msg);
}

struct daemon *daemon_new(const char *ctl_path, const struct ctl_access *acc,
			  bool use_syslog, struct err *err)
{
	struct daemon *d = calloc(1, sizeof(*d));
	unsigned handed, refused;

	if (!d) {
		err_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	d->epfd = d->tfd = d->sfd = d->lock_fd = -1;
	d->use_syslog = use_syslog;
	d->ctl_be = (struct ctl_backend){ &daemon_ctl_ops, d };
	d->dp = &datapath_packet;   /* until daemon_dp_choose() */
	crash_env(d);
	/* First: the fds an upgraded bondd handed over are ours to close. */
	handed = tap_handover_receive(&refused);
	/* The lock before anything else: a second daemon must not touch the
	 * first one's socket, journal or slaves. */
	if (daemon_lock(d, err) < 0 || recover_ns_init(&d->ns, JOURNAL_ROOT, err) < 0)
		goto fail;
	d->e = engine_new(&daemon_engine_ops, d);
	if (!d->e) {
		err_set(err, -ENOMEM, "out of memory");
		goto fail;
	}
	d->rtnl = rtnl_open(true, err);
	if (!d->rtnl)
		goto fail;
	/* Tests only: a tiny event buffer, so that a burst of link events
	 * overruns it (ENOBUFS) and the recovery can be seen at work. */
	if (getenv("BONDD_TEST_RTNL_RCVBUF")) {
		int sz = atoi(getenv("BONDD_TEST_RTNL_RCVBUF"));

		if (sz > 0 && rtnl_set_event_rcvbuf(d->rtnl, sz, err) < 0)
			goto fail;
	}
	if (daemon_loop_open(d, ctl_path, acc, err) < 0)
		goto fail;
	daemon_cwatch_open(d);
	if (handed || refused)
		daemon_logl(d, refused ? LOG_WARNING : LOG_INFO,
			    "bondd: upgrade: %u TAP%s held open by the last bondd%s",
			    handed, handed == 1 ? "" : "s",
			    refused ? " (some entries were not a TAP of their name: left alone)" : "");
	return d;
fail:
	daemon_free(d);
	return NULL;
}

void daemon_start(struct daemon *d)
{
	/* A TAP handed over for a bond the configuration no longer has is
	 * a leftover like any other (removed below). */
	tap_handover_close_rest();
	daemon_recover(d);
	daemon_vlan_recover(d);
	daemon_dp_remove_leftovers(d);
}

int daemon_upgrade(struct daemon *d, struct err *err)
{
	for (unsigned i = 0; i < d->n_bonds; i++) {
		struct dbond *db = d->bonds[i];

		if (!d->dp->survives_daemon) {
			err_set(err, -EOPNOTSUPP, "upgrade: %s is on the %s data path: its frames would stop with the daemon",
				db->name, d->dp->name);
			return err->code;
		}
		if (!d->conf || !conf_find_bond(d->conf, db->name)) {
			err_set(err, -EOPNOTSUPP, "upgrade: %s is not in the configuration file: the new bondd would not create it and would give its slaves back",
				db->name);
			return err->code;
		}
		for (unsigned j = 0; j < db->n_vlans; j++) {
			const struct conf_vlan *cv = conf_find_bond_vlan(d->conf, db->name,
									 db->vlans[j]->vid);

			if (!cv || strcmp(cv->name, db->vlans[j]->name)) {
				err_set(err, -EOPNOTSUPP, "upgrade: VLAN %s of %s is not in the configuration file: the new bondd would remove it",
					db->vlans[j]->name, db->name);
				return err->code;
			}
		}
	}
	d->handover = true;
	d->stop = true;
	daemon_logl(d, LOG_NOTICE, "bondd: upgrade: handing %u bond%s over to the installed bondd",
		    d->n_bonds, d->n_bonds == 1 ? "" : "s");
	return 0;
}

bool daemon_handing_over(const struct daemon *d)
{
	return d->handover;
}

int daemon_notify_ready(const struct daemon *d)
{
	char status[32];

	snprintf(status, sizeof(status), "%u bond%s", d->n_bonds, d->n_bonds == 1 ? "" : "s");
	return notify_ready(status);
}

/* Upgrade: every TAP's fd goes to the successor across exec (tap.h says
 * why), listed in TAP_HANDOVER_ENV. A fd that cannot be kept open, or a
 * list that cannot be passed, is closed: that device then loses its
 * carrier until the new bondd attaches, as after a crash. */
static void tap_keep_open(struct daemon *d, const char *name, int fd)
{
	int rc = tap_handover_keep(fd);

	if (rc < 0)
		daemon_logl(d, LOG_WARNING, "%s: upgrade: cannot keep the TAP open for the new bondd: %s",
			    name, strerror(-rc));
}

static void handover_taps(struct daemon *d)
{
	struct strbuf handed;
	bool ok;

	sb_init(&handed);
	for (unsigned i = 0; i < d->n_bonds; i++) {
		struct dbond *db = d->bonds[i];

		sb_printf(&handed, "%s%s=%d", handed.len ? "," : "", db->name, db->tap_fd);
		for (unsigned j = 0; j < db->n_vlans; j++)
			sb_printf(&handed, ",%s=%d", db->vlans[j]->name, db->vlans[j]->tap_fd);
	}
	ok = !handed.oom && setenv(TAP_HANDOVER_ENV, sb_str(&handed), 1) == 0;
	sb_free(&handed);
	if (!ok) {
		daemon_logl(d, LOG_WARNING, "bondd: upgrade: cannot pass the TAPs on: they lose their carrier until the new bondd attaches");
		return;
	}
	for (unsigned i = 0; i < d->n_bonds; i++) {
		struct dbond *db = d->bonds[i];

		tap_keep_open(d, db->name, db->tap_fd);
		for (unsigned j = 0; j < db->n_vlans; j++)
			tap_keep_open(d, db->vlans[j]->name, db->vlans[j]->tap_fd);
	}
}

/* Upgrade: the daemon's hold on a bond ends, nothing else does. The
 * programs, maps, persistent TAP (its fd kept open), slaves' state and
 * journal entries stay for the successor; engine_free() frees the
 * engine's side without a single action. */
static void dbond_leave(struct daemon *d, struct dbond *db)
{
	for (unsigned i = 0; i < db->n_slaves; i++) {
		struct dslave *ds = db->slaves[i];

		daemon_ep_del(d, ds->fd);
		packet_close(ds->fd);
		free(ds);
	}
	db->n_slaves = 0;
	while (db->n_vlans)
		dvlan_leave(d, db->vlans[db->n_vlans - 1]);
	daemon_ep_del(d, db->tap_fd);
	d->dp->bond_leave(d, db);
	daemon_flows_free(db);
	free(db);
}

void daemon_shutdown(struct daemon *d)
{
	if (d->handover) {
		/* For the exec that follows (bondd.c); the TAP fds stay
		 * open, closed only by that exec where one could not be
		 * kept. */
		handover_taps(d);
		while (d->n_bonds)
			dbond_leave(d, d->bonds[--d->n_bonds]);
		return;
	}
	while (d->n_bonds)
		dbond_destroy(d, d->bonds[d->n_bonds - 1], false);
}

void daemon_free(struct daemon *d)
{
	if (!d)
		return;
	daemon_shutdown(d);
	daemon_cwatch_close(d);
	daemon_loop_close(d);
	if (d->rtnl)
		rtnl_close(d->rtnl);
	engine_free(d->e);
	conf_free(d->conf);
	/* Last: the slaves are given back and their entries gone. */
	if (d->lock_fd >= 0)
		close(d->lock_fd);
	free(d->txbuf);
	free(d->rxbuf);
	free(d);
}
