/* Command dispatch: one bondctl request -> the handler of its command.
 *
 * ctl_exec() looks the command up in ctl_cmds[] (built from CTL_COMMANDS in
 * ctl_cmd.h), checks the argument count against the row, and calls the
 * row's handler (cmd_*.c) with the arguments after the command name. Also
 * here: the message helpers every handler uses, and the two commands that
 * need nothing (help, version). Handlers only translate: every rule about
 * bonds and options lives behind the backend (ctl_backend.h), in the engine
 * and in the option table, which either do the whole change or nothing and
 * explain why in a struct err. Handlers turn that into one line on stderr,
 * "bondctl: BOND: MESSAGE".
 *
 * Exit statuses: CTL_EXIT_OK, CTL_EXIT_REFUSED (the daemon said no),
 * CTL_EXIT_USAGE (the request itself is wrong: unknown command, wrong
 * number of arguments, an option without a value). */
#include "ctl_cmd.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/engine.h"
#include "core/status.h"     /* BONDD_KERNEL_COMPAT */
#include "ctl_backend.h"
#include "ctl_cmd_impl.h"
#include "ctl_proto.h"

typedef int (*cmd_fn)(struct cmd_ctx *c, int argc, char **argv);

struct ctl_cmd {
	const char *name;
	int min_args;        /* arguments after the command name */
	int max_args;        /* -1: no limit */
	cmd_fn handler;
	const char *usage;
};

#define CTL_ROW(id, name, min, max, ro, usage, help) { name, min, max, cmd_##id, usage },
static const struct ctl_cmd ctl_cmds[] = { CTL_COMMANDS(CTL_ROW) };
#undef CTL_ROW

/* ---- messages ------------------------------------------------------------ */

/* "bondctl: usage: bondctl CMD USAGE". Returns USAGE. */
int cmd_usage(struct cmd_ctx *c)
{
	sb_printf(c->err, PROG ": usage: " PROG " %s%s%s\n", c->name,
		  *c->usage ? " " : "", c->usage);
	return CTL_EXIT_USAGE;
}

/* "bondctl: BOND: message" (BOND omitted when NULL). Returns REFUSED. */
int cmd_fail(struct cmd_ctx *c, const char *bond, const char *fmt, ...)
{
	va_list ap;

	sb_puts(c->err, PROG ": ");
	if (bond)
		sb_printf(c->err, "%s: ", bond);
	va_start(ap, fmt);
	sb_vprintf(c->err, fmt, ap);
	va_end(ap);
	sb_puts(c->err, "\n");
	return CTL_EXIT_REFUSED;
}

/* The core may already start its message with "BOND: " (the kernel's
 * netdev_err style); drop it so the line names the bond once. */
const char *cmd_err_text(const struct err *e, const char *bond)
{
	const char *m = e->msg;
	size_t n = bond ? strlen(bond) : 0;

	if (!*m)
		return strerror(e->code < 0 ? -e->code : EINVAL);
	if (n && strncmp(m, bond, n) == 0 && m[n] == ':' && m[n + 1] == ' ')
		m += n + 2;
	return m;
}

int cmd_fail_err(struct cmd_ctx *c, const char *bond, const struct err *e)
{
	return cmd_fail(c, bond, "%s", cmd_err_text(e, bond));
}

struct bond *cmd_find_bond(struct cmd_ctx *c, const char *name)
{
	struct bond *b = engine_bond_find(c->eng, name);

	if (!b)
		cmd_fail(c, name, "no such bond");
	return b;
}

/* ---- help, version ------------------------------------------------------- */

int cmd_help(struct cmd_ctx *c, int argc, char **argv)
{
	ctl_help(c->out, PROG);
	return CTL_EXIT_OK;
}

int cmd_version(struct cmd_ctx *c, int argc, char **argv)
{
	if (c->json)
		sb_puts(c->out, "{\"version\":\"" BONDD_VERSION "\",\"kernel_compat\":\""
			BONDD_KERNEL_COMPAT "\"}\n");
	else
		sb_puts(c->out, "bondd " BONDD_VERSION " (Linux bonding "
			BONDD_KERNEL_COMPAT " behaviour)\n");
	return CTL_EXIT_OK;
}

/* ---- dispatch --------------------------------------------------------------- */

int ctl_exec(const struct ctl_backend *be, int argc, char **argv, bool json,
	     struct strbuf *out, struct strbuf *errout)
{
	return ctl_exec_as(be, argc, argv, json, true, out, errout);
}

int ctl_exec_as(const struct ctl_backend *be, int argc, char **argv, bool json,
		bool privileged, struct strbuf *out, struct strbuf *errout)
{
	struct cmd_ctx c = { .be = be, .json = json, .privileged = privileged,
			     .out = out, .err = errout };
	const struct ctl_cmd *cmd = NULL;
	const char *hint;
	size_t i;
	int nargs;

	if (argc < 1 || !argv[0]) {
		sb_puts(errout, PROG ": no command; see '" PROG " help'\n");
		return CTL_EXIT_USAGE;
	}
	for (i = 0; i < ARRAY_SIZE(ctl_cmds); i++) {
		if (strcmp(argv[0], ctl_cmds[i].name) == 0) {
			cmd = &ctl_cmds[i];
			break;
		}
	}
	if (!cmd) {
		hint = ctl_suggest(argv[0]);
		if (hint)
			sb_printf(errout, PROG ": unknown command '%s' (did you mean '%s'?)\n",
				  argv[0], hint);
		else
			sb_printf(errout, PROG ": unknown command '%s'; see '" PROG " help'\n",
				  argv[0]);
		return CTL_EXIT_USAGE;
	}
	c.name = cmd->name;
	c.usage = cmd->usage;
	nargs = argc - 1;
	if (nargs < cmd->min_args || (cmd->max_args >= 0 && nargs > cmd->max_args))
		return cmd_usage(&c);
	c.eng = be->ops->engine(be->ctx);
	return cmd->handler(&c, nargs, argv + 1);
}
