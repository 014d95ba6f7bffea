#include "core/commands/subcommands.h"

#include <memory>

#include "core/commands/bench/bench_command.h"
#include "core/commands/configs_command.h"
#include "core/commands/infer_command.h"
#include "core/commands/launch_command.h"
#include "core/commands/prepare_command.h"
#include "core/commands/reproduce/reproduce_command.h"
#include "core/commands/synth_command.h"

namespace morphaeus {

namespace {

// A subcommand with one CLI11 command and one options struct: add(app, options) and run(options).
template <class Options>
Subcommand single(CLI::App& app, const std::string& name, CLI::App* (*add)(CLI::App&, Options&),
                  int (*run)(const Options&)) {
  auto options = std::make_shared<Options>();
  CLI::App* cmd = add(app, *options);
  return {name, [cmd] { return cmd->parsed(); }, [options, run] { return run(*options); }};
}

}  // namespace

std::vector<Subcommand> addSubcommands(CLI::App& app) {
  std::vector<Subcommand> all;
  all.push_back(single(app, "morphaeus bench", addBenchCommand, runBench));
  all.push_back(single(app, "morphaeus synth", addSynthCommand, runSynth));

  auto prepare = std::make_shared<PrepareOptions>();
  const PrepareCommands p = addPrepareCommand(app, *prepare);
  all.push_back({"morphaeus prepare covid", [c = p.covid] { return c->parsed(); },
                 [prepare] { return runPrepareCovid(*prepare); }});
  all.push_back({"morphaeus prepare rsna", [c = p.rsna] { return c->parsed(); },
                 [prepare] { return runPrepareRsna(*prepare); }});
  all.push_back({"morphaeus prepare padchest", [c = p.padchest] { return c->parsed(); },
                 [prepare] { return runPreparePadchest(*prepare); }});

  all.push_back(single(app, "morphaeus infer", addInferCommand, runInfer));
  all.push_back(single(app, "morphaeus reproduce", addReproduceCommand, runReproduce));

  // `configs show NAME` before `configs` (the list): show is parsed as part of configs.
  auto configs = std::make_shared<ConfigsOptions>();
  const ConfigsCommands c = addConfigsCommand(app, *configs);
  all.push_back({"morphaeus configs show", [s = c.show] { return s->parsed(); },
                 [configs] { return runConfigsShow(*configs); }});
  all.push_back({"morphaeus configs keys", [k = c.keys] { return k->parsed(); },
                 [] { return runConfigsKeys(); }});
  all.push_back(
      {"morphaeus configs", [l = c.list] { return l->parsed(); }, [] { return runConfigsList(); }});

  all.push_back(single(app, "morphaeus launch", addLaunchCommand, runLaunch));
  return all;
}

}  // namespace morphaeus
