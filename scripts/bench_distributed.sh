#!/usr/bin/env bash
# Data-parallel scaling on this machine: trains the synthetic demo (MorphAEus, 128x128) with 1 and
# with 2 processes (morphaeus launch, Gloo on the CPU), the cores split between the ranks, the same
# global batch, and prints the training throughput (images/s of the epochs after the first,
# median) and the speed-up.
#
#   scripts/bench_distributed.sh [--nprocs 1,2] [--epochs 4] [--batch 16] [--train 128]
#                                [--exe build/release/morphaeus] [--out runs/bench-distributed]
set -euo pipefail
cd "$(dirname "$0")/.."
nprocs=1,2 epochs=4 batch=16 train=128 exe=build/release/morphaeus out=runs/bench-distributed
while [[ $# -gt 0 ]]; do
  case "$1" in
    --nprocs) nprocs=$2 ;; --epochs) epochs=$2 ;; --batch) batch=$2 ;; --train) train=$2 ;;
    --exe) exe=$2 ;; --out) out=$2 ;;
    *) echo "bench_distributed.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
[[ -x "$exe" ]] || { echo "bench_distributed.sh: $exe not found (build first)" >&2; exit 1; }
exe=$(cd "$(dirname "$exe")" && pwd)/$(basename "$exe")
mkdir -p "$out"
out=$(cd "$out" && pwd)
cores=$(nproc)
IFS=, read -r -a ns <<< "$nprocs"
echo "| processes | threads each | global batch | images/s | speed-up |"
echo "|---:|---:|---:|---:|---:|"
base=""
for n in "${ns[@]}"; do
  threads=$(( cores / n > 0 ? cores / n : 1 ))
  run=$out/np$n
  rm -rf "$run"
  (cd "$out" && "$exe" launch --nproc "$n" -- "$exe" --device cpu --threads "$threads" \
     --output "$run" --set trainer.params.nr_epochs="$epochs" \
     --set synthetic_data.n_train="$train" --set trainer.data_loader.params.args.batch_size="$batch" \
     --set experiment.task=train >"$run.log" 2>&1) || { tail -5 "$run.log"; exit 1; }
  ips=$(/usr/bin/python3 -c "
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(statistics.median(r['images_per_s'] for r in rows[1:] or rows))" "$run/metrics.jsonl")
  base=${base:-$ips}
  echo "| $n | $threads | $batch | $(printf %.1f "$ips") | $(/usr/bin/python3 -c "print(f'{$ips / $base:.2f}x')") |"
done
