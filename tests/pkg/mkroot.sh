#!/bin/sh
# tests/pkg/mkroot.sh DEST [PACKAGE...]: a fresh Debian 12 (bookworm) root
# in DEST (which must not exist or be empty), debootstrap --variant=minbase,
# with PACKAGEs installed in it by apt-get (systemd systemd-sysv dbus for a
# root systemd-nspawn --boot can start: tests/sysd).
#
# The first call downloads from the Debian mirror the system's apt uses
# (/etc/apt/sources.list, /etc/apt/sources.list.d/*.list and *.sources)
# and keeps a tarball of the result in /var/cache/bondd-tests/ (one per
# package list); later calls only unpack it. BONDD_ROOT_CACHE overrides
# the directory; delete a tarball to refresh it.
# Prints nothing on stdout but the cache file used; progress goes to stderr.
set -eu

if [ $# -lt 1 ]; then
	echo "usage: tests/pkg/mkroot.sh DEST [PACKAGE...]" >&2
	exit 2
fi
dest=$1
shift
case $dest in /*) ;; *) dest=$PWD/$dest ;; esac
if [ -e "$dest" ] && [ -n "$(ls -A "$dest" 2>/dev/null)" ]; then
	echo "mkroot.sh: $dest exists and is not empty" >&2
	exit 2
fi
if [ "$(id -u)" != 0 ]; then
	echo "mkroot.sh: needs root (debootstrap, chroot)" >&2
	exit 2
fi
cache=${BONDD_ROOT_CACHE:-/var/cache/bondd-tests}
suite=bookworm

# The package list, sorted, names the tarball.
extra=$(printf '%s\n' "$@" | sed '/^$/d' | sort -u | tr '\n' ' ' | sed 's/ $//')
tag=minbase
[ -z "$extra" ] || tag=minbase-$(printf '%s' "$extra" | tr ' ' '+')
tarball=$cache/debian12-$tag.tar

# mirror: the first bookworm (not -security, not -updates) archive of the
# system's apt sources, one-line or deb822 style.
mirror() {
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk -v s="$suite" '$1 == "deb" {
			i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
			if ($(i + 1) == s) { print $i; exit }
		}' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		# deb822 stanzas: URIs of a stanza whose Suites has the suite.
		awk -v s="$suite" 'BEGIN { RS = ""; FS = "\n" }
		{
			uri = ""; ok = 0; deb = 0
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^#/) continue
				if ($i ~ /^URIs:/) { split($i, a, /[ \t]+/); uri = a[2] }
				if ($i ~ /^Types:/ && $i ~ /(^|[ \t])deb([ \t]|$)/) deb = 1
				if ($i ~ /^Suites:/) { n = split($i, a, /[ \t]+/); for (j = 2; j <= n; j++) if (a[j] == s) ok = 1 }
			}
			if (ok && deb && uri != "") { print uri; exit }
		}' "$f"
	done
}

if [ ! -f "$tarball" ]; then
	url=$(mirror | head -n 1)
	if [ -z "$url" ]; then
		echo "mkroot.sh: no $suite archive in /etc/apt/sources.list*" >&2
		exit 1
	fi
	command -v debootstrap >/dev/null || {
		echo "mkroot.sh: debootstrap is missing (scripts/deps.sh test installs it)" >&2
		exit 1
	}
	mkdir -p "$cache"
	work=$(mktemp -d "$cache/.root.XXXXXX")
	# apt downloads as _apt: the root must be readable to it.
	chmod 0755 "$work"
	# Unmounts and removes the half-built root on any exit.
	trap 'umount -R "$work/proc" 2>/dev/null || true; rm -rf "$work"' EXIT INT TERM
	echo "mkroot.sh: debootstrap --variant=minbase $suite from $url (once; cached as $tarball)" >&2
	debootstrap --variant=minbase "$suite" "$work" "$url" >&2
	if [ -n "$extra" ]; then
		echo "mkroot.sh: apt-get install $extra" >&2
		mount -t proc proc "$work/proc"
		# policy-rc.d: no service starts inside the chroot while installing.
		printf '#!/bin/sh\nexit 101\n' >"$work/usr/sbin/policy-rc.d"
		chmod +x "$work/usr/sbin/policy-rc.d"
		# shellcheck disable=SC2086 # the list is words
		chroot "$work" env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q --no-install-recommends $extra >&2
		rm -f "$work/usr/sbin/policy-rc.d"
		umount "$work/proc"
	fi
	chroot "$work" apt-get clean
	tar -C "$work" --numeric-owner --xattrs -cf "$tarball.tmp" .
	mv "$tarball.tmp" "$tarball"
	rm -rf "$work"
	trap - EXIT INT TERM
fi
mkdir -p "$dest"
tar -C "$dest" --numeric-owner --xattrs -xf "$tarball"
echo "$tarball"
