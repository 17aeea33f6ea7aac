/* Metrics out of the daemon (docs/metrics.md): the HTTP endpoint of
 * `bondd --metrics ADDR:PORT` (linux/http_metrics.c serves, the text is
 * ctl/metrics_text.c's) and the node_exporter textfile of `bondd
 * --metrics-textfile DIR`.
 *
 * The textfile, DIR/bondd.prom in the classic text format, is what
 * node_exporter's textfile collector reads at each scrape. It is rendered
 * at start and then at most once a second (TEXTFILE_MS), and replaced
 * (written aside in DIR, renamed over, so a scrape never reads half of
 * it) only when its text changed: the counters of busy slaves change it
 * every second, an idle bond's state only when something happens. When
 * bondd stops it removes the file, as the kernel's bonds vanish from
 * node_exporter's bonding collector when they are deleted; on `bondctl
 * upgrade` it stays for the next bondd, which rewrites it at its start. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "ctl/metrics_text.h"
#include "daemon.h"
#include "daemon_impl.h"
#include "lib/netaddr.h"
#include "linux/file_replace.h"
#include "linux/http_metrics.h"

#define TEXTFILE_MS  1000
#define TEXTFILE_NAME "bondd.prom"

struct mtextfile {
	char path[PATH_MAX];        /* DIR/bondd.prom */
	char tmp[PATH_MAX];         /* DIR/.bondd.prom.PID.tmp: not *.prom, so
				     * node_exporter never reads it */
	char *text;                 /* what the file holds now; NULL: none yet */
	uint64_t next_ms;
	bool failed;                /* the last write failed (said once) */
};

/* The HTTP endpoint's render callback: the format the scraper asks for. */
static const char *render(void *ctx, const char *accept, struct strbuf *body)
{
	struct daemon *d = ctx;
	enum metrics_format f = metrics_negotiate(accept);

	metrics_render(&d->ctl_be, f, body);
	return f == METRICS_OPENMETRICS ? METRICS_CT_OPENMETRICS : METRICS_CT_TEXT;
}

static int textfile_open(struct daemon *d, const char *dir, struct err *err)
{
	struct mtextfile *tf;
	struct stat st;

	if (!*dir) {
		err_set(err, -EINVAL, "metrics textfile: empty directory name");
		return -EINVAL;
	}
	if (stat(dir, &st) < 0) {
		err_set(err, -errno, "metrics textfile: %s: %s", dir, strerror(errno));
		return -errno;
	}
	if (!S_ISDIR(st.st_mode)) {
		err_set(err, -ENOTDIR, "metrics textfile: %s is not a directory", dir);
		return -ENOTDIR;
	}
	if (access(dir, W_OK) < 0) {
		err_set(err, -errno, "metrics textfile: cannot write in %s: %s", dir,
			strerror(errno));
		return -errno;
	}
	tf = calloc(1, sizeof(*tf));
	if (!tf) {
		err_set(err, -ENOMEM, "metrics textfile: out of memory");
		return -ENOMEM;
	}
	if (snprintf(tf->path, sizeof(tf->path), "%s/" TEXTFILE_NAME, dir) >= (int)sizeof(tf->path) ||
	    snprintf(tf->tmp, sizeof(tf->tmp), "%s/." TEXTFILE_NAME ".%ld.tmp", dir,
		     (long)getpid()) >= (int)sizeof(tf->tmp)) {
		free(tf);
		err_set(err, -ENAMETOOLONG, "metrics textfile: %s: name too long", dir);
		return -ENAMETOOLONG;
	}
	d->mtf = tf;
	return 0;
}

/* text to tf->path through tf->tmp and rename(). */
static int textfile_replace(struct mtextfile *tf, const char *text, size_t len)
{
	return file_replace(tf->tmp, tf->path, text, len);
}

static uint64_t textfile_sync(struct daemon *d, struct mtextfile *tf, uint64_t now)
{
	struct strbuf sb;
	int rc;

	if (now < tf->next_ms)
		return tf->next_ms;
	tf->next_ms = now + TEXTFILE_MS;
	sb_init(&sb);
	metrics_render(&d->ctl_be, METRICS_TEXT, &sb);
	if (sb.oom || (tf->text && !strcmp(tf->text, sb_str(&sb)))) {
		sb_free(&sb);
		return tf->next_ms;
	}
	rc = textfile_replace(tf, sb_str(&sb), sb.len);
	if (rc < 0) {
		if (!tf->failed)
			daemon_logl(d, LOG_WARNING, "metrics textfile %s: %s; trying again "
				    "every second", tf->path, strerror(-rc));
		tf->failed = true;
		sb_free(&sb);
		return tf->next_ms;
	}
	if (tf->failed)
		daemon_logl(d, LOG_INFO, "metrics textfile %s: written again", tf->path);
	tf->failed = false;
	free(tf->text);
	tf->text = sb.buf;          /* the buffer is the file's record now */
	return tf->next_ms;
}

int daemon_metrics_open(struct daemon *d, const char *listen_at, const char *dir,
			struct err *err)
{
	struct netaddr na;
	struct err e = { 0 };

	if (listen_at) {
		if (netaddr_parse(listen_at, &na, &e) < 0) {
			err_set(err, e.code, "metrics: %s", e.msg);
			return -EINVAL;
		}
		d->metrics = http_metrics_new(&na, render, d, &e);
		if (!d->metrics) {
			err_set(err, e.code, "metrics %s: %s", listen_at, e.msg);
			return e.code ? e.code : -EIO;
		}
		d->ep_metrics = (struct ep_item){ EP_METRICS, d };
		if (daemon_ep_add(d, http_metrics_fd(d->metrics), &d->ep_metrics) < 0) {
			err_set(err, -errno, "metrics: epoll: %s", strerror(errno));
			http_metrics_free(d->metrics);
			d->metrics = NULL;
			return -EIO;
		}
		daemon_logl(d, LOG_INFO, "bondd: metrics at http://%s/metrics", listen_at);
	}
	if (dir) {
		int rc = textfile_open(d, dir, err);

		if (rc < 0)
			return rc;
		daemon_logl(d, LOG_INFO, "bondd: metrics textfile %s (node_exporter's "
			    "--collector.textfile.directory)", d->mtf->path);
	}
	return 0;
}

void daemon_metrics_run(struct daemon *d)
{
	if (d->metrics)
		http_metrics_run(d->metrics, daemon_now(d));
}

uint64_t daemon_metrics_sync(struct daemon *d, uint64_t now)
{
	uint64_t next = UINT64_MAX, t;

	if (d->metrics) {
		/* connections past their deadline are dropped */
		if (http_metrics_deadline(d->metrics) <= now)
			http_metrics_run(d->metrics, now);
		next = http_metrics_deadline(d->metrics);
	}
	if (d->mtf) {
		t = textfile_sync(d, d->mtf, now);
		if (t < next)
			next = t;
	}
	return next;
}

void daemon_metrics_close(struct daemon *d)
{
	if (d->metrics) {
		daemon_ep_del(d, http_metrics_fd(d->metrics));
		http_metrics_free(d->metrics);
		d->metrics = NULL;
	}
	if (d->mtf) {
		/* On a handover the next bondd carries the bonds on and
		 * rewrites the file; else the bonds are gone, and so is it. */
		if (!d->handover && d->mtf->text && unlink(d->mtf->path) < 0 && errno != ENOENT)
			daemon_logl(d, LOG_WARNING, "metrics textfile %s: cannot remove: %s",
				    d->mtf->path, strerror(errno));
		free(d->mtf->text);
		free(d->mtf);
		d->mtf = NULL;
	}
}
