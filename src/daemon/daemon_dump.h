/* `bondctl dump` and `bondctl diff FILE`: the running configuration as a
 * bondd.conf model, and its differences from a file (daemon_dump.c). */
#ifndef BONDD_DAEMON_DUMP_H
#define BONDD_DAEMON_DUMP_H

#include "ctl/ctl_backend.h"
#include "lib/util.h"

struct conf;
struct daemon;

/* What runs now as a configuration (bond NULL: everything; else that
 * bond only, without interfaces, routes and gateways). NULL with err set
 * when the devices cannot be read. */
struct conf *daemon_conf_running(struct daemon *d, const char *bond, struct err *err);
/* Its bondd.conf text, after one comment line, to out. */
int daemon_dump(struct daemon *d, const char *bond, struct strbuf *out, struct err *err);
/* The ctl backend's diff (ctl_backend.h): text is a bondd.conf read by the
 * client; nothing is changed. The count, or -EBADMSG with the file's
 * messages in msgs. */
int daemon_diff(struct daemon *d, const char *path, const char *text,
		void (*put)(void *arg, const struct ctl_change *ch), void *arg,
		struct strbuf *msgs, struct err *err);

#endif
