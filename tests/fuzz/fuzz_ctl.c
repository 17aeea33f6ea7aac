/* Fuzzes the control socket: the request wire format (ctl_proto.c) and
 * command dispatch (ctl_exec and every command behind it: create, set,
 * enslave, hash with its frame descriptions, show and get in text and
 * JSON, ...) against a fake backend over a bare engine, with fake
 * interfaces eth0..eth3. The input is one or more requests back to back, as
 * clients would send them on successive connections; the engine lives for
 * the whole input, so a request acts on what the earlier ones built. The
 * same bytes also go through the reply decoder (bondctl's side).
 *
 * Invariants besides "no crash, no sanitizer report":
 *  - a request that decodes encodes back to exactly the same bytes (the
 *    format has one encoding per request);
 *  - the reply to every command encodes, decodes, and gives back the
 *    status and texts ctl_exec produced;
 *  - a request the header check accepts has the size the header says. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/actions.h"
#include "core/engine.h"
#include "core/opt.h"
#include "ctl/ctl_backend.h"
#include "ctl/ctl_cmd.h"
#include "ctl/ctl_proto.h"
#include "fake_backend.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one_request(const struct ctl_backend *be, const uint8_t *buf, size_t len)
{
	struct ctl_request req;
	struct ctl_reply rep;
	struct strbuf out, errout;
	struct err err = { 0 };
	uint8_t *enc;
	size_t enc_len;
	int status;

	if (ctl_request_decode(buf, len, &req, &err) < 0) {
		ctl_request_free(&req);
		return;
	}
	if (ctl_request_encode(req.argc, (const char *const *)req.argv, req.flags,
			       &enc, &enc_len, &err) < 0 ||
	    enc_len != len || memcmp(enc, buf, len))
		abort();
	free(enc);

	sb_init(&out);
	sb_init(&errout);
	status = ctl_exec(be, req.argc, req.argv, req.flags & CTL_F_JSON, &out, &errout);
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "%s: %d\n%.*s%.*s", req.argv[0], status, (int)out.len,
			out.buf ? out.buf : "", (int)errout.len, errout.buf ? errout.buf : "");
	if (ctl_reply_encode(status, out.buf ? out.buf : "", out.len,
			     errout.buf ? errout.buf : "", errout.len, &enc, &enc_len,
			     &err) < 0)
		abort();
	if (ctl_reply_decode(enc, enc_len, &rep, &err) < 0 || rep.status != status ||
	    rep.out_len != out.len || rep.err_len != errout.len ||
	    (out.len && memcmp(rep.out, out.buf, out.len)) ||
	    (errout.len && memcmp(rep.err, errout.buf, errout.len)))
		abort();
	free(enc);
	sb_free(&out);
	sb_free(&errout);
	ctl_request_free(&req);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fake fake = { .now = 1000 };
	const struct ctl_backend be = { &fake_ops, &fake };
	struct ctl_reply rep;
	struct err err = { 0 };
	size_t off = 0, total;

	/* bondctl's side: the same bytes as a reply. */
	if (ctl_reply_header(data, size, &total, &err) == 0 && total <= size) {
		uint8_t *r = malloc(total ? total : 1);

		if (!r)
			abort();
		memcpy(r, data, total);
		if (ctl_reply_decode(r, total, &rep, &err) == 0 &&
		    (rep.out_len + rep.err_len + CTL_REPLY_HDR_LEN != total))
			abort();
		free(r);
	}

	fake.eng = fake_engine_new();
	if (!fake.eng)
		abort();
	while (off < size) {
		size_t left = size - off;
		uint8_t *req;
		int rc = ctl_request_header(data + off, left, &total, &err);

		if (rc == -EAGAIN || (rc == 0 && total < CTL_REQ_HDR_LEN))
			break;
		/* A request the header refuses, or one cut short: the decoder
		 * must refuse the bytes as they are. */
		if (rc < 0 || total > left)
			total = left;
		/* Its own allocation, so a read past the request is caught. */
		req = malloc(total);
		if (!req)
			abort();
		memcpy(req, data + off, total);
		one_request(&be, req, total);
		free(req);
		off += total;
		fake.now += 100;
		engine_tick(fake.eng, fake.now);
	}
	engine_free(fake.eng);
	return 0;
}
