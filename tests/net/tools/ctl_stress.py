#!/usr/bin/env python3
"""Hostile control-socket clients for t_ctl_stall.sh, for SECONDS seconds:

  --silent N    N connections that connect and send nothing; each one the
                daemon drops is opened again at once, so N stay open
  --slow        one client sends `show` and reads its reply one byte per
                second (again at the end of it); bondd has written it all
                and closed at once when it fits in the socket buffer (a
                reply that does not is dropped at the deadline: unit test)
  --noread N    N clients that send `show` and never read (again when
                dropped)

Prints one line of counts at the end: how often the daemon dropped each
kind (it must: a silent client is dropped at its deadline, or to make room
for a newcomer; a non-reader at its deadline), e.g.
  silent_drops=123 slow_drops=8 slow_bytes=9 noread_drops=40 connects=500
The request is built here in the wire format of src/ctl/ctl_proto.h (magic
BDQ1, version 1, flags, length, argc, then u32 length + bytes per word).
"""
import argparse
import select
import socket
import struct
import sys
import time


def request(words, flags=0):
    body = struct.pack(">I", len(words))
    for w in words:
        b = w.encode()
        body += struct.pack(">I", len(b)) + b
    return struct.pack(">IHHI", 0x42445131, 1, flags, len(body)) + body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("socket")
    ap.add_argument("seconds", type=float)
    ap.add_argument("--silent", type=int, default=0)
    ap.add_argument("--slow", action="store_true")
    ap.add_argument("--noread", type=int, default=0)
    ap.add_argument("--cmd", default="show")
    ap.add_argument("--pause", type=float, default=0.0,
                    help="seconds to wait before reopening a dropped client")
    a = ap.parse_args()

    req = request([a.cmd])
    counts = {"silent_drops": 0, "slow_drops": 0, "slow_bytes": 0,
              "noread_drops": 0, "connects": 0, "connect_errors": 0}
    conns = {}   # socket -> kind

    def open_one(kind):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        # Small receive buffer: a client that does not read fills it fast.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        try:
            s.connect(a.socket)
        except OSError:
            counts["connect_errors"] += 1
            s.close()
            return
        counts["connects"] += 1
        if kind in ("slow", "noread"):
            try:
                s.sendall(req)
            except OSError:
                pass
        s.setblocking(False)
        conns[s] = kind

    end = time.monotonic() + a.seconds
    for _ in range(a.silent):
        open_one("silent")
    if a.slow:
        open_one("slow")
    for _ in range(a.noread):
        open_one("noread")
    next_slow = time.monotonic() + 1.0
    reopen = []   # (when, kind)
    while time.monotonic() < end:
        now = time.monotonic()
        while reopen and reopen[0][0] <= now:
            open_one(reopen.pop(0)[1])
        # Silent and slow clients: notice when the daemon closes them.
        # Non-readers: never read, but poll for the hangup (POLLHUP/RDHUP
        # shows without reading the data).
        p = select.poll()
        for s, kind in conns.items():
            if kind == "noread":
                # bondd closing its end shows as RDHUP even while our
                # receive queue still holds the reply we did not read.
                p.register(s, select.POLLRDHUP)
            elif kind == "silent":
                p.register(s, select.POLLIN)
        for fd, ev in p.poll(50):
            s = next(x for x in conns if x.fileno() == fd)
            kind = conns[s]
            if kind == "silent":
                # Its "incomplete request" or "dropped" line, then EOF.
                try:
                    while s.recv(65536):
                        pass
                except BlockingIOError:
                    continue
                except OSError:
                    pass
            del conns[s]
            s.close()
            counts[kind + "_drops"] += 1
            reopen.append((time.monotonic() + a.pause, kind))
        now = time.monotonic()
        if now >= next_slow:
            next_slow = now + 1.0
            for s, kind in list(conns.items()):
                if kind != "slow":
                    continue
                try:
                    b = s.recv(1)
                except BlockingIOError:
                    continue
                except OSError:
                    b = b""
                if b:
                    counts["slow_bytes"] += 1
                    continue
                del conns[s]
                s.close()
                counts["slow_drops"] += 1
                reopen.append((now + a.pause, "slow"))
    for s in conns:
        s.close()
    print(" ".join("%s=%d" % kv for kv in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
