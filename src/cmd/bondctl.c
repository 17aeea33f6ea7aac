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
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "client.h"
#include "config/conf.h"
#include "config/conf_lint.h"
#include "lib/util.h"
#include "ctl/ctl_cmd.h"
#include "ctl/ctl_proto.h"
#include "ifenslave.h"
#include "bondctl_ip.h"

#define PROG "bondctl"

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

/* "import FORMAT PATH [--modprobe FILE] [--script FILE]": translates a
 * distro configuration into bondd.conf text here, without bondd. Exit 0
 * with the text on stdout (warnings on stderr, then the lint warnings of
 * the result, as `bondctl lint` would give them), or 1 with the errors on
 * stderr. */
static int run_import(int n, const char *const w[])
{
	struct conf_sources src = { 0 };
	struct strbuf out, msgs, lint;
	bool ok;

	for (int i = 1; i < n; i++) {
		if ((!strcmp(w[i], "--modprobe") || !strcmp(w[i], "--script")) && i + 1 < n) {
			if (!strcmp(w[i], "--modprobe"))
				src.modprobe = w[++i];
			else
				src.script = w[++i];
		} else if (!strncmp(w[i], "--modprobe=", 11)) {
			src.modprobe = w[i] + 11;
		} else if (!strncmp(w[i], "--script=", 9)) {
			src.script = w[i] + 9;
		} else if (!strcmp(w[i], "--modprobe") || !strcmp(w[i], "--script")) {
			return usage_error("%s needs a file", w[i]);
		} else if (!src.format) {
			src.format = w[i];
		} else if (!src.path) {
			src.path = w[i];
		} else {
			return usage_error("import: unexpected '%s'", w[i]);
		}
	}
	if (!src.format || !src.path)
		return usage_error("usage: " PROG " import native|ifcfg|interfaces|modprobe|nm|netplan|networkd PATH [--modprobe FILE] [--script FILE]");
	sb_init(&out);
	sb_init(&msgs);
	sb_init(&lint);
	ok = conf_import(&src, &out, &msgs, &lint);
	fputs(sb_str(&msgs), stderr);
	fputs(sb_str(&out), stdout);
	/* after the text, so a terminal shows them below it */
	fflush(stdout);
	fputs(sb_str(&lint), stderr);
	sb_free(&out);
	sb_free(&msgs);
	sb_free(&lint);
	if (!ok)
		return CTL_EXIT_REFUSED;
	return ferror(stdout) ? CTL_EXIT_REFUSED : CTL_EXIT_OK;
}

/* diff FILE: the file is read here, with the caller's rights, and its
 * text goes to bondd in the request (a member of the control group may
 * compare any file it can read; bondd never opens a path a client
 * names). *text: malloc'd. Returns 0, or the exit status (2, as diff(1)
 * for trouble) after saying why. */
static int read_diff_file(const char *path, char **text)
{
	size_t n = 0, cap = 4096, room;
	char *buf;
	FILE *f;

	if (strlen(path) >= CTL_MAX_REQUEST / 2) {
		fprintf(stderr, PROG ": diff: path too long\n");
		return CTL_EXIT_USAGE;
	}
	/* what the request can carry besides the file's text: the header,
	 * argc, three lengths, "diff" and the path */
	room = CTL_MAX_REQUEST - CTL_REQ_HDR_LEN - 4 - 3 * 4 - 4 - strlen(path);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, PROG ": diff: cannot read %s: %s\n", path, strerror(errno));
		return CTL_EXIT_USAGE;
	}
	buf = malloc(cap + 1);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (n > room)
			break;
		if (got == 0)
			break;
		if (n == cap) {
			char *nb = realloc(buf, cap * 2 + 1);

			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (!buf) {
		fclose(f);
		fprintf(stderr, PROG ": out of memory\n");
		return CTL_EXIT_USAGE;
	}
	if (ferror(f)) {
		fprintf(stderr, PROG ": diff: cannot read %s: %s\n", path, strerror(errno));
		fclose(f);
		free(buf);
		return CTL_EXIT_USAGE;
	}
	fclose(f);
	if (n > room) {
		fprintf(stderr, PROG ": diff: %s is larger than a request can carry (%zu bytes)\n",
			path, room);
		free(buf);
		return CTL_EXIT_USAGE;
	}
	if (memchr(buf, '\0', n)) {
		fprintf(stderr, PROG ": diff: %s holds a NUL byte: not a bondd.conf\n", path);
		free(buf);
		return CTL_EXIT_USAGE;
	}
	buf[n] = '\0';
	*text = buf;
	return 0;
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
	char *lint_path = NULL, *diff_text = NULL;
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
			/* after "ip" every word is ip's (-j, -h, --) */
			if (n == 1 && !strcmp(a, "ip"))
				raw = true;
		}
	}
	if (!strcmp(cmd[0], "cleanup")) {
		rc = bondctl_cleanup(PROG, n, cmd);
		free(cmd);
		return rc;
	}
	/* ip ...: iproute2's words (bondctl_ip.c); the socket as for any
	 * command, bondctl's -j refused (ip's own -j follows "ip"). */
	if (!strcmp(cmd[0], "ip")) {
		if (json) {
			free(cmd);
			return usage_error("ip: put ip's own options after \"ip\" (bondctl ip -j ...)");
		}
		sock = ctl_socket_path(sock);
		if (!client_path_ok(sock)) {
			free(cmd);
			return usage_error("socket path too long: %s", sock);
		}
		rc = bondctl_ip(sock, n - 1, (char **)cmd + 1);
		free(cmd);
		return rc;
	}
	if (!strcmp(cmd[0], "import")) {
		rc = run_import(n, cmd);
		free(cmd);
		return rc;
	}
	/* lint FILE: bondd reads the file from its own directory, so a
	 * relative path is made absolute here, from ours. */
	if (!strcmp(cmd[0], "lint") && n == 2 && cmd[1][0] && cmd[1][0] != '/') {
		char cwd[PATH_MAX];

		if (!getcwd(cwd, sizeof(cwd))) {
			fprintf(stderr, PROG ": lint %s: cannot read the current directory: %s\n",
				cmd[1], strerror(errno));
			free(cmd);
			return CTL_EXIT_REFUSED;
		}
		if (asprintf(&lint_path, "%s/%s", cwd, cmd[1]) < 0) {
			fprintf(stderr, PROG ": out of memory\n");
			free(cmd);
			return CTL_EXIT_REFUSED;
		}
		cmd[1] = lint_path;
	}
	/* diff FILE: the file's text travels as a third word. */
	if (!strcmp(cmd[0], "diff")) {
		const char **w;

		if (n != 2) {
			free(cmd);
			return usage_error("usage: " PROG " diff FILE");
		}
		rc = read_diff_file(cmd[1], &diff_text);
		if (rc) {
			free(cmd);
			return rc;
		}
		w = realloc(cmd, 4 * sizeof(*cmd));
		if (!w) {
			fprintf(stderr, PROG ": out of memory\n");
			free(cmd);
			free(diff_text);
			return CTL_EXIT_USAGE;
		}
		cmd = w;
		cmd[n++] = diff_text;
		cmd[n] = NULL;
	}
	sock = ctl_socket_path(sock);
	if (!client_path_ok(sock)) {
		free(cmd);
		free(lint_path);
		free(diff_text);
		return usage_error("socket path too long: %s", sock);
	}
	rc = client_run(PROG, sock, n, cmd, json);
	free(cmd);
	free(lint_path);
	free(diff_text);
	return rc;
}

int main(int argc, char **argv)
{
	const char *prog = argc > 0 && argv[0] ? argv[0] : PROG;
	const char *slash = strrchr(prog, '/');

	if (slash)
		prog = slash + 1;
	/* Called as ifenslave (a symlink to bondctl): ifenslave's flags are
	 * a separate front end over the same control commands. */
	if (!strcmp(prog, "ifenslave"))
		return ifenslave_main(argc, argv);
	return bondctl_main(argc, argv);
}
