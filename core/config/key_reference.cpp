#include "core/config/key_reference.h"


namespace morphaeus {
namespace {

std::string scalarName(ValueType type, bool plural) {
  const char* s = "";
  switch (type) {
    case ValueType::Any:
      return "any";
    case ValueType::Bool:
      s = "boolean";
      break;
    case ValueType::Int:
      s = "integer";
      break;
    case ValueType::Number:
      s = "number";
      break;
    case ValueType::String:
      s = "string";
      break;
    case ValueType::Path:
      s = "path";
      break;
    case ValueType::InputPath:
      s = "input path";
      break;
    case ValueType::Enum:
      s = "name";
      break;
    case ValueType::List:
      s = "list";
      break;
    case ValueType::Map:
      s = "map";
      break;
    case ValueType::Dict:
      s = "map";
      break;
    case ValueType::Component:
      s = "component";
      break;
  }
  return std::string(s) + (plural ? "s" : "");
}

std::string choices(const Field& f) {
  std::string out;
  for (const auto& c : f.choices) out += (out.empty() ? "" : " | ") + c;
  return out;
}

std::string typeOf(const Field& f) {
  switch (f.type) {
    case ValueType::List: {
      const std::string count = f.length ? std::to_string(*f.length) + " " : "";
      return "list of " + count + (f.element ? scalarName(f.element->type, true) : "values");
    }
    case ValueType::Dict:
      return "map of " + (f.element ? scalarName(f.element->type, true) : std::string("values"));
    case ValueType::Component:
      return "component (" + kindName(f.kind) + ")";
    default:
      return scalarName(f.type, false);
  }
}

std::string acceptsOf(const Field& f) {
  if (f.type == ValueType::Enum) return choices(f);
  if (f.type == ValueType::List && f.element) {
    const std::string each =
        f.element->type == ValueType::Enum ? choices(*f.element) : f.element->rangeText();
    return each.empty() ? "" : "each " + each;
  }
  return f.rangeText();
}

std::string cell(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

}  // namespace

std::vector<KeyRow> keyRows(const Schema& schema, const std::string& prefix) {
  std::vector<KeyRow> rows;
  for (const Field& f : schema.fields()) {
    KeyRow r;
    r.key = prefix + f.name;
    r.type = typeOf(f);
    r.fallback = f.required ? "required" : f.defaultText();
    r.accepts = acceptsOf(f);
    r.doc = f.doc;
    r.ignored = f.ignored;
    if (r.ignored) {
      r.type = "accepted, ignored";
      r.fallback.clear();
      r.accepts.clear();
    }
    rows.push_back(r);
    if (f.type == ValueType::Map && f.schema && !f.ignored) {
      for (KeyRow& nested : keyRows(*f.schema, r.key + ".")) rows.push_back(std::move(nested));
    }
  }
  return rows;
}

std::string keyTable(const std::vector<KeyRow>& rows) {
  if (rows.empty()) return "";
  std::string out = "| key | type | default | accepts | |\n|---|---|---|---|---|\n";
  for (const KeyRow& r : rows) {
    out += "| `" + r.key + "` | " + cell(r.type) + " | " + cell(r.fallback) + " | " +
           cell(r.accepts) + " | " + cell(r.doc) + " |\n";
  }
  return out;
}

std::string keyReference(const Schema& experiment,
                         const std::vector<const ComponentSpec*>& components) {
  std::string out =
      "# Configuration keys\n\n"
      "Every key a config file may hold, from the declarations the program validates and reads "
      "them with (`morphaeus configs keys` prints this page). A component's keys go under its "
      "`params`; a key of type \"accepted, ignored\" is taken from the authors' configs and has no "
      "effect. A default is what an absent key means.\n\n"
      "## The experiment file\n\n" +
      keyTable(keyRows(experiment));
  ComponentKind last = ComponentKind::Configurator;
  bool first = true;
  for (const ComponentSpec* spec : components) {
    if (first || spec->kind != last) {
      out += "\n## Components: " + kindName(spec->kind) + "\n";
      last = spec->kind;
      first = false;
    }
    out += "\n### `" + spec->name.str() + "`\n\n";
    if (!spec->summary.empty()) out += spec->summary + ".\n";
    for (const ComponentName& alias : spec->aliases) out += "Also named `" + alias.str() + "`.\n";
    const std::string params = keyTable(keyRows(spec->params));
    out += params.empty() ? "\nNo params.\n" : "\n`params`:\n\n" + params;
    const std::string siblings = keyTable(keyRows(spec->siblings));
    if (!siblings.empty()) out += "\nBeside `params`:\n\n" + siblings;
  }
  return out;
}

}  // namespace morphaeus
