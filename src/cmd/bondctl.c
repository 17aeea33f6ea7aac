/* bondctl: the command-line client of bondd.
 *
 * It parses only its own flags (-s/--socket, -j/--json, -h, -V), sends the
 * command words unchanged to the daemon over the control socket
 * (ctl_proto.h) and prints what comes back: the daemon does all the work
 * and writes all the messages, so every client (bondctl, the config loader,
 * ifenslave) behaves the same.
 *
 * Exit status: the daemon's (0 done, 1 refused, 2 usage), 2 for a usage
 * error found here, 3 when bondd cannot be reached. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/util.h"
#include "ctl/ctl_cmd.h"
#include "ctl/ctl_proto.h"

#define PROG "bondctl"
/* The daemon serves one request at a time; a command that talks to the
 * kernel (enslave) takes milliseconds, so this only catches a hung bondd. */
#define REPLY_TIMEOUT_S 30

static void print_help(FILE *f)
{
	struct strbuf sb;

	sb_init(&sb);
	ctl_help(&sb, PROG);
	fputs(sb_str(&sb), f);
	sb_free(&sb);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '" PROG " --help'.\n");
	return CTL_EXIT_USAGE;
}

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

/* Sends one request and relays the reply. Returns the exit status. */
static int run_remote(const char *path, int argc, const char *const argv[], bool json)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = REPLY_TIMEOUT_S };
	uint8_t hdr[CTL_REPLY_HDR_LEN], *req = NULL, *rep = NULL;
	size_t req_len, total;
	struct ctl_reply r;
	struct err e;
	int fd, rc, status;

	if (strlen(path) >= sizeof(sa.sun_path))
		return usage_error("socket path too long: %s", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);

	err_clear(&e);
	if (ctl_request_encode(argc, argv, json ? CTL_F_JSON : 0, &req, &req_len, &e)) {
		fprintf(stderr, PROG ": %s\n", e.msg);
		return CTL_EXIT_USAGE;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, PROG ": cannot connect to bondd at %s: %s\n", path,
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
	if (rc) {
		fprintf(stderr, PROG ": cannot send to bondd at %s: %s\n", path,
			io_error(rc));
		close(fd);
		return CTL_EXIT_NODAEMON;
	}
	rc = recv_full(fd, hdr, sizeof(hdr));
	if (rc) {
		fprintf(stderr, PROG ": no reply from bondd at %s: %s\n", path,
			io_error(rc));
		close(fd);
		return CTL_EXIT_REFUSED;
	}
	if (ctl_reply_header(hdr, sizeof(hdr), &total, &e)) {
		fprintf(stderr, PROG ": bad reply from bondd: %s\n", e.msg);
		close(fd);
		return CTL_EXIT_REFUSED;
	}
	rep = malloc(total);
	if (!rep) {
		fprintf(stderr, PROG ": out of memory\n");
		close(fd);
		return CTL_EXIT_REFUSED;
	}
	memcpy(rep, hdr, sizeof(hdr));
	rc = recv_full(fd, rep + sizeof(hdr), total - sizeof(hdr));
	close(fd);
	if (rc) {
		fprintf(stderr, PROG ": reply from bondd cut short: %s\n", io_error(rc));
		free(rep);
		return CTL_EXIT_REFUSED;
	}
	if (ctl_reply_decode(rep, total, &r, &e)) {
		fprintf(stderr, PROG ": bad reply from bondd: %s\n", e.msg);
		free(rep);
		return CTL_EXIT_REFUSED;
	}
	fwrite(r.out, 1, r.out_len, stdout);
	fflush(stdout);
	fwrite(r.err, 1, r.err_len, stderr);
	status = r.status;
	free(rep);
	if (ferror(stdout)) {
		fprintf(stderr, PROG ": cannot write output: %s\n", strerror(errno));
		if (status == CTL_EXIT_OK)
			status = CTL_EXIT_REFUSED;
	}
	return status;
}

static bool is_json_flag(const char *a)
{
	return !strcmp(a, "-j") || !strcmp(a, "--json");
}

static bool is_help_flag(const char *a)
{
	return !strcmp(a, "-h") || !strcmp(a, "--help");
}

static int bondctl_main(int argc, char **argv)
{
	const char *sock = NULL;
	const char **cmd;
	bool json = false, raw = false;
	int i, n = 0, rc;

	/* Flags before the command. */
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || !a[1])
			break;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (is_json_flag(a)) {
			json = true;
		} else if (is_help_flag(a)) {
			print_help(stdout);
			return CTL_EXIT_OK;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf(PROG " " BONDD_VERSION "\n");
			return CTL_EXIT_OK;
		} else if (!strcmp(a, "-s") || !strcmp(a, "--socket")) {
			if (i + 1 >= argc)
				return usage_error("option %s needs a path", a);
			sock = argv[++i];
		} else if (!strncmp(a, "--socket=", 9)) {
			sock = a + 9;
		} else if (a[1] == 's') {
			sock = a + 2;   /* -sPATH */
		} else {
			return usage_error("unknown option %s", a);
		}
	}
	if (i >= argc) {
		print_help(stderr);
		return CTL_EXIT_USAGE;
	}
	if (sock && !*sock)
		return usage_error("empty socket path");

	/* The command and its words. --json / -j may also follow the command
	 * ("show bond0 --json"); a "--" there makes every later word literal. */
	cmd = calloc((size_t)(argc - i) + 1, sizeof(*cmd));
	if (!cmd) {
		fprintf(stderr, PROG ": out of memory\n");
		return CTL_EXIT_REFUSED;
	}
	for (; i < argc; i++) {
		const char *a = argv[i];

		if (!raw && n > 0 && !strcmp(a, "--")) {
			raw = true;
		} else if (!raw && n > 0 && is_json_flag(a)) {
			json = true;
		} else if (!raw && n > 0 && is_help_flag(a)) {
			free(cmd);
			print_help(stdout);
			return CTL_EXIT_OK;
		} else {
			cmd[n++] = a;
		}
	}
	rc = run_remote(ctl_socket_path(sock), n, cmd, json);
	free(cmd);
	return rc;
}

/* Called as ifenslave (a symlink to bondctl): ifenslave's flags are a
 * separate front end over the same control commands. */
static int ifenslave_main(int argc, char **argv)
{
	fprintf(stderr,
		"ifenslave: this bondctl build has no ifenslave front end; "
		"use '" PROG " enslave BOND IF...' and '" PROG " release BOND IF...'\n");
	return CTL_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	const char *prog = argc > 0 && argv[0] ? argv[0] : PROG;
	const char *slash = strrchr(prog, '/');

	if (slash)
		prog = slash + 1;
	if (!strcmp(prog, "ifenslave"))
		return ifenslave_main(argc, argv);
	return bondctl_main(argc, argv);
}
