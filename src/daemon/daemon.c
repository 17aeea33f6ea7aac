/* The daemon: owns the engine and every OS resource of the bonds of one
 * network namespace, and turns OS events into engine events and engine
 * actions into OS operations.
 *
 *   TAP fd readable      -> bond_xmit()          (host sends through the bond)
 *   packet fd readable   -> slave_receive()      (a frame arrived on a slave)
 *   rtnetlink event      -> slave_link_event(), bond_set_admin(), addresses
 *   timerfd              -> engine_tick()        (armed at the engine's deadline)
 *   control socket       -> ctl_server_run()     (its own epoll fd, nonblocking)
 *   signalfd TERM/INT    -> give every slave back, remove every bond, exit
 *
 * Every frame crosses with its 10-byte virtio-net header (TAP and packet
 * sockets both speak it), so 64 KB GSO frames and partial checksums pass
 * through untouched; the engine sees the Ethernet frame and carries the
 * header as opaque "meta". */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "config/conf.h"
#include "core/opt.h"
#include "ctl/ctl_backend.h"
#include "ctl/ctl_server.h"
#include "daemon_conf.h"
#include "linux/ethtool.h"
#include "linux/hide.h"
#include "linux/mcast_proc.h"
#include "linux/packet.h"
#include "linux/rtnl.h"
#include "linux/slave_state.h"
#include "linux/tap.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000     /* linux/if.h; clashes with net/if.h */
#endif

#define MAX_FRAME   (65536 + 14 + 4)
#define BATCH       32      /* frames per TAP read burst / recvmmsg */
#define SLOT        (VNET_HDR_LEN + MAX_FRAME)
#define MAX_BONDS   256

enum ep_kind { EP_TAP, EP_PACKET, EP_RTNL, EP_TIMER, EP_SIGNAL, EP_CTL };

struct ep_item {
	enum ep_kind kind;
	void *obj;
};

struct dbond;

struct dslave {
	struct ep_item ep;
	struct dbond *db;
	struct slave *s;
	int ifindex;
	int fd;
	char name[IFNAMSIZ];
	struct slave_saved saved;
	/* Frames queued during a TAP burst, sent with one sendmmsg(). */
	struct mmsghdr tx_msg[BATCH];
	struct iovec tx_iov[BATCH];
	unsigned tx_n;
	struct dslave *tx_next;     /* list of slaves with queued frames */
	bool tx_listed;
	bool promisc;               /* our PACKET_MR_PROMISC membership is on */
};

struct dbond {
	struct ep_item ep;
	struct daemon *d;
	struct bond *b;
	int tap_fd;
	int ifindex;
	unsigned mtu;
	bool promisc;               /* the bond device is promiscuous */
	/* MACs we gave the TAP lately: their rtnetlink echoes are ours, any
	 * other new address is the admin's (ip link set bond0 address). */
	uint8_t set_macs[4][6];
	unsigned n_set_macs;
	char name[IFNAMSIZ];
	struct dslave *slaves[BOND_MAX_SLAVES];
	unsigned n_slaves;
};

struct daemon {
	struct engine *e;
	struct rtnl *rtnl;
	int epfd, tfd, sfd;
	struct ep_item ep_rtnl, ep_timer, ep_signal, ep_ctl;
	struct ctl_server *ctl;     /* the control socket and its clients */
	struct ctl_backend ctl_be;  /* what the control commands call */
	bool use_syslog;
	bool stop;
	struct dbond *bonds[MAX_BONDS];
	unsigned n_bonds;
	/* Burst buffers, allocated on first use so an idle daemon stays small:
	 * frames read from a TAP stay in place until the burst is flushed. */
	uint8_t *txbuf;             /* BATCH slots */
	uint8_t *rxbuf;             /* BATCH slots */
	bool in_burst;
	struct dslave *tx_pending;
	/* configuration source and the configuration applied last */
	bool has_conf_src;
	char conf_format[16];
	char conf_path[4096];
	char conf_modprobe[4096];
	struct conf *conf;
};

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

static void dlog(struct daemon *d, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void dlog(struct daemon *d, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (d->use_syslog) {
		vsyslog(level, fmt, ap);
	} else {
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

void daemon_log(struct daemon *d, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	dlog(d, LOG_INFO, "%s", line);
}

static int ep_add(struct daemon *d, int fd, struct ep_item *it)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = it };

	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev);
}

static void ep_del(struct daemon *d, int fd)
{
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, fd, NULL);
}

static struct dbond *find_dbond(struct daemon *d, const char *name)
{
	for (unsigned i = 0; i < d->n_bonds; i++)
		if (!strcmp(d->bonds[i]->name, name))
			return d->bonds[i];
	return NULL;
}

static struct dslave *find_dslave_by_index(struct daemon *d, int ifindex)
{
	for (unsigned i = 0; i < d->n_bonds; i++)
		for (unsigned j = 0; j < d->bonds[i]->n_slaves; j++)
			if (d->bonds[i]->slaves[j]->ifindex == ifindex)
				return d->bonds[i]->slaves[j];
	return NULL;
}

static struct dbond *find_dbond_by_index(struct daemon *d, int ifindex)
{
	for (unsigned i = 0; i < d->n_bonds; i++)
		if (d->bonds[i]->ifindex == ifindex)
			return d->bonds[i];
	return NULL;
}

/* ---- engine actions --------------------------------------------------- */

static const uint8_t zero_vnet[VNET_HDR_LEN];

static void flush_slave(struct dslave *ds)
{
	unsigned done = 0;

	while (done < ds->tx_n) {
		int n = sendmmsg(ds->fd, ds->tx_msg + done, ds->tx_n - done, MSG_DONTWAIT);

		if (n <= 0) {
			/* A full queue drops the rest, as a NIC queue would;
			 * TCP recovers and the loop never blocks. */
			ds->s->stats.tx_dropped += ds->tx_n - done;
			break;
		}
		done += (unsigned)n;
	}
	ds->tx_n = 0;
}

static void flush_all(struct daemon *d)
{
	while (d->tx_pending) {
		struct dslave *ds = d->tx_pending;

		d->tx_pending = ds->tx_next;
		ds->tx_next = NULL;
		ds->tx_listed = false;
		flush_slave(ds);
	}
}

/* True when frame sits in a TAP burst slot, preceded by its own virtio
 * header: such a frame stays valid until the burst is flushed. */
static bool in_burst_slot(const struct daemon *d, const uint8_t *frame, const void *meta)
{
	const uint8_t *m = meta;

	return d->in_burst && d->txbuf && m == frame - VNET_HDR_LEN &&
	       m >= d->txbuf && m < d->txbuf + (size_t)BATCH * SLOT;
}

static void act_tx(void *ctx, struct slave *s, const uint8_t *frame, size_t len,
		   const void *meta)
{
	struct daemon *d = ctx;
	struct dslave *ds = s->io;
	struct iovec iov[2] = {
		{ .iov_base = (void *)(meta ? meta : zero_vnet), .iov_len = VNET_HDR_LEN },
		{ .iov_base = (void *)frame, .iov_len = len },
	};

	if (in_burst_slot(d, frame, meta)) {
		struct mmsghdr *m;

		if (ds->tx_n == BATCH)
			flush_slave(ds);
		m = &ds->tx_msg[ds->tx_n];
		ds->tx_iov[ds->tx_n].iov_base = (void *)meta;
		ds->tx_iov[ds->tx_n].iov_len = VNET_HDR_LEN + len;
		memset(m, 0, sizeof(*m));
		m->msg_hdr.msg_iov = &ds->tx_iov[ds->tx_n];
		m->msg_hdr.msg_iovlen = 1;
		ds->tx_n++;
		if (!ds->tx_listed) {
			ds->tx_listed = true;
			ds->tx_next = d->tx_pending;
			d->tx_pending = ds;
		}
		return;
	}
	/* Frames the engine made or rewrote leave at once, after whatever
	 * this slave already has queued, so their order is kept. */
	if (ds->tx_n)
		flush_slave(ds);
	if (writev(ds->fd, iov, 2) < 0)
		s->stats.tx_dropped++;
}

static void act_deliver(void *ctx, struct bond *b, const uint8_t *frame, size_t len,
			const void *meta)
{
	struct dbond *db = b->io;
	struct iovec iov[2] = {
		{ .iov_base = (void *)(meta ? meta : zero_vnet), .iov_len = VNET_HDR_LEN },
		{ .iov_base = (void *)frame, .iov_len = len },
	};

	if (writev(db->tap_fd, iov, 2) < 0) {
		/* EIO while the TAP is down: the host is not listening. */
	}
}

static void act_set_slave_mac(void *ctx, struct slave *s, const uint8_t mac[6])
{
	struct daemon *d = ctx;
	struct dslave *ds = s->io;
	struct err err = { 0 };

	if (!ds)
		return;
	if (rtnl_link_set_mac(d->rtnl, ds->ifindex, mac, &err) < 0)
		dlog(d, LOG_ERR, "%s: (slave %s): cannot set MAC address: %s",
		     s->bond->name, s->name, err.msg);
}

static void act_set_bond_mac(void *ctx, struct bond *b, const uint8_t mac[6])
{
	struct daemon *d = ctx;
	struct dbond *db = b->io;
	struct err err = { 0 };

	if (!db)
		return;
	memcpy(db->set_macs[db->n_set_macs++ % ARRAY_SIZE(db->set_macs)], mac, 6);
	if (rtnl_link_set_mac(d->rtnl, db->ifindex, mac, &err) < 0)
		dlog(d, LOG_ERR, "%s: cannot set MAC address: %s", b->name, err.msg);
}

static void act_set_carrier(void *ctx, struct bond *b, bool up)
{
	struct dbond *db = b->io;
	int rc;

	if (!db)
		return;
	rc = tap_set_carrier(db->tap_fd, up);
	if (rc < 0)
		dlog(ctx, LOG_ERR, "%s: cannot set carrier: %s", b->name, strerror(-rc));
}

static void act_log(void *ctx, int level, const char *line)
{
	dlog(ctx, level, "%s", line);
}

/* resend_igmp: the host stack's memberships on the bond device. */
static void act_mcast_groups(void *ctx, struct bond *b, struct mcast_groups *out)
{
	struct dbond *db = b->io;

	(void)ctx;
	mcast_read(db->ifindex, db->name, out);
}

static const struct engine_ops daemon_ops = {
	.tx = act_tx,
	.deliver = act_deliver,
	.set_slave_mac = act_set_slave_mac,
	.set_bond_mac = act_set_bond_mac,
	.set_carrier = act_set_carrier,
	.log = act_log,
	.mcast_groups = act_mcast_groups,
};

/* ---- bonds ------------------------------------------------------------ */

static void refresh_bond_addrs(struct daemon *d, struct dbond *db)
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

int daemon_bond_create(struct daemon *d, const char *name, unsigned nopts,
		       const char *const names[], const char *const values[],
		       struct err *err)
{
	struct rtnl_link link;
	struct dbond *db;
	struct bond *b;
	uint64_t now = daemon_now(d);

	if (d->n_bonds >= MAX_BONDS) {
		err_set(err, -ENOSPC, "too many bonds");
		return -ENOSPC;
	}
	if (find_dbond(d, name)) {
		err_set(err, -EEXIST, "bonding: %s already exists", name);
		return -EEXIST;
	}
	if (if_nametoindex(name)) {
		err_set(err, -EEXIST, "%s: a network device of that name already exists", name);
		return -EEXIST;
	}
	b = engine_bond_new(d->e, name, err);
	if (!b)
		return err->code ? err->code : -EINVAL;
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
	/* The TAP's random address is not the admin's choice. */
	memcpy(db->set_macs[db->n_set_macs++], link.mac, 6);
	tap_set_carrier(db->tap_fd, false);
	if (ep_add(d, db->tap_fd, &db->ep) < 0) {
		err_set(err, -errno, "%s: epoll: %s", name, strerror(errno));
		goto fail_tap;
	}
	b->io = db;
	d->bonds[d->n_bonds++] = db;
	if (rtnl_link_set_flags(d->rtnl, db->ifindex, IFF_UP, IFF_UP, err) < 0) {
		daemon_bond_delete(d, name, NULL);
		return err->code ? err->code : -EIO;
	}
	bond_set_admin(b, true, now);
	refresh_bond_addrs(d, db);
	dlog(d, LOG_INFO, "bonding: %s is being created...", name);
	return 0;

fail_tap:
	tap_close(db->tap_fd);
fail_db:
	free(db);
fail_bond:
	engine_bond_free(d->e, b, now);
	return err->code ? err->code : -EINVAL;
}

static void release_one(struct daemon *d, struct dbond *db, struct dslave *ds, bool restore)
{
	struct err err = { 0 };
	unsigned i;

	bond_release(db->b, ds->s, daemon_now(d));
	if (ds->tx_n)
		flush_slave(ds);
	if (ds->tx_listed) {
		struct dslave **pp = &d->tx_pending;

		while (*pp && *pp != ds)
			pp = &(*pp)->tx_next;
		if (*pp)
			*pp = ds->tx_next;
	}
	ep_del(d, ds->fd);
	packet_close(ds->fd);
	if (restore && slave_state_restore(d->rtnl, &ds->saved, &err) < 0)
		dlog(d, LOG_ERR, "%s: (slave %s): restoring the device failed: %s",
		     db->name, ds->name, err.msg);
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

static void bond_destroy(struct daemon *d, struct dbond *db, bool tap_gone)
{
	unsigned i;

	while (db->n_slaves)
		release_one(d, db, db->slaves[db->n_slaves - 1], true);
	ep_del(d, db->tap_fd);
	tap_close(db->tap_fd);
	engine_bond_free(d->e, db->b, daemon_now(d));
	for (i = 0; i < d->n_bonds; i++)
		if (d->bonds[i] == db)
			break;
	if (i < d->n_bonds) {
		memmove(&d->bonds[i], &d->bonds[i + 1], (d->n_bonds - i - 1) * sizeof(d->bonds[0]));
		d->n_bonds--;
	}
	dlog(d, LOG_INFO, "bonding: %s %s", db->name, tap_gone ? "was removed" : "is being deleted...");
	free(db);
}

int daemon_bond_delete(struct daemon *d, const char *name, struct err *err)
{
	struct dbond *db = find_dbond(d, name);

	if (!db) {
		err_set(err, -ENODEV, "%s: no such bond", name);
		return -ENODEV;
	}
	bond_destroy(d, db, false);
	return 0;
}

/* ---- slaves ----------------------------------------------------------- */

static void read_link_info(const struct rtnl_link *l, struct link_info *li)
{
	li->running = l->flags & IFF_UP;
	li->carrier = (l->flags & IFF_LOWER_UP) && (l->flags & IFF_UP);
	ethtool_link(l->name, &li->speed, &li->duplex);
}

int daemon_enslave(struct daemon *d, const char *bond, const char *ifname, struct err *err)
{
	struct dbond *db = find_dbond(d, bond);
	struct rtnl_link link;
	struct link_info li;
	struct dslave *ds;
	uint64_t now;

	if (!db) {
		err_set(err, -ENODEV, "%s: no such bond", bond);
		return -ENODEV;
	}
	if (find_dbond(d, ifname)) {
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
	ds = calloc(1, sizeof(*ds));
	if (!ds) {
		err_set(err, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	ds->ep.kind = EP_PACKET;
	ds->ep.obj = ds;
	ds->db = db;
	ds->ifindex = link.ifindex;
	ds->fd = -1;
	snprintf(ds->name, sizeof(ds->name), "%s", ifname);

	/* Acquire in order; on failure give back what was taken. */
	if (slave_state_save(d->rtnl, ifname, &ds->saved, err) < 0)
		goto fail_free;
	if (hide_slave(d->rtnl, ds->ifindex, &ds->saved.hide, err) < 0)
		goto fail_restore;
	if (ds->saved.disable_ipv6 == 0)
		sysctl_disable_ipv6_set(ifname, 1);
	if (db->mtu && link.mtu != db->mtu &&
	    rtnl_link_set_mtu(d->rtnl, ds->ifindex, db->mtu, err) < 0)
		goto fail_restore;
	if (!(link.flags & IFF_UP) &&
	    rtnl_link_set_flags(d->rtnl, ds->ifindex, IFF_UP, IFF_UP, err) < 0)
		goto fail_restore;
	ds->fd = packet_open(ds->ifindex, err);
	if (ds->fd < 0)
		goto fail_restore;
	if (rtnl_link_get_index(d->rtnl, ds->ifindex, &link, err) < 0)
		goto fail_restore;
	read_link_info(&link, &li);
	now = daemon_now(d);
	ds->s = bond_enslave(db->b, ifname, link.mac, &li, ds, now, err);
	if (!ds->s)
		goto fail_restore;
	if (ep_add(d, ds->fd, &ds->ep) < 0) {
		err_set(err, -errno, "%s: (slave %s): epoll: %s", bond, ifname, strerror(errno));
		bond_release(db->b, ds->s, now);
		goto fail_restore;
	}
	db->slaves[db->n_slaves++] = ds;
	return 0;

fail_restore:
	if (ds->fd >= 0)
		packet_close(ds->fd);
	slave_state_restore(d->rtnl, &ds->saved, NULL);
fail_free:
	free(ds);
	return err->code ? err->code : -EIO;
}

int daemon_release(struct daemon *d, const char *bond, const char *ifname, struct err *err)
{
	struct dbond *db = find_dbond(d, bond);

	if (!db) {
		err_set(err, -ENODEV, "%s: no such bond", bond);
		return -ENODEV;
	}
	for (unsigned i = 0; i < db->n_slaves; i++)
		if (!strcmp(db->slaves[i]->name, ifname)) {
			release_one(d, db, db->slaves[i], true);
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
	struct dbond *db = find_dbond(d, bond);

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
	struct dbond *db = find_dbond(d, bond);

	if (!db)
		return;
	db->b->mac_set_by_user = true;
	db->b->mac_random = false;
	bond_set_mac(db->b, mac);
}

/* ---- configuration ---------------------------------------------------- */

int daemon_load_config(struct daemon *d, const struct daemon_conf_src *src,
		       struct strbuf *msgs, struct err *err)
{
	struct conf *c;

	snprintf(d->conf_format, sizeof(d->conf_format), "%s", src->format);
	snprintf(d->conf_path, sizeof(d->conf_path), "%s", src->path);
	snprintf(d->conf_modprobe, sizeof(d->conf_modprobe), "%s",
		 src->modprobe ? src->modprobe : "");
	d->has_conf_src = true;
	c = daemon_conf_load(src, msgs);
	if (!c) {
		err_set(err, -EINVAL, "%s: configuration refused, nothing applied", src->path);
		return -EINVAL;
	}
	if (daemon_conf_apply(d, NULL, c, err) < 0) {
		conf_free(c);
		return err->code ? err->code : -EIO;
	}
	d->conf = c;
	return 0;
}

int daemon_reload(struct daemon *d, struct strbuf *msgs, struct err *err)
{
	struct daemon_conf_src src = {
		.format = d->conf_format,
		.path = d->conf_path,
		.modprobe = d->conf_modprobe[0] ? d->conf_modprobe : NULL,
	};
	struct conf *c;
	int rc;

	if (!d->has_conf_src) {
		err_set(err, -ENOENT, "bondd was started without a configuration (-c FILE or --from FORMAT PATH): nothing to reload");
		return -ENOENT;
	}
	c = daemon_conf_load(&src, msgs);
	if (!c) {
		err_set(err, -EINVAL, "%s: configuration refused, nothing changed", d->conf_path);
		return -EINVAL;
	}
	rc = daemon_conf_apply(d, d->conf, c, err);
	/* Even a partly applied reload is what now stands: remember it so
	 * the next reload compares against it. */
	conf_free(d->conf);
	d->conf = c;
	dlog(d, LOG_INFO, "bondd: configuration %s %s", d->conf_path,
	     rc < 0 ? "partly applied" : "reloaded");
	return rc;
}

/* ---- OS events -------------------------------------------------------- */

static bool ensure_bufs(struct daemon *d)
{
	if (!d->txbuf)
		d->txbuf = malloc((size_t)BATCH * SLOT);
	if (!d->rxbuf)
		d->rxbuf = malloc((size_t)BATCH * SLOT);
	return d->txbuf && d->rxbuf;
}

/* Host -> bond: read a burst of frames from the TAP (one read each: a TAP
 * has no batched read), let the engine pick slaves, then send each slave's
 * share with one sendmmsg(). */
static void on_tap(struct daemon *d, struct dbond *db)
{
	uint64_t now = daemon_now(d);

	if (!ensure_bufs(d))
		return;
	d->in_burst = true;
	for (int i = 0; i < BATCH; i++) {
		uint8_t *slot = d->txbuf + (size_t)i * SLOT;
		ssize_t n = read(db->tap_fd, slot, SLOT);

		if (n < 0) {
			if (errno == EBADFD || errno == EIO)
				ep_del(d, db->tap_fd);   /* the device went away */
			break;
		}
		if (n <= VNET_HDR_LEN)
			continue;
		bond_xmit(db->b, slot + VNET_HDR_LEN, (size_t)n - VNET_HDR_LEN, slot, now);
	}
	d->in_burst = false;
	flush_all(d);
}

/* Slave -> bond: one recvmmsg() for a burst, each frame handed to the
 * engine, which writes the accepted ones to the TAP. */
static void on_packet(struct daemon *d, struct dslave *ds)
{
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	uint64_t now;
	int n;

	if (!ensure_bufs(d))
		return;
	memset(msg, 0, sizeof(msg));
	for (int i = 0; i < BATCH; i++) {
		iov[i].iov_base = d->rxbuf + (size_t)i * SLOT;
		iov[i].iov_len = SLOT;
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
	}
	n = recvmmsg(ds->fd, msg, BATCH, MSG_DONTWAIT | MSG_TRUNC, NULL);
	if (n <= 0)
		return;
	now = daemon_now(d);
	for (int i = 0; i < n; i++) {
		uint8_t *slot = iov[i].iov_base;
		size_t len = msg[i].msg_len;

		if (len <= VNET_HDR_LEN || len > SLOT || (msg[i].msg_hdr.msg_flags & MSG_TRUNC)) {
			ds->s->stats.rx_dropped++;    /* runt or truncated */
			continue;
		}
		slave_receive(ds->s, slot + VNET_HDR_LEN, len - VNET_HDR_LEN, slot, now);
	}
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

static void on_rtnl_event(const struct rtnl_event *ev, void *arg)
{
	struct daemon *d = arg;
	uint64_t now = daemon_now(d);
	struct dslave *ds;
	struct dbond *db;

	switch (ev->type) {
	case RTNL_EV_NEWLINK:
		ds = find_dslave_by_index(d, ev->link.ifindex);
		if (ds) {
			struct link_info li;

			read_link_info(&ev->link, &li);
			if (li.running != ds->s->os.running || li.carrier != ds->s->os.carrier ||
			    li.speed != ds->s->os.speed || li.duplex != ds->s->os.duplex)
				slave_link_event(ds->s, &li, now);
			return;
		}
		db = find_dbond_by_index(d, ev->link.ifindex);
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
						dlog(d, LOG_ERR, "%s: (slave %s): cannot set MTU %u: %s",
						     db->name, db->slaves[i]->name, db->mtu, err.msg);
				}
			}
		}
		return;
	case RTNL_EV_DELLINK:
		ds = find_dslave_by_index(d, ev->link.ifindex);
		if (ds) {
			dlog(d, LOG_WARNING, "%s: (slave %s): device removed, releasing it",
			     ds->db->name, ds->name);
			release_one(d, ds->db, ds, false);
			return;
		}
		db = find_dbond_by_index(d, ev->link.ifindex);
		if (db)
			bond_destroy(d, db, true);
		return;
	case RTNL_EV_NEWADDR:
	case RTNL_EV_DELADDR:
		db = find_dbond_by_index(d, ev->addr.ifindex);
		if (db)
			refresh_bond_addrs(d, db);
		return;
	}
}

/* Promiscuity follows the bond's as in the kernel: to every slave in the
 * load-balancing modes, to the active slave only where there is one (and it
 * moves on failover). Re-checked after every batch of events. */
static void sync_promisc(struct daemon *d)
{
	for (unsigned i = 0; i < d->n_bonds; i++) {
		struct dbond *db = d->bonds[i];
		bool one = bond_mode_uses_primary(db->b->params.mode);

		for (unsigned j = 0; j < db->n_slaves; j++) {
			struct dslave *ds = db->slaves[j];
			bool want = db->promisc && (!one || ds->s == db->b->active);

			if (want != ds->promisc &&
			    packet_set_promisc(ds->fd, ds->ifindex, want) == 0)
				ds->promisc = want;
		}
	}
}

static void arm_timer(struct daemon *d)
{
	uint64_t now = daemon_now(d), next, ctl_next;
	struct itimerspec its = { 0 };

	/* Control clients past their deadline are answered or dropped. */
	if (ctl_server_deadline(d->ctl) <= now)
		ctl_server_run(d->ctl, now);
	next = engine_tick(d->e, now);
	ctl_next = ctl_server_deadline(d->ctl);
	if (ctl_next < next)
		next = ctl_next;

	sync_promisc(d);

	if (next != UINT64_MAX) {
		if (next == 0)
			next = 1;
		its.it_value.tv_sec = (time_t)(next / 1000);
		its.it_value.tv_nsec = (long)(next % 1000) * 1000000;
	}
	timerfd_settime(d->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* ---- the control commands' backend ------------------------------------ */

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

static const struct ctl_backend_ops daemon_ctl_ops = {
	.engine = be_engine,
	.now = be_now,
	.bond_create = be_bond_create,
	.bond_delete = be_bond_delete,
	.enslave = be_enslave,
	.release = be_release,
	.set = be_set,
	.reload = be_reload,
};

/* ---- life cycle ------------------------------------------------------- */

struct daemon *daemon_new(const char *ctl_path, bool use_syslog, struct err *err)
{
	struct daemon *d = calloc(1, sizeof(*d));
	sigset_t mask;

	if (!d) {
		err_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	d->epfd = d->tfd = d->sfd = -1;
	d->use_syslog = use_syslog;
	d->ctl_be = (struct ctl_backend){ &daemon_ctl_ops, d };
	d->e = engine_new(&daemon_ops, d);
	if (!d->e) {
		err_set(err, -ENOMEM, "out of memory");
		goto fail;
	}
	d->rtnl = rtnl_open(true, err);
	if (!d->rtnl)
		goto fail;
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	d->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	d->sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->epfd < 0 || d->tfd < 0 || d->sfd < 0) {
		err_set(err, -errno, "cannot set up the event loop: %s", strerror(errno));
		goto fail;
	}
	d->ctl = ctl_server_new(ctl_path, &d->ctl_be, err);
	if (!d->ctl)
		goto fail;
	d->ep_rtnl = (struct ep_item){ EP_RTNL, d };
	d->ep_timer = (struct ep_item){ EP_TIMER, d };
	d->ep_signal = (struct ep_item){ EP_SIGNAL, d };
	d->ep_ctl = (struct ep_item){ EP_CTL, d };
	if (ep_add(d, rtnl_event_fd(d->rtnl), &d->ep_rtnl) < 0 ||
	    ep_add(d, d->tfd, &d->ep_timer) < 0 || ep_add(d, d->sfd, &d->ep_signal) < 0 ||
	    ep_add(d, ctl_server_fd(d->ctl), &d->ep_ctl) < 0) {
		err_set(err, -errno, "epoll: %s", strerror(errno));
		goto fail;
	}
	return d;
fail:
	daemon_free(d);
	return NULL;
}

void daemon_shutdown(struct daemon *d)
{
	while (d->n_bonds)
		bond_destroy(d, d->bonds[d->n_bonds - 1], false);
}

void daemon_free(struct daemon *d)
{
	if (!d)
		return;
	daemon_shutdown(d);
	ctl_server_free(d->ctl);
	if (d->sfd >= 0)
		close(d->sfd);
	if (d->tfd >= 0)
		close(d->tfd);
	if (d->epfd >= 0)
		close(d->epfd);
	if (d->rtnl)
		rtnl_close(d->rtnl);
	engine_free(d->e);
	conf_free(d->conf);
	free(d->txbuf);
	free(d->rxbuf);
	free(d);
}

int daemon_run(struct daemon *d)
{
	struct epoll_event evs[32];

	arm_timer(d);
	while (!d->stop) {
		int n = epoll_wait(d->epfd, evs, ARRAY_SIZE(evs), -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			dlog(d, LOG_ERR, "epoll_wait: %s", strerror(errno));
			return -1;
		}
		for (int i = 0; i < n && !d->stop; i++) {
			struct ep_item *it = evs[i].data.ptr;

			switch (it->kind) {
			case EP_TAP:
				on_tap(d, it->obj);
				break;
			case EP_PACKET:
				on_packet(d, it->obj);
				break;
			case EP_RTNL:
				rtnl_read_events(d->rtnl, on_rtnl_event, d);
				/* A destroyed bond/slave may still have events
				 * in this batch: start a new one. */
				n = i + 1;
				break;
			case EP_TIMER: {
				uint64_t exp;

				if (read(d->tfd, &exp, sizeof(exp)) < 0) {
					/* spurious wakeup */
				}
				break;
			}
			case EP_SIGNAL: {
				struct signalfd_siginfo si;

				if (read(d->sfd, &si, sizeof(si)) != sizeof(si))
					break;
				if (si.ssi_signo == SIGHUP) {
					/* the traditional "re-read your configuration" */
					struct strbuf msgs;
					struct err e = { 0 };

					sb_init(&msgs);
					if (daemon_reload(d, &msgs, &e) < 0)
						dlog(d, LOG_ERR, "bondd: SIGHUP: %s", e.msg);
					if (msgs.len)
						dlog(d, LOG_WARNING, "%s", sb_str(&msgs));
					sb_free(&msgs);
					n = i + 1;
					break;
				}
				dlog(d, LOG_INFO, "bondd: signal %u, giving every slave back",
				     si.ssi_signo);
				d->stop = true;
				break;
			}
			case EP_CTL:
				ctl_server_run(d->ctl, daemon_now(d));
				/* The command may have freed objects of this batch. */
				n = i + 1;
				break;
			}
		}
		arm_timer(d);
	}
	return 0;
}
