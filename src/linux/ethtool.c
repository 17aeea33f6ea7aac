/* Speed, duplex and permanent address through SIOCETHTOOL. */
#include "ethtool.h"

#include <errno.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/util.h"

/* The SIOCETHTOOL ABI, restated: the project's include path (-Isrc) makes
 * <linux/ethtool.h> resolve to this directory's ethtool.h, so the kernel's
 * uapi header cannot be included here. These layouts are the stable uapi
 * ones (struct ethtool_cmd, ethtool_link_settings, ethtool_perm_addr). */
#define ETHTOOL_GSET_ 0x00000001u
#define ETHTOOL_GPERMADDR_ 0x00000020u
#define ETHTOOL_GLINK_ 0x0000000au
#define ETHTOOL_GLINKSETTINGS_ 0x0000004cu
#define SPEED_UNKNOWN_ 0xffffffffu
#define DUPLEX_HALF_ 0x00
#define DUPLEX_FULL_ 0x01
#define DUPLEX_UNKNOWN_ 0xff

struct eth_cmd {
	uint32_t cmd, supported, advertising;
	uint16_t speed;
	uint8_t duplex, port, phy_address, transceiver, autoneg, mdio_support;
	uint32_t maxtxpkt, maxrxpkt;
	uint16_t speed_hi;
	uint8_t eth_tp_mdix, eth_tp_mdix_ctrl;
	uint32_t lp_advertising;
	uint32_t reserved[2];
};

struct eth_link_settings {
	uint32_t cmd, speed;
	uint8_t duplex, port, phy_address, autoneg, mdio_support, eth_tp_mdix,
		eth_tp_mdix_ctrl;
	int8_t link_mode_masks_nwords;
	uint8_t transceiver, master_slave_cfg, master_slave_state, rate_matching;
	uint32_t reserved[7];
	/* then 3 * nwords u32 link mode masks */
};

struct eth_perm_addr {
	uint32_t cmd, size;
	/* then size bytes of address */
};

_Static_assert(sizeof(struct eth_cmd) == 44, "struct ethtool_cmd layout");
_Static_assert(sizeof(struct eth_link_settings) == 48, "struct ethtool_link_settings layout");

/* Any socket serves for device ioctls; AF_UNIX works even without IPv4. */
static int ethtool_ioctl(const char *ifname, void *data)
{
	struct ifreq ifr;
	int fd, ret = 0;

	if (!ifname || strlen(ifname) >= IFNAMSIZ)
		return -EINVAL;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	ifr.ifr_data = data;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* ETHTOOL_GLINKSETTINGS: the first call (nwords 0) makes the kernel tell
 * the size of its link mode masks as a negative number; the second reads. */
static int glinksettings(const char *ifname, int32_t *speed, uint8_t *duplex)
{
	struct {
		struct eth_link_settings s;
		uint32_t masks[3 * 127];
	} req;
	int ret;

	memset(&req, 0, sizeof(req));
	req.s.cmd = ETHTOOL_GLINKSETTINGS_;
	ret = ethtool_ioctl(ifname, &req);
	if (ret < 0)
		return ret;
	if (req.s.link_mode_masks_nwords >= 0 || req.s.cmd != ETHTOOL_GLINKSETTINGS_)
		return -EOPNOTSUPP;
	req.s.link_mode_masks_nwords = (int8_t)-req.s.link_mode_masks_nwords;
	req.s.cmd = ETHTOOL_GLINKSETTINGS_;
	ret = ethtool_ioctl(ifname, &req);
	if (ret < 0)
		return ret;
	if (req.s.link_mode_masks_nwords <= 0)
		return -EOPNOTSUPP;
	*speed = req.s.speed == SPEED_UNKNOWN_ ? -1 : (int32_t)req.s.speed;
	*duplex = req.s.duplex;
	return 0;
}

static int gset(const char *ifname, int32_t *speed, uint8_t *duplex)
{
	struct eth_cmd cmd;
	uint32_t s;
	int ret;

	memset(&cmd, 0, sizeof(cmd));
	cmd.cmd = ETHTOOL_GSET_;
	ret = ethtool_ioctl(ifname, &cmd);
	if (ret < 0)
		return ret;
	s = (uint32_t)cmd.speed_hi << 16 | cmd.speed;
	*speed = (s == SPEED_UNKNOWN_ || s == 0xffff) ? -1 : (int32_t)s;
	*duplex = cmd.duplex;
	return 0;
}

int ethtool_link(const char *ifname, int32_t *speed, uint8_t *duplex)
{
	int ret;

	ret = glinksettings(ifname, speed, duplex);
	if (ret == -EOPNOTSUPP)
		ret = gset(ifname, speed, duplex);
	if (ret < 0) {
		*speed = -1;
		*duplex = DUPLEX_UNKNOWN_;
		return ret;
	}
	if (*duplex != DUPLEX_HALF_ && *duplex != DUPLEX_FULL_)
		*duplex = DUPLEX_UNKNOWN_;
	return 0;
}

int ethtool_perm_addr(const char *ifname, uint8_t mac[6])
{
	struct {
		struct eth_perm_addr p;
		uint8_t data[32];
	} req;
	int ret;

	memset(&req, 0, sizeof(req));
	req.p.cmd = ETHTOOL_GPERMADDR_;
	req.p.size = sizeof(req.data);
	ret = ethtool_ioctl(ifname, &req);
	if (ret < 0)
		return ret;
	if (req.p.size != 6)
		return -EAFNOSUPPORT;
	memcpy(mac, req.data, 6);
	if (mac_is_zero(mac))
		return -ENODATA;
	return 0;
}

int ethtool_carrier(const char *ifname)
{
	struct { uint32_t cmd, data; } v = { ETHTOOL_GLINK_, 0 };
	int ret = ethtool_ioctl(ifname, &v);

	return ret < 0 ? ret : v.data != 0;
}
