/* Applying a configuration (src/config) to the running daemon: at start
 * (old = NULL) and on reload, only the differences between old and new. */
#ifndef BONDD_CONF_APPLY_H
#define BONDD_CONF_APPLY_H

#include "config/conf.h"
#include "core/util.h"

struct daemon;

/* Checks the whole new configuration first (conf_check, strict: options
 * bondd does not implement yet are refused), then what the running
 * system allows (devices exist; options the kernel changes only without
 * slaves or while the bond is down), and only then changes anything:
 *
 *   routes and gateways that left the configuration are removed, then
 *   addresses that left it; bonds that left it are deleted; slaves that
 *   left a bond are released; new bonds are created with their options;
 *   changed options are set (one all-or-nothing set per bond; an option
 *   removed from the file goes back to what a new bond with the new
 *   options would have); new slaves are enslaved; MTU and hwaddr are set;
 *   new addresses (with labels), routes and gateways are added.
 *
 * Bonds, interfaces and routes that did not change are not touched. A
 * bond that already exists (made with bondctl) and is new to the file is
 * taken over. Returns 0, or -errno with err set: before any change when a
 * check fails; otherwise the step that failed, the earlier steps staying
 * applied (err says so). */
int conf_apply(struct daemon *d, const struct conf *old, const struct conf *new,
	       struct err *err);

#endif
