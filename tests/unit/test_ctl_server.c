/* The control socket server (src/ctl/ctl_server.c) without a daemon: this
 * file defines its own ctl_exec_as(), so the linker takes that one instead of
 * ctl_dispatch.o and the server is tested alone, driven the way the daemon's loop
 * drives it (ctl_server_run() with a virtual clock): socket file creation,
 * stale and live sockets, requests and replies in pieces, garbage, silent
 * and slow clients, the deadline and the cap on connections. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <grp.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/bond_types.h"
#include "ctl/ctl_cmd.h"
#include "ctl/ctl_monitor.h"
#include "ctl/ctl_proto.h"
#include "ctl/ctl_server.h"

#define BIG_REPLY (4u * 1024u * 1024u)

static int exec_calls;

/* Echoes its arguments so the test sees exactly what the server decoded;
 * "fail" is refused, "big" answers BIG_REPLY bytes (more than a socket
 * buffer holds). */
int ctl_exec_as(const struct ctl_backend *be, int argc, char **argv, bool json,
		bool privileged, struct strbuf *out, struct strbuf *errout)
{
	int i;

	exec_calls++;
	if (!strcmp(argv[0], "big")) {
		char *blk = malloc(BIG_REPLY + 1);

		memset(blk, 'x', BIG_REPLY);
		blk[BIG_REPLY] = '\0';
		sb_puts(out, blk);
		free(blk);
		return CTL_EXIT_OK;
	}
	for (i = 0; i < argc; i++)
		sb_printf(out, "[%s]", argv[i]);
	sb_printf(out, " json=%d\n", json);
	if (!strcmp(argv[0], "fail")) {
		sb_puts(errout, "bondctl: refused\n");
		return CTL_EXIT_REFUSED;
	}
	return CTL_EXIT_OK;
}

struct fixture {
	char dir[64];
	char path[128];
	struct ctl_server *srv;
	uint64_t now;           /* the virtual clock */
	struct ctl_access acc;  /* the control group: our own gid */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/test_ctl_server.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	/* A directory the server must create itself. */
	snprintf(f->path, sizeof(f->path), "%s/run/bondd.sock", f->dir);
	f->now = 5000;
	/* Our own group: we may give the socket to it without CAP_CHOWN. */
	snprintf(f->acc.group, sizeof(f->acc.group), "testgrp");
	f->acc.gid = getegid();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char sub[96];

	ctl_server_free(f->srv);
	unlink(f->path);
	snprintf(sub, sizeof(sub), "%s/run", f->dir);
	rmdir(sub);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void start(struct fixture *f)
{
	struct err e;

	err_clear(&e);
	f->srv = ctl_server_new(f->path, &f->acc, NULL, &e);
	assert_non_null(f->srv);
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static uint64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* One turn of the loop: the server's fd is what the daemon's epoll would
 * report; run it if readable (or anyway: it must not wait either way), and
 * check it returned at once. */
static void turn(struct fixture *f)
{
	struct pollfd p = { .fd = ctl_server_fd(f->srv), .events = POLLIN };
	uint64_t t0 = wall_ms();

	poll(&p, 1, 0);
	ctl_server_run(f->srv, f->now);
	assert_true(wall_ms() - t0 < 200);
}

static void turns(struct fixture *f, int n)
{
	while (n--)
		turn(f);
}

/* Whether fd has something to read (data or EOF) right now. */
static bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

/* Reads a whole reply until EOF (the server closes after it), running the
 * server whenever the socket is empty. */
static size_t read_reply(struct fixture *f, int fd, uint8_t *buf, size_t cap)
{
	size_t got = 0;
	ssize_t n;
	int idle = 0;

	while (got < cap) {
		if (!readable(fd)) {
			assert_true(idle++ < 1000);
			turn(f);
			continue;
		}
		n = read(fd, buf + got, cap - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

static int request(struct fixture *f, const uint8_t *req, size_t len,
		   struct ctl_reply *r, uint8_t *buf, size_t cap)
{
	int fd = connect_to(f->path);
	size_t got;
	struct err e;

	if (len)
		assert_int_equal(write(fd, req, len), (ssize_t)len);
	turn(f);
	got = read_reply(f, fd, buf, cap);
	close(fd);
	return ctl_reply_decode(buf, got, r, &e);
}

static void test_open_modes_and_serve(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "show", "bond0", "" };
	uint8_t *req, buf[4096];
	struct ctl_reply r;
	struct stat st;
	struct err e;
	size_t len;
	char sub[96];

	start(f);
	assert_int_equal(stat(f->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0660);
	snprintf(sub, sizeof(sub), "%s/run", f->dir);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0755);
	assert_int_equal(ctl_server_deadline(f->srv), UINT64_MAX);

	/* Nothing pending: returns at once. */
	turn(f);

	assert_int_equal(ctl_request_encode(3, argv, CTL_F_JSON, &req, &len, &e), 0);
	exec_calls = 0;
	assert_int_equal(request(f, req, len, &r, buf, sizeof(buf)), 0);
	free(req);
	assert_int_equal(exec_calls, 1);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.err_len, 0);
	assert_int_equal(r.out_len, strlen("[show][bond0][] json=1\n"));
	assert_memory_equal(r.out, "[show][bond0][] json=1\n", r.out_len);

	argv[0] = "fail";
	assert_int_equal(ctl_request_encode(1, argv, 0, &req, &len, &e), 0);
	assert_int_equal(request(f, req, len, &r, buf, sizeof(buf)), 0);
	free(req);
	assert_int_equal(r.status, CTL_EXIT_REFUSED);
	assert_memory_equal(r.err, "bondctl: refused\n", r.err_len);
	assert_int_equal(ctl_server_clients(f->srv), 0);

	ctl_server_free(f->srv);
	f->srv = NULL;
	assert_int_equal(stat(f->path, &st), -1);
}

static void test_stale_live_and_foreign(void **state)
{
	struct fixture *f = *state;
	struct err e;
	int lfd, lfd2, fd;

	lfd = ctl_server_open(f->path, &f->acc, NULL, &e);
	assert_true(lfd >= 0);
	/* A live one: the second daemon must refuse and leave it alone. */
	err_clear(&e);
	lfd2 = ctl_server_open(f->path, &f->acc, NULL, &e);
	assert_int_equal(lfd2, -EADDRINUSE);
	assert_non_null(strstr(e.msg, "already running"));
	close(lfd);                  /* crash: the file stays, nobody listens */
	assert_int_equal(access(f->path, F_OK), 0);
	lfd = ctl_server_open(f->path, &f->acc, NULL, &e);
	assert_true(lfd >= 0);       /* stale one replaced */
	ctl_server_close(lfd, f->path);

	/* A regular file at the path is not ours to delete. */
	fd = open(f->path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	lfd = ctl_server_open(f->path, &f->acc, NULL, &e);
	assert_int_equal(lfd, -EEXIST);
	assert_int_equal(access(f->path, F_OK), 0);
	unlink(f->path);

	/* Paths that cannot work. */
	assert_int_equal(ctl_server_open("", NULL, NULL, &e), -EINVAL);
	{
		char longp[200];

		memset(longp, 'a', sizeof(longp) - 1);
		longp[0] = '/';
		longp[sizeof(longp) - 1] = '\0';
		assert_int_equal(ctl_server_open(longp, NULL, NULL, &e), -ENAMETOOLONG);
	}
}

static void test_garbage_and_silence(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "list" };
	uint8_t *req, buf[4096];
	static const uint8_t junk[] = "GET / HTTP/1.0\r\n\r\n";
	struct ctl_reply r;
	struct err e;
	size_t len, got;
	int fd;

	start(f);
	exec_calls = 0;

	/* Not our protocol: a clear error, ctl_exec never runs. */
	assert_int_equal(request(f, junk, sizeof(junk) - 1, &r, buf, sizeof(buf)), 0);
	assert_int_equal(r.status, CTL_EXIT_USAGE);
	assert_non_null(memmem(r.err, r.err_len, "malformed request", 17));

	/* Valid header, broken body. */
	assert_int_equal(ctl_request_encode(1, argv, 0, &req, &len, &e), 0);
	req[len - 1] = '\0';
	assert_int_equal(request(f, req, len, &r, buf, sizeof(buf)), 0);
	assert_int_equal(r.status, CTL_EXIT_USAGE);

	/* Half a request, then silence: nothing happens until the deadline,
	 * then it hears why. */
	fd = connect_to(f->path);
	assert_int_equal(write(fd, req, len - 2), (ssize_t)(len - 2));
	turns(f, 3);
	assert_int_equal(ctl_server_clients(f->srv), 1);
	assert_int_equal(ctl_server_deadline(f->srv), f->now + CTL_IO_TIMEOUT_MS);
	f->now += CTL_IO_TIMEOUT_MS - 1;
	turns(f, 2);
	assert_false(readable(fd));
	f->now += 1;
	got = read_reply(f, fd, buf, sizeof(buf));
	close(fd);
	assert_int_equal(ctl_reply_decode(buf, got, &r, &e), 0);
	assert_int_equal(r.status, CTL_EXIT_USAGE);
	assert_non_null(memmem(r.err, r.err_len, "incomplete request after 1000 ms", 32));
	free(req);
	assert_int_equal(ctl_server_clients(f->srv), 0);

	/* A client that connects and goes away: nothing to answer. */
	fd = connect_to(f->path);
	close(fd);
	turns(f, 2);
	assert_int_equal(ctl_server_clients(f->srv), 0);

	/* A header announcing more than the limit. */
	memset(buf, 0, 16);
	memcpy(buf, "BDQ1\0\1\0\0\xff\xff\xff\xff", 12);
	assert_int_equal(request(f, buf, 16, &r, buf, sizeof(buf)), 0);
	assert_int_equal(r.status, CTL_EXIT_USAGE);
	assert_int_equal(exec_calls, 0);
}

/* A request that arrives one byte at a time runs once, when whole. */
static void test_partial_reads(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "show", "bond0" };
	uint8_t *req, buf[4096];
	struct ctl_reply r;
	struct err e;
	size_t len, i, got;
	int fd;

	start(f);
	assert_int_equal(ctl_request_encode(2, argv, 0, &req, &len, &e), 0);
	exec_calls = 0;
	fd = connect_to(f->path);
	for (i = 0; i < len; i++) {
		assert_int_equal(exec_calls, 0);
		assert_int_equal(write(fd, req + i, 1), 1);
		turn(f);
	}
	assert_int_equal(exec_calls, 1);
	got = read_reply(f, fd, buf, sizeof(buf));
	close(fd);
	free(req);
	assert_int_equal(ctl_reply_decode(buf, got, &r, &e), 0);
	assert_memory_equal(r.out, "[show][bond0] json=0\n", r.out_len);
}

/* A reply larger than the socket buffer goes out in pieces as the client
 * reads, and the server never waits for it. */
static void test_partial_writes(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "big" };
	size_t len, got, cap = BIG_REPLY + 64;
	uint8_t *req, *buf = malloc(cap);
	struct ctl_reply r;
	struct err e;
	int fd;

	start(f);
	assert_int_equal(ctl_request_encode(1, argv, 0, &req, &len, &e), 0);
	fd = connect_to(f->path);
	assert_int_equal(write(fd, req, len), (ssize_t)len);
	free(req);
	turn(f);                     /* runs it, writes what fits, returns */
	assert_int_equal(ctl_server_clients(f->srv), 1);
	got = read_reply(f, fd, buf, cap);
	close(fd);
	assert_int_equal(got, CTL_REPLY_HDR_LEN + BIG_REPLY);
	assert_int_equal(ctl_reply_decode(buf, got, &r, &e), 0);
	assert_int_equal(r.out_len, BIG_REPLY);
	assert_int_equal(r.out[BIG_REPLY - 1], 'x');
	assert_int_equal(ctl_server_clients(f->srv), 0);
	free(buf);
}

/* A client that sends nothing holds only its own slot: another one is
 * served meanwhile. */
static void test_silent_client_does_not_block(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "list" };
	uint8_t *req, buf[4096];
	struct ctl_reply r;
	struct err e;
	size_t len;
	int silent;

	start(f);
	silent = connect_to(f->path);
	turn(f);
	assert_int_equal(ctl_server_clients(f->srv), 1);
	assert_int_equal(ctl_request_encode(1, argv, 0, &req, &len, &e), 0);
	assert_int_equal(request(f, req, len, &r, buf, sizeof(buf)), 0);
	free(req);
	assert_int_equal(r.status, 0);
	assert_memory_equal(r.out, "[list] json=0\n", r.out_len);
	assert_int_equal(ctl_server_clients(f->srv), 1);
	assert_false(readable(silent));
	close(silent);
}

/* A client that does not read its reply is dropped at the deadline. */
static void test_slow_reader_dropped(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "big" };
	uint8_t *req, buf[65536];
	struct err e;
	size_t len, got = 0;
	ssize_t n;
	int fd;

	start(f);
	ctl_server_set_limits(f->srv, 0, 300);
	assert_int_equal(ctl_request_encode(1, argv, 0, &req, &len, &e), 0);
	fd = connect_to(f->path);
	assert_int_equal(write(fd, req, len), (ssize_t)len);
	free(req);
	f->now += 200;               /* the request took its time: fine */
	turns(f, 3);
	assert_int_equal(ctl_server_clients(f->srv), 1);
	/* The reply has a deadline of its own, counted from when it began. */
	assert_int_equal(ctl_server_deadline(f->srv), f->now + 300);
	f->now += 299;
	turns(f, 2);
	assert_int_equal(ctl_server_clients(f->srv), 1);
	f->now += 1;
	turn(f);
	assert_int_equal(ctl_server_clients(f->srv), 0);
	assert_int_equal(ctl_server_deadline(f->srv), UINT64_MAX);
	/* It gets what was sent, then the end: never the whole reply. */
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		got += (size_t)n;
	assert_true(got < CTL_REPLY_HDR_LEN + BIG_REPLY);
	close(fd);
}

/* Past the cap, a new connection hears why and is closed when every slot
 * is doing real work; the ones being served are untouched, and a slot that
 * frees up is used again. */
static void test_cap(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "list" };
	uint8_t *req, buf[4096];
	struct ctl_reply r;
	struct err e;
	size_t len;
	int a, b;

	start(f);
	ctl_server_set_limits(f->srv, 2, 0);
	assert_int_equal(ctl_request_encode(1, argv, 0, &req, &len, &e), 0);
	a = connect_to(f->path);
	b = connect_to(f->path);
	/* Each has begun a request: busy, not idle. */
	assert_int_equal(write(a, req, 3), 3);
	assert_int_equal(write(b, req, 3), 3);
	turns(f, 2);
	assert_int_equal(ctl_server_clients(f->srv), 2);
	exec_calls = 0;
	assert_int_equal(request(f, req, len, &r, buf, sizeof(buf)), 0);
	assert_int_equal(r.status, CTL_EXIT_REFUSED);
	assert_non_null(memmem(r.err, r.err_len, "too many control connections (2)", 32));
	assert_int_equal(exec_calls, 0);
	assert_int_equal(ctl_server_clients(f->srv), 2);
	assert_false(readable(a));

	close(a);
	turns(f, 2);
	assert_int_equal(ctl_server_clients(f->srv), 1);
	assert_int_equal(request(f, req, len, &r, buf, sizeof(buf)), 0);
	assert_int_equal(r.status, 0);
	assert_int_equal(exec_calls, 1);
	free(req);
	close(b);
}

/* Silent connections cannot lock a real client out: at the cap, the oldest
 * one that has sent nothing is dropped (with a line saying why) and the new
 * client is served at once, however often the silent ones come back. */
static void test_idle_evicted(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "list" };
	uint8_t *req, buf[4096];
	struct ctl_reply r;
	struct err e;
	size_t len, got;
	int silent[16], i, n = 0;

	start(f);
	ctl_server_set_limits(f->srv, 8, 0);
	assert_int_equal(ctl_request_encode(1, argv, 0, &req, &len, &e), 0);
	exec_calls = 0;
	for (i = 0; i < 8; i++) {
		/* Fill every slot again with silent clients. */
		while (ctl_server_clients(f->srv) < 8) {
			silent[n++] = connect_to(f->path);
			f->now++;       /* distinct ages: the earlier, the older */
			turn(f);
		}
		assert_int_equal(request(f, req, len, &r, buf, sizeof(buf)), 0);
		assert_int_equal(r.status, 0);
		/* The oldest silent one went, with a reason; the next did not. */
		assert_true(readable(silent[i]));
		got = (size_t)read(silent[i], buf, sizeof(buf));
		assert_int_equal(ctl_reply_decode(buf, got, &r, &e), 0);
		assert_int_equal(r.status, CTL_EXIT_REFUSED);
		assert_non_null(memmem(r.err, r.err_len, "sent nothing", 12));
		assert_false(readable(silent[i + 1]));
	}
	assert_int_equal(exec_calls, 8);
	assert_int_equal(n, 15);
	free(req);
	while (n--)
		close(silent[n]);
}

/* Replies nobody reads are bounded: over the budget a new request is
 * refused (busy) without running, until the hoarder's deadline drops it. */
static void test_reply_budget(void **state)
{
	struct fixture *f = *state;
	const char *big[] = { "big" }, *list[] = { "list" };
	uint8_t *req, *breq, buf[4096];
	struct ctl_reply r;
	struct err e;
	size_t len, blen;
	int hoarder;

	start(f);
	ctl_server_set_reply_budget(f->srv, BIG_REPLY / 2);
	assert_int_equal(ctl_request_encode(1, big, 0, &breq, &blen, &e), 0);
	assert_int_equal(ctl_request_encode(1, list, 0, &req, &len, &e), 0);
	hoarder = connect_to(f->path);
	assert_int_equal(write(hoarder, breq, blen), (ssize_t)blen);
	turns(f, 2);
	assert_int_equal(ctl_server_clients(f->srv), 1);   /* writing, unread */
	exec_calls = 0;
	assert_int_equal(request(f, req, len, &r, buf, sizeof(buf)), 0);
	assert_int_equal(r.status, CTL_EXIT_REFUSED);
	assert_non_null(memmem(r.err, r.err_len, "busy", 4));
	assert_int_equal(exec_calls, 0);
	/* The hoarder's time is up: its reply is freed, others are served. */
	f->now += CTL_IO_TIMEOUT_MS;
	turn(f);
	assert_int_equal(ctl_server_clients(f->srv), 0);
	assert_int_equal(request(f, req, len, &r, buf, sizeof(buf)), 0);
	assert_int_equal(r.status, 0);
	assert_int_equal(exec_calls, 1);
	free(req);
	free(breq);
	close(hoarder);
}

/* The socket's directory: created 0755; a symlink, a directory of another
 * user, or one anyone may write, is refused and nothing is created there.
 * Without a group the socket is 0600. */
static void test_socket_dir_safety(void **state)
{
	struct fixture *f = *state;
	char p[200], d[100];
	struct stat st;
	struct err e;
	bool grp;
	int lfd;

	/* No group: root only. */
	err_clear(&e);
	lfd = ctl_server_open(f->path, NULL, &grp, &e);
	assert_true(lfd >= 0);
	assert_false(grp);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	ctl_server_close(lfd, f->path);
	/* With our group: 0660 and that group. */
	lfd = ctl_server_open(f->path, &f->acc, &grp, &e);
	assert_true(lfd >= 0);
	assert_true(grp);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0660);
	assert_int_equal(st.st_gid, getegid());
	ctl_server_close(lfd, f->path);

	/* A symlink in the path (to a perfectly good directory). */
	snprintf(d, sizeof(d), "%s/link", f->dir);
	assert_int_equal(symlink("run", d), 0);
	snprintf(p, sizeof(p), "%s/link/bondd.sock", f->dir);
	err_clear(&e);
	assert_true(ctl_server_open(p, &f->acc, NULL, &e) < 0);
	assert_non_null(strstr(e.msg, "symlink"));
	snprintf(p, sizeof(p), "%s/link/sub/bondd.sock", f->dir);
	assert_true(ctl_server_open(p, &f->acc, NULL, &e) < 0);
	snprintf(p, sizeof(p), "%s/run/sub", f->dir);
	assert_int_equal(access(p, F_OK), -1);    /* nothing made through it */
	unlink(d);

	/* Writable by anyone, no sticky bit. */
	snprintf(d, sizeof(d), "%s/open", f->dir);
	assert_int_equal(mkdir(d, 0700), 0);
	assert_int_equal(chmod(d, 0777), 0);
	snprintf(p, sizeof(p), "%s/bondd.sock", d);
	err_clear(&e);
	assert_true(ctl_server_open(p, &f->acc, NULL, &e) < 0);
	assert_non_null(strstr(e.msg, "writable by others"));
	assert_int_equal(access(p, F_OK), -1);
	/* ... with the sticky bit (like /tmp) it is fine. */
	assert_int_equal(chmod(d, 01777), 0);
	lfd = ctl_server_open(p, &f->acc, NULL, &e);
	assert_true(lfd >= 0);
	ctl_server_close(lfd, p);

	/* Someone else's directory (only root can make one to test). */
	if (geteuid() == 0) {
		assert_int_equal(chmod(d, 0755), 0);
		assert_int_equal(chown(d, 65534, 65534), 0);
		err_clear(&e);
		assert_true(ctl_server_open(p, &f->acc, NULL, &e) < 0);
		assert_non_null(strstr(e.msg, "not root"));
	}
	rmdir(d);
}

/* Credentials, from the kernel: a child process becomes another user and
 * talks to the server while the parent drives it. In the group it may
 * read and is refused writes; outside it is refused everything. */
struct cred_case {
	bool in_group;
	const char *cmd;
	int status;             /* expected */
	const char *msg;        /* expected in stderr text, or NULL */
	bool runs;              /* ctl_exec is called */
};

static void run_as(struct fixture *f, const struct cred_case *cc)
{
	const char *argv[] = { cc->cmd, "bond0" };
	uint8_t *req, buf[4096];
	int pfd[2], st, idle = 0;
	struct ctl_reply r;
	struct err e;
	size_t len, got = 0;
	ssize_t n;
	pid_t pid;

	assert_int_equal(ctl_request_encode(2, argv, 0, &req, &len, &e), 0);
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* nobody, with or without the control group (ours: gid 0
		 * under root) as a supplementary group. */
		gid_t g = f->acc.gid;
		int fd;

		close(pfd[0]);
		if (setgroups(cc->in_group ? 1 : 0, &g) < 0 || setgid(65534) < 0 ||
		    setuid(65534) < 0)
			_exit(10);
		fd = connect_to(f->path);
		if (write(fd, req, len) != (ssize_t)len)
			_exit(11);
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			if (write(pfd[1], buf, (size_t)n) != n)
				_exit(12);
		_exit(0);
	}
	close(pfd[1]);
	exec_calls = 0;
	for (;;) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };

		if (poll(&p, 1, 10) == 1) {
			n = read(pfd[0], buf + got, sizeof(buf) - got);
			if (n <= 0)
				break;
			got += (size_t)n;
			continue;
		}
		assert_true(idle++ < 500);
		turn(f);
	}
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(ctl_reply_decode(buf, got, &r, &e), 0);
	assert_int_equal(r.status, cc->status);
	if (cc->msg)
		assert_non_null(memmem(r.err, r.err_len, cc->msg, strlen(cc->msg)));
	assert_int_equal(exec_calls, cc->runs ? 1 : 0);
	free(req);
}

static void test_credentials(void **state)
{
	static const struct cred_case cases[] = {
		{ true, "show", CTL_EXIT_OK, NULL, true },
		{ true, "get", CTL_EXIT_OK, NULL, true },
		{ true, "enslave", CTL_EXIT_REFUSED,
		  "bondd: permission denied: enslave needs root; uid 65534 (group testgrp)", false },
		{ true, "delete", CTL_EXIT_REFUSED, "permission denied: delete needs root", false },
		/* Unknown words go on to dispatch, which says "unknown
		 * command" (here: the stand-in echoes). */
		{ true, "frobnicate", CTL_EXIT_OK, NULL, true },
		{ false, "show", CTL_EXIT_REFUSED,
		  "bondd: permission denied: uid 65534 is not root or in group testgrp", false },
		{ false, "enslave", CTL_EXIT_REFUSED, "uid 65534 is not root", false },
	};
	struct fixture *f = *state;
	char sub[96];
	size_t i;

	if (geteuid() != 0) {
		skip();
		return;
	}
	start(f);
	/* Let nobody reach the socket: the server decides, not the mode. */
	assert_int_equal(chmod(f->dir, 0755), 0);
	snprintf(sub, sizeof(sub), "%s/run", f->dir);
	assert_int_equal(chmod(sub, 0755), 0);
	assert_int_equal(chmod(f->path, 0666), 0);
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		run_as(f, &cases[i]);
	/* Root may do anything (the other tests run as root too). */
	assert_int_equal(ctl_server_clients(f->srv), 0);
}

/* The access column of CTL_COMMANDS: exactly the commands that only read
 * are CTL_RO. */
static void test_read_only_table(void **state)
{
	static const char *const ro[] = {
		"show", "get", "list", "hash", "options", "help", "version",
	};
	static const char *const rw[] = {
		"create", "delete", "enslave", "release", "active", "set", "set-slave",
		"reload",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ro); i++)
		assert_int_equal(ctl_cmd_read_only(ro[i]), 1);
	for (i = 0; i < ARRAY_SIZE(rw); i++)
		assert_int_equal(ctl_cmd_read_only(rw[i]), 0);
	assert_int_equal(ctl_cmd_read_only("frobnicate"), -1);
	assert_int_equal(ctl_cmd_read_only(""), -1);
}

/* Reads what is there now (no waiting) into buf, NUL-terminated; -1: EOF. */
static ssize_t drain(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	ssize_t n;

	while (got + 1 < cap && readable(fd)) {
		n = read(fd, buf + got, cap - 1 - got);
		if (n == 0 && !got)
			return -1;
		if (n == 0)
			break;              /* the end: said at the next call */
		if (n < 0)
			break;
		got += (size_t)n;
	}
	buf[got] = 0;
	return (ssize_t)got;
}

static int monitor_connect(struct fixture *f, const char *bond, unsigned flags)
{
	const char *argv[] = { "monitor", bond };
	uint8_t *req;
	size_t len;
	struct err e;
	int fd;

	assert_int_equal(ctl_request_encode(bond ? 2 : 1, argv, flags, &req, &len, &e), 0);
	fd = connect_to(f->path);
	assert_int_equal(write(fd, req, len), (ssize_t)len);
	free(req);
	turns(f, 2);
	return fd;
}

/* `monitor`: the reply (status 0), then one line per event for the bond
 * watched, text or JSON; no deadline while it reads; a client that
 * stops reading is dropped with a last line, and never blocks the server;
 * a monitor that hangs up is gone. */
static void test_monitor_stream(void **state)
{
	struct fixture *f = *state;
	struct bond_event ev = { .kind = BOND_EV_LINK, .bond = "bond0", .slave = "eth0",
				 .state = "down", .reason = "miimon: carrier lost" };
	struct bond_event other = ev;
	static char buf[1 << 20];
	struct ctl_reply r;
	struct err e;
	int txt, js, slow;
	ssize_t n;
	unsigned i;

	start(f);
	other.bond = "bond1";
	txt = monitor_connect(f, "bond0", 0);
	js = monitor_connect(f, NULL, CTL_F_JSON);
	assert_int_equal(ctl_server_monitors(f->srv), 2);
	assert_int_equal(ctl_server_deadline(f->srv), UINT64_MAX);
	n = drain(txt, buf, sizeof(buf));
	assert_int_equal(n, CTL_REPLY_HDR_LEN + 24);   /* "[monitor][bond0] json=0\n" */
	assert_int_equal(ctl_reply_decode((uint8_t *)buf, (size_t)n, &r, &e), 0);
	assert_int_equal(r.status, CTL_EXIT_OK);
	assert_true(drain(js, buf, sizeof(buf)) > CTL_REPLY_HDR_LEN);

	/* 2026-12-05T00:12:03.123456Z */
	ctl_server_event(f->srv, &ev, 1796429523123456ull, f->now);
	ctl_server_event(f->srv, &other, 1796429523123457ull, f->now);
	assert_true(drain(txt, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "2026-12-05T00:12:03.123456Z bond0 eth0 link down "
			    "(miimon: carrier lost)\n");
	assert_true(drain(js, buf, sizeof(buf)) > 0);
	assert_string_equal(buf,
		"{\"time\":\"2026-12-05T00:12:03.123456Z\",\"bond\":\"bond0\",\"slave\":\"eth0\","
		"\"event\":\"link\",\"state\":\"down\",\"reason\":\"miimon: carrier lost\"}\n"
		"{\"time\":\"2026-12-05T00:12:03.123457Z\",\"bond\":\"bond1\",\"slave\":\"eth0\","
		"\"event\":\"link\",\"state\":\"down\",\"reason\":\"miimon: carrier lost\"}\n");

	/* A monitor that never reads: dropped past its queue, the others
	 * keep everything. */
	slow = monitor_connect(f, "bond0", 0);
	assert_int_equal(ctl_server_monitors_dropped(f->srv), 0);
	assert_true(drain(slow, buf, 8) >= 0);     /* a little, then no more */
	for (i = 0; i < 20000 && ctl_server_monitors(f->srv) == 3; i++) {
		uint64_t t0 = wall_ms();

		ctl_server_event(f->srv, &ev, 1796429523123456ull, f->now);
		assert_true(wall_ms() - t0 < 200);
		if (i % 64 == 0) {
			assert_true(drain(txt, buf, sizeof(buf)) >= 0);
			assert_true(drain(js, buf, sizeof(buf)) >= 0);
		}
		if (ctl_server_deadline(f->srv) != UINT64_MAX)
			break;                      /* dropped: closing */
	}
	assert_int_equal(ctl_server_deadline(f->srv), f->now + CTL_MONITOR_GRACE_MS);
	assert_int_equal(ctl_server_monitors_dropped(f->srv), 1);   /* the log's cue */
	/* It may read its last line within the grace time. */
	{
		static char all[1 << 20];
		size_t got = 0;

		int idle = 0;

		while ((n = drain(slow, all + got, sizeof(all) - got)) >= 0) {
			got += (size_t)n;
			assert_true(idle++ < 10000);
			turn(f);
		}
		all[got] = 0;
		assert_true(got > strlen(CTL_MONITOR_DROPPED));
		assert_string_equal(all + got - strlen(CTL_MONITOR_DROPPED), CTL_MONITOR_DROPPED);
		assert_int_equal(n, -1);            /* then the end */
	}
	close(slow);
	turn(f);
	assert_int_equal(ctl_server_monitors(f->srv), 2);
	/* A monitor that hangs up is gone at the next turn. */
	close(js);
	turns(f, 2);
	assert_int_equal(ctl_server_monitors(f->srv), 1);
	close(txt);
	turns(f, 2);
	assert_int_equal(ctl_server_monitors(f->srv), 0);
	assert_int_equal(ctl_server_clients(f->srv), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_modes_and_serve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_live_and_foreign, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_and_silence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silent_client_does_not_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slow_reader_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_evicted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket_dir_safety, setup, teardown),
		cmocka_unit_test_setup_teardown(test_credentials, setup, teardown),
		cmocka_unit_test_setup_teardown(test_monitor_stream, setup, teardown),
		cmocka_unit_test(test_read_only_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
