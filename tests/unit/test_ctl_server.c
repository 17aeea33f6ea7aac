/* The control socket server (src/ctl/ctl_server.c) without a daemon: this
 * file defines its own ctl_exec(), so the linker takes that one instead of
 * ctl_cmd.o and the server is tested alone: socket file creation, stale and
 * live sockets, one request served per accept, garbage and silent clients
 * answered within the deadline. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl/ctl_cmd.h"
#include "ctl/ctl_proto.h"
#include "ctl/ctl_server.h"

static int exec_calls;

/* Echoes its arguments so the test sees exactly what the server decoded. */
int ctl_exec(const struct ctl_backend *be, int argc, char **argv, bool json,
	     struct strbuf *out, struct strbuf *errout)
{
	int i;

	exec_calls++;
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
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/test_ctl_server.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	/* A directory the server must create itself. */
	snprintf(f->path, sizeof(f->path), "%s/run/bondd.sock", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char sub[96];

	unlink(f->path);
	snprintf(sub, sizeof(sub), "%s/run", f->dir);
	rmdir(sub);
	rmdir(f->dir);
	free(f);
	return 0;
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

/* Reads a whole reply until EOF (the server closes after it). */
static size_t read_reply(int fd, uint8_t *buf, size_t cap)
{
	size_t got = 0;
	ssize_t n;

	while (got < cap && (n = read(fd, buf + got, cap - got)) > 0)
		got += (size_t)n;
	return got;
}

static int request(const char *path, int lfd, const uint8_t *req, size_t len,
		   struct ctl_reply *r, uint8_t *buf, size_t cap)
{
	int fd = connect_to(path);
	size_t got;
	struct err e;

	if (len)
		assert_int_equal(write(fd, req, len), (ssize_t)len);
	ctl_server_accept(lfd, NULL);
	got = read_reply(fd, buf, cap);
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
	int lfd;

	lfd = ctl_server_open(f->path, &e);
	assert_true(lfd >= 0);
	assert_int_equal(stat(f->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0660);
	snprintf(sub, sizeof(sub), "%s/run", f->dir);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0755);
	assert_true(fcntl(lfd, F_GETFL) & O_NONBLOCK);

	/* Nothing pending: returns at once. */
	ctl_server_accept(lfd, NULL);

	assert_int_equal(ctl_request_encode(3, argv, CTL_F_JSON, &req, &len, &e), 0);
	exec_calls = 0;
	assert_int_equal(request(f->path, lfd, req, len, &r, buf, sizeof(buf)), 0);
	free(req);
	assert_int_equal(exec_calls, 1);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.err_len, 0);
	assert_int_equal(r.out_len, strlen("[show][bond0][] json=1\n"));
	assert_memory_equal(r.out, "[show][bond0][] json=1\n", r.out_len);

	argv[0] = "fail";
	assert_int_equal(ctl_request_encode(1, argv, 0, &req, &len, &e), 0);
	assert_int_equal(request(f->path, lfd, req, len, &r, buf, sizeof(buf)), 0);
	free(req);
	assert_int_equal(r.status, CTL_EXIT_REFUSED);
	assert_memory_equal(r.err, "bondctl: refused\n", r.err_len);

	ctl_server_close(lfd, f->path);
	assert_int_equal(stat(f->path, &st), -1);
}

static void test_stale_live_and_foreign(void **state)
{
	struct fixture *f = *state;
	struct err e;
	int lfd, lfd2, fd;

	lfd = ctl_server_open(f->path, &e);
	assert_true(lfd >= 0);
	/* A live one: the second daemon must refuse and leave it alone. */
	err_clear(&e);
	lfd2 = ctl_server_open(f->path, &e);
	assert_int_equal(lfd2, -EADDRINUSE);
	assert_non_null(strstr(e.msg, "already running"));
	close(lfd);                  /* crash: the file stays, nobody listens */
	assert_int_equal(access(f->path, F_OK), 0);
	lfd = ctl_server_open(f->path, &e);
	assert_true(lfd >= 0);       /* stale one replaced */
	ctl_server_close(lfd, f->path);

	/* A regular file at the path is not ours to delete. */
	fd = open(f->path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	lfd = ctl_server_open(f->path, &e);
	assert_int_equal(lfd, -EEXIST);
	assert_int_equal(access(f->path, F_OK), 0);
	unlink(f->path);

	/* Paths that cannot work. */
	assert_int_equal(ctl_server_open("", &e), -EINVAL);
	{
		char longp[200];

		memset(longp, 'a', sizeof(longp) - 1);
		longp[0] = '/';
		longp[sizeof(longp) - 1] = '\0';
		assert_int_equal(ctl_server_open(longp, &e), -ENAMETOOLONG);
	}
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void test_garbage_and_silence(void **state)
{
	struct fixture *f = *state;
	const char *argv[] = { "list" };
	uint8_t *req, buf[4096];
	static const uint8_t junk[] = "GET / HTTP/1.0\r\n\r\n";
	struct ctl_reply r;
	struct err e;
	uint64_t t0;
	size_t len;
	int lfd, fd;

	lfd = ctl_server_open(f->path, &e);
	assert_true(lfd >= 0);
	exec_calls = 0;

	/* Not our protocol: a clear error, ctl_exec never runs. */
	assert_int_equal(request(f->path, lfd, junk, sizeof(junk) - 1, &r, buf,
				 sizeof(buf)), 0);
	assert_int_equal(r.status, CTL_EXIT_USAGE);
	assert_non_null(memmem(r.err, r.err_len, "malformed request", 17));

	/* Valid header, broken body. */
	assert_int_equal(ctl_request_encode(1, argv, 0, &req, &len, &e), 0);
	req[len - 1] = '\0';
	assert_int_equal(request(f->path, lfd, req, len, &r, buf, sizeof(buf)), 0);
	assert_int_equal(r.status, CTL_EXIT_USAGE);

	/* Half a request, then silence: answered after the deadline, not
	 * much later. */
	t0 = now_ms();
	assert_int_equal(request(f->path, lfd, req, len - 2, &r, buf, sizeof(buf)), 0);
	assert_true(now_ms() - t0 >= CTL_IO_TIMEOUT_MS - 50);
	assert_true(now_ms() - t0 < CTL_IO_TIMEOUT_MS + 500);
	assert_non_null(memmem(r.err, r.err_len, "incomplete", 10));
	free(req);

	/* A client that connects and goes away: nothing to answer. */
	fd = connect_to(f->path);
	close(fd);
	t0 = now_ms();
	ctl_server_accept(lfd, NULL);
	assert_true(now_ms() - t0 < 200);

	/* A header announcing more than the limit. */
	memset(buf, 0, 16);
	memcpy(buf, "BDQ1\0\1\0\0\xff\xff\xff\xff", 12);
	assert_int_equal(request(f->path, lfd, buf, 16, &r, buf, sizeof(buf)), 0);
	assert_int_equal(r.status, CTL_EXIT_USAGE);
	assert_int_equal(exec_calls, 0);

	ctl_server_close(lfd, f->path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_modes_and_serve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_live_and_foreign, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_and_silence, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
