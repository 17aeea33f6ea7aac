/* Saving a slave's state on enslave and giving it back on release. */
#include "slave_state.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int sysctl_path(const char *ifname, char *path, size_t size)
{
	int n;

	if (!ifname || !*ifname || strchr(ifname, '/') || strcmp(ifname, ".") == 0 ||
	    strcmp(ifname, "..") == 0)
		return -1;
	n = snprintf(path, size, "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int sysctl_disable_ipv6_get(const char *ifname)
{
	char path[128], buf[16];
	ssize_t n;
	int fd;

	if (sysctl_path(ifname, path, sizeof(path)) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return buf[0] == '0' ? 0 : buf[0] == '1' ? 1 : -1;
}

int sysctl_disable_ipv6_set(const char *ifname, int value)
{
	char path[128];
	const char *v = value ? "1\n" : "0\n";
	ssize_t n;
	int fd, ret = 0;

	if (sysctl_path(ifname, path, sizeof(path)) < 0)
		return -EINVAL;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		n = write(fd, v, 2);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		ret = -errno;
	else if (n != 2)
		ret = -EIO;
	/* procfs reports a refused value at write(); close() is checked
	 * all the same, a sysctl being the one place a value can fail late. */
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
	return ret;
}

int slave_state_save(struct rtnl *r, const char *name, struct slave_saved *saved,
		     struct err *err)
{
	struct rtnl_link l;
	int ret;

	memset(saved, 0, sizeof(*saved));
	ret = rtnl_link_get(r, name, &l, err);
	if (ret < 0)
		return ret;
	saved->ifindex = l.ifindex;
	snprintf(saved->name, sizeof(saved->name), "%s", l.name);
	memcpy(saved->mac, l.mac, 6);
	saved->mtu = l.mtu;
	saved->was_up = l.flags & IFF_UP;
	saved->disable_ipv6 = sysctl_disable_ipv6_get(l.name);
	return 0;
}

/* Keeps the first failure in err; later ones are only counted. */
static void keep_first(struct err *err, const struct err *step, int *first)
{
	if (*first == 0) {
		*first = step->code ? step->code : -EIO;
		if (err)
			*err = *step;
	}
}

int slave_state_restore(struct rtnl *r, struct slave_saved *saved, struct err *err)
{
	struct rtnl_link cur;
	struct err e;
	int first = 0, ret;

	err_clear(err);
	err_clear(&e);
	if (rtnl_link_get_index(r, saved->ifindex, &cur, &e) < 0) {
		err_set(err, e.code, "%s: cannot restore: %s", saved->name, e.msg);
		return e.code;
	}
	/* A device that stays down goes down first, so nothing reaches the
	 * host stack while it is being put back together. */
	if (!saved->was_up && (cur.flags & IFF_UP)) {
		if (rtnl_link_set_flags(r, saved->ifindex, 0, IFF_UP, &e) < 0)
			keep_first(err, &e, &first);
		else
			cur.flags &= ~IFF_UP;
	}
	if (cur.mtu != saved->mtu && rtnl_link_set_mtu(r, saved->ifindex, saved->mtu, &e) < 0)
		keep_first(err, &e, &first);
	if (!mac_eq(cur.mac, saved->mac)) {
		ret = rtnl_link_set_mac(r, saved->ifindex, saved->mac, &e);
		/* Drivers without live address change want the device down. */
		if (ret == -EBUSY && (cur.flags & IFF_UP)) {
			struct err e2;

			if (rtnl_link_set_flags(r, saved->ifindex, 0, IFF_UP, &e2) == 0) {
				ret = rtnl_link_set_mac(r, saved->ifindex, saved->mac, &e);
				cur.flags &= ~IFF_UP;
			}
		}
		if (ret < 0)
			keep_first(err, &e, &first);
	}
	if (saved->disable_ipv6 >= 0 &&
	    sysctl_disable_ipv6_get(cur.name) != saved->disable_ipv6) {
		ret = sysctl_disable_ipv6_set(cur.name, saved->disable_ipv6);
		if (ret < 0) {
			err_set(&e, ret, "%s: cannot set disable_ipv6 to %d: %s",
				cur.name, saved->disable_ipv6, strerror(-ret));
			keep_first(err, &e, &first);
		}
	}
	if (saved->hide.installed && unhide_slave(r, saved->ifindex, &saved->hide, &e) < 0)
		keep_first(err, &e, &first);
	if (saved->was_up && !(cur.flags & IFF_UP) &&
	    rtnl_link_set_flags(r, saved->ifindex, IFF_UP, IFF_UP, &e) < 0)
		keep_first(err, &e, &first);
	return first;
}
