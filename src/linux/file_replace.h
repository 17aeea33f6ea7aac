/* Replacing a small file whole, so that a reader never sees half of it:
 * the status files (/run/bondd/bonding/BOND) and the node_exporter
 * textfile (bondd.prom) are read by other programs at any moment. */
#ifndef BONDD_FILE_REPLACE_H
#define BONDD_FILE_REPLACE_H

#include <stddef.h>

/* Writes len bytes of text to tmp (created 0644 whatever the umask, never
 * through a symlink), then renames it over path. 0 or -errno; on failure
 * tmp is removed and path left as it was. */
int file_replace(const char *tmp, const char *path, const char *text, size_t len);

#endif
