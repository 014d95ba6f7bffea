// The MorphAEus project's own trainer keys, each declared once beside its options struct (its
// default the struct's): their schema (among the base trainer's keys) and the parsers that turn a
// validated trainer.params into each trainer's options. The registrations use them; trainers see
// only the structs.
#pragma once

#include "core/config/config_node.h"
#include "core/config/key_table.h"
#include "core/config/schema.h"
#include "projects/morphaeus/morph_trainer.h"
#include "projects/morphaeus/reconstruction_trainer.h"
#include "projects/morphaeus/soft_intro_trainer.h"

namespace morphaeus {

// Each trainer's own keys, one declaration each (the groups it does not read accepted and ignored):
// their schema, reader and defaults check.
const KeyTable<MorphTrainerOptions>& morphTrainerKeys();
const KeyTable<ReconstructionTrainerOptions>& reconstructionTrainerKeys();
Schema aaeTrainerKeys();  // reads none of them
const KeyTable<SoftIntroLossOptions>& softIntroTrainerKeys();

// The base trainer's keys and the trainer's own.
Schema morphTrainerSchema();
Schema reconstructionTrainerSchema();
Schema aaeTrainerSchema();
Schema softIntroTrainerSchema();  // plus the SI-VAE's loss weights

// ConfigError at vgg_weights' place when alfa > 0 and the key is missing.
MorphTrainerOptions morphTrainerOptions(const ConfigNode& params);
ReconstructionTrainerOptions reconstructionTrainerOptions(const ConfigNode& params);
SoftIntroLossOptions softIntroOptions(const ConfigNode& params);

}  // namespace morphaeus
