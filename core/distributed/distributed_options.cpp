#include "core/distributed/distributed_options.h"

#include <cstdlib>
#include <stdexcept>

namespace morphaeus {
namespace {

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? std::optional<std::string>(v) : std::nullopt;
}

int toInt(const std::string& text, const std::string& what) {
  std::size_t used = 0;
  int v = 0;
  try {
    v = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) {
    throw std::invalid_argument(what + "='" + text + "' is not an integer");
  }
  return v;
}

// The first of (flag, torchrun variable, SLURM variable) that is set.
std::optional<int> pick(const std::optional<int>& flag, const char* var, const char* slurm) {
  if (flag) return flag;
  if (auto v = env(var)) return toInt(*v, var);
  if (slurm != nullptr && !env("RANK"))
    if (auto v = env(slurm)) return toInt(*v, slurm);
  return std::nullopt;
}

}  // namespace

DistributedOptions distributedOptions(const DistributedFlags& f) {
  DistributedOptions o;
  o.world_size = pick(f.world_size, "WORLD_SIZE", "SLURM_NTASKS").value_or(1);
  o.rank = pick(f.rank, "RANK", "SLURM_PROCID").value_or(0);
  o.local_rank = pick(f.local_rank, "LOCAL_RANK", "SLURM_LOCALID").value_or(0);
  o.master_port = pick(f.master_port, "MASTER_PORT", nullptr).value_or(o.master_port);
  o.timeout_s = pick(f.timeout_s, "MORPHAEUS_DIST_TIMEOUT", nullptr).value_or(o.timeout_s);
  o.master_addr = f.master_addr ? *f.master_addr : env("MASTER_ADDR").value_or(o.master_addr);
  o.backend = f.backend ? *f.backend : env("MORPHAEUS_DIST_BACKEND").value_or(o.backend);
  o.forced = env("MORPHAEUS_DISTRIBUTED").value_or("0") == "1";
  o.restart = pick(std::nullopt, "TORCHELASTIC_RESTART_COUNT", "SLURM_RESTART_COUNT").value_or(0);
  o.restart_variable = env("TORCHELASTIC_RESTART_COUNT") || env("RANK")
                           ? "TORCHELASTIC_RESTART_COUNT"
                           : "SLURM_RESTART_COUNT";
  if (o.world_size < 1) throw std::invalid_argument("world size must be >= 1");
  if (o.rank < 0 || o.rank >= o.world_size) {
    throw std::invalid_argument("rank " + std::to_string(o.rank) + " is outside [0, " +
                                std::to_string(o.world_size) + ")");
  }
  if (o.master_port <= 0 || o.master_port > 65535) {
    throw std::invalid_argument("MASTER_PORT " + std::to_string(o.master_port) + " is not a port");
  }
  if (o.restart < 0) {
    throw std::invalid_argument(o.restart_variable + "=" + std::to_string(o.restart) +
                                " is negative");
  }
  if (o.timeout_s < 1) throw std::invalid_argument("the distributed timeout must be >= 1 s");
  if (o.backend != "auto" && o.backend != "gloo" && o.backend != "nccl") {
    throw std::invalid_argument("backend '" + o.backend + "': expected gloo, nccl or auto");
  }
  return o;
}

}  // namespace morphaeus
