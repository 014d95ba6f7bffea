#!/usr/bin/env bash
# Data-parallel training across two hosts with the link between them rate-limited: how much the
# all-reduce overlapped with the backward buys, and what the bucket size does. Two test hosts
# are made here (network namespaces joined by a veth pair, 10.232.<n>.1 and .2; root needed) and
# removed at exit; one rank runs on each (one thread each), MASTER_ADDR the first host's address.
# Each rate (`tc tbf` on both ends of the pair; `none`: the veth's own speed) runs every layout:
#   overlap-25   the default: buckets of <= 25 MiB all-reduced during the backward
#   after-25     the same buckets, all-reduced after the backward
#                (trainer.params.allreduce_during_backward: false)
#   overlap-B    overlapped, other bucket sizes B MiB (trainer.params.bucket_cap_mb), --buckets
# The workload is the demo (configs/demo.yaml: MorphAEus at 128x128, alfa 0, 14.6 MB of
# gradients per step) at global batch 16 on synthetic chest X-rays; images/s is the median over
# epochs 2.. of rank 0's metrics.jsonl (every rank's images over the epoch's time). Layouts
# alternate within each round (the order flips every round); printed: a table of images/s
# (median of the rounds, min-max) per rate and layout, and each layout against after-25.
#
#   scripts/bench_multi_host.sh [--rates none,1gbit,100mbit] [--buckets 5,100] [--rounds 2]
#                               [--epochs 5] [--train 64] [--exe build/release/morphaeus]
#                               [--out runs/bench-multi-host]
set -euo pipefail
cd "$(dirname "$0")/.."
rates=none,1gbit,100mbit buckets=5,100 rounds=2 epochs=5 train=64 exe=build/release/morphaeus
out=runs/bench-multi-host
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rates) rates=$2 ;; --buckets) buckets=$2 ;; --rounds) rounds=$2 ;; --epochs) epochs=$2 ;;
    --train) train=$2 ;; --exe) exe=$2 ;; --out) out=$2 ;;
    *) echo "bench_multi_host.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
py=${PYTHON:-/usr/bin/python3}
[[ -x "$exe" ]] || { echo "bench_multi_host.sh: $exe not found (build first)" >&2; exit 1; }
[[ $(id -u) == 0 ]] || { echo "bench_multi_host.sh: needs root (ip netns, tc)" >&2; exit 1; }
exe=$(cd "$(dirname "$exe")" && pwd)/$(basename "$exe")
mkdir -p "$out"
out=$(cd "$out" && pwd)
config=$out/demo.yaml  # the demo's, its generated data in $out/data
sed "s#\.\./runs/demo-data#$out/data#g" configs/demo.yaml > "$config"

# The two hosts.
n=$((1 + $$ % 250)) tag=bh$(($$ % 100000))
a=${tag}a b=${tag}b addr_a=10.232.$n.1 addr_b=10.232.$n.2
cleanup() { ip netns del "$a" 2>/dev/null || true; ip netns del "$b" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$a" && ip netns add "$b"
ip link add "$a" type veth peer name "$b"
ip link set "$a" netns "$a" && ip link set "$b" netns "$b"
ip -n "$a" addr add "$addr_a/24" dev "$a" && ip -n "$b" addr add "$addr_b/24" dev "$b"
for h in "$a" "$b"; do ip -n "$h" link set "$h" up && ip -n "$h" link set lo up; done

set_rate() {  # rate: both ends of the pair shaped by a token bucket (or not at all)
  for h in "$a" "$b"; do
    tc -n "$h" qdisc del dev "$h" root 2>/dev/null || true
    if [[ $1 != none ]]; then
      # A bucket of 10 ms of traffic (at least 64 KiB), a queue of 100 ms.
      local bits
      bits=$($py -c "import re,sys; m=re.fullmatch(r'([0-9.]+)([kmg]?)bit', sys.argv[1]); \
print(int(float(m[1]) * {'': 1, 'k': 1e3, 'm': 1e6, 'g': 1e9}[m[2]]))" "$1") ||
        { echo "bench_multi_host.sh: rate '$1' is not like 100mbit or 1gbit" >&2; exit 2; }
      tc -n "$h" qdisc add dev "$h" root tbf rate "$1" \
        burst $((bits / 800 > 65536 ? bits / 800 : 65536)) latency 100ms
    fi
  done
}

echo "# CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) usable;" \
     "flags: $(grep -o -w 'avx2\|avx512f\|avx512_bf16\|amx_bf16' /proc/cpuinfo | sort -u | xargs)"
echo "# two hosts $addr_a and $addr_b (network namespaces, veth), one rank and one thread each"
common=(--config "$config" --device cpu --threads 1 --set trainer.params.nr_epochs="$epochs"
        --set synthetic_data.n_train="$train" --set synthetic_data.n_val=16
        --set synthetic_data.n_test=4 --set synthetic_data.n_abnormal=4
        --set trainer.data_loader.params.args.batch_size=16)
layout_args() {
  case "$1" in
    overlap-*) echo "--set trainer.params.bucket_cap_mb=${1#overlap-}" ;;
    after-*) echo "--set trainer.params.bucket_cap_mb=${1#after-}" \
                  "--set trainer.params.allreduce_during_backward=false" ;;
  esac
}
# The data once, so that every run starts alike.
"$exe" "${common[@]}" --output "$out/prepare" --set trainer.params.nr_epochs=1 >/dev/null 2>&1 ||
  { echo "bench_multi_host.sh: preparing the data failed" >&2; exit 1; }

port=$((30000 + $$ % 2000))
one_run() {  # rate layout round -> images/s
  local run=$out/$1-$2-r$3 extra
  extra=$(layout_args "$2")
  rm -rf "$run"
  port=$((port + 1))
  local dist=(--world-size 2 --master-addr "$addr_a" --master-port "$port" --dist-timeout 120)
  # shellcheck disable=SC2086
  ip netns exec "$a" "$exe" "${common[@]}" --output "$run" $extra "${dist[@]}" --rank 0 \
    >"$run.r0.log" 2>&1 &
  local r0=$!
  # shellcheck disable=SC2086
  ip netns exec "$b" "$exe" "${common[@]}" --output "$run" $extra "${dist[@]}" --rank 1 \
    >"$run.r1.log" 2>&1 || { tail -3 "$run.r1.log" >&2; exit 1; }
  wait "$r0" || { tail -3 "$run.r0.log" >&2; exit 1; }
  $py - "$run/metrics.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(statistics.median(r["images_per_s"] for r in rows if r["epoch"] >= 2))
PY
}

IFS=, read -r -a rs <<< "$rates"
IFS=, read -r -a bs <<< "$buckets"
layouts=(overlap-25 after-25)
for s in "${bs[@]}"; do layouts+=("overlap-$s"); done
results=$out/results.tsv
: > "$results"
for ((r = 1; r <= rounds; r++)); do
  order=("${layouts[@]}")
  if ((r % 2 == 0)); then
    order=()
    for ((i = ${#layouts[@]} - 1; i >= 0; i--)); do order+=("${layouts[i]}"); done
  fi
  for rate in "${rs[@]}"; do
    set_rate "$rate"
    for l in "${order[@]}"; do
      ips=$(one_run "$rate" "$l" "$r")
      printf '%s\t%s\t%s\t%s\n' "$rate" "$l" "$r" "$ips" >> "$results"
      echo "# round $r, link $rate, $l: $(printf %.2f "$ips") images/s" >&2
    done
  done
done
$py - "$results" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    rate, layout, r, ips = line.split()
    runs[rate, layout][int(r)] = float(ips)
rates = list(dict.fromkeys(k[0] for k in runs))
layouts = list(dict.fromkeys(k[1] for k in runs))
span = lambda v: f"{statistics.median(v):.1f} ({min(v):.1f}-{max(v):.1f})"
print("| link | " + " | ".join(f"{l} images/s" for l in layouts) + " | " +
      " | ".join(f"{l} / after-25" for l in layouts if l != "after-25") + " |")
print("|---|" + "---:|" * (2 * len(layouts) - 1))
for rate in rates:
    cells = [span(list(runs[rate, l].values())) for l in layouts]
    base = runs[rate, "after-25"]
    for l in layouts:
        if l == "after-25":
            continue
        q = [runs[rate, l][r] / base[r] for r in base if r in runs[rate, l]]
        cells.append(f"{statistics.median(q):.2f}x ({min(q):.2f}-{max(q):.2f})")
    print(f"| {rate} | " + " | ".join(cells) + " |")
PY
