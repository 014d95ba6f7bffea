#!/usr/bin/env bash
# Data-parallel scaling on this machine, as a user runs it: one process with every core it may
# use (`morphaeus --config ...`) against N ranks sharing them (`morphaeus launch --nproc N --
# morphaeus --config ...`), neither given --threads (each picks its own share). Two workloads at
# global batch 16, MorphAEus at 128x128 on the synthetic chest X-rays:
#   demo   configs/demo.yaml as shipped (alfa 0), median images/s of epochs 2-14;
#   paper  the paper's training step: alfa 0.05 with VGG19's perceptual loss (random weights in
#          torchvision's layout, from scripts/bench_reference.py) and, from epoch 11 on, the
#          deformer, NCC and regulariser; median images/s of epochs 12-14.
# The layouts alternate within each round (the order flips every round); printed per workload:
# each layout's images/s (median of the rounds, min-max), and N ranks / 1 process (min-max of
# the rounds' ratios). Rank 0's metrics.jsonl counts every rank's images over its epoch time.
#
#   scripts/bench_distributed.sh [--nproc 2] [--rounds 2] [--workloads demo,paper]
#                                [--train 64] [--exe build/release/morphaeus]
#                                [--out runs/bench-distributed] [--bind none|cores]
set -euo pipefail
cd "$(dirname "$0")/.."
nproc_=2 rounds=2 workloads=demo,paper train=64 exe=build/release/morphaeus
out=runs/bench-distributed bind=none
while [[ $# -gt 0 ]]; do
  case "$1" in
    --nproc) nproc_=$2 ;; --rounds) rounds=$2 ;; --workloads) workloads=$2 ;;
    --train) train=$2 ;; --exe) exe=$2 ;; --out) out=$2 ;; --bind) bind=$2 ;;
    *) echo "bench_distributed.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
py=${PYTHON:-/usr/bin/python3}
[[ -x "$exe" ]] || { echo "bench_distributed.sh: $exe not found (build first)" >&2; exit 1; }
exe=$(cd "$(dirname "$exe")" && pwd)/$(basename "$exe")
mkdir -p "$out"
out=$(cd "$out" && pwd)
config=$out/demo.yaml  # the demo's, its generated data in $out/data (not the demo's own)
sed "s#\.\./runs/demo-data#$out/data#g" configs/demo.yaml > "$config"
echo "# CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) usable;" \
     "flags: $(grep -o -w 'avx2\|avx512f\|avx512_bf16\|amx_bf16' /proc/cpuinfo | sort -u | xargs)"
IFS=, read -r -a ws <<< "$workloads"
if [[ " ${ws[*]} " == *" paper "* ]] && [[ ! -f $out/vgg19_random.pth ]]; then
  $py scripts/bench_reference.py prepare "$out" --batches 16 >/dev/null
fi

common=(--device cpu --set trainer.params.nr_epochs=14 --set synthetic_data.n_train="$train"
        --set synthetic_data.n_val=16 --set synthetic_data.n_test=4
        --set synthetic_data.n_abnormal=4
        --set trainer.data_loader.params.args.batch_size=16)
workload_args() {
  case "$1" in
    demo) echo "" ;;
    paper) echo "--set trainer.params.alfa=0.05 --set trainer.params.vgg_weights=$out/vgg19_random.pth" ;;
    *) echo "bench_distributed.sh: unknown workload $1" >&2; exit 2 ;;
  esac
}
first_epoch() { [[ $1 == paper ]] && echo 12 || echo 2; }  # metrics.jsonl counts from 1

one_run() {  # workload processes round -> images/s
  local run=$out/$1-np$2-r$3 extra
  extra=$(workload_args "$1")
  rm -rf "$run"
  if [[ $2 == 1 ]]; then
    # shellcheck disable=SC2086
    "$exe" --config "$config" --output "$run" "${common[@]}" $extra >"$run.log" 2>&1 ||
      { tail -5 "$run.log" >&2; exit 1; }
  else
    # shellcheck disable=SC2086
    "$exe" launch --nproc "$2" --bind "$bind" -- "$exe" --config "$config" --output "$run" \
      "${common[@]}" $extra >"$run.log" 2>&1 || { tail -5 "$run.log" >&2; exit 1; }
  fi
  $py - "$run/metrics.jsonl" "$(first_epoch "$1")" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(statistics.median(r["images_per_s"] for r in rows if r["epoch"] >= int(sys.argv[2])))
PY
}

results=$out/results.tsv
: > "$results"
for ((r = 1; r <= rounds; r++)); do
  layouts=(1 "$nproc_")
  ((r % 2 == 0)) && layouts=("$nproc_" 1)
  for w in "${ws[@]}"; do
    for n in "${layouts[@]}"; do
      ips=$(one_run "$w" "$n" "$r")
      printf '%s\t%s\t%s\t%s\n' "$w" "$n" "$r" "$ips" >> "$results"
      echo "# round $r, $w, $n process(es): $(printf %.2f "$ips") images/s" >&2
    done
  done
done
$py - "$results" "$nproc_" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    w, n, r, ips = line.split()
    runs[w, int(n)][int(r)] = float(ips)
n = int(sys.argv[2])
print(f"| workload | 1 process, images/s | {n} ranks, images/s | {n} ranks / 1 process |")
print("|---|---:|---:|---:|")
for w in dict.fromkeys(k[0] for k in runs):
    one, many = runs[w, 1], runs[w, n]
    ratios = [many[r] / one[r] for r in one if r in many]
    span = lambda v: f"{statistics.median(v):.2f} ({min(v):.2f}-{max(v):.2f})"
    print(f"| {w} | {span(list(one.values()))} | {span(list(many.values()))} | "
          f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f}) |")
PY
