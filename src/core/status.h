/* Status of a bond: the exact text of the kernel's /proc/net/bonding/<bond>
 * (bond_procfs.c layout, SPEC.md section 3) and the same facts as JSON. */
#ifndef BONDD_STATUS_H
#define BONDD_STATUS_H

#include <stdbool.h>

#include "bond.h"
#include "lib/util.h"

/* The kernel version whose layout and behaviour bondd follows, printed in
 * the header line with bondd's own version. */
#define BONDD_KERNEL_COMPAT "6.18"

/* /proc/net/bonding text. privileged=false hides the lines the kernel shows
 * only to CAP_NET_ADMIN readers. */
void status_proc(const struct bond *b, bool privileged, struct strbuf *out);
/* One JSON object with the same facts (and every option value). */
void status_json(const struct bond *b, struct strbuf *out);

#endif
