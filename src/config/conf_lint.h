/* Configuration lint: configurations that load and run but are known to
 * cause outages or poor balance, each said in one line with the reason and
 * the fix ("FILE:LINE: warning: BOND: ...; fix: ...").
 *
 * Pure, like the parsers: it reads a struct conf and the runtime facts the
 * caller gives (slave speeds, MTUs, what the LACP partner asks for), which
 * only a running daemon knows; with no facts the rules that need them stay
 * silent. The rules and why each one fires only when it does are in
 * bondd.conf(5), LINT. */
#ifndef BONDD_CONF_LINT_H
#define BONDD_CONF_LINT_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"

/* What the daemon knows about one interface (a slave or a bond). */
struct conf_lint_iface {
	char name[CONF_NAME_MAX];
	int32_t speed;              /* Mb/s; 0 or less: unknown */
	/* The MTU it runs with; 0: unknown, or a device bondd has not
	 * enslaved yet (bondd gives a slave the bond's MTU when it enslaves
	 * it, so only the MTU of a slave already enslaved can differ). */
	unsigned mtu;
	/* 802.3ad slaves: 1 when the partner's LACPDUs ask for the short
	 * (3 s) timeout, 0 for the long one, -1 when no LACPDU was heard. */
	int partner_short_timeout;
};

struct conf_lint_facts {
	const struct conf_lint_iface *ifaces;
	unsigned n;
};

/* Longest STP delay a switch port imposes after its link comes up:
 * listening and learning, one forward delay (15 s by default) each. */
#define CONF_LINT_STP_FORWARD_MS 30000u

/* Adds one warning per finding to d, bond by bond in the order of the
 * configuration; facts may be NULL. Returns the number of warnings added. */
unsigned conf_lint(const struct conf *c, const struct conf_lint_facts *facts,
		   struct conf_diag *d);

/* `bondctl import`: src converted. msgs gets the conversion's messages
 * (errors, and warnings when it succeeds), out the bondd.conf text, lint
 * the lint warnings of the result as `bondctl lint` prints them (no
 * runtime facts: the rules that need them stay silent). The lint never
 * changes out. Returns true when the conversion succeeded. */
bool conf_import(const struct conf_sources *src, struct strbuf *out, struct strbuf *msgs,
		 struct strbuf *lint);

#endif
