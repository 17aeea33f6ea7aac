/* The slave journal (see journal.h). */
#include "journal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71    /* asm-generic/socket.h, Linux 5.14 */
#endif

#define JOURNAL_MAGIC "bondd-journal 1"
#define JOURNAL_MAX_BYTES 4096

int journal_netns(uint64_t *inode, uint64_t *cookie, struct err *err)
{
	socklen_t len = sizeof(*cookie);
	struct stat st;
	int fd;

	if (stat("/proc/self/ns/net", &st) < 0) {
		err_set(err, -errno, "journal: cannot identify the network namespace: %s",
			strerror(errno));
		return -errno;
	}
	*inode = st.st_ino;
	*cookie = 0;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err_set(err, -errno, "journal: socket: %s", strerror(errno));
		return -errno;
	}
	/* ENOPROTOOPT before Linux 5.14: the cookie stays 0 (unknown). */
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, cookie, &len) < 0 || len != sizeof(*cookie))
		*cookie = 0;
	close(fd);
	return 0;
}

int journal_dir(const char *root, char *out, size_t size, struct err *err)
{
	uint64_t ino, cookie;
	int n;

	if (journal_netns(&ino, &cookie, err) < 0)
		return err->code;
	n = snprintf(out, size, "%s/net-%llu", root, (unsigned long long)ino);
	if (n < 0 || (size_t)n >= size) {
		err_set(err, -ENAMETOOLONG, "journal: directory name too long");
		return -ENAMETOOLONG;
	}
	return 0;
}

void journal_format(const struct journal_entry *e, struct strbuf *out)
{
	char mac[18];

	sb_printf(out, JOURNAL_MAGIC "\n");
	sb_printf(out, "name %s\n", e->saved.name);
	sb_printf(out, "ifindex %d\n", e->saved.ifindex);
	sb_printf(out, "bond %s\n", e->bond);
	sb_printf(out, "pid %d\n", e->pid);
	sb_printf(out, "mac %s\n", mac_fmt(e->saved.mac, mac));
	sb_printf(out, "mtu %u\n", e->saved.mtu);
	sb_printf(out, "up %d\n", e->saved.was_up ? 1 : 0);
	sb_printf(out, "disable_ipv6 %d\n", e->saved.disable_ipv6);
	sb_printf(out, "clsact_ours %d\n", e->saved.hide.created_qdisc ? 1 : 0);
	if (e->netns)
		sb_printf(out, "netns %llu\n", (unsigned long long)e->netns);
	sb_printf(out, "end\n");
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

enum {
	F_NAME = 1 << 0, F_IFINDEX = 1 << 1, F_BOND = 1 << 2, F_PID = 1 << 3,
	F_MAC = 1 << 4, F_MTU = 1 << 5, F_UP = 1 << 6, F_IPV6 = 1 << 7,
	F_CLSACT = 1 << 8, F_ALL = (1 << 9) - 1,
	F_NETNS = 1 << 9,       /* optional: 0 (unknown) is not written */
};

/* One "key value" line; returns the field bit, or 0 with err set. */
static unsigned parse_line(char *line, unsigned lineno, struct journal_entry *e,
			   struct err *err)
{
	char *val = strchr(line, ' ');
	long v;

	if (!val) {
		err_set(err, -EINVAL, "journal line %u: expected 'key value'", lineno);
		return 0;
	}
	*val++ = '\0';
	if (!strcmp(line, "name") || !strcmp(line, "bond")) {
		char *dst = line[0] == 'n' ? e->saved.name : e->bond;

		if (!ifname_valid(val)) {
			err_set(err, -EINVAL, "journal line %u: bad interface name", lineno);
			return 0;
		}
		snprintf(dst, 16, "%s", val);
		return line[0] == 'n' ? F_NAME : F_BOND;
	}
	if (!strcmp(line, "mac")) {
		if (mac_parse(val, e->saved.mac) < 0) {
			err_set(err, -EINVAL, "journal line %u: bad MAC address", lineno);
			return 0;
		}
		return F_MAC;
	}
	if (!strcmp(line, "netns")) {
		unsigned long long c;
		char *end;

		errno = 0;
		c = strtoull(val, &end, 10);
		if (errno || end == val || *end || val[0] < '1' || val[0] > '9') {
			err_set(err, -EINVAL, "journal line %u: bad netns", lineno);
			return 0;
		}
		e->netns = c;
		return F_NETNS;
	}
	static const struct { const char *key; long lo, hi; unsigned bit; } nums[] = {
		{ "ifindex", 1, INT_MAX, F_IFINDEX },
		{ "pid", 1, INT_MAX, F_PID },
		{ "mtu", 68, 65535, F_MTU },
		{ "up", 0, 1, F_UP },
		{ "disable_ipv6", -1, 1, F_IPV6 },
		{ "clsact_ours", 0, 1, F_CLSACT },
	};
	for (size_t i = 0; i < ARRAY_SIZE(nums); i++) {
		if (strcmp(line, nums[i].key))
			continue;
		if (parse_long(val, nums[i].lo, nums[i].hi, &v) < 0) {
			err_set(err, -EINVAL, "journal line %u: bad %s", lineno, nums[i].key);
			return 0;
		}
		switch (nums[i].bit) {
		case F_IFINDEX: e->saved.ifindex = (int)v; break;
		case F_PID: e->pid = (int)v; break;
		case F_MTU: e->saved.mtu = (unsigned)v; break;
		case F_UP: e->saved.was_up = v; break;
		case F_IPV6: e->saved.disable_ipv6 = (int)v; break;
		default: e->saved.hide.created_qdisc = v; break;
		}
		return nums[i].bit;
	}
	err_set(err, -EINVAL, "journal line %u: unknown key '%s'", lineno, line);
	return 0;
}

int journal_parse(const char *text, size_t len, struct journal_entry *e, struct err *err)
{
	char buf[JOURNAL_MAX_BYTES + 1];
	unsigned seen = 0, lineno = 0, bit;
	bool ended = false;
	char *line, *next;

	memset(e, 0, sizeof(*e));
	if (len > JOURNAL_MAX_BYTES || memchr(text, '\0', len)) {
		err_set(err, -EINVAL, "journal: not a journal entry");
		return -EINVAL;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	for (line = buf; *line; line = next) {
		next = strchr(line, '\n');
		if (!next) {
			/* A crash can cut the last line: refuse the entry. */
			err_set(err, -EINVAL, "journal line %u: unterminated", lineno + 1);
			return -EINVAL;
		}
		*next++ = '\0';
		lineno++;
		if (ended) {
			err_set(err, -EINVAL, "journal line %u: text after 'end'", lineno);
			return -EINVAL;
		}
		if (lineno == 1) {
			if (strcmp(line, JOURNAL_MAGIC)) {
				err_set(err, -EINVAL, "journal: not a journal entry");
				return -EINVAL;
			}
			continue;
		}
		if (!strcmp(line, "end")) {
			ended = true;
			continue;
		}
		bit = parse_line(line, lineno, e, err);
		if (!bit)
			return -EINVAL;
		if (seen & bit) {
			err_set(err, -EINVAL, "journal line %u: repeated key", lineno);
			return -EINVAL;
		}
		seen |= bit;
	}
	if (!ended || (seen & F_ALL) != F_ALL) {
		err_set(err, -EINVAL, "journal: incomplete entry");
		return -EINVAL;
	}
	/* The hiding filter is installed whenever an entry exists: the
	 * entry is written before it is. */
	e->saved.hide.installed = true;
	return 0;
}

static int mkdir_chain(const char *dir, struct err *err)
{
	char path[PATH_MAX];
	struct stat st;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	for (char *p = path + 1; ; p++) {
		if (*p && *p != '/')
			continue;
		char c = *p;

		*p = '\0';
		/* Parents such as /run/bondd also hold the control socket,
		 * which its group may reach: only the journal itself is 0700. */
		if (mkdir(path, c ? 0755 : 0700) < 0 && errno != EEXIST) {
			err_set(err, -errno, "journal: cannot create %s: %s", path, strerror(errno));
			return -errno;
		}
		/* Never a symlink someone planted, never a directory others own. */
		if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) ||
		    (c == '\0' && (st.st_uid != geteuid() || (st.st_mode & 022)))) {
			err_set(err, -EPERM, "journal: %s is not a private directory", path);
			return -EPERM;
		}
		if (!c)
			return 0;
		*p = c;
	}
}

void journal_names_add(const char *name, void *arg)
{
	struct journal_names *l = arg;

	if (l->n == l->cap) {
		unsigned cap = l->cap ? 2 * l->cap : 16;
		void *p = realloc(l->v, cap * sizeof(*l->v));

		if (!p)
			return;
		l->v = p;
		l->cap = cap;
	}
	snprintf(l->v[l->n++], IFNAMSIZ, "%s", name);
}

/* Writes sb (formatted by the caller) to path through tmp: fsynced, then
 * renamed over, so that after a crash an entry is whole or absent. */
static int write_whole(const char *tmp, const char *path, struct strbuf *sb,
		       struct err *err)
{
	int fd, ret = 0;

	if (sb->oom) {
		sb_free(sb);
		err_set(err, -ENOMEM, "journal: out of memory");
		return -ENOMEM;
	}
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = -errno;
	} else {
		if (write(fd, sb->buf, sb->len) != (ssize_t)sb->len || fsync(fd) < 0)
			ret = errno ? -errno : -EIO;
		if (close(fd) < 0 && !ret)
			ret = -errno;
		if (!ret && rename(tmp, path) < 0)
			ret = -errno;
		if (ret)
			unlink(tmp);
	}
	sb_free(sb);
	if (ret)
		err_set(err, ret, "journal: cannot write %s: %s", path, strerror(-ret));
	return ret;
}

/* Reads the entry at path into buf (size - 1 bytes at most): the count,
 * or -errno (err not set for ENOENT: no entry is no error). */
static ssize_t read_whole(const char *path, char *buf, size_t size, struct err *err)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT)
			err_set(err, -errno, "journal: cannot read %s: %s", path, strerror(errno));
		return -errno;
	}
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0) {
		err_set(err, -errno, "journal: cannot read %s: %s", path, strerror(errno));
		return -errno;
	}
	return n;
}

static int entry_path(const char *dir, const char *ifname, const char *suffix,
		      char *out, size_t size)
{
	int n;

	if (!ifname_valid(ifname))
		return -EINVAL;
	n = snprintf(out, size, "%s/%s%s", dir, ifname, suffix);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int journal_write(const char *dir, const struct journal_entry *e, struct err *err)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	struct strbuf sb;

	if (mkdir_chain(dir, err) < 0)
		return err->code ? err->code : -EIO;
	if (entry_path(dir, e->saved.name, ".tmp", tmp, sizeof(tmp)) < 0 ||
	    entry_path(dir, e->saved.name, "", path, sizeof(path)) < 0) {
		err_set(err, -EINVAL, "journal: bad interface name");
		return -EINVAL;
	}
	sb_init(&sb);
	journal_format(e, &sb);
	return write_whole(tmp, path, &sb, err);
}

int journal_read(const char *dir, const char *ifname, struct journal_entry *e,
		 struct err *err)
{
	char path[PATH_MAX], buf[JOURNAL_MAX_BYTES + 1];
	ssize_t n;

	if (entry_path(dir, ifname, "", path, sizeof(path)) < 0) {
		err_set(err, -EINVAL, "journal: bad interface name");
		return -EINVAL;
	}
	n = read_whole(path, buf, sizeof(buf), err);
	if (n < 0)
		return (int)n;
	if (journal_parse(buf, (size_t)n, e, err) < 0) {
		char msg[sizeof(err->msg)];

		snprintf(msg, sizeof(msg), "%s", err->msg);
		err_set(err, -EINVAL, "%s: %s", path, msg);
		return -EINVAL;
	}
	if (strcmp(e->saved.name, ifname)) {
		err_set(err, -EINVAL, "%s: entry names %s", path, e->saved.name);
		return -EINVAL;
	}
	return 0;
}

int journal_remove(const char *dir, const char *ifname)
{
	char path[PATH_MAX];

	if (entry_path(dir, ifname, "", path, sizeof(path)) < 0)
		return -EINVAL;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int journal_set_aside(const char *dir, const char *ifname)
{
	char path[PATH_MAX], bad[PATH_MAX];

	if (entry_path(dir, ifname, "", path, sizeof(path)) < 0 ||
	    entry_path(dir, ifname, ".bad", bad, sizeof(bad)) < 0)
		return -EINVAL;
	if (rename(path, bad) < 0)
		return -errno;
	return 0;
}

int journal_each(const char *dir, void (*fn)(const char *ifname, void *arg), void *arg)
{
	struct dirent *de;
	int count = 0;
	DIR *dp;

	dp = opendir(dir);
	if (!dp)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(dp))) {
		size_t n = strlen(de->d_name);

		if (de->d_name[0] == '.' || (n > 4 && !strcmp(de->d_name + n - 4, ".tmp")) ||
		    (n > 4 && !strcmp(de->d_name + n - 4, ".bad")) ||
		    !ifname_valid(de->d_name))
			continue;
		fn(de->d_name, arg);
		count++;
	}
	closedir(dp);
	return count;
}

/* ---- VLAN sub-interfaces -------------------------------------------------- */

#define JOURNAL_VLAN_MAGIC "bondd-vlan 1"
#define VLAN_PREFIX "vlan:"

void journal_vlan_format(const struct journal_vlan *v, struct strbuf *out)
{
	sb_printf(out, JOURNAL_VLAN_MAGIC "\nname %s\nbond %s\nvid %u\nifindex %d\npid %d\nnetns %llu\nend\n",
		  v->name, v->bond, v->vid, v->ifindex, v->pid, (unsigned long long)v->netns);
}

/* One "key value" line into v; the key's bit, or 0 after a message. */
static unsigned vlan_line(char *line, unsigned lineno, struct journal_vlan *v, struct err *err)
{
	char *val = strchr(line, ' ');
	unsigned long long n;
	char *end;

	if (!val) {
		err_set(err, -EINVAL, "vlan journal line %u: no value", lineno);
		return 0;
	}
	*val++ = '\0';
	if (!strcmp(line, "name") || !strcmp(line, "bond")) {
		if (!ifname_valid(val)) {
			err_set(err, -EINVAL, "vlan journal line %u: bad interface name", lineno);
			return 0;
		}
		snprintf(line[0] == 'n' ? v->name : v->bond, 16, "%s", val);
		return line[0] == 'n' ? 1 : 2;
	}
	errno = 0;
	n = strtoull(val, &end, 10);
	if (!*val || *end || errno) {
		err_set(err, -EINVAL, "vlan journal line %u: bad number", lineno);
		return 0;
	}
	if (!strcmp(line, "vid") && n >= 1 && n <= 4094) {
		v->vid = (uint16_t)n;
		return 4;
	}
	if (!strcmp(line, "ifindex") && n <= INT_MAX) {
		v->ifindex = (int)n;
		return 8;
	}
	if (!strcmp(line, "pid") && n <= INT_MAX) {
		v->pid = (int)n;
		return 16;
	}
	if (!strcmp(line, "netns")) {
		v->netns = n;
		return 32;
	}
	err_set(err, -EINVAL, "vlan journal line %u: unknown key or value out of range", lineno);
	return 0;
}

int journal_vlan_parse(const char *text, size_t len, struct journal_vlan *v, struct err *err)
{
	char buf[JOURNAL_MAX_BYTES + 1], *save = NULL, *line;
	unsigned lineno = 0, seen = 0;
	bool ended = false;

	memset(v, 0, sizeof(*v));
	if (len > JOURNAL_MAX_BYTES) {
		err_set(err, -EINVAL, "vlan journal: entry too long");
		return -EINVAL;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned bit;

		if (ended) {
			err_set(err, -EINVAL, "vlan journal line %u: text after end", lineno + 1);
			return -EINVAL;
		}
		if (++lineno == 1) {
			if (strcmp(line, JOURNAL_VLAN_MAGIC)) {
				err_set(err, -EINVAL, "vlan journal: not a VLAN entry");
				return -EINVAL;
			}
			continue;
		}
		if (!strcmp(line, "end")) {
			ended = true;
			continue;
		}
		bit = vlan_line(line, lineno, v, err);
		if (!bit)
			return -EINVAL;
		if (seen & bit) {
			err_set(err, -EINVAL, "vlan journal line %u: repeated key", lineno);
			return -EINVAL;
		}
		seen |= bit;
	}
	if (!ended || seen != 63) {
		err_set(err, -EINVAL, "vlan journal: incomplete entry");
		return -EINVAL;
	}
	return 0;
}

static int vlan_path(const char *dir, const char *name, const char *suffix, char *out,
		     size_t size)
{
	int n;

	if (!ifname_valid(name))
		return -EINVAL;
	n = snprintf(out, size, "%s/" VLAN_PREFIX "%s%s", dir, name, suffix);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int journal_vlan_write(const char *dir, const struct journal_vlan *v, struct err *err)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	struct strbuf sb;

	if (mkdir_chain(dir, err) < 0)
		return err->code ? err->code : -EIO;
	if (vlan_path(dir, v->name, ".tmp", tmp, sizeof(tmp)) < 0 ||
	    vlan_path(dir, v->name, "", path, sizeof(path)) < 0) {
		err_set(err, -EINVAL, "journal: bad interface name");
		return -EINVAL;
	}
	sb_init(&sb);
	journal_vlan_format(v, &sb);
	return write_whole(tmp, path, &sb, err);
}

int journal_vlan_read(const char *dir, const char *name, struct journal_vlan *v,
		      struct err *err)
{
	char path[PATH_MAX], buf[JOURNAL_MAX_BYTES + 1];
	ssize_t n;

	if (vlan_path(dir, name, "", path, sizeof(path)) < 0) {
		err_set(err, -EINVAL, "journal: bad interface name");
		return -EINVAL;
	}
	n = read_whole(path, buf, sizeof(buf), err);
	if (n < 0)
		return (int)n;
	if (journal_vlan_parse(buf, (size_t)n, v, err) < 0) {
		char msg[sizeof(err->msg)];

		snprintf(msg, sizeof(msg), "%s", err->msg);
		err_set(err, -EINVAL, "%s: %s", path, msg);
		return -EINVAL;
	}
	if (strcmp(v->name, name)) {
		err_set(err, -EINVAL, "%s: entry names %s", path, v->name);
		return -EINVAL;
	}
	return 0;
}

int journal_vlan_remove(const char *dir, const char *name)
{
	char path[PATH_MAX];

	if (vlan_path(dir, name, "", path, sizeof(path)) < 0)
		return -EINVAL;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int journal_vlan_each(const char *dir, void (*fn)(const char *name, void *arg), void *arg)
{
	struct dirent *de;
	int count = 0;
	DIR *dp;

	dp = opendir(dir);
	if (!dp)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(dp))) {
		const char *name = de->d_name + strlen(VLAN_PREFIX);
		size_t n = strlen(de->d_name);

		/* a write cut short leaves "vlan:NAME.tmp": not an entry */
		if (strncmp(de->d_name, VLAN_PREFIX, strlen(VLAN_PREFIX)) || !ifname_valid(name) ||
		    (n > 4 && !strcmp(de->d_name + n - 4, ".tmp")))
			continue;
		fn(name, arg);
		count++;
	}
	closedir(dp);
	return count;
}
