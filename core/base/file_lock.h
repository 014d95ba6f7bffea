// An exclusive lock on a file, held by this process until the object goes: what several
// processes that fill one folder (runs of a sweep side by side, `--jobs` or a SLURM array, all
// generating the same synthetic data) take before they look at it and write it. flock(2) on
// `path`, created if missing; the lock goes with the process however it ends.
#pragma once

#include <string>

namespace morphaeus {

class FileLock {
 public:
  // Waits for the lock; std::runtime_error naming `path` when it cannot be opened or locked.
  explicit FileLock(const std::string& path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace morphaeus
