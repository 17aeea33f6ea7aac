/* sd_notify(3) in a few lines: see notify.h. */
#include "notify.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* Fills sa from $NOTIFY_SOCKET's value; returns the address length or
 * -errno. "@name" is the abstract name "\0name", whose length counts
 * exactly its bytes (no terminator), as systemd binds it. */
static int notify_addr(const char *e, struct sockaddr_un *sa, socklen_t *len)
{
	size_t n = strlen(e);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (e[0] != '/' && e[0] != '@')
		return strncmp(e, "vsock:", 6) ? -EINVAL : -EAFNOSUPPORT;
	if (n > sizeof(sa->sun_path) || (e[0] == '/' && n == sizeof(sa->sun_path)))
		return -ENAMETOOLONG;
	memcpy(sa->sun_path, e, n);
	if (e[0] == '@') {
		sa->sun_path[0] = '\0';
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	} else {
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	}
	return 0;
}

int notify_send(const char *state)
{
	const char *e = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	socklen_t len = 0;
	ssize_t n;
	int fd, rc;

	if (!e || !*e)
		return 0;
	rc = notify_addr(e, &sa, &len);
	if (rc < 0)
		return rc;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* One datagram: systemd reads each message whole. */
	do
		n = sendto(fd, state, strlen(state), MSG_NOSIGNAL,
			   (const struct sockaddr *)&sa, len);
	while (n < 0 && errno == EINTR);
	rc = n < 0 ? -errno : 1;
	close(fd);
	return rc;
}

int notify_sendf(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return notify_send(buf);
}

int notify_ready(const char *status)
{
	if (status)
		return notify_sendf("READY=1\nSTATUS=%s", status);
	return notify_send("READY=1");
}

int notify_reloading(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return notify_sendf("RELOADING=1\nMONOTONIC_USEC=%llu",
			    (unsigned long long)ts.tv_sec * 1000000ull +
			    (unsigned long long)ts.tv_nsec / 1000u);
}

int notify_stopping(void)
{
	return notify_send("STOPPING=1");
}

/* A decimal number that fills the whole string, or 0. */
static unsigned long long parse_ull(const char *v)
{
	unsigned long long n;
	char *end;

	if (!v || *v < '0' || *v > '9')
		return 0;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || *end)
		return 0;
	return n;
}

unsigned long long notify_watchdog_usec(void)
{
	const char *pid = getenv("WATCHDOG_PID");
	unsigned long long usec = parse_ull(getenv("WATCHDOG_USEC"));

	if (!usec)
		return 0;
	/* Set for another process (a child we forked inherits it, or the
	 * variables were passed on): that one pings, not us. */
	if (pid && *pid && parse_ull(pid) != (unsigned long long)getpid())
		return 0;
	return usec;
}

int notify_watchdog(void)
{
	return notify_send("WATCHDOG=1");
}
