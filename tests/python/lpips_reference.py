"""LPIPS (AlexNet, v0.1) reference for test_metrics.cpp, written from the lpips package's
definition with torchvision's AlexNet (random weights: no download).

  lpips_reference.py make DIR   writes DIR/alexnet.pth (a torchvision AlexNet state dict, classifier
                                included), DIR/lpips_alex.pth (lin0..lin4 as the package names
                                them) and DIR/lpips.pt: image batches a, b in [0, 1] and LPIPS(a, b)
                                with normalize=False ('lpips', upstream's call) and True
                                ('lpips_normalized')
"""
import os
import sys

import torch
import torch.nn.functional as F
import torchvision

SHIFT = torch.tensor([-.030, -.088, -.188]).view(1, 3, 1, 1)
SCALE = torch.tensor([.458, .448, .450]).view(1, 3, 1, 1)
TAPS = (1, 4, 7, 9, 11)  # relu1 .. relu5


def lpips(alex, lins, a, b, normalize):
    """lpips.LPIPS(net='alex').forward(a, b, normalize): normalize=True maps [0, 1] to [-1, 1]
    first; upstream's evaluator calls it with the default, False."""
    def features(t):
        t = 2 * t - 1 if normalize else t
        h, out = (t.repeat(1, 3, 1, 1) - SHIFT) / SCALE, []
        for i, layer in enumerate(alex.features):
            h = layer(h)
            if i in TAPS:
                out.append(h.clone())
        return out

    def unit(f):
        return f / (torch.sqrt(torch.sum(f ** 2, dim=1, keepdim=True)) + 1e-10)

    total = 0
    for k, (fa, fb) in enumerate(zip(features(a), features(b))):
        total = total + F.conv2d((unit(fa) - unit(fb)) ** 2, lins[k]).mean(dim=[2, 3])
    return total.view(-1)


def make(d):
    torch.manual_seed(3)
    alex = torchvision.models.alexnet(weights=None).eval()
    lins = [torch.rand(1, c, 1, 1) * 0.1 for c in (64, 192, 384, 256, 256)]
    torch.save(alex.state_dict(), os.path.join(d, "alexnet.pth"))
    torch.save({f"lin{k}.model.1.weight": w for k, w in enumerate(lins)}, os.path.join(d, "lpips_alex.pth"))
    a = torch.rand(3, 1, 128, 128)
    b = (a + 0.2 * torch.randn_like(a)).clamp(0, 1)
    b[2] = a[2]  # identical images: distance 0
    with torch.no_grad():
        ref = lpips(alex, lins, a, b, normalize=False).double()
        normalized = lpips(alex, lins, a, b, normalize=True).double()
    torch.save({"a": a, "b": b, "lpips": ref, "lpips_normalized": normalized}, os.path.join(d, "lpips.pt"))


if __name__ == "__main__":
    make(sys.argv[2]) if sys.argv[1] == "make" else sys.exit("usage: lpips_reference.py make DIR")
