// Atomic file writes: write to a temporary file in the same folder, flush, then rename over the
// target, so readers see either the old file or the complete new one.
#pragma once

#include <functional>
#include <ostream>
#include <string>

namespace morphaeus {

void writeFileAtomic(const std::string& path, const std::string& content);
// Streams content through `write`; the target appears only if `write` returns normally.
void writeFileAtomic(const std::string& path, const std::function<void(std::ostream&)>& write);

}  // namespace morphaeus
