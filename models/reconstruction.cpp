#include "models/reconstruction.h"

#include <stdexcept>

namespace morphaeus {

Posterior Reconstructor::posterior(const torch::Tensor&) {
  throw std::logic_error("this model has no posterior for a loss to score");
}

Reconstructor* asReconstructor(torch::nn::Module& model) {
  return dynamic_cast<Reconstructor*>(&model);
}

Reconstructor& reconstructorOf(torch::nn::Module& model) {
  Reconstructor* r = asReconstructor(model);
  if (r == nullptr) throw std::invalid_argument("this model does not reconstruct images");
  return *r;
}

}  // namespace morphaeus
