/* The daemon: glue between the engine and the Linux I/O layer. One daemon
 * holds every bond of its network namespace. The control commands (src/ctl,
 * through the backend the daemon gives them) call these; each either
 * succeeds completely or changes nothing and explains why in err. */
#ifndef BONDD_DAEMON_H
#define BONDD_DAEMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/engine.h"
#include "lib/util.h"

struct daemon;

struct ctl_access;
/* Takes the namespace lock (a second daemon gets a clear error naming the
 * first one's pid), restores every slave the journal shows a dead daemon
 * left behind, sets up the engine, rtnetlink, the event loop and the
 * control socket (who may use it: acc, see ctl/ctl_server.h; NULL: root
 * only). */
struct daemon *daemon_new(const char *ctl_path, const struct ctl_access *acc,
			  bool use_syslog, struct err *err);
/* Picks the data path for want ("auto", "ebpf", "packet"; NULL = auto),
 * probing the kernel; logs which and why. -errno with err for "ebpf" when
 * the kernel refuses, or for an unknown name. Before any bond exists. */
int daemon_dp_choose(struct daemon *d, const char *want, struct err *err);
/* After the configuration is applied: slaves an earlier bondd left that
 * nobody took over are given back (journal), its TAPs removed. */
void daemon_start(struct daemon *d);
/* `bondctl upgrade`: every bond is on the kernel data path and named by
 * the configuration file, so a new bondd with the same configuration will
 * take them over: the loop stops and daemon_free() leaves everything in
 * place (daemon_handing_over() then says so). Else -errno and why. */
int daemon_upgrade(struct daemon *d, struct err *err);
bool daemon_handing_over(const struct daemon *d);
/* Tells systemd (Type=notify) that bondd is ready, with "N bonds" as its
 * status: at start, and at the end of every reload; -errno from sd_notify. */
int daemon_notify_ready(const struct daemon *d);
/* After daemon(3): the lock file and the slave journal name the new pid,
 * and the signals reach the new process's event loop. */
void daemon_detached(struct daemon *d);
/* Runs until SIGTERM/SIGINT; returns 0, or -1 on a fatal loop error. */
int daemon_run(struct daemon *d);
/* bondd --metrics ADDR:PORT (listen_at) and --metrics-textfile DIR (dir),
 * each NULL when off (docs/metrics.md): binds the endpoint, checks that
 * DIR is a directory bondd may write in. -errno with err (the address
 * refused, the port taken, no such directory). After daemon_new(). */
int daemon_metrics_open(struct daemon *d, const char *listen_at, const char *dir,
			struct err *err);
/* Gives every slave back and removes every bond. */
void daemon_shutdown(struct daemon *d);
/* daemon_shutdown() and then frees everything. */
void daemon_free(struct daemon *d);

struct engine *daemon_engine(struct daemon *d);
/* The monotonic clock in ms, as the engine's now_ms. */
uint64_t daemon_now(struct daemon *d);

/* Creates bond name (a TAP device) and applies the options
 * (opt_set_many). The bond is down, as the kernel creates one; an earlier
 * bondd's device that is adopted keeps its state. On error nothing is left
 * behind. */
int daemon_bond_create(struct daemon *d, const char *name, unsigned nopts,
		       const char *const names[], const char *const values[],
		       struct err *err);
/* Sets IFF_UP on the bond's device (ip link set BOND up|down) and tells
 * the engine at once (bond_open / bond_close); the rtnetlink event that
 * follows finds nothing left to do. */
int daemon_bond_set_up(struct daemon *d, const char *name, bool up, struct err *err);
/* Releases every slave (restoring it) and removes the TAP device. */
int daemon_bond_delete(struct daemon *d, const char *name, struct err *err);
/* Saves ifname's state in the journal, hides it from the host stack,
 * opens its packet socket and hands it to the engine. An interface another
 * live bondd holds, or a kernel bridge/bond, is refused; what a dead bondd
 * left on it is restored first. */
int daemon_enslave(struct daemon *d, const char *bond, const char *ifname, struct err *err);
/* Takes the slave from the engine and restores the device. */
int daemon_release(struct daemon *d, const char *bond, const char *ifname, struct err *err);
/* Sets bond options (all or nothing); "slaves" (+if/-if) goes to
 * daemon_enslave/daemon_release. */
int daemon_set(struct daemon *d, const char *bond, unsigned nopts,
	       const char *const names[], const char *const values[], struct err *err);

/* The daemon's rtnetlink handle (for daemon_conf.c). */
struct rtnl *daemon_rtnl(struct daemon *d);
/* A line on stderr, before or without a daemon's log: with its level as
 * "<N>" in front when stderr is systemd's journal (JOURNAL_STREAM). */
void daemon_say(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void daemon_vsay(int level, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Each line of text, as the configuration's messages: "warning:" lines at
 * LOG_WARNING, the others LOG_ERR. */
void daemon_say_lines(const char *text);
/* One log line through the daemon's log (stderr or syslog). */
void daemon_log(struct daemon *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The admin (or the configuration) gave the bond this address. */
void daemon_bond_mac_set_by_user(struct daemon *d, const char *bond, const uint8_t mac[6]);

/* Configuration source (see daemon_conf.h); the daemon keeps a copy and the
 * configuration applied last, for `bondctl reload`. */
struct daemon_conf_src;
int daemon_load_config(struct daemon *d, const struct daemon_conf_src *src,
		       struct strbuf *msgs, struct err *err);
/* Re-reads the configuration and applies the differences. Without a
 * configuration source it fails with a clear message. */
int daemon_reload(struct daemon *d, struct strbuf *msgs, struct err *err);

#endif
