// The one place where LibTorch API differences between 1.13 (Debian) and 2.x (pip/zip builds on
// GPU machines) are guarded. Include this instead of spelling version checks elsewhere.
#pragma once

#include <torch/version.h>

#define MORPHAEUS_TORCH_AT_LEAST(major, minor) \
  (TORCH_VERSION_MAJOR > (major) ||            \
   (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))

namespace morphaeus::compat {

// LibTorch 2.x stores torch.save archives with a record prefix chosen by the writer; 1.13 the
// same. Kept here so readers ask one function.
inline constexpr bool kHasTypedStorage = MORPHAEUS_TORCH_AT_LEAST(2, 0);

}  // namespace morphaeus::compat
