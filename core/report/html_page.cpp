#include "core/report/html_page.h"

#include <utility>

namespace morphaeus {
namespace {

constexpr const char* kStyle = R"(
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1250px; color: #222; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; } th { background: #f3f3f3; }
figure { display: inline-block; margin: 0.4em 1em 0.8em 0; vertical-align: top; }
figcaption { font-size: 0.85em; color: #555; } img { border: 1px solid #ddd; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 0.8em; }
)";

// Script errors from the start (in <head>), then <body> marked once everything has loaded (see
// html_page.h).
constexpr const char* kErrors = R"(<script>
window.pageErrors = [];
window.addEventListener('error', function (e) {
  window.pageErrors.push(e.message || ('cannot load ' + (e.target && e.target.src)));
}, true);
</script>
)";
constexpr const char* kCheck = R"(<script>
window.addEventListener('load', function () {
  var imgs = document.images, ok = 0, broken = [];
  for (var i = 0; i < imgs.length; ++i) {
    if (imgs[i].complete && imgs[i].naturalWidth > 0) ++ok; else broken.push(imgs[i].getAttribute('src'));
  }
  var scriptErrors = window.pageErrors.filter(function (m) { return m.indexOf('cannot load') != 0; });
  document.body.dataset.images = ok + '/' + imgs.length;
  document.body.dataset.broken = broken.join(' ');
  if (scriptErrors.length) document.body.dataset.errors = scriptErrors.join('; ');
  document.body.dataset.loaded = 'yes';
});
</script>
)";

}  // namespace

std::string htmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

HtmlPage::HtmlPage(std::string title) : title_(std::move(title)) {}

void HtmlPage::heading(int level, const std::string& text) {
  const std::string h = "h" + std::to_string(level);
  body_ += "<" + h + ">" + htmlEscape(text) + "</" + h + ">\n";
}

void HtmlPage::paragraph(const std::string& text) {
  body_ += "<p>" + htmlEscape(text) + "</p>\n";
}

void HtmlPage::raw(const std::string& html) {
  body_ += html;
}

void HtmlPage::preformatted(const std::string& text, bool collapsed, const std::string& summary) {
  if (collapsed) body_ += "<details><summary>" + htmlEscape(summary) + "</summary>";
  body_ += "<pre>" + htmlEscape(text) + "</pre>";
  body_ += collapsed ? "</details>\n" : "\n";
}

void HtmlPage::table(const TextTable& t) {
  body_ += "<table>\n<tr>";
  for (const auto& c : t.columns) body_ += "<th>" + htmlEscape(c.title) + "</th>";
  body_ += "</tr>\n";
  for (const auto& row : t.rows) {
    body_ += "<tr>";
    for (const auto& cell : row) {
      const std::string text = htmlEscape(cell.text);
      body_ += "<td>" + (cell.bold ? "<b>" + text + "</b>" : text) + "</td>";
    }
    body_ += "</tr>\n";
  }
  body_ += "</table>\n";
}

void HtmlPage::image(const std::string& src, const std::string& caption, int max_width) {
  body_ += "<figure><img src=\"" + htmlEscape(src) + "\" alt=\"" + htmlEscape(caption) + "\"";
  if (max_width > 0) body_ += " style=\"max-width:" + std::to_string(max_width) + "px\"";
  body_ += "><figcaption>" + htmlEscape(caption) + "</figcaption></figure>\n";
}

void HtmlPage::link(const std::string& href, const std::string& text) {
  body_ += "<a href=\"" + htmlEscape(href) + "\">" + htmlEscape(text) + "</a>";
}

std::string HtmlPage::html() const {
  const std::string reload = reload_s_ > 0 ? "<meta http-equiv=\"refresh\" content=\"" +
                                                 std::to_string(reload_s_) + "\">\n"
                                           : "";
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" + reload +
         "<title>" + htmlEscape(title_) + "</title>\n<style>" + kStyle + "</style>\n" + kErrors +
         "</head>\n<body>\n" + "<h1>" + htmlEscape(title_) + "</h1>\n" + body_ + kCheck +
         "</body>\n</html>\n";
}

}  // namespace morphaeus
