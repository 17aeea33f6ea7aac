/* The metrics endpoint of `bondd --metrics ADDR:PORT`: a tiny HTTP/1.0 and
 * 1.1 server run by the daemon's loop, for Prometheus' scrapes.
 *
 * One request per connection (the reply says "Connection: close"):
 * GET or HEAD /metrics (a query string is ignored) is answered with what
 * the render callback writes; another path is 404, another method on
 * /metrics 405, anything that is not an HTTP/1.x request 400 (431 when the
 * head is over HTTP_MAX_REQUEST, 505 for another HTTP version).
 *
 * Never blocks, like the control server: the listening socket and every
 * connection are nonblocking and sit in the server's own epoll set, whose
 * fd the daemon watches; a connection has HTTP_TIMEOUT_MS to send its
 * request and again to read the reply, at most HTTP_MAX_CLIENTS are served
 * at once (a new one pushes out the oldest still sending its request), so a
 * client that never sends or never reads holds one slot for a while and
 * costs the loop nothing. */
#ifndef BONDD_HTTP_METRICS_H
#define BONDD_HTTP_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/netaddr.h"
#include "lib/util.h"

#define HTTP_MAX_CLIENTS 16
#define HTTP_TIMEOUT_MS  3000
#define HTTP_MAX_REQUEST 8192      /* request line and headers */

/* ---- the request parser (pure; tests/unit/test_metrics.c) ---- */

struct http_request {
	bool head;                 /* HEAD: the reply without its body */
	bool http10;               /* an HTTP/1.0 request */
	/* The Accept header (several joined with ", "), cut at the last
	 * whole media range that fits; "" when none. */
	char accept[512];
};

/* Parses the request head in buf[0, len). Returns 0 when it is not
 * complete yet (and len < HTTP_MAX_REQUEST), 200 for GET/HEAD /metrics
 * (req filled), or the error status to answer: 400, 404, 405, 431, 505. */
int http_parse_request(const char *buf, size_t len, struct http_request *req);

/* ---- the server ---- */

/* Writes the body for a scrape whose Accept header is accept ("" when the
 * client sent none) and returns its Content-Type. */
typedef const char *(*http_render_fn)(void *ctx, const char *accept, struct strbuf *body);

struct http_metrics;

/* Listens on addr (SO_REUSEADDR, so a restart or `bondctl upgrade` binds
 * again at once). NULL with a message in err on failure. */
struct http_metrics *http_metrics_new(const struct netaddr *addr, http_render_fn render,
				      void *ctx, struct err *err);
/* The fd to watch for input (an epoll fd). */
int http_metrics_fd(const struct http_metrics *h);
/* Accepts, reads, answers and writes what can be done now; drops the
 * connections whose deadline is <= now (monotonic ms). */
void http_metrics_run(struct http_metrics *h, uint64_t now);
/* The earliest connection deadline, UINT64_MAX when none is open. */
uint64_t http_metrics_deadline(const struct http_metrics *h);
/* Connections open now. */
unsigned http_metrics_clients(const struct http_metrics *h);
/* Closes everything; NULL is fine. */
void http_metrics_free(struct http_metrics *h);

#endif
