#!/usr/bin/env python3
"""Writes the seed inputs of tests/fuzz/corpus/NAME/seed-* (run from the
tree's top: python3 tests/fuzz/mkseeds.py). Seeds are small valid inputs:
configuration files from tests/golden/config, frames built by hand (LACPDU,
marker, ARP, NS/NA, IGMP, IPv4/IPv6 over VLAN, ...), control requests,
rtnetlink messages, /proc texts. Re-running rewrites the seed-* files only;
the fuzzers' own finds and the regression-* inputs are left alone."""
import glob
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, 'tests/fuzz/corpus')
GOLDEN = os.path.join(ROOT, 'tests/golden/config')


def put(name, seed, data):
    d = os.path.join(CORPUS, name)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, 'seed-' + seed), 'wb') as f:
        f.write(data)


def read(path):
    with open(path, 'rb') as f:
        return f.read()


def chunks(files):
    """Files as one input: NAME\\nTEXT, NUL-separated (fuzz_conf.h)."""
    return b'\0'.join(os.path.basename(p).encode() + b'\n' + read(p) for p in files)


# ---- configuration ---------------------------------------------------------

def conf_seeds():
    for case in sorted(glob.glob(os.path.join(GOLDEN, '*.in'))):
        tag = os.path.basename(case)[:-3]
        for p in glob.glob(os.path.join(case, 'bondd.conf')):
            put('conf_native', tag, read(p))
        ns = sorted(glob.glob(os.path.join(case, 'network-scripts', '*')))
        if ns:
            put('conf_ifcfg', tag, chunks(ns))
        mp = sorted(glob.glob(os.path.join(case, 'modprobe.d', '*')) +
                    glob.glob(os.path.join(case, 'mo*probe.conf')) +
                    glob.glob(os.path.join(case, 'bonding.conf')))
        if mp:
            put('conf_modprobe', tag, chunks(mp))
        for p in glob.glob(os.path.join(case, 'rc.local')):
            put('conf_script', tag, read(p))
        for p in glob.glob(os.path.join(case, 'interfaces')):
            put('conf_interfaces', tag, read(p))
        for ext, name in (('*.nmconnection', 'conf_nm'), ('*.yaml', 'conf_netplan')):
            fs = sorted(glob.glob(os.path.join(case, ext)))
            if fs:
                put(name, tag, chunks(fs))
        fs = sorted(glob.glob(os.path.join(case, '*.netdev')) +
                    glob.glob(os.path.join(case, '*.network')))
        if fs:
            put('conf_networkd', tag, chunks(fs))
    put('conf_ifcfg', 'routes', chunks([]) +
        b'ifcfg-bond0\nDEVICE=bond0\nIPADDR=192.0.2.10\nPREFIX=24\n'
        b'IPV6INIT=yes\nIPV6ADDR=2001:db8::10/64\n'
        b'BONDING_OPTS="mode=active-backup miimon=100 arp_ip_target=+192.0.2.1"\n'
        b'\0route-bond0\n198.51.100.0/24 via 192.0.2.1 dev bond0\n'
        b'ADDRESS0=203.0.113.0\nNETMASK0=255.255.255.0\nGATEWAY0=192.0.2.1\n'
        b'\0route6-bond0\n2001:db8:1::/48 via 2001:db8::1 metric 10\n'
        b'\0ifcfg-eth0\nDEVICE=eth0\nMASTER=bond0\nSLAVE=yes\n')
    put('conf_interfaces', 'hooks',
        'source /etc/network/interfaces.d/*\n'
        'source-directory /etc/network/interfaces.d\n'
        'auto bond0\niface bond0 inet static\n'
        '    address 192.0.2.10/24\n    gateway 192.0.2.1\n'
        '    bond-slaves eth0 eth1\n    bond-mode 802.3ad\n    bond-miimon 100\n'
        '    up ip addr add 192.0.2.11/24 dev bond0 label bond0:1\n'
        '    post-up ifenslave bond0 eth2 && echo 100 > /sys/class/net/bond0/bonding/miimon\n'
        "    up ip route add 198.51.100.0/24 via 192.0.2.1 dev bond0 || true\n"
        'iface bond0 inet6 static\n    address 2001:db8::10/64\n')
    put('conf_script', 'shell',
        '#!/bin/sh\nmodprobe bonding mode=1 miimon=100\n'
        'echo +bond1 > /sys/class/net/bonding_masters\n'
        'echo "balance-alb" > /sys/class/net/bond1/bonding/mode\n'
        'ifconfig bond1 192.0.2.20 netmask 255.255.255.0 up\n'
        "ifenslave bond1 eth2 eth3; ip -6 addr add 2001:db8::20/64 dev bond1\n"
        'ifconfig bond1:1 192.0.2.21 netmask 255.255.255.0 \\\n  up\n'
        "route add -net 198.51.100.0 netmask 255.255.255.0 gw 192.0.2.1\n"
        "route add default gw 192.0.2.1 bond1\n")
    put('conf_native', 'full', '''# every section
[bonding]
max_bonds 2

[bond0]
mode active-backup
miimon 100
primary eth0
slaves eth0 eth1
address 192.0.2.10/24
address 2001:db8::10/64
hwaddr 02:00:00:00:00:10
mtu 9000

[bond1]
mode 802.3ad
lacp_rate fast
xmit_hash_policy layer3+4
up no
slaves eth2 eth3

[eth4]
address 198.51.100.4/24

[routes]
default via 192.0.2.1
198.51.100.0/24 via 192.0.2.1 dev bond0 metric 5
''')


# ---- frames ------------------------------------------------------------------

BOND_MAC = bytes([2, 0, 0, 0, 0, 0])      # replaced per bond below
PEER = bytes([0x02, 0x00, 0x5e, 0x00, 0x00, 0x01])
BCAST = b'\xff' * 6
V4_BOND = bytes([192, 0, 2, 10])
V4_T1 = bytes([192, 0, 2, 1])
V6_BOND = bytes.fromhex('20010db8000000000000000000000010')
V6_T1 = bytes.fromhex('20010db8000000000000000000000001')


def slave_mac(bond, slave):
    return bytes([2, 0, 0, 0, bond, slave])


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def eth(dst, src, etype, payload):
    f = dst + src + struct.pack('!H', etype) + payload
    return f + b'\0' * max(0, 60 - len(f))


def arp(op, sha, spa, tha, tpa):
    return struct.pack('!HHBBH', 1, 0x0800, 6, 4, op) + sha + spa + tha + tpa


def ipv4(proto, src, dst, payload):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), 0, 0, 64, proto, 0, src, dst)
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return h + payload


def udp(sport, dport, data=b'x' * 8):
    return struct.pack('!HHHH', sport, dport, 8 + len(data), 0) + data


def tcp(sport, dport):
    return struct.pack('!HHIIBBHHH', sport, dport, 1, 0, 0x50, 0x02, 65535, 0, 0)


def ipv6(nh, src, dst, payload, hlim=64):
    return struct.pack('!IHBB', 0x60000000, len(payload), nh, hlim) + src + dst + payload


def icmp6(src, dst, body):
    pseudo = src + dst + struct.pack('!IxxxB', len(body), 58)
    c = csum(pseudo + body)
    return ipv6(58, src, dst, body[:2] + struct.pack('!H', c) + body[4:], 255)


def na(src, dst, target, mac):
    return icmp6(src, dst, struct.pack('!BBHI', 136, 0, 0, 0x60000000) + target +
                 bytes([2, 1]) + mac)


def ns(src, dst, target, mac):
    return icmp6(src, dst, struct.pack('!BBHI', 135, 0, 0, 0) + target + bytes([1, 1]) + mac)


def vlan(vid, etype, payload, tpid=0x8100):
    return struct.pack('!HH', vid, etype) + payload


LACP_DST = bytes([0x01, 0x80, 0xc2, 0, 0, 2])


def lacp_info(tlv, system, key, port, state, prio=0x8000):
    return struct.pack('!BBH6sHHHB3x', tlv, 20, prio, system, key, prio, port, state)


def lacpdu(src, actor_sys, port, state, partner_sys=b'\0' * 6, pkey=0, pport=0, pstate=0):
    pdu = bytes([1, 1]) + lacp_info(1, actor_sys, 9, port, state) + \
        lacp_info(2, partner_sys, pkey, pport, pstate) + \
        bytes([3, 16]) + struct.pack('!H', 0) + b'\0' * 12 + bytes([0, 0]) + b'\0' * 50
    return eth(LACP_DST, src, 0x8809, pdu)


def marker(src, resp=False, port=1):
    pdu = bytes([2, 1, 2 if resp else 1, 16]) + struct.pack('!H6sI2x', port, src, 7) + \
        bytes([0, 0]) + b'\0' * 90
    return eth(LACP_DST, src, 0x8809, pdu)


def rec(op, sel, frame=b''):
    return bytes([op, sel]) + struct.pack('<H', len(frame)) + frame


def engine_seeds():
    rx = lambda b, s, f: rec(0, b * 3 + s, f)
    tx = lambda b, f: rec(3, b, f)
    def wait(ms):  # at most 2560 ms a record
        out = b''
        while ms > 0:
            step = min(ms, 2560)
            out += rec(4, max(0, step // 10 - 1))
            ms -= step
        return out

    bm = lambda b: slave_mac(b, 0)
    udp4 = lambda b: eth(bm(b), PEER, 0x0800, ipv4(17, V4_T1, V4_BOND, udp(5000, 53)))
    out4 = lambda b, sport: eth(PEER, bm(b), 0x0800, ipv4(17, V4_BOND, V4_T1, udp(sport, 80)))
    out6 = lambda b: eth(PEER, bm(b), 0x86dd, ipv6(6, V6_BOND, V6_T1, tcp(40000, 443)))
    arp_reply = lambda b, s: eth(slave_mac(b, s), PEER, 0x0806,
                                 arp(2, PEER, V4_T1, slave_mac(b, s), V4_BOND))
    arp_req = lambda b: eth(BCAST, PEER, 0x0806, arp(1, PEER, V4_T1, b'\0' * 6, V4_BOND))
    na1 = lambda b, s: eth(slave_mac(b, s), PEER, 0x86dd, na(V6_T1, V6_BOND, V6_T1, PEER))
    ns1 = lambda b: eth(bytes([0x33, 0x33, 0xff, 0, 0, 0x10]), PEER, 0x86dd,
                        ns(V6_T1, bytes.fromhex('ff0200000000000000000001ff000010'), V6_BOND, PEER))
    # ARP monitor modes: replies from the target on each slave, time passes.
    put('engine', 'arp_monitor',
        wait(100) + b''.join(rx(1, s, arp_reply(1, s)) + rx(0, s, arp_reply(0, s)) for s in range(3)) +
        wait(200) + rx(1, 1, arp_req(1)) + rx(2, 2, arp_reply(2, 2)) + wait(500) +
        tx(1, out4(1, 1)) + tx(0, out4(0, 2)) + tx(2, out4(2, 3)))
    put('engine', 'ns_monitor',
        wait(100) + b''.join(rx(1, s, na1(1, s)) for s in range(3)) + rx(7, 0, ns1(7)) +
        rx(7, 1, na1(7, 1)) + wait(300) + tx(1, out6(1)) + tx(7, out6(7)))
    # 802.3ad: a partner's LACPDUs on bond4, markers, traffic both ways.
    peer_sys = bytes([2, 0, 0, 0, 0xaa, 0xaa])
    lac = b''.join(rx(4, s, lacpdu(PEER, peer_sys, s + 1, 0x3d)) for s in range(3))
    put('engine', 'lacp',
        lac + wait(1000) + lac + rx(4, 0, marker(PEER)) + rx(4, 1, marker(PEER, True)) +
        wait(3000) + tx(4, out4(4, 1)) + tx(4, out6(4)) + tx(8, out4(8, 7)) + rx(4, 2, udp4(4)))
    put('engine', 'lacp_wired', wait(2000) + tx(4, out4(4, 1)) + tx(8, out4(8, 9)) +
        rec(6, 4, b'') + rec(6 | 8 * 2, 8, b'') + tx(4, out6(4)) + wait(3000) + tx(8, out6(8)))
    # alb / tlb: receive learning (ARP from clients), ARP replies sent by
    # the host (rlb rewrites them), link flaps and reselection.
    put('engine', 'alb',
        rx(6, 0, arp_req(6)) + rx(6, 1, eth(bm(6), PEER, 0x0806, arp(2, PEER, V4_T1, bm(6), V4_BOND))) +
        tx(6, eth(PEER, bm(6), 0x0806, arp(2, bm(6), V4_BOND, PEER, V4_T1))) +
        tx(6, eth(BCAST, bm(6), 0x0806, arp(1, bm(6), V4_BOND, b'\0' * 6, V4_T1))) +
        tx(6, out4(6, 1)) + tx(5, out4(5, 2)) + tx(5, out6(5)) + wait(1000) +
        rec(5 | 8, 6 * 3 + 0) + wait(500) + tx(6, out4(6, 3)) + rec(5, 6 * 3 + 0) + wait(500) +
        rx(6, 2, udp4(6)) + wait(10000))
    # Failover and the active-backup family: flaps, active slave choice.
    put('engine', 'failover',
        tx(7, out4(7, 1)) + rec(5 | 8, 7 * 3 + 2) + wait(300) + tx(7, out4(7, 1)) +
        rec(5, 7 * 3 + 2) + wait(300) + rec(7 | 8 * 1, 7) + rec(7 | 8 * 3, 7) + tx(7, out6(7)) +
        rec(5 | 8, 3 * 3 + 0) + tx(3, out4(3, 1)) + wait(200) + tx(3, out4(3, 2)) +
        rec(5 | 8, 0) + rec(5 | 8, 1) + rec(5 | 8, 2) + tx(0, out4(0, 1)) + wait(100))
    # Transmit hashing: tagged, QinQ, IPv6, fragments, GRE, every policy.
    tagged = eth(PEER, bm(2), 0x8100, vlan(100, 0x0800, ipv4(6, V4_BOND, V4_T1, tcp(1, 2))))
    qinq = eth(PEER, bm(2), 0x88a8, vlan(10, 0x8100, vlan(100, 0x86dd, ipv6(17, V6_BOND, V6_T1, udp(1, 2)))))
    frag = eth(PEER, bm(2), 0x0800, ipv4(17, V4_BOND, V4_T1, udp(7, 7))[:6] + b'\x20\x10' +
               ipv4(17, V4_BOND, V4_T1, udp(7, 7))[8:])
    gre = eth(PEER, bm(2), 0x0800, ipv4(47, V4_BOND, V4_T1, struct.pack('!HH', 0, 0x0800) +
                                       ipv4(17, V4_T1, V4_BOND, udp(9, 9))))
    put('engine', 'hash', b''.join(rec(6 | 8 * p, 2) + tx(2, tagged) + tx(2, qinq) + tx(2, frag) +
                                   tx(2, gre) for p in range(6)) + rx(2, 0, tagged) + rx(6, 1, qinq))
    put('engine', 'short', tx(0, b'\x01' * 13) + rx(0, 0, b'\x01' * 13) + tx(4, eth(PEER, PEER, 0x8809, b'')) +
        rx(4, 0, eth(LACP_DST, PEER, 0x8809, b'\x01\x01')[:20]) + rx(1, 0, eth(BCAST, PEER, 0x0806, b'')[:16]))


# ---- control requests ----------------------------------------------------------

def request(*argv, flags=0):
    body = struct.pack('!I', len(argv)) + b''.join(
        struct.pack('!I', len(a.encode())) + a.encode() for a in argv)
    return struct.pack('!IHHI', 0x42445131, 1, flags, len(body)) + body


def ctl_seeds():
    make = request('create', 'bond0', 'mode', 'active-backup', 'miimon=100') + \
        request('enslave', 'bond0', 'eth0', 'eth1') + request('up', 'bond0')
    put('ctl', 'show', make + request('show') + request('show', 'bond0', flags=1))
    put('ctl', 'get_set', make + request('set', 'bond0', 'primary', 'eth1', 'updelay', '200') +
        request('get', 'bond0') + request('get', 'bond0', 'mode') + request('active', 'bond0', 'eth1') +
        request('set-slave', 'bond0', 'eth0', 'prio', '5') + request('list'))
    put('ctl', 'lacp', request('create', 'bond1', 'mode=802.3ad', 'lacp_rate', 'fast',
                               'xmit_hash_policy', 'layer3+4') +
        request('enslave', 'bond1', 'eth2', 'eth3') + request('up', 'bond1') +
        request('show', 'bond1', flags=1) +
        request('hash', 'bond1', 'src', '192.0.2.10', 'dst', '198.51.100.20', 'proto', 'tcp',
                'sport', '1234', 'dport', '80'))
    put('ctl', 'hash', request('create', 'bond2', 'mode', 'balance-xor', 'xmit_hash_policy', 'encap3+4') +
        request('enslave', 'bond2', 'eth0', 'eth1', 'eth2') +
        request('hash', 'bond2', 'vlan', '10', 'smac', '52:54:00:12:34:56', 'src', '192.0.2.1', 'dst', '192.0.2.2') +
        request('hash', 'bond2', 'src', '198.51.100.1', 'dst', '198.51.100.2', 'proto', 'gre', 'key', '42',
                'inner', 'src', '192.0.2.1', 'dst', '192.0.2.2', 'proto', 'tcp', 'sport', '1', 'dport', '2') +
        request('hash', 'bond2', 'pppoe', '42', 'src', '192.0.2.1', 'dst', '192.0.2.2', 'proto', 'esp', 'spi', '0x1001') +
        request('hash', 'bond2', 'src', '2001:db8::1', 'dst', '2001:db8::2', 'proto', 'udp', 'sport', '546', 'dport', '547', flags=1))
    put('ctl', 'misc', make + request('down', 'bond0') + request('release', 'bond0', 'eth0') +
        request('up', 'bond0') + request('delete', 'bond0') +
        request('options') + request('help') + request('version') + request('reload') + request('shwo'))


# ---- rtnetlink -------------------------------------------------------------------

def nla(t, payload):
    a = struct.pack('=HH', 4 + len(payload), t) + payload
    return a + b'\0' * ((4 - len(a) % 4) % 4)


def nlmsg(t, payload, flags=0, seq=1):
    m = struct.pack('=IHHII', 16 + len(payload), t, flags, seq, 0) + payload
    return m + b'\0' * ((4 - len(m) % 4) % 4)


RTM_NEWLINK, RTM_DELLINK, RTM_NEWADDR, RTM_DELADDR = 16, 17, 20, 21


def link(t, idx, name, flags=0x11043, master=0, kind=b'veth'):
    ifi = struct.pack('=BxHiII', 0, 1, idx, flags, 0xffffffff)
    attrs = nla(3, name + b'\0') + nla(4, struct.pack('=I', 1500)) + \
        nla(1, bytes([2, 0, 0, 0, 0, idx])) + nla(2, b'\xff' * 6) + \
        nla(54, bytes([2, 0, 0, 0, 0, idx])) + nla(30, struct.pack('=I', 1)) + \
        nla(16, bytes([6])) + nla(18, nla(1, kind + b'\0'))
    if master:
        attrs += nla(10, struct.pack('=I', master))
    return nlmsg(t, ifi + attrs)


def addr(t, family, idx, a, plen, label=None, bcast=None):
    ifa = struct.pack('=BBBBI', family, plen, 0x80, 0, idx)
    attrs = nla(1, a) + (nla(2, a) if family == 2 else b'')
    if label:
        attrs += nla(3, label + b'\0')
    if bcast:
        attrs += nla(4, bcast)
    return nlmsg(t, ifa + attrs)


def rtnl_seeds():
    put('rtnl', 'links', link(RTM_NEWLINK, 2, b'eth0', master=5) + link(RTM_NEWLINK, 5, b'bond0', kind=b'tun') +
        link(RTM_DELLINK, 3, b'eth1') + nlmsg(3, struct.pack('=i', 0)))
    put('rtnl', 'addrs', addr(RTM_NEWADDR, 2, 5, V4_BOND, 24, b'bond0:1', bytes([192, 0, 2, 255])) +
        addr(RTM_NEWADDR, 10, 5, V6_BOND, 64) + addr(RTM_DELADDR, 2, 5, bytes([198, 51, 100, 1]), 24))
    put('rtnl', 'mixed', link(RTM_NEWLINK, 7, b'a-very-long-interface-name') +
        addr(RTM_NEWADDR, 17, 5, b'\0' * 8, 0) + nlmsg(2, struct.pack('=iIHHII', -19, 36, 16, 0, 1, 0)))


# ---- /proc multicast files ------------------------------------------------------

def mcast_seeds():
    igmp = ('Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n'
            '2\tvb        :     1      V3\n'
            '\t\t\t\t010000E0     1 0:00000000\t\t0\n'
            '3\tva        :     3      V2\n'
            '\t\t\t\t010101E8     1 0:00000000\t\t0\n'
            '\t\t\t\t030201EF     1 0:00000000\t\t0\n'
            '\t\t\t\t010000E0     1 0:00000000\t\t0\n'
            '12\tbond_with_long: 1 V1\n'
            '\t\t\t\t090909EF     1 0:00000000\t\t0\n')
    mcf = ('Idx Device        MCA        SRC    INC    EXC\n'
           '  3     va 0xe8010101 0xc6336407      1      0\n'
           '  3     va 0xef010203 0xc6336409      0      1\n'
           '  2     vb 0xe8010101 0xc6336408      1      0\n')
    igmp6 = ('1    lo              ff020000000000000000000000000001     1 0000000C 0\n'
             '3    va              ff050000000000000000000000010003     1 00000004 0\n'
             '3    va              ff0200000000000000000001ffea42b1     1 00000004 0\n'
             '3    va              ff020000000000000000000000000001     1 0000000C 0\n'
             '3    va              ff010000000000000000000000000001     1 00000008 0\n')
    mcf6 = ('Idx Device                Multicast Address                   Source Address    INC    EXC\n'
            '  3     va ff050000000000000000000000010003 20010db8000000000000000000000007     1     0\n')
    put('mcast', 'linux618', b'\xff'.join(x.encode() for x in (igmp, mcf, igmp6, mcf6)))
    put('mcast', 'v1', b'\xff'.join(x.encode() for x in (igmp.replace('V2', 'V1'), '', '', '')))


# ---- VLAN restore -------------------------------------------------------------

def vlan_seeds():
    frame = eth(PEER, slave_mac(0, 0), 0x0806, arp(1, PEER, V4_T1, b'\0' * 6, V4_BOND))
    vnet = struct.pack('=BBHHHH', 1, 1, 54, 1448, 34, 16)   # NEEDS_CSUM, GSO TCPv4
    put('vlan', 'plain', bytes([0]) + struct.pack('!HH', 0x8100, 100) + frame)
    put('vlan', 'vnet', bytes([1]) + struct.pack('!HH', 0x88a8, 0x2010) + vnet +
        eth(PEER, slave_mac(0, 0), 0x0800, ipv4(6, V4_T1, V4_BOND, tcp(1, 2))))
    put('vlan', 'vnet12', bytes([2]) + struct.pack('!HH', 0x8100, 7) + vnet + b'\1\0' + frame)
    put('vlan', 'short', bytes([0]) + struct.pack('!HH', 0x8100, 1) + frame[:11])
    # A PACKET_AUXDATA control message (level SOL_PACKET 263, type 8).
    aux = struct.pack('=IIIHHHH', 0x10 | 0x40, 60, 60, 14, 0x0064, 0x8100, 0)
    put('vlan', 'auxdata', struct.pack('=QiI', 16 + len(aux), 263, 8) + aux)


def main():
    conf_seeds()
    engine_seeds()
    ctl_seeds()
    rtnl_seeds()
    mcast_seeds()
    vlan_seeds()


if __name__ == '__main__':
    main()
