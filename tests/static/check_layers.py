#!/usr/bin/env python3
"""The layering rule of docs/design.md, checked over the #include lines.

Folders under src/ are layers; each may include only the layers listed in
ALLOWED (and itself). A module is a file path without its extension
(src/core/bond.c and src/core/bond.h are one module "core/bond"); an edge
goes from a module to the module of every project header it includes. The
graph must have no cycle, inside a folder or across folders.

The mode rule (src/core/mode.h): a mode is decided by its operations
table only, so BOND_MODE_* names appear in the mode files and nowhere else.

Prints one PASS/FAIL line per rule, with the offending lines after a FAIL;
exits 1 on any failure.  usage: check_layers.py [SRC_DIR]
"""
import os
import re
import sys

ALLOWED = {
    "lib": set(),
    "core": {"lib"},
    # the kernel data path's programs and their map contract (dp_abi.h)
    "bpf": set(),
    "config": {"lib", "core"},
    "linux": {"lib", "core", "bpf"},
    "ctl": {"lib", "core"},
    "daemon": {"lib", "core", "config", "linux", "ctl", "bpf"},
    "cmd": {"lib", "core", "config", "linux", "ctl", "daemon", "bpf"},
}
# config reads only the option codec of the core; linux only its types
# (the model, and the multicast group list the /proc readers fill).
CONFIG_CORE_HEADERS = {"core/opt", "core/bond_types"}
LINUX_CORE_HEADERS = {"core/bond_types", "core/mcast_rejoin"}
# Files allowed to name a mode number: the mode table and the modes.
MODE_FILES = re.compile(r"^core/(mode[^/]*|mode/.*|lacp/.*|opt_table)\.[ch]$|^core/bond_types\.h$")

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def modules(src):
    files = {}
    for root, _, names in os.walk(src):
        for n in names:
            if n.endswith((".c", ".h")):
                path = os.path.join(root, n)
                files[os.path.relpath(path, src)] = path
    return files


def resolve(rel, inc, files):
    """A quoted include: relative to the includer, then src/core, then src."""
    for cand in (os.path.normpath(os.path.join(os.path.dirname(rel), inc)),
                 os.path.normpath(os.path.join("core", inc)),
                 os.path.normpath(inc)):
        if cand in files:
            return cand
    return None


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "src")
    files = modules(src)
    edges = {}
    upward, unknown, mode_uses = [], [], []
    for rel, path in sorted(files.items()):
        mod = os.path.splitext(rel)[0]
        layer = rel.split(os.sep)[0]
        with open(path, encoding="utf-8") as f:
            for no, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if m:
                    target = resolve(rel, m.group(1), files)
                    if target is None:
                        unknown.append(f"{rel}:{no}: {m.group(1)} not found")
                        continue
                    tmod = os.path.splitext(target)[0]
                    tlayer = target.split(os.sep)[0]
                    if tmod != mod:
                        edges.setdefault(mod, set()).add(tmod)
                    if tlayer != layer and tlayer not in ALLOWED.get(layer, set()):
                        upward.append(f"{rel}:{no}: {layer} may not include {target}")
                    elif layer == "config" and tlayer == "core" and tmod not in CONFIG_CORE_HEADERS:
                        upward.append(f"{rel}:{no}: config may include only the option codec, not {target}")
                    elif layer == "linux" and tlayer == "core" and tmod not in LINUX_CORE_HEADERS:
                        upward.append(f"{rel}:{no}: linux may include only the core's types, not {target}")
                if "BOND_MODE_" in line and not MODE_FILES.match(rel):
                    mode_uses.append(f"{rel}:{no}: {line.strip()}")

    cycles = find_cycles(edges)
    ok = True
    for name, bad in (("layers: no upward include", upward + unknown),
                      ("layers: no include cycle", [" -> ".join(c) for c in cycles]),
                      ("layers: modes decided only by their table", mode_uses)):
        if bad:
            ok = False
            print(f"FAIL {name}")
            for b in bad:
                print(f"    {b}")
        else:
            print(f"PASS {name}")
    return 0 if ok else 1


def find_cycles(edges):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


if __name__ == "__main__":
    sys.exit(main())
