/* The systemd service notification protocol (sd_notify(3)), without
 * libsystemd: one datagram of "KEY=VALUE" lines to the AF_UNIX socket
 * named by $NOTIFY_SOCKET (a path, or "@name" for the abstract
 * namespace). Outside systemd the variable is unset and every call is a
 * no-op, so bondd calls these unconditionally.
 *
 * bondd's unit is Type=notify: READY=1 once the control socket answers
 * and the configured bonds exist, RELOADING=1 ... READY=1 around a
 * reload, STOPPING=1 when it starts giving the slaves back, and WATCHDOG=1
 * from its event loop at half of WatchdogSec=. */
#ifndef BONDD_NOTIFY_H
#define BONDD_NOTIFY_H

/* Sends state (one or more "KEY=VALUE" lines) as one datagram.
 * Returns 1 if sent, 0 if $NOTIFY_SOCKET is unset or empty, or -errno:
 * -EINVAL for an address that is neither absolute nor abstract,
 * -ENAMETOOLONG, -EAFNOSUPPORT for other schemes (vsock:), or the
 * socket's error. */
int notify_send(const char *state);
/* As notify_send, with printf formatting (the text is capped at 4 KiB). */
int notify_sendf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "READY=1" with "STATUS=status" when status is not NULL. */
int notify_ready(const char *status);
/* "RELOADING=1" with MONOTONIC_USEC (CLOCK_MONOTONIC now), which systemd
 * 253+ uses to match the READY=1 that ends the reload. */
int notify_reloading(void);
/* "STOPPING=1". */
int notify_stopping(void);

/* The service watchdog (WatchdogSec= in the unit): systemd sets
 * $WATCHDOG_USEC, and $WATCHDOG_PID when the variables were meant for one
 * process only. Returns the interval in microseconds when the watchdog is
 * on for this process (WATCHDOG_PID unset or equal to getpid()), else 0
 * (unset, empty, unparsable, zero, or another process's). */
unsigned long long notify_watchdog_usec(void);
/* "WATCHDOG=1": the keep-alive ping, sent at half the interval. */
int notify_watchdog(void);

#endif
