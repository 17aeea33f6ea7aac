/* What the command files of src/ctl share: the context a handler runs in,
 * the handlers (one per row of CTL_COMMANDS, ctl_cmd.h) and the helpers that
 * turn a refusal into bondctl's one-line messages. Private to src/ctl. */
#ifndef BONDD_CTL_CMD_IMPL_H
#define BONDD_CTL_CMD_IMPL_H

#include <stdbool.h>

#include "ctl_cmd.h"
#include "lib/util.h"

#define PROG "bondctl"

struct bond;
struct ctl_backend;
struct engine;

/* One command being run. */
struct cmd_ctx {
	const struct ctl_backend *be;
	struct engine *eng;
	bool json;
	/* The client may change things (root): the /proc text then shows
	 * what the kernel shows only to CAP_NET_ADMIN readers. */
	bool privileged;
	struct strbuf *out;
	struct strbuf *err;
	const char *name;    /* the command, for usage messages */
	const char *usage;
};

/* The handlers, called with the arguments after the command name, their
 * count already checked against the table. Each returns the exit status.
 * cmd_bond.c: create delete up down enslave release active set set-slave reload;
 * cmd_read.c: get list show; cmd_hash.c: hash; cmd_lacp.c: lacp; cmd_options.c: options;
 * cmd_lint.c: lint; cmd_metrics.c: metrics; cmd_iplink.c: ip-details; cmd_flows.c: flows;
 * cmd_dump.c: dump diff; cmd_vlan.c: vlan;
 * ctl_dispatch.c: help version. */
#define CTL_DECL(id, name, min, max, ro, usage, help) \
	int cmd_##id(struct cmd_ctx *c, int argc, char **argv);
CTL_COMMANDS(CTL_DECL)
#undef CTL_DECL

/* "bondctl: usage: bondctl CMD USAGE" on stderr; returns CTL_EXIT_USAGE. */
int cmd_usage(struct cmd_ctx *c);
/* "bondctl: BOND: message" (BOND omitted when NULL); returns
 * CTL_EXIT_REFUSED. */
int cmd_fail(struct cmd_ctx *c, const char *bond, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The message of e without a leading "BOND: " (the core's netdev_err
 * style), so the line names the bond once. */
const char *cmd_err_text(const struct err *e, const char *bond);
/* cmd_fail() with e's message. */
int cmd_fail_err(struct cmd_ctx *c, const char *bond, const struct err *e);
/* The bond, or NULL after "bondctl: NAME: no such bond". */
struct bond *cmd_find_bond(struct cmd_ctx *c, const char *name);

struct ctl_vlan;
/* The VLANs of bond (NULL: every bond's) from the backend, *out malloc'd
 * (NULL with 0 when the backend keeps none); -1 after a message. */
int ctl_vlans_get(struct cmd_ctx *c, const char *bond, struct ctl_vlan **out);
/* One VLAN as a JSON object (docs/json.md, "VLANs"). */
void ctl_vlan_json(const struct ctl_vlan *v, struct strbuf *out);
/* show's text after the /proc layout: nothing without VLANs, else a
 * blank line, "VLAN Sub-Interfaces:" and a table. */
void ctl_vlans_text(const struct ctl_vlan *v, unsigned n, struct strbuf *out);
/* "NAME vlan protocol 802.1Q id VID <REORDER_HDR> \n" for ip-details. */
void ctl_vlan_iplink(const struct ctl_vlan *v, struct strbuf *out);

#endif
