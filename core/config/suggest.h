// "Did you mean ...?" for misspelt keys and names.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace morphaeus {

// Levenshtein distance (case-insensitive).
std::size_t editDistance(const std::string& a, const std::string& b);

// The candidate closest to `word`, if it is close enough to be a plausible typo.
std::optional<std::string> nearest(const std::string& word, const std::vector<std::string>& candidates);

// "a, b, c"
std::string joinNames(const std::vector<std::string>& names, const std::string& sep = ", ");

}  // namespace morphaeus
