/* A fake backend over a bare engine (fake_backend.c), for code that runs
 * control commands without a daemon: test_ctl_cmd, test_ctl_hash and the
 * fuzz harness of the control socket. */
#ifndef FAKE_BACKEND_H
#define FAKE_BACKEND_H

#include <stdint.h>

#include "core/engine.h"
#include "ctl/ctl_backend.h"

/* The backend's state (its ctx): its engine and its clock. */
struct fake {
	struct engine *eng;
	uint64_t now;
	/* VLAN sub-interfaces (bondctl vlan): what the daemon would list */
	struct ctl_vlan vlans[8];
	unsigned n_vlans;
};

extern const struct ctl_backend_ops fake_ops;

/* An engine whose actions do nothing. */
struct engine *fake_engine_new(void);

#endif
