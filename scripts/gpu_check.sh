#!/usr/bin/env bash
# Builds MorphAEus-cpp on a GPU machine against the LibTorch inside its Python torch (no Debian
# packages there: the small dependencies come from .gpu-deps/, made by scripts/pack_gpu_deps.sh;
# no OpenCV), runs the CUDA tests and the benchmarks (also our train step against the PyTorch
# reference on the same GPU, scripts/bench_vs_pytorch.sh --device cuda: fp32 and bf16 with the
# step as a CUDA graph, with the roofline), and prints a short table. The FastPath tests check the bf16 + CUDA-graph loss curve.
# Usage: scripts/gpu_check.sh [OUT_DIR]   (logs and JSON results go to OUT_DIR, default ./gpu-out)
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:-gpu-out}
mkdir -p "$out"
python=${PYTHON:-python3}
torch_prefix=$($python -c 'import torch; print(torch.utils.cmake_prefix_path)')
echo "torch $($python -c 'import torch; print(torch.__version__, torch.version.cuda)')"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
export LD_LIBRARY_PATH="$PWD/.gpu-deps/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"

t0=$(date +%s)
if ! cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release \
     -DCMAKE_PREFIX_PATH="$PWD/.gpu-deps/usr;$torch_prefix" -DTORCH_CUDA_ARCH_LIST="${TORCH_CUDA_ARCH_LIST:-9.0}" \
     -DMORPHAEUS_WITH_OPENCV=OFF >"$out/configure.log" 2>&1; then
  tail -40 "$out/configure.log"; exit 1
fi
grep -E "MorphAEus|Torch" "$out/configure.log"
if ! cmake --build build-gpu -j "$(nproc)" --target morphaeus morphaeus_tests >"$out/build.log" 2>&1; then
  grep -E "error|Error" "$out/build.log" | head -40; exit 1
fi
echo "build: $(( $(date +%s) - t0 )) s"

status=0
build-gpu/tests/morphaeus_tests --gtest_filter='Warp*:FastPath*:CapturableAdam*:MixedPrecision*' 2>&1 | tee "$out/tests.log" | grep -E "^\[ +(OK|FAILED|SKIPPED|PASSED) +\]|Failure" || true
grep -q "FAILED" "$out/tests.log" && status=1
build-gpu/morphaeus bench --what warp --device cuda --batch 1,16,64 --steps 50 --json "$out/bench_warp_cuda.json" | tee "$out/bench_warp_cuda.txt"
build-gpu/morphaeus bench --what model --device cuda --batch 16,64 --steps 20 --json "$out/bench_model_cuda.json" | tee "$out/bench_model_cuda.txt"
# Our train step (paper config, epoch 12) against the PyTorch reference on the same GPU: same
# weights and images, loss check first, alternating rounds (torch only is needed; no evaluation
# comparison there: scikit-image/-learn are not on the GPU machine).
# fp32 and bf16 (autocast, channels_last), both with the step as a CUDA graph; target: batch 64
# at least 3x the reference.
PYTHON=$python scripts/bench_vs_pytorch.sh --device cuda --batches 16,64 --rounds 2 --steps 10 --warmup 3 \
    --skip-eval --precisions fp32,bf16 --ours-set trainer.params.performance.cuda_graph=true --exe build-gpu/morphaeus --out "$out/vs-pytorch" 2>&1 | tee "$out/vs_pytorch.txt" || status=1
# The distributed code path on this one GPU (a 1-rank process group: NCCL where LibTorch has it).
build-gpu/morphaeus launch --nproc 1 -- build-gpu/morphaeus --device cuda --output "$out/ddp-1gpu" \
    --set trainer.params.nr_epochs=2 --set synthetic_data.n_train=64 2>&1 | tee "$out/ddp_1gpu.txt" |
    grep -E "distributed:|error" || status=1
grep -q "weights identical on all 1 ranks" "$out/ddp_1gpu.txt" || status=1
echo "== summary: tests $( [ $status = 0 ] && echo passed || echo FAILED ), $(grep -c '\[       OK \]' "$out/tests.log") ok, $(grep -c 'SKIPPED \]' "$out/tests.log") skipped lines"
exit $status
