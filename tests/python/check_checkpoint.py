"""Loads a checkpoint written by morphaeus with Python's torch.load, as a PyTorch user would:
load_state_dict(strict=True) into the reference MorphAEus and an Adam optimizer's
load_state_dict. Prints the epoch and the number of optimizer states.

  check_checkpoint.py CKPT
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import morphaeus_reference as ref  # noqa: E402

ckpt = torch.load(sys.argv[1])
model = ref.MorphAEus()
model.load_state_dict(ckpt["model_weights"], strict=True)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
opt.load_state_dict(ckpt["optimizer_weights"])
print(f"epoch {ckpt['epoch']} states {len(opt.state_dict()['state'])} lr {opt.param_groups[0]['lr']}")
