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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void op_tx(void *ctx, struct slave *s, const uint8_t *f, size_t l, const void *m) {}
static void op_deliver(void *ctx, struct bond *b, const uint8_t *f, size_t l, const void *m) {}
static void op_slave_mac(void *ctx, struct slave *s, const uint8_t mac[6]) {}
static void op_bond_mac(void *ctx, struct bond *b, const uint8_t mac[6]) {}
static void op_carrier(void *ctx, struct bond *b, bool up) {}
static void op_log(void *ctx, int level, const char *line) {}

static const struct engine_ops ops = {
	.tx = op_tx, .deliver = op_deliver, .set_slave_mac = op_slave_mac,
	.set_bond_mac = op_bond_mac, .set_carrier = op_carrier, .log = op_log,
};

struct fake {
	struct engine *eng;
	uint64_t now;
};

static struct engine *fake_engine(void *ctx)
{
	return ((struct fake *)ctx)->eng;
}

static uint64_t fake_now(void *ctx)
{
	return ((struct fake *)ctx)->now;
}

static int fake_bond_create(void *ctx, const char *name, unsigned nopts,
			    const char *const names[], const char *const values[],
			    struct err *err)
{
	struct fake *d = ctx;
	struct bond *b;
	int rc;

	if (engine_bond_find(d->eng, name)) {
		err_set(err, -EEXIST, "bonding: %s already exists", name);
		return -EEXIST;
	}
	b = engine_bond_new(d->eng, name, err);
	if (!b)
		return -EINVAL;
	rc = nopts ? opt_set_many(b, nopts, names, values, d->now, err) : 0;
	if (rc) {
		engine_bond_free(d->eng, b, d->now);
		return rc;
	}
	bond_set_admin(b, true, d->now);
	return 0;
}

static int fake_bond_delete(void *ctx, const char *name, struct err *err)
{
	struct fake *d = ctx;
	struct bond *b = engine_bond_find(d->eng, name);

	if (!b) {
		err_set(err, -ENODEV, "%s: no such bond", name);
		return -ENODEV;
	}
	engine_bond_free(d->eng, b, d->now);
	return 0;
}

static int fake_enslave(void *ctx, const char *bond, const char *ifname, struct err *err)
{
	struct fake *d = ctx;
	struct link_info li = { .running = true, .carrier = true, .speed = 1000,
				.duplex = DUPLEX_FULL };
	struct bond *b = engine_bond_find(d->eng, bond);
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0 };

	if (!b) {
		err_set(err, -ENODEV, "%s: no such bond", bond);
		return -ENODEV;
	}
	if (strncmp(ifname, "eth", 3) || ifname[3] < '0' || ifname[3] > '3' || ifname[4]) {
		err_set(err, -ENODEV, "%s: interface %s does not exist!", bond, ifname);
		return -ENODEV;
	}
	for (unsigned i = 0; i < engine_bond_count(d->eng); i++)
		if (bond_find_slave(engine_bond_at(d->eng, i), ifname)) {
			err_set(err, -EBUSY, "%s: (slave %s): Device is already enslaved",
				bond, ifname);
			return -EBUSY;
		}
	mac[5] = (uint8_t)ifname[3];
	return bond_enslave(b, ifname, mac, &li, NULL, d->now, err) ? 0 : -EINVAL;
}

static int fake_release(void *ctx, const char *bond, const char *ifname, struct err *err)
{
	struct fake *d = ctx;
	struct bond *b = engine_bond_find(d->eng, bond);
	struct slave *s = b ? bond_find_slave(b, ifname) : NULL;

	if (!s) {
		err_set(err, -EINVAL, "%s: (slave %s): cannot release: not a slave of %s",
			bond, ifname, bond);
		return -EINVAL;
	}
	bond_release(b, s, d->now);
	return 0;
}

static int fake_set(void *ctx, const char *bond, unsigned nopts,
		    const char *const names[], const char *const values[], struct err *err)
{
	struct fake *d = ctx;
	struct bond *b = engine_bond_find(d->eng, bond);

	if (!b) {
		err_set(err, -ENODEV, "%s: no such bond", bond);
		return -ENODEV;
	}
	return opt_set_many(b, nopts, names, values, d->now, err);
}

static int fake_reload(void *ctx, struct strbuf *msgs, struct err *err)
{
	err_set(err, -ENOENT, "bondd was started without a configuration: nothing to reload");
	return -ENOENT;
}

static const struct ctl_backend_ops fake_ops = {
	.engine = fake_engine, .now = fake_now, .bond_create = fake_bond_create,
	.bond_delete = fake_bond_delete, .enslave = fake_enslave,
	.release = fake_release, .set = fake_set, .reload = fake_reload,
};

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

	fake.eng = engine_new(&ops, NULL);
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
