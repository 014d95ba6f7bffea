"""PyTorch references for the losses and one MorphAEus training step, as upstream computes them
(torchvision VGG19 with trainable weights and target features with autograd, conv-based 9x9 NCC,
grid_sample warp through morphaeus_reference.py).

  training_reference.py make DIR   writes DIR/vgg19_random.pth (torchvision layout, random
                                   weights), DIR/losses.pt (loss values and gradients) and
                                   DIR/step.pt (weights before/after one Adam step at epoch 12)
"""
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import morphaeus_reference as ref  # noqa: E402


def ncc(a, b, win=9):
    filt = torch.ones([1, a.shape[1], win, win], dtype=a.dtype, device=a.device)
    pad = win // 2
    s = lambda t: F.conv2d(t, filt, stride=1, padding=pad)
    sa, sb, saa, sbb, sab = s(a), s(b), s(a * a), s(b * b), s(a * b)
    n = np.prod([win, win])
    ua, ub = sa / n, sb / n
    cross = sab - ub * sa - ua * sb + ua * ub * n
    va = saa - 2 * ua * sa + ua * ua * n
    vb = sbb - 2 * ub * sb + ub * ub * n
    cc = cross * cross / (torch.clamp(va * vb, min=0) + 1e-5)
    return 1 - torch.mean(cc)


def reg(disp, kind):
    dx = lambda fv: (fv[:, 2:, 1:-1] - fv[:, :-2, 1:-1]) / 2
    dy = lambda fv: (fv[:, 1:-1, 2:] - fv[:, 1:-1, :-2]) / 2
    g = lambda t, fn: torch.stack([fn(t[:, i, ...]) for i in [0, 1]], dim=1)
    tx, ty = g(disp, dx), g(disp, dy)
    if kind == "gradient-l2":
        return torch.mean(tx ** 2 + ty ** 2) / 2.0
    if kind == "gradient-l1":
        return torch.mean(torch.abs(tx) + torch.abs(ty)) / 2.0
    txx, tyy, txy = g(tx, dx), g(ty, dy), g(tx, dy)
    return torch.mean(txx ** 2 + tyy ** 2 + 2 * txy ** 2)


class VGGEncoder(nn.Module):  # upstream's layout: features up to 20, taps 1, 6, 11, 20
    def __init__(self, vgg):
        super().__init__()
        self.encoder = nn.ModuleList()
        seq = nn.Sequential()
        for i in range(21):
            seq.add_module(str(i), vgg.features[i])
            if i in [1, 6, 11, 20]:
                self.encoder.append(seq)
                seq = nn.Sequential()

    def forward(self, x):
        out = []
        for layer in self.encoder:
            x = layer(x)
            out.append(x)
        return out


def perceptual(enc, inp, tgt):
    fi = enc(inp.repeat(1, 3, 1, 1))
    ft = enc(tgt.repeat(1, 3, 1, 1))
    loss = 0
    for o, i in zip(ft, fi):
        loss += F.mse_loss(o, i)
    return loss


def value_and_grads(fn, *inputs):
    ins = [t.clone().requires_grad_(True) for t in inputs]
    v = fn(*ins)
    grads = torch.autograd.grad(v, ins)
    return {"value": v.detach(), **{f"grad{i}": g for i, g in enumerate(grads)}}


def make_vgg(d):
    """DIR/vgg19_random.pth: a VGG19 with random ImageNet-shaped weights (torch.manual_seed(3)) in
    torchvision's key layout -- the trunk up to relu4_1 plus one classifier entry (the real file
    holds all of them: the loader must ignore what it does not use), legacy format like
    vgg19-dcbb9e9d.pth. Returns upstream's perceptual encoder on those weights."""
    import torchvision  # only here: scripts/bench_reference.py imports this file without it

    torch.manual_seed(3)
    vgg = torchvision.models.vgg19()
    sd = {k: v for k, v in vgg.state_dict().items()
          if (k.startswith("features.") and int(k.split(".")[1]) <= 20) or k == "classifier.6.bias"}
    torch.save(sd, os.path.join(d, "vgg19_random.pth"), _use_new_zipfile_serialization=False)
    return VGGEncoder(vgg).eval()


def make(d):
    enc = make_vgg(d)
    g = torch.Generator().manual_seed(4)

    a = torch.rand(2, 1, 24, 28, generator=g)
    b = (a + 0.3 * torch.rand(2, 1, 24, 28, generator=g)).clamp(0, 1)
    flow = torch.randn(2, 2, 20, 22, generator=g)
    pi = torch.rand(2, 1, 32, 32, generator=g)
    pt = torch.rand(2, 1, 32, 32, generator=g)
    # A textured image against a nearly flat one (a blurry prior early in training): the
    # windows' variances cancel, and float32 rounding of the window sums moves the loss by about
    # 1.5e-3 -- the value depends on how the sums are added (upstream: by convolution).
    yy, xx = torch.meshgrid(torch.linspace(0, 1, 64), torch.linspace(0, 1, 64), indexing="ij")
    pattern = 0.6 + 0.25 * torch.cos(5 * xx) * torch.cos(4 * yy)
    sa = (pattern + 0.03 * torch.randn(2, 1, 64, 64, generator=g)).clamp(0, 1)
    blurred = F.conv2d(F.pad(pattern.expand(2, 1, 64, 64), (7, 7, 7, 7), mode="replicate"),
                       torch.ones(1, 1, 15, 15) / 225)
    sb = 0.55 + 0.02 * blurred
    losses = {
        "a": a, "b": b, "flow": flow, "pl_input": pi, "pl_target": pt,
        "l1": value_and_grads(F.l1_loss, a, b),
        "l2": value_and_grads(F.mse_loss, a, b),
        "ncc": value_and_grads(ncc, a, b),
        "smooth_a": sa, "smooth_b": sb,
        "ncc_smooth": value_and_grads(ncc, sa, sb),
        "ncc_smooth_float64": value_and_grads(ncc, sa.double(), sb.double()),
        "gradient-l2": value_and_grads(lambda f: reg(f, "gradient-l2"), flow),
        "gradient-l1": value_and_grads(lambda f: reg(f, "gradient-l1"), flow),
        "bending": value_and_grads(lambda f: reg(f, "bending"), flow),
        "perceptual": value_and_grads(lambda i: perceptual(enc, i, pt), pi),
    }
    torch.save(losses, os.path.join(d, "losses.pt"))

    # One MorphAEus training step at epoch 12 (morphology term on), upstream's composition.
    model = ref.MorphAEus()
    ref.randomize(model, 1)
    with torch.no_grad():  # moderate weights so that the step is well conditioned
        model.deformer.flow.weight.mul_(0.05)
    model.train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    x = torch.rand(4, 1, 128, 128, generator=g)
    # The step itself in float64 (from the float32 weights and images): the exact values that a
    # float32 implementation approximates, whatever order it sums in (the NCC's window sums and
    # the conv kernels differ between implementations).
    model.double()
    enc = enc.double()
    x64 = x.double()
    opt = torch.optim.Adam(model.parameters(), lr=5e-4)
    epoch, alfa, beta_max, delta, max_iter = 12, 0.05, 3.0, 1.0, 200
    beta = float(np.clip(beta_max * (epoch / max_iter), 1e-3, beta_max))
    out = model(x64)
    prior, recon, reversed_img, deformation = out["x_prior"], out["y_source"], out["y_target"], out["deformation"]
    loss_mse = F.mse_loss(prior, x64)
    loss_pl = perceptual(enc, prior, x64)
    loss = loss_mse + alfa * loss_pl
    reg_deform = reg(deformation, "gradient-l2")
    loss_deform = (ncc(x64, recon) + ncc(prior, reversed_img)) / 2
    loss = loss + delta * (loss_deform + beta * reg_deform)
    opt.zero_grad()
    loss.backward()
    opt.step()
    grads = {n: p.grad.detach().clone() for n, p in model.named_parameters()}
    torch.save({"x": x, "before": before, "after": model.state_dict(), "grads": grads, "loss": loss.detach(),
                "loss_mse": loss_mse.detach(), "loss_pl": loss_pl.detach(), "loss_reg": reg_deform.detach(),
                "loss_deformation": loss_deform.detach(), "optimizer": opt.state_dict()},
               os.path.join(d, "step.pt"))


if __name__ == "__main__":
    make(sys.argv[2]) if sys.argv[1] == "make" else sys.exit("usage: training_reference.py make DIR")
