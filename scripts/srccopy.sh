#!/bin/sh
# scripts/srccopy.sh DEST: copies the source tree into DEST (which must
# exist) as git would list it, tracked and new files but nothing
# .gitignore names (the build directories), without needing git: make deb
# and tests/pkg/t_deb.sh build from such a copy, from a checkout or from an
# unpacked tarball alike.
set -eu
if [ $# != 1 ] || [ ! -d "$1" ]; then
	echo "usage: scripts/srccopy.sh DEST   (an existing directory)" >&2
	exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
(cd "$root" && tar --exclude-vcs --exclude-vcs-ignores -cf - .) | tar -C "$1" -xf -
# tar keeps an ignored directory as an empty one: drop those
find "$1" -mindepth 1 -type d -empty -delete
