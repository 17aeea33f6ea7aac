/* The bond device: a TAP interface with a virtio-net header on every frame. */
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define TUN_PATH "/dev/net/tun"

/* Explains a TUNSETIFF refusal: EINVAL/EBUSY/EPERM mostly mean that a
 * device of that name exists and is not a TAP we may attach to. */
static void tap_explain(const char *name, int e, struct err *err)
{
	bool exists = if_nametoindex(name) != 0;

	if (exists && e == EINVAL)
		err_set(err, -e, "%s: cannot create TAP device: a device of that name "
			"already exists and is not a TAP device (or has other tun flags)", name);
	else if (exists && e == EBUSY)
		err_set(err, -e, "%s: cannot attach to TAP device: it exists and another "
			"process already holds it open", name);
	else if (exists && e == EPERM)
		err_set(err, -e, "%s: cannot attach to TAP device: it exists and belongs "
			"to another user or group", name);
	else
		err_set(err, -e, "%s: cannot create TAP device (TUNSETIFF): %s", name,
			strerror(e));
}

/* The fds the previous bondd handed over, until a bond or VLAN claims
 * its own (fd -1 then). */
struct handed_tap {
	char name[IFNAMSIZ];
	int fd;
};
static struct handed_tap *handed;
static unsigned n_handed;

/* The handed-over fd of name, now the caller's; -1 if none. */
static int handover_take(const char *name)
{
	for (unsigned i = 0; i < n_handed; i++) {
		if (handed[i].fd >= 0 && !strcmp(handed[i].name, name)) {
			int fd = handed[i].fd;

			handed[i].fd = -1;
			return fd;
		}
	}
	return -1;
}

/* fd is open and is the TAP called name. */
static bool is_tap_named(int fd, const char *name)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	return ioctl(fd, TUNGETIFF, &ifr) == 0 && (ifr.ifr_flags & IFF_TAP) &&
	       !strcmp(ifr.ifr_name, name);
}

/* One "name=fd" entry: kept if it is that TAP. */
static bool handover_add(const char *entry, size_t len)
{
	const char *eq = memchr(entry, '=', len);
	char num[12], *end;
	size_t nlen = eq ? (size_t)(eq - entry) : 0;
	struct handed_tap *more;
	long fd;

	if (!eq || nlen == 0 || nlen >= IFNAMSIZ || len - nlen - 1 == 0 ||
	    len - nlen - 1 >= sizeof(num))
		return false;
	memcpy(num, eq + 1, len - nlen - 1);
	num[len - nlen - 1] = '\0';
	errno = 0;
	fd = strtol(num, &end, 10);
	if (errno || *end || fd <= STDERR_FILENO || fd > 1L << 30)
		return false;
	for (unsigned i = 0; i < n_handed; i++)
		if (handed[i].fd == fd)
			return false;   /* listed twice: one owner, or a close would cut the other */
	more = realloc(handed, (n_handed + 1) * sizeof(*handed));
	if (!more)
		return false;
	handed = more;
	memcpy(handed[n_handed].name, entry, nlen);
	handed[n_handed].name[nlen] = '\0';
	if (!is_tap_named((int)fd, handed[n_handed].name))
		return false;
	/* Ours again: not for whatever this bondd runs (ip, a later exec). */
	if (fcntl((int)fd, F_SETFD, FD_CLOEXEC) < 0)
		return false;
	handed[n_handed++].fd = (int)fd;
	return true;
}

unsigned tap_handover_receive(unsigned *refused)
{
	const char *env = getenv(TAP_HANDOVER_ENV);
	unsigned kept = 0;

	*refused = 0;
	if (!env)
		return 0;
	for (const char *p = env; *p;) {
		size_t len = strcspn(p, ",");

		if (len && handover_add(p, len))
			kept++;
		else if (len)
			(*refused)++;
		p += len;
		if (*p == ',')
			p++;
	}
	unsetenv(TAP_HANDOVER_ENV);
	return kept;
}

void tap_handover_close_rest(void)
{
	for (unsigned i = 0; i < n_handed; i++)
		tap_close(handed[i].fd);
	free(handed);
	handed = NULL;
	n_handed = 0;
}

int tap_handover_keep(int fd)
{
	int flags = fcntl(fd, F_GETFD);

	if (flags < 0 || fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
		return -errno;
	return 0;
}

int tap_open(const char *name, struct err *err)
{
	return tap_attach(name, NULL, err);
}

int tap_attach(const char *name, bool *existed, struct err *err)
{
	struct ifreq ifr;
	int fd, hdrsz = VNET_HDR_LEN;
	unsigned offload = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;

	if (!name || !*name || strlen(name) >= IFNAMSIZ) {
		err_set(err, -EINVAL, "invalid TAP device name \"%s\"", name ? name : "");
		return -1;
	}
	fd = handover_take(name);
	if (fd >= 0) {
		/* Held since the last bondd: a persistent TAP that never
		 * lost its carrier. Its header size and offloads are set
		 * again below, as for any TAP we attach to. */
		if (existed)
			*existed = true;
		goto setup;
	}
	fd = open(TUN_PATH, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		err_set(err, -errno, "%s: cannot open %s: %s", name, TUN_PATH, strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		tap_explain(name, errno, err);
		goto fail;
	}
	if (strcmp(ifr.ifr_name, name) != 0) {
		err_set(err, -EINVAL, "%s: kernel created TAP device as \"%s\"", name, ifr.ifr_name);
		goto fail;
	}
	if (existed) {
		/* A TAP that outlived its last fd is persistent; one we have
		 * just created is not (yet). */
		memset(&ifr, 0, sizeof(ifr));
		if (ioctl(fd, TUNGETIFF, &ifr) < 0) {
			err_set(err, -errno, "%s: cannot read the TAP's flags (TUNGETIFF): %s",
				name, strerror(errno));
			goto fail;
		}
		*existed = (ifr.ifr_flags & IFF_PERSIST) != 0;
	}
setup:
	if (ioctl(fd, TUNSETVNETHDRSZ, &hdrsz) < 0) {
		err_set(err, -errno, "%s: cannot set the vnet header size to %d (TUNSETVNETHDRSZ): %s",
			name, hdrsz, strerror(errno));
		goto fail;
	}
	if (ioctl(fd, TUNSETOFFLOAD, offload) < 0) {
		err_set(err, -errno, "%s: cannot enable checksum/TSO offloads (TUNSETOFFLOAD): %s",
			name, strerror(errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

int tap_set_carrier(int fd, bool on)
{
	int v = on ? 1 : 0;

	if (ioctl(fd, TUNSETCARRIER, &v) < 0)
		return -errno;
	return 0;
}

int tap_set_persist(int fd, bool on)
{
	if (ioctl(fd, TUNSETPERSIST, (unsigned long)(on ? 1 : 0)) < 0)
		return -errno;
	return 0;
}

void tap_close(int fd)
{
	if (fd >= 0)
		close(fd);
}
