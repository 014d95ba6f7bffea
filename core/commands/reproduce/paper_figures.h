// The paper's figures (`morphaeus reproduce --figure depth|teaser`), from the authors' configs or
// their synthetic twins (configs/figures/, no download):
// - depth (Figure 2, cor/baseline.yaml): the config's ConvAutoEncoder at depths 1-6 (the first d
//   of the channels 16, 32, 64, 128, 256, 256, each stride 2; the config's own channels first),
//   each trained and evaluated on every dataset of its tasks. figure_depth.png (rows: a few
//   examples of each dataset; columns: the input, then each depth's reconstruction),
//   figure_depth.csv (depth,dataset,l1,ssim[,lpips]), a bar plot of each metric against depth per
//   dataset, report.html.
// - teaser (Figure 1, teaser/ae-s.yaml and teaser/morphaeus.yaml): both trained (or --weights
//   LABEL=FILE evaluated), figure_teaser.png: rows input, AE-S, MorphAEus; columns the datasets.
#pragma once

#include "core/commands/reproduce/reproduce_command.h"

namespace morphaeus {

// The channels of AE1..AE6 where a config gives fewer (Figure 2's commented list).
const std::vector<int>& depthChannels();

int runDepthFigure(const ReproduceOptions& options);
int runTeaserFigure(const ReproduceOptions& options);

}  // namespace morphaeus
