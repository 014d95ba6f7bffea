#include "core/train/loss_accumulator.h"

#include <fmt/format.h>

#include <cmath>

namespace morphaeus {

void LossAccumulator::add(const NamedLosses& losses, int64_t images) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> values;
  values.reserve(losses.size());
  for (const auto& [name, value] : losses)
    values.push_back(value.detach().to(torch::kDouble).reshape({}));
  const torch::Tensor batch = torch::stack(values) * static_cast<double>(images);
  if (names_.empty()) {
    for (const auto& [name, value] : losses) names_.push_back(name);
    sums_ = batch;
  } else {
    sums_.add_(batch);
  }
  images_ += images;
  dirty_ = true;
}

const std::vector<double>& LossAccumulator::read() {
  if (dirty_) {
    const torch::Tensor host = sums_.to(torch::kCPU).contiguous();
    host_.assign(host.data_ptr<double>(), host.data_ptr<double>() + host.numel());
    dirty_ = false;
  }
  return host_;
}

std::optional<std::size_t> LossAccumulator::firstNonFinite() {
  const auto& sums = read();
  for (std::size_t i = 0; i < sums.size(); ++i)
    if (!std::isfinite(sums[i])) return i;
  return std::nullopt;
}

std::string LossAccumulator::describe() {
  std::string out;
  const auto& sums = read();
  for (std::size_t i = 0; i < sums.size(); ++i) {
    out += fmt::format("{}{} {:.5f}", i ? " " : "", names_[i], images_ ? sums[i] / images_ : 0.0);
  }
  return out;
}

}  // namespace morphaeus
