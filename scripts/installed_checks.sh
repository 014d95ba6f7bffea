# shellcheck shell=bash disable=SC2154  # log: set by the sourcing script
# Checks of an installed morphaeus, shared by scripts/package_test.sh (on the build machine) and
# scripts/package_clean_test.sh (in a clean Debian 12 root); sourced, not run. The sourcing
# script defines fail MESSAGE, step MESSAGE and in_work LINE (runs a shell line in an empty work
# folder outside the checkout, with the installed morphaeus on PATH), and sets log (a file for
# the output of a command that may fail).

# `morphaeus configs` lists the 9 paper configs and each passes --dry-run; the list is left in
# shipped_configs.
check_shipped_configs() {
  local names name
  shipped_configs=$(in_work "morphaeus configs") || fail "morphaeus configs"
  names=$(awk '/^paper\// {print $1}' <<<"$shipped_configs")
  [ "$(wc -w <<<"$names")" -eq 9 ] || fail "configs lists $(wc -w <<<"$names") paper configs, not 9"
  for name in $names; do
    in_work "morphaeus --config $name --dry-run" >"$log" 2>&1 ||
      { cat "$log" >&2; fail "--config $name --dry-run"; }
  done
  step "--dry-run of the 9 installed paper configs: ok"
}

# The embedded demo shortened to 1 epoch on 16 generated 64-pixel images, in the work folder:
# its run folder under ./demo, its generated data under ./runs.
run_short_demo() {
  local f
  step "a shortened embedded demo"
  in_work "morphaeus --device cpu --threads 2 --output demo --set trainer.params.nr_epochs=1 \
    --set synthetic_data.n_train=16 --set synthetic_data.n_val=4 --set synthetic_data.n_test=8 \
    --set synthetic_data.n_abnormal=8 --set synthetic_data.size=64 \
    --set trainer.data_loader.params.args.batch_size=8" >"$log" 2>&1 ||
    { tail -20 "$log" >&2; fail "the demo"; }
  for f in demo/best_model.pt demo/report.html demo/eval/opacity/metrics.json \
    runs/demo-data/splits/normal_train.csv; do
    in_work "[ -f $f ]" || fail "the demo did not write $f"
  done
}
