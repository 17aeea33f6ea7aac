#!/usr/bin/env python3
"""send_tagged.py IFACE KIND DST_MAC SRC_IP DST_IP [COUNT]: writes crafted
VLAN-tagged frames on IFACE with a packet socket (this kernel has no 8021q,
so no VLAN device can send them).

KIND: arp100   ARP request who-has DST_IP, tagged VLAN 100 (802.1Q)
      icmp100  ICMP echo request to DST_IP, tagged VLAN 100
      qinq     ARP request in 802.1ad VLAN 200 around 802.1Q VLAN 100
DST_MAC is used for icmp100 (the ARP frames are broadcast)."""
import socket
import struct
import sys
import time


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def main():
    iface, kind, dmac, sip, dip = sys.argv[1:6]
    count = int(sys.argv[6]) if len(sys.argv) > 6 else 3
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    smac = open(f"/sys/class/net/{iface}/address").read().strip()
    src, bcast = mac(smac), b"\xff" * 6
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, src,
                      socket.inet_aton(sip), b"\0" * 6, socket.inet_aton(dip))
    for seq in range(1, count + 1):
        if kind == "arp100":
            frame = bcast + src + struct.pack("!HHH", 0x8100, 100, 0x0806) + arp
        elif kind == "qinq":
            frame = bcast + src + struct.pack("!HHHHH", 0x88A8, 200, 0x8100, 100, 0x0806) + arp
        elif kind == "icmp100":
            icmp = struct.pack("!BBHHH", 8, 0, 0, 0x4242, seq) + b"bondd-vlan" * 4
            icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), seq, 0, 64, 1, 0,
                             socket.inet_aton(sip), socket.inet_aton(dip))
            ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
            frame = mac(dmac) + src + struct.pack("!HHH", 0x8100, 100, 0x0800) + ip + icmp
        else:
            sys.exit(f"send_tagged.py: unknown kind {kind}")
        frame += b"\0" * max(0, 64 - len(frame))
        s.send(frame)
        time.sleep(0.1)


if __name__ == "__main__":
    main()
