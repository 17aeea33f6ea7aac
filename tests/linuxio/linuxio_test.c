/* Real-system test of the Linux I/O layer (src/linux): TAP, packet
 * sockets, rtnetlink, tc hiding, ethtool, slave save/restore, the kernel
 * data path's loader (dp_ebpf: tc attach, maps, adoption, pins), the
 * carrier watch (fexit programs, ring buffer), TAP
 * persistence and the control-frame socket filter.
 *
 * Run by run.sh inside a fresh network namespace A, with the name of a
 * second namespace B as argument. run.sh has created veth pairs
 * bdt-sN (in A) <-> bdt-pN (in B), N = 0..3, all up:
 *   pair 0: packet socket tests and TAP<->packet forwarding (p0 192.0.2.2/28,
 *           the TAP bdt-tap0 gets 192.0.2.1/28)
 *   pair 1: hiding (s1 192.0.2.17/28, p1 192.0.2.18/28)
 *   pair 2: save/restore; then the kernel data path's receive filter
 *           (dp_ebpf, with the TAP bdt-tap2) and the control-frame socket
 *           filter (frames sent from p2)
 *   pair 3: link events; the carrier watch (s3 watched, s1 not; cut from
 *           the peers p3/p1); direct-veth baseline (s3 192.0.2.33/28, p3 .34)
 * Prints one line per check: "PASS name" or "FAIL name: why"; "INFO ..."
 * lines carry measurements. Exit status 1 if any check failed.
 * BDT_BENCH=1 adds throughput comparisons (baseline, PACKET_QDISC_BYPASS). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <grp.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/util.h"
#include "linux/carrier_watch.h"
#include "linux/dev_addr.h"
#include "linux/dp_ebpf.h"
#include "linux/ethtool.h"
#include "linux/hide.h"
#include "linux/packet.h"
#include "linux/rtnl.h"
#include "linux/slave_state.h"
#include "linux/tap.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

#define TAP_NAME "bdt-tap0"
#define TAP_PERSIST_NAME "bdt-tap1"
#define FRAME_BUF (256 * 1024)
#define TEST_ETHERTYPE 0x88b5 /* IEEE local experimental */

static int failures, passes;
static int ns_self = -1, ns_peer = -1;
static const char *peer_ns;

/* ---- small helpers ---------------------------------------------------- */

static void check(const char *name, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void check(const char *name, bool ok, const char *fmt, ...)
{
	char why[1024] = "";
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
	}
	if (ok) {
		passes++;
		printf("PASS %s\n", name);
	} else {
		failures++;
		printf("FAIL %s: %s\n", name, why);
	}
	fflush(stdout);
}

static void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void info(const char *fmt, ...)
{
	va_list ap;

	printf("INFO ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Runs a shell command, returns its exit status; output into out if given. */
static int sh(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int sh(char *out, size_t size, const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	FILE *f;
	size_t n = 0;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	if (out && size) {
		n = fread(out, 1, size - 1, f);
		out[n] = '\0';
	} else {
		char junk[512];

		while (fread(junk, 1, sizeof(junk), f) > 0)
			;
	}
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void enter_peer(void)
{
	if (setns(ns_peer, CLONE_NEWNET) < 0) {
		perror("setns peer");
		exit(2);
	}
}

static void enter_self(void)
{
	if (setns(ns_self, CLONE_NEWNET) < 0) {
		perror("setns self");
		exit(2);
	}
}

static int ifindex_of(const char *name)
{
	return (int)if_nametoindex(name);
}

/* ---- TAP -------------------------------------------------------------- */

static int test_tap(struct rtnl *r)
{
	struct err err;
	struct ifreq ifr;
	char out[4096];
	int fd, hdrsz = 0, idx;

	err_clear(&err);
	fd = tap_open(TAP_NAME, &err);
	check("tap_open", fd >= 0, "%s", err.msg);
	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ioctl(fd, TUNGETIFF, &ifr);
	ioctl(fd, TUNGETVNETHDRSZ, &hdrsz);
	check("tap_flags_vnet_hdr",
	      (ifr.ifr_flags & (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR)) ==
			      (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR) && hdrsz == VNET_HDR_LEN,
	      "flags 0x%x hdrsz %d", ifr.ifr_flags, hdrsz);
	check("tap_nonblocking", fcntl(fd, F_GETFL) & O_NONBLOCK, "O_NONBLOCK not set");
	sh(out, sizeof(out), "ip -d link show dev %s", TAP_NAME);
	check("tap_ip_shows_vnet_hdr", strstr(out, "type tap") && strstr(out, "vnet_hdr on"),
	      "ip -d link: %s", out);

	idx = ifindex_of(TAP_NAME);
	if (rtnl_link_set_flags(r, idx, IFF_UP, IFF_UP, &err) < 0)
		check("tap_up", false, "%s", err.msg);
	tap_set_carrier(fd, false);
	sleep_ms(50);
	sh(out, sizeof(out), "ip link show dev %s", TAP_NAME);
	check("tap_carrier_off", strstr(out, "NO-CARRIER") && !strstr(out, "LOWER_UP"),
	      "ip link: %s", out);
	check("tap_set_carrier_rc", tap_set_carrier(fd, true) == 0, "TUNSETCARRIER failed");
	sleep_ms(50);
	sh(out, sizeof(out), "ip link show dev %s", TAP_NAME);
	check("tap_carrier_on", !strstr(out, "NO-CARRIER") && strstr(out, "LOWER_UP"),
	      "ip link: %s", out);
	return fd;
}

static void test_tap_errors(void)
{
	struct err err;
	char out[1024];
	int fd;

	err_clear(&err);
	fd = tap_open("bdt-s2", &err);
	check("tap_open_on_veth_refused", fd < 0 && strstr(err.msg, "bdt-s2") &&
	      strstr(err.msg, "not a TAP"), "fd %d msg \"%s\"", fd, err.msg);
	if (fd >= 0)
		tap_close(fd);
	info("tap_open(bdt-s2) said: %s", err.msg);

	/* A leftover persistent TAP of the same name: we attach to it. */
	sh(NULL, 0, "ip tuntap add dev %s mode tap", TAP_PERSIST_NAME);
	err_clear(&err);
	fd = tap_open(TAP_PERSIST_NAME, &err);
	check("tap_open_existing_tap", fd >= 0, "%s", err.msg);
	tap_close(fd);
	sh(out, sizeof(out), "ip tuntap del dev %s mode tap 2>&1", TAP_PERSIST_NAME);
}

/* bondctl upgrade's TAP handover (tap.h): the fd goes through exec, named
 * in TAP_HANDOVER_ENV; what is not a TAP of its name is left alone. */
static void test_tap_handover(void)
{
	char env[256];
	struct err err;
	bool existed = false;
	unsigned kept, refused;
	int fd, fd2, again;

	err_clear(&err);
	fd = tap_open(TAP_PERSIST_NAME, &err);
	fd2 = open("/dev/null", O_RDONLY | O_CLOEXEC);
	check("handover_tap_open", fd >= 0 && fd2 >= 0, "%s", err.msg);
	if (fd < 0 || fd2 < 0)
		return;
	check("handover_keep_clears_cloexec",
	      tap_handover_keep(fd) == 0 && !(fcntl(fd, F_GETFD) & FD_CLOEXEC), "flags 0x%x",
	      fcntl(fd, F_GETFD));
	/* kept: the TAP; refused: another name, not a TAP, no fd, stdin,
	 * bad numbers, no name, no '=', the same fd again */
	snprintf(env, sizeof(env), "bdt-nope=%d,%s=%d,%s=%d,%s=999999,%s=0,%s=12x,=%d,%s,%s=%d,",
		 fd, TAP_PERSIST_NAME, fd, TAP_PERSIST_NAME, fd2, TAP_PERSIST_NAME,
		 TAP_PERSIST_NAME, TAP_PERSIST_NAME, fd, TAP_PERSIST_NAME, TAP_PERSIST_NAME, fd);
	setenv(TAP_HANDOVER_ENV, env, 1);
	kept = tap_handover_receive(&refused);
	/* (the last entry names the kept fd again: refused) */
	check("handover_receive_counts", kept == 1 && refused == 8, "kept %u refused %u (%s)",
	      kept, refused, env);
	check("handover_receive_unsets_env", getenv(TAP_HANDOVER_ENV) == NULL, "still set");
	check("handover_receive_sets_cloexec", fcntl(fd, F_GETFD) & FD_CLOEXEC, "flags 0x%x",
	      fcntl(fd, F_GETFD));
	check("handover_leaves_foreign_fd", fcntl(fd2, F_GETFD) >= 0, "fd %d closed", fd2);
	again = tap_attach(TAP_PERSIST_NAME, &existed, &err);
	check("handover_attach_takes_the_fd", again == fd && existed, "fd %d (handed %d) existed %d: %s",
	      again, fd, existed, err.msg);
	/* Claimed once: a second bond of that name opens the device anew,
	 * which the kernel refuses while this fd holds it. */
	err_clear(&err);
	again = tap_attach(TAP_PERSIST_NAME, &existed, &err);
	check("handover_claimed_once", again < 0 && strstr(err.msg, "holds it open"), "fd %d: %s",
	      again, err.msg);
	if (again >= 0)
		tap_close(again);
	/* Unclaimed: closed at the start's end. */
	snprintf(env, sizeof(env), "%s=%d", TAP_PERSIST_NAME, fd);
	setenv(TAP_HANDOVER_ENV, env, 1);
	kept = tap_handover_receive(&refused);
	tap_handover_close_rest();
	check("handover_close_rest", kept == 1 && fcntl(fd, F_GETFD) < 0 && errno == EBADF,
	      "kept %u, fd %d still open", kept, fd);
	close(fd2);
}

/* ---- rtnetlink basics ------------------------------------------------- */

static void test_rtnl_basic(struct rtnl *r)
{
	struct rtnl_link l;
	struct err err;
	char out[4096], mbuf[18];
	int ret;

	err_clear(&err);
	ret = rtnl_link_get(r, "bdt-s0", &l, &err);
	sh(out, sizeof(out), "ip link show dev bdt-s0");
	check("rtnl_link_get_veth",
	      ret == 0 && l.ifindex == ifindex_of("bdt-s0") && strcmp(l.name, "bdt-s0") == 0 &&
	      strcmp(l.kind, "veth") == 0 && l.mtu == 1500 && (l.flags & IFF_UP) &&
	      l.operstate == 6 /* IF_OPER_UP */ && l.type == 1 /* ARPHRD_ETHER */ &&
	      strstr(out, mac_fmt(l.mac, mbuf)) && l.master == 0,
	      "ret %d (%s) idx %d name %s kind %s mtu %u flags 0x%x oper %u type %u mac %s",
	      ret, err.msg, l.ifindex, l.name, l.kind, l.mtu, l.flags, l.operstate, l.type,
	      mac_fmt(l.mac, mbuf));
	info("bdt-s0 has_perm_mac=%d promiscuity=%u", l.has_perm_mac, l.promiscuity);

	{
		struct rtnl_link l2;

		ret = rtnl_link_get_index(r, l.ifindex, &l2, &err);
		check("rtnl_link_get_index", ret == 0 && strcmp(l2.name, "bdt-s0") == 0,
		      "ret %d %s", ret, err.msg);
		ret = rtnl_link_get(r, TAP_NAME, &l2, &err);
		check("rtnl_link_kind_tun", ret == 0 && strcmp(l2.kind, "tun") == 0,
		      "ret %d kind \"%s\"", ret, l2.kind);
	}

	err_clear(&err);
	ret = rtnl_link_get(r, "bdt-none", &l, &err);
	check("rtnl_link_get_missing", ret == -ENODEV && strstr(err.msg, "bdt-none"),
	      "ret %d msg %s", ret, err.msg);
	info("rtnl_link_get(bdt-none) said: %s", err.msg);

	err_clear(&err);
	ret = rtnl_link_set_mtu(r, ifindex_of("bdt-s0"), 70000, &err);
	check("rtnl_error_extack", ret == -EINVAL && strstr(err.msg, "bdt-s0") &&
	      strstr(err.msg, "MTU 70000") && strstr(err.msg, "(Invalid argument)"),
	      "ret %d msg %s", ret, err.msg);
	info("rtnl_link_set_mtu(bdt-s0, 70000) said: %s", err.msg);
}

static void test_ethtool(void)
{
	int32_t speed = 0;
	uint8_t duplex = 0, mac[6];
	int ret;

	ret = ethtool_link("bdt-s0", &speed, &duplex);
	check("ethtool_link_veth", ret == 0 && speed == 10000 && duplex == 1,
	      "ret %d speed %d duplex %u", ret, speed, duplex);
	ret = ethtool_link("bdt-none", &speed, &duplex);
	check("ethtool_link_missing", ret == -ENODEV && speed == -1 && duplex == 0xff,
	      "ret %d speed %d duplex %u", ret, speed, duplex);
	ret = ethtool_perm_addr("bdt-s0", mac);
	info("ethtool_perm_addr(bdt-s0) = %d (%s) (veth has no permanent address)", ret,
	     ret < 0 ? strerror(-ret) : "ok");
	check("ethtool_perm_addr_none_on_veth", ret < 0, "ret %d", ret);
	/* The carrier now, as the driver says it: the peer's side going down
	 * takes it away at once (no linkwatch delay), and back. */
	ret = ethtool_carrier("bdt-s0");
	check("ethtool_carrier_up", ret == 1, "ret %d", ret);
	sh(NULL, 0, "ip netns exec %s ip link set bdt-p0 down", peer_ns);
	ret = ethtool_carrier("bdt-s0");
	sh(NULL, 0, "ip netns exec %s ip link set bdt-p0 up", peer_ns);
	check("ethtool_carrier_peer_down", ret == 0, "ret %d", ret);
	for (int i = 0; i < 100 && ethtool_carrier("bdt-s0") != 1; i++)
		usleep(10000);
	check("ethtool_carrier_back", ethtool_carrier("bdt-s0") == 1, "still down after 1 s");
	ret = ethtool_carrier("bdt-none");
	check("ethtool_carrier_missing", ret == -ENODEV, "ret %d", ret);
}

/* ---- packet sockets ----------------------------------------------------- */

/* Waits up to ms for a frame on fd whose payload (after vnet header and
 * Ethernet header) starts with tag. Returns 1 found, 0 not. */
static int wait_frame(int fd, const char *tag, int ms, int *others)
{
	static uint8_t buf[FRAME_BUF];
	double end = now_s() + ms / 1000.0;

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		int left = (int)((end - now_s()) * 1000);
		ssize_t n;

		if (left < 0)
			return 0;
		if (poll(&p, 1, left) <= 0)
			return 0;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			continue;
		if ((size_t)n >= VNET_HDR_LEN + 14 + strlen(tag) &&
		    memcmp(buf + VNET_HDR_LEN + 14, tag, strlen(tag)) == 0)
			return 1;
		if (others)
			++*others;
	}
}

static int send_frame(int fd, const uint8_t dst[6], const uint8_t src[6], const char *tag)
{
	uint8_t f[VNET_HDR_LEN + 60];

	memset(f, 0, sizeof(f));
	memcpy(f + VNET_HDR_LEN, dst, 6);
	memcpy(f + VNET_HDR_LEN + 6, src, 6);
	f[VNET_HDR_LEN + 12] = TEST_ETHERTYPE >> 8;
	f[VNET_HDR_LEN + 13] = TEST_ETHERTYPE & 0xff;
	memcpy(f + VNET_HDR_LEN + 14, tag, strlen(tag));
	return write(fd, f, sizeof(f)) == (ssize_t)sizeof(f) ? 0 : -errno;
}

static void test_packet(struct rtnl *r)
{
	struct rtnl_link sl, pl;
	struct err err;
	int fa, fb, ret, own = 0;
	struct rtnl *rb;

	err_clear(&err);
	rtnl_link_get(r, "bdt-s0", &sl, &err);
	fa = packet_open(sl.ifindex, &err);
	check("packet_open", fa >= 0, "%s", err.msg);
	enter_peer();
	rb = rtnl_open(false, &err);
	rtnl_link_get(rb, "bdt-p0", &pl, &err);
	fb = packet_open(pl.ifindex, &err);
	rtnl_close(rb);
	enter_self();
	if (fa < 0 || fb < 0) {
		check("packet_peer_open", false, "%s", err.msg);
		return;
	}
	{
		int v = 0;
		socklen_t len = sizeof(v);

		getsockopt(fa, SOL_SOCKET, SO_RCVBUF, &v, &len);
		info("packet socket SO_RCVBUF reads back %d bytes", v);
		check("packet_rcvbuf_forced", v >= 4 * 1024 * 1024, "SO_RCVBUF %d", v);
	}
	ret = send_frame(fa, pl.mac, sl.mac, "bondd-a2b");
	check("packet_tx_reaches_peer", ret == 0 && wait_frame(fb, "bondd-a2b", 1000, NULL),
	      "send %d", ret);
	ret = send_frame(fb, sl.mac, pl.mac, "bondd-b2a");
	check("packet_rx_from_peer", ret == 0 && wait_frame(fa, "bondd-b2a", 1000, NULL),
	      "send %d", ret);
	/* PACKET_IGNORE_OUTGOING: our own frame must not come back to us. */
	send_frame(fa, pl.mac, sl.mac, "bondd-own");
	check("packet_ignore_outgoing", !wait_frame(fa, "bondd-own", 300, &own) &&
	      wait_frame(fb, "bondd-own", 1000, NULL), "own frame looped back");

	ret = packet_set_promisc(fa, sl.ifindex, true);
	rtnl_link_get(r, "bdt-s0", &sl, &err);
	/* Memberships count in IFLA_PROMISCUITY; IFF_PROMISC in ifi_flags only
	 * reflects promiscuity set by user space through the flags. */
	check("packet_promisc_on", ret == 0 && sl.promiscuity == 1,
	      "ret %d promiscuity %u flags 0x%x", ret, sl.promiscuity, sl.flags);
	ret = packet_set_promisc(fa, sl.ifindex, false);
	rtnl_link_get(r, "bdt-s0", &sl, &err);
	check("packet_promisc_off", ret == 0 && sl.promiscuity == 0,
	      "ret %d promiscuity %u flags 0x%x", ret, sl.promiscuity, sl.flags);
	packet_set_promisc(fa, sl.ifindex, true);
	packet_close(fa);
	rtnl_link_get(r, "bdt-s0", &sl, &err);
	check("packet_close_drops_promisc", sl.promiscuity == 0, "promiscuity %u", sl.promiscuity);
	packet_close(fb);
}

/* ---- events ------------------------------------------------------------- */

struct ev_wait {
	int ifindex;
	bool want_lower_up;
	bool seen;
	int type;           /* RTNL_EV_* to match for addresses */
	const char *label;
	int family;
};

static void link_ev_cb(const struct rtnl_event *ev, void *arg)
{
	struct ev_wait *w = arg;

	if (ev->type == RTNL_EV_NEWLINK && ev->link.ifindex == w->ifindex &&
	    !!(ev->link.flags & IFF_LOWER_UP) == w->want_lower_up)
		w->seen = true;
}

static void any_link_ev_cb(const struct rtnl_event *ev, void *arg)
{
	struct ev_wait *w = arg;

	if (ev->type == RTNL_EV_NEWLINK && ev->link.ifindex == w->ifindex)
		w->seen = true;
}

static void addr_ev_cb(const struct rtnl_event *ev, void *arg)
{
	struct ev_wait *w = arg;

	if ((int)ev->type == w->type && ev->addr.ifindex == w->ifindex &&
	    ev->addr.family == w->family &&
	    (!w->label || strcmp(ev->addr.label, w->label) == 0))
		w->seen = true;
}

static bool wait_event(struct rtnl *r, void (*cb)(const struct rtnl_event *, void *),
		       struct ev_wait *w, int ms)
{
	double end = now_s() + ms / 1000.0;

	while (!w->seen) {
		struct pollfd p = { rtnl_event_fd(r), POLLIN, 0 };
		int left = (int)((end - now_s()) * 1000);

		if (left < 0)
			break;
		if (poll(&p, 1, left) > 0)
			rtnl_read_events(r, cb, w);
	}
	return w->seen;
}

static void test_events(void)
{
	struct err err;
	struct rtnl *ra, *rb;
	struct rtnl_link pl;
	struct ev_wait w;

	err_clear(&err);
	ra = rtnl_open(true, &err);
	check("rtnl_open_listen", ra && rtnl_event_fd(ra) >= 0, "%s", err.msg);
	if (!ra)
		return;
	check("rtnl_event_fd_nonblocking", fcntl(rtnl_event_fd(ra), F_GETFL) & O_NONBLOCK,
	      "event socket is blocking");
	rtnl_read_events(ra, NULL, NULL);
	enter_peer();
	rb = rtnl_open(false, &err);
	enter_self();
	if (!rb) {
		check("rtnl_open_peer", false, "%s", err.msg);
		return;
	}
	/* rb lives in the peer namespace: it changes bdt-p3 there. */
	rtnl_link_get(rb, "bdt-p3", &pl, &err);
	memset(&w, 0, sizeof(w));
	w.ifindex = ifindex_of("bdt-s3");
	w.want_lower_up = false;
	rtnl_link_set_flags(rb, pl.ifindex, 0, IFF_UP, &err);
	check("rtnl_event_carrier_down", wait_event(ra, link_ev_cb, &w, 2000),
	      "no RTM_NEWLINK without LOWER_UP for bdt-s3");
	memset(&w, 0, sizeof(w));
	w.ifindex = ifindex_of("bdt-s3");
	w.want_lower_up = true;
	rtnl_link_set_flags(rb, pl.ifindex, IFF_UP, IFF_UP, &err);
	check("rtnl_event_carrier_up", wait_event(ra, link_ev_cb, &w, 2000),
	      "no RTM_NEWLINK with LOWER_UP for bdt-s3");
	/* A MAC "set" to the address the device has sends nothing: the
	 * kernel would announce it, and flush the device's neighbours. */
	{
		struct rtnl_link sl;
		uint8_t other[6];
		int r1, r2;

		wait_event(ra, any_link_ev_cb, &(struct ev_wait){ .ifindex = -1 }, 300);
		rtnl_link_get(ra, "bdt-s3", &sl, &err);
		memset(&w, 0, sizeof(w));
		w.ifindex = sl.ifindex;
		r1 = rtnl_link_set_mac(ra, sl.ifindex, sl.mac, &err);
		check("rtnl_set_same_mac_is_silent", r1 == 0 && !wait_event(ra, any_link_ev_cb, &w, 300),
		      "ret %d (%s), event %d", r1, err.msg, w.seen);
		memcpy(other, sl.mac, 6);
		other[5] ^= 1;
		memset(&w, 0, sizeof(w));
		w.ifindex = sl.ifindex;
		r2 = rtnl_link_set_mac(ra, sl.ifindex, other, &err);
		check("rtnl_set_other_mac_is_announced", r2 == 0 && wait_event(ra, any_link_ev_cb, &w, 2000),
		      "ret %d (%s), event %d", r2, err.msg, w.seen);
		rtnl_link_set_mac(ra, sl.ifindex, sl.mac, &err);
	}
	rtnl_close(rb);
	rtnl_close(ra);
}

/* ---- the carrier watch (carrier_watch.h) --------------------------------- */

struct cw_seen {
	unsigned n;
	struct cw_record r[16];
};

static void cw_cb(const struct cw_record *r, void *arg)
{
	struct cw_seen *s = arg;

	if (s->n < ARRAY_SIZE(s->r))
		s->r[s->n] = *r;
	s->n++;
}

/* Polls the watch's fd for up to ms and reads everything; the records. */
static void cw_wait(struct cwatch *cw, struct cw_seen *s, int ms)
{
	double end = now_s() + ms / 1000.0;
	struct err err;

	memset(s, 0, sizeof(*s));
	while (now_s() < end) {
		struct pollfd p = { cwatch_fd(cw), POLLIN, 0 };
		int left = (int)((end - now_s()) * 1000) + 1;

		if (poll(&p, 1, left) > 0)
			cwatch_consume(cw, cw_cb, s, &err);
	}
}

/* Our programs among the kernel's loaded programs (by name). */
static unsigned cw_progs_loaded(void)
{
	unsigned n = 0;
	__u32 id = 0;

	while (bpf_prog_get_next_id(id, &id) == 0) {
		struct bpf_prog_info pi;
		__u32 len = sizeof(pi);
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue;
		memset(&pi, 0, sizeof(pi));
		if (bpf_obj_get_info_by_fd(fd, &pi, &len) == 0 &&
		    (!strcmp(pi.name, CW_PROG_OFF) || !strcmp(pi.name, CW_PROG_ON)))
			n++;
		close(fd);
	}
	return n;
}

static void test_carrier_watch(void)
{
	unsigned before = cw_progs_loaded();
	struct rtnl_link p3, p1;
	struct cw_seen seen;
	struct cwatch *cw;
	struct rtnl *rb;
	struct err err;
	uint64_t ns_a, ns_b;
	int s3 = ifindex_of("bdt-s3");
	double t0, got_at;
	int ret;

	err_clear(&err);
	cw = cwatch_open(&err);
	/* Kernels and sandboxes that refuse BPF trampolines refuse fexit
	 * programs at load even to root (EPERM, EOPNOTSUPP/ENOTSUPP): bondd
	 * then polls (test_carrier_poll); anything else is a failure. */
	if (!cw && (err.code == -EPERM || err.code == -EOPNOTSUPP || err.code == -524)) {
		info("SKIP cwatch: the kernel refuses the carrier watch here: %s", err.msg);
		return;
	}
	check("cwatch_open", cw != NULL, "%s", err.msg);
	if (!cw)
		return;
	check("cwatch_attached", cw_progs_loaded() == before + 2, "%u programs, %u before",
	      cw_progs_loaded(), before);
	ns_a = cwatch_netns_self(&err);
	enter_peer();
	ns_b = cwatch_netns_self(&err);
	rb = rtnl_open(false, &err);
	enter_self();
	check("cwatch_netns", ns_a && ns_b && ns_a != ns_b, "%llu %llu", (unsigned long long)ns_a,
	      (unsigned long long)ns_b);
	if (!rb) {
		check("cwatch_rtnl_peer", false, "%s", err.msg);
		cwatch_close(cw);
		return;
	}
	ret = cwatch_watch(cw, ns_a, s3, &err);
	check("cwatch_watch", ret == 0, "%s", err.msg);
	rtnl_link_get(rb, "bdt-p3", &p3, &err);
	rtnl_link_get(rb, "bdt-p1", &p1, &err);

	/* The peer's end goes down: veth_close() takes the carrier of both
	 * ends; only s3 (in A, watched) makes a record, not p3 in B (even
	 * when its ifindex is s3's). */
	t0 = now_s();
	rtnl_link_set_flags(rb, p3.ifindex, 0, IFF_UP, &err);
	cw_wait(cw, &seen, 300);
	got_at = seen.n ? (double)seen.r[0].ts_ns / 1e9 : 0;
	check("cwatch_record_off", seen.n == 1 && seen.r[0].ifindex == (uint32_t)s3 &&
	      seen.r[0].netns == ns_a && seen.r[0].carrier == 0,
	      "%u records, first ifindex %u netns %llu carrier %u (want %d %llu 0)", seen.n,
	      seen.n ? seen.r[0].ifindex : 0, seen.n ? (unsigned long long)seen.r[0].netns : 0ULL,
	      seen.n ? seen.r[0].carrier : 9, s3, (unsigned long long)ns_a);
	check("cwatch_record_fast", seen.n && got_at - t0 < 0.05 && got_at >= t0,
	      "record %.3f ms after the request", (got_at - t0) * 1e3);
	if (seen.n)
		info("carrier watch: record %.0f us after the rtnetlink request that cut the peer",
		     (got_at - t0) * 1e6);
	check("cwatch_carrier_read_off", ethtool_carrier("bdt-s3") == 0,
	      "ETHTOOL_GLINK still says carrier at the record");

	rtnl_link_set_flags(rb, p3.ifindex, IFF_UP, IFF_UP, &err);
	cw_wait(cw, &seen, 300);
	check("cwatch_record_on", seen.n == 1 && seen.r[0].ifindex == (uint32_t)s3 &&
	      seen.r[0].carrier == 1, "%u records, first carrier %u", seen.n,
	      seen.n ? seen.r[0].carrier : 9);

	/* A device not in the map: nothing. */
	rtnl_link_set_flags(rb, p1.ifindex, 0, IFF_UP, &err);
	rtnl_link_set_flags(rb, p1.ifindex, IFF_UP, IFF_UP, &err);
	cw_wait(cw, &seen, 200);
	check("cwatch_unwatched_silent", seen.n == 0, "%u records for bdt-s1/p1", seen.n);

	/* Watched no more: nothing either. */
	ret = cwatch_unwatch(cw, ns_a, s3, &err);
	check("cwatch_unwatch", ret == 0 && cwatch_unwatch(cw, ns_a, s3, &err) == 0, "%s", err.msg);
	rtnl_link_set_flags(rb, p3.ifindex, 0, IFF_UP, &err);
	rtnl_link_set_flags(rb, p3.ifindex, IFF_UP, IFF_UP, &err);
	cw_wait(cw, &seen, 200);
	check("cwatch_unwatched_after", seen.n == 0, "%u records after unwatch", seen.n);

	cwatch_close(cw);
	check("cwatch_close_detaches", cw_progs_loaded() == before, "%u programs left (%u before)",
	      cw_progs_loaded(), before);
	rtnl_close(rb);
	/* s3 is used next with its carrier up: wait for it. */
	for (int i = 0; i < 100 && ethtool_carrier("bdt-s3") != 1; i++)
		sleep_ms(10);
}

/* The watch's program logic (report(): CO-RE reads of the ifindex and the
 * netns inode, the map lookup, the ring buffer) through the test build's
 * extra program on the net_dev_xmit tracepoint, which kernels that refuse
 * fexit still load: a frame sent on the watched bdt-s3 makes a record
 * with carrier 2, one sent on bdt-s1 none. */
extern const unsigned char bondd_cw_test_obj[];
extern const size_t bondd_cw_test_obj_len;

static int cw_logic_cb(void *ctx, void *data, size_t size)
{
	struct cw_seen *s = ctx;

	if (size >= sizeof(struct cw_record))
		cw_cb(data, s);
	return 0;
}

static bool cw_logic_seen(struct cw_seen *s, int ifindex, uint64_t netns)
{
	for (unsigned i = 0; i < s->n && i < ARRAY_SIZE(s->r); i++)
		if (s->r[i].ifindex == (uint32_t)ifindex && s->r[i].netns == netns &&
		    s->r[i].carrier == 2)
			return true;
	return false;
}

static void test_carrier_watch_logic(void)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t src[6] = { 0x02, 0xb0, 0xdd, 0xcc, 0x00, 0x01 };
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "bondd_cw_test");
	struct bpf_object *obj;
	struct bpf_program *p;
	struct bpf_link *link = NULL;
	struct ring_buffer *rb = NULL;
	struct cw_seen seen;
	struct cw_key k;
	struct err err;
	uint8_t one = 1;
	uint64_t ns = cwatch_netns_self(&err);
	int s3 = ifindex_of("bdt-s3"), s1 = ifindex_of("bdt-s1");
	int ret, fd3 = -1, fd1 = -1;
	double end;

	memset(&seen, 0, sizeof(seen));
	obj = bpf_object__open_mem(bondd_cw_test_obj, bondd_cw_test_obj_len, &oo);
	check("cwlogic_open", obj != NULL, "cannot open the test object");
	if (!obj)
		return;
	/* the fexit programs stay out: this kernel may refuse them */
	bpf_object__for_each_program(p, obj)
		if (strcmp(bpf_program__name(p), "cw_test_xmit"))
			bpf_program__set_autoload(p, false);
	ret = bpf_object__load(obj);
	check("cwlogic_verifier_takes_report", ret == 0, "load: %d", ret);
	if (ret)
		goto out;
	link = bpf_program__attach(bpf_object__find_program_by_name(obj, "cw_test_xmit"));
	check("cwlogic_attach", link != NULL, "attach: %s", strerror(errno));
	rb = ring_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(obj, CW_MAP_EVENTS)),
			      cw_logic_cb, &seen, NULL);
	memset(&k, 0, sizeof(k));
	k.netns = ns;
	k.ifindex = (uint32_t)s3;
	ret = bpf_map_update_elem(bpf_map__fd(bpf_object__find_map_by_name(obj, CW_MAP_WATCH)),
				  &k, &one, BPF_ANY);
	if (!link || !rb || ret) {
		check("cwlogic_setup", false, "ring buffer %p, map update %d", (void *)rb, ret);
		goto out;
	}
	fd3 = packet_open(s3, &err);
	fd1 = packet_open(s1, &err);
	if (fd3 < 0 || fd1 < 0) {
		check("cwlogic_sockets", false, "%s", err.msg);
		goto out;
	}
	send_frame(fd1, bcast, src, "cwlogic-s1");
	ring_buffer__consume(rb);
	/* (bdt-s3 may send something of its own meanwhile: only s1 counts) */
	check("cwlogic_unwatched_silent", !cw_logic_seen(&seen, s1, ns),
	      "a record for bdt-s1");
	send_frame(fd3, bcast, src, "cwlogic-s3");
	end = now_s() + 0.2;
	while (!cw_logic_seen(&seen, s3, ns) && now_s() < end) {
		ring_buffer__poll(rb, 20);
	}
	check("cwlogic_record", cw_logic_seen(&seen, s3, ns),
	      "%u records, none for ifindex %d netns %llu", seen.n, s3, (unsigned long long)ns);
out:
	if (fd3 >= 0)
		packet_close(fd3);
	if (fd1 >= 0)
		packet_close(fd1);
	ring_buffer__free(rb);
	bpf_link__destroy(link);
	bpf_object__close(obj);
}

/* The carrier poll's ticks over secs seconds. */
static unsigned poll_ticks(struct cwpoll *cp, double secs)
{
	double t0 = now_s();
	unsigned ticks = 0;

	while (now_s() - t0 < secs) {
		struct pollfd p = { cwpoll_fd(cp), POLLIN, 0 };

		if (poll(&p, 1, 10) > 0) {
			cwpoll_ack(cp);
			ticks++;
		}
	}
	return ticks;
}

/* The poll bondd uses where the kernel refuses the watch: carrier_changes
 * moves by the time the request that cut the peer returns; the timer
 * ticks at its interval; /sys of another namespace is refused. */
static void test_carrier_poll(void)
{
	struct rtnl_link p3;
	struct cwpoll *cp;
	struct rtnl *rb;
	struct err err;
	int64_t c0, c1, c2;
	int fd, ret, on0, off, on1;
	unsigned ticks = 0;

	err_clear(&err);
	cp = cwpoll_open(&err);
	check("cwpoll_open", cp != NULL, "%s", err.msg);
	if (!cp)
		return;
	fd = cwpoll_slave_open("bdt-s3", ifindex_of("bdt-s3") + 1000, &err);
	check("cwpoll_wrong_ifindex_refused", fd == -EXDEV, "got %d: %s", fd, err.msg);
	if (fd >= 0)
		close(fd);
	fd = cwpoll_slave_open("bdt-s3", ifindex_of("bdt-s3"), &err);
	check("cwpoll_slave_open", fd >= 0, "%s", err.msg);
	enter_peer();
	rb = rtnl_open(false, &err);
	enter_self();
	if (fd < 0 || !rb) {
		check("cwpoll_rtnl_peer", rb != NULL, "%s", err.msg);
		if (fd >= 0)
			close(fd);
		rtnl_close(rb);
		cwpoll_close(cp);
		return;
	}
	rtnl_link_get(rb, "bdt-p3", &p3, &err);
	c0 = cwpoll_changes(fd);
	on0 = cwpoll_carrier("bdt-s3");
	rtnl_link_set_flags(rb, p3.ifindex, 0, IFF_UP, &err);
	c1 = cwpoll_changes(fd);
	off = cwpoll_carrier("bdt-s3");
	rtnl_link_set_flags(rb, p3.ifindex, IFF_UP, IFF_UP, &err);
	c2 = cwpoll_changes(fd);
	on1 = cwpoll_carrier("bdt-s3");
	check("cwpoll_changes_at_once", c0 >= 0 && c1 == c0 + 1 && c2 == c1 + 1,
	      "carrier_changes %lld -> %lld -> %lld", (long long)c0, (long long)c1, (long long)c2);
	/* the carrier itself from the up/down counts, without RTNL */
	check("cwpoll_carrier_from_counts", on0 == 1 && off == 0 && on1 == 1,
	      "carrier %d -> %d -> %d (peer up, down, up)", on0, off, on1);
	check("cwpoll_carrier_no_device", cwpoll_carrier("bdt-nosuch") == -ENOENT, "a missing device is -ENOENT");
	ret = cwpoll_arm(cp, 1000, &err);
	if (ret == 0)
		ticks = poll_ticks(cp, 0.05);
	check("cwpoll_ticks", ret == 0 && ticks >= 20 && ticks <= 51, "%u ticks in 50 ms (%s)", ticks,
	      ret ? err.msg : "armed");
	/* the slow interval the carrier hints allow: 10 ms */
	ret = cwpoll_arm(cp, 10000, &err);
	cwpoll_ack(cp);
	if (ret == 0)
		ticks = poll_ticks(cp, 0.05);
	check("cwpoll_slower", ret == 0 && ticks >= 3 && ticks <= 6 && cwpoll_interval(cp) == 10000,
	      "%u ticks in 50 ms at 10 ms (%s)", ticks, ret ? err.msg : "armed");
	ret = cwpoll_arm(cp, 0, &err);
	cwpoll_ack(cp);
	{
		struct pollfd p = { cwpoll_fd(cp), POLLIN, 0 };

		check("cwpoll_disarmed", ret == 0 && poll(&p, 1, 20) == 0, "still ticking");
	}
	close(fd);
	rtnl_close(rb);
	cwpoll_close(cp);
	for (int i = 0; i < 100 && ethtool_carrier("bdt-s3") != 1; i++)
		sleep_ms(10);
}

/* ---- addresses ------------------------------------------------------------ */

static bool list_has(struct rtnl *r, int idx, const struct rtnl_addr *want)
{
	struct rtnl_addr list[32];
	struct err err;
	int n, i;

	n = rtnl_addr_list(r, idx, list, 32, &err);
	for (i = 0; i < n; i++)
		if (list[i].family == want->family && list[i].prefixlen == want->prefixlen &&
		    memcmp(list[i].addr, want->addr, want->family == AF_INET ? 4 : 16) == 0 &&
		    strcmp(list[i].label, want->label) == 0 &&
		    list[i].has_broadcast == want->has_broadcast)
			return true;
	return false;
}

static void test_addresses(void)
{
	struct rtnl_addr a4, a6;
	struct err err;
	struct rtnl *r;
	struct ev_wait w;
	char out[4096];
	int idx = ifindex_of(TAP_NAME), ret;

	err_clear(&err);
	r = rtnl_open(true, &err);
	if (!r)
		return;
	memset(&a4, 0, sizeof(a4));
	a4.ifindex = idx;
	a4.family = AF_INET;
	inet_pton(AF_INET, "192.0.2.5", a4.addr);
	a4.prefixlen = 28;
	snprintf(a4.label, sizeof(a4.label), "%s:1", TAP_NAME);
	inet_pton(AF_INET, "192.0.2.15", a4.broadcast);
	a4.has_broadcast = true;
	memset(&a6, 0, sizeof(a6));
	a6.ifindex = idx;
	a6.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::5", a6.addr);
	a6.prefixlen = 64;

	ret = rtnl_addr_add(r, &a4, &err);
	sh(out, sizeof(out), "ip -4 addr show dev %s", TAP_NAME);
	check("rtnl_addr_add_v4_label", ret == 0 &&
	      strstr(out, "inet 192.0.2.5/28 brd 192.0.2.15 scope global bdt-tap0:1"),
	      "ret %d %s; ip: %s", ret, err.msg, out);
	memset(&w, 0, sizeof(w));
	w.ifindex = idx;
	w.type = RTNL_EV_NEWADDR;
	w.family = AF_INET;
	w.label = "bdt-tap0:1";
	check("rtnl_event_newaddr", wait_event(r, addr_ev_cb, &w, 1000), "no RTM_NEWADDR");
	ret = rtnl_addr_add(r, &a6, &err);
	check("rtnl_addr_add_v6", ret == 0, "%s", err.msg);
	check("rtnl_addr_list", list_has(r, idx, &a4) && list_has(r, idx, &a6),
	      "added addresses not listed");
	ret = rtnl_addr_add(r, &a4, &err);
	check("rtnl_addr_add_duplicate", ret == -EEXIST && strstr(err.msg, "192.0.2.5/28"),
	      "ret %d %s", ret, err.msg);
	{
		struct rtnl_addr few[1];

		ret = rtnl_addr_list(r, idx, few, 1, &err);
		check("rtnl_addr_list_overflow", ret == -ENOSPC, "ret %d", ret);
	}
	memset(&w, 0, sizeof(w));
	w.ifindex = idx;
	w.type = RTNL_EV_DELADDR;
	w.family = AF_INET;
	w.label = "bdt-tap0:1";
	ret = rtnl_addr_del(r, &a4, &err);
	check("rtnl_event_deladdr", ret == 0 && wait_event(r, addr_ev_cb, &w, 1000),
	      "ret %d %s", ret, err.msg);
	ret = rtnl_addr_del(r, &a6, &err);
	check("rtnl_addr_del", ret == 0 && !list_has(r, idx, &a4) && !list_has(r, idx, &a6),
	      "ret %d %s", ret, err.msg);
	rtnl_close(r);
}

/* ---- hiding ------------------------------------------------------------- */

/* Counts ICMP echo requests to 192.0.2.17 in what fd has queued. */
static int count_echo_requests(int fd)
{
	static uint8_t buf[FRAME_BUF];
	int n = 0;

	for (;;) {
		ssize_t len = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		const uint8_t *e = buf + VNET_HDR_LEN, *ip = e + 14;

		if (len < 0)
			return n;
		if (len < VNET_HDR_LEN + 14 + 28 || e[12] != 0x08 || e[13] != 0x00)
			continue;
		if (ip[9] == 1 && ip[16] == 192 && ip[17] == 0 && ip[18] == 2 && ip[19] == 17 &&
		    ip[(ip[0] & 0xf) * 4] == 8)
			n++;
	}
}

static bool ping_peer_to_s1(void)
{
	return sh(NULL, 0, "ip netns exec %s ping -n -q -c 2 -i 0.2 -W 1 192.0.2.17", peer_ns) == 0;
}

static void test_hide(struct rtnl *r)
{
	struct hide_state st = { 0 };
	struct err err;
	char out[4096];
	int idx = ifindex_of("bdt-s1"), fd, seen, ret;

	err_clear(&err);
	check("hide_ping_before", ping_peer_to_s1(), "ping 192.0.2.17 fails before hiding");
	fd = packet_open(idx, &err);
	ret = hide_slave(r, idx, &st, &err);
	check("hide_slave", ret == 0 && st.installed && st.created_qdisc, "ret %d %s", ret, err.msg);
	sh(out, sizeof(out), "tc filter show dev bdt-s1 ingress");
	check("hide_tc_filter_shown", strstr(out, "bpf") && strstr(out, "direct-action") &&
	      strstr(out, "handle 0xb0dd") && strstr(out, "pref 1") &&
	      strstr(out, "bytecode '1,6 0 0 2'"), "tc: %s", out);
	count_echo_requests(fd);
	check("hide_ping_fails", !ping_peer_to_s1(), "ping still answered while hidden");
	seen = count_echo_requests(fd);
	check("hide_packet_socket_sees_icmp", seen >= 2, "packet socket saw %d echo requests", seen);
	ret = hide_slave(r, idx, &st, &err);
	check("hide_slave_twice", ret == 0, "%s", err.msg);

	ret = unhide_slave(r, idx, &st, &err);
	sh(out, sizeof(out), "tc filter show dev bdt-s1 ingress; tc qdisc show dev bdt-s1");
	check("unhide_slave", ret == 0 && !st.installed && !strstr(out, "bpf") &&
	      !strstr(out, "clsact"), "ret %d %s; tc: %s", ret, err.msg, out);
	check("unhide_ping_works", ping_peer_to_s1(), "ping fails after unhiding");

	/* An existing clsact stays, as do other filters on it. */
	sh(NULL, 0, "tc qdisc add dev bdt-s1 clsact");
	ret = hide_slave(r, idx, &st, &err);
	check("hide_existing_clsact", ret == 0 && !st.created_qdisc && !ping_peer_to_s1(),
	      "ret %d %s created %d", ret, err.msg, st.created_qdisc);
	ret = unhide_slave(r, idx, &st, &err);
	sh(out, sizeof(out), "tc qdisc show dev bdt-s1");
	check("unhide_keeps_foreign_clsact", ret == 0 && strstr(out, "clsact"),
	      "ret %d %s; tc: %s", ret, err.msg, out);
	sh(NULL, 0, "tc qdisc del dev bdt-s1 clsact");

	/* A filter added by someone else while we hid: clsact stays for it. */
	ret = hide_slave(r, idx, &st, &err);
	sh(NULL, 0, "tc filter add dev bdt-s1 egress prio 7 bpf bytecode '1,6 0 0 0,'");
	ret = unhide_slave(r, idx, &st, &err);
	sh(out, sizeof(out), "tc qdisc show dev bdt-s1; tc filter show dev bdt-s1 ingress");
	check("unhide_keeps_clsact_in_use", ret == 0 && strstr(out, "clsact") && !strstr(out, "bpf"),
	      "ret %d %s; tc: %s", ret, err.msg, out);
	sh(NULL, 0, "tc qdisc del dev bdt-s1 clsact");

	/* Someone removed clsact (and our filter with it) behind our back. */
	ret = hide_slave(r, idx, &st, &err);
	sh(NULL, 0, "tc qdisc del dev bdt-s1 clsact");
	ret = unhide_slave(r, idx, &st, &err);
	check("unhide_after_clsact_removed", ret == 0 && !st.installed, "ret %d %s", ret, err.msg);
	packet_close(fd);
}

/* ---- save / restore ------------------------------------------------------- */

/* `ip -d link show` and disable_ipv6, as one comparable string. */
static void snapshot(const char *ifname, char *out, size_t size)
{
	size_t n;

	sh(out, size, "ip -d link show dev %s", ifname);
	n = strlen(out);
	snprintf(out + n, size - n, "disable_ipv6=%d\n", sysctl_disable_ipv6_get(ifname));
}

static void restore_round(struct rtnl *r, const char *tag, const char *setup,
			  const uint8_t mac[6], unsigned mtu, bool up, int v6)
{
	struct slave_saved sv;
	struct err err;
	char before[4096], during[4096], after[4096], name[64];
	int idx = ifindex_of("bdt-s2"), ret, i;

	err_clear(&err);
	sh(NULL, 0, "%s", setup);
	sleep_ms(300);
	snapshot("bdt-s2", before, sizeof(before));
	ret = slave_state_save(r, "bdt-s2", &sv, &err);
	snprintf(name, sizeof(name), "slave_state_save_%s", tag);
	check(name, ret == 0 && sv.ifindex == idx, "%s", err.msg);

	/* What enslaving does, roughly. */
	rtnl_link_set_mac(r, idx, mac, &err);
	rtnl_link_set_mtu(r, idx, mtu, &err);
	sysctl_disable_ipv6_set("bdt-s2", v6);
	hide_slave(r, idx, &sv.hide, &err);
	rtnl_link_set_flags(r, idx, up ? IFF_UP : 0, IFF_UP, &err);
	snapshot("bdt-s2", during, sizeof(during));
	snprintf(name, sizeof(name), "slave_state_changed_%s", tag);
	check(name, strcmp(before, during) != 0 && sv.hide.installed, "nothing changed");

	ret = slave_state_restore(r, &sv, &err);
	for (i = 0; i < 30; i++) {
		snapshot("bdt-s2", after, sizeof(after));
		if (strcmp(before, after) == 0)
			break;
		sleep_ms(100);
	}
	sh(during, sizeof(during), "tc qdisc show dev bdt-s2 | grep clsact");
	snprintf(name, sizeof(name), "slave_state_restore_%s", tag);
	check(name, ret == 0 && strcmp(before, after) == 0 && !during[0] && !sv.hide.installed,
	      "ret %d %s\n--- before\n%s--- after\n%s--- tc: %s", ret, err.msg, before, after,
	      during);
}

static void test_save_restore(struct rtnl *r)
{
	static const uint8_t m1[6] = { 0x02, 0xb0, 0xdd, 0x11, 0x11, 0x11 };
	static const uint8_t m2[6] = { 0x02, 0xb0, 0xdd, 0x22, 0x22, 0x22 };
	struct slave_saved sv;
	struct err err;
	int ret;

	restore_round(r, "up", "ip link set dev bdt-s2 address 02:b0:dd:00:00:02 mtu 1400 up && "
		      "sysctl -qw net.ipv6.conf.bdt-s2.disable_ipv6=0", m1, 1280, false, 1);
	restore_round(r, "down", "ip link set dev bdt-s2 down address 02:b0:dd:00:00:03 mtu 9000 "
		      "&& sysctl -qw net.ipv6.conf.bdt-s2.disable_ipv6=1", m2, 1500, true, 0);
	sh(NULL, 0, "ip link set dev bdt-s2 up");

	/* One step fails (an impossible MTU): the others still happen and the
	 * first failure is reported. */
	err_clear(&err);
	sh(NULL, 0, "ip link set dev bdt-s2 address 02:b0:dd:00:00:04 mtu 1500 up");
	slave_state_save(r, "bdt-s2", &sv, &err);
	rtnl_link_set_mac(r, sv.ifindex, m1, &err);
	hide_slave(r, sv.ifindex, &sv.hide, &err);
	rtnl_link_set_flags(r, sv.ifindex, 0, IFF_UP, &err);
	sv.mtu = 70000;
	ret = slave_state_restore(r, &sv, &err);
	{
		struct rtnl_link l;
		struct err e2;

		rtnl_link_get(r, "bdt-s2", &l, &e2);
		check("slave_state_restore_partial",
		      ret == -EINVAL && strstr(err.msg, "MTU 70000") && (l.flags & IFF_UP) &&
		      l.mac[5] == 0x04 && !sv.hide.installed,
		      "ret %d \"%s\" flags 0x%x mac[5] %02x hidden %d", ret, err.msg, l.flags,
		      l.mac[5], sv.hide.installed);
		info("partial restore said: %s", err.msg);
	}

	err_clear(&err);
	ret = slave_state_save(r, "bdt-none", &sv, &err);
	check("slave_state_save_missing", ret == -ENODEV && strstr(err.msg, "bdt-none"),
	      "ret %d %s", ret, err.msg);
}

/* ---- TCP through TAP <-> packet socket ---------------------------------- */

struct fwd {
	int tap, pkt;
	atomic_bool stop;
	unsigned long frames[2], gso[2], drops[2], maxlen[2]; /* 0: tap->pkt, 1: pkt->tap */
};

static void *fwd_thread(void *arg)
{
	static uint8_t buf[FRAME_BUF];
	struct fwd *f = arg;
	struct pollfd p[2] = { { f->tap, POLLIN, 0 }, { f->pkt, POLLIN, 0 } };

	while (!atomic_load(&f->stop)) {
		int i, k;

		if (poll(p, 2, 100) <= 0)
			continue;
		for (i = 0; i < 2; i++) {
			if (!(p[i].revents & POLLIN))
				continue;
			for (k = 0; k < 64; k++) {
				ssize_t n = read(p[i].fd, buf, sizeof(buf));
				const struct virtio_net_hdr *vh = (const void *)buf;

				if (n < VNET_HDR_LEN)
					break;
				f->frames[i]++;
				if (vh->gso_type != VIRTIO_NET_HDR_GSO_NONE)
					f->gso[i]++;
				if ((unsigned long)n > f->maxlen[i])
					f->maxlen[i] = (unsigned long)n;
				if (write(p[!i].fd, buf, (size_t)n) != n)
					f->drops[i]++;
			}
		}
	}
	return NULL;
}

/* The byte stream is a fixed pseudo-random sequence repeating every
 * PATTERN_PERIOD bytes (a prime, so it never lines up with segment sizes);
 * the receiver checks every byte against it. */
#define PATTERN_PERIOD 65521u
#define XFER_CHUNK (128 * 1024)
static uint8_t pattern_buf[PATTERN_PERIOD + XFER_CHUNK];

static void pattern_init(void)
{
	uint32_t x = 2463534242u;
	size_t i;

	for (i = 0; i < PATTERN_PERIOD; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		pattern_buf[i] = (uint8_t)x;
	}
	for (; i < sizeof(pattern_buf); i++)
		pattern_buf[i] = pattern_buf[i - PATTERN_PERIOD];
}

struct xfer_side {
	int fd;
	bool send;
	double seconds;
	uint64_t bytes;
	bool ok;
};

static void *xfer_run(void *arg)
{
	static __thread uint8_t buf[XFER_CHUNK];
	struct xfer_side *s = arg;
	double end = now_s() + s->seconds;
	uint64_t pos = 0;

	s->ok = true;
	if (s->send) {
		while (now_s() < end) {
			ssize_t n = send(s->fd, pattern_buf + pos % PATTERN_PERIOD, XFER_CHUNK,
					 MSG_NOSIGNAL);

			if (n <= 0) {
				s->ok = false;
				break;
			}
			pos += (uint64_t)n;
		}
		shutdown(s->fd, SHUT_WR);
	} else {
		for (;;) {
			ssize_t n = recv(s->fd, buf, sizeof(buf), 0);

			if (n == 0)
				break;
			if (n < 0 || memcmp(buf, pattern_buf + pos % PATTERN_PERIOD, (size_t)n)) {
				s->ok = false;
				break;
			}
			pos += (uint64_t)n;
		}
	}
	s->bytes = pos;
	return NULL;
}

/* A TCP connection from A (client) to server_ip in B; data flows A->B, or
 * B->A with reverse. Checks every byte. Returns Mbit/s or -1. */
static double tcp_transfer(const char *server_ip, bool reverse, double seconds, char *why,
			   size_t whylen)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(5301) };
	struct timeval tv = { 10, 0 };
	struct xfer_side snd, rcv;
	pthread_t th;
	int one = 1, ls, cs, as;
	double t0, dt;

	inet_pton(AF_INET, server_ip, &sa.sin_addr);
	enter_peer();
	ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	enter_self();
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 1) < 0) {
		snprintf(why, whylen, "server bind/listen: %s", strerror(errno));
		close(ls);
		return -1;
	}
	cs = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(cs, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(cs, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(cs, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		snprintf(why, whylen, "connect: %s", strerror(errno));
		close(cs);
		close(ls);
		return -1;
	}
	as = accept(ls, NULL, NULL);
	close(ls);
	setsockopt(as, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(as, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	snd = (struct xfer_side){ reverse ? as : cs, true, seconds, 0, false };
	rcv = (struct xfer_side){ reverse ? cs : as, false, 0, 0, false };
	t0 = now_s();
	pthread_create(&th, NULL, xfer_run, &rcv);
	xfer_run(&snd);
	pthread_join(th, NULL);
	dt = now_s() - t0;
	close(cs);
	close(as);
	if (!snd.ok || !rcv.ok || snd.bytes != rcv.bytes || rcv.bytes == 0) {
		snprintf(why, whylen, "sent %llu (%s) received %llu (%s)",
			 (unsigned long long)snd.bytes, snd.ok ? "ok" : "error",
			 (unsigned long long)rcv.bytes, rcv.ok ? "ok" : "error/corrupt");
		return -1;
	}
	return (double)rcv.bytes * 8 / dt / 1e6;
}

static long tcp_csum_errors(void)
{
	char buf[8192], *hdr, *val;
	FILE *f = fopen("/proc/thread-self/net/snmp", "r");
	size_t n;
	int col = 0, i;

	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	hdr = strstr(buf, "\nTcp: ");
	if (!hdr)
		return -1;
	val = strstr(hdr + 1, "\nTcp: ");
	if (!val)
		return -1;
	{
		char *name = strstr(hdr, "InCsumErrors");

		if (!name)
			return -1;
		col = 0;
		for (char *p = hdr + 6; p < name; p++)
			if (*p == ' ')
				col++;
	}
	val += 6;
	for (i = 0; i < col && val; i++) {
		val = strchr(val, ' ');
		if (val)
			val++;
	}
	return val ? strtol(val, NULL, 10) : -1;
}

static void forward_round(const char *tag, int tap, int pkt, bool check_it, double seconds)
{
	struct fwd f;
	pthread_t th;
	char why[256] = "", name[64];
	double up, down;
	long ce_a0, ce_b0, ce_a1, ce_b1;

	memset(&f, 0, sizeof(f));
	f.tap = tap;
	f.pkt = pkt;
	atomic_init(&f.stop, false);
	ce_a0 = tcp_csum_errors();
	enter_peer();
	ce_b0 = tcp_csum_errors();
	enter_self();
	pthread_create(&th, NULL, fwd_thread, &f);
	up = tcp_transfer("192.0.2.2", false, seconds, why, sizeof(why));
	if (check_it) {
		snprintf(name, sizeof(name), "tcp_via_tap_to_peer%s", tag);
		check(name, up > 0, "%s", why);
	}
	down = tcp_transfer("192.0.2.2", true, seconds, why, sizeof(why));
	if (check_it) {
		snprintf(name, sizeof(name), "tcp_via_tap_from_peer%s", tag);
		check(name, down > 0, "%s", why);
	}
	atomic_store(&f.stop, true);
	pthread_join(th, NULL);
	ce_a1 = tcp_csum_errors();
	enter_peer();
	ce_b1 = tcp_csum_errors();
	enter_self();
	info("forwarded%s: TAP->slave %.0f Mbit/s, slave->TAP %.0f Mbit/s; frames tap->pkt %lu "
	     "(gso %lu, max %lu B, drops %lu), pkt->tap %lu (gso %lu, max %lu B, drops %lu)",
	     tag, up, down, f.frames[0], f.gso[0], f.maxlen[0], f.drops[0], f.frames[1],
	     f.gso[1], f.maxlen[1], f.drops[1]);
	if (check_it) {
		snprintf(name, sizeof(name), "vnet_hdr_gso_passthrough%s", tag);
		check(name, f.gso[0] > 0 && f.gso[1] > 0 && f.maxlen[0] > 1600 && f.maxlen[1] > 1600,
		      "no GSO frames forwarded (tap->pkt %lu, pkt->tap %lu)", f.gso[0], f.gso[1]);
		snprintf(name, sizeof(name), "tcp_no_csum_errors%s", tag);
		check(name, ce_a1 == ce_a0 && ce_b1 == ce_b0,
		      "TcpInCsumErrors A %ld->%ld B %ld->%ld", ce_a0, ce_a1, ce_b0, ce_b1);
	}
}

static void test_forward(struct rtnl *r, int tap)
{
	struct hide_state st = { 0 };
	struct err err;
	int idx = ifindex_of("bdt-s0"), pkt, one = 1;
	char why[256];

	err_clear(&err);
	sysctl_disable_ipv6_set("bdt-s0", 1);
	sh(NULL, 0, "ip addr add 192.0.2.1/28 dev %s", TAP_NAME);
	if (hide_slave(r, idx, &st, &err) < 0)
		check("forward_hide", false, "%s", err.msg);
	pkt = packet_open(idx, &err);
	if (pkt < 0) {
		check("forward_packet_open", false, "%s", err.msg);
		return;
	}
	forward_round("", tap, pkt, true, 2.0);

	if (getenv("BDT_BENCH")) {
		double b1 = tcp_transfer("192.0.2.34", false, 3.0, why, sizeof(why));
		double b2 = tcp_transfer("192.0.2.34", true, 3.0, why, sizeof(why));

		info("direct veth baseline: A->B %.0f Mbit/s, B->A %.0f Mbit/s", b1, b2);
		forward_round(" (default)", tap, pkt, false, 3.0);
		if (setsockopt(pkt, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) == 0)
			forward_round(" (PACKET_QDISC_BYPASS)", tap, pkt, true, 3.0);
		else
			info("PACKET_QDISC_BYPASS: %s", strerror(errno));
	}
	packet_close(pkt);
	unhide_slave(r, idx, &st, &err);
}

/* ---- kernel data path loader (dp_ebpf) ---------------------------------- */

#define DP_TAP "bdt-tap2"
#define DP_BOND "bdt-b0"

/* Our filter's program id on a hook (bpf_tc_query), 0 when absent. */
static uint32_t tc_prog(int ifindex, bool ingress)
{
	LIBBPF_OPTS(bpf_tc_hook, h, .ifindex = ifindex,
		    .attach_point = ingress ? BPF_TC_INGRESS : BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, o, .handle = ingress ? DP_EBPF_RX_HANDLE : DP_EBPF_HANDLE,
		    .priority = ingress ? DP_EBPF_RX_PRIO : DP_EBPF_PRIO);

	return bpf_tc_query(&h, &o) == 0 ? o.prog_id : 0;
}

static bool has_clsact(const char *dev)
{
	char out[4096];

	sh(out, sizeof(out), "tc qdisc show dev %s", dev);
	return strstr(out, "clsact") != NULL;
}

static uint32_t fd_id(int fd)
{
	struct bpf_map_info mi;
	uint32_t len = sizeof(mi);

	memset(&mi, 0, sizeof(mi));
	return bpf_obj_get_info_by_fd(fd, &mi, &len) == 0 ? mi.id : 0;
}

static bool pin_dir(char *dir, size_t size)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st) < 0)
		return false;
	snprintf(dir, size, "%s/%lu/%s", DP_EBPF_PIN_ROOT, (unsigned long)st.st_ino, DP_BOND);
	return true;
}

static bool pins_present(void)
{
	char dir[256], path[300];
	struct stat st;

	if (!pin_dir(dir, sizeof(dir)))
		return false;
	snprintf(path, sizeof(path), "%s/%s", dir, DP_MAP_CFG);
	return stat(path, &st) == 0;
}

static void pins_unlink(void)
{
	char dir[256];

	if (pin_dir(dir, sizeof(dir)))
		sh(NULL, 0, "rm -rf %s", dir);
}

/* Maps written and read back; counters summed over the CPUs. */
static void dp_maps(struct dp_ebpf *dp, int slave)
{
	int ncpus = libbpf_num_possible_cpus();
	struct dp_cfg cfg, back;
	struct dp_slave s = { .flags = DP_S_CAN_TX, .mac = { 2, 0xb0, 0xde, 0, 0, 2 } }, sb;
	struct dp_slave_stats st, *pst;
	struct dp_bond_stats bs, *pbs;
	struct dp_tlb_bucket tb;
	uint64_t bytes[DP_TLB_BUCKETS];
	uint32_t key = (uint32_t)slave, zero = 0, b5 = 5;
	int ret;

	memset(&cfg, 0, sizeof(cfg));
	check("dp_cfg_starts_zeroed", dp_ebpf_read_cfg(dp, &back) == 0 &&
	      !memcmp(&cfg, &back, sizeof(cfg)), "dp_cfg not zero");
	cfg.gen = 7;
	cfg.tx_kind = DP_TX_ACTIVE;
	cfg.flags = DP_F_UP;
	cfg.active_ifindex = (uint32_t)slave;
	cfg.n_tx = 1;
	cfg.tx[0] = (uint32_t)slave;
	memcpy(cfg.bond_mac, s.mac, 6);
	ret = dp_ebpf_write_cfg(dp, &cfg);
	/* The slave is not in the maps yet: its slot is to be looked up. */
	ret = ret ? ret : dp_ebpf_read_cfg(dp, &back);
	check("dp_cfg_roundtrip_no_slot", ret == 0 && back.active_slot == DP_NO_SLOT &&
	      back.tx_slot[0] == DP_NO_SLOT && back.tx_slot[1] == DP_NO_SLOT,
	      "read %d: slots %u %u", ret, back.active_slot, back.tx_slot[0]);
	back.active_slot = cfg.active_slot;
	memcpy(back.tx_slot, cfg.tx_slot, sizeof(back.tx_slot));
	check("dp_cfg_roundtrip", ret == 0 && !memcmp(&cfg, &back, sizeof(cfg)), "write %d", ret);

	ret = dp_ebpf_set_slave(dp, slave, &s);
	check("dp_set_slave", ret == 0 &&
	      bpf_map_lookup_elem(dp_ebpf_map_fd(dp, DP_MAP_SLAVES), &key, &sb) == 0 &&
	      sb.flags == s.flags && !memcmp(sb.mac, s.mac, 6) && sb.slot == 0,
	      "set %d slot %u", ret, sb.slot);
	key = sb.slot;      /* its counters' entry */
	ret = dp_ebpf_write_cfg(dp, &cfg);
	ret = ret ? ret : dp_ebpf_read_cfg(dp, &back);
	check("dp_cfg_slots", ret == 0 && back.active_slot == 0 && back.tx_slot[0] == 0 &&
	      back.tx_slot[1] == DP_NO_SLOT, "read %d: slots %u %u %u", ret, back.active_slot,
	      back.tx_slot[0], back.tx_slot[1]);
	ret = dp_ebpf_slave_stats(dp, slave, &st);
	check("dp_slave_stats_zero", ret == 0 && !st.rx_packets && !st.tx_bytes && !st.last_rx_ns,
	      "ret %d", ret);
	/* What the programs would count, on every CPU. */
	pst = calloc((size_t)ncpus, sizeof(*pst));
	pbs = calloc((size_t)ncpus, sizeof(*pbs));
	for (int c = 0; pst && pbs && c < ncpus; c++) {
		pst[c] = (struct dp_slave_stats){ 1, 100, 2, 3, 300, 4, (uint64_t)c * 10 + 5, 0, 0 };
		pbs[c] = (struct dp_bond_stats){ 1, 2, 30 };
	}
	ret = pst && pbs ? bpf_map_update_elem(dp_ebpf_map_fd(dp, DP_MAP_STATS), &key, pst, BPF_EXIST)
		: -ENOMEM;
	ret = ret ? ret : dp_ebpf_slave_stats(dp, slave, &st);
	check("dp_slave_stats_sum", ret == 0 && st.rx_packets == (uint64_t)ncpus &&
	      st.rx_bytes == 100u * (uint64_t)ncpus && st.rx_dropped == 2u * (uint64_t)ncpus &&
	      st.tx_packets == 3u * (uint64_t)ncpus && st.tx_bytes == 300u * (uint64_t)ncpus &&
	      st.tx_dropped == 4u * (uint64_t)ncpus &&
	      st.last_rx_ns == (uint64_t)(ncpus - 1) * 10 + 5,
	      "ret %d rx %llu last %llu (%d cpus)", ret, (unsigned long long)st.rx_packets,
	      (unsigned long long)st.last_rx_ns, ncpus);
	/* A second set_slave (new flags) keeps the counters. */
	s.flags |= DP_S_INACTIVE;
	ret = dp_ebpf_set_slave(dp, slave, &s);
	ret = ret ? ret : dp_ebpf_slave_stats(dp, slave, &st);
	check("dp_set_slave_keeps_stats", ret == 0 && st.rx_packets == (uint64_t)ncpus,
	      "ret %d rx %llu", ret, (unsigned long long)st.rx_packets);
	ret = pbs ? bpf_map_update_elem(dp_ebpf_map_fd(dp, DP_MAP_BSTATS), &zero, pbs, BPF_ANY)
		: -ENOMEM;
	ret = ret ? ret : dp_ebpf_bond_stats(dp, &bs);
	check("dp_bond_stats_sum", ret == 0 && bs.tx_no_slave == (uint64_t)ncpus &&
	      bs.tx_to_daemon == 2u * (uint64_t)ncpus &&
	      bs.tlb_unbalanced_bytes == 30u * (uint64_t)ncpus, "ret %d", ret);
	free(pst);
	free(pbs);

	ret = dp_ebpf_tlb_set(dp, 5, slave);
	check("dp_tlb_set", ret == 0 &&
	      bpf_map_lookup_elem(dp_ebpf_map_fd(dp, DP_MAP_TLB), &b5, &tb) == 0 &&
	      tb.slave_ifindex == (uint32_t)slave, "ret %d", ret);
	check("dp_tlb_set_range", dp_ebpf_tlb_set(dp, DP_TLB_BUCKETS, slave) == -EINVAL, "no -EINVAL");
	/* The program adds bytes; a take gives what came since the last. */
	tb.tx_bytes += 1000;
	bpf_map_update_elem(dp_ebpf_map_fd(dp, DP_MAP_TLB), &b5, &tb, BPF_EXIST);
	ret = dp_ebpf_tlb_take_bytes(dp, bytes);
	check("dp_tlb_take", ret == 0 && bytes[5] == 1000 && bytes[4] == 0, "ret %d bytes %llu",
	      ret, (unsigned long long)bytes[5]);
	ret = dp_ebpf_tlb_take_bytes(dp, bytes);
	check("dp_tlb_take_again_zero", ret == 0 && bytes[5] == 0, "bytes %llu",
	      (unsigned long long)bytes[5]);
	tb.tx_bytes += 500;
	bpf_map_update_elem(dp_ebpf_map_fd(dp, DP_MAP_TLB), &b5, &tb, BPF_EXIST);
	ret = dp_ebpf_tlb_set(dp, 5, 0);
	ret = ret ? ret : dp_ebpf_tlb_take_bytes(dp, bytes);
	check("dp_tlb_set_keeps_bytes", ret == 0 && bytes[5] == 500, "bytes %llu",
	      (unsigned long long)bytes[5]);

	/* A slave that goes: its entries go; a second delete says so. The
	 * next new slave takes its slot, with its counters zeroed. */
	{
		uint32_t k = 4242, slot;
		struct dp_slave_stats *one = calloc((size_t)ncpus, sizeof(*one));

		ret = dp_ebpf_set_slave(dp, 4242, &s);
		ret = ret ? ret : bpf_map_lookup_elem(dp_ebpf_map_fd(dp, DP_MAP_SLAVES), &k, &sb);
		slot = sb.slot;
		check("dp_second_slave_next_slot", ret == 0 && slot == 1, "ret %d slot %u", ret, slot);
		for (int c = 0; one && c < ncpus; c++)
			one[c].tx_packets = 9;
		if (one)
			bpf_map_update_elem(dp_ebpf_map_fd(dp, DP_MAP_STATS), &slot, one, BPF_EXIST);
		check("dp_del_slave", dp_ebpf_del_slave(dp, 4242) == 0 &&
		      dp_ebpf_del_slave(dp, 4242) == -ENOENT &&
		      dp_ebpf_slave_stats(dp, 4242, &st) == -ENOENT, "delete failed");
		k = 4243;
		ret = dp_ebpf_set_slave(dp, 4243, &s);
		ret = ret ? ret : bpf_map_lookup_elem(dp_ebpf_map_fd(dp, DP_MAP_SLAVES), &k, &sb);
		ret = ret ? ret : dp_ebpf_slave_stats(dp, 4243, &st);
		check("dp_slot_reused_zeroed", ret == 0 && sb.slot == slot && st.tx_packets == 0,
		      "ret %d slot %u tx %llu", ret, sb.slot, (unsigned long long)st.tx_packets);
		dp_ebpf_del_slave(dp, 4243);
		free(one);
	}
}

/* Without privileges the probe fails and says why. */
static void probe_unprivileged(void)
{
	char msg[600] = "";
	int pfd[2], st, ret = 0;
	pid_t pid;
	ssize_t n;

	if (pipe(pfd) < 0) {
		check("dp_probe_unprivileged", false, "pipe: %s", strerror(errno));
		return;
	}
	pid = fork();
	if (pid == 0) {
		struct err e;
		char line[600];

		err_clear(&e);
		close(pfd[0]);
		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
		    setresuid(65534, 65534, 65534) < 0)
			_exit(3);
		ret = dp_ebpf_probe(&e);
		snprintf(line, sizeof(line), "%d %s", ret, e.msg);
		_exit(write(pfd[1], line, strlen(line)) > 0 ? 0 : 4);
	}
	close(pfd[1]);
	n = pid > 0 ? read(pfd[0], msg, sizeof(msg) - 1) : -1;
	close(pfd[0]);
	if (pid > 0)
		waitpid(pid, &st, 0);
	msg[n > 0 ? n : 0] = '\0';
	ret = atoi(msg);
	check("dp_probe_unprivileged", ret < 0 && strstr(msg, "cannot load"), "said \"%s\"", msg);
	info("dp_ebpf_probe without privileges said: %s", msg);
}

/* Carrier hints (dp_abi.h): the learner finds each device's address; a
 * frame bond_tx sends to a slave whose peer is down (no carrier) writes one
 * record, at most one per CPU a millisecond; with the carrier on, none. */
struct hint_seen {
	unsigned n;
	struct dp_hint last;
};

static void hint_cb(const struct dp_hint *h, void *arg)
{
	struct hint_seen *seen = arg;

	seen->n++;
	seen->last = *h;
}

static void send_on_tap(int tap_idx, unsigned n)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_ifindex = tap_idx, .sll_halen = 6 };
	uint8_t f[60] = { 2, 0xb0, 0xde, 0, 0, 9, 2, 0xb0, 0xde, 0, 0, 8, 0x08, 0x00 };
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	for (unsigned i = 0; i < n; i++)
		if (sendto(fd, f, sizeof(f), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
			break;
	close(fd);
}

static void dp_hints(struct dp_ebpf *dp, int tap_idx, int slave)
{
	struct dp_cfg cfg = { .gen = 9, .tx_kind = DP_TX_ACTIVE, .flags = DP_F_UP, .n_tx = 1 }, was;
	struct dp_slave ent = { .flags = DP_S_CAN_TX };
	struct dp_dev_addr a, a2, lo;
	struct hint_seen seen = { 0 };
	struct rtnl_link p3;
	struct rtnl *rb;
	struct err err = { 0 };
	int ncpus = libbpf_num_possible_cpus(), ret;

	check("hints_on", dp_ebpf_hints(dp) && dp_ebpf_hints_fd(dp) >= 0, "off: %s",
	      dp_ebpf_hints_why() ? dp_ebpf_hints_why() : "(no ring)");
	ret = devaddr_learn(slave, &a, &err);
	check("devaddr_learn", ret == 0 && a.dev && a.ifindex == (uint32_t)slave &&
	      a.cfg.state_off && a.cfg.down_bits && a.cfg.up_bits, "%s", err.msg);
	devaddr_learn(slave, &a2, &err);
	devaddr_learn(0, &lo, &err);
	check("devaddr_stable_and_distinct", a2.dev == a.dev && lo.dev && lo.dev != a.dev &&
	      lo.ifindex == 1, "%llx %llx lo %llx", (unsigned long long)a.dev,
	      (unsigned long long)a2.dev, (unsigned long long)lo.dev);
	ret = devaddr_learn(ifindex_of("bdt-s3") + 100000, &a2, &err);
	check("devaddr_no_device", ret == -ENODEV && !a2.dev, "got %d: %s", ret, err.msg);
	if (!dp_ebpf_hints(dp) || !a.dev)
		return;
	cfg.active_ifindex = cfg.tx[0] = (uint32_t)slave;
	if (dp_ebpf_read_cfg(dp, &was) < 0 || dp_ebpf_set_slave(dp, slave, &ent) < 0 || dp_ebpf_slave_dev(dp, slave, a.dev) < 0 ||
	    dp_ebpf_write_cfg(dp, &cfg) < 0) {
		check("hints_maps", false, "cannot write the maps");
		return;
	}
	/* carrier on: frames leave on the slave, no hint */
	send_on_tap(tap_idx, 5);
	dp_ebpf_hints_take(dp, hint_cb, &seen);
	check("hint_none_with_carrier", seen.n == 0, "%u hints", seen.n);
	enter_peer();
	rb = rtnl_open(false, &err);
	if (rb && rtnl_link_get(rb, "bdt-p3", &p3, &err) == 0)
		rtnl_link_set_flags(rb, p3.ifindex, 0, IFF_UP, &err);
	enter_self();
	if (!rb) {
		check("hint_peer_rtnl", false, "%s", err.msg);
		dp_ebpf_del_slave(dp, slave);
		return;
	}
	send_on_tap(tap_idx, 20);
	ret = dp_ebpf_hints_take(dp, hint_cb, &seen);
	check("hint_on_no_carrier", ret >= 1 && seen.n >= 1 && seen.n <= (unsigned)ncpus + 1 &&
	      seen.last.ifindex == (uint32_t)slave && (seen.last.state & a.cfg.down_bits) &&
	      seen.last.ts_ns, "%d read, %u hints (%d CPUs), ifindex %u state %llx", ret, seen.n,
	      ncpus, seen.last.ifindex, (unsigned long long)seen.last.state);
	/* a slave the daemon has no address for: nothing to read, no hint */
	dp_ebpf_slave_dev(dp, slave, 0);
	usleep(1100);
	seen.n = 0;
	send_on_tap(tap_idx, 5);
	dp_ebpf_hints_take(dp, hint_cb, &seen);
	check("hint_none_without_address", seen.n == 0, "%u hints", seen.n);
	enter_peer();
	rtnl_link_set_flags(rb, p3.ifindex, IFF_UP, IFF_UP, &err);
	rtnl_close(rb);
	enter_self();
	dp_ebpf_del_slave(dp, slave);
	dp_ebpf_write_cfg(dp, &was);
	for (int i = 0; i < 100 && ethtool_carrier("bdt-s3") != 1; i++)
		sleep_ms(10);
}

static void test_ebpf(void)
{
	char out[4096];
	struct dp_cfg cfg, back;
	struct dp_slave_stats st;
	struct dp_ebpf *dp;
	struct err err;
	uint32_t ids[6], tx_id, rx_id;
	bool existed = true, created = false;
	int tap, tap_idx, s2 = ifindex_of("bdt-s2"), s3 = ifindex_of("bdt-s3"), ret;

	err_clear(&err);
	ret = dp_ebpf_probe(&err);
	check("dp_probe", ret == 0, "%s", err.msg);
	if (ret < 0)
		return;
	probe_unprivileged();
	tap = tap_attach(DP_TAP, &existed, &err);
	check("dp_tap_new_not_existed", tap >= 0 && !existed, "fd %d existed %d %s", tap, existed,
	      err.msg);
	if (tap < 0)
		return;
	tap_idx = ifindex_of(DP_TAP);
	sh(NULL, 0, "ip link set dev %s up", DP_TAP);

	dp = dp_ebpf_create(DP_BOND, tap_idx, &err);
	check("dp_create", dp != NULL, "%s", err.msg);
	if (!dp)
		goto out;
	tx_id = tc_prog(tap_idx, false);
	sh(out, sizeof(out), "tc filter show dev %s egress", DP_TAP);
	check("dp_create_attaches_tx", tx_id && strstr(out, "bond_tx") && strstr(out, "0xb0de") &&
	      strstr(out, "direct-action"), "id %u tc: %s", tx_id, out);
	check("dp_create_pins", dp_ebpf_pinned(dp) && pins_present(), "pinned %d",
	      dp_ebpf_pinned(dp));
	dp_maps(dp, s2);
	dp_hints(dp, tap_idx, s3);

	ret = dp_ebpf_attach_rx(dp, s2, &created, &err);
	rx_id = tc_prog(s2, true);
	check("dp_attach_rx", ret == 0 && created && rx_id && dp_ebpf_rx_attached(s2) &&
	      has_clsact("bdt-s2"), "ret %d created %d id %u: %s", ret, created, rx_id, err.msg);
	ret = dp_ebpf_attach_rx(dp, s2, &created, &err);
	check("dp_attach_rx_again_replaces", ret == 0 && !created && tc_prog(s2, true) == rx_id,
	      "ret %d created %d: %s", ret, created, err.msg);

	/* A clsact (and filter) that was there before stays. */
	sh(NULL, 0, "tc qdisc add dev bdt-s3 clsact && "
	   "tc filter add dev bdt-s3 ingress pref 1 handle 1 bpf da bytecode '1,6 0 0 0,'");
	ret = dp_ebpf_attach_rx(dp, s3, &created, &err);
	check("dp_attach_rx_foreign_clsact", ret == 0 && !created && dp_ebpf_rx_attached(s3),
	      "ret %d created %d: %s", ret, created, err.msg);
	ret = dp_ebpf_detach_rx(dp, s3, true, &err);
	sh(out, sizeof(out), "tc filter show dev bdt-s3 ingress");
	check("dp_detach_rx_keeps_foreign", ret == 0 && !dp_ebpf_rx_attached(s3) &&
	      has_clsact("bdt-s3") && strstr(out, "bytecode"), "ret %d: %s; tc: %s", ret,
	      err.msg, out);
	sh(NULL, 0, "tc qdisc del dev bdt-s3 clsact");

	for (int i = 0; i < 6; i++)
		ids[i] = fd_id(dp_ebpf_map_fd(dp, (const char *[]){ DP_MAP_CFG, DP_MAP_SLAVES,
			DP_MAP_STATS, DP_MAP_TLB, DP_MAP_RR, DP_MAP_BSTATS }[i]));
	dp_ebpf_read_cfg(dp, &cfg);

	/* close: everything stays; adopt finds the same maps. */
	dp_ebpf_close(dp);
	check("dp_close_leaves_filters", tc_prog(tap_idx, false) == tx_id &&
	      tc_prog(s2, true) == rx_id && pins_present(), "filters or pins gone");
	dp = dp_ebpf_adopt(DP_BOND, tap_idx, &err);
	check("dp_adopt", dp != NULL, "%s", err.msg);
	if (!dp)
		goto out;
	{
		bool same = true;

		for (int i = 0; i < 6; i++)
			same &= fd_id(dp_ebpf_map_fd(dp, (const char *[]){ DP_MAP_CFG, DP_MAP_SLAVES,
				DP_MAP_STATS, DP_MAP_TLB, DP_MAP_RR, DP_MAP_BSTATS }[i])) == ids[i];
		check("dp_adopt_same_maps", same, "map ids differ");
	}
	check("dp_adopt_keeps_contents", dp_ebpf_read_cfg(dp, &back) == 0 &&
	      !memcmp(&cfg, &back, sizeof(cfg)) && back.gen == 7 &&
	      dp_ebpf_slave_stats(dp, s2, &st) == 0 && st.rx_packets > 0, "cfg gen %u", back.gen);
	check("dp_adopt_keeps_hints", dp_ebpf_hints(dp) && dp_ebpf_hints_fd(dp) >= 0,
	      "the adopted program's dp_hint reads as off");
	check("dp_adopt_keeps_filter", tc_prog(tap_idx, false) == tx_id && dp_ebpf_pinned(dp),
	      "tx id %u", tc_prog(tap_idx, false));
	/* Write, let go, adopt without pins (as under ip netns exec after a
	 * restart): through the program's ids alone. */
	cfg.gen = 8;
	dp_ebpf_write_cfg(dp, &cfg);
	dp_ebpf_close(dp);
	pins_unlink();
	dp = dp_ebpf_adopt(DP_BOND, tap_idx, &err);
	check("dp_adopt_without_pins", dp && dp_ebpf_read_cfg(dp, &back) == 0 && back.gen == 8,
	      "%s", err.msg);
	if (!dp)
		goto out;
	check("dp_adopt_pins_again", dp_ebpf_pinned(dp) && pins_present(), "not pinned");
	/* The receive program found again is the one the slave runs. */
	ret = dp_ebpf_attach_rx(dp, s2, &created, &err);
	check("dp_adopt_same_rx_prog", ret == 0 && tc_prog(s2, true) == rx_id, "id %u want %u: %s",
	      tc_prog(s2, true), rx_id, err.msg);

	/* The daemon's journal knows it created the slave's clsact: it
	 * detaches with that flag; a new attach creates it again and
	 * destroy (below) then removes it. */
	ret = dp_ebpf_detach_rx(dp, s2, true, &err);
	check("dp_detach_rx_removes_qdisc", ret == 0 && !dp_ebpf_rx_attached(s2) &&
	      !has_clsact("bdt-s2"), "ret %d: %s", ret, err.msg);
	ret = dp_ebpf_attach_rx(dp, s2, &created, &err);
	check("dp_attach_rx_creates_again", ret == 0 && created, "ret %d: %s", ret, err.msg);

	/* The TAP persists with the filter on it, without any fd. */
	check("dp_tap_persist_on", tap_set_persist(tap, true) == 0, "TUNSETPERSIST: %s",
	      strerror(errno));
	tap_close(tap);
	tap = -1;
	check("dp_tap_persists", ifindex_of(DP_TAP) == tap_idx && tc_prog(tap_idx, false) == tx_id,
	      "TAP or filter gone");
	tap = tap_attach(DP_TAP, &existed, &err);
	check("dp_tap_reopen_existed", tap >= 0 && existed && ifindex_of(DP_TAP) == tap_idx,
	      "fd %d existed %d: %s", tap, existed, err.msg);

	/* destroy: filters, pins and the qdiscs we created go. */
	dp_ebpf_destroy(dp);
	check("dp_destroy", !tc_prog(tap_idx, false) && !has_clsact(DP_TAP) &&
	      !dp_ebpf_rx_attached(s2) && !has_clsact("bdt-s2") && !pins_present(),
	      "tx %u clsact %d/%d rx %d pins %d", tc_prog(tap_idx, false), has_clsact(DP_TAP),
	      has_clsact("bdt-s2"), dp_ebpf_rx_attached(s2), pins_present());
	dp = dp_ebpf_adopt(DP_BOND, tap_idx, &err);
	check("dp_adopt_nothing", !dp && err.code == -ENOENT, "code %d: %s", err.code, err.msg);
	dp_ebpf_close(dp);

	/* Leftovers nobody adopts. */
	dp = dp_ebpf_create(DP_BOND, tap_idx, &err);
	if (dp && dp_ebpf_attach_rx(dp, s2, &created, &err) < 0)
		check("dp_leftover_setup", false, "%s", err.msg);
	dp_ebpf_close(dp);
	err_clear(&err);
	ret = dp_ebpf_remove_leftover(DP_BOND, tap_idx, &err);
	ret = ret ? ret : dp_ebpf_detach_rx(NULL, s2, true, &err);
	check("dp_remove_leftover", dp && ret == 0 && !tc_prog(tap_idx, false) &&
	      !has_clsact(DP_TAP) && !pins_present() && !dp_ebpf_rx_attached(s2) &&
	      !has_clsact("bdt-s2"), "ret %d: %s", ret, err.msg);
	dp = dp_ebpf_adopt(DP_BOND, tap_idx, &err);
	check("dp_adopt_after_leftover", !dp && err.code == -ENOENT, "code %d", err.code);
	dp_ebpf_close(dp);

	/* Nothing kept the receive program (no slave, no pin): adoption
	 * loads it again on the adopted maps. */
	dp = dp_ebpf_create(DP_BOND, tap_idx, &err);
	dp_ebpf_close(dp);
	pins_unlink();
	dp = dp_ebpf_adopt(DP_BOND, tap_idx, &err);
	ret = dp ? dp_ebpf_attach_rx(dp, s2, &created, &err) : -1;
	{
		uint32_t map_ids[32], cfg_id = dp ? fd_id(dp_ebpf_map_fd(dp, DP_MAP_CFG)) : 0;
		struct bpf_prog_info pi;
		uint32_t len = sizeof(pi);
		int fd = bpf_prog_get_fd_by_id(tc_prog(s2, true));
		bool has_cfg = false;

		memset(&pi, 0, sizeof(pi));
		pi.nr_map_ids = 32;
		pi.map_ids = (uint64_t)(uintptr_t)map_ids;
		if (fd >= 0 && bpf_obj_get_info_by_fd(fd, &pi, &len) == 0)
			for (uint32_t i = 0; i < pi.nr_map_ids && i < 32; i++)
				has_cfg |= map_ids[i] == cfg_id;
		if (fd >= 0)
			close(fd);
		check("dp_adopt_reloads_rx", ret == 0 && has_cfg && !strcmp(pi.name, DP_PROG_RX),
		      "ret %d name %s has_cfg %d: %s", ret, pi.name, has_cfg, err.msg);
	}
	dp_ebpf_destroy(dp);
	dp = NULL;
	check("dp_destroy_again", !tc_prog(tap_idx, false) && !dp_ebpf_rx_attached(s2) &&
	      !has_clsact("bdt-s2") && !has_clsact(DP_TAP), "leftovers");

	/* A daemon killed (SIGKILL) right after programming the maps. */
	pid_t pid = fork();

	if (pid == 0) {
		struct dp_ebpf *c = dp_ebpf_create(DP_BOND, tap_idx, NULL);
		struct dp_cfg cc = { .gen = 9, .flags = DP_F_UP };

		if (!c || dp_ebpf_write_cfg(c, &cc) < 0 || dp_ebpf_attach_rx(c, s2, &created, NULL) < 0)
			_exit(1);
		kill(getpid(), SIGKILL);
		_exit(1);
	}
	if (pid > 0) {
		int status = 0;

		waitpid(pid, &status, 0);
		dp = dp_ebpf_adopt(DP_BOND, tap_idx, &err);
		check("dp_adopt_after_sigkill", WIFSIGNALED(status) && dp && dp_ebpf_read_cfg(dp, &back) == 0 &&
		      back.gen == 9 && dp_ebpf_rx_attached(s2), "status 0x%x: %s", status, err.msg);
	}
	/* Another program on our handle: not ours to adopt. */
	if (dp) {
		int rx_fd = bpf_prog_get_fd_by_id(tc_prog(s2, true));
		LIBBPF_OPTS(bpf_tc_hook, h, .ifindex = tap_idx, .attach_point = BPF_TC_EGRESS);
		LIBBPF_OPTS(bpf_tc_opts, o, .handle = DP_EBPF_HANDLE, .priority = DP_EBPF_PRIO,
			    .prog_fd = rx_fd, .flags = BPF_TC_F_REPLACE);

		ret = rx_fd >= 0 ? bpf_tc_attach(&h, &o) : rx_fd;
		if (rx_fd >= 0)
			close(rx_fd);
		dp_ebpf_close(dp);
		pins_unlink();
		dp = dp_ebpf_adopt(DP_BOND, tap_idx, &err);
		check("dp_adopt_refuses_foreign", ret == 0 && !dp && err.code == -EPROTO,
		      "attach %d code %d: %s", ret, err.code, err.msg);
		info("dp_ebpf_adopt of a foreign program said: %s", err.msg);
		dp_ebpf_close(dp);
		dp = NULL;
		ret = dp_ebpf_remove_leftover(DP_BOND, tap_idx, &err);
		ret = ret ? ret : dp_ebpf_detach_rx(NULL, s2, true, &err);
		check("dp_remove_foreign_leftover", ret == 0 && !tc_prog(tap_idx, false) &&
		      !has_clsact(DP_TAP) && !has_clsact("bdt-s2"), "ret %d: %s", ret, err.msg);
	}
out:
	dp_ebpf_destroy(dp);
	if (tap >= 0) {
		check("dp_tap_persist_off", tap_set_persist(tap, false) == 0, "TUNSETPERSIST 0");
		tap_close(tap);
	}
	check("dp_tap_gone", ifindex_of(DP_TAP) == 0, "TAP still there");
}

/* ---- the kernel data path's VLAN sub-interfaces ------------------------- */

/* bond DP_BOND on the TAP bdt-tap2 with slave bdt-s2 (peer bdt-p2 in B),
 * and the VLAN sub-interface 100 on the TAP bdt-vtap2: the filters and maps
 * dp_ebpf_vlan_add/del write, what adoption and destroy do with them, and
 * frames through them both ways. */
#define DP_VTAP "bdt-vtap2"
#define DP_VID 100

static bool vlan_entry(struct dp_ebpf *dp, uint32_t vid, struct dp_vlan *v)
{
	return bpf_map_lookup_elem(dp_ebpf_map_fd(dp, DP_MAP_VLANS), &vid, v) == 0;
}

static bool vlan_if_entry(struct dp_ebpf *dp, uint32_t ifindex, struct dp_vlan_if *vi)
{
	return bpf_map_lookup_elem(dp_ebpf_map_fd(dp, DP_MAP_VLAN_IFS), &ifindex, vi) == 0;
}

/* A frame of TEST_ETHERTYPE to everyone from src, carrying mark, with an
 * 802.1Q tag inline when vid > 0, after the virtio header. */
static size_t vlan_frame(uint8_t *f, const uint8_t src[6], int vid, const char *mark)
{
	uint8_t *p = f + VNET_HDR_LEN;
	size_t off = 12;

	memset(f, 0, VNET_HDR_LEN + 128);
	memset(p, 0xff, 6);
	memcpy(p + 6, src, 6);
	if (vid > 0) {
		p[off++] = 0x81;
		p[off++] = 0x00;
		p[off++] = (uint8_t)(vid >> 8);
		p[off++] = (uint8_t)vid;
	}
	p[off++] = TEST_ETHERTYPE >> 8;
	p[off++] = TEST_ETHERTYPE & 0xff;
	memcpy(p + off + 40, mark, strlen(mark));
	return VNET_HDR_LEN + off + 40 + strlen(mark);
}

/* Waits up to ms for the frame carrying mark on the packet socket fd:
 * true when it came; *tci is its out-of-band tag (PACKET_AUXDATA; -1 for
 * none) and *type the type field in its bytes. */
static bool recv_mark(int fd, const char *mark, int ms, int *tci, unsigned *type)
{
	static uint8_t buf[4096];
	double end = now_s() + ms / 1000.0;

	while (now_s() < end) {
		union {
			struct cmsghdr c;
			char b[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
		} ctl;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &ctl,
				     .msg_controllen = sizeof(ctl) };
		struct pollfd p = { fd, POLLIN, 0 };
		struct cmsghdr *c;
		ssize_t got;

		if (poll(&p, 1, 20) <= 0)
			continue;
		got = recvmsg(fd, &mh, 0);
		if (got < VNET_HDR_LEN + 14 || !memmem(buf, (size_t)got, mark, strlen(mark)))
			continue;
		*tci = -1;
		*type = (unsigned)(buf[VNET_HDR_LEN + 12] << 8 | buf[VNET_HDR_LEN + 13]);
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			const struct tpacket_auxdata *a = (const void *)CMSG_DATA(c);

			if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA &&
			    (a->tp_status & TP_STATUS_VLAN_VALID))
				*tci = a->tp_vlan_tci;
		}
		return true;
	}
	return false;
}

static void test_ebpf_vlan(void)
{
	static const uint8_t SRC[6] = { 2, 0xb0, 0xde, 0, 0, 0x64 };
	struct dp_vlan_stats vs;
	struct dp_slave ent = { .flags = DP_S_CAN_TX };
	struct dp_vlan v;
	struct dp_vlan_if vi;
	struct dp_cfg cfg;
	struct dp_ebpf *dp = NULL;
	struct err err;
	uint8_t f[VNET_HDR_LEN + 128];
	char out[4096];
	bool existed, created;
	int tap = -1, vtap = -1, tap_idx, vtap_idx, s2 = ifindex_of("bdt-s2"), ret, tci;
	int fv = -1, ft = -1, fb = -1;
	uint32_t vtx_id;
	unsigned type;
	size_t n;

	err_clear(&err);
	tap = tap_attach(DP_TAP, &existed, &err);
	vtap = tap < 0 ? -1 : tap_attach(DP_VTAP, &existed, &err);
	check("dpv_taps", tap >= 0 && vtap >= 0, "%s", err.msg);
	if (tap < 0 || vtap < 0)
		goto out;
	tap_idx = ifindex_of(DP_TAP);
	vtap_idx = ifindex_of(DP_VTAP);
	sh(NULL, 0, "ip link set dev %s up && ip link set dev %s up", DP_TAP, DP_VTAP);
	dp = dp_ebpf_create(DP_BOND, tap_idx, &err);
	check("dpv_create", dp != NULL, "%s", err.msg);
	if (!dp)
		goto out;

	/* bad requests change nothing */
	ret = dp_ebpf_vlan_add(dp, 0, vtap_idx, &err);
	check("dpv_add_vid0", ret == -EINVAL && err.code == -EINVAL, "ret %d", ret);
	info("dp_ebpf_vlan_add(vid 0) said: %s", err.msg);
	ret = dp_ebpf_vlan_add(dp, 4095, vtap_idx, &err);
	check("dpv_add_vid4095", ret == -EINVAL, "ret %d", ret);
	ret = dp_ebpf_vlan_add(dp, DP_VID, 0, &err);
	check("dpv_add_no_tap", ret == -EINVAL, "ret %d", ret);
	check("dpv_bad_add_changes_nothing", !tc_prog(vtap_idx, false) && !has_clsact(DP_VTAP) &&
	      !vlan_if_entry(dp, (uint32_t)vtap_idx, &vi) && vlan_entry(dp, DP_VID, &v) &&
	      v.ifindex == 0, "filter %u", tc_prog(vtap_idx, false));
	ret = dp_ebpf_vlan_del(dp, DP_VID, vtap_idx, &err);
	check("dpv_del_unknown", ret == -ENOENT, "ret %d: %s", ret, err.msg);

	ret = dp_ebpf_vlan_add(dp, DP_VID, vtap_idx, &err);
	vtx_id = tc_prog(vtap_idx, false);
	sh(out, sizeof(out), "tc filter show dev %s egress", DP_VTAP);
	check("dpv_add_attaches", ret == 0 && vtx_id && strstr(out, DP_PROG_VLAN_TX) &&
	      strstr(out, "0xb0de") && strstr(out, "direct-action"), "ret %d %s; tc: %s", ret,
	      err.msg, out);
	check("dpv_add_maps", vlan_entry(dp, DP_VID, &v) && v.ifindex == (uint32_t)vtap_idx &&
	      vlan_if_entry(dp, (uint32_t)vtap_idx, &vi) && vi.vid == DP_VID && vi.slot == v.slot &&
	      v.slot < DP_MAX_VLANS, "dp_vlans %u/%u dp_vlan_ifs %u/%u", v.ifindex, v.slot, vi.vid,
	      vi.slot);
	ret = dp_ebpf_vlan_stats(dp, DP_VID, &vs);
	check("dpv_stats_zero", ret == 0 && !vs.rx_packets && !vs.tx_packets, "ret %d", ret);
	check("dpv_stats_unknown", dp_ebpf_vlan_stats(dp, 200, &vs) == -ENOENT, "not -ENOENT");

	/* frames: the bond on bdt-s2, active-backup */
	memset(&cfg, 0, sizeof(cfg));
	cfg.flags = DP_F_UP;
	cfg.tx_kind = DP_TX_ACTIVE;
	cfg.active_ifindex = (uint32_t)s2;
	cfg.tap_ifindex = (uint32_t)tap_idx;
	ret = dp_ebpf_write_cfg(dp, &cfg);
	ret = ret ? ret : dp_ebpf_set_slave(dp, s2, &ent);
	ret = ret ? ret : dp_ebpf_attach_rx(dp, s2, &created, &err);
	fv = packet_open(vtap_idx, &err);
	ft = fv < 0 ? -1 : packet_open(tap_idx, &err);
	enter_peer();
	fb = ft < 0 ? -1 : packet_open(ifindex_of("bdt-p2"), &err);
	enter_self();
	check("dpv_traffic_setup", ret == 0 && fv >= 0 && ft >= 0 && fb >= 0, "ret %d: %s", ret,
	      err.msg);
	if (ret < 0 || fv < 0 || ft < 0 || fb < 0)
		goto out;
	/* out: sent on the VLAN TAP, on the wire tagged 100 */
	n = vlan_frame(f, SRC, 0, "bdtVTX");
	ret = write(fv, f, n) == (ssize_t)n;
	check("dpv_tx_tagged", ret && recv_mark(fb, "bdtVTX", 1000, &tci, &type) &&
	      tci == DP_VID && type == TEST_ETHERTYPE, "sent %d tci %d type 0x%x", ret, tci, type);
	n = vlan_frame(f, SRC, 0, "bdtBTX");
	ret = write(ft, f, n) == (ssize_t)n;
	check("dpv_bond_tx_untagged", ret && recv_mark(fb, "bdtBTX", 1000, &tci, &type) &&
	      tci == -1 && type == TEST_ETHERTYPE, "sent %d tci %d type 0x%x", ret, tci, type);
	/* in: VLAN 100 to its TAP untagged; VLAN 200 and untagged to the bond */
	n = vlan_frame(f, SRC, DP_VID, "bdtVRX");
	ret = write(fb, f, n) == (ssize_t)n;
	check("dpv_rx_to_vlan_untagged", ret && recv_mark(fv, "bdtVRX", 1000, &tci, &type) &&
	      tci == -1 && type == TEST_ETHERTYPE, "sent %d tci %d type 0x%x", ret, tci, type);
	check("dpv_rx_vlan_not_on_bond", !recv_mark(ft, "bdtVRX", 200, &tci, &type), "seen on %s",
	      DP_TAP);
	n = vlan_frame(f, SRC, 200, "bdtV200");
	ret = write(fb, f, n) == (ssize_t)n;
	check("dpv_rx_other_vid_to_bond", ret && recv_mark(ft, "bdtV200", 1000, &tci, &type) &&
	      (tci & 0xfff) == 200, "sent %d tci %d", ret, tci);
	check("dpv_rx_other_vid_not_on_vlan", !recv_mark(fv, "bdtV200", 200, &tci, &type),
	      "seen on %s", DP_VTAP);
	n = vlan_frame(f, SRC, 0, "bdtUNT");
	ret = write(fb, f, n) == (ssize_t)n;
	check("dpv_rx_untagged_to_bond", ret && recv_mark(ft, "bdtUNT", 1000, &tci, &type) &&
	      tci == -1, "sent %d tci %d", ret, tci);
	ret = dp_ebpf_vlan_stats(dp, DP_VID, &vs);
	check("dpv_stats_count", ret == 0 && vs.tx_packets >= 1 && vs.rx_packets == 1 &&
	      vs.tx_bytes >= n - VNET_HDR_LEN, "ret %d tx %llu rx %llu", ret,
	      (unsigned long long)vs.tx_packets, (unsigned long long)vs.rx_packets);

	/* let go and adopt: the VLAN's filter, entries and counters stay;
	 * adding it again keeps the program (found, not loaded anew) */
	dp_ebpf_close(dp);
	check("dpv_close_leaves_filter", tc_prog(vtap_idx, false) == vtx_id, "filter %u",
	      tc_prog(vtap_idx, false));
	dp = dp_ebpf_adopt(DP_BOND, tap_idx, &err);
	check("dpv_adopt", dp != NULL, "%s", err.msg);
	if (!dp)
		goto out;
	ret = dp_ebpf_vlan_stats(dp, DP_VID, &vs);
	check("dpv_adopt_keeps_entries", ret == 0 && vs.rx_packets == 1 &&
	      vlan_entry(dp, DP_VID, &v) && v.ifindex == (uint32_t)vtap_idx, "ret %d", ret);
	ret = dp_ebpf_vlan_add(dp, DP_VID, vtap_idx, &err);
	check("dpv_readd_same_prog", ret == 0 && tc_prog(vtap_idx, false) == vtx_id, "ret %d %s",
	      ret, err.msg);
	ret = dp_ebpf_vlan_stats(dp, DP_VID, &vs);
	check("dpv_readd_keeps_counters", ret == 0 && vs.rx_packets == 1, "rx %llu",
	      (unsigned long long)vs.rx_packets);
	/* without pins: the program is found through the kernel's list */
	dp_ebpf_close(dp);
	pins_unlink();
	dp = dp_ebpf_adopt(DP_BOND, tap_idx, &err);
	ret = dp ? dp_ebpf_vlan_add(dp, DP_VID, vtap_idx, &err) : -1;
	check("dpv_adopt_without_pins", ret == 0 && tc_prog(vtap_idx, false) == vtx_id,
	      "ret %d id %u want %u: %s", ret, tc_prog(vtap_idx, false), vtx_id, err.msg);
	n = vlan_frame(f, SRC, 0, "bdtVTX2");
	ret = write(fv, f, n) == (ssize_t)n;
	check("dpv_adopted_tx_tagged", ret && recv_mark(fb, "bdtVTX2", 1000, &tci, &type) &&
	      tci == DP_VID, "sent %d tci %d", ret, tci);
	/* destroy after adoption, the VLAN not added again: its filter goes
	 * (the slave's is the caller's, with the journal's flag) */
	dp_ebpf_close(dp);
	dp = dp_ebpf_adopt(DP_BOND, tap_idx, &err);
	dp_ebpf_detach_rx(dp, s2, true, &err);
	dp_ebpf_destroy(dp);
	dp = NULL;
	check("dpv_destroy_adopted", !tc_prog(vtap_idx, false) && !has_clsact(DP_VTAP) &&
	      !tc_prog(tap_idx, false) && !dp_ebpf_rx_attached(s2) && !has_clsact("bdt-s2"),
	      "vtap filter %u clsact %d", tc_prog(vtap_idx, false), has_clsact(DP_VTAP));

	/* vlan_del: the filter and entries go, VLAN 100 is the bond's again */
	dp = dp_ebpf_create(DP_BOND, tap_idx, &err);
	ret = dp ? dp_ebpf_write_cfg(dp, &cfg) : -1;
	ret = ret ? ret : dp_ebpf_set_slave(dp, s2, &ent);
	ret = ret ? ret : dp_ebpf_attach_rx(dp, s2, &created, &err);
	ret = ret ? ret : dp_ebpf_vlan_add(dp, DP_VID, vtap_idx, &err);
	ret = ret ? ret : dp_ebpf_vlan_del(dp, DP_VID, vtap_idx, &err);
	check("dpv_del", ret == 0 && !tc_prog(vtap_idx, false) && !has_clsact(DP_VTAP) &&
	      vlan_entry(dp, DP_VID, &v) && v.ifindex == 0 &&
	      !vlan_if_entry(dp, (uint32_t)vtap_idx, &vi) &&
	      dp_ebpf_vlan_stats(dp, DP_VID, &vs) == -ENOENT, "ret %d: %s", ret, err.msg);
	check("dpv_del_again", dp && dp_ebpf_vlan_del(dp, DP_VID, vtap_idx, &err) == -ENOENT,
	      "not -ENOENT");
	n = vlan_frame(f, SRC, DP_VID, "bdtVDEL");
	ret = write(fb, f, n) == (ssize_t)n;
	check("dpv_after_del_to_bond", ret && recv_mark(ft, "bdtVDEL", 1000, &tci, &type) &&
	      (tci & 0xfff) == DP_VID, "sent %d tci %d", ret, tci);

	/* a VLAN TAP gone while no daemon ran: adoption drops its entries */
	ret = dp ? dp_ebpf_vlan_add(dp, DP_VID, vtap_idx, &err) : -1;
	dp_ebpf_close(dp);
	dp = NULL;
	packet_close(fv);
	fv = -1;
	tap_close(vtap);
	vtap = -1;
	dp = dp_ebpf_adopt(DP_BOND, tap_idx, &err);
	check("dpv_adopt_drops_stale", ret == 0 && dp && ifindex_of(DP_VTAP) == 0 &&
	      vlan_entry(dp, DP_VID, &v) && v.ifindex == 0 &&
	      !vlan_if_entry(dp, (uint32_t)vtap_idx, &vi), "ret %d: %s", ret, err.msg);
out:
	dp_ebpf_detach_rx(dp, s2, true, &err);
	dp_ebpf_destroy(dp);
	packet_close(fv);
	packet_close(ft);
	packet_close(fb);
	if (vtap >= 0)
		tap_close(vtap);
	if (tap >= 0)
		tap_close(tap);
	check("dpv_cleaned_up", ifindex_of(DP_VTAP) == 0 && ifindex_of(DP_TAP) == 0 &&
	      !dp_ebpf_rx_attached(s2) && !has_clsact("bdt-s2") && !pins_present(),
	      "leftovers");
}

/* ---- control-frame socket filter ----------------------------------------- */

static size_t ctl_frame(uint8_t *f, uint16_t type, bool tagged, const char *mark)
{
	uint8_t *p = f + VNET_HDR_LEN;
	size_t off = 12;

	memset(f, 0, VNET_HDR_LEN + 128);
	memset(p, 0xff, 6);
	memcpy(p + 6, (uint8_t[]){ 2, 0xb0, 0xde, 0, 0, 9 }, 6);
	if (tagged) {
		p[off++] = 0x81, p[off++] = 0x00, p[off++] = 0x00, p[off++] = 0x05;
	}
	p[off++] = (uint8_t)(type >> 8);
	p[off++] = (uint8_t)type;
	memcpy(p + off + 60, mark, strlen(mark));
	return VNET_HDR_LEN + off + 60 + strlen(mark);
}

static size_t v6_frame(uint8_t *f, uint8_t nh, uint8_t icmp_type, const char *mark)
{
	size_t n = ctl_frame(f, 0x86dd, false, mark);
	uint8_t *ip = f + VNET_HDR_LEN + 14;

	ip[0] = 0x60;
	ip[5] = 24 + (uint8_t)strlen(mark);
	ip[6] = nh;
	ip[7] = 255;
	ip[40] = icmp_type;
	return n;
}

static unsigned send_ctl(int fd, const uint8_t *f, size_t n)
{
	if (write(fd, f, n) == (ssize_t)n)
		return 1;
	info("sockf: sending a %zu-byte frame of type 0x%02x%02x: %s", n, f[VNET_HDR_LEN + 12],
	     f[VNET_HDR_LEN + 13], strerror(errno));
	return 0;
}

static void test_sock_filter(struct rtnl *r)
{
	static uint8_t buf[FRAME_BUF];
	static const char *const marks[] = { "bdtARP", "bdtSLOW", "bdtNS", "bdtNA", "bdtVARP",
		"bdtUDP", "bdtPING6", "bdtNSEXT" };
	static const bool want[] = { true, true, true, true, true, false, false, false };
	bool seen[ARRAY_SIZE(marks)] = { false };
	uint8_t f[VNET_HDR_LEN + 128];
	struct rtnl_link pl;
	struct err err;
	int fa, fb, bad = 0, ret;
	unsigned sent = 0;
	size_t n;
	double end;

	err_clear(&err);
	fa = packet_open(ifindex_of("bdt-s2"), &err);
	ret = fa < 0 ? -1 : dp_ebpf_sock_filter(fa, &err);
	check("sockf_attach", ret == 0, "%s", err.msg);
	if (ret < 0) {
		packet_close(fa);
		return;
	}
	/* What came before the filter. */
	while (recv(fa, buf, sizeof(buf), 0) > 0)
		;
	enter_peer();
	{
		struct rtnl *rb = rtnl_open(false, &err);

		fb = rb && rtnl_link_get(rb, "bdt-p2", &pl, &err) == 0 ?
			packet_open(pl.ifindex, &err) : -1;
		rtnl_close(rb);
	}
	enter_self();
	if (fb < 0) {
		check("sockf_peer_open", false, "%s", err.msg);
		packet_close(fa);
		return;
	}
	n = ctl_frame(f, 0x0806, false, marks[0]);
	sent += send_ctl(fb, f, n);
	n = ctl_frame(f, 0x8809, false, marks[1]);
	sent += send_ctl(fb, f, n);
	n = v6_frame(f, 58, 135, marks[2]);
	sent += send_ctl(fb, f, n);
	n = v6_frame(f, 58, 136, marks[3]);
	sent += send_ctl(fb, f, n);
	n = ctl_frame(f, 0x0806, true, marks[4]);
	sent += send_ctl(fb, f, n);
	n = ctl_frame(f, 0x0800, false, marks[5]);
	f[VNET_HDR_LEN + 14] = 0x45;
	f[VNET_HDR_LEN + 14 + 9] = 17;
	sent += send_ctl(fb, f, n);
	n = v6_frame(f, 58, 128, marks[6]);
	sent += send_ctl(fb, f, n);
	n = v6_frame(f, 0, 135, marks[7]);   /* hop-by-hop first: not ours */
	sent += send_ctl(fb, f, n);
	check("sockf_peer_sends", sent == ARRAY_SIZE(marks), "%u of %zu sent", sent,
	      ARRAY_SIZE(marks));

	end = now_s() + 0.5;
	while (now_s() < end) {
		struct pollfd p = { fa, POLLIN, 0 };
		ssize_t got;
		uint16_t type;

		if (poll(&p, 1, 100) <= 0)
			continue;
		got = recv(fa, buf, sizeof(buf), 0);
		if (got < VNET_HDR_LEN + 14)
			continue;
		type = (uint16_t)(buf[VNET_HDR_LEN + 12] << 8 | buf[VNET_HDR_LEN + 13]);
		/* Anything else the host sends there (DAD, MLD) must be one of
		 * the three kinds too. */
		if (type != 0x0806 && type != 0x8809 &&
		    !(type == 0x86dd && got >= VNET_HDR_LEN + 55 && buf[VNET_HDR_LEN + 20] == 58 &&
		      (buf[VNET_HDR_LEN + 54] == 135 || buf[VNET_HDR_LEN + 54] == 136)))
			bad++;
		for (size_t i = 0; i < ARRAY_SIZE(marks); i++)
			if (memmem(buf, (size_t)got, marks[i], strlen(marks[i])))
				seen[i] = true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(marks); i++) {
		char name[64];

		snprintf(name, sizeof(name), "sockf_%s_%s", want[i] ? "passes" : "drops", marks[i] + 3);
		check(name, seen[i] == want[i], "seen %d", seen[i]);
	}
	check("sockf_nothing_else", bad == 0, "%d other frames", bad);

	/* Bound to ETH_P_SLOW (the ebpf data path outside the ARP monitor
	 * and alb): no tap on the device any more, and of the frames only
	 * the slow one. */
	{
		char ptype[4096];
		bool slow = false, arp = false;

		ret = packet_listen(fa, ifindex_of("bdt-s2"), 0x8809);
		sh(ptype, sizeof(ptype), "cat /proc/net/ptype");
		check("listen_slow_no_tap", ret == 0 && !strstr(ptype, "bdt-s2"),
		      "ret %d; /proc/net/ptype:\n%s", ret, ptype);
		while (recv(fa, buf, sizeof(buf), 0) > 0)
			;
		n = ctl_frame(f, 0x0806, false, marks[0]);
		send_ctl(fb, f, n);
		n = ctl_frame(f, 0x8809, false, marks[1]);
		send_ctl(fb, f, n);
		end = now_s() + 0.5;
		while (now_s() < end) {
			struct pollfd p = { fa, POLLIN, 0 };
			ssize_t got;

			if (poll(&p, 1, 100) <= 0)
				continue;
			got = recv(fa, buf, sizeof(buf), 0);
			if (got > 0 && memmem(buf, (size_t)got, marks[0], strlen(marks[0])))
				arp = true;
			if (got > 0 && memmem(buf, (size_t)got, marks[1], strlen(marks[1])))
				slow = true;
		}
		check("listen_slow_gets_slow_only", slow && !arp, "slow %d arp %d", slow, arp);
	}
	packet_close(fa);
	packet_close(fb);
	(void)r;
}

int main(int argc, char **argv)
{
	struct err err;
	struct rtnl *r;
	char path[256];
	int tap;

	if (argc != 2) {
		fprintf(stderr, "usage: %s PEER_NETNS   (run inside the test namespace)\n", argv[0]);
		return 2;
	}
	peer_ns = argv[1];
	signal(SIGPIPE, SIG_IGN);
	pattern_init();
	snprintf(path, sizeof(path), "/run/netns/%s", peer_ns);
	ns_self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	ns_peer = open(path, O_RDONLY | O_CLOEXEC);
	if (ns_self < 0 || ns_peer < 0) {
		fprintf(stderr, "cannot open network namespaces (%s)\n", path);
		return 2;
	}
	err_clear(&err);
	r = rtnl_open(false, &err);
	check("rtnl_open", r != NULL, "%s", err.msg);
	if (!r)
		return 1;

	tap = test_tap(r);
	test_tap_errors();
	test_tap_handover();
	test_rtnl_basic(r);
	test_ethtool();
	test_packet(r);
	test_events();
	test_carrier_watch();
	test_carrier_poll();
	test_carrier_watch_logic();
	test_addresses();
	test_hide(r);
	test_save_restore(r);
	test_ebpf();
	test_ebpf_vlan();
	test_sock_filter(r);
	if (tap >= 0)
		test_forward(r, tap);
	tap_close(tap);
	rtnl_close(r);
	printf("%d passed, %d failed\n", passes, failures);
	return failures ? 1 : 0;
}
