/* The JSON of a bond's status model (`bondctl show -j`). */
#ifndef BONDD_CTL_STATUS_JSON_H
#define BONDD_CTL_STATUS_JSON_H

#include "core/bond.h"
#include "core/status.h"
#include "lib/util.h"

/* One JSON object, no trailing newline: the /proc facts, every bond option
 * in its sysfs form, the slaves with their counters, and the mode's
 * sections ("ad" for 802.3ad, "alb" for balance-tlb/alb) when it has one. */
void status_json_render(const struct bond_status *st, struct strbuf *out);
/* status_fill + status_json_render + status_free. */
void status_json(const struct bond *b, struct strbuf *out);
struct ctl_bond_io;
/* status_json() with the data path's facts (io NULL: none). */
void status_json_io(const struct bond *b, const struct ctl_bond_io *io, struct strbuf *out);

/* The sysfs text of an option or attribute (get) as a typed JSON value:
 * numbers, {"name","number"} for named values, arrays for lists, booleans
 * for on/off options, null for "". */
void status_json_opt(struct strbuf *out, const char *name, const char *text);
struct ctl_failover;
/* The last failovers, oldest first, as a JSON array of
 * {"time","from","to","reason","latency_us"}. */
void status_json_failovers(const struct ctl_failover *f, struct strbuf *out);
/* A wall-clock time (µs since the epoch) as "2026-12-05T00:12:03.123456Z". */
void status_json_time(uint64_t wall_us, struct strbuf *out);

#endif
