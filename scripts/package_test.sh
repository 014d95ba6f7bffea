#!/usr/bin/env bash
# The Debian package as a user gets it: builds it from the release build (cpack -G DEB), checks
# its files and Depends, installs it with apt-get, then from a temporary folder outside the
# checkout runs the installed program (--version, --help, the man page, the bash completion,
# configs, a --dry-run of every installed paper config, a printed synthetic twin, and a
# shortened embedded demo), and removes the package again, also when a check fails.
#   scripts/package_test.sh          (after cmake --build --preset release; as root or via sudo)
set -euo pipefail
cd "$(dirname "$0")/.."
build=$PWD/build/release
[ -x "$build/morphaeus" ] || { echo "package_test: build the release preset first" >&2; exit 1; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "package_test: run as root or install sudo" >&2; exit 1; }
  SUDO="sudo"
fi
if dpkg-query -W -f='${Status}' morphaeus 2>/dev/null | grep -q "install ok installed"; then
  echo "package_test: a morphaeus package is installed already (apt-get remove morphaeus)" >&2
  exit 1
fi

fail() { echo "package_test: FAILED: $*" >&2; exit 1; }
step() { echo "package_test: $*"; }
# shellcheck source=scripts/installed_checks.sh
source scripts/installed_checks.sh

step "building the package"
rm -rf "$build/package"
(cd "$build" && cpack -G DEB >/dev/null)
debs=("$build"/package/morphaeus_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "expected one morphaeus_*.deb in $build/package"
deb=${debs[0]}
version=$(sed -n 's/^project(morphaeus VERSION \([0-9.]*\) .*/\1/p' CMakeLists.txt)
[ "$(dpkg-deb -f "$deb" Version)" = "$version-1" ] || fail "package version is not $version-1"
step "$(basename "$deb"): Depends: $(dpkg-deb -f "$deb" Depends)"
contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/morphaeus ./usr/share/man/man1/morphaeus.1.gz \
  ./usr/share/bash-completion/completions/morphaeus ./usr/share/doc/morphaeus/changelog.Debian.gz \
  ./usr/share/doc/morphaeus/copyright ./usr/share/morphaeus/configs/demo.yaml \
  ./usr/share/morphaeus/projects/morphaeus/configs/cxr/morphaeus.yaml \
  ./usr/share/morphaeus/data/splits/cxr_normal_train.csv; do
  grep -q " $f\$" <<<"$contents" || fail "$f is not in the package"
done
for lib in libtorch libyaml-cpp libspdlog libc6; do
  dpkg-deb -f "$deb" Depends | grep -q "$lib" || fail "Depends lacks $lib"
done
[ "$(dpkg-deb -f "$deb" Recommends)" = libopenblas0-pthread ] || fail "Recommends is not OpenBLAS"

tmp=$(mktemp -d /tmp/morphaeus-package.XXXXXX)
chmod 755 "$tmp"
cleanup() {
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq morphaeus >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
cp "$deb" "$tmp/"  # apt reads ./file.deb as its own user: a world-readable copy
step "apt-get install ./$(basename "$deb")"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  "$tmp/$(basename "$deb")" >"$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log" >&2; fail "apt-get install"; }

mkdir "$tmp/work"
cd "$tmp/work"
in_work() { bash -c "$1"; }
log=$tmp/out
unset MORPHAEUS_DATA_DIR
[ "$(command -v morphaeus)" = /usr/bin/morphaeus ] || fail "morphaeus on PATH is $(command -v morphaeus)"
step "$(morphaeus --version)"
morphaeus --help | grep -q "^Subcommands:" || fail "--help"
[ -f /usr/share/man/man1/morphaeus.1.gz ] ||
  fail "the man page was not installed (does /etc/dpkg/dpkg.cfg.d/ exclude /usr/share/man?)"
page=$(MANWIDTH=100 man -l /usr/share/man/man1/morphaeus.1.gz 2>"$tmp/man.err")
[ ! -s "$tmp/man.err" ] || { cat "$tmp/man.err" >&2; fail "man -l printed warnings"; }
for heading in "SYNOPSIS" "morphaeus prepare padchest" "morphaeus configs show" "ENVIRONMENT"; do
  grep -q "$heading" <<<"$page" || fail "the man page lacks '$heading'"
done
step "man -l: $(wc -l <<<"$page") lines"
completion=$(bash -c 'source /usr/share/bash-completion/completions/morphaeus
  COMP_WORDS=(morphaeus configs show paper/m); COMP_CWORD=3; _morphaeus; echo "${COMPREPLY[*]}"')
[ "$completion" = "paper/morphaeus" ] || fail "completion of 'configs show paper/m': '$completion'"
check_shipped_configs
grep -q "in /usr/share/morphaeus" <<<"$shipped_configs" || fail "configs: $shipped_configs"
morphaeus configs show synthetic/vae >vae.yaml
morphaeus --config vae.yaml --dry-run >"$tmp/dry.out" 2>&1 || { cat "$tmp/dry.out" >&2; fail "the printed twin"; }
morphaeus --config synthetic/vae --dry-run >"$tmp/dry.out" 2>&1 || fail "--config synthetic/vae"
grep -q "$tmp/work/runs/demo-data" "$tmp/dry.out" || fail "the installed twin's data is not under ./runs"

run_short_demo
[ -z "$(find /usr/share/morphaeus -newer "$tmp/apt.log" -print -quit)" ] || fail "a run wrote into /usr/share/morphaeus"

cd /
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq morphaeus >/dev/null
[ ! -e /usr/bin/morphaeus ] && [ ! -e /usr/share/morphaeus ] || fail "files left after apt-get remove"
step "installed, ran outside the checkout, removed: ok"
