/* A slave's AF_PACKET socket. */
#include "packet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* 4 MiB each way: room for dozens of 64 KB GSO frames while the loop is busy. */
#define PACKET_BUF_BYTES (4 * 1024 * 1024)

static int setopt_int(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v));
}

static const char *ifname_of(int ifindex, char buf[IF_NAMESIZE])
{
	if (!if_indextoname((unsigned)ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "#%d", ifindex);
	return buf;
}

int packet_open(int ifindex, struct err *err)
{
	char name[IF_NAMESIZE];
	struct sockaddr_ll sll;
	struct packet_mreq mr;
	int fd;

	/* Protocol 0: nothing is queued until bind() below names ETH_P_ALL. */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err_set(err, -errno, "%s: cannot open packet socket: %s",
			ifname_of(ifindex, name), strerror(errno));
		return -1;
	}
	if (setopt_int(fd, SOL_PACKET, PACKET_VNET_HDR, 1) < 0) {
		err_set(err, -errno, "%s: packet socket: PACKET_VNET_HDR: %s",
			ifname_of(ifindex, name), strerror(errno));
		goto fail;
	}
	if (setopt_int(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1) < 0) {
		err_set(err, -errno, "%s: packet socket: PACKET_IGNORE_OUTGOING: %s",
			ifname_of(ifindex, name), strerror(errno));
		goto fail;
	}
	/* The kernel takes the VLAN tag out of a frame before the taps; the
	 * auxiliary data gives it back (daemon data path, vlan_restore.h). */
	if (setopt_int(fd, SOL_PACKET, PACKET_AUXDATA, 1) < 0) {
		err_set(err, -errno, "%s: packet socket: PACKET_AUXDATA: %s",
			ifname_of(ifindex, name), strerror(errno));
		goto fail;
	}
	if (setopt_int(fd, SOL_SOCKET, SO_RCVBUFFORCE, PACKET_BUF_BYTES) < 0 &&
	    setopt_int(fd, SOL_SOCKET, SO_RCVBUF, PACKET_BUF_BYTES) < 0) {
		err_set(err, -errno, "%s: packet socket: SO_RCVBUFFORCE: %s",
			ifname_of(ifindex, name), strerror(errno));
		goto fail;
	}
	if (setopt_int(fd, SOL_SOCKET, SO_SNDBUFFORCE, PACKET_BUF_BYTES) < 0 &&
	    setopt_int(fd, SOL_SOCKET, SO_SNDBUF, PACKET_BUF_BYTES) < 0) {
		err_set(err, -errno, "%s: packet socket: SO_SNDBUFFORCE: %s",
			ifname_of(ifindex, name), strerror(errno));
		goto fail;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		err_set(err, -errno, "%s: cannot bind packet socket: %s",
			ifname_of(ifindex, name), strerror(errno));
		goto fail;
	}
	memset(&mr, 0, sizeof(mr));
	mr.mr_ifindex = ifindex;
	mr.mr_type = PACKET_MR_ALLMULTI;
	if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0) {
		err_set(err, -errno, "%s: packet socket: all-multicast membership: %s",
			ifname_of(ifindex, name), strerror(errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

int packet_set_promisc(int fd, int ifindex, bool on)
{
	struct packet_mreq mr;

	memset(&mr, 0, sizeof(mr));
	mr.mr_ifindex = ifindex;
	mr.mr_type = PACKET_MR_PROMISC;
	if (setsockopt(fd, SOL_PACKET, on ? PACKET_ADD_MEMBERSHIP : PACKET_DROP_MEMBERSHIP,
		       &mr, sizeof(mr)) < 0) {
		/* Dropping a membership we never added is not an error. */
		if (!on && errno == EADDRNOTAVAIL)
			return 0;
		return -errno;
	}
	return 0;
}

int packet_listen(int fd, int ifindex, uint16_t ethertype)
{
	struct sockaddr_ll sll;

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ethertype);
	sll.sll_ifindex = ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -errno;
	return 0;
}

void packet_close(int fd)
{
	if (fd >= 0)
		close(fd);
}
