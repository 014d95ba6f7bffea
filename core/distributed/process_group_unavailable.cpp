// Builds whose LibTorch lacks c10d's Gloo headers (MORPHAEUS_HAVE_C10D off): single-process
// only. Asking for several processes is an error that says why; nothing else is reachable,
// since ProcessGroup::current() stays null.
#include <stdexcept>

#include "core/distributed/process_group.h"

namespace morphaeus {

struct ProcessGroup::Backend {};
ProcessGroup::ProcessGroup(const DistributedOptions& options) : options_(options) {}
ProcessGroup::~ProcessGroup() = default;
ProcessGroup* ProcessGroup::current() {
  return nullptr;
}

void ProcessGroup::init(const DistributedOptions& o, const torch::Device&) {
  if (!o.enabled()) return;
  throw DistributedError(
      "WORLD_SIZE " + std::to_string(o.world_size) +
      ": this build has no distributed support (LibTorch's c10d Gloo headers were not found when "
      "it was configured; on Debian install libgloo-dev and rebuild)");
}

namespace {
[[noreturn]] void unreachable() {
  throw std::logic_error("no process group in this build");
}
}  // namespace

std::string ProcessGroup::backendName() const {
  return "none";
}
void ProcessGroup::broadcast(std::vector<torch::Tensor>) {
  unreachable();
}
void ProcessGroup::allReduceSum(torch::Tensor&) {
  unreachable();
}
std::function<void()> ProcessGroup::allReduceSumAsync(const torch::Tensor&) {
  unreachable();
}
torch::Tensor ProcessGroup::allGather(const torch::Tensor&) {
  unreachable();
}
void ProcessGroup::barrier() {
  unreachable();
}
std::string ProcessGroup::shareFromMain(const std::string&, const std::string&) {
  unreachable();
}

}  // namespace morphaeus
