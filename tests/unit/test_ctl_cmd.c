/* The control commands (src/ctl/ctl_dispatch.c, cmd_*.c) against the real
 * engine and option code. A fake backend (ctl_standin.c) runs over a bare engine, with a
 * fixed list of fake interfaces (eth0..eth3, link up), so ctl_exec runs
 * without root, TAP devices or the event loop. What this checks is the
 * translation: argument counts, option words, messages, exit statuses, the
 * partial-progress report of enslave/release, and the output layouts. */
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
#include "core/status.h"
#include "ctl/status_json.h"
#include "ctl/status_text.h"
#include "ctl/ctl_cmd.h"
#include "ctl/ctl_proto.h"

#include "ctl_standin.h"

/* ---- tests ------------------------------------------------------------------------ */

static void test_usage_errors(void **state)
{
	assert_int_equal(ctl_exec(&fake_be, 0, (char *[]){ NULL }, false, &last.out,
				  &last.err), CTL_EXIT_USAGE);
	assert_int_equal(run(false, "shwo"), CTL_EXIT_USAGE);
	assert_string_equal(errs(), "bondctl: unknown command 'shwo' (did you mean 'show'?)\n");
	assert_int_equal(run(false, "frobnicate"), CTL_EXIT_USAGE);
	assert_non_null(strstr(errs(), "see 'bondctl help'"));
	assert_int_equal(run(false, "delete"), CTL_EXIT_USAGE);
	assert_string_equal(errs(), "bondctl: usage: bondctl delete BOND\n");
	assert_int_equal(run(false, "list extra"), CTL_EXIT_USAGE);
	assert_string_equal(errs(), "bondctl: usage: bondctl list\n");
	assert_int_equal(run(false, "set-slave bond0 eth0 prio"), CTL_EXIT_USAGE);
	assert_int_equal(run(false, "enslave bond0"), CTL_EXIT_USAGE);
	assert_string_equal(out(), "");
}

static void test_create_set_get_delete(void **state)
{
	assert_int_equal(run(false, "create bond0 mode active-backup miimon=100"), 0);
	assert_string_equal(errs(), "");
	assert_int_equal(run(false, "get bond0 mode"), 0);
	assert_string_equal(out(), "active-backup 1\n");
	assert_int_equal(run(false, "get bond0 miimon"), 0);
	assert_string_equal(out(), "100\n");
	assert_int_equal(run(true, "get bond0 miimon"), 0);
	assert_string_equal(out(), "{\"miimon\":100}\n");     /* typed */

	/* Second create, bad value (nothing left behind), missing value. */
	assert_int_equal(run(false, "create bond0"), CTL_EXIT_REFUSED);
	assert_non_null(strstr(errs(), "already exists"));
	assert_int_equal(run(false, "create bond1 miimon abc"), CTL_EXIT_REFUSED);
	/* The option code's wording, with the bond in front. */
	assert_true(strncmp(errs(), "bondctl: bond1: option miimon: invalid value (abc)",
			    50) == 0);
	assert_int_equal(run(false, "create bond1 mode"), CTL_EXIT_USAGE);
	assert_string_equal(errs(), "bondctl: bond1: option mode has no value\n");
	assert_int_equal(run(false, "list"), 0);
	assert_string_equal(out(), "bond0\n");

	/* set: all or nothing, unknown bond, per-slave option, unknown option. */
	assert_int_equal(run(false, "set bond0 updelay 200 downdelay=300"), 0);
	assert_int_equal(run(false, "set bond0 updelay 400 miimon xyz"), CTL_EXIT_REFUSED);
	assert_int_equal(run(false, "get bond0 updelay"), 0);
	assert_string_equal(out(), "200\n");
	assert_int_equal(run(false, "set bond7 miimon 100"), CTL_EXIT_REFUSED);
	assert_string_equal(errs(), "bondctl: bond7: no such bond\n");
	assert_int_equal(run(false, "set bond0 prio 3"), CTL_EXIT_REFUSED);
	assert_non_null(strstr(errs(), "bondctl set-slave bond0 IF prio VALUE"));
	assert_int_equal(run(false, "set bond0 miimom 10"), CTL_EXIT_REFUSED);
	assert_non_null(strstr(errs(), "bondctl: bond0: "));
	assert_non_null(strstr(errs(), "miimon"));
	assert_int_equal(run(false, "get bond0 nosuch"), CTL_EXIT_REFUSED);

	assert_int_equal(run(false, "delete bond0"), 0);
	assert_int_equal(run(false, "delete bond0"), CTL_EXIT_REFUSED);
	assert_string_equal(errs(), "bondctl: bond0: no such bond\n");
	assert_int_equal(run(false, "show bond0"), CTL_EXIT_REFUSED);
	assert_int_equal(run(false, "get bond0"), CTL_EXIT_REFUSED);
}

static void test_get_all(void **state)
{
	const char *p;
	size_t i;

	assert_int_equal(run(false, "create bond0 mode active-backup"), 0);
	assert_int_equal(run(false, "get bond0"), 0);
	assert_string_equal(errs(), "");
	assert_true(strncmp(out(), "mode active-backup 1\n", 21) == 0);
	/* Every bond option once, in table order; per-slave and module ones
	 * left out. */
	p = out();
	for (i = 0; i < OPT__COUNT; i++) {
		const struct opt_desc *o = &opt_table[i];
		char key[64];
		const char *at;

		snprintf(key, sizeof(key), "\n%s", o->name);
		at = i == 0 ? out() : strstr(out(), key);
		if (o->flags & (OPT_PER_SLAVE | OPT_MODULE)) {
			assert_null(at);
			continue;
		}
		assert_non_null(at);
		assert_true(at >= p);
		p = at;
	}
	assert_int_equal(run(true, "get bond0"), 0);
	assert_true(strncmp(out(), "{\"mode\":{\"name\":\"active-backup\",\"number\":1},",
			    44) == 0);
	assert_string_equal(out() + last.out.len - 2, "}\n");
	assert_int_equal(run(false, "delete bond0"), 0);
}

static void test_enslave_release_active(void **state)
{
	assert_int_equal(run(false, "create bond0 mode active-backup miimon 100"), 0);

	/* Stops at eth9; says what was done and what was not tried. */
	assert_int_equal(run(false, "enslave bond0 eth0 eth1 eth9 eth2"), CTL_EXIT_REFUSED);
	assert_string_equal(errs(),
		"bondctl: bond0: cannot enslave eth9: interface eth9 does not exist!\n"
		"bondctl: bond0: enslaved: eth0 eth1; not tried: eth2\n");
	assert_int_equal(run(false, "get bond0 slaves"), 0);
	assert_string_equal(out(), "eth0 eth1\n");
	/* Error already naming the slave is not repeated; single IF: one line. */
	assert_int_equal(run(false, "enslave bond0 eth1"), CTL_EXIT_REFUSED);
	assert_string_equal(errs(),
		"bondctl: bond0: (slave eth1): Device is already enslaved to bond0\n");
	assert_int_equal(run(false, "enslave bond0 eth2"), 0);

	assert_int_equal(run(false, "active bond0 eth1"), 0);
	assert_int_equal(run(false, "get bond0 active_slave"), 0);
	assert_string_equal(out(), "eth1\n");
	assert_int_equal(run(false, "active bond0 eth7"), CTL_EXIT_REFUSED);
	assert_non_null(strstr(errs(), "bondctl: bond0: "));
	assert_int_equal(run(false, "active bond0 none"), 0);
	{
		char *argv[] = { "active", "bond0", "", NULL };

		assert_int_equal(ctl_exec(&fake_be, 3, argv, false, &last.out, &last.err), 0);
	}

	assert_int_equal(run(false, "set-slave bond0 eth0 prio 10"), 0);
	assert_int_equal(run(false, "set-slave bond0 eth0 prio x"), CTL_EXIT_REFUSED);
	assert_non_null(strstr(errs(), "bondctl: bond0: (slave eth0): option prio"));
	assert_int_equal(run(false, "set-slave bond0 eth9 prio 1"), CTL_EXIT_REFUSED);
	assert_string_equal(errs(), "bondctl: bond0: eth9 is not a slave of bond0\n");
	/* queue_id goes to the bond option as "IF:QUEUE_ID", checked there. */
	assert_int_equal(run(false, "set-slave bond0 eth2 queue_id 0"), 0);
	assert_int_equal(run(false, "get bond0 queue_id"), 0);
	assert_non_null(strstr(out(), "eth2:0"));
	assert_int_equal(run(false, "set-slave bond0 eth2 queue_id x"), CTL_EXIT_REFUSED);
	assert_non_null(strstr(errs(), "bondctl: bond0: option queue_id: "));
	assert_int_equal(run(false, "set-slave bond0 eth0 miimon 3"), CTL_EXIT_REFUSED);

	assert_int_equal(run(false, "release bond0 eth0 eth3 eth1"), CTL_EXIT_REFUSED);
	assert_string_equal(errs(),
		"bondctl: bond0: (slave eth3): cannot release: not a slave of bond0\n"
		"bondctl: bond0: released: eth0; not tried: eth1\n");
	assert_int_equal(run(false, "get bond0 slaves"), 0);
	assert_string_equal(out(), "eth1 eth2\n");
	assert_int_equal(run(false, "delete bond0"), 0);
}

/* A bond is created down, as the kernel creates one; up and down set it. */
static void test_up_down(void **state)
{
	struct bond *b;

	assert_int_equal(run(false, "create bond0 mode 802.3ad"), 0);
	b = engine_bond_find(fake.eng, "bond0");
	assert_non_null(b);
	assert_false(b->admin_up);
	/* enslaving into a down bond is allowed */
	assert_int_equal(run(false, "enslave bond0 eth0 eth1"), 0);
	assert_false(b->admin_up);
	assert_int_equal(run(false, "up bond0"), 0);
	assert_string_equal(errs(), "");
	assert_true(b->admin_up);
	assert_int_equal(run(false, "up bond0"), 0);   /* again: no change, no error */
	assert_true(b->admin_up);
	assert_int_equal(run(false, "down bond0"), 0);
	assert_false(b->admin_up);
	assert_int_equal(b->n_slaves, 2);               /* slaves stay */
	assert_int_equal(run(false, "up bond7"), CTL_EXIT_REFUSED);
	assert_string_equal(errs(), "bondctl: bond7: no such bond\n");
	assert_int_equal(run(false, "up"), CTL_EXIT_USAGE);
	assert_string_equal(errs(), "bondctl: usage: bondctl up BOND\n");
	assert_int_equal(run(false, "down bond0 bond1"), CTL_EXIT_USAGE);
	assert_int_equal(ctl_cmd_read_only("up"), 0);
	assert_int_equal(ctl_cmd_read_only("down"), 0);
}

static void test_list_show(void **state)
{
	struct strbuf want;

	assert_int_equal(run(false, "list"), 0);
	assert_string_equal(out(), "");
	assert_int_equal(run(true, "list"), 0);
	assert_string_equal(out(), "[]\n");
	assert_int_equal(run(true, "show"), 0);
	assert_string_equal(out(), "[]\n");

	assert_int_equal(run(false, "create bond0 mode active-backup"), 0);
	assert_int_equal(run(false, "create bond1"), 0);
	assert_int_equal(run(false, "enslave bond1 eth3"), 0);
	assert_int_equal(run(false, "list"), 0);
	assert_string_equal(out(), "bond0\nbond1\n");
	assert_int_equal(run(true, "list"), 0);
	assert_string_equal(out(), "[\"bond0\",\"bond1\"]\n");

	/* show BOND is status_text; show is each bond, one blank line between. */
	sb_init(&want);
	status_text(engine_bond_find(fake.eng, "bond0"), true, &want);
	assert_int_equal(run(false, "show bond0"), 0);
	assert_string_equal(out(), sb_str(&want));
	if (!(want.len >= 2 && want.buf[want.len - 2] == '\n'))
		sb_puts(&want, "\n");
	status_text(engine_bond_find(fake.eng, "bond1"), true, &want);
	assert_int_equal(run(false, "show"), 0);
	assert_string_equal(out(), sb_str(&want));

	sb_reset(&want);
	sb_puts(&want, "[");
	/* show reads the backend's clock (how long each link is in its state) */
	status_json_io(engine_bond_find(fake.eng, "bond0"), &(struct ctl_bond_io){ .now_ms = fake.now },
		       &want);
	sb_puts(&want, ",");
	status_json_io(engine_bond_find(fake.eng, "bond1"), &(struct ctl_bond_io){ .now_ms = fake.now },
		       &want);
	sb_puts(&want, "]\n");
	assert_int_equal(run(true, "show"), 0);
	assert_string_equal(out(), sb_str(&want));
	assert_int_equal(run(true, "show bond1"), 0);
	assert_int_equal(out()[0], '{');
	sb_free(&want);

	assert_int_equal(run(false, "delete bond0"), 0);
	assert_int_equal(run(false, "delete bond1"), 0);
}

static void test_options_help_version(void **state)
{
	size_t i;

	assert_int_equal(run(false, "options"), 0);
	for (i = 0; i < OPT__COUNT; i++) {
		char key[64];

		snprintf(key, sizeof(key), "%s%s", i ? "\n\n" : "", opt_table[i].name);
		assert_non_null(strstr(out(), key));
	}
	assert_non_null(strstr(out(), "\nmiimon\n"));
	assert_non_null(strstr(out(), "values: 0-2147483647, off (0)\n    default: off (0)\n"));
	assert_non_null(strstr(out(), "default: balance-rr\n    modes: all\n"));
	assert_int_equal(run(true, "options"), 0);
	assert_true(strncmp(out(), "[{\"name\":\"mode\",", 16) == 0);
	assert_string_equal(out() + last.out.len - 3, "}]\n");

	assert_int_equal(run(false, "help"), 0);
	assert_non_null(strstr(out(), "set-slave BOND IF OPTION VALUE"));
	assert_int_equal(run(false, "version"), 0);
	assert_string_equal(out(), "bondd " BONDD_VERSION " (Linux bonding "
			    BONDD_KERNEL_COMPAT " behaviour)\n");
	assert_int_equal(run(true, "version"), 0);
	assert_non_null(strstr(out(), "\"version\":\"" BONDD_VERSION "\""));
}

/* bondctl vlan: add, del, the table, JSON, and what show says of them. */
static void test_vlan(void **state)
{
	assert_int_equal(run(false, "create bond0 mode active-backup"), 0);
	assert_int_equal(run(false, "vlan"), 0);
	assert_string_equal(out(), "");
	assert_int_equal(run(false, "vlan add bond0 100"), 0);
	assert_int_equal(run(false, "vlan add bond0 200 name mgmt"), 0);
	/* refused: range (by the backend), not a number, twice, no bond */
	assert_int_equal(run(false, "vlan add bond0 4095"), CTL_EXIT_REFUSED);
	assert_non_null(strstr(errs(), "out of range"));
	assert_int_equal(run(false, "vlan add bond0 10x"), CTL_EXIT_REFUSED);
	assert_non_null(strstr(errs(), "not a number"));
	assert_int_equal(run(false, "vlan add bond0 100"), CTL_EXIT_REFUSED);
	assert_int_equal(run(false, "vlan add bond9 100"), CTL_EXIT_REFUSED);
	assert_string_equal(errs(), "bondctl: bond9: no such bond\n");
	assert_int_equal(run(false, "vlan add bond0 300 label x"), CTL_EXIT_USAGE);
	assert_int_equal(run(false, "vlan add bond0"), CTL_EXIT_USAGE);
	assert_int_equal(run(false, "vlan show bond0 extra"), CTL_EXIT_USAGE);
	assert_int_equal(run(false, "vlan show bond9"), CTL_EXIT_REFUSED);
	assert_int_equal(run(false, "vlan show"), 0);
	assert_string_equal(out(),
		"NAME             BOND             VID   STATE           MTU    ADDRESSES\n"
		"bond0.100        bond0            100   DOWN            1500   -\n"
		"mgmt             bond0            200   DOWN            1500   -\n");
	assert_int_equal(run(true, "vlan bond0"), 0);
	assert_non_null(strstr(out(), "[{\"name\":\"bond0.100\",\"bond\":\"bond0\",\"vid\":100,"
				      "\"protocol\":\"802.1Q\""));
	assert_non_null(strstr(out(), "\"state\":\"DOWN\",\"addresses\":[],\"stats\":{\"rx_packets\":0"));
	/* show: the /proc text, then the VLANs; -j: "vlans" in the bond */
	assert_int_equal(run(false, "show bond0"), 0);
	assert_non_null(strstr(out(), "\n\nVLAN Sub-Interfaces:\nNAME "));
	assert_int_equal(run(true, "show bond0"), 0);
	assert_non_null(strstr(out(), ",\"vlans\":[{\"name\":\"bond0.100\""));
	/* ip-details: iproute2's words for a kernel VLAN device */
	assert_int_equal(run(false, "ip-details mgmt"), 0);
	assert_string_equal(out(), "mgmt vlan protocol 802.1Q id 200 <REORDER_HDR> \n");
	/* del by VID and by name */
	assert_int_equal(run(false, "vlan del bond0 100"), 0);
	assert_int_equal(run(false, "vlan del bond0 100"), CTL_EXIT_REFUSED);
	assert_int_equal(run(false, "vlan del bond0 mgmt"), 0);
	assert_int_equal(run(false, "vlan show bond0"), 0);
	assert_string_equal(out(), "");
	assert_int_equal(run(false, "show bond0"), 0);
	assert_null(strstr(out(), "VLAN"));
	/* who may run which form */
	assert_int_equal(ctl_request_read_only(1, (char *[]){ "vlan", NULL }), 1);
	assert_int_equal(ctl_request_read_only(2, (char *[]){ "vlan", "show", NULL }), 1);
	assert_int_equal(ctl_request_read_only(2, (char *[]){ "vlan", "bond0", NULL }), 1);
	assert_int_equal(ctl_request_read_only(3, (char *[]){ "vlan", "add", "bond0", NULL }), 0);
	assert_int_equal(ctl_request_read_only(3, (char *[]){ "vlan", "del", "bond0", NULL }), 0);
	assert_int_equal(ctl_request_read_only(1, (char *[]){ "show", NULL }), 1);
	assert_int_equal(ctl_request_read_only(2, (char *[]){ "create", "b", NULL }), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_usage_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_set_get_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enslave_release_active, setup, teardown),
		cmocka_unit_test_setup_teardown(test_up_down, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_show, setup, teardown),
		cmocka_unit_test_setup_teardown(test_options_help_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vlan, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
