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
slaves eth2 eth3

[eth4]
address 198.51.100.4/24

[routes]
default via 192.0.2.1
198.51.100.0/24 via 192.0.2.1 dev bond0 metric 5
''')


def main():
    conf_seeds()


if __name__ == '__main__':
    main()
