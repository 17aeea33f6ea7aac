/* The carrier watch: bondd hears of a slave's carrier change the instant
 * the driver reports it. The kernel sends the rtnetlink message of a
 * carrier change from linkwatch, which batches the changes of devices it
 * does not count as urgent (NICs, veths) and runs at most once a second;
 * the miimon poll finds a change up to one interval late. Two fexit
 * programs (src/bpf/carrier_watch.bpf.c) on netif_carrier_off() and
 * netif_carrier_on() write a record (cw_abi.h) to a ring buffer for every
 * watched device; the daemon polls the ring buffer's fd.
 *
 * The programs and maps belong to the process: nothing is pinned, the
 * links are fds, and all of it goes away when the fds close (exit,
 * SIGKILL). Needs BTF (/sys/kernel/btf/vmlinux) and CAP_BPF with
 * CAP_PERFMON (or CAP_SYS_ADMIN) to attach tracing programs. */
#ifndef BONDD_CARRIER_WATCH_H
#define BONDD_CARRIER_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "bpf/cw_abi.h"
#include "lib/util.h"

struct cwatch;

/* Loads the object and attaches both programs. NULL with err saying what
 * failed and why (no BTF, no such kernel function, missing capability). */
struct cwatch *cwatch_open(struct err *err);
/* Detaches and frees everything (NULL: nothing). */
void cwatch_close(struct cwatch *cw);
/* The fd to poll for records (readable when there are some). */
int cwatch_fd(const struct cwatch *cw);
/* Watch / stop watching device ifindex of namespace netns. unwatch of a
 * device not watched: 0. */
int cwatch_watch(struct cwatch *cw, uint64_t netns, int ifindex, struct err *err);
int cwatch_unwatch(struct cwatch *cw, uint64_t netns, int ifindex, struct err *err);
/* Calls cb for every record waiting; the number of records, or -errno
 * with err saying why. */
int cwatch_consume(struct cwatch *cw, void (*cb)(const struct cw_record *r, void *arg),
		   void *arg, struct err *err);
/* The inode of the calling thread's network namespace (what the programs
 * read as a device's netns); 0 with err when it cannot be read. */
uint64_t cwatch_netns_self(struct err *err);

/* Where the kernel refuses the programs (fexit needs BPF trampolines,
 * which some kernels and sandboxes do not allow): a fast poll instead. A
 * device's carrier_changes in sysfs (carrier up + down counts, atomics read
 * without RTNL, unlike ETHTOOL_GLINK or the sysfs carrier file) moves at
 * once on every change, so a read costs one short pread() on a file kept
 * open, and may be made every millisecond; a change costs three more
 * (cwpoll_carrier), none of which waits for RTNL. */
struct cwpoll;

/* A periodic timer, stopped until cwpoll_arm. NULL with err saying why. */
struct cwpoll *cwpoll_open(struct err *err);
void cwpoll_close(struct cwpoll *cp);
/* The timer's fd (readable at every tick). */
int cwpoll_fd(const struct cwpoll *cp);
/* Ticks every interval_us from now on (0: stops them; the same interval
 * again: nothing changes); 0 or -errno with err. */
int cwpoll_arm(struct cwpoll *cp, unsigned interval_us, struct err *err);
/* The interval armed (0: stopped). */
unsigned cwpoll_interval(const struct cwpoll *cp);
/* Consumes the timer's ticks (after the fd polled readable). */
void cwpoll_ack(struct cwpoll *cp);
/* Opens ifname's carrier_changes (the fd to close), after checking that
 * /sys shows our namespace's device of that ifindex; -errno with err. The
 * fd follows the device through renames. */
int cwpoll_slave_open(const char *ifname, int ifindex, struct err *err);
/* The count now, or -errno (-ENODEV: the device is gone). */
int64_t cwpoll_changes(int fd);
/* ifname's carrier without RTNL: 1 on, 0 off, or -errno (a kernel before
 * 4.16 has no such counts). A device starts with its carrier on and counts
 * every change in carrier_up_count or carrier_down_count, so the carrier
 * is on exactly when the two are equal: the driver's own state, as the
 * kernel's bonding driver reads it (netif_carrier_ok). ETHTOOL_GLINK and
 * sysfs "carrier" wait for RTNL, which whoever changed the link (an
 * `ip link set ... down` of the peer) may still hold for milliseconds
 * after the carrier dropped. */
int cwpoll_carrier(const char *ifname);

#endif
