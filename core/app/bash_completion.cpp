#include "core/app/bash_completion.h"

#include <functional>
#include <sstream>

namespace morphaeus {
namespace {

std::string joined(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) s += (s.empty() ? "" : " ") + w;
  return s;
}

std::string key(const CommandOutline& c) {
  return joined(c.path);
}

bool isConfigOption(const OptionOutline& o) {
  for (const auto& n : o.names)
    if (n == "--config" || n == "-c") return true;
  return false;
}

void forEach(const CommandOutline& c, const std::function<void(const CommandOutline&)>& f) {
  f(c);
  for (const auto& s : c.subcommands) forEach(s, f);
}

}  // namespace

std::string bashCompletion(const CommandOutline& program,
                           const std::vector<std::string>& shipped_configs) {
  std::ostringstream out;
  out << "# bash completion for morphaeus, written by morphaeus --write-bash-completion from its "
         "command line.\n\n";
  // Per command path ("" for the program, "prepare covid"): its subcommands, its options, and
  // what follows an option: "-" (a flag, nothing), "=a b c" (one of these), "@" (a shipped
  // config or a file), "" (anything: file names).
  out << "_morphaeus_subcommands() {\n  case \"$1\" in\n";
  forEach(program, [&](const CommandOutline& c) {
    std::vector<std::string> names;
    for (const auto& s : c.subcommands) names.push_back(s.path.back());
    if (!names.empty()) out << "    \"" << key(c) << "\") echo \"" << joined(names) << "\" ;;\n";
  });
  out << "  esac\n}\n\n_morphaeus_options() {\n  case \"$1\" in\n";
  forEach(program, [&](const CommandOutline& c) {
    std::vector<std::string> names;
    for (const auto& o : c.options) names.insert(names.end(), o.names.begin(), o.names.end());
    out << "    \"" << key(c) << "\") echo \"" << joined(names) << "\" ;;\n";
  });
  out << "  esac\n}\n\n_morphaeus_value() {\n  case \"$1|$2\" in\n";
  forEach(program, [&](const CommandOutline& c) {
    for (const auto& o : c.options) {
      if (o.names.empty()) continue;
      std::string what = o.value.empty() ? "-" : "";
      if (!o.choices.empty()) what = "=" + joined(o.choices);
      if (isConfigOption(o)) what = "@";
      for (const auto& n : o.names)
        out << "    \"" << key(c) << "|" << n << "\") echo \"" << what << "\" ;;\n";
    }
  });
  out << "    *) echo \"\" ;;\n  esac\n}\n\n";
  out << "_morphaeus_configs=\"" << joined(shipped_configs) << "\"\n\n";
  // `configs show NAME` takes a shipped config's name.
  bool has_configs_show = false;
  forEach(program, [&](const CommandOutline& c) { has_configs_show |= key(c) == "configs show"; });
  out << R"sh(_morphaeus() {
  local cur="${COMP_WORDS[COMP_CWORD]}" prev="" path="" word what i skip=0
  if (( COMP_CWORD > 1 )); then
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    # --option=value: bash splits it at the "=".
    if [[ "$prev" == "=" ]]; then prev="${COMP_WORDS[COMP_CWORD-2]}"; fi
    if [[ "$cur" == "=" ]]; then cur=""; fi
  fi
  # The command path: the subcommand names before the cursor, not counting option values.
  for (( i = 1; i < COMP_CWORD; i++ )); do
    word="${COMP_WORDS[i]}"
    if (( skip )); then skip=0; continue; fi
    [[ "$word" == "--" ]] && break
    [[ "$word" == "=" ]] && { skip=1; continue; }
    if [[ "$word" == -* ]]; then
      what="$(_morphaeus_value "$path" "$word")"
      [[ "$what" != "-" && "${COMP_WORDS[i+1]}" != "=" ]] && skip=1
    elif [[ " $(_morphaeus_subcommands "$path") " == *" $word "* ]]; then
      path="${path:+$path }$word"
    fi
  done
  if (( i < COMP_CWORD )); then  # after "--": a command and its arguments
    COMPREPLY=( $(compgen -c -- "$cur") $(compgen -f -- "$cur") )
    return 0
  fi
  if [[ "$prev" == -* && "$cur" != -* ]]; then
    what="$(_morphaeus_value "$path" "$prev")"
    case "$what" in
      -) ;;
      =*) COMPREPLY=( $(compgen -W "${what#=}" -- "$cur") ); return 0 ;;
      @) compopt -o filenames 2>/dev/null
         COMPREPLY=( $(compgen -W "$_morphaeus_configs" -- "$cur") $(compgen -f -- "$cur") )
         return 0 ;;
      *) compopt -o filenames 2>/dev/null; COMPREPLY=( $(compgen -f -- "$cur") ); return 0 ;;
    esac
  fi
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$(_morphaeus_options "$path")" -- "$cur") )
    return 0
  fi
  case "$path" in
)sh";
  if (has_configs_show)
    out << "    \"configs show\") COMPREPLY=( $(compgen -W \"$_morphaeus_configs\" -- \"$cur\") ); "
           "return 0 ;;\n";
  out << R"sh(  esac
  local subcommands="$(_morphaeus_subcommands "$path")"
  if [[ -n "$subcommands" ]]; then
    COMPREPLY=( $(compgen -W "$subcommands" -- "$cur") )
  else
    compopt -o filenames 2>/dev/null; COMPREPLY=( $(compgen -f -- "$cur") )
  fi
  return 0
}
complete -F _morphaeus morphaeus
)sh";
  return out.str();
}

}  // namespace morphaeus
