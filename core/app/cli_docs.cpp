#include "core/app/cli_docs.h"

#include <cstdlib>
#include <ctime>

#include "core/app/bash_completion.h"
#include "core/app/cli_outline.h"
#include "core/app/man_page.h"
#include "core/base/atomic_file.h"
#include "core/base/shared_files.h"

namespace morphaeus {
namespace {

// The page's date: SOURCE_DATE_EPOCH (reproducible builds) when set, else today (UTC).
std::string pageDate() {
  std::time_t t = std::time(nullptr);
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH")) t = std::strtoll(epoch, nullptr, 10);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &tm);
  return text;
}

}  // namespace

void addCliDocsOptions(CLI::App& app, CliDocsOptions& o) {
  app.add_option("--write-man-page", o.man_page, "write the manual page morphaeus(1)")->group("");
  app.add_option("--write-bash-completion", o.bash_completion, "write the bash completion")
      ->group("");
}

int writeCliDocs(const CLI::App& app, const CliDocsOptions& o) {
  const CommandOutline outline = outlineOf(app);
  std::vector<std::string> configs;
  for (const auto& c : shippedConfigs()) configs.push_back(c.name);
  if (!o.man_page.empty())
    writeFileAtomic(o.man_page, manPage(outline, {MORPHAEUS_VERSION, pageDate(), configs}));
  if (!o.bash_completion.empty())
    writeFileAtomic(o.bash_completion, bashCompletion(outline, configs));
  return 0;
}

}  // namespace morphaeus
