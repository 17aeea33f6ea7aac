/* The event loop: one epoll set for every fd of the daemon (TAPs, packet
 * sockets, rtnetlink, the timer, the signals and the control server), a
 * timerfd armed at the earliest of the engine's deadline and the control
 * clients' deadlines, and a signalfd for TERM/INT (stop) and HUP (reload).
 * Nothing here waits on anything but epoll_wait(). */
#include "daemon.h"

#include <errno.h>
#include <signal.h>
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
#include "linux/rtnl.h"

int daemon_ep_add(struct daemon *d, int fd, struct ep_item *it)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = it };

	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev);
}

void daemon_ep_del(struct daemon *d, int fd)
{
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, fd, NULL);
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
	sigprocmask(SIG_BLOCK, &mask, NULL);
	d->sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->epfd < 0 || d->tfd < 0 || d->sfd < 0) {
		err_set(err, -errno, "cannot set up the event loop: %s", strerror(errno));
		return -1;
	}
	d->ctl = ctl_server_new(ctl_path, acc, &d->ctl_be, err);
	if (!d->ctl)
		return -1;
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

void daemon_loop_close(struct daemon *d)
{
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

static void arm_timer(struct daemon *d)
{
	uint64_t now = daemon_now(d), next, ctl_next;
	struct itimerspec its = { 0 };

	/* Control clients past their deadline are answered or dropped. */
	if (ctl_server_deadline(d->ctl) <= now)
		ctl_server_run(d->ctl, now);
	next = engine_tick(d->e, now);
	ctl_next = ctl_server_deadline(d->ctl);
	if (ctl_next < next)
		next = ctl_next;

	daemon_sync_promisc(d);

	if (next != UINT64_MAX) {
		if (next == 0)
			next = 1;
		its.it_value.tv_sec = (time_t)(next / 1000);
		its.it_value.tv_nsec = (long)(next % 1000) * 1000000;
	}
	timerfd_settime(d->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

int daemon_run(struct daemon *d)
{
	struct epoll_event evs[32];

	arm_timer(d);
	while (!d->stop) {
		int n = epoll_wait(d->epfd, evs, ARRAY_SIZE(evs), -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			daemon_logl(d, LOG_ERR, "epoll_wait: %s", strerror(errno));
			return -1;
		}
		for (int i = 0; i < n && !d->stop; i++) {
			struct ep_item *it = evs[i].data.ptr;

			switch (it->kind) {
			case EP_TAP:
				daemon_on_tap(d, it->obj);
				break;
			case EP_PACKET:
				daemon_on_packet(d, it->obj);
				break;
			case EP_RTNL:
				rtnl_read_events(d->rtnl, daemon_on_rtnl_event, d);
				/* A destroyed bond/slave may still have events
				 * in this batch: start a new one. */
				n = i + 1;
				break;
			case EP_TIMER: {
				uint64_t exp;

				if (read(d->tfd, &exp, sizeof(exp)) < 0) {
					/* spurious wakeup */
				}
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

					sb_init(&msgs);
					if (daemon_reload(d, &msgs, &e) < 0)
						daemon_logl(d, LOG_ERR, "bondd: SIGHUP: %s", e.msg);
					if (msgs.len)
						daemon_logl(d, LOG_WARNING, "%s", sb_str(&msgs));
					sb_free(&msgs);
					n = i + 1;
					break;
				}
				daemon_logl(d, LOG_INFO, "bondd: signal %u, giving every slave back",
					    si.ssi_signo);
				d->stop = true;
				break;
			}
			case EP_CTL:
				ctl_server_run(d->ctl, daemon_now(d));
				/* The command may have freed objects of this batch. */
				n = i + 1;
				break;
			}
		}
		arm_timer(d);
	}
	return 0;
}
