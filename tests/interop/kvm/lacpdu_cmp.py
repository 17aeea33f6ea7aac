#!/usr/bin/env python3
"""lacpdu_cmp.py PCAP:OURMAC:THEIRMAC...: bondd's LACPDUs next to the
Linux bonding driver's, as captured on one port each (tcpdump -w, classic
pcap, Ethernet link type).

OURMAC is the source MAC bondd must use on that port (the port's permanent
address, as the kernel uses its slave's), THEIRMAC the kernel's. For each
frame, from either side (IEEE 802.1AX-2014 6.4.2.3):
  - destination 01:80:c2:00:00:02, EtherType 0x8809, subtype 1, version 1;
  - TLVs actor (1, 20), partner (2, 20), collector (3, 16), terminator
    (0, 0) at their fixed offsets; every reserved octet 0; 110 octets of
    LACPDU at least;
  - the source MAC is one of the two given;
then between the two sides: the same frame length, the same collector max
delay; and each sender's rate: at most 3 LACPDUs in any 1 s (802.1AX
6.4.16, the kernel's AD_MAX_TX_IN_SECOND), and while both actor states show
short timeout (fast), at most 1.5 s between two periodic LACPDUs.
Prints one line per finding and a summary per port; exit status 1 when
something is wrong.
"""
import struct
import sys

SLOW_MAC = bytes.fromhex("0180c2000002")


def frames(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise ValueError("%s: not a pcap file (%d bytes)" % (path, len(data)))
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        raise ValueError("%s: not a classic pcap file" % path)
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(end + "I", data[20:24])[0]
    if linktype != 1:
        raise ValueError("%s: link type %d, not Ethernet" % (path, linktype))
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack(end + "IIII", data[off:off + 16])
        off += 16
        yield sec + frac / (1e9 if nano else 1e6), data[off:off + incl]
        off += incl


def mac(b):
    return ":".join("%02x" % x for x in b)


def info(b):
    sp, sysmac, key, pp, pn, st = struct.unpack(">H6sHHHB", b)
    return {"sysprio": sp, "system": mac(sysmac), "key": key, "pprio": pp,
            "pnum": pn, "state": st}


def parse(fr):
    """The LACPDU in FR as a dict, or a list of problems."""
    bad = []
    if len(fr) < 14 + 110:
        return ["frame of %d octets, an LACPDU needs 124" % len(fr)]
    if fr[0:6] != SLOW_MAC:
        bad.append("destination %s" % mac(fr[0:6]))
    if fr[12:14] != b"\x88\x09":
        bad.append("EtherType %s" % fr[12:14].hex())
    p = fr[14:]
    if p[0] != 1 or p[1] != 1:
        bad.append("subtype %d version %d" % (p[0], p[1]))
    for at, want, name in ((2, (1, 20), "actor"), (22, (2, 20), "partner"),
                           (42, (3, 16), "collector"), (58, (0, 0), "terminator")):
        if (p[at], p[at + 1]) != want:
            bad.append("%s TLV type/length %d/%d, want %d/%d" % (name, p[at], p[at + 1], *want))
    for at, n, name in ((19, 3, "after actor"), (39, 3, "after partner"),
                        (46, 12, "after collector"), (60, 50, "after terminator")):
        if any(p[at:at + n]):
            bad.append("reserved octets %s not zero: %s" % (name, p[at:at + n].hex()))
    if bad:
        return bad
    return {"src": mac(fr[6:12]), "len": len(fr), "actor": info(p[4:19]),
            "partner": info(p[24:39]), "cmd": struct.unpack(">H", p[44:46])[0]}


def main(args):
    ok = True
    for arg in args:
        parts = arg.split(":")
        path = parts[0]
        ours = ":".join(parts[1:7]).lower()
        theirs = ":".join(parts[7:13]).lower()
        side = {ours: "bondd", theirs: "kernel"}
        got = {"bondd": [], "kernel": []}
        for ts, fr in frames(path):
            if len(fr) < 14 or fr[12:14] != b"\x88\x09" or (len(fr) > 14 and fr[14] != 1):
                continue
            d = parse(fr)
            if isinstance(d, list):
                ok = False
                for b in d:
                    print("%s: LACPDU from %s at %.3f: %s" % (path, mac(fr[6:12]), ts, b))
                continue
            who = side.get(d["src"])
            if who is None:
                ok = False
                print("%s: LACPDU from %s: neither bondd's %s nor the kernel's %s"
                      % (path, d["src"], ours, theirs))
                continue
            got[who].append((ts, d))
        for who in ("bondd", "kernel"):
            if not got[who]:
                ok = False
                print("%s: no LACPDU from %s" % (path, who))
        if not got["bondd"] or not got["kernel"]:
            continue
        for key in ("len", "cmd"):
            vals = {who: sorted({d[key] for _, d in got[who]}) for who in got}
            if vals["bondd"] != vals["kernel"]:
                ok = False
                print("%s: %s differs: bondd %s, kernel %s"
                      % (path, {"len": "frame length", "cmd": "collector max delay"}[key],
                         vals["bondd"], vals["kernel"]))
        for who in ("bondd", "kernel"):
            ts = [t for t, _ in got[who]]
            worst = max((sum(1 for u in ts if t <= u < t + 1.0) for t in ts), default=0)
            if worst > 3:
                ok = False
                print("%s: %s sent %d LACPDUs within 1 s (802.1AX allows 3)" % (path, who, worst))
            # Periodic gaps while both sides run fast and are settled in sync.
            gap = 0.0
            for (t1, d1), (t2, d2) in zip(got[who], got[who][1:]):
                if d1["actor"]["state"] & 0x0a == 0x0a and d1["partner"]["state"] & 0x0a == 0x0a:
                    gap = max(gap, t2 - t1)
            if gap > 1.5:
                ok = False
                print("%s: %s let %.2f s pass between LACPDUs at the fast rate (1 s)" % (path, who, gap))
            print("%s: %s: %d LACPDUs, at most %d in 1 s, longest fast gap %.2f s, length %s, "
                  "collector max delay %s" % (path, who, len(ts), worst, gap,
                                              got[who][0][1]["len"], got[who][0][1]["cmd"]))
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print("usage: lacpdu_cmp.py PCAP:OURMAC:THEIRMAC...", file=sys.stderr)
        sys.exit(2)
    try:
        sys.exit(main(sys.argv[1:]))
    except (OSError, ValueError) as e:
        print("lacpdu_cmp: %s" % e)
        sys.exit(1)
