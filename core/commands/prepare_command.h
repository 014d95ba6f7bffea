// `morphaeus prepare`: checks a downloaded COVID-19 Radiography Database against the paper's
// split CSVs, or converts the RSNA challenge DICOMs + box labels into PNGs, masks and CSVs.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "data/prepare/rsna_converter.h"

namespace morphaeus {

struct PrepareOptions {
  std::string root;  // covid: folder holding data/CXR/...
  std::string splits = "data/splits";
  RsnaOptions rsna;
};

struct PrepareCommands {
  CLI::App* covid = nullptr;
  CLI::App* rsna = nullptr;
};

PrepareCommands addPrepareCommand(CLI::App& app, PrepareOptions& options);
int runPrepareCovid(const PrepareOptions& options);
int runPrepareRsna(const PrepareOptions& options);

}  // namespace morphaeus
