#include "core/experiment/plan.h"

#include <sstream>

#include "core/experiment/run_data.h"
#include "core/registry/loader_args.h"
#include "core/registry/registry.h"

namespace morphaeus {
namespace {

std::string line(const std::string& indent, const std::string& role, const ComponentSpec& spec) {
  std::string out = indent + role;
  out.resize(std::max<std::size_t>(out.size() + 1, 18), ' ');
  return out + spec.name.str() + (spec.summary.empty() ? "" : "  -- " + spec.summary) + "\n";
}

void describeLoader(std::ostream& out, const std::string& indent, const ConfigNode& loader) {
  const Registry& reg = Registry::global();
  out << line(indent, "data loader", reg.resolve(ComponentKind::DataLoader, loader));
  const ConfigNode* params = loader.find("params");
  const ConfigNode* args = params ? params->find("args") : nullptr;
  if (args == nullptr) return;
  if (const ConfigNode* ds = args->find("dataset_module"); ds && !ds->isNull()) {
    out << line(indent + "  ", "dataset", reg.resolve(ComponentKind::Dataset, *ds));
  }
  const ConfigNode* dirs = args->find("data_dir");
  if (dirs != nullptr && dirs->isMap()) {
    const LoaderArgs values = loaderArgs(*args, nullptr);
    out << indent << "  splits: train " << values.data_dir.train.size() << " list(s), val "
        << values.data_dir.val.size() << ", test " << values.data_dir.test.size() << "; batch size "
        << values.batch_size << "\n";
  }
}

}  // namespace

std::string describePlan(const Experiment& ex) {
  const Registry& reg = Registry::global();
  const ConfigNode& c = ex.config;
  std::ostringstream out;
  const ExperimentOptions o = ex.options();
  out << "Experiment \"" << o.name << "\" from " << ex.source << "\n";
  out << "  task " << o.experiment.task << ", device " << o.device << ", seed " << o.seed
      << ", threads "
      << (o.threads == 0 ? std::string("the CPUs this process may use") : std::to_string(o.threads))
      << (o.deterministic ? ", deterministic" : "") << "\n";
  if (!o.experiment.weights.empty()) out << "  weights " << o.experiment.weights << "\n";
  out << "Components:\n";
  out << line("  ", "model", reg.resolve(ComponentKind::Model, c.at("model")));
  if (const ConfigNode* t = c.find("trainer"); t && !t->isNull() && ex.task() == "train") {
    out << line("  ", "trainer", reg.resolve(ComponentKind::Trainer, *t));
    if (const ConfigNode* p = t->find("params"); p && p->has("loss")) {
      out << line("    ", "loss", reg.resolve(ComponentKind::Loss, p->at("loss")));
    }
    describeLoader(out, "    ", t->at("data_loader"));
  }
  if (const ConfigNode* tasks = c.find("downstream_tasks"); tasks && tasks->isMap()) {
    for (const auto& [name, task] : tasks->entries()) {
      out << line("  ", "task " + name, reg.resolve(ComponentKind::Evaluator, task));
      if (const std::string why = taskSkipReason(task, dataContext(c)); !why.empty())
        out << "    skipped: " << why << "\n";
      const ConfigNode& loader = task.at("data_loader");
      describeLoader(out, "    ", loader);
      for (const auto& [ds_name, ds] : loader.at("datasets").entries()) {
        const bool normal = ds_name.find("Normal") != std::string::npos;
        out << "      dataset " << ds_name << " (label " << (normal ? 0 : 1) << "): ";
        if (const ConfigNode* classes = ds.find("classes"); classes && classes->isSequence()) {
          out << "classes";
          for (const auto& c : classes->items()) out << " " << c.text();
          out << "\n";
        } else {
          out << loaderArgs(ds, nullptr).data_dir.test.size() << " test list(s)\n";
        }
      }
    }
  }
  if (!ex.ignored.empty()) {
    out << "Accepted but ignored:\n";
    for (const auto& note : ex.ignored) out << "  " << note << "\n";
  }
  return out.str();
}

}  // namespace morphaeus
