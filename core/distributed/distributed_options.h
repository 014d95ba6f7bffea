// Where this process stands in a multi-process (data-parallel) run: rank, world size, local rank
// and the rendezvous address, read the way torchrun and SLURM hand them over -- RANK, WORLD_SIZE,
// LOCAL_RANK, MASTER_ADDR, MASTER_PORT (torchrun, `morphaeus launch`), else SLURM_PROCID,
// SLURM_NTASKS, SLURM_LOCALID (srun; MASTER_ADDR/PORT must be exported) -- or from the command
// line (--rank, --world-size, ..., which win over the environment).
#pragma once

#include <optional>
#include <string>

namespace morphaeus {

struct DistributedOptions {
  int rank = 0, world_size = 1, local_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  std::string backend = "auto";  // gloo | nccl | auto (nccl on CUDA where built, else gloo)
  int timeout_s = 600;           // a collective waits this long for the other ranks
  // MORPHAEUS_DISTRIBUTED=1 (set by `morphaeus launch`): the process group even for one rank,
  // e.g. to check the distributed code path on a single GPU.
  bool forced = false;
  // TORCHELASTIC_RESTART_COUNT (torchrun, `morphaeus launch --max-restarts`), else
  // SLURM_RESTART_COUNT (a job SLURM requeued): how many times this run was started again after
  // a failure; a restarted training run continues from its run directory's latest checkpoint.
  int restart = 0;
  std::string restart_variable;  // the variable that said so

  bool enabled() const { return world_size > 1 || forced; }
};

// Command-line values (unset: take the environment's).
struct DistributedFlags {
  std::optional<int> rank, world_size, local_rank, master_port, timeout_s;
  std::optional<std::string> master_addr, backend;
};

// Throws std::invalid_argument naming the variable or flag when a value is malformed or the
// rank is outside [0, world_size).
DistributedOptions distributedOptions(const DistributedFlags& flags);

}  // namespace morphaeus
