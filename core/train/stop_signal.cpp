#include "core/train/stop_signal.h"

#include <csignal>
#include <cstdlib>

namespace morphaeus {
namespace {

volatile std::sig_atomic_t g_signal = 0;

void onSignal(int sig) {
  if (g_signal != 0) std::_Exit(128 + sig);  // second signal: stop now
  g_signal = sig;
}

}  // namespace

void installStopHandlers() {
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
}

bool stopRequested() {
  return g_signal != 0;
}
int stopSignal() {
  return g_signal;
}

}  // namespace morphaeus
