/* sd_notify without libsystemd (src/linux/notify.c): each call reaches the
 * socket systemd would listen on, as one datagram with exactly the text,
 * for a path and for an abstract ("@") address; nothing is sent, and
 * nothing fails, outside systemd; bad addresses are refused, not sent
 * somewhere else. The test plays systemd: it binds the datagram socket
 * and reads what arrives. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "linux/notify.h"

struct listener {
	int fd;
	char name[108];     /* $NOTIFY_SOCKET's value */
	char dir[64];       /* temp dir of a path socket, "" if abstract */
};

/* Binds a datagram socket at a fresh path, or at a fresh abstract name,
 * and points $NOTIFY_SOCKET at it. */
static void listen_on(struct listener *l, int abstract)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 2 };
	socklen_t len;

	memset(l, 0, sizeof(*l));
	l->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(l->fd >= 0);
	if (abstract) {
		snprintf(l->name, sizeof(l->name), "@bondd-test-notify-%d", (int)getpid());
		memcpy(sa.sun_path, l->name, strlen(l->name));
		sa.sun_path[0] = '\0';
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(l->name));
	} else {
		snprintf(l->dir, sizeof(l->dir), "/tmp/bondd-notify.XXXXXX");
		assert_non_null(mkdtemp(l->dir));
		snprintf(l->name, sizeof(l->name), "%s/notify", l->dir);
		memcpy(sa.sun_path, l->name, strlen(l->name) + 1);
		len = sizeof(sa);
	}
	assert_int_equal(bind(l->fd, (struct sockaddr *)&sa, len), 0);
	/* A missing message fails the test instead of hanging it. */
	assert_int_equal(setsockopt(l->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	assert_int_equal(setenv("NOTIFY_SOCKET", l->name, 1), 0);
}

static void listen_done(struct listener *l)
{
	close(l->fd);
	if (l->dir[0]) {
		unlink(l->name);
		rmdir(l->dir);
	}
	unsetenv("NOTIFY_SOCKET");
}

/* The next datagram must be exactly want. */
static void expect_msg(struct listener *l, const char *want)
{
	char buf[8192];
	ssize_t n;

	n = recv(l->fd, buf, sizeof(buf) - 1, 0);
	assert_true(n >= 0);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

/* Nothing more may be waiting. */
static void expect_none(struct listener *l)
{
	char buf[16];

	assert_true(recv(l->fd, buf, sizeof(buf), MSG_DONTWAIT) < 0);
	assert_int_equal(errno, EAGAIN);
}

static void test_path_socket(void **state)
{
	struct listener l;

	listen_on(&l, 0);
	assert_int_equal(notify_ready(NULL), 1);
	expect_msg(&l, "READY=1");
	assert_int_equal(notify_ready("2 bonds"), 1);
	expect_msg(&l, "READY=1\nSTATUS=2 bonds");
	assert_int_equal(notify_stopping(), 1);
	expect_msg(&l, "STOPPING=1");
	assert_int_equal(notify_sendf("STATUS=%s %d", "reloading", 7), 1);
	expect_msg(&l, "STATUS=reloading 7");
	expect_none(&l);
	listen_done(&l);
}

static void test_abstract_socket(void **state)
{
	struct listener l;

	listen_on(&l, 1);
	assert_int_equal(notify_send("READY=1"), 1);
	expect_msg(&l, "READY=1");
	expect_none(&l);
	listen_done(&l);
}

/* RELOADING=1 carries the monotonic clock in microseconds. */
static void test_reloading(void **state)
{
	struct listener l;
	char buf[256];
	unsigned long long usec;
	struct timespec ts;
	ssize_t n;

	listen_on(&l, 0);
	assert_int_equal(notify_reloading(), 1);
	n = recv(l.fd, buf, sizeof(buf) - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_int_equal(sscanf(buf, "RELOADING=1\nMONOTONIC_USEC=%llu", &usec), 1);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	assert_true(usec > 0);
	assert_true(usec <= (unsigned long long)ts.tv_sec * 1000000ull +
		    (unsigned long long)ts.tv_nsec / 1000u);
	listen_done(&l);
}

/* Outside systemd: a no-op that reports "not sent". */
static void test_unset(void **state)
{
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(notify_ready(NULL), 0);
	assert_int_equal(setenv("NOTIFY_SOCKET", "", 1), 0);
	assert_int_equal(notify_stopping(), 0);
	unsetenv("NOTIFY_SOCKET");
}

static void test_bad_addresses(void **state)
{
	char longpath[200];

	assert_int_equal(setenv("NOTIFY_SOCKET", "relative/sock", 1), 0);
	assert_int_equal(notify_ready(NULL), -EINVAL);
	assert_int_equal(setenv("NOTIFY_SOCKET", "vsock:2:1234", 1), 0);
	assert_int_equal(notify_ready(NULL), -EAFNOSUPPORT);
	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(setenv("NOTIFY_SOCKET", longpath, 1), 0);
	assert_int_equal(notify_ready(NULL), -ENAMETOOLONG);
	/* Nobody listening: the socket's error comes back. */
	assert_int_equal(setenv("NOTIFY_SOCKET", "/nonexistent/bondd-notify", 1), 0);
	assert_int_equal(notify_ready(NULL), -ENOENT);
	unsetenv("NOTIFY_SOCKET");
}

/* $WATCHDOG_USEC is honoured only when it is a whole number and, with
 * $WATCHDOG_PID, only in that process. */
static void test_watchdog_env(void **state)
{
	char pid[32];

	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	assert_true(notify_watchdog_usec() == 0);
	assert_int_equal(setenv("WATCHDOG_USEC", "5000000", 1), 0);
	assert_true(notify_watchdog_usec() == 5000000ull);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	assert_int_equal(setenv("WATCHDOG_PID", pid, 1), 0);
	assert_true(notify_watchdog_usec() == 5000000ull);
	/* meant for another process (e.g. our parent) */
	snprintf(pid, sizeof(pid), "%d", (int)getpid() + 1);
	assert_int_equal(setenv("WATCHDOG_PID", pid, 1), 0);
	assert_true(notify_watchdog_usec() == 0);
	assert_int_equal(setenv("WATCHDOG_PID", "12x", 1), 0);
	assert_true(notify_watchdog_usec() == 0);
	unsetenv("WATCHDOG_PID");
	assert_int_equal(setenv("WATCHDOG_USEC", "0", 1), 0);
	assert_true(notify_watchdog_usec() == 0);
	assert_int_equal(setenv("WATCHDOG_USEC", "", 1), 0);
	assert_true(notify_watchdog_usec() == 0);
	assert_int_equal(setenv("WATCHDOG_USEC", "-5", 1), 0);
	assert_true(notify_watchdog_usec() == 0);
	assert_int_equal(setenv("WATCHDOG_USEC", "100ms", 1), 0);
	assert_true(notify_watchdog_usec() == 0);
	unsetenv("WATCHDOG_USEC");
}

static void test_watchdog_ping(void **state)
{
	struct listener l;

	listen_on(&l, 0);
	assert_int_equal(notify_watchdog(), 1);
	expect_msg(&l, "WATCHDOG=1");
	expect_none(&l);
	listen_done(&l);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Receives the next datagram (at most wait_ms), NUL-terminated; -1 if none. */
static ssize_t recv_within(int fd, char *buf, size_t size, int wait_ms)
{
	struct timeval tv = { wait_ms / 1000, (wait_ms % 1000) * 1000 };
	ssize_t n;

	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	n = recv(fd, buf, size - 1, 0);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* The real daemon under a fake systemd (WatchdogSec=0.4s): READY=1, then
 * WATCHDOG=1 from its loop every 0.2 s (half the interval); a daemon told
 * the watchdog is another process's (WATCHDOG_PID) sends none. */
static void run_bondd_watchdog(int for_us, unsigned *pings, uint64_t *max_gap_ms)
{
	struct listener l;
	char sock[128], buf[512];
	uint64_t start, last = 0;
	int ready = 0, status;
	pid_t pid;

	*pings = 0;
	*max_gap_ms = 0;
	listen_on(&l, 0);
	snprintf(sock, sizeof(sock), "%s/ctl.sock", l.dir);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char p[32];
		int devnull = open("/dev/null", O_WRONLY);

		snprintf(p, sizeof(p), "%d", (int)getpid() + (for_us ? 0 : 1));
		setenv("WATCHDOG_USEC", "400000", 1);
		setenv("WATCHDOG_PID", p, 1);
		if (devnull >= 0) {
			dup2(devnull, 1);
			dup2(devnull, 2);
		}
		/* A network namespace of its own: nothing of the host's is
		 * seen or touched, and no other bondd is met there. */
		if (unshare(CLONE_NEWNET) < 0)
			_exit(126);
		execl(BONDD_BIN, "bondd", "-f", "-s", sock, (char *)NULL);
		_exit(127);
	}
	start = mono_ms();
	while (mono_ms() - start < 1500) {
		ssize_t n = recv_within(l.fd, buf, sizeof(buf), 300);

		if (n < 0)
			continue;
		if (strstr(buf, "READY=1")) {
			ready = 1;
			last = mono_ms();
		}
		if (!strcmp(buf, "WATCHDOG=1")) {
			uint64_t now = mono_ms();

			if (ready && *pings && now - last > *max_gap_ms)
				*max_gap_ms = now - last;
			last = now;
			(*pings)++;
		}
	}
	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(ready);
	unlink(sock);
	listen_done(&l);
}

static void test_bondd_watchdog(void **state)
{
	unsigned pings;
	uint64_t gap;

	if (geteuid() != 0)
		skip();   /* bondd's rtnetlink and socket directory need root */
	run_bondd_watchdog(1, &pings, &gap);
	print_message("bondd: %u WATCHDOG=1 in 1.5 s, largest gap %llu ms (interval 400 ms)\n",
		      pings, (unsigned long long)gap);
	/* 1.5 s at one ping per 200 ms: about 7; the first comes at once. */
	assert_true(pings >= 5);
	assert_true(pings <= 10);
	assert_true(gap <= 300);
	run_bondd_watchdog(0, &pings, &gap);
	assert_int_equal(pings, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_socket),
		cmocka_unit_test(test_abstract_socket),
		cmocka_unit_test(test_reloading),
		cmocka_unit_test(test_unset),
		cmocka_unit_test(test_bad_addresses),
		cmocka_unit_test(test_watchdog_env),
		cmocka_unit_test(test_watchdog_ping),
		cmocka_unit_test(test_bondd_watchdog),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
