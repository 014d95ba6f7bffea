// A table of text cells written three ways: Markdown (bold as **x**), CSV (each cell's own raw
// fields, e.g. a mean and a std as two numbers at full precision) and LaTeX (booktabs; " ± "
// becomes $\pm$, bold \textbf{}). Row 0 of `rows` is not special: every row starts with its
// label cell.
#pragma once

#include <string>
#include <vector>

namespace morphaeus {

struct TableCell {
  std::string text;              // Markdown and LaTeX
  std::vector<std::string> csv;  // the CSV fields this cell stands for (as many as its header's)
  bool bold = false;
};

struct TableColumn {
  std::string title;                   // Markdown and LaTeX
  std::vector<std::string> csv_names;  // CSV header fields
};

struct TextTable {
  std::vector<TableColumn> columns;  // columns[0]: the row labels
  std::vector<std::vector<TableCell>> rows;

  std::string markdown() const;
  std::string csv() const;
  std::string latex() const;
};

// Writes <dir>/<stem>.md, .csv and .tex atomically.
void writeTextTable(const std::string& dir, const std::string& stem, const TextTable& table);

}  // namespace morphaeus
