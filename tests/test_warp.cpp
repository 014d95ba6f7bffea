// The native warp op against the F::grid_sample reference path: values and both gradients in
// float64, gradcheck, random shapes, flows pointing outside, batches, non-contiguous inputs.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "models/deformation_grid.h"
#include "models/warp/warp.h"

namespace morphaeus {
namespace {

torch::Tensor randomFlow(int64_t n, int64_t h, int64_t w, double scale, torch::Dtype dtype) {
  return (torch::rand({n, 2, h, w}, torch::dtype(dtype)) * 2 - 1) * scale;
}

double maxDiff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).abs().max().item<double>();
}

// Forward and gradients of sum(out * weights) for both paths.
void expectSameAsGridSample(torch::Tensor src, torch::Tensor flow, double tol) {
  auto weights = torch::randn(src.sizes(), src.options());
  auto s1 = src.detach().clone().requires_grad_(true),
       f1 = flow.detach().clone().requires_grad_(true);
  auto s2 = src.detach().clone().requires_grad_(true),
       f2 = flow.detach().clone().requires_grad_(true);
  auto native = warpNative(s1, f1);
  auto reference = warpGridSample(s2, f2);
  EXPECT_LE(maxDiff(native, reference), tol);
  (native * weights).sum().backward();
  (reference * weights).sum().backward();
  EXPECT_LE(maxDiff(s1.grad(), s2.grad()), tol);
  EXPECT_LE(maxDiff(f1.grad(), f2.grad()), tol);
}

TEST(Warp, MatchesGridSampleInFloat64) {
  torch::manual_seed(0);
  for (auto [n, c, h, w] : std::vector<std::array<int64_t, 4>>{
           {1, 1, 8, 8}, {3, 2, 17, 9}, {2, 3, 32, 32}, {4, 1, 5, 31}, {2, 2, 128, 128}}) {
    SCOPED_TRACE(std::to_string(n) + "x" + std::to_string(c) + "x" + std::to_string(h) + "x" +
                 std::to_string(w));
    auto src = torch::rand({n, c, h, w}, torch::kDouble);
    expectSameAsGridSample(src, randomFlow(n, h, w, 2.5, torch::kDouble), 1e-6);
  }
}

TEST(Warp, Float32VectorPathAndTailsMatchGridSample) {
  // Widths that are not multiples of 8 exercise the AVX2 path and its scalar tail together.
  torch::manual_seed(6);
  for (auto [n, c, h, w] : std::vector<std::array<int64_t, 4>>{
           {2, 1, 13, 13}, {1, 2, 9, 21}, {3, 1, 128, 128}, {1, 3, 4, 7}}) {
    auto src = torch::rand({n, c, h, w});
    expectSameAsGridSample(src, randomFlow(n, h, w, 6.0, torch::kFloat), 2e-5);
  }
}

TEST(Warp, FlowsPointingOutsideTheImage) {
  torch::manual_seed(1);
  auto src = torch::rand({2, 2, 12, 10}, torch::kDouble);
  // Large displacements: many samples fall partly or fully outside (zero padding).
  expectSameAsGridSample(src, randomFlow(2, 12, 10, 15.0, torch::kDouble), 1e-6);
  // Exactly integral displacements land on pixel borders and the last row/column.
  auto flow = torch::full({2, 2, 12, 10}, 1.0, torch::kDouble);
  flow.select(1, 1).fill_(-3.0);
  expectSameAsGridSample(src, flow, 1e-6);
}

TEST(Warp, NonContiguousInputsAndBatch) {
  torch::manual_seed(2);
  auto base = torch::rand({3, 16, 20, 2}, torch::kDouble);
  auto src = base.permute({0, 3, 1, 2});  // [3, 2, 16, 20], non-contiguous
  ASSERT_FALSE(src.is_contiguous());
  auto flow = randomFlow(3, 20, 16, 3.0, torch::kDouble).transpose(2, 3);  // [3, 2, 16, 20]
  ASSERT_FALSE(flow.is_contiguous());
  expectSameAsGridSample(src, flow, 1e-6);
  // Batch items are independent: warping item 1 alone gives the batch's item 1.
  auto all = warpNative(src, flow);
  auto one = warpNative(src.narrow(0, 1, 1), flow.narrow(0, 1, 1));
  EXPECT_LE(maxDiff(all.narrow(0, 1, 1), one), 1e-12);
}

TEST(Warp, ZeroFlowIsIdentityAndFloat32MatchesGridSample) {
  torch::manual_seed(3);
  auto src = torch::rand({2, 1, 128, 128});
  auto zero = torch::zeros({2, 2, 128, 128});
  // Not bit-exact: positions are rounded like upstream's normalise + grid_sample round trip.
  EXPECT_LE(maxDiff(warpNative(src, zero), src), 1e-5);
  EXPECT_LE(maxDiff(warpNative(src, zero), warpGridSample(src, zero)), 1e-7);
  auto flow = randomFlow(2, 128, 128, 4.0, torch::kFloat);
  EXPECT_LE(maxDiff(warpNative(src, flow), warpGridSample(src, flow)), 1e-6);
}

TEST(Warp, SameTensorAsSourceAndFlow) {
  // VecInt warps a field by itself: gradients from both arguments must add up.
  torch::manual_seed(4);
  auto v1 = randomFlow(2, 9, 11, 2.0, torch::kDouble).requires_grad_(true);
  auto v2 = v1.detach().clone().requires_grad_(true);
  (warpNative(v1, v1) * 1.5).sum().backward();
  (warpGridSample(v2, v2) * 1.5).sum().backward();
  EXPECT_LE(maxDiff(v1.grad(), v2.grad()), 1e-6);
}

TEST(Warp, Gradcheck) {
  torch::manual_seed(5);
  auto src = torch::rand({2, 2, 6, 7}, torch::kDouble).requires_grad_(true);
  // Keep samples away from integer positions, where bilinear sampling has kinks.
  auto flow = (randomFlow(2, 6, 7, 1.5, torch::kDouble).floor() + 0.3 +
               torch::rand({2, 2, 6, 7}, torch::kDouble) * 0.4)
                  .requires_grad_(true);
  const double eps = 1e-6;
  auto f = [&](const torch::Tensor& s, const torch::Tensor& fl) { return warpNative(s, fl); };
  // Central differences against the analytical gradient for every input element.
  auto out_weights = torch::randn({2, 2, 6, 7}, torch::kDouble);
  auto loss = (f(src, flow) * out_weights).sum();
  auto grads = torch::autograd::grad({loss}, {src, flow});
  for (int which = 0; which < 2; ++which) {
    torch::Tensor input = which == 0 ? src : flow;
    auto flat = input.detach().flatten();
    auto analytic = grads[which].flatten();
    for (int64_t i = 0; i < flat.numel(); ++i) {
      auto plus = input.detach().clone().flatten(), minus = input.detach().clone().flatten();
      plus[i] += eps;
      minus[i] -= eps;
      auto sp = which == 0 ? plus.view_as(src) : src.detach();
      auto fp = which == 0 ? flow.detach() : plus.view_as(flow);
      auto sm = which == 0 ? minus.view_as(src) : src.detach();
      auto fm = which == 0 ? flow.detach() : minus.view_as(flow);
      const double numeric =
          ((f(sp, fp) * out_weights).sum() - (f(sm, fm) * out_weights).sum()).item<double>() /
          (2 * eps);
      ASSERT_NEAR(analytic[i].item<double>(), numeric, 1e-6)
          << "input " << which << " element " << i;
    }
  }
}

// The CPU kernel the build and the CPU choose: the AVX2 one only in x86 builds without
// MORPHAEUS_PORTABLE_WARP, on CPUs with AVX2 and FMA.
TEST(Warp, CpuKernelChoice) {
#if defined(MORPHAEUS_PORTABLE_WARP) || !(defined(__x86_64__) || defined(__i386__))
  EXPECT_STREQ(warpCpuKernel(), "portable");
#else
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  EXPECT_STREQ(warpCpuKernel(), avx2 ? "avx2" : "portable");
#endif
}

TEST(Warp, RejectsMismatchedShapes) {
  EXPECT_THROW(warpNative(torch::rand({1, 1, 8, 8}), torch::rand({1, 3, 8, 8})), c10::Error);
  EXPECT_THROW(warpNative(torch::rand({1, 1, 8, 8}), torch::rand({2, 2, 8, 8})), c10::Error);
  EXPECT_THROW(warpNative(torch::rand({1, 1, 8, 8}), torch::rand({1, 2, 8, 9})), c10::Error);
  EXPECT_THROW(warpNative(torch::rand({1, 1, 8, 8}), torch::rand({1, 2, 8, 8}, torch::kDouble)),
               c10::Error);
}

TEST(Warp, ReducedPrecisionRunsInFloat32) {
  auto src = torch::rand({1, 1, 8, 8}).to(torch::kBFloat16);
  auto flow = torch::zeros({1, 2, 8, 8}).to(torch::kBFloat16);
  auto out = warpNative(src, flow);
  EXPECT_EQ(out.scalar_type(), torch::kBFloat16);
  EXPECT_LE(maxDiff(out.to(torch::kFloat), src.to(torch::kFloat)), 1e-6);
}

}  // namespace
}  // namespace morphaeus

// ---- CUDA: the same checks on the GPU (skipped where this build or machine has no CUDA) ------

namespace morphaeus {
namespace {

bool cudaReady() {
  return warpHasCuda() && torch::cuda::is_available();
}

TEST(WarpCuda, MatchesGridSampleAndCpuInFloat64) {
  if (!cudaReady()) GTEST_SKIP() << "no CUDA kernel or no GPU";
  torch::manual_seed(10);
  for (auto [n, c, h, w] : std::vector<std::array<int64_t, 4>>{
           {1, 1, 8, 8}, {3, 2, 17, 9}, {4, 1, 128, 128}, {2, 3, 5, 31}}) {
    auto src = torch::rand({n, c, h, w}, torch::kDouble).cuda();
    auto flow = randomFlow(n, h, w, 12.0, torch::kDouble).cuda();  // many samples outside
    expectSameAsGridSample(src, flow, 1e-6);
    EXPECT_LE(maxDiff(warpNative(src, flow).cpu(), warpNative(src.cpu(), flow.cpu())), 1e-12);
  }
}

TEST(WarpCuda, Float32NonContiguousAndSelfWarp) {
  if (!cudaReady()) GTEST_SKIP() << "no CUDA kernel or no GPU";
  torch::manual_seed(11);
  auto base = torch::rand({3, 64, 48, 2}).cuda();
  auto src = base.permute({0, 3, 1, 2});
  auto flow = randomFlow(3, 48, 64, 4.0, torch::kFloat).cuda().transpose(2, 3);
  // float32 grad_src sums many contributions with atomics in no fixed order on both paths.
  expectSameAsGridSample(src, flow, 1e-4);
  auto v1 = randomFlow(2, 33, 40, 2.0, torch::kDouble).cuda().requires_grad_(true);
  auto v2 = v1.detach().clone().requires_grad_(true);
  warpNative(v1, v1).sum().backward();
  warpGridSample(v2, v2).sum().backward();
  EXPECT_LE(maxDiff(v1.grad(), v2.grad()), 1e-6);
}

TEST(DeformationGrid, LinesMoveWithTheField) {
  auto flow = torch::zeros({2, 2, 20, 24}, torch::kDouble);
  const auto grid = deformationGrid(flow, 8);
  ASSERT_EQ(grid.sizes(), (std::vector<int64_t>{2, 1, 20, 24}));
  // Lines at rows and columns 4, 12, 20: a zero field shows the regular grid.
  for (int64_t r : {4, 12}) EXPECT_NEAR(grid[0][0][r].sum().item<double>(), 24, 1e-9);
  for (int64_t c : {4, 12, 20}) EXPECT_NEAR(grid[1][0].select(1, c).sum().item<double>(), 20, 1e-9);
  EXPECT_NEAR(grid.sum().item<double>(), 2 * (2 * 24 + 3 * 20 - 2 * 3), 1e-9);
  // Sampling 3 rows further down (flow channel 0 = +3) moves the lines 3 rows up; the second
  // image's columns by -2 (channel 1 = -2) moves them 2 columns right.
  flow[0][0].fill_(3);
  flow[1][1].fill_(-2);
  const auto moved = deformationGrid(flow, 8);
  EXPECT_NEAR(moved[0][0][1].sum().item<double>(), 24, 1e-9);
  EXPECT_NEAR(moved[0][0][9].sum().item<double>(), 24, 1e-9);
  EXPECT_LT(moved[0][0][4].sum().item<double>(), 24);
  EXPECT_NEAR(moved[1][0].select(1, 6).sum().item<double>(), 20, 1e-9);
  EXPECT_NEAR(moved[1][0].select(1, 14).sum().item<double>(), 20, 1e-9);
  EXPECT_THROW(deformationGrid(torch::zeros({1, 3, 8, 8}), 8), c10::Error);
}

}  // namespace
}  // namespace morphaeus
