/* Speed, duplex and permanent address through the SIOCETHTOOL ioctl. */
#ifndef BONDD_ETHTOOL_H
#define BONDD_ETHTOOL_H

#include <stdint.h>

/* speed in Mb/s or -1 (SPEED_UNKNOWN), duplex 0 half / 1 full / 0xff unknown.
 * Returns 0, or -errno (then speed/duplex are set to unknown). */
int ethtool_link(const char *ifname, int32_t *speed, uint8_t *duplex);
/* ETHTOOL_GLINK: the carrier as the driver reports it now (1 or 0), or
 * -errno. Unlike IFF_LOWER_UP in rtnetlink, which linkwatch may hold back
 * for up to a second, this is what the kernel's bonding miimon reads. */
int ethtool_carrier(const char *ifname);
/* ETHTOOL_GPERMADDR; returns 0 with a non-zero address, else -errno. */
int ethtool_perm_addr(const char *ifname, uint8_t mac[6]);

#endif
