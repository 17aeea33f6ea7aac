#!/usr/bin/env python3
"""bench/publish.py [RESULTS_DIR]: copies RESULTS_DIR/latest.md (default
bench/results/latest.md) into README.md and docs/bench.md, between the
markers <!-- bench:latest --> and <!-- /bench:latest --> (README without
the list of targets). Run it after a
full `make bench` whose results are to be committed."""
import os
import re
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
src = os.path.join(sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "bench", "results"), "latest.md")
table = open(src).read().rstrip("\n")
pat = re.compile(r"(<!-- bench:latest -->\n)(?:.*?\n)?(<!-- /bench:latest -->)", re.S)
# README gets the table and its notes; docs/bench.md the targets too.
short = table.split("\nTargets:")[0].rstrip("\n") + "\n\nTargets met and missed: [docs/bench.md](docs/bench.md#latest-results)."
for rel, body in (("README.md", short), ("docs/bench.md", table)):
    path = os.path.join(root, rel)
    text = open(path).read()
    if not pat.search(text):
        print("%s: no <!-- bench:latest --> markers, left alone" % rel)
        continue
    open(path, "w").write(pat.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text))
    print("%s: table updated" % rel)
