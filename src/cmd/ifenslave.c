/* ifenslave: the classic bonding tool's command line over bondd.
 *
 * Behaviour follows the last ifenslave distributions shipped, Debian's
 * ifenslave 2.x script over sysfs (ifenslave 2.1 to 2.9, 2013-2020, until
 * 2.10 dropped it for iproute2), with the C ifenslave 1.1.0 of the kernel's
 * Documentation/networking/ for what that script left out (showing a
 * master's state, usage errors):
 *
 *   ifenslave [-f] [-v] MASTER SLAVE...   enslave, in order
 *   ifenslave -d [-v] MASTER SLAVE...     detach, in order
 *   ifenslave -c [-v] MASTER SLAVE        change the active slave
 *   ifenslave MASTER                      MASTER's status (C ifenslave)
 *   ifenslave -a                          every bond's status
 *   ifenslave -h | -u | -V                help, usage, version
 *
 * Checks and messages are the script's, one line each on stderr:
 * "bond0: no such interface", "bond0: is not a bonding interface",
 * "eth0: does not appear to be an Ethernet interface (use -f to force)",
 * "eth0: could not add interface", ... An interface already enslaved
 * (or, with -d, not enslaved) is reported and skipped, and does not change
 * the exit status; any other failure stops at once with status 1, leaving
 * the slaves done before it in place (the script runs under set -e).
 * Where the script's sysfs write would have failed, bondd's own reason is
 * printed first, as the shell would print the write error.
 *
 * Exit status: 0 done, 1 refused or failed (bondd not reachable included:
 * ifenslave callers only know 0 and 1), 2 bad command line (an unknown or
 * a second exclusive option: C ifenslave's usage error).
 *
 * Where bondd differs from the kernel under the script:
 * - The master must be a bond of bondd ("bondctl create bond0 ..."): the
 *   script never created masters either.
 * - The script set each slave down before enslaving it; bondd needs no
 *   such step and gives the slave back as it found it on release.
 * - -f skips only this program's Ethernet check. bondd itself enslaves
 *   Ethernet devices only, so a forced non-Ethernet slave is then refused
 *   by the daemon, with its reason. */
#include "ifenslave.h"

#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client.h"
#include "ctl/ctl_proto.h"

#define PROG "ifenslave"

/* Exit statuses, ifenslave's own. */
#define IFS_OK    0
#define IFS_FAIL  1
#define IFS_USAGE 2

static const char usage_text[] =
	"Usage: ifenslave [-f] [-v] <master-if> <slave-if> [<slave-if>...]\n"
	"       ifenslave -d   [-v] <master-if> <slave-if> [<slave-if>...]\n"
	"       ifenslave -c   [-v] <master-if> <slave-if>\n"
	"       ifenslave <master-if>\n"
	"       ifenslave -a\n"
	"       ifenslave {-h|-u|-V}\n";

static const char help_text[] =
	"\n"
	"This ifenslave is a front end of bondctl: it asks bondd, the userspace\n"
	"bonding daemon, through its control socket ($" CTL_SOCKET_ENV ", else\n"
	CTL_DEFAULT_SOCKET ").\n"
	"\n"
	"  Create the bond first (ifenslave never creates one):\n"
	"    # bondctl create bond0 mode active-backup miimon 100\n"
	"    # ip addr add 192.0.2.1/24 dev bond0\n"
	"  Attach interfaces, in order:\n"
	"    # ifenslave [{-f|--force}] bond0 eth0 [eth1 [eth2]...]\n"
	"  Detach interfaces (each is given back as it was before):\n"
	"    # ifenslave {-d|--detach} bond0 eth0 [eth1 [eth2]...]\n"
	"  Change the active slave:\n"
	"    # ifenslave {-c|--change-active} bond0 eth1\n"
	"  Show a bond's status (as /proc/net/bonding/bond0 would):\n"
	"    # ifenslave bond0\n"
	"  Show every bond's status:\n"
	"    # ifenslave {-a|--all-interfaces}\n"
	"\n"
	"  -v, --verbose   say each step\n"
	"  -f, --force     skip the Ethernet check (bondd still enslaves\n"
	"                  Ethernet devices only)\n"
	"  -u, --usage     show the usage lines\n"
	"  -V, --version   show the version\n"
	"  -h, --help      this text\n"
	"\n"
	"Exit status: 0 done, 1 failed, 2 bad command line. See bondctl(8).\n";

struct ifs {
	const char *sock;
	bool verbose, force;
};

/* Prints msg as the script's error() does and returns its status. */
static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return IFS_FAIL;
}

/* Relays what bondd wrote for stderr, in our name: its lines start with
 * "bondctl: ", the name of the client it writes for. */
static void relay_err(const char *text)
{
	static const char tag[] = "bondctl: ";
	const char *line = text, *nl;

	while (*line) {
		nl = strchr(line, '\n');
		if (!strncmp(line, tag, sizeof(tag) - 1)) {
			fputs(PROG ": ", stderr);
			line += sizeof(tag) - 1;
		}
		if (!nl) {
			fprintf(stderr, "%s\n", line);
			break;
		}
		fwrite(line, 1, (size_t)(nl - line) + 1, stderr);
		line = nl + 1;
	}
}

/* One request whose answer we read ourselves. Returns 0 with the reply in
 * *r, or IFS_FAIL after the client said why (no daemon, bad reply). */
static int call(const struct ifs *o, struct client_reply *r, int argc, const char *const argv[])
{
	return client_call(PROG, o->sock, argc, argv, false, r) ? IFS_FAIL : IFS_OK;
}

/* One command done for its effect; the daemon's complaint, if any, is
 * relayed. Returns 0 if it was done. */
static int act(const struct ifs *o, int argc, const char *const argv[])
{
	struct client_reply r;
	int rc;

	if (call(o, &r, argc, argv))
		return IFS_FAIL;
	rc = r.status == CTL_EXIT_OK ? IFS_OK : IFS_FAIL;
	if (rc)
		relay_err(r.err);
	client_reply_free(&r);
	return rc;
}

/* Relays a status text ("show"). */
static int show(const struct ifs *o, const char *bond)
{
	const char *argv[2] = { "show", bond };
	int status;

	status = client_run(PROG, o->sock, bond ? 2 : 1, argv, false);
	return status == CTL_EXIT_OK ? IFS_OK : IFS_FAIL;
}

/* True if word is one of the whitespace-separated words of list. */
static bool in_words(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while (*p) {
		size_t len;

		p += strspn(p, " \t\n");
		len = strcspn(p, " \t\n");
		if (len == n && n && !strncmp(p, word, n))
			return true;
		p += len;
	}
	return false;
}

/* The script's master checks: the interface exists, and it is a bond
 * (here: one of bondd's). */
static int check_master(const struct ifs *o, const char *master)
{
	const char *argv[1] = { "list" };
	struct client_reply r;
	bool is_bond;

	if (call(o, &r, 1, argv))
		return IFS_FAIL;
	is_bond = r.status == CTL_EXIT_OK && in_words(r.out, master);
	if (r.status != CTL_EXIT_OK)
		relay_err(r.err);
	client_reply_free(&r);
	if (is_bond)
		return IFS_OK;
	if (strlen(master) >= IFNAMSIZ || !if_nametoindex(master))
		return fail("%s: no such interface", master);
	return fail("%s: is not a bonding interface", master);
}

/* The master's slaves, as "get BOND slaves" prints them ("eth0 eth1");
 * NULL after a message if they cannot be read. */
static char *get_slaves(const struct ifs *o, const char *master)
{
	const char *argv[3] = { "get", master, "slaves" };
	struct client_reply r;
	char *list;

	if (call(o, &r, 3, argv))
		return NULL;
	if (r.status != CTL_EXIT_OK) {
		relay_err(r.err);
		client_reply_free(&r);
		return NULL;
	}
	list = r.out;
	r.out = NULL;
	client_reply_free(&r);
	return list;
}

enum if_kind { IF_MISSING, IF_ETHERNET, IF_OTHER };

/* What the slave is, from its hardware address type (ARPHRD_*), which is
 * what /sys/class/net/IF/type shows and the script reads. */
static enum if_kind if_kind(const char *name)
{
	struct ifreq ifr;
	int fd, rc;

	if (strlen(name) >= IFNAMSIZ || !*name)
		return IF_MISSING;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return if_nametoindex(name) ? IF_OTHER : IF_MISSING;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strlen(name));
	rc = ioctl(fd, SIOCGIFHWADDR, &ifr);
	close(fd);
	if (rc < 0)
		return errno == ENODEV ? IF_MISSING : IF_OTHER;
	return ifr.ifr_hwaddr.sa_family == ARPHRD_ETHER ? IF_ETHERNET : IF_OTHER;
}

static int change_active(const struct ifs *o, const char *master, int n, char **slaves)
{
	const char *argv[3] = { "active", master, slaves[0] };

	if (n > 1)
		return fail("You can only set one interface to be the active slave!");
	if (o->verbose)
		printf("Changing active slave of %s to %s\n", master, slaves[0]);
	fflush(stdout);
	if (act(o, 3, argv))
		return fail("%s: could not set %s to active slave", master, slaves[0]);
	return IFS_OK;
}

/* Enslaves or detaches each slave in order, as the script's loop. */
static int each_slave(const struct ifs *o, const char *master, int n, char **slaves,
		      bool detach)
{
	char *current = get_slaves(o, master);
	int i, rc = IFS_OK;

	if (!current)
		return IFS_FAIL;
	for (i = 0; i < n && rc == IFS_OK; i++) {
		const char *s = slaves[i];
		const char *argv[3] = { detach ? "release" : "enslave", master, s };
		enum if_kind kind = if_kind(s);
		bool enslaved;

		if (kind == IF_MISSING) {
			rc = fail("%s: no such interface", s);
			break;
		}
		/* Done earlier in this run counts too ("bond0 eth0 eth0"). */
		enslaved = in_words(current, s);
		if (!detach && enslaved) {
			fprintf(stderr, "%s: already enslaved to %s\n", s, master);
			continue;
		}
		if (detach && !enslaved) {
			fprintf(stderr, "%s: is not enslaved to %s\n", s, master);
			continue;
		}
		if (!detach && kind != IF_ETHERNET && !o->force) {
			rc = fail("%s: does not appear to be an Ethernet interface (use -f to force)", s);
			break;
		}
		if (o->verbose)
			printf(detach ? "Detaching slave %s from master %s\n" :
			       "Adding slave %s to master %s\n", s, master);
		fflush(stdout);
		if (act(o, 3, argv)) {
			rc = fail(detach ? "%s: could not detach interface" :
				  "%s: could not add interface", s);
			break;
		}
		free(current);
		current = get_slaves(o, master);
		if (!current)
			return IFS_FAIL;
	}
	free(current);
	return rc;
}

int ifenslave_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all-interfaces", no_argument, NULL, 'a' },
		{ "change-active",  no_argument, NULL, 'c' },
		{ "detach",         no_argument, NULL, 'd' },
		{ "force",          no_argument, NULL, 'f' },
		{ "help",           no_argument, NULL, 'h' },
		{ "usage",          no_argument, NULL, 'u' },
		{ "verbose",        no_argument, NULL, 'v' },
		{ "version",        no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct ifs o = { .sock = ctl_socket_path(NULL) };
	int c, exclusive = 0, action = 0, rc;
	const char *master;

	while ((c = getopt_long(argc, argv, "acdfhuvV", longopts, NULL)) != -1) {
		switch (c) {
		case 'v':
			o.verbose = true;
			break;
		case 'f':
			o.force = true;
			action = c;
			exclusive++;
			break;
		case 'a': case 'c': case 'd': case 'h': case 'u': case 'V':
			action = c;
			exclusive++;
			break;
		default:
			fputs(usage_text, stderr);
			return IFS_USAGE;
		}
	}
	/* As C ifenslave: the actions exclude each other (and -f, which
	 * only qualifies an enslave). */
	if (exclusive > 1) {
		fputs(usage_text, stderr);
		return IFS_USAGE;
	}
	switch (action) {
	case 'V':
		printf(PROG " (bondd %s): ifenslave 2 compatible front end of bondctl\n",
		       BONDD_VERSION);
		return IFS_OK;
	case 'u':
		fputs(usage_text, stdout);
		return IFS_OK;
	case 'h':
		fputs(usage_text, stdout);
		fputs(help_text, stdout);
		return IFS_OK;
	case 'a':
		if (optind != argc) {
			fputs(usage_text, stderr);
			return IFS_USAGE;
		}
		return show(&o, NULL);
	}

	if (optind >= argc)
		return fail("Not enough arguments");
	master = argv[optind++];
	if (optind >= argc && (action == 'c' || action == 'd'))
		return fail("Not enough arguments");
	rc = check_master(&o, master);
	if (rc)
		return rc;
	if (optind >= argc)
		return show(&o, master);
	if (action == 'c')
		return change_active(&o, master, argc - optind, argv + optind);
	return each_slave(&o, master, argc - optind, argv + optind, action == 'd');
}
