#!/usr/bin/env bash
# Packs the small C++ libraries the build needs (yaml-cpp, spdlog, fmt, CLI11, nlohmann-json,
# GoogleTest) into .gpu-deps/ (or DIR) for a machine that has CUDA, CMake, ninja and a Python torch
# but none of our Debian packages and no network, such as a lent GPU node. Run it on Debian 12 in
# the project root, then copy .gpu-deps/ along with the source tree; scripts/gpu_check.sh builds
# with it. OpenCV and DCMTK are too large to carry: the build leaves them out when absent.
# Usage: scripts/pack_gpu_deps.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:-.gpu-deps}
debs="libyaml-cpp-dev libyaml-cpp0.7 libspdlog-dev libspdlog1.10 libfmt-dev libfmt9 libcli11-dev
nlohmann-json3-dev libgtest-dev googletest libgmock-dev"
command -v apt-get >/dev/null && command -v dpkg >/dev/null ||
  { echo "pack_gpu_deps: needs apt-get and dpkg (Debian 12)" >&2; exit 1; }
# Keep the packed tree out of git without touching .gitignore.
if [ -d .git ] && ! grep -qxF "/$dest/" .git/info/exclude 2>/dev/null; then
  echo "/$dest/" >> .git/info/exclude
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck disable=SC2086
if ! (cd "$work" && apt-get download $debs >/dev/null 2>&1); then
  echo "pack_gpu_deps: apt-get download failed (run apt-get update first)" >&2
  exit 1
fi
rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
for deb in "$work"/*.deb; do dpkg -x "$deb" "$dest.tmp"; done
rm -rf "$dest" && mv "$dest.tmp" "$dest"
echo "pack_gpu_deps: $(du -sh "$dest" | cut -f1) in $dest; on the GPU machine:"
echo "  CMAKE_PREFIX_PATH=\$PWD/$dest/usr plus torch.utils.cmake_prefix_path, and"
echo "  LD_LIBRARY_PATH=\$PWD/$dest/usr/lib/x86_64-linux-gnu (scripts/gpu_check.sh does both)"
