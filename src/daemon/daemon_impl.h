/* What the daemon's files share: the daemon object (struct daemon), its
 * bonds and slaves as the OS sees them (struct dbond, struct dslave), and
 * the functions one file offers the others. Private to src/daemon:
 *
 *   daemon.c           the object, the lifecycle of bonds and slaves
 *   daemon_loop.c      epoll, timerfd, signals, the control server's fd
 *   daemon_datapath.c  frames between TAP and packet sockets, engine actions
 *   daemon_events.c    rtnetlink device events, promiscuity
 *   daemon_ctl.c       the backend the control commands call
 *   daemon_conf.c      applying a configuration
 *   daemon_statusfile.c  the status as files beside the control socket
 *   daemon_cwatch.c    carrier changes at once (BPF watch or poll)
 *   daemon_metrics.c   the metrics endpoint and the node_exporter textfile
 */
#ifndef BONDD_DAEMON_IMPL_H
#define BONDD_DAEMON_IMPL_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "core/bond.h"
#include "core/engine.h"
#include "core/mode.h"
#include "bpf/dp_abi.h"
#include "datapath.h"
#include "ctl/ctl_backend.h"
#include "lib/util.h"
#include "linux/recover.h"
#include "linux/slave_state.h"
#include "linux/tap.h"
#include "linux/vlan_restore.h"

struct cwatch;
struct http_metrics;
struct mtextfile;
struct cwpoll;
struct rtnl_event;
struct rtnl_link;

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000     /* linux/if.h; clashes with net/if.h */
#endif

#define MAX_FRAME   (65536 + 14 + 4)
#define BATCH       32      /* frames per TAP read burst / recvmmsg */
#define SLOT        (VNET_HDR_LEN + MAX_FRAME)
/* A receive slot keeps room in front for the VLAN tag the kernel took out
 * (linux/vlan_restore.h): the header and addresses move into it. */
#define RX_SLOT     (VLAN_TAG_LEN + SLOT)

enum ep_kind { EP_TAP, EP_PACKET, EP_RTNL, EP_TIMER, EP_SIGNAL, EP_CTL, EP_CWATCH, EP_METRICS,
	       EP_VLAN, EP_HINTS };

struct ep_item {
	enum ep_kind kind;
	void *obj;
};

struct dbond;

/* A VLAN sub-interface of a bond (bond0.100): its own TAP, whose frames
 * the data path tags with vid on the way out and untags on the way in. */
struct dvlan {
	struct ep_item ep;
	struct dbond *db;
	uint16_t vid;
	char name[IFNAMSIZ];
	int tap_fd;
	int ifindex;
	unsigned mtu;
	bool adopted;               /* taken over from an earlier bondd */
	/* the MACs we gave the TAP (the bond's, followed): their rtnetlink
	 * echoes are ours (daemon_vlan.c) */
	uint8_t set_mac[6];
	bool admin_up;              /* IFF_UP as rtnetlink said last */
	/* packet data path: frames and bytes the VLAN device received (the
	 * bond accepted them with its VID) and sent (read from its TAP) */
	uint64_t rx_packets, rx_bytes, rx_dropped;
	uint64_t tx_packets, tx_bytes, tx_dropped;
	/* kernel data path: the programs' counters as last read (only their
	 * growth is added to the ones above, which keep the daemon's own) */
	struct dp_vlan_stats kst;
};

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
	bool gone;                  /* the device was deleted: touch it no more */
	bool promisc_err;           /* a promiscuity change failed (logged once) */
	/* kernel data path: the slave's map entry as last written, and its
	 * counters as last read (daemon_ebpf.c) */
	struct dp_slave dp_last;
	bool dp_valid;
	struct dp_slave_stats kst;
	uint16_t listen;            /* the ethertype its socket is bound to */
	/* the fast carrier poll (daemon_cwatch.c): the device's
	 * carrier_changes file and its count as last read */
	bool cw_polled;
	int cw_fd;
	int64_t cw_changes;
	/* carrier hints (daemon_cwatch.c): the device's address is in the
	 * data path's map (or could not be learned: not tried again) */
	bool dev_set;
	bool dev_ok;
	/* bondctl flows (daemon_flows.c): the tx counters at the start of
	 * the open window, their growth over the last finished one, and
	 * whether the slave was there for all of it */
	uint64_t fl_mark_bytes, fl_mark_frames;
	uint64_t fl_last_bytes, fl_last_frames;
	bool fl_marked, fl_last_valid;
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
	struct dvlan *vlans[BOND_MAX_VLANS];   /* in the order added */
	unsigned n_vlans;
	/* kernel data path (NULL on the packet data path): the object, the
	 * configuration and buckets as last written, the unbalanced bytes
	 * already given to the engine, and how long map updates took */
	struct dp_ebpf *ebpf;
	bool adopted;               /* taken over from an earlier bondd */
	uint64_t adopt_hold_until_ms;
	struct dp_cfg cfg;
	bool cfg_valid;
	uint32_t buckets[DP_TLB_BUCKETS];
	uint32_t queue_ifx[DP_MAX_QUEUES];  /* dp_queue as last written */
	bool queue_valid;
	uint64_t unbalanced_seen;
	uint64_t dp_updates;
	uint32_t dp_last_us, dp_max_us;
	/* carrier hints (daemon_cwatch.c): the ring in the loop (obj set
	 * while it is), the records read and those that changed a carrier;
	 * the frames counted at the poll's last look (all, and sent) */
	struct ep_item hint_ep;
	uint64_t hints_rx, hints_acted;
	uint64_t cw_frames, cw_tx_frames;
	/* failover latency (daemon_datapath.c): the histogram, and the
	 * failover being timed: the event's time and the new active slave */
	struct ctl_failover failover;
	bool fo_pending;
	int fo_ifindex;
	uint64_t fo_event_us;
	/* bondctl flows (daemon_flows.c): the windows (allocated once, at
	 * the first loop turn of the bond), and what dp_flowctl holds (ebpf) */
	struct flow_rec *flows;
	struct dp_flowctl flowctl;
	bool flowctl_valid;
	bool flows_failed;          /* said once: no table, or no map write */
	/* the wall clock (ms since the epoch) when the open window and the
	 * last finished one started */
	uint64_t fl_open_wall_ms, fl_last_wall_ms;
};

/* A slave the configuration names that is not enslaved (missing at start,
 * deleted, renamed away): enslaved when a device of that name appears
 * (daemon_events.c). */
struct dpending {
	char bond[IFNAMSIZ];
	char name[IFNAMSIZ];
	/* The device of that name that could not be enslaved: not retried
	 * (one error, no spam) until another device takes the name. */
	int failed_ifindex;
};

#define DAEMON_MAX_PENDING 128

struct daemon {
	struct engine *e;
	/* the data path of every bond (daemon_ebpf.c), the time of the event
	 * being handled (for the map update latency), the plan being written */
	const struct datapath_ops *dp;
	uint64_t event_us;
	uint64_t account_next_ms;  /* next tlb/alb byte count to the engine */
	struct tx_plan plan;
	struct rtnl *rtnl;
	int epfd, tfd, sfd;
	struct ep_item ep_rtnl, ep_timer, ep_signal, ep_ctl;
	/* the carrier watch (daemon_cwatch.c; NULL: rtnetlink and the
	 * miimon poll only) and our network namespace's inode */
	struct cwatch *cw;
	struct ep_item cw_ep;
	uint64_t cw_netns;
	/* BONDD_CARRIER_WATCH=tick: a slave's carrier change waits for the
	 * next miimon read, as in the kernel's driver (for comparisons) */
	bool cw_tick_only;
	/* BONDD_CARRIER_WATCH=poll-only: the poll without the carrier hints */
	bool cw_no_hints;
	/* without BPF: the fast carrier poll and how many slaves it reads;
	 * it ticks only while the bonds carry traffic (daemon_cwatch_busy;
	 * each bond keeps its frames counted at the last look): when to
	 * look again, and until when the poll stays on */
	struct cwpoll *cwp;
	unsigned cw_polled;
	uint64_t cw_look_ms;
	uint64_t cw_busy_until_ms;
	/* the poll ticks slowly (daemon_cwatch.c): the carrier hints cover
	 * every bond that carries traffic */
	bool cw_slow;
	struct ctl_server *ctl;     /* the control socket and its clients */
	struct ctl_backend ctl_be;  /* what the control commands call */
	bool use_syslog;
	bool stop;
	bool handover;              /* stop for `bondctl upgrade`: leave everything */
	struct dbond *bonds[BOND_MAX_BONDS];
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
	/* crash safety: the namespace lock (held for the daemon's life), the
	 * namespace's slave journal, and the test-only crash point */
	int lock_fd;
	struct recover_ns ns;
	char crash_at[64];          /* BONDD_CRASH_AT's point name, or "" */
	unsigned crash_nth;         /* SIGKILL on this passage of the point */
	/* configured slaves waiting for their device */
	struct dpending pending[DAEMON_MAX_PENDING];
	unsigned n_pending;
	/* sd_notify watchdog: ping every wd_interval_ms (0: off) */
	uint64_t wd_interval_ms;
	uint64_t wd_next_ms;
	/* timerfd_settime() failed: epoll_wait() times out instead, at the
	 * loop's next deadline (next_ms) */
	bool timer_broken;
	uint64_t next_ms;
	/* the /proc-layout status files (daemon_statusfile.c) */
	struct statusfiles *sf;
	/* bondd --metrics and --metrics-textfile (daemon_metrics.c; NULL: off) */
	struct http_metrics *metrics;
	struct ep_item ep_metrics;
	struct mtextfile *mtf;
};

/* ---- daemon.c: the object, bonds and slaves --------------------------- */

/* One log line at a syslog level (stderr or syslog). */
void daemon_logl(struct daemon *d, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct dbond *dbond_find(struct daemon *d, const char *name);
struct dbond *dbond_find_by_index(struct daemon *d, int ifindex);
struct dslave *dslave_find_by_index(struct daemon *d, int ifindex);
/* Takes the slave from the engine, closes its socket and, with restore,
 * gives the device back as it was; frees ds. */
void dslave_release(struct daemon *d, struct dbond *db, struct dslave *ds, bool restore);
/* The slave's device was renamed from `from` (ds->saved.name already holds
 * the new name): its journal entry moves to the new name. */
void dslave_journal_renamed(struct daemon *d, struct dslave *ds, const char *from);
/* Releases every slave, closes the TAP, frees the bond; tap_gone: the
 * device was removed under us (only the log line differs). */
void dbond_destroy(struct daemon *d, struct dbond *db, bool tap_gone);

/* Testing aid (BONDD_CRASH_AT=NAME[:N], bondd(8)): the daemon kills itself
 * with SIGKILL the Nth time (default 1st) it passes the point NAME. */
void daemon_crash_point(struct daemon *d, const char *name);

/* ---- daemon_ebpf.c: the data paths -------------------------------------- */

/* A device named name exists: when it is a TAP an earlier bondd left with
 * its programs (after SIGKILL or an upgrade), *old is what was found, to
 * adopt (ebpf; dbond_dp_adopt) or already removed (packet: *old NULL); 0.
 * Anything else: -EEXIST. drop_leftover removes an *old not adopted. */
int daemon_dp_leftover(struct daemon *d, const char *name, struct dp_ebpf **old,
		       struct err *err);
void daemon_dp_drop_leftover(struct daemon *d, const char *name, struct dp_ebpf *old);
int dbond_dp_adopt(struct daemon *d, struct dbond *db, struct dp_ebpf *old, struct err *err);
/* At start, after the configuration: TAPs with programs an earlier bondd
 * left for bonds that are not ours now are removed. */
void daemon_dp_remove_leftovers(struct daemon *d);
/* How long an adopted bond keeps the last daemon's decisions while the
 * engine sends nothing yet (ms). */
#define DP_ADOPT_HOLD_MS 5000
/* An event is being handled: its time starts the latency of the data
 * path's update (the ebpf table's sync measures it). */
void daemon_dp_event(struct daemon *d);

/* ---- daemon_loop.c: the event loop ------------------------------------- */

/* Sets up epoll, the timer, the signals and the control server on
 * ctl_path. On failure daemon_loop_close() frees what was made. */
int daemon_loop_open(struct daemon *d, const char *ctl_path,
		     const struct ctl_access *acc, struct err *err);
void daemon_loop_close(struct daemon *d);
/* After daemon(3): the child's own signalfd in the epoll set. */
int daemon_loop_after_fork(struct daemon *d);
int daemon_ep_add(struct daemon *d, int fd, struct ep_item *it);
void daemon_ep_del(struct daemon *d, int fd);

/* ---- daemon_statusfile.c: /run/bondd/bonding/<bond> --------------------- */

/* The directory for the control socket ctl_path (/run/bondd/bondd.sock:
 * /run/bondd/bonding; DIR/NAME.sock: DIR/NAME.bonding); nothing made yet. */
int daemon_statusfile_open(struct daemon *d, const char *ctl_path);
/* Rewrites the files whose text changed (at most every 100 ms); removes
 * those of bonds that are gone. Returns when it wants to run again. */
uint64_t daemon_statusfile_sync(struct daemon *d, uint64_t now);
/* Something changed on request: the next sync renders at once. */
void daemon_statusfile_touch(struct daemon *d);
/* Removes the files and the directory (if empty). */
void daemon_statusfile_close(struct daemon *d);

/* ---- daemon_datapath.c: frames and engine actions ---------------------- */

/* What the engine asks the OS to do (engine_new()). */
extern const struct engine_ops daemon_engine_ops;
/* Host -> bond: a burst of frames from the bond's TAP. */
void daemon_on_tap(struct daemon *d, struct dbond *db);
/* Slave -> bond: a burst of frames from the slave's packet socket. */
void daemon_on_packet(struct daemon *d, struct dslave *ds);
/* Sends what the slave has queued from the current burst. */
void dslave_flush(struct dslave *ds);
/* Failover latency: a carrier event changed db's active slave away from
 * was (or not: nothing to time); the first frame on the new active slave
 * (packet) or the map write naming it (ebpf, daemon_ebpf.c) ends the
 * measure. */
/* An event the daemon itself sees (a reload) to the monitors; the reason
 * is a printf format. */
void daemon_event(struct daemon *d, const char *bond, enum bond_event_kind kind,
		  const char *state, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void daemon_failover_mark(struct daemon *d, struct dbond *db, const struct slave *was);
void daemon_failover_done(struct dbond *db);

/* ---- daemon_events.c: device events ------------------------------------ */

void daemon_on_rtnl_event(const struct rtnl_event *ev, void *arg);
/* The engine's view of a link (up, carrier, speed, duplex). */
void daemon_read_link_info(const struct rtnl_link *l, struct link_info *li);
/* The MII monitor's read: each slave of a bond with miimon gets its carrier
 * from the driver now (ethtool_carrier), as the kernel's miimon does,
 * instead of waiting for rtnetlink, which linkwatch may delay by up to a
 * second for a device it does not count as urgent (a NIC, a veth).
 * Called when a timer of the engine is due, before it runs. */
void daemon_poll_carriers(struct daemon *d, uint64_t now);
/* The slave's carrier read now (ETHTOOL_GLINK); when it differs from the
 * engine's view, the engine gets the link event (speed and duplex re-read
 * on carrier up) and a failover is timed. The miimon poll and the carrier
 * watch's records both end here. */
void daemon_slave_carrier_check(struct daemon *d, struct dslave *ds, uint64_t now);
/* The same with the carrier c already read (1 on, 0 off; <0: unknown,
 * nothing done), by the carrier poll without RTNL (cwpoll_carrier). */
void daemon_slave_carrier_is(struct daemon *d, struct dslave *ds, int c, uint64_t now);
/* Gives the engine the bond device's current addresses. */
/* A device's addresses as the engine takes them (the first 8 of each
 * family), read over rtnetlink: 0, or -errno (logged) when they could not
 * be read. */
struct dev_addrs {
	uint32_t v4[8];
	uint8_t p4[8];
	uint8_t v6[8][16];
	uint8_t p6[8];
	unsigned n4, n6;
};
int daemon_read_addrs(struct daemon *d, int ifindex, const char *name,
		      struct dev_addrs *out);
void dbond_refresh_addrs(struct daemon *d, struct dbond *db);
/* Slave promiscuity follows the bond device's; after every loop turn. */
void daemon_sync_promisc(struct daemon *d);
/* Events were lost (rtnl_read_events() failed with why, -ENOBUFS on an
 * overrun): re-reads every bond's and slave's link and the bonds'
 * addresses, and reconciles (carrier, admin state, MTU, MAC, name,
 * removal), then looks for the configured slaves still missing. */
void daemon_resync(struct daemon *d, int why);
/* Remembers that bond's configured slave name is missing (no-op if it is
 * already remembered); daemon_pending_clear() forgets them all (a new
 * configuration is being applied). */
void daemon_pending_add(struct daemon *d, const char *bond, const char *name);
void daemon_pending_clear(struct daemon *d);

/* ---- daemon_cwatch.c: the carrier watch ---------------------------------- */

/* Loads the watch unless BONDD_CARRIER_WATCH=0 or the kernel refuses it
 * (one log line says which and why); after the event loop is set up. */
void daemon_cwatch_open(struct daemon *d);
void daemon_cwatch_close(struct daemon *d);
/* "bpf", "poll" or "rtnetlink": how carrier changes reach the daemon. */
const char *daemon_cwatch_kind(const struct daemon *d);
/* A slave enters (watch) or leaves the watch's map. */
void daemon_cwatch_slave(struct daemon *d, struct dslave *ds, bool watch);
/* The watch's fd is readable: its records (or the poll's reads) are
 * handled. False when there was nothing to hand to the engine (a poll
 * tick without a change): the loop's turn then ends without its usual
 * bookkeeping. */
bool daemon_on_cwatch(struct daemon *d);
/* Carrier hints of a bond's kernel data path (dp_abi.h): its ring enters
 * (on) or leaves the loop; after dp_ebpf_create/adopt, before close. */
void daemon_hints_bond(struct daemon *d, struct dbond *db, bool on);
/* The slave's device address into the map, once (from the sync). */
void daemon_hints_slave(struct daemon *d, struct dslave *ds);
/* The ring is readable: each hint the kernel's carrier counts confirm is
 * a carrier loss, handled at once. False when none changed anything. */
bool daemon_on_hints(struct daemon *d, struct dbond *db);
/* The poll's traffic gate, from the loop's bookkeeping: every 100 ms the
 * slaves' frame counts are looked at; the poll ticks while they grew by
 * CW_BUSY_FRAMES or more in one look, and one second after. Returns when
 * to look again (UINT64_MAX: no poll). */
uint64_t daemon_cwatch_busy(struct daemon *d, uint64_t now);

/* ---- daemon_metrics.c: the metrics endpoint and textfile ----------------- */

/* The endpoint's fd is readable: serve what is ready. */
void daemon_metrics_run(struct daemon *d);
/* Drops endpoint connections past their deadline, rewrites the textfile
 * when due (at most every second) and changed. Returns when it wants to
 * run again (UINT64_MAX: never). */
uint64_t daemon_metrics_sync(struct daemon *d, uint64_t now);
/* Closes the endpoint; removes the textfile unless handing over. */
void daemon_metrics_close(struct daemon *d);
/* ---- daemon_flows.c: bondctl flows ---------------------------------------- */

/* The packet data path sent frame on ds: counted in its bond's open window. */
void daemon_flows_record(struct dslave *ds, const uint8_t *frame, size_t len);
/* Every loop turn, after the data path's counters: windows that ended are
 * closed (on ebpf, the program's map is read for them). Returns when the
 * next one ends. */
uint64_t daemon_flows_tick(struct daemon *d, uint64_t now);
void daemon_flows_free(struct dbond *db);
/* The backend's flows operation. */
int daemon_flows_get(struct daemon *d, const char *bond, struct ctl_flows *out,
		     struct err *err);

/* ---- daemon_vlan.c: VLAN sub-interfaces (bond0.100) ---------------------- */

/* The VLAN of db with that VID / of the daemon with that device name or
 * ifindex (*dbp: its bond), or NULL. */
struct dvlan *dvlan_find(const struct dbond *db, uint16_t vid);
struct dvlan *dvlan_find_name(struct daemon *d, const char *name);
struct dvlan *dvlan_find_by_index(struct daemon *d, int ifindex);
/* bondctl vlan add BOND VID [name NAME]: creates the TAP NAME (default
 * "BOND.VID") with the bond's MAC, an MTU no larger than the bond's, the
 * bond's carrier, down (as ip link add leaves a VLAN device); registers
 * it with the engine and the data path. All or nothing. */
int daemon_vlan_add(struct daemon *d, const char *bond, uint16_t vid, const char *name,
		    struct err *err);
/* bondctl vlan del BOND VID|NAME (vid 0: by name). */
int daemon_vlan_del(struct daemon *d, const char *bond, uint16_t vid, const char *name,
		    struct err *err);
/* Takes the VLAN from the data path and the engine, removes its TAP
 * (tap_gone: it is gone already) and its journal entry; frees dv. */
void dvlan_destroy(struct daemon *d, struct dvlan *dv, bool tap_gone);
/* bondctl upgrade: lets go of the VLAN, its persistent TAP stays (and
 * its fd, for the successor: handover_taps in daemon.c). */
void dvlan_leave(struct daemon *d, struct dvlan *dv);
/* The bond's carrier / MAC / MTU changed: every VLAN of it follows. */
void dvlans_carrier(struct daemon *d, struct dbond *db, bool up);
void dvlans_mac(struct daemon *d, struct dbond *db, const uint8_t mac[6]);
/* Sets the VLAN device up or down, and tells the engine (tagged frames of
 * its own only for a VLAN that is up). */
int dvlan_set_admin(struct daemon *d, struct dvlan *dv, bool up, struct err *err);
void dvlans_bond_admin(struct daemon *d, struct dbond *db, bool up);
void dvlans_bond_mtu(struct daemon *d, struct dbond *db);
/* rtnetlink about the VLAN's device. */
void dvlan_link_event(struct daemon *d, struct dvlan *dv, const struct rtnl_link *l);
void dvlan_refresh_addrs(struct daemon *d, struct dvlan *dv);
/* At start, after the configuration: VLAN TAPs an earlier bondd left
 * (the journal's "vlan:" entries) that nobody took over are removed. */
void daemon_vlan_recover(struct daemon *d);
/* The backend's vlans operation (ctl_backend.h). */
int daemon_vlan_list(struct daemon *d, const char *bond, struct ctl_vlan *out, unsigned max,
		     struct err *err);
/* Host -> bond through the VLAN's TAP (daemon_datapath.c). */
void daemon_on_vlan_tap(struct daemon *d, struct dvlan *dv);

/* ---- daemon_ctl.c ------------------------------------------------------ */

/* The daemon's operations as the control commands see them. */
extern const struct ctl_backend_ops daemon_ctl_ops;

#endif
