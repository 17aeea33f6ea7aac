/* The /proc-layout status as files: /run/bondd/bonding/<bond> beside the
 * default control socket /run/bondd/bondd.sock, for scripts and monitoring
 * checks that read /proc/net/bonding/bond0 and can be pointed at another
 * path. A daemon on another socket, DIR/NAME.sock, writes DIR/NAME.bonding/
 * instead, so that daemons of several namespaces sharing DIR (the tests do)
 * keep apart.
 *
 * Each file holds what `bondctl show BOND` prints for a reader who is not
 * root, as the kernel's /proc file does for such a reader: the files are
 * world-readable, so the 802.3ad details the kernel keeps for privileged
 * readers stay out. A file is replaced whole (written aside, renamed over),
 * so a reader never sees half of one, and only when its text changed: the
 * text is rendered again at most every STATUSFILE_MS, and at once after a
 * control request (daemon_statusfile_touch). A bond's file goes when the
 * bond goes, and the directory when bondd stops. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "ctl/ctl_server.h"
#include "ctl/status_text.h"
#include "daemon.h"
#include "daemon_impl.h"
#include "linux/file_replace.h"

/* How stale a file may be after a change the daemon did not ask for (a
 * monitor's verdict, a partner's LACPDU): a tenth of the usual miimon. */
#define STATUSFILE_MS 100

struct statusfile {
	char name[IFNAMSIZ];
	char *text;                 /* what the file holds now */
	bool failed;                /* a write failed: said once */
};

struct statusfiles {
	char dir[PATH_MAX];
	bool dir_failed;
	uint64_t next_ms;
	struct statusfile f[BOND_MAX_BONDS];
	unsigned n;
};

int daemon_statusfile_open(struct daemon *d, const char *ctl_path)
{
	struct statusfiles *sf;
	const char *slash = strrchr(ctl_path, '/');
	const char *base = slash ? slash + 1 : ctl_path;
	size_t dlen = (size_t)(base - ctl_path), blen = strlen(base);
	int n;

	sf = calloc(1, sizeof(*sf));
	if (!sf)
		return -ENOMEM;
	if (blen > 5 && !strcmp(base + blen - 5, ".sock"))
		blen -= 5;
	if (!strcmp(base, "bondd.sock"))
		n = snprintf(sf->dir, sizeof(sf->dir), "%.*sbonding", (int)dlen, ctl_path);
	else
		n = snprintf(sf->dir, sizeof(sf->dir), "%.*s%.*s.bonding", (int)dlen, ctl_path,
			     (int)blen, base);
	if (n < 0 || (size_t)n >= sizeof(sf->dir)) {
		free(sf);
		return -ENAMETOOLONG;
	}
	d->sf = sf;
	return 0;
}

/* The directory, made on first use; 0755 as /proc/net/bonding. Something
 * else of that name (a symlink, a file) is left alone and said once. */
static bool dir_ready(struct daemon *d, struct statusfiles *sf)
{
	struct stat st;

	if (sf->dir_failed)
		return false;
	if (mkdir(sf->dir, 0755) < 0 && errno != EEXIST) {
		daemon_logl(d, LOG_WARNING, "status files: cannot make %s: %s; none written",
			    sf->dir, strerror(errno));
		sf->dir_failed = true;
		return false;
	}
	if (lstat(sf->dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid()) {
		daemon_logl(d, LOG_WARNING, "status files: %s is not a directory of bondd's "
			    "own; none written", sf->dir);
		sf->dir_failed = true;
		return false;
	}
	return true;
}

/* Writes text to dir/name through dir/.name.tmp and rename(). */
static int replace_file(const char *dir, const char *name, const char *text)
{
	char tmp[PATH_MAX], path[PATH_MAX];

	if (snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name) >= (int)sizeof(tmp) ||
	    snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	return file_replace(tmp, path, text, strlen(text));
}

static void remove_file(const char *dir, const char *name)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) < (int)sizeof(path))
		unlink(path);
}

static struct statusfile *file_of(struct statusfiles *sf, const char *name)
{
	for (unsigned i = 0; i < sf->n; i++)
		if (!strcmp(sf->f[i].name, name))
			return &sf->f[i];
	if (sf->n == BOND_MAX_BONDS)
		return NULL;
	memset(&sf->f[sf->n], 0, sizeof(sf->f[sf->n]));
	snprintf(sf->f[sf->n].name, sizeof(sf->f[sf->n].name), "%s", name);
	return &sf->f[sf->n++];
}

static void sync_bond(struct daemon *d, struct statusfiles *sf, struct dbond *db)
{
	struct statusfile *f = file_of(sf, db->name);
	struct strbuf sb;
	int rc;

	if (!f)
		return;
	sb_init(&sb);
	status_text(db->b, false, &sb);
	if (sb.oom || (f->text && !strcmp(f->text, sb_str(&sb)))) {
		sb_free(&sb);
		return;
	}
	rc = replace_file(sf->dir, f->name, sb_str(&sb));
	if (rc < 0) {
		if (!f->failed)
			daemon_logl(d, LOG_WARNING, "status file %s/%s: %s", sf->dir, f->name,
				    strerror(-rc));
		f->failed = true;
		sb_free(&sb);
		return;
	}
	f->failed = false;
	free(f->text);
	f->text = sb.buf;       /* the buffer now belongs to the file's record */
}

/* Files of bonds that are gone. */
static void drop_stale(struct daemon *d, struct statusfiles *sf)
{
	for (unsigned i = 0; i < sf->n;) {
		if (dbond_find(d, sf->f[i].name)) {
			i++;
			continue;
		}
		remove_file(sf->dir, sf->f[i].name);
		free(sf->f[i].text);
		sf->f[i] = sf->f[--sf->n];
	}
}

uint64_t daemon_statusfile_sync(struct daemon *d, uint64_t now)
{
	struct statusfiles *sf = d->sf;

	if (!sf || sf->dir_failed)
		return UINT64_MAX;
	if (now < sf->next_ms)
		return sf->next_ms;
	sf->next_ms = now + STATUSFILE_MS;
	drop_stale(d, sf);
	if (!d->n_bonds || !dir_ready(d, sf))
		return sf->dir_failed ? UINT64_MAX : sf->next_ms;
	for (unsigned i = 0; i < d->n_bonds; i++)
		sync_bond(d, sf, d->bonds[i]);
	return sf->next_ms;
}

void daemon_statusfile_touch(struct daemon *d)
{
	if (d->sf)
		d->sf->next_ms = 0;
}

void daemon_statusfile_close(struct daemon *d)
{
	struct statusfiles *sf = d->sf;

	if (!sf)
		return;
	for (unsigned i = 0; i < sf->n; i++) {
		remove_file(sf->dir, sf->f[i].name);
		free(sf->f[i].text);
	}
	/* Only when empty: an admin's own file there is not ours. */
	rmdir(sf->dir);
	free(sf);
	d->sf = NULL;
}
