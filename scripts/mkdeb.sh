#!/bin/sh
# scripts/mkdeb.sh OUTDIR: builds the Debian package (make deb) from the
# working tree (tracked and new files, not what .gitignore names) with
# dpkg-buildpackage -us -uc -b in OUTDIR/src, and leaves bondd_*.deb,
# .buildinfo and .changes in OUTDIR.
#
# DEB_VERSION=V: the package gets version V (a changelog entry is added to
# the copy, the tree is not changed): a newer .deb for the upgrade tests.
# DEB_BUILD_OPTIONS as for dpkg-buildpackage ("nocheck" skips meson test).
set -eu

if [ $# != 1 ]; then
	echo "usage: scripts/mkdeb.sh OUTDIR   (DEB_VERSION, DEB_BUILD_OPTIONS)" >&2
	exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
for t in dpkg-buildpackage dh; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "mkdeb.sh: $t is missing (make deb installs it: scripts/deps.sh deb)" >&2
		exit 1
	fi
done

# The copy: dpkg-buildpackage writes its results next to the source
# directory, and builds in it (obj-*/, debian/bondd/).
src=$out/src/bondd
rm -rf "$out/src"
mkdir -p "$src"
sh "$root/scripts/srccopy.sh" "$src"

if [ -n "${DEB_VERSION:-}" ]; then
	{
		printf 'bondd (%s) unstable; urgency=medium\n\n' "$DEB_VERSION"
		printf '  * Built by make deb DEB_VERSION=%s from the working tree.\n\n' "$DEB_VERSION"
		printf ' -- bondd developers <dev@bondd.invalid>  %s\n\n' "$(date -R)"
		cat "$src/debian/changelog"
	} >"$src/debian/changelog.new"
	mv "$src/debian/changelog.new" "$src/debian/changelog"
fi

(cd "$src" && dpkg-buildpackage -us -uc -b)
rm -f "$out"/bondd_*.deb "$out"/bondd-dbgsym_*.deb "$out"/bondd_*.buildinfo "$out"/bondd_*.changes
mv "$out"/src/bondd_*.deb "$out"/src/bondd_*.buildinfo "$out"/src/bondd_*.changes "$out"/
mv "$out"/src/bondd-dbgsym_*.deb "$out"/ 2>/dev/null || true
ls "$out"/bondd_*.deb
