#include "core/app/cli.h"

#include "core/base/facts/upstream_seed.h"

namespace morphaeus {

void addRunOptions(CLI::App& app, RunOptions& o) {
  app.add_option("-c,--config", o.config,
                 "experiment YAML (iml-dl style); default: the embedded synthetic demo");
  app.add_option("--task", o.task, "train (then evaluate) or test (evaluate only)")
      ->check(CLI::IsMember({"train", "test"}));
  app.add_option("--weights", o.weights, "checkpoint to resume from (train) or evaluate (test)");
  app.add_option("--resume", o.resume,
                 "continue training from a checkpoint (weights, optimizer state, epoch)");
  app.add_option("--device", o.device, "where to run; gpu/cuda fall back to cpu with a warning")
      ->check(CLI::IsMember({"auto", "cpu", "cuda", "gpu"}));
  app.add_option("--threads", o.threads,
                 "intra-op threads (0 = the CPUs this process may use, the default)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--seed", o.seed,
                 "seed for torch and data order (default " + std::to_string(kUpstreamSeed) + ")")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--precision", o.precision,
                 "arithmetic of training and evaluation: fp32, bf16 (autocast, channels_last) or "
                 "auto (bf16 where the CPU has AMX-BF16/AVX512-BF16, else fp32); sets "
                 "trainer.params.performance.precision and every task's params.precision")
      ->check(CLI::IsMember({"fp32", "bf16", "auto"}));
  app.add_option("--output", o.output, "run directory (default runs/<name>-<timestamp>)");
  app.add_option("--data-root", o.data_root, "base folder for image paths inside split CSVs");
  app.add_option("--set", o.sets, "override a config value, typed like it: key.path=value")
      ->allow_extra_args(false)
      ->take_all();
  app.add_flag("--dry-run", o.dry_run, "print the resolved config and the plan, then exit");
  app.add_flag("--deterministic", o.deterministic, "bit-reproducible CPU runs");
  auto& d = o.distributed;
  const char* group =
      "Distributed (default: RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT)";
  app.add_option("--rank", d.rank, "this process's rank")->group(group);
  app.add_option("--world-size", d.world_size, "number of processes")->group(group);
  app.add_option("--local-rank", d.local_rank, "rank on this node (picks cuda:<local rank>)")
      ->group(group);
  app.add_option("--master-addr", d.master_addr, "rank 0's host (rendezvous)")->group(group);
  app.add_option("--master-port", d.master_port, "rank 0's TCPStore port")->group(group);
  app.add_option("--dist-backend", d.backend, "gloo, nccl or auto")->group(group);
  app.add_option("--dist-timeout", d.timeout_s,
                 "seconds a rank waits for the others before every rank stops (default " +
                     std::to_string(DistributedOptions{}.timeout_s) + ")")
      ->group(group);
  app.add_option("--log-level", o.log_level, "trace, debug, info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
}

}  // namespace morphaeus
