/* Crash recovery from the slave journal (see recover.h). */
#include "recover.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hide.h"
#include "journal.h"
#include "slave_state.h"

int recover_ns_init(struct recover_ns *ns, const char *root, struct err *err)
{
	memset(ns, 0, sizeof(*ns));
	if (journal_netns(&ns->inode, &ns->cookie, err) < 0)
		return err->code;
	return journal_dir(root, ns->dir, sizeof(ns->dir), err);
}

static bool read_comm(int pid, char *out, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, out, size - 1);
	close(fd);
	if (n <= 0)
		return false;
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
	return true;
}

bool recover_pid_is_bondd(int pid, uint64_t inode)
{
	char comm[32], path[64];
	struct stat st;

	if (pid <= 0 || !read_comm(pid, comm, sizeof(comm)) || strcmp(comm, "bondd"))
		return false;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	/* Its namespace unreadable: assume it could be ours (never restore
	 * what a live daemon may hold). */
	if (stat(path, &st) < 0)
		return true;
	return st.st_ino == inode;
}

int recover_other_bondd(uint64_t inode, int self)
{
	struct dirent *de;
	int found = 0;
	DIR *dp = opendir("/proc");

	if (!dp)
		return 0;
	while (!found && (de = readdir(dp))) {
		int pid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = atoi(de->d_name);
		if (pid != self && recover_pid_is_bondd(pid, inode))
			found = pid;
	}
	closedir(dp);
	return found;
}

/* "MAC a, MTU n, ..." : what restoring changes on the device now. */
static void describe(struct rtnl *r, const struct slave_saved *s, const struct rtnl_link *cur,
		     struct strbuf *msg)
{
	struct hide_probe p;
	char mac[18];
	int v6 = sysctl_disable_ipv6_get(cur->name);
	bool any = false;

	if (!mac_eq(cur->mac, s->mac)) {
		sb_printf(msg, "%sMAC %s", any ? ", " : "", mac_fmt(s->mac, mac));
		any = true;
	}
	if (cur->mtu != s->mtu) {
		sb_printf(msg, "%sMTU %u", any ? ", " : "", s->mtu);
		any = true;
	}
	if (s->disable_ipv6 >= 0 && v6 != s->disable_ipv6) {
		sb_printf(msg, "%sdisable_ipv6 %d", any ? ", " : "", s->disable_ipv6);
		any = true;
	}
	if (hide_probe(r, cur->ifindex, &p, NULL) == 0 && p.has_ours) {
		sb_printf(msg, "%stc hiding filter removed", any ? ", " : "");
		any = true;
	}
	if (!!(cur->flags & IFF_UP) != s->was_up) {
		sb_printf(msg, "%s%s", any ? ", " : "", s->was_up ? "up" : "down");
		any = true;
	}
	if (!any)
		sb_printf(msg, "nothing differed");
}

enum recover_result recover_entry(struct rtnl *r, const struct recover_ns *ns,
				  const char *file, int self, int *owner, struct strbuf *msg)
{
	struct journal_entry e;
	struct rtnl_link cur;
	struct err err;

	*owner = 0;
	err_clear(&err);
	int rc = journal_read(ns->dir, file, &e, &err);

	if (rc == -ENOENT)
		return RECOVER_NONE;
	if (rc < 0) {
		int arc = journal_set_aside(ns->dir, file);

		sb_printf(msg, "%s: journal entry unreadable (%s); %s", file, err.msg,
			  arc == 0 ? "moved aside to .bad, nothing restored" : "nothing restored");
		return RECOVER_BAD;
	}
	*owner = e.pid;
	if (e.netns && ns->cookie && e.netns != ns->cookie) {
		journal_remove(ns->dir, file);
		sb_printf(msg, "%s: journal entry of an earlier network namespace with the same inode: dropped",
			  file);
		return RECOVER_STALE;
	}
	if (e.pid != self && recover_pid_is_bondd(e.pid, ns->inode)) {
		sb_printf(msg, "%s: held by bondd pid %d (bond %s)", file, e.pid, e.bond);
		return RECOVER_BUSY;
	}
	if (rtnl_link_get_index(r, e.saved.ifindex, &cur, &err) < 0) {
		if (err.code != -ENODEV) {
			sb_printf(msg, "%s: cannot look up ifindex %d: %s; journal entry kept", file,
				  e.saved.ifindex, err.msg);
			return RECOVER_FAILED;
		}
		journal_remove(ns->dir, file);
		sb_printf(msg, "%s (ifindex %d, bond %s, bondd pid %d) no longer exists: journal entry dropped",
			  file, e.saved.ifindex, e.bond, e.pid);
		return RECOVER_GONE;
	}
	if (strcmp(cur.name, e.saved.name))
		sb_printf(msg, "%s (now named %s): ", e.saved.name, cur.name);
	else
		sb_printf(msg, "%s: ", cur.name);
	describe(r, &e.saved, &cur, msg);
	snprintf(e.saved.name, sizeof(e.saved.name), "%s", cur.name);
	err_clear(&err);
	if (slave_state_restore(r, &e.saved, &err) < 0) {
		sb_printf(msg, "; restoring failed: %s; journal entry kept", err.msg);
		return RECOVER_FAILED;
	}
	journal_remove(ns->dir, file);
	sb_printf(msg, " (restored from the journal of bondd pid %d, bond %s)", e.pid, e.bond);
	return RECOVER_RESTORED;
}
