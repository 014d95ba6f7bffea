#include "projects/morphaeus/anomaly_scoring.h"

#include "core/base/progress_line.h"
#include "core/distributed/process_group.h"
#include "core/metrics/ssim.h"

namespace morphaeus {
namespace {

enum Column { kIndex, kScore, kL1, kSsim, kLpips, kColumns };

std::vector<double> column(const torch::Tensor& table, Column c) {
  const torch::Tensor col = table.select(1, c).contiguous();
  return {col.data_ptr<double>(), col.data_ptr<double>() + col.numel()};
}

}  // namespace

ScoredImages scoreImages(torch::nn::Module& model, BatchLoader& loader, const torch::Device& device,
                         const ScoringRequest& request, ProcessGroup* group) {
  std::vector<double> values;  // kColumns per image
  std::vector<torch::Tensor> maps, masks;
  const bool with_masks = request.keep_masks && loader.dataset().hasMasks();
  const bool keep_maps = request.keep_maps || with_masks;
  loader.startEpoch(0);
  ProgressLine progress(request.progress, static_cast<int64_t>(loader.batchesPerEpoch()), "images",
                        !request.progress.empty() && (group == nullptr || group->rank() == 0));
  while (auto batch = loader.next()) {
    const auto x = batch->images.to(device);
    std::vector<std::uint64_t> seeds;
    for (const std::size_t index : batch->indices)
      seeds.push_back(imageSeed(request.seed, loader.dataset().entry(index).path));
    const ScoredBatch s = scoreBatch(model, x, request.score, seeds);
    const std::vector<double> ssims =
        request.details ? ssimBatch(s.reconstruction, batch->images, 1.0) : std::vector<double>();
    const torch::Tensor lp =
        request.details && request.lpips ? (*request.lpips)(s.reconstruction, x) : torch::Tensor();
    for (int64_t i = 0; i < x.size(0); ++i) {
      double row[kColumns] = {static_cast<double>(batch->indices[i]), s.score[i].item<double>(),
                              0.0, 0.0, 0.0};
      if (request.details) {
        row[kL1] = s.l1[i].item<double>();
        row[kSsim] = ssims[static_cast<std::size_t>(i)];
        if (lp.defined()) row[kLpips] = lp[i].item<double>();
      }
      values.insert(values.end(), row, row + kColumns);
      if (keep_maps) maps.push_back(s.anomaly_map[i][0].to(torch::kCPU, torch::kDouble).flatten());
      if (with_masks) masks.push_back((batch->masks[i].flatten() > 0.5).to(torch::kDouble));
    }
    progress.step(x.size(0));
  }
  const auto n = static_cast<int64_t>(values.size() / kColumns);
  torch::Tensor table = torch::tensor(values, torch::kDouble).view({n, kColumns});
  ScoredImages out;
  if (keep_maps)
    out.maps = maps.empty() ? torch::zeros({0, 0}, torch::kDouble) : torch::stack(maps);
  if (with_masks)
    out.masks = masks.empty() ? torch::zeros({0, 0}, torch::kDouble) : torch::stack(masks);
  if (group) {
    table = group->allGather(table);
    if (out.maps.defined()) out.maps = group->allGather(out.maps);
    if (out.masks.defined()) out.masks = group->allGather(out.masks);
  }
  const torch::Tensor order = table.select(1, kIndex).argsort();
  table = table.index_select(0, order).contiguous();
  if (out.maps.defined()) out.maps = out.maps.index_select(0, order);
  if (out.masks.defined())
    out.masks = out.masks.index_select(0, order).to(torch::kInt).contiguous();
  for (const double i : column(table, kIndex)) out.index.push_back(static_cast<std::size_t>(i));
  out.score = column(table, kScore);
  out.l1 = column(table, kL1);
  out.ssim = column(table, kSsim);
  out.lpips = column(table, kLpips);
  return out;
}

}  // namespace morphaeus
