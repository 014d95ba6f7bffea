// The bash completion script for morphaeus, written from the command line's outline: the
// subcommands and options of each command, the values of options with a fixed set of them, the
// shipped config names after --config and `configs show`, and file names for other values.
#pragma once

#include <string>
#include <vector>

#include "core/app/cli_outline.h"

namespace morphaeus {

std::string bashCompletion(const CommandOutline& program,
                           const std::vector<std::string>& shipped_configs);

}  // namespace morphaeus
