#!/usr/bin/env bash
# Our MorphAEus training step and evaluation against the PyTorch reference (the authors' way:
# scripts/bench_reference.py) on this machine, in one run: same weights, same inputs, same thread
# count; the first step's loss of both must agree before anything is timed; runs alternate
# (ours, PyTorch, ours, ...) so that both see the same machine state; prints PyTorch time / our
# time for each measurement and writes everything to OUT/summary.json.
#
#   scripts/bench_vs_pytorch.sh [--batches 16,64] [--rounds 2] [--steps 3] [--warmup 1]
#                               [--eval-images 256] [--eval-batch 64] [--threads N]
#                               [--device cpu|cuda] [--skip-eval] [--fast]
#                               [--exe build/release/morphaeus] [--out runs/bench-vs-pytorch]
#
# --fast also times our train step on the fast path (trainer.params.performance: bf16 autocast,
# channels_last, and on CUDA the whole step as a CUDA graph) as "ours, fast path"; its first loss
# must be within 3% of the reference's (the bf16 tolerance of docs/PERFORMANCE.md).
#
# Needs a Python with torch (PYTHON, default Debian's /usr/bin/python3 with python3-torch,
# -torchvision, -skimage, -sklearn as scripts/setup.sh installs them; on a GPU machine
# PYTHON=python3, torchvision optional, --skip-eval without scikit-image/-learn). On a GPU the
# memory rows compare CUDA's max allocated memory. Train steps use the paper config
# (projects/morphaeus/configs/cxr/morphaeus.yaml: L2 + 0.05 x VGG19 perceptual loss, NCC and the
# regulariser at epoch 12) with random VGG19 weights in torchvision's layout.
set -euo pipefail
cd "$(dirname "$0")/.."
batches=16,64 rounds=2 steps=3 warmup=1 eval_images=256 eval_batch=64
threads=$(nproc) exe=build/release/morphaeus out=runs/bench-vs-pytorch device=cpu eval=1 fast=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --batches) batches=$2 ;; --rounds) rounds=$2 ;; --steps) steps=$2 ;; --warmup) warmup=$2 ;;
    --eval-images) eval_images=$2 ;; --eval-batch) eval_batch=$2 ;; --threads) threads=$2 ;;
    --exe) exe=$2 ;; --out) out=$2 ;; --device) device=$2 ;;
    --skip-eval) eval=0; shift; continue ;;
    --fast) fast=1; shift; continue ;;
    *) echo "bench_vs_pytorch.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
py=${PYTHON:-/usr/bin/python3}
[[ -x "$exe" ]] || { echo "bench_vs_pytorch.sh: $exe not found (build first)" >&2; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
config=$PWD/projects/morphaeus/configs/cxr/morphaeus.yaml
echo "# preparing weights and inputs in $out" >&2
$py scripts/bench_reference.py prepare "$out" --batches "$batches"
results=$out/runs.jsonl
: > "$results"

fast_sets=(--set trainer.params.performance.precision=bf16 --set trainer.params.performance.channels_last=true)
[[ $device == cuda* ]] && fast_sets+=(--set trainer.params.performance.cuda_graph=true)
ours_train() {  # batch [side [overrides...]] -> one JSON line
  local b=$1 side=${2:-ours}
  shift; shift || true
  (cd "$out" && "$OLDPWD/$exe" bench --what train-step --config "$config" --warp native \
     --set trainer.params.vgg_weights="$out/vgg19_random.pth" --weights weights.pt \
     --inputs "inputs_b$b.pt" --steps "$steps" --warmup "$warmup" --threads "$threads" \
     --device "$device" --json "$out/ours.json" "$@" >/dev/null)
  $py -c "import json,sys; j=json.load(open(sys.argv[1])); r=j['rows'][0]; print(json.dumps({'side':sys.argv[2],'what':'train-step','batch':r['batch'],'loss':r['loss'],'median_ms':r['forward_backward_ms']['median'],'min_ms':r['forward_backward_ms']['min'],'peak_rss_mib':j['peak_rss_mib'],'cuda_max_allocated_mib':j.get('cuda_max_allocated_mib')}))" "$out/ours.json" "$side"
}
theirs_train() {
  $py scripts/bench_reference.py train-step "$out" --batch "$1" --steps "$steps" --warmup "$warmup" \
      --threads "$threads" --device "$device" | $py -c "import json,sys; j=json.loads(sys.stdin.read()); j['side']='pytorch'; print(json.dumps(j))"
}
ours_eval() {
  (cd "$out" && "$OLDPWD/$exe" bench --what eval --config "$config" --warp native --batch "$eval_batch" \
     --steps "$steps" --warmup "$warmup" --threads "$threads" --device "$device" \
     --json "$out/ours_eval.json" >/dev/null)
  $py -c "import json,sys; j=json.load(open(sys.argv[1])); r=j['rows'][0]; print(json.dumps({'side':'ours','what':'eval','batch':r['batch'],'images_per_s':r['batch']*1000.0/r['forward_ms']['median'],'peak_rss_mib':j['peak_rss_mib']}))" "$out/ours_eval.json"
}
theirs_eval() {
  $py scripts/bench_reference.py eval "$out" --images "$eval_images" --threads "$threads" --device "$device" |
      $py -c "import json,sys; j=json.loads(sys.stdin.read()); j['side']='pytorch'; print(json.dumps(j))"
}

IFS=, read -r -a bs <<< "$batches"
for b in "${bs[@]}"; do
  for ((r = 1; r <= rounds; r++)); do
    echo "# train step, batch $b, round $r/$rounds" >&2
    ours_train "$b" >> "$results"
    theirs_train "$b" >> "$results"
    ((fast)) && ours_train "$b" ours-fast "${fast_sets[@]}" >> "$results"
    if [[ $r == 1 ]]; then  # the same loss before any time counts
      $py - "$results" "$b" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
b = int(sys.argv[2])
o = [r for r in rows if r["what"] == "train-step" and r["batch"] == b and r["side"] == "ours"][0]["loss"]
t = [r for r in rows if r["what"] == "train-step" and r["batch"] == b and r["side"] == "pytorch"][0]["loss"]
if abs(o - t) > 1e-4 * max(1.0, abs(t)):
    sys.exit(f"bench_vs_pytorch.sh: batch {b}: the first step's losses differ (ours {o:.9g}, PyTorch {t:.9g})")
print(f"# batch {b}: first step's loss ours {o:.9g}, PyTorch {t:.9g}: same", file=sys.stderr)
f = [r for r in rows if r["what"] == "train-step" and r["batch"] == b and r["side"] == "ours-fast"]
if f:
    if abs(f[0]["loss"] - t) > 0.03 * abs(t):
        sys.exit(f"bench_vs_pytorch.sh: batch {b}: the fast path's first loss {f[0]['loss']:.9g} is not within 3% of PyTorch's {t:.9g}")
    print(f"# batch {b}: fast path's first loss {f[0]['loss']:.9g} (within 3%)", file=sys.stderr)
PY
    fi
  done
done
for ((r = 1; r <= rounds && eval; r++)); do
  echo "# evaluation, round $r/$rounds" >&2
  ours_eval >> "$results"
  theirs_eval >> "$results"
done

$py - "$results" "$out/summary.json" "$threads" "$device" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
summary = {"threads": int(sys.argv[3]), "device": sys.argv[4], "train_step": [], "eval": {}}
mem = "cuda_max_allocated_mib" if sys.argv[4].startswith("cuda") else "peak_rss_mib"
mem_name = "CUDA max allocated" if mem.startswith("cuda") else "peak RSS"
print(f"\n| measurement | ours | PyTorch | PyTorch / ours |\n|---|---:|---:|---:|")
for b in sorted({r["batch"] for r in rows if r["what"] == "train-step"}):
    pick = lambda side, key: [r[key] for r in rows if r["what"] == "train-step" and r["batch"] == b and r["side"] == side]
    o, t = statistics.median(pick("ours", "median_ms")), statistics.median(pick("pytorch", "median_ms"))
    om, tm = max(pick("ours", mem)), max(pick("pytorch", mem))
    print(f"| train step, batch {b} (ms) | {o:.0f} | {t:.0f} | {t / o:.2f}x |")
    print(f"| train step, batch {b}, {mem_name} (MiB) | {om:.0f} | {tm:.0f} | {tm / om:.2f}x |")
    summary["train_step"].append({"batch": b, "ours_ms": o, "pytorch_ms": t, "ratio": t / o,
                                  "ours_" + mem: om, "pytorch_" + mem: tm})
    if pick("ours-fast", "median_ms"):
        f, fm = statistics.median(pick("ours-fast", "median_ms")), max(pick("ours-fast", mem))
        print(f"| train step, batch {b}, fast path (ms) | {f:.0f} | {t:.0f} | {t / f:.2f}x |")
        print(f"| train step, batch {b}, fast path, {mem_name} (MiB) | {fm:.0f} | {tm:.0f} | {tm / fm:.2f}x |")
        summary["train_step"][-1].update({"fast_ms": f, "fast_ratio": t / f, "fast_" + mem: fm})
if not any(r["what"] == "eval" for r in rows):
    json.dump(summary, open(sys.argv[2], "w"), indent=2)
    sys.exit(0)
oi = statistics.median([r["images_per_s"] for r in rows if r["what"] == "eval" and r["side"] == "ours"])
ti = statistics.median([r["images_per_s"] for r in rows if r["what"] == "eval" and r["side"] == "pytorch"])
print(f"| evaluation of 7,031 images (s; PyTorch at batch 1) | {7031 / oi:.0f} | {7031 / ti:.0f} | {oi / ti:.2f}x |")
summary["eval"] = {"ours_images_per_s": oi, "pytorch_images_per_s": ti, "ratio": oi / ti,
                   "ours_7031_s": 7031 / oi, "pytorch_7031_s": 7031 / ti}
with open(sys.argv[2], "w") as f:
    json.dump(summary, f, indent=2)
PY
