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

#endif
