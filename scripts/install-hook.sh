#!/bin/sh
# scripts/install-hook.sh: meson's install script (dist/meson.build,
# meson.add_install_script), the part of `meson install` that depends on
# what is already in the target root:
#
#   SYSCONFDIR/bondd/bondd.conf, the commented default that starts no bond,
#       unless a configuration is there (never overwritten);
#   SBINDIR/ifenslave -> BINDIR/bondctl, with its completion and man page
#       links, when LINK is true and the target root has no other ifenslave
#       (a real one drives the kernel driver, which bondd's bonds are not);
#   on a live install (no DESTDIR): systemd-sysusers for the group bondd,
#       and systemctl daemon-reload when systemd runs.
#
# Arguments (absolute paths): PREFIX SBINDIR BINDIR MANDIR COMPDIR SYSCONFDIR
# UNITDIR SYSUSERSDIR LINK CONF; UNITDIR or SYSUSERSDIR empty: not installed.
# meson gives MESON_INSTALL_DESTDIR_PREFIX (DESTDIR + PREFIX); the target
# root is that without PREFIX.
set -eu

if [ $# != 10 ]; then
	echo "install-hook.sh: usage: PREFIX SBINDIR BINDIR MANDIR COMPDIR SYSCONFDIR UNITDIR SYSUSERSDIR LINK CONF" >&2
	exit 2
fi
prefix=$1 sbindir=$2 bindir=$3 mandir=$4 compdir=$5 sysconfdir=$6
unitdir=$7 sysusersdir=$8 link=$9
shift 9
conf=$1

if [ -n "${MESON_INSTALL_DRY_RUN:-}" ]; then
	echo "install-hook.sh: dry run: default configuration and ifenslave links not installed"
	exit 0
fi
dp=${MESON_INSTALL_DESTDIR_PREFIX:?install-hook.sh: run by meson install only}
# The target root: "" for a live install, else the DESTDIR meson used.
root=${dp%"$prefix"}
root=${root%/}

# meson 1.0 shows an install script's output only when it fails: the
# messages also go to BUILD/meson-logs/install-hook.log, which make install
# prints.
log=/dev/null
if [ -n "${MESON_BUILD_ROOT:-}" ] && [ -d "$MESON_BUILD_ROOT/meson-logs" ]; then
	log=$MESON_BUILD_ROOT/meson-logs/install-hook.log
	: >"$log"
fi
say() { echo "Installing $*" | tee -a "$log"; }
note() { echo "install-hook.sh: $*" | tee -a "$log"; }

# --- The default configuration: starts no bond, so the service starts.
cfg=$sysconfdir/bondd/bondd.conf
install -d -m 0755 "$root$sysconfdir/bondd"
if [ -e "$root$cfg" ] || [ -L "$root$cfg" ]; then
	note "$cfg exists: kept, not overwritten (the default is $conf)"
else
	install -m 0644 "$conf" "$root$cfg"
	say "$conf to $root$cfg"
fi

# --- ifenslave.
# ours PATH: PATH is absent, or a link to bondctl (a reinstall).
ours() {
	if [ ! -e "$1" ] && [ ! -L "$1" ]; then
		return 0
	fi
	[ -L "$1" ] || return 1
	case $(readlink "$1") in
	*/bondctl | bondctl | */bondctl.8 | bondctl.8 | */bondctl.8.gz | bondctl.8.gz) return 0 ;;
	esac
	return 1
}
# mklink TARGET NAME: NAME (in the target root) becomes a link to TARGET,
# unless something that is not ours is there.
mklink() {
	if ! ours "$root$2"; then
		note "$2 is not bondd's: left alone"
		return 0
	fi
	mkdir -p "$(dirname "$root$2")"
	ln -sfn "$1" "$root$2"
	say "$root$2 -> $1"
}
if [ "$link" = true ]; then
	other=""
	# /sbin and /usr/sbin: either may be the distribution's (usrmerge or not).
	for p in "$sbindir/ifenslave" /sbin/ifenslave /usr/sbin/ifenslave; do
		if ! ours "$root$p"; then
			other=$p
			break
		fi
	done
	if [ -n "$other" ]; then
		note "$other is another ifenslave: left in place; bondctl's ifenslave"
		note "front end is $prefix/lib/bondd/ifenslave (run it by that path)"
	else
		mklink "$bindir/bondctl" "$sbindir/ifenslave"
		mklink bondctl "$compdir/ifenslave"
		mklink bondctl.8 "$mandir/man8/ifenslave.8"
	fi
fi

# --- A live install: the group now (not at next boot), the unit known.
if [ -z "$root" ]; then
	if [ -n "$sysusersdir" ] && command -v systemd-sysusers >/dev/null 2>&1; then
		systemd-sysusers "$sysusersdir/bondd.conf"
		note "systemd-sysusers $sysusersdir/bondd.conf: group bondd $(getent group bondd >/dev/null && echo present || echo missing)"
	elif [ -n "$sysusersdir" ]; then
		note "no systemd-sysusers here: create the group yourself (groupadd --system bondd) for read-only access"
	fi
	if [ -n "$unitdir" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
		systemctl daemon-reload
		note "systemctl daemon-reload"
	fi
fi
