#include "core/report/text_table.h"

#include <filesystem>
#include <sstream>

#include "core/base/atomic_file.h"
#include "core/report/csv_quote.h"

namespace morphaeus {
namespace {

std::string latexText(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 4, " ± ") == 0) {  // "±" is two bytes in UTF-8
      out += " $\\pm$ ";
      i += 3;
      continue;
    }
    const char ch = s[i];
    if (ch == '_' || ch == '%' || ch == '&' || ch == '#') out += '\\';
    out += ch;
  }
  return out;
}

bool needsQuotes(const std::string& s) {
  return s.find_first_of(",\"\n\r") != std::string::npos;
}

}  // namespace

std::string TextTable::markdown() const {
  std::ostringstream out;
  out << "|";
  for (const auto& c : columns) out << " " << c.title << " |";
  out << "\n|";
  for (std::size_t i = 0; i < columns.size(); ++i) out << "---|";
  out << "\n";
  for (const auto& row : rows) {
    out << "|";
    for (const auto& cell : row)
      out << " " << (cell.bold ? "**" + cell.text + "**" : cell.text) << " |";
    out << "\n";
  }
  return out.str();
}

std::string TextTable::csv() const {
  std::ostringstream out;
  bool first = true;
  for (const auto& c : columns)
    for (const auto& name : c.csv_names) {
      out << (first ? "" : ",") << (needsQuotes(name) ? csvQuote(name) : name);
      first = false;
    }
  out << "\n";
  for (const auto& row : rows) {
    first = true;
    for (const auto& cell : row)
      for (const auto& field : cell.csv) {
        out << (first ? "" : ",") << (needsQuotes(field) ? csvQuote(field) : field);
        first = false;
      }
    out << "\n";
  }
  return out.str();
}

std::string TextTable::latex() const {
  std::ostringstream out;
  out << "\\begin{tabular}{l" << std::string(columns.empty() ? 0 : columns.size() - 1, 'c')
      << "}\n\\toprule\n";
  for (std::size_t i = 0; i < columns.size(); ++i)
    out << (i ? " & " : "") << latexText(columns[i].title);
  out << " \\\\\n\\midrule\n";
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      const std::string text = latexText(row[i].text);
      out << (i ? " & " : "") << (row[i].bold ? "\\textbf{" + text + "}" : text);
    }
    out << " \\\\\n";
  }
  out << "\\bottomrule\n\\end{tabular}\n";
  return out.str();
}

void writeTextTable(const std::string& dir, const std::string& stem, const TextTable& table) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  writeFileAtomic((fs::path(dir) / (stem + ".md")).string(), table.markdown());
  writeFileAtomic((fs::path(dir) / (stem + ".csv")).string(), table.csv());
  writeFileAtomic((fs::path(dir) / (stem + ".tex")).string(), table.latex());
}

}  // namespace morphaeus
