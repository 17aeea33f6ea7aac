/* What the interfaces importer's two files share (src/config only): the
 * stanzas as read, the importer's state, and the calls between the stanza
 * reader (imp_interfaces.c) and the shell-command interpreter of hook lines
 * and boot scripts (imp_shell.c). */
#ifndef BONDD_IMP_INTERFACES_H
#define BONDD_IMP_INTERFACES_H

#include <stdbool.h>

#include "conf_impl.h"

#define MAX_DEPTH 8

struct opt_line {
	char *name;                 /* bond_x written as bond-x */
	char *value;
	struct conf_loc loc;
};

struct stanza {
	char name[64];
	int family;                 /* AF_INET, AF_INET6, 0 = other */
	char method[32];
	struct conf_loc loc;
	struct opt_line *opts;
	unsigned n_opts;
	bool skip;                  /* mapping, loopback, unknown family */
	bool vlan;                  /* a VLAN's stanza (imp_interfaces.c) */
};

struct imp {
	struct conf *c;
	struct conf_diag *d;
	const struct conf_io *io;
	struct stanza *st;
	unsigned n_st;
	char *stack[MAX_DEPTH];     /* files being read, for include loops */
	unsigned depth;
	/* Roles, decided once every stanza is read. */
	char (*bonds)[CONF_NAME_MAX];
	unsigned n_bonds;
	/* Names ifupdown brings up: "auto" / "allow-auto" (ifup -a) and
	 * "allow-hotplug" (ifup when the device appears, as a new bond
	 * does). Every other bond stays down. */
	char (*autos)[CONF_NAME_MAX];
	unsigned n_autos;
	bool script;                /* a shell script (rc.local), not interfaces */
};

/* ---- imp_interfaces.c ----------------------------------------------------- */

/* Roles: is name a bond (by its stanza or a command that names it one);
 * make it one. */
bool imp_is_bond(const struct imp *m, const char *name);
void imp_mark_bond(struct imp *m, const char *name);
/* Adds an address to dev (a bond, a VLAN or a plain interface). */
void imp_add_address(struct imp *m, const char *dev, const struct conf_addr *a);
/* Sets a bond option written name=value (shown: as written, for messages);
 * "+addr"/"-addr" edit the address lists. Errors go to m->d. */
void imp_set_bond_opt(struct imp *m, struct conf_bond *b, const char *name,
		      const char *value, const char *shown, const struct conf_loc *loc);

/* ---- imp_shell.c ---------------------------------------------------------- */

/* up, post-up, pre-up: the hooks whose commands are imported. */
bool imp_is_up_hook(const char *name);
/* Runs the commands of one hook line o of stanza s: with apply false only
 * the bonds they name are marked (roles are decided before anything is
 * built), with apply true they are imported. */
void imp_hook_line(struct imp *m, struct stanza *s, const struct opt_line *o, bool apply);

#endif
