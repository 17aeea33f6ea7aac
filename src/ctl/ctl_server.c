/* The control socket server: listen, and serve one request per connection
 * without ever waiting on a client.
 *
 * Single-threaded on purpose: the daemon's loop calls ctl_server_run() and
 * each command runs to completion in between frames, so commands never race
 * the data path. Each connection is a small state machine (read the request,
 * possibly in pieces; write the reply, possibly in pieces; close) with a
 * deadline per state, so a slow or silent client only holds its own slot,
 * and at most CTL_MAX_CLIENTS slots exist; replies nobody reads are
 * bounded in time (the deadline) and in bytes (CTL_MAX_PENDING_REPLY).
 *
 * Access: the file's mode lets root and the control group connect; the
 * server then asks the kernel who the peer is (SO_PEERCRED at connect time,
 * not anything the client says) and what it may run (ctl_server.h). */
#include "ctl_server.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_cmd.h"
#include "ctl_monitor.h"
#include "ctl_proto.h"

#define CTL_BACKLOG 64

/* ---- opening ---------------------------------------------------------- */

int ctl_access_lookup(const char *name, bool required, struct ctl_access *acc,
		      struct err *err)
{
	struct group gr, *res = NULL;
	char buf[4096];
	int rc;

	if (!name)
		name = CTL_DEFAULT_GROUP;
	memset(acc, 0, sizeof(*acc));
	acc->gid = CTL_NO_GROUP;
	if (!*name || strlen(name) >= sizeof(acc->group)) {
		err_set(err, -EINVAL, "invalid group name '%s'", name);
		return -EINVAL;
	}
	/* The name stays even when missing: the log says which group. */
	snprintf(acc->group, sizeof(acc->group), "%s", name);
	rc = getgrnam_r(name, &gr, buf, sizeof(buf), &res);
	if (rc || !res) {
		/* ENOENT/ESRCH/0 all mean "no such group" for getgrnam_r. */
		if (!required && (!rc || rc == ENOENT || rc == ESRCH))
			return 0;
		err_set(err, rc ? -rc : -ENOENT, "group %s: %s", name,
			rc ? strerror(rc) : "no such group");
		return rc ? -rc : -ENOENT;
	}
	acc->gid = gr.gr_gid;
	return 0;
}

/* Opens path's directory for binding, creating what is missing (0755,
 * whatever the umask), component by component from / with O_NOFOLLOW:
 * a symlink anywhere, a component that is not a directory, one owned by
 * someone other than root (or our own uid), or one others may write without
 * the sticky bit, is refused. Any of those would let someone else put
 * another file, or their own socket, where bondctl looks for bondd's. Once
 * every directory belongs to root and only root may rename its entries, the
 * path we bind() cannot change under us. Returns the directory's fd (the
 * caller closes it) or -errno with a message. A relative path starts at the
 * cwd, which is not checked. */
static int open_socket_dir(const char *path, struct err *err)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *comp, *slash;
	struct stat st;
	int fd, next, rc;
	bool made;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		return open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	*slash = '\0';
	fd = open(dir[0] == '/' ? "/" : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		err_set(err, rc, "cannot open /: %s", strerror(errno));
		return rc;
	}
	for (comp = dir; ; comp = slash + 1) {
		slash = strchr(comp, '/');
		if (slash)
			*slash = '\0';
		if (!*comp || !strcmp(comp, ".")) {
			if (!slash)
				break;
			*slash = '/';
			continue;
		}
		made = false;
		if (mkdirat(fd, comp, 0755) == 0)
			made = true;
		else if (errno != EEXIST) {
			rc = -errno;
			err_set(err, rc, "cannot create directory %s: %s", dir,
				strerror(errno));
			goto fail;
		}
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			rc = -errno;
			if (errno == ELOOP || errno == ENOTDIR)
				err_set(err, rc, "%s is a symlink or not a directory; "
					"not putting the control socket there", dir);
			else
				err_set(err, rc, "cannot open directory %s: %s", dir,
					strerror(errno));
			goto fail;
		}
		close(fd);
		fd = next;
		if (fstat(fd, &st) < 0) {
			rc = -errno;
			err_set(err, rc, "cannot stat %s: %s", dir, strerror(errno));
			goto fail;
		}
		if (made && fchmod(fd, 0755) < 0) {
			rc = -errno;
			err_set(err, rc, "cannot set mode of %s: %s", dir, strerror(errno));
			goto fail;
		}
		if (st.st_uid != 0 && st.st_uid != geteuid()) {
			rc = -EPERM;
			err_set(err, rc, "%s belongs to uid %u, not root; not putting the "
				"control socket there", dir, (unsigned)st.st_uid);
			goto fail;
		}
		if (((st.st_mode & S_IWOTH) || ((st.st_mode & S_IWGRP) && st.st_gid != 0)) &&
		    !(st.st_mode & S_ISVTX)) {
			rc = -EPERM;
			err_set(err, rc, "%s is writable by others (mode %04o); not putting "
				"the control socket there", dir,
				(unsigned)(st.st_mode & 07777));
			goto fail;
		}
		if (!slash)
			break;
		*slash = '/';
	}
	return fd;
fail:
	close(fd);
	return rc;
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

int ctl_server_open(const char *path, const struct ctl_access *acc,
		    bool *group_set, struct err *err)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, dfd, rc, tries;
	const char *base;
	bool grp = false;
	mode_t old;

	if (group_set)
		*group_set = false;
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
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (!*base) {
		err_set(err, -EINVAL, "control socket path %s names a directory", path);
		return -EINVAL;
	}
	dfd = open_socket_dir(path, err);
	if (dfd < 0)
		return dfd;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		err_set(err, rc, "control socket: %s", strerror(errno));
		close(dfd);
		return rc;
	}

	for (tries = 0; ; tries++) {
		/* Born 0600: no moment where anyone but root may connect;
		 * the group gets its access below, once the file is ours. */
		old = umask(0177);
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
		 * ours to replace (lstat: a symlink is not a socket). */
		if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    !S_ISSOCK(st.st_mode)) {
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
		if (rc == 0 && unlinkat(dfd, base, 0) < 0 && errno != ENOENT) {
			rc = -errno;
			err_set(err, rc, "cannot remove stale socket %s: %s", path,
				strerror(errno));
			goto fail;
		}
	}
	/* Group first, mode second: members can connect only once both are
	 * right. Giving the file a group we are not in needs CAP_CHOWN; if
	 * that is missing the socket stays root-only, which the caller logs. */
	if (acc && acc->gid != CTL_NO_GROUP &&
	    fchownat(dfd, base, (uid_t)-1, acc->gid, AT_SYMLINK_NOFOLLOW) == 0)
		grp = true;
	if (fchmodat(dfd, base, grp ? 0660 : 0600, 0) < 0) {
		rc = -errno;
		err_set(err, rc, "cannot set mode of %s: %s", path, strerror(errno));
		goto fail_unlink;
	}
	if (listen(fd, CTL_BACKLOG) < 0) {
		rc = -errno;
		err_set(err, rc, "cannot listen on %s: %s", path, strerror(errno));
		goto fail_unlink;
	}
	close(dfd);
	if (group_set)
		*group_set = grp;
	return fd;

fail_unlink:
	unlinkat(dfd, base, 0);
fail:
	close(fd);
	close(dfd);
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
	CONN_STREAM,         /* a monitor: events written as they come */
	CONN_DEAD,           /* closed, freed at the end of ctl_server_run() */
};

/* What a peer may do, from its credentials. */
enum peer_level {
	PEER_NONE,           /* refused at accept */
	PEER_READ,           /* the control group: CTL_RO commands */
	PEER_ALL,            /* root */
};

struct ctl_conn {
	struct ctl_conn *next;
	int fd;
	enum conn_state state;
	enum peer_level level;
	uid_t uid;                /* the peer's, for messages */
	uint64_t since;           /* accepted at; the oldest idle one makes room */
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
	/* monitor (CONN_STREAM): rep is the queue, rep_cap its size */
	size_t rep_cap;
	bool json;                /* the request's -j: JSON lines */
	bool want_out;            /* EPOLLOUT armed: the queue waits for room */
	bool closing;             /* dropped: close once the last line is out */
	char filter[BOND_NAME_MAX]; /* the bond watched; "" every bond */
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
	struct ctl_access acc;    /* the control group */
	bool group_set;           /* the socket file has it (else 0600) */
	size_t reply_bytes;       /* held in replies being written */
	size_t reply_budget;      /* CTL_MAX_PENDING_REPLY */
	unsigned n_monitors;      /* connections in CONN_STREAM */
	unsigned long monitors_dropped;   /* fell CTL_MONITOR_QUEUE behind */
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
	if (c->state == CONN_WRITE)
		srv->reply_bytes -= c->rep_len;
	if (c->state == CONN_STREAM)
		srv->n_monitors--;
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

/* Sends what the socket takes of c->rep now: 1 all sent, 0 the socket is
 * full, -1 the client is gone. Replies and monitor streams alike. */
static int send_pending(struct ctl_conn *c)
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
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	}
	return 1;
}

/* Writes what the socket takes now; closes when all is sent or the client
 * is gone, else waits for room (EPOLLOUT brings us back). */
static void conn_write(struct ctl_server *srv, struct ctl_conn *c)
{
	if (send_pending(c) != 0)
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
	srv->reply_bytes += len;
	c->deadline = now + srv->timeout_ms;
	if (watch(srv, EPOLL_CTL_MOD, c->fd, EPOLLOUT, c) < 0) {
		conn_close(srv, c);
		return;
	}
	conn_write(srv, c);
}

/* ---- monitors ---------------------------------------------------------- */

/* Arms or disarms EPOLLOUT: a monitor always listens for its client going
 * away (EPOLLIN: end of file), and for room only while lines wait. */
static int stream_watch(struct ctl_server *srv, struct ctl_conn *c, bool out)
{
	if (out == c->want_out)
		return 0;
	c->want_out = out;
	return watch(srv, EPOLL_CTL_MOD, c->fd, EPOLLIN | (out ? EPOLLOUT : 0), c);
}

/* Writes what the socket takes of the queue; never waits. */
static void stream_write(struct ctl_server *srv, struct ctl_conn *c)
{
	int rc = send_pending(c);

	if (rc <= 0) {
		/* full: wait for room; gone: close */
		if (rc < 0 || stream_watch(srv, c, true) < 0)
			conn_close(srv, c);
		return;
	}
	c->sent = c->rep_len = 0;
	if (c->closing || stream_watch(srv, c, false) < 0)
		conn_close(srv, c);
}

/* The client of a monitor sends nothing after its request: input means it
 * closed (or sent junk, which is read and ignored). */
static void stream_input(struct ctl_server *srv, struct ctl_conn *c)
{
	uint8_t junk[256];
	ssize_t n;

	for (;;) {
		n = recv(c->fd, junk, sizeof(junk), MSG_DONTWAIT);
		if (n > 0)
			continue;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		conn_close(srv, c);
		return;
	}
}

/* Queues one line for a monitor. Past CTL_MONITOR_QUEUE unread bytes the
 * line is replaced by the "dropped" one, the last it gets: it has
 * CTL_MONITOR_GRACE_MS to read it, then it is closed either way. */
static void stream_push(struct ctl_server *srv, struct ctl_conn *c, const char *line,
			size_t n, uint64_t now)
{
	size_t pending = c->rep_len - c->sent;

	if (c->state != CONN_STREAM || c->closing)
		return;
	if (pending + n > CTL_MONITOR_QUEUE) {
		line = ctl_monitor_dropped(c->json);
		n = strlen(line);
		c->closing = true;
		c->deadline = now + CTL_MONITOR_GRACE_MS;
		srv->monitors_dropped++;
	}
	if (c->sent) {
		memmove(c->rep, c->rep + c->sent, pending);
		c->rep_len = pending;
		c->sent = 0;
	}
	if (c->rep_len + n > c->rep_cap) {
		size_t cap = c->rep_cap ? c->rep_cap : 4096;
		uint8_t *q;

		while (cap < c->rep_len + n)
			cap *= 2;
		q = realloc(c->rep, cap);
		if (!q) {
			conn_close(srv, c);
			return;
		}
		c->rep = q;
		c->rep_cap = cap;
	}
	memcpy(c->rep + c->rep_len, line, n);
	c->rep_len += n;
	if (!c->want_out)   /* else EPOLLOUT brings us back */
		stream_write(srv, c);
}

/* An accepted `monitor` request: the reply says so (status 0), then the
 * connection carries events until either side closes it. */
static void stream_start(struct ctl_server *srv, struct ctl_conn *c,
			 const struct ctl_request *req, uint8_t *rep, size_t len)
{
	free(c->req);
	c->req = NULL;
	c->state = CONN_STREAM;
	srv->n_monitors++;
	c->json = req->flags & CTL_F_JSON;
	snprintf(c->filter, sizeof(c->filter), "%s", req->argc > 1 ? req->argv[1] : "");
	c->rep = rep;
	c->rep_len = c->rep_cap = len;
	c->sent = 0;
	c->deadline = UINT64_MAX;   /* as long as it reads */
	c->want_out = true;         /* the watch is EPOLLIN only: make it so */
	/* The kernel's share of what a slow monitor holds is bounded too. */
	if (setsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &(int){ CTL_MONITOR_SNDBUF },
		       sizeof(int)) < 0)
		fprintf(stderr, "bondd: monitor connection: SO_SNDBUF: %s (the default "
			"buffer stays: larger, still bounded)\n", strerror(errno));
	if (stream_watch(srv, c, false) < 0) {
		conn_close(srv, c);
		return;
	}
	stream_write(srv, c);
}

void ctl_server_event(struct ctl_server *srv, const struct bond_event *ev,
		      uint64_t wall_us, uint64_t now)
{
	struct strbuf lines[2];
	struct ctl_conn *c, *next;

	if (!srv || !srv->n_monitors)
		return;
	sb_init(&lines[0]);
	sb_init(&lines[1]);
	for (c = srv->conns; c; c = next) {
		struct strbuf *l = &lines[c->json];

		next = c->next;
		if (c->state != CONN_STREAM || (c->filter[0] && strcmp(c->filter, ev->bond)))
			continue;
		if (!l->len)
			ctl_event_format(ev, wall_us, c->json, l);
		if (l->oom || !l->len)
			continue;
		stream_push(srv, c, l->buf, l->len, now);
	}
	sb_free(&lines[0]);
	sb_free(&lines[1]);
}

unsigned ctl_server_monitors(const struct ctl_server *srv)
{
	return srv ? srv->n_monitors : 0;
}

unsigned long ctl_server_monitors_dropped(const struct ctl_server *srv)
{
	return srv ? srv->monitors_dropped : 0;
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
	if (c->level != PEER_ALL && req.argc > 0 &&
	    ctl_request_read_only(req.argc, req.argv) == 0) {
		/* Known and not read-only; an unknown word goes on to
		 * ctl_exec(), which runs nothing and says "unknown command". */
		rep = encode_error(CTL_EXIT_REFUSED, &len,
				   "bondd: permission denied: %s needs root; uid %u (group %s) "
				   "may only read (show, stats, monitor, get, list, hash, options, help, version)\n",
				   req.argv[0], (unsigned)c->uid, srv->acc.group);
		ctl_request_free(&req);
		conn_reply(srv, c, rep, len, now);
		return;
	}
	if (srv->reply_bytes >= srv->reply_budget) {
		/* Clients that do not read their replies hold this much:
		 * answer no more until they are gone (their deadline). */
		rep = encode_error(CTL_EXIT_REFUSED, &len,
				   "bondd: busy: %zu bytes of replies not yet read by other "
				   "clients; try again\n", srv->reply_bytes);
		ctl_request_free(&req);
		conn_reply(srv, c, rep, len, now);
		return;
	}
	if (!strcmp(req.argv[0], "monitor") && srv->n_monitors >= CTL_MAX_MONITORS) {
		rep = encode_error(CTL_EXIT_REFUSED, &len,
				   "bondd: too many monitors (%u); try again later\n",
				   CTL_MAX_MONITORS);
		ctl_request_free(&req);
		conn_reply(srv, c, rep, len, now);
		return;
	}
	sb_init(&out);
	sb_init(&errout);
	status = ctl_exec_as(srv->be, req.argc, req.argv, req.flags & CTL_F_JSON,
			     c->level == PEER_ALL, &out, &errout);
	if (out.oom || errout.oom)
		rep = encode_error(CTL_EXIT_REFUSED, &len,
				   "bondd: out of memory while answering (the command %s)\n",
				   status == CTL_EXIT_OK ? "was done" : "failed");
	else
		rep = encode_reply(status, out.buf ? out.buf : "", out.len,
				   errout.buf ? errout.buf : "", errout.len, &len);
	sb_free(&out);
	sb_free(&errout);
	if (rep && status == CTL_EXIT_OK && !strcmp(req.argv[0], "monitor"))
		stream_start(srv, c, &req, rep, len);
	else
		conn_reply(srv, c, rep, len, now);
	ctl_request_free(&req);
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

/* A connection we will not serve (over the cap, not allowed, evicted):
 * it hears why, in one line, and is closed. Its socket buffer is empty, so
 * the short reply goes out at once; nothing here waits. */
static void refuse(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void refuse(int fd, const char *fmt, ...)
{
	uint8_t *rep = NULL, junk[256];
	char msg[400];
	size_t len;
	va_list ap;
	struct err e;
	int n, i;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n >= 0 && ctl_reply_encode(CTL_EXIT_REFUSED, NULL, 0, msg,
				       strnlen(msg, sizeof(msg)), &rep, &len, &e) == 0 &&
	    send(fd, rep, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		/* it went away, or cannot take even this: close anyway */
	}
	free(rep);
	shutdown(fd, SHUT_WR);
	/* Read what it sent, so the close does not reset the connection
	 * before it has read the reply; bounded, a client may keep sending. */
	for (i = 0; i < 64 && recv(fd, junk, sizeof(junk), MSG_DONTWAIT) > 0; i++)
		;
	close(fd);
}

/* Is gid among the peer's groups? Its primary gid comes with SO_PEERCRED;
 * the supplementary ones from SO_PEERGROUPS (Linux 4.13): like SO_PEERCRED
 * the kernel records them at connect(), so they are the groups of the
 * process that connected, cannot be changed or raced afterwards (a pid read
 * from /proc/PID/status could have exited and been reused, and the unit's
 * ProtectProc=invisible hides /proc of other users), and cost no NSS lookup
 * (getgrouplist() may ask LDAP or the like, and block the loop; it also
 * answers what the uid could have, not what the process has: someone who
 * dropped the group with setgroups() keeps it there). Without
 * SO_PEERGROUPS, only the primary group counts. */
static bool peer_in_group(int fd, const struct ucred *cr, gid_t gid)
{
	gid_t small[64], *gids = small;
	socklen_t len = sizeof(small);
	bool in = false;
	size_t i;

	if (gid == CTL_NO_GROUP)
		return false;
	if (cr->gid == gid)
		return true;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, gids, &len) < 0) {
		if (errno != ERANGE)
			return false;
		/* len is now the size needed (at most NGROUPS_MAX gids). */
		gids = malloc(len);
		if (!gids || getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, gids, &len) < 0) {
			free(gids);
			return false;
		}
	}
	for (i = 0; i < len / sizeof(gid_t); i++)
		if (gids[i] == gid)
			in = true;
	if (gids != small)
		free(gids);
	return in;
}

/* Who is at the other end of fd, and what it may do. */
static enum peer_level peer_level(const struct ctl_server *srv, int fd, uid_t *uid)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	*uid = (uid_t)-1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0 || len != sizeof(cr))
		return PEER_NONE;
	*uid = cr.uid;
	/* Our own uid too: it could ptrace us anyway (a daemon run by a
	 * user, for tests). */
	if (cr.uid == 0 || cr.uid == geteuid())
		return PEER_ALL;
	if (peer_in_group(fd, &cr, srv->acc.gid))
		return PEER_READ;
	return PEER_NONE;
}

/* At the cap: the oldest connection that has not sent a byte makes room for
 * the new one, so silent clients cannot lock the others out for a whole
 * deadline. A real client has usually sent its request before we even
 * accept it. Returns false when every slot is doing real work. */
static bool evict_idle(struct ctl_server *srv)
{
	struct ctl_conn *c, *old = NULL;
	int fd;

	for (c = srv->conns; c; c = c->next)
		if (c->state == CONN_READ && c->got == 0 &&
		    (!old || c->since <= old->since))
			old = c;
	if (!old)
		return false;
	/* conn_close() closes the fd; keep a copy of it for the message. */
	fd = dup(old->fd);
	conn_close(srv, old);
	if (fd >= 0)
		refuse(fd, "bondd: dropped: connected and sent nothing while all %u "
		       "control connections were taken\n", srv->max_clients);
	return true;
}

/* Accepts what is pending (a bounded number per run: frames wait meanwhile). */
static void accept_some(struct ctl_server *srv, uint64_t now)
{
	enum peer_level level;
	struct ctl_conn *c;
	uid_t uid;
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
		level = peer_level(srv, fd, &uid);
		if (level == PEER_NONE) {
			if (srv->acc.gid != CTL_NO_GROUP)
				refuse(fd, "bondd: permission denied: uid %d is not root "
				       "or in group %s\n", (int)uid, srv->acc.group);
			else
				refuse(fd, "bondd: permission denied: uid %d is not root "
				       "(no control group: root only)\n", (int)uid);
			continue;
		}
		if (srv->n_conns >= srv->max_clients && !evict_idle(srv)) {
			refuse(fd, "bondd: too many control connections (%u); try again\n",
			       srv->max_clients);
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->level = level;
		c->uid = uid;
		c->since = now;
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
		else if (c->state == CONN_STREAM && (evs[i].events & EPOLLOUT))
			stream_write(srv, c);
		if (c && c->state == CONN_STREAM &&
		    (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
			stream_input(srv, c);
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

bool ctl_server_group_set(const struct ctl_server *srv)
{
	return srv->group_set;
}

void ctl_server_set_reply_budget(struct ctl_server *srv, size_t bytes)
{
	srv->reply_budget = bytes;
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

struct ctl_server *ctl_server_new(const char *path, const struct ctl_access *acc,
				  const struct ctl_backend *be, struct err *err)
{
	struct ctl_server *srv = calloc(1, sizeof(*srv));

	if (!srv) {
		err_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	srv->be = be;
	srv->max_clients = CTL_MAX_CLIENTS;
	srv->timeout_ms = CTL_IO_TIMEOUT_MS;
	srv->reply_budget = CTL_MAX_PENDING_REPLY;
	srv->acc.gid = CTL_NO_GROUP;
	if (acc)
		srv->acc = *acc;
	snprintf(srv->path, sizeof(srv->path), "%s", path ? path : "");
	srv->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (srv->epfd < 0) {
		err_set(err, -errno, "control socket: epoll: %s", strerror(errno));
		free(srv);
		return NULL;
	}
	srv->lfd = ctl_server_open(path, &srv->acc, &srv->group_set, err);
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
