// The MorphAEus project's own trainer keys: their schema (after the base trainer's keys, with
// the one default of each key, taken from the options structs) and the parsers that turn a
// validated trainer.params into each trainer's options. The registrations use them; trainers
// see only the structs.
#pragma once

#include "core/config/config_node.h"
#include "core/config/schema.h"
#include "projects/morphaeus/morph_trainer.h"
#include "projects/morphaeus/reconstruction_trainer.h"
#include "projects/morphaeus/soft_intro_trainer.h"

namespace morphaeus {

// The base trainer's keys and the project's; a trainer's schema marks the project keys it does not
// read as ignored.
Schema morphTrainerSchema();
Schema reconstructionTrainerSchema();
Schema aaeTrainerSchema();
Schema softIntroTrainerSchema();  // plus the SI-VAE's loss weights

// ConfigError at vgg_weights' place when alfa > 0 and the key is missing.
MorphTrainerOptions morphTrainerOptions(const ConfigNode& params);
ReconstructionTrainerOptions reconstructionTrainerOptions(const ConfigNode& params);
SoftIntroLossOptions softIntroOptions(const ConfigNode& params);

}  // namespace morphaeus
