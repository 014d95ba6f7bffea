#include "core/distributed/sync_batch_norm.h"

#include "core/distributed/process_group.h"
#include "models/batch_norm.h"

namespace morphaeus {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

const std::vector<int64_t> kReduce{0, 2, 3};

torch::Tensor perChannel(const torch::Tensor& v) {
  return v.view({1, -1, 1, 1});
}

class SyncBatchNormFunction : public torch::autograd::Function<SyncBatchNormFunction> {
 public:
  // Two-pass statistics (sum, then the sum of squared deviations from the global mean): no
  // cancellation as in E[x^2] - E[x]^2.
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x,
                               const torch::Tensor& weight, const torch::Tensor& bias,
                               torch::nn::BatchNorm2dImpl* bn, ProcessGroup* group) {
    const double eps = bn->options.eps();
    torch::Tensor sums =
        torch::cat({x.sum(kReduce),
                    torch::full({1}, static_cast<double>(x.numel() / x.size(1)), x.options())});
    group->allReduceSum(sums);
    const int64_t c = x.size(1);
    const double count = sums[c].item<double>();
    const torch::Tensor mean = sums.narrow(0, 0, c) / count;
    const torch::Tensor centred = x - perChannel(mean);
    torch::Tensor squares = centred.pow(2).sum(kReduce);
    group->allReduceSum(squares);
    const torch::Tensor var = squares / count;
    const torch::Tensor invstd = (var + eps).rsqrt();
    const torch::Tensor xhat = centred * perChannel(invstd);
    if (bn->options.track_running_stats()) {
      torch::NoGradGuard no_grad;
      bn->num_batches_tracked.add_(1);
      const auto m = bn->options.momentum();
      const double momentum = m ? *m : 1.0 / bn->num_batches_tracked.item<double>();
      bn->running_mean.mul_(1 - momentum).add_(mean.to(bn->running_mean.dtype()), momentum);
      bn->running_var.mul_(1 - momentum)
          .add_((var * (count / std::max(count - 1, 1.0))).to(bn->running_var.dtype()), momentum);
    }
    ctx->saved_data["count"] = count;
    ctx->saved_data["group"] = reinterpret_cast<int64_t>(group);
    ctx->save_for_backward({xhat, invstd, weight});
    torch::Tensor y = xhat;
    if (weight.defined()) y = y * perChannel(weight) + perChannel(bias);
    return y;
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor &xhat = saved[0], &invstd = saved[1], &weight = saved[2];
    auto* group = reinterpret_cast<ProcessGroup*>(ctx->saved_data["group"].toInt());
    const double count = ctx->saved_data["count"].toDouble();
    const torch::Tensor gy = grads[0];
    const int64_t c = xhat.size(1);
    const torch::Tensor local_dy = gy.sum(kReduce), local_dy_xhat = (gy * xhat).sum(kReduce);
    torch::Tensor both = torch::cat({local_dy, local_dy_xhat});
    group->allReduceSum(both);  // the other ranks' losses reach this rank's inputs through them
    const torch::Tensor mean_dy = both.narrow(0, 0, c) / count;
    const torch::Tensor mean_dy_xhat = both.narrow(0, c, c) / count;
    const torch::Tensor scale = weight.defined() ? invstd * weight : invstd;
    const torch::Tensor gx =
        (gy - perChannel(mean_dy) - xhat * perChannel(mean_dy_xhat)) * perChannel(scale);
    // Weight and bias: this rank's share (the data-parallel gradient average adds the others').
    return {gx, weight.defined() ? local_dy_xhat : torch::Tensor(),
            weight.defined() ? local_dy : torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor syncBatchNorm(torch::nn::BatchNorm2dImpl& bn, const torch::Tensor& x,
                            ProcessGroup& group) {
  if (!bn.is_training()) return bn.forward(x);
  TORCH_CHECK(x.dim() == 4, "syncBatchNorm: expected [N, C, H, W]");
  return SyncBatchNormFunction::apply(x, bn.weight, bn.bias, &bn, &group);
}

void installSyncBatchNorm(ProcessGroup* group) {
  if (group == nullptr) {
    setBatchNormOverride({});
    return;
  }
  setBatchNormOverride([group](torch::nn::BatchNorm2dImpl& bn, const torch::Tensor& x) {
    return syncBatchNorm(bn, x, *group);
  });
}

}  // namespace morphaeus
