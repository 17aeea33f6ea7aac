/* The control socket server: listen, and serve one request per connection.
 *
 * Single-threaded on purpose: the daemon's loop calls ctl_server_accept()
 * for each readable event and the command runs to completion in between
 * frames, so commands never race the data path. The price is that a client
 * holds the loop while it is served, hence the hard deadlines on both the
 * read and the write. Access control is the socket file's mode (0660). */
#include "ctl_server.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl_cmd.h"
#include "ctl_proto.h"

#define CTL_BACKLOG 64

/* ---- opening ---------------------------------------------------------- */

/* mkdir -p of path's directory. Directories we create get 0755 whatever
 * the umask; existing ones are left as they are. */
static int make_parent_dirs(const char *path, struct err *err)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *p;

	snprintf(dir, sizeof(dir), "%s", path);
	p = strrchr(dir, '/');
	if (!p || p == dir)
		return 0;       /* relative name in the cwd, or in / */
	*p = '\0';
	for (p = dir + 1; ; p++) {
		bool last = *p == '\0';

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) == 0) {
			if (chmod(dir, 0755) < 0) {
				err_set(err, -errno, "cannot set mode of %s: %s", dir,
					strerror(errno));
				return -errno;
			}
		} else if (errno != EEXIST) {
			err_set(err, -errno, "cannot create directory %s: %s", dir,
				strerror(errno));
			return -errno;
		}
		if (last)
			return 0;
		*p = '/';
	}
}

/* Whether someone accepts connections on the socket file at sa.
 * Returns 1 live, 0 stale (nobody listening), -ENOENT gone, other -errno. */
static int probe_socket(const struct sockaddr_un *sa)
{
	int fd, rc;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* Nonblocking: a live daemon with a full backlog answers EAGAIN
	 * instead of making us wait, and still counts as live. */
	rc = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	if (rc == 0 || errno == EAGAIN || errno == EINPROGRESS)
		rc = 1;
	else if (errno == ECONNREFUSED)
		rc = 0;
	else
		rc = -errno;
	close(fd);
	return rc;
}

int ctl_server_open(const char *path, struct err *err)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, rc, tries;
	mode_t old;

	if (!path || !*path) {
		err_set(err, -EINVAL, "empty control socket path");
		return -EINVAL;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		err_set(err, -ENAMETOOLONG, "control socket path %s is longer than %zu bytes",
			path, sizeof(sa.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	rc = make_parent_dirs(path, err);
	if (rc)
		return rc;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		err_set(err, rc, "control socket: %s", strerror(errno));
		return rc;
	}

	for (tries = 0; ; tries++) {
		/* Born 0660: no moment where others may connect. */
		old = umask(0117);
		rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
		umask(old);
		if (rc == 0)
			break;
		rc = -errno;
		if (rc != -EADDRINUSE || tries == 3) {
			err_set(err, rc, "cannot bind control socket %s: %s", path,
				strerror(-rc));
			goto fail;
		}
		/* Something is at path. Only a socket nobody answers on is
		 * ours to replace. */
		if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
			rc = -EEXIST;
			err_set(err, rc, "%s exists and is not a socket; not replacing it",
				path);
			goto fail;
		}
		rc = probe_socket(&sa);
		if (rc == 1) {
			rc = -EADDRINUSE;
			err_set(err, rc, "another bondd is already running on %s", path);
			goto fail;
		}
		if (rc < 0 && rc != -ENOENT) {
			err_set(err, rc, "cannot check existing socket %s: %s", path,
				strerror(-rc));
			goto fail;
		}
		if (rc == 0 && unlink(path) < 0 && errno != ENOENT) {
			rc = -errno;
			err_set(err, rc, "cannot remove stale socket %s: %s", path,
				strerror(errno));
			goto fail;
		}
	}
	/* The umask may have been stricter than 0117; the mode is part of
	 * the interface (group members may run bondctl). */
	if (chmod(path, 0660) < 0) {
		rc = -errno;
		err_set(err, rc, "cannot set mode of %s: %s", path, strerror(errno));
		goto fail_unlink;
	}
	if (listen(fd, CTL_BACKLOG) < 0) {
		rc = -errno;
		err_set(err, rc, "cannot listen on %s: %s", path, strerror(errno));
		goto fail_unlink;
	}
	return fd;

fail_unlink:
	unlink(path);
fail:
	close(fd);
	return rc;
}

void ctl_server_close(int lfd, const char *path)
{
	if (lfd >= 0)
		close(lfd);
	if (path && *path)
		unlink(path);
}

/* ---- serving ---------------------------------------------------------- */

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Waits until fd is ready for events or the deadline passes. */
static int wait_fd(int fd, short events, uint64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	uint64_t now;
	int rc;

	for (;;) {
		now = mono_ms();
		if (now >= deadline)
			return -ETIMEDOUT;
		rc = poll(&pfd, 1, (int)(deadline - now));
		if (rc > 0)
			return 0;    /* readable, writable, or an error recv will report */
		if (rc == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

/* Reads exactly len bytes. -ECONNRESET if the peer closed first. */
static int read_full(int fd, uint8_t *buf, size_t len, uint64_t deadline)
{
	size_t got = 0;
	ssize_t n;
	int rc;

	while (got < len) {
		n = recv(fd, buf + got, len - got, 0);
		if (n > 0) {
			got += (size_t)n;
			continue;
		}
		if (n == 0)
			return -ECONNRESET;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		rc = wait_fd(fd, POLLIN, deadline);
		if (rc)
			return rc;
	}
	return 0;
}

static int write_full(int fd, const uint8_t *buf, size_t len, uint64_t deadline)
{
	size_t sent = 0;
	ssize_t n;
	int rc;

	while (sent < len) {
		/* MSG_NOSIGNAL: a client that went away must not SIGPIPE bondd. */
		n = send(fd, buf + sent, len - sent, MSG_NOSIGNAL);
		if (n >= 0) {
			sent += (size_t)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		rc = wait_fd(fd, POLLOUT, deadline);
		if (rc)
			return rc;
	}
	return 0;
}

static void send_reply(int fd, int status, const char *out, size_t out_len,
		       const char *errtxt, size_t err_len)
{
	uint8_t *buf;
	size_t len;
	struct err e;

	if (ctl_reply_encode(status, out, out_len, errtxt, err_len, &buf, &len, &e)) {
		/* Too large or no memory: still tell the client why. */
		char msg[600];
		int n = snprintf(msg, sizeof(msg), "bondd: cannot send reply: %s\n", e.msg);

		if (n < 0 || ctl_reply_encode(CTL_EXIT_REFUSED, NULL, 0, msg,
					      strnlen(msg, sizeof(msg)), &buf,
					      &len, &e))
			return;
	}
	write_full(fd, buf, len, mono_ms() + CTL_IO_TIMEOUT_MS);
	free(buf);
}

static void send_error(int fd, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void send_error(int fd, int status, const char *fmt, ...)
{
	char msg[640];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	send_reply(fd, status, NULL, 0, msg, strnlen(msg, sizeof(msg)));
}

/* Reads and decodes one request. On failure, answers the client (when it
 * can still hear) and returns nonzero. */
static int read_request(int fd, struct ctl_request *req)
{
	uint8_t hdr[CTL_REQ_HDR_LEN], *buf;
	uint64_t deadline = mono_ms() + CTL_IO_TIMEOUT_MS;
	size_t total;
	struct err e;
	int rc;

	rc = read_full(fd, hdr, sizeof(hdr), deadline);
	if (rc == 0) {
		err_clear(&e);
		rc = ctl_request_header(hdr, sizeof(hdr), &total, &e);
		if (rc) {
			send_error(fd, CTL_EXIT_USAGE, "bondd: malformed request: %s\n",
				   e.msg);
			return rc;
		}
		/* total is at most CTL_MAX_REQUEST: checked by the header. */
		buf = malloc(total);
		if (!buf) {
			send_error(fd, CTL_EXIT_REFUSED, "bondd: out of memory\n");
			return -ENOMEM;
		}
		memcpy(buf, hdr, sizeof(hdr));
		rc = read_full(fd, buf + sizeof(hdr), total - sizeof(hdr), deadline);
		if (rc == 0) {
			rc = ctl_request_decode(buf, total, req, &e);
			if (rc)
				send_error(fd, CTL_EXIT_USAGE,
					   "bondd: malformed request: %s\n", e.msg);
			free(buf);
			return rc;
		}
		free(buf);
	}
	if (rc == -ETIMEDOUT)
		send_error(fd, CTL_EXIT_USAGE,
			   "bondd: incomplete request after %d ms\n", CTL_IO_TIMEOUT_MS);
	/* Other errors (peer closed, reset): nobody to answer. */
	return rc;
}

void ctl_server_accept(int lfd, const struct ctl_backend *be)
{
	static int last_errno;
	struct ctl_request req;
	struct strbuf out, errout;
	int fd, status;

	fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		/* Say it once per cause: with a level-triggered epoll an
		 * error like EMFILE comes back on every loop turn. */
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
		    errno != ECONNABORTED && errno != last_errno)
			fprintf(stderr, "bondd: control socket: accept: %s\n",
				strerror(errno));
		last_errno = errno;
		return;
	}
	last_errno = 0;
	if (read_request(fd, &req)) {
		close(fd);
		return;
	}
	sb_init(&out);
	sb_init(&errout);
	status = ctl_exec(be, req.argc, req.argv, req.flags & CTL_F_JSON, &out, &errout);
	if (out.oom || errout.oom)
		send_error(fd, CTL_EXIT_REFUSED,
			   "bondd: out of memory while answering (the command %s)\n",
			   status == CTL_EXIT_OK ? "was done" : "failed");
	else
		send_reply(fd, status, out.buf ? out.buf : "", out.len,
			   errout.buf ? errout.buf : "", errout.len);
	sb_free(&out);
	sb_free(&errout);
	ctl_request_free(&req);
	close(fd);
}
