/* udpflood: a small-frame UDP generator for the bench.
 *
 *   udpflood -d ADDR [-p PORT] [-l PAYLOAD] [-t SECONDS] [-b BURST] [-f FLOWS]
 *
 * Sends UDP datagrams of PAYLOAD bytes (default 18: a 60-byte Ethernet
 * frame, 64 on the wire with the FCS) to ADDR:PORT for SECONDS, in
 * sendmmsg() bursts of BURST (default 64). FLOWS sockets (default 1), each
 * bound to its own source port, take the bursts in turn, so hashing modes
 * can spread them. Prints one line:
 *
 *   sent=N secs=T pps=R errors=E
 *
 * Nothing is received here: the bench counts what reached the sink from the
 * sink's own counters (/proc/net/snmp in its namespace). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_BURST 1024
#define MAX_FLOWS 64

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr, "usage: udpflood -d ADDR [-p PORT] [-l PAYLOAD] [-t SECONDS] "
			"[-b BURST] [-f FLOWS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct mmsghdr msgs[MAX_BURST];
	static struct iovec iov[MAX_BURST];
	static char payload[65507];
	const char *dst = NULL;
	unsigned port = 9, len = 18, burst = 64, nflows = 1;
	double secs = 5, t0, t1, now;
	unsigned long long sent = 0, errors = 0;
	int fds[MAX_FLOWS];
	struct sockaddr_in sa;
	int opt;

	while ((opt = getopt(argc, argv, "d:p:l:t:b:f:")) != -1) {
		switch (opt) {
		case 'd': dst = optarg; break;
		case 'p': port = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'l': len = (unsigned)strtoul(optarg, NULL, 0); break;
		case 't': secs = strtod(optarg, NULL); break;
		case 'b': burst = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'f': nflows = (unsigned)strtoul(optarg, NULL, 0); break;
		default: usage();
		}
	}
	if (!dst || !port || port > 65535 || len > sizeof(payload) || !burst ||
	    burst > MAX_BURST || !nflows || nflows > MAX_FLOWS || secs <= 0)
		usage();
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, dst, &sa.sin_addr) != 1) {
		fprintf(stderr, "udpflood: bad address %s\n", dst);
		return 2;
	}
	for (unsigned i = 0; i < nflows; i++) {
		fds[i] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fds[i] < 0 || connect(fds[i], (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			perror("udpflood: socket/connect");
			return 1;
		}
	}
	memset(payload, 0xa5, sizeof(payload));
	for (unsigned i = 0; i < burst; i++) {
		iov[i].iov_base = payload;
		iov[i].iov_len = len;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	t0 = now_s();
	t1 = t0 + secs;
	now = t0;
	for (unsigned long long round = 0; now < t1; round++) {
		int n = sendmmsg(fds[round % nflows], msgs, burst, 0);

		if (n < 0) {
			if (errno != ENOBUFS && errno != EAGAIN && errno != ECONNREFUSED &&
			    errno != EINTR) {
				perror("udpflood: sendmmsg");
				return 1;
			}
			errors++;
		} else {
			sent += (unsigned)n;
		}
		/* One clock read per 16 bursts keeps it out of the profile. */
		if ((round & 15) == 15)
			now = now_s();
	}
	now = now_s();
	printf("sent=%llu secs=%.3f pps=%.0f errors=%llu\n", sent, now - t0,
	       (double)sent / (now - t0), errors);
	return 0;
}
