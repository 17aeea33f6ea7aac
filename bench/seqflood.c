/* seqflood: a paced UDP stream with sequence numbers, for the failover test.
 *
 *   seqflood -d ADDR [-p PORT] [-r RATE] [-t SECONDS]    (sender)
 *   seqflood -l [-p PORT]                                (receiver)
 *
 * The sender stamps a 64-bit sequence number (network order) into each
 * datagram, then the CLOCK_REALTIME of its sending in ns (so that the
 * bench can put a gap beside the daemon's own event times), and sends RATE datagrams a second (default 10000) on an absolute
 * schedule: datagram N leaves at start + N / RATE, and a sender that was held
 * up catches up at once, so that sequence number N always stands for the
 * instant N / RATE and a run of K missing numbers is K / RATE seconds of
 * traffic lost. It stops after SECONDS (default: until SIGTERM/SIGINT) and
 * prints "sent=N secs=T errors=E".
 *
 * The receiver counts what arrives. SIGUSR1 closes a window: it prints
 *
 *   window=W received=R lost=L gaps=G maxgap=M late=X gapfrom=F gapto=T
 *
 * for the frames since the previous window (lost = sequence numbers skipped,
 * maxgap = the longest run of them, late = frames older than one already
 * seen, which a skipped run had counted as lost; gapfrom and gapto = when
 * the frames on either side of the longest run were sent, CLOCK_REALTIME
 * ns, 0 without a gap) and starts the next one.
 * SIGTERM/SIGINT print the last window and a "total ..." line the same way,
 * then exit. The bench closes a window just before each cut of a link, so
 * each window holds exactly one failover. */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PAYLOAD 18
#define BATCH 64

static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t mark_flag;

static void on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void on_mark(int sig)
{
	(void)sig;
	mark_flag = 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: seqflood -d ADDR [-p PORT] [-r RATE] [-t SECONDS]\n"
			"       seqflood -l [-p PORT]\n");
	exit(2);
}

static int set_handler(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a signal must wake the blocking call so that the
	 * loop sees the flag at once. */
	if (sigaction(sig, &sa, NULL) < 0) {
		perror("seqflood: sigaction");
		return -1;
	}
	return 0;
}

static void ts_add_ns(struct timespec *ts, long long ns)
{
	long long t = ts->tv_nsec + ns;

	ts->tv_sec += t / 1000000000LL;
	ts->tv_nsec = t % 1000000000LL;
}

/* CLOCK_MONOTONIC cannot fail on Linux; if it ever did, the schedule
 * would be meaningless, so stop rather than send at a wrong rate. */
static void mono_now(struct timespec *ts)
{
	if (clock_gettime(CLOCK_MONOTONIC, ts) < 0) {
		perror("seqflood: clock_gettime");
		exit(1);
	}
}

static double ts_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static int sender(const struct sockaddr_in *sa, double rate, double secs)
{
	unsigned char buf[PAYLOAD];
	struct timespec start, next, now;
	unsigned long long seq = 0, errors = 0, limit;
	long long period_ns = (long long)(1e9 / rate);
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0) {
		perror("seqflood: socket/connect");
		return 1;
	}
	limit = secs > 0 ? (unsigned long long)(secs * rate) : ~0ULL;
	memset(buf, 0x5a, sizeof(buf));
	mono_now(&start);
	next = start;
	while (!stop_flag && seq < limit) {
		uint64_t be = htobe64(seq), sent;
		struct timespec rt;

		memcpy(buf, &be, sizeof(be));
		clock_gettime(CLOCK_REALTIME, &rt);
		sent = htobe64((uint64_t)rt.tv_sec * 1000000000ULL + (uint64_t)rt.tv_nsec);
		memcpy(buf + sizeof(be), &sent, sizeof(sent));
		/* A failed send still uses its number: the receiver then
		 * counts it as lost, which it is. */
		if (send(fd, buf, sizeof(buf), 0) < 0) {
			if (errno != ENOBUFS && errno != EAGAIN && errno != ECONNREFUSED &&
			    errno != EINTR && errno != ENETDOWN && errno != ENETUNREACH &&
			    errno != EHOSTUNREACH) {
				perror("seqflood: send");
				return 1;
			}
			errors++;
		}
		seq++;
		ts_add_ns(&next, period_ns);
		mono_now(&now);
		if (ts_diff(&now, &next) > 0) {
			int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);

			if (rc && rc != EINTR) {
				fprintf(stderr, "seqflood: clock_nanosleep: %s\n", strerror(rc));
				return 1;
			}
		}
	}
	mono_now(&now);
	printf("sent=%llu secs=%.3f errors=%llu\n", seq, ts_diff(&start, &now), errors);
	return 0;
}

struct window {
	unsigned long long received, lost, gaps, maxgap, late;
	unsigned long long gap_from_ns, gap_to_ns;   /* the longest run's edges */
};

static void print_window(const char *tag, unsigned long long n, const struct window *w)
{
	printf("%s=%llu received=%llu lost=%llu gaps=%llu maxgap=%llu late=%llu gapfrom=%llu gapto=%llu\n",
	       tag, n, w->received, w->lost, w->gaps, w->maxgap, w->late, w->gap_from_ns, w->gap_to_ns);
	fflush(stdout);
}

static int receiver(const struct sockaddr_in *sa)
{
	static unsigned char bufs[BATCH][64];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct window win = { 0 }, total = { 0 };
	unsigned long long expect = 0, nwin = 0, prev_sent = 0;
	struct timeval tv = { .tv_sec = 0, .tv_usec = 20000 };
	int have_first = 0, rcvbuf = 4 << 20;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("seqflood: socket");
		return 1;
	}
	/* A short timeout so that a window is closed promptly even when the
	 * stream has stopped; a big buffer so that a stalled receiver does not
	 * itself make gaps. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) < 0 ||
	    bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0) {
		perror("seqflood: setsockopt/bind");
		return 1;
	}
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = sizeof(bufs[i]);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	printf("listening port=%u\n", ntohs(sa->sin_port));
	fflush(stdout);
	while (!stop_flag) {
		/* MSG_WAITFORONE: take what is there, do not wait for a
		 * full batch. */
		int n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);

		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			perror("seqflood: recvmmsg");
			return 1;
		}
		for (int i = 0; i < n; i++) {
			uint64_t be, st;
			unsigned long long seq, sent;

			if (msgs[i].msg_len < 2 * sizeof(be))
				continue;
			memcpy(&be, bufs[i], sizeof(be));
			memcpy(&st, bufs[i] + sizeof(be), sizeof(st));
			seq = be64toh(be);
			sent = be64toh(st);
			win.received++;
			total.received++;
			if (!have_first) {
				have_first = 1;
				expect = seq + 1;
				prev_sent = sent;
				continue;
			}
			if (seq >= expect) {
				unsigned long long g = seq - expect;

				if (g) {
					win.lost += g;
					total.lost += g;
					win.gaps++;
					total.gaps++;
					if (g > win.maxgap) {
						win.maxgap = g;
						win.gap_from_ns = prev_sent;
						win.gap_to_ns = sent;
					}
					if (g > total.maxgap)
						total.maxgap = g;
				}
				expect = seq + 1;
				prev_sent = sent;
			} else {
				win.late++;
				total.late++;
			}
		}
		if (mark_flag) {
			mark_flag = 0;
			print_window("window", nwin++, &win);
			memset(&win, 0, sizeof(win));
		}
	}
	print_window("window", nwin, &win);
	print_window("total", nwin + 1, &total);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dst = NULL;
	unsigned port = 9000;
	double rate = 10000, secs = 0;
	int listen_mode = 0, opt;
	struct sockaddr_in sa;

	while ((opt = getopt(argc, argv, "d:lp:r:t:")) != -1) {
		switch (opt) {
		case 'd': dst = optarg; break;
		case 'l': listen_mode = 1; break;
		case 'p': port = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'r': rate = strtod(optarg, NULL); break;
		case 't': secs = strtod(optarg, NULL); break;
		default: usage();
		}
	}
	if (listen_mode == !!dst || !port || port > 65535 || rate <= 0 || rate > 1e6 || secs < 0)
		usage();
	if (set_handler(SIGTERM, on_stop) < 0 || set_handler(SIGINT, on_stop) < 0 ||
	    set_handler(SIGUSR1, on_mark) < 0)
		return 1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (listen_mode) {
		sa.sin_addr.s_addr = htonl(INADDR_ANY);
		return receiver(&sa);
	}
	if (inet_pton(AF_INET, dst, &sa.sin_addr) != 1) {
		fprintf(stderr, "seqflood: bad address %s\n", dst);
		return 2;
	}
	return sender(&sa, rate, secs);
}
