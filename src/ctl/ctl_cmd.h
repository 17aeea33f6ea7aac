/* The control commands: what `bondctl COMMAND ...` asks the daemon to do.
 *
 * CTL_COMMANDS is the one list of commands. ctl_dispatch.c expands it into
 * the dispatch table {name, min_args, max_args, handler, usage}; ctl_help.c
 * expands it into the help text, which bondctl can print without a daemon.
 * Columns: C identifier, command name, min and max arguments after the
 * command (-1 = no limit), access, usage, one line of help.
 *
 * Access: CTL_RO for a command that only reads (members of bondd's control
 * group may run it, see ctl_server.h), CTL_RW for one that changes bonds,
 * slaves or options (root only). A new command must choose; a command that
 * can change anything at all, even rarely, is CTL_RW. */
#ifndef BONDD_CTL_CMD_H
#define BONDD_CTL_CMD_H

#include <stdbool.h>

#include "lib/util.h"

#define CTL_RO true
#define CTL_RW false

#define CTL_COMMANDS(X) \
	X(create,    "create",    1, -1, CTL_RW, "BOND [OPTION VALUE | OPTION=VALUE]...", \
	  "create a bond, with options set at once (all or nothing)") \
	X(delete,    "delete",    1,  1, CTL_RW, "BOND", \
	  "release every slave and remove the bond") \
	X(up,        "up",        1,  1, CTL_RW, "BOND", \
	  "bring the bond up (ip link set BOND up): a new bond is down") \
	X(down,      "down",      1,  1, CTL_RW, "BOND", \
	  "bring the bond down (ip link set BOND down); slaves stay enslaved") \
	X(enslave,   "enslave",   2, -1, CTL_RW, "BOND IF...", \
	  "add interfaces as slaves, in order; stop at the first error") \
	X(release,   "release",   2, -1, CTL_RW, "BOND IF...", \
	  "give interfaces back, in order; stop at the first error") \
	X(active,    "active",    2,  2, CTL_RW, "BOND IF|none", \
	  "make IF the active slave (none or \"\" clears the choice)") \
	X(set,       "set",       2, -1, CTL_RW, "BOND OPTION VALUE [OPTION VALUE]...", \
	  "set bond options (all or nothing; OPTION=VALUE also works)") \
	X(set_slave, "set-slave", 4,  4, CTL_RW, "BOND IF OPTION VALUE", \
	  "set a per-slave option: prio, ad_actor_port_prio, queue_id") \
	X(get,       "get",       1,  3, CTL_RO, "BOND [OPTION | IF [ATTRIBUTE]]", \
	  "print one option's value, or every option as 'name value' lines; IF: a slave's") \
	X(list,      "list",      0,  0, CTL_RO, "", \
	  "print the bond names, one per line") \
	X(show,      "show",      0,  1, CTL_RO, "[BOND]", \
	  "print the status as /proc/net/bonding shows it (or JSON with -j)") \
	X(reload,    "reload",    0,  0, CTL_RW, "", \
	  "re-read the configuration bondd was started with; apply the differences") \
	X(upgrade,   "upgrade",   0,  0, CTL_RW, "", \
	  "hand the bonds over to the installed bondd (exec): frames keep flowing") \
	X(monitor,   "monitor",   0,  1, CTL_RO, "[BOND]", \
	  "print every event (link, failover, LACP, carrier, reload...) as it happens, with why") \
	X(stats,     "stats",     1,  1, CTL_RO, "BOND", \
	  "counters: per slave frames, bytes, drops, LACPDUs, failures; the last failovers") \
	X(metrics,   "metrics",   0,  1, CTL_RO, "[openmetrics]", \
	  "every bond's metrics, Prometheus text format (or OpenMetrics 1.0.0); see docs/metrics.md") \
	X(flows,     "flows",     1,  1, CTL_RO, "BOND", \
	  "the busiest flows of the last 10 s window, the slave each took, each slave's share") \
	X(lint,      "lint",      0,  1, CTL_RO, "[FILE]", \
	  "warn about settings known to cause outages or poor balance, with the fix") \
	X(dump,      "dump",      0,  1, CTL_RO, "[BOND]", \
	  "print the bondd.conf of what runs now, runtime changes included") \
	X(diff,      "diff",      2,  2, CTL_RO, "FILE", \
	  "what running FILE would change: one line each; exit 0 none, 1 some, 2 error") \
	X(hash,      "hash",      1, -1, CTL_RO, "BOND DESCRIPTION...", \
	  "which slave a frame would leave on, and why (docs/hash.md)") \
	X(lacp,      "lacp",      2,  3, CTL_RO, "explain BOND | log BOND IF", \
	  "802.3ad: why each port aggregates or not; a port's last LACPDUs") \
	X(options,   "options",   0,  0, CTL_RO, "", \
	  "describe every option: values, default, modes") \
	X(vlan,      "vlan",      0,  5, CTL_RW, "add BOND VID [name NAME] | del BOND VID|NAME | [show] [BOND]", \
	  "VLAN sub-interfaces (bond0.100): create, remove, list (show reads only)") \
	X(ip_details, "ip-details", 0, 1, CTL_RO, "[BOND|IF]", \
	  "the bond/bond_slave words of ip -d link show, one line per device (for bondctl ip)") \
	X(help,      "help",      0,  0, CTL_RO, "", \
	  "print this help") \
	X(version,   "version",   0,  0, CTL_RO, "", \
	  "print bondd's version")

struct ctl_backend;

/* Runs one command (argv[0] is its name) against the backend (the daemon,
 * see ctl_backend.h). Output goes to out, one-line error messages
 * ("bondctl: bond7: no such bond") to errout. Returns the exit status:
 * CTL_EXIT_OK, CTL_EXIT_REFUSED or CTL_EXIT_USAGE. */
int ctl_exec(const struct ctl_backend *be, int argc, char **argv, bool json,
	     struct strbuf *out, struct strbuf *errout);
/* The same for a client that may only read (the control group): `show`
 * leaves out what the kernel's /proc shows only to CAP_NET_ADMIN. */
int ctl_exec_as(const struct ctl_backend *be, int argc, char **argv, bool json,
		bool privileged, struct strbuf *out, struct strbuf *errout);

/* The command list with usage and help, for `bondctl help` and
 * `bondctl -h`. prog is the program name shown ("bondctl"). */
void ctl_help(struct strbuf *out, const char *prog);
/* Whether the command only reads: 1 (its row says CTL_RO), 0 (CTL_RW), or
 * -1 for an unknown name. */
int ctl_cmd_read_only(const char *name);
/* Whether this request only reads, for a command whose row is CTL_RW but
 * that also has a reading form (vlan [show]): 1, else
 * ctl_cmd_read_only(argv[0]). */
int ctl_request_read_only(int argc, char *const argv[]);
/* The closest command name to a mistyped one, or NULL if none is close. */
const char *ctl_suggest(const char *word);

#endif
