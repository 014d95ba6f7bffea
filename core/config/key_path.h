// A dotted key path of the config ("trainer.params.alfa"), as `--set` and the typed readers
// name a value.
#pragma once

#include <string>
#include <vector>

namespace morphaeus {

// "a.b.c" -> {"a", "b", "c"}. Every dot separates, so an empty component stays visible to the
// caller: "a..b" -> {"a", "", "b"}, "a." -> {"a", ""}, "" -> {""}.
std::vector<std::string> splitKeyPath(const std::string& key);

}  // namespace morphaeus
