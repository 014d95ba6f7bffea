// A split's images (and optional masks), read and preprocessed on demand, optionally cached.
#pragma once

#include <torch/torch.h>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "data/csv_split.h"
#include "data/preprocess.h"

namespace morphaeus {

struct ImageDatasetOptions {
  std::vector<SplitEntry> images;
  std::vector<SplitEntry> masks;  // empty, or one per image
  int64_t height = 64, width = 64;
  ResizePath path = ResizePath::Tensor;
  bool skip_bad = false;  // on_bad_image: skip (log and leave out) instead of failing
  bool cache = false;     // keep preprocessed images in memory after their first read
  std::function<void(const std::string&)> on_skip;  // told about each skipped image
  // How an entry's image is read: [H, W] float32 in [0, 1] (empty: readImage(entry.path), and
  // the files are checked to exist up front). A DataError it throws is prefixed with where().
  std::function<torch::Tensor(const SplitEntry&)> read;
};

struct Sample {
  torch::Tensor image;  // [1, H, W] float32 in [0, 1]
  torch::Tensor mask;   // [1, H, W] or undefined
  std::size_t index = 0;
};

class ImageDataset {
 public:
  explicit ImageDataset(ImageDatasetOptions options);

  std::size_t size() const { return options_.images.size(); }
  const SplitEntry& entry(std::size_t i) const { return options_.images.at(i); }
  bool hasMasks() const { return !options_.masks.empty(); }
  const ImageDatasetOptions& options() const { return options_; }

  // Item i (thread-safe for distinct i). DataError "csv:line: path: problem" on a bad image,
  // or nullopt when skipping bad images.
  std::optional<Sample> get(std::size_t i);
  std::size_t skipped() const { return skipped_.load(); }
  // Bytes held by the cache now.
  std::size_t cacheBytes() const { return cache_bytes_.load(); }

 private:
  torch::Tensor load(const SplitEntry& e) const;

  struct Slot {
    std::atomic<int> state{0};  // 0 empty, 1 cached, 2 bad
    std::vector<std::uint8_t> image8, mask8;   // Pil path
    torch::Tensor image, mask;                 // Tensor path
  };
  ImageDatasetOptions options_;
  std::unique_ptr<Slot[]> slots_;
  std::atomic<std::size_t> skipped_{0};
  std::atomic<std::size_t> cache_bytes_{0};
};

}  // namespace morphaeus
