/* The bond device: a TAP interface (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR).
 * Every frame read from or written to it is preceded by a 10-byte
 * virtio_net_hdr (TUNSETVNETHDRSZ 10), and TUNSETOFFLOAD announces
 * TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 so the host stack hands us 64 KB GSO
 * frames with partial checksums, which the slave's packet socket
 * (PACKET_VNET_HDR) passes on unchanged. */
#ifndef BONDD_TAP_H
#define BONDD_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"

#define VNET_HDR_LEN 10

/* Creates a TAP named name, or attaches to the persistent one of that name,
 * non-blocking. Returns the fd or -1 with err set. A device that is not
 * persistent disappears when fd closes. */
int tap_open(const char *name, struct err *err);
/* The same, telling whether the TAP existed already: a persistent TAP
 * (tap_set_persist) that outlived an earlier daemon, which this fd now
 * holds; its flags and offloads are set again as for a new one.
 * *existed is false for a TAP created now. */
int tap_attach(const char *name, bool *existed, struct err *err);
/* TUNSETPERSIST: on, the device stays when its last fd closes (the kernel
 * data path keeps carrying frames through it while no daemon runs); off,
 * closing the last fd removes it. Returns 0 or -errno. */
int tap_set_persist(int fd, bool on);
/* TUNSETCARRIER: carrier on/off. Returns 0 or -errno. */
int tap_set_carrier(int fd, bool on);
void tap_close(int fd);

#endif
