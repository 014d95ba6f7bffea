#!/usr/bin/env bash
# docs/INSTALL.md's libtorch-archive commands, run here: a tree laid out as the libtorch archive
# unzips (include/, lib/ holding LibTorch's and its CUDA libraries, share/cmake/Torch/,
# build-version naming its CUDA), made of the wheel's own files (the archive itself is not on
# PyPI), configured with -DCMAKE_PREFIX_PATH=<tree> -DTORCH_CUDA_ARCH_LIST=9.0 as documented, and
# one test program built against it, whose libraries must all come from the tree and which runs.
#   tests/torch2_archive_test.sh SOURCE_DIR WHEEL_TORCH_DIR   (site-packages/torch)
set -euo pipefail
src=$(cd "${1:?source dir}" && pwd)
wheel=$(cd "${2:?the torch folder of the wheel}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tree=$tmp/libtorch
mkdir -p "$tree/lib" "$tree/share"
ln -s "$wheel/include" "$tree/include"
ln -s "$wheel/share/cmake" "$tree/share/cmake"
for f in "$wheel"/lib/*.so* "$wheel"/../nvidia/*/lib/*.so*; do ln -sf "$f" "$tree/lib/"; done
version=$(sed -n "s/^__version__ = '\(.*\)'$/\1/p" "$wheel/version.py")
echo "$version" >"$tree/build-version"
echo "archive-layout tree of torch $version in $tree"

cmake -S "$src" -B "$tmp/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$tree" -DTORCH_CUDA_ARCH_LIST=9.0 >"$tmp/configure.log" 2>&1 ||
  { tail -30 "$tmp/configure.log"; echo "FAIL: configuring against the archive layout"; exit 1; }
grep -E "^-- MorphAEus (LibTorch|CUDA)" "$tmp/configure.log"
grep -q "MorphAEus LibTorch: .* at $tree/lib/libtorch.so, built for CUDA .*, GPU architectures 9.0" \
  "$tmp/configure.log" || { echo "FAIL: the LibTorch found is not the tree's, or its CUDA not read"; exit 1; }
grep -q "MorphAEus CUDA: kernels compiled ON, linked ON" "$tmp/configure.log" ||
  { echo "FAIL: the CUDA code is not linked"; exit 1; }
grep -q -e "arch=compute_90,code=sm_90" -e "--generate-code=arch=compute_90" "$tmp/build/build.ninja" ||
  { echo "FAIL: the warp kernel is not built for sm_90"; exit 1; }

cmake --build "$tmp/build" --target morphaeus_parser_tests >"$tmp/build.log" 2>&1 ||
  { tail -30 "$tmp/build.log"; echo "FAIL: building against the archive layout"; exit 1; }
exe=$tmp/build/tests/morphaeus_parser_tests
for lib in libtorch_cpu.so libtorch_cuda.so libc10_cuda.so libnccl.so.2 libcudart.so.13; do
  where=$(ldd "$exe" | awk -v l="$lib" '$1 == l {print $3}')
  [[ $where == "$tree/lib/$lib" ]] || { echo "FAIL: $lib resolves to '${where:-nothing}', not $tree/lib"; exit 1; }
  echo "ldd: $lib => $where"
done
"$exe" --gtest_brief=1 >"$tmp/run.log" 2>&1 || { tail -20 "$tmp/run.log"; echo "FAIL: the program built against the tree does not pass"; exit 1; }
tail -1 "$tmp/run.log"
echo "1 passed, 0 failed"
