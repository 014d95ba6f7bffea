#include "core/commands/synth_command.h"

#include <spdlog/spdlog.h>

namespace morphaeus {

CLI::App* addSynthCommand(CLI::App& app, SyntheticOptions& o) {
  CLI::App* cmd = app.add_subcommand("synth", "write the synthetic chest X-ray data set");
  cmd->add_option("--out", o.out, "folder for images/, masks/ and splits/")->required();
  cmd->add_option("--n-train", o.n_train, "normal training images")->check(CLI::PositiveNumber);
  cmd->add_option("--n-val", o.n_val, "normal validation images")->check(CLI::PositiveNumber);
  cmd->add_option("--n-test", o.n_test, "normal test images")->check(CLI::PositiveNumber);
  cmd->add_option("--n-abnormal", o.n_abnormal, "test images with opacities")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--size", o.size, "image side in pixels")->check(CLI::Range(16, 4096));
  cmd->add_option("--seed", o.seed, "seed (the same seed gives the same images)");
  return cmd;
}

int runSynth(const SyntheticOptions& o) {
  const SyntheticSplits s = generateSyntheticCxr(o);
  spdlog::info("wrote {} images to {}", o.n_train + o.n_val + o.n_test + o.n_abnormal, o.out);
  for (const auto& csv : {s.train, s.val, s.test, s.abnormal, s.abnormal_masks, s.test_masks}) {
    spdlog::info("  {}", csv);
  }
  return 0;
}

}  // namespace morphaeus
