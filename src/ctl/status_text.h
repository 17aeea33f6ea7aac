/* The /proc/net/bonding/<bond> text of a bond's status model. */
#ifndef BONDD_CTL_STATUS_TEXT_H
#define BONDD_CTL_STATUS_TEXT_H

#include <stdbool.h>

#include "core/bond.h"
#include "core/status.h"
#include "lib/util.h"

/* The kernel's layout, byte for byte (drivers/net/bonding/bond_procfs.c). privileged=false
 * hides the lines the kernel shows only to CAP_NET_ADMIN readers. */
void status_text_render(const struct bond_status *st, bool privileged,
			struct strbuf *out);
/* status_fill + status_text_render + status_free. */
void status_text(const struct bond *b, bool privileged, struct strbuf *out);

#endif
