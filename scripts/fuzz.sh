#!/usr/bin/env bash
# Builds the libFuzzer targets (clang; the parsers instrumented with ASan + UBSan, linked against
# the release build) and runs each on its seed corpus for a bounded time. Fails on any finding:
# the input is left in build/fuzz/findings/ (add it to tests/fuzz/regressions/<target>/ once the
# bug is fixed). The regression inputs run first, once each.
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET ...]     (default 25 s; all ten targets; CI: 15 s)
# e.g. scripts/fuzz.sh 3600 checkpoint   fuzzes the checkpoint reader for an hour; the corpus
# grows in build/fuzz/corpus/<target> and is reused by the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-25}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(config set checkpoint csv npy png dicom nifti cifar10 celeba)
root=$PWD
[ -f build/release/core/app/libmorphaeus_app.a ] || { echo "fuzz: build the release preset first" >&2; exit 1; }
cmake -S . -B build/fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMORPHAEUS_FUZZ_AGAINST="$root/build/release" -DMORPHAEUS_BUILD_TESTS=OFF >/dev/null
cmake --build build/fuzz
rm -rf build/fuzz/seeds build/fuzz/findings
mkdir -p build/fuzz/findings
/usr/bin/python3 tests/fuzz/make_seeds.py "$root" build/fuzz/seeds
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
export LSAN_OPTIONS=suppressions=$root/tests/fuzz/lsan.supp
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
for t in "${targets[@]}"; do
  mkdir -p "build/fuzz/corpus/$t"
  if [ -d "tests/fuzz/regressions/$t" ]; then
    if ! build/fuzz/fuzz_inputs --target="$t" tests/fuzz/regressions/"$t"/* >"build/fuzz/$t-regressions.log" 2>&1; then
      echo "fuzz $t: a regression input fails again (build/fuzz/$t-regressions.log)"; status=1; continue
    fi
  fi
  log="build/fuzz/$t.log"
  if build/fuzz/fuzz_inputs --target="$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
       -max_len=65536 -print_final_stats=1 -artifact_prefix="build/fuzz/findings/$t-" \
       "build/fuzz/corpus/$t" "build/fuzz/seeds/$t" >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1 || echo "cov: ?")
    echo "fuzz $t: ${seconds} s, $runs executions, $cov, corpus $(ls "build/fuzz/corpus/$t" | wc -l) inputs, no findings"
  else
    echo "fuzz $t: FINDING (log $log, input build/fuzz/findings/):"; grep -m5 -E 'ERROR|SUMMARY|runtime error|terminate' "$log" || tail -20 "$log"
    status=1
  fi
done
exit $status
