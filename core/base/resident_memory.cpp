#include "core/base/resident_memory.h"

#include <fstream>
#include <sstream>
#include <string>

namespace morphaeus {
namespace {

// The kB value of a "Key:   1234 kB" line of /proc/self/status, in MiB.
double statusMiB(const std::string& key) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) != 0) continue;
    std::istringstream ss(line.substr(key.size()));
    double kb = 0;
    ss >> kb;
    return kb / 1024.0;
  }
  return 0;
}

}  // namespace

double residentMiB() {
  return statusMiB("VmRSS:");
}

double peakResidentMiB() {
  return statusMiB("VmHWM:");
}

}  // namespace morphaeus
