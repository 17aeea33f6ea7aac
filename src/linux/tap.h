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

/* bondctl upgrade hands every TAP's fd to the new bondd across exec(), so
 * the device never loses its holder. Closing the last fd of a persistent
 * TAP takes its carrier away; the host then flushes its neighbours and
 * purges the frames queued behind an unresolved one, and announces the
 * bond down and up to everything watching links.
 *  - The old daemon clears each fd's close-on-exec (tap_handover_keep)
 *    and lists them as "name=fd,name=fd" in TAP_HANDOVER_ENV.
 *  - The new one reads that list at start (tap_handover_receive), which
 *    keeps each fd that is really the TAP of that name and unsets the
 *    variable; tap_attach() then takes the fd of its name instead of
 *    opening another, and tap_handover_close_rest() closes what no bond
 *    or VLAN claimed. */
#define TAP_HANDOVER_ENV "BONDD_TAP_FDS"

/* Returns 0 or -errno. */
int tap_handover_keep(int fd);
/* Reads and unsets TAP_HANDOVER_ENV. Returns how many fds were kept;
 * *refused counts the entries that were not a TAP of their name (left
 * alone: an fd that is not ours is not closed). */
unsigned tap_handover_receive(unsigned *refused);
void tap_handover_close_rest(void);

#endif
