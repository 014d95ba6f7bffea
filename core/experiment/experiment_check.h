// Checks across keys that validation one key at a time cannot see: image sizes against the
// model's (inshape, input_size, strides), the images' single channel against the model's, batch
// sizes against the train split and against BatchNorm in the trainer's model mode; then one
// forward pass of the configured model on zeros of the configured size ("the probe"), so that a
// combination no rule names is still refused at load time with the keys involved.
#pragma once

#include "core/experiment/experiment.h"

namespace morphaeus {

struct CrossCheckOptions {
  bool read_splits = true;  // count the train split's rows (files that exist now)
  bool probe = true;        // build the model and run it on zeros
};

// Throws ConfigErrors ("file:line:col: key.path: message", naming both keys where two disagree).
// Builds nothing that lasts and writes nothing: called before the run directory or any data.
void crossCheckExperiment(const Experiment& ex, const CrossCheckOptions& options = {});

}  // namespace morphaeus
