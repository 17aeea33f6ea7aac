/* src/linux/journal.c: the slave journal's codec and files. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "linux/journal.h"
#include "linux/nslock.h"

static struct journal_entry sample(const char *name)
{
	struct journal_entry e;

	memset(&e, 0, sizeof(e));
	snprintf(e.saved.name, sizeof(e.saved.name), "%s", name);
	e.saved.ifindex = 7;
	memcpy(e.saved.mac, "\x02\x00\x00\xaa\xbb\x01", 6);
	e.saved.mtu = 9000;
	e.saved.was_up = true;
	e.saved.disable_ipv6 = -1;
	e.saved.hide.created_qdisc = true;
	e.saved.hide.installed = true;
	snprintf(e.bond, sizeof(e.bond), "bond0");
	e.pid = 4242;
	return e;
}

static void round_trip(void **state)
{
	struct journal_entry e = sample("eth0"), back;
	struct strbuf sb;
	struct err err;

	(void)state;
	sb_init(&sb);
	journal_format(&e, &sb);
	assert_string_equal(sb_str(&sb),
		"bondd-journal 1\nname eth0\nifindex 7\nbond bond0\npid 4242\n"
		"mac 02:00:00:aa:bb:01\nmtu 9000\nup 1\ndisable_ipv6 -1\nclsact_ours 1\nend\n");
	assert_int_equal(journal_parse(sb.buf, sb.len, &back, &err), 0);
	assert_memory_equal(&back.saved.mac, e.saved.mac, 6);
	assert_string_equal(back.saved.name, "eth0");
	assert_string_equal(back.bond, "bond0");
	assert_int_equal(back.saved.ifindex, 7);
	assert_int_equal(back.saved.mtu, 9000);
	assert_true(back.saved.was_up);
	assert_int_equal(back.saved.disable_ipv6, -1);
	assert_true(back.saved.hide.created_qdisc);
	assert_true(back.saved.hide.installed);
	assert_int_equal(back.pid, 4242);
	sb_free(&sb);
}

static void refuses_damage(void **state)
{
	static const struct { const char *text, *msg; } bad[] = {
		{ "", "journal: incomplete entry" },
		{ "bondd-journal 2\n", "journal: not a journal entry" },
		{ "bondd-journal 1\nname eth0\nifindex 7\nbond bond0\npid 1\nmac 02:00:00:aa:bb:01\n"
		  "mtu 1500\nup 1\ndisable_ipv6 0\nclsact_ours 1\nen", "journal line 11: unterminated" },
		{ "bondd-journal 1\nname eth0\nend\n", "journal: incomplete entry" },
		{ "bondd-journal 1\nname eth0\nname eth1\n", "journal line 3: repeated key" },
		{ "bondd-journal 1\nmtu 20\n", "journal line 2: bad mtu" },
		{ "bondd-journal 1\nup 2\n", "journal line 2: bad up" },
		{ "bondd-journal 1\nname ../x\n", "journal line 2: bad interface name" },
		{ "bondd-journal 1\nmac 02:00\n", "journal line 2: bad MAC address" },
		{ "bondd-journal 1\ncolour red\n", "journal line 2: unknown key 'colour'" },
		{ "bondd-journal 1\nnoval\n", "journal line 2: expected 'key value'" },
		{ "bondd-journal 1\nname eth0\nifindex 7\nbond bond0\npid 1\nmac 02:00:00:aa:bb:01\n"
		  "mtu 1500\nup 1\ndisable_ipv6 0\nclsact_ours 1\nend\nname x\n",
		  "journal line 12: text after 'end'" },
	};
	struct journal_entry e;
	struct err err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&err);
		assert_int_equal(journal_parse(bad[i].text, strlen(bad[i].text), &e, &err), -22);
		assert_string_equal(err.msg, bad[i].msg);
	}
	err_clear(&err);
	assert_int_equal(journal_parse("bondd-journal 1\n\0x\n", 19, &e, &err), -22);
}

/* The namespace cookie: written only when known, read back exactly. */
static void netns_cookie(void **state)
{
	struct journal_entry e = sample("eth0"), back;
	struct strbuf sb;
	struct err err;

	(void)state;
	e.netns = 18446744073709551615ull;
	sb_init(&sb);
	journal_format(&e, &sb);
	assert_non_null(strstr(sb_str(&sb), "\nnetns 18446744073709551615\nend\n"));
	assert_int_equal(journal_parse(sb.buf, sb.len, &back, &err), 0);
	assert_true(back.netns == e.netns);
	sb_free(&sb);
	static const char *const bad[] = {
		"netns 0\n", "netns -1\n", "netns 18446744073709551616\n", "netns 12x\n",
		"netns  1\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[512];

		snprintf(text, sizeof(text), "bondd-journal 1\nname eth0\nifindex 7\nbond bond0\n"
			 "pid 1\nmac 02:00:00:aa:bb:01\nmtu 1500\nup 1\ndisable_ipv6 0\n"
			 "clsact_ours 1\n%send\n", bad[i]);
		err_clear(&err);
		assert_int_equal(journal_parse(text, strlen(text), &back, &err), -22);
		assert_string_equal(err.msg, "journal line 11: bad netns");
	}
}

static char root[64];

static int make_root(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/test_journal.XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int remove_root(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void count_name(const char *ifname, void *arg)
{
	(void)ifname;
	(*(int *)arg)++;
}

static void files(void **state)
{
	struct journal_entry e = sample("eth1"), back;
	char dir[128], path[160];
	struct err err;
	struct stat st;
	int n = 0;

	(void)state;
	assert_int_equal(journal_dir(root, dir, sizeof(dir), &err), 0);
	assert_int_equal(strncmp(dir, root, strlen(root)), 0);
	assert_non_null(strstr(dir, "/net-"));
	assert_int_equal(journal_read(dir, "eth1", &back, &err), -2);
	assert_int_equal(journal_each(dir, count_name, &n), 0);
	assert_int_equal(journal_write(dir, &e, &err), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(journal_read(dir, "eth1", &back, &err), 0);
	assert_int_equal(back.saved.mtu, 9000);
	e.saved.mtu = 1400;          /* rewritten in place, atomically */
	assert_int_equal(journal_write(dir, &e, &err), 0);
	assert_int_equal(journal_read(dir, "eth1", &back, &err), 0);
	assert_int_equal(back.saved.mtu, 1400);
	snprintf(path, sizeof(path), "%s/eth9.tmp", dir);   /* a crash's leftover */
	fclose(fopen(path, "w"));
	assert_int_equal(journal_each(dir, count_name, &n), 1);
	assert_int_equal(n, 1);
	assert_int_equal(journal_remove(dir, "eth1"), 0);
	assert_int_equal(journal_remove(dir, "eth1"), 0);
	assert_int_equal(journal_read(dir, "eth1", &back, &err), -2);
	assert_int_equal(journal_read(dir, "../x", &back, &err), -22);
}

static void set_aside(void **state)
{
	struct journal_entry e = sample("eth2"), back;
	char dir[128], path[160];
	struct err err;
	int n = 0;

	(void)state;
	assert_int_equal(journal_dir(root, dir, sizeof(dir), &err), 0);
	assert_int_equal(journal_write(dir, &e, &err), 0);
	assert_int_equal(journal_set_aside(dir, "eth2"), 0);
	assert_int_equal(journal_read(dir, "eth2", &back, &err), -2);
	snprintf(path, sizeof(path), "%s/eth2.bad", dir);
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(journal_each(dir, count_name, &n), 0);   /* .bad is skipped */
	assert_int_equal(journal_set_aside(dir, "eth2"), -2);
}

/* One holder at a time; the second learns the first one's pid. */
static void ns_lock(void **state)
{
	char path[160], dir[128], link[200];
	struct err err;
	int fd, fd2, holder = -1;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/run", root);          /* created 0755 */
	assert_int_equal(nslock_path(dir, path, sizeof(path), &err), 0);
	assert_non_null(strstr(path, "/net-"));
	assert_non_null(strstr(path, ".lock"));
	fd = nslock_acquire(path, &holder, &err);
	assert_true(fd >= 0);
	err_clear(&err);
	fd2 = nslock_acquire(path, &holder, &err);
	assert_int_equal(fd2, -EWOULDBLOCK);
	assert_int_equal(holder, getpid());
	assert_int_equal(nslock_set_pid(fd, 4242), 0);
	assert_int_equal(nslock_acquire(path, &holder, &err), -EWOULDBLOCK);
	assert_int_equal(holder, 4242);
	close(fd);
	fd = nslock_acquire(path, &holder, &err);             /* free again */
	assert_true(fd >= 0);
	close(fd);
	/* a planted symlink is not followed */
	snprintf(link, sizeof(link), "%s/net-1.lock", dir);
	assert_int_equal(symlink("/tmp/elsewhere", link), 0);
	assert_true(nslock_acquire(link, &holder, &err) < 0);
	/* a directory others may write is refused */
	assert_int_equal(chmod(dir, 0777), 0);
	err_clear(&err);
	assert_int_equal(nslock_acquire(path, &holder, &err), -EPERM);
	assert_non_null(strstr(err.msg, "only root may write"));
}

static void refuses_symlinked_dir(void **state)
{
	struct journal_entry e = sample("eth0");
	char link[128], target[128];
	struct err err;

	(void)state;
	snprintf(target, sizeof(target), "%s/elsewhere", root);
	snprintf(link, sizeof(link), "%s/planted", root);
	assert_int_equal(mkdir(target, 0700), 0);
	assert_int_equal(symlink(target, link), 0);
	err_clear(&err);
	assert_int_equal(journal_write(link, &e, &err), -1);
	assert_non_null(strstr(err.msg, "is not a private directory"));
}

static void count_names(const char *name, void *arg)
{
	(void)name;
	(*(unsigned *)arg)++;
}

/* VLAN entries: round trip, damage refused, files apart from the slaves'. */
static void vlan_entries(void **state)
{
	struct journal_vlan v = { .name = "bond0.100", .bond = "bond0", .vid = 100,
				  .ifindex = 7, .pid = 42, .netns = 99 }, back;
	struct journal_entry e = sample("eth0");
	struct strbuf sb;
	struct err err;
	char dir[160];
	unsigned n = 0;
	static const char *const bad[] = {
		"bondd-vlan 1\nname bond0.100\nbond bond0\nvid 0\nifindex 7\npid 1\nnetns 1\nend\n",
		"bondd-vlan 1\nname bond0.100\nbond bond0\nvid 4095\nifindex 7\npid 1\nnetns 1\nend\n",
		"bondd-vlan 1\nname bond0.100\nbond bond0\nvid 100\nifindex 7\npid 1\nnetns 1\n",
		"bondd-vlan 1\nname bond0.100\nbond bond0\nvid 100\npid 1\nnetns 1\nend\n",
		"bondd-vlan 1\nname a:b\nbond bond0\nvid 100\nifindex 7\npid 1\nnetns 1\nend\n",
		"bondd-journal 1\nname bond0.100\nbond bond0\nvid 100\nifindex 7\npid 1\nnetns 1\nend\n",
		"bondd-vlan 1\nname bond0.100\nname bond0.100\nbond bond0\nvid 100\nifindex 7\npid 1\nnetns 1\nend\n",
	};

	(void)state;
	sb_init(&sb);
	journal_vlan_format(&v, &sb);
	err_clear(&err);
	assert_int_equal(journal_vlan_parse(sb.buf, sb.len, &back, &err), 0);
	assert_string_equal(back.name, "bond0.100");
	assert_string_equal(back.bond, "bond0");
	assert_int_equal(back.vid, 100);
	assert_int_equal(back.ifindex, 7);
	assert_int_equal(back.pid, 42);
	assert_int_equal(back.netns, 99);
	sb_free(&sb);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&err);
		assert_int_equal(journal_vlan_parse(bad[i], strlen(bad[i]), &back, &err), -22);
		assert_true(err.msg[0] != '\0');
	}
	/* on disk beside a slave's entry: each list sees only its own */
	snprintf(dir, sizeof(dir), "%s/net-9", root);
	err_clear(&err);
	assert_int_equal(journal_vlan_write(dir, &v, &err), 0);
	assert_int_equal(journal_write(dir, &e, &err), 0);
	assert_int_equal(journal_vlan_read(dir, "bond0.100", &back, &err), 0);
	assert_int_equal(back.vid, 100);
	assert_int_equal(journal_each(dir, count_names, &n), 1);
	n = 0;
	assert_int_equal(journal_vlan_each(dir, count_names, &n), 1);
	assert_int_equal(journal_vlan_remove(dir, "bond0.100"), 0);
	assert_int_equal(journal_vlan_read(dir, "bond0.100", &back, &err), -ENOENT);
	assert_int_equal(journal_vlan_each(dir, count_names, &n), 0);
	assert_int_equal(journal_remove(dir, "eth0"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(refuses_damage),
		cmocka_unit_test(netns_cookie),
		cmocka_unit_test_setup_teardown(set_aside, make_root, remove_root),
		cmocka_unit_test_setup_teardown(ns_lock, make_root, remove_root),
		cmocka_unit_test_setup_teardown(files, make_root, remove_root),
		cmocka_unit_test_setup_teardown(refuses_symlinked_dir, make_root, remove_root),
		cmocka_unit_test_setup_teardown(vlan_entries, make_root, remove_root),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
