/* The control socket's client side: connect, send one request, read one
 * reply (see client.h and ctl_proto.h). */
#include "client.h"

#include <errno.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "ctl/ctl_proto.h"

static int recv_full(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = recv(fd, buf + got, len - got, 0);
		if (n > 0)
			got += (size_t)n;
		else if (n == 0)
			return -ECONNRESET;
		else if (errno != EINTR)
			return -errno;
	}
	return 0;
}

static int send_full(int fd, const uint8_t *buf, size_t len)
{
	size_t sent = 0;
	ssize_t n;

	while (sent < len) {
		n = send(fd, buf + sent, len - sent, MSG_NOSIGNAL);
		if (n >= 0)
			sent += (size_t)n;
		else if (errno != EINTR)
			return -errno;
	}
	return 0;
}

static const char *io_error(int rc)
{
	if (rc == -EAGAIN || rc == -EWOULDBLOCK)
		return "timed out";
	if (rc == -ECONNRESET)
		return "connection closed by bondd";
	return strerror(-rc);
}

bool client_path_ok(const char *path)
{
	struct sockaddr_un sa;

	return strlen(path) < sizeof(sa.sun_path);
}

/* A NUL-terminated copy of len bytes (the reply's texts have none). */
static char *dup_text(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

void client_reply_free(struct client_reply *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
	r->out_len = r->err_len = 0;
}

/* Reads the whole reply on fd into a fresh buffer (*rep, *total).
 * Returns 0 or an exit status after printing why. */
static int read_reply(const char *prog, const char *path, int fd,
		      uint8_t **rep, size_t *total)
{
	uint8_t hdr[CTL_REPLY_HDR_LEN];
	struct err e;
	int rc;

	err_clear(&e);
	rc = recv_full(fd, hdr, sizeof(hdr));
	if (rc) {
		fprintf(stderr, "%s: no reply from bondd at %s: %s\n", prog, path,
			io_error(rc));
		return CTL_EXIT_REFUSED;
	}
	if (ctl_reply_header(hdr, sizeof(hdr), total, &e)) {
		fprintf(stderr, "%s: bad reply from bondd: %s\n", prog, e.msg);
		return CTL_EXIT_REFUSED;
	}
	*rep = malloc(*total);
	if (!*rep) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return CTL_EXIT_REFUSED;
	}
	memcpy(*rep, hdr, sizeof(hdr));
	rc = recv_full(fd, *rep + sizeof(hdr), *total - sizeof(hdr));
	if (rc) {
		fprintf(stderr, "%s: reply from bondd cut short: %s\n", prog, io_error(rc));
		free(*rep);
		*rep = NULL;
		return CTL_EXIT_REFUSED;
	}
	return 0;
}

/* Whether bondd turned the connection away before reading the request
 * (ctl_server.c: all connections taken, or this one dropped as idle to make
 * room): nothing was run, so asking again is safe. */
static bool turned_away(const struct ctl_reply *cr)
{
	static const char *const why[] = {
		"bondd: too many control connections", "bondd: dropped: ",
	};
	size_t i, n;

	if (cr->status != CTL_EXIT_REFUSED)
		return false;
	for (i = 0; i < ARRAY_SIZE(why); i++) {
		n = strlen(why[i]);
		if (cr->err_len >= n && !memcmp(cr->err, why[i], n))
			return true;
	}
	return false;
}

/* A monitor's stream, after its reply: every byte to stdout as it comes
 * (line by line for a pipe), until the daemon closes it. */
static int pump(const char *prog, int fd)
{
	struct timeval none = { 0 };
	char buf[4096];
	ssize_t n;

	/* Events may be hours apart: no receive timeout from here on. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof(none));
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "%s: monitor: %s\n", prog, strerror(errno));
			return CTL_EXIT_REFUSED;
		}
		if (n == 0)
			return CTL_EXIT_OK;     /* the daemon closed the stream */
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n || fflush(stdout)) {
			fprintf(stderr, "%s: cannot write output: %s\n", prog, strerror(errno));
			return CTL_EXIT_REFUSED;
		}
	}
}

static int call_once(const char *prog, const char *path, int argc,
		     const char *const argv[], bool json, struct client_reply *r,
		     bool last, bool *again, bool stream)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = CLIENT_TIMEOUT_S };
	uint8_t *req = NULL, *rep = NULL;
	size_t req_len, total;
	struct ctl_reply cr;
	struct err e;
	int fd, rc;

	memset(r, 0, sizeof(*r));
	if (!client_path_ok(path)) {
		fprintf(stderr, "%s: socket path too long: %s\n", prog, path);
		return CTL_EXIT_USAGE;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);

	err_clear(&e);
	if (ctl_request_encode(argc, argv, json ? CTL_F_JSON : 0, &req, &req_len, &e)) {
		fprintf(stderr, "%s: %s\n", prog, e.msg);
		return CTL_EXIT_USAGE;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	rc = fd < 0 ? -1 : connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	if (rc < 0 && fd >= 0 && (errno == EACCES || errno == EPERM)) {
		/* The socket's mode kept us out: bondd is there and says no,
		 * like its own "permission denied" (exit status: refused). */
		struct stat st;
		struct group *gr = NULL;

		if (stat(path, &st) == 0)
			gr = getgrgid(st.st_gid);
		if (gr && st.st_gid != 0)
			fprintf(stderr, "%s: permission denied: uid %u is not root or in "
				"group %s (%s)\n", prog, (unsigned)getuid(), gr->gr_name, path);
		else
			fprintf(stderr, "%s: permission denied: uid %u is not root (%s)\n",
				prog, (unsigned)getuid(), path);
		close(fd);
		free(req);
		return CTL_EXIT_REFUSED;
	}
	if (rc < 0) {
		fprintf(stderr, "%s: cannot connect to bondd at %s: %s\n", prog, path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		free(req);
		return CTL_EXIT_NODAEMON;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));

	rc = send_full(fd, req, req_len);
	free(req);
	if (rc && !last && (rc == -EPIPE || rc == -ECONNRESET)) {
		/* Closed before it read the request: turned away. */
		*again = true;
		close(fd);
		return CTL_EXIT_NODAEMON;
	}
	if (rc) {
		fprintf(stderr, "%s: cannot send to bondd at %s: %s\n", prog, path,
			io_error(rc));
		close(fd);
		return CTL_EXIT_NODAEMON;
	}
	rc = read_reply(prog, path, fd, &rep, &total);
	if (rc) {
		close(fd);
		return rc;
	}
	if (ctl_reply_decode(rep, total, &cr, &e)) {
		fprintf(stderr, "%s: bad reply from bondd: %s\n", prog, e.msg);
		free(rep);
		close(fd);
		return CTL_EXIT_REFUSED;
	}
	if (stream && cr.status == CTL_EXIT_OK) {
		/* Accepted: the events follow on the same connection. */
		fwrite(cr.out, 1, cr.out_len, stdout);
		fflush(stdout);
		free(rep);
		rc = pump(prog, fd);
		close(fd);
		r->status = rc;
		r->out = dup_text("", 0);
		r->err = dup_text("", 0);
		if (!r->out || !r->err) {
			client_reply_free(r);
			return CTL_EXIT_REFUSED;
		}
		return 0;
	}
	close(fd);
	if (!last && turned_away(&cr)) {
		*again = true;
		free(rep);
		return CTL_EXIT_REFUSED;
	}
	r->status = cr.status;
	r->out = dup_text(cr.out, cr.out_len);
	r->err = dup_text(cr.err, cr.err_len);
	r->out_len = cr.out_len;
	r->err_len = cr.err_len;
	free(rep);
	if (!r->out || !r->err) {
		client_reply_free(r);
		fprintf(stderr, "%s: out of memory\n", prog);
		return CTL_EXIT_REFUSED;
	}
	return 0;
}

/* A daemon under a flood of connections may turn us away before reading
 * the request (never after running it): ask again a few times, a little
 * later each time, before saying so. */
#define CLIENT_TRIES 4

int client_call(const char *prog, const char *path, int argc,
		const char *const argv[], bool json, struct client_reply *r)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	bool again;
	int i, rc;

	for (i = 0; ; i++) {
		again = false;
		rc = call_once(prog, path, argc, argv, json, r, i == CLIENT_TRIES - 1,
			       &again, argc > 0 && !strcmp(argv[0], "monitor"));
		if (!again)
			return rc;
		nanosleep(&ts, NULL);
		ts.tv_nsec *= 2;
	}
}

int client_run(const char *prog, const char *path, int argc,
	       const char *const argv[], bool json)
{
	struct client_reply r;
	int status;

	status = client_call(prog, path, argc, argv, json, &r);
	if (status)
		return status;
	fwrite(r.out, 1, r.out_len, stdout);
	fflush(stdout);
	fwrite(r.err, 1, r.err_len, stderr);
	status = r.status;
	client_reply_free(&r);
	if (ferror(stdout)) {
		fprintf(stderr, "%s: cannot write output: %s\n", prog, strerror(errno));
		if (status == CTL_EXIT_OK)
			status = CTL_EXIT_REFUSED;
	}
	return status;
}
