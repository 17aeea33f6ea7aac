/* The control socket server: listen, and serve one request per connection
 * without ever waiting on a client.
 *
 * Single-threaded on purpose: the daemon's loop calls ctl_server_run() and
 * each command runs to completion in between frames, so commands never race
 * the data path. Each connection is a small state machine (read the request,
 * possibly in pieces; write the reply, possibly in pieces; close) with a
 * deadline per state, so a slow or silent client only holds its own slot,
 * and at most CTL_MAX_CLIENTS slots exist. Access control is the socket
 * file's mode (0660). */
#include "ctl_server.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
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

enum conn_state {
	CONN_READ,           /* reading the request */
	CONN_WRITE,          /* writing the reply, then close */
	CONN_DEAD,           /* closed, freed at the end of ctl_server_run() */
};

struct ctl_conn {
	struct ctl_conn *next;
	int fd;
	enum conn_state state;
	uint64_t deadline;        /* of the current state */
	/* request: the header in hdr, then the whole request in req */
	uint8_t hdr[CTL_REQ_HDR_LEN];
	uint8_t *req;
	size_t req_len;           /* whole size, known after the header */
	size_t got;
	/* reply */
	uint8_t *rep;
	size_t rep_len;
	size_t sent;
};

struct ctl_server {
	int lfd;
	int epfd;
	char path[108];
	const struct ctl_backend *be;
	unsigned max_clients;
	unsigned timeout_ms;
	struct ctl_conn *conns;   /* live connections */
	unsigned n_conns;
	struct ctl_conn *dead;    /* closed during this run */
	int last_errno;           /* of accept, said once per cause */
};

static int watch(struct ctl_server *srv, int op, int fd, uint32_t events, void *ptr)
{
	struct epoll_event ev = { .events = events, .data.ptr = ptr };

	return epoll_ctl(srv->epfd, op, fd, &ev);
}

static void conn_close(struct ctl_server *srv, struct ctl_conn *c)
{
	struct ctl_conn **pp;

	if (c->state == CONN_DEAD)
		return;
	epoll_ctl(srv->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	c->state = CONN_DEAD;
	for (pp = &srv->conns; *pp && *pp != c; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = c->next;
	srv->n_conns--;
	/* Other events of this run may still point at c. */
	c->next = srv->dead;
	srv->dead = c;
}

static void conn_free(struct ctl_conn *c)
{
	free(c->req);
	free(c->rep);
	free(c);
}

/* Encodes a reply; when it cannot be (too large, no memory) the reply says
 * why instead. NULL only when even that fails. */
static uint8_t *encode_reply(int status, const char *out, size_t out_len,
			     const char *errtxt, size_t err_len, size_t *len)
{
	uint8_t *buf;
	struct err e;

	if (ctl_reply_encode(status, out, out_len, errtxt, err_len, &buf, len, &e)) {
		/* Too large or no memory: still tell the client why. */
		char msg[600];
		int n = snprintf(msg, sizeof(msg), "bondd: cannot send reply: %s\n", e.msg);

		if (n < 0 || ctl_reply_encode(CTL_EXIT_REFUSED, NULL, 0, msg,
					      strnlen(msg, sizeof(msg)), &buf,
					      len, &e))
			return NULL;
	}
	return buf;
}

static uint8_t *encode_error(int status, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static uint8_t *encode_error(int status, size_t *len, const char *fmt, ...)
{
	char msg[640];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	return encode_reply(status, NULL, 0, msg, strnlen(msg, sizeof(msg)), len);
}

/* Writes what the socket takes now; closes when all is sent or the client
 * is gone, else waits for room. */
static void conn_write(struct ctl_server *srv, struct ctl_conn *c)
{
	ssize_t n;

	while (c->sent < c->rep_len) {
		/* MSG_NOSIGNAL: a client that went away must not SIGPIPE bondd. */
		n = send(c->fd, c->rep + c->sent, c->rep_len - c->sent,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n >= 0) {
			c->sent += (size_t)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return;     /* EPOLLOUT brings us back */
		break;
	}
	conn_close(srv, c);
}

/* Switches c to writing rep (taken over; NULL: nothing can be said, just
 * close), with a fresh deadline for the client to read it. */
static void conn_reply(struct ctl_server *srv, struct ctl_conn *c, uint8_t *rep,
		       size_t len, uint64_t now)
{
	free(c->req);
	c->req = NULL;
	if (!rep) {
		conn_close(srv, c);
		return;
	}
	c->rep = rep;
	c->rep_len = len;
	c->sent = 0;
	c->state = CONN_WRITE;
	c->deadline = now + srv->timeout_ms;
	if (watch(srv, EPOLL_CTL_MOD, c->fd, EPOLLOUT, c) < 0) {
		conn_close(srv, c);
		return;
	}
	conn_write(srv, c);
}

/* A whole request arrived: decode it, run it, answer. */
static void conn_exec(struct ctl_server *srv, struct ctl_conn *c, uint64_t now)
{
	struct ctl_request req;
	struct strbuf out, errout;
	uint8_t *rep;
	size_t len;
	struct err e;
	int status;

	err_clear(&e);
	if (ctl_request_decode(c->req, c->req_len, &req, &e)) {
		rep = encode_error(CTL_EXIT_USAGE, &len, "bondd: malformed request: %s\n",
				   e.msg);
		conn_reply(srv, c, rep, len, now);
		return;
	}
	sb_init(&out);
	sb_init(&errout);
	status = ctl_exec(srv->be, req.argc, req.argv, req.flags & CTL_F_JSON, &out,
			  &errout);
	if (out.oom || errout.oom)
		rep = encode_error(CTL_EXIT_REFUSED, &len,
				   "bondd: out of memory while answering (the command %s)\n",
				   status == CTL_EXIT_OK ? "was done" : "failed");
	else
		rep = encode_reply(status, out.buf ? out.buf : "", out.len,
				   errout.buf ? errout.buf : "", errout.len, &len);
	sb_free(&out);
	sb_free(&errout);
	ctl_request_free(&req);
	conn_reply(srv, c, rep, len, now);
}

/* Reads what has arrived: first the header, which gives the size, then the
 * rest. Garbage is answered as soon as the header shows it. */
static void conn_read(struct ctl_server *srv, struct ctl_conn *c, uint64_t now)
{
	uint8_t *rep;
	size_t len, want;
	struct err e;
	ssize_t n;

	for (;;) {
		if (!c->req) {
			want = sizeof(c->hdr) - c->got;
			n = recv(c->fd, c->hdr + c->got, want, MSG_DONTWAIT);
		} else {
			want = c->req_len - c->got;
			n = recv(c->fd, c->req + c->got, want, MSG_DONTWAIT);
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			/* Closed or reset before a whole request: nobody to
			 * answer. */
			conn_close(srv, c);
			return;
		}
		c->got += (size_t)n;
		if (!c->req && c->got == sizeof(c->hdr)) {
			err_clear(&e);
			if (ctl_request_header(c->hdr, sizeof(c->hdr), &c->req_len, &e)) {
				rep = encode_error(CTL_EXIT_USAGE, &len,
						   "bondd: malformed request: %s\n", e.msg);
				conn_reply(srv, c, rep, len, now);
				return;
			}
			/* req_len is at most CTL_MAX_REQUEST: checked by the
			 * header. */
			c->req = malloc(c->req_len);
			if (!c->req) {
				rep = encode_error(CTL_EXIT_REFUSED, &len,
						   "bondd: out of memory\n");
				conn_reply(srv, c, rep, len, now);
				return;
			}
			memcpy(c->req, c->hdr, sizeof(c->hdr));
		}
		if (c->req && c->got == c->req_len) {
			conn_exec(srv, c, now);
			return;
		}
	}
}

/* One connection too many: it hears why and is closed. Its socket buffer
 * is empty, so the short reply goes out at once. */
static void refuse(struct ctl_server *srv, int fd)
{
	uint8_t *rep, junk[256];
	size_t len;

	rep = encode_error(CTL_EXIT_REFUSED, &len,
			   "bondd: too many control connections (%u); try again\n",
			   srv->max_clients);
	if (rep && send(fd, rep, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		/* it went away, or cannot take even this: close anyway */
	}
	free(rep);
	shutdown(fd, SHUT_WR);
	/* Read what it sent, so the close does not reset the connection
	 * before it has read the reply. */
	while (recv(fd, junk, sizeof(junk), MSG_DONTWAIT) > 0)
		;
	close(fd);
}

/* Accepts what is pending (a bounded number per run: frames wait meanwhile). */
static void accept_some(struct ctl_server *srv, uint64_t now)
{
	struct ctl_conn *c;
	int fd, i;

	for (i = 0; i < 16; i++) {
		fd = accept4(srv->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			/* Say it once per cause: with a level-triggered epoll
			 * an error like EMFILE comes back on every loop turn. */
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    errno != ECONNABORTED && errno != srv->last_errno)
				fprintf(stderr, "bondd: control socket: accept: %s\n",
					strerror(errno));
			srv->last_errno = errno;
			return;
		}
		srv->last_errno = 0;
		if (srv->n_conns >= srv->max_clients) {
			refuse(srv, fd);
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->state = CONN_READ;
		c->deadline = now + srv->timeout_ms;
		if (watch(srv, EPOLL_CTL_ADD, fd, EPOLLIN, c) < 0) {
			close(fd);
			free(c);
			continue;
		}
		c->next = srv->conns;
		srv->conns = c;
		srv->n_conns++;
		/* The request is usually there already. */
		conn_read(srv, c, now);
	}
}

static void expire(struct ctl_server *srv, uint64_t now)
{
	struct ctl_conn *c, *next;
	uint8_t *rep;
	size_t len;

	for (c = srv->conns; c; c = next) {
		next = c->next;
		if (c->deadline > now)
			continue;
		if (c->state == CONN_READ) {
			/* Silent or too slow: it hears why, if it still
			 * listens, within a deadline of its own. */
			rep = encode_error(CTL_EXIT_USAGE, &len,
					   "bondd: incomplete request after %u ms\n",
					   srv->timeout_ms);
			conn_reply(srv, c, rep, len, now);
		} else {
			conn_close(srv, c);    /* not reading its reply */
		}
	}
}

void ctl_server_run(struct ctl_server *srv, uint64_t now)
{
	struct epoll_event evs[32];
	struct ctl_conn *c;
	int i, n;

	n = epoll_wait(srv->epfd, evs, ARRAY_SIZE(evs), 0);
	for (i = 0; i < n; i++) {
		c = evs[i].data.ptr;
		if (!c)
			accept_some(srv, now);
		else if (c->state == CONN_READ)
			conn_read(srv, c, now);
		else if (c->state == CONN_WRITE)
			conn_write(srv, c);
	}
	expire(srv, now);
	while (srv->dead) {
		c = srv->dead;
		srv->dead = c->next;
		conn_free(c);
	}
}

uint64_t ctl_server_deadline(const struct ctl_server *srv)
{
	uint64_t t = UINT64_MAX;
	const struct ctl_conn *c;

	for (c = srv->conns; c; c = c->next)
		if (c->deadline < t)
			t = c->deadline;
	return t;
}

unsigned ctl_server_clients(const struct ctl_server *srv)
{
	return srv->n_conns;
}

int ctl_server_fd(const struct ctl_server *srv)
{
	return srv->epfd;
}

void ctl_server_set_limits(struct ctl_server *srv, unsigned max_clients,
			   unsigned timeout_ms)
{
	if (max_clients)
		srv->max_clients = max_clients;
	if (timeout_ms)
		srv->timeout_ms = timeout_ms;
}

struct ctl_server *ctl_server_new(const char *path, const struct ctl_backend *be,
				  struct err *err)
{
	struct ctl_server *srv = calloc(1, sizeof(*srv));

	if (!srv) {
		err_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	srv->be = be;
	srv->max_clients = CTL_MAX_CLIENTS;
	srv->timeout_ms = CTL_IO_TIMEOUT_MS;
	snprintf(srv->path, sizeof(srv->path), "%s", path ? path : "");
	srv->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (srv->epfd < 0) {
		err_set(err, -errno, "control socket: epoll: %s", strerror(errno));
		free(srv);
		return NULL;
	}
	srv->lfd = ctl_server_open(path, err);
	if (srv->lfd < 0) {
		close(srv->epfd);
		free(srv);
		return NULL;
	}
	/* The listening socket's tag is NULL, a connection's is itself. */
	if (watch(srv, EPOLL_CTL_ADD, srv->lfd, EPOLLIN, NULL) < 0) {
		err_set(err, -errno, "control socket: epoll: %s", strerror(errno));
		ctl_server_close(srv->lfd, srv->path);
		close(srv->epfd);
		free(srv);
		return NULL;
	}
	return srv;
}

void ctl_server_free(struct ctl_server *srv)
{
	struct ctl_conn *c;

	if (!srv)
		return;
	while (srv->conns)
		conn_close(srv, srv->conns);
	while (srv->dead) {
		c = srv->dead;
		srv->dead = c->next;
		conn_free(c);
	}
	ctl_server_close(srv->lfd, srv->path);
	close(srv->epfd);
	free(srv);
}
