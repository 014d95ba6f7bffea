#include "core/checkpoint/state_dict.h"

#include <map>
#include <sstream>

#include "core/checkpoint/checkpoint_error.h"

namespace morphaeus {
namespace {

std::string shapeOf(const torch::Tensor& t) {
  std::ostringstream s;
  s << t.sizes();
  return s.str();
}

std::string listed(const std::vector<std::string>& names, std::size_t max = 8) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < max; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > max) out += ", ... (" + std::to_string(names.size()) + " in all)";
  return out;
}

}  // namespace

StateDict stateDict(const torch::nn::Module& module) {
  StateDict out;
  for (const auto& p : module.named_parameters(true)) out.emplace_back(p.key(), p.value());
  for (const auto& b : module.named_buffers(true)) out.emplace_back(b.key(), b.value());
  return out;
}

void loadStateDict(torch::nn::Module& module, const StateDict& weights, const std::string& source,
                   bool strict) {
  std::map<std::string, torch::Tensor> targets;
  for (const auto& [name, t] : stateDict(module)) targets.emplace(name, t);
  std::map<std::string, const torch::Tensor*> given;
  for (const auto& [name, t] : weights) given.emplace(name, &t);

  std::vector<std::string> missing, unexpected, mismatched;
  for (const auto& [name, t] : targets) {
    auto it = given.find(name);
    if (it == given.end()) {
      missing.push_back(name);
    } else if (it->second->sizes() != t.sizes()) {
      mismatched.push_back(name + " (file " + shapeOf(*it->second) + ", model " + shapeOf(t) + ")");
    }
  }
  for (const auto& [name, t] : given)
    if (!targets.count(name)) unexpected.push_back(name);

  std::string problems;
  if (!mismatched.empty()) problems += "shape mismatch: " + listed(mismatched);
  if (strict && !missing.empty()) problems += (problems.empty() ? "" : "; ") + std::string("missing: ") + listed(missing);
  if (strict && !unexpected.empty()) {
    problems += (problems.empty() ? "" : "; ") + std::string("unexpected: ") + listed(unexpected);
  }
  if (!problems.empty()) throw CheckpointError(source, "weights do not fit the model: " + problems);

  torch::NoGradGuard no_grad;
  for (auto& [name, t] : targets) {
    auto it = given.find(name);
    if (it != given.end()) t.copy_(*it->second);
  }
}

}  // namespace morphaeus
