#include "core/registry/test_set_sources.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <memory>
#include <mutex>

#include "data/io/image_reader.h"
#include "data/sets/celeba_partition.h"
#include "data/sets/cifar10_batch.h"

namespace morphaeus {
namespace {

// The entry's key, else the args', else `fallback`; resolved as split CSV paths are.
std::string folderOf(const ConfigNode& args, const ConfigNode& entry, const char* key,
                     const char* fallback, const DataContext& ctx) {
  const ConfigNode* n = entry.has(key) ? entry.find(key) : args.find(key);
  return n != nullptr && n->isScalar() ? n->text() : dataPath(fallback, ctx);
}

std::string notThere(const std::string& path, const char* where_from) {
  std::error_code ec;
  return std::filesystem::exists(path, ec) ? std::string()
                                           : path + " does not exist (" + where_from + ")";
}

constexpr const char* kCifar10From =
    "CIFAR-10's binary version: cifar-10-binary.tar.gz from the CIFAR-10 page, unpacked under the "
    "data root, or set cifar10_dir";
constexpr const char* kCelebaFrom =
    "CelebA's aligned images and partition list (img_align_celeba/, list_eval_partition.txt) from "
    "the CelebA page, under the data root, or set celeba_dir";

}  // namespace

TestSetSource cifar10TestSource() {
  TestSetSource s;
  s.missing = [](const ConfigNode& args, const ConfigNode& entry, const DataContext& ctx) {
    const std::string dir = folderOf(args, entry, "cifar10_dir", kDefaultCifar10Dir, ctx);
    return notThere((std::filesystem::path(dir) / "test_batch.bin").string(), kCifar10From);
  };
  s.images = [](const ConfigNode& args, const ConfigNode& entry, const DataContext& ctx) {
    const std::string file =
        (std::filesystem::path(folderOf(args, entry, "cifar10_dir", kDefaultCifar10Dir, ctx)) /
         "test_batch.bin")
            .string();
    auto batch = std::make_shared<const Cifar10Batch>(readCifar10Batch(file));
    std::vector<bool> wanted(cifar10ClassNames().size(), false);
    for (const std::string& name : entry.at("classes").asStringList()) {
      if (name == "car") {
        static std::once_flag said;
        std::call_once(said, [] {
          spdlog::info(
              "CIFAR-10: class \"car\" (upstream's teaser config) is CIFAR-10's \"automobile\"");
        });
      }
      wanted[static_cast<std::size_t>(cifar10Label(name))] = true;
    }
    TestImages out;
    for (std::size_t i = 0; i < batch->size(); ++i)
      if (wanted[batch->labels[i]]) out.entries.push_back(SplitEntry{file, file, i + 1});
    out.read = [batch](const SplitEntry& e) {
      constexpr int64_t side = kCifar10Side;
      const std::uint8_t* grey = batch->grey.data() + (e.line - 1) * side * side;
      return torch::from_blob(const_cast<std::uint8_t*>(grey), {side, side}, torch::kUInt8)
                 .to(torch::kFloat) /
             255.0f;
    };
    out.path = ResizePath::Pil;  // Grayscale, PIL Resize, ToTensor
    return out;
  };
  return s;
}

TestSetSource celebaTestSource() {
  TestSetSource s;
  s.missing = [](const ConfigNode& args, const ConfigNode& entry, const DataContext& ctx) {
    const std::string dir = folderOf(args, entry, "celeba_dir", kDefaultCelebaDir, ctx);
    if (std::string why =
            notThere((std::filesystem::path(dir) / "img_align_celeba").string(), kCelebaFrom);
        !why.empty())
      return why;
    return celebaPartitionFile(dir).empty()
               ? (std::filesystem::path(dir) / "list_eval_partition.txt").string() +
                     " does not exist (" + kCelebaFrom + ")"
               : std::string();
  };
  s.images = [](const ConfigNode& args, const ConfigNode& entry, const DataContext& ctx) {
    TestImages out;
    out.entries = readCelebaPartition(folderOf(args, entry, "celeba_dir", kDefaultCelebaDir, ctx),
                                      kCelebaTestPartition);
    out.read = [](const SplitEntry& e) { return readPngJpegLuma(e.path).pixels; };
    out.path = ResizePath::Pil;  // ToPILImage, Grayscale, PIL Resize, ToTensor
    return out;
  };
  return s;
}

}  // namespace morphaeus
