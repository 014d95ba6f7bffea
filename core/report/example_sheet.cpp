#include "core/report/example_sheet.h"

#include <stdexcept>

#include "core/report/png_canvas.h"

namespace morphaeus {

#ifdef MORPHAEUS_HAVE_OPENCV
void writeExampleSheet(const std::string& path, const std::vector<SheetColumn>& columns,
                       const std::vector<std::string>& row_labels, int scale) {
  if (columns.empty() || columns[0].images.dim() != 3)
    throw std::runtime_error(path + ": no images for the sheet");
  const int n = static_cast<int>(columns[0].images.size(0));
  const int th = static_cast<int>(columns[0].images.size(1)) * scale,
            tw = static_cast<int>(columns[0].images.size(2)) * scale;
  constexpr int kHeader = 30, kLabel = 24, kGap = 4;
  const int cols = static_cast<int>(columns.size());
  cv::Mat sheet(kHeader + n * (th + kLabel + kGap), cols * (tw + kGap) + kGap, CV_8UC3,
                cv::Scalar(255, 255, 255));
  for (int c = 0; c < cols; ++c) {
    const SheetColumn& col = columns[c];
    if (col.images.dim() != 3 || col.images.size(0) != n)
      throw std::runtime_error(path + ": sheet columns differ in size");
    const int x0 = kGap + c * (tw + kGap);
    putLabel(sheet, col.title, cv::Point(x0 + 4, kHeader - 10), 0.5);
    for (int r = 0; r < n; ++r) {
      cv::Mat t = tile(col.images[r], col.vmax, col.heat), big;
      cv::resize(t, big, cv::Size(tw, th), 0, 0, cv::INTER_NEAREST);
      const int y0 = kHeader + r * (th + kLabel + kGap);
      big.copyTo(sheet(cv::Rect(x0, y0, tw, th)));
      if (c == 0 && r < static_cast<int>(row_labels.size())) {
        putLabel(sheet, row_labels[r], cv::Point(x0 + 2, y0 + th + 17), 0.45);
      }
    }
  }
  writePngAtomic(path, sheet);
}
#else
void writeExampleSheet(const std::string& path, const std::vector<SheetColumn>&,
                       const std::vector<std::string>&, int) {
  throw std::runtime_error(path + ": this build cannot write figures (built without OpenCV)");
}
#endif

}  // namespace morphaeus
