/* Encoder and decoder of the control socket's wire format (see ctl_proto.h).
 *
 * The decoders face whatever a local process writes to the socket, so every
 * length is checked against the bytes left before it is used, arithmetic is
 * done in size_t on values already bounded by CTL_MAX_*, and nothing is
 * allocated before the sizes are known to be sane. */
#include "ctl_proto.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/bytes.h"

const char *ctl_socket_path(const char *override)
{
	const char *env;

	if (override && *override)
		return override;
	env = getenv(CTL_SOCKET_ENV);
	if (env && *env)
		return env;
	return CTL_DEFAULT_SOCKET;
}

/* ---- request ------------------------------------------------------------ */

int ctl_request_encode(int argc, const char *const argv[], unsigned flags,
		       uint8_t **buf, size_t *len, struct err *err)
{
	size_t total = CTL_REQ_HDR_LEN + 4, off;
	uint8_t *p;
	int i;

	*buf = NULL;
	*len = 0;
	if (flags & ~CTL_F_ALL) {
		err_set(err, -EINVAL, "unknown request flags 0x%x", flags);
		return -EINVAL;
	}
	if (argc < 1 || (unsigned)argc > CTL_MAX_ARGS) {
		err_set(err, -EINVAL, "%d arguments (1 to %u allowed)", argc,
			CTL_MAX_ARGS);
		return -EINVAL;
	}
	/* Sizes first, stopping as soon as the limit is passed so that the
	 * sum cannot overflow. */
	for (i = 0; i < argc; i++) {
		size_t l = strlen(argv[i]);

		if (l > CTL_MAX_REQUEST || total + 4 + l > CTL_MAX_REQUEST) {
			err_set(err, -EMSGSIZE, "request larger than %u bytes",
				CTL_MAX_REQUEST);
			return -EMSGSIZE;
		}
		total += 4 + l;
	}
	p = malloc(total);
	if (!p) {
		err_set(err, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	put_be32(p, CTL_REQ_MAGIC);
	put_be16(p + 4, CTL_VERSION);
	put_be16(p + 6, (uint16_t)flags);
	put_be32(p + 8, (uint32_t)(total - CTL_REQ_HDR_LEN));
	put_be32(p + 12, (uint32_t)argc);
	off = CTL_REQ_HDR_LEN + 4;
	for (i = 0; i < argc; i++) {
		size_t l = strlen(argv[i]);

		put_be32(p + off, (uint32_t)l);
		memcpy(p + off + 4, argv[i], l);
		off += 4 + l;
	}
	*buf = p;
	*len = total;
	return 0;
}

int ctl_request_header(const uint8_t *buf, size_t len, size_t *total,
		       struct err *err)
{
	uint32_t magic, version, flags, body;

	if (len < CTL_REQ_HDR_LEN) {
		err_set(err, -EAGAIN, "request header truncated (%zu of %u bytes)",
			len, CTL_REQ_HDR_LEN);
		return -EAGAIN;
	}
	magic = get_be32(buf);
	version = get_be16(buf + 4);
	flags = get_be16(buf + 6);
	body = get_be32(buf + 8);
	if (magic != CTL_REQ_MAGIC) {
		err_set(err, -EINVAL, "not a bondctl request (bad magic 0x%08x)", magic);
		return -EINVAL;
	}
	if (version != CTL_VERSION) {
		err_set(err, -EINVAL,
			"protocol version %u not supported (bondd speaks %u)",
			version, CTL_VERSION);
		return -EINVAL;
	}
	if (flags & ~CTL_F_ALL) {
		err_set(err, -EINVAL, "unknown request flags 0x%x", flags);
		return -EINVAL;
	}
	if (body < 4) {
		err_set(err, -EINVAL, "request length %u too short", body);
		return -EINVAL;
	}
	if (body > CTL_MAX_REQUEST - CTL_REQ_HDR_LEN) {
		err_set(err, -EMSGSIZE, "request of %u bytes is over the %u byte limit",
			body, CTL_MAX_REQUEST - CTL_REQ_HDR_LEN);
		return -EMSGSIZE;
	}
	*total = CTL_REQ_HDR_LEN + (size_t)body;
	return 0;
}

void ctl_request_free(struct ctl_request *req)
{
	/* argv and its strings are one block: see ctl_request_decode. */
	free(req->argv);
	req->argv = NULL;
	req->argc = 0;
	req->flags = 0;
}

int ctl_request_decode(const uint8_t *buf, size_t len, struct ctl_request *req,
		       struct err *err)
{
	size_t total, off, text = 0, ptrs;
	uint32_t argc, i;
	char **argv, *s;
	int rc;

	req->flags = 0;
	req->argc = 0;
	req->argv = NULL;
	rc = ctl_request_header(buf, len, &total, err);
	if (rc == -EAGAIN) {
		err_set(err, -EINVAL, "request truncated (%zu bytes)", len);
		return -EINVAL;
	}
	if (rc)
		return rc;
	if (len != total) {
		err_set(err, -EINVAL, "request is %zu bytes, header says %zu",
			len, total);
		return -EINVAL;
	}
	argc = get_be32(buf + CTL_REQ_HDR_LEN);
	if (argc < 1 || argc > CTL_MAX_ARGS) {
		err_set(err, -EINVAL, "request has %u arguments (1 to %u allowed)",
			argc, CTL_MAX_ARGS);
		return -EINVAL;
	}

	/* Pass 1: walk the strings, checking every length against what is
	 * left, and measure the text. */
	off = CTL_REQ_HDR_LEN + 4;
	for (i = 0; i < argc; i++) {
		uint32_t l;

		if (total - off < 4) {
			err_set(err, -EINVAL, "argument %u: length truncated", i);
			return -EINVAL;
		}
		l = get_be32(buf + off);
		off += 4;
		if (l > total - off) {
			err_set(err, -EINVAL,
				"argument %u: length %u runs past the request end",
				i, l);
			return -EINVAL;
		}
		if (memchr(buf + off, '\0', l)) {
			err_set(err, -EINVAL, "argument %u contains a NUL byte", i);
			return -EINVAL;
		}
		off += l;
		text += (size_t)l + 1;
	}
	if (off != total) {
		err_set(err, -EINVAL, "%zu unexpected bytes after the last argument",
			total - off);
		return -EINVAL;
	}

	/* Pass 2: one allocation for the pointer array and the strings, so
	 * one free() releases the request. Both sizes are bounded by 64 KiB. */
	ptrs = ((size_t)argc + 1) * sizeof(char *);
	argv = malloc(ptrs + text);
	if (!argv) {
		err_set(err, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	s = (char *)argv + ptrs;
	off = CTL_REQ_HDR_LEN + 4;
	for (i = 0; i < argc; i++) {
		uint32_t l = get_be32(buf + off);

		off += 4;
		memcpy(s, buf + off, l);
		s[l] = '\0';
		argv[i] = s;
		s += (size_t)l + 1;
		off += l;
	}
	argv[argc] = NULL;
	req->flags = get_be16(buf + 6);
	req->argc = (int)argc;
	req->argv = argv;
	return 0;
}

/* ---- reply -------------------------------------------------------------- */

int ctl_reply_encode(int status, const char *out, size_t out_len,
		     const char *errtxt, size_t err_len,
		     uint8_t **buf, size_t *len, struct err *err)
{
	size_t total;
	uint8_t *p;

	*buf = NULL;
	*len = 0;
	if (status < 0 || status > 255) {
		err_set(err, -EINVAL, "exit status %d out of range", status);
		return -EINVAL;
	}
	if (out_len > CTL_MAX_REPLY || err_len > CTL_MAX_REPLY ||
	    out_len + err_len > CTL_MAX_REPLY - CTL_REPLY_HDR_LEN) {
		err_set(err, -EMSGSIZE, "reply larger than %u bytes", CTL_MAX_REPLY);
		return -EMSGSIZE;
	}
	total = CTL_REPLY_HDR_LEN + out_len + err_len;
	p = malloc(total);
	if (!p) {
		err_set(err, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	put_be32(p, CTL_REPLY_MAGIC);
	put_be16(p + 4, CTL_VERSION);
	put_be16(p + 6, 0);
	put_be32(p + 8, (uint32_t)status);
	put_be32(p + 12, (uint32_t)out_len);
	put_be32(p + 16, (uint32_t)err_len);
	if (out_len)
		memcpy(p + CTL_REPLY_HDR_LEN, out, out_len);
	if (err_len)
		memcpy(p + CTL_REPLY_HDR_LEN + out_len, errtxt, err_len);
	*buf = p;
	*len = total;
	return 0;
}

int ctl_reply_header(const uint8_t *buf, size_t len, size_t *total,
		     struct err *err)
{
	uint32_t magic, version, status, out_len, err_len;

	if (len < CTL_REPLY_HDR_LEN) {
		err_set(err, -EAGAIN, "reply header truncated (%zu of %u bytes)",
			len, CTL_REPLY_HDR_LEN);
		return -EAGAIN;
	}
	magic = get_be32(buf);
	version = get_be16(buf + 4);
	status = get_be32(buf + 8);
	out_len = get_be32(buf + 12);
	err_len = get_be32(buf + 16);
	if (magic != CTL_REPLY_MAGIC) {
		err_set(err, -EINVAL, "not a bondd reply (bad magic 0x%08x)", magic);
		return -EINVAL;
	}
	if (version != CTL_VERSION) {
		err_set(err, -EINVAL,
			"bondd speaks protocol version %u, bondctl %u", version,
			CTL_VERSION);
		return -EINVAL;
	}
	if (get_be16(buf + 6) != 0) {
		err_set(err, -EINVAL, "reply reserved field not zero");
		return -EINVAL;
	}
	if (status > 255) {
		err_set(err, -EINVAL, "reply exit status %u out of range", status);
		return -EINVAL;
	}
	/* Each operand is checked alone first so that the sum cannot wrap. */
	if (out_len > CTL_MAX_REPLY || err_len > CTL_MAX_REPLY ||
	    (size_t)out_len + err_len > CTL_MAX_REPLY - CTL_REPLY_HDR_LEN) {
		err_set(err, -EMSGSIZE, "reply of %u+%u bytes is over the %u byte limit",
			out_len, err_len, CTL_MAX_REPLY);
		return -EMSGSIZE;
	}
	*total = CTL_REPLY_HDR_LEN + (size_t)out_len + err_len;
	return 0;
}

int ctl_reply_decode(const uint8_t *buf, size_t len, struct ctl_reply *rep,
		     struct err *err)
{
	size_t total;
	int rc;

	memset(rep, 0, sizeof(*rep));
	rc = ctl_reply_header(buf, len, &total, err);
	if (rc == -EAGAIN) {
		err_set(err, -EINVAL, "reply truncated (%zu bytes)", len);
		return -EINVAL;
	}
	if (rc)
		return rc;
	if (len != total) {
		err_set(err, -EINVAL, "reply is %zu bytes, header says %zu", len,
			total);
		return -EINVAL;
	}
	rep->status = (int)get_be32(buf + 8);
	rep->out_len = get_be32(buf + 12);
	rep->err_len = get_be32(buf + 16);
	rep->out = (const char *)buf + CTL_REPLY_HDR_LEN;
	rep->err = rep->out + rep->out_len;
	return 0;
}
