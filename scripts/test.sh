#!/usr/bin/env bash
# Installs what is missing, builds the release preset and runs every test (CTest), the Debian
# package installed and run outside the checkout (scripts/package_test.sh) and installed on a
# clean Debian 12 root from the archive alone (scripts/package_clean_test.sh), then the fuzzers
# for a bounded time each (scripts/fuzz.sh; MORPHAEUS_FUZZ_SECONDS, default 15).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release
cmake --build --preset release
ctest --preset release "$@"
scripts/package_test.sh
scripts/package_clean_test.sh
scripts/fuzz.sh "${MORPHAEUS_FUZZ_SECONDS:-15}"
