/* A fake backend for the control-command tests: the operations of
 * src/ctl/ctl_backend.h over a bare engine, with fake interfaces eth0..eth3
 * (link up, MAC 02:00:00:00:00:0N), and a way to run one bondctl command
 * line through ctl_exec(). Shared by test_ctl_cmd and test_ctl_hash. */
#ifndef CTL_STANDIN_H
#define CTL_STANDIN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/engine.h"
#include "ctl/ctl_backend.h"
#include "fake_backend.h"
#include "lib/util.h"

struct run {
	int rc;
	struct strbuf out, err;
};

extern struct fake fake;
extern const struct ctl_backend fake_be;
extern struct run last;

/* Runs one command line (words split on spaces); returns its exit status. */
int run(bool json, const char *line);
const char *out(void);
const char *errs(void);
int setup(void **state);
int teardown(void **state);

#endif
