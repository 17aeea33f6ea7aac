#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/engine.h"
#include "core/opt.h"
#include "ctl/ctl_cmd.h"
#include "ctl_standin.h"

struct fake fake;
const struct ctl_backend fake_be = { &fake_ops, &fake };

/* ---- helpers ------------------------------------------------------------------- */

struct run last;

/* Runs a command given as one string of space-separated words. */
int run(bool json, const char *line)
{
	char buf[512], *argv[64], *tok, *save = NULL;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	sb_reset(&last.out);
	sb_reset(&last.err);
	last.rc = ctl_exec(&fake_be, argc, argv, json, &last.out, &last.err);
	return last.rc;
}

const char *out(void)
{
	return last.out.buf ? last.out.buf : "";
}

const char *errs(void)
{
	return last.err.buf ? last.err.buf : "";
}

int setup(void **state)
{
	fake.eng = fake_engine_new();
	fake.now = 1000;
	fake.n_vlans = 0;
	sb_init(&last.out);
	sb_init(&last.err);
	return fake.eng ? 0 : -1;
}

int teardown(void **state)
{
	engine_free(fake.eng);
	sb_free(&last.out);
	sb_free(&last.err);
	return 0;
}

