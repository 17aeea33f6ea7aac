/* `bondctl cleanup [IF...]`: gives back, from the slave journal, the
 * slaves a bondd that is no longer running left behind (src/linux/recover.h).
 * Runs in bondctl itself, without the daemon; refused while a bondd runs in
 * this network namespace (its slaves are its own: `bondctl release`). */
#ifndef BONDD_CLEANUP_H
#define BONDD_CLEANUP_H

/* w[0] is "cleanup"; returns bondctl's exit status. */
int bondctl_cleanup(const char *prog, int n, const char *const w[]);

#endif
