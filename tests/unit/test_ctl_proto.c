/* The control socket wire format (src/ctl/ctl_proto.c): round trips, every
 * limit, and rejection of truncated, oversized and garbage input. The
 * decoders face any local process, so the fuzz-ish cases at the end feed
 * them mutated and random bytes; run under ASan/valgrind to catch reads
 * past the end. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl/ctl_cmd.h"
#include "ctl/ctl_proto.h"

/* Encodes argv, failing the test if that does not work. */
static uint8_t *enc(int argc, const char *const argv[], unsigned flags, size_t *len)
{
	uint8_t *buf = NULL;
	struct err e;

	err_clear(&e);
	assert_int_equal(ctl_request_encode(argc, argv, flags, &buf, len, &e), 0);
	assert_non_null(buf);
	return buf;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Decodes a request that must be rejected; checks req stays empty. */
static int reject(const uint8_t *buf, size_t len)
{
	struct ctl_request req;
	struct err e;
	int rc;

	err_clear(&e);
	rc = ctl_request_decode(buf, len, &req, &e);
	assert_true(rc < 0);
	assert_null(req.argv);
	assert_int_equal(req.argc, 0);
	assert_true(e.msg[0] != '\0');
	ctl_request_free(&req);
	return rc;
}

static void check_roundtrip(int argc, const char *const argv[], unsigned flags)
{
	struct ctl_request req;
	struct err e;
	size_t len, total;
	uint8_t *buf = enc(argc, argv, flags, &len);
	int i;

	assert_int_equal(ctl_request_header(buf, len, &total, &e), 0);
	assert_int_equal(total, len);
	assert_int_equal(ctl_request_decode(buf, len, &req, &e), 0);
	assert_int_equal(req.argc, argc);
	assert_int_equal(req.flags, flags);
	for (i = 0; i < argc; i++)
		assert_string_equal(req.argv[i], argv[i]);
	assert_null(req.argv[argc]);
	ctl_request_free(&req);
	assert_null(req.argv);
	free(buf);
}

static void test_request_roundtrip(void **state)
{
	const char *a1[] = { "list" };
	const char *a2[] = { "create", "bond0", "mode", "active-backup", "miimon=100" };
	const char *a3[] = { "active", "bond0", "" };
	const char *a4[] = { "set", "bond0", "arp_ip_target", "10.0.0.1,10.0.0.2",
			     "primary", "eth\xc3\xa9" };

	check_roundtrip(1, a1, 0);
	check_roundtrip(1, a1, CTL_F_JSON);
	check_roundtrip(5, a2, 0);
	check_roundtrip(3, a3, CTL_F_JSON);
	check_roundtrip(6, a4, 0);
}

static void test_request_layout(void **state)
{
	/* The documented layout, byte for byte. */
	const char *argv[] = { "show", "" };
	static const uint8_t want[] = {
		'B', 'D', 'Q', '1', 0, 1, 0, 1, 0, 0, 0, 16,
		0, 0, 0, 2, 0, 0, 0, 4, 's', 'h', 'o', 'w', 0, 0, 0, 0,
	};
	size_t len;
	uint8_t *buf = enc(2, argv, CTL_F_JSON, &len);

	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	free(buf);
}

static void test_request_encode_limits(void **state)
{
	const char **argv = calloc(CTL_MAX_ARGS + 1, sizeof(*argv));
	uint8_t *buf = NULL;
	size_t len, i, fixed = CTL_REQ_HDR_LEN + 4 + 4;
	char *big;
	struct err e;
	struct ctl_request req;

	assert_non_null(argv);
	for (i = 0; i <= CTL_MAX_ARGS; i++)
		argv[i] = "";
	assert_int_equal(ctl_request_encode(0, argv, 0, &buf, &len, &e), -EINVAL);
	assert_null(buf);
	assert_int_equal(ctl_request_encode(CTL_MAX_ARGS + 1, argv, 0, &buf, &len, &e),
			 -EINVAL);
	assert_int_equal(ctl_request_encode(1, argv, 0x8000, &buf, &len, &e), -EINVAL);
	check_roundtrip(CTL_MAX_ARGS, argv, 0);

	/* One string filling the request to exactly 64 KiB works; one byte
	 * more does not. */
	big = malloc(CTL_MAX_REQUEST + 2);
	assert_non_null(big);
	memset(big, 'x', CTL_MAX_REQUEST + 1);
	big[CTL_MAX_REQUEST - fixed] = '\0';
	argv[0] = big;
	assert_int_equal(ctl_request_encode(1, argv, 0, &buf, &len, &e), 0);
	assert_int_equal(len, CTL_MAX_REQUEST);
	assert_int_equal(ctl_request_decode(buf, len, &req, &e), 0);
	assert_int_equal(strlen(req.argv[0]), CTL_MAX_REQUEST - fixed);
	ctl_request_free(&req);
	free(buf);
	big[CTL_MAX_REQUEST - fixed] = 'x';
	big[CTL_MAX_REQUEST - fixed + 1] = '\0';
	assert_int_equal(ctl_request_encode(1, argv, 0, &buf, &len, &e), -EMSGSIZE);
	assert_null(buf);
	/* A string longer than the whole limit, and many strings adding up. */
	big[CTL_MAX_REQUEST + 1] = '\0';
	assert_int_equal(ctl_request_encode(1, argv, 0, &buf, &len, &e), -EMSGSIZE);
	big[100] = '\0';
	for (i = 0; i < CTL_MAX_ARGS; i++)
		argv[i] = big;
	assert_int_equal(ctl_request_encode(CTL_MAX_ARGS, argv, 0, &buf, &len, &e),
			 -EMSGSIZE);
	free(big);
	free(argv);
}

static void test_request_header(void **state)
{
	const char *argv[] = { "show", "bond0" };
	size_t len, total, i;
	uint8_t *buf = enc(2, argv, 0, &len);
	struct err e;

	/* Too short to judge: ask for more, do not fail. */
	for (i = 0; i < CTL_REQ_HDR_LEN; i++)
		assert_int_equal(ctl_request_header(buf, i, &total, &e), -EAGAIN);
	assert_int_equal(ctl_request_header(buf, CTL_REQ_HDR_LEN, &total, &e), 0);
	assert_int_equal(total, len);

	buf[0] ^= 0xff;                               /* magic */
	assert_int_equal(ctl_request_header(buf, len, &total, &e), -EINVAL);
	buf[0] ^= 0xff;
	buf[5] = 2;                                   /* version */
	assert_int_equal(ctl_request_header(buf, len, &total, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "version"));
	buf[5] = 1;
	buf[6] = 0x80;                                /* unknown flag */
	assert_int_equal(ctl_request_header(buf, len, &total, &e), -EINVAL);
	buf[6] = 0;
	put32(buf + 8, 3);                            /* no room for argc */
	assert_int_equal(ctl_request_header(buf, len, &total, &e), -EINVAL);
	put32(buf + 8, CTL_MAX_REQUEST - CTL_REQ_HDR_LEN + 1);
	assert_int_equal(ctl_request_header(buf, len, &total, &e), -EMSGSIZE);
	put32(buf + 8, 0xffffffffu);
	assert_int_equal(ctl_request_header(buf, len, &total, &e), -EMSGSIZE);
	put32(buf + 8, CTL_MAX_REQUEST - CTL_REQ_HDR_LEN);
	assert_int_equal(ctl_request_header(buf, len, &total, &e), 0);
	assert_int_equal(total, CTL_MAX_REQUEST);
	free(buf);
}

static void test_request_truncated(void **state)
{
	const char *argv[] = { "set", "bond0", "miimon", "100" };
	size_t len, i;
	uint8_t *buf = enc(4, argv, 0, &len), *copy;

	/* Every prefix is refused, each from an exact-size copy so that a
	 * read past the end shows up under ASan/valgrind. */
	for (i = 0; i < len; i++) {
		copy = malloc(i ? i : 1);
		memcpy(copy, buf, i);
		reject(copy, i);
		free(copy);
	}
	free(buf);
}

static void test_request_malformed(void **state)
{
	const char *argv[] = { "get", "bond0", "mode" };
	size_t len;
	uint8_t *buf = enc(3, argv, 0, &len), *big;

	/* Buffer longer than the header says. */
	big = malloc(len + 1);
	memcpy(big, buf, len);
	big[len] = 'x';
	reject(big, len + 1);
	/* Header and buffer agree on one byte more than the strings use. */
	put32(big + 8, (uint32_t)(len + 1 - CTL_REQ_HDR_LEN));
	reject(big, len + 1);
	free(big);

	/* argc 0, too large, larger than the strings present, smaller. */
	put32(buf + 12, 0);
	reject(buf, len);
	put32(buf + 12, CTL_MAX_ARGS + 1);
	reject(buf, len);
	put32(buf + 12, 4);
	reject(buf, len);
	put32(buf + 12, 2);
	reject(buf, len);
	put32(buf + 12, 3);

	/* A string length running past the end, and one that would wrap. */
	put32(buf + 16, 4);
	reject(buf, len);
	put32(buf + 16, 0xffffffffu);
	reject(buf, len);
	put32(buf + 16, 0xfffffff0u);
	reject(buf, len);
	put32(buf + 16, 3);

	/* A NUL inside a string would cut it short on the daemon's side. */
	buf[21] = '\0';
	reject(buf, len);
	free(buf);
}

/* Small deterministic generator: the same inputs on every run. */
static uint32_t rnd_state = 0x2545f491u;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/* A decoded request must be self-consistent: argc strings, NULL after. */
static void check_sane(const uint8_t *buf, size_t len)
{
	struct ctl_request req;
	struct err e;
	int i;

	if (ctl_request_decode(buf, len, &req, &e) == 0) {
		assert_true(req.argc >= 1 && req.argc <= (int)CTL_MAX_ARGS);
		for (i = 0; i < req.argc; i++)
			assert_true(strlen(req.argv[i]) < len);
		assert_null(req.argv[req.argc]);
	} else {
		assert_null(req.argv);
	}
	ctl_request_free(&req);
}

static void test_request_fuzz(void **state)
{
	const char *argv[] = { "enslave", "bond0", "eth0", "eth1", "", "eth2" };
	size_t len, n, i, k;
	uint8_t *good = enc(6, argv, CTL_F_JSON, &len), *buf;

	/* Mutations of a valid request: flipped bytes, sometimes cut short. */
	for (i = 0; i < 20000; i++) {
		n = (rnd() % 4) ? len : rnd() % (len + 1);
		buf = malloc(n ? n : 1);
		memcpy(buf, good, n);
		for (k = rnd() % 4 + 1; k > 0 && n; k--)
			buf[rnd() % n] ^= (uint8_t)(1u << (rnd() % 8));
		check_sane(buf, n);
		free(buf);
	}
	/* Pure garbage, with a valid magic half of the time. */
	for (i = 0; i < 20000; i++) {
		n = rnd() % 96;
		buf = malloc(n ? n : 1);
		for (k = 0; k < n; k++)
			buf[k] = (uint8_t)rnd();
		if (n >= CTL_REQ_HDR_LEN && (i & 1)) {
			/* Header valid and consistent: the body is garbage. */
			memcpy(buf, good, 8);
			put32(buf + 8, (uint32_t)(n - CTL_REQ_HDR_LEN));
		}
		check_sane(buf, n);
		free(buf);
	}
	free(good);
}

/* ---- replies -------------------------------------------------------------- */

static void test_reply_roundtrip(void **state)
{
	static const char out[] = "Bonding Mode: active-backup\n";
	static const char errtxt[] = "bondctl: bond7: no such bond\n";
	struct ctl_reply r;
	uint8_t *buf;
	size_t len, total;
	struct err e;

	assert_int_equal(ctl_reply_encode(1, out, strlen(out), errtxt, strlen(errtxt),
					  &buf, &len, &e), 0);
	assert_int_equal(ctl_reply_header(buf, len, &total, &e), 0);
	assert_int_equal(total, len);
	assert_int_equal(ctl_reply_decode(buf, len, &r, &e), 0);
	assert_int_equal(r.status, 1);
	assert_int_equal(r.out_len, strlen(out));
	assert_memory_equal(r.out, out, r.out_len);
	assert_int_equal(r.err_len, strlen(errtxt));
	assert_memory_equal(r.err, errtxt, r.err_len);
	free(buf);

	/* Empty texts, and text with a NUL: replies are byte strings. */
	assert_int_equal(ctl_reply_encode(0, NULL, 0, "a\0b", 3, &buf, &len, &e), 0);
	assert_int_equal(len, CTL_REPLY_HDR_LEN + 3);
	assert_int_equal(ctl_reply_decode(buf, len, &r, &e), 0);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.out_len, 0);
	assert_memory_equal(r.err, "a\0b", 3);
	free(buf);
}

static void test_reply_limits(void **state)
{
	static const char small[] = "x";
	uint8_t *buf = NULL, hdr[CTL_REPLY_HDR_LEN];
	struct ctl_reply r;
	size_t len, total;
	struct err e;

	assert_int_equal(ctl_reply_encode(-1, NULL, 0, NULL, 0, &buf, &len, &e), -EINVAL);
	assert_int_equal(ctl_reply_encode(256, NULL, 0, NULL, 0, &buf, &len, &e), -EINVAL);
	/* Sizes are checked before any byte is read: the short buffer is
	 * never touched. */
	assert_int_equal(ctl_reply_encode(0, small, CTL_MAX_REPLY, NULL, 0, &buf,
					  &len, &e), -EMSGSIZE);
	assert_int_equal(ctl_reply_encode(0, small, CTL_MAX_REPLY / 2, small,
					  CTL_MAX_REPLY / 2, &buf, &len, &e), -EMSGSIZE);
	assert_int_equal(ctl_reply_encode(0, small, SIZE_MAX, small, 2, &buf, &len, &e),
			 -EMSGSIZE);
	assert_null(buf);

	assert_int_equal(ctl_reply_encode(2, NULL, 0, NULL, 0, &buf, &len, &e), 0);
	memcpy(hdr, buf, sizeof(hdr));
	free(buf);
	for (len = 0; len < CTL_REPLY_HDR_LEN; len++)
		assert_int_equal(ctl_reply_header(hdr, len, &total, &e), -EAGAIN);

	hdr[0] = 'X';
	assert_int_equal(ctl_reply_header(hdr, sizeof(hdr), &total, &e), -EINVAL);
	hdr[0] = 'B';
	hdr[5] = 9;
	assert_int_equal(ctl_reply_header(hdr, sizeof(hdr), &total, &e), -EINVAL);
	hdr[5] = 1;
	hdr[7] = 1;
	assert_int_equal(ctl_reply_header(hdr, sizeof(hdr), &total, &e), -EINVAL);
	hdr[7] = 0;
	put32(hdr + 8, 256);
	assert_int_equal(ctl_reply_header(hdr, sizeof(hdr), &total, &e), -EINVAL);
	put32(hdr + 8, 0);
	put32(hdr + 12, 0xffffffffu);
	put32(hdr + 16, 2);                /* the sum would wrap in 32 bits */
	assert_int_equal(ctl_reply_header(hdr, sizeof(hdr), &total, &e), -EMSGSIZE);
	put32(hdr + 12, CTL_MAX_REPLY - CTL_REPLY_HDR_LEN);
	put32(hdr + 16, 1);
	assert_int_equal(ctl_reply_header(hdr, sizeof(hdr), &total, &e), -EMSGSIZE);
	put32(hdr + 16, 0);
	assert_int_equal(ctl_reply_header(hdr, sizeof(hdr), &total, &e), 0);
	assert_int_equal(total, CTL_MAX_REPLY);
	/* The header promises more than the buffer holds. */
	assert_int_equal(ctl_reply_decode(hdr, sizeof(hdr), &r, &e), -EINVAL);
}

static void test_reply_truncated_and_fuzz(void **state)
{
	static const char out[] = "bond0\nbond1\n";
	struct ctl_reply r;
	uint8_t *good, *buf;
	size_t len, i, n, k;
	struct err e;

	assert_int_equal(ctl_reply_encode(0, out, strlen(out), "w\n", 2, &good, &len,
					  &e), 0);
	for (i = 0; i < len; i++) {
		buf = malloc(i ? i : 1);
		memcpy(buf, good, i);
		assert_true(ctl_reply_decode(buf, i, &r, &e) < 0);
		free(buf);
	}
	buf = malloc(len + 1);
	memcpy(buf, good, len);
	assert_true(ctl_reply_decode(buf, len + 1, &r, &e) < 0);
	free(buf);

	for (i = 0; i < 20000; i++) {
		n = (rnd() % 4) ? len : rnd() % (len + 1);
		buf = malloc(n ? n : 1);
		memcpy(buf, good, n);
		for (k = rnd() % 4 + 1; k > 0 && n; k--)
			buf[rnd() % n] ^= (uint8_t)(1u << (rnd() % 8));
		if (ctl_reply_decode(buf, n, &r, &e) == 0) {
			assert_true(r.out_len + r.err_len + CTL_REPLY_HDR_LEN == n);
			assert_true(r.status >= 0 && r.status <= 255);
		}
		free(buf);
	}
	free(good);
}

/* ---- socket path and command names ----------------------------------------- */

static void test_socket_path(void **state)
{
	unsetenv(CTL_SOCKET_ENV);
	assert_string_equal(ctl_socket_path(NULL), CTL_DEFAULT_SOCKET);
	assert_string_equal(ctl_socket_path(""), CTL_DEFAULT_SOCKET);
	setenv(CTL_SOCKET_ENV, "", 1);
	assert_string_equal(ctl_socket_path(NULL), CTL_DEFAULT_SOCKET);
	setenv(CTL_SOCKET_ENV, "/tmp/b.sock", 1);
	assert_string_equal(ctl_socket_path(NULL), "/tmp/b.sock");
	assert_string_equal(ctl_socket_path("/x.sock"), "/x.sock");
	unsetenv(CTL_SOCKET_ENV);
}

static void test_help_and_suggest(void **state)
{
	static const char *const cmds[] = {
		"create", "delete", "enslave", "release", "active", "set",
		"set-slave", "get", "list", "show", "options", "help", "version",
	};
	struct strbuf sb;
	size_t i;

	sb_init(&sb);
	ctl_help(&sb, "bondctl");
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		char line[32];

		snprintf(line, sizeof(line), "\n  %s", cmds[i]);
		assert_non_null(strstr(sb_str(&sb), line));
		assert_string_equal(ctl_suggest(cmds[i]), cmds[i]);
	}
	assert_non_null(strstr(sb_str(&sb), CTL_DEFAULT_SOCKET));
	sb_free(&sb);

	assert_string_equal(ctl_suggest("shwo"), "show");
	assert_string_equal(ctl_suggest("enslav"), "enslave");
	assert_string_equal(ctl_suggest("sh"), "show");
	assert_string_equal(ctl_suggest("ver"), "version");
	assert_string_equal(ctl_suggest("relase"), "release");
	assert_null(ctl_suggest("frobnicate"));
	assert_null(ctl_suggest(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_roundtrip),
		cmocka_unit_test(test_request_layout),
		cmocka_unit_test(test_request_encode_limits),
		cmocka_unit_test(test_request_header),
		cmocka_unit_test(test_request_truncated),
		cmocka_unit_test(test_request_malformed),
		cmocka_unit_test(test_request_fuzz),
		cmocka_unit_test(test_reply_roundtrip),
		cmocka_unit_test(test_reply_limits),
		cmocka_unit_test(test_reply_truncated_and_fuzz),
		cmocka_unit_test(test_socket_path),
		cmocka_unit_test(test_help_and_suggest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
