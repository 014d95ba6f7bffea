"""PyTorch's own learning-rate schedulers, stepped the two ways the trainers step them:
`val_loss`, as upstream's core/Trainer.py and SIVAETrainer.py do (scheduler.step(val_loss) for
every kind: cosine, exponential and MultiStepLR then take their closed form with last_epoch = the
validation loss), and `epoch` (scheduler.step() once per epoch; ReduceLROnPlateau always gets the
validation loss).

  lr_schedule_reference.py make DIR   writes DIR/schedules.pt: {'val_losses': [E floats],
                                      '<kind>/<step>': [lr of epochs 1..E] (the lr after each step)}
"""
import os
import sys
import warnings

import torch
from torch.optim.lr_scheduler import CosineAnnealingLR, ExponentialLR, MultiStepLR, ReduceLROnPlateau

BASE = 5e-4


def scheduler(kind, opt):
    if kind == "cosine":
        return CosineAnnealingLR(optimizer=opt, T_max=100)  # core/Trainer.py
    if kind == "exponential":
        return ExponentialLR(optimizer=opt, gamma=0.97)
    if kind == "plateau":
        return ReduceLROnPlateau(optimizer=opt, mode="min", factor=0.1)
    return MultiStepLR(opt, milestones=(350,), gamma=0.1)  # SIVAETrainer.py


def make(out_dir):
    warnings.filterwarnings("ignore")  # step(epoch) is deprecated; upstream does it anyway
    g = torch.Generator().manual_seed(5)
    epochs = 420  # past the MultiStepLR milestone and several plateau reductions
    # A decreasing loss that stalls for long stretches (plateaus) and sometimes rises.
    val = []
    v = 0.05
    for e in range(epochs):
        if (e // 30) % 2 == 0:
            v *= 0.99
        v_noisy = v * (1 + 0.002 * float(torch.randn(1, generator=g)))
        val.append(v_noisy)
    out = {"val_losses": torch.tensor(val, dtype=torch.float64)}
    for kind in ("cosine", "exponential", "plateau", "multistep"):
        for step in ("val_loss", "epoch"):
            p = torch.nn.Parameter(torch.zeros(1))
            opt = torch.optim.Adam([p], lr=BASE)
            s = scheduler(kind, opt)
            lrs = []
            for e in range(epochs):
                if kind == "plateau" or step == "val_loss":
                    s.step(val[e])
                else:
                    s.step()
                lrs.append(opt.param_groups[0]["lr"])
            out[f"{kind}/{step}"] = torch.tensor(lrs, dtype=torch.float64)
    torch.save(out, os.path.join(out_dir, "schedules.pt"))


if __name__ == "__main__":
    make(sys.argv[2]) if sys.argv[1] == "make" else sys.exit("usage: lr_schedule_reference.py make DIR")
