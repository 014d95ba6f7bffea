// The report files: a TextTable as Markdown, CSV (raw fields, RFC 4180 quotes) and LaTeX (± as
// $\pm$, escapes, bold); HTML escaping; a run's report.html written from a run directory made
// here (metrics.jsonl, eval/<task>/metrics.json, a figure), opened in headless Chromium.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/report/curve_plot.h"
#include "core/report/html_page.h"
#include "core/report/run_report.h"
#include "core/report/text_table.h"
#include "tests/test_support.h"

namespace morphaeus {
namespace {
namespace fs = std::filesystem;

TextTable sample() {
  TextTable t;
  t.columns = {
      {"method", {"method"}}, {"AUROC", {"AUROC mean", "AUROC std"}}, {"p", {"p, two-sided"}}};
  t.rows.push_back({{"AE_S", {"AE_S"}, false},
                    {"0.812 ± 0.004", {"0.8123", "0.0041"}, true},
                    {"-", {""}, false}});
  t.rows.push_back({{"Morph \"A\"", {"Morph \"A\""}, false},
                    {"0.700", {"0.7", ""}, false},
                    {"1e-05", {"1e-05"}, false}});
  return t;
}

TEST(TextTable, MarkdownCsvAndLatex) {
  const TextTable t = sample();
  EXPECT_EQ(t.markdown(),
            "| method | AUROC | p |\n|---|---|---|\n| AE_S | **0.812 ± 0.004** | - |\n"
            "| Morph \"A\" | 0.700 | 1e-05 |\n");
  EXPECT_EQ(t.csv(),
            "method,AUROC mean,AUROC std,\"p, two-sided\"\nAE_S,0.8123,0.0041,\n"
            "\"Morph \"\"A\"\"\",0.7,,1e-05\n");
  const std::string tex = t.latex();
  EXPECT_NE(tex.find("\\begin{tabular}{lcc}"), std::string::npos) << tex;
  EXPECT_NE(tex.find("AE\\_S & \\textbf{0.812 $\\pm$ 0.004} & -"), std::string::npos) << tex;
}

TEST(HtmlPage, EscapesAndMarksTheBody) {
  EXPECT_EQ(htmlEscape("<a href=\"x\">&</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
  HtmlPage page("t <1>");
  page.table(sample());
  const std::string html = page.html();
  EXPECT_NE(html.find("<title>t &lt;1&gt;</title>"), std::string::npos);
  EXPECT_NE(html.find("<td><b>0.812 ± 0.004</b></td>"), std::string::npos) << html;
  EXPECT_NE(html.find("document.body.dataset.images"), std::string::npos);
}

TEST(RunReport, APageOfTheRunLoadsInABrowserWithEveryImage) {
  const std::string d = test::makeTempDir("report");
  test::writeText(d + "/config.yaml", "name: <demo>\n");
  test::writeText(d + "/metrics.jsonl",
                  "{\"epoch\":1,\"lr\":0.001,\"train_loss\":0.5,\"val_loss\":0.6}\n"
                  "not json\n"
                  "{\"epoch\":2,\"lr\":0.001,\"train_loss\":0.25,\"train_loss_ncc\":-0.9,"
                  "\"val_loss\":0.4}\n");
  fs::create_directories(d + "/eval/opacity");
  test::writeText(d + "/eval/opacity/metrics.json",
                  R"({"score": "mean |rec - x|", "datasets": {
                     "Normal": {"images": 6, "ssim_mean": 0.9, "l1_mean": 0.1},
                     "Opacity": {"images": 6, "auroc": 0.75, "auprc": 0.7, "fpr_at_tpr95": 0.5,
                                 "bootstrap": {"auroc_mean": 0.74, "auroc_std": 0.02},
                                 "interval": {"level": 0.95, "auroc": [0.6, 0.9]}}}})");
  if (canWriteFigures()) {
    writeCurvePlot(
        d + "/eval/opacity/roc.png",
        CurvePlot{"ROC", "FPR", "TPR", true, false, {{"Opacity", {0, 0.5, 1}, {0, 0.8, 1}}}});
  }
  const std::string page = writeRunReport(d, "version x");
  EXPECT_EQ(page, d + "/report.html");
  const std::string html = test::readText(page);
  for (const char* text :
       {"Training curves", "Task opacity", "0.7400 ± 0.0200", "95%: 0.6000-0.9000",
        "Normal (normal)", "&lt;demo&gt;", "train_loss_ncc"})
    EXPECT_NE(html.find(text), std::string::npos) << text;
  if (canWriteFigures()) {
    EXPECT_TRUE(fs::exists(d + "/curves.png"));
    EXPECT_NE(html.find("src=\"eval/opacity/roc.png\""), std::string::npos);
  }
  const test::RenderedPage shown = test::renderInBrowser(page);
  for (const auto& p : shown.problems) ADD_FAILURE() << p;
  EXPECT_NE(shown.dom.find("data-loaded=\"yes\""), std::string::npos);

  // The check itself: a page with a missing image and a script error is not whole.
  HtmlPage broken("broken");
  broken.image("missing.png", "not there");
  broken.raw("<script>undefinedFunction();</script>\n");
  test::writeText(d + "/broken.html", broken.html());
  const test::RenderedPage bad = test::renderInBrowser(d + "/broken.html");
  std::string all;
  for (const auto& p : bad.problems) all += p + "\n";
  EXPECT_NE(all.find("images drawn: 0/1, broken: missing.png"), std::string::npos) << all;
  EXPECT_NE(all.find("referenced but missing: missing.png"), std::string::npos) << all;
  EXPECT_NE(all.find("script errors: "), std::string::npos) << all;
}

}  // namespace
}  // namespace morphaeus
