/* `bondctl cleanup [IF...]` (see cleanup.h). */
#include "cleanup.h"

#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl/ctl_proto.h"
#include "lib/util.h"
#include "linux/hide.h"
#include "linux/journal.h"
#include "linux/nslock.h"
#include "linux/recover.h"
#include "linux/rtnl.h"
#include "linux/tap.h"

/* An interface with our hiding filter and no journal entry (a bondd from
 * before the journal, or one whose entry was removed by hand): the filter
 * goes; nothing says what its MAC or IPv6 setting were. */
static int strip_leftover(const char *prog, struct rtnl *r, const char *ifname, bool named)
{
	struct hide_probe hp;
	struct err err = { 0 };
	bool qdisc_gone;
	int ifindex = (int)if_nametoindex(ifname);

	if (!ifindex) {
		if (named)
			fprintf(stderr, "%s: cleanup: %s: no such interface and no journal entry\n",
				prog, ifname);
		return named ? -ENODEV : 0;
	}
	if (hide_probe(r, ifindex, &hp, &err) < 0) {
		fprintf(stderr, "%s: cleanup: %s\n", prog, err.msg);
		return -EIO;
	}
	if (!hp.has_ours) {
		if (named)
			printf("%s: no journal entry and no hiding filter: nothing to restore\n", ifname);
		return 0;
	}
	if (hide_remove_leftover(r, ifindex, &qdisc_gone, &err) < 0) {
		fprintf(stderr, "%s: cleanup: %s: %s\n", prog, ifname, err.msg);
		return -EIO;
	}
	printf("%s: tc hiding filter (handle 0xb0dd)%s removed; no journal entry, so its MAC, MTU and IPv6 setting stay as found\n",
	       ifname, qdisc_gone ? " and its clsact qdisc" : "");
	return 0;
}

/* A VLAN sub-interface's entry (journal.h, "vlan:NAME"): the persistent
 * TAP a dead bondd left for it goes (only when it is still the device the
 * entry names: same ifindex, a TAP), then the entry. 0, or -errno after a
 * message. */
static int cleanup_vlan(const char *prog, struct rtnl *r, const struct recover_ns *ns,
			const char *name)
{
	struct journal_vlan v;
	struct rtnl_link l;
	struct err err = { 0 };
	bool existed;
	int fd, rc;

	if (journal_vlan_read(ns->dir, name, &v, &err) < 0) {
		fprintf(stderr, "%s: cleanup: %s\n", prog, err.msg);
		return -EIO;
	}
	if (rtnl_link_get(r, name, &l, NULL) == 0 && v.ifindex && l.ifindex == v.ifindex &&
	    !strcmp(l.kind, "tun")) {
		fd = tap_attach(name, &existed, &err);
		if (fd < 0) {
			fprintf(stderr, "%s: cleanup: %s\n", prog, err.msg);
			return -EIO;
		}
		rc = tap_set_persist(fd, false);
		tap_close(fd);
		if (rc < 0) {
			fprintf(stderr, "%s: cleanup: %s: cannot clear the TAP's persistence: %s\n",
				prog, name, strerror(-rc));
			return rc;
		}
		printf("%s: VLAN %u of %s: the TAP bondd pid %d left removed\n", name, v.vid, v.bond,
		       v.pid);
	} else {
		printf("%s: VLAN %u of %s: gone already; journal entry dropped\n", name, v.vid, v.bond);
	}
	rc = journal_vlan_remove(ns->dir, name);
	if (rc < 0) {
		fprintf(stderr, "%s: cleanup: %s: cannot remove its journal entry: %s\n", prog, name,
			strerror(-rc));
		return rc;
	}
	return 0;
}

int bondctl_cleanup(const char *prog, int n, const char *const w[])
{
	char lock[PATH_MAX], who[96];
	struct recover_ns ns;
	struct journal_names l = { 0 };
	struct err err = { 0 };
	struct rtnl *r;
	int fd, holder, rc = CTL_EXIT_OK;

	for (int i = 1; i < n; i++)
		if (!ifname_valid(w[i])) {
			fprintf(stderr, "%s: cleanup: invalid interface name '%s'\n", prog, w[i]);
			return CTL_EXIT_USAGE;
		}
	if (nslock_path(BONDD_RUN_DIR, lock, sizeof(lock), &err) < 0 ||
	    recover_ns_init(&ns, JOURNAL_ROOT, &err) < 0) {
		fprintf(stderr, "%s: cleanup: %s\n", prog, err.msg);
		return CTL_EXIT_REFUSED;
	}
	/* Held while restoring: no bondd starts (and enslaves) meanwhile. */
	fd = nslock_acquire(lock, &holder, &err);
	if (fd == -EWOULDBLOCK) {
		nslock_describe_holder(holder, who, sizeof(who));
		fprintf(stderr, "%s: cleanup: %s runs in this network namespace and owns its slaves: use '%s release BOND IF' (or stop bondd, which gives every slave back)\n",
			prog, who, prog);
		return CTL_EXIT_REFUSED;
	}
	if (fd < 0) {
		fprintf(stderr, "%s: cleanup: %s\n", prog, err.msg);
		return CTL_EXIT_REFUSED;
	}
	/* A bondd that does not take the lock (another /run, an older
	 * version) may still own the slaves: never take them from it. */
	holder = recover_other_bondd(ns.inode, getpid());
	if (holder) {
		fprintf(stderr, "%s: cleanup: bondd (pid %d) runs in this network namespace and owns its slaves: use '%s release BOND IF' (or stop bondd, which gives every slave back)\n",
			prog, holder, prog);
		close(fd);
		return CTL_EXIT_REFUSED;
	}
	r = rtnl_open(false, &err);
	if (!r) {
		fprintf(stderr, "%s: cleanup: %s\n", prog, err.msg);
		close(fd);
		return CTL_EXIT_REFUSED;
	}
	if (n > 1) {
		for (int i = 1; i < n; i++) {
			struct journal_vlan v;
			struct err e2 = { 0 };

			/* a VLAN sub-interface bondd made: its own entry */
			if (journal_vlan_read(ns.dir, w[i], &v, &e2) == 0) {
				if (cleanup_vlan(prog, r, &ns, w[i]) < 0)
					rc = CTL_EXIT_REFUSED;
				continue;
			}
			journal_names_add(w[i], &l);
		}
	} else {
		struct journal_names vl = { 0 };

		/* VLAN TAPs first: they sit on the bonds whose slaves follow */
		if (journal_vlan_each(ns.dir, journal_names_add, &vl) < 0)
			rc = CTL_EXIT_REFUSED;
		for (unsigned i = 0; i < vl.n; i++)
			if (cleanup_vlan(prog, r, &ns, vl.v[i]) < 0)
				rc = CTL_EXIT_REFUSED;
		free(vl.v);
		int c = journal_each(ns.dir, journal_names_add, &l);

		if (c < 0) {
			fprintf(stderr, "%s: cleanup: cannot read %s: %s\n", prog, ns.dir, strerror(-c));
			rc = CTL_EXIT_REFUSED;
		} else if (c == 0) {
			printf("journal %s: no entries, nothing to restore\n", ns.dir);
		}
	}
	for (unsigned i = 0; i < l.n; i++) {
		struct strbuf msg;
		enum recover_result res;
		int owner;

		sb_init(&msg);
		res = recover_entry(r, &ns, l.v[i], 0, &owner, &msg);
		switch (res) {
		case RECOVER_NONE:
			if (strip_leftover(prog, r, l.v[i], n > 1) < 0)
				rc = CTL_EXIT_REFUSED;
			break;
		case RECOVER_RESTORED:
		case RECOVER_GONE:
		case RECOVER_STALE:
			printf("%s\n", sb_str(&msg));
			break;
		default:
			fprintf(stderr, "%s: cleanup: %s\n", prog, sb_str(&msg));
			rc = CTL_EXIT_REFUSED;
			break;
		}
		sb_free(&msg);
	}
	/* Without IF: a hiding filter nobody journalled, on any interface. */
	if (n <= 1) {
		struct if_nameindex *ifs = if_nameindex();

		for (struct if_nameindex *p = ifs; p && p->if_index; p++)
			if (strip_leftover(prog, r, p->if_name, false) < 0)
				rc = CTL_EXIT_REFUSED;
		if (ifs)
			if_freenameindex(ifs);
	}
	free(l.v);
	rtnl_close(r);
	close(fd);
	return rc;
}
