/* The bond device: a TAP interface with a virtio-net header on every frame. */
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
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
