/* The commands that change bonds: create, delete, up, down, enslave, release, active,
 * set, set-slave, and reload. Each hands the whole change to the backend
 * (or, for the active slave and per-slave options, to the engine) and turns
 * a refusal into one line per failure. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bond.h"
#include "core/engine.h"
#include "core/opt.h"
#include "ctl_backend.h"
#include "ctl_cmd_impl.h"
#include "ctl_proto.h"

/* ---- option arguments ------------------------------------------------------ */

/* A per-slave option given to a bond gets a pointer to the right command.
 * Everything else (unknown names with their "did you mean", module
 * parameters, values) is judged by the option code, in its own words. */
static int check_bond_option(struct cmd_ctx *c, const char *bond, const char *name)
{
	const struct opt_desc *o = opt_find(name);

	if (o && (o->flags & OPT_PER_SLAVE))
		return cmd_fail(c, bond, "option %s: is a per-slave option: use '" PROG
				" set-slave %s IF %s VALUE'", name, bond, name);
	return CTL_EXIT_OK;
}

/* Splits the words after BOND into option names and values. Each option
 * is either two words, "OPTION VALUE", or one, "OPTION=VALUE" (split in
 * place at the first '='). names/values must hold argc entries.
 * Returns the number of options, or -1 after printing the error (*rc). */
static int parse_options(struct cmd_ctx *c, const char *bond, int argc, char **argv,
			 const char **names, const char **values, int *rc)
{
	int i = 0, n = 0;

	while (i < argc) {
		char *eq = strchr(argv[i], '=');

		if (eq && eq != argv[i]) {
			*eq = '\0';
			names[n] = argv[i];
			values[n] = eq + 1;
			i++;
		} else if (i + 1 < argc) {
			names[n] = argv[i];
			values[n] = argv[i + 1];
			i += 2;
		} else {
			sb_printf(c->err, PROG ": %s: option %s has no value\n",
				  bond, argv[i]);
			*rc = CTL_EXIT_USAGE;
			return -1;
		}
		*rc = check_bond_option(c, bond, names[n]);
		if (*rc)
			return -1;
		n++;
	}
	return n;
}

/* Runs create or set: both take BOND then options. */
static int with_options(struct cmd_ctx *c, int argc, char **argv, bool create)
{
	const char *bond = argv[0];
	const char **names, **values;
	struct err e;
	int n, rc = CTL_EXIT_OK;

	if (!create && !cmd_find_bond(c, bond))
		return CTL_EXIT_REFUSED;
	names = calloc((size_t)argc, sizeof(*names));
	values = calloc((size_t)argc, sizeof(*values));
	if (!names || !values) {
		rc = cmd_fail(c, bond, "out of memory");
		goto out;
	}
	n = parse_options(c, bond, argc - 1, argv + 1, names, values, &rc);
	if (n < 0)
		goto out;
	if (!create && n == 0) {
		rc = cmd_usage(c);
		goto out;
	}
	err_clear(&e);
	if (create)
		rc = c->be->ops->bond_create(c->be->ctx, bond, (unsigned)n, names, values, &e);
	else
		rc = c->be->ops->set(c->be->ctx, bond, (unsigned)n, names, values, &e);
	rc = rc ? cmd_fail_err(c, bond, &e) : CTL_EXIT_OK;
out:
	free(names);
	free(values);
	return rc;
}

/* ---- commands --------------------------------------------------------------- */

int cmd_create(struct cmd_ctx *c, int argc, char **argv)
{
	return with_options(c, argc, argv, true);
}

int cmd_set(struct cmd_ctx *c, int argc, char **argv)
{
	return with_options(c, argc, argv, false);
}

int cmd_delete(struct cmd_ctx *c, int argc, char **argv)
{
	struct err e;

	if (!cmd_find_bond(c, argv[0]))
		return CTL_EXIT_REFUSED;
	err_clear(&e);
	if (c->be->ops->bond_delete(c->be->ctx, argv[0], &e))
		return cmd_fail_err(c, argv[0], &e);
	return CTL_EXIT_OK;
}

/* up / down: the bond's administrative state, IFF_UP on its device. */
static int set_up(struct cmd_ctx *c, const char *bond, bool up)
{
	struct err e;

	if (!cmd_find_bond(c, bond))
		return CTL_EXIT_REFUSED;
	err_clear(&e);
	if (c->be->ops->set_up(c->be->ctx, bond, up, &e))
		return cmd_fail_err(c, bond, &e);
	return CTL_EXIT_OK;
}

int cmd_up(struct cmd_ctx *c, int argc, char **argv)
{
	return set_up(c, argv[0], true);
}

int cmd_down(struct cmd_ctx *c, int argc, char **argv)
{
	return set_up(c, argv[0], false);
}

/* reload: warnings go to stdout, the refusal (with every FILE:LINE error)
 * to stderr; a refused configuration changes nothing. */
int cmd_reload(struct cmd_ctx *c, int argc, char **argv)
{
	struct strbuf msgs;
	struct err e;
	int rc;

	sb_init(&msgs);
	err_clear(&e);
	rc = c->be->ops->reload(c->be->ctx, &msgs, &e);
	if (rc) {
		sb_puts(c->err, sb_str(&msgs));
		sb_free(&msgs);
		return cmd_fail_err(c, NULL, &e);
	}
	sb_puts(c->out, sb_str(&msgs));
	sb_free(&msgs);
	return CTL_EXIT_OK;
}

/* upgrade: the answer comes before the daemon execs its successor. */
int cmd_upgrade(struct cmd_ctx *c, int argc, char **argv)
{
	struct err e;

	err_clear(&e);
	if (!c->be->ops->upgrade) {
		sb_puts(c->err, "bondctl: upgrade: not possible with this backend\n");
		return CTL_EXIT_REFUSED;
	}
	if (c->be->ops->upgrade(c->be->ctx, &e))
		return cmd_fail_err(c, NULL, &e);
	sb_puts(c->out, "bondd: handing the bonds over to the installed bondd; frames keep flowing\n");
	return CTL_EXIT_OK;
}

typedef int (*slave_op)(void *ctx, const char *bond, const char *ifname,
			struct err *err);

/* enslave/release: each interface in order, stopping at the first error,
 * then saying which ones were done and which were not tried. */
static int each_slave(struct cmd_ctx *c, int argc, char **argv, slave_op op,
		      const char *verb, const char *done)
{
	const char *bond = argv[0], *msg;
	char tag[BOND_NAME_MAX + 64];
	struct err e;
	int i, j;

	if (!cmd_find_bond(c, bond))
		return CTL_EXIT_REFUSED;
	for (i = 1; i < argc; i++) {
		err_clear(&e);
		if (op(c->be->ctx, bond, argv[i], &e) == 0)
			continue;
		msg = cmd_err_text(&e, bond);
		/* "(slave eth1): ..." already names the interface. */
		snprintf(tag, sizeof(tag), "(slave %s): ", argv[i]);
		if (strncmp(msg, tag, strlen(tag)) == 0)
			cmd_fail(c, bond, "%s", msg);
		else
			cmd_fail(c, bond, "cannot %s %s: %s", verb, argv[i], msg);
		if (i > 1 || i + 1 < argc) {
			sb_printf(c->err, PROG ": %s: %s:", bond, done);
			if (i == 1)
				sb_puts(c->err, " none");
			for (j = 1; j < i; j++)
				sb_printf(c->err, " %s", argv[j]);
			if (i + 1 < argc) {
				sb_puts(c->err, "; not tried:");
				for (j = i + 1; j < argc; j++)
					sb_printf(c->err, " %s", argv[j]);
			}
			sb_puts(c->err, "\n");
		}
		return CTL_EXIT_REFUSED;
	}
	return CTL_EXIT_OK;
}

int cmd_enslave(struct cmd_ctx *c, int argc, char **argv)
{
	return each_slave(c, argc, argv, c->be->ops->enslave, "enslave", "enslaved");
}

int cmd_release(struct cmd_ctx *c, int argc, char **argv)
{
	return each_slave(c, argc, argv, c->be->ops->release, "release", "released");
}

int cmd_active(struct cmd_ctx *c, int argc, char **argv)
{
	struct bond *b = cmd_find_bond(c, argv[0]);
	const char *ifname = argv[1];
	struct err e;

	if (!b)
		return CTL_EXIT_REFUSED;
	/* "none" and "" both clear, as writing an empty active_slave does. */
	if (strcmp(ifname, "none") == 0 || !*ifname)
		ifname = NULL;
	err_clear(&e);
	if (bond_set_active_slave(b, ifname, c->be->ops->now(c->be->ctx), &e))
		return cmd_fail_err(c, argv[0], &e);
	return CTL_EXIT_OK;
}

int cmd_set_slave(struct cmd_ctx *c, int argc, char **argv)
{
	const char *bond = argv[0], *ifname = argv[1], *name = argv[2];
	const struct opt_desc *o = opt_find(name);
	struct bond *b = cmd_find_bond(c, bond);
	struct slave *s;
	struct err e;

	if (!b)
		return CTL_EXIT_REFUSED;
	s = bond_find_slave(b, ifname);
	if (!s)
		return cmd_fail(c, bond, "%s is not a slave of %s", ifname, bond);
	err_clear(&e);
	if (o && o->id == OPT_QUEUE_ID) {
		/* The kernel keeps queue_id as a bond option written
		 * "IF:QUEUE_ID" (sysfs); the option code checks it there. */
		const char *names[1] = { o->name };
		const char *values[1];
		struct strbuf v;
		int rc;

		sb_init(&v);
		sb_printf(&v, "%s:%s", ifname, argv[3]);
		if (v.oom) {
			sb_free(&v);
			return cmd_fail(c, bond, "out of memory");
		}
		values[0] = sb_str(&v);
		rc = c->be->ops->set(c->be->ctx, bond, 1, names, values, &e);
		sb_free(&v);
		return rc ? cmd_fail_err(c, bond, &e) : CTL_EXIT_OK;
	}
	if (opt_slave_set(s, name, argv[3], c->be->ops->now(c->be->ctx), &e))
		return cmd_fail(c, bond, "(slave %s): %s", ifname, cmd_err_text(&e, bond));
	return CTL_EXIT_OK;
}
