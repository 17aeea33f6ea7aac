#!/usr/bin/env python3
"""scripts/demo_chart.py: the throughput chart of `make demo` (scripts/demo.sh).

  demo_chart.py record OUT [--interval S] [--max-s S] -- BONDCTL ARGS...
      runs `BONDCTL ARGS...` (a `bondctl -j stats BOND`) every S seconds
      (default 0.1) and appends one line per answer to OUT:
          {"t": <UNIX time, s>, "stats": <the answer>}
      until SIGTERM/SIGINT or --max-s seconds (default 60), so that a
      recorder nobody stops still ends.
  demo_chart.py plot SAMPLES PNG [--title TEXT] [--mark T=LABEL]...
      turns the byte counters of consecutive samples into Mbit/s per slave
      (tx solid, rx dashed), draws a vertical line at every change of active
      slave the samples' "failover.recent" lists inside the time span, and
      at each --mark (T: UNIX time), and writes PNG with gnuplot (pngcairo).
      Bad or empty SAMPLES, or gnuplot failing, is an error that names the
      file and line; PNG is then left as it was (written to a temporary
      file first, renamed into place only when gnuplot succeeded).

Exit status: 0 done, 1 error (said on stderr), 2 usage.
"""
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

PROG = "demo_chart"


class Bad(Exception):
    """An error to print as "demo_chart: ..." and exit 1 on."""


def usage(msg):
    sys.stderr.write("%s: %s\n" % (PROG, msg))
    sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
    sys.exit(2)


# ---------------------------------------------------------------- record

def record(argv):
    out = None
    interval = 0.1
    max_s = 60.0
    cmd = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            cmd = argv[i + 1:]
            break
        if a in ("--interval", "--max-s"):
            if i + 1 >= len(argv):
                usage("%s needs a value" % a)
            try:
                v = float(argv[i + 1])
            except ValueError:
                usage("%s: not a number: %r" % (a, argv[i + 1]))
            if not 0 < v <= 3600:
                usage("%s: must be > 0 and <= 3600 s, got %s" % (a, argv[i + 1]))
            if a == "--interval":
                interval = v
            else:
                max_s = v
            i += 2
            continue
        if out is None and not a.startswith("-"):
            out = a
            i += 1
            continue
        usage("record: unexpected argument %r" % a)
    if out is None or not cmd:
        usage("record needs OUT and -- COMMAND")

    stop = []
    # SIGTERM ends the loop between two samples, so the last line written
    # is always whole.
    for s in (signal.SIGTERM, signal.SIGINT):
        signal.signal(s, lambda *_: stop.append(1))
    try:
        f = open(out, "a", encoding="utf-8")
    except OSError as e:
        raise Bad("cannot open %s: %s" % (out, e.strerror))
    n = 0
    failures = 0
    end = time.monotonic() + max_s
    nxt = time.monotonic()
    with f:
        while not stop and time.monotonic() < end:
            t = time.time()
            try:
                r = subprocess.run(cmd, capture_output=True, text=True, timeout=5)
            except (OSError, subprocess.TimeoutExpired) as e:
                raise Bad("cannot run %s: %s" % (cmd[0], e))
            ans = None
            if r.returncode == 0:
                try:
                    ans = json.loads(r.stdout)
                except ValueError:
                    ans = None
            if ans is None:
                # One missed sample leaves a longer interval (the rate stays
                # right); three in a row mean the daemon is gone.
                failures += 1
                sys.stderr.write("%s: sample skipped: %s (status %d): %s\n" % (
                    PROG, " ".join(cmd), r.returncode, (r.stderr or r.stdout).strip()[:200]))
                if failures >= 3:
                    raise Bad("3 samples in a row failed; stopped after %d samples" % n)
            else:
                failures = 0
                f.write(json.dumps({"t": round(t, 6), "stats": ans}, separators=(",", ":")) + "\n")
                f.flush()
                n += 1
            # A fixed schedule: a slow answer shortens the next wait
            # instead of shifting every later sample.
            nxt += interval
            d = nxt - time.monotonic()
            if d > 0:
                time.sleep(d)
            else:
                nxt = time.monotonic()
    return 0


# ---------------------------------------------------------------- plot

def iso_to_unix(s):
    """ "2026-12-05T03:14:06.899162Z" -> UNIX seconds (float), None if not one."""
    if not isinstance(s, str) or not s.endswith("Z"):
        return None
    try:
        d = datetime.datetime.strptime(s[:-1], "%Y-%m-%dT%H:%M:%S.%f")
    except ValueError:
        return None
    return d.replace(tzinfo=datetime.timezone.utc).timestamp()


def is_count(v):
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def load(path):
    """The samples of PATH: a list of (t, bond, {slave: (tx_bytes, rx_bytes)}, recent)."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise Bad("cannot read %s: %s" % (path, e.strerror))
    except UnicodeDecodeError as e:
        raise Bad("%s: not UTF-8 text (%s)" % (path, e.reason))
    samples = []
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = "%s:%d" % (path, no)
        try:
            d = json.loads(line)
        except ValueError as e:
            raise Bad("%s: not a JSON sample (%s)" % (where, e))
        if not isinstance(d, dict) or not isinstance(d.get("stats"), dict):
            raise Bad('%s: not a sample: expected {"t": ..., "stats": {...}}' % where)
        t = d.get("t")
        if not isinstance(t, (int, float)) or isinstance(t, bool):
            raise Bad('%s: "t" is not a number' % where)
        st = d["stats"]
        sl = st.get("slaves")
        if not isinstance(st.get("name"), str) or not isinstance(sl, list):
            raise Bad('%s: "stats" is not a bondctl -j stats answer (no "name" or "slaves")' % where)
        counters = {}
        for s in sl:
            if not isinstance(s, dict) or not isinstance(s.get("name"), str) or \
                    not is_count(s.get("tx_bytes")) or not is_count(s.get("rx_bytes")):
                raise Bad("%s: a slave without name, tx_bytes, rx_bytes: %s" % (where, json.dumps(s)[:120]))
            counters[s["name"]] = (s["tx_bytes"], s["rx_bytes"])
        if samples:
            if st["name"] != samples[-1][1]:
                raise Bad("%s: bond %s after samples of %s" % (where, st["name"], samples[-1][1]))
            if t <= samples[-1][0]:
                raise Bad("%s: time %.6f is not after the previous sample's %.6f" % (where, t, samples[-1][0]))
        recent = (st.get("failover") or {}).get("recent") or []
        samples.append((float(t), st["name"], counters, recent if isinstance(recent, list) else []))
    if not samples:
        raise Bad("%s: no samples (empty file)" % path)
    if len(samples) < 2:
        raise Bad("%s: 1 sample; a rate needs at least 2" % path)
    return samples


def rates(samples):
    """Per slave, rows (seconds since the first sample, tx Mbit/s, rx Mbit/s),
    each at the middle of its interval; a counter that went back (slave
    released and enslaved again) gives no row for that interval."""
    t0 = samples[0][0]
    names = []
    for s in samples:
        for n in s[2]:
            if n not in names:
                names.append(n)
    out = {n: [] for n in names}
    for a, b in zip(samples, samples[1:]):
        dt = b[0] - a[0]
        mid = (a[0] + b[0]) / 2 - t0
        for n in names:
            if n not in a[2] or n not in b[2]:
                continue
            dtx = b[2][n][0] - a[2][n][0]
            drx = b[2][n][1] - a[2][n][1]
            if dtx < 0 or drx < 0:
                continue
            out[n].append((mid, dtx * 8 / dt / 1e6, drx * 8 / dt / 1e6))
    return t0, out


def marks_of(samples, extra):
    """Vertical lines: every change of active slave seen in the samples'
    failover.recent inside the span, then the --mark ones."""
    t0, t1 = samples[0][0], samples[-1][0]
    seen = {}
    for s in samples:
        for r in s[3]:
            if not isinstance(r, dict):
                continue
            t = iso_to_unix(r.get("time"))
            if t is None or not t0 <= t <= t1:
                continue
            lab = "%s -> %s" % (r.get("from") or "none", r.get("to") or "none")
            if isinstance(r.get("reason"), str):
                lab += " (%s)" % r["reason"]
            if isinstance(r.get("latency_us"), int):
                lab += ", %d us" % r["latency_us"]
            seen[r.get("time")] = (t, lab)
    m = sorted(seen.values())
    for t, lab in extra:
        if t0 <= t <= t1:
            m.append((t, lab))
    return [(t - t0, lab) for t, lab in m]


def gp_str(s):
    """A gnuplot string in single quotes (only '' needs escaping there)."""
    return "'" + s.replace("'", "''") + "'"


def plot(argv):
    title = None
    extra = []
    pos = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--title", "--mark"):
            if i + 1 >= len(argv):
                usage("%s needs a value" % a)
            v = argv[i + 1]
            if a == "--title":
                title = v
            else:
                t, sep, lab = v.partition("=")
                try:
                    tf = float(t)
                except ValueError:
                    tf = None
                if not sep or tf is None or not lab:
                    usage("--mark wants T=LABEL (T: UNIX time in s), got %r" % v)
                extra.append((tf, lab))
            i += 2
            continue
        if a.startswith("-"):
            usage("plot: unknown option %r" % a)
        pos.append(a)
        i += 1
    if len(pos) != 2:
        usage("plot needs SAMPLES and PNG")
    src, png = pos
    samples = load(src)
    gp = shutil.which("gnuplot")
    if not gp:
        raise Bad("gnuplot is not installed (Debian: apt-get install gnuplot-nox)")
    t0, per = rates(samples)
    marks = marks_of(samples, extra)
    bond = samples[0][1]
    if title is None:
        title = "%s: throughput per slave, %d samples from %s UTC" % (
            bond, len(samples),
            datetime.datetime.fromtimestamp(t0, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S"))
    outdir = os.path.dirname(os.path.abspath(png))
    with tempfile.TemporaryDirectory(prefix="demo_chart.") as td:
        plots = []
        colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
        for k, (n, rows) in enumerate(per.items()):
            if not rows:
                continue
            dat = os.path.join(td, "s%d.dat" % k)
            with open(dat, "w") as f:
                for r in rows:
                    f.write("%.4f %.3f %.3f\n" % r)
            c = colours[k % len(colours)]
            plots.append("%s using 1:2 with lines lw 2 lc rgb '%s' title %s" % (gp_str(dat), c, gp_str(n + " tx")))
            plots.append("%s using 1:3 with lines lw 1 dt 2 lc rgb '%s' title %s" % (gp_str(dat), c, gp_str(n + " rx")))
        if not plots:
            raise Bad("%s: no slave has two consecutive samples to make a rate of" % src)
        try:
            tmp_png = tempfile.NamedTemporaryFile(dir=outdir, prefix=".demo_chart.", suffix=".png", delete=False)
        except OSError as e:
            raise Bad("cannot write a file in %s: %s" % (outdir, e.strerror))
        tmp_png.close()
        try:
            script = [
                "set terminal pngcairo size 1000,560 font ',10'",
                "set output %s" % gp_str(tmp_png.name),
                "set title %s noenhanced" % gp_str(title),
                "set xlabel 'seconds (100 ms samples of bondctl -j stats)'",
                "set ylabel 'Mbit/s'",
                "set yrange [0:*]",
                "set grid",
                "set key outside right top noenhanced",
            ]
            for j, (t, lab) in enumerate(marks, 1):
                script.append("set arrow %d from first %.4f, graph 0 to first %.4f, graph 1 nohead dt 3 lc rgb '#555555'"
                              % (j, t, t))
                script.append("set label %d %s at first %.4f, graph %.2f offset 0.5,0 noenhanced font ',9'"
                              % (j, gp_str(lab), t, 0.95 - 0.06 * (j - 1)))
            script.append("plot " + ", ".join(plots))
            sp = os.path.join(td, "chart.gp")
            with open(sp, "w") as f:
                f.write("\n".join(script) + "\n")
            r = subprocess.run([gp, sp], capture_output=True, text=True)
            if r.returncode != 0:
                raise Bad("gnuplot failed (status %d): %s" % (r.returncode, r.stderr.strip()[:500]))
            with open(tmp_png.name, "rb") as f:
                head = f.read(8)
            if head != b"\x89PNG\r\n\x1a\n":
                raise Bad("gnuplot wrote no PNG (%s)" % (r.stderr.strip()[:300] or "empty output"))
            os.chmod(tmp_png.name, 0o644)
            os.replace(tmp_png.name, png)
        finally:
            if os.path.exists(tmp_png.name):
                os.unlink(tmp_png.name)
    return 0


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("record", "plot"):
        usage("first argument: record or plot")
    try:
        if sys.argv[1] == "record":
            return record(sys.argv[2:])
        return plot(sys.argv[2:])
    except Bad as e:
        sys.stderr.write("%s: %s\n" % (PROG, e))
        return 1
    except KeyboardInterrupt:
        # Ctrl-C on make demo: the demo cleans up and says so; a traceback
        # here would only hide that.
        sys.stderr.write("%s: interrupted\n" % PROG)
        return 130


if __name__ == "__main__":
    sys.exit(main())
