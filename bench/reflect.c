/* reflect: the slave-side I/O of a userspace bond, alone, for comparing the
 * two kernel interfaces bondd could drive a slave with.
 *
 *   reflect -i IFNAME -m packet|xdp [-t SECONDS]
 *
 * Receives every frame arriving on IFNAME and sends it back out of IFNAME
 * with its Ethernet, IPv4 and UDP/TCP source and destination swapped (the
 * checksums stay valid: a swap does not change a one's complement sum), in
 * bursts of up to 64, on one thread:
 *
 *   packet  AF_PACKET SOCK_RAW bound to ETH_P_ALL, PACKET_IGNORE_OUTGOING,
 *           recvmmsg() + sendmmsg(): what bondd does (the bench hides the
 *           interface from the host stack with the same tc drop bondd uses)
 *   xdp     AF_XDP: libxdp's redirect program in native (driver) XDP mode,
 *           a UMEM of 4096 x 2 KiB frames, copy mode (veth has no
 *           zero-copy); a received frame is turned around in place in the
 *           UMEM and queued on the TX ring, and its buffer goes back to the
 *           fill ring when the TX completes
 *
 * Prints one line: mode=M frames=N secs=T mpps=R cpu=C us_per_frame=U (cpu =
 * utime+stime of this process in % of one core; U = that time per frame sent
 * back; the kernel's receive work that runs in the sender's softirq is not in
 * it, for either interface). Everything it set up (the XDP program,
 * the sockets) goes away when it exits. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <xdp/xsk.h>

#define BURST      64
#define SNAP       2048
#define NUM_FRAMES 4096
#define FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void swap_bytes(uint8_t *a, uint8_t *b, size_t n)
{
	uint8_t t[16];

	memcpy(t, a, n);
	memcpy(a, b, n);
	memcpy(b, t, n);
}

/* Turns a frame around: MACs, IPv4 addresses, UDP/TCP ports. Returns false
 * for anything else (not sent back). */
static bool turn_around(uint8_t *f, size_t len)
{
	size_t ihl;

	if (len < 14 + 20 + 4 || f[12] != 0x08 || f[13] != 0x00 || (f[14] >> 4) != 4)
		return false;
	ihl = (size_t)(f[14] & 15) * 4;
	if (ihl < 20 || len < 14 + ihl + 4 || (f[23] != 17 && f[23] != 6))
		return false;
	swap_bytes(f, f + 6, 6);
	swap_bytes(f + 26, f + 30, 4);
	swap_bytes(f + 14 + ihl, f + 14 + ihl + 2, 2);
	return true;
}

static volatile sig_atomic_t stop;
static void on_alarm(int sig) { (void)sig; stop = 1; }

static unsigned long long run_packet(int ifindex)
{
	static uint8_t buf[BURST][SNAP];
	struct mmsghdr rx[BURST], tx[BURST];
	struct iovec riov[BURST], tiov[BURST];
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = ifindex };
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)), one = 1, big = 4 << 20;
	unsigned long long n_out = 0;

	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) < 0) {
		perror("reflect: packet socket");
		exit(1);
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
	memset(rx, 0, sizeof(rx));
	for (int i = 0; i < BURST; i++) {
		riov[i] = (struct iovec){ buf[i], SNAP };
		rx[i].msg_hdr.msg_iov = &riov[i];
		rx[i].msg_hdr.msg_iovlen = 1;
	}
	while (!stop) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int n, k = 0;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = recvmmsg(fd, rx, BURST, MSG_DONTWAIT, NULL);
		for (int i = 0; i < n; i++) {
			if (!turn_around(buf[i], rx[i].msg_len))
				continue;
			memset(&tx[k], 0, sizeof(tx[k]));
			tiov[k] = (struct iovec){ buf[i], rx[i].msg_len };
			tx[k].msg_hdr.msg_iov = &tiov[k];
			tx[k].msg_hdr.msg_iovlen = 1;
			k++;
		}
		if (k > 0) {
			int s = sendmmsg(fd, tx, (unsigned)k, MSG_DONTWAIT);

			if (s > 0)
				n_out += (unsigned)s;
		}
	}
	close(fd);
	return n_out;
}

static unsigned long long run_xdp(const char *ifname)
{
	struct xsk_ring_prod fill, txr;
	struct xsk_ring_cons comp, rxr;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_socket_config cfg = {
		.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
		.tx_size = XSK_RING_PROD__DEFAULT_NUM_DESCS,
		.xdp_flags = XDP_FLAGS_DRV_MODE,
		.bind_flags = XDP_COPY,
	};
	struct xsk_umem_config ucfg = {
		.fill_size = NUM_FRAMES / 2, .comp_size = NUM_FRAMES / 2,
		.frame_size = FRAME_SIZE, .frame_headroom = 0,
	};
	size_t size = (size_t)NUM_FRAMES * FRAME_SIZE;
	void *area = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long long n_out = 0;
	uint32_t idx;
	int err;

	if (area == MAP_FAILED) {
		perror("reflect: mmap");
		exit(1);
	}
	err = xsk_umem__create(&umem, area, size, &fill, &comp, &ucfg);
	if (!err)
		err = xsk_socket__create(&xsk, ifname, 0, umem, &rxr, &txr, &cfg);
	if (err) {
		fprintf(stderr, "reflect: AF_XDP on %s: %s\n", ifname, strerror(-err));
		exit(1);
	}
	/* Half the frames wait in the fill ring, the other half are free for
	 * nothing else: received frames go out from where they landed. */
	if (xsk_ring_prod__reserve(&fill, NUM_FRAMES / 2, &idx) != NUM_FRAMES / 2) {
		fprintf(stderr, "reflect: fill ring\n");
		exit(1);
	}
	for (uint32_t i = 0; i < NUM_FRAMES / 2; i++)
		*xsk_ring_prod__fill_addr(&fill, idx + i) = (uint64_t)i * FRAME_SIZE;
	xsk_ring_prod__submit(&fill, NUM_FRAMES / 2);

	while (!stop) {
		struct pollfd p = { .fd = xsk_socket__fd(xsk), .events = POLLIN };
		uint32_t rx_idx, tx_idx, c_idx, f_idx, n, c, k = 0;

		/* Completed sends: their buffers go back to the fill ring. */
		c = xsk_ring_cons__peek(&comp, BURST * 4, &c_idx);
		if (c) {
			while (xsk_ring_prod__reserve(&fill, c, &f_idx) != c)
				;
			for (uint32_t i = 0; i < c; i++)
				*xsk_ring_prod__fill_addr(&fill, f_idx + i) =
					*xsk_ring_cons__comp_addr(&comp, c_idx + i);
			xsk_ring_prod__submit(&fill, c);
			xsk_ring_cons__release(&comp, c);
		}
		n = xsk_ring_cons__peek(&rxr, BURST, &rx_idx);
		if (!n) {
			poll(&p, 1, 10);
			continue;
		}
		if (xsk_ring_prod__reserve(&txr, n, &tx_idx) != n) {
			/* TX ring full: kick it and retry these later. */
			sendto(xsk_socket__fd(xsk), NULL, 0, MSG_DONTWAIT, NULL, 0);
			continue;
		}
		for (uint32_t i = 0; i < n; i++) {
			const struct xdp_desc *d = xsk_ring_cons__rx_desc(&rxr, rx_idx + i);
			uint8_t *f = xsk_umem__get_data(area, d->addr);
			struct xdp_desc *t = xsk_ring_prod__tx_desc(&txr, tx_idx + k);

			if (!turn_around(f, d->len)) {
				/* not ours to send: straight back to the fill ring */
				while (xsk_ring_prod__reserve(&fill, 1, &f_idx) != 1)
					;
				*xsk_ring_prod__fill_addr(&fill, f_idx) = d->addr;
				xsk_ring_prod__submit(&fill, 1);
				continue;
			}
			t->addr = d->addr;
			t->len = d->len;
			k++;
		}
		xsk_ring_cons__release(&rxr, n);
		/* Unused reserved TX slots: submit only what was filled. */
		xsk_ring_prod__submit(&txr, k);
		if (k < n)
			txr.cached_prod -= n - k;
		n_out += k;
		sendto(xsk_socket__fd(xsk), NULL, 0, MSG_DONTWAIT, NULL, 0);
	}
	xsk_socket__delete(xsk);
	xsk_umem__delete(umem);
	munmap(area, size);
	return n_out;
}

int main(int argc, char **argv)
{
	const char *ifname = NULL, *mode = NULL;
	double secs = 5, t0, c0, t1, c1;
	unsigned long long n;
	int opt, ifindex;

	while ((opt = getopt(argc, argv, "i:m:t:")) != -1) {
		switch (opt) {
		case 'i': ifname = optarg; break;
		case 'm': mode = optarg; break;
		case 't': secs = atof(optarg); break;
		default: goto usage;
		}
	}
	if (!ifname || !mode || secs <= 0 || (strcmp(mode, "packet") && strcmp(mode, "xdp")))
		goto usage;
	ifindex = (int)if_nametoindex(ifname);
	if (!ifindex) {
		fprintf(stderr, "reflect: no interface %s\n", ifname);
		return 1;
	}
	signal(SIGALRM, on_alarm);
	alarm((unsigned)secs);
	t0 = now_s();
	c0 = cpu_s();
	n = strcmp(mode, "xdp") ? run_packet(ifindex) : run_xdp(ifname);
	t1 = now_s();
	c1 = cpu_s();
	printf("mode=%s frames=%llu secs=%.3f mpps=%.4f cpu=%.1f us_per_frame=%.3f\n", mode, n,
	       t1 - t0, (double)n / (t1 - t0) / 1e6, (c1 - c0) / (t1 - t0) * 100,
	       n ? (c1 - c0) / (double)n * 1e6 : 0.0);
	return 0;
usage:
	fprintf(stderr, "usage: reflect -i IFNAME -m packet|xdp [-t SECONDS]\n");
	return 2;
}
