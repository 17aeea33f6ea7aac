/* One bondd per network namespace (see nslock.h). */
#include "nslock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal.h"

int nslock_path(const char *rundir, char *out, size_t size, struct err *err)
{
	uint64_t ino, cookie;
	int n;

	if (journal_netns(&ino, &cookie, err) < 0)
		return err->code;
	n = snprintf(out, size, "%s/net-%llu.lock", rundir, (unsigned long long)ino);
	if (n < 0 || (size_t)n >= size) {
		err_set(err, -ENAMETOOLONG, "lock: path too long");
		return -ENAMETOOLONG;
	}
	return 0;
}

/* The lock's directory: created 0755 when missing, and refused when it is
 * a symlink, not a directory, someone else's or writable by others (a
 * planted lock file would then let anyone block or fake the daemon). */
static int lock_dir_ok(const char *path, struct err *err)
{
	char dir[PATH_MAX];
	char *slash;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		err_set(err, -errno, "cannot create %s: %s", dir, strerror(errno));
		return -errno;
	}
	if (lstat(dir, &st) < 0) {
		err_set(err, -errno, "cannot check %s: %s", dir, strerror(errno));
		return -errno;
	}
	if (!S_ISDIR(st.st_mode) || (st.st_uid != 0 && st.st_uid != geteuid()) ||
	    (st.st_mode & 022)) {
		err_set(err, -EPERM, "%s is not a directory of root's that only root may write", dir);
		return -EPERM;
	}
	return 0;
}

static int read_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	long v;
	char *end;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	v = strtol(buf, &end, 10);
	if (end == buf || v <= 0 || v > INT_MAX)
		return 0;
	return (int)v;
}

int nslock_set_pid(int fd, int pid)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d\n", pid);

	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n)
		return -errno;
	return 0;
}

int nslock_acquire(const char *path, int *holder, struct err *err)
{
	struct stat st;
	int fd, rc;

	*holder = 0;
	rc = lock_dir_ok(path, err);
	if (rc < 0)
		return rc;
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0) {
		rc = -errno;
		err_set(err, rc, "cannot open the lock %s: %s", path, strerror(errno));
		return rc;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		err_set(err, -EPERM, "the lock %s is not a regular file", path);
		return -EPERM;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		rc = -errno;
		if (rc == -EWOULDBLOCK) {
			/* The holder writes its pid right after locking: give
			 * it a moment rather than print "pid unknown". */
			for (int i = 0; i < 20 && !(*holder = read_pid(fd)); i++)
				usleep(10000);
			err_set(err, rc, "the lock %s is held", path);
		} else {
			err_set(err, rc, "cannot lock %s: %s", path, strerror(-rc));
		}
		close(fd);
		return rc;
	}
	rc = nslock_set_pid(fd, getpid());
	if (rc < 0) {
		err_set(err, rc, "cannot write the lock %s: %s", path, strerror(-rc));
		close(fd);
		return rc;
	}
	return fd;
}

void nslock_describe_holder(int holder, char *out, size_t size)
{
	char path[64], comm[32] = "";
	ssize_t n;
	int fd;

	if (holder <= 0) {
		snprintf(out, size, "another process (pid unknown)");
		return;
	}
	snprintf(path, sizeof(path), "/proc/%d/comm", holder);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, comm, sizeof(comm) - 1);
		close(fd);
		comm[n > 0 ? n : 0] = '\0';
		comm[strcspn(comm, "\n")] = '\0';
	}
	snprintf(out, size, "%s (pid %d)", comm[0] ? comm : "a process", holder);
}
