#!/bin/bash
# mkinitramfs.sh KDIR OUT: the test peer's initramfs (gzip'd newc cpio):
# Debian's static busybox as /bin/busybox, tests/interop/kvm/init as /init,
# and the modules fetch_kernel.sh kept in KDIR/mods (with their load order).
# Nothing else: /init installs busybox's applet links at boot.
set -u

die() {
	echo "mkinitramfs: $*" >&2
	exit 1
}

[ $# -eq 2 ] || die "usage: mkinitramfs.sh KDIR OUT"
kdir=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
bb=""
for b in /bin/busybox /usr/bin/busybox; do
	[ -x "$b" ] && bb=$b && break
done
[ -n "$bb" ] || die "busybox not found (package busybox-static)"
# A dynamic busybox (Debian's package "busybox") would need its libc inside.
if LC_ALL=C ldd "$bb" 2>&1 | grep -q '=>'; then
	die "$bb is dynamically linked: install busybox-static"
fi
[ -f "$kdir/mods/order" ] || die "$kdir/mods/order missing (run fetch_kernel.sh)"

root=$(mktemp -d "${TMPDIR:-/tmp}/bondd-initramfs.XXXXXX") || die "no temp dir"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/mods" || die "cannot write $root"
cp "$bb" "$root/bin/busybox" &&
	cp "$here/init" "$root/init" &&
	chmod 755 "$root/init" "$root/bin/busybox" &&
	cp "$kdir"/mods/*.ko "$kdir/mods/order" "$root/mods/" ||
	die "cannot fill $root"
# sh must be there before /init runs busybox --install (its #! line).
ln -s busybox "$root/bin/sh" || die "cannot link $root/bin/sh"
(cd "$root" && find . | LC_ALL=C sort | "$bb" cpio -o -H newc 2>/dev/null) | gzip -1 >"$out.tmp" ||
	die "cpio/gzip failed"
mv "$out.tmp" "$out" || die "cannot write $out"
