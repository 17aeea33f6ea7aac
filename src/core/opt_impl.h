/* What the three option files share and nobody else sees: table look-ups,
 * the value parser's pieces, the parameter a table option is stored in and
 * the address families of the target lists. opt_parse.c defines them;
 * opt_set.c and opt_get.c use them. Core-internal: include opt.h instead. */
#ifndef BONDD_OPT_IMPL_H
#define BONDD_OPT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opt.h"

#define VALUE_MAX 1024      /* longest value text accepted */

const struct opt_value *opt_value_with_flag(const struct opt_desc *d, unsigned flag);
/* "unknown option 'x' (did you mean 'y'?)", -ENOENT. */
int opt_err_unknown(const char *name, struct err *err);
/* "option x: invalid value (v)[; option x: allowed values a - b]", -EINVAL. */
int opt_err_invalid(const struct opt_desc *d, const char *name, const char *text,
		    struct err *err);
/* The kernel's bond_opt_parse() over the option's value table: 0 or -1. */
int opt_parse_table(const struct opt_desc *d, const char *s, uint64_t *out);
/* Copies value into buf up to the first newline, as the kernel strips it.
 * -1 when it does not fit. */
int opt_strip_value(const char *value, char *buf, size_t size);
/* "active-backup" for mode 1, "unknown" for a number without a name. */
const char *opt_mode_name(uint32_t mode);
/* The u32 parameter an option sets, NULL for options stored elsewhere. */
uint32_t *opt_param_field(struct bond_params *p, enum opt_id id);
/* A per-slave option by name; -ENOENT / -EINVAL with the message. */
int opt_find_slave_opt(const char *name, const struct opt_desc **out, struct err *err);
/* Signed 32-bit decimal, trailing blanks allowed: 0 or -1. */
int opt_parse_s32(const char *s, int32_t *out);

/* The params' list of an address list option, as an opt_addrs and back. */
void opt_addrs_from_params(enum opt_id id, const struct bond_params *p, struct opt_addrs *l);
void opt_addrs_to_params(enum opt_id id, const struct opt_addrs *l, struct bond_params *p);

#endif
