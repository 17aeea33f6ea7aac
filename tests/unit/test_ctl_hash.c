/* `bondctl hash` (cmd_hash in src/ctl/ctl_cmd.c) over a bare engine: the
 * slave each mode would pick for a described frame, and the text and JSON
 * that say why. The stand-in daemon is the one test_ctl_cmd.c uses (fake
 * interfaces eth0..eth3, link up, MAC 02:00:00:00:00:0N). Hash values come
 * from test_hash.c, where they are worked out by hand. */
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
#include "ctl/ctl_proto.h"
#include "linux/daemon.h"

/* ---- a stand-in daemon ---------------------------------------------------- */

struct daemon {
	struct engine *eng;
	uint64_t now;
};

static void op_tx(void *ctx, struct slave *s, const uint8_t *f, size_t l, const void *m) {}
static void op_deliver(void *ctx, struct bond *b, const uint8_t *f, size_t l, const void *m) {}
static void op_slave_mac(void *ctx, struct slave *s, const uint8_t mac[6]) {}
static void op_bond_mac(void *ctx, struct bond *b, const uint8_t mac[6]) {}
static void op_carrier(void *ctx, struct bond *b, bool up) {}
static void op_log(void *ctx, int level, const char *line) {}

static const struct engine_ops ops = {
	.tx = op_tx, .deliver = op_deliver, .set_slave_mac = op_slave_mac,
	.set_bond_mac = op_bond_mac, .set_carrier = op_carrier, .log = op_log,
};

struct engine *daemon_engine(struct daemon *d)
{
	return d->eng;
}

uint64_t daemon_now(struct daemon *d)
{
	return d->now;
}

int daemon_bond_create(struct daemon *d, const char *name, unsigned nopts,
		       const char *const names[], const char *const values[],
		       struct err *err)
{
	struct bond *b;
	int rc;

	if (engine_bond_find(d->eng, name)) {
		err_set(err, -EEXIST, "bonding: %s already exists", name);
		return -EEXIST;
	}
	b = engine_bond_new(d->eng, name, err);
	if (!b)
		return -EINVAL;
	rc = nopts ? opt_set_many(b, nopts, names, values, d->now, err) : 0;
	if (rc) {
		engine_bond_free(d->eng, b, d->now);
		return rc;
	}
	bond_set_admin(b, true, d->now);
	return 0;
}

int daemon_reload(struct daemon *d, struct strbuf *msgs, struct err *err)
{
	err_set(err, -ENOENT, "bondd was started without a configuration (-c FILE or --from FORMAT PATH): nothing to reload");
	return -ENOENT;
}

int daemon_bond_delete(struct daemon *d, const char *name, struct err *err)
{
	struct bond *b = engine_bond_find(d->eng, name);

	if (!b) {
		err_set(err, -ENODEV, "%s: no such bond", name);
		return -ENODEV;
	}
	engine_bond_free(d->eng, b, d->now);
	return 0;
}

int daemon_enslave(struct daemon *d, const char *bond, const char *ifname,
		   struct err *err)
{
	struct link_info li = { .running = true, .carrier = true, .speed = 1000,
				.duplex = DUPLEX_FULL };
	struct bond *b = engine_bond_find(d->eng, bond);
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0 };

	if (strncmp(ifname, "eth", 3) || ifname[3] < '0' || ifname[3] > '3' || ifname[4]) {
		err_set(err, -ENODEV, "%s: interface %s does not exist!", bond, ifname);
		return -ENODEV;
	}
	if (bond_find_slave(b, ifname)) {
		err_set(err, -EBUSY, "%s: (slave %s): Device is already enslaved to %s",
			bond, ifname, bond);
		return -EBUSY;
	}
	mac[5] = (uint8_t)ifname[3];
	return bond_enslave(b, ifname, mac, &li, NULL, d->now, err) ? 0 : -EINVAL;
}

int daemon_release(struct daemon *d, const char *bond, const char *ifname,
		   struct err *err)
{
	struct bond *b = engine_bond_find(d->eng, bond);
	struct slave *s = bond_find_slave(b, ifname);

	if (!s) {
		err_set(err, -EINVAL, "%s: (slave %s): cannot release: not a slave of %s",
			bond, ifname, bond);
		return -EINVAL;
	}
	bond_release(b, s, d->now);
	return 0;
}

int daemon_set(struct daemon *d, const char *bond, unsigned nopts,
	       const char *const names[], const char *const values[], struct err *err)
{
	struct bond *b = engine_bond_find(d->eng, bond);

	return opt_set_many(b, nopts, names, values, d->now, err);
}

/* ---- helpers ------------------------------------------------------------------- */

struct run {
	int rc;
	struct strbuf out, err;
};

static struct daemon dmn;
static struct run last;

/* Runs a command given as one string of space-separated words. */
static int run(bool json, const char *line)
{
	char buf[512], *argv[64], *tok, *save = NULL;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	sb_reset(&last.out);
	sb_reset(&last.err);
	last.rc = ctl_exec(&dmn, argc, argv, json, &last.out, &last.err);
	return last.rc;
}

static const char *out(void)
{
	return last.out.buf ? last.out.buf : "";
}

static const char *errs(void)
{
	return last.err.buf ? last.err.buf : "";
}

static int setup(void **state)
{
	dmn.eng = engine_new(&ops, NULL);
	dmn.now = 1000;
	sb_init(&last.out);
	sb_init(&last.err);
	return dmn.eng ? 0 : -1;
}

static int teardown(void **state)
{
	engine_free(dmn.eng);
	sb_free(&last.out);
	sb_free(&last.err);
	return 0;
}

/* ---- tests ------------------------------------------------------------------------ */

/* 192.0.2.10:1234 -> 198.51.100.20:80 between the MACs of test_hash.c:
 * layer3+4 0x271464e5 (odd: index 1 of 2), layer2+3 0x1e7843fe (even),
 * layer2 0x08bb (odd). */
#define FLOW "smac 00:aa:bb:cc:dd:ee dmac 00:11:22:33:44:55 src 192.0.2.10 " \
	"dst 198.51.100.20 proto tcp sport 1234 dport 80"

static void make_bond(const char *opts)
{
	char line[256];

	snprintf(line, sizeof(line), "create bond0 %s", opts);
	assert_int_equal(run(false, line), 0);
	assert_int_equal(run(false, "enslave bond0 eth0 eth1"), 0);
}

static void test_xor_text(void **state)
{
	make_bond("mode balance-xor xmit_hash_policy layer3+4");
	assert_int_equal(run(false, "hash bond0 " FLOW), 0);
	assert_string_equal(out(),
		"mode: balance-xor (2)\n"
		"policy: layer3+4 (1)\n"
		"frame: IPv4 TCP 192.0.2.10:1234 -> 198.51.100.20:80\n"
		"macs: 00:aa:bb:cc:dd:ee -> 00:11:22:33:44:55\n"
		"hash: 0x271464e5 (655647973)\n"
		"how: ports 0x5000d204 ^ saddr 0x0a0200c0 ^ daddr 0x146433c6: "
		"start value ^ saddr ^ daddr, folded >>16 >>8, then >>1\n"
		"usable slaves: 2 (eth0 eth1)\n"
		"slave: eth1 (index 1 = hash % 2)\n"
		"why: balance-xor: usable[hash % 2]\n");

	assert_int_equal(run(false, "set bond0 xmit_hash_policy layer2+3"), 0);
	assert_int_equal(run(false, "hash bond0 " FLOW), 0);
	assert_non_null(strstr(out(), "hash: 0x1e7843fe (511198206)\n"));
	assert_non_null(strstr(out(), "slave: eth0 (index 0 = hash % 2)\n"));

	/* ARP under layer2+3: the layer2 formula, and why */
	assert_int_equal(run(false, "hash bond0 ethertype arp src 192.0.2.1 dst 192.0.2.2"), 0);
	assert_non_null(strstr(out(), "frame: ARP who-has 192.0.2.2 tell 192.0.2.1\n"));
	assert_non_null(strstr(out(), "how: not IPv4/IPv6 (outer type field): layer2 "
			       "formula: 0x01 ^ 0x30 ^ 0x0806\n"));
	/* dmac default ...:01, smac the bond's ...:30: 0x01 ^ 0x30 ^ 0x0806 = 0x0837 */
	assert_non_null(strstr(out(), "hash: 0x00000837 (2103)\n"));
}

static void test_defaults_named(void **state)
{
	make_bond("mode balance-xor");
	assert_int_equal(run(false, "hash bond0 src 192.0.2.1 dst 192.0.2.2"), 0);
	/* the bond took eth0's MAC, 02:00:00:00:00:30 ('0' = 0x30) */
	assert_non_null(strstr(out(), "macs: 02:00:00:00:00:30 -> 02:00:00:00:00:01 "
			       "(source: the bond's MAC, by default; destination: "
			       "the default)\n"));
	/* layer2: 0x01 ^ 0x30 ^ 0x0800 = 0x0831 */
	assert_non_null(strstr(out(), "policy: layer2 (0)\n"));
	assert_non_null(strstr(out(), "hash: 0x00000831 (2097)\n"));
	assert_non_null(strstr(out(), "slave: eth1 (index 1 = hash % 2)\n"));
}

static void test_json(void **state)
{
	make_bond("mode balance-xor xmit_hash_policy layer3+4");
	assert_int_equal(run(true, "hash bond0 " FLOW), 0);
	assert_string_equal(out(),
		"{\"bond\":\"bond0\",\"mode\":\"balance-xor\",\"mode_id\":2,"
		"\"policy\":\"layer3+4\",\"policy_id\":1,"
		"\"frame\":\"IPv4 TCP 192.0.2.10:1234 -> 198.51.100.20:80\",\"frame_len\":54,"
		"\"smac\":\"00:aa:bb:cc:dd:ee\",\"smac_default\":false,"
		"\"dmac\":\"00:11:22:33:44:55\",\"dmac_default\":false,\"hashed\":true,"
		"\"hash\":655647973,\"hash_hex\":\"0x271464e5\",\"how\":\"ports 0x5000d204 ^ "
		"saddr 0x0a0200c0 ^ daddr 0x146433c6: start value ^ saddr ^ daddr, folded "
		">>16 >>8, then >>1\",\"set\":[\"eth0\",\"eth1\"],\"set_label\":\"usable slaves\","
		"\"index\":1,\"slave\":\"eth1\",\"by_load\":false,"
		"\"reason\":\"balance-xor: usable[hash % 2]\"}\n");
}

static void test_modes_without_hash(void **state)
{
	make_bond("mode active-backup");
	assert_int_equal(run(false, "hash bond0 " FLOW), 0);
	assert_null(strstr(out(), "hash:"));
	assert_non_null(strstr(out(), "slave: eth0\n"));
	assert_non_null(strstr(out(), "why: active-backup: every frame leaves on the "
			       "active slave eth0\n"));
	assert_int_equal(run(true, "hash bond0 " FLOW), 0);
	assert_non_null(strstr(out(), "\"hashed\":false,\"hash\":null"));
	assert_non_null(strstr(out(), "\"slave\":\"eth0\""));
	assert_int_equal(run(false, "delete bond0"), 0);

	make_bond("mode broadcast");
	assert_int_equal(run(false, "hash bond0 " FLOW), 0);
	assert_non_null(strstr(out(), "slaves up: 2 (eth0 eth1)\n"));
	assert_non_null(strstr(out(), "slave: all of them\n"));
	assert_non_null(strstr(out(), "why: broadcast: every frame is copied"));
	assert_int_equal(run(false, "delete bond0"), 0);

	make_bond("mode balance-rr");
	assert_int_equal(run(false, "hash bond0 " FLOW), 0);
	assert_non_null(strstr(out(), "why: balance-rr: frames take the slaves in turn "
			       "(packets_per_slave=1)"));
	assert_non_null(strstr(out(), "slave: eth"));
}

static void test_no_usable_slave(void **state)
{
	assert_int_equal(run(false, "create bond0 mode balance-xor"), 0);
	assert_int_equal(run(false, "hash bond0 " FLOW), 0);
	assert_non_null(strstr(out(), "usable slaves: 0 ()\n"));
	assert_non_null(strstr(out(), "slave: none\n"));
	assert_non_null(strstr(out(), "no usable slave: the frame would be dropped"));
}

static void test_errors(void **state)
{
	assert_int_equal(run(false, "hash"), CTL_EXIT_USAGE);
	assert_int_equal(run(false, "hash bond9 src 192.0.2.1 dst 192.0.2.2"),
			 CTL_EXIT_REFUSED);
	assert_string_equal(errs(), "bondctl: bond9: no such bond\n");
	make_bond("mode balance-xor");
	assert_int_equal(run(false, "hash bond0 src 192.0.2.1 dst 192.0.2.2 colour red"),
			 CTL_EXIT_USAGE);
	assert_non_null(strstr(errs(), "bondctl: hash: unknown word 'colour'"));
	assert_int_equal(run(false, "hash bond0"), CTL_EXIT_USAGE);
	assert_non_null(strstr(errs(), "bondctl: hash: describe the frame"));
	assert_string_equal(out(), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_xor_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_modes_without_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_usable_slave, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
