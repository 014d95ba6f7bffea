// `morphaeus prepare`: checks a downloaded COVID-19 Radiography Database against the paper's
// split CSVs, converts the RSNA challenge DICOMs + box labels into PNGs, masks and CSVs, or
// makes the PadChest normal test split of the COVID-19 task (data/prepare/padchest_converter.h).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "data/prepare/padchest_converter.h"
#include "data/prepare/rsna_converter.h"

namespace morphaeus {

struct PrepareOptions {
  std::string root;  // covid: folder holding data/CXR/...
  std::string splits = "data/splits";
  RsnaOptions rsna;
  PadchestOptions padchest;
};

struct PrepareCommands {
  CLI::App* covid = nullptr;
  CLI::App* rsna = nullptr;
  CLI::App* padchest = nullptr;
};

PrepareCommands addPrepareCommand(CLI::App& app, PrepareOptions& options);
int runPrepareCovid(const PrepareOptions& options);
int runPrepareRsna(const PrepareOptions& options);
int runPreparePadchest(const PrepareOptions& options);

}  // namespace morphaeus
