// SIGINT/SIGTERM handling for training: the first signal asks the trainer to finish its step,
// write `latest` and exit non-zero; a second one exits at once.
#pragma once

namespace morphaeus {

void installStopHandlers();
bool stopRequested();
int stopSignal();  // the signal received, 0 if none

}  // namespace morphaeus
