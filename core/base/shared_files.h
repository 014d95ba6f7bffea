// Where the files shipped with the program are (the paper configs, their synthetic twins, the
// demo config, the paper's split CSVs): MORPHAEUS_DATA_DIR when set; else <prefix>/share/morphaeus
// beside an installed executable (<prefix>/bin/morphaeus); else, for a program run from its
// build tree, the source tree it was built from. The folder mirrors the source layout:
// configs/, projects/morphaeus/configs/cxr/, data/splits/.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace morphaeus {

// Empty when none of the three exists.
std::string sharedFilesDir();

struct ShippedConfig {
  std::string name;  // "paper/morphaeus", "synthetic/vae", "demo"
  std::string path;  // the file
};
// Every shipped config, paper ones first, each kind sorted by name.
std::vector<ShippedConfig> shippedConfigs();

// The shipped config called `name` ("paper/morphaeus", with or without .yaml); nullopt if none.
std::optional<ShippedConfig> findShippedConfig(const std::string& name);

// True for a file of an installed shared folder's configs/ (the demo and the synthetic twins).
// Their relative paths name the data they generate, so a run resolves them as the embedded
// demo's, against ./configs, and never writes into the installed folder. False in the build
// tree, whose shared folder is the checkout the user works in.
bool isInstalledSyntheticConfig(const std::string& file);

// `path` (a file or folder relative to the working directory) as given when it exists; else the
// same path under sharedFilesDir() when that exists; else `path` unchanged.
std::string shippedOrGiven(const std::string& path);

// `name` as given to --config: an existing file stays as it is; otherwise a shipped config's
// name ("paper/morphaeus", with or without .yaml) gives its path; else `name` unchanged.
std::string resolveConfigName(const std::string& name);

}  // namespace morphaeus
