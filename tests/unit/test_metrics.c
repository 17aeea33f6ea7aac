/* The metrics (issue 13 item 4): the text both formats carry
 * (ctl/metrics_text.c: names, escaping, counters' "_total", cumulative
 * histogram buckets, OpenMetrics' UNIT and "# EOF"), the content
 * negotiation, the HTTP request parser of the endpoint
 * (linux/http_metrics.c) and the ADDR:PORT parser (lib/netaddr.c). */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ctl/ctl_backend.h"
#include "ctl/metrics_text.h"
#include "engine_harness.h"
#include "lib/netaddr.h"
#include "lib/util.h"
#include "linux/http_metrics.h"

/* ---- a backend: the harness's engine, failover facts from the test ---- */

static struct harness h, h2;
static struct harness *cur = &h;     /* the engine the backend shows */
static struct ctl_failover fo;

static struct engine *be_engine(void *ctx)
{
	(void)ctx;
	return cur->e;
}

static void be_bond_io(void *ctx, const char *bond, struct ctl_bond_io *out)
{
	(void)ctx;
	(void)bond;
	out->datapath = "packet";
	out->failover = fo;
}

static const struct ctl_backend_ops be_ops = { .engine = be_engine, .bond_io = be_bond_io };
static const struct ctl_backend be = { &be_ops, NULL };

static char *render(enum metrics_format f, struct strbuf *sb)
{
	sb_init(sb);
	metrics_render(&be, f, sb);
	assert_false(sb->oom);
	assert_non_null(sb->buf);
	return sb->buf;
}

static void assert_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return;
	fail_msg("no line '%s' in:\n%s", line, text);
}

static void assert_no(const char *text, const char *needle)
{
	const char *at = strstr(text, needle);

	if (at)
		fail_msg("'%s' should not be there, found at: %.80s", needle, at);
}

/* ---- escaping, negotiation ---- */

static void test_label_escaping(void **state)
{
	struct strbuf sb;

	(void)state;
	sb_init(&sb);
	metrics_label_value(&sb, "a\"b\\c\nd");
	assert_string_equal(sb_str(&sb), "a\\\"b\\\\c\\nd");
	sb_reset(&sb);
	/* not UTF-8 (a name may hold any byte): U+FFFD; UTF-8 kept */
	metrics_label_value(&sb, "\xff-\xc3\xa9-\xed\xa0\x80-\xc3");
	assert_string_equal(sb_str(&sb), "\xef\xbf\xbd-\xc3\xa9-\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd-"
			    "\xef\xbf\xbd");
	sb_free(&sb);
}

static void test_negotiate(void **state)
{
	(void)state;
	assert_int_equal(metrics_negotiate(NULL), METRICS_TEXT);
	assert_int_equal(metrics_negotiate(""), METRICS_TEXT);
	/* what Prometheus 2.x sends */
	assert_int_equal(metrics_negotiate("application/openmetrics-text;version=1.0.0,"
		"application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;"
		"q=0.5,*/*;q=0.1"), METRICS_OPENMETRICS);
	assert_int_equal(metrics_negotiate("application/openmetrics-text"), METRICS_OPENMETRICS);
	assert_int_equal(metrics_negotiate("Application/OpenMetrics-Text; Version=1.0.0"),
			 METRICS_OPENMETRICS);
	assert_int_equal(metrics_negotiate("text/plain"), METRICS_TEXT);
	assert_int_equal(metrics_negotiate("*/*"), METRICS_TEXT);
	/* a version we do not write is not acceptable */
	assert_int_equal(metrics_negotiate("application/openmetrics-text; version=0.0.1"),
			 METRICS_TEXT);
	/* the higher q wins, the first on a tie */
	assert_int_equal(metrics_negotiate("text/plain;q=0.9, application/openmetrics-text;q=0.5"),
			 METRICS_TEXT);
	assert_int_equal(metrics_negotiate("text/plain;q=0.5, application/openmetrics-text"),
			 METRICS_OPENMETRICS);
	assert_int_equal(metrics_negotiate("application/openmetrics-text, text/plain"),
			 METRICS_OPENMETRICS);
	assert_int_equal(metrics_negotiate("application/openmetrics-text;q=0, text/plain;q=0.1"),
			 METRICS_TEXT);
	assert_int_equal(metrics_negotiate("application/openmetrics-text;q=junk"), METRICS_TEXT);
	assert_int_equal(metrics_negotiate("application/json"), METRICS_TEXT);
}

/* ---- the text ---- */

static int setup_ab(void **state)
{
	struct bond *b;

	(void)state;
	memset(&fo, 0, sizeof(fo));
	h_init(&h);
	b = h_bond(&h, "bond0", "mode active-backup miimon 100");
	h_enslave(&h, b, "eth0", 1);
	h_enslave(&h, b, "e\"1", 2);
	h_advance(&h, 300);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_fini(&h);
	return 0;
}

static void test_text_format(void **state)
{
	struct strbuf sb;
	char *t;

	(void)state;
	t = render(METRICS_TEXT, &sb);
	/* node_exporter's names, label and HELP */
	assert_line(t, "# HELP node_bonding_slaves Number of configured slaves per bonding interface.");
	assert_line(t, "# TYPE node_bonding_slaves gauge");
	assert_line(t, "node_bonding_slaves{master=\"bond0\"} 2");
	assert_line(t, "# HELP node_bonding_active Number of active slaves per bonding interface.");
	assert_line(t, "node_bonding_active{master=\"bond0\"} 2");
	assert_line(t, "bondd_active_slave{master=\"bond0\",slave=\"eth0\"} 1");
	/* the escaped slave name */
	assert_line(t, "bondd_active_slave{master=\"bond0\",slave=\"e\\\"1\"} 0");
	assert_line(t, "bondd_slave_up{master=\"bond0\",slave=\"e\\\"1\"} 1");
	assert_line(t, "bondd_bond_mode{master=\"bond0\",mode=\"active-backup\"} 1");
	/* counters: the classic format names the family with "_total" */
	assert_line(t, "# TYPE bondd_slave_tx_frames_total counter");
	assert_line(t, "bondd_slave_tx_frames_total{master=\"bond0\",slave=\"eth0\"} 0");
	assert_line(t, "# TYPE bondd_failover_seconds histogram");
	assert_no(t, "# EOF");
	assert_no(t, "# UNIT");
	/* no 802.3ad bond: no LACP family */
	assert_no(t, "bondd_lacp_");
	sb_free(&sb);
}

static void test_openmetrics_format(void **state)
{
	struct strbuf sb;
	char *t;

	(void)state;
	t = render(METRICS_OPENMETRICS, &sb);
	assert_line(t, "# TYPE bondd_slave_tx_frames counter");
	assert_line(t, "bondd_slave_tx_frames_total{master=\"bond0\",slave=\"eth0\"} 0");
	assert_no(t, "# TYPE bondd_slave_tx_frames_total");
	assert_line(t, "# UNIT bondd_slave_rx_bytes bytes");
	assert_line(t, "# UNIT bondd_failover_seconds seconds");
	assert_line(t, "node_bonding_slaves{master=\"bond0\"} 2");
	/* # EOF once, last */
	assert_true(sb.len > 6);
	assert_string_equal(t + sb.len - 6, "# EOF\n");
	assert_ptr_equal(strstr(t, "# EOF"), t + sb.len - 6);
	sb_free(&sb);
}

static void test_active_counts_mii_up(void **state)
{
	struct strbuf sb;
	struct bond *b = engine_bond_find(h.e, "bond0");
	char *t;

	(void)state;
	h_carrier(&h, b->slaves[0], false);
	h_advance(&h, 300);
	t = render(METRICS_TEXT, &sb);
	assert_line(t, "node_bonding_slaves{master=\"bond0\"} 2");
	assert_line(t, "node_bonding_active{master=\"bond0\"} 1");
	assert_line(t, "bondd_slave_up{master=\"bond0\",slave=\"eth0\"} 0");
	assert_line(t, "bondd_active_slave{master=\"bond0\",slave=\"e\\\"1\"} 1");
	assert_line(t, "bondd_slave_link_failures_total{master=\"bond0\",slave=\"eth0\"} 1");
	sb_free(&sb);
}

static void test_histogram_cumulative(void **state)
{
	struct strbuf sb;
	char *t;

	(void)state;
	fo.hist[1] = 1;         /* 16..31 us */
	fo.hist[2] = 2;         /* 32..63 us */
	fo.hist[CTL_FAILOVER_BUCKETS - 1] = 1;      /* 65536 us and more */
	fo.count = 4;
	fo.sum_us = 20 + 40 + 50 + 1500000;
	t = render(METRICS_TEXT, &sb);
	assert_line(t, "bondd_failover_seconds_bucket{master=\"bond0\",le=\"0.000016\"} 0");
	assert_line(t, "bondd_failover_seconds_bucket{master=\"bond0\",le=\"0.000032\"} 1");
	assert_line(t, "bondd_failover_seconds_bucket{master=\"bond0\",le=\"0.000064\"} 3");
	assert_line(t, "bondd_failover_seconds_bucket{master=\"bond0\",le=\"0.000128\"} 3");
	assert_line(t, "bondd_failover_seconds_bucket{master=\"bond0\",le=\"0.065536\"} 3");
	assert_line(t, "bondd_failover_seconds_bucket{master=\"bond0\",le=\"+Inf\"} 4");
	assert_line(t, "bondd_failover_seconds_count{master=\"bond0\"} 4");
	assert_line(t, "bondd_failover_seconds_sum{master=\"bond0\"} 1.500110");
	sb_free(&sb);
	memset(&fo, 0, sizeof(fo));
}

static void test_lacp_families(void **state)
{
	struct strbuf sb;
	struct bond *b;
	char *t;

	(void)state;
	/* the 802.3ad bond in an engine of its own, read through be */
	h_init(&h2);
	cur = &h2;
	b = h_bond(&h2, "bond1", "mode 802.3ad miimon 100 lacp_rate fast");
	h_enslave(&h2, b, "eth2", 3);
	h_advance(&h2, 3000);
	t = render(METRICS_OPENMETRICS, &sb);
	assert_line(t, "# TYPE bondd_lacp_lacpdus_tx counter");
	assert_line(t, "bondd_lacp_actor_state_bit{master=\"bond1\",slave=\"eth2\",bit=\"activity\"} 1");
	assert_line(t, "bondd_lacp_actor_state_bit{master=\"bond1\",slave=\"eth2\",bit=\"timeout\"} 1");
	assert_line(t, "bondd_lacp_partner_state_bit{master=\"bond1\",slave=\"eth2\",bit=\"expired\"} 0");
	assert_non_null(strstr(t, "bondd_lacp_lacpdus_tx_total{master=\"bond1\",slave=\"eth2\"} "));
	assert_null(strstr(t, "bondd_lacp_lacpdus_tx_total{master=\"bond1\",slave=\"eth2\"} 0\n"));
	assert_non_null(strstr(t, "bondd_lacp_aggregator_id{master=\"bond1\",slave=\"eth2\"} "));
	assert_non_null(strstr(t, "bondd_lacp_active_aggregator_id{master=\"bond1\"} "));
	/* 802.3ad has no active slave: the family says 0 for every port */
	assert_line(t, "bondd_active_slave{master=\"bond1\",slave=\"eth2\"} 0");
	sb_free(&sb);
	cur = &h;
	h_fini(&h2);
}

/* ---- the HTTP parser ---- */

static int parse(const char *req, struct http_request *r)
{
	return http_parse_request(req, strlen(req), r);
}

static void test_http_parse(void **state)
{
	struct http_request r;
	static char big[HTTP_MAX_REQUEST + 10];

	(void)state;
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", &r), 200);
	assert_false(r.head);
	assert_string_equal(r.accept, "");
	assert_int_equal(parse("HEAD /metrics HTTP/1.0\r\n\r\n", &r), 200);
	assert_true(r.head);
	assert_true(r.http10);
	/* LF alone ends lines too; empty lines before the request line */
	assert_int_equal(parse("\r\nGET /metrics?name[]=x HTTP/1.0\n\n", &r), 200);
	assert_int_equal(parse("GET http://[::1]:9100/metrics HTTP/1.1\r\nHost: a\r\n\r\n", &r), 200);
	/* Accept headers joined, blanks around values dropped */
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nhost: x\r\nACCEPT:  text/plain \r\n"
			       "Accept: application/openmetrics-text;q=0.5\r\n\r\n", &r), 200);
	assert_string_equal(r.accept, "text/plain, application/openmetrics-text;q=0.5");
	/* not complete yet */
	assert_int_equal(parse("", &r), 0);
	assert_int_equal(parse("GET /metr", &r), 0);
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nHost: x\r\n", &r), 0);
	/* other paths, other methods */
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: x\r\n\r\n", &r), 404);
	assert_int_equal(parse("GET /metricsx HTTP/1.1\r\nHost: x\r\n\r\n", &r), 404);
	assert_int_equal(parse("GET /METRICS HTTP/1.1\r\nHost: x\r\n\r\n", &r), 404);
	assert_int_equal(parse("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", &r), 404);
	assert_int_equal(parse("POST /metrics HTTP/1.1\r\nHost: x\r\n\r\n", &r), 405);
	assert_int_equal(parse("get /metrics HTTP/1.1\r\nHost: x\r\n\r\n", &r), 405);
	/* junk */
	assert_int_equal(parse("junk\r\n\r\n", &r), 400);
	assert_int_equal(parse("\x16\x03\x01", &r), 400);      /* TLS: at once */
	assert_int_equal(parse("GET /metrics\r\n\r\n", &r), 400);
	assert_int_equal(parse("GET  /metrics HTTP/1.1\r\nHost: x\r\n\r\n", &r), 400);
	assert_int_equal(parse("GET metrics HTTP/1.1\r\nHost: x\r\n\r\n", &r), 400);
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\n\r\n", &r), 400);     /* no Host */
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nHost x\r\n\r\n", &r), 400);
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", &r), 400);
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nHo st: x\r\n\r\n", &r), 400);
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nHost: x\x01y\r\n\r\n", &r), 400);
	assert_int_equal(parse("GET /metrics HTTX/1.1\r\n\r\n", &r), 400);
	assert_int_equal(parse("GET /metrics HTTP/2.0\r\n\r\n", &r), 505);
	/* a head that never ends */
	memset(big, 'a', sizeof(big) - 1);
	memcpy(big, "GET /metrics HTTP/1.1\r\nX: ", 26);
	assert_int_equal(http_parse_request(big, HTTP_MAX_REQUEST - 1, &r), 0);
	assert_int_equal(http_parse_request(big, HTTP_MAX_REQUEST, &r), 431);
}

/* ---- ADDR:PORT ---- */

static void test_netaddr(void **state)
{
	struct netaddr na;
	struct err e = { 0 };
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)&na.ss;
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)&na.ss;
	static const char *const bad[] = { "", "192.0.2.1", "192.0.2.1:", "192.0.2.1:0",
		"192.0.2.1:65536", "192.0.2.1:9100x", "192.0.2.1:+80", "localhost:9100",
		"300.0.0.1:9100", "10.1:9100", ":9100", "2001:db8::1:9100", "[2001:db8::1]",
		"[2001:db8::1]9100", "[2001:db8::g]:9100", "[]:9100", "[192.0.2.1]:9100",
		"192.0.2.1:123456" };

	(void)state;
	assert_int_equal(netaddr_parse("192.0.2.1:9100", &na, &e), 0);
	assert_int_equal(a4->sin_family, AF_INET);
	assert_int_equal(ntohs(a4->sin_port), 9100);
	assert_int_equal(ntohl(a4->sin_addr.s_addr), 0xc0000201);
	assert_int_equal(na.len, sizeof(*a4));
	assert_int_equal(netaddr_parse("[2001:db8::1]:65535", &na, &e), 0);
	assert_int_equal(a6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(a6->sin6_port), 65535);
	assert_int_equal(a6->sin6_addr.s6_addr[15], 1);
	assert_int_equal(netaddr_parse("[::]:1", &na, &e), 0);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e.msg[0] = '\0';
		if (netaddr_parse(bad[i], &na, &e) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
		assert_true(e.msg[0] != '\0');
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_label_escaping),
		cmocka_unit_test(test_negotiate),
		cmocka_unit_test_setup_teardown(test_text_format, setup_ab, teardown),
		cmocka_unit_test_setup_teardown(test_openmetrics_format, setup_ab, teardown),
		cmocka_unit_test_setup_teardown(test_active_counts_mii_up, setup_ab, teardown),
		cmocka_unit_test_setup_teardown(test_histogram_cumulative, setup_ab, teardown),
		cmocka_unit_test_setup_teardown(test_lacp_families, setup_ab, teardown),
		cmocka_unit_test(test_http_parse),
		cmocka_unit_test(test_netaddr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
