#include "core/app/cli_outline.h"

#include <CLI/CLI.hpp>

namespace morphaeus {
namespace {

// CLI11 writes a checked option's type as "TEXT:{train,test}" or "INT:NONNEGATIVE".
void readTypeName(const std::string& type_name, OptionOutline& o) {
  const std::size_t colon = type_name.find(':');
  o.value = type_name.substr(0, colon);
  if (colon == std::string::npos) return;
  const std::string check = type_name.substr(colon + 1);
  if (check.size() < 2 || check.front() != '{' || check.back() != '}') return;
  std::string item;
  for (char ch : check.substr(1, check.size() - 2)) {
    if (ch == ',') {
      o.choices.push_back(item);
      item.clear();
    } else {
      item += ch;
    }
  }
  o.choices.push_back(item);
}

OptionOutline outlineOf(const CLI::Option& opt) {
  OptionOutline o;
  for (const auto& s : opt.get_snames()) o.names.push_back("-" + s);
  for (const auto& l : opt.get_lnames()) o.names.push_back("--" + l);
  if (!opt.nonpositional()) o.positional = opt.get_name(true);
  if (opt.get_items_expected_max() > 0) readTypeName(opt.get_type_name(), o);
  o.description = opt.get_description();
  o.group = o.names.empty() ? "Positionals" : opt.get_group();
  o.required = opt.get_required();
  o.repeats = opt.get_items_expected_max() > 1;
  return o;
}

CommandOutline outlineOf(const CLI::App& app, std::vector<std::string> path) {
  CommandOutline c;
  c.path = std::move(path);
  c.description = app.get_description();
  c.needs_subcommand = app.get_require_subcommand_min() > 0;
  for (const CLI::Option* opt :
       app.get_options([](const CLI::Option* o) { return !o->get_group().empty(); })) {
    c.options.push_back(outlineOf(*opt));
    c.options.back().help = opt == app.get_help_ptr();
  }
  for (const CLI::App* sub :
       app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); })) {
    std::vector<std::string> sub_path = c.path;
    sub_path.push_back(sub->get_name());
    c.subcommands.push_back(outlineOf(*sub, std::move(sub_path)));
  }
  return c;
}

}  // namespace

std::string CommandOutline::pathText(const std::string& program) const {
  std::string text = program;
  for (const auto& p : path) text += " " + p;
  return text;
}

CommandOutline outlineOf(const CLI::App& app) {
  return outlineOf(app, {});
}

}  // namespace morphaeus
