#!/usr/bin/env bash
# The Debian package on a clean Debian 12: debootstrap a minimal bookworm into a temporary
# folder, `apt-get install ./morphaeus_*.deb` there exactly as a user would (the Depends and
# Recommends pulled from the archive, nothing of the build machine), then run the installed
# program inside it (every library resolved, --version, configs, a --dry-run of every paper
# config, a 1-epoch embedded demo, the BLAS it got) and remove the folder again.
# Needs root (debootstrap, chroot, mounts) and the archive; scripts/package_test.sh checks the
# package on the build machine, this script checks that its Depends alone are enough.
#   scripts/package_clean_test.sh [DEB]   (default: build/release/package/morphaeus_*.deb)
#   MORPHAEUS_DEBIAN_MIRROR=http://deb.debian.org/debian   the archive for debootstrap
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "package_clean_test: FAILED: $*" >&2; exit 1; }
step() { echo "package_clean_test: $*"; }
# shellcheck source=scripts/installed_checks.sh
source scripts/installed_checks.sh

deb=${1:-}
if [ -z "$deb" ]; then
  debs=(build/release/package/morphaeus_*.deb)
  [ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] ||
    fail "no single build/release/package/morphaeus_*.deb (cd build/release && cpack -G DEB)"
  deb=${debs[0]}
fi
[ -f "$deb" ] || fail "$deb does not exist"
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || fail "run as root or install sudo (debootstrap and chroot)"
  exec sudo "$0" "$(realpath "$deb")"
fi
command -v debootstrap >/dev/null || fail "debootstrap is not installed (scripts/setup.sh)"
mirror=${MORPHAEUS_DEBIAN_MIRROR:-http://deb.debian.org/debian}

root=$(mktemp -d /tmp/morphaeus-clean.XXXXXX)
chmod 755 "$root"  # apt downloads as its own user _apt
cleanup() {
  for m in dev/pts dev proc; do
    mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m" || true
  done
  # Only remove the folder when nothing is mounted below it any more.
  if ! grep -q " $root/" /proc/mounts; then rm -rf "$root"; else echo "left $root (mounted)" >&2; fi
}
trap cleanup EXIT

step "debootstrap --variant=minbase bookworm ($mirror)"
start=$SECONDS
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 ||
  { tail -20 "$root.log" >&2; rm -f "$root.log"; fail "debootstrap"; }
rm -f "$root.log"
# The suites the build machine takes its libraries from (bookworm-updates, security), so that
# versioned Depends computed there can be met; debootstrap itself knows only bookworm.
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/"
  rm -f "$root/etc/apt/sources.list"
fi
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
cp "$deb" "$root/tmp/"
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
  DEBIAN_FRONTEND=noninteractive "$@"; }
before=$(in_root dpkg-query -W -f='${Package}\n' | wc -l)

step "apt-get install ./$(basename "$deb") on $before packages"
in_root apt-get update -qq >/dev/null || fail "apt-get update in the clean root"
in_root apt-get install -y -qq "/tmp/$(basename "$deb")" >"$root/tmp/apt.log" 2>&1 ||
  { tail -30 "$root/tmp/apt.log" >&2; fail "apt-get install ./$(basename "$deb")"; }
after=$(in_root dpkg-query -W -f='${Package}\n' | wc -l)
size=$(in_root dpkg-query -W -f='${Installed-Size}\n' | awk '{s += $1} END {printf "%.0f", s / 1024}')
step "installed: $((after - before)) packages pulled, $size MiB in the root ($((SECONDS - start)) s)"

missing=$(in_root ldd /usr/bin/morphaeus | grep "not found" || true)
[ -z "$missing" ] || fail "libraries the Depends do not bring: $missing"
blas=$(in_root ldd /usr/bin/morphaeus | awk '/libblas.so.3/ {print $3}')
blas_real=$(in_root readlink -f "$blas")
step "BLAS: $blas -> $blas_real"
case "$blas_real" in *openblas*) ;; *) fail "the BLAS is not OpenBLAS (Recommends)";; esac

step "$(in_root morphaeus --version)"
in_root mkdir /root/work
in_work() { in_root bash -c "cd /root/work && $1"; }
log=$root/tmp/out
check_shipped_configs
demo_start=$SECONDS
run_short_demo
step "demo: ok ($((SECONDS - demo_start)) s); clean Debian 12 install: ok ($((SECONDS - start)) s)"
