#include "core/checkpoint/checkpoint.h"

#include <torch/serialize.h>

#include "core/base/atomic_file.h"
#include "core/checkpoint/checkpoint_error.h"
#include "core/checkpoint/torch_file_reader.h"

namespace morphaeus {

StateDict toStateDict(const c10::IValue& value, const std::string& path, const std::string& what) {
  if (!value.isGenericDict()) throw CheckpointError(path, what + " is not a dict of tensors");
  StateDict out;
  for (const auto& entry : value.toGenericDict()) {
    if (!entry.key().isString() || !entry.value().isTensor()) {
      throw CheckpointError(path, what + " holds a non-tensor entry");
    }
    out.emplace_back(entry.key().toStringRef(), entry.value().toTensor());
  }
  return out;
}

Checkpoint readCheckpoint(const std::string& path) {
  const c10::IValue root = readTorchFile(path);
  if (!root.isGenericDict()) throw CheckpointError(path, "expected a dict at the top level");
  const auto dict = root.toGenericDict();
  Checkpoint ckpt;
  ckpt.path = path;
  auto weights = dict.find(c10::IValue("model_weights"));
  if (weights == dict.end()) {
    // A bare state_dict (torch.save(model.state_dict(), f)).
    ckpt.model_weights = toStateDict(root, path, "the file");
    return ckpt;
  }
  ckpt.model_weights = toStateDict(weights->value(), path, "model_weights");
  for (const auto& entry : dict) {
    if (!entry.key().isString()) continue;
    const std::string& key = entry.key().toStringRef();
    if (key == "model_weights") continue;
    if (key == "optimizer_weights") {
      ckpt.optimizer_weights = entry.value();
    } else if (key == "epoch") {
      if (!entry.value().isInt()) throw CheckpointError(path, "epoch: expected an integer");
      ckpt.epoch = entry.value().toInt();
      if (ckpt.epoch < -1) throw CheckpointError(path, "epoch: expected -1 or more");
    } else {
      ckpt.extra.emplace_back(key, entry.value());
    }
  }
  return ckpt;
}

void writeCheckpoint(const std::string& path, const Checkpoint& ckpt) {
  c10::impl::GenericDict weights(c10::StringType::get(), c10::TensorType::get());
  for (const auto& [name, t] : ckpt.model_weights) {
    weights.insert(name, t.detach().to(torch::kCPU).contiguous());
  }
  c10::impl::GenericDict root(c10::StringType::get(), c10::AnyType::get());
  root.insert("model_weights", weights);
  root.insert("optimizer_weights", ckpt.optimizer_weights);
  root.insert("epoch", ckpt.epoch);
  for (const auto& [key, value] : ckpt.extra) root.insert(key, value);
  const std::vector<char> bytes = torch::pickle_save(c10::IValue(root));
  writeFileAtomic(path, std::string(bytes.begin(), bytes.end()));
}

}  // namespace morphaeus
