/* The metrics endpoint (http_metrics.h): parser and nonblocking server.
 *
 * The parser follows RFC 9112 as far as a one-resource server needs: the
 * request line (method, origin- or absolute-form target, HTTP/1.x), header
 * fields as name ":" value (no obsolete line folding, no control bytes),
 * Host required from HTTP/1.1 clients. Anything else is junk and gets 400.
 *
 * The server's connections: reading (the whole head must arrive within
 * HTTP_TIMEOUT_MS of the accept: a client sending a byte a second gains
 * nothing), then writing (the reply, rendered at once, within
 * HTTP_TIMEOUT_MS), then closed. */
#include "http_metrics.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- parser ---------------------------------------------------------------- */

static bool is_tchar(unsigned char c)
{
	return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* A line of the head, [p, e) without its CRLF or LF. */
struct line {
	const char *p, *e;
};

/* The next line starting at *pos, or false when no LF follows yet. */
static bool next_line(const char **pos, const char *end, struct line *l)
{
	const char *nl = memchr(*pos, '\n', (size_t)(end - *pos));

	if (!nl)
		return false;
	l->p = *pos;
	l->e = nl > *pos && nl[-1] == '\r' ? nl - 1 : nl;
	*pos = nl + 1;
	return true;
}

/* Adds the media ranges of one Accept value to req->accept while whole
 * ranges fit. */
static void add_accept(struct http_request *req, const char *v, const char *e)
{
	size_t len = strlen(req->accept);

	while (v < e) {
		const char *comma = memchr(v, ',', (size_t)(e - v));
		const char *r_end = comma ? comma : e;
		size_t n = (size_t)(r_end - v), sep = len ? 2 : 0;

		while (n && (*v == ' ' || *v == '\t'))
			v++, n--;
		if (n) {
			if (len + sep + n >= sizeof(req->accept))
				return;
			memcpy(req->accept + len, ", ", sep);
			memcpy(req->accept + len + sep, v, n);
			len += sep + n;
			req->accept[len] = '\0';
		}
		v = comma ? comma + 1 : e;
	}
}

static bool span_eq(const char *p, const char *e, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(e - p) == n && !strncasecmp(p, s, n);
}

int http_parse_request(const char *buf, size_t len, struct http_request *req)
{
	const char *pos = buf, *end = buf + len, *sp1, *sp2, *t, *path_end;
	struct line rl, l;
	bool has_host = false, complete = false;

	memset(req, 0, sizeof(*req));
	/* Empty lines before the request line are to be ignored (RFC 9112
	 * 2.2): some clients send a CRLF after a POST body. */
	while (pos < end && (*pos == '\r' || *pos == '\n'))
		pos++;
	/* A request line holds printable ASCII only: junk (TLS, a binary
	 * protocol) is refused at its first bytes, not after a timeout. */
	for (t = pos; t < end && *t != '\n'; t++)
		if ((unsigned char)*t >= 0x7f || ((unsigned char)*t < 0x20 &&
		    !(*t == '\r' && (t + 1 == end || t[1] == '\n'))))
			return 400;
	if (!next_line(&pos, end, &rl))
		return len >= HTTP_MAX_REQUEST ? 431 : 0;
	/* The head is complete at the first empty line. */
	for (const char *q = pos; next_line(&q, end, &l);) {
		if (l.p == l.e) {
			complete = true;
			break;
		}
	}
	if (!complete)
		return len >= HTTP_MAX_REQUEST ? 431 : 0;

	/* METHOD SP TARGET SP VERSION */
	sp1 = memchr(rl.p, ' ', (size_t)(rl.e - rl.p));
	if (!sp1 || sp1 == rl.p)
		return 400;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(rl.e - sp1 - 1));
	if (!sp2 || sp2 == sp1 + 1 || memchr(sp2 + 1, ' ', (size_t)(rl.e - sp2 - 1)))
		return 400;
	for (t = rl.p; t < sp1; t++)
		if (!is_tchar((unsigned char)*t))
			return 400;
	if (span_eq(sp2 + 1, rl.e, "HTTP/1.1"))
		req->http10 = false;
	else if (span_eq(sp2 + 1, rl.e, "HTTP/1.0"))
		req->http10 = true;
	else if (rl.e - sp2 - 1 == 8 && !strncmp(sp2 + 1, "HTTP/", 5) && isdigit((unsigned char)sp2[6]) &&
		 sp2[7] == '.' && isdigit((unsigned char)sp2[8]))
		return 505;
	else
		return 400;

	/* The header fields: name ":" OWS value OWS. */
	while (next_line(&pos, end, &l) && l.p != l.e) {
		const char *colon = memchr(l.p, ':', (size_t)(l.e - l.p)), *v, *ve;

		if (!colon || colon == l.p)
			return 400;     /* also obsolete folding: a leading blank */
		for (t = l.p; t < colon; t++)
			if (!is_tchar((unsigned char)*t))
				return 400;
		for (t = colon + 1; t < l.e; t++)
			if (((unsigned char)*t < 0x20 && *t != '\t') || *t == 0x7f)
				return 400;
		v = colon + 1;
		ve = l.e;
		while (v < ve && (*v == ' ' || *v == '\t'))
			v++;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		if (span_eq(l.p, colon, "host"))
			has_host = true;
		else if (span_eq(l.p, colon, "accept"))
			add_accept(req, v, ve);
	}
	if (!req->http10 && !has_host)
		return 400;     /* RFC 9112 3.2: an HTTP/1.1 request names its Host */

	/* The target: origin form, or absolute form (to a proxy's habit). */
	t = sp1 + 1;
	if (sp2 - t > 7 && !strncasecmp(t, "http://", 7)) {
		t = memchr(t + 7, '/', (size_t)(sp2 - t - 7));
		if (!t)
			t = "/";
	} else if (*t != '/') {
		return *t == '*' && sp2 == t + 1 ? 404 : 400;
	}
	path_end = t;
	while (*path_end != ' ' && *path_end != '?' && *path_end != '#' && *path_end)
		path_end++;
	if (!span_eq(t, path_end, "/metrics") || strncmp(t, "/metrics", 8))
		return 404;     /* the path is case-sensitive, unlike the rest */
	if (span_eq(rl.p, sp1, "GET") && !strncmp(rl.p, "GET", 3))
		return 200;
	if (span_eq(rl.p, sp1, "HEAD") && !strncmp(rl.p, "HEAD", 4)) {
		req->head = true;
		return 200;
	}
	return 405;
}

/* ---- server -------------------------------------------------------------- */

struct hclient {
	int fd;
	bool writing;
	uint64_t deadline;
	uint64_t seq;               /* accept order: the oldest goes first */
	size_t in_len;
	char in[HTTP_MAX_REQUEST];
	struct strbuf out;
	size_t out_off;
};

struct http_metrics {
	int lfd, epfd;
	http_render_fn render;
	void *ctx;
	struct hclient *c[HTTP_MAX_CLIENTS];
	uint64_t seq;
	/* accept() ran out of fds: the listening socket leaves the epoll set
	 * until then, or the loop would spin on it */
	uint64_t paused_until;
	bool paused;
};

#define PAUSE_MS 100

struct http_metrics *http_metrics_new(const struct netaddr *addr, http_render_fn render,
				      void *ctx, struct err *err)
{
	struct http_metrics *h = calloc(1, sizeof(*h));
	struct epoll_event ev = { .events = EPOLLIN };
	int one = 1;

	if (!h) {
		err_set(err, -ENOMEM, "metrics endpoint: out of memory");
		return NULL;
	}
	h->lfd = -1;
	h->render = render;
	h->ctx = ctx;
	h->epfd = epoll_create1(EPOLL_CLOEXEC);
	h->lfd = socket(addr->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (h->epfd < 0 || h->lfd < 0) {
		err_set(err, -errno, "metrics endpoint: %s", strerror(errno));
		goto fail;
	}
	if (setsockopt(h->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) {
		err_set(err, -errno, "metrics endpoint: SO_REUSEADDR: %s", strerror(errno));
		goto fail;
	}
	if (bind(h->lfd, (const struct sockaddr *)&addr->ss, addr->len) < 0) {
		err_set(err, -errno, "metrics endpoint: cannot listen there: %s%s", strerror(errno),
			errno == EADDRNOTAVAIL ? " (no interface has that address)" :
			errno == EADDRINUSE ? " (another program listens on that port)" : "");
		goto fail;
	}
	if (listen(h->lfd, 64) < 0 || epoll_ctl(h->epfd, EPOLL_CTL_ADD, h->lfd, &ev) < 0) {
		err_set(err, -errno, "metrics endpoint: %s", strerror(errno));
		goto fail;
	}
	return h;
fail:
	http_metrics_free(h);
	return NULL;
}

int http_metrics_fd(const struct http_metrics *h)
{
	return h->epfd;
}

static void client_close(struct http_metrics *h, unsigned i)
{
	struct hclient *c = h->c[i];
	char sink[512];

	/* Bytes the client sent that we did not read (a body) would turn
	 * close() into a reset, which may cost the client the reply. A
	 * bounded drain: a client streaming junk must not keep us here. */
	for (unsigned k = 0; k < 64 && recv(c->fd, sink, sizeof(sink), MSG_DONTWAIT) > 0; k++)
		;
	/* close() takes the fd out of the epoll set */
	close(c->fd);
	sb_free(&c->out);
	free(c);
	h->c[i] = NULL;
}

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 431: return "Request Header Fields Too Large";
	default:  return "HTTP Version Not Supported";
	}
}

static void respond(struct http_metrics *h, struct hclient *c, int status,
		    const struct http_request *req)
{
	struct strbuf body;
	const char *ctype = "text/plain; charset=utf-8";

	sb_init(&body);
	if (status == 200)
		ctype = h->render(h->ctx, req->accept, &body);
	else
		sb_printf(&body, "%d %s\n", status, reason(status));
	if (body.oom) {
		/* no memory for the text: say so rather than send half */
		sb_reset(&body);
		status = 503;
		sb_puts(&body, "503 Service Unavailable (out of memory)\n");
		ctype = "text/plain; charset=utf-8";
	}
	sb_printf(&c->out, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		  "%sConnection: close\r\n\r\n", status,
		  status == 503 ? "Service Unavailable" : reason(status), ctype, body.len,
		  status == 405 ? "Allow: GET, HEAD\r\n" : "");
	if (!(status == 200 && req->head))
		sb_puts(&c->out, sb_str(&body));
	sb_free(&body);
	c->writing = true;
	c->out_off = 0;
}

/* Writes what the socket takes. True when the client is done with. */
static bool client_write(struct http_metrics *h, struct hclient *c)
{
	struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = c };

	if (c->out.oom)
		return true;
	while (c->out_off < c->out.len) {
		ssize_t n = send(c->fd, c->out.buf + c->out_off, c->out.len - c->out_off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				return true;        /* the client went away */
			/* the rest when the socket takes more; a failure
			 * here leaves the deadline to end it */
			epoll_ctl(h->epfd, EPOLL_CTL_MOD, c->fd, &ev);
			return false;
		}
		c->out_off += (size_t)n;
	}
	return true;
}

/* Reads what arrived; answers a complete (or refused) request. True when
 * the client is done with. */
static bool client_read(struct http_metrics *h, struct hclient *c, uint64_t now)
{
	struct http_request req;
	bool eof = false;
	int status;

	for (;;) {
		ssize_t n;

		if (c->in_len == sizeof(c->in))
			break;
		n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0)
			return true;        /* a reset, or an error */
		if (n == 0) {
			/* a client may half-close after its request */
			eof = true;
			break;
		}
		c->in_len += (size_t)n;
	}
	status = http_parse_request(c->in, c->in_len, &req);
	if (!status)
		return eof;         /* closed before a whole request: done */
	respond(h, c, status, &req);
	c->deadline = now + HTTP_TIMEOUT_MS;
	return client_write(h, c);
}

static void accept_new(struct http_metrics *h, uint64_t now)
{
	for (unsigned k = 0; k < 32; k++) {
		struct epoll_event ev = { .events = EPOLLIN };
		struct hclient *c;
		int fd = accept4(h->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		unsigned slot = HTTP_MAX_CLIENTS, oldest = HTTP_MAX_CLIENTS;

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM) {
				if (epoll_ctl(h->epfd, EPOLL_CTL_DEL, h->lfd, NULL) == 0) {
					h->paused = true;
					h->paused_until = now + PAUSE_MS;
				}
			}
			return;         /* EAGAIN: all taken; ECONNABORTED & co: next time */
		}
		for (unsigned i = 0; i < HTTP_MAX_CLIENTS; i++) {
			if (!h->c[i]) {
				slot = i;
				break;
			}
			if (!h->c[i]->writing &&
			    (oldest == HTTP_MAX_CLIENTS || h->c[i]->seq < h->c[oldest]->seq))
				oldest = i;
		}
		if (slot == HTTP_MAX_CLIENTS && oldest != HTTP_MAX_CLIENTS) {
			/* full: the oldest connection that has not sent its
			 * request yet makes room (a silent one, most likely) */
			client_close(h, oldest);
			slot = oldest;
		}
		c = slot < HTTP_MAX_CLIENTS ? calloc(1, sizeof(*c)) : NULL;
		if (!c) {
			close(fd);      /* every slot is writing a reply, or no memory */
			continue;
		}
		c->fd = fd;
		c->seq = h->seq++;
		c->deadline = now + HTTP_TIMEOUT_MS;
		sb_init(&c->out);
		ev.data.ptr = c;
		if (epoll_ctl(h->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			free(c);
			continue;
		}
		h->c[slot] = c;
	}
}

void http_metrics_run(struct http_metrics *h, uint64_t now)
{
	struct epoll_event evs[HTTP_MAX_CLIENTS + 1];

	/* The events only say that something is ready; every connection is
	 * looked at below (a few at most), so they are just consumed. */
	while (epoll_wait(h->epfd, evs, (int)ARRAY_SIZE(evs), 0) == (int)ARRAY_SIZE(evs))
		;
	if (h->paused && now >= h->paused_until) {
		struct epoll_event ev = { .events = EPOLLIN };

		if (epoll_ctl(h->epfd, EPOLL_CTL_ADD, h->lfd, &ev) == 0 || errno == EEXIST)
			h->paused = false;
		else
			h->paused_until = now + PAUSE_MS;
	}
	if (!h->paused)
		accept_new(h, now);
	for (unsigned i = 0; i < HTTP_MAX_CLIENTS; i++) {
		struct hclient *c = h->c[i];
		bool done;

		if (!c)
			continue;
		done = c->writing ? client_write(h, c) : client_read(h, c, now);
		if (done || now >= c->deadline)
			client_close(h, i);
	}
}

uint64_t http_metrics_deadline(const struct http_metrics *h)
{
	uint64_t d = h->paused ? h->paused_until : UINT64_MAX;

	for (unsigned i = 0; i < HTTP_MAX_CLIENTS; i++)
		if (h->c[i] && h->c[i]->deadline < d)
			d = h->c[i]->deadline;
	return d;
}

unsigned http_metrics_clients(const struct http_metrics *h)
{
	unsigned n = 0;

	for (unsigned i = 0; i < HTTP_MAX_CLIENTS; i++)
		n += h->c[i] != NULL;
	return n;
}

void http_metrics_free(struct http_metrics *h)
{
	if (!h)
		return;
	for (unsigned i = 0; i < HTTP_MAX_CLIENTS; i++)
		if (h->c[i])
			client_close(h, i);
	if (h->lfd >= 0)
		close(h->lfd);
	if (h->epfd >= 0)
		close(h->epfd);
	free(h);
}
