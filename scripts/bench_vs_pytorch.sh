#!/usr/bin/env bash
# Our MorphAEus training step and evaluation side by side with PyTorch on this machine, in one run:
#   - the authors' way (scripts/bench_reference.py --style authors: their model and loss code as
#     it runs: VGG weights that require gradients, target features with autograd, Adam's loop),
#   - a well-written PyTorch step (--style tuned: VGG frozen, target features without autograd,
#     channels_last, foreach Adam, and in bf16 torch.autocast), so that the ratio to it says what
#     C++ itself adds,
#   - the authors' step under PyTorch 2.x (the wheel of scripts/torch2.sh, .venv-torch2), eager
#     and compiled by torch.compile (inductor), fp32: what a 2026 user of their code would run,
#   - ours (`morphaeus bench --what train-step|eval --precision fp32|bf16`), with the FLOPs of the
#     step counted from the operators' shapes and the machine's measured convolution peak.
# Same weights, same inputs, same thread count; before anything counts, our fp32 first loss must
# equal the authors' (1e-4) and every bf16 first loss be within 3% of it; runs alternate (ours,
# authors, tuned, ...) so that all see the same machine state. Rows: alfa 0 (no perceptual loss)
# and 0.05 (paper), each batch size, fp32 and (where the CPU has AMX-BF16/AVX512-BF16, or on a
# GPU) bf16; evaluation. Prints a Markdown table and writes OUT/summary.json.
#
#   scripts/bench_vs_pytorch.sh [--batches 16,64] [--alfas 0,0.05] [--precisions fp32,bf16]
#                               [--rounds 2] [--steps 3] [--warmup 1] [--eval-images 256]
#                               [--eval-batch 16] [--threads N] [--device cpu|cuda]
#                               [--skip-eval] [--skip-tuned] [--ours-set key=value]...
#                               [--torch2 PYTHON|none]
#                               [--exe build/release/morphaeus] [--out runs/bench-vs-pytorch]
#
# --torch2 names the Python of PyTorch 2.x (default .venv-torch2/bin/python where it exists; none
# skips those rows); its compiled step compiles in the warm-up (compile_s in runs.jsonl).
# --ours-set adds a config override to our train steps (e.g. on a GPU
# trainer.params.performance.cuda_graph=true: the whole step replayed as a CUDA graph).
#
# Needs a Python with torch (PYTHON, default Debian's /usr/bin/python3 with python3-torch,
# -torchvision, -skimage, -sklearn as scripts/setup.sh installs them; on a GPU machine
# PYTHON=python3, torchvision optional, --skip-eval without scikit-image/-learn). Train steps use
# the paper config (projects/morphaeus/configs/cxr/morphaeus.yaml at epoch 12: L2 + alfa x VGG19
# perceptual loss, NCC of both directions, the regulariser) with random VGG19 weights in
# torchvision's layout. The PyTorch rows' GFLOP/s are our FLOP count of the same step over their
# time (the authors' step does more arithmetic than that: VGG weight gradients).
set -euo pipefail
cd "$(dirname "$0")/.."
batches=16,64 alfas=0,0.05 precisions=fp32,bf16 rounds=2 steps=3 warmup=1 eval_images=256
eval_batch=16 threads=$(nproc) exe=build/release/morphaeus out=runs/bench-vs-pytorch device=cpu
eval=1 tuned=1 ours_sets=() torch2=.venv-torch2/bin/python
while [[ $# -gt 0 ]]; do
  case "$1" in
    --batches) batches=$2 ;; --alfas) alfas=$2 ;; --precisions) precisions=$2 ;;
    --rounds) rounds=$2 ;; --steps) steps=$2 ;; --warmup) warmup=$2 ;;
    --eval-images) eval_images=$2 ;; --eval-batch) eval_batch=$2 ;; --threads) threads=$2 ;;
    --exe) exe=$2 ;; --out) out=$2 ;; --device) device=$2 ;;
    --skip-eval) eval=0; shift; continue ;;
    --skip-tuned) tuned=0; shift; continue ;;
    --ours-set) ours_sets+=(--set "$2") ;;
    --torch2) torch2=$2 ;;
    *) echo "bench_vs_pytorch.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
py=${PYTHON:-/usr/bin/python3}
[[ -x "$exe" ]] || { echo "bench_vs_pytorch.sh: $exe not found (build first)" >&2; exit 1; }
if [[ $torch2 == none ]] || [[ ! -x $torch2 ]]; then
  [[ $torch2 == none ]] || echo "# no PyTorch 2.x at $torch2 (scripts/torch2.sh env makes it): its rows skipped" >&2
  torch2=""
else
  "$torch2" -c 'import numpy' 2>/dev/null || "$torch2" -m pip install --quiet numpy ||
    { echo "bench_vs_pytorch.sh: $torch2 has no numpy and pip could not install it" >&2; exit 1; }
  echo "# PyTorch 2.x: $("$torch2" -c 'import torch; print(torch.__version__)' 2>/dev/null) ($torch2)" >&2
fi
exe=$(cd "$(dirname "$exe")" && pwd)/$(basename "$exe")
mkdir -p "$out"
out=$(cd "$out" && pwd)
config=$PWD/projects/morphaeus/configs/cxr/morphaeus.yaml
IFS=, read -r -a bs <<< "$batches"
IFS=, read -r -a as <<< "$alfas"
IFS=, read -r -a ps <<< "$precisions"
if [[ $device == cpu ]] && [[ " ${ps[*]} " == *" bf16 "* ]] &&
   ! grep -qw 'amx_bf16\|avx512_bf16' /proc/cpuinfo; then
  echo "# this CPU has no AMX-BF16 or AVX512-BF16: bf16 rows skipped (fp32 only)" >&2
  ps=(fp32)
fi
echo "# CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs);" \
     "flags: $(grep -o -w 'avx2\|avx512f\|avx512_bf16\|amx_bf16' /proc/cpuinfo | sort -u | xargs)" >&2
echo "# preparing weights and inputs in $out" >&2
$py scripts/bench_reference.py prepare "$out" --batches "$batches"
results=$out/runs.jsonl
: > "$results"

ours_train() {  # batch alfa precision -> one JSON line
  (cd "$out" && "$exe" bench --what train-step --config "$config" --warp native \
     --set trainer.params.vgg_weights="$out/vgg19_random.pth" --set trainer.params.alfa="$2" \
     --weights weights.pt --inputs "inputs_b$1.pt" --steps "$steps" --warmup "$warmup" \
     --threads "$threads" --device "$device" --precision "$3" --json "$out/ours.json" \
     "${ours_sets[@]}" >/dev/null)
  $py - "$out/ours.json" "$2" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); r = j["rows"][0]
print(json.dumps({"side": "ours", "what": "train-step", "batch": r["batch"], "alfa": float(sys.argv[2]),
                  "precision": r["precision"], "loss": r["loss"], "median_ms": r["forward_backward_ms"]["median"],
                  "min_ms": r["forward_backward_ms"]["min"], "max_ms": r["forward_backward_ms"]["max"],
                  "gflop": r["gflop"], "percent_of_peak": r["percent_of_peak"], "peak": j.get("peak"),
                  "peak_rss_mib": j["peak_rss_mib"]}))
PY
}
theirs_train() {  # batch alfa style precision
  $py scripts/bench_reference.py train-step "$out" --batch "$1" --alfa "$2" --style "$3" \
      --precision "$4" --steps "$steps" --warmup "$warmup" --threads "$threads" --device "$device" |
      $py -c "import json,sys; j=json.loads(sys.stdin.read()); j['side']=j['style']; print(json.dumps(j))"
}
theirs2_train() {  # batch alfa [--compile]: the authors' step under PyTorch 2.x, fp32
  "$torch2" scripts/bench_reference.py train-step "$out" --batch "$1" --alfa "$2" --style authors \
      --steps "$steps" --warmup "$warmup" --threads "$threads" --device "$device" ${3:-} 2>/dev/null |
      $py -c "import json,sys; j=json.loads(sys.stdin.read()); j['side']='torch2-'+j['style']; print(json.dumps(j))"
}
ours_eval() {  # precision
  (cd "$out" && "$exe" bench --what eval --config "$config" --warp native --batch "$eval_batch" \
     --steps "$steps" --warmup "$warmup" --threads "$threads" --device "$device" --precision "$1" \
     --json "$out/ours_eval.json" >/dev/null)
  $py - "$out/ours_eval.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); r = j["rows"][0]
print(json.dumps({"side": "ours", "what": "eval", "batch": r["batch"], "precision": r["precision"],
                  "images_per_s": r["batch"] * 1000.0 / r["forward_ms"]["median"],
                  "percent_of_peak": r["percent_of_peak"], "peak_rss_mib": j["peak_rss_mib"]}))
PY
}
theirs_eval() {
  $py scripts/bench_reference.py eval "$out" --images "$eval_images" --threads "$threads" --device "$device" |
      $py -c "import json,sys; j=json.loads(sys.stdin.read()); j['side']='authors'; print(json.dumps(j))"
}
check_losses() {  # batch alfa: the first step's losses agree before anything counts
  $py - "$results" "$1" "$2" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
b, a = int(sys.argv[2]), float(sys.argv[3])
sel = lambda side, prec: [r["loss"] for r in rows if r["what"] == "train-step" and r["batch"] == b
                          and abs(r["alfa"] - a) < 1e-12 and r["side"] == side and r["precision"] == prec]
ref = sel("authors", "fp32")[0]
for side, prec, tol in [("ours", "fp32", 1e-4), ("tuned", "fp32", 1e-4), ("ours", "bf16", 0.03), ("tuned", "bf16", 0.03),
                        ("torch2-authors", "fp32", 1e-4), ("torch2-authors-compiled", "fp32", 1e-4)]:
    for loss in sel(side, prec)[:1]:
        if abs(loss - ref) > tol * max(1.0, abs(ref)):
            sys.exit(f"bench_vs_pytorch.sh: batch {b} alfa {a}: {side} {prec} first loss {loss:.9g} vs the authors' {ref:.9g} (tolerance {tol})")
        print(f"# batch {b} alfa {a}: {side} {prec} first loss {loss:.9g}, authors {ref:.9g}", file=sys.stderr)
PY
}

for a in "${as[@]}"; do
  for b in "${bs[@]}"; do
    for ((r = 1; r <= rounds; r++)); do
      echo "# train step, alfa $a, batch $b, round $r/$rounds" >&2
      for p in "${ps[@]}"; do
        ours_train "$b" "$a" "$p" >> "$results"
        [[ $p == fp32 ]] && theirs_train "$b" "$a" authors fp32 >> "$results"
        ((tuned)) && theirs_train "$b" "$a" tuned "$p" >> "$results"
        if [[ $p == fp32 && -n $torch2 ]]; then
          theirs2_train "$b" "$a" >> "$results"
          theirs2_train "$b" "$a" --compile >> "$results"
        fi
      done
      [[ $r == 1 ]] && check_losses "$b" "$a"
    done
  done
done
for ((r = 1; r <= rounds && eval; r++)); do
  echo "# evaluation, round $r/$rounds" >&2
  for p in "${ps[@]}"; do ours_eval "$p" >> "$results"; done
  theirs_eval >> "$results"
done

$py - "$results" "$out/summary.json" "$threads" "$device" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
summary = {"threads": int(sys.argv[3]), "device": sys.argv[4], "train_step": [], "eval": []}
peak = next((r["peak"] for r in rows if r.get("peak")), None)
if peak:
    bf = peak.get("bf16_gflops")
    print(f"\nmachine peak (dense conv {peak['shape']}): fp32 {peak['fp32_gflops']:.0f} GFLOP/s"
          + (f", bf16 {bf:.0f} GFLOP/s" if bf else ", bf16 not measured"))
    summary["peak"] = peak
rng = lambda xs: f"{min(xs):.0f}-{max(xs):.0f}"
t2 = any(r["side"].startswith("torch2-") for r in rows)
print("\n| step | batch | precision | authors ms | tuned PyTorch ms | ours ms | authors / ours | tuned / ours |"
      + (" 2.x eager ms | 2.x compiled ms | eager / ours | compiled / ours |" if t2 else "")
      + " ours GFLOP/s | % of peak |")
print("|---|---:|---|---:|---:|---:|---:|---:|" + ("---:|---:|---:|---:|" if t2 else "") + "---:|---:|")
keys = sorted({(r["alfa"], r["batch"], r["precision"]) for r in rows if r["what"] == "train-step" and r["side"] == "ours"})
for a, b, p in keys:
    pick = lambda side, prec, key: [r[key] for r in rows if r["what"] == "train-step" and r["batch"] == b
                                    and abs(r["alfa"] - a) < 1e-12 and r["side"] == side and r["precision"] == prec]
    o, t, u = pick("ours", p, "median_ms"), pick("authors", "fp32", "median_ms"), pick("tuned", p, "median_ms")
    om, tm = statistics.median(o), statistics.median(t)
    um = statistics.median(u) if u else None
    e2, c2 = pick("torch2-authors", p, "median_ms"), pick("torch2-authors-compiled", p, "median_ms")
    gflop = pick("ours", p, "gflop")[0]
    pct = statistics.median([x for x in pick("ours", p, "percent_of_peak") if x is not None] or [float("nan")])
    name = "alfa 0 (no perceptual loss)" if a == 0 else f"alfa {a:g}" + (" (paper)" if abs(a - 0.05) < 1e-12 else "")
    print(f"| {name} | {b} | {p} | {rng(t)} | {rng(u) if u else '-'} | {rng(o)} | {tm / om:.2f}x | "
          + (f"{um / om:.2f}x" if um else "-") + " | "
          + ((f"{rng(e2)} | {rng(c2)} | {statistics.median(e2) / om:.2f}x | {statistics.median(c2) / om:.2f}x | "
              if e2 and c2 else "- | - | - | - | ") if t2 else "")
          + f"{gflop / (om / 1000):.0f} | {pct:.1f}% |")
    summary["train_step"].append({"alfa": a, "batch": b, "precision": p, "ours_ms": o, "authors_ms": t,
                                  "tuned_ms": u, "authors_over_ours": tm / om,
                                  "tuned_over_ours": um / om if um else None, "gflop": gflop,
                                  "torch2_eager_ms": e2, "torch2_compiled_ms": c2,
                                  "torch2_eager_over_ours": statistics.median(e2) / om if e2 else None,
                                  "torch2_compiled_over_ours": statistics.median(c2) / om if c2 else None,
                                  "ours_gflop_per_s": gflop / (om / 1000), "percent_of_peak": pct})
ev = [r for r in rows if r["what"] == "eval"]
if ev:
    ti = statistics.median([r["images_per_s"] for r in ev if r["side"] == "authors"])
    print("\n| evaluation of 7,031 images | precision | ours s (batch) | authors s (batch 1) | authors / ours | % of peak |")
    print("|---|---|---:|---:|---:|---:|")
    for p in sorted({r["precision"] for r in ev if r["side"] == "ours"}):
        o = [r for r in ev if r["side"] == "ours" and r["precision"] == p]
        oi = statistics.median([r["images_per_s"] for r in o])
        pct = statistics.median([r["percent_of_peak"] for r in o if r["percent_of_peak"] is not None] or [float("nan")])
        print(f"| evaluation | {p} | {7031 / oi:.0f} ({o[0]['batch']}) | {7031 / ti:.0f} | {oi / ti:.2f}x | {pct:.1f}% |")
        summary["eval"].append({"precision": p, "ours_images_per_s": oi, "authors_images_per_s": ti,
                                "ratio": oi / ti, "percent_of_peak": pct})
with open(sys.argv[2], "w") as f:
    json.dump(summary, f, indent=2)
PY
