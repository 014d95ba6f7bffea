#!/usr/bin/env bash
# The LibTorch 2.x leg: PyTorch's wheel from PyPI (its CUDA build) in a virtual environment of its
# own, the project configured against the LibTorch inside it with CUDA on, built, and tested.
#
#   scripts/torch2.sh env          make the virtual environment (or check the one there)
#   scripts/torch2.sh build [ARGS] env, then configure and build build/torch2 (ARGS go to
#                                  cmake --build, e.g. --target morphaeus)
#   scripts/torch2.sh test [ARGS]  build, then ctest in build/torch2 (ARGS go to ctest)
#
# Variables: MORPHAEUS_TORCH2_VENV (default .venv-torch2 in the checkout), MORPHAEUS_TORCH2_SPEC
# (what pip installs, default torch==2.15.0: the newest wheel when this was written, built for
# CUDA 13.2, whose major version is the CUDA 13 toolkit's here; MORPHAEUS_TORCH2_SPEC=torch takes
# whatever is newest), MORPHAEUS_TORCH2_BUILD (default build/torch2), CUDACXX (the nvcc to use,
# default /usr/local/cuda/bin/nvcc or the one on PATH).
# The environment is made with Debian's /usr/bin/python3 (python3-venv), never installed into it:
# the tests' independent references need Debian's python3-torch 1.13 there, untouched. The wheel
# comes with torchvision, NumPy, Pillow and PyYAML, for the references that run under this PyTorch.
# Each missing or wrong input is one line on stderr and exit 2, before any compiling.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
what=${1:-build}
[ $# -gt 0 ] && shift
venv=${MORPHAEUS_TORCH2_VENV:-$root/.venv-torch2}
spec=${MORPHAEUS_TORCH2_SPEC:-torch==2.15.0}
build=${MORPHAEUS_TORCH2_BUILD:-$root/build/torch2}

fail() { echo "torch2: $*" >&2; exit 2; }
case $what in
  env | build | test) ;;
  *) fail "unknown command '$what' (env, build or test)" ;;
esac

# CMake: the project's minimum (CMakeLists.txt).
need_cmake=3.25
have_cmake=$(cmake --version 2>/dev/null | sed -n 's/^cmake version \([0-9][0-9.]*\).*/\1/p')
[ -n "$have_cmake" ] || fail "cmake not found on PATH: CMake >= $need_cmake is needed"
if [ "$(printf '%s\n%s\n' "$need_cmake" "$have_cmake" | sort -V | head -1)" != "$need_cmake" ]; then
  fail "cmake $have_cmake found ($(command -v cmake)): CMake >= $need_cmake is needed"
fi

python=$venv/bin/python
if [ ! -x "$python" ]; then
  /usr/bin/python3 -c 'import venv, ensurepip' 2>/dev/null ||
    fail "/usr/bin/python3 cannot make a virtual environment: install python3-venv"
  echo "torch2: making $venv and installing $spec (about 5 GB with its CUDA libraries)"
  /usr/bin/python3 -m venv "$venv"
fi
# Installed when the environment has no torch, or another version than the spec pins, or lacks
# what the tests' references import beside torch (torchvision, NumPy, Pillow: the authors' training
# under this PyTorch, so that reference and build run the same kernels; PyYAML: they read the
# published configs).
want=$(sed -n 's/^torch==\(.*\)$/\1/p' <<<"$spec")
have=$("$python" -c 'import importlib.metadata as m; print(m.version("torch"))' 2>/dev/null || true)
if [ -z "$have" ] || { [ -n "$want" ] && [ "$have" != "$want" ]; } ||
   ! "$python" -c 'import importlib.util as u, sys; sys.exit(not all(u.find_spec(m) for m in ("torchvision", "numpy", "PIL", "yaml")))' 2>/dev/null; then
  "$python" -m pip install --quiet --disable-pip-version-check "$spec" torchvision numpy pillow pyyaml ||
    fail "pip could not install $spec with torchvision, numpy, pillow and pyyaml into $venv (see its message above)"
fi

# The wheel's own word on what it is; a broken install fails here, not in CMake.
info=$("$python" - 2>&1 <<'EOF'
import warnings
warnings.filterwarnings("ignore")
import torch, torch.utils
print(torch.__version__, torch.version.cuda or "", torch.utils.cmake_prefix_path, sep="|")
EOF
) || fail "the torch in $venv does not import: $(tail -1 <<<"$info")"
IFS='|' read -r torch_version torch_cuda prefix_path <<<"$(tail -1 <<<"$info")"
[ -f "$prefix_path/Torch/TorchConfig.cmake" ] ||
  fail "torch $torch_version in $venv has no LibTorch CMake files ($prefix_path/Torch/TorchConfig.cmake)"

# A CUDA wheel needs nvcc of the same CUDA major version (minor versions may differ).
nvcc=${CUDACXX:-}
[ -z "$nvcc" ] && [ -x /usr/local/cuda/bin/nvcc ] && nvcc=/usr/local/cuda/bin/nvcc
[ -z "$nvcc" ] && nvcc=$(command -v nvcc || true)
if [ -n "$torch_cuda" ]; then
  [ -n "$nvcc" ] || fail "torch $torch_version is built for CUDA $torch_cuda: nvcc ${torch_cuda%%.*}.x is needed (set CUDACXX), none found"
  nvcc_version=$("$nvcc" --version | sed -n 's/.*release \([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p')
  [ "${nvcc_version%%.*}" = "${torch_cuda%%.*}" ] ||
    fail "torch $torch_version is built for CUDA $torch_cuda, but $nvcc is CUDA ${nvcc_version:-unknown}: a CUDA ${torch_cuda%%.*}.x toolkit is needed, or MORPHAEUS_TORCH2_SPEC naming a torch built for CUDA ${nvcc_version%%.*}"
fi
echo "torch2: torch $torch_version${torch_cuda:+, CUDA $torch_cuda (nvcc $nvcc_version)}, LibTorch $prefix_path"
[ "$what" = env ] && exit 0

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix_path" \
      ${nvcc:+-DCMAKE_CUDA_COMPILER="$nvcc"} >"$build.configure.log" 2>&1 ||
  { tail -20 "$build.configure.log" >&2; fail "configuring $build failed (log: $build.configure.log)"; }
grep -E "^-- MorphAEus" "$build.configure.log"
if [ "$what" = build ]; then
  cmake --build "$build" "$@"
else
  cmake --build "$build"
  # The tests' cached PyTorch references depend on their inputs and Python (both in their key),
  # not on the LibTorch this build links: the release build's cache serves here too.
  [ -d "$root/build/release/test-cache" ] && export MORPHAEUS_TEST_CACHE=$root/build/release/test-cache
  # The references of LibTorch's numerics (the authors' training, one-step parity) run under this
  # PyTorch: the same kernels as this build (Debian's 1.13 rounds differently, and the AAE's
  # training is chaotic across kernels).
  export MORPHAEUS_REFERENCE_PYTHON=$python
  ctest --test-dir "$build" --output-on-failure -j 2 --no-tests=error "$@"
fi
