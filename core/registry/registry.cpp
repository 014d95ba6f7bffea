#include "core/registry/registry.h"

#include "core/config/suggest.h"

namespace morphaeus {

ComponentSpec& Registry::add(ComponentSpec spec) {
  if (ComponentSpec* existing =
          findMutable(spec.kind, spec.name.module_name, spec.name.class_name)) {
    *existing = std::move(spec);
    return *existing;
  }
  specs_.push_back(std::make_unique<ComponentSpec>(std::move(spec)));
  return *specs_.back();
}

ComponentSpec* Registry::findMutable(ComponentKind kind, const std::string& module_name,
                                     const std::string& class_name) {
  for (auto& spec : specs_) {
    if (spec->kind != kind) continue;
    if (spec->name.module_name == module_name && spec->name.class_name == class_name) {
      return spec.get();
    }
    for (const auto& alias : spec->aliases) {
      if (alias.module_name == module_name && alias.class_name == class_name) return spec.get();
    }
  }
  return nullptr;
}

const ComponentSpec* Registry::find(ComponentKind kind, const std::string& module_name,
                                    const std::string& class_name) const {
  return const_cast<Registry*>(this)->findMutable(kind, module_name, class_name);
}

std::vector<const ComponentSpec*> Registry::list(ComponentKind kind) const {
  std::vector<const ComponentSpec*> out;
  for (const auto& spec : specs_)
    if (spec->kind == kind) out.push_back(spec.get());
  return out;
}

const ComponentSpec& Registry::resolve(ComponentKind kind, const ConfigNode& node) const {
  if (!node.isMap()) {
    throw node.error("expected a map with module_name and class_name, got " + node.describeKind());
  }
  const std::string module_name = node.at("module_name").asString();
  const std::string class_name = node.at("class_name").asString();
  if (const ComponentSpec* spec = find(kind, module_name, class_name)) return *spec;

  std::vector<std::string> known;
  for (const ComponentSpec* spec : list(kind)) {
    known.push_back(spec->name.str());
    for (const auto& alias : spec->aliases) known.push_back(alias.str());
  }
  std::string message = "unknown " + kindName(kind) + " \"" + module_name + "/" + class_name + "\"";
  if (auto guess = nearest(module_name + "/" + class_name, known)) {
    message += "; did you mean \"" + *guess + "\"?";
  }
  message += " (registered: " + (known.empty() ? std::string("none") : joinNames(known)) + ")";
  throw node.error(message);
}

}  // namespace morphaeus
