#include "data/image_dataset.h"

#include <filesystem>

#include "data/data_error.h"
#include "data/io/image_reader.h"

namespace morphaeus {

ImageDataset::ImageDataset(ImageDatasetOptions options)
    : options_(std::move(options)), slots_(new Slot[options_.images.size()]) {
  if (!options_.masks.empty() && options_.masks.size() != options_.images.size()) {
    throw DataError(options_.masks.front().source + ": " + std::to_string(options_.masks.size()) +
                    " masks for " + std::to_string(options_.images.size()) + " images");
  }
  // Missing files are found now rather than hours into training.
  for (std::size_t i = 0; !options_.read && i < options_.images.size(); ++i) {
    for (const auto* list : {&options_.images, &options_.masks}) {
      if (list->empty()) continue;
      const SplitEntry& e = (*list)[i];
      std::error_code ec;
      if (std::filesystem::is_regular_file(e.path, ec)) continue;
      const std::string message = e.where() + ": " + e.path + ": image file not found";
      if (!options_.skip_bad) throw DataError(message);
      if (slots_[i].state.exchange(2) != 2) {
        ++skipped_;
        if (options_.on_skip) options_.on_skip(message);
      }
    }
  }
}

torch::Tensor ImageDataset::load(const SplitEntry& e) const {
  try {
    const torch::Tensor pixels = options_.read ? options_.read(e) : readImage(e.path).pixels;
    return preprocessImage(pixels, options_.height, options_.width, options_.path);
  } catch (const DataError& err) {
    // Prefix the CSV row that listed the file (the reader's message names the file).
    throw DataError(e.where() + ": " + err.what());
  }
}

std::optional<Sample> ImageDataset::get(std::size_t i) {
  Slot& slot = slots_[i];
  const int state = slot.state.load(std::memory_order_acquire);
  if (state == 2) return std::nullopt;
  Sample s;
  s.index = i;
  auto from8 = [&](std::vector<std::uint8_t>& v) {
    return torch::from_blob(v.data(), {1, options_.height, options_.width}, torch::kUInt8).to(torch::kFloat) /
           255.0f;
  };
  if (state == 1) {
    const bool pil = options_.path == ResizePath::Pil;
    s.image = pil ? from8(slot.image8) : slot.image;
    if (hasMasks()) s.mask = pil ? from8(slot.mask8) : slot.mask;
    return s;
  }
  try {
    s.image = load(options_.images[i]);
    if (hasMasks()) s.mask = load(options_.masks[i]);
  } catch (const DataError& e) {
    if (!options_.skip_bad) throw;
    slot.state.store(2, std::memory_order_release);
    ++skipped_;
    if (options_.on_skip) options_.on_skip(e.what());
    return std::nullopt;
  }
  if (options_.cache) {
    if (options_.path == ResizePath::Pil) {
      // The Pil path's values are k/255 exactly: 8 bits store them losslessly.
      auto to8 = [](const torch::Tensor& t) {
        auto q = (t * 255.0f).round().to(torch::kUInt8).contiguous();
        return std::vector<std::uint8_t>(q.data_ptr<std::uint8_t>(), q.data_ptr<std::uint8_t>() + q.numel());
      };
      slot.image8 = to8(s.image);
      if (hasMasks()) slot.mask8 = to8(s.mask);
      cache_bytes_ += slot.image8.size() + slot.mask8.size();
    } else {
      slot.image = s.image;
      slot.mask = s.mask;
      cache_bytes_ += s.image.numel() * 4 + (s.mask.defined() ? s.mask.numel() * 4 : 0);
    }
    slot.state.store(1, std::memory_order_release);
  }
  return s;
}

}  // namespace morphaeus
