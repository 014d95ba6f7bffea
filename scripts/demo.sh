#!/usr/bin/env bash
# Installs what is missing, builds the release preset and runs the embedded default
# (MorphAEus on synthetic chest X-rays). Extra arguments go to morphaeus.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target morphaeus
exec build/release/morphaeus "$@"
