/* The dump and diff commands (src/ctl/cmd_dump.c) over a backend whose
 * dump and diff give fixed answers: what they print as text and JSON, and
 * their exit statuses (diff as diff(1): 0 nothing, 1 changes, 2 a refused
 * file). */
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
#include "ctl/ctl_cmd.h"
#include "ctl/ctl_proto.h"

#include "ctl_standin.h"

static struct ctl_backend_ops ops;
static const struct ctl_backend be = { &ops, &fake };
static int diff_mode;   /* 0: two changes, 1: none, 2: refused, 3: no reload */

static int dump_op(void *ctx, const char *bond, struct strbuf *o, struct err *err)
{
	(void)ctx;
	sb_printf(o, "# dump\n[%s]\nmode = active-backup\n", bond ? bond : "bond0");
	return 0;
}

static int diff_op(void *ctx, const char *path, const char *text,
		   void (*put)(void *arg, const struct ctl_change *ch), void *arg,
		   struct strbuf *msgs, struct err *err)
{
	struct ctl_change a = {
		.op = '~', .kind = "option", .dev = "bond0", .name = "miimon", .from = "200",
		.to = "100", .text = "bond0: miimon 200 -> 100", .by_reload = false,
		.can_reload = diff_mode != 3,
	};
	struct ctl_change b = {
		.op = '+', .kind = "slave", .dev = "bond0", .name = "slave eth1", .from = NULL,
		.to = "eth1", .text = "bond0: + slave eth1", .by_reload = true,
		.can_reload = diff_mode != 3,
	};

	(void)ctx;
	assert_string_equal(text, "[bond0]\n");
	if (diff_mode == 2) {
		sb_printf(msgs, "%s:1: unknown option 'x'\n", path);
		err_set(err, -EBADMSG, "%s: configuration refused", path);
		return -EBADMSG;
	}
	if (diff_mode == 1)
		return 0;
	put(arg, &a);
	put(arg, &b);
	return 2;
}

static int exec(bool json, int argc, char **argv)
{
	sb_reset(&last.out);
	sb_reset(&last.err);
	last.rc = ctl_exec(&be, argc, argv, json, &last.out, &last.err);
	return last.rc;
}

static int setup_ops(void **state)
{
	ops = fake_ops;
	ops.dump = dump_op;
	ops.diff = diff_op;
	return setup(state);
}

static void test_dump(void **state)
{
	(void)state;
	assert_int_equal(exec(false, 1, (char *[]){ "dump", NULL }), CTL_EXIT_OK);
	assert_string_equal(out(), "# dump\n[bond0]\nmode = active-backup\n");
	assert_int_equal(exec(true, 1, (char *[]){ "dump", NULL }), CTL_EXIT_OK);
	assert_string_equal(out(), "{\"config\":\"# dump\\n[bond0]\\nmode = active-backup\\n\"}\n");
	/* a bond that does not exist: refused before the backend */
	assert_int_equal(exec(false, 2, (char *[]){ "dump", "bond9", NULL }), CTL_EXIT_REFUSED);
	assert_string_equal(errs(), "bondctl: bond9: no such bond\n");
	assert_string_equal(out(), "");
}

static void test_diff(void **state)
{
	char *argv[] = { "diff", "/etc/b.conf", "[bond0]\n", NULL };

	(void)state;
	diff_mode = 0;
	assert_int_equal(exec(false, 3, argv), CTL_EXIT_REFUSED);
	assert_string_equal(out(), "bond0: miimon 200 -> 100  (kept by reload)\n"
				   "bond0: + slave eth1\n");
	assert_int_equal(exec(true, 3, argv), CTL_EXIT_REFUSED);
	assert_string_equal(out(),
		"{\"file\":\"/etc/b.conf\",\"changes\":["
		"{\"op\":\"~\",\"kind\":\"option\",\"device\":\"bond0\",\"name\":\"miimon\","
		"\"from\":\"200\",\"to\":\"100\",\"by_reload\":false,"
		"\"text\":\"bond0: miimon 200 -> 100\"},"
		"{\"op\":\"+\",\"kind\":\"slave\",\"device\":\"bond0\",\"name\":\"slave eth1\","
		"\"from\":null,\"to\":\"eth1\",\"by_reload\":true,"
		"\"text\":\"bond0: + slave eth1\"}],\"differs\":true}\n");
	/* nothing to reload: no note */
	diff_mode = 3;
	assert_int_equal(exec(false, 3, argv), CTL_EXIT_REFUSED);
	assert_string_equal(out(), "bond0: miimon 200 -> 100\nbond0: + slave eth1\n");
	/* nothing differs */
	diff_mode = 1;
	assert_int_equal(exec(false, 3, argv), CTL_EXIT_OK);
	assert_string_equal(out(), "");
	assert_int_equal(exec(true, 3, argv), CTL_EXIT_OK);
	assert_string_equal(out(), "{\"file\":\"/etc/b.conf\",\"changes\":[],\"differs\":false}\n");
	/* a refused file: its messages, nothing on stdout (not even with
	 * -j), status 2 */
	diff_mode = 2;
	assert_int_equal(exec(true, 3, argv), CTL_EXIT_USAGE);
	assert_string_equal(out(), "");
	assert_non_null(strstr(errs(), "/etc/b.conf:1: unknown option 'x'\n"));
	assert_non_null(strstr(errs(), "bondctl: /etc/b.conf: configuration refused\n"));
	/* without the text bondctl adds: usage, status 2 */
	assert_int_equal(exec(false, 2, (char *[]){ "diff", "/etc/b.conf", NULL }),
			 CTL_EXIT_USAGE);
}

/* A backend without the operations says so. */
static void test_not_possible(void **state)
{
	(void)state;
	ops.dump = NULL;
	ops.diff = NULL;
	assert_int_equal(exec(false, 1, (char *[]){ "dump", NULL }), CTL_EXIT_REFUSED);
	assert_string_equal(errs(), "bondctl: dump: not possible with this backend\n");
	assert_int_equal(exec(false, 3, (char *[]){ "diff", "f", "[bond0]\n", NULL }),
			 CTL_EXIT_USAGE);
	ops.dump = dump_op;
	ops.diff = diff_op;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dump, setup_ops, teardown),
		cmocka_unit_test_setup_teardown(test_diff, setup_ops, teardown),
		cmocka_unit_test_setup_teardown(test_not_possible, setup_ops, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
