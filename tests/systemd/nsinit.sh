#!/bin/sh
# nsinit.sh - the first process of a fresh pid namespace (started by
# sdbox.py through `unshare --pid --fork --mount --uts --ipc --net`), which
# makes itself a root file system and becomes systemd.
#
#   nsinit.sh WORK CGROUP CONSOLE
#
# WORK     a private directory of the host (the overlay's upper layer lives in
#          a tmpfs mounted there, in this mount namespace only)
# CGROUP   the host's cgroup2 directory set aside for this container: this
#          process moves into it, then a cgroup namespace is rooted there, so
#          that systemd sees it as /sys/fs/cgroup and manages it
# CONSOLE  a pty slave of the harness: the container's /dev/console
#
# Everything mounted here lives in this mount namespace and goes with it.
set -eu

if [ "${1:-}" != --stage2 ]; then
	echo 0 > "$2/cgroup.procs"
	exec unshare --cgroup -- /bin/sh "$0" --stage2 "$@"
fi
shift
W=$1
CONSOLE=$3

mount --make-rprivate /

# / of the container: the host's / as the lower layer, a tmpfs on top, so
# nothing written inside ever reaches the host's disk.
mkdir -p "$W/ov"
mount -t tmpfs -o mode=0755 sdbox-upper "$W/ov"
mkdir "$W/ov/upper" "$W/ov/work" "$W/ov/root"
mount -t overlay sdbox-root -o "lowerdir=/,upperdir=$W/ov/upper,workdir=$W/ov/work" "$W/ov/root"
R=$W/ov/root

# /proc of the new pid namespace; /proc/sys and sysrq read-only, so that no
# sysctl (systemd-sysctl, a unit's tunables) reaches the host's kernel.
mount -t proc -o nosuid,nodev,noexec proc "$R/proc"
for p in sys sysrq-trigger; do
	if [ -e "$R/proc/$p" ]; then
		mount --bind "$R/proc/$p" "$R/proc/$p"
		mount -o remount,bind,ro "$R/proc/$p"
	fi
done
# /sys read-only (no module parameters, no device knobs); cgroup2 writable,
# rooted at CGROUP by the cgroup namespace.
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$R/sys"
mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 "$R/sys/fs/cgroup"

# A private /dev: a tmpfs with the harmless nodes bound from the host, a pty
# of our own as the console, a private devpts instance.
mount -t tmpfs -o mode=0755,nosuid dev "$R/dev"
for n in null zero full random urandom tty; do
	touch "$R/dev/$n"
	mount --bind "/dev/$n" "$R/dev/$n"
done
touch "$R/dev/console"
mount --bind "$CONSOLE" "$R/dev/console"
mkdir "$R/dev/pts" "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$R/dev/pts"
ln -s pts/ptmx "$R/dev/ptmx"
mount -t tmpfs -o mode=1777,nosuid,nodev shm "$R/dev/shm"
ln -s /proc/self/fd "$R/dev/fd"
ln -s /proc/self/fd/0 "$R/dev/stdin"
ln -s /proc/self/fd/1 "$R/dev/stdout"
ln -s /proc/self/fd/2 "$R/dev/stderr"
mount -t tmpfs -o mode=0755,nosuid,nodev run "$R/run"
mount -t tmpfs -o mode=1777,nosuid,nodev tmp "$R/tmp"
# The box shares the host's machine id: an empty persistent journal, so that
# journald does not copy the host's journal files up into the overlay.
if [ -d "$R/var/log/journal" ]; then
	mount -t tmpfs -o mode=2755,nosuid,nodev journal "$R/var/log/journal"
fi

cd "$R"
mkdir .sdbox-old
pivot_root . .sdbox-old
umount -l /.sdbox-old
rmdir /.sdbox-old
# Shared propagation inside the box, as systemd itself sets up when it boots a
# machine (and as systemd-nspawn does for a container): systemd, seeing
# $container, leaves propagation as it finds it, and it mounts some things
# from a child mount namespace of its own that must reach its namespace, such
# as the credentials of a unit with LoadCredential= (otherwise the service
# finds an empty directory it cannot read).  These mounts were made private
# above, so they have no peer on the host: nothing propagates out.
mount --make-rshared /

# No module loading and no clock setting from inside, whatever a unit asks.
exec setpriv --bounding-set -sys_module,-sys_time -- \
	env -i container=sockftpd-test \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	/lib/systemd/systemd --system --unit=basic.target --show-status=no \
	</dev/console >/dev/console 2>&1
