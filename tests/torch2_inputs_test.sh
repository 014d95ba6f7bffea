#!/usr/bin/env bash
# The LibTorch 2.x leg refuses what it cannot build with, in one line and exit 2, before any
# compiling: scripts/torch2.sh with an old cmake, a torch that does not import, a torch without
# LibTorch's CMake files, a CUDA toolkit of another major version than the wheel's; and CMake
# itself (third_party/cmake/MorphaeusTorch.cmake) with a LibTorch archive built for another CUDA.
# Fakes stand in for the wheel, nvcc and cmake, so that nothing is downloaded.
#   tests/torch2_inputs_test.sh SOURCE_DIR
set -uo pipefail
src=$(cd "${1:?source dir}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0 checks=0

# expect NAME WANTED_TEXT COMMAND...: exit 2 and exactly one line on stderr containing the text.
expect() {
  local name=$1 want=$2
  shift 2
  checks=$((checks + 1))
  "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$? lines
  lines=$(grep -c . "$tmp/err")
  if [ $rc -ne 2 ] || [ "$lines" -ne 1 ] || ! grep -qF -- "$want" "$tmp/err"; then
    echo "FAIL $name: exit $rc, $lines stderr line(s), wanted '$want':"
    sed 's/^/  | /' "$tmp/err" | head -20
    failures=$((failures + 1))
  else
    echo "ok   $name: $(cat "$tmp/err")"
  fi
}

# A virtual environment whose "torch" says what we tell it (version, CUDA, cmake prefix).
fake_venv() {  # fake_venv DIR VERSION CUDA PREFIX [broken]
  local dir=$1 version=$2 cuda=$3 prefix=$4 broken=${5:-}
  local site="$dir/lib/site"
  mkdir -p "$dir/bin" "$site/torch" "$site/torch-${version%%+*}.dist-info"
  for m in torchvision numpy PIL yaml; do mkdir -p "$site/$m" && touch "$site/$m/__init__.py"; done
  printf 'Metadata-Version: 2.1\nName: torch\nVersion: %s\n' "${version%%+*}" \
    >"$site/torch-${version%%+*}.dist-info/METADATA"
  if [ -n "$broken" ]; then
    echo 'raise ImportError("libtorch_cpu.so: cannot open shared object file")' >"$site/torch/__init__.py"
  else
    local cuda_value=None
    [ -n "$cuda" ] && cuda_value="\"$cuda\""
    cat >"$site/torch/__init__.py" <<EOF
__version__ = "$version"
class version:
    cuda = $cuda_value
from . import utils
EOF
    echo "cmake_prefix_path = \"$prefix\"" >"$site/torch/utils.py"
  fi
  cat >"$dir/bin/python" <<EOF
#!/bin/sh
PYTHONPATH="$site" exec /usr/bin/python3 "\$@"
EOF
  chmod +x "$dir/bin/python"
}

fake_nvcc() {  # fake_nvcc PATH RELEASE
  cat >"$1" <<EOF
#!/bin/sh
echo "Cuda compilation tools, release $2, V$2.1"
EOF
  chmod +x "$1"
}

# A prefix with LibTorch's CMake files (their content is never reached: the checks come first).
prefix="$tmp/torch/share/cmake"
mkdir -p "$prefix/Torch" "$tmp/torch/lib"
touch "$prefix/Torch/TorchConfig.cmake"
fake_nvcc "$tmp/nvcc12" 12.4
fake_nvcc "$tmp/nvcc13" 13.0

run() { env MORPHAEUS_TORCH2_BUILD="$tmp/build" "$@" "$src/scripts/torch2.sh" env; }

fake_venv "$tmp/v-cuda" 2.15.0+cu132 13.2 "$prefix"
expect "CUDA toolkit of another major version" \
  "torch 2.15.0+cu132 is built for CUDA 13.2, but $tmp/nvcc12 is CUDA 12.4: a CUDA 13.x toolkit is needed" \
  run MORPHAEUS_TORCH2_VENV="$tmp/v-cuda" CUDACXX="$tmp/nvcc12"

fake_venv "$tmp/v-broken" 2.15.0 "" "$prefix" broken
expect "a torch that does not import" \
  "the torch in $tmp/v-broken does not import: ImportError: libtorch_cpu.so" \
  run MORPHAEUS_TORCH2_VENV="$tmp/v-broken" CUDACXX="$tmp/nvcc13"

fake_venv "$tmp/v-nocmake" 2.15.0 "" "$tmp/nowhere"
expect "a torch without LibTorch's CMake files" \
  "torch 2.15.0 in $tmp/v-nocmake has no LibTorch CMake files ($tmp/nowhere/Torch/TorchConfig.cmake)" \
  run MORPHAEUS_TORCH2_VENV="$tmp/v-nocmake" CUDACXX="$tmp/nvcc13"

mkdir -p "$tmp/oldbin"
printf '#!/bin/sh\necho "cmake version 3.18.4"\n' >"$tmp/oldbin/cmake"
chmod +x "$tmp/oldbin/cmake"
expect "an old cmake" "cmake 3.18.4 found ($tmp/oldbin/cmake): CMake >= 3.25 is needed" \
  run PATH="$tmp/oldbin:$PATH" MORPHAEUS_TORCH2_VENV="$tmp/v-cuda"

# The same check in CMake, for a libtorch archive (build-version names its CUDA): configuring stops
# at the mismatch with one error, before Torch's own config runs.
archive="$tmp/libtorch"
mkdir -p "$archive/share/cmake/Torch" "$archive/lib" "$archive/include"
touch "$archive/share/cmake/Torch/TorchConfig.cmake"
echo "2.15.0+cu124" >"$archive/build-version"
checks=$((checks + 1))
cmake -S "$src" -B "$tmp/cmake-build" -G Ninja -DCMAKE_PREFIX_PATH="$archive" \
  -DCMAKE_CUDA_COMPILER="$tmp/nvcc13" >"$tmp/cmake.out" 2>&1
rc=$?
want="LibTorch at $archive is built for CUDA 12.4, but $tmp/nvcc13 is CUDA 13.0: a CUDA 12.x toolkit is needed"
if [ $rc -eq 0 ] || ! tr -d '\n' <"$tmp/cmake.out" | sed 's/  */ /g' | grep -qF "$want" ||
   [ "$(grep -c 'CMake Error' "$tmp/cmake.out")" -ne 1 ]; then
  echo "FAIL CMake: a libtorch archive for CUDA 12.4 with nvcc 13.0: exit $rc, wanted '$want':"
  sed 's/^/  | /' "$tmp/cmake.out" | tail -15
  failures=$((failures + 1))
else
  echo "ok   CMake: $want"
fi

echo "$((checks - failures)) passed, $failures failed"
[ $failures -eq 0 ]
