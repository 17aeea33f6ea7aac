#!/bin/sh
# scripts/install.sh BUILD: installs what "make install" installs, from the
# build directory BUILD (meson's) and the tree.
#
#   PREFIX/sbin/bondd, PREFIX/bin/bondctl
#   PREFIX/sbin/ifenslave -> PREFIX/bin/bondctl, unless another ifenslave is
#       installed (then PREFIX/lib/bondd/ifenslave instead, with a note)
#   PREFIX/share/man/man5, man8: bondd.conf(5), bondd(8), bondctl(8)
#   PREFIX/share/bash-completion/completions/bondctl
#   SYSTEMDUNITDIR/bondd.service, then "systemctl daemon-reload" when
#       systemd runs (and DESTDIR is empty)
#   SYSCONFDIR/bondd/ (an existing configuration is never overwritten)
#
# Variables: DESTDIR (staging root, default empty), PREFIX (/usr),
# SYSCONFDIR (/etc), SYSTEMDUNITDIR (/lib/systemd/system).
set -eu

usage() {
	echo "usage: scripts/install.sh BUILD   (DESTDIR, PREFIX, SYSCONFDIR, SYSTEMDUNITDIR)" >&2
	exit 2
}
[ $# = 1 ] || usage

root=$(cd "$(dirname "$0")/.." && pwd)
build=$1
DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/usr}
SYSCONFDIR=${SYSCONFDIR:-/etc}
SYSTEMDUNITDIR=${SYSTEMDUNITDIR:-/lib/systemd/system}

# absolute NAME VALUE: the unit file and the symlinks hold these paths.
absolute() {
	case $2 in
	/*) ;;
	*) echo "install.sh: $1 must be an absolute path (got '$2')" >&2; exit 2 ;;
	esac
}
absolute PREFIX "$PREFIX"
absolute SYSCONFDIR "$SYSCONFDIR"
absolute SYSTEMDUNITDIR "$SYSTEMDUNITDIR"
for b in bondd bondctl; do
	if [ ! -x "$build/src/cmd/$b" ]; then
		echo "install.sh: $build/src/cmd/$b is not built (run make first)" >&2
		exit 1
	fi
done

say() { echo "install: $*"; }

# inst MODE SRC DEST: copies SRC to DESTDIR/DEST, making directories.
inst() {
	install -D -m "$1" "$2" "$DESTDIR$3"
	say "$3"
}

# link TARGET NAME: NAME (under DESTDIR) becomes a symlink to TARGET.
link() {
	mkdir -p "$(dirname "$DESTDIR$2")"
	ln -sfn "$1" "$DESTDIR$2"
	say "$2 -> $1"
}

# is_ours PATH: PATH is missing, or a link to our bondctl (a reinstall).
is_ours() {
	[ ! -e "$1" ] && [ ! -L "$1" ] && return 0
	[ -L "$1" ] && case $(readlink "$1") in */bondctl | bondctl) return 0 ;; esac
	return 1
}

bindir=$PREFIX/bin
sbindir=$PREFIX/sbin
mandir=$PREFIX/share/man
compdir=$PREFIX/share/bash-completion/completions

# --- Programs.
inst 0755 "$build/src/cmd/bondd" "$sbindir/bondd"
inst 0755 "$build/src/cmd/bondctl" "$bindir/bondctl"

# --- ifenslave: bondctl under that name. A real ifenslave (Debian's package
# before 2.10, busybox, a distro's own) is left alone: it drives the kernel
# driver, which bondd's bonds are not.
ifs=$sbindir/ifenslave
real=""
for p in "$DESTDIR$ifs" "$DESTDIR/sbin/ifenslave"; do
	if ! is_ours "$p"; then
		real=$p
		break
	fi
done
if [ -z "$real" ]; then
	link "$bindir/bondctl" "$ifs"
	link bondctl "$compdir/ifenslave"
	# "man ifenslave" finds the ifenslave section of bondctl(8), unless
	# another ifenslave(8) is there.
	if is_ours "$DESTDIR$mandir/man8/ifenslave.8" ||
		grep -qs '^\.so man8/bondctl\.8' "$DESTDIR$mandir/man8/ifenslave.8"; then
		rm -f "$DESTDIR$mandir/man8/ifenslave.8"
		mkdir -p "$DESTDIR$mandir/man8"
		echo ".so man8/bondctl.8" >"$DESTDIR$mandir/man8/ifenslave.8"
		say "$mandir/man8/ifenslave.8 (.so bondctl.8)"
	fi
else
	echo "install.sh: note: ${real#"$DESTDIR"} is another ifenslave; leaving it in place."
	echo "install.sh: note: bondctl's ifenslave front end goes to $PREFIX/lib/bondd/ifenslave"
	echo "install.sh: note: (run it by that path, or put $PREFIX/lib/bondd first in PATH)."
	link "$bindir/bondctl" "$PREFIX/lib/bondd/ifenslave"
fi

# --- Manual pages (bondd.conf.5 when its author has written it).
for page in bondd.8 bondctl.8 bondd.conf.5; do
	[ -f "$root/docs/$page" ] || {
		echo "install.sh: note: docs/$page not written yet; skipped"
		continue
	}
	inst 0644 "$root/docs/$page" "$mandir/man${page##*.}/$page"
done

# --- Completion.
inst 0644 "$root/dist/bondctl.bash-completion" "$compdir/bondctl"

# --- systemd unit, with this PREFIX's paths.
unit=$DESTDIR$SYSTEMDUNITDIR/bondd.service
mkdir -p "$(dirname "$unit")"
sed -e "s|/usr/sbin/bondd|$sbindir/bondd|g" -e "s|/usr/bin/bondctl|$bindir/bondctl|g" \
	-e "s|/etc/bondd/|$SYSCONFDIR/bondd/|g" "$root/dist/bondd.service" >"$unit.tmp"
chmod 0644 "$unit.tmp"
mv "$unit.tmp" "$unit"
say "$SYSTEMDUNITDIR/bondd.service"

# --- Configuration directory; a configuration already there is kept.
install -d -m 0755 "$DESTDIR$SYSCONFDIR/bondd"
say "$SYSCONFDIR/bondd/"
if [ -f "$root/dist/bondd.conf" ]; then
	if [ -e "$DESTDIR$SYSCONFDIR/bondd/bondd.conf" ]; then
		echo "install.sh: note: $SYSCONFDIR/bondd/bondd.conf exists; not overwritten"
	else
		inst 0644 "$root/dist/bondd.conf" "$SYSCONFDIR/bondd/bondd.conf"
	fi
fi

if [ -z "$DESTDIR" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
	systemctl daemon-reload
	say "systemctl daemon-reload"
fi
