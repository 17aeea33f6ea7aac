/* The event loop: one epoll set for every fd of the daemon (TAPs, packet
 * sockets, rtnetlink, the timer, the signals and the control server), a
 * timerfd armed at the earliest of the engine's deadline and the control
 * clients' deadlines, and a signalfd for TERM/INT (stop) and HUP (reload).
 * Nothing here waits on anything but epoll_wait(). */
#include "daemon.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "ctl/ctl_server.h"
#include "daemon_impl.h"
#include "linux/notify.h"
#include "linux/rtnl.h"

int daemon_ep_add(struct daemon *d, int fd, struct ep_item *it)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = it };

	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev);
}

void daemon_ep_del(struct daemon *d, int fd)
{
	/* Closing the fd would take it out of the set as well, but only once
	 * no other copy of it is open; a failure here means bookkeeping went
	 * wrong somewhere, which is worth a line in the log. */
	if (fd >= 0 && epoll_ctl(d->epfd, EPOLL_CTL_DEL, fd, NULL) < 0 && errno != ENOENT)
		daemon_logl(d, LOG_WARNING, "epoll: cannot remove fd %d: %s", fd, strerror(errno));
}

int daemon_loop_open(struct daemon *d, const char *ctl_path,
		     const struct ctl_access *acc, struct err *err)
{
	sigset_t mask;

	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	d->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	/* Unblocked, these signals would kill bondd instead of reaching
	 * the signalfd: the slaves would stay hidden. */
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0) {
		err_set(err, -errno, "cannot block TERM/INT/HUP: %s", strerror(errno));
		return -1;
	}
	d->sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->epfd < 0 || d->tfd < 0 || d->sfd < 0) {
		err_set(err, -errno, "cannot set up the event loop: %s", strerror(errno));
		return -1;
	}
	d->ctl = ctl_server_new(ctl_path, acc, &d->ctl_be, err);
	if (!d->ctl)
		return -1;
	if (daemon_statusfile_open(d, ctl_path) < 0) {
		err_set(err, -ENAMETOOLONG, "%s: no room for the status files' directory", ctl_path);
		return -1;
	}
	/* Say who may use the socket: an admin wondering why bondctl says
	 * "permission denied" looks here. */
	if (ctl_server_group_set(d->ctl))
		daemon_logl(d, LOG_INFO, "bondd: control socket %s: root may do everything, "
			    "group %s may read (mode 0660)", ctl_path, acc->group);
	else if (acc && acc->gid != CTL_NO_GROUP)
		daemon_logl(d, LOG_WARNING, "bondd: control socket %s: cannot give it "
			    "group %s (CAP_CHOWN?); root only (mode 0600)", ctl_path,
			    acc->group);
	else
		daemon_logl(d, LOG_INFO, "bondd: control socket %s: no group %s; root "
			    "only (mode 0600)", ctl_path,
			    acc && acc->group[0] ? acc->group : CTL_DEFAULT_GROUP);
	d->ep_rtnl = (struct ep_item){ EP_RTNL, d };
	d->ep_timer = (struct ep_item){ EP_TIMER, d };
	d->ep_signal = (struct ep_item){ EP_SIGNAL, d };
	d->ep_ctl = (struct ep_item){ EP_CTL, d };
	if (daemon_ep_add(d, rtnl_event_fd(d->rtnl), &d->ep_rtnl) < 0 ||
	    daemon_ep_add(d, d->tfd, &d->ep_timer) < 0 ||
	    daemon_ep_add(d, d->sfd, &d->ep_signal) < 0 ||
	    daemon_ep_add(d, ctl_server_fd(d->ctl), &d->ep_ctl) < 0) {
		err_set(err, -errno, "epoll: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int daemon_loop_after_fork(struct daemon *d)
{
	sigset_t mask;
	int fd;

	/* A signalfd wakes the epoll sets through the signal queue of the
	 * process that added it: after daemon(3) the child must add its own,
	 * or SIGTERM would never be seen and no slave given back. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	daemon_ep_del(d, d->sfd);
	close(d->sfd);
	d->sfd = fd;
	if (daemon_ep_add(d, d->sfd, &d->ep_signal) < 0)
		return -errno;
	return 0;
}

void daemon_loop_close(struct daemon *d)
{
	daemon_metrics_close(d);
	daemon_statusfile_close(d);
	ctl_server_free(d->ctl);
	d->ctl = NULL;
	if (d->sfd >= 0)
		close(d->sfd);
	if (d->tfd >= 0)
		close(d->tfd);
	if (d->epfd >= 0)
		close(d->epfd);
	d->epfd = d->tfd = d->sfd = -1;
}

/* The systemd watchdog (WatchdogSec=): pinged from the loop itself, so a
 * loop that stops turning stops the pings and systemd restarts bondd.
 * Returns the time of the next ping, UINT64_MAX when it is off. */
static uint64_t watchdog(struct daemon *d, uint64_t now)
{
	int rc;

	if (!d->wd_interval_ms)
		return UINT64_MAX;
	if (now >= d->wd_next_ms) {
		rc = notify_watchdog();
		if (rc < 0)
			daemon_logl(d, LOG_WARNING, "sd_notify WATCHDOG=1: %s", strerror(-rc));
		d->wd_next_ms = now + d->wd_interval_ms;
	}
	return d->wd_next_ms;
}

/* Milliseconds epoll_wait() may sleep: forever normally (the timerfd wakes
 * the loop); up to the next deadline when the timerfd could not be armed. */
static int loop_timeout(struct daemon *d)
{
	uint64_t now;

	if (!d->timer_broken || d->next_ms == UINT64_MAX)
		return -1;
	now = daemon_now(d);
	if (d->next_ms <= now)
		return 0;
	return d->next_ms - now > 1000 ? 1000 : (int)(d->next_ms - now);
}

static void arm_timer(struct daemon *d)
{
	uint64_t now = daemon_now(d), next, ctl_next, wd_next, dp_next, sf_next, cw_next, m_next, fl_next;
	struct itimerspec its = { 0 };

	/* Control clients past their deadline are answered or dropped. */
	if (ctl_server_deadline(d->ctl) <= now)
		ctl_server_run(d->ctl, now);
	/* What the data path counted feeds the engine's monitors and tlb's
	 * rebalance before its timers run ... */
	dp_next = d->dp->counters ? d->dp->counters(d, now) : UINT64_MAX;
	/* bondctl flows: windows that ended close with these counters */
	fl_next = daemon_flows_tick(d, now);
	if (fl_next < dp_next)
		dp_next = fl_next;
	if (now >= d->next_ms)
		daemon_poll_carriers(d, now);
	next = engine_tick(d->e, now);
	/* ... and what the engine decided goes to the data path. */
	if (d->dp->sync)
		d->dp->sync(d);
	if (dp_next < next)
		next = dp_next;
	ctl_next = ctl_server_deadline(d->ctl);
	if (ctl_next < next)
		next = ctl_next;

	wd_next = watchdog(d, now);
	if (wd_next < next)
		next = wd_next;
	sf_next = daemon_statusfile_sync(d, now);
	if (sf_next < next)
		next = sf_next;
	m_next = daemon_metrics_sync(d, now);
	if (m_next < next)
		next = m_next;
	/* after the data path's counters: they tell whether frames flow */
	cw_next = daemon_cwatch_busy(d, now);
	if (cw_next < next)
		next = cw_next;

	daemon_sync_promisc(d);

	if (next != UINT64_MAX) {
		if (next == 0)
			next = 1;
		its.it_value.tv_sec = (time_t)(next / 1000);
		its.it_value.tv_nsec = (long)(next % 1000) * 1000000;
	}
	d->next_ms = next;
	/* Without the timer no monitor would run and no LACPDU would leave:
	 * fall back to epoll_wait()'s timeout until the timer works again. */
	if (timerfd_settime(d->tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0) {
		if (!d->timer_broken)
			daemon_logl(d, LOG_ERR, "timerfd_settime: %s; polling instead", strerror(errno));
		d->timer_broken = true;
	} else if (d->timer_broken) {
		daemon_logl(d, LOG_INFO, "timerfd_settime works again");
		d->timer_broken = false;
	}
}

int daemon_run(struct daemon *d)
{
	struct epoll_event evs[32];
	unsigned long long wd_usec = notify_watchdog_usec();

	/* Here, not in daemon_new(): bondd has detached (its pid is final)
	 * and the configuration is applied. Pings at half the interval, as
	 * sd_watchdog_enabled(3) recommends. */
	if (wd_usec) {
		d->wd_interval_ms = wd_usec / 2000 ? wd_usec / 2000 : 1;
		d->wd_next_ms = 0;
		daemon_logl(d, LOG_INFO, "bondd: systemd watchdog every %llu ms, pinged every %llu ms",
			    wd_usec / 1000, (unsigned long long)d->wd_interval_ms);
	}
	arm_timer(d);
	while (!d->stop) {
		int n = epoll_wait(d->epfd, evs, ARRAY_SIZE(evs), loop_timeout(d));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			daemon_logl(d, LOG_ERR, "epoll_wait: %s", strerror(errno));
			return -1;
		}
		bool quiet = true;   /* only carrier poll ticks that found nothing */

		daemon_dp_event(d);
		for (int i = 0; i < n && !d->stop; i++) {
			struct ep_item *it = evs[i].data.ptr;

			if (it->kind != EP_CWATCH && it->kind != EP_HINTS)
				quiet = false;
			switch (it->kind) {
			case EP_TAP:
				daemon_on_tap(d, it->obj);
				break;
			case EP_PACKET:
				daemon_on_packet(d, it->obj);
				break;
			case EP_VLAN:
				daemon_on_vlan_tap(d, it->obj);
				break;
			case EP_RTNL: {
				int rc = rtnl_read_events(d->rtnl, daemon_on_rtnl_event, d);

				/* Lost events (overrun, failed read): what the
				 * kernel says now replaces what we missed. */
				if (rc < 0)
					daemon_resync(d, rc);
				/* A destroyed bond/slave may still have events
				 * in this batch: start a new one. */
				n = i + 1;
				break;
			}
			case EP_TIMER: {
				uint64_t exp;

				/* EAGAIN: a wakeup with nothing to read (the
				 * timer was re-armed since); harmless. */
				if (read(d->tfd, &exp, sizeof(exp)) < 0 && errno != EAGAIN)
					daemon_logl(d, LOG_WARNING, "timerfd read: %s", strerror(errno));
				break;
			}
			case EP_SIGNAL: {
				struct signalfd_siginfo si;

				if (read(d->sfd, &si, sizeof(si)) != sizeof(si))
					break;
				if (si.ssi_signo == SIGHUP) {
					/* the traditional "re-read your configuration" */
					struct strbuf msgs;
					struct err e = { 0 };

					/* daemon_reload logs msgs, each line
					 * with its priority */
					sb_init(&msgs);
					if (daemon_reload(d, &msgs, &e) < 0)
						daemon_logl(d, LOG_ERR, "bondd: SIGHUP: %s", e.msg);
					sb_free(&msgs);
					n = i + 1;
					break;
				}
				daemon_logl(d, LOG_INFO, "bondd: signal %u, giving every slave back",
					    si.ssi_signo);
				d->stop = true;
				break;
			}
			case EP_METRICS:
				/* a scrape reads, it changes nothing */
				daemon_metrics_run(d);
				break;
			case EP_CWATCH:
				if (daemon_on_cwatch(d))
					quiet = false;
				break;
			case EP_HINTS:
				if (daemon_on_hints(d, it->obj))
					quiet = false;
				break;
			case EP_CTL:
				/* A command's changes are not an event's: the update
				 * latency measures links and timers only. */
				d->event_us = 0;
				ctl_server_run(d->ctl, daemon_now(d));
				daemon_statusfile_touch(d);
				/* The command may have freed objects of this batch. */
				n = i + 1;
				break;
			}
		}
		/* The carrier poll ticks every millisecond: a tick that found
		 * no change leaves the engine, the data path and the timer as
		 * they are (a due timer is an event of its own in the batch). */
		if (!quiet)
			arm_timer(d);
	}
	return 0;
}
