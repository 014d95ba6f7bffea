#include "core/commands/prepare_command.h"
#include "data/data_error.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

namespace morphaeus {

PrepareCommands addPrepareCommand(CLI::App& app, PrepareOptions& o) {
  CLI::App* cmd = app.add_subcommand("prepare", "check or convert the paper's data sets");
  cmd->require_subcommand(1);
  PrepareCommands c;
  c.covid = cmd->add_subcommand(
      "covid", "check a COVID-19 Radiography Database download against the split CSVs");
  c.covid
      ->add_option("--root", o.root,
                   "the folder that holds data/CXR/{Normal,Lung_Opacity,COVID}/images")
      ->required();
  c.covid->add_option("--splits", o.splits, "folder with the split CSVs (default data/splits)");
  c.rsna = cmd->add_subcommand("rsna",
                               "convert RSNA challenge DICOMs and boxes to PNGs, masks and CSVs");
  c.rsna->add_option("--dicom-dir", o.rsna.dicom_dir, "stage_2_train_images/")->required();
  c.rsna->add_option("--labels", o.rsna.labels, "stage_2_train_labels.csv")->required();
  c.rsna->add_option("--out", o.rsna.out, "output folder (images/, masks/, splits/)")->required();
  c.rsna->add_option("--size", o.rsna.size, "resize to SIZE x SIZE (default: keep)")
      ->check(CLI::NonNegativeNumber);
  c.padchest = cmd->add_subcommand(
      "padchest", "the PadChest normal test split of the COVID-19 task: 8-bit 299x299 PNGs + CSV");
  c.padchest
      ->add_option("--labels", o.padchest.labels,
                   "PadChest's labels CSV (PADCHEST_chest_x_ray_images_labels_160K_01.02.19.csv)")
      ->required();
  c.padchest
      ->add_option("--images", o.padchest.images,
                   "PadChest's images: <dir>/<ImageDir>/<ImageID> or <dir>/<ImageID>")
      ->required();
  c.padchest
      ->add_option("--out", o.padchest.out,
                   "output folder (images/, splits/padchest_normal_test.csv); the paper configs "
                   "expect data/padchest")
      ->required();
  c.padchest
      ->add_option("--projection", o.padchest.projection,
                   "Projection column to keep (default PA, the COVID set's view; any = all)")
      ->check(CLI::IsMember({"PA", "AP", "AP_horizontal", "L", "COSTAL", "any"}));
  c.padchest
      ->add_option("--count", o.padchest.count,
                   "images in the split, a seeded sample of the matches (default 0 = all)")
      ->check(CLI::NonNegativeNumber);
  const PadchestOptions d;
  c.padchest->add_option("--seed", o.padchest.seed,
                         "seed of the sample (default " + std::to_string(d.seed) + ")");
  c.padchest
      ->add_option("--size", o.padchest.size,
                   "image side (default " + std::to_string(d.size) + ", as the COVID set)")
      ->check(CLI::Range(8, 4096));
  return c;
}

int runPrepareCovid(const PrepareOptions& o) {
  namespace fs = std::filesystem;
  std::vector<std::string> csvs;
  for (const auto& e : fs::directory_iterator(o.splits)) {
    if (e.path().extension() == ".csv") csvs.push_back(e.path().string());
  }
  std::sort(csvs.begin(), csvs.end());
  if (csvs.empty()) throw DataError(o.splits + ": no split CSVs found");
  int status = 0;
  for (const auto& csv : csvs) {
    const SplitCheck c = checkSplits({csv}, o.root);
    spdlog::info("{}: {} listed, {} missing", csv, c.listed, c.missing_count);
    for (const auto& m : c.missing) spdlog::warn("  missing {}", m);
    if (c.missing_count > c.missing.size())
      spdlog::warn("  ... and {} more", c.missing_count - c.missing.size());
    if (c.missing_count > 0) status = 1;
  }
  if (status != 0) spdlog::error("some listed images are missing under {}", o.root);
  return status;
}

int runPrepareRsna(const PrepareOptions& o) {
  const RsnaSummary s = convertRsna(o.rsna);
  spdlog::info(
      "RSNA: {} normal and {} pneumonia images written to {} ({} patients without a DICOM)",
      s.normal, s.pneumonia, o.rsna.out, s.missing);
  return 0;
}

int runPreparePadchest(const PrepareOptions& o) {
  const PadchestSummary s = convertPadchest(o.padchest);
  spdlog::info(
      "PadChest: {} images listed, {} normal in projection {}, {} written ({} not found under "
      "{}); split {}",
      s.listed, s.matched, o.padchest.projection, s.written, s.missing, o.padchest.images, s.split);
  return 0;
}

}  // namespace morphaeus
