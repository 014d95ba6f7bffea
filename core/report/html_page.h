// A self-contained HTML page for the reports: inline CSS, no network, images referenced by paths
// relative to the page (they sit beside it). A small inline script marks the <body> once the
// page has loaded: data-images="loaded/total", data-broken="src ..." and data-errors="..."
// (script errors), so that a headless browser's --dump-dom says whether the page is whole.
#pragma once

#include <string>
#include <vector>

#include "core/report/text_table.h"

namespace morphaeus {

std::string htmlEscape(const std::string& text);

class HtmlPage {
 public:
  explicit HtmlPage(std::string title);
  void heading(int level, const std::string& text);
  void paragraph(const std::string& text);  // escaped
  void raw(const std::string& html);        // as is
  void preformatted(const std::string& text, bool collapsed, const std::string& summary);
  void table(const TextTable& table);
  void image(const std::string& src, const std::string& caption, int max_width = 0);
  void link(const std::string& href, const std::string& text);
  // The browser reloads the page every `seconds` (a page rewritten while a run goes on).
  void reloadEvery(int seconds) { reload_s_ = seconds; }
  std::string html() const;

 private:
  std::string title_, body_;
  int reload_s_ = 0;
};

}  // namespace morphaeus
