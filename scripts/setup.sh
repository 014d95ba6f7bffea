#!/usr/bin/env bash
# Installs exactly the Debian 12 packages that MorphAEus-cpp needs to build and test.
# Idempotent: installs only what is missing. Runs apt-get as root, or through sudo.
set -euo pipefail

# Build: compiler toolchain, CMake/Ninja, ccache, dpkg-dev and file (cpack -G DEB), and
# the C++ libraries (zlib: NIfTI input).
BUILD_PKGS="g++ cmake ninja-build ccache git pkg-config dpkg-dev file
  libtorch-dev libopenblas0-pthread libyaml-cpp-dev libopencv-dev libspdlog-dev libfmt-dev
  libcli11-dev nlohmann-json3-dev libgtest-dev libdcmtk-dev libgloo-dev zlib1g-dev"
# Tests: Debian's PyTorch & friends as independent references (run with /usr/bin/python3;
# nibabel reads NIfTI as upstream's ReadImage does);
# headless Chromium renders the HTML reports; man-db reads the man page (scripts/package_test.sh);
# debootstrap makes the clean Debian 12 root the package is installed into (package_clean_test.sh);
# a one-node SLURM (slurm-wlm, munge: tests/slurm_one_node.sh) and iproute2 (ip netns, tc: the
# test hosts of tests/test_multi_host.cpp and scripts/bench_multi_host.sh) for multi-node runs.
TEST_PKGS="man-db debootstrap slurm-wlm munge iproute2 python3 python3-torch python3-numpy python3-torchvision python3-pil python3-pydicom python3-sklearn python3-skimage python3-yaml python3-nibabel dcmtk
  chromium fonts-dejavu-core"
# Fuzzing (scripts/fuzz.sh): clang with libFuzzer and the sanitizer runtimes, lld.
FUZZ_PKGS="clang lld libclang-rt-14-dev"

missing=()
for p in $BUILD_PKGS $TEST_PKGS $FUZZ_PKGS; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all required packages are installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: run as root or install sudo" >&2; exit 1; }
  SUDO="sudo"
fi
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
