/* The control socket's wire format, shared by bondd and bondctl.
 *
 * Transport: AF_UNIX SOCK_STREAM, one request and one reply per connection.
 * The client connects, writes one request, reads one reply; the daemon
 * closes the connection after the reply. One exception: after the reply
 * to an accepted `monitor` request (status 0) the connection carries the
 * event lines of ctl_monitor.h until either side closes it. All integers are unsigned, big
 * endian (network order), so a capture reads the same on every host.
 *
 * Request (total size <= CTL_MAX_REQUEST, i.e. 64 KiB):
 *
 *   off  size  field
 *   0    4     magic    "BDQ1" (0x42445131)
 *   4    2     version  CTL_VERSION (1)
 *   6    2     flags    CTL_F_JSON (bit 0); every other bit must be 0
 *   8    4     length   bytes that follow this field (argc + strings)
 *   12   4     argc     1..CTL_MAX_ARGS; argv[0] is the command ("show")
 *   16   ...   argc times: u32 len, then len bytes of text (no NUL inside,
 *              no terminator; empty strings are allowed)
 *
 *   The strings must use up exactly `length` bytes: trailing or missing
 *   bytes make the request malformed.
 *
 * Reply (total size <= CTL_MAX_REPLY):
 *
 *   0    4     magic    "BDR1" (0x42445231)
 *   4    2     version  CTL_VERSION
 *   6    2     reserved 0
 *   8    4     status   the client's exit status: 0 ok, 1 refused, 2 usage
 *   12   4     out_len  bytes of standard output text
 *   16   4     err_len  bytes of standard error text
 *   20   ...   out_len bytes, then err_len bytes (text, no terminator)
 *
 * Every decoder below checks each length against what is left before using
 * it, and answers with an error (never a crash) for anything else.
 * A malformed request is answered with status CTL_EXIT_USAGE and a reason
 * on stderr text, and changes nothing.
 */
#ifndef BONDD_CTL_PROTO_H
#define BONDD_CTL_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"

#define CTL_DEFAULT_SOCKET "/run/bondd/bondd.sock"
#define CTL_SOCKET_ENV     "BONDD_SOCKET"

#define CTL_REQ_MAGIC   0x42445131u   /* "BDQ1" */
#define CTL_REPLY_MAGIC 0x42445231u   /* "BDR1" */
#define CTL_VERSION     1u

#define CTL_F_JSON      0x0001u
#define CTL_F_ALL       CTL_F_JSON

#define CTL_REQ_HDR_LEN   12u         /* magic, version, flags, length */
#define CTL_REPLY_HDR_LEN 20u
#define CTL_MAX_REQUEST   (64u * 1024u)
#define CTL_MAX_ARGS      1024u
/* Status of every bond with many slaves still fits easily. */
#define CTL_MAX_REPLY     (16u * 1024u * 1024u)

/* Exit statuses carried in the reply (bondctl adds 3: no daemon). */
#define CTL_EXIT_OK      0
#define CTL_EXIT_REFUSED 1
#define CTL_EXIT_USAGE   2
#define CTL_EXIT_NODAEMON 3

/* The socket path: override (bondd -s / bondctl -s) if given, else
 * $BONDD_SOCKET if set and not empty, else CTL_DEFAULT_SOCKET. */
const char *ctl_socket_path(const char *override);

/* A decoded request. argv[argc] is NULL; all strings live in one block
 * owned by the struct. */
struct ctl_request {
	unsigned flags;
	int argc;
	char **argv;
};

/* A decoded reply. out and err point into the buffer given to
 * ctl_reply_decode() and are NOT NUL-terminated. */
struct ctl_reply {
	int status;
	const char *out;
	size_t out_len;
	const char *err;
	size_t err_len;
};

/* Builds a request in a fresh malloc'd buffer (*buf, *len).
 * Returns 0, -EINVAL (bad flags, argc out of range, NUL in a string) or
 * -EMSGSIZE (over CTL_MAX_REQUEST) or -ENOMEM, with a message in err. */
int ctl_request_encode(int argc, const char *const argv[], unsigned flags,
		       uint8_t **buf, size_t *len, struct err *err);

/* Looks at the first CTL_REQ_HDR_LEN bytes of a request and, if they are
 * valid, stores the request's whole size in *total. Returns 0, or -EINVAL /
 * -EMSGSIZE with a message; with fewer than CTL_REQ_HDR_LEN bytes, -EAGAIN. */
int ctl_request_header(const uint8_t *buf, size_t len, size_t *total,
		       struct err *err);

/* Decodes a complete request of exactly len bytes. On error req is left
 * empty (safe to ctl_request_free) and err says why. */
int ctl_request_decode(const uint8_t *buf, size_t len, struct ctl_request *req,
		       struct err *err);
void ctl_request_free(struct ctl_request *req);

/* Builds a reply in a fresh malloc'd buffer. Returns 0, -EMSGSIZE (the two
 * texts exceed CTL_MAX_REPLY), -EINVAL (status out of range) or -ENOMEM. */
int ctl_reply_encode(int status, const char *out, size_t out_len,
		     const char *errtxt, size_t err_len,
		     uint8_t **buf, size_t *len, struct err *err);
/* As ctl_request_header, for a reply. */
int ctl_reply_header(const uint8_t *buf, size_t len, size_t *total,
		     struct err *err);
/* Decodes a complete reply of exactly len bytes; rep points into buf. */
int ctl_reply_decode(const uint8_t *buf, size_t len, struct ctl_reply *rep,
		     struct err *err);

#endif
