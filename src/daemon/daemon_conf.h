/* Applying a configuration to the daemon: at start (-c FILE, --from FORMAT
 * PATH) and on `bondctl reload`. */
#ifndef BONDD_DAEMON_CONF_H
#define BONDD_DAEMON_CONF_H

#include "lib/util.h"
#include "daemon.h"

struct conf;

/* Where the configuration comes from: format "native", "ifcfg",
 * "interfaces" or "modprobe"; modprobe: an extra modprobe file/dir or NULL. */
struct daemon_conf_src {
	const char *format;
	const char *path;
	const char *modprobe;
};

/* Reads and checks a whole configuration; NULL on any error. Errors and
 * warnings ("FILE:LINE: ...") are appended to msgs. */
struct conf *daemon_conf_load(const struct daemon_conf_src *src, struct strbuf *msgs);
/* The same, the lint warnings (config/conf_lint.h) judged with what the
 * running daemon d knows (slave speeds, MTUs, LACP partners); d NULL:
 * without runtime facts, as daemon_conf_load() (bondd --check-config). */
struct conf *daemon_conf_load_at(struct daemon *d, const struct daemon_conf_src *src,
				 struct strbuf *msgs);
/* bondctl lint [FILE]: the warnings of FILE (a bondd.conf) or, file NULL,
 * of the configuration d runs, with d's runtime facts, to msgs. A refused
 * FILE: its errors to msgs, err set, -EBADMSG. */
int daemon_lint(struct daemon *d, const char *file, struct strbuf *msgs, struct err *err);

/* Makes the daemon match new, changing only what differs from old (NULL:
 * nothing applied yet). Stops at the first failure, with err set. */
int daemon_conf_apply(struct daemon *d, const struct conf *old, const struct conf *new,
		      struct err *err);

#endif
