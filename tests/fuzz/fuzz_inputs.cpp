// libFuzzer entry point for every input parser of the program, one per run (MORPHAEUS_FUZZ_TARGET
// or the first argument --target=NAME, read in LLVMFuzzerInitialize):
//   config      a YAML experiment file: loading, --set of a value, schema validation with the
//               real registry, the cross-checks' inputs
//   set         one --set assignment applied to the paper config
//   checkpoint  a torch.save file (zip or legacy): readCheckpoint, then the optimiser state into
//               an Adam over two parameters
//   csv         a split CSV
//   npy, png, dicom, nifti   an image file through readImage (PNG and JPEG share the OpenCV
//               reader; nifti is a .nii.gz, which zlib also reads uncompressed)
//   cifar10     a CIFAR-10 binary batch
//   celeba      a CelebA partition list (list_eval_partition.txt)
// The contract under test: a value, or one of the program's own errors (ConfigError(s),
// CheckpointError, DataError); any other exception, a crash, a leak or undefined behaviour is a
// finding. Every input is written to a temporary file first, as the program reads files.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "core/checkpoint/checkpoint.h"
#include "core/checkpoint/checkpoint_error.h"
#include "core/config/config_error.h"
#include "core/config/experiment_schema.h"
#include "core/config/overrides.h"
#include "core/config/validator.h"
#include "core/config/yaml_loader.h"
#include "core/experiment/experiment.h"
#include "core/experiment/experiment_check.h"
#include "core/registry/registry.h"
#include "core/registry/synthetic_data_keys.h"
#include "core/train/adam.h"
#include "data/csv_split.h"
#include "data/data_error.h"
#include "data/io/image_reader.h"
#include "data/sets/celeba_partition.h"
#include "data/sets/cifar10_batch.h"

namespace {

using namespace morphaeus;

std::string g_target;
std::string g_file;  // this process's input file
std::string g_paper_config;

void writeInput(const std::uint8_t* data, std::size_t size) {
  std::ofstream out(g_file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}

void fuzzConfig(const std::uint8_t* data, std::size_t size) {
  ConfigNode root =
      loadYamlString(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yaml");
  validateConfig(root, experimentSchema(syntheticDataKeys().schema()), Registry::global(), "", {});
  (void)root.toYaml();
  // The cross-checks' rules on what validated (not the probe, which builds the model: a fuzzed
  // config may ask for gigabytes of weights; not the split files, which a fuzzed path may name).
  Experiment ex;
  ex.config = std::move(root);
  crossCheckExperiment(ex, CrossCheckOptions{false, false});
}

void fuzzSet(const std::uint8_t* data, std::size_t size) {
  static const ConfigNode paper = loadYamlString(g_paper_config, "morphaeus.yaml");
  ConfigNode root = paper;
  applyOverride(root, std::string(reinterpret_cast<const char*>(data), size));
  validateConfig(root, experimentSchema(syntheticDataKeys().schema()), Registry::global(), "", {});
}

void fuzzCheckpoint(const std::uint8_t* data, std::size_t size) {
  writeInput(data, size);
  const Checkpoint c = readCheckpoint(g_file);
  // Every optimiser state the trainers save (optimizer_weights; the SI-VAE's and the AAE's
  // optimizer_<name>_weights), restored as a resume would, into parameters of the seeds' shapes.
  auto load = [&](const c10::IValue& state, const std::string& key) {
    Adam adam({torch::zeros({4, 1, 3, 3}), torch::zeros({4})}, AdamOptions{});
    adam.loadStateDict(state, g_file, key);
  };
  if (!c.optimizer_weights.isNone()) load(c.optimizer_weights, "optimizer_weights");
  for (const auto& [key, value] : c.extra) {
    if (key.rfind("optimizer_", 0) == 0) load(value, key);
  }
}

void fuzzCsv(const std::uint8_t* data, std::size_t size) {
  writeInput(data, size);
  (void)readSplitCsv(g_file, "/nonexistent-root");
}

void fuzzCifar10(const std::uint8_t* data, std::size_t size) {
  writeInput(data, size);
  (void)readCifar10Batch(g_file);
}

void fuzzCeleba(const std::uint8_t* data, std::size_t size) {
  writeInput(data, size);
  (void)readCelebaPartition(g_file.substr(0, g_file.rfind('/')), kCelebaTestPartition);
}

void fuzzImage(const std::uint8_t* data, std::size_t size) {
  writeInput(data, size);
  (void)readImage(g_file);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  if (const char* env = std::getenv("MORPHAEUS_FUZZ_TARGET")) g_target = env;
  for (int i = 1; i < *argc; ++i) {
    if (std::strncmp((*argv)[i], "--target=", 9) == 0) g_target = (*argv)[i] + 9;
  }
  const std::string ext = g_target == "npy"       ? ".npy"
                          : g_target == "png"     ? ".png"
                          : g_target == "dicom"   ? ".dcm"
                          : g_target == "nifti"   ? ".nii.gz"
                          : g_target == "csv"     ? ".csv"
                          : g_target == "cifar10" ? ".bin"
                                                  : ".pt";
  g_file = "/tmp/morphaeus-fuzz-" + std::to_string(getpid()) + ext;
  if (g_target == "celeba") {  // the list's fixed name, in a folder of this process's own
    const std::string dir = "/tmp/morphaeus-fuzz-celeba-" + std::to_string(getpid());
    (void)std::system(("mkdir -p " + dir).c_str());
    g_file = dir + "/list_eval_partition.txt";
  }
  if (g_target == "set") {
    std::ifstream in(MORPHAEUS_SOURCE_DIR "/tests/data/upstream/cxr/morphaeus.yaml");
    g_paper_config.assign(std::istreambuf_iterator<char>(in), {});
  }
  const char* known[] = {"config", "set",   "checkpoint", "csv",     "npy",
                         "png",    "dicom", "nifti",      "cifar10", "celeba"};
  for (const char* k : known)
    if (g_target == k) return 0;
  std::fprintf(stderr,
               "fuzz_inputs: set MORPHAEUS_FUZZ_TARGET or --target= to one of config, set, "
               "checkpoint, csv, npy, png, dicom, nifti, cifar10, celeba\n");
  std::exit(2);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    if (g_target == "config")
      fuzzConfig(data, size);
    else if (g_target == "set")
      fuzzSet(data, size);
    else if (g_target == "checkpoint")
      fuzzCheckpoint(data, size);
    else if (g_target == "csv")
      fuzzCsv(data, size);
    else if (g_target == "cifar10")
      fuzzCifar10(data, size);
    else if (g_target == "celeba")
      fuzzCeleba(data, size);
    else
      fuzzImage(data, size);
  } catch (const ConfigError&) {
  } catch (const ConfigErrors&) {
  } catch (const CheckpointError&) {
  } catch (const DataError&) {
  }
  // Anything else escapes: libFuzzer reports the uncaught exception as a crash with this input.
  return 0;
}
