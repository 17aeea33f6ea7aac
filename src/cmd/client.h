/* The client side of the control socket, shared by bondctl and its
 * ifenslave front end: one request, one reply (ctl_proto.h).
 *
 * Messages about the transport ("cannot connect to bondd at ...") start
 * with the program name given, so that each front end speaks in its own
 * name; what the daemon itself says comes back in the reply untouched. */
#ifndef BONDD_CLIENT_H
#define BONDD_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

/* A reply, with out and err copied into NUL-terminated strings. */
struct client_reply {
	int status;          /* CTL_EXIT_OK, CTL_EXIT_REFUSED, CTL_EXIT_USAGE */
	char *out;
	size_t out_len;
	char *err;
	size_t err_len;
};

/* The daemon serves one request at a time; a command that talks to the
 * kernel (enslave) takes milliseconds, so this only catches a hung bondd. */
#define CLIENT_TIMEOUT_S 30

/* True if path fits in a sockaddr_un. */
bool client_path_ok(const char *path);

/* Sends one request and reads the reply into *r (free it with
 * client_reply_free). Returns 0, or the exit status bondctl uses for the
 * failure after printing "PROG: ..." on stderr: CTL_EXIT_USAGE (the
 * request cannot be encoded), CTL_EXIT_NODAEMON (cannot connect or send),
 * CTL_EXIT_REFUSED (no reply, or a bad one). */
int client_call(const char *prog, const char *path, int argc,
		const char *const argv[], bool json, struct client_reply *r);
void client_reply_free(struct client_reply *r);

/* client_call, then the reply's out on stdout and err on stderr.
 * Returns the exit status: the reply's, or client_call's failure. */
int client_run(const char *prog, const char *path, int argc,
	       const char *const argv[], bool json);

#endif
