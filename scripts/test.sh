#!/usr/bin/env bash
# Installs what is missing, then both legs:
#   1. Debian's LibTorch 1.13 (CPU): builds the release preset (the executable first, then the
#      tests, each timed) and runs every test (CTest), the Debian package installed and run
#      outside the checkout (scripts/package_test.sh) and installed on a clean Debian 12 root from
#      the archive alone (scripts/package_clean_test.sh), then the fuzzers for a bounded time each
#      (scripts/fuzz.sh; MORPHAEUS_FUZZ_SECONDS, default 15);
#   2. LibTorch 2.x with CUDA (scripts/torch2.sh): PyTorch's wheel in a virtual environment, the
#      same sources built against it with every CUDA file and branch compiled and linked, and on
#      LibTorch 2.x's CPU kernels the unit tests (models, warp, losses, parity with PyTorch, ...),
#      the parser and script tests, and the fidelity tests (UpstreamTraining.*: the authors'
#      trainers run by this PyTorch 2.x); the CUDA tests skip, naming why (no GPU here). The
#      end-to-end tests of the executable run on the first leg only: both full suites do not fit
#      CI's hour on 2 cores.
# Arguments go to the first leg's ctest (e.g. -R Warp).
# MORPHAEUS_LEGS=1.13 or =2 runs one leg only.
set -euo pipefail
cd "$(dirname "$0")/.."
legs=${MORPHAEUS_LEGS:-1.13,2}

timed() {  # timed LABEL COMMAND...: runs it, then prints how long it took
  local label=$1 t0=$SECONDS
  shift
  "$@"
  echo "test.sh: $label took $((SECONDS - t0)) s"
}

scripts/setup.sh
if [[ ,$legs, == *,1.13,* ]]; then
  cmake --preset release
  timed "leg 1.13: building the executable" cmake --build --preset release --target morphaeus
  timed "leg 1.13: building the tests" cmake --build --preset release
  timed "leg 1.13: ctest" ctest --preset release "$@"
  timed "leg 1.13: package test" scripts/package_test.sh
  timed "leg 1.13: clean-root package test" scripts/package_clean_test.sh
  timed "leg 1.13: fuzzers" scripts/fuzz.sh "${MORPHAEUS_FUZZ_SECONDS:-15}"
fi
if [[ ,$legs, == *,2,* ]]; then
  timed "leg 2.x: torch wheel" scripts/torch2.sh env
  timed "leg 2.x: building the executable" scripts/torch2.sh build --target morphaeus
  timed "leg 2.x: building the tests" scripts/torch2.sh build
  timed "leg 2.x: ctest (unit, parser, scripts)" scripts/torch2.sh test -L "unit|parser|scripts"
  timed "leg 2.x: ctest (fidelity)" scripts/torch2.sh test -R "UpstreamTraining"
fi
