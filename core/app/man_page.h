// The manual page morphaeus(1) in roff (man macros), written from the command line's outline:
// every command and option as --help describes it, plus the sections a manual has beside them
// (files, environment, exit status, examples).
#pragma once

#include <string>
#include <vector>

#include "core/app/cli_outline.h"

namespace morphaeus {

struct ManPageFacts {
  std::string version;                       // "0.1.0"
  std::string date;                          // "2026-12-03"
  std::vector<std::string> shipped_configs;  // "paper/morphaeus", ...
};

std::string manPage(const CommandOutline& program, const ManPageFacts& facts);

// `text` safe as roff text: backslashes, minus signs and control characters at line start.
std::string roffText(const std::string& text);

}  // namespace morphaeus
