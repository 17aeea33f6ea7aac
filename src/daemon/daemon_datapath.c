/* The data path: frames between the bonds' TAP devices and the slaves'
 * packet sockets, in bursts, and the engine's actions on the OS (the
 * engine_ops table): send on a slave, deliver to the host, and the device
 * changes it asks for (MAC addresses, carrier, multicast memberships); and
 * the packet data path's table (datapath.h), whose frames are these.
 *
 * Every frame crosses with its 10-byte virtio-net header (TAP and packet
 * sockets both speak it), so 64 KB GSO frames and partial checksums pass
 * through untouched; the engine sees the Ethernet frame and carries the
 * header as opaque "meta". */
#include "daemon.h"

#include <errno.h>
#include <stdarg.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "ctl/ctl_monitor.h"
#include "ctl/ctl_server.h"
#include "daemon_impl.h"
#include "linux/hide.h"
#include "linux/mcast_proc.h"
#include "linux/rtnl.h"
#include "linux/tap.h"
#include "lib/bytes.h"

#include <linux/virtio_net.h>

#define ETH_P_8021Q_ 0x8100     /* linux/if_ether.h clashes with net/ethernet.h */

/* ---- engine actions: frames ------------------------------------------- */

static const uint8_t zero_vnet[VNET_HDR_LEN];

/* ---- failover latency ---------------------------------------------------- */

/* Monotonic microseconds, 0 when the clock cannot be read (the measure is
 * then skipped, never wrong). */
static uint64_t fo_now_us(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

void daemon_failover_mark(struct daemon *d, struct dbond *db, const struct slave *was)
{
	const struct slave *now = db->b->active;
	const struct dslave *ds;

	if (!now || now == was || !now->io)
		return;
	ds = now->io;
	/* The loop's batch began when epoll said rtnetlink was readable:
	 * that is when the event reached us (a command earlier in the batch
	 * clears it; then now is the best we have). */
	db->fo_event_us = d->event_us ? d->event_us : fo_now_us();
	if (!db->fo_event_us)
		return;
	db->fo_ifindex = ds->ifindex;
	db->fo_pending = true;
}

void daemon_failover_done(struct dbond *db)
{
	struct ctl_failover *f = &db->failover;
	uint64_t now, us;
	unsigned i = 0;

	if (!db->fo_pending)
		return;
	now = fo_now_us();
	if (!now || now < db->fo_event_us)
		return;
	db->fo_pending = false;
	us = now - db->fo_event_us;
	while (i < CTL_FAILOVER_BUCKETS - 1 && us >= (16u << i))
		i++;
	f->hist[i]++;
	f->sum_us += us;
	f->count++;
	f->last_us = us >= UINT32_MAX ? UINT32_MAX - 1 : (uint32_t)us;
	if (f->last_us > f->max_us)
		f->max_us = f->last_us;
	/* The change this ends is the newest record (act_event). */
	if (f->n_last)
		f->last[(f->next_last + CTL_FAILOVER_LAST - 1) % CTL_FAILOVER_LAST].us =
			f->last_us;
}

/* A frame left on ds: the first one on a new active slave ends the
 * failover measure (packet data path; on ebpf the map write does). */
static void fo_sent_on(const struct dslave *ds)
{
	struct dbond *db = ds->db;

	if (db && db->fo_pending && !db->ebpf && ds->ifindex == db->fo_ifindex)
		daemon_failover_done(db);
}

void dslave_flush(struct dslave *ds)
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
		if (!done)
			fo_sent_on(ds);
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
		dslave_flush(ds);
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

	daemon_flows_record(ds, frame, len);
	if (in_burst_slot(d, frame, meta)) {
		struct mmsghdr *m;

		if (ds->tx_n == BATCH)
			dslave_flush(ds);
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
		dslave_flush(ds);
	if (writev(ds->fd, iov, 2) < 0)
		s->stats.tx_dropped++;
	else
		fo_sent_on(ds);
}

static void act_deliver(void *ctx, struct bond *b, const uint8_t *frame, size_t len,
			const void *meta)
{
	struct daemon *d = ctx;

	d->dp->deliver(d, b->io, frame, len, meta);
}

/* ---- engine actions: devices ------------------------------------------ */

static void act_set_slave_mac(void *ctx, struct slave *s, const uint8_t mac[6])
{
	struct daemon *d = ctx;
	struct dslave *ds = s->io;
	struct err err = { 0 };

	/* A deleted device has no address to give back (release on removal). */
	if (!ds || ds->gone)
		return;
	if (rtnl_link_set_mac(d->rtnl, ds->ifindex, mac, &err) < 0)
		daemon_logl(d, LOG_ERR, "%s: (slave %s): cannot set MAC address: %s",
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
		daemon_logl(d, LOG_ERR, "%s: cannot set MAC address: %s", b->name, err.msg);
	/* its VLAN devices keep its address, as the kernel's do */
	dvlans_mac(d, db, mac);
}

static void act_set_carrier(void *ctx, struct bond *b, bool up)
{
	struct dbond *db = b->io;
	int rc;

	if (!db)
		return;
	rc = tap_set_carrier(db->tap_fd, up);
	if (rc < 0)
		daemon_logl(ctx, LOG_ERR, "%s: cannot set carrier: %s", b->name, strerror(-rc));
	/* VLAN devices take their real device's carrier */
	dvlans_carrier(ctx, db, up);
}

static void act_log(void *ctx, int level, const char *line)
{
	daemon_logl(ctx, level, "%s", line);
}

/* Wall-clock microseconds for an event's stamp (0 if unreadable). */
static uint64_t wall_us(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Keeps the last changes of active slave for `bondctl stats`; the
 * latency comes when daemon_failover_done() measures it. */
static void record_active(struct dbond *db, const struct bond_event *ev, uint64_t when)
{
	struct ctl_failover *f = &db->failover;
	struct ctl_failover_rec *r = &f->last[f->next_last];
	const char *from = f->n_last ?
		f->last[(f->next_last + CTL_FAILOVER_LAST - 1) % CTL_FAILOVER_LAST].to : "";
	char was[sizeof(r->from)];

	snprintf(was, sizeof(was), "%s", from);
	memset(r, 0, sizeof(*r));
	r->wall_us = when;
	r->us = CTL_FO_US_NONE;
	snprintf(r->from, sizeof(r->from), "%s", was);
	snprintf(r->to, sizeof(r->to), "%s", ev->slave);
	snprintf(r->reason, sizeof(r->reason), "%s", ev->reason);
	f->next_last = (f->next_last + 1) % CTL_FAILOVER_LAST;
	if (f->n_last < CTL_FAILOVER_LAST)
		f->n_last++;
}

/* Hands ev to the monitors; one that fell too far behind is dropped there,
 * and the log says so (its client only sees "dropped: too slow"). */
static void monitors_event(struct daemon *d, const struct bond_event *ev, uint64_t when)
{
	unsigned long dropped = ctl_server_monitors_dropped(d->ctl);

	if (!ctl_server_monitors(d->ctl))
		return;
	ctl_server_event(d->ctl, ev, when, daemon_now(d));
	if (ctl_server_monitors_dropped(d->ctl) != dropped)
		daemon_logl(d, LOG_WARNING, "bondd: a monitor (bondctl monitor) fell %u KiB behind at an event of %s "
			    "and was dropped (its last line: dropped: too slow)",
			    CTL_MONITOR_QUEUE / 1024u, ev->bond);
}

/* What the engine reports goes to the monitors (bondctl monitor), and a
 * change of active slave to the bond's record of failovers. */
static void act_event(void *ctx, const struct bond_event *ev)
{
	struct daemon *d = ctx;
	struct dbond *db = ev->kind == BOND_EV_ACTIVE ? dbond_find(d, ev->bond) : NULL;
	uint64_t when = 0;

	if (db) {
		when = wall_us();
		record_active(db, ev, when);
	}
	monitors_event(d, ev, when ? when : wall_us());
}

void daemon_event(struct daemon *d, const char *bond, enum bond_event_kind kind,
		  const char *state, const char *fmt, ...)
{
	struct bond_event ev = { .kind = kind, .bond = bond, .slave = "", .state = state };
	char reason[600];
	va_list ap;

	if (!ctl_server_monitors(d->ctl))
		return;
	va_start(ap, fmt);
	if (vsnprintf(reason, sizeof(reason), fmt, ap) < 0)
		reason[0] = 0;
	va_end(ap);
	ev.reason = reason;
	monitors_event(d, &ev, wall_us());
}

/* resend_igmp: the host stack's memberships on the bond device. */
static void act_mcast_groups(void *ctx, struct bond *b, struct mcast_groups *out)
{
	struct dbond *db = b->io;

	(void)ctx;
	mcast_read(db->ifindex, db->name, out);
}

/* resend_igmp: a VLAN device's own memberships, which its reports carry
 * tagged (the kernel's 8021q passes NETDEV_RESEND_IGMP on to it). */
static void act_mcast_groups_vlan(void *ctx, struct bond *b, uint16_t vid,
				  struct mcast_groups *out)
{
	struct dbond *db = b->io;
	struct dvlan *dv = db ? dvlan_find(db, vid) : NULL;

	(void)ctx;
	if (dv)
		mcast_read(dv->ifindex, dv->name, out);
	else
		memset(out, 0, sizeof(*out));
}

const struct engine_ops daemon_engine_ops = {
	.tx = act_tx,
	.deliver = act_deliver,
	.set_slave_mac = act_set_slave_mac,
	.set_bond_mac = act_set_bond_mac,
	.set_carrier = act_set_carrier,
	.log = act_log,
	.mcast_groups = act_mcast_groups,
	.mcast_groups_vlan = act_mcast_groups_vlan,
	.event = act_event,
};

/* ---- bursts ----------------------------------------------------------- */

static bool ensure_bufs(struct daemon *d)
{
	if (!d->txbuf)
		d->txbuf = malloc((size_t)BATCH * SLOT);
	if (!d->rxbuf)
		d->rxbuf = malloc((size_t)BATCH * RX_SLOT);
	return d->txbuf && d->rxbuf;
}

/* Host -> bond: read a burst of frames from the TAP (one read each: a TAP
 * has no batched read), let the engine pick slaves, then send each slave's
 * share with one sendmmsg(). */
void daemon_on_tap(struct daemon *d, struct dbond *db)
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
				daemon_ep_del(d, db->tap_fd);   /* the device went away */
			break;
		}
		if (n <= VNET_HDR_LEN)
			continue;
		bond_xmit(db->b, slot + VNET_HDR_LEN, (size_t)n - VNET_HDR_LEN, slot, now);
	}
	d->in_burst = false;
	flush_all(d);
}

/* Host -> VLAN -> bond: a burst from a VLAN sub-interface's TAP. Each frame
 * is read VLAN_TAG_LEN bytes into its slot, so that its virtio header and
 * MACs move down into that room and the 802.1Q tag goes in after the MACs
 * (vlan_tag_insert, which also moves the checksum offset): the payload is
 * never copied. The engine sends it as a frame of a VLAN device stacked on
 * the bond (bond_xmit_vlan: hashed with the tag out of band). */
void daemon_on_vlan_tap(struct daemon *d, struct dvlan *dv)
{
	uint64_t now = daemon_now(d);

	if (!ensure_bufs(d))
		return;
	d->in_burst = true;
	for (int i = 0; i < BATCH; i++) {
		uint8_t *slot = d->txbuf + (size_t)i * SLOT;
		ssize_t n = read(dv->tap_fd, slot + VLAN_TAG_LEN, SLOT - VLAN_TAG_LEN);
		size_t len;

		if (n < 0) {
			if (errno == EBADFD || errno == EIO)
				daemon_ep_del(d, dv->tap_fd);   /* the device went away */
			break;
		}
		if (n <= VNET_HDR_LEN)
			continue;
		len = vlan_tag_insert(slot, VNET_HDR_LEN, (size_t)n - VNET_HDR_LEN, ETH_P_8021Q_,
				      dv->vid);
		if (!len) {
			dv->tx_dropped++;            /* a runt without addresses */
			continue;
		}
		dv->tx_packets++;
		dv->tx_bytes += (size_t)n - VNET_HDR_LEN;
		bond_xmit_vlan(dv->db->b, slot + VNET_HDR_LEN, len, slot, now);
	}
	d->in_burst = false;
	flush_all(d);
}

/* Slave -> bond: one recvmmsg() for a burst, each frame handed to the
 * engine, which writes the accepted ones to the TAP. */
void daemon_on_packet(struct daemon *d, struct dslave *ds)
{
	/* PACKET_AUXDATA: where the kernel says which VLAN tag it took out. */
	union {
		char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
		struct cmsghdr align;
	} aux[BATCH];
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	uint64_t now;
	int n;

	if (!ensure_bufs(d))
		return;
	memset(msg, 0, sizeof(msg));
	for (int i = 0; i < BATCH; i++) {
		iov[i].iov_base = d->rxbuf + (size_t)i * RX_SLOT + VLAN_TAG_LEN;
		iov[i].iov_len = SLOT;
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
		msg[i].msg_hdr.msg_control = aux[i].buf;
		msg[i].msg_hdr.msg_controllen = sizeof(aux[i].buf);
	}
	n = recvmmsg(ds->fd, msg, BATCH, MSG_DONTWAIT | MSG_TRUNC, NULL);
	if (n <= 0)
		return;
	now = daemon_now(d);
	for (int i = 0; i < n; i++) {
		uint8_t *slot = iov[i].iov_base;
		size_t len = msg[i].msg_len;
		uint16_t tpid, tci;

		if (len <= VNET_HDR_LEN || len > SLOT || (msg[i].msg_hdr.msg_flags & MSG_TRUNC)) {
			ds->s->stats.rx_dropped++;    /* runt or truncated */
			continue;
		}
		len -= VNET_HDR_LEN;
		/* The frame goes to the engine exactly as it was on the wire:
		 * a tagged frame must never reach the bond as untagged. */
		if (vlan_tag_from_cmsg(&msg[i].msg_hdr, &tpid, &tci)) {
			slot -= VLAN_TAG_LEN;
			len = vlan_tag_insert(slot, VNET_HDR_LEN, len, tpid, tci);
			if (!len) {
				ds->s->stats.rx_dropped++;
				continue;
			}
		}
		slave_receive(ds->s, slot + VNET_HDR_LEN, len, slot, now);
	}
}

/* ---- the packet data path's table (datapath.h) ------------------------- */

/* A frame the bond accepted with the VID of one of its VLAN devices goes to
 * that device without its tag, as the kernel's vlan_do_receive() hands it
 * up: the tag is left out of the write (three pieces: header, MACs, the
 * rest), so nothing is copied but the 10-byte header, whose checksum
 * offset moves back with the data. */
static void vlan_deliver(struct dvlan *dv, const uint8_t *frame, size_t len, const void *meta)
{
	struct virtio_net_hdr h;
	struct iovec iov[3];

	memcpy(&h, meta ? meta : zero_vnet, sizeof(h));
	if ((h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) && h.csum_start >= 2 * 6 + VLAN_TAG_LEN)
		h.csum_start = (uint16_t)(h.csum_start - VLAN_TAG_LEN);
	if (h.gso_type != VIRTIO_NET_HDR_GSO_NONE && h.hdr_len > VLAN_TAG_LEN)
		h.hdr_len = (uint16_t)(h.hdr_len - VLAN_TAG_LEN);
	iov[0] = (struct iovec){ .iov_base = &h, .iov_len = VNET_HDR_LEN };
	iov[1] = (struct iovec){ .iov_base = (void *)frame, .iov_len = 2 * 6 };
	iov[2] = (struct iovec){ .iov_base = (void *)(frame + 2 * 6 + VLAN_TAG_LEN),
				 .iov_len = len - 2 * 6 - VLAN_TAG_LEN };
	if (writev(dv->tap_fd, iov, 3) < 0) {
		/* EIO while the VLAN device is down: nobody listens */
		dv->rx_dropped++;
		return;
	}
	dv->rx_packets++;
	dv->rx_bytes += len - VLAN_TAG_LEN;
}

static void packet_deliver(struct daemon *d, struct dbond *db, const uint8_t *frame,
			   size_t len, const void *meta)
{
	struct iovec iov[2] = {
		{ .iov_base = (void *)(meta ? meta : zero_vnet), .iov_len = VNET_HDR_LEN },
		{ .iov_base = (void *)frame, .iov_len = len },
	};

	/* 802.1Q tags of a VID with a sub-interface: to it, untagged; any
	 * other tag reaches the bond's own device unchanged. */
	if (db && db->n_vlans && len >= 2 * 6 + VLAN_TAG_LEN + 2 &&
	    get_be16(frame + 12) == ETH_P_8021Q_) {
		struct dvlan *dv = dvlan_find(db, get_be16(frame + 14) & 0xfff);

		if (dv) {
			vlan_deliver(dv, frame, len, meta);
			return;
		}
	}
	if (writev(db->tap_fd, iov, 2) < 0) {
		/* EIO while the TAP is down: the host is not listening. */
	}
}

/* The hiding filter: the slave's frames reach our packet socket (taps run
 * first) and nothing else. */
static int packet_slave_hide(struct daemon *d, struct dslave *ds, struct err *err)
{
	return hide_slave(d->rtnl, ds->ifindex, &ds->saved.hide, err);
}

const struct datapath_ops datapath_packet = {
	.name = "packet",
	.slave_hide = packet_slave_hide,
	.deliver = packet_deliver,
};
